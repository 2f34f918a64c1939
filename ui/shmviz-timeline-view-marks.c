/* shmviz-timeline-view-marks.c — the anomalies' triangles over the lanes
 *
 * A triangle, with its glyph when there is room, where an anomaly hit a
 * lane tall enough for it or above the lanes when it hit no process.
 * Apart because the ticks of thinner lanes, kept with the columns, take
 * their spacing from the same mark size.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <math.h>

#include "ledger.h"
#include "shmviz-palette.h"
#include "shmviz-timeline-view-internal.h"

float
_shmviz_timeline_view_mark_size (ShmvizTimelineView *self,
                                 float               lane_h)
{
  /* No smaller than at 100 %, nor, zoomed, much taller than the lane. */
  return CLAMP (lane_h * 0.8f, MAX (10.0f, MIN (_shmviz_timeline_view_z (self, 10), lane_h)),
                _shmviz_timeline_view_z (self, 22));
}

void
_shmviz_timeline_view_draw_anomalies (ShmvizTimelineView    *self,
                                      GtkSnapshot           *snapshot,
                                      const graphene_rect_t *area,
                                      float                  lane_h,
                                      guint64                t0,
                                      guint64                t1)
{
  double npp = (double) self->span_ns / MAX (self->col_width, 1);
  double x_base = floorf (area->origin.x) - (double) self->col_lo;
  float mark = _shmviz_timeline_view_mark_size (self, lane_h);
  g_autofree float *last_x = g_new0 (float, self->n_procs + 1);
  guint lo = 0, hi = self->anomalies->len;

  for (guint i = 0; i <= self->n_procs; i++)
    last_x[i] = -G_MAXFLOAT;

  /* Anomalies arrive in time order, give or take a merge: find the first
   * one in view, then walk. */
  while (lo < hi)
    {
      guint mid = (lo + hi) / 2;

      if (g_array_index (self->anomalies, ShmvizAnomaly, mid).ts_ns + self->span_ns / 10 < t0)
        lo = mid + 1;
      else
        hi = mid;
    }

  for (guint i = lo; i < self->anomalies->len; i++)
    {
      const ShmvizAnomaly *a = &g_array_index (self->anomalies, ShmvizAnomaly, i);
      guint lane = a->actor < self->n_procs ? a->actor : self->n_procs;
      float x, y;

      if (a->ts_ns < t0 || a->ts_ns > t1)
        continue;
      /* Ticks are drawn with the lanes. */
      if (lane < self->n_procs && lane_h < 10)
        continue;
      x = (float) (x_base + (double) (a->ts_ns - MIN (a->ts_ns, self->start_ns)) / npp);
      /* One mark per lane per mark width: a burst reads as one. */
      if (x - last_x[lane] < mark * 0.6f)
        continue;
      last_x[lane] = x;
      y = lane < self->n_procs ? area->origin.y + lane * lane_h + lane_h / 2 - mark / 2 : area->origin.y - mark;
      shmviz_palette_append_shape (snapshot, SHMVIZ_SHAPE_TRIANGLE,
                                   &GRAPHENE_RECT_INIT (x - mark / 2, y, mark, mark),
                                   shmviz_palette_anomaly (self->palette, a->kind));
      if (mark >= _shmviz_timeline_view_z (self, 14))
        shmviz_text_cache_draw (self->text, snapshot, shmviz_palette_anomaly_glyph (a->kind), (int) (mark * 0.5f),
                                TRUE, x, y + mark * 0.62f, 0.5f, 0.5f,
                                shmviz_palette_text_on (shmviz_palette_anomaly (self->palette, a->kind)));
    }
}
