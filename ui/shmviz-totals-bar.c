/* shmviz-totals-bar.c — the run's totals in numbers large enough for a projector
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <glib/gi18n.h>

#include "shmviz-stat-value.h"
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
      return shmviz_stat_value_get_text (self->values[i]);

  return NULL;
}
