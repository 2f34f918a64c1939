/* shmviz-scheduler-words.c — the page's words
 *
 * Names of processes and semaphores, the locks a process holds and what a
 * step is made of, in sentences.  Apart so that the strings translators
 * see for this page sit together, away from the widget code.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <glib/gi18n.h>

#include "schedule.h"
#include "shmviz-scheduler-internal.h"

char *
_shmviz_scheduler_proc_label (ShmvizScheduler *self,
                              guint            proc)
{
  return proc < self->n_producers ? g_strdup_printf ("P%u", proc + 1)
                                  : g_strdup_printf ("C%u", proc - self->n_producers + 1);
}

const char *
_shmviz_scheduler_sem_name (guint sem)
{
  switch (sem)
    {
    case SHMVIZ_SEM_EMPTY: return _("empty");
    case SHMVIZ_SEM_FULL: return _("full");
    case SHMVIZ_SEM_MUTEX: return _("mutex");
    default: return "?";
    }
}

/* Acquiring, holding and released, told apart in words. */
char *
_shmviz_scheduler_describe_locks (ShmvizScheduler      *self,
                                  guint                 proc,
                                  const ShmvizProcView *pv)
{
  g_autofree char *who = _shmviz_scheduler_proc_label (self, proc);
  GString *held = g_string_new (NULL);

  if (self->session != NULL && shmviz_schedule_proc_exited (self->session, proc))
    return g_strdup_printf (_("%s: finished"), who);

  for (guint s = 0; s < SHMVIZ_N_SEMS; s++)
    if (pv->held & (1u << s))
      g_string_append_printf (held, "%s%s", held->len ? ", " : "", _shmviz_scheduler_sem_name (s));

  if (self->session != NULL && shmviz_schedule_proc_blocked (self->session, proc))
    {
      g_autofree char *h = g_string_free (held, FALSE);

      return *h ? g_strdup_printf (_("%s: acquiring %s (asleep), holding %s"), who, _shmviz_scheduler_sem_name (pv->wait_sem), h)
                : g_strdup_printf (_("%s: acquiring %s (asleep)"), who, _shmviz_scheduler_sem_name (pv->wait_sem));
    }
  if (held->len > 0)
    {
      g_autofree char *h = g_string_free (held, FALSE);
      return g_strdup_printf (_("%s: holding %s"), who, h);
    }
  g_string_free (held, TRUE);
  return g_strdup_printf (_("%s: holds nothing"), who);
}

/* What the step on line @line consists of, atom by atom. */
const char *
_shmviz_scheduler_atomic_parts (ShmvizScheduler *self,
                                guint            role,
                                int              line)
{
  const Line *l;

  if (line < 0)
    return _("Pick a process to run its first step.");
  l = &self->lines[role][line];
  switch (l->kind)
    {
    case SHMVIZ_EV_PRODUCE:
      return _("One step, private to the producer: it makes the item in its own memory. Nothing shared is touched.");
    case SHMVIZ_EV_ACQUIRED:
      return _("One atomic part: wait() tests the semaphore and takes a token in one indivisible operation, or puts the process to sleep until someone posts.");
    case SHMVIZ_EV_POST:
      return _("One atomic part: post() adds a token and wakes one sleeper, indivisibly.");
    case SHMVIZ_EV_NONE:
      return _("No lock is taken: nothing stops another process from being inside at the same time.");
    case SHMVIZ_EV_READ_INDEX:
      return role == 0
        ? _("Read-modify-write of in, part 1 of 3: ① read in into the register i (this step). ② compute i + 1 and ③ write in back come in the step “in = (i + 1) % N”. Another producer that reads in between ① and ③ gets the same i: both write one slot and an item is lost.")
        : _("Read-modify-write of out, part 1 of 3: ① read out into the register o (this step). ② compute o + 1 and ③ write out back come in the step “out = (o + 1) % N”. Another consumer that reads out in between takes the same item twice.");
    case SHMVIZ_EV_WRITE_SLOT:
      return _("One store: the item goes into buffer[i]. If that slot still held an item nobody consumed, it is overwritten and lost.");
    case SHMVIZ_EV_READ_SLOT:
      return _("One load: the item is copied out of buffer[o]. An empty slot gives an empty read.");
    case SHMVIZ_EV_ADVANCE:
      return _("Read-modify-write, parts ② and ③: compute the next index from the value read earlier, write it back, then count ± 1, itself read, changed and written. A value another process wrote since part ① is overwritten.");
    case SHMVIZ_EV_CONSUME:
      return _("One step, private to the consumer: it uses the item in its own memory.");
    default:
      return "";
    }
}
