/* shmviz-application.c — the GNOME application: actions, style, windows
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <signal.h>

#include <glib/gi18n.h>
#include <glib-unix.h>

#include "shmviz-application.h"
#include "shmviz-preferences.h"
#include "shmviz-replay-source.h"
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

static void
preferences_activated (GSimpleAction *action,
                       GVariant      *param,
                       gpointer       user_data)
{
  ShmvizApplication *self = user_data;
  GtkWidget *prefs = shmviz_preferences_new (gtk_application_get_active_window (GTK_APPLICATION (self)),
                                             self->settings);

  gtk_window_present (GTK_WINDOW (prefs));
}

static void
help_shown (GObject      *source,
            GAsyncResult *result,
            gpointer      user_data)
{
  GtkWindow *parent = GTK_WINDOW (source);
  g_autoptr(GError) error = NULL;
  GtkWidget *dialog;

  if (gtk_show_uri_full_finish (parent, result, &error))
    return;

  /* Without a help browser (Yelp) the guide cannot be shown; say so
   * instead of failing silently. */
  dialog = adw_message_dialog_new (parent, _("The User Guide Could Not Be Opened"), NULL);
  adw_message_dialog_format_body (ADW_MESSAGE_DIALOG (dialog),
                                  _("Install the Yelp help browser to read it. (%s)"), error->message);
  adw_message_dialog_add_response (ADW_MESSAGE_DIALOG (dialog), "close", _("_Close"));
  gtk_window_present (GTK_WINDOW (dialog));
}

static void
help_activated (GSimpleAction *action,
                GVariant      *param,
                gpointer       user_data)
{
  GtkWindow *window = gtk_application_get_active_window (GTK_APPLICATION (user_data));

  if (window == NULL)
    return;

  /* The Mallard guide installed in datadir/help/<lang>/shmviz. */
  gtk_show_uri_full (window, "help:shmviz", GDK_CURRENT_TIME, NULL, help_shown, NULL);
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
  { "preferences", preferences_activated },
  { "help", help_activated },
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
    { "app.preferences",  { "<Primary>comma", NULL } },
    { "app.help",         { "F1", NULL } },
    { "win.restart",      { "<Primary>r", NULL } },
    { "win.open",         { "<Primary>o", NULL } },
    { "win.record",       { "<Primary><Shift>r", NULL } },
    { "win.annotate",     { "<Primary>m", NULL } },
    { "win.replay-next-anomaly", { "Page_Down", NULL } },
    { "win.replay-prev-anomaly", { "Page_Up", NULL } },
    { "win.show-sidebar", { "F9", NULL } },
    { "win.speed-lab",    { "<Primary>b", NULL } },
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

/* `shmviz FILE.shmviz`: each file in a window of its own. */
static void
shmviz_application_open (GApplication  *app,
                         GFile        **files,
                         int            n_files,
                         const char    *hint)
{
  for (int i = 0; i < n_files; i++)
    {
      ShmvizWindow *window = shmviz_window_new (GTK_APPLICATION (app));

      shmviz_window_open_recording (window, files[i], NULL, NULL);
      gtk_window_present (GTK_WINDOW (window));
    }
}

static void
shmviz_application_activate (GApplication *app)
{
  GtkWindow *window = gtk_application_get_active_window (GTK_APPLICATION (app));

  if (window == NULL)
    window = GTK_WINDOW (shmviz_window_new (GTK_APPLICATION (app)));

  gtk_window_present (window);
}

static int
shmviz_application_handle_local_options (GApplication *app,
                                         GVariantDict *options)
{
  /* Answered in the launching process, without registering or opening a
   * window in a running instance. */
  if (g_variant_dict_contains (options, "version"))
    {
      g_print ("shmviz %s\n", PACKAGE_VERSION);
      return 0;
    }

  return -1;
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
  app_class->open = shmviz_application_open;
  app_class->handle_local_options = shmviz_application_handle_local_options;
}

static void
shmviz_application_init (ShmvizApplication *self)
{
  g_application_add_main_option (G_APPLICATION (self), "version", 0, G_OPTION_FLAG_NONE,
                                 G_OPTION_ARG_NONE, _("Show the version and exit"), NULL);
}

ShmvizApplication *
shmviz_application_new (void)
{
  return g_object_new (SHMVIZ_TYPE_APPLICATION,
                       "application-id", APP_ID,
                       "flags", G_APPLICATION_HANDLES_OPEN,
                       "resource-base-path", "/io/github/shmviz/Shmviz",
                       NULL);
}

void
shmviz_application_lower_workers (ShmvizSession *session)
{
  /* At full speed with 64 + 64 workers on two CPUs the frames starved at
   * the app's own level (36 fps, 73 ms p99).  At nice 19 the window kept
   * 60 fps, but its slowest frames still waited half their time for a
   * CPU: 64 workers at nice 19 weigh as much as one task at nice 0.  In
   * the idle class they give way to the window at once (p99 13 ms instead
   * of 16–18 ms at 4096 slots) and, as the window sleeps most of each
   * frame, move as many items.  The nice level stays for kernels or
   * sandboxes that refuse the class. */
  shmviz_session_set_worker_niceness (session, 19);
  shmviz_session_set_worker_idle (session, TRUE);
}
