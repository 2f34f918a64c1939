/* shmviz-scheduler-internal.h — what the scheduler page's files share
 *
 * The page is one widget; what it does between two picks is in files of
 * their own, named for it:
 *
 *   shmviz-scheduler.c          the widget: template, signals, the lesson
 *                               buttons and dialog, keys 1–9, the public
 *                               calls (session, active, step back)
 *   shmviz-scheduler-program.c  the pseudo-code of each role in each mode,
 *                               its rows, and the line a process is on
 *   shmviz-scheduler-words.c    processes, semaphores, locks and the atoms
 *                               of a step, told in words
 *   shmviz-scheduler-refresh.c  the labels and the code rows redrawn from
 *                               the model after every change
 *   shmviz-scheduler-steps.c    one pick: the step, and its caption
 *   shmviz-scheduler-quiz.c     the question asked before a step
 *   shmviz-scheduler-replay.c   a schedule run again on a fresh session
 *                               (step back, a lesson's schedule)
 *
 * The instance struct is here, not in shmviz-scheduler.h, so that only
 * these files see its fields.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include "lesson.h"
#include "model.h"
#include "shmviz-scheduler.h"

G_BEGIN_DECLS

/* One line of pseudo-code, and the step (event kind, semaphore) that
 * executes it. */
typedef struct {
  const char *code;
  guint8      kind;     /* ShmvizEventKind; NONE: a step that records nothing */
  gint8       sem;      /* ShmvizSem, or -1 */
} Line;

#define MAX_LINES 10

/* A quiz answer, and the index of its response in
 * shmviz-scheduler-quiz.c: step_done() compares the two. */
enum {
  ANSWER_PROCEED,
  ANSWER_BLOCK,
  ANSWER_RACE,
  ANSWER_EXIT,
};

struct _ShmvizScheduler
{
  GtkBox          parent_instance;

  GtkSwitch      *active_switch;
  GtkLabel       *status_label;
  GtkButton      *undo_button;
  GtkCheckButton *quiz_check;
  GtkCheckButton *atomic_check;
  GtkLabel       *schedule_label;
  GtkLabel       *quiz_label;
  GtkListBox     *producer_code;
  GtkListBox     *consumer_code;
  GtkLabel       *atomic_label;
  GtkWidget      *save_lesson_button;
  GtkWidget      *replay_lesson_button;

  ShmvizLesson   *lesson;         /* the lesson opened last, or NULL */

  ShmvizSession  *session;
  GCancellable   *cancellable;
  GArray         *schedule;       /* guint: the steps taken on this session */
  GArray         *replay;         /* guint: to run on the next session, or NULL */
  guint           n_producers;
  guint           n_procs;
  ShmvizSyncMode  mode;

  /* Per process: its last step recorded no event (off mode's "enter"). */
  gboolean       *silent;
  guint64        *last_ns;
  guint           last_proc;      /* G_MAXUINT before the first step */
  char           *caption;

  Line            lines[2][MAX_LINES];
  guint           n_lines[2];
  GtkWidget      *line_rows[2][MAX_LINES];
  GtkLabel       *line_procs[2][MAX_LINES];

  guint           quiz_asked;
  guint           quiz_right;
  gint            quiz_guess;     /* -1: no question pending */

  guint           busy : 1;
  guint           active : 1;
  guint           updating : 1;
  guint           replaying_lesson : 1;
};

/* shmviz-scheduler-words.c */
char       *_shmviz_scheduler_proc_label     (ShmvizScheduler      *self,
                                              guint                 proc);
const char *_shmviz_scheduler_sem_name       (guint                 sem);
char       *_shmviz_scheduler_describe_locks (ShmvizScheduler      *self,
                                              guint                 proc,
                                              const ShmvizProcView *pv);
const char *_shmviz_scheduler_atomic_parts   (ShmvizScheduler      *self,
                                              guint                 role,
                                              int                   line);

/* shmviz-scheduler-program.c */
void        _shmviz_scheduler_build_program  (ShmvizScheduler      *self);
void        _shmviz_scheduler_rebuild_code   (ShmvizScheduler      *self);
int         _shmviz_scheduler_line_of        (ShmvizScheduler      *self,
                                              guint                 proc,
                                              const ShmvizProcView *pv);

/* shmviz-scheduler-refresh.c */
gboolean    _shmviz_scheduler_lesson_fits    (ShmvizScheduler      *self);
void        _shmviz_scheduler_refresh        (ShmvizScheduler      *self);

/* shmviz-scheduler-steps.c */
void        _shmviz_scheduler_set_caption    (ShmvizScheduler      *self,
                                              char                 *caption);
void        _shmviz_scheduler_do_step        (ShmvizScheduler      *self,
                                              guint                 proc);

/* shmviz-scheduler-quiz.c */
void        _shmviz_scheduler_ask_quiz       (ShmvizScheduler      *self,
                                              guint                 proc);

/* shmviz-scheduler-replay.c */
void        _shmviz_scheduler_replay_pending (ShmvizScheduler      *self);

G_END_DECLS
