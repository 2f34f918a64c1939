/* shmviz-cli — shmviz without a window
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <glib/gi18n.h>
#include <locale.h>
#include <stdio.h>
#include <string.h>

#include "cli.h"

typedef struct {
  const char *name;
  int (*main) (int argc, char **argv);
  const char *summary;
} Command;

static const Command commands[] = {
  { "run", shmviz_cli_run, N_("Run producers and consumers and report what happened") },
  { "lessons", shmviz_cli_lessons, N_("List the classroom lessons (run one with run --lesson)") },
  { "inspect", shmviz_cli_inspect, N_("Show any program's shared memory object and semaphores, read-only") },
  { "ls", shmviz_cli_ls, N_("List POSIX shared memory objects and semaphores; remove leaked ones") },
  { "replay", shmviz_cli_replay, N_("Summarize a recording as run would have") },
  { "export", shmviz_cli_export, N_("Export a recording as CSV or a Chrome trace") },
  { "bench", shmviz_cli_bench, N_("Measure shared memory against pipes, queues and sockets") },
};

static void
usage (FILE *out)
{
  fprintf (out, _("Usage: shmviz-cli COMMAND [OPTIONS…]\n\nCommands:\n"));
  for (guint i = 0; i < G_N_ELEMENTS (commands); i++)
    fprintf (out, "  %-10s %s\n", commands[i].name, _(commands[i].summary));
  fprintf (out, _("\nRun “shmviz-cli COMMAND --help” for a command's options.\n"));
}

int
main (int    argc,
      char **argv)
{
  setlocale (LC_ALL, "");
  bindtextdomain (GETTEXT_PACKAGE, g_getenv ("SHMVIZ_LOCALEDIR") ? g_getenv ("SHMVIZ_LOCALEDIR") : LOCALEDIR);
  bind_textdomain_codeset (GETTEXT_PACKAGE, "UTF-8");
  textdomain (GETTEXT_PACKAGE);

  if (argc < 2)
    {
      usage (stderr);
      return SHMVIZ_CLI_EXIT_USAGE;
    }
  if (strcmp (argv[1], "--help") == 0 || strcmp (argv[1], "-h") == 0 || strcmp (argv[1], "help") == 0)
    {
      usage (stdout);
      return SHMVIZ_CLI_EXIT_OK;
    }
  if (strcmp (argv[1], "--version") == 0)
    {
      printf ("shmviz-cli %s\n", PACKAGE_VERSION);
      return SHMVIZ_CLI_EXIT_OK;
    }

  for (guint i = 0; i < G_N_ELEMENTS (commands); i++)
    if (strcmp (argv[1], commands[i].name) == 0)
      return commands[i].main (argc - 1, argv + 1);

  fprintf (stderr, _("shmviz-cli: unknown command “%s”\n\n"), argv[1]);
  usage (stderr);
  return SHMVIZ_CLI_EXIT_USAGE;
}
