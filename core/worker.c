/* worker.c — the bounded-buffer algorithm as explicit, recorded steps
 *
 * One process per producer or consumer.  Each step of the textbook
 * algorithm is a separate function call that ends with one event appended
 * to this process's own ring, so the picture shows exactly what ran.
 *
 * Between steps the worker reads the control words once: stop, pause with
 * single steps, and barriers.  A barrier (mode change, recovery) makes the
 * worker give up its current iteration wherever it is and park; the
 * supervisor then rebuilds in/out/count and the semaphores from the slots,
 * so nothing a parked worker held needs releasing.
 *
 * Instrumentation never takes a lock another worker could wait on: the
 * event ring has one writer (us) and one reader (the drainer).  When it is
 * full we nap until the drainer catches up, and only after a long wait count
 * the event as dropped.
 *
 * Speed: at full speed a worker emits ten events per item, so the hot path
 * avoids locked instructions on words only we write (plain stores of
 * local copies), reads the drainer's tail only when the ring may be full,
 * and spins briefly before any futex sleep (spin_trywait(), lf_claim()).
 * With more workers than CPUs it yields instead of spinning: the process
 * that would let it on is then most likely waiting for a CPU, not running.
 *
 * The lock-free mode runs Vyukov's bounded queue (see layout.h) as the same
 * kind of steps: the claim by compare-and-swap is the READ_INDEX step, the
 * publication of the sequence number the ADVANCE step.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <linux/futex.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

#include "region.h"
#include "worker.h"

/* Longest a worker sleeps without looking at the control words. */
#define POLL_NS          (20 * 1000 * 1000)
/* Paused, the run has nothing to show, and 128 workers polling every
 * POLL_NS took 13 % of a CPU.  Resuming and stepping wake a worker at a
 * step boundary through the wake word; one blocked on a semaphore learns
 * of a stop or a barrier only when its bound runs out, so this one stays
 * well inside STOP_GRACE_MS. */
#define PAUSED_POLL_NS   (250 * 1000 * 1000)
/* How long a full event ring may hold us up before the event is dropped:
 * long enough for a drainer starved by a busy machine to catch up, so
 * that a drop means the drainer is stuck, not merely slow. */
#define RING_BACKOFF_NS  (G_GUINT64_CONSTANT (2000) * 1000 * 1000)
/* Spin budgets, in retries with a pause instruction between them (tens of
 * ns each).  A futex sleep and wake-up costs tens of microseconds
 * on a VM, so a waiter whose token comes within a few microseconds is far
 * better off spinning; but with more processes than CPUs spinning eats the
 * time slice of the very process that would post.  So the budget adapts
 * per wait: it doubles when a spin succeeded and halves when it ended in a
 * sleep anyway. */
#define SPIN_MIN         4u
#define SPIN_START       128u
#define SPIN_MAX         4096u
/* With more workers than CPUs (Worker.crowded) a wait yields the CPU this
 * many times before it sleeps.  A yield hands the time slice to a runnable
 * worker, likely one that can move the queue, at the cost of a context
 * switch; a futex sleep costs two switches and a waker's syscall, and its
 * wake-up preempts the waker.  Measured at 16 → 16 on 2 CPUs: 4 for the
 * lock-free claim, 16 for a semaphore, whose post is a syscall too. */
#define YIELD_LOCKFREE   4u
#define YIELD_SEM        16u
/* Before a crowded wait yields, it spins in windows of this many pauses
 * for as long as the other side's counter (or index) moved during the
 * last window, at most this many windows (a few microseconds).  A
 * semaphore's other side moves slower, an item taking several shared
 * cache lines (semaphores, mutex, index, slot), so its windows are
 * longer: with 16 pauses a semaphore wait often saw no progress when
 * there was, and 16 -> 16 ran at half the rate it does with 64. */
#define WATCH_PAUSES     16u
#define WATCH_PAUSES_SEM 64u
#define WATCH_WINDOWS    8u

typedef enum {
  STEP_OK,
  STEP_ABANDON,  /* a barrier was requested: give up this iteration */
  STEP_STOP,
} StepResult;

typedef struct {
  ShmvizRegion       *region;
  ShmvizRegionHeader *h;
  ShmvizProcBlock    *me;
  ShmvizEvent        *ring;
  guint64             ring_mask;
  guint64             head;
  guint16             index;
  gboolean            producer;
  guint               role_index;
  guint               n_slots;
  guint               item_size;
  gboolean            instrument;
  gboolean            tsc;        /* stamps are TSC ticks (ShmvizRegionHeader.clock) */
  pid_t               parent;
  guint32             epoch;      /* the barrier we last parked at */
  guint64             seq;
  guint64             pending;    /* produced but not yet written */
  gboolean            claimed;    /* holds one unit of the item quota */
  guint8             *payload;
  guint64             items_done;
  ShmvizSyncMode      mode;       /* for this iteration */
  /* Local copies of words only this worker writes: stored, never
   * read-modify-written in shared memory. */
  guint64             steps;
  guint32             held;
  gboolean            robust_held; /* we own the robust mutex */
  guint64             ring_limit; /* head may grow to this without a look at tail */
  guint               spin[SHMVIZ_N_SEMS + 1];  /* adaptive budgets; the last for lock-free */
  ShmvizLockFreeHeader *lf;
  ShmvizSlotSeq      *seqs;
  gboolean            crowded;    /* more workers than CPUs to run them */
} Worker;

static inline void
cpu_relax (void)
{
#if defined(__x86_64__) || defined(__i386__)
  __builtin_ia32_pause ();
#elif defined(__aarch64__)
  __asm__ __volatile__ ("yield" ::: "memory");
#else
  atomic_signal_fence (memory_order_seq_cst);
#endif
}

static inline void
spin_adapt (guint    *budget,
            gboolean  succeeded)
{
  if (succeeded)
    *budget = MIN (*budget * 2, SPIN_MAX);
  else
    *budget = MAX (*budget / 2, SPIN_MIN);
}

static inline guint64
now_ns (void)
{
  struct timespec ts;

  clock_gettime (CLOCK_MONOTONIC, &ts);
  return (guint64) ts.tv_sec * G_GUINT64_CONSTANT (1000000000) + (guint64) ts.tv_nsec;
}

/* An event's stamp.  Plain rdtsc may run ahead of the instructions before
 * it by the reorder window (tens of ns), which is all right: it still comes
 * before the release store that publishes the event, the only order the
 * merge relies on; and the ledger tells races by the items the atomic
 * exchanges observed, not by which of two close stamps comes first (a
 * worker preempted between a step and its stamp shifts it by far more). */
static inline guint64
stamp (Worker *w)
{
#ifdef SHMVIZ_HAVE_TSC
  if (G_LIKELY (w->tsc))
    return shmviz_tsc_read ();
#endif
  return now_ns ();
}

/* Around every sleep: see ShmvizProcBlock.idle.  The store that ends the
 * idle stretch must be visible before the next timestamp is taken: the
 * fence drains it, and the lfence keeps a later rdtsc from starting
 * before the fence is done (clock_gettime() orders its own read). */
static inline void
idle_begin (ShmvizProcBlock *me)
{
  atomic_store_explicit (&me->idle, 1, memory_order_release);
}

static inline void
idle_end (ShmvizProcBlock *me)
{
  atomic_store_explicit (&me->idle, 0, memory_order_seq_cst);
  atomic_thread_fence (memory_order_seq_cst);
#ifdef SHMVIZ_HAVE_TSC
  __builtin_ia32_lfence ();
#endif
}

static void
futex_wait (ShmvizProcBlock  *me,
            _Atomic uint32_t *word,
            uint32_t          expected,
            guint64           timeout_ns)
{
  struct timespec ts = {
    .tv_sec = timeout_ns / 1000000000u,
    .tv_nsec = timeout_ns % 1000000000u,
  };

  idle_begin (me);
  /* Not FUTEX_PRIVATE: the word lives in memory shared between processes. */
  syscall (SYS_futex, (uint32_t *) word, FUTEX_WAIT, expected, &ts, NULL, 0);
  idle_end (me);
}

static void
check_parent (Worker *w)
{
  if (getppid () != w->parent)
    _exit (SHMVIZ_WORKER_EXIT_ORPHAN);
}

/* How long a wait may last before it looks at the control words again. */
static guint64
poll_bound (Worker *w)
{
  return atomic_load_explicit (&w->h->run_state, memory_order_relaxed) == SHMVIZ_RUN_PAUSED
         ? PAUSED_POLL_NS : POLL_NS;
}

static gboolean ring_room (Worker *w);

static void
emit (Worker  *w,
      guint8   kind,
      guint8   detail,
      guint16  slot,
      guint16  value,
      guint64  item,
      guint64  other)
{
  ShmvizEvent *ev;

  if (!w->instrument)
    return;

  /* The drainer's tail lives on a line it writes: look at it only when
   * the room seen last time is used up. */
  if (G_UNLIKELY (w->head >= w->ring_limit) && !ring_room (w))
    return;

  ev = &w->ring[w->head & w->ring_mask];
  ev->ts_ns = stamp (w);
  ev->item = item;
  ev->other = other;
  ev->proc = w->index;
  ev->kind = kind;
  ev->detail = detail;
  ev->slot = slot;
  ev->value = value;
  w->head++;
  atomic_store_explicit (&w->me->head, w->head, memory_order_release);
}

/* Refreshes ring_limit from the drainer's tail, waiting for room when the
 * ring is full.  FALSE: the event is dropped (and counted). */
static G_NO_INLINE gboolean
ring_room (Worker *w)
{
  guint64 tail = atomic_load_explicit (&w->me->tail, memory_order_acquire);

  if (w->head - tail > w->ring_mask)
    {
      guint64 give_up = now_ns () + RING_BACKOFF_NS;

      /* Sleep rather than yield: the drainer is a thread of another
       * process and must actually get a CPU, which sched_yield() among
       * many busy workers does not promise. */
      idle_begin (w->me);
      do
        {
          const struct timespec nap = { 0, 20 * 1000 };

          nanosleep (&nap, NULL);
          tail = atomic_load_explicit (&w->me->tail, memory_order_acquire);
        }
      while (w->head - tail > w->ring_mask && now_ns () < give_up);
      idle_end (w->me);

      if (w->head - tail > w->ring_mask)
        {
          atomic_fetch_add_explicit (&w->me->dropped, 1, memory_order_relaxed);
          return FALSE;
        }
    }

  w->ring_limit = tail + w->ring_mask + 1;
  return TRUE;
}

static void
set_state (Worker  *w,
           guint32  state)
{
  atomic_store_explicit (&w->me->state, state, memory_order_relaxed);
}

static inline void
set_held (Worker  *w,
          guint32  held)
{
  w->held = held;
  atomic_store_explicit (&w->me->held, held, memory_order_release);
}

/* Parks at the barrier requested by epoch @epoch until the supervisor
 * releases it. */
static StepResult
park (Worker  *w,
      guint32  epoch,
      guint    at_step)
{
  ShmvizRegionHeader *h = w->h;

  emit (w, SHMVIZ_EV_ABANDON, 0, 0, (guint16) at_step, w->pending, 0);
  /* The semaphores are rebuilt under us, but a pthread mutex is owned and
   * listed in our robust list: it must be given back by us. */
  if (w->robust_held)
    {
      pthread_mutex_unlock (&h->robust_mutex);
      w->robust_held = FALSE;
    }
  set_held (w, 0);
  set_state (w, SHMVIZ_PROC_STATE_PARKED);
  w->epoch = epoch;
  emit (w, SHMVIZ_EV_PARKED, 0, 0, (guint16) epoch, 0, 0);
  atomic_store_explicit (&w->me->parked_epoch, epoch, memory_order_release);

  for (;;)
    {
      guint32 wake = atomic_load (&h->wake);

      if (atomic_load (&h->run_state) == SHMVIZ_RUN_STOPPING)
        return STEP_STOP;
      if ((gint32) (atomic_load (&h->released_epoch) - epoch) >= 0)
        break;
      /* A newer barrier supersedes this one before it was released. */
      if (atomic_load (&h->epoch) != epoch)
        {
          epoch = atomic_load (&h->epoch);
          w->epoch = epoch;
          atomic_store_explicit (&w->me->parked_epoch, epoch, memory_order_release);
          continue;
        }
      futex_wait (w->me, &h->wake, wake, POLL_NS);
      check_parent (w);
    }

  set_state (w, SHMVIZ_PROC_STATE_RUNNING);
  emit (w, SHMVIZ_EV_RESUMED, 0, 0, (guint16) epoch, 0, 0);
  return STEP_ABANDON;
}

/* Sleeps @ns scaled by the speed, waking early for any control change. */
static StepResult
delay (Worker       *w,
       ShmvizTiming  timing)
{
  ShmvizRegionHeader *h = w->h;
  guint64 base = atomic_load_explicit (&h->timing_ns[timing], memory_order_relaxed);
  guint32 speed = atomic_load_explicit (&h->speed_permille, memory_order_relaxed);
  guint64 deadline;

  if (base == 0 || speed == 0)
    return STEP_OK;
  if (base > SHMVIZ_MAX_DELAY_NS)
    base = SHMVIZ_MAX_DELAY_NS;
  if (speed > SHMVIZ_MAX_SPEED)
    speed = SHMVIZ_MAX_SPEED;

  deadline = now_ns () + base * 1000u / speed;
  for (;;)
    {
      guint32 wake = atomic_load (&h->wake);
      guint64 now;

      if (atomic_load (&h->run_state) == SHMVIZ_RUN_STOPPING)
        return STEP_STOP;
      if (atomic_load (&h->epoch) != w->epoch)
        return park (w, atomic_load (&h->epoch), SHMVIZ_EV_NONE);
      now = now_ns ();
      if (now >= deadline)
        return STEP_OK;
      futex_wait (w->me, &h->wake, wake, MIN (deadline - now, (guint64) POLL_NS));
      check_parent (w);
      /* Switching to full speed must not wait out a slow-motion delay. */
      if (atomic_load_explicit (&h->speed_permille, memory_order_relaxed) == 0)
        return STEP_OK;
    }
}

/* The boundary between two steps: slow-motion pause, then the control
 * words. */
static StepResult
boundary (Worker *w,
          guint   at_step)
{
  ShmvizRegionHeader *h = w->h;
  StepResult r;

  atomic_store_explicit (&w->me->steps, ++w->steps, memory_order_relaxed);

  /* A barrier met during the pause has already parked us: the iteration
   * must be given up, not continued on state rebuilt under it. */
  if ((r = delay (w, SHMVIZ_TIMING_STEP)) != STEP_OK)
    return r;

  for (;;)
    {
      guint32 wake = atomic_load (&h->wake);
      guint32 run_state = atomic_load (&h->run_state);
      guint32 epoch = atomic_load (&h->epoch);
      guint32 credit;

      if (run_state == SHMVIZ_RUN_STOPPING)
        return STEP_STOP;
      if (epoch != w->epoch)
        return park (w, epoch, at_step);
      if (run_state != SHMVIZ_RUN_PAUSED)
        return STEP_OK;

      credit = atomic_load (&w->me->step_credit);
      if (credit > 0 &&
          atomic_compare_exchange_strong (&w->me->step_credit, &credit, credit - 1))
        return STEP_OK;

      futex_wait (w->me, &h->wake, wake, PAUSED_POLL_NS);
      check_parent (w);
    }
}

/* The shared index that moves when the token @sem waits for is about to
 * be posted: consumers advance out before they post empty, producers in
 * before they post full, and a mutex holder advances one of the two
 * before it lets go.  Read racily, as a hint only. */
static guint32
watch_progress (Worker    *w,
                ShmvizSem  sem)
{
  guint32 in = atomic_load_explicit (&w->h->in, memory_order_relaxed);
  guint32 out = atomic_load_explicit (&w->h->out, memory_order_relaxed);

  switch (sem)
    {
    case SHMVIZ_SEM_EMPTY:
      return out;
    case SHMVIZ_SEM_FULL:
      return in;
    default:
      return in + out;
    }
}

/* Crowded: a yield costs a context switch (about 4 µs on a VM) and hands
 * the CPU to any worker, often one that cannot move either.  But the
 * other CPU may be running the very worker that will post @sem: spin,
 * in short windows, for as long as the index it advances keeps moving,
 * at most a few microseconds. */
static gboolean
watch_trywait (Worker    *w,
               ShmvizSem  sem)
{
  guint32 seen = watch_progress (w, sem);

  for (guint win = 0; win < WATCH_WINDOWS; win++)
    {
      guint32 now;

      for (guint i = 0; i < WATCH_PAUSES_SEM; i++)
        cpu_relax ();
      if (sem_trywait (&w->h->sems[sem]) == 0)
        return TRUE;
      now = watch_progress (w, sem);
      if (now == seen)
        return FALSE;
      seen = now;
    }
  return FALSE;
}

/* Retries sem_trywait() for the adaptive budget of @sem.  Still the
 * WAIT step: the process is acquiring, and says BLOCKED only once it
 * really goes to sleep. */
static gboolean
spin_trywait (Worker    *w,
              ShmvizSem  sem)
{
  sem_t *s = &w->h->sems[sem];
  guint budget = w->spin[sem];

  if (w->crowded)
    {
      for (guint i = 0; i < YIELD_SEM; i++)
        {
          if (watch_trywait (w, sem))
            return TRUE;
          sched_yield ();
          if (sem_trywait (s) == 0)
            return TRUE;
        }
      return FALSE;
    }

  for (guint i = 0; i < budget; i++)
    {
      cpu_relax ();
      if (sem_trywait (s) == 0)
        {
          spin_adapt (&w->spin[sem], TRUE);
          return TRUE;
        }
    }
  spin_adapt (&w->spin[sem], FALSE);
  return FALSE;
}

/* Takes semaphore @sem, recording whether it had to block. */
static StepResult
acquire (Worker    *w,
         ShmvizSem  sem)
{
  ShmvizRegionHeader *h = w->h;
  guint32 saved_state = atomic_load_explicit (&w->me->state, memory_order_relaxed);
  int value = 0;

  atomic_store_explicit (&w->me->wait_sem, sem, memory_order_relaxed);
  set_state (w, SHMVIZ_PROC_STATE_ACQUIRING);
  emit (w, SHMVIZ_EV_WAIT, sem, 0, 0, 0, 0);

  if (sem_trywait (&h->sems[sem]) != 0 && !spin_trywait (w, sem))
    {
      emit (w, SHMVIZ_EV_BLOCKED, sem, 0, 0, 0, 0);
      for (;;)
        {
          /* Bounded, so that stop requests and barriers always get through. */
          guint64 deadline = now_ns () + poll_bound (w);
          struct timespec ts = {
            .tv_sec = deadline / 1000000000u,
            .tv_nsec = deadline % 1000000000u,
          };

          int r, errsv;

          idle_begin (w->me);
          r = sem_clockwait (&h->sems[sem], CLOCK_MONOTONIC, &ts);
          errsv = errno;
          idle_end (w->me);
          if (r == 0)
            break;
          errno = errsv;
          if (errno != ETIMEDOUT && errno != EINTR)
            {
              fprintf (stderr, "shmviz-worker %u: sem_clockwait: %s\n", w->index, g_strerror (errno));
              _exit (SHMVIZ_WORKER_EXIT_CORRUPT);
            }
          check_parent (w);
          if (atomic_load (&h->run_state) == SHMVIZ_RUN_STOPPING)
            return STEP_STOP;
          if (atomic_load (&h->epoch) != w->epoch)
            return park (w, atomic_load (&h->epoch), SHMVIZ_EV_BLOCKED);
        }
    }

  set_held (w, w->held | (1u << sem));
  set_state (w, sem == SHMVIZ_SEM_MUTEX ? SHMVIZ_PROC_STATE_CRITICAL : saved_state);
  sem_getvalue (&h->sems[sem], &value);
  emit (w, SHMVIZ_EV_ACQUIRED, sem, 0, (guint16) CLAMP (value, 0, G_MAXUINT16), 0, 0);
  return STEP_OK;
}

static void
release (Worker    *w,
         ShmvizSem  sem,
         guint32    clears)
{
  sem_post (&w->h->sems[sem]);
  set_held (w, w->held & ~clears);
  if (sem == SHMVIZ_SEM_MUTEX)
    set_state (w, SHMVIZ_PROC_STATE_RUNNING);
  emit (w, SHMVIZ_EV_POST, sem, 0, 0, 0, 0);
}

/* Reads a shared index once and checks it before anyone uses it. */
static guint
load_index (Worker           *w,
            _Atomic uint32_t *word)
{
  guint32 v = atomic_load_explicit (word, memory_order_relaxed);

  if (v >= w->n_slots)
    {
      fprintf (stderr,
               "shmviz-worker %u: shared index %u is outside the %u slots: region corrupt, detaching\n",
               w->index, v, w->n_slots);
      _exit (SHMVIZ_WORKER_EXIT_CORRUPT);
    }
  return v;
}

static void
write_slot (Worker *w,
            guint   slot_index)
{
  ShmvizSlotHeader *slot = shmviz_region_slot (w->region, slot_index);
  guint8 *payload = shmviz_region_slot_payload (w->region, slot_index);
  guint64 mine = SHMVIZ_SLOT_WORD (SHMVIZ_SLOT_WRITING, w->pending);
  guint64 old, expected = mine;
  guint8 detail;

  /* One exchange: what state the slot was in and which item it held are
   * observed together — the observation, not an inference. */
  old = atomic_exchange (&slot->word, mine);
  memcpy (payload, w->payload, w->item_size);
  slot->checksum = shmviz_item_checksum (w->pending, w->payload, w->item_size);

  detail = (guint8) (SHMVIZ_SLOT_WORD_STATE (old) & SHMVIZ_EV_STATE_MASK);
  if (!atomic_compare_exchange_strong (&slot->word, &expected,
                                       SHMVIZ_SLOT_WORD (SHMVIZ_SLOT_FULL, w->pending)))
    {
      guint now = SHMVIZ_SLOT_WORD_STATE (expected);

      /* A reader took the slot mid-write; another writer's exchange saw
       * ours and reports it itself. */
      if (now == SHMVIZ_SLOT_READING || now == SHMVIZ_SLOT_EMPTY)
        detail |= 0x40; /* SHMVIZ_EV_FLAG_RACED */
    }

  emit (w, SHMVIZ_EV_WRITE_SLOT, detail, (guint16) slot_index, 0, w->pending,
        SHMVIZ_SLOT_WORD_ITEM (old));
}

static guint64
read_slot (Worker *w,
           guint   slot_index)
{
  ShmvizSlotHeader *slot = shmviz_region_slot (w->region, slot_index);
  const guint8 *payload = shmviz_region_slot_payload (w->region, slot_index);
  guint64 old = atomic_load (&slot->word);
  guint64 item, reading;
  guint32 checksum;
  guint8 detail;

  /* Claim the slot for reading, keeping its item: the word we replace
   * tells both its state and the item it held. */
  do
    reading = SHMVIZ_SLOT_WORD (SHMVIZ_SLOT_READING, SHMVIZ_SLOT_WORD_ITEM (old));
  while (!atomic_compare_exchange_weak (&slot->word, &old, reading));

  item = SHMVIZ_SLOT_WORD_ITEM (old);
  memcpy (w->payload, payload, w->item_size);
  checksum = slot->checksum;

  detail = (guint8) (SHMVIZ_SLOT_WORD_STATE (old) & SHMVIZ_EV_STATE_MASK);
  if (item != SHMVIZ_ITEM_NONE &&
      checksum != shmviz_item_checksum (item, w->payload, w->item_size))
    detail |= SHMVIZ_EV_FLAG_CORRUPT;
  atomic_compare_exchange_strong (&slot->word, &reading,
                                  SHMVIZ_SLOT_WORD (SHMVIZ_SLOT_EMPTY, item));

  emit (w, SHMVIZ_EV_READ_SLOT, detail, (guint16) slot_index, 0, item, item);
  return item;
}

static void
advance (Worker           *w,
         _Atomic uint32_t *index_word,
         guint             index,
         guint32           count,
         gboolean          producing)
{
  ShmvizRegionHeader *h = w->h;
  guint next = (index + 1) % w->n_slots;
  guint32 new_count = producing ? count + 1 : count - 1;

  atomic_store_explicit (index_word, next, memory_order_relaxed);
  atomic_store_explicit (&h->count, new_count, memory_order_relaxed);

  emit (w, SHMVIZ_EV_ADVANCE, producing ? 0 : 1, (guint16) next, (guint16) new_count, 0,
        SHMVIZ_PACK_INDICES (atomic_load_explicit (&h->in, memory_order_relaxed),
                             atomic_load_explicit (&h->out, memory_order_relaxed),
                             atomic_load_explicit (&h->count, memory_order_relaxed)));
}

/* Alive and not a zombie: a killed worker stays a zombie until the
 * supervisor reaps it, and what it held must not count as held. */
static gboolean
pid_alive (pid_t pid)
{
  char path[64], buf[512];
  const char *p;
  ssize_t n;
  int fd;

  if (pid <= 0 || kill (pid, 0) != 0)
    return FALSE;
  g_snprintf (path, sizeof path, "/proc/%d/stat", (int) pid);
  if ((fd = open (path, O_RDONLY | O_CLOEXEC)) < 0)
    return FALSE;
  n = read (fd, buf, sizeof buf - 1);
  close (fd);
  if (n <= 0)
    return FALSE;
  buf[n] = '\0';
  if (!(p = strrchr (buf, ')')) || p[1] != ' ')
    return TRUE;
  return p[2] != 'Z' && p[2] != 'X';
}

/* Counts of tokens live workers hold, from their own blocks. */
static guint
live_holders (Worker  *w,
              guint32  bit)
{
  guint n = 0;

  for (guint i = 0; i < shmviz_region_n_procs (w->region); i++)
    {
      ShmvizProcBlock *p = shmviz_region_proc (w->region, i);

      /* Ourselves included: the repairer took its counting token before
       * it got the lock. */
      if ((atomic_load (&p->held) & bit) != 0 &&
          (i == w->index || pid_alive (atomic_load (&p->pid))))
        n++;
    }
  return n;
}

/* Brings a semaphore up to @target tokens in all (free ones plus those
 * live workers hold).  Only ever posts: a dead owner leaks tokens, it
 * never makes extra ones. */
static guint
top_up (Worker    *w,
        ShmvizSem  sem,
        guint32    held_bit,
        gint       target)
{
  guint posted = 0;
  int value = 0;

  sem_getvalue (&w->h->sems[sem], &value);
  for (gint have = value + (gint) live_holders (w, held_bit); have < target; have++)
    {
      sem_post (&w->h->sems[sem]);
      posted++;
    }
  return posted;
}

/* We got the robust mutex from a dead owner (EOWNERDEAD): make what it
 * protects consistent again before marking it so.  The dead process may
 * have stopped anywhere in its critical section: a half-written slot is
 * cleared (its write was never recorded), a half-read one is restored
 * (its read was never recorded), the indices are recomputed from the
 * slots, and the counting tokens it took are given back. */
static void
repair_after_owner_death (Worker *w)
{
  ShmvizRegionHeader *h = w->h;
  guint n = w->n_slots;
  guint out = atomic_load (&h->out) % n;
  guint full = 0, posted = 0;
  guint16 dead = SHMVIZ_PROC_SUPERVISOR;
  int empty_value = 0, full_value = 0;

  for (guint i = 0; i < shmviz_region_n_procs (w->region); i++)
    {
      ShmvizProcBlock *p = shmviz_region_proc (w->region, i);
      pid_t pid = atomic_load (&p->pid);

      if (i != w->index && (atomic_load (&p->held) & SHMVIZ_HELD_MUTEX) && !pid_alive (pid))
        dead = (guint16) i;
    }

  for (guint i = 0; i < n; i++)
    {
      ShmvizSlotHeader *slot = shmviz_region_slot (w->region, i);
      guint state = shmviz_slot_state (slot);

      if (state == SHMVIZ_SLOT_WRITING)
        shmviz_slot_set_state (slot, SHMVIZ_SLOT_EMPTY);
      else if (state == SHMVIZ_SLOT_READING)
        shmviz_slot_set_state (slot, SHMVIZ_SLOT_FULL);
      if (shmviz_slot_state (slot) == SHMVIZ_SLOT_FULL)
        full++;
    }

  /* A consumer that read the slot at `out` but died before moving on. */
  for (guint k = 0; full > 0 && k < n; k++)
    {
      if (shmviz_slot_state (shmviz_region_slot (w->region, out)) == SHMVIZ_SLOT_FULL)
        break;
      out = (out + 1) % n;
    }
  atomic_store (&h->out, out);
  atomic_store (&h->in, (out + full) % n);
  atomic_store (&h->count, full);

  posted += top_up (w, SHMVIZ_SEM_EMPTY, SHMVIZ_HELD_EMPTY, (gint) (n - full));
  posted += top_up (w, SHMVIZ_SEM_FULL, SHMVIZ_HELD_FULL, (gint) full);
  if (dead != SHMVIZ_PROC_SUPERVISOR)
    atomic_store (&shmviz_region_proc (w->region, dead)->held, 0);

  sem_getvalue (&h->sems[SHMVIZ_SEM_EMPTY], &empty_value);
  sem_getvalue (&h->sems[SHMVIZ_SEM_FULL], &full_value);
  pthread_mutex_consistent (&h->robust_mutex);

  emit (w, SHMVIZ_EV_REPAIR, (guint8) MIN (posted, 255), dead, (guint16) full,
        ((guint64) (guint32) MAX (empty_value, 0) << 32) | (guint32) MAX (full_value, 0),
        SHMVIZ_PACK_INDICES ((out + full) % n, out, full));
}

/* The robust-mutex mode's lock: the same WAIT/BLOCKED/ACQUIRED steps as the
 * binary semaphore it replaces, so the views need not know. */
static StepResult
robust_lock (Worker *w)
{
  ShmvizRegionHeader *h = w->h;
  guint32 saved_state = atomic_load_explicit (&w->me->state, memory_order_relaxed);
  int r;

  atomic_store_explicit (&w->me->wait_sem, SHMVIZ_SEM_MUTEX, memory_order_relaxed);
  set_state (w, SHMVIZ_PROC_STATE_ACQUIRING);
  emit (w, SHMVIZ_EV_WAIT, SHMVIZ_SEM_MUTEX, 0, 0, 0, 0);

  r = pthread_mutex_trylock (&h->robust_mutex);
  if (r == EBUSY)
    {
      emit (w, SHMVIZ_EV_BLOCKED, SHMVIZ_SEM_MUTEX, 0, 0, 0, 0);
      for (;;)
        {
          guint64 deadline = now_ns () + poll_bound (w);
          struct timespec ts = {
            .tv_sec = deadline / 1000000000u,
            .tv_nsec = deadline % 1000000000u,
          };

          idle_begin (w->me);
          r = pthread_mutex_clocklock (&h->robust_mutex, CLOCK_MONOTONIC, &ts);
          idle_end (w->me);
          if (r != ETIMEDOUT)
            break;
          check_parent (w);
          if (atomic_load (&h->run_state) == SHMVIZ_RUN_STOPPING)
            return STEP_STOP;
          if (atomic_load (&h->epoch) != w->epoch)
            return park (w, atomic_load (&h->epoch), SHMVIZ_EV_BLOCKED);
        }
    }

  if (r != 0 && r != EOWNERDEAD)
    {
      fprintf (stderr, "shmviz-worker %u: robust mutex: %s\n", w->index, g_strerror (r));
      _exit (SHMVIZ_WORKER_EXIT_CORRUPT);
    }

  w->robust_held = TRUE;
  set_held (w, w->held | SHMVIZ_HELD_MUTEX);
  set_state (w, SHMVIZ_PROC_STATE_CRITICAL);
  emit (w, SHMVIZ_EV_ACQUIRED, SHMVIZ_SEM_MUTEX, 0, 0, 0, 0);
  (void) saved_state;
  if (r == EOWNERDEAD)
    repair_after_owner_death (w);
  return STEP_OK;
}

static void
robust_unlock (Worker *w)
{
  /* Cleared first: the block never claims a lock we no longer own (the
   * converse is harmless, EOWNERDEAD tells the next locker anyway). */
  set_held (w, w->held & ~SHMVIZ_HELD_MUTEX);
  w->robust_held = FALSE;
  pthread_mutex_unlock (&w->h->robust_mutex);
  set_state (w, SHMVIZ_PROC_STATE_RUNNING);
  emit (w, SHMVIZ_EV_POST, SHMVIZ_SEM_MUTEX, 0, 0, 0, 0);
}

/* Takes the locks @mode asks for, in its order.  @counting is EMPTY for a
 * producer, FULL for a consumer. */
static StepResult
enter (Worker    *w,
       ShmvizSem  counting)
{
  StepResult r;

  switch (w->mode)
    {
    case SHMVIZ_SYNC_SEMAPHORES:
      if ((r = acquire (w, counting)) != STEP_OK || (r = boundary (w, SHMVIZ_EV_ACQUIRED)) != STEP_OK)
        return r;
      return acquire (w, SHMVIZ_SEM_MUTEX);

    case SHMVIZ_SYNC_WRONG_ORDER:
      if ((r = acquire (w, SHMVIZ_SEM_MUTEX)) != STEP_OK || (r = boundary (w, SHMVIZ_EV_ACQUIRED)) != STEP_OK)
        return r;
      return acquire (w, counting);

    case SHMVIZ_SYNC_MUTEX_ONLY:
      return acquire (w, SHMVIZ_SEM_MUTEX);

    case SHMVIZ_SYNC_ROBUST_MUTEX:
      if ((r = acquire (w, counting)) != STEP_OK || (r = boundary (w, SHMVIZ_EV_ACQUIRED)) != STEP_OK)
        return r;
      return robust_lock (w);

    case SHMVIZ_SYNC_OFF:
    case SHMVIZ_N_SYNC_MODES:
    default:
      /* Touching the shared indices with no lock at all. */
      set_state (w, SHMVIZ_PROC_STATE_CRITICAL);
      return STEP_OK;
    }
}

/* Releases what enter() took; @signal is FULL for a producer, EMPTY for a
 * consumer, and @token the counting token taken on the way in. */
static StepResult
leave (Worker    *w,
       ShmvizSem  signal,
       guint32    token)
{
  StepResult r;

  switch (w->mode)
    {
    case SHMVIZ_SYNC_SEMAPHORES:
    case SHMVIZ_SYNC_WRONG_ORDER:
      release (w, SHMVIZ_SEM_MUTEX, SHMVIZ_HELD_MUTEX);
      if ((r = boundary (w, SHMVIZ_EV_POST)) != STEP_OK)
        return r;
      release (w, signal, token);
      return STEP_OK;

    case SHMVIZ_SYNC_MUTEX_ONLY:
      release (w, SHMVIZ_SEM_MUTEX, SHMVIZ_HELD_MUTEX);
      return STEP_OK;

    case SHMVIZ_SYNC_ROBUST_MUTEX:
      /* Posted before unlocking, unlike the textbook order: a repairer
       * holding the lock then never meets a token half converted from
       * empty to full, whose owner it could not tell apart. */
      release (w, signal, token);
      if ((r = boundary (w, SHMVIZ_EV_POST)) != STEP_OK)
        return r;
      robust_unlock (w);
      return STEP_OK;

    case SHMVIZ_SYNC_OFF:
    case SHMVIZ_N_SYNC_MODES:
    default:
      set_state (w, SHMVIZ_PROC_STATE_RUNNING);
      return STEP_OK;
    }
}

#define STEP(expr) G_STMT_START { StepResult r_ = (expr); if (r_ != STEP_OK) return r_; } G_STMT_END

static gboolean
claim_quota (Worker *w)
{
  guint64 quota;

  if (w->h->items_total == 0)
    return TRUE;
  quota = atomic_load (&w->h->next_item_quota);
  while (quota > 0)
    if (atomic_compare_exchange_weak (&w->h->next_item_quota, &quota, quota - 1))
      return TRUE;
  return FALSE;
}

/* ---- lock-free mode ---------------------------------------------------- */

/* How far slot seq is from what position @pos needs: 0 claimable; < 0 the
 * ring is full (producer) or empty (consumer) there for now; > 0 another
 * worker claimed @pos first. */
static inline gint64
lf_lag (Worker  *w,
        guint64  pos,
        guint64  seq)
{
  return (gint64) (seq - (2 * pos + (w->producer ? 0 : 1)));
}

/* The counters read back for the events, dequeue first so that the count
 * is never negative. */
static guint64
lf_indices (Worker *w)
{
  guint64 deq = atomic_load_explicit (&w->lf->dequeue, memory_order_relaxed);
  guint64 enq = atomic_load_explicit (&w->lf->enqueue, memory_order_relaxed);

  return SHMVIZ_PACK_INDICES (enq % w->n_slots, deq % w->n_slots, enq - deq);
}

/* Wakes one sleeper of the other side, if there is any: the fast path is a
 * fence and a load, no syscall. */
static void
lf_wake (_Atomic uint32_t *word,
         _Atomic uint32_t *sleepers)
{
  /* Pairs with lf_sleep(): either the sleeper's re-check sees what we
   * published, or we see it counted. */
  atomic_thread_fence (memory_order_seq_cst);
  if (atomic_load_explicit (sleepers, memory_order_relaxed) == 0)
    return;
  atomic_fetch_add (word, 1);
  syscall (SYS_futex, (uint32_t *) word, FUTEX_WAKE, 1, NULL, NULL, 0);
}

/* Sleeps until the slot of @pos may have changed, or poll_bound(). */
static void
lf_sleep (Worker           *w,
          _Atomic uint64_t *counter,
          _Atomic uint32_t *word,
          _Atomic uint32_t *sleepers,
          guint64           pos)
{
  guint32 v;

  atomic_fetch_add (sleepers, 1);
  v = atomic_load (word);
  if (lf_lag (w, pos, atomic_load (&w->seqs[pos % w->n_slots].seq)) < 0 &&
      atomic_load (counter) == pos)
    futex_wait (w->me, word, v, poll_bound (w));
  atomic_fetch_sub (sleepers, 1);
}

/* Claims the next position with a compare-and-swap on the producers' or
 * the consumers' counter, spinning and then sleeping while the ring is full
 * (or empty).  Says BLOCKED, as on a semaphore, only when it sleeps. */
static StepResult
lf_claim (Worker  *w,
          guint64 *claimed)
{
  ShmvizRegionHeader *h = w->h;
  ShmvizLockFreeHeader *lf = w->lf;
  _Atomic uint64_t *counter = w->producer ? &lf->enqueue : &lf->dequeue;
  _Atomic uint32_t *word = w->producer ? &lf->not_full : &lf->not_empty;
  _Atomic uint32_t *sleepers = w->producer ? &lf->full_sleepers : &lf->empty_sleepers;
  ShmvizSem waits_for = w->producer ? SHMVIZ_SEM_EMPTY : SHMVIZ_SEM_FULL;
  guint *budget = &w->spin[SHMVIZ_N_SEMS];
  gboolean blocked = FALSE;
  guint spins = 0;
  guint64 pos = atomic_load_explicit (counter, memory_order_relaxed);
  _Atomic uint64_t *other = w->producer ? &lf->dequeue : &lf->enqueue;
  guint64 other_seen = 0;
  guint watch = 0;

  for (;;)
    {
      guint64 seq = atomic_load_explicit (&w->seqs[pos % w->n_slots].seq, memory_order_acquire);
      gint64 lag = lf_lag (w, pos, seq);
      guint64 now_pos;

      if (lag == 0)
        {
          if (atomic_compare_exchange_weak_explicit (counter, &pos, pos + 1,
                                                     memory_order_relaxed, memory_order_relaxed))
            break;
          continue;  /* pos now holds the counter's current value */
        }

      if (lag > 0)
        {
          /* A sequence number is published after its claim, and we read
           * it with acquire: the counter must have moved past pos.  If it
           * did not, someone scribbled on the region. */
          now_pos = atomic_load_explicit (counter, memory_order_relaxed);
          if (now_pos == pos)
            {
              fprintf (stderr,
                       "shmviz-worker %u: lock-free slot %u has sequence %" G_GUINT64_FORMAT
                       " ahead of its position %" G_GUINT64_FORMAT ": region corrupt, detaching\n",
                       w->index, (guint) (pos % w->n_slots), seq, pos);
              _exit (SHMVIZ_WORKER_EXIT_CORRUPT);
            }
          pos = now_pos;
          continue;
        }

      /* Crowded: spin only while the other side is seen moving, that
       * is while one of its workers holds a CPU and will free our slot
       * soon; otherwise it waits for a CPU, and ours is best given up. */
      if (w->crowded && watch < WATCH_WINDOWS)
        {
          guint64 seen = atomic_load_explicit (other, memory_order_relaxed);

          if (watch == 0 || seen != other_seen)
            {
              other_seen = seen;
              watch++;
              for (guint i = 0; i < WATCH_PAUSES; i++)
                cpu_relax ();
              continue;
            }
          watch = WATCH_WINDOWS;
        }
      if (spins < (w->crowded ? YIELD_LOCKFREE : *budget))
        {
          /* Back from a yield, the other side may be running now. */
          watch = 0;
          spins++;
          if (w->crowded)
            sched_yield ();
          else
            cpu_relax ();
          continue;
        }

      if (!blocked)
        {
          if (!w->crowded)
            spin_adapt (budget, FALSE);
          blocked = TRUE;
          atomic_store_explicit (&w->me->wait_sem, waits_for, memory_order_relaxed);
          set_state (w, SHMVIZ_PROC_STATE_ACQUIRING);
          emit (w, SHMVIZ_EV_BLOCKED, waits_for, 0, 0, 0, 0);
        }
      lf_sleep (w, counter, word, sleepers, pos);
      check_parent (w);
      if (atomic_load (&h->run_state) == SHMVIZ_RUN_STOPPING)
        return STEP_STOP;
      if (atomic_load (&h->epoch) != w->epoch)
        return park (w, atomic_load (&h->epoch), SHMVIZ_EV_BLOCKED);
      pos = atomic_load_explicit (counter, memory_order_relaxed);
    }

  if (!blocked && spins > 0 && !w->crowded)
    spin_adapt (budget, TRUE);
  /* Several slots may have freed up while we slept, with one wake-up
   * each: pass one on if the next position is ready too. */
  if (blocked &&
      lf_lag (w, pos + 1, atomic_load (&w->seqs[(pos + 1) % w->n_slots].seq)) == 0)
    lf_wake (word, sleepers);

  *claimed = pos;
  return STEP_OK;
}

/* Publishes the slot of position @pos for the other side: the ADVANCE
 * step of this mode. */
static void
lf_publish (Worker  *w,
            guint64  pos)
{
  guint slot = (guint) (pos % w->n_slots);
  guint64 packed;

  atomic_store_explicit (&w->seqs[slot].seq, w->producer ? 2 * pos + 1 : 2 * (pos + w->n_slots),
                         memory_order_release);
  set_state (w, SHMVIZ_PROC_STATE_RUNNING);
  /* Only for the event: the counters are the lines every claimer hits,
   * and reading them costs a cache miss or two each. */
  if (w->instrument)
    {
      packed = lf_indices (w);
      emit (w, SHMVIZ_EV_ADVANCE, w->producer ? 0 : 1,
            (guint16) (w->producer ? SHMVIZ_UNPACK_IN (packed) : SHMVIZ_UNPACK_OUT (packed)),
            (guint16) MIN (SHMVIZ_UNPACK_COUNT (packed), G_MAXUINT16), 0, packed);
    }
  if (w->producer)
    lf_wake (&w->lf->not_empty, &w->lf->empty_sleepers);
  else
    lf_wake (&w->lf->not_full, &w->lf->full_sleepers);
}

/* The claim is the READ_INDEX step: "slot = index read" is the position
 * just claimed by compare-and-swap. */
static StepResult
lf_enter (Worker *w,
          guint  *slot,
          guint64 *pos)
{
  guint32 count;

  STEP (lf_claim (w, pos));
  *slot = (guint) (*pos % w->n_slots);
  set_state (w, SHMVIZ_PROC_STATE_CRITICAL);
  if (w->instrument)
    {
      count = SHMVIZ_UNPACK_COUNT (lf_indices (w));
      emit (w, SHMVIZ_EV_READ_INDEX, w->producer ? 0 : 1, (guint16) *slot,
            (guint16) MIN (count, G_MAXUINT16), 0, count);
    }
  STEP (delay (w, SHMVIZ_TIMING_RACE_WINDOW));
  return boundary (w, SHMVIZ_EV_READ_INDEX);
}

static StepResult
produce_lockfree (Worker *w)
{
  guint64 pos;
  guint slot;

  STEP (lf_enter (w, &slot, &pos));

  write_slot (w, slot);
  w->pending = SHMVIZ_ITEM_NONE;
  w->items_done++;
  atomic_store_explicit (&w->me->items_done, w->items_done, memory_order_relaxed);
  STEP (boundary (w, SHMVIZ_EV_WRITE_SLOT));

  lf_publish (w, pos);
  return STEP_OK;
}

static StepResult
consume_lockfree (Worker *w)
{
  guint64 pos, item;
  guint slot;

  STEP (lf_enter (w, &slot, &pos));

  item = read_slot (w, slot);
  w->items_done++;
  atomic_store_explicit (&w->me->items_done, w->items_done, memory_order_relaxed);
  STEP (boundary (w, SHMVIZ_EV_READ_SLOT));

  lf_publish (w, pos);
  STEP (boundary (w, SHMVIZ_EV_ADVANCE));

  STEP (delay (w, SHMVIZ_TIMING_CONSUME));
  emit (w, SHMVIZ_EV_CONSUME, 0, 0, 0, item, 0);
  return boundary (w, SHMVIZ_EV_CONSUME);
}

static StepResult
produce_one (Worker   *w,
             gboolean *done)
{
  ShmvizRegionHeader *h = w->h;
  guint in;
  guint32 count;

  if (w->pending == SHMVIZ_ITEM_NONE)
    {
      /* A claim survives an abandoned iteration: the quota is exact. */
      if (!w->claimed && !(w->claimed = claim_quota (w)))
        {
          *done = TRUE;
          return STEP_OK;
        }
      set_state (w, SHMVIZ_PROC_STATE_RUNNING);
      STEP (delay (w, SHMVIZ_TIMING_PRODUCE));
      w->claimed = FALSE;
      w->pending = SHMVIZ_ITEM_ID (w->role_index, ++w->seq);
      atomic_store_explicit (&w->me->last_seq, w->seq, memory_order_relaxed);
      shmviz_item_fill (w->pending, w->payload, w->item_size);
      emit (w, SHMVIZ_EV_PRODUCE, 0, 0, 0, w->pending, 0);
      STEP (boundary (w, SHMVIZ_EV_PRODUCE));
    }

  w->mode = atomic_load (&h->mode);
  if (w->mode == SHMVIZ_SYNC_LOCK_FREE)
    return produce_lockfree (w);
  STEP (enter (w, SHMVIZ_SEM_EMPTY));
  STEP (boundary (w, SHMVIZ_EV_ACQUIRED));

  in = load_index (w, &h->in);
  count = atomic_load_explicit (&h->count, memory_order_relaxed);
  emit (w, SHMVIZ_EV_READ_INDEX, 0, (guint16) in, (guint16) MIN (count, G_MAXUINT16), 0, count);
  /* The race window sits between reading the indices and writing them
   * back: the read-modify-write that synchronization exists to protect. */
  STEP (delay (w, SHMVIZ_TIMING_RACE_WINDOW));
  STEP (boundary (w, SHMVIZ_EV_READ_INDEX));

  write_slot (w, in);
  w->pending = SHMVIZ_ITEM_NONE;
  w->items_done++;
  atomic_store_explicit (&w->me->items_done, w->items_done, memory_order_relaxed);
  STEP (boundary (w, SHMVIZ_EV_WRITE_SLOT));

  advance (w, &h->in, in, count, TRUE);
  STEP (boundary (w, SHMVIZ_EV_ADVANCE));

  return leave (w, SHMVIZ_SEM_FULL, SHMVIZ_HELD_EMPTY);
}

static StepResult
consume_one (Worker *w)
{
  ShmvizRegionHeader *h = w->h;
  guint out;
  guint32 count;
  guint64 item;

  w->mode = atomic_load (&h->mode);
  if (w->mode == SHMVIZ_SYNC_LOCK_FREE)
    return consume_lockfree (w);
  STEP (enter (w, SHMVIZ_SEM_FULL));
  STEP (boundary (w, SHMVIZ_EV_ACQUIRED));

  out = load_index (w, &h->out);
  count = atomic_load_explicit (&h->count, memory_order_relaxed);
  emit (w, SHMVIZ_EV_READ_INDEX, 1, (guint16) out, (guint16) MIN (count, G_MAXUINT16), 0, count);
  STEP (delay (w, SHMVIZ_TIMING_RACE_WINDOW));
  STEP (boundary (w, SHMVIZ_EV_READ_INDEX));

  item = read_slot (w, out);
  w->items_done++;
  atomic_store_explicit (&w->me->items_done, w->items_done, memory_order_relaxed);
  STEP (boundary (w, SHMVIZ_EV_READ_SLOT));

  advance (w, &h->out, out, count, FALSE);
  STEP (boundary (w, SHMVIZ_EV_ADVANCE));

  STEP (leave (w, SHMVIZ_SEM_EMPTY, SHMVIZ_HELD_FULL));
  STEP (boundary (w, SHMVIZ_EV_POST));

  STEP (delay (w, SHMVIZ_TIMING_CONSUME));
  emit (w, SHMVIZ_EV_CONSUME, 0, 0, 0, item, 0);
  return boundary (w, SHMVIZ_EV_CONSUME);
}

/* The CPUs we may run on: the affinity mask (taskset, cgroup cpusets)
 * before the machine's count. */
static guint
usable_cpus (void)
{
  cpu_set_t set;
  long online;

  if (sched_getaffinity (0, sizeof set, &set) == 0 && CPU_COUNT (&set) > 0)
    return (guint) CPU_COUNT (&set);
  online = sysconf (_SC_NPROCESSORS_ONLN);
  return online > 0 ? (guint) online : 1;
}

static int
run (Worker *w)
{
  gboolean done = FALSE;

  while (!done)
    {
      StepResult r = w->producer ? produce_one (w, &done) : consume_one (w);

      if (r == STEP_STOP)
        break;
      /* STEP_ABANDON: parked and released; start the iteration over. */
    }

  set_state (w, SHMVIZ_PROC_STATE_EXITED);
  emit (w, SHMVIZ_EV_EXIT, 0, 0, 0, 0, w->items_done);
  idle_begin (w->me);
  return SHMVIZ_WORKER_EXIT_OK;
}

guint64
shmviz_worker_bench_emit (ShmvizRegion *region,
                          guint         proc,
                          guint64       n_events)
{
  ShmvizProcBlock *me = shmviz_region_proc (region, proc);
  Worker w = { 0 };
  guint64 dropped;

  g_return_val_if_fail (me != NULL, 0);

  w.region = region;
  w.h = shmviz_region_header (region);
  w.me = me;
  w.ring = me->events;
  w.ring_mask = shmviz_region_ring_capacity (region) - 1;
  w.head = atomic_load (&me->head);
  w.index = (guint16) proc;
  w.instrument = TRUE;
  w.tsc = shmviz_region_clock (region) == SHMVIZ_CLOCK_TSC;

  dropped = atomic_load (&me->dropped);
  /* The same call, with the same argument shapes, as a producer's steps. */
  for (guint64 i = 0; i < n_events; i++)
    emit (&w, SHMVIZ_EV_WRITE_SLOT, SHMVIZ_SLOT_EMPTY, (guint16) (i & 7), 0, i + 1, i);
  return atomic_load (&me->dropped) - dropped;
}

int
shmviz_worker_main (int    argc,
                    char **argv)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(ShmvizRegion) region = NULL;
  g_autofree guint8 *payload = NULL;
  Worker w = { 0 };
  guint64 index, parent;
  int status;

  if (argc != 4 ||
      !g_ascii_string_to_unsigned (argv[2], 10, 0, SHMVIZ_MAX_PROCS - 1, &index, NULL) ||
      !g_ascii_string_to_unsigned (argv[3], 10, 1, G_MAXINT32, &parent, NULL))
    {
      fprintf (stderr, "usage: shmviz-worker fd:N|REGION-NAME PROC-INDEX PARENT-PID\n"
                       "(started by shmviz itself, not meant to be run by hand)\n");
      return SHMVIZ_WORKER_EXIT_USAGE;
    }

  /* Die with the supervisor, and close the race where it died before. */
  prctl (PR_SET_PDEATHSIG, SIGKILL);
  if (getppid () != (pid_t) parent)
    return SHMVIZ_WORKER_EXIT_ORPHAN;

  /* "fd:N": the region's descriptor inherited from the supervisor, whose
   * name is already gone; a name is still accepted for tools. */
  if (g_str_has_prefix (argv[1], "fd:"))
    {
      guint64 fd;

      if (!g_ascii_string_to_unsigned (argv[1] + 3, 10, 3, 1023, &fd, NULL))
        {
          fprintf (stderr, "shmviz-worker: “%s” is not a descriptor\n", argv[1]);
          return SHMVIZ_WORKER_EXIT_USAGE;
        }
      region = shmviz_region_open_fd ((int) fd, &error);
      close ((int) fd);
    }
  else
    region = shmviz_region_open (argv[1], &error);

  if (!region)
    {
      fprintf (stderr, "shmviz-worker: %s\n", error->message);
      return SHMVIZ_WORKER_EXIT_REGION;
    }
  if (index >= shmviz_region_n_procs (region))
    {
      fprintf (stderr, "shmviz-worker: process index %u is outside the region's %u processes\n",
               (guint) index, shmviz_region_n_procs (region));
      return SHMVIZ_WORKER_EXIT_USAGE;
    }

  w.region = region;
  w.h = shmviz_region_header (region);
  w.me = shmviz_region_proc (region, (guint) index);
  w.ring = w.me->events;
  w.ring_mask = shmviz_region_ring_capacity (region) - 1;
  w.index = (guint16) index;
  w.producer = index < w.h->n_producers;
  w.role_index = w.producer ? (guint) index : (guint) index - w.h->n_producers;
  w.n_slots = shmviz_region_n_slots (region);
  w.item_size = shmviz_region_item_size (region);
  w.instrument = w.h->instrument != 0;
  w.tsc = shmviz_region_clock (region) == SHMVIZ_CLOCK_TSC;
  w.parent = (pid_t) parent;
  w.payload = payload = g_malloc0 (w.item_size);
  w.lf = shmviz_region_lockfree (region);
  w.seqs = shmviz_region_slot_seq (region, 0);
  for (guint i = 0; i < G_N_ELEMENTS (w.spin); i++)
    w.spin[i] = SPIN_START;
  w.crowded = shmviz_region_n_procs (region) > usable_cpus ();
  /* Our ring may hold events of an earlier incarnation at this index. */
  w.head = atomic_load (&w.me->head);
  /* Started again at this index: go on where the last one stopped. */
  w.seq = atomic_load (&w.me->last_seq);
  w.items_done = atomic_load (&w.me->items_done);
  /* The barrier released last: one in progress now parks us at our first
   * step, so a worker started during a rebuild never runs under it. */
  w.epoch = atomic_load (&w.h->released_epoch);

  atomic_store (&w.me->parked_epoch, w.epoch);
  set_held (&w, 0);
  set_state (&w, SHMVIZ_PROC_STATE_RUNNING);
  atomic_store (&w.me->pid, (int32_t) getpid ());
  idle_end (w.me);
  emit (&w, SHMVIZ_EV_START, 0, 0, w.producer ? SHMVIZ_ROLE_PRODUCER : SHMVIZ_ROLE_CONSUMER,
        0, (guint64) getpid ());

  status = run (&w);
  return status;
}
