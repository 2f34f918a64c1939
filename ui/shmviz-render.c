/* shmviz-render.c — offscreen drawing of a model snapshot with cairo + pango
 *
 * Everything is laid out relative to the frame's height, so a 720p and a 4K
 * frame show the same picture.  No GTK here: the CLI links this too.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <inttypes.h>
#include <math.h>
#include <string.h>

#include <glib/gi18n.h>
#include <pango/pangocairo.h>

#include "layout.h"
#include "shmviz-render.h"

typedef struct { double r, g, b; } Rgb;

#define FLASH_NS (1500 * G_GUINT64_CONSTANT (1000000))

#define HEX(h) { ((h) >> 16 & 0xff) / 255.0, ((h) >> 8 & 0xff) / 255.0, ((h) & 0xff) / 255.0 }

/* The default palette of ui/shmviz-palette.c, repeated here because that
 * file speaks GdkRGBA and this one must not need GTK. */
static const Rgb proc_rgb[8] = {
  HEX (0x1c71d8), HEX (0xc64600), HEX (0x9141ac), HEX (0x26a269),
  HEX (0x986a44), HEX (0xc88800), HEX (0x5e5c64), HEX (0x3584e4),
};
static const Rgb slot_rgb[SHMVIZ_N_SLOT_STATES] = {
  HEX (0x9a9996), HEX (0xe5a50a), HEX (0x1c71d8), HEX (0x813d9c),
};
static const Rgb view_rgb[SHMVIZ_N_VIEW_STATES] = {
  HEX (0x9a9996), HEX (0x26a269), HEX (0xe5a50a), HEX (0xe66100), HEX (0x1c71d8),
  HEX (0x813d9c), HEX (0x77767b), HEX (0xa51d2d), HEX (0x5e5c64),
};
static const Rgb anomaly_rgb[SHMVIZ_N_ANOMALY_KINDS] = {
  HEX (0xe01b24), HEX (0xff7800), HEX (0xc64600), HEX (0xa51d2d), HEX (0xe5a50a), HEX (0xc01c28),
};
/* background, foreground, line; light then dark */
static const Rgb neutral_rgb[2][3] = {
  { HEX (0xfafafa), HEX (0x1e1e1e), HEX (0xc0bfbc) },
  { HEX (0x242424), HEX (0xffffff), HEX (0x5e5c64) },
};

static void
set_rgb (cairo_t   *cr,
         const Rgb *c,
         double     alpha)
{
  cairo_set_source_rgba (cr, c->r, c->g, c->b, alpha);
}

static const Rgb *
proc_color (guint proc,
            guint n_producers)
{
  guint i = proc < n_producers ? proc : proc - n_producers;

  /* Consumers start at the other end of the table, as in the views. */
  return proc < n_producers ? &proc_rgb[i % 8] : &proc_rgb[(7 - i % 8 + 8) % 8];
}

static const Rgb *
text_on (const Rgb *fill)
{
  static const Rgb black = { 0, 0, 0 }, white = { 1, 1, 1 };
  double lum = 0.2126 * fill->r + 0.7152 * fill->g + 0.0722 * fill->b;

  return lum > 0.5 ? &black : &white;
}

static void
rounded_rect (cairo_t *cr,
              double   x,
              double   y,
              double   w,
              double   h,
              double   r)
{
  r = MIN (r, MIN (w, h) / 2);
  cairo_new_sub_path (cr);
  cairo_arc (cr, x + w - r, y + r, r, -G_PI / 2, 0);
  cairo_arc (cr, x + w - r, y + h - r, r, 0, G_PI / 2);
  cairo_arc (cr, x + r, y + h - r, r, G_PI / 2, G_PI);
  cairo_arc (cr, x + r, y + r, r, G_PI, 3 * G_PI / 2);
  cairo_close_path (cr);
}

/* Draws @text with (@x, @y) at (@xalign, @yalign) of its box, at most
 * @max_w wide (ellipsized); returns the box's width. */
static double
text (cairo_t    *cr,
      const char *str,
      double      px,
      gboolean    bold,
      double      x,
      double      y,
      double      xalign,
      double      yalign,
      double      max_w)
{
  g_autoptr(PangoLayout) layout = pango_cairo_create_layout (cr);
  PangoFontDescription *desc = pango_font_description_from_string ("Cantarell, Sans");
  int w, h;

  pango_font_description_set_absolute_size (desc, MAX (px, 1) * PANGO_SCALE);
  pango_font_description_set_weight (desc, bold ? PANGO_WEIGHT_BOLD : PANGO_WEIGHT_NORMAL);
  pango_layout_set_font_description (layout, desc);
  pango_font_description_free (desc);
  pango_layout_set_text (layout, str, -1);
  if (max_w > 0)
    {
      pango_layout_set_width (layout, (int)(max_w * PANGO_SCALE));
      pango_layout_set_ellipsize (layout, PANGO_ELLIPSIZE_END);
    }
  pango_layout_get_pixel_size (layout, &w, &h);
  cairo_move_to (cr, x - xalign * w, y - yalign * h);
  pango_cairo_show_layout (cr, layout);

  return w;
}

/* A paragraph wrapped to @w, centred; returns its height. */
static double
paragraph (cairo_t    *cr,
           const char *str,
           double      px,
           double      x,
           double      y,
           double      w,
           gboolean    measure_only)
{
  g_autoptr(PangoLayout) layout = pango_cairo_create_layout (cr);
  PangoFontDescription *desc = pango_font_description_from_string ("Cantarell, Sans");
  int lw, lh;

  pango_font_description_set_absolute_size (desc, px * PANGO_SCALE);
  pango_layout_set_font_description (layout, desc);
  pango_font_description_free (desc);
  pango_layout_set_text (layout, str, -1);
  pango_layout_set_width (layout, (int)(w * PANGO_SCALE));
  pango_layout_set_alignment (layout, PANGO_ALIGN_CENTER);
  pango_layout_set_wrap (layout, PANGO_WRAP_WORD_CHAR);
  pango_layout_get_pixel_size (layout, &lw, &lh);
  if (!measure_only)
    {
      cairo_move_to (cr, x, y);
      pango_cairo_show_layout (cr, layout);
    }
  return lh;
}

static char *
time_text (guint64 ns)
{
  return g_strdup_printf ("%.3f s", ns / 1e9);
}

static char *
default_title (const ShmvizScenario *sc)
{
  g_autofree char *p = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "%u producer", "%u producers",
                                                     sc->n_producers), sc->n_producers);
  g_autofree char *c = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "%u consumer", "%u consumers",
                                                     sc->n_consumers), sc->n_consumers);
  g_autofree char *s = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "%u slot", "%u slots",
                                                     sc->n_slots), sc->n_slots);

  return g_strdup_printf ("%s · %s · %s · %s", p, c, s, shmviz_sync_mode_to_string (sc->sync));
}

static void
draw_caption (cairo_t                   *cr,
              const ShmvizRenderOptions *options,
              double                     width,
              double                     height,
              double                     u)
{
  double px = 3.2 * u, pad = 1.6 * u, w = width * 0.8, h;
  double alpha = options->caption_alpha > 0 ? MIN (options->caption_alpha, 1.0) : 1.0;

  if (options->caption == NULL || options->caption[0] == '\0')
    return;

  h = paragraph (cr, options->caption, px, 0, 0, w, TRUE);
  cairo_save (cr);
  rounded_rect (cr, (width - w) / 2 - pad, height - h - 6 * u - pad, w + 2 * pad, h + 2 * pad, 1.2 * u);
  cairo_set_source_rgba (cr, 0, 0, 0, 0.78 * alpha);
  cairo_fill (cr);
  cairo_set_source_rgba (cr, 1, 1, 1, alpha);
  paragraph (cr, options->caption, px, (width - w) / 2, height - h - 6 * u, w, FALSE);
  cairo_restore (cr);
}

static void
draw_slots (cairo_t              *cr,
            const ShmvizSnapshot *snap,
            const Rgb            *fg,
            const Rgb            *line,
            double x0,
            double y0,
            double w,
            double h,
            double u)
{
  guint n = snap->n_slots;
  guint per_row, rows;
  double gap = 0.8 * u, cw, ch;

  if (n == 0 || snap->slots == NULL)
    return;

  /* At most 32 slots a row; beyond that rows wrap. */
  per_row = MIN (n, 32u);
  rows = (n + per_row - 1) / per_row;
  cw = (w - gap * (per_row - 1)) / per_row;
  ch = MIN (cw * 0.75, (h - gap * (rows - 1)) / rows - 3.6 * u);
  ch = MAX (ch, 2 * u);

  for (guint i = 0; i < n; i++)
    {
      const ShmvizSlotView *sv = &snap->slots[i];
      guint state = MIN (sv->state, (guint)SHMVIZ_N_SLOT_STATES - 1);
      double x = x0 + (i % per_row) * (cw + gap);
      double y = y0 + (i / per_row) * (ch + gap + 3.6 * u);
      const Rgb *fill = &slot_rgb[state];

      rounded_rect (cr, x, y, cw, ch, 0.8 * u);
      if (state == SHMVIZ_SLOT_EMPTY)
        {
          set_rgb (cr, line, 1);
          cairo_set_line_width (cr, 0.25 * u);
          cairo_stroke (cr);
        }
      else
        {
          set_rgb (cr, fill, 1);
          cairo_fill (cr);
          if (sv->item != SHMVIZ_ITEM_NONE && cw > 3 * u)
            {
              g_autofree char *label = shmviz_item_label (sv->item);

              set_rgb (cr, text_on (fill), 1);
              text (cr, label, MIN (2.2 * u, cw / 3), TRUE, x + cw / 2, y + ch / 2, 0.5, 0.5, cw - 0.4 * u);
            }
        }

      /* An anomaly outlines its slot and fades out over 1.5 s, as in the
       * buffer view. */
      if (sv->flash != 0 && sv->flash <= SHMVIZ_N_ANOMALY_KINDS &&
          snap->now_ns >= sv->flash_ns && snap->now_ns - sv->flash_ns < FLASH_NS)
        {
          double fade = 1.0 - (double)(snap->now_ns - sv->flash_ns) / FLASH_NS;

          rounded_rect (cr, x - 0.3 * u, y - 0.3 * u, cw + 0.6 * u, ch + 0.6 * u, 1 * u);
          set_rgb (cr, &anomaly_rgb[sv->flash - 1], fade);
          cairo_set_line_width (cr, 0.6 * u);
          cairo_stroke (cr);
        }

      /* The indices the workers last read back: in (producers write
       * there) above, out (consumers read there) below. */
      set_rgb (cr, fg, 0.8);
      if (i == snap->in)
        text (cr, "in ▼", 1.6 * u, TRUE, x + cw / 2, y - 0.3 * u, 0.5, 1, 0);
      if (i == snap->out)
        text (cr, "▲ out", 1.6 * u, TRUE, x + cw / 2, y + ch + 0.3 * u, 0.5, 0, 0);
    }
}

static void
draw_procs (cairo_t              *cr,
            const ShmvizSnapshot *snap,
            const Rgb            *fg,
            const Rgb            *line,
            double x0,
            double y0,
            double w,
            double h,
            double u)
{
  guint n = snap->n_procs;
  guint cols, rows;
  double gap = 1 * u, cw, ch;

  if (n == 0 || snap->procs == NULL)
    return;

  cols = MIN (n, 8u);
  rows = (n + cols - 1) / cols;
  cw = (w - gap * (cols - 1)) / cols;
  ch = MIN (14 * u, (h - gap * (rows - 1)) / rows);

  for (guint i = 0; i < n; i++)
    {
      const ShmvizProcView *pv = &snap->procs[i];
      guint state = MIN (pv->state, (guint)SHMVIZ_N_VIEW_STATES - 1);
      double x = x0 + (i % cols) * (cw + gap);
      double y = y0 + (i / cols) * (ch + gap);
      double fs = MIN (2.2 * u, ch / 5.5);
      g_autofree char *label = shmviz_proc_label (i, snap->scenario.n_producers);
      g_autofree char *what = NULL;
      g_autofree char *done = NULL;
      GString *held = g_string_new (NULL);

      rounded_rect (cr, x, y, cw, ch, 1 * u);
      set_rgb (cr, &view_rgb[state], 0.18);
      cairo_fill_preserve (cr);
      set_rgb (cr, line, 1);
      cairo_set_line_width (cr, 0.2 * u);
      cairo_stroke (cr);

      /* Process colour, then the state's colour as a band. */
      cairo_rectangle (cr, x, y + 0.8 * u, 0.8 * u, ch - 1.6 * u);
      set_rgb (cr, proc_color (i, snap->scenario.n_producers), 1);
      cairo_fill (cr);

      set_rgb (cr, fg, 1);
      text (cr, label, fs * 1.3, TRUE, x + 1.6 * u, y + 0.6 * u, 0, 0, cw - 2 * u);

      if ((state == SHMVIZ_VIEW_WAITING || state == SHMVIZ_VIEW_ACQUIRING) && pv->wait_sem < SHMVIZ_N_SEMS)
        what = g_strdup_printf ("%s %s", shmviz_view_state_name (state), shmviz_sem_name (pv->wait_sem));
      else
        what = g_strdup (shmviz_view_state_name (state));
      rounded_rect (cr, x + 1.6 * u, y + ch * 0.42, cw - 2.4 * u, fs * 1.5, 0.5 * u);
      set_rgb (cr, &view_rgb[state], 1);
      cairo_fill (cr);
      set_rgb (cr, text_on (&view_rgb[state]), 1);
      text (cr, what, fs, TRUE, x + 2.1 * u, y + ch * 0.42 + fs * 0.75, 0, 0.5, cw - 3.2 * u);

      if (pv->held & SHMVIZ_HELD_MUTEX)
        g_string_append (held, "🔒 mutex ");
      if (pv->held & ~SHMVIZ_HELD_MUTEX)
        g_string_append (held, "● sem");
      done = g_strdup_printf ("%" G_GUINT64_FORMAT " %s", pv->items_done,
                              i < snap->scenario.n_producers ? _("made") : _("taken"));
      set_rgb (cr, fg, 0.85);
      text (cr, done, fs, FALSE, x + 1.6 * u, y + ch - 0.5 * u, 0, 1, cw / 2);
      text (cr, held->str, fs, TRUE, x + cw - 0.6 * u, y + ch - 0.5 * u, 1, 1, cw / 2);
      g_string_free (held, TRUE);
    }
}

void
shmviz_render_frame (cairo_t                   *cr,
                     const ShmvizSnapshot      *snap,
                     int                        width,
                     int                        height,
                     const ShmvizRenderOptions *options)
{
  static const ShmvizRenderOptions defaults = { 0 };
  const Rgb *bg, *fg, *line;
  double u = height / 100.0;  /* one unit: 1 % of the height */
  double m = 3 * u;
  g_autofree char *title = NULL;
  g_autofree char *now = NULL;
  g_autofree char *sems = NULL;
  g_autofree char *totals = NULL;
  double y;

  g_return_if_fail (cr != NULL && snap != NULL);

  if (options == NULL)
    options = &defaults;
  bg = &neutral_rgb[options->dark ? 1 : 0][0];
  fg = &neutral_rgb[options->dark ? 1 : 0][1];
  line = &neutral_rgb[options->dark ? 1 : 0][2];

  cairo_save (cr);
  set_rgb (cr, bg, 1);
  cairo_rectangle (cr, 0, 0, width, height);
  cairo_fill (cr);

  /* Title and clock */
  title = options->title != NULL ? g_strdup (options->title) : default_title (&snap->scenario);
  now = time_text (snap->now_ns > snap->start_ns ? snap->now_ns - snap->start_ns : 0);
  set_rgb (cr, fg, 1);
  text (cr, title, 3 * u, TRUE, m, m, 0, 0, width * 0.7);
  text (cr, now, 3 * u, FALSE, width - m, m, 1, 0, 0);
  if (snap->deadlock)
    {
      set_rgb (cr, &anomaly_rgb[SHMVIZ_ANOMALY_DEADLOCK], 1);
      text (cr, _("Deadlock"), 3 * u, TRUE, width - m - 22 * u, m, 1, 0, 0);
    }

  /* Ring buffer */
  y = m + 6 * u;
  set_rgb (cr, fg, 0.7);
  text (cr, _("Ring Buffer"), 2.2 * u, TRUE, m, y, 0, 0, 0);
  draw_slots (cr, snap, fg, line, m, y + 6 * u, width - 2 * m, 22 * u, u);

  /* Semaphores */
  y += 30 * u;
  sems = g_strdup_printf ("empty = %d    full = %d    mutex = %d    count = %d",
                          snap->sem_value[SHMVIZ_SEM_EMPTY], snap->sem_value[SHMVIZ_SEM_FULL],
                          snap->sem_value[SHMVIZ_SEM_MUTEX], (gint) snap->count);
  set_rgb (cr, fg, 0.85);
  text (cr, sems, 2.2 * u, FALSE, m, y, 0, 0, 0);

  /* Processes */
  y += 5 * u;
  set_rgb (cr, fg, 0.7);
  text (cr, _("Processes and Locks"), 2.2 * u, TRUE, m, y, 0, 0, 0);
  draw_procs (cr, snap, fg, line, m, y + 3.5 * u, width - 2 * m, 30 * u, u);

  /* Totals, bad ones in the anomaly colour when non-zero */
  totals = g_strdup_printf (_("produced %" PRIu64 "   consumed %" PRIu64
                              "   lost %" PRIu64 "   duplicated %" PRIu64
                              "   empty reads %" PRIu64 "   torn %" PRIu64
                              "   deadlocks %" PRIu64),
                            snap->totals.produced, snap->totals.consumed, snap->totals.lost,
                            snap->totals.duplicated, snap->totals.empty_reads, snap->totals.corrupt,
                            snap->totals.deadlocks);
  cairo_rectangle (cr, 0, height - 5.5 * u, width, 5.5 * u);
  set_rgb (cr, line, 0.25);
  cairo_fill (cr);
  if (snap->n_anomalies > 0)
    set_rgb (cr, &anomaly_rgb[SHMVIZ_ANOMALY_LOST], 1);
  else
    set_rgb (cr, fg, 1);
  text (cr, totals, 2.2 * u, FALSE, m, height - 2.75 * u, 0, 0.5, width - 2 * m);

  draw_caption (cr, options, width, height - 5 * u, u);
  cairo_restore (cr);
}

void
shmviz_render_timeline (cairo_t                   *cr,
                        ShmvizModel               *model,
                        guint64                    t0_ns,
                        guint64                    t1_ns,
                        int                        width,
                        int                        height,
                        const ShmvizRenderOptions *options)
{
  static const ShmvizRenderOptions defaults = { 0 };
  const ShmvizScenario *sc;
  const Rgb *bg, *fg, *line;
  g_autoptr(GArray) spans = g_array_new (FALSE, FALSE, sizeof (ShmvizSpan));
  g_autoptr(GArray) anomalies = g_array_new (FALSE, FALSE, sizeof (ShmvizAnomaly));
  g_autofree char *title = NULL;
  guint n_procs;
  double m = 24, label_w = 60, top = 64, axis_h = 36, row_h, plot_w;
  double span_ns;
  int last_col;

  g_return_if_fail (cr != NULL && model != NULL);

  if (options == NULL)
    options = &defaults;
  sc = shmviz_model_get_scenario (model);
  n_procs = sc->n_producers + sc->n_consumers;
  if (t1_ns <= t0_ns)
    t1_ns = t0_ns + 1;
  span_ns = (double)(t1_ns - t0_ns);

  bg = &neutral_rgb[options->dark ? 1 : 0][0];
  fg = &neutral_rgb[options->dark ? 1 : 0][1];
  line = &neutral_rgb[options->dark ? 1 : 0][2];

  cairo_save (cr);
  set_rgb (cr, bg, 1);
  cairo_rectangle (cr, 0, 0, width, height);
  cairo_fill (cr);

  title = options->title != NULL ? g_strdup (options->title) : default_title (sc);
  set_rgb (cr, fg, 1);
  text (cr, title, 18, TRUE, m, m, 0, 0, width - 2 * m);

  plot_w = width - 2 * m - label_w;
  row_h = MAX (4, (height - top - axis_h - m) / MAX (n_procs, 1u));

  for (guint p = 0; p < n_procs; p++)
    {
      g_autofree char *label = shmviz_proc_label (p, sc->n_producers);
      double y = top + p * row_h;

      set_rgb (cr, proc_color (p, sc->n_producers), 1);
      text (cr, label, MIN (14, row_h * 0.6), TRUE, m, y + row_h / 2, 0, 0.5, label_w - 6);

      g_array_set_size (spans, 0);
      shmviz_model_get_spans (model, p, t0_ns, spans);
      last_col = G_MININT;
      for (guint i = 0; i < spans->len; i++)
        {
          const ShmvizSpan *s = &g_array_index (spans, ShmvizSpan, i);
          guint64 a = MAX (s->start_ns, t0_ns);
          guint64 b = MIN (s->end_ns, t1_ns);
          guint state = MIN (s->state, (guint)SHMVIZ_N_VIEW_STATES - 1);
          double x0, x1;

          if (b <= a || s->start_ns >= t1_ns)
            continue;
          x0 = m + label_w + (a - t0_ns) / span_ns * plot_w;
          x1 = m + label_w + (b - t0_ns) / span_ns * plot_w;
          /* Thousands of spans can share a pixel: draw one per column so
           * that SVG and PDF stay small. */
          if (x1 - x0 < 1 && (int)x0 == last_col)
            continue;
          last_col = (int)x0;
          cairo_rectangle (cr, x0, y + row_h * 0.15, MAX (x1 - x0, 0.5), row_h * 0.7);
          set_rgb (cr, &view_rgb[state], 1);
          cairo_fill (cr);
        }
      cairo_move_to (cr, m + label_w, y + row_h);
      cairo_line_to (cr, m + label_w + plot_w, y + row_h);
      set_rgb (cr, line, 0.6);
      cairo_set_line_width (cr, 0.5);
      cairo_stroke (cr);
    }

  /* Anomalies: a triangle on the row of the process whose step revealed
   * it, in the anomaly's colour. */
  shmviz_model_get_anomalies (model, 0, anomalies);
  for (guint i = 0; i < anomalies->len; i++)
    {
      const ShmvizAnomaly *a = &g_array_index (anomalies, ShmvizAnomaly, i);
      guint row = a->actor < n_procs ? a->actor : 0;
      double x, y, s = MIN (row_h * 0.35, 8);

      if (a->ts_ns < t0_ns || a->ts_ns > t1_ns || a->kind >= SHMVIZ_N_ANOMALY_KINDS)
        continue;
      x = m + label_w + (a->ts_ns - t0_ns) / span_ns * plot_w;
      y = top + row * row_h + row_h / 2;
      cairo_move_to (cr, x, y - s);
      cairo_line_to (cr, x + s, y + s);
      cairo_line_to (cr, x - s, y + s);
      cairo_close_path (cr);
      set_rgb (cr, &anomaly_rgb[a->kind], 1);
      cairo_fill_preserve (cr);
      set_rgb (cr, bg, 1);
      cairo_set_line_width (cr, 1);
      cairo_stroke (cr);
    }

  /* Time axis with five ticks. */
  set_rgb (cr, fg, 0.9);
  for (guint i = 0; i <= 4; i++)
    {
      double x = m + label_w + plot_w * i / 4.0;
      g_autofree char *tick = time_text ((guint64)(span_ns * i / 4.0));

      cairo_move_to (cr, x, top + n_procs * row_h);
      cairo_line_to (cr, x, top + n_procs * row_h + 6);
      cairo_set_line_width (cr, 1);
      cairo_stroke (cr);
      text (cr, tick, 12, FALSE, x, top + n_procs * row_h + 8, i == 0 ? 0 : i == 4 ? 1 : 0.5, 0, 0);
    }

  draw_caption (cr, options, width, height, height / 100.0);
  cairo_restore (cr);
}

const char *
shmviz_render_caption_at (const ShmvizAnnotation *notes,
                          guint                   n_notes,
                          guint64                 ts_ns,
                          guint64                 hold_ns,
                          double                 *alpha)
{
  const ShmvizAnnotation *best = NULL;
  const guint64 fade = 250 * G_GUINT64_CONSTANT (1000000);

  for (guint i = 0; i < n_notes; i++)
    if (notes[i].ts_ns <= ts_ns && ts_ns - notes[i].ts_ns <= hold_ns &&
        (best == NULL || notes[i].ts_ns >= best->ts_ns))
      best = &notes[i];

  if (alpha != NULL)
    {
      *alpha = 1.0;
      if (best != NULL)
        {
          guint64 age = ts_ns - best->ts_ns;

          if (age < fade)
            *alpha = MAX (0.15, (double)age / fade);
          else if (hold_ns > fade && hold_ns - age < fade)
            *alpha = MAX (0.15, (double)(hold_ns - age) / fade);
        }
    }

  return best != NULL ? best->text : NULL;
}
