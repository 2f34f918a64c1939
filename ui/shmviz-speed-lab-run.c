/* shmviz-speed-lab-run.c — measuring, with progress and cancel
 *
 * The benchmark runs in a GTask thread and forks its processes from there;
 * it writes its progress under a lock and a timeout on the main loop reads
 * it into the bar, so the window stays live while it measures.  Apart as
 * the one task that reports progress and starts processes of its own.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <glib/gi18n.h>

#include "shmviz-speed-lab-internal.h"

static void
progress_clear (gpointer data)
{
  Progress *progress = data;

  g_mutex_clear (&progress->lock);
  g_free (progress->what);
}

void
_shmviz_speed_lab_progress_release (Progress *progress)
{
  g_atomic_rc_box_release_full (progress, progress_clear);
}

typedef struct {
  ShmvizBenchConfig  config;
  Progress          *progress;
} RunData;

static void
run_data_free (RunData *data)
{
  g_clear_pointer (&data->progress, _shmviz_speed_lab_progress_release);
  g_free (data);
}

static void
run_progress (gdouble     fraction,
              const char *what,
              gpointer    user_data)
{
  Progress *progress = user_data;

  g_mutex_lock (&progress->lock);
  progress->fraction = fraction;
  if (g_strcmp0 (progress->what, what) != 0)
    {
      g_free (progress->what);
      progress->what = g_strdup (what);
    }
  g_mutex_unlock (&progress->lock);
}

static void
run_thread (GTask        *task,
            gpointer      source_object,
            gpointer      task_data,
            GCancellable *cancellable)
{
  RunData *data = task_data;
  GError *error = NULL;
  ShmvizBenchResult *result;

  result = shmviz_bench_run (&data->config, run_progress, data->progress, cancellable, &error);
  if (result)
    g_task_return_pointer (task, result, (GDestroyNotify) shmviz_bench_result_free);
  else
    g_task_return_error (task, error);
}

static gboolean
progress_tick (gpointer user_data)
{
  ShmvizSpeedLab *self = user_data;
  g_autofree char *what = NULL;
  g_autofree char *text = NULL;
  gdouble fraction;

  g_mutex_lock (&self->progress->lock);
  fraction = self->progress->fraction;
  what = g_strdup (self->progress->what);
  g_mutex_unlock (&self->progress->lock);

  gtk_progress_bar_set_fraction (self->progress_bar, CLAMP (fraction, 0, 1));
  /* Translators: percentage done, then what is being measured ("pipe 4096 B"). */
  text = what && *what ? g_strdup_printf (_("%.0f %% — %s"), fraction * 100, what)
                       : g_strdup_printf (_("%.0f %%"), fraction * 100);
  gtk_progress_bar_set_text (self->progress_bar, text);
  return G_SOURCE_CONTINUE;
}

static void
run_done (GObject      *source,
          GAsyncResult *res,
          gpointer      user_data)
{
  ShmvizSpeedLab *self = SHMVIZ_SPEED_LAB (source);
  g_autoptr(GError) error = NULL;
  ShmvizBenchResult *result;

  if (!_shmviz_speed_lab_finish_task (self, res, &result, &error))
    return;
  if (result)
    {
      shmviz_speed_lab_set_result (self, result);
      _shmviz_speed_lab_toast (self, _("Measured"));
    }
  else if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    _shmviz_speed_lab_toast (self, _("Cancelled: every benchmark process was stopped"));
  else
    {
      g_autofree char *text = g_strdup_printf (_("The benchmark failed: %s"), error->message);

      _shmviz_speed_lab_toast (self, text);
    }
}

void
shmviz_speed_lab_run (ShmvizSpeedLab *self,
                      gboolean        quick)
{
  g_autoptr(GCancellable) cancellable = NULL;
  g_autoptr(GTask) task = NULL;
  RunData *data;

  g_return_if_fail (SHMVIZ_IS_SPEED_LAB (self));

  if (self->cancellable)
    return;
  cancellable = g_cancellable_new ();
  data = g_new0 (RunData, 1);
  shmviz_bench_config_init (&data->config, quick);
  g_clear_pointer (&self->progress, _shmviz_speed_lab_progress_release);
  self->progress = g_atomic_rc_box_new0 (Progress);
  g_mutex_init (&self->progress->lock);
  data->progress = g_atomic_rc_box_acquire (self->progress);

  _shmviz_speed_lab_set_busy (self, cancellable, TRUE);
  gtk_progress_bar_set_fraction (self->progress_bar, 0);
  gtk_progress_bar_set_text (self->progress_bar, _("Starting…"));
  self->progress_id = g_timeout_add (100, progress_tick, self);

  task = g_task_new (self, cancellable, run_done, NULL);
  g_task_set_source_tag (task, shmviz_speed_lab_run);
  g_task_set_task_data (task, data, (GDestroyNotify) run_data_free);
  g_task_run_in_thread (task, run_thread);
}

void
shmviz_speed_lab_cancel (ShmvizSpeedLab *self)
{
  g_return_if_fail (SHMVIZ_IS_SPEED_LAB (self));

  if (self->cancellable)
    g_cancellable_cancel (self->cancellable);
}
