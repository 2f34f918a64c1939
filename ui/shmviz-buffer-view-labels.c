/* shmviz-buffer-view-labels.c — the text over the view, placed
 *
 * Headings, process chips, the count, the row caption and the in and out
 * tags go into one list, each placed where it covers none of those
 * before it (a tag with its arrow, searching around its slot, smaller
 * when it must); the static and pointers layers draw from that list, and
 * shmviz_buffer_view_get_labels() hands it to tests.  Apart because the
 * placement is the one search in the view, and the tests check it.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <math.h>
#include <string.h>

#include <glib/gi18n.h>

#include "shmviz-buffer-view-internal.h"
#include "shmviz-draw.h"
#include "shmviz-palette.h"

int
_shmviz_buffer_view_label_px (ShmvizBufferView *self,
                              const char       *text,
                              float             box)
{
  /* An estimate of the bold glyph width keeps long labels inside the cell
   * without laying them out twice. */
  float px = MIN (box * 0.3f, z (self, 34));
  float fit = box * 0.9f / (MAX (strlen (text), 2) * 0.64f);

  return (int) floorf (MIN (px, fit));
}

static graphene_rect_t
pill_rect (ShmvizBufferView *self,
           const char       *text,
           int               px,
           float             x,
           float             y)
{
  int tw, th;

  shmviz_text_cache_measure (self->text, text, px, TRUE, &tw, &th);
  return GRAPHENE_RECT_INIT (x - tw / 2.0f - px * 0.5f, y - th / 2.0f - px * 0.15f, tw + px, th + px * 0.3f);
}

static void
append_pill (ShmvizBufferView *self,
             GtkSnapshot      *snapshot,
             const char       *text,
             int               px,
             float             x,
             float             y,
             const GdkRGBA    *fill)
{
  graphene_rect_t r = pill_rect (self, text, px, x, y);

  shmviz_draw_rounded_fill (snapshot, &r, r.size.height / 2, fill);
  shmviz_text_cache_draw (self->text, snapshot, text, px, TRUE, x, y, 0.5f, 0.5f, shmviz_palette_text_on (fill));
}

static void
label_clear (gpointer data)
{
  g_free (((Label *) data)->text);
}

GArray *
_shmviz_buffer_view_labels_new (void)
{
  GArray *labels = g_array_new (FALSE, TRUE, sizeof (Label));

  g_array_set_clear_func (labels, label_clear);
  return labels;
}

static void
add_label (ShmvizBufferView      *self,
           GArray                *labels,
           ShmvizBufferLabelKind  kind,
           const char            *text,
           int                    px,
           gboolean               bold,
           float                  x,
           float                  y,
           float                  yalign,
           const GdkRGBA         *fill)
{
  Label l = { kind, GRAPHENE_RECT_INIT (0, 0, 0, 0), px, bold, g_strdup (text), x, y, yalign, fill };

  if (fill != NULL)
    l.rect = pill_rect (self, text, px, x, y);
  else
    {
      int tw, th;

      shmviz_text_cache_measure (self->text, text, px, bold, &tw, &th);
      l.rect = GRAPHENE_RECT_INIT (x - tw / 2.0f, y - th * yalign, tw, th);
    }
  g_array_append_val (labels, l);
}

void
_shmviz_buffer_view_draw_label (ShmvizBufferView *self,
                                GtkSnapshot      *snapshot,
                                const Label      *l,
                                const GdkRGBA    *fg)
{
  if (l->fill != NULL)
    append_pill (self, snapshot, l->text, l->px, l->x, l->y, l->fill);
  else
    shmviz_text_cache_draw (self->text, snapshot, l->text, l->px, l->bold, l->x, l->y, 0.5f, l->yalign, fg);
}

/* The next smaller size to try for a label that found no room. */
static int
smaller (int px)
{
  return MIN (px - 1, (int) floorf (px * 0.85f));
}

static gboolean
overlaps (const graphene_rect_t *a,
          const graphene_rect_t *b,
          float                  margin)
{
  return a->origin.x < b->origin.x + b->size.width + margin && b->origin.x < a->origin.x + a->size.width + margin &&
         a->origin.y < b->origin.y + b->size.height + margin && b->origin.y < a->origin.y + a->size.height + margin;
}

/* Whether @r lies whole inside the view, off its very edge, and clear
 * of every label placed. */
static gboolean
is_free (ShmvizBufferView      *self,
         const graphene_rect_t *r,
         GArray                *labels)
{
  float gap = z (self, 2);

  if (r->origin.x < gap || r->origin.y < gap || r->origin.x + r->size.width > self->geo_width - gap ||
      r->origin.y + r->size.height > self->geo_height - gap)
    return FALSE;
  for (guint i = 0; i < labels->len; i++)
    if (overlaps (r, &g_array_index (labels, Label, i).rect, gap))
      return FALSE;
  return TRUE;
}

/* A heading over a side band, centred on @x but kept inside the view: a
 * translation can be wider than the band (German “Verbraucher” ran
 * off the right edge). */
static void
add_heading (ShmvizBufferView *self,
             GArray           *labels,
             const char       *text,
             int               px,
             float             x)
{
  float gap = z (self, 2);
  int tw;

  shmviz_text_cache_measure (self->text, text, px, FALSE, &tw, NULL);
  x = MAX (x, gap + tw / 2.0f);
  x = MIN (x, self->geo_width - gap - tw / 2.0f);
  add_label (self, labels, SHMVIZ_BUFFER_LABEL_HEADING, text, px, FALSE, x, z (self, 8), 0.0f, NULL);
}

/* Headings and process chips: producers left, consumers right. */
void
_shmviz_buffer_view_collect_static_labels (ShmvizBufferView *self,
                                           GArray           *labels)
{
  float h = self->geo_height, w = self->geo_width;
  guint n_consumers = self->n_procs > self->n_producers ? self->n_procs - self->n_producers : 0;
  int px = (int) z (self, 15);
  int head_px = (int) z (self, 13);
  float band = z (self, SIDE_BAND);

  if (self->n_procs == 0)
    return;

  add_heading (self, labels, _("producers"), head_px, band / 2 + z (self, 4));
  add_heading (self, labels, _("consumers"), head_px, w - band / 2 - z (self, 4));
  for (guint side = 0; side < 2; side++)
    {
      guint count = side == 0 ? self->n_producers : n_consumers;
      float top = z (self, 32), room = h - top - z (self, 8);
      float step = count > 0 ? room / count : 0;

      if (count == 0 || step < px * 1.3f)
        continue;
      for (guint k = 0; k < count; k++)
        {
          g_autofree char *name = shmviz_proc_label (side == 0 ? k : self->n_producers + k, self->n_producers);
          const GdkRGBA *c = side == 0 ? shmviz_palette_producer (self->palette, k)
                                       : shmviz_palette_consumer (self->palette, k);
          float x = side == 0 ? band / 2 + z (self, 4) : w - band / 2 - z (self, 4);

          add_label (self, labels, SHMVIZ_BUFFER_LABEL_CHIP, name, px, TRUE, x, top + step * (k + 0.5f), 0.5f, c);
        }
    }
}

/* Nearest and farthest distance from the ring's centre to @r. */
static void
ring_distances (ShmvizBufferView      *self,
                const graphene_rect_t *r,
                float                 *near,
                float                 *far)
{
  float x0 = r->origin.x - self->cx, x1 = x0 + r->size.width;
  float y0 = r->origin.y - self->cy, y1 = y0 + r->size.height;
  float nx = x0 > 0 ? x0 : x1 < 0 ? -x1 : 0, ny = y0 > 0 ? y0 : y1 < 0 ? -y1 : 0;
  float fx = MAX (fabsf (x0), fabsf (x1)), fy = MAX (fabsf (y0), fabsf (y1));

  *near = sqrtf (nx * nx + ny * ny);
  *far = sqrtf (fx * fx + fy * fy);
}

/* Where the arrow from a tag at (@x, @y) meets the slot @c: its outer
 * edge, or its inner edge from the hole, turned a little towards the tag
 * so that two arrows at one slot stay apart. */
static void
ring_head (ShmvizBufferView *self,
           const Cell       *c,
           float             x,
           float             y,
           float            *hx,
           float            *hy)
{
  float s = self->cell_size;
  float inward = hypotf (x - self->cx, y - self->cy) < c->radius ? -1 : 1;
  float head_r = c->radius + inward * (s / 2 + z (self, 3));
  float da = remainderf (atan2f (x - self->cx, self->cy - y) - c->angle, 2 * G_PI);
  float lim = MIN (0.35f, s * 0.3f / MAX (head_r, 1));
  float a = c->angle + CLAMP (da, -lim, lim);

  *hx = self->cx + head_r * sinf (a);
  *hy = self->cy - head_r * cosf (a);
}

/* Whether the segment crosses @r grown by @margin (Liang–Barsky). */
static gboolean
segment_crosses (float                  x0,
                 float                  y0,
                 float                  x1,
                 float                  y1,
                 const graphene_rect_t *r,
                 float                  margin)
{
  float dx = x1 - x0, dy = y1 - y0, t0 = 0, t1 = 1;
  float p[4] = { -dx, dx, -dy, dy };
  float q[4] = { x0 - (r->origin.x - margin), r->origin.x + r->size.width + margin - x0,
                 y0 - (r->origin.y - margin), r->origin.y + r->size.height + margin - y0 };

  for (guint i = 0; i < 4; i++)
    {
      float t;

      if (p[i] == 0)
        {
          if (q[i] < 0)
            return FALSE;
          continue;
        }
      t = q[i] / p[i];
      if (p[i] < 0)
        t0 = MAX (t0, t);
      else
        t1 = MIN (t1, t);
      if (t0 > t1)
        return FALSE;
    }
  return TRUE;
}

static float
orient (float ax, float ay, float bx, float by, float cx, float cy)
{
  return (bx - ax) * (cy - ay) - (by - ay) * (cx - ax);
}

/* An arrow through another label would seem to point from it, and two
 * that cross make the eye swap them. */
static gboolean
arrow_blocked (GArray      *labels,
               const Arrow *other,
               float        x0,
               float        y0,
               float        x1,
               float        y1)
{
  if (other != NULL && other->color != NULL &&
      orient (x0, y0, x1, y1, other->x0, other->y0) * orient (x0, y0, x1, y1, other->x1, other->y1) < 0 &&
      orient (other->x0, other->y0, other->x1, other->y1, x0, y0) *
      orient (other->x0, other->y0, other->x1, other->y1, x1, y1) < 0)
    return TRUE;
  for (guint i = 0; i < labels->len; i++)
    if (segment_crosses (x0, y0, x1, y1, &g_array_index (labels, Label, i).rect, 1))
      return TRUE;
  return FALSE;
}

#define TURN_STEP 0.1f
#define N_TURNS   16

/* A tag for the pointer at @c: outside the ring, along the slot's radius
 * or turned a little from it, as near as the track allows; else in the
 * ring's hole; else smaller or shorter (@brief).  Never over another
 * label, nor with its arrow through one; over the slots only when
 * @over_cells (the last resort). */
static gboolean
place_ring_tag (ShmvizBufferView *self,
                GArray           *labels,
                const Cell       *c,
                const char       *full,
                const char       *brief,
                int               px0,
                const GdkRGBA    *color,
                gboolean          over_cells,
                const Arrow      *other,
                Arrow            *arrow)
{
  float s = self->cell_size;
  float track_out = MAX (self->ring_outer + s * 0.15f, hypotf (self->ring_outer, s / 2)) + z (self, 3);
  float track_in = self->ring_inner - s * 0.15f - z (self, 3);
  float reach = hypotf (self->geo_width, self->geo_height);
  float step = MAX (2.0f, z (self, 3));
  float start = over_cells ? MAX (0.0f, c->radius - s) : track_out;

  /* The slot's number matters more than the size, down to a half. */
  int half = MAX (MIN_LABEL_PX, px0 / 2);
  const struct { gboolean brief; int from, to; } passes[] = {
    { FALSE, px0, half }, { TRUE, px0, half }, { FALSE, smaller (half), MIN_LABEL_PX },
    { TRUE, smaller (half), MIN_LABEL_PX },
  };

  for (guint p = 0; p < G_N_ELEMENTS (passes); p++)
    for (int px = passes[p].from; px >= passes[p].to; px = smaller (px))
      {
        const char *text = passes[p].brief ? brief : full;
        float best = G_MAXFLOAT, bx = 0, by = 0;
        graphene_rect_t r0 = pill_rect (self, text, px, 0, 0);

        for (guint k = 0; k <= 2 * N_TURNS; k++)
          {
            float turn = ((k + 1) / 2) * TURN_STEP * (k % 2 ? 1 : -1);
            float a = c->angle + turn;

            if (fabsf (turn) * track_out >= best)
              break;
            for (float d = start; d < reach; d += step)
              {
                float x = self->cx + d * sinf (a), y = self->cy - d * cosf (a);
                graphene_rect_t r = r0;
                float near, far, hx, hy;

                /* Past the view's edge only farther out follows. */
                if (x < 0 || y < 0 || x > self->geo_width || y > self->geo_height)
                  break;
                graphene_rect_offset (&r, x, y);
                ring_distances (self, &r, &near, &far);
                if ((!over_cells && near < track_out) || !is_free (self, &r, labels))
                  continue;
                ring_head (self, c, x, y, &hx, &hy);
                if (arrow_blocked (labels, other, x, y, hx, hy))
                  continue;
                /* Farther along this ray only costs more. */
                if (fabsf (turn) * track_out + (d - start) < best)
                  best = fabsf (turn) * track_out + (d - start), bx = x, by = y;
                break;
              }
          }

        /* In the hole, against the slot's inner edge. */
        if (best == G_MAXFLOAT && !over_cells && self->n_slots > 1)
          for (float d = track_in; d >= 0; d -= step)
            {
              float x = self->cx + d * sinf (c->angle), y = self->cy - d * cosf (c->angle);
              graphene_rect_t r = r0;
              float near, far, hx, hy;

              graphene_rect_offset (&r, x, y);
              ring_distances (self, &r, &near, &far);
              ring_head (self, c, x, y, &hx, &hy);
              if (far <= track_in && is_free (self, &r, labels) && !arrow_blocked (labels, other, x, y, hx, hy))
                {
                  best = 0, bx = x, by = y;
                  break;
                }
            }

        if (best < G_MAXFLOAT)
          {
            const Label *l;
            float hx, hy, dx, dy, g = z (self, 3), exit;

            ring_head (self, c, bx, by, &hx, &hy);
            dx = hx - bx;
            dy = hy - by;
            add_label (self, labels, SHMVIZ_BUFFER_LABEL_TAG, text, px, TRUE, bx, by, 0.5f, color);
            l = &g_array_index (labels, Label, labels->len - 1);
            /* The arrow starts where it leaves the tag. */
            exit = MIN (fabsf (dx) > 1e-3f ? (l->rect.size.width / 2 + g) / fabsf (dx) : G_MAXFLOAT,
                        fabsf (dy) > 1e-3f ? (l->rect.size.height / 2 + g) / fabsf (dy) : G_MAXFLOAT);
            if (exit < 1 && hypotf (dx, dy) * (1 - exit) >= z (self, 5))
              *arrow = (Arrow) { bx + dx * exit, by + dy * exit, hx, hy, color };
            else
              arrow->color = NULL;
            return TRUE;
          }
      }
  return FALSE;
}

/* A tag above (@side < 0) or below the slot at @r, by its bar.  Small
 * cells leave less room between rows than a readable tag needs: then it
 * moves along the row, or farther out, rather than over another label,
 * and only then gets smaller. */
static gboolean
place_row_tag (ShmvizBufferView      *self,
               GArray                *labels,
               const graphene_rect_t *r,
               float                  side,
               const char            *text,
               int                    px0,
               const GdkRGBA         *color)
{
  float s = self->cell_size;

  for (int px = px0; px >= MIN_LABEL_PX; px = smaller (px))
    {
      float gap = s * 0.3f;
      float y = side < 0 ? r->origin.y - gap / 2 - px * 0.2f : r->origin.y + s + gap / 2 + px * 0.2f;
      float x = r->origin.x + r->size.width / 2;
      graphene_rect_t r0 = pill_rect (self, text, px, 0, 0);

      for (guint ky = 0; ky <= 4; ky++)
        for (guint kx = 0; kx <= 8; kx++)
          {
            float dx = ((kx + 1) / 2) * r0.size.width * 0.25f * (kx % 2 ? 1 : -1);
            float dy = side * ky * r0.size.height * 0.5f;
            graphene_rect_t t = r0;

            graphene_rect_offset (&t, x + dx, y + dy);
            if (is_free (self, &t, labels))
              {
                add_label (self, labels, SHMVIZ_BUFFER_LABEL_TAG, text, px, TRUE, x + dx, y + dy, 0.5f, color);
                return TRUE;
              }
          }
    }
  return FALSE;
}

/* The count, the row caption and the pointer tags, placed clear of the
 * labels already in @labels; @arrows gets the ring's two arrows (color
 * NULL: none). */
void
_shmviz_buffer_view_collect_pointer_labels (ShmvizBufferView *self,
                                            GArray           *labels,
                                            Arrow             arrows[2])
{
  const GdkRGBA *in_color = shmviz_palette_slot_state (self->palette, SHMVIZ_SLOT_FULL);
  const GdkRGBA *out_color = shmviz_palette_slot_state (self->palette, SHMVIZ_SLOT_READING);
  guint in = self->in % self->n_slots, out = self->out % self->n_slots;
  float s = self->cell_size;
  char in_text[32], out_text[32];
  struct { guint slot; const GdkRGBA *color; const char *text; const char *brief; float side; } ptr[2] = {
    { in, in_color, in_text, C_("pointer", "in"), -1 },
    { out, out_color, out_text, C_("pointer", "out"), 1 },
  };

  /* Translators: the producers' index into the ring, e.g. "in 3" */
  g_snprintf (in_text, sizeof in_text, _("in %u"), in);
  /* Translators: the consumers' index into the ring, e.g. "out 1" */
  g_snprintf (out_text, sizeof out_text, _("out %u"), out);
  arrows[0].color = arrows[1].color = NULL;

  if (self->geo_ring)
    {
      /* count in the middle of the ring */
      if (self->ring_inner > z (self, 30))
        {
          int big = (int) MIN (self->ring_inner * 0.55f, z (self, 64));
          int small = (int) MAX (MIN_LABEL_PX, MIN (big * 0.35f, z (self, 16)));
          char num[32], of[64];

          /* Signed, as the workers' int is: a racy count can drop below
           * zero, and the race log says so in the same words. */
          g_snprintf (num, sizeof num, "%d", (gint) self->count);
          /* Translators: under the count in the middle of the ring, "of 8" */
          g_snprintf (of, sizeof of, _("of %u"), self->n_slots);
          add_label (self, labels, SHMVIZ_BUFFER_LABEL_COUNT, _("count"), small, FALSE, self->cx,
                     self->cy - big * 0.55f, 1.0f, NULL);
          add_label (self, labels, SHMVIZ_BUFFER_LABEL_COUNT, num, big, TRUE, self->cx, self->cy, 0.5f, NULL);
          add_label (self, labels, SHMVIZ_BUFFER_LABEL_COUNT, of, small, FALSE, self->cx, self->cy + big * 0.55f,
                     0.0f, NULL);
        }

      for (guint i = 0; i < 2; i++)
        {
          const Cell *c = &g_array_index (self->cells, Cell, ptr[i].slot);
          int px = (int) z (self, 16);
          const Arrow *other = i > 0 ? &arrows[0] : NULL;

          if (!place_ring_tag (self, labels, c, ptr[i].text, ptr[i].brief, px, ptr[i].color, FALSE, other,
                               &arrows[i]))
            place_ring_tag (self, labels, c, ptr[i].text, ptr[i].brief, px, ptr[i].color, TRUE, other,
                            &arrows[i]);
        }
    }
  else
    {
      char caption[128];
      int tag_px = (int) CLAMP (s * 0.3f, z (self, 11), z (self, 16));
      int head_bottom = 0;

      for (guint i = 0; i < labels->len; i++)
        {
          const Label *l = &g_array_index (labels, Label, i);

          if (l->kind == SHMVIZ_BUFFER_LABEL_HEADING)
            head_bottom = MAX (head_bottom, (int) ceilf (l->rect.origin.y + l->rect.size.height));
        }

      /* Translators: caption over the row layout */
      g_snprintf (caption, sizeof caption, _("in %u · out %u · count %d of %u"), in, out, (gint) self->count,
                  self->n_slots);
      /* Between the headings, else under them, smaller when it must. */
      for (int px = (int) z (self, 20); px >= MIN_LABEL_PX; px = smaller (px))
        {
          int tw, th;
          float y[2];
          guint k;

          shmviz_text_cache_measure (self->text, caption, px, TRUE, &tw, &th);
          y[0] = z (self, 28);
          y[1] = head_bottom + z (self, 2) + th / 2.0f;
          for (k = 0; k < 2; k++)
            {
              graphene_rect_t r = GRAPHENE_RECT_INIT (self->geo_width / 2 - tw / 2.0f, y[k] - th / 2.0f, tw, th);

              if (is_free (self, &r, labels))
                break;
            }
          if (k < 2)
            {
              add_label (self, labels, SHMVIZ_BUFFER_LABEL_CAPTION, caption, px, TRUE, self->geo_width / 2, y[k],
                         0.5f, NULL);
              break;
            }
        }

      for (guint i = 0; i < 2; i++)
        place_row_tag (self, labels, &g_array_index (self->cells, Cell, ptr[i].slot).rect, ptr[i].side,
                       ptr[i].brief, tag_px, ptr[i].color);
    }
}

GArray *
shmviz_buffer_view_get_labels (ShmvizBufferView *self)
{
  g_autoptr(GArray) labels = _shmviz_buffer_view_labels_new ();
  GArray *out = g_array_new (FALSE, TRUE, sizeof (ShmvizBufferLabel));
  Arrow arrows[2];

  g_return_val_if_fail (SHMVIZ_IS_BUFFER_VIEW (self), out);

  if (!self->have_snapshot || self->n_slots == 0)
    return out;
  _shmviz_buffer_view_ensure_geometry (self);
  _shmviz_buffer_view_collect_static_labels (self, labels);
  _shmviz_buffer_view_collect_pointer_labels (self, labels, arrows);
  for (guint i = 0; i < labels->len; i++)
    {
      const Label *l = &g_array_index (labels, Label, i);
      ShmvizBufferLabel pub = { l->kind, l->rect, l->px, "" };

      g_strlcpy (pub.text, l->text, sizeof pub.text);
      g_array_append_val (out, pub);
    }
  return out;
}
