/* event.h — the one record every source of shmviz yields
 *
 * Workers append one ShmvizEvent per step of the bounded-buffer algorithm to
 * their own ring in the shared region; the supervisor appends control events
 * to a ring of its own.  Recordings store the same records.  Everything above
 * the sources (model, ledger, views, exporters) sees only this type.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <stdint.h>
#include <assert.h>

#include <glib.h>

G_BEGIN_DECLS

/* Process index of the supervisor's own control events. */
#define SHMVIZ_PROC_SUPERVISOR 0xFFFFu

/* An item id names one produced item: the producer's number (1-based) in the
 * top 16 bits, its sequence number (1-based) below.  0 means "no item", which
 * is also what a slot holds before anyone wrote it.
 */
#define SHMVIZ_ITEM_NONE 0u
#define SHMVIZ_ITEM_ID(producer, seq) \
  ((((uint64_t)(producer) + 1u) << 48) | ((uint64_t)(seq) & G_GUINT64_CONSTANT (0xFFFFFFFFFFFF)))
#define SHMVIZ_ITEM_PRODUCER(id) ((int)(((id) >> 48) & 0xFFFF) - 1)
#define SHMVIZ_ITEM_SEQ(id)      ((id) & G_GUINT64_CONSTANT (0xFFFFFFFFFFFF))

typedef enum {
  SHMVIZ_SEM_EMPTY = 0,
  SHMVIZ_SEM_FULL  = 1,
  SHMVIZ_SEM_MUTEX = 2,
  SHMVIZ_N_SEMS
} ShmvizSem;

/* Physical state word of a slot.  Workers change it with an atomic exchange
 * so the state they replaced is an observed fact, not an inference: a
 * producer that replaces FULL has overwritten an item nobody took.
 */
typedef enum {
  SHMVIZ_SLOT_EMPTY   = 0,
  SHMVIZ_SLOT_WRITING = 1,
  SHMVIZ_SLOT_FULL    = 2,
  SHMVIZ_SLOT_READING = 3,
  SHMVIZ_N_SLOT_STATES
} ShmvizSlotState;

typedef enum {
  /* Worker steps.  Field use is listed beside each kind. */
  SHMVIZ_EV_NONE = 0,
  SHMVIZ_EV_START,        /* worker attached; value = role, other = pid */
  SHMVIZ_EV_PRODUCE,      /* item = the item made (after the produce time) */
  SHMVIZ_EV_WAIT,         /* detail = ShmvizSem: starts acquiring */
  SHMVIZ_EV_BLOCKED,      /* detail = ShmvizSem: trywait failed, now sleeping */
  SHMVIZ_EV_ACQUIRED,     /* detail = ShmvizSem; value = value seen after (if known) */
  SHMVIZ_EV_POST,         /* detail = ShmvizSem */
  SHMVIZ_EV_READ_INDEX,   /* detail = 0 for in, 1 for out; slot = index read */
  SHMVIZ_EV_WRITE_SLOT,   /* slot, item = written, other = item replaced,
                           * detail = ShmvizSlotState replaced */
  SHMVIZ_EV_READ_SLOT,    /* slot, item = item read, other = item id in slot header,
                           * detail = ShmvizSlotState replaced | SHMVIZ_EV_FLAG_CORRUPT */
  SHMVIZ_EV_ADVANCE,      /* detail = 0 producer (in), 1 consumer (out);
                           * slot = index written, value = count written,
                           * other = SHMVIZ_PACK_INDICES (in, out, count) read back */
  SHMVIZ_EV_CONSUME,      /* item = the item used (after the consume time) */
  SHMVIZ_EV_ABANDON,      /* iteration given up at a barrier; value = step it was at */
  SHMVIZ_EV_PARKED,       /* value = epoch */
  SHMVIZ_EV_RESUMED,      /* value = epoch */
  SHMVIZ_EV_EXIT,         /* other = items done */
  SHMVIZ_EV_REPAIR,       /* robust-mutex: took the lock from a dead owner and
                           * repaired: slot = dead proc (or SHMVIZ_PROC_SUPERVISOR
                           * if unknown), value = count, other = packed
                           * in/out/count, item = empty << 32 | full values,
                           * detail = tokens given back */

  /* Supervisor (proc = SHMVIZ_PROC_SUPERVISOR); slot = target process where
   * one applies. */
  SHMVIZ_EV_SESSION = 32, /* value = n_slots, other = scenario digest */
  SHMVIZ_EV_SPAWNED,      /* slot = proc, other = pid */
  SHMVIZ_EV_DIED,         /* slot = proc, value = exit status or signal,
                           * detail = 1 if killed by a signal */
  SHMVIZ_EV_MODE,         /* value = ShmvizSyncMode now in force */
  SHMVIZ_EV_SPEED,        /* other = speed in permille (0 = full speed) */
  SHMVIZ_EV_PAUSE,        /* value = 1 paused, 0 running */
  SHMVIZ_EV_STEP,         /* slot = proc granted one step */
  SHMVIZ_EV_RESYNC,       /* value = count rebuilt; other = SHMVIZ_PACK_INDICES */
  SHMVIZ_EV_SLOT_MOVED,   /* slot = to, value = from, item = item moved */
  SHMVIZ_EV_SLOT_CLEARED, /* slot; item = what was dropped (torn/half written) */
  SHMVIZ_EV_TIMING,       /* value = which (ShmvizTiming), other = ns */
  SHMVIZ_EV_DROPPED,      /* slot = proc whose ring overflowed, other = events lost */
  SHMVIZ_EV_STOP,         /* stop requested */
  SHMVIZ_EV_KILL,         /* slot = proc, value = signal sent on request */
  SHMVIZ_EV_STOPPED,      /* slot = proc, value = 1 stopped by a signal
                           * (SIGSTOP…), 0 running again: seen by the
                           * supervisor, since a stopped process records
                           * nothing */
  SHMVIZ_EV_LAST
} ShmvizEventKind;

#define SHMVIZ_EV_FLAG_CORRUPT 0x80u
#define SHMVIZ_EV_STATE_MASK   0x0Fu

#define SHMVIZ_PACK_INDICES(in, out, count) \
  (((uint64_t)(in) & 0xFFFF) | (((uint64_t)(out) & 0xFFFF) << 16) | (((uint64_t)(count) & 0xFFFFFFFF) << 32))
#define SHMVIZ_UNPACK_IN(p)    ((guint)((p) & 0xFFFF))
#define SHMVIZ_UNPACK_OUT(p)   ((guint)(((p) >> 16) & 0xFFFF))
#define SHMVIZ_UNPACK_COUNT(p) ((guint32)((p) >> 32))

typedef struct {
  uint64_t ts_ns;   /* CLOCK_MONOTONIC, taken when the step completed */
  uint64_t item;
  uint64_t other;
  uint16_t proc;
  uint8_t  kind;    /* ShmvizEventKind */
  uint8_t  detail;
  uint16_t slot;
  uint16_t value;
} ShmvizEvent;

static_assert (sizeof (ShmvizEvent) == 32, "ShmvizEvent is a 32-byte record");

const char *shmviz_event_kind_name (guint kind);
const char *shmviz_sem_name        (guint sem);
const char *shmviz_slot_state_name (guint state);

/* "P1#9", "C2" style names shown everywhere a person reads them. */
char *shmviz_item_label (uint64_t item);

G_END_DECLS
