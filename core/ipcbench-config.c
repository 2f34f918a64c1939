/* ipcbench-config.c — what a speed-lab run is asked to do: the mechanisms'
 * names, the default plan and the parsing of --sizes and --mechanisms
 *
 * Apart from the runner because none of it forks or measures anything: it
 * is what the command line and the window both set before a run starts,
 * and the names here are also the keys of the table and the JSON.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <glib/gi18n.h>
#include <string.h>

#include "ipcbench-private.h"

const BenchMechanismInfo bench_mechanisms[SHMVIZ_BENCH_N_MECHANISMS] = {
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
  return bench_mechanisms[mechanism].name;
}

const char *
shmviz_bench_mechanism_label (ShmvizBenchMechanism mechanism)
{
  g_return_val_if_fail (mechanism < SHMVIZ_BENCH_N_MECHANISMS, NULL);
  return _(bench_mechanisms[mechanism].label);
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
        if (g_strcmp0 (part, bench_mechanisms[m].name) == 0)
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
