/* recording-codec.c — the little-endian field codec of recordings
 *
 * Every number in a recording, and in the model's and the ledger's
 * snapshot blobs, goes through these functions, so the byte order and the
 * "read past the end yields zeros and sets failed" rule live in one place.
 * They know nothing of records, which is why they are apart from both the
 * writer and the reader.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include <string.h>

#include "recording.h"

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
