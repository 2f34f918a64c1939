/* shmviz-speed-lab-chooser.c — the file dialogs
 *
 * One native file chooser at a time, for opening a saved result, saving
 * the result on show as JSON, or exporting the chart; its answer starts
 * the load, the save or the export.  Apart because all three share the
 * one dialog and nothing else.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <string.h>

#include <glib/gi18n.h>

#include "shmviz-speed-lab-internal.h"

static void
save_done (GObject      *source,
           GAsyncResult *res,
           gpointer      user_data)
{
  g_autoptr(ShmvizSpeedLab) self = user_data;
  g_autoptr(GError) error = NULL;

  if (!g_file_replace_contents_finish (G_FILE (source), res, NULL, &error))
    {
      if (self->chart)
        _shmviz_speed_lab_toast (self, error->message);
      return;
    }
  if (self->chart)
    _shmviz_speed_lab_toast (self, _("Result saved"));
}

static void
chooser_response (GtkNativeDialog *dialog,
                  int              response,
                  gpointer         user_data)
{
  ShmvizSpeedLab *self = user_data;
  const char *purpose = g_object_get_data (G_OBJECT (dialog), "purpose");
  g_autoptr(GFile) file = NULL;

  if (response == GTK_RESPONSE_ACCEPT)
    file = gtk_file_chooser_get_file (GTK_FILE_CHOOSER (dialog));
  g_clear_object (&self->chooser);
  if (!file)
    return;

  if (g_strcmp0 (purpose, "open") == 0)
    shmviz_speed_lab_load_file (self, file);
  else if (g_strcmp0 (purpose, "save") == 0 && self->shared)
    {
      char *json = shmviz_bench_result_to_json (self->shared->result);
      g_autoptr(GBytes) bytes = g_bytes_new_take (json, strlen (json));

      g_file_replace_contents_bytes_async (file, bytes, NULL, FALSE, G_FILE_CREATE_REPLACE_DESTINATION,
                                           NULL, save_done, g_object_ref (self));
    }
  else if (self->shared)
    {
      g_autoptr(GTask) task = g_task_new (self, NULL, _shmviz_speed_lab_export_done, NULL);
      ExportData *data = g_new0 (ExportData, 1);

      data->path = g_file_get_path (file);
      if (!data->path)
        {
          _shmviz_speed_lab_export_data_free (data);
          _shmviz_speed_lab_toast (self, _("The chart can only be exported to a local file"));
          return;
        }
      data->shared = g_atomic_rc_box_acquire (self->shared);
      data->format = g_strdup (purpose);
      g_task_set_task_data (task, data, (GDestroyNotify) _shmviz_speed_lab_export_data_free);
      g_task_run_in_thread (task, _shmviz_speed_lab_export_thread);
    }
}

void
_shmviz_speed_lab_choose_file (ShmvizSpeedLab *self,
                               const char     *purpose)
{
  gboolean open = g_strcmp0 (purpose, "open") == 0;
  g_autoptr(GtkFileFilter) filter = gtk_file_filter_new ();
  const char *title;
  const char *name;

  if (self->chooser)
    return;
  if (open)
    title = _("Open a Saved Result");
  else if (g_strcmp0 (purpose, "save") == 0)
    title = _("Save the Result");
  else
    title = _("Export the Chart");
  self->chooser = gtk_file_chooser_native_new (title, GTK_WINDOW (self),
                                               open ? GTK_FILE_CHOOSER_ACTION_OPEN
                                                    : GTK_FILE_CHOOSER_ACTION_SAVE,
                                               NULL, NULL);
  gtk_native_dialog_set_modal (GTK_NATIVE_DIALOG (self->chooser), TRUE);
  g_object_set_data_full (G_OBJECT (self->chooser), "purpose", g_strdup (purpose), g_free);
  if (open || g_strcmp0 (purpose, "save") == 0)
    {
      gtk_file_filter_set_name (filter, _("Benchmark results (JSON)"));
      gtk_file_filter_add_mime_type (filter, "application/json");
      gtk_file_filter_add_pattern (filter, "*.json");
      name = "shmviz-bench.json";
    }
  else if (g_strcmp0 (purpose, "png") == 0)
    {
      gtk_file_filter_set_name (filter, _("PNG images"));
      gtk_file_filter_add_mime_type (filter, "image/png");
      name = "shmviz-speed-lab.png";
    }
  else
    {
      gtk_file_filter_set_name (filter, _("SVG images"));
      gtk_file_filter_add_mime_type (filter, "image/svg+xml");
      name = "shmviz-speed-lab.svg";
    }
  gtk_file_chooser_add_filter (GTK_FILE_CHOOSER (self->chooser), filter);
  if (!open)
    gtk_file_chooser_set_current_name (GTK_FILE_CHOOSER (self->chooser), name);
  g_signal_connect (self->chooser, "response", G_CALLBACK (chooser_response), self);
  gtk_native_dialog_show (GTK_NATIVE_DIALOG (self->chooser));
}
