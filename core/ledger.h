/* ledger.h — finds and explains every anomaly in an event stream
 *
 * A pure module: no I/O, no clock, no globals.  It folds ShmvizEvents and
 * keeps, for every produced item, whether it is still in the buffer, was
 * consumed, or was lost; for every slot, which item the stream says is in
 * it.  Each item ends in exactly one of those three, so with any mode
 *
 *     produced == consumed + lost + in_buffer
 *
 * and with `semaphores` lost, duplicated, empty_reads, corrupt and
 * index_drift are all zero.  The rules below are order-tolerant: the live
 * source merges per-process rings by timestamp, and a rare late event must
 * not change which category an item ends in.
 *
 * Rules (see event.h for the fields):
 *  - WRITE_SLOT: produced += 1.  If the state replaced was FULL or WRITING
 *    and the replaced item is neither consumed nor lost, it is LOST (the
 *    writer is the actor).  With SHMVIZ_EV_FLAG_RACED the written item was
 *    taken by a reader in mid-write, so unless already consumed it is LOST
 *    too.
 *  - READ_SLOT replacing EMPTY, or reading item 0 / an id whose producer is
 *    out of range: EMPTY_READ (nothing consumed).
 *  - READ_SLOT replacing WRITING, or with SHMVIZ_EV_FLAG_CORRUPT: CORRUPT
 *    (torn).  The item counts as consumed unless already lost.
 *  - READ_SLOT of an item already consumed: DUPLICATE.  Otherwise the item
 *    becomes consumed (first consumer remembered, for explanations).
 *  - ADVANCE: the indices read back give in, out and count; when
 *    (in - out) mod n_slots differs from count mod n_slots, and the
 *    difference is not the one last reported, INDEX_DRIFT.
 *  - SLOT_MOVED / SLOT_CLEARED / RESYNC (supervisor) keep the slot map true
 *    after a rebuild; a cleared item that was neither consumed nor lost is
 *    LOST with the supervisor as actor.
 *  - shmviz_ledger_check_stall(): every live worker BLOCKED for at least
 *    stall_ns, with a live producer and a live consumer: DEADLOCK, once
 *    per stall.  Any event from a worker ends the stall.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <glib.h>

#include "event.h"

G_BEGIN_DECLS

/* Extra flag bit for WRITE_SLOT.detail (beside the replaced state). */
#define SHMVIZ_EV_FLAG_RACED 0x40u

typedef enum {
  SHMVIZ_ANOMALY_LOST = 0,     /* overwritten before anyone consumed it */
  SHMVIZ_ANOMALY_DUPLICATE,    /* consumed a second time */
  SHMVIZ_ANOMALY_EMPTY_READ,   /* read from a slot that held no item */
  SHMVIZ_ANOMALY_CORRUPT,      /* torn: read while written, checksum mismatch */
  SHMVIZ_ANOMALY_INDEX_DRIFT,  /* count != in - out */
  SHMVIZ_ANOMALY_DEADLOCK,     /* every live worker blocked */
  SHMVIZ_N_ANOMALY_KINDS
} ShmvizAnomalyKind;

#define SHMVIZ_ANOMALY_MAX_PROCS 8
#define SHMVIZ_NO_PROC 0xFFFFu

typedef struct {
  ShmvizAnomalyKind kind;
  guint64 ts_ns;         /* when it was revealed (the causing event's time) */
  guint   slot;          /* G_MAXUINT where no slot applies */
  guint64 item;          /* the victim: lost, duplicated, torn or stale item */
  guint64 other_item;    /* LOST: the item written over it */
  guint16 actor;         /* process whose step revealed it */
  guint16 earlier;       /* DUPLICATE: first consumer; LOST: its producer */
  guint64 earlier_ts_ns; /* DUPLICATE: first consumption; LOST: when written */
  /* INDEX_DRIFT: in, out, count read back.  DEADLOCK: mutex holder (or
   * SHMVIZ_NO_PROC) in values[0]. */
  guint32 values[3];
  /* DEADLOCK: every blocked process, and the semaphore it waits on. */
  guint   n_procs;
  guint16 procs[SHMVIZ_ANOMALY_MAX_PROCS];
  guint8  waits[SHMVIZ_ANOMALY_MAX_PROCS];
  ShmvizEvent cause;
} ShmvizAnomaly;

typedef struct {
  guint64 produced;
  guint64 consumed;      /* distinct items consumed at least once */
  guint64 in_buffer;
  guint64 lost;
  guint64 duplicated;
  guint64 empty_reads;
  guint64 corrupt;
  guint64 index_drift;
  guint64 deadlocks;
  guint64 dropped_events;
  guint64 events;
} ShmvizTotals;

/* The anomaly list is for people and exports: it keeps the first this
 * many, and the totals keep counting after it is full. */
#define SHMVIZ_LEDGER_MAX_ANOMALIES 100000u

typedef struct _ShmvizLedger ShmvizLedger;

ShmvizLedger *shmviz_ledger_new          (guint                n_producers,
                                          guint                n_consumers,
                                          guint                n_slots);
void          shmviz_ledger_free         (ShmvizLedger        *ledger);
/* Folds one event.  Returns how many anomalies it revealed; they are the
 * last ones of shmviz_ledger_get_anomalies(). */
guint         shmviz_ledger_fold         (ShmvizLedger        *ledger,
                                          const ShmvizEvent   *event);
guint         shmviz_ledger_check_stall  (ShmvizLedger        *ledger,
                                          guint64              now_ns,
                                          guint64              stall_ns);
const ShmvizAnomaly *shmviz_ledger_get_anomalies (ShmvizLedger *ledger,
                                                  guint        *n_anomalies);
void          shmviz_ledger_get_totals   (ShmvizLedger        *ledger,
                                          ShmvizTotals        *totals);
/* The item the stream says slot @slot holds, SHMVIZ_ITEM_NONE when empty. */
guint64       shmviz_ledger_slot_item    (ShmvizLedger        *ledger,
                                          guint                slot);
gboolean      shmviz_ledger_in_deadlock  (ShmvizLedger        *ledger);

/* Snapshot support for recordings (see docs/recording-format.md): the
 * whole state but the anomaly list, which travels separately.  restore()
 * parses what serialize() appended, starting at *@pos and advancing it,
 * validates every count and value, and returns NULL for anything it would
 * not have written; @anomalies must be the @n_anomalies the ledger had. */
void          shmviz_ledger_serialize    (ShmvizLedger        *ledger,
                                          GByteArray          *out);
ShmvizLedger *shmviz_ledger_restore      (const guint8        *data,
                                          gsize                len,
                                          gsize               *pos,
                                          const ShmvizAnomaly *anomalies,
                                          guint                n_anomalies);

const char   *shmviz_anomaly_kind_name   (ShmvizAnomalyKind    kind);
/* One plain-language sentence, e.g. "P2 wrote P2#17 into slot 3 before any
 * consumer had taken P1#9 there: P1#9 is lost."  Translated. */
char         *shmviz_anomaly_describe    (const ShmvizAnomaly *anomaly,
                                          guint                n_producers);

/* "P1", "C2", "supervisor" for a process index. */
char         *shmviz_proc_label          (guint                proc,
                                          guint                n_producers);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (ShmvizLedger, shmviz_ledger_free)

G_END_DECLS
