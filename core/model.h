/* model.h — what the views draw, folded from the event stream
 *
 * The model does not know where events come from: the live source (rings in
 * a region) and the replay source (a recording) both call
 * shmviz_model_fold().  It is thread-safe: a source thread folds while the
 * UI takes a snapshot once per frame, and each call holds the lock only for
 * a copy.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <glib-object.h>

#include "event.h"
#include "ledger.h"
#include "scenario.h"

G_BEGIN_DECLS

/* What the views show for a process; finer than ShmvizProcState because it
 * is derived from the steps themselves. */
typedef enum {
  SHMVIZ_VIEW_NEW = 0,
  SHMVIZ_VIEW_RUNNING,     /* producing / consuming, outside any lock */
  SHMVIZ_VIEW_ACQUIRING,   /* asked for a semaphore, not blocked (yet) */
  SHMVIZ_VIEW_WAITING,     /* blocked on wait_sem */
  SHMVIZ_VIEW_CRITICAL,    /* holds the mutex / touches shared indices */
  SHMVIZ_VIEW_PARKED,      /* stopped at a barrier for a mode change */
  SHMVIZ_VIEW_DONE,        /* exited normally */
  SHMVIZ_VIEW_DEAD,        /* died: killed by a signal or failed */
  SHMVIZ_VIEW_STOPPED,     /* stopped by a signal (SIGSTOP): alive, frozen */
  SHMVIZ_N_VIEW_STATES
} ShmvizViewState;

typedef struct {
  guint64 item;            /* what the stream says is in the slot */
  guint8  state;           /* ShmvizSlotState */
  guint8  flash;           /* ShmvizAnomalyKind + 1 of the last anomaly here, 0 none */
  guint64 changed_ns;
  guint64 flash_ns;
} ShmvizSlotView;

typedef struct {
  guint16 index;
  guint8  role;            /* ShmvizRole */
  guint8  state;           /* ShmvizViewState */
  guint8  wait_sem;        /* ShmvizSem, valid when ACQUIRING or WAITING */
  guint8  held;            /* SHMVIZ_HELD_* bits */
  guint8  last_kind;       /* ShmvizEventKind of its last step */
  gint32  pid;
  guint   last_slot;       /* G_MAXUINT when none */
  guint64 last_item;
  guint64 last_ns;         /* time of its last step */
  guint64 state_since_ns;
  guint64 items_done;
  gint    exit_status;     /* DEAD/DONE: signal or status */
  gboolean signaled;
} ShmvizProcView;

typedef struct {
  ShmvizScenario scenario;
  ShmvizSyncMode mode;
  gboolean paused;
  guint    speed_permille;
  guint64  start_ns;
  guint64  now_ns;         /* time of the newest event folded */
  guint    in, out, count; /* as last read back by a worker */
  gint     sem_value[SHMVIZ_N_SEMS]; /* as the stream implies */
  guint16  mutex_owner;    /* SHMVIZ_NO_PROC when free */
  guint    n_slots;
  ShmvizSlotView *slots;   /* n_slots */
  guint    n_procs;
  ShmvizProcView *procs;   /* n_procs: producers first, then consumers */
  ShmvizTotals totals;
  guint    n_anomalies;
  gboolean deadlock;
  guint64  generation;     /* bumped on every fold, so views skip still frames */
} ShmvizSnapshot;

/* One stretch of a process's timeline. */
typedef struct {
  guint64 start_ns;
  guint64 end_ns;          /* G_MAXUINT64 while it lasts */
  guint8  state;           /* ShmvizViewState */
  guint8  wait_sem;
} ShmvizSpan;

typedef struct _ShmvizModel ShmvizModel;

/* A boxed type (ref/unref) so the model can travel in GObject properties. */
#define SHMVIZ_TYPE_MODEL (shmviz_model_get_type ())
GType        shmviz_model_get_type       (void) G_GNUC_CONST;

ShmvizModel *shmviz_model_new            (const ShmvizScenario *scenario);
ShmvizModel *shmviz_model_ref            (ShmvizModel          *model);
void         shmviz_model_unref          (ShmvizModel          *model);
void         shmviz_model_fold           (ShmvizModel          *model,
                                          const ShmvizEvent    *events,
                                          guint                 n_events);
/* Ledger stall check, for the live source; see shmviz_ledger_check_stall(). */
guint        shmviz_model_check_stall    (ShmvizModel          *model,
                                          guint64               now_ns,
                                          guint64               stall_ns);

/* Copies the current state into @snapshot, reusing its arrays. */
void         shmviz_model_snapshot       (ShmvizModel          *model,
                                          ShmvizSnapshot       *snapshot);
void         shmviz_snapshot_clear       (ShmvizSnapshot       *snapshot);

/* Appends the anomalies from index @from on to @out (ShmvizAnomaly) and
 * returns the total count. */
guint        shmviz_model_get_anomalies  (ShmvizModel          *model,
                                          guint                 from,
                                          GArray               *out);
/* Appends @proc's timeline spans that end after @since_ns to @out
 * (ShmvizSpan).  Old history is kept up to a bounded number of spans per
 * process; older spans are dropped first. */
void         shmviz_model_get_spans      (ShmvizModel          *model,
                                          guint                 proc,
                                          guint64               since_ns,
                                          GArray               *out);
/* The same as shmviz_model_get_spans() but costs only what it returns:
 * for views that fetch the newest spans every frame. */
void         shmviz_model_get_recent_spans (ShmvizModel        *model,
                                            guint               proc,
                                            guint64             since_ns,
                                            GArray             *out);
void         shmviz_model_get_totals     (ShmvizModel          *model,
                                          ShmvizTotals         *totals);
gboolean     shmviz_model_in_deadlock    (ShmvizModel          *model);
const ShmvizScenario *shmviz_model_get_scenario (ShmvizModel   *model);

/* Copies one process's view; FALSE when @proc is out of range.  Cheap
 * enough to call after every event (exporters do). */
gboolean     shmviz_model_get_proc       (ShmvizModel          *model,
                                          guint                 proc,
                                          ShmvizProcView       *out);

/* Snapshots for recordings and replay (docs/recording-format.md).  The
 * state is everything the fold has built (views, timelines, ledger) except
 * the anomaly list, which restore() takes separately: the first
 * @n_anomalies of the stream.  restore() replaces the state of a model
 * made for the same numbers of producers, consumers and slots, or leaves
 * it untouched and fails on anything malformed. */
GBytes      *shmviz_model_serialize      (ShmvizModel          *model);
gboolean     shmviz_model_restore        (ShmvizModel          *model,
                                          GBytes               *state,
                                          const ShmvizAnomaly  *anomalies,
                                          guint                 n_anomalies,
                                          GError              **error);

const char  *shmviz_view_state_name      (ShmvizViewState       state);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (ShmvizModel, shmviz_model_unref)

G_END_DECLS
