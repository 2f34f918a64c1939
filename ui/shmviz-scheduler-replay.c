/* shmviz-scheduler-replay.c — a schedule run again
 *
 * Step back and a lesson's schedule both restart the scenario, then run a
 * list of steps on the fresh session at once.  Apart because it is the
 * other way steps happen, many at a time, and only on a new session.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <glib/gi18n.h>

#include "schedule.h"
#include "shmviz-scheduler-internal.h"

static void
replay_done (GObject      *source,
             GAsyncResult *result,
             gpointer      user_data)
{
  ShmvizScheduler *self = user_data;
  g_autoptr(GError) error = NULL;

  if (!shmviz_schedule_run_finish (SHMVIZ_SESSION (source), result, &error) &&
      g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    {
      g_object_unref (self);
      return;
    }
  self->busy = FALSE;
  if (error != NULL)
    _shmviz_scheduler_set_caption (self, g_strdup (error->message));
  else if (self->replay != NULL)
    {
      g_array_append_vals (self->schedule, self->replay->data, self->replay->len);
      self->last_proc = self->replay->len > 0 ? g_array_index (self->replay, guint, self->replay->len - 1)
                                              : G_MAXUINT;
      _shmviz_scheduler_set_caption (self, g_strdup (self->replaying_lesson
                                                     ? _("Replayed the lesson’s schedule.")
                                                     : _("Stepped back: the run replayed every step before the last.")));
    }
  g_clear_pointer (&self->replay, g_array_unref);
  self->replaying_lesson = FALSE;
  /* The silent-step marks are lost with the old session; recompute them
   * cheaply by assuming none (only off mode's first move is silent). */
  _shmviz_scheduler_refresh (self);
  g_object_unref (self);
}

void
_shmviz_scheduler_replay_pending (ShmvizScheduler *self)
{
  g_autoptr(GArray) none = NULL;
  GArray *steps;

  if (self->session == NULL || !shmviz_session_get_running (self->session))
    return;
  steps = self->replay ? self->replay : (none = g_array_new (FALSE, FALSE, sizeof (guint)));
  self->busy = TRUE;
  _shmviz_scheduler_refresh (self);
  shmviz_schedule_run_async (self->session, (const guint *) (void *) steps->data, steps->len,
                             self->cancellable, replay_done, g_object_ref (self));
}
