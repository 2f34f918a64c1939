/* summary.c — a run's outcome as text or JSON
 *
 * JSON is written by hand: core depends on GLib alone, and the output is
 * one flat object whose strings all pass through json_string().
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include "json.h"

#include <glib/gi18n.h>
#include <inttypes.h>

#include "summary.h"

static void
json_item (GString *out,
           guint64  item)
{
  if (item == SHMVIZ_ITEM_NONE)
    g_string_append (out, "null");
  else
    {
      g_autofree char *label = shmviz_item_label (item);
      shmviz_json_string (out, label);
    }
}

static void
append_anomaly (GString             *out,
                const ShmvizAnomaly *a,
                guint64              start_ns,
                guint                n_producers)
{
  g_autofree char *text = shmviz_anomaly_describe (a, n_producers);
  gboolean first = TRUE;

  g_string_append (out, "{\"kind\":");
  shmviz_json_string (out, shmviz_anomaly_kind_name (a->kind));
  if (a->slot == G_MAXUINT)
    g_string_append (out, ",\"slot\":null");
  else
    g_string_append_printf (out, ",\"slot\":%u", a->slot);
  g_string_append (out, ",\"item\":");
  json_item (out, a->item);
  g_string_append (out, ",\"other_item\":");
  json_item (out, a->other_item);

  g_string_append (out, ",\"processes\":[");
  if (a->kind == SHMVIZ_ANOMALY_DEADLOCK)
    {
      for (guint i = 0; i < a->n_procs && i < SHMVIZ_ANOMALY_MAX_PROCS; i++)
        {
          g_autofree char *label = shmviz_proc_label (a->procs[i], n_producers);

          if (!first)
            g_string_append_c (out, ',');
          shmviz_json_string (out, label);
          first = FALSE;
        }
    }
  else
    {
      guint16 who[2] = { a->actor, a->earlier };

      for (guint i = 0; i < G_N_ELEMENTS (who); i++)
        {
          g_autofree char *label = NULL;

          if (who[i] == SHMVIZ_NO_PROC)
            continue;
          label = shmviz_proc_label (who[i], n_producers);
          if (!first)
            g_string_append_c (out, ',');
          shmviz_json_string (out, label);
          first = FALSE;
        }
    }
  g_string_append_printf (out, "],\"time_ns\":%" G_GUINT64_FORMAT,
                          a->ts_ns >= start_ns ? a->ts_ns - start_ns : 0);
  g_string_append (out, ",\"explanation\":");
  shmviz_json_string (out, text);
  g_string_append_c (out, '}');
}

char *
shmviz_summary_to_json (ShmvizModel *model,
                        gdouble      elapsed_s,
                        guint        max_anomalies)
{
  g_autoptr(GArray) anomalies = g_array_new (FALSE, FALSE, sizeof (ShmvizAnomaly));
  const ShmvizScenario *sc = shmviz_model_get_scenario (model);
  ShmvizSnapshot snap = { 0 };
  GString *out = g_string_new ("{");
  char num[G_ASCII_DTOSTR_BUF_SIZE];
  guint listed;

  shmviz_model_snapshot (model, &snap);
  shmviz_model_get_anomalies (model, 0, anomalies);
  listed = MIN (anomalies->len, max_anomalies);

  g_string_append_printf (out,
                          "\"produced\":%" G_GUINT64_FORMAT
                          ",\"consumed\":%" G_GUINT64_FORMAT
                          ",\"in_buffer\":%" G_GUINT64_FORMAT
                          ",\"lost\":%" G_GUINT64_FORMAT
                          ",\"duplicated\":%" G_GUINT64_FORMAT
                          ",\"empty_reads\":%" G_GUINT64_FORMAT
                          ",\"corrupt\":%" G_GUINT64_FORMAT
                          ",\"index_drift\":%" G_GUINT64_FORMAT
                          ",\"dropped_events\":%" G_GUINT64_FORMAT
                          ",\"events\":%" G_GUINT64_FORMAT,
                          snap.totals.produced, snap.totals.consumed, snap.totals.in_buffer,
                          snap.totals.lost, snap.totals.duplicated, snap.totals.empty_reads,
                          snap.totals.corrupt, snap.totals.index_drift,
                          snap.totals.dropped_events, snap.totals.events);
  g_ascii_dtostr (num, sizeof num, elapsed_s > 0 ? (gdouble) snap.totals.consumed / elapsed_s : 0.0);
  g_string_append_printf (out, ",\"items_per_second\":%s", num);
  g_ascii_dtostr (num, sizeof num, elapsed_s);
  g_string_append_printf (out, ",\"elapsed_seconds\":%s", num);
  g_string_append_printf (out, ",\"deadlock\":%s", snap.totals.deadlocks > 0 ? "true" : "false");

  g_string_append (out, ",\"scenario\":{\"producers\":");
  g_string_append_printf (out, "%u,\"consumers\":%u,\"slots\":%u,\"item_size\":%u,\"sync\":",
                          sc->n_producers, sc->n_consumers, sc->n_slots, sc->item_size);
  shmviz_json_string (out, shmviz_sync_mode_to_string (sc->sync));
  g_string_append_printf (out, ",\"items\":%" G_GUINT64_FORMAT "}", sc->items);

  g_string_append_printf (out, ",\"anomalies_total\":%u,\"anomalies_listed\":%u,\"anomalies\":[",
                          anomalies->len, listed);
  for (guint i = 0; i < listed; i++)
    {
      if (i > 0)
        g_string_append_c (out, ',');
      append_anomaly (out, &g_array_index (anomalies, ShmvizAnomaly, i),
                      snap.start_ns, sc->n_producers);
    }
  g_string_append (out, "]}");

  shmviz_snapshot_clear (&snap);
  return g_string_free (out, FALSE);
}

char *
shmviz_summary_to_text (ShmvizModel *model,
                        gdouble      elapsed_s,
                        guint        max_anomalies)
{
  g_autoptr(GArray) anomalies = g_array_new (FALSE, FALSE, sizeof (ShmvizAnomaly));
  const ShmvizScenario *sc = shmviz_model_get_scenario (model);
  ShmvizTotals t;
  GString *out = g_string_new (NULL);
  guint listed;

  shmviz_model_get_totals (model, &t);
  shmviz_model_get_anomalies (model, 0, anomalies);
  listed = MIN (anomalies->len, max_anomalies);

  g_string_append_printf (out, _("%u producers → %u consumers, %u slots, %u-byte items, sync %s\n"),
                          sc->n_producers, sc->n_consumers, sc->n_slots, sc->item_size,
                          shmviz_sync_mode_to_string (sc->sync));
  g_string_append_printf (out, _("produced %" PRIu64 ", consumed %" PRIu64
                                 ", in buffer %" PRIu64 " in %.2f s (%.0f items/s)\n"),
                          t.produced, t.consumed, t.in_buffer, elapsed_s,
                          elapsed_s > 0 ? (gdouble) t.consumed / elapsed_s : 0.0);
  g_string_append_printf (out, _("lost %" PRIu64 ", duplicated %" PRIu64
                                 ", empty reads %" PRIu64 ", corrupt %" PRIu64
                                 ", index drift %" PRIu64 ", dropped events %" PRIu64 "\n"),
                          t.lost, t.duplicated, t.empty_reads, t.corrupt, t.index_drift, t.dropped_events);
  if (t.deadlocks > 0)
    g_string_append (out, _("deadlock: yes\n"));

  for (guint i = 0; i < listed; i++)
    {
      g_autofree char *text = shmviz_anomaly_describe (&g_array_index (anomalies, ShmvizAnomaly, i),
                                                       sc->n_producers);
      g_string_append_printf (out, "  • %s\n", text);
    }
  if (anomalies->len > listed)
    g_string_append_printf (out, _("  … and %u more\n"), anomalies->len - listed);

  return g_string_free (out, FALSE);
}

char *
shmviz_summary_counts_to_json (const ShmvizScenario *sc,
                               guint64               produced,
                               guint64               consumed,
                               gdouble               elapsed_s)
{
  GString *out = g_string_new ("{");
  char num[G_ASCII_DTOSTR_BUF_SIZE];

  /* Without events nothing can be said of anomalies: they are null, not 0. */
  g_string_append_printf (out,
                          "\"produced\":%" G_GUINT64_FORMAT ",\"consumed\":%" G_GUINT64_FORMAT
                          ",\"in_buffer\":null,\"lost\":null,\"duplicated\":null,\"empty_reads\":null"
                          ",\"corrupt\":null,\"index_drift\":null,\"dropped_events\":0,\"events\":0",
                          produced, consumed);
  g_ascii_dtostr (num, sizeof num, elapsed_s > 0 ? (gdouble) consumed / elapsed_s : 0.0);
  g_string_append_printf (out, ",\"items_per_second\":%s", num);
  g_ascii_dtostr (num, sizeof num, elapsed_s);
  g_string_append_printf (out, ",\"elapsed_seconds\":%s,\"deadlock\":null,\"instrumented\":false", num);
  g_string_append_printf (out, ",\"scenario\":{\"producers\":%u,\"consumers\":%u,\"slots\":%u,\"item_size\":%u,\"sync\":",
                          sc->n_producers, sc->n_consumers, sc->n_slots, sc->item_size);
  shmviz_json_string (out, shmviz_sync_mode_to_string (sc->sync));
  g_string_append_printf (out, ",\"items\":%" G_GUINT64_FORMAT "},\"anomalies\":[]}", sc->items);
  return g_string_free (out, FALSE);
}
