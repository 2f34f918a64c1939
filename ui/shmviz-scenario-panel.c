/* shmviz-scenario-panel.c — the sidebar: what the run is made of
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <adwaita.h>
#include <glib/gi18n.h>

#include "shmviz-scenario-panel.h"

static const char * const keys[] = {
  "producers", "consumers", "slots", "item-size",
  "produce-ms", "consume-ms", "race-window-ms", "step-ms",
};
#define N_KEYS G_N_ELEMENTS (keys)

/* Template ids of the spin buttons, in the order of keys[]. */
static const char * const spin_ids[N_KEYS] = {
  "producers_spin", "consumers_spin", "slots_spin", "item_size_spin",
  "produce_ms_spin", "consume_ms_spin", "race_window_ms_spin", "step_ms_spin",
};

struct _ShmvizScenarioPanel
{
  GtkWidget      parent_instance;

  GtkWidget     *scroller;
  GtkSpinButton *spins[N_KEYS];
  GSettings     *settings;
};

G_DEFINE_FINAL_TYPE (ShmvizScenarioPanel, shmviz_scenario_panel, GTK_TYPE_WIDGET)

enum {
  PROP_0,
  PROP_SETTINGS,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

static void
reset_clicked (ShmvizScenarioPanel *self)
{
  if (self->settings == NULL)
    return;

  /* The window folds these changes into a single restart. */
  for (guint i = 0; i < N_KEYS; i++)
    g_settings_reset (self->settings, keys[i]);
}

static void
shmviz_scenario_panel_dispose (GObject *object)
{
  ShmvizScenarioPanel *self = (ShmvizScenarioPanel *)object;

  if (self->settings != NULL)
    for (guint i = 0; i < N_KEYS; i++)
      if (self->spins[i] != NULL)
        g_settings_unbind (gtk_spin_button_get_adjustment (self->spins[i]), "value");
  g_clear_object (&self->settings);

  gtk_widget_dispose_template (GTK_WIDGET (self), SHMVIZ_TYPE_SCENARIO_PANEL);

  G_OBJECT_CLASS (shmviz_scenario_panel_parent_class)->dispose (object);
}

static void
shmviz_scenario_panel_get_property (GObject    *object,
                                    guint       prop_id,
                                    GValue     *value,
                                    GParamSpec *pspec)
{
  ShmvizScenarioPanel *self = SHMVIZ_SCENARIO_PANEL (object);

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
shmviz_scenario_panel_set_property (GObject      *object,
                                    guint         prop_id,
                                    const GValue *value,
                                    GParamSpec   *pspec)
{
  ShmvizScenarioPanel *self = SHMVIZ_SCENARIO_PANEL (object);

  switch (prop_id)
    {
    case PROP_SETTINGS:
      shmviz_scenario_panel_set_settings (self, g_value_get_object (value));
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
shmviz_scenario_panel_class_init (ShmvizScenarioPanelClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = shmviz_scenario_panel_dispose;
  object_class->get_property = shmviz_scenario_panel_get_property;
  object_class->set_property = shmviz_scenario_panel_set_property;

  properties[PROP_SETTINGS] =
    g_param_spec_object ("settings", NULL, NULL, G_TYPE_SETTINGS,
                         (G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS));
  g_object_class_install_properties (object_class, N_PROPS, properties);

  gtk_widget_class_set_template_from_resource (widget_class, "/io/github/shmviz/Shmviz/ui/shmviz-scenario-panel.ui");
  gtk_widget_class_bind_template_child (widget_class, ShmvizScenarioPanel, scroller);
  for (guint i = 0; i < N_KEYS; i++)
    gtk_widget_class_bind_template_child_full (widget_class, spin_ids[i], FALSE,
                                               G_STRUCT_OFFSET (ShmvizScenarioPanel, spins)
                                               + i * sizeof (GtkSpinButton *));
  gtk_widget_class_bind_template_callback (widget_class, reset_clicked);
  gtk_widget_class_set_layout_manager_type (widget_class, GTK_TYPE_BIN_LAYOUT);
  gtk_widget_class_set_css_name (widget_class, "scenariopanel");
}

static void
shmviz_scenario_panel_init (ShmvizScenarioPanel *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
}

GtkWidget *
shmviz_scenario_panel_new (void)
{
  return g_object_new (SHMVIZ_TYPE_SCENARIO_PANEL, NULL);
}

void
shmviz_scenario_panel_set_settings (ShmvizScenarioPanel *self,
                                    GSettings           *settings)
{
  g_return_if_fail (SHMVIZ_IS_SCENARIO_PANEL (self));
  g_return_if_fail (!settings || G_IS_SETTINGS (settings));

  if (self->settings == settings)
    return;

  if (self->settings != NULL)
    for (guint i = 0; i < N_KEYS; i++)
      g_settings_unbind (gtk_spin_button_get_adjustment (self->spins[i]), "value");

  g_set_object (&self->settings, settings);

  /* The default mapping converts between the keys' 'u' and the
   * adjustments' doubles, range-checked by the schema. */
  if (settings != NULL)
    for (guint i = 0; i < N_KEYS; i++)
      g_settings_bind (settings, keys[i],
                       gtk_spin_button_get_adjustment (self->spins[i]), "value",
                       G_SETTINGS_BIND_DEFAULT);

  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_SETTINGS]);
}

GSettings *
shmviz_scenario_panel_get_settings (ShmvizScenarioPanel *self)
{
  g_return_val_if_fail (SHMVIZ_IS_SCENARIO_PANEL (self), NULL);

  return self->settings;
}

GtkSpinButton *
shmviz_scenario_panel_get_spin (ShmvizScenarioPanel *self,
                                const char          *key)
{
  g_return_val_if_fail (SHMVIZ_IS_SCENARIO_PANEL (self), NULL);

  for (guint i = 0; i < N_KEYS; i++)
    if (g_strcmp0 (keys[i], key) == 0)
      return self->spins[i];

  return NULL;
}
