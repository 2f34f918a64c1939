/* shmviz-totals-bar.c — the run's totals in numbers large enough for a projector
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <glib/gi18n.h>

#include "shmviz-totals-bar.h"

enum {
  CELL_PRODUCED,
  CELL_CONSUMED,
  CELL_IN_BUFFER,
  CELL_LOST,
  CELL_DUPLICATED,
  CELL_CORRUPT,
  CELL_EMPTY_READS,
  CELL_DROPPED,
  N_CELLS
};

static const char * const cell_names[N_CELLS] = {
  "produced", "consumed", "in-buffer", "lost",
  "duplicated", "corrupt", "empty-reads", "dropped",
};

/* Template ids, in the order above. */
static const char * const cell_ids[N_CELLS] = {
  "produced_cell", "consumed_cell", "in_buffer_cell", "lost_cell",
  "duplicated_cell", "corrupt_cell", "empty_reads_cell", "dropped_cell",
};
static const char * const value_ids[N_CELLS] = {
  "produced_value", "consumed_value", "in_buffer_value", "lost_value",
  "duplicated_value", "corrupt_value", "empty_reads_value", "dropped_value",
};

/* One figure.  A GtkLabel queues a resize whenever its text changes, and
 * in GTK 4.8 any resize reaches the toplevel, whose relayout asks the X
 * server for the window's monitor and work area: five round trips that
 * make every frame wait for the server to finish the last frame's image.
 * The figures change every frame, their width almost never (tabular
 * digits), so this draws its text itself and asks for a new size only when
 * the text's size changed. */
#define SHMVIZ_TYPE_STAT_VALUE (shmviz_stat_value_get_type ())
G_DECLARE_FINAL_TYPE (ShmvizStatValue, shmviz_stat_value, SHMVIZ, STAT_VALUE, GtkWidget)

struct _ShmvizStatValue
{
  GtkWidget  parent_instance;

  char      *text;
  /* The width asked for: the widest text of the run so far, so that a
   * figure going back and forth across a digit ("998", "1,003") does not
   * relayout the window each time.  In a homogeneous box beside the
   * produced count, which is always at least as wide, it changes nothing
   * on screen. */
  int        width;
  int        height;
};

G_DEFINE_FINAL_TYPE (ShmvizStatValue, shmviz_stat_value, GTK_TYPE_WIDGET)

static void
stat_value_text_size (ShmvizStatValue *self,
                      int             *width,
                      int             *height)
{
  g_autoptr(PangoLayout) layout = gtk_widget_create_pango_layout (GTK_WIDGET (self), self->text);

  pango_layout_get_pixel_size (layout, width, height);
}

static void
shmviz_stat_value_measure (GtkWidget      *widget,
                           GtkOrientation  orientation,
                           int             for_size,
                           int            *minimum,
                           int            *natural,
                           int            *minimum_baseline,
                           int            *natural_baseline)
{
  ShmvizStatValue *self = SHMVIZ_STAT_VALUE (widget);
  int w;

  /* A layout made now, not one kept: the font follows the CSS (the
   * presentation mode enlarges it), and GTK queues the resize for that. */
  stat_value_text_size (self, &w, &self->height);
  self->width = MAX (self->width, w);
  *minimum = *natural = orientation == GTK_ORIENTATION_HORIZONTAL ? self->width : self->height;
}

static void
shmviz_stat_value_snapshot (GtkWidget   *widget,
                            GtkSnapshot *snapshot)
{
  ShmvizStatValue *self = SHMVIZ_STAT_VALUE (widget);
  g_autoptr(PangoLayout) layout = gtk_widget_create_pango_layout (widget, self->text);
  int w, h;
  GdkRGBA color;

  /* GTK 4.10's gtk_widget_get_color() is past our platform. */
  G_GNUC_BEGIN_IGNORE_DEPRECATIONS
  gtk_style_context_get_color (gtk_widget_get_style_context (widget), &color);
  G_GNUC_END_IGNORE_DEPRECATIONS
  pango_layout_get_pixel_size (layout, &w, &h);
  /* Centred, as the caption under it. */
  gtk_snapshot_save (snapshot);
  gtk_snapshot_translate (snapshot, &GRAPHENE_POINT_INIT ((gtk_widget_get_width (widget) - w) / 2,
                                                          (gtk_widget_get_height (widget) - h) / 2));
  gtk_snapshot_append_layout (snapshot, layout, &color);
  gtk_snapshot_restore (snapshot);
}

static void
shmviz_stat_value_finalize (GObject *object)
{
  ShmvizStatValue *self = SHMVIZ_STAT_VALUE (object);

  g_free (self->text);

  G_OBJECT_CLASS (shmviz_stat_value_parent_class)->finalize (object);
}

static void
shmviz_stat_value_class_init (ShmvizStatValueClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->finalize = shmviz_stat_value_finalize;
  widget_class->measure = shmviz_stat_value_measure;
  widget_class->snapshot = shmviz_stat_value_snapshot;
  /* Styled as the label it replaces ("totalsbar .stat-value"). */
  gtk_widget_class_set_css_name (widget_class, "label");
  gtk_widget_class_set_accessible_role (widget_class, GTK_ACCESSIBLE_ROLE_LABEL);
}

static void
shmviz_stat_value_set_text (ShmvizStatValue *self,
                            const char      *text)
{
  int w, h;

  if (g_strcmp0 (self->text, text) == 0)
    return;
  g_free (self->text);
  self->text = g_strdup (text);
  gtk_accessible_update_property (GTK_ACCESSIBLE (self), GTK_ACCESSIBLE_PROPERTY_LABEL, text, -1);

  stat_value_text_size (self, &w, &h);
  if (w > self->width || h != self->height)
    gtk_widget_queue_resize (GTK_WIDGET (self));
  else
    gtk_widget_queue_draw (GTK_WIDGET (self));
}

/* A new run: the width follows its figures from the start again. */
static void
shmviz_stat_value_reset_width (ShmvizStatValue *self)
{
  int w, h;

  stat_value_text_size (self, &w, &h);
  if (w < self->width)
    {
      self->width = -1;
      gtk_widget_queue_resize (GTK_WIDGET (self));
    }
}

static void
shmviz_stat_value_init (ShmvizStatValue *self)
{
  self->width = self->height = -1;
  shmviz_stat_value_set_text (self, "0");
}

struct _ShmvizTotalsBar
{
  GtkWidget  parent_instance;

  GtkWidget *box;
  GtkWidget *cells[N_CELLS];
  ShmvizStatValue *values[N_CELLS];
  /* Figures are only touched when they change. */
  guint64    shown[N_CELLS];
};

G_DEFINE_FINAL_TYPE (ShmvizTotalsBar, shmviz_totals_bar, GTK_TYPE_WIDGET)

static void
shmviz_totals_bar_dispose (GObject *object)
{
  ShmvizTotalsBar *self = (ShmvizTotalsBar *)object;

  gtk_widget_dispose_template (GTK_WIDGET (self), SHMVIZ_TYPE_TOTALS_BAR);

  G_OBJECT_CLASS (shmviz_totals_bar_parent_class)->dispose (object);
}

static void
shmviz_totals_bar_class_init (ShmvizTotalsBarClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = shmviz_totals_bar_dispose;

  g_type_ensure (SHMVIZ_TYPE_STAT_VALUE);
  gtk_widget_class_set_template_from_resource (widget_class, "/io/github/shmviz/Shmviz/ui/shmviz-totals-bar.ui");
  gtk_widget_class_bind_template_child (widget_class, ShmvizTotalsBar, box);
  for (guint i = 0; i < N_CELLS; i++)
    {
      gtk_widget_class_bind_template_child_full (widget_class, cell_ids[i], FALSE,
                                                 G_STRUCT_OFFSET (ShmvizTotalsBar, cells)
                                                 + i * sizeof (GtkWidget *));
      gtk_widget_class_bind_template_child_full (widget_class, value_ids[i], FALSE,
                                                 G_STRUCT_OFFSET (ShmvizTotalsBar, values)
                                                 + i * sizeof (ShmvizStatValue *));
    }
  gtk_widget_class_set_layout_manager_type (widget_class, GTK_TYPE_BIN_LAYOUT);
  gtk_widget_class_set_css_name (widget_class, "totalsbar");
}

static void
shmviz_totals_bar_init (ShmvizTotalsBar *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
}

GtkWidget *
shmviz_totals_bar_new (void)
{
  return g_object_new (SHMVIZ_TYPE_TOTALS_BAR, NULL);
}

static void
set_cell (ShmvizTotalsBar *self,
          guint            cell,
          guint64          value,
          gboolean         is_bad)
{
  if (value != self->shown[cell])
    {
      /* %' groups thousands the way the user's locale does. */
      g_autofree char *text = g_strdup_printf ("%'" G_GUINT64_FORMAT, value);

      shmviz_stat_value_set_text (self->values[cell], text);
      self->shown[cell] = value;
    }

  if (is_bad && value > 0)
    gtk_widget_add_css_class (self->cells[cell], "alert");
  else
    gtk_widget_remove_css_class (self->cells[cell], "alert");
}

void
shmviz_totals_bar_set_totals (ShmvizTotalsBar    *self,
                              const ShmvizTotals *totals)
{
  ShmvizTotals zero = { 0 };

  g_return_if_fail (SHMVIZ_IS_TOTALS_BAR (self));

  if (totals == NULL)
    totals = &zero;

  set_cell (self, CELL_PRODUCED, totals->produced, FALSE);
  set_cell (self, CELL_CONSUMED, totals->consumed, FALSE);
  set_cell (self, CELL_IN_BUFFER, totals->in_buffer, FALSE);
  set_cell (self, CELL_LOST, totals->lost, TRUE);
  set_cell (self, CELL_DUPLICATED, totals->duplicated, TRUE);
  set_cell (self, CELL_CORRUPT, totals->corrupt, TRUE);
  set_cell (self, CELL_EMPTY_READS, totals->empty_reads, TRUE);
  set_cell (self, CELL_DROPPED, totals->dropped_events, TRUE);

  if (totals->produced == 0)
    for (guint i = 0; i < N_CELLS; i++)
      shmviz_stat_value_reset_width (self->values[i]);
}

const char *
shmviz_totals_bar_get_text (ShmvizTotalsBar *self,
                            const char      *name)
{
  g_return_val_if_fail (SHMVIZ_IS_TOTALS_BAR (self), NULL);
  g_return_val_if_fail (name != NULL, NULL);

  for (guint i = 0; i < N_CELLS; i++)
    if (g_str_equal (name, cell_names[i]))
      return self->values[i]->text;

  return NULL;
}
