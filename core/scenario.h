/* scenario.h — what a session runs: processes, ring, timings, synchronization
 *
 * A scenario is plain data.  It is filled from CLI flags, GSettings, lessons
 * or a recording's header, and every path goes through
 * shmviz_scenario_validate() so that no out-of-range value reaches the engine.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <glib.h>
#include <stdint.h>

G_BEGIN_DECLS

#define SHMVIZ_MIN_SLOTS        1
#define SHMVIZ_MAX_SLOTS        4096
#define SHMVIZ_MAX_PRODUCERS    64
#define SHMVIZ_MAX_CONSUMERS    64
#define SHMVIZ_MAX_PROCS        (SHMVIZ_MAX_PRODUCERS + SHMVIZ_MAX_CONSUMERS)
#define SHMVIZ_MIN_ITEM_SIZE    4
#define SHMVIZ_MAX_ITEM_SIZE    65536
/* Any single delay: one minute is far slower than anyone can watch. */
#define SHMVIZ_MAX_DELAY_NS     (G_GUINT64_CONSTANT (60) * 1000000000u)
#define SHMVIZ_MAX_SPEED        100000u  /* permille: 100× */

typedef enum {
  SHMVIZ_SYNC_OFF = 0,
  SHMVIZ_SYNC_SEMAPHORES,
  SHMVIZ_SYNC_MUTEX_ONLY,
  SHMVIZ_SYNC_WRONG_ORDER,
  SHMVIZ_SYNC_LOCK_FREE,      /* bounded MPMC queue, sequence number per slot */
  SHMVIZ_SYNC_ROBUST_MUTEX,   /* counting semaphores + robust pthread mutex */
  SHMVIZ_N_SYNC_MODES
} ShmvizSyncMode;

typedef enum {
  SHMVIZ_TIMING_PRODUCE = 0,  /* time a producer spends making an item */
  SHMVIZ_TIMING_CONSUME,      /* time a consumer spends using an item */
  SHMVIZ_TIMING_RACE_WINDOW,  /* delay between reading and writing back a shared index */
  SHMVIZ_TIMING_STEP,         /* pause after every step, for slow motion */
  SHMVIZ_N_TIMINGS
} ShmvizTiming;

typedef struct {
  guint    n_producers;           /* 1..64 */
  guint    n_consumers;           /* 1..64 */
  guint    n_slots;               /* 1..4096 */
  guint    item_size;             /* payload bytes, 4..65536 */
  ShmvizSyncMode sync;
  guint64  items;                 /* total items to produce; 0 = until stopped */
  gdouble  duration;              /* seconds; 0 = no limit */
  guint64  timing_ns[SHMVIZ_N_TIMINGS];
  guint    speed_permille;        /* 1000 = as timed; 0 = full speed (no delays) */
  gboolean instrument;            /* FALSE: workers record no events (benchmarks) */
  guint64  seed;
} ShmvizScenario;

#define SHMVIZ_SCENARIO_ERROR (shmviz_scenario_error_quark ())

typedef enum {
  SHMVIZ_SCENARIO_ERROR_RANGE,
  SHMVIZ_SCENARIO_ERROR_PARSE,
} ShmvizScenarioError;

GQuark      shmviz_scenario_error_quark  (void);

/* The default the app opens on: 2 × 2 on 8 slots, semaphores, slow enough
 * to follow with the eye. */
void        shmviz_scenario_init_default (ShmvizScenario       *scenario);
/* The CLI's default: the same shape at full speed. */
void        shmviz_scenario_init_fast    (ShmvizScenario       *scenario);
gboolean    shmviz_scenario_validate     (const ShmvizScenario *scenario,
                                          GError              **error);

const char *shmviz_sync_mode_to_string   (ShmvizSyncMode        mode);
gboolean    shmviz_sync_mode_from_string (const char           *str,
                                          ShmvizSyncMode       *mode);
const char *shmviz_timing_to_string      (ShmvizTiming          timing);

/* Parses "250ms", "2s", "1.5s", "40us", "100ns" or a bare number of
 * milliseconds. */
gboolean    shmviz_parse_duration_ns     (const char           *str,
                                          guint64              *ns,
                                          GError              **error);

G_END_DECLS
