/* shmviz-export.c — exporters that draw: PNG, SVG, PDF and WebM video
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <math.h>
#include <string.h>

#include <cairo-pdf.h>
#include <cairo-svg.h>
#include <glib/gi18n.h>
#include <glib/gstdio.h>
#include <gst/app/gstappsrc.h>
#include <gst/gst.h>

#include "shmviz-export.h"

/* Largest frame we agree to render (8K): the size comes from users. */
#define MAX_SIDE 7680

gboolean
shmviz_export_format_from_string (const char         *str,
                                  ShmvizExportFormat *format)
{
  static const struct { const char *name; ShmvizExportFormat format; } names[] = {
    { "png", SHMVIZ_EXPORT_PNG }, { "svg", SHMVIZ_EXPORT_SVG },
    { "pdf", SHMVIZ_EXPORT_PDF }, { "webm", SHMVIZ_EXPORT_WEBM },
  };

  for (guint i = 0; str != NULL && i < G_N_ELEMENTS (names); i++)
    if (g_ascii_strcasecmp (str, names[i].name) == 0)
      {
        *format = names[i].format;
        return TRUE;
      }
  return FALSE;
}

gboolean
shmviz_export_parse_size (const char *str,
                          int        *width,
                          int        *height)
{
  guint64 w, h;
  const char *x;
  char *end = NULL;

  if (str == NULL)
    return FALSE;
  if (g_ascii_strcasecmp (str, "720p") == 0)
    return *width = 1280, *height = 720, TRUE;
  if (g_ascii_strcasecmp (str, "1080p") == 0)
    return *width = 1920, *height = 1080, TRUE;
  if (g_ascii_strcasecmp (str, "4k") == 0 || g_ascii_strcasecmp (str, "2160p") == 0)
    return *width = 3840, *height = 2160, TRUE;

  x = strchr (str, 'x');
  if (x == NULL || !g_ascii_isdigit (str[0]) || !g_ascii_isdigit (x[1]))
    return FALSE;
  w = g_ascii_strtoull (str, &end, 10);
  if (end != x)
    return FALSE;
  h = g_ascii_strtoull (x + 1, &end, 10);
  if (*end != '\0')
    return FALSE;
  /* Even sides: the encoders subsample chroma by two. */
  if (w < 16 || h < 16 || w > MAX_SIDE || h > MAX_SIDE || w % 2 || h % 2)
    return FALSE;
  *width = (int)w;
  *height = (int)h;
  return TRUE;
}

static gboolean
cairo_failed (cairo_status_t status,
              const char    *path,
              GError       **error)
{
  if (status == CAIRO_STATUS_SUCCESS)
    return FALSE;
  g_set_error (error, G_IO_ERROR, G_IO_ERROR_FAILED, _("Could not write %s: %s"), path,
               cairo_status_to_string (status));
  return TRUE;
}

gboolean
shmviz_export_frame_png (const ShmvizSnapshot      *snap,
                         const ShmvizRenderOptions *options,
                         int                        width,
                         int                        height,
                         const char                *path,
                         GError                   **error)
{
  cairo_surface_t *surface;
  cairo_t *cr;
  cairo_status_t status;

  g_return_val_if_fail (snap != NULL && path != NULL, FALSE);

  surface = cairo_image_surface_create (CAIRO_FORMAT_RGB24, width, height);
  cr = cairo_create (surface);
  shmviz_render_frame (cr, snap, width, height, options);
  status = cairo_status (cr);
  cairo_destroy (cr);
  if (status == CAIRO_STATUS_SUCCESS)
    status = cairo_surface_write_to_png (surface, path);
  cairo_surface_destroy (surface);

  return !cairo_failed (status, path, error);
}

gboolean
shmviz_export_timeline (ShmvizModel               *model,
                        guint64                    t0_ns,
                        guint64                    t1_ns,
                        ShmvizExportFormat         format,
                        const ShmvizRenderOptions *options,
                        int                        width,
                        int                        height,
                        const char                *path,
                        GError                   **error)
{
  cairo_surface_t *surface;
  cairo_t *cr;
  cairo_status_t status;

  g_return_val_if_fail (model != NULL && path != NULL, FALSE);

  switch (format)
    {
    case SHMVIZ_EXPORT_SVG:
      surface = cairo_svg_surface_create (path, width, height);
      break;
    case SHMVIZ_EXPORT_PDF:
      surface = cairo_pdf_surface_create (path, width, height);
      cairo_pdf_surface_set_metadata (surface, CAIRO_PDF_METADATA_CREATOR, "shmviz " PACKAGE_VERSION);
      break;
    case SHMVIZ_EXPORT_PNG:
      surface = cairo_image_surface_create (CAIRO_FORMAT_RGB24, width, height);
      break;
    case SHMVIZ_EXPORT_WEBM:
    default:
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_NOT_SUPPORTED, _("A timeline cannot be exported as video"));
      return FALSE;
    }

  if (cairo_failed (cairo_surface_status (surface), path, error))
    {
      cairo_surface_destroy (surface);
      return FALSE;
    }

  cr = cairo_create (surface);
  shmviz_render_timeline (cr, model, t0_ns, t1_ns, width, height, options);
  status = cairo_status (cr);
  cairo_destroy (cr);
  if (status == CAIRO_STATUS_SUCCESS && format == SHMVIZ_EXPORT_PNG)
    status = cairo_surface_write_to_png (surface, path);
  /* Vector surfaces write their file when finished. */
  cairo_surface_finish (surface);
  if (status == CAIRO_STATUS_SUCCESS)
    status = cairo_surface_status (surface);
  cairo_surface_destroy (surface);

  return !cairo_failed (status, path, error);
}

/* Video ------------------------------------------------------------------ */

static gboolean
bus_error (GstBus  *bus,
           GError **error)
{
  g_autoptr(GstMessage) msg = gst_bus_pop_filtered (bus, GST_MESSAGE_ERROR);
  g_autoptr(GError) gerr = NULL;
  g_autofree char *debug = NULL;

  if (msg == NULL)
    return FALSE;
  gst_message_parse_error (msg, &gerr, &debug);
  g_set_error (error, G_IO_ERROR, G_IO_ERROR_FAILED, _("Video encoding failed: %s"), gerr->message);
  return TRUE;
}

gboolean
shmviz_export_video (ShmvizReplay             *replay,
                     const char               *path,
                     const ShmvizVideoOptions *options,
                     ShmvizExportProgress      progress,
                     gpointer                  user_data,
                     GCancellable             *cancellable,
                     ShmvizVideoStats         *stats,
                     GError                  **error)
{
  ShmvizVideoOptions o = { 0 };
  g_autoptr(GstElement) pipeline = NULL;
  g_autoptr(GstElement) src = NULL;
  g_autoptr(GstElement) enc = NULL;
  g_autoptr(GstElement) sink = NULL;
  g_autoptr(GstBus) bus = NULL;
  g_autoptr(GstCaps) caps = NULL;
  ShmvizSnapshot snap = { 0 };
  ShmvizRenderOptions ropts = { 0 };
  const ShmvizAnnotation *notes;
  guint n_notes;
  ShmvizModel *model;
  guint64 n_frames, from, to, hold_ns;
  gint64 started = g_get_monotonic_time ();
  double speed;
  gboolean ok = FALSE;

  g_return_val_if_fail (SHMVIZ_IS_REPLAY (replay) && path != NULL, FALSE);

  if (options != NULL)
    o = *options;
  if (o.width <= 0 || o.height <= 0)
    o.width = 1280, o.height = 720;
  if (o.fps <= 0)
    o.fps = 30;
  if (o.caption_s <= 0)
    o.caption_s = 3;
  if (o.width % 2 || o.height % 2 || o.width > MAX_SIDE || o.height > MAX_SIDE || o.fps > 240)
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT,
                   _("Video size must be even and at most %d pixels a side, at most 240 frames a second"),
                   MAX_SIDE);
      return FALSE;
    }

  from = o.from_ns ? o.from_ns : shmviz_replay_get_start_ns (replay);
  to = o.to_ns ? o.to_ns : shmviz_replay_get_end_ns (replay);
  if (to < from)
    to = from;
  if (o.duration_s > 0)
    {
      n_frames = MAX (1, (guint64)llround (o.duration_s * o.fps));
      speed = (to - from) / 1e9 / o.duration_s;
    }
  else
    {
      speed = o.speed > 0 ? o.speed : 1.0;
      n_frames = MAX (1, (guint64)ceil ((to - from) / 1e9 / speed * o.fps));
    }
  hold_ns = (guint64)(o.caption_s * speed * 1e9);

  if (!gst_init_check (NULL, NULL, error))
    return FALSE;

  src = gst_element_factory_make ("appsrc", "src");
  enc = gst_element_factory_make ("vp8enc", "enc");
  sink = gst_element_factory_make ("filesink", "sink");
  pipeline = gst_pipeline_new ("shmviz-export");
  if (src == NULL || enc == NULL || sink == NULL)
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_NOT_SUPPORTED,
                   _("GStreamer’s appsrc or vp8enc is missing: install gstreamer1.0-plugins-base and "
                     "gstreamer1.0-plugins-good"));
      return FALSE;
    }
  {
    GstElement *convert = gst_element_factory_make ("videoconvert", NULL);
    GstElement *mux = gst_element_factory_make ("webmmux", NULL);

    if (convert == NULL || mux == NULL)
      {
        g_clear_object (&convert);
        g_clear_object (&mux);
        g_set_error (error, G_IO_ERROR, G_IO_ERROR_NOT_SUPPORTED,
                     _("GStreamer’s videoconvert or webmmux is missing: install gstreamer1.0-plugins-base "
                       "and gstreamer1.0-plugins-good"));
        return FALSE;
      }
    gst_bin_add_many (GST_BIN (pipeline), g_object_ref (src), convert, g_object_ref (enc), mux,
                      g_object_ref (sink), NULL);
    if (!gst_element_link_many (src, convert, enc, mux, sink, NULL))
      {
        g_set_error (error, G_IO_ERROR, G_IO_ERROR_FAILED, _("Could not link the video pipeline"));
        return FALSE;
      }
  }

  /* cairo's ARGB32 is BGRA in memory on little-endian machines. */
  caps = gst_caps_new_simple ("video/x-raw",
                              "format", G_TYPE_STRING, G_BYTE_ORDER == G_LITTLE_ENDIAN ? "BGRx" : "xRGB",
                              "width", G_TYPE_INT, o.width,
                              "height", G_TYPE_INT, o.height,
                              "framerate", GST_TYPE_FRACTION, o.fps, 1,
                              "pixel-aspect-ratio", GST_TYPE_FRACTION, 1, 1,
                              NULL);
  g_object_set (src, "caps", caps, "format", GST_FORMAT_TIME, "is-live", FALSE, "block", TRUE,
                "max-bytes", (guint64)o.width * o.height * 4 * 4, NULL);
  /* deadline=1 with the highest cpu-used is the fastest realtime mode,
   * good enough for flat drawings; the bitrate follows the pixel rate. */
  g_object_set (enc, "deadline", (gint64)1, "cpu-used", 16, "threads", (int)MIN (g_get_num_processors (), 16u),
                "target-bitrate", (int)MIN ((gint64)o.width * o.height * o.fps / 8, G_MAXINT / 2),
                "keyframe-max-dist", o.fps * 2, NULL);
  g_object_set (sink, "location", path, NULL);

  bus = gst_element_get_bus (pipeline);
  if (gst_element_set_state (pipeline, GST_STATE_PLAYING) == GST_STATE_CHANGE_FAILURE)
    {
      if (!bus_error (bus, error))
        g_set_error (error, G_IO_ERROR, G_IO_ERROR_FAILED, _("Could not start the video pipeline for %s"), path);
      goto out;
    }

  model = shmviz_replay_get_model (replay);
  notes = shmviz_replay_get_annotations (replay, &n_notes);
  ropts.dark = o.dark;

  for (guint64 k = 0; k < n_frames; k++)
    {
      guint64 t = from + (guint64)llround ((double)k / o.fps * speed * 1e9);
      GstBuffer *buf;
      GstMapInfo map;
      cairo_surface_t *surface;
      cairo_t *cr;

      if (g_cancellable_set_error_if_cancelled (cancellable, error))
        goto out;
      if (bus_error (bus, error))
        goto out;

      if (t > to)
        t = to;
      shmviz_replay_seek_time (replay, t);
      /* A replay opened lazily meets damage only here; the frames past it
       * would repeat the last good state under later times. */
      if (shmviz_replay_get_error (replay) != NULL)
        {
          g_propagate_error (error, g_error_copy (shmviz_replay_get_error (replay)));
          goto out;
        }
      shmviz_model_snapshot (model, &snap);
      /* The clock shows the frame's time, even between two events. */
      snap.now_ns = MAX (snap.now_ns, t);
      ropts.caption = shmviz_render_caption_at (notes, n_notes, t, hold_ns, &ropts.caption_alpha);

      buf = gst_buffer_new_allocate (NULL, (gsize)o.width * o.height * 4, NULL);
      gst_buffer_map (buf, &map, GST_MAP_WRITE);
      surface = cairo_image_surface_create_for_data (map.data, CAIRO_FORMAT_RGB24, o.width, o.height,
                                                     o.width * 4);
      cr = cairo_create (surface);
      shmviz_render_frame (cr, &snap, o.width, o.height, &ropts);
      cairo_destroy (cr);
      cairo_surface_destroy (surface);
      gst_buffer_unmap (buf, &map);

      GST_BUFFER_PTS (buf) = gst_util_uint64_scale (k, GST_SECOND, o.fps);
      GST_BUFFER_DURATION (buf) = gst_util_uint64_scale (k + 1, GST_SECOND, o.fps) - GST_BUFFER_PTS (buf);
      if (gst_app_src_push_buffer (GST_APP_SRC (src), buf) != GST_FLOW_OK)
        {
          if (!bus_error (bus, error))
            g_set_error (error, G_IO_ERROR, G_IO_ERROR_FAILED, _("The video encoder stopped early"));
          goto out;
        }

      if (progress != NULL && (k % 8 == 0 || k + 1 == n_frames))
        progress ((double)(k + 1) / n_frames * 0.99, user_data);
    }

  gst_app_src_end_of_stream (GST_APP_SRC (src));
  for (;;)
    {
      g_autoptr(GstMessage) msg = gst_bus_timed_pop_filtered (bus, 100 * GST_MSECOND,
                                                               GST_MESSAGE_EOS | GST_MESSAGE_ERROR);

      if (g_cancellable_set_error_if_cancelled (cancellable, error))
        goto out;
      if (msg == NULL)
        continue;
      if (GST_MESSAGE_TYPE (msg) == GST_MESSAGE_ERROR)
        {
          g_autoptr(GError) gerr = NULL;

          gst_message_parse_error (msg, &gerr, NULL);
          g_set_error (error, G_IO_ERROR, G_IO_ERROR_FAILED, _("Video encoding failed: %s"), gerr->message);
          goto out;
        }
      break;
    }

  ok = TRUE;
  if (progress != NULL)
    progress (1.0, user_data);
  if (stats != NULL)
    {
      stats->frames = n_frames;
      stats->seconds = (g_get_monotonic_time () - started) / 1e6;
      stats->video_seconds = (double)n_frames / o.fps;
    }

out:
  gst_element_set_state (pipeline, GST_STATE_NULL);
  shmviz_snapshot_clear (&snap);
  if (!ok)
    g_unlink (path);
  return ok;
}
