/* cli.h — the subcommands of shmviz-cli
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* Exit statuses shared by every subcommand. */
#define SHMVIZ_CLI_EXIT_OK       0
#define SHMVIZ_CLI_EXIT_FAILED   1
#define SHMVIZ_CLI_EXIT_USAGE    2

int shmviz_cli_run (int argc, char **argv);
int shmviz_cli_lessons (int argc, char **argv);
int shmviz_cli_inspect (int argc, char **argv);
int shmviz_cli_ls (int argc, char **argv);
int shmviz_cli_bench (int argc, char **argv);
int shmviz_cli_replay (int argc, char **argv);
int shmviz_cli_export (int argc, char **argv);

G_END_DECLS
