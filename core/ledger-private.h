/* ledger-private.h — what the model alone uses of the ledger
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include "ledger.h"

G_BEGIN_DECLS

/* Folds @n_events exactly as that many shmviz_ledger_fold() calls would,
 * in one loop: the model folds a whole batch of the live stream at once and
 * learns what changed afterwards (the anomalies past the count it saw
 * before, the slots the events named), which costs no call per event. */
void          _shmviz_ledger_fold_batch  (ShmvizLedger        *ledger,
                                          const ShmvizEvent   *events,
                                          guint                n_events);

G_END_DECLS
