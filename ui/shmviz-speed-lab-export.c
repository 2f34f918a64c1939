/* shmviz-speed-lab-export.c — the chart into a PNG or SVG file
 *
 * The export draws with the very function that draws the chart on screen,
 * so a file is exactly what the page shows (on white), and it runs in a
 * thread of its own with its own Pango context.  Apart because
 * shmviz_speed_chart_export() is also called without a window (the tests
 * export a saved result directly).
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <cairo-svg.h>
#include <glib/gi18n.h>
#include <pango/pangocairo.h>

#include "shmviz-speed-lab-internal.h"

gboolean
shmviz_speed_chart_export (const ShmvizBenchResult *result,
                           const char              *format,
                           const char              *path,
                           int                      width,
                           int                      height,
                           GError                 **error)
{
  g_autoptr(PangoFontDescription) font = pango_font_description_from_string ("Sans 10");
  cairo_surface_t *surface;
  cairo_status_t status;
  gboolean png;
  ChartLayout *layout;
  ChartStyle style = { { 0.13, 0.13, 0.15, 1 }, NULL, font, TRUE };
  const gdouble png_scale = 2;
  const gdouble margin = 24;
  cairo_t *cr;

  g_return_val_if_fail (result != NULL, FALSE);
  g_return_val_if_fail (g_strcmp0 (format, "png") == 0 || g_strcmp0 (format, "svg") == 0, FALSE);

  png = g_strcmp0 (format, "png") == 0;
  if (png)
    surface = cairo_image_surface_create (CAIRO_FORMAT_ARGB32, width * png_scale, height * png_scale);
  else
    surface = cairo_svg_surface_create (path, width, height);
  cr = cairo_create (surface);
  if (png)
    cairo_scale (cr, png_scale, png_scale);
  cairo_set_source_rgb (cr, 1, 1, 1);
  cairo_paint (cr);
  cairo_translate (cr, margin, margin);

  /* A context of this thread's own: exports run off the main loop. */
  style.context = pango_cairo_create_context (cr);
  pango_cairo_context_set_resolution (style.context, 96);
  layout = g_new0 (ChartLayout, 1);
  _shmviz_speed_lab_draw_chart (cr, width - 2 * margin, height - 2 * margin, result, &style, layout);
  g_free (layout);
  g_object_unref (style.context);
  cairo_destroy (cr);

  if (png)
    status = cairo_surface_write_to_png (surface, path);
  else
    {
      cairo_surface_finish (surface);
      status = cairo_surface_status (surface);
    }
  cairo_surface_destroy (surface);
  if (status != CAIRO_STATUS_SUCCESS)
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_FAILED,
                   _("Could not write the chart to “%s”: %s"), path, cairo_status_to_string (status));
      return FALSE;
    }
  return TRUE;
}

void
_shmviz_speed_lab_export_data_free (ExportData *data)
{
  g_clear_pointer (&data->shared, _shmviz_speed_lab_shared_result_release);
  g_free (data->format);
  g_free (data->path);
  g_free (data);
}

void
_shmviz_speed_lab_export_thread (GTask        *task,
                                 gpointer      source_object,
                                 gpointer      task_data,
                                 GCancellable *cancellable)
{
  ExportData *data = task_data;
  GError *error = NULL;

  if (shmviz_speed_chart_export (data->shared->result, data->format, data->path, 1200, 860, &error))
    g_task_return_boolean (task, TRUE);
  else
    g_task_return_error (task, error);
}

void
_shmviz_speed_lab_export_done (GObject      *source,
                               GAsyncResult *res,
                               gpointer      user_data)
{
  ShmvizSpeedLab *self = SHMVIZ_SPEED_LAB (source);
  g_autoptr(GError) error = NULL;

  if (self->chart == NULL)
    return;
  if (g_task_propagate_boolean (G_TASK (res), &error))
    _shmviz_speed_lab_toast (self, _("Chart exported"));
  else
    _shmviz_speed_lab_toast (self, error->message);
}
