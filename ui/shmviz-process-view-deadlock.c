/* shmviz-process-view-deadlock.c — the deadlock cycle and its banner
 *
 * Drawn only while the session is deadlocked: arrows from each waiter to
 * what it waits on and on to who could post it, over the cards and the
 * panels.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <math.h>

#include <glib/gi18n.h>

#include "layout.h"
#include "ledger.h"
#include "shmviz-draw.h"
#include "shmviz-palette.h"
#include "shmviz-process-view-internal.h"

static void
arrow_between (cairo_t               *cr,
               const graphene_rect_t *from,
               const graphene_rect_t *to,
               double                 width)
{
  double x0 = from->origin.x + from->size.width / 2, y0 = from->origin.y + from->size.height / 2;
  double x1 = to->origin.x + to->size.width / 2, y1 = to->origin.y + to->size.height / 2;
  double a, head = width * 3.5;

  /* Leave the boxes at their facing edges. */
  if (x1 > x0)
    x0 = from->origin.x + from->size.width, x1 = to->origin.x;
  else
    x0 = from->origin.x, x1 = to->origin.x + to->size.width;
  a = atan2 (y1 - y0, x1 - x0);
  cairo_set_line_width (cr, width);
  cairo_move_to (cr, x0, y0);
  cairo_curve_to (cr, (x0 + x1) / 2, y0, (x0 + x1) / 2, y1, x1 - cos (a) * head * 0.5, y1);
  cairo_stroke (cr);
  cairo_move_to (cr, x1, y1);
  cairo_line_to (cr, x1 - (x1 > x0 ? head : -head), y1 - head * 0.5);
  cairo_line_to (cr, x1 - (x1 > x0 ? head : -head), y1 + head * 0.5);
  cairo_close_path (cr);
  cairo_fill (cr);
}

void
_shmviz_process_view_draw_deadlock (ShmvizProcessView *self,
                                    GtkSnapshot       *snapshot,
                                    gboolean          dark)
{
  const GdkRGBA *red = shmviz_palette_anomaly (self->palette, SHMVIZ_ANOMALY_DEADLOCK);
  cairo_t *cr = gtk_snapshot_append_cairo (snapshot, &GRAPHENE_RECT_INIT (0, 0, self->geo_width,
                                                                           self->geo_height));
  /* One node for the whole cycle: drawn only while deadlocked, when the
   * picture is still anyway. */
  double lw = MAX (2.0, _shmviz_process_view_z (self, 3));
  guint drawn = 0;

  gdk_cairo_set_source_rgba (cr, red);
  /* The cycle: each waiter points at what it waits on; the mutex points at
   * its holder; empty and full point at the blocked processes that alone
   * could post them. */
  for (guint p = 0; p < self->n_procs && drawn < 48; p++)
    {
      const ShmvizProcView *pv = &self->procs[p];

      if (pv->state != SHMVIZ_VIEW_WAITING || pv->wait_sem >= SHMVIZ_N_SEMS)
        continue;
      cairo_set_dash (cr, NULL, 0, 0);
      arrow_between (cr, &self->cards[p], &self->sem_box[pv->wait_sem], lw);
      drawn++;
    }
  if (self->mutex_owner < self->n_procs)
    arrow_between (cr, &self->sem_box[SHMVIZ_SEM_MUTEX], &self->cards[self->mutex_owner], lw);
  {
    double dash[2] = { lw * 3, lw * 2 };

    cairo_set_dash (cr, dash, 2, 0);
    for (guint p = 0; p < self->n_procs && drawn < 64; p++)
      {
        const ShmvizProcView *pv = &self->procs[p];
        ShmvizSem posts = pv->role == SHMVIZ_ROLE_PRODUCER ? SHMVIZ_SEM_FULL : SHMVIZ_SEM_EMPTY;
        gboolean someone_waits = FALSE;

        if (pv->state != SHMVIZ_VIEW_WAITING || p == self->mutex_owner)
          continue;
        for (guint q = 0; q < self->n_procs; q++)
          if (self->procs[q].state == SHMVIZ_VIEW_WAITING && self->procs[q].wait_sem == posts)
            someone_waits = TRUE;
        if (!someone_waits)
          continue;
        arrow_between (cr, &self->sem_box[posts], &self->cards[p], lw * 0.7);
        drawn++;
      }
  }
  cairo_destroy (cr);

  {
    int px = self->head_px;
    const char *text = _("Deadlock: every process is waiting for another");
    int tw, th;
    graphene_rect_t r;

    shmviz_text_cache_measure (self->text, text, px, TRUE, &tw, &th);
    r = GRAPHENE_RECT_INIT (self->geo_width / 2.0f - tw / 2.0f - px, _shmviz_process_view_z (self, 4), tw + 2 * px,
                            th + px * 0.4f);
    shmviz_draw_rounded_fill (snapshot, &r, _shmviz_process_view_z (self, 8), red);
    shmviz_text_cache_draw (self->text, snapshot, text, px, TRUE, self->geo_width / 2.0f,
                            r.origin.y + r.size.height / 2, 0.5f, 0.5f, shmviz_palette_text_on (red));
  }
}
