/* summary.h — a run's outcome as text or JSON, for the CLI and tests
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <glib.h>

#include "model.h"

G_BEGIN_DECLS

/* One JSON object: produced, consumed, in_buffer, lost, duplicated,
 * empty_reads, corrupt, index_drift, dropped_events, items_per_second,
 * deadlock, anomalies (each kind, slot, item, processes, time_ns,
 * explanation) and the scenario.  At most @max_anomalies are listed;
 * "anomalies_listed" says how many. */
char *shmviz_summary_to_json (ShmvizModel *model,
                              gdouble      elapsed_s,
                              guint        max_anomalies);
/* For runs that record no events: only the workers' own counts. */
char *shmviz_summary_counts_to_json (const ShmvizScenario *scenario,
                                     guint64               produced,
                                     guint64               consumed,
                                     gdouble               elapsed_s);
/* A few lines a person reads on a terminal. */
char *shmviz_summary_to_text (ShmvizModel *model,
                              gdouble      elapsed_s,
                              guint        max_anomalies);

G_END_DECLS
