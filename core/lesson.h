/* lesson.h — classroom presets: a scenario with a title, an explanation
 * and the outcome it promises
 *
 * A lesson is a GKeyFile named ID.lesson.  Its [Lesson] group holds Name,
 * Title and Explanation (translatable as Name[de]=…), Expect and Twin; its
 * [Scenario] group holds the same keys as `shmviz-cli run`'s flags, and
 * optionally Schedule, an exact interleaving ("P1,P1,P2,C1", see
 * schedule.h) that `shmviz-cli run --lesson` and the scheduler page replay,
 * so a lesson can show one race the same way every time.  Lessons
 * are looked up in $SHMVIZ_LESSONS_DIR, the user's data dir
 * (~/.local/share/shmviz/lessons), the installed data dir and, for
 * uninstalled builds, the source tree; the first with a given ID wins.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <glib.h>

#include "scenario.h"

G_BEGIN_DECLS

#define SHMVIZ_LESSON_SUFFIX ".lesson"

typedef enum {
  SHMVIZ_EXPECT_CLEAN = 0,      /* no anomaly, every item accounted for */
  SHMVIZ_EXPECT_RACES,          /* lost, duplicated or empty reads */
  SHMVIZ_EXPECT_DEADLOCK,
  SHMVIZ_EXPECT_BACK_PRESSURE,  /* clean, producers wait on `empty` */
  SHMVIZ_EXPECT_CONTENTION,     /* clean, several producers wait at once */
  SHMVIZ_N_EXPECTS
} ShmvizLessonExpect;

typedef struct {
  char              *id;           /* file name without .lesson */
  char              *path;         /* NULL until loaded from or saved to a file */
  char              *name;
  char              *title;
  char              *explanation;
  ShmvizLessonExpect expect;
  char              *twin;         /* the fixed/broken twin's id, or NULL */
  ShmvizScenario     scenario;
  gboolean           user;         /* from the user's data dir */
  /* The [Scenario] Schedule key, normalized ("P1,P2,C1"), or NULL; loading
   * and saving check it against the scenario with shmviz_schedule_parse(). */
  char              *schedule;
} ShmvizLesson;

#define SHMVIZ_LESSON_ERROR (shmviz_lesson_error_quark ())

typedef enum {
  SHMVIZ_LESSON_ERROR_NOT_FOUND,
  SHMVIZ_LESSON_ERROR_INVALID,
} ShmvizLessonError;

GQuark        shmviz_lesson_error_quark   (void);

/* Errors name the file and the key: "no-sync.lesson: [Scenario] slots: …". */
ShmvizLesson *shmviz_lesson_load_file     (const char          *path,
                                           GError             **error);
ShmvizLesson *shmviz_lesson_load_data     (const char          *data,
                                           gsize                length,
                                           const char          *id,
                                           GError             **error);
void          shmviz_lesson_free          (ShmvizLesson        *lesson);

/* Every loadable lesson, sorted by id (ShmvizLesson, owned).  Files that do
 * not load are skipped and, when @errors is not NULL, their messages are
 * appended to it (char *). */
GPtrArray    *shmviz_lesson_list          (GPtrArray           *errors);
/* By id, or by Name ignoring case. */
ShmvizLesson *shmviz_lesson_find          (const char          *name,
                                           GError             **error);
/* The directories searched, first wins (existing or not). */
GStrv         shmviz_lesson_dirs          (void);
char         *shmviz_lesson_user_dir      (void);

char         *shmviz_lesson_to_data       (const ShmvizLesson  *lesson,
                                           gsize               *length);
/* Writes @lesson as @dir/ID.lesson (@dir NULL: the user's lesson dir,
 * created if needed) and sets lesson->path.  The scenario is validated
 * first, so nothing unloadable is ever written. */
gboolean      shmviz_lesson_save          (ShmvizLesson        *lesson,
                                           const char          *dir,
                                           GError             **error);
/* The lesson's schedule as model process indices (guint), or NULL when it
 * has none or it does not fit the scenario (@error set then). */
GArray       *shmviz_lesson_parse_schedule (const ShmvizLesson *lesson,
                                            GError            **error);
/* Lower-case letters, digits and dashes, 1..64 characters. */
gboolean      shmviz_lesson_id_is_valid   (const char          *id);
/* "Slow consumer!" → "slow-consumer". */
char         *shmviz_lesson_id_from_name  (const char          *name);

const char   *shmviz_lesson_expect_to_string   (ShmvizLessonExpect  expect);
gboolean      shmviz_lesson_expect_from_string (const char         *str,
                                                ShmvizLessonExpect *expect);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (ShmvizLesson, shmviz_lesson_free)

G_END_DECLS
