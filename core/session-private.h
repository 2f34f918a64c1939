/* session-private.h — what stays inside the session's files, and what
 * tests may reach
 *
 *   session.c          the object, its public API, spawning and reaping
 *   session-drain.c    draining the rings and merging them in time order
 *   session-barrier.c  parking every worker and rebuilding the shared state
 *   session-watch.c    deadlock, stall and stopped-process detection
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <time.h>

#include "region.h"
#include "session.h"

G_BEGIN_DECLS

/* The session thread drains every DRAIN_INTERVAL_US to _MAX_US, the
 * longer the less its rings fill (session.c drain_interval_us()). */
#define DRAIN_INTERVAL_US      1000
#define DRAIN_INTERVAL_MAX_US  4000
/* Paused, once nothing has come in for DRAIN_PAUSED_QUIET_NS, the thread
 * wakes only every DRAIN_INTERVAL_PAUSED_US, or when the supervisor pushes
 * an event (a step, a resume, a death), which signals it at once. */
#define DRAIN_INTERVAL_PAUSED_US  100000
#define DRAIN_PAUSED_QUIET_NS     (200 * G_GUINT64_CONSTANT (1000000))
/* Folding is the slow part: bound it per round so that the rings, which
 * are cheap to copy out, are emptied often whatever the backlog. */
#define MERGE_MAX_EVENTS    32768
/* Unmerged events staged in all (32 MiB) and per ring at least: beyond,
 * back-pressure. */
#define STAGED_MAX_EVENTS   (1024 * 1024)
#define STAGE_MIN_EVENTS    (16 * 1024)
#define STALL_NS            (300 * G_GUINT64_CONSTANT (1000000))
#define STALL_CHECK_NS      (20 * G_GUINT64_CONSTANT (1000000))
#define BARRIER_TIMEOUT_NS  (3 * G_GUINT64_CONSTANT (1000000000))
#define STOP_GRACE_MS       1000
#define WATCHDOG_NS         (2 * G_GUINT64_CONSTANT (1000000000))
#define STOPPED_POLL_NS     (200 * G_GUINT64_CONSTANT (1000000))
#define STOPPED_POLL_PAUSED_NS  (1000 * G_GUINT64_CONSTANT (1000000))
/* With a fixed number of items, how long consumers may make no progress
 * after the last producer finished before the run counts as drained. */
#define DRAIN_QUIET_NS      (500 * G_GUINT64_CONSTANT (1000000))

typedef struct {
  GArray *events;   /* ShmvizEvent, sorted by ts_ns */
  guint   pos;      /* first not yet merged */
} Stage;

/* Turns the workers' TSC stamps into CLOCK_MONOTONIC ns (session-drain.c).
 * A stamp converts from the newest anchor, a (tick, ns) pair read together
 * at every drain, at a slope measured over the session's whole life: the
 * stamps of one drain lie within a drain interval of its anchor, so an
 * error of e in the slope costs e × interval, and the anchor's own error is
 * half the few tens of ns one clock_gettime() takes. */
typedef struct {
  gboolean tsc;           /* FALSE: stamps are ns already */
  guint64  first_tick;    /* the first anchor */
  guint64  first_ns;
  guint64  tick;          /* the newest anchor */
  guint64  ns;
  double   ns_per_tick;
  gint64   mult;          /* ns_per_tick in 32.32 fixed point, 0: use the slow path */
} ShmvizTscClock;

typedef struct {
  ShmvizEventSink func;
  gpointer        data;
} Sink;

typedef enum {
  REQUEST_MODE,
} RequestKind;

typedef struct {
  RequestKind kind;
  guint       value;
} Request;

struct _ShmvizSession
{
  GObject         parent_instance;

  ShmvizScenario  scenario;
  ShmvizRegion   *region;
  ShmvizModel    *model;
  GMainContext   *main_context;
  char           *worker_path;

  guint           n_procs;
  GPid           *pids;
  guint          *child_watches;
  gint           *gone;            /* atomic: reaped */
  guint           n_alive;
  guint           kill_source;
  guint           duration_source;

  gboolean        running;
  gboolean        stopping;
  gboolean        finished;
  ShmvizSyncMode  mode;
  gboolean        paused;
  guint           speed;

  /* Shared with the session thread, under lock. */
  GMutex          lock;
  GCond           cond;
  GThread        *thread;
  gboolean        thread_quit;
  GQueue          requests;
  GArray         *control_events;  /* supervisor events not yet merged */
  guint64         control_floor;   /* a back-dated event stamped this is coming; 0 none */
  guint64         control_pushed_ns;  /* when the supervisor last pushed an event */
  GArray         *sinks;

  /* Session thread only. */
  ShmvizTscClock  clock;
  guint64         drain_peak;      /* most events one ring held since the last interval */
  guint64         last_drain_ns;
  guint64         last_busy_ns;    /* when a drain last found events */
  Stage          *stages;          /* n_procs + 1: the last is the supervisor's */
  guint64        *tails;
  guint64        *last_ts;         /* newest event drained from each ring */
  guint64        *steps_seen;      /* each block's step counter at the last watch */
  guint64         merged_ts;       /* newest event merged so far */
  guint64        *dropped_seen;
  GArray         *batch;
  gboolean        barrier_active;
  guint32         barrier_epoch;
  guint           barrier_mode;
  guint64         barrier_deadline;
  guint64         last_stall_check;
  gboolean        deadlock_reported;
  guint64         producers_done_at;
  gboolean        drained_reported;
  guint64         watchdog_ns;
  int             worker_niceness;  /* added to ours for workers spawned */
  gboolean        worker_idle;      /* spawned into SCHED_IDLE */
  guint64         watch_since;
  guint64         last_stopped_poll;
  gboolean       *stopped;         /* seen in state T in /proc */
  gboolean        stall_reported;

  /* Main context only. */
  char          **death_messages;  /* n_procs, NULL while alive */
};

enum { NOTIFY_MODE, NOTIFY_DEADLOCK, NOTIFY_ERROR, NOTIFY_DRAINED, NOTIFY_STALLED };

static inline guint64
_shmviz_session_now_ns (void)
{
  struct timespec ts;

  clock_gettime (CLOCK_MONOTONIC, &ts);
  return (guint64) ts.tv_sec * G_GUINT64_CONSTANT (1000000000) + (guint64) ts.tv_nsec;
}

/* 0 once the worker has exited or before it was spawned. */
GPid          shmviz_session_get_worker_pid (ShmvizSession *self,
                                             guint          proc);
/* The live mapping; valid until the session is finalized. */
ShmvizRegion *shmviz_session_get_region     (ShmvizSession *self);

/* session.c */
void      _shmviz_session_wake_workers      (ShmvizSession *self);
gboolean  _shmviz_session_proc_gone         (ShmvizSession *self,
                                             guint          proc);
/* Queues a notification for the main context; takes @error and @message. */
void      _shmviz_session_notify_main_full  (ShmvizSession *self,
                                             guint          what,
                                             GError        *error,
                                             char          *message);
void      _shmviz_session_notify_main       (ShmvizSession *self,
                                             guint          what,
                                             GError        *error);

/* session-drain.c */
void      _shmviz_session_push_control_at   (ShmvizSession *self,
                                             guint64        ts_ns,
                                             guint8         kind,
                                             guint8         detail,
                                             guint16        slot,
                                             guint16        value,
                                             guint64        item,
                                             guint64        other);
void      _shmviz_session_push_control      (ShmvizSession *self,
                                             guint8         kind,
                                             guint8         detail,
                                             guint16        slot,
                                             guint16        value,
                                             guint64        item,
                                             guint64        other);
guint64   _shmviz_session_reserve_control_ts (ShmvizSession *self);
void      _shmviz_tsc_clock_init            (ShmvizTscClock *clock,
                                             gboolean        tsc);
/* Reads a fresh anchor and returns its time: ordered before any later load. */
guint64   _shmviz_tsc_clock_anchor          (ShmvizTscClock *clock);
guint64   _shmviz_tsc_clock_to_ns           (const ShmvizTscClock *clock,
                                             guint64         stamp);
gboolean  _shmviz_session_drain_and_merge   (ShmvizSession *self,
                                             gboolean       final);

/* session-barrier.c */
void      _shmviz_session_begin_barrier     (ShmvizSession *self,
                                             guint          mode);
void      _shmviz_session_progress_barrier  (ShmvizSession *self);

/* session-watch.c */
void      _shmviz_session_check_progress    (ShmvizSession *self,
                                             guint64        now);
char     *_shmviz_session_describe_death    (ShmvizSession *self,
                                             guint          proc,
                                             gint           status,
                                             gboolean       signaled);

G_END_DECLS
