/* test-settings.c — what the user sets is there at the next start
 *
 * Settings go through the keyfile GSettings backend into a scratch
 * XDG_CONFIG_HOME, so they really reach a file.  The first test changes
 * zoom, scenario, palette, theme and window size through the UI (actions,
 * the scenario panel's spin button, the preferences window), then quits
 * with app.quit.  The relaunch is a fresh process (a GTest subprocess) with
 * a new GApplication on the same file: it must open on what was left.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <glib/gstdio.h>

#include <adwaita.h>

#include "shmviz-application.h"
#include "shmviz-buffer-view.h"
#include "shmviz-preferences.h"
#include "shmviz-process-view.h"
#include "shmviz-scenario-panel.h"
#include "shmviz-window.h"
#include "ui-test.h"

/* Fast enough that the run never matters, slow enough to be cheap. */
#define TEST_SPEED 20000u

static gboolean destroyed;

static gboolean
spin_until_flag (gboolean *flag,
                 guint     timeout_ms)
{
  gint64 end = g_get_monotonic_time () + (gint64)timeout_ms * 1000;

  while (!*flag)
    {
      if (g_get_monotonic_time () > end)
        return FALSE;
      if (!g_main_context_iteration (NULL, FALSE))
        g_usleep (1000);
    }

  return TRUE;
}

static ShmvizApplication *
new_app (void)
{
  g_autoptr(GError) error = NULL;
  ShmvizApplication *app = shmviz_application_new ();

  /* Tests run beside each other and beside a real shmviz. */
  g_application_set_flags (G_APPLICATION (app), G_APPLICATION_NON_UNIQUE);
  if (!g_application_register (G_APPLICATION (app), NULL, &error))
    g_error ("could not register the application: %s", error->message);

  return app;
}

static void
window_destroyed (GtkWidget *widget,
                  gpointer   user_data)
{
  destroyed = TRUE;
}

static ShmvizWindow *
open_window (ShmvizApplication *app)
{
  ShmvizWindow *window = shmviz_window_new (GTK_APPLICATION (app));

  destroyed = FALSE;
  g_signal_connect (window, "destroy", G_CALLBACK (window_destroyed), NULL);
  gtk_window_present (GTK_WINDOW (window));
  ui_test_spin_for (500);
  g_assert_true (gtk_widget_get_mapped (GTK_WIDGET (window)));

  return window;
}

static void
quit_app (ShmvizApplication *app)
{
  /* As Ctrl+Q: every window closes, stops its workers and goes. */
  g_action_group_activate_action (G_ACTION_GROUP (app), "quit", NULL);
  g_assert_true (spin_until_flag (&destroyed, 15000));
  g_assert_null (gtk_application_get_windows (GTK_APPLICATION (app)));
}

static char *
keyfile_path (void)
{
  return g_build_filename (g_get_user_config_dir (), "glib-2.0", "settings", "keyfile", NULL);
}

static void
test_change_and_quit (void)
{
  g_autoptr(ShmvizApplication) app = new_app ();
  g_autoptr(GSettings) settings = g_settings_new (APP_ID);
  g_autofree char *path = NULL;
  g_autofree char *contents = NULL;
  ShmvizWindow *window;
  GtkWidget *panel, *prefs;
  ShmvizBufferView *buffer_view;
  GtkSpinButton *producers;
  AdwComboRow *row;

  g_settings_set_uint (settings, "speed", TEST_SPEED);

  window = open_window (app);
  gtk_window_set_default_size (GTK_WINDOW (window), 1100, 720);
  buffer_view = SHMVIZ_BUFFER_VIEW (ui_test_find_widget (GTK_WIDGET (window), SHMVIZ_TYPE_BUFFER_VIEW));
  g_assert_nonnull (buffer_view);
  g_assert_cmpfloat (shmviz_buffer_view_get_zoom (buffer_view), ==, 1.0);

  /* Zoom with the window's action, twice: 150 %. */
  gtk_widget_activate_action (GTK_WIDGET (window), "win.zoom-in", NULL);
  gtk_widget_activate_action (GTK_WIDGET (window), "win.zoom-in", NULL);
  g_assert_cmpfloat_with_epsilon (shmviz_buffer_view_get_zoom (buffer_view), 1.5, 1e-9);

  /* The scenario, as the user types it into the sidebar. */
  panel = shmviz_window_get_scenario_panel (window);
  producers = shmviz_scenario_panel_get_spin (SHMVIZ_SCENARIO_PANEL (panel), "producers");
  g_assert_nonnull (producers);
  gtk_spin_button_set_value (producers, 3);
  g_assert_cmpuint (g_settings_get_uint (settings, "producers"), ==, 3);
  g_settings_set_string (settings, "sync-mode", "mutex-only");

  /* Palette and theme through the preferences window's rows. */
  g_action_group_activate_action (G_ACTION_GROUP (app), "preferences", NULL);
  ui_test_spin_for (300);
  prefs = NULL;
  for (GList *l = gtk_window_list_toplevels (); l != NULL; l = g_list_delete_link (l, l))
    if (SHMVIZ_IS_PREFERENCES (l->data))
      prefs = l->data;
  g_assert_nonnull (prefs);
  row = ADW_COMBO_ROW (ui_test_find_widget (prefs, ADW_TYPE_COMBO_ROW));
  g_assert_nonnull (row);
  /* The first combo row is the style: Dark. */
  adw_combo_row_set_selected (row, 2);
  g_assert_cmpstr (g_settings_get_string (settings, "theme"), ==, "dark");
  ui_test_spin_for (100);
  g_assert_cmpint (adw_style_manager_get_color_scheme (adw_style_manager_get_default ()), ==,
                   ADW_COLOR_SCHEME_FORCE_DARK);
  g_settings_set_string (settings, "palette", "colorblind");
  ui_test_spin_for (100);
  g_assert_cmpstr (shmviz_buffer_view_get_palette (buffer_view), ==, "colorblind");
  gtk_window_destroy (GTK_WINDOW (prefs));

  quit_app (app);
  g_settings_sync ();

  /* On disk, not only in this process's memory. */
  path = keyfile_path ();
  g_assert_true (g_file_get_contents (path, &contents, NULL, NULL));
  g_test_message ("%s:\n%s", path, contents);
  g_assert_nonnull (strstr (contents, "zoom=1.5"));
  g_assert_nonnull (strstr (contents, "producers=3"));
  g_assert_nonnull (strstr (contents, "window-width=1100"));

  /* The relaunch: a new process, a new application, the same file. */
  g_test_trap_subprocess ("/ui/settings/relaunch", 60 * G_USEC_PER_SEC, G_TEST_SUBPROCESS_DEFAULT);
  g_test_trap_assert_passed ();
}

static void
test_relaunch (void)
{
  g_autoptr(ShmvizApplication) app = NULL;
  g_autoptr(GSettings) settings = NULL;
  ShmvizWindow *window;
  ShmvizBufferView *buffer_view;
  ShmvizProcessView *process_view;
  ShmvizSession *session;
  int width, height;

  if (!g_test_subprocess ())
    {
      g_test_skip ("only run as the relaunch of /ui/settings/change-and-quit");
      return;
    }

  settings = g_settings_new (APP_ID);
  app = new_app ();
  window = open_window (app);

  /* The width as set; the height as the window really was, since the
   * window's minimum height may exceed 720. */
  gtk_window_get_default_size (GTK_WINDOW (window), &width, &height);
  g_assert_cmpint (width, ==, 1100);
  g_assert_cmpint (height, ==, g_settings_get_int (settings, "window-height"));
  g_assert_cmpint (height, >=, 720);

  buffer_view = SHMVIZ_BUFFER_VIEW (ui_test_find_widget (GTK_WIDGET (window), SHMVIZ_TYPE_BUFFER_VIEW));
  process_view = SHMVIZ_PROCESS_VIEW (ui_test_find_widget (GTK_WIDGET (window), SHMVIZ_TYPE_PROCESS_VIEW));
  g_assert_cmpfloat_with_epsilon (shmviz_buffer_view_get_zoom (buffer_view), 1.5, 1e-9);
  g_assert_cmpfloat_with_epsilon (shmviz_process_view_get_zoom (process_view), 1.5, 1e-9);
  g_assert_cmpstr (shmviz_buffer_view_get_palette (buffer_view), ==, "colorblind");
  g_assert_cmpint (adw_style_manager_get_color_scheme (adw_style_manager_get_default ()), ==,
                   ADW_COLOR_SCHEME_FORCE_DARK);

  /* The run the window started is the scenario that was left. */
  session = shmviz_window_get_session (window);
  g_assert_nonnull (session);
  g_assert_cmpuint (shmviz_session_get_scenario (session)->n_producers, ==, 3);
  g_assert_cmpint (shmviz_session_get_scenario (session)->sync, ==, SHMVIZ_SYNC_MUTEX_ONLY);
  g_assert_cmpuint (shmviz_session_get_scenario (session)->speed_permille, ==, TEST_SPEED);

  quit_app (app);
}

int
main (int   argc,
      char *argv[])
{
  g_autofree char *config = NULL;
  int ret;

  /* Before anything reads the environment: the keyfile backend in a
   * scratch config folder, shared by the relaunched subprocess. */
  if (g_getenv ("SHMVIZ_TEST_CONFIG") == NULL)
    {
      g_autoptr(GError) error = NULL;

      config = g_dir_make_tmp ("shmviz-settings-XXXXXX", &error);
      g_assert_no_error (error);
      g_setenv ("SHMVIZ_TEST_CONFIG", config, TRUE);
    }
  g_setenv ("XDG_CONFIG_HOME", g_getenv ("SHMVIZ_TEST_CONFIG"), TRUE);
  g_setenv ("GSETTINGS_BACKEND", "keyfile", TRUE);

  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/ui/settings/change-and-quit", test_change_and_quit);
  g_test_add_func ("/ui/settings/relaunch", test_relaunch);

  ret = g_test_run ();

  /* Only the process that made the folder removes it. */
  if (config != NULL)
    {
      g_autofree char *path = keyfile_path ();
      g_autofree char *dir = g_path_get_dirname (path);
      g_autofree char *parent = g_path_get_dirname (dir);

      g_remove (path);
      g_rmdir (dir);
      g_rmdir (parent);
      g_rmdir (config);
    }

  return ret;
}
