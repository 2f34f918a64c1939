/* shmviz-announcer.h — news for screen readers: races, deadlocks, deaths
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gtk/gtk.h>

#include "ledger.h"

G_BEGIN_DECLS

#define SHMVIZ_TYPE_ANNOUNCER (shmviz_announcer_get_type ())

G_DECLARE_FINAL_TYPE (ShmvizAnnouncer, shmviz_announcer, SHMVIZ, ANNOUNCER, GtkWidget)

/* Takes no room on screen; its status object sits in the accessibility
 * tree wherever it is added. */
GtkWidget  *shmviz_announcer_new             (void);
/* Queues @text (a deadlock, a death…); at most one message a second. */
void        shmviz_announcer_announce        (ShmvizAnnouncer     *self,
                                              const char          *text);
/* New anomalies from the model: races are counted and coalesced into one
 * message ("3 new races: …"), a deadlock is announced on its own. */
void        shmviz_announcer_add_anomalies   (ShmvizAnnouncer     *self,
                                              const ShmvizAnomaly *anomalies,
                                              guint                n_anomalies,
                                              guint                n_producers);
/* A new run: forget what is still queued and empty the status. */
void        shmviz_announcer_clear           (ShmvizAnnouncer     *self);
/* The last message announced ("" before any). */
const char *shmviz_announcer_get_text        (ShmvizAnnouncer     *self);

G_END_DECLS
