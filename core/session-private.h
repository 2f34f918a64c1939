/* session-private.h — what tests and the CLI may reach inside a session
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include "region.h"
#include "session.h"

G_BEGIN_DECLS

/* 0 once the worker has exited or before it was spawned. */
GPid          shmviz_session_get_worker_pid (ShmvizSession *self,
                                             guint          proc);
/* The live mapping; valid until the session is finalized. */
ShmvizRegion *shmviz_session_get_region     (ShmvizSession *self);

G_END_DECLS
