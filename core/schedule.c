/* schedule.c — drives a session through a chosen interleaving
 *
 * The engine already has the gate: a paused worker waits at each step
 * boundary for a step credit (worker.c boundary()).  What it lacks is a
 * notion of "the step is over", and without one the next grant would race
 * the last.  We poll the process blocks for quiet: each live worker either
 * sleeps at a boundary with no credit left, or sleeps on a semaphore whose
 * value is 0 (a positive value means a post is about to wake it), and
 * every event ring is drained into the model.  Quiet must hold for a few
 * polls in a row, so a worker between two futex naps is not mistaken for
 * a busy one and the other way round.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <glib/gi18n.h>
#include <string.h>

#include "schedule.h"
#include "session-private.h"

#define POLL_MS          2
#define QUIET_POLLS      4
/* A loaded two-core machine can keep a worker off the CPU for a while:
 * be patient before calling a step stuck. */
#define SETTLE_TIMEOUT_S 20

G_DEFINE_QUARK (shmviz-schedule-error-quark, shmviz_schedule_error)

GArray *
shmviz_schedule_parse (const char           *text,
                       const ShmvizScenario *scenario,
                       GError              **error)
{
  g_autoptr(GArray) procs = g_array_new (FALSE, FALSE, sizeof (guint));
  g_auto(GStrv) tokens = NULL;
  guint position = 0;

  g_return_val_if_fail (text != NULL && scenario != NULL, NULL);

  tokens = g_strsplit_set (text, ", \t\n", -1);
  for (guint i = 0; tokens[i] != NULL; i++)
    {
      const char *t = tokens[i];
      gboolean producer;
      guint64 n;
      guint limit;

      if (*t == '\0')
        continue;
      position++;
      producer = (t[0] == 'P' || t[0] == 'p');
      if (!(producer || t[0] == 'C' || t[0] == 'c') ||
          !g_ascii_string_to_unsigned (t + 1, 10, 1, G_MAXUINT16, &n, NULL))
        {
          g_set_error (error, SHMVIZ_SCHEDULE_ERROR, SHMVIZ_SCHEDULE_ERROR_PARSE,
                       _("Schedule step %u, “%s”, is not a process: write P1, P2… for producers "
                         "and C1, C2… for consumers"), position, t);
          return NULL;
        }
      limit = producer ? scenario->n_producers : scenario->n_consumers;
      if (n > limit)
        {
          g_set_error (error, SHMVIZ_SCHEDULE_ERROR, SHMVIZ_SCHEDULE_ERROR_RANGE,
                       producer
                       ? _("Schedule step %u, “%s”, names a producer the scenario lacks: it has P1 to P%u")
                       : _("Schedule step %u, “%s”, names a consumer the scenario lacks: it has C1 to C%u"),
                       position, t, limit);
          return NULL;
        }
      {
        guint proc = producer ? (guint) n - 1 : scenario->n_producers + (guint) n - 1;
        g_array_append_val (procs, proc);
      }
    }

  if (procs->len == 0)
    {
      g_set_error (error, SHMVIZ_SCHEDULE_ERROR, SHMVIZ_SCHEDULE_ERROR_PARSE,
                   _("The schedule is empty: list processes such as “P1,P2,C1”"));
      return NULL;
    }
  return g_steal_pointer (&procs);
}

char *
shmviz_schedule_to_string (const guint *procs,
                           guint        n_procs,
                           guint        n_producers)
{
  GString *out = g_string_new (NULL);

  for (guint i = 0; i < n_procs; i++)
    {
      if (i > 0)
        g_string_append_c (out, ',');
      if (procs[i] < n_producers)
        g_string_append_printf (out, "P%u", procs[i] + 1);
      else
        g_string_append_printf (out, "C%u", procs[i] - n_producers + 1);
    }
  return g_string_free (out, FALSE);
}

void
shmviz_schedule_prepare (ShmvizSession *session)
{
  g_return_if_fail (SHMVIZ_IS_SESSION (session));

  shmviz_session_set_paused (session, TRUE);
  shmviz_session_set_speed (session, 0);
}

static guint
n_procs_of (ShmvizSession *session)
{
  const ShmvizScenario *s = shmviz_session_get_scenario (session);

  return s->n_producers + s->n_consumers;
}

gboolean
shmviz_schedule_proc_exited (ShmvizSession *session,
                             guint          proc)
{
  ShmvizRegion *region;
  ShmvizProcBlock *p;

  if (!shmviz_session_get_running (session) || !(region = shmviz_session_get_region (session)))
    return TRUE;
  if (!(p = shmviz_region_proc (region, proc)))
    return TRUE;
  if (atomic_load (&p->state) == SHMVIZ_PROC_STATE_EXITED)
    return TRUE;
  /* Spawned once (it wrote its pid) and reaped since: dead. */
  return atomic_load (&p->pid) != 0 && shmviz_session_get_worker_pid (session, proc) == 0;
}

gboolean
shmviz_schedule_proc_blocked (ShmvizSession *session,
                              guint          proc)
{
  ShmvizRegion *region;
  ShmvizProcBlock *p;

  if (!shmviz_session_get_running (session) || !(region = shmviz_session_get_region (session)))
    return FALSE;
  if (!(p = shmviz_region_proc (region, proc)) || shmviz_schedule_proc_exited (session, proc))
    return FALSE;
  return atomic_load (&p->state) == SHMVIZ_PROC_STATE_ACQUIRING && atomic_load (&p->idle) == 1;
}

/* One look at worker @proc: is it still on its way somewhere? */
static gboolean
proc_quiet (ShmvizSession *session,
            ShmvizRegion  *region,
            guint          proc)
{
  ShmvizRegionHeader *h = shmviz_region_header (region);
  ShmvizProcBlock *p = shmviz_region_proc (region, proc);
  guint32 state;

  if (shmviz_schedule_proc_exited (session, proc))
    return atomic_load (&p->head) == atomic_load (&p->tail);

  state = atomic_load (&p->state);
  if (state == SHMVIZ_PROC_STATE_NEW || atomic_load (&p->pid) == 0)
    return FALSE;
  if (atomic_load (&p->idle) != 1)
    return FALSE;
  if (atomic_load (&p->head) != atomic_load (&p->tail))
    return FALSE;

  if (state == SHMVIZ_PROC_STATE_ACQUIRING)
    {
      guint32 sem = atomic_load (&p->wait_sem);
      int value = 0;

      if (atomic_load (&h->mode) == SHMVIZ_SYNC_LOCK_FREE || sem >= SHMVIZ_N_SEMS)
        return TRUE;
      /* A token is there for the taking: a waiter is about to wake. */
      sem_getvalue (&h->sems[sem], &value);
      return value <= 0;
    }
  return atomic_load (&p->step_credit) == 0;
}

typedef struct {
  ShmvizSession *session;
  guint          proc;          /* G_MAXUINT: settle only */
  guint64        steps_before;
  guint          quiet;
  guint64        last_events;
  gint64         deadline_us;
  /* run: */
  GArray        *procs;
  guint          next;
} SettleData;

static void
settle_data_free (SettleData *d)
{
  g_clear_object (&d->session);
  g_clear_pointer (&d->procs, g_array_unref);
  g_free (d);
}

static gboolean
region_quiet (SettleData *d)
{
  ShmvizRegion *region = shmviz_session_get_region (d->session);
  guint n = n_procs_of (d->session);

  for (guint i = 0; i < n; i++)
    {
      if (!proc_quiet (d->session, region, i))
        return FALSE;
      if (i == d->proc && !shmviz_schedule_proc_exited (d->session, i) &&
          !shmviz_schedule_proc_blocked (d->session, i) &&
          atomic_load (&shmviz_region_proc (region, i)->steps) <= d->steps_before)
        return FALSE;
    }
  return TRUE;
}

static gboolean
settle_poll (gpointer user_data)
{
  GTask *task = user_data;
  SettleData *d = g_task_get_task_data (task);
  ShmvizTotals totals;

  if (g_task_return_error_if_cancelled (task))
    return G_SOURCE_REMOVE;
  if (!shmviz_session_get_running (d->session))
    {
      /* Everything exited and the session finished: as quiet as it gets. */
      g_task_return_boolean (task, TRUE);
      return G_SOURCE_REMOVE;
    }

  shmviz_model_get_totals (shmviz_session_get_model (d->session), &totals);
  if (region_quiet (d) && totals.events == d->last_events)
    d->quiet++;
  else
    d->quiet = 0;
  d->last_events = totals.events;

  if (d->quiet >= QUIET_POLLS)
    {
      g_task_return_boolean (task, TRUE);
      return G_SOURCE_REMOVE;
    }
  if (g_get_monotonic_time () > d->deadline_us)
    {
      g_task_return_new_error (task, SHMVIZ_SCHEDULE_ERROR, SHMVIZ_SCHEDULE_ERROR_TIMEOUT,
                               _("The processes did not come to rest within %d seconds"),
                               SETTLE_TIMEOUT_S);
      return G_SOURCE_REMOVE;
    }
  return G_SOURCE_CONTINUE;
}

static void
start_polling (GTask *task)
{
  SettleData *d = g_task_get_task_data (task);
  g_autoptr(GSource) source = g_timeout_source_new (POLL_MS);

  d->quiet = 0;
  d->last_events = G_MAXUINT64;
  d->deadline_us = g_get_monotonic_time () + SETTLE_TIMEOUT_S * G_USEC_PER_SEC;
  g_task_attach_source (task, source, settle_poll);
}

void
shmviz_schedule_settle_async (ShmvizSession       *session,
                              GCancellable        *cancellable,
                              GAsyncReadyCallback  callback,
                              gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;
  SettleData *d;

  g_return_if_fail (SHMVIZ_IS_SESSION (session));

  task = g_task_new (session, cancellable, callback, user_data);
  g_task_set_source_tag (task, shmviz_schedule_settle_async);
  d = g_new0 (SettleData, 1);
  d->session = g_object_ref (session);
  d->proc = G_MAXUINT;
  g_task_set_task_data (task, d, (GDestroyNotify) settle_data_free);
  start_polling (task);
}

gboolean
shmviz_schedule_settle_finish (ShmvizSession *session,
                               GAsyncResult  *result,
                               GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, session), FALSE);
  return g_task_propagate_boolean (G_TASK (result), error);
}

/* Grants the step of @task's proc; FALSE with the task returned when it
 * cannot. */
static gboolean
grant (GTask *task)
{
  SettleData *d = g_task_get_task_data (task);
  ShmvizRegion *region;
  const ShmvizScenario *s = shmviz_session_get_scenario (d->session);

  if (!shmviz_session_get_running (d->session) || !(region = shmviz_session_get_region (d->session)))
    {
      g_task_return_new_error (task, SHMVIZ_SCHEDULE_ERROR, SHMVIZ_SCHEDULE_ERROR_NOT_RUNNING,
                               _("The run has ended: no process can take a step"));
      return FALSE;
    }
  if (d->proc >= n_procs_of (d->session))
    {
      g_task_return_new_error (task, SHMVIZ_SCHEDULE_ERROR, SHMVIZ_SCHEDULE_ERROR_RANGE,
                               _("There is no process %u"), d->proc);
      return FALSE;
    }
  if (shmviz_schedule_proc_exited (d->session, d->proc))
    {
      g_autofree char *label = d->proc < s->n_producers
                               ? g_strdup_printf ("P%u", d->proc + 1)
                               : g_strdup_printf ("C%u", d->proc - s->n_producers + 1);
      g_task_return_new_error (task, SHMVIZ_SCHEDULE_ERROR, SHMVIZ_SCHEDULE_ERROR_EXITED,
                               _("%s has already exited: it takes no more steps"), label);
      return FALSE;
    }

  d->steps_before = atomic_load (&shmviz_region_proc (region, d->proc)->steps);
  shmviz_session_step (d->session, d->proc);
  return TRUE;
}

void
shmviz_schedule_step_async (ShmvizSession       *session,
                            guint                proc,
                            GCancellable        *cancellable,
                            GAsyncReadyCallback  callback,
                            gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;
  SettleData *d;

  g_return_if_fail (SHMVIZ_IS_SESSION (session));

  task = g_task_new (session, cancellable, callback, user_data);
  g_task_set_source_tag (task, shmviz_schedule_step_async);
  d = g_new0 (SettleData, 1);
  d->session = g_object_ref (session);
  d->proc = proc;
  g_task_set_task_data (task, d, (GDestroyNotify) settle_data_free);
  if (grant (task))
    start_polling (task);
}

gboolean
shmviz_schedule_step_finish (ShmvizSession     *session,
                             GAsyncResult      *result,
                             ShmvizStepOutcome *outcome,
                             GError           **error)
{
  SettleData *d;
  ShmvizRegion *region;

  g_return_val_if_fail (g_task_is_valid (result, session), FALSE);

  if (!g_task_propagate_boolean (G_TASK (result), error))
    return FALSE;
  if (outcome != NULL)
    {
      d = g_task_get_task_data (G_TASK (result));
      memset (outcome, 0, sizeof *outcome);
      outcome->proc = d->proc;
      outcome->steps_before = d->steps_before;
      outcome->steps_after = d->steps_before;
      if (shmviz_session_get_running (session) && (region = shmviz_session_get_region (session)))
        outcome->steps_after = atomic_load (&shmviz_region_proc (region, d->proc)->steps);
      outcome->blocked = shmviz_schedule_proc_blocked (session, d->proc);
      outcome->exited = shmviz_schedule_proc_exited (session, d->proc);
      outcome->n_anomalies = shmviz_model_get_anomalies (shmviz_session_get_model (session), 0, NULL);
    }
  return TRUE;
}

static void run_next (GTask *task);

static void
run_step_done (GObject      *source,
               GAsyncResult *result,
               gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  GError *error = NULL;

  if (!g_task_propagate_boolean (G_TASK (result), &error))
    {
      if (g_error_matches (error, SHMVIZ_SCHEDULE_ERROR, SHMVIZ_SCHEDULE_ERROR_EXITED) ||
          g_error_matches (error, SHMVIZ_SCHEDULE_ERROR, SHMVIZ_SCHEDULE_ERROR_NOT_RUNNING))
        {
          SettleData *d = g_task_get_task_data (task);

          g_prefix_error (&error, _("Schedule step %u: "), d->next);
        }
      g_task_return_error (task, error);
      return;
    }
  run_next (task);
}

static void
run_next (GTask *task)
{
  SettleData *d = g_task_get_task_data (task);
  guint proc;

  if (d->next >= d->procs->len)
    {
      g_task_return_boolean (task, TRUE);
      return;
    }
  proc = g_array_index (d->procs, guint, d->next);
  d->next++;
  shmviz_schedule_step_async (d->session, proc, g_task_get_cancellable (task),
                              run_step_done, g_object_ref (task));
}

static void
run_settled (GObject      *source,
             GAsyncResult *result,
             gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  GError *error = NULL;

  if (!shmviz_schedule_settle_finish (SHMVIZ_SESSION (source), result, &error))
    g_task_return_error (task, error);
  else
    run_next (task);
}

void
shmviz_schedule_run_async (ShmvizSession       *session,
                           const guint         *procs,
                           guint                n_procs,
                           GCancellable        *cancellable,
                           GAsyncReadyCallback  callback,
                           gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;
  SettleData *d;

  g_return_if_fail (SHMVIZ_IS_SESSION (session));

  task = g_task_new (session, cancellable, callback, user_data);
  g_task_set_source_tag (task, shmviz_schedule_run_async);
  d = g_new0 (SettleData, 1);
  d->session = g_object_ref (session);
  d->proc = G_MAXUINT;
  d->procs = g_array_sized_new (FALSE, FALSE, sizeof (guint), n_procs);
  g_array_append_vals (d->procs, procs, n_procs);
  g_task_set_task_data (task, d, (GDestroyNotify) settle_data_free);
  shmviz_schedule_settle_async (session, cancellable, run_settled, g_object_ref (task));
}

gboolean
shmviz_schedule_run_finish (ShmvizSession *session,
                            GAsyncResult  *result,
                            GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, session), FALSE);
  return g_task_propagate_boolean (G_TASK (result), error);
}
