/* shm-check.h — asserting that tests leave nothing in /dev/shm
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <glib.h>
#include <unistd.h>

/* Names of this process's shmviz objects still in /dev/shm (regions are
 * named after their creator's pid). */
static inline GPtrArray *
shm_check_leftovers (void)
{
  g_autofree char *prefix = g_strdup_printf ("shmviz-%d-", (int) getpid ());
  g_autoptr(GDir) dir = g_dir_open ("/dev/shm", 0, NULL);
  GPtrArray *found = g_ptr_array_new_with_free_func (g_free);
  const char *name;

  while (dir && (name = g_dir_read_name (dir)))
    if (g_str_has_prefix (name, prefix))
      g_ptr_array_add (found, g_strdup (name));
  return found;
}

/* Removes leftovers so one failed test does not fail the next, and
 * returns how many there were. */
static inline guint
shm_check_sweep (void)
{
  g_autoptr(GPtrArray) found = shm_check_leftovers ();

  for (guint i = 0; i < found->len; i++)
    {
      g_autofree char *path = g_build_filename ("/dev/shm", g_ptr_array_index (found, i), NULL);
      unlink (path);
    }
  return found->len;
}
