/* shmviz-process-view-private.h — the text sizes the process view draws, for tests
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include "shmviz-process-view.h"

G_BEGIN_DECLS

/* In px; for the panels, the smallest the three draw (after shrinking a
 * text to fit its panel's width). */
typedef struct {
  int card_name;     /* a card's name: P1, C2; 0 when cards are too small for it */
  int sem_name;      /* a panel's name: mutex, empty, full */
  int sem_meaning;   /* "free slots", "items ready" */
  int sem_value;     /* the values of empty and full */
  int mutex_owner;   /* "held by P2" or "free" */
  int queue;         /* the waiters' chips, "waiting:", "no one waiting" */
} ShmvizProcessTextSizes;

/* The sizes the view draws its text at for its current size, zoom and
 * snapshot, from the very code that draws it; all 0 with no snapshot. */
void shmviz_process_view_get_text_sizes (ShmvizProcessView      *self,
                                         ShmvizProcessTextSizes *sizes);

G_END_DECLS
