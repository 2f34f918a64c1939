/* shmviz-application.h — the GNOME application: actions, style, windows
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <adwaita.h>

G_BEGIN_DECLS

#define SHMVIZ_TYPE_APPLICATION (shmviz_application_get_type ())

G_DECLARE_FINAL_TYPE (ShmvizApplication, shmviz_application, SHMVIZ, APPLICATION, AdwApplication)

ShmvizApplication *shmviz_application_new (void);

G_END_DECLS
