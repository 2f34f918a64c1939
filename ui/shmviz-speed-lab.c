/* shmviz-speed-lab.c — the Speed lab window
 *
 * The window runs core/ipcbench off the main loop (a GTask thread; the
 * benchmark forks its own processes from there), shows its progress, and
 * draws the result: one panel of throughput and one of latency, a group
 * of bars per message size, a bar per mechanism, log scale, whiskers from
 * the fastest to the slowest repetition.  Above each bar: its ratio to the
 * pipe at that size, and its share of the hardware floor measured in the
 * same run (the spinning ring for throughput, one cache-line hand-off for
 * latency).  Below: the core's one-paragraph reading of the figures.
 *
 * Here is the window as a GObject: its template, actions and "busy"
 * property, and what being busy holds and disables.  What it runs, loads,
 * saves and draws is in the files that shmviz-speed-lab-internal.h maps.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include "shmviz-speed-lab-internal.h"

G_DEFINE_FINAL_TYPE (ShmvizSpeedLab, shmviz_speed_lab, ADW_TYPE_WINDOW)

enum {
  PROP_0,
  PROP_BUSY,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

void
_shmviz_speed_lab_toast (ShmvizSpeedLab *self,
                         const char     *text)
{
  adw_toast_overlay_add_toast (self->toast_overlay, adw_toast_new (text));
}

void
_shmviz_speed_lab_update_actions (ShmvizSpeedLab *self)
{
  gboolean busy = self->cancellable != NULL;
  gboolean has_result = self->shared != NULL;

  gtk_widget_action_set_enabled (GTK_WIDGET (self), "lab.run", !busy);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "lab.cancel", busy);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "lab.open", !busy);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "lab.export", has_result);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "lab.save", has_result);
  gtk_widget_set_visible (GTK_WIDGET (self->cancel_button), busy);
  gtk_widget_set_sensitive (GTK_WIDGET (self->quick_check), !busy);
}

void
_shmviz_speed_lab_set_busy (ShmvizSpeedLab *self,
                            GCancellable   *cancellable,
                            gboolean        running)
{
  GApplication *app = g_application_get_default ();

  g_set_object (&self->cancellable, cancellable);
  self->running = cancellable && running;
  /* Keep the application alive while benchmark processes run, so a closed
   * window still lets the run cancel and reap them before exit. */
  if (self->running && !self->held && app)
    {
      g_application_hold (app);
      self->held = TRUE;
    }
  else if (!self->running && self->held)
    {
      if (app)
        g_application_release (app);
      self->held = FALSE;
    }
  if (!self->running)
    g_clear_handle_id (&self->progress_id, g_source_remove);
  /* After dispose (the window closed mid-run) only the state is left. */
  if (self->chart)
    {
      gtk_revealer_set_reveal_child (self->progress_revealer, self->running);
      _shmviz_speed_lab_update_actions (self);
    }
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_BUSY]);
}

/* Ends a run or a load: the lab is no longer busy.  FALSE when the
 * window was closed meanwhile: it has let go of its children, and there
 * is nothing left to show the result in. */
gboolean
_shmviz_speed_lab_finish_task (ShmvizSpeedLab     *self,
                               GAsyncResult       *res,
                               ShmvizBenchResult **result,
                               GError            **error)
{
  *result = g_task_propagate_pointer (G_TASK (res), error);
  _shmviz_speed_lab_set_busy (self, NULL, FALSE);
  if (self->chart == NULL)
    {
      g_clear_pointer (result, shmviz_bench_result_free);
      return FALSE;
    }
  return TRUE;
}

gboolean
shmviz_speed_lab_get_busy (ShmvizSpeedLab *self)
{
  g_return_val_if_fail (SHMVIZ_IS_SPEED_LAB (self), FALSE);

  return self->cancellable != NULL;
}

ShmvizSpeedChart *
shmviz_speed_lab_get_chart (ShmvizSpeedLab *self)
{
  g_return_val_if_fail (SHMVIZ_IS_SPEED_LAB (self), NULL);

  return self->chart;
}

/* Actions ------------------------------------------------------------------ */

static void
run_activated (GtkWidget  *widget,
               const char *action_name,
               GVariant   *parameter)
{
  ShmvizSpeedLab *self = SHMVIZ_SPEED_LAB (widget);

  shmviz_speed_lab_run (self, gtk_check_button_get_active (self->quick_check));
}

static void
cancel_activated (GtkWidget  *widget,
                  const char *action_name,
                  GVariant   *parameter)
{
  shmviz_speed_lab_cancel (SHMVIZ_SPEED_LAB (widget));
}

static void
open_activated (GtkWidget  *widget,
                const char *action_name,
                GVariant   *parameter)
{
  _shmviz_speed_lab_choose_file (SHMVIZ_SPEED_LAB (widget), "open");
}

static void
save_activated (GtkWidget  *widget,
                const char *action_name,
                GVariant   *parameter)
{
  _shmviz_speed_lab_choose_file (SHMVIZ_SPEED_LAB (widget), "save");
}

static void
export_activated (GtkWidget  *widget,
                  const char *action_name,
                  GVariant   *parameter)
{
  const char *format = g_variant_get_string (parameter, NULL);

  if (g_strcmp0 (format, "png") == 0 || g_strcmp0 (format, "svg") == 0)
    _shmviz_speed_lab_choose_file (SHMVIZ_SPEED_LAB (widget), format);
}

/* GObject ------------------------------------------------------------------ */

/* gtk_window_destroy() only unrealizes while a task still holds the window,
 * so a closed window stops its benchmark here, not at dispose. */
static void
shmviz_speed_lab_unrealize (GtkWidget *widget)
{
  ShmvizSpeedLab *self = SHMVIZ_SPEED_LAB (widget);

  if (self->cancellable)
    g_cancellable_cancel (self->cancellable);

  GTK_WIDGET_CLASS (shmviz_speed_lab_parent_class)->unrealize (widget);
}

static void
shmviz_speed_lab_dispose (GObject *object)
{
  ShmvizSpeedLab *self = SHMVIZ_SPEED_LAB (object);

  /* A run in progress stops at once; its callback finds the page gone. */
  if (self->cancellable)
    g_cancellable_cancel (self->cancellable);
  g_clear_handle_id (&self->progress_id, g_source_remove);
  if (self->chooser)
    {
      gtk_native_dialog_destroy (GTK_NATIVE_DIALOG (self->chooser));
      g_clear_object (&self->chooser);
    }
  if (self->chart)
    shmviz_speed_chart_set_result (self->chart, NULL);
  gtk_widget_dispose_template (GTK_WIDGET (self), SHMVIZ_TYPE_SPEED_LAB);
  self->chart = NULL;

  G_OBJECT_CLASS (shmviz_speed_lab_parent_class)->dispose (object);
}

static void
shmviz_speed_lab_finalize (GObject *object)
{
  ShmvizSpeedLab *self = SHMVIZ_SPEED_LAB (object);

  g_clear_pointer (&self->shared, _shmviz_speed_lab_shared_result_release);
  g_clear_pointer (&self->progress, _shmviz_speed_lab_progress_release);
  g_clear_object (&self->cancellable);

  G_OBJECT_CLASS (shmviz_speed_lab_parent_class)->finalize (object);
}

static void
shmviz_speed_lab_get_property (GObject    *object,
                               guint       prop_id,
                               GValue     *value,
                               GParamSpec *pspec)
{
  ShmvizSpeedLab *self = SHMVIZ_SPEED_LAB (object);

  switch (prop_id)
    {
    case PROP_BUSY:
      g_value_set_boolean (value, shmviz_speed_lab_get_busy (self));
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
shmviz_speed_lab_class_init (ShmvizSpeedLabClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = shmviz_speed_lab_dispose;
  object_class->finalize = shmviz_speed_lab_finalize;
  object_class->get_property = shmviz_speed_lab_get_property;
  widget_class->unrealize = shmviz_speed_lab_unrealize;

  properties[PROP_BUSY] =
    g_param_spec_boolean ("busy", NULL, NULL, FALSE,
                          G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  g_type_ensure (SHMVIZ_TYPE_SPEED_CHART);
  gtk_widget_class_set_template_from_resource (widget_class, "/io/github/shmviz/Shmviz/ui/shmviz-speed-lab.ui");
  gtk_widget_class_bind_template_child (widget_class, ShmvizSpeedLab, toast_overlay);
  gtk_widget_class_bind_template_child (widget_class, ShmvizSpeedLab, run_button);
  gtk_widget_class_bind_template_child (widget_class, ShmvizSpeedLab, cancel_button);
  gtk_widget_class_bind_template_child (widget_class, ShmvizSpeedLab, quick_check);
  gtk_widget_class_bind_template_child (widget_class, ShmvizSpeedLab, progress_revealer);
  gtk_widget_class_bind_template_child (widget_class, ShmvizSpeedLab, progress_bar);
  gtk_widget_class_bind_template_child (widget_class, ShmvizSpeedLab, stack);
  gtk_widget_class_bind_template_child (widget_class, ShmvizSpeedLab, machine_label);
  gtk_widget_class_bind_template_child (widget_class, ShmvizSpeedLab, reading_label);
  gtk_widget_class_bind_template_child (widget_class, ShmvizSpeedLab, chart);

  gtk_widget_class_install_action (widget_class, "lab.run", NULL, run_activated);
  gtk_widget_class_install_action (widget_class, "lab.cancel", NULL, cancel_activated);
  gtk_widget_class_install_action (widget_class, "lab.open", NULL, open_activated);
  gtk_widget_class_install_action (widget_class, "lab.save", NULL, save_activated);
  gtk_widget_class_install_action (widget_class, "lab.export", "s", export_activated);

  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_Return, GDK_CONTROL_MASK, "lab.run", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_Escape, 0, "lab.cancel", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_o, GDK_CONTROL_MASK, "lab.open", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_w, GDK_CONTROL_MASK, "window.close", NULL);
}

static void
shmviz_speed_lab_init (ShmvizSpeedLab *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
  _shmviz_speed_lab_update_actions (self);
}

ShmvizSpeedLab *
shmviz_speed_lab_new (GtkWindow *parent)
{
  ShmvizSpeedLab *self = g_object_new (SHMVIZ_TYPE_SPEED_LAB, NULL);

  if (parent)
    {
      gtk_window_set_transient_for (GTK_WINDOW (self), parent);
      gtk_window_set_destroy_with_parent (GTK_WINDOW (self), TRUE);
      gtk_window_set_application (GTK_WINDOW (self), gtk_window_get_application (parent));
    }
  return self;
}
