/* worker.h — one producer or consumer process
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <glib.h>

#include "region.h"

G_BEGIN_DECLS

typedef enum {
  SHMVIZ_WORKER_EXIT_OK      = 0,
  SHMVIZ_WORKER_EXIT_USAGE   = 2,
  SHMVIZ_WORKER_EXIT_REGION  = 3,  /* could not open or validate the region */
  SHMVIZ_WORKER_EXIT_CORRUPT = 4,  /* a live value went out of range: detached */
  SHMVIZ_WORKER_EXIT_ORPHAN  = 5,  /* the supervisor is gone */
} ShmvizWorkerExit;

/* Runs the worker started as `shmviz-worker REGION-NAME PROC-INDEX PARENT-PID`
 * and returns its exit status. */
int shmviz_worker_main (int    argc,
                        char **argv);

/* Benchmarks only: appends @n_events events to the ring of process @proc
 * of @region through the workers' own emit(), as fast as it can.  Returns
 * how many were dropped.  Someone else must drain the ring. */
guint64 shmviz_worker_bench_emit (ShmvizRegion *region,
                                  guint         proc,
                                  guint64       n_events);

G_END_DECLS
