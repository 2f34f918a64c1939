/* shmviz-process-view-words.c — what the process view says in words
 *
 * The names of states, steps and semaphores, shared by what the cards draw
 * and what a screen reader or a tooltip reads out, so the two never tell a
 * process apart differently.  Apart from the drawing because none of it
 * draws.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <inttypes.h>

#include <glib/gi18n.h>

#include "layout.h"
#include "ledger.h"
#include "shmviz-process-view-internal.h"

const char *
_shmviz_process_view_sem_word (guint sem)
{
  /* The variable names of the textbook program: not translated. */
  switch (sem)
    {
    case SHMVIZ_SEM_EMPTY: return "empty";
    case SHMVIZ_SEM_FULL:  return "full";
    case SHMVIZ_SEM_MUTEX: return "mutex";
    default:               return "?";
    }
}

const char *
_shmviz_process_view_state_words (guint state)
{
  switch (state)
    {
    case SHMVIZ_VIEW_NEW:       return _("not started");
    case SHMVIZ_VIEW_RUNNING:   return _("running");
    case SHMVIZ_VIEW_ACQUIRING: return _("acquiring");
    case SHMVIZ_VIEW_WAITING:   return _("waiting");
    case SHMVIZ_VIEW_CRITICAL:  return _("in the critical section");
    case SHMVIZ_VIEW_PARKED:    return _("paused at a barrier");
    case SHMVIZ_VIEW_DONE:      return _("done");
    case SHMVIZ_VIEW_DEAD:      return _("dead");
    case SHMVIZ_VIEW_STOPPED:   return _("stopped (frozen by a signal)");
    default:                    return _("unknown");
    }
}

char *
_shmviz_process_view_proc_name (ShmvizProcessView *self,
                                guint              proc)
{
  return shmviz_proc_label (proc, self->n_producers);
}

/* What the process is doing now, in words: "writing slot 3". */
char *
_shmviz_process_view_step_words (const ShmvizProcView *pv)
{
  g_autofree char *item = NULL;

  switch (pv->state)
    {
    case SHMVIZ_VIEW_WAITING:
      /* Translators: %s is a semaphore name: empty, full or mutex */
      return g_strdup_printf (_("waiting on %s"), _shmviz_process_view_sem_word (pv->wait_sem));
    case SHMVIZ_VIEW_ACQUIRING:
      /* Translators: %s is a semaphore name: empty, full or mutex */
      return g_strdup_printf (_("acquiring %s"), _shmviz_process_view_sem_word (pv->wait_sem));
    case SHMVIZ_VIEW_DEAD:
      if (pv->signaled)
        return g_strdup_printf (_("killed by signal %d"), pv->exit_status);
      return g_strdup_printf (_("failed with status %d"), pv->exit_status);
    case SHMVIZ_VIEW_DONE:
      return g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "finished, %" PRIu64 " item",
                                           "finished, %" PRIu64 " items", pv->items_done),
                              pv->items_done);
    case SHMVIZ_VIEW_NEW:
      return g_strdup (_("starting"));
    case SHMVIZ_VIEW_PARKED:
      return g_strdup (_("parked"));
    case SHMVIZ_VIEW_STOPPED:
      return g_strdup (_("stopped: it holds what it held, and runs no step"));
    default:
      break;
    }

  switch (pv->last_kind)
    {
    case SHMVIZ_EV_START:
      return g_strdup (_("started"));
    case SHMVIZ_EV_PRODUCE:
      item = shmviz_item_label (pv->last_item);
      return g_strdup_printf (_("made %s"), item);
    case SHMVIZ_EV_WAIT:
    case SHMVIZ_EV_BLOCKED:
      return g_strdup_printf (_("waiting on %s"), _shmviz_process_view_sem_word (pv->wait_sem));
    case SHMVIZ_EV_ACQUIRED:
      return g_strdup (_("acquired a semaphore"));
    case SHMVIZ_EV_POST:
      return g_strdup (_("posted a semaphore"));
    case SHMVIZ_EV_READ_INDEX:
      return g_strdup (pv->role == SHMVIZ_ROLE_PRODUCER ? _("reading in") : _("reading out"));
    case SHMVIZ_EV_WRITE_SLOT:
      return g_strdup_printf (_("writing slot %u"), pv->last_slot);
    case SHMVIZ_EV_READ_SLOT:
      return g_strdup_printf (_("reading slot %u"), pv->last_slot);
    case SHMVIZ_EV_ADVANCE:
      return g_strdup (pv->role == SHMVIZ_ROLE_PRODUCER ? _("advancing in") : _("advancing out"));
    case SHMVIZ_EV_CONSUME:
      item = shmviz_item_label (pv->last_item);
      return g_strdup_printf (_("used %s"), item);
    case SHMVIZ_EV_ABANDON:
      return g_strdup (_("gave up this item"));
    case SHMVIZ_EV_PARKED:
      return g_strdup (_("parked"));
    case SHMVIZ_EV_RESUMED:
      return g_strdup (_("resumed"));
    case SHMVIZ_EV_EXIT:
      return g_strdup (_("exited"));
    default:
      return g_strdup (_shmviz_process_view_state_words (pv->state));
    }
}

char *
shmviz_process_view_describe_process (ShmvizProcessView *self,
                                      guint              proc)
{
  const ShmvizProcView *pv;
  g_autofree char *name = NULL;
  g_autofree char *step = NULL;
  GString *str;

  g_return_val_if_fail (SHMVIZ_IS_PROCESS_VIEW (self), NULL);

  if (proc >= self->n_procs)
    return NULL;
  pv = &self->procs[proc];
  name = _shmviz_process_view_proc_name (self, proc);
  step = _shmviz_process_view_step_words (pv);
  str = g_string_new (NULL);
  /* Translators: "P1, producer, pid 1234, writing slot 3, in the critical section" */
  g_string_printf (str, _("%s, %s, pid %d, %s, %s"), name,
                   pv->role == SHMVIZ_ROLE_PRODUCER ? _("producer") : _("consumer"),
                   pv->pid, step, _shmviz_process_view_state_words (pv->state));
  if (pv->held & SHMVIZ_HELD_MUTEX)
    g_string_append (str, _(", holds the mutex"));
  return g_string_free (str, FALSE);
}

void
_shmviz_process_view_update_accessible (ShmvizProcessView *self)
{
  g_autofree char *desc = NULL;

  if (self->focused >= 0 && (guint) self->focused < self->n_procs)
    desc = shmviz_process_view_describe_process (self, self->focused);
  else if (self->deadlock)
    desc = g_strdup (_("Deadlock: every process is waiting"));
  else
    desc = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "%u process", "%u processes", self->n_procs),
                            self->n_procs);
  if (g_strcmp0 (desc, self->description) == 0)
    return;
  g_free (self->description);
  self->description = g_steal_pointer (&desc);
  gtk_accessible_update_property (GTK_ACCESSIBLE (self), GTK_ACCESSIBLE_PROPERTY_DESCRIPTION,
                                  self->description, -1);
}
