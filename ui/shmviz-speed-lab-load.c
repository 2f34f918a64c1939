/* shmviz-speed-lab-load.c — reading a saved result
 *
 * A result saved with `shmviz-cli bench --json` (or from this window),
 * read and parsed off the main loop.  Apart from the dialog that picks
 * it, as the tests load files without one.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <glib/gi18n.h>

#include "shmviz-speed-lab-internal.h"

static void
load_thread (GTask        *task,
             gpointer      source_object,
             gpointer      task_data,
             GCancellable *cancellable)
{
  GFile *file = task_data;
  g_autofree char *contents = NULL;
  gsize length;
  GError *error = NULL;
  ShmvizBenchResult *result;

  if (!g_file_load_contents (file, cancellable, &contents, &length, NULL, &error))
    {
      g_task_return_error (task, error);
      return;
    }
  result = shmviz_bench_result_from_json (contents, length, &error);
  if (result)
    g_task_return_pointer (task, result, (GDestroyNotify) shmviz_bench_result_free);
  else
    g_task_return_error (task, error);
}

static void
load_done (GObject      *source,
           GAsyncResult *res,
           gpointer      user_data)
{
  ShmvizSpeedLab *self = SHMVIZ_SPEED_LAB (source);
  g_autoptr(GError) error = NULL;
  ShmvizBenchResult *result;

  if (!_shmviz_speed_lab_finish_task (self, res, &result, &error))
    return;
  if (result)
    shmviz_speed_lab_set_result (self, result);
  else if (!g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    {
      g_autofree char *text = g_strdup_printf (_("Could not open the result: %s"), error->message);

      _shmviz_speed_lab_toast (self, text);
    }
}

void
shmviz_speed_lab_load_file (ShmvizSpeedLab *self,
                            GFile          *file)
{
  g_autoptr(GCancellable) cancellable = NULL;
  g_autoptr(GTask) task = NULL;

  g_return_if_fail (SHMVIZ_IS_SPEED_LAB (self));
  g_return_if_fail (G_IS_FILE (file));

  if (self->cancellable)
    return;
  cancellable = g_cancellable_new ();
  _shmviz_speed_lab_set_busy (self, cancellable, FALSE);
  task = g_task_new (self, cancellable, load_done, NULL);
  g_task_set_source_tag (task, shmviz_speed_lab_load_file);
  g_task_set_task_data (task, g_object_ref (file), g_object_unref);
  g_task_run_in_thread (task, load_thread);
}
