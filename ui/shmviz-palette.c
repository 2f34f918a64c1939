/* shmviz-palette.c — the colours and shapes every view agrees on
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "shmviz-palette.h"

typedef enum {
  PAL_DEFAULT = 0,
  PAL_COLORBLIND,
  PAL_HIGH_CONTRAST,
  N_PALETTES
} PaletteId;

static const char * const palette_names[] = { "default", "colorblind", "high-contrast", NULL };

#define N_PROC_COLORS 8

/* Written as hex so they can be checked against the Adwaita and Okabe-Ito
 * tables; parsed once. */
static const char * const proc_hex[N_PALETTES][N_PROC_COLORS] = {
  /* Adwaita blue 4, orange 5, purple 3, green 5, brown 3, yellow 5, dark 2, blue 2 */
  { "#1c71d8", "#c64600", "#9141ac", "#26a269", "#986a44", "#c88800", "#5e5c64", "#3584e4" },
  /* Okabe-Ito, the yellow last since it is the least visible on white. */
  { "#0072b2", "#e69f00", "#009e73", "#cc79a7", "#56b4e9", "#d55e00", "#000000", "#f0e442" },
  /* Saturated and light so black text sits on them and they stand on black. */
  { "#ffd700", "#00e5ff", "#ff80ff", "#7cff4f", "#ffffff", "#ffa040", "#80a8ff", "#ff7f7f" },
};

static const char * const slot_hex[N_PALETTES][SHMVIZ_N_SLOT_STATES] = {
  { "#9a9996", "#e5a50a", "#1c71d8", "#813d9c" },
  { "#999999", "#e69f00", "#0072b2", "#cc79a7" },
  { "#c0c0c0", "#ffd700", "#00e5ff", "#ff80ff" },
};

static const char * const view_hex[N_PALETTES][SHMVIZ_N_VIEW_STATES] = {
  /* new, running, acquiring, waiting, critical, parked, done, dead, stopped */
  /* Stopped is brown, the one Adwaita hue no other state wears: grey would
   * read as "done" and the process is alive. */
  { "#9a9996", "#26a269", "#e5a50a", "#e66100", "#1c71d8", "#813d9c", "#77767b", "#a51d2d", "#865e3c" },
  { "#999999", "#009e73", "#f0e442", "#e69f00", "#0072b2", "#cc79a7", "#777777", "#d55e00", "#56b4e9" },
  { "#c0c0c0", "#7cff4f", "#ffff00", "#ffa040", "#00e5ff", "#ff80ff", "#a0a0a0", "#ff5050", "#ffffff" },
};

static const char * const anomaly_hex[N_PALETTES][SHMVIZ_N_ANOMALY_KINDS] = {
  /* lost, duplicate, empty read, corrupt, index drift, deadlock.
   * One set serves the light and the dark background, so each colour sits
   * in the luminance band that keeps 3:1 (WCAG AA for graphics) against
   * both; tests/ui/test-contrast.c checks it. */
  { "#e01b24", "#e66100", "#c64600", "#d43d3d", "#b88300", "#e62d42" },
  { "#d55e00", "#c27f00", "#cc79a7", "#d55e00", "#a58f00", "#d55e00" },
  { "#ff4040", "#ffa040", "#ff80ff", "#ff4040", "#ffff00", "#ff4040" },
};

/* background, foreground, line, accent; light then dark variant.  The
 * views also write secondary text ("no one waiting", axis labels) in the
 * line colour, so it keeps 4.5:1 against the background (WCAG AA text). */
static const char * const neutral_hex[N_PALETTES][2][4] = {
  { { "#fafafa", "#1e1e1e", "#6f6e73", "#1c71d8" }, { "#242424", "#ffffff", "#949390", "#78aeed" } },
  { { "#ffffff", "#000000", "#737373", "#0072b2" }, { "#1a1a1a", "#ffffff", "#8c8c8c", "#56b4e9" } },
  { { "#000000", "#ffffff", "#ffffff", "#ffff00" }, { "#000000", "#ffffff", "#ffffff", "#ffff00" } },
};

typedef struct {
  GdkRGBA proc[N_PALETTES][N_PROC_COLORS * 2];
  GdkRGBA slot[N_PALETTES][SHMVIZ_N_SLOT_STATES];
  GdkRGBA view[N_PALETTES][SHMVIZ_N_VIEW_STATES];
  GdkRGBA anomaly[N_PALETTES][SHMVIZ_N_ANOMALY_KINDS];
  GdkRGBA neutral[N_PALETTES][2][4];
  GdkRGBA black, white;
} PaletteTables;

static void
parse (GdkRGBA    *out,
       const char *hex)
{
  if (!gdk_rgba_parse (out, hex))
    g_assert_not_reached ();
}

static const PaletteTables *
tables (void)
{
  static PaletteTables t;
  static gsize init = 0;

  if (g_once_init_enter (&init))
    {
      for (guint p = 0; p < N_PALETTES; p++)
        {
          for (guint i = 0; i < N_PROC_COLORS; i++)
            {
              GdkRGBA *base = &t.proc[p][i];
              GdkRGBA *alt = &t.proc[p][i + N_PROC_COLORS];

              parse (base, proc_hex[p][i]);
              /* The second round of 8 processes gets a shifted tone so that
               * P1 and P9 differ; the label still tells them apart. */
              if (p == PAL_HIGH_CONTRAST)
                *alt = (GdkRGBA) { base->red * 0.75f + 0.25f * 0.5f, base->green * 0.75f + 0.25f * 0.5f,
                                   base->blue * 0.75f + 0.25f * 0.5f, 1.0f };
              else
                *alt = (GdkRGBA) { base->red * 0.65f, base->green * 0.65f, base->blue * 0.65f, 1.0f };
            }
          for (guint i = 0; i < SHMVIZ_N_SLOT_STATES; i++)
            parse (&t.slot[p][i], slot_hex[p][i]);
          for (guint i = 0; i < SHMVIZ_N_VIEW_STATES; i++)
            parse (&t.view[p][i], view_hex[p][i]);
          for (guint i = 0; i < SHMVIZ_N_ANOMALY_KINDS; i++)
            parse (&t.anomaly[p][i], anomaly_hex[p][i]);
          for (guint d = 0; d < 2; d++)
            for (guint i = 0; i < 4; i++)
              parse (&t.neutral[p][d][i], neutral_hex[p][d][i]);
        }
      parse (&t.black, "#000000");
      parse (&t.white, "#ffffff");
      g_once_init_leave (&init, 1);
    }

  return &t;
}

static PaletteId
palette_id (const char *palette)
{
  if (palette == NULL)
    return PAL_DEFAULT;
  if (g_str_equal (palette, "colorblind") || g_str_equal (palette, "colourblind") ||
      g_str_equal (palette, "okabe-ito"))
    return PAL_COLORBLIND;
  if (g_str_equal (palette, "high-contrast") || g_str_equal (palette, "contrast"))
    return PAL_HIGH_CONTRAST;
  return PAL_DEFAULT;
}

const char * const *
shmviz_palette_list_names (void)
{
  return palette_names;
}

const char *
shmviz_palette_canonical (const char *palette)
{
  return palette_names[palette_id (palette)];
}

gboolean
shmviz_palette_is_dark (const char *palette)
{
  return palette_id (palette) == PAL_HIGH_CONTRAST;
}

const GdkRGBA *
shmviz_palette_producer (const char *palette,
                         guint       producer)
{
  return &tables ()->proc[palette_id (palette)][producer % (N_PROC_COLORS * 2)];
}

const GdkRGBA *
shmviz_palette_consumer (const char *palette,
                         guint       consumer)
{
  /* Offset by half a round so C1 does not wear P1's colour. */
  return &tables ()->proc[palette_id (palette)][(consumer + N_PROC_COLORS / 2 + N_PROC_COLORS)
                                                % (N_PROC_COLORS * 2)];
}

const GdkRGBA *
shmviz_palette_process (const char *palette,
                        guint       proc,
                        guint       n_producers)
{
  if (proc < n_producers)
    return shmviz_palette_producer (palette, proc);
  return shmviz_palette_consumer (palette, proc - n_producers);
}

const GdkRGBA *
shmviz_palette_slot_state (const char     *palette,
                           ShmvizSlotState state)
{
  return &tables ()->slot[palette_id (palette)][MIN ((guint) state, SHMVIZ_N_SLOT_STATES - 1)];
}

ShmvizShape
shmviz_palette_slot_shape (ShmvizSlotState state)
{
  switch (state)
    {
    case SHMVIZ_SLOT_WRITING: return SHMVIZ_SHAPE_HATCH;
    case SHMVIZ_SLOT_FULL:    return SHMVIZ_SHAPE_SOLID;
    case SHMVIZ_SLOT_READING: return SHMVIZ_SHAPE_DOT;
    case SHMVIZ_SLOT_EMPTY:
    case SHMVIZ_N_SLOT_STATES:
    default:                  return SHMVIZ_SHAPE_NONE;
    }
}

const GdkRGBA *
shmviz_palette_view_state (const char     *palette,
                           ShmvizViewState state)
{
  return &tables ()->view[palette_id (palette)][MIN ((guint) state, SHMVIZ_N_VIEW_STATES - 1)];
}

ShmvizShape
shmviz_palette_view_shape (ShmvizViewState state)
{
  switch (state)
    {
    case SHMVIZ_VIEW_RUNNING:   return SHMVIZ_SHAPE_SOLID;
    case SHMVIZ_VIEW_ACQUIRING: return SHMVIZ_SHAPE_DOT;
    case SHMVIZ_VIEW_WAITING:   return SHMVIZ_SHAPE_BAR;
    case SHMVIZ_VIEW_CRITICAL:  return SHMVIZ_SHAPE_DIAMOND;
    case SHMVIZ_VIEW_PARKED:    return SHMVIZ_SHAPE_HATCH;
    case SHMVIZ_VIEW_DONE:      return SHMVIZ_SHAPE_CHECK;
    case SHMVIZ_VIEW_DEAD:      return SHMVIZ_SHAPE_CROSS;
    case SHMVIZ_VIEW_STOPPED:   return SHMVIZ_SHAPE_SQUARE;
    case SHMVIZ_VIEW_NEW:
    case SHMVIZ_N_VIEW_STATES:
    default:                    return SHMVIZ_SHAPE_NONE;
    }
}

const GdkRGBA *
shmviz_palette_anomaly (const char       *palette,
                        ShmvizAnomalyKind kind)
{
  return &tables ()->anomaly[palette_id (palette)][MIN ((guint) kind, SHMVIZ_N_ANOMALY_KINDS - 1)];
}

const char *
shmviz_palette_anomaly_glyph (ShmvizAnomalyKind kind)
{
  switch (kind)
    {
    case SHMVIZ_ANOMALY_LOST:        return "!";
    case SHMVIZ_ANOMALY_DUPLICATE:   return "2";
    case SHMVIZ_ANOMALY_EMPTY_READ:  return "∅";
    case SHMVIZ_ANOMALY_CORRUPT:     return "≠";
    case SHMVIZ_ANOMALY_INDEX_DRIFT: return "±";
    case SHMVIZ_ANOMALY_DEADLOCK:    return "∞";
    case SHMVIZ_N_ANOMALY_KINDS:
    default:                         return "?";
    }
}

const GdkRGBA *
shmviz_palette_background (const char *palette,
                           gboolean    dark)
{
  return &tables ()->neutral[palette_id (palette)][dark ? 1 : 0][0];
}

const GdkRGBA *
shmviz_palette_foreground (const char *palette,
                           gboolean    dark)
{
  return &tables ()->neutral[palette_id (palette)][dark ? 1 : 0][1];
}

const GdkRGBA *
shmviz_palette_line (const char *palette,
                     gboolean    dark)
{
  return &tables ()->neutral[palette_id (palette)][dark ? 1 : 0][2];
}

const GdkRGBA *
shmviz_palette_accent (const char *palette,
                       gboolean    dark)
{
  return &tables ()->neutral[palette_id (palette)][dark ? 1 : 0][3];
}

static double
channel (double c)
{
  return c <= 0.03928 ? c / 12.92 : pow ((c + 0.055) / 1.055, 2.4);
}

double
shmviz_palette_luminance (const GdkRGBA *color)
{
  return 0.2126 * channel (color->red) + 0.7152 * channel (color->green) + 0.0722 * channel (color->blue);
}

double
shmviz_palette_contrast (const GdkRGBA *a,
                         const GdkRGBA *b)
{
  double la = shmviz_palette_luminance (a);
  double lb = shmviz_palette_luminance (b);

  return (MAX (la, lb) + 0.05) / (MIN (la, lb) + 0.05);
}

const GdkRGBA *
shmviz_palette_text_on (const GdkRGBA *fill)
{
  const PaletteTables *t = tables ();

  if (shmviz_palette_contrast (fill, &t->white) >= shmviz_palette_contrast (fill, &t->black))
    return &t->white;
  return &t->black;
}

static void
append_cairo_shape (GtkSnapshot           *snapshot,
                    ShmvizShape            shape,
                    const graphene_rect_t *b,
                    const GdkRGBA         *color)
{
  cairo_t *cr = gtk_snapshot_append_cairo (snapshot, b);
  double x = b->origin.x, y = b->origin.y, w = b->size.width, h = b->size.height;
  double lw = MAX (1.5, MIN (w, h) / 7.0);

  gdk_cairo_set_source_rgba (cr, color);
  cairo_set_line_width (cr, lw);
  cairo_set_line_cap (cr, CAIRO_LINE_CAP_ROUND);
  cairo_set_line_join (cr, CAIRO_LINE_JOIN_ROUND);

  switch (shape)
    {
    case SHMVIZ_SHAPE_TRIANGLE:
      cairo_move_to (cr, x + w / 2, y + lw / 2);
      cairo_line_to (cr, x + w - lw / 2, y + h - lw / 2);
      cairo_line_to (cr, x + lw / 2, y + h - lw / 2);
      cairo_close_path (cr);
      cairo_fill (cr);
      break;
    case SHMVIZ_SHAPE_CHECK:
      cairo_move_to (cr, x + w * 0.18, y + h * 0.55);
      cairo_line_to (cr, x + w * 0.42, y + h * 0.78);
      cairo_line_to (cr, x + w * 0.84, y + h * 0.25);
      cairo_stroke (cr);
      break;
    case SHMVIZ_SHAPE_CROSS:
      cairo_move_to (cr, x + w * 0.2, y + h * 0.2);
      cairo_line_to (cr, x + w * 0.8, y + h * 0.8);
      cairo_move_to (cr, x + w * 0.8, y + h * 0.2);
      cairo_line_to (cr, x + w * 0.2, y + h * 0.8);
      cairo_stroke (cr);
      break;
    case SHMVIZ_SHAPE_DIAMOND:
      cairo_move_to (cr, x + w / 2, y + h * 0.08);
      cairo_line_to (cr, x + w * 0.92, y + h / 2);
      cairo_line_to (cr, x + w / 2, y + h * 0.92);
      cairo_line_to (cr, x + w * 0.08, y + h / 2);
      cairo_close_path (cr);
      cairo_fill (cr);
      break;
    default:
      break;
    }
  cairo_destroy (cr);
}

void
shmviz_palette_append_shape (GtkSnapshot           *snapshot,
                             ShmvizShape            shape,
                             const graphene_rect_t *bounds,
                             const GdkRGBA         *color)
{
  float w = bounds->size.width, h = bounds->size.height;
  float s = MIN (w, h);
  graphene_rect_t sq = GRAPHENE_RECT_INIT (bounds->origin.x + (w - s) / 2, bounds->origin.y + (h - s) / 2, s, s);
  GskRoundedRect rr;

  switch (shape)
    {
    case SHMVIZ_SHAPE_NONE:
      {
        float bw = MAX (1.0f, s / 8);
        const GdkRGBA colors[4] = { *color, *color, *color, *color };
        const float widths[4] = { bw, bw, bw, bw };

        gsk_rounded_rect_init_from_rect (&rr, &GRAPHENE_RECT_INIT (sq.origin.x + s * 0.1f, sq.origin.y + s * 0.1f,
                                                                   s * 0.8f, s * 0.8f), s * 0.4f);
        gtk_snapshot_append_border (snapshot, &rr, widths, colors);
      }
      break;

    case SHMVIZ_SHAPE_SOLID:
      {
        /* Filled circle as a thick border: no clip mask in the cairo renderer. */
        const GdkRGBA colors[4] = { *color, *color, *color, *color };
        const float widths[4] = { s * 0.41f, s * 0.41f, s * 0.41f, s * 0.41f };

        gsk_rounded_rect_init_from_rect (&rr, &GRAPHENE_RECT_INIT (sq.origin.x + s * 0.1f, sq.origin.y + s * 0.1f,
                                                                   s * 0.8f, s * 0.8f), s * 0.4f);
        gtk_snapshot_append_border (snapshot, &rr, widths, colors);
      }
      break;

    case SHMVIZ_SHAPE_DOT:
      {
        float bw = MAX (1.0f, s / 10);
        const GdkRGBA colors[4] = { *color, *color, *color, *color };
        const float widths[4] = { bw, bw, bw, bw };

        gsk_rounded_rect_init_from_rect (&rr, &GRAPHENE_RECT_INIT (sq.origin.x + s * 0.1f, sq.origin.y + s * 0.1f,
                                                                   s * 0.8f, s * 0.8f), s * 0.4f);
        gtk_snapshot_append_border (snapshot, &rr, widths, colors);
        {
          const float dot[4] = { s * 0.19f, s * 0.19f, s * 0.19f, s * 0.19f };

          gsk_rounded_rect_init_from_rect (&rr, &GRAPHENE_RECT_INIT (sq.origin.x + s * 0.32f, sq.origin.y + s * 0.32f,
                                                                     s * 0.36f, s * 0.36f), s * 0.18f);
          gtk_snapshot_append_border (snapshot, &rr, dot, colors);
        }
      }
      break;

    case SHMVIZ_SHAPE_BAR:
      /* A pause sign: two bars. */
      gtk_snapshot_append_color (snapshot, color,
                                 &GRAPHENE_RECT_INIT (sq.origin.x + s * 0.2f, sq.origin.y + s * 0.15f,
                                                      s * 0.22f, s * 0.7f));
      gtk_snapshot_append_color (snapshot, color,
                                 &GRAPHENE_RECT_INIT (sq.origin.x + s * 0.58f, sq.origin.y + s * 0.15f,
                                                      s * 0.22f, s * 0.7f));
      break;

    case SHMVIZ_SHAPE_HATCH:
      {
        GdkRGBA clear = *color;
        GskColorStop stops[4];
        float band = MAX (2.0f, s / 5);

        clear.alpha = 0;
        stops[0] = (GskColorStop) { 0.0f, *color };
        stops[1] = (GskColorStop) { 0.5f, *color };
        stops[2] = (GskColorStop) { 0.5f, clear };
        stops[3] = (GskColorStop) { 1.0f, clear };
        gsk_rounded_rect_init_from_rect (&rr, &GRAPHENE_RECT_INIT (sq.origin.x + s * 0.1f, sq.origin.y + s * 0.1f,
                                                                   s * 0.8f, s * 0.8f), s * 0.15f);
        gtk_snapshot_push_rounded_clip (snapshot, &rr);
        gtk_snapshot_append_repeating_linear_gradient (snapshot, &sq,
                                                       &GRAPHENE_POINT_INIT (sq.origin.x, sq.origin.y),
                                                       &GRAPHENE_POINT_INIT (sq.origin.x + band, sq.origin.y + band),
                                                       stops, G_N_ELEMENTS (stops));
        gtk_snapshot_pop (snapshot);
        {
          float bw = MAX (1.0f, s / 12);
          const GdkRGBA colors[4] = { *color, *color, *color, *color };
          const float widths[4] = { bw, bw, bw, bw };

          gtk_snapshot_append_border (snapshot, &rr, widths, colors);
        }
      }
      break;

    case SHMVIZ_SHAPE_SQUARE:
      gtk_snapshot_append_color (snapshot, color,
                                 &GRAPHENE_RECT_INIT (sq.origin.x + s * 0.2f, sq.origin.y + s * 0.2f,
                                                      s * 0.6f, s * 0.6f));
      break;

    case SHMVIZ_SHAPE_TRIANGLE:
    case SHMVIZ_SHAPE_CROSS:
    case SHMVIZ_SHAPE_DIAMOND:
    case SHMVIZ_SHAPE_CHECK:
      append_cairo_shape (snapshot, shape, &sq, color);
      break;

    case SHMVIZ_N_SHAPES:
    default:
      break;
    }
}

/* Text cache ------------------------------------------------------------ */

typedef struct {
  PangoLayout *layout;
  guint64 used;
  int width, height;
} TextEntry;

struct _ShmvizTextCache {
  GtkWidget  *widget;      /* not owned: the cache lives inside it */
  GHashTable *entries;     /* "px|b|text" -> TextEntry */
  guint       capacity;
  guint64     clock;
};

static void
text_entry_free (gpointer data)
{
  TextEntry *e = data;

  g_clear_object (&e->layout);
  g_free (e);
}

ShmvizTextCache *
shmviz_text_cache_new (GtkWidget *widget,
                       guint      capacity)
{
  ShmvizTextCache *cache = g_new0 (ShmvizTextCache, 1);

  cache->widget = widget;
  cache->capacity = MAX (capacity, 16);
  cache->entries = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, text_entry_free);
  return cache;
}

void
shmviz_text_cache_free (ShmvizTextCache *cache)
{
  if (cache == NULL)
    return;
  g_hash_table_unref (cache->entries);
  g_free (cache);
}

void
shmviz_text_cache_clear (ShmvizTextCache *cache)
{
  g_hash_table_remove_all (cache->entries);
}

guint
shmviz_text_cache_size (ShmvizTextCache *cache)
{
  return g_hash_table_size (cache->entries);
}

static int
compare_u64 (gconstpointer a,
             gconstpointer b)
{
  guint64 x = *(const guint64 *) a, y = *(const guint64 *) b;

  return x < y ? -1 : x > y;
}

/* Evicts the least recently used quarter at once, so the scan is paid
 * rarely rather than on every miss. */
static void
text_cache_evict (ShmvizTextCache *cache)
{
  guint n = g_hash_table_size (cache->entries);
  g_autofree guint64 *ages = g_new (guint64, n);
  GHashTableIter iter;
  gpointer value;
  guint i = 0;
  guint64 cutoff;

  g_hash_table_iter_init (&iter, cache->entries);
  while (g_hash_table_iter_next (&iter, NULL, &value))
    ages[i++] = ((TextEntry *) value)->used;
  qsort (ages, n, sizeof *ages, compare_u64);
  cutoff = ages[n / 4];

  g_hash_table_iter_init (&iter, cache->entries);
  while (g_hash_table_iter_next (&iter, NULL, &value))
    if (((TextEntry *) value)->used <= cutoff)
      g_hash_table_iter_remove (&iter);
}

static TextEntry *
text_cache_lookup (ShmvizTextCache *cache,
                   const char      *text,
                   int              px,
                   gboolean         bold)
{
  char stack_key[128];
  g_autofree char *heap_key = NULL;
  const char *key;
  TextEntry *e;

  px = CLAMP (px, 1, 1000);
  if (g_snprintf (stack_key, sizeof stack_key, "%d|%d|%s", px, bold ? 1 : 0, text) < (int) sizeof stack_key)
    key = stack_key;
  else
    key = heap_key = g_strdup_printf ("%d|%d|%s", px, bold ? 1 : 0, text);

  e = g_hash_table_lookup (cache->entries, key);
  if (e == NULL)
    {
      PangoFontDescription *desc;
      PangoContext *context;
      PangoRectangle logical;

      if (g_hash_table_size (cache->entries) >= cache->capacity)
        text_cache_evict (cache);

      e = g_new0 (TextEntry, 1);
      e->layout = gtk_widget_create_pango_layout (cache->widget, text);
      context = gtk_widget_get_pango_context (cache->widget);
      desc = pango_font_description_copy (pango_context_get_font_description (context));
      pango_font_description_set_absolute_size (desc, px * PANGO_SCALE);
      pango_font_description_set_weight (desc, bold ? PANGO_WEIGHT_BOLD : PANGO_WEIGHT_NORMAL);
      pango_layout_set_font_description (e->layout, desc);
      pango_font_description_free (desc);
      pango_layout_get_pixel_extents (e->layout, NULL, &logical);
      e->width = logical.width;
      e->height = logical.height;
      g_hash_table_insert (cache->entries, g_strdup (key), e);
    }
  e->used = ++cache->clock;
  return e;
}

PangoLayout *
shmviz_text_cache_get (ShmvizTextCache *cache,
                       const char      *text,
                       int              px,
                       gboolean         bold)
{
  return text_cache_lookup (cache, text, px, bold)->layout;
}

void
shmviz_text_cache_measure (ShmvizTextCache *cache,
                           const char      *text,
                           int              px,
                           gboolean         bold,
                           int             *width,
                           int             *height)
{
  TextEntry *e = text_cache_lookup (cache, text, px, bold);

  if (width)
    *width = e->width;
  if (height)
    *height = e->height;
}

float
shmviz_text_cache_draw (ShmvizTextCache *cache,
                        GtkSnapshot     *snapshot,
                        const char      *text,
                        int              px,
                        gboolean         bold,
                        float            x,
                        float            y,
                        float            xalign,
                        float            yalign,
                        const GdkRGBA   *color)
{
  TextEntry *e = text_cache_lookup (cache, text, px, bold);

  gtk_snapshot_save (snapshot);
  gtk_snapshot_translate (snapshot, &GRAPHENE_POINT_INIT (roundf (x - e->width * xalign),
                                                          roundf (y - e->height * yalign)));
  gtk_snapshot_append_layout (snapshot, e->layout, color);
  gtk_snapshot_restore (snapshot);
  return e->width;
}

