/* shmviz-application.h — the GNOME application: actions, style, windows
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <adwaita.h>

G_BEGIN_DECLS

#define SHMVIZ_TYPE_APPLICATION (shmviz_application_get_type ())

G_DECLARE_FINAL_TYPE (ShmvizApplication, shmviz_application, SHMVIZ, APPLICATION, AdwApplication)

/* How many nice levels below the app its windows run their workers.  At
 * full speed with 64 + 64 workers on two CPUs the frames starved at an
 * equal level (36 fps, 73 ms p99); at the lowest level the window keeps
 * 60 fps, and the workers still take every cycle it leaves. */
#define SHMVIZ_APPLICATION_WORKER_NICENESS 19

ShmvizApplication *shmviz_application_new (void);

G_END_DECLS
