/* shmviz-buffer-view-flights.c — items flying to and from the slots
 *
 * A chip for the item a producer writes or a consumer reads, from its
 * process's anchor to the slot or back, with a trail and a shadow while
 * there are few.  Apart because it is overlay, drawn on every frame
 * while something moves.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include "shmviz-buffer-view-internal.h"
#include "shmviz-draw.h"
#include "shmviz-palette.h"

static float
ease_out (float t)
{
  t = CLAMP (t, 0.0f, 1.0f);
  return 1 - (1 - t) * (1 - t) * (1 - t);
}

void
_shmviz_buffer_view_draw_flights (ShmvizBufferView *self,
                                  GtkSnapshot      *snapshot,
                                  gint64            now,
                                  gboolean          dark)
{
  float chip = CLAMP (self->cell_size * 0.9f, z (self, 40), z (self, 80));
  guint n_flying = 0;
  gboolean rich;

  for (guint p = 0; p < self->n_procs; p++)
    n_flying += self->flights[p].start_us != 0;
  /* Trails and shadows for a few chips; a swarm of 128 gets plain chips. */
  rich = n_flying <= MAX_RICH_FLASHES;

  for (guint p = 0; p < self->n_procs; p++)
    {
      const Flight *f = &self->flights[p];
      float t, ax, ay, sx, sy, ex, ey, x, y;
      const Cell *c;
      GdkRGBA fill;
      char label[32];
      int px;

      if (f->start_us == 0 || f->slot >= self->n_slots)
        continue;
      t = ease_out ((float) (now - f->start_us) / ANIM_US);
      c = &g_array_index (self->cells, Cell, f->slot);
      _shmviz_buffer_view_anchor_of (self, p, &ax, &ay);
      if (f->kind == SHMVIZ_EV_WRITE_SLOT)
        sx = ax, sy = ay, ex = c->rect.origin.x + c->rect.size.width / 2, ey = c->rect.origin.y + c->rect.size.height / 2;
      else
        ex = ax, ey = ay, sx = c->rect.origin.x + c->rect.size.width / 2, sy = c->rect.origin.y + c->rect.size.height / 2;
      x = sx + (ex - sx) * t;
      y = sy + (ey - sy) * t;
      fill = *_shmviz_buffer_view_item_color (self, f->item, SHMVIZ_SLOT_FULL);

      /* The slot shows the item from the moment it was written, while its
       * chip is still on the way: veil the slot until the chip lands, or
       * the same item reads twice, like a duplicate. */
      if (f->kind == SHMVIZ_EV_WRITE_SLOT && self->cell_size >= 16)
        {
          GdkRGBA veil = *shmviz_palette_background (self->palette, dark);

          veil.alpha = 0.8f * (1 - t);
          shmviz_draw_rounded_fill (snapshot, &c->rect, c->rect.size.width * 0.18f, &veil);
        }
      /* An item arriving lands at full strength; a leaving one fades. */
      fill.alpha = f->kind == SHMVIZ_EV_WRITE_SLOT ? 0.95f : 0.95f * (1 - t * 0.6f);

      {
        graphene_rect_t r = GRAPHENE_RECT_INIT (x - chip / 2, y - chip * 0.35f, chip, chip * 0.7f);
        GdkRGBA shadow = { 0, 0, 0, 0.3f * fill.alpha };
        GdkRGBA ring = *shmviz_palette_foreground (self->palette, dark);
        graphene_rect_t sr = r;

        /* A fading trail behind the chip, so the eye sees where it came
         * from even when it moves fast. */
        for (guint k = 1; rich && k <= 3; k++)
          {
            float tt = MAX (0.0f, t - 0.07f * k);
            GdkRGBA ghost = fill;
            float gs = chip * (0.7f - 0.12f * k);

            if (tt <= 0)
              break;
            ghost.alpha = fill.alpha * (0.45f - 0.12f * k);
            shmviz_draw_rounded_fill (snapshot, &GRAPHENE_RECT_INIT (sx + (ex - sx) * tt - gs / 2,
                                                                sy + (ey - sy) * tt - gs / 2, gs, gs),
                                 gs / 2, &ghost);
          }
        graphene_rect_offset (&sr, 0, z (self, 3));
        if (rich)
          shmviz_draw_rounded_fill (snapshot, &sr, chip * 0.2f, &shadow);
        shmviz_draw_rounded_fill (snapshot, &r, chip * 0.2f, &fill);
        /* An outline in the text colour: the chip stands out on cells of
         * its own colour and on either theme. */
        ring.alpha = fill.alpha;
        shmviz_draw_outline (snapshot, &r, chip * 0.2f, MAX (1.5f, z (self, 2)), &ring);
      }
      if (f->item != SHMVIZ_ITEM_NONE)
        {
          GdkRGBA text = *shmviz_palette_text_on (&fill);

          _shmviz_buffer_view_format_item (label, sizeof label, f->item);
          px = _shmviz_buffer_view_label_px (self, label, chip);
          text.alpha = fill.alpha;
          if (px >= MIN_LABEL_PX)
            shmviz_text_cache_draw (self->text, snapshot, label, px, TRUE, x, y, 0.5f, 0.5f, &text);
        }
    }
}
