/* lockfree.h — the shared state of the lock-free mode, set up and rebuilt
 *
 * The queue itself runs in the workers (worker.c); the supervisor only
 * puts its counters and sequence numbers in a state that agrees with the
 * slots, at creation and at every barrier.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <glib.h>

#include "region.h"

G_BEGIN_DECLS

/* Makes the queue hold @count items in positions @out .. @out + @count - 1
 * (modulo the slots), the rest free.  Only while no worker touches the
 * queue: at creation, or with every live worker parked. */
void  shmviz_lockfree_reset      (ShmvizRegion *region,
                                  guint         out,
                                  guint         count);

/* The slot holding the oldest position of the ring window, from which a
 * rebuild leaving the lock-free mode gathers items in FIFO order. */
guint shmviz_lockfree_fifo_start (ShmvizRegion *region);

G_END_DECLS
