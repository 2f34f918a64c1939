/* shmviz-buffer-view-pointers.c — the pointers node: in, out and count
 *
 * The tags placed by shmviz-buffer-view-labels.c, the ring's arrows from
 * them to their slots and the row's bars, drawn once per generation.
 * Apart because it is the layer that follows the buffer's indices.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <math.h>

#include "shmviz-buffer-view-internal.h"
#include "shmviz-palette.h"

static void
draw_arrow (cairo_t       *cr,
            double         x0,
            double         y0,
            double         x1,
            double         y1,
            double         width,
            const GdkRGBA *color)
{
  double a = atan2 (y1 - y0, x1 - x0), head = width * 3.2;

  gdk_cairo_set_source_rgba (cr, color);
  cairo_set_line_width (cr, width);
  cairo_set_line_cap (cr, CAIRO_LINE_CAP_ROUND);
  cairo_move_to (cr, x0, y0);
  cairo_line_to (cr, x1 - cos (a) * head * 0.8, y1 - sin (a) * head * 0.8);
  cairo_stroke (cr);
  cairo_move_to (cr, x1, y1);
  cairo_line_to (cr, x1 - cos (a - 0.45) * head, y1 - sin (a - 0.45) * head);
  cairo_line_to (cr, x1 - cos (a + 0.45) * head, y1 - sin (a + 0.45) * head);
  cairo_close_path (cr);
  cairo_fill (cr);
}

static void
draw_pointers (ShmvizBufferView *self,
               GtkSnapshot      *snapshot,
               gboolean          dark)
{
  g_autoptr(GArray) labels = _shmviz_buffer_view_labels_new ();
  const GdkRGBA *fg = shmviz_palette_foreground (self->palette, dark);
  Arrow arrows[2];
  guint first;

  /* The static labels are drawn already, in the static node: here they
   * are only what the tags must keep clear of. */
  _shmviz_buffer_view_collect_static_labels (self, labels);
  first = labels->len;
  _shmviz_buffer_view_collect_pointer_labels (self, labels, arrows);

  for (guint i = 0; i < 2 && self->geo_ring; i++)
    if (arrows[i].color != NULL)
      {
        const Arrow *a = &arrows[i];
        float m = z (self, 12);
        cairo_t *cr;

        /* A tight node: the cairo renderer pays for its whole area. */
        cr = gtk_snapshot_append_cairo (snapshot, &GRAPHENE_RECT_INIT (MIN (a->x0, a->x1) - m, MIN (a->y0, a->y1) - m,
                                                                        fabsf (a->x1 - a->x0) + 2 * m,
                                                                        fabsf (a->y1 - a->y0) + 2 * m));
        draw_arrow (cr, a->x0, a->y0, a->x1, a->y1, z (self, 3), a->color);
        cairo_destroy (cr);
      }

  /* The row's bars: which edge of the slot the pointer is at. */
  if (!self->geo_ring && self->cell_size >= 12)
    for (guint i = 0; i < 2; i++)
      {
        const graphene_rect_t *r =
          &g_array_index (self->cells, Cell, (i == 0 ? self->in : self->out) % self->n_slots).rect;
        const GdkRGBA *color = shmviz_palette_slot_state (self->palette, i == 0 ? SHMVIZ_SLOT_FULL
                                                                                : SHMVIZ_SLOT_READING);
        float s = self->cell_size, bar = MAX (2.0f, s * 0.06f);

        gtk_snapshot_append_color (snapshot, color,
                                   &GRAPHENE_RECT_INIT (r->origin.x, i == 0 ? r->origin.y - bar * 1.5f
                                                                           : r->origin.y + s + bar * 0.5f,
                                                        r->size.width, bar));
      }

  for (guint i = first; i < labels->len; i++)
    _shmviz_buffer_view_draw_label (self, snapshot, &g_array_index (labels, Label, i), fg);
}

GskRenderNode *
_shmviz_buffer_view_build_pointers (ShmvizBufferView *self,
                                    gboolean          dark)
{
  GtkSnapshot *snapshot = gtk_snapshot_new ();

  draw_pointers (self, snapshot, dark);
  return gtk_snapshot_free_to_node (snapshot);
}
