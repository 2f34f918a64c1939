/* shmviz-window-internal.h — what the window's files share
 *
 * The window is one GObject (see shmviz-window.c); each part of what it
 * does is in a file of its own:
 *
 *   shmviz-window.c             the class: template, class_init/init,
 *                               dispose, close request, the action table
 *                               and the accessors
 *   shmviz-window-session.c     starting and retiring a run, and the
 *                               session's signals: finished, process died,
 *                               stalled, deadlock, error, mode, paused
 *   shmviz-window-settings.c    the scenario from GSettings; key changes
 *                               become live calls, view looks or a restart
 *   shmviz-window-controls.c    the header: subtitle, pause, speed, sync
 *   shmviz-window-banners.c     toasts and the banner (errors, deadlock,
 *                               faults)
 *   shmviz-window-frames.c      the frame tick handing snapshots to the
 *                               views, the idle poll, anomalies, frame sync
 *   shmviz-window-actions.c     the win.* actions: pause, step, stop,
 *                               restart, speed, sync, zoom, banners, lab
 *   shmviz-window-keys.c        single-key shortcuts that spare text fields
 *   shmviz-window-views.c       the views' signals: race log selection,
 *                               process cards, slots, the view stack
 *   shmviz-window-presenting.c  the panes' splits in presentation mode
 *   shmviz-window-replay.c      a recording shown instead of a run
 *   shmviz-window-close.c       closing: waiting for the sessions to finish
 *
 * Recording and opening files is in shmviz-replay-source.c.  The public
 * API stays in shmviz-window.h: the instance struct and these names are
 * for the window's own files only.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include "shmviz-announcer.h"
#include "shmviz-buffer-view.h"
#include "shmviz-lesson-gallery.h"
#include "shmviz-presentation.h"
#include "shmviz-process-view.h"
#include "shmviz-recorder-button.h"
#include "shmviz-replay-bar.h"
#include "shmviz-scenario-panel.h"
#include "shmviz-scheduler.h"
#include "shmviz-timeline-view.h"
#include "shmviz-window.h"

G_BEGIN_DECLS

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

/* shmviz-window-controls.c */
void             _shmviz_window_update_controls                (ShmvizWindow        *self);
void             _shmviz_window_update_mode_controls           (ShmvizWindow        *self);

/* shmviz-window-settings.c */
ShmvizSyncMode   _shmviz_window_settings_mode                  (ShmvizWindow        *self);
void             _shmviz_window_scenario_from_settings         (ShmvizWindow        *self,
                                                                ShmvizScenario      *scenario);
void             _shmviz_window_apply_view_settings            (ShmvizWindow        *self);
void             _shmviz_window_settings_changed               (GSettings           *settings,
                                                                const char          *key,
                                                                ShmvizWindow        *self);
void             _shmviz_window_sync_switch_notify_active      (GtkSwitch           *sw,
                                                                GParamSpec          *pspec,
                                                                ShmvizWindow        *self);

/* shmviz-window-banners.c */
void             _shmviz_window_toast                          (ShmvizWindow        *self,
                                                                const char          *text);
void             _shmviz_window_hide_banner                    (ShmvizWindow        *self);
void             _shmviz_window_show_fault_banner              (ShmvizWindow        *self,
                                                                const char          *text,
                                                                const char          *button_label,
                                                                const char          *action_name,
                                                                GVariant            *target,
                                                                const char          *alt_label,
                                                                const char          *alt_action_name,
                                                                GVariant            *alt_target);
void             _shmviz_window_show_error                     (ShmvizWindow        *self,
                                                                const char          *what,
                                                                const GError        *error);
void             _shmviz_window_show_deadlock_banner           (ShmvizWindow        *self);

/* shmviz-window-frames.c */
void             _shmviz_window_idle_poll_stop                 (ShmvizWindow        *self);
void             _shmviz_window_ensure_ticking                 (ShmvizWindow        *self);
void             _shmviz_window_pull_anomalies                 (ShmvizWindow        *self);
gboolean         _shmviz_window_refresh                        (ShmvizWindow        *self);
void             _shmviz_window_update_frame_sync              (ShmvizWindow        *self);

/* shmviz-window-session.c */
gboolean         _shmviz_window_session_running                (ShmvizWindow        *self);
void             _shmviz_window_retire_session                 (ShmvizWindow        *self);
void             _shmviz_window_set_views_model                (ShmvizWindow        *self);
void             _shmviz_window_start_session                  (ShmvizWindow        *self,
                                                                const char          *toast_text);

/* shmviz-window-actions.c */
void             _shmviz_window_pause_activated                (GSimpleAction       *action,
                                                                GVariant            *param,
                                                                gpointer             user_data);
void             _shmviz_window_step_activated                 (GSimpleAction       *action,
                                                                GVariant            *param,
                                                                gpointer             user_data);
void             _shmviz_window_stop_activated                 (GSimpleAction       *action,
                                                                GVariant            *param,
                                                                gpointer             user_data);
void             _shmviz_window_restart_activated              (GSimpleAction       *action,
                                                                GVariant            *param,
                                                                gpointer             user_data);
void             _shmviz_window_speed_up_activated             (GSimpleAction       *action,
                                                                GVariant            *param,
                                                                gpointer             user_data);
void             _shmviz_window_speed_down_activated           (GSimpleAction       *action,
                                                                GVariant            *param,
                                                                gpointer             user_data);
void             _shmviz_window_toggle_sync_activated          (GSimpleAction       *action,
                                                                GVariant            *param,
                                                                gpointer             user_data);
void             _shmviz_window_zoom_in_activated              (GSimpleAction       *action,
                                                                GVariant            *param,
                                                                gpointer             user_data);
void             _shmviz_window_zoom_out_activated             (GSimpleAction       *action,
                                                                GVariant            *param,
                                                                gpointer             user_data);
void             _shmviz_window_zoom_reset_activated           (GSimpleAction       *action,
                                                                GVariant            *param,
                                                                gpointer             user_data);
void             _shmviz_window_dismiss_banner_activated       (GSimpleAction       *action,
                                                                GVariant            *param,
                                                                gpointer             user_data);
void             _shmviz_window_dismiss_fault_banner_activated (GSimpleAction       *action,
                                                                GVariant            *param,
                                                                gpointer             user_data);
void             _shmviz_window_speed_lab_activated            (GSimpleAction       *action,
                                                                GVariant            *param,
                                                                gpointer             user_data);

/* shmviz-window-keys.c */
void             _shmviz_window_add_single_key_shortcuts       (ShmvizWindow        *self);

/* shmviz-window-close.c */
void             _shmviz_window_maybe_finish_close             (ShmvizWindow        *self);
gboolean         _shmviz_window_close_timeout_cb               (gpointer             user_data);
void             _shmviz_window_save_window_state              (ShmvizWindow        *self);

/* shmviz-window-views.c */
void             _shmviz_window_race_log_anomaly_selected      (ShmvizRaceLog       *log,
                                                                ShmvizAnomalyObject *obj,
                                                                ShmvizWindow        *self);
void             _shmviz_window_process_activated              (GtkWidget           *view,
                                                                guint                proc,
                                                                ShmvizWindow        *self);
void             _shmviz_window_process_menu                   (GtkWidget           *view,
                                                                guint                proc,
                                                                double               x,
                                                                double               y,
                                                                ShmvizWindow        *self);
void             _shmviz_window_slot_activated                 (GtkWidget           *view,
                                                                guint                slot,
                                                                ShmvizWindow        *self);
void             _shmviz_window_view_stack_notify_visible      (AdwViewStack        *stack,
                                                                GParamSpec          *pspec,
                                                                ShmvizWindow        *self);

/* shmviz-window-presenting.c */
void             _shmviz_window_presenting_changed             (ShmvizWindow        *self);

G_END_DECLS
