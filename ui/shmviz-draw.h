/* shmviz-draw.h — snapshot helpers the custom views share
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gtk/gtk.h>

G_BEGIN_DECLS

/* Whether @widget is drawn on a dark background: the palette says so, or
 * the theme's text colour is light. */
gboolean shmviz_draw_is_dark       (GtkWidget             *widget,
                                    const char            *palette);
/* A rounded outline of @width. */
void     shmviz_draw_outline       (GtkSnapshot           *snapshot,
                                    const graphene_rect_t *rect,
                                    float                  radius,
                                    float                  width,
                                    const GdkRGBA         *color);
/* GTK 4.8's render-node diff gives up once the damage holds more than 30
 * rectangles and then damages every ancestor whole: the entire window.  A
 * view whose changes this frame are scattered over more than this many
 * places damages itself as one rectangle instead
 * (shmviz_draw_damage_whole()), so that the views together stay far
 * below the limit. */
#define SHMVIZ_DRAW_COARSE_DAMAGE 8

/* Marks all of @rect changed in this frame without drawing anything.  Call
 * it before anything else the view draws, with a flag of the view's own
 * that it flips. */
void     shmviz_draw_damage_whole  (GtkSnapshot           *snapshot,
                                    const graphene_rect_t *rect,
                                    gboolean              *parity);
/* Pictures: what repeats is drawn once and painted again.
 * shmviz_draw_node_to_image() runs on @node, once, the cairo code the
 * cairo renderer would run on every frame, into an image of @w × @h at
 * @scale with (@x, @y) at its corner.  shmviz_draw_image_node() makes a
 * node that paints such an image at (@x, @y) — not a texture node: GTK
 * 4.8's cairo renderer converts a texture's every pixel through floats on
 * every frame, where a cairo node painting an image is a plain copy.  The
 * node keeps its own reference to the pixels. */
cairo_surface_t *shmviz_draw_node_to_image (GskRenderNode   *node,
                                            int              x,
                                            int              y,
                                            int              w,
                                            int              h,
                                            int              scale);
GskRenderNode   *shmviz_draw_image_node    (cairo_surface_t *image,
                                            int              x,
                                            int              y,
                                            int              w,
                                            int              h);

/* A filled rounded box, without a clip node. */
void     shmviz_draw_rounded_fill  (GtkSnapshot           *snapshot,
                                    const graphene_rect_t *rect,
                                    float                  radius,
                                    const GdkRGBA         *color);

G_END_DECLS
