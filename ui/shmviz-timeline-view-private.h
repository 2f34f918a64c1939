/* shmviz-timeline-view-private.h — what the timeline view lays out, for tests
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include "shmviz-timeline-view.h"

G_BEGIN_DECLS

typedef enum {
  SHMVIZ_TIMELINE_LABEL_LEGEND,  /* an entry of the legend: swatch and name */
  SHMVIZ_TIMELINE_LABEL_LANE,    /* a lane's process name in the gutter */
  SHMVIZ_TIMELINE_LABEL_GROUP,   /* "P1–P64": lanes too thin for names */
} ShmvizTimelineLabelKind;

typedef struct {
  ShmvizTimelineLabelKind kind;
  graphene_rect_t         rect;  /* in widget coordinates, as drawn */
  graphene_rect_t         lanes; /* LANE, GROUP: the lanes it names */
  int                     px;
  char                    text[64];
} ShmvizTimelineLabel;

typedef struct {
  graphene_rect_t plot;          /* where the lanes go */
  graphene_rect_t follow;        /* the follow button's place, shown or not */
  float           lane_h;
  float           chrome;        /* scale of axis and legend, 1 … zoom */
  guint           n_legend_rows;
  guint           n_legend_dropped;
} ShmvizTimelineGeometry;

/* The labels the view draws at @width × @height (its own size if either
 * is 0) for its zoom and processes, from the very code that places them
 * for drawing.  Free with g_array_unref(). */
GArray *shmviz_timeline_view_get_labels (ShmvizTimelineView     *self,
                                         int                     width,
                                         int                     height,
                                         ShmvizTimelineGeometry *geometry);

G_END_DECLS
