/* shmviz-timeline-view.c — one lane per process over time
 *
 * The right edge follows the newest event while "follow" is set; scrolling
 * or dragging back clears it and the run goes on underneath.  Spans come
 * from the model and anomalies from shmviz_model_get_anomalies(), both
 * fetched incrementally.
 *
 * Spans are kept as pixel columns, one state per column and lane: where
 * several spans share a column the state a teacher looks for wins (see
 * bar_rank()), so a full-speed run draws at most one bar per run of equal
 * columns and nothing that happened disappears.  While following, the
 * columns already filled stay valid as the view scrolls: a frame fetches
 * only the spans that are new since the last one and fills their columns.
 * Few runs of equal columns are drawn as bars; many (tens of thousands at
 * 128 processes) are painted into an image that also scrolls by column,
 * see draw_lanes().
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <math.h>
#include <string.h>

#include <glib/gi18n.h>

#include "ledger.h"
#include "shmviz-draw.h"
#include "shmviz-palette.h"
#include "shmviz-timeline-view-private.h"

#define DEFAULT_SPAN_NS (G_GUINT64_CONSTANT (5) * 1000000000u)
#define MIN_SPAN_NS     (G_GUINT64_CONSTANT (10) * 1000u)
#define MAX_SPAN_NS     (G_GUINT64_CONSTANT (3600) * 1000000000u)

/* Geometry ----------------------------------------------------------------
 *
 * A gutter for names on the left, the time axis on top, the legend at the
 * bottom and the lanes in between.  The axis and legend are drawn at their
 * own scale, between 1 and the zoom: in a short view (the bottom pane of a
 * projector at 300 % is 200–300 px) the zoom's full size would leave the
 * lanes a few pixels, so they shrink until they take at most
 * CHROME_SHARE of the height, never below their size at 100 %.  The legend
 * wraps onto a second line before it would run off the right edge or under
 * the follow button, and only when two lines at 100 % cannot hold it drops
 * its least telling entries. */

#define CHROME_SHARE 0.4f
#define LEGEND_MAX_ROWS 2
#define N_LEGEND 7

/* The legend's entries, in the order they are read; the last is the
 * anomaly mark. */
static const ShmvizViewState legend_states[N_LEGEND - 1] = {
  SHMVIZ_VIEW_RUNNING, SHMVIZ_VIEW_ACQUIRING, SHMVIZ_VIEW_WAITING, SHMVIZ_VIEW_CRITICAL, SHMVIZ_VIEW_STOPPED,
  SHMVIZ_VIEW_DEAD,
};

/* Which entries go first when there is no room: a class can tell "dead"
 * and "stopped" from the bars' shapes, while waiting, the lock and the
 * anomaly mark are the lesson. */
static const guint legend_drop_order[N_LEGEND] = { 5, 4, 1, 0, 3, 2, 6 };

static const char *
legend_name (guint entry)
{
  /* Translators: the legend's entry for the triangles that mark races */
  return entry < N_LEGEND - 1 ? shmviz_view_state_name (legend_states[entry]) : _("anomaly");
}

typedef struct {
  guint entry;
  float x, y;                  /* swatch's left, the row's middle */
  float swatch, width;         /* swatch's width, and with the text */
  int text_w, text_h;
} LegendSlot;

typedef struct {
  /* What it was laid out for. */
  gboolean valid;
  int width, height, button_w, button_h;
  gboolean follow_shown;
  double zoom;
  guint n_procs, n_producers;

  float chrome;                /* scale of axis and legend: 1 … zoom */
  float gutter, axis, band;    /* band: the legend's, at the bottom */
  graphene_rect_t area;        /* the lanes */
  float lane_h;
  int name_px;                 /* 0: lanes too thin for names */
  int legend_px;
  float box, row_h;
  guint n_rows, n_slots, n_dropped;
  LegendSlot slots[N_LEGEND];
  graphene_rect_t follow;
} Layout;

struct _ShmvizTimelineView
{
  GtkWidget parent_instance;

  ShmvizModel *model;
  char *palette;
  double zoom;
  gboolean follow;
  guint64 span_ns;
  guint64 end_ns;              /* right edge when not following */

  gboolean have_snapshot;
  guint64 generation;
  guint64 start_ns, now_ns;
  guint n_procs, n_producers;

  GArray *spans;               /* scratch, ShmvizSpan */
  GArray *anomalies;           /* every anomaly so far, ShmvizAnomaly */

  /* Pixel columns per lane, keyed by everything that maps time to them. */
  guint8 *cols;                /* col_procs × col_width, ring by column */
  guint64 *col_since;          /* col_procs: start of the newest span filled */
  gint64 col_lo;               /* absolute column of the view's left edge */
  int col_width;
  guint col_procs;
  guint64 col_start_ns, col_span_ns, col_now_ns;
  float col_lane_h;
  gboolean col_valid;
  gint64 dirty_lo;             /* first column to repaint in lanes_image */
  /* Lanes a few pixels high mark an anomaly with a tick across the lane,
   * kept by column like the states. */
  guint8 *ticks;               /* col_procs × col_width: ShmvizAnomalyKind + 1 */
  double *tick_last;           /* col_procs: column of the last tick */
  guint tick_next;             /* next anomaly to place, G_MAXUINT: look it up */
  cairo_surface_t *lanes_image;

  GskRenderNode *node;
  guint64 node_generation, node_end;
  int node_width, node_height;

  Layout layout;
  GtkWidget *follow_button;
  guint64 drag_end;
  ShmvizTextCache *text;
};

enum {
  PROP_0,
  PROP_MODEL,
  PROP_ZOOM,
  PROP_PALETTE,
  PROP_FOLLOW,
  PROP_SPAN_NS,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

G_DEFINE_FINAL_TYPE (ShmvizTimelineView, shmviz_timeline_view, GTK_TYPE_WIDGET)

static float
z (ShmvizTimelineView *self,
   float               v)
{
  return v * (float) self->zoom;
}

static void
invalidate (ShmvizTimelineView *self)
{
  self->col_valid = FALSE;
  g_clear_pointer (&self->node, gsk_render_node_unref);
  gtk_widget_queue_draw (GTK_WIDGET (self));
}

static guint64
right_edge (ShmvizTimelineView *self)
{
  guint64 end = self->follow ? self->now_ns : MIN (self->end_ns, self->now_ns);

  /* Before anything happened the lanes start at the left edge. */
  return MAX (end, self->start_ns + self->span_ns);
}

static float
entry_swatch (guint entry,
              float box)
{
  return entry < N_LEGEND - 1 ? box * 1.6f : box;
}

static float
band_height (const Layout *l,
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
static gboolean
place_legend (ShmvizTimelineView *self,
              Layout             *l,
              float               c,
              guint               dropped)
{
  float left = l->gutter, box = 16 * c, row_h = 34 * c, gap = 4 * c, space = 14 * c;
  int px = (int) roundf (13 * c);

  for (guint rows = 1; rows <= LEGEND_MAX_ROWS; rows++)
    {
      guint row = 0, n = 0;
      float x = left, band = band_height (l, rows, row_h);
      float top = l->height - band + (band - rows * row_h) / 2;
      gboolean ok = TRUE;

      for (guint e = 0; e < N_LEGEND && ok; e++)
        {
          LegendSlot *slot = &l->slots[n];

          if (dropped & (1u << e))
            continue;
          slot->entry = e;
          slot->swatch = entry_swatch (e, box);
          shmviz_text_cache_measure (self->text, legend_name (e), px, FALSE, &slot->text_w, &slot->text_h);
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

/* Lays the view out for @width × @height, unless @l already is for that,
 * this zoom, these processes and this follow button. */
static void
compute_layout (ShmvizTimelineView *self,
                Layout             *l,
                int                 width,
                int                 height)
{
  int bw, bh, lo = 13, hi = MAX (13, (int) roundf (13 * (float) self->zoom)), best = 0;
  guint dropped = 0;
  float c;

  gtk_widget_measure (self->follow_button, GTK_ORIENTATION_HORIZONTAL, -1, NULL, &bw, NULL, NULL);
  gtk_widget_measure (self->follow_button, GTK_ORIENTATION_VERTICAL, bw, NULL, &bh, NULL, NULL);
  if (l->valid && l->width == width && l->height == height && l->zoom == self->zoom && l->button_w == bw &&
      l->button_h == bh && l->follow_shown == !self->follow && l->n_procs == self->n_procs &&
      l->n_producers == self->n_producers)
    return;
  l->valid = TRUE;
  l->width = width;
  l->height = height;
  l->zoom = self->zoom;
  l->button_w = bw;
  l->button_h = bh;
  l->follow_shown = !self->follow;
  l->n_procs = self->n_procs;
  l->n_producers = self->n_producers;
  l->follow = GRAPHENE_RECT_INIT (MAX (0, width - bw - 8), MAX (0, height - bh - 4), bw, bh);
  l->gutter = z (self, 64);

  /* The largest scale, by whole pixels of legend text, that leaves the
   * lanes their share; more rows or larger text only ever take more.
   * The follow button's room is not counted: it is the same at any
   * scale, and counting it shrank the text at 300 % for no lane's
   * gain. */
  while (lo <= hi)
    {
      int mid = (lo + hi) / 2;

      c = mid / 13.0f;
      if (place_legend (self, l, c, 0) && 30 * c + l->n_rows * l->row_h <= CHROME_SHARE * height)
        {
          best = mid;
          lo = mid + 1;
        }
      else
        hi = mid - 1;
    }
  if (best > 0)
    place_legend (self, l, best / 13.0f, 0);
  else
    for (guint i = 0; !place_legend (self, l, 1, dropped); i++)
      dropped |= 1u << legend_drop_order[i];
  l->n_dropped = 0;
  for (guint i = 0; i < N_LEGEND; i++)
    l->n_dropped += (dropped >> i) & 1;

  c = l->chrome = MAX (best, 13) / 13.0f;
  l->axis = 30 * c;
  l->band = band_height (l, l->n_rows, l->row_h);
  l->area = GRAPHENE_RECT_INIT (l->gutter, l->axis, MAX (width - l->gutter - z (self, 8), 10),
                                MAX (height - l->axis - l->band, 10));
  l->lane_h = self->n_procs > 0 ? MIN (z (self, 34), l->area.size.height / self->n_procs) : l->area.size.height;

  /* Names as large as the lane allows, as long as every one fits its lane
   * and the gutter; under 8 px none is drawn. */
  l->name_px = 0;
  for (int px = (int) MIN (l->lane_h * 0.62f, z (self, 17)); px >= 8 && l->name_px == 0; px--)
    {
      float room = l->gutter - MAX (3.0f, z (self, 5)) - z (self, 8);
      gboolean fits = TRUE;

      for (guint p = 0; p < self->n_procs && fits; p++)
        {
          g_autofree char *name = shmviz_proc_label (p, self->n_producers);
          int tw, th;

          shmviz_text_cache_measure (self->text, name, px, TRUE, &tw, &th);
          fits = tw <= room && th <= l->lane_h;
        }
      if (fits)
        l->name_px = px;
    }
}

static Layout *
get_layout (ShmvizTimelineView *self)
{
  compute_layout (self, &self->layout, gtk_widget_get_width (GTK_WIDGET (self)),
                  gtk_widget_get_height (GTK_WIDGET (self)));
  return &self->layout;
}

/* Where lane @p's name goes: right-aligned before its swatch. */
static void
lane_name_rect (ShmvizTimelineView *self,
                const Layout       *l,
                guint               p,
                const char         *name,
                graphene_rect_t    *rect)
{
  float sw = MAX (3.0f, z (self, 5)), x = l->area.origin.x - sw - z (self, 8);
  float y = l->area.origin.y + p * l->lane_h + l->lane_h / 2;
  int tw, th;

  shmviz_text_cache_measure (self->text, name, l->name_px, TRUE, &tw, &th);
  *rect = GRAPHENE_RECT_INIT (roundf (x - tw), roundf (y - th * 0.5f), tw, th);
}

/* Lanes too thin for names still say whose they are: "P1–P64" beside
 * the producers' block, "C1–C64" beside the consumers'.  FALSE when
 * there are names, no such block or no room for its label. */
static gboolean
group_label (ShmvizTimelineView *self,
             const Layout       *l,
             guint               group,
             char               *text,
             gsize               size,
             int                *px,
             graphene_rect_t    *rect,
             graphene_rect_t    *lanes)
{
  guint first = group == 0 ? 0 : l->n_producers;
  guint n = group == 0 ? l->n_producers : l->n_procs - l->n_producers;
  float sw = MAX (3.0f, z (self, 5)), right = l->area.origin.x - sw - z (self, 8);
  g_autofree char *a = NULL;
  g_autofree char *b = NULL;

  if (l->name_px > 0 || n == 0)
    return FALSE;
  a = shmviz_proc_label (first, l->n_producers);
  b = shmviz_proc_label (first + n - 1, l->n_producers);
  if (n == 1)
    g_strlcpy (text, a, size);
  else
    g_snprintf (text, size, "%s–%s", a, b);
  *lanes = GRAPHENE_RECT_INIT (0, l->area.origin.y + first * l->lane_h, l->area.origin.x, n * l->lane_h);
  for (*px = l->legend_px; *px >= 8; (*px)--)
    {
      int tw, th;

      shmviz_text_cache_measure (self->text, text, *px, TRUE, &tw, &th);
      if (tw <= right - 2 && th <= lanes->size.height)
        {
          *rect = GRAPHENE_RECT_INIT (roundf (right - tw), roundf (lanes->origin.y + (lanes->size.height - th) / 2),
                                      tw, th);
          return TRUE;
        }
    }
  return FALSE;
}

static void
plot_area (ShmvizTimelineView *self,
           graphene_rect_t    *area)
{
  *area = get_layout (self)->area;
}

static double
ns_per_px (ShmvizTimelineView *self)
{
  graphene_rect_t area;

  plot_area (self, &area);
  return (double) self->span_ns / MAX (area.size.width, 1);
}

static void
set_follow_internal (ShmvizTimelineView *self,
                     gboolean            follow)
{
  follow = !!follow;
  if (follow == self->follow)
    return;
  self->follow = follow;
  if (!follow)
    self->end_ns = self->now_ns;
  gtk_widget_set_child_visible (self->follow_button, !follow);
  invalidate (self);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_FOLLOW]);
}

/* Moves the right edge by @delta_ns (negative: back in time). */
static void
scroll_by (ShmvizTimelineView *self,
           double              delta_ns)
{
  double end = (double) right_edge (self) + delta_ns;
  double earliest = (double) self->start_ns + (double) self->span_ns;

  if (end >= (double) self->now_ns)
    {
      /* Scrolling forward to the present resumes following. */
      set_follow_internal (self, TRUE);
      return;
    }
  end = MAX (end, earliest);
  set_follow_internal (self, FALSE);
  self->end_ns = (guint64) end;
  invalidate (self);
}

/* Drawing ---------------------------------------------------------------- */

static void
nice_step (double  ns_per_pixel,
           double  min_px,
           double *step)
{
  double want = ns_per_pixel * min_px, base = pow (10, floor (log10 (MAX (want, 1))));

  if (base >= want)
    *step = base;
  else if (2 * base >= want)
    *step = 2 * base;
  else if (5 * base >= want)
    *step = 5 * base;
  else
    *step = 10 * base;
}

static void
format_time (char   *buf,
             gsize   size,
             double  rel_ns,
             double  step)
{
  int decimals = step >= 1e9 ? 0 : (int) CLAMP (ceil (-log10 (step / 1e9)), 0, 6);

  /* Translators: a time on the timeline's axis, in seconds since the start */
  g_snprintf (buf, size, _("%.*f s"), decimals, rel_ns / 1e9);
}

static guint
bar_rank (guint8 state)
{
  /* Which state wins a pixel column shared by many short spans: the ones a
   * teacher looks for. */
  switch (state)
    {
    case SHMVIZ_VIEW_DEAD:      return 8;
    case SHMVIZ_VIEW_STOPPED:   return 7;
    case SHMVIZ_VIEW_WAITING:   return 6;
    case SHMVIZ_VIEW_CRITICAL:  return 5;
    case SHMVIZ_VIEW_ACQUIRING: return 4;
    case SHMVIZ_VIEW_PARKED:    return 3;
    case SHMVIZ_VIEW_RUNNING:   return 2;
    case SHMVIZ_VIEW_DONE:      return 1;
    default:                    return 0;
    }
}

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

static void
draw_bar (ShmvizTimelineView *self,
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

static gint64
column_of (ShmvizTimelineView *self,
           guint64             t,
           double              npp)
{
  return (gint64) floor ((double) (t - MIN (t, self->start_ns)) / npp);
}

/* Marks the columns of @sp, seen through [@t0, @t1], in @lane: a column
 * takes the highest-ranked state of the spans that touch it, so a step
 * shorter than a pixel still shows and a longer one is never hidden. */
static void
fill_span (ShmvizTimelineView *self,
           guint8             *lane,
           const ShmvizSpan   *sp,
           guint64             t0,
           guint64             t1,
           double              npp)
{
  guint64 s = MAX (sp->start_ns, t0);
  guint64 e = sp->end_ns == G_MAXUINT64 ? self->now_ns : sp->end_ns;
  gint64 c0, c1, lo = self->col_lo, hi = self->col_lo + self->col_width - 1;
  guint rank = bar_rank (sp->state);

  e = MIN (e, t1);
  if (s >= t1 || e <= s)
    return;
  c0 = column_of (self, s, npp);
  c1 = (gint64) ceil ((double) (e - self->start_ns) / npp) - 1;
  c1 = MAX (c0, c1);
  c0 = MAX (c0, lo);
  c1 = MIN (c1, hi);
  for (gint64 c = c0; c <= c1; c++)
    {
      guint8 *col = &lane[c % self->col_width];

      if (rank > bar_rank (*col))
        {
          *col = sp->state;
          self->dirty_lo = MIN (self->dirty_lo, c);
        }
    }
}

/* Brings the columns up to date for the view [@t0, @t1] over @width
 * pixels and @lane_h high lanes.  While following, only the spans new
 * since the last frame are fetched; anything else (resize, zoom, scrolling
 * back, another model or a model restored under us) refills every column
 * from the model. */
static void
update_columns (ShmvizTimelineView *self,
                int                 width,
                float               lane_h,
                guint64             t0,
                guint64             t1)
{
  double npp = (double) self->span_ns / MAX (width, 1);
  gint64 lo = column_of (self, t1, npp) - width + 1;
  gboolean reuse;

  /* Columns are stored by absolute index modulo the width, which wants
   * them non-negative. */
  lo = MAX (lo, 0);
  reuse = self->col_valid && self->cols != NULL && width == self->col_width && self->n_procs == self->col_procs &&
          lane_h == self->col_lane_h && self->start_ns == self->col_start_ns && self->span_ns == self->col_span_ns &&
          self->now_ns >= self->col_now_ns && (self->follow ? lo >= self->col_lo : lo == self->col_lo);

  if (!reuse)
    {
      gsize n = (gsize) width * MAX (self->n_procs, 1);

      g_free (self->cols);
      g_free (self->col_since);
      g_free (self->ticks);
      g_free (self->tick_last);
      self->cols = g_malloc0 (n);
      self->ticks = g_malloc0 (n);
      self->col_since = g_new (guint64, MAX (self->n_procs, 1));
      self->tick_last = g_new (double, MAX (self->n_procs, 1));
      for (guint p = 0; p < self->n_procs; p++)
        {
          self->col_since[p] = G_MAXUINT64;
          self->tick_last[p] = -G_MAXDOUBLE;
        }
      self->tick_next = G_MAXUINT;
      self->col_width = width;
      self->col_procs = self->n_procs;
      self->col_lane_h = lane_h;
      self->col_start_ns = self->start_ns;
      self->col_span_ns = self->span_ns;
      self->col_lo = lo;
      self->dirty_lo = G_MININT64;
    }
  else if (lo > self->col_lo)
    {
      /* Scrolled on: the columns that left on the left come back on the
       * right, empty. */
      gint64 gone = MIN (lo - self->col_lo, (gint64) width);

      for (guint p = 0; p < self->n_procs; p++)
        {
          guint8 *lane = self->cols + (gsize) p * width;
          guint8 *ticks = self->ticks + (gsize) p * width;

          for (gint64 k = 0; k < gone; k++)
            lane[(self->col_lo + k) % width] = ticks[(self->col_lo + k) % width] = 0;
        }
      self->dirty_lo = MIN (self->dirty_lo, self->col_lo + width);
      self->col_lo = lo;
    }

  for (guint p = 0; p < self->n_procs && self->model != NULL; p++)
    {
      guint8 *lane = self->cols + (gsize) p * width;
      guint64 since = self->col_since[p];
      const ShmvizSpan *first;

      g_array_set_size (self->spans, 0);
      shmviz_model_get_recent_spans (self->model, p, since == G_MAXUINT64 ? t0 : since, self->spans);
      if (self->spans->len == 0)
        continue;
      first = &g_array_index (self->spans, ShmvizSpan, 0);
      /* The newest span of last time comes back first, or the one right
       * after it if it ended on the spot; anything else is another history
       * (a restored model): start over. */
      if (since != G_MAXUINT64 && first->start_ns != since)
        {
          self->col_valid = FALSE;
          update_columns (self, width, lane_h, t0, t1);
          return;
        }
      for (guint i = 0; i < self->spans->len; i++)
        fill_span (self, lane, &g_array_index (self->spans, ShmvizSpan, i), t0, t1, npp);
      self->col_since[p] = g_array_index (self->spans, ShmvizSpan, self->spans->len - 1).start_ns;
    }
  self->col_now_ns = self->now_ns;
  self->col_valid = TRUE;
}

static float
mark_size (ShmvizTimelineView *self,
           float               lane_h)
{
  /* No smaller than at 100 %, nor, zoomed, much taller than the lane. */
  return CLAMP (lane_h * 0.8f, MAX (10.0f, MIN (z (self, 10), lane_h)), z (self, 22));
}

/* Places the ticks of the anomalies new since the last frame, for lanes
 * under 10 pixels.  One tick per lane per 0.6 mark widths: a burst reads
 * as one. */
static void
update_ticks (ShmvizTimelineView *self,
              float               lane_h,
              guint64             t0,
              guint64             t1)
{
  double npp = (double) self->span_ns / MAX (self->col_width, 1);
  float mark = mark_size (self, lane_h);
  gint64 lo = self->col_lo, hi = self->col_lo + self->col_width - 1;
  guint i;

  if (lane_h >= 10)
    return;
  if (self->tick_next == G_MAXUINT)
    {
      guint a = 0, b = self->anomalies->len;

      while (a < b)
        {
          guint mid = (a + b) / 2;

          if (g_array_index (self->anomalies, ShmvizAnomaly, mid).ts_ns + self->span_ns / 10 < t0)
            a = mid + 1;
          else
            b = mid;
        }
      self->tick_next = a;
    }
  for (i = self->tick_next; i < self->anomalies->len; i++)
    {
      const ShmvizAnomaly *a = &g_array_index (self->anomalies, ShmvizAnomaly, i);
      double xc;
      gint64 c;

      if (a->ts_ns > t1)
        break;
      if (a->actor >= self->n_procs || a->ts_ns < t0)
        continue;
      xc = (double) (a->ts_ns - MIN (a->ts_ns, self->start_ns)) / npp;
      if (xc - self->tick_last[a->actor] < mark * 0.6f)
        continue;
      self->tick_last[a->actor] = xc;
      c = (gint64) floor (xc);
      for (gint64 k = MAX (c - 1, lo); k <= MIN (c + 1, hi); k++)
        self->ticks[(gsize) a->actor * self->col_width + k % self->col_width] = a->kind + 1;
      self->dirty_lo = MIN (self->dirty_lo, MAX (c - 1, lo));
    }
  self->tick_next = i;
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

/* Calls draw_bar() for each run of equal columns that @image_too (or,
 * when FALSE, only that the image leaves out) and returns how many runs
 * there are. */
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
                draw_bar (self, snapshot, state, ox + run, ox + k, y, lane_h);
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
static void
draw_lanes (ShmvizTimelineView    *self,
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

static void
fetch_anomalies (ShmvizTimelineView *self)
{
  if (self->model == NULL)
    return;
  shmviz_model_get_anomalies (self->model, self->anomalies->len, self->anomalies);
}

static void
draw_anomalies (ShmvizTimelineView    *self,
                GtkSnapshot           *snapshot,
                const graphene_rect_t *area,
                float                  lane_h,
                guint64                t0,
                guint64                t1)
{
  double npp = (double) self->span_ns / MAX (self->col_width, 1);
  double x_base = floorf (area->origin.x) - (double) self->col_lo;
  float mark = mark_size (self, lane_h);
  g_autofree float *last_x = g_new0 (float, self->n_procs + 1);
  guint lo = 0, hi = self->anomalies->len;

  for (guint i = 0; i <= self->n_procs; i++)
    last_x[i] = -G_MAXFLOAT;

  /* Anomalies arrive in time order, give or take a merge: find the first
   * one in view, then walk. */
  while (lo < hi)
    {
      guint mid = (lo + hi) / 2;

      if (g_array_index (self->anomalies, ShmvizAnomaly, mid).ts_ns + self->span_ns / 10 < t0)
        lo = mid + 1;
      else
        hi = mid;
    }

  for (guint i = lo; i < self->anomalies->len; i++)
    {
      const ShmvizAnomaly *a = &g_array_index (self->anomalies, ShmvizAnomaly, i);
      guint lane = a->actor < self->n_procs ? a->actor : self->n_procs;
      float x, y;

      if (a->ts_ns < t0 || a->ts_ns > t1)
        continue;
      /* Ticks are drawn with the lanes. */
      if (lane < self->n_procs && lane_h < 10)
        continue;
      x = (float) (x_base + (double) (a->ts_ns - MIN (a->ts_ns, self->start_ns)) / npp);
      /* One mark per lane per mark width: a burst reads as one. */
      if (x - last_x[lane] < mark * 0.6f)
        continue;
      last_x[lane] = x;
      y = lane < self->n_procs ? area->origin.y + lane * lane_h + lane_h / 2 - mark / 2 : area->origin.y - mark;
      shmviz_palette_append_shape (snapshot, SHMVIZ_SHAPE_TRIANGLE,
                                   &GRAPHENE_RECT_INIT (x - mark / 2, y, mark, mark),
                                   shmviz_palette_anomaly (self->palette, a->kind));
      if (mark >= z (self, 14))
        shmviz_text_cache_draw (self->text, snapshot, shmviz_palette_anomaly_glyph (a->kind), (int) (mark * 0.5f),
                                TRUE, x, y + mark * 0.62f, 0.5f, 0.5f,
                                shmviz_palette_text_on (shmviz_palette_anomaly (self->palette, a->kind)));
    }
}

static void
draw_legend (ShmvizTimelineView *self,
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
        draw_bar (self, snapshot, legend_states[slot->entry], slot->x, slot->x + slot->swatch, slot->y - box / 2, box);
      else
        shmviz_palette_append_shape (snapshot, SHMVIZ_SHAPE_TRIANGLE,
                                     &GRAPHENE_RECT_INIT (slot->x, slot->y - box / 2, box, box),
                                     shmviz_palette_anomaly (self->palette, SHMVIZ_ANOMALY_LOST));
      shmviz_text_cache_draw (self->text, snapshot, legend_name (slot->entry), l->legend_px, FALSE,
                              slot->x + slot->swatch + 4 * l->chrome, slot->y, 0.0f, 0.5f, fg);
    }
}

static GskRenderNode *
build_node (ShmvizTimelineView *self,
            gboolean            dark)
{
  GtkSnapshot *snapshot = gtk_snapshot_new ();
  float w = gtk_widget_get_width (GTK_WIDGET (self)), h = gtk_widget_get_height (GTK_WIDGET (self));
  const GdkRGBA *fg = shmviz_palette_foreground (self->palette, dark);
  const GdkRGBA *line = shmviz_palette_line (self->palette, dark);
  const Layout *l = get_layout (self);
  graphene_rect_t area = l->area;
  guint64 t1 = right_edge (self), t0 = t1 - MIN (t1, self->span_ns);
  float lane_h = l->lane_h, scale = l->chrome;
  double step, npp, x_base;

  /* Bars, grid, marks and "now" all place time by the same whole-pixel
   * columns. */
  update_columns (self, MAX (1, (int) area.size.width), lane_h, t0, t1);
  npp = (double) self->span_ns / self->col_width;
  x_base = floorf (area.origin.x) - (double) self->col_lo;
  if (shmviz_palette_is_dark (self->palette))
    gtk_snapshot_append_color (snapshot, shmviz_palette_background (self->palette, TRUE),
                               &GRAPHENE_RECT_INIT (0, 0, w, h));

  /* Lanes: alternate shading and the process name in its colour. */
  for (guint p = 0; p < self->n_procs; p++)
    {
      float y = area.origin.y + p * lane_h;
      int px = l->name_px;

      if (p % 2 == 1)
        {
          GdkRGBA shade = *line;

          shade.alpha = 0.15f;
          gtk_snapshot_append_color (snapshot, &shade, &GRAPHENE_RECT_INIT (area.origin.x, y, area.size.width, lane_h));
        }
      if (px >= 8)
        {
          g_autofree char *name = shmviz_proc_label (p, self->n_producers);
          const GdkRGBA *c = shmviz_palette_process (self->palette, p, self->n_producers);
          float sw = MAX (3.0f, z (self, 5));

          gtk_snapshot_append_color (snapshot, c, &GRAPHENE_RECT_INIT (area.origin.x - sw - z (self, 3), y + lane_h * 0.15f,
                                                                       sw, lane_h * 0.7f));
          shmviz_text_cache_draw (self->text, snapshot, name, px, TRUE, area.origin.x - sw - z (self, 8),
                                  y + lane_h / 2, 1.0f, 0.5f, fg);
        }
    }
  for (guint g = 0; g < 2; g++)
    {
      char text[64];
      int px;
      graphene_rect_t r, lanes;

      if (group_label (self, l, g, text, sizeof text, &px, &r, &lanes))
        {
          float sw = MAX (3.0f, z (self, 5));

          gtk_snapshot_append_color (snapshot, shmviz_palette_process (self->palette, g == 0 ? 0 : l->n_producers,
                                                                       l->n_producers),
                                     &GRAPHENE_RECT_INIT (area.origin.x - sw - z (self, 3), lanes.origin.y, sw,
                                                          lanes.size.height));
          shmviz_text_cache_draw (self->text, snapshot, text, px, TRUE, r.origin.x, r.origin.y, 0.0f, 0.0f, fg);
        }
    }

  /* Time axis and grid. */
  nice_step (ns_per_px (self), 110 * scale, &step);
  {
    double first = ceil ((double) (t0 - MIN (t0, self->start_ns)) / step) * step + self->start_ns;
    GdkRGBA grid = *line;
    int px = l->legend_px;

    grid.alpha = 0.6f;
    gtk_snapshot_append_color (snapshot, line, &GRAPHENE_RECT_INIT (area.origin.x, area.origin.y - 1, area.size.width, 1));
    for (double t = first; t <= (double) t1; t += step)
      {
        float x = (float) (x_base + (t - (double) self->start_ns) / npp);
        char label[64];

        if (t < (double) t0)
          continue;
        gtk_snapshot_append_color (snapshot, &grid, &GRAPHENE_RECT_INIT (x, area.origin.y, 1,
                                                                         self->n_procs * lane_h));
        gtk_snapshot_append_color (snapshot, fg, &GRAPHENE_RECT_INIT (x, area.origin.y - 6 * scale, 1, 6 * scale));
        format_time (label, sizeof label, t - (double) self->start_ns, step);
        shmviz_text_cache_draw (self->text, snapshot, label, px, FALSE, x, area.origin.y - 8 * scale, 0.5f, 1.0f, fg);
      }
  }

  if (self->model != NULL)
    {
      gtk_snapshot_push_clip (snapshot, &area);
      fetch_anomalies (self);
      update_ticks (self, lane_h, t0, t1);
      draw_lanes (self, snapshot, &area, floorf (area.origin.x), lane_h);
      draw_anomalies (self, snapshot, &area, lane_h, t0, t1);
      gtk_snapshot_pop (snapshot);
    }

  /* "Now", at the right edge once the run is longer than the view. */
  if (self->now_ns >= t0 && self->now_ns <= t1)
    {
      float x = (float) (x_base + (double) (self->now_ns - self->start_ns) / npp);

      gtk_snapshot_append_color (snapshot, shmviz_palette_accent (self->palette, dark),
                                 &GRAPHENE_RECT_INIT (MIN (x, area.origin.x + area.size.width - z (self, 2)),
                                                      area.origin.y - z (self, 4), z (self, 2),
                                                      self->n_procs * lane_h + z (self, 4)));
    }

  draw_legend (self, snapshot, l, dark);

  return gtk_snapshot_free_to_node (snapshot);
}

static void
shmviz_timeline_view_snapshot (GtkWidget   *widget,
                               GtkSnapshot *snapshot)
{
  ShmvizTimelineView *self = SHMVIZ_TIMELINE_VIEW (widget);
  gboolean dark = shmviz_draw_is_dark (GTK_WIDGET (self), self->palette);
  int w = gtk_widget_get_width (widget), h = gtk_widget_get_height (widget);

  if (!self->have_snapshot)
    {
      shmviz_text_cache_draw (self->text, snapshot, _("No session"), (int) z (self, 18), FALSE, w / 2.0f, h / 2.0f,
                              0.5f, 0.5f, shmviz_palette_line (self->palette, dark));
    }
  else
    {
      guint64 end = right_edge (self);

      if (self->node == NULL || self->node_generation != self->generation || self->node_end != end ||
          self->node_width != w || self->node_height != h)
        {
          g_clear_pointer (&self->node, gsk_render_node_unref);
          self->node = build_node (self, dark);
          self->node_generation = self->generation;
          self->node_end = end;
          self->node_width = w;
          self->node_height = h;
        }
      gtk_snapshot_append_node (snapshot, self->node);
      if (gtk_widget_has_focus (widget))
        {
          GskRoundedRect rr;
          const GdkRGBA *a = shmviz_palette_accent (self->palette, dark);
          const GdkRGBA colors[4] = { *a, *a, *a, *a };
          float bw = z (self, 2);
          const float widths[4] = { bw, bw, bw, bw };

          gsk_rounded_rect_init_from_rect (&rr, &GRAPHENE_RECT_INIT (1, 1, w - 2, h - 2), z (self, 6));
          gtk_snapshot_append_border (snapshot, &rr, widths, colors);
        }
    }

  gtk_widget_snapshot_child (widget, self->follow_button, snapshot);
}

/* Input ------------------------------------------------------------------ */

static gboolean
scroll_cb (GtkEventControllerScroll *scroll,
           double                    dx,
           double                    dy,
           ShmvizTimelineView       *self)
{
  GdkModifierType mods = gtk_event_controller_get_current_event_state (GTK_EVENT_CONTROLLER (scroll));

  if (!self->have_snapshot)
    return FALSE;
  if (mods & GDK_CONTROL_MASK)
    {
      double factor = dy > 0 ? 1.25 : 0.8;

      shmviz_timeline_view_set_span_ns (self, (guint64) (self->span_ns * factor));
      return TRUE;
    }
  /* Either wheel axis pans; down and left go back in time. */
  scroll_by (self, (dx - dy) * self->span_ns * 0.1);
  return TRUE;
}

static void
drag_begin_cb (GtkGestureDrag     *drag,
               double              x,
               double              y,
               ShmvizTimelineView *self)
{
  self->drag_end = right_edge (self);
}

static void
drag_update_cb (GtkGestureDrag     *drag,
                double              dx,
                double              dy,
                ShmvizTimelineView *self)
{
  double delta;

  if (!self->have_snapshot || fabs (dx) < 2)
    return;
  delta = (double) self->drag_end - (double) right_edge (self) - dx * ns_per_px (self);
  scroll_by (self, delta);
}

static gboolean
key_pressed_cb (GtkEventControllerKey *key,
                guint                  keyval,
                guint                  keycode,
                GdkModifierType        state,
                ShmvizTimelineView    *self)
{
  switch (keyval)
    {
    case GDK_KEY_Left:
      scroll_by (self, -(double) self->span_ns * 0.1);
      return TRUE;
    case GDK_KEY_Right:
      scroll_by (self, (double) self->span_ns * 0.1);
      return TRUE;
    case GDK_KEY_End:
      shmviz_timeline_view_set_follow (self, TRUE);
      return TRUE;
    case GDK_KEY_plus:
    case GDK_KEY_KP_Add:
    case GDK_KEY_equal:
      shmviz_timeline_view_set_span_ns (self, self->span_ns * 4 / 5);
      return TRUE;
    case GDK_KEY_minus:
    case GDK_KEY_KP_Subtract:
      shmviz_timeline_view_set_span_ns (self, self->span_ns * 5 / 4);
      return TRUE;
    default:
      return FALSE;
    }
}

static void
follow_clicked_cb (GtkButton          *button,
                   ShmvizTimelineView *self)
{
  shmviz_timeline_view_set_follow (self, TRUE);
}

static void
focus_changed_cb (GtkEventControllerFocus *focus,
                  ShmvizTimelineView      *self)
{
  gtk_widget_queue_draw (GTK_WIDGET (self));
}

/* Public API ------------------------------------------------------------- */

GArray *
shmviz_timeline_view_get_labels (ShmvizTimelineView     *self,
                                 int                     width,
                                 int                     height,
                                 ShmvizTimelineGeometry *geometry)
{
  GArray *labels = g_array_new (FALSE, TRUE, sizeof (ShmvizTimelineLabel));
  Layout own = { 0 }, *l = &own;

  g_return_val_if_fail (SHMVIZ_IS_TIMELINE_VIEW (self), labels);

  if (width <= 0 || height <= 0)
    l = get_layout (self);
  else
    compute_layout (self, l, width, height);

  for (guint i = 0; i < l->n_slots; i++)
    {
      const LegendSlot *slot = &l->slots[i];
      ShmvizTimelineLabel label = { SHMVIZ_TIMELINE_LABEL_LEGEND };
      float top = MIN (slot->y - l->box / 2, roundf (slot->y - slot->text_h * 0.5f));
      float bottom = MAX (slot->y + l->box / 2, roundf (slot->y - slot->text_h * 0.5f) + slot->text_h);

      label.rect = GRAPHENE_RECT_INIT (slot->x, top, slot->width, bottom - top);
      label.px = l->legend_px;
      g_strlcpy (label.text, legend_name (slot->entry), sizeof label.text);
      g_array_append_val (labels, label);
    }
  for (guint p = 0; p < l->n_procs && l->name_px > 0; p++)
    {
      g_autofree char *name = shmviz_proc_label (p, l->n_producers);
      ShmvizTimelineLabel label = { SHMVIZ_TIMELINE_LABEL_LANE };

      lane_name_rect (self, l, p, name, &label.rect);
      label.lanes = GRAPHENE_RECT_INIT (0, l->area.origin.y + p * l->lane_h, l->area.origin.x, l->lane_h);
      label.px = l->name_px;
      g_strlcpy (label.text, name, sizeof label.text);
      g_array_append_val (labels, label);
    }
  for (guint g = 0; g < 2; g++)
    {
      ShmvizTimelineLabel label = { SHMVIZ_TIMELINE_LABEL_GROUP };

      if (group_label (self, l, g, label.text, sizeof label.text, &label.px, &label.rect, &label.lanes))
        g_array_append_val (labels, label);
    }
  if (geometry != NULL)
    {
      geometry->plot = l->area;
      geometry->follow = l->follow;
      geometry->lane_h = l->lane_h;
      geometry->chrome = l->chrome;
      geometry->n_legend_rows = l->n_rows;
      geometry->n_legend_dropped = l->n_dropped;
    }
  return labels;
}

GtkWidget *
shmviz_timeline_view_new (void)
{
  return g_object_new (SHMVIZ_TYPE_TIMELINE_VIEW, NULL);
}

void
shmviz_timeline_view_set_model (ShmvizTimelineView *self,
                                ShmvizModel        *model)
{
  g_return_if_fail (SHMVIZ_IS_TIMELINE_VIEW (self));

  if (self->model == model)
    return;
  g_clear_pointer (&self->model, shmviz_model_unref);
  if (model)
    self->model = shmviz_model_ref (model);
  g_array_set_size (self->anomalies, 0);
  invalidate (self);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_MODEL]);
}

ShmvizModel *
shmviz_timeline_view_get_model (ShmvizTimelineView *self)
{
  g_return_val_if_fail (SHMVIZ_IS_TIMELINE_VIEW (self), NULL);
  return self->model;
}

void
shmviz_timeline_view_set_snapshot (ShmvizTimelineView   *self,
                                   const ShmvizSnapshot *snapshot)
{
  g_return_if_fail (SHMVIZ_IS_TIMELINE_VIEW (self));

  if (snapshot == NULL)
    {
      if (self->have_snapshot)
        {
          self->have_snapshot = FALSE;
          invalidate (self);
        }
      return;
    }
  if (self->have_snapshot && snapshot->generation == self->generation && snapshot->n_procs == self->n_procs)
    return;

  self->have_snapshot = TRUE;
  self->generation = snapshot->generation;
  self->start_ns = snapshot->start_ns;
  self->now_ns = MAX (snapshot->now_ns, snapshot->start_ns);
  self->n_procs = snapshot->n_procs;
  self->n_producers = MIN (snapshot->scenario.n_producers, snapshot->n_procs);
  /* While scrolled back, what is in view does not move; only the present
   * part of it may change, so a redraw is still due. */
  gtk_widget_queue_draw (GTK_WIDGET (self));
}

void
shmviz_timeline_view_set_zoom (ShmvizTimelineView *self,
                               double              zoom)
{
  g_return_if_fail (SHMVIZ_IS_TIMELINE_VIEW (self));

  zoom = CLAMP (zoom, 1.0, 3.0);
  if (zoom == self->zoom)
    return;
  self->zoom = zoom;
  invalidate (self);
  gtk_widget_queue_resize (GTK_WIDGET (self));
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_ZOOM]);
}

double
shmviz_timeline_view_get_zoom (ShmvizTimelineView *self)
{
  g_return_val_if_fail (SHMVIZ_IS_TIMELINE_VIEW (self), 1.0);
  return self->zoom;
}

void
shmviz_timeline_view_set_palette (ShmvizTimelineView *self,
                                  const char         *palette)
{
  const char *canon;

  g_return_if_fail (SHMVIZ_IS_TIMELINE_VIEW (self));

  canon = shmviz_palette_canonical (palette);
  if (g_strcmp0 (canon, self->palette) == 0)
    return;
  g_free (self->palette);
  self->palette = g_strdup (canon);
  invalidate (self);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_PALETTE]);
}

const char *
shmviz_timeline_view_get_palette (ShmvizTimelineView *self)
{
  g_return_val_if_fail (SHMVIZ_IS_TIMELINE_VIEW (self), NULL);
  return self->palette;
}

void
shmviz_timeline_view_set_follow (ShmvizTimelineView *self,
                                 gboolean            follow)
{
  g_return_if_fail (SHMVIZ_IS_TIMELINE_VIEW (self));
  set_follow_internal (self, follow);
}

gboolean
shmviz_timeline_view_get_follow (ShmvizTimelineView *self)
{
  g_return_val_if_fail (SHMVIZ_IS_TIMELINE_VIEW (self), TRUE);
  return self->follow;
}

void
shmviz_timeline_view_set_span_ns (ShmvizTimelineView *self,
                                  guint64             span_ns)
{
  g_return_if_fail (SHMVIZ_IS_TIMELINE_VIEW (self));

  span_ns = CLAMP (span_ns, MIN_SPAN_NS, MAX_SPAN_NS);
  if (span_ns == self->span_ns)
    return;
  self->span_ns = span_ns;
  invalidate (self);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_SPAN_NS]);
}

guint64
shmviz_timeline_view_get_span_ns (ShmvizTimelineView *self)
{
  g_return_val_if_fail (SHMVIZ_IS_TIMELINE_VIEW (self), DEFAULT_SPAN_NS);
  return self->span_ns;
}

/* GObject ---------------------------------------------------------------- */

static void
shmviz_timeline_view_measure (GtkWidget      *widget,
                              GtkOrientation  orientation,
                              int             for_size,
                              int            *minimum,
                              int            *natural,
                              int            *minimum_baseline,
                              int            *natural_baseline)
{
  ShmvizTimelineView *self = SHMVIZ_TIMELINE_VIEW (widget);
  int bmin, bnat;

  gtk_widget_measure (self->follow_button, orientation, -1, &bmin, &bnat, NULL, NULL);
  /* Lanes take the height they get, so the floor grows with √zoom, not
   * the zoom: the bottom pane's floor is the largest of its pages', and
   * a linear one here kept the race log's footer and the totals under
   * the fold of a projector at 300 %. */
  *minimum = MAX (bmin, orientation == GTK_ORIENTATION_HORIZONTAL ? (int) z (self, 300)
                                                                  : (int) (140 * sqrt (self->zoom)));
  *natural = MAX (bnat, (int) z (self, orientation == GTK_ORIENTATION_HORIZONTAL ? 800 : 260));
}

static void
shmviz_timeline_view_size_allocate (GtkWidget *widget,
                                    int        width,
                                    int        height,
                                    int        baseline)
{
  ShmvizTimelineView *self = SHMVIZ_TIMELINE_VIEW (widget);
  const graphene_rect_t *r;

  /* In the bottom right corner, which the legend and lanes leave it. */
  compute_layout (self, &self->layout, width, height);
  r = &self->layout.follow;
  gtk_widget_size_allocate (self->follow_button,
                            &(GtkAllocation) { r->origin.x, r->origin.y, r->size.width, r->size.height }, -1);
}

static void
shmviz_timeline_view_system_setting_changed (GtkWidget        *widget,
                                             GtkSystemSetting  setting)
{
  ShmvizTimelineView *self = SHMVIZ_TIMELINE_VIEW (widget);

  GTK_WIDGET_CLASS (shmviz_timeline_view_parent_class)->system_setting_changed (widget, setting);
  shmviz_text_cache_clear (self->text);
  /* Another font: text takes other room. */
  self->layout.valid = FALSE;
  invalidate (self);
}

static void
shmviz_timeline_view_dispose (GObject *object)
{
  ShmvizTimelineView *self = SHMVIZ_TIMELINE_VIEW (object);

  g_clear_pointer (&self->follow_button, gtk_widget_unparent);

  G_OBJECT_CLASS (shmviz_timeline_view_parent_class)->dispose (object);
}

static void
shmviz_timeline_view_finalize (GObject *object)
{
  ShmvizTimelineView *self = SHMVIZ_TIMELINE_VIEW (object);

  g_clear_pointer (&self->model, shmviz_model_unref);
  g_clear_pointer (&self->node, gsk_render_node_unref);
  g_clear_pointer (&self->spans, g_array_unref);
  g_clear_pointer (&self->cols, g_free);
  g_clear_pointer (&self->col_since, g_free);
  g_clear_pointer (&self->ticks, g_free);
  g_clear_pointer (&self->tick_last, g_free);
  g_clear_pointer (&self->lanes_image, cairo_surface_destroy);
  g_clear_pointer (&self->anomalies, g_array_unref);
  g_clear_pointer (&self->text, shmviz_text_cache_free);
  g_free (self->palette);

  G_OBJECT_CLASS (shmviz_timeline_view_parent_class)->finalize (object);
}

static void
shmviz_timeline_view_get_property (GObject    *object,
                                   guint       prop_id,
                                   GValue     *value,
                                   GParamSpec *pspec)
{
  ShmvizTimelineView *self = SHMVIZ_TIMELINE_VIEW (object);

  switch (prop_id)
    {
    case PROP_MODEL:
      g_value_set_boxed (value, self->model);
      break;
    case PROP_ZOOM:
      g_value_set_double (value, self->zoom);
      break;
    case PROP_PALETTE:
      g_value_set_string (value, self->palette);
      break;
    case PROP_FOLLOW:
      g_value_set_boolean (value, self->follow);
      break;
    case PROP_SPAN_NS:
      g_value_set_uint64 (value, self->span_ns);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
shmviz_timeline_view_set_property (GObject      *object,
                                   guint         prop_id,
                                   const GValue *value,
                                   GParamSpec   *pspec)
{
  ShmvizTimelineView *self = SHMVIZ_TIMELINE_VIEW (object);

  switch (prop_id)
    {
    case PROP_MODEL:
      shmviz_timeline_view_set_model (self, g_value_get_boxed (value));
      break;
    case PROP_ZOOM:
      shmviz_timeline_view_set_zoom (self, g_value_get_double (value));
      break;
    case PROP_PALETTE:
      shmviz_timeline_view_set_palette (self, g_value_get_string (value));
      break;
    case PROP_FOLLOW:
      shmviz_timeline_view_set_follow (self, g_value_get_boolean (value));
      break;
    case PROP_SPAN_NS:
      shmviz_timeline_view_set_span_ns (self, g_value_get_uint64 (value));
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
shmviz_timeline_view_class_init (ShmvizTimelineViewClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = shmviz_timeline_view_dispose;
  object_class->finalize = shmviz_timeline_view_finalize;
  object_class->get_property = shmviz_timeline_view_get_property;
  object_class->set_property = shmviz_timeline_view_set_property;

  widget_class->snapshot = shmviz_timeline_view_snapshot;
  widget_class->measure = shmviz_timeline_view_measure;
  widget_class->size_allocate = shmviz_timeline_view_size_allocate;
  widget_class->system_setting_changed = shmviz_timeline_view_system_setting_changed;

  properties[PROP_MODEL] =
    g_param_spec_boxed ("model", NULL, NULL, SHMVIZ_TYPE_MODEL,
                        G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_ZOOM] =
    g_param_spec_double ("zoom", NULL, NULL, 1.0, 3.0, 1.0,
                         G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_PALETTE] =
    g_param_spec_string ("palette", NULL, NULL, "default",
                         G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_FOLLOW] =
    g_param_spec_boolean ("follow", NULL, NULL, TRUE,
                          G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_SPAN_NS] =
    g_param_spec_uint64 ("span-ns", NULL, NULL, MIN_SPAN_NS, MAX_SPAN_NS, DEFAULT_SPAN_NS,
                         G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  gtk_widget_class_set_css_name (widget_class, "shmviztimelineview");
  gtk_widget_class_set_accessible_role (widget_class, GTK_ACCESSIBLE_ROLE_GROUP);
}

static void
shmviz_timeline_view_init (ShmvizTimelineView *self)
{
  GtkEventController *controller;
  GtkGesture *drag;

  self->palette = g_strdup ("default");
  self->zoom = 1.0;
  self->follow = TRUE;
  self->span_ns = DEFAULT_SPAN_NS;
  self->spans = g_array_new (FALSE, FALSE, sizeof (ShmvizSpan));
  self->anomalies = g_array_new (FALSE, FALSE, sizeof (ShmvizAnomaly));
  self->text = shmviz_text_cache_new (GTK_WIDGET (self), 256);

  gtk_widget_set_focusable (GTK_WIDGET (self), TRUE);
  gtk_widget_set_overflow (GTK_WIDGET (self), GTK_OVERFLOW_HIDDEN);

  self->follow_button = gtk_button_new_with_mnemonic (_("_Follow"));
  gtk_widget_set_tooltip_text (self->follow_button, _("Scroll with the run again"));
  gtk_widget_add_css_class (self->follow_button, "suggested-action");
  gtk_widget_add_css_class (self->follow_button, "pill");
  gtk_widget_set_parent (self->follow_button, GTK_WIDGET (self));
  /* Hidden from view but still measured and placed: the legend keeps
   * its room, and does not move when the button comes. */
  gtk_widget_set_child_visible (self->follow_button, FALSE);
  g_signal_connect (self->follow_button, "clicked", G_CALLBACK (follow_clicked_cb), self);

  controller = gtk_event_controller_scroll_new (GTK_EVENT_CONTROLLER_SCROLL_BOTH_AXES);
  g_signal_connect (controller, "scroll", G_CALLBACK (scroll_cb), self);
  gtk_widget_add_controller (GTK_WIDGET (self), controller);

  drag = gtk_gesture_drag_new ();
  g_signal_connect (drag, "drag-begin", G_CALLBACK (drag_begin_cb), self);
  g_signal_connect (drag, "drag-update", G_CALLBACK (drag_update_cb), self);
  gtk_widget_add_controller (GTK_WIDGET (self), GTK_EVENT_CONTROLLER (drag));

  controller = gtk_event_controller_key_new ();
  g_signal_connect (controller, "key-pressed", G_CALLBACK (key_pressed_cb), self);
  gtk_widget_add_controller (GTK_WIDGET (self), controller);

  controller = gtk_event_controller_focus_new ();
  g_signal_connect (controller, "enter", G_CALLBACK (focus_changed_cb), self);
  g_signal_connect (controller, "leave", G_CALLBACK (focus_changed_cb), self);
  gtk_widget_add_controller (GTK_WIDGET (self), controller);

  gtk_accessible_update_property (GTK_ACCESSIBLE (self),
                                  GTK_ACCESSIBLE_PROPERTY_LABEL, _("Timeline"),
                                  GTK_ACCESSIBLE_PROPERTY_DESCRIPTION,
                                  _("One lane per process over time; Left and Right scroll, End follows the run"),
                                  -1);
}
