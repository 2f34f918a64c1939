/* recording-private.h — what stays inside the recording format's files
 *
 *   recording-codec.c         the little-endian field codec (also used by
 *                             the model's and the ledger's snapshots)
 *   recording-crc.c           CRC-32, by tables or by PCLMULQDQ
 *   recording-header.c        the HEADER record, written and parsed
 *   recording-writer.c        ShmvizRecorder's life, framing, the writer
 *                             thread
 *   recording-writer-queue.c  the records a recorder queues: events,
 *                             snapshots, stalls, annotations
 *   recording-reader.c        ShmvizRecording: walking a file's frames, the
 *                             deferred checksums, the accessors
 *   recording-validate.c      the structure and checksum checks of a record
 *   recording-record.c        the events and snapshots inside one record
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include "recording.h"

G_BEGIN_DECLS

/* Record flag: a reader that does not know the type may skip it. */
#define RECORD_FLAG_OPTIONAL 0x0001u

struct _ShmvizRecorder {
  GObject parent_instance;

  GMutex lock;
  GCond cond;
  GByteArray *pending;      /* framed records with CRCs still zero */
  GByteArray *spare;
  gboolean closing;
  gboolean closed;
  GThread *thread;
  GOutputStream *stream;
  GError *write_error;

  ShmvizModel *model;       /* snapshot source, may be NULL */
  guint snapshot_interval;
  guint64 since_snapshot;
  guint anomalies_at_snapshot;
  guint64 deadlocks_seen;
  guint64 last_ts;

  ShmvizRecorderStats stats;
};

struct _ShmvizRecording {
  gatomicrefcount ref_count;
  GBytes *bytes;
  GMappedFile *mapped;
  ShmvizRecordingInfo info;
  GArray *records;          /* ShmvizRecord */
  /* Per record: CHECK_* (atomic: a recording is shared between threads).
   * Only EVENTS records of a mapped file start unchecked; see parse(). */
  gint *checked;
  guint64 n_events;
  gboolean complete;
  char *reason;
  goffset valid_size;
};

/* recording-writer.c: frames are appended with a zero CRC, which the
 * writer thread fills in. */
gsize    _shmviz_recording_frame_begin  (GByteArray           *out,
                                         guint16               type,
                                         guint16               flags);
void     _shmviz_recording_frame_end    (GByteArray           *out,
                                         gsize                 at);

/* recording-writer-queue.c: called with the lock held. */
void     _shmviz_recorder_note_stalls_locked (ShmvizRecorder *self);

/* recording-header.c */
void     _shmviz_recording_put_header   (GByteArray           *out,
                                         const ShmvizScenario *sc);
gboolean _shmviz_recording_parse_header (ShmvizRecording      *self,
                                         const ShmvizRecord   *rec,
                                         GError              **error);

/* recording-validate.c: the structure of a record (not its checksum, which
 * shmviz_recording_check_record() may leave for later), and its checksum. */
gboolean _shmviz_recording_check_record (ShmvizRecording      *self,
                                         const ShmvizRecord   *rec,
                                         GError              **error);
gboolean _shmviz_recording_check_crc    (const ShmvizRecord   *rec,
                                         GError              **error);

G_END_DECLS
