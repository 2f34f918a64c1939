/* test-recording.c — record real sessions, replay them, and abuse the reader
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <string.h>
#include <glib/gstdio.h>

#include "recording.h"
#include "replay.h"
#include "session.h"
#include "shm-check.h"

/* Shared by the tests after the live one: a real recording with races. */
static char *races_path;
static char *scratch_dir;

/* Comparing models ----------------------------------------------------------- */

static GBytes *
encode_anomalies (const ShmvizAnomaly *a,
                  guint                n)
{
  GByteArray *out = g_byte_array_new ();

  for (guint i = 0; i < n; i++)
    shmviz_put_anomaly (out, &a[i]);
  return g_byte_array_free_to_bytes (out);
}

static void
assert_same_model (ShmvizModel *a,
                   ShmvizModel *b)
{
  ShmvizSnapshot sa = { 0 }, sb = { 0 };
  g_autoptr(GArray) la = g_array_new (FALSE, FALSE, sizeof (ShmvizAnomaly));
  g_autoptr(GArray) lb = g_array_new (FALSE, FALSE, sizeof (ShmvizAnomaly));
  g_autoptr(GBytes) ea = NULL, eb = NULL;

  shmviz_model_snapshot (a, &sa);
  shmviz_model_snapshot (b, &sb);

  g_assert_cmpuint (sa.totals.events, ==, sb.totals.events);
  g_assert_cmpuint (sa.totals.produced, ==, sb.totals.produced);
  g_assert_cmpuint (sa.totals.consumed, ==, sb.totals.consumed);
  g_assert_cmpuint (sa.totals.lost, ==, sb.totals.lost);
  g_assert_cmpmem (&sa.totals, sizeof sa.totals, &sb.totals, sizeof sb.totals);
  g_assert_cmpuint (sa.n_anomalies, ==, sb.n_anomalies);
  g_assert_cmpint (sa.deadlock, ==, sb.deadlock);
  g_assert_cmpuint (sa.now_ns, ==, sb.now_ns);
  g_assert_cmpuint (sa.start_ns, ==, sb.start_ns);
  g_assert_cmpuint (sa.in, ==, sb.in);
  g_assert_cmpuint (sa.out, ==, sb.out);
  g_assert_cmpuint (sa.count, ==, sb.count);
  g_assert_cmpint (sa.mode, ==, sb.mode);
  g_assert_cmpmem (sa.sem_value, sizeof sa.sem_value, sb.sem_value, sizeof sb.sem_value);
  g_assert_cmpuint (sa.mutex_owner, ==, sb.mutex_owner);
  g_assert_cmpuint (sa.n_slots, ==, sb.n_slots);
  for (guint i = 0; i < sa.n_slots; i++)
    {
      g_assert_cmpuint (sa.slots[i].item, ==, sb.slots[i].item);
      g_assert_cmpuint (sa.slots[i].state, ==, sb.slots[i].state);
      g_assert_cmpuint (sa.slots[i].flash, ==, sb.slots[i].flash);
      g_assert_cmpuint (sa.slots[i].changed_ns, ==, sb.slots[i].changed_ns);
      g_assert_cmpuint (sa.slots[i].flash_ns, ==, sb.slots[i].flash_ns);
    }
  g_assert_cmpuint (sa.n_procs, ==, sb.n_procs);
  for (guint i = 0; i < sa.n_procs; i++)
    {
      g_autoptr(GArray) spa = g_array_new (FALSE, FALSE, sizeof (ShmvizSpan));
      g_autoptr(GArray) spb = g_array_new (FALSE, FALSE, sizeof (ShmvizSpan));

      g_assert_cmpuint (sa.procs[i].state, ==, sb.procs[i].state);
      g_assert_cmpuint (sa.procs[i].wait_sem, ==, sb.procs[i].wait_sem);
      g_assert_cmpuint (sa.procs[i].held, ==, sb.procs[i].held);
      g_assert_cmpuint (sa.procs[i].items_done, ==, sb.procs[i].items_done);
      g_assert_cmpuint (sa.procs[i].last_ns, ==, sb.procs[i].last_ns);
      g_assert_cmpuint (sa.procs[i].last_item, ==, sb.procs[i].last_item);
      g_assert_cmpuint (sa.procs[i].state_since_ns, ==, sb.procs[i].state_since_ns);
      g_assert_cmpint (sa.procs[i].pid, ==, sb.procs[i].pid);

      shmviz_model_get_spans (a, i, 0, spa);
      shmviz_model_get_spans (b, i, 0, spb);
      g_assert_cmpuint (spa->len, ==, spb->len);
      for (guint k = 0; k < spa->len; k++)
        {
          g_assert_cmpuint (g_array_index (spa, ShmvizSpan, k).start_ns, ==,
                            g_array_index (spb, ShmvizSpan, k).start_ns);
          g_assert_cmpuint (g_array_index (spa, ShmvizSpan, k).end_ns, ==,
                            g_array_index (spb, ShmvizSpan, k).end_ns);
          g_assert_cmpuint (g_array_index (spa, ShmvizSpan, k).state, ==,
                            g_array_index (spb, ShmvizSpan, k).state);
        }
    }

  shmviz_model_get_anomalies (a, 0, la);
  shmviz_model_get_anomalies (b, 0, lb);
  ea = encode_anomalies ((const ShmvizAnomaly *) (gpointer) la->data, la->len);
  eb = encode_anomalies ((const ShmvizAnomaly *) (gpointer) lb->data, lb->len);
  g_assert_true (g_bytes_equal (ea, eb));

  shmviz_snapshot_clear (&sa);
  shmviz_snapshot_clear (&sb);
}

/* A model folded from the start of @rec up to @position, independent of
 * the replay source's snapshots and runs. */
static ShmvizModel *
fresh_fold (ShmvizRecording *rec,
            guint64          position)
{
  ShmvizModel *model = shmviz_model_new (&shmviz_recording_get_info (rec)->scenario);
  const ShmvizRecord *records;
  guint n_records;
  guint64 done = 0;

  records = shmviz_recording_get_records (rec, &n_records);
  for (guint r = 0; r < n_records; r++)
    {
      if (records[r].type == SHMVIZ_RECORD_EVENTS)
        {
          guint n = shmviz_record_n_events (&records[r]);
          guint take = (guint) (position > done ? MIN ((guint64) n, position - done) : 0);
          g_autofree ShmvizEvent *evs = g_new (ShmvizEvent, MAX (take, 1));

          shmviz_record_get_events (&records[r], 0, take, evs);
          for (guint i = 0; i < take; i++)
            shmviz_model_fold (model, &evs[i], 1);
          done += n;
        }
      else if (records[r].type == SHMVIZ_RECORD_STALL && done <= position)
        {
          ShmvizByteReader br = { records[r].payload, records[r].length, 0, FALSE };
          guint64 now = shmviz_get_u64 (&br);
          guint64 stall = shmviz_get_u64 (&br);

          shmviz_model_check_stall (model, now, stall);
        }
    }
  return model;
}

/* Live sessions ---------------------------------------------------------------- */

typedef struct {
  GMainLoop *loop;
  gboolean   finished;
  gboolean   deadlock;
} Live;

static void
on_finished (ShmvizSession *session,
             Live          *live)
{
  live->finished = TRUE;
  g_main_loop_quit (live->loop);
}

static void
on_deadlock (ShmvizSession *session,
             Live          *live)
{
  live->deadlock = TRUE;
  shmviz_session_stop (session);
}

static gboolean
on_timeout (gpointer data)
{
  Live *live = data;

  g_main_loop_quit (live->loop);
  return G_SOURCE_REMOVE;
}

/* Runs @sc with a recorder into @path; returns the finished session. */
static ShmvizSession *
record_session (const ShmvizScenario *sc,
                const char           *path,
                guint                 snapshot_interval,
                guint                 seconds)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(ShmvizRecorder) recorder = NULL;
  ShmvizSession *session;
  ShmvizRecorderStats st;
  Live live = { 0 };
  guint timeout;

  live.loop = g_main_loop_new (NULL, FALSE);
  session = shmviz_session_new (sc);
  recorder = shmviz_recorder_new (path, sc, &error);
  g_assert_no_error (error);
  shmviz_recorder_set_snapshot_interval (recorder, snapshot_interval);
  shmviz_recorder_attach (recorder, session);
  shmviz_recorder_annotate (recorder, 0, "start of the test");

  g_signal_connect (session, "finished", G_CALLBACK (on_finished), &live);
  g_signal_connect (session, "deadlock", G_CALLBACK (on_deadlock), &live);
  shmviz_session_start (session, &error);
  g_assert_no_error (error);

  timeout = g_timeout_add_seconds (seconds, on_timeout, &live);
  g_main_loop_run (live.loop);
  if (!live.finished)
    {
      shmviz_session_stop (session);
      g_main_loop_run (live.loop);
    }
  else
    g_source_remove (timeout);
  g_main_loop_unref (live.loop);
  g_assert_true (live.finished);

  shmviz_recorder_close (recorder, &error);
  g_assert_no_error (error);
  shmviz_recorder_get_stats (recorder, &st);
  g_test_message ("recorded %" G_GUINT64_FORMAT " events, %" G_GUINT64_FORMAT " snapshots, %"
                  G_GUINT64_FORMAT " bytes, peak backlog %" G_GUINT64_FORMAT " bytes",
                  st.events, st.snapshots, st.bytes_written, st.peak_backlog);
  g_assert_cmpuint (st.events, >, 0);

  return session;
}

static void
test_live_races (void)
{
  g_autoptr(ShmvizSession) session = NULL;
  g_autoptr(ShmvizReplay) replay = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) left = NULL;
  ShmvizModel *live;
  ShmvizTotals t;
  ShmvizScenario sc;
  const ShmvizAnnotation *notes;
  guint n_notes;

  shmviz_scenario_init_fast (&sc);
  for (guint i = 0; i < SHMVIZ_N_TIMINGS; i++)
    sc.timing_ns[i] = 0;
  sc.n_producers = 2;
  sc.n_consumers = 2;
  sc.n_slots = 4;
  sc.items = 0;
  sc.duration = 1.0;
  sc.sync = SHMVIZ_SYNC_OFF;
  sc.speed_permille = 1000;
  sc.timing_ns[SHMVIZ_TIMING_PRODUCE] = 100 * 1000;
  sc.timing_ns[SHMVIZ_TIMING_CONSUME] = 150 * 1000;
  sc.timing_ns[SHMVIZ_TIMING_RACE_WINDOW] = 100 * 1000;

  session = record_session (&sc, races_path, 2000, 30);
  live = shmviz_session_get_model (session);
  shmviz_model_get_totals (live, &t);
  g_test_message ("live: produced %" G_GUINT64_FORMAT " lost %" G_GUINT64_FORMAT " dup %"
                  G_GUINT64_FORMAT " empty %" G_GUINT64_FORMAT " corrupt %" G_GUINT64_FORMAT,
                  t.produced, t.lost, t.duplicated, t.empty_reads, t.corrupt);
  g_assert_cmpuint (t.lost + t.duplicated + t.empty_reads + t.corrupt, >, 0);

  replay = shmviz_replay_open (races_path, &error);
  g_assert_no_error (error);
  g_assert_true (shmviz_recording_is_complete (shmviz_replay_get_recording (replay), NULL));
  g_assert_cmpuint (shmviz_replay_get_n_events (replay), ==, t.events);
  g_assert_cmpuint (shmviz_replay_get_position (replay), ==, t.events);
  /* Replayed totals, anomaly list and every slot and process: exactly the
   * live ones. */
  assert_same_model (live, shmviz_replay_get_model (replay));

  notes = shmviz_replay_get_annotations (replay, &n_notes);
  g_assert_cmpuint (n_notes, ==, 1);
  g_assert_cmpstr (notes[0].text, ==, "start of the test");

  g_clear_object (&session);
  left = shm_check_leftovers ();
  shm_check_sweep ();
  g_assert_cmpuint (left->len, ==, 0);
}

static void
test_live_deadlock (void)
{
  g_autofree char *path = g_build_filename (scratch_dir, "deadlock.shmviz", NULL);
  g_autoptr(ShmvizSession) session = NULL;
  g_autoptr(ShmvizReplay) replay = NULL;
  g_autoptr(GError) error = NULL;
  ShmvizTotals t;
  ShmvizScenario sc;

  shmviz_scenario_init_fast (&sc);
  for (guint i = 0; i < SHMVIZ_N_TIMINGS; i++)
    sc.timing_ns[i] = 0;
  sc.n_producers = 2;
  sc.n_consumers = 2;
  sc.n_slots = 2;
  sc.items = 0;
  sc.duration = 10;
  sc.sync = SHMVIZ_SYNC_WRONG_ORDER;
  sc.speed_permille = 1000;
  sc.timing_ns[SHMVIZ_TIMING_CONSUME] = 2 * 1000 * 1000;

  session = record_session (&sc, path, 500, 30);
  shmviz_model_get_totals (shmviz_session_get_model (session), &t);
  g_assert_cmpuint (t.deadlocks, ==, 1);

  replay = shmviz_replay_open (path, &error);
  g_assert_no_error (error);
  /* The deadlock came from a stall check, not an event: the STALL record
   * brings it back at the same point. */
  assert_same_model (shmviz_session_get_model (session), shmviz_replay_get_model (replay));

  g_clear_object (&session);
  shm_check_sweep ();
  g_unlink (path);
}

static void
test_seek (void)
{
  g_autoptr(ShmvizReplay) replay = NULL;
  g_autoptr(GError) error = NULL;
  ShmvizRecording *rec;
  guint64 n;
  guint index;

  replay = shmviz_replay_open (races_path, &error);
  g_assert_no_error (error);
  rec = shmviz_replay_get_recording (replay);
  n = shmviz_replay_get_n_events (replay);
  g_assert_cmpuint (n, >, 4000);

  for (guint k = 0; k < 12; k++)
    {
      guint64 target = (guint64) g_test_rand_double_range (0, (gdouble) n);
      g_autoptr(ShmvizModel) fresh = fresh_fold (rec, target);

      shmviz_replay_seek_position (replay, target);
      g_assert_cmpuint (shmviz_replay_get_position (replay), ==, target);
      assert_same_model (shmviz_replay_get_model (replay), fresh);
    }
  /* Backwards moves went through the recording's snapshots. */
  g_assert_cmpuint (shmviz_replay_get_n_restores (replay), >, 0);

  /* By time: the state with everything up to a random instant folded. */
  for (guint k = 0; k < 4; k++)
    {
      guint64 t = shmviz_replay_get_start_ns (replay) +
                  (guint64) g_test_rand_double_range (0, (gdouble) (shmviz_replay_get_end_ns (replay) -
                                                                    shmviz_replay_get_start_ns (replay)));
      g_autofree ShmvizEvent *evs = g_new (ShmvizEvent, n);
      g_autoptr(ShmvizModel) fresh = NULL;
      guint64 expect = n;

      g_assert_cmpuint (shmviz_replay_get_events (replay, 0, (guint) n, evs), ==, n);
      for (guint64 i = 0; i < n; i++)
        if (evs[i].ts_ns > t)
          {
            expect = i;
            break;
          }
      shmviz_replay_seek_time (replay, t);
      g_assert_cmpuint (shmviz_replay_get_position (replay), ==, expect);
      fresh = fresh_fold (rec, expect);
      assert_same_model (shmviz_replay_get_model (replay), fresh);
    }

  /* Stepping. */
  shmviz_replay_seek_position (replay, 0);
  g_assert_false (shmviz_replay_step_back (replay));
  g_assert_true (shmviz_replay_step_forward (replay));
  g_assert_cmpuint (shmviz_replay_get_position (replay), ==, 1);
  shmviz_replay_seek_position (replay, 3001);
  g_assert_true (shmviz_replay_step_back (replay));
  {
    g_autoptr(ShmvizModel) fresh = fresh_fold (rec, 3000);
    assert_same_model (shmviz_replay_get_model (replay), fresh);
  }

  /* Anomaly navigation lands just after the event that revealed each. */
  shmviz_replay_seek_position (replay, 0);
  g_assert_true (shmviz_replay_next_anomaly (replay, &index));
  g_assert_cmpuint (index, ==, 0);
  g_assert_cmpuint (shmviz_model_get_anomalies (shmviz_replay_get_model (replay), 0, NULL), >=, 1);
  g_assert_cmpuint (shmviz_replay_get_position (replay), ==, shmviz_replay_get_anomaly_position (replay, 0));
  shmviz_replay_step_back (replay);
  g_assert_cmpuint (shmviz_model_get_anomalies (shmviz_replay_get_model (replay), 0, NULL), ==, 0);
  shmviz_replay_seek_position (replay, n);
  g_assert_true (shmviz_replay_prev_anomaly (replay, &index));
  g_assert_false (shmviz_replay_prev_anomaly (replay, NULL) && shmviz_replay_get_position (replay) > n);
}

/* Small synthetic recordings ---------------------------------------------------- */

/* Item @seq of a 1 × 1 ring in six events, every third write losing an
 * item and every fourth read the wrong one: anomalies all along. */
static guint
item_events (ShmvizEvent *evs,
             guint        seq,
             guint64     *ts)
{
  guint slot = seq % 2;
  guint n = 0;

  evs[n++] = (ShmvizEvent) { .ts_ns = (*ts)++, .proc = 0, .kind = SHMVIZ_EV_PRODUCE,
                             .item = SHMVIZ_ITEM_ID (0, seq) };
  evs[n++] = (ShmvizEvent) { .ts_ns = (*ts)++, .proc = 0, .kind = SHMVIZ_EV_WRITE_SLOT, .slot = slot,
                             .item = SHMVIZ_ITEM_ID (0, seq),
                             /* Every third write overwrites: a lost item. */
                             .detail = seq % 3 == 0 ? SHMVIZ_SLOT_FULL : SHMVIZ_SLOT_EMPTY,
                             .other = seq % 3 == 0 ? SHMVIZ_ITEM_ID (0, seq - 2) : 0 };
  evs[n++] = (ShmvizEvent) { .ts_ns = (*ts)++, .proc = 0, .kind = SHMVIZ_EV_ADVANCE, .detail = 0,
                             .other = SHMVIZ_PACK_INDICES (seq % 2, 0, 1) };
  evs[n++] = (ShmvizEvent) { .ts_ns = (*ts)++, .proc = 1, .kind = SHMVIZ_EV_WAIT,
                             .detail = SHMVIZ_SEM_FULL };
  evs[n++] = (ShmvizEvent) { .ts_ns = (*ts)++, .proc = 1, .kind = SHMVIZ_EV_READ_SLOT, .slot = slot,
                             .item = SHMVIZ_ITEM_ID (0, seq % 4 == 0 ? seq - 1 : seq),
                             .detail = SHMVIZ_SLOT_FULL };
  evs[n++] = (ShmvizEvent) { .ts_ns = (*ts)++, .proc = 1, .kind = SHMVIZ_EV_BLOCKED,
                             .detail = SHMVIZ_SEM_FULL };
  return n;
}

/* Both sides blocked with nothing to do, and the deadlock check that finds
 * it, recorded as a STALL. */
static void
add_deadlock (ShmvizRecorder *recorder,
              ShmvizModel    *model,
              guint64        *ts)
{
  ShmvizEvent tail[] = {
    { .ts_ns = *ts, .proc = 0, .kind = SHMVIZ_EV_ACQUIRED, .detail = SHMVIZ_SEM_EMPTY },
    { .ts_ns = *ts + 1, .proc = 0, .kind = SHMVIZ_EV_ACQUIRED, .detail = SHMVIZ_SEM_EMPTY },
    { .ts_ns = *ts + 2, .proc = 0, .kind = SHMVIZ_EV_BLOCKED, .detail = SHMVIZ_SEM_EMPTY },
    { .ts_ns = *ts + 3, .proc = 1, .kind = SHMVIZ_EV_BLOCKED, .detail = SHMVIZ_SEM_FULL },
  };

  *ts += 4;
  shmviz_recorder_add_events (recorder, tail, G_N_ELEMENTS (tail));
  shmviz_model_fold (model, tail, G_N_ELEMENTS (tail));
  g_assert_cmpuint (shmviz_model_check_stall (model, *ts + 1, 0), ==, 1);
  shmviz_recorder_add_stall (recorder, *ts + 1, 0);
}

/* ~60 events of a 1 × 1 ring, with annotations, snapshots and a stall, in
 * small records so that there are many record boundaries. */
static GBytes *
make_small_recording (void)
{
  g_autoptr(GMemoryOutputStream) mem = NULL;
  g_autoptr(ShmvizRecorder) recorder = NULL;
  g_autoptr(ShmvizModel) model = NULL;
  g_autoptr(GError) error = NULL;
  ShmvizScenario sc;
  ShmvizEvent evs[64];
  guint n = 0;
  guint64 ts = 1000;

  shmviz_scenario_init_fast (&sc);
  sc.n_producers = 1;
  sc.n_consumers = 1;
  sc.n_slots = 2;

  memset (evs, 0, sizeof evs);
  for (guint seq = 1; n + 6 <= G_N_ELEMENTS (evs); seq++)
    n += item_events (&evs[n], seq, &ts);

  mem = G_MEMORY_OUTPUT_STREAM (g_memory_output_stream_new_resizable ());
  recorder = shmviz_recorder_new_for_stream (G_OUTPUT_STREAM (mem), &sc, &error);
  g_assert_no_error (error);
  model = shmviz_model_new (&sc);
  shmviz_recorder_set_model (recorder, model);
  shmviz_recorder_set_snapshot_interval (recorder, 12);
  for (guint i = 0; i < n; i += 5)
    {
      guint k = MIN (5, n - i);

      if (i == 30)
        shmviz_recorder_annotate (recorder, evs[i].ts_ns, "halfway – ½");
      shmviz_recorder_add_events (recorder, &evs[i], k);
      shmviz_model_fold (model, &evs[i], k);
    }
  /* Then both block with nothing to do: a deadlock check finds it. */
  add_deadlock (recorder, model, &ts);
  shmviz_recorder_close (recorder, &error);
  g_assert_no_error (error);

  return g_memory_output_stream_steal_as_bytes (mem);
}

static void
exercise (ShmvizRecording *rec)
{
  g_autoptr(ShmvizReplay) replay = NULL;
  g_autoptr(GError) error = NULL;
  guint64 n;

  replay = shmviz_replay_new (rec, &error);
  g_assert_no_error (error);
  n = shmviz_replay_get_n_events (replay);
  shmviz_replay_seek_position (replay, 0);
  shmviz_replay_seek_position (replay, n / 2);
  shmviz_replay_seek_position (replay, n / 3);
  shmviz_replay_step_back (replay);
  shmviz_replay_next_anomaly (replay, NULL);
  shmviz_replay_prev_anomaly (replay, NULL);
  shmviz_replay_seek_time (replay, shmviz_replay_get_end_ns (replay) / 2 + shmviz_replay_get_start_ns (replay) / 2);
  shmviz_replay_seek_position (replay, n);
}

static void
test_prefixes (void)
{
  g_autoptr(GBytes) full = make_small_recording ();
  g_autoptr(ShmvizRecording) whole = NULL;
  g_autoptr(GError) error = NULL;
  const guint8 *data;
  const ShmvizRecord *records;
  guint n_records;
  gsize size;
  gsize header_end;

  data = g_bytes_get_data (full, &size);
  whole = shmviz_recording_new_from_bytes (full, &error);
  g_assert_no_error (error);
  g_assert_true (shmviz_recording_is_complete (whole, NULL));
  g_assert_cmpuint (shmviz_recording_get_valid_size (whole), ==, size);
  records = shmviz_recording_get_records (whole, &n_records);
  g_assert_cmpuint (n_records, >, 10);
  header_end = (gsize) records[0].offset;
  g_test_message ("small recording: %" G_GSIZE_FORMAT " bytes, %u records", size, n_records);

  for (gsize len = 0; len <= size; len++)
    {
      g_autoptr(GBytes) prefix = g_bytes_new_static (data, len);
      g_autoptr(ShmvizRecording) rec = NULL;
      g_autoptr(GError) local_error = NULL;
      guint64 expect_events = 0;
      guint expect_records = 0;

      rec = shmviz_recording_new_from_bytes (prefix, &local_error);
      if (len < header_end)
        {
          g_assert_null (rec);
          g_assert_true (local_error->domain == SHMVIZ_RECORDING_ERROR);
          g_assert_true (local_error->code == (len < 8 ? SHMVIZ_RECORDING_ERROR_NOT_RECORDING
                                                       : SHMVIZ_RECORDING_ERROR_TRUNCATED));
          continue;
        }
      g_assert_no_error (local_error);

      /* Exactly the records that end within the prefix. */
      for (guint r = 0; r < n_records; r++)
        if ((gsize) records[r].offset + SHMVIZ_RECORD_FRAME_SIZE + records[r].length +
            SHMVIZ_RECORD_TRAILER_SIZE <= len)
          {
            expect_records++;
            expect_events += shmviz_record_n_events (&records[r]);
          }
      {
        guint got;
        shmviz_recording_get_records (rec, &got);
        g_assert_cmpuint (got, ==, expect_records);
      }
      g_assert_cmpuint (shmviz_recording_get_n_events (rec), ==, expect_events);
      g_assert_true (shmviz_recording_is_complete (rec, NULL) == (len == size));
      exercise (rec);
    }
}

static void
test_byte_flips (void)
{
  g_autoptr(GBytes) full = make_small_recording ();
  const guint8 *data;
  gsize size;
  guint loaded = 0, refused = 0, loaded_fixed = 0;

  data = g_bytes_get_data (full, &size);

  for (gsize at = 0; at < size; at++)
    {
      for (guint pass = 0; pass < 2; pass++)
        {
          g_autofree guint8 *copy = g_memdup2 (data, size);
          g_autoptr(GBytes) bytes = NULL;
          g_autoptr(ShmvizRecording) rec = NULL;
          g_autoptr(GError) error = NULL;

          copy[at] ^= 0xFF;
          /* Pass 1 repairs the checksum of the record holding the byte,
           * so that the flip reaches the parsers behind the CRC. */
          if (pass == 1)
            {
              gsize pos = SHMVIZ_RECORDING_PREFIX_SIZE;

              while (pos + 12 <= size)
                {
                  guint32 len;

                  memcpy (&len, copy + pos + 4, 4);
                  len = GUINT32_FROM_LE (len);
                  if (len > size - pos - 12)
                    break;
                  if (at >= pos + 8 && at < pos + 8 + len)
                    {
                      guint32 crc = GUINT32_TO_LE (shmviz_crc32 (copy + pos + 8, len));
                      memcpy (copy + pos + 8 + len, &crc, 4);
                      break;
                    }
                  pos += 12 + len;
                }
            }

          bytes = g_bytes_new_take (g_steal_pointer (&copy), size);
          rec = shmviz_recording_new_from_bytes (bytes, &error);
          if (rec == NULL)
            {
              g_assert_nonnull (error);
              g_assert_nonnull (strstr (error->message, "byte"));
              refused++;
              continue;
            }
          if (pass == 0)
            loaded++;
          else
            loaded_fixed++;
          exercise (rec);
        }
    }
  g_test_message ("%" G_GSIZE_FORMAT " bytes flipped: %u loaded, %u loaded after CRC repair, %u refused",
                  size, loaded, loaded_fixed, refused);
  g_assert_cmpuint (refused, >, 0);
  g_assert_cmpuint (loaded_fixed, >, 0);
}

static void
expect_error (const guint8 *data,
              gsize         size,
              gint          code,
              const char   *needle)
{
  g_autoptr(GBytes) bytes = g_bytes_new (data, size);
  g_autoptr(GError) error = NULL;
  g_autoptr(ShmvizRecording) rec = shmviz_recording_new_from_bytes (bytes, &error);

  g_assert_null (rec);
  g_assert_error (error, SHMVIZ_RECORDING_ERROR, code);
  g_test_message ("%s", error->message);
  g_assert_nonnull (strstr (error->message, needle));
}

static void
fix_crc (guint8 *data,
         gsize   pos)
{
  guint32 len, crc;

  memcpy (&len, data + pos + 4, 4);
  len = GUINT32_FROM_LE (len);
  crc = GUINT32_TO_LE (shmviz_crc32 (data + pos + 8, len));
  memcpy (data + pos + 8 + len, &crc, 4);
}

static void
test_bad_files (void)
{
  g_autoptr(GBytes) full = make_small_recording ();
  g_autoptr(ShmvizRecording) whole = NULL;
  const ShmvizRecord *records;
  const guint8 *data;
  gsize size;
  guint n_records;
  static const guint8 png[] = { 0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n', 0, 0, 0, 13,
                                'I', 'H', 'D', 'R', 0, 0, 0, 1, 0, 0, 0, 1, 8, 2, 0, 0, 0 };

  data = g_bytes_get_data (full, &size);
  whole = shmviz_recording_new_from_bytes (full, NULL);
  records = shmviz_recording_get_records (whole, &n_records);

  expect_error (png, sizeof png, SHMVIZ_RECORDING_ERROR_NOT_RECORDING, "PNG");
  expect_error ((const guint8 *) "hello, world, not a recording", 29,
                SHMVIZ_RECORDING_ERROR_NOT_RECORDING, "byte 0");
  expect_error ((const guint8 *) "", 0, SHMVIZ_RECORDING_ERROR_NOT_RECORDING, "byte 0");

  {
    g_autofree guint8 *copy = g_memdup2 (data, size);

    copy[8] = 2;
    expect_error (copy, size, SHMVIZ_RECORDING_ERROR_VERSION, "byte 8");
  }
  {
    /* A record that claims 4 GiB. */
    g_autofree guint8 *copy = g_memdup2 (data, size);
    guint32 huge = GUINT32_TO_LE (0xFFFFFFF0u);

    memcpy (copy + records[0].offset + 4, &huge, 4);
    expect_error (copy, size, SHMVIZ_RECORDING_ERROR_CORRUPT, "claims");
  }
  {
    /* An EVENTS record whose count says a billion, checksum repaired. */
    g_autofree guint8 *copy = g_memdup2 (data, size);
    guint32 count = GUINT32_TO_LE (1000000000u);
    gsize pos = 0;

    for (guint r = 0; r < n_records; r++)
      if (records[r].type == SHMVIZ_RECORD_EVENTS)
        {
          pos = (gsize) records[r].offset;
          break;
        }
    memcpy (copy + pos + 8, &count, 4);
    fix_crc (copy, pos);
    expect_error (copy, size, SHMVIZ_RECORDING_ERROR_CORRUPT, "EVENTS record at byte");
  }
  {
    /* A flipped payload byte without a repaired checksum. */
    g_autofree guint8 *copy = g_memdup2 (data, size);

    copy[records[2].offset + 10] ^= 0x01;
    expect_error (copy, size, SHMVIZ_RECORDING_ERROR_CORRUPT, "checksum");
  }
  {
    /* A HEADER whose scenario is out of range. */
    g_autofree guint8 *copy = g_memdup2 (data, size);
    guint32 slots = GUINT32_TO_LE (1u << 30);

    memcpy (copy + SHMVIZ_RECORDING_PREFIX_SIZE + 8 + 8, &slots, 4);
    fix_crc (copy, SHMVIZ_RECORDING_PREFIX_SIZE);
    expect_error (copy, size, SHMVIZ_RECORDING_ERROR_CORRUPT, "HEADER record at byte 16");
  }
  {
    g_autoptr(GError) error = NULL;
    g_autoptr(ShmvizRecording) rec = shmviz_recording_open ("/nonexistent/x.shmviz", &error);

    g_assert_null (rec);
    g_assert_error (error, SHMVIZ_RECORDING_ERROR, SHMVIZ_RECORDING_ERROR_IO);
  }
}

/* CRC-32 as the format defines it, one bit at a time: the reference the
 * fast ways (tables, carry-less multiplication) must agree with, or files
 * written here would not open elsewhere. */
static guint32
crc32_bitwise (const guint8 *data,
               gsize         len)
{
  guint32 c = 0xFFFFFFFFu;

  for (gsize i = 0; i < len; i++)
    {
      c ^= data[i];
      for (guint k = 0; k < 8; k++)
        c = (c & 1) ? 0xEDB88320u ^ (c >> 1) : c >> 1;
    }
  return c ^ 0xFFFFFFFFu;
}

static void
test_crc (void)
{
  g_autofree guint8 *buf = g_malloc (70000);

  g_assert_cmphex (shmviz_crc32 ((const guint8 *) "123456789", 9), ==, 0xCBF43926u);
  for (gsize i = 0; i < 70000; i++)
    buf[i] = (guint8) g_test_rand_int ();
  /* Every length around the fast path's 64- and 16-byte steps, at every
   * alignment. */
  for (guint off = 0; off < 16; off++)
    for (gsize len = 0; len < 300; len++)
      g_assert_cmphex (shmviz_crc32 (buf + off, len), ==, crc32_bitwise (buf + off, len));
  for (gsize len = 65536 - 5; len < 65536 + 80; len += 3)
    g_assert_cmphex (shmviz_crc32 (buf + 3, len), ==, crc32_bitwise (buf + 3, len));
}

/* Long recordings, checked lazily ------------------------------------------------- */

#define LONG_ITEMS 4000

/* 24,000 events of item_events() in records of 30, a snapshot every 1,000
 * events and a few stall checks: many snapshot intervals, each with its
 * anomalies, so that opening leaves most of them to be learnt later. */
static void
write_long_recording (const char *path)
{
  g_autoptr(ShmvizRecorder) recorder = NULL;
  g_autoptr(ShmvizModel) model = NULL;
  g_autoptr(GError) error = NULL;
  ShmvizEvent evs[30];
  ShmvizScenario sc;
  guint64 ts = 1000;

  shmviz_scenario_init_fast (&sc);
  sc.n_producers = 1;
  sc.n_consumers = 1;
  sc.n_slots = 2;

  recorder = shmviz_recorder_new (path, &sc, &error);
  g_assert_no_error (error);
  model = shmviz_model_new (&sc);
  shmviz_recorder_set_model (recorder, model);
  shmviz_recorder_set_snapshot_interval (recorder, 1000);
  for (guint seq = 1; seq <= LONG_ITEMS; seq += 5)
    {
      guint n = 0;

      for (guint k = 0; k < 5; k++)
        n += item_events (&evs[n], seq + k, &ts);
      shmviz_recorder_add_events (recorder, evs, n);
      shmviz_model_fold (model, evs, n);
      if (seq % 1500 == 1)
        {
          /* A check that finds nothing still has to be replayed. */
          shmviz_model_check_stall (model, ts, 0);
          shmviz_recorder_add_stall (recorder, ts, 0);
        }
    }
  add_deadlock (recorder, model, &ts);
  shmviz_recorder_close (recorder, &error);
  g_assert_no_error (error);
}

/* Where each anomaly of @rec appears, found the slow way: every event and
 * stall check from the start, one at a time.  Returns the model at the
 * end. */
static ShmvizModel *
reference_positions (ShmvizRecording *rec,
                     GArray          *positions)
{
  ShmvizModel *model = shmviz_model_new (&shmviz_recording_get_info (rec)->scenario);
  const ShmvizRecord *records;
  guint n_records;
  guint64 position = 0;

  records = shmviz_recording_get_records (rec, &n_records);
  for (guint r = 0; r < n_records; r++)
    {
      if (records[r].type == SHMVIZ_RECORD_EVENTS)
        {
          guint n = shmviz_record_n_events (&records[r]);
          g_autofree ShmvizEvent *evs = g_new (ShmvizEvent, n);

          shmviz_record_get_events (&records[r], 0, n, evs);
          for (guint i = 0; i < n; i++)
            {
              shmviz_model_fold (model, &evs[i], 1);
              position++;
              while (positions->len < shmviz_model_get_anomalies (model, G_MAXUINT, NULL))
                g_array_append_val (positions, position);
            }
        }
      else if (records[r].type == SHMVIZ_RECORD_STALL)
        {
          ShmvizByteReader br = { records[r].payload, records[r].length, 0, FALSE };
          guint64 now = shmviz_get_u64 (&br);
          guint64 stall = shmviz_get_u64 (&br);

          shmviz_model_check_stall (model, now, stall);
          while (positions->len < shmviz_model_get_anomalies (model, G_MAXUINT, NULL))
            g_array_append_val (positions, position);
        }
    }
  return model;
}

/* Opening reads only the end; what it leaves to later must come out as a
 * full fold from the start says. */
static void
test_lazy_replay (void)
{
  g_autofree char *path = g_build_filename (scratch_dir, "long.shmviz", NULL);
  g_autoptr(ShmvizRecording) rec = NULL;
  g_autoptr(ShmvizReplay) replay = NULL;
  g_autoptr(ShmvizModel) reference = NULL;
  g_autoptr(GArray) positions = g_array_new (FALSE, FALSE, sizeof (guint64));
  g_autoptr(GArray) ref_anomalies = g_array_new (FALSE, FALSE, sizeof (ShmvizAnomaly));
  g_autoptr(GBytes) ea = NULL, eb = NULL;
  g_autoptr(GError) error = NULL;
  const ShmvizAnomaly *all;
  ShmvizSnapshot snap = { 0 };
  guint n_all, index, visited = 0;
  guint64 n;

  write_long_recording (path);
  rec = shmviz_recording_open (path, &error);
  g_assert_no_error (error);
  replay = shmviz_replay_new (rec, &error);
  g_assert_no_error (error);
  n = shmviz_replay_get_n_events (replay);
  g_assert_cmpuint (n, ==, LONG_ITEMS * 6 + 4);

  /* The end, the anomaly list and the time span, from snapshots and the
   * last interval only. */
  reference = reference_positions (rec, positions);
  assert_same_model (shmviz_replay_get_model (replay), reference);
  all = shmviz_replay_get_all_anomalies (replay, &n_all);
  shmviz_model_get_anomalies (reference, 0, ref_anomalies);
  g_assert_cmpuint (n_all, ==, positions->len);
  g_assert_cmpuint (n_all, >, 100);
  ea = encode_anomalies (all, n_all);
  eb = encode_anomalies ((const ShmvizAnomaly *) (gpointer) ref_anomalies->data, ref_anomalies->len);
  g_assert_true (g_bytes_equal (ea, eb));
  shmviz_model_snapshot (reference, &snap);
  g_assert_cmpuint (shmviz_replay_get_start_ns (replay), ==, snap.start_ns);
  g_assert_cmpuint (shmviz_replay_get_end_ns (replay), ==, snap.now_ns);
  shmviz_snapshot_clear (&snap);

  /* Positions learnt out of order, an interval at a time. */
  for (guint i = n_all; i > 0; i -= MIN (i, 7))
    g_assert_cmpuint (shmviz_replay_get_anomaly_position (replay, i - 1), ==,
                      g_array_index (positions, guint64, i - 1));
  g_assert_null (shmviz_replay_get_error (replay));

  /* Navigation, on a fresh replay that learns as it goes. */
  g_clear_object (&replay);
  replay = shmviz_replay_new (rec, &error);
  g_assert_no_error (error);
  shmviz_replay_seek_position (replay, 0);
  while (shmviz_replay_next_anomaly (replay, &index))
    {
      g_assert_cmpuint (shmviz_replay_get_position (replay), ==, g_array_index (positions, guint64, index));
      /* Several anomalies may appear at one position: land on the first. */
      g_assert_true (index == 0 || g_array_index (positions, guint64, index - 1) < g_array_index (positions, guint64, index));
      visited++;
    }
  g_assert_cmpuint (visited, >, 50);
  g_assert_true (shmviz_replay_prev_anomaly (replay, &index));
  g_assert_cmpuint (shmviz_replay_get_position (replay), ==, g_array_index (positions, guint64, index));

  /* By time, on a fresh replay again: the snapshots' times guide it. */
  for (guint k = 0; k < 6; k++)
    {
      g_autoptr(ShmvizReplay) fresh = shmviz_replay_new (rec, &error);
      guint64 start = shmviz_replay_get_start_ns (fresh);
      guint64 t = start + (guint64) g_test_rand_double_range (0, (gdouble) (shmviz_replay_get_end_ns (fresh) - start));
      g_autofree ShmvizEvent *evs = g_new (ShmvizEvent, n);
      g_autoptr(ShmvizModel) expect_model = NULL;
      guint64 expect = n;

      g_assert_no_error (error);
      g_assert_cmpuint (shmviz_replay_get_events (replay, 0, (guint) n, evs), ==, n);
      for (guint64 i = 0; i < n; i++)
        if (evs[i].ts_ns > t)
          {
            expect = i;
            break;
          }
      shmviz_replay_seek_time (fresh, t);
      g_assert_cmpuint (shmviz_replay_get_position (fresh), ==, expect);
      expect_model = fresh_fold (rec, expect);
      assert_same_model (shmviz_replay_get_model (fresh), expect_model);
    }
  g_assert_null (shmviz_replay_get_error (replay));

  g_clear_pointer (&reference, shmviz_model_unref);
  g_clear_object (&replay);
  g_clear_pointer (&rec, shmviz_recording_unref);
  g_unlink (path);
}

/* One flipped byte in the middle of a long recording: the window's way of
 * opening succeeds, everything before the damage and after the next
 * snapshot still shows, and the damaged record gives an error that names
 * it; the checking way refuses the file outright. */
static void
test_lazy_damage (void)
{
  g_autofree char *path = g_build_filename (scratch_dir, "damaged.shmviz", NULL);
  g_autofree char *contents = NULL;
  g_autofree char *where = NULL;
  g_autoptr(ShmvizRecording) rec = NULL;
  g_autoptr(ShmvizReplay) replay = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(GBytes) bytes = NULL;
  const ShmvizRecord *records;
  ShmvizEvent evs[20];
  guint n_records, bad = 0;
  guint64 first = 0, n;
  gsize size;
  goffset offset;

  write_long_recording (path);
  g_assert_true (g_file_get_contents (path, &contents, &size, NULL));
  bytes = g_bytes_new (contents, size);
  rec = shmviz_recording_new_from_bytes (bytes, &error);
  g_assert_no_error (error);
  n = shmviz_recording_get_n_events (rec);
  /* The EVENTS record holding the middle event. */
  records = shmviz_recording_get_records (rec, &n_records);
  for (guint r = 0; r < n_records; r++)
    if (records[r].type == SHMVIZ_RECORD_EVENTS)
      {
        if (first + shmviz_record_n_events (&records[r]) > n / 2)
          {
            bad = r;
            break;
          }
        first += shmviz_record_n_events (&records[r]);
      }
  offset = records[bad].offset;
  g_clear_pointer (&rec, shmviz_recording_unref);
  g_clear_pointer (&bytes, g_bytes_unref);
  /* A byte of an event's time, well inside the payload. */
  contents[offset + SHMVIZ_RECORD_FRAME_SIZE + 4 + 5 * SHMVIZ_RECORD_EVENT_SIZE + 2] ^= 0x40;
  g_assert_true (g_file_set_contents (path, contents, size, NULL));
  where = g_strdup_printf ("record at byte %" G_GINT64_FORMAT ":", (gint64) offset);

  /* Checking every byte first: refused, naming the record. */
  replay = shmviz_replay_open (path, &error);
  g_assert_null (replay);
  g_assert_error (error, SHMVIZ_RECORDING_ERROR, SHMVIZ_RECORDING_ERROR_CORRUPT);
  g_test_message ("%s", error->message);
  g_assert_nonnull (strstr (error->message, where));
  g_assert_nonnull (strstr (error->message, "checksum"));
  g_clear_error (&error);
  bytes = g_bytes_new (contents, size);
  rec = shmviz_recording_new_from_bytes (bytes, &error);
  g_assert_null (rec);
  g_assert_error (error, SHMVIZ_RECORDING_ERROR, SHMVIZ_RECORDING_ERROR_CORRUPT);
  g_clear_error (&error);

  /* Opening as the window does: the damage is not read yet. */
  rec = shmviz_recording_open (path, &error);
  g_assert_no_error (error);
  replay = shmviz_replay_new (rec, &error);
  g_assert_no_error (error);
  g_assert_null (shmviz_replay_get_error (replay));
  g_assert_cmpuint (shmviz_replay_get_position (replay), ==, n);

  /* Up to the damaged record, everything is there. */
  shmviz_replay_seek_position (replay, first - 10);
  g_assert_cmpuint (shmviz_replay_get_position (replay), ==, first - 10);
  g_assert_null (shmviz_replay_get_error (replay));
  {
    g_autoptr(ShmvizModel) expect = fresh_fold (rec, first - 10);

    assert_same_model (shmviz_replay_get_model (replay), expect);
  }

  /* Its events are never handed out; the error names the record. */
  g_assert_cmpuint (shmviz_replay_get_events (replay, first - 10, G_N_ELEMENTS (evs), evs), ==, 10);
  g_assert_nonnull (shmviz_replay_get_error (replay));
  g_assert_error ((GError *) shmviz_replay_get_error (replay), SHMVIZ_RECORDING_ERROR,
                  SHMVIZ_RECORDING_ERROR_CORRUPT);
  g_test_message ("%s", shmviz_replay_get_error (replay)->message);
  g_assert_nonnull (strstr (shmviz_replay_get_error (replay)->message, where));
  g_assert_false (shmviz_recording_check_record (rec, bad, NULL));

  /* A move across it stops before it, in a state that happened. */
  g_clear_object (&replay);
  replay = shmviz_replay_new (rec, &error);
  g_assert_no_error (error);
  shmviz_replay_seek_position (replay, first + 1);
  g_assert_cmpuint (shmviz_replay_get_position (replay), ==, first);
  g_assert_nonnull (shmviz_replay_get_error (replay));
  {
    g_autoptr(ShmvizModel) expect = fresh_fold (rec, first);

    assert_same_model (shmviz_replay_get_model (replay), expect);
  }

  /* Past the next snapshot, nothing was lost. */
  shmviz_replay_seek_position (replay, n);
  g_assert_cmpuint (shmviz_replay_get_position (replay), ==, n);
  shmviz_replay_seek_position (replay, n - 100);
  g_assert_cmpuint (shmviz_replay_get_position (replay), ==, n - 100);

  /* Anomaly positions behind the damage cannot be learnt: no jump lands
   * on a guess. */
  shmviz_replay_seek_position (replay, 0);
  while (shmviz_replay_next_anomaly (replay, NULL))
    g_assert_cmpuint (shmviz_replay_get_position (replay), <=, first);

  g_clear_object (&replay);
  g_clear_pointer (&rec, shmviz_recording_unref);
  g_unlink (path);
}

/* The recorder's own rate, without a session: events/s it copies in and
 * writes out.  Prints figures, asserts none. */
static void
test_recorder_rate (void)
{
  g_autofree char *path = g_build_filename (scratch_dir, "rate.shmviz", NULL);
  g_autoptr(ShmvizRecorder) recorder = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree ShmvizEvent *evs = g_new0 (ShmvizEvent, 4096);
  ShmvizRecorderStats st;
  ShmvizScenario sc;
  const guint64 total = 8u * 1000 * 1000;
  gint64 t0, t_add, t_close;

  shmviz_scenario_init_fast (&sc);
  for (guint i = 0; i < 4096; i++)
    {
      evs[i].ts_ns = i;
      evs[i].kind = SHMVIZ_EV_PRODUCE;
      evs[i].proc = i % 4;
    }

  recorder = shmviz_recorder_new (path, &sc, &error);
  g_assert_no_error (error);
  t0 = g_get_monotonic_time ();
  for (guint64 done = 0; done < total; done += 4096)
    shmviz_recorder_add_events (recorder, evs, 4096);
  t_add = g_get_monotonic_time ();
  shmviz_recorder_close (recorder, &error);
  g_assert_no_error (error);
  t_close = g_get_monotonic_time ();
  shmviz_recorder_get_stats (recorder, &st);

  g_test_message ("recorder: %" G_GUINT64_FORMAT " events; session-side cost %.1f ns/event "
                  "(%.1f M events/s); written at %.1f M events/s (%.0f MB/s) incl. CRC and I/O; "
                  "%" G_GUINT64_FORMAT " bytes, peak backlog %.1f MB",
                  st.events, (t_add - t0) * 1000.0 / total, total / ((t_add - t0) / 1e6) / 1e6,
                  total / ((t_close - t0) / 1e6) / 1e6,
                  st.bytes_written / ((t_close - t0) / 1e6) / 1e6, st.bytes_written,
                  st.peak_backlog / 1e6);
  g_unlink (path);
}

int
main (int    argc,
      char **argv)
{
  int status;

  g_test_init (&argc, &argv, NULL);

  scratch_dir = g_dir_make_tmp ("shmviz-test-recording-XXXXXX", NULL);
  g_assert_nonnull (scratch_dir);
  races_path = g_build_filename (scratch_dir, "races.shmviz", NULL);

  g_test_add_func ("/recording/live/races-replay-exactly", test_live_races);
  g_test_add_func ("/recording/live/deadlock-replays", test_live_deadlock);
  g_test_add_func ("/recording/replay/seek", test_seek);
  g_test_add_func ("/recording/reader/every-prefix", test_prefixes);
  g_test_add_func ("/recording/reader/byte-flips", test_byte_flips);
  g_test_add_func ("/recording/reader/bad-files", test_bad_files);
  g_test_add_func ("/recording/reader/crc", test_crc);
  g_test_add_func ("/recording/lazy/replay", test_lazy_replay);
  g_test_add_func ("/recording/lazy/damage", test_lazy_damage);
  g_test_add_func ("/recording/recorder/rate", test_recorder_rate);

  status = g_test_run ();

  g_unlink (races_path);
  g_rmdir (scratch_dir);
  g_free (races_path);
  g_free (scratch_dir);
  return status;
}
