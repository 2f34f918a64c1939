/* shmviz-stat-value.c — one figure of the totals bar, drawn, not laid out
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include "shmviz-stat-value.h"

/* One figure.  A GtkLabel queues a resize whenever its text changes, and
 * in GTK 4.8 any resize reaches the toplevel, whose relayout asks the X
 * server for the window's monitor and work area: five round trips that
 * make every frame wait for the server to finish the last frame's image.
 * The figures change every frame, their width almost never (tabular
 * digits), so this draws its text itself and asks for a new size only when
 * the text's size changed. */
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

void
shmviz_stat_value_set_text (ShmvizStatValue *self,
                            const char      *text)
{
  int w, h;

  g_return_if_fail (SHMVIZ_IS_STAT_VALUE (self));

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

const char *
shmviz_stat_value_get_text (ShmvizStatValue *self)
{
  g_return_val_if_fail (SHMVIZ_IS_STAT_VALUE (self), NULL);

  return self->text;
}

void
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
