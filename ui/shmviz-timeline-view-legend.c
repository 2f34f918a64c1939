/* shmviz-timeline-view-legend.c — the legend's entries, their rows and drawing
 *
 * A swatch and a name for each state a lane shows and one for the anomaly
 * mark, placed in as few rows as hold them clear of the follow button.
 * Apart because the layout places it and the frame draws it from the one
 * list of entries kept here.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <math.h>

#include <glib/gi18n.h>

#include "ledger.h"
#include "shmviz-palette.h"
#include "shmviz-timeline-view-internal.h"

#define LEGEND_MAX_ROWS 2

/* The legend's entries, in the order they are read; the last is the
 * anomaly mark. */
static const ShmvizViewState legend_states[N_LEGEND - 1] = {
  SHMVIZ_VIEW_RUNNING, SHMVIZ_VIEW_ACQUIRING, SHMVIZ_VIEW_WAITING, SHMVIZ_VIEW_CRITICAL, SHMVIZ_VIEW_STOPPED,
  SHMVIZ_VIEW_DEAD,
};

const char *
_shmviz_timeline_view_legend_name (guint entry)
{
  /* Translators: the legend's entry for the triangles that mark races */
  return entry < N_LEGEND - 1 ? shmviz_view_state_name (legend_states[entry]) : _("anomaly");
}

static float
entry_swatch (guint entry,
              float box)
{
  return entry < N_LEGEND - 1 ? box * 1.6f : box;
}

float
_shmviz_timeline_view_band_height (const Layout *l,
                                   guint         rows,
                                   float         row_h)
{
  /* Tall enough for the follow button too, while it shows, so that it
   * covers no lane; while following, a short view keeps that room for
   * the lanes. */
  return MAX (rows * row_h, l->follow_shown ? l->follow.size.height + 4 : 0);
}

/* Places the legend's entries, but those in @dropped (a bit each), at
 * scale @c in as few rows as hold them, in the middle of the band at the
 * bottom and each row clear of the follow button; FALSE if that takes
 * more than LEGEND_MAX_ROWS. */
gboolean
_shmviz_timeline_view_place_legend (ShmvizTimelineView *self,
                                    Layout             *l,
                                    float               c,
                                    guint               dropped)
{
  float left = l->gutter, box = 16 * c, row_h = 34 * c, gap = 4 * c, space = 14 * c;
  int px = (int) roundf (13 * c);

  for (guint rows = 1; rows <= LEGEND_MAX_ROWS; rows++)
    {
      guint row = 0, n = 0;
      float x = left, band = _shmviz_timeline_view_band_height (l, rows, row_h);
      float top = l->height - band + (band - rows * row_h) / 2;
      gboolean ok = TRUE;

      for (guint e = 0; e < N_LEGEND && ok; e++)
        {
          LegendSlot *slot = &l->slots[n];

          if (dropped & (1u << e))
            continue;
          slot->entry = e;
          slot->swatch = entry_swatch (e, box);
          shmviz_text_cache_measure (self->text, _shmviz_timeline_view_legend_name (e), px, FALSE, &slot->text_w,
                                     &slot->text_h);
          slot->width = slot->swatch + gap + slot->text_w;
          for (;;)
            {
              float mid = top + (row + 0.5f) * row_h;
              float right = l->width - 8;

              if (mid - row_h / 2 < l->follow.origin.y + l->follow.size.height &&
                  mid + row_h / 2 > l->follow.origin.y)
                right = MIN (right, l->follow.origin.x - 8);
              if (x + slot->width <= right)
                {
                  slot->x = x;
                  slot->y = mid;
                  break;
                }
              if (++row >= rows)
                {
                  ok = FALSE;
                  break;
                }
              x = left;
            }
          if (ok)
            {
              x += slot->width + space;
              n++;
            }
        }
      if (ok)
        {
          l->n_rows = rows;
          l->n_slots = n;
          l->legend_px = px;
          l->box = box;
          l->row_h = row_h;
          return TRUE;
        }
    }
  return FALSE;
}

void
_shmviz_timeline_view_draw_legend (ShmvizTimelineView *self,
                                   GtkSnapshot        *snapshot,
                                   const Layout       *l,
                                   gboolean            dark)
{
  const GdkRGBA *fg = shmviz_palette_foreground (self->palette, dark);

  for (guint i = 0; i < l->n_slots; i++)
    {
      const LegendSlot *slot = &l->slots[i];
      float box = l->box;

      if (slot->entry < N_LEGEND - 1)
        _shmviz_timeline_view_draw_bar (self, snapshot, legend_states[slot->entry], slot->x, slot->x + slot->swatch,
                                        slot->y - box / 2, box);
      else
        shmviz_palette_append_shape (snapshot, SHMVIZ_SHAPE_TRIANGLE,
                                     &GRAPHENE_RECT_INIT (slot->x, slot->y - box / 2, box, box),
                                     shmviz_palette_anomaly (self->palette, SHMVIZ_ANOMALY_LOST));
      shmviz_text_cache_draw (self->text, snapshot, _shmviz_timeline_view_legend_name (slot->entry), l->legend_px,
                              FALSE, slot->x + slot->swatch + 4 * l->chrome, slot->y, 0.0f, 0.5f, fg);
    }
}
