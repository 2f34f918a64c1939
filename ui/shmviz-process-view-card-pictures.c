/* shmviz-process-view-card-pictures.c — the cached pictures of card bodies
 *
 * A card's body is drawn once per look (state, lock, highlight) into a
 * picture and painted again while any card looks like that; the cache
 * keeps within a budget.  Apart from the cards' drawing because it is
 * about what a frame costs, not what it shows.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <math.h>

#include "layout.h"
#include "shmviz-draw.h"
#include "shmviz-process-view-internal.h"

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

guint
_shmviz_process_view_card_look_hash (gconstpointer data)
{
  const CardLook *l = data;
  guint h = l->proc | (guint) l->n_producers << 16;

  h = h * 31 + (l->state | l->held_mutex << 8 | l->highlighted << 16);
  h = h * 31 + (guint) l->pid;
  return l->step ? h * 31 + g_str_hash (l->step) : h;
}

gboolean
_shmviz_process_view_card_look_equal (gconstpointer a,
                                      gconstpointer b)
{
  const CardLook *x = a, *y = b;

  return x->proc == y->proc && x->n_producers == y->n_producers && x->state == y->state &&
         x->held_mutex == y->held_mutex && x->highlighted == y->highlighted && x->pid == y->pid &&
         g_strcmp0 (x->step, y->step) == 0;
}

void
_shmviz_process_view_card_picture_free (gpointer data)
{
  CardPicture *t = data;

  g_free (t->look.step);
  g_clear_pointer (&t->node, gsk_render_node_unref);
  g_free (t);
}

void
_shmviz_process_view_flush_card_pictures (ShmvizProcessView *self)
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
  int margin = highlighted ? (int) ceilf (_shmviz_process_view_z (self, 3)) + 1 : 0;

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
void
_shmviz_process_view_append_card_body (ShmvizProcessView *self,
                                       GtkSnapshot       *snapshot,
                                       guint              proc,
                                       gboolean           dark)
{
  const ShmvizProcView *pv = &self->procs[proc];
  g_autofree char *step = _shmviz_process_view_card_is_gone (pv) && self->card_scale >= 0.4f
                          ? _shmviz_process_view_step_words (pv) : NULL;
  CardLook look = {
    .proc = proc,
    .n_producers = self->n_producers,
    .state = pv->state,
    .held_mutex = (pv->held & SHMVIZ_HELD_MUTEX) != 0,
    .highlighted = _shmviz_process_view_is_highlighted (self, proc),
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
      _shmviz_process_view_draw_card_body (self, body, proc, dark);
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
void
_shmviz_process_view_trim_card_pictures (ShmvizProcessView *self)
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
