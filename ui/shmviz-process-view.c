/* shmviz-process-view.c — one card per process, the mutex and the counters
 *
 * Producers fill the left column group, consumers the right, and between
 * them the three semaphores: the mutex as a lock with its owner and queue,
 * `empty` and `full` as counters with their waiters.  Cards shrink and drop
 * detail to fit 64 + 64 processes.  The whole picture is one render node,
 * rebuilt only when the snapshot's generation or the geometry change; in
 * it, each card is a picture drawn once per look (state, lock, highlight)
 * and reused, with only its live step line drawn as text every time.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <inttypes.h>
#include <math.h>
#include <string.h>

#include <glib/gi18n.h>

#include "layout.h"
#include "ledger.h"
#include "shmviz-draw.h"
#include "shmviz-palette.h"
#include "shmviz-process-view-private.h"

#define CARD_W 230.0f
#define CARD_H 104.0f
#define GAP    10.0f

struct _ShmvizProcessView
{
  GtkWidget parent_instance;

  ShmvizModel *model;
  char *palette;
  double zoom;
  GArray *highlight;           /* guint16 */
  int focused;
  int hover;

  gboolean have_snapshot;
  guint64 generation;
  guint n_procs;
  ShmvizProcView *procs;
  guint n_producers;
  gint sem_value[SHMVIZ_N_SEMS];
  guint16 mutex_owner;
  gboolean deadlock;

  /* Geometry */
  int geo_width, geo_height;
  double geo_zoom;
  guint geo_procs;
  graphene_rect_t *cards;      /* n_procs */
  graphene_rect_t sem_box[SHMVIZ_N_SEMS];
  float card_scale;
  int head_px;                 /* "Producers", "Consumers", the deadlock banner */
  /* The sizes the last build drew the panels' text at, the smallest over
   * the three panels: see shmviz_process_view_get_text_sizes(). */
  ShmvizProcessTextSizes drawn;

  GskRenderNode *node;
  /* One node per card, kept across frames while what it shows is the
   * same: a frame rebuilds only the cards that changed and hands GTK the
   * same objects for the rest, so its diff leaves them undamaged. */
  GskRenderNode **card_nodes;  /* cards_alloc */
  guint64 *card_keys;
  guint cards_alloc;
  gboolean cards_dark;
  gboolean damage_parity;
  /* Pictures of card bodies by what they show (CardLook): at full speed
   * every card changes every frame, but among a few looks, and a picture
   * costs the cairo renderer a copy where the shapes and text cost a
   * rasterisation each. */
  GHashTable *card_pictures;
  gsize card_picture_bytes;
  guint64 frame_stamp;
  int picture_scale;
  char *description;
  ShmvizTextCache *text;
};

enum {
  PROP_0,
  PROP_MODEL,
  PROP_ZOOM,
  PROP_PALETTE,
  N_PROPS
};

enum {
  PROCESS_ACTIVATED,
  PROCESS_MENU,
  N_SIGNALS
};

static GParamSpec *properties[N_PROPS];
static guint signals[N_SIGNALS];

G_DEFINE_FINAL_TYPE (ShmvizProcessView, shmviz_process_view, GTK_TYPE_WIDGET)

static float
z (ShmvizProcessView *self,
   float              v)
{
  return v * (float) self->zoom;
}

/* The size of a card's name, the measure of the text around the cards. */
static int
card_name_px (ShmvizProcessView *self)
{
  return (int) (z (self, 24) * self->card_scale);
}

static void
drop_cards (ShmvizProcessView *self)
{
  for (guint i = 0; i < self->cards_alloc; i++)
    g_clear_pointer (&self->card_nodes[i], gsk_render_node_unref);
}

static void flush_card_pictures (ShmvizProcessView *self);

static void
invalidate (ShmvizProcessView *self)
{
  g_clear_pointer (&self->node, gsk_render_node_unref);
  gtk_widget_queue_draw (GTK_WIDGET (self));
}

/* Words ------------------------------------------------------------------ */

static const char *
sem_word (guint sem)
{
  /* The variable names of the textbook program: not translated. */
  switch (sem)
    {
    case SHMVIZ_SEM_EMPTY: return "empty";
    case SHMVIZ_SEM_FULL:  return "full";
    case SHMVIZ_SEM_MUTEX: return "mutex";
    default:               return "?";
    }
}

static const char *
state_words (guint state)
{
  switch (state)
    {
    case SHMVIZ_VIEW_NEW:       return _("not started");
    case SHMVIZ_VIEW_RUNNING:   return _("running");
    case SHMVIZ_VIEW_ACQUIRING: return _("acquiring");
    case SHMVIZ_VIEW_WAITING:   return _("waiting");
    case SHMVIZ_VIEW_CRITICAL:  return _("in the critical section");
    case SHMVIZ_VIEW_PARKED:    return _("paused at a barrier");
    case SHMVIZ_VIEW_DONE:      return _("done");
    case SHMVIZ_VIEW_DEAD:      return _("dead");
    case SHMVIZ_VIEW_STOPPED:   return _("stopped (frozen by a signal)");
    default:                    return _("unknown");
    }
}

static char *
proc_name (ShmvizProcessView *self,
           guint              proc)
{
  return shmviz_proc_label (proc, self->n_producers);
}

/* What the process is doing now, in words: "writing slot 3". */
static char *
step_words (const ShmvizProcView *pv)
{
  g_autofree char *item = NULL;

  switch (pv->state)
    {
    case SHMVIZ_VIEW_WAITING:
      /* Translators: %s is a semaphore name: empty, full or mutex */
      return g_strdup_printf (_("waiting on %s"), sem_word (pv->wait_sem));
    case SHMVIZ_VIEW_ACQUIRING:
      /* Translators: %s is a semaphore name: empty, full or mutex */
      return g_strdup_printf (_("acquiring %s"), sem_word (pv->wait_sem));
    case SHMVIZ_VIEW_DEAD:
      if (pv->signaled)
        return g_strdup_printf (_("killed by signal %d"), pv->exit_status);
      return g_strdup_printf (_("failed with status %d"), pv->exit_status);
    case SHMVIZ_VIEW_DONE:
      return g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "finished, %" PRIu64 " item",
                                           "finished, %" PRIu64 " items", pv->items_done),
                              pv->items_done);
    case SHMVIZ_VIEW_NEW:
      return g_strdup (_("starting"));
    case SHMVIZ_VIEW_PARKED:
      return g_strdup (_("parked"));
    case SHMVIZ_VIEW_STOPPED:
      return g_strdup (_("stopped: it holds what it held, and runs no step"));
    default:
      break;
    }

  switch (pv->last_kind)
    {
    case SHMVIZ_EV_START:
      return g_strdup (_("started"));
    case SHMVIZ_EV_PRODUCE:
      item = shmviz_item_label (pv->last_item);
      return g_strdup_printf (_("made %s"), item);
    case SHMVIZ_EV_WAIT:
    case SHMVIZ_EV_BLOCKED:
      return g_strdup_printf (_("waiting on %s"), sem_word (pv->wait_sem));
    case SHMVIZ_EV_ACQUIRED:
      return g_strdup (_("acquired a semaphore"));
    case SHMVIZ_EV_POST:
      return g_strdup (_("posted a semaphore"));
    case SHMVIZ_EV_READ_INDEX:
      return g_strdup (pv->role == SHMVIZ_ROLE_PRODUCER ? _("reading in") : _("reading out"));
    case SHMVIZ_EV_WRITE_SLOT:
      return g_strdup_printf (_("writing slot %u"), pv->last_slot);
    case SHMVIZ_EV_READ_SLOT:
      return g_strdup_printf (_("reading slot %u"), pv->last_slot);
    case SHMVIZ_EV_ADVANCE:
      return g_strdup (pv->role == SHMVIZ_ROLE_PRODUCER ? _("advancing in") : _("advancing out"));
    case SHMVIZ_EV_CONSUME:
      item = shmviz_item_label (pv->last_item);
      return g_strdup_printf (_("used %s"), item);
    case SHMVIZ_EV_ABANDON:
      return g_strdup (_("gave up this item"));
    case SHMVIZ_EV_PARKED:
      return g_strdup (_("parked"));
    case SHMVIZ_EV_RESUMED:
      return g_strdup (_("resumed"));
    case SHMVIZ_EV_EXIT:
      return g_strdup (_("exited"));
    default:
      return g_strdup (state_words (pv->state));
    }
}

char *
shmviz_process_view_describe_process (ShmvizProcessView *self,
                                      guint              proc)
{
  const ShmvizProcView *pv;
  g_autofree char *name = NULL;
  g_autofree char *step = NULL;
  GString *str;

  g_return_val_if_fail (SHMVIZ_IS_PROCESS_VIEW (self), NULL);

  if (proc >= self->n_procs)
    return NULL;
  pv = &self->procs[proc];
  name = proc_name (self, proc);
  step = step_words (pv);
  str = g_string_new (NULL);
  /* Translators: "P1, producer, pid 1234, writing slot 3, in the critical section" */
  g_string_printf (str, _("%s, %s, pid %d, %s, %s"), name,
                   pv->role == SHMVIZ_ROLE_PRODUCER ? _("producer") : _("consumer"),
                   pv->pid, step, state_words (pv->state));
  if (pv->held & SHMVIZ_HELD_MUTEX)
    g_string_append (str, _(", holds the mutex"));
  return g_string_free (str, FALSE);
}

static void
update_accessible (ShmvizProcessView *self)
{
  g_autofree char *desc = NULL;

  if (self->focused >= 0 && (guint) self->focused < self->n_procs)
    desc = shmviz_process_view_describe_process (self, self->focused);
  else if (self->deadlock)
    desc = g_strdup (_("Deadlock: every process is waiting"));
  else
    desc = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "%u process", "%u processes", self->n_procs),
                            self->n_procs);
  if (g_strcmp0 (desc, self->description) == 0)
    return;
  g_free (self->description);
  self->description = g_steal_pointer (&desc);
  gtk_accessible_update_property (GTK_ACCESSIBLE (self), GTK_ACCESSIBLE_PROPERTY_DESCRIPTION,
                                  self->description, -1);
}

/* Geometry --------------------------------------------------------------- */

static gboolean
fits (float  w,
      float  h,
      guint  n,
      float  cw,
      float  ch,
      float  gap)
{
  guint cols = (guint) MAX (1.0f, floorf ((w + gap) / (cw + gap)));
  guint rows = (n + cols - 1) / cols;

  return cw <= w && rows * (ch + gap) - gap <= h;
}

static void
place_group (ShmvizProcessView *self,
             guint              first,
             guint              n,
             float              x0,
             float              y0,
             float              w,
             float              cw,
             float              ch,
             float              gap)
{
  guint cols = (guint) MAX (1.0f, floorf ((w + gap) / (cw + gap)));

  cols = MIN (cols, MAX (n, 1));
  /* Centre the group in its column. */
  x0 += (w - (cols * (cw + gap) - gap)) / 2;
  /* On whole pixels, so that the cards' pictures land on the pixel grid
   * and are copied, not resampled. */
  cw = roundf (cw);
  ch = roundf (ch);
  for (guint k = 0; k < n; k++)
    self->cards[first + k] = GRAPHENE_RECT_INIT (roundf (x0 + (k % cols) * (cw + gap)),
                                                 roundf (y0 + (k / cols) * (ch + gap)), cw, ch);
}

static void
ensure_geometry (ShmvizProcessView *self)
{
  int w = gtk_widget_get_width (GTK_WIDGET (self));
  int h = gtk_widget_get_height (GTK_WIDGET (self));
  float m = z (self, 12), head;
  float center_w, group_w, avail_h, sc = 1.0f, sem_gap;
  guint n_prod = self->n_producers, n_cons = self->n_procs - self->n_producers;

  if (self->geo_width == w && self->geo_height == h && self->geo_zoom == self->zoom &&
      self->geo_procs == self->n_procs)
    return;

  g_clear_pointer (&self->node, gsk_render_node_unref);
  drop_cards (self);
  flush_card_pictures (self);
  if (self->cards_alloc != self->n_procs)
    {
      self->card_nodes = g_renew (GskRenderNode *, self->card_nodes, MAX (self->n_procs, 1));
      self->card_keys = g_renew (guint64, self->card_keys, MAX (self->n_procs, 1));
      memset (self->card_nodes, 0, sizeof (GskRenderNode *) * MAX (self->n_procs, 1));
      self->cards_alloc = self->n_procs;
    }
  self->geo_width = w;
  self->geo_height = h;
  self->geo_zoom = self->zoom;
  self->geo_procs = self->n_procs;
  self->cards = g_renew (graphene_rect_t, self->cards, MAX (self->n_procs, 1));

  /* The column headings say what the cards already say by their names:
   * on a short, zoomed-in view their height goes to the cards and the
   * lock panels instead (at 300 % on a projector the headings were
   * twice the size of the cards' names). */
  self->head_px = (int) MIN (z (self, 18), MAX (18.0f, h * 0.08f));
  head = 2.0f * self->head_px;

  center_w = MIN (z (self, 280), w * 0.34f);
  group_w = MAX ((w - center_w - 4 * m) / 2, 10);
  avail_h = MAX (h - head - m, 10);

  /* The largest card scale at which both groups fit. */
  for (sc = 1.0f; sc > 0.2f; sc -= 0.025f)
    if (fits (group_w, avail_h, MAX (n_prod, n_cons), z (self, CARD_W) * sc, z (self, CARD_H) * sc,
              z (self, GAP) * sc))
      break;
  sc = MAX (sc, 0.2f);
  self->card_scale = sc;

  place_group (self, 0, n_prod, m, head, group_w, z (self, CARD_W) * sc, z (self, CARD_H) * sc,
               z (self, GAP) * sc);
  place_group (self, n_prod, n_cons, w - m - group_w, head, group_w, z (self, CARD_W) * sc,
               z (self, CARD_H) * sc, z (self, GAP) * sc);

  {
    float cx = w / 2.0f - center_w / 2, third = avail_h / 3;
    const ShmvizSem order[3] = { SHMVIZ_SEM_MUTEX, SHMVIZ_SEM_EMPTY, SHMVIZ_SEM_FULL };

    /* A gap that grew with the zoom took from the panels' text what a
     * few pixels between them do as well. */
    sem_gap = MIN (z (self, 8), 12.0f);
    for (guint i = 0; i < 3; i++)
      self->sem_box[order[i]] = GRAPHENE_RECT_INIT (cx, head + i * third + sem_gap / 2, center_w,
                                                    third - sem_gap);
  }
}

static int
card_at (ShmvizProcessView *self,
         double             x,
         double             y)
{
  ensure_geometry (self);
  for (guint i = 0; i < self->n_procs; i++)
    if (graphene_rect_contains_point (&self->cards[i], &GRAPHENE_POINT_INIT (x, y)))
      return (int) i;
  return -1;
}

/* Drawing ---------------------------------------------------------------- */


static gboolean
is_highlighted (ShmvizProcessView *self,
                guint              proc)
{
  for (guint i = 0; i < self->highlight->len; i++)
    if (g_array_index (self->highlight, guint16, i) == proc)
      return TRUE;
  return FALSE;
}

/* Draws @text at the largest size from @px down to 9 at which it fits
 * @max_width, anchored at (@x, @y) by (@xalign, @yalign) as
 * shmviz_text_cache_draw() does; clipped only when even 9 px is too
 * wide.  Returns the size drawn at, and in @width the width taken. */
static int
draw_fit_aligned (ShmvizProcessView *self,
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
static void
draw_fit (ShmvizProcessView *self,
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
  draw_fit_aligned (self, snapshot, text, px, bold, x, y, 0.0f, yalign, max_width, color, NULL);
}

/* Whether @text fits @max_width at some size from @px down to 9. */
static gboolean
text_fits (ShmvizProcessView *self,
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

static void
draw_lock (cairo_t       *cr,
           double         x,
           double         y,
           double         size,
           gboolean       closed,
           const GdkRGBA *color)
{
  double bw = size * 0.8, bh = size * 0.55, sx = x + (size - bw) / 2, sy = y + size - bh;
  double sr = bw * 0.3;

  gdk_cairo_set_source_rgba (cr, color);
  cairo_set_line_width (cr, size * 0.1);
  /* The shackle: down into the body when locked, lifted and turned when open. */
  if (closed)
    {
      cairo_move_to (cr, x + size / 2 - sr, sy);
      cairo_arc (cr, x + size / 2, sy - size * 0.02, sr, G_PI, 2 * G_PI);
      cairo_line_to (cr, x + size / 2 + sr, sy);
    }
  else
    {
      cairo_move_to (cr, x + size / 2 - sr, sy - size * 0.12);
      cairo_arc (cr, x + size / 2, sy - size * 0.14, sr, G_PI, 2 * G_PI);
      cairo_line_to (cr, x + size / 2 + sr, sy - size * 0.28);
    }
  cairo_stroke (cr);
  cairo_rectangle (cr, sx, sy, bw, bh);
  cairo_fill (cr);
}

/* Whether the card's step line is drawn under its veil (dead and done
 * cards), and so belongs to the cached picture of the card. */
static gboolean
card_is_gone (const ShmvizProcView *pv)
{
  return pv->state == SHMVIZ_VIEW_DEAD || pv->state == SHMVIZ_VIEW_DONE;
}

/* What the process is doing, in the middle (large cards) or at the bottom
 * (middling ones) of its card; nothing on the smallest. */
static void
draw_card_step (ShmvizProcessView *self,
                GtkSnapshot       *snapshot,
                guint              proc,
                gboolean           dark)
{
  const ShmvizProcView *pv = &self->procs[proc];
  const graphene_rect_t *r = &self->cards[proc];
  float sc = self->card_scale, x = r->origin.x, y = r->origin.y, w = r->size.width, h = r->size.height;
  float pad = z (self, 10) * sc, stripe = MAX (3.0f, z (self, 8) * sc);
  const GdkRGBA *fg = shmviz_palette_foreground (self->palette, dark);

  if (sc >= 0.55f)
    {
      g_autofree char *step = step_words (pv);
      float tx = x + stripe + pad * 0.6f;

      draw_fit (self, snapshot, step, (int) (z (self, 17) * sc), TRUE, tx, y + h * 0.6f, 0.5f,
                x + w - pad * 0.6f - tx, fg);
    }
  else if (sc >= 0.4f)
    {
      g_autofree char *step = step_words (pv);
      int small = (int) (z (self, 15) * sc);

      if (small >= 8)
        draw_fit (self, snapshot, step, small, FALSE, x + stripe + pad * 0.6f, y + h - pad * 0.6f, 1.0f,
                  w - stripe - pad * 1.2f, fg);
    }
}

/* Everything on a card but a live step line: frame, colours, state shape,
 * name, pid, state line, veil and highlight.  This part repeats (a
 * process goes round the same few states), so it is drawn once into a
 * picture and reused: see append_card_body(). */
static void
draw_card_body (ShmvizProcessView *self,
                GtkSnapshot       *snapshot,
                guint              proc,
                gboolean           dark)
{
  const ShmvizProcView *pv = &self->procs[proc];
  const graphene_rect_t *r = &self->cards[proc];
  float sc = self->card_scale, x = r->origin.x, y = r->origin.y, w = r->size.width, h = r->size.height;
  float radius = z (self, 10) * sc, pad = z (self, 10) * sc;
  const GdkRGBA *state_color = shmviz_palette_view_state (self->palette, pv->state);
  const GdkRGBA *fg = shmviz_palette_foreground (self->palette, dark);
  const GdkRGBA *proc_color = shmviz_palette_process (self->palette, proc, self->n_producers);
  GdkRGBA bg = *shmviz_palette_background (self->palette, dark), fill;
  gboolean gone = card_is_gone (pv);
  int name_px = card_name_px (self);
  float icon = z (self, 24) * sc, stripe = MAX (3.0f, z (self, 8) * sc);
  float a = dark ? 0.25f : 0.16f;

  /* The state's tint over the opaque background, blended here: one
   * rounded shape instead of two, the same colour on screen. */
  fill.red = bg.red * (1 - a) + state_color->red * a;
  fill.green = bg.green * (1 - a) + state_color->green * a;
  fill.blue = bg.blue * (1 - a) + state_color->blue * a;
  fill.alpha = bg.alpha;
  shmviz_draw_rounded_fill (snapshot, r, radius, &fill);

  /* The process's own colour, the one its items wear in the buffer. */
  gtk_snapshot_append_color (snapshot, proc_color, &GRAPHENE_RECT_INIT (x + 1, y + radius * 0.6f, stripe,
                                                                          h - radius * 1.2f));
  shmviz_draw_outline (snapshot, r, radius, MAX (1.5f, z (self, 2.5f) * sc), state_color);

  /* State as a shape, so it never rests on colour alone. */
  shmviz_palette_append_shape (snapshot, shmviz_palette_view_shape (pv->state),
                               &GRAPHENE_RECT_INIT (x + stripe + pad * 0.6f, y + pad, icon, icon), state_color);
  if (name_px >= 8)
    {
      /* Only when drawn: at 128 processes the cards have no room for it. */
      g_autofree char *name = proc_name (self, proc);
      float nx = x + stripe + pad * 1.2f + icon;
      float nw = shmviz_text_cache_draw (self->text, snapshot, name, name_px, TRUE, nx, y + pad + icon / 2,
                                         0.0f, 0.5f, fg);

      if (pv->held & SHMVIZ_HELD_MUTEX)
        {
          /* The mutex's own lock, closed, beside the name of its holder:
           * there even when the state line has no room to say so. */
          float size = icon * 0.85f, lx = nx + nw + pad * 0.5f, ly = y + pad + (icon - size) / 2 - size * 0.1f;
          cairo_t *cr = gtk_snapshot_append_cairo (snapshot, &GRAPHENE_RECT_INIT (lx - 1, ly - 1, size + 2,
                                                                                    size + 2));

          draw_lock (cr, lx, ly, size, TRUE, shmviz_palette_view_state (self->palette, SHMVIZ_VIEW_CRITICAL));
          cairo_destroy (cr);
        }
    }

  if (sc >= 0.55f)
    {
      int small = (int) (z (self, 14) * sc);
      char pid[32];
      float tx = x + stripe + pad * 0.6f, room = x + w - pad * 0.6f - tx;
      g_autofree char *state_line = NULL;

      g_snprintf (pid, sizeof pid, _("pid %d"), pv->pid);
      shmviz_text_cache_draw (self->text, snapshot, pid, small, FALSE, x + w - pad, y + pad + icon / 2, 1.0f,
                              0.5f, fg);
      if (pv->held & SHMVIZ_HELD_MUTEX)
        {
          /* Translators: second line of a process card, e.g. "in the critical section · holds mutex" */
          state_line = g_strdup_printf (_("%s · holds mutex"), state_words (pv->state));
          /* Too long for a narrow card: the state alone, the lock by the
           * name says the rest, rather than a line cut mid-word. */
          if (name_px >= 8 && !text_fits (self, state_line, small, FALSE, room))
            g_clear_pointer (&state_line, g_free);
        }
      if (state_line == NULL)
        state_line = g_strdup (state_words (pv->state));
      draw_fit (self, snapshot, state_line, small, FALSE, tx, y + h - pad * 0.7f, 1.0f, room, fg);
    }

  if (gone)
    {
      GdkRGBA veil = bg;

      /* Still: its last words under the veil, with the rest. */
      draw_card_step (self, snapshot, proc, dark);
      veil.alpha = 0.45f;
      shmviz_draw_rounded_fill (snapshot, r, radius, &veil);
    }
  if (pv->state == SHMVIZ_VIEW_DEAD)
    {
      /* Crossed out. */
      cairo_t *cr = gtk_snapshot_append_cairo (snapshot, r);

      gdk_cairo_set_source_rgba (cr, state_color);
      cairo_set_line_width (cr, MAX (2.0, z (self, 3) * sc));
      cairo_move_to (cr, x + pad, y + pad);
      cairo_line_to (cr, x + w - pad, y + h - pad);
      cairo_move_to (cr, x + w - pad, y + pad);
      cairo_line_to (cr, x + pad, y + h - pad);
      cairo_stroke (cr);
      cairo_destroy (cr);
    }

  if (is_highlighted (self, proc))
    {
      float g = z (self, 3);

      shmviz_draw_outline (snapshot, &GRAPHENE_RECT_INIT (x - g, y - g, w + 2 * g, h + 2 * g), radius + g,
                      z (self, 3), shmviz_palette_anomaly (self->palette, SHMVIZ_ANOMALY_LOST));
    }
}

/* Card pictures ---------------------------------------------------------- */

/* What a card's body shows; equal looks draw equal pixels (with the view's
 * geometry, palette, darkness, scale and fonts, on whose change the whole
 * cache goes). */
typedef struct {
  guint16 proc;
  guint16 n_producers;
  guint8 state;
  guint8 held_mutex;
  guint8 highlighted;
  gint32 pid;                  /* 0 when the card is too small to show it */
  char *step;                  /* only for dead and done cards, else NULL */
} CardLook;

typedef struct {
  CardLook look;               /* first: the table hashes entries as looks */
  GskRenderNode *node;         /* paints the picture, at the card's place */
  guint64 stamp;               /* frame it was last used in */
  gsize bytes;
} CardPicture;

/* Beyond this, pictures not used in the current frame are dropped. */
#define CARD_PICTURE_BUDGET (24u << 20)

static guint
card_look_hash (gconstpointer data)
{
  const CardLook *l = data;
  guint h = l->proc | (guint) l->n_producers << 16;

  h = h * 31 + (l->state | l->held_mutex << 8 | l->highlighted << 16);
  h = h * 31 + (guint) l->pid;
  return l->step ? h * 31 + g_str_hash (l->step) : h;
}

static gboolean
card_look_equal (gconstpointer a,
                 gconstpointer b)
{
  const CardLook *x = a, *y = b;

  return x->proc == y->proc && x->n_producers == y->n_producers && x->state == y->state &&
         x->held_mutex == y->held_mutex && x->highlighted == y->highlighted && x->pid == y->pid &&
         g_strcmp0 (x->step, y->step) == 0;
}

static void
card_picture_free (gpointer data)
{
  CardPicture *t = data;

  g_free (t->look.step);
  g_clear_pointer (&t->node, gsk_render_node_unref);
  g_free (t);
}

static void
flush_card_pictures (ShmvizProcessView *self)
{
  g_hash_table_remove_all (self->card_pictures);
  self->card_picture_bytes = 0;
}

/* The area a card's picture covers: the card, and room for the highlight
 * ring when it has one (every frame pays for each pixel), on whole pixels
 * so that the picture lands on the pixel grid. */
static void
card_picture_area (ShmvizProcessView *self,
                   guint              proc,
                   gboolean           highlighted,
                   int               *x,
                   int               *y,
                   int               *w,
                   int               *h)
{
  const graphene_rect_t *r = &self->cards[proc];
  int margin = highlighted ? (int) ceilf (z (self, 3)) + 1 : 0;

  *x = (int) floorf (r->origin.x) - margin;
  *y = (int) floorf (r->origin.y) - margin;
  *w = (int) ceilf (r->origin.x + r->size.width) + margin - *x;
  *h = (int) ceilf (r->origin.y + r->size.height) + margin - *y;
}

/* @node as a picture: see shmviz_draw_node_to_image(). */
static GskRenderNode *
rasterize (GskRenderNode *node,
           int            x,
           int            y,
           int            w,
           int            h,
           int            scale,
           gsize         *bytes)
{
  cairo_surface_t *surface = shmviz_draw_node_to_image (node, x, y, w, h, scale);
  GskRenderNode *image = shmviz_draw_image_node (surface, x, y, w, h);

  *bytes = (gsize) cairo_image_surface_get_stride (surface) * h * scale;
  cairo_surface_destroy (surface);
  return image;
}

/* Appends the body of card @proc as a picture, drawing it only when no
 * card has looked like this since the cache was last flushed. */
static void
append_card_body (ShmvizProcessView *self,
                  GtkSnapshot       *snapshot,
                  guint              proc,
                  gboolean           dark)
{
  const ShmvizProcView *pv = &self->procs[proc];
  g_autofree char *step = card_is_gone (pv) && self->card_scale >= 0.4f ? step_words (pv) : NULL;
  CardLook look = {
    .proc = proc,
    .n_producers = self->n_producers,
    .state = pv->state,
    .held_mutex = (pv->held & SHMVIZ_HELD_MUTEX) != 0,
    .highlighted = is_highlighted (self, proc),
    .pid = self->card_scale >= 0.55f ? pv->pid : 0,
    .step = step,
  };
  CardPicture *t = g_hash_table_lookup (self->card_pictures, &look);

  if (t == NULL)
    {
      GtkSnapshot *body = gtk_snapshot_new ();
      g_autoptr(GskRenderNode) node = NULL;
      int x, y, w, h;

      card_picture_area (self, proc, look.highlighted, &x, &y, &w, &h);
      draw_card_body (self, body, proc, dark);
      node = gtk_snapshot_free_to_node (body);
      t = g_new0 (CardPicture, 1);
      t->look = look;
      t->look.step = g_steal_pointer (&step);
      t->node = rasterize (node, x, y, w, h, self->picture_scale, &t->bytes);
      self->card_picture_bytes += t->bytes;
      g_hash_table_add (self->card_pictures, t);
    }
  t->stamp = self->frame_stamp;
  gtk_snapshot_append_node (snapshot, t->node);
}

/* Keeps the cache within its budget: what this frame did not use goes. */
static void
trim_card_pictures (ShmvizProcessView *self)
{
  GHashTableIter iter;
  gpointer key;

  if (self->card_picture_bytes <= CARD_PICTURE_BUDGET)
    return;
  g_hash_table_iter_init (&iter, self->card_pictures);
  while (g_hash_table_iter_next (&iter, &key, NULL))
    {
      CardPicture *t = key;

      if (t->stamp != self->frame_stamp)
        {
          self->card_picture_bytes -= t->bytes;
          g_hash_table_iter_remove (&iter);
        }
    }
}

static void
draw_card (ShmvizProcessView *self,
           GtkSnapshot       *snapshot,
           guint              proc,
           gboolean           dark)
{
  append_card_body (self, snapshot, proc, dark);
  if (!card_is_gone (&self->procs[proc]))
    draw_card_step (self, snapshot, proc, dark);
}

static void
draw_chip (ShmvizProcessView *self,
           GtkSnapshot       *snapshot,
           guint              proc,
           float              x,
           float              y,
           int                px,
           gboolean           solid,
           float             *width)
{
  g_autofree char *name = proc_name (self, proc);
  const GdkRGBA *c = shmviz_palette_process (self->palette, proc, self->n_producers);
  int tw, th;
  graphene_rect_t r;

  shmviz_text_cache_measure (self->text, name, px, TRUE, &tw, &th);
  r = GRAPHENE_RECT_INIT (x, y - th / 2.0f - px * 0.15f, tw + px, th + px * 0.3f);
  if (solid)
    {
      shmviz_draw_rounded_fill (snapshot, &r, r.size.height / 2, c);
      shmviz_text_cache_draw (self->text, snapshot, name, px, TRUE, x + r.size.width / 2, y, 0.5f, 0.5f,
                              shmviz_palette_text_on (c));
    }
  else
    {
      /* Still acquiring, not yet blocked: an outline only. */
      shmviz_draw_outline (snapshot, &r, r.size.height / 2, MAX (1.5f, px * 0.12f), c);
      shmviz_text_cache_draw (self->text, snapshot, name, px, TRUE, x + r.size.width / 2, y, 0.5f, 0.5f,
                              shmviz_palette_foreground (self->palette, shmviz_draw_is_dark (GTK_WIDGET (self), self->palette)));
    }
  *width = r.size.width;
}

/* How a semaphore's panel lays out its text.  The panels are the lesson
 * (who holds the lock, who waits on which semaphore), so their text is
 * sized from the panel's own height up to the size of the cards' names
 * beside them, not from the zoom alone: on a short view at 300 % a panel
 * cut into four lines drew its name at a third of a card's name. */
typedef struct {
  float pad;           /* above and below the text */
  float hpad;          /* left and right of it */
  int title_px;        /* the name: mutex, empty, full */
  int meaning_px;      /* "free slots", "items ready" */
  int value_px;        /* the counter's value; the mutex's owner starts there */
  int queue_px;        /* the waiters and "no one waiting" */
  gboolean stacked;    /* the meaning (or the owner) under the name, not beside it */
  float top_h;         /* the name's part, above the queue */
} PanelLayout;

static void
panel_layout (ShmvizProcessView     *self,
              const graphene_rect_t *b,
              PanelLayout           *pl)
{
  float h = b->size.height;
  float cap = MAX (z (self, 18), (float) card_name_px (self));
  float inner, stacked_px, row_px;

  pl->pad = MIN (z (self, 12), MAX (3.0f, h * 0.08f));
  pl->hpad = MIN (z (self, 12), MAX (6.0f, b->size.width * 0.04f));
  inner = MAX (h - 2 * pl->pad, 1.0f);
  /* In heights of the name's size: stacked, the name (1.25), the meaning
   * (1.05), a gap and the queue's chips (1.3); side by side, the name
   * and the queue alone.  Stacked while that costs the text little. */
  stacked_px = MIN (cap, inner / 3.9f);
  row_px = MIN (cap, inner / 2.6f);
  pl->stacked = stacked_px >= row_px * 0.9f;
  pl->title_px = (int) MAX (8.0f, pl->stacked ? stacked_px : row_px);
  pl->meaning_px = (int) MAX (8.0f, pl->title_px * 0.8f);
  pl->queue_px = (int) MAX (8.0f, pl->title_px * 0.8f);
  pl->top_h = pl->stacked ? pl->title_px * 1.25f + pl->meaning_px * 1.3f : pl->title_px * 1.3f;
  pl->value_px = (int) MAX (pl->title_px, MIN (z (self, 44), pl->top_h));
}

static void
draw_queue (ShmvizProcessView     *self,
            GtkSnapshot           *snapshot,
            ShmvizSem              sem,
            const graphene_rect_t *box,
            const PanelLayout     *pl,
            gboolean               dark)
{
  int px = pl->queue_px;
  float x = box->origin.x + pl->hpad, right = box->origin.x + box->size.width - pl->hpad;
  float y = box->origin.y + box->size.height - pl->pad - pl->title_px * 0.65f;
  guint shown = 0, waiting = 0;
  const GdkRGBA *fg = shmviz_palette_foreground (self->palette, dark);

  for (guint p = 0; p < self->n_procs; p++)
    {
      const ShmvizProcView *pv = &self->procs[p];

      if ((pv->state == SHMVIZ_VIEW_WAITING || pv->state == SHMVIZ_VIEW_ACQUIRING) && pv->wait_sem == sem)
        waiting++;
    }
  if (waiting == 0)
    {
      px = draw_fit_aligned (self, snapshot, _("no one waiting"), px, FALSE, box->origin.x + box->size.width / 2,
                             y, 0.5f, 0.5f, right - x, shmviz_palette_line (self->palette, dark), NULL);
      self->drawn.queue = MIN (self->drawn.queue, px);
      return;
    }
  self->drawn.queue = MIN (self->drawn.queue, px);
  {
    float lw = shmviz_text_cache_draw (self->text, snapshot, _("waiting:"), px, FALSE, x, y, 0.0f, 0.5f, fg);
    x += lw + px * 0.4f;
  }
  for (guint p = 0; p < self->n_procs; p++)
    {
      const ShmvizProcView *pv = &self->procs[p];
      float cw;

      if (!((pv->state == SHMVIZ_VIEW_WAITING || pv->state == SHMVIZ_VIEW_ACQUIRING) && pv->wait_sem == sem))
        continue;
      {
        g_autofree char *name = proc_name (self, p);
        char more[32];
        int tw, mw = 0;
        float need;

        /* This chip, and after it the "+N more" for those it leaves out:
         * both must fit, or the count is cut off at the panel's edge. */
        shmviz_text_cache_measure (self->text, name, px, TRUE, &tw, NULL);
        need = tw + px;
        if (waiting - shown > 1)
          {
            g_snprintf (more, sizeof more, _("+%u more"), waiting - shown - 1);
            shmviz_text_cache_measure (self->text, more, px, FALSE, &mw, NULL);
            need += px * 0.3f + mw;
          }
        if (x + need > right)
          {
            g_snprintf (more, sizeof more, _("+%u more"), waiting - shown);
            draw_fit (self, snapshot, more, px, FALSE, x, y, 0.5f, MAX (right - x, 1.0f), fg);
            break;
          }
      }
      draw_chip (self, snapshot, p, x, y, px, pv->state == SHMVIZ_VIEW_WAITING, &cw);
      x += cw + px * 0.3f;
      shown++;
    }
}

/* The mutex: its lock, shut while held, its name, and its owner beside
 * the name (a short panel) or under it. */
static void
draw_mutex_panel (ShmvizProcessView     *self,
                  GtkSnapshot           *snapshot,
                  const graphene_rect_t *b,
                  const PanelLayout     *pl,
                  gboolean               dark)
{
  const GdkRGBA *fg = shmviz_palette_foreground (self->palette, dark);
  gboolean held = self->mutex_owner != SHMVIZ_NO_PROC && self->mutex_owner < self->n_procs;
  const GdkRGBA *c = held ? shmviz_palette_view_state (self->palette, SHMVIZ_VIEW_CRITICAL)
                          : shmviz_palette_line (self->palette, dark);
  float top = b->origin.y + pl->pad, left = b->origin.x + pl->hpad;
  float right = b->origin.x + b->size.width - pl->hpad;
  float size = pl->stacked ? MIN (pl->title_px * 2.5f, z (self, 48)) : MIN (pl->title_px * 1.2f, pl->top_h);
  float ly = top + (pl->top_h - size) / 2, tx = left + size + pl->hpad, tw;
  g_autofree char *owner = held ? proc_name (self, self->mutex_owner) : NULL;
  g_autofree char *text = held ? g_strdup_printf (_("held by %s"), owner) : g_strdup (_("free"));
  cairo_t *cr;
  int px;

  /* The node is the lock's clip: a margin for the shackle's stroke. */
  cr = gtk_snapshot_append_cairo (snapshot, &GRAPHENE_RECT_INIT (left - 2, ly - 2, size + 4, size + 4));
  draw_lock (cr, left, ly, size, held, c);
  cairo_destroy (cr);

  if (pl->stacked)
    {
      px = draw_fit_aligned (self, snapshot, "mutex", pl->title_px, TRUE, tx, top + pl->title_px * 0.62f, 0.0f,
                             0.5f, right - tx, fg, NULL);
      self->drawn.sem_name = MIN (self->drawn.sem_name, px);
      /* Shrunk to the panel's width: "held by P12" never runs out. */
      px = draw_fit_aligned (self, snapshot, text, (int) (pl->title_px * 1.1f), held, tx,
                             top + pl->title_px * 1.25f + pl->title_px * 0.65f, 0.0f, 0.5f, right - tx, fg, NULL);
    }
  else
    {
      float y = top + pl->top_h / 2;
      int nw, ow;

      /* Name and owner shrink together: who holds the lock is the point,
       * and an owner squeezed into what the name left over drew “held
       * by P2” at 9 px beside a 30 px “mutex”. */
      for (px = pl->title_px; px > 9; px--)
        {
          shmviz_text_cache_measure (self->text, "mutex", px, TRUE, &nw, NULL);
          shmviz_text_cache_measure (self->text, text, px, held, &ow, NULL);
          if (nw + px * 0.5f + ow <= right - tx)
            break;
        }
      px = draw_fit_aligned (self, snapshot, "mutex", px, TRUE, tx, y, 0.0f, 0.5f, right - tx, fg, &tw);
      self->drawn.sem_name = MIN (self->drawn.sem_name, px);
      tx += tw + px * 0.5f;
      px = draw_fit_aligned (self, snapshot, text, px, held, right, y, 1.0f, 0.5f, right - tx, fg, NULL);
    }
  self->drawn.mutex_owner = px;
}

/* empty or full: its name, what it counts, its value. */
static void
draw_counter_panel (ShmvizProcessView     *self,
                    GtkSnapshot           *snapshot,
                    guint                  s,
                    const graphene_rect_t *b,
                    const PanelLayout     *pl,
                    gboolean               dark)
{
  const GdkRGBA *fg = shmviz_palette_foreground (self->palette, dark);
  const char *meaning = s == SHMVIZ_SEM_EMPTY ? _("free slots") : _("items ready");
  float top = b->origin.y + pl->pad, left = b->origin.x + pl->hpad;
  float right = b->origin.x + b->size.width - pl->hpad;
  float name_y = pl->stacked ? top + pl->title_px * 0.62f : top + pl->top_h / 2;
  float vw, tw;
  char value[32];
  int px;

  g_snprintf (value, sizeof value, "%d", self->sem_value[s]);
  /* The value first: it is what the panel is for, and the words make
   * way for it. */
  px = draw_fit_aligned (self, snapshot, value, pl->value_px, TRUE, right, top + pl->top_h / 2, 1.0f, 0.5f,
                         right - left, fg, &vw);
  self->drawn.sem_value = MIN (self->drawn.sem_value, px);
  right -= vw + pl->title_px * 0.5f;

  px = draw_fit_aligned (self, snapshot, sem_word (s), pl->title_px, TRUE, left, name_y, 0.0f, 0.5f,
                         right - left, fg, &tw);
  self->drawn.sem_name = MIN (self->drawn.sem_name, px);
  if (pl->stacked)
    px = draw_fit_aligned (self, snapshot, meaning, pl->meaning_px, FALSE, left,
                           top + pl->title_px * 1.25f + pl->meaning_px * 0.65f, 0.0f, 0.5f, right - left, fg, NULL);
  else
    {
      float mx = left + tw + pl->title_px * 0.4f;

      px = draw_fit_aligned (self, snapshot, meaning, pl->meaning_px, FALSE, mx, name_y, 0.0f, 0.5f,
                             right - mx, fg, NULL);
    }
  self->drawn.sem_meaning = MIN (self->drawn.sem_meaning, px);
}

static void
draw_semaphores (ShmvizProcessView *self,
                 GtkSnapshot       *snapshot,
                 gboolean           dark)
{
  GdkRGBA panel = *shmviz_palette_line (self->palette, dark);

  panel.alpha = 0.18f;
  self->drawn.sem_name = self->drawn.sem_meaning = self->drawn.sem_value = G_MAXINT;
  self->drawn.mutex_owner = self->drawn.queue = G_MAXINT;
  /* Drawn every time, not as pictures: a picture of a box this large
   * costs the cairo renderer more (callgrind) than the box itself. */
  for (guint s = 0; s < SHMVIZ_N_SEMS; s++)
    {
      const graphene_rect_t *b = &self->sem_box[s];
      PanelLayout pl;

      panel_layout (self, b, &pl);
      shmviz_draw_rounded_fill (snapshot, b, MIN (z (self, 12), b->size.height / 4), &panel);
      if (s == SHMVIZ_SEM_MUTEX)
        draw_mutex_panel (self, snapshot, b, &pl, dark);
      else
        draw_counter_panel (self, snapshot, s, b, &pl, dark);
      draw_queue (self, snapshot, s, b, &pl, dark);
    }
}

static void
arrow_between (cairo_t               *cr,
               const graphene_rect_t *from,
               const graphene_rect_t *to,
               double                 width)
{
  double x0 = from->origin.x + from->size.width / 2, y0 = from->origin.y + from->size.height / 2;
  double x1 = to->origin.x + to->size.width / 2, y1 = to->origin.y + to->size.height / 2;
  double a, head = width * 3.5;

  /* Leave the boxes at their facing edges. */
  if (x1 > x0)
    x0 = from->origin.x + from->size.width, x1 = to->origin.x;
  else
    x0 = from->origin.x, x1 = to->origin.x + to->size.width;
  a = atan2 (y1 - y0, x1 - x0);
  cairo_set_line_width (cr, width);
  cairo_move_to (cr, x0, y0);
  cairo_curve_to (cr, (x0 + x1) / 2, y0, (x0 + x1) / 2, y1, x1 - cos (a) * head * 0.5, y1);
  cairo_stroke (cr);
  cairo_move_to (cr, x1, y1);
  cairo_line_to (cr, x1 - (x1 > x0 ? head : -head), y1 - head * 0.5);
  cairo_line_to (cr, x1 - (x1 > x0 ? head : -head), y1 + head * 0.5);
  cairo_close_path (cr);
  cairo_fill (cr);
}

static void
draw_deadlock (ShmvizProcessView *self,
               GtkSnapshot       *snapshot,
               gboolean          dark)
{
  const GdkRGBA *red = shmviz_palette_anomaly (self->palette, SHMVIZ_ANOMALY_DEADLOCK);
  cairo_t *cr = gtk_snapshot_append_cairo (snapshot, &GRAPHENE_RECT_INIT (0, 0, self->geo_width,
                                                                           self->geo_height));
  /* One node for the whole cycle: drawn only while deadlocked, when the
   * picture is still anyway. */
  double lw = MAX (2.0, z (self, 3));
  guint drawn = 0;

  gdk_cairo_set_source_rgba (cr, red);
  /* The cycle: each waiter points at what it waits on; the mutex points at
   * its holder; empty and full point at the blocked processes that alone
   * could post them. */
  for (guint p = 0; p < self->n_procs && drawn < 48; p++)
    {
      const ShmvizProcView *pv = &self->procs[p];

      if (pv->state != SHMVIZ_VIEW_WAITING || pv->wait_sem >= SHMVIZ_N_SEMS)
        continue;
      cairo_set_dash (cr, NULL, 0, 0);
      arrow_between (cr, &self->cards[p], &self->sem_box[pv->wait_sem], lw);
      drawn++;
    }
  if (self->mutex_owner < self->n_procs)
    arrow_between (cr, &self->sem_box[SHMVIZ_SEM_MUTEX], &self->cards[self->mutex_owner], lw);
  {
    double dash[2] = { lw * 3, lw * 2 };

    cairo_set_dash (cr, dash, 2, 0);
    for (guint p = 0; p < self->n_procs && drawn < 64; p++)
      {
        const ShmvizProcView *pv = &self->procs[p];
        ShmvizSem posts = pv->role == SHMVIZ_ROLE_PRODUCER ? SHMVIZ_SEM_FULL : SHMVIZ_SEM_EMPTY;
        gboolean someone_waits = FALSE;

        if (pv->state != SHMVIZ_VIEW_WAITING || p == self->mutex_owner)
          continue;
        for (guint q = 0; q < self->n_procs; q++)
          if (self->procs[q].state == SHMVIZ_VIEW_WAITING && self->procs[q].wait_sem == posts)
            someone_waits = TRUE;
        if (!someone_waits)
          continue;
        arrow_between (cr, &self->sem_box[posts], &self->cards[p], lw * 0.7);
        drawn++;
      }
  }
  cairo_destroy (cr);

  {
    int px = self->head_px;
    const char *text = _("Deadlock: every process is waiting for another");
    int tw, th;
    graphene_rect_t r;

    shmviz_text_cache_measure (self->text, text, px, TRUE, &tw, &th);
    r = GRAPHENE_RECT_INIT (self->geo_width / 2.0f - tw / 2.0f - px, z (self, 4), tw + 2 * px, th + px * 0.4f);
    shmviz_draw_rounded_fill (snapshot, &r, z (self, 8), red);
    shmviz_text_cache_draw (self->text, snapshot, text, px, TRUE, self->geo_width / 2.0f,
                            r.origin.y + r.size.height / 2, 0.5f, 0.5f, shmviz_palette_text_on (red));
  }
}

/* Everything a card shows, folded into one number (FNV-1a). */
static guint64
card_key (ShmvizProcessView *self,
          guint              proc)
{
  const ShmvizProcView *pv = &self->procs[proc];
  guint64 fields[] = {
    pv->state, pv->wait_sem, pv->held, pv->last_kind, pv->last_slot, pv->last_item, (guint64) (gint64) pv->pid,
    pv->items_done, (guint64) (gint64) pv->exit_status, pv->signaled, is_highlighted (self, proc),
    self->n_producers, g_str_hash (self->palette),
  };
  guint64 h = G_GUINT64_CONSTANT (14695981039346656037);

  for (guint i = 0; i < G_N_ELEMENTS (fields); i++)
    for (guint b = 0; b < 8; b++)
      {
        h ^= (fields[i] >> (b * 8)) & 0xff;
        h *= G_GUINT64_CONSTANT (1099511628211);
      }
  return h;
}

/* Rebuilds the nodes of the cards whose key changed; returns how many
 * cards are new this frame (those past cards_alloc are drawn afresh). */
static guint
update_cards (ShmvizProcessView *self,
              gboolean           dark)
{
  guint changed = 0;

  if (dark != self->cards_dark)
    {
      drop_cards (self);
      flush_card_pictures (self);
      self->cards_dark = dark;
    }
  self->frame_stamp++;
  for (guint p = 0; p < self->n_procs; p++)
    {
      guint64 key;

      if (p >= self->cards_alloc)
        {
          changed++;
          continue;
        }
      key = card_key (self, p);
      if (self->card_nodes[p] == NULL || self->card_keys[p] != key)
        {
          GtkSnapshot *card = gtk_snapshot_new ();

          g_clear_pointer (&self->card_nodes[p], gsk_render_node_unref);
          draw_card (self, card, p, dark);
          self->card_nodes[p] = gtk_snapshot_free_to_node (card);
          self->card_keys[p] = key;
          changed++;
        }
    }
  trim_card_pictures (self);
  return changed;
}

static GskRenderNode *
build_node (ShmvizProcessView *self,
            gboolean           dark)
{
  GtkSnapshot *snapshot = gtk_snapshot_new ();
  const GdkRGBA *fg = shmviz_palette_foreground (self->palette, dark);
  float m = z (self, 12);
  int head_px = self->head_px;

  /* Many changed cards scattered over the view make a damage region of
   * many rectangles: see SHMVIZ_DRAW_COARSE_DAMAGE. */
  if (update_cards (self, dark) > SHMVIZ_DRAW_COARSE_DAMAGE)
    shmviz_draw_damage_whole (snapshot, &GRAPHENE_RECT_INIT (0, 0, self->geo_width, self->geo_height),
                              &self->damage_parity);

  if (shmviz_palette_is_dark (self->palette))
    gtk_snapshot_append_color (snapshot, shmviz_palette_background (self->palette, TRUE),
                               &GRAPHENE_RECT_INIT (0, 0, self->geo_width, self->geo_height));

  if (!self->deadlock)
    {
      shmviz_text_cache_draw (self->text, snapshot, _("Producers"), head_px, TRUE, m, head_px, 0.0f, 0.5f, fg);
      shmviz_text_cache_draw (self->text, snapshot, _("Consumers"), head_px, TRUE, self->geo_width - m,
                              head_px, 1.0f, 0.5f, fg);
    }

  draw_semaphores (self, snapshot, dark);
  for (guint p = 0; p < self->n_procs; p++)
    {
      if (p >= self->cards_alloc)
        draw_card (self, snapshot, p, dark);
      else if (self->card_nodes[p] != NULL)
        gtk_snapshot_append_node (snapshot, self->card_nodes[p]);
    }
  if (self->deadlock)
    draw_deadlock (self, snapshot, dark);

  return gtk_snapshot_free_to_node (snapshot);
}

static void
shmviz_process_view_snapshot (GtkWidget   *widget,
                              GtkSnapshot *snapshot)
{
  ShmvizProcessView *self = SHMVIZ_PROCESS_VIEW (widget);
  gboolean dark = shmviz_draw_is_dark (GTK_WIDGET (self), self->palette);

  if (!self->have_snapshot)
    {
      shmviz_text_cache_draw (self->text, snapshot, _("No session"), (int) z (self, 18), FALSE,
                              gtk_widget_get_width (widget) / 2.0f, gtk_widget_get_height (widget) / 2.0f,
                              0.5f, 0.5f, shmviz_palette_line (self->palette, dark));
      return;
    }

  ensure_geometry (self);
  if (gtk_widget_get_scale_factor (widget) != self->picture_scale)
    {
      /* Crisp on a HiDPI monitor: the cards drawn again at its scale. */
      self->picture_scale = gtk_widget_get_scale_factor (widget);
      flush_card_pictures (self);
      drop_cards (self);
      g_clear_pointer (&self->node, gsk_render_node_unref);
    }
  if (self->node == NULL)
    self->node = build_node (self, dark);
  gtk_snapshot_append_node (snapshot, self->node);

  if (self->hover >= 0 && (guint) self->hover < self->n_procs)
    {
      GdkRGBA c = *shmviz_palette_foreground (self->palette, dark);

      c.alpha = 0.5f;
      shmviz_draw_outline (snapshot, &self->cards[self->hover], z (self, 10) * self->card_scale, z (self, 2), &c);
    }
  if (gtk_widget_has_focus (widget) && self->focused >= 0 && (guint) self->focused < self->n_procs)
    {
      const graphene_rect_t *r = &self->cards[self->focused];
      float g = z (self, 3);

      shmviz_draw_outline (snapshot, &GRAPHENE_RECT_INIT (r->origin.x - g, r->origin.y - g, r->size.width + 2 * g,
                                                     r->size.height + 2 * g),
                      z (self, 12) * self->card_scale, z (self, 3), shmviz_palette_accent (self->palette, dark));
    }
}

void
shmviz_process_view_get_text_sizes (ShmvizProcessView      *self,
                                    ShmvizProcessTextSizes *sizes)
{
  int name;

  g_return_if_fail (SHMVIZ_IS_PROCESS_VIEW (self));
  g_return_if_fail (sizes != NULL);

  memset (sizes, 0, sizeof *sizes);
  if (!self->have_snapshot)
    return;
  ensure_geometry (self);
  /* The panels' sizes are those the last build drew at: build it now if
   * no frame has since what changed. */
  if (self->node == NULL)
    self->node = build_node (self, shmviz_draw_is_dark (GTK_WIDGET (self), self->palette));
  *sizes = self->drawn;
  name = card_name_px (self);
  sizes->card_name = name >= 8 ? name : 0;
}

/* Public API ------------------------------------------------------------- */

GtkWidget *
shmviz_process_view_new (void)
{
  return g_object_new (SHMVIZ_TYPE_PROCESS_VIEW, NULL);
}

void
shmviz_process_view_set_model (ShmvizProcessView *self,
                               ShmvizModel       *model)
{
  g_return_if_fail (SHMVIZ_IS_PROCESS_VIEW (self));

  if (self->model == model)
    return;
  g_clear_pointer (&self->model, shmviz_model_unref);
  if (model)
    self->model = shmviz_model_ref (model);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_MODEL]);
}

ShmvizModel *
shmviz_process_view_get_model (ShmvizProcessView *self)
{
  g_return_val_if_fail (SHMVIZ_IS_PROCESS_VIEW (self), NULL);
  return self->model;
}

void
shmviz_process_view_set_snapshot (ShmvizProcessView    *self,
                                  const ShmvizSnapshot *snapshot)
{
  g_return_if_fail (SHMVIZ_IS_PROCESS_VIEW (self));

  if (snapshot == NULL)
    {
      if (self->have_snapshot)
        {
          self->have_snapshot = FALSE;
          self->n_procs = 0;
          self->geo_width = -1;
          invalidate (self);
        }
      return;
    }
  if (self->have_snapshot && snapshot->generation == self->generation && snapshot->n_procs == self->n_procs)
    return;

  if (snapshot->n_procs != self->n_procs)
    {
      self->procs = g_renew (ShmvizProcView, self->procs, snapshot->n_procs);
      self->geo_width = -1;
      if (self->focused >= (int) snapshot->n_procs)
        self->focused = -1;
      self->hover = -1;
    }
  self->n_procs = snapshot->n_procs;
  if (self->n_procs > 0)
    memcpy (self->procs, snapshot->procs, sizeof (ShmvizProcView) * self->n_procs);
  self->n_producers = MIN (snapshot->scenario.n_producers, snapshot->n_procs);
  memcpy (self->sem_value, snapshot->sem_value, sizeof self->sem_value);
  self->mutex_owner = snapshot->mutex_owner;
  self->deadlock = snapshot->deadlock;
  self->generation = snapshot->generation;
  self->have_snapshot = TRUE;
  update_accessible (self);
  invalidate (self);
}

void
shmviz_process_view_set_zoom (ShmvizProcessView *self,
                              double             zoom)
{
  g_return_if_fail (SHMVIZ_IS_PROCESS_VIEW (self));

  zoom = CLAMP (zoom, 1.0, 3.0);
  if (zoom == self->zoom)
    return;
  self->zoom = zoom;
  self->geo_width = -1;
  invalidate (self);
  gtk_widget_queue_resize (GTK_WIDGET (self));
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_ZOOM]);
}

double
shmviz_process_view_get_zoom (ShmvizProcessView *self)
{
  g_return_val_if_fail (SHMVIZ_IS_PROCESS_VIEW (self), 1.0);
  return self->zoom;
}

void
shmviz_process_view_set_palette (ShmvizProcessView *self,
                                 const char        *palette)
{
  const char *canon;

  g_return_if_fail (SHMVIZ_IS_PROCESS_VIEW (self));

  canon = shmviz_palette_canonical (palette);
  if (g_strcmp0 (canon, self->palette) == 0)
    return;
  g_free (self->palette);
  self->palette = g_strdup (canon);
  flush_card_pictures (self);
  invalidate (self);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_PALETTE]);
}

const char *
shmviz_process_view_get_palette (ShmvizProcessView *self)
{
  g_return_val_if_fail (SHMVIZ_IS_PROCESS_VIEW (self), NULL);
  return self->palette;
}

void
shmviz_process_view_set_highlight (ShmvizProcessView *self,
                                   const guint16     *procs,
                                   guint              n)
{
  g_return_if_fail (SHMVIZ_IS_PROCESS_VIEW (self));
  g_return_if_fail (procs != NULL || n == 0);

  g_array_set_size (self->highlight, 0);
  if (n > 0)
    g_array_append_vals (self->highlight, procs, n);
  invalidate (self);
}

/* Input ------------------------------------------------------------------ */

static void
motion_cb (GtkEventControllerMotion *motion,
           double                    x,
           double                    y,
           ShmvizProcessView        *self)
{
  int card = self->have_snapshot ? card_at (self, x, y) : -1;

  if (card != self->hover)
    {
      self->hover = card;
      gtk_widget_queue_draw (GTK_WIDGET (self));
    }
}

static void
leave_cb (GtkEventControllerMotion *motion,
          ShmvizProcessView        *self)
{
  if (self->hover != -1)
    {
      self->hover = -1;
      gtk_widget_queue_draw (GTK_WIDGET (self));
    }
}

static void
set_focused (ShmvizProcessView *self,
             int                proc)
{
  if (proc == self->focused)
    return;
  self->focused = proc;
  update_accessible (self);
  gtk_widget_trigger_tooltip_query (GTK_WIDGET (self));
  gtk_widget_queue_draw (GTK_WIDGET (self));
}

static void
pressed_cb (GtkGestureClick   *gesture,
            int                n_press,
            double             x,
            double             y,
            ShmvizProcessView *self)
{
  int card = self->have_snapshot ? card_at (self, x, y) : -1;

  gtk_widget_grab_focus (GTK_WIDGET (self));
  if (card < 0)
    return;
  set_focused (self, card);
  g_signal_emit (self, signals[PROCESS_ACTIVATED], 0, (guint) card);
}

/* Right-click on a card: its fault menu (ui/shmviz-fault-menu.c). */
static void
secondary_pressed_cb (GtkGestureClick   *gesture,
                      int                n_press,
                      double             x,
                      double             y,
                      ShmvizProcessView *self)
{
  int card = self->have_snapshot ? card_at (self, x, y) : -1;

  if (card < 0)
    return;
  gtk_widget_grab_focus (GTK_WIDGET (self));
  set_focused (self, card);
  gtk_gesture_set_state (GTK_GESTURE (gesture), GTK_EVENT_SEQUENCE_CLAIMED);
  g_signal_emit (self, signals[PROCESS_MENU], 0, (guint) card, x, y);
}

static gboolean
key_pressed_cb (GtkEventControllerKey *key,
                guint                  keyval,
                guint                  keycode,
                GdkModifierType        state,
                ShmvizProcessView     *self)
{
  int n = self->n_procs, f = self->focused;

  if (n == 0)
    return FALSE;
  switch (keyval)
    {
    case GDK_KEY_Left:
    case GDK_KEY_Up:
      set_focused (self, f <= 0 ? n - 1 : f - 1);
      return TRUE;
    case GDK_KEY_Right:
    case GDK_KEY_Down:
      set_focused (self, f < 0 || f >= n - 1 ? 0 : f + 1);
      return TRUE;
    case GDK_KEY_Home:
      set_focused (self, 0);
      return TRUE;
    case GDK_KEY_End:
      set_focused (self, n - 1);
      return TRUE;
    case GDK_KEY_Return:
    case GDK_KEY_KP_Enter:
    case GDK_KEY_space:
      if (f < 0)
        return FALSE;
      g_signal_emit (self, signals[PROCESS_ACTIVATED], 0, (guint) f);
      return TRUE;
    case GDK_KEY_F10:
      if ((state & GDK_SHIFT_MASK) == 0)
        return FALSE;
      G_GNUC_FALLTHROUGH;
    case GDK_KEY_Menu:
      if (f < 0 || f >= n || self->cards == NULL)
        return FALSE;
      /* Below the middle of the focused card, as a right-click there. */
      g_signal_emit (self, signals[PROCESS_MENU], 0, (guint) f,
                     (double) (self->cards[f].origin.x + self->cards[f].size.width / 2),
                     (double) (self->cards[f].origin.y + self->cards[f].size.height / 2));
      return TRUE;
    default:
      return FALSE;
    }
}

static void
focus_changed_cb (GtkEventControllerFocus *focus,
                  ShmvizProcessView       *self)
{
  if (self->focused < 0 && self->n_procs > 0 && gtk_widget_has_focus (GTK_WIDGET (self)))
    set_focused (self, 0);
  gtk_widget_queue_draw (GTK_WIDGET (self));
}

static gboolean
shmviz_process_view_query_tooltip (GtkWidget  *widget,
                                   int         x,
                                   int         y,
                                   gboolean    keyboard,
                                   GtkTooltip *tooltip)
{
  ShmvizProcessView *self = SHMVIZ_PROCESS_VIEW (widget);
  g_autofree char *text = NULL;
  int card;

  if (!self->have_snapshot)
    return FALSE;
  card = keyboard ? self->focused : card_at (self, x, y);
  if (card < 0)
    return FALSE;
  text = shmviz_process_view_describe_process (self, card);
  gtk_tooltip_set_text (tooltip, text);
  return TRUE;
}

/* GObject ---------------------------------------------------------------- */

static void
shmviz_process_view_measure (GtkWidget      *widget,
                             GtkOrientation  orientation,
                             int             for_size,
                             int            *minimum,
                             int            *natural,
                             int            *minimum_baseline,
                             int            *natural_baseline)
{
  ShmvizProcessView *self = SHMVIZ_PROCESS_VIEW (widget);

  if (orientation == GTK_ORIENTATION_HORIZONTAL)
    {
      *minimum = (int) z (self, 360);
      *natural = (int) z (self, 860);
      return;
    }
  /* A projector is no taller at 300 %: a floor that grew with the zoom
   * pushed the totals off a 1080-line screen.  The cards and panels
   * shrink to the height they get (see the geometry), and at √zoom
   * times the 100 % floor their text still draws larger than at the
   * 100 % floor, so the floor grows only that much. */
  *minimum = (int) (220 * sqrt (self->zoom));
  *natural = (int) z (self, 380);
}


static void
shmviz_process_view_system_setting_changed (GtkWidget        *widget,
                                            GtkSystemSetting  setting)
{
  ShmvizProcessView *self = SHMVIZ_PROCESS_VIEW (widget);

  GTK_WIDGET_CLASS (shmviz_process_view_parent_class)->system_setting_changed (widget, setting);
  /* Fonts, their size or rendering: every text laid out and drawn again. */
  shmviz_text_cache_clear (self->text);
  flush_card_pictures (self);
  self->geo_width = -1;
  invalidate (self);
}

/* The cards' pictures are drawn again at the new scale on the next frame
 * (see the snapshot); this makes sure there is one. */
static void
scale_factor_changed_cb (ShmvizProcessView *self)
{
  invalidate (self);
}

static void
shmviz_process_view_finalize (GObject *object)
{
  ShmvizProcessView *self = SHMVIZ_PROCESS_VIEW (object);

  g_clear_pointer (&self->model, shmviz_model_unref);
  g_clear_pointer (&self->node, gsk_render_node_unref);
  drop_cards (self);
  g_free (self->card_nodes);
  g_free (self->card_keys);
  g_clear_pointer (&self->highlight, g_array_unref);
  g_clear_pointer (&self->card_pictures, g_hash_table_unref);
  g_clear_pointer (&self->text, shmviz_text_cache_free);
  g_free (self->procs);
  g_free (self->cards);
  g_free (self->palette);
  g_free (self->description);

  G_OBJECT_CLASS (shmviz_process_view_parent_class)->finalize (object);
}

static void
shmviz_process_view_get_property (GObject    *object,
                                  guint       prop_id,
                                  GValue     *value,
                                  GParamSpec *pspec)
{
  ShmvizProcessView *self = SHMVIZ_PROCESS_VIEW (object);

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
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
shmviz_process_view_set_property (GObject      *object,
                                  guint         prop_id,
                                  const GValue *value,
                                  GParamSpec   *pspec)
{
  ShmvizProcessView *self = SHMVIZ_PROCESS_VIEW (object);

  switch (prop_id)
    {
    case PROP_MODEL:
      shmviz_process_view_set_model (self, g_value_get_boxed (value));
      break;
    case PROP_ZOOM:
      shmviz_process_view_set_zoom (self, g_value_get_double (value));
      break;
    case PROP_PALETTE:
      shmviz_process_view_set_palette (self, g_value_get_string (value));
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
shmviz_process_view_class_init (ShmvizProcessViewClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->finalize = shmviz_process_view_finalize;
  object_class->get_property = shmviz_process_view_get_property;
  object_class->set_property = shmviz_process_view_set_property;

  widget_class->snapshot = shmviz_process_view_snapshot;
  widget_class->measure = shmviz_process_view_measure;
  widget_class->query_tooltip = shmviz_process_view_query_tooltip;
  widget_class->system_setting_changed = shmviz_process_view_system_setting_changed;

  properties[PROP_MODEL] =
    g_param_spec_boxed ("model", NULL, NULL, SHMVIZ_TYPE_MODEL,
                        G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_ZOOM] =
    g_param_spec_double ("zoom", NULL, NULL, 1.0, 3.0, 1.0,
                         G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_PALETTE] =
    g_param_spec_string ("palette", NULL, NULL, "default",
                         G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  /**
   * ShmvizProcessView::process-activated:
   * @proc: the process (model index) clicked, or chosen with Enter
   */
  signals[PROCESS_ACTIVATED] =
    g_signal_new ("process-activated", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0, NULL, NULL, NULL,
                  G_TYPE_NONE, 1, G_TYPE_UINT);

  /**
   * ShmvizProcessView::process-menu:
   * @proc: the process (model index) right-clicked, or focused when Menu
   *   or Shift+F10 was pressed
   * @x: where to point the menu, in the view's coordinates
   * @y: likewise
   */
  signals[PROCESS_MENU] =
    g_signal_new ("process-menu", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0, NULL, NULL, NULL,
                  G_TYPE_NONE, 3, G_TYPE_UINT, G_TYPE_DOUBLE, G_TYPE_DOUBLE);

  gtk_widget_class_set_css_name (widget_class, "shmvizprocessview");
  gtk_widget_class_set_accessible_role (widget_class, GTK_ACCESSIBLE_ROLE_GROUP);
}

static void
shmviz_process_view_init (ShmvizProcessView *self)
{
  GtkEventController *controller;
  GtkGesture *click;

  self->palette = g_strdup ("default");
  self->zoom = 1.0;
  self->focused = -1;
  self->hover = -1;
  self->geo_width = -1;
  self->mutex_owner = SHMVIZ_NO_PROC;
  self->highlight = g_array_new (FALSE, FALSE, sizeof (guint16));
  self->text = shmviz_text_cache_new (GTK_WIDGET (self), 512);
  self->card_pictures = g_hash_table_new_full (card_look_hash, card_look_equal, card_picture_free, NULL);
  self->picture_scale = 1;

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

  click = gtk_gesture_click_new ();
  gtk_gesture_single_set_button (GTK_GESTURE_SINGLE (click), GDK_BUTTON_SECONDARY);
  g_signal_connect (click, "pressed", G_CALLBACK (secondary_pressed_cb), self);
  gtk_widget_add_controller (GTK_WIDGET (self), GTK_EVENT_CONTROLLER (click));

  controller = gtk_event_controller_key_new ();
  g_signal_connect (controller, "key-pressed", G_CALLBACK (key_pressed_cb), self);
  gtk_widget_add_controller (GTK_WIDGET (self), controller);

  controller = gtk_event_controller_focus_new ();
  g_signal_connect (controller, "enter", G_CALLBACK (focus_changed_cb), self);
  g_signal_connect (controller, "leave", G_CALLBACK (focus_changed_cb), self);
  gtk_widget_add_controller (GTK_WIDGET (self), controller);

  gtk_accessible_update_property (GTK_ACCESSIBLE (self),
                                  GTK_ACCESSIBLE_PROPERTY_LABEL, _("Processes and locks"),
                                  -1);
}
