/* schedule.h — "you are the scheduler": a chosen interleaving, exactly
 *
 * A schedule is a list of process tokens ("P1,P2,P1,C1"): each lets that
 * process run one step, i.e. pass one step boundary of its worker (see
 * docs/scheduling.md for what one step is in each mode).  The driver
 * pauses a session before it starts, lets every worker reach its first
 * boundary, then grants one step at a time and waits until the whole
 * region is quiet again before the next: the stepped process stopped at
 * its next boundary, sleeps on a semaphore, or exited, and nobody that a
 * post woke up is still on its way.  So the same scenario and schedule
 * give the same interleaving, and the same anomalies, every time.
 *
 * Everything here runs on the main context of the session's thread and
 * polls the region (it never blocks the main loop).
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gio/gio.h>

#include "scenario.h"
#include "session.h"

G_BEGIN_DECLS

#define SHMVIZ_SCHEDULE_ERROR (shmviz_schedule_error_quark ())

typedef enum {
  SHMVIZ_SCHEDULE_ERROR_PARSE,     /* a token is not P<n> or C<n> */
  SHMVIZ_SCHEDULE_ERROR_RANGE,     /* names a process the scenario lacks */
  SHMVIZ_SCHEDULE_ERROR_EXITED,    /* the process named has already exited */
  SHMVIZ_SCHEDULE_ERROR_TIMEOUT,   /* the region did not settle in time */
  SHMVIZ_SCHEDULE_ERROR_NOT_RUNNING,
} ShmvizScheduleError;

GQuark   shmviz_schedule_error_quark (void);

/* Parses "P1,P2,C1" (commas and/or spaces; case-insensitive) into model
 * process indices (guint, producers first) checked against @scenario.
 * Errors name the token and its position. */
GArray  *shmviz_schedule_parse      (const char           *text,
                                     const ShmvizScenario *scenario,
                                     GError              **error);
/* The inverse: "P1,P2,C1". */
char    *shmviz_schedule_to_string  (const guint          *procs,
                                     guint                 n_procs,
                                     guint                 n_producers);

/* What one granted step did. */
typedef struct {
  guint    proc;
  guint64  steps_before;     /* the worker's boundary counter */
  guint64  steps_after;
  gboolean blocked;          /* sleeping on a semaphore after the step */
  gboolean exited;
  guint    n_anomalies;      /* the model's anomaly count once settled */
} ShmvizStepOutcome;

/* Pauses @session (call before shmviz_session_start(): the session then
 * starts paused, see session.c) and sets full speed, so that no delay
 * hides inside a step. */
void     shmviz_schedule_prepare    (ShmvizSession        *session);

/* Completes once every worker of @session is quiet (see above). */
void     shmviz_schedule_settle_async  (ShmvizSession       *session,
                                        GCancellable        *cancellable,
                                        GAsyncReadyCallback  callback,
                                        gpointer             user_data);
gboolean shmviz_schedule_settle_finish (ShmvizSession       *session,
                                        GAsyncResult        *result,
                                        GError             **error);

/* Grants @proc one step and completes once the region is quiet again. */
void     shmviz_schedule_step_async    (ShmvizSession       *session,
                                        guint                proc,
                                        GCancellable        *cancellable,
                                        GAsyncReadyCallback  callback,
                                        gpointer             user_data);
gboolean shmviz_schedule_step_finish   (ShmvizSession       *session,
                                        GAsyncResult        *result,
                                        ShmvizStepOutcome   *outcome,
                                        GError             **error);

/* Settles, then runs every step of @procs in order. */
void     shmviz_schedule_run_async     (ShmvizSession       *session,
                                        const guint         *procs,
                                        guint                n_procs,
                                        GCancellable        *cancellable,
                                        GAsyncReadyCallback  callback,
                                        gpointer             user_data);
gboolean shmviz_schedule_run_finish    (ShmvizSession       *session,
                                        GAsyncResult        *result,
                                        GError             **error);

/* Whether worker @proc sleeps on a semaphore right now (FALSE when the
 * session is not running). */
gboolean shmviz_schedule_proc_blocked  (ShmvizSession       *session,
                                        guint                proc);
gboolean shmviz_schedule_proc_exited   (ShmvizSession       *session,
                                        guint                proc);

G_END_DECLS
