/* shmviz-anomaly-object.h — one ShmvizAnomaly as an item of a GListModel
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <glib-object.h>

#include "ledger.h"

G_BEGIN_DECLS

#define SHMVIZ_TYPE_ANOMALY_OBJECT (shmviz_anomaly_object_get_type ())

G_DECLARE_FINAL_TYPE (ShmvizAnomalyObject, shmviz_anomaly_object, SHMVIZ, ANOMALY_OBJECT, GObject)

/* @start_ns is the session's start, so rows can say "+1.250 s". */
ShmvizAnomalyObject *shmviz_anomaly_object_new             (const ShmvizAnomaly *anomaly,
                                                           guint                n_producers,
                                                           guint64              start_ns);
const ShmvizAnomaly *shmviz_anomaly_object_get_anomaly     (ShmvizAnomalyObject *self);
ShmvizAnomalyKind    shmviz_anomaly_object_get_kind        (ShmvizAnomalyObject *self);
/* The plain-language sentence, made on first use. */
const char          *shmviz_anomaly_object_get_description (ShmvizAnomalyObject *self);
/* "+12.345 s" since the session started. */
const char          *shmviz_anomaly_object_get_time_label  (ShmvizAnomalyObject *self);
/* Every process involved (actor, earlier one, deadlocked ones), without
 * repeats; returns how many were written to @procs. */
guint                shmviz_anomaly_object_get_procs       (ShmvizAnomalyObject *self,
                                                           guint16             *procs,
                                                           guint                max_procs);

G_END_DECLS
