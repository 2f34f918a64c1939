/* test-scenario.c — defaults, range checks, mode names, durations
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <locale.h>
#include <math.h>
#include <string.h>

#include "scenario.h"

static void
test_defaults (void)
{
  g_autoptr(GError) error = NULL;
  ShmvizScenario s;

  shmviz_scenario_init_default (&s);
  g_assert_true (shmviz_scenario_validate (&s, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (s.n_producers, ==, 2);
  g_assert_cmpuint (s.n_consumers, ==, 2);
  g_assert_cmpuint (s.n_slots, ==, 8);
  g_assert_cmpuint (s.item_size, ==, 64);
  g_assert_cmpint (s.sync, ==, SHMVIZ_SYNC_SEMAPHORES);
  g_assert_cmpuint (s.items, ==, 0);
  g_assert_cmpuint (s.timing_ns[SHMVIZ_TIMING_PRODUCE], ==, 600000000);
  g_assert_cmpuint (s.timing_ns[SHMVIZ_TIMING_CONSUME], ==, 900000000);
  g_assert_cmpuint (s.timing_ns[SHMVIZ_TIMING_RACE_WINDOW], ==, 0);
  g_assert_cmpuint (s.timing_ns[SHMVIZ_TIMING_STEP], ==, 120000000);
  g_assert_cmpuint (s.speed_permille, ==, 1000);
  g_assert_true (s.instrument);

  shmviz_scenario_init_fast (&s);
  g_assert_true (shmviz_scenario_validate (&s, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (s.n_producers, ==, 2);
  g_assert_cmpuint (s.n_slots, ==, 8);
  g_assert_cmpuint (s.speed_permille, ==, 0);
  g_assert_cmpuint (s.items, ==, 200000);
}

typedef struct {
  const char *name;     /* test path */
  const char *needle;   /* the error must name the field and the value */
  const char *value;
  void (*spoil) (ShmvizScenario *s);
} RangeCase;

static void spoil_producers_0 (ShmvizScenario *s) { s->n_producers = 0; }
static void spoil_producers_65 (ShmvizScenario *s) { s->n_producers = 65; }
static void spoil_consumers_0 (ShmvizScenario *s) { s->n_consumers = 0; }
static void spoil_consumers_100 (ShmvizScenario *s) { s->n_consumers = 100; }
static void spoil_slots_0 (ShmvizScenario *s) { s->n_slots = 0; }
static void spoil_slots_4097 (ShmvizScenario *s) { s->n_slots = 4097; }
static void spoil_item_size_3 (ShmvizScenario *s) { s->item_size = 3; }
static void spoil_item_size_big (ShmvizScenario *s) { s->item_size = 65537; }
static void spoil_sync (ShmvizScenario *s) { s->sync = (ShmvizSyncMode) 7; }
static void spoil_sync_negative (ShmvizScenario *s) { s->sync = (ShmvizSyncMode) -1; }
static void spoil_items (ShmvizScenario *s) { s->items = G_MAXUINT64; }
static void spoil_duration_negative (ShmvizScenario *s) { s->duration = -1.0; }
static void spoil_duration_nan (ShmvizScenario *s) { s->duration = NAN; }
static void spoil_produce (ShmvizScenario *s) { s->timing_ns[SHMVIZ_TIMING_PRODUCE] = SHMVIZ_MAX_DELAY_NS + 1; }
static void spoil_consume (ShmvizScenario *s) { s->timing_ns[SHMVIZ_TIMING_CONSUME] = G_MAXUINT64; }
static void spoil_race (ShmvizScenario *s) { s->timing_ns[SHMVIZ_TIMING_RACE_WINDOW] = SHMVIZ_MAX_DELAY_NS * 2; }
static void spoil_step (ShmvizScenario *s) { s->timing_ns[SHMVIZ_TIMING_STEP] = SHMVIZ_MAX_DELAY_NS + 5; }
static void spoil_speed (ShmvizScenario *s) { s->speed_permille = SHMVIZ_MAX_SPEED + 1; }
static void spoil_instrument (ShmvizScenario *s) { s->instrument = 2; }

static const RangeCase range_cases[] = {
  { "producers-0",       "producers",    "0",      spoil_producers_0 },
  { "producers-65",      "producers",    "65",     spoil_producers_65 },
  { "consumers-0",       "consumers",    "0",      spoil_consumers_0 },
  { "consumers-100",     "consumers",    "100",    spoil_consumers_100 },
  { "slots-0",           "slots",        "0",      spoil_slots_0 },
  { "slots-4097",        "slots",        "4097",   spoil_slots_4097 },
  { "item-size-3",       "item size",    "3",      spoil_item_size_3 },
  { "item-size-65537",   "item size",    "65537",  spoil_item_size_big },
  { "sync-7",            "sync mode",    "7",      spoil_sync },
  { "sync-negative",     "sync mode",    "-1",     spoil_sync_negative },
  { "items",             "items",        "18446744073709551615", spoil_items },
  { "duration-negative", "duration",     "-1",     spoil_duration_negative },
  { "duration-nan",      "duration",     "nan",    spoil_duration_nan },
  { "produce-time",      "produce time", "60000000001", spoil_produce },
  { "consume-time",      "consume time", "18446744073709551615", spoil_consume },
  { "race-window",       "race window",  "120000000000", spoil_race },
  { "step-time",         "step time",    "60000000005", spoil_step },
  { "speed",             "speed",        "100001", spoil_speed },
  { "instrument",        "instrument",   "2",      spoil_instrument },
};

static void
test_range (gconstpointer data)
{
  const RangeCase *rc = data;
  g_autoptr(GError) error = NULL;
  ShmvizScenario s;

  shmviz_scenario_init_default (&s);
  rc->spoil (&s);
  g_assert_false (shmviz_scenario_validate (&s, &error));
  g_assert_error (error, SHMVIZ_SCENARIO_ERROR, SHMVIZ_SCENARIO_ERROR_RANGE);
  g_test_message ("%s", error->message);
  g_assert_nonnull (strstr (error->message, rc->needle));
  g_assert_nonnull (strstr (error->message, rc->value));
}

static void
test_range_limits (void)
{
  g_autoptr(GError) error = NULL;
  ShmvizScenario s;

  /* The extreme legal values pass. */
  shmviz_scenario_init_default (&s);
  s.n_producers = SHMVIZ_MAX_PRODUCERS;
  s.n_consumers = SHMVIZ_MAX_CONSUMERS;
  s.n_slots = SHMVIZ_MAX_SLOTS;
  s.item_size = SHMVIZ_MAX_ITEM_SIZE;
  s.sync = SHMVIZ_SYNC_WRONG_ORDER;
  for (guint i = 0; i < SHMVIZ_N_TIMINGS; i++)
    s.timing_ns[i] = SHMVIZ_MAX_DELAY_NS;
  s.speed_permille = SHMVIZ_MAX_SPEED;
  s.instrument = FALSE;
  g_assert_true (shmviz_scenario_validate (&s, &error));
  g_assert_no_error (error);

  s.n_producers = 1;
  s.n_consumers = 1;
  s.n_slots = SHMVIZ_MIN_SLOTS;
  s.item_size = SHMVIZ_MIN_ITEM_SIZE;
  s.speed_permille = 0;
  s.duration = 3600.0;
  g_assert_true (shmviz_scenario_validate (&s, &error));
  g_assert_no_error (error);

  /* The message says what is allowed. */
  s.n_slots = 5000;
  g_assert_false (shmviz_scenario_validate (&s, &error));
  g_assert_nonnull (strstr (error->message, "1"));
  g_assert_nonnull (strstr (error->message, "4096"));
}

static void
test_sync_modes (void)
{
  ShmvizSyncMode mode = SHMVIZ_SYNC_SEMAPHORES;

  for (guint i = 0; i < SHMVIZ_N_SYNC_MODES; i++)
    {
      const char *name = shmviz_sync_mode_to_string (i);

      g_assert_nonnull (name);
      g_assert_true (shmviz_sync_mode_from_string (name, &mode));
      g_assert_cmpint (mode, ==, i);
    }

  g_assert_cmpstr (shmviz_sync_mode_to_string (SHMVIZ_SYNC_OFF), ==, "off");
  g_assert_cmpstr (shmviz_sync_mode_to_string (SHMVIZ_SYNC_SEMAPHORES), ==, "semaphores");
  g_assert_cmpstr (shmviz_sync_mode_to_string (SHMVIZ_SYNC_MUTEX_ONLY), ==, "mutex-only");
  g_assert_cmpstr (shmviz_sync_mode_to_string (SHMVIZ_SYNC_WRONG_ORDER), ==, "wrong-order");
  g_assert_null (shmviz_sync_mode_to_string (SHMVIZ_N_SYNC_MODES));

  mode = SHMVIZ_SYNC_MUTEX_ONLY;
  g_assert_false (shmviz_sync_mode_from_string ("on", &mode));
  g_assert_false (shmviz_sync_mode_from_string ("", &mode));
  g_assert_false (shmviz_sync_mode_from_string ("semaphore", &mode));
  g_assert_false (shmviz_sync_mode_from_string (NULL, &mode));
  g_assert_cmpint (mode, ==, SHMVIZ_SYNC_MUTEX_ONLY);

  g_assert_cmpstr (shmviz_timing_to_string (SHMVIZ_TIMING_RACE_WINDOW), ==, "race-window");
  g_assert_cmpstr (shmviz_timing_to_string (SHMVIZ_TIMING_PRODUCE), ==, "produce");
}

static void
test_duration_parse (void)
{
  static const struct {
    const char *str;
    guint64 ns;
  } good[] = {
    { "250ms",   250000000 },
    { "2s",      2000000000 },
    { "1.5s",    1500000000 },
    { "40us",    40000 },
    { "40µs",    40000 },
    { "100ns",   100 },
    { "0",       0 },
    { "0ms",     0 },
    { "300",     300000000 },          /* bare: milliseconds */
    { "0.5",     500000 },
    { " 250 ms ", 250000000 },
    { "0.1s",    100000000 },
    { "1min",    G_GUINT64_CONSTANT (60000000000) },
    { "60s",     G_GUINT64_CONSTANT (60000000000) },
    { "60000ms", G_GUINT64_CONSTANT (60000000000) },
    { "1.25us",  1250 },
    { ".5s",     500000000 },
  };
  static const char * const parse_errors[] = {
    "", "   ", "ms", "abc", "12abc", "1.2.3s", "1e3", "0x10", "inf", "nan", "5 s s", "s5", "1,5s",
    "1h",
  };
  static const char * const range_errors[] = {
    "-5ms", "-0", "61s", "60001ms", "2min", "99999999999999999999999999", "18446744073709551616ns",
    "60.000000001s",
  };

  for (guint i = 0; i < G_N_ELEMENTS (good); i++)
    {
      g_autoptr(GError) error = NULL;
      guint64 ns = 12345;

      if (!shmviz_parse_duration_ns (good[i].str, &ns, &error))
        g_error ("“%s”: %s", good[i].str, error->message);
      g_assert_cmpuint (ns, ==, good[i].ns);
    }

  for (guint i = 0; i < G_N_ELEMENTS (parse_errors); i++)
    {
      g_autoptr(GError) error = NULL;
      guint64 ns = 12345;

      if (shmviz_parse_duration_ns (parse_errors[i], &ns, &error))
        g_error ("“%s” was accepted as %" G_GUINT64_FORMAT " ns", parse_errors[i], ns);
      g_assert_error (error, SHMVIZ_SCENARIO_ERROR, SHMVIZ_SCENARIO_ERROR_PARSE);
      g_assert_cmpuint (ns, ==, 12345);
    }

  for (guint i = 0; i < G_N_ELEMENTS (range_errors); i++)
    {
      g_autoptr(GError) error = NULL;
      guint64 ns = 12345;

      if (shmviz_parse_duration_ns (range_errors[i], &ns, &error))
        g_error ("“%s” was accepted as %" G_GUINT64_FORMAT " ns", range_errors[i], ns);
      g_assert_error (error, SHMVIZ_SCENARIO_ERROR, SHMVIZ_SCENARIO_ERROR_RANGE);
      g_assert_nonnull (strstr (error->message, range_errors[i]));
      g_assert_cmpuint (ns, ==, 12345);
    }
}

int
main (int    argc,
      char **argv)
{
  setlocale (LC_ALL, "C");
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/scenario/defaults", test_defaults);
  for (guint i = 0; i < G_N_ELEMENTS (range_cases); i++)
    {
      g_autofree char *path = g_strdup_printf ("/scenario/range/%s", range_cases[i].name);

      g_test_add_data_func (path, &range_cases[i], test_range);
    }
  g_test_add_func ("/scenario/range-limits", test_range_limits);
  g_test_add_func ("/scenario/sync-modes", test_sync_modes);
  g_test_add_func ("/scenario/duration", test_duration_parse);

  return g_test_run ();
}
