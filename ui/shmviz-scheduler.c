/* shmviz-scheduler.c — "you are the scheduler"
 *
 * No process moves until the user picks one (its card, or keys 1–9).  Each
 * pick grants that worker exactly one step through core/schedule.c, which
 * reports back once the whole region is quiet; then the pseudo-code of
 * each role shows the line every process last executed, the one just
 * stepped highlighted.  The steps taken form a schedule ("P1,P2,P1"), so
 * step back is a replay: the window restarts the scenario and the
 * schedule minus its last token runs again on the fresh session, which
 * gives the very same state since each step is exact.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <adwaita.h>
#include <glib/gi18n.h>

#include "layout.h"
#include "lesson.h"
#include "schedule.h"
#include "shmviz-scheduler.h"

/* One line of pseudo-code, and the step (event kind, semaphore) that
 * executes it. */
typedef struct {
  const char *code;
  guint8      kind;     /* ShmvizEventKind; NONE: a step that records nothing */
  gint8       sem;      /* ShmvizSem, or -1 */
} Line;

#define MAX_LINES 10

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

enum {
  LESSON_SAVED,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

G_DEFINE_FINAL_TYPE (ShmvizScheduler, shmviz_scheduler, GTK_TYPE_BOX)

static void replay_pending (ShmvizScheduler *self);

static char *
proc_label (ShmvizScheduler *self,
            guint            proc)
{
  return proc < self->n_producers ? g_strdup_printf ("P%u", proc + 1)
                                  : g_strdup_printf ("C%u", proc - self->n_producers + 1);
}

/* The program of each role in each mode, as the worker runs it (see
 * core/worker.c produce_one() and consume_one()). */
static void
build_program (ShmvizScheduler *self)
{
  for (guint role = 0; role < 2; role++)
    {
      gboolean producer = role == 0;
      ShmvizSem counting = producer ? SHMVIZ_SEM_EMPTY : SHMVIZ_SEM_FULL;
      ShmvizSem signal = producer ? SHMVIZ_SEM_FULL : SHMVIZ_SEM_EMPTY;
      Line *l = self->lines[role];
      guint n = 0;

#define ADD(text, k, s) G_STMT_START { l[n].code = (text); l[n].kind = (k); l[n].sem = (s); n++; } G_STMT_END
      if (producer)
        ADD (N_("item = make_item ()"), SHMVIZ_EV_PRODUCE, -1);

      switch (self->mode)
        {
        case SHMVIZ_SYNC_SEMAPHORES:
        case SHMVIZ_SYNC_ROBUST_MUTEX:
          ADD (producer ? N_("wait (empty)") : N_("wait (full)"), SHMVIZ_EV_ACQUIRED, counting);
          ADD (N_("wait (mutex)"), SHMVIZ_EV_ACQUIRED, SHMVIZ_SEM_MUTEX);
          break;
        case SHMVIZ_SYNC_WRONG_ORDER:
          ADD (N_("wait (mutex)"), SHMVIZ_EV_ACQUIRED, SHMVIZ_SEM_MUTEX);
          ADD (producer ? N_("wait (empty)") : N_("wait (full)"), SHMVIZ_EV_ACQUIRED, counting);
          break;
        case SHMVIZ_SYNC_MUTEX_ONLY:
          ADD (N_("wait (mutex)"), SHMVIZ_EV_ACQUIRED, SHMVIZ_SEM_MUTEX);
          break;
        case SHMVIZ_SYNC_LOCK_FREE:
          break;
        case SHMVIZ_SYNC_OFF:
        case SHMVIZ_N_SYNC_MODES:
        default:
          ADD (N_("/* no lock: go straight in */"), SHMVIZ_EV_NONE, -1);
          break;
        }

      if (self->mode == SHMVIZ_SYNC_LOCK_FREE)
        ADD (producer ? N_("i = claim (enqueue)  /* CAS */") : N_("o = claim (dequeue)  /* CAS */"),
             SHMVIZ_EV_READ_INDEX, -1);
      else
        ADD (producer ? N_("i = in") : N_("o = out"), SHMVIZ_EV_READ_INDEX, -1);
      if (producer)
        ADD (N_("buffer[i] = item"), SHMVIZ_EV_WRITE_SLOT, -1);
      else
        ADD (N_("item = buffer[o]"), SHMVIZ_EV_READ_SLOT, -1);
      if (self->mode == SHMVIZ_SYNC_LOCK_FREE)
        ADD (N_("publish (slot)"), SHMVIZ_EV_ADVANCE, -1);
      else if (producer)
        ADD (N_("in = (i + 1) % N;  count = count + 1"), SHMVIZ_EV_ADVANCE, -1);
      else
        ADD (N_("out = (o + 1) % N;  count = count − 1"), SHMVIZ_EV_ADVANCE, -1);

      switch (self->mode)
        {
        case SHMVIZ_SYNC_SEMAPHORES:
        case SHMVIZ_SYNC_ROBUST_MUTEX:
        case SHMVIZ_SYNC_WRONG_ORDER:
          ADD (N_("post (mutex)"), SHMVIZ_EV_POST, SHMVIZ_SEM_MUTEX);
          ADD (producer ? N_("post (full)") : N_("post (empty)"), SHMVIZ_EV_POST, signal);
          break;
        case SHMVIZ_SYNC_MUTEX_ONLY:
          ADD (N_("post (mutex)"), SHMVIZ_EV_POST, SHMVIZ_SEM_MUTEX);
          break;
        default:
          break;
        }
      if (!producer)
        ADD (N_("use (item)"), SHMVIZ_EV_CONSUME, -1);
#undef ADD
      self->n_lines[role] = n;
    }
}

static void
rebuild_code (ShmvizScheduler *self)
{
  for (guint role = 0; role < 2; role++)
    {
      GtkListBox *box = role == 0 ? self->producer_code : self->consumer_code;
      GtkWidget *child;

      while ((child = gtk_widget_get_first_child (GTK_WIDGET (box))) != NULL)
        gtk_list_box_remove (box, child);

      for (guint i = 0; i < self->n_lines[role]; i++)
        {
          GtkWidget *row_box = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 12);
          GtkWidget *code = gtk_label_new (_(self->lines[role][i].code));
          GtkWidget *procs = gtk_label_new (NULL);
          GtkWidget *row = gtk_list_box_row_new ();

          gtk_label_set_xalign (GTK_LABEL (code), 0);
          gtk_widget_set_hexpand (code, TRUE);
          gtk_widget_add_css_class (code, "monospace");
          gtk_widget_add_css_class (procs, "scheduler-procs");
          gtk_box_append (GTK_BOX (row_box), code);
          gtk_box_append (GTK_BOX (row_box), procs);
          gtk_widget_set_margin_start (row_box, 8);
          gtk_widget_set_margin_end (row_box, 8);
          gtk_widget_set_margin_top (row_box, 2);
          gtk_widget_set_margin_bottom (row_box, 2);
          gtk_list_box_row_set_child (GTK_LIST_BOX_ROW (row), row_box);
          gtk_list_box_row_set_activatable (GTK_LIST_BOX_ROW (row), FALSE);
          gtk_list_box_append (box, row);
          self->line_rows[role][i] = row;
          self->line_procs[role][i] = GTK_LABEL (procs);
        }
    }
}

/* The line process @pv last executed, or -1 (before its first step). */
static int
line_of (ShmvizScheduler      *self,
         guint                 proc,
         const ShmvizProcView *pv)
{
  guint role = proc < self->n_producers ? 0 : 1;
  const Line *l = self->lines[role];
  guint8 kind = pv->last_kind;
  int sem = -1;

  if (self->silent[proc])
    kind = SHMVIZ_EV_NONE;
  else if (kind == SHMVIZ_EV_START || kind == SHMVIZ_EV_EXIT || kind == SHMVIZ_EV_NONE)
    return -1;

  /* Waiting for a semaphore is the line that takes it. */
  if (kind == SHMVIZ_EV_WAIT || kind == SHMVIZ_EV_BLOCKED || kind == SHMVIZ_EV_ACQUIRED)
    {
      kind = SHMVIZ_EV_ACQUIRED;
      sem = pv->wait_sem;
    }
  else if (kind == SHMVIZ_EV_POST)
    /* The mutex is posted first, the counting token after it. */
    sem = (pv->held & ~SHMVIZ_HELD_MUTEX) != 0 ? SHMVIZ_SEM_MUTEX : -2;

  for (guint i = 0; i < self->n_lines[role]; i++)
    if (l[i].kind == kind && (sem == -1 || l[i].sem == sem ||
                              (sem == -2 && l[i].sem != SHMVIZ_SEM_MUTEX)))
      return (int) i;
  /* mutex-only posts only the mutex */
  for (guint i = 0; i < self->n_lines[role]; i++)
    if (l[i].kind == kind)
      return (int) i;
  return -1;
}

static const char *
sem_name (guint sem)
{
  switch (sem)
    {
    case SHMVIZ_SEM_EMPTY: return _("empty");
    case SHMVIZ_SEM_FULL: return _("full");
    case SHMVIZ_SEM_MUTEX: return _("mutex");
    default: return "?";
    }
}

/* Acquiring, holding and released, told apart in words. */
static char *
describe_locks (ShmvizScheduler      *self,
                guint                 proc,
                const ShmvizProcView *pv)
{
  g_autofree char *who = proc_label (self, proc);
  GString *held = g_string_new (NULL);

  if (self->session != NULL && shmviz_schedule_proc_exited (self->session, proc))
    return g_strdup_printf (_("%s: finished"), who);

  for (guint s = 0; s < SHMVIZ_N_SEMS; s++)
    if (pv->held & (1u << s))
      g_string_append_printf (held, "%s%s", held->len ? ", " : "", sem_name (s));

  if (self->session != NULL && shmviz_schedule_proc_blocked (self->session, proc))
    {
      g_autofree char *h = g_string_free (held, FALSE);

      return *h ? g_strdup_printf (_("%s: acquiring %s (asleep), holding %s"), who, sem_name (pv->wait_sem), h)
                : g_strdup_printf (_("%s: acquiring %s (asleep)"), who, sem_name (pv->wait_sem));
    }
  if (held->len > 0)
    {
      g_autofree char *h = g_string_free (held, FALSE);
      return g_strdup_printf (_("%s: holding %s"), who, h);
    }
  g_string_free (held, TRUE);
  return g_strdup_printf (_("%s: holds nothing"), who);
}

/* What the step on line @line consists of, atom by atom. */
static const char *
atomic_parts (ShmvizScheduler *self,
              guint            role,
              int              line)
{
  const Line *l;

  if (line < 0)
    return _("Pick a process to run its first step.");
  l = &self->lines[role][line];
  switch (l->kind)
    {
    case SHMVIZ_EV_PRODUCE:
      return _("One step, private to the producer: it makes the item in its own memory. Nothing shared is touched.");
    case SHMVIZ_EV_ACQUIRED:
      return _("One atomic part: wait() tests the semaphore and takes a token in one indivisible operation, or puts the process to sleep until someone posts.");
    case SHMVIZ_EV_POST:
      return _("One atomic part: post() adds a token and wakes one sleeper, indivisibly.");
    case SHMVIZ_EV_NONE:
      return _("No lock is taken: nothing stops another process from being inside at the same time.");
    case SHMVIZ_EV_READ_INDEX:
      return role == 0
        ? _("Read-modify-write of in, part 1 of 3: ① read in into the register i (this step). ② compute i + 1 and ③ write in back come in the step “in = (i + 1) % N”. Another producer that reads in between ① and ③ gets the same i: both write one slot and an item is lost.")
        : _("Read-modify-write of out, part 1 of 3: ① read out into the register o (this step). ② compute o + 1 and ③ write out back come in the step “out = (o + 1) % N”. Another consumer that reads out in between takes the same item twice.");
    case SHMVIZ_EV_WRITE_SLOT:
      return _("One store: the item goes into buffer[i]. If that slot still held an item nobody consumed, it is overwritten and lost.");
    case SHMVIZ_EV_READ_SLOT:
      return _("One load: the item is copied out of buffer[o]. An empty slot gives an empty read.");
    case SHMVIZ_EV_ADVANCE:
      return _("Read-modify-write, parts ② and ③: compute the next index from the value read earlier, write it back, then count ± 1, itself read, changed and written. A value another process wrote since part ① is overwritten.");
    case SHMVIZ_EV_CONSUME:
      return _("One step, private to the consumer: it uses the item in its own memory.");
    default:
      return "";
    }
}

/* The opened lesson has a schedule made for the scenario running now. */
static gboolean
lesson_fits (ShmvizScheduler *self)
{
  const ShmvizScenario *sc;

  if (self->lesson == NULL || self->lesson->schedule == NULL || self->session == NULL)
    return FALSE;
  sc = shmviz_session_get_scenario (self->session);
  return sc->n_producers == self->lesson->scenario.n_producers &&
         sc->n_consumers == self->lesson->scenario.n_consumers &&
         sc->n_slots == self->lesson->scenario.n_slots &&
         sc->sync == self->lesson->scenario.sync;
}

static void
refresh (ShmvizScheduler *self)
{
  g_autoptr(GString) status = g_string_new (NULL);
  g_autofree char *sched = NULL;
  ShmvizModel *model = self->session ? shmviz_session_get_model (self->session) : NULL;
  int highlight = -1;
  guint highlight_role = 0;
  GString *at[2][MAX_LINES] = { { NULL } };

  gtk_widget_set_sensitive (GTK_WIDGET (self->undo_button),
                            self->active && !self->busy && self->schedule->len > 0);
  gtk_widget_set_sensitive (self->save_lesson_button,
                            self->active && !self->busy && self->schedule->len > 0);
  gtk_widget_set_visible (self->replay_lesson_button, lesson_fits (self));
  gtk_widget_set_sensitive (self->replay_lesson_button, !self->busy);

  if (self->active)
    {
      g_string_append (status, self->busy ? _("Running the step…") : _("Pick the next process: click its card, or press"));
      if (!self->busy)
        for (guint p = 0; p < MIN (self->n_procs, 9u); p++)
          {
            g_autofree char *who = proc_label (self, p);
            g_string_append_printf (status, "%s %u = %s", p == 0 ? "" : ",", p + 1, who);
          }
      g_string_append_c (status, '\n');
    }
  else
    g_string_append (status, _("Turn this on, then pick which process runs its next step: click its card or press 1–9."));

  for (guint p = 0; model != NULL && p < self->n_procs; p++)
    {
      ShmvizProcView pv;
      guint role = p < self->n_producers ? 0 : 1;
      int line;

      if (!shmviz_model_get_proc (model, p, &pv))
        continue;
      line = line_of (self, p, &pv);
      if (line >= 0)
        {
          g_autofree char *who = proc_label (self, p);

          if (at[role][line] == NULL)
            at[role][line] = g_string_new (NULL);
          g_string_append_printf (at[role][line], "%s%s", at[role][line]->len ? " " : "", who);
          if (self->session && shmviz_schedule_proc_blocked (self->session, p))
            g_string_append (at[role][line], "⏸");
        }
      if (p == self->last_proc)
        {
          highlight = line;
          highlight_role = role;
        }
      if (self->active)
        {
          g_autofree char *locks = describe_locks (self, p, &pv);
          g_string_append_printf (status, "%s%s", p == 0 ? "" : " · ", locks);
        }
    }
  gtk_label_set_text (self->status_label, status->str);

  for (guint role = 0; role < 2; role++)
    for (guint i = 0; i < self->n_lines[role]; i++)
      {
        gboolean current = (int) i == highlight && role == highlight_role;

        gtk_label_set_text (self->line_procs[role][i], at[role][i] ? at[role][i]->str : "");
        if (at[role][i])
          g_string_free (at[role][i], TRUE);
        if (current)
          gtk_widget_add_css_class (self->line_rows[role][i], "current-line");
        else
          gtk_widget_remove_css_class (self->line_rows[role][i], "current-line");
      }

  gtk_widget_set_visible (GTK_WIDGET (self->atomic_label),
                          gtk_check_button_get_active (self->atomic_check) && self->active);
  gtk_label_set_text (self->atomic_label,
                      self->last_proc == G_MAXUINT ? atomic_parts (self, 0, -1)
                                                   : atomic_parts (self, highlight_role, highlight));

  sched = shmviz_schedule_to_string ((const guint *) (void *) self->schedule->data, self->schedule->len,
                                     self->n_producers);
  if (self->schedule->len > 0)
    {
      g_autofree char *text = g_strdup_printf (_("Schedule: %s"), sched);
      gtk_label_set_text (self->schedule_label, text);
    }
  else
    gtk_label_set_text (self->schedule_label, "");

  gtk_widget_set_visible (GTK_WIDGET (self->quiz_label), self->quiz_asked > 0);
  if (self->quiz_asked > 0)
    {
      g_autofree char *text = g_strdup_printf (ngettext ("Quiz: %u of %u answer right",
                                                         "Quiz: %u of %u answers right",
                                                         self->quiz_asked),
                                               self->quiz_right, self->quiz_asked);
      gtk_label_set_text (self->quiz_label, text);
    }
}

static void
set_caption (ShmvizScheduler *self,
             char            *caption)
{
  g_free (self->caption);
  self->caption = caption;
}

static void
step_done (GObject      *source,
           GAsyncResult *result,
           gpointer      user_data)
{
  ShmvizScheduler *self = user_data;
  g_autoptr(GError) error = NULL;
  ShmvizStepOutcome outcome;
  g_autofree char *who = NULL;
  guint before_anomalies;
  ShmvizProcView pv;

  if (!shmviz_schedule_step_finish (SHMVIZ_SESSION (source), result, &outcome, &error))
    {
      if (!g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        {
          self->busy = FALSE;
          set_caption (self, g_strdup (error->message));
          gtk_label_set_text (self->status_label, error->message);
        }
      g_object_unref (self);
      return;
    }

  self->busy = FALSE;
  before_anomalies = GPOINTER_TO_UINT (g_object_get_data (G_OBJECT (self), "anomalies-before"));
  g_array_append_val (self->schedule, outcome.proc);
  self->last_proc = outcome.proc;
  who = proc_label (self, outcome.proc);

  if (shmviz_model_get_proc (shmviz_session_get_model (self->session), outcome.proc, &pv))
    {
      /* A step that recorded nothing (off mode's way in) left the
       * process's last event where it was. */
      self->silent[outcome.proc] = pv.last_ns == self->last_ns[outcome.proc] && !outcome.exited;
      self->last_ns[outcome.proc] = pv.last_ns;
    }

  if (outcome.exited)
    set_caption (self, g_strdup_printf (_("%s finished and exited."), who));
  else if (outcome.blocked)
    set_caption (self, g_strdup_printf (_("%s went to sleep waiting for %s."), who, sem_name (pv.wait_sem)));
  else if (outcome.n_anomalies > before_anomalies)
    set_caption (self, g_strdup_printf (_("%s’s step caused a race: see the race log."), who));
  else
    {
      int line = line_of (self, outcome.proc, &pv);
      guint role = outcome.proc < self->n_producers ? 0 : 1;

      set_caption (self, line >= 0
                   ? g_strdup_printf (_("%s ran “%s”."), who, _(self->lines[role][line].code))
                   : g_strdup_printf (_("%s took a step."), who));
    }

  if (self->quiz_guess >= 0)
    {
      gint actual = outcome.exited ? ANSWER_EXIT
                    : outcome.n_anomalies > before_anomalies ? ANSWER_RACE
                    : outcome.blocked ? ANSWER_BLOCK : ANSWER_PROCEED;

      self->quiz_asked++;
      if (actual == self->quiz_guess)
        self->quiz_right++;
      {
        g_autofree char *old = g_strdup (self->caption);
        set_caption (self, g_strdup_printf (actual == self->quiz_guess ? _("Right! %s") : _("Not quite: %s"), old));
      }
      self->quiz_guess = -1;
    }

  refresh (self);
  g_object_unref (self);
}

static void
do_step (ShmvizScheduler *self,
         guint            proc)
{
  self->busy = TRUE;
  g_object_set_data (G_OBJECT (self), "anomalies-before",
                     GUINT_TO_POINTER (shmviz_model_get_anomalies (shmviz_session_get_model (self->session), 0, NULL)));
  refresh (self);
  shmviz_schedule_step_async (self->session, proc, self->cancellable, step_done, g_object_ref (self));
}

static void
quiz_response (AdwMessageDialog *dialog,
               const char       *response,
               gpointer          user_data)
{
  ShmvizScheduler *self = user_data;
  guint proc = GPOINTER_TO_UINT (g_object_get_data (G_OBJECT (dialog), "proc"));
  static const char * const ids[] = { "proceed", "block", "race", "exit" };

  self->quiz_guess = -1;
  for (guint i = 0; i < G_N_ELEMENTS (ids); i++)
    if (g_strcmp0 (response, ids[i]) == 0)
      self->quiz_guess = (gint) i;
  if (self->session != NULL && shmviz_session_get_running (self->session))
    do_step (self, proc);
  else
    self->busy = FALSE;
}

static void
ask_quiz (ShmvizScheduler *self,
          guint            proc)
{
  GtkRoot *root = gtk_widget_get_root (GTK_WIDGET (self));
  g_autofree char *who = proc_label (self, proc);
  g_autofree char *body = g_strdup_printf (_("%s is about to run its next step. What will happen?"), who);
  AdwMessageDialog *dialog;

  dialog = ADW_MESSAGE_DIALOG (adw_message_dialog_new (GTK_IS_WINDOW (root) ? GTK_WINDOW (root) : NULL,
                                                       _("What Will Happen?"), body));
  /* The outcomes a step can really have, as the driver tells them apart. */
  adw_message_dialog_add_responses (dialog,
                                    "proceed", _("It _goes on"),
                                    "block", _("It _blocks"),
                                    "race", _("A _race shows"),
                                    "exit", _("It _exits"),
                                    NULL);
  adw_message_dialog_set_close_response (dialog, "skip");
  g_object_set_data (G_OBJECT (dialog), "proc", GUINT_TO_POINTER (proc));
  g_signal_connect (dialog, "response", G_CALLBACK (quiz_response), self);
  self->busy = TRUE;
  gtk_window_present (GTK_WINDOW (dialog));
}

gboolean
shmviz_scheduler_pick (ShmvizScheduler *self,
                       guint            proc)
{
  g_return_val_if_fail (SHMVIZ_IS_SCHEDULER (self), FALSE);

  if (!self->active)
    return FALSE;
  if (self->busy || self->session == NULL || !shmviz_session_get_running (self->session) ||
      proc >= self->n_procs)
    return TRUE;

  if (gtk_check_button_get_active (self->quiz_check))
    ask_quiz (self, proc);
  else
    do_step (self, proc);
  return TRUE;
}

static void
replay_done (GObject      *source,
             GAsyncResult *result,
             gpointer      user_data)
{
  ShmvizScheduler *self = user_data;
  g_autoptr(GError) error = NULL;

  if (!shmviz_schedule_run_finish (SHMVIZ_SESSION (source), result, &error) &&
      g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    {
      g_object_unref (self);
      return;
    }
  self->busy = FALSE;
  if (error != NULL)
    set_caption (self, g_strdup (error->message));
  else if (self->replay != NULL)
    {
      g_array_append_vals (self->schedule, self->replay->data, self->replay->len);
      self->last_proc = self->replay->len > 0 ? g_array_index (self->replay, guint, self->replay->len - 1)
                                              : G_MAXUINT;
      set_caption (self, g_strdup (self->replaying_lesson
                                   ? _("Replayed the lesson’s schedule.")
                                   : _("Stepped back: the run replayed every step before the last.")));
    }
  g_clear_pointer (&self->replay, g_array_unref);
  self->replaying_lesson = FALSE;
  /* The silent-step marks are lost with the old session; recompute them
   * cheaply by assuming none (only off mode's first move is silent). */
  refresh (self);
  g_object_unref (self);
}

static void
replay_pending (ShmvizScheduler *self)
{
  g_autoptr(GArray) none = NULL;
  GArray *steps;

  if (self->session == NULL || !shmviz_session_get_running (self->session))
    return;
  steps = self->replay ? self->replay : (none = g_array_new (FALSE, FALSE, sizeof (guint)));
  self->busy = TRUE;
  refresh (self);
  shmviz_schedule_run_async (self->session, (const guint *) (void *) steps->data, steps->len,
                             self->cancellable, replay_done, g_object_ref (self));
}

static void
session_notify_running (ShmvizSession   *session,
                        GParamSpec      *pspec,
                        ShmvizScheduler *self)
{
  if (self->active && shmviz_session_get_running (session) && !self->busy)
    replay_pending (self);
  else if (!shmviz_session_get_running (session))
    refresh (self);
}

void
shmviz_scheduler_set_session (ShmvizScheduler *self,
                              ShmvizSession   *session)
{
  const ShmvizScenario *sc;

  g_return_if_fail (SHMVIZ_IS_SCHEDULER (self));

  g_cancellable_cancel (self->cancellable);
  g_clear_object (&self->cancellable);
  self->cancellable = g_cancellable_new ();
  self->busy = FALSE;
  self->quiz_guess = -1;
  if (self->session != NULL)
    g_signal_handlers_disconnect_by_data (self->session, self);
  g_set_object (&self->session, session);
  g_array_set_size (self->schedule, 0);
  self->last_proc = G_MAXUINT;
  g_clear_pointer (&self->caption, g_free);
  if (session == NULL)
    return;

  sc = shmviz_session_get_scenario (session);
  self->n_producers = sc->n_producers;
  self->n_procs = sc->n_producers + sc->n_consumers;
  self->mode = sc->sync;
  g_free (self->silent);
  g_free (self->last_ns);
  self->silent = g_new0 (gboolean, self->n_procs);
  self->last_ns = g_new0 (guint64, self->n_procs);
  build_program (self);
  rebuild_code (self);

  g_signal_connect (session, "notify::running", G_CALLBACK (session_notify_running), self);
  if (self->active)
    {
      shmviz_schedule_prepare (session);
      /* Started already (a late call): settle (and replay) right away. */
      if (shmviz_session_get_running (session))
        replay_pending (self);
    }
  refresh (self);
}

void
shmviz_scheduler_step_back (ShmvizScheduler *self)
{
  g_return_if_fail (SHMVIZ_IS_SCHEDULER (self));

  if (!self->active || self->busy || self->schedule->len == 0)
    return;
  g_clear_pointer (&self->replay, g_array_unref);
  self->replay = g_array_sized_new (FALSE, FALSE, sizeof (guint), self->schedule->len);
  g_array_append_vals (self->replay, self->schedule->data, self->schedule->len - 1);
  gtk_widget_activate_action (GTK_WIDGET (self), "win.restart", NULL);
}

void
shmviz_scheduler_set_active (ShmvizScheduler *self,
                             gboolean         active)
{
  g_return_if_fail (SHMVIZ_IS_SCHEDULER (self));

  active = !!active;
  if (self->active == active)
    return;
  self->active = active;
  self->updating = TRUE;
  gtk_switch_set_active (self->active_switch, active);
  self->updating = FALSE;
  g_clear_pointer (&self->replay, g_array_unref);

  if (active)
    /* A fresh run, so that nothing moved before the first pick. */
    gtk_widget_activate_action (GTK_WIDGET (self), "win.restart", NULL);
  else if (self->session != NULL)
    {
      g_cancellable_cancel (self->cancellable);
      self->busy = FALSE;
      shmviz_session_set_paused (self->session, FALSE);
    }
  refresh (self);
}

gboolean
shmviz_scheduler_get_active (ShmvizScheduler *self)
{
  g_return_val_if_fail (SHMVIZ_IS_SCHEDULER (self), FALSE);
  return self->active;
}

gboolean
shmviz_scheduler_get_busy (ShmvizScheduler *self)
{
  g_return_val_if_fail (SHMVIZ_IS_SCHEDULER (self), FALSE);
  return self->busy;
}

char *
shmviz_scheduler_dup_schedule (ShmvizScheduler *self)
{
  g_return_val_if_fail (SHMVIZ_IS_SCHEDULER (self), NULL);
  return shmviz_schedule_to_string ((const guint *) (void *) self->schedule->data, self->schedule->len,
                                    self->n_producers);
}

const char *
shmviz_scheduler_get_caption (ShmvizScheduler *self)
{
  g_return_val_if_fail (SHMVIZ_IS_SCHEDULER (self), "");
  return self->caption ? self->caption : "";
}

void
shmviz_scheduler_set_lesson (ShmvizScheduler *self,
                             const char      *id)
{
  g_return_if_fail (SHMVIZ_IS_SCHEDULER (self));

  if (id == NULL)
    g_clear_pointer (&self->lesson, shmviz_lesson_free);
  else if (self->lesson == NULL || g_strcmp0 (self->lesson->id, id) != 0)
    {
      g_clear_pointer (&self->lesson, shmviz_lesson_free);
      /* A few small files, once per lesson opened. */
      self->lesson = shmviz_lesson_find (id, NULL);
    }
  refresh (self);
}

static void
replay_lesson_clicked (GtkButton       *button,
                       ShmvizScheduler *self)
{
  g_autoptr(GError) error = NULL;
  GArray *steps;

  if (!lesson_fits (self) || self->busy)
    return;
  if (!(steps = shmviz_lesson_parse_schedule (self->lesson, &error)))
    {
      set_caption (self, g_strdup (error->message));
      refresh (self);
      return;
    }
  /* The same road as step back: a fresh run, then the steps on it. */
  g_clear_pointer (&self->replay, g_array_unref);
  self->replay = steps;
  self->replaying_lesson = TRUE;
  if (!self->active)
    {
      self->active = TRUE;
      self->updating = TRUE;
      gtk_switch_set_active (self->active_switch, TRUE);
      self->updating = FALSE;
    }
  gtk_widget_activate_action (GTK_WIDGET (self), "win.restart", NULL);
}

static void
save_lesson_response (AdwMessageDialog *dialog,
                      const char       *response,
                      ShmvizScheduler  *self)
{
  GtkEditable *entry = g_object_get_data (G_OBJECT (dialog), "entry");
  g_autoptr(ShmvizLesson) lesson = NULL;
  g_autoptr(GError) error = NULL;
  const char *name;

  if (g_strcmp0 (response, "save") != 0 || self->session == NULL || self->schedule->len == 0)
    return;
  name = gtk_editable_get_text (entry);
  lesson = g_new0 (ShmvizLesson, 1);
  lesson->id = shmviz_lesson_id_from_name (name);
  lesson->name = g_strdup (name);
  lesson->title = g_strdup (_("Saved from shmviz"));
  lesson->explanation = g_strdup (_("A scenario saved from the app."));
  lesson->scenario = *shmviz_session_get_scenario (self->session);
  lesson->schedule = shmviz_scheduler_dup_schedule (self);
  lesson->expect = shmviz_model_get_anomalies (shmviz_session_get_model (self->session), 0, NULL) > 0
                   ? SHMVIZ_EXPECT_RACES : SHMVIZ_EXPECT_CLEAN;

  if (*name == '\0' || !shmviz_lesson_save (lesson, NULL, &error))
    {
      GtkRoot *root = gtk_widget_get_root (GTK_WIDGET (self));
      GtkWidget *err = adw_message_dialog_new (GTK_IS_WINDOW (root) ? GTK_WINDOW (root) : NULL,
                                               _("The Lesson Was Not Saved"),
                                               error ? error->message : _("Give it a name with letters or digits."));

      adw_message_dialog_add_response (ADW_MESSAGE_DIALOG (err), "close", _("_Close"));
      gtk_window_present (GTK_WINDOW (err));
      return;
    }
  set_caption (self, g_strdup_printf (_("Saved as the lesson “%s”."), lesson->name));
  g_signal_emit (self, signals[LESSON_SAVED], 0, lesson->id);
  refresh (self);
}

static void
save_lesson_clicked (GtkButton       *button,
                     ShmvizScheduler *self)
{
  GtkRoot *root = gtk_widget_get_root (GTK_WIDGET (self));
  g_autofree char *schedule = shmviz_scheduler_dup_schedule (self);
  GtkWidget *dialog = adw_message_dialog_new (GTK_IS_WINDOW (root) ? GTK_WINDOW (root) : NULL,
                                              _("Save as Lesson"), schedule);
  GtkWidget *entry = gtk_entry_new ();

  gtk_entry_set_placeholder_text (GTK_ENTRY (entry), _("Name, e.g. Two fast producers"));
  gtk_entry_set_activates_default (GTK_ENTRY (entry), TRUE);
  adw_message_dialog_set_extra_child (ADW_MESSAGE_DIALOG (dialog), entry);
  adw_message_dialog_add_responses (ADW_MESSAGE_DIALOG (dialog),
                                    "cancel", _("_Cancel"), "save", _("_Save"), NULL);
  adw_message_dialog_set_response_appearance (ADW_MESSAGE_DIALOG (dialog), "save", ADW_RESPONSE_SUGGESTED);
  adw_message_dialog_set_default_response (ADW_MESSAGE_DIALOG (dialog), "save");
  g_object_set_data (G_OBJECT (dialog), "entry", entry);
  g_signal_connect_object (dialog, "response", G_CALLBACK (save_lesson_response), self, 0);
  gtk_window_present (GTK_WINDOW (dialog));
}

static void
active_switch_notify (GtkSwitch       *sw,
                      GParamSpec      *pspec,
                      ShmvizScheduler *self)
{
  if (!self->updating)
    shmviz_scheduler_set_active (self, gtk_switch_get_active (sw));
}

static void
undo_clicked (GtkButton       *button,
              ShmvizScheduler *self)
{
  shmviz_scheduler_step_back (self);
}

static void
atomic_toggled (GtkCheckButton  *check,
                ShmvizScheduler *self)
{
  refresh (self);
}

static gboolean
focus_takes_keys (GtkWidget *focus)
{
  return focus != NULL && (GTK_IS_EDITABLE (focus) || GTK_IS_TEXT_VIEW (focus));
}

static gboolean
digit_activated (GtkWidget *widget,
                 GVariant  *args,
                 gpointer   user_data)
{
  ShmvizScheduler *self = SHMVIZ_SCHEDULER (widget);
  GtkRoot *root = gtk_widget_get_root (widget);
  guint digit = GPOINTER_TO_UINT (user_data);

  if (!self->active ||
      (GTK_IS_WINDOW (root) && focus_takes_keys (gtk_window_get_focus (GTK_WINDOW (root)))))
    return FALSE;
  return shmviz_scheduler_pick (self, digit - 1);
}

static void
shmviz_scheduler_dispose (GObject *object)
{
  ShmvizScheduler *self = SHMVIZ_SCHEDULER (object);

  g_cancellable_cancel (self->cancellable);
  if (self->session != NULL)
    g_signal_handlers_disconnect_by_data (self->session, self);
  g_clear_object (&self->session);
  g_clear_object (&self->cancellable);
  gtk_widget_dispose_template (GTK_WIDGET (self), SHMVIZ_TYPE_SCHEDULER);
  G_OBJECT_CLASS (shmviz_scheduler_parent_class)->dispose (object);
}

static void
shmviz_scheduler_finalize (GObject *object)
{
  ShmvizScheduler *self = SHMVIZ_SCHEDULER (object);

  g_clear_pointer (&self->schedule, g_array_unref);
  g_clear_pointer (&self->replay, g_array_unref);
  g_free (self->silent);
  g_free (self->last_ns);
  g_free (self->caption);
  g_clear_pointer (&self->lesson, shmviz_lesson_free);
  G_OBJECT_CLASS (shmviz_scheduler_parent_class)->finalize (object);
}

static void
shmviz_scheduler_class_init (ShmvizSchedulerClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = shmviz_scheduler_dispose;
  object_class->finalize = shmviz_scheduler_finalize;

  gtk_widget_class_set_template_from_resource (widget_class, "/io/github/shmviz/Shmviz/ui/shmviz-scheduler.ui");
  gtk_widget_class_bind_template_child (widget_class, ShmvizScheduler, active_switch);
  gtk_widget_class_bind_template_child (widget_class, ShmvizScheduler, status_label);
  gtk_widget_class_bind_template_child (widget_class, ShmvizScheduler, undo_button);
  gtk_widget_class_bind_template_child (widget_class, ShmvizScheduler, quiz_check);
  gtk_widget_class_bind_template_child (widget_class, ShmvizScheduler, atomic_check);
  gtk_widget_class_bind_template_child (widget_class, ShmvizScheduler, schedule_label);
  gtk_widget_class_bind_template_child (widget_class, ShmvizScheduler, quiz_label);
  gtk_widget_class_bind_template_child (widget_class, ShmvizScheduler, producer_code);
  gtk_widget_class_bind_template_child (widget_class, ShmvizScheduler, consumer_code);
  gtk_widget_class_bind_template_child (widget_class, ShmvizScheduler, atomic_label);
  gtk_widget_class_set_css_name (widget_class, "shmvizscheduler");

  /* A lesson was written to the user's lessons (its id): the gallery
   * lists it once it reloads. */
  signals[LESSON_SAVED] = g_signal_new ("lesson-saved", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                                        0, NULL, NULL, NULL, G_TYPE_NONE, 1, G_TYPE_STRING);
}

static void
shmviz_scheduler_init (ShmvizScheduler *self)
{
  GtkEventController *shortcuts;

  gtk_widget_init_template (GTK_WIDGET (self));
  self->schedule = g_array_new (FALSE, FALSE, sizeof (guint));

  /* Lessons: keep a schedule, or replay the one the opened lesson has.
   * Built here, under the schedule they act on. */
  {
    GtkWidget *column = gtk_widget_get_parent (GTK_WIDGET (self->schedule_label));
    GtkWidget *row = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 6);

    self->save_lesson_button = gtk_button_new_with_mnemonic (_("Save Schedule as _Lesson…"));
    self->replay_lesson_button = gtk_button_new_with_mnemonic (_("_Replay the Lesson’s Schedule"));
    gtk_widget_set_visible (self->replay_lesson_button, FALSE);
    gtk_box_append (GTK_BOX (row), self->save_lesson_button);
    gtk_box_append (GTK_BOX (row), self->replay_lesson_button);
    gtk_box_insert_child_after (GTK_BOX (column), row, GTK_WIDGET (self->schedule_label));
    g_signal_connect (self->save_lesson_button, "clicked", G_CALLBACK (save_lesson_clicked), self);
    g_signal_connect (self->replay_lesson_button, "clicked", G_CALLBACK (replay_lesson_clicked), self);
  }
  self->last_proc = G_MAXUINT;
  self->quiz_guess = -1;
  self->cancellable = g_cancellable_new ();
  build_program (self);
  rebuild_code (self);

  /* 1–9 pick a process from anywhere in the window. */
  shortcuts = gtk_shortcut_controller_new ();
  gtk_shortcut_controller_set_scope (GTK_SHORTCUT_CONTROLLER (shortcuts), GTK_SHORTCUT_SCOPE_GLOBAL);
  for (guint d = 1; d <= 9; d++)
    {
      GtkShortcutTrigger *trigger =
        gtk_alternative_trigger_new (gtk_keyval_trigger_new (GDK_KEY_0 + d, 0),
                                     gtk_keyval_trigger_new (GDK_KEY_KP_0 + d, 0));
      gtk_shortcut_controller_add_shortcut (GTK_SHORTCUT_CONTROLLER (shortcuts),
                                            gtk_shortcut_new (trigger,
                                                              gtk_callback_action_new (digit_activated,
                                                                                       GUINT_TO_POINTER (d), NULL)));
    }
  gtk_widget_add_controller (GTK_WIDGET (self), shortcuts);

  g_signal_connect (self->active_switch, "notify::active", G_CALLBACK (active_switch_notify), self);
  g_signal_connect (self->undo_button, "clicked", G_CALLBACK (undo_clicked), self);
  g_signal_connect (self->atomic_check, "toggled", G_CALLBACK (atomic_toggled), self);
  refresh (self);
}

GtkWidget *
shmviz_scheduler_new (void)
{
  return g_object_new (SHMVIZ_TYPE_SCHEDULER, NULL);
}
