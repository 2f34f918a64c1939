/* session-drain.c — draining the workers' rings and merging them in time order
 *
 * Events from different rings are merged in exact timestamp order, up to
 * a watermark below which no event can still be on its way: a worker
 * takes its timestamp before it publishes the event, so a busy worker may
 * still publish anything stamped after its last published event, while a
 * sleeping one (ShmvizProcBlock.idle) will stamp its next event after we
 * looked.  No lock is shared with the workers.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <string.h>

#include "session-private.h"

/* Adds a supervisor event stamped @ts_ns (0: now); any thread.  An
 * event stamped before it was pushed, like SPAWNED, which must precede
 * everything the new process does, is kept in order by insertion. */
void
_shmviz_session_push_control_at (ShmvizSession *self,
                 guint64        ts_ns,
                 guint8         kind,
                 guint8         detail,
                 guint16        slot,
                 guint16        value,
                 guint64        item,
                 guint64        other)
{
  ShmvizEvent ev = {
    .proc = SHMVIZ_PROC_SUPERVISOR,
    .kind = kind,
    .detail = detail,
    .slot = slot,
    .value = value,
    .item = item,
    .other = other,
  };
  guint i;

  g_mutex_lock (&self->lock);
  ev.ts_ns = ts_ns ? ts_ns : _shmviz_session_now_ns ();
  for (i = self->control_events->len;
       i > 0 && g_array_index (self->control_events, ShmvizEvent, i - 1).ts_ns > ev.ts_ns;
       i--)
    ;
  g_array_insert_val (self->control_events, i, ev);
  if (self->control_floor == ev.ts_ns)
    self->control_floor = 0;
  g_mutex_unlock (&self->lock);
}

/* Stamps an event that will be pushed later, holding the merge below it
 * until then. */
guint64
_shmviz_session_reserve_control_ts (ShmvizSession *self)
{
  guint64 ts;

  g_mutex_lock (&self->lock);
  ts = _shmviz_session_now_ns ();
  self->control_floor = ts;
  g_mutex_unlock (&self->lock);
  return ts;
}

void
_shmviz_session_push_control (ShmvizSession *self,
              guint8         kind,
              guint8         detail,
              guint16        slot,
              guint16        value,
              guint64        item,
              guint64        other)
{
  _shmviz_session_push_control_at (self, 0, kind, detail, slot, value, item, other);
}

/* Returns FALSE when it left events in the ring on purpose. */
static gboolean
drain_ring (ShmvizSession *self,
            guint          index)
{
  ShmvizProcBlock *p = shmviz_region_proc (self->region, index);
  guint capacity = shmviz_region_ring_capacity (self->region);
  guint64 mask = capacity - 1;
  guint64 tail = self->tails[index];
  Stage *stage = &self->stages[index];
  guint64 dropped, head;

  /* Folding slower than the workers produce must not fill our memory:
   * leave the events in the ring, whose writer then waits for room. */
  if (stage->events->len - stage->pos >= MAX (STAGE_MIN_EVENTS, STAGED_MAX_EVENTS / self->n_procs))
    return FALSE;

  head = atomic_load_explicit (&p->head, memory_order_acquire);
  dropped = atomic_load_explicit (&p->dropped, memory_order_relaxed);

  if (head - tail > capacity)
    {
      /* The writer's head is not where a ring can be: someone scribbled on
       * the region.  Skip to it rather than read nonsense as events. */
      _shmviz_session_push_control (self, SHMVIZ_EV_DROPPED, 1, (guint16) index, 0, 0, 0);
      self->tails[index] = head;
      atomic_store_explicit (&p->tail, head, memory_order_release);
      return TRUE;
    }

  if (head != tail)
    {
      guint first = (guint) (tail & mask);
      guint n = (guint) (head - tail);
      guint n1 = MIN (n, capacity - first);
      guint old_len = stage->events->len;
      ShmvizEvent *dst;

      g_array_set_size (stage->events, old_len + n);
      dst = &g_array_index (stage->events, ShmvizEvent, old_len);
      memcpy (dst, &p->events[first], n1 * sizeof (ShmvizEvent));
      memcpy (dst + n1, &p->events[0], (n - n1) * sizeof (ShmvizEvent));
      /* It ran since we last saw it stopped: a later stop is news again. */
      self->stopped[index] = FALSE;
      atomic_store_explicit (&p->tail, head, memory_order_release);
      self->tails[index] = head;

      /* Fields from shared memory are untrusted: the ring's owner is fixed,
       * and its stamps never go back (a scribbled one is clamped so the
       * merge stays ordered). */
      for (guint i = 0; i < n; i++)
        {
          dst[i].proc = (guint16) index;
          if (dst[i].ts_ns < self->last_ts[index])
            dst[i].ts_ns = self->last_ts[index];
          /* Stamped before a stop but published after the merge moved on
           * without the stopped process: keep the stream ordered. */
          if (dst[i].ts_ns < self->merged_ts)
            dst[i].ts_ns = self->merged_ts;
          self->last_ts[index] = dst[i].ts_ns;
        }
    }

  if (dropped != self->dropped_seen[index])
    {
      _shmviz_session_push_control (self, SHMVIZ_EV_DROPPED, 0, (guint16) index, 0, 0,
                    dropped - self->dropped_seen[index]);
      self->dropped_seen[index] = dropped;
    }
  return TRUE;
}

static gint
compare_ts (gconstpointer a,
            gconstpointer b,
            gpointer      unused)
{
  const ShmvizEvent *ea = a, *eb = b;

  return (ea->ts_ns > eb->ts_ns) - (ea->ts_ns < eb->ts_ns);
}

/* Returns the floor of back-dated supervisor events still to come. */
static guint64
take_control_events (ShmvizSession *self)
{
  Stage *stage = &self->stages[self->n_procs];
  guint old_len = stage->events->len;
  guint64 floor;

  g_mutex_lock (&self->lock);
  if (self->control_events->len > 0)
    {
      g_array_append_vals (stage->events, self->control_events->data, self->control_events->len);
      g_array_set_size (self->control_events, 0);
    }
  floor = self->control_floor;
  g_mutex_unlock (&self->lock);

  /* A back-dated event may sort before ones staged earlier but not yet
   * merged; what was merged already is older than any watermark since. */
  if (old_len > stage->pos && stage->events->len > old_len &&
      g_array_index (stage->events, ShmvizEvent, old_len).ts_ns <
      g_array_index (stage->events, ShmvizEvent, old_len - 1).ts_ns)
    g_qsort_with_data (&g_array_index (stage->events, ShmvizEvent, stage->pos),
                       stage->events->len - stage->pos, sizeof (ShmvizEvent),
                       compare_ts, NULL);
  return floor;
}

/* A binary heap of stage indices, ordered by their next event's time. */
static inline guint64
stage_ts (ShmvizSession *self,
          guint          s)
{
  Stage *st = &self->stages[s];

  return g_array_index (st->events, ShmvizEvent, st->pos).ts_ns;
}

static void
heap_sift_down (ShmvizSession *self,
                guint         *heap,
                guint          n,
                guint          i)
{
  for (;;)
    {
      guint l = 2 * i + 1, r = l + 1, m = i;

      if (l < n && stage_ts (self, heap[l]) < stage_ts (self, heap[m]))
        m = l;
      if (r < n && stage_ts (self, heap[r]) < stage_ts (self, heap[m]))
        m = r;
      if (m == i)
        return;
      { guint t = heap[i]; heap[i] = heap[m]; heap[m] = t; }
      i = m;
    }
}

static void
merge_up_to (ShmvizSession *self,
             guint64        watermark)
{
  guint n_stages = self->n_procs + 1;
  g_autofree guint *heap = g_new (guint, n_stages);
  guint n = 0;

  g_array_set_size (self->batch, 0);

  for (guint s = 0; s < n_stages; s++)
    if (self->stages[s].pos < self->stages[s].events->len)
      heap[n++] = s;
  for (guint i = n / 2; i-- > 0;)
    heap_sift_down (self, heap, n, i);

  while (n > 0 && self->batch->len < MERGE_MAX_EVENTS)
    {
      guint s = heap[0];
      Stage *st = &self->stages[s];
      const ShmvizEvent *evs = (const ShmvizEvent *) st->events->data;
      guint64 limit = watermark;
      guint end = st->pos;

      if (evs[st->pos].ts_ns > watermark)
        break;

      /* Take the whole run that sorts before every other stage's next
       * event at once: one process often has many events in a row. */
      if (n > 1)
        limit = MIN (limit, stage_ts (self, heap[1]));
      if (n > 2)
        limit = MIN (limit, stage_ts (self, heap[2]));
      do
        end++;
      while (end < st->events->len && evs[end].ts_ns <= limit &&
             self->batch->len + (end - st->pos) < MERGE_MAX_EVENTS);

      g_array_append_vals (self->batch, &evs[st->pos], end - st->pos);
      st->pos = end;
      if (st->pos >= st->events->len)
        heap[0] = heap[--n];
      heap_sift_down (self, heap, n, 0);
    }

  for (guint s = 0; s < n_stages; s++)
    {
      Stage *st = &self->stages[s];

      if (st->pos == st->events->len)
        {
          g_array_set_size (st->events, 0);
          st->pos = 0;
        }
      else if (st->pos > 4096 && st->pos > st->events->len / 2)
        {
          g_array_remove_range (st->events, 0, st->pos);
          st->pos = 0;
        }
    }

  if (self->batch->len == 0)
    return;

  g_mutex_lock (&self->lock);
  for (guint i = 0; i < self->sinks->len; i++)
    {
      Sink *sink = &g_array_index (self->sinks, Sink, i);
      sink->func ((const ShmvizEvent *) self->batch->data, self->batch->len, sink->data);
    }
  g_mutex_unlock (&self->lock);

  self->merged_ts = MAX (self->merged_ts,
                         g_array_index (self->batch, ShmvizEvent, self->batch->len - 1).ts_ns);
  shmviz_model_fold (self->model, (const ShmvizEvent *) self->batch->data, self->batch->len);
}

/* Drains every ring and merges what is safe to merge: everything when
 * @final (all workers exited), else up to the watermark.  Returns TRUE
 * while a backlog remains. */
gboolean
_shmviz_session_drain_and_merge (ShmvizSession *self,
                 gboolean       final)
{
  guint64 watermark = final ? G_MAXUINT64 : _shmviz_session_now_ns ();
  guint64 floor;

  for (guint i = 0; i < self->n_procs; i++)
    {
      ShmvizProcBlock *p = shmviz_region_proc (self->region, i);
      /* Read before draining: if it was asleep, anything it publishes
       * after this is stamped later than the watermark. */
      gboolean idle = atomic_load_explicit (&p->idle, memory_order_seq_cst) != 0;

      /* Events left in a ring for back-pressure bound the merge too,
       * whether or not their writer sleeps. */
      gboolean drained = drain_ring (self, i);

      /* A process stopped by a signal may sit on an event it stamped and
       * not yet published for as long as it is stopped; waiting for it
       * would freeze the whole picture, so it does not bound the merge
       * (what it publishes late is stamped on at the merge's time). */
      if (!final && (!drained ||
                     (!idle && !_shmviz_session_proc_gone (self, i) && !self->stopped[i])))
        watermark = MIN (watermark, self->last_ts[i]);
    }
  floor = take_control_events (self);
  if (floor != 0 && !final)
    watermark = MIN (watermark, floor - 1);

  merge_up_to (self, watermark);
  return self->batch->len >= MERGE_MAX_EVENTS;
}
