/* shmviz-window-settings.c — GSettings, the source of the scenario
 *
 * Reads the scenario out of the keys, and turns a key change into a
 * live session call (timings, speed, mode), a new look for the views
 * (layout, palette, zoom) or a restart once the spin buttons settle
 * (counts and sizes).  Apart because it is the one way the sidebar and
 * the header controls reach the run.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <glib/gi18n.h>

#include "shmviz-window-internal.h"

/* Spin buttons change a key per click: restart once they settle. */
#define RESTART_DELAY_MS    600

static const char * const shape_keys[] = {
  "producers", "consumers", "slots", "item-size",
};

static const struct {
  const char  *key;
  ShmvizTiming timing;
} timing_keys[] = {
  { "produce-ms",     SHMVIZ_TIMING_PRODUCE },
  { "consume-ms",     SHMVIZ_TIMING_CONSUME },
  { "race-window-ms", SHMVIZ_TIMING_RACE_WINDOW },
  { "step-ms",        SHMVIZ_TIMING_STEP },
};

ShmvizSyncMode
_shmviz_window_settings_mode (ShmvizWindow *self)
{
  g_autofree char *str = g_settings_get_string (self->settings, "sync-mode");
  ShmvizSyncMode mode = SHMVIZ_SYNC_SEMAPHORES;

  if (!shmviz_sync_mode_from_string (str, &mode))
    mode = SHMVIZ_SYNC_SEMAPHORES;

  return mode;
}

void
_shmviz_window_scenario_from_settings (ShmvizWindow   *self,
                                       ShmvizScenario *scenario)
{
  shmviz_scenario_init_default (scenario);

  scenario->n_producers = g_settings_get_uint (self->settings, "producers");
  scenario->n_consumers = g_settings_get_uint (self->settings, "consumers");
  scenario->n_slots = g_settings_get_uint (self->settings, "slots");
  scenario->item_size = g_settings_get_uint (self->settings, "item-size");
  scenario->sync = _shmviz_window_settings_mode (self);
  scenario->speed_permille = g_settings_get_uint (self->settings, "speed");
  for (guint i = 0; i < G_N_ELEMENTS (timing_keys); i++)
    scenario->timing_ns[timing_keys[i].timing] =
      (guint64)g_settings_get_uint (self->settings, timing_keys[i].key) * G_GUINT64_CONSTANT (1000000);
}

/* "Restarted with 4 producers, 16 slots" */
static char *
describe_restart (ShmvizWindow *self)
{
  g_autoptr(GPtrArray) parts = g_ptr_array_new_with_free_func (g_free);
  g_autofree char *joined = NULL;
  ShmvizScenario next;

  _shmviz_window_scenario_from_settings (self, &next);

  if (next.n_producers != self->scenario.n_producers)
    g_ptr_array_add (parts, g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "%u producer", "%u producers",
                                                          next.n_producers),
                                             next.n_producers));
  if (next.n_consumers != self->scenario.n_consumers)
    g_ptr_array_add (parts, g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "%u consumer", "%u consumers",
                                                          next.n_consumers),
                                             next.n_consumers));
  if (next.n_slots != self->scenario.n_slots)
    g_ptr_array_add (parts, g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "%u slot", "%u slots",
                                                          next.n_slots),
                                             next.n_slots));
  if (next.item_size != self->scenario.item_size)
    g_ptr_array_add (parts, g_strdup_printf (_("%u-byte items"), next.item_size));

  if (parts->len == 0)
    return g_strdup (_("Restarted"));

  g_ptr_array_add (parts, NULL);
  joined = g_strjoinv (", ", (char **)parts->pdata);

  /* TRANSLATORS: %s is a list such as "4 producers, 16 slots" */
  return g_strdup_printf (_("Restarted with %s"), joined);
}

static gboolean
restart_timeout_cb (gpointer user_data)
{
  ShmvizWindow *self = user_data;
  g_autofree char *text = describe_restart (self);

  self->restart_id = 0;
  _shmviz_window_start_session (self, text);

  return G_SOURCE_REMOVE;
}

void
_shmviz_window_apply_view_settings (ShmvizWindow *self)
{
  g_autofree char *layout = g_settings_get_string (self->settings, "ring-layout");
  g_autofree char *palette = g_settings_get_string (self->settings, "palette");
  double zoom = g_settings_get_double (self->settings, "zoom");

  shmviz_buffer_view_set_layout (self->buffer_view, layout);
  shmviz_buffer_view_set_palette (self->buffer_view, palette);
  shmviz_process_view_set_palette (self->process_view, palette);
  shmviz_timeline_view_set_palette (self->timeline_view, palette);
  shmviz_buffer_view_set_zoom (self->buffer_view, zoom);
  shmviz_process_view_set_zoom (self->process_view, zoom);
  shmviz_timeline_view_set_zoom (self->timeline_view, zoom);
}

void
_shmviz_window_settings_changed (GSettings    *settings,
                                 const char   *key,
                                 ShmvizWindow *self)
{
  if (self->closing)
    return;

  for (guint i = 0; i < G_N_ELEMENTS (shape_keys); i++)
    if (g_str_equal (key, shape_keys[i]))
      {
        g_clear_handle_id (&self->restart_id, g_source_remove);
        self->restart_id = g_timeout_add (RESTART_DELAY_MS, restart_timeout_cb, self);
        return;
      }

  for (guint i = 0; i < G_N_ELEMENTS (timing_keys); i++)
    if (g_str_equal (key, timing_keys[i].key))
      {
        guint64 ns = (guint64)g_settings_get_uint (settings, key) * G_GUINT64_CONSTANT (1000000);

        self->scenario.timing_ns[timing_keys[i].timing] = ns;
        if (_shmviz_window_session_running (self))
          shmviz_session_set_timing (self->session, timing_keys[i].timing, ns);
        return;
      }

  if (g_str_equal (key, "speed"))
    {
      guint speed = g_settings_get_uint (settings, key);

      self->scenario.speed_permille = speed;
      if (_shmviz_window_session_running (self))
        shmviz_session_set_speed (self->session, speed);
      _shmviz_window_update_controls (self);
    }
  else if (g_str_equal (key, "sync-mode"))
    {
      ShmvizSyncMode mode = _shmviz_window_settings_mode (self);

      if (mode != SHMVIZ_SYNC_OFF)
        self->last_on_mode = mode;
      self->scenario.sync = mode;
      if (_shmviz_window_session_running (self) && shmviz_session_get_mode (self->session) != mode)
        shmviz_session_set_mode (self->session, mode);
      _shmviz_window_update_mode_controls (self);
      _shmviz_window_ensure_ticking (self);
    }
  else if (g_str_equal (key, "ring-layout") || g_str_equal (key, "palette") || g_str_equal (key, "zoom"))
    {
      _shmviz_window_apply_view_settings (self);
    }
}

void
_shmviz_window_sync_switch_notify_active (GtkSwitch    *sw,
                                          GParamSpec   *pspec,
                                          ShmvizWindow *self)
{
  gboolean want_on = gtk_switch_get_active (sw);

  if (want_on != (_shmviz_window_settings_mode (self) != SHMVIZ_SYNC_OFF))
    gtk_widget_activate_action (GTK_WIDGET (self), "win.toggle-sync", NULL);
}
