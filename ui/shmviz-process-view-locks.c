/* shmviz-process-view-locks.c — the mutex, empty and full panels
 *
 * The three semaphores between the card groups: the mutex as a lock with
 * its owner, empty and full as counters, each with the chips of the
 * processes waiting on it.  Drawn every frame, not as pictures.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <glib/gi18n.h>

#include "ledger.h"
#include "shmviz-draw.h"
#include "shmviz-palette.h"
#include "shmviz-process-view-internal.h"

/* A padlock, shut or open: the mutex's panel, and beside the name of the
 * card that holds it. */
void
_shmviz_process_view_draw_lock (cairo_t       *cr,
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
  g_autofree char *name = _shmviz_process_view_proc_name (self, proc);
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
  float cap = MAX (_shmviz_process_view_z (self, 18), (float) _shmviz_process_view_card_name_px (self));
  float inner, stacked_px, row_px;

  pl->pad = MIN (_shmviz_process_view_z (self, 12), MAX (3.0f, h * 0.08f));
  pl->hpad = MIN (_shmviz_process_view_z (self, 12), MAX (6.0f, b->size.width * 0.04f));
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
  pl->value_px = (int) MAX (pl->title_px, MIN (_shmviz_process_view_z (self, 44), pl->top_h));
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
      px = _shmviz_process_view_draw_fit_aligned (self, snapshot, _("no one waiting"), px, FALSE,
                                                  box->origin.x + box->size.width / 2, y, 0.5f, 0.5f, right - x,
                                                  shmviz_palette_line (self->palette, dark), NULL);
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
        g_autofree char *name = _shmviz_process_view_proc_name (self, p);
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
            _shmviz_process_view_draw_fit (self, snapshot, more, px, FALSE, x, y, 0.5f, MAX (right - x, 1.0f), fg);
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
  float size = pl->stacked ? MIN (pl->title_px * 2.5f, _shmviz_process_view_z (self, 48))
                            : MIN (pl->title_px * 1.2f, pl->top_h);
  float ly = top + (pl->top_h - size) / 2, tx = left + size + pl->hpad, tw;
  g_autofree char *owner = held ? _shmviz_process_view_proc_name (self, self->mutex_owner) : NULL;
  g_autofree char *text = held ? g_strdup_printf (_("held by %s"), owner) : g_strdup (_("free"));
  cairo_t *cr;
  int px;

  /* The node is the lock's clip: a margin for the shackle's stroke. */
  cr = gtk_snapshot_append_cairo (snapshot, &GRAPHENE_RECT_INIT (left - 2, ly - 2, size + 4, size + 4));
  _shmviz_process_view_draw_lock (cr, left, ly, size, held, c);
  cairo_destroy (cr);

  if (pl->stacked)
    {
      px = _shmviz_process_view_draw_fit_aligned (self, snapshot, "mutex", pl->title_px, TRUE, tx,
                                                  top + pl->title_px * 0.62f, 0.0f, 0.5f, right - tx, fg, NULL);
      self->drawn.sem_name = MIN (self->drawn.sem_name, px);
      /* Shrunk to the panel's width: "held by P12" never runs out. */
      px = _shmviz_process_view_draw_fit_aligned (self, snapshot, text, (int) (pl->title_px * 1.1f), held, tx,
                                                  top + pl->title_px * 1.25f + pl->title_px * 0.65f, 0.0f, 0.5f,
                                                  right - tx, fg, NULL);
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
      px = _shmviz_process_view_draw_fit_aligned (self, snapshot, "mutex", px, TRUE, tx, y, 0.0f, 0.5f, right - tx,
                                                  fg, &tw);
      self->drawn.sem_name = MIN (self->drawn.sem_name, px);
      tx += tw + px * 0.5f;
      px = _shmviz_process_view_draw_fit_aligned (self, snapshot, text, px, held, right, y, 1.0f, 0.5f, right - tx,
                                                  fg, NULL);
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
  px = _shmviz_process_view_draw_fit_aligned (self, snapshot, value, pl->value_px, TRUE, right, top + pl->top_h / 2,
                                              1.0f, 0.5f, right - left, fg, &vw);
  self->drawn.sem_value = MIN (self->drawn.sem_value, px);
  right -= vw + pl->title_px * 0.5f;

  px = _shmviz_process_view_draw_fit_aligned (self, snapshot, _shmviz_process_view_sem_word (s), pl->title_px, TRUE,
                                              left, name_y, 0.0f, 0.5f, right - left, fg, &tw);
  self->drawn.sem_name = MIN (self->drawn.sem_name, px);
  if (pl->stacked)
    px = _shmviz_process_view_draw_fit_aligned (self, snapshot, meaning, pl->meaning_px, FALSE, left,
                                                top + pl->title_px * 1.25f + pl->meaning_px * 0.65f, 0.0f, 0.5f,
                                                right - left, fg, NULL);
  else
    {
      float mx = left + tw + pl->title_px * 0.4f;

      px = _shmviz_process_view_draw_fit_aligned (self, snapshot, meaning, pl->meaning_px, FALSE, mx, name_y, 0.0f,
                                                  0.5f, right - mx, fg, NULL);
    }
  self->drawn.sem_meaning = MIN (self->drawn.sem_meaning, px);
}

void
_shmviz_process_view_draw_semaphores (ShmvizProcessView *self,
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
      shmviz_draw_rounded_fill (snapshot, b, MIN (_shmviz_process_view_z (self, 12), b->size.height / 4), &panel);
      if (s == SHMVIZ_SEM_MUTEX)
        draw_mutex_panel (self, snapshot, b, &pl, dark);
      else
        draw_counter_panel (self, snapshot, s, b, &pl, dark);
      draw_queue (self, snapshot, s, b, &pl, dark);
    }
}
