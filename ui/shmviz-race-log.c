/* shmviz-race-log.c — every anomaly, newest last, in plain language
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <glib/gi18n.h>

#include "shmviz-race-log.h"
#include "shmviz-wrap-label.h"

struct _ShmvizRaceLog
{
  GtkWidget           parent_instance;

  GtkWidget          *box;
  GtkStack           *stack;
  GtkScrolledWindow  *scroller;
  GtkListView        *list_view;
  GtkLabel           *status_label;
  GtkToggleButton    *follow_button;

  GListStore         *store;
  GtkSingleSelection *selection;
  guint64             n_total;
  guint64             n_dropped;
  /* Rows appended since the last tick: they join the store there, after
   * the scroll to the end of the rows as last laid out. */
  GPtrArray          *pending;
  guint               rows_tick;
  /* The frame clock's layout phase tells when the list has laid out what
   * the store holds: only then may the log scroll it. */
  GdkFrameClock      *clock;
  gulong              layout_handler;
  guint               rows_changed : 1;
  guint               follow : 1;
};

G_DEFINE_FINAL_TYPE (ShmvizRaceLog, shmviz_race_log, GTK_TYPE_WIDGET)

enum {
  PROP_0,
  PROP_FOLLOW,
  PROP_MODEL,
  N_PROPS
};

enum {
  ANOMALY_SELECTED,
  N_SIGNALS
};

static GParamSpec *properties[N_PROPS];
static guint signals[N_SIGNALS];

static const struct {
  const char *css;
  const char *tag;
} kind_info[SHMVIZ_N_ANOMALY_KINDS] = {
  [SHMVIZ_ANOMALY_LOST]        = { "lost",        N_("LOST") },
  [SHMVIZ_ANOMALY_DUPLICATE]   = { "duplicate",   N_("DUPLICATE") },
  [SHMVIZ_ANOMALY_EMPTY_READ]  = { "empty-read",  N_("EMPTY READ") },
  [SHMVIZ_ANOMALY_CORRUPT]     = { "corrupt",     N_("TORN") },
  [SHMVIZ_ANOMALY_INDEX_DRIFT] = { "index-drift", N_("INDEX DRIFT") },
  [SHMVIZ_ANOMALY_DEADLOCK]    = { "deadlock",    N_("DEADLOCK") },
};

static void
setup_row (GtkSignalListItemFactory *factory,
           GtkListItem              *item,
           gpointer                  user_data)
{
  GtkWidget *row = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 12);
  GtkWidget *tag = gtk_label_new (NULL);
  GtkWidget *time = gtk_label_new (NULL);
  GtkWidget *text = shmviz_wrap_label_new ();

  gtk_widget_add_css_class (row, "race-row");

  gtk_widget_add_css_class (tag, "kind-tag");
  gtk_widget_set_valign (tag, GTK_ALIGN_START);
  gtk_label_set_width_chars (GTK_LABEL (tag), 11);

  gtk_widget_add_css_class (time, "dim-label");
  gtk_widget_add_css_class (time, "numeric");
  gtk_widget_set_valign (time, GTK_ALIGN_START);
  gtk_label_set_xalign (GTK_LABEL (time), 1.0);
  gtk_label_set_width_chars (GTK_LABEL (time), 10);

  gtk_widget_add_css_class (text, "race-text");
  gtk_widget_set_hexpand (text, TRUE);

  gtk_box_append (GTK_BOX (row), tag);
  gtk_box_append (GTK_BOX (row), time);
  gtk_box_append (GTK_BOX (row), text);
  gtk_list_item_set_child (item, row);
}

static void
bind_row (GtkSignalListItemFactory *factory,
          GtkListItem              *item,
          gpointer                  user_data)
{
  ShmvizAnomalyObject *obj = gtk_list_item_get_item (item);
  GtkWidget *row = gtk_list_item_get_child (item);
  GtkWidget *tag = gtk_widget_get_first_child (row);
  GtkWidget *time = gtk_widget_get_next_sibling (tag);
  GtkWidget *text = gtk_widget_get_next_sibling (time);
  ShmvizAnomalyKind kind = shmviz_anomaly_object_get_kind (obj);
  const char *old_css = g_object_get_data (G_OBJECT (tag), "kind-css");
  const char *css = kind < SHMVIZ_N_ANOMALY_KINDS ? kind_info[kind].css : "unknown";
  g_autofree char *spoken = NULL;

  if (old_css != NULL)
    gtk_widget_remove_css_class (tag, old_css);
  gtk_widget_add_css_class (tag, css);
  g_object_set_data (G_OBJECT (tag), "kind-css", (gpointer)css);

  gtk_label_set_label (GTK_LABEL (tag),
                       kind < SHMVIZ_N_ANOMALY_KINDS ? _(kind_info[kind].tag) : "?");
  gtk_label_set_label (GTK_LABEL (time), shmviz_anomaly_object_get_time_label (obj));
  shmviz_wrap_label_set_label (SHMVIZ_WRAP_LABEL (text), shmviz_anomaly_object_get_description (obj));

  spoken = g_strdup_printf ("%s, %s: %s",
                            gtk_label_get_label (GTK_LABEL (tag)),
                            shmviz_anomaly_object_get_time_label (obj),
                            shmviz_anomaly_object_get_description (obj));
  gtk_accessible_update_property (GTK_ACCESSIBLE (row),
                                  GTK_ACCESSIBLE_PROPERTY_LABEL, spoken,
                                  -1);
}

static void
update_status (ShmvizRaceLog *self)
{
  g_autofree char *text = NULL;
  guint n_rows = g_list_model_get_n_items (G_LIST_MODEL (self->store));

  if (self->n_total >= SHMVIZ_LEDGER_MAX_ANOMALIES)
    {
      g_autofree char *total = g_strdup_printf ("%'" G_GUINT64_FORMAT, self->n_total);
      g_autofree char *rows = g_strdup_printf ("%'u", n_rows);

      /* The ledger lists no more than this: later races are only counted.
       * TRANSLATORS: "The first 100,000 anomalies are listed, the newest
       * 10,000 of them shown; later ones are counted in the totals only" */
      text = g_strdup_printf (_("The first %s anomalies are listed, the newest %s of them shown; "
                                "later ones are counted in the totals only"),
                              total, rows);
    }
  else if (self->n_dropped > 0)
    {
      g_autofree char *total = g_strdup_printf ("%'" G_GUINT64_FORMAT, self->n_total);
      g_autofree char *rows = g_strdup_printf ("%'u", n_rows);

      /* TRANSLATORS: "12,345 anomalies; older entries dropped, showing the newest 10,000" */
      text = g_strdup_printf (_("%s anomalies; older entries dropped, showing the newest %s"),
                              total, rows);
    }
  else
    {
      text = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "%u anomaly", "%u anomalies", n_rows),
                              n_rows);
    }

  gtk_label_set_label (self->status_label, text);
  gtk_stack_set_visible_child_name (self->stack, n_rows > 0 ? "list" : "empty");
}

static void
drop_excess_rows (ShmvizRaceLog *self)
{
  guint n_rows = g_list_model_get_n_items (G_LIST_MODEL (self->store));

  if (n_rows > SHMVIZ_RACE_LOG_MAX_ROWS)
    {
      guint excess = n_rows - SHMVIZ_RACE_LOG_MAX_ROWS;

      g_list_store_splice (self->store, 0, excess, NULL, 0);
      self->n_dropped += excess;
    }
}

static void
take_pending_rows (ShmvizRaceLog *self)
{
  guint n_rows = g_list_model_get_n_items (G_LIST_MODEL (self->store));

  g_list_store_splice (self->store, n_rows, 0, self->pending->pdata, self->pending->len);
  g_ptr_array_set_size (self->pending, 0);
  drop_excess_rows (self);
  self->rows_changed = TRUE;
  update_status (self);
}

static void
scroll_to_end (ShmvizRaceLog *self)
{
  GtkAdjustment *adj = gtk_scrolled_window_get_vadjustment (self->scroller);

  gtk_adjustment_set_value (adj, gtk_adjustment_get_upper (adj) - gtk_adjustment_get_page_size (adj));
}

static void queue_rows_tick (ShmvizRaceLog *self);

/* GTK 4.8's list view looks a new scroll position up among its rows as it
 * last laid them out, and warns ("failed to scroll to given position")
 * when rows were dropped since.  So the log scrolls only while the list's
 * layout is current, at the start of a frame, and takes in the rows that
 * arrived after that: following shows the newest rows one frame late,
 * never a warning. */
static gboolean
rows_tick (GtkWidget     *widget,
           GdkFrameClock *clock,
           gpointer       user_data)
{
  ShmvizRaceLog *self = user_data;
  gboolean following = self->follow && gtk_widget_get_mapped (GTK_WIDGET (self->list_view));

  self->rows_tick = 0;

  /* With the layout behind, after_layout() comes back here once it has
   * caught up, as it does after the rows taken below. */
  if (following && !self->rows_changed && g_list_model_get_n_items (G_LIST_MODEL (self->store)) > 0)
    scroll_to_end (self);

  if (self->pending->len > 0)
    take_pending_rows (self);

  return G_SOURCE_REMOVE;
}

static void
after_layout (ShmvizRaceLog *self)
{
  if (!gtk_widget_get_mapped (GTK_WIDGET (self->list_view)) || !self->rows_changed)
    return;

  self->rows_changed = FALSE;
  if (self->follow)
    queue_rows_tick (self);
}

static void
queue_rows_tick (ShmvizRaceLog *self)
{
  if (self->rows_tick == 0)
    self->rows_tick = gtk_widget_add_tick_callback (GTK_WIDGET (self->list_view), rows_tick, self, NULL);
}

static void
adjustment_value_changed (GtkAdjustment *adj,
                          ShmvizRaceLog *self)
{
  double bottom;

  /* Only ever turns following back on (the user scrolled to the end);
   * turning it off is left to explicit gestures, because the list's own
   * re-anchoring while rows arrive moves the value too. */
  if (self->rows_tick != 0 || self->follow)
    return;

  bottom = gtk_adjustment_get_upper (adj) - gtk_adjustment_get_page_size (adj);
  if (gtk_adjustment_get_value (adj) >= bottom - 4.0 && gtk_adjustment_get_upper (adj) > 0)
    shmviz_race_log_set_follow (self, TRUE);
}

static gboolean
user_scrolled (GtkEventControllerScroll *controller,
               double                    dx,
               double                    dy,
               ShmvizRaceLog            *self)
{
  if (dy < 0)
    shmviz_race_log_set_follow (self, FALSE);

  return FALSE;
}

static void
user_pressed (GtkGestureClick *gesture,
              int              n_press,
              double           x,
              double           y,
              ShmvizRaceLog   *self)
{
  GtkWidget *target = gtk_widget_pick (GTK_WIDGET (self->scroller), x, y, GTK_PICK_DEFAULT);

  if (target != NULL &&
      (GTK_IS_SCROLLBAR (target) || gtk_widget_get_ancestor (target, GTK_TYPE_SCROLLBAR) != NULL))
    shmviz_race_log_set_follow (self, FALSE);
}

static void
adjustment_changed (GtkAdjustment *adj,
                    ShmvizRaceLog *self)
{
  if (self->follow)
    queue_rows_tick (self);
}

static void
selection_changed (ShmvizRaceLog *self)
{
  /* A row being read must not be pushed away by newer ones. */
  if (shmviz_race_log_get_selected (self) != NULL)
    shmviz_race_log_set_follow (self, FALSE);

  g_signal_emit (self, signals[ANOMALY_SELECTED], 0, shmviz_race_log_get_selected (self));
}

static void
shmviz_race_log_dispose (GObject *object)
{
  ShmvizRaceLog *self = (ShmvizRaceLog *)object;

  if (self->rows_tick != 0 && self->list_view != NULL)
    gtk_widget_remove_tick_callback (GTK_WIDGET (self->list_view), self->rows_tick);
  self->rows_tick = 0;
  g_clear_pointer (&self->pending, g_ptr_array_unref);

  gtk_widget_dispose_template (GTK_WIDGET (self), SHMVIZ_TYPE_RACE_LOG);
  g_clear_object (&self->selection);
  g_clear_object (&self->store);

  G_OBJECT_CLASS (shmviz_race_log_parent_class)->dispose (object);
}

static void
shmviz_race_log_realize (GtkWidget *widget)
{
  ShmvizRaceLog *self = SHMVIZ_RACE_LOG (widget);

  GTK_WIDGET_CLASS (shmviz_race_log_parent_class)->realize (widget);

  self->clock = g_object_ref (gtk_widget_get_frame_clock (widget));
  /* After the surface's own handler, which lays the window out. */
  self->layout_handler = g_signal_connect_data (self->clock, "layout", G_CALLBACK (after_layout), self,
                                                NULL, G_CONNECT_AFTER | G_CONNECT_SWAPPED);
  self->rows_changed = TRUE;
}

static void
shmviz_race_log_unrealize (GtkWidget *widget)
{
  ShmvizRaceLog *self = SHMVIZ_RACE_LOG (widget);

  g_clear_signal_handler (&self->layout_handler, self->clock);
  g_clear_object (&self->clock);

  GTK_WIDGET_CLASS (shmviz_race_log_parent_class)->unrealize (widget);
}

static void
shmviz_race_log_get_property (GObject    *object,
                              guint       prop_id,
                              GValue     *value,
                              GParamSpec *pspec)
{
  ShmvizRaceLog *self = SHMVIZ_RACE_LOG (object);

  switch (prop_id)
    {
    case PROP_FOLLOW:
      g_value_set_boolean (value, self->follow);
      break;

    case PROP_MODEL:
      g_value_set_object (value, self->store);
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
shmviz_race_log_set_property (GObject      *object,
                              guint         prop_id,
                              const GValue *value,
                              GParamSpec   *pspec)
{
  ShmvizRaceLog *self = SHMVIZ_RACE_LOG (object);

  switch (prop_id)
    {
    case PROP_FOLLOW:
      shmviz_race_log_set_follow (self, g_value_get_boolean (value));
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
shmviz_race_log_class_init (ShmvizRaceLogClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = shmviz_race_log_dispose;
  object_class->get_property = shmviz_race_log_get_property;
  object_class->set_property = shmviz_race_log_set_property;

  widget_class->realize = shmviz_race_log_realize;
  widget_class->unrealize = shmviz_race_log_unrealize;

  properties[PROP_FOLLOW] =
    g_param_spec_boolean ("follow", NULL, NULL, TRUE,
                          (G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS));
  properties[PROP_MODEL] =
    g_param_spec_object ("model", NULL, NULL, G_TYPE_LIST_MODEL,
                         (G_PARAM_READABLE | G_PARAM_STATIC_STRINGS));
  g_object_class_install_properties (object_class, N_PROPS, properties);

  /**
   * ShmvizRaceLog::anomaly-selected:
   * @anomaly: (nullable): the selected row, or %NULL when none is
   */
  signals[ANOMALY_SELECTED] =
    g_signal_new ("anomaly-selected",
                  G_TYPE_FROM_CLASS (klass),
                  G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL,
                  G_TYPE_NONE, 1, SHMVIZ_TYPE_ANOMALY_OBJECT);

  gtk_widget_class_set_template_from_resource (widget_class, "/io/github/shmviz/Shmviz/ui/shmviz-race-log.ui");
  gtk_widget_class_bind_template_child (widget_class, ShmvizRaceLog, box);
  gtk_widget_class_bind_template_child (widget_class, ShmvizRaceLog, stack);
  gtk_widget_class_bind_template_child (widget_class, ShmvizRaceLog, scroller);
  gtk_widget_class_bind_template_child (widget_class, ShmvizRaceLog, list_view);
  gtk_widget_class_bind_template_child (widget_class, ShmvizRaceLog, status_label);
  gtk_widget_class_bind_template_child (widget_class, ShmvizRaceLog, follow_button);
  gtk_widget_class_set_layout_manager_type (widget_class, GTK_TYPE_BIN_LAYOUT);
  gtk_widget_class_set_css_name (widget_class, "racelog");
}

static void
shmviz_race_log_init (ShmvizRaceLog *self)
{
  g_autoptr(GtkListItemFactory) factory = NULL;
  GtkEventController *scroll;
  GtkGesture *click;
  GtkAdjustment *adj;

  gtk_widget_init_template (GTK_WIDGET (self));

  self->follow = TRUE;
  self->store = g_list_store_new (SHMVIZ_TYPE_ANOMALY_OBJECT);
  self->pending = g_ptr_array_new_with_free_func (g_object_unref);
  self->selection = gtk_single_selection_new (g_object_ref (G_LIST_MODEL (self->store)));
  gtk_single_selection_set_autoselect (self->selection, FALSE);
  gtk_single_selection_set_can_unselect (self->selection, TRUE);
  gtk_single_selection_set_selected (self->selection, GTK_INVALID_LIST_POSITION);
  g_signal_connect_object (self->selection, "notify::selected",
                           G_CALLBACK (selection_changed), self, G_CONNECT_SWAPPED);

  factory = gtk_signal_list_item_factory_new ();
  g_signal_connect (factory, "setup", G_CALLBACK (setup_row), NULL);
  g_signal_connect (factory, "bind", G_CALLBACK (bind_row), NULL);
  gtk_list_view_set_factory (self->list_view, factory);
  gtk_list_view_set_model (self->list_view, GTK_SELECTION_MODEL (self->selection));

  adj = gtk_scrolled_window_get_vadjustment (self->scroller);
  g_signal_connect_object (adj, "value-changed", G_CALLBACK (adjustment_value_changed), self, 0);
  g_signal_connect_object (adj, "changed", G_CALLBACK (adjustment_changed), self, 0);

  scroll = gtk_event_controller_scroll_new (GTK_EVENT_CONTROLLER_SCROLL_VERTICAL);
  gtk_event_controller_set_propagation_phase (scroll, GTK_PHASE_CAPTURE);
  g_signal_connect_object (scroll, "scroll", G_CALLBACK (user_scrolled), self, 0);
  gtk_widget_add_controller (GTK_WIDGET (self->scroller), scroll);

  click = gtk_gesture_click_new ();
  gtk_event_controller_set_propagation_phase (GTK_EVENT_CONTROLLER (click), GTK_PHASE_CAPTURE);
  g_signal_connect_object (click, "pressed", G_CALLBACK (user_pressed), self, 0);
  gtk_widget_add_controller (GTK_WIDGET (self->scroller), GTK_EVENT_CONTROLLER (click));

  g_object_bind_property (self, "follow", self->follow_button, "active",
                          G_BINDING_BIDIRECTIONAL | G_BINDING_SYNC_CREATE);

  update_status (self);
}

GtkWidget *
shmviz_race_log_new (void)
{
  return g_object_new (SHMVIZ_TYPE_RACE_LOG, NULL);
}

void
shmviz_race_log_clear (ShmvizRaceLog *self)
{
  g_return_if_fail (SHMVIZ_IS_RACE_LOG (self));

  /* Detached while emptied: GTK 4.8's list view otherwise tries to keep
   * its anchor on rows that no longer exist ("failed to scroll"). */
  gtk_list_view_set_model (self->list_view, NULL);
  g_ptr_array_set_size (self->pending, 0);
  g_list_store_remove_all (self->store);
  self->rows_changed = TRUE;
  gtk_list_view_set_model (self->list_view, GTK_SELECTION_MODEL (self->selection));
  self->n_total = 0;
  self->n_dropped = 0;
  shmviz_race_log_set_follow (self, TRUE);
  update_status (self);
}

void
shmviz_race_log_append (ShmvizRaceLog       *self,
                        const ShmvizAnomaly *anomalies,
                        guint                n_anomalies,
                        guint                n_producers,
                        guint64              start_ns)
{
  guint skip = 0;

  g_return_if_fail (SHMVIZ_IS_RACE_LOG (self));
  g_return_if_fail (anomalies != NULL || n_anomalies == 0);

  if (n_anomalies == 0)
    return;

  self->n_total += n_anomalies;

  /* A burst bigger than the cap only ever shows its newest part, so the
   * rest is never turned into objects at all. */
  if (n_anomalies > SHMVIZ_RACE_LOG_MAX_ROWS)
    skip = n_anomalies - SHMVIZ_RACE_LOG_MAX_ROWS;

  for (guint i = skip; i < n_anomalies; i++)
    g_ptr_array_add (self->pending, shmviz_anomaly_object_new (&anomalies[i], n_producers, start_ns));
  self->n_dropped += skip;

  if (self->pending->len > SHMVIZ_RACE_LOG_MAX_ROWS)
    {
      guint excess = self->pending->len - SHMVIZ_RACE_LOG_MAX_ROWS;

      g_ptr_array_remove_range (self->pending, 0, excess);
      self->n_dropped += excess;
    }

  /* Shown, the rows wait for the next frame (see rows_tick()); hidden, the
   * list is not laid out and nothing scrolls, so they go in at once. */
  if (!gtk_widget_get_mapped (GTK_WIDGET (self->list_view)))
    take_pending_rows (self);
  queue_rows_tick (self);
}

const char *
shmviz_race_log_get_status (ShmvizRaceLog *self)
{
  g_return_val_if_fail (SHMVIZ_IS_RACE_LOG (self), NULL);

  return gtk_label_get_label (self->status_label);
}

GListModel *
shmviz_race_log_get_model (ShmvizRaceLog *self)
{
  g_return_val_if_fail (SHMVIZ_IS_RACE_LOG (self), NULL);

  return G_LIST_MODEL (self->store);
}

guint64
shmviz_race_log_get_n_total (ShmvizRaceLog *self)
{
  g_return_val_if_fail (SHMVIZ_IS_RACE_LOG (self), 0);

  return self->n_total;
}

ShmvizAnomalyObject *
shmviz_race_log_get_selected (ShmvizRaceLog *self)
{
  g_return_val_if_fail (SHMVIZ_IS_RACE_LOG (self), NULL);

  return gtk_single_selection_get_selected_item (self->selection);
}

void
shmviz_race_log_set_follow (ShmvizRaceLog *self,
                            gboolean       follow)
{
  g_return_if_fail (SHMVIZ_IS_RACE_LOG (self));

  follow = !!follow;
  if (self->follow == follow)
    return;

  self->follow = follow;
  if (follow)
    queue_rows_tick (self);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_FOLLOW]);
}

gboolean
shmviz_race_log_get_follow (ShmvizRaceLog *self)
{
  g_return_val_if_fail (SHMVIZ_IS_RACE_LOG (self), FALSE);

  return self->follow;
}
