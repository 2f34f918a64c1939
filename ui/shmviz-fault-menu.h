/* shmviz-fault-menu.h — fault injection and recovery, as a teacher uses them
 *
 * The window actions win.kill-process(u), win.stop-process(u),
 * win.continue-process(u), win.restart-process(u), win.recover and
 * win.continue-all; the popover menu on a process card; the "Faults"
 * submenu of the main menu.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gtk/gtk.h>

#include "model.h"
#include "shmviz-window.h"

G_BEGIN_DECLS

/* Adds the fault actions to @window; they act on its current session. */
void      shmviz_fault_menu_install_actions (ShmvizWindow *window);

/* Replaces the items of @menu with one submenu per process of a run with
 * @n_producers and @n_consumers. */
void      shmviz_fault_menu_fill            (GMenu        *menu,
                                             guint         n_producers,
                                             guint         n_consumers);

/* A menu for process @proc, whose state is @view (NULL: unknown): "Start
 * again" only while it is dead, "Continue" only while stopped. */
GMenuModel *shmviz_fault_menu_new_for_process (guint                 proc,
                                               const ShmvizProcView *view,
                                               guint                 n_producers);

/* Pops the menu of process @proc up over @parent, pointing at (@x, @y) in
 * @parent's coordinates.  The popover is kept on @parent and goes with it. */
void      shmviz_fault_menu_popup           (GtkWidget            *parent,
                                             guint                 proc,
                                             const ShmvizProcView *view,
                                             guint                 n_producers,
                                             double                x,
                                             double                y);

/* Whether the process died holding the mutex or a semaphore token, so that
 * the rest may block until recovery. */
gboolean  shmviz_fault_menu_view_holds      (const ShmvizProcView *view);

G_END_DECLS
