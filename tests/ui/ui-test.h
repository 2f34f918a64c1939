/* ui-test.h — what the window tests share: driving the main loop, finding
 * widgets, fresh settings, and shm objects left behind
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gtk/gtk.h>

G_BEGIN_DECLS

typedef gboolean (*UiTestCondition) (gpointer data);

/* For conditions that take the test's own fixture type. */
#define UI_TEST_CONDITION(f) ((UiTestCondition) (void (*) (void)) (f))

void       ui_test_spin_for          (guint            ms);
gboolean   ui_test_spin_until        (UiTestCondition  condition,
                                      gpointer         data,
                                      guint            timeout_ms);
GtkWidget *ui_test_find_widget       (GtkWidget       *root,
                                      GType            type);
void       ui_test_reset_settings    (GSettings       *settings);
guint      ui_test_count_own_regions (void);

G_END_DECLS
