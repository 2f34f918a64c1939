/* test-ledger.c — every anomaly the ledger finds, from synthetic streams
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <locale.h>
#include <string.h>

#include "layout.h"
#include "ledger.h"

#define MS G_GUINT64_CONSTANT (1000000)

static ShmvizEvent
mkev (guint64 ts,
      guint   proc,
      guint   kind,
      guint   detail,
      guint   slot,
      guint64 item,
      guint64 other)
{
  ShmvizEvent ev = { 0 };

  ev.ts_ns = ts;
  ev.proc = (guint16) proc;
  ev.kind = (guint8) kind;
  ev.detail = (guint8) detail;
  ev.slot = (guint16) slot;
  ev.item = item;
  ev.other = other;
  return ev;
}

static guint
fold (ShmvizLedger *ledger,
      ShmvizEvent   ev)
{
  return shmviz_ledger_fold (ledger, &ev);
}

static void
assert_conservation (ShmvizLedger *ledger)
{
  ShmvizTotals t;

  shmviz_ledger_get_totals (ledger, &t);
  g_assert_cmpuint (t.produced, ==, t.consumed + t.lost + t.in_buffer);
}

static const ShmvizAnomaly *
only_anomaly (ShmvizLedger      *ledger,
              ShmvizAnomalyKind  kind)
{
  guint n = 0;
  const ShmvizAnomaly *a = shmviz_ledger_get_anomalies (ledger, &n);

  g_assert_cmpuint (n, ==, 1);
  g_assert_cmpint (a[0].kind, ==, kind);
  return &a[0];
}

static void
assert_describes (const ShmvizAnomaly *a,
                  guint                n_producers,
                  const char * const  *needles)
{
  g_autofree char *text = shmviz_anomaly_describe (a, n_producers);

  g_test_message ("%s: %s", shmviz_anomaly_kind_name (a->kind), text);
  g_assert_nonnull (text);
  g_assert_true (g_str_has_suffix (text, "."));
  for (guint i = 0; needles[i] != NULL; i++)
    {
      if (strstr (text, needles[i]) == NULL)
        g_error ("“%s” does not mention “%s”", text, needles[i]);
    }
}

/* Two producers, one consumer: P2 overwrites P1's item in slot 3. */
static void
test_lost (void)
{
  g_autoptr(ShmvizLedger) l = shmviz_ledger_new (2, 1, 4);
  guint64 p1_9 = SHMVIZ_ITEM_ID (0, 9);
  guint64 p2_17 = SHMVIZ_ITEM_ID (1, 17);
  const ShmvizAnomaly *a;
  ShmvizTotals t;

  g_assert_cmpuint (fold (l, mkev (10, 0, SHMVIZ_EV_WRITE_SLOT, SHMVIZ_SLOT_EMPTY, 3, p1_9, 0)), ==, 0);
  g_assert_cmpuint (shmviz_ledger_slot_item (l, 3), ==, p1_9);
  g_assert_cmpuint (fold (l, mkev (20, 1, SHMVIZ_EV_WRITE_SLOT, SHMVIZ_SLOT_FULL, 3, p2_17, p1_9)), ==, 1);
  assert_conservation (l);

  a = only_anomaly (l, SHMVIZ_ANOMALY_LOST);
  g_assert_cmpuint (a->slot, ==, 3);
  g_assert_cmpuint (a->item, ==, p1_9);
  g_assert_cmpuint (a->other_item, ==, p2_17);
  g_assert_cmpuint (a->actor, ==, 1);
  g_assert_cmpuint (a->earlier, ==, 0);
  g_assert_cmpuint (a->earlier_ts_ns, ==, 10);
  g_assert_cmpuint (a->ts_ns, ==, 20);
  g_assert_cmpuint (shmviz_ledger_slot_item (l, 3), ==, p2_17);

  shmviz_ledger_get_totals (l, &t);
  g_assert_cmpuint (t.produced, ==, 2);
  g_assert_cmpuint (t.lost, ==, 1);
  g_assert_cmpuint (t.in_buffer, ==, 1);
  g_assert_cmpuint (t.consumed, ==, 0);
  g_assert_cmpuint (t.events, ==, 2);

  /* A late read of the lost item (merged after its overwrite) does not
   * bring it back. */
  g_assert_cmpuint (fold (l, mkev (15, 2, SHMVIZ_EV_READ_SLOT, SHMVIZ_SLOT_FULL, 3, p1_9, p1_9)), ==, 0);
  shmviz_ledger_get_totals (l, &t);
  g_assert_cmpuint (t.lost, ==, 1);
  g_assert_cmpuint (t.consumed, ==, 0);
  /* ...and the slot still holds what was written after that read. */
  g_assert_cmpuint (shmviz_ledger_slot_item (l, 3), ==, p2_17);
  assert_conservation (l);

  assert_describes (a, 2, (const char * const[]) { "P2", "P2#17", "slot 3", "P1#9", "lost", NULL });
}

static void
test_duplicate (void)
{
  g_autoptr(ShmvizLedger) l = shmviz_ledger_new (1, 2, 4);
  guint64 item = SHMVIZ_ITEM_ID (0, 1);
  const ShmvizAnomaly *a;
  ShmvizTotals t;

  fold (l, mkev (10, 0, SHMVIZ_EV_WRITE_SLOT, SHMVIZ_SLOT_EMPTY, 0, item, 0));
  g_assert_cmpuint (fold (l, mkev (20, 1, SHMVIZ_EV_READ_SLOT, SHMVIZ_SLOT_FULL, 0, item, item)), ==, 0);
  g_assert_cmpuint (shmviz_ledger_slot_item (l, 0), ==, SHMVIZ_ITEM_NONE);
  /* C2 read the same slot while C1 was reading it. */
  g_assert_cmpuint (fold (l, mkev (25, 2, SHMVIZ_EV_READ_SLOT, SHMVIZ_SLOT_READING, 0, item, item)), ==, 1);
  assert_conservation (l);

  a = only_anomaly (l, SHMVIZ_ANOMALY_DUPLICATE);
  g_assert_cmpuint (a->item, ==, item);
  g_assert_cmpuint (a->actor, ==, 2);
  g_assert_cmpuint (a->earlier, ==, 1);
  g_assert_cmpuint (a->earlier_ts_ns, ==, 20);
  g_assert_cmpuint (a->slot, ==, 0);

  shmviz_ledger_get_totals (l, &t);
  g_assert_cmpuint (t.produced, ==, 1);
  g_assert_cmpuint (t.consumed, ==, 1);
  g_assert_cmpuint (t.duplicated, ==, 1);
  g_assert_cmpuint (t.in_buffer, ==, 0);

  assert_describes (a, 1, (const char * const[]) { "C2", "C1", "P1#1", "slot 0", "duplicate", NULL });
}

static void
test_empty_read (void)
{
  g_autoptr(ShmvizLedger) l = shmviz_ledger_new (1, 1, 4);
  guint64 item = SHMVIZ_ITEM_ID (0, 1);
  guint n = 0;
  const ShmvizAnomaly *a;
  ShmvizTotals t;

  /* Nothing was ever written to slot 2. */
  g_assert_cmpuint (fold (l, mkev (10, 1, SHMVIZ_EV_READ_SLOT, SHMVIZ_SLOT_EMPTY, 2, 0, 0)), ==, 1);
  /* An item consumed, then read again from the slot it left: a stale read,
   * not a duplicate. */
  fold (l, mkev (20, 0, SHMVIZ_EV_WRITE_SLOT, SHMVIZ_SLOT_EMPTY, 1, item, 0));
  fold (l, mkev (30, 1, SHMVIZ_EV_READ_SLOT, SHMVIZ_SLOT_FULL, 1, item, item));
  g_assert_cmpuint (fold (l, mkev (40, 1, SHMVIZ_EV_READ_SLOT, SHMVIZ_SLOT_EMPTY, 1, item, item)), ==, 1);
  /* An id no producer made (producer 5 of 1), from a slot marked full. */
  g_assert_cmpuint (fold (l, mkev (50, 1, SHMVIZ_EV_READ_SLOT, SHMVIZ_SLOT_FULL, 3,
                                   SHMVIZ_ITEM_ID (4, 2), 0)), ==, 1);
  assert_conservation (l);

  a = shmviz_ledger_get_anomalies (l, &n);
  g_assert_cmpuint (n, ==, 3);
  for (guint i = 0; i < n; i++)
    g_assert_cmpint (a[i].kind, ==, SHMVIZ_ANOMALY_EMPTY_READ);
  g_assert_cmpuint (a[0].slot, ==, 2);
  g_assert_cmpuint (a[0].item, ==, SHMVIZ_ITEM_NONE);
  g_assert_cmpuint (a[1].slot, ==, 1);
  g_assert_cmpuint (a[1].item, ==, item);
  g_assert_cmpuint (a[2].slot, ==, 3);

  shmviz_ledger_get_totals (l, &t);
  g_assert_cmpuint (t.empty_reads, ==, 3);
  g_assert_cmpuint (t.duplicated, ==, 0);
  g_assert_cmpuint (t.produced, ==, 1);
  g_assert_cmpuint (t.consumed, ==, 1);

  assert_describes (&a[0], 1, (const char * const[]) { "C1", "slot 2", "empty", NULL });
  assert_describes (&a[1], 1, (const char * const[]) { "C1", "slot 1", "P1#1", NULL });
}

static void
test_corrupt_flag (void)
{
  g_autoptr(ShmvizLedger) l = shmviz_ledger_new (1, 1, 2);
  guint64 item = SHMVIZ_ITEM_ID (0, 1);
  const ShmvizAnomaly *a;
  ShmvizTotals t;

  fold (l, mkev (10, 0, SHMVIZ_EV_WRITE_SLOT, SHMVIZ_SLOT_EMPTY, 1, item, 0));
  g_assert_cmpuint (fold (l, mkev (20, 1, SHMVIZ_EV_READ_SLOT,
                                   SHMVIZ_SLOT_FULL | SHMVIZ_EV_FLAG_CORRUPT, 1, item, item)), ==, 1);
  assert_conservation (l);

  a = only_anomaly (l, SHMVIZ_ANOMALY_CORRUPT);
  g_assert_cmpuint (a->item, ==, item);
  g_assert_cmpuint (a->slot, ==, 1);
  g_assert_cmpuint (a->actor, ==, 1);

  shmviz_ledger_get_totals (l, &t);
  g_assert_cmpuint (t.corrupt, ==, 1);
  g_assert_cmpuint (t.consumed, ==, 1);
  g_assert_cmpuint (t.in_buffer, ==, 0);

  assert_describes (a, 1, (const char * const[]) { "C1", "P1#1", "slot 1", "checksum", NULL });
}

static void
test_corrupt_writing (void)
{
  g_autoptr(ShmvizLedger) l = shmviz_ledger_new (1, 1, 2);
  guint64 item = SHMVIZ_ITEM_ID (0, 1);
  const ShmvizAnomaly *a;
  ShmvizTotals t;

  /* The reader took the slot mid-write and its event merged first, before
   * the writer's: the item counts once, as consumed. */
  g_assert_cmpuint (fold (l, mkev (10, 1, SHMVIZ_EV_READ_SLOT, SHMVIZ_SLOT_WRITING, 0, item, item)), ==, 1);
  assert_conservation (l);
  g_assert_cmpuint (fold (l, mkev (11, 0, SHMVIZ_EV_WRITE_SLOT,
                                   SHMVIZ_SLOT_EMPTY | SHMVIZ_EV_FLAG_RACED, 0, item, 0)), ==, 0);
  assert_conservation (l);

  a = only_anomaly (l, SHMVIZ_ANOMALY_CORRUPT);
  g_assert_cmpuint (a->item, ==, item);

  shmviz_ledger_get_totals (l, &t);
  g_assert_cmpuint (t.produced, ==, 1);
  g_assert_cmpuint (t.consumed, ==, 1);
  g_assert_cmpuint (t.lost, ==, 0);
  g_assert_cmpuint (t.corrupt, ==, 1);
  g_assert_cmpuint (shmviz_ledger_slot_item (l, 0), ==, SHMVIZ_ITEM_NONE);

  assert_describes (a, 1, (const char * const[]) { "C1", "P1#1", "slot 0", "torn", NULL });
}

static void
test_raced_write (void)
{
  g_autoptr(ShmvizLedger) l = shmviz_ledger_new (1, 1, 2);
  guint64 item = SHMVIZ_ITEM_ID (0, 1);
  guint n = 0;
  const ShmvizAnomaly *a;
  ShmvizTotals t;

  /* The writer's event first this time: the item is lost, and the torn
   * read that follows does not change that. */
  g_assert_cmpuint (fold (l, mkev (10, 0, SHMVIZ_EV_WRITE_SLOT,
                                   SHMVIZ_SLOT_EMPTY | SHMVIZ_EV_FLAG_RACED, 1, item, 0)), ==, 1);
  g_assert_cmpuint (shmviz_ledger_slot_item (l, 1), ==, SHMVIZ_ITEM_NONE);
  assert_conservation (l);
  g_assert_cmpuint (fold (l, mkev (12, 1, SHMVIZ_EV_READ_SLOT, SHMVIZ_SLOT_WRITING, 1, item, item)), ==, 1);
  assert_conservation (l);

  a = shmviz_ledger_get_anomalies (l, &n);
  g_assert_cmpuint (n, ==, 2);
  g_assert_cmpint (a[0].kind, ==, SHMVIZ_ANOMALY_LOST);
  g_assert_cmpuint (a[0].item, ==, item);
  g_assert_cmpuint (a[0].other_item, ==, SHMVIZ_ITEM_NONE);
  g_assert_cmpuint (a[0].actor, ==, 0);
  g_assert_cmpint (a[1].kind, ==, SHMVIZ_ANOMALY_CORRUPT);

  shmviz_ledger_get_totals (l, &t);
  g_assert_cmpuint (t.produced, ==, 1);
  g_assert_cmpuint (t.lost, ==, 1);
  g_assert_cmpuint (t.consumed, ==, 0);
  g_assert_cmpuint (t.corrupt, ==, 1);

  assert_describes (&a[0], 1, (const char * const[]) { "P1", "P1#1", "slot 1", "lost", NULL });
}

static void
test_index_drift (void)
{
  g_autoptr(ShmvizLedger) l = shmviz_ledger_new (1, 1, 8);
  guint n = 0;
  const ShmvizAnomaly *a;
  ShmvizTotals t;

  /* in - out = 3 but count = 2. */
  g_assert_cmpuint (fold (l, mkev (10, 0, SHMVIZ_EV_ADVANCE, 0, 3, 0, SHMVIZ_PACK_INDICES (3, 0, 2))), ==, 1);
  /* The same difference again is the same drift, reported once. */
  g_assert_cmpuint (fold (l, mkev (20, 1, SHMVIZ_EV_ADVANCE, 1, 1, 0, SHMVIZ_PACK_INDICES (3, 1, 1))), ==, 0);
  /* Consistent again (with wrap-around), then a new drift: count below
   * zero, as a lost update of count-- leaves it. */
  g_assert_cmpuint (fold (l, mkev (30, 0, SHMVIZ_EV_ADVANCE, 0, 1, 0, SHMVIZ_PACK_INDICES (1, 6, 3))), ==, 0);
  g_assert_cmpuint (fold (l, mkev (40, 1, SHMVIZ_EV_ADVANCE, 1, 2, 0,
                                   SHMVIZ_PACK_INDICES (2, 2, (guint32) -1))), ==, 1);
  assert_conservation (l);

  a = shmviz_ledger_get_anomalies (l, &n);
  g_assert_cmpuint (n, ==, 2);
  g_assert_cmpint (a[0].kind, ==, SHMVIZ_ANOMALY_INDEX_DRIFT);
  g_assert_cmpuint (a[0].values[0], ==, 3);
  g_assert_cmpuint (a[0].values[1], ==, 0);
  g_assert_cmpuint (a[0].values[2], ==, 2);
  g_assert_cmpuint (a[0].actor, ==, 0);
  g_assert_cmpuint (a[0].slot, ==, G_MAXUINT);
  g_assert_cmpint (a[1].kind, ==, SHMVIZ_ANOMALY_INDEX_DRIFT);
  g_assert_cmpuint (a[1].ts_ns, ==, 40);

  shmviz_ledger_get_totals (l, &t);
  g_assert_cmpuint (t.index_drift, ==, 2);

  assert_describes (&a[0], 1, (const char * const[]) { "P1", "in = 3", "out = 0", "count = 2", NULL });
  assert_describes (&a[1], 1, (const char * const[]) { "C1", "count = -1", NULL });
}

/* wrong-order: P1 takes the mutex, then blocks on empty; C1 blocks on the
 * mutex. */
static void
test_deadlock (void)
{
  g_autoptr(ShmvizLedger) l = shmviz_ledger_new (1, 1, 1);
  const ShmvizAnomaly *a;
  ShmvizTotals t;

  /* The one slot is already full: empty is 0. */
  fold (l, mkev (0, 0, SHMVIZ_EV_ACQUIRED, SHMVIZ_SEM_EMPTY, 0, 0, 0));
  fold (l, mkev (0, 0, SHMVIZ_EV_POST, SHMVIZ_SEM_FULL, 0, 0, 0));
  fold (l, mkev (1 * MS, 0, SHMVIZ_EV_WAIT, SHMVIZ_SEM_MUTEX, 0, 0, 0));
  fold (l, mkev (2 * MS, 0, SHMVIZ_EV_ACQUIRED, SHMVIZ_SEM_MUTEX, 0, 0, 0));
  fold (l, mkev (3 * MS, 0, SHMVIZ_EV_WAIT, SHMVIZ_SEM_EMPTY, 0, 0, 0));
  fold (l, mkev (4 * MS, 0, SHMVIZ_EV_BLOCKED, SHMVIZ_SEM_EMPTY, 0, 0, 0));
  /* Only P1 blocked: no stall yet. */
  g_assert_cmpuint (shmviz_ledger_check_stall (l, 1000 * MS, 100 * MS), ==, 0);
  fold (l, mkev (5 * MS, 1, SHMVIZ_EV_WAIT, SHMVIZ_SEM_MUTEX, 0, 0, 0));
  fold (l, mkev (6 * MS, 1, SHMVIZ_EV_BLOCKED, SHMVIZ_SEM_MUTEX, 0, 0, 0));

  /* Not blocked for long enough yet. */
  g_assert_cmpuint (shmviz_ledger_check_stall (l, 50 * MS, 100 * MS), ==, 0);
  g_assert_false (shmviz_ledger_in_deadlock (l));
  g_assert_cmpuint (shmviz_ledger_check_stall (l, 200 * MS, 100 * MS), ==, 1);
  g_assert_true (shmviz_ledger_in_deadlock (l));
  /* Once per stall, even when a worker wakes from a bounded wait and
   * blocks again on the same semaphore. */
  g_assert_cmpuint (shmviz_ledger_check_stall (l, 300 * MS, 100 * MS), ==, 0);
  fold (l, mkev (301 * MS, 1, SHMVIZ_EV_BLOCKED, SHMVIZ_SEM_MUTEX, 0, 0, 0));
  g_assert_cmpuint (shmviz_ledger_check_stall (l, 600 * MS, 100 * MS), ==, 0);
  g_assert_true (shmviz_ledger_in_deadlock (l));
  assert_conservation (l);

  a = only_anomaly (l, SHMVIZ_ANOMALY_DEADLOCK);
  g_assert_cmpuint (a->ts_ns, ==, 200 * MS);
  g_assert_cmpuint (a->slot, ==, G_MAXUINT);
  g_assert_cmpuint (a->values[0], ==, 0);
  g_assert_cmpuint (a->values[2], ==, 0);
  g_assert_cmpuint (a->n_procs, ==, 2);
  g_assert_cmpuint (a->procs[0], ==, 0);
  g_assert_cmpuint (a->waits[0], ==, SHMVIZ_SEM_EMPTY);
  g_assert_cmpuint (a->procs[1], ==, 1);
  g_assert_cmpuint (a->waits[1], ==, SHMVIZ_SEM_MUTEX);
  g_assert_cmpuint (a->cause.kind, ==, SHMVIZ_EV_BLOCKED);
  g_assert_cmpuint (a->cause.proc, ==, 1);

  shmviz_ledger_get_totals (l, &t);
  g_assert_cmpuint (t.deadlocks, ==, 1);

  assert_describes (a, 1, (const char * const[]) { "P1 holds the mutex", "empty", "C1", "mutex",
                                                   "deadlock", NULL });

  /* Any step of a worker ends the stall. */
  fold (l, mkev (700 * MS, 0, SHMVIZ_EV_ACQUIRED, SHMVIZ_SEM_EMPTY, 0, 0, 0));
  g_assert_false (shmviz_ledger_in_deadlock (l));
}

static void
test_deadlock_dead_holder (void)
{
  g_autoptr(ShmvizLedger) l = shmviz_ledger_new (2, 1, 4);
  const ShmvizAnomaly *a;

  /* P2 is killed in its critical section. */
  fold (l, mkev (1 * MS, 1, SHMVIZ_EV_ACQUIRED, SHMVIZ_SEM_EMPTY, 0, 0, 0));
  fold (l, mkev (2 * MS, 1, SHMVIZ_EV_ACQUIRED, SHMVIZ_SEM_MUTEX, 0, 0, 0));
  fold (l, mkev (3 * MS, SHMVIZ_PROC_SUPERVISOR, SHMVIZ_EV_DIED, 1, 1, 0, 0));
  fold (l, mkev (4 * MS, 0, SHMVIZ_EV_BLOCKED, SHMVIZ_SEM_MUTEX, 0, 0, 0));
  fold (l, mkev (5 * MS, 2, SHMVIZ_EV_BLOCKED, SHMVIZ_SEM_FULL, 0, 0, 0));
  g_assert_cmpuint (shmviz_ledger_check_stall (l, 500 * MS, 100 * MS), ==, 1);

  a = only_anomaly (l, SHMVIZ_ANOMALY_DEADLOCK);
  g_assert_cmpuint (a->values[0], ==, 1);
  g_assert_cmpuint (a->values[2], ==, 1);
  g_assert_cmpuint (a->n_procs, ==, 2);
  g_assert_cmpuint (a->procs[0], ==, 0);
  g_assert_cmpuint (a->procs[1], ==, 2);
  assert_describes (a, 2, (const char * const[]) { "P2 died holding the mutex", "P1", "C1",
                                                   "full", NULL });
}

static void
test_no_deadlock_when_done (void)
{
  g_autoptr(ShmvizLedger) l = shmviz_ledger_new (1, 2, 4);
  guint n = 0;

  /* The producer finished its items: consumers waiting on full forever is
   * the end of the run, not a deadlock. */
  fold (l, mkev (1 * MS, 0, SHMVIZ_EV_EXIT, 0, 0, 0, 5));
  fold (l, mkev (2 * MS, 1, SHMVIZ_EV_BLOCKED, SHMVIZ_SEM_FULL, 0, 0, 0));
  fold (l, mkev (3 * MS, 2, SHMVIZ_EV_BLOCKED, SHMVIZ_SEM_FULL, 0, 0, 0));
  g_assert_cmpuint (shmviz_ledger_check_stall (l, 10000 * MS, 100 * MS), ==, 0);
  shmviz_ledger_get_anomalies (l, &n);
  g_assert_cmpuint (n, ==, 0);
}

static void
test_supervisor_rebuild (void)
{
  g_autoptr(ShmvizLedger) l = shmviz_ledger_new (1, 1, 4);
  guint64 a1 = SHMVIZ_ITEM_ID (0, 1);
  guint64 a2 = SHMVIZ_ITEM_ID (0, 2);
  ShmvizEvent ev;
  const ShmvizAnomaly *a;
  ShmvizTotals t;

  fold (l, mkev (10, 0, SHMVIZ_EV_WRITE_SLOT, SHMVIZ_SLOT_EMPTY, 2, a1, 0));
  fold (l, mkev (20, 0, SHMVIZ_EV_WRITE_SLOT, SHMVIZ_SLOT_EMPTY, 3, a2, 0));
  /* The rebuild drops the torn item in slot 2 and moves slot 3 to 0. */
  g_assert_cmpuint (fold (l, mkev (30, SHMVIZ_PROC_SUPERVISOR, SHMVIZ_EV_SLOT_CLEARED, 0, 2, a1, 0)), ==, 1);
  ev = mkev (31, SHMVIZ_PROC_SUPERVISOR, SHMVIZ_EV_SLOT_MOVED, 0, 0, a2, 0);
  ev.value = 3;
  g_assert_cmpuint (shmviz_ledger_fold (l, &ev), ==, 0);
  ev = mkev (32, SHMVIZ_PROC_SUPERVISOR, SHMVIZ_EV_RESYNC, 0, 0, 0, SHMVIZ_PACK_INDICES (1, 0, 1));
  ev.value = 1;
  g_assert_cmpuint (shmviz_ledger_fold (l, &ev), ==, 0);
  g_assert_cmpuint (fold (l, mkev (33, SHMVIZ_PROC_SUPERVISOR, SHMVIZ_EV_DROPPED, 0, 1, 0, 7)), ==, 0);
  assert_conservation (l);

  g_assert_cmpuint (shmviz_ledger_slot_item (l, 0), ==, a2);
  g_assert_cmpuint (shmviz_ledger_slot_item (l, 2), ==, SHMVIZ_ITEM_NONE);
  g_assert_cmpuint (shmviz_ledger_slot_item (l, 3), ==, SHMVIZ_ITEM_NONE);

  a = only_anomaly (l, SHMVIZ_ANOMALY_LOST);
  g_assert_cmpuint (a->item, ==, a1);
  g_assert_cmpuint (a->actor, ==, SHMVIZ_PROC_SUPERVISOR);
  g_assert_cmpuint (a->earlier_ts_ns, ==, 10);

  shmviz_ledger_get_totals (l, &t);
  g_assert_cmpuint (t.produced, ==, 2);
  g_assert_cmpuint (t.lost, ==, 1);
  g_assert_cmpuint (t.in_buffer, ==, 1);
  g_assert_cmpuint (t.dropped_events, ==, 7);

  /* The moved item is consumed from its new place. */
  fold (l, mkev (40, 1, SHMVIZ_EV_READ_SLOT, SHMVIZ_SLOT_FULL, 0, a2, a2));
  shmviz_ledger_get_totals (l, &t);
  g_assert_cmpuint (t.consumed, ==, 1);
  g_assert_cmpuint (t.in_buffer, ==, 0);
  assert_conservation (l);

  assert_describes (a, 1, (const char * const[]) { "slot 2", "P1#1", "lost", NULL });
}

/* A small deterministic simulator of the workers ---------------------------
 *
 * Each process is a program of steps; a seeded random scheduler picks which
 * runnable process performs its next step.  Slot writes and reads take two
 * steps (claim, then finish) like the real atomic protocol, so that without
 * a lock other steps can fall between them and every race can happen.
 */

typedef enum {
  OP_PRODUCE,
  OP_ACQUIRE_EMPTY,
  OP_ACQUIRE_FULL,
  OP_ACQUIRE_MUTEX,
  OP_READ_INDEX,
  OP_SLOT,        /* two phases */
  OP_ADVANCE,
  OP_POST_MUTEX,
  OP_POST_FULL,
  OP_POST_EMPTY,
  OP_CONSUME,
} Op;

typedef struct {
  guint8 state;
  guint64 item;
} SimSlot;

typedef struct {
  const Op *program;
  guint n_ops;
  guint pc;
  guint phase;
  gboolean producer;
  gboolean exited;
  gboolean blocked;
  guint index;          /* 0-based among its role */
  guint64 seq;
  guint64 item;         /* being produced, or just read */
  guint64 replaced_item;
  guint8 replaced_state;
  guint slot;
  guint local_count;
} SimProc;

typedef struct {
  ShmvizSyncMode mode;
  guint np, nc, n_slots;
  SimSlot *slots;
  SimProc *procs;
  guint in, out, count;
  gint sem[SHMVIZ_N_SEMS];
  guint64 quota;
  guint64 ts;
  GRand *rand;
  GArray *events;
  /* Counted by the simulator itself, independently of the ledger. */
  guint64 writes, reads, empty_reads, torn_reads, consumes;
  GHashTable *taken;    /* distinct valid items read from a non-empty slot */
} Sim;

static const Op producer_sem[] = { OP_PRODUCE, OP_ACQUIRE_EMPTY, OP_ACQUIRE_MUTEX, OP_READ_INDEX,
                                   OP_SLOT, OP_ADVANCE, OP_POST_MUTEX, OP_POST_FULL };
static const Op consumer_sem[] = { OP_ACQUIRE_FULL, OP_ACQUIRE_MUTEX, OP_READ_INDEX, OP_SLOT,
                                   OP_ADVANCE, OP_POST_MUTEX, OP_POST_EMPTY, OP_CONSUME };
static const Op producer_wrong[] = { OP_PRODUCE, OP_ACQUIRE_MUTEX, OP_ACQUIRE_EMPTY, OP_READ_INDEX,
                                     OP_SLOT, OP_ADVANCE, OP_POST_MUTEX, OP_POST_FULL };
static const Op consumer_wrong[] = { OP_ACQUIRE_MUTEX, OP_ACQUIRE_FULL, OP_READ_INDEX, OP_SLOT,
                                     OP_ADVANCE, OP_POST_MUTEX, OP_POST_EMPTY, OP_CONSUME };
static const Op producer_off[] = { OP_PRODUCE, OP_READ_INDEX, OP_SLOT, OP_ADVANCE };
static const Op consumer_off[] = { OP_READ_INDEX, OP_SLOT, OP_ADVANCE, OP_CONSUME };

static void
sim_init (Sim            *sim,
          ShmvizSyncMode  mode,
          guint           np,
          guint           nc,
          guint           n_slots,
          guint64         quota,
          guint32         seed)
{
  memset (sim, 0, sizeof *sim);
  sim->mode = mode;
  sim->np = np;
  sim->nc = nc;
  sim->n_slots = n_slots;
  sim->slots = g_new0 (SimSlot, n_slots);
  sim->procs = g_new0 (SimProc, np + nc);
  sim->sem[SHMVIZ_SEM_EMPTY] = n_slots;
  sim->sem[SHMVIZ_SEM_FULL] = 0;
  sim->sem[SHMVIZ_SEM_MUTEX] = 1;
  sim->quota = quota;
  sim->ts = 1000;
  sim->rand = g_rand_new_with_seed (seed);
  sim->events = g_array_new (FALSE, TRUE, sizeof (ShmvizEvent));
  sim->taken = g_hash_table_new_full (g_int64_hash, g_int64_equal, g_free, NULL);

  g_assert_true (mode == SHMVIZ_SYNC_SEMAPHORES || mode == SHMVIZ_SYNC_WRONG_ORDER ||
                 mode == SHMVIZ_SYNC_OFF);

  for (guint i = 0; i < np + nc; i++)
    {
      SimProc *p = &sim->procs[i];

      p->producer = i < np;
      p->index = p->producer ? i : i - np;
      if (mode == SHMVIZ_SYNC_SEMAPHORES)
        {
          p->program = p->producer ? producer_sem : consumer_sem;
          p->n_ops = G_N_ELEMENTS (producer_sem);
        }
      else if (mode == SHMVIZ_SYNC_WRONG_ORDER)
        {
          p->program = p->producer ? producer_wrong : consumer_wrong;
          p->n_ops = G_N_ELEMENTS (producer_wrong);
        }
      else
        {
          p->program = p->producer ? producer_off : consumer_off;
          p->n_ops = G_N_ELEMENTS (producer_off);
        }
    }
}

static void
sim_clear (Sim *sim)
{
  g_free (sim->slots);
  g_free (sim->procs);
  g_rand_free (sim->rand);
  g_array_unref (sim->events);
  g_hash_table_unref (sim->taken);
}

static void
sim_emit (Sim     *sim,
          guint    proc,
          guint    kind,
          guint    detail,
          guint    slot,
          guint64  item,
          guint64  other,
          guint    value)
{
  ShmvizEvent ev = mkev (sim->ts, proc, kind, detail, slot, item, other);

  ev.value = (guint16) value;
  sim->ts += 1000;
  g_array_append_val (sim->events, ev);
}

static gboolean
op_is_acquire (Op     op,
               guint *sem)
{
  switch (op)
    {
    case OP_ACQUIRE_EMPTY: *sem = SHMVIZ_SEM_EMPTY; return TRUE;
    case OP_ACQUIRE_FULL:  *sem = SHMVIZ_SEM_FULL;  return TRUE;
    case OP_ACQUIRE_MUTEX: *sem = SHMVIZ_SEM_MUTEX; return TRUE;
    case OP_PRODUCE:
    case OP_READ_INDEX:
    case OP_SLOT:
    case OP_ADVANCE:
    case OP_POST_MUTEX:
    case OP_POST_FULL:
    case OP_POST_EMPTY:
    case OP_CONSUME:
    default:               return FALSE;
    }
}

static gboolean
sim_runnable (Sim     *sim,
              SimProc *p)
{
  guint sem;

  if (p->exited)
    return FALSE;
  if (p->blocked && op_is_acquire (p->program[p->pc], &sem) && sim->sem[sem] <= 0)
    return FALSE;
  /* Without synchronization the textbook code spins on count; a spin
   * that never ends would just burn the step budget. */
  if (sim->mode == SHMVIZ_SYNC_OFF && p->program[p->pc] == OP_READ_INDEX)
    {
      gint count = (gint) sim->count;

      if (p->producer ? count >= (gint) sim->n_slots : count <= 0)
        return FALSE;
    }
  return TRUE;
}

static void
sim_slot_step (Sim     *sim,
               guint    i,
               SimProc *p,
               gboolean *next)
{
  SimSlot *s = &sim->slots[p->slot];

  if (p->phase == 0)
    {
      /* Claim, as the real protocol's exchanges do. */
      p->replaced_state = s->state;
      if (p->producer)
        {
          s->state = SHMVIZ_SLOT_WRITING;
          p->replaced_item = s->item;
          s->item = p->item;
        }
      else
        {
          s->state = SHMVIZ_SLOT_READING;
          p->item = s->item;
        }
      p->phase = 1;
      *next = FALSE;
      return;
    }

  if (p->producer)
    {
      guint detail = p->replaced_state;

      /* CAS WRITING -> FULL fails when a reader took the slot. */
      if (s->state == SHMVIZ_SLOT_WRITING)
        s->state = SHMVIZ_SLOT_FULL;
      else
        detail |= SHMVIZ_EV_FLAG_RACED;
      sim->writes++;
      sim_emit (sim, i, SHMVIZ_EV_WRITE_SLOT, detail, p->slot, p->item, p->replaced_item, 0);
    }
  else
    {
      guint detail = p->replaced_state;

      /* A writer that came in between tore the copy. */
      if (s->state != SHMVIZ_SLOT_READING)
        detail |= SHMVIZ_EV_FLAG_CORRUPT;
      else
        s->state = SHMVIZ_SLOT_EMPTY;

      sim->reads++;
      if (p->replaced_state == SHMVIZ_SLOT_EMPTY || p->item == SHMVIZ_ITEM_NONE)
        sim->empty_reads++;
      else
        {
          gint64 *key = g_new (gint64, 1);

          if (p->replaced_state == SHMVIZ_SLOT_WRITING || (detail & SHMVIZ_EV_FLAG_CORRUPT))
            sim->torn_reads++;
          *key = (gint64) p->item;
          g_hash_table_add (sim->taken, key);
        }
      sim_emit (sim, i, SHMVIZ_EV_READ_SLOT, detail, p->slot, p->item, p->item, 0);
    }
}

/* Runs one step of process @i. */
static void
sim_step (Sim   *sim,
          guint  i)
{
  SimProc *p = &sim->procs[i];
  Op op = p->program[p->pc];
  gboolean next = TRUE;
  guint sem;

  if (op_is_acquire (op, &sem))
    {
      if (p->phase == 0)
        {
          sim_emit (sim, i, SHMVIZ_EV_WAIT, sem, 0, 0, 0, 0);
          p->phase = 1;
          next = FALSE;
        }
      else if (sim->sem[sem] > 0)
        {
          sim->sem[sem]--;
          p->blocked = FALSE;
          sim_emit (sim, i, SHMVIZ_EV_ACQUIRED, sem, 0, 0, 0, sim->sem[sem]);
        }
      else
        {
          g_assert_false (p->blocked);
          p->blocked = TRUE;
          sim_emit (sim, i, SHMVIZ_EV_BLOCKED, sem, 0, 0, 0, 0);
          next = FALSE;
        }
    }
  else switch (op)
    {
    case OP_PRODUCE:
      if (sim->quota == 0)
        {
          p->exited = TRUE;
          sim_emit (sim, i, SHMVIZ_EV_EXIT, 0, 0, 0, p->seq, 0);
          return;
        }
      sim->quota--;
      p->item = SHMVIZ_ITEM_ID (p->index, ++p->seq);
      sim_emit (sim, i, SHMVIZ_EV_PRODUCE, 0, 0, p->item, 0, 0);
      break;

    case OP_READ_INDEX:
      /* The read half of the read-modify-writes of in/out and count. */
      p->slot = p->producer ? sim->in : sim->out;
      p->local_count = sim->count;
      sim_emit (sim, i, SHMVIZ_EV_READ_INDEX, p->producer ? 0 : 1, p->slot, 0, 0, 0);
      break;

    case OP_SLOT:
      sim_slot_step (sim, i, p, &next);
      break;

    case OP_ADVANCE:
      if (p->producer)
        {
          sim->in = (p->slot + 1) % sim->n_slots;
          sim->count = p->local_count + 1;
        }
      else
        {
          sim->out = (p->slot + 1) % sim->n_slots;
          sim->count = p->local_count - 1;
        }
      sim_emit (sim, i, SHMVIZ_EV_ADVANCE, p->producer ? 0 : 1,
                p->producer ? sim->in : sim->out, 0,
                SHMVIZ_PACK_INDICES (sim->in, sim->out, sim->count), sim->count);
      break;

    case OP_POST_MUTEX:
    case OP_POST_FULL:
    case OP_POST_EMPTY:
      sem = op == OP_POST_MUTEX ? SHMVIZ_SEM_MUTEX : op == OP_POST_FULL ? SHMVIZ_SEM_FULL : SHMVIZ_SEM_EMPTY;
      sim->sem[sem]++;
      sim_emit (sim, i, SHMVIZ_EV_POST, sem, 0, 0, 0, 0);
      break;

    case OP_CONSUME:
      sim->consumes++;
      sim_emit (sim, i, SHMVIZ_EV_CONSUME, 0, 0, p->item, 0, 0);
      break;

    case OP_ACQUIRE_EMPTY:
    case OP_ACQUIRE_FULL:
    case OP_ACQUIRE_MUTEX:
    default:
      g_assert_not_reached ();
    }

  if (next)
    {
      p->phase = 0;
      p->pc = (p->pc + 1) % p->n_ops;
    }
}

/* Runs until nobody can move or the budget is spent; returns the steps
 * taken. */
static guint
sim_run (Sim   *sim,
         guint  max_steps)
{
  g_autofree guint *runnable = g_new (guint, sim->np + sim->nc);
  guint steps;

  for (steps = 0; steps < max_steps; steps++)
    {
      guint n = 0;

      for (guint i = 0; i < sim->np + sim->nc; i++)
        if (sim_runnable (sim, &sim->procs[i]))
          runnable[n++] = i;
      if (n == 0)
        break;
      sim_step (sim, runnable[g_rand_int_range (sim->rand, 0, n)]);
    }

  return steps;
}

static guint
fold_all (ShmvizLedger *l,
          GArray       *events)
{
  guint n = 0;

  for (guint i = 0; i < events->len; i++)
    {
      n += shmviz_ledger_fold (l, &g_array_index (events, ShmvizEvent, i));
      if (i % 97 == 0)
        assert_conservation (l);
    }
  return n;
}

/* 2 × 2 on 4 slots with semaphores: every item produced is consumed once,
 * nothing else happens. */
static void
test_clean_run (void)
{
  for (guint32 seed = 1; seed <= 5; seed++)
    {
      g_autoptr(ShmvizLedger) l = shmviz_ledger_new (2, 2, 4);
      guint n = 0;
      ShmvizTotals t;
      Sim sim;

      sim_init (&sim, SHMVIZ_SYNC_SEMAPHORES, 2, 2, 4, 300, seed);
      sim_run (&sim, 1000000);

      /* The run ends with both producers done and the consumers waiting
       * on an empty buffer. */
      g_assert_true (sim.procs[0].exited && sim.procs[1].exited);
      g_assert_cmpuint (sim.count, ==, 0);
      g_assert_cmpuint (sim.consumes, ==, 300);

      g_assert_cmpuint (fold_all (l, sim.events), ==, 0);
      assert_conservation (l);
      shmviz_ledger_get_anomalies (l, &n);
      g_assert_cmpuint (n, ==, 0);

      shmviz_ledger_get_totals (l, &t);
      g_assert_cmpuint (t.produced, ==, 300);
      g_assert_cmpuint (t.consumed, ==, 300);
      g_assert_cmpuint (t.in_buffer, ==, 0);
      g_assert_cmpuint (t.lost, ==, 0);
      g_assert_cmpuint (t.duplicated, ==, 0);
      g_assert_cmpuint (t.empty_reads, ==, 0);
      g_assert_cmpuint (t.corrupt, ==, 0);
      g_assert_cmpuint (t.index_drift, ==, 0);
      g_assert_cmpuint (t.deadlocks, ==, 0);
      g_assert_cmpuint (t.events, ==, sim.events->len);
      for (guint s = 0; s < 4; s++)
        g_assert_cmpuint (shmviz_ledger_slot_item (l, s), ==, SHMVIZ_ITEM_NONE);

      /* Producers exited, so the consumers waiting is no deadlock. */
      g_assert_cmpuint (shmviz_ledger_check_stall (l, sim.ts + 10000 * MS, 100 * MS), ==, 0);

      sim_clear (&sim);
    }
}

/* Stops producing half way: what is left in the buffer is in_buffer, and
 * the ledger's slot map agrees with the simulated slots. */
static void
test_clean_run_in_buffer (void)
{
  g_autoptr(ShmvizLedger) l = shmviz_ledger_new (2, 2, 4);
  guint in_slots = 0;
  ShmvizTotals t;
  Sim sim;

  sim_init (&sim, SHMVIZ_SYNC_SEMAPHORES, 2, 2, 4, 1000, 42);
  sim_run (&sim, 3001);
  g_assert_cmpuint (fold_all (l, sim.events), ==, 0);
  assert_conservation (l);

  shmviz_ledger_get_totals (l, &t);
  g_assert_cmpuint (t.produced, ==, sim.writes);
  g_assert_cmpuint (t.consumed, ==, g_hash_table_size (sim.taken));
  for (guint s = 0; s < 4; s++)
    {
      guint64 expected = sim.slots[s].state == SHMVIZ_SLOT_FULL ? sim.slots[s].item : SHMVIZ_ITEM_NONE;

      g_assert_cmpuint (shmviz_ledger_slot_item (l, s), ==, expected);
      in_slots += expected != SHMVIZ_ITEM_NONE;
    }
  g_assert_cmpuint (t.in_buffer, ==, in_slots);

  sim_clear (&sim);
}

/* Without synchronization races happen; the ledger's counts agree with what
 * the simulator saw for itself. */
static void
test_unsynchronized_run (void)
{
  guint64 lost = 0, dup = 0, drift = 0;

  for (guint32 seed = 1; seed <= 5; seed++)
    {
      g_autoptr(ShmvizLedger) l = shmviz_ledger_new (2, 2, 4);
      ShmvizTotals t;
      Sim sim;

      sim_init (&sim, SHMVIZ_SYNC_OFF, 2, 2, 4, 2000, seed);
      sim_run (&sim, 40000);
      fold_all (l, sim.events);
      assert_conservation (l);

      shmviz_ledger_get_totals (l, &t);
      g_assert_cmpuint (t.produced, ==, sim.writes);
      g_assert_cmpuint (t.empty_reads, ==, sim.empty_reads);
      g_assert_cmpuint (t.corrupt, ==, sim.torn_reads);
      g_assert_cmpuint (t.consumed, <=, g_hash_table_size (sim.taken));
      /* Every read of a real item is a first consumption, a duplicate, a
       * torn read or a read of an item already counted lost. */
      g_assert_cmpuint (t.consumed + t.duplicated, <=, sim.reads - sim.empty_reads);
      lost += t.lost;
      dup += t.duplicated;
      drift += t.index_drift;
      sim_clear (&sim);
    }

  g_test_message ("lost %" G_GUINT64_FORMAT ", duplicated %" G_GUINT64_FORMAT
                  ", drift %" G_GUINT64_FORMAT, lost, dup, drift);
  g_assert_cmpuint (lost, >, 0);
  g_assert_cmpuint (dup, >, 0);
  g_assert_cmpuint (drift, >, 0);
}

/* wrong-order deadlocks sooner or later; the stall check names it. */
static void
test_wrong_order_run (void)
{
  g_autoptr(ShmvizLedger) l = shmviz_ledger_new (1, 1, 2);
  guint n = 0;
  const ShmvizAnomaly *a;
  Sim sim;

  sim_init (&sim, SHMVIZ_SYNC_WRONG_ORDER, 1, 1, 2, 100000, 7);
  g_assert_cmpuint (sim_run (&sim, 1000000), <, 1000000);
  fold_all (l, sim.events);
  assert_conservation (l);

  g_assert_cmpuint (shmviz_ledger_check_stall (l, sim.ts + 500 * MS, 100 * MS), ==, 1);
  a = shmviz_ledger_get_anomalies (l, &n);
  g_assert_cmpuint (n, ==, 1);
  g_assert_cmpint (a[0].kind, ==, SHMVIZ_ANOMALY_DEADLOCK);
  g_assert_cmpuint (a[0].n_procs, ==, 2);
  /* Whoever holds the mutex waits on its counting semaphore, the other on
   * the mutex. */
  g_assert_cmpuint (a[0].values[0], !=, SHMVIZ_NO_PROC);
  for (guint i = 0; i < 2; i++)
    {
      if (a[0].procs[i] == a[0].values[0])
        g_assert_cmpuint (a[0].waits[i], ==, a[0].procs[i] == 0 ? SHMVIZ_SEM_EMPTY : SHMVIZ_SEM_FULL);
      else
        g_assert_cmpuint (a[0].waits[i], ==, SHMVIZ_SEM_MUTEX);
    }

  sim_clear (&sim);
}

/* Millions of items go through the fixed-size window without the ledger
 * growing with them, and late duplicates are still caught. */
static void
test_long_run_window (void)
{
  g_autoptr(ShmvizLedger) l = shmviz_ledger_new (1, 1, 8);
  const guint64 n_items = 3000000;
  guint64 ts = 1;
  guint64 stuck = SHMVIZ_ITEM_ID (0, 5);
  guint n = 0;
  const ShmvizAnomaly *a;
  ShmvizTotals t;

  for (guint64 seq = 1; seq <= n_items; seq++)
    {
      guint64 item = SHMVIZ_ITEM_ID (0, seq);
      guint slot = seq % 8;

      fold (l, mkev (ts++, 0, SHMVIZ_EV_WRITE_SLOT, SHMVIZ_SLOT_EMPTY, slot, item, 0));
      /* Item 5 stays unread for the whole run: it pins nothing. */
      if (seq != 5)
        fold (l, mkev (ts++, 1, SHMVIZ_EV_READ_SLOT, SHMVIZ_SLOT_FULL, slot, item, item));
    }
  assert_conservation (l);
  shmviz_ledger_get_totals (l, &t);
  g_assert_cmpuint (t.produced, ==, n_items);
  g_assert_cmpuint (t.consumed, ==, n_items - 1);
  g_assert_cmpuint (t.in_buffer, ==, 1);

  /* Now it is read, long after: still counted exactly once. */
  fold (l, mkev (ts++, 1, SHMVIZ_EV_READ_SLOT, SHMVIZ_SLOT_FULL, 5, stuck, stuck));
  shmviz_ledger_get_totals (l, &t);
  g_assert_cmpuint (t.consumed, ==, n_items);
  g_assert_cmpuint (t.in_buffer, ==, 0);
  g_assert_cmpuint (t.duplicated, ==, 0);

  /* A recent item read again is a duplicate of the right consumer. */
  fold (l, mkev (ts++, 1, SHMVIZ_EV_READ_SLOT, SHMVIZ_SLOT_FULL, 0,
                 SHMVIZ_ITEM_ID (0, n_items - 10), 0));
  a = shmviz_ledger_get_anomalies (l, &n);
  g_assert_cmpuint (n, ==, 1);
  g_assert_cmpint (a[0].kind, ==, SHMVIZ_ANOMALY_DUPLICATE);
  g_assert_cmpuint (a[0].earlier, ==, 1);
  assert_conservation (l);
}

/* Garbage from a corrupt region must not make the ledger allocate without
 * bound or crash. */
static void
test_hostile_ids (void)
{
  g_autoptr(ShmvizLedger) l = shmviz_ledger_new (2, 2, 4);
  ShmvizTotals t;

  fold (l, mkev (1, 0, SHMVIZ_EV_WRITE_SLOT, SHMVIZ_SLOT_FULL, 9999, SHMVIZ_ITEM_ID (0, G_GUINT64_CONSTANT (0xFFFFFFFFFFFF)),
                 SHMVIZ_ITEM_ID (1, G_GUINT64_CONSTANT (0xFFFFFFFFFFF0))));
  fold (l, mkev (2, 3, SHMVIZ_EV_READ_SLOT, SHMVIZ_SLOT_FULL, 2, SHMVIZ_ITEM_ID (1, G_GUINT64_CONSTANT (1) << 40), 0));
  fold (l, mkev (3, 500, SHMVIZ_EV_WRITE_SLOT, SHMVIZ_SLOT_FULL, 1, SHMVIZ_ITEM_ID (0, 1), 0));
  fold (l, mkev (4, 1, 200, 0xFF, 0xFFFF, G_MAXUINT64, G_MAXUINT64));
  fold (l, mkev (5, 2, SHMVIZ_EV_ADVANCE, 1, 0, 0, G_MAXUINT64));
  fold (l, mkev (6, SHMVIZ_PROC_SUPERVISOR, SHMVIZ_EV_SLOT_MOVED, 0, 4000, 1, 0));
  fold (l, mkev (7, SHMVIZ_PROC_SUPERVISOR, SHMVIZ_EV_DIED, 0, 4000, 1, 0));
  assert_conservation (l);
  shmviz_ledger_get_totals (l, &t);
  g_assert_cmpuint (t.events, ==, 7);
  g_assert_cmpuint (t.lost, ==, 1);
  g_assert_cmpuint (t.duplicated + t.consumed, ==, 1);
}

static void
test_labels (void)
{
  g_autofree char *p = shmviz_proc_label (1, 2);
  g_autofree char *c = shmviz_proc_label (2, 2);
  g_autofree char *item = shmviz_item_label (SHMVIZ_ITEM_ID (0, 9));
  g_autofree char *item2 = shmviz_item_label (SHMVIZ_ITEM_ID (63, 123456));

  g_assert_cmpstr (p, ==, "P2");
  g_assert_cmpstr (c, ==, "C1");
  g_assert_cmpstr (item, ==, "P1#9");
  g_assert_cmpstr (item2, ==, "P64#123456");
  g_assert_cmpstr (shmviz_anomaly_kind_name (SHMVIZ_ANOMALY_INDEX_DRIFT), ==, "index-drift");
  g_assert_cmpstr (shmviz_event_kind_name (SHMVIZ_EV_WRITE_SLOT), ==, "write-slot");
  g_assert_cmpstr (shmviz_event_kind_name (SHMVIZ_EV_RESYNC), ==, "resync");
  g_assert_cmpstr (shmviz_event_kind_name (250), ==, "unknown");
  g_assert_cmpstr (shmviz_sem_name (SHMVIZ_SEM_FULL), ==, "full");
  g_assert_cmpstr (shmviz_slot_state_name (SHMVIZ_SLOT_READING), ==, "reading");
}

/* Everyone blocked, but the stream says the semaphore C1 waits on was
 * posted: C1 was woken and has not run yet.  Slowness, not deadlock. */
static void
test_woken_is_not_deadlock (void)
{
  g_autoptr(ShmvizLedger) l = shmviz_ledger_new (1, 1, 1);

  fold (l, mkev (1 * MS, 1, SHMVIZ_EV_WAIT, SHMVIZ_SEM_FULL, 0, 0, 0));
  fold (l, mkev (2 * MS, 1, SHMVIZ_EV_BLOCKED, SHMVIZ_SEM_FULL, 0, 0, 0));
  fold (l, mkev (3 * MS, 0, SHMVIZ_EV_ACQUIRED, SHMVIZ_SEM_EMPTY, 0, 0, 0));
  fold (l, mkev (4 * MS, 0, SHMVIZ_EV_POST, SHMVIZ_SEM_FULL, 0, 0, 0));
  fold (l, mkev (5 * MS, 0, SHMVIZ_EV_WAIT, SHMVIZ_SEM_EMPTY, 0, 0, 0));
  fold (l, mkev (6 * MS, 0, SHMVIZ_EV_BLOCKED, SHMVIZ_SEM_EMPTY, 0, 0, 0));

  g_assert_cmpuint (shmviz_ledger_check_stall (l, 10000 * MS, 100 * MS), ==, 0);
  g_assert_false (shmviz_ledger_in_deadlock (l));
}

int
main (int    argc,
      char **argv)
{
  setlocale (LC_ALL, "C");
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/ledger/lost", test_lost);
  g_test_add_func ("/ledger/duplicate", test_duplicate);
  g_test_add_func ("/ledger/empty-read", test_empty_read);
  g_test_add_func ("/ledger/corrupt/checksum", test_corrupt_flag);
  g_test_add_func ("/ledger/corrupt/writing", test_corrupt_writing);
  g_test_add_func ("/ledger/raced-write", test_raced_write);
  g_test_add_func ("/ledger/index-drift", test_index_drift);
  g_test_add_func ("/ledger/deadlock", test_deadlock);
  g_test_add_func ("/ledger/woken-is-not-deadlock", test_woken_is_not_deadlock);
  g_test_add_func ("/ledger/deadlock-dead-holder", test_deadlock_dead_holder);
  g_test_add_func ("/ledger/no-deadlock-when-done", test_no_deadlock_when_done);
  g_test_add_func ("/ledger/supervisor-rebuild", test_supervisor_rebuild);
  g_test_add_func ("/ledger/clean-run", test_clean_run);
  g_test_add_func ("/ledger/clean-run-in-buffer", test_clean_run_in_buffer);
  g_test_add_func ("/ledger/unsynchronized-run", test_unsynchronized_run);
  g_test_add_func ("/ledger/wrong-order-run", test_wrong_order_run);
  g_test_add_func ("/ledger/long-run-window", test_long_run_window);
  g_test_add_func ("/ledger/hostile-ids", test_hostile_ids);
  g_test_add_func ("/ledger/labels", test_labels);

  return g_test_run ();
}
