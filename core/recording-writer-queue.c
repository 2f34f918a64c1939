/* recording-writer-queue.c — the records a ShmvizRecorder queues
 *
 * Events, snapshots of the model, stalls and annotations become framed
 * records in the pending buffer, on the caller's thread and under the
 * recorder's lock; the writer thread (recording-writer.c) does the rest.
 * Apart from the thread so that each kind of record is found by its name.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include <string.h>

#include "recording-private.h"
#include "session.h"

/* Called with the lock held.  Writes STALL records for deadlocks the model
 * found between batches: they come from shmviz_model_check_stall(), not
 * from any event, so a replay must repeat the check at the same point. */
void
_shmviz_recorder_note_stalls_locked (ShmvizRecorder *self)
{
  ShmvizTotals totals;

  if (self->model == NULL)
    return;

  shmviz_model_get_totals (self->model, &totals);
  while (self->deadlocks_seen < totals.deadlocks)
    {
      g_autoptr(GArray) last = g_array_new (FALSE, FALSE, sizeof (ShmvizAnomaly));
      guint n = shmviz_model_get_anomalies (self->model, G_MAXUINT, NULL);
      guint64 now = self->last_ts;
      gsize at;

      if (n > 0)
        {
          shmviz_model_get_anomalies (self->model, n - 1, last);
          if (g_array_index (last, ShmvizAnomaly, 0).kind == SHMVIZ_ANOMALY_DEADLOCK)
            now = g_array_index (last, ShmvizAnomaly, 0).ts_ns;
        }
      /* A check with no minimum stall reports exactly what the live check
       * reported, since the state it looks at is the same. */
      at = _shmviz_recording_frame_begin (self->pending, SHMVIZ_RECORD_STALL, 0);
      shmviz_put_u64 (self->pending, now);
      shmviz_put_u64 (self->pending, 0);
      _shmviz_recording_frame_end (self->pending, at);
      self->stats.records++;
      /* Each check reports at most one deadlock. */
      self->deadlocks_seen++;
    }
}

static void
snapshot_locked (ShmvizRecorder *self)
{
  g_autoptr(GBytes) state = NULL;
  g_autoptr(GArray) found = NULL;
  const guint8 *data;
  gsize len, at;
  guint n;

  if (self->model == NULL)
    return;

  state = shmviz_model_serialize (self->model);
  found = g_array_new (FALSE, FALSE, sizeof (ShmvizAnomaly));
  n = shmviz_model_get_anomalies (self->model, self->anomalies_at_snapshot, found);

  data = g_bytes_get_data (state, &len);
  at = _shmviz_recording_frame_begin (self->pending, SHMVIZ_RECORD_SNAPSHOT, RECORD_FLAG_OPTIONAL);
  shmviz_put_u64 (self->pending, self->stats.events);
  shmviz_put_u32 (self->pending, (guint32) len);
  shmviz_put_bytes (self->pending, data, len);
  shmviz_put_u32 (self->pending, found->len);
  for (guint i = 0; i < found->len; i++)
    shmviz_put_anomaly (self->pending, &g_array_index (found, ShmvizAnomaly, i));
  _shmviz_recording_frame_end (self->pending, at);

  self->anomalies_at_snapshot = n;
  self->since_snapshot = 0;
  self->stats.records++;
  self->stats.snapshots++;
}

static void
add_events_locked (ShmvizRecorder    *self,
                   const ShmvizEvent *events,
                   guint              n_events)
{
  /* Keep each record well below the cap a reader enforces. */
  const guint per_record = 65536;

  _shmviz_recorder_note_stalls_locked (self);
  if (self->model != NULL && self->since_snapshot >= self->snapshot_interval)
    snapshot_locked (self);

  for (guint first = 0; first < n_events; first += per_record)
    {
      guint n = MIN (per_record, n_events - first);
      gsize at = _shmviz_recording_frame_begin (self->pending, SHMVIZ_RECORD_EVENTS, 0);

      shmviz_put_u32 (self->pending, n);
#if G_BYTE_ORDER == G_LITTLE_ENDIAN
      g_byte_array_append (self->pending, (const guint8 *) (events + first),
                           n * SHMVIZ_RECORD_EVENT_SIZE);
#else
      for (guint i = 0; i < n; i++)
        shmviz_put_event (self->pending, &events[first + i]);
#endif
      _shmviz_recording_frame_end (self->pending, at);
      self->stats.records++;
    }

  self->stats.events += n_events;
  self->since_snapshot += n_events;
  self->last_ts = MAX (self->last_ts, events[n_events - 1].ts_ns);
  self->stats.peak_backlog = MAX (self->stats.peak_backlog, self->pending->len);
  g_cond_signal (&self->cond);
}

void
shmviz_recorder_add_events (ShmvizRecorder    *self,
                            const ShmvizEvent *events,
                            guint              n_events)
{
  g_return_if_fail (SHMVIZ_IS_RECORDER (self));
  g_return_if_fail (events != NULL || n_events == 0);

  if (n_events == 0)
    return;

  g_mutex_lock (&self->lock);
  if (!self->closing)
    add_events_locked (self, events, n_events);
  g_mutex_unlock (&self->lock);
}

static void
session_sink (const ShmvizEvent *events,
              guint              n_events,
              gpointer           user_data)
{
  shmviz_recorder_add_events (user_data, events, n_events);
}

void
shmviz_recorder_attach (ShmvizRecorder *self,
                        gpointer        session)
{
  g_return_if_fail (SHMVIZ_IS_RECORDER (self));
  g_return_if_fail (SHMVIZ_IS_SESSION (session));

  shmviz_recorder_set_model (self, shmviz_session_get_model (session));
  /* Sinks cannot be removed: the session owns a ref until it goes. */
  g_object_set_data_full (G_OBJECT (session), "shmviz-recorder",
                          g_object_ref (self), g_object_unref);
  shmviz_session_add_sink (session, session_sink, self);
}

void
shmviz_recorder_annotate (ShmvizRecorder *self,
                          guint64         ts_ns,
                          const char     *text)
{
  gsize len, at;

  g_return_if_fail (SHMVIZ_IS_RECORDER (self));
  g_return_if_fail (text != NULL);

  len = strlen (text);
  if (len > SHMVIZ_ANNOTATION_MAX_LENGTH)
    len = SHMVIZ_ANNOTATION_MAX_LENGTH;
  /* Never cut a character in two. */
  while (len > 0 && !g_utf8_validate (text, len, NULL))
    len--;

  g_mutex_lock (&self->lock);
  if (!self->closing)
    {
      at = _shmviz_recording_frame_begin (self->pending, SHMVIZ_RECORD_ANNOTATION, RECORD_FLAG_OPTIONAL);
      shmviz_put_u64 (self->pending, ts_ns);
      shmviz_put_u32 (self->pending, (guint32) len);
      shmviz_put_bytes (self->pending, text, len);
      _shmviz_recording_frame_end (self->pending, at);
      self->stats.records++;
      g_cond_signal (&self->cond);
    }
  g_mutex_unlock (&self->lock);
}

void
shmviz_recorder_add_stall (ShmvizRecorder *self,
                           guint64         now_ns,
                           guint64         stall_ns)
{
  gsize at;

  g_return_if_fail (SHMVIZ_IS_RECORDER (self));

  g_mutex_lock (&self->lock);
  if (!self->closing)
    {
      at = _shmviz_recording_frame_begin (self->pending, SHMVIZ_RECORD_STALL, 0);
      shmviz_put_u64 (self->pending, now_ns);
      shmviz_put_u64 (self->pending, stall_ns);
      _shmviz_recording_frame_end (self->pending, at);
      self->stats.records++;
      self->deadlocks_seen++;
      g_cond_signal (&self->cond);
    }
  g_mutex_unlock (&self->lock);
}
