/* shmviz-stat-value.h — one figure of the totals bar, drawn, not laid out
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gtk/gtk.h>

G_BEGIN_DECLS

#define SHMVIZ_TYPE_STAT_VALUE (shmviz_stat_value_get_type ())

G_DECLARE_FINAL_TYPE (ShmvizStatValue, shmviz_stat_value, SHMVIZ, STAT_VALUE, GtkWidget)

void        shmviz_stat_value_set_text    (ShmvizStatValue *self,
                                           const char      *text);
const char *shmviz_stat_value_get_text    (ShmvizStatValue *self);
/* A new run: the width follows its figures from the start again. */
void        shmviz_stat_value_reset_width (ShmvizStatValue *self);

G_END_DECLS
