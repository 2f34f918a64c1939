/* cli-lessons.c — `shmviz-cli lessons`: the gallery of classroom presets
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <glib/gi18n.h>
#include <stdio.h>
#include <string.h>

#include "cli.h"
#include "json.h"
#include "lesson.h"
#include "shmls.h"

static void
scenario_to_json (const ShmvizScenario *sc,
                  GString              *out)
{
  char buf[G_ASCII_DTOSTR_BUF_SIZE];

  g_string_append_printf (out,
                          "{\"producers\":%u,\"consumers\":%u,\"slots\":%u,\"item_size\":%u,\"sync\":\"%s\","
                          "\"items\":%" G_GUINT64_FORMAT ",\"duration\":%s,",
                          sc->n_producers, sc->n_consumers, sc->n_slots, sc->item_size,
                          shmviz_sync_mode_to_string (sc->sync), sc->items,
                          g_ascii_dtostr (buf, sizeof buf, sc->duration));
  g_string_append_printf (out,
                          "\"produce_time_ns\":%" G_GUINT64_FORMAT ",\"consume_time_ns\":%" G_GUINT64_FORMAT
                          ",\"race_window_ns\":%" G_GUINT64_FORMAT ",\"step_time_ns\":%" G_GUINT64_FORMAT ",",
                          sc->timing_ns[SHMVIZ_TIMING_PRODUCE], sc->timing_ns[SHMVIZ_TIMING_CONSUME],
                          sc->timing_ns[SHMVIZ_TIMING_RACE_WINDOW], sc->timing_ns[SHMVIZ_TIMING_STEP]);
  g_string_append_printf (out, "\"speed\":%s,\"seed\":%" G_GUINT64_FORMAT "}",
                          g_ascii_dtostr (buf, sizeof buf, sc->speed_permille / 1000.0), sc->seed);
}

static void
lesson_to_json (const ShmvizLesson *lesson,
                GString            *out)
{
  g_string_append (out, "{\"id\":");
  shmviz_json_string (out, lesson->id);
  g_string_append (out, ",\"name\":");
  shmviz_json_string (out, lesson->name);
  g_string_append (out, ",\"title\":");
  shmviz_json_string (out, lesson->title);
  g_string_append (out, ",\"explanation\":");
  shmviz_json_string (out, lesson->explanation);
  g_string_append_printf (out, ",\"expect\":\"%s\",\"twin\":", shmviz_lesson_expect_to_string (lesson->expect));
  if (lesson->twin)
    shmviz_json_string (out, lesson->twin);
  else
    g_string_append (out, "null");
  g_string_append_printf (out, ",\"user\":%s,\"path\":", lesson->user ? "true" : "false");
  if (lesson->path)
    {
      g_autofree char *display = g_filename_display_name (lesson->path);

      shmviz_json_string (out, display);
    }
  else
    g_string_append (out, "null");
  g_string_append (out, ",\"scenario\":");
  scenario_to_json (&lesson->scenario, out);
  g_string_append_c (out, '}');
}

static int
check_files (char **files)
{
  int status = SHMVIZ_CLI_EXIT_OK;

  for (guint i = 0; files[i]; i++)
    {
      g_autoptr(GError) error = NULL;
      g_autoptr(ShmvizLesson) lesson = shmviz_lesson_load_file (files[i], &error);

      if (lesson == NULL)
        {
          g_printerr ("shmviz-cli lessons: %s\n", error->message);
          status = SHMVIZ_CLI_EXIT_FAILED;
        }
      else
        printf (_("%s: lesson “%s” is valid\n"), files[i], lesson->id);
    }
  return status;
}

int
shmviz_cli_lessons (int    argc,
                    char **argv)
{
  gboolean json = FALSE;
  g_auto(GStrv) check = NULL;
  GOptionEntry entries[] = {
    { "json", 0, 0, G_OPTION_ARG_NONE, &json, N_("Print the lessons as one JSON array"), NULL },
    { "check", 0, 0, G_OPTION_ARG_FILENAME_ARRAY, &check, N_("Validate a lesson file and exit (repeatable)"), "FILE" },
    { NULL }
  };
  g_autoptr(GOptionContext) context = g_option_context_new (_("[ID]"));
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) errors = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(GPtrArray) lessons = NULL;
  g_autoptr(GString) out = g_string_new (NULL);

  g_option_context_set_summary (context,
                                _("Lists the lessons, or shows one.  Run one with “shmviz-cli run --lesson ID”.\n"
                                  "Your own lessons go in ~/.local/share/shmviz/lessons/ID.lesson."));
  g_option_context_add_main_entries (context, entries, GETTEXT_PACKAGE);
  g_set_prgname ("shmviz-cli lessons");

  if (!g_option_context_parse (context, &argc, &argv, &error))
    goto usage_error;
  if (argc > 2)
    {
      g_set_error (&error, G_OPTION_ERROR, G_OPTION_ERROR_FAILED, _("unexpected argument “%s”"), argv[2]);
      goto usage_error;
    }
  if (check)
    return check_files (check);

  if (argc == 2)
    {
      g_autoptr(ShmvizLesson) lesson = shmviz_lesson_find (argv[1], &error);

      if (lesson == NULL)
        {
          g_printerr ("shmviz-cli lessons: %s\n", error->message);
          return SHMVIZ_CLI_EXIT_FAILED;
        }
      if (json)
        {
          lesson_to_json (lesson, out);
          g_string_append_c (out, '\n');
        }
      else
        {
          const ShmvizScenario *sc = &lesson->scenario;

          g_string_append_printf (out, "%s — %s\n\n%s\n\n", lesson->name, lesson->title, lesson->explanation);
          g_string_append_printf (out, _("Expect: %s\n"), shmviz_lesson_expect_to_string (lesson->expect));
          if (lesson->twin)
            g_string_append_printf (out, _("Twin:   %s\n"), lesson->twin);
          g_string_append_printf (out, _("Runs:   %u producers, %u consumers, %u slots, sync %s\n"),
                                  sc->n_producers, sc->n_consumers, sc->n_slots,
                                  shmviz_sync_mode_to_string (sc->sync));
          g_string_append_printf (out, _("Try:    shmviz-cli run --lesson %s\n"), lesson->id);
        }
      fputs (out->str, stdout);
      return SHMVIZ_CLI_EXIT_OK;
    }

  lessons = shmviz_lesson_list (errors);
  for (guint i = 0; i < errors->len; i++)
    g_printerr (_("shmviz-cli lessons: skipped %s\n"), (char *) g_ptr_array_index (errors, i));

  if (json)
    {
      g_string_append_c (out, '[');
      for (guint i = 0; i < lessons->len; i++)
        {
          if (i)
            g_string_append_c (out, ',');
          lesson_to_json (g_ptr_array_index (lessons, i), out);
        }
      g_string_append (out, "]\n");
    }
  else if (lessons->len == 0)
    {
      g_auto(GStrv) dirs = shmviz_lesson_dirs ();
      g_autofree char *joined = g_strjoinv (", ", dirs);

      g_printerr (_("shmviz-cli lessons: no lessons found in %s\n"), joined);
      return SHMVIZ_CLI_EXIT_FAILED;
    }
  else
    {
      g_string_append_printf (out, "%-16s %-14s %-16s %s\n", _("ID"), _("EXPECT"), _("TWIN"), _("TITLE"));
      for (guint i = 0; i < lessons->len; i++)
        {
          const ShmvizLesson *lesson = g_ptr_array_index (lessons, i);

          g_string_append_printf (out, "%-16s %-14s %-16s %s%s\n", lesson->id,
                                  shmviz_lesson_expect_to_string (lesson->expect),
                                  lesson->twin ? lesson->twin : "-", lesson->title,
                                  lesson->user ? _(" (yours)") : "");
        }
    }
  fputs (out->str, stdout);
  return SHMVIZ_CLI_EXIT_OK;

usage_error:
  g_printerr ("shmviz-cli lessons: %s\n", error->message);
  g_printerr (_("Run “shmviz-cli lessons --help” for the options.\n"));
  return SHMVIZ_CLI_EXIT_USAGE;
}
