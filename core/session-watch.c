/* session-watch.c — noticing deadlocks, stalls, stopped and dead workers,
 * and saying what they mean
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <glib/gi18n.h>
#include <string.h>

#include "worker.h"
#include "session-private.h"

/* 'T' (stopped by a signal) or 't' (stopped by a tracer) in /proc/PID/stat. */
static gboolean
pid_is_stopped (GPid pid)
{
  g_autofree char *path = g_strdup_printf ("/proc/%d/stat", (int) pid);
  g_autofree char *contents = NULL;
  const char *p;

  if (pid <= 0 || !g_file_get_contents (path, &contents, NULL, NULL))
    return FALSE;
  if (!(p = strrchr (contents, ')')) || p[1] != ' ')
    return FALSE;
  return p[2] == 'T' || p[2] == 't';
}

/* A stopped process records nothing, so its state is learnt from the
 * kernel, and only the kernel calls it dead. */
static void
poll_stopped (ShmvizSession *self,
              guint64        now)
{
  /* A /proc read per worker: 128 of them five times a second were most of
   * what a paused session still cost. */
  guint64 every = atomic_load (&shmviz_region_header (self->region)->run_state) == SHMVIZ_RUN_PAUSED
                  ? STOPPED_POLL_PAUSED_NS : STOPPED_POLL_NS;

  if (now - self->last_stopped_poll < every)
    return;
  self->last_stopped_poll = now;

  for (guint i = 0; i < self->n_procs; i++)
    {
      GPid pid = g_atomic_int_get (&self->pids[i]);
      gboolean stopped = !_shmviz_session_proc_gone (self, i) && pid_is_stopped (pid);

      if (stopped != self->stopped[i])
        {
          self->stopped[i] = stopped;
          _shmviz_session_push_control (self, SHMVIZ_EV_STOPPED, 0, (guint16) i, stopped ? 1 : 0, 0, 0);
        }
    }
}

static const char *
held_words (guint held)
{
  if (held & SHMVIZ_HELD_MUTEX)
    return _("the mutex");
  if (held & SHMVIZ_HELD_EMPTY)
    return _("an empty-slot token");
  if (held & SHMVIZ_HELD_FULL)
    return _("a full-slot token");
  return NULL;
}

/* Nobody has progressed for the watchdog's time: say who is stopped and
 * who waits, so a frozen demo explains itself. */
static char *
describe_stall (ShmvizSession *self)
{
  g_autoptr(GString) stopped = g_string_new (NULL);
  g_autoptr(GString) waiting = g_string_new (NULL);
  guint n_stopped = 0, n_waiting = 0;

  for (guint i = 0; i < self->n_procs; i++)
    {
      ShmvizProcBlock *p = shmviz_region_proc (self->region, i);
      g_autofree char *label = shmviz_proc_label (i, self->scenario.n_producers);
      guint32 state = atomic_load (&p->state);

      if (_shmviz_session_proc_gone (self, i) || state == SHMVIZ_PROC_STATE_EXITED)
        continue;
      if (self->stopped[i])
        {
          const char *held = held_words (atomic_load (&p->held) & 7);

          if (n_stopped++)
            g_string_append (stopped, ", ");
          if (held)
            /* Translators: "C1 (holding the mutex)" */
            g_string_append_printf (stopped, _("%s (holding %s)"), label, held);
          else
            g_string_append (stopped, label);
        }
      else if (state == SHMVIZ_PROC_STATE_ACQUIRING)
        {
          guint32 sem = atomic_load (&p->wait_sem);

          if (n_waiting++)
            g_string_append (waiting, ", ");
          /* Translators: "P1 on empty" */
          g_string_append_printf (waiting, _("%s on %s"), label, shmviz_sem_name (sem));
        }
    }

  if (n_stopped > 0 && n_waiting > 0)
    return g_strdup_printf (_("Nobody has made progress for %.1f s: %s %s stopped by a signal, "
                              "and %s %s waiting (%s). Send SIGCONT or kill it to go on."),
                            self->watchdog_ns / 1e9, stopped->str,
                            n_stopped == 1 ? _("is") : _("are"),
                            n_waiting == 1 ? _("one process") : _("the others"),
                            n_waiting == 1 ? _("is") : _("are"), waiting->str);
  if (n_stopped > 0)
    return g_strdup_printf (_("Nobody has made progress for %.1f s: %s %s stopped by a signal."),
                            self->watchdog_ns / 1e9, stopped->str, n_stopped == 1 ? _("is") : _("are"));
  if (n_waiting > 0)
    return g_strdup_printf (_("Nobody has made progress for %.1f s: every process is waiting (%s)."),
                            self->watchdog_ns / 1e9, waiting->str);
  return g_strdup_printf (_("Nobody has made progress for %.1f s."), self->watchdog_ns / 1e9);
}

static void
check_watchdog (ShmvizSession *self,
                guint64        now)
{
  /* Not before the start, a pause, a barrier or the last step counted:
   * nobody moved then by design, or somebody did. */
  guint64 newest = self->watch_since;
  gboolean any_live = FALSE;

  for (guint i = 0; i < self->n_procs; i++)
    {
      /* Without instrumentation there are no events to date progress
       * by, only the step counters; with it, a counter that moved is
       * progress whose events may still be on their way.  The counter
       * is the worker's to write: only whether it changed is used. */
      guint64 steps = atomic_load_explicit (&shmviz_region_proc (self->region, i)->steps,
                                            memory_order_relaxed);

      if (steps != self->steps_seen[i])
        {
          self->steps_seen[i] = steps;
          self->watch_since = newest = now;
        }
      newest = MAX (newest, self->last_ts[i]);
      any_live |= !_shmviz_session_proc_gone (self, i);
    }

  /* Progress, or a state in which nobody is supposed to move. */
  if (g_atomic_int_get (&self->paused) || self->barrier_active)
    {
      self->watch_since = now;
      return;
    }
  if (newest + self->watchdog_ns > now || !any_live)
    {
      if (newest + self->watchdog_ns > now)
        self->stall_reported = FALSE;
      return;
    }
  if (self->stall_reported || shmviz_model_in_deadlock (self->model))
    return;

  self->stall_reported = TRUE;
  _shmviz_session_notify_main_full (self, NOTIFY_STALLED, NULL, describe_stall (self));
}

void
_shmviz_session_check_progress (ShmvizSession *self,
                guint64        now)
{
  ShmvizTotals totals;
  gboolean producers_done = TRUE;
  gboolean drained = FALSE;

  if (now - self->last_stall_check < STALL_CHECK_NS)
    return;
  self->last_stall_check = now;

  /* Stopping, the workers still blocked are on their way out, not stuck:
   * one that notices the stop only when its wait times out would
   * otherwise read as a deadlock. */
  if (atomic_load (&shmviz_region_header (self->region)->run_state) != SHMVIZ_RUN_STOPPING &&
      shmviz_model_check_stall (self->model, now, STALL_NS) > 0 && !self->deadlock_reported)
    {
      self->deadlock_reported = TRUE;
      _shmviz_session_notify_main (self, NOTIFY_DEADLOCK, NULL);
    }
  /* A later, different deadlock (after a recovery) is news again. */
  if (self->deadlock_reported && !shmviz_model_in_deadlock (self->model))
    self->deadlock_reported = FALSE;

  poll_stopped (self, now);
  check_watchdog (self, now);

  if (self->scenario.items == 0 || self->drained_reported)
    return;

  /* A run of N items ends when producers are done and the buffer has
   * drained (or, unsynchronized, when consumers stop finding anything). */
  for (guint i = 0; i < self->scenario.n_producers; i++)
    {
      ShmvizProcBlock *p = shmviz_region_proc (self->region, i);

      if (!_shmviz_session_proc_gone (self, i) && atomic_load (&p->state) != SHMVIZ_PROC_STATE_EXITED)
        producers_done = FALSE;
    }
  if (!producers_done)
    return;
  if (self->producers_done_at == 0)
    self->producers_done_at = now;

  shmviz_model_get_totals (self->model, &totals);
  if (self->scenario.instrument
      ? (totals.in_buffer == 0 && totals.produced >= self->scenario.items)
      : shmviz_session_count_items (self, TRUE) >= shmviz_session_count_items (self, FALSE))
    drained = TRUE;
  if (drained || now - self->producers_done_at > DRAIN_QUIET_NS * 4)
    {
      self->drained_reported = TRUE;
      _shmviz_session_notify_main (self, NOTIFY_DRAINED, NULL);
    }
}

/* What the dead process held, from its own block in the region (POSIX
 * semaphores have no owner to ask), and what it was doing, from the model. */
char *
_shmviz_session_describe_death (ShmvizSession *self,
                guint          i,
                gint           status,
                gboolean       signaled)
{
  ShmvizProcBlock *p = shmviz_region_proc (self->region, i);
  g_autofree char *label = shmviz_proc_label (i, self->scenario.n_producers);
  g_autofree char *how = NULL;
  const char *held = held_words (atomic_load (&p->held) & 7);

  if (signaled)
    how = g_strdup_printf (_("%s was killed by signal %d (%s)"), label, status, g_strsignal (status));
  else if (status == SHMVIZ_WORKER_EXIT_CORRUPT)
    how = g_strdup_printf (_("%s found the shared region corrupt and detached"), label);
  else
    how = g_strdup_printf (_("%s exited with status %d"), label, status);

  if (held && (atomic_load (&p->held) & SHMVIZ_HELD_MUTEX))
    return g_strdup_printf (_("%s while holding the mutex: whoever waits for it is now blocked. "
                              "Recover to rebuild the semaphores from the buffer."), how);
  if (held)
    return g_strdup_printf (_("%s while holding %s."), how, held);
  return g_strdup_printf ("%s.", how);
}
