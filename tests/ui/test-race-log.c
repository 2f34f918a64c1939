/* test-race-log.c — the race log follows a flood of anomalies quietly
 *
 * A live run without synchronization reveals anomalies faster than anyone
 * reads them: the log keeps the newest SHMVIZ_RACE_LOG_MAX_ROWS and drops
 * older rows from the top while it follows the end.  GTK 4.8's list view
 * warns ("failed to scroll to given position") when its scroll position is
 * moved while its rows changed since it was last laid out; GLib tests make
 * that warning fatal, so these tests fail if the log ever scrolls then.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <string.h>

#include <gtk/gtk.h>

#include "shmviz-race-log.h"
#include "shmviz-wrap-label.h"
#include "ui-test.h"

typedef struct {
  GtkWidget     *window;
  ShmvizRaceLog *log;
  guint64        next_item;
  guint          per_frame;
  guint          frames;
  int            max_width;
} Fixture;

static void
fixture_setup (Fixture       *fixture,
               gconstpointer  data)
{
  fixture->window = gtk_window_new ();
  gtk_window_set_default_size (GTK_WINDOW (fixture->window), 480, 360);
  fixture->log = SHMVIZ_RACE_LOG (shmviz_race_log_new ());
  gtk_window_set_child (GTK_WINDOW (fixture->window), GTK_WIDGET (fixture->log));
  gtk_window_present (GTK_WINDOW (fixture->window));
  ui_test_spin_for (200);
}

static void
fixture_teardown (Fixture       *fixture,
                  gconstpointer  data)
{
  gtk_window_destroy (GTK_WINDOW (fixture->window));
  ui_test_spin_for (50);
}

static void
append_burst (Fixture *fixture,
              guint    n)
{
  g_autofree ShmvizAnomaly *burst = g_new0 (ShmvizAnomaly, n);

  for (guint i = 0; i < n; i++)
    {
      guint64 item = fixture->next_item++;

      burst[i].kind = SHMVIZ_ANOMALY_LOST;
      burst[i].ts_ns = item * 1000;
      burst[i].slot = item % 8;
      burst[i].item = item;
      burst[i].other_item = item + 1;
      burst[i].actor = 1;
      burst[i].earlier = 0;
    }
  shmviz_race_log_append (fixture->log, burst, n, 2, 0);
}

/* As the window's drain does: anomalies arrive in the frame's update
 * phase, before the list is laid out again. */
static gboolean
flood_tick (GtkWidget     *widget,
            GdkFrameClock *clock,
            gpointer       user_data)
{
  Fixture *fixture = user_data;

  append_burst (fixture, fixture->per_frame);
  fixture->frames++;

  return G_SOURCE_CONTINUE;
}

/* Following: the newest row in full in the view, and rows above it up to
 * the view's top (not the newest row alone at the top of an empty view). */
static gboolean
newest_row_at_bottom (Fixture *fixture)
{
  GListModel *model = shmviz_race_log_get_model (fixture->log);
  guint n_rows = g_list_model_get_n_items (model);
  g_autoptr(ShmvizAnomalyObject) newest = n_rows > 0 ? g_list_model_get_item (model, n_rows - 1) : NULL;
  GtkWidget *list = ui_test_find_widget (GTK_WIDGET (fixture->log), GTK_TYPE_LIST_VIEW);
  GtkWidget *scroller = gtk_widget_get_ancestor (list, GTK_TYPE_SCROLLED_WINDOW);
  float view_height = gtk_widget_get_height (scroller);
  gboolean newest_in_view = FALSE, top_covered = FALSE;

  if (newest == NULL)
    return FALSE;

  for (GtkWidget *row = gtk_widget_get_first_child (list); row != NULL; row = gtk_widget_get_next_sibling (row))
    {
      GtkWidget *text = ui_test_find_widget (row, SHMVIZ_TYPE_WRAP_LABEL);
      graphene_rect_t b;

      if (text == NULL || !gtk_widget_get_child_visible (row) ||
          !gtk_widget_compute_bounds (row, scroller, &b))
        continue;
      if (b.origin.y <= 0.5f && b.origin.y + b.size.height > 0.5f)
        top_covered = TRUE;
      if (g_strcmp0 (shmviz_wrap_label_get_label (SHMVIZ_WRAP_LABEL (text)),
                     shmviz_anomaly_object_get_description (newest)) == 0 &&
          b.origin.y >= -0.5f && b.origin.y + b.size.height <= view_height + 0.5f)
        newest_in_view = TRUE;
    }

  return newest_in_view && top_covered;
}

static void
test_flood_follows (Fixture       *fixture,
                    gconstpointer  data)
{
  GListModel *model = shmviz_race_log_get_model (fixture->log);
  guint id;

  g_assert_true (shmviz_race_log_get_follow (fixture->log));

  /* 1,500 rows a frame: past the cap within seven frames, then every
   * frame drops rows from the top while the log scrolls to the end. */
  fixture->per_frame = 1500;
  id = gtk_widget_add_tick_callback (fixture->window, flood_tick, fixture, NULL);
  while (fixture->frames < 40)
    g_main_context_iteration (NULL, TRUE);
  gtk_widget_remove_tick_callback (fixture->window, id);

  g_assert_cmpuint (g_list_model_get_n_items (model), ==, SHMVIZ_RACE_LOG_MAX_ROWS);
  g_assert_cmpuint (shmviz_race_log_get_n_total (fixture->log), ==, fixture->next_item);
  g_assert_true (shmviz_race_log_get_follow (fixture->log));
  g_assert_nonnull (strstr (shmviz_race_log_get_status (fixture->log), "older entries dropped"));

  /* Once the flood stops, the newest row is in view. */
  g_assert_true (ui_test_spin_until (UI_TEST_CONDITION (newest_row_at_bottom), fixture, 5000));
}

static void
test_follow_again_while_flooded (Fixture       *fixture,
                                 gconstpointer  data)
{
  guint id;

  append_burst (fixture, SHMVIZ_RACE_LOG_MAX_ROWS);
  ui_test_spin_for (100);

  /* The reader scrolls back, the flood goes on, then they follow again
   * in the middle of it: the jump happens on rows that keep moving. */
  shmviz_race_log_set_follow (fixture->log, FALSE);
  fixture->per_frame = 700;
  id = gtk_widget_add_tick_callback (fixture->window, flood_tick, fixture, NULL);
  while (fixture->frames < 10)
    g_main_context_iteration (NULL, TRUE);
  shmviz_race_log_set_follow (fixture->log, TRUE);
  while (fixture->frames < 30)
    g_main_context_iteration (NULL, TRUE);

  /* Cleared mid-flood, as a restart does. */
  shmviz_race_log_clear (fixture->log);
  while (fixture->frames < 40)
    g_main_context_iteration (NULL, TRUE);
  gtk_widget_remove_tick_callback (fixture->window, id);

  g_assert_true (shmviz_race_log_get_follow (fixture->log));
  g_assert_cmpuint (shmviz_race_log_get_n_total (fixture->log), ==, 10 * 700);
  g_assert_true (ui_test_spin_until (UI_TEST_CONDITION (newest_row_at_bottom), fixture, 5000));
}

static GtkWidget *
first_text (Fixture *fixture)
{
  return ui_test_find_widget (GTK_WIDGET (fixture->log), SHMVIZ_TYPE_WRAP_LABEL);
}

static gboolean
text_is_at_most (Fixture *fixture)
{
  GtkWidget *text = first_text (fixture);

  return text != NULL && gtk_widget_get_height (text) > 0 &&
         gtk_widget_get_width (text) <= fixture->max_width;
}

/* Resizes the window and waits until the first row's sentence has been
 * laid out at most @max_width wide; returns it. */
static GtkWidget *
resize_and_settle (Fixture *fixture,
                   int      width,
                   int      max_width)
{
  fixture->max_width = max_width;
  gtk_window_set_default_size (GTK_WINDOW (fixture->window), width, 360);
  g_assert_true (ui_test_spin_until (UI_TEST_CONDITION (text_is_at_most), fixture, 5000));
  ui_test_spin_for (200);
  return first_text (fixture);
}

static void
test_wraps (Fixture       *fixture,
            gconstpointer  data)
{
  GtkWidget *text;
  int one_line, wrapped;

  append_burst (fixture, 3);

  /* Wide: each sentence on one line. */
  text = resize_and_settle (fixture, 1400, 2000);
  one_line = gtk_widget_get_height (text);
  g_assert_cmpint (gtk_widget_get_width (text), >, 700);
  g_free (ui_test_save_png (fixture->window, "race-log-wide.png"));

  /* Narrow: the same sentence over two lines or more. */
  text = resize_and_settle (fixture, 560, 400);
  wrapped = gtk_widget_get_height (text);
  g_test_message ("one line %d px, wrapped %d px at %d px wide", one_line, wrapped, gtk_widget_get_width (text));
  g_assert_cmpint (wrapped, >=, 2 * one_line);
  g_assert_nonnull (strstr (shmviz_wrap_label_get_label (SHMVIZ_WRAP_LABEL (text)), "lost"));
  g_free (ui_test_save_png (fixture->window, "race-log-narrow.png"));
}

static void
test_ledger_full (Fixture       *fixture,
                  gconstpointer  data)
{
  /* The ledger lists the first SHMVIZ_LEDGER_MAX_ANOMALIES and only
   * counts the rest: the log must not pass that off as every race. */
  while (fixture->next_item < SHMVIZ_LEDGER_MAX_ANOMALIES - 1)
    append_burst (fixture, MIN (20000, SHMVIZ_LEDGER_MAX_ANOMALIES - 1 - fixture->next_item));
  ui_test_spin_for (100);
  g_test_message ("%s", shmviz_race_log_get_status (fixture->log));
  g_assert_null (strstr (shmviz_race_log_get_status (fixture->log), "listed"));

  append_burst (fixture, 1);
  ui_test_spin_for (100);
  g_test_message ("%s", shmviz_race_log_get_status (fixture->log));
  g_assert_nonnull (strstr (shmviz_race_log_get_status (fixture->log), "The first 100000 anomalies are listed"));
  g_assert_nonnull (strstr (shmviz_race_log_get_status (fixture->log), "counted in the totals only"));
  g_free (ui_test_save_png (fixture->window, "race-log-full.png"));
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);
  gtk_init ();

  g_test_add ("/ui/race-log/wraps", Fixture, NULL,
              fixture_setup, test_wraps, fixture_teardown);
  g_test_add ("/ui/race-log/ledger-full", Fixture, NULL,
              fixture_setup, test_ledger_full, fixture_teardown);
  g_test_add ("/ui/race-log/flood-follows", Fixture, NULL,
              fixture_setup, test_flood_follows, fixture_teardown);
  g_test_add ("/ui/race-log/follow-again-while-flooded", Fixture, NULL,
              fixture_setup, test_follow_again_while_flooded, fixture_teardown);

  return g_test_run ();
}
