/* ipcbench-private.h — what the speed lab's runner, its two processes and
 * its transports share
 *
 * The ipcbench files:
 *   ipcbench.h          the public API: config, result, run, output
 *   ipcbench-config.c   mechanism names, the default plan, --sizes and
 *                       --mechanisms parsing
 *   ipcbench.c          the runner: rounds of fresh process pairs, the
 *                       memcpy and cache-line floors, machine facts
 *   ipcbench-peer.c     the two forked processes of a run
 *   ipcbench-channel.c  the transports those processes talk over
 *   ipcbench-output.c   the result as JSON and as a text table
 *   ipcbench-load.c     a saved JSON result read back
 *   ipcbench-reading.c  the plain-language paragraph on what it means
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <stdatomic.h>
#include <stddef.h>
#include <stdint.h>
#include <mqueue.h>

#include "ipcbench.h"

G_BEGIN_DECLS

#define BENCH_CACHE_LINE 64
#define BENCH_ALIGN      _Alignas (BENCH_CACHE_LINE)

/* Direction of a message: the sender A to the receiver B, or back. */
typedef enum {
  BENCH_A_TO_B = 0,
  BENCH_B_TO_A = 1,
} BenchDirection;

typedef enum {
  BENCH_SIDE_A = 0,
  BENCH_SIDE_B = 1,
} BenchSide;

#define BENCH_ERROR_LEN 200

/* The size of a ring: what a transport's copies work on stays in cache.
 * The runner copies blocks of it; the JSON says which size it used. */
#define MEMCPY_BLOCK      (256u << 10)

/* Indexed by ShmvizBenchMechanism (ipcbench-config.c): the name is what
 * --mechanisms, the table and the JSON use, the label what people read. */
typedef struct {
  const char *name;
  const char *label;
} BenchMechanismInfo;

extern const BenchMechanismInfo bench_mechanisms[SHMVIZ_BENCH_N_MECHANISMS];

/* Number formats of the table, which the reading quotes the same way
 * (ipcbench-output.c). Newly allocated; "–" when not finite. */
char    *bench_format_size  (guint   size);
char    *bench_format_count (gdouble v);
char    *bench_format_bytes (gdouble v);
char    *bench_format_ns    (gdouble v);

/* The runner's window into one run: the first part of the run's shared
 * object. A writes the plan and its measurements, B its own; the channel
 * itself orders each write before the other side reads it. */
typedef struct {
  BENCH_ALIGN _Atomic guint64 stream_n;     /* messages in the current streaming phase */
  _Atomic guint64 pingpong_n;               /* round trips in the current ping-pong phase */
  _Atomic guint   phases_done;              /* progress, written by A */
  guint           repetitions;
  guint           n_cpus;
  gdouble         stream_seconds;
  gdouble         pingpong_seconds;

  guint64         t0_ns[SHMVIZ_BENCH_MAX_REPS];   /* A: before the first message */
  guint64         t1_ns[SHMVIZ_BENCH_MAX_REPS];   /* B: after the last one */
  guint64         stream_messages[SHMVIZ_BENCH_MAX_REPS];
  guint64         round_trips[SHMVIZ_BENCH_MAX_REPS];
  gdouble         latency_median_ns[SHMVIZ_BENCH_MAX_REPS];
  gdouble         latency_p99_ns[SHMVIZ_BENCH_MAX_REPS];

  /* Counted by whichever side received the message. */
  guint64         checked[2];
  guint64         order_errors[2];
  guint64         checksum_errors[2];

  /* Hardware floor: one cache line bounced between the two processes. */
  BENCH_ALIGN _Atomic guint64 handoff;
  BENCH_ALIGN gdouble handoff_ns;

  char            error[2][BENCH_ERROR_LEN];
} BenchCtl;

typedef struct {
  ShmvizBenchMechanism mechanism;
  guint                size;
  guint                slots;          /* shm rings */
  gsize                stride;         /* bytes per ring slot */
  guint                n_cpus;
  int                  fd[2][2];       /* per direction: read end, write end */
  mqd_t                mq[2];
  void                *ring[2];        /* per direction, inside the run's shared object */
  /* Each child's own copy after the fork: its position in each ring it
   * uses, and the last position of the peer it saw (spin floor). */
  guint64              pos[2];
  guint64              seen[2];
  guint8              *held[2];        /* lock-free: the cell being read in place, */
  guint64              held_seq[2];    /* and the sequence that hands it back */
} BenchChannel;

/* Bytes the transport needs in the run's shared object (0 for kernel
 * transports), and the slots it will use. */
gsize    bench_channel_shm_bytes (ShmvizBenchMechanism mechanism,
                                  guint                size,
                                  guint               *slots);
/* In the runner, before the fork. FALSE with *unsupported set when this
 * machine cannot carry messages of this size this way (not a failure). */
gboolean bench_channel_open      (BenchChannel        *channel,
                                  ShmvizBenchMechanism mechanism,
                                  guint                size,
                                  void                *shm,
                                  gsize                shm_bytes,
                                  guint                n_cpus,
                                  gboolean            *unsupported,
                                  GError             **error);
/* In a child: keep only its own ends. */
void     bench_channel_keep_side (BenchChannel        *channel,
                                  BenchSide            side);
/* Close what this process holds; the runner calls it right after forking. */
void     bench_channel_close     (BenchChannel        *channel);

/* Whole messages of channel->size bytes; FALSE or NULL when the peer is
 * gone.  Only in the children, which use nothing but libc.
 *
 * bench_channel_recv() returns the message, valid until
 * bench_channel_release(): a kernel transport copies it into @buffer, a
 * shared-memory ring hands out its slot, which the receiver reads in
 * place and which the sender cannot reuse until it is released.  Not
 * having to copy is what shared memory is for, so the benchmark lets it. */
gboolean    bench_channel_send    (BenchChannel        *channel,
                                   BenchDirection       direction,
                                   const void          *message);
const void *bench_channel_recv    (BenchChannel        *channel,
                                   BenchDirection       direction,
                                   void                *buffer);
void        bench_channel_release (BenchChannel        *channel,
                                   BenchDirection       direction);

/* The two processes of a run; they never return. */
G_GNUC_NORETURN void bench_peer_main (BenchChannel *channel,
                                      BenchCtl     *ctl,
                                      BenchSide     side,
                                      int           cpu);
G_GNUC_NORETURN void bench_handoff_main (BenchCtl  *ctl,
                                         BenchSide  side,
                                         int        cpu,
                                         guint64    rounds);

guint64  bench_now_ns (void);
static inline void
bench_cpu_relax (void)
{
#if defined(__x86_64__) || defined(__i386__)
  __builtin_ia32_pause ();
#elif defined(__aarch64__)
  __asm__ __volatile__ ("yield" ::: "memory");
#else
  __asm__ __volatile__ ("" ::: "memory");
#endif
}

G_END_DECLS
