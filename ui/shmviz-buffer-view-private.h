/* shmviz-buffer-view-private.h — what the buffer view lays out, for tests
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include "shmviz-buffer-view.h"

G_BEGIN_DECLS

typedef enum {
  SHMVIZ_BUFFER_LABEL_HEADING,   /* "producers", "consumers" */
  SHMVIZ_BUFFER_LABEL_CHIP,      /* a process: P1, C2, … */
  SHMVIZ_BUFFER_LABEL_COUNT,     /* the count in the middle of the ring */
  SHMVIZ_BUFFER_LABEL_CAPTION,   /* the line over the row layout */
  SHMVIZ_BUFFER_LABEL_TAG,       /* the in and out pointers' tags */
} ShmvizBufferLabelKind;

typedef struct {
  ShmvizBufferLabelKind kind;
  graphene_rect_t       rect;  /* in widget coordinates, as drawn */
  int                   px;
  char                  text[64];
} ShmvizBufferLabel;

/* The labels the view draws for its current size, zoom, processes and
 * pointers, from the very code that places them for drawing; a tag that
 * found no room is left out (and not drawn).  Free with g_array_unref(). */
GArray *shmviz_buffer_view_get_labels (ShmvizBufferView *self);

G_END_DECLS
