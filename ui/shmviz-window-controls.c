/* shmviz-window-controls.c — the header's controls and subtitle
 *
 * What the header bar shows: the scenario's shape and state in the
 * subtitle, pause and speed, the sync switch and its mode button, and
 * which actions a replay disables.  Apart because everything that changes
 * the run ends by calling in here, and none of it changes the run.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <glib/gi18n.h>

#include "shmviz-window-internal.h"

static const char *
mode_title (ShmvizSyncMode mode)
{
  switch (mode)
    {
    case SHMVIZ_SYNC_OFF:         return _("Off");
    case SHMVIZ_SYNC_SEMAPHORES:  return _("Semaphores");
    case SHMVIZ_SYNC_MUTEX_ONLY:  return _("Mutex Only");
    case SHMVIZ_SYNC_WRONG_ORDER: return _("Wrong Order");
    case SHMVIZ_N_SYNC_MODES:
    default:                      return "?";
    }
}

static char *
speed_text (guint speed)
{
  if (speed == 0)
    /* TRANSLATORS: speed with every delay removed */
    return g_strdup (_("Full"));

  /* TRANSLATORS: a speed factor such as "0.25×" or "10×" */
  return g_strdup_printf (_("%g×"), speed / 1000.0);
}

/* Actions that steer a live run and mean nothing in a replay. */
static const char * const live_only_actions[] = { "speed-up", "speed-down", "toggle-sync" };

/* Header, subtitle and controls, from what the session says now. */
void
_shmviz_window_update_controls (ShmvizWindow *self)
{
  gboolean running = _shmviz_window_session_running (self);
  gboolean paused = running && shmviz_session_get_paused (self->session);
  g_autofree char *producers = NULL;
  g_autofree char *consumers = NULL;
  g_autofree char *slots = NULL;
  g_autofree char *shape = NULL;
  g_autofree char *subtitle = NULL;
  g_autofree char *speed = NULL;
  const char *state;
  GAction *action;

  producers = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "%u producer", "%u producers",
                                            self->scenario.n_producers),
                               self->scenario.n_producers);
  consumers = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "%u consumer", "%u consumers",
                                            self->scenario.n_consumers),
                               self->scenario.n_consumers);
  slots = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "%u slot", "%u slots",
                                        self->scenario.n_slots),
                           self->scenario.n_slots);
  shape = g_strdup_printf ("%s · %s · %s", producers, consumers, slots);
  if (self->replay != NULL)
    state = _("Replay");
  else if (!running)
    state = _("Stopped");
  else if (paused)
    state = _("Paused");
  else
    state = NULL;

  subtitle = state ? g_strdup_printf ("%s — %s", shape, state) : g_strdup (shape);
  adw_window_title_set_subtitle (self->window_title, subtitle);

  gtk_button_set_icon_name (self->pause_button,
                            paused ? "media-playback-start-symbolic" : "media-playback-pause-symbolic");
  gtk_widget_set_tooltip_text (GTK_WIDGET (self->pause_button),
                               paused ? _("Resume (Space)") : _("Pause (Space)"));
  gtk_accessible_update_property (GTK_ACCESSIBLE (self->pause_button),
                                  GTK_ACCESSIBLE_PROPERTY_LABEL, paused ? _("Resume") : _("Pause"),
                                  -1);

  speed = speed_text (g_settings_get_uint (self->settings, "speed"));
  gtk_label_set_label (self->speed_label, speed);

  action = g_action_map_lookup_action (G_ACTION_MAP (self), "pause");
  g_simple_action_set_enabled (G_SIMPLE_ACTION (action), running);
  action = g_action_map_lookup_action (G_ACTION_MAP (self), "step");
  g_simple_action_set_enabled (G_SIMPLE_ACTION (action), running);
  action = g_action_map_lookup_action (G_ACTION_MAP (self), "stop");
  g_simple_action_set_enabled (G_SIMPLE_ACTION (action), running);

  /* A recording shows what happened: the live run's speed and mode do
   * not apply to it, and the replay bar has a speed of its own. */
  for (guint i = 0; i < G_N_ELEMENTS (live_only_actions); i++)
    {
      action = g_action_map_lookup_action (G_ACTION_MAP (self), live_only_actions[i]);
      g_simple_action_set_enabled (G_SIMPLE_ACTION (action), self->replay == NULL);
    }
  gtk_widget_set_sensitive (GTK_WIDGET (self->sync_box), self->replay == NULL);
}

/* The switch and the mode button show the mode asked for; the barrier
 * that applies it follows within a step. */
void
_shmviz_window_update_mode_controls (ShmvizWindow *self)
{
  ShmvizSyncMode mode = _shmviz_window_settings_mode (self);

  if (gtk_switch_get_active (self->sync_switch) != (mode != SHMVIZ_SYNC_OFF))
    gtk_switch_set_active (self->sync_switch, mode != SHMVIZ_SYNC_OFF);
  gtk_menu_button_set_label (self->mode_button, mode_title (mode));

  /* The whole control turns red while races are allowed, amber for the
   * modes that are wrong on purpose. */
  if (mode == SHMVIZ_SYNC_OFF)
    gtk_widget_add_css_class (GTK_WIDGET (self->sync_box), "sync-off");
  else
    gtk_widget_remove_css_class (GTK_WIDGET (self->sync_box), "sync-off");
  if (mode == SHMVIZ_SYNC_MUTEX_ONLY || mode == SHMVIZ_SYNC_WRONG_ORDER)
    gtk_widget_add_css_class (GTK_WIDGET (self->sync_box), "sync-flawed");
  else
    gtk_widget_remove_css_class (GTK_WIDGET (self->sync_box), "sync-flawed");
}
