/* shmviz-speed-lab-panel.c — one panel of the chart
 *
 * Throughput or latency: a group of bars per message size, a bar per
 * mechanism, log scale, whiskers from the fastest to the slowest
 * repetition, and over each bar its ratio to the pipe and its share of the
 * hardware floor.  Apart as the bulk of the drawing, and the part to read
 * when a figure looks wrong.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <math.h>

#include <glib/gi18n.h>
#include <pango/pangocairo.h>

#include "shmviz-speed-lab-internal.h"

/* The two labels over a bar: × the pipe, and % of the floor. */
static void
bar_labels (const ShmvizBenchResult *result,
            const ShmvizBenchRow    *row,
            Metric                   metric,
            char                   **ratio,
            char                   **share)
{
  const ShmvizBenchRow *pipe = shmviz_bench_result_lookup (result, SHMVIZ_BENCH_PIPE, row->size);
  gdouble v = _shmviz_speed_lab_metric_value (row, metric, 0);

  *ratio = NULL;
  *share = NULL;
  if (_shmviz_speed_lab_row_measured (pipe, metric))
    *ratio = _shmviz_speed_lab_format_ratio (v / _shmviz_speed_lab_metric_value (pipe, metric, 0));
  if (metric == METRIC_THROUGHPUT)
    {
      const ShmvizBenchRow *floor_row = shmviz_bench_result_lookup (result, SHMVIZ_BENCH_SPIN_FLOOR,
                                                                    row->size);

      if (_shmviz_speed_lab_row_measured (floor_row, metric))
        *share = _shmviz_speed_lab_format_share (v / _shmviz_speed_lab_metric_value (floor_row, metric, 0));
    }
  else if (isfinite (result->cacheline_handoff_ns) && result->cacheline_handoff_ns > 0)
    {
      /* For time, the floor is the least there can be: its share is floor / time. */
      *share = _shmviz_speed_lab_format_share (result->cacheline_handoff_ns / v);
    }
}

void
_shmviz_speed_lab_draw_panel (cairo_t                 *cr,
                              const ChartStyle        *style,
                              const ShmvizBenchResult *result,
                              const ChartAxes         *axes,
                              Metric                   metric,
                              gdouble                  x0,
                              gdouble                  y0,
                              gdouble                  width,
                              gdouble                  height,
                              ChartLayout             *out)
{
  g_autoptr(PangoLayout) probe = _shmviz_speed_lab_new_layout (style, "0", 0.8, FALSE);
  const char *title = metric == METRIC_THROUGHPUT
    ? _("Throughput: messages per second, streaming one way (higher is better)")
    : _("Latency: one way, median of a ping-pong (lower is better)");
  const char *legend = metric == METRIC_THROUGHPUT
    ? _("Over each bar: × the pipe, % of the spinning floor")
    : _("Over each bar: × the pipe, % of the cache-line hand-off");
  gdouble lo = INFINITY, hi = -INFINITY;
  gdouble small_w, small_h, title_h, axis_w = 0, plot_x, plot_y, plot_w, plot_h, headroom;
  int d_lo, d_hi;

  _shmviz_speed_lab_layout_size (probe, &small_w, &small_h);
  {
    g_autoptr(PangoLayout) t = _shmviz_speed_lab_new_layout (style, title, 1.0, TRUE);
    gdouble tw;

    _shmviz_speed_lab_layout_size (t, &tw, &title_h);
    _shmviz_speed_lab_set_colour (cr, &style->fg, 1);
    cairo_move_to (cr, x0, y0);
    pango_cairo_show_layout (cr, t);
    _shmviz_speed_lab_set_colour (cr, &style->fg, 0.7);
    _shmviz_speed_lab_show_text (cr, style, legend, x0 + width, y0 + title_h - small_h, 1.0, 0.8, FALSE);
  }

  for (guint i = 0; i < result->rows->len; i++)
    {
      const ShmvizBenchRow *row = &g_array_index (result->rows, ShmvizBenchRow, i);

      if (!_shmviz_speed_lab_row_measured (row, metric))
        continue;
      for (guint k = 0; k < 3; k++)
        {
          gdouble v = _shmviz_speed_lab_metric_value (row, metric, k);

          if (isfinite (v) && v > 0)
            {
              lo = MIN (lo, v);
              hi = MAX (hi, v);
            }
        }
    }
  if (!isfinite (lo))
    {
      lo = 1;
      hi = 10;
    }
  d_lo = (int) floor (log10 (lo));
  d_hi = (int) ceil (log10 (hi));
  if (d_hi <= d_lo)
    d_hi = d_lo + 1;

  for (int d = d_lo; d <= d_hi; d++)
    {
      g_autofree char *text = _shmviz_speed_lab_format_decade (d, metric);
      g_autoptr(PangoLayout) l = _shmviz_speed_lab_new_layout (style, text, 0.8, FALSE);
      gdouble w, h;

      _shmviz_speed_lab_layout_size (l, &w, &h);
      axis_w = MAX (axis_w, w);
    }
  axis_w += 8;
  headroom = 2 * small_h + 6;
  plot_x = x0 + axis_w;
  plot_y = y0 + title_h + 6 + headroom;
  plot_w = width - axis_w;
  plot_h = height - title_h - 6 - headroom - small_h * 1.25 - 6;
  if (plot_w < 40 || plot_h < 20)
    return;

#define Y_OF(v) (plot_y + plot_h - (log10 (v) - d_lo) / (gdouble) (d_hi - d_lo) * plot_h)

  /* Decades: grid lines and their labels. */
  cairo_set_line_width (cr, 1);
  for (int d = d_lo; d <= d_hi; d++)
    {
      g_autofree char *text = _shmviz_speed_lab_format_decade (d, metric);
      gdouble y = round (plot_y + plot_h - (d - d_lo) / (gdouble) (d_hi - d_lo) * plot_h) + 0.5;

      _shmviz_speed_lab_set_colour (cr, &style->fg, d == d_lo ? 0.6 : 0.15);
      cairo_move_to (cr, plot_x, y);
      cairo_line_to (cr, plot_x + plot_w, y);
      cairo_stroke (cr);
      _shmviz_speed_lab_set_colour (cr, &style->fg, 0.75);
      _shmviz_speed_lab_show_text (cr, style, text, plot_x - 6, y - small_h / 2, 1.0, 0.8, FALSE);
    }

  for (guint s = 0; s < axes->n_sizes; s++)
    {
      gdouble group_w = plot_w / axes->n_sizes;
      gdouble gx = plot_x + s * group_w + group_w * 0.06;
      gdouble inner_w = group_w * 0.88;
      gdouble slot = inner_w / MAX (axes->n_mechanisms, 1);
      gdouble bar_w = MAX (2, slot * 0.68);
      g_autofree char *size_text = _shmviz_speed_lab_format_size (axes->sizes[s]);

      _shmviz_speed_lab_set_colour (cr, &style->fg, 1);
      _shmviz_speed_lab_show_text (cr, style, size_text, plot_x + (s + 0.5) * group_w, plot_y + plot_h + 4,
                                   0.5, 0.9, TRUE);

      for (guint i = 0; i < axes->n_mechanisms; i++)
        {
          ShmvizBenchMechanism m = axes->mechanisms[i];
          const ShmvizBenchRow *row = shmviz_bench_result_lookup (result, m, axes->sizes[s]);
          gdouble cx = gx + (i + 0.5) * slot;
          gdouble bx = cx - bar_w / 2;
          gdouble v, vmin, vmax, y_top, y_wmin, y_wmax, label_y;
          g_autofree char *ratio = NULL;
          g_autofree char *share = NULL;
          g_autoptr(PangoLayout) l1 = NULL;
          g_autoptr(PangoLayout) l2 = NULL;
          gdouble w1 = 0, h1 = 0, w2 = 0, h2 = 0;

          if (!row)
            continue;
          if (!_shmviz_speed_lab_row_measured (row, metric))
            {
              /* Not measured (this machine cannot, or it failed): say so in place. */
              _shmviz_speed_lab_set_colour (cr, &_shmviz_speed_lab_mechanism_colours[m], 0.8);
              cairo_set_line_width (cr, 1);
              cairo_rectangle (cr, round (bx) + 0.5, plot_y + plot_h - 16.5, round (bar_w) - 1, 16);
              cairo_stroke (cr);
              _shmviz_speed_lab_set_colour (cr, &style->fg, 0.7);
              _shmviz_speed_lab_show_text (cr, style, row->failed ? _("failed") : _("n/a"),
                                           cx, plot_y + plot_h - 18 - small_h, 0.5, 0.7, FALSE);
              continue;
            }
          v = _shmviz_speed_lab_metric_value (row, metric, 0);
          vmin = _shmviz_speed_lab_metric_value (row, metric, 1);
          vmax = _shmviz_speed_lab_metric_value (row, metric, 2);
          y_top = Y_OF (v);

          _shmviz_speed_lab_set_colour (cr, &_shmviz_speed_lab_mechanism_colours[m], 1);
          cairo_rectangle (cr, bx, y_top, bar_w, plot_y + plot_h - y_top);
          cairo_fill (cr);
          if (m == SHMVIZ_BENCH_SPIN_FLOOR)
            _shmviz_speed_lab_hatch (cr, bx, y_top, bar_w, plot_y + plot_h - y_top);

          /* The whisker spans the repetitions' range. */
          y_wmin = isfinite (vmin) && vmin > 0 ? Y_OF (vmin) : y_top;
          y_wmax = isfinite (vmax) && vmax > 0 ? Y_OF (vmax) : y_top;
          _shmviz_speed_lab_set_colour (cr, &style->fg, 0.85);
          cairo_set_line_width (cr, 1.25);
          cairo_move_to (cr, cx, y_wmin);
          cairo_line_to (cr, cx, y_wmax);
          cairo_move_to (cr, cx - bar_w * 0.25, y_wmin);
          cairo_line_to (cr, cx + bar_w * 0.25, y_wmin);
          cairo_move_to (cr, cx - bar_w * 0.25, y_wmax);
          cairo_line_to (cr, cx + bar_w * 0.25, y_wmax);
          cairo_stroke (cr);

          if (out->n_bars < MAX_BARS)
            {
              gdouble top = MIN (MIN (y_top, y_wmin), y_wmax);

              out->bars[out->n_bars] = (BarHit) {
                GRAPHENE_RECT_INIT (cx - slot / 2, top, slot, plot_y + plot_h - top), row, metric
              };
              out->n_bars++;
            }

          bar_labels (result, row, metric, &ratio, &share);
          if (ratio)
            {
              l1 = _shmviz_speed_lab_new_layout (style, ratio, 0.8, m == SHMVIZ_BENCH_PIPE);
              _shmviz_speed_lab_layout_size (l1, &w1, &h1);
            }
          if (share)
            {
              l2 = _shmviz_speed_lab_new_layout (style, share, 0.72, FALSE);
              _shmviz_speed_lab_layout_size (l2, &w2, &h2);
            }
          /* A label wider than its slot would run into its neighbour's:
           * leave it out rather than let them overlap. */
          if ((!l1 && !l2) || MAX (w1, w2) > slot + 1)
            continue;
          label_y = MIN (MIN (y_top, y_wmin), y_wmax) - 3 - h1 - h2;
          _shmviz_speed_lab_set_colour (cr, &style->fg, 1);
          if (l1)
            {
              cairo_move_to (cr, cx - w1 / 2, label_y);
              pango_cairo_show_layout (cr, l1);
            }
          if (l2)
            {
              _shmviz_speed_lab_set_colour (cr, &style->fg, 0.7);
              cairo_move_to (cr, cx - w2 / 2, label_y + h1);
              pango_cairo_show_layout (cr, l2);
            }
          out->n_labelled++;
        }
    }
#undef Y_OF
}
