/* shmviz-scheduler-steps.c — one pick, one step
 *
 * A pick grants one step to one worker, asynchronously; when the region is
 * quiet the outcome is told in the caption and, with the quiz on, scored.
 * Apart because it is the path of a single step, from pick to caption.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <glib/gi18n.h>

#include "schedule.h"
#include "shmviz-scheduler-internal.h"

void
_shmviz_scheduler_set_caption (ShmvizScheduler *self,
                               char            *caption)
{
  g_free (self->caption);
  self->caption = caption;
}

static void
step_done (GObject      *source,
           GAsyncResult *result,
           gpointer      user_data)
{
  ShmvizScheduler *self = user_data;
  g_autoptr(GError) error = NULL;
  ShmvizStepOutcome outcome;
  g_autofree char *who = NULL;
  guint before_anomalies;
  ShmvizProcView pv;

  if (!shmviz_schedule_step_finish (SHMVIZ_SESSION (source), result, &outcome, &error))
    {
      if (!g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        {
          self->busy = FALSE;
          _shmviz_scheduler_set_caption (self, g_strdup (error->message));
          gtk_label_set_text (self->status_label, error->message);
        }
      g_object_unref (self);
      return;
    }

  self->busy = FALSE;
  before_anomalies = GPOINTER_TO_UINT (g_object_get_data (G_OBJECT (self), "anomalies-before"));
  g_array_append_val (self->schedule, outcome.proc);
  self->last_proc = outcome.proc;
  who = _shmviz_scheduler_proc_label (self, outcome.proc);

  if (shmviz_model_get_proc (shmviz_session_get_model (self->session), outcome.proc, &pv))
    {
      /* A step that recorded nothing (off mode's way in) left the
       * process's last event where it was. */
      self->silent[outcome.proc] = pv.last_ns == self->last_ns[outcome.proc] && !outcome.exited;
      self->last_ns[outcome.proc] = pv.last_ns;
    }

  if (outcome.exited)
    _shmviz_scheduler_set_caption (self, g_strdup_printf (_("%s finished and exited."), who));
  else if (outcome.blocked)
    _shmviz_scheduler_set_caption (self, g_strdup_printf (_("%s went to sleep waiting for %s."), who, _shmviz_scheduler_sem_name (pv.wait_sem)));
  else if (outcome.n_anomalies > before_anomalies)
    _shmviz_scheduler_set_caption (self, g_strdup_printf (_("%s’s step caused a race: see the race log."), who));
  else
    {
      int line = _shmviz_scheduler_line_of (self, outcome.proc, &pv);
      guint role = outcome.proc < self->n_producers ? 0 : 1;

      _shmviz_scheduler_set_caption (self, line >= 0
                                     ? g_strdup_printf (_("%s ran “%s”."), who, _(self->lines[role][line].code))
                                     : g_strdup_printf (_("%s took a step."), who));
    }

  if (self->quiz_guess >= 0)
    {
      gint actual = outcome.exited ? ANSWER_EXIT
                    : outcome.n_anomalies > before_anomalies ? ANSWER_RACE
                    : outcome.blocked ? ANSWER_BLOCK : ANSWER_PROCEED;

      self->quiz_asked++;
      if (actual == self->quiz_guess)
        self->quiz_right++;
      {
        g_autofree char *old = g_strdup (self->caption);
        _shmviz_scheduler_set_caption (self, g_strdup_printf (actual == self->quiz_guess ? _("Right! %s") : _("Not quite: %s"), old));
      }
      self->quiz_guess = -1;
    }

  _shmviz_scheduler_refresh (self);
  g_object_unref (self);
}

void
_shmviz_scheduler_do_step (ShmvizScheduler *self,
                           guint            proc)
{
  self->busy = TRUE;
  g_object_set_data (G_OBJECT (self), "anomalies-before",
                     GUINT_TO_POINTER (shmviz_model_get_anomalies (shmviz_session_get_model (self->session), 0, NULL)));
  _shmviz_scheduler_refresh (self);
  shmviz_schedule_step_async (self->session, proc, self->cancellable, step_done, g_object_ref (self));
}

gboolean
shmviz_scheduler_pick (ShmvizScheduler *self,
                       guint            proc)
{
  g_return_val_if_fail (SHMVIZ_IS_SCHEDULER (self), FALSE);

  if (!self->active)
    return FALSE;
  if (self->busy || self->session == NULL || !shmviz_session_get_running (self->session) ||
      proc >= self->n_procs)
    return TRUE;

  if (gtk_check_button_get_active (self->quiz_check))
    _shmviz_scheduler_ask_quiz (self, proc);
  else
    _shmviz_scheduler_do_step (self, proc);
  return TRUE;
}
