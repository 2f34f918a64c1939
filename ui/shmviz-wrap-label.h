/* shmviz-wrap-label.h — wrapped text that measures in one layout pass
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gtk/gtk.h>

G_BEGIN_DECLS

#define SHMVIZ_TYPE_WRAP_LABEL (shmviz_wrap_label_get_type ())

G_DECLARE_FINAL_TYPE (ShmvizWrapLabel, shmviz_wrap_label, SHMVIZ, WRAP_LABEL, GtkWidget)

GtkWidget  *shmviz_wrap_label_new       (void);
void        shmviz_wrap_label_set_label (ShmvizWrapLabel *self,
                                         const char      *label);
const char *shmviz_wrap_label_get_label (ShmvizWrapLabel *self);

G_END_DECLS
