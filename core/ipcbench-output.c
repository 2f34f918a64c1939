/* ipcbench-output.c — a speed-lab result written out: the JSON object and
 * the plain-text table, and the number formats they share with the reading
 *
 * Apart from the runner because it only reads a finished
 * ShmvizBenchResult, whether just measured or loaded from a saved file
 * (ipcbench-load.c reads back what shmviz_bench_result_to_json() writes).
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include "json.h"

#include <glib/gi18n.h>
#include <inttypes.h>
#include <math.h>

#include "ipcbench-private.h"

static void
json_number (GString *out,
             gdouble  v)
{
  char buf[G_ASCII_DTOSTR_BUF_SIZE];

  if (!isfinite (v))
    g_string_append (out, "null");
  else
    g_string_append (out, g_ascii_formatd (buf, sizeof buf, "%.1f", v));
}

static void
json_figure (GString                 *out,
             const char              *key,
             const ShmvizBenchFigure *f)
{
  g_string_append_printf (out, ", \"%s\": ", key);
  json_number (out, f->median);
  g_string_append_printf (out, ", \"%s_min\": ", key);
  json_number (out, f->min);
  g_string_append_printf (out, ", \"%s_max\": ", key);
  json_number (out, f->max);
}

char *
shmviz_bench_result_to_json (const ShmvizBenchResult *result)
{
  GString *out = g_string_new ("{\"benchmark\": \"ipc\", \"date\": ");
  g_autofree char *reading = shmviz_bench_result_reading (result);

  shmviz_json_string (out, result->date);
  g_string_append_printf (out, ", \"machine\": {\"cpus\": %u, \"cpu_model\": ", result->n_cpus);
  shmviz_json_string (out, result->cpu_model);
  g_string_append (out, ", \"kernel\": ");
  shmviz_json_string (out, result->kernel);
  g_string_append_printf (out, ", \"pinned\": %s, \"load_average\": ", result->pinned ? "true" : "false");
  json_number (out, result->load_average);
  g_string_append (out, "}");
  g_string_append (out, ", \"memcpy_bytes_per_second\": ");
  json_number (out, result->memcpy_bytes_per_second);
  g_string_append_printf (out, ", \"memcpy_block_bytes\": %u", MEMCPY_BLOCK);
  g_string_append (out, ", \"cacheline_handoff_ns\": ");
  json_number (out, result->cacheline_handoff_ns);
  g_string_append (out, ", \"seconds\": ");
  json_number (out, result->seconds);
  g_string_append (out, ", \"results\": [");
  for (guint i = 0; i < result->rows->len; i++)
    {
      const ShmvizBenchRow *row = &g_array_index (result->rows, ShmvizBenchRow, i);

      g_string_append (out, i ? ",\n  {\"mechanism\": " : "\n  {\"mechanism\": ");
      shmviz_json_string (out, bench_mechanisms[row->mechanism].name);
      g_string_append_printf (out, ", \"size\": %u, \"supported\": %s, \"failed\": %s, \"note\": ",
                              row->size, row->supported ? "true" : "false",
                              row->failed ? "true" : "false");
      if (row->note)
        shmviz_json_string (out, row->note);
      else
        g_string_append (out, "null");
      g_string_append_printf (out, ", \"repetitions\": %u, \"stream_messages\": %" G_GUINT64_FORMAT
                              ", \"round_trips\": %" G_GUINT64_FORMAT,
                              row->repetitions, row->stream_messages, row->round_trips);
      json_figure (out, "messages_per_second", &row->messages_per_second);
      json_figure (out, "bytes_per_second", &row->bytes_per_second);
      json_figure (out, "latency_ns_median", &row->latency_ns_median);
      json_figure (out, "latency_ns_p99", &row->latency_ns_p99);
      g_string_append_printf (out, ", \"messages_checked\": %" G_GUINT64_FORMAT
                              ", \"order_errors\": %" G_GUINT64_FORMAT
                              ", \"checksum_errors\": %" G_GUINT64_FORMAT "}",
                              row->messages_checked, row->order_errors, row->checksum_errors);
    }
  g_string_append (out, "\n], \"reading\": ");
  shmviz_json_string (out, reading);
  g_string_append (out, "}");
  return g_string_free (out, FALSE);
}

char *
bench_format_size (guint size)
{
  if (size >= 1024 * 1024 && size % (1024 * 1024) == 0)
    return g_strdup_printf ("%u MiB", size / (1024 * 1024));
  if (size >= 1024 && size % 1024 == 0)
    return g_strdup_printf ("%u KiB", size / 1024);
  return g_strdup_printf ("%u B", size);
}

char *
bench_format_count (gdouble v)
{
  if (!isfinite (v))
    return g_strdup ("–");
  if (v >= 1e9)
    return g_strdup_printf ("%.2f G", v / 1e9);
  if (v >= 1e6)
    return g_strdup_printf ("%.2f M", v / 1e6);
  if (v >= 1e3)
    return g_strdup_printf ("%.1f k", v / 1e3);
  return g_strdup_printf ("%.0f", v);
}

char *
bench_format_bytes (gdouble v)
{
  if (!isfinite (v))
    return g_strdup ("–");
  if (v >= 1e9)
    return g_strdup_printf ("%.1f GB", v / 1e9);
  if (v >= 1e6)
    return g_strdup_printf ("%.1f MB", v / 1e6);
  return g_strdup_printf ("%.1f kB", v / 1e3);
}

char *
bench_format_ns (gdouble v)
{
  if (!isfinite (v))
    return g_strdup ("–");
  if (v >= 1e6)
    return g_strdup_printf ("%.2f ms", v / 1e6);
  if (v >= 1e4)
    return g_strdup_printf ("%.1f µs", v / 1e3);
  if (v >= 1e3)
    return g_strdup_printf ("%.2f µs", v / 1e3);
  return g_strdup_printf ("%.0f ns", v);
}

/* printf's widths count bytes, and µ and – are two or three. */
static void
append_cell (GString    *out,
             const char *text,
             guint       width,
             gboolean    right)
{
  glong len = g_utf8_strlen (text, -1);

  if (right)
    for (glong i = len; i < (glong) width; i++)
      g_string_append_c (out, ' ');
  g_string_append (out, text);
  if (!right)
    for (glong i = len; i < (glong) width; i++)
      g_string_append_c (out, ' ');
  g_string_append (out, "  ");
}

char *
shmviz_bench_result_to_table (const ShmvizBenchResult *result)
{
  GString *out = g_string_new (NULL);
  g_autofree char *memcpy_rate = bench_format_bytes (result->memcpy_bytes_per_second);
  g_autofree char *handoff = bench_format_ns (result->cacheline_handoff_ns);

  append_cell (out, _("mechanism"), 14, FALSE);
  append_cell (out, _("size"), 6, TRUE);
  append_cell (out, _("messages/s"), 10, TRUE);
  append_cell (out, _("(min–max)"), 19, FALSE);
  append_cell (out, _("bytes/s"), 10, TRUE);
  append_cell (out, _("latency"), 9, TRUE);
  append_cell (out, _("(min–max)"), 19, FALSE);
  append_cell (out, _("p99"), 9, TRUE);
  g_string_append (out, _("checked"));
  g_string_append_c (out, '\n');

  for (guint i = 0; i < result->rows->len; i++)
    {
      const ShmvizBenchRow *row = &g_array_index (result->rows, ShmvizBenchRow, i);
      g_autofree char *size = bench_format_size (row->size);

      append_cell (out, bench_mechanisms[row->mechanism].name, 14, FALSE);
      append_cell (out, size, 6, TRUE);
      if (!row->supported || row->repetitions == 0)
        {
          g_string_append_printf (out, "%s: %s\n",
                                  row->supported ? _("failed") : _("not supported"),
                                  row->note ? row->note : _("no measurement"));
          continue;
        }
      {
        g_autofree char *mps = bench_format_count (row->messages_per_second.median);
        g_autofree char *mps_min = bench_format_count (row->messages_per_second.min);
        g_autofree char *mps_max = bench_format_count (row->messages_per_second.max);
        g_autofree char *mps_range = g_strdup_printf ("(%s–%s)", mps_min, mps_max);
        g_autofree char *bps = bench_format_bytes (row->bytes_per_second.median);
        g_autofree char *lat = bench_format_ns (row->latency_ns_median.median);
        g_autofree char *lat_min = bench_format_ns (row->latency_ns_median.min);
        g_autofree char *lat_max = bench_format_ns (row->latency_ns_median.max);
        g_autofree char *lat_range = g_strdup_printf ("(%s–%s)", lat_min, lat_max);
        g_autofree char *p99 = bench_format_ns (row->latency_ns_p99.median);
        g_autofree char *checked = NULL;

        if (row->order_errors || row->checksum_errors)
          checked = g_strdup_printf (_("%" PRIu64 " out of order, %" PRIu64 " damaged"),
                                     row->order_errors, row->checksum_errors);
        else
          {
            g_autofree char *n = bench_format_count (row->messages_checked);
            checked = g_strdup_printf (_("%s intact"), n);
          }

        append_cell (out, mps, 10, TRUE);
        append_cell (out, mps_range, 19, FALSE);
        append_cell (out, bps, 10, TRUE);
        append_cell (out, lat, 9, TRUE);
        append_cell (out, lat_range, 19, FALSE);
        append_cell (out, p99, 9, TRUE);
        g_string_append (out, checked);
        if (row->failed)
          g_string_append_printf (out, "  %s: %s", _("failed"), row->note);
        g_string_append_c (out, '\n');
      }
    }
  g_string_append_printf (out, _("\nmemcpy %s/s, cache-line hand-off %s one way; %u CPUs%s, load %.1f; %s; %s\n"),
                          memcpy_rate, handoff, result->n_cpus,
                          result->pinned ? _(", pinned") : "", result->load_average,
                          result->cpu_model, result->kernel);
  g_string_append (out, _("Latency is one way: half a ping-pong round trip. Figures are medians of "
                          "the repetitions, with their range; each round ran every mechanism "
                          "once, in fresh processes.\n"));
  return g_string_free (out, FALSE);
}
