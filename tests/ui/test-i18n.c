/* test-i18n.c — the window speaks German when asked to
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include "known-warnings.h"

#include <glib/gi18n.h>
#include <locale.h>

#include "shmviz-application.h"
#include "shmviz-buffer-view-private.h"
#include "shmviz-window.h"
#include "ui-test.h"

static GtkApplication *app;

/* Every label text in the widget tree under @widget. */
static void
collect_labels (GtkWidget *widget,
                GPtrArray *texts)
{
  if (GTK_IS_LABEL (widget))
    g_ptr_array_add (texts, g_strdup (gtk_label_get_label (GTK_LABEL (widget))));
  for (GtkWidget *child = gtk_widget_get_first_child (widget);
       child != NULL;
       child = gtk_widget_get_next_sibling (child))
    collect_labels (child, texts);
}

static gboolean
has_text (GPtrArray  *texts,
          const char *text)
{
  for (guint i = 0; i < texts->len; i++)
    if (g_strcmp0 (g_ptr_array_index (texts, i), text) == 0)
      return TRUE;
  return FALSE;
}

static void
test_german_window (void)
{
  g_autoptr(GPtrArray) texts = g_ptr_array_new_with_free_func (g_free);
  ShmvizWindow *window;
  gint64 end;

  /* The catalogue is really German for this label (not the source text). */
  g_assert_cmpstr (_("_Synchronization"), ==, "_Synchronisation");

  window = shmviz_window_new (app);
  gtk_window_set_default_size (GTK_WINDOW (window), 1280, 800);
  gtk_window_present (GTK_WINDOW (window));
  end = g_get_monotonic_time () + 5 * G_USEC_PER_SEC;
  while (g_get_monotonic_time () < end)
    g_main_context_iteration (NULL, FALSE);

  collect_labels (GTK_WIDGET (window), texts);
  /* Header switch label, the totals bar: German, not English. */
  g_assert_true (has_text (texts, "_Synchronisation"));
  g_assert_false (has_text (texts, "_Synchronization"));
  g_assert_true (has_text (texts, _("Produced")));
  g_assert_cmpstr (_("Produced"), !=, "Produced");

  /* German words are longer: the buffer view's headings ("Verbraucher"
   * over the consumers' band) stay whole inside the view. */
  {
    GtkWidget *bv = ui_test_find_widget (GTK_WIDGET (window), SHMVIZ_TYPE_BUFFER_VIEW);
    g_autoptr(GArray) labels = NULL;
    int w;
    guint n_headings = 0;

    g_assert_nonnull (bv);
    w = gtk_widget_get_width (bv);
    labels = shmviz_buffer_view_get_labels (SHMVIZ_BUFFER_VIEW (bv));
    for (guint i = 0; i < labels->len; i++)
      {
        const ShmvizBufferLabel *l = &g_array_index (labels, ShmvizBufferLabel, i);

        if (l->kind != SHMVIZ_BUFFER_LABEL_HEADING)
          continue;
        n_headings++;
        g_test_message ("heading “%s”: x %.1f–%.1f of %d", l->text, l->rect.origin.x,
                        l->rect.origin.x + l->rect.size.width, w);
        g_assert_cmpfloat (l->rect.origin.x, >=, 0);
        g_assert_cmpfloat (l->rect.origin.x + l->rect.size.width, <=, w);
      }
    g_assert_cmpuint (n_headings, ==, 2);
  }

  g_free (ui_test_save_png (GTK_WIDGET (window), "shmviz-window-de.png"));
  gtk_window_destroy (GTK_WINDOW (window));
  /* Closing stops the session: wait for its workers to go. */
  end = g_get_monotonic_time () + 5 * G_USEC_PER_SEC;
  while (g_get_monotonic_time () < end)
    g_main_context_iteration (NULL, FALSE);
}

int
main (int   argc,
      char *argv[])
{
  g_autoptr(GError) error = NULL;
  const char *localedir = g_getenv ("SHMVIZ_LOCALEDIR");

  /* Before anything reads the locale: German messages in a UTF-8 locale
   * every machine has. */
  g_setenv ("LANGUAGE", "de", TRUE);
  g_setenv ("LC_ALL", "C.UTF-8", TRUE);
  setlocale (LC_ALL, "");
  bindtextdomain (GETTEXT_PACKAGE, localedir ? localedir : LOCALEDIR);
  bind_textdomain_codeset (GETTEXT_PACKAGE, "UTF-8");
  textdomain (GETTEXT_PACKAGE);

  g_test_init (&argc, &argv, NULL);
  known_warnings_install ();

  app = GTK_APPLICATION (shmviz_application_new ());
  g_application_set_flags (G_APPLICATION (app), G_APPLICATION_NON_UNIQUE);
  if (!g_application_register (G_APPLICATION (app), NULL, &error))
    g_error ("could not register the application: %s", error->message);

  g_test_add_func ("/ui/i18n/german-window", test_german_window);
  return g_test_run ();
}
