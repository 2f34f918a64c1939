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
#include <sys/mman.h>
#include <sys/stat.h>
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
