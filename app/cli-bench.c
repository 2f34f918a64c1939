/* cli-bench.c — `shmviz-cli bench`: the IPC speed lab as a table, JSON
 * or a paragraph
 *
 * The benchmark runs in a thread of its own so that the main loop can
 * turn Ctrl-C into a cancellation: the runner then kills its two
 * processes at once and, since every name was unlinked at creation,
 * leaves nothing behind.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <glib-unix.h>
#include <glib/gi18n.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "cli.h"
#include "ipcbench.h"

#define EXIT_INTERRUPTED 130
#define BAR_WIDTH        30

typedef struct {
  ShmvizBenchConfig  config;
  GCancellable      *cancellable;
  GMainLoop         *loop;
  ShmvizBenchResult *result;
  GError            *error;
  gboolean           bar;
  int                last_permille;
  char              *last_what;
} Bench;

static void
on_progress (gdouble     fraction,
             const char *what,
             gpointer    data)
{
  Bench *bench = data;
  int permille = (int) (fraction * 1000);
  char bar[BAR_WIDTH + 1];
  int filled = (int) (fraction * BAR_WIDTH);

  if (!bench->bar || (permille == bench->last_permille && g_strcmp0 (what, bench->last_what) == 0))
    return;
  bench->last_permille = permille;
  g_free (bench->last_what);
  bench->last_what = g_strdup (what);

  memset (bar, '#', filled);
  memset (bar + filled, '.', BAR_WIDTH - filled);
  bar[BAR_WIDTH] = '\0';
  fprintf (stderr, "\r\033[K[%s] %3d %%  %s", bar, permille / 10, what);
  fflush (stderr);
}

static gboolean
quit_loop (gpointer data)
{
  Bench *bench = data;

  g_main_loop_quit (bench->loop);
  return G_SOURCE_REMOVE;
}

static gpointer
bench_thread (gpointer data)
{
  Bench *bench = data;

  bench->result = shmviz_bench_run (&bench->config, on_progress, bench,
                                    bench->cancellable, &bench->error);
  g_idle_add (quit_loop, bench);
  return NULL;
}

static gboolean
on_interrupt (gpointer data)
{
  Bench *bench = data;

  g_cancellable_cancel (bench->cancellable);
  return G_SOURCE_CONTINUE;
}

int
shmviz_cli_bench (int    argc,
                  char **argv)
{
  g_autofree char *sizes = NULL, *mechanisms = NULL, *repetitions = NULL;
  gboolean quick = FALSE, pin = FALSE, json = FALSE, reading = FALSE, quiet = FALSE;
  GOptionEntry entries[] = {
    { "sizes", 0, 0, G_OPTION_ARG_STRING, &sizes, N_("Message sizes in bytes, as in 64,4096,64k (default 64,4096,65536)"), "LIST" },
    { "mechanisms", 'm', 0, G_OPTION_ARG_STRING, &mechanisms, N_("Only these: pipe, mqueue, unix-socket, shm-semaphores, shm-lock-free, spin-floor"), "LIST" },
    { "repetitions", 'r', 0, G_OPTION_ARG_STRING, &repetitions, N_("Measured runs per mechanism and size (default 5, quick 3)"), "N" },
    { "quick", 0, 0, G_OPTION_ARG_NONE, &quick, N_("Small counts: a few seconds in all"), NULL },
    { "pin", 0, 0, G_OPTION_ARG_NONE, &pin, N_("Pin the two processes to two CPUs"), NULL },
    { "json", 0, 0, G_OPTION_ARG_NONE, &json, N_("Print one JSON object"), NULL },
    { "reading", 0, 0, G_OPTION_ARG_NONE, &reading, N_("Add a paragraph that says what the figures mean"), NULL },
    { "quiet", 'q', 0, G_OPTION_ARG_NONE, &quiet, N_("No progress bar"), NULL },
    { NULL }
  };
  g_autoptr(GOptionContext) context = g_option_context_new (NULL);
  g_autoptr(GError) error = NULL;
  g_autoptr(GCancellable) cancellable = g_cancellable_new ();
  g_autoptr(GMainLoop) loop = g_main_loop_new (NULL, FALSE);
  g_autoptr(ShmvizBenchResult) result = NULL;
  g_autofree char *text = NULL;
  GThread *thread;
  Bench bench = { 0 };
  guint sigint_source, sigterm_source;
  gboolean broken = FALSE;

  g_option_context_set_summary (context,
                                _("Sends the same messages between two fresh processes over a pipe, a POSIX "
                                  "message queue, a Unix socket and shared memory rings, and measures "
                                  "throughput and one-way latency against this machine's own floor."));
  g_option_context_add_main_entries (context, entries, GETTEXT_PACKAGE);
  g_set_prgname ("shmviz-cli bench");

  if (!g_option_context_parse (context, &argc, &argv, &error))
    goto usage_error;
  if (argc > 1)
    {
      g_set_error (&error, G_OPTION_ERROR, G_OPTION_ERROR_FAILED,
                   _("unexpected argument “%s”"), argv[1]);
      goto usage_error;
    }

  shmviz_bench_config_init (&bench.config, quick);
  bench.config.pin = pin;
  if (sizes && !shmviz_bench_parse_sizes (&bench.config, sizes, &error))
    goto usage_error;
  if (mechanisms && !shmviz_bench_parse_mechanisms (&bench.config, mechanisms, &error))
    goto usage_error;
  if (repetitions)
    {
      guint64 v;

      if (!g_ascii_string_to_unsigned (repetitions, 10, 1, SHMVIZ_BENCH_MAX_REPS, &v, NULL))
        {
          g_set_error (&error, G_OPTION_ERROR, G_OPTION_ERROR_BAD_VALUE,
                       _("--repetitions must be a whole number from 1 to %u, not “%s”"),
                       SHMVIZ_BENCH_MAX_REPS, repetitions);
          goto usage_error;
        }
      bench.config.repetitions = v;
    }

  bench.cancellable = cancellable;
  bench.loop = loop;
  bench.bar = !quiet && isatty (STDERR_FILENO);
  bench.last_permille = -1;

  sigint_source = g_unix_signal_add (SIGINT, on_interrupt, &bench);
  sigterm_source = g_unix_signal_add (SIGTERM, on_interrupt, &bench);
  thread = g_thread_new ("bench", bench_thread, &bench);
  g_main_loop_run (loop);
  g_thread_join (thread);
  g_source_remove (sigint_source);
  g_source_remove (sigterm_source);
  g_free (bench.last_what);
  if (bench.bar)
    fputs ("\r\033[K", stderr);

  result = g_steal_pointer (&bench.result);
  if (!result)
    {
      if (g_error_matches (bench.error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        {
          g_printerr (_("shmviz-cli bench: interrupted; nothing was left behind\n"));
          g_clear_error (&bench.error);
          return EXIT_INTERRUPTED;
        }
      g_printerr ("shmviz-cli bench: %s\n", bench.error->message);
      g_clear_error (&bench.error);
      return SHMVIZ_CLI_EXIT_FAILED;
    }

  if (json)
    {
      text = shmviz_bench_result_to_json (result);
      puts (text);
    }
  else
    {
      text = shmviz_bench_result_to_table (result);
      fputs (text, stdout);
      if (reading)
        {
          g_autofree char *paragraph = shmviz_bench_result_reading (result);
          printf ("\n%s\n", paragraph);
        }
    }

  for (guint i = 0; i < result->rows->len; i++)
    {
      const ShmvizBenchRow *row = &g_array_index (result->rows, ShmvizBenchRow, i);

      if (row->failed || row->order_errors || row->checksum_errors)
        {
          g_printerr (_("shmviz-cli bench: %s at %u bytes %s\n"),
                      shmviz_bench_mechanism_name (row->mechanism), row->size,
                      row->failed ? row->note : _("delivered damaged or misordered messages"));
          broken = TRUE;
        }
    }
  return broken ? SHMVIZ_CLI_EXIT_FAILED : SHMVIZ_CLI_EXIT_OK;

usage_error:
  g_printerr ("shmviz-cli bench: %s\n", error->message);
  g_printerr (_("Run “shmviz-cli bench --help” for the options.\n"));
  return SHMVIZ_CLI_EXIT_USAGE;
}
