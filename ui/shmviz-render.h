/* shmviz-render.h — offscreen drawing of a model snapshot with cairo + pango
 *
 * The exporters (PNG, SVG, PDF, WebM) draw with these functions, never with
 * GTK widgets, so that `shmviz-cli export` works without a display.  A
 * frame shows what the window shows in its three panes: the ring buffer as
 * a row of slots, every process with its state and locks, the totals, and
 * a caption (an annotation) at the bottom.  Colours follow the default
 * palette of ui/shmviz-palette.c.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <cairo.h>
#include <glib.h>

#include "model.h"
#include "replay.h"

G_BEGIN_DECLS

typedef struct {
  gboolean    dark;       /* dark background */
  const char *title;      /* top line; NULL for the scenario's shape */
  const char *caption;    /* annotation shown at the bottom, or NULL */
  double      caption_alpha; /* 0..1, for fading captions in and out */
} ShmvizRenderOptions;

/* Draws one frame of @snap filling @width × @height user units. */
void     shmviz_render_frame     (cairo_t                   *cr,
                                  const ShmvizSnapshot      *snap,
                                  int                        width,
                                  int                        height,
                                  const ShmvizRenderOptions *options);

/* Draws the process timelines of @model between @t0_ns and @t1_ns with the
 * anomalies as marks: a figure for slides and handouts. */
void     shmviz_render_timeline  (cairo_t                   *cr,
                                  ShmvizModel               *model,
                                  guint64                    t0_ns,
                                  guint64                    t1_ns,
                                  int                        width,
                                  int                        height,
                                  const ShmvizRenderOptions *options);

/* The annotation to show at @ts_ns: the latest one at or before it and no
 * older than @hold_ns; NULL when none.  @alpha (optional) fades it in and
 * out over its first and last quarter second. */
const char *shmviz_render_caption_at (const ShmvizAnnotation *notes,
                                      guint                   n_notes,
                                      guint64                 ts_ns,
                                      guint64                 hold_ns,
                                      double                 *alpha);

G_END_DECLS
