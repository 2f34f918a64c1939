/* model.c — what the views draw, folded from the event stream
 *
 * A drain thread folds batches of thousands of events while the UI takes a
 * snapshot once per frame: both hold the lock only for plain copies and
 * array updates, never for allocation-heavy work per event.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <string.h>

#include <glib/gi18n.h>

#include "layout.h"
#include "ledger-private.h"
#include "model.h"
#include "recording.h"

/* Timeline history per process; the oldest spans go first. */
#define MAX_SPANS 4096u

typedef struct {
  ShmvizSpan *spans;   /* ring of MAX_SPANS, allocated on first use */
  guint       first;   /* index of the oldest span */
  guint       len;
} Timeline;

struct _ShmvizModel {
  gatomicrefcount ref_count;
  GMutex lock;

  ShmvizScenario scenario;  /* as created: get_scenario() hands it out unlocked */
  ShmvizScenario live;      /* with the timings and speed changed since */
  ShmvizLedger *ledger;

  ShmvizSyncMode mode;
  gboolean paused;
  guint speed_permille;
  gboolean have_start;
  guint64 start_ns;
  guint64 now_ns;
  guint in, out, count;
  gint sem_value[SHMVIZ_N_SEMS];
  guint16 mutex_owner;

  guint n_slots;
  ShmvizSlotView *slots;
  /* The slots a batch named, refreshed from the ledger after it folded the
   * batch: 1 in slot_dirty, listed in dirty_slots.  Clear between folds. */
  guint8 *slot_dirty;
  guint16 *dirty_slots;
  guint n_procs;
  ShmvizProcView *procs;
  Timeline *timelines;
  guint8 *before_stop;      /* view state to return to on SIGCONT */

  guint64 generation;
};

G_DEFINE_BOXED_TYPE (ShmvizModel, shmviz_model, shmviz_model_ref, shmviz_model_unref)

static void
reset_sems (ShmvizModel *self,
            guint        count)
{
  self->sem_value[SHMVIZ_SEM_EMPTY] = (gint) self->n_slots - (gint) MIN (count, self->n_slots);
  self->sem_value[SHMVIZ_SEM_FULL] = (gint) MIN (count, self->n_slots);
  self->sem_value[SHMVIZ_SEM_MUTEX] = 1;
  self->mutex_owner = SHMVIZ_NO_PROC;
}

ShmvizModel *
shmviz_model_new (const ShmvizScenario *scenario)
{
  ShmvizModel *self;

  g_return_val_if_fail (scenario != NULL, NULL);
  g_return_val_if_fail (scenario->n_producers <= SHMVIZ_MAX_PRODUCERS, NULL);
  g_return_val_if_fail (scenario->n_consumers <= SHMVIZ_MAX_CONSUMERS, NULL);
  g_return_val_if_fail (scenario->n_slots <= SHMVIZ_MAX_SLOTS, NULL);

  self = g_new0 (ShmvizModel, 1);
  g_atomic_ref_count_init (&self->ref_count);
  g_mutex_init (&self->lock);

  self->scenario = *scenario;
  self->live = *scenario;
  self->ledger = shmviz_ledger_new (scenario->n_producers, scenario->n_consumers,
                                    scenario->n_slots);
  self->mode = scenario->sync;
  self->speed_permille = scenario->speed_permille;

  self->n_slots = scenario->n_slots;
  self->slots = g_new0 (ShmvizSlotView, MAX (self->n_slots, 1));
  self->slot_dirty = g_new0 (guint8, MAX (self->n_slots, 1));
  self->dirty_slots = g_new (guint16, MAX (self->n_slots, 1));

  self->n_procs = scenario->n_producers + scenario->n_consumers;
  self->procs = g_new0 (ShmvizProcView, MAX (self->n_procs, 1));
  self->timelines = g_new0 (Timeline, MAX (self->n_procs, 1));
  self->before_stop = g_new0 (guint8, MAX (self->n_procs, 1));
  for (guint i = 0; i < self->n_procs; i++)
    {
      ShmvizProcView *p = &self->procs[i];

      p->index = (guint16) i;
      p->role = i < scenario->n_producers ? SHMVIZ_ROLE_PRODUCER : SHMVIZ_ROLE_CONSUMER;
      p->state = SHMVIZ_VIEW_NEW;
      p->last_slot = G_MAXUINT;
    }

  reset_sems (self, 0);

  return self;
}

ShmvizModel *
shmviz_model_ref (ShmvizModel *self)
{
  g_return_val_if_fail (self != NULL, NULL);

  g_atomic_ref_count_inc (&self->ref_count);
  return self;
}

void
shmviz_model_unref (ShmvizModel *self)
{
  g_return_if_fail (self != NULL);

  if (!g_atomic_ref_count_dec (&self->ref_count))
    return;

  for (guint i = 0; i < self->n_procs; i++)
    g_free (self->timelines[i].spans);
  g_free (self->timelines);
  g_free (self->before_stop);
  g_free (self->procs);
  g_free (self->dirty_slots);
  g_free (self->slot_dirty);
  g_free (self->slots);
  shmviz_ledger_free (self->ledger);
  g_mutex_clear (&self->lock);
  g_free (self);
}

/* Process views ------------------------------------------------------------ */

/* Inlined where the workers' states change, about every other event:
 * the fields go through locals, since the byte stores to the spans could
 * alias them for all the compiler knows. */
static inline void
timeline_push (Timeline *t,
               guint64   ts,
               guint8    state,
               guint8    wait_sem)
{
  ShmvizSpan *spans = t->spans;
  guint first = t->first;
  guint len = t->len;
  /* After the newest span: over the oldest once the ring is full. */
  guint at = (first + len) % MAX_SPANS;
  ShmvizSpan *span;

  if (G_UNLIKELY (spans == NULL))
    spans = t->spans = g_new (ShmvizSpan, MAX_SPANS);

  if (G_LIKELY (len > 0))
    {
      ShmvizSpan *last = &spans[(at + MAX_SPANS - 1) % MAX_SPANS];

      /* Merged rings may deliver a step a little out of order: never let a
       * span end before it starts. */
      ts = MAX (ts, last->start_ns);
      last->end_ns = ts;
    }

  if (len == MAX_SPANS)
    t->first = (first + 1) % MAX_SPANS;
  else
    t->len = len + 1;

  span = &spans[at];
  span->start_ns = ts;
  span->end_ns = G_MAXUINT64;
  span->state = state;
  span->wait_sem = wait_sem;
}

/* Called for nearly every event: inlined, the test for "no change" costs
 * a few instructions, not a call. */
static inline void
set_view_state (ShmvizProcView *p,
                Timeline       *t,
                guint64         ts,
                guint8          state,
                guint8          wait_sem)
{
  if (state != SHMVIZ_VIEW_ACQUIRING && state != SHMVIZ_VIEW_WAITING)
    wait_sem = 0;

  if (p->state == state && p->wait_sem == wait_sem && t->len > 0)
    return;

  p->state = state;
  p->wait_sem = wait_sem;
  p->state_since_ns = ts;
  timeline_push (t, ts, state, wait_sem);
}

static void
set_state (ShmvizModel *self,
           guint        proc,
           guint64      ts,
           guint8       state,
           guint8       wait_sem)
{
  set_view_state (&self->procs[proc], &self->timelines[proc], ts, state, wait_sem);
}

/* The state a process falls back to after a step outside any wait. */
static guint8
busy_state (const ShmvizProcView *p)
{
  return (p->held & SHMVIZ_HELD_MUTEX) != 0 ? SHMVIZ_VIEW_CRITICAL : SHMVIZ_VIEW_RUNNING;
}

/* The view of a slot is the ledger's, read once the ledger folded the
 * whole batch: every event that can change the ledger's slot marks it
 * here, so what is read at the end is what the last of them would have
 * read folding alone, and changed_ns is that event's time. */
static inline guint
touch_slot (ShmvizModel *self,
            guint        slot,
            guint64      ts,
            guint        n_dirty)
{
  if (slot >= self->n_slots)
    return n_dirty;

  self->slots[slot].changed_ns = ts;
  if (!self->slot_dirty[slot])
    {
      self->slot_dirty[slot] = 1;
      self->dirty_slots[n_dirty++] = (guint16) slot;
    }
  return n_dirty;
}

/* Every case ends in the one call of set_view_state(), so that the
 * timeline's update is inlined once.  Returns @n_dirty, plus one if the
 * event named a slot not named before in the batch. */
static inline guint
fold_worker (ShmvizModel       *self,
             ShmvizProcView    *p,
             Timeline          *t,
             const ShmvizEvent *ev,
             guint              kind,
             guint64            ts,
             guint              n_dirty)
{
  guint sem = ev->detail;
  guint8 state;
  guint8 wait_sem = 0;

  p->last_kind = (guint8) kind;
  p->last_ns = ts;

  switch ((ShmvizEventKind) kind)
    {
    case SHMVIZ_EV_START:
      p->pid = (gint32) ev->other;
      state = SHMVIZ_VIEW_RUNNING;
      break;

    case SHMVIZ_EV_PRODUCE:
      p->last_item = ev->item;
      state = busy_state (p);
      break;

    case SHMVIZ_EV_CONSUME:
      p->last_item = ev->item;
      p->items_done++;
      state = busy_state (p);
      break;

    case SHMVIZ_EV_WAIT:
      if (sem >= SHMVIZ_N_SEMS)
        return n_dirty;
      state = SHMVIZ_VIEW_ACQUIRING;
      wait_sem = (guint8) sem;
      break;

    case SHMVIZ_EV_BLOCKED:
      if (sem >= SHMVIZ_N_SEMS)
        return n_dirty;
      state = SHMVIZ_VIEW_WAITING;
      wait_sem = (guint8) sem;
      break;

    case SHMVIZ_EV_ACQUIRED:
      if (sem >= SHMVIZ_N_SEMS)
        return n_dirty;
      self->sem_value[sem]--;
      p->held |= 1u << sem;
      if (sem == SHMVIZ_SEM_MUTEX)
        self->mutex_owner = ev->proc;
      state = busy_state (p);
      break;

    case SHMVIZ_EV_POST:
      if (sem >= SHMVIZ_N_SEMS)
        return n_dirty;
      self->sem_value[sem]++;
      if (sem == SHMVIZ_SEM_MUTEX)
        {
          p->held &= ~SHMVIZ_HELD_MUTEX;
          if (self->mutex_owner == ev->proc)
            self->mutex_owner = SHMVIZ_NO_PROC;
        }
      else if (sem == SHMVIZ_SEM_FULL)
        p->held &= ~SHMVIZ_HELD_EMPTY;   /* the empty-slot token became a full one */
      else
        p->held &= ~SHMVIZ_HELD_FULL;
      state = busy_state (p);
      break;

    /* Touching the shared indices and slots is the critical section
     * whether or not a lock guards it. */
    case SHMVIZ_EV_READ_INDEX:
      p->last_slot = ev->slot;
      state = SHMVIZ_VIEW_CRITICAL;
      break;

    case SHMVIZ_EV_WRITE_SLOT:
    case SHMVIZ_EV_READ_SLOT:
      p->last_slot = ev->slot;
      p->last_item = ev->item;
      if (kind == SHMVIZ_EV_WRITE_SLOT)
        p->items_done++;
      n_dirty = touch_slot (self, ev->slot, ts, n_dirty);
      state = SHMVIZ_VIEW_CRITICAL;
      break;

    case SHMVIZ_EV_ADVANCE:
      p->last_slot = ev->slot;
      self->in = SHMVIZ_UNPACK_IN (ev->other);
      self->out = SHMVIZ_UNPACK_OUT (ev->other);
      self->count = SHMVIZ_UNPACK_COUNT (ev->other);
      state = busy_state (p);
      break;

    case SHMVIZ_EV_REPAIR:
      /* The repairer took the lock from a dead owner: the dead one holds
       * nothing any more, and the values are the repaired ones. */
      if (ev->slot < self->n_procs)
        self->procs[ev->slot].held = 0;
      self->mutex_owner = ev->proc;
      self->in = SHMVIZ_UNPACK_IN (ev->other);
      self->out = SHMVIZ_UNPACK_OUT (ev->other);
      self->count = SHMVIZ_UNPACK_COUNT (ev->other);
      self->sem_value[SHMVIZ_SEM_EMPTY] = (gint) (ev->item >> 32);
      self->sem_value[SHMVIZ_SEM_FULL] = (gint) (guint32) ev->item;
      self->sem_value[SHMVIZ_SEM_MUTEX] = 0;
      return n_dirty;

    case SHMVIZ_EV_ABANDON:
      /* It released nothing; the RESYNC that follows restores the values. */
      state = SHMVIZ_VIEW_RUNNING;
      break;

    case SHMVIZ_EV_PARKED:
      state = SHMVIZ_VIEW_PARKED;
      break;

    case SHMVIZ_EV_RESUMED:
      state = busy_state (p);
      break;

    case SHMVIZ_EV_EXIT:
      p->items_done = ev->other;
      p->exit_status = 0;
      p->signaled = FALSE;
      state = SHMVIZ_VIEW_DONE;
      break;

    case SHMVIZ_EV_NONE:
    default:
      return n_dirty;
    }

  set_view_state (p, t, ts, state, wait_sem);
  return n_dirty;
}

/* Rare: out of line, so that the workers' loop keeps its registers. */
static G_NO_INLINE void
fold_supervisor (ShmvizModel       *self,
                 const ShmvizEvent *ev)
{
  switch ((ShmvizEventKind) ev->kind)
    {
    case SHMVIZ_EV_SPAWNED:
      if (ev->slot < self->n_procs)
        {
          ShmvizProcView *p = &self->procs[ev->slot];

          p->pid = (gint32) ev->other;
          /* A restarted worker starts afresh. */
          if (p->state == SHMVIZ_VIEW_DEAD || p->state == SHMVIZ_VIEW_DONE)
            {
              p->held = 0;
              set_state (self, ev->slot, ev->ts_ns, SHMVIZ_VIEW_NEW, 0);
            }
        }
      break;

    case SHMVIZ_EV_DIED:
      if (ev->slot < self->n_procs)
        {
          ShmvizProcView *p = &self->procs[ev->slot];
          gboolean signaled = ev->detail != 0;

          /* The supervisor reaps every child: a clean exit after EXIT is
           * not a death. */
          if (p->state == SHMVIZ_VIEW_DONE && !signaled && ev->value == 0)
            break;
          p->exit_status = ev->value;
          p->signaled = signaled;
          set_state (self, ev->slot, ev->ts_ns, SHMVIZ_VIEW_DEAD, 0);
        }
      break;

    case SHMVIZ_EV_STOPPED:
      if (ev->slot < self->n_procs)
        {
          ShmvizProcView *p = &self->procs[ev->slot];

          if (ev->value != 0 && p->state != SHMVIZ_VIEW_STOPPED &&
              p->state != SHMVIZ_VIEW_DEAD && p->state != SHMVIZ_VIEW_DONE)
            {
              self->before_stop[ev->slot] = p->state;
              set_state (self, ev->slot, ev->ts_ns, SHMVIZ_VIEW_STOPPED, p->wait_sem);
            }
          else if (ev->value == 0 && p->state == SHMVIZ_VIEW_STOPPED)
            set_state (self, ev->slot, ev->ts_ns, self->before_stop[ev->slot], p->wait_sem);
        }
      break;

    case SHMVIZ_EV_MODE:
      if (ev->value < SHMVIZ_N_SYNC_MODES)
        self->mode = ev->value;
      break;

    case SHMVIZ_EV_PAUSE:
      self->paused = ev->value != 0;
      break;

    case SHMVIZ_EV_SPEED:
      self->speed_permille = (guint) MIN (ev->other, (guint64) SHMVIZ_MAX_SPEED);
      self->live.speed_permille = self->speed_permille;
      break;

    case SHMVIZ_EV_TIMING:
      if (ev->value < SHMVIZ_N_TIMINGS)
        self->live.timing_ns[ev->value] = MIN (ev->other, SHMVIZ_MAX_DELAY_NS);
      break;

    case SHMVIZ_EV_RESYNC:
      self->in = SHMVIZ_UNPACK_IN (ev->other);
      self->out = SHMVIZ_UNPACK_OUT (ev->other);
      self->count = SHMVIZ_UNPACK_COUNT (ev->other);
      reset_sems (self, ev->value);
      for (guint i = 0; i < self->n_procs; i++)
        self->procs[i].held = 0;
      break;

    default:
      break;
    }
}

/* The model's part of folding @events, after the ledger folded them. */
static void
fold_events (ShmvizModel       *self,
             const ShmvizEvent *events,
             guint              n_events)
{
  /* Locals, which the byte stores to the views cannot alias. */
  ShmvizProcView *procs = self->procs;
  Timeline *timelines = self->timelines;
  guint n_procs = self->n_procs;
  guint64 start = self->have_start ? self->start_ns : G_MAXUINT64;
  guint64 now = self->now_ns;
  guint n_dirty = 0;

  for (guint i = 0; i < n_events; i++)
    {
      const ShmvizEvent *ev = &events[i];
      guint64 ts = ev->ts_ns;
      guint proc = ev->proc;
      guint kind = ev->kind;

      start = MIN (start, ts);
      now = MAX (now, ts);

      if (G_LIKELY (proc < n_procs && kind < SHMVIZ_EV_SESSION))
        n_dirty = fold_worker (self, &procs[proc], &timelines[proc], ev, kind, ts, n_dirty);
      else if (proc == SHMVIZ_PROC_SUPERVISOR)
        {
          fold_supervisor (self, ev);
          if (kind == SHMVIZ_EV_SLOT_MOVED)
            n_dirty = touch_slot (self, ev->value, ts, n_dirty);
          if (kind == SHMVIZ_EV_SLOT_MOVED || kind == SHMVIZ_EV_SLOT_CLEARED)
            n_dirty = touch_slot (self, ev->slot, ts, n_dirty);
        }
    }

  if (n_events > 0)
    {
      self->start_ns = start;
      self->have_start = TRUE;
    }
  self->now_ns = now;

  for (guint i = 0; i < n_dirty; i++)
    {
      guint slot = self->dirty_slots[i];
      ShmvizSlotView *view = &self->slots[slot];
      guint64 item = shmviz_ledger_slot_item (self->ledger, slot);

      view->item = item;
      view->state = item != SHMVIZ_ITEM_NONE ? SHMVIZ_SLOT_FULL : SHMVIZ_SLOT_EMPTY;
      self->slot_dirty[slot] = 0;
    }
}

void
shmviz_model_fold (ShmvizModel       *self,
                   const ShmvizEvent *events,
                   guint              n_events)
{
  const ShmvizAnomaly *all;
  guint n_before = 0, n_all = 0;

  g_return_if_fail (self != NULL);
  g_return_if_fail (events != NULL || n_events == 0);

  g_mutex_lock (&self->lock);

  /* Nothing of the model feeds the ledger: it may fold the batch first,
   * and the model learn afterwards what the ledger made of it. */
  shmviz_ledger_get_anomalies (self->ledger, &n_before);
  _shmviz_ledger_fold_batch (self->ledger, events, n_events);
  fold_events (self, events, n_events);

  /* In the order found, so that the last anomaly of a slot flashes. */
  all = shmviz_ledger_get_anomalies (self->ledger, &n_all);
  for (guint i = n_before; i < n_all; i++)
    {
      if (all[i].slot >= self->n_slots)
        continue;
      self->slots[all[i].slot].flash = (guint8) (all[i].kind + 1);
      self->slots[all[i].slot].flash_ns = all[i].ts_ns;
    }

  self->generation++;
  g_mutex_unlock (&self->lock);
}

guint
shmviz_model_check_stall (ShmvizModel *self,
                          guint64      now_ns,
                          guint64      stall_ns)
{
  guint n;

  g_return_val_if_fail (self != NULL, 0);

  g_mutex_lock (&self->lock);
  n = shmviz_ledger_check_stall (self->ledger, now_ns, stall_ns);
  if (n > 0)
    self->generation++;
  g_mutex_unlock (&self->lock);

  return n;
}

void
shmviz_model_snapshot (ShmvizModel    *self,
                       ShmvizSnapshot *snapshot)
{
  g_return_if_fail (self != NULL);
  g_return_if_fail (snapshot != NULL);

  g_mutex_lock (&self->lock);

  /* The arrays are reused from frame to frame; only a change of shape
   * reallocates them. */
  if (snapshot->slots == NULL || snapshot->n_slots != self->n_slots)
    snapshot->slots = g_renew (ShmvizSlotView, snapshot->slots, MAX (self->n_slots, 1));
  if (snapshot->procs == NULL || snapshot->n_procs != self->n_procs)
    snapshot->procs = g_renew (ShmvizProcView, snapshot->procs, MAX (self->n_procs, 1));

  snapshot->scenario = self->live;
  snapshot->mode = self->mode;
  snapshot->paused = self->paused;
  snapshot->speed_permille = self->speed_permille;
  snapshot->start_ns = self->start_ns;
  snapshot->now_ns = self->now_ns;
  snapshot->in = self->in;
  snapshot->out = self->out;
  snapshot->count = self->count;
  memcpy (snapshot->sem_value, self->sem_value, sizeof snapshot->sem_value);
  snapshot->mutex_owner = self->mutex_owner;
  snapshot->n_slots = self->n_slots;
  memcpy (snapshot->slots, self->slots, self->n_slots * sizeof (ShmvizSlotView));
  snapshot->n_procs = self->n_procs;
  memcpy (snapshot->procs, self->procs, self->n_procs * sizeof (ShmvizProcView));
  shmviz_ledger_get_totals (self->ledger, &snapshot->totals);
  shmviz_ledger_get_anomalies (self->ledger, &snapshot->n_anomalies);
  snapshot->deadlock = shmviz_ledger_in_deadlock (self->ledger);
  snapshot->generation = self->generation;

  g_mutex_unlock (&self->lock);
}

void
shmviz_snapshot_clear (ShmvizSnapshot *snapshot)
{
  g_return_if_fail (snapshot != NULL);

  g_free (snapshot->slots);
  g_free (snapshot->procs);
  memset (snapshot, 0, sizeof *snapshot);
}

guint
shmviz_model_get_anomalies (ShmvizModel *self,
                            guint        from,
                            GArray      *out)
{
  const ShmvizAnomaly *all;
  guint n = 0;

  g_return_val_if_fail (self != NULL, 0);

  g_mutex_lock (&self->lock);
  all = shmviz_ledger_get_anomalies (self->ledger, &n);
  if (out != NULL && from < n)
    g_array_append_vals (out, all + from, n - from);
  g_mutex_unlock (&self->lock);

  return n;
}

void
shmviz_model_get_spans (ShmvizModel *self,
                        guint        proc,
                        guint64      since_ns,
                        GArray      *out)
{
  const Timeline *t;

  g_return_if_fail (self != NULL);
  g_return_if_fail (out != NULL);

  g_mutex_lock (&self->lock);
  if (proc < self->n_procs)
    {
      t = &self->timelines[proc];
      for (guint i = 0; i < t->len; i++)
        {
          const ShmvizSpan *span = &t->spans[(t->first + i) % MAX_SPANS];

          if (span->end_ns > since_ns)
            g_array_append_vals (out, span, 1);
        }
    }
  g_mutex_unlock (&self->lock);
}

void
shmviz_model_get_totals (ShmvizModel  *self,
                         ShmvizTotals *totals)
{
  g_return_if_fail (self != NULL);
  g_return_if_fail (totals != NULL);

  g_mutex_lock (&self->lock);
  shmviz_ledger_get_totals (self->ledger, totals);
  g_mutex_unlock (&self->lock);
}

const ShmvizScenario *
shmviz_model_get_scenario (ShmvizModel *self)
{
  g_return_val_if_fail (self != NULL, NULL);

  /* Never written after creation, so no lock: live timings and speed are
   * in snapshots. */
  return &self->scenario;
}

const char *
shmviz_view_state_name (ShmvizViewState state)
{
  static const char * const names[SHMVIZ_N_VIEW_STATES] = {
    [SHMVIZ_VIEW_NEW]       = N_("new"),
    [SHMVIZ_VIEW_RUNNING]   = N_("running"),
    [SHMVIZ_VIEW_ACQUIRING] = N_("acquiring"),
    [SHMVIZ_VIEW_WAITING]   = N_("waiting"),
    [SHMVIZ_VIEW_CRITICAL]  = N_("critical section"),
    [SHMVIZ_VIEW_PARKED]    = N_("parked"),
    [SHMVIZ_VIEW_DONE]      = N_("done"),
    [SHMVIZ_VIEW_DEAD]      = N_("dead"),
    [SHMVIZ_VIEW_STOPPED]   = N_("stopped"),
  };

  if ((guint) state < SHMVIZ_N_VIEW_STATES)
    return _(names[state]);
  return _("unknown");
}

gboolean
shmviz_model_in_deadlock (ShmvizModel *self)
{
  gboolean ret;

  g_return_val_if_fail (self != NULL, FALSE);

  g_mutex_lock (&self->lock);
  ret = shmviz_ledger_in_deadlock (self->ledger);
  g_mutex_unlock (&self->lock);
  return ret;
}

gboolean
shmviz_model_get_proc (ShmvizModel    *self,
                       guint           proc,
                       ShmvizProcView *out)
{
  gboolean ok;

  g_return_val_if_fail (self != NULL, FALSE);
  g_return_val_if_fail (out != NULL, FALSE);

  g_mutex_lock (&self->lock);
  ok = proc < self->n_procs;
  if (ok)
    *out = self->procs[proc];
  g_mutex_unlock (&self->lock);

  return ok;
}

/* Snapshots ----------------------------------------------------------------- */

#define MODEL_STATE_VERSION 1u

GBytes *
shmviz_model_serialize (ShmvizModel *self)
{
  g_autoptr(GByteArray) out = g_byte_array_sized_new (4096);

  g_return_val_if_fail (self != NULL, NULL);

  g_mutex_lock (&self->lock);

  shmviz_put_u32 (out, MODEL_STATE_VERSION);
  shmviz_put_u32 (out, self->scenario.n_producers);
  shmviz_put_u32 (out, self->scenario.n_consumers);
  shmviz_put_u32 (out, self->n_slots);
  shmviz_put_u32 (out, SHMVIZ_N_TIMINGS);
  for (guint i = 0; i < SHMVIZ_N_TIMINGS; i++)
    shmviz_put_u64 (out, self->live.timing_ns[i]);
  shmviz_put_u32 (out, self->live.speed_permille);
  shmviz_put_u32 (out, self->mode);
  shmviz_put_u8 (out, self->paused);
  shmviz_put_u32 (out, self->speed_permille);
  shmviz_put_u8 (out, self->have_start);
  shmviz_put_u64 (out, self->start_ns);
  shmviz_put_u64 (out, self->now_ns);
  shmviz_put_u32 (out, self->in);
  shmviz_put_u32 (out, self->out);
  shmviz_put_u32 (out, self->count);
  for (guint i = 0; i < SHMVIZ_N_SEMS; i++)
    shmviz_put_u32 (out, (guint32) self->sem_value[i]);
  shmviz_put_u16 (out, self->mutex_owner);

  for (guint i = 0; i < self->n_slots; i++)
    {
      const ShmvizSlotView *v = &self->slots[i];

      shmviz_put_u64 (out, v->item);
      shmviz_put_u8 (out, v->state);
      shmviz_put_u8 (out, v->flash);
      shmviz_put_u64 (out, v->changed_ns);
      shmviz_put_u64 (out, v->flash_ns);
    }

  for (guint i = 0; i < self->n_procs; i++)
    {
      const ShmvizProcView *p = &self->procs[i];
      const Timeline *t = &self->timelines[i];

      shmviz_put_u8 (out, p->state);
      shmviz_put_u8 (out, p->wait_sem);
      shmviz_put_u8 (out, p->held);
      shmviz_put_u8 (out, p->last_kind);
      shmviz_put_u32 (out, (guint32) p->pid);
      shmviz_put_u32 (out, p->last_slot);
      shmviz_put_u64 (out, p->last_item);
      shmviz_put_u64 (out, p->last_ns);
      shmviz_put_u64 (out, p->state_since_ns);
      shmviz_put_u64 (out, p->items_done);
      shmviz_put_u32 (out, (guint32) p->exit_status);
      shmviz_put_u8 (out, p->signaled);
      shmviz_put_u8 (out, self->before_stop[i]);

      shmviz_put_u32 (out, t->len);
      for (guint k = 0; k < t->len; k++)
        {
          const ShmvizSpan *span = &t->spans[(t->first + k) % MAX_SPANS];

          shmviz_put_u64 (out, span->start_ns);
          shmviz_put_u64 (out, span->end_ns);
          shmviz_put_u8 (out, span->state);
          shmviz_put_u8 (out, span->wait_sem);
        }
    }

  shmviz_ledger_serialize (self->ledger, out);

  g_mutex_unlock (&self->lock);

  return g_byte_array_free_to_bytes (g_steal_pointer (&out));
}

static gboolean
restore_failed (GError **error)
{
  g_set_error (error, SHMVIZ_RECORDING_ERROR, SHMVIZ_RECORDING_ERROR_CORRUPT,
               _("The snapshot does not describe a state of this scenario"));
  return FALSE;
}

gboolean
shmviz_model_restore (ShmvizModel          *self,
                      GBytes               *state,
                      const ShmvizAnomaly  *anomalies,
                      guint                 n_anomalies,
                      GError              **error)
{
  ShmvizByteReader r;
  g_autoptr(ShmvizModel) tmp = NULL;
  ShmvizLedger *ledger;
  const guint8 *data;
  gsize len, pos;
  guint32 n_timings, speed;

  g_return_val_if_fail (self != NULL, FALSE);
  g_return_val_if_fail (state != NULL, FALSE);

  data = g_bytes_get_data (state, &len);
  r = (ShmvizByteReader) { data != NULL ? data : (const guint8 *) "", len, 0, FALSE };

  /* Parse into a scratch model of the same shape, so that a bad snapshot
   * leaves this one as it was. */
  tmp = shmviz_model_new (&self->scenario);

  if (shmviz_get_u32 (&r) != MODEL_STATE_VERSION ||
      shmviz_get_u32 (&r) != self->scenario.n_producers ||
      shmviz_get_u32 (&r) != self->scenario.n_consumers ||
      shmviz_get_u32 (&r) != self->n_slots)
    return restore_failed (error);
  n_timings = shmviz_get_u32 (&r);
  if (n_timings != SHMVIZ_N_TIMINGS)
    return restore_failed (error);
  /* (MIN evaluates its arguments twice: read into locals first.) */
  for (guint i = 0; i < SHMVIZ_N_TIMINGS; i++)
    {
      guint64 ns = shmviz_get_u64 (&r);
      tmp->live.timing_ns[i] = MIN (ns, SHMVIZ_MAX_DELAY_NS);
    }
  speed = shmviz_get_u32 (&r);
  tmp->live.speed_permille = MIN (speed, SHMVIZ_MAX_SPEED);
  tmp->mode = shmviz_get_u32 (&r);
  tmp->paused = shmviz_get_u8 (&r) != 0;
  speed = shmviz_get_u32 (&r);
  tmp->speed_permille = MIN (speed, SHMVIZ_MAX_SPEED);
  tmp->have_start = shmviz_get_u8 (&r) != 0;
  tmp->start_ns = shmviz_get_u64 (&r);
  tmp->now_ns = shmviz_get_u64 (&r);
  tmp->in = shmviz_get_u32 (&r);
  tmp->out = shmviz_get_u32 (&r);
  tmp->count = shmviz_get_u32 (&r);
  for (guint i = 0; i < SHMVIZ_N_SEMS; i++)
    tmp->sem_value[i] = (gint32) shmviz_get_u32 (&r);
  tmp->mutex_owner = shmviz_get_u16 (&r);
  if (r.failed || tmp->mode >= SHMVIZ_N_SYNC_MODES)
    return restore_failed (error);

  if (!shmviz_reader_has (&r, tmp->n_slots, 26))
    return restore_failed (error);
  for (guint i = 0; i < tmp->n_slots; i++)
    {
      ShmvizSlotView *v = &tmp->slots[i];

      v->item = shmviz_get_u64 (&r);
      v->state = shmviz_get_u8 (&r);
      v->flash = shmviz_get_u8 (&r);
      v->changed_ns = shmviz_get_u64 (&r);
      v->flash_ns = shmviz_get_u64 (&r);
      if (v->state >= SHMVIZ_N_SLOT_STATES || v->flash > SHMVIZ_N_ANOMALY_KINDS)
        return restore_failed (error);
    }

  for (guint i = 0; i < tmp->n_procs; i++)
    {
      ShmvizProcView *p = &tmp->procs[i];
      Timeline *t = &tmp->timelines[i];
      guint32 n_spans;

      p->state = shmviz_get_u8 (&r);
      p->wait_sem = shmviz_get_u8 (&r);
      p->held = shmviz_get_u8 (&r);
      p->last_kind = shmviz_get_u8 (&r);
      p->pid = (gint32) shmviz_get_u32 (&r);
      p->last_slot = shmviz_get_u32 (&r);
      p->last_item = shmviz_get_u64 (&r);
      p->last_ns = shmviz_get_u64 (&r);
      p->state_since_ns = shmviz_get_u64 (&r);
      p->items_done = shmviz_get_u64 (&r);
      p->exit_status = (gint32) shmviz_get_u32 (&r);
      p->signaled = shmviz_get_u8 (&r) != 0;
      tmp->before_stop[i] = shmviz_get_u8 (&r);
      n_spans = shmviz_get_u32 (&r);
      if (r.failed || p->state >= SHMVIZ_N_VIEW_STATES || p->wait_sem >= SHMVIZ_N_SEMS ||
          tmp->before_stop[i] >= SHMVIZ_N_VIEW_STATES || n_spans > MAX_SPANS ||
          !shmviz_reader_has (&r, n_spans, 18))
        return restore_failed (error);

      if (n_spans > 0)
        t->spans = g_new (ShmvizSpan, MAX_SPANS);
      t->first = 0;
      t->len = n_spans;
      for (guint k = 0; k < n_spans; k++)
        {
          ShmvizSpan *span = &t->spans[k];

          span->start_ns = shmviz_get_u64 (&r);
          span->end_ns = shmviz_get_u64 (&r);
          span->state = shmviz_get_u8 (&r);
          span->wait_sem = shmviz_get_u8 (&r);
          if (span->state >= SHMVIZ_N_VIEW_STATES || span->wait_sem >= SHMVIZ_N_SEMS)
            return restore_failed (error);
        }
    }

  if (r.failed)
    return restore_failed (error);

  pos = r.pos;
  ledger = shmviz_ledger_restore (r.data, r.len, &pos, anomalies, n_anomalies);
  if (ledger == NULL || pos != r.len)
    {
      shmviz_ledger_free (ledger);
      return restore_failed (error);
    }
  shmviz_ledger_free (tmp->ledger);
  tmp->ledger = ledger;

  /* Swap the parsed state in; the scratch model takes the old one away. */
  g_mutex_lock (&self->lock);
#define SWAP(field) G_STMT_START { __typeof__ (self->field) t_ = self->field; \
                                   self->field = tmp->field; tmp->field = t_; } G_STMT_END
  SWAP (live);
  SWAP (ledger);
  SWAP (mode);
  SWAP (paused);
  SWAP (speed_permille);
  SWAP (have_start);
  SWAP (start_ns);
  SWAP (now_ns);
  SWAP (in);
  SWAP (out);
  SWAP (count);
  SWAP (mutex_owner);
  SWAP (slots);
  SWAP (procs);
  SWAP (timelines);
  SWAP (before_stop);
#undef SWAP
  memcpy (self->sem_value, tmp->sem_value, sizeof self->sem_value);
  self->generation++;
  g_mutex_unlock (&self->lock);

  return TRUE;
}

void
shmviz_model_get_recent_spans (ShmvizModel *self,
                               guint        proc,
                               guint64      since_ns,
                               GArray      *out)
{
  const Timeline *t;
  guint first;

  g_return_if_fail (self != NULL);
  g_return_if_fail (out != NULL);

  g_mutex_lock (&self->lock);
  if (proc < self->n_procs)
    {
      t = &self->timelines[proc];
      /* Spans end in order (timeline_push() clamps), so walking back from
       * the newest stops at the first one already over: a view that asks
       * every frame pays for what is new, not for the whole history. */
      first = t->len;
      while (first > 0 && t->spans[(t->first + first - 1) % MAX_SPANS].end_ns > since_ns)
        first--;
      for (guint i = first; i < t->len; i++)
        g_array_append_vals (out, &t->spans[(t->first + i) % MAX_SPANS], 1);
    }
  g_mutex_unlock (&self->lock);
}
