/* shmviz-recorder-button.c — the Record button: elapsed time and file size
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <glib/gi18n.h>

#include "shmviz-recorder-button.h"

#define STATUS_INTERVAL_MS 500

struct _ShmvizRecorderButton
{
  GtkWidget       parent_instance;

  GtkWidget      *box;
  GtkButton      *button;
  GtkLabel       *status_label;

  ShmvizRecorder *recorder;
  char           *path;
  char           *armed_path;
  gint64          started_us;
  guint           status_id;
};

G_DEFINE_FINAL_TYPE (ShmvizRecorderButton, shmviz_recorder_button, GTK_TYPE_WIDGET)

enum {
  PROP_0,
  PROP_RECORDING,
  N_PROPS
};

enum {
  STOPPED,
  N_SIGNALS
};

static GParamSpec *properties[N_PROPS];
static guint signals[N_SIGNALS];

static const char template_ui[] =
  "<interface>"
  " <template class='ShmvizRecorderButton' parent='GtkWidget'>"
  "  <child>"
  "   <object class='GtkBox' id='box'>"
  "    <property name='spacing'>6</property>"
  "    <child>"
  "     <object class='GtkButton' id='button'>"
  "      <property name='icon-name'>media-record-symbolic</property>"
  "      <property name='action-name'>win.record</property>"
  "     </object>"
  "    </child>"
  "    <child>"
  "     <object class='GtkLabel' id='status_label'>"
  "      <property name='visible'>false</property>"
  "      <style><class name='numeric'/><class name='recording-status'/></style>"
  "     </object>"
  "    </child>"
  "   </object>"
  "  </child>"
  " </template>"
  "</interface>";

static void
update_status (ShmvizRecorderButton *self)
{
  gboolean recording = self->recorder != NULL;

  gtk_widget_set_visible (GTK_WIDGET (self->status_label), recording);
  gtk_widget_set_tooltip_text (GTK_WIDGET (self->button),
                               recording ? _("Stop Recording (Shift+Ctrl+R)") : _("Record the Run to a File (Shift+Ctrl+R)"));
  gtk_button_set_icon_name (self->button, recording ? "media-playback-stop-symbolic" : "media-record-symbolic");
  if (recording)
    gtk_widget_add_css_class (GTK_WIDGET (self->button), "destructive-action");
  else
    gtk_widget_remove_css_class (GTK_WIDGET (self->button), "destructive-action");

  if (recording)
    {
      ShmvizRecorderStats st;
      gint64 s = (g_get_monotonic_time () - self->started_us) / G_USEC_PER_SEC;
      g_autofree char *size = NULL;
      g_autofree char *text = NULL;

      shmviz_recorder_get_stats (self->recorder, &st);
      size = g_format_size (st.bytes_written);
      text = g_strdup_printf ("%" G_GINT64_FORMAT ":%02d · %s", s / 60, (int)(s % 60), size);
      gtk_label_set_label (self->status_label, text);
    }
  else
    {
      gtk_label_set_label (self->status_label, "");
    }
}

static gboolean
status_timeout (gpointer user_data)
{
  update_status (user_data);
  return G_SOURCE_CONTINUE;
}

static void
close_thread (GTask        *task,
              gpointer      source,
              gpointer      task_data,
              GCancellable *cancellable)
{
  GError *error = NULL;

  if (shmviz_recorder_close (task_data, &error))
    g_task_return_boolean (task, TRUE);
  else
    g_task_return_error (task, error);
}

static void
close_done (GObject      *source,
            GAsyncResult *result,
            gpointer      user_data)
{
  g_autofree char *path = user_data;
  g_autoptr(GError) error = NULL;

  g_task_propagate_boolean (G_TASK (result), &error);
  g_signal_emit (source, signals[STOPPED], 0, path, error);
}

void
shmviz_recorder_button_stop (ShmvizRecorderButton *self)
{
  g_autoptr(ShmvizRecorder) recorder = NULL;
  g_autoptr(GTask) task = NULL;

  g_return_if_fail (SHMVIZ_IS_RECORDER_BUTTON (self));

  g_clear_pointer (&self->armed_path, g_free);
  recorder = g_steal_pointer (&self->recorder);
  g_clear_handle_id (&self->status_id, g_source_remove);
  update_status (self);
  if (recorder == NULL)
    return;

  task = g_task_new (self, NULL, close_done, g_strdup (self->path));
  g_task_set_source_tag (task, shmviz_recorder_button_stop);
  g_task_set_task_data (task, g_object_ref (recorder), g_object_unref);
  g_task_run_in_thread (task, close_thread);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_RECORDING]);
}

void
shmviz_recorder_button_arm (ShmvizRecorderButton *self,
                            const char           *path)
{
  g_return_if_fail (SHMVIZ_IS_RECORDER_BUTTON (self));

  g_free (self->armed_path);
  self->armed_path = g_strdup (path);
}

gboolean
shmviz_recorder_button_session_starting (ShmvizRecorderButton *self,
                                         ShmvizSession        *session,
                                         GError              **error)
{
  g_autofree char *path = NULL;

  g_return_val_if_fail (SHMVIZ_IS_RECORDER_BUTTON (self), FALSE);

  path = g_steal_pointer (&self->armed_path);
  /* A recording is one session: a restart ends it. */
  shmviz_recorder_button_stop (self);
  if (path == NULL || session == NULL)
    return TRUE;

  self->recorder = shmviz_recorder_new (path, shmviz_session_get_scenario (session), error);
  if (self->recorder == NULL)
    return FALSE;

  shmviz_recorder_attach (self->recorder, session);
  g_free (self->path);
  self->path = g_steal_pointer (&path);
  self->started_us = g_get_monotonic_time ();
  self->status_id = g_timeout_add (STATUS_INTERVAL_MS, status_timeout, self);
  update_status (self);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_RECORDING]);

  return TRUE;
}

gboolean
shmviz_recorder_button_get_recording (ShmvizRecorderButton *self)
{
  g_return_val_if_fail (SHMVIZ_IS_RECORDER_BUTTON (self), FALSE);

  return self->recorder != NULL;
}

ShmvizRecorder *
shmviz_recorder_button_get_recorder (ShmvizRecorderButton *self)
{
  g_return_val_if_fail (SHMVIZ_IS_RECORDER_BUTTON (self), NULL);

  return self->recorder;
}

const char *
shmviz_recorder_button_get_path (ShmvizRecorderButton *self)
{
  g_return_val_if_fail (SHMVIZ_IS_RECORDER_BUTTON (self), NULL);

  return self->path;
}

const char *
shmviz_recorder_button_get_status (ShmvizRecorderButton *self)
{
  g_return_val_if_fail (SHMVIZ_IS_RECORDER_BUTTON (self), NULL);

  update_status (self);
  return gtk_label_get_label (self->status_label);
}

static void
shmviz_recorder_button_get_property (GObject    *object,
                                     guint       prop_id,
                                     GValue     *value,
                                     GParamSpec *pspec)
{
  ShmvizRecorderButton *self = SHMVIZ_RECORDER_BUTTON (object);

  switch (prop_id)
    {
    case PROP_RECORDING:
      g_value_set_boolean (value, self->recorder != NULL);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
shmviz_recorder_button_dispose (GObject *object)
{
  ShmvizRecorderButton *self = SHMVIZ_RECORDER_BUTTON (object);

  g_clear_handle_id (&self->status_id, g_source_remove);
  /* A window closing while recording: the file must still end properly.
   * The writer has at most a backlog to flush; joining here is bounded. */
  if (self->recorder != NULL)
    shmviz_recorder_close (self->recorder, NULL);
  g_clear_object (&self->recorder);
  gtk_widget_dispose_template (GTK_WIDGET (self), SHMVIZ_TYPE_RECORDER_BUTTON);

  G_OBJECT_CLASS (shmviz_recorder_button_parent_class)->dispose (object);
}

static void
shmviz_recorder_button_finalize (GObject *object)
{
  ShmvizRecorderButton *self = SHMVIZ_RECORDER_BUTTON (object);

  g_free (self->path);
  g_free (self->armed_path);

  G_OBJECT_CLASS (shmviz_recorder_button_parent_class)->finalize (object);
}

static void
shmviz_recorder_button_class_init (ShmvizRecorderButtonClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);
  g_autoptr(GBytes) bytes = g_bytes_new_static (template_ui, sizeof template_ui - 1);

  object_class->dispose = shmviz_recorder_button_dispose;
  object_class->finalize = shmviz_recorder_button_finalize;
  object_class->get_property = shmviz_recorder_button_get_property;

  properties[PROP_RECORDING] =
    g_param_spec_boolean ("recording", NULL, NULL, FALSE,
                          G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  /* (path, error or NULL) once a recording's file is closed. */
  signals[STOPPED] = g_signal_new ("stopped", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                                   0, NULL, NULL, NULL, G_TYPE_NONE, 2, G_TYPE_STRING, G_TYPE_ERROR);

  gtk_widget_class_set_layout_manager_type (widget_class, GTK_TYPE_BIN_LAYOUT);
  gtk_widget_class_set_template (widget_class, bytes);
  gtk_widget_class_bind_template_child (widget_class, ShmvizRecorderButton, box);
  gtk_widget_class_bind_template_child (widget_class, ShmvizRecorderButton, button);
  gtk_widget_class_bind_template_child (widget_class, ShmvizRecorderButton, status_label);
}

static void
shmviz_recorder_button_init (ShmvizRecorderButton *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
  update_status (self);
}

GtkWidget *
shmviz_recorder_button_new (void)
{
  return g_object_new (SHMVIZ_TYPE_RECORDER_BUTTON, NULL);
}
