/* shmviz-speed-lab-chart.c — the chart widget
 *
 * ShmvizSpeedChart draws the result it is given through
 * gtk_snapshot_append_cairo(), keeps where the frame put its bars and
 * legend, and answers tooltips and the tests from that.  Apart as a GObject
 * of its own: the window holds one, and the tests reach it through
 * shmviz_speed_lab_get_chart().
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <string.h>

#include <glib/gi18n.h>

#include "shmviz-speed-lab-internal.h"

struct _ShmvizSpeedChart
{
  GtkWidget                parent_instance;

  const ShmvizBenchResult *result;
  ChartLayout              layout;
};

G_DEFINE_FINAL_TYPE (ShmvizSpeedChart, shmviz_speed_chart, GTK_TYPE_WIDGET)

static void
shmviz_speed_chart_snapshot (GtkWidget   *widget,
                             GtkSnapshot *snapshot)
{
  ShmvizSpeedChart *self = SHMVIZ_SPEED_CHART (widget);
  int width = gtk_widget_get_width (widget);
  int height = gtk_widget_get_height (widget);
  PangoContext *context = gtk_widget_get_pango_context (widget);
  ChartStyle style = { { 0 }, context, pango_context_get_font_description (context), FALSE };
  cairo_t *cr;

  memset (&self->layout, 0, sizeof self->layout);
  if (!self->result || width <= 0 || height <= 0)
    return;
  gtk_style_context_get_color (gtk_widget_get_style_context (widget), &style.fg);
  cr = gtk_snapshot_append_cairo (snapshot, &GRAPHENE_RECT_INIT (0, 0, width, height));
  _shmviz_speed_lab_draw_chart (cr, width, height, self->result, &style, &self->layout);
  cairo_destroy (cr);
}

static gboolean
shmviz_speed_chart_query_tooltip (GtkWidget  *widget,
                                  int         x,
                                  int         y,
                                  gboolean    keyboard,
                                  GtkTooltip *tooltip)
{
  ShmvizSpeedChart *self = SHMVIZ_SPEED_CHART (widget);

  for (guint i = 0; i < self->layout.n_bars; i++)
    {
      const BarHit *hit = &self->layout.bars[i];
      g_autofree char *size = NULL;
      g_autofree char *median = NULL;
      g_autofree char *lo = NULL;
      g_autofree char *hi = NULL;
      g_autofree char *text = NULL;

      if (!graphene_rect_contains_point (&hit->rect, &GRAPHENE_POINT_INIT (x, y)))
        continue;
      size = _shmviz_speed_lab_format_size (hit->row->size);
      median = _shmviz_speed_lab_format_figure (_shmviz_speed_lab_metric_value (hit->row, hit->metric, 0),
                                                hit->metric);
      lo = _shmviz_speed_lab_format_figure (_shmviz_speed_lab_metric_value (hit->row, hit->metric, 1),
                                            hit->metric);
      hi = _shmviz_speed_lab_format_figure (_shmviz_speed_lab_metric_value (hit->row, hit->metric, 2),
                                            hit->metric);
      /* Translators: mechanism, message size, median, range over the repetitions. */
      text = g_strdup_printf (_("%s at %s: %s (from %s to %s over %u runs)"),
                              shmviz_bench_mechanism_label (hit->row->mechanism), size,
                              median, lo, hi, hit->row->repetitions);
      gtk_tooltip_set_text (tooltip, text);
      return TRUE;
    }
  return FALSE;
}

static void
shmviz_speed_chart_class_init (ShmvizSpeedChartClass *klass)
{
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  widget_class->snapshot = shmviz_speed_chart_snapshot;
  widget_class->query_tooltip = shmviz_speed_chart_query_tooltip;
  gtk_widget_class_set_css_name (widget_class, "speedchart");
  gtk_widget_class_set_accessible_role (widget_class, GTK_ACCESSIBLE_ROLE_IMG);
}

static void
shmviz_speed_chart_init (ShmvizSpeedChart *self)
{
  gtk_widget_set_has_tooltip (GTK_WIDGET (self), TRUE);
}

GtkWidget *
shmviz_speed_chart_new (void)
{
  return g_object_new (SHMVIZ_TYPE_SPEED_CHART, NULL);
}

void
shmviz_speed_chart_set_result (ShmvizSpeedChart        *self,
                               const ShmvizBenchResult *result)
{
  g_return_if_fail (SHMVIZ_IS_SPEED_CHART (self));

  self->result = result;
  memset (&self->layout, 0, sizeof self->layout);
  gtk_widget_queue_draw (GTK_WIDGET (self));
}

gboolean
shmviz_speed_chart_get_legend_rect (ShmvizSpeedChart     *self,
                                    ShmvizBenchMechanism  mechanism,
                                    graphene_rect_t      *rect)
{
  g_return_val_if_fail (SHMVIZ_IS_SPEED_CHART (self), FALSE);
  g_return_val_if_fail (mechanism < SHMVIZ_BENCH_N_MECHANISMS, FALSE);

  if (!self->layout.legend_drawn[mechanism])
    return FALSE;
  if (rect)
    *rect = self->layout.legend[mechanism];
  return TRUE;
}

void
shmviz_speed_chart_get_bar_counts (ShmvizSpeedChart *self,
                                   guint            *n_bars,
                                   guint            *n_labelled)
{
  g_return_if_fail (SHMVIZ_IS_SPEED_CHART (self));

  if (n_bars)
    *n_bars = self->layout.n_bars;
  if (n_labelled)
    *n_labelled = self->layout.n_labelled;
}
