/* shmviz-recorder-button.h — the Record button: elapsed time and file size
 *
 * The button owns the ShmvizRecorder of the live session.  A recording must
 * hold a session from its first event (replay folds from the empty model),
 * so recording is armed with a path and begins when the window starts the
 * next session: the window calls shmviz_recorder_button_session_starting()
 * before shmviz_session_start().  Closing a recorder flushes and joins its
 * writer thread, so it happens in a GTask, never on the main loop.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gtk/gtk.h>

#include "recording.h"
#include "session.h"

G_BEGIN_DECLS

#define SHMVIZ_TYPE_RECORDER_BUTTON (shmviz_recorder_button_get_type ())

G_DECLARE_FINAL_TYPE (ShmvizRecorderButton, shmviz_recorder_button, SHMVIZ, RECORDER_BUTTON, GtkWidget)

GtkWidget  *shmviz_recorder_button_new        (void);
/* The next session is recorded to @path. */
void        shmviz_recorder_button_arm        (ShmvizRecorderButton *self,
                                               const char           *path);
/* Hook for the window, before shmviz_session_start(): attaches a recorder
 * when armed; a recording of the previous session ends.  FALSE (and
 * @error) when the file could not be created. */
gboolean    shmviz_recorder_button_session_starting (ShmvizRecorderButton *self,
                                                     ShmvizSession        *session,
                                                     GError              **error);
/* Ends the recording, if any; "stopped" follows once the file is closed. */
void        shmviz_recorder_button_stop       (ShmvizRecorderButton *self);
gboolean    shmviz_recorder_button_get_recording (ShmvizRecorderButton *self);
/* The recorder while recording (for notes), else NULL. */
ShmvizRecorder *shmviz_recorder_button_get_recorder (ShmvizRecorderButton *self);
/* The file being (or last) recorded. */
const char *shmviz_recorder_button_get_path   (ShmvizRecorderButton *self);
/* "0:12 · 1.2 MB" while recording, "" otherwise (for tests). */
const char *shmviz_recorder_button_get_status (ShmvizRecorderButton *self);

G_END_DECLS
