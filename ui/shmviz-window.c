/* shmviz-window.c — the live visualizer: one session, its views and controls
 *
 * The window owns one ShmvizSession at a time.  GSettings is the single
 * source of the scenario: the sidebar and the header controls write keys,
 * and the window turns key changes into live session calls (timings, speed,
 * mode) or into a restart (counts and sizes).  Once per frame it takes one
 * snapshot of the model and hands the same pointer to every view.
 *
 * Each of those parts is in a file of its own, listed in
 * shmviz-window-internal.h; this one keeps the class, its template, the
 * action table, the close request and the accessors.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <glib/gi18n.h>

#include "shmviz-fault-menu.h"
#include "shmviz-inspect-view.h"
#include "shmviz-replay-source.h"
#include "shmviz-window-internal.h"

#ifdef GDK_WINDOWING_X11
#include <gdk/x11/gdkx.h>
#endif

/* "finished" is promised within a second; beyond this, give up waiting. */
#define CLOSE_TIMEOUT_S     5

G_DEFINE_FINAL_TYPE (ShmvizWindow, shmviz_window, ADW_TYPE_APPLICATION_WINDOW)

static const GActionEntry win_actions[] = {
  { "speed-lab", _shmviz_window_speed_lab_activated },
  { "pause", _shmviz_window_pause_activated },
  { "step", _shmviz_window_step_activated },
  { "stop", _shmviz_window_stop_activated },
  { "restart", _shmviz_window_restart_activated },
  { "speed-up", _shmviz_window_speed_up_activated },
  { "speed-down", _shmviz_window_speed_down_activated },
  { "toggle-sync", _shmviz_window_toggle_sync_activated },
  { "zoom-in", _shmviz_window_zoom_in_activated },
  { "zoom-out", _shmviz_window_zoom_out_activated },
  { "zoom-reset", _shmviz_window_zoom_reset_activated },
  { "dismiss-banner", _shmviz_window_dismiss_banner_activated },
  { "dismiss-fault-banner", _shmviz_window_dismiss_fault_banner_activated },
};

static gboolean
shmviz_window_close_request (GtkWindow *window)
{
  ShmvizWindow *self = SHMVIZ_WINDOW (window);
  GApplication *app;

  if (self->closing)
    return TRUE;

  _shmviz_window_save_window_state (self);

  self->closing = TRUE;
  self->user_stopped = TRUE;
  if (self->tick_id != 0)
    gtk_widget_remove_tick_callback (GTK_WIDGET (self), self->tick_id);
  self->tick_id = 0;
  _shmviz_window_idle_poll_stop (self);
  _shmviz_window_retire_session (self);

  if (self->dying->len == 0)
    return GTK_WINDOW_CLASS (shmviz_window_parent_class)->close_request (window);

  /* Every worker must be gone, and its region with it, before the
   * application may quit: keep it alive until the last "finished".  The
   * window stays on screen meanwhile (a second at most): with GTK 4.8 on
   * X11, destroying a window some time after hiding it lets its surface
   * run the layout of the freed window. */
  gtk_widget_set_sensitive (GTK_WIDGET (self), FALSE);
  adw_window_title_set_subtitle (self->window_title, _("Stopping the processes…"));
  app = G_APPLICATION (gtk_window_get_application (window));
  if (app != NULL)
    {
      g_application_hold (app);
      self->holding = TRUE;
    }
  self->close_timeout_id = g_timeout_add_seconds (CLOSE_TIMEOUT_S, _shmviz_window_close_timeout_cb, self);

  return TRUE;
}

static const char * const settings_actions[] = {
  "sync-mode", "ring-layout", "palette", "theme",
};

static void
shmviz_window_dispose (GObject *object)
{
  ShmvizWindow *self = (ShmvizWindow *)object;

  /* These actions follow GSettings, which outlive the window: take them
   * out now so that no later key change reaches a dead action group. */
  for (guint i = 0; i < G_N_ELEMENTS (settings_actions); i++)
    g_action_map_remove_action (G_ACTION_MAP (self), settings_actions[i]);

  g_clear_handle_id (&self->restart_id, g_source_remove);
  g_clear_handle_id (&self->close_timeout_id, g_source_remove);
  _shmviz_window_idle_poll_stop (self);

  if (self->session != NULL)
    {
      g_signal_handlers_disconnect_by_data (self->session, self);
      if (shmviz_session_get_running (self->session))
        shmviz_session_stop (self->session);
      g_clear_object (&self->session);
    }

  if (self->dying != NULL)
    for (guint i = 0; i < self->dying->len; i++)
      g_signal_handlers_disconnect_by_data (g_ptr_array_index (self->dying, i), self);
  g_clear_pointer (&self->dying, g_ptr_array_unref);

  if (self->holding)
    {
      GApplication *app = G_APPLICATION (gtk_window_get_application (GTK_WINDOW (self)));

      self->holding = FALSE;
      if (app != NULL)
        g_application_release (app);
    }

  if (self->settings != NULL)
    g_signal_handlers_disconnect_by_data (self->settings, self);

  gtk_widget_dispose_template (GTK_WIDGET (self), SHMVIZ_TYPE_WINDOW);

  g_clear_pointer (&self->model, shmviz_model_unref);
  g_clear_object (&self->replay);
  g_clear_object (&self->settings);

  G_OBJECT_CLASS (shmviz_window_parent_class)->dispose (object);
}

static void
shmviz_window_finalize (GObject *object)
{
  ShmvizWindow *self = (ShmvizWindow *)object;

  shmviz_snapshot_clear (&self->snap);
  g_clear_pointer (&self->anomaly_buf, g_array_unref);

  G_OBJECT_CLASS (shmviz_window_parent_class)->finalize (object);
}

static void
shmviz_window_class_init (ShmvizWindowClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);
  GtkWindowClass *window_class = GTK_WINDOW_CLASS (klass);

  object_class->dispose = shmviz_window_dispose;
  object_class->finalize = shmviz_window_finalize;
  window_class->close_request = shmviz_window_close_request;

  g_type_ensure (SHMVIZ_TYPE_BUFFER_VIEW);
  g_type_ensure (SHMVIZ_TYPE_PROCESS_VIEW);
  g_type_ensure (SHMVIZ_TYPE_TIMELINE_VIEW);
  g_type_ensure (SHMVIZ_TYPE_RACE_LOG);
  g_type_ensure (SHMVIZ_TYPE_SCENARIO_PANEL);
  g_type_ensure (SHMVIZ_TYPE_TOTALS_BAR);
  g_type_ensure (SHMVIZ_TYPE_RECORDER_BUTTON);
  g_type_ensure (SHMVIZ_TYPE_REPLAY_BAR);
  g_type_ensure (SHMVIZ_TYPE_SCHEDULER);
  g_type_ensure (SHMVIZ_TYPE_LESSON_GALLERY);
  g_type_ensure (SHMVIZ_TYPE_INSPECT_VIEW);

  gtk_widget_class_set_template_from_resource (widget_class, "/io/github/shmviz/Shmviz/ui/shmviz-window.ui");
  gtk_widget_class_bind_template_child (widget_class, ShmvizWindow, toast_overlay);
  gtk_widget_class_bind_template_child (widget_class, ShmvizWindow, window_title);
  gtk_widget_class_bind_template_child (widget_class, ShmvizWindow, pause_button);
  gtk_widget_class_bind_template_child (widget_class, ShmvizWindow, speed_label);
  gtk_widget_class_bind_template_child (widget_class, ShmvizWindow, sync_box);
  gtk_widget_class_bind_template_child (widget_class, ShmvizWindow, sync_switch);
  gtk_widget_class_bind_template_child (widget_class, ShmvizWindow, mode_button);
  gtk_widget_class_bind_template_child (widget_class, ShmvizWindow, primary_menu_button);
  gtk_widget_class_bind_template_child (widget_class, ShmvizWindow, primary_menu);
  gtk_widget_class_bind_template_child (widget_class, ShmvizWindow, banner_revealer);
  gtk_widget_class_bind_template_child (widget_class, ShmvizWindow, banner_icon);
  gtk_widget_class_bind_template_child (widget_class, ShmvizWindow, banner_label);
  gtk_widget_class_bind_template_child (widget_class, ShmvizWindow, banner_button);
  gtk_widget_class_bind_template_child (widget_class, ShmvizWindow, banner_alt_button);
  gtk_widget_class_bind_template_child (widget_class, ShmvizWindow, faults_menu);
  gtk_widget_class_bind_template_child (widget_class, ShmvizWindow, flap);
  gtk_widget_class_bind_template_child (widget_class, ShmvizWindow, main_paned);
  gtk_widget_class_bind_template_child (widget_class, ShmvizWindow, top_paned);
  gtk_widget_class_bind_template_child (widget_class, ShmvizWindow, scenario_panel);
  gtk_widget_class_bind_template_child (widget_class, ShmvizWindow, buffer_view);
  gtk_widget_class_bind_template_child (widget_class, ShmvizWindow, process_view);
  gtk_widget_class_bind_template_child (widget_class, ShmvizWindow, view_stack);
  gtk_widget_class_bind_template_child (widget_class, ShmvizWindow, race_log_page);
  gtk_widget_class_bind_template_child (widget_class, ShmvizWindow, race_log);
  gtk_widget_class_bind_template_child (widget_class, ShmvizWindow, timeline_view);
  gtk_widget_class_bind_template_child (widget_class, ShmvizWindow, totals_bar);
  gtk_widget_class_bind_template_child (widget_class, ShmvizWindow, scheduler);
  gtk_widget_class_bind_template_child (widget_class, ShmvizWindow, lesson_gallery);
  gtk_widget_class_bind_template_child (widget_class, ShmvizWindow, recorder_button);
  gtk_widget_class_bind_template_child (widget_class, ShmvizWindow, replay_revealer);
  gtk_widget_class_bind_template_child (widget_class, ShmvizWindow, replay_bar);
}

static void
shmviz_window_init (ShmvizWindow *self)
{
  g_autoptr(GPropertyAction) sidebar_action = NULL;

  gtk_widget_init_template (GTK_WIDGET (self));

  g_signal_connect (self, "realize", G_CALLBACK (_shmviz_window_update_frame_sync), NULL);
#ifdef GDK_WINDOWING_X11
  if (GDK_IS_X11_DISPLAY (gtk_widget_get_display (GTK_WIDGET (self))))
    g_signal_connect_object (gdk_x11_display_get_screen (gtk_widget_get_display (GTK_WIDGET (self))),
                             "window-manager-changed", G_CALLBACK (_shmviz_window_update_frame_sync), self, G_CONNECT_SWAPPED);
#endif

  self->dying = g_ptr_array_new_with_free_func (g_object_unref);
  self->anomaly_buf = g_array_new (FALSE, FALSE, sizeof (ShmvizAnomaly));
  self->selected_proc = G_MAXUINT;
  self->last_on_mode = SHMVIZ_SYNC_SEMAPHORES;
  self->last_generation = G_MAXUINT64;

  self->settings = g_settings_new (APP_ID);

  gtk_window_set_default_size (GTK_WINDOW (self),
                               g_settings_get_int (self->settings, "window-width"),
                               g_settings_get_int (self->settings, "window-height"));
  if (g_settings_get_boolean (self->settings, "window-maximized"))
    gtk_window_maximize (GTK_WINDOW (self));

  g_action_map_add_action_entries (G_ACTION_MAP (self), win_actions, G_N_ELEMENTS (win_actions), self);
  shmviz_fault_menu_install_actions (self);
  for (guint i = 0; i < G_N_ELEMENTS (settings_actions); i++)
    {
      g_autoptr(GAction) action = g_settings_create_action (self->settings, settings_actions[i]);

      g_action_map_add_action (G_ACTION_MAP (self), action);
    }
  sidebar_action = g_property_action_new ("show-sidebar", self->flap, "reveal-flap");
  g_action_map_add_action (G_ACTION_MAP (self), G_ACTION (sidebar_action));

  _shmviz_window_add_single_key_shortcuts (self);

  shmviz_scenario_panel_set_settings (self->scenario_panel, self->settings);
  shmviz_timeline_view_set_follow (self->timeline_view, TRUE);
  _shmviz_window_apply_view_settings (self);

  if (_shmviz_window_settings_mode (self) != SHMVIZ_SYNC_OFF)
    self->last_on_mode = _shmviz_window_settings_mode (self);

  g_signal_connect (self->settings, "changed", G_CALLBACK (_shmviz_window_settings_changed), self);
  g_signal_connect (self->sync_switch, "notify::active", G_CALLBACK (_shmviz_window_sync_switch_notify_active), self);
  g_signal_connect (self->race_log, "anomaly-selected", G_CALLBACK (_shmviz_window_race_log_anomaly_selected), self);
  g_signal_connect (self->view_stack, "notify::visible-child", G_CALLBACK (_shmviz_window_view_stack_notify_visible), self);

  /* Looked up so a view without the signal yet is no reason to fail. */
  if (g_signal_lookup ("process-activated", SHMVIZ_TYPE_PROCESS_VIEW) != 0)
    g_signal_connect (self->process_view, "process-activated", G_CALLBACK (_shmviz_window_process_activated), self);
  if (g_signal_lookup ("process-menu", SHMVIZ_TYPE_PROCESS_VIEW) != 0)
    g_signal_connect (self->process_view, "process-menu", G_CALLBACK (_shmviz_window_process_menu), self);
  if (g_signal_lookup ("slot-activated", SHMVIZ_TYPE_BUFFER_VIEW) != 0)
    g_signal_connect (self->buffer_view, "slot-activated", G_CALLBACK (_shmviz_window_slot_activated), self);

  gtk_paned_set_position (self->main_paned, 450);
  gtk_paned_set_position (self->top_paned, 440);

  /* Record, open, export and notes (ui/shmviz-replay-source.c). */
  g_signal_connect_swapped (self->replay_bar, "moved", G_CALLBACK (_shmviz_window_ensure_ticking), self);
  shmviz_window_add_replay_actions (self);

  /* Classroom: the presentation view wraps the whole content, so its
   * caption sits under it and its laser pointer is drawn over it. */
  {
    GtkWidget *content = g_object_ref (adw_toast_overlay_get_child (self->toast_overlay));

    /* Screen-reader news: takes no room at the end of the content. */
    self->announcer = SHMVIZ_ANNOUNCER (shmviz_announcer_new ());
    gtk_box_append (GTK_BOX (content), GTK_WIDGET (self->announcer));
    self->presentation = SHMVIZ_PRESENTATION (shmviz_presentation_new ());
    adw_toast_overlay_set_child (self->toast_overlay, NULL);
    shmviz_presentation_set_child (self->presentation, content);
    g_object_unref (content);
    adw_toast_overlay_set_child (self->toast_overlay, GTK_WIDGET (self->presentation));
    shmviz_presentation_set_settings (self->presentation, self->settings);
    g_signal_connect_swapped (self, "notify::css-classes", G_CALLBACK (_shmviz_window_presenting_changed), self);
    shmviz_lesson_gallery_set_settings (self->lesson_gallery, self->settings);
    /* A schedule kept as a lesson shows up in the gallery. */
    g_signal_connect_swapped (self->scheduler, "lesson-saved",
                              G_CALLBACK (shmviz_lesson_gallery_reload), self->lesson_gallery);
  }

  /* Opening shmviz starts its scenario at once. */
  _shmviz_window_start_session (self, NULL);
}

ShmvizWindow *
shmviz_window_new (GtkApplication *application)
{
  return g_object_new (SHMVIZ_TYPE_WINDOW,
                       "application", application,
                       NULL);
}

ShmvizSession *
shmviz_window_get_session (ShmvizWindow *self)
{
  g_return_val_if_fail (SHMVIZ_IS_WINDOW (self), NULL);

  return self->session;
}

ShmvizRaceLog *
shmviz_window_get_race_log (ShmvizWindow *self)
{
  g_return_val_if_fail (SHMVIZ_IS_WINDOW (self), NULL);

  return self->race_log;
}

ShmvizTotalsBar *
shmviz_window_get_totals_bar (ShmvizWindow *self)
{
  g_return_val_if_fail (SHMVIZ_IS_WINDOW (self), NULL);

  return self->totals_bar;
}

const ShmvizSnapshot *
shmviz_window_get_snapshot (ShmvizWindow *self)
{
  g_return_val_if_fail (SHMVIZ_IS_WINDOW (self), NULL);

  return &self->snap;
}

GtkWidget *
shmviz_window_get_scenario_panel (ShmvizWindow *self)
{
  g_return_val_if_fail (SHMVIZ_IS_WINDOW (self), NULL);

  return GTK_WIDGET (self->scenario_panel);
}

const char *
shmviz_window_get_banner (ShmvizWindow *self)
{
  g_return_val_if_fail (SHMVIZ_IS_WINDOW (self), NULL);

  if (!gtk_revealer_get_reveal_child (self->banner_revealer))
    return NULL;

  return gtk_label_get_label (self->banner_label);
}

guint
shmviz_window_get_n_live_sessions (ShmvizWindow *self)
{
  g_return_val_if_fail (SHMVIZ_IS_WINDOW (self), 0);

  return self->dying->len + (_shmviz_window_session_running (self) ? 1 : 0);
}

ShmvizReplay *
shmviz_window_get_replay (ShmvizWindow *self)
{
  g_return_val_if_fail (SHMVIZ_IS_WINDOW (self), NULL);

  return self->replay;
}

ShmvizModel *
shmviz_window_get_model (ShmvizWindow *self)
{
  g_return_val_if_fail (SHMVIZ_IS_WINDOW (self), NULL);

  return self->model;
}

void
shmviz_window_add_toast (ShmvizWindow *self,
                         const char   *text)
{
  g_return_if_fail (SHMVIZ_IS_WINDOW (self));

  _shmviz_window_toast (self, text);
}

GtkWidget *
shmviz_window_get_replay_bar (ShmvizWindow *self)
{
  g_return_val_if_fail (SHMVIZ_IS_WINDOW (self), NULL);

  return GTK_WIDGET (self->replay_bar);
}

GtkWidget *
shmviz_window_get_recorder_button (ShmvizWindow *self)
{
  g_return_val_if_fail (SHMVIZ_IS_WINDOW (self), NULL);

  return GTK_WIDGET (self->recorder_button);
}
