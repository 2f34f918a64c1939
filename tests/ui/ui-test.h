/* ui-test.h — what the window tests and benchmarks share: driving the main
 * loop, finding widgets, fresh settings, shm objects left behind, timing
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gtk/gtk.h>

G_BEGIN_DECLS

typedef gboolean (*UiTestCondition) (gpointer data);

/* For conditions that take the test's own fixture type. */
#define UI_TEST_CONDITION(f) ((UiTestCondition) (void (*) (void)) (f))

void       ui_test_spin_for          (guint            ms);
GskRenderNode *ui_test_widget_node  (GtkWidget       *widget,
                                     int              width,
                                     int              height);
/* Renders @widget into G_TEST_BUILDDIR/@name; returns the path. */
char      *ui_test_save_png          (GtkWidget       *widget,
                                      const char      *name);
gboolean   ui_test_spin_until        (UiTestCondition  condition,
                                      gpointer         data,
                                      guint            timeout_ms);
GtkWidget *ui_test_find_widget       (GtkWidget       *root,
                                      GType            type);
void       ui_test_reset_settings    (GSettings       *settings);
guint      ui_test_count_own_regions (void);

/* For the frame benchmarks: this thread's CPU time, and the median and
 * 99th percentile of µs samples, in ms (@samples gets sorted). */
gint64     ui_test_thread_cpu_us     (void);
void       ui_test_percentiles       (GArray          *samples,
                                      double          *median_ms,
                                      double          *p99_ms);
/* Frame times from a frame clock: call ui_test_frames_begin() from
 * "before-paint" and ui_test_frames_end() from "after-paint".  Each frame
 * while recording adds the interval since the last one, its wall-clock
 * span and this thread's CPU over it, in µs. */
typedef struct {
  gint64  paint_start;
  gint64  paint_cpu_start;
  gint64  last_frame;
  GArray *intervals;
  GArray *paints;
  GArray *paint_cpu;
} UiTestFrames;

void       ui_test_frames_init       (UiTestFrames    *frames);
void       ui_test_frames_clear      (UiTestFrames    *frames);
/* Forgets what was recorded so far (after a warm-up). */
void       ui_test_frames_reset      (UiTestFrames    *frames);
void       ui_test_frames_begin      (UiTestFrames    *frames);
/* Returns whether the frame was recorded; its span and CPU either way. */
gboolean   ui_test_frames_end        (UiTestFrames    *frames,
                                      GdkFrameClock   *clock,
                                      gboolean         record,
                                      gint64          *paint_us,
                                      gint64          *cpu_us);

/* The CPU of drawing @view (snapshot, then cairo rendering into an
 * offscreen texture) clipped to @region in its coordinates, or whole when
 * NULL: median of 30, in ms. */
double     ui_test_redraw_ms         (GtkWidget             *view,
                                      const graphene_rect_t *region);

G_END_DECLS
