/* shmviz-scheduler.c — "you are the scheduler"
 *
 * No process moves until the user picks one (its card, or keys 1–9).  Each
 * pick grants that worker exactly one step through core/schedule.c, which
 * reports back once the whole region is quiet; then the pseudo-code of
 * each role shows the line every process last executed, the one just
 * stepped highlighted.  The steps taken form a schedule ("P1,P2,P1"), so
 * step back is a replay: the window restarts the scenario and the
 * schedule minus its last token runs again on the fresh session, which
 * gives the very same state since each step is exact.
 *
 * The widget itself is here; what it does between two picks is in the
 * files listed in shmviz-scheduler-internal.h.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <adwaita.h>
#include <glib/gi18n.h>

#include "lesson.h"
#include "schedule.h"
#include "shmviz-scheduler-internal.h"

enum {
  LESSON_SAVED,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

G_DEFINE_FINAL_TYPE (ShmvizScheduler, shmviz_scheduler, GTK_TYPE_BOX)

static void
session_notify_running (ShmvizSession   *session,
                        GParamSpec      *pspec,
                        ShmvizScheduler *self)
{
  if (self->active && shmviz_session_get_running (session) && !self->busy)
    _shmviz_scheduler_replay_pending (self);
  else if (!shmviz_session_get_running (session))
    _shmviz_scheduler_refresh (self);
}

void
shmviz_scheduler_set_session (ShmvizScheduler *self,
                              ShmvizSession   *session)
{
  const ShmvizScenario *sc;

  g_return_if_fail (SHMVIZ_IS_SCHEDULER (self));

  g_cancellable_cancel (self->cancellable);
  g_clear_object (&self->cancellable);
  self->cancellable = g_cancellable_new ();
  self->busy = FALSE;
  self->quiz_guess = -1;
  if (self->session != NULL)
    g_signal_handlers_disconnect_by_data (self->session, self);
  g_set_object (&self->session, session);
  g_array_set_size (self->schedule, 0);
  self->last_proc = G_MAXUINT;
  g_clear_pointer (&self->caption, g_free);
  if (session == NULL)
    return;

  sc = shmviz_session_get_scenario (session);
  self->n_producers = sc->n_producers;
  self->n_procs = sc->n_producers + sc->n_consumers;
  self->mode = sc->sync;
  g_free (self->silent);
  g_free (self->last_ns);
  self->silent = g_new0 (gboolean, self->n_procs);
  self->last_ns = g_new0 (guint64, self->n_procs);
  _shmviz_scheduler_build_program (self);
  _shmviz_scheduler_rebuild_code (self);

  g_signal_connect (session, "notify::running", G_CALLBACK (session_notify_running), self);
  if (self->active)
    {
      shmviz_schedule_prepare (session);
      /* Started already (a late call): settle (and replay) right away. */
      if (shmviz_session_get_running (session))
        _shmviz_scheduler_replay_pending (self);
    }
  _shmviz_scheduler_refresh (self);
}

void
shmviz_scheduler_step_back (ShmvizScheduler *self)
{
  g_return_if_fail (SHMVIZ_IS_SCHEDULER (self));

  if (!self->active || self->busy || self->schedule->len == 0)
    return;
  g_clear_pointer (&self->replay, g_array_unref);
  self->replay = g_array_sized_new (FALSE, FALSE, sizeof (guint), self->schedule->len);
  g_array_append_vals (self->replay, self->schedule->data, self->schedule->len - 1);
  gtk_widget_activate_action (GTK_WIDGET (self), "win.restart", NULL);
}

void
shmviz_scheduler_set_active (ShmvizScheduler *self,
                             gboolean         active)
{
  g_return_if_fail (SHMVIZ_IS_SCHEDULER (self));

  active = !!active;
  if (self->active == active)
    return;
  self->active = active;
  self->updating = TRUE;
  gtk_switch_set_active (self->active_switch, active);
  self->updating = FALSE;
  g_clear_pointer (&self->replay, g_array_unref);

  if (active)
    /* A fresh run, so that nothing moved before the first pick. */
    gtk_widget_activate_action (GTK_WIDGET (self), "win.restart", NULL);
  else if (self->session != NULL)
    {
      g_cancellable_cancel (self->cancellable);
      self->busy = FALSE;
      shmviz_session_set_paused (self->session, FALSE);
    }
  _shmviz_scheduler_refresh (self);
}

gboolean
shmviz_scheduler_get_active (ShmvizScheduler *self)
{
  g_return_val_if_fail (SHMVIZ_IS_SCHEDULER (self), FALSE);
  return self->active;
}

gboolean
shmviz_scheduler_get_busy (ShmvizScheduler *self)
{
  g_return_val_if_fail (SHMVIZ_IS_SCHEDULER (self), FALSE);
  return self->busy;
}

char *
shmviz_scheduler_dup_schedule (ShmvizScheduler *self)
{
  g_return_val_if_fail (SHMVIZ_IS_SCHEDULER (self), NULL);
  return shmviz_schedule_to_string ((const guint *) (void *) self->schedule->data, self->schedule->len,
                                    self->n_producers);
}

const char *
shmviz_scheduler_get_caption (ShmvizScheduler *self)
{
  g_return_val_if_fail (SHMVIZ_IS_SCHEDULER (self), "");
  return self->caption ? self->caption : "";
}

void
shmviz_scheduler_set_lesson (ShmvizScheduler *self,
                             const char      *id)
{
  g_return_if_fail (SHMVIZ_IS_SCHEDULER (self));

  if (id == NULL)
    g_clear_pointer (&self->lesson, shmviz_lesson_free);
  else if (self->lesson == NULL || g_strcmp0 (self->lesson->id, id) != 0)
    {
      g_clear_pointer (&self->lesson, shmviz_lesson_free);
      /* A few small files, once per lesson opened. */
      self->lesson = shmviz_lesson_find (id, NULL);
    }
  _shmviz_scheduler_refresh (self);
}

static void
replay_lesson_clicked (GtkButton       *button,
                       ShmvizScheduler *self)
{
  g_autoptr(GError) error = NULL;
  GArray *steps;

  if (!_shmviz_scheduler_lesson_fits (self) || self->busy)
    return;
  if (!(steps = shmviz_lesson_parse_schedule (self->lesson, &error)))
    {
      _shmviz_scheduler_set_caption (self, g_strdup (error->message));
      _shmviz_scheduler_refresh (self);
      return;
    }
  /* The same road as step back: a fresh run, then the steps on it. */
  g_clear_pointer (&self->replay, g_array_unref);
  self->replay = steps;
  self->replaying_lesson = TRUE;
  if (!self->active)
    {
      self->active = TRUE;
      self->updating = TRUE;
      gtk_switch_set_active (self->active_switch, TRUE);
      self->updating = FALSE;
    }
  gtk_widget_activate_action (GTK_WIDGET (self), "win.restart", NULL);
}

static void
save_lesson_response (AdwMessageDialog *dialog,
                      const char       *response,
                      ShmvizScheduler  *self)
{
  GtkEditable *entry = g_object_get_data (G_OBJECT (dialog), "entry");
  g_autoptr(ShmvizLesson) lesson = NULL;
  g_autoptr(GError) error = NULL;
  const char *name;

  if (g_strcmp0 (response, "save") != 0 || self->session == NULL || self->schedule->len == 0)
    return;
  name = gtk_editable_get_text (entry);
  lesson = g_new0 (ShmvizLesson, 1);
  lesson->id = shmviz_lesson_id_from_name (name);
  lesson->name = g_strdup (name);
  lesson->title = g_strdup (_("Saved from shmviz"));
  lesson->explanation = g_strdup (_("A scenario saved from the app."));
  lesson->scenario = *shmviz_session_get_scenario (self->session);
  lesson->schedule = shmviz_scheduler_dup_schedule (self);
  lesson->expect = shmviz_model_get_anomalies (shmviz_session_get_model (self->session), 0, NULL) > 0
                   ? SHMVIZ_EXPECT_RACES : SHMVIZ_EXPECT_CLEAN;

  if (*name == '\0' || !shmviz_lesson_save (lesson, NULL, &error))
    {
      GtkRoot *root = gtk_widget_get_root (GTK_WIDGET (self));
      GtkWidget *err = adw_message_dialog_new (GTK_IS_WINDOW (root) ? GTK_WINDOW (root) : NULL,
                                               _("The Lesson Was Not Saved"),
                                               error ? error->message : _("Give it a name with letters or digits."));

      adw_message_dialog_add_response (ADW_MESSAGE_DIALOG (err), "close", _("_Close"));
      gtk_window_present (GTK_WINDOW (err));
      return;
    }
  _shmviz_scheduler_set_caption (self, g_strdup_printf (_("Saved as the lesson “%s”."), lesson->name));
  g_signal_emit (self, signals[LESSON_SAVED], 0, lesson->id);
  _shmviz_scheduler_refresh (self);
}

static void
save_lesson_clicked (GtkButton       *button,
                     ShmvizScheduler *self)
{
  GtkRoot *root = gtk_widget_get_root (GTK_WIDGET (self));
  g_autofree char *schedule = shmviz_scheduler_dup_schedule (self);
  GtkWidget *dialog = adw_message_dialog_new (GTK_IS_WINDOW (root) ? GTK_WINDOW (root) : NULL,
                                              _("Save as Lesson"), schedule);
  GtkWidget *entry = gtk_entry_new ();

  gtk_entry_set_placeholder_text (GTK_ENTRY (entry), _("Name, e.g. Two fast producers"));
  gtk_entry_set_activates_default (GTK_ENTRY (entry), TRUE);
  adw_message_dialog_set_extra_child (ADW_MESSAGE_DIALOG (dialog), entry);
  adw_message_dialog_add_responses (ADW_MESSAGE_DIALOG (dialog),
                                    "cancel", _("_Cancel"), "save", _("_Save"), NULL);
  adw_message_dialog_set_response_appearance (ADW_MESSAGE_DIALOG (dialog), "save", ADW_RESPONSE_SUGGESTED);
  adw_message_dialog_set_default_response (ADW_MESSAGE_DIALOG (dialog), "save");
  g_object_set_data (G_OBJECT (dialog), "entry", entry);
  g_signal_connect_object (dialog, "response", G_CALLBACK (save_lesson_response), self, 0);
  gtk_window_present (GTK_WINDOW (dialog));
}

static void
active_switch_notify (GtkSwitch       *sw,
                      GParamSpec      *pspec,
                      ShmvizScheduler *self)
{
  if (!self->updating)
    shmviz_scheduler_set_active (self, gtk_switch_get_active (sw));
}

static void
undo_clicked (GtkButton       *button,
              ShmvizScheduler *self)
{
  shmviz_scheduler_step_back (self);
}

static void
atomic_toggled (GtkCheckButton  *check,
                ShmvizScheduler *self)
{
  _shmviz_scheduler_refresh (self);
}

static gboolean
focus_takes_keys (GtkWidget *focus)
{
  return focus != NULL && (GTK_IS_EDITABLE (focus) || GTK_IS_TEXT_VIEW (focus));
}

static gboolean
digit_activated (GtkWidget *widget,
                 GVariant  *args,
                 gpointer   user_data)
{
  ShmvizScheduler *self = SHMVIZ_SCHEDULER (widget);
  GtkRoot *root = gtk_widget_get_root (widget);
  guint digit = GPOINTER_TO_UINT (user_data);

  if (!self->active ||
      (GTK_IS_WINDOW (root) && focus_takes_keys (gtk_window_get_focus (GTK_WINDOW (root)))))
    return FALSE;
  return shmviz_scheduler_pick (self, digit - 1);
}

static void
shmviz_scheduler_dispose (GObject *object)
{
  ShmvizScheduler *self = SHMVIZ_SCHEDULER (object);

  g_cancellable_cancel (self->cancellable);
  if (self->session != NULL)
    g_signal_handlers_disconnect_by_data (self->session, self);
  g_clear_object (&self->session);
  g_clear_object (&self->cancellable);
  gtk_widget_dispose_template (GTK_WIDGET (self), SHMVIZ_TYPE_SCHEDULER);
  G_OBJECT_CLASS (shmviz_scheduler_parent_class)->dispose (object);
}

static void
shmviz_scheduler_finalize (GObject *object)
{
  ShmvizScheduler *self = SHMVIZ_SCHEDULER (object);

  g_clear_pointer (&self->schedule, g_array_unref);
  g_clear_pointer (&self->replay, g_array_unref);
  g_free (self->silent);
  g_free (self->last_ns);
  g_free (self->caption);
  g_clear_pointer (&self->lesson, shmviz_lesson_free);
  G_OBJECT_CLASS (shmviz_scheduler_parent_class)->finalize (object);
}

static void
shmviz_scheduler_class_init (ShmvizSchedulerClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = shmviz_scheduler_dispose;
  object_class->finalize = shmviz_scheduler_finalize;

  gtk_widget_class_set_template_from_resource (widget_class, "/io/github/shmviz/Shmviz/ui/shmviz-scheduler.ui");
  gtk_widget_class_bind_template_child (widget_class, ShmvizScheduler, active_switch);
  gtk_widget_class_bind_template_child (widget_class, ShmvizScheduler, status_label);
  gtk_widget_class_bind_template_child (widget_class, ShmvizScheduler, undo_button);
  gtk_widget_class_bind_template_child (widget_class, ShmvizScheduler, quiz_check);
  gtk_widget_class_bind_template_child (widget_class, ShmvizScheduler, atomic_check);
  gtk_widget_class_bind_template_child (widget_class, ShmvizScheduler, schedule_label);
  gtk_widget_class_bind_template_child (widget_class, ShmvizScheduler, quiz_label);
  gtk_widget_class_bind_template_child (widget_class, ShmvizScheduler, producer_code);
  gtk_widget_class_bind_template_child (widget_class, ShmvizScheduler, consumer_code);
  gtk_widget_class_bind_template_child (widget_class, ShmvizScheduler, atomic_label);
  gtk_widget_class_set_css_name (widget_class, "shmvizscheduler");

  /* A lesson was written to the user's lessons (its id): the gallery
   * lists it once it reloads. */
  signals[LESSON_SAVED] = g_signal_new ("lesson-saved", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                                        0, NULL, NULL, NULL, G_TYPE_NONE, 1, G_TYPE_STRING);
}

static void
shmviz_scheduler_init (ShmvizScheduler *self)
{
  GtkEventController *shortcuts;

  gtk_widget_init_template (GTK_WIDGET (self));
  self->schedule = g_array_new (FALSE, FALSE, sizeof (guint));

  /* Lessons: keep a schedule, or replay the one the opened lesson has.
   * Built here, under the schedule they act on. */
  {
    GtkWidget *column = gtk_widget_get_parent (GTK_WIDGET (self->schedule_label));
    GtkWidget *row = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 6);

    self->save_lesson_button = gtk_button_new_with_mnemonic (_("Save Schedule as _Lesson…"));
    self->replay_lesson_button = gtk_button_new_with_mnemonic (_("_Replay the Lesson’s Schedule"));
    gtk_widget_set_visible (self->replay_lesson_button, FALSE);
    gtk_box_append (GTK_BOX (row), self->save_lesson_button);
    gtk_box_append (GTK_BOX (row), self->replay_lesson_button);
    gtk_box_insert_child_after (GTK_BOX (column), row, GTK_WIDGET (self->schedule_label));
    g_signal_connect (self->save_lesson_button, "clicked", G_CALLBACK (save_lesson_clicked), self);
    g_signal_connect (self->replay_lesson_button, "clicked", G_CALLBACK (replay_lesson_clicked), self);
  }
  self->last_proc = G_MAXUINT;
  self->quiz_guess = -1;
  self->cancellable = g_cancellable_new ();
  _shmviz_scheduler_build_program (self);
  _shmviz_scheduler_rebuild_code (self);

  /* 1–9 pick a process from anywhere in the window. */
  shortcuts = gtk_shortcut_controller_new ();
  gtk_shortcut_controller_set_scope (GTK_SHORTCUT_CONTROLLER (shortcuts), GTK_SHORTCUT_SCOPE_GLOBAL);
  for (guint d = 1; d <= 9; d++)
    {
      GtkShortcutTrigger *trigger =
        gtk_alternative_trigger_new (gtk_keyval_trigger_new (GDK_KEY_0 + d, 0),
                                     gtk_keyval_trigger_new (GDK_KEY_KP_0 + d, 0));
      gtk_shortcut_controller_add_shortcut (GTK_SHORTCUT_CONTROLLER (shortcuts),
                                            gtk_shortcut_new (trigger,
                                                              gtk_callback_action_new (digit_activated,
                                                                                       GUINT_TO_POINTER (d), NULL)));
    }
  gtk_widget_add_controller (GTK_WIDGET (self), shortcuts);

  g_signal_connect (self->active_switch, "notify::active", G_CALLBACK (active_switch_notify), self);
  g_signal_connect (self->undo_button, "clicked", G_CALLBACK (undo_clicked), self);
  g_signal_connect (self->atomic_check, "toggled", G_CALLBACK (atomic_toggled), self);
  _shmviz_scheduler_refresh (self);
}

GtkWidget *
shmviz_scheduler_new (void)
{
  return g_object_new (SHMVIZ_TYPE_SCHEDULER, NULL);
}