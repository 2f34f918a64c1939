/* lockfree.c — the shared state of the lock-free mode, set up and rebuilt
 *
 * Vyukov's bounded queue keeps the invariant that the slot of position p
 * shows seq == 2p while free for that lap, 2p + 1 once its item is
 * published, and 2(p + n) once consumed (free for position p + n).  A rebuild recreates
 * exactly that from the slots' own states, so a worker that gave up half
 * way through a claim at a barrier leaves nothing stale behind.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include "lockfree.h"

void
shmviz_lockfree_reset (ShmvizRegion *region,
                       guint         out,
                       guint         count)
{
  ShmvizLockFreeHeader *lf = shmviz_region_lockfree (region);
  guint n = shmviz_region_n_slots (region);

  g_return_if_fail (out < n && count <= n);

  /* Positions start at @out, so that position % n is the slot index. */
  for (guint k = 0; k < n; k++)
    {
      guint64 pos = (guint64) out + k;
      ShmvizSlotSeq *s = shmviz_region_slot_seq (region, (guint) (pos % n));

      atomic_store_explicit (&s->seq, 2 * pos + (k < count ? 1 : 0), memory_order_relaxed);
    }
  atomic_store (&lf->dequeue, out);
  atomic_store (&lf->enqueue, (guint64) out + count);
  /* Nobody sleeps on the queue now; a worker killed asleep left its count. */
  atomic_store (&lf->full_sleepers, 0);
  atomic_store (&lf->empty_sleepers, 0);
  atomic_fetch_add (&lf->not_full, 1);
  atomic_fetch_add (&lf->not_empty, 1);
}

guint
shmviz_lockfree_fifo_start (ShmvizRegion *region)
{
  guint n = shmviz_region_n_slots (region);

  /* The window is positions enqueue - n .. enqueue - 1; the first of them
   * sits in slot enqueue % n.  Starting there keeps an item whose consumer
   * claimed it but gave up at the barrier in its place in line. */
  return (guint) (atomic_load (&shmviz_region_lockfree (region)->enqueue) % n);
}
