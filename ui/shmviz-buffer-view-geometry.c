/* shmviz-buffer-view-geometry.c — where the slots and the anchors sit
 *
 * The ring (one or more concentric rings) or the row of cells for the
 * view's size, zoom and slot count, kept until one of them changes, and
 * the questions asked of it: which slot is under the pointer, where a
 * process's chip sits.  Apart because every layer reads it and none of
 * them decides it.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <math.h>
#include <string.h>

#include "shmviz-buffer-view-internal.h"

void
_shmviz_buffer_view_invalidate_geometry (ShmvizBufferView *self)
{
  self->geo_width = -1;
  g_clear_pointer (&self->static_node, gsk_render_node_unref);
  _shmviz_buffer_view_drop_cell_nodes (self);
  g_clear_pointer (&self->cells_node, gsk_render_node_unref);
}

/* Small cells sit on whole pixels, so that the tile of one never covers
 * an edge of its neighbour when it is redrawn alone. */
static void
snap_cell (graphene_rect_t *r,
           float            s)
{
  if (s >= 16)
    return;
  r->origin.x = roundf (r->origin.x);
  r->origin.y = roundf (r->origin.y);
  r->size.width = r->size.height = MAX (1.0f, floorf (s));
}

static guint
ring_capacity (float R,
               float r_min,
               float s,
               guint *n_rings)
{
  float pitch = s * 1.18f;
  guint total = 0, rings = 0;

  for (float r = R - pitch / 2; r - pitch / 2 >= r_min || rings == 0; r -= pitch)
    {
      if (r <= pitch / 2)
        break;
      total += (guint) floorf (2 * G_PI * r / pitch);
      rings++;
    }
  if (n_rings)
    *n_rings = rings;
  return total;
}

static void
layout_ring (ShmvizBufferView *self,
             float             w,
             float             h)
{
  float band = z (self, SIDE_BAND);
  float avail = MIN (w - 2 * band, h) / 2;
  /* Room outside the ring for the in/out arrows and tags: a share of the
   * radius, not a fixed size, so a small view still gets a large ring. */
  float pointer_room = MIN (z (self, 80), avail * 0.26f);
  float R = avail - pointer_room;
  float r_min, s, lo, hi;
  guint n = self->n_slots, n_rings = 1;
  g_autofree guint *caps = NULL;
  guint slot = 0, total = 0;

  R = MAX (R, 24);
  self->cx = w / 2;
  self->cy = h / 2;
  r_min = R * 0.36f;

  /* One ring when it leaves the cells readable; otherwise concentric rings,
   * outer first, with the largest cell that still fits every slot. */
  s = 1.6f * G_PI * R / (n + 0.8f * G_PI);
  s = MIN (s, R * 0.62f);
  s = MIN (s, z (self, MAX_CELL));
  if (s < z (self, 22) && n > 1 && ring_capacity (R, r_min, s, &n_rings) >= n && n_rings > 0)
    {
      lo = 1;
      hi = z (self, 22);
      for (int i = 0; i < 30; i++)
        {
          float mid = (lo + hi) / 2;

          if (ring_capacity (R, r_min, mid, NULL) >= n)
            lo = mid;
          else
            hi = mid;
        }
      s = MAX (lo, s);
      ring_capacity (R, r_min, s, &n_rings);
    }
  else
    n_rings = 1;

  caps = g_new0 (guint, n_rings);
  if (n_rings == 1)
    caps[0] = n, total = n;
  else
    {
      float pitch = s * 1.18f;
      float r = R - pitch / 2;

      for (guint i = 0; i < n_rings; i++, r -= pitch)
        total += caps[i] = (guint) floorf (2 * G_PI * r / pitch);
    }

  self->cell_size = s;
  self->ring_outer = R;
  self->ring_inner = R;

  for (guint i = 0; i < n_rings && slot < n; i++)
    {
      float pitch = s * 1.18f;
      float r = n_rings == 1 ? R - s / 2 : R - pitch / 2 - i * pitch;
      /* Share the slots out in proportion, so every ring is evenly spaced. */
      guint here = i + 1 == n_rings ? n - slot : MIN (n - slot, (guint) ceilf ((float) n * caps[i] / total));

      for (guint k = 0; k < here; k++, slot++)
        {
          Cell *c = &g_array_index (self->cells, Cell, slot);
          float a = 2 * G_PI * k / here;

          c->angle = a;
          c->radius = r;
          c->rect = GRAPHENE_RECT_INIT (self->cx + r * sinf (a) - s / 2, self->cy - r * cosf (a) - s / 2, s, s);
          snap_cell (&c->rect, s);
        }
      self->ring_inner = r - s / 2;
    }
}

static void
layout_row (ShmvizBufferView *self,
            float             w,
            float             h)
{
  float band = z (self, SIDE_BAND);
  float top = z (self, 56);
  float aw = MAX (w - 2 * band, 20), ah = MAX (h - top - z (self, 8), 20);
  guint n = self->n_slots, best_cols = 1;
  float best = 0;

  /* Rows leave room between them for the in/out tags. */
  for (guint cols = 1; cols <= n; cols++)
    {
      guint rows = (n + cols - 1) / cols;
      float s = MIN (MIN (aw / (cols * 1.12f), ah / (rows * 1.6f)), z (self, MAX_CELL));

      /* Ties go to more columns: a row reads like the array it is. */
      if (s >= best)
        best = s, best_cols = cols;
    }
  self->cell_size = best;
  self->grid_cols = best_cols;

  {
    guint rows = (n + best_cols - 1) / best_cols;
    float gw = best_cols * best * 1.12f, gh = rows * best * 1.6f;
    float x0 = band + (aw - gw) / 2 + best * 0.06f;
    float y0 = top + (ah - gh) / 2 + best * 0.3f;

    for (guint i = 0; i < n; i++)
      {
        Cell *c = &g_array_index (self->cells, Cell, i);

        c->rect = GRAPHENE_RECT_INIT (x0 + (i % best_cols) * best * 1.12f, y0 + (i / best_cols) * best * 1.6f,
                                      best, best);
        snap_cell (&c->rect, best);
        c->angle = 0;
        c->radius = 0;
      }
  }
  self->cx = w / 2;
  self->cy = top / 2;
}

void
_shmviz_buffer_view_ensure_geometry (ShmvizBufferView *self)
{
  int w = gtk_widget_get_width (GTK_WIDGET (self));
  int h = gtk_widget_get_height (GTK_WIDGET (self));
  gboolean ring = g_strcmp0 (self->layout, "row") != 0;

  if (self->geo_width == w && self->geo_height == h && self->geo_zoom == self->zoom &&
      self->geo_slots == self->n_slots && self->geo_ring == ring)
    return;

  g_clear_pointer (&self->static_node, gsk_render_node_unref);
  _shmviz_buffer_view_drop_cell_nodes (self);
  g_clear_pointer (&self->cells_node, gsk_render_node_unref);
  if (self->cells_alloc != self->n_slots)
    {
      self->cells_alloc = self->n_slots;
      self->cell_nodes = g_renew (GskRenderNode *, self->cell_nodes, MAX (self->n_slots, 1));
      self->cell_keys = g_renew (guint64, self->cell_keys, MAX (self->n_slots, 1));
      self->cell_valid = g_renew (guint8, self->cell_valid, MAX (self->n_slots, 1));
      memset (self->cell_nodes, 0, sizeof (GskRenderNode *) * MAX (self->n_slots, 1));
      memset (self->cell_valid, 0, MAX (self->n_slots, 1));
    }
  self->geo_width = w;
  self->geo_height = h;
  self->geo_zoom = self->zoom;
  self->geo_slots = self->n_slots;
  self->geo_ring = ring;
  g_array_set_size (self->cells, self->n_slots);
  if (self->n_slots == 0)
    return;
  if (ring)
    layout_ring (self, w, h);
  else
    layout_row (self, w, h);
}

int
_shmviz_buffer_view_slot_at (ShmvizBufferView *self,
                             double            x,
                             double            y)
{
  float pad;

  _shmviz_buffer_view_ensure_geometry (self);
  pad = self->cell_size * 0.08f;
  for (guint i = 0; i < self->cells->len; i++)
    {
      const graphene_rect_t *r = &g_array_index (self->cells, Cell, i).rect;

      if (x >= r->origin.x - pad && x < r->origin.x + r->size.width + pad &&
          y >= r->origin.y - pad && y < r->origin.y + r->size.height + pad)
        return (int) i;
    }
  return -1;
}

void
_shmviz_buffer_view_anchor_of (ShmvizBufferView *self,
                               guint             proc,
                               float            *x,
                               float            *y)
{
  float band = z (self, SIDE_BAND), h = self->geo_height;
  float top = z (self, 32), room = h - top - z (self, 8);
  gboolean producer = proc < self->n_producers;
  guint count = producer ? self->n_producers : self->n_procs - self->n_producers;
  guint k = producer ? proc : proc - self->n_producers;

  *x = producer ? band / 2 + z (self, 4) : self->geo_width - band / 2 - z (self, 4);
  *y = top + room / MAX (count, 1) * (k + 0.5f);
}
