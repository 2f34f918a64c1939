/* test-engine.c — real worker processes over a real shared region
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <signal.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/wait.h>

#include "ledger.h"
#include "region.h"
#include "session-private.h"
#include "session.h"
#include "session-test.h"
#include "shm-check.h"

typedef struct {
  GMainLoop     *loop;
  ShmvizSession *session;
  gboolean       finished;
  gboolean       deadlock;
  gint64         started_us;
  gint64         deadlock_us;
  guint          died;
  gint           died_status;
  gboolean       died_signaled;
  /* Independent record of the stream, kept by a sink. */
  GMutex         lock;
  GHashTable    *produced;      /* item id → TRUE */
  GHashTable    *reads;         /* item id → number of non-empty reads */
  guint64        events;
  guint64        last_ts;
  gboolean       out_of_order;
  /* Stamps against the clock they claim to be: an event merged at time T
   * happened before T, and a worker's START after its SPAWNED. */
  guint64        max_future_ns;
  guint64        spawned_ts[SHMVIZ_MAX_PROCS];
  guint          starts;
  gboolean       start_before_spawn;
  int            niceness;      /* for the workers, set before start() */
  gboolean       idle;          /* likewise */
} Fixture;

static void
fixture_setup (Fixture       *f,
               gconstpointer  data)
{
  f->loop = g_main_loop_new (NULL, FALSE);
  g_mutex_init (&f->lock);
  f->produced = g_hash_table_new (NULL, NULL);
  f->reads = g_hash_table_new (NULL, NULL);
}

static void
fixture_teardown (Fixture       *f,
                  gconstpointer  data)
{
  g_autoptr(GPtrArray) left = NULL;

  if (f->session)
    g_signal_handlers_disconnect_by_data (f->session, f);
  g_clear_object (&f->session);
  g_main_loop_unref (f->loop);
  g_hash_table_unref (f->produced);
  g_hash_table_unref (f->reads);
  g_mutex_clear (&f->lock);

  left = shm_check_leftovers ();
  shm_check_sweep ();
  g_assert_cmpuint (left->len, ==, 0);
}

static void
on_finished (ShmvizSession *session,
             Fixture       *f)
{
  f->finished = TRUE;
  g_main_loop_quit (f->loop);
}

static void
on_deadlock (ShmvizSession *session,
             Fixture       *f)
{
  f->deadlock = TRUE;
  f->deadlock_us = g_get_monotonic_time ();
  g_main_loop_quit (f->loop);
}

static void
on_died (ShmvizSession *session,
         guint          proc,
         gint           status,
         gboolean       signaled,
         Fixture       *f)
{
  f->died++;
  f->died_status = status;
  f->died_signaled = signaled;
}

/* Item ids fit a pointer on the 64-bit machines this runs on. */
G_STATIC_ASSERT (sizeof (gpointer) >= sizeof (guint64));
#define ITEM_KEY(item) ((gpointer) (gsize) (item))

static void
bump (GHashTable *table,
      guint64     item)
{
  guint n = GPOINTER_TO_UINT (g_hash_table_lookup (table, ITEM_KEY (item)));

  g_hash_table_insert (table, ITEM_KEY (item), GUINT_TO_POINTER (n + 1));
}

static void
sink (const ShmvizEvent *events,
      guint              n_events,
      gpointer           data)
{
  Fixture *f = data;
  struct timespec now;
  guint64 now_ns;

  clock_gettime (CLOCK_MONOTONIC, &now);
  now_ns = (guint64) now.tv_sec * G_GUINT64_CONSTANT (1000000000) + (guint64) now.tv_nsec;

  g_mutex_lock (&f->lock);
  for (guint i = 0; i < n_events; i++)
    {
      const ShmvizEvent *ev = &events[i];

      f->events++;
      if (ev->ts_ns < f->last_ts)
        f->out_of_order = TRUE;
      f->last_ts = ev->ts_ns;
      if (ev->ts_ns > now_ns)
        f->max_future_ns = MAX (f->max_future_ns, ev->ts_ns - now_ns);
      if (ev->proc == SHMVIZ_PROC_SUPERVISOR && ev->kind == SHMVIZ_EV_SPAWNED &&
          ev->slot < SHMVIZ_MAX_PROCS)
        f->spawned_ts[ev->slot] = ev->ts_ns;
      if (ev->kind == SHMVIZ_EV_START && ev->proc < SHMVIZ_MAX_PROCS)
        {
          f->starts++;
          if (f->spawned_ts[ev->proc] == 0 || ev->ts_ns < f->spawned_ts[ev->proc])
            f->start_before_spawn = TRUE;
        }

      if (ev->kind == SHMVIZ_EV_WRITE_SLOT)
        g_hash_table_add (f->produced, ITEM_KEY (ev->item));
      else if (ev->kind == SHMVIZ_EV_READ_SLOT && ev->item != SHMVIZ_ITEM_NONE &&
               (ev->detail & SHMVIZ_EV_STATE_MASK) != SHMVIZ_SLOT_EMPTY)
        bump (f->reads, ev->item);
    }
  g_mutex_unlock (&f->lock);
}

/* Runs the main loop for @ms, or less if the session finishes or
 * deadlocks first. */
static void
run_for (Fixture *f,
         guint    ms)
{
  session_test_run_for (f->loop, ms);
}

/* The fast scenario with no delays at all, whatever the speed. */
static void
init_scenario (ShmvizScenario *sc)
{
  session_test_init_scenario (sc);
}

static void
start (Fixture              *f,
       const ShmvizScenario *sc)
{
  g_autoptr(GError) error = NULL;

  f->session = shmviz_session_new (sc);
  g_signal_connect (f->session, "finished", G_CALLBACK (on_finished), f);
  g_signal_connect (f->session, "deadlock", G_CALLBACK (on_deadlock), f);
  g_signal_connect (f->session, "process-died", G_CALLBACK (on_died), f);
  shmviz_session_add_sink (f->session, sink, f);
  shmviz_session_set_worker_niceness (f->session, f->niceness);
  shmviz_session_set_worker_idle (f->session, f->idle);
  f->started_us = g_get_monotonic_time ();
  shmviz_session_start (f->session, &error);
  g_assert_no_error (error);
}

/* Runs the main loop until the session finishes or @seconds pass. */
static void
run_until_finished (Fixture *f,
                    guint    seconds)
{
  if (!f->finished)
    run_for (f, seconds * 1000);
  g_assert_true (f->finished);
}

static void
stop_and_wait (Fixture *f)
{
  shmviz_session_stop (f->session);
  run_until_finished (f, 10);
}

/* Items physically in FULL slots of the region once everything stopped. */
static GHashTable *
physical_contents (ShmvizSession *session)
{
  ShmvizRegion *region = shmviz_session_get_region (session);
  GHashTable *items = g_hash_table_new (NULL, NULL);

  for (guint i = 0; i < shmviz_region_n_slots (region); i++)
    {
      ShmvizSlotHeader *slot = shmviz_region_slot (region, i);

      if (shmviz_slot_state (slot) == SHMVIZ_SLOT_FULL)
        {
          g_hash_table_add (items, ITEM_KEY (shmviz_slot_item (slot)));
        }
    }
  return items;
}

static void
assert_conservation (const ShmvizTotals *t)
{
  g_assert_cmpuint (t->produced, ==, t->consumed + t->lost + t->in_buffer);
}

static void
test_semaphores_conserve (Fixture       *f,
                          gconstpointer  data)
{
  ShmvizScenario sc;
  ShmvizTotals t;
  g_autoptr(GHashTable) left = NULL;
  guint n_items = GPOINTER_TO_UINT (data);

  init_scenario (&sc);
  sc.n_producers = 4;
  sc.n_consumers = 4;
  sc.n_slots = 8;
  sc.items = n_items;
  sc.sync = SHMVIZ_SYNC_SEMAPHORES;

  start (f, &sc);
  run_until_finished (f, 120);

  shmviz_model_get_totals (shmviz_session_get_model (f->session), &t);
  g_test_message ("produced %" G_GUINT64_FORMAT " consumed %" G_GUINT64_FORMAT " events %" G_GUINT64_FORMAT
                  " dropped %" G_GUINT64_FORMAT, t.produced, t.consumed, t.events, t.dropped_events);
  g_assert_cmpuint (t.dropped_events, ==, 0);
  g_assert_cmpuint (t.produced, ==, n_items);
  g_assert_cmpuint (t.consumed, ==, n_items);
  g_assert_cmpuint (t.in_buffer, ==, 0);
  g_assert_cmpuint (t.lost, ==, 0);
  g_assert_cmpuint (t.duplicated, ==, 0);
  g_assert_cmpuint (t.empty_reads, ==, 0);
  g_assert_cmpuint (t.corrupt, ==, 0);
  g_assert_cmpuint (t.index_drift, ==, 0);
  g_assert_cmpuint (t.deadlocks, ==, 0);
  assert_conservation (&t);

  /* The sink saw the same stream, in order, each event stamped in the
   * past of its delivery (by no more than the conversion's error when
   * stamps were TSC ticks) and every START after its SPAWNED. */
  g_test_message ("clock %s, stamps at most %" G_GUINT64_FORMAT " ns in the future",
                  shmviz_region_default_clock () == SHMVIZ_CLOCK_TSC ? "tsc" : "monotonic",
                  f->max_future_ns);
  g_assert_false (f->out_of_order);
  g_assert_cmpuint (f->max_future_ns, <, 1000);
  g_assert_cmpuint (f->starts, ==, sc.n_producers + sc.n_consumers);
  g_assert_false (f->start_before_spawn);
  g_assert_cmpuint (g_hash_table_size (f->produced), ==, n_items);
  g_assert_cmpuint (g_hash_table_size (f->reads), ==, n_items);
  left = physical_contents (f->session);
  g_assert_cmpuint (g_hash_table_size (left), ==, 0);
}

static void
test_off_races (Fixture       *f,
                gconstpointer  data)
{
  ShmvizScenario sc;
  ShmvizTotals t;
  g_autoptr(GHashTable) left = NULL;
  GHashTableIter iter;
  gpointer key, value;
  guint64 vanished = 0, extra_reads = 0, in_buffer = 0;

  init_scenario (&sc);
  sc.n_producers = 2;
  sc.n_consumers = 2;
  sc.n_slots = 4;
  sc.items = 0;
  sc.duration = 1.5;
  sc.sync = SHMVIZ_SYNC_OFF;
  sc.speed_permille = 1000;
  sc.timing_ns[SHMVIZ_TIMING_PRODUCE] = 300 * 1000;
  sc.timing_ns[SHMVIZ_TIMING_CONSUME] = 450 * 1000;
  sc.timing_ns[SHMVIZ_TIMING_RACE_WINDOW] = 200 * 1000;

  start (f, &sc);
  run_until_finished (f, 30);

  shmviz_model_get_totals (shmviz_session_get_model (f->session), &t);
  g_test_message ("produced %" G_GUINT64_FORMAT " consumed %" G_GUINT64_FORMAT
                  " lost %" G_GUINT64_FORMAT " dup %" G_GUINT64_FORMAT " empty %" G_GUINT64_FORMAT
                  " corrupt %" G_GUINT64_FORMAT " drift %" G_GUINT64_FORMAT,
                  t.produced, t.consumed, t.lost, t.duplicated, t.empty_reads, t.corrupt, t.index_drift);

  g_assert_cmpuint (t.produced, >, 100);
  g_assert_cmpuint (t.lost + t.duplicated + t.empty_reads + t.corrupt, >, 0);
  assert_conservation (&t);

  /* The independent check: from the raw stream and the final memory.  A
   * read that found the slot EMPTY took nothing (it may even glimpse an
   * item being written at that moment), so only the other reads count. */
  g_assert_cmpuint (g_hash_table_size (f->produced), ==, t.produced);
  left = physical_contents (f->session);
  g_hash_table_iter_init (&iter, left);
  while (g_hash_table_iter_next (&iter, &key, NULL))
    if (g_hash_table_contains (f->produced, key) && !g_hash_table_contains (f->reads, key))
      in_buffer++;
  g_assert_cmpuint (t.in_buffer, ==, in_buffer);

  g_hash_table_iter_init (&iter, f->produced);
  while (g_hash_table_iter_next (&iter, &key, NULL))
    if (!g_hash_table_contains (f->reads, key) && !g_hash_table_contains (left, key))
      vanished++;
  g_hash_table_iter_init (&iter, f->reads);
  while (g_hash_table_iter_next (&iter, &key, &value))
    extra_reads += GPOINTER_TO_UINT (value) - 1;

  /* Every item nobody read and that is not in the buffer was lost; the
   * ledger may also count as lost an item that a torn read glimpsed. */
  g_assert_cmpuint (t.lost, >=, vanished);
  g_assert_cmpuint (t.lost - vanished, <=, t.corrupt);
  /* Reads beyond the first are duplicates, except torn glimpses. */
  g_assert_cmpuint (t.duplicated, <=, extra_reads);
  g_assert_cmpuint (extra_reads - t.duplicated, <=, t.corrupt);
}

static void
test_wrong_order_deadlock (Fixture       *f,
                           gconstpointer  data)
{
  ShmvizScenario sc;
  ShmvizTotals t;
  g_autoptr(GArray) anomalies = g_array_new (FALSE, FALSE, sizeof (ShmvizAnomaly));
  const ShmvizAnomaly *a = NULL;

  init_scenario (&sc);
  sc.n_producers = 1;
  sc.n_consumers = 1;
  sc.n_slots = 2;
  sc.items = 0;
  sc.duration = 0;
  sc.sync = SHMVIZ_SYNC_WRONG_ORDER;

  start (f, &sc);
  run_for (f, 5000);
  if (!f->deadlock)
    {
      ShmvizSnapshot snap = { 0 };

      shmviz_model_snapshot (shmviz_session_get_model (f->session), &snap);
      for (guint i = 0; i < snap.n_procs; i++)
        g_test_message ("proc %u: state %s wait %u held %u last %s at %" G_GUINT64_FORMAT " (now %" G_GUINT64_FORMAT ")",
                        i, shmviz_view_state_name (snap.procs[i].state), snap.procs[i].wait_sem,
                        snap.procs[i].held, shmviz_event_kind_name (snap.procs[i].last_kind),
                        snap.procs[i].last_ns, snap.now_ns);
      shmviz_snapshot_clear (&snap);
    }
  g_assert_true (f->deadlock);

  shmviz_model_get_anomalies (shmviz_session_get_model (f->session), 0, anomalies);
  for (guint i = 0; i < anomalies->len; i++)
    if (g_array_index (anomalies, ShmvizAnomaly, i).kind == SHMVIZ_ANOMALY_DEADLOCK)
      a = &g_array_index (anomalies, ShmvizAnomaly, i);
  g_assert_nonnull (a);
  /* Reported within a second of the moment it formed. */
  g_assert_cmpint (f->deadlock_us - f->started_us, <, G_USEC_PER_SEC + 500000);
  /* Who holds the mutex, and both processes waiting. */
  g_assert_cmpuint (a->values[0], !=, SHMVIZ_NO_PROC);
  g_assert_cmpuint (a->n_procs, ==, 2);
  {
    g_autofree char *text = shmviz_anomaly_describe (a, 1);
    g_test_message ("%s", text);
    g_assert_nonnull (strstr (text, "mutex"));
  }

  stop_and_wait (f);
  shmviz_model_get_totals (shmviz_session_get_model (f->session), &t);
  g_assert_cmpuint (t.deadlocks, >=, 1);
  assert_conservation (&t);
}

static void
test_mode_switch_live (Fixture       *f,
                       gconstpointer  data)
{
  ShmvizScenario sc;
  ShmvizTotals before, after;
  g_autoptr(GArray) anomalies = g_array_new (FALSE, FALSE, sizeof (ShmvizAnomaly));
  guint n_before;

  init_scenario (&sc);
  sc.n_producers = 2;
  sc.n_consumers = 2;
  sc.n_slots = 4;
  sc.items = 0;
  sc.sync = SHMVIZ_SYNC_OFF;
  sc.speed_permille = 1000;
  sc.timing_ns[SHMVIZ_TIMING_PRODUCE] = 200 * 1000;
  sc.timing_ns[SHMVIZ_TIMING_CONSUME] = 300 * 1000;
  sc.timing_ns[SHMVIZ_TIMING_RACE_WINDOW] = 200 * 1000;

  start (f, &sc);
  run_for (f, 800);
  shmviz_model_get_totals (shmviz_session_get_model (f->session), &before);
  g_assert_cmpuint (before.lost + before.duplicated + before.empty_reads + before.corrupt, >, 0);

  /* Switch synchronization on while they run. */
  shmviz_session_set_mode (f->session, SHMVIZ_SYNC_SEMAPHORES);
  run_for (f, 300);
  g_assert_cmpuint (shmviz_session_get_mode (f->session), ==, SHMVIZ_SYNC_SEMAPHORES);

  shmviz_model_get_totals (shmviz_session_get_model (f->session), &before);
  n_before = shmviz_model_get_anomalies (shmviz_session_get_model (f->session), 0, anomalies);

  run_for (f, 1000);
  stop_and_wait (f);

  shmviz_model_get_totals (shmviz_session_get_model (f->session), &after);
  g_assert_cmpuint (after.produced, >, before.produced + 100);
  /* No new anomaly once the barrier has rebuilt the state. */
  g_assert_cmpuint (shmviz_model_get_anomalies (shmviz_session_get_model (f->session), n_before, anomalies),
                    ==, n_before);
  assert_conservation (&after);
}

/* Barriers met while a worker sleeps its slow-motion pause between steps
 * must give up its iteration: continuing it on rebuilt state broke mutual
 * exclusion once. */
static void
test_barrier_in_step_pause (Fixture       *f,
                            gconstpointer  data)
{
  ShmvizScenario sc;
  ShmvizTotals t;

  init_scenario (&sc);
  sc.items = 0;
  sc.speed_permille = 1000;
  sc.sync = GPOINTER_TO_UINT (data);
  sc.timing_ns[SHMVIZ_TIMING_STEP] = 2 * 1000 * 1000;

  start (f, &sc);
  for (guint i = 0; i < 6; i++)
    {
      run_for (f, 250);
      shmviz_session_set_mode (f->session, sc.sync);
    }
  run_for (f, 500);
  stop_and_wait (f);

  shmviz_model_get_totals (shmviz_session_get_model (f->session), &t);
  g_assert_cmpuint (t.produced, >, 50);
  /* Mutual exclusion held: the indices always agree.  Without counting
   * semaphores, mutex-only loses items by design; semaphores loses none. */
  g_assert_cmpuint (t.index_drift, ==, 0);
  if (sc.sync == SHMVIZ_SYNC_SEMAPHORES)
    g_assert_cmpuint (t.lost + t.duplicated + t.empty_reads + t.corrupt, ==, 0);
  assert_conservation (&t);
}

static void
test_killed_worker (Fixture       *f,
                    gconstpointer  data)
{
  ShmvizScenario sc;

  init_scenario (&sc);
  sc.n_producers = 2;
  sc.n_consumers = 2;
  sc.items = 0;
  sc.speed_permille = 1000;
  /* Hold the mutex long enough to be killed inside it. */
  sc.timing_ns[SHMVIZ_TIMING_RACE_WINDOW] = 20 * 1000 * 1000;

  start (f, &sc);
  run_for (f, 300);

  {
    g_autoptr(GError) error = NULL;
    shmviz_session_signal_worker (f->session, 0, SIGKILL, &error);
    g_assert_no_error (error);
  }
  run_for (f, 200);
  g_assert_cmpuint (f->died, ==, 1);
  g_assert_true (f->died_signaled);
  g_assert_cmpint (f->died_status, ==, SIGKILL);

  stop_and_wait (f);
  for (guint i = 0; i < 4; i++)
    g_assert_cmpint (shmviz_session_get_worker_pid (f->session, i), ==, 0);
}

/* Kills worker @proc, sees its death, and starts it again. */
static void
kill_and_restart (Fixture *f,
                  guint    proc)
{
  g_autoptr(GError) error = NULL;

  shmviz_session_signal_worker (f->session, proc, SIGKILL, &error);
  g_assert_no_error (error);
  run_for (f, 200);
  g_assert_cmpuint (f->died, ==, 1);
  shmviz_session_restart_worker (f->session, proc, &error);
  g_assert_no_error (error);
  run_for (f, 100);
}

/* The window lowers its workers' priority: every worker, including one
 * started again after it was killed, runs that many levels below us. */
static void
test_worker_niceness (Fixture       *f,
                      gconstpointer  data)
{
  ShmvizScenario sc;
  int ours, want;

  errno = 0;
  ours = getpriority (PRIO_PROCESS, 0);
  g_assert_cmpint (errno, ==, 0);
  if (ours + 5 > 19)
    {
      g_test_skip ("already too nice to see workers go lower");
      return;
    }
  want = ours + 5;

  init_scenario (&sc);
  sc.n_producers = 2;
  sc.n_consumers = 2;
  sc.items = 0;
  sc.speed_permille = 1000;
  f->niceness = 5;
  start (f, &sc);
  run_for (f, 100);

  for (guint i = 0; i < 4; i++)
    {
      GPid pid = shmviz_session_get_worker_pid (f->session, i);

      g_assert_cmpint (pid, >, 0);
      errno = 0;
      g_assert_cmpint (getpriority (PRIO_PROCESS, (id_t) pid), ==, want);
      g_assert_cmpint (errno, ==, 0);
    }

  kill_and_restart (f, 1);
  errno = 0;
  g_assert_cmpint (getpriority (PRIO_PROCESS, (id_t) shmviz_session_get_worker_pid (f->session, 1)), ==, want);
  g_assert_cmpint (errno, ==, 0);

  /* Lower, not another class: that is asked for separately. */
  for (guint i = 0; i < 4; i++)
    g_assert_cmpint (sched_getscheduler (shmviz_session_get_worker_pid (f->session, i)), ==, SCHED_OTHER);

  stop_and_wait (f);
}

/* The window's workers are background work: every worker, including one
 * started again after it was killed, runs in the idle class, and still
 * gets on with the scenario. */
static void
test_worker_idle (Fixture       *f,
                  gconstpointer  data)
{
  ShmvizScenario sc;
  ShmvizTotals totals;

  init_scenario (&sc);
  sc.n_producers = 2;
  sc.n_consumers = 2;
  sc.items = 0;
  sc.speed_permille = 0;
  f->idle = TRUE;
  start (f, &sc);
  run_for (f, 200);

  for (guint i = 0; i < 4; i++)
    {
      GPid pid = shmviz_session_get_worker_pid (f->session, i);

      g_assert_cmpint (pid, >, 0);
      g_assert_cmpint (sched_getscheduler (pid), ==, SCHED_IDLE);
    }

  kill_and_restart (f, 2);
  g_assert_cmpint (sched_getscheduler (shmviz_session_get_worker_pid (f->session, 2)), ==, SCHED_IDLE);

  shmviz_model_get_totals (shmviz_session_get_model (f->session), &totals);
  g_assert_cmpuint (totals.produced, >, 0);
  g_assert_cmpuint (totals.consumed, >, 0);

  stop_and_wait (f);
}

/* Context switches of a task since it started, from /proc: each is a
 * wake-up (or a preemption), whatever it cost. */
static guint64
context_switches (const char *status_path)
{
  g_autofree char *text = NULL;
  g_auto(GStrv) lines = NULL;
  guint64 n = 0;

  if (!g_file_get_contents (status_path, &text, NULL, NULL))
    return 0;
  lines = g_strsplit (text, "\n", -1);
  for (guint i = 0; lines[i]; i++)
    if (g_str_has_prefix (lines[i], "voluntary_ctxt_switches:") ||
        g_str_has_prefix (lines[i], "nonvoluntary_ctxt_switches:"))
      n += g_ascii_strtoull (strchr (lines[i], ':') + 1, NULL, 10);
  return n;
}

static guint64
workers_switches (Fixture *f,
                  guint    n)
{
  guint64 sum = 0;

  for (guint i = 0; i < n; i++)
    {
      g_autofree char *path = g_strdup_printf ("/proc/%d/status",
                                               shmviz_session_get_worker_pid (f->session, i));
      sum += context_switches (path);
    }
  return sum;
}

/* The session's own thread, found by the name it gives itself. */
static guint64
session_thread_switches (void)
{
  g_autoptr(GDir) dir = g_dir_open ("/proc/self/task", 0, NULL);
  const char *tid;

  g_assert_nonnull (dir);
  while ((tid = g_dir_read_name (dir)))
    {
      g_autofree char *comm_path = g_strdup_printf ("/proc/self/task/%s/comm", tid);
      g_autofree char *comm = NULL;

      if (g_file_get_contents (comm_path, &comm, NULL, NULL) &&
          g_str_equal (g_strstrip (comm), "shmviz-session"))
        {
          g_autofree char *status_path = g_strdup_printf ("/proc/self/task/%s/status", tid);
          return context_switches (status_path);
        }
    }
  g_assert_not_reached ();
}

/* A paused session costs no CPU: its workers, most of them blocked on a
 * semaphore whose holder is parked, and the session thread, with nothing
 * to drain, sleep instead of polling (they woke 50 and 250 times a
 * second).  Counted in wake-ups, which a slow machine does not add to. */
static void
test_paused_is_quiet (Fixture       *f,
                      gconstpointer  data)
{
  const guint n_procs = 16;
  ShmvizTotals before, after;
  ShmvizScenario sc;
  guint64 w0, w1, s0, s1;
  gint64 t0, t1;

  init_scenario (&sc);
  sc.n_producers = n_procs / 2;
  sc.n_consumers = n_procs / 2;
  sc.n_slots = 4;
  sc.items = 0;
  sc.speed_permille = 1000;
  start (f, &sc);
  run_for (f, 300);

  shmviz_session_set_paused (f->session, TRUE);
  /* Every worker reaches its step boundary or blocks, and the session
   * thread has seen nothing new for its quiet time. */
  run_for (f, 800);
  w0 = workers_switches (f, n_procs);
  s0 = session_thread_switches ();
  t0 = g_get_monotonic_time ();
  run_for (f, 1000);
  w1 = workers_switches (f, n_procs);
  s1 = session_thread_switches ();
  t1 = g_get_monotonic_time ();

  g_test_message ("paused for %.2f s: workers woke %" G_GUINT64_FORMAT " times, the session thread %"
                  G_GUINT64_FORMAT, (t1 - t0) / 1e6, w1 - w0, s1 - s0);
  /* Polling, they woke 16 × 50 and 250 times a second; now about 4 each
   * and 10. */
  g_assert_cmpfloat ((w1 - w0) / ((t1 - t0) / 1e6), <, n_procs * 12.0);
  g_assert_cmpfloat ((s1 - s0) / ((t1 - t0) / 1e6), <, 60.0);

  /* And it wakes up at once when resumed. */
  shmviz_model_get_totals (shmviz_session_get_model (f->session), &before);
  shmviz_session_set_paused (f->session, FALSE);
  run_for (f, 300);
  shmviz_model_get_totals (shmviz_session_get_model (f->session), &after);
  g_assert_cmpuint (after.consumed, >, before.consumed);

  /* Stopping a paused run: the blocked workers notice within their bound. */
  shmviz_session_set_paused (f->session, TRUE);
  run_for (f, 500);
  stop_and_wait (f);
  g_assert_cmpuint (f->died, ==, 0);
  /* Workers still blocked when the stop came are leaving, not stuck. */
  g_assert_false (f->deadlock);
}

static void
test_corrupt_index (Fixture       *f,
                    gconstpointer  data)
{
  ShmvizScenario sc;
  ShmvizRegionHeader *h;

  init_scenario (&sc);
  sc.n_producers = 1;
  sc.n_consumers = 1;
  sc.items = 0;
  sc.speed_permille = 1000;
  sc.timing_ns[SHMVIZ_TIMING_STEP] = 1000 * 1000;

  start (f, &sc);
  run_for (f, 200);

  /* An evil write: an index far outside the ring. */
  h = shmviz_region_header (shmviz_session_get_region (f->session));
  atomic_store (&h->in, 100000);
  atomic_store (&h->out, 77777);

  run_for (f, 500);

  /* Both workers detached with the corruption status, nobody crashed. */
  g_assert_cmpuint (f->died, >=, 1);
  g_assert_false (f->died_signaled);
  g_assert_cmpint (f->died_status, ==, 4);
  if (!f->finished)
    stop_and_wait (f);
}

static void
test_region_validation (void)
{
  ShmvizScenario sc;
  g_autoptr(GError) error = NULL;
  g_autoptr(ShmvizRegion) region = NULL;
  g_autofree guint8 *copy = NULL;
  gsize size;

  init_scenario (&sc);
  region = shmviz_region_create (&sc, &error);
  g_assert_no_error (error);
  size = shmviz_region_get_size (region);
  copy = g_memdup2 (shmviz_region_header (region), size);
  shmviz_region_unlink (region);

  {
    g_autoptr(ShmvizRegion) ok = shmviz_region_wrap (copy, size, &error);
    g_assert_no_error (error);
    g_assert_cmpuint (shmviz_region_n_slots (ok), ==, sc.n_slots);
    g_assert_null (shmviz_region_slot (ok, sc.n_slots));
    g_assert_null (shmviz_region_proc (ok, sc.n_producers + sc.n_consumers));
  }

#define EXPECT_INVALID(mutate, len)                                       \
  G_STMT_START {                                                           \
    g_autofree guint8 *bad = g_memdup2 (copy, size);                       \
    ShmvizRegionHeader *bh = (ShmvizRegionHeader *) bad;                   \
    ShmvizRegion *r;                                                        \
    (void) bh;                                                             \
    mutate;                                                                \
    r = shmviz_region_wrap (bad, len, &error);                             \
    g_assert_null (r);                                                     \
    g_assert_error (error, SHMVIZ_REGION_ERROR, SHMVIZ_REGION_ERROR_INVALID); \
    g_test_message ("%s", error->message);                                 \
    g_clear_error (&error);                                                \
  } G_STMT_END

  EXPECT_INVALID (bh->magic ^= 1, size);
  EXPECT_INVALID (bh->layout_version = 99, size);
  EXPECT_INVALID ((void) 0, size - 4096);
  EXPECT_INVALID ((void) 0, 16);
  EXPECT_INVALID (bh->total_size += 4096, size);
  EXPECT_INVALID (bh->n_slots = 0, size);
  EXPECT_INVALID (bh->n_slots = 5000, size);
  EXPECT_INVALID (bh->n_producers = 65, size);
  EXPECT_INVALID (bh->n_procs = 3, size);
  EXPECT_INVALID (bh->item_size = 1, size);
  EXPECT_INVALID (bh->slots_offset = 8, size);
  EXPECT_INVALID (bh->proc_stride = 64, size);
  EXPECT_INVALID (bh->ring_capacity = 7, size);
  EXPECT_INVALID (bh->clock = SHMVIZ_N_CLOCKS, size);
  EXPECT_INVALID (bh->clock = 0xFFFFFFFFu, size);
#undef EXPECT_INVALID
}

static void
test_create_refuses_existing (void)
{
  ShmvizScenario sc;
  g_autoptr(GError) error = NULL;
  g_autofree char *name = g_strdup_printf ("/shmviz-%d-test-existing", (int) getpid ());
  ShmvizRegion *region;
  int fd;

  init_scenario (&sc);
  fd = shm_open (name, O_RDWR | O_CREAT | O_EXCL, 0666);
  g_assert_cmpint (fd, >=, 0);
  close (fd);

  region = shmviz_region_create_named (name, &sc, &error);
  g_assert_null (region);
  g_assert_error (error, SHMVIZ_REGION_ERROR, SHMVIZ_REGION_ERROR_EXISTS);
  g_clear_error (&error);

  /* A worker refuses to attach to an object others may write. */
  fchmod (fd = shm_open (name, O_RDWR, 0), 0666);
  close (fd);
  region = shmviz_region_open (name, &error);
  g_assert_null (region);
  g_assert_error (error, SHMVIZ_REGION_ERROR, SHMVIZ_REGION_ERROR_PERMISSION);
  shm_unlink (name);
}

int
main (int    argc,
      char **argv)
{
  /* --clock=monotonic: regions made here stamp with CLOCK_MONOTONIC even
   * where the TSC would do (read once, before the first region). */
  if (argc > 1 && g_str_equal (argv[1], "--clock=monotonic"))
    {
      g_setenv ("SHMVIZ_CLOCK", "monotonic", TRUE);
      argv[1] = argv[0];
      argv++;
      argc--;
    }
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/engine/region/validation", test_region_validation);
  g_test_add_func ("/engine/region/refuses-existing", test_create_refuses_existing);
  g_test_add ("/engine/semaphores/conservation-4x4", Fixture, GUINT_TO_POINTER (200000),
              fixture_setup, test_semaphores_conserve, fixture_teardown);
  g_test_add ("/engine/off/races-found", Fixture, NULL,
              fixture_setup, test_off_races, fixture_teardown);
  g_test_add ("/engine/wrong-order/deadlock", Fixture, NULL,
              fixture_setup, test_wrong_order_deadlock, fixture_teardown);
  g_test_add ("/engine/mode/switch-live", Fixture, NULL,
              fixture_setup, test_mode_switch_live, fixture_teardown);
  g_test_add ("/engine/mode/barrier-in-step-pause/semaphores", Fixture,
              GUINT_TO_POINTER (SHMVIZ_SYNC_SEMAPHORES),
              fixture_setup, test_barrier_in_step_pause, fixture_teardown);
  g_test_add ("/engine/mode/barrier-in-step-pause/mutex-only", Fixture,
              GUINT_TO_POINTER (SHMVIZ_SYNC_MUTEX_ONLY),
              fixture_setup, test_barrier_in_step_pause, fixture_teardown);
  g_test_add ("/engine/faults/killed-worker", Fixture, NULL,
              fixture_setup, test_killed_worker, fixture_teardown);
  g_test_add ("/engine/workers/niceness", Fixture, NULL,
              fixture_setup, test_worker_niceness, fixture_teardown);
  g_test_add ("/engine/workers/idle-class", Fixture, NULL,
              fixture_setup, test_worker_idle, fixture_teardown);
  g_test_add ("/engine/pause/quiet", Fixture, NULL,
              fixture_setup, test_paused_is_quiet, fixture_teardown);
  g_test_add ("/engine/faults/corrupt-index", Fixture, NULL,
              fixture_setup, test_corrupt_index, fixture_teardown);

  return g_test_run ();
}
