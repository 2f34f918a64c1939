/* recording-reader.c — ShmvizRecording, a recording opened for reading
 *
 * Maps a file (or takes bytes), walks its frames, and keeps every complete
 * record in file order; a file cut short loads up to its last complete
 * record.  The checksums of EVENTS records, nearly all of a long file, are
 * left for shmviz_recording_check_record() and their verdicts kept here.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <string.h>

#include <glib/gi18n.h>

#include "recording-private.h"

G_DEFINE_QUARK (shmviz-recording-error-quark, shmviz_recording_error)

enum { CHECK_PENDING, CHECK_GOOD, CHECK_BAD };

ShmvizRecording *
shmviz_recording_ref (ShmvizRecording *self)
{
  g_return_val_if_fail (self != NULL, NULL);

  g_atomic_ref_count_inc (&self->ref_count);
  return self;
}

void
shmviz_recording_unref (ShmvizRecording *self)
{
  g_return_if_fail (self != NULL);

  if (!g_atomic_ref_count_dec (&self->ref_count))
    return;

  g_clear_pointer (&self->records, g_array_unref);
  g_free (self->checked);
  g_clear_pointer (&self->bytes, g_bytes_unref);
  g_clear_pointer (&self->mapped, g_mapped_file_unref);
  g_free (self->info.hostname);
  g_free (self->info.system);
  g_free (self->info.producer);
  g_free (self->reason);
  g_free (self);
}

static void
set_reason (ShmvizRecording *self,
            char            *reason)
{
  g_free (self->reason);
  self->reason = reason;
}

/* With @lazy, the checksums of EVENTS records are left for
 * shmviz_recording_check_record(): they are nearly all of a long file, and
 * checking 4.8 GB costs seconds that opening need not spend.  Everything
 * else — framing, lengths, every other record's checksum, the structure
 * and counts of every record, END against the events — is checked here. */
static ShmvizRecording *
parse (ShmvizRecording  *self,
       const guint8     *data,
       gsize             size,
       gboolean          lazy,
       GError          **error)
{
  g_autoptr(ShmvizRecording) owned = self;
  gsize pos = SHMVIZ_RECORDING_PREFIX_SIZE;
  gboolean have_header = FALSE;
  guint32 version;

  self->records = g_array_new (FALSE, FALSE, sizeof (ShmvizRecord));

  if (size < 8 || memcmp (data, SHMVIZ_RECORDING_MAGIC, 8) != 0)
    {
      if (size >= 8 && memcmp (data, "\x89PNG\r\n\x1a\n", 8) == 0)
        g_set_error (error, SHMVIZ_RECORDING_ERROR, SHMVIZ_RECORDING_ERROR_NOT_RECORDING,
                     _("not a shmviz recording: byte 0 starts a PNG image, expected “%s”"),
                     SHMVIZ_RECORDING_MAGIC);
      else
        g_set_error (error, SHMVIZ_RECORDING_ERROR, SHMVIZ_RECORDING_ERROR_NOT_RECORDING,
                     _("not a shmviz recording: expected “%s” at byte 0"), SHMVIZ_RECORDING_MAGIC);
      return NULL;
    }
  if (size < SHMVIZ_RECORDING_PREFIX_SIZE)
    {
      g_set_error (error, SHMVIZ_RECORDING_ERROR, SHMVIZ_RECORDING_ERROR_TRUNCATED,
                   _("recording ends at byte %zu, before its version at byte 8"),
                   size);
      return NULL;
    }
  memcpy (&version, data + 8, 4);
  version = GUINT32_FROM_LE (version);
  if (version != SHMVIZ_RECORDING_VERSION)
    {
      g_set_error (error, SHMVIZ_RECORDING_ERROR, SHMVIZ_RECORDING_ERROR_VERSION,
                   _("recording format version %u at byte 8 is not supported (expected %u)"),
                   version, SHMVIZ_RECORDING_VERSION);
      return NULL;
    }
  self->info.version = version;

  while (pos < size)
    {
      ShmvizRecord rec;
      g_autoptr(GError) local_error = NULL;

      if (size - pos < SHMVIZ_RECORD_FRAME_SIZE + SHMVIZ_RECORD_TRAILER_SIZE)
        {
          set_reason (self, g_strdup_printf (_("the file ends at byte %zu"
                                               " inside the record at byte %zu"),
                                             size, pos));
          break;
        }
      memcpy (&rec.type, data + pos, 2);
      memcpy (&rec.flags, data + pos + 2, 2);
      memcpy (&rec.length, data + pos + 4, 4);
      rec.type = GUINT16_FROM_LE (rec.type);
      rec.flags = GUINT16_FROM_LE (rec.flags);
      rec.length = GUINT32_FROM_LE (rec.length);
      rec.offset = (goffset) pos;
      rec.payload = data + pos + SHMVIZ_RECORD_FRAME_SIZE;

      if (rec.length > SHMVIZ_RECORD_MAX_LENGTH)
        {
          g_set_error (error, SHMVIZ_RECORDING_ERROR, SHMVIZ_RECORDING_ERROR_CORRUPT,
                       _("record at byte %zu claims %u bytes; expected at most %u"),
                       pos, rec.length, SHMVIZ_RECORD_MAX_LENGTH);
          return NULL;
        }
      if (size - pos - SHMVIZ_RECORD_FRAME_SIZE - SHMVIZ_RECORD_TRAILER_SIZE < rec.length)
        {
          set_reason (self, g_strdup_printf (_("the file ends at byte %zu"
                                               " inside the record at byte %zu"
                                               ", which needs %u more bytes"),
                                             size, pos,
                                             (guint) (rec.length + SHMVIZ_RECORD_FRAME_SIZE +
                                                      SHMVIZ_RECORD_TRAILER_SIZE - (size - pos))));
          break;
        }

      if (!(lazy && rec.type == SHMVIZ_RECORD_EVENTS) && !_shmviz_recording_check_crc (&rec, error))
        return NULL;

      if (!have_header)
        {
          if (rec.type != SHMVIZ_RECORD_HEADER)
            {
              g_set_error (error, SHMVIZ_RECORDING_ERROR, SHMVIZ_RECORDING_ERROR_CORRUPT,
                           _("record at byte %zu has type %u; expected the HEADER "
                             "record (type %u)"), pos, rec.type, SHMVIZ_RECORD_HEADER);
              return NULL;
            }
          if (!_shmviz_recording_parse_header (self, &rec, error))
            return NULL;
          have_header = TRUE;
        }
      else if (self->complete)
        {
          g_set_error (error, SHMVIZ_RECORDING_ERROR, SHMVIZ_RECORDING_ERROR_CORRUPT,
                       _("record at byte %zu follows the END record"), pos);
          return NULL;
        }
      else
        {
          if (!_shmviz_recording_check_record (self, &rec, &local_error))
            {
              g_propagate_error (error, g_steal_pointer (&local_error));
              return NULL;
            }
          if (rec.type == SHMVIZ_RECORD_END)
            self->complete = TRUE;
          g_array_append_val (self->records, rec);
        }

      pos += SHMVIZ_RECORD_FRAME_SIZE + rec.length + SHMVIZ_RECORD_TRAILER_SIZE;
      self->valid_size = (goffset) pos;
    }

  if (!have_header)
    {
      g_set_error (error, SHMVIZ_RECORDING_ERROR, SHMVIZ_RECORDING_ERROR_TRUNCATED,
                   _("recording ends at byte %zu before its HEADER record is complete"),
                   size);
      return NULL;
    }
  if (!self->complete && self->reason == NULL)
    set_reason (self, g_strdup_printf (_("the file ends at byte %zu"
                                         " without an END record"), size));

  self->checked = g_new (gint, MAX (self->records->len, 1));
  for (guint i = 0; i < self->records->len; i++)
    self->checked[i] = lazy && g_array_index (self->records, ShmvizRecord, i).type == SHMVIZ_RECORD_EVENTS
                         ? CHECK_PENDING : CHECK_GOOD;

  return g_steal_pointer (&owned);
}

static ShmvizRecording *
recording_new (void)
{
  ShmvizRecording *self = g_new0 (ShmvizRecording, 1);

  g_atomic_ref_count_init (&self->ref_count);
  return self;
}

ShmvizRecording *
shmviz_recording_new_from_bytes (GBytes  *bytes,
                                 GError **error)
{
  ShmvizRecording *self;
  const guint8 *data;
  gsize size;

  g_return_val_if_fail (bytes != NULL, NULL);

  self = recording_new ();
  self->bytes = g_bytes_ref (bytes);
  data = g_bytes_get_data (bytes, &size);
  /* Bytes in memory are small (tests, the fuzzer): check them all now. */
  return parse (self, data != NULL ? data : (const guint8 *) "", size, FALSE, error);
}

ShmvizRecording *
shmviz_recording_open (const char  *path,
                       GError     **error)
{
  ShmvizRecording *self;
  GMappedFile *mapped;
  g_autoptr(GError) local_error = NULL;

  g_return_val_if_fail (path != NULL, NULL);

  /* Mapped, not read: a recording may be larger than memory, and replay
   * touches only the parts it folds. */
  mapped = g_mapped_file_new (path, FALSE, &local_error);
  if (mapped == NULL)
    {
      g_set_error (error, SHMVIZ_RECORDING_ERROR, SHMVIZ_RECORDING_ERROR_IO,
                   "%s", local_error->message);
      return NULL;
    }

  self = recording_new ();
  self->mapped = mapped;
  return parse (self,
                g_mapped_file_get_length (mapped) > 0
                  ? (const guint8 *) g_mapped_file_get_contents (mapped) : (const guint8 *) "",
                g_mapped_file_get_length (mapped), TRUE, error);
}

gboolean
shmviz_recording_check_record (ShmvizRecording *self,
                               guint            index,
                               GError         **error)
{
  gint state;

  g_return_val_if_fail (self != NULL, FALSE);
  g_return_val_if_fail (index < self->records->len, FALSE);

  state = g_atomic_int_get (&self->checked[index]);
  /* Two threads may both check a record: they reach the same verdict. */
  if (state == CHECK_PENDING)
    {
      state = _shmviz_recording_check_crc (&g_array_index (self->records, ShmvizRecord, index), NULL)
                ? CHECK_GOOD : CHECK_BAD;
      g_atomic_int_set (&self->checked[index], state);
    }
  if (state == CHECK_BAD)
    {
      /* Checked again for the message: a bad record is met once or twice. */
      _shmviz_recording_check_crc (&g_array_index (self->records, ShmvizRecord, index), error);
      return FALSE;
    }
  return TRUE;
}

gboolean
shmviz_recording_check_all (ShmvizRecording *self,
                            GError         **error)
{
  g_return_val_if_fail (self != NULL, FALSE);

  for (guint i = 0; i < self->records->len; i++)
    if (!shmviz_recording_check_record (self, i, error))
      return FALSE;
  return TRUE;
}

const ShmvizRecordingInfo *
shmviz_recording_get_info (ShmvizRecording *self)
{
  g_return_val_if_fail (self != NULL, NULL);

  return &self->info;
}

const ShmvizRecord *
shmviz_recording_get_records (ShmvizRecording *self,
                              guint           *n_records)
{
  g_return_val_if_fail (self != NULL, NULL);

  if (n_records != NULL)
    *n_records = self->records->len;
  return (const ShmvizRecord *) (gpointer) self->records->data;
}

guint64
shmviz_recording_get_n_events (ShmvizRecording *self)
{
  g_return_val_if_fail (self != NULL, 0);

  return self->n_events;
}

gboolean
shmviz_recording_is_complete (ShmvizRecording *self,
                              const char     **reason)
{
  g_return_val_if_fail (self != NULL, FALSE);

  if (reason != NULL)
    *reason = self->reason;
  return self->complete;
}

goffset
shmviz_recording_get_valid_size (ShmvizRecording *self)
{
  g_return_val_if_fail (self != NULL, 0);

  return self->valid_size;
}
