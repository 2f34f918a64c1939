/* ledger.c — finds and explains every anomaly in an event stream
 *
 * See ledger.h for the rules.  The live source folds millions of events per
 * second, so per-item state is one byte per sequence number in a window per
 * producer, and the window drops its finished prefix as it grows.  Only
 * items that fall outside every window (very late events, items stuck for
 * a million sequence numbers, ids read from a corrupt slot) go to a small
 * hash table.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <string.h>

#include <glib/gi18n.h>

#include "layout.h"
#include "ledger-private.h"
#include "recording.h"

/* Fate of an item, the low two bits of its status byte.  The other six bits
 * hold the consumer (0-based among consumers) that consumed it first. */
enum {
  FATE_UNSEEN    = 0,
  FATE_IN_BUFFER = 1,
  FATE_CONSUMED  = 2,
  FATE_LOST      = 3,
};
#define FATE_MASK      0x03u
#define CONSUMER_SHIFT 2
#define CONSUMER_MASK  0x3Fu
/* Pseudo status of an item dropped from its window: finished long ago,
 * consumed or lost, we no longer know which. */
#define STATUS_COMPACTED 0x100u

/* Finished items kept behind the first open one, so that a late duplicate
 * still finds whom it duplicates. */
#define WINDOW_MARGIN      4096u
/* The window is compacted once this many entries could be dropped. */
#define WINDOW_COMPACT_AT  65536u
/* An item still open this far behind the newest one moves to the hash table
 * instead of pinning the window.  Synchronized, a producer cannot get more
 * than a ring (4096 slots) ahead of its own oldest item in the buffer; the
 * usual straggler is an item never written because its producer was killed
 * or its iteration abandoned, and each of those would otherwise pin this
 * many bytes. */
#define WINDOW_STRAGGLER   (1u << 16)
/* Sequence numbers this far ahead of the window are garbage or hostile:
 * they go to the hash table rather than growing the window. */
#define WINDOW_MAX_AHEAD   (1u << 22)

typedef struct {
  guint8 *status;  /* zero from len to cap: a fresh entry is FATE_UNSEEN */
  gsize   len;
  gsize   cap;
  guint64 base;    /* sequence number of status[0] */
  gsize   open;    /* entries before this one are finished */
} ItemWindow;

typedef struct {
  guint64 item;       /* SHMVIZ_ITEM_NONE when the stream says empty */
  guint64 write_ts;
  guint64 read_item;  /* the last item taken from the slot */
  guint64 read_ts;
  guint16 reader;
} LedgerSlot;

typedef struct {
  ShmvizEvent blocked_event;
  guint8 blocked;
  guint8 wait_sem;
  guint8 held;     /* SHMVIZ_HELD_* */
  guint8 live;
  guint8 dead;
} LedgerProc;

struct _ShmvizLedger {
  guint n_producers;
  guint n_consumers;
  guint n_slots;
  guint n_procs;

  ItemWindow *windows;    /* n_producers */
  GHashTable *outside;    /* guint64 item -> status + 1 */
  LedgerSlot *slots;
  LedgerProc *procs;

  GArray *anomalies;
  ShmvizTotals totals;

  /* The semaphores' values as the stream implies them: a process blocked
   * on one the stream says is positive has been woken and not yet run,
   * which is slowness, not a deadlock. */
  gint sem_value[SHMVIZ_N_SEMS];

  guint32 drift_reported; /* the index difference last reported, 0 none */
  gboolean stall_reported;
  gboolean in_deadlock;
};

ShmvizLedger *
shmviz_ledger_new (guint n_producers,
                   guint n_consumers,
                   guint n_slots)
{
  ShmvizLedger *self;

  g_return_val_if_fail (n_producers <= SHMVIZ_MAX_PRODUCERS, NULL);
  g_return_val_if_fail (n_consumers <= SHMVIZ_MAX_CONSUMERS, NULL);
  g_return_val_if_fail (n_slots <= SHMVIZ_MAX_SLOTS, NULL);

  self = g_new0 (ShmvizLedger, 1);
  self->n_producers = n_producers;
  self->n_consumers = n_consumers;
  self->n_slots = n_slots;
  self->n_procs = n_producers + n_consumers;
  self->windows = g_new0 (ItemWindow, MAX (n_producers, 1));
  for (guint i = 0; i < n_producers; i++)
    self->windows[i].base = 1;
  self->outside = g_hash_table_new_full (g_int64_hash, g_int64_equal, g_free, NULL);
  self->slots = g_new0 (LedgerSlot, MAX (n_slots, 1));
  self->sem_value[SHMVIZ_SEM_EMPTY] = (gint) n_slots;
  self->sem_value[SHMVIZ_SEM_FULL] = 0;
  self->sem_value[SHMVIZ_SEM_MUTEX] = 1;
  self->procs = g_new0 (LedgerProc, MAX (self->n_procs, 1));
  for (guint i = 0; i < self->n_procs; i++)
    self->procs[i].live = TRUE;
  self->anomalies = g_array_new (FALSE, TRUE, sizeof (ShmvizAnomaly));

  return self;
}

void
shmviz_ledger_free (ShmvizLedger *self)
{
  if (self == NULL)
    return;

  for (guint i = 0; i < self->n_producers; i++)
    g_free (self->windows[i].status);
  g_free (self->windows);
  g_hash_table_unref (self->outside);
  g_free (self->slots);
  g_free (self->procs);
  g_array_unref (self->anomalies);
  g_free (self);
}

/* Item status ------------------------------------------------------------ */

static inline gboolean
item_valid (ShmvizLedger *self,
            guint64       item)
{
  int producer = SHMVIZ_ITEM_PRODUCER (item);

  return item != SHMVIZ_ITEM_NONE &&
         producer >= 0 && (guint) producer < self->n_producers &&
         SHMVIZ_ITEM_SEQ (item) != 0;
}

static void
outside_set (ShmvizLedger *self,
             guint64       item,
             guint         status)
{
  gint64 *key = g_new (gint64, 1);

  *key = (gint64) item;
  g_hash_table_replace (self->outside, key, GUINT_TO_POINTER (status + 1));
}

static inline gboolean
status_finished (guint8 status)
{
  guint fate = status & FATE_MASK;

  return fate == FATE_CONSUMED || fate == FATE_LOST;
}

/* Drops the finished prefix of @w, keeping WINDOW_MARGIN entries behind
 * the first open one. */
static void
window_compact (ShmvizLedger *self,
                guint         producer)
{
  ItemWindow *w = &self->windows[producer];
  gsize drop;

  while (w->open < w->len &&
         (status_finished (w->status[w->open]) ||
          /* Open for a million sequence numbers: still in a slot the
           * stream lost track of, or never written (an abandoned
           * iteration).  It must not keep the whole window alive. */
          w->len - w->open >= WINDOW_STRAGGLER))
    w->open++;

  if (w->open < WINDOW_MARGIN + WINDOW_COMPACT_AT)
    return;

  drop = w->open - WINDOW_MARGIN;
  for (gsize i = 0; i < drop; i++)
    {
      guint8 status = w->status[i];

      if (!status_finished (status) && (status & FATE_MASK) != FATE_UNSEEN)
        outside_set (self, SHMVIZ_ITEM_ID (producer, w->base + i), status);
    }
  memmove (w->status, w->status + drop, w->len - drop);
  /* What lies past len stays zero, so that growing the window into it
   * needs only a new length (item_status(), item_entry()). */
  memset (w->status + w->len - drop, 0, drop);
  w->base += drop;
  w->len -= drop;
  w->open -= drop;
}

/* Returns the status byte of @item, creating its entry when @create.
 * Returns NULL where the item has no entry (outside any window); then
 * *status_out holds its status or STATUS_COMPACTED. */
static guint8 *
item_entry (ShmvizLedger *self,
            guint64       item,
            guint        *status_out)
{
  guint producer = (guint) SHMVIZ_ITEM_PRODUCER (item);
  guint64 seq = SHMVIZ_ITEM_SEQ (item);
  ItemWindow *w = &self->windows[producer];
  gpointer value;

  if (seq >= w->base && seq - w->base < w->len)
    return &w->status[seq - w->base];

  if (seq >= w->base && seq - w->base < (guint64) w->len + WINDOW_MAX_AHEAD)
    {
      gsize need;

      if (seq - w->base >= w->cap)
        window_compact (self, producer);

      need = (gsize) (seq - w->base) + 1;
      if (need > w->cap)
        {
          gsize cap = MAX (w->cap * 2, 4096);

          while (cap < need)
            cap *= 2;
          w->status = g_realloc (w->status, cap);
          memset (w->status + w->cap, 0, cap - w->cap);
          w->cap = cap;
        }
      w->len = MAX (w->len, need);
      return &w->status[seq - w->base];
    }

  if (g_hash_table_lookup_extended (self->outside, &(gint64) { (gint64) item }, NULL, &value))
    *status_out = GPOINTER_TO_UINT (value) - 1;
  else if (seq < w->base)
    *status_out = STATUS_COMPACTED;
  else
    *status_out = FATE_UNSEEN;

  return NULL;
}

static G_NO_INLINE guint
item_status_slow (ShmvizLedger *self,
                  guint64       item,
                  guint8      **entry)
{
  guint status = 0;

  *entry = item_entry (self, item, &status);
  if (*entry != NULL)
    return **entry;
  return status;
}

/* What item_entry() does for an item in its producer's window or the next
 * one after it, which is nearly every item of a run. */
static inline guint
item_status (ShmvizLedger *self,
             guint64       item,
             guint8      **entry)
{
  ItemWindow *w = &self->windows[SHMVIZ_ITEM_PRODUCER (item)];
  guint64 at = SHMVIZ_ITEM_SEQ (item) - w->base;   /* huge when before base */

  if (G_LIKELY (at < w->cap && at <= w->len))
    {
      /* The entry at len is zero already, FATE_UNSEEN. */
      w->len += at == w->len;
      *entry = &w->status[at];
      return **entry;
    }
  return item_status_slow (self, item, entry);
}

static void
item_set_status (ShmvizLedger *self,
                 guint64       item,
                 guint8       *entry,
                 guint         status)
{
  if (entry != NULL)
    *entry = (guint8) status;
  else
    outside_set (self, item, status);
}

/* Moves @item from @status to @fate, keeping the totals balanced. */
static inline void
item_transition (ShmvizLedger *self,
                 guint64       item,
                 guint8       *entry,
                 guint         status,
                 guint         fate,
                 guint         consumer)
{
  guint old = status == STATUS_COMPACTED ? FATE_UNSEEN : (status & FATE_MASK);

  if (old == FATE_UNSEEN)
    self->totals.produced++;
  else if (old == FATE_IN_BUFFER)
    self->totals.in_buffer--;

  if (fate == FATE_IN_BUFFER)
    self->totals.in_buffer++;
  else if (fate == FATE_CONSUMED)
    self->totals.consumed++;
  else if (fate == FATE_LOST)
    self->totals.lost++;

  item_set_status (self, item, entry, fate | ((consumer & CONSUMER_MASK) << CONSUMER_SHIFT));
}

/* Anomalies ---------------------------------------------------------------- */

static ShmvizAnomaly *
anomaly_new (ShmvizLedger      *self,
             ShmvizAnomalyKind  kind,
             const ShmvizEvent *cause)
{
  ShmvizAnomaly *a;

  if (self->anomalies->len >= SHMVIZ_LEDGER_MAX_ANOMALIES)
    return NULL;

  g_array_set_size (self->anomalies, self->anomalies->len + 1);
  a = &g_array_index (self->anomalies, ShmvizAnomaly, self->anomalies->len - 1);
  a->kind = kind;
  a->ts_ns = cause->ts_ns;
  a->slot = cause->slot < self->n_slots ? cause->slot : G_MAXUINT;
  a->actor = cause->proc;
  a->earlier = SHMVIZ_NO_PROC;
  a->cause = *cause;

  return a;
}

static void
report_lost (ShmvizLedger      *self,
             const ShmvizEvent *ev,
             guint64            item,
             guint64            over,
             guint64            written_ns)
{
  ShmvizAnomaly *a = anomaly_new (self, SHMVIZ_ANOMALY_LOST, ev);

  if (a == NULL)
    return;
  a->item = item;
  a->other_item = over;
  a->earlier = (guint16) SHMVIZ_ITEM_PRODUCER (item);
  a->earlier_ts_ns = written_ns;
}

/* Folding ----------------------------------------------------------------- */

/* The steps that touch items, indices or the supervisor's state are out of
 * line: most events are a WAIT, an ACQUIRED or a POST, and the fold of
 * those should not pay for saving the registers these need. */
static G_NO_INLINE void
fold_write (ShmvizLedger      *self,
            const ShmvizEvent *ev)
{
  LedgerSlot *s = ev->slot < self->n_slots ? &self->slots[ev->slot] : NULL;
  guint replaced = ev->detail & SHMVIZ_EV_STATE_MASK;
  gboolean raced = (ev->detail & SHMVIZ_EV_FLAG_RACED) != 0;
  guint64 written = ev->item;
  guint64 over = ev->other;
  gboolean in_buffer = FALSE;
  guint8 *entry;
  guint status;

  /* The item replaced first: it was in the slot before the new one. */
  if ((replaced == SHMVIZ_SLOT_FULL || replaced == SHMVIZ_SLOT_WRITING) &&
      item_valid (self, over))
    {
      status = item_status (self, over, &entry);
      if (status != STATUS_COMPACTED && !status_finished (status))
        {
          item_transition (self, over, entry, status, FATE_LOST, 0);
          report_lost (self, ev, over, written,
                       s != NULL && s->item == over ? s->write_ts : 0);
        }
    }

  if (item_valid (self, written))
    {
      status = item_status (self, written, &entry);

      if (status == STATUS_COMPACTED || (status & FATE_MASK) == FATE_UNSEEN)
        {
          if (raced)
            {
              item_transition (self, written, entry, status, FATE_LOST, 0);
              report_lost (self, ev, written, SHMVIZ_ITEM_NONE, ev->ts_ns);
            }
          else
            {
              item_transition (self, written, entry, status, FATE_IN_BUFFER, 0);
              in_buffer = TRUE;
            }
        }
      else if ((status & FATE_MASK) == FATE_IN_BUFFER)
        {
          /* Written twice: only a hostile stream does that. */
          if (raced)
            {
              item_transition (self, written, entry, status, FATE_LOST, 0);
              report_lost (self, ev, written, SHMVIZ_ITEM_NONE, ev->ts_ns);
            }
          else
            in_buffer = TRUE;
        }
      /* Consumed or lost already: a reader's or an overwriter's event
       * merged ahead of this one, and it is no longer in the slot. */
    }

  if (s != NULL)
    {
      s->item = in_buffer ? written : SHMVIZ_ITEM_NONE;
      s->write_ts = ev->ts_ns;
    }
}

static G_NO_INLINE void
fold_read (ShmvizLedger      *self,
           const ShmvizEvent *ev)
{
  LedgerSlot *s = ev->slot < self->n_slots ? &self->slots[ev->slot] : NULL;
  guint replaced = ev->detail & SHMVIZ_EV_STATE_MASK;
  gboolean corrupt = (ev->detail & SHMVIZ_EV_FLAG_CORRUPT) != 0;
  guint64 item = ev->item;
  guint consumer = ev->proc >= self->n_producers ? ev->proc - self->n_producers : 0;
  ShmvizAnomaly *a;
  guint8 *entry;
  guint status;

  if (s != NULL)
    {
      /* A write merged ahead of this read but done after it stays. */
      if (s->item == item || ev->ts_ns >= s->write_ts)
        s->item = SHMVIZ_ITEM_NONE;
    }

  if (replaced == SHMVIZ_SLOT_EMPTY || !item_valid (self, item))
    {
      self->totals.empty_reads++;
      a = anomaly_new (self, SHMVIZ_ANOMALY_EMPTY_READ, ev);
      if (a != NULL)
        a->item = item;
      goto out;
    }

  status = item_status (self, item, &entry);

  if (replaced == SHMVIZ_SLOT_WRITING || corrupt)
    {
      self->totals.corrupt++;
      a = anomaly_new (self, SHMVIZ_ANOMALY_CORRUPT, ev);
      if (a != NULL)
        {
          a->item = item;
          a->earlier = (guint16) SHMVIZ_ITEM_PRODUCER (item);
        }
      if (status != STATUS_COMPACTED && !status_finished (status))
        item_transition (self, item, entry, status, FATE_CONSUMED, consumer);
      goto out;
    }

  if (status == STATUS_COMPACTED || (status & FATE_MASK) == FATE_CONSUMED)
    {
      self->totals.duplicated++;
      a = anomaly_new (self, SHMVIZ_ANOMALY_DUPLICATE, ev);
      if (a != NULL)
        {
          a->item = item;
          if (status != STATUS_COMPACTED)
            a->earlier = (guint16) (self->n_producers + ((status >> CONSUMER_SHIFT) & CONSUMER_MASK));
          if (s != NULL && s->read_item == item)
            a->earlier_ts_ns = s->read_ts;
        }
    }
  else if ((status & FATE_MASK) != FATE_LOST)
    item_transition (self, item, entry, status, FATE_CONSUMED, consumer);
  /* A lost item stays lost: its overwrite merged ahead of this read. */

out:
  if (s != NULL)
    {
      s->read_item = item;
      s->read_ts = ev->ts_ns;
      s->reader = ev->proc;
    }
}

static G_NO_INLINE void
fold_advance (ShmvizLedger      *self,
              const ShmvizEvent *ev)
{
  guint64 packed = ev->other;
  guint in = SHMVIZ_UNPACK_IN (packed);
  guint out = SHMVIZ_UNPACK_OUT (packed);
  guint32 count = SHMVIZ_UNPACK_COUNT (packed);
  gint64 n = self->n_slots;
  gint64 diff;
  ShmvizAnomaly *a;

  if (n == 0)
    return;

  /* count is racy when sync is off and may have gone below zero.  It
   * rarely strays a ring from in - out: spare the division then. */
  diff = (gint64) in - (gint64) out - (gint64) (gint32) count;
  if (diff >= n || diff < -n)
    diff %= n;
  if (diff < 0)
    diff += n;

  if (diff == 0)
    {
      self->drift_reported = 0;
      return;
    }

  if ((guint32) diff == self->drift_reported)
    return;

  self->drift_reported = (guint32) diff;
  self->totals.index_drift++;
  a = anomaly_new (self, SHMVIZ_ANOMALY_INDEX_DRIFT, ev);
  if (a != NULL)
    {
      a->slot = G_MAXUINT;
      a->values[0] = in;
      a->values[1] = out;
      a->values[2] = count;
    }
}

/* Inlined into the batch's loop: nearly every event comes here. */
static inline void
fold_worker (ShmvizLedger      *self,
             const ShmvizEvent *ev)
{
  LedgerProc *p = &self->procs[ev->proc];
  /* Read once: the byte stores below could alias the event for all the
   * compiler knows. */
  guint kind = ev->kind;
  guint sem = ev->detail;

  /* A worker that wakes from a bounded wait and blocks again on the same
   * semaphore has not moved: that must not end a stall. */
  if (kind == SHMVIZ_EV_BLOCKED && p->blocked && p->wait_sem == sem)
    return;

  self->stall_reported = FALSE;
  self->in_deadlock = FALSE;
  p->blocked = FALSE;

  switch ((ShmvizEventKind) kind)
    {
    case SHMVIZ_EV_BLOCKED:
      p->blocked = TRUE;
      p->wait_sem = (guint8) sem;
      p->blocked_event = *ev;
      break;

    case SHMVIZ_EV_ACQUIRED:
      if (sem < SHMVIZ_N_SEMS)
        {
          p->held |= 1u << sem;
          self->sem_value[sem]--;
        }
      break;

    case SHMVIZ_EV_POST:
      if (sem < SHMVIZ_N_SEMS)
        self->sem_value[sem]++;
      /* Posting the other counting semaphore hands the token on. */
      if (sem == SHMVIZ_SEM_MUTEX)
        p->held &= ~SHMVIZ_HELD_MUTEX;
      else if (sem == SHMVIZ_SEM_FULL)
        p->held &= ~SHMVIZ_HELD_EMPTY;
      else if (sem == SHMVIZ_SEM_EMPTY)
        p->held &= ~SHMVIZ_HELD_FULL;
      break;

    case SHMVIZ_EV_WRITE_SLOT:
      fold_write (self, ev);
      break;

    case SHMVIZ_EV_READ_SLOT:
      fold_read (self, ev);
      break;

    case SHMVIZ_EV_ADVANCE:
      fold_advance (self, ev);
      break;

    case SHMVIZ_EV_EXIT:
      p->live = FALSE;
      break;

    case SHMVIZ_EV_REPAIR:
      if (ev->slot < self->n_procs)
        self->procs[ev->slot].held = 0;
      self->sem_value[SHMVIZ_SEM_EMPTY] = (gint) (ev->item >> 32);
      self->sem_value[SHMVIZ_SEM_FULL] = (gint) (guint32) ev->item;
      self->sem_value[SHMVIZ_SEM_MUTEX] = 0;
      /* The repaired indices agree by construction. */
      self->drift_reported = 0;
      break;

    case SHMVIZ_EV_START:
      p->live = TRUE;
      p->dead = FALSE;
      break;

    case SHMVIZ_EV_NONE:
    case SHMVIZ_EV_PRODUCE:
    case SHMVIZ_EV_WAIT:
    case SHMVIZ_EV_READ_INDEX:
    case SHMVIZ_EV_CONSUME:
    case SHMVIZ_EV_ABANDON:
    case SHMVIZ_EV_PARKED:
    case SHMVIZ_EV_RESUMED:
    default:
      break;
    }
}

static G_NO_INLINE void
fold_supervisor (ShmvizLedger      *self,
                 const ShmvizEvent *ev)
{
  guint8 *entry;
  guint status;

  switch ((ShmvizEventKind) ev->kind)
    {
    case SHMVIZ_EV_SPAWNED:
      if (ev->slot < self->n_procs)
        {
          LedgerProc *p = &self->procs[ev->slot];

          p->live = TRUE;
          p->dead = FALSE;
          p->blocked = FALSE;
          p->held = 0;
        }
      break;

    case SHMVIZ_EV_DIED:
      if (ev->slot < self->n_procs)
        {
          LedgerProc *p = &self->procs[ev->slot];

          /* What it held stays recorded: that is what others wait for. */
          p->live = FALSE;
          p->dead = TRUE;
          p->blocked = FALSE;
        }
      break;

    case SHMVIZ_EV_RESYNC:
      self->sem_value[SHMVIZ_SEM_EMPTY] = (gint) self->n_slots - (gint) MIN (ev->value, self->n_slots);
      self->sem_value[SHMVIZ_SEM_FULL] = (gint) MIN (ev->value, self->n_slots);
      self->sem_value[SHMVIZ_SEM_MUTEX] = 1;
      for (guint i = 0; i < self->n_procs; i++)
        {
          self->procs[i].held = 0;
          self->procs[i].blocked = FALSE;
        }
      self->drift_reported = 0;
      self->stall_reported = FALSE;
      self->in_deadlock = FALSE;
      break;

    case SHMVIZ_EV_SLOT_MOVED:
      if (ev->slot < self->n_slots)
        {
          guint from = ev->value;
          guint64 write_ts = ev->ts_ns;

          if (from < self->n_slots && from != ev->slot && self->slots[from].item == ev->item)
            {
              write_ts = self->slots[from].write_ts;
              self->slots[from].item = SHMVIZ_ITEM_NONE;
            }
          self->slots[ev->slot].item = ev->item;
          self->slots[ev->slot].write_ts = write_ts;
        }
      break;

    case SHMVIZ_EV_SLOT_CLEARED:
      if (item_valid (self, ev->item))
        {
          status = item_status (self, ev->item, &entry);
          if (status != STATUS_COMPACTED && !status_finished (status))
            {
              guint64 written = 0;

              if (ev->slot < self->n_slots && self->slots[ev->slot].item == ev->item)
                written = self->slots[ev->slot].write_ts;
              item_transition (self, ev->item, entry, status, FATE_LOST, 0);
              report_lost (self, ev, ev->item, SHMVIZ_ITEM_NONE, written);
            }
        }
      if (ev->slot < self->n_slots)
        self->slots[ev->slot].item = SHMVIZ_ITEM_NONE;
      break;

    case SHMVIZ_EV_DROPPED:
      self->totals.dropped_events += ev->other;
      break;

    default:
      break;
    }

}

/* The two tests are exclusive (n_procs is at most 128): the workers' case,
 * nearly every event, goes first. */
static inline void
fold_event (ShmvizLedger      *self,
            guint              n_procs,
            const ShmvizEvent *event)
{
  if (G_LIKELY (event->proc < n_procs && event->kind < SHMVIZ_EV_SESSION))
    fold_worker (self, event);
  else if (event->proc == SHMVIZ_PROC_SUPERVISOR)
    fold_supervisor (self, event);
}

guint
shmviz_ledger_fold (ShmvizLedger      *self,
                    const ShmvizEvent *event)
{
  guint before;

  g_return_val_if_fail (self != NULL, 0);
  g_return_val_if_fail (event != NULL, 0);

  before = self->anomalies->len;
  self->totals.events++;
  fold_event (self, self->n_procs, event);

  return self->anomalies->len - before;
}

void
_shmviz_ledger_fold_batch (ShmvizLedger      *self,
                           const ShmvizEvent *events,
                           guint              n_events)
{
  guint n_procs;

  g_return_if_fail (self != NULL);
  g_return_if_fail (events != NULL || n_events == 0);

  /* A local: the fold's byte stores could alias the field. */
  n_procs = self->n_procs;
  for (guint i = 0; i < n_events; i++)
    fold_event (self, n_procs, &events[i]);
  self->totals.events += n_events;
}

guint
shmviz_ledger_check_stall (ShmvizLedger *self,
                           guint64       now_ns,
                           guint64       stall_ns)
{
  gboolean live_producer = FALSE;
  gboolean live_consumer = FALSE;
  guint16 holder = SHMVIZ_NO_PROC;
  guint n_blocked = 0;
  const LedgerProc *last = NULL;
  ShmvizAnomaly *a;

  g_return_val_if_fail (self != NULL, 0);

  if (self->stall_reported)
    return 0;

  for (guint i = 0; i < self->n_procs; i++)
    {
      const LedgerProc *p = &self->procs[i];

      if (holder == SHMVIZ_NO_PROC && (p->held & SHMVIZ_HELD_MUTEX) != 0)
        holder = (guint16) i;

      if (!p->live)
        continue;

      if (!p->blocked ||
          now_ns < p->blocked_event.ts_ns ||
          now_ns - p->blocked_event.ts_ns < stall_ns ||
          (p->wait_sem < SHMVIZ_N_SEMS && self->sem_value[p->wait_sem] > 0))
        return 0;

      if (i < self->n_producers)
        live_producer = TRUE;
      else
        live_consumer = TRUE;

      n_blocked++;
      if (last == NULL || p->blocked_event.ts_ns >= last->blocked_event.ts_ns)
        last = p;
    }

  if (!live_producer || !live_consumer)
    return 0;

  self->stall_reported = TRUE;
  self->in_deadlock = TRUE;
  self->totals.deadlocks++;

  /* The event that closed the cycle is the cause; the report itself is
   * dated when the stall was noticed. */
  a = anomaly_new (self, SHMVIZ_ANOMALY_DEADLOCK, &last->blocked_event);
  if (a == NULL)
    return 0;

  a->ts_ns = now_ns;
  a->slot = G_MAXUINT;
  a->actor = holder != SHMVIZ_NO_PROC ? holder : last->blocked_event.proc;
  /* values[1]: how many are blocked in all (procs[] keeps the first
   * SHMVIZ_ANOMALY_MAX_PROCS); values[2]: 1 if the mutex holder is dead. */
  a->values[0] = holder;
  a->values[1] = n_blocked;
  a->values[2] = holder != SHMVIZ_NO_PROC && self->procs[holder].dead;

  for (guint i = 0; i < self->n_procs && a->n_procs < SHMVIZ_ANOMALY_MAX_PROCS; i++)
    {
      const LedgerProc *p = &self->procs[i];

      if (!p->live)
        continue;
      a->procs[a->n_procs] = (guint16) i;
      a->waits[a->n_procs] = p->wait_sem;
      a->n_procs++;
    }

  return 1;
}

const ShmvizAnomaly *
shmviz_ledger_get_anomalies (ShmvizLedger *self,
                             guint        *n_anomalies)
{
  g_return_val_if_fail (self != NULL, NULL);

  if (n_anomalies != NULL)
    *n_anomalies = self->anomalies->len;
  return (const ShmvizAnomaly *) (gpointer) self->anomalies->data;
}

void
shmviz_ledger_get_totals (ShmvizLedger *self,
                          ShmvizTotals *totals)
{
  g_return_if_fail (self != NULL);
  g_return_if_fail (totals != NULL);

  *totals = self->totals;
}

guint64
shmviz_ledger_slot_item (ShmvizLedger *self,
                         guint         slot)
{
  g_return_val_if_fail (self != NULL, SHMVIZ_ITEM_NONE);

  if (slot >= self->n_slots)
    return SHMVIZ_ITEM_NONE;
  return self->slots[slot].item;
}

gboolean
shmviz_ledger_in_deadlock (ShmvizLedger *self)
{
  g_return_val_if_fail (self != NULL, FALSE);

  return self->in_deadlock;
}

/* Explanations -------------------------------------------------------------- */

const char *
shmviz_anomaly_kind_name (ShmvizAnomalyKind kind)
{
  static const char * const names[SHMVIZ_N_ANOMALY_KINDS] = {
    [SHMVIZ_ANOMALY_LOST]        = "lost",
    [SHMVIZ_ANOMALY_DUPLICATE]   = "duplicate",
    [SHMVIZ_ANOMALY_EMPTY_READ]  = "empty-read",
    [SHMVIZ_ANOMALY_CORRUPT]     = "corrupt",
    [SHMVIZ_ANOMALY_INDEX_DRIFT] = "index-drift",
    [SHMVIZ_ANOMALY_DEADLOCK]    = "deadlock",
  };

  if ((guint) kind < SHMVIZ_N_ANOMALY_KINDS)
    return names[kind];
  return "unknown";
}

char *
shmviz_proc_label (guint proc,
                   guint n_producers)
{
  if (proc == SHMVIZ_PROC_SUPERVISOR)
    return g_strdup (_("supervisor"));
  if (proc < n_producers)
    return g_strdup_printf ("P%u", proc + 1);
  return g_strdup_printf ("C%u", proc - n_producers + 1);
}

static char *
describe_deadlock (const ShmvizAnomaly *a,
                   guint                n_producers)
{
  g_autoptr(GString) str = g_string_new (NULL);
  guint holder = a->values[0];
  gboolean holder_dead = a->values[2] != 0;
  gboolean first = TRUE;

  if (holder != SHMVIZ_NO_PROC)
    {
      g_autofree char *who = shmviz_proc_label (holder, n_producers);
      gboolean holder_waits = FALSE;
      guint holder_sem = 0;

      for (guint i = 0; i < a->n_procs; i++)
        if (a->procs[i] == holder)
          {
            holder_waits = TRUE;
            holder_sem = a->waits[i];
          }

      if (holder_dead)
        /* Translators: "P2 died holding the mutex" */
        g_string_append_printf (str, _("%s died holding the mutex"), who);
      else if (holder_waits)
        /* Translators: "P1 holds the mutex and waits for “empty”" */
        g_string_append_printf (str, _("%s holds the mutex and waits for “%s”"),
                                who, shmviz_sem_name (holder_sem));
      else
        g_string_append_printf (str, _("%s holds the mutex"), who);
      first = FALSE;
    }

  /* Then the others, grouped by the semaphore they wait for, the mutex
   * first since that is what ties them to the holder. */
  for (guint k = 0; k < SHMVIZ_N_SEMS; k++)
    {
      static const guint8 order[SHMVIZ_N_SEMS] = { SHMVIZ_SEM_MUTEX, SHMVIZ_SEM_EMPTY, SHMVIZ_SEM_FULL };
      g_autoptr(GString) names = g_string_new (NULL);
      guint sem = order[k];
      guint n = 0;

      for (guint i = 0; i < a->n_procs; i++)
        {
          g_autofree char *who = NULL;

          if (a->procs[i] == holder || a->waits[i] != sem)
            continue;
          who = shmviz_proc_label (a->procs[i], n_producers);
          if (names->len > 0)
            g_string_append (names, ", ");
          g_string_append (names, who);
          n++;
        }

      if (n == 0)
        continue;

      if (!first)
        g_string_append (str, "; ");
      /* Translators: "C1 waits for “full”", "P2, C1 wait for “mutex”" */
      g_string_append_printf (str, ngettext ("%s waits for “%s”", "%s wait for “%s”", n),
                              names->str, shmviz_sem_name (sem));
      first = FALSE;
    }

  if (a->values[1] > a->n_procs)
    g_string_append_printf (str, _(" (and %u more)"), a->values[1] - a->n_procs);

  if (holder_dead)
    /* Translators: the end of a sentence listing who waits for what */
    g_string_append (str, _(": the mutex will never be released, so nobody can go on."));
  else
    g_string_append (str, _(": each waits for another, so nobody can go on (a deadlock)."));

  return g_string_free (g_steal_pointer (&str), FALSE);
}

char *
shmviz_anomaly_describe (const ShmvizAnomaly *a,
                         guint                n_producers)
{
  g_autofree char *actor = NULL;
  g_autofree char *item = NULL;
  g_autofree char *other = NULL;
  g_autofree char *earlier = NULL;

  g_return_val_if_fail (a != NULL, NULL);

  actor = shmviz_proc_label (a->actor, n_producers);
  item = shmviz_item_label (a->item);
  other = shmviz_item_label (a->other_item);

  switch (a->kind)
    {
    case SHMVIZ_ANOMALY_LOST:
      if (a->cause.kind == SHMVIZ_EV_SLOT_CLEARED)
        return g_strdup_printf (_("The rebuild after the mode change cleared slot %u, where %s "
                                  "was never taken by any consumer: %s is lost."),
                                a->slot, item, item);
      if (a->other_item == SHMVIZ_ITEM_NONE)
        return g_strdup_printf (_("%s was still writing %s into slot %u when a consumer took the "
                                  "slot: %s is lost."),
                                actor, item, a->slot, item);
      return g_strdup_printf (_("%s wrote %s into slot %u before any consumer had taken %s there: "
                                "%s is lost."),
                              actor, other, a->slot, item, item);

    case SHMVIZ_ANOMALY_DUPLICATE:
      if (a->earlier == SHMVIZ_NO_PROC)
        return g_strdup_printf (_("%s took %s from slot %u, but it had already been consumed: "
                                  "%s is a duplicate."),
                                actor, item, a->slot, item);
      earlier = shmviz_proc_label (a->earlier, n_producers);
      if (a->earlier == a->actor)
        return g_strdup_printf (_("%s took %s from slot %u, but it had already consumed it once: "
                                  "%s is a duplicate."),
                                actor, item, a->slot, item);
      return g_strdup_printf (_("%s took %s from slot %u, but %s had already consumed it: "
                                "%s is a duplicate."),
                              actor, item, a->slot, earlier, item);

    case SHMVIZ_ANOMALY_EMPTY_READ:
      if (a->item == SHMVIZ_ITEM_NONE)
        return g_strdup_printf (_("%s read slot %u while it was empty and got no item at all."),
                                actor, a->slot);
      return g_strdup_printf (_("%s read slot %u while it was empty and got the stale %s, "
                                "an item that was not there to take."),
                              actor, a->slot, item);

    case SHMVIZ_ANOMALY_CORRUPT:
      if ((a->cause.detail & SHMVIZ_EV_STATE_MASK) == SHMVIZ_SLOT_WRITING)
        return g_strdup_printf (_("%s read %s from slot %u while a producer was still writing it: "
                                  "the item is torn."),
                                actor, item, a->slot);
      return g_strdup_printf (_("%s read %s from slot %u but its checksum did not match: "
                                "the item is corrupt."),
                              actor, item, a->slot);

    case SHMVIZ_ANOMALY_INDEX_DRIFT:
      return g_strdup_printf (_("%s found in = %u, out = %u but count = %d: the shared indices "
                                "no longer agree."),
                              actor, a->values[0], a->values[1], (gint32) a->values[2]);

    case SHMVIZ_ANOMALY_DEADLOCK:
      return describe_deadlock (a, n_producers);

    case SHMVIZ_N_ANOMALY_KINDS:
    default:
      return g_strdup (_("Unknown anomaly."));
    }
}

/* Snapshots ----------------------------------------------------------------- */

/* Far more than a real window holds (compaction keeps them near
 * WINDOW_COMPACT_AT + WINDOW_STRAGGLER); a larger count is hostile. */
#define RESTORE_MAX_WINDOW (WINDOW_MAX_AHEAD + WINDOW_STRAGGLER + WINDOW_COMPACT_AT + WINDOW_MARGIN)
#define LEDGER_STATE_VERSION 1u

void
shmviz_ledger_serialize (ShmvizLedger *self,
                         GByteArray   *out)
{
  GHashTableIter iter;
  gpointer key, value;

  g_return_if_fail (self != NULL);
  g_return_if_fail (out != NULL);

  shmviz_put_u32 (out, LEDGER_STATE_VERSION);
  shmviz_put_u32 (out, self->n_producers);
  shmviz_put_u32 (out, self->n_consumers);
  shmviz_put_u32 (out, self->n_slots);

  for (guint i = 0; i < self->n_producers; i++)
    {
      const ItemWindow *w = &self->windows[i];

      shmviz_put_u64 (out, w->base);
      shmviz_put_u64 (out, w->open);
      shmviz_put_u64 (out, w->len);
      shmviz_put_bytes (out, w->status, w->len);
    }

  shmviz_put_u32 (out, g_hash_table_size (self->outside));
  g_hash_table_iter_init (&iter, self->outside);
  while (g_hash_table_iter_next (&iter, &key, &value))
    {
      shmviz_put_u64 (out, (guint64) *(gint64 *) key);
      shmviz_put_u32 (out, GPOINTER_TO_UINT (value));
    }

  for (guint i = 0; i < self->n_slots; i++)
    {
      const LedgerSlot *s = &self->slots[i];

      shmviz_put_u64 (out, s->item);
      shmviz_put_u64 (out, s->write_ts);
      shmviz_put_u64 (out, s->read_item);
      shmviz_put_u64 (out, s->read_ts);
      shmviz_put_u16 (out, s->reader);
    }

  for (guint i = 0; i < self->n_procs; i++)
    {
      const LedgerProc *p = &self->procs[i];

      shmviz_put_event (out, &p->blocked_event);
      shmviz_put_u8 (out, p->blocked);
      shmviz_put_u8 (out, p->wait_sem);
      shmviz_put_u8 (out, p->held);
      shmviz_put_u8 (out, p->live);
      shmviz_put_u8 (out, p->dead);
    }

  {
    const guint64 *t = (const guint64 *) &self->totals;
    guint n = sizeof self->totals / sizeof (guint64);

    G_STATIC_ASSERT (sizeof (ShmvizTotals) % sizeof (guint64) == 0);
    shmviz_put_u32 (out, n);
    for (guint i = 0; i < n; i++)
      shmviz_put_u64 (out, t[i]);
  }

  for (guint i = 0; i < SHMVIZ_N_SEMS; i++)
    shmviz_put_u32 (out, (guint32) self->sem_value[i]);
  shmviz_put_u32 (out, self->drift_reported);
  shmviz_put_u8 (out, self->stall_reported);
  shmviz_put_u8 (out, self->in_deadlock);
  shmviz_put_u32 (out, self->anomalies->len);
}

ShmvizLedger *
shmviz_ledger_restore (const guint8        *data,
                       gsize                len,
                       gsize               *pos,
                       const ShmvizAnomaly *anomalies,
                       guint                n_anomalies)
{
  ShmvizByteReader r = { data, len, 0, FALSE };
  g_autoptr(ShmvizLedger) self = NULL;
  guint32 n_producers, n_consumers, n_slots, n_outside, n_totals;

  g_return_val_if_fail (data != NULL || len == 0, NULL);
  g_return_val_if_fail (pos != NULL, NULL);
  g_return_val_if_fail (anomalies != NULL || n_anomalies == 0, NULL);

  r.pos = *pos;
  if (shmviz_get_u32 (&r) != LEDGER_STATE_VERSION)
    return NULL;
  n_producers = shmviz_get_u32 (&r);
  n_consumers = shmviz_get_u32 (&r);
  n_slots = shmviz_get_u32 (&r);
  if (r.failed || n_producers > SHMVIZ_MAX_PRODUCERS || n_consumers > SHMVIZ_MAX_CONSUMERS ||
      n_slots > SHMVIZ_MAX_SLOTS)
    return NULL;

  self = shmviz_ledger_new (n_producers, n_consumers, n_slots);

  for (guint i = 0; i < n_producers; i++)
    {
      ItemWindow *w = &self->windows[i];
      guint64 base = shmviz_get_u64 (&r);
      guint64 open = shmviz_get_u64 (&r);
      guint64 wlen = shmviz_get_u64 (&r);
      const guint8 *status;

      if (r.failed || base == 0 || base > SHMVIZ_ITEM_SEQ (G_MAXUINT64) ||
          wlen > RESTORE_MAX_WINDOW || open > wlen || !shmviz_reader_has (&r, wlen, 1))
        return NULL;
      status = shmviz_get_bytes (&r, wlen);
      w->base = base;
      w->open = open;
      w->len = wlen;
      w->cap = MAX (wlen, 1);
      w->status = g_malloc0 (w->cap);
      if (wlen > 0)
        memcpy (w->status, status, wlen);
    }

  n_outside = shmviz_get_u32 (&r);
  if (!shmviz_reader_has (&r, n_outside, 12))
    return NULL;
  for (guint i = 0; i < n_outside; i++)
    {
      guint64 item = shmviz_get_u64 (&r);
      guint32 value = shmviz_get_u32 (&r);

      if (value == 0 || value > 0x101 || !item_valid (self, item))
        return NULL;
      outside_set (self, item, value - 1);
    }

  if (!shmviz_reader_has (&r, n_slots, 34))
    return NULL;
  for (guint i = 0; i < n_slots; i++)
    {
      LedgerSlot *s = &self->slots[i];

      s->item = shmviz_get_u64 (&r);
      s->write_ts = shmviz_get_u64 (&r);
      s->read_item = shmviz_get_u64 (&r);
      s->read_ts = shmviz_get_u64 (&r);
      s->reader = shmviz_get_u16 (&r);
    }

  if (!shmviz_reader_has (&r, self->n_procs, 37))
    return NULL;
  for (guint i = 0; i < self->n_procs; i++)
    {
      LedgerProc *p = &self->procs[i];

      shmviz_get_event (&r, &p->blocked_event);
      p->blocked = shmviz_get_u8 (&r) != 0;
      p->wait_sem = shmviz_get_u8 (&r);
      p->held = shmviz_get_u8 (&r) & (SHMVIZ_HELD_EMPTY | SHMVIZ_HELD_FULL | SHMVIZ_HELD_MUTEX);
      p->live = shmviz_get_u8 (&r) != 0;
      p->dead = shmviz_get_u8 (&r) != 0;
    }

  n_totals = shmviz_get_u32 (&r);
  if (n_totals != sizeof self->totals / sizeof (guint64))
    return NULL;
  for (guint i = 0; i < n_totals; i++)
    ((guint64 *) &self->totals)[i] = shmviz_get_u64 (&r);

  for (guint i = 0; i < SHMVIZ_N_SEMS; i++)
    self->sem_value[i] = (gint32) shmviz_get_u32 (&r);
  self->drift_reported = shmviz_get_u32 (&r);
  self->stall_reported = shmviz_get_u8 (&r) != 0;
  self->in_deadlock = shmviz_get_u8 (&r) != 0;
  if (shmviz_get_u32 (&r) != n_anomalies || n_anomalies > SHMVIZ_LEDGER_MAX_ANOMALIES || r.failed)
    return NULL;

  g_array_append_vals (self->anomalies, anomalies, n_anomalies);

  *pos = r.pos;
  return g_steal_pointer (&self);
}
