/* shmviz-presentation.c — the view for a projector
 *
 * Wraps the window's content.  While presenting: the window goes
 * fullscreen, its text is scaled by the zoom key through a CSS provider
 * (the views scale themselves with the same key: the window applies it),
 * a large caption line under the content says what just happened (the
 * newest anomaly while it is fresh, else the newest step), and a red dot
 * follows the pointer so the class sees what the teacher points at.  The
 * high-contrast palette also switches the window to a black-and-white
 * stylesheet, so that chrome and views agree.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <glib/gi18n.h>

#include "ledger.h"
#include "shmviz-presentation.h"

#define CAPTION_POLL_MS      250
/* An anomaly stays the caption this long before steps take over again. */
#define ANOMALY_HOLD_US      (4 * G_USEC_PER_SEC)
#define LASER_RADIUS         14.0

struct _ShmvizPresentation
{
  GtkWidget       parent_instance;

  GtkWidget      *child;
  GtkWidget      *scroller;
  GtkWidget      *caption;
  GSettings      *settings;
  ShmvizModel    *model;
  GtkCssProvider *provider;

  guint           poll_id;
  guint           n_anomalies;
  gint64          anomaly_shown_us;
  double          pointer_x;
  double          pointer_y;
  gboolean        pointer_in;
  gboolean        active;
};

G_DEFINE_FINAL_TYPE (ShmvizPresentation, shmviz_presentation, GTK_TYPE_WIDGET)

static double
zoom_of (ShmvizPresentation *self)
{
  return self->settings ? CLAMP (g_settings_get_double (self->settings, "zoom"), 1.0, 3.0) : 1.0;
}

/* Text scale and theme classes on the window. */
static void
apply_style (ShmvizPresentation *self)
{
  GtkRoot *root = gtk_widget_get_root (GTK_WIDGET (self));
  g_autofree char *palette = self->settings ? g_settings_get_string (self->settings, "palette") : NULL;
  g_autofree char *css = NULL;
  int percent = (int) (zoom_of (self) * 100 + 0.5);

  /* Sizes the stylesheet gives in points would not follow the window's
   * scale: while presenting they become relative to it. */
  css = g_strdup_printf ("window.shmviz-presenting { font-size: %d%%; }\n"
                         "window.shmviz-presenting .race-text,\n"
                         "window.shmviz-presenting .race-log-placeholder,\n"
                         "window.shmviz-presenting .kind-tag { font-size: 1em; }\n"
                         /* The controls matter less to the back row than the run,
                          * and at 300 % every line they give back keeps the
                          * totals and a two-line caption on a 1080-line screen. */
                         "window.shmviz-presenting headerbar,\n"
                         "window.shmviz-presenting .pane-title,\n"
                         "window.shmviz-presenting viewswitcher { font-size: 66%%; }\n"
                         /* Icons are sized in pixels: let them grow with the
                          * text beside them, in the header and on the tabs. */
                         "window.shmviz-presenting headerbar image,\n"
                         "window.shmviz-presenting viewswitcher image { -gtk-icon-size: 1em; }\n"
                         "window.shmviz-presenting totalsbar .stat-value { font-size: 150%%; }\n"
                         "window.shmviz-presenting totalsbar .stat-caption { font-size: 60%%; }\n"
                         "window.shmviz-high-contrast totalsbar { background-color: black; color: white; }\n"
                         ".presentation-caption { font-size: 150%%; }\n", percent);
  gtk_css_provider_load_from_data (self->provider, css, -1);

  if (!GTK_IS_WIDGET (root))
    return;
  if (self->active)
    gtk_widget_add_css_class (GTK_WIDGET (root), "shmviz-presenting");
  else
    gtk_widget_remove_css_class (GTK_WIDGET (root), "shmviz-presenting");
  if (g_strcmp0 (palette, "high-contrast") == 0)
    gtk_widget_add_css_class (GTK_WIDGET (root), "shmviz-high-contrast");
  else
    gtk_widget_remove_css_class (GTK_WIDGET (root), "shmviz-high-contrast");
}

static char *
describe_step (ShmvizModel *model,
               guint        n_producers)
{
  ShmvizProcView pv, newest = { 0 };
  gboolean any = FALSE;
  g_autofree char *who = NULL;
  g_autofree char *item = NULL;
  guint i;

  for (i = 0; shmviz_model_get_proc (model, i, &pv); i++)
    if (pv.last_kind != SHMVIZ_EV_NONE && (!any || pv.last_ns > newest.last_ns))
      {
        newest = pv;
        any = TRUE;
      }
  if (!any)
    return g_strdup (_("Nothing has happened yet."));

  who = shmviz_proc_label (newest.index, n_producers);
  item = shmviz_item_label (newest.last_item);
  switch (newest.last_kind)
    {
    case SHMVIZ_EV_PRODUCE: return g_strdup_printf (_("%s made %s."), who, item);
    case SHMVIZ_EV_WAIT: return g_strdup_printf (_("%s asks for %s."), who, shmviz_sem_name (newest.wait_sem));
    case SHMVIZ_EV_BLOCKED: return g_strdup_printf (_("%s sleeps: it waits for %s."), who, shmviz_sem_name (newest.wait_sem));
    case SHMVIZ_EV_ACQUIRED: return g_strdup_printf (_("%s took %s."), who, shmviz_sem_name (newest.wait_sem));
    case SHMVIZ_EV_POST: return g_strdup_printf (_("%s released a semaphore."), who);
    case SHMVIZ_EV_READ_INDEX: return g_strdup_printf (_("%s read the shared index: slot %u."), who, newest.last_slot);
    case SHMVIZ_EV_WRITE_SLOT: return g_strdup_printf (_("%s wrote %s into slot %u."), who, item, newest.last_slot);
    case SHMVIZ_EV_READ_SLOT: return g_strdup_printf (_("%s read slot %u."), who, newest.last_slot);
    case SHMVIZ_EV_ADVANCE: return g_strdup_printf (_("%s moved the index on and changed count."), who);
    case SHMVIZ_EV_CONSUME: return g_strdup_printf (_("%s used %s."), who, item);
    case SHMVIZ_EV_EXIT: return g_strdup_printf (_("%s finished."), who);
    default: return g_strdup_printf (_("%s took a step."), who);
    }
}

static gboolean
poll_caption (gpointer user_data)
{
  ShmvizPresentation *self = user_data;
  const ShmvizScenario *sc;
  g_autofree char *text = NULL;
  guint n;

  if (self->model == NULL)
    return G_SOURCE_CONTINUE;
  sc = shmviz_model_get_scenario (self->model);

  n = shmviz_model_get_anomalies (self->model, 0, NULL);
  if (n > self->n_anomalies)
    {
      g_autoptr(GArray) last = g_array_new (FALSE, FALSE, sizeof (ShmvizAnomaly));

      shmviz_model_get_anomalies (self->model, n - 1, last);
      if (last->len > 0)
        {
          text = shmviz_anomaly_describe (&g_array_index (last, ShmvizAnomaly, 0), sc->n_producers);
          self->anomaly_shown_us = g_get_monotonic_time ();
        }
      self->n_anomalies = n;
    }
  else if (g_get_monotonic_time () - self->anomaly_shown_us > ANOMALY_HOLD_US)
    text = describe_step (self->model, sc->n_producers);

  if (text != NULL && g_strcmp0 (text, gtk_label_get_text (GTK_LABEL (self->caption))) != 0)
    gtk_label_set_text (GTK_LABEL (self->caption), text);
  return G_SOURCE_CONTINUE;
}

void
shmviz_presentation_set_active (ShmvizPresentation *self,
                                gboolean            active)
{
  GtkRoot *root;

  g_return_if_fail (SHMVIZ_IS_PRESENTATION (self));

  active = !!active;
  if (self->active == active)
    return;
  self->active = active;
  root = gtk_widget_get_root (GTK_WIDGET (self));

  gtk_widget_set_visible (self->caption, active);
  /* The views' height floors grow with √zoom and the bottom pane keeps
   * only its floor while presenting (see the views' measure() and the
   * window), so 1080 lines hold everything, totals included, at 300 %.
   * A shorter screen may still need more: scroll rather than clip or
   * squeeze text. */
  gtk_scrolled_window_set_policy (GTK_SCROLLED_WINDOW (self->scroller), GTK_POLICY_NEVER,
                                  active ? GTK_POLICY_AUTOMATIC : GTK_POLICY_NEVER);
  if (GTK_IS_WINDOW (root))
    {
      if (active)
        gtk_window_fullscreen (GTK_WINDOW (root));
      else
        gtk_window_unfullscreen (GTK_WINDOW (root));
    }
  g_clear_handle_id (&self->poll_id, g_source_remove);
  if (active)
    {
      self->poll_id = g_timeout_add (CAPTION_POLL_MS, poll_caption, self);
      poll_caption (self);
    }
  apply_style (self);
  gtk_widget_queue_draw (GTK_WIDGET (self));
}

gboolean
shmviz_presentation_get_active (ShmvizPresentation *self)
{
  g_return_val_if_fail (SHMVIZ_IS_PRESENTATION (self), FALSE);
  return self->active;
}

const char *
shmviz_presentation_get_caption (ShmvizPresentation *self)
{
  g_return_val_if_fail (SHMVIZ_IS_PRESENTATION (self), "");
  return gtk_label_get_text (GTK_LABEL (self->caption));
}

void
shmviz_presentation_set_child (ShmvizPresentation *self,
                               GtkWidget          *child)
{
  g_return_if_fail (SHMVIZ_IS_PRESENTATION (self));

  self->child = child;
  gtk_scrolled_window_set_child (GTK_SCROLLED_WINDOW (self->scroller), child);
}

static void
settings_changed (GSettings          *settings,
                  const char         *key,
                  ShmvizPresentation *self)
{
  if (g_str_equal (key, "zoom") || g_str_equal (key, "palette"))
    apply_style (self);
}

void
shmviz_presentation_set_settings (ShmvizPresentation *self,
                                  GSettings          *settings)
{
  g_return_if_fail (SHMVIZ_IS_PRESENTATION (self));

  if (self->settings != NULL)
    g_signal_handlers_disconnect_by_data (self->settings, self);
  g_set_object (&self->settings, settings);
  if (settings != NULL)
    g_signal_connect (settings, "changed", G_CALLBACK (settings_changed), self);
  apply_style (self);
}

void
shmviz_presentation_set_model (ShmvizPresentation *self,
                               ShmvizModel        *model)
{
  g_return_if_fail (SHMVIZ_IS_PRESENTATION (self));

  if (model != NULL)
    shmviz_model_ref (model);
  g_clear_pointer (&self->model, shmviz_model_unref);
  self->model = model;
  /* Only anomalies of this run make news. */
  self->n_anomalies = model ? shmviz_model_get_anomalies (model, 0, NULL) : 0;
  self->anomaly_shown_us = 0;
}

static void
toggle_action (GtkWidget  *widget,
               const char *action_name,
               GVariant   *parameter)
{
  ShmvizPresentation *self = SHMVIZ_PRESENTATION (widget);

  shmviz_presentation_set_active (self, !self->active);
}

static void
motion (GtkEventControllerMotion *controller,
        double                    x,
        double                    y,
        ShmvizPresentation       *self)
{
  self->pointer_x = x;
  self->pointer_y = y;
  self->pointer_in = TRUE;
  if (self->active)
    gtk_widget_queue_draw (GTK_WIDGET (self));
}

static void
leave (GtkEventControllerMotion *controller,
       ShmvizPresentation       *self)
{
  self->pointer_in = FALSE;
  if (self->active)
    gtk_widget_queue_draw (GTK_WIDGET (self));
}

static void
shmviz_presentation_snapshot (GtkWidget   *widget,
                              GtkSnapshot *snapshot)
{
  ShmvizPresentation *self = SHMVIZ_PRESENTATION (widget);

  GTK_WIDGET_CLASS (shmviz_presentation_parent_class)->snapshot (widget, snapshot);

  /* The laser pointer, drawn over everything (and never taking input). */
  if (self->active && self->pointer_in)
    {
      double r = LASER_RADIUS * zoom_of (self);
      graphene_rect_t bounds = GRAPHENE_RECT_INIT (self->pointer_x - r, self->pointer_y - r, 2 * r, 2 * r);
      GskRoundedRect outer;
      GdkRGBA glow = { 1.0, 0.0, 0.0, 0.35 };
      GdkRGBA core = { 1.0, 0.1, 0.1, 0.8 };
      graphene_rect_t inner_bounds = GRAPHENE_RECT_INIT (self->pointer_x - r / 3, self->pointer_y - r / 3,
                                                         2 * r / 3, 2 * r / 3);
      GskRoundedRect inner;

      gsk_rounded_rect_init_from_rect (&outer, &bounds, r);
      gtk_snapshot_push_rounded_clip (snapshot, &outer);
      gtk_snapshot_append_color (snapshot, &glow, &bounds);
      gtk_snapshot_pop (snapshot);
      gsk_rounded_rect_init_from_rect (&inner, &inner_bounds, r / 3);
      gtk_snapshot_push_rounded_clip (snapshot, &inner);
      gtk_snapshot_append_color (snapshot, &core, &inner_bounds);
      gtk_snapshot_pop (snapshot);
    }
}

static void
shmviz_presentation_root (GtkWidget *widget)
{
  GTK_WIDGET_CLASS (shmviz_presentation_parent_class)->root (widget);
  apply_style (SHMVIZ_PRESENTATION (widget));
}

static void
shmviz_presentation_dispose (GObject *object)
{
  ShmvizPresentation *self = SHMVIZ_PRESENTATION (object);

  g_clear_handle_id (&self->poll_id, g_source_remove);
  if (self->settings != NULL)
    g_signal_handlers_disconnect_by_data (self->settings, self);
  g_clear_object (&self->settings);
  g_clear_pointer (&self->model, shmviz_model_unref);
  self->child = NULL;
  g_clear_pointer (&self->scroller, gtk_widget_unparent);
  g_clear_pointer (&self->caption, gtk_widget_unparent);
  if (self->provider != NULL)
    gtk_style_context_remove_provider_for_display (gdk_display_get_default (),
                                                   GTK_STYLE_PROVIDER (self->provider));
  g_clear_object (&self->provider);
  G_OBJECT_CLASS (shmviz_presentation_parent_class)->dispose (object);
}

static void
shmviz_presentation_class_init (ShmvizPresentationClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = shmviz_presentation_dispose;
  widget_class->snapshot = shmviz_presentation_snapshot;
  widget_class->root = shmviz_presentation_root;

  gtk_widget_class_install_action (widget_class, "presentation.toggle", NULL, toggle_action);

  gtk_widget_class_set_layout_manager_type (widget_class, GTK_TYPE_BOX_LAYOUT);
  gtk_widget_class_set_css_name (widget_class, "shmvizpresentation");
}

static void
shmviz_presentation_init (ShmvizPresentation *self)
{
  GtkEventController *motion_controller;
  GtkEventController *shortcuts;

  gtk_orientable_set_orientation (GTK_ORIENTABLE (gtk_widget_get_layout_manager (GTK_WIDGET (self))),
                                  GTK_ORIENTATION_VERTICAL);

  self->scroller = gtk_scrolled_window_new ();
  gtk_scrolled_window_set_policy (GTK_SCROLLED_WINDOW (self->scroller), GTK_POLICY_NEVER, GTK_POLICY_NEVER);
  gtk_scrolled_window_set_propagate_natural_height (GTK_SCROLLED_WINDOW (self->scroller), TRUE);
  gtk_scrolled_window_set_propagate_natural_width (GTK_SCROLLED_WINDOW (self->scroller), TRUE);
  gtk_widget_set_vexpand (self->scroller, TRUE);
  gtk_widget_set_parent (self->scroller, GTK_WIDGET (self));

  self->caption = gtk_label_new (NULL);
  gtk_label_set_wrap (GTK_LABEL (self->caption), TRUE);
  gtk_label_set_xalign (GTK_LABEL (self->caption), 0);
  gtk_widget_add_css_class (self->caption, "presentation-caption");
  gtk_widget_set_visible (self->caption, FALSE);
  gtk_accessible_update_property (GTK_ACCESSIBLE (self->caption),
                                  GTK_ACCESSIBLE_PROPERTY_LABEL, _("What just happened"), -1);
  gtk_widget_set_parent (self->caption, GTK_WIDGET (self));

  self->provider = gtk_css_provider_new ();
  gtk_style_context_add_provider_for_display (gdk_display_get_default (),
                                              GTK_STYLE_PROVIDER (self->provider),
                                              GTK_STYLE_PROVIDER_PRIORITY_APPLICATION + 1);

  motion_controller = gtk_event_controller_motion_new ();
  gtk_event_controller_set_propagation_phase (motion_controller, GTK_PHASE_CAPTURE);
  g_signal_connect (motion_controller, "motion", G_CALLBACK (motion), self);
  g_signal_connect (motion_controller, "enter", G_CALLBACK (motion), self);
  g_signal_connect (motion_controller, "leave", G_CALLBACK (leave), self);
  gtk_widget_add_controller (GTK_WIDGET (self), motion_controller);

  /* F11 from anywhere in the window. */
  shortcuts = gtk_shortcut_controller_new ();
  gtk_shortcut_controller_set_scope (GTK_SHORTCUT_CONTROLLER (shortcuts), GTK_SHORTCUT_SCOPE_GLOBAL);
  gtk_shortcut_controller_add_shortcut (GTK_SHORTCUT_CONTROLLER (shortcuts),
                                        gtk_shortcut_new (gtk_keyval_trigger_new (GDK_KEY_F11, 0),
                                                          gtk_named_action_new ("presentation.toggle")));
  gtk_widget_add_controller (GTK_WIDGET (self), shortcuts);
}

GtkWidget *
shmviz_presentation_new (void)
{
  return g_object_new (SHMVIZ_TYPE_PRESENTATION, NULL);
}
