/* shmviz-buffer-view.h — the ring of slots, drawn live
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gtk/gtk.h>

#include "model.h"

G_BEGIN_DECLS

#define SHMVIZ_TYPE_BUFFER_VIEW (shmviz_buffer_view_get_type ())

G_DECLARE_FINAL_TYPE (ShmvizBufferView, shmviz_buffer_view, SHMVIZ, BUFFER_VIEW, GtkWidget)

GtkWidget  *shmviz_buffer_view_new          (void);
void        shmviz_buffer_view_set_model    (ShmvizBufferView     *self,
                                             ShmvizModel          *model);
ShmvizModel *shmviz_buffer_view_get_model   (ShmvizBufferView     *self);
/* @snapshot stays owned by the caller and valid until the next call. */
void        shmviz_buffer_view_set_snapshot (ShmvizBufferView     *self,
                                             const ShmvizSnapshot *snapshot);
/* "ring" or "row". */
void        shmviz_buffer_view_set_layout   (ShmvizBufferView     *self,
                                             const char           *layout);
const char *shmviz_buffer_view_get_layout   (ShmvizBufferView     *self);
/* 1.0 – 3.0: scales every size and font. */
void        shmviz_buffer_view_set_zoom     (ShmvizBufferView     *self,
                                             double                zoom);
double      shmviz_buffer_view_get_zoom     (ShmvizBufferView     *self);
void        shmviz_buffer_view_set_palette  (ShmvizBufferView     *self,
                                             const char           *palette);
const char *shmviz_buffer_view_get_palette  (ShmvizBufferView     *self);
/* -1 for none. */
void        shmviz_buffer_view_set_highlight (ShmvizBufferView    *self,
                                              int                  slot);
int         shmviz_buffer_view_get_highlight (ShmvizBufferView    *self);
/* The slot with keyboard focus (-1 none) and its spoken description,
 * "slot 3 of 8, full, item P1#9". */
void        shmviz_buffer_view_set_focused_slot (ShmvizBufferView *self,
                                                 int               slot);
int         shmviz_buffer_view_get_focused_slot (ShmvizBufferView *self);
char       *shmviz_buffer_view_describe_slot    (ShmvizBufferView *self,
                                                 guint             slot);

G_END_DECLS
