/* bench-fold.c — what folding costs the session thread per event
 *
 * Folds every event of a recording through a fresh model (and so its
 * ledger) in batches the size the session thread merges, as it does live,
 * and prints ns per event and events per second, the median of a few
 * repeats.  It also prints a digest of everything the fold produced (the
 * model's whole serialized state, spans included, and every anomaly), so
 * that a faster fold can be shown to yield the same picture and ledger:
 * compare the digests before and after.  Stall checks recorded in the file
 * are not replayed: this measures the fold, not a replay.
 *
 *   bench-fold FILE.shmviz [--batch N] [--repeat N]
 *
 * Under valgrind --tool=callgrind, read the inclusive Ir of
 * shmviz_model_fold divided by the events printed.  Prints figures and
 * asserts nothing about time.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>

#include "model.h"
#include "recording.h"

static int
compare_double (const void *a,
                const void *b)
{
  double x = *(const double *) a, y = *(const double *) b;

  return (x > y) - (x < y);
}

static char *
fold_digest (ShmvizModel *model)
{
  g_autoptr(GChecksum) sum = g_checksum_new (G_CHECKSUM_SHA256);
  g_autoptr(GBytes) state = shmviz_model_serialize (model);
  g_autoptr(GArray) anomalies = g_array_new (FALSE, FALSE, sizeof (ShmvizAnomaly));
  g_autoptr(GByteArray) out = g_byte_array_new ();
  gsize len;
  const guint8 *data = g_bytes_get_data (state, &len);

  g_checksum_update (sum, data, len);
  shmviz_model_get_anomalies (model, 0, anomalies);
  for (guint i = 0; i < anomalies->len; i++)
    shmviz_put_anomaly (out, &g_array_index (anomalies, ShmvizAnomaly, i));
  g_checksum_update (sum, out->data, out->len);
  return g_strdup (g_checksum_get_string (sum));
}

int
main (int   argc,
      char *argv[])
{
  g_autoptr(GError) error = NULL;
  g_autoptr(ShmvizRecording) rec = NULL;
  g_autoptr(GArray) events = g_array_new (FALSE, FALSE, sizeof (ShmvizEvent));
  g_autofree double *ns = NULL;
  g_autofree char *digest = NULL;
  const ShmvizRecord *records;
  const char *path = NULL;
  guint n_records = 0;
  guint batch = 32768;   /* MERGE_MAX_EVENTS */
  guint repeat = 3;

  for (int i = 1; i < argc; i++)
    {
      if (g_str_equal (argv[i], "--batch") && i + 1 < argc)
        batch = (guint) strtoul (argv[++i], NULL, 10);
      else if (g_str_equal (argv[i], "--repeat") && i + 1 < argc)
        repeat = (guint) strtoul (argv[++i], NULL, 10);
      else if (path == NULL && argv[i][0] != '-')
        path = argv[i];
      else
        {
          fprintf (stderr, "usage: %s FILE.shmviz [--batch N] [--repeat N]\n", argv[0]);
          return 2;
        }
    }
  if (path == NULL || batch == 0 || repeat == 0)
    {
      fprintf (stderr, "usage: %s FILE.shmviz [--batch N] [--repeat N]\n", argv[0]);
      return 2;
    }

  rec = shmviz_recording_open (path, &error);
  if (rec == NULL || !shmviz_recording_check_all (rec, &error))
    {
      fprintf (stderr, "%s: %s\n", path, error->message);
      return 1;
    }

  records = shmviz_recording_get_records (rec, &n_records);
  for (guint i = 0; i < n_records; i++)
    {
      guint n, old;

      if (records[i].type != SHMVIZ_RECORD_EVENTS)
        continue;
      n = shmviz_record_n_events (&records[i]);
      old = events->len;
      g_array_set_size (events, old + n);
      shmviz_record_get_events (&records[i], 0, n, &g_array_index (events, ShmvizEvent, old));
    }

  ns = g_new (double, repeat);
  for (guint r = 0; r < repeat; r++)
    {
      g_autoptr(ShmvizModel) model = shmviz_model_new (&shmviz_recording_get_info (rec)->scenario);
      const ShmvizEvent *evs = (const ShmvizEvent *) events->data;
      gint64 t0 = g_get_monotonic_time ();

      for (guint i = 0; i < events->len; i += batch)
        shmviz_model_fold (model, evs + i, MIN (batch, events->len - i));
      ns[r] = (double) (g_get_monotonic_time () - t0) * 1000.0 / MAX (events->len, 1);

      if (digest == NULL)
        digest = fold_digest (model);
    }
  qsort (ns, repeat, sizeof *ns, compare_double);

  printf ("events %u batch %u repeats %u\n", events->len, batch, repeat);
  printf ("digest %s\n", digest);
  printf ("fold: %.2f ns/event (median; min %.2f), %.0f events/s\n",
          ns[repeat / 2], ns[0], ns[repeat / 2] > 0 ? 1e9 / ns[repeat / 2] : 0.0);
  return 0;
}
