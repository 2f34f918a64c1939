/* shmviz-process-view-internal.h — what the process view's files share
 *
 *   shmviz-process-view.c                the widget, its API, input and the frame
 *   shmviz-process-view-words.c          states, steps and names in words; accessibility
 *   shmviz-process-view-geometry.c       where the cards and the panels go
 *   shmviz-process-view-text.c           text shrunk to fit its room
 *   shmviz-process-view-cards.c          a card's body and step line, the per-card nodes
 *   shmviz-process-view-card-pictures.c  the cached pictures of card bodies
 *   shmviz-process-view-locks.c          the mutex, empty and full panels, their waiters
 *   shmviz-process-view-deadlock.c       the deadlock cycle and its banner
 *
 * Apart from shmviz-process-view-private.h, which tests include: the
 * instance struct and these short names stay out of their way.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include "shmviz-palette.h"
#include "shmviz-process-view-private.h"

G_BEGIN_DECLS

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

/* A length at the view's zoom; inline, as it was while one file held
 * every caller: nearly every length drawn goes through it. */
static inline float
_shmviz_process_view_z (ShmvizProcessView *self,
                        float              v)
{
  return v * (float) self->zoom;
}

/* shmviz-process-view-words.c */
const char *_shmviz_process_view_sem_word          (guint                 sem);
const char *_shmviz_process_view_state_words       (guint                 state);
char       *_shmviz_process_view_proc_name         (ShmvizProcessView    *self,
                                                    guint                 proc);
char       *_shmviz_process_view_step_words        (const ShmvizProcView *pv);
void        _shmviz_process_view_update_accessible (ShmvizProcessView    *self);

/* shmviz-process-view-geometry.c */
void        _shmviz_process_view_ensure_geometry   (ShmvizProcessView    *self);
int         _shmviz_process_view_card_at           (ShmvizProcessView    *self,
                                                    double                x,
                                                    double                y);

/* shmviz-process-view-text.c */
int         _shmviz_process_view_draw_fit_aligned  (ShmvizProcessView    *self,
                                                    GtkSnapshot          *snapshot,
                                                    const char           *text,
                                                    int                   px,
                                                    gboolean              bold,
                                                    float                 x,
                                                    float                 y,
                                                    float                 xalign,
                                                    float                 yalign,
                                                    float                 max_width,
                                                    const GdkRGBA        *color,
                                                    float                *width);
void        _shmviz_process_view_draw_fit          (ShmvizProcessView    *self,
                                                    GtkSnapshot          *snapshot,
                                                    const char           *text,
                                                    int                   px,
                                                    gboolean              bold,
                                                    float                 x,
                                                    float                 y,
                                                    float                 yalign,
                                                    float                 max_width,
                                                    const GdkRGBA        *color);
gboolean    _shmviz_process_view_text_fits         (ShmvizProcessView    *self,
                                                    const char           *text,
                                                    int                   px,
                                                    gboolean              bold,
                                                    float                 max_width);

/* shmviz-process-view-cards.c */
int         _shmviz_process_view_card_name_px      (ShmvizProcessView    *self);
void        _shmviz_process_view_drop_cards        (ShmvizProcessView    *self);
gboolean    _shmviz_process_view_is_highlighted    (ShmvizProcessView    *self,
                                                    guint                 proc);
gboolean    _shmviz_process_view_card_is_gone      (const ShmvizProcView *pv);
void        _shmviz_process_view_draw_card_body    (ShmvizProcessView    *self,
                                                    GtkSnapshot          *snapshot,
                                                    guint                 proc,
                                                    gboolean              dark);
void        _shmviz_process_view_draw_card         (ShmvizProcessView    *self,
                                                    GtkSnapshot          *snapshot,
                                                    guint                 proc,
                                                    gboolean              dark);
guint       _shmviz_process_view_update_cards      (ShmvizProcessView    *self,
                                                    gboolean              dark);

/* shmviz-process-view-card-pictures.c */
guint       _shmviz_process_view_card_look_hash      (gconstpointer      data);
gboolean    _shmviz_process_view_card_look_equal     (gconstpointer      a,
                                                      gconstpointer      b);
void        _shmviz_process_view_card_picture_free   (gpointer           data);
void        _shmviz_process_view_flush_card_pictures (ShmvizProcessView *self);
void        _shmviz_process_view_append_card_body    (ShmvizProcessView *self,
                                                      GtkSnapshot       *snapshot,
                                                      guint              proc,
                                                      gboolean           dark);
void        _shmviz_process_view_trim_card_pictures  (ShmvizProcessView *self);

/* shmviz-process-view-locks.c */
void        _shmviz_process_view_draw_lock         (cairo_t              *cr,
                                                    double                x,
                                                    double                y,
                                                    double                size,
                                                    gboolean              closed,
                                                    const GdkRGBA        *color);
void        _shmviz_process_view_draw_semaphores   (ShmvizProcessView    *self,
                                                    GtkSnapshot          *snapshot,
                                                    gboolean              dark);

/* shmviz-process-view-deadlock.c */
void        _shmviz_process_view_draw_deadlock     (ShmvizProcessView    *self,
                                                    GtkSnapshot          *snapshot,
                                                    gboolean              dark);

G_END_DECLS
