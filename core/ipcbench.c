/* ipcbench.c — the IPC speed lab's runner: runs each mechanism between two
 * fresh processes and gathers the figures
 *
 * The run goes in rounds, each measuring every mechanism and size once,
 * so that side-by-side ratios compare runs made at the same time.  Each
 * repetition of a mechanism and size gets one shared object of its own, named
 * /shmviz-<pid>-bench-<random> and unlinked as soon as it is mapped, that
 * holds the run's control block (plan, measurements, error text) and, for
 * the shared-memory mechanisms, the two rings. The two processes are
 * forked from here, so they inherit the mapping, the pipes, the socket
 * and the message queues; no name is left to clean up, whatever happens.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <glib/gi18n.h>
#include <math.h>
#include <sched.h>
#include <signal.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/utsname.h>
#include <sys/wait.h>
#include <unistd.h>

#include "ipcbench-private.h"

#define MEMCPY_COPIES     256
#define MEMCPY_REPS       5
#define POLL_US           10000

static void
clear_row (gpointer data)
{
  ShmvizBenchRow *row = data;

  g_clear_pointer (&row->note, g_free);
}

void
shmviz_bench_result_free (ShmvizBenchResult *result)
{
  if (!result)
    return;
  g_clear_pointer (&result->rows, g_array_unref);
  g_free (result->cpu_model);
  g_free (result->kernel);
  g_free (result->date);
  g_free (result);
}

const ShmvizBenchRow *
shmviz_bench_result_lookup (const ShmvizBenchResult *result,
                            ShmvizBenchMechanism     mechanism,
                            guint                    size)
{
  for (guint i = 0; i < result->rows->len; i++)
    {
      const ShmvizBenchRow *row = &g_array_index (result->rows, ShmvizBenchRow, i);

      if (row->mechanism == mechanism && row->size == size)
        return row;
    }
  return NULL;
}

/* The runner */

typedef struct {
  const ShmvizBenchConfig *config;
  ShmvizBenchProgress      progress;
  gpointer                 user_data;
  GCancellable            *cancellable;
  int                      cpu[2];
  guint                    n_cpus;
  guint                    units_done;
  guint                    units_total;
  guint                    units_per_run;
} Runner;

static void
report (Runner     *runner,
        guint       extra,
        const char *what)
{
  if (runner->progress)
    runner->progress (MIN (1.0, (gdouble) (runner->units_done + extra) / runner->units_total),
                      what, runner->user_data);
}

static BenchCtl *
map_run (gsize    extra,
         gsize   *total,
         GError **error)
{
  char name[64];
  void *base;
  int fd, r;

  *total = sizeof (BenchCtl) + extra;
  g_snprintf (name, sizeof name, "/shmviz-%d-bench-%08x%08x%08x", (int) getpid (),
              g_random_int (), g_random_int (), g_random_int ());
  fd = shm_open (name, O_RDWR | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
  if (fd < 0)
    {
      int errsv = errno;
      g_set_error (error, G_IO_ERROR, g_io_error_from_errno (errsv),
                   _("Could not create the shared memory object %s: %s"), name, g_strerror (errsv));
      return NULL;
    }
  /* Reserve the pages now: on tmpfs a page that cannot be backed later is
   * a SIGBUS in whichever process touches it first. */
  r = posix_fallocate (fd, 0, (off_t) *total);
  base = r == 0 ? mmap (NULL, *total, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0) : MAP_FAILED;
  if (r == 0 && base == MAP_FAILED)
    r = errno;
  shm_unlink (name);
  close (fd);
  if (base == MAP_FAILED)
    {
      g_autofree char *size = g_format_size (*total);
      g_set_error (error, G_IO_ERROR, g_io_error_from_errno (r),
                   _("Could not reserve %s of shared memory: %s"), size, g_strerror (r));
      return NULL;
    }
  return base;
}

static char *
describe_status (pid_t  pid,
                 int    status,
                 char  *text)
{
  if (text[0])
    return g_strndup (text, BENCH_ERROR_LEN);
  if (WIFSIGNALED (status))
    return g_strdup_printf (_("process %d was killed by signal %d (%s)"),
                            (int) pid, WTERMSIG (status), g_strsignal (WTERMSIG (status)));
  return g_strdup_printf (_("process %d exited with status %d"), (int) pid, WEXITSTATUS (status));
}

/* Forks A and B, waits for both, and kills both at once when one fails,
 * the run is cancelled or it takes far longer than planned. FALSE only
 * when cancelled or unable to fork; a failed run returns TRUE with
 * *failure set. */
static gboolean
run_pair (Runner       *runner,
          BenchCtl     *ctl,
          BenchChannel *channel,
          guint64       handoff_rounds,
          const char   *what,
          char        **failure,
          GError      **error)
{
  const ShmvizBenchConfig *config = runner->config;
  gdouble limit_s = 30.0 + 20.0 * config->repetitions * (config->stream_seconds + config->pingpong_seconds);
  pid_t pid[2] = { -1, -1 };
  int status[2] = { 0, 0 };
  gboolean alive[2] = { FALSE, FALSE };
  gint64 deadline;
  gboolean cancelled = FALSE;

  *failure = NULL;
  for (guint side = 0; side < 2; side++)
    {
      pid[side] = fork ();
      if (pid[side] == 0)
        {
          if (channel)
            {
              bench_channel_keep_side (channel, side);
              bench_peer_main (channel, ctl, side, runner->cpu[side]);
            }
          bench_handoff_main (ctl, side, runner->cpu[side], handoff_rounds);
        }
      if (pid[side] < 0)
        {
          int errsv = errno;

          if (side == 1)
            {
              kill (pid[0], SIGKILL);
              waitpid (pid[0], NULL, 0);
            }
          if (channel)
            bench_channel_close (channel);
          g_set_error (error, G_IO_ERROR, g_io_error_from_errno (errsv),
                       _("Could not start a process: %s"), g_strerror (errsv));
          return FALSE;
        }
      alive[side] = TRUE;
    }
  /* Only the children's ends may stay open, or a dead peer would never
   * read as end-of-file. */
  if (channel)
    bench_channel_close (channel);

  deadline = g_get_monotonic_time () + (gint64) (limit_s * G_USEC_PER_SEC);
  while (alive[0] || alive[1])
    {
      gboolean kill_all = FALSE;

      for (guint side = 0; side < 2; side++)
        if (alive[side] && waitpid (pid[side], &status[side], WNOHANG) == pid[side])
          {
            alive[side] = FALSE;
            if (!(WIFEXITED (status[side]) && WEXITSTATUS (status[side]) == 0) && !*failure)
              {
                *failure = describe_status (pid[side], status[side], ctl->error[side]);
                kill_all = TRUE;
              }
          }
      if (g_cancellable_is_cancelled (runner->cancellable))
        cancelled = kill_all = TRUE;
      else if (g_get_monotonic_time () > deadline && !*failure)
        {
          *failure = g_strdup_printf (_("did not finish within %.0f s"), limit_s);
          kill_all = TRUE;
        }
      if (kill_all)
        for (guint side = 0; side < 2; side++)
          if (alive[side])
            {
              kill (pid[side], SIGKILL);
              waitpid (pid[side], &status[side], 0);
              alive[side] = FALSE;
            }
      if (alive[0] || alive[1])
        {
          report (runner, MIN (atomic_load (&ctl->phases_done), runner->units_per_run), what);
          g_usleep (POLL_US);
        }
    }

  if (cancelled)
    {
      g_clear_pointer (failure, g_free);
      g_set_error_literal (error, G_IO_ERROR, G_IO_ERROR_CANCELLED, _("The benchmark was cancelled"));
      return FALSE;
    }
  return TRUE;
}

static ShmvizBenchFigure
figure (const gdouble *values,
        guint          n)
{
  g_autofree gdouble *v = g_memdup2 (values, n * sizeof (gdouble));
  ShmvizBenchFigure f = { NAN, NAN, NAN };
  guint i, j;

  if (n == 0)
    return f;
  for (i = 1; i < n; i++)
    for (j = i; j > 0 && v[j - 1] > v[j]; j--)
      {
        gdouble t = v[j];
        v[j] = v[j - 1];
        v[j - 1] = t;
      }
  f.min = v[0];
  f.max = v[n - 1];
  f.median = n % 2 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2.0;
  return f;
}

/* One mechanism and size over the rounds: a repetition per round. */
typedef struct {
  gdouble  mps[SHMVIZ_BENCH_MAX_REPS];
  gdouble  lat[SHMVIZ_BENCH_MAX_REPS];
  gdouble  p99[SHMVIZ_BENCH_MAX_REPS];
  guint    n;
  gboolean finished;   /* unsupported, or a run failed: no more rounds */
} RowSamples;

static void
add_sample (ShmvizBenchRow *row,
            RowSamples     *samples,
            const BenchCtl *ctl)
{
  /* Counted whether or not the timing is usable: every message checked. */
  row->messages_checked += ctl->checked[0] + ctl->checked[1];
  row->order_errors += ctl->order_errors[0] + ctl->order_errors[1];
  row->checksum_errors += ctl->checksum_errors[0] + ctl->checksum_errors[1];
  if (ctl->t1_ns[0] <= ctl->t0_ns[0] || samples->n == G_N_ELEMENTS (samples->mps))
    return;
  /* Each run sizes itself after its own warm-up: keep the fewest. */
  if (samples->n == 0 || ctl->stream_messages[0] < row->stream_messages)
    row->stream_messages = ctl->stream_messages[0];
  if (samples->n == 0 || ctl->round_trips[0] < row->round_trips)
    row->round_trips = ctl->round_trips[0];
  samples->mps[samples->n] = ctl->stream_messages[0] * 1e9 / (ctl->t1_ns[0] - ctl->t0_ns[0]);
  samples->lat[samples->n] = ctl->latency_median_ns[0];
  samples->p99[samples->n] = ctl->latency_p99_ns[0];
  samples->n++;
}

static void
finish_row (ShmvizBenchRow   *row,
            const RowSamples *samples)
{
  gdouble bps[SHMVIZ_BENCH_MAX_REPS];

  for (guint i = 0; i < samples->n; i++)
    bps[i] = samples->mps[i] * row->size;
  row->repetitions = samples->n;
  row->messages_per_second = figure (samples->mps, samples->n);
  row->bytes_per_second = figure (bps, samples->n);
  row->latency_ns_median = figure (samples->lat, samples->n);
  row->latency_ns_p99 = figure (samples->p99, samples->n);
}

/* One repetition of one mechanism and size, in two fresh processes that
 * warm up first.  A round runs every mechanism once: a VM whose CPUs move
 * closer or apart during the run then weighs on every mechanism alike,
 * where one mechanism's repetitions back to back could all fall in a slow
 * phase and another's in a fast one, and their ratio would measure the VM. */
static gboolean
run_once (Runner           *runner,
          ShmvizBenchRow   *row,
          RowSamples       *samples,
          GError          **error)
{
  g_autoptr(GError) local_error = NULL;
  g_autofree char *what = NULL;
  g_autofree char *failure = NULL;
  BenchChannel channel;
  BenchCtl *ctl;
  gsize ring_bytes, total;
  guint slots;
  gboolean unsupported = FALSE, ok;

  what = g_strdup_printf ("%s %u B", bench_mechanisms[row->mechanism].name, row->size);
  report (runner, 0, what);

  ring_bytes = bench_channel_shm_bytes (row->mechanism, row->size, &slots);
  ctl = map_run (ring_bytes, &total, error);
  if (!ctl)
    return FALSE;
  ctl->repetitions = 1;
  ctl->n_cpus = runner->n_cpus;
  ctl->stream_seconds = runner->config->stream_seconds;
  ctl->pingpong_seconds = runner->config->pingpong_seconds;

  if (!bench_channel_open (&channel, row->mechanism, row->size, (guint8 *) ctl + sizeof (BenchCtl),
                           ring_bytes, runner->n_cpus, &unsupported, &local_error))
    {
      munmap (ctl, total);
      if (!unsupported)
        {
          g_propagate_error (error, g_steal_pointer (&local_error));
          return FALSE;
        }
      row->supported = FALSE;
      row->note = g_strdup (local_error->message);
      samples->finished = TRUE;
      return TRUE;
    }

  ok = run_pair (runner, ctl, &channel, 0, what, &failure, error);
  if (ok)
    {
      add_sample (row, samples, ctl);
      if (failure)
        {
          row->failed = TRUE;
          row->note = g_steal_pointer (&failure);
          samples->finished = TRUE;
        }
    }
  munmap (ctl, total);
  return ok;
}

/* Stores NAN in *handoff_ns when the run failed. */
static gboolean
measure_handoff (Runner   *runner,
                 gdouble  *handoff_ns,
                 GError  **error)
{
  g_autofree char *failure = NULL;
  gboolean quick = runner->config->stream_seconds < 0.1;
  BenchCtl *ctl;
  gsize total;
  gboolean ok;

  ctl = map_run (0, &total, error);
  if (!ctl)
    return FALSE;
  ok = run_pair (runner, ctl, NULL, quick ? 20000 : 200000, "cache line", &failure, error);
  *handoff_ns = ok && !failure ? ctl->handoff_ns : NAN;
  munmap (ctl, total);
  return ok;
}

static gdouble
measure_memcpy (void)
{
  g_autofree guint8 *src = g_malloc (MEMCPY_BLOCK);
  g_autofree guint8 *dst = g_malloc (MEMCPY_BLOCK);
  gdouble rates[MEMCPY_REPS];

  memset (src, 0x5a, MEMCPY_BLOCK);
  memset (dst, 0, MEMCPY_BLOCK);
  for (guint r = 0; r < MEMCPY_REPS; r++)
    {
      guint64 t0 = bench_now_ns (), dt;

      for (guint i = 0; i < MEMCPY_COPIES; i++)
        {
          memcpy (dst, src, MEMCPY_BLOCK);
          /* Keep the compiler from proving the copy useless. */
          __asm__ __volatile__ ("" : : "r" (dst) : "memory");
        }
      dt = bench_now_ns () - t0;
      rates[r] = (gdouble) MEMCPY_BLOCK * MEMCPY_COPIES * 1e9 / MAX (dt, 1);
    }
  return figure (rates, MEMCPY_REPS).median;
}

static void
machine_info (ShmvizBenchResult *result,
              Runner            *runner)
{
  g_autofree char *cpuinfo = NULL;
  g_autoptr(GDateTime) now = g_date_time_new_now_utc ();
  struct utsname u;
  cpu_set_t set;

  runner->n_cpus = 0;
  runner->cpu[0] = runner->cpu[1] = -1;
  if (sched_getaffinity (0, sizeof set, &set) == 0)
    {
      for (int c = 0; c < CPU_SETSIZE; c++)
        if (CPU_ISSET (c, &set))
          {
            if (runner->n_cpus < 2)
              runner->cpu[runner->n_cpus] = c;
            runner->n_cpus++;
          }
    }
  if (runner->n_cpus == 0)
    runner->n_cpus = MAX (1, sysconf (_SC_NPROCESSORS_ONLN));
  if (runner->config->pin && runner->cpu[0] >= 0)
    {
      /* With one CPU both sides share it, which is what pinning means there. */
      if (runner->cpu[1] < 0)
        runner->cpu[1] = runner->cpu[0];
    }
  else
    runner->cpu[0] = runner->cpu[1] = -1;

  result->n_cpus = runner->n_cpus;
  result->load_average = NAN;
  {
    g_autofree char *loadavg = NULL;

    if (g_file_get_contents ("/proc/loadavg", &loadavg, NULL, NULL))
      result->load_average = g_ascii_strtod (loadavg, NULL);
  }
  result->pinned = runner->cpu[0] >= 0;
  if (g_file_get_contents ("/proc/cpuinfo", &cpuinfo, NULL, NULL))
    {
      g_auto(GStrv) lines = g_strsplit (cpuinfo, "\n", -1);

      for (guint i = 0; lines[i] && !result->cpu_model; i++)
        if (g_str_has_prefix (lines[i], "model name") && strchr (lines[i], ':'))
          result->cpu_model = g_strdup (g_strstrip (strchr (lines[i], ':') + 1));
    }
  if (!result->cpu_model)
    result->cpu_model = g_strdup (_("unknown CPU"));
  result->kernel = uname (&u) == 0 ? g_strdup_printf ("%s %s %s", u.sysname, u.release, u.machine)
                                   : g_strdup (_("unknown kernel"));
  result->date = g_date_time_format_iso8601 (now);
}

ShmvizBenchResult *
shmviz_bench_run (const ShmvizBenchConfig *config,
                  ShmvizBenchProgress      progress,
                  gpointer                 user_data,
                  GCancellable            *cancellable,
                  GError                 **error)
{
  g_autoptr(ShmvizBenchResult) result = g_new0 (ShmvizBenchResult, 1);
  Runner runner = { config, progress, user_data, cancellable };
  g_autofree RowSamples *samples = NULL;
  gdouble handoffs[SHMVIZ_BENCH_MAX_REPS];
  guint n_handoffs = 0;
  guint n_mechanisms = 0;
  guint64 start = bench_now_ns ();

  g_return_val_if_fail (config != NULL, NULL);
  g_return_val_if_fail (config->n_sizes >= 1 && config->n_sizes <= SHMVIZ_BENCH_MAX_SIZES, NULL);
  g_return_val_if_fail (config->repetitions >= 1 && config->repetitions <= SHMVIZ_BENCH_MAX_REPS, NULL);
  g_return_val_if_fail (config->mechanisms != 0, NULL);

  result->rows = g_array_new (FALSE, TRUE, sizeof (ShmvizBenchRow));
  g_array_set_clear_func (result->rows, clear_row);
  machine_info (result, &runner);

  for (guint m = 0; m < SHMVIZ_BENCH_N_MECHANISMS; m++)
    n_mechanisms += (config->mechanisms >> m) & 1;
  /* Per pair of processes: two warm-up phases, then a stream and a
   * ping-pong. */
  runner.units_per_run = 4;
  runner.units_total = runner.units_per_run * (1 + n_mechanisms * config->n_sizes) * config->repetitions;

  report (&runner, 0, "memcpy");
  result->memcpy_bytes_per_second = measure_memcpy ();

  samples = g_new0 (RowSamples, n_mechanisms * config->n_sizes);
  for (guint m = 0; m < SHMVIZ_BENCH_N_MECHANISMS; m++)
    {
      if (!((config->mechanisms >> m) & 1))
        continue;
      for (guint s = 0; s < config->n_sizes; s++)
        {
          ShmvizBenchRow row = { .mechanism = m, .size = config->sizes[s], .supported = TRUE };

          g_array_append_val (result->rows, row);
        }
    }

  /* The hand-off too, once a round: the rings' latencies are held
   * against it. */
  for (guint r = 0; r < config->repetitions; r++)
    {
      if (!measure_handoff (&runner, &handoffs[n_handoffs], error))
        return NULL;
      n_handoffs += isfinite (handoffs[n_handoffs]);
      runner.units_done += runner.units_per_run;

      for (guint i = 0; i < result->rows->len; i++)
        {
          ShmvizBenchRow *row = &g_array_index (result->rows, ShmvizBenchRow, i);

          if (g_cancellable_set_error_if_cancelled (cancellable, error))
            return NULL;
          if (!samples[i].finished && !run_once (&runner, row, &samples[i], error))
            return NULL;
          runner.units_done += runner.units_per_run;
        }
    }
  result->cacheline_handoff_ns = figure (handoffs, n_handoffs).median;

  for (guint i = 0; i < result->rows->len; i++)
    finish_row (&g_array_index (result->rows, ShmvizBenchRow, i), &samples[i]);
  report (&runner, 0, "");
  result->seconds = (bench_now_ns () - start) / 1e9;
  return g_steal_pointer (&result);
}
