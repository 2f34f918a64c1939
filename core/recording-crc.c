/* recording-crc.c — the CRC-32 that closes every record
 *
 * The writer checksums every byte it writes and a reader every byte it
 * shows, so this is the hot loop of both: it is apart so that its tables
 * and its PCLMULQDQ path (x86-64 only) stay out of the format's logic.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "recording.h"

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
