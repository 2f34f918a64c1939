/* shmviz-lesson-gallery.h — the classroom's lessons: pick, explain, compare, save
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gtk/gtk.h>

G_BEGIN_DECLS

#define SHMVIZ_TYPE_LESSON_GALLERY (shmviz_lesson_gallery_get_type ())

G_DECLARE_FINAL_TYPE (ShmvizLessonGallery, shmviz_lesson_gallery, SHMVIZ, LESSON_GALLERY, GtkBox)

GtkWidget  *shmviz_lesson_gallery_new          (void);
/* The window's settings: opening a lesson writes its scenario there, and
 * the window restarts the run with it. */
void        shmviz_lesson_gallery_set_settings (ShmvizLessonGallery *self,
                                                GSettings           *settings);
/* Reloads the list from disk. */
void        shmviz_lesson_gallery_reload       (ShmvizLessonGallery *self);
guint       shmviz_lesson_gallery_get_n_lessons (ShmvizLessonGallery *self);
/* Opens lesson @id; FALSE if there is none. */
gboolean    shmviz_lesson_gallery_open         (ShmvizLessonGallery *self,
                                                const char          *id);
/* The id of the lesson shown, or NULL. */
const char *shmviz_lesson_gallery_get_current  (ShmvizLessonGallery *self);
/* Opens the A/B window for the current lesson and its twin. */
GtkWindow  *shmviz_lesson_gallery_open_ab      (ShmvizLessonGallery *self);

G_END_DECLS
