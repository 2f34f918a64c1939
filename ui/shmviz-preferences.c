/* shmviz-preferences.c — the preferences window
 *
 * Nothing here is applied by hand: each row is bound to its GSettings key,
 * and the window and application already follow those keys (theme in the
 * application, zoom/palette/layout/speed in the window), so the views
 * change while the user moves a control, and the choice is there at the
 * next start.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <glib/gi18n.h>

#include "shmviz-preferences.h"

struct _ShmvizPreferences
{
  AdwPreferencesWindow  parent_instance;

  AdwComboRow          *theme_row;
  AdwComboRow          *palette_row;
  AdwComboRow          *layout_row;
  GtkAdjustment        *zoom_adjustment;
  GtkAdjustment        *speed_adjustment;

  GSettings            *settings;
};

G_DEFINE_FINAL_TYPE (ShmvizPreferences, shmviz_preferences, ADW_TYPE_PREFERENCES_WINDOW)

enum {
  PROP_0,
  PROP_SETTINGS,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

/* Same order as the GtkStringList items in the template. */
static const char * const theme_values[] = { "system", "light", "dark", NULL };
static const char * const palette_values[] = { "default", "colorblind", "high-contrast", NULL };
static const char * const layout_values[] = { "ring", "row", NULL };

static gboolean
choice_get_mapping (GValue   *value,
                    GVariant *variant,
                    gpointer  user_data)
{
  const char * const *values = user_data;
  const char *str = g_variant_get_string (variant, NULL);

  for (guint i = 0; values[i] != NULL; i++)
    if (g_str_equal (values[i], str))
      {
        g_value_set_uint (value, i);
        return TRUE;
      }

  return FALSE;
}

static GVariant *
choice_set_mapping (const GValue       *value,
                    const GVariantType *expected_type,
                    gpointer            user_data)
{
  const char * const *values = user_data;
  guint selected = g_value_get_uint (value);

  if (selected >= g_strv_length ((char **)values))
    return NULL;

  return g_variant_new_string (values[selected]);
}

/* zoom is a factor (1.0–3.0); people think of it in percent. */
static gboolean
zoom_get_mapping (GValue   *value,
                  GVariant *variant,
                  gpointer  user_data)
{
  g_value_set_double (value, g_variant_get_double (variant) * 100.0);
  return TRUE;
}

static GVariant *
zoom_set_mapping (const GValue       *value,
                  const GVariantType *expected_type,
                  gpointer            user_data)
{
  return g_variant_new_double (CLAMP (g_value_get_double (value) / 100.0, 1.0, 3.0));
}

/* speed is in permille; the spin shows percent. */
static gboolean
speed_get_mapping (GValue   *value,
                   GVariant *variant,
                   gpointer  user_data)
{
  g_value_set_double (value, g_variant_get_uint32 (variant) / 10.0);
  return TRUE;
}

static GVariant *
speed_set_mapping (const GValue       *value,
                   const GVariantType *expected_type,
                   gpointer            user_data)
{
  double percent = CLAMP (g_value_get_double (value), 0.0, 10000.0);

  return g_variant_new_uint32 ((guint32)(percent * 10.0 + 0.5));
}

static void
bind_choice (ShmvizPreferences  *self,
             const char         *key,
             AdwComboRow        *row,
             const char * const *values)
{
  g_settings_bind_with_mapping (self->settings, key, row, "selected", G_SETTINGS_BIND_DEFAULT,
                                choice_get_mapping, choice_set_mapping, (gpointer)values, NULL);
}

static void
shmviz_preferences_set_settings (ShmvizPreferences *self,
                                 GSettings         *settings)
{
  g_return_if_fail (self->settings == NULL);

  if (settings == NULL)
    return;

  self->settings = g_object_ref (settings);
  bind_choice (self, "theme", self->theme_row, theme_values);
  bind_choice (self, "palette", self->palette_row, palette_values);
  bind_choice (self, "ring-layout", self->layout_row, layout_values);
  g_settings_bind_with_mapping (self->settings, "zoom", self->zoom_adjustment, "value",
                                G_SETTINGS_BIND_DEFAULT, zoom_get_mapping, zoom_set_mapping, NULL, NULL);
  g_settings_bind_with_mapping (self->settings, "speed", self->speed_adjustment, "value",
                                G_SETTINGS_BIND_DEFAULT, speed_get_mapping, speed_set_mapping, NULL, NULL);
}

static void
shmviz_preferences_dispose (GObject *object)
{
  ShmvizPreferences *self = SHMVIZ_PREFERENCES (object);

  if (self->settings != NULL)
    {
      g_settings_unbind (self->theme_row, "selected");
      g_settings_unbind (self->palette_row, "selected");
      g_settings_unbind (self->layout_row, "selected");
      g_settings_unbind (self->zoom_adjustment, "value");
      g_settings_unbind (self->speed_adjustment, "value");
    }
  g_clear_object (&self->settings);

  G_OBJECT_CLASS (shmviz_preferences_parent_class)->dispose (object);
}

static void
shmviz_preferences_get_property (GObject    *object,
                                 guint       prop_id,
                                 GValue     *value,
                                 GParamSpec *pspec)
{
  ShmvizPreferences *self = SHMVIZ_PREFERENCES (object);

  switch (prop_id)
    {
    case PROP_SETTINGS:
      g_value_set_object (value, self->settings);
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
shmviz_preferences_set_property (GObject      *object,
                                 guint         prop_id,
                                 const GValue *value,
                                 GParamSpec   *pspec)
{
  ShmvizPreferences *self = SHMVIZ_PREFERENCES (object);

  switch (prop_id)
    {
    case PROP_SETTINGS:
      shmviz_preferences_set_settings (self, g_value_get_object (value));
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
shmviz_preferences_class_init (ShmvizPreferencesClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = shmviz_preferences_dispose;
  object_class->get_property = shmviz_preferences_get_property;
  object_class->set_property = shmviz_preferences_set_property;

  properties[PROP_SETTINGS] =
    g_param_spec_object ("settings", NULL, NULL, G_TYPE_SETTINGS,
                         G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  gtk_widget_class_set_template_from_resource (widget_class, "/io/github/shmviz/Shmviz/ui/shmviz-preferences.ui");
  gtk_widget_class_bind_template_child (widget_class, ShmvizPreferences, theme_row);
  gtk_widget_class_bind_template_child (widget_class, ShmvizPreferences, palette_row);
  gtk_widget_class_bind_template_child (widget_class, ShmvizPreferences, layout_row);
  gtk_widget_class_bind_template_child (widget_class, ShmvizPreferences, zoom_adjustment);
  gtk_widget_class_bind_template_child (widget_class, ShmvizPreferences, speed_adjustment);
}

static void
shmviz_preferences_init (ShmvizPreferences *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
}

GtkWidget *
shmviz_preferences_new (GtkWindow *parent,
                        GSettings *settings)
{
  g_return_val_if_fail (G_IS_SETTINGS (settings), NULL);

  return g_object_new (SHMVIZ_TYPE_PREFERENCES,
                       "transient-for", parent,
                       "settings", settings,
                       NULL);
}
