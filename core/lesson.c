/* lesson.c — loading, validating, listing and saving lessons
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <errno.h>
#include <math.h>
#include <string.h>

#include <glib/gi18n.h>
#include <glib/gstdio.h>

#include "lesson.h"
#include "schedule.h"

#define GROUP_LESSON   "Lesson"
#define GROUP_SCENARIO "Scenario"
#define KEY_SCHEDULE   "Schedule"
#define MAX_ID_LENGTH  64
#define NS_PER_S       1000000000.0

G_DEFINE_QUARK (shmviz-lesson-error-quark, shmviz_lesson_error)

static const char * const expect_names[SHMVIZ_N_EXPECTS] = {
  [SHMVIZ_EXPECT_CLEAN]         = "clean",
  [SHMVIZ_EXPECT_RACES]         = "races",
  [SHMVIZ_EXPECT_DEADLOCK]      = "deadlock",
  [SHMVIZ_EXPECT_BACK_PRESSURE] = "back-pressure",
  [SHMVIZ_EXPECT_CONTENTION]    = "contention",
};

const char *
shmviz_lesson_expect_to_string (ShmvizLessonExpect expect)
{
  if ((guint) expect >= SHMVIZ_N_EXPECTS)
    return NULL;
  return expect_names[expect];
}

gboolean
shmviz_lesson_expect_from_string (const char         *str,
                                  ShmvizLessonExpect *expect)
{
  for (guint i = 0; str && i < SHMVIZ_N_EXPECTS; i++)
    if (strcmp (str, expect_names[i]) == 0)
      {
        *expect = i;
        return TRUE;
      }
  return FALSE;
}

gboolean
shmviz_lesson_id_is_valid (const char *id)
{
  gsize len;

  if (id == NULL)
    return FALSE;
  len = strlen (id);
  if (len == 0 || len > MAX_ID_LENGTH || id[0] == '-')
    return FALSE;
  for (const char *p = id; *p; p++)
    if (!(g_ascii_islower (*p) || g_ascii_isdigit (*p) || *p == '-'))
      return FALSE;
  return TRUE;
}

char *
shmviz_lesson_id_from_name (const char *name)
{
  GString *id = g_string_new (NULL);
  gboolean dash = FALSE;

  g_return_val_if_fail (name != NULL, NULL);

  /* Anything that is not an ASCII letter or digit becomes one dash, so
   * "Wrong order (deadlock)" gives "wrong-order-deadlock". */
  for (const char *p = name; *p && id->len < MAX_ID_LENGTH; p++)
    {
      if (g_ascii_isalnum (*p))
        {
          if (dash && id->len > 0)
            g_string_append_c (id, '-');
          g_string_append_c (id, g_ascii_tolower (*p));
          dash = FALSE;
        }
      else
        dash = TRUE;
    }
  if (id->len == 0)
    g_string_append (id, "lesson");
  while (id->len > MAX_ID_LENGTH || id->str[id->len - 1] == '-')
    g_string_truncate (id, id->len - 1);
  return g_string_free (id, FALSE);
}

void
shmviz_lesson_free (ShmvizLesson *lesson)
{
  if (lesson == NULL)
    return;
  g_free (lesson->id);
  g_free (lesson->path);
  g_free (lesson->name);
  g_free (lesson->title);
  g_free (lesson->explanation);
  g_free (lesson->twin);
  g_free (lesson->schedule);
  g_free (lesson);
}

/* Scenario keys: the spelling of `shmviz-cli run`'s flags. */
typedef enum {
  KEY_PRODUCERS,
  KEY_CONSUMERS,
  KEY_SLOTS,
  KEY_ITEM_SIZE,
  KEY_SYNC,
  KEY_ITEMS,
  KEY_DURATION,
  KEY_PRODUCE_TIME,
  KEY_CONSUME_TIME,
  KEY_RACE_WINDOW,
  KEY_STEP_TIME,
  KEY_SPEED,
  KEY_SEED,
  N_KEYS
} ScenarioKey;

static const char * const scenario_keys[N_KEYS] = {
  [KEY_PRODUCERS]    = "producers",
  [KEY_CONSUMERS]    = "consumers",
  [KEY_SLOTS]        = "slots",
  [KEY_ITEM_SIZE]    = "item-size",
  [KEY_SYNC]         = "sync",
  [KEY_ITEMS]        = "items",
  [KEY_DURATION]     = "duration",
  [KEY_PRODUCE_TIME] = "produce-time",
  [KEY_CONSUME_TIME] = "consume-time",
  [KEY_RACE_WINDOW]  = "race-window",
  [KEY_STEP_TIME]    = "step-time",
  [KEY_SPEED]        = "speed",
  [KEY_SEED]         = "seed",
};

static gboolean
parse_count (const char *value,
             guint64     max,
             guint64    *out,
             GError    **error)
{
  /* Range checks belong to shmviz_scenario_validate(); this only refuses
   * what does not fit the field at all. */
  if (!g_ascii_string_to_unsigned (value, 10, 0, max, out, NULL))
    {
      g_set_error (error, SHMVIZ_LESSON_ERROR, SHMVIZ_LESSON_ERROR_INVALID,
                   _("“%s” is not a whole number"), value);
      return FALSE;
    }
  return TRUE;
}

static gboolean
parse_key (ShmvizScenario *sc,
           ScenarioKey     key,
           const char     *value,
           GError        **error)
{
  guint64 v;

  switch (key)
    {
    case KEY_PRODUCERS:
    case KEY_CONSUMERS:
    case KEY_SLOTS:
    case KEY_ITEM_SIZE:
      if (!parse_count (value, G_MAXUINT, &v, error))
        return FALSE;
      if (key == KEY_PRODUCERS)
        sc->n_producers = v;
      else if (key == KEY_CONSUMERS)
        sc->n_consumers = v;
      else if (key == KEY_SLOTS)
        sc->n_slots = v;
      else
        sc->item_size = v;
      return TRUE;

    case KEY_ITEMS:
      return parse_count (value, G_MAXUINT64, &sc->items, error);

    case KEY_SEED:
      return parse_count (value, G_MAXUINT64, &sc->seed, error);

    case KEY_SYNC:
      if (!shmviz_sync_mode_from_string (value, &sc->sync))
        {
          g_autoptr(GString) modes = g_string_new (NULL);

          for (guint i = 0; i < SHMVIZ_N_SYNC_MODES; i++)
            g_string_append_printf (modes, "%s%s", i ? ", " : "", shmviz_sync_mode_to_string (i));
          g_set_error (error, SHMVIZ_LESSON_ERROR, SHMVIZ_LESSON_ERROR_INVALID,
                       _("“%s” is not one of %s"), value, modes->str);
          return FALSE;
        }
      return TRUE;

    case KEY_DURATION:
      {
        char *end = NULL;
        gdouble s = g_ascii_strtod (value, &end);
        guint64 ns;

        /* Seconds, as in the CLI, or any unit the delays accept. */
        if (end != value && *end == '\0')
          {
            if (!isfinite (s))
              {
                g_set_error (error, SHMVIZ_LESSON_ERROR, SHMVIZ_LESSON_ERROR_INVALID,
                             _("“%s” is not a number of seconds"), value);
                return FALSE;
              }
            sc->duration = s;
            return TRUE;
          }
        if (!shmviz_parse_duration_ns (value, &ns, error))
          return FALSE;
        sc->duration = ns / NS_PER_S;
        return TRUE;
      }

    case KEY_PRODUCE_TIME:
    case KEY_CONSUME_TIME:
    case KEY_RACE_WINDOW:
    case KEY_STEP_TIME:
      {
        static const ShmvizTiming timings[] = {
          [KEY_PRODUCE_TIME] = SHMVIZ_TIMING_PRODUCE,
          [KEY_CONSUME_TIME] = SHMVIZ_TIMING_CONSUME,
          [KEY_RACE_WINDOW]  = SHMVIZ_TIMING_RACE_WINDOW,
          [KEY_STEP_TIME]    = SHMVIZ_TIMING_STEP,
        };

        return shmviz_parse_duration_ns (value, &sc->timing_ns[timings[key]], error);
      }

    case KEY_SPEED:
      {
        char *end = NULL;
        gdouble factor;

        if (g_ascii_strcasecmp (value, "full") == 0)
          {
            sc->speed_permille = 0;
            return TRUE;
          }
        factor = g_ascii_strtod (value, &end);
        if (end == value || *end != '\0' || !isfinite (factor) || factor < 0 ||
            factor > SHMVIZ_MAX_SPEED / 1000.0 + 1)
          {
            g_set_error (error, SHMVIZ_LESSON_ERROR, SHMVIZ_LESSON_ERROR_INVALID,
                         _("“%s” is not a speed factor (0.001 to %u, or “full”)"),
                         value, SHMVIZ_MAX_SPEED / 1000);
            return FALSE;
          }
        sc->speed_permille = (guint) (factor * 1000.0 + 0.5);
        return TRUE;
      }

    case N_KEYS:
    default:
      g_assert_not_reached ();
    }
}

static char *
get_text (GKeyFile    *kf,
          const char  *key,
          gboolean     required,
          GError     **error)
{
  g_autoptr(GError) local_error = NULL;
  g_autofree char *value = NULL;

  value = g_key_file_get_locale_string (kf, GROUP_LESSON, key, NULL, &local_error);
  if (value == NULL)
    {
      if (!required && g_error_matches (local_error, G_KEY_FILE_ERROR, G_KEY_FILE_ERROR_KEY_NOT_FOUND))
        return NULL;
      g_set_error (error, SHMVIZ_LESSON_ERROR, SHMVIZ_LESSON_ERROR_INVALID,
                   _("[%s] %s: %s"), GROUP_LESSON, key, local_error->message);
      return NULL;
    }
  g_strstrip (value);
  if (required && *value == '\0')
    {
      g_set_error (error, SHMVIZ_LESSON_ERROR, SHMVIZ_LESSON_ERROR_INVALID,
                   _("[%s] %s: must not be empty"), GROUP_LESSON, key);
      return NULL;
    }
  return g_steal_pointer (&value);
}

static ShmvizLesson *
lesson_from_key_file (GKeyFile    *kf,
                      const char  *id,
                      GError     **error)
{
  g_autoptr(ShmvizLesson) lesson = g_new0 (ShmvizLesson, 1);
  g_auto(GStrv) keys = NULL;
  g_autofree char *expect = NULL;
  g_autofree char *schedule = NULL;
  GError *local_error = NULL;

  if (!shmviz_lesson_id_is_valid (id))
    {
      g_set_error (error, SHMVIZ_LESSON_ERROR, SHMVIZ_LESSON_ERROR_INVALID,
                   _("the file name must be ID.lesson with an ID of lower-case letters, digits and dashes, not “%s”"),
                   id);
      return NULL;
    }
  lesson->id = g_strdup (id);

  if (!g_key_file_has_group (kf, GROUP_LESSON))
    {
      g_set_error (error, SHMVIZ_LESSON_ERROR, SHMVIZ_LESSON_ERROR_INVALID,
                   _("no [%s] group"), GROUP_LESSON);
      return NULL;
    }
  if (!(lesson->name = get_text (kf, "Name", TRUE, error)) ||
      !(lesson->title = get_text (kf, "Title", TRUE, error)) ||
      !(lesson->explanation = get_text (kf, "Explanation", TRUE, error)))
    return NULL;

  expect = g_key_file_get_string (kf, GROUP_LESSON, "Expect", NULL);
  if (expect)
    g_strstrip (expect);
  if (!shmviz_lesson_expect_from_string (expect, &lesson->expect))
    {
      g_set_error (error, SHMVIZ_LESSON_ERROR, SHMVIZ_LESSON_ERROR_INVALID,
                   _("[%s] Expect: must be one of clean, races, deadlock, back-pressure, contention, not “%s”"),
                   GROUP_LESSON, expect ? expect : "");
      return NULL;
    }

  lesson->twin = g_key_file_get_string (kf, GROUP_LESSON, "Twin", NULL);
  if (lesson->twin)
    {
      g_strstrip (lesson->twin);
      if (*lesson->twin == '\0')
        g_clear_pointer (&lesson->twin, g_free);
      else if (!shmviz_lesson_id_is_valid (lesson->twin) || strcmp (lesson->twin, id) == 0)
        {
          g_set_error (error, SHMVIZ_LESSON_ERROR, SHMVIZ_LESSON_ERROR_INVALID,
                       _("[%s] Twin: “%s” is not another lesson's id"), GROUP_LESSON, lesson->twin);
          return NULL;
        }
    }

  /* Missing keys keep the app's defaults; keys are applied in file order
   * and the whole scenario is validated after each one, so the first
   * value out of range is blamed on the key that set it. */
  shmviz_scenario_init_default (&lesson->scenario);
  keys = g_key_file_get_keys (kf, GROUP_SCENARIO, NULL, NULL);
  for (guint i = 0; keys && keys[i]; i++)
    {
      g_autofree char *value = g_key_file_get_string (kf, GROUP_SCENARIO, keys[i], NULL);
      guint k;

      /* Checked once the whole scenario is known: it may name processes
       * that a later key adds. */
      if (strcmp (keys[i], KEY_SCHEDULE) == 0)
        {
          if (value == NULL)
            {
              g_set_error (error, SHMVIZ_LESSON_ERROR, SHMVIZ_LESSON_ERROR_INVALID,
                           "[%s] %s: %s", GROUP_SCENARIO, keys[i], _("not a string"));
              return NULL;
            }
          g_free (schedule);
          schedule = g_steal_pointer (&value);
          continue;
        }
      for (k = 0; k < N_KEYS; k++)
        if (strcmp (keys[i], scenario_keys[k]) == 0)
          break;
      if (k == N_KEYS)
        {
          g_set_error (error, SHMVIZ_LESSON_ERROR, SHMVIZ_LESSON_ERROR_INVALID,
                       _("[%s] %s: unknown key (known: producers, consumers, slots, item-size, sync, items, "
                         "duration, produce-time, consume-time, race-window, step-time, speed, seed)"),
                       GROUP_SCENARIO, keys[i]);
          return NULL;
        }
      if (value)
        g_strstrip (value);
      if (value == NULL || !parse_key (&lesson->scenario, k, value, &local_error) ||
          !shmviz_scenario_validate (&lesson->scenario, &local_error))
        {
          g_set_error (error, SHMVIZ_LESSON_ERROR, SHMVIZ_LESSON_ERROR_INVALID,
                       "[%s] %s: %s", GROUP_SCENARIO, keys[i],
                       local_error ? local_error->message : _("not a string"));
          g_clear_error (&local_error);
          return NULL;
        }
    }
  if (!shmviz_scenario_validate (&lesson->scenario, &local_error))
    {
      g_propagate_prefixed_error (error, local_error, "[%s]: ", GROUP_SCENARIO);
      return NULL;
    }

  if (schedule != NULL)
    {
      g_autoptr(GArray) procs = shmviz_schedule_parse (schedule, &lesson->scenario, &local_error);

      if (procs == NULL)
        {
          g_set_error (error, SHMVIZ_LESSON_ERROR, SHMVIZ_LESSON_ERROR_INVALID,
                       "[%s] %s: %s", GROUP_SCENARIO, KEY_SCHEDULE, local_error->message);
          g_clear_error (&local_error);
          return NULL;
        }
      lesson->schedule = shmviz_schedule_to_string ((const guint *) (void *) procs->data, procs->len,
                                                    lesson->scenario.n_producers);
    }

  return g_steal_pointer (&lesson);
}

ShmvizLesson *
shmviz_lesson_load_data (const char  *data,
                         gsize        length,
                         const char  *id,
                         GError     **error)
{
  g_autoptr(GKeyFile) kf = g_key_file_new ();
  g_autoptr(GError) local_error = NULL;

  g_return_val_if_fail (data != NULL, NULL);
  g_return_val_if_fail (id != NULL, NULL);

  if (!g_key_file_load_from_data (kf, data, length, G_KEY_FILE_KEEP_TRANSLATIONS, &local_error))
    {
      g_set_error (error, SHMVIZ_LESSON_ERROR, SHMVIZ_LESSON_ERROR_INVALID,
                   "%s", local_error->message);
      return NULL;
    }
  return lesson_from_key_file (kf, id, error);
}

ShmvizLesson *
shmviz_lesson_load_file (const char  *path,
                         GError     **error)
{
  g_autofree char *contents = NULL;
  g_autofree char *base = NULL;
  g_autofree char *display = NULL;
  g_autoptr(GError) local_error = NULL;
  ShmvizLesson *lesson;
  gsize length;

  g_return_val_if_fail (path != NULL, NULL);

  base = g_path_get_basename (path);
  display = g_filename_display_name (path);
  if (!g_str_has_suffix (base, SHMVIZ_LESSON_SUFFIX))
    {
      g_set_error (error, SHMVIZ_LESSON_ERROR, SHMVIZ_LESSON_ERROR_INVALID,
                   _("%s: a lesson's file name ends in %s"), display, SHMVIZ_LESSON_SUFFIX);
      return NULL;
    }
  if (!g_file_get_contents (path, &contents, &length, &local_error))
    {
      g_set_error (error, SHMVIZ_LESSON_ERROR,
                   g_error_matches (local_error, G_FILE_ERROR, G_FILE_ERROR_NOENT)
                     ? SHMVIZ_LESSON_ERROR_NOT_FOUND : SHMVIZ_LESSON_ERROR_INVALID,
                   "%s", local_error->message);
      return NULL;
    }
  base[strlen (base) - strlen (SHMVIZ_LESSON_SUFFIX)] = '\0';

  lesson = shmviz_lesson_load_data (contents, length, base, &local_error);
  if (lesson == NULL)
    {
      g_set_error (error, SHMVIZ_LESSON_ERROR, local_error->code,
                   "%s: %s", display, local_error->message);
      return NULL;
    }
  lesson->path = g_strdup (path);
  return lesson;
}

char *
shmviz_lesson_user_dir (void)
{
  return g_build_filename (g_get_user_data_dir (), "shmviz", "lessons", NULL);
}

GStrv
shmviz_lesson_dirs (void)
{
  g_autoptr(GStrvBuilder) builder = g_strv_builder_new ();
  g_autofree char *user = shmviz_lesson_user_dir ();
  const char *env = g_getenv ("SHMVIZ_LESSONS_DIR");

  if (env && *env)
    {
      g_auto(GStrv) parts = g_strsplit (env, G_SEARCHPATH_SEPARATOR_S, -1);

      for (guint i = 0; parts[i]; i++)
        if (*parts[i])
          g_strv_builder_add (builder, parts[i]);
    }
  g_strv_builder_add (builder, user);
#ifdef SHMVIZ_SOURCE_LESSONS
  /* An uninstalled build finds the bundled lessons where they are written. */
  g_strv_builder_add (builder, SHMVIZ_SOURCE_LESSONS);
#endif
  g_strv_builder_add (builder, SHMVIZ_DATADIR G_DIR_SEPARATOR_S "lessons");
  return g_strv_builder_end (builder);
}

static int
compare_lessons (gconstpointer a,
                 gconstpointer b)
{
  const ShmvizLesson *la = *(ShmvizLesson * const *) a;
  const ShmvizLesson *lb = *(ShmvizLesson * const *) b;

  return strcmp (la->id, lb->id);
}

GPtrArray *
shmviz_lesson_list (GPtrArray *errors)
{
  g_autoptr(GHashTable) seen = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  g_auto(GStrv) dirs = shmviz_lesson_dirs ();
  g_autofree char *user = shmviz_lesson_user_dir ();
  GPtrArray *lessons = g_ptr_array_new_with_free_func ((GDestroyNotify) shmviz_lesson_free);

  for (guint d = 0; dirs[d]; d++)
    {
      g_autoptr(GDir) dir = g_dir_open (dirs[d], 0, NULL);
      g_autoptr(GPtrArray) names = g_ptr_array_new_with_free_func (g_free);
      const char *entry;

      if (dir == NULL)
        continue;
      while ((entry = g_dir_read_name (dir)))
        if (g_str_has_suffix (entry, SHMVIZ_LESSON_SUFFIX) && entry[0] != '.')
          g_ptr_array_add (names, g_strdup (entry));

      for (guint i = 0; i < names->len; i++)
        {
          g_autofree char *path = g_build_filename (dirs[d], g_ptr_array_index (names, i), NULL);
          g_autofree char *id = g_strndup (g_ptr_array_index (names, i),
                                           strlen (g_ptr_array_index (names, i)) - strlen (SHMVIZ_LESSON_SUFFIX));
          g_autoptr(GError) error = NULL;
          ShmvizLesson *lesson;

          /* A broken lesson still hides one of the same id further down
           * the path: silently showing another would be more confusing. */
          if (!g_hash_table_add (seen, g_strdup (id)))
            continue;
          lesson = shmviz_lesson_load_file (path, &error);
          if (lesson == NULL)
            {
              if (errors)
                g_ptr_array_add (errors, g_strdup (error->message));
              continue;
            }
          lesson->user = g_strcmp0 (dirs[d], user) == 0;
          g_ptr_array_add (lessons, lesson);
        }
    }
  g_ptr_array_sort (lessons, compare_lessons);
  return lessons;
}

ShmvizLesson *
shmviz_lesson_find (const char  *name,
                    GError     **error)
{
  g_autoptr(GPtrArray) errors = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(GPtrArray) lessons = NULL;
  g_autofree char *path = NULL;
  ShmvizLesson *by_name = NULL;

  g_return_val_if_fail (name != NULL, NULL);

  /* A path to a lesson file works too, for lessons kept anywhere. */
  if (g_str_has_suffix (name, SHMVIZ_LESSON_SUFFIX) && strchr (name, G_DIR_SEPARATOR))
    return shmviz_lesson_load_file (name, error);

  lessons = shmviz_lesson_list (errors);
  for (guint i = 0; i < lessons->len; i++)
    {
      ShmvizLesson *lesson = g_ptr_array_index (lessons, i);

      if (strcmp (lesson->id, name) == 0)
        return g_ptr_array_steal_index (lessons, i);
      if (by_name == NULL)
        {
          g_autofree char *a = g_utf8_casefold (lesson->name, -1);
          g_autofree char *b = g_utf8_casefold (name, -1);

          if (strcmp (a, b) == 0)
            by_name = lesson;
        }
    }
  if (by_name)
    {
      guint index;

      g_ptr_array_find (lessons, by_name, &index);
      return g_ptr_array_steal_index (lessons, index);
    }

  /* A lesson that exists but does not load says why. */
  for (guint i = 0; i < errors->len; i++)
    {
      g_autofree char *file = g_strconcat (name, SHMVIZ_LESSON_SUFFIX ":", NULL);
      const char *message = g_ptr_array_index (errors, i);

      if (strstr (message, file))
        {
          g_set_error (error, SHMVIZ_LESSON_ERROR, SHMVIZ_LESSON_ERROR_INVALID, "%s", message);
          return NULL;
        }
    }
  g_set_error (error, SHMVIZ_LESSON_ERROR, SHMVIZ_LESSON_ERROR_NOT_FOUND,
               _("no lesson “%s” (“shmviz-cli lessons” lists them)"), name);
  return NULL;
}

GArray *
shmviz_lesson_parse_schedule (const ShmvizLesson  *lesson,
                              GError             **error)
{
  g_return_val_if_fail (lesson != NULL, NULL);

  if (lesson->schedule == NULL)
    return NULL;
  return shmviz_schedule_parse (lesson->schedule, &lesson->scenario, error);
}

static char *
format_delay (guint64 ns)
{
  if (ns == 0)
    return g_strdup ("0");
  if (ns % 1000000 == 0)
    return g_strdup_printf ("%" G_GUINT64_FORMAT "ms", ns / 1000000);
  if (ns % 1000 == 0)
    return g_strdup_printf ("%" G_GUINT64_FORMAT "us", ns / 1000);
  return g_strdup_printf ("%" G_GUINT64_FORMAT "ns", ns);
}

char *
shmviz_lesson_to_data (const ShmvizLesson *lesson,
                       gsize              *length)
{
  g_autoptr(GKeyFile) kf = g_key_file_new ();
  const ShmvizScenario *sc = &lesson->scenario;
  char buf[G_ASCII_DTOSTR_BUF_SIZE];
  static const ScenarioKey timing_keys[SHMVIZ_N_TIMINGS] = {
    [SHMVIZ_TIMING_PRODUCE]     = KEY_PRODUCE_TIME,
    [SHMVIZ_TIMING_CONSUME]     = KEY_CONSUME_TIME,
    [SHMVIZ_TIMING_RACE_WINDOW] = KEY_RACE_WINDOW,
    [SHMVIZ_TIMING_STEP]        = KEY_STEP_TIME,
  };

  g_return_val_if_fail (lesson != NULL, NULL);

  g_key_file_set_string (kf, GROUP_LESSON, "Name", lesson->name ? lesson->name : lesson->id);
  g_key_file_set_string (kf, GROUP_LESSON, "Title", lesson->title ? lesson->title : lesson->id);
  g_key_file_set_string (kf, GROUP_LESSON, "Explanation", lesson->explanation ? lesson->explanation : "");
  g_key_file_set_string (kf, GROUP_LESSON, "Expect", shmviz_lesson_expect_to_string (lesson->expect));
  if (lesson->twin)
    g_key_file_set_string (kf, GROUP_LESSON, "Twin", lesson->twin);

  g_key_file_set_uint64 (kf, GROUP_SCENARIO, scenario_keys[KEY_PRODUCERS], sc->n_producers);
  g_key_file_set_uint64 (kf, GROUP_SCENARIO, scenario_keys[KEY_CONSUMERS], sc->n_consumers);
  g_key_file_set_uint64 (kf, GROUP_SCENARIO, scenario_keys[KEY_SLOTS], sc->n_slots);
  g_key_file_set_uint64 (kf, GROUP_SCENARIO, scenario_keys[KEY_ITEM_SIZE], sc->item_size);
  g_key_file_set_string (kf, GROUP_SCENARIO, scenario_keys[KEY_SYNC], shmviz_sync_mode_to_string (sc->sync));
  g_key_file_set_uint64 (kf, GROUP_SCENARIO, scenario_keys[KEY_ITEMS], sc->items);
  g_key_file_set_string (kf, GROUP_SCENARIO, scenario_keys[KEY_DURATION],
                         g_ascii_dtostr (buf, sizeof buf, sc->duration));
  for (guint i = 0; i < SHMVIZ_N_TIMINGS; i++)
    {
      g_autofree char *delay = format_delay (sc->timing_ns[i]);

      g_key_file_set_string (kf, GROUP_SCENARIO, scenario_keys[timing_keys[i]], delay);
    }
  if (sc->speed_permille == 0)
    g_key_file_set_string (kf, GROUP_SCENARIO, scenario_keys[KEY_SPEED], "full");
  else
    g_key_file_set_string (kf, GROUP_SCENARIO, scenario_keys[KEY_SPEED],
                           g_ascii_dtostr (buf, sizeof buf, sc->speed_permille / 1000.0));
  g_key_file_set_uint64 (kf, GROUP_SCENARIO, scenario_keys[KEY_SEED], sc->seed);
  if (lesson->schedule)
    g_key_file_set_string (kf, GROUP_SCENARIO, KEY_SCHEDULE, lesson->schedule);

  return g_key_file_to_data (kf, length, NULL);
}

gboolean
shmviz_lesson_save (ShmvizLesson  *lesson,
                    const char    *dir,
                    GError       **error)
{
  g_autofree char *user_dir = NULL;
  g_autofree char *path = NULL;
  g_autofree char *data = NULL;
  g_autoptr(GError) local_error = NULL;
  gsize length;

  g_return_val_if_fail (lesson != NULL, FALSE);

  if (!shmviz_lesson_id_is_valid (lesson->id))
    {
      g_set_error (error, SHMVIZ_LESSON_ERROR, SHMVIZ_LESSON_ERROR_INVALID,
                   _("“%s” is not a lesson id: use lower-case letters, digits and dashes"),
                   lesson->id ? lesson->id : "");
      return FALSE;
    }
  if (!shmviz_scenario_validate (&lesson->scenario, &local_error))
    {
      g_set_error (error, SHMVIZ_LESSON_ERROR, SHMVIZ_LESSON_ERROR_INVALID,
                   "%s: %s", lesson->id, local_error->message);
      return FALSE;
    }
  if (lesson->schedule != NULL)
    {
      g_autoptr(GArray) procs = shmviz_lesson_parse_schedule (lesson, &local_error);

      if (procs == NULL)
        {
          g_set_error (error, SHMVIZ_LESSON_ERROR, SHMVIZ_LESSON_ERROR_INVALID,
                       "%s: [%s] %s: %s", lesson->id, GROUP_SCENARIO, KEY_SCHEDULE, local_error->message);
          return FALSE;
        }
    }

  if (dir == NULL)
    dir = user_dir = shmviz_lesson_user_dir ();
  if (g_mkdir_with_parents (dir, 0755) != 0)
    {
      int errsv = errno;
      g_autofree char *display = g_filename_display_name (dir);

      g_set_error (error, G_FILE_ERROR, g_file_error_from_errno (errsv),
                   _("Could not create %s: %s"), display, g_strerror (errsv));
      return FALSE;
    }

  path = g_strconcat (dir, G_DIR_SEPARATOR_S, lesson->id, SHMVIZ_LESSON_SUFFIX, NULL);
  data = shmviz_lesson_to_data (lesson, &length);
  /* g_file_set_contents() writes a temporary file and renames it, so a
   * crash never leaves half a lesson behind. */
  if (!g_file_set_contents (path, data, length, error))
    return FALSE;

  g_free (lesson->path);
  lesson->path = g_steal_pointer (&path);
  lesson->user = user_dir != NULL;
  return TRUE;
}
