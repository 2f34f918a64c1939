/* shmviz-replay-source.c — the window's record, open, export and note actions
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <errno.h>
#include <string.h>

#include <glib/gi18n.h>
#include <glib/gstdio.h>

#include "shmviz-export-dialog.h"
#include "shmviz-recorder-button.h"
#include "shmviz-replay-bar.h"
#include "shmviz-replay-source.h"

#define RECORDING_MIME "application/x-shmviz-recording"
/* A caption stays this long after its note, in playback seconds. */
#define CAPTION_NS (3 * G_GUINT64_CONSTANT (1000000000))

/* Opening ---------------------------------------------------------------- */

static void
open_thread (GTask        *task,
             gpointer      source,
             gpointer      task_data,
             GCancellable *cancellable)
{
  g_autofree char *path = g_file_get_path (task_data);
  g_autoptr(ShmvizRecording) recording = NULL;
  GError *error = NULL;
  ShmvizReplay *replay = NULL;

  if (path == NULL)
    {
      g_task_return_new_error (task, G_IO_ERROR, G_IO_ERROR_NOT_SUPPORTED,
                               _("Only local files can be opened"));
      return;
    }

  /* Not shmviz_replay_open(), which checks every byte first: seconds for
   * an hour.  This checks all but the events and folds only those after
   * the last snapshot; the rest are checked as the replay first reads
   * them, and damage found then is the replay bar's to show. */
  recording = shmviz_recording_open (path, &error);
  if (recording != NULL)
    replay = shmviz_replay_new (recording, &error);
  if (replay == NULL)
    {
      g_task_return_error (task, error);
      return;
    }
  g_object_set_data_full (G_OBJECT (replay), "shmviz-path", g_steal_pointer (&path), g_free);
  g_task_return_pointer (task, replay, g_object_unref);
}

typedef struct {
  GAsyncReadyCallback callback;
  gpointer            user_data;
  guint64             position;  /* where to stand after opening */
  gboolean            keep_position;
} OpenData;

static void
open_done (GObject      *source,
           GAsyncResult *result,
           gpointer      user_data)
{
  ShmvizWindow *self = SHMVIZ_WINDOW (source);
  g_autofree OpenData *od = user_data;
  g_autoptr(ShmvizReplay) replay = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(GTask) outer = NULL;

  replay = g_task_propagate_pointer (G_TASK (result), &error);
  if (replay == NULL)
    {
      g_autofree char *text = g_strdup_printf (_("Could not open the recording: %s"), error->message);

      shmviz_window_add_toast (self, text);
    }
  else
    {
      const char *reason = NULL;

      if (od->keep_position)
        shmviz_replay_seek_position (replay, od->position);
      shmviz_window_set_replay (self, replay);
      if (shmviz_replay_get_error (replay) != NULL)
        {
          g_autofree char *text = g_strdup_printf (_("The recording is damaged: %s"),
                                                   shmviz_replay_get_error (replay)->message);
          shmviz_window_add_toast (self, text);
        }
      if (!shmviz_recording_is_complete (shmviz_replay_get_recording (replay), &reason))
        {
          g_autofree char *text = g_strdup_printf (_("The recording was cut short (%s): shown up to its last complete record"),
                                                   reason);
          shmviz_window_add_toast (self, text);
        }
    }

  outer = g_task_new (self, NULL, od->callback, od->user_data);
  g_task_set_source_tag (outer, shmviz_window_open_recording);
  if (replay == NULL)
    g_task_return_error (outer, g_steal_pointer (&error));
  else
    g_task_return_boolean (outer, TRUE);
}

static void
open_recording_full (ShmvizWindow        *self,
                     GFile               *file,
                     gboolean             keep_position,
                     guint64              position,
                     GAsyncReadyCallback  callback,
                     gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;
  OpenData *od = g_new0 (OpenData, 1);

  od->callback = callback;
  od->user_data = user_data;
  od->keep_position = keep_position;
  od->position = position;
  task = g_task_new (self, NULL, open_done, od);
  g_task_set_task_data (task, g_object_ref (file), g_object_unref);
  g_task_run_in_thread (task, open_thread);
}

void
shmviz_window_open_recording (ShmvizWindow        *self,
                              GFile               *file,
                              GAsyncReadyCallback  callback,
                              gpointer             user_data)
{
  g_return_if_fail (SHMVIZ_IS_WINDOW (self));
  g_return_if_fail (G_IS_FILE (file));

  open_recording_full (self, file, FALSE, 0, callback, user_data);
}

gboolean
shmviz_window_open_recording_finish (ShmvizWindow  *self,
                                     GAsyncResult  *result,
                                     GError       **error)
{
  return g_task_propagate_boolean (G_TASK (result), error);
}

/* Notes in files ----------------------------------------------------------- */

static void
put_frame (GByteArray   *out,
           guint16       type,
           guint16       flags,
           const guint8 *payload,
           guint32       len)
{
  shmviz_put_u16 (out, type);
  shmviz_put_u16 (out, flags);
  shmviz_put_u32 (out, len);
  shmviz_put_bytes (out, payload, len);
  shmviz_put_u32 (out, shmviz_crc32 (payload, len));
}

gboolean
shmviz_recording_file_add_annotation (const char  *path,
                                      guint64      ts_ns,
                                      const char  *text,
                                      GError     **error)
{
  g_autoptr(ShmvizRecording) rec = NULL;
  g_autoptr(GMappedFile) mapped = NULL;
  g_autoptr(GByteArray) note = g_byte_array_new ();
  g_autoptr(GByteArray) frame = g_byte_array_new ();
  g_autoptr(GFile) tmp_file = NULL;
  g_autoptr(GFileOutputStream) out = NULL;
  g_autofree char *tmp = NULL;
  const ShmvizRecord *records;
  const char *data;
  goffset split, valid;
  guint n;
  gsize len = strlen (text);

  rec = shmviz_recording_open (path, error);
  if (rec == NULL)
    return FALSE;
  mapped = g_mapped_file_new (path, FALSE, error);
  if (mapped == NULL)
    return FALSE;
  data = g_mapped_file_get_contents (mapped);
  valid = shmviz_recording_get_valid_size (rec);
  if ((gsize)valid > g_mapped_file_get_length (mapped))
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_FAILED, _("%s changed while it was read"), path);
      return FALSE;
    }

  /* Before END (nothing may follow it); a file cut short gets the note
   * after its last complete record. */
  records = shmviz_recording_get_records (rec, &n);
  split = valid;
  if (n > 0 && records[n - 1].type == SHMVIZ_RECORD_END)
    split = records[n - 1].offset;

  len = MIN (len, SHMVIZ_ANNOTATION_MAX_LENGTH);
  shmviz_put_u64 (note, ts_ns);
  shmviz_put_u32 (note, (guint32)len);
  shmviz_put_bytes (note, text, len);
  /* Flag bit 0: optional, as the recorder writes notes. */
  put_frame (frame, SHMVIZ_RECORD_ANNOTATION, 1, note->data, note->len);

  tmp = g_strconcat (path, ".note-tmp", NULL);
  tmp_file = g_file_new_for_path (tmp);
  out = g_file_replace (tmp_file, NULL, FALSE, G_FILE_CREATE_PRIVATE, NULL, error);
  if (out == NULL)
    return FALSE;
  if (!g_output_stream_write_all (G_OUTPUT_STREAM (out), data, split, NULL, NULL, error) ||
      !g_output_stream_write_all (G_OUTPUT_STREAM (out), frame->data, frame->len, NULL, NULL, error) ||
      !g_output_stream_write_all (G_OUTPUT_STREAM (out), data + split, valid - split, NULL, NULL, error) ||
      !g_output_stream_close (G_OUTPUT_STREAM (out), NULL, error))
    {
      g_unlink (tmp);
      return FALSE;
    }
  if (g_rename (tmp, path) != 0)
    {
      int errsv = errno;

      g_set_error (error, G_IO_ERROR, g_io_error_from_errno (errsv), _("Could not replace %s: %s"), path,
                   g_strerror (errsv));
      g_unlink (tmp);
      return FALSE;
    }
  return TRUE;
}

typedef struct {
  char    *path;
  char    *text;
  guint64  ts_ns;
} NoteJob;

static void
note_job_free (gpointer data)
{
  NoteJob *job = data;

  g_free (job->path);
  g_free (job->text);
  g_free (job);
}

static void
note_thread (GTask        *task,
             gpointer      source,
             gpointer      task_data,
             GCancellable *cancellable)
{
  NoteJob *job = task_data;
  GError *error = NULL;

  if (shmviz_recording_file_add_annotation (job->path, job->ts_ns, job->text, &error))
    g_task_return_boolean (task, TRUE);
  else
    g_task_return_error (task, error);
}

static void
note_done (GObject      *source,
           GAsyncResult *result,
           gpointer      user_data)
{
  ShmvizWindow *self = SHMVIZ_WINDOW (source);
  NoteJob *job = g_task_get_task_data (G_TASK (result));
  g_autoptr(GError) error = NULL;
  g_autoptr(GFile) file = NULL;
  ShmvizReplay *replay;

  if (!g_task_propagate_boolean (G_TASK (result), &error))
    {
      g_autofree char *text = g_strdup_printf (_("Could not save the note: %s"), error->message);

      shmviz_window_add_toast (self, text);
      return;
    }

  /* Read the file again so the note shows; stay where we were. */
  replay = shmviz_window_get_replay (self);
  file = g_file_new_for_path (job->path);
  open_recording_full (self, file, TRUE, replay != NULL ? shmviz_replay_get_position (replay) : 0,
                       NULL, NULL);
  shmviz_window_add_toast (self, _("Note saved in the recording"));
}

static char *
recording_path (ShmvizReplay *replay)
{
  /* The replay does not keep its path: the application asked for it,
   * so it is kept on the object. */
  return g_strdup (g_object_get_data (G_OBJECT (replay), "shmviz-path"));
}

static void
annotate_response (AdwMessageDialog *dialog,
                   const char       *response,
                   ShmvizWindow     *self)
{
  GtkEditable *entry = GTK_EDITABLE (adw_message_dialog_get_extra_child (dialog));
  const char *text = gtk_editable_get_text (entry);
  ShmvizReplay *replay = shmviz_window_get_replay (self);
  ShmvizRecorderButton *rb = SHMVIZ_RECORDER_BUTTON (shmviz_window_get_recorder_button (self));

  if (g_strcmp0 (response, "add") != 0 || text == NULL || text[0] == '\0')
    return;

  if (replay != NULL)
    {
      g_autoptr(GTask) task = g_task_new (self, NULL, note_done, NULL);
      NoteJob *job = g_new0 (NoteJob, 1);

      job->path = recording_path (replay);
      job->text = g_strdup (text);
      job->ts_ns = shmviz_replay_get_time_ns (replay);
      if (job->path == NULL)
        {
          note_job_free (job);
          shmviz_window_add_toast (self, _("This recording has no file to save notes in"));
          return;
        }
      g_task_set_task_data (task, job, note_job_free);
      g_task_run_in_thread (task, note_thread);
    }
  else if (shmviz_recorder_button_get_recording (rb))
    {
      const ShmvizSnapshot *snap = shmviz_window_get_snapshot (self);

      shmviz_recorder_annotate (shmviz_recorder_button_get_recorder (rb), snap->now_ns, text);
      shmviz_window_add_toast (self, _("Note recorded"));
    }
}

static void
annotate_activated (GSimpleAction *action,
                    GVariant      *param,
                    gpointer       user_data)
{
  ShmvizWindow *self = user_data;
  ShmvizRecorderButton *rb = SHMVIZ_RECORDER_BUTTON (shmviz_window_get_recorder_button (self));
  GtkWidget *dialog, *entry;

  if (shmviz_window_get_replay (self) == NULL && !shmviz_recorder_button_get_recording (rb))
    {
      shmviz_window_add_toast (self, _("Notes are kept in recordings: record the run or open a recording first"));
      return;
    }

  dialog = adw_message_dialog_new (GTK_WINDOW (self), _("Add a Note"),
                                   _("The note shows as a caption at this moment when the recording is "
                                     "replayed or exported as video."));
  entry = gtk_entry_new ();
  gtk_entry_set_activates_default (GTK_ENTRY (entry), TRUE);
  gtk_entry_set_max_length (GTK_ENTRY (entry), 500);
  adw_message_dialog_set_extra_child (ADW_MESSAGE_DIALOG (dialog), entry);
  adw_message_dialog_add_responses (ADW_MESSAGE_DIALOG (dialog),
                                    "cancel", _("_Cancel"),
                                    "add", _("_Add Note"),
                                    NULL);
  adw_message_dialog_set_response_appearance (ADW_MESSAGE_DIALOG (dialog), "add", ADW_RESPONSE_SUGGESTED);
  adw_message_dialog_set_default_response (ADW_MESSAGE_DIALOG (dialog), "add");
  adw_message_dialog_set_close_response (ADW_MESSAGE_DIALOG (dialog), "cancel");
  g_signal_connect_object (dialog, "response", G_CALLBACK (annotate_response), self, 0);
  gtk_window_present (GTK_WINDOW (dialog));
  gtk_widget_grab_focus (entry);
}

/* File choosers -------------------------------------------------------- */

static GtkFileFilter *
recording_filter (void)
{
  GtkFileFilter *filter = gtk_file_filter_new ();

  gtk_file_filter_set_name (filter, _("shmviz Recordings"));
  gtk_file_filter_add_mime_type (filter, RECORDING_MIME);
  gtk_file_filter_add_suffix (filter, "shmviz");
  return filter;
}

static void
open_response (GtkNativeDialog *native,
               int              response,
               ShmvizWindow    *self)
{
  if (response == GTK_RESPONSE_ACCEPT)
    {
      g_autoptr(GFile) file = gtk_file_chooser_get_file (GTK_FILE_CHOOSER (native));

      shmviz_window_open_recording (self, file, NULL, NULL);
    }
  g_object_unref (native);
}

static void
open_activated (GSimpleAction *action,
                GVariant      *param,
                gpointer       user_data)
{
  ShmvizWindow *self = user_data;
  GtkFileChooserNative *native;
  g_autoptr(GtkFileFilter) filter = recording_filter ();

  native = gtk_file_chooser_native_new (_("Open a Recording"), GTK_WINDOW (self),
                                        GTK_FILE_CHOOSER_ACTION_OPEN, _("_Open"), _("_Cancel"));
  gtk_file_chooser_add_filter (GTK_FILE_CHOOSER (native), filter);
  gtk_native_dialog_set_modal (GTK_NATIVE_DIALOG (native), TRUE);
  g_signal_connect_object (native, "response", G_CALLBACK (open_response), self, 0);
  gtk_native_dialog_show (GTK_NATIVE_DIALOG (native));
}

static char *
suggested_name (const char *extension)
{
  g_autoptr(GDateTime) now = g_date_time_new_now_local ();
  g_autofree char *stamp = g_date_time_format (now, "%Y-%m-%d-%H%M%S");

  return g_strdup_printf ("shmviz-%s.%s", stamp, extension);
}

static void
record_response (GtkNativeDialog *native,
                 int              response,
                 ShmvizWindow    *self)
{
  if (response == GTK_RESPONSE_ACCEPT)
    {
      g_autoptr(GFile) file = gtk_file_chooser_get_file (GTK_FILE_CHOOSER (native));
      g_autofree char *path = g_file_get_path (file);
      ShmvizRecorderButton *rb = SHMVIZ_RECORDER_BUTTON (shmviz_window_get_recorder_button (self));

      if (path == NULL)
        {
          shmviz_window_add_toast (self, _("Recordings can only be saved to local files"));
        }
      else
        {
          /* A recording holds a session from its first event: the run
           * restarts into the file. */
          shmviz_recorder_button_arm (rb, path);
          gtk_widget_activate_action (GTK_WIDGET (self), "win.restart", NULL);
          if (shmviz_recorder_button_get_recording (rb))
            shmviz_window_add_toast (self, _("Recording the run from its start"));
        }
    }
  g_object_unref (native);
}

static void
record_activated (GSimpleAction *action,
                  GVariant      *param,
                  gpointer       user_data)
{
  ShmvizWindow *self = user_data;
  ShmvizRecorderButton *rb = SHMVIZ_RECORDER_BUTTON (shmviz_window_get_recorder_button (self));
  GtkFileChooserNative *native;
  g_autoptr(GtkFileFilter) filter = recording_filter ();
  g_autofree char *name = suggested_name ("shmviz");

  if (shmviz_recorder_button_get_recording (rb))
    {
      shmviz_recorder_button_stop (rb);
      return;
    }

  native = gtk_file_chooser_native_new (_("Record the Run"), GTK_WINDOW (self),
                                        GTK_FILE_CHOOSER_ACTION_SAVE, _("_Record"), _("_Cancel"));
  gtk_file_chooser_add_filter (GTK_FILE_CHOOSER (native), filter);
  gtk_file_chooser_set_current_name (GTK_FILE_CHOOSER (native), name);
  gtk_native_dialog_set_modal (GTK_NATIVE_DIALOG (native), TRUE);
  g_signal_connect_object (native, "response", G_CALLBACK (record_response), self, 0);
  gtk_native_dialog_show (GTK_NATIVE_DIALOG (native));
}

static void
recording_stopped (ShmvizRecorderButton *rb,
                   const char           *path,
                   const GError         *error,
                   ShmvizWindow         *self)
{
  g_autofree char *name = path != NULL ? g_path_get_basename (path) : NULL;
  g_autofree char *text = NULL;

  if (error != NULL)
    text = g_strdup_printf (_("The recording %s is incomplete: %s"), name, error->message);
  else
    text = g_strdup_printf (_("Recording saved as %s"), name);
  shmviz_window_add_toast (self, text);
}

static void
close_replay_activated (GSimpleAction *action,
                        GVariant      *param,
                        gpointer       user_data)
{
  ShmvizWindow *self = user_data;

  if (shmviz_window_get_replay (self) != NULL)
    shmviz_window_set_replay (self, NULL);
}

/* Replay keys ------------------------------------------------------------ */

static void
replay_play_activated (GSimpleAction *action,
                       GVariant      *param,
                       gpointer       user_data)
{
  ShmvizReplayBar *bar = SHMVIZ_REPLAY_BAR (shmviz_window_get_replay_bar (user_data));

  shmviz_replay_bar_set_playing (bar, !shmviz_replay_bar_get_playing (bar));
}

static void
replay_next_anomaly_activated (GSimpleAction *action,
                               GVariant      *param,
                               gpointer       user_data)
{
  shmviz_replay_bar_jump_anomaly (SHMVIZ_REPLAY_BAR (shmviz_window_get_replay_bar (user_data)), +1);
}

static void
replay_prev_anomaly_activated (GSimpleAction *action,
                               GVariant      *param,
                               gpointer       user_data)
{
  shmviz_replay_bar_jump_anomaly (SHMVIZ_REPLAY_BAR (shmviz_window_get_replay_bar (user_data)), -1);
}

/* Exports ------------------------------------------------------------------ */

typedef struct {
  ShmvizExportFormat  format;
  char               *path;
  ShmvizSnapshot      snap;       /* png */
  char               *caption;
  ShmvizModel        *model;      /* svg, pdf */
  guint64             t0, t1;
  ShmvizRecording    *recording;  /* webm */
  ShmvizVideoOptions  video;
} ExportJob;

static void
export_job_free (gpointer data)
{
  ExportJob *job = data;

  g_free (job->path);
  g_free (job->caption);
  shmviz_snapshot_clear (&job->snap);
  g_clear_pointer (&job->model, shmviz_model_unref);
  g_clear_pointer (&job->recording, shmviz_recording_unref);
  g_free (job);
}

static gboolean
export_job_run (gpointer              data,
                ShmvizExportProgress  progress,
                gpointer              progress_data,
                GCancellable         *cancellable,
                GError              **error)
{
  ExportJob *job = data;
  ShmvizRenderOptions ro = { .caption = job->caption };

  switch (job->format)
    {
    case SHMVIZ_EXPORT_PNG:
      return shmviz_export_frame_png (&job->snap, &ro, 1920, 1080, job->path, error);
    case SHMVIZ_EXPORT_SVG:
    case SHMVIZ_EXPORT_PDF:
      return shmviz_export_timeline (job->model, job->t0, job->t1, job->format, NULL, 1600, 900,
                                     job->path, error);
    case SHMVIZ_EXPORT_WEBM:
    default:
      {
        /* The window's replay belongs to the main thread: fold our own. */
        g_autoptr(ShmvizReplay) replay = shmviz_replay_new (job->recording, error);

        if (replay == NULL)
          return FALSE;
        return shmviz_export_video (replay, job->path, &job->video, progress, progress_data,
                                    cancellable, NULL, error);
      }
    }
}

static void
export_finished (ShmvizExportDialog *dialog,
                 const GError       *error,
                 ShmvizWindow       *self)
{
  g_autofree char *text = NULL;

  if (error == NULL)
    text = g_strdup (_("Export finished"));
  else if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    text = g_strdup (_("Export cancelled"));
  else
    text = g_strdup_printf (_("Export failed: %s"), error->message);
  shmviz_window_add_toast (self, text);
}

static const char *
format_extension (ShmvizExportFormat format)
{
  switch (format)
    {
    case SHMVIZ_EXPORT_PNG:  return "png";
    case SHMVIZ_EXPORT_SVG:  return "svg";
    case SHMVIZ_EXPORT_PDF:  return "pdf";
    case SHMVIZ_EXPORT_WEBM:
    default:                 return "webm";
    }
}

/* Starts exporting @format to @path now; the dialog shows the progress. */
static ShmvizExportDialog *
start_export (ShmvizWindow       *self,
              ShmvizExportFormat  format,
              const char         *path)
{
  ExportJob *job = g_new0 (ExportJob, 1);
  ShmvizReplay *replay = shmviz_window_get_replay (self);
  ShmvizModel *model = shmviz_window_get_model (self);
  const char *caption = shmviz_replay_bar_get_caption (SHMVIZ_REPLAY_BAR (shmviz_window_get_replay_bar (self)));
  ShmvizExportDialog *dialog;
  g_autofree char *name = g_path_get_basename (path);
  g_autofree char *title = g_strdup_printf (_("Exporting %s"), name);

  job->format = format;
  job->path = g_strdup (path);
  job->caption = replay != NULL ? g_strdup (caption) : NULL;
  if (model != NULL)
    {
      /* A copy taken now: the live model moves on meanwhile. */
      shmviz_model_snapshot (model, &job->snap);
      job->model = shmviz_model_ref (model);
      job->t0 = job->snap.start_ns;
      job->t1 = job->snap.now_ns;
    }
  if (replay != NULL)
    {
      job->t0 = shmviz_replay_get_start_ns (replay);
      job->t1 = MAX (shmviz_replay_get_time_ns (replay), job->t0 + 1);
      job->recording = shmviz_recording_ref (shmviz_replay_get_recording (replay));
      job->video = (ShmvizVideoOptions) { .width = 1280, .height = 720, .fps = 30,
        .speed = shmviz_replay_bar_get_speed (SHMVIZ_REPLAY_BAR (shmviz_window_get_replay_bar (self))) };
    }

  dialog = shmviz_export_dialog_run (GTK_WINDOW (self), title, export_job_run, job, export_job_free);
  g_signal_connect_object (dialog, "finished", G_CALLBACK (export_finished), self, 0);
  return dialog;
}

static void
export_response (GtkNativeDialog *native,
                 int              response,
                 ShmvizWindow    *self)
{
  ShmvizExportFormat format = GPOINTER_TO_INT (g_object_get_data (G_OBJECT (native), "shmviz-format"));

  if (response == GTK_RESPONSE_ACCEPT)
    {
      g_autoptr(GFile) file = gtk_file_chooser_get_file (GTK_FILE_CHOOSER (native));
      g_autofree char *path = g_file_get_path (file);

      if (path != NULL)
        start_export (self, format, path);
      else
        shmviz_window_add_toast (self, _("Exports can only be saved to local files"));
    }
  g_object_unref (native);
}

static void
export_activated (GSimpleAction *action,
                  GVariant      *param,
                  gpointer       user_data)
{
  ShmvizWindow *self = user_data;
  ShmvizExportFormat format;
  GtkFileChooserNative *native;
  g_autofree char *name = NULL;

  if (!shmviz_export_format_from_string (g_variant_get_string (param, NULL), &format))
    return;
  if (shmviz_window_get_model (self) == NULL)
    return;
  if (format == SHMVIZ_EXPORT_WEBM && shmviz_window_get_replay (self) == NULL)
    {
      shmviz_window_add_toast (self, _("Video is made from a recording: record the run or open a recording first"));
      return;
    }

  name = suggested_name (format_extension (format));
  native = gtk_file_chooser_native_new (_("Export"), GTK_WINDOW (self), GTK_FILE_CHOOSER_ACTION_SAVE,
                                        _("_Export"), _("_Cancel"));
  gtk_file_chooser_set_current_name (GTK_FILE_CHOOSER (native), name);
  gtk_native_dialog_set_modal (GTK_NATIVE_DIALOG (native), TRUE);
  g_object_set_data (G_OBJECT (native), "shmviz-format", GINT_TO_POINTER (format));
  g_signal_connect_object (native, "response", G_CALLBACK (export_response), self, 0);
  gtk_native_dialog_show (GTK_NATIVE_DIALOG (native));
}

/* Drag and drop ------------------------------------------------------------- */

static gboolean
drop_cb (GtkDropTarget *target,
         const GValue  *value,
         double         x,
         double         y,
         ShmvizWindow  *self)
{
  GSList *files;

  if (!G_VALUE_HOLDS (value, GDK_TYPE_FILE_LIST))
    return FALSE;
  files = gdk_file_list_get_files (g_value_get_boxed (value));
  if (files == NULL)
    return FALSE;
  shmviz_window_open_recording (self, files->data, NULL, NULL);
  g_slist_free (files);
  return TRUE;
}

static const GActionEntry replay_actions[] = {
  { "open", open_activated },
  { "record", record_activated },
  { "export", export_activated, "s" },
  { "annotate", annotate_activated },
  { "close-replay", close_replay_activated },
  { "replay-play", replay_play_activated },
  { "replay-next-anomaly", replay_next_anomaly_activated },
  { "replay-prev-anomaly", replay_prev_anomaly_activated },
};

void
shmviz_window_add_replay_actions (ShmvizWindow *self)
{
  GtkDropTarget *target;

  g_return_if_fail (SHMVIZ_IS_WINDOW (self));

  g_action_map_add_action_entries (G_ACTION_MAP (self), replay_actions, G_N_ELEMENTS (replay_actions), self);

  target = gtk_drop_target_new (GDK_TYPE_FILE_LIST, GDK_ACTION_COPY);
  g_signal_connect (target, "drop", G_CALLBACK (drop_cb), self);
  gtk_widget_add_controller (GTK_WIDGET (self), GTK_EVENT_CONTROLLER (target));

  g_signal_connect_object (shmviz_window_get_recorder_button (self), "stopped",
                           G_CALLBACK (recording_stopped), self, 0);
}
