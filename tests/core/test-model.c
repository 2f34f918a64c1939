/* test-model.c — folding events into what the views draw
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <locale.h>
#include <string.h>

#include "layout.h"
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

  return g_test_run ();
}
