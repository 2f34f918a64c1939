/* main.c — the shmviz GUI
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <locale.h>

#include <glib/gi18n.h>

#include "shmviz-application.h"

int
main (int   argc,
      char *argv[])
{
  g_autoptr(ShmvizApplication) app = NULL;
  g_autoptr(GSettingsSchema) schema = NULL;
  GSettingsSchemaSource *source;

  setlocale (LC_ALL, "");
  /* An uninstalled build finds its catalogues through this (run-app and
   * the tests set it to the build's po folder). */
  bindtextdomain (GETTEXT_PACKAGE, g_getenv ("SHMVIZ_LOCALEDIR") ? g_getenv ("SHMVIZ_LOCALEDIR") : LOCALEDIR);
  bind_textdomain_codeset (GETTEXT_PACKAGE, "UTF-8");
  textdomain (GETTEXT_PACKAGE);

  /* g_settings_new() aborts on a missing schema; say what to do instead. */
  source = g_settings_schema_source_get_default ();
  if (source != NULL)
    schema = g_settings_schema_source_lookup (source, APP_ID, TRUE);
  if (schema == NULL)
    {
      g_printerr (_("shmviz: the settings schema %s is not installed. Install shmviz, or run it "
                    "from a build with GSETTINGS_SCHEMA_DIR set to the build’s data folder.\n"),
                  APP_ID);
      return 1;
    }

  app = shmviz_application_new ();

  return g_application_run (G_APPLICATION (app), argc, argv);
}
