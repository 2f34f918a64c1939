/* ipcbench-reading.c — the speed lab's plain-language reading: one
 * paragraph, computed from the figures, on what shared memory bought and
 * where a pipe won and why
 *
 * Apart from the runner and the table because it is prose with its own
 * rules (which size to quote, when a ratio is worth saying, why a pipe can
 * win), and it reads a finished result like the output does.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <glib/gi18n.h>
#include <inttypes.h>
#include <math.h>

#include "ipcbench-private.h"

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
  g_autofree char *count = bench_format_count (row->messages_per_second.median);

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
  ref_text = bench_format_size (ref);

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
        g_autofree char *small = bench_format_size (sizes[0]);
        g_autofree char *lo_text = bench_format_ns (lo), *hi_text = bench_format_ns (hi);
        g_autofree char *range = g_strcmp0 (lo_text, hi_text) == 0
          ? g_strdup (lo_text)
          : g_strdup_printf (_("%s to %s"), lo_text, hi_text);

        g_string_append_printf (out, _("One-way latency at %s was %s for what sleeps when it must "
                                       "wait (%s), most of it the time the kernel takes to wake a "
                                       "sleeping process"), small, range, names->str);
        if (lf_small)
          {
            g_autofree char *l = bench_format_ns (lf_small->latency_ns_median.median);
            g_string_append_printf (out, _(", against %s for the lock-free ring"), l);
          }
        if (floor_small)
          {
            g_autofree char *f = bench_format_ns (floor_small->latency_ns_median.median);
            g_string_append_printf (out, _(" and %s for the spinning floor"), f);
          }
        if (isfinite (result->cacheline_handoff_ns) && result->cacheline_handoff_ns > 0)
          {
            g_autofree char *h = bench_format_ns (result->cacheline_handoff_ns);
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
      g_autofree char *size = bench_format_size (sizes[i]);

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
      g_autofree char *m = bench_format_bytes (result->memcpy_bytes_per_second);
      const ShmvizBenchRow *big = usable (result, SHMVIZ_BENCH_SHM_SEMAPHORES, sizes[n_sizes - 1]);

      g_string_append_printf (out, _("One core copies %s/s with memcpy here (256 KiB blocks, in "
                                     "cache)"), m);
      if (big)
        {
          g_autofree char *b = bench_format_bytes (big->bytes_per_second.median);
          g_autofree char *size = bench_format_size (sizes[n_sizes - 1]);
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
