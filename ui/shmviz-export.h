/* shmviz-export.h — exporters that draw: PNG, SVG, PDF and WebM video
 *
 * Every exporter draws with shmviz-render (cairo + pango), so the CLI and
 * the window share them and none needs a display.  They block the thread
 * that calls them: the window runs them in a GTask, the CLI directly.
 * Video is rendered frame by frame at exact recording times, so its content
 * does not depend on how fast the machine is.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gio/gio.h>

#include "model.h"
#include "replay.h"
#include "shmviz-render.h"

G_BEGIN_DECLS

typedef enum {
  SHMVIZ_EXPORT_PNG,
  SHMVIZ_EXPORT_SVG,
  SHMVIZ_EXPORT_PDF,
  SHMVIZ_EXPORT_WEBM,
} ShmvizExportFormat;

/* Called from the exporting thread with a fraction in 0..1. */
typedef void (*ShmvizExportProgress) (double   fraction,
                                      gpointer user_data);

gboolean shmviz_export_format_from_string (const char         *str,
                                           ShmvizExportFormat *format);
/* "1280x720", "720p", "1080p", "4k" */
gboolean shmviz_export_parse_size         (const char         *str,
                                           int                *width,
                                           int                *height);

/* One frame of @snap as a PNG. */
gboolean shmviz_export_frame_png  (const ShmvizSnapshot      *snap,
                                   const ShmvizRenderOptions *options,
                                   int                        width,
                                   int                        height,
                                   const char                *path,
                                   GError                   **error);

/* The timelines of @model between @t0_ns and @t1_ns as SVG, PDF or PNG. */
gboolean shmviz_export_timeline   (ShmvizModel               *model,
                                   guint64                    t0_ns,
                                   guint64                    t1_ns,
                                   ShmvizExportFormat         format,
                                   const ShmvizRenderOptions *options,
                                   int                        width,
                                   int                        height,
                                   const char                *path,
                                   GError                   **error);

typedef struct {
  int      width;         /* default 1280 */
  int      height;        /* default 720 */
  int      fps;           /* default 30 */
  /* Recording seconds per video second (default 1).  Ignored when
   * duration_s is set: then the whole span fits in duration_s seconds. */
  double   speed;
  double   duration_s;
  guint64  from_ns;       /* 0: the first event */
  guint64  to_ns;         /* 0: the last event */
  double   caption_s;     /* video seconds a caption stays (default 3) */
  gboolean dark;
} ShmvizVideoOptions;

typedef struct {
  guint64 frames;
  double  seconds;        /* wall time spent */
  double  video_seconds;  /* length of the video */
} ShmvizVideoStats;

/* Renders @replay (moving it) into a WebM/VP8 file at @path.  Cancelling
 * stops within a frame and removes the partial file. */
gboolean shmviz_export_video      (ShmvizReplay              *replay,
                                   const char                *path,
                                   const ShmvizVideoOptions  *options,
                                   ShmvizExportProgress       progress,
                                   gpointer                   user_data,
                                   GCancellable              *cancellable,
                                   ShmvizVideoStats          *stats,
                                   GError                   **error);

G_END_DECLS
