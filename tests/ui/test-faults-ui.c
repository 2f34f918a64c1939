/* test-faults-ui.c — faults injected and recovered through the window
 *
 * Real workers under Xvfb: a producer killed inside the critical section
 * through win.kill-process, shown, recovered and started again; a consumer
 * stopped through win.stop-process, reported by the watchdog and continued.
 * Every fixture closes its window in teardown and checks that no worker
 * and no region of this process survive.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include "known-warnings.h"

#include <errno.h>
#include <signal.h>
#include <string.h>
#include <unistd.h>

#include <adwaita.h>

#include "layout.h"
#include "region.h"
#include "session-private.h"
#include "shmviz-application.h"
#include "shmviz-fault-menu.h"
#include "shmviz-process-view.h"
#include "shmviz-window.h"
#include "ui-test.h"

static ShmvizApplication *app;

typedef struct {
  ShmvizWindow *window;
  GSettings    *settings;
  gboolean      destroyed;
  /* What a condition looks for */
  guint         proc;
  guint64       target;
} Fixture;

static ShmvizSession *
session_of (Fixture *fixture)
{
  ShmvizSession *session = shmviz_window_get_session (fixture->window);

  g_assert_nonnull (session);
  return session;
}

static void
engine_totals (Fixture      *fixture,
               ShmvizTotals *totals)
{
  shmviz_model_get_totals (shmviz_session_get_model (session_of (fixture)), totals);
}

/* A fresh copy of process @proc as the model has it. */
static ShmvizProcView
proc_view (Fixture *fixture,
           guint    proc)
{
  ShmvizSnapshot snap = { 0 };
  ShmvizProcView view = { 0 };

  shmviz_model_snapshot (shmviz_session_get_model (session_of (fixture)), &snap);
  if (proc < snap.n_procs)
    view = snap.procs[proc];
  shmviz_snapshot_clear (&snap);

  return view;
}

static void
activate (Fixture    *fixture,
          const char *action,
          GVariant   *param)
{
  g_test_message ("activating win.%s", action);
  g_action_group_activate_action (G_ACTION_GROUP (fixture->window), action, param);
}

/* Widget-tree helpers: what the user sees */

/* The first label under @widget, inside a widget of type @within (any if
 * NULL), whose text contains @needle. */
static GtkWidget *
find_label (GtkWidget  *widget,
            const char *within,
            gboolean    inside,
            const char *needle)
{
  inside = inside || within == NULL || g_str_equal (G_OBJECT_TYPE_NAME (widget), within);

  if (inside && GTK_IS_LABEL (widget) && gtk_widget_get_mapped (widget) &&
      strstr (gtk_label_get_label (GTK_LABEL (widget)), needle) != NULL)
    return widget;

  for (GtkWidget *child = gtk_widget_get_first_child (widget); child != NULL;
       child = gtk_widget_get_next_sibling (child))
    {
      GtkWidget *found = find_label (child, within, inside, needle);

      if (found != NULL)
        return found;
    }

  return NULL;
}

/* Conditions */

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
every_worker_runs (Fixture *fixture)
{
  const ShmvizSnapshot *snap = shmviz_window_get_snapshot (fixture->window);
  ShmvizTotals totals;

  if (snap->n_procs == 0 || snap->procs == NULL)
    return FALSE;
  for (guint i = 0; i < snap->n_procs; i++)
    if (snap->procs[i].pid <= 0)
      return FALSE;
  engine_totals (fixture, &totals);

  return totals.produced > 0 && totals.consumed > 0;
}

static gboolean
proc_holds_mutex (Fixture *fixture)
{
  ShmvizRegion *region = shmviz_session_get_region (session_of (fixture));
  ShmvizProcBlock *p = shmviz_region_proc (region, fixture->proc);

  return (atomic_load (&p->held) & SHMVIZ_HELD_MUTEX) != 0;
}

static gboolean
toast_tells_mutex (Fixture *fixture)
{
  return find_label (GTK_WIDGET (fixture->window), "AdwToastWidget", FALSE, "mutex") != NULL;
}

static gboolean
banner_tells_mutex (Fixture *fixture)
{
  const char *banner = shmviz_window_get_banner (fixture->window);

  return banner != NULL && strstr (banner, "mutex") != NULL;
}

static gboolean
has_deadlock (Fixture *fixture)
{
  g_autoptr(GArray) anomalies = g_array_new (FALSE, FALSE, sizeof (ShmvizAnomaly));
  guint n = shmviz_model_get_anomalies (shmviz_session_get_model (session_of (fixture)), 0, anomalies);

  for (guint i = 0; i < n; i++)
    if (g_array_index (anomalies, ShmvizAnomaly, i).kind == SHMVIZ_ANOMALY_DEADLOCK)
      return TRUE;

  return FALSE;
}

static gboolean
produced_reaches_target (Fixture *fixture)
{
  ShmvizTotals totals;

  engine_totals (fixture, &totals);
  return totals.produced >= fixture->target;
}

static gboolean
proc_done_reaches_target (Fixture *fixture)
{
  ShmvizProcView view = proc_view (fixture, fixture->proc);

  return view.state != SHMVIZ_VIEW_DEAD && view.items_done >= fixture->target;
}

static gboolean
proc_is_stopped (Fixture *fixture)
{
  return proc_view (fixture, fixture->proc).state == SHMVIZ_VIEW_STOPPED;
}

static gboolean
proc_is_dead (Fixture *fixture)
{
  return proc_view (fixture, fixture->proc).state == SHMVIZ_VIEW_DEAD;
}

static gboolean
banner_shown (Fixture *fixture)
{
  return shmviz_window_get_banner (fixture->window) != NULL;
}

static gboolean
banner_hidden (Fixture *fixture)
{
  return shmviz_window_get_banner (fixture->window) == NULL;
}

/* Regions in /dev/shm whose header says this process created them. */
/* Fixture */

static void
window_destroyed (GtkWidget *widget,
                  Fixture   *fixture)
{
  fixture->destroyed = TRUE;
}

static void
fixture_setup (Fixture       *fixture,
               gconstpointer  data)
{
  guint consumers = GPOINTER_TO_UINT (data);

  fixture->settings = g_settings_new (APP_ID);
  ui_test_reset_settings (fixture->settings);

  /* Quick steps, and for the kill a race window inside the critical
   * section: a producer holds the mutex most of the time. */
  g_settings_set_uint (fixture->settings, "producers", 2);
  g_settings_set_uint (fixture->settings, "consumers", consumers);
  g_settings_set_uint (fixture->settings, "slots", 4);
  g_settings_set_uint (fixture->settings, "speed", 1000);
  g_settings_set_uint (fixture->settings, "produce-ms", 1);
  g_settings_set_uint (fixture->settings, "consume-ms", 1);
  g_settings_set_uint (fixture->settings, "step-ms", 0);
  g_settings_set_uint (fixture->settings, "race-window-ms", consumers == 2 ? 30 : 0);

  fixture->window = shmviz_window_new (GTK_APPLICATION (app));
  g_signal_connect (fixture->window, "destroy", G_CALLBACK (window_destroyed), fixture);
  gtk_window_set_default_size (GTK_WINDOW (fixture->window), 1280, 800);
  gtk_window_present (GTK_WINDOW (fixture->window));

  g_assert_true (ui_test_spin_until (UI_TEST_CONDITION (window_is_mapped), fixture, 10000));
  g_assert_true (ui_test_spin_until (UI_TEST_CONDITION (every_worker_runs), fixture, 15000));
}

static void
fixture_teardown (Fixture       *fixture,
                  gconstpointer  data)
{
  g_autoptr(GArray) pids = g_array_new (FALSE, FALSE, sizeof (gint32));

  if (!fixture->destroyed)
    {
      ShmvizSnapshot snap = { 0 };

      /* The model's pids: a restarted worker has a new one. */
      shmviz_model_snapshot (shmviz_window_get_model (fixture->window), &snap);
      for (guint i = 0; i < snap.n_procs; i++)
        if (snap.procs[i].pid > 0)
          g_array_append_val (pids, snap.procs[i].pid);
      shmviz_snapshot_clear (&snap);

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
test_kill_holding_mutex (Fixture       *fixture,
                         gconstpointer  data)
{
  g_autoptr(GArray) anomalies = g_array_new (FALSE, FALSE, sizeof (ShmvizAnomaly));
  ShmvizModel *model = shmviz_session_get_model (session_of (fixture));
  ShmvizTotals totals;
  guint n_before, n_after;
  guint64 done_at_death;

  /* P1 inside the critical section, by the region's own bit. */
  fixture->proc = 0;
  g_assert_true (ui_test_spin_until (UI_TEST_CONDITION (proc_holds_mutex), fixture, 10000));
  activate (fixture, "kill-process", g_variant_new_uint32 (0));

  /* The death is shown with what it held: a toast, and a banner offering
   * Recover and Start Again. */
  g_assert_true (ui_test_spin_until (UI_TEST_CONDITION (toast_tells_mutex), fixture, 3000));
  g_assert_true (ui_test_spin_until (UI_TEST_CONDITION (banner_tells_mutex), fixture, 3000));
  g_test_message ("banner: %s", shmviz_window_get_banner (fixture->window));
  /* The model folds the supervisor's DIED event a little later. */
  g_assert_true (ui_test_spin_until (UI_TEST_CONDITION (proc_is_dead), fixture, 3000));

  /* The rest pile up on the dead holder's mutex; the deadlock banner then
   * offers Recover too, since switching modes cannot help. */
  g_assert_true (ui_test_spin_until (UI_TEST_CONDITION (has_deadlock), fixture, 10000));
  ui_test_spin_for (300);
  g_test_message ("banner: %s", shmviz_window_get_banner (fixture->window));
  g_assert_true (banner_tells_mutex (fixture));

  /* The popover of a dead card offers Start Again and Recover. */
  {
    ShmvizProcView view = proc_view (fixture, 0);
    g_autoptr(GMenuModel) menu = shmviz_fault_menu_new_for_process (0, &view, 2);
    g_autoptr(GMenuModel) section = g_menu_model_get_item_link (menu, 0, G_MENU_LINK_SECTION);
    g_autofree char *action = NULL;

    g_assert_cmpint (g_menu_model_get_n_items (section), ==, 1);
    g_assert_true (g_menu_model_get_item_attribute (section, 0, G_MENU_ATTRIBUTE_ACTION, "s", &action));
    g_assert_cmpstr (action, ==, "win.restart-process");
    g_assert_cmpint (g_menu_model_get_n_items (menu), ==, 2);
  }

  n_before = shmviz_model_get_anomalies (model, 0, anomalies);
  g_settings_set_uint (fixture->settings, "race-window-ms", 0);
  ui_test_spin_for (100);
  engine_totals (fixture, &totals);
  fixture->target = totals.produced + 100;
  activate (fixture, "recover", NULL);
  g_assert_true (ui_test_spin_until (UI_TEST_CONDITION (produced_reaches_target), fixture, 15000));
  g_assert_true (ui_test_spin_until (UI_TEST_CONDITION (banner_hidden), fixture, 2000));

  /* Started again, P1 produces again with its own numbering. */
  done_at_death = proc_view (fixture, 0).items_done;
  activate (fixture, "restart-process", g_variant_new_uint32 (0));
  fixture->target = done_at_death + 20;
  g_assert_true (ui_test_spin_until (UI_TEST_CONDITION (proc_done_reaches_target), fixture, 15000));
  engine_totals (fixture, &totals);
  fixture->target = totals.produced + 100;
  g_assert_true (ui_test_spin_until (UI_TEST_CONDITION (produced_reaches_target), fixture, 15000));

  /* At most the dead producer's half-written item, cleared by the
   * rebuild and so counted lost by the supervisor; nothing else. */
  n_after = shmviz_model_get_anomalies (model, n_before, anomalies);
  for (guint i = n_before; i < n_after; i++)
    {
      const ShmvizAnomaly *a = &g_array_index (anomalies, ShmvizAnomaly, i);
      g_autofree char *text = shmviz_anomaly_describe (a, 2);

      g_test_message ("after recovery: %s", text);
      g_assert_cmpint (a->kind, ==, SHMVIZ_ANOMALY_LOST);
      g_assert_cmpuint (a->actor, ==, SHMVIZ_PROC_SUPERVISOR);
    }
  g_assert_cmpuint (n_after - n_before, <=, 1);
}

static void
test_stop_and_continue (Fixture       *fixture,
                        gconstpointer  data)
{
  ShmvizTotals totals;
  const char *banner;
  GtkWidget *view, *popover;

  shmviz_session_set_watchdog (session_of (fixture), 500 * G_GUINT64_CONSTANT (1000000));

  /* The card's menu of a live consumer: Kill and Stop, no Start Again. */
  view = ui_test_find_widget (GTK_WIDGET (fixture->window), SHMVIZ_TYPE_PROCESS_VIEW);
  g_assert_nonnull (view);
  g_signal_emit_by_name (view, "process-menu", 2u, 40.0, 40.0);
  ui_test_spin_for (200);
  popover = ui_test_find_widget (view, GTK_TYPE_POPOVER_MENU);
  g_assert_nonnull (popover);
  g_assert_true (gtk_widget_get_visible (popover));
  g_assert_nonnull (find_label (popover, NULL, TRUE, "SIGSTOP"));
  g_assert_null (find_label (popover, NULL, TRUE, "Again"));
  gtk_popover_popdown (GTK_POPOVER (popover));
  ui_test_spin_for (100);

  /* C1 is the only consumer: stopped, it stalls everyone. */
  fixture->proc = 2;
  activate (fixture, "stop-process", g_variant_new_uint32 (2));
  g_assert_true (ui_test_spin_until (UI_TEST_CONDITION (proc_is_stopped), fixture, 5000));
  g_assert_true (ui_test_spin_until (UI_TEST_CONDITION (banner_shown), fixture, 8000));
  banner = shmviz_window_get_banner (fixture->window);
  g_test_message ("banner: %s", banner);
  g_assert_nonnull (strstr (banner, "C1"));
  g_assert_nonnull (strstr (banner, "stopped"));
  /* Stopped is not dead. */
  g_assert_cmpint (proc_view (fixture, 2).state, ==, SHMVIZ_VIEW_STOPPED);

  engine_totals (fixture, &totals);
  fixture->target = totals.produced + 50;
  activate (fixture, "continue-process", g_variant_new_uint32 (2));
  g_assert_true (ui_test_spin_until (UI_TEST_CONDITION (produced_reaches_target), fixture, 10000));
  g_assert_cmpint (proc_view (fixture, 2).state, !=, SHMVIZ_VIEW_STOPPED);
  g_assert_true (banner_hidden (fixture));

  /* Once more, continued by the banner's Continue All. */
  activate (fixture, "stop-process", g_variant_new_uint32 (2));
  g_assert_true (ui_test_spin_until (UI_TEST_CONDITION (proc_is_stopped), fixture, 5000));
  engine_totals (fixture, &totals);
  fixture->target = totals.produced + 50;
  activate (fixture, "continue-all", NULL);
  g_assert_true (ui_test_spin_until (UI_TEST_CONDITION (produced_reaches_target), fixture, 10000));
}

static void
test_menus (void)
{
  g_autoptr(GMenu) faults = g_menu_new ();
  g_autoptr(GMenuModel) procs = NULL;
  g_autoptr(GMenuModel) live = NULL;
  ShmvizProcView view = { 0 };

  /* One submenu per process, then Recover and Continue All. */
  shmviz_fault_menu_fill (faults, 2, 3);
  g_assert_cmpint (g_menu_model_get_n_items (G_MENU_MODEL (faults)), ==, 2);
  procs = g_menu_model_get_item_link (G_MENU_MODEL (faults), 0, G_MENU_LINK_SECTION);
  g_assert_cmpint (g_menu_model_get_n_items (procs), ==, 5);
  shmviz_fault_menu_fill (faults, 1, 1);
  g_assert_cmpint (g_menu_model_get_n_items (G_MENU_MODEL (faults)), ==, 2);

  /* A running process: Kill and Stop only. */
  view.state = SHMVIZ_VIEW_RUNNING;
  live = shmviz_fault_menu_new_for_process (0, &view, 1);
  g_assert_cmpint (g_menu_model_get_n_items (live), ==, 1);
  {
    g_autoptr(GMenuModel) section = g_menu_model_get_item_link (live, 0, G_MENU_LINK_SECTION);

    g_assert_cmpint (g_menu_model_get_n_items (section), ==, 2);
  }
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
  g_application_set_flags (G_APPLICATION (app), G_APPLICATION_NON_UNIQUE);
  if (!g_application_register (G_APPLICATION (app), NULL, &error))
    g_error ("could not register the application: %s", error->message);

  g_test_add_func ("/ui/faults/menus", test_menus);
  g_test_add ("/ui/faults/kill-holding-mutex", Fixture, GUINT_TO_POINTER (2),
              fixture_setup, test_kill_holding_mutex, fixture_teardown);
  g_test_add ("/ui/faults/stop-and-continue", Fixture, GUINT_TO_POINTER (1),
              fixture_setup, test_stop_and_continue, fixture_teardown);

  ret = g_test_run ();
  g_clear_object (&app);

  return ret;
}
