/* shmviz-scenario-panel.h — the sidebar: what the run is made of
 *
 * The panel edits GSettings; the window reacts to the keys changing, live
 * for timings and by restarting the session for the shape.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gtk/gtk.h>

G_BEGIN_DECLS

#define SHMVIZ_TYPE_SCENARIO_PANEL (shmviz_scenario_panel_get_type ())

G_DECLARE_FINAL_TYPE (ShmvizScenarioPanel, shmviz_scenario_panel, SHMVIZ, SCENARIO_PANEL, GtkWidget)

GtkWidget *shmviz_scenario_panel_new          (void);
void       shmviz_scenario_panel_set_settings (ShmvizScenarioPanel *self,
                                               GSettings           *settings);
GSettings *shmviz_scenario_panel_get_settings (ShmvizScenarioPanel *self);
/* The spin button editing @key, for tests and focus. */
GtkSpinButton *shmviz_scenario_panel_get_spin (ShmvizScenarioPanel *self,
                                               const char          *key);

G_END_DECLS
