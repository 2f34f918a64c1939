/* shmviz-application.c — the GNOME application: actions, style, windows
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <signal.h>

#include <glib/gi18n.h>
#include <glib-unix.h>

#include "shmviz-application.h"
#include "shmviz-window.h"

struct _ShmvizApplication
{
  AdwApplication  parent_instance;

  GSettings      *settings;
  guint           sigint_id;
  guint           sigterm_id;
};

G_DEFINE_FINAL_TYPE (ShmvizApplication, shmviz_application, ADW_TYPE_APPLICATION)

static void
apply_theme (ShmvizApplication *self)
{
  g_autofree char *theme = g_settings_get_string (self->settings, "theme");
  AdwColorScheme scheme = ADW_COLOR_SCHEME_DEFAULT;

  if (g_strcmp0 (theme, "light") == 0)
    scheme = ADW_COLOR_SCHEME_FORCE_LIGHT;
  else if (g_strcmp0 (theme, "dark") == 0)
    scheme = ADW_COLOR_SCHEME_FORCE_DARK;

  adw_style_manager_set_color_scheme (adw_style_manager_get_default (), scheme);
}

static void
quit_activated (GSimpleAction *action,
                GVariant      *param,
                gpointer       user_data)
{
  GtkApplication *app = user_data;
  g_autoptr(GList) windows = g_list_copy (gtk_application_get_windows (app));

  /* Not g_application_quit(): each window first stops its workers, and the
   * application ends once the last window is gone. */
  for (const GList *l = windows; l != NULL; l = l->next)
    gtk_window_close (GTK_WINDOW (l->data));
}

static void
about_activated (GSimpleAction *action,
                 GVariant      *param,
                 gpointer       user_data)
{
  GtkApplication *app = user_data;
  static const char *developers[] = { "The shmviz developers", NULL };
  GtkWidget *about;

  about = g_object_new (ADW_TYPE_ABOUT_WINDOW,
                        "transient-for", gtk_application_get_active_window (app),
                        "application-name", "shmviz",
                        "application-icon", APP_ID,
                        "developer-name", _("The shmviz developers"),
                        "version", PACKAGE_VERSION,
                        "website", "https://github.com/shmviz/shmviz",
                        "issue-url", "https://github.com/shmviz/shmviz/issues",
                        "comments", _("Real producer and consumer processes over a ring buffer in shared memory, "
                                      "with POSIX semaphores, animated live: every lost, duplicated, empty or "
                                      "torn item is shown and explained."),
                        "developers", developers,
                        "copyright", "© 2026 The shmviz developers",
                        "license-type", GTK_LICENSE_GPL_3_0,
                        "translator-credits", _("translator-credits"),
                        NULL);
  gtk_window_present (GTK_WINDOW (about));
}

static void
shortcuts_activated (GSimpleAction *action,
                     GVariant      *param,
                     gpointer       user_data)
{
  GtkWindow *window = gtk_application_get_active_window (GTK_APPLICATION (user_data));

  if (window != NULL)
    gtk_widget_activate_action (GTK_WIDGET (window), "win.show-help-overlay", NULL);
}

static gboolean
quit_on_signal (gpointer user_data)
{
  /* Ctrl+C in a terminal takes the same road as closing the window, so
   * the workers are stopped and nothing is left in /dev/shm. */
  g_action_group_activate_action (G_ACTION_GROUP (user_data), "quit", NULL);

  return G_SOURCE_CONTINUE;
}

static const GActionEntry app_actions[] = {
  { "quit", quit_activated },
  { "about", about_activated },
  { "shortcuts", shortcuts_activated },
};

static void
shmviz_application_startup (GApplication *app)
{
  ShmvizApplication *self = SHMVIZ_APPLICATION (app);
  static const struct {
    const char *action;
    const char *accels[3];
  } accels[] = {
    { "app.quit",         { "<Primary>q", NULL } },
    { "app.shortcuts",    { "<Primary>question", NULL } },
    { "win.restart",      { "<Primary>r", NULL } },
    { "win.show-sidebar", { "F9", NULL } },
    { "win.zoom-in",      { "<Primary>plus", "<Primary>equal", NULL } },
    { "win.zoom-out",     { "<Primary>minus", NULL } },
    { "win.zoom-reset",   { "<Primary>0", NULL } },
  };

  G_APPLICATION_CLASS (shmviz_application_parent_class)->startup (app);

  g_action_map_add_action_entries (G_ACTION_MAP (self), app_actions, G_N_ELEMENTS (app_actions), self);
  for (guint i = 0; i < G_N_ELEMENTS (accels); i++)
    gtk_application_set_accels_for_action (GTK_APPLICATION (self), accels[i].action, accels[i].accels);

  self->sigint_id = g_unix_signal_add (SIGINT, quit_on_signal, self);
  self->sigterm_id = g_unix_signal_add (SIGTERM, quit_on_signal, self);

  self->settings = g_settings_new (APP_ID);
  g_signal_connect_object (self->settings, "changed::theme", G_CALLBACK (apply_theme), self,
                           G_CONNECT_SWAPPED);
  apply_theme (self);
}

static void
shmviz_application_activate (GApplication *app)
{
  GtkWindow *window = gtk_application_get_active_window (GTK_APPLICATION (app));

  if (window == NULL)
    window = GTK_WINDOW (shmviz_window_new (GTK_APPLICATION (app)));

  gtk_window_present (window);
}

static void
shmviz_application_dispose (GObject *object)
{
  ShmvizApplication *self = (ShmvizApplication *)object;

  g_clear_handle_id (&self->sigint_id, g_source_remove);
  g_clear_handle_id (&self->sigterm_id, g_source_remove);
  g_clear_object (&self->settings);

  G_OBJECT_CLASS (shmviz_application_parent_class)->dispose (object);
}

static void
shmviz_application_class_init (ShmvizApplicationClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GApplicationClass *app_class = G_APPLICATION_CLASS (klass);

  object_class->dispose = shmviz_application_dispose;
  app_class->startup = shmviz_application_startup;
  app_class->activate = shmviz_application_activate;
}

static void
shmviz_application_init (ShmvizApplication *self)
{
}

ShmvizApplication *
shmviz_application_new (void)
{
  return g_object_new (SHMVIZ_TYPE_APPLICATION,
                       "application-id", APP_ID,
                       "flags", G_APPLICATION_DEFAULT_FLAGS,
                       "resource-base-path", "/io/github/shmviz/Shmviz",
                       NULL);
}
