/* recording.h — the .shmviz recording format: a recorder and a reader
 *
 * A recording is the event stream of one session, framed into checksummed
 * records and appended as it happens; docs/recording-format.md describes
 * every byte.  The recorder is a sink of a live ShmvizSession that only
 * copies into memory on the session thread: a writer thread of its own does
 * the checksums and the I/O.  The reader maps a file (or takes bytes),
 * validates every record, and hands out the records it found; a file cut
 * short loads up to its last complete record.  Opening a file leaves the
 * checksums of its EVENTS records (nearly all of its bytes) to
 * shmviz_recording_check_record(), which whoever reads a record's events
 * calls first; everything else is checked before open returns.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gio/gio.h>

#include "event.h"
#include "ledger.h"
#include "model.h"
#include "scenario.h"

G_BEGIN_DECLS

#define SHMVIZ_RECORDING_MAGIC    "SHMVZREC"
#define SHMVIZ_RECORDING_VERSION  1u
/* Magic (8), version (u32), flags (u32). */
#define SHMVIZ_RECORDING_PREFIX_SIZE 16u
/* Type, flags, length before the payload; CRC-32 after it. */
#define SHMVIZ_RECORD_FRAME_SIZE  8u
#define SHMVIZ_RECORD_TRAILER_SIZE 4u
/* No record is larger: a reader refuses longer lengths before allocating. */
#define SHMVIZ_RECORD_MAX_LENGTH  (64u * 1024u * 1024u)
#define SHMVIZ_RECORD_EVENT_SIZE  32u
#define SHMVIZ_RECORD_ANOMALY_SIZE 116u
#define SHMVIZ_ANNOTATION_MAX_LENGTH 65536u

typedef enum {
  SHMVIZ_RECORD_HEADER     = 1,
  SHMVIZ_RECORD_EVENTS     = 2,
  SHMVIZ_RECORD_SNAPSHOT   = 3,
  SHMVIZ_RECORD_ANNOTATION = 4,
  SHMVIZ_RECORD_STALL      = 5,
  SHMVIZ_RECORD_END        = 6,
} ShmvizRecordType;

#define SHMVIZ_RECORDING_ERROR (shmviz_recording_error_quark ())

typedef enum {
  SHMVIZ_RECORDING_ERROR_IO,
  SHMVIZ_RECORDING_ERROR_NOT_RECORDING, /* wrong magic: another kind of file */
  SHMVIZ_RECORDING_ERROR_VERSION,       /* a version this build cannot read */
  SHMVIZ_RECORDING_ERROR_CORRUPT,       /* a record fails validation */
  SHMVIZ_RECORDING_ERROR_TRUNCATED,     /* not even a complete header */
} ShmvizRecordingError;

GQuark shmviz_recording_error_quark (void);

/* Little-endian field codec, shared with the model's and the ledger's
 * snapshot code.  Reading past the end sets @failed and yields zeros, so a
 * parser checks once at the end instead of after every field. */
typedef struct {
  const guint8 *data;
  gsize         len;
  gsize         pos;
  gboolean      failed;
} ShmvizByteReader;

void     shmviz_put_u8      (GByteArray *out, guint8  v);
void     shmviz_put_u16     (GByteArray *out, guint16 v);
void     shmviz_put_u32     (GByteArray *out, guint32 v);
void     shmviz_put_u64     (GByteArray *out, guint64 v);
void     shmviz_put_bytes   (GByteArray *out, const void *data, gsize len);
void     shmviz_put_event   (GByteArray *out, const ShmvizEvent *ev);
void     shmviz_put_anomaly (GByteArray *out, const ShmvizAnomaly *a);

guint8   shmviz_get_u8      (ShmvizByteReader *r);
guint16  shmviz_get_u16     (ShmvizByteReader *r);
guint32  shmviz_get_u32     (ShmvizByteReader *r);
guint64  shmviz_get_u64     (ShmvizByteReader *r);
/* Returns a pointer into the data, or NULL (and @failed) when fewer than
 * @len bytes are left. */
const guint8 *shmviz_get_bytes (ShmvizByteReader *r, gsize len);
void     shmviz_get_event   (ShmvizByteReader *r, ShmvizEvent *ev);
void     shmviz_get_anomaly (ShmvizByteReader *r, ShmvizAnomaly *a);
/* TRUE when @count elements of @size bytes can still be read: check this
 * before allocating for a count taken from a file. */
gboolean shmviz_reader_has  (ShmvizByteReader *r, guint64 count, gsize size);

guint32  shmviz_crc32       (const guint8 *data, gsize len);

/* The recorder ---------------------------------------------------------- */

#define SHMVIZ_TYPE_RECORDER (shmviz_recorder_get_type ())
G_DECLARE_FINAL_TYPE (ShmvizRecorder, shmviz_recorder, SHMVIZ, RECORDER, GObject)

/* Events between two SNAPSHOT records unless set otherwise. */
#define SHMVIZ_RECORDER_SNAPSHOT_INTERVAL 262144u

typedef struct {
  guint64 bytes_written;   /* to the file so far */
  guint64 events;          /* events handed to the recorder */
  guint64 records;
  guint64 snapshots;
  guint64 peak_backlog;    /* most bytes waiting for the writer at once */
  gdouble writer_busy_s;   /* time the writer thread spent writing */
} ShmvizRecorderStats;

/* Creates @path (replacing it), writes the prefix and HEADER, and starts
 * the writer thread. */
ShmvizRecorder *shmviz_recorder_new        (const char           *path,
                                            const ShmvizScenario *scenario,
                                            GError              **error);
/* The same onto any stream (tests, pipes); the recorder takes a ref. */
ShmvizRecorder *shmviz_recorder_new_for_stream (GOutputStream    *stream,
                                                const ShmvizScenario *scenario,
                                                GError          **error);
void            shmviz_recorder_set_snapshot_interval (ShmvizRecorder *self,
                                                       guint           n_events);
/* Becomes a sink of @session and takes snapshots of its model.  Attach
 * before shmviz_session_start() so that no event is missed.  The session
 * keeps a reference to the recorder until it is finalized; after
 * shmviz_recorder_close() the sink ignores what it is given. */
void            shmviz_recorder_attach     (ShmvizRecorder       *self,
                                            gpointer              session);
/* Without a session: the model whose state SNAPSHOT records hold.  It must
 * be folded with exactly the events given to the recorder, after each
 * shmviz_recorder_add_events() call. */
void            shmviz_recorder_set_model  (ShmvizRecorder       *self,
                                            ShmvizModel          *model);
/* Queues a batch.  Never waits for I/O: the batch is copied and the writer
 * thread is woken. */
void            shmviz_recorder_add_events (ShmvizRecorder       *self,
                                            const ShmvizEvent    *events,
                                            guint                 n_events);
void            shmviz_recorder_annotate   (ShmvizRecorder       *self,
                                            guint64               ts_ns,
                                            const char           *text);
/* A deadlock check of the model that reported a deadlock at this point of
 * the stream; the recorder writes these itself when attached. */
void            shmviz_recorder_add_stall  (ShmvizRecorder       *self,
                                            guint64               now_ns,
                                            guint64               stall_ns);
/* Writes END, flushes, joins the writer and closes the stream.  Returns
 * the first write error, if any.  Idempotent. */
gboolean        shmviz_recorder_close      (ShmvizRecorder       *self,
                                            GError              **error);
void            shmviz_recorder_get_stats  (ShmvizRecorder       *self,
                                            ShmvizRecorderStats  *stats);

/* The reader ------------------------------------------------------------ */

typedef struct {
  guint16       type;      /* ShmvizRecordType; unknown types are kept */
  guint16       flags;
  guint32       length;
  goffset       offset;    /* of the frame in the file */
  const guint8 *payload;   /* into the recording's data */
} ShmvizRecord;

typedef struct {
  guint32        version;
  ShmvizScenario scenario;
  gint64         start_realtime_us;   /* wall clock, g_get_real_time() */
  guint64        start_ns;            /* CLOCK_MONOTONIC at the start */
  char          *hostname;
  char          *system;              /* uname: sysname release machine */
  char          *producer;            /* "shmviz 0.1.0" */
  guint          n_cpus;
} ShmvizRecordingInfo;

typedef struct _ShmvizRecording ShmvizRecording;

ShmvizRecording *shmviz_recording_open      (const char  *path,
                                             GError     **error);
ShmvizRecording *shmviz_recording_new_from_bytes (GBytes *bytes,
                                                  GError **error);
ShmvizRecording *shmviz_recording_ref       (ShmvizRecording *self);
void             shmviz_recording_unref     (ShmvizRecording *self);

const ShmvizRecordingInfo *shmviz_recording_get_info (ShmvizRecording *self);
/* Every complete record after the HEADER, in file order. */
const ShmvizRecord *shmviz_recording_get_records (ShmvizRecording *self,
                                                  guint           *n_records);
guint64          shmviz_recording_get_n_events   (ShmvizRecording *self);
/* FALSE when the file ends without an END record (cut short); then
 * @reason says where and why loading stopped. */
gboolean         shmviz_recording_is_complete    (ShmvizRecording *self,
                                                  const char     **reason);
/* Size of the valid part of the file. */
goffset          shmviz_recording_get_valid_size (ShmvizRecording *self);

/* Checks the checksum of record @index if opening left it for later (the
 * EVENTS records of a file) and keeps the verdict; FALSE with the error
 * naming the record's offset when it does not match.  Read no event of a
 * record before this returned TRUE for it.  Thread-safe. */
gboolean         shmviz_recording_check_record   (ShmvizRecording *self,
                                                  guint           index,
                                                  GError        **error);
/* Checks every record left for later: the whole file, as a checker does. */
gboolean         shmviz_recording_check_all      (ShmvizRecording *self,
                                                  GError        **error);

/* Record payloads, structure validated by open(); EVENTS records' checksums
 * by shmviz_recording_check_record(). */
guint            shmviz_record_n_events     (const ShmvizRecord *record);
void             shmviz_record_get_events   (const ShmvizRecord *record,
                                             guint               first,
                                             guint               n,
                                             ShmvizEvent        *out);
/* SNAPSHOT: the number of events before it, the model state blob, and the
 * anomalies found since the previous snapshot. */
gboolean         shmviz_record_parse_snapshot (const ShmvizRecord *record,
                                               guint64            *event_index,
                                               GBytes            **model_state,
                                               GArray            **new_anomalies,
                                               GError            **error);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (ShmvizRecording, shmviz_recording_unref)

G_END_DECLS
