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
/* A filled rounded box, without a clip node. */
void     shmviz_draw_rounded_fill  (GtkSnapshot           *snapshot,
                                    const graphene_rect_t *rect,
                                    float                  radius,
                                    const GdkRGBA         *color);

G_END_DECLS
