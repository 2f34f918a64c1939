/* shmviz-preferences.h — the preferences window
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <adwaita.h>

G_BEGIN_DECLS

#define SHMVIZ_TYPE_PREFERENCES (shmviz_preferences_get_type ())

G_DECLARE_FINAL_TYPE (ShmvizPreferences, shmviz_preferences, SHMVIZ, PREFERENCES, AdwPreferencesWindow)

/* Every row is bound to @settings (the application's schema), so changes
 * apply at once and persist; there is no Apply button. */
GtkWidget *shmviz_preferences_new (GtkWindow *parent,
                                   GSettings *settings);

G_END_DECLS
