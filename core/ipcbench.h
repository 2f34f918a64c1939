/* ipcbench.h — the IPC speed lab: the same messages between two real
 * processes over a pipe, a POSIX message queue, a Unix socket and three
 * shared-memory rings, against the machine's own floor
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gio/gio.h>

G_BEGIN_DECLS

typedef enum {
  SHMVIZ_BENCH_PIPE,
  SHMVIZ_BENCH_MQUEUE,
  SHMVIZ_BENCH_UNIX_SOCKET,
  SHMVIZ_BENCH_SHM_SEMAPHORES,
  SHMVIZ_BENCH_SHM_LOCK_FREE,
  SHMVIZ_BENCH_SPIN_FLOOR,
  SHMVIZ_BENCH_N_MECHANISMS
} ShmvizBenchMechanism;

/* Every message starts with a sequence number and a checksum. */
#define SHMVIZ_BENCH_MIN_SIZE   16u
#define SHMVIZ_BENCH_MAX_SIZE   (1u << 20)
#define SHMVIZ_BENCH_MAX_SIZES  8u
#define SHMVIZ_BENCH_MAX_REPS   50u

typedef struct {
  guint    sizes[SHMVIZ_BENCH_MAX_SIZES];
  guint    n_sizes;
  guint    mechanisms;          /* bit mask of 1 << ShmvizBenchMechanism */
  guint    repetitions;         /* measured runs after the warm-up */
  gdouble  stream_seconds;      /* aim for one streaming run */
  gdouble  pingpong_seconds;    /* aim for one ping-pong run */
  gboolean pin;                 /* sender and receiver each on a CPU of their own */
} ShmvizBenchConfig;

/* Defaults: 64 B, 4 KiB, 64 KiB, every mechanism; quick is a few seconds
 * in all, the full run about half a minute. */
void        shmviz_bench_config_init (ShmvizBenchConfig *config,
                                      gboolean           quick);
/* "64,4096,64k" → sizes; FALSE with a message when it is not that. */
gboolean    shmviz_bench_parse_sizes (ShmvizBenchConfig *config,
                                      const char        *text,
                                      GError           **error);
gboolean    shmviz_bench_parse_mechanisms (ShmvizBenchConfig *config,
                                           const char        *text,
                                           GError           **error);

const char *shmviz_bench_mechanism_name  (ShmvizBenchMechanism mechanism);
const char *shmviz_bench_mechanism_label (ShmvizBenchMechanism mechanism);

typedef struct {
  gdouble median;
  gdouble min;
  gdouble max;
} ShmvizBenchFigure;

typedef struct {
  ShmvizBenchMechanism mechanism;
  guint                size;
  gboolean             supported;         /* FALSE: this machine cannot, see note */
  gboolean             failed;            /* a process died or hung, see note */
  char                *note;
  guint                repetitions;
  guint64              stream_messages;   /* in the shortest streaming run */
  guint64              round_trips;       /* in the shortest ping-pong run */
  ShmvizBenchFigure    messages_per_second;
  ShmvizBenchFigure    bytes_per_second;
  ShmvizBenchFigure    latency_ns_median; /* one way: round trip / 2 */
  ShmvizBenchFigure    latency_ns_p99;
  guint64              messages_checked;
  guint64              order_errors;
  guint64              checksum_errors;
} ShmvizBenchRow;

typedef struct {
  GArray  *rows;                        /* of ShmvizBenchRow */
  gdouble  memcpy_bytes_per_second;
  gdouble  cacheline_handoff_ns;        /* one way, two spinning processes */
  guint    n_cpus;
  gboolean pinned;
  gdouble  load_average;                /* one minute, when the run began */
  char    *cpu_model;
  char    *kernel;
  char    *date;                        /* ISO 8601, UTC */
  gdouble  seconds;
} ShmvizBenchResult;

void               shmviz_bench_result_free (ShmvizBenchResult *result);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (ShmvizBenchResult, shmviz_bench_result_free)

const ShmvizBenchRow *shmviz_bench_result_lookup (const ShmvizBenchResult *result,
                                                  ShmvizBenchMechanism     mechanism,
                                                  guint                    size);

/* fraction in [0, 1]; called from the thread that runs the benchmark. */
typedef void (*ShmvizBenchProgress) (gdouble     fraction,
                                     const char *what,
                                     gpointer    user_data);

/* Blocks for the whole run: call it from a thread of its own when a main
 * loop must keep going. Forks two fresh processes per mechanism and size;
 * cancelling kills them at once. Every shared memory object and message
 * queue is unlinked as soon as it is open, so nothing outlives the run. */
ShmvizBenchResult *shmviz_bench_run (const ShmvizBenchConfig *config,
                                     ShmvizBenchProgress      progress,
                                     gpointer                 user_data,
                                     GCancellable            *cancellable,
                                     GError                 **error);

char *shmviz_bench_result_to_json  (const ShmvizBenchResult *result);
/* Reads back what shmviz_bench_result_to_json() wrote, so a saved run can
 * be drawn and read again (core/ipcbench-load.c); length -1: up to NUL. */
ShmvizBenchResult *shmviz_bench_result_from_json (const char *json,
                                                  gssize      length,
                                                  GError    **error);
char *shmviz_bench_result_to_table (const ShmvizBenchResult *result);
/* One honest paragraph for people, computed from the figures: what shared
 * memory bought, and where a pipe won and why. */
char *shmviz_bench_result_reading  (const ShmvizBenchResult *result);

G_END_DECLS
