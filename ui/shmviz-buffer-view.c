/* shmviz-buffer-view.c — the ring of slots, drawn live
 *
 * Drawing is split in layers so that a frame only pays for what changed:
 *  - the static node: the ring's track and the producer and consumer
 *    anchors, drawn once into pictures of the tiles that hold anything;
 *    rebuilt only when size, zoom, palette, scale or slot count change;
 *  - one picture per slot (its outline, index, fill and labels drawn once
 *    into an image at the widget's scale), kept across frames and keyed by
 *    the slot's state and item: a new snapshot redraws only the slots whose
 *    key changed, and hands GTK the very same node objects for the others,
 *    so its diff finds them unchanged and the damage stays where things
 *    moved; the cairo renderer then copies pixels instead of filling
 *    rounded shapes and laying out glyphs on every frame.  Cells
 *    under 16 pixels (thousands of slots) are plain squares instead: they
 *    are painted into one image, again only those whose key changed, as
 *    GTK 4.8's cairo renderer walks every node of the window on every
 *    frame, whatever the damage, and 8192 squares cost it milliseconds;
 *  - the pointers node: in/out pointers and count, rebuilt per generation;
 *  - the overlay: flashes, flying items, hover and focus; drawn every frame,
 *    but only while something animates (a tick callback runs just then).
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <math.h>
#include <string.h>

#include <glib/gi18n.h>

#include "ledger.h"
#include "layout.h"
#include "shmviz-buffer-view-private.h"
#include "shmviz-draw.h"
#include "shmviz-palette.h"

/* Long enough to follow with the eye at the default speed, short enough
 * that a producer's next item does not start before this one landed. */
#define ANIM_US        (550 * G_TIME_SPAN_MILLISECOND)
#define FLASH_US       (2000 * G_TIME_SPAN_MILLISECOND)
#define MAX_CELL       140.0f  /* at zoom 1 */
#define MIN_LABEL_PX   9
#define SIDE_BAND      64.0f   /* producer / consumer anchors, at zoom 1 */
#define MAX_RICH_FLASHES 16

typedef struct {
  guint64 seen_ns;     /* last_ns of the step already seen */
  gint64  start_us;    /* 0: idle */
  guint8  kind;
  guint   slot;
  guint64 item;
} Flight;

typedef struct _FlashPicture FlashPicture;

typedef struct {
  graphene_rect_t rect;
  float angle;         /* ring: radians clockwise from the top */
  float radius;        /* ring: distance of the centre from the ring centre */
} Cell;

struct _ShmvizBufferView
{
  GtkWidget parent_instance;

  ShmvizModel *model;
  char *layout;
  char *palette;
  double zoom;
  int highlight;
  int focused;
  int hover;

  /* Our own copy of what we draw: the caller's snapshot is only borrowed. */
  gboolean have_snapshot;
  guint64 generation;
  guint n_slots;
  ShmvizSlotView *slots;
  guint n_procs;
  ShmvizProcView *procs;
  guint n_producers;
  guint in, out, count;

  /* Geometry, keyed by everything it depends on. */
  int geo_width, geo_height;
  double geo_zoom;
  guint geo_slots;
  gboolean geo_ring;
  GArray *cells;              /* Cell, n_slots */
  float cell_size;
  float cx, cy, ring_outer, ring_inner;
  guint grid_cols;

  GskRenderNode *static_node;
  gboolean static_dark;
  char *static_palette;
  guint static_procs;
  guint cells_alloc;
  GskRenderNode **cell_nodes;  /* cells_alloc, NULL: empty or not built */
  guint64 *cell_keys;          /* n_slots */
  guint8 *cell_valid;          /* n_slots */
  GskRenderNode *slots_node;   /* container of cell_nodes, or of the image */
  cairo_surface_t *cells_image; /* small cells, over cells_box */
  graphene_rect_t cells_box;
  GskRenderNode *cells_node;   /* in/out pointers and count */
  guint64 cells_generation;
  guint64 cells_rebuilt;       /* slot nodes built so far, for tests */
  int picture_scale;          /* of the static and cell pictures */

  Flight *flights;            /* n_procs */
  guint64 *flash_seen;        /* n_slots */
  gint64 *flash_start;        /* n_slots */
  GArray *flashing;           /* guint slot indices with a live flash */
  FlashPicture *flash_pictures; /* FLASH_PICTURES, or NULL before the first */
  guint64 flash_frame;        /* frames drawn with flashes, to age pictures */
  gboolean damage_parity;
  guint frame_rebuilt;        /* cells rebuilt for this frame's snapshot */
  guint tick_id;

  char *description;          /* of the focused slot, as last announced */
  ShmvizTextCache *text;
};

enum {
  PROP_0,
  PROP_MODEL,
  PROP_LAYOUT,
  PROP_ZOOM,
  PROP_PALETTE,
  PROP_HIGHLIGHT,
  PROP_FOCUSED_SLOT,
  N_PROPS
};

enum {
  SLOT_ACTIVATED,
  N_SIGNALS
};

static GParamSpec *properties[N_PROPS];
static guint signals[N_SIGNALS];

G_DEFINE_FINAL_TYPE (ShmvizBufferView, shmviz_buffer_view, GTK_TYPE_WIDGET)

static void
drop_cell_nodes (ShmvizBufferView *self)
{
  for (guint i = 0; i < self->cells_alloc; i++)
    g_clear_pointer (&self->cell_nodes[i], gsk_render_node_unref);
  if (self->cell_valid != NULL)
    memset (self->cell_valid, 0, self->cells_alloc);
  g_clear_pointer (&self->slots_node, gsk_render_node_unref);
  g_clear_pointer (&self->cells_image, cairo_surface_destroy);
}

static void
invalidate_geometry (ShmvizBufferView *self)
{
  self->geo_width = -1;
  g_clear_pointer (&self->static_node, gsk_render_node_unref);
  drop_cell_nodes (self);
  g_clear_pointer (&self->cells_node, gsk_render_node_unref);
}

static void
invalidate_cells (ShmvizBufferView *self)
{
  g_clear_pointer (&self->cells_node, gsk_render_node_unref);
}

static gint64
now_us (ShmvizBufferView *self)
{
  GdkFrameClock *clock = gtk_widget_get_frame_clock (GTK_WIDGET (self));

  return clock ? gdk_frame_clock_get_frame_time (clock) : g_get_monotonic_time ();
}

static float
z (ShmvizBufferView *self,
   float             v)
{
  return v * (float) self->zoom;
}

/* Geometry ------------------------------------------------------------- */

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

static void
ensure_geometry (ShmvizBufferView *self)
{
  int w = gtk_widget_get_width (GTK_WIDGET (self));
  int h = gtk_widget_get_height (GTK_WIDGET (self));
  gboolean ring = g_strcmp0 (self->layout, "row") != 0;

  if (self->geo_width == w && self->geo_height == h && self->geo_zoom == self->zoom &&
      self->geo_slots == self->n_slots && self->geo_ring == ring)
    return;

  g_clear_pointer (&self->static_node, gsk_render_node_unref);
  drop_cell_nodes (self);
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

static int
slot_at (ShmvizBufferView *self,
         double            x,
         double            y)
{
  float pad;

  ensure_geometry (self);
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

/* Text helpers ----------------------------------------------------------- */

static int
label_px (ShmvizBufferView *self,
          const char       *text,
          float             box)
{
  /* An estimate of the bold glyph width keeps long labels inside the cell
   * without laying them out twice. */
  float px = MIN (box * 0.3f, z (self, 34));
  float fit = box * 0.9f / (MAX (strlen (text), 2) * 0.64f);

  return (int) floorf (MIN (px, fit));
}

static const char *
state_word (guint state)
{
  switch (state)
    {
    case SHMVIZ_SLOT_EMPTY:   return _("empty");
    case SHMVIZ_SLOT_WRITING: return _("writing");
    case SHMVIZ_SLOT_FULL:    return _("full");
    case SHMVIZ_SLOT_READING: return _("reading");
    default:                  return _("unknown");
    }
}

static const char *
anomaly_word (guint kind)
{
  switch (kind)
    {
    case SHMVIZ_ANOMALY_LOST:        return _("item lost");
    case SHMVIZ_ANOMALY_DUPLICATE:   return _("item read twice");
    case SHMVIZ_ANOMALY_EMPTY_READ:  return _("read while empty");
    case SHMVIZ_ANOMALY_CORRUPT:     return _("torn item");
    case SHMVIZ_ANOMALY_INDEX_DRIFT: return _("index drift");
    case SHMVIZ_ANOMALY_DEADLOCK:    return _("deadlock");
    default:                         return _("anomaly");
    }
}

char *
shmviz_buffer_view_describe_slot (ShmvizBufferView *self,
                                  guint             slot)
{
  const ShmvizSlotView *sv;
  GString *str;

  g_return_val_if_fail (SHMVIZ_IS_BUFFER_VIEW (self), NULL);

  if (slot >= self->n_slots)
    return NULL;

  sv = &self->slots[slot];
  str = g_string_new (NULL);
  if (sv->item != SHMVIZ_ITEM_NONE)
    {
      g_autofree char *label = shmviz_item_label (sv->item);

      /* Translators: "slot 3 of 8, full, item P1#9" */
      g_string_printf (str, _("slot %u of %u, %s, item %s"), slot, self->n_slots, state_word (sv->state), label);
    }
  else
    /* Translators: "slot 3 of 8, empty" */
    g_string_printf (str, _("slot %u of %u, %s"), slot, self->n_slots, state_word (sv->state));

  if (self->n_slots > 0 && slot == self->in % self->n_slots)
    g_string_append (str, _(", in points here"));
  if (self->n_slots > 0 && slot == self->out % self->n_slots)
    g_string_append (str, _(", out points here"));
  if (sv->flash != 0)
    {
      g_string_append (str, ", ");
      /* Translators: the last anomaly seen at a slot, e.g. "last anomaly: item lost" */
      g_string_append_printf (str, _("last anomaly: %s"), anomaly_word (sv->flash - 1));
    }
  return g_string_free (str, FALSE);
}

static void
update_accessible (ShmvizBufferView *self)
{
  g_autofree char *desc = NULL;

  if (self->focused >= 0 && (guint) self->focused < self->n_slots)
    desc = shmviz_buffer_view_describe_slot (self, self->focused);
  else
    desc = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "%u slot, %d full", "%u slots, %d full", self->n_slots),
                            self->n_slots, (gint) self->count);

  if (g_strcmp0 (desc, self->description) == 0)
    return;
  g_free (self->description);
  self->description = g_steal_pointer (&desc);
  gtk_accessible_update_property (GTK_ACCESSIBLE (self),
                                  GTK_ACCESSIBLE_PROPERTY_DESCRIPTION, self->description,
                                  -1);
}

/* Drawing ---------------------------------------------------------------- */


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

/* Labels ----------------------------------------------------------------- */

/* Everything written over the view that must stay readable: headings,
 * process chips, the count, the row caption and the pointer tags.  They
 * are placed in one list so that a tag can be set where it covers none
 * of the others, and drawn from that list, so what the tests read back
 * (shmviz_buffer_view_get_labels()) is what the class sees. */
typedef struct {
  ShmvizBufferLabelKind kind;
  graphene_rect_t rect;
  int px;
  gboolean bold;
  char *text;
  float x, y;               /* pill centre, or text anchor */
  float yalign;             /* of plain text */
  const GdkRGBA *fill;      /* pill colour; NULL: plain text */
} Label;

typedef struct {
  float x0, y0, x1, y1;
  const GdkRGBA *color;
} Arrow;

static void
label_clear (gpointer data)
{
  g_free (((Label *) data)->text);
}

static GArray *
labels_new (void)
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

static void
draw_label (ShmvizBufferView *self,
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
static void
collect_static_labels (ShmvizBufferView *self,
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
static void
collect_pointer_labels (ShmvizBufferView *self,
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
  g_autoptr(GArray) labels = labels_new ();
  GArray *out = g_array_new (FALSE, TRUE, sizeof (ShmvizBufferLabel));
  Arrow arrows[2];

  g_return_val_if_fail (SHMVIZ_IS_BUFFER_VIEW (self), out);

  if (!self->have_snapshot || self->n_slots == 0)
    return out;
  ensure_geometry (self);
  collect_static_labels (self, labels);
  collect_pointer_labels (self, labels, arrows);
  for (guint i = 0; i < labels->len; i++)
    {
      const Label *l = &g_array_index (labels, Label, i);
      ShmvizBufferLabel pub = { l->kind, l->rect, l->px, "" };

      g_strlcpy (pub.text, l->text, sizeof pub.text);
      g_array_append_val (out, pub);
    }
  return out;
}

/* The short form of shmviz_item_label(), without allocating: garbage ids
 * read from a racy slot show as "?" (the tooltip has the full id). */
static void
format_item (char    *buf,
             gsize    size,
             guint64  item)
{
  int producer = SHMVIZ_ITEM_PRODUCER (item);

  if (producer < 0 || SHMVIZ_ITEM_SEQ (item) == 0)
    g_strlcpy (buf, "?", size);
  else
    g_snprintf (buf, size, "P%d#%" G_GUINT64_FORMAT, producer + 1, (guint64) SHMVIZ_ITEM_SEQ (item));
}

static const GdkRGBA *
item_color (ShmvizBufferView *self,
            guint64           item,
            guint             state)
{
  int producer = SHMVIZ_ITEM_PRODUCER (item);

  if (item != SHMVIZ_ITEM_NONE && producer >= 0 && SHMVIZ_ITEM_SEQ (item) != 0)
    return shmviz_palette_producer (self->palette, producer);
  return shmviz_palette_slot_state (self->palette, state);
}

/* Pictures --------------------------------------------------------------- */

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
static GskRenderNode *
build_static (ShmvizBufferView *self,
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
    g_autoptr(GArray) labels = labels_new ();

    collect_static_labels (self, labels);
    for (guint i = 0; i < labels->len; i++)
      draw_label (self, snapshot, &g_array_index (labels, Label, i), fg);
  }
}

static void
anchor_of (ShmvizBufferView *self,
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
  const GdkRGBA *fill = item_color (self, sv->item, sv->state);
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

      format_item (label, sizeof label, sv->item);
      px = label_px (self, label, s);
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
  g_autoptr(GArray) labels = labels_new ();
  const GdkRGBA *fg = shmviz_palette_foreground (self->palette, dark);
  Arrow arrows[2];
  guint first;

  /* The static labels are drawn already, in the static node: here they
   * are only what the tags must keep clear of. */
  collect_static_labels (self, labels);
  first = labels->len;
  collect_pointer_labels (self, labels, arrows);

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
    draw_label (self, snapshot, &g_array_index (labels, Label, i), fg);
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
          GdkRGBA c = *item_color (self, sv->item, sv->state);
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
static guint
update_cells (ShmvizBufferView *self,
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

static GskRenderNode *
build_pointers (ShmvizBufferView *self,
                gboolean          dark)
{
  GtkSnapshot *snapshot = gtk_snapshot_new ();

  draw_pointers (self, snapshot, dark);
  return gtk_snapshot_free_to_node (snapshot);
}

static float
ease_out (float t)
{
  t = CLAMP (t, 0.0f, 1.0f);
  return 1 - (1 - t) * (1 - t) * (1 - t);
}

/* Changed cells, chips and flashes scattered over the view can make a
 * damage region of many bands: see SHMVIZ_DRAW_COARSE_DAMAGE. */
static void
coarse_damage (ShmvizBufferView *self,
               GtkSnapshot      *snapshot)
{
  guint n_moving = self->flashing->len + self->frame_rebuilt;

  for (guint p = 0; p < self->n_procs && n_moving <= SHMVIZ_DRAW_COARSE_DAMAGE; p++)
    n_moving += self->flights[p].start_us != 0;
  if (n_moving > SHMVIZ_DRAW_COARSE_DAMAGE)
    shmviz_draw_damage_whole (snapshot,
                              &GRAPHENE_RECT_INIT (0, 0, gtk_widget_get_width (GTK_WIDGET (self)),
                                                   gtk_widget_get_height (GTK_WIDGET (self))),
                              &self->damage_parity);
}

static void
draw_flights (ShmvizBufferView *self,
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
      anchor_of (self, p, &ax, &ay);
      if (f->kind == SHMVIZ_EV_WRITE_SLOT)
        sx = ax, sy = ay, ex = c->rect.origin.x + c->rect.size.width / 2, ey = c->rect.origin.y + c->rect.size.height / 2;
      else
        ex = ax, ey = ay, sx = c->rect.origin.x + c->rect.size.width / 2, sy = c->rect.origin.y + c->rect.size.height / 2;
      x = sx + (ex - sx) * t;
      y = sy + (ey - sy) * t;
      fill = *item_color (self, f->item, SHMVIZ_SLOT_FULL);

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

          format_item (label, sizeof label, f->item);
          px = label_px (self, label, chip);
          text.alpha = fill.alpha;
          if (px >= MIN_LABEL_PX)
            shmviz_text_cache_draw (self->text, snapshot, label, px, TRUE, x, y, 0.5f, 0.5f, &text);
        }
    }
}

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

/* A storm of flashes (thousands of slots, synchronization off): one
 * square each, as draw_flashes() draws them, but painted into one image.
 * They pulse every frame, and as nodes each would cost the cairo renderer
 * a save, a pattern and a fill per frame; cells that small sit on whole
 * pixels, so the image is exact. */
static void
paint_flash_storm (ShmvizBufferView *self,
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

      if (slot >= self->n_slots)
        continue;
      sv = &self->slots[slot];
      r = &g_array_index (self->cells, Cell, slot).rect;
      s = r->size.width;
      t = (float) (now - self->flash_start[slot]) / FLASH_US;
      if (t < 0 || t > 1)
        continue;
      pulse = (0.55f + 0.45f * cosf (t * 6 * G_PI)) * (1 - t * 0.5f);
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

static void
flash_pictures_free (ShmvizBufferView *self)
{
  if (self->flash_pictures == NULL)
    return;
  for (guint i = 0; i < FLASH_PICTURES; i++)
    flash_picture_clear (&self->flash_pictures[i]);
  g_clear_pointer (&self->flash_pictures, g_free);
}

static void
draw_flashes (ShmvizBufferView *self,
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

      if (slot >= self->n_slots)
        continue;
      sv = &self->slots[slot];
      r = &g_array_index (self->cells, Cell, slot).rect;
      s = r->size.width;
      t = (float) (now - self->flash_start[slot]) / FLASH_US;
      if (t < 0 || t > 1)
        continue;
      color = shmviz_palette_anomaly (self->palette, sv->flash > 0 ? sv->flash - 1 : 0);
      /* Three pulses that fade out. */
      pulse = (0.55f + 0.45f * cosf (t * 6 * G_PI)) * (1 - t * 0.5f);
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

static void
shmviz_buffer_view_snapshot (GtkWidget   *widget,
                             GtkSnapshot *snapshot)
{
  ShmvizBufferView *self = SHMVIZ_BUFFER_VIEW (widget);
  gboolean dark = shmviz_draw_is_dark (GTK_WIDGET (self), self->palette);
  gint64 now = now_us (self);

  if (!self->have_snapshot || self->n_slots == 0)
    {
      int w = gtk_widget_get_width (widget), h = gtk_widget_get_height (widget);

      shmviz_text_cache_draw (self->text, snapshot, _("No session"), (int) z (self, 18), FALSE, w / 2.0f,
                              h / 2.0f, 0.5f, 0.5f, shmviz_palette_line (self->palette, dark));
      return;
    }

  ensure_geometry (self);
  if (gtk_widget_get_scale_factor (widget) != self->picture_scale)
    {
      /* Crisp on a HiDPI monitor: the pictures drawn again at its scale. */
      self->picture_scale = gtk_widget_get_scale_factor (widget);
      invalidate_geometry (self);
      ensure_geometry (self);
    }

  if (self->static_node != NULL &&
      (self->static_dark != dark || self->static_procs != self->n_procs ||
       g_strcmp0 (self->static_palette, self->palette) != 0))
    {
      g_clear_pointer (&self->static_node, gsk_render_node_unref);
      /* The cells wear the theme too. */
      drop_cell_nodes (self);
      g_clear_pointer (&self->cells_node, gsk_render_node_unref);
    }
  if (self->static_node == NULL)
    {
      /* Pictures in cairo nodes, not textures: GTK 4.8's cairo renderer
       * converts a texture on every draw (see shmviz_draw_image_node()). */
      self->static_node = build_static (self, dark);
      self->static_dark = dark;
      self->static_procs = self->n_procs;
      g_free (self->static_palette);
      self->static_palette = g_strdup (self->palette);
    }
  self->frame_rebuilt = 0;
  if (self->cells_node == NULL || self->slots_node == NULL || self->cells_generation != self->generation)
    {
      g_clear_pointer (&self->cells_node, gsk_render_node_unref);
      self->frame_rebuilt = update_cells (self, dark);
      self->cells_node = build_pointers (self, dark);
      self->cells_generation = self->generation;
    }

  coarse_damage (self, snapshot);
  gtk_snapshot_append_node (snapshot, self->static_node);
  gtk_snapshot_append_node (snapshot, self->slots_node);
  gtk_snapshot_append_node (snapshot, self->cells_node);

  if (self->flashing->len > MAX_RICH_FLASHES)
    paint_flash_storm (self, snapshot, now);
  else
    draw_flashes (self, snapshot, now, dark);

  if (self->highlight >= 0 && (guint) self->highlight < self->n_slots)
    {
      const graphene_rect_t *r = &g_array_index (self->cells, Cell, self->highlight).rect;
      float g = MAX (z (self, 4), self->cell_size * 0.1f);

      shmviz_draw_outline (snapshot, &GRAPHENE_RECT_INIT (r->origin.x - g, r->origin.y - g, r->size.width + 2 * g,
                                                     r->size.height + 2 * g),
                      self->cell_size * 0.25f, z (self, 3), shmviz_palette_anomaly (self->palette, 0));
    }
  if (self->hover >= 0 && (guint) self->hover < self->n_slots)
    {
      const graphene_rect_t *r = &g_array_index (self->cells, Cell, self->hover).rect;
      GdkRGBA c = *shmviz_palette_foreground (self->palette, dark);

      c.alpha = 0.6f;
      shmviz_draw_outline (snapshot, r, self->cell_size * 0.18f, MAX (1.5f, z (self, 2)), &c);
    }
  if (gtk_widget_has_focus (widget) && self->focused >= 0 && (guint) self->focused < self->n_slots)
    {
      const graphene_rect_t *r = &g_array_index (self->cells, Cell, self->focused).rect;
      float g = MAX (z (self, 3), self->cell_size * 0.06f);

      /* The focus ring: accent, outside the cell, thick enough for a projector. */
      shmviz_draw_outline (snapshot, &GRAPHENE_RECT_INIT (r->origin.x - g, r->origin.y - g, r->size.width + 2 * g,
                                                     r->size.height + 2 * g),
                      self->cell_size * 0.22f, z (self, 3), shmviz_palette_accent (self->palette, dark));
    }

  draw_flights (self, snapshot, now, dark);
}

/* Animation -------------------------------------------------------------- */

static gboolean
animating (ShmvizBufferView *self,
           gint64            now)
{
  gboolean any = FALSE;

  for (guint p = 0; p < self->n_procs; p++)
    {
      if (self->flights[p].start_us != 0 && now - self->flights[p].start_us > ANIM_US)
        self->flights[p].start_us = 0;
      any |= self->flights[p].start_us != 0;
    }
  for (guint i = 0; i < self->flashing->len;)
    {
      guint slot = g_array_index (self->flashing, guint, i);

      if (slot >= self->n_slots || now - self->flash_start[slot] > FLASH_US)
        g_array_remove_index_fast (self->flashing, i);
      else
        i++;
    }
  return any || self->flashing->len > 0;
}

static gboolean
tick_cb (GtkWidget     *widget,
         GdkFrameClock *clock,
         gpointer       user_data)
{
  ShmvizBufferView *self = SHMVIZ_BUFFER_VIEW (widget);

  gtk_widget_queue_draw (widget);
  if (!animating (self, gdk_frame_clock_get_frame_time (clock)))
    {
      self->tick_id = 0;
      return G_SOURCE_REMOVE;
    }
  return G_SOURCE_CONTINUE;
}

static void
ensure_tick (ShmvizBufferView *self)
{
  if (self->tick_id == 0 && gtk_widget_get_mapped (GTK_WIDGET (self)))
    self->tick_id = gtk_widget_add_tick_callback (GTK_WIDGET (self), tick_cb, NULL, NULL);
}

/* Public API ------------------------------------------------------------- */

void
shmviz_buffer_view_set_snapshot (ShmvizBufferView     *self,
                                 const ShmvizSnapshot *snapshot)
{
  gboolean first, resized, started = FALSE;
  gint64 now;

  g_return_if_fail (SHMVIZ_IS_BUFFER_VIEW (self));

  if (snapshot == NULL)
    {
      if (self->have_snapshot)
        {
          self->have_snapshot = FALSE;
          self->n_slots = 0;
          self->n_procs = 0;
          invalidate_geometry (self);
          gtk_widget_queue_draw (GTK_WIDGET (self));
        }
      return;
    }

  /* A still frame costs nothing. */
  if (self->have_snapshot && snapshot->generation == self->generation &&
      snapshot->n_slots == self->n_slots && snapshot->n_procs == self->n_procs)
    return;

  first = !self->have_snapshot;
  resized = snapshot->n_slots != self->n_slots || snapshot->n_procs != self->n_procs;
  now = now_us (self);

  if (snapshot->n_slots != self->n_slots)
    {
      self->slots = g_renew (ShmvizSlotView, self->slots, snapshot->n_slots);
      self->flash_seen = g_renew (guint64, self->flash_seen, snapshot->n_slots);
      self->flash_start = g_renew (gint64, self->flash_start, snapshot->n_slots);
      memset (self->flash_seen, 0, sizeof (guint64) * snapshot->n_slots);
      memset (self->flash_start, 0, sizeof (gint64) * snapshot->n_slots);
      g_array_set_size (self->flashing, 0);
      if (self->focused >= (int) snapshot->n_slots)
        self->focused = snapshot->n_slots > 0 ? 0 : -1;
      self->hover = -1;
    }
  if (snapshot->n_procs != self->n_procs)
    {
      self->procs = g_renew (ShmvizProcView, self->procs, snapshot->n_procs);
      self->flights = g_renew (Flight, self->flights, snapshot->n_procs);
      memset (self->flights, 0, sizeof (Flight) * snapshot->n_procs);
    }

  self->n_slots = snapshot->n_slots;
  self->n_procs = snapshot->n_procs;
  self->n_producers = MIN (snapshot->scenario.n_producers, snapshot->n_procs);
  if (self->n_slots > 0)
    memcpy (self->slots, snapshot->slots, sizeof (ShmvizSlotView) * self->n_slots);
  if (self->n_procs > 0)
    memcpy (self->procs, snapshot->procs, sizeof (ShmvizProcView) * self->n_procs);
  self->in = snapshot->in;
  self->out = snapshot->out;
  self->count = snapshot->count;
  self->generation = snapshot->generation;
  self->have_snapshot = TRUE;

  /* New steps that move an item start a flight; the first snapshot only
   * sets the baseline so that opening a session does not replay history. */
  for (guint p = 0; p < self->n_procs; p++)
    {
      const ShmvizProcView *pv = &self->procs[p];
      Flight *f = &self->flights[p];

      if (pv->last_ns == f->seen_ns)
        continue;
      f->seen_ns = pv->last_ns;
      if (first || resized)
        continue;
      if ((pv->last_kind == SHMVIZ_EV_WRITE_SLOT || pv->last_kind == SHMVIZ_EV_READ_SLOT) &&
          pv->last_slot < self->n_slots)
        {
          f->start_us = now;
          f->kind = pv->last_kind;
          f->slot = pv->last_slot;
          f->item = pv->last_item;
          started = TRUE;
        }
    }

  for (guint i = 0; i < self->n_slots; i++)
    {
      const ShmvizSlotView *sv = &self->slots[i];

      if (sv->flash == 0 || sv->flash_ns == self->flash_seen[i])
        continue;
      self->flash_seen[i] = sv->flash_ns;
      if (first && sv->flash_ns + 1500 * G_GUINT64_CONSTANT (1000000) < snapshot->now_ns)
        continue;
      if (now - self->flash_start[i] > FLASH_US)
        g_array_append_val (self->flashing, i);
      self->flash_start[i] = now;
      started = TRUE;
    }

  if (resized)
    invalidate_geometry (self);
  else
    invalidate_cells (self);
  if (started)
    ensure_tick (self);
  update_accessible (self);
  gtk_widget_queue_draw (GTK_WIDGET (self));
}

GtkWidget *
shmviz_buffer_view_new (void)
{
  return g_object_new (SHMVIZ_TYPE_BUFFER_VIEW, NULL);
}

void
shmviz_buffer_view_set_model (ShmvizBufferView *self,
                              ShmvizModel      *model)
{
  g_return_if_fail (SHMVIZ_IS_BUFFER_VIEW (self));

  if (self->model == model)
    return;
  g_clear_pointer (&self->model, shmviz_model_unref);
  if (model)
    self->model = shmviz_model_ref (model);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_MODEL]);
}

ShmvizModel *
shmviz_buffer_view_get_model (ShmvizBufferView *self)
{
  g_return_val_if_fail (SHMVIZ_IS_BUFFER_VIEW (self), NULL);
  return self->model;
}

void
shmviz_buffer_view_set_layout (ShmvizBufferView *self,
                               const char       *layout)
{
  const char *canon;

  g_return_if_fail (SHMVIZ_IS_BUFFER_VIEW (self));

  canon = g_strcmp0 (layout, "row") == 0 ? "row" : "ring";
  if (g_strcmp0 (self->layout, canon) == 0)
    return;
  g_free (self->layout);
  self->layout = g_strdup (canon);
  invalidate_geometry (self);
  gtk_widget_queue_draw (GTK_WIDGET (self));
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_LAYOUT]);
}

const char *
shmviz_buffer_view_get_layout (ShmvizBufferView *self)
{
  g_return_val_if_fail (SHMVIZ_IS_BUFFER_VIEW (self), NULL);
  return self->layout;
}

void
shmviz_buffer_view_set_zoom (ShmvizBufferView *self,
                             double            zoom)
{
  g_return_if_fail (SHMVIZ_IS_BUFFER_VIEW (self));

  zoom = CLAMP (zoom, 1.0, 3.0);
  if (zoom == self->zoom)
    return;
  self->zoom = zoom;
  invalidate_geometry (self);
  gtk_widget_queue_resize (GTK_WIDGET (self));
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_ZOOM]);
}

double
shmviz_buffer_view_get_zoom (ShmvizBufferView *self)
{
  g_return_val_if_fail (SHMVIZ_IS_BUFFER_VIEW (self), 1.0);
  return self->zoom;
}

void
shmviz_buffer_view_set_palette (ShmvizBufferView *self,
                                const char       *palette)
{
  const char *canon;

  g_return_if_fail (SHMVIZ_IS_BUFFER_VIEW (self));

  canon = shmviz_palette_canonical (palette);
  if (g_strcmp0 (self->palette, canon) == 0)
    return;
  g_free (self->palette);
  self->palette = g_strdup (canon);
  gtk_widget_queue_draw (GTK_WIDGET (self));
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_PALETTE]);
}

const char *
shmviz_buffer_view_get_palette (ShmvizBufferView *self)
{
  g_return_val_if_fail (SHMVIZ_IS_BUFFER_VIEW (self), NULL);
  return self->palette;
}

void
shmviz_buffer_view_set_highlight (ShmvizBufferView *self,
                                  int               slot)
{
  g_return_if_fail (SHMVIZ_IS_BUFFER_VIEW (self));

  slot = MAX (slot, -1);
  if (slot == self->highlight)
    return;
  self->highlight = slot;
  gtk_widget_queue_draw (GTK_WIDGET (self));
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_HIGHLIGHT]);
}

int
shmviz_buffer_view_get_highlight (ShmvizBufferView *self)
{
  g_return_val_if_fail (SHMVIZ_IS_BUFFER_VIEW (self), -1);
  return self->highlight;
}

void
shmviz_buffer_view_set_focused_slot (ShmvizBufferView *self,
                                     int               slot)
{
  g_return_if_fail (SHMVIZ_IS_BUFFER_VIEW (self));

  slot = MAX (slot, -1);
  if (self->n_slots > 0 && slot >= (int) self->n_slots)
    slot = self->n_slots - 1;
  if (slot == self->focused)
    return;
  self->focused = slot;
  update_accessible (self);
  gtk_widget_trigger_tooltip_query (GTK_WIDGET (self));
  gtk_widget_queue_draw (GTK_WIDGET (self));
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_FOCUSED_SLOT]);
}

int
shmviz_buffer_view_get_focused_slot (ShmvizBufferView *self)
{
  g_return_val_if_fail (SHMVIZ_IS_BUFFER_VIEW (self), -1);
  return self->focused;
}

/* Input ------------------------------------------------------------------ */

static void
motion_cb (GtkEventControllerMotion *motion,
           double                    x,
           double                    y,
           ShmvizBufferView         *self)
{
  int slot = self->have_snapshot ? slot_at (self, x, y) : -1;

  if (slot != self->hover)
    {
      self->hover = slot;
      gtk_widget_queue_draw (GTK_WIDGET (self));
    }
}

static void
leave_cb (GtkEventControllerMotion *motion,
          ShmvizBufferView         *self)
{
  if (self->hover != -1)
    {
      self->hover = -1;
      gtk_widget_queue_draw (GTK_WIDGET (self));
    }
}

static void
pressed_cb (GtkGestureClick  *gesture,
            int               n_press,
            double            x,
            double            y,
            ShmvizBufferView *self)
{
  int slot = self->have_snapshot ? slot_at (self, x, y) : -1;

  gtk_widget_grab_focus (GTK_WIDGET (self));
  if (slot < 0)
    return;
  shmviz_buffer_view_set_focused_slot (self, slot);
  g_signal_emit (self, signals[SLOT_ACTIVATED], 0, (guint) slot);
}

static gboolean
key_pressed_cb (GtkEventControllerKey *key,
                guint                  keyval,
                guint                  keycode,
                GdkModifierType        state,
                ShmvizBufferView      *self)
{
  int n = self->n_slots, f = self->focused, step = 0;
  gboolean row = g_strcmp0 (self->layout, "row") == 0;

  if (n == 0)
    return FALSE;

  switch (keyval)
    {
    case GDK_KEY_Left:
    case GDK_KEY_KP_Left:
      step = -1;
      break;
    case GDK_KEY_Right:
    case GDK_KEY_KP_Right:
      step = 1;
      break;
    case GDK_KEY_Up:
    case GDK_KEY_KP_Up:
      if (!row)
        return FALSE;
      step = -(int) self->grid_cols;
      break;
    case GDK_KEY_Down:
    case GDK_KEY_KP_Down:
      if (!row)
        return FALSE;
      step = (int) self->grid_cols;
      break;
    case GDK_KEY_Home:
      shmviz_buffer_view_set_focused_slot (self, 0);
      return TRUE;
    case GDK_KEY_End:
      shmviz_buffer_view_set_focused_slot (self, n - 1);
      return TRUE;
    case GDK_KEY_Return:
    case GDK_KEY_KP_Enter:
    case GDK_KEY_space:
      if (f < 0)
        return FALSE;
      g_signal_emit (self, signals[SLOT_ACTIVATED], 0, (guint) f);
      return TRUE;
    default:
      return FALSE;
    }

  if (step == 0)
    return FALSE;
  /* The ring wraps, as the buffer's indices do. */
  f = f < 0 ? 0 : (((f + step) % n) + n) % n;
  shmviz_buffer_view_set_focused_slot (self, f);
  return TRUE;
}

static void
focus_enter_cb (GtkEventControllerFocus *focus,
                ShmvizBufferView        *self)
{
  if (self->focused < 0 && self->n_slots > 0)
    shmviz_buffer_view_set_focused_slot (self, 0);
  gtk_widget_queue_draw (GTK_WIDGET (self));
}

static void
focus_leave_cb (GtkEventControllerFocus *focus,
                ShmvizBufferView        *self)
{
  gtk_widget_queue_draw (GTK_WIDGET (self));
}

static gboolean
shmviz_buffer_view_query_tooltip (GtkWidget  *widget,
                                  int         x,
                                  int         y,
                                  gboolean    keyboard,
                                  GtkTooltip *tooltip)
{
  ShmvizBufferView *self = SHMVIZ_BUFFER_VIEW (widget);
  g_autofree char *text = NULL;
  int slot;

  if (!self->have_snapshot)
    return FALSE;
  slot = keyboard ? self->focused : slot_at (self, x, y);
  if (slot < 0)
    return FALSE;
  text = shmviz_buffer_view_describe_slot (self, slot);
  gtk_tooltip_set_text (tooltip, text);
  if (!keyboard)
    {
      const graphene_rect_t *r = &g_array_index (self->cells, Cell, slot).rect;

      gtk_tooltip_set_tip_area (tooltip, &(GdkRectangle) { r->origin.x, r->origin.y, MAX (1, r->size.width),
                                                           MAX (1, r->size.height) });
    }
  return TRUE;
}

/* GObject ---------------------------------------------------------------- */

static void
shmviz_buffer_view_measure (GtkWidget      *widget,
                            GtkOrientation  orientation,
                            int             for_size,
                            int            *minimum,
                            int            *natural,
                            int            *minimum_baseline,
                            int            *natural_baseline)
{
  ShmvizBufferView *self = SHMVIZ_BUFFER_VIEW (widget);

  /* Cells, tags and anchors are sized from the allocation: like the
   * process view beside it, the height floor grows with √zoom so a
   * projector's 1080 lines still hold the totals under it. */
  if (orientation == GTK_ORIENTATION_VERTICAL)
    *minimum = (int) (200 * sqrt (self->zoom));
  else
    *minimum = (int) z (self, 240);
  *natural = (int) z (self, orientation == GTK_ORIENTATION_HORIZONTAL ? 560 : 440);
}

static void
shmviz_buffer_view_unmap (GtkWidget *widget)
{
  ShmvizBufferView *self = SHMVIZ_BUFFER_VIEW (widget);

  if (self->tick_id != 0)
    {
      gtk_widget_remove_tick_callback (widget, self->tick_id);
      self->tick_id = 0;
    }
  GTK_WIDGET_CLASS (shmviz_buffer_view_parent_class)->unmap (widget);
}

static void
shmviz_buffer_view_system_setting_changed (GtkWidget        *widget,
                                           GtkSystemSetting  setting)
{
  ShmvizBufferView *self = SHMVIZ_BUFFER_VIEW (widget);

  GTK_WIDGET_CLASS (shmviz_buffer_view_parent_class)->system_setting_changed (widget, setting);
  /* Fonts changed: every cached layout and node is stale. */
  shmviz_text_cache_clear (self->text);
  flash_pictures_free (self);
  invalidate_geometry (self);
  gtk_widget_queue_draw (widget);
}

static void
shmviz_buffer_view_finalize (GObject *object)
{
  ShmvizBufferView *self = SHMVIZ_BUFFER_VIEW (object);

  g_clear_pointer (&self->model, shmviz_model_unref);
  drop_cell_nodes (self);
  g_clear_pointer (&self->static_node, gsk_render_node_unref);
  g_clear_pointer (&self->cells_node, gsk_render_node_unref);
  g_free (self->cell_nodes);
  g_free (self->cell_keys);
  g_free (self->cell_valid);
  g_clear_pointer (&self->cells, g_array_unref);
  g_clear_pointer (&self->flashing, g_array_unref);
  flash_pictures_free (self);
  g_clear_pointer (&self->text, shmviz_text_cache_free);
  g_free (self->slots);
  g_free (self->procs);
  g_free (self->flights);
  g_free (self->flash_seen);
  g_free (self->flash_start);
  g_free (self->layout);
  g_free (self->palette);
  g_free (self->static_palette);
  g_free (self->description);

  G_OBJECT_CLASS (shmviz_buffer_view_parent_class)->finalize (object);
}

static void
shmviz_buffer_view_get_property (GObject    *object,
                                 guint       prop_id,
                                 GValue     *value,
                                 GParamSpec *pspec)
{
  ShmvizBufferView *self = SHMVIZ_BUFFER_VIEW (object);

  switch (prop_id)
    {
    case PROP_MODEL:
      g_value_set_boxed (value, self->model);
      break;
    case PROP_LAYOUT:
      g_value_set_string (value, self->layout);
      break;
    case PROP_ZOOM:
      g_value_set_double (value, self->zoom);
      break;
    case PROP_PALETTE:
      g_value_set_string (value, self->palette);
      break;
    case PROP_HIGHLIGHT:
      g_value_set_int (value, self->highlight);
      break;
    case PROP_FOCUSED_SLOT:
      g_value_set_int (value, self->focused);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
shmviz_buffer_view_set_property (GObject      *object,
                                 guint         prop_id,
                                 const GValue *value,
                                 GParamSpec   *pspec)
{
  ShmvizBufferView *self = SHMVIZ_BUFFER_VIEW (object);

  switch (prop_id)
    {
    case PROP_MODEL:
      shmviz_buffer_view_set_model (self, g_value_get_boxed (value));
      break;
    case PROP_LAYOUT:
      shmviz_buffer_view_set_layout (self, g_value_get_string (value));
      break;
    case PROP_ZOOM:
      shmviz_buffer_view_set_zoom (self, g_value_get_double (value));
      break;
    case PROP_PALETTE:
      shmviz_buffer_view_set_palette (self, g_value_get_string (value));
      break;
    case PROP_HIGHLIGHT:
      shmviz_buffer_view_set_highlight (self, g_value_get_int (value));
      break;
    case PROP_FOCUSED_SLOT:
      shmviz_buffer_view_set_focused_slot (self, g_value_get_int (value));
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
shmviz_buffer_view_class_init (ShmvizBufferViewClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->finalize = shmviz_buffer_view_finalize;
  object_class->get_property = shmviz_buffer_view_get_property;
  object_class->set_property = shmviz_buffer_view_set_property;

  widget_class->snapshot = shmviz_buffer_view_snapshot;
  widget_class->measure = shmviz_buffer_view_measure;
  widget_class->unmap = shmviz_buffer_view_unmap;
  widget_class->query_tooltip = shmviz_buffer_view_query_tooltip;
  widget_class->system_setting_changed = shmviz_buffer_view_system_setting_changed;

  properties[PROP_MODEL] =
    g_param_spec_boxed ("model", NULL, NULL, SHMVIZ_TYPE_MODEL,
                        G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_LAYOUT] =
    g_param_spec_string ("layout", NULL, NULL, "ring",
                         G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_ZOOM] =
    g_param_spec_double ("zoom", NULL, NULL, 1.0, 3.0, 1.0,
                         G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_PALETTE] =
    g_param_spec_string ("palette", NULL, NULL, "default",
                         G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_HIGHLIGHT] =
    g_param_spec_int ("highlight", NULL, NULL, -1, G_MAXINT, -1,
                      G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_FOCUSED_SLOT] =
    g_param_spec_int ("focused-slot", NULL, NULL, -1, G_MAXINT, -1,
                      G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  /**
   * ShmvizBufferView::slot-activated:
   * @slot: the slot clicked, or chosen with Enter
   */
  signals[SLOT_ACTIVATED] =
    g_signal_new ("slot-activated", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0, NULL, NULL, NULL,
                  G_TYPE_NONE, 1, G_TYPE_UINT);

  gtk_widget_class_set_css_name (widget_class, "shmvizbufferview");
  gtk_widget_class_set_accessible_role (widget_class, GTK_ACCESSIBLE_ROLE_GROUP);
}

/* The pictures are drawn again at the new scale on the next frame (see
 * the snapshot); this makes sure there is one. */
static void
scale_factor_changed_cb (ShmvizBufferView *self)
{
  gtk_widget_queue_draw (GTK_WIDGET (self));
}

static void
shmviz_buffer_view_init (ShmvizBufferView *self)
{
  GtkEventController *controller;
  GtkGesture *click;

  self->layout = g_strdup ("ring");
  self->palette = g_strdup ("default");
  self->zoom = 1.0;
  self->highlight = -1;
  self->focused = -1;
  self->hover = -1;
  self->geo_width = -1;
  self->picture_scale = 1;
  self->cells = g_array_new (FALSE, TRUE, sizeof (Cell));
  self->flashing = g_array_new (FALSE, FALSE, sizeof (guint));
  self->text = shmviz_text_cache_new (GTK_WIDGET (self), 512);

  gtk_widget_set_focusable (GTK_WIDGET (self), TRUE);
  gtk_widget_set_has_tooltip (GTK_WIDGET (self), TRUE);
  g_signal_connect (self, "notify::scale-factor", G_CALLBACK (scale_factor_changed_cb), NULL);

  controller = gtk_event_controller_motion_new ();
  g_signal_connect (controller, "motion", G_CALLBACK (motion_cb), self);
  g_signal_connect (controller, "leave", G_CALLBACK (leave_cb), self);
  gtk_widget_add_controller (GTK_WIDGET (self), controller);

  click = gtk_gesture_click_new ();
  g_signal_connect (click, "pressed", G_CALLBACK (pressed_cb), self);
  gtk_widget_add_controller (GTK_WIDGET (self), GTK_EVENT_CONTROLLER (click));

  controller = gtk_event_controller_key_new ();
  g_signal_connect (controller, "key-pressed", G_CALLBACK (key_pressed_cb), self);
  gtk_widget_add_controller (GTK_WIDGET (self), controller);

  controller = gtk_event_controller_focus_new ();
  g_signal_connect (controller, "enter", G_CALLBACK (focus_enter_cb), self);
  g_signal_connect (controller, "leave", G_CALLBACK (focus_leave_cb), self);
  gtk_widget_add_controller (GTK_WIDGET (self), controller);

  gtk_accessible_update_property (GTK_ACCESSIBLE (self),
                                  GTK_ACCESSIBLE_PROPERTY_LABEL, _("Buffer"),
                                  GTK_ACCESSIBLE_PROPERTY_DESCRIPTION, _("No session"),
                                  -1);
}
