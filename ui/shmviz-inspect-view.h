/* shmviz-inspect-view.h — watch any program's POSIX shared memory, read-only
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gtk/gtk.h>

G_BEGIN_DECLS

#define SHMVIZ_TYPE_INSPECT_VIEW (shmviz_inspect_view_get_type ())

G_DECLARE_FINAL_TYPE (ShmvizInspectView, shmviz_inspect_view, SHMVIZ, INSPECT_VIEW, GtkBox)

GtkWidget  *shmviz_inspect_view_new      (void);
/* Lists /dev/shm again (off the main loop). */
void        shmviz_inspect_view_refresh  (ShmvizInspectView *self);
/* Watches object @name ("/my_shm") and semaphores @sems (NULL-terminated,
 * "/my_sem"); NULL stops watching. */
void        shmviz_inspect_view_watch    (ShmvizInspectView  *self,
                                          const char         *name,
                                          const char * const *sems);
/* The text shown for the object, without markup. */
char       *shmviz_inspect_view_dup_text (ShmvizInspectView *self);

G_END_DECLS
