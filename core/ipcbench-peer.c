/* ipcbench-peer.c — the two processes of a speed lab run
 *
 * A streams messages to B and bounces pings off it; B checks every
 * message it gets and echoes what it must. Both are forked from the
 * runner and use nothing but libc: the runner may be a threaded GLib
 * program, and only async-signal-safe habits are safe after fork().
 *
 * Every message begins with its sequence number, and one 8-byte word of
 * each 64 bytes carries it too; the rest is a fixed pattern.  The receiver
 * rebuilds the message it expects and compares every byte, so a torn,
 * stale or misdelivered message fails the check (exactly, not with a
 * checksum's odds), at the speed of memcmp() rather than of a
 * word-by-word sum that would cost more than moving the message.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <time.h>
#include <unistd.h>

#include "ipcbench-private.h"

#define SEQ_MUL   G_GUINT64_CONSTANT (0x9e3779b97f4a7c15)
#define CHECK_MUL G_GUINT64_CONSTANT (0xc2b2ae3d27d4eb4f)

/* Warm-up counts; the measured runs are sized from what they show. */
#define WARMUP_BYTES        (4u << 20)
#define WARMUP_MIN_MESSAGES 200
#define WARMUP_MAX_MESSAGES 20000
#define WARMUP_ROUND_TRIPS  100
#define MIN_STREAM          500
#define MAX_STREAM          G_GUINT64_CONSTANT (50000000)
#define MIN_ROUND_TRIPS     100
#define MAX_ROUND_TRIPS     2000000
#define HANDOFF_BATCH       64

#define ROUND_UP_SIZE(x) (((x) + BENCH_CACHE_LINE - 1) / BENCH_CACHE_LINE * BENCH_CACHE_LINE)

typedef struct {
  guint64 seq;
  guint64 check;
} Header;

typedef struct {
  BenchChannel *channel;
  BenchCtl     *ctl;
  BenchSide     side;
  guint8       *out;          /* A: the message it sends */
  guint8       *in;           /* where a kernel transport copies what it receives */
  guint8       *expect;       /* the message it should have received */
  guint64       next_seq;     /* A: the next one to send; B: the next expected */
  guint64      *samples;
  guint64       damage_every; /* A, for the tests: spoil every n-th message */
  gsize         damaged_at;   /* the byte it spoiled last, 0 for none */
} Peer;

guint64
bench_now_ns (void)
{
  struct timespec ts;

  clock_gettime (CLOCK_MONOTONIC, &ts);
  return (guint64) ts.tv_sec * G_GUINT64_CONSTANT (1000000000) + (guint64) ts.tv_nsec;
}

static G_GNUC_NORETURN void
fail (Peer       *peer,
      const char *what)
{
  snprintf (peer->ctl->error[peer->side], BENCH_ERROR_LEN, "%s", what);
  _exit (1);
}

static guint64
mix (guint64 x)
{
  x ^= x >> 33;
  x *= G_GUINT64_CONSTANT (0xff51afd7ed558ccd);
  x ^= x >> 33;
  x *= G_GUINT64_CONSTANT (0xc4ceb9fe1a85ec53);
  x ^= x >> 33;
  return x;
}

/* The words stamped with the sequence number: the first of every 64 bytes. */
#define STAMP_EVERY 8

static void
stamp_message (guint8  *message,
               gsize    size,
               guint64  seq)
{
  guint64 *w = (guint64 *) (message + sizeof (Header));
  gsize n = (size - sizeof (Header)) / 8;
  Header h = { seq, mix (seq * CHECK_MUL) };

  for (gsize i = 0; i < n; i += STAMP_EVERY)
    w[i] = seq * SEQ_MUL + i;
  memcpy (message, &h, sizeof h);
}

static guint8
pattern_byte (gsize at)
{
  return (guint8) (at * 131 + 7);
}

static void
fill_pattern (guint8 *message,
              gsize   size)
{
  for (gsize i = sizeof (Header); i < size; i++)
    message[i] = (guint8) (i * 131 + 7);
}

static void
stamp (Peer *peer)
{
  gsize size = peer->channel->size;
  guint64 seq = peer->next_seq++;

  if (peer->damaged_at)
    {
      peer->out[peer->damaged_at] = pattern_byte (peer->damaged_at);
      peer->damaged_at = 0;
    }
  stamp_message (peer->out, size, seq);
  /* One flipped bit past the header: what the receiver's check must
   * catch. */
  if (peer->damage_every && seq % peer->damage_every == 0)
    {
      peer->damaged_at = sizeof (Header) + seq % (size - sizeof (Header));
      peer->out[peer->damaged_at] ^= 0x10;
    }
}

/* TRUE when intact; errors are counted, not fatal, so a broken transport
 * shows up as numbers in the result rather than as a crash. */
static gboolean
verify (Peer       *peer,
        const void *message,
        guint64     expected_seq)
{
  Header h;

  peer->ctl->checked[peer->side]++;
  stamp_message (peer->expect, peer->channel->size, expected_seq);
  if (memcmp (message, peer->expect, peer->channel->size) == 0)
    return TRUE;

  memcpy (&h, message, sizeof h);
  if (h.seq != expected_seq)
    peer->ctl->order_errors[peer->side]++;
  else
    peer->ctl->checksum_errors[peer->side]++;
  return FALSE;
}

static void
send_or_die (Peer           *peer,
             BenchDirection  direction,
             const void     *message)
{
  if (!bench_channel_send (peer->channel, direction, message))
    fail (peer, "the peer went away while sending");
}

/* The message, valid until bench_channel_release(). */
static const void *
recv_or_die (Peer           *peer,
             BenchDirection  direction)
{
  const void *message = bench_channel_recv (peer->channel, direction, peer->in);

  if (!message)
    fail (peer, "the peer went away while receiving");
  return message;
}

static void
recv_verify (Peer           *peer,
             BenchDirection  direction,
             guint64         expected_seq)
{
  verify (peer, recv_or_die (peer, direction), expected_seq);
  bench_channel_release (peer->channel, direction);
}

/* A: n messages one way, then wait for B's echo of the last. */
static guint64
a_stream (Peer    *peer,
          guint64  n,
          guint    rep)
{
  guint64 t0;

  atomic_store_explicit (&peer->ctl->stream_n, n, memory_order_release);
  t0 = bench_now_ns ();
  if (rep < SHMVIZ_BENCH_MAX_REPS)
    peer->ctl->t0_ns[rep] = t0;
  for (guint64 i = 0; i < n; i++)
    {
      stamp (peer);
      send_or_die (peer, BENCH_A_TO_B, peer->out);
    }
  recv_verify (peer, BENCH_B_TO_A, peer->next_seq - 1);
  return bench_now_ns () - t0;
}

static void
b_stream (Peer *peer,
          guint rep)
{
  const void *message = recv_or_die (peer, BENCH_A_TO_B);
  /* The first message orders A's plan before this read. */
  guint64 n = atomic_load_explicit (&peer->ctl->stream_n, memory_order_acquire);

  for (guint64 i = 0;; i++)
    {
      verify (peer, message, peer->next_seq++);
      if (i + 1 == n)
        break;
      bench_channel_release (peer->channel, BENCH_A_TO_B);
      message = recv_or_die (peer, BENCH_A_TO_B);
    }
  if (rep < SHMVIZ_BENCH_MAX_REPS)
    peer->ctl->t1_ns[rep] = bench_now_ns ();
  /* The echo of the last message tells A the stream is through. */
  send_or_die (peer, BENCH_B_TO_A, message);
  bench_channel_release (peer->channel, BENCH_A_TO_B);
}

static int
compare_u64 (const void *a,
             const void *b)
{
  guint64 x = *(const guint64 *) a, y = *(const guint64 *) b;

  return x < y ? -1 : x > y;
}

/* A: n round trips, each timed from just before the send to just after
 * the echo arrives. */
static guint64
a_pingpong (Peer    *peer,
            guint64  n,
            guint    rep)
{
  guint64 start = bench_now_ns ();

  atomic_store_explicit (&peer->ctl->pingpong_n, n, memory_order_release);
  for (guint64 i = 0; i < n; i++)
    {
      guint64 t, seq = peer->next_seq;

      stamp (peer);
      t = bench_now_ns ();
      const void *echo;

      send_or_die (peer, BENCH_A_TO_B, peer->out);
      echo = recv_or_die (peer, BENCH_B_TO_A);
      if (peer->samples)
        peer->samples[i] = bench_now_ns () - t;
      verify (peer, echo, seq);
      bench_channel_release (peer->channel, BENCH_B_TO_A);
    }
  if (peer->samples && rep < SHMVIZ_BENCH_MAX_REPS)
    {
      qsort (peer->samples, n, sizeof (guint64), compare_u64);
      peer->ctl->latency_median_ns[rep] = peer->samples[n / 2] / 2.0;
      peer->ctl->latency_p99_ns[rep] = peer->samples[(n * 99 + 99) / 100 - 1] / 2.0;
      peer->ctl->round_trips[rep] = n;
    }
  return bench_now_ns () - start;
}

static void
b_pingpong (Peer *peer)
{
  const void *message = recv_or_die (peer, BENCH_A_TO_B);
  guint64 n = atomic_load_explicit (&peer->ctl->pingpong_n, memory_order_acquire);

  for (guint64 i = 0; i < n; i++)
    {
      if (i > 0)
        message = recv_or_die (peer, BENCH_A_TO_B);
      verify (peer, message, peer->next_seq++);
      send_or_die (peer, BENCH_B_TO_A, message);
      bench_channel_release (peer->channel, BENCH_A_TO_B);
    }
}

static void
become_child (BenchCtl *ctl,
              BenchSide side,
              int       cpu)
{
  sigset_t all;

  /* The runner's handlers (GLib's, say) mean nothing here. */
  signal (SIGINT, SIG_DFL);
  signal (SIGTERM, SIG_DFL);
  signal (SIGPIPE, SIG_DFL);
  sigemptyset (&all);
  sigprocmask (SIG_SETMASK, &all, NULL);
  /* A spinning child must not outlive a runner that was killed. */
  prctl (PR_SET_PDEATHSIG, SIGKILL);
  if (cpu >= 0)
    {
      cpu_set_t set;

      CPU_ZERO (&set);
      CPU_SET (cpu, &set);
      if (sched_setaffinity (0, sizeof set, &set) != 0)
        {
          snprintf (ctl->error[side], BENCH_ERROR_LEN, "could not pin to CPU %d", cpu);
          _exit (1);
        }
    }
}

static guint64
clamp_u64 (gdouble v,
           guint64 lo,
           guint64 hi)
{
  if (!(v > lo))
    return lo;
  if (v > hi)
    return hi;
  return (guint64) v;
}

void
bench_peer_main (BenchChannel *channel,
                 BenchCtl     *ctl,
                 BenchSide     side,
                 int           cpu)
{
  Peer peer = { channel, ctl, side };
  gsize size = channel->size;
  guint reps = MIN (ctl->repetitions, SHMVIZ_BENCH_MAX_REPS);

  become_child (ctl, side, cpu);

  peer.in = aligned_alloc (BENCH_CACHE_LINE, ROUND_UP_SIZE (size));
  peer.out = aligned_alloc (BENCH_CACHE_LINE, ROUND_UP_SIZE (size));
  peer.expect = aligned_alloc (BENCH_CACHE_LINE, ROUND_UP_SIZE (size));
  if (!peer.in || !peer.out || !peer.expect)
    fail (&peer, "out of memory");
  memset (peer.in, 0, ROUND_UP_SIZE (size));
  fill_pattern (peer.out, size);
  fill_pattern (peer.expect, size);
  peer.next_seq = 1;
  /* Read before anything can have changed the environment; only libc. */
  if (side == BENCH_SIDE_A && getenv ("SHMVIZ_BENCH_DAMAGE"))
    peer.damage_every = strtoull (getenv ("SHMVIZ_BENCH_DAMAGE"), NULL, 10);

  if (side == BENCH_SIDE_A)
    {
      guint64 warm_n = clamp_u64 (WARMUP_BYTES / size, WARMUP_MIN_MESSAGES, WARMUP_MAX_MESSAGES);
      guint64 stream_n, pingpong_n, t;

      /* Warm-up: fault the pages in, wake the caches, and learn how
       * fast this mechanism is so each measured run lasts as long as
       * asked, whatever the mechanism. */
      t = a_stream (&peer, warm_n, SHMVIZ_BENCH_MAX_REPS);
      stream_n = clamp_u64 (warm_n * ctl->stream_seconds * 1e9 / MAX (t, 1), MIN_STREAM, MAX_STREAM);
      atomic_fetch_add (&ctl->phases_done, 1);
      t = a_pingpong (&peer, WARMUP_ROUND_TRIPS, SHMVIZ_BENCH_MAX_REPS);
      pingpong_n = clamp_u64 (WARMUP_ROUND_TRIPS * ctl->pingpong_seconds * 1e9 / MAX (t, 1),
                              MIN_ROUND_TRIPS, MAX_ROUND_TRIPS);
      atomic_fetch_add (&ctl->phases_done, 1);

      peer.samples = malloc (pingpong_n * sizeof (guint64));
      if (!peer.samples)
        fail (&peer, "out of memory");

      for (guint r = 0; r < reps; r++)
        {
          ctl->stream_messages[r] = stream_n;
          a_stream (&peer, stream_n, r);
          atomic_fetch_add (&ctl->phases_done, 1);
          a_pingpong (&peer, pingpong_n, r);
          atomic_fetch_add (&ctl->phases_done, 1);
        }
    }
  else
    {
      b_stream (&peer, SHMVIZ_BENCH_MAX_REPS);
      b_pingpong (&peer);
      for (guint r = 0; r < reps; r++)
        {
          b_stream (&peer, r);
          b_pingpong (&peer);
        }
    }
  _exit (0);
}

/* FALSE when A says it is over. */
static gboolean
wait_for (_Atomic guint64 *word,
          guint64          value)
{
  guint spins = 0;
  guint64 seen;

  while ((seen = atomic_load_explicit (word, memory_order_acquire)) != value)
    {
      if (seen == G_MAXUINT64)
        return FALSE;
      bench_cpu_relax ();
      if (++spins % 4096 == 0)
        sched_yield ();
    }
  return TRUE;
}

void
bench_handoff_main (BenchCtl  *ctl,
                    BenchSide  side,
                    int        cpu,
                    guint64    rounds)
{
  guint64 warm = rounds / 10 + 1;

  become_child (ctl, side, cpu);

  /* One cache line, written in turn by each process: the least any
   * cross-process hand-off can cost on this machine. Timed in batches
   * and reported as the median batch, so that a preemption (the peer
   * off its CPU) spoils one batch rather than the figure. */
  if (side == BENCH_SIDE_A)
    {
      guint64 n_batches = rounds / HANDOFF_BATCH + 1;
      guint64 *batches = malloc (n_batches * sizeof (guint64));
      guint64 t0 = 0, b = 0;

      if (!batches)
        {
          snprintf (ctl->error[side], BENCH_ERROR_LEN, "out of memory");
          _exit (1);
        }
      for (guint64 i = 0; i < warm + n_batches * HANDOFF_BATCH; i++)
        {
          if (i >= warm && (i - warm) % HANDOFF_BATCH == 0)
            {
              guint64 t = bench_now_ns ();
              if (i > warm)
                batches[b++] = t - t0;
              t0 = t;
            }
          atomic_store_explicit (&ctl->handoff, 2 * i + 1, memory_order_release);
          wait_for (&ctl->handoff, 2 * i + 2);
        }
      batches[b++] = bench_now_ns () - t0;
      qsort (batches, b, sizeof (guint64), compare_u64);
      ctl->handoff_ns = batches[b / 2] / (2.0 * HANDOFF_BATCH);
      /* B runs as many rounds; tell it to stop. */
      atomic_store_explicit (&ctl->handoff, G_MAXUINT64, memory_order_release);
    }
  else
    for (guint64 i = 0;; i++)
      {
        if (!wait_for (&ctl->handoff, 2 * i + 1))
          break;
        atomic_store_explicit (&ctl->handoff, 2 * i + 2, memory_order_release);
      }
  _exit (0);
}
