/* shmviz-window-close.c — closing the window
 *
 * Closing saves the window's size, then waits for every session it
 * stopped to say "finished", holding the application, so that no worker
 * or shared region outlives it.  Apart because the wait spans several
 * callbacks and a timeout that gives up; the close-request handler that
 * starts it stays with the class in shmviz-window.c.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include "shmviz-window-internal.h"

void
_shmviz_window_maybe_finish_close (ShmvizWindow *self)
{
  if (!self->closing || self->dying->len > 0 || self->session != NULL)
    return;

  g_clear_handle_id (&self->close_timeout_id, g_source_remove);

  if (self->holding)
    {
      GApplication *app = G_APPLICATION (gtk_window_get_application (GTK_WINDOW (self)));

      self->holding = FALSE;
      if (app != NULL)
        g_application_release (app);
    }

  gtk_window_destroy (GTK_WINDOW (self));
}

gboolean
_shmviz_window_close_timeout_cb (gpointer user_data)
{
  ShmvizWindow *self = user_data;

  self->close_timeout_id = 0;
  g_warning ("%u session(s) did not finish in time; closing anyway", self->dying->len);

  for (guint i = 0; i < self->dying->len; i++)
    g_signal_handlers_disconnect_by_data (g_ptr_array_index (self->dying, i), self);
  g_ptr_array_set_size (self->dying, 0);
  _shmviz_window_maybe_finish_close (self);

  return G_SOURCE_REMOVE;
}

void
_shmviz_window_save_window_state (ShmvizWindow *self)
{
  int width, height;
  gboolean maximized = gtk_window_is_maximized (GTK_WINDOW (self));

  g_settings_set_boolean (self->settings, "window-maximized", maximized);
  if (maximized)
    return;

  gtk_window_get_default_size (GTK_WINDOW (self), &width, &height);
  if (width > 0 && height > 0)
    {
      g_settings_set_int (self->settings, "window-width", width);
      g_settings_set_int (self->settings, "window-height", height);
    }
}
