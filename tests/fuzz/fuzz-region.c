/* fuzz-region.c — the region reader, ledger and model against hostile bytes
 *
 * A worker, or anything else that can write to /dev/shm under our uid, can
 * scribble on the region while the supervisor reads it.  This target hands
 * arbitrary bytes to shmviz_region_wrap() and, when they validate, reads
 * them the way the supervisor does: every slot header and payload, every
 * process block, each ring's head, tail and events, merged by time and
 * folded into a ShmvizLedger and a ShmvizModel.  Nothing may crash, read
 * out of bounds or allocate without bound.
 *
 * Built two ways, like fuzz-recording.c.  With clang and -DSHMVIZ_LIBFUZZER
 * it is a libFuzzer target.  Otherwise it is its own driver, run by
 * `meson test --suite fuzz`: it replays every file of the seed corpus,
 * then a fixed number of seeded random mutations of each.  Since a region
 * validates only at exactly the size its header implies, most mutations
 * keep the size and edit fields in place.  `--make-seeds DIR` writes the
 * seed corpus from regions made by shmviz_region_create().
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include <glib/gstdio.h>

#include "ledger.h"
#include "lockfree.h"
#include "model.h"
#include "region.h"

int LLVMFuzzerTestOneInput (const guint8 *data, size_t size);

static guint n_validated;
static guint64 n_folded;

/* A ring's events as the drainer stages them. */
typedef struct {
  const ShmvizEvent *events;
  guint n;
  guint pos;
} Ring;

static void
fold_one (ShmvizLedger      *ledger,
          ShmvizModel       *model,
          const ShmvizEvent *ev)
{
  shmviz_ledger_fold (ledger, ev);
  shmviz_model_fold (model, ev, 1);
  n_folded++;
}

static void
walk_region (ShmvizRegion *region)
{
  ShmvizRegionHeader *h = shmviz_region_header (region);
  guint n_slots = shmviz_region_n_slots (region);
  guint n_procs = shmviz_region_n_procs (region);
  guint item_size = shmviz_region_item_size (region);
  guint capacity = shmviz_region_ring_capacity (region);
  guint64 mask = capacity - 1;
  ShmvizScenario sc;
  g_autoptr(ShmvizLedger) ledger = NULL;
  g_autoptr(ShmvizModel) model = NULL;
  g_autofree ShmvizEvent *staged = NULL;
  g_autofree Ring *rings = NULL;
  g_autofree guint64 *last_ts = NULL;
  g_autofree guint8 *payload = NULL;
  GArray *control = g_array_new (FALSE, TRUE, sizeof (ShmvizEvent));
  guint n_staged = 0;
  guint64 stamp = 1;

  /* Validation vouches for these copies, never for the live fields. */
  g_assert_cmpuint (n_slots, >=, 1);
  g_assert_cmpuint (n_procs, >=, 2);
  g_assert_cmpuint (capacity, >=, 1);
  g_assert_cmpuint (capacity & (capacity - 1), ==, 0);
  g_assert_cmpuint (n_procs, ==, h->n_producers + h->n_consumers);

  shmviz_scenario_init_fast (&sc);
  sc.n_producers = h->n_producers;
  sc.n_consumers = h->n_consumers;
  sc.n_slots = n_slots;
  sc.item_size = item_size;
  sc.instrument = h->instrument != 0;
  ledger = shmviz_ledger_new (sc.n_producers, sc.n_consumers, n_slots);
  model = shmviz_model_new (&sc);

  /* Slots, as a rebuild reads them: state, item, checksum over payload. */
  payload = g_malloc (item_size);
  for (guint i = 0; i < n_slots; i++)
    {
      ShmvizSlotHeader *slot = shmviz_region_slot (region, i);
      const guint8 *src = shmviz_region_slot_payload (region, i);
      guint32 state = shmviz_slot_state (slot);
      guint64 item = shmviz_slot_item (slot);
      g_autofree char *label = shmviz_item_label (item);

      g_assert_nonnull (src);
      g_assert_nonnull (shmviz_region_slot_seq (region, i));
      memcpy (payload, src, item_size);
      (void) shmviz_slot_state_name (state);
      if (state == SHMVIZ_SLOT_FULL && slot->checksum != shmviz_item_checksum (item, payload, item_size))
        g_array_append_val (control, ((ShmvizEvent) { .proc = SHMVIZ_PROC_SUPERVISOR,
                                                      .kind = SHMVIZ_EV_SLOT_CLEARED,
                                                      .slot = (guint16) i, .item = item }));
    }
  g_assert_null (shmviz_region_slot (region, n_slots));
  g_assert_null (shmviz_region_slot_payload (region, n_slots));
  g_assert_null (shmviz_region_slot_seq (region, n_slots));
  g_assert_null (shmviz_region_proc (region, n_procs));
  g_assert_cmpuint (shmviz_lockfree_fifo_start (region), <, n_slots);

  /* Process blocks and rings, as drain_ring() in session-drain.c. */
  staged = g_new (ShmvizEvent, (gsize) n_procs * capacity);
  rings = g_new0 (Ring, n_procs);
  last_ts = g_new0 (guint64, n_procs);
  for (guint i = 0; i < n_procs; i++)
    {
      ShmvizProcBlock *p = shmviz_region_proc (region, i);
      guint64 head = atomic_load (&p->head);
      guint64 tail = atomic_load (&p->tail);
      guint64 dropped = atomic_load (&p->dropped);
      guint32 state = atomic_load (&p->state);
      guint32 wait_sem = atomic_load (&p->wait_sem);
      g_autofree char *label = shmviz_proc_label (i, sc.n_producers);

      (void) shmviz_sem_name (wait_sem);
      (void) atomic_load (&p->pid);
      (void) atomic_load (&p->held);
      (void) atomic_load (&p->items_done);
      (void) atomic_load (&p->last_seq);
      if (state == SHMVIZ_PROC_STATE_EXITED)
        g_array_append_val (control, ((ShmvizEvent) { .proc = SHMVIZ_PROC_SUPERVISOR,
                                                      .kind = SHMVIZ_EV_DIED, .slot = (guint16) i }));

      rings[i].events = &staged[n_staged];
      if (head - tail > capacity)
        {
          g_array_append_val (control, ((ShmvizEvent) { .proc = SHMVIZ_PROC_SUPERVISOR,
                                                        .kind = SHMVIZ_EV_DROPPED, .detail = 1,
                                                        .slot = (guint16) i }));
          continue;
        }
      if (head != tail)
        {
          guint first = (guint) (tail & mask);
          guint n = (guint) (head - tail);
          guint n1 = MIN (n, capacity - first);
          ShmvizEvent *dst = &staged[n_staged];

          memcpy (dst, &p->events[first], n1 * sizeof (ShmvizEvent));
          memcpy (dst + n1, &p->events[0], (n - n1) * sizeof (ShmvizEvent));
          for (guint k = 0; k < n; k++)
            {
              dst[k].proc = (guint16) i;
              if (dst[k].ts_ns < last_ts[i])
                dst[k].ts_ns = last_ts[i];
              last_ts[i] = dst[k].ts_ns;
            }
          rings[i].n = n;
          n_staged += n;
        }
      if (dropped != 0)
        g_array_append_val (control, ((ShmvizEvent) { .proc = SHMVIZ_PROC_SUPERVISOR,
                                                      .kind = SHMVIZ_EV_DROPPED, .slot = (guint16) i,
                                                      .other = dropped }));
    }
  g_assert_cmpuint (n_staged, <=, (gsize) n_procs * capacity);

  /* What a session folds first, then the rings merged in time order. */
  fold_one (ledger, model, &(ShmvizEvent) { .ts_ns = 0, .proc = SHMVIZ_PROC_SUPERVISOR,
                                            .kind = SHMVIZ_EV_SESSION, .value = (guint16) n_slots });
  for (guint k = 0; k < control->len; k++)
    {
      ShmvizEvent *ev = &g_array_index (control, ShmvizEvent, k);

      ev->ts_ns = stamp++;
      fold_one (ledger, model, ev);
    }
  for (;;)
    {
      guint best = G_MAXUINT;

      for (guint i = 0; i < n_procs; i++)
        if (rings[i].pos < rings[i].n &&
            (best == G_MAXUINT ||
             rings[i].events[rings[i].pos].ts_ns < rings[best].events[rings[best].pos].ts_ns))
          best = i;
      if (best == G_MAXUINT)
        break;
      fold_one (ledger, model, &rings[best].events[rings[best].pos++]);
    }
  g_array_unref (control);

  /* What the views and the log then ask of them. */
  {
    ShmvizTotals a, b;
    ShmvizSnapshot snap = { 0 };
    g_autoptr(GArray) anomalies = g_array_new (FALSE, FALSE, sizeof (ShmvizAnomaly));
    g_autoptr(GArray) spans = g_array_new (FALSE, FALSE, sizeof (ShmvizSpan));
    g_autoptr(GBytes) state = NULL;
    g_autoptr(ShmvizModel) copy = NULL;
    g_autoptr(GError) error = NULL;
    guint n_anomalies;

    shmviz_ledger_check_stall (ledger, G_MAXUINT64 / 2, 0);
    shmviz_model_check_stall (model, G_MAXUINT64 / 2, 0);
    shmviz_ledger_get_totals (ledger, &a);
    shmviz_model_get_totals (model, &b);
    g_assert_cmpuint (a.events, ==, b.events);
    g_assert_cmpuint (a.produced, ==, a.consumed + a.lost + a.in_buffer);
    g_assert_cmpuint (b.produced, ==, b.consumed + b.lost + b.in_buffer);
    for (guint s = 0; s < n_slots; s++)
      (void) shmviz_ledger_slot_item (ledger, s);

    shmviz_model_snapshot (model, &snap);
    g_assert_cmpuint (snap.n_slots, ==, n_slots);
    g_assert_cmpuint (snap.n_procs, ==, n_procs);
    shmviz_snapshot_clear (&snap);

    n_anomalies = shmviz_model_get_anomalies (model, 0, anomalies);
    g_assert_cmpuint (n_anomalies, ==, anomalies->len);
    for (guint k = 0; k < anomalies->len && k < 32; k++)
      {
        g_autofree char *text = shmviz_anomaly_describe (&g_array_index (anomalies, ShmvizAnomaly, k),
                                                         sc.n_producers);
        g_assert_nonnull (text);
      }
    for (guint i = 0; i < n_procs; i++)
      {
        ShmvizProcView view;

        g_assert_true (shmviz_model_get_proc (model, i, &view));
        shmviz_model_get_spans (model, i, 0, spans);
      }

    /* A snapshot of whatever the fold built must restore. */
    state = shmviz_model_serialize (model);
    copy = shmviz_model_new (&sc);
    if (!shmviz_model_restore (copy, state, (const ShmvizAnomaly *) (void *) anomalies->data,
                               anomalies->len, &error))
      g_error ("a serialized model does not restore: %s", error->message);
  }
}

int
LLVMFuzzerTestOneInput (const guint8 *data,
                        size_t        size)
{
  g_autoptr(ShmvizRegion) region = NULL;
  g_autoptr(GError) error = NULL;
  static guint64 empty;
  void *copy;

  /* The real region is page-aligned shared memory; a copy gives the
   * reader the alignment of its types, and room to write as it may. */
  copy = size > 0 ? g_aligned_alloc (1, size, 4096) : NULL;
  if (size > 0)
    memcpy (copy, data, size);

  region = shmviz_region_wrap (copy ? copy : (void *) &empty, size, &error);
  if (region == NULL)
    {
      g_assert (error != NULL && error->message != NULL);
      g_aligned_free (copy);
      return 0;
    }
  n_validated++;
  g_assert_cmpuint (shmviz_region_get_size (region), ==, size);
  g_assert_cmpint (shmviz_region_get_fd (region), ==, -1);
  walk_region (region);
  g_clear_pointer (&region, shmviz_region_free);
  g_aligned_free (copy);
  return 0;
}

#ifndef SHMVIZ_LIBFUZZER

/* Seeds ----------------------------------------------------------------- */

/* Appends @ev to proc @i's ring the way a worker does. */
static void
emit (ShmvizRegion *region,
      guint         i,
      ShmvizEvent   ev)
{
  ShmvizProcBlock *p = shmviz_region_proc (region, i);
  guint64 head = atomic_load (&p->head);

  ev.proc = (guint16) i;
  p->events[head & (shmviz_region_ring_capacity (region) - 1)] = ev;
  atomic_store (&p->head, head + 1);
}

static void
put_item (ShmvizRegion *region,
          guint         slot,
          guint64       item,
          guint32       state,
          gboolean      good_checksum)
{
  ShmvizSlotHeader *h = shmviz_region_slot (region, slot);
  guint8 *payload = shmviz_region_slot_payload (region, slot);
  guint size = shmviz_region_item_size (region);

  shmviz_item_fill (item, payload, size);
  h->checksum = shmviz_item_checksum (item, payload, size) ^ (good_checksum ? 0 : 1);
  atomic_store (&h->word, SHMVIZ_SLOT_WORD (state, item));
}

/* A producer/consumer round trip on @slot, as the workers record it. */
static void
round_trip (ShmvizRegion *region,
            guint         producer,
            guint         consumer,
            guint64       seq,
            guint         slot,
            guint64      *ts)
{
  guint n = shmviz_region_n_slots (region);
  guint64 item = SHMVIZ_ITEM_ID (producer, seq);

  emit (region, producer, (ShmvizEvent) { .ts_ns = (*ts)++, .kind = SHMVIZ_EV_PRODUCE, .item = item });
  emit (region, producer, (ShmvizEvent) { .ts_ns = (*ts)++, .kind = SHMVIZ_EV_WAIT, .detail = SHMVIZ_SEM_EMPTY });
  emit (region, producer, (ShmvizEvent) { .ts_ns = (*ts)++, .kind = SHMVIZ_EV_ACQUIRED, .detail = SHMVIZ_SEM_EMPTY });
  emit (region, producer, (ShmvizEvent) { .ts_ns = (*ts)++, .kind = SHMVIZ_EV_READ_INDEX, .slot = (guint16) slot });
  emit (region, producer, (ShmvizEvent) { .ts_ns = (*ts)++, .kind = SHMVIZ_EV_WRITE_SLOT, .slot = (guint16) slot,
                                          .item = item, .detail = SHMVIZ_SLOT_EMPTY });
  emit (region, producer, (ShmvizEvent) { .ts_ns = (*ts)++, .kind = SHMVIZ_EV_ADVANCE, .slot = (guint16) slot,
                                          .value = 1,
                                          .other = SHMVIZ_PACK_INDICES ((slot + 1) % n, slot, 1) });
  emit (region, producer, (ShmvizEvent) { .ts_ns = (*ts)++, .kind = SHMVIZ_EV_POST, .detail = SHMVIZ_SEM_FULL });
  emit (region, consumer, (ShmvizEvent) { .ts_ns = (*ts)++, .kind = SHMVIZ_EV_WAIT, .detail = SHMVIZ_SEM_FULL });
  emit (region, consumer, (ShmvizEvent) { .ts_ns = (*ts)++, .kind = SHMVIZ_EV_ACQUIRED, .detail = SHMVIZ_SEM_FULL });
  emit (region, consumer, (ShmvizEvent) { .ts_ns = (*ts)++, .kind = SHMVIZ_EV_READ_SLOT, .slot = (guint16) slot,
                                          .item = item, .other = item,
                                          .detail = seq % 9 == 0 ? SHMVIZ_SLOT_WRITING : SHMVIZ_SLOT_FULL });
  emit (region, consumer, (ShmvizEvent) { .ts_ns = (*ts)++, .kind = SHMVIZ_EV_ADVANCE, .detail = 1,
                                          .slot = (guint16) slot,
                                          .other = SHMVIZ_PACK_INDICES ((slot + 1) % n, (slot + 1) % n,
                                                                        seq % 5 == 0 ? 1 : 0) });
  emit (region, consumer, (ShmvizEvent) { .ts_ns = (*ts)++, .kind = SHMVIZ_EV_POST, .detail = SHMVIZ_SEM_EMPTY });
  emit (region, consumer, (ShmvizEvent) { .ts_ns = (*ts)++, .kind = SHMVIZ_EV_CONSUME, .item = item });
}

static void
write_seed (const char   *dir,
            const char   *name,
            ShmvizRegion *region)
{
  g_autofree char *path = g_build_filename (dir, name, NULL);
  g_autoptr(GError) error = NULL;
  gsize size = shmviz_region_get_size (region);

  g_assert_cmpuint (size, <, 64 * 1024);
  g_file_set_contents (path, (const char *) shmviz_region_header (region), size, &error);
  g_assert_no_error (error);
}

static ShmvizRegion *
seed_region (guint          n_producers,
             guint          n_consumers,
             guint          n_slots,
             guint          item_size,
             ShmvizSyncMode sync)
{
  ShmvizScenario sc;
  g_autoptr(GError) error = NULL;
  ShmvizRegion *region;

  shmviz_scenario_init_fast (&sc);
  sc.n_producers = n_producers;
  sc.n_consumers = n_consumers;
  sc.n_slots = n_slots;
  sc.item_size = item_size;
  sc.sync = sync;
  /* 64-event rings keep every seed a few pages. */
  sc.instrument = FALSE;
  region = shmviz_region_create (&sc, &error);
  g_assert_no_error (error);
  /* The mapping outlives the name; nothing stays in /dev/shm. */
  shmviz_region_unlink (region);
  return region;
}

static int
make_seeds (const char *dir)
{
  guint64 ts = 1000;

  g_mkdir_with_parents (dir, 0755);

  /* 1 × 1 on one slot: rings part full, the consumer's wrapped. */
  {
    g_autoptr(ShmvizRegion) r = seed_region (1, 1, 1, 8, SHMVIZ_SYNC_SEMAPHORES);
    ShmvizProcBlock *c = shmviz_region_proc (r, 1);

    for (guint64 seq = 1; seq <= 4; seq++)
      round_trip (r, 0, 1, seq, 0, &ts);
    atomic_store (&c->head, 120);
    atomic_store (&c->tail, 100);
    for (guint64 seq = 5; seq <= 6; seq++)
      round_trip (r, 0, 1, seq, 0, &ts);
    put_item (r, 0, SHMVIZ_ITEM_ID (0, 6), SHMVIZ_SLOT_FULL, TRUE);
    write_seed (dir, "one-by-one.region", r);
  }

  /* 2 × 2 on 4 slots, sync off: a full ring, drops, torn and stale slots. */
  {
    g_autoptr(ShmvizRegion) r = seed_region (2, 2, 4, 16, SHMVIZ_SYNC_OFF);
    ShmvizProcBlock *p0 = shmviz_region_proc (r, 0);

    for (guint64 seq = 1; seq <= 5; seq++)
      round_trip (r, (guint) (seq % 2), 2 + (guint) (seq / 2 % 2), seq, (guint) (seq % 4), &ts);
    /* P1 overwrites a full slot: a lost item. */
    emit (r, 0, (ShmvizEvent) { .ts_ns = ts++, .kind = SHMVIZ_EV_WRITE_SLOT, .slot = 1,
                                .item = SHMVIZ_ITEM_ID (0, 9), .other = SHMVIZ_ITEM_ID (1, 1),
                                .detail = SHMVIZ_SLOT_FULL });
    emit (r, 3, (ShmvizEvent) { .ts_ns = ts++, .kind = SHMVIZ_EV_READ_SLOT, .slot = 2,
                                .detail = SHMVIZ_SLOT_EMPTY });
    emit (r, 1, (ShmvizEvent) { .ts_ns = ts++, .kind = SHMVIZ_EV_BLOCKED, .detail = SHMVIZ_SEM_MUTEX });
    atomic_store (&p0->tail, atomic_load (&p0->head) > 64 ? atomic_load (&p0->head) - 64 : 0);
    atomic_store (&p0->dropped, 3);
    atomic_store (&shmviz_region_proc (r, 1)->state, SHMVIZ_PROC_STATE_ACQUIRING);
    atomic_store (&shmviz_region_proc (r, 1)->wait_sem, SHMVIZ_SEM_MUTEX);
    atomic_store (&shmviz_region_proc (r, 3)->state, SHMVIZ_PROC_STATE_EXITED);
    put_item (r, 0, SHMVIZ_ITEM_ID (0, 4), SHMVIZ_SLOT_FULL, TRUE);
    put_item (r, 1, SHMVIZ_ITEM_ID (0, 9), SHMVIZ_SLOT_FULL, FALSE);
    put_item (r, 2, SHMVIZ_ITEM_ID (1, 3), SHMVIZ_SLOT_WRITING, FALSE);
    put_item (r, 3, SHMVIZ_ITEM_ID (1, 5), SHMVIZ_SLOT_READING, TRUE);
    write_seed (dir, "two-by-two-off.region", r);
  }

  /* 1 × 3, lock-free counters moved on, rings empty but for starts. */
  {
    g_autoptr(ShmvizRegion) r = seed_region (1, 3, 3, 4, SHMVIZ_SYNC_LOCK_FREE);

    for (guint i = 0; i < 4; i++)
      emit (r, i, (ShmvizEvent) { .ts_ns = ts++, .kind = SHMVIZ_EV_START, .value = i > 0, .other = 4242 + i });
    shmviz_lockfree_reset (r, 2, 1);
    atomic_store (&shmviz_region_lockfree (r)->enqueue, 301);
    atomic_store (&shmviz_region_lockfree (r)->dequeue, 299);
    put_item (r, 2, SHMVIZ_ITEM_ID (0, 300), SHMVIZ_SLOT_FULL, TRUE);
    write_seed (dir, "lock-free.region", r);
  }
  return 0;
}

/* Driver ---------------------------------------------------------------- */

/* Where the fields that the reader must distrust live in a seed. */
typedef struct {
  gsize start;
  gsize len;
} Zone;

static GArray *
hot_zones (const guint8 *data,
           gsize         size)
{
  GArray *zones = g_array_new (FALSE, FALSE, sizeof (Zone));
  g_autofree void *copy = NULL;
  g_autoptr(ShmvizRegion) region = NULL;

  g_array_append_val (zones, ((Zone) { 0, MIN (size, sizeof (ShmvizRegionHeader)) }));
  if (size == 0)
    return zones;
  copy = g_aligned_alloc (1, size, 4096);
  memcpy (copy, data, size);
  region = shmviz_region_wrap (copy, size, NULL);
  if (region != NULL)
    {
      guint8 *base = (guint8 *) shmviz_region_header (region);

      for (guint i = 0; i < shmviz_region_n_procs (region); i++)
        {
          guint8 *p = (guint8 *) shmviz_region_proc (region, i);

          /* The block's fields, head, tail, dropped, then the events. */
          g_array_append_val (zones, ((Zone) { p - base, offsetof (ShmvizProcBlock, events) }));
          g_array_append_val (zones, ((Zone) { p - base + offsetof (ShmvizProcBlock, events),
                                              shmviz_region_ring_capacity (region) * sizeof (ShmvizEvent) }));
        }
      g_array_append_val (zones, ((Zone) { (guint8 *) shmviz_region_slot (region, 0) - base,
                                          (guint8 *) shmviz_region_proc (region, 0) -
                                          (guint8 *) shmviz_region_slot (region, 0) }));
    }
  g_clear_pointer (&region, shmviz_region_free);
  g_aligned_free (g_steal_pointer (&copy));
  return zones;
}

static GByteArray *
mutate (GRand        *rand,
        const guint8 *data,
        gsize         size,
        GArray       *zones)
{
  GByteArray *out = g_byte_array_sized_new ((guint) size + 4096);
  guint n_edits = g_rand_int_range (rand, 1, 9);

  g_byte_array_append (out, data, (guint) size);
  for (guint e = 0; e < n_edits && out->len > 0; e++)
    {
      const Zone *z = &g_array_index (zones, Zone, g_rand_int_range (rand, 0, zones->len));
      guint at;

      /* Mostly inside a field the reader must distrust. */
      if (g_rand_int_range (rand, 0, 4) != 0 && z->len > 0 && z->start + z->len <= out->len)
        at = (guint) (z->start + g_rand_int_range (rand, 0, (gint32) z->len));
      else
        at = g_rand_int_range (rand, 0, out->len);

      switch (g_rand_int_range (rand, 0, 16))
        {
        case 0: case 1: case 2: /* flip bits */
          out->data[at] ^= (guint8) g_rand_int_range (rand, 1, 256);
          break;
        case 3: case 4: case 5: case 6: /* interesting 64-bit values, aligned like the fields */
          {
            static const guint64 values[] = {
              0, 1, 2, 3, 4, 63, 64, 65, 127, 128, 0xFF, 0xFFFF, 0x10000, 0x7FFFFFFF, 0x80000000,
              0xFFFFFFFF, G_GUINT64_CONSTANT (0x100000000), G_MAXINT64, G_MAXUINT64,
              G_MAXUINT64 - 63, G_MAXUINT64 - 64, SHMVIZ_ITEM_ID (0, 1), SHMVIZ_ITEM_ID (63, 5),
              SHMVIZ_ITEM_ID (65534, 1), SHMVIZ_PROC_SUPERVISOR,
            };
            guint64 v = values[g_rand_int_range (rand, 0, G_N_ELEMENTS (values))];

            at &= ~7u;
            if (g_rand_boolean (rand))
              v += (guint64) g_rand_int_range (rand, -3, 4);
            if (at + 8 <= out->len)
              memcpy (out->data + at, &v, 8);
          }
          break;
        case 7: case 8: /* interesting 32/16-bit values */
          {
            static const guint32 values[] = { 0, 1, 2, 3, 7, 0x0F, 0x40, 0x7F, 0x80, 0xFF, 0xFFFF, 0xFFFFFFFF, 4096 };
            guint32 v = values[g_rand_int_range (rand, 0, G_N_ELEMENTS (values))];

            if (g_rand_boolean (rand))
              {
                guint16 v16 = (guint16) v;

                at &= ~1u;
                if (at + 2 <= out->len)
                  memcpy (out->data + at, &v16, 2);
              }
            else
              {
                at &= ~3u;
                if (at + 4 <= out->len)
                  memcpy (out->data + at, &v, 4);
              }
          }
          break;
        case 9: case 10: /* an event's kind, detail, slot or value */
          {
            guint ev = at & ~31u;

            if (ev + 32 <= out->len)
              {
                out->data[ev + 26] = (guint8) g_rand_int_range (rand, 0, 48);
                out->data[ev + 27] = (guint8) g_rand_int_range (rand, 0, 256);
                out->data[ev + 28 + g_rand_int_range (rand, 0, 4)] = (guint8) g_rand_int_range (rand, 0, 256);
              }
          }
          break;
        case 11: case 12: /* copy a run elsewhere, same size */
          {
            guint want = (guint) g_rand_int_range (rand, 1, 512);
            guint len = MIN (want, out->len - at);
            guint to = g_rand_int_range (rand, 0, out->len - len + 1);

            memmove (out->data + to, out->data + at, len);
          }
          break;
        case 13: /* random bytes */
          out->data[at] = (guint8) g_rand_int_range (rand, 0, 256);
          break;
        case 14: /* resize to another page count, or off by a little */
          if (g_rand_boolean (rand))
            g_byte_array_set_size (out, (guint) (size + 4096 * (g_rand_boolean (rand) ? 1 : -1)));
          else
            g_byte_array_set_size (out, at);
          break;
        default: /* zero a run */
          {
            guint want = (guint) g_rand_int_range (rand, 1, 256);

            memset (out->data + at, 0, MIN (want, out->len - at));
          }
          break;
        }
    }
  return out;
}

int
main (int    argc,
      char **argv)
{
  g_autoptr(GDir) dir = NULL;
  g_autoptr(GRand) rand = NULL;
  g_autoptr(GPtrArray) seeds = g_ptr_array_new_with_free_func ((GDestroyNotify) g_bytes_unref);
  g_autoptr(GPtrArray) zones = g_ptr_array_new_with_free_func ((GDestroyNotify) g_array_unref);
  guint iterations = 2000;
  guint runs = 0;
  const char *name;
  gint64 t0;

  if (argc == 3 && g_strcmp0 (argv[1], "--make-seeds") == 0)
    return make_seeds (argv[2]);
  if (argc < 2 || argc > 3)
    {
      g_printerr ("usage: %s CORPUS-DIR [MUTATIONS-PER-SEED] | --make-seeds DIR\n", argv[0]);
      return 2;
    }
  if (argc == 3)
    iterations = (guint) g_ascii_strtoull (argv[2], NULL, 10);

  dir = g_dir_open (argv[1], 0, NULL);
  if (dir == NULL)
    {
      g_printerr ("cannot open corpus %s\n", argv[1]);
      return 1;
    }
  while ((name = g_dir_read_name (dir)) != NULL)
    {
      g_autofree char *path = g_build_filename (argv[1], name, NULL);
      char *contents;
      gsize len;

      if (g_file_get_contents (path, &contents, &len, NULL))
        {
          g_ptr_array_add (seeds, g_bytes_new_take (contents, len));
          g_ptr_array_add (zones, hot_zones ((const guint8 *) contents, len));
        }
    }
  if (seeds->len == 0)
    {
      g_printerr ("empty corpus %s\n", argv[1]);
      return 1;
    }

  t0 = g_get_monotonic_time ();
  for (guint s = 0; s < seeds->len; s++)
    {
      gsize len;
      const guint8 *data = g_bytes_get_data (g_ptr_array_index (seeds, s), &len);
      guint before = n_validated;

      LLVMFuzzerTestOneInput (data, len);
      runs++;
      /* A seed that does not validate tests nothing past the header. */
      if (n_validated == before)
        {
          g_printerr ("seed %u does not validate\n", s);
          return 1;
        }
    }

  /* Fixed seed: a failure reproduces. */
  rand = g_rand_new_with_seed (0x5E6u);
  for (guint i = 0; i < iterations; i++)
    for (guint s = 0; s < seeds->len; s++)
      {
        gsize len;
        const guint8 *data = g_bytes_get_data (g_ptr_array_index (seeds, s), &len);
        g_autoptr(GByteArray) m = mutate (rand, data, len, g_ptr_array_index (zones, s));

        LLVMFuzzerTestOneInput (m->data, m->len);
        runs++;
      }

  printf ("fuzz-region: %u inputs (%u seeds), %u validated, %" G_GUINT64_FORMAT " events folded, %.0f inputs/s\n",
          runs, seeds->len, n_validated, n_folded, runs / ((g_get_monotonic_time () - t0) / 1e6));
  return 0;
}

#endif
