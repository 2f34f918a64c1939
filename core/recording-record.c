/* recording-record.c — the payload of one EVENTS or SNAPSHOT record
 *
 * What replay and the CLI read out of a record the reader has already
 * validated; it needs no ShmvizRecording, only the record, so it is apart
 * from the reader.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <inttypes.h>
#include <string.h>

#include <glib/gi18n.h>

#include "recording.h"

guint
shmviz_record_n_events (const ShmvizRecord *record)
{
  g_return_val_if_fail (record != NULL, 0);

  if (record->type != SHMVIZ_RECORD_EVENTS || record->length < 4)
    return 0;
  return (record->length - 4) / SHMVIZ_RECORD_EVENT_SIZE;
}

void
shmviz_record_get_events (const ShmvizRecord *record,
                          guint               first,
                          guint               n,
                          ShmvizEvent        *out)
{
  guint total = shmviz_record_n_events (record);

  g_return_if_fail (first <= total && n <= total - first);

#if G_BYTE_ORDER == G_LITTLE_ENDIAN
  memcpy (out, record->payload + 4 + (gsize) first * SHMVIZ_RECORD_EVENT_SIZE,
          (gsize) n * SHMVIZ_RECORD_EVENT_SIZE);
#else
  {
    ShmvizByteReader r = { record->payload, record->length,
                           4 + (gsize) first * SHMVIZ_RECORD_EVENT_SIZE, FALSE };

    for (guint i = 0; i < n; i++)
      shmviz_get_event (&r, &out[i]);
  }
#endif
}

gboolean
shmviz_record_parse_snapshot (const ShmvizRecord *record,
                              guint64            *event_index,
                              GBytes            **model_state,
                              GArray            **new_anomalies,
                              GError            **error)
{
  ShmvizByteReader r;
  g_autoptr(GArray) found = NULL;
  const guint8 *state;
  guint32 len, n;

  g_return_val_if_fail (record != NULL, FALSE);

  r = (ShmvizByteReader) { record->payload, record->length, 0, FALSE };
  *event_index = shmviz_get_u64 (&r);
  len = shmviz_get_u32 (&r);
  state = shmviz_get_bytes (&r, len);
  n = shmviz_get_u32 (&r);
  if (!r.failed && shmviz_reader_has (&r, n, SHMVIZ_RECORD_ANOMALY_SIZE))
    {
      found = g_array_sized_new (FALSE, TRUE, sizeof (ShmvizAnomaly), n);
      g_array_set_size (found, n);
      for (guint i = 0; i < n; i++)
        shmviz_get_anomaly (&r, &g_array_index (found, ShmvizAnomaly, i));
    }
  else
    r.failed = TRUE;

  if (r.failed || record->type != SHMVIZ_RECORD_SNAPSHOT)
    {
      g_set_error (error, SHMVIZ_RECORDING_ERROR, SHMVIZ_RECORDING_ERROR_CORRUPT,
                   _("SNAPSHOT record at byte %" PRId64 " is malformed"), record->offset);
      return FALSE;
    }

  *model_state = g_bytes_new (state, len);
  *new_anomalies = g_steal_pointer (&found);
  return TRUE;
}
