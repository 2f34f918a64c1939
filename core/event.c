/* event.c — names of event kinds, semaphores, slot states and items
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <inttypes.h>

#include "event.h"

/* Machine names: they appear in CSV, JSON and traces, so they are never
 * translated. */
static const char * const worker_kind_names[] = {
  [SHMVIZ_EV_NONE]       = "none",
  [SHMVIZ_EV_START]      = "start",
  [SHMVIZ_EV_PRODUCE]    = "produce",
  [SHMVIZ_EV_WAIT]       = "wait",
  [SHMVIZ_EV_BLOCKED]    = "blocked",
  [SHMVIZ_EV_ACQUIRED]   = "acquired",
  [SHMVIZ_EV_POST]       = "post",
  [SHMVIZ_EV_READ_INDEX] = "read-index",
  [SHMVIZ_EV_WRITE_SLOT] = "write-slot",
  [SHMVIZ_EV_READ_SLOT]  = "read-slot",
  [SHMVIZ_EV_ADVANCE]    = "advance",
  [SHMVIZ_EV_CONSUME]    = "consume",
  [SHMVIZ_EV_ABANDON]    = "abandon",
  [SHMVIZ_EV_PARKED]     = "parked",
  [SHMVIZ_EV_RESUMED]    = "resumed",
  [SHMVIZ_EV_EXIT]       = "exit",
  [SHMVIZ_EV_REPAIR]     = "repair",
};

static const char * const supervisor_kind_names[] = {
  [SHMVIZ_EV_SESSION - SHMVIZ_EV_SESSION]      = "session",
  [SHMVIZ_EV_SPAWNED - SHMVIZ_EV_SESSION]      = "spawned",
  [SHMVIZ_EV_DIED - SHMVIZ_EV_SESSION]         = "died",
  [SHMVIZ_EV_MODE - SHMVIZ_EV_SESSION]         = "mode",
  [SHMVIZ_EV_SPEED - SHMVIZ_EV_SESSION]        = "speed",
  [SHMVIZ_EV_PAUSE - SHMVIZ_EV_SESSION]        = "pause",
  [SHMVIZ_EV_STEP - SHMVIZ_EV_SESSION]         = "step",
  [SHMVIZ_EV_RESYNC - SHMVIZ_EV_SESSION]       = "resync",
  [SHMVIZ_EV_SLOT_MOVED - SHMVIZ_EV_SESSION]   = "slot-moved",
  [SHMVIZ_EV_SLOT_CLEARED - SHMVIZ_EV_SESSION] = "slot-cleared",
  [SHMVIZ_EV_TIMING - SHMVIZ_EV_SESSION]       = "timing",
  [SHMVIZ_EV_DROPPED - SHMVIZ_EV_SESSION]      = "dropped",
  [SHMVIZ_EV_STOP - SHMVIZ_EV_SESSION]         = "stop",
  [SHMVIZ_EV_KILL - SHMVIZ_EV_SESSION]         = "kill",
  [SHMVIZ_EV_STOPPED - SHMVIZ_EV_SESSION]      = "stopped",
};

const char *
shmviz_event_kind_name (guint kind)
{
  if (kind < G_N_ELEMENTS (worker_kind_names) && worker_kind_names[kind] != NULL)
    return worker_kind_names[kind];

  if (kind >= SHMVIZ_EV_SESSION &&
      kind - SHMVIZ_EV_SESSION < G_N_ELEMENTS (supervisor_kind_names))
    return supervisor_kind_names[kind - SHMVIZ_EV_SESSION];

  return "unknown";
}

const char *
shmviz_sem_name (guint sem)
{
  static const char * const names[SHMVIZ_N_SEMS] = {
    [SHMVIZ_SEM_EMPTY] = "empty",
    [SHMVIZ_SEM_FULL]  = "full",
    [SHMVIZ_SEM_MUTEX] = "mutex",
  };

  return sem < SHMVIZ_N_SEMS ? names[sem] : "unknown";
}

const char *
shmviz_slot_state_name (guint state)
{
  static const char * const names[SHMVIZ_N_SLOT_STATES] = {
    [SHMVIZ_SLOT_EMPTY]   = "empty",
    [SHMVIZ_SLOT_WRITING] = "writing",
    [SHMVIZ_SLOT_FULL]    = "full",
    [SHMVIZ_SLOT_READING] = "reading",
  };

  return state < SHMVIZ_N_SLOT_STATES ? names[state] : "unknown";
}

char *
shmviz_item_label (uint64_t item)
{
  int producer;

  if (item == SHMVIZ_ITEM_NONE)
    return g_strdup ("–");

  producer = SHMVIZ_ITEM_PRODUCER (item);

  /* An id read from a racy slot may be anything; show it rather than guess
   * a producer for it. */
  if (producer < 0 || SHMVIZ_ITEM_SEQ (item) == 0)
    return g_strdup_printf ("#%016" PRIx64, item);

  return g_strdup_printf ("P%d#%" PRIu64, producer + 1, (uint64_t) SHMVIZ_ITEM_SEQ (item));
}
