/* shmviz-speed-lab-draw.c — the chart as a whole
 *
 * The chart is drawn with cairo, on screen through gtk_snapshot_append_cairo()
 * and into PNG and SVG files by the very same function, so an export is
 * exactly what the page shows.  Here is that function: the sizes and
 * mechanisms found in the result, the legend, the footer of an export, and
 * where the two panels go.  Apart from the panels, as it is what the
 * screen and the files call.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <string.h>

#include <glib/gi18n.h>
#include <pango/pangocairo.h>

#include "shmviz-speed-lab-internal.h"

static void
collect_axes (const ShmvizBenchResult *result,
              ChartAxes               *axes)
{
  gboolean present[SHMVIZ_BENCH_N_MECHANISMS] = { FALSE };

  memset (axes, 0, sizeof *axes);
  for (guint i = 0; i < result->rows->len; i++)
    {
      const ShmvizBenchRow *row = &g_array_index (result->rows, ShmvizBenchRow, i);
      guint j;

      if (row->mechanism < SHMVIZ_BENCH_N_MECHANISMS)
        present[row->mechanism] = TRUE;
      for (j = 0; j < axes->n_sizes; j++)
        if (axes->sizes[j] == row->size)
          break;
      if (j == axes->n_sizes && axes->n_sizes < G_N_ELEMENTS (axes->sizes))
        {
          /* Keep them in order of size, as the groups read left to right. */
          while (j > 0 && axes->sizes[j - 1] > row->size)
            {
              axes->sizes[j] = axes->sizes[j - 1];
              j--;
            }
          axes->sizes[j] = row->size;
          axes->n_sizes++;
        }
    }
  for (guint m = 0; m < SHMVIZ_BENCH_N_MECHANISMS; m++)
    if (present[m])
      axes->mechanisms[axes->n_mechanisms++] = m;
}

static gdouble
draw_legend (cairo_t                 *cr,
             const ChartStyle        *style,
             const ChartAxes         *axes,
             gdouble                  x0,
             gdouble                  y0,
             gdouble                  width,
             ChartLayout             *out)
{
  gdouble x = x0, y = y0, line_h = 0;

  for (guint i = 0; i < axes->n_mechanisms; i++)
    {
      ShmvizBenchMechanism m = axes->mechanisms[i];
      g_autoptr(PangoLayout) layout = _shmviz_speed_lab_new_layout (style, shmviz_bench_mechanism_label (m),
                                                                    1.0, FALSE);
      gdouble w, h, entry_w;

      _shmviz_speed_lab_layout_size (layout, &w, &h);
      entry_w = 14 + 6 + w;
      if (x > x0 && x + entry_w > x0 + width)
        {
          x = x0;
          y += line_h + 4;
        }
      line_h = MAX (line_h, h);
      _shmviz_speed_lab_set_colour (cr, &_shmviz_speed_lab_mechanism_colours[m], 1);
      cairo_rectangle (cr, x, y + (h - 14) / 2, 14, 14);
      cairo_fill (cr);
      if (m == SHMVIZ_BENCH_SPIN_FLOOR)
        _shmviz_speed_lab_hatch (cr, x, y + (h - 14) / 2, 14, 14);
      _shmviz_speed_lab_set_colour (cr, &style->fg, 1);
      cairo_move_to (cr, x + 20, y);
      pango_cairo_show_layout (cr, layout);
      out->legend[m] = GRAPHENE_RECT_INIT (x, y, entry_w, h);
      out->legend_drawn[m] = TRUE;
      x += entry_w + 22;
    }
  return y + line_h - y0;
}

void
_shmviz_speed_lab_draw_chart (cairo_t                 *cr,
                              gdouble                  width,
                              gdouble                  height,
                              const ShmvizBenchResult *result,
                              const ChartStyle        *style,
                              ChartLayout             *out)
{
  ChartAxes axes;
  gdouble legend_h, footer_h = 0, panel_h, top;

  memset (out, 0, sizeof *out);
  if (!result || result->rows->len == 0 || width < 100 || height < 100)
    return;
  collect_axes (result, &axes);

  if (style->footer)
    {
      g_autofree char *date = _shmviz_speed_lab_format_date (result->date);
      g_autofree char *text = g_strdup_printf (_("shmviz Speed lab · %s · %u CPUs · %s · %s"),
                                               result->cpu_model, result->n_cpus, result->kernel, date);
      g_autoptr(PangoLayout) l = _shmviz_speed_lab_new_layout (style, text, 0.8, FALSE);
      gdouble w;

      _shmviz_speed_lab_layout_size (l, &w, &footer_h);
      pango_layout_set_width (l, (int) (width * PANGO_SCALE));
      pango_layout_set_ellipsize (l, PANGO_ELLIPSIZE_END);
      _shmviz_speed_lab_set_colour (cr, &style->fg, 0.7);
      cairo_move_to (cr, 0, height - footer_h);
      pango_cairo_show_layout (cr, l);
      footer_h += 6;
    }

  legend_h = draw_legend (cr, style, &axes, 0, 0, width, out);
  top = legend_h + 14;
  panel_h = (height - top - footer_h - 18) / 2;
  _shmviz_speed_lab_draw_panel (cr, style, result, &axes, METRIC_THROUGHPUT, 0, top, width, panel_h, out);
  _shmviz_speed_lab_draw_panel (cr, style, result, &axes, METRIC_LATENCY, 0, top + panel_h + 18, width, panel_h,
                                out);
}
