/* shmviz-timeline-view-columns.c — the lanes' pixel columns, kept from the model
 *
 * One state per pixel column and lane, and for lanes a few pixels high an
 * anomaly tick, stored by absolute column modulo the width so that a view
 * that follows the run scrolls without refilling them; spans and anomalies
 * are fetched from the model only as far as they are new.  Apart because
 * this is what the view remembers of the run, and drawing only reads it.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <math.h>

#include "ledger.h"
#include "shmviz-timeline-view-internal.h"

static guint
bar_rank (guint8 state)
{
  /* Which state wins a pixel column shared by many short spans: the ones a
   * teacher looks for. */
  switch (state)
    {
    case SHMVIZ_VIEW_DEAD:      return 8;
    case SHMVIZ_VIEW_STOPPED:   return 7;
    case SHMVIZ_VIEW_WAITING:   return 6;
    case SHMVIZ_VIEW_CRITICAL:  return 5;
    case SHMVIZ_VIEW_ACQUIRING: return 4;
    case SHMVIZ_VIEW_PARKED:    return 3;
    case SHMVIZ_VIEW_RUNNING:   return 2;
    case SHMVIZ_VIEW_DONE:      return 1;
    default:                    return 0;
    }
}

static gint64
column_of (ShmvizTimelineView *self,
           guint64             t,
           double              npp)
{
  return (gint64) floor ((double) (t - MIN (t, self->start_ns)) / npp);
}

/* Marks the columns of @sp, seen through [@t0, @t1], in @lane: a column
 * takes the highest-ranked state of the spans that touch it, so a step
 * shorter than a pixel still shows and a longer one is never hidden. */
static void
fill_span (ShmvizTimelineView *self,
           guint8             *lane,
           const ShmvizSpan   *sp,
           guint64             t0,
           guint64             t1,
           double              npp)
{
  guint64 s = MAX (sp->start_ns, t0);
  guint64 e = sp->end_ns == G_MAXUINT64 ? self->now_ns : sp->end_ns;
  gint64 c0, c1, lo = self->col_lo, hi = self->col_lo + self->col_width - 1;
  guint rank = bar_rank (sp->state);

  e = MIN (e, t1);
  if (s >= t1 || e <= s)
    return;
  c0 = column_of (self, s, npp);
  c1 = (gint64) ceil ((double) (e - self->start_ns) / npp) - 1;
  c1 = MAX (c0, c1);
  c0 = MAX (c0, lo);
  c1 = MIN (c1, hi);
  for (gint64 c = c0; c <= c1; c++)
    {
      guint8 *col = &lane[c % self->col_width];

      if (rank > bar_rank (*col))
        {
          *col = sp->state;
          self->dirty_lo = MIN (self->dirty_lo, c);
        }
    }
}

/* Brings the columns up to date for the view [@t0, @t1] over @width
 * pixels and @lane_h high lanes.  While following, only the spans new
 * since the last frame are fetched; anything else (resize, zoom, scrolling
 * back, another model or a model restored under us) refills every column
 * from the model. */
void
_shmviz_timeline_view_update_columns (ShmvizTimelineView *self,
                                      int                 width,
                                      float               lane_h,
                                      guint64             t0,
                                      guint64             t1)
{
  double npp = (double) self->span_ns / MAX (width, 1);
  gint64 lo = column_of (self, t1, npp) - width + 1;
  gboolean reuse;

  /* Columns are stored by absolute index modulo the width, which wants
   * them non-negative. */
  lo = MAX (lo, 0);
  reuse = self->col_valid && self->cols != NULL && width == self->col_width && self->n_procs == self->col_procs &&
          lane_h == self->col_lane_h && self->start_ns == self->col_start_ns && self->span_ns == self->col_span_ns &&
          self->now_ns >= self->col_now_ns && (self->follow ? lo >= self->col_lo : lo == self->col_lo);

  if (!reuse)
    {
      gsize n = (gsize) width * MAX (self->n_procs, 1);

      g_free (self->cols);
      g_free (self->col_since);
      g_free (self->ticks);
      g_free (self->tick_last);
      self->cols = g_malloc0 (n);
      self->ticks = g_malloc0 (n);
      self->col_since = g_new (guint64, MAX (self->n_procs, 1));
      self->tick_last = g_new (double, MAX (self->n_procs, 1));
      for (guint p = 0; p < self->n_procs; p++)
        {
          self->col_since[p] = G_MAXUINT64;
          self->tick_last[p] = -G_MAXDOUBLE;
        }
      self->tick_next = G_MAXUINT;
      self->col_width = width;
      self->col_procs = self->n_procs;
      self->col_lane_h = lane_h;
      self->col_start_ns = self->start_ns;
      self->col_span_ns = self->span_ns;
      self->col_lo = lo;
      self->dirty_lo = G_MININT64;
    }
  else if (lo > self->col_lo)
    {
      /* Scrolled on: the columns that left on the left come back on the
       * right, empty. */
      gint64 gone = MIN (lo - self->col_lo, (gint64) width);

      for (guint p = 0; p < self->n_procs; p++)
        {
          guint8 *lane = self->cols + (gsize) p * width;
          guint8 *ticks = self->ticks + (gsize) p * width;

          for (gint64 k = 0; k < gone; k++)
            lane[(self->col_lo + k) % width] = ticks[(self->col_lo + k) % width] = 0;
        }
      self->dirty_lo = MIN (self->dirty_lo, self->col_lo + width);
      self->col_lo = lo;
    }

  for (guint p = 0; p < self->n_procs && self->model != NULL; p++)
    {
      guint8 *lane = self->cols + (gsize) p * width;
      guint64 since = self->col_since[p];
      const ShmvizSpan *first;

      g_array_set_size (self->spans, 0);
      shmviz_model_get_recent_spans (self->model, p, since == G_MAXUINT64 ? t0 : since, self->spans);
      if (self->spans->len == 0)
        continue;
      first = &g_array_index (self->spans, ShmvizSpan, 0);
      /* The newest span of last time comes back first, or the one right
       * after it if it ended on the spot; anything else is another history
       * (a restored model): start over. */
      if (since != G_MAXUINT64 && first->start_ns != since)
        {
          self->col_valid = FALSE;
          _shmviz_timeline_view_update_columns (self, width, lane_h, t0, t1);
          return;
        }
      for (guint i = 0; i < self->spans->len; i++)
        fill_span (self, lane, &g_array_index (self->spans, ShmvizSpan, i), t0, t1, npp);
      self->col_since[p] = g_array_index (self->spans, ShmvizSpan, self->spans->len - 1).start_ns;
    }
  self->col_now_ns = self->now_ns;
  self->col_valid = TRUE;
}

/* Places the ticks of the anomalies new since the last frame, for lanes
 * under 10 pixels.  One tick per lane per 0.6 mark widths: a burst reads
 * as one. */
void
_shmviz_timeline_view_update_ticks (ShmvizTimelineView *self,
                                    float               lane_h,
                                    guint64             t0,
                                    guint64             t1)
{
  double npp = (double) self->span_ns / MAX (self->col_width, 1);
  float mark = _shmviz_timeline_view_mark_size (self, lane_h);
  gint64 lo = self->col_lo, hi = self->col_lo + self->col_width - 1;
  guint i;

  if (lane_h >= 10)
    return;
  if (self->tick_next == G_MAXUINT)
    {
      guint a = 0, b = self->anomalies->len;

      while (a < b)
        {
          guint mid = (a + b) / 2;

          if (g_array_index (self->anomalies, ShmvizAnomaly, mid).ts_ns + self->span_ns / 10 < t0)
            a = mid + 1;
          else
            b = mid;
        }
      self->tick_next = a;
    }
  for (i = self->tick_next; i < self->anomalies->len; i++)
    {
      const ShmvizAnomaly *a = &g_array_index (self->anomalies, ShmvizAnomaly, i);
      double xc;
      gint64 c;

      if (a->ts_ns > t1)
        break;
      if (a->actor >= self->n_procs || a->ts_ns < t0)
        continue;
      xc = (double) (a->ts_ns - MIN (a->ts_ns, self->start_ns)) / npp;
      if (xc - self->tick_last[a->actor] < mark * 0.6f)
        continue;
      self->tick_last[a->actor] = xc;
      c = (gint64) floor (xc);
      for (gint64 k = MAX (c - 1, lo); k <= MIN (c + 1, hi); k++)
        self->ticks[(gsize) a->actor * self->col_width + k % self->col_width] = a->kind + 1;
      self->dirty_lo = MIN (self->dirty_lo, MAX (c - 1, lo));
    }
  self->tick_next = i;
}

void
_shmviz_timeline_view_fetch_anomalies (ShmvizTimelineView *self)
{
  if (self->model == NULL)
    return;
  shmviz_model_get_anomalies (self->model, self->anomalies->len, self->anomalies);
}
