/* shmviz-palette.h — the colours and shapes every view agrees on
 *
 * A palette is named: "default" (Adwaita colours), "colorblind" (Okabe-Ito,
 * safe for the common colour-vision deficiencies) and "high-contrast".
 * Unknown or NULL names give the default.  Colour is never the only cue:
 * every state and anomaly also has a shape (ShmvizShape) the views draw.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gtk/gtk.h>

#include "event.h"
#include "ledger.h"
#include "model.h"

G_BEGIN_DECLS

/* The mark drawn beside a colour so that state reads without colour. */
typedef enum {
  SHMVIZ_SHAPE_NONE = 0,     /* empty: outline only */
  SHMVIZ_SHAPE_HATCH,        /* in progress: diagonal stripes */
  SHMVIZ_SHAPE_SOLID,        /* full / running: filled */
  SHMVIZ_SHAPE_DOT,          /* reading / acquiring: a centre dot */
  SHMVIZ_SHAPE_BAR,          /* waiting: a pause bar */
  SHMVIZ_SHAPE_CROSS,        /* dead */
  SHMVIZ_SHAPE_TRIANGLE,     /* anomaly: warning triangle */
  SHMVIZ_SHAPE_DIAMOND,      /* critical section */
  SHMVIZ_SHAPE_CHECK,        /* done */
  SHMVIZ_SHAPE_SQUARE,       /* stopped by a signal: the media "stop" mark */
  SHMVIZ_N_SHAPES
} ShmvizShape;

/* Palette names, for settings and menus. */
const char * const *shmviz_palette_list_names (void);
/* Normalises @palette to one of the names above. */
const char   *shmviz_palette_canonical      (const char *palette);
/* TRUE for palettes meant for a dark background (high contrast draws on black). */
gboolean      shmviz_palette_is_dark        (const char *palette);

const GdkRGBA *shmviz_palette_producer      (const char *palette,
                                             guint       producer);
const GdkRGBA *shmviz_palette_consumer      (const char *palette,
                                             guint       consumer);
/* Colour of the process at model index @proc (producers first). */
const GdkRGBA *shmviz_palette_process       (const char *palette,
                                             guint       proc,
                                             guint       n_producers);
const GdkRGBA *shmviz_palette_slot_state    (const char *palette,
                                             ShmvizSlotState state);
ShmvizShape    shmviz_palette_slot_shape    (ShmvizSlotState state);
const GdkRGBA *shmviz_palette_view_state    (const char *palette,
                                             ShmvizViewState state);
ShmvizShape    shmviz_palette_view_shape    (ShmvizViewState state);
const GdkRGBA *shmviz_palette_anomaly       (const char *palette,
                                             ShmvizAnomalyKind kind);
/* One- or two-character glyph drawn inside anomaly marks ("!", "×2"...). */
const char    *shmviz_palette_anomaly_glyph (ShmvizAnomalyKind kind);

/* Neutral colours: background, foreground (text), lines, focus ring, and
 * text drawn on top of @fill (black or white, whichever contrasts more). */
const GdkRGBA *shmviz_palette_background    (const char *palette,
                                             gboolean    dark);
const GdkRGBA *shmviz_palette_foreground    (const char *palette,
                                             gboolean    dark);
const GdkRGBA *shmviz_palette_line          (const char *palette,
                                             gboolean    dark);
const GdkRGBA *shmviz_palette_accent        (const char *palette,
                                             gboolean    dark);
const GdkRGBA *shmviz_palette_text_on       (const GdkRGBA *fill);

/* WCAG relative luminance and contrast ratio, for tests and text choice. */
double         shmviz_palette_luminance     (const GdkRGBA *color);
double         shmviz_palette_contrast      (const GdkRGBA *a,
                                             const GdkRGBA *b);

/* Draws @shape centred in @bounds in @color, for views and legends. */
void           shmviz_palette_append_shape  (GtkSnapshot          *snapshot,
                                             ShmvizShape           shape,
                                             const graphene_rect_t *bounds,
                                             const GdkRGBA        *color);

/* A small LRU of PangoLayouts keyed by text, pixel size and weight, so that
 * views never lay out the same label twice per frame.  Borrowed layouts stay
 * valid until the next call that may evict (get or draw). */
typedef struct _ShmvizTextCache ShmvizTextCache;

ShmvizTextCache *shmviz_text_cache_new    (GtkWidget       *widget,
                                           guint            capacity);
void           shmviz_text_cache_free     (ShmvizTextCache *cache);
/* Drops every layout: call when fonts or the pango context change. */
void           shmviz_text_cache_clear    (ShmvizTextCache *cache);
guint          shmviz_text_cache_size     (ShmvizTextCache *cache);
PangoLayout   *shmviz_text_cache_get      (ShmvizTextCache *cache,
                                           const char      *text,
                                           int              px,
                                           gboolean         bold);
/* Draws @text so that (@x, @y) is at (@xalign, @yalign) of its logical
 * box; returns the box's width. */
float          shmviz_text_cache_draw     (ShmvizTextCache *cache,
                                           GtkSnapshot     *snapshot,
                                           const char      *text,
                                           int              px,
                                           gboolean         bold,
                                           float            x,
                                           float            y,
                                           float            xalign,
                                           float            yalign,
                                           const GdkRGBA   *color);
/* Logical size of @text at @px, from the cache. */
void           shmviz_text_cache_measure  (ShmvizTextCache *cache,
                                           const char      *text,
                                           int              px,
                                           gboolean         bold,
                                           int             *width,
                                           int             *height);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (ShmvizTextCache, shmviz_text_cache_free)

G_END_DECLS
