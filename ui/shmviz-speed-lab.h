/* shmviz-speed-lab.h — the Speed lab: shared memory against pipes, message
 * queues and sockets, measured on this machine and drawn as a chart
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <adwaita.h>

#include "ipcbench.h"

G_BEGIN_DECLS

/* The chart alone: throughput and latency per mechanism and size, log
 * scale, error bars from the spread of the repetitions. */
#define SHMVIZ_TYPE_SPEED_CHART (shmviz_speed_chart_get_type ())
G_DECLARE_FINAL_TYPE (ShmvizSpeedChart, shmviz_speed_chart, SHMVIZ, SPEED_CHART, GtkWidget)

GtkWidget *shmviz_speed_chart_new (void);
/* Does not take @result; it must outlive the chart or be replaced first. */
void       shmviz_speed_chart_set_result (ShmvizSpeedChart        *self,
                                          const ShmvizBenchResult *result);
/* Where the last frame put the legend entry of @mechanism, in the chart's
 * own coordinates; FALSE when it was not drawn (no result, or too small). */
gboolean   shmviz_speed_chart_get_legend_rect (ShmvizSpeedChart     *self,
                                               ShmvizBenchMechanism  mechanism,
                                               graphene_rect_t      *rect);
/* Bars the last frame drew, and how many of them got their ratio label. */
void       shmviz_speed_chart_get_bar_counts (ShmvizSpeedChart *self,
                                              guint            *n_bars,
                                              guint            *n_labelled);
/* Draws @result as the chart does, on white, into a PNG or an SVG file
 * (by @format: "png" or "svg"). Safe to call from any thread. */
gboolean   shmviz_speed_chart_export (const ShmvizBenchResult *result,
                                      const char              *format,
                                      const char              *path,
                                      int                      width,
                                      int                      height,
                                      GError                 **error);

#define SHMVIZ_TYPE_SPEED_LAB (shmviz_speed_lab_get_type ())
G_DECLARE_FINAL_TYPE (ShmvizSpeedLab, shmviz_speed_lab, SHMVIZ, SPEED_LAB, AdwWindow)

ShmvizSpeedLab          *shmviz_speed_lab_new (GtkWindow *parent);
/* Shows @result (taking it) as if it had just been measured. */
void                     shmviz_speed_lab_set_result (ShmvizSpeedLab    *self,
                                                      ShmvizBenchResult *result);
const ShmvizBenchResult *shmviz_speed_lab_get_result (ShmvizSpeedLab *self);
/* Reads a result saved with `shmviz-cli bench --json` off the main loop;
 * "notify::busy" goes FALSE when done, and a failure shows in the page. */
void                     shmviz_speed_lab_load_file (ShmvizSpeedLab *self,
                                                     GFile          *file);
/* Measures on this machine, off the main loop, with progress and cancel. */
void                     shmviz_speed_lab_run (ShmvizSpeedLab *self,
                                               gboolean        quick);
void                     shmviz_speed_lab_cancel (ShmvizSpeedLab *self);
gboolean                 shmviz_speed_lab_get_busy (ShmvizSpeedLab *self);
ShmvizSpeedChart        *shmviz_speed_lab_get_chart (ShmvizSpeedLab *self);

G_END_DECLS
