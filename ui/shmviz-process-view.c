/* shmviz-process-view.c — one card per process, the mutex and the counters
 *
 * Producers fill the left column group, consumers the right, and between
 * them the three semaphores: the mutex as a lock with its owner and queue,
 * `empty` and `full` as counters with their waiters.  Cards shrink and drop
 * detail to fit 64 + 64 processes.  The whole picture is one render node,
 * rebuilt only when the snapshot's generation or the geometry change; in
 * it, each card is a picture drawn once per look (state, lock, highlight)
 * and reused, with only its live step line drawn as text every time.
 *
 * This file holds the widget: its API, input, properties and the frame;
 * what the frame is made of is in the files shmviz-process-view-private.h
 * lists.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <math.h>
#include <string.h>

#include <glib/gi18n.h>

#include "ledger.h"
#include "shmviz-draw.h"
#include "shmviz-palette.h"
#include "shmviz-process-view-internal.h"

enum {
  PROP_0,
  PROP_MODEL,
  PROP_ZOOM,
  PROP_PALETTE,
  N_PROPS
};

enum {
  PROCESS_ACTIVATED,
  PROCESS_MENU,
  N_SIGNALS
};

static GParamSpec *properties[N_PROPS];
static guint signals[N_SIGNALS];

G_DEFINE_FINAL_TYPE (ShmvizProcessView, shmviz_process_view, GTK_TYPE_WIDGET)

static void
invalidate (ShmvizProcessView *self)
{
  g_clear_pointer (&self->node, gsk_render_node_unref);
  gtk_widget_queue_draw (GTK_WIDGET (self));
}

/* Drawing ---------------------------------------------------------------- */

static GskRenderNode *
build_node (ShmvizProcessView *self,
            gboolean           dark)
{
  GtkSnapshot *snapshot = gtk_snapshot_new ();
  const GdkRGBA *fg = shmviz_palette_foreground (self->palette, dark);
  float m = _shmviz_process_view_z (self, 12);
  int head_px = self->head_px;

  /* Many changed cards scattered over the view make a damage region of
   * many rectangles: see SHMVIZ_DRAW_COARSE_DAMAGE. */
  if (_shmviz_process_view_update_cards (self, dark) > SHMVIZ_DRAW_COARSE_DAMAGE)
    shmviz_draw_damage_whole (snapshot, &GRAPHENE_RECT_INIT (0, 0, self->geo_width, self->geo_height),
                              &self->damage_parity);

  if (shmviz_palette_is_dark (self->palette))
    gtk_snapshot_append_color (snapshot, shmviz_palette_background (self->palette, TRUE),
                               &GRAPHENE_RECT_INIT (0, 0, self->geo_width, self->geo_height));

  if (!self->deadlock)
    {
      shmviz_text_cache_draw (self->text, snapshot, _("Producers"), head_px, TRUE, m, head_px, 0.0f, 0.5f, fg);
      shmviz_text_cache_draw (self->text, snapshot, _("Consumers"), head_px, TRUE, self->geo_width - m,
                              head_px, 1.0f, 0.5f, fg);
    }

  _shmviz_process_view_draw_semaphores (self, snapshot, dark);
  for (guint p = 0; p < self->n_procs; p++)
    {
      if (p >= self->cards_alloc)
        _shmviz_process_view_draw_card (self, snapshot, p, dark);
      else if (self->card_nodes[p] != NULL)
        gtk_snapshot_append_node (snapshot, self->card_nodes[p]);
    }
  if (self->deadlock)
    _shmviz_process_view_draw_deadlock (self, snapshot, dark);

  return gtk_snapshot_free_to_node (snapshot);
}

static void
shmviz_process_view_snapshot (GtkWidget   *widget,
                              GtkSnapshot *snapshot)
{
  ShmvizProcessView *self = SHMVIZ_PROCESS_VIEW (widget);
  gboolean dark = shmviz_draw_is_dark (GTK_WIDGET (self), self->palette);

  if (!self->have_snapshot)
    {
      shmviz_text_cache_draw (self->text, snapshot, _("No session"), (int) _shmviz_process_view_z (self, 18), FALSE,
                              gtk_widget_get_width (widget) / 2.0f, gtk_widget_get_height (widget) / 2.0f,
                              0.5f, 0.5f, shmviz_palette_line (self->palette, dark));
      return;
    }

  _shmviz_process_view_ensure_geometry (self);
  if (gtk_widget_get_scale_factor (widget) != self->picture_scale)
    {
      /* Crisp on a HiDPI monitor: the cards drawn again at its scale. */
      self->picture_scale = gtk_widget_get_scale_factor (widget);
      _shmviz_process_view_flush_card_pictures (self);
      _shmviz_process_view_drop_cards (self);
      g_clear_pointer (&self->node, gsk_render_node_unref);
    }
  if (self->node == NULL)
    self->node = build_node (self, dark);
  gtk_snapshot_append_node (snapshot, self->node);

  if (self->hover >= 0 && (guint) self->hover < self->n_procs)
    {
      GdkRGBA c = *shmviz_palette_foreground (self->palette, dark);

      c.alpha = 0.5f;
      shmviz_draw_outline (snapshot, &self->cards[self->hover], _shmviz_process_view_z (self, 10) * self->card_scale,
                           _shmviz_process_view_z (self, 2), &c);
    }
  if (gtk_widget_has_focus (widget) && self->focused >= 0 && (guint) self->focused < self->n_procs)
    {
      const graphene_rect_t *r = &self->cards[self->focused];
      float g = _shmviz_process_view_z (self, 3);

      shmviz_draw_outline (snapshot, &GRAPHENE_RECT_INIT (r->origin.x - g, r->origin.y - g, r->size.width + 2 * g,
                                                     r->size.height + 2 * g),
                      _shmviz_process_view_z (self, 12) * self->card_scale, _shmviz_process_view_z (self, 3),
                      shmviz_palette_accent (self->palette, dark));
    }
}

void
shmviz_process_view_get_text_sizes (ShmvizProcessView      *self,
                                    ShmvizProcessTextSizes *sizes)
{
  int name;

  g_return_if_fail (SHMVIZ_IS_PROCESS_VIEW (self));
  g_return_if_fail (sizes != NULL);

  memset (sizes, 0, sizeof *sizes);
  if (!self->have_snapshot)
    return;
  _shmviz_process_view_ensure_geometry (self);
  /* The panels' sizes are those the last build drew at: build it now if
   * no frame has since what changed. */
  if (self->node == NULL)
    self->node = build_node (self, shmviz_draw_is_dark (GTK_WIDGET (self), self->palette));
  *sizes = self->drawn;
  name = _shmviz_process_view_card_name_px (self);
  sizes->card_name = name >= 8 ? name : 0;
}

/* Public API ------------------------------------------------------------- */

GtkWidget *
shmviz_process_view_new (void)
{
  return g_object_new (SHMVIZ_TYPE_PROCESS_VIEW, NULL);
}

void
shmviz_process_view_set_model (ShmvizProcessView *self,
                               ShmvizModel       *model)
{
  g_return_if_fail (SHMVIZ_IS_PROCESS_VIEW (self));

  if (self->model == model)
    return;
  g_clear_pointer (&self->model, shmviz_model_unref);
  if (model)
    self->model = shmviz_model_ref (model);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_MODEL]);
}

ShmvizModel *
shmviz_process_view_get_model (ShmvizProcessView *self)
{
  g_return_val_if_fail (SHMVIZ_IS_PROCESS_VIEW (self), NULL);
  return self->model;
}

void
shmviz_process_view_set_snapshot (ShmvizProcessView    *self,
                                  const ShmvizSnapshot *snapshot)
{
  g_return_if_fail (SHMVIZ_IS_PROCESS_VIEW (self));

  if (snapshot == NULL)
    {
      if (self->have_snapshot)
        {
          self->have_snapshot = FALSE;
          self->n_procs = 0;
          self->geo_width = -1;
          invalidate (self);
        }
      return;
    }
  if (self->have_snapshot && snapshot->generation == self->generation && snapshot->n_procs == self->n_procs)
    return;

  if (snapshot->n_procs != self->n_procs)
    {
      self->procs = g_renew (ShmvizProcView, self->procs, snapshot->n_procs);
      self->geo_width = -1;
      if (self->focused >= (int) snapshot->n_procs)
        self->focused = -1;
      self->hover = -1;
    }
  self->n_procs = snapshot->n_procs;
  if (self->n_procs > 0)
    memcpy (self->procs, snapshot->procs, sizeof (ShmvizProcView) * self->n_procs);
  self->n_producers = MIN (snapshot->scenario.n_producers, snapshot->n_procs);
  memcpy (self->sem_value, snapshot->sem_value, sizeof self->sem_value);
  self->mutex_owner = snapshot->mutex_owner;
  self->deadlock = snapshot->deadlock;
  self->generation = snapshot->generation;
  self->have_snapshot = TRUE;
  _shmviz_process_view_update_accessible (self);
  invalidate (self);
}

void
shmviz_process_view_set_zoom (ShmvizProcessView *self,
                              double             zoom)
{
  g_return_if_fail (SHMVIZ_IS_PROCESS_VIEW (self));

  zoom = CLAMP (zoom, 1.0, 3.0);
  if (zoom == self->zoom)
    return;
  self->zoom = zoom;
  self->geo_width = -1;
  invalidate (self);
  gtk_widget_queue_resize (GTK_WIDGET (self));
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_ZOOM]);
}

double
shmviz_process_view_get_zoom (ShmvizProcessView *self)
{
  g_return_val_if_fail (SHMVIZ_IS_PROCESS_VIEW (self), 1.0);
  return self->zoom;
}

void
shmviz_process_view_set_palette (ShmvizProcessView *self,
                                 const char        *palette)
{
  const char *canon;

  g_return_if_fail (SHMVIZ_IS_PROCESS_VIEW (self));

  canon = shmviz_palette_canonical (palette);
  if (g_strcmp0 (canon, self->palette) == 0)
    return;
  g_free (self->palette);
  self->palette = g_strdup (canon);
  _shmviz_process_view_flush_card_pictures (self);
  invalidate (self);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_PALETTE]);
}

const char *
shmviz_process_view_get_palette (ShmvizProcessView *self)
{
  g_return_val_if_fail (SHMVIZ_IS_PROCESS_VIEW (self), NULL);
  return self->palette;
}

void
shmviz_process_view_set_highlight (ShmvizProcessView *self,
                                   const guint16     *procs,
                                   guint              n)
{
  g_return_if_fail (SHMVIZ_IS_PROCESS_VIEW (self));
  g_return_if_fail (procs != NULL || n == 0);

  g_array_set_size (self->highlight, 0);
  if (n > 0)
    g_array_append_vals (self->highlight, procs, n);
  invalidate (self);
}

/* Input ------------------------------------------------------------------ */

static void
motion_cb (GtkEventControllerMotion *motion,
           double                    x,
           double                    y,
           ShmvizProcessView        *self)
{
  int card = self->have_snapshot ? _shmviz_process_view_card_at (self, x, y) : -1;

  if (card != self->hover)
    {
      self->hover = card;
      gtk_widget_queue_draw (GTK_WIDGET (self));
    }
}

static void
leave_cb (GtkEventControllerMotion *motion,
          ShmvizProcessView        *self)
{
  if (self->hover != -1)
    {
      self->hover = -1;
      gtk_widget_queue_draw (GTK_WIDGET (self));
    }
}

static void
set_focused (ShmvizProcessView *self,
             int                proc)
{
  if (proc == self->focused)
    return;
  self->focused = proc;
  _shmviz_process_view_update_accessible (self);
  gtk_widget_trigger_tooltip_query (GTK_WIDGET (self));
  gtk_widget_queue_draw (GTK_WIDGET (self));
}

static void
pressed_cb (GtkGestureClick   *gesture,
            int                n_press,
            double             x,
            double             y,
            ShmvizProcessView *self)
{
  int card = self->have_snapshot ? _shmviz_process_view_card_at (self, x, y) : -1;

  gtk_widget_grab_focus (GTK_WIDGET (self));
  if (card < 0)
    return;
  set_focused (self, card);
  g_signal_emit (self, signals[PROCESS_ACTIVATED], 0, (guint) card);
}

/* Right-click on a card: its fault menu (ui/shmviz-fault-menu.c). */
static void
secondary_pressed_cb (GtkGestureClick   *gesture,
                      int                n_press,
                      double             x,
                      double             y,
                      ShmvizProcessView *self)
{
  int card = self->have_snapshot ? _shmviz_process_view_card_at (self, x, y) : -1;

  if (card < 0)
    return;
  gtk_widget_grab_focus (GTK_WIDGET (self));
  set_focused (self, card);
  gtk_gesture_set_state (GTK_GESTURE (gesture), GTK_EVENT_SEQUENCE_CLAIMED);
  g_signal_emit (self, signals[PROCESS_MENU], 0, (guint) card, x, y);
}

static gboolean
key_pressed_cb (GtkEventControllerKey *key,
                guint                  keyval,
                guint                  keycode,
                GdkModifierType        state,
                ShmvizProcessView     *self)
{
  int n = self->n_procs, f = self->focused;

  if (n == 0)
    return FALSE;
  switch (keyval)
    {
    case GDK_KEY_Left:
    case GDK_KEY_Up:
      set_focused (self, f <= 0 ? n - 1 : f - 1);
      return TRUE;
    case GDK_KEY_Right:
    case GDK_KEY_Down:
      set_focused (self, f < 0 || f >= n - 1 ? 0 : f + 1);
      return TRUE;
    case GDK_KEY_Home:
      set_focused (self, 0);
      return TRUE;
    case GDK_KEY_End:
      set_focused (self, n - 1);
      return TRUE;
    case GDK_KEY_Return:
    case GDK_KEY_KP_Enter:
    case GDK_KEY_space:
      if (f < 0)
        return FALSE;
      g_signal_emit (self, signals[PROCESS_ACTIVATED], 0, (guint) f);
      return TRUE;
    case GDK_KEY_F10:
      if ((state & GDK_SHIFT_MASK) == 0)
        return FALSE;
      G_GNUC_FALLTHROUGH;
    case GDK_KEY_Menu:
      if (f < 0 || f >= n || self->cards == NULL)
        return FALSE;
      /* Below the middle of the focused card, as a right-click there. */
      g_signal_emit (self, signals[PROCESS_MENU], 0, (guint) f,
                     (double) (self->cards[f].origin.x + self->cards[f].size.width / 2),
                     (double) (self->cards[f].origin.y + self->cards[f].size.height / 2));
      return TRUE;
    default:
      return FALSE;
    }
}

static void
focus_changed_cb (GtkEventControllerFocus *focus,
                  ShmvizProcessView       *self)
{
  if (self->focused < 0 && self->n_procs > 0 && gtk_widget_has_focus (GTK_WIDGET (self)))
    set_focused (self, 0);
  gtk_widget_queue_draw (GTK_WIDGET (self));
}

static gboolean
shmviz_process_view_query_tooltip (GtkWidget  *widget,
                                   int         x,
                                   int         y,
                                   gboolean    keyboard,
                                   GtkTooltip *tooltip)
{
  ShmvizProcessView *self = SHMVIZ_PROCESS_VIEW (widget);
  g_autofree char *text = NULL;
  int card;

  if (!self->have_snapshot)
    return FALSE;
  card = keyboard ? self->focused : _shmviz_process_view_card_at (self, x, y);
  if (card < 0)
    return FALSE;
  text = shmviz_process_view_describe_process (self, card);
  gtk_tooltip_set_text (tooltip, text);
  return TRUE;
}

/* GObject ---------------------------------------------------------------- */

static void
shmviz_process_view_measure (GtkWidget      *widget,
                             GtkOrientation  orientation,
                             int             for_size,
                             int            *minimum,
                             int            *natural,
                             int            *minimum_baseline,
                             int            *natural_baseline)
{
  ShmvizProcessView *self = SHMVIZ_PROCESS_VIEW (widget);

  if (orientation == GTK_ORIENTATION_HORIZONTAL)
    {
      *minimum = (int) _shmviz_process_view_z (self, 360);
      *natural = (int) _shmviz_process_view_z (self, 860);
      return;
    }
  /* A projector is no taller at 300 %: a floor that grew with the zoom
   * pushed the totals off a 1080-line screen.  The cards and panels
   * shrink to the height they get (see the geometry), and at √zoom
   * times the 100 % floor their text still draws larger than at the
   * 100 % floor, so the floor grows only that much. */
  *minimum = (int) (220 * sqrt (self->zoom));
  *natural = (int) _shmviz_process_view_z (self, 380);
}


static void
shmviz_process_view_system_setting_changed (GtkWidget        *widget,
                                            GtkSystemSetting  setting)
{
  ShmvizProcessView *self = SHMVIZ_PROCESS_VIEW (widget);

  GTK_WIDGET_CLASS (shmviz_process_view_parent_class)->system_setting_changed (widget, setting);
  /* Fonts, their size or rendering: every text laid out and drawn again. */
  shmviz_text_cache_clear (self->text);
  _shmviz_process_view_flush_card_pictures (self);
  self->geo_width = -1;
  invalidate (self);
}

/* The cards' pictures are drawn again at the new scale on the next frame
 * (see the snapshot); this makes sure there is one. */
static void
scale_factor_changed_cb (ShmvizProcessView *self)
{
  invalidate (self);
}

static void
shmviz_process_view_finalize (GObject *object)
{
  ShmvizProcessView *self = SHMVIZ_PROCESS_VIEW (object);

  g_clear_pointer (&self->model, shmviz_model_unref);
  g_clear_pointer (&self->node, gsk_render_node_unref);
  _shmviz_process_view_drop_cards (self);
  g_free (self->card_nodes);
  g_free (self->card_keys);
  g_clear_pointer (&self->highlight, g_array_unref);
  g_clear_pointer (&self->card_pictures, g_hash_table_unref);
  g_clear_pointer (&self->text, shmviz_text_cache_free);
  g_free (self->procs);
  g_free (self->cards);
  g_free (self->palette);
  g_free (self->description);

  G_OBJECT_CLASS (shmviz_process_view_parent_class)->finalize (object);
}

static void
shmviz_process_view_get_property (GObject    *object,
                                  guint       prop_id,
                                  GValue     *value,
                                  GParamSpec *pspec)
{
  ShmvizProcessView *self = SHMVIZ_PROCESS_VIEW (object);

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
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
shmviz_process_view_set_property (GObject      *object,
                                  guint         prop_id,
                                  const GValue *value,
                                  GParamSpec   *pspec)
{
  ShmvizProcessView *self = SHMVIZ_PROCESS_VIEW (object);

  switch (prop_id)
    {
    case PROP_MODEL:
      shmviz_process_view_set_model (self, g_value_get_boxed (value));
      break;
    case PROP_ZOOM:
      shmviz_process_view_set_zoom (self, g_value_get_double (value));
      break;
    case PROP_PALETTE:
      shmviz_process_view_set_palette (self, g_value_get_string (value));
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
shmviz_process_view_class_init (ShmvizProcessViewClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->finalize = shmviz_process_view_finalize;
  object_class->get_property = shmviz_process_view_get_property;
  object_class->set_property = shmviz_process_view_set_property;

  widget_class->snapshot = shmviz_process_view_snapshot;
  widget_class->measure = shmviz_process_view_measure;
  widget_class->query_tooltip = shmviz_process_view_query_tooltip;
  widget_class->system_setting_changed = shmviz_process_view_system_setting_changed;

  properties[PROP_MODEL] =
    g_param_spec_boxed ("model", NULL, NULL, SHMVIZ_TYPE_MODEL,
                        G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_ZOOM] =
    g_param_spec_double ("zoom", NULL, NULL, 1.0, 3.0, 1.0,
                         G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_PALETTE] =
    g_param_spec_string ("palette", NULL, NULL, "default",
                         G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  /**
   * ShmvizProcessView::process-activated:
   * @proc: the process (model index) clicked, or chosen with Enter
   */
  signals[PROCESS_ACTIVATED] =
    g_signal_new ("process-activated", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0, NULL, NULL, NULL,
                  G_TYPE_NONE, 1, G_TYPE_UINT);

  /**
   * ShmvizProcessView::process-menu:
   * @proc: the process (model index) right-clicked, or focused when Menu
   *   or Shift+F10 was pressed
   * @x: where to point the menu, in the view's coordinates
   * @y: likewise
   */
  signals[PROCESS_MENU] =
    g_signal_new ("process-menu", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0, NULL, NULL, NULL,
                  G_TYPE_NONE, 3, G_TYPE_UINT, G_TYPE_DOUBLE, G_TYPE_DOUBLE);

  gtk_widget_class_set_css_name (widget_class, "shmvizprocessview");
  gtk_widget_class_set_accessible_role (widget_class, GTK_ACCESSIBLE_ROLE_GROUP);
}

static void
shmviz_process_view_init (ShmvizProcessView *self)
{
  GtkEventController *controller;
  GtkGesture *click;

  self->palette = g_strdup ("default");
  self->zoom = 1.0;
  self->focused = -1;
  self->hover = -1;
  self->geo_width = -1;
  self->mutex_owner = SHMVIZ_NO_PROC;
  self->highlight = g_array_new (FALSE, FALSE, sizeof (guint16));
  self->text = shmviz_text_cache_new (GTK_WIDGET (self), 512);
  self->card_pictures = g_hash_table_new_full (_shmviz_process_view_card_look_hash,
                                               _shmviz_process_view_card_look_equal,
                                               _shmviz_process_view_card_picture_free, NULL);
  self->picture_scale = 1;

  gtk_widget_set_focusable (GTK_WIDGET (self), TRUE);
  gtk_widget_set_has_tooltip (GTK_WIDGET (self), TRUE);
  g_signal_connect (self, "notify::scale-factor", G_CALLBACK (scale_factor_changed_cb), NULL);

  controller = gtk_event_controller_motion_new ();
  g_signal_connect (controller, "motion", G_CALLBACK (motion_cb), self);
  g_signal_connect (controller, "leave", G_CALLBACK (leave_cb), self);
  gtk_widget_add_controller (GTK_WIDGET (self), controller);

  click = gtk_gesture_click_new ();
  g_signal_connect (click, "pressed", G_CALLBACK (pressed_cb), self);
  gtk_widget_add_controller (GTK_WIDGET (self), GTK_EVENT_CONTROLLER (click));

  click = gtk_gesture_click_new ();
  gtk_gesture_single_set_button (GTK_GESTURE_SINGLE (click), GDK_BUTTON_SECONDARY);
  g_signal_connect (click, "pressed", G_CALLBACK (secondary_pressed_cb), self);
  gtk_widget_add_controller (GTK_WIDGET (self), GTK_EVENT_CONTROLLER (click));

  controller = gtk_event_controller_key_new ();
  g_signal_connect (controller, "key-pressed", G_CALLBACK (key_pressed_cb), self);
  gtk_widget_add_controller (GTK_WIDGET (self), controller);

  controller = gtk_event_controller_focus_new ();
  g_signal_connect (controller, "enter", G_CALLBACK (focus_changed_cb), self);
  g_signal_connect (controller, "leave", G_CALLBACK (focus_changed_cb), self);
  gtk_widget_add_controller (GTK_WIDGET (self), controller);

  gtk_accessible_update_property (GTK_ACCESSIBLE (self),
                                  GTK_ACCESSIBLE_PROPERTY_LABEL, _("Processes and locks"),
                                  -1);
}
