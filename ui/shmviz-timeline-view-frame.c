/* shmviz-timeline-view-frame.c — the node a frame draws
 *
 * The background, the lanes' shading and names (or their groups' labels),
 * the time axis and its grid, then the lanes, the marks, "now" and the
 * legend, in that order.  The snapshot keeps the node until the
 * generation, the right edge or the size change.  Apart because it is the
 * one place that knows how the layers stack.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <math.h>

#include "ledger.h"
#include "shmviz-palette.h"
#include "shmviz-timeline-view-internal.h"

GskRenderNode *
_shmviz_timeline_view_build_node (ShmvizTimelineView *self,
                                  gboolean            dark)
{
  GtkSnapshot *snapshot = gtk_snapshot_new ();
  float w = gtk_widget_get_width (GTK_WIDGET (self)), h = gtk_widget_get_height (GTK_WIDGET (self));
  const GdkRGBA *fg = shmviz_palette_foreground (self->palette, dark);
  const GdkRGBA *line = shmviz_palette_line (self->palette, dark);
  const Layout *l = _shmviz_timeline_view_get_layout (self);
  graphene_rect_t area = l->area;
  guint64 t1 = _shmviz_timeline_view_right_edge (self), t0 = t1 - MIN (t1, self->span_ns);
  float lane_h = l->lane_h, scale = l->chrome;
  double step, npp, x_base;

  /* Bars, grid, marks and "now" all place time by the same whole-pixel
   * columns. */
  _shmviz_timeline_view_update_columns (self, MAX (1, (int) area.size.width), lane_h, t0, t1);
  npp = (double) self->span_ns / self->col_width;
  x_base = floorf (area.origin.x) - (double) self->col_lo;
  if (shmviz_palette_is_dark (self->palette))
    gtk_snapshot_append_color (snapshot, shmviz_palette_background (self->palette, TRUE),
                               &GRAPHENE_RECT_INIT (0, 0, w, h));

  /* Lanes: alternate shading and the process name in its colour. */
  for (guint p = 0; p < self->n_procs; p++)
    {
      float y = area.origin.y + p * lane_h;
      int px = l->name_px;

      if (p % 2 == 1)
        {
          GdkRGBA shade = *line;

          shade.alpha = 0.15f;
          gtk_snapshot_append_color (snapshot, &shade, &GRAPHENE_RECT_INIT (area.origin.x, y, area.size.width, lane_h));
        }
      if (px >= 8)
        {
          g_autofree char *name = shmviz_proc_label (p, self->n_producers);
          const GdkRGBA *c = shmviz_palette_process (self->palette, p, self->n_producers);
          float sw = MAX (3.0f, _shmviz_timeline_view_z (self, 5));

          gtk_snapshot_append_color (snapshot, c,
                                     &GRAPHENE_RECT_INIT (area.origin.x - sw - _shmviz_timeline_view_z (self, 3),
                                                          y + lane_h * 0.15f, sw, lane_h * 0.7f));
          shmviz_text_cache_draw (self->text, snapshot, name, px, TRUE,
                                  area.origin.x - sw - _shmviz_timeline_view_z (self, 8), y + lane_h / 2, 1.0f, 0.5f,
                                  fg);
        }
    }
  for (guint g = 0; g < 2; g++)
    {
      char text[64];
      int px;
      graphene_rect_t r, lanes;

      if (_shmviz_timeline_view_group_label (self, l, g, text, sizeof text, &px, &r, &lanes))
        {
          float sw = MAX (3.0f, _shmviz_timeline_view_z (self, 5));

          gtk_snapshot_append_color (snapshot, shmviz_palette_process (self->palette, g == 0 ? 0 : l->n_producers,
                                                                       l->n_producers),
                                     &GRAPHENE_RECT_INIT (area.origin.x - sw - _shmviz_timeline_view_z (self, 3),
                                                          lanes.origin.y, sw, lanes.size.height));
          shmviz_text_cache_draw (self->text, snapshot, text, px, TRUE, r.origin.x, r.origin.y, 0.0f, 0.0f, fg);
        }
    }

  /* Time axis and grid. */
  _shmviz_timeline_view_nice_step (_shmviz_timeline_view_ns_per_px (self), 110 * scale, &step);
  {
    double first = ceil ((double) (t0 - MIN (t0, self->start_ns)) / step) * step + self->start_ns;
    GdkRGBA grid = *line;
    int px = l->legend_px;

    grid.alpha = 0.6f;
    gtk_snapshot_append_color (snapshot, line, &GRAPHENE_RECT_INIT (area.origin.x, area.origin.y - 1, area.size.width, 1));
    for (double t = first; t <= (double) t1; t += step)
      {
        float x = (float) (x_base + (t - (double) self->start_ns) / npp);
        char label[64];

        if (t < (double) t0)
          continue;
        gtk_snapshot_append_color (snapshot, &grid, &GRAPHENE_RECT_INIT (x, area.origin.y, 1,
                                                                         self->n_procs * lane_h));
        gtk_snapshot_append_color (snapshot, fg, &GRAPHENE_RECT_INIT (x, area.origin.y - 6 * scale, 1, 6 * scale));
        _shmviz_timeline_view_format_time (label, sizeof label, t - (double) self->start_ns, step);
        shmviz_text_cache_draw (self->text, snapshot, label, px, FALSE, x, area.origin.y - 8 * scale, 0.5f, 1.0f, fg);
      }
  }

  if (self->model != NULL)
    {
      gtk_snapshot_push_clip (snapshot, &area);
      _shmviz_timeline_view_fetch_anomalies (self);
      _shmviz_timeline_view_update_ticks (self, lane_h, t0, t1);
      _shmviz_timeline_view_draw_lanes (self, snapshot, &area, floorf (area.origin.x), lane_h);
      _shmviz_timeline_view_draw_anomalies (self, snapshot, &area, lane_h, t0, t1);
      gtk_snapshot_pop (snapshot);
    }

  /* "Now", at the right edge once the run is longer than the view. */
  if (self->now_ns >= t0 && self->now_ns <= t1)
    {
      float x = (float) (x_base + (double) (self->now_ns - self->start_ns) / npp);

      gtk_snapshot_append_color (snapshot, shmviz_palette_accent (self->palette, dark),
                                 &GRAPHENE_RECT_INIT (MIN (x, area.origin.x + area.size.width -
                                                              _shmviz_timeline_view_z (self, 2)),
                                                      area.origin.y - _shmviz_timeline_view_z (self, 4),
                                                      _shmviz_timeline_view_z (self, 2),
                                                      self->n_procs * lane_h + _shmviz_timeline_view_z (self, 4)));
    }

  _shmviz_timeline_view_draw_legend (self, snapshot, l, dark);

  return gtk_snapshot_free_to_node (snapshot);
}
