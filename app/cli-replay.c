/* cli-replay.c — `shmviz-cli replay FILE`: the summary `run` printed,
 * computed again from a recording
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <glib/gi18n.h>
#include <stdio.h>

#include "cli.h"
#include "replay.h"
#include "summary.h"

#define MAX_LISTED_ANOMALIES 1000

int
shmviz_cli_replay (int    argc,
                   char **argv)
{
  gboolean json = FALSE;
  GOptionEntry entries[] = {
    { "json", 0, 0, G_OPTION_ARG_NONE, &json, N_("Print the summary as one JSON object"), NULL },
    { NULL }
  };
  g_autoptr(GOptionContext) context = g_option_context_new (_("FILE"));
  g_autoptr(GError) error = NULL;
  g_autoptr(ShmvizReplay) replay = NULL;
  g_autofree char *summary = NULL;
  const char *reason = NULL;
  gdouble elapsed;

  g_option_context_set_summary (context, _("Replays a .shmviz recording and prints the summary "
                                           "“shmviz-cli run” printed for it."));
  g_option_context_add_main_entries (context, entries, GETTEXT_PACKAGE);
  g_set_prgname ("shmviz-cli replay");

  if (!g_option_context_parse (context, &argc, &argv, &error))
    goto usage_error;
  if (argc != 2)
    {
      g_set_error (&error, G_OPTION_ERROR, G_OPTION_ERROR_FAILED,
                   argc < 2 ? _("no recording given") : _("unexpected argument “%s”"),
                   argc < 2 ? "" : argv[2]);
      goto usage_error;
    }

  replay = shmviz_replay_open (argv[1], &error);
  if (replay == NULL)
    {
      g_printerr ("shmviz-cli replay: %s: %s\n", argv[1], error->message);
      return SHMVIZ_CLI_EXIT_FAILED;
    }
  if (!shmviz_recording_is_complete (shmviz_replay_get_recording (replay), &reason))
    g_printerr (_("shmviz-cli replay: %s: recording cut short (%s); replayed up to its last "
                  "complete record\n"), argv[1], reason);

  elapsed = (shmviz_replay_get_end_ns (replay) - shmviz_replay_get_start_ns (replay)) / 1e9;
  if (json)
    summary = shmviz_summary_to_json (shmviz_replay_get_model (replay), elapsed, MAX_LISTED_ANOMALIES);
  else
    summary = shmviz_summary_to_text (shmviz_replay_get_model (replay), elapsed, 20);
  fputs (summary, stdout);
  if (json)
    fputc ('\n', stdout);

  return SHMVIZ_CLI_EXIT_OK;

usage_error:
  g_printerr ("shmviz-cli replay: %s\n", error->message);
  g_printerr (_("Run “shmviz-cli replay --help” for the options.\n"));
  return SHMVIZ_CLI_EXIT_USAGE;
}
