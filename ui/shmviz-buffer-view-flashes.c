/* shmviz-buffer-view-flashes.c — the anomalies' flashes
 *
 * A slot where an anomaly happened pulses in the anomaly's colour, with a
 * ripple and a warning mark; a storm of them is painted as one image.
 * Apart because it is overlay, drawn on every frame while a flash lasts,
 * and the pictures that keep that cheap are its own.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <math.h>
#include <string.h>

#include "shmviz-buffer-view-internal.h"
#include "shmviz-draw.h"
#include "shmviz-palette.h"

/* Paints @c (premultiplied) over the pixels of @r in @image at (@x0, @y0). */
static void
blend_rect (guint32               *pixels,
            int                    stride,
            int                    iw,
            int                    ih,
            const graphene_rect_t *r,
            float                  x0,
            float                  y0,
            const GdkRGBA         *c)
{
  int xa = CLAMP ((int) roundf (r->origin.x - x0), 0, iw), xb = CLAMP ((int) roundf (r->origin.x + r->size.width - x0), 0, iw);
  int ya = CLAMP ((int) roundf (r->origin.y - y0), 0, ih), yb = CLAMP ((int) roundf (r->origin.y + r->size.height - y0), 0, ih);
  guint32 ca = (guint32) (c->alpha * 255 + 0.5f), cr = (guint32) (c->red * c->alpha * 255 + 0.5f);
  guint32 cg = (guint32) (c->green * c->alpha * 255 + 0.5f), cb = (guint32) (c->blue * c->alpha * 255 + 0.5f);
  guint32 src = ca << 24 | cr << 16 | cg << 8 | cb, keep = 255 - ca;

  for (int y = ya; y < yb; y++)
    for (int x = xa; x < xb; x++)
      {
        guint32 *px = &pixels[(gsize) y * stride + x], d = *px;

        if (d == 0 || keep == 0)
          *px = src;
        else
          *px = ((((d >> 24) & 255) * keep / 255 + ca) << 24) | ((((d >> 16) & 255) * keep / 255 + cr) << 16) |
                ((((d >> 8) & 255) * keep / 255 + cg) << 8) | ((d & 255) * keep / 255 + cb);
      }
}

/* Where the flash of @slot is at @now: @t from 0 to 1 over FLASH_US, and
 * @pulse, three pulses that fade out.  FALSE for a slot out of range or a
 * flash not running. */
static gboolean
flash_phase (ShmvizBufferView *self,
             guint             slot,
             gint64            now,
             float            *t,
             float            *pulse)
{
  if (slot >= self->n_slots)
    return FALSE;
  *t = (float) (now - self->flash_start[slot]) / FLASH_US;
  if (*t < 0 || *t > 1)
    return FALSE;
  *pulse = (0.55f + 0.45f * cosf (*t * 6 * G_PI)) * (1 - *t * 0.5f);
  return TRUE;
}

/* A storm of flashes (thousands of slots, synchronization off): one
 * square each, as draw_flashes() draws them, but painted into one image.
 * They pulse every frame, and as nodes each would cost the cairo renderer
 * a save, a pattern and a fill per frame; cells that small sit on whole
 * pixels, so the image is exact. */
void
_shmviz_buffer_view_paint_flash_storm (ShmvizBufferView *self,
                                       GtkSnapshot      *snapshot,
                                       gint64            now)
{
  float grow = MAX (z (self, 3), self->cell_size * 0.12f);
  float x0 = G_MAXFLOAT, y0 = G_MAXFLOAT, x1 = -G_MAXFLOAT, y1 = -G_MAXFLOAT;
  cairo_surface_t *image;
  guint32 *pixels;
  int iw, ih, stride;
  cairo_t *cr;

  for (guint i = 0; i < self->flashing->len; i++)
    {
      guint slot = g_array_index (self->flashing, guint, i);
      const graphene_rect_t *r;

      if (slot >= self->n_slots)
        continue;
      r = &g_array_index (self->cells, Cell, slot).rect;
      x0 = MIN (x0, r->origin.x);
      y0 = MIN (y0, r->origin.y);
      x1 = MAX (x1, r->origin.x + r->size.width);
      y1 = MAX (y1, r->origin.y + r->size.height);
    }
  if (x1 < x0)
    return;
  x0 = floorf (x0 - grow - 1);
  y0 = floorf (y0 - grow - 1);
  iw = (int) ceilf (x1 + grow + 1 - x0);
  ih = (int) ceilf (y1 + grow + 1 - y0);
  image = cairo_image_surface_create (CAIRO_FORMAT_ARGB32, iw, ih);
  cairo_surface_flush (image);
  pixels = (guint32 *) cairo_image_surface_get_data (image);
  stride = cairo_image_surface_get_stride (image) / 4;

  for (guint i = 0; i < self->flashing->len; i++)
    {
      guint slot = g_array_index (self->flashing, guint, i);
      const graphene_rect_t *r;
      const ShmvizSlotView *sv;
      float t, pulse, s, g;
      GdkRGBA wash;

      if (!flash_phase (self, slot, now, &t, &pulse))
        continue;
      sv = &self->slots[slot];
      r = &g_array_index (self->cells, Cell, slot).rect;
      s = r->size.width;
      g = MAX (z (self, 3), s * 0.12f);
      wash = *shmviz_palette_anomaly (self->palette, sv->flash > 0 ? sv->flash - 1 : 0);
      wash.alpha = 0.3f + 0.7f * pulse;
      blend_rect (pixels, stride, iw, ih,
                  &GRAPHENE_RECT_INIT (r->origin.x - g, r->origin.y - g, s + 2 * g, s + 2 * g), x0, y0, &wash);
    }
  cairo_surface_mark_dirty (image);

  cr = gtk_snapshot_append_cairo (snapshot, &GRAPHENE_RECT_INIT (x0, y0, iw, ih));
  cairo_set_source_surface (cr, image, x0, y0);
  cairo_paint (cr);
  cairo_destroy (cr);
  cairo_surface_destroy (image);
}

/* Flash pictures ---------------------------------------------------------
 *
 * A flash's wash, outline and warning mark keep their shape for the whole
 * flash; only their strength pulses.  Drawn as nodes, each was a
 * translucent fill on every frame, which cairo's image backend does
 * through a mask as large as the shape's whole box, cleared, filled and
 * blended each time; the ripple's box is nine times the slot's.  So the
 * shapes are drawn once per slot as coverage (A8, opaque colour), and
 * every frame paints the kind's colour through them at that frame's
 * strength: the same pixels, blended once.  GTK 4.8's cairo renderer also
 * draws every cairo node through an image of its whole bounds, so they
 * are painted by small nodes along the outline, and the middle, which the
 * wash covers whole, by a colour node.  The ripple grows on every frame:
 * its coverage is drawn afresh, then painted the same way, by boxes along
 * its circle. */

#define FLASH_PICTURES (2 * MAX_RICH_FLASHES)
#define RING_BOXES     20

struct _FlashPicture
{
  guint64 used;                 /* frame it was last painted in, 0: free */
  /* What the pictures were drawn for. */
  guint slot;
  int scale;
  GdkRGBA color;
  const char *glyph;            /* static string of the kind */
  graphene_rect_t outer;
  float radius, width, mark;
  /* The pictures. */
  cairo_rectangle_int_t box;    /* of outer, on whole pixels */
  cairo_surface_t *wash;        /* A8 over box */
  cairo_surface_t *outline;     /* A8 over box */
  cairo_rectangle_int_t mark_box;
  cairo_surface_t *mark_image;  /* ARGB over mark_box */
};

static void
flash_picture_clear (FlashPicture *pic)
{
  g_clear_pointer (&pic->wash, cairo_surface_destroy);
  g_clear_pointer (&pic->outline, cairo_surface_destroy);
  g_clear_pointer (&pic->mark_image, cairo_surface_destroy);
  pic->used = 0;
}

static void
box_of (const graphene_rect_t *r,
        cairo_rectangle_int_t *box)
{
  /* A pixel more all round: antialiasing may touch the next one. */
  box->x = (int) floorf (r->origin.x) - 1;
  box->y = (int) floorf (r->origin.y) - 1;
  box->width = (int) ceilf (r->origin.x + r->size.width) + 1 - box->x;
  box->height = (int) ceilf (r->origin.y + r->size.height) + 1 - box->y;
}

/* How much of each pixel of @box (at @scale) the nodes @snapshot holds
 * cover, drawn in an opaque colour by the very code the renderer runs. */
static cairo_surface_t *
coverage_image (GtkSnapshot                 *snapshot,
                const cairo_rectangle_int_t *box,
                int                          scale)
{
  g_autoptr(GskRenderNode) node = gtk_snapshot_free_to_node (snapshot);
  cairo_surface_t *surface = cairo_image_surface_create (CAIRO_FORMAT_A8, box->width * scale, box->height * scale);
  cairo_t *cr;

  cairo_surface_set_device_scale (surface, scale, scale);
  cr = cairo_create (surface);
  cairo_translate (cr, -box->x, -box->y);
  if (node != NULL)
    gsk_render_node_draw (node, cr);
  cairo_destroy (cr);
  cairo_surface_flush (surface);
  return surface;
}

/* A node over @clip (whole pixels) that paints @color at @alpha through
 * the coverage @image of @box, and at @alpha2 through @image2 if given.
 * GTK 4.8's cairo renderer draws a cairo node through an image as large
 * as its bounds, so a shape's pixels are painted by several small nodes
 * rather than one as large as the shape. */
static void
append_coverage (GtkSnapshot                 *snapshot,
                 const cairo_rectangle_int_t *clip,
                 const cairo_rectangle_int_t *box,
                 const GdkRGBA               *color,
                 cairo_surface_t             *image,
                 float                        alpha,
                 cairo_surface_t             *image2,
                 float                        alpha2)
{
  cairo_t *cr;

  if (clip->width <= 0 || clip->height <= 0)
    return;
  cr = gtk_snapshot_append_cairo (snapshot, &GRAPHENE_RECT_INIT (clip->x, clip->y, clip->width, clip->height));
  cairo_rectangle (cr, clip->x, clip->y, clip->width, clip->height);
  cairo_clip (cr);
  cairo_set_source_rgba (cr, color->red, color->green, color->blue, alpha);
  cairo_mask_surface (cr, image, box->x, box->y);
  if (image2 != NULL)
    {
      cairo_set_source_rgba (cr, color->red, color->green, color->blue, alpha2);
      cairo_mask_surface (cr, image2, box->x, box->y);
    }
  cairo_destroy (cr);
}

/* Boxes that hold every pixel a rounded outline of @width around @r with
 * corners of @radius touches: four bands, and in @middle (if there are
 * four) the rest, which the outline leaves alone and its fill covers
 * whole. */
static guint
outline_boxes (const graphene_rect_t *r,
               float                  radius,
               float                  width,
               cairo_rectangle_int_t *boxes,
               cairo_rectangle_int_t *middle)
{
  int x0 = (int) floorf (r->origin.x) - 1, x1 = (int) ceilf (r->origin.x + r->size.width) + 1;
  int y0 = (int) floorf (r->origin.y) - 1, y1 = (int) ceilf (r->origin.y + r->size.height) + 1;
  /* Below the corners the outline's edges are straight. */
  float corner = MAX (radius, width) + 1;
  int ya = (int) ceilf (r->origin.y + corner), yb = (int) floorf (r->origin.y + r->size.height - corner);
  int xa = (int) ceilf (r->origin.x + width) + 1, xb = (int) floorf (r->origin.x + r->size.width - width) - 1;

  if (yb <= ya || xb <= xa)
    {
      boxes[0] = (cairo_rectangle_int_t) { x0, y0, x1 - x0, y1 - y0 };
      return 1;
    }
  boxes[0] = (cairo_rectangle_int_t) { x0, y0, x1 - x0, ya - y0 };
  boxes[1] = (cairo_rectangle_int_t) { x0, yb, x1 - x0, y1 - yb };
  boxes[2] = (cairo_rectangle_int_t) { x0, ya, xa - x0, yb - ya };
  boxes[3] = (cairo_rectangle_int_t) { xb, ya, x1 - xb, yb - ya };
  *middle = (cairo_rectangle_int_t) { xa, ya, xb - xa, yb - ya };
  return 4;
}

/* Boxes that hold every pixel of the ring between radii @ri and @ro
 * around (@cx, @cy) touches: bands across it, each cut in two where the
 * hole is.  A pixel's margin each way, and cairo's arcs stray by far less. */
static guint
ring_boxes (float                  cx,
            float                  cy,
            float                  ro,
            float                  ri,
            cairo_rectangle_int_t *boxes,
            guint                  max)
{
  int y0 = (int) floorf (cy - ro) - 1, y1 = (int) ceilf (cy + ro) + 1;
  /* Few boxes (each is a node), but thin enough to skip the hole. */
  int band = MAX (24, (y1 - y0 + (int) max / 2 - 1) / ((int) max / 2));
  float o = ro + 1, in = ri - 1;
  guint n = 0;

  for (int ya = y0; ya < y1 && n + 2 <= max; ya += band)
    {
      int yb = MIN (ya + band, y1);
      float da = fabsf (ya - cy), db = fabsf (yb - cy);
      float dmin = ya <= cy && cy <= yb ? 0 : MIN (da, db), dmax = MAX (da, db);
      float xo, xi;

      if (dmin >= o)
        continue;
      xo = sqrtf (o * o - dmin * dmin);
      xi = in > 0 && dmax < in ? sqrtf (in * in - dmax * dmax) : 0;
      if (xi < 2)
        {
          int xa = (int) floorf (cx - xo), xb = (int) ceilf (cx + xo);

          boxes[n++] = (cairo_rectangle_int_t) { xa, ya, xb - xa, yb - ya };
        }
      else
        {
          int xa = (int) floorf (cx - xo), xb = (int) ceilf (cx - xi);
          int xc = (int) floorf (cx + xi), xd = (int) ceilf (cx + xo);

          boxes[n++] = (cairo_rectangle_int_t) { xa, ya, xb - xa, yb - ya };
          boxes[n++] = (cairo_rectangle_int_t) { xc, ya, xd - xc, yb - ya };
        }
    }
  return n;
}

static gboolean
flash_picture_fits (const FlashPicture    *pic,
                    guint                  slot,
                    int                    scale,
                    const GdkRGBA         *color,
                    const char            *glyph,
                    const graphene_rect_t *outer,
                    float                  radius,
                    float                  width,
                    float                  mark)
{
  return pic->used != 0 && pic->slot == slot && pic->scale == scale && gdk_rgba_equal (&pic->color, color) &&
         pic->glyph == glyph && memcmp (&pic->outer, outer, sizeof *outer) == 0 && pic->radius == radius &&
         pic->width == width && pic->mark == mark;
}

/* The pictures of the flash of @slot, drawn now if it has none that fit. */
static FlashPicture *
flash_picture (ShmvizBufferView      *self,
               guint                  slot,
               const GdkRGBA         *color,
               const char            *glyph,
               const graphene_rect_t *outer,
               float                  radius,
               float                  width,
               float                  mark)
{
  int scale = gtk_widget_get_scale_factor (GTK_WIDGET (self));
  const GdkRGBA opaque = { 0, 0, 0, 1 };
  FlashPicture *pic = NULL;
  GtkSnapshot *ss;
  graphene_rect_t m, bounds;

  if (self->flash_pictures == NULL)
    self->flash_pictures = g_new0 (FlashPicture, FLASH_PICTURES);
  for (guint i = 0; i < FLASH_PICTURES; i++)
    if (flash_picture_fits (&self->flash_pictures[i], slot, scale, color, glyph, outer, radius, width, mark))
      return &self->flash_pictures[i];
  /* The one painted longest ago: at most half of them are in this frame. */
  for (guint i = 0; i < FLASH_PICTURES; i++)
    if (pic == NULL || self->flash_pictures[i].used < pic->used)
      pic = &self->flash_pictures[i];

  flash_picture_clear (pic);
  pic->slot = slot;
  pic->scale = scale;
  pic->color = *color;
  pic->glyph = glyph;
  pic->outer = *outer;
  pic->radius = radius;
  pic->width = width;
  pic->mark = mark;
  box_of (outer, &pic->box);

  ss = gtk_snapshot_new ();
  shmviz_draw_rounded_fill (ss, outer, radius, &opaque);
  pic->wash = coverage_image (ss, &pic->box, scale);
  ss = gtk_snapshot_new ();
  shmviz_draw_outline (ss, outer, radius, width, &opaque);
  pic->outline = coverage_image (ss, &pic->box, scale);

  /* The warning mark: a triangle and a glyph, in full colour. */
  m = GRAPHENE_RECT_INIT (outer->origin.x + outer->size.width - mark * 0.7f, outer->origin.y - mark * 0.3f,
                          mark, mark);
  ss = gtk_snapshot_new ();
  shmviz_palette_append_shape (ss, SHMVIZ_SHAPE_TRIANGLE, &m, color);
  shmviz_text_cache_draw (self->text, ss, glyph, (int) (mark * 0.5f), TRUE, m.origin.x + mark / 2,
                          m.origin.y + mark * 0.62f, 0.5f, 0.5f, shmviz_palette_text_on (color));
  {
    g_autoptr(GskRenderNode) node = gtk_snapshot_free_to_node (ss);

    gsk_render_node_get_bounds (node, &bounds);
    box_of (&bounds, &pic->mark_box);
    pic->mark_image = shmviz_draw_node_to_image (node, pic->mark_box.x, pic->mark_box.y, pic->mark_box.width,
                                                 pic->mark_box.height, scale);
  }
  return pic;
}

void
_shmviz_buffer_view_flash_pictures_free (ShmvizBufferView *self)
{
  if (self->flash_pictures == NULL)
    return;
  for (guint i = 0; i < FLASH_PICTURES; i++)
    flash_picture_clear (&self->flash_pictures[i]);
  g_clear_pointer (&self->flash_pictures, g_free);
}

void
_shmviz_buffer_view_draw_flashes (ShmvizBufferView *self,
                                  GtkSnapshot      *snapshot,
                                  gint64            now,
                                  gboolean          dark)
{
  /* A few flashes get the full treatment; a storm of them (thousands of
   * slots, synchronization off) gets one square each, which reads just as
   * well at that cell size and keeps the frame inside its budget. */
  gboolean rich = self->flashing->len <= MAX_RICH_FLASHES;

  self->flash_frame++;
  for (guint i = 0; i < self->flashing->len; i++)
    {
      guint slot = g_array_index (self->flashing, guint, i);
      const graphene_rect_t *r;
      const ShmvizSlotView *sv;
      const GdkRGBA *color;
      float t, pulse, s, grow;
      GdkRGBA wash;
      graphene_rect_t outer;
      FlashPicture *pic;
      cairo_rectangle_int_t boxes[RING_BOXES], middle;
      guint n_boxes;

      if (!flash_phase (self, slot, now, &t, &pulse))
        continue;
      sv = &self->slots[slot];
      r = &g_array_index (self->cells, Cell, slot).rect;
      s = r->size.width;
      color = shmviz_palette_anomaly (self->palette, sv->flash > 0 ? sv->flash - 1 : 0);
      grow = MAX (z (self, 3), s * 0.12f);
      outer = GRAPHENE_RECT_INIT (r->origin.x - grow, r->origin.y - grow, s + 2 * grow, s + 2 * grow);
      wash = *color;
      if (!rich)
        {
          wash.alpha = 0.3f + 0.7f * pulse;
          gtk_snapshot_append_color (snapshot, &wash, &outer);
          continue;
        }

      pic = flash_picture (self, slot, color, shmviz_palette_anomaly_glyph (sv->flash > 0 ? sv->flash - 1 : 0),
                           &outer, (s + 2 * grow) * 0.2f, MAX (z (self, 2.5f), s * 0.1f),
                           MAX (z (self, 18), s * 0.42f));
      pic->used = self->flash_frame;

      /* The wash, and the outline over it; in the middle the wash alone,
       * covering it whole: a colour node, which costs only a fill. */
      n_boxes = outline_boxes (&outer, pic->radius, pic->width, boxes, &middle);
      if (n_boxes == 4 && middle.width > 0 && middle.height > 0)
        {
          wash.alpha = 0.35f * pulse;
          gtk_snapshot_append_color (snapshot, &wash,
                                     &GRAPHENE_RECT_INIT (middle.x, middle.y, middle.width, middle.height));
        }
      for (guint k = 0; k < n_boxes; k++)
        append_coverage (snapshot, &boxes[k], &pic->box, color, pic->wash, 0.35f * pulse, pic->outline, pulse);

      /* A ripple that spreads from the slot for the first half: seen from
       * across the room even when the slot itself is a few pixels. */
      if (t < 0.6f)
        {
          float q = t / 0.6f;
          float spread = grow + q * MAX (s * 1.2f, z (self, 36));
          float width = MAX (z (self, 3), s * 0.08f);
          graphene_rect_t ripple = GRAPHENE_RECT_INIT (r->origin.x - spread, r->origin.y - spread,
                                                       s + 2 * spread, s + 2 * spread);
          cairo_rectangle_int_t ring_box;
          cairo_surface_t *ring;
          GtkSnapshot *ss = gtk_snapshot_new ();
          const GdkRGBA opaque = { 0, 0, 0, 1 };

          shmviz_draw_outline (ss, &ripple, ripple.size.width / 2, width, &opaque);
          box_of (&ripple, &ring_box);
          ring = coverage_image (ss, &ring_box, pic->scale);
          n_boxes = ring_boxes (ripple.origin.x + ripple.size.width / 2, ripple.origin.y + ripple.size.height / 2,
                                ripple.size.width / 2, ripple.size.width / 2 - width, boxes, RING_BOXES);
          for (guint k = 0; k < n_boxes; k++)
            append_coverage (snapshot, &boxes[k], &ring_box, color, ring, 0.9f * (1 - q), NULL, 0);
          cairo_surface_destroy (ring);
        }

      /* A warning mark with a glyph for the kind, readable without colour. */
      {
        GskRenderNode *node = shmviz_draw_image_node (pic->mark_image, pic->mark_box.x, pic->mark_box.y,
                                                      pic->mark_box.width, pic->mark_box.height);

        gtk_snapshot_append_node (snapshot, node);
        gsk_render_node_unref (node);
      }
    }
}
