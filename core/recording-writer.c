/* recording-writer.c — ShmvizRecorder's life and its writer thread
 *
 * The session thread drains millions of events per second, so the sink
 * does nothing there but append framed records to a memory buffer under a
 * short lock.  The writer thread swaps that buffer for an empty one, fills
 * in the CRC-32 of each record (the costly part) and writes the whole
 * buffer with one call.  In steady state neither side allocates.  What the
 * recorder appends to that buffer is in recording-writer-queue.c.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <string.h>

#include <gio/gio.h>
#include <glib/gi18n.h>

#include "recording-private.h"

/* Frames are appended with a zero CRC; the writer fills it in. */
gsize
_shmviz_recording_frame_begin (GByteArray *out,
                               guint16     type,
                               guint16     flags)
{
  gsize at = out->len;

  shmviz_put_u16 (out, type);
  shmviz_put_u16 (out, flags);
  shmviz_put_u32 (out, 0);
  return at;
}

void
_shmviz_recording_frame_end (GByteArray *out,
                             gsize       at)
{
  guint32 length = (guint32) (out->len - at - SHMVIZ_RECORD_FRAME_SIZE);
  guint32 le = GUINT32_TO_LE (length);

  memcpy (out->data + at + 4, &le, 4);
  shmviz_put_u32 (out, 0);
}

G_DEFINE_FINAL_TYPE (ShmvizRecorder, shmviz_recorder, G_TYPE_OBJECT)

static void
patch_crcs (guint8 *data,
            gsize   len)
{
  gsize pos = 0;

  while (pos + SHMVIZ_RECORD_FRAME_SIZE + SHMVIZ_RECORD_TRAILER_SIZE <= len)
    {
      guint32 length, crc;

      memcpy (&length, data + pos + 4, 4);
      length = GUINT32_FROM_LE (length);
      crc = GUINT32_TO_LE (shmviz_crc32 (data + pos + SHMVIZ_RECORD_FRAME_SIZE, length));
      memcpy (data + pos + SHMVIZ_RECORD_FRAME_SIZE + length, &crc, 4);
      pos += SHMVIZ_RECORD_FRAME_SIZE + length + SHMVIZ_RECORD_TRAILER_SIZE;
    }
}

static gpointer
writer_thread (gpointer data)
{
  ShmvizRecorder *self = data;

  for (;;)
    {
      GByteArray *buf;
      gboolean last;
      gint64 t0;

      g_mutex_lock (&self->lock);
      while (self->pending->len == 0 && !self->closing)
        g_cond_wait (&self->cond, &self->lock);
      buf = self->pending;
      self->pending = self->spare;
      self->spare = NULL;
      last = self->closing;
      g_mutex_unlock (&self->lock);

      t0 = g_get_monotonic_time ();
      patch_crcs (buf->data, buf->len);
      if (buf->len > 0 && self->write_error == NULL)
        {
          gsize written = 0;

          if (!g_output_stream_write_all (self->stream, buf->data, buf->len, &written,
                                          NULL, &self->write_error))
            g_prefix_error (&self->write_error, _("Could not write the recording: "));
          g_mutex_lock (&self->lock);
          self->stats.bytes_written += written;
          g_mutex_unlock (&self->lock);
        }

      g_mutex_lock (&self->lock);
      self->stats.writer_busy_s += (g_get_monotonic_time () - t0) / 1e6;
      g_byte_array_set_size (buf, 0);
      /* Only the writer takes the spare, so it is free to hand back. */
      self->spare = buf;
      /* Only leave once everything queued before close() is out. */
      if (last && self->pending->len == 0)
        {
          g_mutex_unlock (&self->lock);
          break;
        }
      g_mutex_unlock (&self->lock);
    }

  return NULL;
}

static void
shmviz_recorder_finalize (GObject *object)
{
  ShmvizRecorder *self = SHMVIZ_RECORDER (object);

  shmviz_recorder_close (self, NULL);
  g_clear_pointer (&self->pending, g_byte_array_unref);
  g_clear_pointer (&self->spare, g_byte_array_unref);
  g_clear_object (&self->stream);
  g_clear_error (&self->write_error);
  g_clear_pointer (&self->model, shmviz_model_unref);
  g_mutex_clear (&self->lock);
  g_cond_clear (&self->cond);

  G_OBJECT_CLASS (shmviz_recorder_parent_class)->finalize (object);
}

static void
shmviz_recorder_class_init (ShmvizRecorderClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = shmviz_recorder_finalize;
}

static void
shmviz_recorder_init (ShmvizRecorder *self)
{
  g_mutex_init (&self->lock);
  g_cond_init (&self->cond);
  self->pending = g_byte_array_sized_new (1 << 20);
  self->spare = g_byte_array_sized_new (1 << 20);
  self->snapshot_interval = SHMVIZ_RECORDER_SNAPSHOT_INTERVAL;
}

ShmvizRecorder *
shmviz_recorder_new_for_stream (GOutputStream        *stream,
                                const ShmvizScenario *scenario,
                                GError              **error)
{
  g_autoptr(ShmvizRecorder) self = NULL;
  guint32 prefix[2] = { GUINT32_TO_LE (SHMVIZ_RECORDING_VERSION), 0 };

  g_return_val_if_fail (G_IS_OUTPUT_STREAM (stream), NULL);
  g_return_val_if_fail (scenario != NULL, NULL);

  if (!shmviz_scenario_validate (scenario, error))
    return NULL;

  self = g_object_new (SHMVIZ_TYPE_RECORDER, NULL);
  self->stream = g_object_ref (stream);

  g_byte_array_append (self->pending, (const guint8 *) SHMVIZ_RECORDING_MAGIC, 8);
  g_byte_array_append (self->pending, (const guint8 *) prefix, sizeof prefix);
  _shmviz_recording_put_header (self->pending, scenario);

  /* The prefix is not a record: write it here so that patch_crcs() only
   * ever sees records. */
  if (!g_output_stream_write_all (stream, self->pending->data, SHMVIZ_RECORDING_PREFIX_SIZE,
                                  NULL, NULL, error))
    return NULL;
  g_byte_array_remove_range (self->pending, 0, SHMVIZ_RECORDING_PREFIX_SIZE);
  self->stats.bytes_written = SHMVIZ_RECORDING_PREFIX_SIZE;
  self->stats.records = 1;

  self->thread = g_thread_new ("shmviz-recorder", writer_thread, self);

  return g_steal_pointer (&self);
}

ShmvizRecorder *
shmviz_recorder_new (const char           *path,
                     const ShmvizScenario *scenario,
                     GError              **error)
{
  g_autoptr(GFile) file = NULL;
  g_autoptr(GFileOutputStream) stream = NULL;

  g_return_val_if_fail (path != NULL, NULL);

  file = g_file_new_for_path (path);
  stream = g_file_replace (file, NULL, FALSE, G_FILE_CREATE_NONE, NULL, error);
  if (stream == NULL)
    return NULL;
  return shmviz_recorder_new_for_stream (G_OUTPUT_STREAM (stream), scenario, error);
}

void
shmviz_recorder_set_snapshot_interval (ShmvizRecorder *self,
                                       guint           n_events)
{
  g_return_if_fail (SHMVIZ_IS_RECORDER (self));

  g_mutex_lock (&self->lock);
  self->snapshot_interval = MAX (n_events, 1);
  g_mutex_unlock (&self->lock);
}

void
shmviz_recorder_set_model (ShmvizRecorder *self,
                           ShmvizModel    *model)
{
  g_return_if_fail (SHMVIZ_IS_RECORDER (self));

  g_mutex_lock (&self->lock);
  if (model != NULL)
    shmviz_model_ref (model);
  g_clear_pointer (&self->model, shmviz_model_unref);
  self->model = model;
  g_mutex_unlock (&self->lock);
}

gboolean
shmviz_recorder_close (ShmvizRecorder *self,
                       GError        **error)
{
  gsize at;

  g_return_val_if_fail (SHMVIZ_IS_RECORDER (self), FALSE);

  g_mutex_lock (&self->lock);
  if (self->closed)
    {
      g_mutex_unlock (&self->lock);
      goto out;
    }
  if (self->thread != NULL)
    {
      /* A deadlock found after the last batch. */
      _shmviz_recorder_note_stalls_locked (self);
      at = _shmviz_recording_frame_begin (self->pending, SHMVIZ_RECORD_END, 0);
      shmviz_put_u64 (self->pending, self->stats.events);
      shmviz_put_u64 (self->pending, self->last_ts);
      _shmviz_recording_frame_end (self->pending, at);
      self->stats.records++;
    }
  self->closing = TRUE;
  self->closed = TRUE;
  g_cond_signal (&self->cond);
  g_mutex_unlock (&self->lock);

  if (self->thread != NULL)
    g_thread_join (g_steal_pointer (&self->thread));

  if (self->stream != NULL && !g_output_stream_is_closed (self->stream))
    {
      g_autoptr(GError) close_error = NULL;

      if (!g_output_stream_close (self->stream, NULL, &close_error) && self->write_error == NULL)
        self->write_error = g_steal_pointer (&close_error);
    }

out:
  if (self->write_error != NULL)
    {
      if (error != NULL)
        *error = g_error_copy (self->write_error);
      return FALSE;
    }
  return TRUE;
}

void
shmviz_recorder_get_stats (ShmvizRecorder      *self,
                           ShmvizRecorderStats *stats)
{
  g_return_if_fail (SHMVIZ_IS_RECORDER (self));
  g_return_if_fail (stats != NULL);

  g_mutex_lock (&self->lock);
  *stats = self->stats;
  g_mutex_unlock (&self->lock);
}
