/* bench-emit.c — what one instrumentation event costs a worker
 *
 * Appends events through the workers' own emit() into a real ring of a
 * real shared region, while a drainer thread copies them out as the
 * session does, and prints ns per event next to the cost of the stamp
 * every event needs (rdtsc where the region's clock is the TSC, else
 * clock_gettime(); SHMVIZ_CLOCK=monotonic forces the latter), both in CPU
 * time of the emitting thread (the cost) and wall time.  Prints figures;
 * asserts nothing.
 *
 *   bench-emit [N-EVENTS]     (default 20 000 000)
 *
 * Output: one line "key value" per figure, for build-aux/bench.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <stdio.h>
#include <string.h>
#include <time.h>

#include "region.h"
#include "worker.h"

typedef struct {
  ShmvizRegion *region;
  gint          quit;
  guint64       drained;
} Drainer;

static guint64
now_ns (void)
{
  struct timespec ts;

  clock_gettime (CLOCK_MONOTONIC, &ts);
  return (guint64) ts.tv_sec * G_GUINT64_CONSTANT (1000000000) + (guint64) ts.tv_nsec;
}

/* Time this thread actually ran: on a busy 2-core machine wall time would
 * count the slices other processes took. */
static guint64
cpu_ns (void)
{
  struct timespec ts;

  clock_gettime (CLOCK_THREAD_CPUTIME_ID, &ts);
  return (guint64) ts.tv_sec * G_GUINT64_CONSTANT (1000000000) + (guint64) ts.tv_nsec;
}

static gpointer
drain_thread (gpointer data)
{
  Drainer *d = data;
  ShmvizProcBlock *p = shmviz_region_proc (d->region, 0);
  guint capacity = shmviz_region_ring_capacity (d->region);
  g_autofree ShmvizEvent *copy = g_new (ShmvizEvent, capacity);
  guint64 tail = atomic_load (&p->tail);

  while (!g_atomic_int_get (&d->quit))
    {
      guint64 head = atomic_load_explicit (&p->head, memory_order_acquire);

      if (head == tail)
        {
          g_usleep (100);
          continue;
        }
      for (guint64 i = tail; i < head; i++)
        copy[i & (capacity - 1)] = p->events[i & (capacity - 1)];
      tail = head;
      atomic_store_explicit (&p->tail, tail, memory_order_release);
      d->drained = tail;
    }
  return NULL;
}

int
main (int    argc,
      char **argv)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(ShmvizRegion) region = NULL;
  ShmvizScenario sc;
  Drainer d = { 0 };
  GThread *thread;
  guint64 n = 20000000, t0, t1, c0, c1, dropped, sink = 0;
  guint64 n_clock = 5000000;

  if (argc > 1 && !g_ascii_string_to_unsigned (argv[1], 10, 1000, G_MAXUINT64, &n, &error))
    {
      fprintf (stderr, "bench-emit: %s\nusage: bench-emit [N-EVENTS]\n", error->message);
      return 2;
    }

  shmviz_scenario_init_fast (&sc);
  sc.n_producers = 1;
  sc.n_consumers = 1;
  if (!(region = shmviz_region_create (&sc, &error)))
    {
      fprintf (stderr, "bench-emit: %s\n", error->message);
      return 1;
    }
  shmviz_region_unlink (region);

  /* clock_gettime alone: the floor each event pays for its timestamp. */
  c0 = cpu_ns ();
  t0 = now_ns ();
  for (guint64 i = 0; i < n_clock; i++)
    sink += now_ns ();
  t1 = now_ns ();
  c1 = cpu_ns ();
  printf ("clock_gettime_ns %.2f\n", (double) (c1 - c0) / (double) n_clock);
  printf ("clock_gettime_wall_ns %.2f\n", (double) (t1 - t0) / (double) n_clock);

#ifdef SHMVIZ_HAVE_TSC
  /* The TSC alone, as emit() reads it. */
  c0 = cpu_ns ();
  for (guint64 i = 0; i < n_clock; i++)
    sink += shmviz_tsc_read ();
  c1 = cpu_ns ();
  printf ("rdtsc_ns %.2f\n", (double) (c1 - c0) / (double) n_clock);
#endif
  printf ("clock %s\n", shmviz_region_clock (region) == SHMVIZ_CLOCK_TSC ? "tsc" : "monotonic");

  d.region = region;
  thread = g_thread_new ("drainer", drain_thread, &d);
  /* Warm up: page in the ring and settle the drainer. */
  shmviz_worker_bench_emit (region, 0, MIN (n / 10, (guint64) 1000000));

  c0 = cpu_ns ();
  t0 = now_ns ();
  dropped = shmviz_worker_bench_emit (region, 0, n);
  t1 = now_ns ();
  c1 = cpu_ns ();

  g_atomic_int_set (&d.quit, 1);
  g_thread_join (thread);

  printf ("events %" G_GUINT64_FORMAT "\n", n);
  printf ("ring_capacity %u\n", shmviz_region_ring_capacity (region));
  printf ("emit_ns_per_event %.2f\n", (double) (c1 - c0) / (double) n);
  printf ("emit_wall_ns_per_event %.2f\n", (double) (t1 - t0) / (double) n);
  printf ("events_per_second %.0f\n", (double) n * 1e9 / (double) (c1 - c0));
  printf ("dropped %" G_GUINT64_FORMAT "\n", dropped);
  /* Keeps the clock loop from being optimized away. */
  printf ("checksum %" G_GUINT64_FORMAT "\n", sink & 1);
  return 0;
}
