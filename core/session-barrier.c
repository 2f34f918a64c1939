/* session-barrier.c — parking every worker at a safe point and rebuilding
 * the shared state from the slots (mode changes and recovery)
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <glib/gi18n.h>
#include <string.h>

#include "lockfree.h"
#include "session-private.h"

typedef struct {
  guint   from;
  guint64 item;
  guint32 checksum;
} Kept;

void
_shmviz_session_begin_barrier (ShmvizSession *self,
               guint          mode)
{
  ShmvizRegionHeader *h = shmviz_region_header (self->region);

  if (self->barrier_active)
    {
      /* A second change while the first is underway: the new mode wins at
       * the same barrier. */
      self->barrier_mode = mode;
      return;
    }

  self->barrier_active = TRUE;
  self->barrier_mode = mode;
  self->barrier_epoch = atomic_fetch_add (&h->epoch, 1) + 1;
  self->barrier_deadline = _shmviz_session_now_ns () + BARRIER_TIMEOUT_NS;
  _shmviz_session_wake_workers (self);
}

/* Every live worker is parked: make in/out/count and the semaphores agree
 * with what the slots hold.  Items stay in FIFO order from `out`, gathered
 * into consecutive slots; half-written or half-read slots are cleared. */
static void
rebuild (ShmvizSession *self)
{
  ShmvizRegion *region = self->region;
  ShmvizRegionHeader *h = shmviz_region_header (region);
  guint n = shmviz_region_n_slots (region);
  gsize item_size = shmviz_region_item_size (region);
  guint out = atomic_load (&h->out);
  g_autofree Kept *kept = g_new (Kept, n);
  g_autofree guint8 *payloads = NULL;
  guint count = 0;

  if (out >= n)
    out = 0;
  /* Lock-free: the queue's own counters say where the line starts; in/out
   * were not kept. */
  if (atomic_load (&h->mode) == SHMVIZ_SYNC_LOCK_FREE)
    out = shmviz_lockfree_fifo_start (region);

  for (guint k = 0; k < n; k++)
    {
      guint i = (out + k) % n;
      ShmvizSlotHeader *slot = shmviz_region_slot (region, i);
      guint state = shmviz_slot_state (slot);

      if (state == SHMVIZ_SLOT_FULL)
        {
          kept[count].from = i;
          kept[count].item = shmviz_slot_item (slot);
          kept[count].checksum = slot->checksum;
          count++;
        }
      else if (state != SHMVIZ_SLOT_EMPTY)
        {
          _shmviz_session_push_control (self, SHMVIZ_EV_SLOT_CLEARED, (guint8) state, (guint16) i, 0,
                        shmviz_slot_item (slot), 0);
          shmviz_slot_set_state (slot, SHMVIZ_SLOT_EMPTY);
        }
    }

  payloads = g_malloc (MAX (count, 1) * item_size);
  for (guint k = 0; k < count; k++)
    memcpy (payloads + k * item_size, shmviz_region_slot_payload (region, kept[k].from), item_size);

  for (guint k = 0; k < n; k++)
    {
      guint i = (out + k) % n;
      ShmvizSlotHeader *slot = shmviz_region_slot (region, i);

      if (k < count)
        {
          if (kept[k].from != i)
            {
              memcpy (shmviz_region_slot_payload (region, i), payloads + k * item_size, item_size);
              slot->checksum = kept[k].checksum;
              atomic_store (&slot->word, SHMVIZ_SLOT_WORD (SHMVIZ_SLOT_FULL, kept[k].item));
              _shmviz_session_push_control (self, SHMVIZ_EV_SLOT_MOVED, 0, (guint16) i, (guint16) kept[k].from,
                            kept[k].item, 0);
            }
          shmviz_slot_set_state (slot, SHMVIZ_SLOT_FULL);
        }
      else
        shmviz_slot_set_state (slot, SHMVIZ_SLOT_EMPTY);
    }

  atomic_store (&h->in, (out + count) % n);
  atomic_store (&h->out, out);
  atomic_store (&h->count, count);

  /* No process waits on them now: every live worker is parked. */
  sem_destroy (&h->sems[SHMVIZ_SEM_EMPTY]);
  sem_destroy (&h->sems[SHMVIZ_SEM_FULL]);
  sem_destroy (&h->sems[SHMVIZ_SEM_MUTEX]);
  sem_init (&h->sems[SHMVIZ_SEM_EMPTY], 1, n - count);
  sem_init (&h->sems[SHMVIZ_SEM_FULL], 1, count);
  sem_init (&h->sems[SHMVIZ_SEM_MUTEX], 1, 1);
  /* Lock-free: counters and sequence numbers from the same slots, whatever
   * the next mode, so entering it at any later barrier starts consistent. */
  shmviz_lockfree_reset (region, out, count);
  atomic_fetch_add (&h->generation, 1);

  _shmviz_session_push_control (self, SHMVIZ_EV_RESYNC, 0, 0, (guint16) count, 0,
                SHMVIZ_PACK_INDICES ((out + count) % n, out, count));
}

void
_shmviz_session_progress_barrier (ShmvizSession *self)
{
  ShmvizRegionHeader *h = shmviz_region_header (self->region);
  GString *late = NULL;
  gboolean all_parked = TRUE;

  for (guint i = 0; i < self->n_procs; i++)
    {
      ShmvizProcBlock *p = shmviz_region_proc (self->region, i);

      if (_shmviz_session_proc_gone (self, i) || atomic_load (&p->state) == SHMVIZ_PROC_STATE_EXITED)
        continue;
      if (atomic_load_explicit (&p->parked_epoch, memory_order_acquire) != self->barrier_epoch)
        {
          all_parked = FALSE;
          if (_shmviz_session_now_ns () > self->barrier_deadline)
            {
              g_autofree char *label = shmviz_proc_label (i, self->scenario.n_producers);

              if (!late)
                late = g_string_new (NULL);
              else
                g_string_append (late, ", ");
              g_string_append (late, label);
            }
        }
    }

  if (!all_parked && !late)
    return;

  if (all_parked)
    {
      rebuild (self);
      atomic_store (&h->mode, self->barrier_mode);
      _shmviz_session_push_control (self, SHMVIZ_EV_MODE, 0, 0, (guint16) self->barrier_mode, 0, 0);
    }
  else
    {
      /* A stopped process cannot park, and rebuilding under it would be a
       * lie: leave everything as it is and say who held things up. */
      _shmviz_session_notify_main (self, NOTIFY_ERROR,
                   g_error_new (SHMVIZ_SESSION_ERROR, SHMVIZ_SESSION_ERROR_BUSY,
                                _("Could not change the synchronization mode: %s did not reach a safe point "
                                  "(stopped or stuck?)"), late->str));
      g_string_free (late, TRUE);
    }

  atomic_store (&h->released_epoch, self->barrier_epoch);
  _shmviz_session_wake_workers (self);
  self->barrier_active = FALSE;
  _shmviz_session_notify_main (self, NOTIFY_MODE, NULL);
}
