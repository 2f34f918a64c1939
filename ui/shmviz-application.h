/* shmviz-application.h — the GNOME application: actions, style, windows
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <adwaita.h>

#include "session.h"

G_BEGIN_DECLS

#define SHMVIZ_TYPE_APPLICATION (shmviz_application_get_type ())

G_DECLARE_FINAL_TYPE (ShmvizApplication, shmviz_application, SHMVIZ, APPLICATION, AdwApplication)

ShmvizApplication *shmviz_application_new           (void);
/* Makes the workers @session starts background work for the app's frames. */
void               shmviz_application_lower_workers (ShmvizSession *session);

G_END_DECLS
