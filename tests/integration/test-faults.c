/* test-faults.c — workers killed, stopped, and a region scribbled on
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <fcntl.h>
#include <malloc.h>
#include <glib/gstdio.h>
#include <signal.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

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
  guint          died;
  gint64         died_us;
  char          *stalled;
} Fixture;

static void
fixture_setup (Fixture       *f,
               gconstpointer  data)
{
  f->loop = g_main_loop_new (NULL, FALSE);
}

static void
fixture_teardown (Fixture       *f,
                  gconstpointer  data)
{
  g_autoptr(GPtrArray) left = NULL;

  if (f->session && shmviz_session_get_running (f->session))
    {
      shmviz_session_stop (f->session);
      while (!f->finished)
        g_main_context_iteration (NULL, TRUE);
    }
  if (f->session)
    g_signal_handlers_disconnect_by_data (f->session, f);
  g_clear_object (&f->session);
  g_clear_pointer (&f->stalled, g_free);
  g_main_loop_unref (f->loop);

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
  f->died_us = g_get_monotonic_time ();
  g_main_loop_quit (f->loop);
}

static void
on_stalled (ShmvizSession *session,
            const char    *message,
            Fixture       *f)
{
  g_free (f->stalled);
  f->stalled = g_strdup (message);
  g_main_loop_quit (f->loop);
}

static void
run_for (Fixture *f,
         guint    ms)
{
  session_test_run_for (f->loop, ms);
}

/* Runs until @cond holds, for at most @ms. */
#define RUN_UNTIL(f, cond, ms)                                          \
  G_STMT_START {                                                        \
    gint64 deadline_ = g_get_monotonic_time () + (ms) * 1000;           \
    while (!(cond) && g_get_monotonic_time () < deadline_)              \
      run_for ((f), 20);                                                \
  } G_STMT_END

static void
start (Fixture              *f,
       const ShmvizScenario *sc)
{
  g_autoptr(GError) error = NULL;

  f->session = shmviz_session_new (sc);
  g_signal_connect (f->session, "finished", G_CALLBACK (on_finished), f);
  g_signal_connect (f->session, "deadlock", G_CALLBACK (on_deadlock), f);
  g_signal_connect (f->session, "process-died", G_CALLBACK (on_died), f);
  g_signal_connect (f->session, "stalled", G_CALLBACK (on_stalled), f);
  shmviz_session_start (f->session, &error);
  g_assert_no_error (error);
}

static void
init_scenario (ShmvizScenario *sc)
{
  session_test_init_scenario (sc);
  sc->items = 0;
  sc->speed_permille = 1000;
}

static void
stop_and_wait (Fixture *f)
{
  shmviz_session_stop (f->session);
  RUN_UNTIL (f, f->finished, 10000);
  g_assert_true (f->finished);
}

static void
test_killed_holding_mutex (Fixture       *f,
                           gconstpointer  data)
{
  ShmvizScenario sc;
  ShmvizRegion *region;
  ShmvizProcBlock *p0;
  ShmvizTotals t;
  g_autoptr(GArray) anomalies = g_array_new (FALSE, FALSE, sizeof (ShmvizAnomaly));
  g_autofree char *message = NULL;
  ShmvizModel *model;
  guint n_before, n_after;
  guint64 produced_before;
  gint64 killed_us;

  init_scenario (&sc);
  sc.n_producers = 2;
  sc.n_consumers = 2;
  sc.n_slots = 4;
  /* The race window sits inside the critical section: P1 holds the mutex
   * most of the time. */
  sc.timing_ns[SHMVIZ_TIMING_RACE_WINDOW] = 30 * 1000 * 1000;

  start (f, &sc);
  model = shmviz_session_get_model (f->session);
  region = shmviz_session_get_region (f->session);
  p0 = shmviz_region_proc (region, 0);

  /* P1 may let go of the lock between our look and the kill (on a slow
   * sanitized build, often enough to matter): then it died holding
   * something else, and it is started again for another try. */
  for (guint attempt = 0; ; attempt++)
    {
      g_autoptr(GError) error = NULL;

      g_assert_cmpuint (attempt, <, 10);
      f->died = 0;
      RUN_UNTIL (f, (atomic_load (&p0->held) & SHMVIZ_HELD_MUTEX) != 0, 5000);

      killed_us = g_get_monotonic_time ();
      shmviz_session_signal_worker (f->session, 0, SIGKILL, &error);
      g_assert_no_error (error);
      RUN_UNTIL (f, f->died > 0, 2000);
      g_assert_cmpuint (f->died, ==, 1);
      /* Reported within 200 ms, with what it held. */
      g_assert_cmpint (f->died_us - killed_us, <, 200 * 1000);
      g_clear_pointer (&message, g_free);
      message = shmviz_session_dup_death_message (f->session, 0);
      g_test_message ("%s", message);
      g_assert_nonnull (strstr (message, "P1"));
      if (strstr (message, "mutex") != NULL)
        break;

      shmviz_session_recover (f->session);
      shmviz_session_restart_worker (f->session, 0, &error);
      g_assert_no_error (error);
      run_for (f, 100);
    }

  /* The survivors pile up on the dead holder's mutex: a deadlock whose
   * explanation names the dead holder. */
  RUN_UNTIL (f, f->deadlock, 3000);
  g_assert_true (f->deadlock);
  n_before = shmviz_model_get_anomalies (model, 0, anomalies);
  {
    const ShmvizAnomaly *a = &g_array_index (anomalies, ShmvizAnomaly, n_before - 1);
    g_autofree char *text = shmviz_anomaly_describe (a, sc.n_producers);

    g_assert_cmpint (a->kind, ==, SHMVIZ_ANOMALY_DEADLOCK);
    g_assert_cmpuint (a->values[0], ==, 0);
    g_assert_cmpuint (a->values[2], ==, 1);
    g_test_message ("%s", text);
  }

  /* Recover: the rest go on, and nothing new goes wrong. */
  shmviz_model_get_totals (model, &t);
  produced_before = t.produced;
  shmviz_session_set_timing (f->session, SHMVIZ_TIMING_RACE_WINDOW, 0);
  shmviz_session_recover (f->session);
  RUN_UNTIL (f, (shmviz_model_get_totals (model, &t), t.produced > produced_before + 200), 5000);
  g_assert_cmpuint (t.produced, >, produced_before + 200);
  stop_and_wait (f);

  shmviz_model_get_totals (model, &t);
  g_assert_cmpuint (t.produced, ==, t.consumed + t.lost + t.in_buffer);
  n_after = shmviz_model_get_anomalies (model, n_before, anomalies);
  /* At most the dead producer's half-written item, cleared by the rebuild
   * and so counted lost by the supervisor; nothing else. */
  for (guint i = n_before; i < n_after; i++)
    {
      const ShmvizAnomaly *a = &g_array_index (anomalies, ShmvizAnomaly, i);

      g_assert_cmpint (a->kind, ==, SHMVIZ_ANOMALY_LOST);
      g_assert_cmpuint (a->actor, ==, SHMVIZ_PROC_SUPERVISOR);
      g_assert_cmpint (SHMVIZ_ITEM_PRODUCER (a->item), ==, 0);
    }
  g_assert_cmpuint (n_after - n_before, <=, 1);
}

static void
test_stopped_consumer (Fixture       *f,
                       gconstpointer  data)
{
  ShmvizScenario sc;
  ShmvizSnapshot snap = { 0 };
  ShmvizTotals t;
  ShmvizModel *model;
  guint64 produced;
  GPid pid;

  init_scenario (&sc);
  sc.n_producers = 2;
  sc.n_consumers = 1;
  sc.n_slots = 4;
  sc.timing_ns[SHMVIZ_TIMING_CONSUME] = 1000 * 1000;

  start (f, &sc);
  shmviz_session_set_watchdog (f->session, 500 * 1000 * 1000);
  model = shmviz_session_get_model (f->session);
  run_for (f, 300);

  pid = shmviz_session_get_worker_pid (f->session, 2);
  g_assert_cmpint (pid, >, 0);
  g_assert_cmpint (kill (pid, SIGSTOP), ==, 0);

  RUN_UNTIL (f, f->stalled != NULL, 5000);
  g_assert_nonnull (f->stalled);
  g_test_message ("%s", f->stalled);
  g_assert_nonnull (strstr (f->stalled, "C1"));
  g_assert_nonnull (strstr (f->stalled, "stopped"));
  /* Stopped is not dead. */
  g_assert_cmpuint (f->died, ==, 0);
  shmviz_model_snapshot (model, &snap);
  g_assert_cmpint (snap.procs[2].state, ==, SHMVIZ_VIEW_STOPPED);

  shmviz_model_get_totals (model, &t);
  produced = t.produced;
  g_assert_cmpint (kill (pid, SIGCONT), ==, 0);
  RUN_UNTIL (f, (shmviz_model_get_totals (model, &t), t.produced > produced + 50), 5000);
  g_assert_cmpuint (t.produced, >, produced + 50);
  shmviz_model_snapshot (model, &snap);
  g_assert_cmpint (snap.procs[2].state, !=, SHMVIZ_VIEW_STOPPED);
  shmviz_snapshot_clear (&snap);

  stop_and_wait (f);
}

/* Heap in use, not RSS: every session thread gets a malloc arena of its
 * own, which glibc keeps mapped, so RSS says little about leaks. */
static gsize
heap_kib (void)
{
  struct mallinfo2 info = mallinfo2 ();

  return (info.uordblks + info.hblkhd) / 1024;
}

static guint
count_fds (void)
{
  g_autoptr(GDir) dir = g_dir_open ("/proc/self/fd", 0, NULL);
  guint n = 0;

  while (dir && g_dir_read_name (dir))
    n++;
  return n;
}

/* Scribbles random values over the live region's shared indices, slots
 * and event rings, as a hostile process of the same user could. */
static void
scribble (ShmvizRegion *region,
          GRand        *rand)
{
  ShmvizRegionHeader *h = shmviz_region_header (region);
  guint n_slots = shmviz_region_n_slots (region);
  guint n_procs = shmviz_region_n_procs (region);

  switch (g_rand_int_range (rand, 0, 5))
    {
    case 0:
      atomic_store (&h->in, g_rand_int (rand));
      break;
    case 1:
      atomic_store (&h->count, g_rand_int (rand));
      break;
    case 2:
      {
        ShmvizSlotHeader *slot = shmviz_region_slot (region, g_rand_int_range (rand, 0, n_slots));

        atomic_store (&slot->word, ((guint64) g_rand_int (rand) << 32) | g_rand_int (rand));
        slot->checksum = g_rand_int (rand);
      }
      break;
    case 3:
      {
        ShmvizProcBlock *p = shmviz_region_proc (region, g_rand_int_range (rand, 0, n_procs));
        ShmvizEvent *ev = &p->events[g_rand_int_range (rand, 0, shmviz_region_ring_capacity (region))];

        for (guint i = 0; i < sizeof *ev / 4; i++)
          ((guint32 *) ev)[i] = g_rand_int (rand);
      }
      break;
    default:
      {
        ShmvizProcBlock *p = shmviz_region_proc (region, g_rand_int_range (rand, 0, n_procs));

        atomic_store (&p->head, ((guint64) g_rand_int (rand) << 32) | g_rand_int (rand));
        atomic_store (&p->dropped, g_rand_int (rand));
      }
      break;
    }
}

static void
test_evil_writer (Fixture       *f,
                  gconstpointer  data)
{
  g_autoptr(GRand) rand = g_rand_new_with_seed (1234);
  ShmvizScenario sc;
  gsize heap_start = 0, heap_end;
  guint fds_start = 0, fds_end;
  guint rounds = 0;
  gint64 end_us;

  /* Thirty seconds of several sessions in a row: each ends when its
   * workers detach from the corrupt region; memory and fds must not grow
   * across them. */
  end_us = g_get_monotonic_time () + (gint64) GPOINTER_TO_UINT (data) * G_USEC_PER_SEC;
  while (g_get_monotonic_time () < end_us)
    {
      init_scenario (&sc);
      sc.n_producers = 2;
      sc.n_consumers = 2;
      sc.sync = rounds % 2 ? SHMVIZ_SYNC_OFF : SHMVIZ_SYNC_SEMAPHORES;
      f->finished = FALSE;
      start (f, &sc);
      run_for (f, 100);

      for (guint i = 0; i < 200 && !f->finished; i++)
        {
          scribble (shmviz_session_get_region (f->session), rand);
          run_for (f, 5);
        }
      if (!f->finished)
        stop_and_wait (f);
      g_signal_handlers_disconnect_by_data (f->session, f);
      g_clear_object (&f->session);

      if (rounds++ == 1)
        {
          heap_start = heap_kib ();
          fds_start = count_fds ();
        }
    }

  heap_end = heap_kib ();
  fds_end = count_fds ();
  g_test_message ("%u sessions, heap %" G_GSIZE_FORMAT " -> %" G_GSIZE_FORMAT " KiB, fds %u -> %u",
                  rounds, heap_start, heap_end, fds_start, fds_end);
  g_assert_cmpuint (rounds, >=, 3);
  g_assert_cmpuint (fds_end, <=, fds_start);
  /* Flat: allocator noise, not growth per session. */
  g_assert_cmpuint (heap_end, <, heap_start + 512);
}

static void
count_repairs (const ShmvizEvent *events,
               guint              n_events,
               gpointer           data)
{
  gint *repairs = data;

  for (guint i = 0; i < n_events; i++)
    if (events[i].kind == SHMVIZ_EV_REPAIR)
      g_atomic_int_inc (repairs);
}

/* robust-mutex: whoever locks after the owner was killed gets EOWNERDEAD,
 * repairs and goes on; a hundred times, with the killed worker started
 * again each time. */
static void
test_robust_mutex_owner_killed (Fixture       *f,
                                gconstpointer  data)
{
  ShmvizScenario sc;
  ShmvizRegion *region;
  ShmvizTotals t;
  gint repairs = 0;
  guint kills = 0;
  guint n_kills = GPOINTER_TO_UINT (data);

  init_scenario (&sc);
  sc.n_producers = 2;
  sc.n_consumers = 2;
  sc.n_slots = 4;
  sc.sync = SHMVIZ_SYNC_ROBUST_MUTEX;
  /* Inside the critical section most of the time. */
  sc.timing_ns[SHMVIZ_TIMING_RACE_WINDOW] = 2 * 1000 * 1000;

  f->session = shmviz_session_new (&sc);
  shmviz_session_add_sink (f->session, count_repairs, &repairs);
  g_signal_connect (f->session, "finished", G_CALLBACK (on_finished), f);
  {
    g_autoptr(GError) error = NULL;
    shmviz_session_start (f->session, &error);
    g_assert_no_error (error);
  }
  region = shmviz_session_get_region (f->session);

  while (kills < n_kills)
    {
      g_autoptr(GError) error = NULL;
      gint before = g_atomic_int_get (&repairs);
      guint victim = G_MAXUINT;
      GPid pid;

      RUN_UNTIL (f, ({
        for (guint i = 0; i < 4 && victim == G_MAXUINT; i++)
          if (atomic_load (&shmviz_region_proc (region, i)->held) & SHMVIZ_HELD_MUTEX)
            victim = i;
        victim != G_MAXUINT; }), 5000);
      g_assert_cmpuint (victim, !=, G_MAXUINT);

      pid = shmviz_session_get_worker_pid (f->session, victim);
      g_assert_cmpint (kill (pid, SIGKILL), ==, 0);
      RUN_UNTIL (f, shmviz_session_get_worker_pid (f->session, victim) == 0, 5000);

      /* The next locker finds the owner dead and repairs (and clears the
       * dead one's bits).  Without a repair, the victim must have let go
       * of the lock between our look and the kill: it clears its bit
       * before unlocking, so its block would still say so otherwise. */
      RUN_UNTIL (f, g_atomic_int_get (&repairs) > before, 2000);
      if (g_atomic_int_get (&repairs) > before)
        kills++;
      else
        g_assert_cmpuint (atomic_load (&shmviz_region_proc (region, victim)->held) & SHMVIZ_HELD_MUTEX,
                          ==, 0);

      shmviz_session_restart_worker (f->session, victim, &error);
      g_assert_no_error (error);
    }

  run_for (f, 200);
  stop_and_wait (f);

  shmviz_model_get_totals (shmviz_session_get_model (f->session), &t);
  g_test_message ("%u kills, %d repairs, produced %" G_GUINT64_FORMAT " consumed %" G_GUINT64_FORMAT
                  " lost %" G_GUINT64_FORMAT " dup %" G_GUINT64_FORMAT " drift %" G_GUINT64_FORMAT,
                  kills, repairs, t.produced, t.consumed, t.lost, t.duplicated, t.index_drift);
  g_assert_cmpint (repairs, ==, (gint) n_kills);
  g_assert_cmpuint (t.produced, ==, t.consumed + t.lost + t.in_buffer);
  /* The repairs kept the buffer a buffer: nothing read twice, nothing read
   * from an empty slot, and the indices agree. */
  g_assert_cmpuint (t.duplicated + t.empty_reads + t.index_drift, ==, 0);
}

/* A region file as the sweep sees it, in a scratch directory. */
static void
write_fake_region (const char *dir,
                   const char *name,
                   pid_t       creator,
                   guint64     start_time,
                   uid_t       owner)
{
  g_autofree char *path = g_build_filename (dir, name, NULL);
  ShmvizRegionHeader h = { 0 };
  int fd;

  h.magic = SHMVIZ_REGION_MAGIC;
  h.layout_version = SHMVIZ_LAYOUT_VERSION;
  h.header_size = sizeof h;
  h.creator_pid = creator;
  h.creator_start_time = start_time;
  fd = open (path, O_WRONLY | O_CREAT | O_EXCL, 0600);
  g_assert_cmpint (fd, >=, 0);
  g_assert_cmpint (write (fd, &h, sizeof h), ==, sizeof h);
  if (owner != geteuid ())
    g_assert_cmpint (fchown (fd, owner, owner), ==, 0);
  close (fd);
}

static void
test_sweep (void)
{
  g_autofree char *dir = g_dir_make_tmp ("shmviz-sweep-XXXXXX", NULL);
  g_autofree char *dead = NULL, *live = NULL, *other = NULL;
  pid_t dead_pid;
  int status;

  /* A pid that surely belongs to nobody now: a child we reaped. */
  dead_pid = fork ();
  if (dead_pid == 0)
    _exit (0);
  waitpid (dead_pid, &status, 0);

  dead = g_strdup_printf ("shmviz-%d-dead", (int) dead_pid);
  live = g_strdup_printf ("shmviz-%d-live", (int) getpid ());
  other = g_strdup_printf ("shmviz-%d-other", (int) dead_pid);
  write_fake_region (dir, dead, dead_pid, 0, geteuid ());
  write_fake_region (dir, live, getpid (), 0, geteuid ());
  if (geteuid () == 0)
    write_fake_region (dir, other, dead_pid, 0, 65534);

  g_assert_cmpuint (shmviz_region_sweep_stale (dir), ==, 1);

  {
    g_autofree char *p_dead = g_build_filename (dir, dead, NULL);
    g_autofree char *p_live = g_build_filename (dir, live, NULL);
    g_autofree char *p_other = g_build_filename (dir, other, NULL);

    g_assert_false (g_file_test (p_dead, G_FILE_TEST_EXISTS));
    g_assert_true (g_file_test (p_live, G_FILE_TEST_EXISTS));
    if (geteuid () == 0)
      g_assert_true (g_file_test (p_other, G_FILE_TEST_EXISTS));
    else
      g_test_message ("not root: another uid's object not tested");
    g_unlink (p_live);
    g_unlink (p_other);
  }
  g_rmdir (dir);
}

int
main (int    argc,
      char **argv)
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/faults/sweep-stale", test_sweep);
  g_test_add ("/faults/killed-holding-mutex", Fixture, NULL,
              fixture_setup, test_killed_holding_mutex, fixture_teardown);
  g_test_add ("/faults/stopped-consumer", Fixture, NULL,
              fixture_setup, test_stopped_consumer, fixture_teardown);
  g_test_add ("/faults/robust-mutex/owner-killed-100-times", Fixture, GUINT_TO_POINTER (100),
              fixture_setup, test_robust_mutex_owner_killed, fixture_teardown);
  g_test_add ("/faults/evil-writer", Fixture, GUINT_TO_POINTER (30),
              fixture_setup, test_evil_writer, fixture_teardown);

  return g_test_run ();
}
