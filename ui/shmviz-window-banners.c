/* shmviz-window-banners.c — toasts and the banner
 *
 * A toast for news that passes; the banner for what needs a decision:
 * an error with its hint, a deadlock and the way out of it, a fault
 * with two ways out.  Apart because the session, the frame tick and the
 * actions all report through these, and the banner's flags say which
 * kind it shows so that each dismisses only its own.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <glib/gi18n.h>

#include "shmviz-window-internal.h"

void
_shmviz_window_toast (ShmvizWindow *self,
                      const char   *text)
{
  AdwToast *t = adw_toast_new (text);

  adw_toast_set_timeout (t, 4);
  adw_toast_overlay_add_toast (self->toast_overlay, t);
}

static void
show_banner (ShmvizWindow *self,
             const char   *icon_name,
             const char   *text,
             const char   *button_label,
             const char   *action_name,
             GVariant     *target)
{
  gtk_image_set_from_icon_name (self->banner_icon, icon_name);
  gtk_label_set_label (self->banner_label, text);
  gtk_widget_set_visible (GTK_WIDGET (self->banner_alt_button), FALSE);
  self->banner_is_fault = FALSE;

  if (button_label != NULL)
    {
      gtk_button_set_label (self->banner_button, button_label);
      gtk_actionable_set_action_target_value (GTK_ACTIONABLE (self->banner_button), target);
      gtk_actionable_set_action_name (GTK_ACTIONABLE (self->banner_button), action_name);
      gtk_widget_set_visible (GTK_WIDGET (self->banner_button), TRUE);
    }
  else
    {
      gtk_widget_set_visible (GTK_WIDGET (self->banner_button), FALSE);
    }

  gtk_revealer_set_reveal_child (self->banner_revealer, TRUE);
}

void
_shmviz_window_hide_banner (ShmvizWindow *self)
{
  gtk_revealer_set_reveal_child (self->banner_revealer, FALSE);
  self->banner_is_deadlock = FALSE;
  self->banner_is_fault = FALSE;
}

/* A banner about a fault (a death, a stall) with a second way out beside
 * the first, e.g. "Recover" and "Start Again". */
void
_shmviz_window_show_fault_banner (ShmvizWindow *self,
                                  const char   *text,
                                  const char   *button_label,
                                  const char   *action_name,
                                  GVariant     *target,
                                  const char   *alt_label,
                                  const char   *alt_action_name,
                                  GVariant     *alt_target)
{
  show_banner (self, "dialog-warning-symbolic", text, button_label, action_name, target);
  self->banner_is_deadlock = FALSE;
  self->banner_is_fault = TRUE;
  if (alt_label != NULL)
    {
      gtk_button_set_label (self->banner_alt_button, alt_label);
      gtk_actionable_set_action_target_value (GTK_ACTIONABLE (self->banner_alt_button), alt_target);
      gtk_actionable_set_action_name (GTK_ACTIONABLE (self->banner_alt_button), alt_action_name);
      gtk_widget_set_visible (GTK_WIDGET (self->banner_alt_button), TRUE);
    }
}

void
_shmviz_window_show_error (ShmvizWindow *self,
                           const char   *what,
                           const GError *error)
{
  const char *hint;
  g_autofree char *text = NULL;

  if (g_error_matches (error, SHMVIZ_SESSION_ERROR, SHMVIZ_SESSION_ERROR_NO_WORKER))
    hint = _("shmviz-worker was not found: reinstall shmviz, or point SHMVIZ_WORKER at it.");
  else if (g_error_matches (error, SHMVIZ_SESSION_ERROR, SHMVIZ_SESSION_ERROR_BUSY))
    hint = _("The processes did not reach a safe point in time. Try again, or restart the run.");
  else if (error->domain == SHMVIZ_SCENARIO_ERROR)
    hint = _("Change the scenario in the sidebar, then restart.");
  else if (g_error_matches (error, SHMVIZ_SESSION_ERROR, SHMVIZ_SESSION_ERROR_SPAWN))
    hint = _("The system refused to start more processes. Use fewer producers or consumers, then restart.");
  else
    hint = _("If /dev/shm is full, free some space there (see “df -h /dev/shm”) or use fewer slots or smaller items, then restart.");

  /* GError messages often end without a full stop; the hint follows. */
  if (g_str_has_suffix (error->message, ".") || g_str_has_suffix (error->message, "!") ||
      g_str_has_suffix (error->message, "?"))
    text = g_strdup_printf ("%s: %s %s", what, error->message, hint);
  else
    text = g_strdup_printf ("%s: %s. %s", what, error->message, hint);
  self->banner_is_deadlock = FALSE;
  show_banner (self, "dialog-error-symbolic", text, _("_Restart"), "win.restart", NULL);
}

void
_shmviz_window_show_deadlock_banner (ShmvizWindow *self)
{
  g_autofree char *what = NULL;
  g_autofree char *text = NULL;

  if (self->have_deadlock)
    what = shmviz_anomaly_describe (&self->last_deadlock, self->scenario.n_producers);
  else
    what = g_strdup (_("Deadlock: every process waits for another."));

  if (self->snap.mutex_owner < self->snap.n_procs && self->snap.procs != NULL &&
      self->snap.procs[self->snap.mutex_owner].state == SHMVIZ_VIEW_DEAD)
    {
      /* Switching modes cannot help: the holder will never post. */
      text = g_strdup_printf ("%s %s", what, _("Its mutex holder is dead: recover to rebuild the semaphores from the buffer."));
      show_banner (self, "dialog-warning-symbolic", text, _("_Recover"), "win.recover", NULL);
    }
  else
    {
      text = g_strdup_printf ("%s %s", what, _("Switch to semaphores to recover."));
      show_banner (self, "dialog-warning-symbolic", text, _("Use _Semaphores"),
                   "win.sync-mode", g_variant_new_string ("semaphores"));
    }
  self->banner_is_deadlock = TRUE;
}
