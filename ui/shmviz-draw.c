/* shmviz-draw.c — snapshot helpers the custom views share
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include "shmviz-draw.h"
#include "shmviz-palette.h"

gboolean
shmviz_draw_is_dark (GtkWidget  *widget,
                     const char *palette)
{
  GdkRGBA fg;

  if (shmviz_palette_is_dark (palette))
    return TRUE;
  /* The theme's text colour tells the background: light text, dark theme.
   * GTK 4.10's gtk_widget_get_color() is past our platform. */
  G_GNUC_BEGIN_IGNORE_DEPRECATIONS
  gtk_style_context_get_color (gtk_widget_get_style_context (widget), &fg);
  G_GNUC_END_IGNORE_DEPRECATIONS
  return shmviz_palette_luminance (&fg) > 0.5;
}

void
shmviz_draw_outline (GtkSnapshot           *snapshot,
                     const graphene_rect_t *rect,
                     float                  radius,
                     float                  width,
                     const GdkRGBA         *color)
{
  GskRoundedRect rr;
  const GdkRGBA colors[4] = { *color, *color, *color, *color };
  const float widths[4] = { width, width, width, width };

  gsk_rounded_rect_init_from_rect (&rr, rect, radius);
  gtk_snapshot_append_border (snapshot, &rr, widths, colors);
}

void
shmviz_draw_damage_whole (GtkSnapshot           *snapshot,
                          const graphene_rect_t *rect,
                          gboolean              *parity)
{
  /* A clear colour draws nothing (cairo skips it), but one unlike the
   * last frame's makes the diff damage its whole bounds, and drawn first
   * its rectangle swallows the others. */
  GdkRGBA clear = { 0, 0, 0, 0 };

  *parity = !*parity;
  clear.red = *parity;
  gtk_snapshot_append_color (snapshot, &clear, rect);
}

void
shmviz_draw_rounded_fill (GtkSnapshot           *snapshot,
                          const graphene_rect_t *rect,
                          float                  radius,
                          const GdkRGBA         *color)
{
  GskRoundedRect rr;
  float hw = rect->size.width / 2, hh = rect->size.height / 2;
  const GdkRGBA colors[4] = { *color, *color, *color, *color };
  /* top, right, bottom, left: each exactly half the box, so the inner
   * edge closes to a point.  A border thicker than that is drawn with
   * seams (stray diagonal lines) by the cairo renderer; a rounded clip
   * would cost a mask per shape per frame. */
  const float widths[4] = { hh, hw, hh, hw };

  if (radius < 1.5f)
    {
      gtk_snapshot_append_color (snapshot, color, rect);
      return;
    }
  gsk_rounded_rect_init_from_rect (&rr, rect, MIN (radius, MIN (hw, hh)));
  gtk_snapshot_append_border (snapshot, &rr, widths, colors);
}

cairo_surface_t *
shmviz_draw_node_to_image (GskRenderNode *node,
                           int            x,
                           int            y,
                           int            w,
                           int            h,
                           int            scale)
{
  cairo_surface_t *surface = cairo_image_surface_create (CAIRO_FORMAT_ARGB32, w * scale, h * scale);
  cairo_t *cr;

  cairo_surface_set_device_scale (surface, scale, scale);
  cr = cairo_create (surface);
  cairo_translate (cr, -x, -y);
  gsk_render_node_draw (node, cr);
  cairo_destroy (cr);
  cairo_surface_flush (surface);
  return surface;
}

GskRenderNode *
shmviz_draw_image_node (cairo_surface_t *image,
                        int              x,
                        int              y,
                        int              w,
                        int              h)
{
  GskRenderNode *node = gsk_cairo_node_new (&GRAPHENE_RECT_INIT (x, y, w, h));
  cairo_t *cr = gsk_cairo_node_get_draw_context (node);

  cairo_set_source_surface (cr, image, x, y);
  cairo_paint (cr);
  cairo_destroy (cr);
  return node;
}
