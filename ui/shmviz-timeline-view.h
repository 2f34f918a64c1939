/* shmviz-timeline-view.h — one lane per process over time
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gtk/gtk.h>

#include "model.h"

G_BEGIN_DECLS

#define SHMVIZ_TYPE_TIMELINE_VIEW (shmviz_timeline_view_get_type ())

G_DECLARE_FINAL_TYPE (ShmvizTimelineView, shmviz_timeline_view, SHMVIZ, TIMELINE_VIEW, GtkWidget)

GtkWidget  *shmviz_timeline_view_new          (void);
void        shmviz_timeline_view_set_model    (ShmvizTimelineView   *self,
                                               ShmvizModel          *model);
ShmvizModel *shmviz_timeline_view_get_model   (ShmvizTimelineView   *self);
/* @snapshot stays owned by the caller and valid until the next call. */
void        shmviz_timeline_view_set_snapshot (ShmvizTimelineView   *self,
                                               const ShmvizSnapshot *snapshot);
void        shmviz_timeline_view_set_zoom     (ShmvizTimelineView   *self,
                                               double                zoom);
double      shmviz_timeline_view_get_zoom     (ShmvizTimelineView   *self);
void        shmviz_timeline_view_set_palette  (ShmvizTimelineView   *self,
                                               const char           *palette);
const char *shmviz_timeline_view_get_palette  (ShmvizTimelineView   *self);
/* TRUE: the right edge follows the newest event; scrolling back clears it. */
void        shmviz_timeline_view_set_follow   (ShmvizTimelineView   *self,
                                               gboolean              follow);
gboolean    shmviz_timeline_view_get_follow   (ShmvizTimelineView   *self);
/* Visible time span in ns (default 5 s). */
void        shmviz_timeline_view_set_span_ns  (ShmvizTimelineView   *self,
                                               guint64               span_ns);
guint64     shmviz_timeline_view_get_span_ns  (ShmvizTimelineView   *self);

G_END_DECLS
