/* cli-run.c — `shmviz-cli run`: a scenario from flags, a live progress
 * line, and a summary as text or JSON
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <glib-unix.h>
#include <glib/gi18n.h>
#include <inttypes.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "cli.h"
#include "cli-faults.h"
#include "lesson.h"
#include "scenario.h"
#include "schedule.h"
#include "session.h"
#include "recording.h"
#include "summary.h"

#define MAX_LISTED_ANOMALIES 1000

typedef struct {
  GMainLoop     *loop;
  ShmvizSession *session;
  GTimer        *timer;
  gboolean       progress;
  gboolean       deadlock;
  guint          deadlock_stop;
  gint           died;
  GError        *schedule_error;
} Run;

static gboolean
parse_uint (const char *flag,
            const char *value,
            guint64     min,
            guint64     max,
            guint64    *out,
            GError    **error)
{
  g_autoptr(GError) local_error = NULL;

  if (!g_ascii_string_to_unsigned (value, 10, min, max, out, &local_error))
    {
      g_set_error (error, G_OPTION_ERROR, G_OPTION_ERROR_BAD_VALUE,
                   _("%s must be a whole number from %" PRIu64 " to %" PRIu64
                     ", not “%s”"), flag, min, max, value);
      return FALSE;
    }
  return TRUE;
}

static gboolean
parse_speed (const char *value,
             guint      *permille,
             GError    **error)
{
  char *end = NULL;
  gdouble factor;

  if (g_ascii_strcasecmp (value, "full") == 0 || g_strcmp0 (value, "0") == 0)
    {
      *permille = 0;
      return TRUE;
    }
  factor = g_ascii_strtod (value, &end);
  if (end == value || *end != '\0' || !(factor >= 0.001 && factor <= SHMVIZ_MAX_SPEED / 1000.0))
    {
      g_set_error (error, G_OPTION_ERROR, G_OPTION_ERROR_BAD_VALUE,
                   _("--speed must be a factor from 0.001 to %u, or “full”, not “%s”"),
                   SHMVIZ_MAX_SPEED / 1000, value);
      return FALSE;
    }
  *permille = (guint) (factor * 1000.0 + 0.5);
  return TRUE;
}

static gboolean
print_progress (gpointer data)
{
  Run *run = data;
  ShmvizTotals t;

  shmviz_model_get_totals (shmviz_session_get_model (run->session), &t);
  fprintf (stderr,
           "\r\033[K%.1f s  produced %" G_GUINT64_FORMAT "  consumed %" G_GUINT64_FORMAT
           "  lost %" G_GUINT64_FORMAT "  duplicated %" G_GUINT64_FORMAT
           "  empty reads %" G_GUINT64_FORMAT "  corrupt %" G_GUINT64_FORMAT,
           g_timer_elapsed (run->timer, NULL), t.produced, t.consumed, t.lost, t.duplicated,
           t.empty_reads, t.corrupt);
  fflush (stderr);
  return G_SOURCE_CONTINUE;
}

static gboolean
on_interrupt (gpointer data)
{
  Run *run = data;

  shmviz_session_stop (run->session);
  return G_SOURCE_CONTINUE;
}

static void
on_finished (ShmvizSession *session,
             Run           *run)
{
  g_main_loop_quit (run->loop);
}

static gboolean
stop_after_deadlock (gpointer data)
{
  Run *run = data;

  run->deadlock_stop = 0;
  shmviz_session_stop (run->session);
  return G_SOURCE_REMOVE;
}

static void
on_deadlock (ShmvizSession *session,
             Run           *run)
{
  /* Nothing more will happen: report it and end the run. */
  run->deadlock = TRUE;
  if (!run->deadlock_stop)
    run->deadlock_stop = g_timeout_add (100, stop_after_deadlock, run);
}

static void
on_process_died (ShmvizSession *session,
                 guint          proc,
                 gint           status,
                 gboolean       signaled,
                 Run           *run)
{
  g_autofree char *message = shmviz_session_dup_death_message (session, proc);

  run->died++;
  g_printerr ("\nshmviz-cli: %s\n", message);
}

static void
on_stalled (ShmvizSession *session,
            const char    *message,
            Run           *run)
{
  g_printerr ("\nshmviz-cli: %s\n", message);
}

/* The schedule ran to its end (or failed): nothing else may move, so
 * the run ends here. */
static void
on_schedule_done (GObject      *source,
                  GAsyncResult *result,
                  gpointer      data)
{
  Run *run = data;

  shmviz_schedule_run_finish (SHMVIZ_SESSION (source), result, &run->schedule_error);
  shmviz_session_stop (run->session);
}

static void
on_error (ShmvizSession *session,
          const GError  *error,
          Run           *run)
{
  g_printerr ("shmviz-cli: %s\n", error->message);
}

int
shmviz_cli_run (int    argc,
                char **argv)
{
  g_autofree char *producers = NULL, *consumers = NULL, *slots = NULL, *item_size = NULL;
  g_autofree char *sync = NULL, *items = NULL, *duration = NULL, *speed = NULL, *seed = NULL;
  g_autofree char *produce_time = NULL, *consume_time = NULL, *race_window = NULL, *step_time = NULL;
  g_autofree char *record = NULL;
  g_auto(GStrv) fault_specs = NULL;
  g_autoptr(CliFaults) faults = NULL;
  g_autoptr(ShmvizRecorder) recorder = NULL;
  g_autofree char *lesson_name = NULL;
  g_autofree char *schedule_text = NULL;
  g_autoptr(GArray) schedule = NULL;
  g_autoptr(ShmvizLesson) lesson = NULL;
  gboolean json = FALSE, quiet = FALSE, no_instrument = FALSE;
  GOptionEntry entries[] = {
    { "lesson", 'l', 0, G_OPTION_ARG_STRING, &lesson_name, N_("Start from this lesson's scenario (see “shmviz-cli lessons”); other flags override it"), "ID" },
    { "producers", 'p', 0, G_OPTION_ARG_STRING, &producers, N_("Producer processes (1–64, default 2)"), "N" },
    { "consumers", 'c', 0, G_OPTION_ARG_STRING, &consumers, N_("Consumer processes (1–64, default 2)"), "N" },
    { "slots", 's', 0, G_OPTION_ARG_STRING, &slots, N_("Slots in the ring (1–4096, default 8)"), "N" },
    { "item-size", 0, 0, G_OPTION_ARG_STRING, &item_size, N_("Payload bytes per item (4–65536, default 64)"), "BYTES" },
    { "sync", 0, 0, G_OPTION_ARG_STRING, &sync, N_("off, semaphores, mutex-only, wrong-order, lock-free or robust-mutex (default semaphores)"), "MODE" },
    { "items", 'n', 0, G_OPTION_ARG_STRING, &items, N_("Items to produce in all (default 100000 unless --duration)"), "N" },
    { "duration", 'd', 0, G_OPTION_ARG_STRING, &duration, N_("Stop after this long: seconds, or with a unit as in 500ms"), "SECONDS" },
    { "produce-time", 0, 0, G_OPTION_ARG_STRING, &produce_time, N_("Time to make one item, e.g. 1ms"), "TIME" },
    { "consume-time", 0, 0, G_OPTION_ARG_STRING, &consume_time, N_("Time to use one item"), "TIME" },
    { "race-window", 0, 0, G_OPTION_ARG_STRING, &race_window, N_("Delay between reading and writing back a shared index"), "TIME" },
    { "step-time", 0, 0, G_OPTION_ARG_STRING, &step_time, N_("Pause after every step (slow motion)"), "TIME" },
    { "speed", 0, 0, G_OPTION_ARG_STRING, &speed, N_("Speed factor for every delay, or “full” for none (default full)"), "FACTOR" },
    { "seed", 0, 0, G_OPTION_ARG_STRING, &seed, N_("Seed recorded with the run"), "N" },
    { "no-instrument", 0, 0, G_OPTION_ARG_NONE, &no_instrument, N_("Record no events (measures the engine alone)"), NULL },
    { "json", 0, 0, G_OPTION_ARG_NONE, &json, N_("Print the summary as one JSON object"), NULL },
    { "quiet", 'q', 0, G_OPTION_ARG_NONE, &quiet, N_("No progress line"), NULL },
    { "schedule", 0, 0, G_OPTION_ARG_STRING, &schedule_text, N_("Run exactly this interleaving, then stop: each process token (P1, C2…) runs one step (see docs/scheduling.md)"), "P1,P2,C1,…" },
    { "fault", 0, 0, G_OPTION_ARG_STRING_ARRAY, &fault_specs, N_("Inject a fault: kill, stop, cont or restart a process, or recover, at a time of the run (kill:P1@2s, recover@2.5s); repeatable"), "ACTION:PROC@TIME" },
    { "record", 0, 0, G_OPTION_ARG_FILENAME, &record, N_("Record every event to FILE (.shmviz) for replay and export"), "FILE" },
    { NULL }
  };
  g_autoptr(GOptionContext) context = g_option_context_new (NULL);
  g_autoptr(GError) error = NULL;
  g_autoptr(ShmvizSession) session = NULL;
  g_autoptr(GMainLoop) loop = NULL;
  g_autoptr(GTimer) timer = NULL;
  g_autofree char *summary = NULL;
  ShmvizScenario sc;
  Run run = { 0 };
  guint progress_source = 0, sigint_source, sigterm_source;
  guint64 v;

  g_option_context_set_summary (context, _("Runs real producer and consumer processes over a shared ring buffer."));
  g_option_context_add_main_entries (context, entries, GETTEXT_PACKAGE);
  g_set_prgname ("shmviz-cli run");

  shmviz_scenario_init_fast (&sc);
  sc.items = 100000;
  /* Only the delays asked for on the command line. */
  for (guint i = 0; i < SHMVIZ_N_TIMINGS; i++)
    sc.timing_ns[i] = 0;

  if (!g_option_context_parse (context, &argc, &argv, &error))
    goto usage_error;
  if (argc > 1)
    {
      g_set_error (&error, G_OPTION_ERROR, G_OPTION_ERROR_FAILED,
                   _("unexpected argument “%s”"), argv[1]);
      goto usage_error;
    }
  /* The lesson replaces the defaults; the flags below still override it. */
  if (lesson_name)
    {
      lesson = shmviz_lesson_find (lesson_name, &error);
      if (lesson == NULL)
        goto usage_error;
      sc = lesson->scenario;
      if (!json)
        printf ("%s — %s\n%s\n\n", lesson->name, lesson->title, lesson->explanation);
    }

#define UINT_FLAG(var, flag, min, max, field) \
  if (var) { if (!parse_uint (flag, var, min, max, &v, &error)) goto usage_error; field = v; }
  UINT_FLAG (producers, "--producers", 1, SHMVIZ_MAX_PRODUCERS, sc.n_producers);
  UINT_FLAG (consumers, "--consumers", 1, SHMVIZ_MAX_CONSUMERS, sc.n_consumers);
  UINT_FLAG (slots, "--slots", SHMVIZ_MIN_SLOTS, SHMVIZ_MAX_SLOTS, sc.n_slots);
  UINT_FLAG (item_size, "--item-size", SHMVIZ_MIN_ITEM_SIZE, SHMVIZ_MAX_ITEM_SIZE, sc.item_size);
  UINT_FLAG (items, "--items", 0, G_GUINT64_CONSTANT (1) << 40, sc.items);
  UINT_FLAG (seed, "--seed", 0, G_MAXUINT64, sc.seed);
#undef UINT_FLAG

  if (sync && !shmviz_sync_mode_from_string (sync, &sc.sync))
    {
      g_set_error (&error, G_OPTION_ERROR, G_OPTION_ERROR_BAD_VALUE,
                   _("--sync must be off, semaphores, mutex-only, wrong-order, lock-free or robust-mutex, not “%s”"), sync);
      goto usage_error;
    }
  if (duration)
    {
      g_autofree char *with_unit = NULL;
      guint64 ns;

      /* Unlike the delays, a run's length is counted in seconds. */
      if (g_ascii_isdigit (duration[0]) && g_ascii_isdigit (duration[strlen (duration) - 1]))
        with_unit = g_strconcat (duration, "s", NULL);
      if (!shmviz_parse_duration_ns (with_unit ? with_unit : duration, &ns, &error))
        {
          g_prefix_error (&error, "--duration: ");
          goto usage_error;
        }
      sc.duration = (gdouble) ns / 1e9;
      if (!items)
        sc.items = 0;
    }
  {
    const struct { const char *flag; const char *value; ShmvizTiming timing; } timings[] = {
      { "--produce-time", produce_time, SHMVIZ_TIMING_PRODUCE },
      { "--consume-time", consume_time, SHMVIZ_TIMING_CONSUME },
      { "--race-window", race_window, SHMVIZ_TIMING_RACE_WINDOW },
      { "--step-time", step_time, SHMVIZ_TIMING_STEP },
    };

    for (guint i = 0; i < G_N_ELEMENTS (timings); i++)
      if (timings[i].value)
        {
          if (!shmviz_parse_duration_ns (timings[i].value, &sc.timing_ns[timings[i].timing], &error))
            {
              g_prefix_error (&error, "%s: ", timings[i].flag);
              goto usage_error;
            }
          /* Asking for a delay means asking for it to happen. */
          if (!speed && sc.speed_permille == 0)
            sc.speed_permille = 1000;
        }
  }
  if (speed && !parse_speed (speed, &sc.speed_permille, &error))
    goto usage_error;
  if (no_instrument)
    sc.instrument = FALSE;
  if (sc.items == 0 && sc.duration <= 0)
    {
      g_set_error (&error, G_OPTION_ERROR, G_OPTION_ERROR_BAD_VALUE,
                   _("--items 0 runs forever: give --duration as well"));
      goto usage_error;
    }
  if (!shmviz_scenario_validate (&sc, &error))
    goto usage_error;
  if (fault_specs && !(faults = cli_faults_parse (fault_specs, sc.n_producers, sc.n_consumers, &error)))
    goto usage_error;
  /* A lesson's own interleaving, unless --schedule asks for another. */
  if (schedule_text == NULL && lesson != NULL && lesson->schedule != NULL)
    schedule_text = g_strdup (lesson->schedule);
  if (schedule_text != NULL)
    {
      if (!sc.instrument)
        {
          g_set_error (&error, G_OPTION_ERROR, G_OPTION_ERROR_BAD_VALUE,
                       _("--schedule needs the events that --no-instrument turns off"));
          goto usage_error;
        }
      if (!(schedule = shmviz_schedule_parse (schedule_text, &sc, &error)))
        {
          g_prefix_error (&error, "--schedule: ");
          goto usage_error;
        }
      /* The schedule decides when the run ends, not the item count. */
      sc.duration = 0;
    }

  loop = g_main_loop_new (NULL, FALSE);
  session = shmviz_session_new (&sc);
  timer = g_timer_new ();
  run.loop = loop;
  run.session = session;
  run.timer = timer;

  g_signal_connect (session, "finished", G_CALLBACK (on_finished), &run);
  g_signal_connect (session, "deadlock", G_CALLBACK (on_deadlock), &run);
  g_signal_connect (session, "process-died", G_CALLBACK (on_process_died), &run);
  g_signal_connect (session, "stalled", G_CALLBACK (on_stalled), &run);
  g_signal_connect (session, "error", G_CALLBACK (on_error), &run);

  if (record != NULL)
    {
      if (!sc.instrument)
        {
          g_set_error (&error, G_OPTION_ERROR, G_OPTION_ERROR_BAD_VALUE,
                       _("--record needs the events that --no-instrument turns off"));
          goto usage_error;
        }
      recorder = shmviz_recorder_new (record, &sc, &error);
      if (recorder == NULL)
        {
          g_printerr ("shmviz-cli: %s: %s\n", record, error->message);
          return SHMVIZ_CLI_EXIT_FAILED;
        }
      /* Before start, so that the first events are recorded too. */
      shmviz_recorder_attach (recorder, session);
    }

  if (schedule != NULL)
    shmviz_schedule_prepare (session);
  if (!shmviz_session_start (session, &error))
    {
      g_printerr ("shmviz-cli: %s\n", error->message);
      return SHMVIZ_CLI_EXIT_FAILED;
    }
  g_timer_start (timer);
  if (faults)
    cli_faults_arm (faults, session);
  if (schedule != NULL)
    shmviz_schedule_run_async (session, (const guint *) (void *) schedule->data, schedule->len, NULL,
                               on_schedule_done, &run);

  sigint_source = g_unix_signal_add (SIGINT, on_interrupt, &run);
  sigterm_source = g_unix_signal_add (SIGTERM, on_interrupt, &run);
  if (!quiet && isatty (STDERR_FILENO))
    progress_source = g_timeout_add (100, print_progress, &run);

  g_main_loop_run (loop);
  g_timer_stop (timer);

  if (recorder != NULL)
    {
      ShmvizRecorderStats st;

      if (!shmviz_recorder_close (recorder, &error))
        {
          g_printerr ("shmviz-cli: %s: %s\n", record, error->message);
          return SHMVIZ_CLI_EXIT_FAILED;
        }
      shmviz_recorder_get_stats (recorder, &st);
      if (!quiet)
        g_printerr (_("Recorded %" PRIu64 " events (%.0f events/s) in %" PRIu64
                      " bytes to %s; writer busy %.2f s, peak backlog %" PRIu64 " bytes\n"),
                    st.events, st.events / MAX (g_timer_elapsed (timer, NULL), 1e-9), st.bytes_written,
                    record, st.writer_busy_s, st.peak_backlog);
    }

  g_source_remove (sigint_source);
  g_source_remove (sigterm_source);
  g_clear_handle_id (&progress_source, g_source_remove);
  g_clear_handle_id (&run.deadlock_stop, g_source_remove);
  if (!quiet && isatty (STDERR_FILENO))
    {
      print_progress (&run);
      fputc ('\n', stderr);
    }

  if (json && !sc.instrument)
    summary = shmviz_summary_counts_to_json (&sc, shmviz_session_count_items (session, FALSE),
                                             shmviz_session_count_items (session, TRUE),
                                             g_timer_elapsed (timer, NULL));
  else if (json)
    summary = shmviz_summary_to_json (shmviz_session_get_model (session),
                                      g_timer_elapsed (timer, NULL), MAX_LISTED_ANOMALIES);
  else
    summary = shmviz_summary_to_text (shmviz_session_get_model (session),
                                      g_timer_elapsed (timer, NULL), 20);
  fputs (summary, stdout);
  if (json)
    fputc ('\n', stdout);

  if (run.schedule_error != NULL)
    {
      g_printerr ("shmviz-cli: --schedule: %s\n", run.schedule_error->message);
      g_clear_error (&run.schedule_error);
      return SHMVIZ_CLI_EXIT_FAILED;
    }
  return SHMVIZ_CLI_EXIT_OK;

usage_error:
  g_printerr ("shmviz-cli run: %s\n", error->message);
  g_printerr (_("Run “shmviz-cli run --help” for the options.\n"));
  return SHMVIZ_CLI_EXIT_USAGE;
}
