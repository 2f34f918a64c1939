/* shmviz-totals-bar.h — the run's totals in numbers large enough for a projector
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gtk/gtk.h>

#include "ledger.h"

G_BEGIN_DECLS

#define SHMVIZ_TYPE_TOTALS_BAR (shmviz_totals_bar_get_type ())

G_DECLARE_FINAL_TYPE (ShmvizTotalsBar, shmviz_totals_bar, SHMVIZ, TOTALS_BAR, GtkWidget)

GtkWidget *shmviz_totals_bar_new        (void);
/* NULL shows zeros. */
void       shmviz_totals_bar_set_totals (ShmvizTotalsBar    *self,
                                         const ShmvizTotals *totals);
/* The text shown for one figure ("produced", "consumed", "in-buffer",
 * "lost", "duplicated", "corrupt", "empty-reads", "dropped"), for tests. */
const char *shmviz_totals_bar_get_text  (ShmvizTotalsBar    *self,
                                         const char         *name);

G_END_DECLS
