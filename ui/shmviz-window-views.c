/* shmviz-window-views.c — what the views' signals do
 *
 * Selecting an anomaly in the race log highlights its slot and its
 * processes; activating a process card picks the one Step runs (or hands
 * it to the scheduler); its menu offers faults; a slot highlights.
 * Apart because these are the views talking back to the window.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <glib/gi18n.h>

#include "shmviz-fault-menu.h"
#include "shmviz-window-internal.h"

void
_shmviz_window_race_log_anomaly_selected (ShmvizRaceLog       *log,
                                          ShmvizAnomalyObject *obj,
                                          ShmvizWindow        *self)
{
  guint16 procs[SHMVIZ_ANOMALY_MAX_PROCS + 2];
  guint n;
  const ShmvizAnomaly *a;

  if (obj == NULL)
    {
      shmviz_buffer_view_set_highlight (self->buffer_view, -1);
      shmviz_process_view_set_highlight (self->process_view, NULL, 0);
      return;
    }

  a = shmviz_anomaly_object_get_anomaly (obj);
  shmviz_buffer_view_set_highlight (self->buffer_view,
                                    a->slot < self->scenario.n_slots ? (int)a->slot : -1);
  n = shmviz_anomaly_object_get_procs (obj, procs, G_N_ELEMENTS (procs));
  shmviz_process_view_set_highlight (self->process_view, procs, n);
}

void
_shmviz_window_process_activated (GtkWidget    *view,
                                  guint         proc,
                                  ShmvizWindow *self)
{
  g_autofree char *label = NULL;
  g_autofree char *text = NULL;
  guint16 p = proc;

  if (proc >= self->scenario.n_producers + self->scenario.n_consumers)
    return;
  if (shmviz_scheduler_pick (self->scheduler, proc))
    return;

  /* You are the scheduler: the chosen process is the one Step runs. */
  if (self->selected_proc == proc)
    {
      self->selected_proc = G_MAXUINT;
      shmviz_process_view_set_highlight (self->process_view, NULL, 0);
      _shmviz_window_toast (self, _("Step runs the processes in turn"));
      return;
    }

  self->selected_proc = proc;
  shmviz_process_view_set_highlight (self->process_view, &p, 1);
  label = shmviz_proc_label (proc, self->scenario.n_producers);
  text = g_strdup_printf (_("Step runs %s"), label);
  _shmviz_window_toast (self, text);
}

void
_shmviz_window_process_menu (GtkWidget    *view,
                             guint         proc,
                             double        x,
                             double        y,
                             ShmvizWindow *self)
{
  const ShmvizProcView *p = NULL;

  /* Faults are for live runs; a recording shows what happened. */
  if (self->replay != NULL || !_shmviz_window_session_running (self))
    return;
  if (proc < self->snap.n_procs && self->snap.procs != NULL)
    p = &self->snap.procs[proc];
  shmviz_fault_menu_popup (view, proc, p, self->scenario.n_producers, x, y);
}

void
_shmviz_window_slot_activated (GtkWidget    *view,
                               guint         slot,
                               ShmvizWindow *self)
{
  shmviz_buffer_view_set_highlight (self->buffer_view, (int)slot);
}

void
_shmviz_window_view_stack_notify_visible (AdwViewStack *stack,
                                          GParamSpec   *pspec,
                                          ShmvizWindow *self)
{
  if (g_strcmp0 (adw_view_stack_get_visible_child_name (stack), "race-log") == 0)
    adw_view_stack_page_set_needs_attention (self->race_log_page, FALSE);
}
