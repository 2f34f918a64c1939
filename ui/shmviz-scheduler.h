/* shmviz-scheduler.h — "you are the scheduler": the user picks every step
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gtk/gtk.h>

#include "session.h"

G_BEGIN_DECLS

#define SHMVIZ_TYPE_SCHEDULER (shmviz_scheduler_get_type ())

G_DECLARE_FINAL_TYPE (ShmvizScheduler, shmviz_scheduler, SHMVIZ, SCHEDULER, GtkBox)

GtkWidget *shmviz_scheduler_new          (void);
/* Call with every new session before shmviz_session_start(): in scheduler
 * mode the session is prepared to start paused, and a pending undo replays
 * on it. */
void       shmviz_scheduler_set_session  (ShmvizScheduler *self,
                                          ShmvizSession   *session);
/* Turning it on restarts the run (action win.restart) so that no step
 * happened before the user's first pick. */
void       shmviz_scheduler_set_active   (ShmvizScheduler *self,
                                          gboolean         active);
gboolean   shmviz_scheduler_get_active   (ShmvizScheduler *self);
/* Lets process @proc (model index) take its next step.  FALSE when
 * scheduler mode is off (the caller then does what it does otherwise). */
gboolean   shmviz_scheduler_pick         (ShmvizScheduler *self,
                                          guint            proc);
void       shmviz_scheduler_step_back    (ShmvizScheduler *self);
/* TRUE while a step or a replay is in flight. */
gboolean   shmviz_scheduler_get_busy     (ShmvizScheduler *self);
/* The steps taken so far, as "P1,P2,C1". */
char      *shmviz_scheduler_dup_schedule (ShmvizScheduler *self);
/* The lesson just opened (its id, or NULL): when it has a schedule for
 * the scenario running, the page offers to replay it. */
void       shmviz_scheduler_set_lesson   (ShmvizScheduler *self,
                                          const char      *id);
/* One line: what the last step did, in words ("" before any). */
const char *shmviz_scheduler_get_caption (ShmvizScheduler *self);

G_END_DECLS
