/* ui-test.c — what the window tests share
 *
 * The tests drive the real main loop by hand, with a short sleep when it
 * has nothing to do, so that a condition polled by them costs no CPU the
 * processes under test need.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "layout.h"
#include "ui-test.h"

static void
iterate (void)
{
  if (!g_main_context_iteration (NULL, FALSE))
    g_usleep (1000);
}

void
ui_test_spin_for (guint ms)
{
  gint64 end = g_get_monotonic_time () + (gint64) ms * 1000;

  while (g_get_monotonic_time () < end)
    iterate ();
}

/* What @widget draws at @width × @height, as a render node.  A widget
 * paintable draws nothing for a widget that waits for an allocation (a
 * label whose text just changed, say) or has not rendered yet: the
 * picture is then taken again over the next frames, for up to 5 s.
 * NULL if the widget never drew. */
GskRenderNode *
ui_test_widget_node (GtkWidget *widget,
                     int        width,
                     int        height)
{
  GskRenderNode *node = NULL;

  for (guint attempt = 0; attempt < 250 && node == NULL; attempt++)
    {
      g_autoptr(GdkPaintable) paintable = gtk_widget_paintable_new (widget);
      GtkSnapshot *snapshot = gtk_snapshot_new ();

      if (attempt > 0)
        ui_test_spin_for (20);
      gdk_paintable_snapshot (paintable, snapshot, width, height);
      node = gtk_snapshot_free_to_node (snapshot);
    }
  return node;
}

/* @widget as it last drew, as a PNG in the test's build folder (kept as an
 * artifact to look at); returns its path. */
char *
ui_test_save_png (GtkWidget  *widget,
                  const char *name)
{
  g_autoptr(GskRenderNode) node = NULL;
  g_autoptr(GdkTexture) texture = NULL;
  int width = gtk_widget_get_width (widget), height = gtk_widget_get_height (widget);
  char *path;

  /* The paintable draws what the widget last rendered: give it frames. */
  ui_test_spin_for (100);
  node = ui_test_widget_node (widget, width, height);
  g_assert_nonnull (node);
  texture = gsk_renderer_render_texture (gtk_native_get_renderer (gtk_widget_get_native (widget)), node,
                                         &GRAPHENE_RECT_INIT (0, 0, width, height));
  path = g_test_build_filename (G_TEST_BUILT, name, NULL);
  g_assert_true (gdk_texture_save_to_png (texture, path));
  g_test_message ("screenshot: %s (%d × %d)", path, width, height);
  return path;
}

/* FALSE when @timeout_ms passed first. */
gboolean
ui_test_spin_until (UiTestCondition condition,
                    gpointer        data,
                    guint           timeout_ms)
{
  gint64 end = g_get_monotonic_time () + (gint64) timeout_ms * 1000;

  while (!condition (data))
    {
      if (g_get_monotonic_time () > end)
        return FALSE;
      iterate ();
    }
  return TRUE;
}

/* The first widget of @type in @root's tree, depth first. */
GtkWidget *
ui_test_find_widget (GtkWidget *root,
                     GType      type)
{
  if (G_TYPE_CHECK_INSTANCE_TYPE (root, type))
    return root;

  for (GtkWidget *child = gtk_widget_get_first_child (root); child != NULL;
       child = gtk_widget_get_next_sibling (child))
    {
      GtkWidget *found = ui_test_find_widget (child, type);

      if (found != NULL)
        return found;
    }
  return NULL;
}

/* Settings live in memory for the whole test process: each test starts
 * on the defaults. */
void
ui_test_reset_settings (GSettings *settings)
{
  g_autoptr(GSettingsSchema) schema = NULL;
  g_auto(GStrv) keys = NULL;

  g_object_get (settings, "settings-schema", &schema, NULL);
  keys = g_settings_schema_list_keys (schema);
  for (guint i = 0; keys[i] != NULL; i++)
    g_settings_reset (settings, keys[i]);
}

/* Regions in /dev/shm whose header says this process created them. */
guint
ui_test_count_own_regions (void)
{
  g_autoptr(GDir) dir = g_dir_open ("/dev/shm", 0, NULL);
  const char *name;
  guint n = 0;

  if (dir == NULL)
    return 0;

  while ((name = g_dir_read_name (dir)) != NULL)
    {
      g_autofree char *path = NULL;
      struct stat st;
      int fd;

      if (!g_str_has_prefix (name, "shmviz-"))
        continue;

      path = g_build_filename ("/dev/shm", name, NULL);
      fd = open (path, O_RDONLY | O_CLOEXEC | O_NOFOLLOW);
      if (fd < 0)
        continue;

      if (fstat (fd, &st) == 0 && (gsize) st.st_size >= sizeof (ShmvizRegionHeader))
        {
          void *map = mmap (NULL, sizeof (ShmvizRegionHeader), PROT_READ, MAP_SHARED, fd, 0);

          if (map != MAP_FAILED)
            {
              const ShmvizRegionHeader *header = map;

              if (header->magic == SHMVIZ_REGION_MAGIC && header->creator_pid == getpid ())
                {
                  g_test_message ("left behind: %s", path);
                  n++;
                }
              munmap (map, sizeof (ShmvizRegionHeader));
            }
        }
      close (fd);
    }
  return n;
}

gint64
ui_test_thread_cpu_us (void)
{
  struct timespec ts;

  clock_gettime (CLOCK_THREAD_CPUTIME_ID, &ts);
  return (gint64) ts.tv_sec * G_USEC_PER_SEC + ts.tv_nsec / 1000;
}

static int
compare_i64 (const void *a,
             const void *b)
{
  gint64 x = *(const gint64 *) a, y = *(const gint64 *) b;

  return x < y ? -1 : x > y;
}

void
ui_test_percentiles (GArray *samples,
                     double *median_ms,
                     double *p99_ms)
{
  if (samples->len == 0)
    {
      *median_ms = *p99_ms = 0;
      return;
    }
  qsort (samples->data, samples->len, sizeof (gint64), compare_i64);
  *median_ms = g_array_index (samples, gint64, samples->len / 2) / 1000.0;
  *p99_ms = g_array_index (samples, gint64, MIN (samples->len - 1, (guint) (samples->len * 0.99))) / 1000.0;
}

double
ui_test_redraw_ms (GtkWidget             *view,
                   const graphene_rect_t *region)
{
  GskRenderer *renderer = gtk_native_get_renderer (gtk_widget_get_native (view));
  int w = gtk_widget_get_width (view), h = gtk_widget_get_height (view);
  graphene_rect_t whole = GRAPHENE_RECT_INIT (0, 0, w, h);
  g_autoptr(GArray) times = g_array_new (FALSE, FALSE, sizeof (gint64));
  double median, p99;

  for (guint i = 0; i < 30; i++)
    {
      gint64 t0 = ui_test_thread_cpu_us ();
      g_autoptr(GdkPaintable) paintable = gtk_widget_paintable_new (view);
      GtkSnapshot *snapshot = gtk_snapshot_new ();
      g_autoptr(GskRenderNode) node = NULL;
      g_autoptr(GdkTexture) texture = NULL;

      gdk_paintable_snapshot (paintable, snapshot, w, h);
      node = gtk_snapshot_free_to_node (snapshot);
      if (node != NULL)
        texture = gsk_renderer_render_texture (renderer, node, region != NULL ? region : &whole);
      g_array_append_val (times, (gint64) { ui_test_thread_cpu_us () - t0 });
    }
  ui_test_percentiles (times, &median, &p99);
  return median;
}

void
ui_test_frames_init (UiTestFrames *frames)
{
  memset (frames, 0, sizeof *frames);
  frames->intervals = g_array_new (FALSE, FALSE, sizeof (gint64));
  frames->paints = g_array_new (FALSE, FALSE, sizeof (gint64));
  frames->paint_cpu = g_array_new (FALSE, FALSE, sizeof (gint64));
}

void
ui_test_frames_clear (UiTestFrames *frames)
{
  g_clear_pointer (&frames->intervals, g_array_unref);
  g_clear_pointer (&frames->paints, g_array_unref);
  g_clear_pointer (&frames->paint_cpu, g_array_unref);
}

void
ui_test_frames_reset (UiTestFrames *frames)
{
  g_array_set_size (frames->intervals, 0);
  g_array_set_size (frames->paints, 0);
  g_array_set_size (frames->paint_cpu, 0);
  frames->last_frame = 0;
}

void
ui_test_frames_begin (UiTestFrames *frames)
{
  frames->paint_start = g_get_monotonic_time ();
  frames->paint_cpu_start = ui_test_thread_cpu_us ();
}

gboolean
ui_test_frames_end (UiTestFrames  *frames,
                    GdkFrameClock *clock,
                    gboolean       record,
                    gint64        *paint_us,
                    gint64        *cpu_us)
{
  gint64 frame = gdk_frame_clock_get_frame_time (clock);
  gint64 paint = g_get_monotonic_time () - frames->paint_start;
  gint64 cpu = ui_test_thread_cpu_us () - frames->paint_cpu_start;

  if (paint_us != NULL)
    *paint_us = paint;
  if (cpu_us != NULL)
    *cpu_us = cpu;
  if (!record)
    return FALSE;
  if (frames->last_frame != 0)
    g_array_append_val (frames->intervals, (gint64) { frame - frames->last_frame });
  g_array_append_val (frames->paints, paint);
  g_array_append_val (frames->paint_cpu, cpu);
  frames->last_frame = frame;
  return TRUE;
}
