/* test-views.c — the buffer, process and timeline views, drawn for real
 *
 * Each test folds a synthetic event stream into a model, shows a view in a
 * window, renders it to a PNG in G_TEST_BUILDDIR (kept as an artifact to
 * look at) and checks the picture is not blank, plus what the views say to
 * assistive technology.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <string.h>

#include <gtk/gtk.h>

#include "layout.h"
#include "model.h"
#include "shmviz-buffer-view-private.h"
#include "shmviz-palette.h"
#include "shmviz-process-view-private.h"
#include "shmviz-timeline-view-private.h"

/* Stream builder ------------------------------------------------------- */

typedef struct {
  GArray *events;
  guint64 ts;
  guint n_slots;
  guint in, out, count;
} Stream;

static void
emit (Stream  *s,
      guint16  proc,
      guint8   kind,
      guint8   detail,
      guint16  slot,
      guint64  item,
      guint64  other,
      guint16  value)
{
  ShmvizEvent ev = { 0 };

  s->ts += 10 * G_GUINT64_CONSTANT (1000000); /* 10 ms a step */
  ev.ts_ns = s->ts;
  ev.proc = proc;
  ev.kind = kind;
  ev.detail = detail;
  ev.slot = slot;
  ev.item = item;
  ev.other = other;
  ev.value = value;
  g_array_append_val (s->events, ev);
}

static void
stream_init (Stream *s,
             guint   n_slots,
             guint   n_procs,
             guint   n_producers)
{
  memset (s, 0, sizeof *s);
  s->events = g_array_new (FALSE, TRUE, sizeof (ShmvizEvent));
  s->ts = G_GUINT64_CONSTANT (1000000000);
  s->n_slots = n_slots;
  for (guint p = 0; p < n_procs; p++)
    emit (s, p, SHMVIZ_EV_START, 0, 0, 0, 1000 + p,
          p < n_producers ? SHMVIZ_ROLE_PRODUCER : SHMVIZ_ROLE_CONSUMER);
}

/* One producer iteration; with @unlocked the mutex is skipped, and the slot
 * replaced may be full, which loses what was there. */
static void
produce (Stream  *s,
         guint    proc,
         guint64  seq,
         gboolean post_mutex,
         guint    slot,
         guint    replaced_state,
         guint64  replaced)
{
  guint64 item = SHMVIZ_ITEM_ID (proc, seq);

  emit (s, proc, SHMVIZ_EV_PRODUCE, 0, 0, item, 0, 0);
  emit (s, proc, SHMVIZ_EV_WAIT, SHMVIZ_SEM_EMPTY, 0, 0, 0, 0);
  emit (s, proc, SHMVIZ_EV_ACQUIRED, SHMVIZ_SEM_EMPTY, 0, 0, 0, 0);
  emit (s, proc, SHMVIZ_EV_WAIT, SHMVIZ_SEM_MUTEX, 0, 0, 0, 0);
  emit (s, proc, SHMVIZ_EV_ACQUIRED, SHMVIZ_SEM_MUTEX, 0, 0, 0, 0);
  emit (s, proc, SHMVIZ_EV_READ_INDEX, 0, slot, 0, 0, 0);
  emit (s, proc, SHMVIZ_EV_WRITE_SLOT, replaced_state, slot, item, replaced, 0);
  if (replaced_state != SHMVIZ_SLOT_FULL)
    s->count++;
  s->in = (slot + 1) % s->n_slots;
  emit (s, proc, SHMVIZ_EV_ADVANCE, 0, s->in, 0, SHMVIZ_PACK_INDICES (s->in, s->out, s->count), s->count);
  if (post_mutex)
    {
      emit (s, proc, SHMVIZ_EV_POST, SHMVIZ_SEM_MUTEX, 0, 0, 0, 0);
      emit (s, proc, SHMVIZ_EV_POST, SHMVIZ_SEM_FULL, 0, 0, 0, 0);
    }
}

static void
consume (Stream  *s,
         guint    proc,
         guint    slot,
         guint64  item)
{
  emit (s, proc, SHMVIZ_EV_WAIT, SHMVIZ_SEM_FULL, 0, 0, 0, 0);
  emit (s, proc, SHMVIZ_EV_ACQUIRED, SHMVIZ_SEM_FULL, 0, 0, 0, 0);
  emit (s, proc, SHMVIZ_EV_WAIT, SHMVIZ_SEM_MUTEX, 0, 0, 0, 0);
  emit (s, proc, SHMVIZ_EV_ACQUIRED, SHMVIZ_SEM_MUTEX, 0, 0, 0, 0);
  emit (s, proc, SHMVIZ_EV_READ_INDEX, 1, slot, 0, 0, 0);
  emit (s, proc, SHMVIZ_EV_READ_SLOT, SHMVIZ_SLOT_FULL, slot, item, item, 0);
  s->count--;
  s->out = (slot + 1) % s->n_slots;
  emit (s, proc, SHMVIZ_EV_ADVANCE, 1, s->out, 0, SHMVIZ_PACK_INDICES (s->in, s->out, s->count), s->count);
  emit (s, proc, SHMVIZ_EV_POST, SHMVIZ_SEM_MUTEX, 0, 0, 0, 0);
  emit (s, proc, SHMVIZ_EV_POST, SHMVIZ_SEM_EMPTY, 0, 0, 0, 0);
  emit (s, proc, SHMVIZ_EV_CONSUME, 0, 0, item, 0, 0);
}

/* 8 slots, P1 P2 C1 C2.  Five items written, two read, then P2 writes over
 * slot 2 while it still holds P1#2 (an unsynchronised write): P1#2 is lost.
 * P2 keeps the mutex; C2 blocks on it and P1 is acquiring it. */
static ShmvizModel *
make_race_model (void)
{
  ShmvizScenario sc;
  ShmvizModel *model;
  Stream s;

  shmviz_scenario_init_default (&sc);
  sc.n_producers = 2;
  sc.n_consumers = 2;
  sc.n_slots = 8;
  model = shmviz_model_new (&sc);

  stream_init (&s, 8, 4, 2);
  produce (&s, 0, 1, TRUE, 0, SHMVIZ_SLOT_EMPTY, 0);
  produce (&s, 1, 1, TRUE, 1, SHMVIZ_SLOT_EMPTY, 0);
  produce (&s, 0, 2, TRUE, 2, SHMVIZ_SLOT_EMPTY, 0);
  consume (&s, 2, 0, SHMVIZ_ITEM_ID (0, 1));
  produce (&s, 1, 2, TRUE, 3, SHMVIZ_SLOT_EMPTY, 0);
  consume (&s, 3, 1, SHMVIZ_ITEM_ID (1, 1));
  produce (&s, 0, 3, TRUE, 4, SHMVIZ_SLOT_EMPTY, 0);
  /* The race: P2 read a stale in = 2, and writes in = 3 back. */
  produce (&s, 1, 3, FALSE, 2, SHMVIZ_SLOT_FULL, SHMVIZ_ITEM_ID (0, 2));
  emit (&s, 3, SHMVIZ_EV_WAIT, SHMVIZ_SEM_MUTEX, 0, 0, 0, 0);
  emit (&s, 3, SHMVIZ_EV_BLOCKED, SHMVIZ_SEM_MUTEX, 0, 0, 0, 0);
  emit (&s, 0, SHMVIZ_EV_PRODUCE, 0, 0, SHMVIZ_ITEM_ID (0, 4), 0, 0);
  emit (&s, 0, SHMVIZ_EV_WAIT, SHMVIZ_SEM_MUTEX, 0, 0, 0, 0);

  shmviz_model_fold (model, (const ShmvizEvent *) s.events->data, s.events->len);
  g_array_unref (s.events);
  return model;
}

/* Window and rendering -------------------------------------------------- */

static void
iterate (guint ms)
{
  gint64 end = g_get_monotonic_time () + ms * 1000;

  while (g_get_monotonic_time () < end)
    g_main_context_iteration (NULL, FALSE);
}

static GtkWidget *
show_in_window (GtkWidget *view,
                int        width,
                int        height)
{
  GtkWidget *window = gtk_window_new ();
  gint64 end = g_get_monotonic_time () + 5 * G_USEC_PER_SEC;

  gtk_window_set_default_size (GTK_WINDOW (window), width, height);
  gtk_window_set_child (GTK_WINDOW (window), view);
  gtk_window_present (GTK_WINDOW (window));
  while ((!gtk_widget_get_mapped (view) || gtk_widget_get_width (view) < width / 2) &&
         g_get_monotonic_time () < end)
    g_main_context_iteration (NULL, FALSE);
  g_assert_true (gtk_widget_get_mapped (view));
  iterate (100);
  return window;
}

/* Renders @view as it would be drawn, on the theme's window background,
 * saves it and returns how many distinct colours it has. */
static guint
render_to_png (GtkWidget  *view,
               const char *name)
{
  int w = gtk_widget_get_width (view), h = gtk_widget_get_height (view);
  g_autoptr(GdkPaintable) paintable = gtk_widget_paintable_new (view);
  GtkSnapshot *snapshot = gtk_snapshot_new ();
  g_autoptr(GskRenderNode) node = NULL;
  g_autoptr(GdkTexture) texture = NULL;
  g_autofree char *path = NULL;
  g_autofree guchar *pixels = NULL;
  g_autoptr(GHashTable) colors = g_hash_table_new (NULL, NULL);
  GskRenderer *renderer;
  GdkRGBA bg;

  g_assert_cmpint (w, >, 0);
  g_assert_cmpint (h, >, 0);
  gdk_rgba_parse (&bg, "#fafafa");
  gtk_snapshot_append_color (snapshot, &bg, &GRAPHENE_RECT_INIT (0, 0, w, h));
  gdk_paintable_snapshot (paintable, snapshot, w, h);
  node = gtk_snapshot_free_to_node (snapshot);
  g_assert_nonnull (node);

  renderer = gtk_native_get_renderer (gtk_widget_get_native (view));
  texture = gsk_renderer_render_texture (renderer, node, &GRAPHENE_RECT_INIT (0, 0, w, h));
  path = g_build_filename (g_test_get_dir (G_TEST_BUILT), name, NULL);
  g_assert_true (gdk_texture_save_to_png (texture, path));
  g_test_message ("saved %s", path);

  pixels = g_malloc ((gsize) w * h * 4);
  gdk_texture_download (texture, pixels, (gsize) w * 4);
  for (gsize i = 0; i < (gsize) w * h; i++)
    {
      guint32 px;

      memcpy (&px, pixels + i * 4, 4);
      g_hash_table_add (colors, GUINT_TO_POINTER (px));
    }
  return g_hash_table_size (colors);
}

static void
take_snapshot (ShmvizModel    *model,
               ShmvizSnapshot *snap)
{
  memset (snap, 0, sizeof *snap);
  shmviz_model_snapshot (model, snap);
}

/* Tests ------------------------------------------------------------------ */

static void
test_palette (void)
{
  const char * const *names = shmviz_palette_list_names ();

  g_assert_cmpstr (shmviz_palette_canonical (NULL), ==, "default");
  g_assert_cmpstr (shmviz_palette_canonical ("okabe-ito"), ==, "colorblind");
  g_assert_cmpstr (shmviz_palette_canonical ("nonsense"), ==, "default");
  g_assert_true (shmviz_palette_is_dark ("high-contrast"));

  for (guint n = 0; names[n] != NULL; n++)
    {
      /* Labels drawn on every producer colour stay readable (WCAG AA for
       * large text), and producers next to each other differ. */
      for (guint p = 0; p < 16; p++)
        {
          const GdkRGBA *c = shmviz_palette_producer (names[n], p);

          g_assert_cmpfloat (shmviz_palette_contrast (shmviz_palette_text_on (c), c), >=, 3.0);
          g_assert_false (gdk_rgba_equal (c, shmviz_palette_producer (names[n], p + 1)));
        }
      /* Text on the background meets AA for body text in both themes. */
      for (guint dark = 0; dark < 2; dark++)
        g_assert_cmpfloat (shmviz_palette_contrast (shmviz_palette_foreground (names[n], dark),
                                                    shmviz_palette_background (names[n], dark)), >=, 4.5);
    }

  /* State is never told by colour alone. */
  g_assert_cmpint (shmviz_palette_slot_shape (SHMVIZ_SLOT_EMPTY), !=, shmviz_palette_slot_shape (SHMVIZ_SLOT_FULL));
  g_assert_cmpint (shmviz_palette_slot_shape (SHMVIZ_SLOT_WRITING), !=,
                   shmviz_palette_slot_shape (SHMVIZ_SLOT_READING));
  for (guint a = 0; a < SHMVIZ_N_VIEW_STATES; a++)
    for (guint b = a + 1; b < SHMVIZ_N_VIEW_STATES; b++)
      g_assert_cmpint (shmviz_palette_view_shape (a), !=, shmviz_palette_view_shape (b));
  g_assert_cmpfloat (shmviz_palette_contrast (&(GdkRGBA) { 0, 0, 0, 1 }, &(GdkRGBA) { 1, 1, 1, 1 }), >, 20.9);

  /* A process frozen by SIGSTOP is alive: it must not look done or dead. */
  g_assert_cmpint (shmviz_palette_view_shape (SHMVIZ_VIEW_STOPPED), ==, SHMVIZ_SHAPE_SQUARE);
  for (guint n = 0; names[n] != NULL; n++)
    {
      const GdkRGBA *stopped = shmviz_palette_view_state (names[n], SHMVIZ_VIEW_STOPPED);

      g_assert_false (gdk_rgba_equal (stopped, shmviz_palette_view_state (names[n], SHMVIZ_VIEW_DONE)));
      g_assert_false (gdk_rgba_equal (stopped, shmviz_palette_view_state (names[n], SHMVIZ_VIEW_DEAD)));
    }
  g_assert_cmpstr (shmviz_view_state_name (SHMVIZ_VIEW_STOPPED), !=, shmviz_view_state_name (SHMVIZ_VIEW_PARKED));
}

static void
test_text_cache (void)
{
  GtkWidget *label = g_object_ref_sink (gtk_label_new (NULL));
  ShmvizTextCache *cache = shmviz_text_cache_new (label, 32);
  PangoLayout *a, *b;
  int w1, w2;

  a = shmviz_text_cache_get (cache, "P1#9", 20, TRUE);
  b = shmviz_text_cache_get (cache, "P1#9", 20, TRUE);
  g_assert_true (a == b);
  g_assert_true (shmviz_text_cache_get (cache, "P1#9", 21, TRUE) != a);
  g_assert_cmpuint (shmviz_text_cache_size (cache), ==, 2);

  shmviz_text_cache_measure (cache, "P1#9", 20, TRUE, &w1, NULL);
  shmviz_text_cache_measure (cache, "P1#9", 40, TRUE, &w2, NULL);
  g_assert_cmpint (w2, >, w1);

  /* Bounded: many distinct labels never grow it past its capacity. */
  for (guint i = 0; i < 500; i++)
    {
      char text[32];

      g_snprintf (text, sizeof text, "P2#%u", i);
      shmviz_text_cache_get (cache, text, 14, TRUE);
      g_assert_cmpuint (shmviz_text_cache_size (cache), <=, 32);
    }
  /* The most recent one survived the evictions. */
  g_assert_true (shmviz_text_cache_get (cache, "P2#499", 14, TRUE) ==
                 shmviz_text_cache_get (cache, "P2#499", 14, TRUE));

  shmviz_text_cache_free (cache);
  g_object_unref (label);
}

static gboolean
emit_key (GtkWidget *widget,
          guint      keyval)
{
  g_autoptr(GListModel) controllers = gtk_widget_observe_controllers (widget);
  gboolean handled = FALSE;

  for (guint i = 0; i < g_list_model_get_n_items (controllers); i++)
    {
      g_autoptr(GObject) c = g_list_model_get_item (controllers, i);

      if (GTK_IS_EVENT_CONTROLLER_KEY (c))
        g_signal_emit_by_name (c, "key-pressed", keyval, 0, 0, &handled);
    }
  return handled;
}

static void
on_slot_activated (ShmvizBufferView *view,
                   guint             slot,
                   int              *out)
{
  *out = (int) slot;
}

static void
check_description (GtkWidget  *widget,
                   const char *expected)
{
  g_autofree char *msg = NULL;

  msg = gtk_test_accessible_check_property (GTK_ACCESSIBLE (widget), GTK_ACCESSIBLE_PROPERTY_DESCRIPTION, expected);
  if (msg != NULL)
    g_error ("accessible description: %s", msg);
}

static void
test_buffer_view (void)
{
  g_autoptr(ShmvizModel) model = make_race_model ();
  ShmvizSnapshot snap;
  GtkWidget *view = shmviz_buffer_view_new ();
  ShmvizBufferView *bv = SHMVIZ_BUFFER_VIEW (view);
  GtkWidget *window;
  int activated = -1;
  g_autofree char *d2 = NULL;
  g_autofree char *d5 = NULL;

  take_snapshot (model, &snap);
  g_assert_cmpuint (snap.n_slots, ==, 8);
  g_assert_cmpuint (snap.totals.lost, ==, 1);
  g_assert_cmpuint (snap.slots[2].flash, ==, SHMVIZ_ANOMALY_LOST + 1);

  shmviz_buffer_view_set_model (bv, model);
  window = show_in_window (view, 900, 640);
  shmviz_buffer_view_set_snapshot (bv, &snap);
  g_assert_true (gtk_accessible_get_accessible_role (GTK_ACCESSIBLE (view)) == GTK_ACCESSIBLE_ROLE_GROUP);

  iterate (200);
  g_assert_cmpuint (render_to_png (view, "view-buffer-ring.png"), >, 40);

  /* What a screen reader hears for the focused slot, and the tooltip. */
  gtk_widget_grab_focus (view);
  shmviz_buffer_view_set_focused_slot (bv, 3);
  check_description (view, "slot 3 of 8, full, item P2#2, in points here");
  d2 = shmviz_buffer_view_describe_slot (bv, 2);
  g_assert_cmpstr (d2, ==, "slot 2 of 8, full, item P2#3, out points here, last anomaly: item lost");
  d5 = shmviz_buffer_view_describe_slot (bv, 5);
  g_assert_cmpstr (d5, ==, "slot 5 of 8, empty");
  g_assert_null (shmviz_buffer_view_describe_slot (bv, 8));

  /* Keyboard: Right moves on and wraps around the ring; Enter activates. */
  g_signal_connect (view, "slot-activated", G_CALLBACK (on_slot_activated), &activated);
  g_assert_true (emit_key (view, GDK_KEY_Right));
  g_assert_cmpint (shmviz_buffer_view_get_focused_slot (bv), ==, 4);
  shmviz_buffer_view_set_focused_slot (bv, 7);
  g_assert_true (emit_key (view, GDK_KEY_Right));
  g_assert_cmpint (shmviz_buffer_view_get_focused_slot (bv), ==, 0);
  g_assert_true (emit_key (view, GDK_KEY_Left));
  g_assert_cmpint (shmviz_buffer_view_get_focused_slot (bv), ==, 7);
  check_description (view, "slot 7 of 8, empty");
  g_assert_true (emit_key (view, GDK_KEY_Return));
  g_assert_cmpint (activated, ==, 7);

  /* Row layout, highlighted slot, flash in progress. */
  shmviz_buffer_view_set_focused_slot (bv, 3);
  shmviz_buffer_view_set_layout (bv, "row");
  g_assert_cmpstr (shmviz_buffer_view_get_layout (bv), ==, "row");
  shmviz_buffer_view_set_highlight (bv, 2);
  iterate (100);
  g_assert_cmpuint (render_to_png (view, "view-buffer-row.png"), >, 40);

  /* Presentation: zoom 3 and the high-contrast palette. */
  shmviz_buffer_view_set_layout (bv, "ring");
  shmviz_buffer_view_set_zoom (bv, 3.0);
  shmviz_buffer_view_set_palette (bv, "high-contrast");
  g_assert_cmpfloat (shmviz_buffer_view_get_zoom (bv), ==, 3.0);
  gtk_window_set_default_size (GTK_WINDOW (window), 1920, 1080);
  iterate (300);
  g_assert_cmpuint (render_to_png (view, "view-buffer-zoom3-contrast.png"), >, 20);
  shmviz_buffer_view_set_zoom (bv, 7.0);
  g_assert_cmpfloat (shmviz_buffer_view_get_zoom (bv), ==, 3.0);

  gtk_window_destroy (GTK_WINDOW (window));
  shmviz_snapshot_clear (&snap);
}

/* Pixels of @view, rendered as render_to_png() does, within 3 of @c per
 * channel: all of them, and those in the bottom row. */
static void
count_color (GtkWidget     *view,
             const GdkRGBA *c,
             guint         *all,
             guint         *bottom)
{
  int w = gtk_widget_get_width (view), h = gtk_widget_get_height (view);
  g_autoptr(GdkPaintable) paintable = gtk_widget_paintable_new (view);
  GtkSnapshot *snapshot = gtk_snapshot_new ();
  g_autoptr(GskRenderNode) node = NULL;
  g_autoptr(GdkTexture) texture = NULL;
  g_autofree guchar *pixels = NULL;
  int want[3] = { (int) (c->blue * 255 + 0.5f), (int) (c->green * 255 + 0.5f), (int) (c->red * 255 + 0.5f) };

  gdk_paintable_snapshot (paintable, snapshot, w, h);
  node = gtk_snapshot_free_to_node (snapshot);
  texture = gsk_renderer_render_texture (gtk_native_get_renderer (gtk_widget_get_native (view)), node,
                                         &GRAPHENE_RECT_INIT (0, 0, w, h));
  pixels = g_malloc ((gsize) w * h * 4);
  gdk_texture_download (texture, pixels, (gsize) w * 4);
  *all = *bottom = 0;
  for (int y = 0; y < h; y++)
    for (int x = 0; x < w; x++)
      {
        const guchar *px = pixels + ((gsize) y * w + x) * 4;

        if (px[3] == 255 && ABS (px[0] - want[0]) <= 3 && ABS (px[1] - want[1]) <= 3 && ABS (px[2] - want[2]) <= 3)
          {
            (*all)++;
            if (y == h - 1)
              (*bottom)++;
          }
      }
}

/* @view's pixels as render_to_png() draws them; free with g_free(). */
static guchar *
render_pixels (GtkWidget *view)
{
  int w = gtk_widget_get_width (view), h = gtk_widget_get_height (view);
  g_autoptr(GdkPaintable) paintable = gtk_widget_paintable_new (view);
  GtkSnapshot *snapshot = gtk_snapshot_new ();
  g_autoptr(GskRenderNode) node = NULL;
  g_autoptr(GdkTexture) texture = NULL;
  guchar *pixels;

  gdk_paintable_snapshot (paintable, snapshot, w, h);
  node = gtk_snapshot_free_to_node (snapshot);
  texture = gsk_renderer_render_texture (gtk_native_get_renderer (gtk_widget_get_native (view)), node,
                                         &GRAPHENE_RECT_INIT (0, 0, w, h));
  pixels = g_malloc ((gsize) w * h * 4);
  gdk_texture_download (texture, pixels, (gsize) w * 4);
  return pixels;
}

/* A short view: the `out` tag under the ring stays whole inside it. */
static void
test_buffer_view_short (void)
{
  ShmvizScenario sc;
  g_autoptr(ShmvizModel) model = NULL;
  ShmvizSnapshot snap;
  GtkWidget *view = shmviz_buffer_view_new ();
  GtkWidget *window;
  Stream s;
  guint all, bottom;

  shmviz_scenario_init_default (&sc);
  sc.n_producers = 2;
  sc.n_consumers = 2;
  sc.n_slots = 8;
  model = shmviz_model_new (&sc);
  stream_init (&s, 8, 4, 2);
  for (guint i = 0; i < 5; i++)
    produce (&s, i % 2, i / 2 + 1, TRUE, i, SHMVIZ_SLOT_EMPTY, 0);
  for (guint i = 0; i < 4; i++)
    consume (&s, 2 + i % 2, i, SHMVIZ_ITEM_ID (i % 2, i / 2 + 1));
  shmviz_model_fold (model, (const ShmvizEvent *) s.events->data, s.events->len);
  g_array_unref (s.events);
  take_snapshot (model, &snap);
  /* out points at slot 4 of 8: the bottom of the ring. */
  g_assert_cmpuint (snap.out % 8, ==, 4);

  window = show_in_window (view, 700, 260);
  shmviz_buffer_view_set_snapshot (SHMVIZ_BUFFER_VIEW (view), &snap);
  iterate (700);
  g_assert_cmpuint (render_to_png (view, "view-buffer-short.png"), >, 20);
  count_color (view, shmviz_palette_slot_state ("default", SHMVIZ_SLOT_READING), &all, &bottom);
  /* The tag is drawn (more than its arrow) and does not run off the bottom. */
  g_assert_cmpuint (all, >, 600);
  g_assert_cmpuint (bottom, ==, 0);

  gtk_window_destroy (GTK_WINDOW (window));
  shmviz_snapshot_clear (&snap);
}

/* The shared count is the workers' int: without synchronization it can
 * drift below zero, and the view must say -16 as the race log does, not
 * 4294967280 (which also ran out of the ring's middle), in the ring and in
 * the row layout's caption. */
static void
test_buffer_view_negative_count (void)
{
  ShmvizScenario sc;
  g_autoptr(ShmvizModel) model = NULL;
  ShmvizSnapshot snap;
  GtkWidget *view = shmviz_buffer_view_new ();
  ShmvizBufferView *bv = SHMVIZ_BUFFER_VIEW (view);
  GtkWidget *window;

  shmviz_scenario_init_default (&sc);
  sc.n_slots = 8;
  model = shmviz_model_new (&sc);
  take_snapshot (model, &snap);
  snap.count = (guint) -16;

  window = show_in_window (view, 700, 500);
  shmviz_buffer_view_set_snapshot (bv, &snap);
  for (guint layout = 0; layout < 2; layout++)
    {
      g_autoptr(GArray) labels = NULL;
      gboolean seen = FALSE;

      g_object_set (view, "layout", layout == 0 ? "ring" : "row", NULL);
      iterate (200);
      labels = shmviz_buffer_view_get_labels (bv);
      for (guint i = 0; i < labels->len; i++)
        {
          const ShmvizBufferLabel *l = &g_array_index (labels, ShmvizBufferLabel, i);

          g_assert_null (strstr (l->text, "4294967280"));
          if ((layout == 0 && l->kind == SHMVIZ_BUFFER_LABEL_COUNT && g_str_equal (l->text, "-16")) ||
              (layout == 1 && l->kind == SHMVIZ_BUFFER_LABEL_CAPTION && strstr (l->text, "count -16 of 8")))
            seen = TRUE;
        }
      g_assert_true (seen);
    }

  gtk_window_destroy (GTK_WINDOW (window));
  shmviz_snapshot_clear (&snap);
}

/* Opaque pixels within 3 of @c per channel in rows @y0 to @y1 of @pixels
 * (as gdk_texture_download() gives them), and how many of those rows'
 * pixels differ from @other at all when it is given. */
static guint
count_rows (const guchar  *pixels,
            const guchar  *other,
            int            w,
            int            y0,
            int            y1,
            const GdkRGBA *c)
{
  int want[3] = { 0, 0, 0 };
  guint n = 0;

  if (c != NULL)
    {
      want[0] = (int) (c->blue * 255 + 0.5f);
      want[1] = (int) (c->green * 255 + 0.5f);
      want[2] = (int) (c->red * 255 + 0.5f);
    }
  for (int y = y0; y < y1; y++)
    for (int x = 0; x < w; x++)
      {
        const guchar *px = pixels + ((gsize) y * w + x) * 4;

        if (other != NULL)
          n += memcmp (px, other + ((gsize) y * w + x) * 4, 4) != 0;
        else if (px[3] == 255 && ABS (px[0] - want[0]) <= 3 && ABS (px[1] - want[1]) <= 3 &&
                 ABS (px[2] - want[2]) <= 3)
          n++;
      }
  return n;
}

/* Anomaly flashes, drawn from pictures: slot 0 (the top of the ring) reads
 * empty and slot 4 (the bottom) loses an item.  Drawn right away, each
 * flash is at its start (full strength, the ripple still at the outline):
 * its wash, outline and warning mark are there in the kind's colour, at
 * that slot and nowhere else, and once the flashes are over they are gone. */
static void
test_buffer_flashes (void)
{
  ShmvizScenario sc;
  g_autoptr(ShmvizModel) model = NULL;
  ShmvizSnapshot calm, snap;
  GtkWidget *view = shmviz_buffer_view_new ();
  GtkWidget *window;
  g_autofree guchar *flashing = NULL;
  g_autofree guchar *after = NULL;
  const GdkRGBA *empty = shmviz_palette_anomaly ("default", SHMVIZ_ANOMALY_EMPTY_READ);
  const GdkRGBA *lost = shmviz_palette_anomaly ("default", SHMVIZ_ANOMALY_LOST);
  Stream s;
  int w, h;

  shmviz_scenario_init_default (&sc);
  sc.n_producers = 2;
  sc.n_consumers = 2;
  sc.n_slots = 8;
  model = shmviz_model_new (&sc);
  stream_init (&s, 8, 4, 2);
  /* P1's items only: P2's are drawn in the colour of an empty read. */
  for (guint i = 0; i < 5; i++)
    produce (&s, 0, i + 1, TRUE, i, SHMVIZ_SLOT_EMPTY, 0);
  consume (&s, 2, 0, SHMVIZ_ITEM_ID (0, 1));
  shmviz_model_fold (model, (const ShmvizEvent *) s.events->data, s.events->len);
  take_snapshot (model, &calm);
  g_assert_cmpuint (calm.slots[0].flash, ==, 0);
  g_assert_cmpuint (calm.slots[4].flash, ==, 0);

  window = show_in_window (view, 900, 640);
  shmviz_buffer_view_set_snapshot (SHMVIZ_BUFFER_VIEW (view), &calm);
  iterate (300);

  /* C2 reads slot 0 again without waiting: empty.  P2 writes over slot 4
   * unlocked: P1#5 is lost. */
  g_array_set_size (s.events, 0);
  emit (&s, 3, SHMVIZ_EV_READ_INDEX, 1, 0, 0, 0, 0);
  emit (&s, 3, SHMVIZ_EV_READ_SLOT, SHMVIZ_SLOT_EMPTY, 0, 0, 0, 0);
  emit (&s, 3, SHMVIZ_EV_POST, SHMVIZ_SEM_MUTEX, 0, 0, 0, 0);
  produce (&s, 1, 1, FALSE, 4, SHMVIZ_SLOT_FULL, SHMVIZ_ITEM_ID (0, 5));
  shmviz_model_fold (model, (const ShmvizEvent *) s.events->data, s.events->len);
  g_array_unref (s.events);
  take_snapshot (model, &snap);
  g_assert_cmpuint (snap.slots[0].flash, ==, SHMVIZ_ANOMALY_EMPTY_READ + 1);
  g_assert_cmpuint (snap.slots[4].flash, ==, SHMVIZ_ANOMALY_LOST + 1);
  g_assert_false (gdk_rgba_equal (empty, lost));

  shmviz_buffer_view_set_snapshot (SHMVIZ_BUFFER_VIEW (view), &snap);
  /* A frame or two in: 1 % of a flash. */
  iterate (20);
  flashing = render_pixels (view);
  g_assert_cmpuint (render_to_png (view, "view-buffer-flashes.png"), >, 40);
  /* Longer than a flash. */
  iterate (2400);
  after = render_pixels (view);
  render_to_png (view, "view-buffer-flashes-over.png");

  w = gtk_widget_get_width (view);
  h = gtk_widget_get_height (view);
  /* Slot 0's flash in its colour, in the top half only; slot 4's in the
   * bottom half only: the mark at least (the outline too at full
   * strength).  (A wash may tint cells of the other's colour: fewer of
   * them, not more.) */
  g_assert_cmpuint (count_rows (flashing, NULL, w, 0, h / 2, empty), >,
                    count_rows (after, NULL, w, 0, h / 2, empty) + 400);
  g_assert_cmpuint (count_rows (flashing, NULL, w, h / 2, h, empty), <=, count_rows (after, NULL, w, h / 2, h, empty));
  g_assert_cmpuint (count_rows (flashing, NULL, w, h / 2, h, lost), >,
                    count_rows (after, NULL, w, h / 2, h, lost) + 400);
  g_assert_cmpuint (count_rows (flashing, NULL, w, 0, h / 2, lost), <=, count_rows (after, NULL, w, 0, h / 2, lost));
  /* The wash over the slot as well: far more changed than the outline. */
  g_assert_cmpuint (count_rows (flashing, after, w, 0, h / 2, NULL), >, 8000);
  g_assert_cmpuint (count_rows (flashing, after, w, h / 2, h, NULL), >, 8000);
  /* Nothing at the slots on either side (2 and 6, halfway down). */
  for (int y = h * 2 / 5; y < h * 3 / 5; y++)
    for (int x = 0; x < w; x++)
      if (x < w * 3 / 10 || x > w * 7 / 10)
        g_assert_cmpmem (flashing + ((gsize) y * w + x) * 4, 4, after + ((gsize) y * w + x) * 4, 4);

  gtk_window_destroy (GTK_WINDOW (window));
  shmviz_snapshot_clear (&calm);
  shmviz_snapshot_clear (&snap);
}

/* 4096 slots, mostly full: cells shrink, labels hide, and it still draws. */
static void
test_buffer_view_large (void)
{
  ShmvizScenario sc;
  g_autoptr(ShmvizModel) model = NULL;
  ShmvizSnapshot snap;
  GtkWidget *view = shmviz_buffer_view_new ();
  GtkWidget *window;
  Stream s;
  g_autofree char *d = NULL;

  shmviz_scenario_init_default (&sc);
  sc.n_producers = 4;
  sc.n_consumers = 4;
  sc.n_slots = 4096;
  model = shmviz_model_new (&sc);
  stream_init (&s, 4096, 8, 4);
  for (guint i = 0; i < 3000; i++)
    produce (&s, i % 4, i / 4 + 1, TRUE, i, SHMVIZ_SLOT_EMPTY, 0);
  shmviz_model_fold (model, (const ShmvizEvent *) s.events->data, s.events->len);
  g_array_unref (s.events);
  take_snapshot (model, &snap);

  window = show_in_window (view, 1200, 900);
  shmviz_buffer_view_set_snapshot (SHMVIZ_BUFFER_VIEW (view), &snap);
  iterate (200);
  g_assert_cmpuint (render_to_png (view, "view-buffer-4096.png"), >, 8);
  d = shmviz_buffer_view_describe_slot (SHMVIZ_BUFFER_VIEW (view), 4095);
  g_assert_cmpstr (d, ==, "slot 4095 of 4096, empty");
  shmviz_buffer_view_set_layout (SHMVIZ_BUFFER_VIEW (view), "row");
  iterate (100);
  g_assert_cmpuint (render_to_png (view, "view-buffer-4096-row.png"), >, 8);

  gtk_window_destroy (GTK_WINDOW (window));
  shmviz_snapshot_clear (&snap);
}

/* Pointer tags never cover a process chip, a heading, the count, the
 * caption or each other, and stay whole inside the view: at every zoom,
 * in both layouts, wherever in and out point.  @must_fit: a view large
 * enough that both tags must also be there. */
static void
check_labels_clear (ShmvizBufferView *bv,
                    guint             n_procs,
                    gboolean          must_fit)
{
  g_autoptr(GArray) labels = shmviz_buffer_view_get_labels (bv);
  int w = gtk_widget_get_width (GTK_WIDGET (bv)), h = gtk_widget_get_height (GTK_WIDGET (bv));
  guint n_tags = 0, n_chips = 0;

  for (guint i = 0; i < labels->len; i++)
    {
      const ShmvizBufferLabel *a = &g_array_index (labels, ShmvizBufferLabel, i);

      n_chips += a->kind == SHMVIZ_BUFFER_LABEL_CHIP;
      /* Headings too stay whole inside the view, however long their
       * translation (German “Verbraucher” ran off the right edge). */
      if (a->kind == SHMVIZ_BUFFER_LABEL_HEADING &&
          (a->rect.origin.x < 0 || a->rect.origin.x + a->rect.size.width > w))
        g_error ("heading “%s” runs off the %d-wide view at zoom %g", a->text, w, shmviz_buffer_view_get_zoom (bv));
      if (a->kind != SHMVIZ_BUFFER_LABEL_TAG && a->kind != SHMVIZ_BUFFER_LABEL_CAPTION)
        continue;
      n_tags += a->kind == SHMVIZ_BUFFER_LABEL_TAG;
      g_assert_cmpint (a->px, >=, 9);
      if (a->rect.origin.x < 0 || a->rect.origin.y < 0 || a->rect.origin.x + a->rect.size.width > w ||
          a->rect.origin.y + a->rect.size.height > h)
        g_error ("“%s” runs off the %d × %d view at zoom %g", a->text, w, h, shmviz_buffer_view_get_zoom (bv));
      for (guint j = 0; j < labels->len; j++)
        {
          const ShmvizBufferLabel *b = &g_array_index (labels, ShmvizBufferLabel, j);
          graphene_rect_t inter;

          if (i != j && graphene_rect_intersection (&a->rect, &b->rect, &inter) &&
              inter.size.width > 0 && inter.size.height > 0)
            g_error ("“%s” (%g,%g %g×%g) covers “%s” (%g,%g %g×%g) in the %s layout at zoom %g, %d × %d",
                     a->text, a->rect.origin.x, a->rect.origin.y, a->rect.size.width, a->rect.size.height,
                     b->text, b->rect.origin.x, b->rect.origin.y, b->rect.size.width, b->rect.size.height,
                     shmviz_buffer_view_get_layout (bv), shmviz_buffer_view_get_zoom (bv), w, h);
        }
    }
  if (must_fit)
    {
      if (n_tags != 2)
        g_error ("%u tags in the %s layout at zoom %g, %d × %d", n_tags, shmviz_buffer_view_get_layout (bv),
                 shmviz_buffer_view_get_zoom (bv), w, h);
      /* The chips are there to be covered: a check of nothing proves nothing. */
      g_assert_cmpuint (n_chips, ==, n_procs);
    }
}

static void
check_tags_clear (guint n_slots,
                  guint n_producers)
{
  const struct { int w, h; gboolean must_fit; } sizes[] = {
    /* The buffer pane at 1920 × 1080 in presentation mode, and in a window. */
    { 712, 640, TRUE }, { 900, 640, TRUE }, { 480, 300, FALSE },
  };
  ShmvizScenario sc;
  g_autoptr(ShmvizModel) model = NULL;
  ShmvizSnapshot snap;
  GtkWidget *view = shmviz_buffer_view_new ();
  ShmvizBufferView *bv = SHMVIZ_BUFFER_VIEW (view);
  GtkWidget *window;
  guint step = MAX (1, n_slots / 16);
  Stream s;

  shmviz_scenario_init_default (&sc);
  sc.n_producers = n_producers;
  sc.n_consumers = n_producers;
  sc.n_slots = n_slots;
  model = shmviz_model_new (&sc);
  stream_init (&s, n_slots, 2 * n_producers, n_producers);
  for (guint i = 0; i < MIN (n_slots, 5); i++)
    produce (&s, i % n_producers, i / n_producers + 1, TRUE, i, SHMVIZ_SLOT_EMPTY, 0);
  shmviz_model_fold (model, (const ShmvizEvent *) s.events->data, s.events->len);
  g_array_unref (s.events);
  take_snapshot (model, &snap);

  g_object_ref_sink (view);
  shmviz_buffer_view_set_palette (bv, "high-contrast");
  for (guint k = 0; k < G_N_ELEMENTS (sizes); k++)
    {
      /* A window of its own for each size: a shown window does not shrink.
       * (The view asks for more room at a larger zoom, as in the app.) */
      shmviz_buffer_view_set_zoom (bv, 1.0);
      window = show_in_window (view, sizes[k].w, sizes[k].h);
      for (guint ring = 0; ring < 2; ring++)
        for (double zoom = 1.0; zoom <= 3.0; zoom += 0.5)
          {
            shmviz_buffer_view_set_layout (bv, ring ? "ring" : "row");
            shmviz_buffer_view_set_zoom (bv, zoom);
            iterate (50);
            for (guint in = 0; in < n_slots; in += step)
              for (guint out = 0; out < n_slots; out += step)
                for (guint near = 0; near < 2; near++)
                  {
                    /* Also side by side: in just past out, as after a produce. */
                    snap.in = near ? (out + 1) % n_slots : in;
                    snap.out = out;
                    snap.generation++;
                    shmviz_buffer_view_set_snapshot (bv, &snap);
                    check_labels_clear (bv, 2 * n_producers, sizes[k].must_fit);
                  }
          }
      gtk_window_set_child (GTK_WINDOW (window), NULL);
      gtk_window_destroy (GTK_WINDOW (window));
    }

  /* To look at: the presentation pane at 300 %, in 3 next to C2. */
  window = show_in_window (view, sizes[0].w, sizes[0].h);
  shmviz_buffer_view_set_zoom (bv, 3.0);
  snap.in = 3 % n_slots;
  snap.out = 6 % n_slots;
  snap.generation++;
  shmviz_buffer_view_set_snapshot (bv, &snap);
  for (guint ring = 0; ring < 2; ring++)
    {
      g_autofree char *name = g_strdup_printf ("view-buffer-tags-300-%s-%u.png", ring ? "ring" : "row", n_slots);

      shmviz_buffer_view_set_layout (bv, ring ? "ring" : "row");
      iterate (200);
      check_labels_clear (bv, 2 * n_producers, TRUE);
      g_assert_cmpuint (render_to_png (view, name), >, 8);
    }

  gtk_window_destroy (GTK_WINDOW (window));
  g_object_unref (view);
  shmviz_snapshot_clear (&snap);
}

static void
test_buffer_tags (void)
{
  check_tags_clear (8, 2);
  check_tags_clear (256, 2);
  check_tags_clear (256, 8);
  check_tags_clear (1, 1);
  check_tags_clear (4096, 4);
}

static void
test_process_view (void)
{
  g_autoptr(ShmvizModel) model = make_race_model ();
  ShmvizSnapshot snap;
  GtkWidget *view = shmviz_process_view_new ();
  ShmvizProcessView *pv = SHMVIZ_PROCESS_VIEW (view);
  GtkWidget *window;
  g_autofree char *p2 = NULL;
  g_autofree char *c2 = NULL;
  const guint16 hl[] = { 1, 2 };

  take_snapshot (model, &snap);
  g_assert_cmpuint (snap.mutex_owner, ==, 1);

  window = show_in_window (view, 1100, 520);
  shmviz_process_view_set_snapshot (pv, &snap);
  shmviz_process_view_set_highlight (pv, hl, G_N_ELEMENTS (hl));
  iterate (100);
  g_assert_cmpuint (render_to_png (view, "view-processes.png"), >, 40);

  p2 = shmviz_process_view_describe_process (pv, 1);
  g_assert_cmpstr (p2, ==, "P2, producer, pid 1001, advancing in, in the critical section, holds the mutex");
  c2 = shmviz_process_view_describe_process (pv, 3);
  g_assert_cmpstr (c2, ==, "C2, consumer, pid 1003, waiting on mutex, waiting");
  g_assert_null (shmviz_process_view_describe_process (pv, 4));

  gtk_window_destroy (GTK_WINDOW (window));
  shmviz_snapshot_clear (&snap);
}

/* At 300 % on a short view (a projector, with the buffer and the race log
 * under it), the lock panels are the lesson: their names, values and
 * waiters as large as the cards' names, or close, and not cut off. */
static void
test_process_view_short_zoomed (void)
{
  g_autoptr(ShmvizModel) model = make_race_model ();
  ShmvizSnapshot snap;
  GtkWidget *view = shmviz_process_view_new ();
  ShmvizProcessView *pv = SHMVIZ_PROCESS_VIEW (view);
  ShmvizProcessTextSizes sizes;
  GtkWidget *window;

  take_snapshot (model, &snap);
  shmviz_process_view_set_zoom (pv, 3.0);
  shmviz_process_view_set_palette (pv, "high-contrast");
  window = show_in_window (view, 1280, 480);
  shmviz_process_view_set_snapshot (pv, &snap);
  iterate (100);
  g_assert_cmpint (gtk_widget_get_height (view), ==, 480);
  g_assert_cmpuint (render_to_png (view, "view-processes-300-short.png"), >, 20);

  shmviz_process_view_get_text_sizes (pv, &sizes);
  g_test_message ("card names %d px; panels: names %d, meanings %d, values %d, mutex owner %d, queue %d px",
                  sizes.card_name, sizes.sem_name, sizes.sem_meaning, sizes.sem_value, sizes.mutex_owner,
                  sizes.queue);
  g_assert_cmpint (sizes.card_name, >=, 24);
  g_assert_cmpfloat (sizes.sem_name, >=, 0.6 * sizes.card_name);
  g_assert_cmpint (sizes.sem_value, >=, sizes.card_name);
  /* Who holds the lock and who waits on it: the lesson itself. */
  g_assert_cmpfloat (sizes.mutex_owner, >=, 0.6 * sizes.card_name);
  g_assert_cmpfloat (sizes.queue, >=, 0.6 * sizes.card_name);

  gtk_window_destroy (GTK_WINDOW (window));
  shmviz_snapshot_clear (&snap);
}

/* The wrong-order deadlock: P1 holds the mutex and waits on empty (the
 * buffer is full); C1 waits on the mutex. */
static void
test_process_view_deadlock (void)
{
  ShmvizScenario sc;
  g_autoptr(ShmvizModel) model = NULL;
  ShmvizSnapshot snap;
  GtkWidget *view = shmviz_process_view_new ();
  GtkWidget *window;
  Stream s;

  shmviz_scenario_init_default (&sc);
  sc.n_producers = 1;
  sc.n_consumers = 1;
  sc.n_slots = 2;
  model = shmviz_model_new (&sc);
  stream_init (&s, 2, 2, 1);
  produce (&s, 0, 1, TRUE, 0, SHMVIZ_SLOT_EMPTY, 0);
  produce (&s, 0, 2, TRUE, 1, SHMVIZ_SLOT_EMPTY, 0);
  emit (&s, 0, SHMVIZ_EV_PRODUCE, 0, 0, SHMVIZ_ITEM_ID (0, 3), 0, 0);
  emit (&s, 0, SHMVIZ_EV_WAIT, SHMVIZ_SEM_MUTEX, 0, 0, 0, 0);
  emit (&s, 0, SHMVIZ_EV_ACQUIRED, SHMVIZ_SEM_MUTEX, 0, 0, 0, 0);
  emit (&s, 0, SHMVIZ_EV_WAIT, SHMVIZ_SEM_EMPTY, 0, 0, 0, 0);
  emit (&s, 0, SHMVIZ_EV_BLOCKED, SHMVIZ_SEM_EMPTY, 0, 0, 0, 0);
  emit (&s, 1, SHMVIZ_EV_WAIT, SHMVIZ_SEM_MUTEX, 0, 0, 0, 0);
  emit (&s, 1, SHMVIZ_EV_BLOCKED, SHMVIZ_SEM_MUTEX, 0, 0, 0, 0);
  shmviz_model_fold (model, (const ShmvizEvent *) s.events->data, s.events->len);
  shmviz_model_check_stall (model, s.ts + 10 * G_GUINT64_CONSTANT (1000000000), G_GUINT64_CONSTANT (1000000000));
  g_array_unref (s.events);
  take_snapshot (model, &snap);
  g_assert_true (snap.deadlock);

  window = show_in_window (view, 1000, 460);
  shmviz_process_view_set_snapshot (SHMVIZ_PROCESS_VIEW (view), &snap);
  iterate (100);
  g_assert_cmpuint (render_to_png (view, "view-processes-deadlock.png"), >, 40);
  check_description (view, "Deadlock: every process is waiting");

  /* At 200 % in the process pane of a 1280 × 800 window the mutex panel
   * puts its name and owner on one line: “held by P1” shares the room
   * with “mutex” instead of drawing at 9 px beside it. */
  {
    ShmvizProcessTextSizes sizes;

    shmviz_process_view_set_zoom (SHMVIZ_PROCESS_VIEW (view), 2.0);
    gtk_window_set_default_size (GTK_WINDOW (window), 760, 420);
    iterate (200);
    g_assert_cmpuint (render_to_png (view, "view-processes-200-deadlock.png"), >, 40);
    shmviz_process_view_get_text_sizes (SHMVIZ_PROCESS_VIEW (view), &sizes);
    g_test_message ("200 %%: card names %d px, mutex name %d, owner %d", sizes.card_name, sizes.sem_name,
                    sizes.mutex_owner);
    g_assert_cmpfloat (sizes.mutex_owner, >=, 0.6 * sizes.card_name);
  }

  gtk_window_destroy (GTK_WINDOW (window));
  shmviz_snapshot_clear (&snap);
}

static void
test_process_view_many (void)
{
  ShmvizScenario sc;
  g_autoptr(ShmvizModel) model = NULL;
  ShmvizSnapshot snap;
  GtkWidget *view = shmviz_process_view_new ();
  GtkWidget *window;
  Stream s;

  shmviz_scenario_init_default (&sc);
  sc.n_producers = 64;
  sc.n_consumers = 64;
  sc.n_slots = 256;
  model = shmviz_model_new (&sc);
  stream_init (&s, 256, 128, 64);
  for (guint i = 0; i < 64; i++)
    produce (&s, i, 1, i % 3 != 0, i, SHMVIZ_SLOT_EMPTY, 0);
  shmviz_model_fold (model, (const ShmvizEvent *) s.events->data, s.events->len);
  g_array_unref (s.events);
  take_snapshot (model, &snap);

  window = show_in_window (view, 1600, 900);
  shmviz_process_view_set_snapshot (SHMVIZ_PROCESS_VIEW (view), &snap);
  iterate (100);
  g_assert_cmpuint (render_to_png (view, "view-processes-128.png"), >, 40);

  gtk_window_destroy (GTK_WINDOW (window));
  shmviz_snapshot_clear (&snap);
}

static gboolean
emit_scroll (GtkWidget *widget,
             double     dy)
{
  g_autoptr(GListModel) controllers = gtk_widget_observe_controllers (widget);
  gboolean handled = FALSE;

  for (guint i = 0; i < g_list_model_get_n_items (controllers); i++)
    {
      g_autoptr(GObject) c = g_list_model_get_item (controllers, i);

      if (GTK_IS_EVENT_CONTROLLER_SCROLL (c))
        g_signal_emit_by_name (c, "scroll", 0.0, dy, &handled);
    }
  return handled;
}

static void
test_timeline_view (void)
{
  g_autoptr(ShmvizModel) model = make_race_model ();
  ShmvizSnapshot snap;
  GtkWidget *view = shmviz_timeline_view_new ();
  ShmvizTimelineView *tv = SHMVIZ_TIMELINE_VIEW (view);
  GtkWidget *window;

  take_snapshot (model, &snap);
  shmviz_timeline_view_set_model (tv, model);
  window = show_in_window (view, 1100, 360);
  /* Shorter than the 0.9 s of history, so there is something to scroll back to. */
  shmviz_timeline_view_set_span_ns (tv, G_GUINT64_CONSTANT (400000000));
  shmviz_timeline_view_set_snapshot (tv, &snap);
  iterate (100);
  g_assert_true (shmviz_timeline_view_get_follow (tv));
  g_assert_cmpuint (render_to_png (view, "view-timeline.png"), >, 30);

  /* Scrolling back stops following; the toggle returns to the present. */
  g_assert_true (emit_scroll (view, 3.0));
  g_assert_false (shmviz_timeline_view_get_follow (tv));
  iterate (100);
  g_assert_cmpuint (render_to_png (view, "view-timeline-back.png"), >, 30);
  g_assert_true (emit_scroll (view, -100.0));
  g_assert_true (shmviz_timeline_view_get_follow (tv));
  g_object_set (view, "follow", FALSE, NULL);
  g_assert_false (shmviz_timeline_view_get_follow (tv));
  shmviz_timeline_view_set_follow (tv, TRUE);
  g_assert_true (shmviz_timeline_view_get_follow (tv));

  gtk_window_destroy (GTK_WINDOW (window));
  shmviz_snapshot_clear (&snap);
}

/* graphene_rect_contains_rect() compares a union it recomputes, which
 * float rounding can set off by a hair. */
static gboolean
rect_inside (const graphene_rect_t *outer,
             const graphene_rect_t *inner)
{
  return inner->origin.x >= outer->origin.x - 0.01f && inner->origin.y >= outer->origin.y - 0.01f &&
         inner->origin.x + inner->size.width <= outer->origin.x + outer->size.width + 0.01f &&
         inner->origin.y + inner->size.height <= outer->origin.y + outer->size.height + 0.01f;
}

/* The timeline at presentation zooms in a short view (the bottom pane of
 * a projector at 300 % is 200–300 px): checks what it lays out at @width ×
 * @height and returns the geometry.  Every legend entry lies inside the
 * view, off the other entries, the follow button and the lanes; every lane
 * name inside its lane and the gutter.  With @n_procs lanes that have room
 * (4 in 200 px) the names must be at least 13 px, the legend's text at
 * 100 %, and so the lanes at least 13 / 0.62 ≈ 21 px: what a class reads
 * at the back of the room on the legend it must read on the lanes too,
 * where the colleague's report saw 10 px lanes and 8 px names. */
static ShmvizTimelineGeometry
check_timeline_layout (ShmvizTimelineView *tv,
                       int                 width,
                       int                 height,
                       guint               n_procs)
{
  ShmvizTimelineGeometry geo;
  g_autoptr(GArray) labels = shmviz_timeline_view_get_labels (tv, width, height, &geo);
  graphene_rect_t view = GRAPHENE_RECT_INIT (0, 0, width, height);
  graphene_rect_t lanes = GRAPHENE_RECT_INIT (geo.plot.origin.x, geo.plot.origin.y, geo.plot.size.width,
                                              geo.lane_h * n_procs);
  guint n_legend = 0, n_names = 0, n_groups = 0;
  int name_px = 0;

  for (guint i = 0; i < labels->len; i++)
    {
      const ShmvizTimelineLabel *l = &g_array_index (labels, ShmvizTimelineLabel, i);

      if (!rect_inside (&view, &l->rect))
        g_error ("zoom %g, %d × %d: “%s” at %g,%g %g × %g runs out of the view", shmviz_timeline_view_get_zoom (tv),
                 width, height, l->text, l->rect.origin.x, l->rect.origin.y, l->rect.size.width, l->rect.size.height);
      g_assert_cmpfloat (l->rect.size.width, >, 0);
      g_assert_cmpint (l->px, >=, 8);
      if (l->kind == SHMVIZ_TIMELINE_LABEL_LEGEND)
        {
          n_legend++;
          if (graphene_rect_intersection (&l->rect, &geo.follow, NULL))
            g_error ("zoom %g, %d × %d: the follow button covers “%s”", shmviz_timeline_view_get_zoom (tv),
                     width, height, l->text);
          if (graphene_rect_intersection (&l->rect, &lanes, NULL))
            g_error ("zoom %g, %d × %d: “%s” is over the lanes", shmviz_timeline_view_get_zoom (tv),
                     width, height, l->text);
          for (guint j = 0; j < i; j++)
            {
              const ShmvizTimelineLabel *o = &g_array_index (labels, ShmvizTimelineLabel, j);

              if (o->kind == SHMVIZ_TIMELINE_LABEL_LEGEND && graphene_rect_intersection (&l->rect, &o->rect, NULL))
                g_error ("zoom %g, %d × %d: “%s” and “%s” overlap", shmviz_timeline_view_get_zoom (tv), width,
                         height, l->text, o->text);
            }
        }
      else
        {
          /* A name lies in the lanes it names, in the gutter. */
          if (!rect_inside (&l->lanes, &l->rect) || l->rect.origin.x + l->rect.size.width >
              geo.plot.origin.x)
            g_error ("zoom %g, %d × %d: “%s” (%d px) at %g,%g %g × %g does not fit its lanes at %g,%g %g × %g",
                     shmviz_timeline_view_get_zoom (tv), width, height, l->text, l->px, l->rect.origin.x,
                     l->rect.origin.y, l->rect.size.width, l->rect.size.height, l->lanes.origin.x,
                     l->lanes.origin.y, l->lanes.size.width, l->lanes.size.height);
          if (l->kind == SHMVIZ_TIMELINE_LABEL_LANE)
            {
              n_names++;
              name_px = l->px;
            }
          else
            n_groups++;
        }
    }
  g_test_message ("zoom %g, %d × %d%s: chrome ×%.2f, lanes %.1f px, names %d px, legend %u in %u rows (%u dropped)",
                  shmviz_timeline_view_get_zoom (tv), width, height,
                  shmviz_timeline_view_get_follow (tv) ? "" : ", scrolled back", geo.chrome, geo.lane_h, name_px, n_legend,
                  geo.n_legend_rows, geo.n_legend_dropped);
  g_assert_true (rect_inside (&view, &geo.follow));
  /* The legend keeps clear of the button even while it is hidden, so it
   * does not move when the button comes; the lanes, while it shows. */
  if (!shmviz_timeline_view_get_follow (tv))
    g_assert_false (graphene_rect_intersection (&geo.follow, &lanes, NULL));
  g_assert_cmpuint (n_legend + geo.n_legend_dropped, ==, 7);
  /* Wider than the view's floor at 300 %: room for all of it. */
  if (width >= 900)
    g_assert_cmpuint (geo.n_legend_dropped, ==, 0);
  if (n_procs <= 4)
    {
      g_assert_cmpuint (n_names, ==, n_procs);
      g_assert_cmpint (name_px, >=, 13);
      g_assert_cmpfloat (geo.lane_h, >=, 21);
    }
  else
    /* Too many for names: the blocks of lanes say whose they are. */
    g_assert_cmpuint (n_names + n_groups, >, 0);
  return geo;
}

static void
test_timeline_zoomed (void)
{
  static const int heights[] = { 200, 300, 480 };
  static const int widths[] = { 1920, 1000 };
  g_autoptr(ShmvizModel) model = make_race_model ();
  ShmvizSnapshot snap;
  GtkWidget *view = shmviz_timeline_view_new ();
  ShmvizTimelineView *tv = SHMVIZ_TIMELINE_VIEW (view);
  GtkWidget *window;

  take_snapshot (model, &snap);
  shmviz_timeline_view_set_model (tv, model);
  shmviz_timeline_view_set_palette (tv, "high-contrast");
  shmviz_timeline_view_set_span_ns (tv, G_GUINT64_CONSTANT (400000000));
  shmviz_timeline_view_set_snapshot (tv, &snap);
  /* Following, and scrolled back with the follow button showing. */
  for (int follow = 1; follow >= 0; follow--)
    for (double zoom = 1; zoom <= 3; zoom++)
      {
        shmviz_timeline_view_set_follow (tv, follow);
        shmviz_timeline_view_set_zoom (tv, zoom);
        for (guint w = 0; w < G_N_ELEMENTS (widths); w++)
          for (guint h = 0; h < G_N_ELEMENTS (heights); h++)
            check_timeline_layout (tv, widths[w], heights[h], 4);
      }
  shmviz_timeline_view_set_follow (tv, TRUE);

  /* As drawn: the bottom pane of a projector at 300 %, scrolled back so
   * the follow button shows; it sits where the layout says. */
  window = show_in_window (view, 1920, 300);
  iterate (100);
  g_assert_true (emit_scroll (view, 3.0));
  iterate (100);
  {
    ShmvizTimelineGeometry geo = check_timeline_layout (tv, gtk_widget_get_width (view),
                                                        gtk_widget_get_height (view), 4);
    GtkWidget *button = gtk_widget_get_first_child (view);
    graphene_rect_t bounds;

    g_assert_true (GTK_IS_BUTTON (button));
    g_assert_true (gtk_widget_get_mapped (button));
    g_assert_true (gtk_widget_compute_bounds (button, view, &bounds));
    g_assert_true (graphene_rect_equal (&bounds, &geo.follow));
  }
  g_assert_cmpuint (render_to_png (view, "view-timeline-300-short.png"), >, 20);
  gtk_window_set_default_size (GTK_WINDOW (window), 1000, 242);
  iterate (300);
  check_timeline_layout (tv, gtk_widget_get_width (view), gtk_widget_get_height (view), 4);
  g_assert_cmpuint (render_to_png (view, "view-timeline-300-narrow.png"), >, 20);

  gtk_window_destroy (GTK_WINDOW (window));
  shmviz_snapshot_clear (&snap);
}

/* 128 processes at 300 % in a short view: lanes of a pixel or two, no
 * names, and still nothing of the legend runs off. */
static void
test_timeline_zoomed_many (void)
{
  ShmvizScenario sc;
  g_autoptr(ShmvizModel) model = NULL;
  ShmvizSnapshot snap;
  GtkWidget *view = shmviz_timeline_view_new ();
  ShmvizTimelineView *tv = SHMVIZ_TIMELINE_VIEW (view);
  GtkWidget *window;
  Stream s;

  shmviz_scenario_init_default (&sc);
  sc.n_producers = 64;
  sc.n_consumers = 64;
  sc.n_slots = 8;
  model = shmviz_model_new (&sc);
  stream_init (&s, 8, 128, 64);
  for (guint p = 0; p < 64; p++)
    produce (&s, p, 1, TRUE, p % 8, SHMVIZ_SLOT_EMPTY, 0);
  shmviz_model_fold (model, (const ShmvizEvent *) s.events->data, s.events->len);
  g_array_unref (s.events);
  take_snapshot (model, &snap);
  g_assert_cmpuint (snap.n_procs, ==, 128);
  shmviz_timeline_view_set_model (tv, model);
  shmviz_timeline_view_set_snapshot (tv, &snap);
  for (double zoom = 1; zoom <= 3; zoom++)
    {
      shmviz_timeline_view_set_zoom (tv, zoom);
      for (int h = 200; h <= 480; h += 140)
        check_timeline_layout (tv, 1920, h, 128);
    }
  window = show_in_window (view, 1920, 300);
  iterate (100);
  check_timeline_layout (tv, gtk_widget_get_width (view), gtk_widget_get_height (view), 128);
  g_assert_cmpuint (render_to_png (view, "view-timeline-300-128.png"), >, 10);

  gtk_window_destroy (GTK_WINDOW (window));
  shmviz_snapshot_clear (&snap);
}

/* The views keep their own copy: the caller may reuse or free the
 * snapshot right after handing it over. */
/* The timeline keeps its lanes across frames and adds only what is new:
 * after a run that scrolled it many times over, it must draw exactly what
 * it draws when it rebuilds everything from the model.  @pairs producer
 * and consumer pairs: 2 draws bars, 32 (thin lanes, thousands of runs)
 * the image. */
static void
check_timeline_incremental (guint pairs)
{
  ShmvizScenario sc;
  g_autoptr(ShmvizModel) model = NULL;
  ShmvizSnapshot snap = { 0 };
  GtkWidget *view = shmviz_timeline_view_new ();
  ShmvizTimelineView *tv = SHMVIZ_TIMELINE_VIEW (view);
  GtkWidget *window;
  g_autofree guchar *kept = NULL;
  g_autofree guchar *rebuilt = NULL;
  g_autofree guint64 *seq = g_new0 (guint64, pairs);
  guint differ = 0, nonblank = 0;
  gsize n;
  Stream s;

  shmviz_scenario_init_default (&sc);
  sc.n_producers = pairs;
  sc.n_consumers = pairs;
  sc.n_slots = 8;
  model = shmviz_model_new (&sc);
  shmviz_timeline_view_set_model (tv, model);
  window = show_in_window (view, 1000, 300);
  /* 10 ms a step, about 0.2 s a pair: the view scrolls twice over or more. */
  shmviz_timeline_view_set_span_ns (tv, G_GUINT64_CONSTANT (2000000000) * pairs);
  stream_init (&s, 8, 2 * pairs, pairs);
  for (guint round = 0; round < 50; round++)
    {
      g_array_set_size (s.events, 0);
      for (guint p = 0; p < pairs; p++)
        {
          guint slot = s.in;

          produce (&s, p, ++seq[p], TRUE, slot, SHMVIZ_SLOT_EMPTY, 0);
          consume (&s, pairs + p, slot, SHMVIZ_ITEM_ID (p, seq[p]));
        }
      shmviz_model_fold (model, (const ShmvizEvent *) s.events->data, s.events->len);
      shmviz_model_snapshot (model, &snap);
      shmviz_timeline_view_set_snapshot (tv, &snap);
      iterate (20);
    }
  g_array_unref (s.events);
  iterate (100);
  kept = render_pixels (view);

  /* Another span and back: everything is built again from the model. */
  shmviz_timeline_view_set_span_ns (tv, G_GUINT64_CONSTANT (2400000000) * pairs);
  iterate (50);
  shmviz_timeline_view_set_span_ns (tv, G_GUINT64_CONSTANT (2000000000) * pairs);
  iterate (100);
  rebuilt = render_pixels (view);
  {
    g_autofree char *name = g_strdup_printf ("view-timeline-incremental-%u.png", pairs);

    g_assert_cmpuint (render_to_png (view, name), >, 10);
  }

  n = (gsize) gtk_widget_get_width (view) * gtk_widget_get_height (view);
  for (gsize i = 0; i < n; i++)
    {
      differ += memcmp (kept + i * 4, rebuilt + i * 4, 4) != 0;
      nonblank += rebuilt[i * 4 + 3] != 0;
    }
  g_assert_cmpuint (nonblank, >, n / 10);
  g_assert_cmpuint (differ, ==, 0);

  gtk_window_destroy (GTK_WINDOW (window));
  shmviz_snapshot_clear (&snap);
}

static void
test_timeline_incremental (void)
{
  check_timeline_incremental (2);
  check_timeline_incremental (32);
}

static void
test_snapshot_ownership (void)
{
  g_autoptr(ShmvizModel) model = make_race_model ();
  ShmvizSnapshot *snap = g_new0 (ShmvizSnapshot, 1);
  GtkWidget *box = gtk_box_new (GTK_ORIENTATION_VERTICAL, 0);
  GtkWidget *buffer = shmviz_buffer_view_new ();
  GtkWidget *procs = shmviz_process_view_new ();
  GtkWidget *timeline = shmviz_timeline_view_new ();
  GtkWidget *window;
  g_autofree char *d = NULL;

  gtk_widget_set_vexpand (buffer, TRUE);
  gtk_box_append (GTK_BOX (box), buffer);
  gtk_box_append (GTK_BOX (box), procs);
  gtk_box_append (GTK_BOX (box), timeline);
  shmviz_timeline_view_set_model (SHMVIZ_TIMELINE_VIEW (timeline), model);
  window = show_in_window (box, 1000, 1000);

  shmviz_model_snapshot (model, snap);
  shmviz_buffer_view_set_snapshot (SHMVIZ_BUFFER_VIEW (buffer), snap);
  shmviz_process_view_set_snapshot (SHMVIZ_PROCESS_VIEW (procs), snap);
  shmviz_timeline_view_set_snapshot (SHMVIZ_TIMELINE_VIEW (timeline), snap);
  shmviz_snapshot_clear (snap);
  g_free (snap);

  iterate (150);
  g_assert_cmpuint (render_to_png (box, "view-all.png"), >, 40);
  d = shmviz_buffer_view_describe_slot (SHMVIZ_BUFFER_VIEW (buffer), 3);
  g_assert_cmpstr (d, ==, "slot 3 of 8, full, item P2#2, in points here");

  gtk_window_destroy (GTK_WINDOW (window));
}

int
main (int   argc,
      char *argv[])
{
  /* Pictures must not depend on a GL driver under Xvfb, and the accessible
   * properties are read back through GTK's test backend. */
  if (g_getenv ("GSK_RENDERER") == NULL)
    g_setenv ("GSK_RENDERER", "cairo", TRUE);
  g_setenv ("GTK_A11Y", "test", TRUE);
  g_setenv ("LANGUAGE", "C", TRUE);

  gtk_test_init (&argc, &argv, NULL);

  g_test_add_func ("/ui/views/palette", test_palette);
  g_test_add_func ("/ui/views/text-cache", test_text_cache);
  g_test_add_func ("/ui/views/buffer", test_buffer_view);
  g_test_add_func ("/ui/views/buffer-4096", test_buffer_view_large);
  g_test_add_func ("/ui/views/buffer-short", test_buffer_view_short);
  g_test_add_func ("/ui/views/buffer-negative-count", test_buffer_view_negative_count);
  g_test_add_func ("/ui/views/buffer-flashes", test_buffer_flashes);
  g_test_add_func ("/ui/views/buffer-tags", test_buffer_tags);
  g_test_add_func ("/ui/views/processes", test_process_view);
  g_test_add_func ("/ui/views/processes-deadlock", test_process_view_deadlock);
  g_test_add_func ("/ui/views/processes-short-zoomed", test_process_view_short_zoomed);
  g_test_add_func ("/ui/views/processes-128", test_process_view_many);
  g_test_add_func ("/ui/views/timeline", test_timeline_view);
  g_test_add_func ("/ui/views/timeline-incremental", test_timeline_incremental);
  g_test_add_func ("/ui/views/timeline-zoomed", test_timeline_zoomed);
  g_test_add_func ("/ui/views/timeline-zoomed-128", test_timeline_zoomed_many);
  g_test_add_func ("/ui/views/snapshot-ownership", test_snapshot_ownership);

  return g_test_run ();
}
