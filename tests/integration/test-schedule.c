/* test-schedule.c — a saved interleaving replays exactly, every time
 *
 * Real worker processes over a real region: the schedule driver grants one
 * step at a time, and the same schedule must give the same anomalies, at
 * the same slot, with the same items, on every run.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <string.h>

#include "schedule.h"
#include "session.h"
#include "shm-check.h"

#define REPLAYS 20
/* Generous: a loaded two-core machine. */
#define LIMIT_S 60

/* Two producers racing on `in` with no synchronization: both read in = 0
 * (P1, P1: enter, read `in`; P2, P2: the same), P1 writes slot 0, P2
 * writes slot 0 over it.  P1#1 is lost at slot 0. */
#define LOSING_SCHEDULE "P1,P1,P2,P2,P1,P2"

typedef struct {
  GMainLoop *loop;
  gboolean   done;
  gboolean   finished;
  GError    *error;
  guint      timer;
} Run;

static gboolean
on_timeout (gpointer data)
{
  Run *run = data;

  run->timer = 0;
  g_main_loop_quit (run->loop);
  return G_SOURCE_REMOVE;
}

static void
on_finished (ShmvizSession *session,
             Run           *run)
{
  run->finished = TRUE;
  g_main_loop_quit (run->loop);
}

static void
on_schedule_done (GObject      *source,
                  GAsyncResult *result,
                  gpointer      data)
{
  Run *run = data;

  run->done = TRUE;
  shmviz_schedule_run_finish (SHMVIZ_SESSION (source), result, &run->error);
  g_main_loop_quit (run->loop);
}

static void
wait_for (Run      *run,
          gboolean *flag)
{
  run->timer = g_timeout_add_seconds (LIMIT_S, on_timeout, run);
  while (!*flag && run->timer != 0)
    g_main_loop_run (run->loop);
  g_clear_handle_id (&run->timer, g_source_remove);
  g_assert_true (*flag);
}

static void
init_scenario (ShmvizScenario *sc,
               ShmvizSyncMode  sync)
{
  shmviz_scenario_init_fast (sc);
  sc->n_producers = 2;
  sc->n_consumers = 1;
  sc->n_slots = 4;
  sc->items = 10;
  sc->sync = sync;
  sc->seed = 42;
}

/* Runs @schedule on a fresh session and returns its anomalies; @error
 * gets what the driver reported. */
static GArray *
run_schedule (const ShmvizScenario *sc,
              const char           *schedule,
              GError              **error)
{
  g_autoptr(ShmvizSession) session = shmviz_session_new (sc);
  g_autoptr(GMainLoop) loop = g_main_loop_new (NULL, FALSE);
  g_autoptr(GArray) procs = NULL;
  g_autoptr(GError) local_error = NULL;
  GArray *anomalies = g_array_new (FALSE, FALSE, sizeof (ShmvizAnomaly));
  Run run = { .loop = loop };

  procs = shmviz_schedule_parse (schedule, sc, &local_error);
  g_assert_no_error (local_error);

  g_signal_connect (session, "finished", G_CALLBACK (on_finished), &run);
  shmviz_schedule_prepare (session);
  g_assert_true (shmviz_session_start (session, &local_error));
  g_assert_no_error (local_error);

  shmviz_schedule_run_async (session, (const guint *) (void *) procs->data, procs->len, NULL,
                             on_schedule_done, &run);
  wait_for (&run, &run.done);

  shmviz_model_get_anomalies (shmviz_session_get_model (session), 0, anomalies);
  shmviz_session_stop (session);
  wait_for (&run, &run.finished);
  g_assert_cmpuint (shm_check_sweep (), ==, 0);

  if (run.error != NULL)
    g_propagate_error (error, run.error);
  return anomalies;
}

static void
test_lost_item_replays (void)
{
  ShmvizScenario sc;
  g_autoptr(GArray) first = NULL;

  init_scenario (&sc, SHMVIZ_SYNC_OFF);

  for (guint r = 0; r < REPLAYS; r++)
    {
      g_autoptr(GError) error = NULL;
      g_autoptr(GArray) got = run_schedule (&sc, LOSING_SCHEDULE, &error);

      g_assert_no_error (error);
      g_test_message ("replay %u: %u anomalies", r + 1, got->len);
      g_assert_cmpuint (got->len, ==, 1);
      {
        const ShmvizAnomaly *a = &g_array_index (got, ShmvizAnomaly, 0);

        g_assert_cmpint (a->kind, ==, SHMVIZ_ANOMALY_LOST);
        g_assert_cmpuint (a->slot, ==, 0);
        g_assert_cmpuint (a->item, ==, SHMVIZ_ITEM_ID (0, 1));        /* P1#1 */
        g_assert_cmpuint (a->other_item, ==, SHMVIZ_ITEM_ID (1, 1));  /* P2#1 over it */
        g_assert_cmpuint (a->actor, ==, 1);
      }
      if (first == NULL)
        first = g_array_ref (got);
      else
        for (guint i = 0; i < got->len; i++)
          {
            const ShmvizAnomaly *a = &g_array_index (got, ShmvizAnomaly, i);
            const ShmvizAnomaly *b = &g_array_index (first, ShmvizAnomaly, i);

            g_assert_cmpint (a->kind, ==, b->kind);
            g_assert_cmpuint (a->slot, ==, b->slot);
            g_assert_cmpuint (a->item, ==, b->item);
            g_assert_cmpuint (a->other_item, ==, b->other_item);
            g_assert_cmpuint (a->actor, ==, b->actor);
          }
    }
}

/* The same moves with semaphores: P2 blocks on the mutex P1 holds, and
 * the schedule still completes step by step with nothing lost. */
static void
test_semaphores_clean (void)
{
  ShmvizScenario sc;
  g_autoptr(GError) error = NULL;
  g_autoptr(GArray) got = NULL;

  init_scenario (&sc, SHMVIZ_SYNC_SEMAPHORES);
  got = run_schedule (&sc, "P1,P1,P2,P1,P1,P1,P1,P2,P2,P2,C1,C1,C1", &error);
  g_assert_no_error (error);
  g_assert_cmpuint (got->len, ==, 0);
}

/* A producer whose items are all made exits; a later token for it is an
 * error naming it, not a hang. */
static void
test_exited_process (void)
{
  ShmvizScenario sc;
  g_autoptr(GError) error = NULL;
  g_autoptr(GArray) got = NULL;

  init_scenario (&sc, SHMVIZ_SYNC_OFF);
  sc.n_producers = 1;
  sc.items = 1;
  got = run_schedule (&sc, "P1,P1,P1,P1,P1,P1,P1", &error);
  g_assert_error (error, SHMVIZ_SCHEDULE_ERROR, SHMVIZ_SCHEDULE_ERROR_EXITED);
  g_assert_nonnull (strstr (error->message, "P1"));
}

static void
test_bad_tokens (void)
{
  const struct {
    const char *text;
    gint        code;
    const char *mentions;
  } cases[] = {
    { "P1,X2", SHMVIZ_SCHEDULE_ERROR_PARSE, "X2" },
    { "P0", SHMVIZ_SCHEDULE_ERROR_PARSE, "P0" },
    { "P3", SHMVIZ_SCHEDULE_ERROR_RANGE, "P1 to P2" },
    { "P1 C2", SHMVIZ_SCHEDULE_ERROR_RANGE, "C1 to C1" },
    { "C1,P", SHMVIZ_SCHEDULE_ERROR_PARSE, "step 2" },
    { "P1x", SHMVIZ_SCHEDULE_ERROR_PARSE, "P1x" },
    { " , ,", SHMVIZ_SCHEDULE_ERROR_PARSE, "empty" },
  };
  ShmvizScenario sc;
  g_autoptr(GArray) ok = NULL;
  g_autofree char *back = NULL;
  g_autoptr(GError) error = NULL;

  init_scenario (&sc, SHMVIZ_SYNC_OFF);
  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr(GError) e = NULL;
      g_autoptr(GArray) procs = shmviz_schedule_parse (cases[i].text, &sc, &e);

      g_assert_null (procs);
      g_assert_error (e, SHMVIZ_SCHEDULE_ERROR, cases[i].code);
      g_test_message ("%s → %s", cases[i].text, e->message);
      g_assert_nonnull (strstr (e->message, cases[i].mentions));
    }

  ok = shmviz_schedule_parse ("p1, P2 c1", &sc, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (ok->len, ==, 3);
  g_assert_cmpuint (g_array_index (ok, guint, 2), ==, 2);
  back = shmviz_schedule_to_string ((const guint *) (void *) ok->data, ok->len, sc.n_producers);
  g_assert_cmpstr (back, ==, "P1,P2,C1");
}

int
main (int    argc,
      char **argv)
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/schedule/bad-tokens", test_bad_tokens);
  g_test_add_func ("/schedule/lost-item-replays", test_lost_item_replays);
  g_test_add_func ("/schedule/semaphores-clean", test_semaphores_clean);
  g_test_add_func ("/schedule/exited-process", test_exited_process);

  return g_test_run ();
}
