/* shmviz-timeline-view.c — one lane per process over time
 *
 * The right edge follows the newest event while "follow" is set; scrolling
 * or dragging back clears it and the run goes on underneath.  Spans come
 * from the model and anomalies from shmviz_model_get_anomalies(), both
 * fetched incrementally.
 *
 * Spans are kept as pixel columns, one state per column and lane: where
 * several spans share a column the state a teacher looks for wins (see
 * bar_rank()), so a full-speed run draws at most one bar per run of equal
 * columns and nothing that happened disappears.  While following, the
 * columns already filled stay valid as the view scrolls: a frame fetches
 * only the spans that are new since the last one and fills their columns.
 * Few runs of equal columns are drawn as bars; many (tens of thousands at
 * 128 processes) are painted into an image that also scrolls by column,
 * see _shmviz_timeline_view_draw_lanes().
 *
 * This file holds the widget: its API, properties, input and the snapshot
 * that keeps the frame's node; what the frame is made of is in the files
 * shmviz-timeline-view-internal.h lists.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <math.h>

#include <glib/gi18n.h>

#include "ledger.h"
#include "shmviz-draw.h"
#include "shmviz-palette.h"
#include "shmviz-timeline-view-internal.h"

#define DEFAULT_SPAN_NS (G_GUINT64_CONSTANT (5) * 1000000000u)
#define MIN_SPAN_NS     (G_GUINT64_CONSTANT (10) * 1000u)
#define MAX_SPAN_NS     (G_GUINT64_CONSTANT (3600) * 1000000000u)

enum {
  PROP_0,
  PROP_MODEL,
  PROP_ZOOM,
  PROP_PALETTE,
  PROP_FOLLOW,
  PROP_SPAN_NS,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

G_DEFINE_FINAL_TYPE (ShmvizTimelineView, shmviz_timeline_view, GTK_TYPE_WIDGET)

void
_shmviz_timeline_view_invalidate (ShmvizTimelineView *self)
{
  self->col_valid = FALSE;
  g_clear_pointer (&self->node, gsk_render_node_unref);
  gtk_widget_queue_draw (GTK_WIDGET (self));
}

/* The follow property without the type check: scrolling sets it too. */
void
_shmviz_timeline_view_set_follow_internal (ShmvizTimelineView *self,
                                           gboolean            follow)
{
  follow = !!follow;
  if (follow == self->follow)
    return;
  self->follow = follow;
  if (!follow)
    self->end_ns = self->now_ns;
  gtk_widget_set_child_visible (self->follow_button, !follow);
  _shmviz_timeline_view_invalidate (self);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_FOLLOW]);
}

static void
shmviz_timeline_view_snapshot (GtkWidget   *widget,
                               GtkSnapshot *snapshot)
{
  ShmvizTimelineView *self = SHMVIZ_TIMELINE_VIEW (widget);
  gboolean dark = shmviz_draw_is_dark (GTK_WIDGET (self), self->palette);
  int w = gtk_widget_get_width (widget), h = gtk_widget_get_height (widget);

  if (!self->have_snapshot)
    {
      shmviz_text_cache_draw (self->text, snapshot, _("No session"), (int) _shmviz_timeline_view_z (self, 18), FALSE,
                              w / 2.0f, h / 2.0f, 0.5f, 0.5f, shmviz_palette_line (self->palette, dark));
    }
  else
    {
      guint64 end = _shmviz_timeline_view_right_edge (self);

      if (self->node == NULL || self->node_generation != self->generation || self->node_end != end ||
          self->node_width != w || self->node_height != h)
        {
          g_clear_pointer (&self->node, gsk_render_node_unref);
          self->node = _shmviz_timeline_view_build_node (self, dark);
          self->node_generation = self->generation;
          self->node_end = end;
          self->node_width = w;
          self->node_height = h;
        }
      gtk_snapshot_append_node (snapshot, self->node);
      if (gtk_widget_has_focus (widget))
        {
          GskRoundedRect rr;
          const GdkRGBA *a = shmviz_palette_accent (self->palette, dark);
          const GdkRGBA colors[4] = { *a, *a, *a, *a };
          float bw = _shmviz_timeline_view_z (self, 2);
          const float widths[4] = { bw, bw, bw, bw };

          gsk_rounded_rect_init_from_rect (&rr, &GRAPHENE_RECT_INIT (1, 1, w - 2, h - 2),
                                           _shmviz_timeline_view_z (self, 6));
          gtk_snapshot_append_border (snapshot, &rr, widths, colors);
        }
    }

  gtk_widget_snapshot_child (widget, self->follow_button, snapshot);
}

/* Input ------------------------------------------------------------------ */

static gboolean
scroll_cb (GtkEventControllerScroll *scroll,
           double                    dx,
           double                    dy,
           ShmvizTimelineView       *self)
{
  GdkModifierType mods = gtk_event_controller_get_current_event_state (GTK_EVENT_CONTROLLER (scroll));

  if (!self->have_snapshot)
    return FALSE;
  if (mods & GDK_CONTROL_MASK)
    {
      double factor = dy > 0 ? 1.25 : 0.8;

      shmviz_timeline_view_set_span_ns (self, (guint64) (self->span_ns * factor));
      return TRUE;
    }
  /* Either wheel axis pans; down and left go back in time. */
  _shmviz_timeline_view_scroll_by (self, (dx - dy) * self->span_ns * 0.1);
  return TRUE;
}

static void
drag_begin_cb (GtkGestureDrag     *drag,
               double              x,
               double              y,
               ShmvizTimelineView *self)
{
  self->drag_end = _shmviz_timeline_view_right_edge (self);
}

static void
drag_update_cb (GtkGestureDrag     *drag,
                double              dx,
                double              dy,
                ShmvizTimelineView *self)
{
  double delta;

  if (!self->have_snapshot || fabs (dx) < 2)
    return;
  delta = (double) self->drag_end - (double) _shmviz_timeline_view_right_edge (self) -
          dx * _shmviz_timeline_view_ns_per_px (self);
  _shmviz_timeline_view_scroll_by (self, delta);
}

static gboolean
key_pressed_cb (GtkEventControllerKey *key,
                guint                  keyval,
                guint                  keycode,
                GdkModifierType        state,
                ShmvizTimelineView    *self)
{
  switch (keyval)
    {
    case GDK_KEY_Left:
      _shmviz_timeline_view_scroll_by (self, -(double) self->span_ns * 0.1);
      return TRUE;
    case GDK_KEY_Right:
      _shmviz_timeline_view_scroll_by (self, (double) self->span_ns * 0.1);
      return TRUE;
    case GDK_KEY_End:
      shmviz_timeline_view_set_follow (self, TRUE);
      return TRUE;
    case GDK_KEY_plus:
    case GDK_KEY_KP_Add:
    case GDK_KEY_equal:
      shmviz_timeline_view_set_span_ns (self, self->span_ns * 4 / 5);
      return TRUE;
    case GDK_KEY_minus:
    case GDK_KEY_KP_Subtract:
      shmviz_timeline_view_set_span_ns (self, self->span_ns * 5 / 4);
      return TRUE;
    default:
      return FALSE;
    }
}

static void
follow_clicked_cb (GtkButton          *button,
                   ShmvizTimelineView *self)
{
  shmviz_timeline_view_set_follow (self, TRUE);
}

static void
focus_changed_cb (GtkEventControllerFocus *focus,
                  ShmvizTimelineView      *self)
{
  gtk_widget_queue_draw (GTK_WIDGET (self));
}

/* Public API ------------------------------------------------------------- */

GtkWidget *
shmviz_timeline_view_new (void)
{
  return g_object_new (SHMVIZ_TYPE_TIMELINE_VIEW, NULL);
}

void
shmviz_timeline_view_set_model (ShmvizTimelineView *self,
                                ShmvizModel        *model)
{
  g_return_if_fail (SHMVIZ_IS_TIMELINE_VIEW (self));

  if (self->model == model)
    return;
  g_clear_pointer (&self->model, shmviz_model_unref);
  if (model)
    self->model = shmviz_model_ref (model);
  g_array_set_size (self->anomalies, 0);
  _shmviz_timeline_view_invalidate (self);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_MODEL]);
}

ShmvizModel *
shmviz_timeline_view_get_model (ShmvizTimelineView *self)
{
  g_return_val_if_fail (SHMVIZ_IS_TIMELINE_VIEW (self), NULL);
  return self->model;
}

void
shmviz_timeline_view_set_snapshot (ShmvizTimelineView   *self,
                                   const ShmvizSnapshot *snapshot)
{
  g_return_if_fail (SHMVIZ_IS_TIMELINE_VIEW (self));

  if (snapshot == NULL)
    {
      if (self->have_snapshot)
        {
          self->have_snapshot = FALSE;
          _shmviz_timeline_view_invalidate (self);
        }
      return;
    }
  if (self->have_snapshot && snapshot->generation == self->generation && snapshot->n_procs == self->n_procs)
    return;

  self->have_snapshot = TRUE;
  self->generation = snapshot->generation;
  self->start_ns = snapshot->start_ns;
  self->now_ns = MAX (snapshot->now_ns, snapshot->start_ns);
  self->n_procs = snapshot->n_procs;
  self->n_producers = MIN (snapshot->scenario.n_producers, snapshot->n_procs);
  /* While scrolled back, what is in view does not move; only the present
   * part of it may change, so a redraw is still due. */
  gtk_widget_queue_draw (GTK_WIDGET (self));
}

void
shmviz_timeline_view_set_zoom (ShmvizTimelineView *self,
                               double              zoom)
{
  g_return_if_fail (SHMVIZ_IS_TIMELINE_VIEW (self));

  zoom = CLAMP (zoom, 1.0, 3.0);
  if (zoom == self->zoom)
    return;
  self->zoom = zoom;
  _shmviz_timeline_view_invalidate (self);
  gtk_widget_queue_resize (GTK_WIDGET (self));
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_ZOOM]);
}

double
shmviz_timeline_view_get_zoom (ShmvizTimelineView *self)
{
  g_return_val_if_fail (SHMVIZ_IS_TIMELINE_VIEW (self), 1.0);
  return self->zoom;
}

void
shmviz_timeline_view_set_palette (ShmvizTimelineView *self,
                                  const char         *palette)
{
  const char *canon;

  g_return_if_fail (SHMVIZ_IS_TIMELINE_VIEW (self));

  canon = shmviz_palette_canonical (palette);
  if (g_strcmp0 (canon, self->palette) == 0)
    return;
  g_free (self->palette);
  self->palette = g_strdup (canon);
  _shmviz_timeline_view_invalidate (self);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_PALETTE]);
}

const char *
shmviz_timeline_view_get_palette (ShmvizTimelineView *self)
{
  g_return_val_if_fail (SHMVIZ_IS_TIMELINE_VIEW (self), NULL);
  return self->palette;
}

void
shmviz_timeline_view_set_follow (ShmvizTimelineView *self,
                                 gboolean            follow)
{
  g_return_if_fail (SHMVIZ_IS_TIMELINE_VIEW (self));
  _shmviz_timeline_view_set_follow_internal (self, follow);
}

gboolean
shmviz_timeline_view_get_follow (ShmvizTimelineView *self)
{
  g_return_val_if_fail (SHMVIZ_IS_TIMELINE_VIEW (self), TRUE);
  return self->follow;
}

void
shmviz_timeline_view_set_span_ns (ShmvizTimelineView *self,
                                  guint64             span_ns)
{
  g_return_if_fail (SHMVIZ_IS_TIMELINE_VIEW (self));

  span_ns = CLAMP (span_ns, MIN_SPAN_NS, MAX_SPAN_NS);
  if (span_ns == self->span_ns)
    return;
  self->span_ns = span_ns;
  _shmviz_timeline_view_invalidate (self);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_SPAN_NS]);
}

guint64
shmviz_timeline_view_get_span_ns (ShmvizTimelineView *self)
{
  g_return_val_if_fail (SHMVIZ_IS_TIMELINE_VIEW (self), DEFAULT_SPAN_NS);
  return self->span_ns;
}

/* GObject ---------------------------------------------------------------- */

static void
shmviz_timeline_view_measure (GtkWidget      *widget,
                              GtkOrientation  orientation,
                              int             for_size,
                              int            *minimum,
                              int            *natural,
                              int            *minimum_baseline,
                              int            *natural_baseline)
{
  ShmvizTimelineView *self = SHMVIZ_TIMELINE_VIEW (widget);
  int bmin, bnat;

  gtk_widget_measure (self->follow_button, orientation, -1, &bmin, &bnat, NULL, NULL);
  /* Lanes take the height they get, so the floor grows with √zoom, not
   * the zoom: the bottom pane's floor is the largest of its pages', and
   * a linear one here kept the race log's footer and the totals under
   * the fold of a projector at 300 %. */
  *minimum = MAX (bmin, orientation == GTK_ORIENTATION_HORIZONTAL ? (int) _shmviz_timeline_view_z (self, 300)
                                                                  : (int) (140 * sqrt (self->zoom)));
  *natural = MAX (bnat, (int) _shmviz_timeline_view_z (self, orientation == GTK_ORIENTATION_HORIZONTAL ? 800 : 260));
}

static void
shmviz_timeline_view_size_allocate (GtkWidget *widget,
                                    int        width,
                                    int        height,
                                    int        baseline)
{
  ShmvizTimelineView *self = SHMVIZ_TIMELINE_VIEW (widget);
  const graphene_rect_t *r;

  /* In the bottom right corner, which the legend and lanes leave it. */
  _shmviz_timeline_view_compute_layout (self, &self->layout, width, height);
  r = &self->layout.follow;
  gtk_widget_size_allocate (self->follow_button,
                            &(GtkAllocation) { r->origin.x, r->origin.y, r->size.width, r->size.height }, -1);
}

static void
shmviz_timeline_view_system_setting_changed (GtkWidget        *widget,
                                             GtkSystemSetting  setting)
{
  ShmvizTimelineView *self = SHMVIZ_TIMELINE_VIEW (widget);

  GTK_WIDGET_CLASS (shmviz_timeline_view_parent_class)->system_setting_changed (widget, setting);
  shmviz_text_cache_clear (self->text);
  /* Another font: text takes other room. */
  self->layout.valid = FALSE;
  _shmviz_timeline_view_invalidate (self);
}

static void
shmviz_timeline_view_dispose (GObject *object)
{
  ShmvizTimelineView *self = SHMVIZ_TIMELINE_VIEW (object);

  g_clear_pointer (&self->follow_button, gtk_widget_unparent);

  G_OBJECT_CLASS (shmviz_timeline_view_parent_class)->dispose (object);
}

static void
shmviz_timeline_view_finalize (GObject *object)
{
  ShmvizTimelineView *self = SHMVIZ_TIMELINE_VIEW (object);

  g_clear_pointer (&self->model, shmviz_model_unref);
  g_clear_pointer (&self->node, gsk_render_node_unref);
  g_clear_pointer (&self->spans, g_array_unref);
  g_clear_pointer (&self->cols, g_free);
  g_clear_pointer (&self->col_since, g_free);
  g_clear_pointer (&self->ticks, g_free);
  g_clear_pointer (&self->tick_last, g_free);
  g_clear_pointer (&self->lanes_image, cairo_surface_destroy);
  g_clear_pointer (&self->anomalies, g_array_unref);
  g_clear_pointer (&self->text, shmviz_text_cache_free);
  g_free (self->palette);

  G_OBJECT_CLASS (shmviz_timeline_view_parent_class)->finalize (object);
}

static void
shmviz_timeline_view_get_property (GObject    *object,
                                   guint       prop_id,
                                   GValue     *value,
                                   GParamSpec *pspec)
{
  ShmvizTimelineView *self = SHMVIZ_TIMELINE_VIEW (object);

  switch (prop_id)
    {
    case PROP_MODEL:
      g_value_set_boxed (value, self->model);
      break;
    case PROP_ZOOM:
      g_value_set_double (value, self->zoom);
      break;
    case PROP_PALETTE:
      g_value_set_string (value, self->palette);
      break;
    case PROP_FOLLOW:
      g_value_set_boolean (value, self->follow);
      break;
    case PROP_SPAN_NS:
      g_value_set_uint64 (value, self->span_ns);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
shmviz_timeline_view_set_property (GObject      *object,
                                   guint         prop_id,
                                   const GValue *value,
                                   GParamSpec   *pspec)
{
  ShmvizTimelineView *self = SHMVIZ_TIMELINE_VIEW (object);

  switch (prop_id)
    {
    case PROP_MODEL:
      shmviz_timeline_view_set_model (self, g_value_get_boxed (value));
      break;
    case PROP_ZOOM:
      shmviz_timeline_view_set_zoom (self, g_value_get_double (value));
      break;
    case PROP_PALETTE:
      shmviz_timeline_view_set_palette (self, g_value_get_string (value));
      break;
    case PROP_FOLLOW:
      shmviz_timeline_view_set_follow (self, g_value_get_boolean (value));
      break;
    case PROP_SPAN_NS:
      shmviz_timeline_view_set_span_ns (self, g_value_get_uint64 (value));
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
shmviz_timeline_view_class_init (ShmvizTimelineViewClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = shmviz_timeline_view_dispose;
  object_class->finalize = shmviz_timeline_view_finalize;
  object_class->get_property = shmviz_timeline_view_get_property;
  object_class->set_property = shmviz_timeline_view_set_property;

  widget_class->snapshot = shmviz_timeline_view_snapshot;
  widget_class->measure = shmviz_timeline_view_measure;
  widget_class->size_allocate = shmviz_timeline_view_size_allocate;
  widget_class->system_setting_changed = shmviz_timeline_view_system_setting_changed;

  properties[PROP_MODEL] =
    g_param_spec_boxed ("model", NULL, NULL, SHMVIZ_TYPE_MODEL,
                        G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_ZOOM] =
    g_param_spec_double ("zoom", NULL, NULL, 1.0, 3.0, 1.0,
                         G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_PALETTE] =
    g_param_spec_string ("palette", NULL, NULL, "default",
                         G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_FOLLOW] =
    g_param_spec_boolean ("follow", NULL, NULL, TRUE,
                          G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_SPAN_NS] =
    g_param_spec_uint64 ("span-ns", NULL, NULL, MIN_SPAN_NS, MAX_SPAN_NS, DEFAULT_SPAN_NS,
                         G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  gtk_widget_class_set_css_name (widget_class, "shmviztimelineview");
  gtk_widget_class_set_accessible_role (widget_class, GTK_ACCESSIBLE_ROLE_GROUP);
}

static void
shmviz_timeline_view_init (ShmvizTimelineView *self)
{
  GtkEventController *controller;
  GtkGesture *drag;

  self->palette = g_strdup ("default");
  self->zoom = 1.0;
  self->follow = TRUE;
  self->span_ns = DEFAULT_SPAN_NS;
  self->spans = g_array_new (FALSE, FALSE, sizeof (ShmvizSpan));
  self->anomalies = g_array_new (FALSE, FALSE, sizeof (ShmvizAnomaly));
  self->text = shmviz_text_cache_new (GTK_WIDGET (self), 256);

  gtk_widget_set_focusable (GTK_WIDGET (self), TRUE);
  gtk_widget_set_overflow (GTK_WIDGET (self), GTK_OVERFLOW_HIDDEN);

  self->follow_button = gtk_button_new_with_mnemonic (_("_Follow"));
  gtk_widget_set_tooltip_text (self->follow_button, _("Scroll with the run again"));
  gtk_widget_add_css_class (self->follow_button, "suggested-action");
  gtk_widget_add_css_class (self->follow_button, "pill");
  gtk_widget_set_parent (self->follow_button, GTK_WIDGET (self));
  /* Hidden from view but still measured and placed: the legend keeps
   * its room, and does not move when the button comes. */
  gtk_widget_set_child_visible (self->follow_button, FALSE);
  g_signal_connect (self->follow_button, "clicked", G_CALLBACK (follow_clicked_cb), self);

  controller = gtk_event_controller_scroll_new (GTK_EVENT_CONTROLLER_SCROLL_BOTH_AXES);
  g_signal_connect (controller, "scroll", G_CALLBACK (scroll_cb), self);
  gtk_widget_add_controller (GTK_WIDGET (self), controller);

  drag = gtk_gesture_drag_new ();
  g_signal_connect (drag, "drag-begin", G_CALLBACK (drag_begin_cb), self);
  g_signal_connect (drag, "drag-update", G_CALLBACK (drag_update_cb), self);
  gtk_widget_add_controller (GTK_WIDGET (self), GTK_EVENT_CONTROLLER (drag));

  controller = gtk_event_controller_key_new ();
  g_signal_connect (controller, "key-pressed", G_CALLBACK (key_pressed_cb), self);
  gtk_widget_add_controller (GTK_WIDGET (self), controller);

  controller = gtk_event_controller_focus_new ();
  g_signal_connect (controller, "enter", G_CALLBACK (focus_changed_cb), self);
  g_signal_connect (controller, "leave", G_CALLBACK (focus_changed_cb), self);
  gtk_widget_add_controller (GTK_WIDGET (self), controller);

  gtk_accessible_update_property (GTK_ACCESSIBLE (self),
                                  GTK_ACCESSIBLE_PROPERTY_LABEL, _("Timeline"),
                                  GTK_ACCESSIBLE_PROPERTY_DESCRIPTION,
                                  _("One lane per process over time; Left and Right scroll, End follows the run"),
                                  -1);
}
