/* test-replay.c — record a real session, replay, scrub and export in the window
 *
 * A real session with synchronization off (so it has anomalies) is recorded
 * once per process; every test opens that file in a window.  Under Xvfb with
 * a memory GSettings backend; G_DEBUG=fatal-criticals.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include "known-warnings.h"

#include <string.h>

#include <adwaita.h>
#include <glib/gstdio.h>

#include "recording.h"
#include "replay.h"
#include "session.h"
#include "shmviz-application.h"
#include "shmviz-export-dialog.h"
#include "shmviz-recorder-button.h"
#include "shmviz-replay-bar.h"
#include "shmviz-replay-source.h"
#include "shmviz-window.h"
#include "ui-test.h"

static ShmvizApplication *app;
static char *tmpdir;
static char *recording_path;

typedef struct {
  ShmvizWindow *window;
  gboolean      destroyed;
  gboolean      opened;
  GError       *open_error;
} Fixture;

/* The recording, made once with real processes ---------------------------- */

static gboolean
session_done (gpointer data)
{
  return !shmviz_session_get_running (data);
}

static void
make_recording (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(ShmvizSession) session = NULL;
  g_autoptr(ShmvizRecorder) recorder = NULL;
  ShmvizScenario sc;

  shmviz_scenario_init_default (&sc);
  sc.n_producers = 2;
  sc.n_consumers = 2;
  sc.n_slots = 6;
  sc.sync = SHMVIZ_SYNC_OFF;
  sc.items = 300;
  sc.speed_permille = 1000;
  sc.timing_ns[SHMVIZ_TIMING_PRODUCE] = 2000000;
  sc.timing_ns[SHMVIZ_TIMING_CONSUME] = 3000000;
  sc.timing_ns[SHMVIZ_TIMING_RACE_WINDOW] = 1000000;
  sc.timing_ns[SHMVIZ_TIMING_STEP] = 0;

  recording_path = g_build_filename (tmpdir, "session.shmviz", NULL);
  session = shmviz_session_new (&sc);
  recorder = shmviz_recorder_new (recording_path, &sc, &error);
  g_assert_no_error (error);
  shmviz_recorder_attach (recorder, session);
  shmviz_session_start (session, &error);
  g_assert_no_error (error);
  /* 300 items at 2 ms each take well under a second; a loaded machine
   * gets a minute. */
  if (!ui_test_spin_until (session_done, session, 60000))
    {
      shmviz_session_stop (session);
      g_assert_true (ui_test_spin_until (session_done, session, 10000));
    }
  shmviz_recorder_close (recorder, &error);
  g_assert_no_error (error);
}

/* Fixture -------------------------------------------------------------------- */

static void
window_destroyed (GtkWidget *widget,
                  Fixture   *fixture)
{
  fixture->destroyed = TRUE;
}

static gboolean
window_is_mapped (gpointer data)
{
  Fixture *fixture = data;

  return gtk_widget_get_mapped (GTK_WIDGET (fixture->window));
}

static gboolean
window_is_destroyed (gpointer data)
{
  return ((Fixture *)data)->destroyed;
}

static gboolean
is_opened (gpointer data)
{
  return ((Fixture *)data)->opened;
}

static void
opened_cb (GObject      *source,
           GAsyncResult *result,
           gpointer      user_data)
{
  Fixture *fixture = user_data;

  shmviz_window_open_recording_finish (SHMVIZ_WINDOW (source), result, &fixture->open_error);
  fixture->opened = TRUE;
}

static void
open_in_window (Fixture    *fixture,
                const char *path)
{
  g_autoptr(GFile) file = g_file_new_for_path (path);

  fixture->opened = FALSE;
  shmviz_window_open_recording (fixture->window, file, opened_cb, fixture);
  g_assert_true (ui_test_spin_until (is_opened, fixture, 60000));
  g_assert_no_error (fixture->open_error);
  g_assert_nonnull (shmviz_window_get_replay (fixture->window));
}

static void
fixture_setup (Fixture       *fixture,
               gconstpointer  data)
{
  g_autoptr(GSettings) settings = g_settings_new (APP_ID);

  g_settings_set_uint (settings, "speed", 20000);
  fixture->window = shmviz_window_new (GTK_APPLICATION (app));
  g_signal_connect (fixture->window, "destroy", G_CALLBACK (window_destroyed), fixture);
  gtk_window_set_default_size (GTK_WINDOW (fixture->window), 1280, 800);
  gtk_window_present (GTK_WINDOW (fixture->window));
  g_assert_true (ui_test_spin_until (window_is_mapped, fixture, 10000));
  open_in_window (fixture, recording_path);
}

static void
fixture_teardown (Fixture       *fixture,
                  gconstpointer  data)
{
  if (!fixture->destroyed)
    {
      gtk_window_close (GTK_WINDOW (fixture->window));
      g_assert_true (ui_test_spin_until (window_is_destroyed, fixture, 10000));
    }
  g_clear_error (&fixture->open_error);
}

static ShmvizReplayBar *
bar_of (Fixture *fixture)
{
  return SHMVIZ_REPLAY_BAR (shmviz_window_get_replay_bar (fixture->window));
}

/* The views were handed the model's state at the replay's position. */
typedef struct {
  Fixture *fixture;
  guint64  generation;
} Waiting;

static gboolean
views_caught_up (gpointer data)
{
  Waiting *w = data;

  return shmviz_window_get_snapshot (w->fixture->window)->generation == w->generation;
}

static void
wait_for_views (Fixture *fixture)
{
  ShmvizSnapshot now = { 0 };
  Waiting w = { fixture, 0 };

  shmviz_model_snapshot (shmviz_replay_get_model (shmviz_window_get_replay (fixture->window)), &now);
  w.generation = now.generation;
  shmviz_snapshot_clear (&now);
  g_assert_true (ui_test_spin_until (views_caught_up, &w, 10000));
}

static void
assert_snapshot_equal (const ShmvizSnapshot *a,
                       const ShmvizSnapshot *b)
{
  g_assert_cmpuint (a->n_slots, ==, b->n_slots);
  g_assert_cmpuint (a->n_procs, ==, b->n_procs);
  g_assert_cmpuint (a->now_ns, ==, b->now_ns);
  g_assert_cmpuint (a->in, ==, b->in);
  g_assert_cmpuint (a->out, ==, b->out);
  g_assert_cmpuint (a->count, ==, b->count);
  g_assert_cmpuint (a->n_anomalies, ==, b->n_anomalies);
  for (guint i = 0; i < a->n_slots; i++)
    {
      g_assert_cmpuint (a->slots[i].state, ==, b->slots[i].state);
      g_assert_cmpuint (a->slots[i].item, ==, b->slots[i].item);
    }
  for (guint i = 0; i < a->n_procs; i++)
    {
      g_assert_cmpuint (a->procs[i].state, ==, b->procs[i].state);
      g_assert_cmpuint (a->procs[i].items_done, ==, b->procs[i].items_done);
    }
  g_assert_true (memcmp (&a->totals, &b->totals, sizeof a->totals) == 0);
  for (guint s = 0; s < SHMVIZ_N_SEMS; s++)
    g_assert_cmpint (a->sem_value[s], ==, b->sem_value[s]);
}

/* Tests --------------------------------------------------------------------- */

static void
test_open_shows_recording (Fixture       *fixture,
                           gconstpointer  data)
{
  ShmvizReplay *replay = shmviz_window_get_replay (fixture->window);
  const ShmvizSnapshot *snap;

  /* No live session: the views show the file, as it ended. */
  g_assert_null (shmviz_window_get_session (fixture->window));
  g_assert_cmpuint (shmviz_replay_get_position (replay), ==, shmviz_replay_get_n_events (replay));
  wait_for_views (fixture);
  snap = shmviz_window_get_snapshot (fixture->window);
  g_assert_cmpuint (snap->totals.produced, ==, 300);
  g_assert_cmpuint (snap->n_anomalies, >, 0);
  /* One layout pass after the revealer opened. */
  ui_test_spin_for (300);
  g_assert_true (gtk_widget_get_mapped (shmviz_window_get_replay_bar (fixture->window)));
  g_assert_cmpint (gtk_widget_get_height (shmviz_window_get_replay_bar (fixture->window)), >, 0);

  /* The live run's speed and mode do not steer a recording. */
  for (guint i = 0; i < 3; i++)
    {
      const char *name = (const char *[]) { "speed-up", "speed-down", "toggle-sync" }[i];

      g_assert_false (g_action_group_get_action_enabled (G_ACTION_GROUP (fixture->window), name));
    }
}

static void
test_scrub_matches_model (Fixture       *fixture,
                          gconstpointer  data)
{
  ShmvizReplay *replay = shmviz_window_get_replay (fixture->window);
  g_autoptr(ShmvizReplay) reference = NULL;
  g_autoptr(GError) error = NULL;
  const double points[] = { 0.5, 0.1, 0.9, 0.33 };

  reference = shmviz_replay_open (recording_path, &error);
  g_assert_no_error (error);

  for (guint i = 0; i < G_N_ELEMENTS (points); i++)
    {
      ShmvizSnapshot expected = { 0 };

      shmviz_replay_bar_seek_fraction (bar_of (fixture), points[i]);
      wait_for_views (fixture);
      g_assert_cmpuint (shmviz_replay_get_position (replay), >, 0);
      g_assert_cmpuint (shmviz_replay_get_position (replay), <, shmviz_replay_get_n_events (replay));

      /* A replay of its own, folded from the start to the same point. */
      shmviz_replay_seek_position (reference, 0);
      shmviz_replay_seek_position (reference, shmviz_replay_get_position (replay));
      shmviz_model_snapshot (shmviz_replay_get_model (reference), &expected);
      assert_snapshot_equal (shmviz_window_get_snapshot (fixture->window), &expected);
      shmviz_snapshot_clear (&expected);
    }
}

static void
test_step_back_and_forward (Fixture       *fixture,
                            gconstpointer  data)
{
  ShmvizReplay *replay = shmviz_window_get_replay (fixture->window);
  guint64 pos;

  shmviz_replay_bar_seek_fraction (bar_of (fixture), 0.5);
  pos = shmviz_replay_get_position (replay);
  shmviz_replay_bar_step (bar_of (fixture), +1);
  g_assert_cmpuint (shmviz_replay_get_position (replay), ==, pos + 1);
  shmviz_replay_bar_step (bar_of (fixture), -1);
  shmviz_replay_bar_step (bar_of (fixture), -1);
  g_assert_cmpuint (shmviz_replay_get_position (replay), ==, pos - 1);
  wait_for_views (fixture);
}

static void
test_next_anomaly (Fixture       *fixture,
                   gconstpointer  data)
{
  ShmvizReplay *replay = shmviz_window_get_replay (fixture->window);
  const ShmvizAnomaly *all;
  guint n_all;

  all = shmviz_replay_get_all_anomalies (replay, &n_all);
  g_assert_cmpuint (n_all, >, 1);

  shmviz_replay_bar_seek_fraction (bar_of (fixture), 0);
  g_assert_true (shmviz_replay_bar_jump_anomaly (bar_of (fixture), +1));
  g_assert_cmpuint (shmviz_replay_get_position (replay), ==, shmviz_replay_get_anomaly_position (replay, 0));
  g_assert_cmpuint (shmviz_replay_get_time_ns (replay), ==, all[0].ts_ns);
  wait_for_views (fixture);
  /* The race log shows exactly the anomalies found so far. */
  g_assert_cmpuint (shmviz_window_get_snapshot (fixture->window)->n_anomalies, >=, 1);

  g_assert_true (shmviz_replay_bar_jump_anomaly (bar_of (fixture), +1));
  g_assert_cmpuint (shmviz_replay_get_position (replay), ==, shmviz_replay_get_anomaly_position (replay, 1));
  g_assert_true (shmviz_replay_bar_jump_anomaly (bar_of (fixture), -1));
  g_assert_cmpuint (shmviz_replay_get_position (replay), ==, shmviz_replay_get_anomaly_position (replay, 0));
}

static gboolean
reached_end (gpointer data)
{
  ShmvizReplay *replay = data;

  return shmviz_replay_get_position (replay) == shmviz_replay_get_n_events (replay);
}

static void
test_play (Fixture       *fixture,
           gconstpointer  data)
{
  ShmvizReplay *replay = shmviz_window_get_replay (fixture->window);
  guint64 span = shmviz_replay_get_end_ns (replay) - shmviz_replay_get_start_ns (replay);

  /* At 10× the whole recording plays in a tenth of its length. */
  shmviz_replay_bar_set_speed (bar_of (fixture), 10);
  g_assert_cmpfloat (shmviz_replay_bar_get_speed (bar_of (fixture)), ==, 10);
  shmviz_replay_bar_seek_fraction (bar_of (fixture), 0);
  shmviz_replay_bar_set_playing (bar_of (fixture), TRUE);
  g_assert_true (shmviz_replay_bar_get_playing (bar_of (fixture)));
  g_assert_true (ui_test_spin_until (reached_end, replay, (guint)(span / 1000000 / 10) + 30000));
  ui_test_spin_for (100);
  g_assert_false (shmviz_replay_bar_get_playing (bar_of (fixture)));
}

static void
test_annotation_caption (Fixture       *fixture,
                         gconstpointer  data)
{
  g_autofree char *copy = g_build_filename (tmpdir, "annotated.shmviz", NULL);
  g_autofree char *contents = NULL;
  g_autoptr(GError) error = NULL;
  ShmvizReplay *replay;
  const ShmvizAnnotation *notes;
  gsize len;
  guint n;
  guint64 at;

  g_assert_true (g_file_get_contents (recording_path, &contents, &len, &error));
  g_assert_true (g_file_set_contents (copy, contents, len, &error));

  replay = shmviz_window_get_replay (fixture->window);
  at = (shmviz_replay_get_start_ns (replay) + shmviz_replay_get_end_ns (replay)) / 2;
  g_assert_true (shmviz_recording_file_add_annotation (copy, at, "Here P1 overwrites an item", &error));
  g_assert_no_error (error);

  open_in_window (fixture, copy);
  replay = shmviz_window_get_replay (fixture->window);
  g_assert_true (shmviz_recording_is_complete (shmviz_replay_get_recording (replay), NULL));
  notes = shmviz_replay_get_annotations (replay, &n);
  g_assert_cmpuint (n, ==, 1);
  g_assert_cmpuint (notes[0].ts_ns, ==, at);
  g_assert_cmpstr (notes[0].text, ==, "Here P1 overwrites an item");

  shmviz_replay_bar_seek_time (bar_of (fixture), at - 1000000);
  g_assert_null (shmviz_replay_bar_get_caption (bar_of (fixture)));
  /* A seek lands on the last event at or before the time asked for, so
   * ask for a time well inside the caption's three seconds. */
  shmviz_replay_bar_seek_time (bar_of (fixture), at + 2 * G_GUINT64_CONSTANT (1000000000));
  g_assert_cmpstr (shmviz_replay_bar_get_caption (bar_of (fixture)), ==, "Here P1 overwrites an item");
  g_unlink (copy);
}

static void
export_finished (ShmvizExportDialog *dialog,
                 const GError       *error,
                 gpointer            user_data)
{
  GError **out = user_data;

  *out = error != NULL ? g_error_copy (error) : NULL;
}

typedef struct {
  ShmvizRecording *recording;
  char            *path;
} VideoJob;

static gboolean
video_job (gpointer              data,
           ShmvizExportProgress  progress,
           gpointer              progress_data,
           GCancellable         *cancellable,
           GError              **error)
{
  VideoJob *job = data;
  g_autoptr(ShmvizReplay) replay = shmviz_replay_new (job->recording, error);
  ShmvizVideoOptions o = { .width = 640, .height = 360, .fps = 30, .duration_s = 4 };

  return replay != NULL && shmviz_export_video (replay, job->path, &o, progress, progress_data,
                                                cancellable, NULL, error);
}

static void
video_job_free (gpointer data)
{
  VideoJob *job = data;

  shmviz_recording_unref (job->recording);
  g_free (job->path);
  g_free (job);
}

static void
run_video_dialog (Fixture  *fixture,
                  gboolean  cancel,
                  GError  **error)
{
  VideoJob *job = g_new0 (VideoJob, 1);
  ShmvizExportDialog *dialog;

  job->recording = shmviz_recording_ref (shmviz_replay_get_recording (shmviz_window_get_replay (fixture->window)));
  job->path = g_build_filename (tmpdir, "dialog.webm", NULL);
  dialog = shmviz_export_dialog_run (GTK_WINDOW (fixture->window), "video", video_job, job, video_job_free);
  g_signal_connect (dialog, "finished", G_CALLBACK (export_finished), error);
  /* The dialog destroys itself once the job has ended. */
  g_object_add_weak_pointer (G_OBJECT (dialog), (gpointer *)&dialog);

  if (cancel)
    {
      /* Let it start, then cancel: it must stop and remove its file. */
      ui_test_spin_for (300);
      if (dialog != NULL)
        shmviz_export_dialog_cancel (dialog);
    }
  while (dialog != NULL)
    g_main_context_iteration (NULL, TRUE);
}

static void
test_export_dialog (Fixture       *fixture,
                    gconstpointer  data)
{
  g_autofree char *path = g_build_filename (tmpdir, "dialog.webm", NULL);
  g_autoptr(GError) error = NULL;
  GStatBuf st;

  run_video_dialog (fixture, FALSE, &error);
  g_assert_no_error (error);
  g_assert_cmpint (g_stat (path, &st), ==, 0);
  g_assert_cmpint (st.st_size, >, 1000);
  g_unlink (path);

  run_video_dialog (fixture, TRUE, &error);
  /* On a fast machine it may finish first; then it is a valid file. */
  if (error != NULL)
    {
      g_assert_error (error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
      g_assert_false (g_file_test (path, G_FILE_TEST_EXISTS));
    }
  g_unlink (path);
}

static gboolean
recorder_stopped (gpointer data)
{
  return *(gboolean *)data;
}

static void
on_stopped (ShmvizRecorderButton *rb,
            const char           *path,
            const GError         *error,
            gpointer              user_data)
{
  g_assert_no_error (error);
  *(gboolean *)user_data = TRUE;
}

static void
test_record_from_window (Fixture       *fixture,
                         gconstpointer  data)
{
  g_autofree char *path = g_build_filename (tmpdir, "from-window.shmviz", NULL);
  ShmvizRecorderButton *rb = SHMVIZ_RECORDER_BUTTON (shmviz_window_get_recorder_button (fixture->window));
  g_autoptr(ShmvizReplay) replay = NULL;
  g_autoptr(GError) error = NULL;
  gboolean stopped = FALSE;

  /* Back to live, recording from the first event. */
  shmviz_recorder_button_arm (rb, path);
  gtk_widget_activate_action (GTK_WIDGET (fixture->window), "win.close-replay", NULL);
  g_assert_null (shmviz_window_get_replay (fixture->window));
  g_assert_nonnull (shmviz_window_get_session (fixture->window));
  g_assert_true (shmviz_recorder_button_get_recording (rb));
  ui_test_spin_for (1500);
  g_assert_true (g_str_has_suffix (shmviz_recorder_button_get_status (rb), "B"));

  g_signal_connect (rb, "stopped", G_CALLBACK (on_stopped), &stopped);
  gtk_widget_activate_action (GTK_WIDGET (fixture->window), "win.record", NULL);
  g_assert_true (ui_test_spin_until (recorder_stopped, &stopped, 20000));
  g_assert_false (shmviz_recorder_button_get_recording (rb));

  replay = shmviz_replay_open (path, &error);
  g_assert_no_error (error);
  g_assert_true (shmviz_recording_is_complete (shmviz_replay_get_recording (replay), NULL));
  g_assert_cmpuint (shmviz_replay_get_n_events (replay), >, 0);
  g_unlink (path);
}

static void
test_screenshot (Fixture       *fixture,
                 gconstpointer  data)
{
  shmviz_replay_bar_seek_fraction (bar_of (fixture), 0.4);
  shmviz_replay_bar_jump_anomaly (bar_of (fixture), +1);
  wait_for_views (fixture);
  ui_test_spin_for (400);
  g_free (ui_test_save_png (GTK_WIDGET (fixture->window), "shmviz-replay-1280x800.png"));
}

int
main (int   argc,
      char *argv[])
{
  g_autoptr(GError) error = NULL;
  int ret;

  g_test_init (&argc, &argv, NULL);
  known_warnings_install ();

  tmpdir = g_dir_make_tmp ("shmviz-test-replay-XXXXXX", &error);
  g_assert_no_error (error);

  app = shmviz_application_new ();
  g_application_set_flags (G_APPLICATION (app), G_APPLICATION_NON_UNIQUE);
  if (!g_application_register (G_APPLICATION (app), NULL, &error))
    g_error ("could not register the application: %s", error->message);

  make_recording ();

  g_test_add ("/ui/replay/open", Fixture, NULL, fixture_setup, test_open_shows_recording, fixture_teardown);
  g_test_add ("/ui/replay/scrub", Fixture, NULL, fixture_setup, test_scrub_matches_model, fixture_teardown);
  g_test_add ("/ui/replay/step", Fixture, NULL, fixture_setup, test_step_back_and_forward, fixture_teardown);
  g_test_add ("/ui/replay/next-anomaly", Fixture, NULL, fixture_setup, test_next_anomaly, fixture_teardown);
  g_test_add ("/ui/replay/play", Fixture, NULL, fixture_setup, test_play, fixture_teardown);
  g_test_add ("/ui/replay/annotation", Fixture, NULL, fixture_setup, test_annotation_caption, fixture_teardown);
  g_test_add ("/ui/replay/export-dialog", Fixture, NULL, fixture_setup, test_export_dialog, fixture_teardown);
  g_test_add ("/ui/replay/record", Fixture, NULL, fixture_setup, test_record_from_window, fixture_teardown);
  g_test_add ("/ui/replay/screenshot", Fixture, NULL, fixture_setup, test_screenshot, fixture_teardown);

  ret = g_test_run ();

  g_unlink (recording_path);
  g_rmdir (tmpdir);
  g_free (recording_path);
  g_free (tmpdir);
  g_clear_object (&app);

  return ret;
}
