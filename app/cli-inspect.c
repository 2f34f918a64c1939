/* cli-inspect.c — `shmviz-cli inspect`: any program's shared memory and
 * named semaphores, read-only, once or live
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
#include "inspect.h"
#include "scenario.h"

typedef struct {
  GMainLoop        *loop;
  const char       *name;
  const char      **sems;
  gsize             bytes;
  gboolean          json;
  gboolean          tty;
  ShmvizInspection *last;
  gint64            start_us;
  int               status;
} Watch;

static void
print_inspection (const ShmvizInspection *inspection,
                  GArray                 *changed,
                  gboolean                json,
                  gboolean                tty,
                  gdouble                 time_s)
{
  g_autoptr(GString) out = g_string_new (NULL);

  if (json)
    {
      shmviz_inspection_to_json (inspection, changed, out);
      if (time_s >= 0)
        {
          /* One object per line while watching; say when it was read. */
          g_string_truncate (out, out->len - 1);
          g_string_append_printf (out, ",\"time_s\":%.3f}", time_s);
        }
      g_string_append_c (out, '\n');
    }
  else
    {
      if (time_s >= 0)
        g_string_append_printf (out, "— %.3f s —\n", time_s);
      shmviz_inspection_to_text (inspection, changed, tty ? "\033[7m" : "",
                                 tty ? "\033[0m" : "", out);
    }
  fputs (out->str, stdout);
  fflush (stdout);
}

static gboolean
watch_tick (gpointer data)
{
  Watch *w = data;
  g_autoptr(GError) error = NULL;
  g_autoptr(GArray) changed = g_array_new (FALSE, FALSE, sizeof (guint));
  ShmvizInspection *now;

  now = shmviz_inspect (w->name, w->sems, w->bytes, &error);
  if (now == NULL)
    {
      /* The owner removed it: that ends the watch, and is worth saying. */
      g_printerr ("shmviz-cli inspect: %s\n", error->message);
      w->status = g_error_matches (error, SHMVIZ_SHM_ERROR, SHMVIZ_SHM_ERROR_NOT_FOUND)
                    ? SHMVIZ_CLI_EXIT_OK : SHMVIZ_CLI_EXIT_FAILED;
      g_main_loop_quit (w->loop);
      return G_SOURCE_REMOVE;
    }
  if (w->last == NULL || shmviz_inspection_diff (w->last, now, changed))
    print_inspection (now, w->last ? changed : NULL, w->json, w->tty,
                      (g_get_monotonic_time () - w->start_us) / 1e6);
  g_clear_pointer (&w->last, shmviz_inspection_free);
  w->last = now;
  return G_SOURCE_CONTINUE;
}

static gboolean
on_interrupt (gpointer data)
{
  Watch *w = data;

  g_main_loop_quit (w->loop);
  return G_SOURCE_CONTINUE;
}

int
shmviz_cli_inspect (int    argc,
                    char **argv)
{
  g_auto(GStrv) sems = NULL;
  g_autofree char *bytes = NULL, *interval = NULL;
  gboolean json = FALSE, watch = FALSE;
  GOptionEntry entries[] = {
    { "sem", 0, 0, G_OPTION_ARG_STRING_ARRAY, &sems, N_("Also read this named semaphore's value (repeatable)"), "NAME" },
    { "json", 0, 0, G_OPTION_ARG_NONE, &json, N_("Print JSON (one object per line with --watch)"), NULL },
    { "watch", 'w', 0, G_OPTION_ARG_NONE, &watch, N_("Keep reading and print every change until interrupted"), NULL },
    { "interval", 0, 0, G_OPTION_ARG_STRING, &interval, N_("Time between readings with --watch (default 100ms)"), "TIME" },
    { "bytes", 0, 0, G_OPTION_ARG_STRING, &bytes, N_("How many bytes to show (default 64, at most 65536)"), "N" },
    { NULL }
  };
  g_autoptr(GOptionContext) context = g_option_context_new (_("NAME"));
  g_autoptr(GError) error = NULL;
  g_autoptr(ShmvizInspection) inspection = NULL;
  guint64 n_bytes = SHMVIZ_INSPECT_DEFAULT_BYTES;
  guint64 interval_ns = 100 * G_GUINT64_CONSTANT (1000000);
  int status = SHMVIZ_CLI_EXIT_OK;

  g_option_context_set_summary (context,
                                _("Shows a POSIX shared memory object (such as /my_shm) as hex, ints and text,\n"
                                  "the value of named semaphores and the processes that map it.\n"
                                  "It only reads: it never writes to the object, posts or waits."));
  g_option_context_add_main_entries (context, entries, GETTEXT_PACKAGE);
  g_set_prgname ("shmviz-cli inspect");

  if (!g_option_context_parse (context, &argc, &argv, &error))
    goto usage_error;
  if (argc != 2)
    {
      if (argc < 2)
        g_set_error (&error, G_OPTION_ERROR, G_OPTION_ERROR_FAILED,
                     _("which object? Give its name, as in “shmviz-cli inspect /my_shm”"));
      else
        g_set_error (&error, G_OPTION_ERROR, G_OPTION_ERROR_FAILED, _("unexpected argument “%s”"), argv[2]);
      goto usage_error;
    }
  if (bytes && !g_ascii_string_to_unsigned (bytes, 10, 0, SHMVIZ_INSPECT_MAX_BYTES, &n_bytes, NULL))
    {
      g_set_error (&error, G_OPTION_ERROR, G_OPTION_ERROR_BAD_VALUE,
                   _("--bytes must be a whole number from 0 to %u, not “%s”"), SHMVIZ_INSPECT_MAX_BYTES, bytes);
      goto usage_error;
    }
  if (interval)
    {
      if (!shmviz_parse_duration_ns (interval, &interval_ns, &error))
        {
          g_prefix_error (&error, "--interval: ");
          goto usage_error;
        }
      if (interval_ns < 10 * G_GUINT64_CONSTANT (1000000) || interval_ns > 60 * G_GUINT64_CONSTANT (1000000000))
        {
          g_clear_error (&error);
          g_set_error (&error, G_OPTION_ERROR, G_OPTION_ERROR_BAD_VALUE,
                       _("--interval must be from 10ms to 60s, not “%s”"), interval);
          goto usage_error;
        }
    }
  if (interval && !watch)
    {
      g_set_error (&error, G_OPTION_ERROR, G_OPTION_ERROR_FAILED, _("--interval only goes with --watch"));
      goto usage_error;
    }
  /* Bad names are usage errors, before anything is opened. */
  {
    g_autofree char *entry = shmviz_shm_entry_name (argv[1], &error);

    if (entry == NULL)
      goto usage_error;
    for (guint i = 0; sems && sems[i]; i++)
      {
        g_autofree char *sem = shmviz_shm_entry_name (sems[i], &error);

        if (sem == NULL)
          {
            g_prefix_error (&error, "--sem: ");
            goto usage_error;
          }
      }
  }

  inspection = shmviz_inspect (argv[1], (const char * const *) sems, n_bytes, &error);
  if (inspection == NULL)
    {
      g_printerr ("shmviz-cli inspect: %s\n", error->message);
      return SHMVIZ_CLI_EXIT_FAILED;
    }

  if (watch)
    {
      g_autoptr(GMainLoop) loop = g_main_loop_new (NULL, FALSE);
      Watch w = {
        .loop = loop,
        .name = argv[1],
        .sems = (const char **) sems,
        .bytes = n_bytes,
        .json = json,
        .tty = isatty (STDOUT_FILENO),
        .start_us = g_get_monotonic_time (),
        .status = SHMVIZ_CLI_EXIT_OK,
      };
      guint sigint_source, sigterm_source, tick;

      w.last = g_steal_pointer (&inspection);
      print_inspection (w.last, NULL, json, w.tty, 0.0);
      sigint_source = g_unix_signal_add (SIGINT, on_interrupt, &w);
      sigterm_source = g_unix_signal_add (SIGTERM, on_interrupt, &w);
      tick = g_timeout_add ((guint) (interval_ns / 1000000), watch_tick, &w);
      g_main_loop_run (loop);
      g_source_remove (sigint_source);
      g_source_remove (sigterm_source);
      /* watch_tick() removes itself when the object goes away. */
      if (g_main_context_find_source_by_id (NULL, tick))
        g_source_remove (tick);
      g_clear_pointer (&w.last, shmviz_inspection_free);
      return w.status;
    }

  print_inspection (inspection, NULL, json, FALSE, -1);
  /* A semaphore that could not be read is a failure the caller should see. */
  for (guint i = 0; i < inspection->semaphores->len; i++)
    if (!g_array_index (inspection->semaphores, ShmvizSemReading, i).ok)
      status = SHMVIZ_CLI_EXIT_FAILED;
  return status;

usage_error:
  g_printerr ("shmviz-cli inspect: %s\n", error->message);
  g_printerr (_("Run “shmviz-cli inspect --help” for the options.\n"));
  return SHMVIZ_CLI_EXIT_USAGE;
}
