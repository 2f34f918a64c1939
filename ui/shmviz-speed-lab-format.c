/* shmviz-speed-lab-format.c — figures in words
 *
 * A row's figures for a metric, and the text made of them: message
 * sizes, axis decades, ratios, shares, tooltips' figures and dates.
 * Apart as what translators and the chart, the tooltips and the page
 * share.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <math.h>

#include <glib/gi18n.h>

#include "shmviz-speed-lab-internal.h"

gdouble
_shmviz_speed_lab_metric_value (const ShmvizBenchRow *row,
                                Metric                metric,
                                guint                 which)   /* 0 median, 1 min, 2 max */
{
  const ShmvizBenchFigure *f = metric == METRIC_THROUGHPUT ? &row->messages_per_second
                                                           : &row->latency_ns_median;

  return which == 0 ? f->median : which == 1 ? f->min : f->max;
}

gboolean
_shmviz_speed_lab_row_measured (const ShmvizBenchRow *row,
                                Metric                metric)
{
  gdouble v;

  if (!row || !row->supported || row->failed)
    return FALSE;
  v = _shmviz_speed_lab_metric_value (row, metric, 0);
  return isfinite (v) && v > 0;
}

char *
_shmviz_speed_lab_format_size (guint size)
{
  if (size >= 1024 * 1024 && size % (1024 * 1024) == 0)
    return g_strdup_printf (_("%u MiB"), size / (1024 * 1024));
  if (size >= 1024 && size % 1024 == 0)
    return g_strdup_printf (_("%u KiB"), size / 1024);
  return g_strdup_printf (_("%u B"), size);
}

/* A power of ten as an axis label. */
char *
_shmviz_speed_lab_format_decade (int    exponent,
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

char *
_shmviz_speed_lab_format_ratio (gdouble ratio)
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

char *
_shmviz_speed_lab_format_share (gdouble share)
{
  if (share >= 0.1)
    return g_strdup_printf (_("%.0f %%"), share * 100);
  if (share >= 0.001)
    return g_strdup_printf (_("%.1f %%"), share * 100);
  return g_strdup (_("<0.1 %"));
}

char *
_shmviz_speed_lab_format_figure (gdouble v,
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
char *
_shmviz_speed_lab_format_date (const char *iso8601)
{
  g_autoptr(GDateTime) date = iso8601 ? g_date_time_new_from_iso8601 (iso8601, NULL) : NULL;
  g_autoptr(GDateTime) utc = date ? g_date_time_to_utc (date) : NULL;

  if (!utc)
    return g_strdup (iso8601 ? iso8601 : "");
  return g_date_time_format (utc, _("%Y-%m-%d %H:%M UTC"));
}
