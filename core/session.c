/* session.c — one live run: region, worker processes, drain thread, model
 *
 * Threads:
 *  - the owner's main context spawns workers, learns of their deaths from
 *    child watches, and emits every signal;
 *  - the session thread drains the workers' event rings, merges them by
 *    timestamp, feeds sinks and the model, runs barriers and watches for
 *    stalls.  It never waits for the main context.
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

#include <errno.h>
#include <glib/gi18n.h>
#include <linux/futex.h>
#include <signal.h>
#include <string.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "lockfree.h"
#include "region.h"
#include "session-private.h"
#include "session.h"
#include "worker.h"

#define DRAIN_INTERVAL_US   1000
/* Folding is the slow part: bound it per round so that the rings, which
 * are cheap to copy out, are emptied often whatever the backlog. */
#define MERGE_MAX_EVENTS    32768
/* Unmerged events staged in all (32 MiB) and per ring at least: beyond,
 * back-pressure. */
#define STAGED_MAX_EVENTS   (1024 * 1024)
#define STAGE_MIN_EVENTS    (16 * 1024)
#define STALL_NS            (300 * G_GUINT64_CONSTANT (1000000))
#define STALL_CHECK_NS      (20 * G_GUINT64_CONSTANT (1000000))
#define BARRIER_TIMEOUT_NS  (3 * G_GUINT64_CONSTANT (1000000000))
#define STOP_GRACE_MS       1000
#define WATCHDOG_NS         (2 * G_GUINT64_CONSTANT (1000000000))
#define STOPPED_POLL_NS     (200 * G_GUINT64_CONSTANT (1000000))
/* With a fixed number of items, how long consumers may make no progress
 * after the last producer finished before the run counts as drained. */
#define DRAIN_QUIET_NS      (500 * G_GUINT64_CONSTANT (1000000))

typedef struct {
  GArray *events;   /* ShmvizEvent, sorted by ts_ns */
  guint   pos;      /* first not yet merged */
} Stage;

typedef struct {
  ShmvizEventSink func;
  gpointer        data;
} Sink;

typedef enum {
  REQUEST_MODE,
} RequestKind;

typedef struct {
  RequestKind kind;
  guint       value;
} Request;

struct _ShmvizSession
{
  GObject         parent_instance;

  ShmvizScenario  scenario;
  ShmvizRegion   *region;
  ShmvizModel    *model;
  GMainContext   *main_context;
  char           *worker_path;

  guint           n_procs;
  GPid           *pids;
  guint          *child_watches;
  gint           *gone;            /* atomic: reaped */
  guint           n_alive;
  guint           kill_source;
  guint           duration_source;

  gboolean        running;
  gboolean        stopping;
  gboolean        finished;
  ShmvizSyncMode  mode;
  gboolean        paused;
  guint           speed;

  /* Shared with the session thread, under lock. */
  GMutex          lock;
  GCond           cond;
  GThread        *thread;
  gboolean        thread_quit;
  GQueue          requests;
  GArray         *control_events;  /* supervisor events not yet merged */
  guint64         control_floor;   /* a back-dated event stamped this is coming; 0 none */
  GArray         *sinks;

  /* Session thread only. */
  Stage          *stages;          /* n_procs + 1: the last is the supervisor's */
  guint64        *tails;
  guint64        *last_ts;         /* newest event drained from each ring */
  guint64        *dropped_seen;
  GArray         *batch;
  gboolean        barrier_active;
  guint32         barrier_epoch;
  guint           barrier_mode;
  guint64         barrier_deadline;
  guint64         last_stall_check;
  gboolean        deadlock_reported;
  guint64         producers_done_at;
  gboolean        drained_reported;
  guint64         watchdog_ns;
  guint64         watch_since;
  guint64         last_stopped_poll;
  gboolean       *stopped;         /* seen in state T in /proc */
  gboolean        stall_reported;

  /* Main context only. */
  char          **death_messages;  /* n_procs, NULL while alive */
};

enum {
  PROP_0,
  PROP_MODE,
  PROP_PAUSED,
  PROP_SPEED,
  PROP_RUNNING,
  N_PROPS
};

enum {
  FINISHED,
  PROCESS_DIED,
  DEADLOCK,
  ERROR,
  STALLED,
  N_SIGNALS
};

static GParamSpec *properties[N_PROPS];
static guint signals[N_SIGNALS];

G_DEFINE_FINAL_TYPE (ShmvizSession, shmviz_session, G_TYPE_OBJECT)
G_DEFINE_QUARK (shmviz-session-error-quark, shmviz_session_error)

static guint64
now_ns (void)
{
  return (guint64) g_get_monotonic_time () * 1000u;
}

static guint64
precise_now_ns (void)
{
  struct timespec ts;

  clock_gettime (CLOCK_MONOTONIC, &ts);
  return (guint64) ts.tv_sec * G_GUINT64_CONSTANT (1000000000) + (guint64) ts.tv_nsec;
}

static void
wake_workers (ShmvizSession *self)
{
  ShmvizRegionHeader *h = shmviz_region_header (self->region);

  atomic_fetch_add (&h->wake, 1);
  syscall (SYS_futex, (uint32_t *) &h->wake, FUTEX_WAKE, G_MAXINT, NULL, NULL, 0);
}

/* Adds a supervisor event stamped @ts_ns (0: now); any thread.  An
 * event stamped before it was pushed, like SPAWNED, which must precede
 * everything the new process does, is kept in order by insertion. */
static void
push_control_at (ShmvizSession *self,
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
  ev.ts_ns = ts_ns ? ts_ns : precise_now_ns ();
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
static guint64
reserve_control_ts (ShmvizSession *self)
{
  guint64 ts;

  g_mutex_lock (&self->lock);
  ts = precise_now_ns ();
  self->control_floor = ts;
  g_mutex_unlock (&self->lock);
  return ts;
}

static void
push_control (ShmvizSession *self,
              guint8         kind,
              guint8         detail,
              guint16        slot,
              guint16        value,
              guint64        item,
              guint64        other)
{
  push_control_at (self, 0, kind, detail, slot, value, item, other);
}

/* ---- main-context notifications ---------------------------------------- */

typedef struct {
  ShmvizSession *self;
  guint          what;
  GError        *error;
  char          *message;
} Notify;

enum { NOTIFY_MODE, NOTIFY_DEADLOCK, NOTIFY_ERROR, NOTIFY_DRAINED, NOTIFY_STALLED };

static gboolean
notify_in_main (gpointer data)
{
  Notify *n = data;
  ShmvizSession *self = n->self;

  /* News from the session thread that arrives after the end is stale. */
  if (self->finished && n->what != NOTIFY_MODE)
    return G_SOURCE_REMOVE;

  switch (n->what)
    {
    case NOTIFY_MODE:
      g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_MODE]);
      break;
    case NOTIFY_DEADLOCK:
      g_signal_emit (self, signals[DEADLOCK], 0);
      break;
    case NOTIFY_ERROR:
      g_signal_emit (self, signals[ERROR], 0, n->error);
      break;
    case NOTIFY_DRAINED:
      shmviz_session_stop (self);
      break;
    case NOTIFY_STALLED:
      g_signal_emit (self, signals[STALLED], 0, n->message);
      break;
    default:
      g_assert_not_reached ();
    }
  return G_SOURCE_REMOVE;
}

static void
notify_free (gpointer data)
{
  Notify *n = data;

  g_clear_error (&n->error);
  g_free (n->message);
  g_object_unref (n->self);
  g_free (n);
}

static void
notify_main_full (ShmvizSession *self,
                  guint          what,
                  GError        *error,
                  char          *message)
{
  Notify *n = g_new0 (Notify, 1);

  n->self = g_object_ref (self);
  n->what = what;
  n->error = error;
  n->message = message;
  g_main_context_invoke_full (self->main_context, G_PRIORITY_DEFAULT,
                              notify_in_main, n, notify_free);
}

static void
notify_main (ShmvizSession *self,
             guint          what,
             GError        *error)
{
  notify_main_full (self, what, error, NULL);
}

/* ---- session thread ---------------------------------------------------- */

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
      push_control (self, SHMVIZ_EV_DROPPED, 1, (guint16) index, 0, 0, 0);
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
          self->last_ts[index] = dst[i].ts_ns;
        }
    }

  if (dropped != self->dropped_seen[index])
    {
      push_control (self, SHMVIZ_EV_DROPPED, 0, (guint16) index, 0, 0,
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

  shmviz_model_fold (self->model, (const ShmvizEvent *) self->batch->data, self->batch->len);
}

static gboolean proc_gone (ShmvizSession *self, guint i);

/* Drains every ring and merges what is safe to merge: everything when
 * @final (all workers exited), else up to the watermark.  Returns TRUE
 * while a backlog remains. */
static gboolean
drain_and_merge (ShmvizSession *self,
                 gboolean       final)
{
  guint64 watermark = final ? G_MAXUINT64 : precise_now_ns ();
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

      if (!final && (!drained || (!idle && !proc_gone (self, i))))
        watermark = MIN (watermark, self->last_ts[i]);
    }
  floor = take_control_events (self);
  if (floor != 0 && !final)
    watermark = MIN (watermark, floor - 1);

  merge_up_to (self, watermark);
  return self->batch->len >= MERGE_MAX_EVENTS;
}

static gboolean
proc_gone (ShmvizSession *self,
           guint          i)
{
  return g_atomic_int_get (&self->gone[i]) != 0;
}

static void
begin_barrier (ShmvizSession *self,
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
  self->barrier_deadline = now_ns () + BARRIER_TIMEOUT_NS;
  wake_workers (self);
}

typedef struct {
  guint   from;
  guint64 item;
  guint32 checksum;
} Kept;

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
      guint32 state = atomic_load (&slot->state);

      if (state == SHMVIZ_SLOT_FULL)
        {
          kept[count].from = i;
          kept[count].item = atomic_load (&slot->item);
          kept[count].checksum = slot->checksum;
          count++;
        }
      else if (state != SHMVIZ_SLOT_EMPTY)
        {
          push_control (self, SHMVIZ_EV_SLOT_CLEARED, (guint8) state, (guint16) i, 0,
                        atomic_load (&slot->item), 0);
          atomic_store (&slot->state, SHMVIZ_SLOT_EMPTY);
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
              atomic_store (&slot->item, kept[k].item);
              push_control (self, SHMVIZ_EV_SLOT_MOVED, 0, (guint16) i, (guint16) kept[k].from,
                            kept[k].item, 0);
            }
          atomic_store (&slot->state, SHMVIZ_SLOT_FULL);
        }
      else
        atomic_store (&slot->state, SHMVIZ_SLOT_EMPTY);
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

  push_control (self, SHMVIZ_EV_RESYNC, 0, 0, (guint16) count, 0,
                SHMVIZ_PACK_INDICES ((out + count) % n, out, count));
}

static void
progress_barrier (ShmvizSession *self)
{
  ShmvizRegionHeader *h = shmviz_region_header (self->region);
  GString *late = NULL;
  gboolean all_parked = TRUE;

  for (guint i = 0; i < self->n_procs; i++)
    {
      ShmvizProcBlock *p = shmviz_region_proc (self->region, i);

      if (proc_gone (self, i) || atomic_load (&p->state) == SHMVIZ_PROC_STATE_EXITED)
        continue;
      if (atomic_load_explicit (&p->parked_epoch, memory_order_acquire) != self->barrier_epoch)
        {
          all_parked = FALSE;
          if (now_ns () > self->barrier_deadline)
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
      push_control (self, SHMVIZ_EV_MODE, 0, 0, (guint16) self->barrier_mode, 0, 0);
    }
  else
    {
      /* A stopped process cannot park, and rebuilding under it would be a
       * lie: leave everything as it is and say who held things up. */
      notify_main (self, NOTIFY_ERROR,
                   g_error_new (SHMVIZ_SESSION_ERROR, SHMVIZ_SESSION_ERROR_BUSY,
                                _("Could not change the synchronization mode: %s did not reach a safe point "
                                  "(stopped or stuck?)"), late->str));
      g_string_free (late, TRUE);
    }

  atomic_store (&h->released_epoch, self->barrier_epoch);
  wake_workers (self);
  self->barrier_active = FALSE;
  notify_main (self, NOTIFY_MODE, NULL);
}

/* 'T' (stopped by a signal) or 't' (stopped by a tracer) in /proc/PID/stat. */
static gboolean
pid_is_stopped (GPid pid)
{
  g_autofree char *path = g_strdup_printf ("/proc/%d/stat", (int) pid);
  g_autofree char *contents = NULL;
  const char *p;

  if (pid <= 0 || !g_file_get_contents (path, &contents, NULL, NULL))
    return FALSE;
  if (!(p = strrchr (contents, ')')) || p[1] != ' ')
    return FALSE;
  return p[2] == 'T' || p[2] == 't';
}

/* A stopped process records nothing, so its state is learnt from the
 * kernel, and only the kernel calls it dead. */
static void
poll_stopped (ShmvizSession *self,
              guint64        now)
{
  if (now - self->last_stopped_poll < STOPPED_POLL_NS)
    return;
  self->last_stopped_poll = now;

  for (guint i = 0; i < self->n_procs; i++)
    {
      GPid pid = g_atomic_int_get (&self->pids[i]);
      gboolean stopped = !proc_gone (self, i) && pid_is_stopped (pid);

      if (stopped != self->stopped[i])
        {
          self->stopped[i] = stopped;
          push_control (self, SHMVIZ_EV_STOPPED, 0, (guint16) i, stopped ? 1 : 0, 0, 0);
        }
    }
}

static const char *
held_words (guint held)
{
  if (held & SHMVIZ_HELD_MUTEX)
    return _("the mutex");
  if (held & SHMVIZ_HELD_EMPTY)
    return _("an empty-slot token");
  if (held & SHMVIZ_HELD_FULL)
    return _("a full-slot token");
  return NULL;
}

/* Nobody has progressed for the watchdog's time: say who is stopped and
 * who waits, so a frozen demo explains itself. */
static char *
describe_stall (ShmvizSession *self)
{
  g_autoptr(GString) stopped = g_string_new (NULL);
  g_autoptr(GString) waiting = g_string_new (NULL);
  guint n_stopped = 0, n_waiting = 0;

  for (guint i = 0; i < self->n_procs; i++)
    {
      ShmvizProcBlock *p = shmviz_region_proc (self->region, i);
      g_autofree char *label = shmviz_proc_label (i, self->scenario.n_producers);
      guint32 state = atomic_load (&p->state);

      if (proc_gone (self, i) || state == SHMVIZ_PROC_STATE_EXITED)
        continue;
      if (self->stopped[i])
        {
          const char *held = held_words (atomic_load (&p->held) & 7);

          if (n_stopped++)
            g_string_append (stopped, ", ");
          if (held)
            /* Translators: "C1 (holding the mutex)" */
            g_string_append_printf (stopped, _("%s (holding %s)"), label, held);
          else
            g_string_append (stopped, label);
        }
      else if (state == SHMVIZ_PROC_STATE_ACQUIRING)
        {
          guint32 sem = atomic_load (&p->wait_sem);

          if (n_waiting++)
            g_string_append (waiting, ", ");
          /* Translators: "P1 on empty" */
          g_string_append_printf (waiting, _("%s on %s"), label, shmviz_sem_name (sem));
        }
    }

  if (n_stopped > 0 && n_waiting > 0)
    return g_strdup_printf (_("Nobody has made progress for %.1f s: %s %s stopped by a signal, "
                              "and %s %s waiting (%s). Send SIGCONT or kill it to go on."),
                            self->watchdog_ns / 1e9, stopped->str,
                            n_stopped == 1 ? _("is") : _("are"),
                            n_waiting == 1 ? _("one process") : _("the others"),
                            n_waiting == 1 ? _("is") : _("are"), waiting->str);
  if (n_stopped > 0)
    return g_strdup_printf (_("Nobody has made progress for %.1f s: %s %s stopped by a signal."),
                            self->watchdog_ns / 1e9, stopped->str, n_stopped == 1 ? _("is") : _("are"));
  if (n_waiting > 0)
    return g_strdup_printf (_("Nobody has made progress for %.1f s: every process is waiting (%s)."),
                            self->watchdog_ns / 1e9, waiting->str);
  return g_strdup_printf (_("Nobody has made progress for %.1f s."), self->watchdog_ns / 1e9);
}

static void
check_watchdog (ShmvizSession *self,
                guint64        now)
{
  /* Not before the start, a pause or a barrier: nobody moved then by
   * design. */
  guint64 newest = self->watch_since;
  gboolean any_live = FALSE;

  for (guint i = 0; i < self->n_procs; i++)
    {
      newest = MAX (newest, self->last_ts[i]);
      any_live |= !proc_gone (self, i);
    }

  /* Progress, or a state in which nobody is supposed to move. */
  if (g_atomic_int_get (&self->paused) || self->barrier_active)
    {
      self->watch_since = now;
      return;
    }
  if (newest + self->watchdog_ns > now || !any_live)
    {
      if (newest + self->watchdog_ns > now)
        self->stall_reported = FALSE;
      return;
    }
  if (self->stall_reported || shmviz_model_in_deadlock (self->model))
    return;

  self->stall_reported = TRUE;
  notify_main_full (self, NOTIFY_STALLED, NULL, describe_stall (self));
}

static void
check_progress (ShmvizSession *self,
                guint64        now)
{
  ShmvizTotals totals;
  gboolean producers_done = TRUE;
  gboolean drained = FALSE;

  if (now - self->last_stall_check < STALL_CHECK_NS)
    return;
  self->last_stall_check = now;

  if (shmviz_model_check_stall (self->model, now, STALL_NS) > 0 && !self->deadlock_reported)
    {
      self->deadlock_reported = TRUE;
      notify_main (self, NOTIFY_DEADLOCK, NULL);
    }
  /* A later, different deadlock (after a recovery) is news again. */
  if (self->deadlock_reported && !shmviz_model_in_deadlock (self->model))
    self->deadlock_reported = FALSE;

  poll_stopped (self, now);
  check_watchdog (self, now);

  if (self->scenario.items == 0 || self->drained_reported)
    return;

  /* A run of N items ends when producers are done and the buffer has
   * drained (or, unsynchronized, when consumers stop finding anything). */
  for (guint i = 0; i < self->scenario.n_producers; i++)
    {
      ShmvizProcBlock *p = shmviz_region_proc (self->region, i);

      if (!proc_gone (self, i) && atomic_load (&p->state) != SHMVIZ_PROC_STATE_EXITED)
        producers_done = FALSE;
    }
  if (!producers_done)
    return;
  if (self->producers_done_at == 0)
    self->producers_done_at = now;

  shmviz_model_get_totals (self->model, &totals);
  if (self->scenario.instrument
      ? (totals.in_buffer == 0 && totals.produced >= self->scenario.items)
      : shmviz_session_count_items (self, TRUE) >= shmviz_session_count_items (self, FALSE))
    drained = TRUE;
  if (drained || now - self->producers_done_at > DRAIN_QUIET_NS * 4)
    {
      self->drained_reported = TRUE;
      notify_main (self, NOTIFY_DRAINED, NULL);
    }
}

static gpointer
session_thread (gpointer data)
{
  ShmvizSession *self = data;

  self->watch_since = precise_now_ns ();

  for (;;)
    {
      gboolean quit, backlog;
      Request *req;
      guint64 now;

      g_mutex_lock (&self->lock);
      quit = self->thread_quit;
      while ((req = g_queue_pop_head (&self->requests)))
        {
          g_mutex_unlock (&self->lock);
          if (req->kind == REQUEST_MODE && !quit)
            begin_barrier (self, req->value);
          g_free (req);
          g_mutex_lock (&self->lock);
        }
      g_mutex_unlock (&self->lock);

      if (quit)
        {
          /* Everyone has exited: whatever is in the rings is final. */
          while (drain_and_merge (self, TRUE))
            ;
          break;
        }

      backlog = drain_and_merge (self, FALSE);
      now = precise_now_ns ();

      if (self->barrier_active)
        progress_barrier (self);
      check_progress (self, now);

      if (backlog)
        continue;

      g_mutex_lock (&self->lock);
      if (!self->thread_quit && self->requests.length == 0)
        g_cond_wait_until (&self->cond, &self->lock,
                           g_get_monotonic_time () + DRAIN_INTERVAL_US);
      g_mutex_unlock (&self->lock);
    }

  return NULL;
}

/* ---- processes ---------------------------------------------------------- */

static void finish (ShmvizSession *self);

typedef struct {
  ShmvizSession *self;   /* weak: the session removes its watches before it goes */
  guint          index;
} Child;

/* What the dead process held, from its own block in the region (POSIX
 * semaphores have no owner to ask), and what it was doing, from the model. */
static char *
describe_death (ShmvizSession *self,
                guint          i,
                gint           status,
                gboolean       signaled)
{
  ShmvizProcBlock *p = shmviz_region_proc (self->region, i);
  g_autofree char *label = shmviz_proc_label (i, self->scenario.n_producers);
  g_autofree char *how = NULL;
  const char *held = held_words (atomic_load (&p->held) & 7);

  if (signaled)
    how = g_strdup_printf (_("%s was killed by signal %d (%s)"), label, status, g_strsignal (status));
  else if (status == SHMVIZ_WORKER_EXIT_CORRUPT)
    how = g_strdup_printf (_("%s found the shared region corrupt and detached"), label);
  else
    how = g_strdup_printf (_("%s exited with status %d"), label, status);

  if (held && (atomic_load (&p->held) & SHMVIZ_HELD_MUTEX))
    return g_strdup_printf (_("%s while holding the mutex: whoever waits for it is now blocked. "
                              "Recover to rebuild the semaphores from the buffer."), how);
  if (held)
    return g_strdup_printf (_("%s while holding %s."), how, held);
  return g_strdup_printf ("%s.", how);
}

static void
child_exited (GPid     pid,
              gint     wait_status,
              gpointer data)
{
  Child *child = data;
  ShmvizSession *self = child->self;
  guint i = child->index;
  gboolean signaled = WIFSIGNALED (wait_status);
  gint status = signaled ? WTERMSIG (wait_status) : WEXITSTATUS (wait_status);

  g_spawn_close_pid (pid);
  self->child_watches[i] = 0;
  g_atomic_int_set (&self->pids[i], 0);
  g_atomic_int_set (&self->gone[i], 1);
  self->n_alive--;

  if (signaled || status != 0)
    {
      g_free (self->death_messages[i]);
      self->death_messages[i] = describe_death (self, i, status, signaled);
      push_control (self, SHMVIZ_EV_DIED, signaled ? 1 : 0, (guint16) i, (guint16) status, 0, 0);
      if (!self->stopping || !signaled || status != SIGKILL)
        g_signal_emit (self, signals[PROCESS_DIED], 0, i, status, signaled);
    }

  if (self->n_alive == 0)
    finish (self);
}

static gboolean
spawn_worker (ShmvizSession *self,
              guint          index,
              GError       **error)
{
  g_autofree char *index_str = g_strdup_printf ("%u", index);
  g_autofree char *parent_str = g_strdup_printf ("%d", (int) getpid ());
  /* The worker maps the object through an inherited descriptor: the name
   * is unlinked before anyone starts, so nothing can leak in /dev/shm. */
  const int source_fds[] = { shmviz_region_get_fd (self->region) };
  const int target_fds[] = { 3 };
  const char *argv[] = {
    self->worker_path,
    "fd:3",
    index_str,
    parent_str,
    NULL
  };
  guint64 spawned_ns = reserve_control_ts (self);
  Child *child;
  GPid pid;

  if (!g_spawn_async_with_pipes_and_fds (NULL, argv, NULL, G_SPAWN_DO_NOT_REAP_CHILD,
                                         NULL, NULL, -1, -1, -1,
                                         source_fds, target_fds, G_N_ELEMENTS (source_fds),
                                         &pid, NULL, NULL, NULL, error))
    {
      g_mutex_lock (&self->lock);
      self->control_floor = 0;
      g_mutex_unlock (&self->lock);
      g_prefix_error (error, _("Could not start worker process %u: "), index + 1);
      return FALSE;
    }

  self->pids[index] = pid;
  self->n_alive++;
  child = g_new0 (Child, 1);
  child->self = self;
  child->index = index;
  {
    GSource *source = g_child_watch_source_new (pid);

    g_source_set_callback (source, (GSourceFunc) (void (*) (void)) child_exited, child, g_free);
    self->child_watches[index] = g_source_attach (source, self->main_context);
    g_source_unref (source);
  }
  /* Stamped before the fork: the process cannot have done anything yet. */
  push_control_at (self, spawned_ns, SHMVIZ_EV_SPAWNED, 0, (guint16) index, 0, 0, (guint64) pid);
  return TRUE;
}

/* Synchronous teardown for failed starts and finalization: nothing may
 * outlive the session object. */
static void
reap_all_now (ShmvizSession *self)
{
  if (self->region)
    {
      ShmvizRegionHeader *h = shmviz_region_header (self->region);

      atomic_store (&h->run_state, SHMVIZ_RUN_STOPPING);
      wake_workers (self);
    }

  for (guint i = 0; i < self->n_procs; i++)
    {
      GSource *source;

      if (self->pids[i] == 0)
        continue;
      if (self->child_watches[i] &&
          (source = g_main_context_find_source_by_id (self->main_context, self->child_watches[i])))
        g_source_destroy (source);
      self->child_watches[i] = 0;
    }

  for (guint i = 0; i < self->n_procs; i++)
    {
      gint64 deadline = g_get_monotonic_time () + STOP_GRACE_MS * 1000;
      int wstatus;

      if (self->pids[i] == 0)
        continue;
      while (waitpid (self->pids[i], &wstatus, WNOHANG) == 0)
        {
          if (g_get_monotonic_time () > deadline)
            {
              kill (self->pids[i], SIGKILL);
              waitpid (self->pids[i], &wstatus, 0);
              break;
            }
          g_usleep (2000);
        }
      self->pids[i] = 0;
      g_atomic_int_set (&self->gone[i], 1);
    }
  self->n_alive = 0;
}

static void
stop_thread (ShmvizSession *self)
{
  if (!self->thread)
    return;
  g_mutex_lock (&self->lock);
  self->thread_quit = TRUE;
  g_cond_signal (&self->cond);
  g_mutex_unlock (&self->lock);
  g_thread_join (g_steal_pointer (&self->thread));
}

static void
finish (ShmvizSession *self)
{
  if (self->finished)
    return;
  self->finished = TRUE;

  g_clear_handle_id (&self->kill_source, g_source_remove);
  g_clear_handle_id (&self->duration_source, g_source_remove);
  stop_thread (self);
  if (self->region)
    shmviz_region_unlink (self->region);

  self->running = FALSE;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_RUNNING]);
  g_signal_emit (self, signals[FINISHED], 0);
}

static gboolean
kill_stragglers (gpointer data)
{
  ShmvizSession *self = data;

  self->kill_source = 0;
  for (guint i = 0; i < self->n_procs; i++)
    if (self->pids[i] != 0)
      kill (self->pids[i], SIGKILL);
  return G_SOURCE_REMOVE;
}

static gboolean
duration_elapsed (gpointer data)
{
  ShmvizSession *self = data;

  self->duration_source = 0;
  shmviz_session_stop (self);
  return G_SOURCE_REMOVE;
}

/* ---- GObject ------------------------------------------------------------- */

static void
shmviz_session_finalize (GObject *object)
{
  ShmvizSession *self = SHMVIZ_SESSION (object);

  if (self->running && !self->finished)
    reap_all_now (self);
  g_clear_handle_id (&self->kill_source, g_source_remove);
  g_clear_handle_id (&self->duration_source, g_source_remove);
  stop_thread (self);

  if (self->stages)
    for (guint i = 0; i <= self->n_procs; i++)
      g_array_unref (self->stages[i].events);
  g_clear_pointer (&self->stages, g_free);
  g_clear_pointer (&self->tails, g_free);
  g_clear_pointer (&self->last_ts, g_free);
  g_clear_pointer (&self->stopped, g_free);
  g_clear_pointer (&self->death_messages, g_strfreev);
  g_clear_pointer (&self->dropped_seen, g_free);
  g_clear_pointer (&self->pids, g_free);
  g_clear_pointer (&self->child_watches, g_free);
  g_clear_pointer (&self->gone, g_free);
  g_clear_pointer (&self->batch, g_array_unref);
  g_clear_pointer (&self->control_events, g_array_unref);
  g_clear_pointer (&self->sinks, g_array_unref);
  g_queue_clear_full (&self->requests, g_free);
  g_clear_pointer (&self->region, shmviz_region_free);
  g_clear_pointer (&self->model, shmviz_model_unref);
  g_clear_pointer (&self->main_context, g_main_context_unref);
  g_clear_pointer (&self->worker_path, g_free);
  g_mutex_clear (&self->lock);
  g_cond_clear (&self->cond);

  G_OBJECT_CLASS (shmviz_session_parent_class)->finalize (object);
}

static void
shmviz_session_get_property (GObject    *object,
                             guint       prop_id,
                             GValue     *value,
                             GParamSpec *pspec)
{
  ShmvizSession *self = SHMVIZ_SESSION (object);

  switch (prop_id)
    {
    case PROP_MODE:
      g_value_set_uint (value, shmviz_session_get_mode (self));
      break;
    case PROP_PAUSED:
      g_value_set_boolean (value, self->paused);
      break;
    case PROP_SPEED:
      g_value_set_uint (value, self->speed);
      break;
    case PROP_RUNNING:
      g_value_set_boolean (value, self->running);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
shmviz_session_set_property (GObject      *object,
                             guint         prop_id,
                             const GValue *value,
                             GParamSpec   *pspec)
{
  ShmvizSession *self = SHMVIZ_SESSION (object);

  switch (prop_id)
    {
    case PROP_MODE:
      shmviz_session_set_mode (self, g_value_get_uint (value));
      break;
    case PROP_PAUSED:
      shmviz_session_set_paused (self, g_value_get_boolean (value));
      break;
    case PROP_SPEED:
      shmviz_session_set_speed (self, g_value_get_uint (value));
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
shmviz_session_class_init (ShmvizSessionClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->finalize = shmviz_session_finalize;
  object_class->get_property = shmviz_session_get_property;
  object_class->set_property = shmviz_session_set_property;

  /* The mode in force: it changes once the barrier completes, not when
   * asked. */
  properties[PROP_MODE] =
    g_param_spec_uint ("mode", NULL, NULL, 0, SHMVIZ_N_SYNC_MODES - 1, SHMVIZ_SYNC_SEMAPHORES,
                       G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_PAUSED] =
    g_param_spec_boolean ("paused", NULL, NULL, FALSE,
                          G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_SPEED] =
    g_param_spec_uint ("speed", NULL, NULL, 0, SHMVIZ_MAX_SPEED, 1000,
                       G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_RUNNING] =
    g_param_spec_boolean ("running", NULL, NULL, FALSE,
                          G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  signals[FINISHED] =
    g_signal_new ("finished", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL, G_TYPE_NONE, 0);
  signals[PROCESS_DIED] =
    g_signal_new ("process-died", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL, G_TYPE_NONE, 3, G_TYPE_UINT, G_TYPE_INT, G_TYPE_BOOLEAN);
  signals[DEADLOCK] =
    g_signal_new ("deadlock", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL, G_TYPE_NONE, 0);
  signals[ERROR] =
    g_signal_new ("error", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL, G_TYPE_NONE, 1, G_TYPE_ERROR);
  /* The watchdog: nobody progressed for a while, and why, in a sentence. */
  signals[STALLED] =
    g_signal_new ("stalled", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL, G_TYPE_NONE, 1, G_TYPE_STRING);
}

static void
shmviz_session_init (ShmvizSession *self)
{
  g_mutex_init (&self->lock);
  g_cond_init (&self->cond);
  g_queue_init (&self->requests);
  self->control_events = g_array_new (FALSE, FALSE, sizeof (ShmvizEvent));
  self->sinks = g_array_new (FALSE, FALSE, sizeof (Sink));
  self->batch = g_array_new (FALSE, FALSE, sizeof (ShmvizEvent));
  self->main_context = g_main_context_ref_thread_default ();
  self->watchdog_ns = WATCHDOG_NS;
}

ShmvizSession *
shmviz_session_new (const ShmvizScenario *scenario)
{
  ShmvizSession *self;

  g_return_val_if_fail (scenario != NULL, NULL);

  self = g_object_new (SHMVIZ_TYPE_SESSION, NULL);
  self->scenario = *scenario;
  self->mode = scenario->sync;
  self->speed = scenario->speed_permille;
  self->model = shmviz_model_new (scenario);
  return self;
}

char *
shmviz_session_find_worker (GError **error)
{
  const char *env = g_getenv ("SHMVIZ_WORKER");
  g_autofree char *self_exe = NULL;
  g_autofree char *installed = NULL;

  if (env && *env)
    {
      if (g_file_test (env, G_FILE_TEST_IS_EXECUTABLE))
        return g_strdup (env);
      g_set_error (error, SHMVIZ_SESSION_ERROR, SHMVIZ_SESSION_ERROR_NO_WORKER,
                   _("SHMVIZ_WORKER is set to %s, which is not an executable"), env);
      return NULL;
    }

  /* Beside the running program: the build tree and relocated installs. */
  if ((self_exe = g_file_read_link ("/proc/self/exe", NULL)))
    {
      g_autofree char *dir = g_path_get_dirname (self_exe);
      g_autofree char *beside = g_build_filename (dir, "shmviz-worker", NULL);

      if (g_file_test (beside, G_FILE_TEST_IS_EXECUTABLE))
        return g_steal_pointer (&beside);
    }

  installed = g_build_filename (SHMVIZ_LIBEXECDIR, "shmviz-worker", NULL);
  if (g_file_test (installed, G_FILE_TEST_IS_EXECUTABLE))
    return g_steal_pointer (&installed);

  g_set_error (error, SHMVIZ_SESSION_ERROR, SHMVIZ_SESSION_ERROR_NO_WORKER,
               _("The helper program shmviz-worker was not found in %s; is shmviz installed?"),
               SHMVIZ_LIBEXECDIR);
  return NULL;
}

gboolean
shmviz_session_start (ShmvizSession *self,
                      GError       **error)
{
  g_return_val_if_fail (SHMVIZ_IS_SESSION (self), FALSE);
  g_return_val_if_fail (!self->running && !self->finished, FALSE);

  if (!shmviz_scenario_validate (&self->scenario, error))
    return FALSE;
  if (!(self->worker_path = shmviz_session_find_worker (error)))
    return FALSE;

  /* Leftovers of a crashed earlier run of ours are cleaned at every start. */
  shmviz_region_sweep_stale (NULL);

  if (!(self->region = shmviz_region_create (&self->scenario, error)))
    return FALSE;
  /* Workers inherit the descriptor, so the name has no use past this. */
  shmviz_region_unlink (self->region);

  self->n_procs = self->scenario.n_producers + self->scenario.n_consumers;
  self->pids = g_new0 (GPid, self->n_procs);
  self->child_watches = g_new0 (guint, self->n_procs);
  self->gone = g_new0 (gint, self->n_procs);
  self->tails = g_new0 (guint64, self->n_procs);
  self->last_ts = g_new0 (guint64, self->n_procs);
  self->stopped = g_new0 (gboolean, self->n_procs);
  self->death_messages = g_new0 (char *, self->n_procs + 1);
  self->dropped_seen = g_new0 (guint64, self->n_procs);
  self->stages = g_new0 (Stage, self->n_procs + 1);
  for (guint i = 0; i <= self->n_procs; i++)
    self->stages[i].events = g_array_sized_new (FALSE, FALSE, sizeof (ShmvizEvent), 1024);

  push_control (self, SHMVIZ_EV_SESSION, 0, 0, (guint16) self->scenario.n_slots, 0, self->scenario.seed);
  push_control (self, SHMVIZ_EV_MODE, 0, 0, (guint16) self->scenario.sync, 0, 0);
  push_control (self, SHMVIZ_EV_SPEED, 0, 0, 0, 0, self->scenario.speed_permille);
  /* Paused before the start ("you are the scheduler", --schedule): no
   * worker may pass a step boundary that nobody granted. */
  if (self->paused)
    {
      atomic_store (&shmviz_region_header (self->region)->run_state, SHMVIZ_RUN_PAUSED);
      push_control (self, SHMVIZ_EV_PAUSE, 0, 0, 1, 0, 0);
    }

  self->running = TRUE;
  self->thread = g_thread_new ("shmviz-session", session_thread, self);

  for (guint i = 0; i < self->n_procs; i++)
    if (!spawn_worker (self, i, error))
      {
        reap_all_now (self);
        stop_thread (self);
        shmviz_region_unlink (self->region);
        self->running = FALSE;
        self->finished = TRUE;
        return FALSE;
      }

  if (self->scenario.duration > 0)
    self->duration_source = g_timeout_add_full (G_PRIORITY_DEFAULT,
                                                (guint) (self->scenario.duration * 1000),
                                                duration_elapsed, self, NULL);

  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_RUNNING]);
  return TRUE;
}

void
shmviz_session_stop (ShmvizSession *self)
{
  ShmvizRegionHeader *h;

  g_return_if_fail (SHMVIZ_IS_SESSION (self));

  if (!self->running || self->stopping)
    return;
  self->stopping = TRUE;

  h = shmviz_region_header (self->region);
  push_control (self, SHMVIZ_EV_STOP, 0, 0, 0, 0, 0);
  atomic_store (&h->run_state, SHMVIZ_RUN_STOPPING);
  wake_workers (self);
  self->kill_source = g_timeout_add (STOP_GRACE_MS, kill_stragglers, self);

  if (self->n_alive == 0)
    finish (self);
}

gboolean
shmviz_session_get_running (ShmvizSession *self)
{
  g_return_val_if_fail (SHMVIZ_IS_SESSION (self), FALSE);
  return self->running;
}

ShmvizModel *
shmviz_session_get_model (ShmvizSession *self)
{
  g_return_val_if_fail (SHMVIZ_IS_SESSION (self), NULL);
  return self->model;
}

const ShmvizScenario *
shmviz_session_get_scenario (ShmvizSession *self)
{
  g_return_val_if_fail (SHMVIZ_IS_SESSION (self), NULL);
  return &self->scenario;
}

const char *
shmviz_session_get_region_name (ShmvizSession *self)
{
  g_return_val_if_fail (SHMVIZ_IS_SESSION (self), NULL);
  return self->region ? shmviz_region_get_name (self->region) : NULL;
}

void
shmviz_session_set_mode (ShmvizSession  *self,
                         ShmvizSyncMode  mode)
{
  Request *req;

  g_return_if_fail (SHMVIZ_IS_SESSION (self));
  g_return_if_fail (mode < SHMVIZ_N_SYNC_MODES);

  self->mode = mode;
  if (!self->running || self->stopping)
    return;

  req = g_new0 (Request, 1);
  req->kind = REQUEST_MODE;
  req->value = mode;
  g_mutex_lock (&self->lock);
  g_queue_push_tail (&self->requests, req);
  g_cond_signal (&self->cond);
  g_mutex_unlock (&self->lock);
}

ShmvizSyncMode
shmviz_session_get_mode (ShmvizSession *self)
{
  g_return_val_if_fail (SHMVIZ_IS_SESSION (self), SHMVIZ_SYNC_OFF);

  if (self->region)
    {
      guint mode = atomic_load (&shmviz_region_header (self->region)->mode);
      return mode < SHMVIZ_N_SYNC_MODES ? mode : SHMVIZ_SYNC_OFF;
    }
  return self->mode;
}

void
shmviz_session_set_paused (ShmvizSession *self,
                           gboolean       paused)
{
  ShmvizRegionHeader *h;

  g_return_if_fail (SHMVIZ_IS_SESSION (self));

  paused = !!paused;
  if (self->paused == paused)
    return;
  self->paused = paused;

  if (self->running && !self->stopping)
    {
      h = shmviz_region_header (self->region);
      atomic_store (&h->run_state, paused ? SHMVIZ_RUN_PAUSED : SHMVIZ_RUN_RUNNING);
      wake_workers (self);
      push_control (self, SHMVIZ_EV_PAUSE, 0, 0, paused, 0, 0);
    }
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_PAUSED]);
}

gboolean
shmviz_session_get_paused (ShmvizSession *self)
{
  g_return_val_if_fail (SHMVIZ_IS_SESSION (self), FALSE);
  return self->paused;
}

void
shmviz_session_step (ShmvizSession *self,
                     guint          proc)
{
  ShmvizProcBlock *p;

  g_return_if_fail (SHMVIZ_IS_SESSION (self));

  if (!self->running || self->stopping || proc >= self->n_procs)
    return;
  p = shmviz_region_proc (self->region, proc);
  atomic_fetch_add (&p->step_credit, 1);
  push_control (self, SHMVIZ_EV_STEP, 0, (guint16) proc, 0, 0, 0);
  wake_workers (self);
}

void
shmviz_session_set_speed (ShmvizSession *self,
                          guint          speed_permille)
{
  g_return_if_fail (SHMVIZ_IS_SESSION (self));

  speed_permille = MIN (speed_permille, SHMVIZ_MAX_SPEED);
  if (self->speed == speed_permille)
    return;
  self->speed = speed_permille;
  self->scenario.speed_permille = speed_permille;

  if (self->running && !self->stopping)
    {
      atomic_store (&shmviz_region_header (self->region)->speed_permille, speed_permille);
      wake_workers (self);
      push_control (self, SHMVIZ_EV_SPEED, 0, 0, 0, 0, speed_permille);
    }
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_SPEED]);
}

guint
shmviz_session_get_speed (ShmvizSession *self)
{
  g_return_val_if_fail (SHMVIZ_IS_SESSION (self), 0);
  return self->speed;
}

void
shmviz_session_set_timing (ShmvizSession *self,
                           ShmvizTiming   timing,
                           guint64        ns)
{
  g_return_if_fail (SHMVIZ_IS_SESSION (self));
  g_return_if_fail (timing < SHMVIZ_N_TIMINGS);

  ns = MIN (ns, SHMVIZ_MAX_DELAY_NS);
  self->scenario.timing_ns[timing] = ns;
  if (self->running && !self->stopping)
    {
      atomic_store (&shmviz_region_header (self->region)->timing_ns[timing], ns);
      wake_workers (self);
      push_control (self, SHMVIZ_EV_TIMING, 0, 0, (guint16) timing, 0, ns);
    }
}

gboolean
shmviz_session_signal_worker (ShmvizSession *self,
                              guint          proc,
                              int            signo,
                              GError       **error)
{
  g_return_val_if_fail (SHMVIZ_IS_SESSION (self), FALSE);

  if (!self->running || proc >= self->n_procs || self->pids[proc] == 0)
    {
      g_set_error (error, SHMVIZ_SESSION_ERROR, SHMVIZ_SESSION_ERROR_FAILED,
                   _("Process %u is not running"), proc + 1);
      return FALSE;
    }
  push_control (self, SHMVIZ_EV_KILL, 0, (guint16) proc, (guint16) signo, 0, 0);
  if (kill (self->pids[proc], signo) != 0)
    {
      int errsv = errno;
      g_set_error (error, SHMVIZ_SESSION_ERROR, SHMVIZ_SESSION_ERROR_FAILED,
                   _("Could not send signal %d to process %u: %s"), signo, proc + 1, g_strerror (errsv));
      return FALSE;
    }
  return TRUE;
}

void
shmviz_session_add_sink (ShmvizSession  *self,
                         ShmvizEventSink sink,
                         gpointer        user_data)
{
  Sink s = { sink, user_data };

  g_return_if_fail (SHMVIZ_IS_SESSION (self));

  g_mutex_lock (&self->lock);
  g_array_append_val (self->sinks, s);
  g_mutex_unlock (&self->lock);
}

GPid
shmviz_session_get_worker_pid (ShmvizSession *self,
                               guint          proc)
{
  g_return_val_if_fail (SHMVIZ_IS_SESSION (self), 0);
  return proc < self->n_procs && self->pids ? self->pids[proc] : 0;
}

ShmvizRegion *
shmviz_session_get_region (ShmvizSession *self)
{
  g_return_val_if_fail (SHMVIZ_IS_SESSION (self), NULL);
  return self->region;
}

guint64
shmviz_session_count_items (ShmvizSession *self,
                            gboolean       consumers)
{
  guint64 total = 0;
  guint first, last;

  g_return_val_if_fail (SHMVIZ_IS_SESSION (self), 0);

  if (!self->region)
    return 0;
  first = consumers ? self->scenario.n_producers : 0;
  last = consumers ? self->n_procs : self->scenario.n_producers;
  for (guint i = first; i < last; i++)
    total += atomic_load_explicit (&shmviz_region_proc (self->region, i)->items_done,
                                   memory_order_relaxed);
  return total;
}

void
shmviz_session_recover (ShmvizSession *self)
{
  g_return_if_fail (SHMVIZ_IS_SESSION (self));

  /* The same barrier as a mode change, into the mode in force. */
  shmviz_session_set_mode (self, shmviz_session_get_mode (self));
}

char *
shmviz_session_dup_death_message (ShmvizSession *self,
                                  guint          proc)
{
  g_return_val_if_fail (SHMVIZ_IS_SESSION (self), NULL);

  if (!self->death_messages || proc >= self->n_procs)
    return NULL;
  return g_strdup (self->death_messages[proc]);
}

void
shmviz_session_set_watchdog (ShmvizSession *self,
                             guint64        ns)
{
  g_return_if_fail (SHMVIZ_IS_SESSION (self));

  /* Read by the session thread; a torn read of a 64-bit value cannot
   * happen on the 64-bit targets, and a stale one only delays a report. */
  self->watchdog_ns = MAX (ns, 100 * G_GUINT64_CONSTANT (1000000));
}

gboolean
shmviz_session_restart_worker (ShmvizSession *self,
                               guint          proc,
                               GError       **error)
{
  ShmvizRegionHeader *h;
  ShmvizProcBlock *p;

  g_return_val_if_fail (SHMVIZ_IS_SESSION (self), FALSE);

  if (!self->running || self->stopping)
    {
      g_set_error (error, SHMVIZ_SESSION_ERROR, SHMVIZ_SESSION_ERROR_FAILED,
                   _("The session is not running"));
      return FALSE;
    }
  if (proc >= self->n_procs || !proc_gone (self, proc))
    {
      g_set_error (error, SHMVIZ_SESSION_ERROR, SHMVIZ_SESSION_ERROR_FAILED,
                   _("Process %u cannot be started again: it is not dead"), proc + 1);
      return FALSE;
    }

  h = shmviz_region_header (self->region);
  p = shmviz_region_proc (self->region, proc);
  /* Its ring, counters and sequence number carry on; what it held and
   * where it was do not. */
  atomic_store (&p->held, 0);
  atomic_store (&p->state, SHMVIZ_PROC_STATE_NEW);
  atomic_store (&p->step_credit, 0);
  atomic_store (&p->parked_epoch, atomic_load (&h->released_epoch));
  atomic_store (&p->pid, 0);
  atomic_store (&p->idle, 1);
  self->stopped[proc] = FALSE;
  g_clear_pointer (&self->death_messages[proc], g_free);
  g_atomic_int_set (&self->gone[proc], 0);

  if (!spawn_worker (self, proc, error))
    {
      g_atomic_int_set (&self->gone[proc], 1);
      return FALSE;
    }
  return TRUE;
}
