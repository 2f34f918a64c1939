/* test-model.c — folding events into what the views draw
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <locale.h>
#include <string.h>

#include "layout.h"
#include "ledger.h"
#include "model.h"

#define SUP SHMVIZ_PROC_SUPERVISOR

typedef struct {
  GArray *events;
} Stream;

static void
push (Stream  *s,
      guint64  ts,
      guint    proc,
      guint    kind,
      guint    detail,
      guint    slot,
      guint64  item,
      guint64  other,
      guint    value)
{
  ShmvizEvent ev = { 0 };

  ev.ts_ns = ts;
  ev.proc = (guint16) proc;
  ev.kind = (guint8) kind;
  ev.detail = (guint8) detail;
  ev.slot = (guint16) slot;
  ev.item = item;
  ev.other = other;
  ev.value = (guint16) value;
  g_array_append_val (s->events, ev);
}

static void
fold_stream (ShmvizModel *model,
             Stream      *s)
{
  shmviz_model_fold (model, (const ShmvizEvent *) (gpointer) s->events->data, s->events->len);
  g_array_set_size (s->events, 0);
}

static ShmvizModel *
new_model (guint          np,
           guint          nc,
           guint          n_slots,
           ShmvizSyncMode mode)
{
  ShmvizScenario scenario;

  shmviz_scenario_init_default (&scenario);
  scenario.n_producers = np;
  scenario.n_consumers = nc;
  scenario.n_slots = n_slots;
  scenario.sync = mode;
  return shmviz_model_new (&scenario);
}

/* One item through 1 × 1 on 4 slots with semaphores, step by step. */
static void
test_one_item (void)
{
  g_autoptr(ShmvizModel) model = new_model (1, 1, 4, SHMVIZ_SYNC_SEMAPHORES);
  g_autoptr(GArray) spans = g_array_new (FALSE, FALSE, sizeof (ShmvizSpan));
  Stream s = { g_array_new (FALSE, TRUE, sizeof (ShmvizEvent)) };
  guint64 item = SHMVIZ_ITEM_ID (0, 1);
  ShmvizSnapshot snap = { 0 };
  ShmvizSlotView *slots_before;
  const ShmvizSpan *sp;
  guint64 gen;

  shmviz_model_snapshot (model, &snap);
  g_assert_cmpuint (snap.n_slots, ==, 4);
  g_assert_cmpuint (snap.n_procs, ==, 2);
  g_assert_cmpint (snap.sem_value[SHMVIZ_SEM_EMPTY], ==, 4);
  g_assert_cmpint (snap.sem_value[SHMVIZ_SEM_FULL], ==, 0);
  g_assert_cmpint (snap.sem_value[SHMVIZ_SEM_MUTEX], ==, 1);
  g_assert_cmpuint (snap.mutex_owner, ==, SHMVIZ_NO_PROC);
  g_assert_cmpint (snap.procs[0].state, ==, SHMVIZ_VIEW_NEW);
  g_assert_cmpint (snap.procs[0].role, ==, SHMVIZ_ROLE_PRODUCER);
  g_assert_cmpint (snap.procs[1].role, ==, SHMVIZ_ROLE_CONSUMER);
  g_assert_cmpint (snap.mode, ==, SHMVIZ_SYNC_SEMAPHORES);
  gen = snap.generation;
  slots_before = snap.slots;

  push (&s, 1, SUP, SHMVIZ_EV_SPAWNED, 0, 0, 0, 100, 0);
  push (&s, 2, SUP, SHMVIZ_EV_SPAWNED, 0, 1, 0, 101, 0);
  push (&s, 5, 1, SHMVIZ_EV_WAIT, SHMVIZ_SEM_FULL, 0, 0, 0, 0);
  push (&s, 6, 1, SHMVIZ_EV_BLOCKED, SHMVIZ_SEM_FULL, 0, 0, 0, 0);
  push (&s, 10, 0, SHMVIZ_EV_START, 0, 0, 0, 100, SHMVIZ_ROLE_PRODUCER);
  push (&s, 20, 0, SHMVIZ_EV_PRODUCE, 0, 0, item, 0, 0);
  push (&s, 30, 0, SHMVIZ_EV_WAIT, SHMVIZ_SEM_EMPTY, 0, 0, 0, 0);
  fold_stream (model, &s);

  shmviz_model_snapshot (model, &snap);
  g_assert_true (snap.slots == slots_before);   /* arrays are reused */
  g_assert_cmpuint (snap.generation, ==, gen + 1);
  g_assert_cmpint (snap.procs[0].pid, ==, 100);
  g_assert_cmpint (snap.procs[1].pid, ==, 101);
  g_assert_cmpint (snap.procs[0].state, ==, SHMVIZ_VIEW_ACQUIRING);
  g_assert_cmpint (snap.procs[0].wait_sem, ==, SHMVIZ_SEM_EMPTY);
  g_assert_cmpint (snap.procs[1].state, ==, SHMVIZ_VIEW_WAITING);
  g_assert_cmpint (snap.procs[1].wait_sem, ==, SHMVIZ_SEM_FULL);
  g_assert_cmpuint (snap.start_ns, ==, 1);
  g_assert_cmpuint (snap.now_ns, ==, 30);

  push (&s, 40, 0, SHMVIZ_EV_ACQUIRED, SHMVIZ_SEM_EMPTY, 0, 0, 0, 3);
  push (&s, 50, 0, SHMVIZ_EV_WAIT, SHMVIZ_SEM_MUTEX, 0, 0, 0, 0);
  push (&s, 60, 0, SHMVIZ_EV_ACQUIRED, SHMVIZ_SEM_MUTEX, 0, 0, 0, 0);
  push (&s, 70, 0, SHMVIZ_EV_READ_INDEX, 0, 0, 0, 0, 0);
  push (&s, 80, 0, SHMVIZ_EV_WRITE_SLOT, SHMVIZ_SLOT_EMPTY, 0, item, 0, 0);
  push (&s, 90, 0, SHMVIZ_EV_ADVANCE, 0, 1, 0, SHMVIZ_PACK_INDICES (1, 0, 1), 1);
  fold_stream (model, &s);

  shmviz_model_snapshot (model, &snap);
  g_assert_cmpuint (snap.slots[0].item, ==, item);
  g_assert_cmpint (snap.slots[0].state, ==, SHMVIZ_SLOT_FULL);
  g_assert_cmpuint (snap.slots[0].changed_ns, ==, 80);
  g_assert_cmpint (snap.slots[1].state, ==, SHMVIZ_SLOT_EMPTY);
  g_assert_cmpint (snap.procs[0].state, ==, SHMVIZ_VIEW_CRITICAL);
  g_assert_cmpuint (snap.procs[0].held, ==, SHMVIZ_HELD_EMPTY | SHMVIZ_HELD_MUTEX);
  g_assert_cmpuint (snap.procs[0].last_slot, ==, 1);
  g_assert_cmpuint (snap.procs[0].last_item, ==, item);
  g_assert_cmpint (snap.procs[0].last_kind, ==, SHMVIZ_EV_ADVANCE);
  g_assert_cmpuint (snap.mutex_owner, ==, 0);
  g_assert_cmpint (snap.sem_value[SHMVIZ_SEM_EMPTY], ==, 3);
  g_assert_cmpint (snap.sem_value[SHMVIZ_SEM_MUTEX], ==, 0);
  g_assert_cmpuint (snap.in, ==, 1);
  g_assert_cmpuint (snap.out, ==, 0);
  g_assert_cmpuint (snap.count, ==, 1);
  g_assert_cmpuint (snap.totals.produced, ==, 1);
  g_assert_cmpuint (snap.totals.in_buffer, ==, 1);

  push (&s, 100, 0, SHMVIZ_EV_POST, SHMVIZ_SEM_MUTEX, 0, 0, 0, 0);
  push (&s, 110, 0, SHMVIZ_EV_POST, SHMVIZ_SEM_FULL, 0, 0, 0, 0);
  push (&s, 130, 1, SHMVIZ_EV_ACQUIRED, SHMVIZ_SEM_FULL, 0, 0, 0, 0);
  push (&s, 140, 1, SHMVIZ_EV_WAIT, SHMVIZ_SEM_MUTEX, 0, 0, 0, 0);
  push (&s, 150, 1, SHMVIZ_EV_ACQUIRED, SHMVIZ_SEM_MUTEX, 0, 0, 0, 0);
  push (&s, 160, 1, SHMVIZ_EV_READ_INDEX, 1, 0, 0, 0, 0);
  push (&s, 170, 1, SHMVIZ_EV_READ_SLOT, SHMVIZ_SLOT_FULL, 0, item, item, 0);
  push (&s, 180, 1, SHMVIZ_EV_ADVANCE, 1, 1, 0, SHMVIZ_PACK_INDICES (1, 1, 0), 0);
  push (&s, 190, 1, SHMVIZ_EV_POST, SHMVIZ_SEM_MUTEX, 0, 0, 0, 0);
  push (&s, 200, 1, SHMVIZ_EV_POST, SHMVIZ_SEM_EMPTY, 0, 0, 0, 0);
  push (&s, 210, 1, SHMVIZ_EV_CONSUME, 0, 0, item, 0, 0);
  fold_stream (model, &s);

  shmviz_model_snapshot (model, &snap);
  g_assert_cmpuint (snap.generation, ==, gen + 3);
  g_assert_cmpuint (snap.slots[0].item, ==, SHMVIZ_ITEM_NONE);
  g_assert_cmpint (snap.slots[0].state, ==, SHMVIZ_SLOT_EMPTY);
  g_assert_cmpint (snap.procs[0].state, ==, SHMVIZ_VIEW_RUNNING);
  g_assert_cmpuint (snap.procs[0].held, ==, 0);
  g_assert_cmpuint (snap.procs[0].items_done, ==, 1);
  g_assert_cmpint (snap.procs[1].state, ==, SHMVIZ_VIEW_RUNNING);
  g_assert_cmpuint (snap.procs[1].held, ==, 0);
  g_assert_cmpuint (snap.procs[1].items_done, ==, 1);
  g_assert_cmpuint (snap.procs[1].last_item, ==, item);
  g_assert_cmpuint (snap.procs[1].last_ns, ==, 210);
  g_assert_cmpint (snap.sem_value[SHMVIZ_SEM_EMPTY], ==, 4);
  g_assert_cmpint (snap.sem_value[SHMVIZ_SEM_FULL], ==, 0);
  g_assert_cmpint (snap.sem_value[SHMVIZ_SEM_MUTEX], ==, 1);
  g_assert_cmpuint (snap.mutex_owner, ==, SHMVIZ_NO_PROC);
  g_assert_cmpuint (snap.count, ==, 0);
  g_assert_cmpuint (snap.totals.consumed, ==, 1);
  g_assert_cmpuint (snap.totals.in_buffer, ==, 0);
  g_assert_cmpuint (snap.totals.events, ==, 24);
  g_assert_cmpuint (snap.n_anomalies, ==, 0);
  g_assert_false (snap.deadlock);
  g_assert_cmpuint (snap.now_ns, ==, 210);

  /* The consumer's timeline: acquiring, waiting on full, running,
   * acquiring the mutex, critical, running. */
  shmviz_model_get_spans (model, 1, 0, spans);
  g_assert_cmpuint (spans->len, ==, 6);
  sp = (const ShmvizSpan *) (gpointer) spans->data;
  g_assert_cmpint (sp[0].state, ==, SHMVIZ_VIEW_ACQUIRING);
  g_assert_cmpuint (sp[0].start_ns, ==, 5);
  g_assert_cmpuint (sp[0].end_ns, ==, 6);
  g_assert_cmpint (sp[1].state, ==, SHMVIZ_VIEW_WAITING);
  g_assert_cmpint (sp[1].wait_sem, ==, SHMVIZ_SEM_FULL);
  g_assert_cmpuint (sp[1].end_ns, ==, 130);
  g_assert_cmpint (sp[2].state, ==, SHMVIZ_VIEW_RUNNING);
  g_assert_cmpint (sp[3].state, ==, SHMVIZ_VIEW_ACQUIRING);
  g_assert_cmpint (sp[3].wait_sem, ==, SHMVIZ_SEM_MUTEX);
  g_assert_cmpint (sp[4].state, ==, SHMVIZ_VIEW_CRITICAL);
  g_assert_cmpuint (sp[4].start_ns, ==, 150);
  g_assert_cmpuint (sp[4].end_ns, ==, 190);
  g_assert_cmpint (sp[5].state, ==, SHMVIZ_VIEW_RUNNING);
  g_assert_cmpuint (sp[5].end_ns, ==, G_MAXUINT64);

  /* Only the spans that end after 140. */
  g_array_set_size (spans, 0);
  shmviz_model_get_spans (model, 1, 140, spans);
  g_assert_cmpuint (spans->len, ==, 3);
  g_array_set_size (spans, 0);
  shmviz_model_get_spans (model, 99, 0, spans);
  g_assert_cmpuint (spans->len, ==, 0);

  shmviz_snapshot_clear (&snap);
  g_assert_null (snap.slots);
  g_array_unref (s.events);
}

static void
test_anomaly_flash (void)
{
  g_autoptr(ShmvizModel) model = new_model (2, 1, 4, SHMVIZ_SYNC_MUTEX_ONLY);
  g_autoptr(GArray) anomalies = g_array_new (FALSE, FALSE, sizeof (ShmvizAnomaly));
  Stream s = { g_array_new (FALSE, TRUE, sizeof (ShmvizEvent)) };
  guint64 a = SHMVIZ_ITEM_ID (0, 1);
  guint64 b = SHMVIZ_ITEM_ID (1, 1);
  ShmvizSnapshot snap = { 0 };
  ShmvizTotals totals;

  push (&s, 10, 0, SHMVIZ_EV_WRITE_SLOT, SHMVIZ_SLOT_EMPTY, 2, a, 0, 0);
  push (&s, 20, 1, SHMVIZ_EV_WRITE_SLOT, SHMVIZ_SLOT_FULL, 2, b, a, 0);
  push (&s, 30, 2, SHMVIZ_EV_READ_SLOT, SHMVIZ_SLOT_EMPTY, 3, 0, 0, 0);
  fold_stream (model, &s);

  shmviz_model_snapshot (model, &snap);
  g_assert_cmpuint (snap.n_anomalies, ==, 2);
  g_assert_cmpuint (snap.slots[2].item, ==, b);
  g_assert_cmpint (snap.slots[2].flash, ==, SHMVIZ_ANOMALY_LOST + 1);
  g_assert_cmpuint (snap.slots[2].flash_ns, ==, 20);
  g_assert_cmpint (snap.slots[3].flash, ==, SHMVIZ_ANOMALY_EMPTY_READ + 1);
  g_assert_cmpint (snap.slots[0].flash, ==, 0);
  g_assert_cmpuint (snap.totals.lost, ==, 1);
  g_assert_cmpuint (snap.totals.produced,
                    ==, snap.totals.consumed + snap.totals.lost + snap.totals.in_buffer);

  g_assert_cmpuint (shmviz_model_get_anomalies (model, 0, anomalies), ==, 2);
  g_assert_cmpuint (anomalies->len, ==, 2);
  g_assert_cmpint (g_array_index (anomalies, ShmvizAnomaly, 0).kind, ==, SHMVIZ_ANOMALY_LOST);
  g_assert_cmpuint (shmviz_model_get_anomalies (model, 1, anomalies), ==, 2);
  g_assert_cmpuint (anomalies->len, ==, 3);
  g_assert_cmpint (g_array_index (anomalies, ShmvizAnomaly, 2).kind, ==, SHMVIZ_ANOMALY_EMPTY_READ);
  g_assert_cmpuint (shmviz_model_get_anomalies (model, 5, anomalies), ==, 2);
  g_assert_cmpuint (anomalies->len, ==, 3);

  shmviz_model_get_totals (model, &totals);
  g_assert_cmpuint (totals.lost, ==, 1);
  g_assert_cmpuint (totals.empty_reads, ==, 1);

  shmviz_snapshot_clear (&snap);
  g_array_unref (s.events);
}

static void
test_supervisor_events (void)
{
  g_autoptr(ShmvizModel) model = new_model (1, 1, 4, SHMVIZ_SYNC_SEMAPHORES);
  Stream s = { g_array_new (FALSE, TRUE, sizeof (ShmvizEvent)) };
  ShmvizSnapshot snap = { 0 };

  push (&s, 10, SUP, SHMVIZ_EV_MODE, 0, 0, 0, 0, SHMVIZ_SYNC_OFF);
  push (&s, 11, SUP, SHMVIZ_EV_PAUSE, 0, 0, 0, 0, 1);
  push (&s, 12, SUP, SHMVIZ_EV_SPEED, 0, 0, 0, 250, 0);
  push (&s, 13, SUP, SHMVIZ_EV_TIMING, 0, 0, 0, 5000000, SHMVIZ_TIMING_RACE_WINDOW);
  /* Without a lock, touching the indices is the critical section. */
  push (&s, 20, 0, SHMVIZ_EV_READ_INDEX, 0, 2, 0, 0, 0);
  fold_stream (model, &s);

  shmviz_model_snapshot (model, &snap);
  g_assert_cmpint (snap.mode, ==, SHMVIZ_SYNC_OFF);
  g_assert_true (snap.paused);
  g_assert_cmpuint (snap.speed_permille, ==, 250);
  g_assert_cmpuint (snap.scenario.timing_ns[SHMVIZ_TIMING_RACE_WINDOW], ==, 5000000);
  /* The scenario the model was made from does not change. */
  g_assert_cmpuint (shmviz_model_get_scenario (model)->timing_ns[SHMVIZ_TIMING_RACE_WINDOW], ==, 0);
  g_assert_cmpint (snap.procs[0].state, ==, SHMVIZ_VIEW_CRITICAL);

  push (&s, 30, 0, SHMVIZ_EV_ADVANCE, 0, 3, 0, SHMVIZ_PACK_INDICES (3, 0, 1), 1);
  push (&s, 40, 1, SHMVIZ_EV_ACQUIRED, SHMVIZ_SEM_MUTEX, 0, 0, 0, 0);
  push (&s, 50, SUP, SHMVIZ_EV_DIED, 1, 1, 0, 0, 9);
  fold_stream (model, &s);

  shmviz_model_snapshot (model, &snap);
  g_assert_cmpint (snap.procs[0].state, ==, SHMVIZ_VIEW_RUNNING);
  g_assert_cmpuint (snap.in, ==, 3);
  g_assert_cmpint (snap.procs[1].state, ==, SHMVIZ_VIEW_DEAD);
  g_assert_cmpint (snap.procs[1].exit_status, ==, 9);
  g_assert_true (snap.procs[1].signaled);
  /* A dead holder still holds: nobody posted for it. */
  g_assert_cmpuint (snap.mutex_owner, ==, 1);
  g_assert_cmpint (snap.sem_value[SHMVIZ_SEM_MUTEX], ==, 0);

  /* The rebuild restores every value from the slots. */
  push (&s, 60, SUP, SHMVIZ_EV_RESYNC, 0, 0, 0, SHMVIZ_PACK_INDICES (3, 1, 2), 2);
  push (&s, 70, 0, SHMVIZ_EV_PARKED, 0, 0, 0, 0, 1);
  fold_stream (model, &s);
  shmviz_model_snapshot (model, &snap);
  g_assert_cmpint (snap.sem_value[SHMVIZ_SEM_EMPTY], ==, 2);
  g_assert_cmpint (snap.sem_value[SHMVIZ_SEM_FULL], ==, 2);
  g_assert_cmpint (snap.sem_value[SHMVIZ_SEM_MUTEX], ==, 1);
  g_assert_cmpuint (snap.mutex_owner, ==, SHMVIZ_NO_PROC);
  g_assert_cmpuint (snap.procs[1].held, ==, 0);
  g_assert_cmpuint (snap.in, ==, 3);
  g_assert_cmpuint (snap.out, ==, 1);
  g_assert_cmpuint (snap.count, ==, 2);
  g_assert_cmpint (snap.procs[0].state, ==, SHMVIZ_VIEW_PARKED);

  push (&s, 80, 0, SHMVIZ_EV_EXIT, 0, 0, 0, 42, 0);
  push (&s, 81, SUP, SHMVIZ_EV_DIED, 0, 0, 0, 0, 0);
  push (&s, 90, SUP, SHMVIZ_EV_DROPPED, 0, 1, 0, 12, 0);
  fold_stream (model, &s);
  shmviz_model_snapshot (model, &snap);
  /* Reaped after a clean exit: done, not dead. */
  g_assert_cmpint (snap.procs[0].state, ==, SHMVIZ_VIEW_DONE);
  g_assert_cmpuint (snap.procs[0].items_done, ==, 42);
  g_assert_cmpuint (snap.totals.dropped_events, ==, 12);

  shmviz_snapshot_clear (&snap);
  g_array_unref (s.events);
}

static void
test_deadlock (void)
{
  g_autoptr(ShmvizModel) model = new_model (1, 1, 2, SHMVIZ_SYNC_WRONG_ORDER);
  Stream s = { g_array_new (FALSE, TRUE, sizeof (ShmvizEvent)) };
  ShmvizSnapshot snap = { 0 };
  guint64 gen;

  /* Both slots already taken: empty is 0. */
  push (&s, 5, 0, SHMVIZ_EV_ACQUIRED, SHMVIZ_SEM_EMPTY, 0, 0, 0, 0);
  push (&s, 6, 0, SHMVIZ_EV_ACQUIRED, SHMVIZ_SEM_EMPTY, 0, 0, 0, 0);
  push (&s, 10, 0, SHMVIZ_EV_ACQUIRED, SHMVIZ_SEM_MUTEX, 0, 0, 0, 0);
  push (&s, 20, 0, SHMVIZ_EV_BLOCKED, SHMVIZ_SEM_EMPTY, 0, 0, 0, 0);
  push (&s, 30, 1, SHMVIZ_EV_BLOCKED, SHMVIZ_SEM_MUTEX, 0, 0, 0, 0);
  fold_stream (model, &s);
  shmviz_model_snapshot (model, &snap);
  gen = snap.generation;
  g_assert_false (snap.deadlock);
  g_assert_cmpint (snap.procs[0].state, ==, SHMVIZ_VIEW_WAITING);
  g_assert_cmpuint (snap.procs[0].held, ==, SHMVIZ_HELD_MUTEX | SHMVIZ_HELD_EMPTY);

  g_assert_cmpuint (shmviz_model_check_stall (model, 1000, 500), ==, 1);
  g_assert_cmpuint (shmviz_model_check_stall (model, 2000, 500), ==, 0);
  shmviz_model_snapshot (model, &snap);
  g_assert_true (snap.deadlock);
  g_assert_cmpuint (snap.n_anomalies, ==, 1);
  g_assert_cmpuint (snap.totals.deadlocks, ==, 1);
  g_assert_cmpuint (snap.generation, ==, gen + 1);

  shmviz_snapshot_clear (&snap);
  g_array_unref (s.events);
}

/* The timeline keeps a bounded history: the oldest spans go. */
static void
test_span_cap (void)
{
  g_autoptr(ShmvizModel) model = new_model (1, 1, 2, SHMVIZ_SYNC_SEMAPHORES);
  g_autoptr(GArray) spans = g_array_new (FALSE, FALSE, sizeof (ShmvizSpan));
  Stream s = { g_array_new (FALSE, TRUE, sizeof (ShmvizEvent)) };
  const guint n = 10000;
  const ShmvizSpan *sp;

  for (guint i = 0; i < n; i++)
    push (&s, 100 + i, 0, i % 2 ? SHMVIZ_EV_WAIT : SHMVIZ_EV_PRODUCE, SHMVIZ_SEM_EMPTY, 0, 0, 0, 0);
  fold_stream (model, &s);

  shmviz_model_get_spans (model, 0, 0, spans);
  g_assert_cmpuint (spans->len, >=, 1000);
  g_assert_cmpuint (spans->len, <=, 4096);
  sp = (const ShmvizSpan *) (gpointer) spans->data;
  /* Newest last, contiguous, still open at the end. */
  g_assert_cmpuint (sp[spans->len - 1].start_ns, ==, 100 + n - 1);
  g_assert_cmpuint (sp[spans->len - 1].end_ns, ==, G_MAXUINT64);
  for (guint i = 1; i < spans->len; i++)
    g_assert_cmpuint (sp[i].start_ns, ==, sp[i - 1].end_ns);

  g_array_unref (s.events);
}

static void
test_boxed (void)
{
  g_autoptr(ShmvizModel) model = new_model (2, 2, 8, SHMVIZ_SYNC_SEMAPHORES);
  ShmvizModel *copy;

  g_assert_true (G_TYPE_IS_BOXED (SHMVIZ_TYPE_MODEL));
  copy = g_boxed_copy (SHMVIZ_TYPE_MODEL, model);
  g_assert_true (copy == model);
  g_boxed_free (SHMVIZ_TYPE_MODEL, copy);
  g_assert_cmpuint (shmviz_model_get_scenario (model)->n_slots, ==, 8);
  g_assert_cmpstr (shmviz_view_state_name (SHMVIZ_VIEW_WAITING), ==, "waiting");
}

/* A drain thread folds while the UI snapshots. */
typedef struct {
  ShmvizModel *model;
  guint n_batches;
} FoldJob;

static gpointer
fold_thread (gpointer data)
{
  FoldJob *job = data;
  g_autofree ShmvizEvent *batch = g_new0 (ShmvizEvent, 4000);
  guint64 seq = 1;
  guint64 ts = 1;

  for (guint b = 0; b < job->n_batches; b++)
    {
      for (guint i = 0; i < 4000; i += 2)
        {
          guint64 item = SHMVIZ_ITEM_ID (0, seq++);
          guint slot = (guint) (item % 8);

          batch[i] = (ShmvizEvent) { .ts_ns = ts++, .proc = 0, .kind = SHMVIZ_EV_WRITE_SLOT,
                                     .detail = SHMVIZ_SLOT_EMPTY, .slot = slot, .item = item };
          batch[i + 1] = (ShmvizEvent) { .ts_ns = ts++, .proc = 1, .kind = SHMVIZ_EV_READ_SLOT,
                                         .detail = SHMVIZ_SLOT_FULL, .slot = slot, .item = item };
        }
      shmviz_model_fold (job->model, batch, 4000);
    }

  return NULL;
}

static void
test_threaded (void)
{
  g_autoptr(ShmvizModel) model = new_model (1, 1, 8, SHMVIZ_SYNC_SEMAPHORES);
  FoldJob job = { model, 250 };
  ShmvizSnapshot snap = { 0 };
  guint64 last_gen = 0;
  GThread *thread;

  thread = g_thread_new ("fold", fold_thread, &job);
  do
    {
      shmviz_model_snapshot (model, &snap);
      g_assert_cmpuint (snap.generation, >=, last_gen);
      g_assert_cmpuint (snap.totals.produced,
                        ==, snap.totals.consumed + snap.totals.lost + snap.totals.in_buffer);
      last_gen = snap.generation;
    }
  while (snap.generation < job.n_batches);
  g_thread_join (thread);

  shmviz_model_snapshot (model, &snap);
  g_assert_cmpuint (snap.totals.produced, ==, 500000);
  g_assert_cmpuint (snap.totals.consumed, ==, 500000);
  g_assert_cmpuint (snap.n_anomalies, ==, 0);
  shmviz_snapshot_clear (&snap);
}

/* A long, racy and partly hostile stream, folded in batches of every size,
 * one event at a time, and by a bare ledger: the model folds a batch in two
 * passes (the ledger's, then its own, learning the slots and anomalies
 * afterwards), which must not show anything one event at a time would not.
 * Enough items for the ledger's windows to compact several times. */
static void
test_batch_equals_single (void)
{
  const guint np = 1, nc = 2, n_slots = 8;
  g_autoptr(ShmvizModel) batched = new_model (np, nc, n_slots, SHMVIZ_SYNC_OFF);
  g_autoptr(ShmvizModel) single = new_model (np, nc, n_slots, SHMVIZ_SYNC_OFF);
  g_autoptr(GRand) rand = g_rand_new_with_seed (20261127);
  g_autoptr(GArray) events = g_array_new (FALSE, FALSE, sizeof (ShmvizEvent));
  g_autoptr(GArray) anomalies_b = g_array_new (FALSE, FALSE, sizeof (ShmvizAnomaly));
  g_autoptr(GArray) anomalies_s = g_array_new (FALSE, FALSE, sizeof (ShmvizAnomaly));
  g_autoptr(GBytes) state_b = NULL;
  g_autoptr(GBytes) state_s = NULL;
  ShmvizLedger *ledger = shmviz_ledger_new (np, nc, n_slots);
  Stream s = { events };
  guint64 next_seq[1] = { 1 };
  guint64 in_slot[8] = { 0 };
  ShmvizSnapshot snap_b = { 0 }, snap_s = { 0 };
  const ShmvizAnomaly *ledger_anomalies;
  ShmvizTotals totals_b, totals_l;
  guint n_ledger = 0;
  guint64 ts = 1000;

  for (guint i = 0; i < 600000; i++)
    {
      guint r = g_rand_int_range (rand, 0, 100);
      guint proc = g_rand_int_range (rand, 0, np + nc);
      guint slot = g_rand_int_range (rand, 0, n_slots);
      guint detail = g_rand_int_range (rand, 0, 4);

      /* Merged rings deliver a step a little out of order now and then. */
      ts += g_rand_int_range (rand, 0, 100);
      if (g_rand_int_range (rand, 0, 50) == 0)
        ts -= g_rand_int_range (rand, 0, 60);

      if (r < 30)
        {
          guint p = proc % np;
          guint64 item = SHMVIZ_ITEM_ID (p, next_seq[p]++);

          if (g_rand_int_range (rand, 0, 20) == 0)
            detail |= SHMVIZ_EV_FLAG_RACED;
          push (&s, ts, p, SHMVIZ_EV_WRITE_SLOT, detail, slot, item, in_slot[slot], 0);
          in_slot[slot] = item;
        }
      else if (r < 55)
        {
          guint c = np + proc % nc;
          guint64 item = in_slot[slot];

          /* Sometimes a stale id, a garbage one, or a torn read. */
          if (g_rand_int_range (rand, 0, 10) == 0)
            item = SHMVIZ_ITEM_ID (g_rand_int_range (rand, 0, np + 1),
                                   g_rand_int_range (rand, 0, (gint32) next_seq[0] + 2));
          if (g_rand_int_range (rand, 0, 30) == 0)
            detail |= SHMVIZ_EV_FLAG_CORRUPT;
          push (&s, ts, c, SHMVIZ_EV_READ_SLOT, detail, slot, item, item, 0);
          if (g_rand_int_range (rand, 0, 4) != 0)
            in_slot[slot] = 0;
        }
      else if (r < 85)
        {
          static const guint8 kinds[] = {
            SHMVIZ_EV_WAIT, SHMVIZ_EV_BLOCKED, SHMVIZ_EV_ACQUIRED, SHMVIZ_EV_POST,
            SHMVIZ_EV_PRODUCE, SHMVIZ_EV_CONSUME, SHMVIZ_EV_READ_INDEX,
          };

          push (&s, ts, proc, kinds[g_rand_int_range (rand, 0, G_N_ELEMENTS (kinds))],
                g_rand_int_range (rand, 0, SHMVIZ_N_SEMS + 1), slot,
                SHMVIZ_ITEM_ID (proc % np, next_seq[proc % np]), 0, 0);
        }
      else if (r < 93)
        push (&s, ts, proc, SHMVIZ_EV_ADVANCE, proc >= np, slot, 0,
              SHMVIZ_PACK_INDICES (g_rand_int_range (rand, 0, n_slots),
                                   g_rand_int_range (rand, 0, n_slots),
                                   g_rand_int_range (rand, -2, n_slots + 2)), 0);
      else if (r < 97)
        {
          static const guint8 kinds[] = {
            SHMVIZ_EV_SLOT_MOVED, SHMVIZ_EV_SLOT_CLEARED, SHMVIZ_EV_RESYNC, SHMVIZ_EV_DIED,
            SHMVIZ_EV_SPAWNED, SHMVIZ_EV_STOPPED, SHMVIZ_EV_DROPPED, SHMVIZ_EV_MODE,
          };
          guint kind = kinds[g_rand_int_range (rand, 0, G_N_ELEMENTS (kinds))];

          push (&s, ts, SUP, kind, g_rand_int_range (rand, 0, 2),
                g_rand_int_range (rand, 0, n_slots + 2), in_slot[slot], 3,
                g_rand_int_range (rand, 0, n_slots + 2));
          if (kind == SHMVIZ_EV_SLOT_MOVED || kind == SHMVIZ_EV_SLOT_CLEARED)
            in_slot[slot] = 0;
        }
      else
        {
          /* Scribbled: a process or a kind out of range, steps it would
           * never take (repair, park, exit). */
          static const guint8 kinds[] = {
            SHMVIZ_EV_REPAIR, SHMVIZ_EV_PARKED, SHMVIZ_EV_RESUMED, SHMVIZ_EV_ABANDON,
            SHMVIZ_EV_START, SHMVIZ_EV_EXIT, SHMVIZ_EV_NONE, SHMVIZ_EV_LAST, 200,
          };

          push (&s, ts, g_rand_int_range (rand, 0, 8) == 0 ? 77 : proc,
                kinds[g_rand_int_range (rand, 0, G_N_ELEMENTS (kinds))],
                g_rand_int_range (rand, 0, 256), g_rand_int_range (rand, 0, 65536),
                g_rand_int_range (rand, 0, 5), g_rand_int (rand), 0);
        }
    }

  for (guint i = 0; i < events->len;)
    {
      /* (MIN evaluates its arguments twice: draw first.) */
      guint n = (guint) g_rand_int_range (rand, 1, 5000);

      n = MIN (n, events->len - i);
      shmviz_model_fold (batched, &g_array_index (events, ShmvizEvent, i), n);
      i += n;
    }
  for (guint i = 0; i < events->len; i++)
    {
      shmviz_model_fold (single, &g_array_index (events, ShmvizEvent, i), 1);
      shmviz_ledger_fold (ledger, &g_array_index (events, ShmvizEvent, i));
    }

  state_b = shmviz_model_serialize (batched);
  state_s = shmviz_model_serialize (single);
  g_assert_true (g_bytes_equal (state_b, state_s));

  shmviz_model_snapshot (batched, &snap_b);
  shmviz_model_snapshot (single, &snap_s);
  g_assert_cmpmem (snap_b.slots, snap_b.n_slots * sizeof (ShmvizSlotView),
                   snap_s.slots, snap_s.n_slots * sizeof (ShmvizSlotView));
  g_assert_cmpmem (snap_b.procs, snap_b.n_procs * sizeof (ShmvizProcView),
                   snap_s.procs, snap_s.n_procs * sizeof (ShmvizProcView));
  g_assert_cmpuint (snap_b.start_ns, ==, snap_s.start_ns);
  g_assert_cmpuint (snap_b.now_ns, ==, snap_s.now_ns);

  shmviz_model_get_anomalies (batched, 0, anomalies_b);
  shmviz_model_get_anomalies (single, 0, anomalies_s);
  ledger_anomalies = shmviz_ledger_get_anomalies (ledger, &n_ledger);
  g_assert_cmpuint (anomalies_b->len, >, 1000);
  g_assert_cmpmem (anomalies_b->data, anomalies_b->len * sizeof (ShmvizAnomaly),
                   anomalies_s->data, anomalies_s->len * sizeof (ShmvizAnomaly));
  g_assert_cmpmem (anomalies_b->data, anomalies_b->len * sizeof (ShmvizAnomaly),
                   ledger_anomalies, n_ledger * sizeof (ShmvizAnomaly));

  shmviz_model_get_totals (batched, &totals_b);
  shmviz_ledger_get_totals (ledger, &totals_l);
  g_assert_cmpmem (&totals_b, sizeof totals_b, &totals_l, sizeof totals_l);
  g_assert_cmpuint (totals_b.events, ==, events->len);
  g_assert_cmpuint (totals_b.produced, >, 150000);
  g_assert_cmpuint (totals_b.produced, ==, totals_b.consumed + totals_b.lost + totals_b.in_buffer);

  shmviz_snapshot_clear (&snap_b);
  shmviz_snapshot_clear (&snap_s);
  shmviz_ledger_free (ledger);
}

int
main (int    argc,
      char **argv)
{
  setlocale (LC_ALL, "C");
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/model/one-item", test_one_item);
  g_test_add_func ("/model/anomaly-flash", test_anomaly_flash);
  g_test_add_func ("/model/supervisor-events", test_supervisor_events);
  g_test_add_func ("/model/deadlock", test_deadlock);
  g_test_add_func ("/model/span-cap", test_span_cap);
  g_test_add_func ("/model/boxed", test_boxed);
  g_test_add_func ("/model/threaded", test_threaded);
  g_test_add_func ("/model/batch-equals-single", test_batch_equals_single);

  return g_test_run ();
}
