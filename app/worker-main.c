/* shmviz-worker — one producer or consumer, started by the supervisor
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include "worker.h"

int
main (int    argc,
      char **argv)
{
  return shmviz_worker_main (argc, argv);
}
