/* shmviz-export-dialog.h — a modal progress dialog around one export job
 *
 * The job runs in a thread (GTask) and reports progress from there; the
 * dialog polls it on a timeout, so a fast exporter cannot flood the main
 * loop.  Cancel cancels the job's GCancellable.  "finished" carries the
 * job's error (NULL on success, G_IO_ERROR_CANCELLED when cancelled), and
 * the dialog closes itself after emitting it.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <adwaita.h>

#include "shmviz-export.h"

G_BEGIN_DECLS

#define SHMVIZ_TYPE_EXPORT_DIALOG (shmviz_export_dialog_get_type ())

G_DECLARE_FINAL_TYPE (ShmvizExportDialog, shmviz_export_dialog, SHMVIZ, EXPORT_DIALOG, AdwWindow)

typedef gboolean (*ShmvizExportJob) (gpointer              job_data,
                                     ShmvizExportProgress  progress,
                                     gpointer              progress_data,
                                     GCancellable         *cancellable,
                                     GError              **error);

/* Presents the dialog and starts @job at once. */
ShmvizExportDialog *shmviz_export_dialog_run (GtkWindow      *parent,
                                              const char     *title,
                                              ShmvizExportJob job,
                                              gpointer        job_data,
                                              GDestroyNotify  job_data_free);
double              shmviz_export_dialog_get_fraction (ShmvizExportDialog *self);
void                shmviz_export_dialog_cancel       (ShmvizExportDialog *self);

G_END_DECLS
