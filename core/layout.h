/* layout.h — the bytes of the shared region
 *
 *   +--------------------+ 0
 *   | ShmvizRegionHeader |  magic, version, sizes, offsets, config, control,
 *   |                    |  the three semaphores, in/out/count
 *   +--------------------+ slots_offset
 *   | ShmvizSlotHeader + payload, n_slots times (slot_stride apart)
 *   +--------------------+ procs_offset
 *   | ShmvizProcBlock + event ring, n_procs times (proc_stride apart)
 *   +--------------------+ lockfree_offset
 *   | ShmvizLockFreeHeader, then ShmvizSlotSeq n_slots times
 *   +--------------------+ total_size
 *
 * Fixed-size records, no pointers, every offset relative to the start.  The
 * writer of each field is noted: a reader must never trust a field written
 * by someone else without bounds-checking it first (see region.c).
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <pthread.h>
#include <semaphore.h>
#include <stddef.h>
#include <stdatomic.h>
#include <stdint.h>

#include "event.h"
#include "scenario.h"

G_BEGIN_DECLS

#define SHMVIZ_REGION_MAGIC   G_GUINT64_CONSTANT (0x31305a564d48535f) /* "_SHMVZ01" */
#define SHMVIZ_LAYOUT_VERSION 4u
#define SHMVIZ_CACHELINE      64u

typedef enum {
  SHMVIZ_RUN_RUNNING = 0,
  SHMVIZ_RUN_PAUSED,
  SHMVIZ_RUN_STOPPING,
} ShmvizRunState;

/* What the workers stamp their events with.  Reading the TSC costs a third
 * of clock_gettime(), which is most of an event's cost; the session turns
 * the ticks into CLOCK_MONOTONIC ns as it drains (see session-drain.c), so
 * nothing past the rings ever sees a tick.  Only where the kernel itself
 * keeps CLOCK_MONOTONIC on the TSC, which vouches for it being invariant
 * and synchronized across CPUs. */
typedef enum {
  SHMVIZ_CLOCK_MONOTONIC = 0,   /* ns of CLOCK_MONOTONIC */
  SHMVIZ_CLOCK_TSC = 1,         /* x86-64 time-stamp counter ticks */
  SHMVIZ_N_CLOCKS
} ShmvizClock;

#if defined(__x86_64__)
#define SHMVIZ_HAVE_TSC 1

/* Plain: may execute before earlier instructions finish, but a stamp only
 * has to precede the later release store that publishes its event. */
static inline uint64_t
shmviz_tsc_read (void)
{
  return __builtin_ia32_rdtsc ();
}

/* Ordered both ways: after every earlier instruction has completed (with a
 * fence before it, after earlier stores are visible), and before any later
 * load starts. */
static inline uint64_t
shmviz_tsc_read_ordered (void)
{
  uint64_t t;

  __builtin_ia32_lfence ();
  t = __builtin_ia32_rdtsc ();
  __builtin_ia32_lfence ();
  return t;
}
#endif

/* The clock a region created now should use: TSC where SHMVIZ_HAVE_TSC and
 * the kernel's clocksource is "tsc", unless SHMVIZ_CLOCK=monotonic is set in
 * the environment (tests and benchmarks compare both).  region.c. */
ShmvizClock shmviz_region_default_clock (void);

typedef enum {
  SHMVIZ_ROLE_PRODUCER = 0,
  SHMVIZ_ROLE_CONSUMER = 1,
  SHMVIZ_ROLE_SUPERVISOR = 2,
} ShmvizRole;

/* What a worker is doing, published by the worker itself. */
typedef enum {
  SHMVIZ_PROC_STATE_NEW = 0,
  SHMVIZ_PROC_STATE_RUNNING,     /* outside the critical section */
  SHMVIZ_PROC_STATE_ACQUIRING,   /* waiting on wait_sem */
  SHMVIZ_PROC_STATE_CRITICAL,    /* between taking and releasing the lock */
  SHMVIZ_PROC_STATE_PARKED,      /* stopped at a barrier */
  SHMVIZ_PROC_STATE_PAUSED,      /* waiting for a step */
  SHMVIZ_PROC_STATE_EXITED,
  SHMVIZ_N_PROC_STATES
} ShmvizProcState;

/* Bits of ShmvizProcBlock.held: what the semaphores cannot tell us, because
 * POSIX semaphores have no owner. */
#define SHMVIZ_HELD_EMPTY  (1u << SHMVIZ_SEM_EMPTY)   /* took an empty-slot token */
#define SHMVIZ_HELD_FULL   (1u << SHMVIZ_SEM_FULL)    /* took a full-slot token */
#define SHMVIZ_HELD_MUTEX  (1u << SHMVIZ_SEM_MUTEX)

typedef struct {
  /* Written by the creator once, before any worker starts. */
  uint64_t magic;
  uint32_t layout_version;
  uint32_t header_size;
  uint64_t total_size;
  uint64_t slots_offset;
  uint64_t slot_stride;
  uint64_t procs_offset;
  uint64_t proc_stride;
  uint32_t ring_capacity;        /* events per ring, a power of two */
  uint32_t n_procs;              /* n_producers + n_consumers */
  int32_t  creator_pid;
  uint32_t creator_uid;
  uint64_t creator_start_time;   /* /proc/PID/stat field 22, against pid reuse */
  uint32_t n_producers;
  uint32_t n_consumers;
  uint32_t n_slots;
  uint32_t item_size;
  uint64_t items_total;          /* 0 = until stopped */
  uint64_t seed;
  uint32_t instrument;
  uint32_t clock;                /* ShmvizClock of the workers' event stamps */
  uint64_t lockfree_offset;      /* ShmvizLockFreeHeader, then a ShmvizSlotSeq per slot */
  uint8_t  _pad1[SHMVIZ_CACHELINE - 16];

  /* Control: written by the supervisor, read by workers once per step. */
  _Alignas (SHMVIZ_CACHELINE) _Atomic uint32_t wake;   /* futex word, bumped on every change */
  _Atomic uint32_t mode;            /* ShmvizSyncMode */
  _Atomic uint32_t run_state;       /* ShmvizRunState */
  _Atomic uint32_t epoch;           /* barrier requested when > a worker's parked_epoch */
  _Atomic uint32_t released_epoch;  /* barrier released up to here */
  _Atomic uint32_t generation;      /* bumped at every rebuild of the shared state */
  _Atomic uint32_t speed_permille;
  uint32_t _pad2;
  _Atomic uint64_t timing_ns[SHMVIZ_N_TIMINGS];

  /* The bounded buffer's own shared state: racy on purpose when sync is off. */
  _Alignas (SHMVIZ_CACHELINE) sem_t sems[SHMVIZ_N_SEMS];
  _Alignas (SHMVIZ_CACHELINE) _Atomic uint32_t in;
  _Alignas (SHMVIZ_CACHELINE) _Atomic uint32_t out;
  _Alignas (SHMVIZ_CACHELINE) _Atomic uint32_t count;
  _Alignas (SHMVIZ_CACHELINE) _Atomic uint64_t next_item_quota; /* items not yet claimed by producers */
  /* robust-mutex mode: replaces the binary semaphore; process-shared and
   * robust, so the next locker learns that the owner died (EOWNERDEAD). */
  _Alignas (SHMVIZ_CACHELINE) pthread_mutex_t robust_mutex;
} ShmvizRegionHeader;

/* A slot's state and the id of the item in it share one word, so that a
 * worker's exchange observes both at once: with two words, two producers
 * racing on one slot could each see half of the other's write, and an item
 * overwritten that way would go unreported.  Item ids never use the top
 * bits (producer numbers fit in 7 bits above a 48-bit sequence). */
typedef struct {
  _Atomic uint64_t word;         /* SHMVIZ_SLOT_WORD (state, item) */
  uint32_t checksum;             /* over item id and payload */
  uint32_t _pad;
  /* payload[item_size] follows */
} ShmvizSlotHeader;

#define SHMVIZ_SLOT_STATE_SHIFT 62
#define SHMVIZ_SLOT_WORD(state, item) \
  ((((uint64_t) (state) & 3u) << SHMVIZ_SLOT_STATE_SHIFT) | \
   ((uint64_t) (item) & ((G_GUINT64_CONSTANT (1) << SHMVIZ_SLOT_STATE_SHIFT) - 1)))
#define SHMVIZ_SLOT_WORD_STATE(word) ((guint) ((word) >> SHMVIZ_SLOT_STATE_SHIFT))
#define SHMVIZ_SLOT_WORD_ITEM(word) \
  ((word) & ((G_GUINT64_CONSTANT (1) << SHMVIZ_SLOT_STATE_SHIFT) - 1))

static inline guint
shmviz_slot_state (ShmvizSlotHeader *slot)
{
  return SHMVIZ_SLOT_WORD_STATE (atomic_load (&slot->word));
}

static inline guint64
shmviz_slot_item (ShmvizSlotHeader *slot)
{
  return SHMVIZ_SLOT_WORD_ITEM (atomic_load (&slot->word));
}

/* Sets the state, keeping the item: for the supervisor at a barrier and a
 * repairer under the lock, when nobody else touches slots. */
static inline void
shmviz_slot_set_state (ShmvizSlotHeader *slot,
                       guint             state)
{
  atomic_store (&slot->word, SHMVIZ_SLOT_WORD (state, shmviz_slot_item (slot)));
}

typedef struct {
  /* Written by the supervisor before spawning. */
  uint32_t role;                 /* ShmvizRole */
  uint32_t role_index;           /* 0-based among its role */
  /* Written by the worker. */
  _Atomic int32_t  pid;
  _Atomic uint32_t state;        /* ShmvizProcState */
  _Atomic uint32_t wait_sem;     /* ShmvizSem being acquired, valid in ACQUIRING */
  _Atomic uint32_t held;         /* SHMVIZ_HELD_* */
  _Atomic uint32_t parked_epoch;
  _Atomic uint32_t step_credit;  /* supervisor adds, worker takes: single steps while paused */
  _Atomic uint64_t items_done;
  _Atomic uint64_t steps;
  /* 1 while the worker sleeps (or before it starts): its next event will be
   * stamped after the drainer reads this 1.  Lets the drainer merge rings in
   * exact timestamp order without a lock (see session.c). */
  _Atomic uint32_t idle;
  /* Producers: the last sequence number used, so a worker started again
   * at this index never reuses an item id. */
  _Atomic uint64_t last_seq;

  /* Event ring: the worker writes head, the drainer writes tail. */
  _Alignas (SHMVIZ_CACHELINE) _Atomic uint64_t head;
  _Alignas (SHMVIZ_CACHELINE) _Atomic uint64_t tail;
  _Atomic uint64_t dropped;      /* written by the worker */
  _Alignas (SHMVIZ_CACHELINE) ShmvizEvent events[];  /* ring_capacity of them */
} ShmvizProcBlock;

/* The lock-free mode's shared state (SHMVIZ_SYNC_LOCK_FREE), a part of its
 * own after the process blocks: Vyukov's bounded MPMC queue needs a 64-bit
 * sequence number per slot that ShmvizSlotHeader has no room for.  A
 * producer claims position p with a CAS on enqueue once seq[p % n] == 2p and
 * publishes seq = 2p + 1; a consumer claims p on dequeue once seq == 2p + 1
 * and frees the slot with seq = 2(p + n).  (Vyukov uses p, p + 1 and p + n,
 * which cannot tell "published" from "free" with one slot; doubling can.)
 * Only the sleeps when the ring is full or empty go through the kernel.  Written by workers; rebuilt by the
 * supervisor at every barrier (see lockfree.c). */
typedef struct {
  _Alignas (SHMVIZ_CACHELINE) _Atomic uint64_t enqueue;  /* next position a producer claims */
  _Alignas (SHMVIZ_CACHELINE) _Atomic uint64_t dequeue;  /* next position a consumer claims */
  /* Futex words with their sleeper counts: a worker bumps the word and
   * wakes only when someone sleeps, so the fast path makes no syscall. */
  _Alignas (SHMVIZ_CACHELINE) _Atomic uint32_t not_full;
  _Atomic uint32_t full_sleepers;
  _Alignas (SHMVIZ_CACHELINE) _Atomic uint32_t not_empty;
  _Atomic uint32_t empty_sleepers;
} ShmvizLockFreeHeader;

/* One cache line each, so that neighbouring slots do not share one. */
typedef struct {
  _Atomic uint64_t seq;
  uint8_t _pad[SHMVIZ_CACHELINE - 8];
} ShmvizSlotSeq;

static_assert (sizeof (ShmvizSlotHeader) == 16, "slot header layout");
static_assert (sizeof (ShmvizLockFreeHeader) % SHMVIZ_CACHELINE == 0, "lock-free header layout");
static_assert (sizeof (ShmvizSlotSeq) == SHMVIZ_CACHELINE, "slot sequence layout");
static_assert (sizeof (ShmvizProcBlock) % SHMVIZ_CACHELINE == 0, "proc block layout");
static_assert (offsetof (ShmvizProcBlock, head) == SHMVIZ_CACHELINE, "proc block header fits a cache line");
static_assert (sizeof (ShmvizRegionHeader) % SHMVIZ_CACHELINE == 0, "region header layout");

G_END_DECLS
