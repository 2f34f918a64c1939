/* scenario.c — defaults, validation and parsing of scenario values
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <inttypes.h>
#include <math.h>
#include <string.h>

#include <glib/gi18n.h>

#include "event.h"
#include "scenario.h"

/* Item ids keep 48 bits of sequence number (event.h). */
#define MAX_ITEMS G_GUINT64_CONSTANT (0xFFFFFFFFFFFF)
#define NS_PER_MS G_GUINT64_CONSTANT (1000000)
/* A week: any longer unattended run is a mistake, not a lesson. */
#define MAX_DURATION_S (7.0 * 24 * 3600)

G_DEFINE_QUARK (shmviz-scenario-error-quark, shmviz_scenario_error)

void
shmviz_scenario_init_default (ShmvizScenario *scenario)
{
  g_return_if_fail (scenario != NULL);

  memset (scenario, 0, sizeof *scenario);
  scenario->n_producers = 2;
  scenario->n_consumers = 2;
  scenario->n_slots = 8;
  scenario->item_size = 64;
  scenario->sync = SHMVIZ_SYNC_SEMAPHORES;
  scenario->items = 0;
  scenario->duration = 0.0;
  scenario->timing_ns[SHMVIZ_TIMING_PRODUCE] = 600 * NS_PER_MS;
  scenario->timing_ns[SHMVIZ_TIMING_CONSUME] = 900 * NS_PER_MS;
  scenario->timing_ns[SHMVIZ_TIMING_RACE_WINDOW] = 0;
  scenario->timing_ns[SHMVIZ_TIMING_STEP] = 120 * NS_PER_MS;
  scenario->speed_permille = 1000;
  scenario->instrument = TRUE;
  scenario->seed = 0;
}

void
shmviz_scenario_init_fast (ShmvizScenario *scenario)
{
  g_return_if_fail (scenario != NULL);

  shmviz_scenario_init_default (scenario);
  scenario->speed_permille = 0;
  scenario->items = 200000;
}

static gboolean
check_uint (const char *field,
            guint64     value,
            guint64     min,
            guint64     max,
            GError    **error)
{
  if (value >= min && value <= max)
    return TRUE;

  g_set_error (error, SHMVIZ_SCENARIO_ERROR, SHMVIZ_SCENARIO_ERROR_RANGE,
               /* Translators: "slots = 5000 is out of range (allowed: 1 to 4096)" */
               _("%s = %" PRIu64 " is out of range (allowed: %" PRIu64
                 " to %" PRIu64 ")"),
               field, value, min, max);
  return FALSE;
}

static const char *
timing_field (ShmvizTiming timing)
{
  switch (timing)
    {
    case SHMVIZ_TIMING_PRODUCE:     return _("produce time");
    case SHMVIZ_TIMING_CONSUME:     return _("consume time");
    case SHMVIZ_TIMING_RACE_WINDOW: return _("race window");
    case SHMVIZ_TIMING_STEP:        return _("step time");
    case SHMVIZ_N_TIMINGS:
    default:                        return "?";
    }
}

gboolean
shmviz_scenario_validate (const ShmvizScenario *scenario,
                          GError              **error)
{
  g_return_val_if_fail (scenario != NULL, FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  if (!check_uint (_("producers"), scenario->n_producers, 1, SHMVIZ_MAX_PRODUCERS, error) ||
      !check_uint (_("consumers"), scenario->n_consumers, 1, SHMVIZ_MAX_CONSUMERS, error) ||
      !check_uint (_("slots"), scenario->n_slots, SHMVIZ_MIN_SLOTS, SHMVIZ_MAX_SLOTS, error) ||
      !check_uint (_("item size"), scenario->item_size,
                   SHMVIZ_MIN_ITEM_SIZE, SHMVIZ_MAX_ITEM_SIZE, error))
    return FALSE;

  /* An enum may hold any int: compare as unsigned so negatives fail too. */
  if ((guint) scenario->sync >= SHMVIZ_N_SYNC_MODES)
    {
      g_set_error (error, SHMVIZ_SCENARIO_ERROR, SHMVIZ_SCENARIO_ERROR_RANGE,
                   _("sync mode = %d is not one of off, semaphores, mutex-only, wrong-order, lock-free, robust-mutex"),
                   (int) scenario->sync);
      return FALSE;
    }

  if (!check_uint (_("items"), scenario->items, 0, MAX_ITEMS, error))
    return FALSE;

  if (!isfinite (scenario->duration) ||
      scenario->duration < 0.0 || scenario->duration > MAX_DURATION_S)
    {
      g_set_error (error, SHMVIZ_SCENARIO_ERROR, SHMVIZ_SCENARIO_ERROR_RANGE,
                   _("duration = %g s is out of range (allowed: 0 to %g s)"),
                   scenario->duration, MAX_DURATION_S);
      return FALSE;
    }

  for (guint i = 0; i < SHMVIZ_N_TIMINGS; i++)
    {
      if (scenario->timing_ns[i] > SHMVIZ_MAX_DELAY_NS)
        {
          g_set_error (error, SHMVIZ_SCENARIO_ERROR, SHMVIZ_SCENARIO_ERROR_RANGE,
                       _("%s = %" PRIu64 " ns is out of range (allowed: 0 to %"
                         PRIu64 " ns)"),
                       timing_field (i), scenario->timing_ns[i], SHMVIZ_MAX_DELAY_NS);
          return FALSE;
        }
    }

  if (!check_uint (_("speed"), scenario->speed_permille, 0, SHMVIZ_MAX_SPEED, error))
    return FALSE;

  if (scenario->instrument != FALSE && scenario->instrument != TRUE)
    {
      g_set_error (error, SHMVIZ_SCENARIO_ERROR, SHMVIZ_SCENARIO_ERROR_RANGE,
                   _("instrument = %d is out of range (allowed: 0 or 1)"),
                   scenario->instrument);
      return FALSE;
    }

  return TRUE;
}

static const char * const sync_mode_names[SHMVIZ_N_SYNC_MODES] = {
  [SHMVIZ_SYNC_OFF]         = "off",
  [SHMVIZ_SYNC_SEMAPHORES]  = "semaphores",
  [SHMVIZ_SYNC_MUTEX_ONLY]  = "mutex-only",
  [SHMVIZ_SYNC_WRONG_ORDER] = "wrong-order",
  [SHMVIZ_SYNC_LOCK_FREE]   = "lock-free",
  [SHMVIZ_SYNC_ROBUST_MUTEX] = "robust-mutex",
};

const char *
shmviz_sync_mode_to_string (ShmvizSyncMode mode)
{
  if ((guint) mode < SHMVIZ_N_SYNC_MODES)
    return sync_mode_names[mode];
  return NULL;
}

gboolean
shmviz_sync_mode_from_string (const char     *str,
                              ShmvizSyncMode *mode)
{
  if (str == NULL)
    return FALSE;

  for (guint i = 0; i < SHMVIZ_N_SYNC_MODES; i++)
    {
      if (strcmp (str, sync_mode_names[i]) == 0)
        {
          if (mode != NULL)
            *mode = i;
          return TRUE;
        }
    }

  return FALSE;
}

const char *
shmviz_timing_to_string (ShmvizTiming timing)
{
  static const char * const names[SHMVIZ_N_TIMINGS] = {
    [SHMVIZ_TIMING_PRODUCE]     = "produce",
    [SHMVIZ_TIMING_CONSUME]     = "consume",
    [SHMVIZ_TIMING_RACE_WINDOW] = "race-window",
    [SHMVIZ_TIMING_STEP]        = "step",
  };

  if ((guint) timing < SHMVIZ_N_TIMINGS)
    return names[timing];
  return NULL;
}

static const struct {
  const char *suffix;
  guint64     ns;
} duration_units[] = {
  { "ns",     1 },
  { "us",     1000 },
  { "\302\265s", 1000 },  /* µs */
  { "ms",     1000000 },
  { "s",      G_GUINT64_CONSTANT (1000000000) },
  { "min",    G_GUINT64_CONSTANT (60000000000) },
};

static gboolean
parse_error (const char  *str,
             GError     **error)
{
  g_set_error (error, SHMVIZ_SCENARIO_ERROR, SHMVIZ_SCENARIO_ERROR_PARSE,
               _("“%s” is not a duration: write a number with a unit, as in 250ms, 1.5s, 40us or 100ns"),
               str);
  return FALSE;
}

gboolean
shmviz_parse_duration_ns (const char  *str,
                          guint64     *ns,
                          GError     **error)
{
  const char *p;
  guint64 whole = 0;
  gdouble fraction = 0.0;
  gdouble scale = 0.1;
  gboolean digits = FALSE;
  gboolean too_big = FALSE;
  guint64 unit = 1000000;  /* a bare number is milliseconds */
  guint64 result = 0;

  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  if (str == NULL)
    return parse_error ("", error);

  p = str;
  while (g_ascii_isspace (*p))
    p++;

  if (*p == '-')
    {
      g_set_error (error, SHMVIZ_SCENARIO_ERROR, SHMVIZ_SCENARIO_ERROR_RANGE,
                   _("“%s”: a duration cannot be negative"), str);
      return FALSE;
    }

  /* Digits by hand rather than strtod(): no locale, no "inf", no hex
   * floats, no exponents, and the whole part stays exact. */
  for (; g_ascii_isdigit (*p); p++)
    {
      digits = TRUE;
      if (whole > SHMVIZ_MAX_DELAY_NS)
        too_big = TRUE;
      else
        whole = whole * 10 + (guint64) (*p - '0');
    }

  if (*p == '.')
    {
      p++;
      for (; g_ascii_isdigit (*p); p++)
        {
          digits = TRUE;
          fraction += scale * (*p - '0');
          scale /= 10.0;
        }
    }

  if (!digits)
    return parse_error (str, error);

  while (g_ascii_isspace (*p))
    p++;

  if (*p != '\0')
    {
      gsize len = strlen (p);
      gboolean found = FALSE;

      while (len > 0 && g_ascii_isspace (p[len - 1]))
        len--;

      for (guint i = 0; i < G_N_ELEMENTS (duration_units); i++)
        {
          if (strlen (duration_units[i].suffix) == len &&
              strncmp (p, duration_units[i].suffix, len) == 0)
            {
              unit = duration_units[i].ns;
              found = TRUE;
              break;
            }
        }

      if (!found)
        return parse_error (str, error);
    }

  if (too_big || whole > SHMVIZ_MAX_DELAY_NS / unit)
    too_big = TRUE;
  else
    {
      result = whole * unit + (guint64) llround (fraction * (gdouble) unit);
      if (result > SHMVIZ_MAX_DELAY_NS)
        too_big = TRUE;
    }

  if (too_big)
    {
      g_set_error (error, SHMVIZ_SCENARIO_ERROR, SHMVIZ_SCENARIO_ERROR_RANGE,
                   _("“%s” is too long: a delay may be at most %" PRIu64 " s"),
                   str, SHMVIZ_MAX_DELAY_NS / G_GUINT64_CONSTANT (1000000000));
      return FALSE;
    }

  if (ns != NULL)
    *ns = result;
  return TRUE;
}
