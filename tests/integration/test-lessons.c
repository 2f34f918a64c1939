/* test-lessons.c — every bundled lesson keeps its promise when it runs
 * with real processes, and bad lesson files fail clearly
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <glib/gstdio.h>
#include <string.h>
#include <sys/wait.h>

#include "event.h"
#include "lesson.h"
#include "session.h"
#include "shm-check.h"

/* Lessons are timed for a classroom; the test runs them this much faster
 * (the ratios between delays, which make the races, stay the same). */
#define SPEEDUP 20
/* Generous, for a loaded two-core machine: the longest lesson needs under
 * two seconds at SPEEDUP. */
#define RUN_LIMIT_S 20

static char *lessons_dir;
static char *user_data_dir;

typedef struct {
  GMainLoop *loop;
  gboolean   finished;
  gboolean   deadlock;
  gboolean   model_deadlock;   /* what the model said when it was reported */
  guint      timer;
} Run;

static void
on_finished (ShmvizSession *session,
             Run           *run)
{
  run->finished = TRUE;
  g_main_loop_quit (run->loop);
}

static void
on_deadlock (ShmvizSession *session,
             Run           *run)
{
  ShmvizSnapshot snap = { 0 };

  run->deadlock = TRUE;
  shmviz_model_snapshot (shmviz_session_get_model (session), &snap);
  run->model_deadlock = snap.deadlock;
  shmviz_snapshot_clear (&snap);
  g_main_loop_quit (run->loop);
}

static gboolean
on_timeout (gpointer data)
{
  Run *run = data;

  run->timer = 0;
  g_main_loop_quit (run->loop);
  return G_SOURCE_REMOVE;
}

static void
run_loop (Run  *run,
          guint seconds)
{
  run->timer = g_timeout_add_seconds (seconds, on_timeout, run);
  g_main_loop_run (run->loop);
  g_clear_handle_id (&run->timer, g_source_remove);
}

/* Every producer's WAITING spans, as (producer, span). */
typedef struct {
  guint      proc;
  ShmvizSpan span;
} Wait;

static GArray *
producer_waits (ShmvizModel *model,
                guint        n_producers)
{
  GArray *waits = g_array_new (FALSE, FALSE, sizeof (Wait));

  for (guint p = 0; p < n_producers; p++)
    {
      g_autoptr(GArray) spans = g_array_new (FALSE, FALSE, sizeof (ShmvizSpan));

      shmviz_model_get_spans (model, p, 0, spans);
      for (guint i = 0; i < spans->len; i++)
        {
          Wait w = { p, g_array_index (spans, ShmvizSpan, i) };

          if (w.span.state == SHMVIZ_VIEW_WAITING)
            g_array_append_val (waits, w);
        }
    }
  return waits;
}

static void
test_outcome (gconstpointer data)
{
  const char *path = data;
  g_autoptr(GError) error = NULL;
  g_autoptr(ShmvizLesson) lesson = shmviz_lesson_load_file (path, &error);
  g_autoptr(ShmvizSession) session = NULL;
  g_autoptr(GMainLoop) loop = g_main_loop_new (NULL, FALSE);
  g_autoptr(GArray) waits = NULL;
  g_autoptr(GPtrArray) left = NULL;
  ShmvizSnapshot snap = { 0 };
  ShmvizScenario sc;
  ShmvizTotals t;
  Run run = { .loop = loop };
  guint anomalies;

  g_assert_no_error (error);
  sc = lesson->scenario;
  sc.speed_permille = MIN (MAX (sc.speed_permille, 1000u) * SPEEDUP, SHMVIZ_MAX_SPEED);
  g_test_message ("%s: expect %s, %u×%u on %u slots, sync %s, speed %u‰", lesson->id,
                  shmviz_lesson_expect_to_string (lesson->expect), sc.n_producers, sc.n_consumers,
                  sc.n_slots, shmviz_sync_mode_to_string (sc.sync), sc.speed_permille);

  session = shmviz_session_new (&sc);
  g_signal_connect (session, "finished", G_CALLBACK (on_finished), &run);
  g_signal_connect (session, "deadlock", G_CALLBACK (on_deadlock), &run);
  shmviz_session_start (session, &error);
  g_assert_no_error (error);

  run_loop (&run, RUN_LIMIT_S);
  if (!run.finished)
    {
      shmviz_session_stop (session);
      run_loop (&run, 10);
    }
  g_assert_true (run.finished);

  shmviz_model_get_totals (shmviz_session_get_model (session), &t);
  shmviz_model_snapshot (shmviz_session_get_model (session), &snap);
  anomalies = shmviz_model_get_anomalies (shmviz_session_get_model (session), 0, NULL);
  waits = producer_waits (shmviz_session_get_model (session), sc.n_producers);
  g_test_message ("%s: produced %" G_GUINT64_FORMAT ", consumed %" G_GUINT64_FORMAT ", in buffer %"
                  G_GUINT64_FORMAT ", lost %" G_GUINT64_FORMAT ", duplicated %" G_GUINT64_FORMAT
                  ", empty reads %" G_GUINT64_FORMAT ", anomalies %u, deadlock %d, producer waits %u",
                  lesson->id, t.produced, t.consumed, t.in_buffer, t.lost, t.duplicated, t.empty_reads,
                  anomalies, snap.deadlock || run.deadlock, waits->len);
  g_assert_cmpuint (t.dropped_events, ==, 0);

  switch (lesson->expect)
    {
    case SHMVIZ_EXPECT_RACES:
      g_assert_cmpuint (anomalies, >, 0);
      g_assert_cmpuint (t.lost + t.duplicated + t.empty_reads + t.corrupt + t.index_drift, >, 0);
      g_assert_false (run.deadlock);
      break;

    case SHMVIZ_EXPECT_DEADLOCK:
      g_assert_true (run.deadlock);
      g_assert_true (run.model_deadlock);
      g_assert_cmpuint (t.deadlocks, >, 0);
      break;

    case SHMVIZ_EXPECT_CLEAN:
    case SHMVIZ_EXPECT_BACK_PRESSURE:
    case SHMVIZ_EXPECT_CONTENTION:
      g_assert_false (run.deadlock);
      g_assert_cmpuint (anomalies, ==, 0);
      g_assert_cmpuint (t.lost + t.duplicated + t.empty_reads + t.corrupt + t.index_drift, ==, 0);
      /* Exact conservation: every item is consumed once or still waiting. */
      g_assert_cmpuint (t.produced, ==, t.consumed + t.in_buffer);
      if (sc.items > 0 && t.produced == sc.items)
        g_assert_cmpuint (t.consumed, ==, sc.items);
      g_assert_cmpuint (t.produced, >, 0);

      if (lesson->expect == SHMVIZ_EXPECT_BACK_PRESSURE)
        {
          guint on_empty = 0;

          for (guint i = 0; i < waits->len; i++)
            if (g_array_index (waits, Wait, i).span.wait_sem == SHMVIZ_SEM_EMPTY)
              on_empty++;
          g_test_message ("%s: %u waits on empty", lesson->id, on_empty);
          g_assert_cmpuint (on_empty, >, 0);
        }
      else if (lesson->expect == SHMVIZ_EXPECT_CONTENTION)
        {
          gboolean overlap = FALSE;

          /* Several producers blocked at the same moment. */
          for (guint i = 0; i < waits->len && !overlap; i++)
            for (guint j = i + 1; j < waits->len && !overlap; j++)
              {
                const Wait *a = &g_array_index (waits, Wait, i);
                const Wait *b = &g_array_index (waits, Wait, j);

                overlap = a->proc != b->proc &&
                          a->span.start_ns < b->span.end_ns && b->span.start_ns < a->span.end_ns;
              }
          g_assert_true (overlap);
        }
      break;

    case SHMVIZ_N_EXPECTS:
    default:
      g_assert_not_reached ();
    }

  shmviz_snapshot_clear (&snap);
  g_clear_object (&session);
  left = shm_check_leftovers ();
  shm_check_sweep ();
  g_assert_cmpuint (left->len, ==, 0);
}

static gboolean
same_shape (const ShmvizScenario *a,
            const ShmvizScenario *b)
{
  return a->n_producers == b->n_producers && a->n_consumers == b->n_consumers &&
         a->n_slots == b->n_slots && a->item_size == b->item_size && a->items == b->items &&
         a->speed_permille == b->speed_permille && a->seed == b->seed &&
         memcmp (a->timing_ns, b->timing_ns, sizeof a->timing_ns) == 0;
}

static void
test_bundled (void)
{
  static const char * const required[] = {
    "textbook", "bounded-buffer", "no-sync", "mutex-only", "wrong-order", "contention", "slow-consumer",
  };
  g_autoptr(GPtrArray) errors = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(GPtrArray) lessons = shmviz_lesson_list (errors);
  g_autoptr(ShmvizLesson) textbook = NULL;
  g_autoptr(GError) error = NULL;

  for (guint i = 0; i < errors->len; i++)
    g_test_message ("%s", (char *) g_ptr_array_index (errors, i));
  g_assert_cmpuint (errors->len, ==, 0);
  g_assert_cmpuint (lessons->len, >=, G_N_ELEMENTS (required));

  for (guint i = 0; i < G_N_ELEMENTS (required); i++)
    {
      g_autoptr(ShmvizLesson) lesson = shmviz_lesson_find (required[i], &error);

      g_assert_no_error (error);
      g_assert_cmpstr (lesson->id, ==, required[i]);
    }

  for (guint i = 0; i < lessons->len; i++)
    {
      const ShmvizLesson *lesson = g_ptr_array_index (lessons, i);
      guint sentences = 0;

      g_assert_false (lesson->user);
      /* A teacher's two to four sentences, give or take an abbreviation. */
      for (const char *p = lesson->explanation; *p; p++)
        if (*p == '.' && (p[1] == ' ' || p[1] == '\0'))
          sentences++;
      g_assert_cmpuint (sentences, >=, 2);
      g_assert_cmpuint (sentences, <=, 4);

      /* A broken lesson names its fixed twin, which runs the same shape,
       * seed and timings with another sync mode (for the A/B view). */
      if (lesson->expect == SHMVIZ_EXPECT_RACES || lesson->expect == SHMVIZ_EXPECT_DEADLOCK)
        {
          g_autoptr(ShmvizLesson) twin = NULL;

          g_assert_nonnull (lesson->twin);
          twin = shmviz_lesson_find (lesson->twin, &error);
          g_assert_no_error (error);
          g_assert_cmpint (twin->expect, !=, SHMVIZ_EXPECT_RACES);
          g_assert_cmpint (twin->expect, !=, SHMVIZ_EXPECT_DEADLOCK);
          g_assert_cmpint (twin->scenario.sync, !=, lesson->scenario.sync);
          g_assert_true (same_shape (&twin->scenario, &lesson->scenario));
        }
      else if (lesson->twin)
        {
          g_autoptr(ShmvizLesson) twin = shmviz_lesson_find (lesson->twin, &error);

          g_assert_no_error (error);
          g_assert_true (same_shape (&twin->scenario, &lesson->scenario));
        }
    }

  /* The textbook example, as the issue describes it. */
  textbook = shmviz_lesson_find ("textbook", &error);
  g_assert_no_error (error);
  g_assert_cmpuint (textbook->scenario.n_producers, ==, 1);
  g_assert_cmpuint (textbook->scenario.n_consumers, ==, 1);
  g_assert_cmpuint (textbook->scenario.n_slots, ==, 1);
  g_assert_cmpuint (textbook->scenario.item_size, ==, sizeof (int));
  g_assert_cmpuint (textbook->scenario.items, ==, 1);
  g_assert_cmpint (textbook->scenario.sync, ==, SHMVIZ_SYNC_SEMAPHORES);
}

static const char good_lesson[] =
  "[Lesson]\n"
  "Name=Good\n"
  "Name[de]=Gut\n"
  "Title=A title\n"
  "Explanation=One. Two.\n"
  "Expect=clean\n"
  "[Scenario]\n"
  "producers=3\n"
  "slots=5\n"
  "produce-time=250ms\n"
  "duration=2.5\n"
  "speed=full\n";

static void
expect_bad (const char *dir,
            const char *id,
            const char *contents,
            const char *must_mention)
{
  g_autofree char *file = g_strconcat (id, ".lesson", NULL);
  g_autofree char *path = g_build_filename (dir, file, NULL);
  g_autoptr(GError) error = NULL;
  g_autoptr(ShmvizLesson) lesson = NULL;

  g_assert_true (g_file_set_contents (path, contents, -1, NULL));
  lesson = shmviz_lesson_load_file (path, &error);
  g_assert_null (lesson);
  g_assert_error (error, SHMVIZ_LESSON_ERROR, SHMVIZ_LESSON_ERROR_INVALID);
  g_test_message ("%s", error->message);
  g_assert_nonnull (strstr (error->message, file));
  g_assert_nonnull (strstr (error->message, must_mention));
  g_unlink (path);
}

static void
test_bad_files (void)
{
  g_autofree char *dir = g_dir_make_tmp ("shmviz-lessons-XXXXXX", NULL);
  g_autofree char *good_path = g_build_filename (dir, "good.lesson", NULL);
  g_autoptr(ShmvizLesson) good = NULL;
  g_autoptr(GError) error = NULL;

  g_assert_nonnull (dir);
  g_assert_true (g_file_set_contents (good_path, good_lesson, -1, NULL));
  good = shmviz_lesson_load_file (good_path, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (good->scenario.n_producers, ==, 3);
  g_assert_cmpuint (good->scenario.n_consumers, ==, 2);   /* the default */
  g_assert_cmpuint (good->scenario.n_slots, ==, 5);
  g_assert_cmpuint (good->scenario.timing_ns[SHMVIZ_TIMING_PRODUCE], ==, 250000000);
  g_assert_cmpfloat (good->scenario.duration, ==, 2.5);
  g_assert_cmpuint (good->scenario.speed_permille, ==, 0);
  g_unlink (good_path);

  expect_bad (dir, "range", "[Lesson]\nName=a\nTitle=b\nExplanation=c\nExpect=clean\n"
              "[Scenario]\nslots=5000\n", "slots");
  expect_bad (dir, "zero", "[Lesson]\nName=a\nTitle=b\nExplanation=c\nExpect=clean\n"
              "[Scenario]\nproducers=0\n", "producers");
  expect_bad (dir, "number", "[Lesson]\nName=a\nTitle=b\nExplanation=c\nExpect=clean\n"
              "[Scenario]\nitems=many\n", "items");
  expect_bad (dir, "sync", "[Lesson]\nName=a\nTitle=b\nExplanation=c\nExpect=clean\n"
              "[Scenario]\nsync=sometimes\n", "sync");
  expect_bad (dir, "delay", "[Lesson]\nName=a\nTitle=b\nExplanation=c\nExpect=clean\n"
              "[Scenario]\nrace-window=2 fortnights\n", "race-window");
  expect_bad (dir, "long-delay", "[Lesson]\nName=a\nTitle=b\nExplanation=c\nExpect=clean\n"
              "[Scenario]\nstep-time=3600s\n", "step-time");
  expect_bad (dir, "speed", "[Lesson]\nName=a\nTitle=b\nExplanation=c\nExpect=clean\n"
              "[Scenario]\nspeed=-1\n", "speed");
  expect_bad (dir, "typo", "[Lesson]\nName=a\nTitle=b\nExplanation=c\nExpect=clean\n"
              "[Scenario]\nproducer=2\n", "producer");
  expect_bad (dir, "expect", "[Lesson]\nName=a\nTitle=b\nExplanation=c\nExpect=magic\n", "Expect");
  expect_bad (dir, "no-title", "[Lesson]\nName=a\nExplanation=c\nExpect=clean\n", "Title");
  expect_bad (dir, "empty-name", "[Lesson]\nName=\nTitle=b\nExplanation=c\nExpect=clean\n", "Name");
  expect_bad (dir, "twin", "[Lesson]\nName=a\nTitle=b\nExplanation=c\nExpect=races\nTwin=../etc\n", "Twin");
  expect_bad (dir, "no-group", "[Other]\nName=a\n", "[Lesson]");
  expect_bad (dir, "syntax", "this is not a key file\n", "this is not a key file");
  expect_bad (dir, "binary", "[Lesson]\nName=\xff\xfe\n", "Name");
  expect_bad (dir, "Bad_Id", good_lesson, "Bad_Id");
  /* A schedule is checked against the whole scenario, wherever it stands. */
  expect_bad (dir, "schedule-range", "[Lesson]\nName=a\nTitle=b\nExplanation=c\nExpect=races\n"
              "[Scenario]\nSchedule=P1,P3\nproducers=2\n", "[Scenario] Schedule: Schedule step 2, “P3”");
  expect_bad (dir, "schedule-token", "[Lesson]\nName=a\nTitle=b\nExplanation=c\nExpect=races\n"
              "[Scenario]\nSchedule=P1,X1\n", "[Scenario] Schedule: Schedule step 2, “X1”");
  expect_bad (dir, "schedule-empty", "[Lesson]\nName=a\nTitle=b\nExplanation=c\nExpect=races\n"
              "[Scenario]\nSchedule=\n", "[Scenario] Schedule:");

  /* A broken lesson is reported by name, not silently skipped. */
  {
    g_autofree char *path = g_build_filename (dir, "broken.lesson", NULL);
    g_autoptr(GPtrArray) errors = g_ptr_array_new_with_free_func (g_free);
    g_autoptr(GPtrArray) lessons = NULL;
    g_autoptr(ShmvizLesson) found = NULL;
    const char *saved = g_getenv ("SHMVIZ_LESSONS_DIR");
    g_autofree char *saved_copy = g_strdup (saved);

    g_assert_true (g_file_set_contents (path, "[Lesson]\nName=x\n", -1, NULL));
    g_setenv ("SHMVIZ_LESSONS_DIR", dir, TRUE);
    lessons = shmviz_lesson_list (errors);
    g_assert_cmpuint (errors->len, ==, 1);
    g_assert_nonnull (strstr (g_ptr_array_index (errors, 0), "broken.lesson"));
    found = shmviz_lesson_find ("broken", &error);
    g_assert_null (found);
    g_assert_error (error, SHMVIZ_LESSON_ERROR, SHMVIZ_LESSON_ERROR_INVALID);
    g_assert_nonnull (strstr (error->message, "Title"));
    g_clear_error (&error);
    found = shmviz_lesson_find ("no-such-lesson", &error);
    g_assert_error (error, SHMVIZ_LESSON_ERROR, SHMVIZ_LESSON_ERROR_NOT_FOUND);
    g_clear_error (&error);
    g_setenv ("SHMVIZ_LESSONS_DIR", saved_copy, TRUE);
    g_unlink (path);
  }
  g_assert_cmpint (g_rmdir (dir), ==, 0);
}

static void
test_save (void)
{
  g_autoptr(ShmvizLesson) lesson = g_new0 (ShmvizLesson, 1);
  g_autoptr(ShmvizLesson) again = NULL;
  g_autoptr(ShmvizLesson) by_name = NULL;
  g_autoptr(GPtrArray) lessons = NULL;
  g_autoptr(GError) error = NULL;
  gboolean listed = FALSE;

  g_assert_cmpstr (g_get_user_data_dir (), ==, user_data_dir);

  lesson->name = g_strdup ("My race, with a twist!");
  lesson->id = shmviz_lesson_id_from_name (lesson->name);
  g_assert_cmpstr (lesson->id, ==, "my-race-with-a-twist");
  lesson->title = g_strdup ("Saved from the window");
  lesson->explanation = g_strdup ("First line.\nSecond \"quoted\" line.");
  lesson->expect = SHMVIZ_EXPECT_RACES;
  lesson->twin = g_strdup ("bounded-buffer");
  shmviz_scenario_init_default (&lesson->scenario);
  lesson->scenario.sync = SHMVIZ_SYNC_OFF;
  lesson->scenario.n_producers = 5;
  lesson->scenario.timing_ns[SHMVIZ_TIMING_RACE_WINDOW] = 1500;  /* 1.5 µs */
  lesson->scenario.timing_ns[SHMVIZ_TIMING_STEP] = 7;
  lesson->scenario.speed_permille = 2500;
  lesson->scenario.duration = 1.25;
  lesson->scenario.seed = G_MAXUINT64;

  g_assert_true (shmviz_lesson_save (lesson, NULL, &error));
  g_assert_no_error (error);
  g_assert_true (g_str_has_prefix (lesson->path, user_data_dir));

  again = shmviz_lesson_find ("my-race-with-a-twist", &error);
  g_assert_no_error (error);
  g_assert_true (again->user);
  g_assert_cmpstr (again->name, ==, lesson->name);
  g_assert_cmpstr (again->explanation, ==, lesson->explanation);
  g_assert_cmpstr (again->twin, ==, "bounded-buffer");
  g_assert_cmpint (again->expect, ==, SHMVIZ_EXPECT_RACES);
  g_assert_cmpmem (&again->scenario, sizeof again->scenario, &lesson->scenario, sizeof lesson->scenario);

  by_name = shmviz_lesson_find ("MY RACE, WITH A TWIST!", &error);
  g_assert_no_error (error);
  g_assert_cmpstr (by_name->id, ==, lesson->id);

  lessons = shmviz_lesson_list (NULL);
  for (guint i = 0; i < lessons->len; i++)
    listed |= strcmp (((ShmvizLesson *) g_ptr_array_index (lessons, i))->id, lesson->id) == 0;
  g_assert_true (listed);

  /* A schedule goes along, normalized, and is checked before writing. */
  lesson->schedule = g_strdup ("p1 p2, c1");
  g_assert_true (shmviz_lesson_save (lesson, NULL, &error));
  g_assert_no_error (error);
  {
    g_autoptr(ShmvizLesson) with_schedule = shmviz_lesson_load_file (lesson->path, &error);
    g_autoptr(GArray) procs = NULL;

    g_assert_no_error (error);
    g_assert_cmpstr (with_schedule->schedule, ==, "P1,P2,C1");
    procs = shmviz_lesson_parse_schedule (with_schedule, &error);
    g_assert_no_error (error);
    g_assert_cmpuint (procs->len, ==, 3);
    g_assert_cmpuint (g_array_index (procs, guint, 2), ==, 5);   /* C1 after five producers */
  }
  g_free (lesson->schedule);
  lesson->schedule = g_strdup ("P6");
  g_assert_false (shmviz_lesson_save (lesson, NULL, &error));
  g_assert_error (error, SHMVIZ_LESSON_ERROR, SHMVIZ_LESSON_ERROR_INVALID);
  g_assert_nonnull (strstr (error->message, "Schedule"));
  g_clear_error (&error);
  g_clear_pointer (&lesson->schedule, g_free);

  /* Nothing invalid is written. */
  g_free (lesson->id);
  lesson->id = g_strdup ("../escape");
  g_assert_false (shmviz_lesson_save (lesson, NULL, &error));
  g_assert_error (error, SHMVIZ_LESSON_ERROR, SHMVIZ_LESSON_ERROR_INVALID);
  g_clear_error (&error);
  g_free (lesson->id);
  lesson->id = g_strdup ("too-many");
  lesson->scenario.n_producers = 1000;
  g_assert_false (shmviz_lesson_save (lesson, NULL, &error));
  g_assert_error (error, SHMVIZ_LESSON_ERROR, SHMVIZ_LESSON_ERROR_INVALID);

  g_unlink (again->path);
}

static char *
cli_path (void)
{
  return g_build_filename (g_getenv ("G_TEST_BUILDDIR"), "..", "app", "shmviz-cli", NULL);
}

static int
spawn_cli (const char * const *args,
           char              **out,
           char              **err)
{
  g_autoptr(GPtrArray) argv = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(GError) error = NULL;
  int status = -1;

  g_ptr_array_add (argv, cli_path ());
  for (guint i = 0; args[i]; i++)
    g_ptr_array_add (argv, g_strdup (args[i]));
  g_ptr_array_add (argv, NULL);
  g_spawn_sync (NULL, (char **) argv->pdata, NULL, G_SPAWN_DEFAULT, NULL, NULL, out, err, &status, &error);
  g_assert_no_error (error);
  return WIFEXITED (status) ? WEXITSTATUS (status) : -1;
}

static void
test_cli (void)
{
  g_autofree char *out = NULL, *err = NULL;

  if (g_getenv ("G_TEST_BUILDDIR") == NULL)
    {
      g_test_skip ("G_TEST_BUILDDIR is not set");
      return;
    }

  {
    const char *args[] = { "lessons", "--json", NULL };

    g_assert_cmpint (spawn_cli (args, &out, &err), ==, 0);
    g_assert_true (g_str_has_prefix (out, "[{\"id\":"));
    for (const char *key = "\"expect\":\"deadlock\""; key; key = NULL)
      g_assert_nonnull (strstr (out, key));
    g_assert_nonnull (strstr (out, "\"id\":\"no-sync\""));
    g_assert_nonnull (strstr (out, "\"twin\":\"bounded-buffer\""));
    g_clear_pointer (&out, g_free);
    g_clear_pointer (&err, g_free);
  }
  {
    const char *args[] = { "lessons", NULL };

    g_assert_cmpint (spawn_cli (args, &out, &err), ==, 0);
    g_assert_nonnull (strstr (out, "wrong-order"));
    g_clear_pointer (&out, g_free);
    g_clear_pointer (&err, g_free);
  }
  {
    /* Flags override the lesson: here only its speed. */
    const char *args[] = { "run", "--lesson", "textbook", "--speed", "50", "--json", NULL };

    g_assert_cmpint (spawn_cli (args, &out, &err), ==, 0);
    g_assert_nonnull (strstr (out, "\"produced\":1,"));
    g_assert_nonnull (strstr (out, "\"consumed\":1,"));
    g_assert_nonnull (strstr (out, "\"item_size\":4"));
    g_clear_pointer (&out, g_free);
    g_clear_pointer (&err, g_free);
  }
  {
    const char *args[] = { "run", "--lesson", "no-such-lesson", NULL };

    g_assert_cmpint (spawn_cli (args, &out, &err), ==, 2);
    g_assert_nonnull (strstr (err, "no-such-lesson"));
    g_clear_pointer (&out, g_free);
    g_clear_pointer (&err, g_free);
  }
}

/* The bundled no-sync lesson carries a schedule that loses P1's first item
 * in slot 0: `run --lesson no-sync` replays it exactly, every time. */
static void
test_schedule (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(ShmvizLesson) lesson = NULL;

  if (g_getenv ("G_TEST_BUILDDIR") == NULL)
    {
      g_test_skip ("G_TEST_BUILDDIR is not set");
      return;
    }
  lesson = shmviz_lesson_find ("no-sync", &error);
  g_assert_no_error (error);
  g_assert_nonnull (lesson->schedule);
  g_test_message ("no-sync: Schedule=%s", lesson->schedule);

  for (guint i = 0; i < 5; i++)
    {
      const char *args[] = { "run", "--lesson", "no-sync", "--json", NULL };
      g_autofree char *out = NULL, *err = NULL;
      g_autoptr(GPtrArray) left = NULL;

      g_assert_cmpint (spawn_cli (args, &out, &err), ==, 0);
      g_test_message ("run %u: %s", i + 1, out);
      g_assert_nonnull (strstr (out, "\"lost\":1,"));
      g_assert_nonnull (strstr (out, "\"duplicated\":0,"));
      g_assert_nonnull (strstr (out, "\"empty_reads\":0,"));
      g_assert_nonnull (strstr (out, "\"anomalies_total\":1,"));
      g_assert_nonnull (strstr (out, "{\"kind\":\"lost\",\"slot\":0,\"item\":\"P1#1\","));
      left = shm_check_leftovers ();
      g_assert_cmpuint (left->len, ==, 0);
    }

  /* --schedule still wins over the lesson's. */
  {
    const char *args[] = { "run", "--lesson", "no-sync", "--schedule", "P1,P1,P1,P1", "--json", NULL };
    g_autofree char *out = NULL, *err = NULL;

    g_assert_cmpint (spawn_cli (args, &out, &err), ==, 0);
    g_assert_nonnull (strstr (out, "\"produced\":1,"));
    g_assert_nonnull (strstr (out, "\"lost\":0,"));
  }
}

static int
compare_paths (gconstpointer a,
               gconstpointer b)
{
  return strcmp (*(const char * const *) a, *(const char * const *) b);
}

int
main (int    argc,
      char **argv)
{
  g_autoptr(GDir) dir = NULL;
  g_autoptr(GPtrArray) paths = g_ptr_array_new_with_free_func (g_free);
  const char *name;
  int status;

  /* Before anything asks GLib for the user data dir: a private one, so a
   * developer's own lessons neither leak in nor get written over. */
  user_data_dir = g_dir_make_tmp ("shmviz-test-data-XXXXXX", NULL);
  g_setenv ("XDG_DATA_HOME", user_data_dir, TRUE);

  g_test_init (&argc, &argv, NULL);

  if (g_getenv ("SHMVIZ_LESSONS_DIR"))
    lessons_dir = g_strdup (g_getenv ("SHMVIZ_LESSONS_DIR"));
  else
    lessons_dir = g_test_build_filename (G_TEST_DIST, "..", "data", "lessons", NULL);
  g_setenv ("SHMVIZ_LESSONS_DIR", lessons_dir, TRUE);

  g_test_add_func ("/lessons/bundled", test_bundled);
  g_test_add_func ("/lessons/bad-files", test_bad_files);
  g_test_add_func ("/lessons/save", test_save);
  g_test_add_func ("/lessons/cli", test_cli);
  g_test_add_func ("/lessons/schedule", test_schedule);

  dir = g_dir_open (lessons_dir, 0, NULL);
  while (dir && (name = g_dir_read_name (dir)))
    if (g_str_has_suffix (name, SHMVIZ_LESSON_SUFFIX))
      g_ptr_array_add (paths, g_build_filename (lessons_dir, name, NULL));
  g_ptr_array_sort (paths, compare_paths);
  for (guint i = 0; i < paths->len; i++)
    {
      const char *path = g_ptr_array_index (paths, i);
      g_autofree char *base = g_path_get_basename (path);
      g_autofree char *test = NULL;

      base[strlen (base) - strlen (SHMVIZ_LESSON_SUFFIX)] = '\0';
      test = g_strconcat ("/lessons/outcome/", base, NULL);
      g_test_add_data_func (test, path, test_outcome);
    }

  status = g_test_run ();

  {
    g_autofree char *cmd_dir = g_build_filename (user_data_dir, "shmviz", "lessons", NULL);
    g_autofree char *parent = g_build_filename (user_data_dir, "shmviz", NULL);

    g_rmdir (cmd_dir);
    g_rmdir (parent);
    g_rmdir (user_data_dir);
  }
  g_free (lessons_dir);
  g_free (user_data_dir);
  return status;
}
