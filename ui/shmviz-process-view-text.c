/* shmviz-process-view-text.c — text shrunk to fit its room
 *
 * The cards and the panels both draw text that translations lengthen;
 * these draw it at the largest size that fits, clipping only as a last
 * resort, so both measure and shrink the same way.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include "shmviz-palette.h"
#include "shmviz-process-view-internal.h"

/* Draws @text at the largest size from @px down to 9 at which it fits
 * @max_width, anchored at (@x, @y) by (@xalign, @yalign) as
 * shmviz_text_cache_draw() does; clipped only when even 9 px is too
 * wide.  Returns the size drawn at, and in @width the width taken. */
int
_shmviz_process_view_draw_fit_aligned (ShmvizProcessView *self,
                                       GtkSnapshot       *snapshot,
                                       const char        *text,
                                       int                px,
                                       gboolean           bold,
                                       float              x,
                                       float              y,
                                       float              xalign,
                                       float              yalign,
                                       float              max_width,
                                       const GdkRGBA     *color,
                                       float             *width)
{
  int tw;

  max_width = MAX (max_width, 1.0f);
  for (; px > 8; px--)
    {
      shmviz_text_cache_measure (self->text, text, px, bold, &tw, NULL);
      if (tw <= max_width)
        break;
    }
  shmviz_text_cache_measure (self->text, text, px, bold, &tw, NULL);
  if (tw <= max_width)
    shmviz_text_cache_draw (self->text, snapshot, text, px, bold, x, y, xalign, yalign, color);
  else
    {
      float x0 = x - xalign * max_width;

      gtk_snapshot_push_clip (snapshot, &GRAPHENE_RECT_INIT (x0, y - px * 2, max_width, px * 4));
      shmviz_text_cache_draw (self->text, snapshot, text, px, bold, x0, y, 0.0f, yalign, color);
      gtk_snapshot_pop (snapshot);
    }
  if (width != NULL)
    *width = MIN ((float) tw, max_width);
  return px;
}

/* Shrinks @px until @text fits @max_width, so long translations stay
 * inside their card instead of running over the next one.  Clipped only
 * when even the smallest size is too wide: a clip the cairo renderer
 * pays for on every frame. */
void
_shmviz_process_view_draw_fit (ShmvizProcessView *self,
                               GtkSnapshot       *snapshot,
                               const char        *text,
                               int                px,
                               gboolean           bold,
                               float              x,
                               float              y,
                               float              yalign,
                               float              max_width,
                               const GdkRGBA     *color)
{
  _shmviz_process_view_draw_fit_aligned (self, snapshot, text, px, bold, x, y, 0.0f, yalign, max_width, color, NULL);
}

/* Whether @text fits @max_width at some size from @px down to 9. */
gboolean
_shmviz_process_view_text_fits (ShmvizProcessView *self,
                                const char        *text,
                                int                px,
                                gboolean           bold,
                                float              max_width)
{
  int tw;

  for (; px > 8; px--)
    {
      shmviz_text_cache_measure (self->text, text, px, bold, &tw, NULL);
      if (tw <= max_width)
        return TRUE;
    }
  return FALSE;
}
