/* shmviz-replay-bar.h — transport controls for a recording being replayed
 *
 * A scrubber over the whole recording, play/pause, speed 0.1×–10×, step one
 * event back or forward, previous/next anomaly and notes.  The bar drives
 * the ShmvizReplay it is given; the window's views only see its model move.
 * While playing, the bar advances recording time by the frame clock's time
 * times the speed, so playback keeps real time whatever the machine.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gtk/gtk.h>

#include "replay.h"

G_BEGIN_DECLS

#define SHMVIZ_TYPE_REPLAY_BAR (shmviz_replay_bar_get_type ())

G_DECLARE_FINAL_TYPE (ShmvizReplayBar, shmviz_replay_bar, SHMVIZ, REPLAY_BAR, GtkWidget)

GtkWidget    *shmviz_replay_bar_new          (void);
/* NULL detaches (and stops playing). */
void          shmviz_replay_bar_set_replay   (ShmvizReplayBar *self,
                                              ShmvizReplay    *replay);
ShmvizReplay *shmviz_replay_bar_get_replay   (ShmvizReplayBar *self);

void          shmviz_replay_bar_set_playing  (ShmvizReplayBar *self,
                                              gboolean         playing);
gboolean      shmviz_replay_bar_get_playing  (ShmvizReplayBar *self);
/* Playback speed factor, clamped to 0.1–10. */
void          shmviz_replay_bar_set_speed    (ShmvizReplayBar *self,
                                              double           speed);
double        shmviz_replay_bar_get_speed    (ShmvizReplayBar *self);

/* The moves the buttons make; each emits "moved". */
void          shmviz_replay_bar_seek_fraction (ShmvizReplayBar *self,
                                               double           fraction);
void          shmviz_replay_bar_seek_time    (ShmvizReplayBar *self,
                                              guint64          ts_ns);
void          shmviz_replay_bar_step         (ShmvizReplayBar *self,
                                              int              direction);
/* FALSE when there is no further anomaly that way. */
gboolean      shmviz_replay_bar_jump_anomaly (ShmvizReplayBar *self,
                                              int              direction);
/* The annotation shown now, or NULL. */
const char   *shmviz_replay_bar_get_caption  (ShmvizReplayBar *self);
/* Re-reads the replay's annotations (after one was added). */
void          shmviz_replay_bar_update       (ShmvizReplayBar *self);

G_END_DECLS
