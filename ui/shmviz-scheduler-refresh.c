/* shmviz-scheduler-refresh.c — the page redrawn from the model
 *
 * After every step, replay or change of state the status, the code rows'
 * markers, the atoms, the schedule and the quiz score are set again from
 * the model.  Apart because every other file calls it and it reads all of
 * them: one place where what is shown is decided.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <glib/gi18n.h>

#include "schedule.h"
#include "shmviz-scheduler-internal.h"

/* The opened lesson has a schedule made for the scenario running now. */
gboolean
_shmviz_scheduler_lesson_fits (ShmvizScheduler *self)
{
  const ShmvizScenario *sc;

  if (self->lesson == NULL || self->lesson->schedule == NULL || self->session == NULL)
    return FALSE;
  sc = shmviz_session_get_scenario (self->session);
  return sc->n_producers == self->lesson->scenario.n_producers &&
         sc->n_consumers == self->lesson->scenario.n_consumers &&
         sc->n_slots == self->lesson->scenario.n_slots &&
         sc->sync == self->lesson->scenario.sync;
}

void
_shmviz_scheduler_refresh (ShmvizScheduler *self)
{
  g_autoptr(GString) status = g_string_new (NULL);
  g_autofree char *sched = NULL;
  ShmvizModel *model = self->session ? shmviz_session_get_model (self->session) : NULL;
  int highlight = -1;
  guint highlight_role = 0;
  GString *at[2][MAX_LINES] = { { NULL } };

  gtk_widget_set_sensitive (GTK_WIDGET (self->undo_button),
                            self->active && !self->busy && self->schedule->len > 0);
  gtk_widget_set_sensitive (self->save_lesson_button,
                            self->active && !self->busy && self->schedule->len > 0);
  gtk_widget_set_visible (self->replay_lesson_button, _shmviz_scheduler_lesson_fits (self));
  gtk_widget_set_sensitive (self->replay_lesson_button, !self->busy);

  if (self->active)
    {
      g_string_append (status, self->busy ? _("Running the step…") : _("Pick the next process: click its card, or press"));
      if (!self->busy)
        for (guint p = 0; p < MIN (self->n_procs, 9u); p++)
          {
            g_autofree char *who = _shmviz_scheduler_proc_label (self, p);
            g_string_append_printf (status, "%s %u = %s", p == 0 ? "" : ",", p + 1, who);
          }
      g_string_append_c (status, '\n');
    }
  else
    g_string_append (status, _("Turn this on, then pick which process runs its next step: click its card or press 1–9."));

  for (guint p = 0; model != NULL && p < self->n_procs; p++)
    {
      ShmvizProcView pv;
      guint role = p < self->n_producers ? 0 : 1;
      int line;

      if (!shmviz_model_get_proc (model, p, &pv))
        continue;
      line = _shmviz_scheduler_line_of (self, p, &pv);
      if (line >= 0)
        {
          g_autofree char *who = _shmviz_scheduler_proc_label (self, p);

          if (at[role][line] == NULL)
            at[role][line] = g_string_new (NULL);
          g_string_append_printf (at[role][line], "%s%s", at[role][line]->len ? " " : "", who);
          if (self->session && shmviz_schedule_proc_blocked (self->session, p))
            g_string_append (at[role][line], "⏸");
        }
      if (p == self->last_proc)
        {
          highlight = line;
          highlight_role = role;
        }
      if (self->active)
        {
          g_autofree char *locks = _shmviz_scheduler_describe_locks (self, p, &pv);
          g_string_append_printf (status, "%s%s", p == 0 ? "" : " · ", locks);
        }
    }
  gtk_label_set_text (self->status_label, status->str);

  for (guint role = 0; role < 2; role++)
    for (guint i = 0; i < self->n_lines[role]; i++)
      {
        gboolean current = (int) i == highlight && role == highlight_role;

        gtk_label_set_text (self->line_procs[role][i], at[role][i] ? at[role][i]->str : "");
        if (at[role][i])
          g_string_free (at[role][i], TRUE);
        if (current)
          gtk_widget_add_css_class (self->line_rows[role][i], "current-line");
        else
          gtk_widget_remove_css_class (self->line_rows[role][i], "current-line");
      }

  gtk_widget_set_visible (GTK_WIDGET (self->atomic_label),
                          gtk_check_button_get_active (self->atomic_check) && self->active);
  gtk_label_set_text (self->atomic_label,
                      self->last_proc == G_MAXUINT ? _shmviz_scheduler_atomic_parts (self, 0, -1)
                                                   : _shmviz_scheduler_atomic_parts (self, highlight_role, highlight));

  sched = shmviz_schedule_to_string ((const guint *) (void *) self->schedule->data, self->schedule->len,
                                     self->n_producers);
  if (self->schedule->len > 0)
    {
      g_autofree char *text = g_strdup_printf (_("Schedule: %s"), sched);
      gtk_label_set_text (self->schedule_label, text);
    }
  else
    gtk_label_set_text (self->schedule_label, "");

  gtk_widget_set_visible (GTK_WIDGET (self->quiz_label), self->quiz_asked > 0);
  if (self->quiz_asked > 0)
    {
      g_autofree char *text = g_strdup_printf (ngettext ("Quiz: %u of %u answer right",
                                                         "Quiz: %u of %u answers right",
                                                         self->quiz_asked),
                                               self->quiz_right, self->quiz_asked);
      gtk_label_set_text (self->quiz_label, text);
    }
}
