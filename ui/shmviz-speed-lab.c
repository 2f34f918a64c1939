/* shmviz-speed-lab.c — the Speed lab window and its chart
 *
 * The window runs core/ipcbench off the main loop (a GTask thread; the
 * benchmark forks its own processes from there), shows its progress, and
 * draws the result: one panel of throughput and one of latency, a group
 * of bars per message size, a bar per mechanism, log scale, whiskers from
 * the fastest to the slowest repetition.  Above each bar: its ratio to the
 * pipe at that size, and its share of the hardware floor measured in the
 * same run (the spinning ring for throughput, one cache-line hand-off for
 * latency).  Below: the core's one-paragraph reading of the figures.
 *
 * The chart is drawn with cairo, on screen through gtk_snapshot_append_cairo()
 * and into PNG and SVG files by the very same function, so an export is
 * exactly what the page shows (on white).
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <math.h>
#include <string.h>

#include <cairo-svg.h>
#include <glib/gi18n.h>
#include <pango/pangocairo.h>

#include "shmviz-speed-lab.h"

/* Drawing ---------------------------------------------------------------- */

typedef enum {
  METRIC_THROUGHPUT,
  METRIC_LATENCY,
  N_METRICS
} Metric;

#define MAX_BARS (N_METRICS * SHMVIZ_BENCH_N_MECHANISMS * SHMVIZ_BENCH_MAX_SIZES)

typedef struct {
  graphene_rect_t       rect;   /* the bar and its whisker */
  const ShmvizBenchRow *row;
  Metric                metric;
} BarHit;

/* What a frame laid out, for tooltips and for the tests. */
typedef struct {
  graphene_rect_t legend[SHMVIZ_BENCH_N_MECHANISMS];
  gboolean        legend_drawn[SHMVIZ_BENCH_N_MECHANISMS];
  BarHit          bars[MAX_BARS];
  guint           n_bars;
  guint           n_labelled;
} ChartLayout;

typedef struct {
  GdkRGBA                     fg;
  PangoContext               *context;
  const PangoFontDescription *font;
  gboolean                    footer;    /* machine and date under the chart, for exports */
} ChartStyle;

/* Okabe-Ito colours: apart for the common colour-vision deficiencies, and
 * readable on light and dark backgrounds.  The floor is also hatched, so
 * it reads without colour. */
static const GdkRGBA mechanism_colours[SHMVIZ_BENCH_N_MECHANISMS] = {
  { 0.902, 0.624, 0.000, 1 },   /* pipe: orange */
  { 0.800, 0.475, 0.655, 1 },   /* message queue: reddish purple */
  { 0.000, 0.620, 0.451, 1 },   /* Unix socket: bluish green */
  { 0.000, 0.447, 0.698, 1 },   /* shm + semaphores: blue */
  { 0.835, 0.369, 0.000, 1 },   /* shm lock-free: vermilion */
  { 0.337, 0.706, 0.914, 1 },   /* spinning floor: sky blue, hatched */
};

static gdouble
metric_value (const ShmvizBenchRow *row,
              Metric                metric,
              guint                 which)   /* 0 median, 1 min, 2 max */
{
  const ShmvizBenchFigure *f = metric == METRIC_THROUGHPUT ? &row->messages_per_second
                                                           : &row->latency_ns_median;

  return which == 0 ? f->median : which == 1 ? f->min : f->max;
}

static gboolean
row_measured (const ShmvizBenchRow *row,
              Metric                metric)
{
  gdouble v;

  if (!row || !row->supported || row->failed)
    return FALSE;
  v = metric_value (row, metric, 0);
  return isfinite (v) && v > 0;
}

static char *
format_size (guint size)
{
  if (size >= 1024 * 1024 && size % (1024 * 1024) == 0)
    return g_strdup_printf (_("%u MiB"), size / (1024 * 1024));
  if (size >= 1024 && size % 1024 == 0)
    return g_strdup_printf (_("%u KiB"), size / 1024);
  return g_strdup_printf (_("%u B"), size);
}

/* A power of ten as an axis label. */
static char *
format_decade (int    exponent,
               Metric metric)
{
  static const char *count_units[] = { "", " k", " M", " G", " T" };
  static const char *time_units[] = { " ns", " µs", " ms", " s" };
  int group = exponent >= 0 ? exponent / 3 : -1;
  int rest = exponent - 3 * group;
  gdouble mantissa = pow (10, rest);

  if (metric == METRIC_THROUGHPUT)
    {
      if (group < 0 || group >= (int) G_N_ELEMENTS (count_units))
        return g_strdup_printf ("1e%d", exponent);
      return g_strdup_printf ("%.0f%s", mantissa, count_units[group]);
    }
  if (group < 0 || group >= (int) G_N_ELEMENTS (time_units))
    return g_strdup_printf ("1e%d ns", exponent);
  return g_strdup_printf ("%.0f%s", mantissa, time_units[group]);
}

static char *
format_ratio (gdouble ratio)
{
  /* Far below the pipe, "0.00×" would say nothing: say "1/200×". */
  if (ratio > 0 && ratio < 0.095)
    return g_strdup_printf (_("1/%.0f×"), 1 / ratio);
  if (ratio >= 10)
    return g_strdup_printf (_("%.0f×"), ratio);
  if (ratio >= 1)
    return g_strdup_printf (_("%.1f×"), ratio);
  return g_strdup_printf (_("%.2f×"), ratio);
}

static char *
format_share (gdouble share)
{
  if (share >= 0.1)
    return g_strdup_printf (_("%.0f %%"), share * 100);
  if (share >= 0.001)
    return g_strdup_printf (_("%.1f %%"), share * 100);
  return g_strdup (_("<0.1 %"));
}

static char *
format_figure (gdouble v,
               Metric  metric)
{
  if (metric == METRIC_THROUGHPUT)
    {
      if (v >= 1e9)
        return g_strdup_printf (_("%.2f G messages/s"), v / 1e9);
      if (v >= 1e6)
        return g_strdup_printf (_("%.2f M messages/s"), v / 1e6);
      if (v >= 1e3)
        return g_strdup_printf (_("%.1f k messages/s"), v / 1e3);
      return g_strdup_printf (_("%.0f messages/s"), v);
    }
  if (v >= 1e6)
    return g_strdup_printf (_("%.2f ms"), v / 1e6);
  if (v >= 1e3)
    return g_strdup_printf (_("%.2f µs"), v / 1e3);
  return g_strdup_printf (_("%.0f ns"), v);
}

/* "2026-11-27T06:20:30.565517Z" → "2026-11-27 06:20 UTC" */
static char *
format_date (const char *iso8601)
{
  g_autoptr(GDateTime) date = iso8601 ? g_date_time_new_from_iso8601 (iso8601, NULL) : NULL;
  g_autoptr(GDateTime) utc = date ? g_date_time_to_utc (date) : NULL;

  if (!utc)
    return g_strdup (iso8601 ? iso8601 : "");
  return g_date_time_format (utc, _("%Y-%m-%d %H:%M UTC"));
}

static PangoLayout *
new_layout (const ChartStyle *style,
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

static void
layout_size (PangoLayout *layout,
             gdouble     *w,
             gdouble     *h)
{
  int pw, ph;

  pango_layout_get_size (layout, &pw, &ph);
  *w = (gdouble) pw / PANGO_SCALE;
  *h = (gdouble) ph / PANGO_SCALE;
}

static void
show_text (cairo_t          *cr,
           const ChartStyle *style,
           const char       *text,
           gdouble           x,
           gdouble           y,
           gdouble           xalign,   /* 0 left, 0.5 centre, 1 right */
           gdouble           scale,
           gboolean          bold)
{
  g_autoptr(PangoLayout) layout = new_layout (style, text, scale, bold);
  gdouble w, h;

  layout_size (layout, &w, &h);
  cairo_move_to (cr, x - w * xalign, y);
  pango_cairo_show_layout (cr, layout);
}

static void
set_colour (cairo_t       *cr,
            const GdkRGBA *c,
            gdouble        alpha)
{
  cairo_set_source_rgba (cr, c->red, c->green, c->blue, c->alpha * alpha);
}

static void
hatch (cairo_t *cr,
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

typedef struct {
  guint sizes[SHMVIZ_BENCH_MAX_SIZES * 4];
  guint n_sizes;
  guint mechanisms[SHMVIZ_BENCH_N_MECHANISMS];
  guint n_mechanisms;
} ChartAxes;

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

/* The two labels over a bar: × the pipe, and % of the floor. */
static void
bar_labels (const ShmvizBenchResult *result,
            const ShmvizBenchRow    *row,
            Metric                   metric,
            char                   **ratio,
            char                   **share)
{
  const ShmvizBenchRow *pipe = shmviz_bench_result_lookup (result, SHMVIZ_BENCH_PIPE, row->size);
  gdouble v = metric_value (row, metric, 0);

  *ratio = NULL;
  *share = NULL;
  if (row_measured (pipe, metric))
    *ratio = format_ratio (v / metric_value (pipe, metric, 0));
  if (metric == METRIC_THROUGHPUT)
    {
      const ShmvizBenchRow *floor_row = shmviz_bench_result_lookup (result, SHMVIZ_BENCH_SPIN_FLOOR,
                                                                    row->size);

      if (row_measured (floor_row, metric))
        *share = format_share (v / metric_value (floor_row, metric, 0));
    }
  else if (isfinite (result->cacheline_handoff_ns) && result->cacheline_handoff_ns > 0)
    {
      /* For time, the floor is the least there can be: its share is floor / time. */
      *share = format_share (result->cacheline_handoff_ns / v);
    }
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
      g_autoptr(PangoLayout) layout = new_layout (style, shmviz_bench_mechanism_label (m), 1.0, FALSE);
      gdouble w, h, entry_w;

      layout_size (layout, &w, &h);
      entry_w = 14 + 6 + w;
      if (x > x0 && x + entry_w > x0 + width)
        {
          x = x0;
          y += line_h + 4;
        }
      line_h = MAX (line_h, h);
      set_colour (cr, &mechanism_colours[m], 1);
      cairo_rectangle (cr, x, y + (h - 14) / 2, 14, 14);
      cairo_fill (cr);
      if (m == SHMVIZ_BENCH_SPIN_FLOOR)
        hatch (cr, x, y + (h - 14) / 2, 14, 14);
      set_colour (cr, &style->fg, 1);
      cairo_move_to (cr, x + 20, y);
      pango_cairo_show_layout (cr, layout);
      out->legend[m] = GRAPHENE_RECT_INIT (x, y, entry_w, h);
      out->legend_drawn[m] = TRUE;
      x += entry_w + 22;
    }
  return y + line_h - y0;
}

static void
draw_panel (cairo_t                 *cr,
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
  g_autoptr(PangoLayout) probe = new_layout (style, "0", 0.8, FALSE);
  const char *title = metric == METRIC_THROUGHPUT
    ? _("Throughput: messages per second, streaming one way (higher is better)")
    : _("Latency: one way, median of a ping-pong (lower is better)");
  const char *legend = metric == METRIC_THROUGHPUT
    ? _("Over each bar: × the pipe, % of the spinning floor")
    : _("Over each bar: × the pipe, % of the cache-line hand-off");
  gdouble lo = INFINITY, hi = -INFINITY;
  gdouble small_w, small_h, title_h, axis_w = 0, plot_x, plot_y, plot_w, plot_h, headroom;
  int d_lo, d_hi;

  layout_size (probe, &small_w, &small_h);
  {
    g_autoptr(PangoLayout) t = new_layout (style, title, 1.0, TRUE);
    gdouble tw;

    layout_size (t, &tw, &title_h);
    set_colour (cr, &style->fg, 1);
    cairo_move_to (cr, x0, y0);
    pango_cairo_show_layout (cr, t);
    set_colour (cr, &style->fg, 0.7);
    show_text (cr, style, legend, x0 + width, y0 + title_h - small_h, 1.0, 0.8, FALSE);
  }

  for (guint i = 0; i < result->rows->len; i++)
    {
      const ShmvizBenchRow *row = &g_array_index (result->rows, ShmvizBenchRow, i);

      if (!row_measured (row, metric))
        continue;
      for (guint k = 0; k < 3; k++)
        {
          gdouble v = metric_value (row, metric, k);

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
      g_autofree char *text = format_decade (d, metric);
      g_autoptr(PangoLayout) l = new_layout (style, text, 0.8, FALSE);
      gdouble w, h;

      layout_size (l, &w, &h);
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
      g_autofree char *text = format_decade (d, metric);
      gdouble y = round (plot_y + plot_h - (d - d_lo) / (gdouble) (d_hi - d_lo) * plot_h) + 0.5;

      set_colour (cr, &style->fg, d == d_lo ? 0.6 : 0.15);
      cairo_move_to (cr, plot_x, y);
      cairo_line_to (cr, plot_x + plot_w, y);
      cairo_stroke (cr);
      set_colour (cr, &style->fg, 0.75);
      show_text (cr, style, text, plot_x - 6, y - small_h / 2, 1.0, 0.8, FALSE);
    }

  for (guint s = 0; s < axes->n_sizes; s++)
    {
      gdouble group_w = plot_w / axes->n_sizes;
      gdouble gx = plot_x + s * group_w + group_w * 0.06;
      gdouble inner_w = group_w * 0.88;
      gdouble slot = inner_w / MAX (axes->n_mechanisms, 1);
      gdouble bar_w = MAX (2, slot * 0.68);
      g_autofree char *size_text = format_size (axes->sizes[s]);

      set_colour (cr, &style->fg, 1);
      show_text (cr, style, size_text, plot_x + (s + 0.5) * group_w, plot_y + plot_h + 4, 0.5, 0.9, TRUE);

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
          if (!row_measured (row, metric))
            {
              /* Not measured (this machine cannot, or it failed): say so in place. */
              set_colour (cr, &mechanism_colours[m], 0.8);
              cairo_set_line_width (cr, 1);
              cairo_rectangle (cr, round (bx) + 0.5, plot_y + plot_h - 16.5, round (bar_w) - 1, 16);
              cairo_stroke (cr);
              set_colour (cr, &style->fg, 0.7);
              show_text (cr, style, row->failed ? _("failed") : _("n/a"),
                         cx, plot_y + plot_h - 18 - small_h, 0.5, 0.7, FALSE);
              continue;
            }
          v = metric_value (row, metric, 0);
          vmin = metric_value (row, metric, 1);
          vmax = metric_value (row, metric, 2);
          y_top = Y_OF (v);

          set_colour (cr, &mechanism_colours[m], 1);
          cairo_rectangle (cr, bx, y_top, bar_w, plot_y + plot_h - y_top);
          cairo_fill (cr);
          if (m == SHMVIZ_BENCH_SPIN_FLOOR)
            hatch (cr, bx, y_top, bar_w, plot_y + plot_h - y_top);

          /* The whisker spans the repetitions' range. */
          y_wmin = isfinite (vmin) && vmin > 0 ? Y_OF (vmin) : y_top;
          y_wmax = isfinite (vmax) && vmax > 0 ? Y_OF (vmax) : y_top;
          set_colour (cr, &style->fg, 0.85);
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
              l1 = new_layout (style, ratio, 0.8, m == SHMVIZ_BENCH_PIPE);
              layout_size (l1, &w1, &h1);
            }
          if (share)
            {
              l2 = new_layout (style, share, 0.72, FALSE);
              layout_size (l2, &w2, &h2);
            }
          /* A label wider than its slot would run into its neighbour's:
           * leave it out rather than let them overlap. */
          if ((!l1 && !l2) || MAX (w1, w2) > slot + 1)
            continue;
          label_y = MIN (MIN (y_top, y_wmin), y_wmax) - 3 - h1 - h2;
          set_colour (cr, &style->fg, 1);
          if (l1)
            {
              cairo_move_to (cr, cx - w1 / 2, label_y);
              pango_cairo_show_layout (cr, l1);
            }
          if (l2)
            {
              set_colour (cr, &style->fg, 0.7);
              cairo_move_to (cr, cx - w2 / 2, label_y + h1);
              pango_cairo_show_layout (cr, l2);
            }
          out->n_labelled++;
        }
    }
#undef Y_OF
}

static void
draw_chart (cairo_t                 *cr,
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
      g_autofree char *date = format_date (result->date);
      g_autofree char *text = g_strdup_printf (_("shmviz Speed lab · %s · %u CPUs · %s · %s"),
                                               result->cpu_model, result->n_cpus, result->kernel, date);
      g_autoptr(PangoLayout) l = new_layout (style, text, 0.8, FALSE);
      gdouble w;

      layout_size (l, &w, &footer_h);
      pango_layout_set_width (l, (int) (width * PANGO_SCALE));
      pango_layout_set_ellipsize (l, PANGO_ELLIPSIZE_END);
      set_colour (cr, &style->fg, 0.7);
      cairo_move_to (cr, 0, height - footer_h);
      pango_cairo_show_layout (cr, l);
      footer_h += 6;
    }

  legend_h = draw_legend (cr, style, &axes, 0, 0, width, out);
  top = legend_h + 14;
  panel_h = (height - top - footer_h - 18) / 2;
  draw_panel (cr, style, result, &axes, METRIC_THROUGHPUT, 0, top, width, panel_h, out);
  draw_panel (cr, style, result, &axes, METRIC_LATENCY, 0, top + panel_h + 18, width, panel_h, out);
}

gboolean
shmviz_speed_chart_export (const ShmvizBenchResult *result,
                           const char              *format,
                           const char              *path,
                           int                      width,
                           int                      height,
                           GError                 **error)
{
  g_autoptr(PangoFontDescription) font = pango_font_description_from_string ("Sans 10");
  cairo_surface_t *surface;
  cairo_status_t status;
  gboolean png;
  ChartLayout *layout;
  ChartStyle style = { { 0.13, 0.13, 0.15, 1 }, NULL, font, TRUE };
  const gdouble png_scale = 2;
  const gdouble margin = 24;
  cairo_t *cr;

  g_return_val_if_fail (result != NULL, FALSE);
  g_return_val_if_fail (g_strcmp0 (format, "png") == 0 || g_strcmp0 (format, "svg") == 0, FALSE);

  png = g_strcmp0 (format, "png") == 0;
  if (png)
    surface = cairo_image_surface_create (CAIRO_FORMAT_ARGB32, width * png_scale, height * png_scale);
  else
    surface = cairo_svg_surface_create (path, width, height);
  cr = cairo_create (surface);
  if (png)
    cairo_scale (cr, png_scale, png_scale);
  cairo_set_source_rgb (cr, 1, 1, 1);
  cairo_paint (cr);
  cairo_translate (cr, margin, margin);

  /* A context of this thread's own: exports run off the main loop. */
  style.context = pango_cairo_create_context (cr);
  pango_cairo_context_set_resolution (style.context, 96);
  layout = g_new0 (ChartLayout, 1);
  draw_chart (cr, width - 2 * margin, height - 2 * margin, result, &style, layout);
  g_free (layout);
  g_object_unref (style.context);
  cairo_destroy (cr);

  if (png)
    status = cairo_surface_write_to_png (surface, path);
  else
    {
      cairo_surface_finish (surface);
      status = cairo_surface_status (surface);
    }
  cairo_surface_destroy (surface);
  if (status != CAIRO_STATUS_SUCCESS)
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_FAILED,
                   _("Could not write the chart to “%s”: %s"), path, cairo_status_to_string (status));
      return FALSE;
    }
  return TRUE;
}

/* The chart widget -------------------------------------------------------- */

struct _ShmvizSpeedChart
{
  GtkWidget                parent_instance;

  const ShmvizBenchResult *result;
  ChartLayout              layout;
};

G_DEFINE_FINAL_TYPE (ShmvizSpeedChart, shmviz_speed_chart, GTK_TYPE_WIDGET)

static void
shmviz_speed_chart_snapshot (GtkWidget   *widget,
                             GtkSnapshot *snapshot)
{
  ShmvizSpeedChart *self = SHMVIZ_SPEED_CHART (widget);
  int width = gtk_widget_get_width (widget);
  int height = gtk_widget_get_height (widget);
  PangoContext *context = gtk_widget_get_pango_context (widget);
  ChartStyle style = { { 0 }, context, pango_context_get_font_description (context), FALSE };
  cairo_t *cr;

  memset (&self->layout, 0, sizeof self->layout);
  if (!self->result || width <= 0 || height <= 0)
    return;
  gtk_style_context_get_color (gtk_widget_get_style_context (widget), &style.fg);
  cr = gtk_snapshot_append_cairo (snapshot, &GRAPHENE_RECT_INIT (0, 0, width, height));
  draw_chart (cr, width, height, self->result, &style, &self->layout);
  cairo_destroy (cr);
}

static gboolean
shmviz_speed_chart_query_tooltip (GtkWidget  *widget,
                                  int         x,
                                  int         y,
                                  gboolean    keyboard,
                                  GtkTooltip *tooltip)
{
  ShmvizSpeedChart *self = SHMVIZ_SPEED_CHART (widget);

  for (guint i = 0; i < self->layout.n_bars; i++)
    {
      const BarHit *hit = &self->layout.bars[i];
      g_autofree char *size = NULL;
      g_autofree char *median = NULL;
      g_autofree char *lo = NULL;
      g_autofree char *hi = NULL;
      g_autofree char *text = NULL;

      if (!graphene_rect_contains_point (&hit->rect, &GRAPHENE_POINT_INIT (x, y)))
        continue;
      size = format_size (hit->row->size);
      median = format_figure (metric_value (hit->row, hit->metric, 0), hit->metric);
      lo = format_figure (metric_value (hit->row, hit->metric, 1), hit->metric);
      hi = format_figure (metric_value (hit->row, hit->metric, 2), hit->metric);
      /* Translators: mechanism, message size, median, range over the repetitions. */
      text = g_strdup_printf (_("%s at %s: %s (from %s to %s over %u runs)"),
                              shmviz_bench_mechanism_label (hit->row->mechanism), size,
                              median, lo, hi, hit->row->repetitions);
      gtk_tooltip_set_text (tooltip, text);
      return TRUE;
    }
  return FALSE;
}

static void
shmviz_speed_chart_class_init (ShmvizSpeedChartClass *klass)
{
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  widget_class->snapshot = shmviz_speed_chart_snapshot;
  widget_class->query_tooltip = shmviz_speed_chart_query_tooltip;
  gtk_widget_class_set_css_name (widget_class, "speedchart");
  gtk_widget_class_set_accessible_role (widget_class, GTK_ACCESSIBLE_ROLE_IMG);
}

static void
shmviz_speed_chart_init (ShmvizSpeedChart *self)
{
  gtk_widget_set_has_tooltip (GTK_WIDGET (self), TRUE);
}

GtkWidget *
shmviz_speed_chart_new (void)
{
  return g_object_new (SHMVIZ_TYPE_SPEED_CHART, NULL);
}

void
shmviz_speed_chart_set_result (ShmvizSpeedChart        *self,
                               const ShmvizBenchResult *result)
{
  g_return_if_fail (SHMVIZ_IS_SPEED_CHART (self));

  self->result = result;
  memset (&self->layout, 0, sizeof self->layout);
  gtk_widget_queue_draw (GTK_WIDGET (self));
}

gboolean
shmviz_speed_chart_get_legend_rect (ShmvizSpeedChart     *self,
                                    ShmvizBenchMechanism  mechanism,
                                    graphene_rect_t      *rect)
{
  g_return_val_if_fail (SHMVIZ_IS_SPEED_CHART (self), FALSE);
  g_return_val_if_fail (mechanism < SHMVIZ_BENCH_N_MECHANISMS, FALSE);

  if (!self->layout.legend_drawn[mechanism])
    return FALSE;
  if (rect)
    *rect = self->layout.legend[mechanism];
  return TRUE;
}

void
shmviz_speed_chart_get_bar_counts (ShmvizSpeedChart *self,
                                   guint            *n_bars,
                                   guint            *n_labelled)
{
  g_return_if_fail (SHMVIZ_IS_SPEED_CHART (self));

  if (n_bars)
    *n_bars = self->layout.n_bars;
  if (n_labelled)
    *n_labelled = self->layout.n_labelled;
}

/* The window ---------------------------------------------------------------- */

/* The result on show, shared with an export running in a thread so that a
 * new result arriving meanwhile cannot pull it away. */
typedef struct {
  ShmvizBenchResult *result;
} SharedResult;

static void
shared_result_clear (gpointer data)
{
  SharedResult *shared = data;

  g_clear_pointer (&shared->result, shmviz_bench_result_free);
}

static void
shared_result_release (SharedResult *shared)
{
  g_atomic_rc_box_release_full (shared, shared_result_clear);
}

/* Written by the benchmark's thread, read by a timeout on the main loop. */
typedef struct {
  GMutex   lock;
  gdouble  fraction;
  char    *what;
} Progress;

static void
progress_clear (gpointer data)
{
  Progress *progress = data;

  g_mutex_clear (&progress->lock);
  g_free (progress->what);
}

static void
progress_release (Progress *progress)
{
  g_atomic_rc_box_release_full (progress, progress_clear);
}

struct _ShmvizSpeedLab
{
  AdwWindow             parent_instance;

  AdwToastOverlay      *toast_overlay;
  GtkButton            *run_button;
  GtkButton            *cancel_button;
  GtkCheckButton       *quick_check;
  GtkRevealer          *progress_revealer;
  GtkProgressBar       *progress_bar;
  GtkStack             *stack;
  GtkLabel             *machine_label;
  GtkLabel             *reading_label;
  ShmvizSpeedChart     *chart;

  SharedResult         *shared;      /* NULL until there is a result */
  GCancellable         *cancellable; /* of the run or load in progress */
  Progress             *progress;
  guint                 progress_id;
  gboolean              running;     /* a measurement, not a load */
  gboolean              held;        /* the application, while processes run */
  GtkFileChooserNative *chooser;
};

G_DEFINE_FINAL_TYPE (ShmvizSpeedLab, shmviz_speed_lab, ADW_TYPE_WINDOW)

enum {
  PROP_0,
  PROP_BUSY,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

static void
toast (ShmvizSpeedLab *self,
       const char     *text)
{
  adw_toast_overlay_add_toast (self->toast_overlay, adw_toast_new (text));
}

static void
update_actions (ShmvizSpeedLab *self)
{
  gboolean busy = self->cancellable != NULL;
  gboolean has_result = self->shared != NULL;

  gtk_widget_action_set_enabled (GTK_WIDGET (self), "lab.run", !busy);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "lab.cancel", busy);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "lab.open", !busy);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "lab.export", has_result);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "lab.save", has_result);
  gtk_widget_set_visible (GTK_WIDGET (self->cancel_button), busy);
  gtk_widget_set_sensitive (GTK_WIDGET (self->quick_check), !busy);
}

static void
set_busy (ShmvizSpeedLab *self,
          GCancellable   *cancellable,
          gboolean        running)
{
  GApplication *app = g_application_get_default ();

  g_set_object (&self->cancellable, cancellable);
  self->running = cancellable && running;
  /* Keep the application alive while benchmark processes run, so a closed
   * window still lets the run cancel and reap them before exit. */
  if (self->running && !self->held && app)
    {
      g_application_hold (app);
      self->held = TRUE;
    }
  else if (!self->running && self->held)
    {
      if (app)
        g_application_release (app);
      self->held = FALSE;
    }
  if (!self->running)
    g_clear_handle_id (&self->progress_id, g_source_remove);
  /* After dispose (the window closed mid-run) only the state is left. */
  if (self->chart)
    {
      gtk_revealer_set_reveal_child (self->progress_revealer, self->running);
      update_actions (self);
    }
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_BUSY]);
}

static void
show_result (ShmvizSpeedLab *self)
{
  const ShmvizBenchResult *result = self->shared->result;
  g_autofree char *reading = shmviz_bench_result_reading (result);
  g_autofree char *machine = NULL;
  g_autofree char *memcpy_text = NULL;
  g_autofree char *date = format_date (result->date);

  memcpy_text = isfinite (result->memcpy_bytes_per_second)
    ? g_strdup_printf ("%.1f GB/s", result->memcpy_bytes_per_second / 1e9)
    : g_strdup ("?");
  /* Translators: date, CPU model, CPUs, kernel, load, pinned or not, seconds, memcpy, hand-off. */
  machine = g_strdup_printf (_("Measured %s on %s (%u CPUs, %s); load average %.1f at the start, %s; "
                               "%.0f s in all. memcpy %s, cache-line hand-off %.0f ns one way."),
                             date, result->cpu_model, result->n_cpus, result->kernel,
                             result->load_average,
                             result->pinned ? _("each side pinned to a CPU") : _("not pinned"),
                             result->seconds, memcpy_text, result->cacheline_handoff_ns);
  gtk_label_set_text (self->machine_label, machine);
  gtk_label_set_text (self->reading_label, reading);
  shmviz_speed_chart_set_result (self->chart, result);
  gtk_accessible_update_property (GTK_ACCESSIBLE (self->chart),
                                  GTK_ACCESSIBLE_PROPERTY_DESCRIPTION, reading, -1);
  gtk_stack_set_visible_child_name (self->stack, "result");
  update_actions (self);
}

void
shmviz_speed_lab_set_result (ShmvizSpeedLab    *self,
                             ShmvizBenchResult *result)
{
  g_return_if_fail (SHMVIZ_IS_SPEED_LAB (self));
  g_return_if_fail (result != NULL);

  /* The chart points into the old result: move it off before letting go. */
  shmviz_speed_chart_set_result (self->chart, NULL);
  g_clear_pointer (&self->shared, shared_result_release);
  self->shared = g_atomic_rc_box_new0 (SharedResult);
  self->shared->result = result;
  show_result (self);
}

const ShmvizBenchResult *
shmviz_speed_lab_get_result (ShmvizSpeedLab *self)
{
  g_return_val_if_fail (SHMVIZ_IS_SPEED_LAB (self), NULL);

  return self->shared ? self->shared->result : NULL;
}

gboolean
shmviz_speed_lab_get_busy (ShmvizSpeedLab *self)
{
  g_return_val_if_fail (SHMVIZ_IS_SPEED_LAB (self), FALSE);

  return self->cancellable != NULL;
}

ShmvizSpeedChart *
shmviz_speed_lab_get_chart (ShmvizSpeedLab *self)
{
  g_return_val_if_fail (SHMVIZ_IS_SPEED_LAB (self), NULL);

  return self->chart;
}

/* Running ------------------------------------------------------------------ */

typedef struct {
  ShmvizBenchConfig  config;
  Progress          *progress;
} RunData;

static void
run_data_free (RunData *data)
{
  g_clear_pointer (&data->progress, progress_release);
  g_free (data);
}

static void
run_progress (gdouble     fraction,
              const char *what,
              gpointer    user_data)
{
  Progress *progress = user_data;

  g_mutex_lock (&progress->lock);
  progress->fraction = fraction;
  if (g_strcmp0 (progress->what, what) != 0)
    {
      g_free (progress->what);
      progress->what = g_strdup (what);
    }
  g_mutex_unlock (&progress->lock);
}

static void
run_thread (GTask        *task,
            gpointer      source_object,
            gpointer      task_data,
            GCancellable *cancellable)
{
  RunData *data = task_data;
  GError *error = NULL;
  ShmvizBenchResult *result;

  result = shmviz_bench_run (&data->config, run_progress, data->progress, cancellable, &error);
  if (result)
    g_task_return_pointer (task, result, (GDestroyNotify) shmviz_bench_result_free);
  else
    g_task_return_error (task, error);
}

static gboolean
progress_tick (gpointer user_data)
{
  ShmvizSpeedLab *self = user_data;
  g_autofree char *what = NULL;
  g_autofree char *text = NULL;
  gdouble fraction;

  g_mutex_lock (&self->progress->lock);
  fraction = self->progress->fraction;
  what = g_strdup (self->progress->what);
  g_mutex_unlock (&self->progress->lock);

  gtk_progress_bar_set_fraction (self->progress_bar, CLAMP (fraction, 0, 1));
  /* Translators: percentage done, then what is being measured ("pipe 4096 B"). */
  text = what && *what ? g_strdup_printf (_("%.0f %% — %s"), fraction * 100, what)
                       : g_strdup_printf (_("%.0f %%"), fraction * 100);
  gtk_progress_bar_set_text (self->progress_bar, text);
  return G_SOURCE_CONTINUE;
}

static void
run_done (GObject      *source,
          GAsyncResult *res,
          gpointer      user_data)
{
  ShmvizSpeedLab *self = SHMVIZ_SPEED_LAB (source);
  g_autoptr(GError) error = NULL;
  ShmvizBenchResult *result = g_task_propagate_pointer (G_TASK (res), &error);

  set_busy (self, NULL, FALSE);
  /* A closed window has let go of its children: nothing to show. */
  if (self->chart == NULL)
    {
      g_clear_pointer (&result, shmviz_bench_result_free);
      return;
    }
  if (result)
    {
      shmviz_speed_lab_set_result (self, result);
      toast (self, _("Measured"));
    }
  else if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    toast (self, _("Cancelled: every benchmark process was stopped"));
  else
    {
      g_autofree char *text = g_strdup_printf (_("The benchmark failed: %s"), error->message);

      toast (self, text);
    }
}

void
shmviz_speed_lab_run (ShmvizSpeedLab *self,
                      gboolean        quick)
{
  g_autoptr(GCancellable) cancellable = NULL;
  g_autoptr(GTask) task = NULL;
  RunData *data;

  g_return_if_fail (SHMVIZ_IS_SPEED_LAB (self));

  if (self->cancellable)
    return;
  cancellable = g_cancellable_new ();
  data = g_new0 (RunData, 1);
  shmviz_bench_config_init (&data->config, quick);
  g_clear_pointer (&self->progress, progress_release);
  self->progress = g_atomic_rc_box_new0 (Progress);
  g_mutex_init (&self->progress->lock);
  data->progress = g_atomic_rc_box_acquire (self->progress);

  set_busy (self, cancellable, TRUE);
  gtk_progress_bar_set_fraction (self->progress_bar, 0);
  gtk_progress_bar_set_text (self->progress_bar, _("Starting…"));
  self->progress_id = g_timeout_add (100, progress_tick, self);

  task = g_task_new (self, cancellable, run_done, NULL);
  g_task_set_source_tag (task, shmviz_speed_lab_run);
  g_task_set_task_data (task, data, (GDestroyNotify) run_data_free);
  g_task_run_in_thread (task, run_thread);
}

void
shmviz_speed_lab_cancel (ShmvizSpeedLab *self)
{
  g_return_if_fail (SHMVIZ_IS_SPEED_LAB (self));

  if (self->cancellable)
    g_cancellable_cancel (self->cancellable);
}

/* Loading, saving, exporting ----------------------------------------------- */

static void
load_thread (GTask        *task,
             gpointer      source_object,
             gpointer      task_data,
             GCancellable *cancellable)
{
  GFile *file = task_data;
  g_autofree char *contents = NULL;
  gsize length;
  GError *error = NULL;
  ShmvizBenchResult *result;

  if (!g_file_load_contents (file, cancellable, &contents, &length, NULL, &error))
    {
      g_task_return_error (task, error);
      return;
    }
  result = shmviz_bench_result_from_json (contents, length, &error);
  if (result)
    g_task_return_pointer (task, result, (GDestroyNotify) shmviz_bench_result_free);
  else
    g_task_return_error (task, error);
}

static void
load_done (GObject      *source,
           GAsyncResult *res,
           gpointer      user_data)
{
  ShmvizSpeedLab *self = SHMVIZ_SPEED_LAB (source);
  g_autoptr(GError) error = NULL;
  ShmvizBenchResult *result = g_task_propagate_pointer (G_TASK (res), &error);

  set_busy (self, NULL, FALSE);
  if (self->chart == NULL)
    {
      g_clear_pointer (&result, shmviz_bench_result_free);
      return;
    }
  if (result)
    shmviz_speed_lab_set_result (self, result);
  else if (!g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    {
      g_autofree char *text = g_strdup_printf (_("Could not open the result: %s"), error->message);

      toast (self, text);
    }
}

void
shmviz_speed_lab_load_file (ShmvizSpeedLab *self,
                            GFile          *file)
{
  g_autoptr(GCancellable) cancellable = NULL;
  g_autoptr(GTask) task = NULL;

  g_return_if_fail (SHMVIZ_IS_SPEED_LAB (self));
  g_return_if_fail (G_IS_FILE (file));

  if (self->cancellable)
    return;
  cancellable = g_cancellable_new ();
  set_busy (self, cancellable, FALSE);
  task = g_task_new (self, cancellable, load_done, NULL);
  g_task_set_source_tag (task, shmviz_speed_lab_load_file);
  g_task_set_task_data (task, g_object_ref (file), g_object_unref);
  g_task_run_in_thread (task, load_thread);
}

typedef struct {
  SharedResult *shared;
  char         *format;
  char         *path;
} ExportData;

static void
export_data_free (ExportData *data)
{
  g_clear_pointer (&data->shared, shared_result_release);
  g_free (data->format);
  g_free (data->path);
  g_free (data);
}

static void
export_thread (GTask        *task,
               gpointer      source_object,
               gpointer      task_data,
               GCancellable *cancellable)
{
  ExportData *data = task_data;
  GError *error = NULL;

  if (shmviz_speed_chart_export (data->shared->result, data->format, data->path, 1200, 860, &error))
    g_task_return_boolean (task, TRUE);
  else
    g_task_return_error (task, error);
}

static void
export_done (GObject      *source,
             GAsyncResult *res,
             gpointer      user_data)
{
  ShmvizSpeedLab *self = SHMVIZ_SPEED_LAB (source);
  g_autoptr(GError) error = NULL;

  if (self->chart == NULL)
    return;
  if (g_task_propagate_boolean (G_TASK (res), &error))
    toast (self, _("Chart exported"));
  else
    toast (self, error->message);
}

static void
save_done (GObject      *source,
           GAsyncResult *res,
           gpointer      user_data)
{
  g_autoptr(ShmvizSpeedLab) self = user_data;
  g_autoptr(GError) error = NULL;

  if (!g_file_replace_contents_finish (G_FILE (source), res, NULL, &error))
    {
      if (self->chart)
        toast (self, error->message);
      return;
    }
  if (self->chart)
    toast (self, _("Result saved"));
}

static void
chooser_response (GtkNativeDialog *dialog,
                  int              response,
                  gpointer         user_data)
{
  ShmvizSpeedLab *self = user_data;
  const char *purpose = g_object_get_data (G_OBJECT (dialog), "purpose");
  g_autoptr(GFile) file = NULL;

  if (response == GTK_RESPONSE_ACCEPT)
    file = gtk_file_chooser_get_file (GTK_FILE_CHOOSER (dialog));
  g_clear_object (&self->chooser);
  if (!file)
    return;

  if (g_strcmp0 (purpose, "open") == 0)
    shmviz_speed_lab_load_file (self, file);
  else if (g_strcmp0 (purpose, "save") == 0 && self->shared)
    {
      char *json = shmviz_bench_result_to_json (self->shared->result);
      g_autoptr(GBytes) bytes = g_bytes_new_take (json, strlen (json));

      g_file_replace_contents_bytes_async (file, bytes, NULL, FALSE, G_FILE_CREATE_REPLACE_DESTINATION,
                                           NULL, save_done, g_object_ref (self));
    }
  else if (self->shared)
    {
      g_autoptr(GTask) task = g_task_new (self, NULL, export_done, NULL);
      ExportData *data = g_new0 (ExportData, 1);

      data->path = g_file_get_path (file);
      if (!data->path)
        {
          export_data_free (data);
          toast (self, _("The chart can only be exported to a local file"));
          return;
        }
      data->shared = g_atomic_rc_box_acquire (self->shared);
      data->format = g_strdup (purpose);
      g_task_set_task_data (task, data, (GDestroyNotify) export_data_free);
      g_task_run_in_thread (task, export_thread);
    }
}

static void
choose_file (ShmvizSpeedLab *self,
             const char     *purpose)
{
  gboolean open = g_strcmp0 (purpose, "open") == 0;
  g_autoptr(GtkFileFilter) filter = gtk_file_filter_new ();
  const char *title;
  const char *name;

  if (self->chooser)
    return;
  if (open)
    title = _("Open a Saved Result");
  else if (g_strcmp0 (purpose, "save") == 0)
    title = _("Save the Result");
  else
    title = _("Export the Chart");
  self->chooser = gtk_file_chooser_native_new (title, GTK_WINDOW (self),
                                               open ? GTK_FILE_CHOOSER_ACTION_OPEN
                                                    : GTK_FILE_CHOOSER_ACTION_SAVE,
                                               NULL, NULL);
  gtk_native_dialog_set_modal (GTK_NATIVE_DIALOG (self->chooser), TRUE);
  g_object_set_data_full (G_OBJECT (self->chooser), "purpose", g_strdup (purpose), g_free);
  if (open || g_strcmp0 (purpose, "save") == 0)
    {
      gtk_file_filter_set_name (filter, _("Benchmark results (JSON)"));
      gtk_file_filter_add_mime_type (filter, "application/json");
      gtk_file_filter_add_pattern (filter, "*.json");
      name = "shmviz-bench.json";
    }
  else if (g_strcmp0 (purpose, "png") == 0)
    {
      gtk_file_filter_set_name (filter, _("PNG images"));
      gtk_file_filter_add_mime_type (filter, "image/png");
      name = "shmviz-speed-lab.png";
    }
  else
    {
      gtk_file_filter_set_name (filter, _("SVG images"));
      gtk_file_filter_add_mime_type (filter, "image/svg+xml");
      name = "shmviz-speed-lab.svg";
    }
  gtk_file_chooser_add_filter (GTK_FILE_CHOOSER (self->chooser), filter);
  if (!open)
    gtk_file_chooser_set_current_name (GTK_FILE_CHOOSER (self->chooser), name);
  g_signal_connect (self->chooser, "response", G_CALLBACK (chooser_response), self);
  gtk_native_dialog_show (GTK_NATIVE_DIALOG (self->chooser));
}

/* Actions ------------------------------------------------------------------ */

static void
run_activated (GtkWidget  *widget,
               const char *action_name,
               GVariant   *parameter)
{
  ShmvizSpeedLab *self = SHMVIZ_SPEED_LAB (widget);

  shmviz_speed_lab_run (self, gtk_check_button_get_active (self->quick_check));
}

static void
cancel_activated (GtkWidget  *widget,
                  const char *action_name,
                  GVariant   *parameter)
{
  shmviz_speed_lab_cancel (SHMVIZ_SPEED_LAB (widget));
}

static void
open_activated (GtkWidget  *widget,
                const char *action_name,
                GVariant   *parameter)
{
  choose_file (SHMVIZ_SPEED_LAB (widget), "open");
}

static void
save_activated (GtkWidget  *widget,
                const char *action_name,
                GVariant   *parameter)
{
  choose_file (SHMVIZ_SPEED_LAB (widget), "save");
}

static void
export_activated (GtkWidget  *widget,
                  const char *action_name,
                  GVariant   *parameter)
{
  const char *format = g_variant_get_string (parameter, NULL);

  if (g_strcmp0 (format, "png") == 0 || g_strcmp0 (format, "svg") == 0)
    choose_file (SHMVIZ_SPEED_LAB (widget), format);
}

/* GObject ------------------------------------------------------------------ */

/* gtk_window_destroy() only unrealizes while a task still holds the window,
 * so a closed window stops its benchmark here, not at dispose. */
static void
shmviz_speed_lab_unrealize (GtkWidget *widget)
{
  ShmvizSpeedLab *self = SHMVIZ_SPEED_LAB (widget);

  if (self->cancellable)
    g_cancellable_cancel (self->cancellable);

  GTK_WIDGET_CLASS (shmviz_speed_lab_parent_class)->unrealize (widget);
}

static void
shmviz_speed_lab_dispose (GObject *object)
{
  ShmvizSpeedLab *self = SHMVIZ_SPEED_LAB (object);

  /* A run in progress stops at once; its callback finds the page gone. */
  if (self->cancellable)
    g_cancellable_cancel (self->cancellable);
  g_clear_handle_id (&self->progress_id, g_source_remove);
  if (self->chooser)
    {
      gtk_native_dialog_destroy (GTK_NATIVE_DIALOG (self->chooser));
      g_clear_object (&self->chooser);
    }
  if (self->chart)
    shmviz_speed_chart_set_result (self->chart, NULL);
  gtk_widget_dispose_template (GTK_WIDGET (self), SHMVIZ_TYPE_SPEED_LAB);
  self->chart = NULL;

  G_OBJECT_CLASS (shmviz_speed_lab_parent_class)->dispose (object);
}

static void
shmviz_speed_lab_finalize (GObject *object)
{
  ShmvizSpeedLab *self = SHMVIZ_SPEED_LAB (object);

  g_clear_pointer (&self->shared, shared_result_release);
  g_clear_pointer (&self->progress, progress_release);
  g_clear_object (&self->cancellable);

  G_OBJECT_CLASS (shmviz_speed_lab_parent_class)->finalize (object);
}

static void
shmviz_speed_lab_get_property (GObject    *object,
                               guint       prop_id,
                               GValue     *value,
                               GParamSpec *pspec)
{
  ShmvizSpeedLab *self = SHMVIZ_SPEED_LAB (object);

  switch (prop_id)
    {
    case PROP_BUSY:
      g_value_set_boolean (value, shmviz_speed_lab_get_busy (self));
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
shmviz_speed_lab_class_init (ShmvizSpeedLabClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = shmviz_speed_lab_dispose;
  object_class->finalize = shmviz_speed_lab_finalize;
  object_class->get_property = shmviz_speed_lab_get_property;
  widget_class->unrealize = shmviz_speed_lab_unrealize;

  properties[PROP_BUSY] =
    g_param_spec_boolean ("busy", NULL, NULL, FALSE,
                          G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  g_type_ensure (SHMVIZ_TYPE_SPEED_CHART);
  gtk_widget_class_set_template_from_resource (widget_class, "/io/github/shmviz/Shmviz/ui/shmviz-speed-lab.ui");
  gtk_widget_class_bind_template_child (widget_class, ShmvizSpeedLab, toast_overlay);
  gtk_widget_class_bind_template_child (widget_class, ShmvizSpeedLab, run_button);
  gtk_widget_class_bind_template_child (widget_class, ShmvizSpeedLab, cancel_button);
  gtk_widget_class_bind_template_child (widget_class, ShmvizSpeedLab, quick_check);
  gtk_widget_class_bind_template_child (widget_class, ShmvizSpeedLab, progress_revealer);
  gtk_widget_class_bind_template_child (widget_class, ShmvizSpeedLab, progress_bar);
  gtk_widget_class_bind_template_child (widget_class, ShmvizSpeedLab, stack);
  gtk_widget_class_bind_template_child (widget_class, ShmvizSpeedLab, machine_label);
  gtk_widget_class_bind_template_child (widget_class, ShmvizSpeedLab, reading_label);
  gtk_widget_class_bind_template_child (widget_class, ShmvizSpeedLab, chart);

  gtk_widget_class_install_action (widget_class, "lab.run", NULL, run_activated);
  gtk_widget_class_install_action (widget_class, "lab.cancel", NULL, cancel_activated);
  gtk_widget_class_install_action (widget_class, "lab.open", NULL, open_activated);
  gtk_widget_class_install_action (widget_class, "lab.save", NULL, save_activated);
  gtk_widget_class_install_action (widget_class, "lab.export", "s", export_activated);

  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_Return, GDK_CONTROL_MASK, "lab.run", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_Escape, 0, "lab.cancel", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_o, GDK_CONTROL_MASK, "lab.open", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_w, GDK_CONTROL_MASK, "window.close", NULL);
}

static void
shmviz_speed_lab_init (ShmvizSpeedLab *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
  update_actions (self);
}

ShmvizSpeedLab *
shmviz_speed_lab_new (GtkWindow *parent)
{
  ShmvizSpeedLab *self = g_object_new (SHMVIZ_TYPE_SPEED_LAB, NULL);

  if (parent)
    {
      gtk_window_set_transient_for (GTK_WINDOW (self), parent);
      gtk_window_set_destroy_with_parent (GTK_WINDOW (self), TRUE);
      gtk_window_set_application (GTK_WINDOW (self), gtk_window_get_application (parent));
    }
  return self;
}
