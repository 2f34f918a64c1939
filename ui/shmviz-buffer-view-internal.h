/* shmviz-buffer-view-internal.h — what the buffer view's files share
 *
 * The view is one widget drawn in layers (see shmviz-buffer-view.c); each
 * layer, and what several of them need, is in a file of its own:
 *
 *   shmviz-buffer-view.c           the widget: properties, the snapshot that
 *                                  stacks the layers, animation, input and
 *                                  the spoken description of a slot
 *   shmviz-buffer-view-geometry.c  where the slots and the anchors sit
 *   shmviz-buffer-view-labels.c    the text over the view, placed so that
 *                                  none covers another: headings, chips,
 *                                  count, caption, pointer tags
 *   shmviz-buffer-view-static.c    the static node: track, headings, chips
 *   shmviz-buffer-view-cells.c     the slots' pictures and the small cells' image
 *   shmviz-buffer-view-pointers.c  the pointers node: tags, arrows and bars
 *   shmviz-buffer-view-flights.c   the items flying to and from the slots
 *   shmviz-buffer-view-flashes.c   the anomalies' flashes
 *
 * Apart from shmviz-buffer-view-private.h, which tests include: the
 * instance struct and these short names stay out of their way.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include "shmviz-buffer-view-private.h"
#include "shmviz-palette.h"

G_BEGIN_DECLS

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

/* Sizes are written at zoom 1 and scaled here: inline, as every layer
 * calls it for nearly every size it draws. */
static inline float
z (ShmvizBufferView *self,
   float             v)
{
  return v * (float) self->zoom;
}

/* shmviz-buffer-view-geometry.c */
void                _shmviz_buffer_view_invalidate_geometry    (ShmvizBufferView      *self);
void                _shmviz_buffer_view_ensure_geometry        (ShmvizBufferView      *self);
int                 _shmviz_buffer_view_slot_at                (ShmvizBufferView      *self,
                                                                double                 x,
                                                                double                 y);
void                _shmviz_buffer_view_anchor_of              (ShmvizBufferView      *self,
                                                                guint                  proc,
                                                                float                 *x,
                                                                float                 *y);

/* shmviz-buffer-view-labels.c */
int                 _shmviz_buffer_view_label_px               (ShmvizBufferView      *self,
                                                                const char            *text,
                                                                float                  box);
GArray             *_shmviz_buffer_view_labels_new             (void);
void                _shmviz_buffer_view_draw_label             (ShmvizBufferView      *self,
                                                                GtkSnapshot           *snapshot,
                                                                const Label           *l,
                                                                const GdkRGBA         *fg);
void                _shmviz_buffer_view_collect_static_labels  (ShmvizBufferView      *self,
                                                                GArray                *labels);
void                _shmviz_buffer_view_collect_pointer_labels (ShmvizBufferView      *self,
                                                                GArray                *labels,
                                                                Arrow                  arrows[2]);

/* shmviz-buffer-view-static.c */
GskRenderNode       *_shmviz_buffer_view_build_static          (ShmvizBufferView      *self,
                                                                gboolean               dark);

/* shmviz-buffer-view-cells.c */
void                _shmviz_buffer_view_drop_cell_nodes        (ShmvizBufferView      *self);
void                _shmviz_buffer_view_format_item            (char                  *buf,
                                                                gsize                  size,
                                                                guint64                item);
const GdkRGBA      *_shmviz_buffer_view_item_color             (ShmvizBufferView      *self,
                                                                guint64                item,
                                                                guint                  state);
guint               _shmviz_buffer_view_update_cells           (ShmvizBufferView      *self,
                                                                gboolean               dark);

/* shmviz-buffer-view-pointers.c */
GskRenderNode       *_shmviz_buffer_view_build_pointers        (ShmvizBufferView      *self,
                                                                gboolean               dark);

/* shmviz-buffer-view-flights.c */
void                _shmviz_buffer_view_draw_flights           (ShmvizBufferView      *self,
                                                                GtkSnapshot           *snapshot,
                                                                gint64                 now,
                                                                gboolean               dark);

/* shmviz-buffer-view-flashes.c */
void                _shmviz_buffer_view_paint_flash_storm      (ShmvizBufferView      *self,
                                                                GtkSnapshot           *snapshot,
                                                                gint64                 now);
void                _shmviz_buffer_view_draw_flashes           (ShmvizBufferView      *self,
                                                                GtkSnapshot           *snapshot,
                                                                gint64                 now,
                                                                gboolean               dark);
void                _shmviz_buffer_view_flash_pictures_free    (ShmvizBufferView      *self);

G_END_DECLS
