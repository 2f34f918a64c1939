/* shmviz-export-dialog.c — a modal progress dialog around one export job
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <glib/gi18n.h>

#include "shmviz-export-dialog.h"

#define POLL_MS 100

struct _ShmvizExportDialog
{
  AdwWindow       parent_instance;

  GtkLabel       *title_label;
  GtkProgressBar *progress_bar;
  GtkButton      *cancel_button;

  GCancellable   *cancellable;
  ShmvizExportJob job;
  gpointer        job_data;
  GDestroyNotify  job_data_free;
  /* Written by the job's thread, read by the poll. */
  gint            permille;
  guint           poll_id;
  guint           done : 1;
};

G_DEFINE_FINAL_TYPE (ShmvizExportDialog, shmviz_export_dialog, ADW_TYPE_WINDOW)

enum {
  FINISHED,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

static const char template_ui[] =
  "<interface>"
  " <template class='ShmvizExportDialog' parent='AdwWindow'>"
  "  <property name='modal'>true</property>"
  "  <property name='resizable'>false</property>"
  "  <property name='default-width'>420</property>"
  "  <property name='content'>"
  "   <object class='GtkBox'>"
  "    <property name='orientation'>vertical</property>"
  "    <property name='spacing'>18</property>"
  "    <property name='margin-top'>24</property>"
  "    <property name='margin-bottom'>24</property>"
  "    <property name='margin-start'>24</property>"
  "    <property name='margin-end'>24</property>"
  "    <child>"
  "     <object class='GtkLabel' id='title_label'>"
  "      <property name='wrap'>true</property>"
  "      <style><class name='title-4'/></style>"
  "     </object>"
  "    </child>"
  "    <child>"
  "     <object class='GtkProgressBar' id='progress_bar'>"
  "      <property name='show-text'>true</property>"
  "     </object>"
  "    </child>"
  "    <child>"
  "     <object class='GtkButton' id='cancel_button'>"
  "      <property name='use-underline'>true</property>"
  "      <property name='halign'>center</property>"
  "      <style><class name='pill'/></style>"
  "     </object>"
  "    </child>"
  "   </object>"
  "  </property>"
  " </template>"
  "</interface>";

static void
progress_cb (double   fraction,
             gpointer user_data)
{
  ShmvizExportDialog *self = user_data;

  g_atomic_int_set (&self->permille, (gint)(CLAMP (fraction, 0, 1) * 1000));
}

static gboolean
poll_cb (gpointer user_data)
{
  ShmvizExportDialog *self = user_data;

  gtk_progress_bar_set_fraction (self->progress_bar, g_atomic_int_get (&self->permille) / 1000.0);
  return G_SOURCE_CONTINUE;
}

static void
job_thread (GTask        *task,
            gpointer      source,
            gpointer      task_data,
            GCancellable *cancellable)
{
  ShmvizExportDialog *self = source;
  GError *error = NULL;

  if (self->job (self->job_data, progress_cb, self, cancellable, &error))
    g_task_return_boolean (task, TRUE);
  else
    g_task_return_error (task, error);
}

static void
job_done (GObject      *source,
          GAsyncResult *result,
          gpointer      user_data)
{
  ShmvizExportDialog *self = SHMVIZ_EXPORT_DIALOG (source);
  g_autoptr(GError) error = NULL;

  g_task_propagate_boolean (G_TASK (result), &error);
  self->done = TRUE;
  g_clear_handle_id (&self->poll_id, g_source_remove);
  gtk_progress_bar_set_fraction (self->progress_bar, error == NULL ? 1.0 : 0.0);
  g_signal_emit (self, signals[FINISHED], 0, error);
  gtk_window_destroy (GTK_WINDOW (self));
}

void
shmviz_export_dialog_cancel (ShmvizExportDialog *self)
{
  g_return_if_fail (SHMVIZ_IS_EXPORT_DIALOG (self));

  gtk_widget_set_sensitive (GTK_WIDGET (self->cancel_button), FALSE);
  gtk_progress_bar_set_text (self->progress_bar, _("Cancelling…"));
  g_cancellable_cancel (self->cancellable);
}

double
shmviz_export_dialog_get_fraction (ShmvizExportDialog *self)
{
  g_return_val_if_fail (SHMVIZ_IS_EXPORT_DIALOG (self), 0);

  return g_atomic_int_get (&self->permille) / 1000.0;
}

static gboolean
shmviz_export_dialog_close_request (GtkWindow *window)
{
  ShmvizExportDialog *self = SHMVIZ_EXPORT_DIALOG (window);

  /* Closing means cancel; the window goes once the job has stopped. */
  if (!self->done)
    {
      shmviz_export_dialog_cancel (self);
      return TRUE;
    }
  return GTK_WINDOW_CLASS (shmviz_export_dialog_parent_class)->close_request (window);
}

static void
shmviz_export_dialog_dispose (GObject *object)
{
  ShmvizExportDialog *self = SHMVIZ_EXPORT_DIALOG (object);

  g_clear_handle_id (&self->poll_id, g_source_remove);
  gtk_widget_dispose_template (GTK_WIDGET (self), SHMVIZ_TYPE_EXPORT_DIALOG);

  G_OBJECT_CLASS (shmviz_export_dialog_parent_class)->dispose (object);
}

static void
shmviz_export_dialog_finalize (GObject *object)
{
  ShmvizExportDialog *self = SHMVIZ_EXPORT_DIALOG (object);

  if (self->job_data_free != NULL && self->job_data != NULL)
    self->job_data_free (self->job_data);
  g_clear_object (&self->cancellable);

  G_OBJECT_CLASS (shmviz_export_dialog_parent_class)->finalize (object);
}

static void
shmviz_export_dialog_class_init (ShmvizExportDialogClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);
  GtkWindowClass *window_class = GTK_WINDOW_CLASS (klass);
  g_autoptr(GBytes) bytes = g_bytes_new_static (template_ui, sizeof template_ui - 1);

  object_class->dispose = shmviz_export_dialog_dispose;
  object_class->finalize = shmviz_export_dialog_finalize;
  window_class->close_request = shmviz_export_dialog_close_request;

  signals[FINISHED] = g_signal_new ("finished", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                                    0, NULL, NULL, NULL, G_TYPE_NONE, 1, G_TYPE_ERROR);

  gtk_widget_class_set_template (widget_class, bytes);
  gtk_widget_class_bind_template_child (widget_class, ShmvizExportDialog, title_label);
  gtk_widget_class_bind_template_child (widget_class, ShmvizExportDialog, progress_bar);
  gtk_widget_class_bind_template_child (widget_class, ShmvizExportDialog, cancel_button);
}

static void
shmviz_export_dialog_init (ShmvizExportDialog *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
  gtk_button_set_label (self->cancel_button, _("_Cancel"));
  gtk_window_set_title (GTK_WINDOW (self), _("Exporting"));
  g_signal_connect_swapped (self->cancel_button, "clicked", G_CALLBACK (shmviz_export_dialog_cancel), self);
  self->cancellable = g_cancellable_new ();
}

ShmvizExportDialog *
shmviz_export_dialog_run (GtkWindow      *parent,
                          const char     *title,
                          ShmvizExportJob job,
                          gpointer        job_data,
                          GDestroyNotify  job_data_free)
{
  ShmvizExportDialog *self = g_object_new (SHMVIZ_TYPE_EXPORT_DIALOG, "transient-for", parent, NULL);
  g_autoptr(GTask) task = NULL;

  gtk_label_set_label (self->title_label, title);
  self->job = job;
  self->job_data = job_data;
  self->job_data_free = job_data_free;
  self->poll_id = g_timeout_add (POLL_MS, poll_cb, self);

  task = g_task_new (self, self->cancellable, job_done, NULL);
  /* What the job returns is the truth: one that finished just before the
   * cancel wrote a whole file, which a CANCELLED report would disown. */
  g_task_set_check_cancellable (task, FALSE);
  g_task_set_source_tag (task, shmviz_export_dialog_run);
  g_task_run_in_thread (task, job_thread);
  gtk_window_present (GTK_WINDOW (self));

  return self;
}
