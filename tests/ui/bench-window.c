/* bench-window.c — frame times of the whole window over real processes
 *
 * What it measures: the application's own window (ShmvizWindow, with its
 * header bar, sidebar, views, race log and totals) at 1920×1080, running a
 * real session: S slots, P producer and P consumer worker processes at
 * full speed (speed 0: every delay removed), real shared memory and real
 * semaphores.  After a warm-up it records, from the window's frame clock,
 * the interval between frames and the time spent in each frame (from
 * "before-paint", so the window's tick callback and its snapshot copy are
 * included, to "after-paint") both in wall-clock time and in the main
 * thread's CPU time, plus the main thread's whole CPU over the run divided
 * by the frames drawn (which adds what the main loop does between frames).
 * Then it pauses the session as the space key does and measures the main
 * thread's and the whole process's CPU over 2 s.
 *
 * The window runs its workers as background work (idle class, nice 19),
 * so the wall-clock figures say what the user sees and the CPU figures
 * what the window costs; BENCH_WORKERS=nice puts them in the normal class
 * at nice 19 and BENCH_WORKERS=equal at the window's level, to see what
 * 128 busy processes on 2 CPUs would do to its frames otherwise.  The
 * slowest frames' wall-clock time is split into the window's CPU, its
 * wait for a CPU, and the rest.
 *
 * It prints figures and never fails on timing.  Run it through
 * build-aux/bench-window; BENCH_ONLY=4096x128 limits it to some
 * configurations, BENCH_PNG=DIR saves the window at the end of each
 * configuration, BENCH_SYNC=off (or another sync-mode) runs it with races
 * flooding the race log.  It also splits each frame's CPU by frame-clock
 * phase (update, layout, paint), over all frames and over the slowest
 * 5 %; BENCH_FRAME_LOG=FILE writes every frame's CLOCK_MONOTONIC span and
 * CPU, to pick the slow frames out of a `perf record -k CLOCK_MONOTONIC`;
 * BENCH_TREE=1 prints the redraw cost of every large widget, whole and
 * outside the damage.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include "known-warnings.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sched.h>
#include <sys/resource.h>

#include <adwaita.h>

#include "layout.h"
#include "shmviz-application.h"
#include "shmviz-buffer-view.h"
#include "shmviz-process-view.h"
#include "shmviz-race-log.h"
#include "shmviz-totals-bar.h"
#include "shmviz-window.h"
#include "ui-test.h"

typedef struct {
  ShmvizWindow *window;
  gboolean destroyed;
  gboolean recording;
  UiTestFrames frames;
  /* Where each frame's CPU went, by frame-clock phase: update (tick
   * callbacks, the window's snapshot copy and label updates), layout
   * (measure and allocate), paint (snapshot and cairo rendering). */
  gint64 phase_mark;
  gint64 phase[3];
  GArray *phases;              /* gint64[3] µs per frame */
  /* Where each frame's wall-clock time went: gint64[3] µs per frame,
   * wall-clock, CPU, and waiting runnable for a CPU (schedstat). */
  gint64 wait_mark;
  GArray *split;
  FILE *frame_log;
} Bench;

/* The main thread's CPU: on a loaded machine wall-clock figures include
 * the time spent waiting for a core; this one does not. */
/* The whole process: the session's drain thread too. */
static gint64
process_cpu_us (void)
{
  struct rusage ru;

  getrusage (RUSAGE_SELF, &ru);
  return ((gint64) ru.ru_utime.tv_sec + ru.ru_stime.tv_sec) * G_USEC_PER_SEC + ru.ru_utime.tv_usec +
         ru.ru_stime.tv_usec;
}

/* The workers' CPU, from the scheduler's own count (ns, where the ticks
 * of /proc/PID/stat would round each idle worker down to nothing). */
static gint64
workers_cpu_us (ShmvizWindow *window)
{
  const ShmvizSnapshot *snap = shmviz_window_get_snapshot (window);
  gint64 sum_ns = 0;

  for (guint i = 0; i < snap->n_procs; i++)
    {
      g_autofree char *path = g_strdup_printf ("/proc/%d/schedstat", snap->procs[i].pid);
      g_autofree char *text = NULL;

      if (snap->procs[i].pid > 0 && g_file_get_contents (path, &text, NULL, NULL))
        sum_ns += g_ascii_strtoll (text, NULL, 10);
    }
  return sum_ns / 1000;
}

/* Time this thread spent runnable but not running, from the kernel's
 * schedstat: what other processes cost the frame. */
static gint64
runqueue_wait_us (void)
{
  g_autofree char *text = NULL;
  unsigned long long run_ns, wait_ns;

  if (!g_file_get_contents ("/proc/thread-self/schedstat", &text, NULL, NULL) ||
      sscanf (text, "%llu %llu", &run_ns, &wait_ns) != 2)
    return 0;
  return (gint64) (wait_ns / 1000);
}

static void
before_paint_cb (GdkFrameClock *clock,
                 Bench         *b)
{
  b->wait_mark = runqueue_wait_us ();
  ui_test_frames_begin (&b->frames);
  b->phase_mark = b->frames.paint_cpu_start;
  b->phase[0] = b->phase[1] = b->phase[2] = 0;
}

/* Connected after GTK's own handlers, so each marks the end of a phase. */
static void
phase_end (Bench *b,
           guint  phase)
{
  gint64 now = ui_test_thread_cpu_us ();

  b->phase[phase] += now - b->phase_mark;
  b->phase_mark = now;
}

static void
update_done_cb (GdkFrameClock *clock,
                Bench         *b)
{
  phase_end (b, 0);
}

static void
layout_done_cb (GdkFrameClock *clock,
                Bench         *b)
{
  phase_end (b, 1);
}

static void
paint_done_cb (GdkFrameClock *clock,
               Bench         *b)
{
  phase_end (b, 2);
}

static void
after_paint_cb (GdkFrameClock *clock,
                Bench         *b)
{
  gint64 paint, cpu;

  if (!ui_test_frames_end (&b->frames, clock, b->recording, &paint, &cpu))
    return;
  g_array_append_vals (b->phases, b->phase, 3);
  {
    gint64 split[3] = { paint, cpu, runqueue_wait_us () - b->wait_mark };

    g_array_append_vals (b->split, split, 3);
  }

  /* BENCH_FRAME_LOG=FILE: each frame's CLOCK_MONOTONIC span and CPU, to
   * pick the slow frames out of a `perf record -k CLOCK_MONOTONIC`. */
  if (b->frame_log != NULL)
    fprintf (b->frame_log, "%" G_GINT64_FORMAT " %" G_GINT64_FORMAT " %" G_GINT64_FORMAT "\n",
             b->frames.paint_start, b->frames.paint_start + paint, cpu);
}

static void
set_done (gpointer data)
{
  *(gboolean *) data = TRUE;
}

/* Blocks in the main loop as the app does, woken only by real work: a
 * polling loop would add its own CPU to the main thread's figure. */
static void
run_blocking (guint ms)
{
  gboolean done = FALSE;

  g_timeout_add_once (ms, set_done, &done);
  while (!done)
    g_main_context_iteration (NULL, TRUE);
}

static void
window_destroyed (GtkWidget *widget,
                  Bench     *b)
{
  b->destroyed = TRUE;
}

static gboolean
window_is_mapped (Bench *b)
{
  return gtk_widget_get_mapped (GTK_WIDGET (b->window)) && gtk_widget_get_width (GTK_WIDGET (b->window)) > 100;
}

static gboolean
window_is_destroyed (Bench *b)
{
  return b->destroyed;
}

static gboolean
workers_started (Bench *b)
{
  ShmvizSession *session = shmviz_window_get_session (b->window);
  const ShmvizSnapshot *snap = shmviz_window_get_snapshot (b->window);
  ShmvizTotals totals;

  if (session == NULL || snap->n_procs == 0 || snap->procs == NULL)
    return FALSE;
  for (guint i = 0; i < snap->n_procs; i++)
    if (snap->procs[i].pid <= 0)
      return FALSE;
  shmviz_model_get_totals (shmviz_session_get_model (session), &totals);
  return totals.consumed > 0;
}

static void
engine_totals (Bench        *b,
               ShmvizTotals *totals)
{
  ShmvizSession *session = shmviz_window_get_session (b->window);

  shmviz_model_get_totals (shmviz_session_get_model (session), totals);
}

/* BENCH_PNG=DIR: the window as drawn at the end of each configuration, to
 * compare before and after an optimisation by eye. */
static void
save_png (Bench      *b,
          const char *name)
{
  const char *dir = g_getenv ("BENCH_PNG");
  GtkWidget *window = GTK_WIDGET (b->window);
  int w = gtk_widget_get_width (window), h = gtk_widget_get_height (window);
  g_autoptr(GdkPaintable) paintable = NULL;
  g_autoptr(GskRenderNode) node = NULL;
  g_autoptr(GdkTexture) texture = NULL;
  g_autofree char *path = NULL;
  GtkSnapshot *snapshot;

  if (dir == NULL)
    return;
  paintable = gtk_widget_paintable_new (window);
  snapshot = gtk_snapshot_new ();
  gdk_paintable_snapshot (paintable, snapshot, w, h);
  node = gtk_snapshot_free_to_node (snapshot);
  if (node == NULL)
    return;
  texture = gsk_renderer_render_texture (gtk_native_get_renderer (GTK_NATIVE (window)), node,
                                         &GRAPHENE_RECT_INIT (0, 0, w, h));
  path = g_build_filename (dir, name, NULL);
  if (!gdk_texture_save_to_png (texture, path))
    g_printerr ("bench-window: could not write %s\n", path);
}

/* The CPU of drawing one view whole (snapshot and cairo rendering into an
 * offscreen texture), median of 30: a repeatable figure for what the view
 * costs on a frame where all of it changed, which the live figures cannot
 * isolate on a loaded machine.  Taken while paused, so every repetition
 * draws the same picture. */
static double
redraw_ms (GtkWidget *view)
{
  return ui_test_redraw_ms (view, NULL);
}

static int
compare_frame_cpu (const void *a,
                   const void *c)
{
  const gint64 *x = a, *y = c;
  gint64 sx = x[0] + x[1] + x[2], sy = y[0] + y[1] + y[2];

  return sx < sy ? -1 : sx > sy;
}

/* Mean CPU per phase over all frames and over the slowest 5 %: what the
 * slow frames do differently. */
static void
print_phases (Bench *b)
{
  guint n = b->phases->len / 3, slow;
  gint64 *f = (gint64 *)(gpointer) b->phases->data;
  double all[3] = { 0 }, tail[3] = { 0 };

  if (n == 0)
    return;
  qsort (f, n, 3 * sizeof (gint64), compare_frame_cpu);
  slow = MAX (1, n / 20);
  for (guint i = 0; i < n; i++)
    for (guint k = 0; k < 3; k++)
      {
        all[k] += f[3 * i + k];
        if (i >= n - slow)
          tail[k] += f[3 * i + k];
      }
  g_print ("%*s CPU per frame by phase (update / layout / paint), mean: all %.2f / %.2f / %.2f ms, "
           "slowest 5 %% %.2f / %.2f / %.2f ms\n", 15, "",
           all[0] / n / 1000, all[1] / n / 1000, all[2] / n / 1000,
           tail[0] / slow / 1000, tail[1] / slow / 1000, tail[2] / slow / 1000);
}

static int
compare_frame_wall (const void *a,
                    const void *c)
{
  const gint64 *x = a, *y = c;

  return x[0] < y[0] ? -1 : x[0] > y[0];
}

/* The slowest 5 % of frames by wall-clock time, split into the window's
 * own CPU, waiting for a CPU taken by other processes, and the rest
 * (blocked, on the X server for instance). */
static void
print_split (Bench *b)
{
  guint n = b->split->len / 3, slow;
  gint64 *f = (gint64 *)(gpointer) b->split->data;
  double sum[3] = { 0 };

  if (n == 0)
    return;
  qsort (f, n, 3 * sizeof (gint64), compare_frame_wall);
  slow = MAX (1, n / 20);
  for (guint i = n - slow; i < n; i++)
    for (guint k = 0; k < 3; k++)
      sum[k] += f[3 * i + k];
  /* The CPU and the wait come from two clocks: a remainder a few µs
   * below zero is their disagreement, not time. */
  g_print ("%*s slowest 5 %% by wall-clock, mean: %.2f ms = CPU %.2f + waiting for a CPU %.2f + other %.2f ms\n",
           15, "", sum[0] / slow / 1000, sum[1] / slow / 1000, sum[2] / slow / 1000,
           MAX (0.0, sum[0] - sum[1] - sum[2]) / slow / 1000);
}

/* The same with nothing of @view inside the damage: GTK 4.8's cairo
 * renderer walks every node of the window on every frame and leaves the
 * clipping to cairo, so a widget costs this much on each frame even where
 * nothing of it changed. */
static double
culled_ms (GtkWidget *view)
{
  return ui_test_redraw_ms (view, &GRAPHENE_RECT_INIT (-50, -50, 1, 1));
}

/* BENCH_TREE=1: the redraw cost of every large widget, to see where a
 * whole-window redraw goes. */
static void
print_tree (GtkWidget *w,
            int        depth)
{
  if (gtk_widget_get_width (w) * gtk_widget_get_height (w) < 20000 || !gtk_widget_get_mapped (w))
    return;
  g_print ("%*s%s %s %dx%d %.2f ms, outside the damage %.3f ms\n", 2 * depth, "", G_OBJECT_TYPE_NAME (w),
           gtk_widget_get_css_name (w), gtk_widget_get_width (w), gtk_widget_get_height (w),
           redraw_ms (w), culled_ms (w));
  for (GtkWidget *c = gtk_widget_get_first_child (w); c != NULL; c = gtk_widget_get_next_sibling (c))
    print_tree (c, depth + 1);
}

static void
run_config (ShmvizApplication *app,
            GSettings         *settings,
            guint              n_slots,
            guint              n_each,
            guint              seconds)
{
  Bench b = { 0 };
  GdkFrameClock *clock;
  gulong before_id, after_id, update_id, layout_id, paint_id;
  double im, ip, pm, pp, cm, cp;
  gint64 cpu0, cpu1, wall0, wall1, pcpu0, pcpu1;
  ShmvizTotals totals0, totals1;
  guint frames;
  char name[48];

  ui_test_reset_settings (settings);
  g_settings_set_uint (settings, "slots", n_slots);
  g_settings_set_uint (settings, "producers", n_each);
  g_settings_set_uint (settings, "consumers", n_each);
  g_settings_set_uint (settings, "speed", 0);
  if (g_getenv ("BENCH_SYNC") != NULL)
    g_settings_set_string (settings, "sync-mode", g_getenv ("BENCH_SYNC"));

  ui_test_frames_init (&b.frames);
  b.phases = g_array_new (FALSE, FALSE, sizeof (gint64));
  b.split = g_array_new (FALSE, FALSE, sizeof (gint64));
  if (g_getenv ("BENCH_FRAME_LOG") != NULL)
    b.frame_log = fopen (g_getenv ("BENCH_FRAME_LOG"), "a");

  b.window = shmviz_window_new (GTK_APPLICATION (app));
  g_signal_connect (b.window, "destroy", G_CALLBACK (window_destroyed), &b);
  gtk_window_set_default_size (GTK_WINDOW (b.window), 1920, 1080);
  gtk_window_present (GTK_WINDOW (b.window));
  if (!ui_test_spin_until (UI_TEST_CONDITION (window_is_mapped), &b, 10000))
    g_error ("the window did not map");
  if (!ui_test_spin_until (UI_TEST_CONDITION (workers_started), &b, 30000))
    g_error ("the workers did not start at %u × (%u + %u)", n_slots, n_each, n_each);

  /* BENCH_WORKERS=nice: the workers in the normal class at nice 19, as the
   * window ran them before it used the idle class; =equal: at the window's
   * own level.  Leaving SCHED_IDLE takes privilege (or RLIMIT_NICE). */
  if (g_strcmp0 (g_getenv ("BENCH_WORKERS"), "nice") == 0 || g_strcmp0 (g_getenv ("BENCH_WORKERS"), "equal") == 0)
    {
      const ShmvizSnapshot *snap = shmviz_window_get_snapshot (b.window);
      int level = g_str_equal (g_getenv ("BENCH_WORKERS"), "nice") ? 19 : getpriority (PRIO_PROCESS, 0);
      struct sched_param param = { 0 };

      for (guint i = 0; i < snap->n_procs; i++)
        if (snap->procs[i].pid > 0 &&
            (sched_setscheduler (snap->procs[i].pid, SCHED_OTHER, &param) != 0 ||
             setpriority (PRIO_PROCESS, (id_t) snap->procs[i].pid, level) != 0))
          g_printerr ("bench-window: could not move worker %d: %s\n", snap->procs[i].pid, g_strerror (errno));
    }

  clock = gtk_widget_get_frame_clock (GTK_WIDGET (b.window));
  before_id = g_signal_connect (clock, "before-paint", G_CALLBACK (before_paint_cb), &b);
  after_id = g_signal_connect (clock, "after-paint", G_CALLBACK (after_paint_cb), &b);
  update_id = g_signal_connect_after (clock, "update", G_CALLBACK (update_done_cb), &b);
  layout_id = g_signal_connect_after (clock, "layout", G_CALLBACK (layout_done_cb), &b);
  paint_id = g_signal_connect_after (clock, "paint", G_CALLBACK (paint_done_cb), &b);

  /* Warm up: first layouts, caches, geometry, timeline history. */
  ui_test_spin_for (1000);

  engine_totals (&b, &totals0);
  cpu0 = ui_test_thread_cpu_us ();
  wall0 = g_get_monotonic_time ();
  b.recording = TRUE;
  run_blocking (seconds * 1000);
  b.recording = FALSE;
  cpu1 = ui_test_thread_cpu_us ();
  wall1 = g_get_monotonic_time ();
  engine_totals (&b, &totals1);

  g_snprintf (name, sizeof name, "window-%ux%u.png", n_slots, 2 * n_each);
  save_png (&b, name);

  frames = b.frames.paints->len;
  ui_test_percentiles (b.frames.intervals, &im, &ip);
  ui_test_percentiles (b.frames.paints, &pm, &pp);
  ui_test_percentiles (b.frames.paint_cpu, &cm, &cp);

  /* Paused as the space key does; the window's tick stops once nothing
   * moves, so wait longer than that before measuring the idle cost. */
  g_action_group_activate_action (G_ACTION_GROUP (b.window), "pause", NULL);
  run_blocking (3000);
  {
    gint64 t0 = ui_test_thread_cpu_us (), p0 = process_cpu_us (), w0 = workers_cpu_us (b.window);
    gint64 t1, p1, w1;

    pcpu0 = g_get_monotonic_time ();
    run_blocking (2000);
    pcpu1 = g_get_monotonic_time ();
    t1 = ui_test_thread_cpu_us ();
    p1 = process_cpu_us ();
    w1 = workers_cpu_us (b.window);

    /* Events the drain did not fetch in time: with the window's work on
     * the same CPUs, the price of its frames would show here first. */
    g_print ("%6u %3u+%-3u %6u %6.1f %9.2f %9.2f %9.2f %9.2f %8.2f %8.2f %9.2f %9.0f %7" G_GUINT64_FORMAT
             " %7.2f %7.2f %8.2f\n",
             n_slots, n_each, n_each, frames, frames / ((wall1 - wall0) / 1e6), im, ip, pm, pp, cm, cp,
             frames > 0 ? (cpu1 - cpu0) / 1000.0 / frames : 0.0,
             (totals1.produced - totals0.produced) / ((wall1 - wall0) / 1e6),
             totals1.dropped_events - totals0.dropped_events,
             (t1 - t0) * 100.0 / (pcpu1 - pcpu0), (p1 - p0) * 100.0 / (pcpu1 - pcpu0),
             (w1 - w0) * 100.0 / (pcpu1 - pcpu0));
  }

  print_phases (&b);
  print_split (&b);
  if (g_getenv ("BENCH_TREE") != NULL)
    print_tree (GTK_WIDGET (b.window), 0);
  g_print ("%*s redraw (CPU, median of 30): whole window %.2f ms, race log %.2f ms, totals %.2f ms\n", 15, "",
           redraw_ms (GTK_WIDGET (b.window)),
           redraw_ms (ui_test_find_widget (GTK_WIDGET (b.window), SHMVIZ_TYPE_RACE_LOG)),
           redraw_ms (ui_test_find_widget (GTK_WIDGET (b.window), SHMVIZ_TYPE_TOTALS_BAR)));
  g_print ("%*s redraw of one whole view (CPU, median of 30): buffer %.2f ms, processes %.2f ms\n", 15, "",
           redraw_ms (ui_test_find_widget (GTK_WIDGET (b.window), SHMVIZ_TYPE_BUFFER_VIEW)),
           redraw_ms (ui_test_find_widget (GTK_WIDGET (b.window), SHMVIZ_TYPE_PROCESS_VIEW)));

  g_signal_handler_disconnect (clock, before_id);
  g_signal_handler_disconnect (clock, after_id);
  g_signal_handler_disconnect (clock, update_id);
  g_signal_handler_disconnect (clock, layout_id);
  g_signal_handler_disconnect (clock, paint_id);
  gtk_window_close (GTK_WINDOW (b.window));
  if (!ui_test_spin_until (UI_TEST_CONDITION (window_is_destroyed), &b, 15000))
    g_error ("the window did not close");
  if (ui_test_count_own_regions () != 0)
    g_error ("a region survived its window");

  ui_test_frames_clear (&b.frames);
  g_array_unref (b.phases);
  g_array_unref (b.split);
  g_clear_pointer (&b.frame_log, fclose);
}

int
main (int   argc,
      char *argv[])
{
  static const guint slots[] = { 8, 256, 4096 };
  static const guint each[] = { 1, 8, 64 };
  g_autoptr(ShmvizApplication) app = NULL;
  g_autoptr(GSettings) settings = NULL;
  g_autoptr(GError) error = NULL;
  guint seconds = 4;
  g_auto(GStrv) only = g_getenv ("BENCH_ONLY") ? g_strsplit (g_getenv ("BENCH_ONLY"), ",", -1) : NULL;

  if (argc > 1)
    seconds = MAX (1, atoi (argv[1]));
  if (g_getenv ("GSK_RENDERER") == NULL)
    g_setenv ("GSK_RENDERER", "cairo", TRUE);
  gtk_init ();
  known_warnings_install ();

  app = shmviz_application_new ();
  /* Beside the tests and a real shmviz. */
  g_application_set_flags (G_APPLICATION (app), G_APPLICATION_NON_UNIQUE);
  if (!g_application_register (G_APPLICATION (app), NULL, &error))
    g_error ("could not register the application: %s", error->message);
  settings = g_settings_new (APP_ID);

  g_print ("whole window, real processes at full speed, GSK_RENDERER=%s, 1920×1080, %u s per configuration\n"
           "frame = before-paint..after-paint (the tick's snapshot copy included); all/frame = main thread CPU over\n"
           "the run / frames; times in ms; paused = CPU over 2 s once paused: main thread, whole process, all workers\n",
           g_getenv ("GSK_RENDERER"), seconds);
  g_print (" slots   procs  frames    fps intvl-med intvl-p99 frame-med frame-p99  cpu-med  cpu-p99 all/frame"
           "  items/s dropped paused%% proc%% workers%%\n");
  /* Every pairing of 8, 256 and 4096 slots with 2, 16 and 128 processes. */
  for (guint i = 0; i < G_N_ELEMENTS (slots); i++)
    for (guint k = 0; k < G_N_ELEMENTS (each); k++)
      {
        char name[32];

        g_snprintf (name, sizeof name, "%ux%u", slots[i], 2 * each[k]);
        if (only != NULL && !g_strv_contains ((const char * const *) only, name))
          continue;
        run_config (app, settings, slots[i], each[k], seconds);
      }

  return 0;
}
