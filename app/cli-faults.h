/* cli-faults.h — faults injected at set times of a CLI run
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <glib.h>

#include "session.h"

G_BEGIN_DECLS

typedef struct _CliFaults CliFaults;

/* Parses "kill:P1@2s"-style specs; a usage error names the bad one. */
CliFaults *cli_faults_parse (char * const *specs,
                             guint         n_producers,
                             guint         n_consumers,
                             GError      **error);
/* Schedules every fault on the default main context, relative to now. */
void       cli_faults_arm   (CliFaults     *faults,
                             ShmvizSession *session);
void       cli_faults_free  (CliFaults     *faults);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (CliFaults, cli_faults_free)

G_END_DECLS
