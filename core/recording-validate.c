/* recording-validate.c — the checks one record must pass
 *
 * A recording comes from anywhere (a crashed run, a fuzzer, another
 * version): every record is checked against what its type promises before
 * anyone reads it, and a record that fails names its byte offset.  These
 * checks are apart from the reader's walk over the file so that each rule
 * of the format is found under the record type it concerns.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <inttypes.h>
#include <string.h>

#include <glib/gi18n.h>

#include "recording-private.h"

/* Structure checks a record must pass before anyone uses it.  Returns
 * FALSE with @error set for a record that is complete but wrong. */
gboolean
_shmviz_recording_check_record (ShmvizRecording    *self,
                                const ShmvizRecord *rec,
                                GError            **error)
{
  ShmvizByteReader r = { rec->payload, rec->length, 0, FALSE };

  switch (rec->type)
    {
    case SHMVIZ_RECORD_EVENTS:
      {
        guint32 n = shmviz_get_u32 (&r);

        if (r.failed || (guint64) n * SHMVIZ_RECORD_EVENT_SIZE != rec->length - 4u || n == 0)
          {
            g_set_error (error, SHMVIZ_RECORDING_ERROR, SHMVIZ_RECORDING_ERROR_CORRUPT,
                         _("EVENTS record at byte %" PRId64 ": expected 4 + %u × %u "
                           "bytes for %u events, found a %u-byte payload"),
                         rec->offset, n, SHMVIZ_RECORD_EVENT_SIZE, n, rec->length);
            return FALSE;
          }
        self->n_events += n;
        return TRUE;
      }

    case SHMVIZ_RECORD_SNAPSHOT:
      {
        guint64 index = shmviz_get_u64 (&r);
        guint32 len = shmviz_get_u32 (&r);
        guint32 n;

        shmviz_get_bytes (&r, len);
        n = shmviz_get_u32 (&r);
        if (!r.failed && !shmviz_reader_has (&r, n, SHMVIZ_RECORD_ANOMALY_SIZE))
          r.failed = TRUE;
        if (!r.failed && r.len - r.pos != (gsize) n * SHMVIZ_RECORD_ANOMALY_SIZE)
          r.failed = TRUE;
        if (r.failed)
          {
            g_set_error (error, SHMVIZ_RECORDING_ERROR, SHMVIZ_RECORDING_ERROR_CORRUPT,
                         _("SNAPSHOT record at byte %" PRId64 ": its state and anomaly "
                           "counts do not add up to its %u-byte payload"),
                         rec->offset, rec->length);
            return FALSE;
          }
        if (index != self->n_events)
          {
            g_set_error (error, SHMVIZ_RECORDING_ERROR, SHMVIZ_RECORDING_ERROR_CORRUPT,
                         _("SNAPSHOT record at byte %" PRId64 ": expected it to follow "
                           "event %" PRIu64 ", but it says %" PRIu64),
                         rec->offset, self->n_events, index);
            return FALSE;
          }
        return TRUE;
      }

    case SHMVIZ_RECORD_ANNOTATION:
      {
        guint32 len;
        const guint8 *text;

        shmviz_get_u64 (&r);
        len = shmviz_get_u32 (&r);
        text = len <= SHMVIZ_ANNOTATION_MAX_LENGTH ? shmviz_get_bytes (&r, len) : NULL;
        if (text == NULL || r.pos != r.len || !g_utf8_validate ((const char *) text, len, NULL))
          {
            g_set_error (error, SHMVIZ_RECORDING_ERROR, SHMVIZ_RECORDING_ERROR_CORRUPT,
                         _("ANNOTATION record at byte %" PRId64 ": expected a time and "
                           "at most %u bytes of UTF-8 text"),
                         rec->offset, SHMVIZ_ANNOTATION_MAX_LENGTH);
            return FALSE;
          }
        return TRUE;
      }

    case SHMVIZ_RECORD_STALL:
    case SHMVIZ_RECORD_END:
      if (rec->length != 16)
        {
          g_set_error (error, SHMVIZ_RECORDING_ERROR, SHMVIZ_RECORDING_ERROR_CORRUPT,
                       _("%s record at byte %" PRId64 ": expected a 16-byte payload, "
                         "found %u bytes"),
                       rec->type == SHMVIZ_RECORD_END ? "END" : "STALL", rec->offset, rec->length);
          return FALSE;
        }
      if (rec->type == SHMVIZ_RECORD_END)
        {
          guint64 n = shmviz_get_u64 (&r);

          if (n != self->n_events)
            {
              g_set_error (error, SHMVIZ_RECORDING_ERROR, SHMVIZ_RECORDING_ERROR_CORRUPT,
                           _("END record at byte %" PRId64 ": expected %" PRIu64
                             " events, the records hold %" PRIu64),
                           rec->offset, n, self->n_events);
              return FALSE;
            }
        }
      return TRUE;

    case SHMVIZ_RECORD_HEADER:
      g_set_error (error, SHMVIZ_RECORDING_ERROR, SHMVIZ_RECORDING_ERROR_CORRUPT,
                   _("second HEADER record at byte %" PRId64), rec->offset);
      return FALSE;

    default:
      if ((rec->flags & RECORD_FLAG_OPTIONAL) == 0)
        {
          g_set_error (error, SHMVIZ_RECORDING_ERROR, SHMVIZ_RECORDING_ERROR_VERSION,
                       _("record at byte %" PRId64 " has type %u, which this version "
                         "does not know and may not skip"), rec->offset, rec->type);
          return FALSE;
        }
      return TRUE;
    }
}

gboolean
_shmviz_recording_check_crc (const ShmvizRecord *rec,
                             GError            **error)
{
  guint32 crc, want;

  memcpy (&crc, rec->payload + rec->length, 4);
  crc = GUINT32_FROM_LE (crc);
  want = shmviz_crc32 (rec->payload, rec->length);
  if (crc != want)
    {
      g_set_error (error, SHMVIZ_RECORDING_ERROR, SHMVIZ_RECORDING_ERROR_CORRUPT,
                   _("record at byte %" PRId64 ": checksum 0x%08x at byte %" PRId64
                     " does not match its payload (expected 0x%08x)"),
                   rec->offset, crc,
                   rec->offset + (goffset) SHMVIZ_RECORD_FRAME_SIZE + rec->length, want);
      return FALSE;
    }
  return TRUE;
}
