/* json.h — writing JSON by hand, the one way every core module does it
 *
 * Core depends on GLib alone; its outputs are flat objects whose strings
 * all pass through shmviz_json_string().
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* Appends @str as a JSON string: quoted, escaped, and made valid UTF-8
 * (names from /dev/shm or /proc are bytes, not text). */
void shmviz_json_string (GString    *out,
                         const char *str);

G_END_DECLS
