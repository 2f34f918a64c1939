/* shmviz-timeline-view-layout.c — where the names, axis, lanes and legend go
 *
 * A gutter for names on the left, the time axis on top, the legend at the
 * bottom and the lanes in between.  The axis and legend are drawn at their
 * own scale, between 1 and the zoom: in a short view (the bottom pane of a
 * projector at 300 % is 200–300 px) the zoom's full size would leave the
 * lanes a few pixels, so they shrink until they take at most
 * CHROME_SHARE of the height, never below their size at 100 %.  The legend
 * wraps onto a second line before it would run off the right edge or under
 * the follow button, and only when two lines at 100 % cannot hold it drops
 * its least telling entries.
 *
 * Apart because the frame, the follow button's allocation and the labels
 * tests read (shmviz_timeline_view_get_labels()) all take the one layout,
 * and it changes only with the size, the zoom, the processes and the
 * follow button.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <math.h>

#include "ledger.h"
#include "shmviz-palette.h"
#include "shmviz-timeline-view-internal.h"

#define CHROME_SHARE 0.4f

/* Which entries go first when there is no room: a class can tell "dead"
 * and "stopped" from the bars' shapes, while waiting, the lock and the
 * anomaly mark are the lesson. */
static const guint legend_drop_order[N_LEGEND] = { 5, 4, 1, 0, 3, 2, 6 };

/* Lays the view out for @width × @height, unless @l already is for that,
 * this zoom, these processes and this follow button. */
void
_shmviz_timeline_view_compute_layout (ShmvizTimelineView *self,
                                      Layout             *l,
                                      int                 width,
                                      int                 height)
{
  int bw, bh, lo = 13, hi = MAX (13, (int) roundf (13 * (float) self->zoom)), best = 0;
  guint dropped = 0;
  float c;

  gtk_widget_measure (self->follow_button, GTK_ORIENTATION_HORIZONTAL, -1, NULL, &bw, NULL, NULL);
  gtk_widget_measure (self->follow_button, GTK_ORIENTATION_VERTICAL, bw, NULL, &bh, NULL, NULL);
  if (l->valid && l->width == width && l->height == height && l->zoom == self->zoom && l->button_w == bw &&
      l->button_h == bh && l->follow_shown == !self->follow && l->n_procs == self->n_procs &&
      l->n_producers == self->n_producers)
    return;
  l->valid = TRUE;
  l->width = width;
  l->height = height;
  l->zoom = self->zoom;
  l->button_w = bw;
  l->button_h = bh;
  l->follow_shown = !self->follow;
  l->n_procs = self->n_procs;
  l->n_producers = self->n_producers;
  l->follow = GRAPHENE_RECT_INIT (MAX (0, width - bw - 8), MAX (0, height - bh - 4), bw, bh);
  l->gutter = _shmviz_timeline_view_z (self, 64);

  /* The largest scale, by whole pixels of legend text, that leaves the
   * lanes their share; more rows or larger text only ever take more.
   * The follow button's room is not counted: it is the same at any
   * scale, and counting it shrank the text at 300 % for no lane's
   * gain. */
  while (lo <= hi)
    {
      int mid = (lo + hi) / 2;

      c = mid / 13.0f;
      if (_shmviz_timeline_view_place_legend (self, l, c, 0) &&
          30 * c + l->n_rows * l->row_h <= CHROME_SHARE * height)
        {
          best = mid;
          lo = mid + 1;
        }
      else
        hi = mid - 1;
    }
  if (best > 0)
    _shmviz_timeline_view_place_legend (self, l, best / 13.0f, 0);
  else
    for (guint i = 0; !_shmviz_timeline_view_place_legend (self, l, 1, dropped); i++)
      dropped |= 1u << legend_drop_order[i];
  l->n_dropped = 0;
  for (guint i = 0; i < N_LEGEND; i++)
    l->n_dropped += (dropped >> i) & 1;

  c = l->chrome = MAX (best, 13) / 13.0f;
  l->axis = 30 * c;
  l->band = _shmviz_timeline_view_band_height (l, l->n_rows, l->row_h);
  l->area = GRAPHENE_RECT_INIT (l->gutter, l->axis,
                                MAX (width - l->gutter - _shmviz_timeline_view_z (self, 8), 10),
                                MAX (height - l->axis - l->band, 10));
  l->lane_h = self->n_procs > 0 ? MIN (_shmviz_timeline_view_z (self, 34), l->area.size.height / self->n_procs)
                                : l->area.size.height;

  /* Names as large as the lane allows, as long as every one fits its lane
   * and the gutter; under 8 px none is drawn. */
  l->name_px = 0;
  for (int px = (int) MIN (l->lane_h * 0.62f, _shmviz_timeline_view_z (self, 17)); px >= 8 && l->name_px == 0;
       px--)
    {
      float room = l->gutter - MAX (3.0f, _shmviz_timeline_view_z (self, 5)) - _shmviz_timeline_view_z (self, 8);
      gboolean fits = TRUE;

      for (guint p = 0; p < self->n_procs && fits; p++)
        {
          g_autofree char *name = shmviz_proc_label (p, self->n_producers);
          int tw, th;

          shmviz_text_cache_measure (self->text, name, px, TRUE, &tw, &th);
          fits = tw <= room && th <= l->lane_h;
        }
      if (fits)
        l->name_px = px;
    }
}

Layout *
_shmviz_timeline_view_get_layout (ShmvizTimelineView *self)
{
  _shmviz_timeline_view_compute_layout (self, &self->layout, gtk_widget_get_width (GTK_WIDGET (self)),
                                        gtk_widget_get_height (GTK_WIDGET (self)));
  return &self->layout;
}

/* Where lane @p's name goes: right-aligned before its swatch. */
static void
lane_name_rect (ShmvizTimelineView *self,
                const Layout       *l,
                guint               p,
                const char         *name,
                graphene_rect_t    *rect)
{
  float sw = MAX (3.0f, _shmviz_timeline_view_z (self, 5)),
        x = l->area.origin.x - sw - _shmviz_timeline_view_z (self, 8);
  float y = l->area.origin.y + p * l->lane_h + l->lane_h / 2;
  int tw, th;

  shmviz_text_cache_measure (self->text, name, l->name_px, TRUE, &tw, &th);
  *rect = GRAPHENE_RECT_INIT (roundf (x - tw), roundf (y - th * 0.5f), tw, th);
}

/* Lanes too thin for names still say whose they are: "P1–P64" beside
 * the producers' block, "C1–C64" beside the consumers'.  FALSE when
 * there are names, no such block or no room for its label. */
gboolean
_shmviz_timeline_view_group_label (ShmvizTimelineView *self,
                                   const Layout       *l,
                                   guint               group,
                                   char               *text,
                                   gsize               size,
                                   int                *px,
                                   graphene_rect_t    *rect,
                                   graphene_rect_t    *lanes)
{
  guint first = group == 0 ? 0 : l->n_producers;
  guint n = group == 0 ? l->n_producers : l->n_procs - l->n_producers;
  float sw = MAX (3.0f, _shmviz_timeline_view_z (self, 5)),
        right = l->area.origin.x - sw - _shmviz_timeline_view_z (self, 8);
  g_autofree char *a = NULL;
  g_autofree char *b = NULL;

  if (l->name_px > 0 || n == 0)
    return FALSE;
  a = shmviz_proc_label (first, l->n_producers);
  b = shmviz_proc_label (first + n - 1, l->n_producers);
  if (n == 1)
    g_strlcpy (text, a, size);
  else
    g_snprintf (text, size, "%s–%s", a, b);
  *lanes = GRAPHENE_RECT_INIT (0, l->area.origin.y + first * l->lane_h, l->area.origin.x, n * l->lane_h);
  for (*px = l->legend_px; *px >= 8; (*px)--)
    {
      int tw, th;

      shmviz_text_cache_measure (self->text, text, *px, TRUE, &tw, &th);
      if (tw <= right - 2 && th <= lanes->size.height)
        {
          *rect = GRAPHENE_RECT_INIT (roundf (right - tw), roundf (lanes->origin.y + (lanes->size.height - th) / 2),
                                      tw, th);
          return TRUE;
        }
    }
  return FALSE;
}

/* For tests: see shmviz-timeline-view-private.h. */
GArray *
shmviz_timeline_view_get_labels (ShmvizTimelineView     *self,
                                 int                     width,
                                 int                     height,
                                 ShmvizTimelineGeometry *geometry)
{
  GArray *labels = g_array_new (FALSE, TRUE, sizeof (ShmvizTimelineLabel));
  Layout own = { 0 }, *l = &own;

  g_return_val_if_fail (SHMVIZ_IS_TIMELINE_VIEW (self), labels);

  if (width <= 0 || height <= 0)
    l = _shmviz_timeline_view_get_layout (self);
  else
    _shmviz_timeline_view_compute_layout (self, l, width, height);

  for (guint i = 0; i < l->n_slots; i++)
    {
      const LegendSlot *slot = &l->slots[i];
      ShmvizTimelineLabel label = { SHMVIZ_TIMELINE_LABEL_LEGEND };
      float top = MIN (slot->y - l->box / 2, roundf (slot->y - slot->text_h * 0.5f));
      float bottom = MAX (slot->y + l->box / 2, roundf (slot->y - slot->text_h * 0.5f) + slot->text_h);

      label.rect = GRAPHENE_RECT_INIT (slot->x, top, slot->width, bottom - top);
      label.px = l->legend_px;
      g_strlcpy (label.text, _shmviz_timeline_view_legend_name (slot->entry), sizeof label.text);
      g_array_append_val (labels, label);
    }
  for (guint p = 0; p < l->n_procs && l->name_px > 0; p++)
    {
      g_autofree char *name = shmviz_proc_label (p, l->n_producers);
      ShmvizTimelineLabel label = { SHMVIZ_TIMELINE_LABEL_LANE };

      lane_name_rect (self, l, p, name, &label.rect);
      label.lanes = GRAPHENE_RECT_INIT (0, l->area.origin.y + p * l->lane_h, l->area.origin.x, l->lane_h);
      label.px = l->name_px;
      g_strlcpy (label.text, name, sizeof label.text);
      g_array_append_val (labels, label);
    }
  for (guint g = 0; g < 2; g++)
    {
      ShmvizTimelineLabel label = { SHMVIZ_TIMELINE_LABEL_GROUP };

      if (_shmviz_timeline_view_group_label (self, l, g, label.text, sizeof label.text, &label.px, &label.rect,
                                             &label.lanes))
        g_array_append_val (labels, label);
    }
  if (geometry != NULL)
    {
      geometry->plot = l->area;
      geometry->follow = l->follow;
      geometry->lane_h = l->lane_h;
      geometry->chrome = l->chrome;
      geometry->n_legend_rows = l->n_rows;
      geometry->n_legend_dropped = l->n_dropped;
    }
  return labels;
}
