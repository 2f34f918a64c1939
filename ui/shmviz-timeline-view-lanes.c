/* shmviz-timeline-view-lanes.c — the columns drawn, as bars or as one image
 *
 * A state's bar, whose height is a cue beside its colour, with the stripes
 * of waiting and the hollow of stopped where the lane is tall enough (the
 * legend's swatches are such bars too); few runs of equal columns drawn as
 * bars, many painted into an image that scrolls by column.  Apart because
 * it is how the lanes look, whatever filled their columns.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <math.h>

#include "shmviz-palette.h"
#include "shmviz-timeline-view-internal.h"

static float
bar_height (guint8 state)
{
  /* Height is a second cue beside colour: full height inside the lock or
   * blocked, lower while running, a thin line once gone. */
  switch (state)
    {
    case SHMVIZ_VIEW_CRITICAL:
    case SHMVIZ_VIEW_WAITING:   return 0.9f;
    case SHMVIZ_VIEW_ACQUIRING: return 0.7f;
    case SHMVIZ_VIEW_STOPPED:   return 0.6f;
    case SHMVIZ_VIEW_RUNNING:
    case SHMVIZ_VIEW_PARKED:    return 0.45f;
    case SHMVIZ_VIEW_DONE:
    case SHMVIZ_VIEW_DEAD:      return 0.15f;
    default:                    return 0;
    }
}

void
_shmviz_timeline_view_draw_bar (ShmvizTimelineView *self,
                                GtkSnapshot        *snapshot,
                                guint8              state,
                                float               x0,
                                float               x1,
                                float               y,
                                float               lane_h)
{
  const GdkRGBA *c = shmviz_palette_view_state (self->palette, state);
  float frac = bar_height (state), h;

  if (frac == 0)
    return;
  h = MAX (1.0f, lane_h * frac);
  if (state == SHMVIZ_VIEW_WAITING && x1 - x0 >= 4 && lane_h >= 8)
    {
      /* Blocked: stripes, like the hatched "waiting" of the legend. */
      GdkRGBA clear = *c;
      GskColorStop stops[4];
      float band = MAX (4.0f, lane_h * 0.3f);
      graphene_rect_t r = GRAPHENE_RECT_INIT (x0, y + (lane_h - h) / 2, x1 - x0, h);
      GdkRGBA wash = *c;

      clear.alpha = 0.35f;
      stops[0] = (GskColorStop) { 0.0f, *c };
      stops[1] = (GskColorStop) { 0.5f, *c };
      stops[2] = (GskColorStop) { 0.5f, clear };
      stops[3] = (GskColorStop) { 1.0f, clear };
      gtk_snapshot_append_repeating_linear_gradient (snapshot, &r, &GRAPHENE_POINT_INIT (x0, y),
                                                     &GRAPHENE_POINT_INIT (x0 + band, y + band), stops, 4);
      wash.alpha = 1;
      gtk_snapshot_append_color (snapshot, &wash, &GRAPHENE_RECT_INIT (x0, r.origin.y, x1 - x0, MAX (1.0f, h * 0.12f)));
      gtk_snapshot_append_color (snapshot, &wash,
                                 &GRAPHENE_RECT_INIT (x0, r.origin.y + h - MAX (1.0f, h * 0.12f), x1 - x0,
                                                      MAX (1.0f, h * 0.12f)));
      return;
    }
  if (state == SHMVIZ_VIEW_STOPPED && x1 - x0 >= 4 && lane_h >= 8)
    {
      /* Frozen: a hollow bar, the process holds its place but runs no step. */
      float t = MAX (1.0f, h * 0.2f);
      float top = y + (lane_h - h) / 2;

      gtk_snapshot_append_color (snapshot, c, &GRAPHENE_RECT_INIT (x0, top, x1 - x0, t));
      gtk_snapshot_append_color (snapshot, c, &GRAPHENE_RECT_INIT (x0, top + h - t, x1 - x0, t));
      gtk_snapshot_append_color (snapshot, c, &GRAPHENE_RECT_INIT (x0, top, t, h));
      gtk_snapshot_append_color (snapshot, c, &GRAPHENE_RECT_INIT (x1 - t, top, t, h));
      return;
    }
  gtk_snapshot_append_color (snapshot, c, &GRAPHENE_RECT_INIT (x0, y + (lane_h - h) / 2, MAX (x1 - x0, 1.0f), h));
}

/* Paints column @x from @y0 to @y1 of a premultiplied ARGB32 image, the
 * top and bottom pixels by their coverage, as cairo would. */
static void
paint_bar (guint32       *pixels,
           int            stride,
           int            height,
           int            x,
           float          y0,
           float          y1,
           const GdkRGBA *c)
{
  for (int r = MAX ((int) floorf (y0), 0); r < MIN ((int) ceilf (y1), height); r++)
    {
      float a = c->alpha * (MIN (y1, r + 1.0f) - MAX (y0, (float) r));
      guint32 *px = pixels + (gsize) r * stride + x;
      guint32 ca = (guint32) (a * 255 + 0.5f), cr = (guint32) (c->red * a * 255 + 0.5f);
      guint32 cg = (guint32) (c->green * a * 255 + 0.5f), cb = (guint32) (c->blue * a * 255 + 0.5f);
      guint32 keep = 255 - ca, d = *px;

      if (a <= 0)
        continue;
      if (d == 0 || keep == 0)
        *px = ca << 24 | cr << 16 | cg << 8 | cb;
      else
        *px = ((((d >> 24) & 255) * keep / 255 + ca) << 24) | ((((d >> 16) & 255) * keep / 255 + cr) << 16) |
              ((((d >> 8) & 255) * keep / 255 + cg) << 8) | ((d & 255) * keep / 255 + cb);
    }
}

/* Whether a column in @state goes into the lanes image; the rest (the
 * stripes of waiting, the hollow bar of stopped, in lanes tall enough to
 * show them) are drawn as nodes over it. */
static gboolean
in_image (guint8 state,
          float  lane_h)
{
  return bar_height (state) > 0 && (lane_h < 8 || (state != SHMVIZ_VIEW_WAITING && state != SHMVIZ_VIEW_STOPPED));
}

/* Calls _shmviz_timeline_view_draw_bar() for each run of equal columns
 * that @image_too (or, when FALSE, only that the image leaves out) and
 * returns how many runs there are. */
static guint
draw_runs (ShmvizTimelineView    *self,
           GtkSnapshot           *snapshot,
           const graphene_rect_t *area,
           float                  ox,
           float                  lane_h,
           gboolean               image_too)
{
  int width = self->col_width;
  guint n = 0;

  for (guint p = 0; p < self->n_procs; p++)
    {
      const guint8 *lane = self->cols + (gsize) p * width;
      float y = area->origin.y + p * lane_h;
      int run = 0;

      for (int k = 1; k <= width; k++)
        {
          guint8 state = lane[(self->col_lo + run) % width];

          if (k < width && lane[(self->col_lo + k) % width] == state)
            continue;
          if (state > 0 && state < SHMVIZ_N_VIEW_STATES)
            {
              n++;
              if (snapshot != NULL && (image_too || !in_image (state, lane_h)))
                _shmviz_timeline_view_draw_bar (self, snapshot, state, ox + run, ox + k, y, lane_h);
            }
          run = k;
        }
    }
  return n;
}

/* Draws the columns.  A few runs of equal columns are a few bars; many
 * go into an image, one pixel column per column and stored by absolute
 * column modulo the width like the states, so a frame repaints only the
 * columns that changed or scrolled in and the image is drawn in two
 * pieces.  An image, not one node per bar: tens of thousands of bars at
 * 128 processes would cost the cairo renderer a save, a pattern and a fill
 * apiece; and not a GdkTexture, which GTK 4.8 converts pixel by pixel on
 * every draw. */
void
_shmviz_timeline_view_draw_lanes (ShmvizTimelineView    *self,
                                  GtkSnapshot           *snapshot,
                                  const graphene_rect_t *area,
                                  float                  ox,
                                  float                  lane_h)
{
  int width = self->col_width;
  float oy = floorf (area->origin.y), lane_top = area->origin.y - oy;
  int height = MAX (1, (int) ceilf (lane_top + self->n_procs * lane_h + 1));
  guint32 *pixels;
  int stride;
  gint64 from, to = self->col_lo + width;

  /* Below this an image (its upload, and its copy for the frame before)
   * costs more than the bars. */
  if (draw_runs (self, NULL, area, ox, lane_h, TRUE) <= 1500)
    {
      draw_runs (self, snapshot, area, ox, lane_h, TRUE);
      for (guint p = 0; p < self->n_procs && lane_h < 10; p++)
        {
          const guint8 *ticks = self->ticks + (gsize) p * width;
          int run = 0;

          for (int k = 1; k <= width; k++)
            {
              guint8 kind = ticks[(self->col_lo + run) % width];

              if (k < width && ticks[(self->col_lo + k) % width] == kind)
                continue;
              if (kind > 0)
                gtk_snapshot_append_color (snapshot, shmviz_palette_anomaly (self->palette, kind - 1),
                                           &GRAPHENE_RECT_INIT (ox + run, area->origin.y + p * lane_h - 1, k - run,
                                                                lane_h + 2));
              run = k;
            }
        }
      self->dirty_lo = G_MININT64;
      return;
    }

  if (self->lanes_image == NULL || cairo_image_surface_get_width (self->lanes_image) != width ||
      cairo_image_surface_get_height (self->lanes_image) != height)
    {
      g_clear_pointer (&self->lanes_image, cairo_surface_destroy);
      self->lanes_image = cairo_image_surface_create (CAIRO_FORMAT_ARGB32, width, height);
      self->dirty_lo = G_MININT64;
    }
  /* Also hands last frame's node its own copy before we write. */
  cairo_surface_flush (self->lanes_image);
  pixels = (guint32 *) cairo_image_surface_get_data (self->lanes_image);
  stride = cairo_image_surface_get_stride (self->lanes_image) / 4;
  from = MAX (self->dirty_lo, self->col_lo);
  for (gint64 c = from; c < to; c++)
    {
      int x = (int) (c % width);

      for (int r = 0; r < height; r++)
        pixels[(gsize) r * stride + x] = 0;
      for (guint p = 0; p < self->n_procs; p++)
        {
          guint8 state = self->cols[(gsize) p * width + x];
          float h, y;

          if (!in_image (state, lane_h))
            continue;
          h = MAX (1.0f, lane_h * bar_height (state));
          y = lane_top + p * lane_h + (lane_h - h) / 2;
          paint_bar (pixels, stride, height, x, y, y + h, shmviz_palette_view_state (self->palette, state));
        }
      /* Ticks last: they reach a pixel into the lanes either side. */
      for (guint p = 0; p < self->n_procs && lane_h < 10; p++)
        {
          guint8 kind = self->ticks[(gsize) p * width + x];
          float y = lane_top + p * lane_h;

          if (kind > 0)
            paint_bar (pixels, stride, height, x, y - 1, y + lane_h + 1, shmviz_palette_anomaly (self->palette, kind - 1));
        }
    }
  cairo_surface_mark_dirty (self->lanes_image);
  self->dirty_lo = G_MAXINT64;

  {
    cairo_t *cr = gtk_snapshot_append_cairo (snapshot, &GRAPHENE_RECT_INIT (ox, oy, width, height));
    int k = (int) (self->col_lo % width);

    cairo_set_source_surface (cr, self->lanes_image, ox - k, oy);
    cairo_pattern_set_filter (cairo_get_source (cr), CAIRO_FILTER_NEAREST);
    cairo_rectangle (cr, ox, oy, width - k, height);
    cairo_fill (cr);
    if (k > 0)
      {
        cairo_set_source_surface (cr, self->lanes_image, ox + width - k, oy);
        cairo_pattern_set_filter (cairo_get_source (cr), CAIRO_FILTER_NEAREST);
        cairo_rectangle (cr, ox + width - k, oy, k, height);
        cairo_fill (cr);
      }
    cairo_destroy (cr);
  }

  /* Tall lanes: runs of waiting and stopped get their patterns. */
  if (lane_h >= 8)
    draw_runs (self, snapshot, area, ox, lane_h, FALSE);
}
