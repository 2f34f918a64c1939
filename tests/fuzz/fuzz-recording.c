/* fuzz-recording.c — the recording reader and replay against hostile bytes
 *
 * Built two ways.  With clang and -DSHMVIZ_LIBFUZZER it is a libFuzzer
 * target (LLVMFuzzerTestOneInput only).  Otherwise it is its own driver,
 * run by `meson test --suite fuzz`: it replays every file of the seed
 * corpus, then a fixed number of seeded random mutations of each, some
 * with their record checksums repaired so that the damage reaches the
 * parsers behind the CRC.  `--make-seeds DIR` writes the seed corpus.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <stdio.h>
#include <string.h>

#include <glib/gstdio.h>

#include "recording.h"
#include "replay.h"

int LLVMFuzzerTestOneInput (const guint8 *data, size_t size);

static guint n_loaded;

static void
exercise (ShmvizReplay *replay)
{
  guint64 n;

  n = shmviz_replay_get_n_events (replay);
  shmviz_replay_seek_position (replay, 0);
  shmviz_replay_seek_position (replay, n / 2);
  shmviz_replay_seek_position (replay, n / 5);
  shmviz_replay_step_back (replay);
  shmviz_replay_next_anomaly (replay, NULL);
  shmviz_replay_prev_anomaly (replay, NULL);
  shmviz_replay_seek_time (replay, shmviz_replay_get_start_ns (replay) / 2 + shmviz_replay_get_end_ns (replay) / 2);
  shmviz_replay_seek_position (replay, n);
  {
    g_autofree char *a = NULL;
    guint n_anomalies;
    const ShmvizAnomaly *all = shmviz_replay_get_all_anomalies (replay, &n_anomalies);

    for (guint i = 0; i < n_anomalies && i < 16; i++)
      {
        g_free (a);
        a = shmviz_anomaly_describe (&all[i], shmviz_replay_get_scenario (replay)->n_producers);
      }
  }
  {
    guint n_anomalies;

    shmviz_replay_get_all_anomalies (replay, &n_anomalies);
    for (guint i = 0; i < n_anomalies; i++)
      shmviz_replay_get_anomaly_position (replay, i);
  }
  /* Damage met on the way must say what and where. */
  if (shmviz_replay_get_error (replay) != NULL)
    g_assert (shmviz_replay_get_error (replay)->message != NULL);
}

int
LLVMFuzzerTestOneInput (const guint8 *data,
                        size_t        size)
{
  g_autoptr(GBytes) bytes = g_bytes_new_static (data, size);
  g_autoptr(ShmvizRecording) rec = NULL;
  g_autoptr(ShmvizReplay) replay = NULL;
  g_autoptr(GError) error = NULL;

  rec = shmviz_recording_new_from_bytes (bytes, &error);
  if (rec == NULL)
    {
      g_assert (error != NULL && error->message != NULL);
      return 0;
    }
  n_loaded++;

  /* Bytes are checked whole, but a snapshot whose anomalies its events
   * contradict is only found when a move needs their positions. */
  replay = shmviz_replay_new (rec, &error);
  g_assert_no_error (error);
  exercise (replay);
  if (shmviz_replay_get_error (replay) != NULL)
    g_assert (strstr (shmviz_replay_get_error (replay)->message, "SNAPSHOT record at byte") != NULL);
  return 0;
}

#ifndef SHMVIZ_LIBFUZZER

static guint n_lazy, n_lazy_damaged;

/* The same input as a file, opened the window's way: event checksums are
 * left for the replay, which meets damage as it moves. */
static void
test_lazy (const char   *path,
           const guint8 *data,
           gsize         size)
{
  g_autoptr(ShmvizRecording) rec = NULL;
  g_autoptr(ShmvizReplay) replay = NULL;
  g_autoptr(GError) error = NULL;

  FILE *f;

  /* A new file each time, plainly written: syncing it, or truncating one
   * just written (which ext4 then flushes), costs more than the test. */
  g_unlink (path);
  f = g_fopen (path, "wb");
  g_assert (f != NULL);
  g_assert (size == 0 || fwrite (data, 1, size, f) == size);
  g_assert (fclose (f) == 0);
  rec = shmviz_recording_open (path, &error);
  if (rec == NULL)
    {
      g_assert (error != NULL && error->message != NULL);
      return;
    }
  replay = shmviz_replay_new (rec, &error);
  if (replay == NULL)
    {
      g_assert (error != NULL && strstr (error->message, "byte") != NULL);
      return;
    }
  n_lazy++;
  exercise (replay);
  if (shmviz_replay_get_error (replay) != NULL)
    {
      g_assert (strstr (shmviz_replay_get_error (replay)->message, "byte") != NULL);
      n_lazy_damaged++;
    }
}

/* Seeds ----------------------------------------------------------------- */

static void
write_seed (const char           *dir,
            const char           *name,
            const ShmvizScenario *sc,
            const ShmvizEvent    *evs,
            guint                 n,
            guint                 batch,
            guint                 snapshot_interval)
{
  g_autofree char *path = g_build_filename (dir, name, NULL);
  g_autoptr(ShmvizRecorder) recorder = NULL;
  g_autoptr(ShmvizModel) model = shmviz_model_new (sc);
  g_autoptr(GError) error = NULL;
  guint64 last = 0;

  recorder = shmviz_recorder_new (path, sc, &error);
  g_assert_no_error (error);
  shmviz_recorder_set_model (recorder, model);
  shmviz_recorder_set_snapshot_interval (recorder, snapshot_interval);
  shmviz_recorder_annotate (recorder, evs[0].ts_ns, "seed");
  for (guint i = 0; i < n; i += batch)
    {
      guint k = MIN (batch, n - i);

      shmviz_recorder_add_events (recorder, &evs[i], k);
      shmviz_model_fold (model, &evs[i], k);
      last = evs[i + k - 1].ts_ns;
    }
  if (shmviz_model_check_stall (model, last + 1, 0) > 0)
    shmviz_recorder_add_stall (recorder, last + 1, 0);
  shmviz_recorder_close (recorder, &error);
  g_assert_no_error (error);
}

static int
make_seeds (const char *dir)
{
  ShmvizScenario sc;
  ShmvizEvent evs[96];
  guint n = 0;
  guint64 ts = 5000;

  g_mkdir_with_parents (dir, 0755);
  shmviz_scenario_init_fast (&sc);
  sc.n_producers = 1;
  sc.n_consumers = 2;
  sc.n_slots = 3;
  sc.sync = SHMVIZ_SYNC_OFF;

  memset (evs, 0, sizeof evs);
  evs[n++] = (ShmvizEvent) { .ts_ns = ts++, .proc = SHMVIZ_PROC_SUPERVISOR, .kind = SHMVIZ_EV_SESSION, .value = 3 };
  for (guint p = 0; p < 3; p++)
    evs[n++] = (ShmvizEvent) { .ts_ns = ts++, .proc = p, .kind = SHMVIZ_EV_START, .value = p > 0, .other = 100 + p };
  for (guint seq = 1; n + 8 <= G_N_ELEMENTS (evs) - 4; seq++)
    {
      guint slot = seq % 3;
      guint c = 1 + seq % 2;

      evs[n++] = (ShmvizEvent) { .ts_ns = ts++, .proc = 0, .kind = SHMVIZ_EV_WAIT, .detail = SHMVIZ_SEM_EMPTY };
      evs[n++] = (ShmvizEvent) { .ts_ns = ts++, .proc = 0, .kind = SHMVIZ_EV_ACQUIRED, .detail = SHMVIZ_SEM_EMPTY };
      evs[n++] = (ShmvizEvent) { .ts_ns = ts++, .proc = 0, .kind = SHMVIZ_EV_WRITE_SLOT, .slot = slot,
                                 .item = SHMVIZ_ITEM_ID (0, seq),
                                 .detail = seq % 4 == 0 ? SHMVIZ_SLOT_FULL : SHMVIZ_SLOT_EMPTY,
                                 .other = seq % 4 == 0 ? SHMVIZ_ITEM_ID (0, seq - 3) : 0 };
      evs[n++] = (ShmvizEvent) { .ts_ns = ts++, .proc = 0, .kind = SHMVIZ_EV_ADVANCE,
                                 .other = SHMVIZ_PACK_INDICES (seq % 3, 0, seq % 5) };
      evs[n++] = (ShmvizEvent) { .ts_ns = ts++, .proc = 0, .kind = SHMVIZ_EV_POST, .detail = SHMVIZ_SEM_FULL };
      evs[n++] = (ShmvizEvent) { .ts_ns = ts++, .proc = c, .kind = SHMVIZ_EV_READ_SLOT, .slot = slot,
                                 .item = SHMVIZ_ITEM_ID (0, seq % 5 == 0 ? seq - 1 : seq),
                                 .detail = seq % 7 == 0 ? SHMVIZ_SLOT_WRITING : SHMVIZ_SLOT_FULL };
      evs[n++] = (ShmvizEvent) { .ts_ns = ts++, .proc = c, .kind = SHMVIZ_EV_CONSUME,
                                 .item = SHMVIZ_ITEM_ID (0, seq) };
      evs[n++] = (ShmvizEvent) { .ts_ns = ts++, .proc = SHMVIZ_PROC_SUPERVISOR, .kind = SHMVIZ_EV_SPEED,
                                 .other = 1000 + seq };
    }
  evs[n++] = (ShmvizEvent) { .ts_ns = ts++, .proc = 0, .kind = SHMVIZ_EV_BLOCKED, .detail = SHMVIZ_SEM_MUTEX };
  evs[n++] = (ShmvizEvent) { .ts_ns = ts++, .proc = 1, .kind = SHMVIZ_EV_ACQUIRED, .detail = SHMVIZ_SEM_MUTEX };
  evs[n++] = (ShmvizEvent) { .ts_ns = ts++, .proc = 1, .kind = SHMVIZ_EV_BLOCKED, .detail = SHMVIZ_SEM_FULL };
  evs[n++] = (ShmvizEvent) { .ts_ns = ts++, .proc = 2, .kind = SHMVIZ_EV_BLOCKED, .detail = SHMVIZ_SEM_MUTEX };

  write_seed (dir, "races-small-batches.shmviz", &sc, evs, n, 7, 20);
  write_seed (dir, "races-one-batch.shmviz", &sc, evs, n, n, 1000);
  sc.n_consumers = 3;
  sc.n_slots = 1;
  write_seed (dir, "other-shape.shmviz", &sc, evs, 40, 3, 9);
  return 0;
}

/* Driver ---------------------------------------------------------------- */

static void
repair_crcs (guint8 *data,
             gsize   size)
{
  gsize pos = SHMVIZ_RECORDING_PREFIX_SIZE;

  while (pos + 12 <= size)
    {
      guint32 len, crc;

      memcpy (&len, data + pos + 4, 4);
      len = GUINT32_FROM_LE (len);
      if (len > size - pos - 12)
        break;
      crc = GUINT32_TO_LE (shmviz_crc32 (data + pos + 8, len));
      memcpy (data + pos + 8 + len, &crc, 4);
      pos += 12 + len;
    }
}

static GByteArray *
mutate (GRand        *rand,
        const guint8 *data,
        gsize         size)
{
  GByteArray *out = g_byte_array_sized_new ((guint) size + 64);
  guint n_edits = g_rand_int_range (rand, 1, 6);

  g_byte_array_append (out, data, (guint) size);
  for (guint e = 0; e < n_edits && out->len > 0; e++)
    {
      guint at = g_rand_int_range (rand, 0, out->len);

      switch (g_rand_int_range (rand, 0, 6))
        {
        case 0: /* flip bits */
          out->data[at] ^= (guint8) g_rand_int_range (rand, 1, 256);
          break;
        case 1: /* interesting values */
          {
            static const guint32 values[] = { 0, 1, 0x7F, 0xFF, 0xFFFF, 0x7FFFFFFF, 0xFFFFFFFF, 4096, 65 };
            guint32 v = GUINT32_TO_LE (values[g_rand_int_range (rand, 0, G_N_ELEMENTS (values))]);

            if (at + 4 <= out->len)
              memcpy (out->data + at, &v, 4);
          }
          break;
        case 2: /* truncate */
          g_byte_array_set_size (out, at);
          break;
        case 3: /* delete a run */
          {
            guint len = (guint) g_rand_int_range (rand, 1, 64);

            g_byte_array_remove_range (out, at, MIN (out->len - at, len));
          }
          break;
        case 4: /* duplicate a run */
          {
            guint want = (guint) g_rand_int_range (rand, 1, 256);
            guint len = MIN (out->len - at, want);
            g_autofree guint8 *copy = g_memdup2 (out->data + at, len);

            g_byte_array_append (out, copy, len);
          }
          break;
        default: /* random byte */
          out->data[at] = (guint8) g_rand_int_range (rand, 0, 256);
          break;
        }
    }
  /* Most mutations get valid checksums, or the CRC stops them all. */
  if (g_rand_int_range (rand, 0, 4) != 0)
    repair_crcs (out->data, out->len);
  return out;
}

int
main (int    argc,
      char **argv)
{
  g_autoptr(GDir) dir = NULL;
  g_autoptr(GRand) rand = NULL;
  g_autoptr(GPtrArray) seeds = g_ptr_array_new_with_free_func ((GDestroyNotify) g_bytes_unref);
  guint iterations = 2000;
  guint runs = 0;
  const char *name;
  g_autofree char *tmp_dir = NULL;
  g_autofree char *tmp_path = NULL;
  gint64 t0;

  if (argc == 3 && g_strcmp0 (argv[1], "--make-seeds") == 0)
    return make_seeds (argv[2]);
  if (argc < 2 || argc > 3)
    {
      g_printerr ("usage: %s CORPUS-DIR [MUTATIONS-PER-SEED] | --make-seeds DIR\n", argv[0]);
      return 2;
    }
  if (argc == 3)
    iterations = (guint) g_ascii_strtoull (argv[2], NULL, 10);

  dir = g_dir_open (argv[1], 0, NULL);
  if (dir == NULL)
    {
      g_printerr ("cannot open corpus %s\n", argv[1]);
      return 1;
    }
  while ((name = g_dir_read_name (dir)) != NULL)
    {
      g_autofree char *path = g_build_filename (argv[1], name, NULL);
      char *contents;
      gsize len;

      if (g_file_get_contents (path, &contents, &len, NULL))
        g_ptr_array_add (seeds, g_bytes_new_take (contents, len));
    }
  if (seeds->len == 0)
    {
      g_printerr ("empty corpus %s\n", argv[1]);
      return 1;
    }

  tmp_dir = g_dir_make_tmp ("shmviz-fuzz-recording-XXXXXX", NULL);
  g_assert (tmp_dir != NULL);
  tmp_path = g_build_filename (tmp_dir, "input.shmviz", NULL);

  t0 = g_get_monotonic_time ();
  for (guint s = 0; s < seeds->len; s++)
    {
      gsize len;
      const guint8 *data = g_bytes_get_data (g_ptr_array_index (seeds, s), &len);
      guint before = n_loaded;

      LLVMFuzzerTestOneInput (data, len);
      runs++;
      if (n_loaded == before)
        {
          g_printerr ("seed %u does not load\n", s);
          return 1;
        }
    }

  /* Fixed seed: a failure reproduces. */
  rand = g_rand_new_with_seed (0x5A7u);
  for (guint i = 0; i < iterations; i++)
    for (guint s = 0; s < seeds->len; s++)
      {
        gsize len;
        const guint8 *data = g_bytes_get_data (g_ptr_array_index (seeds, s), &len);
        g_autoptr(GByteArray) m = mutate (rand, data, len);

        LLVMFuzzerTestOneInput (m->data, m->len);
        runs++;
        /* One in four through a file: it costs a write. */
        if (i % 4 == 0)
          test_lazy (tmp_path, m->data, m->len);
      }

  g_unlink (tmp_path);
  g_rmdir (tmp_dir);
  printf ("fuzz-recording: %u inputs (%u seeds), %u loaded, %.0f inputs/s; "
          "%u opened from files, %u of them met damage on the way\n",
          runs, seeds->len, n_loaded, runs / ((g_get_monotonic_time () - t0) / 1e6),
          n_lazy, n_lazy_damaged);
  return 0;
}

#endif
