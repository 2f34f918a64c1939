/* known-warnings.h — GTK 4.8 warnings the UI tests tolerate
 *
 * GLib tests make every warning fatal.  One warning of GTK 4.8 itself is
 * harmless and not ours to fix: GtkShortcutsWindow measuring a label at a
 * negative width.  That one only is let through; every other warning, and
 * every critical, still fails the test.  (GtkListView's "failed to scroll"
 * was let through here too, until the race log stopped causing it: see
 * test-race-log.)
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <glib.h>
#include <string.h>

static const char * const known_gtk_warnings[] = {
  "reported min width",
};

static GLogWriterOutput
known_warnings_writer (GLogLevelFlags   log_level,
                       const GLogField *fields,
                       gsize            n_fields,
                       gpointer         user_data)
{
  GLogWriterOutput ret = g_log_writer_default (log_level, fields, n_fields, user_data);

  if (log_level & G_LOG_LEVEL_WARNING)
    {
      for (gsize i = 0; i < n_fields; i++)
        if (g_str_equal (fields[i].key, "MESSAGE") && fields[i].length < 0)
          for (guint k = 0; k < G_N_ELEMENTS (known_gtk_warnings); k++)
            if (strstr (fields[i].value, known_gtk_warnings[k]) != NULL)
              return ret;
      g_error ("unexpected warning");
    }
  return ret;
}

/* After g_test_init(): criticals stay fatal, warnings go through the
 * writer above. */
static inline void
known_warnings_install (void)
{
  g_log_set_always_fatal (G_LOG_FATAL_MASK | G_LOG_LEVEL_CRITICAL);
  g_log_set_writer_func (known_warnings_writer, NULL, NULL);
}
