/* soak.c — a long run at full speed while a chaos loop kills and restarts
 * a random worker every second; prints figures, asserts nothing
 *
 * Usage: soak [SECONDS] [PRODUCERS] [CONSUMERS]
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>

#include "ledger.h"
#include "session-private.h"
#include "session.h"

typedef struct {
  ShmvizSession *session;
  GMainLoop     *loop;
  GRand         *rand;
  guint          n_procs;
  guint          injected;
  guint          recovered;
  guint          restart_failures;
  gint           pending_restart;
  gboolean       finished;
  glong          peak_rss_kib;
  glong          rss_after_warmup_kib;
  guint          ticks;
} Soak;

static glong
current_rss_kib (void)
{
  g_autofree char *status = NULL;
  const char *p;

  if (!g_file_get_contents ("/proc/self/status", &status, NULL, NULL) ||
      !(p = strstr (status, "VmRSS:")))
    return 0;
  return (glong) g_ascii_strtoll (p + 6, NULL, 10);
}

static void
sample_rss (Soak *s)
{
  struct rusage ru;

  getrusage (RUSAGE_SELF, &ru);
  s->peak_rss_kib = MAX (s->peak_rss_kib, ru.ru_maxrss);
}

/* After a death: rebuild the shared state at a safe point (the victim may
 * have held the mutex or a token), then start the victim again. */
static gboolean
restart_victim (gpointer data)
{
  Soak *s = data;
  g_autoptr(GError) error = NULL;

  if (s->pending_restart < 0 || s->finished)
    return G_SOURCE_REMOVE;
  if (shmviz_session_get_worker_pid (s->session, (guint) s->pending_restart) != 0)
    return G_SOURCE_CONTINUE;  /* not reaped yet */

  shmviz_session_recover (s->session);
  if (shmviz_session_restart_worker (s->session, (guint) s->pending_restart, &error))
    s->recovered++;
  else
    {
      s->restart_failures++;
      g_printerr ("soak: %s\n", error->message);
    }
  s->pending_restart = -1;
  return G_SOURCE_REMOVE;
}

static gboolean
chaos (gpointer data)
{
  Soak *s = data;
  guint victim;
  GPid pid;

  sample_rss (s);
  if (++s->ticks == 5)
    s->rss_after_warmup_kib = current_rss_kib ();
  if (s->pending_restart >= 0)
    return G_SOURCE_CONTINUE;

  victim = g_rand_int_range (s->rand, 0, (gint32) s->n_procs);
  pid = shmviz_session_get_worker_pid (s->session, victim);
  if (pid <= 0)
    return G_SOURCE_CONTINUE;
  kill (pid, SIGKILL);
  s->injected++;
  s->pending_restart = (gint) victim;
  g_timeout_add (20, restart_victim, s);
  return G_SOURCE_CONTINUE;
}

static void
on_finished (ShmvizSession *session,
             Soak          *s)
{
  s->finished = TRUE;
  g_main_loop_quit (s->loop);
}

static gboolean
end_run (gpointer data)
{
  Soak *s = data;

  shmviz_session_stop (s->session);
  return G_SOURCE_REMOVE;
}

int
main (int    argc,
      char **argv)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GArray) anomalies = g_array_new (FALSE, FALSE, sizeof (ShmvizAnomaly));
  guint seconds = argc > 1 ? (guint) atoi (argv[1]) : 600;
  ShmvizScenario sc;
  ShmvizTotals t;
  Soak s = { 0 };
  guint chaos_id;
  guint64 lost_by_recovery = 0, lost_by_workers = 0;

  shmviz_scenario_init_fast (&sc);
  for (guint i = 0; i < SHMVIZ_N_TIMINGS; i++)
    sc.timing_ns[i] = 0;
  sc.n_producers = argc > 2 ? (guint) atoi (argv[2]) : 16;
  sc.n_consumers = argc > 3 ? (guint) atoi (argv[3]) : 16;
  sc.items = 0;
  sc.sync = SHMVIZ_SYNC_SEMAPHORES;
  if (!shmviz_scenario_validate (&sc, &error))
    {
      g_printerr ("soak: %s\n", error->message);
      return 2;
    }

  s.loop = g_main_loop_new (NULL, FALSE);
  s.rand = g_rand_new_with_seed (42);
  s.n_procs = sc.n_producers + sc.n_consumers;
  s.pending_restart = -1;
  s.session = shmviz_session_new (&sc);
  g_signal_connect (s.session, "finished", G_CALLBACK (on_finished), &s);
  if (!shmviz_session_start (s.session, &error))
    {
      g_printerr ("soak: %s\n", error->message);
      return 1;
    }

  chaos_id = g_timeout_add_seconds (1, chaos, &s);
  g_timeout_add_seconds (seconds, end_run, &s);
  g_main_loop_run (s.loop);
  g_source_remove (chaos_id);
  sample_rss (&s);

  shmviz_model_get_totals (shmviz_session_get_model (s.session), &t);
  shmviz_model_get_anomalies (shmviz_session_get_model (s.session), 0, anomalies);
  for (guint i = 0; i < anomalies->len; i++)
    {
      const ShmvizAnomaly *a = &g_array_index (anomalies, ShmvizAnomaly, i);

      if (a->kind != SHMVIZ_ANOMALY_LOST)
        continue;
      /* The recovery clears what a dead producer half wrote: accounted. */
      if (a->actor == SHMVIZ_PROC_SUPERVISOR)
        lost_by_recovery++;
      else
        lost_by_workers++;
    }

  printf ("| figure | value |\n|---|---|\n");
  printf ("| duration | %u s, %u producers × %u consumers, semaphores, full speed |\n",
          seconds, sc.n_producers, sc.n_consumers);
  printf ("| items produced / consumed | %" G_GUINT64_FORMAT " / %" G_GUINT64_FORMAT " |\n",
          t.produced, t.consumed);
  printf ("| faults injected / recovered | %u / %u (restart failures %u) |\n",
          s.injected, s.recovered, s.restart_failures);
  printf ("| items lost | %" G_GUINT64_FORMAT " (held half-written by killed producers, cleared by recovery: %"
          G_GUINT64_FORMAT "; other: %" G_GUINT64_FORMAT ") |\n",
          t.lost, lost_by_recovery, lost_by_workers);
  printf ("| other anomalies | duplicated %" G_GUINT64_FORMAT ", empty reads %" G_GUINT64_FORMAT
          ", corrupt %" G_GUINT64_FORMAT ", index drift %" G_GUINT64_FORMAT ", deadlocks %" G_GUINT64_FORMAT " |\n",
          t.duplicated, t.empty_reads, t.corrupt, t.index_drift, t.deadlocks);
  printf ("| conservation | produced %s consumed + lost + in buffer |\n",
          t.produced == t.consumed + t.lost + t.in_buffer ? "=" : "≠");
  printf ("| dropped events | %" G_GUINT64_FORMAT " |\n", t.dropped_events);
  printf ("| RSS of the supervisor | %ld KiB after 5 s, %ld KiB at the end, %ld KiB peak |\n",
          s.rss_after_warmup_kib, current_rss_kib (), s.peak_rss_kib);

  g_object_unref (s.session);
  g_rand_free (s.rand);
  g_main_loop_unref (s.loop);
  return 0;
}
