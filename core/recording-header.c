/* recording-header.c — the HEADER record, written and parsed
 *
 * The HEADER is the one record with a layout of many fields (the scenario,
 * the clocks, the host): writing it and reading it back sit side by side
 * so that a field added to one is seen to be missing from the other.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <inttypes.h>
#include <string.h>
#include <sys/utsname.h>
#include <unistd.h>

#include <glib/gi18n.h>

#include "recording-private.h"

#define MAX_HEADER_STRING 1024u

static void
put_string (GByteArray *out,
            const char *str)
{
  gsize len = str != NULL ? MIN (strlen (str), MAX_HEADER_STRING) : 0;

  shmviz_put_u16 (out, (guint16) len);
  shmviz_put_bytes (out, str, len);
}

void
_shmviz_recording_put_header (GByteArray           *out,
                              const ShmvizScenario *sc)
{
  struct utsname uts;
  g_autofree char *system = NULL;
  gsize at;
  union { gdouble d; guint64 u; } duration = { .d = sc->duration };

  if (uname (&uts) == 0)
    system = g_strdup_printf ("%s %s %s", uts.sysname, uts.release, uts.machine);

  at = _shmviz_recording_frame_begin (out, SHMVIZ_RECORD_HEADER, 0);
  shmviz_put_u32 (out, sc->n_producers);
  shmviz_put_u32 (out, sc->n_consumers);
  shmviz_put_u32 (out, sc->n_slots);
  shmviz_put_u32 (out, sc->item_size);
  shmviz_put_u32 (out, sc->sync);
  shmviz_put_u64 (out, sc->items);
  shmviz_put_u64 (out, duration.u);
  shmviz_put_u32 (out, SHMVIZ_N_TIMINGS);
  for (guint i = 0; i < SHMVIZ_N_TIMINGS; i++)
    shmviz_put_u64 (out, sc->timing_ns[i]);
  shmviz_put_u32 (out, sc->speed_permille);
  shmviz_put_u8 (out, sc->instrument ? 1 : 0);
  shmviz_put_u64 (out, sc->seed);
  shmviz_put_u64 (out, (guint64) g_get_real_time ());
  shmviz_put_u64 (out, (guint64) g_get_monotonic_time () * 1000u);
  put_string (out, g_get_host_name ());
  put_string (out, system);
  put_string (out, "shmviz " PACKAGE_VERSION);
  shmviz_put_u32 (out, (guint32) MAX (sysconf (_SC_NPROCESSORS_ONLN), 0));
  _shmviz_recording_frame_end (out, at);
}

static char *
get_string (ShmvizByteReader *r)
{
  guint16 len = shmviz_get_u16 (r);
  const guint8 *p;

  if (len > MAX_HEADER_STRING)
    {
      r->failed = TRUE;
      return NULL;
    }
  p = shmviz_get_bytes (r, len);
  if (p == NULL)
    return NULL;
  /* Shown to people: never let bad UTF-8 through. */
  return g_utf8_make_valid ((const char *) p, len);
}

gboolean
_shmviz_recording_parse_header (ShmvizRecording    *self,
                                const ShmvizRecord *rec,
                                GError            **error)
{
  ShmvizByteReader r = { rec->payload, rec->length, 0, FALSE };
  ShmvizScenario *sc = &self->info.scenario;
  g_autoptr(GError) local_error = NULL;
  union { gdouble d; guint64 u; } duration;
  guint32 n_timings;

  memset (sc, 0, sizeof *sc);
  sc->n_producers = shmviz_get_u32 (&r);
  sc->n_consumers = shmviz_get_u32 (&r);
  sc->n_slots = shmviz_get_u32 (&r);
  sc->item_size = shmviz_get_u32 (&r);
  sc->sync = shmviz_get_u32 (&r);
  sc->items = shmviz_get_u64 (&r);
  duration.u = shmviz_get_u64 (&r);
  sc->duration = duration.d;
  n_timings = shmviz_get_u32 (&r);
  if (n_timings > 64)
    r.failed = TRUE;
  for (guint i = 0; i < n_timings && !r.failed; i++)
    {
      guint64 ns = shmviz_get_u64 (&r);

      /* Timings a later version adds are skipped. */
      if (i < SHMVIZ_N_TIMINGS)
        sc->timing_ns[i] = ns;
    }
  sc->speed_permille = shmviz_get_u32 (&r);
  sc->instrument = shmviz_get_u8 (&r) != 0;
  sc->seed = shmviz_get_u64 (&r);
  self->info.start_realtime_us = (gint64) shmviz_get_u64 (&r);
  self->info.start_ns = shmviz_get_u64 (&r);
  self->info.hostname = get_string (&r);
  self->info.system = get_string (&r);
  self->info.producer = get_string (&r);
  self->info.n_cpus = shmviz_get_u32 (&r);

  if (r.failed)
    {
      g_set_error (error, SHMVIZ_RECORDING_ERROR, SHMVIZ_RECORDING_ERROR_CORRUPT,
                   _("HEADER record at byte %" PRId64 " is malformed (a field or string "
                     "runs past its %u-byte payload)"), rec->offset, rec->length);
      return FALSE;
    }
  if (!(sc->duration >= 0 && sc->duration <= 1e9) ||
      !shmviz_scenario_validate (sc, &local_error))
    {
      g_set_error (error, SHMVIZ_RECORDING_ERROR, SHMVIZ_RECORDING_ERROR_CORRUPT,
                   _("HEADER record at byte %" PRId64 " holds an invalid scenario: %s"),
                   rec->offset, local_error != NULL ? local_error->message : _("bad duration"));
      return FALSE;
    }
  return TRUE;
}
