/* bench-seek.c — how long opening and seeking take in a one-hour recording
 *
 * Writes a synthetic recording with the recorder, as a live session would
 * (events in batches, the model folded alongside so that SNAPSHOT records
 * hold its state), then opens it with the replay source and seeks to
 * random positions.  The stream is what 2 producers and 2 consumers with
 * semaphores record, by default 2,000 items/s for 3,600 s of timestamps:
 * the events are generated directly, no worker runs.  Prints figures and
 * asserts nothing about time; build-aux/perf-suite collects the last line.
 *
 *   bench-seek [--rate ITEMS/S] [--seconds S] [--seeks N] [--dir DIR]
 *              [--file PATH]
 *
 * --file keeps the recording at PATH and, when PATH already exists, opens
 * it without writing it again: the hour takes most of a minute and 4.8 GB,
 * so before/after comparisons write it once.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>

#include <glib/gstdio.h>

#include "recording.h"
#include "replay.h"

#define N_PRODUCERS 2
#define N_CONSUMERS 2
#define N_SLOTS     8
#define BATCH       4096
#define EVENTS_PER_ITEM 20

typedef struct {
  ShmvizEvent *events;
  guint n;
} Batch;

static void
push (Batch      *b,
      guint64     ts,
      guint       proc,
      guint8      kind,
      guint8      detail,
      guint16     slot,
      guint16     value,
      guint64     item,
      guint64     other)
{
  b->events[b->n++] = (ShmvizEvent) {
    .ts_ns = ts, .proc = (guint16) proc, .kind = kind, .detail = detail,
    .slot = slot, .value = value, .item = item, .other = other,
  };
}

/* Item @k, start to finish, as the workers' step machines record it with
 * semaphores: ten steps by its producer, then ten by its consumer, spread
 * over one item period so that timestamps only grow. */
static void
one_item (Batch   *b,
          guint64  k,
          guint64  t0,
          guint64  period)
{
  guint p = (guint) (k % N_PRODUCERS);
  guint c = N_PRODUCERS + (guint) (k / N_PRODUCERS % N_CONSUMERS);
  guint64 seq = k / N_PRODUCERS + 1;
  guint64 item = SHMVIZ_ITEM_ID (p, seq);
  guint16 slot = (guint16) (k % N_SLOTS);
  guint16 next = (guint16) ((k + 1) % N_SLOTS);
  guint64 dt = MAX (period / EVENTS_PER_ITEM, 1);
  guint64 t = t0;

  push (b, t += dt, p, SHMVIZ_EV_PRODUCE, 0, 0, 0, item, 0);
  push (b, t += dt, p, SHMVIZ_EV_WAIT, SHMVIZ_SEM_EMPTY, 0, 0, 0, 0);
  push (b, t += dt, p, SHMVIZ_EV_ACQUIRED, SHMVIZ_SEM_EMPTY, 0, N_SLOTS - 1, 0, 0);
  push (b, t += dt, p, SHMVIZ_EV_WAIT, SHMVIZ_SEM_MUTEX, 0, 0, 0, 0);
  push (b, t += dt, p, SHMVIZ_EV_ACQUIRED, SHMVIZ_SEM_MUTEX, 0, 0, 0, 0);
  push (b, t += dt, p, SHMVIZ_EV_READ_INDEX, 0, slot, 0, 0, 0);
  push (b, t += dt, p, SHMVIZ_EV_WRITE_SLOT, SHMVIZ_SLOT_EMPTY, slot, 0, item, 0);
  push (b, t += dt, p, SHMVIZ_EV_ADVANCE, 0, next, 1, 0, SHMVIZ_PACK_INDICES (next, slot, 1));
  push (b, t += dt, p, SHMVIZ_EV_POST, SHMVIZ_SEM_MUTEX, 0, 0, 0, 0);
  push (b, t += dt, p, SHMVIZ_EV_POST, SHMVIZ_SEM_FULL, 0, 0, 0, 0);
  push (b, t += dt, c, SHMVIZ_EV_WAIT, SHMVIZ_SEM_FULL, 0, 0, 0, 0);
  push (b, t += dt, c, SHMVIZ_EV_ACQUIRED, SHMVIZ_SEM_FULL, 0, 0, 0, 0);
  push (b, t += dt, c, SHMVIZ_EV_WAIT, SHMVIZ_SEM_MUTEX, 0, 0, 0, 0);
  push (b, t += dt, c, SHMVIZ_EV_ACQUIRED, SHMVIZ_SEM_MUTEX, 0, 0, 0, 0);
  push (b, t += dt, c, SHMVIZ_EV_READ_INDEX, 1, slot, 1, 0, 1);
  push (b, t += dt, c, SHMVIZ_EV_READ_SLOT, SHMVIZ_SLOT_FULL, slot, 0, item, item);
  push (b, t += dt, c, SHMVIZ_EV_ADVANCE, 1, next, 0, 0, SHMVIZ_PACK_INDICES (next, next, 0));
  push (b, t += dt, c, SHMVIZ_EV_POST, SHMVIZ_SEM_MUTEX, 0, 0, 0, 0);
  push (b, t += dt, c, SHMVIZ_EV_POST, SHMVIZ_SEM_EMPTY, 0, 0, 0, 0);
  push (b, t += dt, c, SHMVIZ_EV_CONSUME, 0, 0, 0, item, 0);
}

static int
compare_double (gconstpointer a,
                gconstpointer b)
{
  double x = *(const double *) a, y = *(const double *) b;

  return (x > y) - (x < y);
}

static double
percentile (GArray *sorted,
            double  p)
{
  guint i = (guint) (p * (sorted->len - 1) + 0.5);

  return g_array_index (sorted, double, MIN (i, sorted->len - 1));
}

int
main (int    argc,
      char **argv)
{
  double rate = 2000;
  double seconds = 3600;
  int n_seeks = 20;
  g_autofree char *parent = NULL;
  g_autofree char *keep = NULL;
  g_autoptr(GOptionContext) context = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *dir = NULL;
  g_autofree char *path = NULL;
  g_autoptr(ShmvizRecorder) recorder = NULL;
  g_autoptr(ShmvizModel) model = NULL;
  g_autoptr(ShmvizReplay) replay = NULL;
  g_autoptr(GArray) times = g_array_new (FALSE, FALSE, sizeof (double));
  g_autoptr(GArray) again = g_array_new (FALSE, FALSE, sizeof (double));
  g_autoptr(GArray) targets = g_array_new (FALSE, FALSE, sizeof (guint64));
  g_autoptr(GRand) rand = g_rand_new_with_seed (0x5EE4u);
  g_autofree ShmvizEvent *events = g_new0 (ShmvizEvent, BATCH + EVENTS_PER_ITEM);
  const GOptionEntry entries[] = {
    { "rate", 0, 0, G_OPTION_ARG_DOUBLE, &rate, "Items per second (default 2000)", "N" },
    { "seconds", 0, 0, G_OPTION_ARG_DOUBLE, &seconds, "Seconds of timestamps (default 3600)", "S" },
    { "seeks", 0, 0, G_OPTION_ARG_INT, &n_seeks, "Random seeks to time (default 20)", "N" },
    { "dir", 0, 0, G_OPTION_ARG_FILENAME, &parent, "Folder for the temporary recording", "DIR" },
    { "file", 0, 0, G_OPTION_ARG_FILENAME, &keep,
      "Keep the recording here; reuse it if it exists (--rate and --seconds are then ignored)", "PATH" },
    { NULL }
  };
  ShmvizScenario sc;
  ShmvizRecorderStats st;
  Batch batch = { events, 0 };
  guint64 n_items, period, n_events, start_ns = G_GUINT64_CONSTANT (1000000000);
  GStatBuf sb;
  gint64 t0, t_written, t_recording, t_open;
  double open_ms, check_ms, first_seek_ms, median, p99, worst;
  gboolean reused = FALSE;
  int status = 0;

  context = g_option_context_new ("— open and seek times in a long recording");
  g_option_context_add_main_entries (context, entries, NULL);
  if (!g_option_context_parse (context, &argc, &argv, &error))
    {
      g_printerr ("bench-seek: %s\n", error->message);
      return 2;
    }
  if (!(rate >= 1 && rate <= 1e6) || !(seconds >= 1 && seconds <= 86400) || n_seeks < 1 || n_seeks > 100000)
    {
      g_printerr ("bench-seek: --rate must be 1..1000000, --seconds 1..86400, --seeks 1..100000\n");
      return 2;
    }

  if (keep != NULL)
    {
      path = g_strdup (keep);
      reused = g_file_test (path, G_FILE_TEST_IS_REGULAR);
    }
  else
    {
      dir = g_build_filename (parent ? parent : g_get_tmp_dir (), "shmviz-bench-seek-XXXXXX", NULL);
      if (g_mkdtemp (dir) == NULL)
        {
          g_printerr ("bench-seek: cannot make a folder in %s: %s\n",
                      parent ? parent : g_get_tmp_dir (), g_strerror (errno));
          return 1;
        }
      path = g_build_filename (dir, "hour.shmviz", NULL);
    }

  shmviz_scenario_init_fast (&sc);
  sc.n_producers = N_PRODUCERS;
  sc.n_consumers = N_CONSUMERS;
  sc.n_slots = N_SLOTS;
  sc.sync = SHMVIZ_SYNC_SEMAPHORES;
  n_items = (guint64) (rate * seconds);
  period = (guint64) (1e9 / rate);

  /* Writing: the same path a live session's events take to the disk. */
  memset (&st, 0, sizeof st);
  t0 = g_get_monotonic_time ();
  if (reused)
    goto written;
  recorder = shmviz_recorder_new (path, &sc, &error);
  if (recorder == NULL)
    {
      g_printerr ("bench-seek: %s\n", error->message);
      status = 1;
      goto out;
    }
  model = shmviz_model_new (&sc);
  shmviz_recorder_set_model (recorder, model);
  for (guint64 k = 0; k < n_items; k++)
    {
      one_item (&batch, k, start_ns + k * period, period);
      if (batch.n >= BATCH || k + 1 == n_items)
        {
          shmviz_recorder_add_events (recorder, batch.events, batch.n);
          shmviz_model_fold (model, batch.events, batch.n);
          batch.n = 0;
        }
    }
  if (!shmviz_recorder_close (recorder, &error))
    {
      g_printerr ("bench-seek: writing %s: %s\n", path, error->message);
      status = 1;
      goto out;
    }
  shmviz_recorder_get_stats (recorder, &st);
  g_clear_object (&recorder);
  g_clear_pointer (&model, shmviz_model_unref);

written:
  t_written = g_get_monotonic_time ();
  /* Opening as the window does: the recording, then the replay source that
   * leaves the model at the end; event checksums wait for the first read.  Timed apart so that a change shows
   * which of the two it moved. */
  {
    g_autoptr(ShmvizRecording) recording = shmviz_recording_open (path, &error);

    t_recording = g_get_monotonic_time ();
    if (recording != NULL)
      replay = shmviz_replay_new (recording, &error);
  }
  t_open = g_get_monotonic_time ();
  if (replay == NULL)
    {
      g_printerr ("bench-seek: opening %s: %s\n", path, error->message);
      status = 1;
      goto out;
    }
  open_ms = (t_open - t_written) / 1e3;
  check_ms = (t_recording - t_written) / 1e3;
  if (reused)
    {
      const ShmvizRecord *records;
      guint n_records;

      records = shmviz_recording_get_records (shmviz_replay_get_recording (replay), &n_records);
      for (guint i = 0; i < n_records; i++)
        if (records[i].type == SHMVIZ_RECORD_SNAPSHOT)
          st.snapshots++;
    }
  n_events = shmviz_replay_get_n_events (replay);

  /* The first seek backwards pays for faulting in the pages of its
   * snapshot; it is reported apart from the random ones. */
  {
    gint64 a = g_get_monotonic_time ();

    shmviz_replay_seek_position (replay, n_events / 2);
    first_seek_ms = (g_get_monotonic_time () - a) / 1e3;
  }
  for (int i = 0; i < n_seeks; i++)
    {
      guint64 target = (guint64) (g_rand_double (rand) * n_events);
      gint64 a = g_get_monotonic_time ();
      double ms;

      shmviz_replay_seek_position (replay, target);
      ms = (g_get_monotonic_time () - a) / 1e3;
      if (shmviz_replay_get_position (replay) != target)
        {
          g_printerr ("bench-seek: seek to %" G_GUINT64_FORMAT " ended at %" G_GUINT64_FORMAT "\n",
                      target, shmviz_replay_get_position (replay));
          status = 1;
        }
      g_array_append_val (times, ms);
      g_array_append_val (targets, target);
    }
  /* The same targets again: their records' checksums are known by now, so
   * the difference is what checking on first read costs. */
  for (guint i = 0; i < targets->len; i++)
    {
      gint64 a;
      double ms;

      shmviz_replay_seek_position (replay, i % 2 ? 0 : n_events);
      a = g_get_monotonic_time ();
      shmviz_replay_seek_position (replay, g_array_index (targets, guint64, i));
      ms = (g_get_monotonic_time () - a) / 1e3;
      g_array_append_val (again, ms);
    }
  g_array_sort (again, compare_double);
  g_array_sort (times, compare_double);
  median = percentile (times, 0.5);
  p99 = percentile (times, 0.99);
  worst = g_array_index (times, double, times->len - 1);

  if (g_stat (path, &sb) != 0)
    sb.st_size = 0;

  printf ("one recording: %d producers x %d consumers, semaphores, %.0f items/s for %.0f s\n",
          N_PRODUCERS, N_CONSUMERS, rate, seconds);
  printf ("  %-28s %" G_GUINT64_FORMAT "\n", "events", n_events);
  printf ("  %-28s %.1f MB\n", "file size", sb.st_size / 1e6);
  printf ("  %-28s %.2f\n", "bytes per event", n_events ? (double) sb.st_size / n_events : 0.0);
  printf ("  %-28s %" G_GUINT64_FORMAT "\n", "snapshots", st.snapshots);
  if (reused)
    printf ("  %-28s reused %s\n", "generate + write", path);
  else
    printf ("  %-28s %.1f s (%.2f M events/s, folding included)\n", "generate + write",
            (t_written - t0) / 1e6, n_events / ((t_written - t0) / 1e6) / 1e6);
  printf ("  %-28s %.1f ms (recording %.1f ms, replay %.1f ms)\n", "open (as the window does)",
          open_ms, check_ms, open_ms - check_ms);
  printf ("  %-28s %.2f ms\n", "first seek (cold pages)", first_seek_ms);
  printf ("  %-28s %.2f ms median, %.2f ms p99, %.2f ms max\n", "random seek", median, p99, worst);
  printf ("  %-28s %.2f ms median, %.2f ms max\n", "same seeks again", percentile (again, 0.5),
          g_array_index (again, double, again->len - 1));
  printf ("bench-seek: events=%" G_GUINT64_FORMAT " bytes=%" G_GINT64_FORMAT " bytes_per_event=%.2f "
          "open_ms=%.1f seek_median_ms=%.3f seek_p99_ms=%.3f seeks=%u seconds=%.0f rate=%.0f\n",
          n_events, (gint64) sb.st_size, n_events ? (double) sb.st_size / n_events : 0.0,
          open_ms, median, p99, times->len, seconds, rate);

out:
  g_clear_object (&replay);
  if (keep == NULL)
    {
      g_unlink (path);
      g_rmdir (dir);
    }
  return status;
}
