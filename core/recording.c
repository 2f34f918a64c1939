/* recording.c — the .shmviz recording format: a recorder and a reader
 *
 * The session thread drains millions of events per second, so the sink
 * does nothing there but append framed records to a memory buffer under a
 * short lock.  The writer thread swaps that buffer for an empty one, fills
 * in the CRC-32 of each record (the costly part) and writes the whole
 * buffer with one call.  In steady state neither side allocates.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <inttypes.h>
#include <string.h>
#include <sys/utsname.h>
#include <unistd.h>

#include <gio/gio.h>
#include <glib/gi18n.h>

#include "recording.h"
#include "session.h"

G_DEFINE_QUARK (shmviz-recording-error-quark, shmviz_recording_error)

#define MAX_HEADER_STRING 1024u
/* Record flag: a reader that does not know the type may skip it. */
#define RECORD_FLAG_OPTIONAL 0x0001u

/* Codec ------------------------------------------------------------------- */

void
shmviz_put_u8 (GByteArray *out,
               guint8      v)
{
  g_byte_array_append (out, &v, 1);
}

void
shmviz_put_u16 (GByteArray *out,
                guint16     v)
{
  guint16 le = GUINT16_TO_LE (v);

  g_byte_array_append (out, (const guint8 *) &le, 2);
}

void
shmviz_put_u32 (GByteArray *out,
                guint32     v)
{
  guint32 le = GUINT32_TO_LE (v);

  g_byte_array_append (out, (const guint8 *) &le, 4);
}

void
shmviz_put_u64 (GByteArray *out,
                guint64     v)
{
  guint64 le = GUINT64_TO_LE (v);

  g_byte_array_append (out, (const guint8 *) &le, 8);
}

void
shmviz_put_bytes (GByteArray *out,
                  const void *data,
                  gsize       len)
{
  if (len > 0)
    g_byte_array_append (out, data, (guint) len);
}

void
shmviz_put_event (GByteArray        *out,
                  const ShmvizEvent *ev)
{
#if G_BYTE_ORDER == G_LITTLE_ENDIAN
  /* The in-memory layout is the file layout. */
  g_byte_array_append (out, (const guint8 *) ev, SHMVIZ_RECORD_EVENT_SIZE);
#else
  shmviz_put_u64 (out, ev->ts_ns);
  shmviz_put_u64 (out, ev->item);
  shmviz_put_u64 (out, ev->other);
  shmviz_put_u16 (out, ev->proc);
  shmviz_put_u8 (out, ev->kind);
  shmviz_put_u8 (out, ev->detail);
  shmviz_put_u16 (out, ev->slot);
  shmviz_put_u16 (out, ev->value);
#endif
}

void
shmviz_put_anomaly (GByteArray          *out,
                    const ShmvizAnomaly *a)
{
  shmviz_put_u32 (out, a->kind);
  shmviz_put_u64 (out, a->ts_ns);
  shmviz_put_u32 (out, a->slot);
  shmviz_put_u64 (out, a->item);
  shmviz_put_u64 (out, a->other_item);
  shmviz_put_u16 (out, a->actor);
  shmviz_put_u16 (out, a->earlier);
  shmviz_put_u64 (out, a->earlier_ts_ns);
  for (guint i = 0; i < 3; i++)
    shmviz_put_u32 (out, a->values[i]);
  shmviz_put_u32 (out, a->n_procs);
  for (guint i = 0; i < SHMVIZ_ANOMALY_MAX_PROCS; i++)
    shmviz_put_u16 (out, a->procs[i]);
  for (guint i = 0; i < SHMVIZ_ANOMALY_MAX_PROCS; i++)
    shmviz_put_u8 (out, a->waits[i]);
  shmviz_put_event (out, &a->cause);
}

const guint8 *
shmviz_get_bytes (ShmvizByteReader *r,
                  gsize             len)
{
  const guint8 *p;

  if (r->failed || r->pos > r->len || len > r->len - r->pos)
    {
      r->failed = TRUE;
      return NULL;
    }
  p = r->data + r->pos;
  r->pos += len;
  return p;
}

gboolean
shmviz_reader_has (ShmvizByteReader *r,
                   guint64           count,
                   gsize             size)
{
  if (r->failed || r->pos > r->len)
    return FALSE;
  return size == 0 || count <= (r->len - r->pos) / size;
}

guint8
shmviz_get_u8 (ShmvizByteReader *r)
{
  const guint8 *p = shmviz_get_bytes (r, 1);

  return p != NULL ? p[0] : 0;
}

guint16
shmviz_get_u16 (ShmvizByteReader *r)
{
  const guint8 *p = shmviz_get_bytes (r, 2);

  return p != NULL ? (guint16) (p[0] | (p[1] << 8)) : 0;
}

guint32
shmviz_get_u32 (ShmvizByteReader *r)
{
  const guint8 *p = shmviz_get_bytes (r, 4);

  return p != NULL ? ((guint32) p[0] | ((guint32) p[1] << 8) |
                      ((guint32) p[2] << 16) | ((guint32) p[3] << 24)) : 0;
}

guint64
shmviz_get_u64 (ShmvizByteReader *r)
{
  guint64 lo = shmviz_get_u32 (r);
  guint64 hi = shmviz_get_u32 (r);

  return lo | (hi << 32);
}

void
shmviz_get_event (ShmvizByteReader *r,
                  ShmvizEvent      *ev)
{
  ev->ts_ns = shmviz_get_u64 (r);
  ev->item = shmviz_get_u64 (r);
  ev->other = shmviz_get_u64 (r);
  ev->proc = shmviz_get_u16 (r);
  ev->kind = shmviz_get_u8 (r);
  ev->detail = shmviz_get_u8 (r);
  ev->slot = shmviz_get_u16 (r);
  ev->value = shmviz_get_u16 (r);
}

void
shmviz_get_anomaly (ShmvizByteReader *r,
                    ShmvizAnomaly    *a)
{
  memset (a, 0, sizeof *a);
  a->kind = shmviz_get_u32 (r);
  a->ts_ns = shmviz_get_u64 (r);
  a->slot = shmviz_get_u32 (r);
  a->item = shmviz_get_u64 (r);
  a->other_item = shmviz_get_u64 (r);
  a->actor = shmviz_get_u16 (r);
  a->earlier = shmviz_get_u16 (r);
  a->earlier_ts_ns = shmviz_get_u64 (r);
  for (guint i = 0; i < 3; i++)
    a->values[i] = shmviz_get_u32 (r);
  a->n_procs = shmviz_get_u32 (r);
  for (guint i = 0; i < SHMVIZ_ANOMALY_MAX_PROCS; i++)
    a->procs[i] = shmviz_get_u16 (r);
  for (guint i = 0; i < SHMVIZ_ANOMALY_MAX_PROCS; i++)
    a->waits[i] = shmviz_get_u8 (r);
  shmviz_get_event (r, &a->cause);

  /* Whatever the file says, nothing downstream may index out of range. */
  if ((guint) a->kind >= SHMVIZ_N_ANOMALY_KINDS || a->n_procs > SHMVIZ_ANOMALY_MAX_PROCS)
    r->failed = TRUE;
}

/* Slicing-by-8 tables: the writer checksums every byte it writes, and
 * eight bytes per step keep it well ahead of the disk. */
static guint32 crc_table[8][256];

#if defined(__x86_64__) && defined(__GNUC__)
#define HAVE_CRC_CLMUL 1
#include <immintrin.h>

/* Carry-less multiplication folds 64 bytes per step (Gopal et al., “Fast
 * CRC Computation for Generic Polynomials Using PCLMULQDQ”, Intel 2009;
 * the constants are the paper's for the reflected CRC-32 polynomial, as in
 * zlib's and Linux's versions).  A reader checks a whole record before it
 * shows an event of it, so seeking into an unread part of a long recording
 * waits for this: ten times the tables' speed keeps that wait unnoticed.
 * Takes and returns the CRC register (not inverted); @len is a multiple
 * of 16 and at least 64. */
__attribute__ ((target ("pclmul,sse4.1")))
static guint32
crc_clmul (const guint8 *buf,
           gsize         len,
           guint32       crc)
{
  const __m128i k1k2 = _mm_set_epi64x (0x01c6e41596, 0x0154442bd4);
  const __m128i k3k4 = _mm_set_epi64x (0x00ccaa009e, 0x01751997d0);
  const __m128i k5k0 = _mm_set_epi64x (0, 0x0163cd6124);
  const __m128i poly = _mm_set_epi64x (0x01f7011641, 0x01db710641);
  const __m128i mask = _mm_setr_epi32 (~0, 0, ~0, 0);
  __m128i x1, x2, x3, x4, x5, x6, x7, x8;

  x1 = _mm_loadu_si128 ((const __m128i *) (buf + 0x00));
  x2 = _mm_loadu_si128 ((const __m128i *) (buf + 0x10));
  x3 = _mm_loadu_si128 ((const __m128i *) (buf + 0x20));
  x4 = _mm_loadu_si128 ((const __m128i *) (buf + 0x30));
  x1 = _mm_xor_si128 (x1, _mm_cvtsi32_si128 ((int) crc));
  buf += 64;
  len -= 64;

  while (len >= 64)
    {
      x5 = _mm_clmulepi64_si128 (x1, k1k2, 0x00);
      x6 = _mm_clmulepi64_si128 (x2, k1k2, 0x00);
      x7 = _mm_clmulepi64_si128 (x3, k1k2, 0x00);
      x8 = _mm_clmulepi64_si128 (x4, k1k2, 0x00);
      x1 = _mm_clmulepi64_si128 (x1, k1k2, 0x11);
      x2 = _mm_clmulepi64_si128 (x2, k1k2, 0x11);
      x3 = _mm_clmulepi64_si128 (x3, k1k2, 0x11);
      x4 = _mm_clmulepi64_si128 (x4, k1k2, 0x11);
      x1 = _mm_xor_si128 (_mm_xor_si128 (x1, x5), _mm_loadu_si128 ((const __m128i *) (buf + 0x00)));
      x2 = _mm_xor_si128 (_mm_xor_si128 (x2, x6), _mm_loadu_si128 ((const __m128i *) (buf + 0x10)));
      x3 = _mm_xor_si128 (_mm_xor_si128 (x3, x7), _mm_loadu_si128 ((const __m128i *) (buf + 0x20)));
      x4 = _mm_xor_si128 (_mm_xor_si128 (x4, x8), _mm_loadu_si128 ((const __m128i *) (buf + 0x30)));
      buf += 64;
      len -= 64;
    }

  /* Four lanes into one. */
  x5 = _mm_clmulepi64_si128 (x1, k3k4, 0x00);
  x1 = _mm_clmulepi64_si128 (x1, k3k4, 0x11);
  x1 = _mm_xor_si128 (_mm_xor_si128 (x1, x2), x5);
  x5 = _mm_clmulepi64_si128 (x1, k3k4, 0x00);
  x1 = _mm_clmulepi64_si128 (x1, k3k4, 0x11);
  x1 = _mm_xor_si128 (_mm_xor_si128 (x1, x3), x5);
  x5 = _mm_clmulepi64_si128 (x1, k3k4, 0x00);
  x1 = _mm_clmulepi64_si128 (x1, k3k4, 0x11);
  x1 = _mm_xor_si128 (_mm_xor_si128 (x1, x4), x5);

  while (len >= 16)
    {
      x2 = _mm_loadu_si128 ((const __m128i *) buf);
      x5 = _mm_clmulepi64_si128 (x1, k3k4, 0x00);
      x1 = _mm_clmulepi64_si128 (x1, k3k4, 0x11);
      x1 = _mm_xor_si128 (_mm_xor_si128 (x1, x2), x5);
      buf += 16;
      len -= 16;
    }

  /* 128 bits to 64, then Barrett reduction to 32. */
  x2 = _mm_clmulepi64_si128 (x1, k3k4, 0x10);
  x1 = _mm_xor_si128 (_mm_srli_si128 (x1, 8), x2);
  x2 = _mm_srli_si128 (x1, 4);
  x1 = _mm_and_si128 (x1, mask);
  x1 = _mm_clmulepi64_si128 (x1, k5k0, 0x00);
  x1 = _mm_xor_si128 (x1, x2);

  x2 = _mm_and_si128 (x1, mask);
  x2 = _mm_clmulepi64_si128 (x2, poly, 0x10);
  x2 = _mm_and_si128 (x2, mask);
  x2 = _mm_clmulepi64_si128 (x2, poly, 0x00);
  x1 = _mm_xor_si128 (x1, x2);

  return (guint32) _mm_extract_epi32 (x1, 1);
}

static gboolean
crc_clmul_usable (void)
{
  static gsize usable = 0;

  if (g_once_init_enter (&usable))
    {
      __builtin_cpu_init ();
      g_once_init_leave (&usable, __builtin_cpu_supports ("pclmul") &&
                                  __builtin_cpu_supports ("sse4.1") ? 2 : 1);
    }
  return usable == 2;
}
#endif

static gpointer
crc_init (gpointer data)
{
  for (guint32 i = 0; i < 256; i++)
    {
      guint32 c = i;

      for (guint k = 0; k < 8; k++)
        c = (c & 1) ? 0xEDB88320u ^ (c >> 1) : c >> 1;
      crc_table[0][i] = c;
    }
  for (guint32 i = 0; i < 256; i++)
    for (guint k = 1; k < 8; k++)
      crc_table[k][i] = (crc_table[k - 1][i] >> 8) ^ crc_table[0][crc_table[k - 1][i] & 0xFF];
  return NULL;
}

/* CRC-32 (IEEE 802.3, as zlib and PNG compute it). */
guint32
shmviz_crc32 (const guint8 *data,
              gsize         len)
{
  static GOnce once = G_ONCE_INIT;
  guint32 c = 0xFFFFFFFFu;

  g_once (&once, crc_init, NULL);
#ifdef HAVE_CRC_CLMUL
  if (len >= 64 && crc_clmul_usable ())
    {
      gsize bulk = len & ~(gsize) 15;

      c = crc_clmul (data, bulk, c);
      data += bulk;
      len -= bulk;
    }
#endif
  while (len >= 8)
    {
      guint32 a = c ^ ((guint32) data[0] | ((guint32) data[1] << 8) |
                       ((guint32) data[2] << 16) | ((guint32) data[3] << 24));
      guint32 b = (guint32) data[4] | ((guint32) data[5] << 8) |
                  ((guint32) data[6] << 16) | ((guint32) data[7] << 24);

      c = crc_table[7][a & 0xFF] ^ crc_table[6][(a >> 8) & 0xFF] ^
          crc_table[5][(a >> 16) & 0xFF] ^ crc_table[4][a >> 24] ^
          crc_table[3][b & 0xFF] ^ crc_table[2][(b >> 8) & 0xFF] ^
          crc_table[1][(b >> 16) & 0xFF] ^ crc_table[0][b >> 24];
      data += 8;
      len -= 8;
    }
  while (len-- > 0)
    c = crc_table[0][(c ^ *data++) & 0xFF] ^ (c >> 8);
  return c ^ 0xFFFFFFFFu;
}

/* Frames are appended with a zero CRC; the writer fills it in. */
static gsize
frame_begin (GByteArray *out,
             guint16     type,
             guint16     flags)
{
  gsize at = out->len;

  shmviz_put_u16 (out, type);
  shmviz_put_u16 (out, flags);
  shmviz_put_u32 (out, 0);
  return at;
}

static void
frame_end (GByteArray *out,
           gsize       at)
{
  guint32 length = (guint32) (out->len - at - SHMVIZ_RECORD_FRAME_SIZE);
  guint32 le = GUINT32_TO_LE (length);

  memcpy (out->data + at + 4, &le, 4);
  shmviz_put_u32 (out, 0);
}

static void
put_string (GByteArray *out,
            const char *str)
{
  gsize len = str != NULL ? MIN (strlen (str), MAX_HEADER_STRING) : 0;

  shmviz_put_u16 (out, (guint16) len);
  shmviz_put_bytes (out, str, len);
}

static void
put_header (GByteArray           *out,
            const ShmvizScenario *sc)
{
  struct utsname uts;
  g_autofree char *system = NULL;
  gsize at;
  union { gdouble d; guint64 u; } duration = { .d = sc->duration };

  if (uname (&uts) == 0)
    system = g_strdup_printf ("%s %s %s", uts.sysname, uts.release, uts.machine);

  at = frame_begin (out, SHMVIZ_RECORD_HEADER, 0);
  shmviz_put_u32 (out, sc->n_producers);
  shmviz_put_u32 (out, sc->n_consumers);
  shmviz_put_u32 (out, sc->n_slots);
  shmviz_put_u32 (out, sc->item_size);
  shmviz_put_u32 (out, sc->sync);
  shmviz_put_u64 (out, sc->items);
  shmviz_put_u64 (out, duration.u);
  shmviz_put_u32 (out, SHMVIZ_N_TIMINGS);
  for (guint i = 0; i < SHMVIZ_N_TIMINGS; i++)
    shmviz_put_u64 (out, sc->timing_ns[i]);
  shmviz_put_u32 (out, sc->speed_permille);
  shmviz_put_u8 (out, sc->instrument ? 1 : 0);
  shmviz_put_u64 (out, sc->seed);
  shmviz_put_u64 (out, (guint64) g_get_real_time ());
  shmviz_put_u64 (out, (guint64) g_get_monotonic_time () * 1000u);
  put_string (out, g_get_host_name ());
  put_string (out, system);
  put_string (out, "shmviz " PACKAGE_VERSION);
  shmviz_put_u32 (out, (guint32) MAX (sysconf (_SC_NPROCESSORS_ONLN), 0));
  frame_end (out, at);
}

/* Recorder ---------------------------------------------------------------- */

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
  put_header (self->pending, scenario);

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

/* Called with the lock held.  Writes STALL records for deadlocks the model
 * found between batches: they come from shmviz_model_check_stall(), not
 * from any event, so a replay must repeat the check at the same point. */
static void
note_stalls_locked (ShmvizRecorder *self)
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
      at = frame_begin (self->pending, SHMVIZ_RECORD_STALL, 0);
      shmviz_put_u64 (self->pending, now);
      shmviz_put_u64 (self->pending, 0);
      frame_end (self->pending, at);
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
  at = frame_begin (self->pending, SHMVIZ_RECORD_SNAPSHOT, RECORD_FLAG_OPTIONAL);
  shmviz_put_u64 (self->pending, self->stats.events);
  shmviz_put_u32 (self->pending, (guint32) len);
  shmviz_put_bytes (self->pending, data, len);
  shmviz_put_u32 (self->pending, found->len);
  for (guint i = 0; i < found->len; i++)
    shmviz_put_anomaly (self->pending, &g_array_index (found, ShmvizAnomaly, i));
  frame_end (self->pending, at);

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

  note_stalls_locked (self);
  if (self->model != NULL && self->since_snapshot >= self->snapshot_interval)
    snapshot_locked (self);

  for (guint first = 0; first < n_events; first += per_record)
    {
      guint n = MIN (per_record, n_events - first);
      gsize at = frame_begin (self->pending, SHMVIZ_RECORD_EVENTS, 0);

      shmviz_put_u32 (self->pending, n);
#if G_BYTE_ORDER == G_LITTLE_ENDIAN
      g_byte_array_append (self->pending, (const guint8 *) (events + first),
                           n * SHMVIZ_RECORD_EVENT_SIZE);
#else
      for (guint i = 0; i < n; i++)
        shmviz_put_event (self->pending, &events[first + i]);
#endif
      frame_end (self->pending, at);
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
      at = frame_begin (self->pending, SHMVIZ_RECORD_ANNOTATION, RECORD_FLAG_OPTIONAL);
      shmviz_put_u64 (self->pending, ts_ns);
      shmviz_put_u32 (self->pending, (guint32) len);
      shmviz_put_bytes (self->pending, text, len);
      frame_end (self->pending, at);
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
      at = frame_begin (self->pending, SHMVIZ_RECORD_STALL, 0);
      shmviz_put_u64 (self->pending, now_ns);
      shmviz_put_u64 (self->pending, stall_ns);
      frame_end (self->pending, at);
      self->stats.records++;
      self->deadlocks_seen++;
      g_cond_signal (&self->cond);
    }
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
      note_stalls_locked (self);
      at = frame_begin (self->pending, SHMVIZ_RECORD_END, 0);
      shmviz_put_u64 (self->pending, self->stats.events);
      shmviz_put_u64 (self->pending, self->last_ts);
      frame_end (self->pending, at);
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

/* Reader ------------------------------------------------------------------ */

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

static char *
get_string (ShmvizByteReader *r)
{
  guint16 len = shmviz_get_u16 (r);
  const guint8 *p;

  if (len > MAX_HEADER_STRING)
    {
      r->failed = TRUE;
      return NULL;
    }
  p = shmviz_get_bytes (r, len);
  if (p == NULL)
    return NULL;
  /* Shown to people: never let bad UTF-8 through. */
  return g_utf8_make_valid ((const char *) p, len);
}

static gboolean
parse_header (ShmvizRecording    *self,
              const ShmvizRecord *rec,
              GError            **error)
{
  ShmvizByteReader r = { rec->payload, rec->length, 0, FALSE };
  ShmvizScenario *sc = &self->info.scenario;
  g_autoptr(GError) local_error = NULL;
  union { gdouble d; guint64 u; } duration;
  guint32 n_timings;

  memset (sc, 0, sizeof *sc);
  sc->n_producers = shmviz_get_u32 (&r);
  sc->n_consumers = shmviz_get_u32 (&r);
  sc->n_slots = shmviz_get_u32 (&r);
  sc->item_size = shmviz_get_u32 (&r);
  sc->sync = shmviz_get_u32 (&r);
  sc->items = shmviz_get_u64 (&r);
  duration.u = shmviz_get_u64 (&r);
  sc->duration = duration.d;
  n_timings = shmviz_get_u32 (&r);
  if (n_timings > 64)
    r.failed = TRUE;
  for (guint i = 0; i < n_timings && !r.failed; i++)
    {
      guint64 ns = shmviz_get_u64 (&r);

      /* Timings a later version adds are skipped. */
      if (i < SHMVIZ_N_TIMINGS)
        sc->timing_ns[i] = ns;
    }
  sc->speed_permille = shmviz_get_u32 (&r);
  sc->instrument = shmviz_get_u8 (&r) != 0;
  sc->seed = shmviz_get_u64 (&r);
  self->info.start_realtime_us = (gint64) shmviz_get_u64 (&r);
  self->info.start_ns = shmviz_get_u64 (&r);
  self->info.hostname = get_string (&r);
  self->info.system = get_string (&r);
  self->info.producer = get_string (&r);
  self->info.n_cpus = shmviz_get_u32 (&r);

  if (r.failed)
    {
      g_set_error (error, SHMVIZ_RECORDING_ERROR, SHMVIZ_RECORDING_ERROR_CORRUPT,
                   _("HEADER record at byte %" PRId64 " is malformed (a field or string "
                     "runs past its %u-byte payload)"), rec->offset, rec->length);
      return FALSE;
    }
  if (!(sc->duration >= 0 && sc->duration <= 1e9) ||
      !shmviz_scenario_validate (sc, &local_error))
    {
      g_set_error (error, SHMVIZ_RECORDING_ERROR, SHMVIZ_RECORDING_ERROR_CORRUPT,
                   _("HEADER record at byte %" PRId64 " holds an invalid scenario: %s"),
                   rec->offset, local_error != NULL ? local_error->message : _("bad duration"));
      return FALSE;
    }
  return TRUE;
}

/* Structure checks a record must pass before anyone uses it.  Returns
 * FALSE with @error set for a record that is complete but wrong. */
static gboolean
check_record (ShmvizRecording    *self,
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

enum { CHECK_PENDING, CHECK_GOOD, CHECK_BAD };

static gboolean
check_crc (const ShmvizRecord *rec,
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

      if (!(lazy && rec.type == SHMVIZ_RECORD_EVENTS) && !check_crc (&rec, error))
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
          if (!parse_header (self, &rec, error))
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
          if (!check_record (self, &rec, &local_error))
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
      state = check_crc (&g_array_index (self->records, ShmvizRecord, index), NULL)
                ? CHECK_GOOD : CHECK_BAD;
      g_atomic_int_set (&self->checked[index], state);
    }
  if (state == CHECK_BAD)
    {
      /* Checked again for the message: a bad record is met once or twice. */
      check_crc (&g_array_index (self->records, ShmvizRecord, index), error);
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
