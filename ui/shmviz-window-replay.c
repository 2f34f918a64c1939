/* shmviz-window-replay.c — showing a recording instead of a run
 *
 * Switching the views to a replay's model and back to a live session.
 * Apart because a replay takes the place of the session: the same
 * state is reset as by a restart, and the replay bar comes and goes.
 * Opening and recording files is in ui/shmviz-replay-source.c.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <string.h>

#include "shmviz-window-internal.h"

/* Shows @replay's model in the views instead of a live session; NULL goes
 * back to a live run.  Opening a file goes through
 * shmviz_window_open_recording(), which reads it off the main loop. */
void
shmviz_window_set_replay (ShmvizWindow *self,
                          ShmvizReplay *replay)
{
  g_return_if_fail (SHMVIZ_IS_WINDOW (self));

  if (replay == NULL)
    {
      _shmviz_window_start_session (self, NULL);
      return;
    }

  g_object_ref (replay);
  _shmviz_window_retire_session (self);
  shmviz_recorder_button_stop (self->recorder_button);
  g_clear_pointer (&self->model, shmviz_model_unref);
  g_clear_object (&self->replay);
  self->replay = replay;
  self->model = shmviz_model_ref (shmviz_replay_get_model (replay));
  self->scenario = *shmviz_replay_get_scenario (replay);

  _shmviz_window_hide_banner (self);
  self->have_deadlock = FALSE;
  self->anomaly_index = 0;
  self->last_generation = G_MAXUINT64;
  self->selected_proc = G_MAXUINT;
  shmviz_race_log_clear (self->race_log);
  shmviz_announcer_clear (self->announcer);
  adw_view_stack_page_set_needs_attention (self->race_log_page, FALSE);
  shmviz_process_view_set_highlight (self->process_view, NULL, 0);
  shmviz_buffer_view_set_highlight (self->buffer_view, -1);

  shmviz_snapshot_clear (&self->snap);
  memset (&self->snap, 0, sizeof self->snap);
  shmviz_model_snapshot (self->model, &self->snap);
  _shmviz_window_set_views_model (self);
  _shmviz_window_refresh (self);

  shmviz_replay_bar_set_replay (self->replay_bar, replay);
  /* Hidden outright when closed: GTK 4.8's revealer without a transition
   * still takes its child's height. */
  gtk_widget_set_visible (GTK_WIDGET (self->replay_revealer), TRUE);
  gtk_revealer_set_reveal_child (self->replay_revealer, TRUE);
  _shmviz_window_update_controls (self);
  _shmviz_window_ensure_ticking (self);
}
