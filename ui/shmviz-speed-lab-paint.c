/* shmviz-speed-lab-paint.c — what the chart paints with
 *
 * The mechanisms' colours, text in the chart's font, and the hatching that
 * marks the floor; the legend and the panels both use them.  Apart so that
 * a colour or the text's scale has one place.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <pango/pangocairo.h>

#include "shmviz-speed-lab-internal.h"

/* Okabe-Ito colours: apart for the common colour-vision deficiencies, and
 * readable on light and dark backgrounds.  The floor is also hatched, so
 * it reads without colour. */
const GdkRGBA _shmviz_speed_lab_mechanism_colours[SHMVIZ_BENCH_N_MECHANISMS] = {
  { 0.902, 0.624, 0.000, 1 },   /* pipe: orange */
  { 0.800, 0.475, 0.655, 1 },   /* message queue: reddish purple */
  { 0.000, 0.620, 0.451, 1 },   /* Unix socket: bluish green */
  { 0.000, 0.447, 0.698, 1 },   /* shm + semaphores: blue */
  { 0.835, 0.369, 0.000, 1 },   /* shm lock-free: vermilion */
  { 0.337, 0.706, 0.914, 1 },   /* spinning floor: sky blue, hatched */
};

PangoLayout *
_shmviz_speed_lab_new_layout (const ChartStyle *style,
                              const char       *text,
                              gdouble           scale,
                              gboolean          bold)
{
  PangoLayout *layout = pango_layout_new (style->context);
  g_autoptr(PangoFontDescription) font = pango_font_description_copy (style->font);
  gint size = pango_font_description_get_size (font);

  if (size <= 0)
    size = 10 * PANGO_SCALE;
  if (pango_font_description_get_size_is_absolute (font))
    pango_font_description_set_absolute_size (font, size * scale);
  else
    pango_font_description_set_size (font, (gint) (size * scale));
  if (bold)
    pango_font_description_set_weight (font, PANGO_WEIGHT_BOLD);
  pango_layout_set_font_description (layout, font);
  pango_layout_set_text (layout, text, -1);
  return layout;
}

void
_shmviz_speed_lab_layout_size (PangoLayout *layout,
                               gdouble     *w,
                               gdouble     *h)
{
  int pw, ph;

  pango_layout_get_size (layout, &pw, &ph);
  *w = (gdouble) pw / PANGO_SCALE;
  *h = (gdouble) ph / PANGO_SCALE;
}

void
_shmviz_speed_lab_show_text (cairo_t          *cr,
                             const ChartStyle *style,
                             const char       *text,
                             gdouble           x,
                             gdouble           y,
                             gdouble           xalign,   /* 0 left, 0.5 centre, 1 right */
                             gdouble           scale,
                             gboolean          bold)
{
  g_autoptr(PangoLayout) layout = _shmviz_speed_lab_new_layout (style, text, scale, bold);
  gdouble w, h;

  _shmviz_speed_lab_layout_size (layout, &w, &h);
  cairo_move_to (cr, x - w * xalign, y);
  pango_cairo_show_layout (cr, layout);
}

void
_shmviz_speed_lab_set_colour (cairo_t       *cr,
                              const GdkRGBA *c,
                              gdouble        alpha)
{
  cairo_set_source_rgba (cr, c->red, c->green, c->blue, c->alpha * alpha);
}

void
_shmviz_speed_lab_hatch (cairo_t *cr,
                         gdouble  x,
                         gdouble  y,
                         gdouble  w,
                         gdouble  h)
{
  cairo_save (cr);
  cairo_rectangle (cr, x, y, w, h);
  cairo_clip (cr);
  cairo_set_source_rgba (cr, 1, 1, 1, 0.55);
  cairo_set_line_width (cr, 1.5);
  for (gdouble d = -h; d < w; d += 6)
    {
      cairo_move_to (cr, x + d, y + h);
      cairo_line_to (cr, x + d + h, y);
    }
  cairo_stroke (cr);
  cairo_restore (cr);
}
