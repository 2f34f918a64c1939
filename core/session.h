/* session.h — one live run: region, worker processes, drain thread, model
 *
 * A ShmvizSession belongs to the thread whose main context was the default
 * when it was created; its signals are emitted there.  A thread of its own
 * drains the workers' rings into the model without ever blocking the main
 * loop, and runs the barriers that mode changes need.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <glib-object.h>

#include "model.h"
#include "scenario.h"

G_BEGIN_DECLS

#define SHMVIZ_TYPE_SESSION (shmviz_session_get_type ())
G_DECLARE_FINAL_TYPE (ShmvizSession, shmviz_session, SHMVIZ, SESSION, GObject)

#define SHMVIZ_SESSION_ERROR (shmviz_session_error_quark ())

typedef enum {
  SHMVIZ_SESSION_ERROR_FAILED,
  SHMVIZ_SESSION_ERROR_SPAWN,      /* fork/exec of a worker failed */
  SHMVIZ_SESSION_ERROR_NO_WORKER,  /* shmviz-worker not found */
  SHMVIZ_SESSION_ERROR_BUSY,       /* a barrier could not complete */
} ShmvizSessionError;

GQuark         shmviz_session_error_quark (void);

ShmvizSession *shmviz_session_new          (const ShmvizScenario *scenario);
/* Creates the region and spawns every worker. On failure nothing is left
 * running and nothing is left in /dev/shm. */
gboolean       shmviz_session_start        (ShmvizSession *self,
                                            GError       **error);
/* Asks every worker to stop; "finished" is emitted once all have exited
 * (those that do not within a second are killed). */
void           shmviz_session_stop         (ShmvizSession *self);
gboolean       shmviz_session_get_running  (ShmvizSession *self);

ShmvizModel   *shmviz_session_get_model    (ShmvizSession *self);
const ShmvizScenario *shmviz_session_get_scenario (ShmvizSession *self);
/* The region's name while it still has one (it is unlinked once every
 * worker has mapped it), else NULL. */
const char    *shmviz_session_get_region_name (ShmvizSession *self);

/* Live controls.  A mode change parks every worker at a step boundary,
 * rebuilds in/out/count and the semaphores from the slots, then resumes:
 * it completes on the session thread and "notify::mode" follows. */
void           shmviz_session_set_mode     (ShmvizSession *self,
                                            ShmvizSyncMode mode);
ShmvizSyncMode shmviz_session_get_mode     (ShmvizSession *self);
void           shmviz_session_set_paused   (ShmvizSession *self,
                                            gboolean       paused);
gboolean       shmviz_session_get_paused   (ShmvizSession *self);
/* While paused: lets process @proc run exactly one step. */
void           shmviz_session_step         (ShmvizSession *self,
                                            guint          proc);
void           shmviz_session_set_speed    (ShmvizSession *self,
                                            guint          speed_permille);
guint          shmviz_session_get_speed    (ShmvizSession *self);
void           shmviz_session_set_timing   (ShmvizSession *self,
                                            ShmvizTiming   timing,
                                            guint64        ns);
/* Recovers after a worker died holding something: parks the survivors at a
 * safe point, rebuilds in/out/count and the semaphores from the slots (the
 * dead process's half-done slot is cleared and accounted for), bumps the
 * region's generation and resumes.  Nothing is ever posted blindly. */
void           shmviz_session_recover      (ShmvizSession *self);
/* Starts worker @proc again after it died; a producer goes on with its own
 * item numbering, so no id is ever used twice. */
gboolean       shmviz_session_restart_worker (ShmvizSession *self,
                                              guint          proc,
                                              GError       **error);
/* What worker @proc held and was doing when it died, in a sentence, e.g.
 * "P2 was killed by signal 9 while holding the mutex."; NULL if alive. */
char          *shmviz_session_dup_death_message (ShmvizSession *self,
                                                 guint          proc);
/* How long nobody may progress before the watchdog speaks (default 2 s). */
void           shmviz_session_set_watchdog (ShmvizSession *self,
                                            guint64        ns);

/* Workers started from now on run @increment nice levels below the
 * caller (0, the default: at its level).  A window showing the workers
 * lowers them so that a hundred busy processes cannot starve its frames;
 * alone on the machine they run as fast either way. */
void           shmviz_session_set_worker_niceness (ShmvizSession *self,
                                                   int            increment);

/* Workers started from now on run in the kernel's SCHED_IDLE class: they
 * get only the CPU time that no ordinary task wants.  Nice 19 alone still
 * weighs 64 busy workers on a CPU as much as one task at nice 0, and a
 * window's frame waited half its time for a CPU; idle-class workers give
 * way to it at once and run as fast while it sleeps between frames. */
void           shmviz_session_set_worker_idle (ShmvizSession *self,
                                               gboolean       idle);

/* Sends @signo to worker @proc (fault injection). */
gboolean       shmviz_session_signal_worker (ShmvizSession *self,
                                             guint          proc,
                                             int            signo,
                                             GError       **error);

/* Items produced (@consumers FALSE) or consumed so far, as the workers
 * count them in the region: exact even when they record no events. */
guint64        shmviz_session_count_items  (ShmvizSession *self,
                                            gboolean       consumers);

/* Called on the session thread for every batch of events, in timestamp
 * order, before they are folded (recorders use this). */
typedef void (*ShmvizEventSink) (const ShmvizEvent *events,
                                 guint              n_events,
                                 gpointer           user_data);
void           shmviz_session_add_sink     (ShmvizSession  *self,
                                            ShmvizEventSink sink,
                                            gpointer        user_data);

/* Where shmviz-worker is looked for: $SHMVIZ_WORKER, beside the running
 * executable, then the installed libexecdir. */
char          *shmviz_session_find_worker  (GError       **error);

G_END_DECLS
