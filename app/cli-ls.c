/* cli-ls.c — `shmviz-cli ls`: every POSIX shared memory object and named
 * semaphore, who maps it, and removal of leaked ones
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <glib/gi18n.h>
#include <inttypes.h>
#include <stdio.h>
#include <string.h>
#include <sys/types.h>
#include <unistd.h>

#include "cli.h"
#include "shmls.h"

static char *
format_age (gint64 s)
{
  if (s < 0)
    s = 0;
  if (s < 120)
    return g_strdup_printf ("%" G_GINT64_FORMAT "s", s);
  if (s < 7200)
    return g_strdup_printf ("%" G_GINT64_FORMAT "m", s / 60);
  if (s < 2 * 86400)
    return g_strdup_printf ("%" G_GINT64_FORMAT "h", s / 3600);
  return g_strdup_printf ("%" G_GINT64_FORMAT "d", s / 86400);
}

static char *
format_pids (GArray *pids)
{
  GString *s = g_string_new (NULL);

  for (guint i = 0; i < pids->len; i++)
    g_string_append_printf (s, "%s%d", i ? "," : "", (int) g_array_index (pids, pid_t, i));
  if (s->len == 0)
    g_string_append_c (s, '-');
  return g_string_free (s, FALSE);
}

static gboolean
confirm (const ShmvizShmObject *object)
{
  char answer[16] = "";

  printf (_("Remove %s %s (%" PRIu64 " bytes, owner %s)? [y/N] "),
          object->semaphore ? _("semaphore") : _("shared memory object"),
          object->posix_name, object->size, object->owner);
  fflush (stdout);
  if (fgets (answer, sizeof answer, stdin) == NULL)
    return FALSE;
  return answer[0] == 'y' || answer[0] == 'Y';
}

static int
remove_objects (char   **names,
                gboolean yes)
{
  int status = SHMVIZ_CLI_EXIT_OK;

  /* Without --yes only a person at a terminal can confirm; a script that
   * forgot the flag must not delete anything. */
  if (!yes && !isatty (STDIN_FILENO))
    {
      g_printerr (_("shmviz-cli ls: refusing to remove without confirmation: "
                    "run it on a terminal or pass --yes\n"));
      return SHMVIZ_CLI_EXIT_USAGE;
    }

  for (guint i = 0; names[i]; i++)
    {
      g_autoptr(GError) error = NULL;
      g_autoptr(ShmvizShmObject) object = NULL;
      g_autofree char *entry = shmviz_shm_entry_name (names[i], &error);

      if (entry == NULL)
        {
          g_printerr ("shmviz-cli ls: %s\n", error->message);
          return SHMVIZ_CLI_EXIT_USAGE;
        }
      object = shmviz_shm_stat (entry, &error);
      if (object == NULL)
        {
          g_autofree char *sem = g_strconcat (SHMVIZ_SHM_DIR "/sem.", entry, NULL);

          g_printerr ("shmviz-cli ls: %s\n", error->message);
          if (g_file_test (sem, G_FILE_TEST_EXISTS))
            g_printerr (_("(a semaphore's name in /dev/shm starts with “sem.”: try “sem.%s”)\n"), entry);
          status = SHMVIZ_CLI_EXIT_FAILED;
          continue;
        }
      /* Say no before asking, rather than after. */
      if (object->mapped_by->len == 0 && !yes && !confirm (object))
        {
          printf (_("%s kept\n"), object->posix_name);
          continue;
        }
      if (!shmviz_shm_remove (entry, &error))
        {
          g_printerr ("shmviz-cli ls: %s\n", error->message);
          status = SHMVIZ_CLI_EXIT_FAILED;
          continue;
        }
      printf (_("removed %s/%s\n"), SHMVIZ_SHM_DIR, entry);
    }
  return status;
}

int
shmviz_cli_ls (int    argc,
               char **argv)
{
  gboolean json = FALSE, yes = FALSE;
  g_auto(GStrv) remove = NULL;
  GOptionEntry entries[] = {
    { "json", 0, 0, G_OPTION_ARG_NONE, &json, N_("Print one JSON object"), NULL },
    { "remove", 0, 0, G_OPTION_ARG_STRING_ARRAY, &remove,
      N_("Remove this object (as listed: my_shm or sem.my_sem); never one a live process maps"), "NAME" },
    { "yes", 'y', 0, G_OPTION_ARG_NONE, &yes, N_("Remove without asking"), NULL },
    { NULL }
  };
  g_autoptr(GOptionContext) context = g_option_context_new (NULL);
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) objects = NULL;
  g_autoptr(GString) out = g_string_new (NULL);
  gint64 now_s = g_get_real_time () / G_USEC_PER_SEC;

  g_option_context_set_summary (context,
                                _("Lists every POSIX shared memory object and named semaphore in /dev/shm\n"
                                  "with its size, owner, mode, age and the processes that map it."));
  g_option_context_add_main_entries (context, entries, GETTEXT_PACKAGE);
  g_set_prgname ("shmviz-cli ls");

  if (!g_option_context_parse (context, &argc, &argv, &error))
    goto usage_error;
  if (argc > 1)
    {
      g_set_error (&error, G_OPTION_ERROR, G_OPTION_ERROR_FAILED, _("unexpected argument “%s”"), argv[1]);
      goto usage_error;
    }
  if (yes && !remove)
    {
      g_set_error (&error, G_OPTION_ERROR, G_OPTION_ERROR_FAILED, _("--yes only goes with --remove"));
      goto usage_error;
    }
  if (remove)
    return remove_objects (remove, yes);

  objects = shmviz_shm_list (&error);
  if (objects == NULL)
    {
      g_printerr ("shmviz-cli ls: %s\n", error->message);
      return SHMVIZ_CLI_EXIT_FAILED;
    }

  if (json)
    {
      g_string_append (out, "{\"objects\":[");
      for (guint i = 0; i < objects->len; i++)
        {
          if (i)
            g_string_append_c (out, ',');
          shmviz_shm_object_to_json (g_ptr_array_index (objects, i), now_s, out);
        }
      g_string_append (out, "]}\n");
    }
  else
    {
      g_string_append_printf (out, "%-9s %-28s %10s %-10s %-5s %5s  %s\n",
                              _("KIND"), _("NAME"), _("SIZE"), _("OWNER"), _("MODE"), _("AGE"), _("MAPPED BY"));
      for (guint i = 0; i < objects->len; i++)
        {
          const ShmvizShmObject *o = g_ptr_array_index (objects, i);
          g_autofree char *name = g_utf8_make_valid (o->posix_name, -1);
          g_autofree char *age = format_age (now_s - o->created_s);
          g_autofree char *pids = format_pids (o->mapped_by);

          g_string_append_printf (out, "%-9s %-28s %10" G_GUINT64_FORMAT " %-10s %04o  %5s  %s\n",
                                  o->semaphore ? _("semaphore") : _("shm"), name, o->size, o->owner,
                                  o->mode, age, pids);
        }
      if (objects->len == 0)
        g_string_append (out, _("(no objects in /dev/shm)\n"));
    }
  fputs (out->str, stdout);
  return SHMVIZ_CLI_EXIT_OK;

usage_error:
  g_printerr ("shmviz-cli ls: %s\n", error->message);
  g_printerr (_("Run “shmviz-cli ls --help” for the options.\n"));
  return SHMVIZ_CLI_EXIT_USAGE;
}
