/* shmviz-process-view-geometry.c — where the cards and the panels go
 *
 * The largest card scale at which both groups fit, the cards placed on
 * whole pixels, the three semaphore panels between them, and which card a
 * point falls on.  Apart because drawing and input both read it, and it
 * changes only with the size, the zoom or the number of processes.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <math.h>
#include <string.h>

#include "shmviz-process-view-internal.h"

#define CARD_W 230.0f
#define CARD_H 104.0f
#define GAP    10.0f

static gboolean
fits (float  w,
      float  h,
      guint  n,
      float  cw,
      float  ch,
      float  gap)
{
  guint cols = (guint) MAX (1.0f, floorf ((w + gap) / (cw + gap)));
  guint rows = (n + cols - 1) / cols;

  return cw <= w && rows * (ch + gap) - gap <= h;
}

static void
place_group (ShmvizProcessView *self,
             guint              first,
             guint              n,
             float              x0,
             float              y0,
             float              w,
             float              cw,
             float              ch,
             float              gap)
{
  guint cols = (guint) MAX (1.0f, floorf ((w + gap) / (cw + gap)));

  cols = MIN (cols, MAX (n, 1));
  /* Centre the group in its column. */
  x0 += (w - (cols * (cw + gap) - gap)) / 2;
  /* On whole pixels, so that the cards' pictures land on the pixel grid
   * and are copied, not resampled. */
  cw = roundf (cw);
  ch = roundf (ch);
  for (guint k = 0; k < n; k++)
    self->cards[first + k] = GRAPHENE_RECT_INIT (roundf (x0 + (k % cols) * (cw + gap)),
                                                 roundf (y0 + (k / cols) * (ch + gap)), cw, ch);
}

void
_shmviz_process_view_ensure_geometry (ShmvizProcessView *self)
{
  int w = gtk_widget_get_width (GTK_WIDGET (self));
  int h = gtk_widget_get_height (GTK_WIDGET (self));
  float m = _shmviz_process_view_z (self, 12), head;
  float center_w, group_w, avail_h, sc = 1.0f, sem_gap;
  guint n_prod = self->n_producers, n_cons = self->n_procs - self->n_producers;

  if (self->geo_width == w && self->geo_height == h && self->geo_zoom == self->zoom &&
      self->geo_procs == self->n_procs)
    return;

  g_clear_pointer (&self->node, gsk_render_node_unref);
  _shmviz_process_view_drop_cards (self);
  _shmviz_process_view_flush_card_pictures (self);
  if (self->cards_alloc != self->n_procs)
    {
      self->card_nodes = g_renew (GskRenderNode *, self->card_nodes, MAX (self->n_procs, 1));
      self->card_keys = g_renew (guint64, self->card_keys, MAX (self->n_procs, 1));
      memset (self->card_nodes, 0, sizeof (GskRenderNode *) * MAX (self->n_procs, 1));
      self->cards_alloc = self->n_procs;
    }
  self->geo_width = w;
  self->geo_height = h;
  self->geo_zoom = self->zoom;
  self->geo_procs = self->n_procs;
  self->cards = g_renew (graphene_rect_t, self->cards, MAX (self->n_procs, 1));

  /* The column headings say what the cards already say by their names:
   * on a short, zoomed-in view their height goes to the cards and the
   * lock panels instead (at 300 % on a projector the headings were
   * twice the size of the cards' names). */
  self->head_px = (int) MIN (_shmviz_process_view_z (self, 18), MAX (18.0f, h * 0.08f));
  head = 2.0f * self->head_px;

  center_w = MIN (_shmviz_process_view_z (self, 280), w * 0.34f);
  group_w = MAX ((w - center_w - 4 * m) / 2, 10);
  avail_h = MAX (h - head - m, 10);

  /* The largest card scale at which both groups fit. */
  for (sc = 1.0f; sc > 0.2f; sc -= 0.025f)
    if (fits (group_w, avail_h, MAX (n_prod, n_cons), _shmviz_process_view_z (self, CARD_W) * sc,
              _shmviz_process_view_z (self, CARD_H) * sc, _shmviz_process_view_z (self, GAP) * sc))
      break;
  sc = MAX (sc, 0.2f);
  self->card_scale = sc;

  place_group (self, 0, n_prod, m, head, group_w, _shmviz_process_view_z (self, CARD_W) * sc,
               _shmviz_process_view_z (self, CARD_H) * sc, _shmviz_process_view_z (self, GAP) * sc);
  place_group (self, n_prod, n_cons, w - m - group_w, head, group_w, _shmviz_process_view_z (self, CARD_W) * sc,
               _shmviz_process_view_z (self, CARD_H) * sc, _shmviz_process_view_z (self, GAP) * sc);

  {
    float cx = w / 2.0f - center_w / 2, third = avail_h / 3;
    const ShmvizSem order[3] = { SHMVIZ_SEM_MUTEX, SHMVIZ_SEM_EMPTY, SHMVIZ_SEM_FULL };

    /* A gap that grew with the zoom took from the panels' text what a
     * few pixels between them do as well. */
    sem_gap = MIN (_shmviz_process_view_z (self, 8), 12.0f);
    for (guint i = 0; i < 3; i++)
      self->sem_box[order[i]] = GRAPHENE_RECT_INIT (cx, head + i * third + sem_gap / 2, center_w,
                                                    third - sem_gap);
  }
}

int
_shmviz_process_view_card_at (ShmvizProcessView *self,
                              double             x,
                              double             y)
{
  _shmviz_process_view_ensure_geometry (self);
  for (guint i = 0; i < self->n_procs; i++)
    if (graphene_rect_contains_point (&self->cards[i], &GRAPHENE_POINT_INIT (x, y)))
      return (int) i;
  return -1;
}
