/* test-window.c — the main window over real worker processes
 *
 * Runs under Xvfb with a memory GSettings backend.  Every fixture closes
 * its window in teardown and checks that no worker and no region of this
 * process survive, whatever the test did.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include "known-warnings.h"

#include <errno.h>
#include <sched.h>
#include <signal.h>
#include <string.h>
#include <sys/resource.h>
#include <unistd.h>

#include <adwaita.h>

#include "layout.h"
#include "shmviz-application.h"
#include "shmviz-scenario-panel.h"
#include "shmviz-window.h"
#include "ui-test.h"

/* 20×: the default's 600 ms produce time becomes 30 ms. */
#define TEST_SPEED 20000u

static ShmvizApplication *app;

typedef struct _Fixture Fixture;
static char *save_screenshot (Fixture    *fixture,
                              const char *name);

struct _Fixture {
  ShmvizWindow *window;
  GSettings    *settings;
  gboolean      destroyed;
};

/* Main loop helpers */

/* What the engine says, not what a label shows. */
static void
engine_totals (Fixture      *fixture,
               ShmvizTotals *totals)
{
  ShmvizSession *session = shmviz_window_get_session (fixture->window);

  g_assert_nonnull (session);
  shmviz_model_get_totals (shmviz_session_get_model (session), totals);
}

static gboolean
has_produced_and_consumed (Fixture *fixture)
{
  ShmvizTotals totals;

  engine_totals (fixture, &totals);
  return totals.produced > 0 && totals.consumed > 0;
}

static gboolean
window_is_mapped (Fixture *fixture)
{
  return gtk_widget_get_mapped (GTK_WIDGET (fixture->window));
}

static gboolean
window_is_destroyed (Fixture *fixture)
{
  return fixture->destroyed;
}

static gboolean
race_log_has_rows (Fixture *fixture)
{
  ShmvizRaceLog *log = shmviz_window_get_race_log (fixture->window);

  return g_list_model_get_n_items (shmviz_race_log_get_model (log)) > 0;
}

/* The mode in force by the event stream (the supervisor's MODE event after
 * the barrier), not merely the one asked for. */
static gboolean
mode_is_semaphores (Fixture *fixture)
{
  return shmviz_session_get_mode (shmviz_window_get_session (fixture->window)) == SHMVIZ_SYNC_SEMAPHORES &&
         shmviz_window_get_snapshot (fixture->window)->mode == SHMVIZ_SYNC_SEMAPHORES;
}

static gboolean
every_worker_has_pid (Fixture *fixture)
{
  const ShmvizSnapshot *snap = shmviz_window_get_snapshot (fixture->window);

  if (snap->n_procs == 0 || snap->procs == NULL)
    return FALSE;
  for (guint i = 0; i < snap->n_procs; i++)
    if (snap->procs[i].pid <= 0)
      return FALSE;

  return TRUE;
}

/* Regions in /dev/shm whose header says this process created them. */
static void
window_destroyed (GtkWidget *widget,
                  Fixture   *fixture)
{
  fixture->destroyed = TRUE;
}

/* Fixture */

static void
fixture_setup (Fixture       *fixture,
               gconstpointer  data)
{
  /* The start-error test hides the worker from the session. */
  if (g_strcmp0 (data, "no-worker") == 0)
    {
      g_setenv ("SHMVIZ_WORKER_SAVED", g_getenv ("SHMVIZ_WORKER"), TRUE);
      g_setenv ("SHMVIZ_WORKER", "/nonexistent/shmviz-worker", TRUE);
      data = NULL;
    }

  fixture->settings = g_settings_new (APP_ID);

  /* Settings live in memory for the whole process: start each test on
   * the defaults, only faster. */
  ui_test_reset_settings (fixture->settings);
  g_settings_set_uint (fixture->settings, "speed", TEST_SPEED);
  /* A test may open the window on another mode. */
  if (data != NULL)
    g_settings_set_string (fixture->settings, "sync-mode", data);

  fixture->window = shmviz_window_new (GTK_APPLICATION (app));
  g_signal_connect (fixture->window, "destroy", G_CALLBACK (window_destroyed), fixture);
  gtk_window_set_default_size (GTK_WINDOW (fixture->window), 1280, 800);
  gtk_window_present (GTK_WINDOW (fixture->window));

  g_assert_true (ui_test_spin_until (UI_TEST_CONDITION (window_is_mapped), fixture, 10000));

  if (g_getenv ("SHMVIZ_WORKER_SAVED") != NULL)
    {
      g_setenv ("SHMVIZ_WORKER", g_getenv ("SHMVIZ_WORKER_SAVED"), TRUE);
      g_unsetenv ("SHMVIZ_WORKER_SAVED");
    }
}

static void
fixture_teardown (Fixture       *fixture,
                  gconstpointer  data)
{
  g_autoptr(GArray) pids = g_array_new (FALSE, FALSE, sizeof (gint32));

  if (!fixture->destroyed)
    {
      const ShmvizSnapshot *snap = shmviz_window_get_snapshot (fixture->window);

      for (guint i = 0; i < snap->n_procs && snap->procs != NULL; i++)
        if (snap->procs[i].pid > 0)
          g_array_append_val (pids, snap->procs[i].pid);

      gtk_window_close (GTK_WINDOW (fixture->window));
      g_assert_true (ui_test_spin_until (UI_TEST_CONDITION (window_is_destroyed), fixture, 10000));
    }

  for (guint i = 0; i < pids->len; i++)
    {
      gint32 pid = g_array_index (pids, gint32, i);

      /* Reaped, not only signalled: a zombie would still answer. */
      if (kill (pid, 0) == 0 || errno != ESRCH)
        g_error ("worker %d survived its window", pid);
    }
  g_assert_cmpuint (ui_test_count_own_regions (), ==, 0);

  g_clear_object (&fixture->settings);
}

/* Tests */

static void
test_default_runs (Fixture       *fixture,
                   gconstpointer  data)
{
  ShmvizSession *session = shmviz_window_get_session (fixture->window);
  const ShmvizScenario *scenario;
  const ShmvizSnapshot *snap;
  ShmvizTotalsBar *bar;
  ShmvizTotals totals;

  g_assert_nonnull (session);
  g_assert_true (shmviz_session_get_running (session));

  /* The default: 2 × 2 on 8 slots with semaphores. */
  scenario = shmviz_session_get_scenario (session);
  g_assert_cmpuint (scenario->n_producers, ==, 2);
  g_assert_cmpuint (scenario->n_consumers, ==, 2);
  g_assert_cmpuint (scenario->n_slots, ==, 8);
  g_assert_cmpint (scenario->sync, ==, SHMVIZ_SYNC_SEMAPHORES);

  g_assert_true (ui_test_spin_until (UI_TEST_CONDITION (has_produced_and_consumed), fixture, 15000));
  ui_test_spin_for (200);

  /* The views were handed the same counts the engine has. */
  engine_totals (fixture, &totals);
  snap = shmviz_window_get_snapshot (fixture->window);
  g_assert_cmpuint (snap->totals.produced, >, 0);
  g_assert_cmpuint (snap->totals.consumed, >, 0);
  g_assert_cmpuint (snap->totals.produced, <=, totals.produced);
  g_assert_cmpuint (snap->n_procs, ==, 4);
  g_assert_cmpuint (snap->n_slots, ==, 8);

  bar = shmviz_window_get_totals_bar (fixture->window);
  g_assert_cmpstr (shmviz_totals_bar_get_text (bar, "produced"), !=, "0");
  g_assert_cmpstr (shmviz_totals_bar_get_text (bar, "consumed"), !=, "0");

  /* With semaphores nothing goes wrong, and the ledger balances. */
  g_assert_cmpuint (totals.lost, ==, 0);
  g_assert_cmpuint (totals.duplicated, ==, 0);
  g_assert_cmpuint (totals.empty_reads, ==, 0);
  g_assert_cmpuint (totals.corrupt, ==, 0);
  g_assert_cmpuint (totals.produced, ==, totals.consumed + totals.in_buffer + totals.lost);
  g_assert_cmpuint (g_list_model_get_n_items (shmviz_race_log_get_model (shmviz_window_get_race_log (fixture->window))), ==, 0);

  /* The workers run as background work, so they cannot starve its
   * frames: in the idle class, and at the lowest nice level. */
  for (guint i = 0; i < 4; i++)
    {
      errno = 0;
      g_assert_cmpint (getpriority (PRIO_PROCESS, (id_t) snap->procs[i].pid), ==, 19);
      g_assert_cmpint (errno, ==, 0);
      g_assert_cmpint (sched_getscheduler (snap->procs[i].pid), ==, SCHED_IDLE);
    }
}

static void
test_sync_toggle (Fixture       *fixture,
                  gconstpointer  data)
{
  ShmvizRaceLog *log = shmviz_window_get_race_log (fixture->window);
  GListModel *model = shmviz_race_log_get_model (log);
  g_autofree char *mode = NULL;
  guint64 before, after;

  g_assert_true (ui_test_spin_until (UI_TEST_CONDITION (has_produced_and_consumed), fixture, 15000));
  g_assert_cmpuint (g_list_model_get_n_items (model), ==, 0);

  /* A wider race window, live, then synchronization off as the S key does. */
  g_settings_set_uint (fixture->settings, "race-window-ms", 40);
  g_action_group_activate_action (G_ACTION_GROUP (fixture->window), "toggle-sync", NULL);
  mode = g_settings_get_string (fixture->settings, "sync-mode");
  g_assert_cmpstr (mode, ==, "off");

  g_assert_true (ui_test_spin_until (UI_TEST_CONDITION (race_log_has_rows), fixture, 20000));

  /* A second picture, with races, kept beside the first. */
  ui_test_spin_for (1500);
  g_free (save_screenshot (fixture, "shmviz-window-races-1280x800.png"));

  for (guint i = 0; i < MIN (g_list_model_get_n_items (model), 50); i++)
    {
      g_autoptr(ShmvizAnomalyObject) row = g_list_model_get_item (model, i);
      const char *text = shmviz_anomaly_object_get_description (row);

      g_assert_nonnull (text);
      g_assert_cmpuint (strlen (text), >, 10);
      g_assert_cmpint (shmviz_anomaly_object_get_kind (row), <, SHMVIZ_N_ANOMALY_KINDS);
    }

  /* On again: once the barrier has rebuilt the buffer, no new anomaly. */
  g_action_group_activate_action (G_ACTION_GROUP (fixture->window), "toggle-sync", NULL);
  g_clear_pointer (&mode, g_free);
  mode = g_settings_get_string (fixture->settings, "sync-mode");
  g_assert_cmpstr (mode, ==, "semaphores");
  g_assert_true (ui_test_spin_until (UI_TEST_CONDITION (mode_is_semaphores), fixture, 10000));

  /* Events already in flight at the barrier may still reveal some. */
  ui_test_spin_for (600);
  before = shmviz_race_log_get_n_total (log);
  ui_test_spin_for (1500);
  after = shmviz_race_log_get_n_total (log);
  if (after != before)
    {
      guint n = g_list_model_get_n_items (model);

      for (guint i = n - MIN (n, (guint)(after - before)); i < n; i++)
        {
          g_autoptr(ShmvizAnomalyObject) row = g_list_model_get_item (model, i);

          g_test_message ("after the barrier: %s %s",
                          shmviz_anomaly_object_get_time_label (row),
                          shmviz_anomaly_object_get_description (row));
        }
    }
  g_assert_cmpuint (after, ==, before);

  /* The run goes on after the barrier. */
  {
    ShmvizTotals t1, t2;

    engine_totals (fixture, &t1);
    ui_test_spin_for (500);
    engine_totals (fixture, &t2);
    g_assert_cmpuint (t2.produced, >, t1.produced);
  }
}

static gboolean
window_has_new_session (Fixture *fixture)
{
  ShmvizSession *session = shmviz_window_get_session (fixture->window);

  return session != NULL && shmviz_session_get_scenario (session)->n_producers == 3;
}

static gboolean
only_one_session_left (Fixture *fixture)
{
  return shmviz_window_get_n_live_sessions (fixture->window) == 1;
}

static void
test_restart_on_shape_change (Fixture       *fixture,
                              gconstpointer  data)
{
  ShmvizSession *old = shmviz_window_get_session (fixture->window);

  g_assert_true (ui_test_spin_until (UI_TEST_CONDITION (has_produced_and_consumed), fixture, 15000));

  g_settings_set_uint (fixture->settings, "producers", 3);
  if (!ui_test_spin_until (UI_TEST_CONDITION (window_has_new_session), fixture, 8000))
    {
      ShmvizSession *now = shmviz_window_get_session (fixture->window);

      g_test_message ("setting: %u producers; session %p (old %p) with %u producers, %u live",
                      g_settings_get_uint (fixture->settings, "producers"),
                      now, old, now ? shmviz_session_get_scenario (now)->n_producers : 0,
                      shmviz_window_get_n_live_sessions (fixture->window));
      g_assert_not_reached ();
    }
  g_assert_true (shmviz_window_get_session (fixture->window) != old);
  g_assert_true (ui_test_spin_until (UI_TEST_CONDITION (only_one_session_left), fixture, 5000));
  g_assert_true (ui_test_spin_until (UI_TEST_CONDITION (has_produced_and_consumed), fixture, 15000));
  g_assert_cmpuint (shmviz_window_get_snapshot (fixture->window)->n_procs, ==, 5);
}

static gboolean
has_events_after_mark (Fixture *fixture)
{
  ShmvizTotals totals;
  guint64 mark = GPOINTER_TO_SIZE (g_object_get_data (G_OBJECT (fixture->window), "mark"));

  engine_totals (fixture, &totals);
  return totals.events > mark;
}

static void
test_pause_and_step (Fixture       *fixture,
                     gconstpointer  data)
{
  ShmvizSession *session = shmviz_window_get_session (fixture->window);
  ShmvizTotals t1, t2;

  g_assert_true (ui_test_spin_until (UI_TEST_CONDITION (has_produced_and_consumed), fixture, 15000));

  g_action_group_activate_action (G_ACTION_GROUP (fixture->window), "pause", NULL);
  g_assert_true (shmviz_session_get_paused (session));

  /* Steps under way finish; then nothing moves. */
  ui_test_spin_for (500);
  engine_totals (fixture, &t1);
  ui_test_spin_for (700);
  engine_totals (fixture, &t2);
  g_assert_cmpuint (t2.events, ==, t1.events);

  /* One step of one process makes at least one event. */
  g_object_set_data (G_OBJECT (fixture->window), "mark", GSIZE_TO_POINTER ((gsize)t2.events));
  g_action_group_activate_action (G_ACTION_GROUP (fixture->window), "step", NULL);
  g_assert_true (shmviz_session_get_paused (session));
  g_assert_true (ui_test_spin_until (UI_TEST_CONDITION (has_events_after_mark), fixture, 5000));

  g_action_group_activate_action (G_ACTION_GROUP (fixture->window), "pause", NULL);
  g_assert_false (shmviz_session_get_paused (session));
}

static gboolean
banner_is_shown (Fixture *fixture)
{
  return shmviz_window_get_banner (fixture->window) != NULL;
}

static gboolean
banner_is_hidden_and_mode_semaphores (Fixture *fixture)
{
  return shmviz_window_get_banner (fixture->window) == NULL && mode_is_semaphores (fixture);
}

static void
test_deadlock_banner (Fixture       *fixture,
                      gconstpointer  data)
{
  const char *text;
  ShmvizTotals t1, t2;

  /* Opened on wrong-order, lock before waiting: a consumer that takes the
   * mutex on an empty buffer sleeps on full while holding it, or a
   * producer on a full one sleeps on empty; either way all stop. */
  g_assert_cmpint (shmviz_session_get_scenario (shmviz_window_get_session (fixture->window))->sync,
                   ==, SHMVIZ_SYNC_WRONG_ORDER);
  if (!ui_test_spin_until (UI_TEST_CONDITION (banner_is_shown), fixture, 20000))
    {
      const ShmvizSnapshot *snap = shmviz_window_get_snapshot (fixture->window);

      g_test_message ("no banner: mode %d, deadlock %d, %u anomalies, paused %d",
                      snap->mode, snap->deadlock, snap->n_anomalies, snap->paused);
      for (guint i = 0; i < snap->n_procs; i++)
        g_test_message ("  proc %u: %s, waits on %u, holds 0x%x",
                        i, shmviz_view_state_name (snap->procs[i].state),
                        snap->procs[i].wait_sem, snap->procs[i].held);
      {
        GListModel *rows = shmviz_race_log_get_model (shmviz_window_get_race_log (fixture->window));

        for (guint i = 0; i < MIN (g_list_model_get_n_items (rows), 5); i++)
          {
            g_autoptr(ShmvizAnomalyObject) row = g_list_model_get_item (rows, i);

            g_test_message ("  %s %s", shmviz_anomaly_object_get_time_label (row),
                            shmviz_anomaly_object_get_description (row));
          }
      }
      g_assert_not_reached ();
    }
  text = shmviz_window_get_banner (fixture->window);
  g_test_message ("banner: %s", text);
  g_assert_nonnull (strstr (text, "semaphores"));
  ui_test_spin_for (500);
  g_free (save_screenshot (fixture, "shmviz-window-deadlock-1280x800.png"));

  /* What the banner's button does. */
  g_action_group_activate_action (G_ACTION_GROUP (fixture->window), "sync-mode",
                                  g_variant_new_string ("semaphores"));
  g_assert_true (ui_test_spin_until (UI_TEST_CONDITION (banner_is_hidden_and_mode_semaphores), fixture, 10000));

  ui_test_spin_for (300);
  engine_totals (fixture, &t1);
  ui_test_spin_for (1000);
  engine_totals (fixture, &t2);
  g_assert_cmpuint (t2.consumed, >, t1.consumed);
}

static void
test_start_error (Fixture       *fixture,
                  gconstpointer  data)
{
  ShmvizSession *session = shmviz_window_get_session (fixture->window);
  const char *text = shmviz_window_get_banner (fixture->window);

  /* Said in the window, with what to do, and nothing left running. */
  g_assert_nonnull (text);
  g_test_message ("banner: %s", text);
  g_assert_nonnull (strstr (text, "could not start"));
  g_assert_true (session == NULL || !shmviz_session_get_running (session));
  g_assert_cmpuint (shmviz_window_get_n_live_sessions (fixture->window), ==, 0);
  g_assert_cmpuint (ui_test_count_own_regions (), ==, 0);

  /* The banner's Restart, once the worker can be found again. */
  g_action_group_activate_action (G_ACTION_GROUP (fixture->window), "restart", NULL);
  g_assert_null (shmviz_window_get_banner (fixture->window));
  g_assert_true (ui_test_spin_until (UI_TEST_CONDITION (has_produced_and_consumed), fixture, 15000));
}

static void
test_speed_actions (Fixture       *fixture,
                    gconstpointer  data)
{
  ShmvizSession *session = shmviz_window_get_session (fixture->window);

  g_assert_cmpuint (shmviz_session_get_speed (session), ==, TEST_SPEED);
  g_action_group_activate_action (G_ACTION_GROUP (fixture->window), "speed-up", NULL);
  g_assert_cmpuint (g_settings_get_uint (fixture->settings, "speed"), >, TEST_SPEED);
  g_assert_cmpuint (shmviz_session_get_speed (session), ==, g_settings_get_uint (fixture->settings, "speed"));

  g_action_group_activate_action (G_ACTION_GROUP (fixture->window), "speed-down", NULL);
  g_action_group_activate_action (G_ACTION_GROUP (fixture->window), "speed-down", NULL);
  g_assert_cmpuint (g_settings_get_uint (fixture->settings, "speed"), <, TEST_SPEED);
  g_assert_cmpuint (shmviz_session_get_speed (session), ==, g_settings_get_uint (fixture->settings, "speed"));
}

static gboolean
mode_is_off (Fixture *fixture)
{
  return shmviz_session_get_mode (shmviz_window_get_session (fixture->window)) == SHMVIZ_SYNC_OFF;
}

/* Runs what the window's single-key shortcut for @accel does, as a key
 * press would; returns whether it took the key. */
static gboolean
press_single_key (Fixture    *fixture,
                  const char *accel)
{
  g_autoptr(GListModel) controllers = gtk_widget_observe_controllers (GTK_WIDGET (fixture->window));
  g_autoptr(GtkShortcutTrigger) wanted = gtk_shortcut_trigger_parse_string (accel);

  for (guint i = 0; i < g_list_model_get_n_items (controllers); i++)
    {
      g_autoptr(GtkEventController) controller = g_list_model_get_item (controllers, i);

      if (g_strcmp0 (gtk_event_controller_get_name (controller), "shmviz-single-keys") != 0)
        continue;

      for (guint j = 0; j < g_list_model_get_n_items (G_LIST_MODEL (controller)); j++)
        {
          g_autoptr(GtkShortcut) shortcut = g_list_model_get_item (G_LIST_MODEL (controller), j);

          if (gtk_shortcut_trigger_equal (gtk_shortcut_get_trigger (shortcut), wanted))
            return gtk_shortcut_action_activate (gtk_shortcut_get_action (shortcut), 0,
                                                 GTK_WIDGET (fixture->window), NULL);
        }
    }

  g_error ("no single-key shortcut for %s", accel);
}

static void
test_single_keys (Fixture       *fixture,
                  gconstpointer  data)
{
  ShmvizSession *session = shmviz_window_get_session (fixture->window);
  ShmvizScenarioPanel *panel = SHMVIZ_SCENARIO_PANEL (shmviz_window_get_scenario_panel (fixture->window));
  GtkSpinButton *spin = shmviz_scenario_panel_get_spin (panel, "race-window-ms");
  guint speed = g_settings_get_uint (fixture->settings, "speed");

  /* Typing into a spin button keeps its keys: no pause, no speed change. */
  g_assert_true (gtk_widget_grab_focus (GTK_WIDGET (spin)));
  g_assert_false (press_single_key (fixture, "space"));
  g_assert_false (press_single_key (fixture, "minus"));
  g_assert_false (press_single_key (fixture, "s"));
  g_assert_false (shmviz_session_get_paused (session));
  g_assert_cmpuint (g_settings_get_uint (fixture->settings, "speed"), ==, speed);

  /* Elsewhere, even on a button, they drive the run. */
  gtk_window_set_focus (GTK_WINDOW (fixture->window), NULL);
  g_assert_true (press_single_key (fixture, "space"));
  g_assert_true (shmviz_session_get_paused (session));
  g_assert_true (press_single_key (fixture, "space"));
  g_assert_false (shmviz_session_get_paused (session));
  g_assert_true (press_single_key (fixture, "minus"));
  g_assert_cmpuint (g_settings_get_uint (fixture->settings, "speed"), <, speed);
  g_assert_true (press_single_key (fixture, "s"));
  g_assert_true (ui_test_spin_until (UI_TEST_CONDITION (mode_is_off), fixture, 10000));
}

static void
test_about_and_shortcuts (Fixture       *fixture,
                          gconstpointer  data)
{
  g_autoptr(GList) toplevels = NULL;
  GtkWindow *about = NULL;

  g_action_group_activate_action (G_ACTION_GROUP (app), "about", NULL);
  ui_test_spin_for (300);
  toplevels = gtk_window_list_toplevels ();
  for (const GList *l = toplevels; l != NULL; l = l->next)
    if (ADW_IS_ABOUT_WINDOW (l->data) && gtk_widget_get_visible (l->data))
      about = l->data;
  g_assert_nonnull (about);
  g_assert_true (gtk_window_get_transient_for (about) == GTK_WINDOW (fixture->window));
  g_assert_cmpint (adw_about_window_get_license_type (ADW_ABOUT_WINDOW (about)), ==, GTK_LICENSE_GPL_3_0);
  gtk_window_destroy (about);

  /* Ctrl+? shows the shortcuts window the help-overlay resource makes. */
  g_assert_true (g_action_group_has_action (G_ACTION_GROUP (fixture->window), "show-help-overlay"));
  g_action_group_activate_action (G_ACTION_GROUP (app), "shortcuts", NULL);
  ui_test_spin_for (300);
  g_assert_nonnull (gtk_application_window_get_help_overlay (GTK_APPLICATION_WINDOW (fixture->window)));
  g_assert_true (gtk_widget_get_visible (GTK_WIDGET (gtk_application_window_get_help_overlay (GTK_APPLICATION_WINDOW (fixture->window)))));
  gtk_widget_set_visible (GTK_WIDGET (gtk_application_window_get_help_overlay (GTK_APPLICATION_WINDOW (fixture->window))), FALSE);
}

/* Renders the window at 1280 × 800 into @name under the build folder,
 * checks that the picture is not blank, and returns its path. */
static char *
save_screenshot (Fixture    *fixture,
                 const char *name)
{
  g_autoptr(GskRenderNode) node = NULL;
  g_autoptr(GdkTexture) texture = NULL;
  g_autoptr(GHashTable) colours = NULL;
  g_autofree guchar *pixels = NULL;
  char *path;
  GskRenderer *renderer;
  guint32 background;
  guint64 differing = 0;
  int width = 0, height = 0;

  /* The default size counts the frame drawn around a window without a
   * compositor; grow it until the widget itself is 1280 × 800. */
  for (guint i = 0; i < 5; i++)
    {
      int dw, dh;

      width = gtk_widget_get_width (GTK_WIDGET (fixture->window));
      height = gtk_widget_get_height (GTK_WIDGET (fixture->window));
      if (width == 1280 && height == 800)
        break;
      gtk_window_get_default_size (GTK_WINDOW (fixture->window), &dw, &dh);
      gtk_window_set_default_size (GTK_WINDOW (fixture->window), dw + 1280 - width, dh + 800 - height);
      ui_test_spin_for (300);
    }
  g_assert_cmpint (width, ==, 1280);
  g_assert_cmpint (height, ==, 800);

  node = ui_test_widget_node (GTK_WIDGET (fixture->window), width, height);
  g_assert_nonnull (node);

  renderer = gtk_native_get_renderer (GTK_NATIVE (fixture->window));
  texture = gsk_renderer_render_texture (renderer, node, &GRAPHENE_RECT_INIT (0, 0, width, height));
  g_assert_cmpint (gdk_texture_get_width (texture), ==, width);
  g_assert_cmpint (gdk_texture_get_height (texture), ==, height);

  path = g_test_build_filename (G_TEST_BUILT, name, NULL);
  g_assert_true (gdk_texture_save_to_png (texture, path));
  g_test_message ("screenshot: %s", path);
  g_assert_true (g_file_test (path, G_FILE_TEST_IS_REGULAR));

  /* Not blank: many colours, and much of it unlike the background. */
  pixels = g_malloc ((gsize)width * height * 4);
  gdk_texture_download (texture, pixels, (gsize)width * 4);
  colours = g_hash_table_new (NULL, NULL);
  background = ((guint32 *)(gpointer)pixels)[(gsize)(height / 2) * width + width - 4];
  for (gsize i = 0; i < (gsize)width * height; i++)
    {
      guint32 px = ((guint32 *)(gpointer)pixels)[i];

      g_hash_table_add (colours, GUINT_TO_POINTER (px));
      if (px != background)
        differing++;
    }

  g_test_message ("%u colours, %" G_GUINT64_FORMAT " of %d pixels unlike the background",
                  g_hash_table_size (colours), differing, width * height);
  g_assert_cmpuint (g_hash_table_size (colours), >, 64);
  g_assert_cmpuint (differing, >, (guint64)width * height / 20);

  return path;
}

static void
test_screenshot (Fixture       *fixture,
                 gconstpointer  data)
{
  g_autofree char *path = NULL;

  g_assert_true (ui_test_spin_until (UI_TEST_CONDITION (has_produced_and_consumed), fixture, 15000));
  /* Let a few frames draw the running state. */
  ui_test_spin_for (800);

  path = save_screenshot (fixture, "shmviz-window-1280x800.png");
}

static void
test_close_stops_everything (Fixture       *fixture,
                             gconstpointer  data)
{
  g_autoptr(GArray) pids = g_array_new (FALSE, FALSE, sizeof (gint32));
  const ShmvizSnapshot *snap;

  g_assert_true (ui_test_spin_until (UI_TEST_CONDITION (has_produced_and_consumed), fixture, 15000));
  g_assert_true (ui_test_spin_until (UI_TEST_CONDITION (every_worker_has_pid), fixture, 5000));

  snap = shmviz_window_get_snapshot (fixture->window);
  g_assert_cmpuint (snap->n_procs, ==, 4);
  for (guint i = 0; i < snap->n_procs; i++)
    {
      g_assert_cmpint (snap->procs[i].pid, >, 0);
      g_assert_cmpint (kill (snap->procs[i].pid, 0), ==, 0);
      g_array_append_val (pids, snap->procs[i].pid);
    }

  /* As the close button does: the window hides, stops the run, and goes
   * once every worker has been reaped. */
  gtk_window_close (GTK_WINDOW (fixture->window));
  g_assert_true (ui_test_spin_until (UI_TEST_CONDITION (window_is_destroyed), fixture, 10000));
  g_assert_null (g_list_find (gtk_application_get_windows (GTK_APPLICATION (app)), fixture->window));

  for (guint i = 0; i < pids->len; i++)
    {
      errno = 0;
      g_assert_cmpint (kill (g_array_index (pids, gint32, i), 0), ==, -1);
      g_assert_cmpint (errno, ==, ESRCH);
    }
  g_assert_cmpuint (ui_test_count_own_regions (), ==, 0);
}

int
main (int   argc,
      char *argv[])
{
  g_autoptr(GError) error = NULL;
  int ret;

  g_test_init (&argc, &argv, NULL);
  known_warnings_install ();

  app = shmviz_application_new ();
  /* Tests run beside each other and beside a real shmviz. */
  g_application_set_flags (G_APPLICATION (app), G_APPLICATION_NON_UNIQUE);
  if (!g_application_register (G_APPLICATION (app), NULL, &error))
    g_error ("could not register the application: %s", error->message);

  g_test_add ("/ui/window/default-runs", Fixture, NULL,
              fixture_setup, test_default_runs, fixture_teardown);
  g_test_add ("/ui/window/sync-toggle", Fixture, NULL,
              fixture_setup, test_sync_toggle, fixture_teardown);
  g_test_add ("/ui/window/restart-on-shape-change", Fixture, NULL,
              fixture_setup, test_restart_on_shape_change, fixture_teardown);
  g_test_add ("/ui/window/pause-and-step", Fixture, NULL,
              fixture_setup, test_pause_and_step, fixture_teardown);
  g_test_add ("/ui/window/deadlock-banner", Fixture, "wrong-order",
              fixture_setup, test_deadlock_banner, fixture_teardown);
  g_test_add ("/ui/window/start-error", Fixture, "no-worker",
              fixture_setup, test_start_error, fixture_teardown);
  g_test_add ("/ui/window/speed", Fixture, NULL,
              fixture_setup, test_speed_actions, fixture_teardown);
  g_test_add ("/ui/window/single-keys", Fixture, NULL,
              fixture_setup, test_single_keys, fixture_teardown);
  g_test_add ("/ui/window/about-and-shortcuts", Fixture, NULL,
              fixture_setup, test_about_and_shortcuts, fixture_teardown);
  g_test_add ("/ui/window/screenshot", Fixture, NULL,
              fixture_setup, test_screenshot, fixture_teardown);
  g_test_add ("/ui/window/close-stops-everything", Fixture, NULL,
              fixture_setup, test_close_stops_everything, fixture_teardown);

  ret = g_test_run ();

  g_clear_object (&app);

  return ret;
}
