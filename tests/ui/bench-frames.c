/* bench-frames.c — frame times of the three views under a live stream
 *
 * What it measures: a 1920×1080 undecorated window holding the buffer,
 * process and timeline views in two panes (the window's drawing areas,
 * without its header bar, sidebar, race log and totals, and without
 * worker processes: the engine's own cost is measured by build-aux/bench),
 * fed a synthetic model that changes every frame, at 8/256/4096 slots and
 * 2/16/128 processes, then with anomaly flashes that never end (marked
 * `!`: all 8 of 8 slots, and 16 of 256, read empty again and again, as in
 * a race window without synchronization; BENCH_ONLY=flash-8x2 or
 * flash-256x16).  Every frame is a whole-window frame: GTK renders the
 * window's damage, and the figures include layout, snapshot and the cairo
 * renderer's drawing.  Prints, per configuration, the median and 99th
 * percentile of the interval between frames (from the frame clock) and of
 * the time spent painting (before-paint to after-paint, in wall-clock time
 * and in the main thread's CPU time, which a loaded machine does not
 * inflate), then the main loop's CPU use over 2 s once the stream stops.
 * It prints figures and never fails on timing.  Run it through
 * build-aux/bench-frames; BENCH_ONLY=4096x128 limits it to some
 * configurations, BENCH_HIDE=buffer leaves views out, BENCH_PNG=DIR saves
 * the window at the end of each configuration to compare pictures.  After
 * each configuration it also prints what one full redraw of each view
 * costs (CPU, median of 30), as bench-window does for the app;
 * BENCH_REDRAW=procs measures only the views named, so that
 * `valgrind --tool=callgrind --toggle-collect=redraw_ms` counts one view.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>

#include <gtk/gtk.h>

#include "layout.h"
#include "model.h"
#include "shmviz-buffer-view.h"
#include "shmviz-process-view.h"
#include "shmviz-timeline-view.h"
#include "ui-test.h"

typedef struct {
  GtkWidget *window;
  GtkWidget *buffer, *procs, *timeline;
  ShmvizModel *model;
  ShmvizSnapshot snap;
  GArray *events;
  GRand *rand;
  guint n_slots, n_procs, n_producers;
  guint in, out, count;
  guint64 ts;
  guint64 *seq;
  guint flash_stride;   /* 0: no storm; else every that many slots flash */
  gint64 *next_flash;   /* n_slots: when each flashing slot flashes again */
  gboolean feeding;
  UiTestFrames frames;
} Bench;

static void
emit (Bench   *b,
      guint16  proc,
      guint8   kind,
      guint8   detail,
      guint16  slot,
      guint64  item,
      guint64  other)
{
  ShmvizEvent ev = { 0 };

  b->ts += 50000; /* 50 µs a step */
  ev.ts_ns = b->ts;
  ev.proc = proc;
  ev.kind = kind;
  ev.detail = detail;
  ev.slot = slot;
  ev.item = item;
  ev.other = other;
  g_array_append_val (b->events, ev);
}

/* One locked step of every process, and now and then an unlocked write
 * over a full slot so that flashes and anomaly markers appear. */
static void
feed_one_frame (Bench *b)
{
  g_array_set_size (b->events, 0);
  for (guint p = 0; p < b->n_procs; p++)
    {
      gboolean producer = p < b->n_producers;

      emit (b, p, SHMVIZ_EV_WAIT, SHMVIZ_SEM_MUTEX, 0, 0, 0);
      emit (b, p, SHMVIZ_EV_ACQUIRED, SHMVIZ_SEM_MUTEX, 0, 0, 0);
      if (producer && (b->count < b->n_slots || g_rand_int_range (b->rand, 0, 50) == 0))
        {
          guint64 item = SHMVIZ_ITEM_ID (p, ++b->seq[p]);
          guint slot = b->in;
          gboolean full = b->count >= b->n_slots;

          emit (b, p, SHMVIZ_EV_WRITE_SLOT, full ? SHMVIZ_SLOT_FULL : SHMVIZ_SLOT_EMPTY, slot, item, 0);
          b->in = (b->in + 1) % b->n_slots;
          if (!full)
            b->count++;
          else
            b->out = b->in;
          emit (b, p, SHMVIZ_EV_ADVANCE, 0, b->in, 0, SHMVIZ_PACK_INDICES (b->in, b->out, b->count));
        }
      else if (!producer && b->count > 0)
        {
          emit (b, p, SHMVIZ_EV_READ_SLOT, SHMVIZ_SLOT_FULL, b->out, 0, 0);
          b->out = (b->out + 1) % b->n_slots;
          b->count--;
          emit (b, p, SHMVIZ_EV_ADVANCE, 1, b->out, 0, SHMVIZ_PACK_INDICES (b->in, b->out, b->count));
        }
      emit (b, p, SHMVIZ_EV_POST, SHMVIZ_SEM_MUTEX, 0, 0, 0);
    }
  /* READ_SLOT needs the item actually there for the ledger to count it;
   * the model's own slot map tells us. */
  {
    ShmvizEvent *evs = (ShmvizEvent *) b->events->data;

    for (guint i = 0; i < b->events->len; i++)
      if (evs[i].kind == SHMVIZ_EV_READ_SLOT && evs[i].slot < b->snap.n_slots)
        evs[i].item = evs[i].other = b->snap.slots[evs[i].slot].item;
  }
  /* A race window all the time: the flashing slots read empty by the
   * first consumer, each again just after its flash ended, staggered so
   * that every phase of the flash is on screen at once. */
  if (b->flash_stride > 0)
    {
      gint64 now = g_get_monotonic_time ();

      for (guint s = 0; s < b->n_slots; s += b->flash_stride)
        if (now >= b->next_flash[s])
          {
            emit (b, b->n_producers, SHMVIZ_EV_READ_SLOT, SHMVIZ_SLOT_EMPTY, s, 0, 0);
            b->next_flash[s] = now + 2050 * G_TIME_SPAN_MILLISECOND;
          }
    }
  shmviz_model_fold (b->model, (const ShmvizEvent *) b->events->data, b->events->len);
}

static gboolean
tick_cb (GtkWidget     *widget,
         GdkFrameClock *clock,
         gpointer       user_data)
{
  Bench *b = user_data;

  if (!b->feeding)
    return G_SOURCE_CONTINUE;
  feed_one_frame (b);
  /* What the window does every frame: one snapshot, handed to every view. */
  shmviz_model_snapshot (b->model, &b->snap);
  shmviz_buffer_view_set_snapshot (SHMVIZ_BUFFER_VIEW (b->buffer), &b->snap);
  shmviz_process_view_set_snapshot (SHMVIZ_PROCESS_VIEW (b->procs), &b->snap);
  shmviz_timeline_view_set_snapshot (SHMVIZ_TIMELINE_VIEW (b->timeline), &b->snap);
  return G_SOURCE_CONTINUE;
}

/* CPU time of the main thread: on a loaded machine the wall-clock figures
 * include time spent waiting for a core; this one does not. */
static void
before_paint_cb (GdkFrameClock *clock,
                 Bench         *b)
{
  ui_test_frames_begin (&b->frames);
}

static void
after_paint_cb (GdkFrameClock *clock,
                Bench         *b)
{
  ui_test_frames_end (&b->frames, clock, b->feeding, NULL, NULL);
}

static void
run_for (guint ms)
{
  gint64 end = g_get_monotonic_time () + (gint64) ms * 1000;

  while (g_get_monotonic_time () < end)
    g_main_context_iteration (NULL, FALSE);
}

/* BENCH_PNG=DIR: the window as drawn at the end of each configuration, to
 * compare before and after an optimisation by eye. */
static void
save_png (Bench      *b,
          const char *name)
{
  const char *dir = g_getenv ("BENCH_PNG");
  int w = gtk_widget_get_width (b->window), h = gtk_widget_get_height (b->window);
  g_autoptr(GdkPaintable) paintable = NULL;
  g_autoptr(GskRenderNode) node = NULL;
  g_autoptr(GdkTexture) texture = NULL;
  g_autofree char *path = NULL;
  GtkSnapshot *snapshot;

  if (dir == NULL)
    return;
  paintable = gtk_widget_paintable_new (b->window);
  snapshot = gtk_snapshot_new ();
  gdk_paintable_snapshot (paintable, snapshot, w, h);
  node = gtk_snapshot_free_to_node (snapshot);
  if (node == NULL)
    return;
  texture = gsk_renderer_render_texture (gtk_native_get_renderer (GTK_NATIVE (b->window)), node,
                                         &GRAPHENE_RECT_INIT (0, 0, w, h));
  path = g_build_filename (dir, name, NULL);
  if (!gdk_texture_save_to_png (texture, path))
    g_printerr ("bench-frames: could not write %s\n", path);
}

/* CPU of one redraw of @view from scratch: a fresh snapshot of it rendered
 * by the window's renderer, as when every part of it changed.  Median of
 * 30, in ms; what a view costs once its node is built (the figure
 * bench-window prints for the whole app). */
static double
redraw_ms (GtkWidget *view)
{
  int w = gtk_widget_get_width (view), h = gtk_widget_get_height (view);

  if (!gtk_widget_get_visible (view) || w <= 0 || h <= 0)
    return 0.0;
  /* BENCH_REDRAW=procs measures only that view's redraw, for callgrind. */
  if (g_getenv ("BENCH_REDRAW") != NULL)
    {
      g_auto(GStrv) only = g_strsplit (g_getenv ("BENCH_REDRAW"), ",", -1);
      const char *name = SHMVIZ_IS_BUFFER_VIEW (view) ? "buffer"
                         : SHMVIZ_IS_PROCESS_VIEW (view) ? "procs" : "timeline";

      if (!g_strv_contains ((const char * const *) only, name))
        return 0.0;
    }
  return ui_test_redraw_ms (view, NULL);
}

static void
run_config (Bench *b,
            guint  n_slots,
            guint  n_procs,
            guint  flash_stride,
            guint  seconds)
{
  ShmvizScenario sc;
  double im, ip, pm, pp, cm, cp;

  shmviz_scenario_init_default (&sc);
  sc.n_slots = n_slots;
  sc.n_producers = n_procs / 2;
  sc.n_consumers = n_procs - n_procs / 2;
  g_clear_pointer (&b->model, shmviz_model_unref);
  b->model = shmviz_model_new (&sc);
  b->n_slots = n_slots;
  b->n_procs = n_procs;
  b->n_producers = sc.n_producers;
  b->in = b->out = b->count = 0;
  g_free (b->seq);
  b->seq = g_new0 (guint64, n_procs);
  b->flash_stride = flash_stride;
  g_free (b->next_flash);
  b->next_flash = g_new0 (gint64, n_slots);
  for (guint s = 0; flash_stride > 0 && s < n_slots; s += flash_stride)
    b->next_flash[s] = g_get_monotonic_time () + (gint64) s * 2000 * G_TIME_SPAN_MILLISECOND / n_slots;

  g_array_set_size (b->events, 0);
  for (guint p = 0; p < n_procs; p++)
    emit (b, p, SHMVIZ_EV_START, 0, 0, 0, 10000 + p);
  shmviz_model_fold (b->model, (const ShmvizEvent *) b->events->data, b->events->len);
  shmviz_model_snapshot (b->model, &b->snap);
  shmviz_buffer_view_set_model (SHMVIZ_BUFFER_VIEW (b->buffer), b->model);
  shmviz_process_view_set_model (SHMVIZ_PROCESS_VIEW (b->procs), b->model);
  shmviz_timeline_view_set_model (SHMVIZ_TIMELINE_VIEW (b->timeline), b->model);

  /* Warm up: first layouts, caches, geometry. */
  b->feeding = TRUE;
  run_for (500);
  ui_test_frames_reset (&b->frames);
  run_for (seconds * 1000);
  b->feeding = FALSE;
  {
    g_autofree char *name = flash_stride > 0 ? g_strdup_printf ("bench-flash-%ux%u.png", n_slots, n_procs)
                                             : g_strdup_printf ("bench-%ux%u.png", n_slots, n_procs);

    save_png (b, name);
  }

  ui_test_percentiles (b->frames.intervals, &im, &ip);
  ui_test_percentiles (b->frames.paints, &pm, &pp);
  ui_test_percentiles (b->frames.paint_cpu, &cm, &cp);
  g_print ("%6u%c%5u %7u %10.2f %10.2f %10.2f %10.2f %9.2f %9.2f\n", n_slots, flash_stride > 0 ? '!' : ' ', n_procs,
           b->frames.paints->len, im, ip, pm, pp, cm, cp);
  g_print ("%22s redraw of one whole view (CPU, median of 30): buffer %.2f ms, processes %.2f ms, timeline %.2f ms\n",
           "", redraw_ms (b->buffer), redraw_ms (b->procs), redraw_ms (b->timeline));
}

static void
set_done (gpointer data)
{
  *(gboolean *) data = TRUE;
}

static double
cpu_seconds (void)
{
  struct rusage ru;

  getrusage (RUSAGE_SELF, &ru);
  return ru.ru_utime.tv_sec + ru.ru_utime.tv_usec / 1e6 + ru.ru_stime.tv_sec + ru.ru_stime.tv_usec / 1e6;
}

int
main (int   argc,
      char *argv[])
{
  static const guint slots[] = { 8, 256, 4096 };
  static const guint procs[] = { 2, 16, 128 };
  /* Anomaly flashes without end (synchronization off, a race window):
   * all 8 slots, and every 16th of 256 (as many as get the full picture). */
  static const struct { guint slots, procs, stride; } storms[] = { { 8, 2, 1 }, { 256, 16, 16 } };
  Bench b = { 0 };
  GtkWidget *paned, *top;
  GdkFrameClock *clock;
  guint seconds = 2;
  double c0, c1;
  g_auto(GStrv) only = g_getenv ("BENCH_ONLY") ? g_strsplit (g_getenv ("BENCH_ONLY"), ",", -1) : NULL;

  if (argc > 1)
    seconds = MAX (1, atoi (argv[1]));
  if (g_getenv ("GSK_RENDERER") == NULL)
    g_setenv ("GSK_RENDERER", "cairo", TRUE);
  gtk_init ();

  b.events = g_array_new (FALSE, TRUE, sizeof (ShmvizEvent));
  ui_test_frames_init (&b.frames);
  b.rand = g_rand_new_with_seed (42);

  b.window = gtk_window_new ();
  gtk_window_set_default_size (GTK_WINDOW (b.window), 1920, 1080);
  gtk_window_set_decorated (GTK_WINDOW (b.window), FALSE);
  b.buffer = shmviz_buffer_view_new ();
  b.procs = shmviz_process_view_new ();
  b.timeline = shmviz_timeline_view_new ();
  top = gtk_paned_new (GTK_ORIENTATION_HORIZONTAL);
  gtk_paned_set_start_child (GTK_PANED (top), b.buffer);
  gtk_paned_set_end_child (GTK_PANED (top), b.procs);
  gtk_paned_set_position (GTK_PANED (top), 860);
  paned = gtk_paned_new (GTK_ORIENTATION_VERTICAL);
  gtk_paned_set_start_child (GTK_PANED (paned), top);
  gtk_paned_set_end_child (GTK_PANED (paned), b.timeline);
  gtk_paned_set_position (GTK_PANED (paned), 700);
  gtk_window_set_child (GTK_WINDOW (b.window), paned);
  /* BENCH_HIDE=buffer,procs,timeline leaves views out, to see who costs what. */
  if (g_getenv ("BENCH_HIDE"))
    {
      g_auto(GStrv) hide = g_strsplit (g_getenv ("BENCH_HIDE"), ",", -1);

      gtk_widget_set_visible (b.buffer, !g_strv_contains ((const char * const *) hide, "buffer"));
      gtk_widget_set_visible (b.procs, !g_strv_contains ((const char * const *) hide, "procs"));
      gtk_widget_set_visible (b.timeline, !g_strv_contains ((const char * const *) hide, "timeline"));
    }
  gtk_window_present (GTK_WINDOW (b.window));
  while (!gtk_widget_get_mapped (b.window) || gtk_widget_get_width (b.window) < 100)
    g_main_context_iteration (NULL, TRUE);

  clock = gtk_widget_get_frame_clock (b.window);
  g_signal_connect (clock, "before-paint", G_CALLBACK (before_paint_cb), &b);
  g_signal_connect (clock, "after-paint", G_CALLBACK (after_paint_cb), &b);
  {
    guint tick = gtk_widget_add_tick_callback (b.window, tick_cb, &b, NULL);

    g_print ("renderer %s, %d×%d, %u s per configuration, times in ms\n",
             G_OBJECT_TYPE_NAME (gtk_native_get_renderer (GTK_NATIVE (b.window))),
             gtk_widget_get_width (b.window), gtk_widget_get_height (b.window), seconds);
    g_print (" slots  procs  frames  intvl-med  intvl-p99  paint-med  paint-p99   cpu-med   cpu-p99\n");
    for (guint i = 0; i < G_N_ELEMENTS (slots); i++)
      for (guint j = 0; j < G_N_ELEMENTS (procs); j++)
        {
          char name[32];

          /* BENCH_ONLY=4096x128,8x2 runs just those, for profiling. */
          g_snprintf (name, sizeof name, "%ux%u", slots[i], procs[j]);
          if (only != NULL && !g_strv_contains ((const char * const *) only, name))
            continue;
          run_config (&b, slots[i], procs[j], 0, seconds);
        }
    for (guint i = 0; i < G_N_ELEMENTS (storms); i++)
      {
        char name[32];

        /* BENCH_ONLY=flash-8x2 runs one of them. */
        g_snprintf (name, sizeof name, "flash-%ux%u", storms[i].slots, storms[i].procs);
        if (only != NULL && !g_strv_contains ((const char * const *) only, name))
          continue;
        run_config (&b, storms[i].slots, storms[i].procs, storms[i].stride, seconds);
      }

    /* Paused: nothing is fed and the window's own tick is gone, as when the
     * app pauses; flashes and flights end on their own. */
    gtk_widget_remove_tick_callback (b.window, tick);
  }
  /* Longer than the longest flash, so the figure is the idle cost. */
  run_for (3000);
  c0 = cpu_seconds ();
  {
    gboolean done = FALSE;

    /* Block in the main loop as the app would, woken only by real work. */
    g_timeout_add_once (2000, set_done, &done);
    while (!done)
      g_main_context_iteration (NULL, TRUE);
  }
  c1 = cpu_seconds ();
  g_print ("paused: main loop CPU %.2f %% over 2 s\n", (c1 - c0) / 2.0 * 100.0);

  gtk_window_destroy (GTK_WINDOW (b.window));
  g_clear_pointer (&b.model, shmviz_model_unref);
  shmviz_snapshot_clear (&b.snap);
  g_array_unref (b.events);
  ui_test_frames_clear (&b.frames);
  g_rand_free (b.rand);
  g_free (b.seq);
  g_free (b.next_flash);
  return 0;
}
