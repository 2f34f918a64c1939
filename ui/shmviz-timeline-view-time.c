/* shmviz-timeline-view-time.c — the time in view, its axis and scrolling
 *
 * The right edge of the view (the newest event while following, else
 * where scrolling left it), the time one pixel stands for, the steps and
 * labels of the axis, and moving the right edge.  Apart because input and
 * drawing both place time by it, and none of it depends on how a lane or
 * a mark is drawn.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <math.h>

#include <glib/gi18n.h>

#include "shmviz-timeline-view-internal.h"

guint64
_shmviz_timeline_view_right_edge (ShmvizTimelineView *self)
{
  guint64 end = self->follow ? self->now_ns : MIN (self->end_ns, self->now_ns);

  /* Before anything happened the lanes start at the left edge. */
  return MAX (end, self->start_ns + self->span_ns);
}

static void
plot_area (ShmvizTimelineView *self,
           graphene_rect_t    *area)
{
  *area = _shmviz_timeline_view_get_layout (self)->area;
}

double
_shmviz_timeline_view_ns_per_px (ShmvizTimelineView *self)
{
  graphene_rect_t area;

  plot_area (self, &area);
  return (double) self->span_ns / MAX (area.size.width, 1);
}

/* Moves the right edge by @delta_ns (negative: back in time). */
void
_shmviz_timeline_view_scroll_by (ShmvizTimelineView *self,
                                 double              delta_ns)
{
  double end = (double) _shmviz_timeline_view_right_edge (self) + delta_ns;
  double earliest = (double) self->start_ns + (double) self->span_ns;

  if (end >= (double) self->now_ns)
    {
      /* Scrolling forward to the present resumes following. */
      _shmviz_timeline_view_set_follow_internal (self, TRUE);
      return;
    }
  end = MAX (end, earliest);
  _shmviz_timeline_view_set_follow_internal (self, FALSE);
  self->end_ns = (guint64) end;
  _shmviz_timeline_view_invalidate (self);
}

void
_shmviz_timeline_view_nice_step (double  ns_per_pixel,
                                 double  min_px,
                                 double *step)
{
  double want = ns_per_pixel * min_px, base = pow (10, floor (log10 (MAX (want, 1))));

  if (base >= want)
    *step = base;
  else if (2 * base >= want)
    *step = 2 * base;
  else if (5 * base >= want)
    *step = 5 * base;
  else
    *step = 10 * base;
}

void
_shmviz_timeline_view_format_time (char   *buf,
                                   gsize   size,
                                   double  rel_ns,
                                   double  step)
{
  int decimals = step >= 1e9 ? 0 : (int) CLAMP (ceil (-log10 (step / 1e9)), 0, 6);

  /* Translators: a time on the timeline's axis, in seconds since the start */
  g_snprintf (buf, size, _("%.*f s"), decimals, rel_ns / 1e9);
}
