/* shmviz-presentation.h — the view for a projector: fullscreen, zoomed text,
 * a "what just happened" caption and a laser pointer
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gtk/gtk.h>

#include "model.h"

G_BEGIN_DECLS

#define SHMVIZ_TYPE_PRESENTATION (shmviz_presentation_get_type ())

G_DECLARE_FINAL_TYPE (ShmvizPresentation, shmviz_presentation, SHMVIZ, PRESENTATION, GtkWidget)

GtkWidget  *shmviz_presentation_new          (void);
/* The window's content, shown above the caption line. */
void        shmviz_presentation_set_child    (ShmvizPresentation *self,
                                              GtkWidget          *child);
/* The "zoom" and "palette" keys: zoom scales the views (the window applies
 * it) and, while presenting, the window's text. */
void        shmviz_presentation_set_settings (ShmvizPresentation *self,
                                              GSettings          *settings);
/* Where the caption's news comes from. */
void        shmviz_presentation_set_model    (ShmvizPresentation *self,
                                              ShmvizModel        *model);
/* Fullscreen, caption line, laser pointer and scaled text (F11). */
void        shmviz_presentation_set_active   (ShmvizPresentation *self,
                                              gboolean            active);
gboolean    shmviz_presentation_get_active   (ShmvizPresentation *self);
const char *shmviz_presentation_get_caption  (ShmvizPresentation *self);

G_END_DECLS
