/* shmviz-process-view-cards.c — one card per process
 *
 * A card's body (frame, colours, state shape, name, pid, state line,
 * veil, highlight) and its live step line, and the per-card nodes kept
 * across frames while a card shows the same.  The body's pictures are in
 * shmviz-process-view-card-pictures.c.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <glib/gi18n.h>

#include "layout.h"
#include "ledger.h"
#include "shmviz-draw.h"
#include "shmviz-palette.h"
#include "shmviz-process-view-internal.h"

/* The size of a card's name, the measure of the text around the cards. */
int
_shmviz_process_view_card_name_px (ShmvizProcessView *self)
{
  return (int) (_shmviz_process_view_z (self, 24) * self->card_scale);
}

void
_shmviz_process_view_drop_cards (ShmvizProcessView *self)
{
  for (guint i = 0; i < self->cards_alloc; i++)
    g_clear_pointer (&self->card_nodes[i], gsk_render_node_unref);
}

gboolean
_shmviz_process_view_is_highlighted (ShmvizProcessView *self,
                                     guint              proc)
{
  for (guint i = 0; i < self->highlight->len; i++)
    if (g_array_index (self->highlight, guint16, i) == proc)
      return TRUE;
  return FALSE;
}

/* Whether the card's step line is drawn under its veil (dead and done
 * cards), and so belongs to the cached picture of the card. */
gboolean
_shmviz_process_view_card_is_gone (const ShmvizProcView *pv)
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
  float pad = _shmviz_process_view_z (self, 10) * sc, stripe = MAX (3.0f, _shmviz_process_view_z (self, 8) * sc);
  const GdkRGBA *fg = shmviz_palette_foreground (self->palette, dark);

  if (sc >= 0.55f)
    {
      g_autofree char *step = _shmviz_process_view_step_words (pv);
      float tx = x + stripe + pad * 0.6f;

      _shmviz_process_view_draw_fit (self, snapshot, step, (int) (_shmviz_process_view_z (self, 17) * sc), TRUE,
                                     tx, y + h * 0.6f, 0.5f, x + w - pad * 0.6f - tx, fg);
    }
  else if (sc >= 0.4f)
    {
      g_autofree char *step = _shmviz_process_view_step_words (pv);
      int small = (int) (_shmviz_process_view_z (self, 15) * sc);

      if (small >= 8)
        _shmviz_process_view_draw_fit (self, snapshot, step, small, FALSE, x + stripe + pad * 0.6f,
                                       y + h - pad * 0.6f, 1.0f, w - stripe - pad * 1.2f, fg);
    }
}

/* Everything on a card but a live step line: frame, colours, state shape,
 * name, pid, state line, veil and highlight.  This part repeats (a
 * process goes round the same few states), so it is drawn once into a
 * picture and reused: see _shmviz_process_view_append_card_body(). */
void
_shmviz_process_view_draw_card_body (ShmvizProcessView *self,
                                     GtkSnapshot       *snapshot,
                                     guint              proc,
                                     gboolean           dark)
{
  const ShmvizProcView *pv = &self->procs[proc];
  const graphene_rect_t *r = &self->cards[proc];
  float sc = self->card_scale, x = r->origin.x, y = r->origin.y, w = r->size.width, h = r->size.height;
  float radius = _shmviz_process_view_z (self, 10) * sc, pad = _shmviz_process_view_z (self, 10) * sc;
  const GdkRGBA *state_color = shmviz_palette_view_state (self->palette, pv->state);
  const GdkRGBA *fg = shmviz_palette_foreground (self->palette, dark);
  const GdkRGBA *proc_color = shmviz_palette_process (self->palette, proc, self->n_producers);
  GdkRGBA bg = *shmviz_palette_background (self->palette, dark), fill;
  gboolean gone = _shmviz_process_view_card_is_gone (pv);
  int name_px = _shmviz_process_view_card_name_px (self);
  float icon = _shmviz_process_view_z (self, 24) * sc, stripe = MAX (3.0f, _shmviz_process_view_z (self, 8) * sc);
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
  shmviz_draw_outline (snapshot, r, radius, MAX (1.5f, _shmviz_process_view_z (self, 2.5f) * sc), state_color);

  /* State as a shape, so it never rests on colour alone. */
  shmviz_palette_append_shape (snapshot, shmviz_palette_view_shape (pv->state),
                               &GRAPHENE_RECT_INIT (x + stripe + pad * 0.6f, y + pad, icon, icon), state_color);
  if (name_px >= 8)
    {
      /* Only when drawn: at 128 processes the cards have no room for it. */
      g_autofree char *name = _shmviz_process_view_proc_name (self, proc);
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

          _shmviz_process_view_draw_lock (cr, lx, ly, size, TRUE,
                                          shmviz_palette_view_state (self->palette, SHMVIZ_VIEW_CRITICAL));
          cairo_destroy (cr);
        }
    }

  if (sc >= 0.55f)
    {
      int small = (int) (_shmviz_process_view_z (self, 14) * sc);
      char pid[32];
      float tx = x + stripe + pad * 0.6f, room = x + w - pad * 0.6f - tx;
      g_autofree char *state_line = NULL;

      g_snprintf (pid, sizeof pid, _("pid %d"), pv->pid);
      shmviz_text_cache_draw (self->text, snapshot, pid, small, FALSE, x + w - pad, y + pad + icon / 2, 1.0f,
                              0.5f, fg);
      if (pv->held & SHMVIZ_HELD_MUTEX)
        {
          /* Translators: second line of a process card, e.g. "in the critical section · holds mutex" */
          state_line = g_strdup_printf (_("%s · holds mutex"), _shmviz_process_view_state_words (pv->state));
          /* Too long for a narrow card: the state alone, the lock by the
           * name says the rest, rather than a line cut mid-word. */
          if (name_px >= 8 && !_shmviz_process_view_text_fits (self, state_line, small, FALSE, room))
            g_clear_pointer (&state_line, g_free);
        }
      if (state_line == NULL)
        state_line = g_strdup (_shmviz_process_view_state_words (pv->state));
      _shmviz_process_view_draw_fit (self, snapshot, state_line, small, FALSE, tx, y + h - pad * 0.7f, 1.0f,
                                     room, fg);
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
      cairo_set_line_width (cr, MAX (2.0, _shmviz_process_view_z (self, 3) * sc));
      cairo_move_to (cr, x + pad, y + pad);
      cairo_line_to (cr, x + w - pad, y + h - pad);
      cairo_move_to (cr, x + w - pad, y + pad);
      cairo_line_to (cr, x + pad, y + h - pad);
      cairo_stroke (cr);
      cairo_destroy (cr);
    }

  if (_shmviz_process_view_is_highlighted (self, proc))
    {
      float g = _shmviz_process_view_z (self, 3);

      shmviz_draw_outline (snapshot, &GRAPHENE_RECT_INIT (x - g, y - g, w + 2 * g, h + 2 * g), radius + g,
                      _shmviz_process_view_z (self, 3), shmviz_palette_anomaly (self->palette, SHMVIZ_ANOMALY_LOST));
    }
}

void
_shmviz_process_view_draw_card (ShmvizProcessView *self,
                                GtkSnapshot       *snapshot,
                                guint              proc,
                                gboolean           dark)
{
  _shmviz_process_view_append_card_body (self, snapshot, proc, dark);
  if (!_shmviz_process_view_card_is_gone (&self->procs[proc]))
    draw_card_step (self, snapshot, proc, dark);
}

/* Everything a card shows, folded into one number (FNV-1a). */
static guint64
card_key (ShmvizProcessView *self,
          guint              proc)
{
  const ShmvizProcView *pv = &self->procs[proc];
  guint64 fields[] = {
    pv->state, pv->wait_sem, pv->held, pv->last_kind, pv->last_slot, pv->last_item, (guint64) (gint64) pv->pid,
    pv->items_done, (guint64) (gint64) pv->exit_status, pv->signaled,
    _shmviz_process_view_is_highlighted (self, proc), self->n_producers, g_str_hash (self->palette),
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
guint
_shmviz_process_view_update_cards (ShmvizProcessView *self,
                                   gboolean           dark)
{
  guint changed = 0;

  if (dark != self->cards_dark)
    {
      _shmviz_process_view_drop_cards (self);
      _shmviz_process_view_flush_card_pictures (self);
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
          _shmviz_process_view_draw_card (self, card, p, dark);
          self->card_nodes[p] = gtk_snapshot_free_to_node (card);
          self->card_keys[p] = key;
          changed++;
        }
    }
  _shmviz_process_view_trim_card_pictures (self);
  return changed;
}
