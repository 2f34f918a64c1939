/* shmviz-window-actions.c — the win.* actions
 *
 * Pause, step (the chosen process or the next in turn), stop, restart,
 * speed and sync toggling, zoom, dismissing banners and the Speed lab.
 * The table that installs them stays in shmviz-window.c; the keys that
 * trigger them are in shmviz-window-keys.c.  Apart because each is what
 * a user asks for by name, and they are found here by that name.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include "shmviz-speed-lab.h"
#include "shmviz-window-internal.h"

/* Speeds the +/- keys step through, in permille; 0 is "full speed". */
static const guint speed_steps[] = {
  50, 100, 250, 500, 1000, 2000, 5000, 10000, 25000, 100000, 0,
};

void
_shmviz_window_pause_activated (GSimpleAction *action,
                                GVariant      *param,
                                gpointer       user_data)
{
  ShmvizWindow *self = user_data;

  if (!_shmviz_window_session_running (self))
    return;

  shmviz_session_set_paused (self->session, !shmviz_session_get_paused (self->session));
  _shmviz_window_update_controls (self);
  _shmviz_window_ensure_ticking (self);
}

static gboolean
proc_can_step (ShmvizWindow *self,
               guint         proc,
               gboolean      allow_waiting)
{
  guint8 state;

  if (self->snap.procs == NULL || proc >= self->snap.n_procs)
    return TRUE;

  state = self->snap.procs[proc].state;
  if (state == SHMVIZ_VIEW_DONE || state == SHMVIZ_VIEW_DEAD)
    return FALSE;

  return allow_waiting || state != SHMVIZ_VIEW_WAITING;
}

static guint
next_round_robin (ShmvizWindow *self)
{
  guint n = self->scenario.n_producers + self->scenario.n_consumers;

  /* Prefer one that can make progress; a blocked one would only stay so. */
  for (int pass = 0; pass < 2; pass++)
    for (guint i = 0; i < n; i++)
      {
        guint proc = (self->next_step_proc + i) % n;

        if (proc_can_step (self, proc, pass == 1))
          {
            self->next_step_proc = (proc + 1) % n;
            return proc;
          }
      }

  return G_MAXUINT;
}

void
_shmviz_window_step_activated (GSimpleAction *action,
                               GVariant      *param,
                               gpointer       user_data)
{
  ShmvizWindow *self = user_data;
  guint proc;

  if (!_shmviz_window_session_running (self))
    return;

  if (!shmviz_session_get_paused (self->session))
    shmviz_session_set_paused (self->session, TRUE);

  proc = self->selected_proc != G_MAXUINT ? self->selected_proc : next_round_robin (self);
  if (proc != G_MAXUINT)
    shmviz_session_step (self->session, proc);

  _shmviz_window_update_controls (self);
  _shmviz_window_ensure_ticking (self);
}

void
_shmviz_window_stop_activated (GSimpleAction *action,
                               GVariant      *param,
                               gpointer       user_data)
{
  ShmvizWindow *self = user_data;

  if (!_shmviz_window_session_running (self))
    return;

  self->user_stopped = TRUE;
  shmviz_session_stop (self->session);
  _shmviz_window_update_controls (self);
  _shmviz_window_ensure_ticking (self);
}

void
_shmviz_window_restart_activated (GSimpleAction *action,
                                  GVariant      *param,
                                  gpointer       user_data)
{
  _shmviz_window_start_session (SHMVIZ_WINDOW (user_data), NULL);
}

static void
change_speed (ShmvizWindow *self,
              int           direction)
{
  guint speed = g_settings_get_uint (self->settings, "speed");
  /* Full speed (0) sorts above every factor. */
  guint64 cur = speed == 0 ? G_MAXUINT64 : speed;
  guint next = speed;

  if (direction > 0)
    {
      for (guint i = 0; i < G_N_ELEMENTS (speed_steps); i++)
        {
          guint64 v = speed_steps[i] == 0 ? G_MAXUINT64 : speed_steps[i];

          if (v > cur)
            {
              next = speed_steps[i];
              break;
            }
        }
    }
  else
    {
      for (guint i = G_N_ELEMENTS (speed_steps); i > 0; i--)
        {
          guint64 v = speed_steps[i - 1] == 0 ? G_MAXUINT64 : speed_steps[i - 1];

          if (v < cur)
            {
              next = speed_steps[i - 1];
              break;
            }
        }
    }

  if (next != speed)
    g_settings_set_uint (self->settings, "speed", next);
}

void
_shmviz_window_speed_up_activated (GSimpleAction *action,
                                   GVariant      *param,
                                   gpointer       user_data)
{
  change_speed (SHMVIZ_WINDOW (user_data), +1);
}

void
_shmviz_window_speed_down_activated (GSimpleAction *action,
                                     GVariant      *param,
                                     gpointer       user_data)
{
  change_speed (SHMVIZ_WINDOW (user_data), -1);
}

void
_shmviz_window_toggle_sync_activated (GSimpleAction *action,
                                      GVariant      *param,
                                      gpointer       user_data)
{
  ShmvizWindow *self = user_data;
  ShmvizSyncMode mode = _shmviz_window_settings_mode (self);
  ShmvizSyncMode next;

  if (mode != SHMVIZ_SYNC_OFF)
    {
      self->last_on_mode = mode;
      next = SHMVIZ_SYNC_OFF;
    }
  else
    {
      next = self->last_on_mode != SHMVIZ_SYNC_OFF ? self->last_on_mode : SHMVIZ_SYNC_SEMAPHORES;
    }

  g_settings_set_string (self->settings, "sync-mode", shmviz_sync_mode_to_string (next));
}

static void
zoom_by (ShmvizWindow *self,
         double        delta)
{
  double zoom = g_settings_get_double (self->settings, "zoom");

  zoom = delta == 0 ? 1.0 : CLAMP (zoom + delta, 1.0, 3.0);
  g_settings_set_double (self->settings, "zoom", zoom);
}

void
_shmviz_window_zoom_in_activated (GSimpleAction *action,
                                  GVariant      *param,
                                  gpointer       user_data)
{
  zoom_by (SHMVIZ_WINDOW (user_data), 0.25);
}

void
_shmviz_window_zoom_out_activated (GSimpleAction *action,
                                   GVariant      *param,
                                   gpointer       user_data)
{
  zoom_by (SHMVIZ_WINDOW (user_data), -0.25);
}

void
_shmviz_window_zoom_reset_activated (GSimpleAction *action,
                                     GVariant      *param,
                                     gpointer       user_data)
{
  zoom_by (SHMVIZ_WINDOW (user_data), 0);
}

void
_shmviz_window_dismiss_banner_activated (GSimpleAction *action,
                                         GVariant      *param,
                                         gpointer       user_data)
{
  _shmviz_window_hide_banner (SHMVIZ_WINDOW (user_data));
}

/* The fault actions (ui/shmviz-fault-menu.c) acted on what the banner
 * said; any other banner stays. */
void
_shmviz_window_dismiss_fault_banner_activated (GSimpleAction *action,
                                               GVariant      *param,
                                               gpointer       user_data)
{
  ShmvizWindow *self = SHMVIZ_WINDOW (user_data);

  if (self->banner_is_fault || self->banner_is_deadlock)
    _shmviz_window_hide_banner (self);
}

static void
speed_lab_destroyed (GtkWindow *lab,
                     GObject   *window)
{
  g_object_set_data (window, "shmviz-speed-lab", NULL);
}

/* The Speed lab gets a window of its own: its chart needs the room. */
void
_shmviz_window_speed_lab_activated (GSimpleAction *action,
                                    GVariant      *param,
                                    gpointer       user_data)
{
  GtkWindow *self = GTK_WINDOW (user_data);
  GtkWindow *lab = g_object_get_data (G_OBJECT (self), "shmviz-speed-lab");

  if (lab == NULL)
    {
      lab = GTK_WINDOW (shmviz_speed_lab_new (self));
      g_object_set_data (G_OBJECT (self), "shmviz-speed-lab", lab);
      g_signal_connect_object (lab, "destroy", G_CALLBACK (speed_lab_destroyed), self, 0);
    }
  gtk_window_present (lab);
}
