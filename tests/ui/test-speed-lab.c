/* test-speed-lab.c — the Speed lab: a saved result read back and drawn,
 * its chart exported, and a real (quick) run measured and cancelled
 *
 * The chart is drawn from tests/ui/data/bench-result.json, a full run of
 * `shmviz-cli bench --json` on a busy two-CPU VM (its 64 KiB message queue
 * row is unsupported there, which the chart must show as such).
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <math.h>
#include <string.h>
#include <unistd.h>

#include <adwaita.h>
#include <glib/gstdio.h>

#include "ipcbench.h"
#include "shmviz-speed-lab.h"
#include "ui-test.h"

#define N_MECH SHMVIZ_BENCH_N_MECHANISMS

static char *
saved_result_path (void)
{
  return g_test_build_filename (G_TEST_DIST, "data", "bench-result.json", NULL);
}

static char *
saved_result_text (gsize *length)
{
  g_autofree char *path = saved_result_path ();
  g_autoptr(GError) error = NULL;
  char *text = NULL;

  g_assert_true (g_file_get_contents (path, &text, length, &error));
  g_assert_no_error (error);
  return text;
}

static gboolean
lab_idle (gpointer data)
{
  return !shmviz_speed_lab_get_busy (data);
}

/* This process's benchmark objects still in /dev/shm (there should be none:
 * the benchmark unlinks each as soon as both sides have it open). */
static guint
leftover_shm (void)
{
  g_autoptr(GDir) dir = g_dir_open ("/dev/shm", 0, NULL);
  g_autofree char *prefix = g_strdup_printf ("shmviz-%d-bench", (int) getpid ());
  const char *name;
  guint n = 0;

  while (dir && (name = g_dir_read_name (dir)))
    if (g_str_has_prefix (name, prefix))
      {
        g_test_message ("left in /dev/shm: %s", name);
        n++;
      }
  return n;
}

/* Loading ------------------------------------------------------------------ */

static void
test_load_saved (void)
{
  gsize length;
  g_autofree char *text = saved_result_text (&length);
  g_autoptr(GError) error = NULL;
  g_autoptr(ShmvizBenchResult) result = shmviz_bench_result_from_json (text, length, &error);
  g_autoptr(ShmvizBenchResult) again = NULL;
  g_autofree char *json = NULL;
  g_autofree char *reading = NULL;
  const ShmvizBenchRow *row;

  g_assert_no_error (error);
  g_assert_nonnull (result);
  g_assert_cmpuint (result->rows->len, ==, N_MECH * 3);
  g_assert_cmpuint (result->n_cpus, ==, 2);
  g_assert_cmpstr (result->cpu_model, ==, "AMD EPYC");
  g_assert_cmpfloat (result->memcpy_bytes_per_second, >, 1e9);
  g_assert_cmpfloat (result->cacheline_handoff_ns, >, 0);

  for (guint m = 0; m < N_MECH; m++)
    for (guint s = 0; s < 3; s++)
      g_assert_nonnull (shmviz_bench_result_lookup (result, m, (guint[]) { 64, 4096, 65536 }[s]));

  row = shmviz_bench_result_lookup (result, SHMVIZ_BENCH_PIPE, 4096);
  g_assert_cmpfloat_with_epsilon (row->messages_per_second.median, 578110.2, 0.05);
  g_assert_cmpfloat (row->messages_per_second.min, <=, row->messages_per_second.median);
  g_assert_cmpfloat (row->messages_per_second.max, >=, row->messages_per_second.median);
  g_assert_cmpuint (row->repetitions, ==, 5);

  /* The row this machine could not measure reads back as not measured. */
  row = shmviz_bench_result_lookup (result, SHMVIZ_BENCH_MQUEUE, 65536);
  g_assert_false (row->supported);
  g_assert_nonnull (row->note);
  g_assert_true (isnan (row->messages_per_second.median));

  reading = shmviz_bench_result_reading (result);
  g_assert_nonnull (strstr (reading, "4 KiB"));

  /* Written again and read again, nothing changes. */
  json = shmviz_bench_result_to_json (result);
  again = shmviz_bench_result_from_json (json, -1, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (again->rows->len, ==, result->rows->len);
  for (guint i = 0; i < result->rows->len; i++)
    {
      const ShmvizBenchRow *a = &g_array_index (result->rows, ShmvizBenchRow, i);
      const ShmvizBenchRow *b = &g_array_index (again->rows, ShmvizBenchRow, i);

      g_assert_cmpint (a->mechanism, ==, b->mechanism);
      g_assert_cmpuint (a->size, ==, b->size);
      g_assert_cmpint (a->supported, ==, b->supported);
      g_assert_cmpuint (a->messages_checked, ==, b->messages_checked);
      if (isfinite (a->latency_ns_p99.max))
        g_assert_cmpfloat (a->latency_ns_p99.max, ==, b->latency_ns_p99.max);
      else
        g_assert_true (isnan (b->latency_ns_p99.max));
    }
}

static void
test_load_bad (void)
{
  static const char *bad[] = {
    "",
    "   ",
    "{",
    "[]",
    "null",
    "{\"benchmark\": \"ipc\"}",
    "{\"benchmark\": \"engine\", \"results\": []}",
    "{\"benchmark\": \"ipc\", \"results\": [{\"mechanism\": \"carrier-pigeon\", \"size\": 64}]}",
    "{\"benchmark\": \"ipc\", \"results\": [{\"mechanism\": \"pipe\", \"size\": -64}]}",
    "{\"benchmark\": \"ipc\", \"results\": [{\"mechanism\": \"pipe\", \"size\": 64.5}]}",
    "{\"benchmark\": \"ipc\", \"results\": [{\"mechanism\": \"pipe\", \"size\": 64},"
    " {\"mechanism\": \"pipe\", \"size\": 64}]}",
    "{\"benchmark\": \"ipc\", \"results\": []} trailing",
    "{\"benchmark\": \"ipc\", \"results\": [], }",
    "{\"benchmark\": \"ipc\", \"results\": [], \"x\": \"\\q\"}",
    "{\"benchmark\": \"ipc\", \"results\": [], \"x\": \"\\ud800\"",
    "{\"benchmark\": \"ipc\", \"results\": [], \"x\": 1e999}",
    "[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[",
  };
  gsize length;
  g_autofree char *text = saved_result_text (&length);

  for (guint i = 0; i < G_N_ELEMENTS (bad); i++)
    {
      g_autoptr(GError) error = NULL;
      g_autoptr(ShmvizBenchResult) result = shmviz_bench_result_from_json (bad[i], -1, &error);

      g_assert_null (result);
      g_assert_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA);
    }

  /* An empty list is a result with nothing in it, and unknown keys are fine. */
  {
    g_autoptr(GError) error = NULL;
    g_autoptr(ShmvizBenchResult) result =
      shmviz_bench_result_from_json ("{\"benchmark\": \"ipc\", \"future\": {\"a\": [1, true, null, \"\\u00e9\"]},"
                                     " \"results\": [{\"mechanism\": \"pipe\", \"size\": 64,"
                                     " \"messages_per_second\": 1e6}]}", -1, &error);

    g_assert_no_error (error);
    g_assert_cmpuint (result->rows->len, ==, 1);
    g_assert_cmpfloat (g_array_index (result->rows, ShmvizBenchRow, 0).messages_per_second.max, ==, 1e6);
  }

  /* Every cut of the saved file fails cleanly (the whole file is the only
   * prefix that is a complete object). */
  for (gsize cut = 0; cut + 2 < length; cut += 7)
    {
      g_autoptr(GError) error = NULL;
      g_autoptr(ShmvizBenchResult) result = shmviz_bench_result_from_json (text, cut, &error);

      g_assert_null (result);
      g_assert_nonnull (error);
    }
}

/* The page ---------------------------------------------------------------- */

static ShmvizSpeedLab *
new_lab_with_saved_result (int width,
                           int height)
{
  ShmvizSpeedLab *lab = shmviz_speed_lab_new (NULL);
  g_autofree char *path = saved_result_path ();
  g_autoptr(GFile) file = g_file_new_for_path (path);
  ShmvizSpeedChart *chart = shmviz_speed_lab_get_chart (lab);
  gint64 end;

  gtk_window_set_default_size (GTK_WINDOW (lab), width, height);
  gtk_window_present (GTK_WINDOW (lab));
  shmviz_speed_lab_load_file (lab, file);
  g_assert_true (shmviz_speed_lab_get_busy (lab));
  ui_test_spin_until (lab_idle, lab, 20 * 1000);
  g_assert_false (shmviz_speed_lab_get_busy (lab));
  g_assert_nonnull (shmviz_speed_lab_get_result (lab));

  end = g_get_monotonic_time () + 10 * G_USEC_PER_SEC;
  while ((!gtk_widget_get_mapped (GTK_WIDGET (chart)) || gtk_widget_get_width (GTK_WIDGET (chart)) < 200 ||
          !shmviz_speed_chart_get_legend_rect (chart, SHMVIZ_BENCH_PIPE, NULL)) &&
         g_get_monotonic_time () < end)
    if (!g_main_context_iteration (NULL, FALSE))
      g_usleep (2000);
  ui_test_spin_for (200);
  return lab;
}

/* Renders @widget, saves it under the build folder as @name, checks it is
 * not blank and returns the texture. */
static GdkTexture *
screenshot (GtkWidget  *widget,
            const char *name)
{
  int w = gtk_widget_get_width (widget), h = gtk_widget_get_height (widget);
  g_autoptr(GskRenderNode) node = NULL;
  g_autoptr(GHashTable) colours = g_hash_table_new (NULL, NULL);
  g_autofree guchar *pixels = NULL;
  g_autofree char *path = NULL;
  GdkTexture *texture;
  guint32 background;
  guint64 differing = 0;

  g_assert_cmpint (w, >, 0);
  g_assert_cmpint (h, >, 0);
  /* A running lab changes its progress text many times a second. */
  node = ui_test_widget_node (widget, w, h);
  g_assert_nonnull (node);
  texture = gsk_renderer_render_texture (gtk_native_get_renderer (gtk_widget_get_native (widget)),
                                         node, &GRAPHENE_RECT_INIT (0, 0, w, h));
  path = g_test_build_filename (G_TEST_BUILT, name, NULL);
  g_assert_true (gdk_texture_save_to_png (texture, path));
  g_test_message ("screenshot: %s", path);

  pixels = g_malloc ((gsize) w * h * 4);
  gdk_texture_download (texture, pixels, (gsize) w * 4);
  background = ((guint32 *) (gpointer) pixels)[(gsize) (h - 2) * w + w - 2];
  for (gsize i = 0; i < (gsize) w * h; i++)
    {
      guint32 px = ((guint32 *) (gpointer) pixels)[i];

      g_hash_table_add (colours, GUINT_TO_POINTER (px));
      differing += px != background;
    }
  g_test_message ("%s: %u colours, %.1f %% unlike the background", name,
                  g_hash_table_size (colours), 100.0 * differing / ((gdouble) w * h));
  /* Six bar colours, anti-aliased text, grid lines: far more than a blank page. */
  g_assert_cmpuint (g_hash_table_size (colours), >, 64);
  g_assert_cmpfloat (100.0 * differing / ((gdouble) w * h), >, 3.0);
  return texture;
}

static void
test_chart_screenshot (void)
{
  ShmvizSpeedLab *lab = new_lab_with_saved_result (1280, 1000);
  ShmvizSpeedChart *chart = shmviz_speed_lab_get_chart (lab);
  int cw = gtk_widget_get_width (GTK_WIDGET (chart));
  int ch = gtk_widget_get_height (GTK_WIDGET (chart));
  graphene_rect_t rects[N_MECH];
  g_autoptr(GdkTexture) window_shot = NULL;
  g_autoptr(GdkTexture) chart_shot = NULL;
  guint n_bars = 0, n_labelled = 0;

  window_shot = screenshot (GTK_WIDGET (lab), "speed-lab-window.png");
  chart_shot = screenshot (GTK_WIDGET (chart), "speed-lab-chart.png");

  /* Every mechanism's legend entry is laid out, inside the chart, and no
   * two of them overlap. */
  for (guint m = 0; m < N_MECH; m++)
    {
      g_assert_true (shmviz_speed_chart_get_legend_rect (chart, m, &rects[m]));
      g_assert_cmpfloat (rects[m].size.width, >, 20);
      g_assert_cmpfloat (rects[m].size.height, >, 5);
      g_assert_cmpfloat (rects[m].origin.x, >=, 0);
      g_assert_cmpfloat (rects[m].origin.y, >=, 0);
      g_assert_cmpfloat (rects[m].origin.x + rects[m].size.width, <=, cw);
      g_assert_cmpfloat (rects[m].origin.y + rects[m].size.height, <=, ch);
      for (guint o = 0; o < m; o++)
        g_assert_false (graphene_rect_intersection (&rects[m], &rects[o], NULL));
    }

  /* A bar per measured row and metric (17 of 18 rows: 64 KiB through a
   * message queue is beyond this machine's limit), each with its labels. */
  shmviz_speed_chart_get_bar_counts (chart, &n_bars, &n_labelled);
  g_assert_cmpuint (n_bars, ==, 2 * 17);
  g_assert_cmpuint (n_labelled, ==, n_bars);

  gtk_window_destroy (GTK_WINDOW (lab));
  ui_test_spin_for (50);
}

static void
test_chart_export (void)
{
  gsize length;
  g_autofree char *text = saved_result_text (&length);
  g_autoptr(GError) error = NULL;
  g_autoptr(ShmvizBenchResult) result = shmviz_bench_result_from_json (text, length, &error);
  g_autofree char *dir = g_dir_make_tmp ("shmviz-speed-lab-XXXXXX", &error);
  g_autofree char *png = g_build_filename (dir, "chart.png", NULL);
  g_autofree char *svg = g_build_filename (dir, "chart.svg", NULL);
  g_autofree char *svg_text = NULL;
  g_autoptr(GdkTexture) texture = NULL;
  g_autofree char *kept = g_test_build_filename (G_TEST_BUILT, "speed-lab-export.png", NULL);

  g_assert_no_error (error);
  g_assert_true (shmviz_speed_chart_export (result, "png", png, 1200, 860, &error));
  g_assert_no_error (error);
  g_assert_true (shmviz_speed_chart_export (result, "svg", svg, 1200, 860, &error));
  g_assert_no_error (error);

  texture = gdk_texture_new_from_filename (png, &error);
  g_assert_no_error (error);
  g_assert_cmpint (gdk_texture_get_width (texture), ==, 2400);
  g_assert_cmpint (gdk_texture_get_height (texture), ==, 1720);
  g_assert_true (gdk_texture_save_to_png (texture, kept));
  g_test_message ("exported: %s", kept);

  g_assert_true (g_file_get_contents (svg, &svg_text, NULL, &error));
  g_assert_no_error (error);
  g_assert_nonnull (strstr (svg_text, "<svg"));
  g_assert_nonnull (strstr (svg_text, "1200"));

  /* Nowhere to write is an error, not a crash. */
  g_assert_false (shmviz_speed_chart_export (result, "png", "/nonexistent/dir/chart.png", 600, 400, &error));
  g_assert_nonnull (error);

  g_assert_cmpint (g_unlink (png), ==, 0);
  g_assert_cmpint (g_unlink (svg), ==, 0);
  g_assert_cmpint (g_rmdir (dir), ==, 0);
}

/* Real runs ----------------------------------------------------------------- */

typedef struct {
  ShmvizSpeedLab *lab;
  GtkProgressBar *bar;
} RunWatch;

static GtkWidget *
find_progress_bar (GtkWidget *widget)
{
  if (GTK_IS_PROGRESS_BAR (widget))
    return widget;
  for (GtkWidget *c = gtk_widget_get_first_child (widget); c; c = gtk_widget_get_next_sibling (c))
    {
      GtkWidget *found = find_progress_bar (c);

      if (found)
        return found;
    }
  return NULL;
}

static gboolean
progress_started (gpointer data)
{
  RunWatch *watch = data;

  return gtk_progress_bar_get_fraction (watch->bar) > 0.05 || !shmviz_speed_lab_get_busy (watch->lab);
}

static void
test_run_cancel (void)
{
  ShmvizSpeedLab *lab = shmviz_speed_lab_new (NULL);
  RunWatch watch = { lab, NULL };
  g_autoptr(GdkTexture) running_shot = NULL;
  gint64 t0;

  gtk_window_present (GTK_WINDOW (lab));
  watch.bar = GTK_PROGRESS_BAR (find_progress_bar (GTK_WIDGET (lab)));
  g_assert_nonnull (watch.bar);

  shmviz_speed_lab_run (lab, TRUE);
  g_assert_true (shmviz_speed_lab_get_busy (lab));
  /* The main loop keeps going while it measures: the bar moves. */
  ui_test_spin_until (progress_started, &watch, 60 * 1000);
  g_assert_true (shmviz_speed_lab_get_busy (lab));
  g_assert_cmpfloat (gtk_progress_bar_get_fraction (watch.bar), >, 0.05);
  ui_test_spin_for (300);
  g_clear_object (&running_shot);
  running_shot = screenshot (GTK_WIDGET (lab), "speed-lab-running.png");

  t0 = g_get_monotonic_time ();
  shmviz_speed_lab_cancel (lab);
  ui_test_spin_until (lab_idle, lab, 30 * 1000);
  g_assert_false (shmviz_speed_lab_get_busy (lab));
  g_test_message ("cancelled in %.0f ms", (g_get_monotonic_time () - t0) / 1000.0);
  g_assert_null (shmviz_speed_lab_get_result (lab));
  g_assert_cmpuint (leftover_shm (), ==, 0);

  gtk_window_destroy (GTK_WINDOW (lab));
  ui_test_spin_for (50);
}

/* Closing the window mid-run stops the processes and lets the run finish
 * quietly: no critical from a callback reaching a disposed page. */
static void
test_run_close (void)
{
  ShmvizSpeedLab *lab = shmviz_speed_lab_new (NULL);
  RunWatch watch = { lab, NULL };

  g_object_ref (lab);
  gtk_window_present (GTK_WINDOW (lab));
  watch.bar = GTK_PROGRESS_BAR (find_progress_bar (GTK_WIDGET (lab)));
  shmviz_speed_lab_run (lab, TRUE);
  ui_test_spin_until (progress_started, &watch, 60 * 1000);
  g_assert_true (shmviz_speed_lab_get_busy (lab));

  gtk_window_destroy (GTK_WINDOW (lab));
  ui_test_spin_until (lab_idle, lab, 30 * 1000);
  g_assert_false (shmviz_speed_lab_get_busy (lab));
  g_assert_null (shmviz_speed_lab_get_result (lab));
  g_assert_cmpuint (leftover_shm (), ==, 0);
  g_object_unref (lab);
}

static void
test_run_quick (void)
{
  ShmvizSpeedLab *lab = shmviz_speed_lab_new (NULL);
  const ShmvizBenchResult *result;
  guint n_bars = 0, n_labelled = 0;

  gtk_window_set_default_size (GTK_WINDOW (lab), 1280, 1000);
  gtk_window_present (GTK_WINDOW (lab));
  shmviz_speed_lab_run (lab, TRUE);
  /* A few seconds on an idle machine; the shared one is anything but. */
  ui_test_spin_until (lab_idle, lab, 200 * 1000);
  g_assert_false (shmviz_speed_lab_get_busy (lab));
  result = shmviz_speed_lab_get_result (lab);
  g_assert_nonnull (result);
  g_assert_cmpuint (result->rows->len, ==, N_MECH * 3);
  for (guint i = 0; i < result->rows->len; i++)
    {
      const ShmvizBenchRow *row = &g_array_index (result->rows, ShmvizBenchRow, i);

      g_assert_cmpuint (row->order_errors, ==, 0);
      g_assert_cmpuint (row->checksum_errors, ==, 0);
    }
  ui_test_spin_for (300);
  shmviz_speed_chart_get_bar_counts (shmviz_speed_lab_get_chart (lab), &n_bars, &n_labelled);
  g_test_message ("quick run: %u bars, %u labelled, %.1f s", n_bars, n_labelled, result->seconds);
  g_assert_cmpuint (n_bars, >, 0);
  g_assert_cmpuint (leftover_shm (), ==, 0);

  gtk_window_destroy (GTK_WINDOW (lab));
  ui_test_spin_for (50);
}

int
main (int   argc,
      char *argv[])
{
  /* Pictures must not depend on a GL driver under Xvfb. */
  if (g_getenv ("GSK_RENDERER") == NULL)
    g_setenv ("GSK_RENDERER", "cairo", TRUE);
  g_setenv ("LANGUAGE", "C", TRUE);

  gtk_test_init (&argc, &argv, NULL);
  adw_init ();

  g_test_add_func ("/ui/speed-lab/load/saved", test_load_saved);
  g_test_add_func ("/ui/speed-lab/load/bad", test_load_bad);
  g_test_add_func ("/ui/speed-lab/chart/screenshot", test_chart_screenshot);
  g_test_add_func ("/ui/speed-lab/chart/export", test_chart_export);
  g_test_add_func ("/ui/speed-lab/run/cancel", test_run_cancel);
  g_test_add_func ("/ui/speed-lab/run/close", test_run_close);
  g_test_add_func ("/ui/speed-lab/run/quick", test_run_quick);

  return g_test_run ();
}
