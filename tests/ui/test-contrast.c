/* test-contrast.c — the palettes meet WCAG 2.1 AA in the light and dark style
 *
 * The ratios are computed here from the colours the palette hands to the
 * views, with this file's own luminance formula, so a wrong table or a
 * wrong shmviz_palette_contrast() both fail.  What is checked, and why:
 *
 *  - text (1.4.3, 4.5:1): the foreground on the background; the text the
 *    views put on every fill (process, slot state, process state, anomaly)
 *    via shmviz_palette_text_on(); the line colour, which the views also
 *    use for secondary text;
 *  - graphics (1.4.11, 3:1): the focus ring (accent) and the anomaly marks
 *    on the background.  Process and state fills are exempt: they always
 *    carry a label and a shape (ShmvizShape) and an outline, so colour is
 *    never the only cue.
 *
 * No display needed: only colours are computed.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <math.h>

#include "shmviz-palette.h"

#define AA_TEXT     4.5
#define AA_GRAPHICS 3.0

static double
linear (double c)
{
  return c <= 0.04045 ? c / 12.92 : pow ((c + 0.055) / 1.055, 2.4);
}

static double
ratio (const GdkRGBA *a,
       const GdkRGBA *b)
{
  double la = 0.2126 * linear (a->red) + 0.7152 * linear (a->green) + 0.0722 * linear (a->blue);
  double lb = 0.2126 * linear (b->red) + 0.7152 * linear (b->green) + 0.0722 * linear (b->blue);

  return (MAX (la, lb) + 0.05) / (MIN (la, lb) + 0.05);
}

static guint n_failed;
static guint n_checked;

static void
check (const char    *palette,
       gboolean       dark,
       const char    *what,
       const GdkRGBA *fg,
       const GdkRGBA *bg,
       double         minimum)
{
  g_autofree char *fg_str = gdk_rgba_to_string (fg);
  g_autofree char *bg_str = gdk_rgba_to_string (bg);
  double r = ratio (fg, bg);

  n_checked++;
  /* The palette's own formula must agree with this one. */
  g_assert_cmpfloat_with_epsilon (shmviz_palette_contrast (fg, bg), r, 0.05);

  if (r + 1e-9 < minimum)
    {
      g_test_message ("FAIL %s/%s %s: %s on %s is %.2f:1, needs %.1f:1",
                      palette, dark ? "dark" : "light", what, fg_str, bg_str, r, minimum);
      n_failed++;
    }
}

static void
check_text_on (const char    *palette,
               gboolean       dark,
               const char    *what,
               const GdkRGBA *fill)
{
  check (palette, dark, what, shmviz_palette_text_on (fill), fill, AA_TEXT);
}

static void
check_palette (const char *palette,
               gboolean    dark)
{
  const GdkRGBA *bg = shmviz_palette_background (palette, dark);
  char what[64];

  check (palette, dark, "foreground", shmviz_palette_foreground (palette, dark), bg, AA_TEXT);
  check (palette, dark, "line (secondary text)", shmviz_palette_line (palette, dark), bg, AA_TEXT);
  check (palette, dark, "accent (focus ring)", shmviz_palette_accent (palette, dark), bg, AA_GRAPHICS);

  /* 16 process colours: the second round is a shifted tone of the first. */
  for (guint i = 0; i < 16; i++)
    {
      g_snprintf (what, sizeof what, "label on producer %u", i + 1);
      check_text_on (palette, dark, what, shmviz_palette_producer (palette, i));
      g_snprintf (what, sizeof what, "label on consumer %u", i + 1);
      check_text_on (palette, dark, what, shmviz_palette_consumer (palette, i));
    }
  for (guint i = 0; i < SHMVIZ_N_SLOT_STATES; i++)
    {
      g_snprintf (what, sizeof what, "label on slot state %u", i);
      check_text_on (palette, dark, what, shmviz_palette_slot_state (palette, i));
    }
  for (guint i = 0; i < SHMVIZ_N_VIEW_STATES; i++)
    {
      g_snprintf (what, sizeof what, "label on process state %u", i);
      check_text_on (palette, dark, what, shmviz_palette_view_state (palette, i));
    }
  for (guint i = 0; i < SHMVIZ_N_ANOMALY_KINDS; i++)
    {
      g_snprintf (what, sizeof what, "glyph on anomaly %u", i);
      check_text_on (palette, dark, what, shmviz_palette_anomaly (palette, i));
      g_snprintf (what, sizeof what, "anomaly mark %u", i);
      check (palette, dark, what, shmviz_palette_anomaly (palette, i), bg, AA_GRAPHICS);
    }
}

static void
test_palettes (void)
{
  const char * const *names = shmviz_palette_list_names ();

  g_assert_nonnull (names);
  g_assert_nonnull (names[0]);

  for (guint i = 0; names[i] != NULL; i++)
    for (int dark = 0; dark <= 1; dark++)
      check_palette (names[i], dark);

  g_test_message ("%u contrast checks, %u below WCAG AA", n_checked, n_failed);
  g_assert_cmpuint (n_failed, ==, 0);
}

/* The checker itself: known pairs from the WCAG examples. */
static void
test_formula (void)
{
  GdkRGBA black, white, grey;

  gdk_rgba_parse (&black, "#000000");
  gdk_rgba_parse (&white, "#ffffff");
  gdk_rgba_parse (&grey, "#767676");

  g_assert_cmpfloat_with_epsilon (ratio (&black, &white), 21.0, 0.01);
  g_assert_cmpfloat_with_epsilon (ratio (&white, &white), 1.0, 0.01);
  /* The classic lightest grey that passes on white. */
  g_assert_cmpfloat_with_epsilon (ratio (&grey, &white), 4.54, 0.01);
  g_assert_true (shmviz_palette_text_on (&white) != NULL);
  g_assert_cmpfloat (ratio (shmviz_palette_text_on (&white), &white), >=, AA_TEXT);
  g_assert_cmpfloat (ratio (shmviz_palette_text_on (&black), &black), >=, AA_TEXT);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/a11y/contrast/formula", test_formula);
  g_test_add_func ("/a11y/contrast/palettes", test_palettes);

  return g_test_run ();
}
