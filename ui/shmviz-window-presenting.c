/* shmviz-window-presenting.c — the panes in presentation mode
 *
 * Apart because the presentation (ui/shmviz-presentation.c) only marks
 * the window; how the window's own splits give way is the window's
 * business, and the reasons are long.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include "shmviz-window-internal.h"

/* The presentation marks the window with .shmviz-presenting.  On a
 * projector the ring and the processes are the show, and the caption and
 * the totals already say what happened, so the splits are GtkPaned's own
 * for an unset position, which follow the zoom as it changes: the bottom
 * pane (it does not resize) keeps only its floor, and the ring and the
 * processes share the width as their floors do.  Splits kept in pixels
 * left the views at their floor at 300 % with the race log roomy, and
 * the ring a third of the width of the cards.  The user's come back. */
void
_shmviz_window_presenting_changed (ShmvizWindow *self)
{
  gboolean presenting = self->presentation != NULL && shmviz_presentation_get_active (self->presentation);
  GtkPaned *paneds[2] = { self->main_paned, self->top_paned };

  if (presenting == self->presenting)
    return;
  self->presenting = presenting;
  for (guint i = 0; i < G_N_ELEMENTS (paneds); i++)
    if (presenting)
      {
        self->splits_before_presenting[i] = gtk_paned_get_position (paneds[i]);
        gtk_paned_set_position (paneds[i], -1);
      }
    else
      gtk_paned_set_position (paneds[i], self->splits_before_presenting[i]);
}
