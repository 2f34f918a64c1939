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
#include "model.h"

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
  guint n_procs;
  ShmvizProcView *procs;
  Timeline *timelines;

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

  self->n_procs = scenario->n_producers + scenario->n_consumers;
  self->procs = g_new0 (ShmvizProcView, MAX (self->n_procs, 1));
  self->timelines = g_new0 (Timeline, MAX (self->n_procs, 1));
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
  g_free (self->procs);
  g_free (self->slots);
  shmviz_ledger_free (self->ledger);
  g_mutex_clear (&self->lock);
  g_free (self);
}

/* Process views ------------------------------------------------------------ */

static void
timeline_push (Timeline *t,
               guint64   ts,
               guint8    state,
               guint8    wait_sem)
{
  ShmvizSpan *span;

  if (t->spans == NULL)
    t->spans = g_new (ShmvizSpan, MAX_SPANS);

  if (t->len > 0)
    {
      ShmvizSpan *last = &t->spans[(t->first + t->len - 1) % MAX_SPANS];

      /* Merged rings may deliver a step a little out of order: never let a
       * span end before it starts. */
      last->end_ns = MAX (ts, last->start_ns);
      ts = last->end_ns;
    }

  if (t->len == MAX_SPANS)
    {
      t->first = (t->first + 1) % MAX_SPANS;
      t->len--;
    }

  span = &t->spans[(t->first + t->len) % MAX_SPANS];
  span->start_ns = ts;
  span->end_ns = G_MAXUINT64;
  span->state = state;
  span->wait_sem = wait_sem;
  t->len++;
}

static void
set_state (ShmvizModel *self,
           guint        proc,
           guint64      ts,
           guint8       state,
           guint8       wait_sem)
{
  ShmvizProcView *p = &self->procs[proc];
  Timeline *t = &self->timelines[proc];

  if (state != SHMVIZ_VIEW_ACQUIRING && state != SHMVIZ_VIEW_WAITING)
    wait_sem = 0;

  if (t->len > 0 && p->state == state && p->wait_sem == wait_sem)
    return;

  p->state = state;
  p->wait_sem = wait_sem;
  p->state_since_ns = ts;
  timeline_push (t, ts, state, wait_sem);
}

/* The state a process falls back to after a step outside any wait. */
static guint8
busy_state (const ShmvizProcView *p)
{
  return (p->held & SHMVIZ_HELD_MUTEX) != 0 ? SHMVIZ_VIEW_CRITICAL : SHMVIZ_VIEW_RUNNING;
}

static void
fold_worker (ShmvizModel       *self,
             const ShmvizEvent *ev)
{
  ShmvizProcView *p = &self->procs[ev->proc];
  guint sem = ev->detail;

  p->last_kind = ev->kind;
  p->last_ns = ev->ts_ns;

  switch ((ShmvizEventKind) ev->kind)
    {
    case SHMVIZ_EV_START:
      p->pid = (gint32) ev->other;
      set_state (self, ev->proc, ev->ts_ns, SHMVIZ_VIEW_RUNNING, 0);
      break;

    case SHMVIZ_EV_PRODUCE:
      p->last_item = ev->item;
      set_state (self, ev->proc, ev->ts_ns, busy_state (p), 0);
      break;

    case SHMVIZ_EV_CONSUME:
      p->last_item = ev->item;
      p->items_done++;
      set_state (self, ev->proc, ev->ts_ns, busy_state (p), 0);
      break;

    case SHMVIZ_EV_WAIT:
      if (sem < SHMVIZ_N_SEMS)
        set_state (self, ev->proc, ev->ts_ns, SHMVIZ_VIEW_ACQUIRING, sem);
      break;

    case SHMVIZ_EV_BLOCKED:
      if (sem < SHMVIZ_N_SEMS)
        set_state (self, ev->proc, ev->ts_ns, SHMVIZ_VIEW_WAITING, sem);
      break;

    case SHMVIZ_EV_ACQUIRED:
      if (sem >= SHMVIZ_N_SEMS)
        break;
      self->sem_value[sem]--;
      p->held |= 1u << sem;
      if (sem == SHMVIZ_SEM_MUTEX)
        self->mutex_owner = ev->proc;
      set_state (self, ev->proc, ev->ts_ns, busy_state (p), 0);
      break;

    case SHMVIZ_EV_POST:
      if (sem >= SHMVIZ_N_SEMS)
        break;
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
      set_state (self, ev->proc, ev->ts_ns, busy_state (p), 0);
      break;

    case SHMVIZ_EV_READ_INDEX:
    case SHMVIZ_EV_WRITE_SLOT:
    case SHMVIZ_EV_READ_SLOT:
      /* Touching the shared indices and slots is the critical section
       * whether or not a lock guards it. */
      p->last_slot = ev->slot;
      if (ev->kind != SHMVIZ_EV_READ_INDEX)
        p->last_item = ev->item;
      if (ev->kind == SHMVIZ_EV_WRITE_SLOT)
        p->items_done++;
      set_state (self, ev->proc, ev->ts_ns, SHMVIZ_VIEW_CRITICAL, 0);
      break;

    case SHMVIZ_EV_ADVANCE:
      p->last_slot = ev->slot;
      self->in = SHMVIZ_UNPACK_IN (ev->other);
      self->out = SHMVIZ_UNPACK_OUT (ev->other);
      self->count = SHMVIZ_UNPACK_COUNT (ev->other);
      set_state (self, ev->proc, ev->ts_ns, busy_state (p), 0);
      break;

    case SHMVIZ_EV_ABANDON:
      /* It released nothing; the RESYNC that follows restores the values. */
      set_state (self, ev->proc, ev->ts_ns, SHMVIZ_VIEW_RUNNING, 0);
      break;

    case SHMVIZ_EV_PARKED:
      set_state (self, ev->proc, ev->ts_ns, SHMVIZ_VIEW_PARKED, 0);
      break;

    case SHMVIZ_EV_RESUMED:
      set_state (self, ev->proc, ev->ts_ns, busy_state (p), 0);
      break;

    case SHMVIZ_EV_EXIT:
      p->items_done = ev->other;
      p->exit_status = 0;
      p->signaled = FALSE;
      set_state (self, ev->proc, ev->ts_ns, SHMVIZ_VIEW_DONE, 0);
      break;

    case SHMVIZ_EV_NONE:
    default:
      break;
    }
}

static void
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

static void
update_slot (ShmvizModel *self,
             guint        slot,
             guint64      ts)
{
  ShmvizSlotView *view;
  guint64 item;

  if (slot >= self->n_slots)
    return;

  view = &self->slots[slot];
  item = shmviz_ledger_slot_item (self->ledger, slot);
  view->item = item;
  view->state = item != SHMVIZ_ITEM_NONE ? SHMVIZ_SLOT_FULL : SHMVIZ_SLOT_EMPTY;
  view->changed_ns = ts;
}

static void
fold_one (ShmvizModel       *self,
          const ShmvizEvent *ev)
{
  guint n_new;

  if (!self->have_start || ev->ts_ns < self->start_ns)
    {
      self->start_ns = ev->ts_ns;
      self->have_start = TRUE;
    }
  if (ev->ts_ns > self->now_ns)
    self->now_ns = ev->ts_ns;

  n_new = shmviz_ledger_fold (self->ledger, ev);

  if (ev->proc == SHMVIZ_PROC_SUPERVISOR)
    {
      fold_supervisor (self, ev);
      if (ev->kind == SHMVIZ_EV_SLOT_MOVED)
        update_slot (self, ev->value, ev->ts_ns);
      if (ev->kind == SHMVIZ_EV_SLOT_MOVED || ev->kind == SHMVIZ_EV_SLOT_CLEARED)
        update_slot (self, ev->slot, ev->ts_ns);
    }
  else if (ev->proc < self->n_procs && ev->kind < SHMVIZ_EV_SESSION)
    {
      fold_worker (self, ev);
      if (ev->kind == SHMVIZ_EV_WRITE_SLOT || ev->kind == SHMVIZ_EV_READ_SLOT)
        update_slot (self, ev->slot, ev->ts_ns);
    }

  if (n_new > 0)
    {
      guint n_all = 0;
      const ShmvizAnomaly *all = shmviz_ledger_get_anomalies (self->ledger, &n_all);

      for (guint i = n_all - n_new; i < n_all; i++)
        {
          if (all[i].slot >= self->n_slots)
            continue;
          self->slots[all[i].slot].flash = (guint8) (all[i].kind + 1);
          self->slots[all[i].slot].flash_ns = all[i].ts_ns;
        }
    }
}

void
shmviz_model_fold (ShmvizModel       *self,
                   const ShmvizEvent *events,
                   guint              n_events)
{
  g_return_if_fail (self != NULL);
  g_return_if_fail (events != NULL || n_events == 0);

  g_mutex_lock (&self->lock);
  for (guint i = 0; i < n_events; i++)
    fold_one (self, &events[i]);
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
  };

  if ((guint) state < SHMVIZ_N_VIEW_STATES)
    return _(names[state]);
  return _("unknown");
}
