/* test-classroom.c — presentation view, scheduler mode and lessons in the
 * real window over real worker processes
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include "known-warnings.h"

#include <string.h>

#include <adwaita.h>

#include "lesson.h"
#include "session-private.h"
#include "shmviz-application.h"
#include "shmviz-lesson-gallery.h"
#include "shmviz-presentation.h"
#include "shmviz-process-view-private.h"
#include "shmviz-race-log.h"
#include "shmviz-scheduler.h"
#include "shmviz-timeline-view-private.h"
#include "shmviz-totals-bar.h"
#include "shmviz-window.h"
#include "ui-test.h"

static ShmvizApplication *app;

typedef struct {
  ShmvizWindow *window;
  GSettings    *settings;
} Fixture;

/* A screen and a zoom to check the window on (no data: 1920 × 1080). */
typedef struct {
  int    width;
  int    height;
  double zoom;
} Screen;

static const Screen default_window = { 1280, 800, 1.0 };
static const Screen projector_100 = { 1920, 1080, 1.0 };
static const Screen projector_200 = { 1920, 1080, 2.0 };
static const Screen projector_300 = { 1920, 1080, 3.0 };

static gboolean
window_is_mapped (Fixture *fixture)
{
  return gtk_widget_get_mapped (GTK_WIDGET (fixture->window));
}

static void
fixture_setup (Fixture       *fixture,
               gconstpointer  data)
{
  fixture->settings = g_settings_new (APP_ID);
  ui_test_reset_settings (fixture->settings);
  g_settings_set_uint (fixture->settings, "speed", 20000);

  fixture->window = shmviz_window_new (GTK_APPLICATION (app));
  if (data != NULL)
    gtk_window_set_default_size (GTK_WINDOW (fixture->window), ((const Screen *) data)->width,
                                 ((const Screen *) data)->height);
  else
    gtk_window_set_default_size (GTK_WINDOW (fixture->window), 1920, 1080);
  gtk_window_present (GTK_WINDOW (fixture->window));
  g_assert_true (ui_test_spin_until (UI_TEST_CONDITION (window_is_mapped), fixture, 10000));
}

static gboolean
window_gone (Fixture *fixture)
{
  return fixture->window == NULL;
}

static void
fixture_teardown (Fixture       *fixture,
                  gconstpointer  data)
{
  /* The window goes once its sessions have said "finished". */
  g_object_add_weak_pointer (G_OBJECT (fixture->window), (gpointer *) &fixture->window);
  gtk_window_close (GTK_WINDOW (fixture->window));
  g_assert_true (ui_test_spin_until (UI_TEST_CONDITION (window_gone), fixture, 20000));
  ui_test_spin_for (300);
  g_clear_object (&fixture->settings);
}

/* ---- presentation ------------------------------------------------------ */

static void
check_labels (GtkWidget *widget,
              GtkWidget *window,
              GPtrArray *seen,
              guint     *n_checked)
{
  if (!gtk_widget_get_mapped (widget) || !gtk_widget_get_child_visible (widget))
    return;

  if (GTK_IS_LABEL (widget) && *gtk_label_get_text (GTK_LABEL (widget)) != '\0')
    {
      GtkLabel *label = GTK_LABEL (widget);
      int min, nat;
      int width = gtk_widget_get_width (widget);
      GArray *rects = g_object_get_data (G_OBJECT (window), "test-rects");
      graphene_rect_t bounds = GRAPHENE_RECT_INIT (0, 0, 0, 0);

      PangoRectangle ink, logical;

      /* measure() counts CSS padding and margins, get_width() the content
       * box only: compare like with like, the text's own extent. */
      gtk_widget_measure (widget, GTK_ORIENTATION_HORIZONTAL, -1, &min, &nat, NULL, NULL);
      pango_layout_get_pixel_extents (gtk_label_get_layout (label), &ink, &logical);
      g_assert_cmpint (nat, >=, min);
      if (!gtk_label_get_wrap (label) && gtk_label_get_ellipsize (label) == PANGO_ELLIPSIZE_NONE &&
          width + 1 < logical.width)
        g_error ("label “%s” is clipped: %d px of its %d", gtk_label_get_text (label), width, logical.width);
      if (pango_layout_is_ellipsized (gtk_label_get_layout (label)))
        g_test_message ("label “%s” is ellipsized at %d px", gtk_label_get_text (label), width);
      if (gtk_widget_compute_bounds (widget, window, &bounds))
        /* What a scrolled window hides is not on screen to overlap. */
        for (GtkWidget *a = gtk_widget_get_parent (widget); a; a = gtk_widget_get_parent (a))
          {
            graphene_rect_t clip;

            if (GTK_IS_SCROLLED_WINDOW (a) && gtk_widget_compute_bounds (a, window, &clip) &&
                !graphene_rect_intersection (&bounds, &clip, &bounds))
              bounds = GRAPHENE_RECT_INIT (0, 0, 0, 0);
          }
      if (bounds.size.width > 0 && bounds.size.height > 0)
        {
          for (guint i = 0; i < seen->len; i++)
            {
              GtkWidget *other = g_ptr_array_index (seen, i);
              graphene_rect_t ob, inter;

              ob = g_array_index (rects, graphene_rect_t, i);
              if (graphene_rect_intersection (&bounds, &ob, &inter) &&
                  inter.size.width > 2 && inter.size.height > 2)
                g_error ("labels “%s” and “%s” overlap", gtk_label_get_text (label),
                         gtk_label_get_text (GTK_LABEL (other)));
            }
          g_ptr_array_add (seen, widget);
          g_array_append_val (rects, bounds);
        }
      (*n_checked)++;
    }

  for (GtkWidget *c = gtk_widget_get_first_child (widget); c; c = gtk_widget_get_next_sibling (c))
    check_labels (c, window, seen, n_checked);
}

/* The first label under @widget with CSS class @css_class. */
static GtkWidget *
find_label_with_class (GtkWidget  *widget,
                       const char *css_class)
{
  if (GTK_IS_LABEL (widget) && gtk_widget_has_css_class (widget, css_class))
    return widget;
  for (GtkWidget *c = gtk_widget_get_first_child (widget); c; c = gtk_widget_get_next_sibling (c))
    {
      GtkWidget *found = find_label_with_class (c, css_class);

      if (found != NULL)
        return found;
    }
  return NULL;
}

/* The first widget under @widget with CSS class @css_class. */
static GtkWidget *
find_with_class (GtkWidget  *widget,
                 const char *css_class)
{
  if (gtk_widget_has_css_class (widget, css_class))
    return widget;
  for (GtkWidget *c = gtk_widget_get_first_child (widget); c; c = gtk_widget_get_next_sibling (c))
    {
      GtkWidget *found = find_with_class (c, css_class);

      if (found != NULL)
        return found;
    }
  return NULL;
}

/* @widget is on screen whole: mapped, inside the window, and inside the
 * page of the presentation's scroller, not scrolled away under it. */
static void
assert_on_screen (GtkWidget  *widget,
                  GtkWidget  *scroller,
                  GtkWidget  *window,
                  const char *what)
{
  GtkAdjustment *vadj = gtk_scrolled_window_get_vadjustment (GTK_SCROLLED_WINDOW (scroller));
  GtkWidget *content = gtk_scrolled_window_get_child (GTK_SCROLLED_WINDOW (scroller));
  graphene_rect_t bounds, in_content, view;
  graphene_rect_t on_window = GRAPHENE_RECT_INIT (0, 0, gtk_widget_get_width (window),
                                                  gtk_widget_get_height (window));

  g_assert_true (gtk_widget_get_mapped (widget));
  g_assert_true (gtk_widget_compute_bounds (widget, window, &bounds));
  g_assert_true (gtk_widget_compute_bounds (scroller, window, &view));
  /* The content is laid out as if unscrolled (GtkViewport moves it by
   * the adjustment's value): where it sits there against the page. */
  g_assert_true (gtk_widget_compute_bounds (widget, content, &in_content));
  g_test_message ("%s at %g,%g %g × %g (content y %g); scroller %g,%g %g × %g, page %g of %g from %g; "
                  "window %g × %g", what, bounds.origin.x, bounds.origin.y, bounds.size.width,
                  bounds.size.height, in_content.origin.y, view.origin.x, view.origin.y, view.size.width,
                  view.size.height, gtk_adjustment_get_page_size (vadj), gtk_adjustment_get_upper (vadj),
                  gtk_adjustment_get_value (vadj), on_window.size.width, on_window.size.height);
  g_assert_cmpfloat (bounds.size.height, >, 0);
  if (!graphene_rect_contains_rect (&on_window, &bounds))
    g_error ("%s reaches out of the window", what);
  if (!graphene_rect_contains_rect (&view, &bounds))
    g_error ("%s is outside the scroller's view", what);
  if (in_content.origin.y < gtk_adjustment_get_value (vadj) ||
      in_content.origin.y + in_content.size.height >
      gtk_adjustment_get_value (vadj) + gtk_adjustment_get_page_size (vadj))
    g_error ("%s is scrolled out of view", what);
}

/* What a class must always see, the totals and the race log's footer, is
 * on screen, and nothing needs scrolling to get there. */
static void
assert_fits_screen (GtkWidget *window,
                    GtkWidget *presentation)
{
  GtkWidget *scroller = ui_test_find_widget (presentation, GTK_TYPE_SCROLLED_WINDOW);
  GtkWidget *race_log = ui_test_find_widget (window, SHMVIZ_TYPE_RACE_LOG);
  GtkWidget *footer;
  GtkAdjustment *vadj;
  graphene_rect_t log_bounds, footer_bounds;
  int needs;

  g_assert_nonnull (scroller);
  g_assert_true (gtk_widget_get_parent (scroller) == presentation);
  vadj = gtk_scrolled_window_get_vadjustment (GTK_SCROLLED_WINDOW (scroller));
  /* How close it is, for whoever grows the chrome next. */
  gtk_widget_measure (gtk_scrolled_window_get_child (GTK_SCROLLED_WINDOW (scroller)), GTK_ORIENTATION_VERTICAL,
                      gtk_widget_get_width (scroller), &needs, NULL, NULL, NULL);
  g_test_message ("scroller: upper %g, page %g; the content needs %d", gtk_adjustment_get_upper (vadj),
                  gtk_adjustment_get_page_size (vadj), needs);
  g_assert_cmpfloat (gtk_adjustment_get_upper (vadj), <=, gtk_adjustment_get_page_size (vadj));

  assert_on_screen (ui_test_find_widget (window, SHMVIZ_TYPE_TOTALS_BAR), scroller, window, "totals bar");
  g_assert_nonnull (race_log);
  footer = find_with_class (race_log, "race-log-footer");
  g_assert_nonnull (footer);
  assert_on_screen (footer, scroller, window, "race log footer");
  /* And not cut by the pane the race log has. */
  g_assert_true (gtk_widget_compute_bounds (race_log, window, &log_bounds));
  g_assert_true (gtk_widget_compute_bounds (footer, window, &footer_bounds));
  g_assert_true (graphene_rect_contains_rect (&log_bounds, &footer_bounds));
  for (GtkWidget *c = gtk_widget_get_first_child (footer); c; c = gtk_widget_get_next_sibling (c))
    {
      assert_on_screen (c, scroller, window, G_OBJECT_TYPE_NAME (c));
      if (GTK_IS_LABEL (c))
        {
          PangoRectangle logical;

          /* Laid out whole, not cut to the height it got. */
          pango_layout_get_pixel_extents (gtk_label_get_layout (GTK_LABEL (c)), NULL, &logical);
          g_assert_cmpint (gtk_widget_get_height (c), >=, logical.height);
        }
    }
}

/* @widget lies whole inside the part of every scrolled window around it
 * that is on screen, and inside @pane. */
static void
assert_fully_visible (GtkWidget *widget,
                      GtkWidget *pane,
                      GtkWidget *window)
{
  graphene_rect_t bounds, clip;

  g_assert_true (gtk_widget_get_mapped (widget));
  g_assert_true (gtk_widget_compute_bounds (widget, window, &bounds));
  g_assert_true (gtk_widget_compute_bounds (pane, window, &clip));
  g_test_message ("“%.30s…” at %g,%g %g × %g; pane %g,%g %g × %g", gtk_label_get_text (GTK_LABEL (widget)),
                  bounds.origin.x, bounds.origin.y, bounds.size.width, bounds.size.height,
                  clip.origin.x, clip.origin.y, clip.size.width, clip.size.height);
  g_assert_true (graphene_rect_contains_rect (&clip, &bounds));
  for (GtkWidget *a = gtk_widget_get_parent (widget); a; a = gtk_widget_get_parent (a))
    if (GTK_IS_SCROLLED_WINDOW (a))
      {
        g_assert_true (gtk_widget_compute_bounds (a, window, &clip));
        g_test_message ("scrolled window %g,%g %g × %g", clip.origin.x, clip.origin.y, clip.size.width,
                        clip.size.height);
        g_assert_true (graphene_rect_contains_rect (&clip, &bounds));
      }
  /* And the text is laid out whole, not cut to the height it got. */
  {
    PangoRectangle logical;
    int min, nat;

    pango_layout_get_pixel_extents (gtk_label_get_layout (GTK_LABEL (widget)), NULL, &logical);
    gtk_widget_measure (widget, GTK_ORIENTATION_VERTICAL, gtk_widget_get_width (widget), &min, &nat, NULL, NULL);
    g_assert_cmpint (gtk_widget_get_height (widget), >=, logical.height);
  }
}

/* The lock panels are the lesson (who holds the lock, who waits on which
 * semaphore): from the back of the room at 300 %, their names at least
 * 0.6 times and their values at least as large as the cards' names. */
static void
assert_panels_readable (GtkWidget    *window,
                        const Screen *screen)
{
  GtkWidget *view = ui_test_find_widget (window, SHMVIZ_TYPE_PROCESS_VIEW);
  ShmvizProcessTextSizes sizes;

  g_assert_nonnull (view);
  shmviz_process_view_get_text_sizes (SHMVIZ_PROCESS_VIEW (view), &sizes);
  g_test_message ("zoom %g, view %d × %d: card names %d px; panels: names %d, meanings %d, values %d, "
                  "mutex owner %d, queue %d px", screen->zoom, gtk_widget_get_width (view),
                  gtk_widget_get_height (view), sizes.card_name, sizes.sem_name, sizes.sem_meaning,
                  sizes.sem_value, sizes.mutex_owner, sizes.queue);
  g_assert_cmpint (sizes.card_name, >, 0);
  if (screen->zoom < 3.0)
    return;
  g_assert_cmpfloat (sizes.sem_name, >=, 0.6 * sizes.card_name);
  g_assert_cmpint (sizes.sem_value, >=, sizes.card_name);
  g_assert_cmpfloat (sizes.mutex_owner, >=, 0.6 * sizes.card_name);
  g_assert_cmpfloat (sizes.queue, >=, 0.6 * sizes.card_name);
}

static gboolean
has_anomalies (Fixture *fixture)
{
  ShmvizSession *s = shmviz_window_get_session (fixture->window);

  return s != NULL && shmviz_model_get_anomalies (shmviz_session_get_model (s), 0, NULL) > 0;
}

static gboolean
caption_is_set (Fixture *fixture)
{
  ShmvizPresentation *p = SHMVIZ_PRESENTATION (ui_test_find_widget (GTK_WIDGET (fixture->window),
                                                            SHMVIZ_TYPE_PRESENTATION));
  return *shmviz_presentation_get_caption (p) != '\0';
}

static void
test_presentation (Fixture       *fixture,
                   gconstpointer  data)
{
  const Screen *screen = data;
  GtkWidget *window = GTK_WIDGET (fixture->window);
  ShmvizPresentation *presentation = SHMVIZ_PRESENTATION (ui_test_find_widget (window, SHMVIZ_TYPE_PRESENTATION));
  g_autoptr(GPtrArray) seen = g_ptr_array_new ();
  g_autofree char *path = NULL;
  g_autofree char *name = g_strdup_printf ("shmviz-presentation-%d.png", (int) (screen->zoom * 100 + 0.5));
  guint n_checked = 0;

  g_assert_nonnull (presentation);
  g_settings_set_double (fixture->settings, "zoom", screen->zoom);
  g_settings_set_string (fixture->settings, "palette", "high-contrast");
  g_action_group_change_action_state (G_ACTION_GROUP (window), "show-sidebar", g_variant_new_boolean (FALSE));
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (presentation), "presentation.toggle", NULL));
  g_assert_true (shmviz_presentation_get_active (presentation));
  g_assert_true (ui_test_spin_until (UI_TEST_CONDITION (caption_is_set), fixture, 10000));
  ui_test_spin_for (1500);

  path = ui_test_save_png (window, name);
  assert_fits_screen (window, GTK_WIDGET (presentation));
  assert_panels_readable (window, screen);
  {
    GtkWidget *race_log = ui_test_find_widget (window, SHMVIZ_TYPE_RACE_LOG);
    GtkWidget *placeholder;

    /* No anomalies with synchronization on: the empty state shows, and a
     * class can read all of it. */
    g_assert_nonnull (race_log);
    placeholder = find_label_with_class (race_log, "race-log-placeholder");
    g_assert_nonnull (placeholder);
    assert_fully_visible (placeholder, race_log, window);
  }
  g_assert_cmpint (gtk_widget_get_width (window), <=, 1920);
  g_assert_cmpint (gtk_widget_get_height (window), <=, 1080);
  g_object_set_data_full (G_OBJECT (window), "test-rects", g_array_new (FALSE, FALSE, sizeof (graphene_rect_t)),
                          (GDestroyNotify) g_array_unref);
  check_labels (window, window, seen, &n_checked);
  g_test_message ("%u labels checked", n_checked);
  g_assert_cmpuint (n_checked, >, 10);

  /* Races are what a class comes to see: the caption tells them in a
   * sentence that may take two lines, the totals count them, and still
   * nothing scrolls away. */
  g_settings_set_string (fixture->settings, "sync-mode", "off");
  g_assert_true (ui_test_spin_until (UI_TEST_CONDITION (has_anomalies), fixture, 20000));
  ui_test_spin_for (1000);
  {
    g_autofree char *races = g_strdup_printf ("shmviz-presentation-%d-races.png", (int) (screen->zoom * 100 + 0.5));
    GtkWidget *caption = find_label_with_class (window, "presentation-caption");
    graphene_rect_t bounds;

    g_free (ui_test_save_png (window, races));
    g_test_message ("caption: %s", shmviz_presentation_get_caption (presentation));
    assert_fits_screen (window, GTK_WIDGET (presentation));
    assert_panels_readable (window, screen);
    g_assert_nonnull (caption);
    g_assert_true (gtk_widget_compute_bounds (caption, window, &bounds));
    g_assert_true (graphene_rect_contains_rect (&GRAPHENE_RECT_INIT (0, 0, gtk_widget_get_width (window),
                                                                     gtk_widget_get_height (window)),
                                                &bounds));
  }

  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (presentation), "presentation.toggle", NULL));
  g_assert_false (shmviz_presentation_get_active (presentation));
}

static void
check_timeline_labels (GtkWidget    *view,
                       GtkWidget    *window,
                       const Screen *screen)
{
  g_autoptr(GArray) labels = NULL;
  ShmvizTimelineGeometry geo;
  graphene_rect_t bounds, lanes, on_view;
  guint n_legend = 0, n_names = 0;

  g_assert_true (gtk_widget_get_mapped (view));
  g_assert_true (gtk_widget_compute_bounds (view, window, &bounds));
  labels = shmviz_timeline_view_get_labels (SHMVIZ_TIMELINE_VIEW (view), 0, 0, &geo);
  g_test_message ("zoom %g%s: timeline %g × %g at %g,%g; lanes %.1f px, chrome ×%.2f, legend in %u rows, %u dropped",
                  screen->zoom, shmviz_timeline_view_get_follow (SHMVIZ_TIMELINE_VIEW (view)) ? "" : ", scrolled back",
                  bounds.size.width, bounds.size.height, bounds.origin.x, bounds.origin.y, geo.lane_h,
                  geo.chrome, geo.n_legend_rows, geo.n_legend_dropped);
  on_view = GRAPHENE_RECT_INIT (0, 0, gtk_widget_get_width (view), gtk_widget_get_height (view));
  lanes = geo.plot;
  lanes.size.height = MIN (lanes.size.height, 4 * geo.lane_h);
  for (guint i = 0; i < labels->len; i++)
    {
      const ShmvizTimelineLabel *l = &g_array_index (labels, ShmvizTimelineLabel, i);
      graphene_rect_t u;

      graphene_rect_union (&on_view, &l->rect, &u);
      if (u.size.width > on_view.size.width + 0.01f || u.size.height > on_view.size.height + 0.01f)
        g_error ("“%s” at %g,%g %g × %g runs out of the timeline", l->text, l->rect.origin.x, l->rect.origin.y,
                 l->rect.size.width, l->rect.size.height);
      if (l->kind == SHMVIZ_TIMELINE_LABEL_LEGEND)
        {
          n_legend++;
          g_assert_false (graphene_rect_intersection (&l->rect, &geo.follow, NULL));
          g_assert_false (graphene_rect_intersection (&l->rect, &lanes, NULL));
          for (guint j = 0; j < i; j++)
            if (g_array_index (labels, ShmvizTimelineLabel, j).kind == SHMVIZ_TIMELINE_LABEL_LEGEND)
              g_assert_false (graphene_rect_intersection (&l->rect, &g_array_index (labels, ShmvizTimelineLabel, j).rect,
                                                          NULL));
        }
      else if (l->kind == SHMVIZ_TIMELINE_LABEL_LANE)
        {
          n_names++;
          g_assert_cmpint (l->px, >=, screen->zoom >= 2 ? 13 : 8);
          g_assert_cmpfloat (l->rect.size.height, <=, l->lanes.size.height);
          g_assert_cmpfloat (l->rect.origin.y, >=, l->lanes.origin.y - 0.01f);
          g_assert_cmpfloat (l->rect.origin.y + l->rect.size.height, <=,
                             l->lanes.origin.y + l->lanes.size.height + 0.01f);
        }
    }
  g_assert_cmpuint (n_legend, ==, 7);
  g_assert_cmpuint (n_names, ==, 4);
  if (!shmviz_timeline_view_get_follow (SHMVIZ_TIMELINE_VIEW (view)))
    {
      graphene_rect_t button;

      /* The button is where the view says, and that is off the lanes. */
      g_assert_true (gtk_widget_compute_bounds (gtk_widget_get_first_child (view), view, &button));
      g_assert_true (graphene_rect_equal (&button, &geo.follow));
      g_assert_false (graphene_rect_intersection (&geo.follow, &lanes, NULL));
    }
}

/* The timeline tab in presentation mode, where the bottom pane is short
 * (200–300 px at 300 %), with races so its anomaly marks show: every
 * legend entry inside the view, none under another or the follow button
 * or over the lanes, and the four lanes tall enough that their names fit
 * them.  Zoomed, the names are at least the legend's 13 px of 100 %; at
 * 100 % the pane is 140 px and the view keeps its look there (axis and
 * legend at their size), which leaves 11 px names, so only fitting counts. */
static void
test_presentation_timeline (Fixture       *fixture,
                            gconstpointer  data)
{
  const Screen *screen = data;
  GtkWidget *window = GTK_WIDGET (fixture->window);
  ShmvizPresentation *presentation = SHMVIZ_PRESENTATION (ui_test_find_widget (window, SHMVIZ_TYPE_PRESENTATION));
  AdwViewStack *stack = ADW_VIEW_STACK (ui_test_find_widget (window, ADW_TYPE_VIEW_STACK));
  GtkWidget *view = ui_test_find_widget (window, SHMVIZ_TYPE_TIMELINE_VIEW);
  g_autofree char *name = g_strdup_printf ("shmviz-presentation-%d-timeline.png", (int) (screen->zoom * 100 + 0.5));
  graphene_rect_t bounds;

  g_assert_nonnull (presentation);
  g_assert_nonnull (view);
  g_settings_set_double (fixture->settings, "zoom", screen->zoom);
  g_settings_set_string (fixture->settings, "palette", "high-contrast");
  g_settings_set_string (fixture->settings, "sync-mode", "off");
  g_action_group_change_action_state (G_ACTION_GROUP (window), "show-sidebar", g_variant_new_boolean (FALSE));
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (presentation), "presentation.toggle", NULL));
  g_assert_true (shmviz_presentation_get_active (presentation));
  adw_view_stack_set_visible_child_name (stack, "timeline");
  g_assert_true (ui_test_spin_until (UI_TEST_CONDITION (has_anomalies), fixture, 20000));
  ui_test_spin_for (1500);
  g_free (ui_test_save_png (window, name));

  check_timeline_labels (view, window, screen);
  /* Scrolled back: the follow button shows, over neither legend nor lanes. */
  shmviz_timeline_view_set_follow (SHMVIZ_TIMELINE_VIEW (view), FALSE);
  ui_test_spin_for (300);
  g_assert_true (gtk_widget_get_mapped (gtk_widget_get_first_child (view)));
  check_timeline_labels (view, window, screen);
  name[strlen (name) - 4] = '\0';
  {
    g_autofree char *back = g_strconcat (name, "-back.png", NULL);

    g_free (ui_test_save_png (window, back));
  }
  g_assert_true (gtk_widget_compute_bounds (view, window, &bounds));
  /* And the pane did not grow the page past the screen for it. */
  {
    GtkWidget *scroller = ui_test_find_widget (GTK_WIDGET (presentation), GTK_TYPE_SCROLLED_WINDOW);
    GtkAdjustment *vadj = gtk_scrolled_window_get_vadjustment (GTK_SCROLLED_WINDOW (scroller));

    g_assert_cmpfloat (gtk_adjustment_get_upper (vadj), <=, gtk_adjustment_get_page_size (vadj));
    g_assert_cmpfloat (bounds.origin.y + bounds.size.height, <=, gtk_widget_get_height (window));
  }

  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (presentation), "presentation.toggle", NULL));
  g_assert_false (shmviz_presentation_get_active (presentation));
}

/* Not presenting, at the size the window opens at: no scroller to lean
 * on, so the window must not grow past the screen it was given. */
static void
test_default_window_fits (Fixture       *fixture,
                          gconstpointer  data)
{
  const Screen *screen = data;
  GtkWidget *window = GTK_WIDGET (fixture->window);
  GtkWidget *presentation = ui_test_find_widget (window, SHMVIZ_TYPE_PRESENTATION);

  ui_test_spin_for (1500);
  g_free (ui_test_save_png (window, "shmviz-default-window.png"));
  g_assert_false (shmviz_presentation_get_active (SHMVIZ_PRESENTATION (presentation)));
  g_assert_cmpint (gtk_widget_get_width (window), <=, screen->width);
  g_assert_cmpint (gtk_widget_get_height (window), <=, screen->height);
  assert_fits_screen (window, presentation);
}

/* ---- scheduler ----------------------------------------------------------- */

static ShmvizScheduler *
scheduler_of (Fixture *fixture)
{
  return SHMVIZ_SCHEDULER (ui_test_find_widget (GTK_WIDGET (fixture->window), SHMVIZ_TYPE_SCHEDULER));
}

static gboolean
scheduler_idle (Fixture *fixture)
{
  ShmvizSession *s = shmviz_window_get_session (fixture->window);

  return s != NULL && shmviz_session_get_running (s) && shmviz_session_get_paused (s) &&
         !shmviz_scheduler_get_busy (scheduler_of (fixture));
}

static void
steps_of (Fixture *fixture,
          guint64 *steps,
          guint    n)
{
  ShmvizRegion *region = shmviz_session_get_region (shmviz_window_get_session (fixture->window));

  for (guint i = 0; i < n; i++)
    steps[i] = atomic_load (&shmviz_region_proc (region, i)->steps);
}

static void
pick_and_check (Fixture  *fixture,
                guint     proc,
                gboolean  by_key)
{
  GtkWidget *view = ui_test_find_widget (GTK_WIDGET (fixture->window), SHMVIZ_TYPE_PROCESS_VIEW);
  guint64 before[4], after[4];

  steps_of (fixture, before, 4);
  if (by_key)
    {
      /* As a key press reaches the window's shortcut controllers. */
      ShmvizScheduler *sched = scheduler_of (fixture);
      GtkShortcutController *found = NULL;
      g_autoptr(GListModel) controllers = gtk_widget_observe_controllers (GTK_WIDGET (sched));

      for (guint i = 0; i < g_list_model_get_n_items (controllers) && !found; i++)
        {
          g_autoptr(GObject) c = g_list_model_get_item (controllers, i);
          if (GTK_IS_SHORTCUT_CONTROLLER (c))
            found = GTK_SHORTCUT_CONTROLLER (c);
        }
      g_assert_nonnull (found);
      {
        g_autoptr(GtkShortcut) sc = g_list_model_get_item (G_LIST_MODEL (found), proc);
        g_assert_true (gtk_shortcut_action_activate (gtk_shortcut_get_action (sc), 0, GTK_WIDGET (sched), NULL));
      }
    }
  else
    g_signal_emit_by_name (view, "process-activated", proc);

  g_assert_true (shmviz_scheduler_get_busy (scheduler_of (fixture)));
  g_assert_true (ui_test_spin_until (UI_TEST_CONDITION (scheduler_idle), fixture, 30000));
  steps_of (fixture, after, 4);
  for (guint i = 0; i < 4; i++)
    if (i == proc)
      g_assert_cmpuint (after[i], ==, before[i] + 1);
    else
      g_assert_cmpuint (after[i], ==, before[i]);
}

static void
test_scheduler (Fixture       *fixture,
                gconstpointer  data)
{
  ShmvizScheduler *sched = scheduler_of (fixture);
  g_autofree char *schedule = NULL;
  g_autofree char *path = NULL;
  AdwViewStack *stack = ADW_VIEW_STACK (ui_test_find_widget (GTK_WIDGET (fixture->window), ADW_TYPE_VIEW_STACK));

  g_settings_set_string (fixture->settings, "sync-mode", "off");
  ui_test_spin_for (500);
  adw_view_stack_set_visible_child_name (stack, "scheduler");
  shmviz_scheduler_set_active (sched, TRUE);
  g_assert_true (ui_test_spin_until (UI_TEST_CONDITION (scheduler_idle), fixture, 30000));

  /* Nothing moves on its own. */
  {
    guint64 a[4], b[4];

    steps_of (fixture, a, 4);
    ui_test_spin_for (500);
    steps_of (fixture, b, 4);
    g_assert_cmpmem (a, sizeof a, b, sizeof b);
  }

  pick_and_check (fixture, 0, FALSE);   /* P1: in */
  pick_and_check (fixture, 0, FALSE);   /* P1: i = in */
  pick_and_check (fixture, 1, TRUE);    /* P2 (key 2) */
  pick_and_check (fixture, 1, TRUE);    /* P2: i = in */
  pick_and_check (fixture, 0, FALSE);   /* P1 writes slot 0 */
  pick_and_check (fixture, 1, FALSE);   /* P2 writes slot 0 over it */
  schedule = shmviz_scheduler_dup_schedule (sched);
  g_assert_cmpstr (schedule, ==, "P1,P1,P2,P2,P1,P2");
  g_assert_cmpuint (shmviz_model_get_anomalies (shmviz_session_get_model (shmviz_window_get_session (fixture->window)), 0, NULL), ==, 1);
  g_test_message ("caption: %s", shmviz_scheduler_get_caption (sched));
  path = ui_test_save_png (GTK_WIDGET (fixture->window), "shmviz-scheduler.png");

  /* Step back: a fresh run replays the first five steps, no loss yet. */
  shmviz_scheduler_step_back (sched);
  ui_test_spin_for (300);
  g_assert_true (ui_test_spin_until (UI_TEST_CONDITION (scheduler_idle), fixture, 30000));
  g_clear_pointer (&schedule, g_free);
  schedule = shmviz_scheduler_dup_schedule (sched);
  g_assert_cmpstr (schedule, ==, "P1,P1,P2,P2,P1");
  g_assert_cmpuint (shmviz_model_get_anomalies (shmviz_session_get_model (shmviz_window_get_session (fixture->window)), 0, NULL), ==, 0);

  shmviz_scheduler_set_active (sched, FALSE);
  g_assert_false (shmviz_session_get_paused (shmviz_window_get_session (fixture->window)));
}

/* ---- lessons --------------------------------------------------------------- */

static gboolean
running_current_settings (Fixture *fixture)
{
  ShmvizSession *s = shmviz_window_get_session (fixture->window);
  g_autofree char *mode = g_settings_get_string (fixture->settings, "sync-mode");
  ShmvizSyncMode m;

  shmviz_sync_mode_from_string (mode, &m);
  return s != NULL && shmviz_session_get_running (s) &&
         shmviz_session_get_scenario (s)->n_producers == g_settings_get_uint (fixture->settings, "producers") &&
         shmviz_session_get_scenario (s)->n_slots == g_settings_get_uint (fixture->settings, "slots") &&
         shmviz_session_get_scenario (s)->sync == m;
}

static void
test_every_lesson_opens (Fixture       *fixture,
                         gconstpointer  data)
{
  ShmvizLessonGallery *gallery = SHMVIZ_LESSON_GALLERY (ui_test_find_widget (GTK_WIDGET (fixture->window),
                                                                     SHMVIZ_TYPE_LESSON_GALLERY));
  g_autoptr(GPtrArray) lessons = shmviz_lesson_list (NULL);
  AdwViewStack *stack = ADW_VIEW_STACK (ui_test_find_widget (GTK_WIDGET (fixture->window), ADW_TYPE_VIEW_STACK));
  g_autofree char *path = NULL;

  adw_view_stack_set_visible_child_name (stack, "lessons");
  g_assert_cmpuint (lessons->len, >=, 7);
  g_assert_cmpuint (shmviz_lesson_gallery_get_n_lessons (gallery), ==, lessons->len);

  for (guint i = 0; i < lessons->len; i++)
    {
      ShmvizLesson *l = g_ptr_array_index (lessons, i);

      g_test_message ("lesson %s", l->id);
      g_assert_true (shmviz_lesson_gallery_open (gallery, l->id));
      g_assert_cmpstr (shmviz_lesson_gallery_get_current (gallery), ==, l->id);
      g_assert_cmpuint (g_settings_get_uint (fixture->settings, "producers"), ==, l->scenario.n_producers);
      g_assert_true (ui_test_spin_until (UI_TEST_CONDITION (running_current_settings), fixture, 20000));
      ui_test_spin_for (200);
    }

  /* A/B: the no-sync lesson and its fixed twin, side by side. */
  g_assert_true (shmviz_lesson_gallery_open (gallery, "no-sync"));
  {
    GtkWindow *ab = shmviz_lesson_gallery_open_ab (gallery);

    g_assert_nonnull (ab);
    ui_test_spin_for (2500);
    g_free (ui_test_save_png (GTK_WIDGET (ab), "shmviz-ab.png"));
    gtk_window_destroy (ab);
    ui_test_spin_for (1500);
  }
  path = ui_test_save_png (GTK_WIDGET (fixture->window), "shmviz-lessons.png");
}

int
main (int   argc,
      char *argv[])
{
  g_autoptr(GError) error = NULL;
  int ret;

  g_test_init (&argc, &argv, NULL);
  known_warnings_install ();
  app = shmviz_application_new ();
  g_application_set_flags (G_APPLICATION (app), G_APPLICATION_NON_UNIQUE);
  if (!g_application_register (G_APPLICATION (app), NULL, &error))
    g_error ("could not register the application: %s", error->message);

  g_test_add ("/ui/classroom/presentation-300", Fixture, &projector_300,
              fixture_setup, test_presentation, fixture_teardown);
  g_test_add ("/ui/classroom/presentation-200", Fixture, &projector_200,
              fixture_setup, test_presentation, fixture_teardown);
  g_test_add ("/ui/classroom/presentation-100", Fixture, &projector_100,
              fixture_setup, test_presentation, fixture_teardown);
  g_test_add ("/ui/classroom/presentation-timeline-300", Fixture, &projector_300,
              fixture_setup, test_presentation_timeline, fixture_teardown);
  g_test_add ("/ui/classroom/presentation-timeline-200", Fixture, &projector_200,
              fixture_setup, test_presentation_timeline, fixture_teardown);
  g_test_add ("/ui/classroom/presentation-timeline-100", Fixture, &projector_100,
              fixture_setup, test_presentation_timeline, fixture_teardown);
  g_test_add ("/ui/classroom/default-window-fits", Fixture, &default_window,
              fixture_setup, test_default_window_fits, fixture_teardown);
  g_test_add ("/ui/classroom/scheduler", Fixture, NULL,
              fixture_setup, test_scheduler, fixture_teardown);
  g_test_add ("/ui/classroom/every-lesson-opens", Fixture, NULL,
              fixture_setup, test_every_lesson_opens, fixture_teardown);

  ret = g_test_run ();
  g_clear_object (&app);
  return ret;
}
