/* shmviz-race-log.h — every anomaly, newest last, in plain language
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gtk/gtk.h>

#include "ledger.h"
#include "shmviz-anomaly-object.h"

G_BEGIN_DECLS

/* Older rows are dropped beyond this, and the log says so. */
#define SHMVIZ_RACE_LOG_MAX_ROWS 10000u

#define SHMVIZ_TYPE_RACE_LOG (shmviz_race_log_get_type ())

G_DECLARE_FINAL_TYPE (ShmvizRaceLog, shmviz_race_log, SHMVIZ, RACE_LOG, GtkWidget)

GtkWidget           *shmviz_race_log_new          (void);
void                 shmviz_race_log_clear        (ShmvizRaceLog       *self);
/* Appends @n_anomalies rows; @start_ns is the session's start. */
void                 shmviz_race_log_append       (ShmvizRaceLog       *self,
                                                   const ShmvizAnomaly *anomalies,
                                                   guint                n_anomalies,
                                                   guint                n_producers,
                                                   guint64              start_ns);
/* The line under the list: how many rows, and what is not shown. */
const char          *shmviz_race_log_get_status   (ShmvizRaceLog       *self);
/* A GListModel of ShmvizAnomalyObject, at most SHMVIZ_RACE_LOG_MAX_ROWS. */
GListModel          *shmviz_race_log_get_model    (ShmvizRaceLog       *self);
/* Every row ever appended since the last clear, dropped ones included. */
guint64              shmviz_race_log_get_n_total  (ShmvizRaceLog       *self);
ShmvizAnomalyObject *shmviz_race_log_get_selected (ShmvizRaceLog       *self);
void                 shmviz_race_log_set_follow   (ShmvizRaceLog       *self,
                                                   gboolean             follow);
gboolean             shmviz_race_log_get_follow   (ShmvizRaceLog       *self);

G_END_DECLS
