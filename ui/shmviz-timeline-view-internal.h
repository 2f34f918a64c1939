/* shmviz-timeline-view-internal.h — what the timeline view's files share
 *
 * The view is one node per frame, built from layers over pixel columns
 * kept from the run (see shmviz-timeline-view.c); each part is in a file
 * of its own:
 *
 *   shmviz-timeline-view.c          the widget: its API, properties, input
 *                                   and the snapshot that keeps the frame
 *   shmviz-timeline-view-time.c     the time in view: its right edge, the
 *                                   time a pixel stands for, the axis's
 *                                   steps and labels, scrolling
 *   shmviz-timeline-view-layout.c   where the names, axis, lanes and legend
 *                                   go; the labels the tests read
 *   shmviz-timeline-view-legend.c   the legend's entries, their rows and drawing
 *   shmviz-timeline-view-columns.c  the lanes' pixel columns and anomaly
 *                                   ticks, kept from the model's spans and
 *                                   anomalies
 *   shmviz-timeline-view-lanes.c    the columns drawn, as bars or as one image
 *   shmviz-timeline-view-marks.c    the anomalies' triangles over the lanes
 *   shmviz-timeline-view-frame.c    the node a frame draws, layer by layer
 *
 * Apart from shmviz-timeline-view-private.h, which tests include: the
 * instance struct and these short names stay out of their way.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include "shmviz-palette.h"
#include "shmviz-timeline-view-private.h"

G_BEGIN_DECLS

/* The legend's entries: six states, then the anomaly mark. */
#define N_LEGEND 7

typedef struct {
  guint entry;
  float x, y;                  /* swatch's left, the row's middle */
  float swatch, width;         /* swatch's width, and with the text */
  int text_w, text_h;
} LegendSlot;

typedef struct {
  /* What it was laid out for. */
  gboolean valid;
  int width, height, button_w, button_h;
  gboolean follow_shown;
  double zoom;
  guint n_procs, n_producers;

  float chrome;                /* scale of axis and legend: 1 … zoom */
  float gutter, axis, band;    /* band: the legend's, at the bottom */
  graphene_rect_t area;        /* the lanes */
  float lane_h;
  int name_px;                 /* 0: lanes too thin for names */
  int legend_px;
  float box, row_h;
  guint n_rows, n_slots, n_dropped;
  LegendSlot slots[N_LEGEND];
  graphene_rect_t follow;
} Layout;

struct _ShmvizTimelineView
{
  GtkWidget parent_instance;

  ShmvizModel *model;
  char *palette;
  double zoom;
  gboolean follow;
  guint64 span_ns;
  guint64 end_ns;              /* right edge when not following */

  gboolean have_snapshot;
  guint64 generation;
  guint64 start_ns, now_ns;
  guint n_procs, n_producers;

  GArray *spans;               /* scratch, ShmvizSpan */
  GArray *anomalies;           /* every anomaly so far, ShmvizAnomaly */

  /* Pixel columns per lane, keyed by everything that maps time to them. */
  guint8 *cols;                /* col_procs × col_width, ring by column */
  guint64 *col_since;          /* col_procs: start of the newest span filled */
  gint64 col_lo;               /* absolute column of the view's left edge */
  int col_width;
  guint col_procs;
  guint64 col_start_ns, col_span_ns, col_now_ns;
  float col_lane_h;
  gboolean col_valid;
  gint64 dirty_lo;             /* first column to repaint in lanes_image */
  /* Lanes a few pixels high mark an anomaly with a tick across the lane,
   * kept by column like the states. */
  guint8 *ticks;               /* col_procs × col_width: ShmvizAnomalyKind + 1 */
  double *tick_last;           /* col_procs: column of the last tick */
  guint tick_next;             /* next anomaly to place, G_MAXUINT: look it up */
  cairo_surface_t *lanes_image;

  GskRenderNode *node;
  guint64 node_generation, node_end;
  int node_width, node_height;

  Layout layout;
  GtkWidget *follow_button;
  guint64 drag_end;
  ShmvizTextCache *text;
};

/* A length at the view's zoom; inline, as it was while static: nearly
 * every length drawn goes through it. */
static inline float
_shmviz_timeline_view_z (ShmvizTimelineView *self,
                         float               v)
{
  return v * (float) self->zoom;
}

/* shmviz-timeline-view.c */
void           _shmviz_timeline_view_invalidate          (ShmvizTimelineView    *self);
void           _shmviz_timeline_view_set_follow_internal (ShmvizTimelineView    *self,
                                                          gboolean               follow);

/* shmviz-timeline-view-time.c */
guint64        _shmviz_timeline_view_right_edge          (ShmvizTimelineView    *self);
double         _shmviz_timeline_view_ns_per_px           (ShmvizTimelineView    *self);
void           _shmviz_timeline_view_scroll_by           (ShmvizTimelineView    *self,
                                                          double                 delta_ns);
void           _shmviz_timeline_view_nice_step           (double                 ns_per_pixel,
                                                          double                 min_px,
                                                          double                *step);
void           _shmviz_timeline_view_format_time         (char                  *buf,
                                                          gsize                  size,
                                                          double                 rel_ns,
                                                          double                 step);

/* shmviz-timeline-view-layout.c */
void           _shmviz_timeline_view_compute_layout      (ShmvizTimelineView    *self,
                                                          Layout                *l,
                                                          int                    width,
                                                          int                    height);
Layout        *_shmviz_timeline_view_get_layout          (ShmvizTimelineView    *self);
gboolean       _shmviz_timeline_view_group_label         (ShmvizTimelineView    *self,
                                                          const Layout          *l,
                                                          guint                  group,
                                                          char                  *text,
                                                          gsize                  size,
                                                          int                   *px,
                                                          graphene_rect_t       *rect,
                                                          graphene_rect_t       *lanes);

/* shmviz-timeline-view-legend.c */
const char    *_shmviz_timeline_view_legend_name         (guint                  entry);
float          _shmviz_timeline_view_band_height         (const Layout          *l,
                                                          guint                  rows,
                                                          float                  row_h);
gboolean       _shmviz_timeline_view_place_legend        (ShmvizTimelineView    *self,
                                                          Layout                *l,
                                                          float                  c,
                                                          guint                  dropped);
void           _shmviz_timeline_view_draw_legend         (ShmvizTimelineView    *self,
                                                          GtkSnapshot           *snapshot,
                                                          const Layout          *l,
                                                          gboolean               dark);

/* shmviz-timeline-view-columns.c */
void           _shmviz_timeline_view_update_columns      (ShmvizTimelineView    *self,
                                                          int                    width,
                                                          float                  lane_h,
                                                          guint64                t0,
                                                          guint64                t1);
void           _shmviz_timeline_view_update_ticks        (ShmvizTimelineView    *self,
                                                          float                  lane_h,
                                                          guint64                t0,
                                                          guint64                t1);
void           _shmviz_timeline_view_fetch_anomalies     (ShmvizTimelineView    *self);

/* shmviz-timeline-view-lanes.c */
void           _shmviz_timeline_view_draw_bar            (ShmvizTimelineView    *self,
                                                          GtkSnapshot           *snapshot,
                                                          guint8                 state,
                                                          float                  x0,
                                                          float                  x1,
                                                          float                  y,
                                                          float                  lane_h);
void           _shmviz_timeline_view_draw_lanes          (ShmvizTimelineView    *self,
                                                          GtkSnapshot           *snapshot,
                                                          const graphene_rect_t *area,
                                                          float                  ox,
                                                          float                  lane_h);

/* shmviz-timeline-view-marks.c */
float          _shmviz_timeline_view_mark_size           (ShmvizTimelineView    *self,
                                                          float                  lane_h);
void           _shmviz_timeline_view_draw_anomalies      (ShmvizTimelineView    *self,
                                                          GtkSnapshot           *snapshot,
                                                          const graphene_rect_t *area,
                                                          float                  lane_h,
                                                          guint64                t0,
                                                          guint64                t1);

/* shmviz-timeline-view-frame.c */
GskRenderNode *_shmviz_timeline_view_build_node          (ShmvizTimelineView    *self,
                                                          gboolean               dark);

G_END_DECLS
