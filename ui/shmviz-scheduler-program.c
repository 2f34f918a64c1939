/* shmviz-scheduler-program.c — the pseudo-code
 *
 * What each role runs in each sync mode, as rows of code, and which row a
 * process is on given its last event.  Apart because it is the page's
 * copy of the worker's program (core/worker.c), to keep in step with it.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <glib/gi18n.h>

#include "layout.h"
#include "shmviz-scheduler-internal.h"

/* The program of each role in each mode, as the worker runs it (see
 * core/worker.c produce_one() and consume_one()). */
void
_shmviz_scheduler_build_program (ShmvizScheduler *self)
{
  for (guint role = 0; role < 2; role++)
    {
      gboolean producer = role == 0;
      ShmvizSem counting = producer ? SHMVIZ_SEM_EMPTY : SHMVIZ_SEM_FULL;
      ShmvizSem signal = producer ? SHMVIZ_SEM_FULL : SHMVIZ_SEM_EMPTY;
      Line *l = self->lines[role];
      guint n = 0;

#define ADD(text, k, s) G_STMT_START { l[n].code = (text); l[n].kind = (k); l[n].sem = (s); n++; } G_STMT_END
      if (producer)
        ADD (N_("item = make_item ()"), SHMVIZ_EV_PRODUCE, -1);

      switch (self->mode)
        {
        case SHMVIZ_SYNC_SEMAPHORES:
        case SHMVIZ_SYNC_ROBUST_MUTEX:
          ADD (producer ? N_("wait (empty)") : N_("wait (full)"), SHMVIZ_EV_ACQUIRED, counting);
          ADD (N_("wait (mutex)"), SHMVIZ_EV_ACQUIRED, SHMVIZ_SEM_MUTEX);
          break;
        case SHMVIZ_SYNC_WRONG_ORDER:
          ADD (N_("wait (mutex)"), SHMVIZ_EV_ACQUIRED, SHMVIZ_SEM_MUTEX);
          ADD (producer ? N_("wait (empty)") : N_("wait (full)"), SHMVIZ_EV_ACQUIRED, counting);
          break;
        case SHMVIZ_SYNC_MUTEX_ONLY:
          ADD (N_("wait (mutex)"), SHMVIZ_EV_ACQUIRED, SHMVIZ_SEM_MUTEX);
          break;
        case SHMVIZ_SYNC_LOCK_FREE:
          break;
        case SHMVIZ_SYNC_OFF:
        case SHMVIZ_N_SYNC_MODES:
        default:
          ADD (N_("/* no lock: go straight in */"), SHMVIZ_EV_NONE, -1);
          break;
        }

      if (self->mode == SHMVIZ_SYNC_LOCK_FREE)
        ADD (producer ? N_("i = claim (enqueue)  /* CAS */") : N_("o = claim (dequeue)  /* CAS */"),
             SHMVIZ_EV_READ_INDEX, -1);
      else
        ADD (producer ? N_("i = in") : N_("o = out"), SHMVIZ_EV_READ_INDEX, -1);
      if (producer)
        ADD (N_("buffer[i] = item"), SHMVIZ_EV_WRITE_SLOT, -1);
      else
        ADD (N_("item = buffer[o]"), SHMVIZ_EV_READ_SLOT, -1);
      if (self->mode == SHMVIZ_SYNC_LOCK_FREE)
        ADD (N_("publish (slot)"), SHMVIZ_EV_ADVANCE, -1);
      else if (producer)
        ADD (N_("in = (i + 1) % N;  count = count + 1"), SHMVIZ_EV_ADVANCE, -1);
      else
        ADD (N_("out = (o + 1) % N;  count = count − 1"), SHMVIZ_EV_ADVANCE, -1);

      switch (self->mode)
        {
        case SHMVIZ_SYNC_SEMAPHORES:
        case SHMVIZ_SYNC_ROBUST_MUTEX:
        case SHMVIZ_SYNC_WRONG_ORDER:
          ADD (N_("post (mutex)"), SHMVIZ_EV_POST, SHMVIZ_SEM_MUTEX);
          ADD (producer ? N_("post (full)") : N_("post (empty)"), SHMVIZ_EV_POST, signal);
          break;
        case SHMVIZ_SYNC_MUTEX_ONLY:
          ADD (N_("post (mutex)"), SHMVIZ_EV_POST, SHMVIZ_SEM_MUTEX);
          break;
        default:
          break;
        }
      if (!producer)
        ADD (N_("use (item)"), SHMVIZ_EV_CONSUME, -1);
#undef ADD
      self->n_lines[role] = n;
    }
}

void
_shmviz_scheduler_rebuild_code (ShmvizScheduler *self)
{
  for (guint role = 0; role < 2; role++)
    {
      GtkListBox *box = role == 0 ? self->producer_code : self->consumer_code;
      GtkWidget *child;

      while ((child = gtk_widget_get_first_child (GTK_WIDGET (box))) != NULL)
        gtk_list_box_remove (box, child);

      for (guint i = 0; i < self->n_lines[role]; i++)
        {
          GtkWidget *row_box = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 12);
          GtkWidget *code = gtk_label_new (_(self->lines[role][i].code));
          GtkWidget *procs = gtk_label_new (NULL);
          GtkWidget *row = gtk_list_box_row_new ();

          gtk_label_set_xalign (GTK_LABEL (code), 0);
          gtk_widget_set_hexpand (code, TRUE);
          gtk_widget_add_css_class (code, "monospace");
          gtk_widget_add_css_class (procs, "scheduler-procs");
          gtk_box_append (GTK_BOX (row_box), code);
          gtk_box_append (GTK_BOX (row_box), procs);
          gtk_widget_set_margin_start (row_box, 8);
          gtk_widget_set_margin_end (row_box, 8);
          gtk_widget_set_margin_top (row_box, 2);
          gtk_widget_set_margin_bottom (row_box, 2);
          gtk_list_box_row_set_child (GTK_LIST_BOX_ROW (row), row_box);
          gtk_list_box_row_set_activatable (GTK_LIST_BOX_ROW (row), FALSE);
          gtk_list_box_append (box, row);
          self->line_rows[role][i] = row;
          self->line_procs[role][i] = GTK_LABEL (procs);
        }
    }
}

/* The line process @pv last executed, or -1 (before its first step). */
int
_shmviz_scheduler_line_of (ShmvizScheduler      *self,
                           guint                 proc,
                           const ShmvizProcView *pv)
{
  guint role = proc < self->n_producers ? 0 : 1;
  const Line *l = self->lines[role];
  guint8 kind = pv->last_kind;
  int sem = -1;

  if (self->silent[proc])
    kind = SHMVIZ_EV_NONE;
  else if (kind == SHMVIZ_EV_START || kind == SHMVIZ_EV_EXIT || kind == SHMVIZ_EV_NONE)
    return -1;

  /* Waiting for a semaphore is the line that takes it. */
  if (kind == SHMVIZ_EV_WAIT || kind == SHMVIZ_EV_BLOCKED || kind == SHMVIZ_EV_ACQUIRED)
    {
      kind = SHMVIZ_EV_ACQUIRED;
      sem = pv->wait_sem;
    }
  else if (kind == SHMVIZ_EV_POST)
    /* The mutex is posted first, the counting token after it. */
    sem = (pv->held & ~SHMVIZ_HELD_MUTEX) != 0 ? SHMVIZ_SEM_MUTEX : -2;

  for (guint i = 0; i < self->n_lines[role]; i++)
    if (l[i].kind == kind && (sem == -1 || l[i].sem == sem ||
                              (sem == -2 && l[i].sem != SHMVIZ_SEM_MUTEX)))
      return (int) i;
  /* mutex-only posts only the mutex */
  for (guint i = 0; i < self->n_lines[role]; i++)
    if (l[i].kind == kind)
      return (int) i;
  return -1;
}
