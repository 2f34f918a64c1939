/* worker.h — one producer or consumer process
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <glib.h>

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

G_END_DECLS
