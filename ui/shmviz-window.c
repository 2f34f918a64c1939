/* shmviz-window.c — the live visualizer: one session, its views and controls
 *
 * The window owns one ShmvizSession at a time.  GSettings is the single
 * source of the scenario: the sidebar and the header controls write keys,
 * and this file turns key changes into live session calls (timings, speed,
 * mode) or into a restart (counts and sizes).  Once per frame it takes one
 * snapshot of the model and hands the same pointer to every view.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <string.h>

#include <glib/gi18n.h>

#include "layout.h"
#include "shmviz-announcer.h"
#include "shmviz-application.h"
#include "shmviz-buffer-view.h"
#include "shmviz-fault-menu.h"
#include "shmviz-inspect-view.h"
#include "shmviz-lesson-gallery.h"
#include "shmviz-presentation.h"
#include "shmviz-scheduler.h"
#include "shmviz-process-view.h"
#include "shmviz-recorder-button.h"
#include "shmviz-replay-bar.h"
#include "shmviz-replay-source.h"
#include "shmviz-scenario-panel.h"
#include "shmviz-speed-lab.h"
#include "shmviz-timeline-view.h"
#include "shmviz-window.h"

#ifdef GDK_WINDOWING_X11
#include <gdk/x11/gdkx.h>
#endif

/* Frames without news before a paused or stopped run stops ticking. */
#define IDLE_FRAMES         30
#define IDLE_POLL_MS        200
/* Spin buttons change a key per click: restart once they settle. */
#define RESTART_DELAY_MS    600
/* "finished" is promised within a second; beyond this, give up waiting. */
#define CLOSE_TIMEOUT_S     5

struct _ShmvizWindow
{
  AdwApplicationWindow  parent_instance;

  /* Template widgets */
  AdwToastOverlay      *toast_overlay;
  AdwWindowTitle       *window_title;
  GtkButton            *pause_button;
  GtkLabel             *speed_label;
  GtkWidget            *sync_box;
  GtkSwitch            *sync_switch;
  GtkMenuButton        *mode_button;
  GtkMenuButton        *primary_menu_button;
  GMenu                *primary_menu;
  GtkRevealer          *banner_revealer;
  GtkImage             *banner_icon;
  GtkLabel             *banner_label;
  GtkButton            *banner_button;
  GtkButton            *banner_alt_button;
  GMenu                *faults_menu;
  AdwFlap              *flap;
  GtkPaned             *main_paned;
  GtkPaned             *top_paned;
  ShmvizScenarioPanel  *scenario_panel;
  ShmvizBufferView     *buffer_view;
  ShmvizProcessView    *process_view;
  AdwViewStack         *view_stack;
  AdwViewStackPage     *race_log_page;
  ShmvizRaceLog        *race_log;
  ShmvizAnnouncer      *announcer;
  ShmvizTimelineView   *timeline_view;
  ShmvizTotalsBar      *totals_bar;
  ShmvizScheduler      *scheduler;
  ShmvizLessonGallery  *lesson_gallery;
  ShmvizPresentation   *presentation;
  ShmvizRecorderButton *recorder_button;
  GtkRevealer          *replay_revealer;
  ShmvizReplayBar      *replay_bar;

  GSettings            *settings;
  ShmvizSession        *session;
  ShmvizModel          *model;
  /* The recording shown instead of a session, if any. */
  ShmvizReplay         *replay;
  /* Sessions asked to stop, kept until they say "finished". */
  GPtrArray            *dying;
  ShmvizScenario        scenario;

  ShmvizSnapshot        snap;
  guint64               last_generation;
  GArray               *anomaly_buf;
  guint                 anomaly_index;
  ShmvizAnomaly         last_deadlock;

  guint                 tick_id;
  guint                 idle_poll_id;
  guint                 idle_frames;
  guint                 restart_id;
  guint                 close_timeout_id;

  guint                 selected_proc;     /* G_MAXUINT: round robin */
  guint                 next_step_proc;
  ShmvizSyncMode        last_on_mode;

  guint                 have_deadlock : 1;
  guint                 user_stopped : 1;
  guint                 closing : 1;
  guint                 holding : 1;
  guint                 banner_is_deadlock : 1;
  guint                 banner_is_fault : 1;
  guint                 presenting : 1;
  int                   splits_before_presenting[2];
};

G_DEFINE_FINAL_TYPE (ShmvizWindow, shmviz_window, ADW_TYPE_APPLICATION_WINDOW)

static void start_session (ShmvizWindow *self,
                           const char   *toast);

/* Speeds the +/- keys step through, in permille; 0 is "full speed". */
static const guint speed_steps[] = {
  50, 100, 250, 500, 1000, 2000, 5000, 10000, 25000, 100000, 0,
};

static const char * const shape_keys[] = {
  "producers", "consumers", "slots", "item-size",
};

static const struct {
  const char  *key;
  ShmvizTiming timing;
} timing_keys[] = {
  { "produce-ms",     SHMVIZ_TIMING_PRODUCE },
  { "consume-ms",     SHMVIZ_TIMING_CONSUME },
  { "race-window-ms", SHMVIZ_TIMING_RACE_WINDOW },
  { "step-ms",        SHMVIZ_TIMING_STEP },
};

static gboolean
session_running (ShmvizWindow *self)
{
  return self->session != NULL && shmviz_session_get_running (self->session);
}

static const char *
mode_title (ShmvizSyncMode mode)
{
  switch (mode)
    {
    case SHMVIZ_SYNC_OFF:         return _("Off");
    case SHMVIZ_SYNC_SEMAPHORES:  return _("Semaphores");
    case SHMVIZ_SYNC_MUTEX_ONLY:  return _("Mutex Only");
    case SHMVIZ_SYNC_WRONG_ORDER: return _("Wrong Order");
    case SHMVIZ_N_SYNC_MODES:
    default:                      return "?";
    }
}

static ShmvizSyncMode
settings_mode (ShmvizWindow *self)
{
  g_autofree char *str = g_settings_get_string (self->settings, "sync-mode");
  ShmvizSyncMode mode = SHMVIZ_SYNC_SEMAPHORES;

  if (!shmviz_sync_mode_from_string (str, &mode))
    mode = SHMVIZ_SYNC_SEMAPHORES;

  return mode;
}

static void
scenario_from_settings (ShmvizWindow   *self,
                        ShmvizScenario *scenario)
{
  shmviz_scenario_init_default (scenario);

  scenario->n_producers = g_settings_get_uint (self->settings, "producers");
  scenario->n_consumers = g_settings_get_uint (self->settings, "consumers");
  scenario->n_slots = g_settings_get_uint (self->settings, "slots");
  scenario->item_size = g_settings_get_uint (self->settings, "item-size");
  scenario->sync = settings_mode (self);
  scenario->speed_permille = g_settings_get_uint (self->settings, "speed");
  for (guint i = 0; i < G_N_ELEMENTS (timing_keys); i++)
    scenario->timing_ns[timing_keys[i].timing] =
      (guint64)g_settings_get_uint (self->settings, timing_keys[i].key) * G_GUINT64_CONSTANT (1000000);
}

static char *
speed_text (guint speed)
{
  if (speed == 0)
    /* TRANSLATORS: speed with every delay removed */
    return g_strdup (_("Full"));

  /* TRANSLATORS: a speed factor such as "0.25×" or "10×" */
  return g_strdup_printf (_("%g×"), speed / 1000.0);
}

/* Actions that steer a live run and mean nothing in a replay. */
static const char * const live_only_actions[] = { "speed-up", "speed-down", "toggle-sync" };

/* Header, subtitle and controls, from what the session says now. */
static void
update_controls (ShmvizWindow *self)
{
  gboolean running = session_running (self);
  gboolean paused = running && shmviz_session_get_paused (self->session);
  g_autofree char *producers = NULL;
  g_autofree char *consumers = NULL;
  g_autofree char *slots = NULL;
  g_autofree char *shape = NULL;
  g_autofree char *subtitle = NULL;
  g_autofree char *speed = NULL;
  const char *state;
  GAction *action;

  producers = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "%u producer", "%u producers",
                                            self->scenario.n_producers),
                               self->scenario.n_producers);
  consumers = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "%u consumer", "%u consumers",
                                            self->scenario.n_consumers),
                               self->scenario.n_consumers);
  slots = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "%u slot", "%u slots",
                                        self->scenario.n_slots),
                           self->scenario.n_slots);
  shape = g_strdup_printf ("%s · %s · %s", producers, consumers, slots);
  if (self->replay != NULL)
    state = _("Replay");
  else if (!running)
    state = _("Stopped");
  else if (paused)
    state = _("Paused");
  else
    state = NULL;

  subtitle = state ? g_strdup_printf ("%s — %s", shape, state) : g_strdup (shape);
  adw_window_title_set_subtitle (self->window_title, subtitle);

  gtk_button_set_icon_name (self->pause_button,
                            paused ? "media-playback-start-symbolic" : "media-playback-pause-symbolic");
  gtk_widget_set_tooltip_text (GTK_WIDGET (self->pause_button),
                               paused ? _("Resume (Space)") : _("Pause (Space)"));
  gtk_accessible_update_property (GTK_ACCESSIBLE (self->pause_button),
                                  GTK_ACCESSIBLE_PROPERTY_LABEL, paused ? _("Resume") : _("Pause"),
                                  -1);

  speed = speed_text (g_settings_get_uint (self->settings, "speed"));
  gtk_label_set_label (self->speed_label, speed);

  action = g_action_map_lookup_action (G_ACTION_MAP (self), "pause");
  g_simple_action_set_enabled (G_SIMPLE_ACTION (action), running);
  action = g_action_map_lookup_action (G_ACTION_MAP (self), "step");
  g_simple_action_set_enabled (G_SIMPLE_ACTION (action), running);
  action = g_action_map_lookup_action (G_ACTION_MAP (self), "stop");
  g_simple_action_set_enabled (G_SIMPLE_ACTION (action), running);

  /* A recording shows what happened: the live run's speed and mode do
   * not apply to it, and the replay bar has a speed of its own. */
  for (guint i = 0; i < G_N_ELEMENTS (live_only_actions); i++)
    {
      action = g_action_map_lookup_action (G_ACTION_MAP (self), live_only_actions[i]);
      g_simple_action_set_enabled (G_SIMPLE_ACTION (action), self->replay == NULL);
    }
  gtk_widget_set_sensitive (GTK_WIDGET (self->sync_box), self->replay == NULL);
}

/* The switch and the mode button show the mode asked for; the barrier
 * that applies it follows within a step. */
static void
update_mode_controls (ShmvizWindow *self)
{
  ShmvizSyncMode mode = settings_mode (self);

  if (gtk_switch_get_active (self->sync_switch) != (mode != SHMVIZ_SYNC_OFF))
    gtk_switch_set_active (self->sync_switch, mode != SHMVIZ_SYNC_OFF);
  gtk_menu_button_set_label (self->mode_button, mode_title (mode));

  /* The whole control turns red while races are allowed, amber for the
   * modes that are wrong on purpose. */
  if (mode == SHMVIZ_SYNC_OFF)
    gtk_widget_add_css_class (GTK_WIDGET (self->sync_box), "sync-off");
  else
    gtk_widget_remove_css_class (GTK_WIDGET (self->sync_box), "sync-off");
  if (mode == SHMVIZ_SYNC_MUTEX_ONLY || mode == SHMVIZ_SYNC_WRONG_ORDER)
    gtk_widget_add_css_class (GTK_WIDGET (self->sync_box), "sync-flawed");
  else
    gtk_widget_remove_css_class (GTK_WIDGET (self->sync_box), "sync-flawed");
}

static void
toast (ShmvizWindow *self,
       const char   *text)
{
  AdwToast *t = adw_toast_new (text);

  adw_toast_set_timeout (t, 4);
  adw_toast_overlay_add_toast (self->toast_overlay, t);
}

static void
show_banner (ShmvizWindow *self,
             const char   *icon_name,
             const char   *text,
             const char   *button_label,
             const char   *action_name,
             GVariant     *target)
{
  gtk_image_set_from_icon_name (self->banner_icon, icon_name);
  gtk_label_set_label (self->banner_label, text);
  gtk_widget_set_visible (GTK_WIDGET (self->banner_alt_button), FALSE);
  self->banner_is_fault = FALSE;

  if (button_label != NULL)
    {
      gtk_button_set_label (self->banner_button, button_label);
      gtk_actionable_set_action_target_value (GTK_ACTIONABLE (self->banner_button), target);
      gtk_actionable_set_action_name (GTK_ACTIONABLE (self->banner_button), action_name);
      gtk_widget_set_visible (GTK_WIDGET (self->banner_button), TRUE);
    }
  else
    {
      gtk_widget_set_visible (GTK_WIDGET (self->banner_button), FALSE);
    }

  gtk_revealer_set_reveal_child (self->banner_revealer, TRUE);
}

static void
hide_banner (ShmvizWindow *self)
{
  gtk_revealer_set_reveal_child (self->banner_revealer, FALSE);
  self->banner_is_deadlock = FALSE;
  self->banner_is_fault = FALSE;
}

/* A banner about a fault (a death, a stall) with a second way out beside
 * the first, e.g. "Recover" and "Start Again". */
static void
show_fault_banner (ShmvizWindow *self,
                   const char   *text,
                   const char   *button_label,
                   const char   *action_name,
                   GVariant     *target,
                   const char   *alt_label,
                   const char   *alt_action_name,
                   GVariant     *alt_target)
{
  show_banner (self, "dialog-warning-symbolic", text, button_label, action_name, target);
  self->banner_is_deadlock = FALSE;
  self->banner_is_fault = TRUE;
  if (alt_label != NULL)
    {
      gtk_button_set_label (self->banner_alt_button, alt_label);
      gtk_actionable_set_action_target_value (GTK_ACTIONABLE (self->banner_alt_button), alt_target);
      gtk_actionable_set_action_name (GTK_ACTIONABLE (self->banner_alt_button), alt_action_name);
      gtk_widget_set_visible (GTK_WIDGET (self->banner_alt_button), TRUE);
    }
}

static void
show_error (ShmvizWindow *self,
            const char   *what,
            const GError *error)
{
  const char *hint;
  g_autofree char *text = NULL;

  if (g_error_matches (error, SHMVIZ_SESSION_ERROR, SHMVIZ_SESSION_ERROR_NO_WORKER))
    hint = _("shmviz-worker was not found: reinstall shmviz, or point SHMVIZ_WORKER at it.");
  else if (g_error_matches (error, SHMVIZ_SESSION_ERROR, SHMVIZ_SESSION_ERROR_BUSY))
    hint = _("The processes did not reach a safe point in time. Try again, or restart the run.");
  else if (error->domain == SHMVIZ_SCENARIO_ERROR)
    hint = _("Change the scenario in the sidebar, then restart.");
  else if (g_error_matches (error, SHMVIZ_SESSION_ERROR, SHMVIZ_SESSION_ERROR_SPAWN))
    hint = _("The system refused to start more processes. Use fewer producers or consumers, then restart.");
  else
    hint = _("If /dev/shm is full, free some space there (see “df -h /dev/shm”) or use fewer slots or smaller items, then restart.");

  /* GError messages often end without a full stop; the hint follows. */
  if (g_str_has_suffix (error->message, ".") || g_str_has_suffix (error->message, "!") ||
      g_str_has_suffix (error->message, "?"))
    text = g_strdup_printf ("%s: %s %s", what, error->message, hint);
  else
    text = g_strdup_printf ("%s: %s. %s", what, error->message, hint);
  self->banner_is_deadlock = FALSE;
  show_banner (self, "dialog-error-symbolic", text, _("_Restart"), "win.restart", NULL);
}

static void
show_deadlock_banner (ShmvizWindow *self)
{
  g_autofree char *what = NULL;
  g_autofree char *text = NULL;

  if (self->have_deadlock)
    what = shmviz_anomaly_describe (&self->last_deadlock, self->scenario.n_producers);
  else
    what = g_strdup (_("Deadlock: every process waits for another."));

  if (self->snap.mutex_owner < self->snap.n_procs && self->snap.procs != NULL &&
      self->snap.procs[self->snap.mutex_owner].state == SHMVIZ_VIEW_DEAD)
    {
      /* Switching modes cannot help: the holder will never post. */
      text = g_strdup_printf ("%s %s", what, _("Its mutex holder is dead: recover to rebuild the semaphores from the buffer."));
      show_banner (self, "dialog-warning-symbolic", text, _("_Recover"), "win.recover", NULL);
    }
  else
    {
      text = g_strdup_printf ("%s %s", what, _("Switch to semaphores to recover."));
      show_banner (self, "dialog-warning-symbolic", text, _("Use _Semaphores"),
                   "win.sync-mode", g_variant_new_string ("semaphores"));
    }
  self->banner_is_deadlock = TRUE;
}

static void
idle_poll_stop (ShmvizWindow *self)
{
  g_clear_handle_id (&self->idle_poll_id, g_source_remove);
}

static gboolean tick_cb (GtkWidget     *widget,
                         GdkFrameClock *clock,
                         gpointer       user_data);

static void
ensure_ticking (ShmvizWindow *self)
{
  idle_poll_stop (self);
  self->idle_frames = 0;

  if (self->tick_id == 0 && self->model != NULL && !self->closing)
    self->tick_id = gtk_widget_add_tick_callback (GTK_WIDGET (self), tick_cb, NULL, NULL);
}

static void
pull_anomalies (ShmvizWindow *self)
{
  guint total;

  if (self->model == NULL)
    return;

  g_array_set_size (self->anomaly_buf, 0);
  total = shmviz_model_get_anomalies (self->model, self->anomaly_index, self->anomaly_buf);
  self->anomaly_index = MAX (self->anomaly_index, total);

  if (self->anomaly_buf->len == 0)
    return;

  for (guint i = self->anomaly_buf->len; i > 0; i--)
    {
      const ShmvizAnomaly *a = &g_array_index (self->anomaly_buf, ShmvizAnomaly, i - 1);

      if (a->kind == SHMVIZ_ANOMALY_DEADLOCK)
        {
          self->last_deadlock = *a;
          self->have_deadlock = TRUE;
          /* Replays and late signals alike: the stream is the truth. */
          show_deadlock_banner (self);
          break;
        }
    }

  shmviz_race_log_append (self->race_log,
                          (const ShmvizAnomaly *)(gpointer)self->anomaly_buf->data,
                          self->anomaly_buf->len,
                          self->scenario.n_producers,
                          self->snap.start_ns);
  /* Races and deadlocks, told to screen readers too (rate-limited). */
  shmviz_announcer_add_anomalies (self->announcer,
                                  (const ShmvizAnomaly *)(gpointer)self->anomaly_buf->data,
                                  self->anomaly_buf->len, self->scenario.n_producers);

  /* Tell about races hidden behind the timeline tab. */
  if (g_strcmp0 (adw_view_stack_get_visible_child_name (self->view_stack), "race-log") != 0)
    adw_view_stack_page_set_needs_attention (self->race_log_page, TRUE);
}

/* Takes this frame's snapshot; FALSE when nothing changed since the last. */
static gboolean
refresh (ShmvizWindow *self)
{
  if (self->model == NULL)
    return FALSE;

  shmviz_model_snapshot (self->model, &self->snap);
  if (self->snap.generation == self->last_generation)
    return FALSE;

  self->last_generation = self->snap.generation;

  shmviz_buffer_view_set_snapshot (self->buffer_view, &self->snap);
  shmviz_process_view_set_snapshot (self->process_view, &self->snap);
  shmviz_timeline_view_set_snapshot (self->timeline_view, &self->snap);
  shmviz_totals_bar_set_totals (self->totals_bar, &self->snap.totals);

  /* A replay moved back: the race log starts over up to here. */
  if (self->snap.n_anomalies < self->anomaly_index)
    {
      shmviz_race_log_clear (self->race_log);
      self->anomaly_index = 0;
    }
  if (self->snap.n_anomalies > self->anomaly_index)
    pull_anomalies (self);

  return TRUE;
}

static gboolean
can_idle (ShmvizWindow *self)
{
  return !session_running (self) || self->snap.paused;
}

static gboolean
idle_poll_cb (gpointer user_data)
{
  ShmvizWindow *self = user_data;

  if (refresh (self) || !can_idle (self))
    {
      self->idle_poll_id = 0;
      ensure_ticking (self);
      return G_SOURCE_REMOVE;
    }

  return G_SOURCE_CONTINUE;
}

static gboolean
tick_cb (GtkWidget     *widget,
         GdkFrameClock *clock,
         gpointer       user_data)
{
  ShmvizWindow *self = SHMVIZ_WINDOW (widget);

  if (self->model == NULL || self->closing)
    {
      self->tick_id = 0;
      return G_SOURCE_REMOVE;
    }

  if (refresh (self))
    {
      self->idle_frames = 0;
      return G_SOURCE_CONTINUE;
    }

  /* A paused run must cost no CPU: drop to a slow poll that notices the
   * next change (a step, a late event) and brings the frame clock back. */
  if (++self->idle_frames >= IDLE_FRAMES && can_idle (self))
    {
      self->tick_id = 0;
      if (self->idle_poll_id == 0)
        self->idle_poll_id = g_timeout_add (IDLE_POLL_MS, idle_poll_cb, self);
      return G_SOURCE_REMOVE;
    }

  return G_SOURCE_CONTINUE;
}

static void
maybe_finish_close (ShmvizWindow *self)
{
  if (!self->closing || self->dying->len > 0 || self->session != NULL)
    return;

  g_clear_handle_id (&self->close_timeout_id, g_source_remove);

  if (self->holding)
    {
      GApplication *app = G_APPLICATION (gtk_window_get_application (GTK_WINDOW (self)));

      self->holding = FALSE;
      if (app != NULL)
        g_application_release (app);
    }

  gtk_window_destroy (GTK_WINDOW (self));
}

static void
dying_session_finished (ShmvizSession *session,
                        ShmvizWindow  *self)
{
  g_signal_handlers_disconnect_by_data (session, self);
  g_ptr_array_remove_fast (self->dying, session);
  maybe_finish_close (self);
}

/* Stops the current session, if any, and lets it finish in the background. */
static void
retire_session (ShmvizWindow *self)
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
    toast (self, _("The run has finished"));

  update_controls (self);
  ensure_ticking (self);
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

  toast (self, text);
  shmviz_announcer_announce (self->announcer, text);
  if (held)
    {
      g_autofree char *again = g_strdup_printf (_("Start %s _Again"), label);

      show_fault_banner (self, text, _("_Recover"), "win.recover", NULL,
                         again, "win.restart-process", g_variant_new_uint32 (proc));
    }
  ensure_ticking (self);
}

/* The watchdog: nobody progressed for a while, and why. */
static void
session_stalled (ShmvizSession *session,
                 const char    *message,
                 ShmvizWindow  *self)
{
  if (self->user_stopped || self->closing || self->banner_is_deadlock)
    return;

  show_fault_banner (self, message, _("_Continue All"), "win.continue-all", NULL,
                     NULL, NULL, NULL);
  ensure_ticking (self);
}

static void
session_deadlock (ShmvizSession *session,
                  ShmvizWindow  *self)
{
  /* The deadlock report may have been folded after our last frame;
   * pulling it shows the banner. */
  pull_anomalies (self);

  if (!self->banner_is_deadlock)
    show_deadlock_banner (self);

  ensure_ticking (self);
}

static void
session_error (ShmvizSession *session,
               const GError  *error,
               ShmvizWindow  *self)
{
  show_error (self, _("The run reported an error"), error);
}

static void
session_notify_mode (ShmvizSession *session,
                     GParamSpec    *pspec,
                     ShmvizWindow  *self)
{
  if (self->banner_is_deadlock && shmviz_session_get_mode (session) != SHMVIZ_SYNC_WRONG_ORDER)
    hide_banner (self);

  ensure_ticking (self);
}

static void
session_notify_paused (ShmvizSession *session,
                       GParamSpec    *pspec,
                       ShmvizWindow  *self)
{
  update_controls (self);
  ensure_ticking (self);
}

static void
set_views_model (ShmvizWindow *self)
{
  shmviz_buffer_view_set_model (self->buffer_view, self->model);
  shmviz_process_view_set_model (self->process_view, self->model);
  shmviz_timeline_view_set_model (self->timeline_view, self->model);
  shmviz_presentation_set_model (self->presentation, self->model);
}

static void
start_session (ShmvizWindow *self,
               const char   *toast_text)
{
  g_autoptr(GError) error = NULL;
  ShmvizScenario scenario;

  retire_session (self);
  g_clear_pointer (&self->model, shmviz_model_unref);
  if (self->replay != NULL)
    {
      shmviz_replay_bar_set_replay (self->replay_bar, NULL);
      gtk_revealer_set_reveal_child (self->replay_revealer, FALSE);
      gtk_widget_set_visible (GTK_WIDGET (self->replay_revealer), FALSE);
      g_clear_object (&self->replay);
    }

  hide_banner (self);
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

  scenario_from_settings (self, &scenario);
  if (!shmviz_scenario_validate (&scenario, &error))
    {
      set_views_model (self);
      shmviz_totals_bar_set_totals (self->totals_bar, NULL);
      show_error (self, _("This scenario cannot run"), error);
      update_controls (self);
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
  shmviz_session_set_worker_niceness (self->session, SHMVIZ_APPLICATION_WORKER_NICENESS);
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
  set_views_model (self);
  shmviz_buffer_view_set_snapshot (self->buffer_view, &self->snap);
  shmviz_process_view_set_snapshot (self->process_view, &self->snap);
  shmviz_timeline_view_set_snapshot (self->timeline_view, &self->snap);
  shmviz_totals_bar_set_totals (self->totals_bar, &self->snap.totals);

  if (!shmviz_recorder_button_session_starting (self->recorder_button, self->session, &error))
    {
      toast (self, error->message);
      g_clear_error (&error);
    }
  /* In scheduler mode the run starts paused: no step before the first pick. */
  shmviz_scheduler_set_lesson (self->scheduler, shmviz_lesson_gallery_get_current (self->lesson_gallery));
  shmviz_scheduler_set_session (self->scheduler, self->session);
  if (!shmviz_session_start (self->session, &error))
    show_error (self, _("The run could not start"), error);
  else if (toast_text != NULL)
    toast (self, toast_text);

  update_controls (self);
  update_mode_controls (self);
  ensure_ticking (self);
}

/* "Restarted with 4 producers, 16 slots" */
static char *
describe_restart (ShmvizWindow *self)
{
  g_autoptr(GPtrArray) parts = g_ptr_array_new_with_free_func (g_free);
  g_autofree char *joined = NULL;
  ShmvizScenario next;

  scenario_from_settings (self, &next);

  if (next.n_producers != self->scenario.n_producers)
    g_ptr_array_add (parts, g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "%u producer", "%u producers",
                                                          next.n_producers),
                                             next.n_producers));
  if (next.n_consumers != self->scenario.n_consumers)
    g_ptr_array_add (parts, g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "%u consumer", "%u consumers",
                                                          next.n_consumers),
                                             next.n_consumers));
  if (next.n_slots != self->scenario.n_slots)
    g_ptr_array_add (parts, g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "%u slot", "%u slots",
                                                          next.n_slots),
                                             next.n_slots));
  if (next.item_size != self->scenario.item_size)
    g_ptr_array_add (parts, g_strdup_printf (_("%u-byte items"), next.item_size));

  if (parts->len == 0)
    return g_strdup (_("Restarted"));

  g_ptr_array_add (parts, NULL);
  joined = g_strjoinv (", ", (char **)parts->pdata);

  /* TRANSLATORS: %s is a list such as "4 producers, 16 slots" */
  return g_strdup_printf (_("Restarted with %s"), joined);
}

static gboolean
restart_timeout_cb (gpointer user_data)
{
  ShmvizWindow *self = user_data;
  g_autofree char *text = describe_restart (self);

  self->restart_id = 0;
  start_session (self, text);

  return G_SOURCE_REMOVE;
}

static void
apply_view_settings (ShmvizWindow *self)
{
  g_autofree char *layout = g_settings_get_string (self->settings, "ring-layout");
  g_autofree char *palette = g_settings_get_string (self->settings, "palette");
  double zoom = g_settings_get_double (self->settings, "zoom");

  shmviz_buffer_view_set_layout (self->buffer_view, layout);
  shmviz_buffer_view_set_palette (self->buffer_view, palette);
  shmviz_process_view_set_palette (self->process_view, palette);
  shmviz_timeline_view_set_palette (self->timeline_view, palette);
  shmviz_buffer_view_set_zoom (self->buffer_view, zoom);
  shmviz_process_view_set_zoom (self->process_view, zoom);
  shmviz_timeline_view_set_zoom (self->timeline_view, zoom);
}

static void
settings_changed (GSettings    *settings,
                  const char   *key,
                  ShmvizWindow *self)
{
  if (self->closing)
    return;

  for (guint i = 0; i < G_N_ELEMENTS (shape_keys); i++)
    if (g_str_equal (key, shape_keys[i]))
      {
        g_clear_handle_id (&self->restart_id, g_source_remove);
        self->restart_id = g_timeout_add (RESTART_DELAY_MS, restart_timeout_cb, self);
        return;
      }

  for (guint i = 0; i < G_N_ELEMENTS (timing_keys); i++)
    if (g_str_equal (key, timing_keys[i].key))
      {
        guint64 ns = (guint64)g_settings_get_uint (settings, key) * G_GUINT64_CONSTANT (1000000);

        self->scenario.timing_ns[timing_keys[i].timing] = ns;
        if (session_running (self))
          shmviz_session_set_timing (self->session, timing_keys[i].timing, ns);
        return;
      }

  if (g_str_equal (key, "speed"))
    {
      guint speed = g_settings_get_uint (settings, key);

      self->scenario.speed_permille = speed;
      if (session_running (self))
        shmviz_session_set_speed (self->session, speed);
      update_controls (self);
    }
  else if (g_str_equal (key, "sync-mode"))
    {
      ShmvizSyncMode mode = settings_mode (self);

      if (mode != SHMVIZ_SYNC_OFF)
        self->last_on_mode = mode;
      self->scenario.sync = mode;
      if (session_running (self) && shmviz_session_get_mode (self->session) != mode)
        shmviz_session_set_mode (self->session, mode);
      update_mode_controls (self);
      ensure_ticking (self);
    }
  else if (g_str_equal (key, "ring-layout") || g_str_equal (key, "palette") || g_str_equal (key, "zoom"))
    {
      apply_view_settings (self);
    }
}

static void
sync_switch_notify_active (GtkSwitch    *sw,
                           GParamSpec   *pspec,
                           ShmvizWindow *self)
{
  gboolean want_on = gtk_switch_get_active (sw);

  if (want_on != (settings_mode (self) != SHMVIZ_SYNC_OFF))
    gtk_widget_activate_action (GTK_WIDGET (self), "win.toggle-sync", NULL);
}

static void
race_log_anomaly_selected (ShmvizRaceLog       *log,
                           ShmvizAnomalyObject *obj,
                           ShmvizWindow        *self)
{
  guint16 procs[SHMVIZ_ANOMALY_MAX_PROCS + 2];
  guint n;
  const ShmvizAnomaly *a;

  if (obj == NULL)
    {
      shmviz_buffer_view_set_highlight (self->buffer_view, -1);
      shmviz_process_view_set_highlight (self->process_view, NULL, 0);
      return;
    }

  a = shmviz_anomaly_object_get_anomaly (obj);
  shmviz_buffer_view_set_highlight (self->buffer_view,
                                    a->slot < self->scenario.n_slots ? (int)a->slot : -1);
  n = shmviz_anomaly_object_get_procs (obj, procs, G_N_ELEMENTS (procs));
  shmviz_process_view_set_highlight (self->process_view, procs, n);
}

static void
process_activated (GtkWidget    *view,
                   guint         proc,
                   ShmvizWindow *self)
{
  g_autofree char *label = NULL;
  g_autofree char *text = NULL;
  guint16 p = proc;

  if (proc >= self->scenario.n_producers + self->scenario.n_consumers)
    return;
  if (shmviz_scheduler_pick (self->scheduler, proc))
    return;

  /* You are the scheduler: the chosen process is the one Step runs. */
  if (self->selected_proc == proc)
    {
      self->selected_proc = G_MAXUINT;
      shmviz_process_view_set_highlight (self->process_view, NULL, 0);
      toast (self, _("Step runs the processes in turn"));
      return;
    }

  self->selected_proc = proc;
  shmviz_process_view_set_highlight (self->process_view, &p, 1);
  label = shmviz_proc_label (proc, self->scenario.n_producers);
  text = g_strdup_printf (_("Step runs %s"), label);
  toast (self, text);
}

static void
process_menu (GtkWidget    *view,
              guint         proc,
              double        x,
              double        y,
              ShmvizWindow *self)
{
  const ShmvizProcView *p = NULL;

  /* Faults are for live runs; a recording shows what happened. */
  if (self->replay != NULL || !session_running (self))
    return;
  if (proc < self->snap.n_procs && self->snap.procs != NULL)
    p = &self->snap.procs[proc];
  shmviz_fault_menu_popup (view, proc, p, self->scenario.n_producers, x, y);
}

static void
slot_activated (GtkWidget    *view,
                guint         slot,
                ShmvizWindow *self)
{
  shmviz_buffer_view_set_highlight (self->buffer_view, (int)slot);
}

/* Actions */

static void
pause_activated (GSimpleAction *action,
                 GVariant      *param,
                 gpointer       user_data)
{
  ShmvizWindow *self = user_data;

  if (!session_running (self))
    return;

  shmviz_session_set_paused (self->session, !shmviz_session_get_paused (self->session));
  update_controls (self);
  ensure_ticking (self);
}

static gboolean
proc_can_step (ShmvizWindow *self,
               guint         proc,
               gboolean      allow_waiting)
{
  guint8 state;

  if (self->snap.procs == NULL || proc >= self->snap.n_procs)
    return TRUE;

  state = self->snap.procs[proc].state;
  if (state == SHMVIZ_VIEW_DONE || state == SHMVIZ_VIEW_DEAD)
    return FALSE;

  return allow_waiting || state != SHMVIZ_VIEW_WAITING;
}

static guint
next_round_robin (ShmvizWindow *self)
{
  guint n = self->scenario.n_producers + self->scenario.n_consumers;

  /* Prefer one that can make progress; a blocked one would only stay so. */
  for (int pass = 0; pass < 2; pass++)
    for (guint i = 0; i < n; i++)
      {
        guint proc = (self->next_step_proc + i) % n;

        if (proc_can_step (self, proc, pass == 1))
          {
            self->next_step_proc = (proc + 1) % n;
            return proc;
          }
      }

  return G_MAXUINT;
}

static void
step_activated (GSimpleAction *action,
                GVariant      *param,
                gpointer       user_data)
{
  ShmvizWindow *self = user_data;
  guint proc;

  if (!session_running (self))
    return;

  if (!shmviz_session_get_paused (self->session))
    shmviz_session_set_paused (self->session, TRUE);

  proc = self->selected_proc != G_MAXUINT ? self->selected_proc : next_round_robin (self);
  if (proc != G_MAXUINT)
    shmviz_session_step (self->session, proc);

  update_controls (self);
  ensure_ticking (self);
}

static void
stop_activated (GSimpleAction *action,
                GVariant      *param,
                gpointer       user_data)
{
  ShmvizWindow *self = user_data;

  if (!session_running (self))
    return;

  self->user_stopped = TRUE;
  shmviz_session_stop (self->session);
  update_controls (self);
  ensure_ticking (self);
}

static void
restart_activated (GSimpleAction *action,
                   GVariant      *param,
                   gpointer       user_data)
{
  start_session (SHMVIZ_WINDOW (user_data), NULL);
}

static void
change_speed (ShmvizWindow *self,
              int           direction)
{
  guint speed = g_settings_get_uint (self->settings, "speed");
  /* Full speed (0) sorts above every factor. */
  guint64 cur = speed == 0 ? G_MAXUINT64 : speed;
  guint next = speed;

  if (direction > 0)
    {
      for (guint i = 0; i < G_N_ELEMENTS (speed_steps); i++)
        {
          guint64 v = speed_steps[i] == 0 ? G_MAXUINT64 : speed_steps[i];

          if (v > cur)
            {
              next = speed_steps[i];
              break;
            }
        }
    }
  else
    {
      for (guint i = G_N_ELEMENTS (speed_steps); i > 0; i--)
        {
          guint64 v = speed_steps[i - 1] == 0 ? G_MAXUINT64 : speed_steps[i - 1];

          if (v < cur)
            {
              next = speed_steps[i - 1];
              break;
            }
        }
    }

  if (next != speed)
    g_settings_set_uint (self->settings, "speed", next);
}

static void
speed_up_activated (GSimpleAction *action,
                    GVariant      *param,
                    gpointer       user_data)
{
  change_speed (SHMVIZ_WINDOW (user_data), +1);
}

static void
speed_down_activated (GSimpleAction *action,
                      GVariant      *param,
                      gpointer       user_data)
{
  change_speed (SHMVIZ_WINDOW (user_data), -1);
}

static void
toggle_sync_activated (GSimpleAction *action,
                       GVariant      *param,
                       gpointer       user_data)
{
  ShmvizWindow *self = user_data;
  ShmvizSyncMode mode = settings_mode (self);
  ShmvizSyncMode next;

  if (mode != SHMVIZ_SYNC_OFF)
    {
      self->last_on_mode = mode;
      next = SHMVIZ_SYNC_OFF;
    }
  else
    {
      next = self->last_on_mode != SHMVIZ_SYNC_OFF ? self->last_on_mode : SHMVIZ_SYNC_SEMAPHORES;
    }

  g_settings_set_string (self->settings, "sync-mode", shmviz_sync_mode_to_string (next));
}

static void
zoom_by (ShmvizWindow *self,
         double        delta)
{
  double zoom = g_settings_get_double (self->settings, "zoom");

  zoom = delta == 0 ? 1.0 : CLAMP (zoom + delta, 1.0, 3.0);
  g_settings_set_double (self->settings, "zoom", zoom);
}

static void
zoom_in_activated (GSimpleAction *action,
                   GVariant      *param,
                   gpointer       user_data)
{
  zoom_by (SHMVIZ_WINDOW (user_data), 0.25);
}

static void
zoom_out_activated (GSimpleAction *action,
                    GVariant      *param,
                    gpointer       user_data)
{
  zoom_by (SHMVIZ_WINDOW (user_data), -0.25);
}

static void
zoom_reset_activated (GSimpleAction *action,
                      GVariant      *param,
                      gpointer       user_data)
{
  zoom_by (SHMVIZ_WINDOW (user_data), 0);
}

static void
dismiss_banner_activated (GSimpleAction *action,
                          GVariant      *param,
                          gpointer       user_data)
{
  hide_banner (SHMVIZ_WINDOW (user_data));
}

/* The fault actions (ui/shmviz-fault-menu.c) acted on what the banner
 * said; any other banner stays. */
static void
dismiss_fault_banner_activated (GSimpleAction *action,
                                GVariant      *param,
                                gpointer       user_data)
{
  ShmvizWindow *self = SHMVIZ_WINDOW (user_data);

  if (self->banner_is_fault || self->banner_is_deadlock)
    hide_banner (self);
}

static void
speed_lab_destroyed (GtkWindow *lab,
                     GObject   *window)
{
  g_object_set_data (window, "shmviz-speed-lab", NULL);
}

/* The Speed lab gets a window of its own: its chart needs the room. */
static void
speed_lab_activated (GSimpleAction *action,
                     GVariant      *param,
                     gpointer       user_data)
{
  GtkWindow *self = GTK_WINDOW (user_data);
  GtkWindow *lab = g_object_get_data (G_OBJECT (self), "shmviz-speed-lab");

  if (lab == NULL)
    {
      lab = GTK_WINDOW (shmviz_speed_lab_new (self));
      g_object_set_data (G_OBJECT (self), "shmviz-speed-lab", lab);
      g_signal_connect_object (lab, "destroy", G_CALLBACK (speed_lab_destroyed), self, 0);
    }
  gtk_window_present (lab);
}

static const GActionEntry win_actions[] = {
  { "speed-lab", speed_lab_activated },
  { "pause", pause_activated },
  { "step", step_activated },
  { "stop", stop_activated },
  { "restart", restart_activated },
  { "speed-up", speed_up_activated },
  { "speed-down", speed_down_activated },
  { "toggle-sync", toggle_sync_activated },
  { "zoom-in", zoom_in_activated },
  { "zoom-out", zoom_out_activated },
  { "zoom-reset", zoom_reset_activated },
  { "dismiss-banner", dismiss_banner_activated },
  { "dismiss-fault-banner", dismiss_fault_banner_activated },
};

/* Single keys on the keyboard */

static gboolean
focus_takes_keys (GtkWidget *focus)
{
  if (focus == NULL)
    return FALSE;

  return GTK_IS_EDITABLE (focus) ||
         GTK_IS_TEXT_VIEW (focus) ||
         gtk_widget_get_ancestor (focus, GTK_TYPE_SPIN_BUTTON) != NULL ||
         gtk_widget_get_ancestor (focus, GTK_TYPE_POPOVER) != NULL;
}

static gboolean
single_key_activated (GtkWidget *widget,
                      GVariant  *args,
                      gpointer   user_data)
{
  const char *action_name = user_data;

  /* Typing "5" then "-" into a spin button must edit it, not slow down
   * the run; so must Right in a text field. */
  if (focus_takes_keys (gtk_root_get_focus (GTK_ROOT (widget))))
    return FALSE;

  return gtk_widget_activate_action (widget, action_name, NULL);
}

static void
add_single_key_shortcuts (ShmvizWindow *self)
{
  static const struct {
    const char *trigger;
    const char *action;
  } keys[] = {
    { "space",       "win.pause" },
    { "period",      "win.step" },
    { "KP_Decimal",  "win.step" },
    { "Right",       "win.step" },
    { "s",           "win.toggle-sync" },
    { "plus",        "win.speed-up" },
    { "equal",       "win.speed-up" },
    { "KP_Add",      "win.speed-up" },
    { "minus",       "win.speed-down" },
    { "KP_Subtract", "win.speed-down" },
  };
  GtkEventController *controller = gtk_shortcut_controller_new ();

  /* Capture phase, so that Space pauses even while a button has focus;
   * single_key_activated() lets text entry keep its keys. */
  gtk_event_controller_set_propagation_phase (controller, GTK_PHASE_CAPTURE);
  gtk_event_controller_set_name (controller, "shmviz-single-keys");

  for (guint i = 0; i < G_N_ELEMENTS (keys); i++)
    {
      GtkShortcutTrigger *trigger = gtk_shortcut_trigger_parse_string (keys[i].trigger);
      GtkShortcutAction *action = gtk_callback_action_new (single_key_activated,
                                                           (gpointer)keys[i].action, NULL);

      g_assert (trigger != NULL);
      gtk_shortcut_controller_add_shortcut (GTK_SHORTCUT_CONTROLLER (controller),
                                            gtk_shortcut_new (trigger, action));
    }

  gtk_widget_add_controller (GTK_WIDGET (self), controller);
}

/* Closing */

static gboolean
close_timeout_cb (gpointer user_data)
{
  ShmvizWindow *self = user_data;

  self->close_timeout_id = 0;
  g_warning ("%u session(s) did not finish in time; closing anyway", self->dying->len);

  for (guint i = 0; i < self->dying->len; i++)
    g_signal_handlers_disconnect_by_data (g_ptr_array_index (self->dying, i), self);
  g_ptr_array_set_size (self->dying, 0);
  maybe_finish_close (self);

  return G_SOURCE_REMOVE;
}

static void
save_window_state (ShmvizWindow *self)
{
  int width, height;
  gboolean maximized = gtk_window_is_maximized (GTK_WINDOW (self));

  g_settings_set_boolean (self->settings, "window-maximized", maximized);
  if (maximized)
    return;

  gtk_window_get_default_size (GTK_WINDOW (self), &width, &height);
  if (width > 0 && height > 0)
    {
      g_settings_set_int (self->settings, "window-width", width);
      g_settings_set_int (self->settings, "window-height", height);
    }
}

static gboolean
shmviz_window_close_request (GtkWindow *window)
{
  ShmvizWindow *self = SHMVIZ_WINDOW (window);
  GApplication *app;

  if (self->closing)
    return TRUE;

  save_window_state (self);

  self->closing = TRUE;
  self->user_stopped = TRUE;
  if (self->tick_id != 0)
    gtk_widget_remove_tick_callback (GTK_WIDGET (self), self->tick_id);
  self->tick_id = 0;
  idle_poll_stop (self);
  retire_session (self);

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
  self->close_timeout_id = g_timeout_add_seconds (CLOSE_TIMEOUT_S, close_timeout_cb, self);

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
  idle_poll_stop (self);

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

/* Without a window manager that reports drawn frames (Xvfb, a kiosk
 * session) GDK asks the X server at every frame whether one has come
 * since: round trips that keep each frame waiting until the server is done
 * with the previous frame's image, dropping frames on a loaded machine.
 * Frame sync means nothing without such a manager, so it stays off until
 * one says it supports it. */
static void
update_frame_sync (ShmvizWindow *self)
{
#ifdef GDK_WINDOWING_X11
  GdkSurface *surface = gtk_native_get_surface (GTK_NATIVE (self));
  GdkDisplay *display = gtk_widget_get_display (GTK_WIDGET (self));

  if (surface == NULL || !GDK_IS_X11_SURFACE (surface))
    return;
  gdk_x11_surface_set_frame_sync_enabled (surface,
                                          gdk_x11_screen_supports_net_wm_hint (gdk_x11_display_get_screen (display),
                                                                               "_NET_WM_FRAME_DRAWN"));
#endif
}

static void
view_stack_notify_visible (AdwViewStack *stack,
                           GParamSpec   *pspec,
                           ShmvizWindow *self)
{
  if (g_strcmp0 (adw_view_stack_get_visible_child_name (stack), "race-log") == 0)
    adw_view_stack_page_set_needs_attention (self->race_log_page, FALSE);
}

/* The presentation marks the window with .shmviz-presenting.  On a
 * projector the ring and the processes are the show, and the caption and
 * the totals already say what happened, so the splits are GtkPaned's own
 * for an unset position, which follow the zoom as it changes: the bottom
 * pane (it does not resize) keeps only its floor, and the ring and the
 * processes share the width as their floors do.  Splits kept in pixels
 * left the views at their floor at 300 % with the race log roomy, and
 * the ring a third of the width of the cards.  The user's come back. */
static void
presenting_changed (ShmvizWindow *self)
{
  gboolean presenting = self->presentation != NULL && shmviz_presentation_get_active (self->presentation);
  GtkPaned *paneds[2] = { self->main_paned, self->top_paned };

  if (presenting == self->presenting)
    return;
  self->presenting = presenting;
  for (guint i = 0; i < G_N_ELEMENTS (paneds); i++)
    if (presenting)
      {
        self->splits_before_presenting[i] = gtk_paned_get_position (paneds[i]);
        gtk_paned_set_position (paneds[i], -1);
      }
    else
      gtk_paned_set_position (paneds[i], self->splits_before_presenting[i]);
}

static void
shmviz_window_init (ShmvizWindow *self)
{
  g_autoptr(GPropertyAction) sidebar_action = NULL;

  gtk_widget_init_template (GTK_WIDGET (self));

  g_signal_connect (self, "realize", G_CALLBACK (update_frame_sync), NULL);
#ifdef GDK_WINDOWING_X11
  if (GDK_IS_X11_DISPLAY (gtk_widget_get_display (GTK_WIDGET (self))))
    g_signal_connect_object (gdk_x11_display_get_screen (gtk_widget_get_display (GTK_WIDGET (self))),
                             "window-manager-changed", G_CALLBACK (update_frame_sync), self, G_CONNECT_SWAPPED);
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

  add_single_key_shortcuts (self);

  shmviz_scenario_panel_set_settings (self->scenario_panel, self->settings);
  shmviz_timeline_view_set_follow (self->timeline_view, TRUE);
  apply_view_settings (self);

  if (settings_mode (self) != SHMVIZ_SYNC_OFF)
    self->last_on_mode = settings_mode (self);

  g_signal_connect (self->settings, "changed", G_CALLBACK (settings_changed), self);
  g_signal_connect (self->sync_switch, "notify::active", G_CALLBACK (sync_switch_notify_active), self);
  g_signal_connect (self->race_log, "anomaly-selected", G_CALLBACK (race_log_anomaly_selected), self);
  g_signal_connect (self->view_stack, "notify::visible-child", G_CALLBACK (view_stack_notify_visible), self);

  /* Looked up so a view without the signal yet is no reason to fail. */
  if (g_signal_lookup ("process-activated", SHMVIZ_TYPE_PROCESS_VIEW) != 0)
    g_signal_connect (self->process_view, "process-activated", G_CALLBACK (process_activated), self);
  if (g_signal_lookup ("process-menu", SHMVIZ_TYPE_PROCESS_VIEW) != 0)
    g_signal_connect (self->process_view, "process-menu", G_CALLBACK (process_menu), self);
  if (g_signal_lookup ("slot-activated", SHMVIZ_TYPE_BUFFER_VIEW) != 0)
    g_signal_connect (self->buffer_view, "slot-activated", G_CALLBACK (slot_activated), self);

  gtk_paned_set_position (self->main_paned, 450);
  gtk_paned_set_position (self->top_paned, 440);

  /* Record, open, export and notes (ui/shmviz-replay-source.c). */
  g_signal_connect_swapped (self->replay_bar, "moved", G_CALLBACK (ensure_ticking), self);
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
    g_signal_connect_swapped (self, "notify::css-classes", G_CALLBACK (presenting_changed), self);
    shmviz_lesson_gallery_set_settings (self->lesson_gallery, self->settings);
    /* A schedule kept as a lesson shows up in the gallery. */
    g_signal_connect_swapped (self->scheduler, "lesson-saved",
                              G_CALLBACK (shmviz_lesson_gallery_reload), self->lesson_gallery);
  }

  /* Opening shmviz starts its scenario at once. */
  start_session (self, NULL);
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

  return self->dying->len + (session_running (self) ? 1 : 0);
}

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
      start_session (self, NULL);
      return;
    }

  g_object_ref (replay);
  retire_session (self);
  shmviz_recorder_button_stop (self->recorder_button);
  g_clear_pointer (&self->model, shmviz_model_unref);
  g_clear_object (&self->replay);
  self->replay = replay;
  self->model = shmviz_model_ref (shmviz_replay_get_model (replay));
  self->scenario = *shmviz_replay_get_scenario (replay);

  hide_banner (self);
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
  set_views_model (self);
  refresh (self);

  shmviz_replay_bar_set_replay (self->replay_bar, replay);
  /* Hidden outright when closed: GTK 4.8's revealer without a transition
   * still takes its child's height. */
  gtk_widget_set_visible (GTK_WIDGET (self->replay_revealer), TRUE);
  gtk_revealer_set_reveal_child (self->replay_revealer, TRUE);
  update_controls (self);
  ensure_ticking (self);
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

  toast (self, text);
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
