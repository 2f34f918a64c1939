/* shmviz-window-frames.c — the frame tick that feeds the views
 *
 * Once per frame one snapshot of the model, the same pointer handed to
 * every view; new anomalies go to the race log, the announcer and the
 * deadlock banner.  A run with no news drops to a slow poll, so a paused
 * run costs no CPU.  Frame sync under X11 is here too: it decides how
 * long each frame waits.  Apart because it runs on every frame, for a
 * live run and a replay alike.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include "shmviz-window-internal.h"

#ifdef GDK_WINDOWING_X11
#include <gdk/x11/gdkx.h>
#endif

/* Frames without news before a paused or stopped run stops ticking. */
#define IDLE_FRAMES         30
#define IDLE_POLL_MS        200

void
_shmviz_window_idle_poll_stop (ShmvizWindow *self)
{
  g_clear_handle_id (&self->idle_poll_id, g_source_remove);
}

static gboolean tick_cb (GtkWidget     *widget,
                         GdkFrameClock *clock,
                         gpointer       user_data);

void
_shmviz_window_ensure_ticking (ShmvizWindow *self)
{
  _shmviz_window_idle_poll_stop (self);
  self->idle_frames = 0;

  if (self->tick_id == 0 && self->model != NULL && !self->closing)
    self->tick_id = gtk_widget_add_tick_callback (GTK_WIDGET (self), tick_cb, NULL, NULL);
}

void
_shmviz_window_pull_anomalies (ShmvizWindow *self)
{
  guint total;

  if (self->model == NULL)
    return;

  g_array_set_size (self->anomaly_buf, 0);
  total = shmviz_model_get_anomalies (self->model, self->anomaly_index, self->anomaly_buf);
  self->anomaly_index = MAX (self->anomaly_index, total);

  if (self->anomaly_buf->len == 0)
    return;

  for (guint i = self->anomaly_buf->len; i > 0; i--)
    {
      const ShmvizAnomaly *a = &g_array_index (self->anomaly_buf, ShmvizAnomaly, i - 1);

      if (a->kind == SHMVIZ_ANOMALY_DEADLOCK)
        {
          self->last_deadlock = *a;
          self->have_deadlock = TRUE;
          /* Replays and late signals alike: the stream is the truth. */
          _shmviz_window_show_deadlock_banner (self);
          break;
        }
    }

  shmviz_race_log_append (self->race_log,
                          (const ShmvizAnomaly *)(gpointer)self->anomaly_buf->data,
                          self->anomaly_buf->len,
                          self->scenario.n_producers,
                          self->snap.start_ns);
  /* Races and deadlocks, told to screen readers too (rate-limited). */
  shmviz_announcer_add_anomalies (self->announcer,
                                  (const ShmvizAnomaly *)(gpointer)self->anomaly_buf->data,
                                  self->anomaly_buf->len, self->scenario.n_producers);

  /* Tell about races hidden behind the timeline tab. */
  if (g_strcmp0 (adw_view_stack_get_visible_child_name (self->view_stack), "race-log") != 0)
    adw_view_stack_page_set_needs_attention (self->race_log_page, TRUE);
}

/* Takes this frame's snapshot; FALSE when nothing changed since the last. */
gboolean
_shmviz_window_refresh (ShmvizWindow *self)
{
  if (self->model == NULL)
    return FALSE;

  shmviz_model_snapshot (self->model, &self->snap);
  if (self->snap.generation == self->last_generation)
    return FALSE;

  self->last_generation = self->snap.generation;

  shmviz_buffer_view_set_snapshot (self->buffer_view, &self->snap);
  shmviz_process_view_set_snapshot (self->process_view, &self->snap);
  shmviz_timeline_view_set_snapshot (self->timeline_view, &self->snap);
  shmviz_totals_bar_set_totals (self->totals_bar, &self->snap.totals);

  /* A replay moved back: the race log starts over up to here. */
  if (self->snap.n_anomalies < self->anomaly_index)
    {
      shmviz_race_log_clear (self->race_log);
      self->anomaly_index = 0;
    }
  if (self->snap.n_anomalies > self->anomaly_index)
    _shmviz_window_pull_anomalies (self);

  return TRUE;
}

static gboolean
can_idle (ShmvizWindow *self)
{
  return !_shmviz_window_session_running (self) || self->snap.paused;
}

static gboolean
idle_poll_cb (gpointer user_data)
{
  ShmvizWindow *self = user_data;

  if (_shmviz_window_refresh (self) || !can_idle (self))
    {
      self->idle_poll_id = 0;
      _shmviz_window_ensure_ticking (self);
      return G_SOURCE_REMOVE;
    }

  return G_SOURCE_CONTINUE;
}

static gboolean
tick_cb (GtkWidget     *widget,
         GdkFrameClock *clock,
         gpointer       user_data)
{
  ShmvizWindow *self = SHMVIZ_WINDOW (widget);

  if (self->model == NULL || self->closing)
    {
      self->tick_id = 0;
      return G_SOURCE_REMOVE;
    }

  if (_shmviz_window_refresh (self))
    {
      self->idle_frames = 0;
      return G_SOURCE_CONTINUE;
    }

  /* A paused run must cost no CPU: drop to a slow poll that notices the
   * next change (a step, a late event) and brings the frame clock back. */
  if (++self->idle_frames >= IDLE_FRAMES && can_idle (self))
    {
      self->tick_id = 0;
      if (self->idle_poll_id == 0)
        self->idle_poll_id = g_timeout_add (IDLE_POLL_MS, idle_poll_cb, self);
      return G_SOURCE_REMOVE;
    }

  return G_SOURCE_CONTINUE;
}

/* Without a window manager that reports drawn frames (Xvfb, a kiosk
 * session) GDK asks the X server at every frame whether one has come
 * since: round trips that keep each frame waiting until the server is done
 * with the previous frame's image, dropping frames on a loaded machine.
 * Frame sync means nothing without such a manager, so it stays off until
 * one says it supports it. */
void
_shmviz_window_update_frame_sync (ShmvizWindow *self)
{
#ifdef GDK_WINDOWING_X11
  GdkSurface *surface = gtk_native_get_surface (GTK_NATIVE (self));
  GdkDisplay *display = gtk_widget_get_display (GTK_WIDGET (self));

  if (surface == NULL || !GDK_IS_X11_SURFACE (surface))
    return;
  gdk_x11_surface_set_frame_sync_enabled (surface,
                                          gdk_x11_screen_supports_net_wm_hint (gdk_x11_display_get_screen (display),
                                                                               "_NET_WM_FRAME_DRAWN"));
#endif
}
