/* shmviz-speed-lab-internal.h — what the Speed lab's files share
 *
 * The Speed lab is two widgets, the window and its chart, and the chart
 * is drawn by the same cairo code on screen and into files; each part is
 * in a file of its own:
 *
 *   shmviz-speed-lab.c          the window: template, actions, the busy
 *                               property and what being busy disables
 *   shmviz-speed-lab-result.c   the result on show, shared with exports, and
 *                               the page that shows it: the machine, the
 *                               chart, the reading paragraph
 *   shmviz-speed-lab-run.c      measuring in a GTask thread, with progress
 *                               and cancel
 *   shmviz-speed-lab-load.c     reading a saved result, off the main loop
 *   shmviz-speed-lab-chooser.c  the file dialogs to open, save and export,
 *                               and saving a result as JSON
 *   shmviz-speed-lab-export.c   the chart into a PNG or SVG file, and the
 *                               task that does it off the main loop
 *   shmviz-speed-lab-chart.c    the chart widget: snapshot, tooltips, and
 *                               what the tests read back
 *   shmviz-speed-lab-draw.c     the chart as a whole: its axes, legend,
 *                               footer and the two panels' places
 *   shmviz-speed-lab-panel.c    one panel: log scale, grid, bars, whiskers
 *                               and the labels over the bars
 *   shmviz-speed-lab-paint.c    what the drawing paints with: the
 *                               mechanisms' colours, text, hatching
 *   shmviz-speed-lab-format.c   figures, sizes and dates in words
 *
 * Apart from shmviz-speed-lab.h, which the application and the tests
 * include: the instance struct and these short names stay out of their way.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include "shmviz-speed-lab.h"

G_BEGIN_DECLS

typedef enum {
  METRIC_THROUGHPUT,
  METRIC_LATENCY,
  N_METRICS
} Metric;

#define MAX_BARS (N_METRICS * SHMVIZ_BENCH_N_MECHANISMS * SHMVIZ_BENCH_MAX_SIZES)

typedef struct {
  graphene_rect_t       rect;   /* the bar and its whisker */
  const ShmvizBenchRow *row;
  Metric                metric;
} BarHit;

/* What a frame laid out, for tooltips and for the tests. */
typedef struct {
  graphene_rect_t legend[SHMVIZ_BENCH_N_MECHANISMS];
  gboolean        legend_drawn[SHMVIZ_BENCH_N_MECHANISMS];
  BarHit          bars[MAX_BARS];
  guint           n_bars;
  guint           n_labelled;
} ChartLayout;

typedef struct {
  GdkRGBA                     fg;
  PangoContext               *context;
  const PangoFontDescription *font;
  gboolean                    footer;    /* machine and date under the chart, for exports */
} ChartStyle;

typedef struct {
  guint sizes[SHMVIZ_BENCH_MAX_SIZES * 4];
  guint n_sizes;
  guint mechanisms[SHMVIZ_BENCH_N_MECHANISMS];
  guint n_mechanisms;
} ChartAxes;

/* The result on show, shared with an export running in a thread so that a
 * new result arriving meanwhile cannot pull it away. */
typedef struct {
  ShmvizBenchResult *result;
} SharedResult;

/* Written by the benchmark's thread, read by a timeout on the main loop. */
typedef struct {
  GMutex   lock;
  gdouble  fraction;
  char    *what;
} Progress;

typedef struct {
  SharedResult *shared;
  char         *format;
  char         *path;
} ExportData;

struct _ShmvizSpeedLab
{
  AdwWindow             parent_instance;

  AdwToastOverlay      *toast_overlay;
  GtkButton            *run_button;
  GtkButton            *cancel_button;
  GtkCheckButton       *quick_check;
  GtkRevealer          *progress_revealer;
  GtkProgressBar       *progress_bar;
  GtkStack             *stack;
  GtkLabel             *machine_label;
  GtkLabel             *reading_label;
  ShmvizSpeedChart     *chart;

  SharedResult         *shared;      /* NULL until there is a result */
  GCancellable         *cancellable; /* of the run or load in progress */
  Progress             *progress;
  guint                 progress_id;
  gboolean              running;     /* a measurement, not a load */
  gboolean              held;        /* the application, while processes run */
  GtkFileChooserNative *chooser;
};

/* shmviz-speed-lab-format.c */
gdouble              _shmviz_speed_lab_metric_value          (const ShmvizBenchRow    *row,
                                                              Metric                   metric,
                                                              guint                    which);
gboolean             _shmviz_speed_lab_row_measured          (const ShmvizBenchRow    *row,
                                                              Metric                   metric);
char                *_shmviz_speed_lab_format_size           (guint                    size);
char                *_shmviz_speed_lab_format_decade         (int                      exponent,
                                                              Metric                   metric);
char                *_shmviz_speed_lab_format_ratio          (gdouble                  ratio);
char                *_shmviz_speed_lab_format_share          (gdouble                  share);
char                *_shmviz_speed_lab_format_figure         (gdouble                  v,
                                                              Metric                   metric);
char                *_shmviz_speed_lab_format_date           (const char              *iso8601);

/* shmviz-speed-lab-paint.c */
extern const GdkRGBA _shmviz_speed_lab_mechanism_colours[SHMVIZ_BENCH_N_MECHANISMS];
PangoLayout         *_shmviz_speed_lab_new_layout            (const ChartStyle        *style,
                                                              const char              *text,
                                                              gdouble                  scale,
                                                              gboolean                 bold);
void                 _shmviz_speed_lab_layout_size           (PangoLayout             *layout,
                                                              gdouble                 *w,
                                                              gdouble                 *h);
void                 _shmviz_speed_lab_show_text             (cairo_t                 *cr,
                                                              const ChartStyle        *style,
                                                              const char              *text,
                                                              gdouble                  x,
                                                              gdouble                  y,
                                                              gdouble                  xalign,
                                                              gdouble                  scale,
                                                              gboolean                 bold);
void                 _shmviz_speed_lab_set_colour            (cairo_t                 *cr,
                                                              const GdkRGBA           *c,
                                                              gdouble                  alpha);
void                 _shmviz_speed_lab_hatch                 (cairo_t                 *cr,
                                                              gdouble                  x,
                                                              gdouble                  y,
                                                              gdouble                  w,
                                                              gdouble                  h);

/* shmviz-speed-lab-draw.c */
void                 _shmviz_speed_lab_draw_chart            (cairo_t                 *cr,
                                                              gdouble                  width,
                                                              gdouble                  height,
                                                              const ShmvizBenchResult *result,
                                                              const ChartStyle        *style,
                                                              ChartLayout             *out);

/* shmviz-speed-lab-panel.c */
void                 _shmviz_speed_lab_draw_panel            (cairo_t                 *cr,
                                                              const ChartStyle        *style,
                                                              const ShmvizBenchResult *result,
                                                              const ChartAxes         *axes,
                                                              Metric                   metric,
                                                              gdouble                  x0,
                                                              gdouble                  y0,
                                                              gdouble                  width,
                                                              gdouble                  height,
                                                              ChartLayout             *out);

/* shmviz-speed-lab.c */
void                 _shmviz_speed_lab_toast                 (ShmvizSpeedLab          *self,
                                                              const char              *text);
void                 _shmviz_speed_lab_update_actions        (ShmvizSpeedLab          *self);
void                 _shmviz_speed_lab_set_busy              (ShmvizSpeedLab          *self,
                                                              GCancellable            *cancellable,
                                                              gboolean                 running);
gboolean             _shmviz_speed_lab_finish_task           (ShmvizSpeedLab          *self,
                                                              GAsyncResult            *res,
                                                              ShmvizBenchResult      **result,
                                                              GError                 **error);

/* shmviz-speed-lab-result.c */
void                 _shmviz_speed_lab_shared_result_release (SharedResult            *shared);

/* shmviz-speed-lab-run.c */
void                 _shmviz_speed_lab_progress_release      (Progress                *progress);

/* shmviz-speed-lab-export.c */
void                 _shmviz_speed_lab_export_data_free      (ExportData              *data);
void                 _shmviz_speed_lab_export_thread         (GTask                   *task,
                                                              gpointer                 source_object,
                                                              gpointer                 task_data,
                                                              GCancellable            *cancellable);
void                 _shmviz_speed_lab_export_done           (GObject                 *source,
                                                              GAsyncResult            *res,
                                                              gpointer                 user_data);

/* shmviz-speed-lab-chooser.c */
void                 _shmviz_speed_lab_choose_file           (ShmvizSpeedLab          *self,
                                                              const char              *purpose);

G_END_DECLS
