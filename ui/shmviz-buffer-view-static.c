/* shmviz-buffer-view-static.c — the static node: track, headings and chips
 *
 * The ring's track and the producer and consumer anchors, drawn once per
 * size, palette, theme and scale into one picture.  Apart because it is
 * the layer the view rebuilds least often.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include "shmviz-buffer-view-internal.h"
#include "shmviz-draw.h"
#include "shmviz-palette.h"

/* @node, @w × @h from the origin, as one picture.  Not cut into tiles
 * to skip the ring's hollow: the cairo renderer antialiases each node's
 * edges, and adjacent tiles left a faint line along every seam. */
static void
append_picture (GtkSnapshot   *snapshot,
                GskRenderNode *node,
                int            w,
                int            h,
                int            scale)
{
  cairo_surface_t *image = shmviz_draw_node_to_image (node, 0, 0, w, h, scale);
  GskRenderNode *picture = shmviz_draw_image_node (image, 0, 0, w, h);

  gtk_snapshot_append_node (snapshot, picture);
  gsk_render_node_unref (picture);
  cairo_surface_destroy (image);
}

static void
draw_static (ShmvizBufferView *self,
             GtkSnapshot      *snapshot,
             gboolean          dark);

/* Drawn once per size, palette, theme and scale, as pictures over the
 * background: a border node as large as the ring's track costs the cairo
 * renderer milliseconds on every frame. */
GskRenderNode *
_shmviz_buffer_view_build_static (ShmvizBufferView *self,
                                  gboolean          dark)
{
  GtkSnapshot *snapshot = gtk_snapshot_new ();
  GtkSnapshot *drawing = gtk_snapshot_new ();
  g_autoptr(GskRenderNode) node = NULL;

  if (shmviz_palette_is_dark (self->palette))
    gtk_snapshot_append_color (snapshot, shmviz_palette_background (self->palette, TRUE),
                               &GRAPHENE_RECT_INIT (0, 0, self->geo_width, self->geo_height));
  draw_static (self, drawing, dark);
  node = gtk_snapshot_free_to_node (drawing);
  if (node != NULL && self->geo_width > 0 && self->geo_height > 0)
    append_picture (snapshot, node, self->geo_width, self->geo_height, self->picture_scale);
  return gtk_snapshot_free_to_node (snapshot);
}

static void
draw_static (ShmvizBufferView *self,
             GtkSnapshot      *snapshot,
             gboolean          dark)
{
  float s = self->cell_size;
  const GdkRGBA *line = shmviz_palette_line (self->palette, dark);
  const GdkRGBA *fg = shmviz_palette_foreground (self->palette, dark);
  GdkRGBA track = *line;

  /* The ring's track, so the circle reads as one buffer. */
  if (self->geo_ring && self->n_slots > 1)
    {
      float width = MAX (1.0f, (self->ring_outer - self->ring_inner) + s * 0.3f);
      float r = (self->ring_outer + self->ring_inner) / 2 + width / 2;

      track.alpha = dark ? 0.35f : 0.45f;
      shmviz_draw_outline (snapshot, &GRAPHENE_RECT_INIT (self->cx - r, self->cy - r, 2 * r, 2 * r), r, width, &track);
    }

  /* The slots' empty outlines and indices are in their pictures (see
   * update_cells()), or, when small, in the cells image. */

  /* Where items come from and go to: producers left, consumers right. */
  {
    g_autoptr(GArray) labels = _shmviz_buffer_view_labels_new ();

    _shmviz_buffer_view_collect_static_labels (self, labels);
    for (guint i = 0; i < labels->len; i++)
      _shmviz_buffer_view_draw_label (self, snapshot, &g_array_index (labels, Label, i), fg);
  }
}
