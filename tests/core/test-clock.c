/* test-clock.c — turning the workers' TSC stamps into CLOCK_MONOTONIC ns
 *
 * Drives the session's converter as the drain does (an anchor every
 * millisecond or so, stamps taken up to an interval before the anchor that
 * converts them) over real time, against clock_gettime() read beside each
 * stamp: within a microsecond, and monotone.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <time.h>

#include "session-private.h"

#define RUN_NS     (400 * G_GUINT64_CONSTANT (1000000))
#define MAX_ERR_NS 1000

static guint64
mono_ns (void)
{
  struct timespec ts;

  clock_gettime (CLOCK_MONOTONIC, &ts);
  return (guint64) ts.tv_sec * G_GUINT64_CONSTANT (1000000000) + (guint64) ts.tv_nsec;
}

#ifdef SHMVIZ_HAVE_TSC
typedef struct {
  guint64 tick;
  guint64 ns;     /* clock_gettime() between two ordered reads of the TSC */
  guint64 width;  /* ns those two reads were apart: the reference's own error */
} Sample;

static gboolean
sample (ShmvizTscClock *clock,
        Sample         *s)
{
  guint64 t1 = shmviz_tsc_read_ordered ();
  guint64 m = mono_ns ();
  guint64 t2 = shmviz_tsc_read_ordered ();

  s->tick = t1 + (t2 - t1) / 2;
  s->ns = m;
  s->width = (guint64) ((double) (t2 - t1) * clock->ns_per_tick);
  /* Preempted between the reads: no reference at all. */
  return t2 >= t1 && s->width < MAX_ERR_NS / 2;
}
#endif

static void
test_tsc_tracks_monotonic (void)
{
#ifdef SHMVIZ_HAVE_TSC
  ShmvizTscClock clock;
  guint64 start, last_converted = 0, worst = 0, worst_raw = 0, worst_step = 0;
  guint n = 0, anchors = 0;

  if (shmviz_region_default_clock () != SHMVIZ_CLOCK_TSC)
    {
      g_test_skip ("the kernel's clocksource is not the TSC here");
      return;
    }

  _shmviz_tsc_clock_init (&clock, TRUE);
  g_assert_true (clock.tsc);
  g_assert_cmpfloat (clock.ns_per_tick, >, 0.0);

  start = mono_ns ();
  while (mono_ns () - start < RUN_NS)
    {
      Sample before[8];
      guint64 converted[G_N_ELEMENTS (before)];
      guint k = 0;

      /* Stamps of one drain interval, then the drain's anchor. */
      for (guint i = 0; i < G_N_ELEMENTS (before); i++)
        {
          if (sample (&clock, &before[k]))
            k++;
          g_usleep (125);
        }
      _shmviz_tsc_clock_anchor (&clock);
      anchors++;

      for (guint i = 0; i < k; i++)
        {
          guint64 err;

          converted[i] = _shmviz_tsc_clock_to_ns (&clock, before[i].tick);
          err = converted[i] > before[i].ns ? converted[i] - before[i].ns : before[i].ns - converted[i];
          worst_raw = MAX (worst_raw, err);
          if (err > before[i].width)
            worst = MAX (worst, err - before[i].width);
          /* One anchor's conversion is strictly increasing... */
          if (i > 0)
            g_assert_cmpuint (converted[i], >, converted[i - 1]);
          n++;
        }
      /* ...and the next anchor's steps back, if at all, by no more than
       * the error (the drain clamps such steps into order). */
      if (k > 0 && last_converted > converted[0])
        worst_step = MAX (worst_step, last_converted - converted[0]);
      if (k > 0)
        last_converted = converted[k - 1];
    }

  g_test_message ("%u stamps over %u anchors: worst error %" G_GUINT64_FORMAT
                  " ns (%" G_GUINT64_FORMAT " ns with the reference's own), worst step back %"
                  G_GUINT64_FORMAT " ns, %.4f ns per tick",
                  n, anchors, worst, worst_raw, worst_step, clock.ns_per_tick);
  g_assert_cmpuint (n, >, 100);
  g_assert_cmpuint (worst, <, MAX_ERR_NS);
  g_assert_cmpuint (worst_step, <, MAX_ERR_NS);
#else
  g_test_skip ("no TSC on this architecture");
#endif
}

static void
test_monotonic_passes_through (void)
{
  ShmvizTscClock clock;
  guint64 before = mono_ns (), now;

  _shmviz_tsc_clock_init (&clock, FALSE);
  now = _shmviz_tsc_clock_anchor (&clock);
  g_assert_false (clock.tsc);
  g_assert_cmpuint (now, >=, before);
  g_assert_cmpuint (now, <=, mono_ns ());
  g_assert_cmpuint (_shmviz_tsc_clock_to_ns (&clock, 123456789), ==, 123456789);
}

int
main (int    argc,
      char **argv)
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/clock/tsc-tracks-monotonic", test_tsc_tracks_monotonic);
  g_test_add_func ("/clock/monotonic-passes-through", test_monotonic_passes_through);
  return g_test_run ();
}
