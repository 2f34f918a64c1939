/* shmviz-window.h — the live visualizer: one session, its views and controls
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <adwaita.h>

#include "replay.h"
#include "session.h"
#include "shmviz-race-log.h"
#include "shmviz-totals-bar.h"

G_BEGIN_DECLS

#define SHMVIZ_TYPE_WINDOW (shmviz_window_get_type ())

G_DECLARE_FINAL_TYPE (ShmvizWindow, shmviz_window, SHMVIZ, WINDOW, AdwApplicationWindow)

/* Starts the scenario stored in GSettings at once. */
ShmvizWindow    *shmviz_window_new            (GtkApplication *application);
/* The current session, NULL when it could not be created. */
ShmvizSession   *shmviz_window_get_session    (ShmvizWindow   *self);
ShmvizRaceLog   *shmviz_window_get_race_log   (ShmvizWindow   *self);
ShmvizTotalsBar *shmviz_window_get_totals_bar (ShmvizWindow   *self);
/* The snapshot the views were last given. */
const ShmvizSnapshot *shmviz_window_get_snapshot (ShmvizWindow *self);
/* The sidebar, a ShmvizScenarioPanel. */
GtkWidget       *shmviz_window_get_scenario_panel (ShmvizWindow *self);
/* The text of the deadlock or error banner while it is shown, else NULL. */
const char      *shmviz_window_get_banner     (ShmvizWindow   *self);
/* Sessions stopped but not yet "finished", the current one included. */
guint            shmviz_window_get_n_live_sessions (ShmvizWindow *self);

/* Record and replay (ui/shmviz-replay-source.h opens files). */
void             shmviz_window_set_replay     (ShmvizWindow   *self,
                                               ShmvizReplay   *replay);
ShmvizReplay    *shmviz_window_get_replay     (ShmvizWindow   *self);
/* The model the views show: the session's or the replay's. */
ShmvizModel     *shmviz_window_get_model      (ShmvizWindow   *self);
void             shmviz_window_add_toast      (ShmvizWindow   *self,
                                               const char     *text);
/* A ShmvizReplayBar and a ShmvizRecorderButton. */
GtkWidget       *shmviz_window_get_replay_bar (ShmvizWindow   *self);
GtkWidget       *shmviz_window_get_recorder_button (ShmvizWindow *self);

G_END_DECLS
