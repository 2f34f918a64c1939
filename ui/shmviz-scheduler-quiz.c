/* shmviz-scheduler-quiz.c — the question before a step
 *
 * With the quiz on, a pick first asks what the step will do; the answer
 * is kept and the step then runs.  Apart because it is a dialog of its
 * own between the pick and the step.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <adwaita.h>
#include <glib/gi18n.h>

#include "shmviz-scheduler-internal.h"

static void
quiz_response (AdwMessageDialog *dialog,
               const char       *response,
               gpointer          user_data)
{
  ShmvizScheduler *self = user_data;
  guint proc = GPOINTER_TO_UINT (g_object_get_data (G_OBJECT (dialog), "proc"));
  static const char * const ids[] = { "proceed", "block", "race", "exit" };

  self->quiz_guess = -1;
  for (guint i = 0; i < G_N_ELEMENTS (ids); i++)
    if (g_strcmp0 (response, ids[i]) == 0)
      self->quiz_guess = (gint) i;
  if (self->session != NULL && shmviz_session_get_running (self->session))
    _shmviz_scheduler_do_step (self, proc);
  else
    self->busy = FALSE;
}

void
_shmviz_scheduler_ask_quiz (ShmvizScheduler *self,
                            guint            proc)
{
  GtkRoot *root = gtk_widget_get_root (GTK_WIDGET (self));
  g_autofree char *who = _shmviz_scheduler_proc_label (self, proc);
  g_autofree char *body = g_strdup_printf (_("%s is about to run its next step. What will happen?"), who);
  AdwMessageDialog *dialog;

  dialog = ADW_MESSAGE_DIALOG (adw_message_dialog_new (GTK_IS_WINDOW (root) ? GTK_WINDOW (root) : NULL,
                                                       _("What Will Happen?"), body));
  /* The outcomes a step can really have, as the driver tells them apart. */
  adw_message_dialog_add_responses (dialog,
                                    "proceed", _("It _goes on"),
                                    "block", _("It _blocks"),
                                    "race", _("A _race shows"),
                                    "exit", _("It _exits"),
                                    NULL);
  adw_message_dialog_set_close_response (dialog, "skip");
  g_object_set_data (G_OBJECT (dialog), "proc", GUINT_TO_POINTER (proc));
  g_signal_connect (dialog, "response", G_CALLBACK (quiz_response), self);
  self->busy = TRUE;
  gtk_window_present (GTK_WINDOW (dialog));
}
