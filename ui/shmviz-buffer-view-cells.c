/* shmviz-buffer-view-cells.c — the slots, as pictures or as one image
 *
 * Each slot (outline, index, fill, state mark, item) drawn once into a
 * picture kept across frames and keyed by its state and item, so a new
 * snapshot redraws only the slots that changed; cells under 16 pixels are
 * squares painted into one image instead.  Apart because it is the layer
 * a new snapshot pays for, slot by slot.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <math.h>
#include <string.h>

#include "shmviz-buffer-view-internal.h"
#include "shmviz-draw.h"
#include "shmviz-palette.h"

void
_shmviz_buffer_view_drop_cell_nodes (ShmvizBufferView *self)
{
  for (guint i = 0; i < self->cells_alloc; i++)
    g_clear_pointer (&self->cell_nodes[i], gsk_render_node_unref);
  if (self->cell_valid != NULL)
    memset (self->cell_valid, 0, self->cells_alloc);
  g_clear_pointer (&self->slots_node, gsk_render_node_unref);
  g_clear_pointer (&self->cells_image, cairo_surface_destroy);
}

/* The short form of shmviz_item_label(), without allocating: garbage ids
 * read from a racy slot show as "?" (the tooltip has the full id). */
void
_shmviz_buffer_view_format_item (char    *buf,
                                 gsize    size,
                                 guint64  item)
{
  int producer = SHMVIZ_ITEM_PRODUCER (item);

  if (producer < 0 || SHMVIZ_ITEM_SEQ (item) == 0)
    g_strlcpy (buf, "?", size);
  else
    g_snprintf (buf, size, "P%d#%" G_GUINT64_FORMAT, producer + 1, (guint64) SHMVIZ_ITEM_SEQ (item));
}

const GdkRGBA *
_shmviz_buffer_view_item_color (ShmvizBufferView *self,
                                guint64           item,
                                guint             state)
{
  int producer = SHMVIZ_ITEM_PRODUCER (item);

  if (item != SHMVIZ_ITEM_NONE && producer >= 0 && SHMVIZ_ITEM_SEQ (item) != 0)
    return shmviz_palette_producer (self->palette, producer);
  return shmviz_palette_slot_state (self->palette, state);
}

/* What lies under a slot whatever it holds: its empty outline, and its
 * index where it fits. */
static void
draw_cell_base (ShmvizBufferView      *self,
                GtkSnapshot           *snapshot,
                const graphene_rect_t *r,
                guint                  slot,
                gboolean               dark)
{
  float s = self->cell_size;
  int idx_px = (int) MIN (s * 0.2f, z (self, 14));

  shmviz_draw_rounded_fill (snapshot, r, s * 0.18f, shmviz_palette_background (self->palette, dark));
  shmviz_draw_outline (snapshot, r, s * 0.18f, MAX (1.0f, s * 0.04f),
                       shmviz_palette_slot_state (self->palette, SHMVIZ_SLOT_EMPTY));
  if (idx_px >= MIN_LABEL_PX)
    {
      char buf[16];

      g_snprintf (buf, sizeof buf, "%u", slot);
      shmviz_text_cache_draw (self->text, snapshot, buf, idx_px, FALSE, r->origin.x + s / 2,
                              r->origin.y + s - s * 0.06f, 0.5f, 1.0f,
                              shmviz_palette_foreground (self->palette, dark));
    }
}

static void
draw_cell (ShmvizBufferView     *self,
           GtkSnapshot          *snapshot,
           const graphene_rect_t *r,
           const ShmvizSlotView *sv,
           gboolean              dark)
{
  float s = r->size.width;
  const GdkRGBA *fill = _shmviz_buffer_view_item_color (self, sv->item, sv->state);
  const GdkRGBA *state_color = shmviz_palette_slot_state (self->palette, sv->state);
  char label[32];

  if (sv->state == SHMVIZ_SLOT_EMPTY && sv->item == SHMVIZ_ITEM_NONE)
    return;

  if (s < 16)
    {
      /* Too small for patterns: state by brightness, item by colour. */
      GdkRGBA c = *fill;

      c.alpha = sv->state == SHMVIZ_SLOT_FULL ? 1.0f : sv->state == SHMVIZ_SLOT_EMPTY ? 0.3f : 0.6f;
      gtk_snapshot_append_color (snapshot, &c, r);
      return;
    }

  if (sv->state == SHMVIZ_SLOT_EMPTY)
    {
      /* A stale item the stream still places here: faint, so it reads as gone. */
      GdkRGBA c = *fill;

      c.alpha = 0.25f;
      shmviz_draw_rounded_fill (snapshot, r, s * 0.18f, &c);
    }
  else
    shmviz_draw_rounded_fill (snapshot, r, s * 0.18f, fill);

  /* State: colour of the frame and a mark in the corner, never colour alone. */
  if (sv->state == SHMVIZ_SLOT_WRITING || sv->state == SHMVIZ_SLOT_READING)
    {
      float mark = MAX (6.0f, s * 0.3f);
      graphene_rect_t m = GRAPHENE_RECT_INIT (r->origin.x + s - mark - s * 0.04f, r->origin.y + s * 0.04f,
                                              mark, mark);

      shmviz_draw_outline (snapshot, r, s * 0.18f, MAX (2.0f, s * 0.1f), state_color);
      shmviz_draw_rounded_fill (snapshot, &m, mark * 0.3f, shmviz_palette_background (self->palette, dark));
      shmviz_palette_append_shape (snapshot, shmviz_palette_slot_shape (sv->state), &m, state_color);
    }
  else if (s >= 14)
    {
      GdkRGBA edge = { fill->red * 0.7f, fill->green * 0.7f, fill->blue * 0.7f, 1.0f };

      shmviz_draw_outline (snapshot, r, s * 0.18f, MAX (1.0f, s * 0.04f), &edge);
    }

  {
    int idx_px = (int) MIN (s * 0.2f, z (self, 14));

    /* The outline's index is covered by the fill: draw it again on top. */
    if (idx_px >= MIN_LABEL_PX && sv->state != SHMVIZ_SLOT_EMPTY)
      {
        char idx[16];

        g_snprintf (idx, sizeof idx, "%u", (guint) (sv - self->slots));
        shmviz_text_cache_draw (self->text, snapshot, idx, idx_px, FALSE, r->origin.x + s / 2,
                                r->origin.y + s - s * 0.06f, 0.5f, 1.0f, shmviz_palette_text_on (fill));
      }
  }

  if (sv->item != SHMVIZ_ITEM_NONE)
    {
      int px;

      _shmviz_buffer_view_format_item (label, sizeof label, sv->item);
      px = _shmviz_buffer_view_label_px (self, label, s);
      if (px >= MIN_LABEL_PX)
        {
          GdkRGBA text = *shmviz_palette_text_on (fill);

          if (sv->state == SHMVIZ_SLOT_EMPTY)
            text = *shmviz_palette_foreground (self->palette, dark);
          shmviz_text_cache_draw (self->text, snapshot, label, px, TRUE, r->origin.x + s / 2,
                                  r->origin.y + s * 0.47f, 0.5f, 0.5f, &text);
        }
    }
}

static guint64
cell_key (const ShmvizSlotView *sv)
{
  /* State in the top bits, the item below: equal keys draw equal cells. */
  return ((guint64) (sv->state & 7) << 61) ^ (sv->item & G_GUINT64_CONSTANT (0x1fffffffffffffff)) ^
         (sv->item >> 61);
}

static guint32
premultiply (const GdkRGBA *c)
{
  return (guint32) (c->alpha * 255 + 0.5f) << 24 | (guint32) (c->red * c->alpha * 255 + 0.5f) << 16 |
         (guint32) (c->green * c->alpha * 255 + 0.5f) << 8 | (guint32) (c->blue * c->alpha * 255 + 0.5f);
}

/* Small cells: the same squares draw_cell() and build_static() would
 * draw (the faded empty square, the cell's colour over it) painted into
 * one image; only cells whose key changed are painted again. */
static guint
update_cells_image (ShmvizBufferView *self)
{
  GdkRGBA faint = *shmviz_palette_slot_state (self->palette, SHMVIZ_SLOT_EMPTY);
  guint32 *pixels;
  int stride, iw, ih;
  guint rebuilt = 0;
  float fa;

  if (self->cells_image == NULL)
    {
      float x0 = G_MAXFLOAT, y0 = G_MAXFLOAT, x1 = -G_MAXFLOAT, y1 = -G_MAXFLOAT;

      for (guint i = 0; i < self->n_slots; i++)
        {
          const graphene_rect_t *r = &g_array_index (self->cells, Cell, i).rect;

          x0 = MIN (x0, r->origin.x);
          y0 = MIN (y0, r->origin.y);
          x1 = MAX (x1, r->origin.x + r->size.width);
          y1 = MAX (y1, r->origin.y + r->size.height);
        }
      x0 = floorf (x0);
      y0 = floorf (y0);
      self->cells_box = GRAPHENE_RECT_INIT (x0, y0, MAX (1, ceilf (x1 - x0)), MAX (1, ceilf (y1 - y0)));
      self->cells_image = cairo_image_surface_create (CAIRO_FORMAT_ARGB32, (int) self->cells_box.size.width,
                                                      (int) self->cells_box.size.height);
      memset (self->cell_valid, 0, self->cells_alloc);
    }
  /* Also hands the frame before its own copy before we write. */
  cairo_surface_flush (self->cells_image);
  pixels = (guint32 *) cairo_image_surface_get_data (self->cells_image);
  stride = cairo_image_surface_get_stride (self->cells_image) / 4;
  iw = cairo_image_surface_get_width (self->cells_image);
  ih = cairo_image_surface_get_height (self->cells_image);
  faint.alpha = 0.55f;
  fa = faint.alpha;

  for (guint i = 0; i < self->n_slots && i < self->cells_alloc; i++)
    {
      const ShmvizSlotView *sv = &self->slots[i];
      guint64 key = cell_key (sv);
      const graphene_rect_t *r;
      guint32 px;
      int x0, y0, x1, y1;

      if (self->cell_valid[i] && self->cell_keys[i] == key)
        continue;
      self->cell_keys[i] = key;
      self->cell_valid[i] = TRUE;
      rebuilt++;
      if (sv->state == SHMVIZ_SLOT_EMPTY && sv->item == SHMVIZ_ITEM_NONE)
        px = premultiply (&faint);
      else
        {
          /* Too small for patterns: state by brightness, item by colour,
           * over the faded square. */
          GdkRGBA c = *_shmviz_buffer_view_item_color (self, sv->item, sv->state);
          float ca = sv->state == SHMVIZ_SLOT_FULL ? 1.0f : sv->state == SHMVIZ_SLOT_EMPTY ? 0.3f : 0.6f;
          float a = ca + fa * (1 - ca);
          GdkRGBA out = {
            (c.red * ca + faint.red * fa * (1 - ca)) / a,
            (c.green * ca + faint.green * fa * (1 - ca)) / a,
            (c.blue * ca + faint.blue * fa * (1 - ca)) / a,
            a,
          };

          px = premultiply (&out);
        }
      r = &g_array_index (self->cells, Cell, i).rect;
      x0 = CLAMP ((int) roundf (r->origin.x - self->cells_box.origin.x), 0, iw);
      y0 = CLAMP ((int) roundf (r->origin.y - self->cells_box.origin.y), 0, ih);
      x1 = CLAMP ((int) roundf (r->origin.x + r->size.width - self->cells_box.origin.x), 0, iw);
      y1 = CLAMP ((int) roundf (r->origin.y + r->size.height - self->cells_box.origin.y), 0, ih);
      for (int y = y0; y < y1; y++)
        for (int x = x0; x < x1; x++)
          pixels[(gsize) y * stride + x] = px;
    }
  cairo_surface_mark_dirty (self->cells_image);

  if (rebuilt > 0 || self->slots_node == NULL)
    {
      GtkSnapshot *snapshot = gtk_snapshot_new ();
      cairo_t *cr = gtk_snapshot_append_cairo (snapshot, &self->cells_box);

      cairo_set_source_surface (cr, self->cells_image, self->cells_box.origin.x, self->cells_box.origin.y);
      cairo_pattern_set_filter (cairo_get_source (cr), CAIRO_FILTER_NEAREST);
      cairo_paint (cr);
      cairo_destroy (cr);
      g_clear_pointer (&self->slots_node, gsk_render_node_unref);
      self->slots_node = gtk_snapshot_free_to_node (snapshot);
    }
  self->cells_rebuilt += rebuilt;
  return rebuilt;
}

/* Rebuilds the nodes of the slots whose key changed and gathers them all
 * into a new container; returns the number rebuilt. */
guint
_shmviz_buffer_view_update_cells (ShmvizBufferView *self,
                                  gboolean          dark)
{
  g_autoptr(GPtrArray) children = NULL;
  guint rebuilt = 0;

  if (self->cell_size < 16)
    return update_cells_image (self);
  children = g_ptr_array_sized_new (self->n_slots);

  for (guint i = 0; i < self->n_slots && i < self->cells_alloc; i++)
    {
      const ShmvizSlotView *sv = &self->slots[i];
      guint64 key = cell_key (sv);

      if (!self->cell_valid[i] || self->cell_keys[i] != key)
        {
          GtkSnapshot *snapshot = gtk_snapshot_new ();
          const graphene_rect_t *r = &g_array_index (self->cells, Cell, i).rect;
          g_autoptr(GskRenderNode) node = NULL;

          g_clear_pointer (&self->cell_nodes[i], gsk_render_node_unref);
          draw_cell_base (self, snapshot, r, i, dark);
          draw_cell (self, snapshot, r, sv, dark);
          node = gtk_snapshot_free_to_node (snapshot);
          if (node != NULL)
            {
              /* A picture on whole pixels, the slot and everything on it:
               * its rounded shapes and labels cost the renderer a mask and
               * glyphs per frame, and most slots look the same frame after
               * frame. */
              int x = (int) floorf (r->origin.x), y = (int) floorf (r->origin.y);
              int w = (int) ceilf (r->origin.x + r->size.width) - x;
              int h = (int) ceilf (r->origin.y + r->size.height) - y;
              cairo_surface_t *image = shmviz_draw_node_to_image (node, x, y, w, h, self->picture_scale);

              self->cell_nodes[i] = shmviz_draw_image_node (image, x, y, w, h);
              cairo_surface_destroy (image);
            }
          self->cell_keys[i] = key;
          self->cell_valid[i] = TRUE;
          rebuilt++;
        }
      if (self->cell_nodes[i] != NULL)
        g_ptr_array_add (children, self->cell_nodes[i]);
    }
  if (rebuilt > 0 || self->slots_node == NULL)
    {
      g_clear_pointer (&self->slots_node, gsk_render_node_unref);
      self->slots_node = gsk_container_node_new ((GskRenderNode **) children->pdata, children->len);
    }
  self->cells_rebuilt += rebuilt;
  return rebuilt;
}
