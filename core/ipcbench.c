/* ipcbench.c — the IPC speed lab: runs each mechanism between two fresh
 * processes, gathers the figures, and says what they mean
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

#include "json.h"

#include <errno.h>
#include <fcntl.h>
#include <glib/gi18n.h>
#include <inttypes.h>
#include <math.h>
#include <sched.h>
#include <signal.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/utsname.h>
#include <sys/wait.h>
#include <unistd.h>

#include "ipcbench-private.h"

/* The size of a ring: what a transport's copies work on stays in cache. */
#define MEMCPY_BLOCK      (256u << 10)
#define MEMCPY_COPIES     256
#define MEMCPY_REPS       5
#define POLL_US           10000

static const struct {
  const char *name;
  const char *label;
} mechanisms[SHMVIZ_BENCH_N_MECHANISMS] = {
  [SHMVIZ_BENCH_PIPE]           = { "pipe",           N_("pipe") },
  [SHMVIZ_BENCH_MQUEUE]         = { "mqueue",         N_("POSIX message queue") },
  [SHMVIZ_BENCH_UNIX_SOCKET]    = { "unix-socket",    N_("Unix domain socket") },
  [SHMVIZ_BENCH_SHM_SEMAPHORES] = { "shm-semaphores", N_("shared memory + semaphores") },
  [SHMVIZ_BENCH_SHM_LOCK_FREE]  = { "shm-lock-free",  N_("shared memory, lock-free") },
  [SHMVIZ_BENCH_SPIN_FLOOR]     = { "spin-floor",     N_("spinning ring (floor)") },
};

const char *
shmviz_bench_mechanism_name (ShmvizBenchMechanism mechanism)
{
  g_return_val_if_fail (mechanism < SHMVIZ_BENCH_N_MECHANISMS, NULL);
  return mechanisms[mechanism].name;
}

const char *
shmviz_bench_mechanism_label (ShmvizBenchMechanism mechanism)
{
  g_return_val_if_fail (mechanism < SHMVIZ_BENCH_N_MECHANISMS, NULL);
  return _(mechanisms[mechanism].label);
}

void
shmviz_bench_config_init (ShmvizBenchConfig *config,
                          gboolean           quick)
{
  memset (config, 0, sizeof *config);
  config->sizes[0] = 64;
  config->sizes[1] = 4096;
  config->sizes[2] = 65536;
  config->n_sizes = 3;
  config->mechanisms = (1u << SHMVIZ_BENCH_N_MECHANISMS) - 1;
  config->repetitions = quick ? 3 : 5;
  config->stream_seconds = quick ? 0.02 : 0.2;
  config->pingpong_seconds = quick ? 0.01 : 0.1;
}

static gboolean
parse_size (const char *text,
            guint      *out)
{
  guint64 v, mul = 1;
  char *end = NULL;

  if (!g_ascii_isdigit (*text))
    return FALSE;
  v = g_ascii_strtoull (text, &end, 10);
  if (g_ascii_strcasecmp (end, "k") == 0 || g_ascii_strcasecmp (end, "kib") == 0)
    mul = 1024;
  else if (g_ascii_strcasecmp (end, "m") == 0 || g_ascii_strcasecmp (end, "mib") == 0)
    mul = 1024 * 1024;
  else if (*end != '\0' && g_ascii_strcasecmp (end, "b") != 0)
    return FALSE;
  if (v > SHMVIZ_BENCH_MAX_SIZE || v * mul < SHMVIZ_BENCH_MIN_SIZE || v * mul > SHMVIZ_BENCH_MAX_SIZE)
    return FALSE;
  *out = (guint) (v * mul);
  return TRUE;
}

gboolean
shmviz_bench_parse_sizes (ShmvizBenchConfig *config,
                          const char        *text,
                          GError           **error)
{
  g_auto(GStrv) parts = g_strsplit (text, ",", -1);
  guint n = 0;

  for (guint i = 0; parts[i]; i++)
    {
      const char *part = g_strstrip (parts[i]);
      guint size;
      gboolean seen = FALSE;

      if (!parse_size (part, &size))
        {
          g_set_error (error, G_OPTION_ERROR, G_OPTION_ERROR_BAD_VALUE,
                       _("--sizes takes message sizes in bytes from %u to %u (as in 64,4096,64k), "
                         "not “%s”"), SHMVIZ_BENCH_MIN_SIZE, SHMVIZ_BENCH_MAX_SIZE, part);
          return FALSE;
        }
      for (guint j = 0; j < n; j++)
        seen |= config->sizes[j] == size;
      if (seen)
        continue;
      if (n == SHMVIZ_BENCH_MAX_SIZES)
        {
          g_set_error (error, G_OPTION_ERROR, G_OPTION_ERROR_BAD_VALUE,
                       _("--sizes takes at most %u sizes"), SHMVIZ_BENCH_MAX_SIZES);
          return FALSE;
        }
      config->sizes[n++] = size;
    }
  if (n == 0)
    {
      g_set_error (error, G_OPTION_ERROR, G_OPTION_ERROR_BAD_VALUE, _("--sizes is empty"));
      return FALSE;
    }
  config->n_sizes = n;
  return TRUE;
}

gboolean
shmviz_bench_parse_mechanisms (ShmvizBenchConfig *config,
                               const char        *text,
                               GError           **error)
{
  g_auto(GStrv) parts = g_strsplit (text, ",", -1);
  guint mask = 0;

  for (guint i = 0; parts[i]; i++)
    {
      const char *part = g_strstrip (parts[i]);
      guint m;

      for (m = 0; m < SHMVIZ_BENCH_N_MECHANISMS; m++)
        if (g_strcmp0 (part, mechanisms[m].name) == 0)
          break;
      if (m == SHMVIZ_BENCH_N_MECHANISMS)
        {
          g_set_error (error, G_OPTION_ERROR, G_OPTION_ERROR_BAD_VALUE,
                       _("--mechanisms takes pipe, mqueue, unix-socket, shm-semaphores, "
                         "shm-lock-free and spin-floor, not “%s”"), part);
          return FALSE;
        }
      mask |= 1u << m;
    }
  if (mask == 0)
    {
      g_set_error (error, G_OPTION_ERROR, G_OPTION_ERROR_BAD_VALUE, _("--mechanisms is empty"));
      return FALSE;
    }
  config->mechanisms = mask;
  return TRUE;
}

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

  what = g_strdup_printf ("%s %u B", mechanisms[row->mechanism].name, row->size);
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

/* Output */

static void
json_number (GString *out,
             gdouble  v)
{
  char buf[G_ASCII_DTOSTR_BUF_SIZE];

  if (!isfinite (v))
    g_string_append (out, "null");
  else
    g_string_append (out, g_ascii_formatd (buf, sizeof buf, "%.1f", v));
}

static void
json_figure (GString                 *out,
             const char              *key,
             const ShmvizBenchFigure *f)
{
  g_string_append_printf (out, ", \"%s\": ", key);
  json_number (out, f->median);
  g_string_append_printf (out, ", \"%s_min\": ", key);
  json_number (out, f->min);
  g_string_append_printf (out, ", \"%s_max\": ", key);
  json_number (out, f->max);
}

char *
shmviz_bench_result_to_json (const ShmvizBenchResult *result)
{
  GString *out = g_string_new ("{\"benchmark\": \"ipc\", \"date\": ");
  g_autofree char *reading = shmviz_bench_result_reading (result);

  shmviz_json_string (out, result->date);
  g_string_append_printf (out, ", \"machine\": {\"cpus\": %u, \"cpu_model\": ", result->n_cpus);
  shmviz_json_string (out, result->cpu_model);
  g_string_append (out, ", \"kernel\": ");
  shmviz_json_string (out, result->kernel);
  g_string_append_printf (out, ", \"pinned\": %s, \"load_average\": ", result->pinned ? "true" : "false");
  json_number (out, result->load_average);
  g_string_append (out, "}");
  g_string_append (out, ", \"memcpy_bytes_per_second\": ");
  json_number (out, result->memcpy_bytes_per_second);
  g_string_append_printf (out, ", \"memcpy_block_bytes\": %u", MEMCPY_BLOCK);
  g_string_append (out, ", \"cacheline_handoff_ns\": ");
  json_number (out, result->cacheline_handoff_ns);
  g_string_append (out, ", \"seconds\": ");
  json_number (out, result->seconds);
  g_string_append (out, ", \"results\": [");
  for (guint i = 0; i < result->rows->len; i++)
    {
      const ShmvizBenchRow *row = &g_array_index (result->rows, ShmvizBenchRow, i);

      g_string_append (out, i ? ",\n  {\"mechanism\": " : "\n  {\"mechanism\": ");
      shmviz_json_string (out, mechanisms[row->mechanism].name);
      g_string_append_printf (out, ", \"size\": %u, \"supported\": %s, \"failed\": %s, \"note\": ",
                              row->size, row->supported ? "true" : "false",
                              row->failed ? "true" : "false");
      if (row->note)
        shmviz_json_string (out, row->note);
      else
        g_string_append (out, "null");
      g_string_append_printf (out, ", \"repetitions\": %u, \"stream_messages\": %" G_GUINT64_FORMAT
                              ", \"round_trips\": %" G_GUINT64_FORMAT,
                              row->repetitions, row->stream_messages, row->round_trips);
      json_figure (out, "messages_per_second", &row->messages_per_second);
      json_figure (out, "bytes_per_second", &row->bytes_per_second);
      json_figure (out, "latency_ns_median", &row->latency_ns_median);
      json_figure (out, "latency_ns_p99", &row->latency_ns_p99);
      g_string_append_printf (out, ", \"messages_checked\": %" G_GUINT64_FORMAT
                              ", \"order_errors\": %" G_GUINT64_FORMAT
                              ", \"checksum_errors\": %" G_GUINT64_FORMAT "}",
                              row->messages_checked, row->order_errors, row->checksum_errors);
    }
  g_string_append (out, "\n], \"reading\": ");
  shmviz_json_string (out, reading);
  g_string_append (out, "}");
  return g_string_free (out, FALSE);
}

static char *
format_size (guint size)
{
  if (size >= 1024 * 1024 && size % (1024 * 1024) == 0)
    return g_strdup_printf ("%u MiB", size / (1024 * 1024));
  if (size >= 1024 && size % 1024 == 0)
    return g_strdup_printf ("%u KiB", size / 1024);
  return g_strdup_printf ("%u B", size);
}

static char *
format_count (gdouble v)
{
  if (!isfinite (v))
    return g_strdup ("–");
  if (v >= 1e9)
    return g_strdup_printf ("%.2f G", v / 1e9);
  if (v >= 1e6)
    return g_strdup_printf ("%.2f M", v / 1e6);
  if (v >= 1e3)
    return g_strdup_printf ("%.1f k", v / 1e3);
  return g_strdup_printf ("%.0f", v);
}

static char *
format_bytes (gdouble v)
{
  if (!isfinite (v))
    return g_strdup ("–");
  if (v >= 1e9)
    return g_strdup_printf ("%.1f GB", v / 1e9);
  if (v >= 1e6)
    return g_strdup_printf ("%.1f MB", v / 1e6);
  return g_strdup_printf ("%.1f kB", v / 1e3);
}

static char *
format_ns (gdouble v)
{
  if (!isfinite (v))
    return g_strdup ("–");
  if (v >= 1e6)
    return g_strdup_printf ("%.2f ms", v / 1e6);
  if (v >= 1e4)
    return g_strdup_printf ("%.1f µs", v / 1e3);
  if (v >= 1e3)
    return g_strdup_printf ("%.2f µs", v / 1e3);
  return g_strdup_printf ("%.0f ns", v);
}

/* printf's widths count bytes, and µ and – are two or three. */
static void
append_cell (GString    *out,
             const char *text,
             guint       width,
             gboolean    right)
{
  glong len = g_utf8_strlen (text, -1);

  if (right)
    for (glong i = len; i < (glong) width; i++)
      g_string_append_c (out, ' ');
  g_string_append (out, text);
  if (!right)
    for (glong i = len; i < (glong) width; i++)
      g_string_append_c (out, ' ');
  g_string_append (out, "  ");
}

char *
shmviz_bench_result_to_table (const ShmvizBenchResult *result)
{
  GString *out = g_string_new (NULL);
  g_autofree char *memcpy_rate = format_bytes (result->memcpy_bytes_per_second);
  g_autofree char *handoff = format_ns (result->cacheline_handoff_ns);

  append_cell (out, _("mechanism"), 14, FALSE);
  append_cell (out, _("size"), 6, TRUE);
  append_cell (out, _("messages/s"), 10, TRUE);
  append_cell (out, _("(min–max)"), 19, FALSE);
  append_cell (out, _("bytes/s"), 10, TRUE);
  append_cell (out, _("latency"), 9, TRUE);
  append_cell (out, _("(min–max)"), 19, FALSE);
  append_cell (out, _("p99"), 9, TRUE);
  g_string_append (out, _("checked"));
  g_string_append_c (out, '\n');

  for (guint i = 0; i < result->rows->len; i++)
    {
      const ShmvizBenchRow *row = &g_array_index (result->rows, ShmvizBenchRow, i);
      g_autofree char *size = format_size (row->size);

      append_cell (out, mechanisms[row->mechanism].name, 14, FALSE);
      append_cell (out, size, 6, TRUE);
      if (!row->supported || row->repetitions == 0)
        {
          g_string_append_printf (out, "%s: %s\n",
                                  row->supported ? _("failed") : _("not supported"),
                                  row->note ? row->note : _("no measurement"));
          continue;
        }
      {
        g_autofree char *mps = format_count (row->messages_per_second.median);
        g_autofree char *mps_min = format_count (row->messages_per_second.min);
        g_autofree char *mps_max = format_count (row->messages_per_second.max);
        g_autofree char *mps_range = g_strdup_printf ("(%s–%s)", mps_min, mps_max);
        g_autofree char *bps = format_bytes (row->bytes_per_second.median);
        g_autofree char *lat = format_ns (row->latency_ns_median.median);
        g_autofree char *lat_min = format_ns (row->latency_ns_median.min);
        g_autofree char *lat_max = format_ns (row->latency_ns_median.max);
        g_autofree char *lat_range = g_strdup_printf ("(%s–%s)", lat_min, lat_max);
        g_autofree char *p99 = format_ns (row->latency_ns_p99.median);
        g_autofree char *checked = NULL;

        if (row->order_errors || row->checksum_errors)
          checked = g_strdup_printf (_("%" PRIu64 " out of order, %" PRIu64 " damaged"),
                                     row->order_errors, row->checksum_errors);
        else
          {
            g_autofree char *n = format_count (row->messages_checked);
            checked = g_strdup_printf (_("%s intact"), n);
          }

        append_cell (out, mps, 10, TRUE);
        append_cell (out, mps_range, 19, FALSE);
        append_cell (out, bps, 10, TRUE);
        append_cell (out, lat, 9, TRUE);
        append_cell (out, lat_range, 19, FALSE);
        append_cell (out, p99, 9, TRUE);
        g_string_append (out, checked);
        if (row->failed)
          g_string_append_printf (out, "  %s: %s", _("failed"), row->note);
        g_string_append_c (out, '\n');
      }
    }
  g_string_append_printf (out, _("\nmemcpy %s/s, cache-line hand-off %s one way; %u CPUs%s, load %.1f; %s; %s\n"),
                          memcpy_rate, handoff, result->n_cpus,
                          result->pinned ? _(", pinned") : "", result->load_average,
                          result->cpu_model, result->kernel);
  g_string_append (out, _("Latency is one way: half a ping-pong round trip. Figures are medians of "
                          "the repetitions, with their range; each round ran every mechanism "
                          "once, in fresh processes.\n"));
  return g_string_free (out, FALSE);
}

/* The reading */

static const ShmvizBenchRow *
usable (const ShmvizBenchResult *result,
        ShmvizBenchMechanism     mechanism,
        guint                    size)
{
  const ShmvizBenchRow *row = shmviz_bench_result_lookup (result, mechanism, size);

  if (!row || !row->supported || row->failed || row->repetitions == 0 ||
      !(row->messages_per_second.median > 0))
    return NULL;
  return row;
}

static guint
result_sizes (const ShmvizBenchResult *result,
              guint                   *sizes)
{
  guint n = 0;

  for (guint i = 0; i < result->rows->len; i++)
    {
      guint size = g_array_index (result->rows, ShmvizBenchRow, i).size;
      gboolean seen = FALSE;

      for (guint j = 0; j < n; j++)
        seen |= sizes[j] == size;
      if (!seen && n < SHMVIZ_BENCH_MAX_SIZES)
        sizes[n++] = size;
    }
  /* Smallest first, whatever order they were asked for in. */
  for (guint i = 1; i < n; i++)
    for (guint j = i; j > 0 && sizes[j - 1] > sizes[j]; j--)
      {
        guint t = sizes[j];
        sizes[j] = sizes[j - 1];
        sizes[j - 1] = t;
      }
  return n;
}

static char *
rate_text (const ShmvizBenchRow *row)
{
  g_autofree char *count = format_count (row->messages_per_second.median);

  return g_strdup_printf (_("%s messages/s"), g_strstrip (count));
}

/* Why a pipe can beat a ring: said plainly, since it surprises people. */
static const char *
pipe_wins_because (const ShmvizBenchResult *result,
                   guint                    size)
{
  if (result->n_cpus < 2)
    return _("with a single CPU every hand-off through the ring is a switch to the other "
             "process, while the pipe's 64 KiB buffer lets the writer queue many messages "
             "before the reader runs");
  if (size <= 256)
    return _("for tiny messages there is almost nothing to copy, so the ring's two semaphore "
             "operations per message and its wake-ups whenever the reader catches up cost "
             "more than the copy it saves, while the pipe's 64 KiB buffer takes hundreds of "
             "messages per wake-up");
  return _("the semaphore ring woke the other process more often than the pipe did, and "
           "on this machine a wake-up costs more than the copy shared memory saves");
}

char *
shmviz_bench_result_reading (const ShmvizBenchResult *result)
{
  GString *out = g_string_new (NULL);
  guint sizes[SHMVIZ_BENCH_MAX_SIZES], n_sizes, ref = 0;
  const ShmvizBenchRow *pipe, *sem, *lf, *floor, *mq;
  g_autofree char *ref_text = NULL;
  GString *wins = g_string_new (NULL);
  guint n_wins = 0, failed = 0;
  guint64 damaged = 0;

  n_sizes = result_sizes (result, sizes);
  if (n_sizes == 0)
    {
      g_string_free (wins, TRUE);
      g_string_free (out, TRUE);
      return g_strdup (_("Nothing was measured."));
    }
  /* 4 KiB is a page and a typical message; else the nearest below it. */
  ref = sizes[0];
  for (guint i = 0; i < n_sizes; i++)
    if (sizes[i] <= 4096)
      ref = sizes[i];
  ref_text = format_size (ref);

  /* Spinning needs a CPU per side; on a busy machine it loses the most,
   * and the reader deserves to know the figures are not the machine's best. */
  if (isfinite (result->load_average) && result->load_average >= result->n_cpus)
    g_string_append_printf (out, _("This machine was busy while it ran (load average %.1f on %u CPUs), "
                                   "so the processes often waited for a CPU: the figures are low and "
                                   "noisy, and the spinning mechanisms suffer most. "),
                            result->load_average, result->n_cpus);

  pipe = usable (result, SHMVIZ_BENCH_PIPE, ref);
  sem = usable (result, SHMVIZ_BENCH_SHM_SEMAPHORES, ref);
  lf = usable (result, SHMVIZ_BENCH_SHM_LOCK_FREE, ref);
  floor = usable (result, SHMVIZ_BENCH_SPIN_FLOOR, ref);
  mq = usable (result, SHMVIZ_BENCH_MQUEUE, ref);

  if (pipe && sem)
    {
      gdouble ratio = sem->messages_per_second.median / pipe->messages_per_second.median;
      g_autofree char *s = rate_text (sem), *p = rate_text (pipe);

      if (ratio >= 1.05)
        g_string_append_printf (out,
                                _("At %s, shared memory with semaphores moved %.1f× more messages "
                                  "than a pipe on this machine (%s against %s), because a message is "
                                  "copied once into the ring and read there in place, with a system "
                                  "call only when a side has to sleep, while a pipe takes two system "
                                  "calls per message and copies it into the kernel and out again. "),
                                ref_text, ratio, s, p);
      else if (ratio <= 1 / 1.05)
        g_string_append_printf (out,
                                _("At %s, a pipe moved %.1f× more messages than shared memory with "
                                  "semaphores on this machine (%s against %s): %s. "),
                                ref_text, 1 / ratio, p, s, pipe_wins_because (result, ref));
      else
        g_string_append_printf (out,
                                _("At %s, shared memory with semaphores and a pipe moved about as "
                                  "many messages (%s and %s): here waking the other process, not "
                                  "copying, sets the pace. "), ref_text, s, p);
    }

  if (lf)
    {
      g_autofree char *l = rate_text (lf);

      g_string_append_printf (out, _("Spinning briefly before it sleeps, the lock-free ring reached %s"), l);
      if (pipe)
        g_string_append_printf (out, _(", %.1f× the pipe"),
                                lf->messages_per_second.median / pipe->messages_per_second.median);
      if (floor && lf->messages_per_second.median <= floor->messages_per_second.median * 1.05)
        {
          g_autofree char *f = rate_text (floor);
          g_string_append_printf (out, _(" and %.0f %% of the spinning floor (%s)"),
                                  100 * lf->messages_per_second.median / floor->messages_per_second.median, f);
        }
      else if (floor)
        {
          g_autofree char *f = rate_text (floor);
          /* A floor that is beaten was not a floor: its spinners lost their CPUs. */
          g_string_append_printf (out, _(", even more than the spinning ring (%s), whose two sides "
                                         "spin on while the other waits for a CPU and so waste their "
                                         "time slices when other work competes for the CPUs"), f);
        }
      g_string_append (out, ". ");
    }

  if (mq && sem)
    {
      g_autofree char *m = rate_text (mq);
      gdouble ratio = sem->messages_per_second.median / mq->messages_per_second.median;

      if (ratio >= 1.05)
        g_string_append_printf (out, _("The POSIX message queue managed %s, %.1f× fewer than the "
                                       "semaphore ring: every message is a system call into a "
                                       "kernel queue kept in priority order. "), m, ratio);
    }

  /* Latency, at the smallest size: where the copy matters least. */
  {
    const ShmvizBenchMechanism blocking[] = { SHMVIZ_BENCH_PIPE, SHMVIZ_BENCH_MQUEUE,
                                              SHMVIZ_BENCH_UNIX_SOCKET, SHMVIZ_BENCH_SHM_SEMAPHORES };
    const ShmvizBenchRow *lf_small = usable (result, SHMVIZ_BENCH_SHM_LOCK_FREE, sizes[0]);
    const ShmvizBenchRow *floor_small = usable (result, SHMVIZ_BENCH_SPIN_FLOOR, sizes[0]);
    gdouble lo = INFINITY, hi = 0;
    g_autoptr(GString) names = g_string_new (NULL);

    for (guint i = 0; i < G_N_ELEMENTS (blocking); i++)
      {
        const ShmvizBenchRow *row = usable (result, blocking[i], sizes[0]);

        if (row && isfinite (row->latency_ns_median.median))
          {
            lo = MIN (lo, row->latency_ns_median.median);
            hi = MAX (hi, row->latency_ns_median.median);
            g_string_append_printf (names, "%s%s", names->len ? ", " : "",
                                    shmviz_bench_mechanism_label (blocking[i]));
          }
      }
    if (hi > 0)
      {
        g_autofree char *small = format_size (sizes[0]);
        g_autofree char *lo_text = format_ns (lo), *hi_text = format_ns (hi);
        g_autofree char *range = g_strcmp0 (lo_text, hi_text) == 0
          ? g_strdup (lo_text)
          : g_strdup_printf (_("%s to %s"), lo_text, hi_text);

        g_string_append_printf (out, _("One-way latency at %s was %s for what sleeps when it must "
                                       "wait (%s), most of it the time the kernel takes to wake a "
                                       "sleeping process"), small, range, names->str);
        if (lf_small)
          {
            g_autofree char *l = format_ns (lf_small->latency_ns_median.median);
            g_string_append_printf (out, _(", against %s for the lock-free ring"), l);
          }
        if (floor_small)
          {
            g_autofree char *f = format_ns (floor_small->latency_ns_median.median);
            g_string_append_printf (out, _(" and %s for the spinning floor"), f);
          }
        if (isfinite (result->cacheline_handoff_ns) && result->cacheline_handoff_ns > 0)
          {
            g_autofree char *h = format_ns (result->cacheline_handoff_ns);
            g_string_append_printf (out, _("; one cache line handed from one process to the other "
                                           "takes %s here"), h);
          }
        g_string_append (out, ". ");
      }
  }

  /* Where the pipe won, said plainly (the reference size is said above). */
  for (guint i = 0; i < n_sizes; i++)
    {
      const ShmvizBenchRow *p = usable (result, SHMVIZ_BENCH_PIPE, sizes[i]);
      const ShmvizBenchRow *s = usable (result, SHMVIZ_BENCH_SHM_SEMAPHORES, sizes[i]);
      g_autofree char *size = format_size (sizes[i]);

      if (sizes[i] == ref || !p || !s ||
          p->messages_per_second.median <= s->messages_per_second.median * 1.05)
        continue;
      {
        g_autofree char *pt = rate_text (p), *st = rate_text (s);

        g_string_append_printf (wins, _("%sat %s a pipe beat the semaphore ring (%s against %s): %s"),
                                n_wins ? "; " : "", size, pt, st, pipe_wins_because (result, sizes[i]));
        n_wins++;
      }
    }
  if (n_wins)
    {
      g_string_append_c (wins, '.');
      wins->str[0] = g_ascii_toupper (wins->str[0]);
      g_string_append (out, wins->str);
      g_string_append_c (out, ' ');
    }
  else if (pipe && sem && sem->messages_per_second.median > pipe->messages_per_second.median * 1.05)
    g_string_append (out, _("The pipe won nowhere in this run; it can on a single CPU, where every "
                            "hand-off through a ring is a switch to the other process while a pipe's "
                            "buffer takes many messages per switch. "));
  g_string_free (wins, TRUE);

  if (isfinite (result->memcpy_bytes_per_second) && result->memcpy_bytes_per_second > 0)
    {
      g_autofree char *m = format_bytes (result->memcpy_bytes_per_second);
      const ShmvizBenchRow *big = usable (result, SHMVIZ_BENCH_SHM_SEMAPHORES, sizes[n_sizes - 1]);

      g_string_append_printf (out, _("One core copies %s/s with memcpy here (256 KiB blocks, in "
                                     "cache)"), m);
      if (big)
        {
          g_autofree char *b = format_bytes (big->bytes_per_second.median);
          g_autofree char *size = format_size (sizes[n_sizes - 1]);
          /* One copy, and the reading in place runs on the other core, so
           * the ring may pass one core's memcpy. */
          g_string_append_printf (out, _("; at %s the semaphore ring moved %s/s, each byte copied "
                                         "in by one process and read in place by the other, so "
                                         "large messages cost about what copying them once costs"),
                                  size, b);
        }
      g_string_append (out, ". ");
    }

  for (guint i = 0; i < result->rows->len; i++)
    {
      const ShmvizBenchRow *row = &g_array_index (result->rows, ShmvizBenchRow, i);

      failed += row->failed;
      damaged += row->order_errors + row->checksum_errors;
    }
  if (damaged)
    g_string_append_printf (out, _("Warning: %" PRIu64 " messages arrived damaged or out "
                                   "of order, so those figures describe a broken transport. "), damaged);
  if (failed)
    g_string_append_printf (out, ngettext ("%u measurement failed; see its note. ",
                                           "%u measurements failed; see their notes. ", failed), failed);
  if (out->len == 0)
    g_string_append (out, _("Too little was measured to compare."));
  else
    g_string_truncate (out, out->len - 1);
  return g_string_free (out, FALSE);
}
