/* shmviz-wrap-label.c — wrapped text that measures in one layout pass
 *
 * The race log's rows come and go by hundreds a frame while a run without
 * synchronization floods it, and each new row is measured.  A wrapping
 * GtkLabel (GTK 4.8) lays its text out several times to find its minimum
 * width, its natural width and its height for a width: 1.2 ms a row here,
 * most of it shaping text again.  This widget shapes its text once for the
 * natural width and once per width it is asked the height for, remembers
 * both, and takes a minimum width from the font alone.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include "shmviz-wrap-label.h"

/* The narrowest it goes, in line heights (about two em each): room for a
 * word or two, so a narrow pane wraps the sentence instead of clipping. */
#define MIN_WIDTH_LINES 8

struct _ShmvizWrapLabel
{
  GtkWidget    parent_instance;

  char        *label;
  PangoLayout *layout;
  /* What the caches below were measured with: the pango context's serial
   * changes with the font (zoom, presentation). */
  guint        context_serial;
  int          natural_width;   /* unwrapped, -1 until measured */
  int          line_height;
  int          wrapped_width;   /* the width the layout is wrapped at, -1 none */
  int          wrapped_height;
};

G_DEFINE_FINAL_TYPE (ShmvizWrapLabel, shmviz_wrap_label, GTK_TYPE_WIDGET)

enum {
  PROP_0,
  PROP_LABEL,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

static void
forget_sizes (ShmvizWrapLabel *self)
{
  self->natural_width = -1;
  self->wrapped_width = -1;
}

static PangoLayout *
ensure_layout (ShmvizWrapLabel *self)
{
  PangoContext *context = gtk_widget_get_pango_context (GTK_WIDGET (self));
  guint serial = pango_context_get_serial (context);

  if (self->layout == NULL)
    {
      self->layout = gtk_widget_create_pango_layout (GTK_WIDGET (self), self->label);
      pango_layout_set_wrap (self->layout, PANGO_WRAP_WORD_CHAR);
      forget_sizes (self);
    }
  else if (serial != self->context_serial)
    {
      /* A layout made from a context follows it; its sizes do not. */
      pango_layout_context_changed (self->layout);
      forget_sizes (self);
    }
  self->context_serial = serial;

  return self->layout;
}

static void
measure_natural (ShmvizWrapLabel *self)
{
  PangoLayout *layout = ensure_layout (self);

  if (self->natural_width >= 0)
    return;

  pango_layout_set_width (layout, -1);
  pango_layout_get_pixel_size (layout, &self->natural_width, &self->line_height);
  self->wrapped_width = -1;
}

static int
height_for_width (ShmvizWrapLabel *self,
                  int              width)
{
  PangoLayout *layout = ensure_layout (self);

  measure_natural (self);

  /* Wide enough for one line: no need to lay it out again. */
  if (width >= self->natural_width)
    return self->line_height;

  if (self->wrapped_width != width)
    {
      pango_layout_set_width (layout, MAX (width, 1) * PANGO_SCALE);
      pango_layout_get_pixel_size (layout, NULL, &self->wrapped_height);
      self->wrapped_width = width;
    }

  return self->wrapped_height;
}

static GtkSizeRequestMode
shmviz_wrap_label_get_request_mode (GtkWidget *widget)
{
  return GTK_SIZE_REQUEST_HEIGHT_FOR_WIDTH;
}

static void
shmviz_wrap_label_measure (GtkWidget      *widget,
                           GtkOrientation  orientation,
                           int             for_size,
                           int            *minimum,
                           int            *natural,
                           int            *minimum_baseline,
                           int            *natural_baseline)
{
  ShmvizWrapLabel *self = SHMVIZ_WRAP_LABEL (widget);

  measure_natural (self);

  if (orientation == GTK_ORIENTATION_HORIZONTAL)
    {
      *natural = self->natural_width;
      *minimum = MIN (self->natural_width, MIN_WIDTH_LINES * self->line_height);
    }
  else
    {
      /* Without a width, the natural one: a single line. */
      *minimum = *natural = for_size < 0 ? self->line_height : height_for_width (self, for_size);
    }
}

static void
shmviz_wrap_label_snapshot (GtkWidget   *widget,
                            GtkSnapshot *snapshot)
{
  ShmvizWrapLabel *self = SHMVIZ_WRAP_LABEL (widget);
  int width = gtk_widget_get_width (widget);
  GdkRGBA color;

  if (self->label == NULL || *self->label == '\0' || width <= 0)
    return;

  /* Wraps the layout at this width when the text does not fit. */
  height_for_width (self, width);
  if (width >= self->natural_width)
    {
      /* Whole on one line, at the start of the line. */
      if (self->wrapped_width != -1)
        {
          pango_layout_set_width (self->layout, -1);
          self->wrapped_width = -1;
        }
      if (gtk_widget_get_direction (widget) == GTK_TEXT_DIR_RTL)
        gtk_snapshot_translate (snapshot, &GRAPHENE_POINT_INIT (width - self->natural_width, 0));
    }

  gtk_style_context_get_color (gtk_widget_get_style_context (widget), &color);
  gtk_snapshot_append_layout (snapshot, self->layout, &color);
}

static void
shmviz_wrap_label_dispose (GObject *object)
{
  ShmvizWrapLabel *self = (ShmvizWrapLabel *)object;

  g_clear_object (&self->layout);
  g_clear_pointer (&self->label, g_free);

  G_OBJECT_CLASS (shmviz_wrap_label_parent_class)->dispose (object);
}

static void
shmviz_wrap_label_get_property (GObject    *object,
                                guint       prop_id,
                                GValue     *value,
                                GParamSpec *pspec)
{
  ShmvizWrapLabel *self = SHMVIZ_WRAP_LABEL (object);

  switch (prop_id)
    {
    case PROP_LABEL:
      g_value_set_string (value, self->label);
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
shmviz_wrap_label_set_property (GObject      *object,
                                guint         prop_id,
                                const GValue *value,
                                GParamSpec   *pspec)
{
  ShmvizWrapLabel *self = SHMVIZ_WRAP_LABEL (object);

  switch (prop_id)
    {
    case PROP_LABEL:
      shmviz_wrap_label_set_label (self, g_value_get_string (value));
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
shmviz_wrap_label_class_init (ShmvizWrapLabelClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = shmviz_wrap_label_dispose;
  object_class->get_property = shmviz_wrap_label_get_property;
  object_class->set_property = shmviz_wrap_label_set_property;

  widget_class->get_request_mode = shmviz_wrap_label_get_request_mode;
  widget_class->measure = shmviz_wrap_label_measure;
  widget_class->snapshot = shmviz_wrap_label_snapshot;

  properties[PROP_LABEL] =
    g_param_spec_string ("label", NULL, NULL, NULL,
                         (G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS));
  g_object_class_install_properties (object_class, N_PROPS, properties);

  gtk_widget_class_set_css_name (widget_class, "label");
  gtk_widget_class_set_accessible_role (widget_class, GTK_ACCESSIBLE_ROLE_LABEL);
}

static void
shmviz_wrap_label_init (ShmvizWrapLabel *self)
{
  forget_sizes (self);
}

GtkWidget *
shmviz_wrap_label_new (void)
{
  return g_object_new (SHMVIZ_TYPE_WRAP_LABEL, NULL);
}

void
shmviz_wrap_label_set_label (ShmvizWrapLabel *self,
                             const char      *label)
{
  g_return_if_fail (SHMVIZ_IS_WRAP_LABEL (self));

  if (g_strcmp0 (self->label, label) == 0)
    return;

  g_free (self->label);
  self->label = g_strdup (label);
  if (self->layout != NULL)
    pango_layout_set_text (self->layout, label != NULL ? label : "", -1);
  forget_sizes (self);

  gtk_accessible_update_property (GTK_ACCESSIBLE (self),
                                  GTK_ACCESSIBLE_PROPERTY_LABEL, label,
                                  -1);
  gtk_widget_queue_resize (GTK_WIDGET (self));
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_LABEL]);
}

const char *
shmviz_wrap_label_get_label (ShmvizWrapLabel *self)
{
  g_return_val_if_fail (SHMVIZ_IS_WRAP_LABEL (self), NULL);

  return self->label;
}
