/* session-drain.c — draining the workers' rings and merging them in time order
 *
 * Events from different rings are merged in exact timestamp order, up to
 * a watermark below which no event can still be on its way: a worker
 * takes its timestamp before it publishes the event, so a busy worker may
 * still publish anything stamped after its last published event, while a
 * sleeping one (ShmvizProcBlock.idle) will stamp its next event after we
 * looked.  No lock is shared with the workers.
 *
 * Where the region says so, workers stamp TSC ticks, not ns (layout.h):
 * they are converted here, as they are copied out of the rings, so that
 * the merge, the model, the ledger, recordings and sinks only ever see
 * CLOCK_MONOTONIC ns.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <string.h>

#include "session-private.h"

/* ---- TSC stamps ---------------------------------------------------------- */

/* The slope's first estimate, measured once per process, is good to a few
 * parts in 10⁵: a few ns over one drain interval.  After this much of a
 * session its own life measures better. */
#define TSC_CALIBRATION_US  5000
#define TSC_OWN_SLOPE_NS    (50 * G_GUINT64_CONSTANT (1000000))

#ifdef SHMVIZ_HAVE_TSC
/* A (tick, ns) pair read together: the tightest of a few tries, so that
 * an interrupt between the reads does not make the anchor. */
static void
read_pair (guint64 *tick,
           guint64 *ns)
{
  guint64 best = G_MAXUINT64;

  for (guint i = 0; i < 3; i++)
    {
      guint64 t1 = shmviz_tsc_read_ordered ();
      guint64 m = _shmviz_session_now_ns ();
      guint64 t2 = shmviz_tsc_read_ordered ();

      if (t2 - t1 < best)
        {
          best = t2 - t1;
          *tick = t1 + (t2 - t1) / 2;
          *ns = m;
        }
    }
}

static double
first_slope (void)
{
  static gsize done = 0;
  static double slope;

  if (g_once_init_enter (&done))
    {
      guint64 t0, m0, t1, m1;

      read_pair (&t0, &m0);
      do
        {
          g_usleep (TSC_CALIBRATION_US);
          read_pair (&t1, &m1);
        }
      while (t1 <= t0 || m1 <= m0);
      slope = (double) (m1 - m0) / (double) (t1 - t0);
      g_once_init_leave (&done, 1);
    }
  return slope;
}
#endif

static void
set_mult (ShmvizTscClock *clock)
{
  /* The fast path may step up to 2³¹ ticks back from the anchor and
   * must not need a check for going below 0; below 1 ns a tick (a TSC
   * over 1 GHz), 2³¹ ticks times the multiplier fit 63 bits. */
  clock->mult = clock->ns > 4 * G_GUINT64_CONSTANT (1000000000) && clock->ns_per_tick < 1.0
                ? (gint64) (clock->ns_per_tick * 4294967296.0 + 0.5) : 0;
}

void
_shmviz_tsc_clock_init (ShmvizTscClock *clock,
                        gboolean        tsc)
{
  memset (clock, 0, sizeof *clock);
#ifdef SHMVIZ_HAVE_TSC
  clock->tsc = tsc;
  if (tsc)
    {
      clock->ns_per_tick = first_slope ();
      read_pair (&clock->first_tick, &clock->first_ns);
      clock->tick = clock->first_tick;
      clock->ns = clock->first_ns;
      set_mult (clock);
    }
#else
  g_return_if_fail (!tsc);
#endif
}

/* Only a scribbled stamp is this far off; the drain clamps what we return
 * into order, so it need only stay defined. */
static G_NO_INLINE guint64
far_tick_to_ns (const ShmvizTscClock *clock,
                guint64               stamp)
{
  double d = (double) (gint64) (stamp - clock->tick) * clock->ns_per_tick;

  if (d <= -(double) clock->ns)
    return 0;
  if (d >= (double) (G_MAXINT64 / 2))
    return G_MAXINT64 / 2;
  return clock->ns + (guint64) (gint64) d;
}

/* Ticks within 2³¹ of the anchor (about a second), which is where a
 * drain finds nearly all of them, convert in fixed point with a single
 * range check.  @clock->mult must not be 0. */
static inline guint64
near_tick_to_ns (const ShmvizTscClock *clock,
                 guint64               stamp)
{
  guint64 dt = stamp - clock->tick;
  /* Multiplied unsigned, which cannot overflow into undefined behaviour,
   * before the range is known: in range, it is the signed product. */
  guint64 ns = clock->ns + (guint64) ((gint64) (dt * (guint64) clock->mult) >> 32);

  if (G_UNLIKELY ((dt + G_MAXINT32) >> 32 != 0))
    return far_tick_to_ns (clock, stamp);
  return ns;
}

static inline guint64
tick_to_ns (const ShmvizTscClock *clock,
            guint64               stamp)
{
  if (G_UNLIKELY (clock->mult == 0))
    return far_tick_to_ns (clock, stamp);
  return near_tick_to_ns (clock, stamp);
}

guint64
_shmviz_tsc_clock_to_ns (const ShmvizTscClock *clock,
                         guint64               stamp)
{
  return clock->tsc ? tick_to_ns (clock, stamp) : stamp;
}

guint64
_shmviz_tsc_clock_anchor (ShmvizTscClock *clock)
{
  guint64 now;

#ifdef SHMVIZ_HAVE_TSC
  if (clock->tsc)
    {
      read_pair (&clock->tick, &clock->ns);
      if (clock->ns - clock->first_ns >= TSC_OWN_SLOPE_NS && clock->tick > clock->first_tick)
        clock->ns_per_tick = (double) (clock->ns - clock->first_ns) /
                             (double) (clock->tick - clock->first_tick);
      set_mult (clock);
      return tick_to_ns (clock, shmviz_tsc_read_ordered ());
    }
#endif
  now = _shmviz_session_now_ns ();
#ifdef SHMVIZ_HAVE_TSC
  /* Keeps the loads that follow (the idle flags) from starting before
   * the clock was read. */
  __builtin_ia32_lfence ();
#endif
  return now;
}

/* ---- control events ------------------------------------------------------ */

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
  /* A paused session's thread sleeps long: what the supervisor does (a
   * step, a resume) must wake it, and keep it drawing for a while. */
  self->control_pushed_ns = _shmviz_session_now_ns ();
  g_cond_signal (&self->cond);
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

/* Copies @n events out of a ring, stamped by @proc with ticks, into @dst,
 * each converted and clamped to no earlier than the one before it (or
 * @floor_ts): returns the last stamp.  @near is a constant where it is
 * inlined, so that the loop tests nothing but the range per event. */
static inline guint64
copy_out_ticks (ShmvizEvent          *dst,
                const ShmvizEvent    *src,
                guint                 n,
                guint                 proc,
                const ShmvizTscClock *clock,
                gboolean              near,
                guint64               floor_ts)
{
  for (const ShmvizEvent *end = src + n; src < end; src++, dst++)
    {
      guint64 ts;

      *dst = *src;
      dst->proc = (guint16) proc;
      ts = near ? near_tick_to_ns (clock, dst->ts_ns) : far_tick_to_ns (clock, dst->ts_ns);
      floor_ts = dst->ts_ns = MAX (ts, floor_ts);
    }
  return floor_ts;
}

/* The same for stamps in ns already. */
static inline guint64
copy_out_ns (ShmvizEvent       *dst,
             const ShmvizEvent *src,
             guint              n,
             guint              proc,
             guint64            floor_ts)
{
  for (const ShmvizEvent *end = src + n; src < end; src++, dst++)
    {
      *dst = *src;
      dst->proc = (guint16) proc;
      floor_ts = dst->ts_ns = MAX (dst->ts_ns, floor_ts);
    }
  return floor_ts;
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
  guint64 dropped, head, floor_ts;

  /* Folding slower than the workers produce must not fill our memory:
   * leave the events in the ring, whose writer then waits for room. */
  if (stage->events->len - stage->pos >= MAX (STAGE_MIN_EVENTS, STAGED_MAX_EVENTS / self->n_procs))
    {
      /* Come back soon: the ring may be full, its writer waiting. */
      self->drain_peak = MAX (self->drain_peak, capacity);
      return FALSE;
    }

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
      /* A copy, which the stores to the events cannot alias. */
      const ShmvizTscClock clock = self->clock;
      ShmvizEvent *dst;

      self->drain_peak = MAX (self->drain_peak, n);
      g_array_set_size (stage->events, old_len + n);
      dst = &g_array_index (stage->events, ShmvizEvent, old_len);

      /* Fields from shared memory are untrusted: the ring's owner is fixed,
       * and its stamps never go back (a scribbled one is clamped so the
       * merge stays ordered).  Nor do they go below what was merged:
       * stamped before a stop but published after the merge moved on
       * without the stopped process, or converted from ticks by an anchor
       * a few ns off the last one.  Each event is checked as it is copied
       * out, in one pass over it: the checks read only our copy. */
      floor_ts = MAX (self->last_ts[index], self->merged_ts);
      if (clock.tsc && clock.mult != 0)
        {
          floor_ts = copy_out_ticks (dst, &p->events[first], n1, index, &clock, TRUE, floor_ts);
          floor_ts = copy_out_ticks (dst + n1, &p->events[0], n - n1, index, &clock, TRUE, floor_ts);
        }
      else if (clock.tsc)
        {
          floor_ts = copy_out_ticks (dst, &p->events[first], n1, index, &clock, FALSE, floor_ts);
          floor_ts = copy_out_ticks (dst + n1, &p->events[0], n - n1, index, &clock, FALSE, floor_ts);
        }
      else
        {
          floor_ts = copy_out_ns (dst, &p->events[first], n1, index, floor_ts);
          floor_ts = copy_out_ns (dst + n1, &p->events[0], n - n1, index, floor_ts);
        }
      self->last_ts[index] = floor_ts;

      /* It ran since we last saw it stopped: a later stop is news again. */
      self->stopped[index] = FALSE;
      atomic_store_explicit (&p->tail, head, memory_order_release);
      self->tails[index] = head;
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

/* A binary heap of stages, ordered by their next event's time, which each
 * entry carries so that sifting compares without looking into the
 * stages: with many processes the merge takes short runs, one sift each. */
typedef struct {
  guint64 ts;
  guint   stage;
} HeapEntry;

static inline guint64
stage_ts (ShmvizSession *self,
          guint          s)
{
  Stage *st = &self->stages[s];

  return g_array_index (st->events, ShmvizEvent, st->pos).ts_ns;
}

static void
heap_sift_down (HeapEntry *heap,
                guint      n,
                guint      i)
{
  HeapEntry e = heap[i];

  for (;;)
    {
      guint l = 2 * i + 1, r = l + 1, m;

      if (l >= n)
        break;
      m = r < n && heap[r].ts < heap[l].ts ? r : l;
      if (heap[m].ts >= e.ts)
        break;
      heap[i] = heap[m];
      i = m;
    }
  heap[i] = e;
}

static void
merge_up_to (ShmvizSession *self,
             guint64        watermark)
{
  guint n_stages = self->n_procs + 1;
  g_autofree HeapEntry *heap = g_new (HeapEntry, n_stages);
  ShmvizEvent *out;
  guint n = 0, len = 0;

  /* Room for a whole batch, kept from merge to merge: the runs are copied
   * in place, with no call per run and no growth. */
  g_array_set_size (self->batch, MERGE_MAX_EVENTS);
  out = (ShmvizEvent *) self->batch->data;

  for (guint s = 0; s < n_stages; s++)
    if (self->stages[s].pos < self->stages[s].events->len)
      heap[n++] = (HeapEntry) { stage_ts (self, s), s };
  for (guint i = n / 2; i-- > 0;)
    heap_sift_down (heap, n, i);

  while (n > 0 && len < MERGE_MAX_EVENTS)
    {
      Stage *st = &self->stages[heap[0].stage];
      const ShmvizEvent *evs = (const ShmvizEvent *) st->events->data;
      const ShmvizEvent *first = &evs[st->pos];
      const ShmvizEvent *stop = &evs[MIN (st->events->len, st->pos + (MERGE_MAX_EVENTS - len))];
      const ShmvizEvent *e = first;
      ShmvizEvent *o = &out[len];
      guint64 limit = watermark;
      guint run;

      if (heap[0].ts > watermark)
        break;

      /* Take the whole run that sorts before every other stage's next
       * event at once: one process often has many events in a row.  Its
       * first event is the heap's smallest, under the watermark. */
      if (n > 1)
        limit = MIN (limit, heap[1].ts);
      if (n > 2)
        limit = MIN (limit, heap[2].ts);
      /* Copied as it is scanned: each event is read once, and a short run
       * (many processes make short runs) costs no call. */
      do
        *o++ = *e++;
      while (e < stop && e->ts_ns <= limit);
      run = (guint) (e - first);
      len += run;

      st->pos += run;
      if (st->pos >= st->events->len)
        heap[0] = heap[--n];
      else
        heap[0].ts = e->ts_ns;
      heap_sift_down (heap, n, 0);
    }

  for (guint s = 0; s < n_stages; s++)
    {
      Stage *st = &self->stages[s];

      if (st->pos == st->events->len)
        {
          g_array_set_size (st->events, 0);
          st->pos = 0;
        }
      /* Moves at most a third of an event per event merged. */
      else if (st->pos > 4096 && st->pos >= st->events->len / 4 * 3)
        {
          g_array_remove_range (st->events, 0, st->pos);
          st->pos = 0;
        }
    }

  g_array_set_size (self->batch, len);
  if (len == 0)
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
  /* Also the anchor of the conversion of what we drain now. */
  guint64 now = _shmviz_tsc_clock_anchor (&self->clock);
  guint64 watermark = final ? G_MAXUINT64 : now;
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
