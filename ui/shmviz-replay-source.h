/* shmviz-replay-source.h — the window's record, open, export and note actions
 *
 * The window swaps its model source with shmviz_window_set_replay(); this
 * file does the rest: it reads recordings off the main loop, asks for
 * files, runs the exporters in a ShmvizExportDialog, and saves notes into
 * recordings.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include "shmviz-window.h"

G_BEGIN_DECLS

/* win.open, win.record, win.export(s), win.annotate, win.close-replay,
 * and drag and drop of files onto the window. */
void     shmviz_window_add_replay_actions (ShmvizWindow *self);

/* Reads @file in a thread, then shows it in @self (or an error toast);
 * @callback (optional) runs once it is shown or failed. */
void     shmviz_window_open_recording     (ShmvizWindow        *self,
                                           GFile               *file,
                                           GAsyncReadyCallback  callback,
                                           gpointer             user_data);
gboolean shmviz_window_open_recording_finish (ShmvizWindow  *self,
                                              GAsyncResult  *result,
                                              GError       **error);

/* Adds an ANNOTATION record to the recording at @path (before its END),
 * replacing the file atomically. */
gboolean shmviz_recording_file_add_annotation (const char  *path,
                                               guint64      ts_ns,
                                               const char  *text,
                                               GError     **error);

G_END_DECLS
