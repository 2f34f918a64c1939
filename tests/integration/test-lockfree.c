/* test-lockfree.c — the lock-free mode with real processes
 *
 * Vyukov's queue under real contention: conservation with 4 × 4, a stress
 * run of 16 × 16 on 4 slots, 3 × 3 all on one CPU (where every wait must
 * let the other side run), and live switches in and out of the mode
 * through the barrier.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <sched.h>
#include <stdio.h>
#include <string.h>

#include "ledger.h"
#include "lockfree.h"
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
  guint          died;
  /* Independent record of the stream, kept by a sink. */
  GMutex         lock;
  GHashTable    *produced;      /* item id → TRUE */
  GHashTable    *reads;         /* item id → number of non-empty reads */
  guint64        claims;        /* READ_INDEX events in lock-free mode */
  gboolean       out_of_order;
  guint64        last_ts;
} Fixture;

G_STATIC_ASSERT (sizeof (gpointer) >= sizeof (guint64));
#define ITEM_KEY(item) ((gpointer) (gsize) (item))

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
}

static void
on_died (ShmvizSession *session,
         guint          proc,
         gint           status,
         gboolean       signaled,
         Fixture       *f)
{
  g_test_message ("process %u died: %s %d", proc, signaled ? "signal" : "status", status);
  f->died++;
}

static void
sink (const ShmvizEvent *events,
      guint              n_events,
      gpointer           data)
{
  Fixture *f = data;

  g_mutex_lock (&f->lock);
  for (guint i = 0; i < n_events; i++)
    {
      const ShmvizEvent *ev = &events[i];

      if (ev->ts_ns < f->last_ts)
        f->out_of_order = TRUE;
      f->last_ts = ev->ts_ns;

      if (ev->kind == SHMVIZ_EV_WRITE_SLOT)
        g_hash_table_add (f->produced, ITEM_KEY (ev->item));
      else if (ev->kind == SHMVIZ_EV_READ_SLOT && ev->item != SHMVIZ_ITEM_NONE &&
               (ev->detail & SHMVIZ_EV_STATE_MASK) != SHMVIZ_SLOT_EMPTY)
        {
          guint n = GPOINTER_TO_UINT (g_hash_table_lookup (f->reads, ITEM_KEY (ev->item)));
          g_hash_table_insert (f->reads, ITEM_KEY (ev->item), GUINT_TO_POINTER (n + 1));
        }
      else if (ev->kind == SHMVIZ_EV_READ_INDEX)
        f->claims++;
    }
  g_mutex_unlock (&f->lock);
}

static void
run_for (Fixture *f,
         guint    ms)
{
  session_test_run_for (f->loop, ms);
}

static void
init_scenario (ShmvizScenario *sc)
{
  session_test_init_scenario (sc);
  sc->sync = SHMVIZ_SYNC_LOCK_FREE;
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
  shmviz_session_start (f->session, &error);
  g_assert_no_error (error);
}

static void
run_until_finished (Fixture *f,
                    guint    seconds)
{
  if (!f->finished)
    run_for (f, seconds * 1000);
  g_assert_true (f->finished);
}

static guint
count_full_slots (ShmvizSession *session)
{
  ShmvizRegion *region = shmviz_session_get_region (session);
  guint n = 0;

  for (guint i = 0; i < shmviz_region_n_slots (region); i++)
    if (shmviz_slot_state (shmviz_region_slot (region, i)) == SHMVIZ_SLOT_FULL)
      n++;
  return n;
}

static void
assert_clean (Fixture            *f,
              const ShmvizTotals *t)
{
  g_test_message ("produced %" G_GUINT64_FORMAT " consumed %" G_GUINT64_FORMAT " in buffer %" G_GUINT64_FORMAT
                  " events %" G_GUINT64_FORMAT " dropped %" G_GUINT64_FORMAT,
                  t->produced, t->consumed, t->in_buffer, t->events, t->dropped_events);
  g_assert_cmpuint (f->died, ==, 0);
  g_assert_cmpuint (t->dropped_events, ==, 0);
  g_assert_cmpuint (t->lost, ==, 0);
  g_assert_cmpuint (t->duplicated, ==, 0);
  g_assert_cmpuint (t->empty_reads, ==, 0);
  g_assert_cmpuint (t->corrupt, ==, 0);
  g_assert_cmpuint (t->index_drift, ==, 0);
  g_assert_cmpuint (t->deadlocks, ==, 0);
  g_assert_cmpuint (t->produced, ==, t->consumed + t->lost + t->in_buffer);
  g_assert_false (f->out_of_order);
}

/* @data: "PxC/slots/items", or "PxC/slots/items/1cpu" to run the whole
 * session (workers inherit the affinity) on one CPU. */
static void
test_conserve (Fixture       *f,
               gconstpointer  data)
{
  ShmvizScenario sc;
  ShmvizTotals t;
  guint n_items;
  cpu_set_t saved, one;
  gboolean pinned = g_str_has_suffix (data, "/1cpu");

  init_scenario (&sc);
  g_assert_cmpint (sscanf (data, "%ux%u/%u/%u", &sc.n_producers, &sc.n_consumers, &sc.n_slots, &n_items), ==, 4);
  sc.items = n_items;

  if (pinned)
    {
      int cpu = -1;

      g_assert_cmpint (sched_getaffinity (0, sizeof saved, &saved), ==, 0);
      for (int i = 0; i < CPU_SETSIZE && cpu < 0; i++)
        if (CPU_ISSET (i, &saved))
          cpu = i;
      g_assert_cmpint (cpu, >=, 0);
      CPU_ZERO (&one);
      CPU_SET (cpu, &one);
      g_assert_cmpint (sched_setaffinity (0, sizeof one, &one), ==, 0);
    }

  start (f, &sc);
  run_until_finished (f, 240);
  if (pinned)
    g_assert_cmpint (sched_setaffinity (0, sizeof saved, &saved), ==, 0);

  shmviz_model_get_totals (shmviz_session_get_model (f->session), &t);
  assert_clean (f, &t);
  g_assert_cmpuint (t.produced, ==, n_items);
  g_assert_cmpuint (t.consumed, ==, n_items);
  g_assert_cmpuint (t.in_buffer, ==, 0);
  g_assert_false (f->deadlock);

  /* The sink's own count agrees; every item was claimed twice (once by
   * its producer, once by its consumer) and read exactly once. */
  g_assert_cmpuint (g_hash_table_size (f->produced), ==, n_items);
  g_assert_cmpuint (g_hash_table_size (f->reads), ==, n_items);
  g_assert_cmpuint (f->claims, ==, 2 * (guint64) n_items);
  g_assert_cmpuint (count_full_slots (f->session), ==, 0);
  g_assert_cmpuint (shmviz_session_count_items (f->session, FALSE), ==, n_items);
  g_assert_cmpuint (shmviz_session_count_items (f->session, TRUE), ==, n_items);
}

/* Switches while items flow, each time through the barrier: every item
 * is accounted for across the modes, none read twice. */
static void
test_switch_live (Fixture       *f,
                  gconstpointer  data)
{
  static const ShmvizSyncMode modes[] = {
    SHMVIZ_SYNC_LOCK_FREE, SHMVIZ_SYNC_SEMAPHORES, SHMVIZ_SYNC_LOCK_FREE, SHMVIZ_SYNC_SEMAPHORES,
  };
  ShmvizScenario sc;
  ShmvizTotals before, t;
  GHashTableIter iter;
  gpointer key, value;

  init_scenario (&sc);
  sc.sync = SHMVIZ_SYNC_OFF;
  sc.n_producers = 3;
  sc.n_consumers = 3;
  sc.n_slots = 8;
  sc.items = 0;
  /* Slow enough that the off phase races visibly, fast enough to move. */
  sc.speed_permille = 1000;
  sc.timing_ns[SHMVIZ_TIMING_PRODUCE] = 100 * 1000;
  sc.timing_ns[SHMVIZ_TIMING_CONSUME] = 150 * 1000;
  sc.timing_ns[SHMVIZ_TIMING_RACE_WINDOW] = 50 * 1000;

  start (f, &sc);
  run_for (f, 500);

  for (guint i = 0; i < G_N_ELEMENTS (modes); i++)
    {
      shmviz_session_set_mode (f->session, modes[i]);
      /* The barrier finishes within its timeout: wait for the mode. */
      for (guint k = 0; k < 60 && shmviz_session_get_mode (f->session) != modes[i]; k++)
        run_for (f, 50);
      g_assert_cmpuint (shmviz_session_get_mode (f->session), ==, modes[i]);

      if (i == 0)
        {
          /* Full speed in lock-free, to press the queue hard for a while. */
          shmviz_model_get_totals (shmviz_session_get_model (f->session), &before);
          shmviz_session_set_speed (f->session, 0);
        }
      run_for (f, 700);
      if (i == 0)
        shmviz_session_set_speed (f->session, 1000);
    }

  shmviz_session_stop (f->session);
  run_until_finished (f, 10);

  shmviz_model_get_totals (shmviz_session_get_model (f->session), &t);
  g_test_message ("produced %" G_GUINT64_FORMAT " (%" G_GUINT64_FORMAT " when lock-free began) consumed %"
                  G_GUINT64_FORMAT " lost %" G_GUINT64_FORMAT " in buffer %" G_GUINT64_FORMAT,
                  t.produced, before.produced, t.consumed, t.lost, t.in_buffer);
  g_assert_cmpuint (f->died, ==, 0);
  g_assert_cmpuint (t.dropped_events, ==, 0);
  g_assert_cmpuint (t.produced, >, before.produced + 1000);
  g_assert_cmpuint (t.produced, ==, t.consumed + t.lost + t.in_buffer);
  /* Nothing new went wrong after synchronization came on: what the off
   * phase lost stays counted, but lock-free and semaphores added none. */
  g_assert_cmpuint (t.lost, ==, before.lost);
  g_assert_cmpuint (t.duplicated, ==, before.duplicated);
  g_assert_cmpuint (t.empty_reads, ==, before.empty_reads);
  g_assert_cmpuint (t.corrupt, ==, before.corrupt);
  g_assert_cmpuint (t.in_buffer, ==, count_full_slots (f->session));

  /* Independent of the ledger: no item was read twice once the off phase
   * was over, and what is left in the slots was produced and never read. */
  g_hash_table_iter_init (&iter, f->reads);
  while (g_hash_table_iter_next (&iter, &key, &value))
    if (GPOINTER_TO_UINT (value) > 1)
      g_assert_cmpuint (before.duplicated, >, 0);
}

/* A queue rebuilt from given slots keeps Vyukov's invariant exactly. */
static void
test_reset (void)
{
  ShmvizScenario sc;
  g_autoptr(GError) error = NULL;
  g_autoptr(ShmvizRegion) region = NULL;
  ShmvizLockFreeHeader *lf;

  init_scenario (&sc);
  sc.n_slots = 5;
  region = shmviz_region_create (&sc, &error);
  g_assert_no_error (error);
  shmviz_region_unlink (region);
  lf = shmviz_region_lockfree (region);

  g_assert_cmpuint (atomic_load (&lf->enqueue), ==, 0);
  g_assert_cmpuint (atomic_load (&lf->dequeue), ==, 0);
  for (guint i = 0; i < 5; i++)
    g_assert_cmpuint (atomic_load (&shmviz_region_slot_seq (region, i)->seq), ==, 2 * i);
  g_assert_null (shmviz_region_slot_seq (region, 5));

  /* Three items from slot 3: positions 3, 4, 5 full (slots 3, 4, 0). */
  shmviz_lockfree_reset (region, 3, 3);
  g_assert_cmpuint (atomic_load (&lf->dequeue), ==, 3);
  g_assert_cmpuint (atomic_load (&lf->enqueue), ==, 6);
  /* Published (2p + 1) at positions 3, 4, 5; free (2p) at 6 and 7. */
  g_assert_cmpuint (atomic_load (&shmviz_region_slot_seq (region, 3)->seq), ==, 7);
  g_assert_cmpuint (atomic_load (&shmviz_region_slot_seq (region, 4)->seq), ==, 9);
  g_assert_cmpuint (atomic_load (&shmviz_region_slot_seq (region, 0)->seq), ==, 11);
  g_assert_cmpuint (atomic_load (&shmviz_region_slot_seq (region, 1)->seq), ==, 12);
  g_assert_cmpuint (atomic_load (&shmviz_region_slot_seq (region, 2)->seq), ==, 14);
  /* The window now starts at slot enqueue % n = 1. */
  g_assert_cmpuint (shmviz_lockfree_fifo_start (region), ==, 1);

  /* A scribbled counter still yields a slot inside the ring. */
  atomic_store (&lf->enqueue, G_MAXUINT64);
  g_assert_cmpuint (shmviz_lockfree_fifo_start (region), <, 5);
}

int
main (int    argc,
      char **argv)
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/lockfree/reset", test_reset);
  g_test_add ("/lockfree/conservation-4x4", Fixture, "4x4/8/200000",
              fixture_setup, test_conserve, fixture_teardown);
  g_test_add ("/lockfree/stress-16x16-4-slots", Fixture, "16x16/4/200000",
              fixture_setup, test_conserve, fixture_teardown);
  g_test_add ("/lockfree/conservation-1x1-1-slot", Fixture, "1x1/1/50000",
              fixture_setup, test_conserve, fixture_teardown);
  g_test_add ("/lockfree/conservation-3x3-one-cpu", Fixture, "3x3/4/50000/1cpu",
              fixture_setup, test_conserve, fixture_teardown);
  g_test_add ("/lockfree/switch-live", Fixture, NULL,
              fixture_setup, test_switch_live, fixture_teardown);

  return g_test_run ();
}
