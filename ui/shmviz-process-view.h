/* shmviz-process-view.h — one card per process, the mutex and the counters
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gtk/gtk.h>

#include "model.h"

G_BEGIN_DECLS

#define SHMVIZ_TYPE_PROCESS_VIEW (shmviz_process_view_get_type ())

G_DECLARE_FINAL_TYPE (ShmvizProcessView, shmviz_process_view, SHMVIZ, PROCESS_VIEW, GtkWidget)

GtkWidget  *shmviz_process_view_new           (void);
void        shmviz_process_view_set_model     (ShmvizProcessView    *self,
                                               ShmvizModel          *model);
ShmvizModel *shmviz_process_view_get_model    (ShmvizProcessView    *self);
/* @snapshot stays owned by the caller and valid until the next call. */
void        shmviz_process_view_set_snapshot  (ShmvizProcessView    *self,
                                               const ShmvizSnapshot *snapshot);
void        shmviz_process_view_set_zoom      (ShmvizProcessView    *self,
                                               double                zoom);
double      shmviz_process_view_get_zoom      (ShmvizProcessView    *self);
void        shmviz_process_view_set_palette   (ShmvizProcessView    *self,
                                               const char           *palette);
const char *shmviz_process_view_get_palette   (ShmvizProcessView    *self);
/* Processes (model indices) to emphasise; n = 0 clears. */
void        shmviz_process_view_set_highlight (ShmvizProcessView    *self,
                                               const guint16        *procs,
                                               guint                 n);
/* "P1, producer, pid 1234, writing slot 3, in the critical section". */
char       *shmviz_process_view_describe_process (ShmvizProcessView *self,
                                                  guint              proc);

G_END_DECLS
