/* cli-export.c — `shmviz-cli export FILE --format csv|chrome-json -o OUT`
 *
 * CSV has one row per event.  chrome-json is the Chrome Trace Event Format
 * (chrome://tracing, Perfetto): a process per worker, a duration event per
 * stretch of a view state, an instant event per anomaly and annotation,
 * times in microseconds from the first event.  The formats that draw
 * (webm, png, svg, pdf) use ui/shmviz-export.c, built with the GUI.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <errno.h>
#include <glib/gi18n.h>
#include <inttypes.h>
#include <glib/gstdio.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "cli.h"
#include "layout.h"
#include "replay.h"
#ifdef SHMVIZ_HAVE_RENDER
#include "shmviz-export.h"
#endif

#define RUN 4096u

static void
json_string (FILE       *out,
             const char *str)
{
  fputc ('"', out);
  for (const char *p = str; *p; p++)
    {
      guchar c = (guchar) *p;

      if (c == '"' || c == '\\')
        fprintf (out, "\\%c", c);
      else if (c < 0x20)
        fprintf (out, "\\u%04x", c);
      else
        fputc (c, out);
    }
  fputc ('"', out);
}

static double
rel_us (guint64 ts,
        guint64 start)
{
  return ts >= start ? (ts - start) / 1000.0 : 0.0;
}

static gboolean
export_csv (ShmvizReplay *replay,
            FILE         *out)
{
  const ShmvizScenario *sc = shmviz_replay_get_scenario (replay);
  guint64 n = shmviz_replay_get_n_events (replay);
  guint64 start = shmviz_replay_get_start_ns (replay);
  g_autofree ShmvizEvent *evs = g_new (ShmvizEvent, RUN);

  fputs ("index,ts_ns,time_us,proc,process,kind,detail,slot,value,item,item_label,other\n", out);
  for (guint64 first = 0; first < n; first += RUN)
    {
      guint got = shmviz_replay_get_events (replay, first, RUN, evs);

      for (guint i = 0; i < got; i++)
        {
          const ShmvizEvent *e = &evs[i];
          g_autofree char *who = shmviz_proc_label (e->proc, sc->n_producers);
          g_autofree char *label = shmviz_item_label (e->item);

          fprintf (out, "%" G_GUINT64_FORMAT ",%" G_GUINT64_FORMAT ",%.3f,%u,%s,%s,%u,%u,%u,%"
                   G_GUINT64_FORMAT ",%s,%" G_GUINT64_FORMAT "\n",
                   first + i, e->ts_ns, rel_us (e->ts_ns, start), e->proc, who,
                   shmviz_event_kind_name (e->kind), e->detail, e->slot, e->value,
                   e->item, e->item != SHMVIZ_ITEM_NONE ? label : "", e->other);
        }
    }
  return TRUE;
}

typedef struct {
  guint8  state;
  guint8  wait_sem;
  guint64 since;
  gboolean started;
} Track;

static void
emit_span (FILE        *out,
           guint        proc,
           const Track *t,
           guint64      end,
           guint64      start)
{
  const char *name = shmviz_view_state_name (t->state);

  if (!t->started || t->state == SHMVIZ_VIEW_NEW)
    return;
  fputs (",\n{\"ph\":\"X\",\"cat\":\"state\",\"name\":", out);
  if (t->state == SHMVIZ_VIEW_WAITING || t->state == SHMVIZ_VIEW_ACQUIRING)
    {
      g_autofree char *full = g_strdup_printf ("%s (%s)", name, shmviz_sem_name (t->wait_sem));
      json_string (out, full);
    }
  else
    json_string (out, name);
  fprintf (out, ",\"ts\":%.3f,\"dur\":%.3f,\"pid\":%u,\"tid\":%u}",
           rel_us (t->since, start), end > t->since ? (end - t->since) / 1000.0 : 0.0,
           proc + 1, proc + 1);
}

static gboolean
export_chrome (ShmvizReplay *replay,
               FILE         *out)
{
  const ShmvizScenario *sc = shmviz_replay_get_scenario (replay);
  guint n_procs = sc->n_producers + sc->n_consumers;
  guint supervisor = n_procs;  /* its pid is n_procs + 1 */
  guint64 n = shmviz_replay_get_n_events (replay);
  guint64 start = shmviz_replay_get_start_ns (replay);
  guint64 end = shmviz_replay_get_end_ns (replay);
  g_autofree ShmvizEvent *evs = g_new (ShmvizEvent, RUN);
  g_autofree Track *tracks = g_new0 (Track, MAX (n_procs, 1));
  g_autoptr(ShmvizModel) model = shmviz_model_new (sc);
  const ShmvizAnomaly *anomalies;
  const ShmvizAnnotation *notes;
  guint n_anomalies, n_notes;

  fputs ("{\"displayTimeUnit\":\"ns\",\"otherData\":{\"producer\":\"shmviz " PACKAGE_VERSION "\"},\n"
         "\"traceEvents\":[\n", out);
  fprintf (out, "{\"ph\":\"M\",\"name\":\"process_name\",\"pid\":%u,\"tid\":%u,\"args\":{\"name\":\"supervisor\"}}",
           supervisor + 1, supervisor + 1);
  for (guint p = 0; p < n_procs; p++)
    {
      g_autofree char *label = shmviz_proc_label (p, sc->n_producers);
      g_autofree char *pname = g_strdup_printf ("%s %s", label,
                                                p < sc->n_producers ? _("producer") : _("consumer"));

      fprintf (out, ",\n{\"ph\":\"M\",\"name\":\"process_name\",\"pid\":%u,\"tid\":%u,\"args\":{\"name\":",
               p + 1, p + 1);
      json_string (out, pname);
      fprintf (out, "}},\n{\"ph\":\"M\",\"name\":\"thread_name\",\"pid\":%u,\"tid\":%u,\"args\":{\"name\":",
               p + 1, p + 1);
      json_string (out, label);
      fprintf (out, "}},\n{\"ph\":\"M\",\"name\":\"process_sort_index\",\"pid\":%u,\"tid\":%u,"
               "\"args\":{\"sort_index\":%u}}", p + 1, p + 1, p);
    }

  /* Fold one event at a time: only the process an event is about can
   * change state, so one look per event finds every span. */
  for (guint64 first = 0; first < n; first += RUN)
    {
      guint got = shmviz_replay_get_events (replay, first, RUN, evs);

      for (guint i = 0; i < got; i++)
        {
          const ShmvizEvent *e = &evs[i];
          guint proc = e->proc == SHMVIZ_PROC_SUPERVISOR ? e->slot : e->proc;
          ShmvizProcView view;
          Track *t;

          shmviz_model_fold (model, e, 1);
          if (proc >= n_procs || !shmviz_model_get_proc (model, proc, &view))
            continue;
          t = &tracks[proc];
          if (t->started && t->state == view.state && t->wait_sem == view.wait_sem)
            continue;
          emit_span (out, proc, t, MAX (view.state_since_ns, t->since), start);
          t->state = view.state;
          t->wait_sem = view.wait_sem;
          t->since = MAX (view.state_since_ns, t->since);
          t->started = TRUE;
        }
    }
  for (guint p = 0; p < n_procs; p++)
    if (tracks[p].state != SHMVIZ_VIEW_DONE && tracks[p].state != SHMVIZ_VIEW_DEAD)
      emit_span (out, p, &tracks[p], end, start);

  anomalies = shmviz_replay_get_all_anomalies (replay, &n_anomalies);
  for (guint i = 0; i < n_anomalies; i++)
    {
      const ShmvizAnomaly *a = &anomalies[i];
      guint pid = a->actor < n_procs ? a->actor + 1u : supervisor + 1u;
      g_autofree char *text = shmviz_anomaly_describe (a, sc->n_producers);
      g_autofree char *item = shmviz_item_label (a->item);

      fputs (",\n{\"ph\":\"i\",\"s\":\"p\",\"cat\":\"anomaly\",\"name\":", out);
      json_string (out, shmviz_anomaly_kind_name (a->kind));
      fprintf (out, ",\"ts\":%.3f,\"pid\":%u,\"tid\":%u,\"args\":{", rel_us (a->ts_ns, start), pid, pid);
      if (a->slot != G_MAXUINT)
        fprintf (out, "\"slot\":%u,", a->slot);
      if (a->item != SHMVIZ_ITEM_NONE)
        {
          fputs ("\"item\":", out);
          json_string (out, item);
          fputc (',', out);
        }
      fputs ("\"explanation\":", out);
      json_string (out, text);
      fputs ("}}", out);
    }

  notes = shmviz_replay_get_annotations (replay, &n_notes);
  for (guint i = 0; i < n_notes; i++)
    {
      fputs (",\n{\"ph\":\"i\",\"s\":\"g\",\"cat\":\"annotation\",\"name\":", out);
      json_string (out, notes[i].text);
      fprintf (out, ",\"ts\":%.3f,\"pid\":%u,\"tid\":%u}", rel_us (notes[i].ts_ns, start),
               supervisor + 1, supervisor + 1);
    }

  fputs ("\n]}\n", out);
  return TRUE;
}

#ifdef SHMVIZ_HAVE_RENDER
static void
print_progress (double   fraction,
                gpointer user_data)
{
  if (*(gboolean *)user_data)
    g_printerr ("\r%3d %%", (int)(fraction * 100));
}

/* png: the frame at --at (default: the end); svg/pdf: the timelines of the
 * whole recording; webm: the recording as a video. */
static int
export_drawing (ShmvizReplay       *replay,
                ShmvizExportFormat  format,
                const char         *output,
                const char         *size,
                int                 fps,
                double              duration,
                double              speed,
                double              at)
{
  g_autoptr(GError) error = NULL;
  guint64 start = shmviz_replay_get_start_ns (replay);
  guint64 end = shmviz_replay_get_end_ns (replay);
  int width = 1280, height = 720;
  gboolean ok;

  if (size != NULL && !shmviz_export_parse_size (size, &width, &height))
    {
      g_printerr (_("shmviz-cli export: --size must be WIDTHxHEIGHT with even sides from 16 to 7680, "
                    "or 720p, 1080p, 4k; not “%s”\n"), size);
      return SHMVIZ_CLI_EXIT_USAGE;
    }

  if (format == SHMVIZ_EXPORT_WEBM)
    {
      ShmvizVideoOptions vo = { .width = width, .height = height, .fps = fps,
                                .duration_s = duration, .speed = speed };
      ShmvizVideoStats st = { 0 };
      gboolean tty = isatty (2);

      ok = shmviz_export_video (replay, output, &vo, print_progress, &tty, NULL, &st, &error);
      if (tty)
        g_printerr ("\n");
      if (ok)
        g_printerr (_("video: %" PRIu64 " frames (%.2f s) at %dx%d in %.2f s: %.1f frames/s\n"),
                    st.frames, st.video_seconds, width, height, st.seconds,
                    st.seconds > 0 ? st.frames / st.seconds : 0.0);
    }
  else if (format == SHMVIZ_EXPORT_PNG)
    {
      ShmvizSnapshot snap = { 0 };
      ShmvizRenderOptions ro = { 0 };
      const ShmvizAnnotation *notes;
      guint n_notes;
      guint64 t = at >= 0 ? start + (guint64)(at * 1e9) : end;

      shmviz_replay_seek_time (replay, t);
      shmviz_model_snapshot (shmviz_replay_get_model (replay), &snap);
      notes = shmviz_replay_get_annotations (replay, &n_notes);
      ro.caption = shmviz_render_caption_at (notes, n_notes, t, 3 * G_GUINT64_CONSTANT (1000000000), NULL);
      ok = shmviz_export_frame_png (&snap, &ro, width, height, output, &error);
      shmviz_snapshot_clear (&snap);
    }
  else
    {
      ok = shmviz_export_timeline (shmviz_replay_get_model (replay), start, end, format, NULL,
                                   width, height, output, &error);
    }

  if (!ok)
    {
      g_printerr ("shmviz-cli export: %s\n", error->message);
      return SHMVIZ_CLI_EXIT_FAILED;
    }
  return SHMVIZ_CLI_EXIT_OK;
}
#endif

int
shmviz_cli_export (int    argc,
                   char **argv)
{
  g_autofree char *format = NULL;
  g_autofree char *output = NULL;
  g_autofree char *size = NULL;
  int fps = 30;
  double duration = 0, speed = 1, at = -1;
  GOptionEntry entries[] = {
    { "format", 'f', 0, G_OPTION_ARG_STRING, &format, N_("csv, chrome-json, webm, png, svg or pdf (default: from the output's extension)"), "FORMAT" },
    { "output", 'o', 0, G_OPTION_ARG_FILENAME, &output, N_("File to write, or - for standard output"), "OUT" },
    { "size", 0, 0, G_OPTION_ARG_STRING, &size, N_("Picture size for webm, png, svg, pdf: WIDTHxHEIGHT, 720p, 1080p or 4k (default 1280x720)"), "WxH" },
    { "fps", 0, 0, G_OPTION_ARG_INT, &fps, N_("Video frames per second (default 30)"), "N" },
    { "duration", 0, 0, G_OPTION_ARG_DOUBLE, &duration, N_("Video length in seconds: the whole recording fits in it"), "SECONDS" },
    { "speed", 0, 0, G_OPTION_ARG_DOUBLE, &speed, N_("Recorded seconds per video second, without --duration (default 1)"), "FACTOR" },
    { "at", 0, 0, G_OPTION_ARG_DOUBLE, &at, N_("png: the moment to draw, in seconds from the start (default: the end)"), "SECONDS" },
    { NULL }
  };
  g_autoptr(GOptionContext) context = g_option_context_new (_("FILE"));
  g_autoptr(GError) error = NULL;
  g_autoptr(ShmvizReplay) replay = NULL;
  const char *reason = NULL;
  gboolean drawing;
  gboolean to_stdout;
  FILE *out;
  int errsv;

  g_option_context_set_summary (context, _("Exports a .shmviz recording as CSV (one row per event), "
                                           "as a Chrome trace (chrome-json), as a WebM video, as a PNG "
                                           "of one moment, or its timelines as SVG or PDF."));
  g_option_context_add_main_entries (context, entries, GETTEXT_PACKAGE);
  g_set_prgname ("shmviz-cli export");

  if (!g_option_context_parse (context, &argc, &argv, &error))
    goto usage_error;
  if (argc != 2)
    {
      g_set_error (&error, G_OPTION_ERROR, G_OPTION_ERROR_FAILED,
                   argc < 2 ? _("no recording given") : _("unexpected argument “%s”"),
                   argc < 2 ? "" : argv[2]);
      goto usage_error;
    }
  if (output == NULL)
    {
      g_set_error (&error, G_OPTION_ERROR, G_OPTION_ERROR_FAILED, _("give the output file with -o OUT"));
      goto usage_error;
    }
  if (format == NULL)
    {
      if (g_str_has_suffix (output, ".csv"))
        format = g_strdup ("csv");
      else if (g_str_has_suffix (output, ".json"))
        format = g_strdup ("chrome-json");
      else if (g_str_has_suffix (output, ".webm") || g_str_has_suffix (output, ".png") ||
               g_str_has_suffix (output, ".svg") || g_str_has_suffix (output, ".pdf"))
        format = g_ascii_strdown (strrchr (output, '.') + 1, -1);
      else
        {
          g_set_error (&error, G_OPTION_ERROR, G_OPTION_ERROR_FAILED,
                       _("give --format csv or --format chrome-json"));
          goto usage_error;
        }
    }
  drawing = g_strv_contains ((const char * const[]) { "webm", "png", "svg", "pdf", NULL }, format);
#ifndef SHMVIZ_HAVE_RENDER
  if (drawing)
    {
      g_printerr (_("shmviz-cli export: --format %s needs a build with the GUI (cairo, pango, "
                    "GStreamer)\n"), format);
      return SHMVIZ_CLI_EXIT_USAGE;
    }
#endif
  if (!drawing && g_strcmp0 (format, "csv") != 0 && g_strcmp0 (format, "chrome-json") != 0)
    {
      g_set_error (&error, G_OPTION_ERROR, G_OPTION_ERROR_BAD_VALUE,
                   _("--format must be csv, chrome-json, webm, png, svg or pdf, not “%s”"), format);
      goto usage_error;
    }
  if (fps < 1 || fps > 240 || duration < 0 || duration > 24 * 3600 || speed <= 0)
    {
      g_set_error (&error, G_OPTION_ERROR, G_OPTION_ERROR_BAD_VALUE,
                   _("--fps must be 1 to 240, --duration at most a day, --speed above 0"));
      goto usage_error;
    }
  if (drawing && g_strcmp0 (output, "-") == 0)
    {
      g_set_error (&error, G_OPTION_ERROR, G_OPTION_ERROR_BAD_VALUE,
                   _("--format %s needs a file, not standard output"), format);
      goto usage_error;
    }

  replay = shmviz_replay_open (argv[1], &error);
  if (replay == NULL)
    {
      g_printerr ("shmviz-cli export: %s: %s\n", argv[1], error->message);
      return SHMVIZ_CLI_EXIT_FAILED;
    }
  if (!shmviz_recording_is_complete (shmviz_replay_get_recording (replay), &reason))
    g_printerr (_("shmviz-cli export: %s: recording cut short (%s); exporting up to its last "
                  "complete record\n"), argv[1], reason);

#ifdef SHMVIZ_HAVE_RENDER
  if (drawing)
    {
      ShmvizExportFormat f = SHMVIZ_EXPORT_PNG;

      shmviz_export_format_from_string (format, &f);
      return export_drawing (replay, f, output, size, fps, duration, speed, at);
    }
#endif

  to_stdout = g_strcmp0 (output, "-") == 0;
  out = to_stdout ? stdout : g_fopen (output, "w");
  if (out == NULL)
    {
      errsv = errno;
      g_printerr (_("shmviz-cli export: cannot write %s: %s\n"), output, g_strerror (errsv));
      return SHMVIZ_CLI_EXIT_FAILED;
    }
  setvbuf (out, NULL, _IOFBF, 1 << 20);

  if (g_strcmp0 (format, "csv") == 0)
    export_csv (replay, out);
  else
    export_chrome (replay, out);

  if (fflush (out) != 0 || ferror (out) || (!to_stdout && fclose (out) != 0))
    {
      errsv = errno;
      g_printerr (_("shmviz-cli export: writing %s failed: %s\n"), output, g_strerror (errsv));
      return SHMVIZ_CLI_EXIT_FAILED;
    }

  return SHMVIZ_CLI_EXIT_OK;

usage_error:
  g_printerr ("shmviz-cli export: %s\n", error->message);
  g_printerr (_("Run “shmviz-cli export --help” for the options.\n"));
  return SHMVIZ_CLI_EXIT_USAGE;
}
