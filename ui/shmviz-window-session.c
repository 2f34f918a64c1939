/* shmviz-window-session.c — the session's lifecycle and its signals
 *
 * Starting a run from the settings, retiring the last one (it finishes
 * in the background), and what the window does when the session says it
 * finished, a process died, it stalled, it deadlocked, it failed, or its
 * mode or pause changed.  Apart because it is the one place that owns
 * the live ShmvizSession.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <string.h>

#include <glib/gi18n.h>

#include "shmviz-application.h"
#include "shmviz-fault-menu.h"
#include "shmviz-window-internal.h"

gboolean
_shmviz_window_session_running (ShmvizWindow *self)
{
  return self->session != NULL && shmviz_session_get_running (self->session);
}

static void
dying_session_finished (ShmvizSession *session,
                        ShmvizWindow  *self)
{
  g_signal_handlers_disconnect_by_data (session, self);
  g_ptr_array_remove_fast (self->dying, session);
  _shmviz_window_maybe_finish_close (self);
}

/* Stops the current session, if any, and lets it finish in the background. */
void
_shmviz_window_retire_session (ShmvizWindow *self)
{
  g_autoptr(ShmvizSession) session = g_steal_pointer (&self->session);

  g_clear_handle_id (&self->restart_id, g_source_remove);

  if (session == NULL)
    return;

  g_signal_handlers_disconnect_by_data (session, self);

  if (shmviz_session_get_running (session))
    {
      g_signal_connect (session, "finished", G_CALLBACK (dying_session_finished), self);
      g_ptr_array_add (self->dying, g_object_ref (session));
      shmviz_session_stop (session);
    }
}

static void
session_finished (ShmvizSession *session,
                  ShmvizWindow  *self)
{
  if (!self->user_stopped && !self->closing)
    _shmviz_window_toast (self, _("The run has finished"));

  _shmviz_window_update_controls (self);
  _shmviz_window_ensure_ticking (self);
}

static void
session_process_died (ShmvizSession *session,
                      guint          proc,
                      gint           status,
                      gboolean       signaled,
                      ShmvizWindow  *self)
{
  g_autofree char *label = shmviz_proc_label (proc, self->scenario.n_producers);
  g_autofree char *text = NULL;
  g_autofree char *message = NULL;
  ShmvizSnapshot snap = { 0 };
  gboolean held = FALSE;

  /* Deaths that follow our own stop request are expected, not news. */
  if (self->user_stopped || self->closing)
    return;

  if (!signaled && status == 0)
    return;

  /* The session says what it held; the model, folded up to the death,
   * says whether it held anything at all. */
  message = shmviz_session_dup_death_message (session, proc);
  shmviz_model_snapshot (self->model, &snap);
  if (proc < snap.n_procs && snap.procs != NULL)
    held = shmviz_fault_menu_view_holds (&snap.procs[proc]);
  shmviz_snapshot_clear (&snap);

  if (message != NULL)
    text = g_strdup (message);
  else if (signaled)
    text = g_strdup_printf (_("%s was killed by signal %d (%s)"),
                            label, status, g_strsignal (status));
  else
    text = g_strdup_printf (_("%s exited with status %d"), label, status);

  _shmviz_window_toast (self, text);
  shmviz_announcer_announce (self->announcer, text);
  if (held)
    {
      g_autofree char *again = g_strdup_printf (_("Start %s _Again"), label);

      _shmviz_window_show_fault_banner (self, text, _("_Recover"), "win.recover", NULL,
                                        again, "win.restart-process", g_variant_new_uint32 (proc));
    }
  _shmviz_window_ensure_ticking (self);
}

/* The watchdog: nobody progressed for a while, and why. */
static void
session_stalled (ShmvizSession *session,
                 const char    *message,
                 ShmvizWindow  *self)
{
  if (self->user_stopped || self->closing || self->banner_is_deadlock)
    return;

  _shmviz_window_show_fault_banner (self, message, _("_Continue All"), "win.continue-all", NULL,
                                    NULL, NULL, NULL);
  _shmviz_window_ensure_ticking (self);
}

static void
session_deadlock (ShmvizSession *session,
                  ShmvizWindow  *self)
{
  /* The deadlock report may have been folded after our last frame;
   * pulling it shows the banner. */
  _shmviz_window_pull_anomalies (self);

  if (!self->banner_is_deadlock)
    _shmviz_window_show_deadlock_banner (self);

  _shmviz_window_ensure_ticking (self);
}

static void
session_error (ShmvizSession *session,
               const GError  *error,
               ShmvizWindow  *self)
{
  _shmviz_window_show_error (self, _("The run reported an error"), error);
}

static void
session_notify_mode (ShmvizSession *session,
                     GParamSpec    *pspec,
                     ShmvizWindow  *self)
{
  if (self->banner_is_deadlock && shmviz_session_get_mode (session) != SHMVIZ_SYNC_WRONG_ORDER)
    _shmviz_window_hide_banner (self);

  _shmviz_window_ensure_ticking (self);
}

static void
session_notify_paused (ShmvizSession *session,
                       GParamSpec    *pspec,
                       ShmvizWindow  *self)
{
  _shmviz_window_update_controls (self);
  _shmviz_window_ensure_ticking (self);
}

void
_shmviz_window_set_views_model (ShmvizWindow *self)
{
  shmviz_buffer_view_set_model (self->buffer_view, self->model);
  shmviz_process_view_set_model (self->process_view, self->model);
  shmviz_timeline_view_set_model (self->timeline_view, self->model);
  shmviz_presentation_set_model (self->presentation, self->model);
}

void
_shmviz_window_start_session (ShmvizWindow *self,
                              const char   *toast_text)
{
  g_autoptr(GError) error = NULL;
  ShmvizScenario scenario;

  _shmviz_window_retire_session (self);
  g_clear_pointer (&self->model, shmviz_model_unref);
  if (self->replay != NULL)
    {
      shmviz_replay_bar_set_replay (self->replay_bar, NULL);
      gtk_revealer_set_reveal_child (self->replay_revealer, FALSE);
      gtk_widget_set_visible (GTK_WIDGET (self->replay_revealer), FALSE);
      g_clear_object (&self->replay);
    }

  _shmviz_window_hide_banner (self);
  self->user_stopped = FALSE;
  self->have_deadlock = FALSE;
  self->anomaly_index = 0;
  self->last_generation = G_MAXUINT64;
  self->selected_proc = G_MAXUINT;
  self->next_step_proc = 0;
  shmviz_race_log_clear (self->race_log);
  shmviz_announcer_clear (self->announcer);
  adw_view_stack_page_set_needs_attention (self->race_log_page, FALSE);
  shmviz_process_view_set_highlight (self->process_view, NULL, 0);
  shmviz_buffer_view_set_highlight (self->buffer_view, -1);

  _shmviz_window_scenario_from_settings (self, &scenario);
  if (!shmviz_scenario_validate (&scenario, &error))
    {
      _shmviz_window_set_views_model (self);
      shmviz_totals_bar_set_totals (self->totals_bar, NULL);
      _shmviz_window_show_error (self, _("This scenario cannot run"), error);
      _shmviz_window_update_controls (self);
      return;
    }

  if (scenario.n_producers != self->scenario.n_producers ||
      scenario.n_consumers != self->scenario.n_consumers ||
      g_menu_model_get_n_items (G_MENU_MODEL (self->faults_menu)) == 0)
    {
      /* GTK 4.8's popover menu keeps the pages of submenus it has built and
       * trips over new ones of the same name: refill while no popover
       * watches the model, then give it a fresh one. */
      gtk_menu_button_set_menu_model (self->primary_menu_button, NULL);
      shmviz_fault_menu_fill (self->faults_menu, scenario.n_producers, scenario.n_consumers);
      gtk_menu_button_set_menu_model (self->primary_menu_button, G_MENU_MODEL (self->primary_menu));
    }
  self->scenario = scenario;
  self->session = shmviz_session_new (&scenario);
  shmviz_application_lower_workers (self->session);
  self->model = shmviz_model_ref (shmviz_session_get_model (self->session));

  g_signal_connect (self->session, "finished", G_CALLBACK (session_finished), self);
  g_signal_connect (self->session, "process-died", G_CALLBACK (session_process_died), self);
  g_signal_connect (self->session, "deadlock", G_CALLBACK (session_deadlock), self);
  g_signal_connect (self->session, "stalled", G_CALLBACK (session_stalled), self);
  g_signal_connect (self->session, "error", G_CALLBACK (session_error), self);
  g_signal_connect (self->session, "notify::mode", G_CALLBACK (session_notify_mode), self);
  g_signal_connect (self->session, "notify::paused", G_CALLBACK (session_notify_paused), self);

  /* The arrays of the last run's snapshot may not fit this one: start
   * afresh, and hand the views a valid snapshot before they draw. */
  shmviz_snapshot_clear (&self->snap);
  memset (&self->snap, 0, sizeof self->snap);
  shmviz_model_snapshot (self->model, &self->snap);
  _shmviz_window_set_views_model (self);
  shmviz_buffer_view_set_snapshot (self->buffer_view, &self->snap);
  shmviz_process_view_set_snapshot (self->process_view, &self->snap);
  shmviz_timeline_view_set_snapshot (self->timeline_view, &self->snap);
  shmviz_totals_bar_set_totals (self->totals_bar, &self->snap.totals);

  if (!shmviz_recorder_button_session_starting (self->recorder_button, self->session, &error))
    {
      _shmviz_window_toast (self, error->message);
      g_clear_error (&error);
    }
  /* In scheduler mode the run starts paused: no step before the first pick. */
  shmviz_scheduler_set_lesson (self->scheduler, shmviz_lesson_gallery_get_current (self->lesson_gallery));
  shmviz_scheduler_set_session (self->scheduler, self->session);
  if (!shmviz_session_start (self->session, &error))
    _shmviz_window_show_error (self, _("The run could not start"), error);
  else if (toast_text != NULL)
    _shmviz_window_toast (self, toast_text);

  _shmviz_window_update_controls (self);
  _shmviz_window_update_mode_controls (self);
  _shmviz_window_ensure_ticking (self);
}
