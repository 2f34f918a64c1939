/* shmviz-lesson-gallery.c — the classroom's lessons
 *
 * Picking a lesson writes its scenario into the window's settings, the one
 * source of the scenario, and asks the window to restart; its explanation
 * stays beside the views.  A broken lesson links to its fixed twin, and
 * the A/B window runs both at once: two sessions with the same seed and
 * timings, two buffer views and two process views, each folding its own
 * model, so the difference the fix makes is seen side by side.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <adwaita.h>
#include <glib/gi18n.h>
#include <inttypes.h>
#include <string.h>

#include "lesson.h"
#include "session.h"
#include "shmviz-application.h"
#include "shmviz-buffer-view.h"
#include "shmviz-lesson-gallery.h"
#include "shmviz-process-view.h"

struct _ShmvizLessonGallery
{
  GtkBox        parent_instance;

  GtkListBox   *list;
  GtkLabel     *title_label;
  GtkLabel     *explanation_label;
  GtkButton    *open_button;
  GtkButton    *twin_button;
  GtkButton    *ab_button;
  GtkButton    *save_button;

  GSettings    *settings;
  GPtrArray    *lessons;   /* ShmvizLesson */
  ShmvizLesson *current;   /* borrowed from lessons */
  gboolean      selecting;
};

G_DEFINE_FINAL_TYPE (ShmvizLessonGallery, shmviz_lesson_gallery, GTK_TYPE_BOX)

static const char *
expect_text (ShmvizLessonExpect expect)
{
  switch (expect)
    {
    case SHMVIZ_EXPECT_CLEAN: return _("Expect: no anomaly, every item accounted for.");
    case SHMVIZ_EXPECT_RACES: return _("Expect: races — lost, duplicated or empty reads.");
    case SHMVIZ_EXPECT_DEADLOCK: return _("Expect: a deadlock.");
    case SHMVIZ_EXPECT_BACK_PRESSURE: return _("Expect: producers waiting on “empty” (back-pressure), nothing lost.");
    case SHMVIZ_EXPECT_CONTENTION: return _("Expect: several producers waiting at once, nothing lost.");
    default: return "";
    }
}

static ShmvizLesson *
find (ShmvizLessonGallery *self,
      const char          *id)
{
  for (guint i = 0; self->lessons && i < self->lessons->len; i++)
    {
      ShmvizLesson *l = g_ptr_array_index (self->lessons, i);

      if (g_strcmp0 (l->id, id) == 0)
        return l;
    }
  return NULL;
}

static void
show_lesson (ShmvizLessonGallery *self,
             ShmvizLesson        *lesson)
{
  ShmvizLesson *twin = lesson ? find (self, lesson->twin) : NULL;
  g_autofree char *text = NULL;

  self->current = lesson;
  gtk_widget_set_sensitive (GTK_WIDGET (self->open_button), lesson != NULL);
  gtk_widget_set_visible (GTK_WIDGET (self->twin_button), twin != NULL);
  gtk_widget_set_visible (GTK_WIDGET (self->ab_button), twin != NULL);
  if (lesson == NULL)
    {
      gtk_label_set_text (self->title_label, _("Lessons"));
      gtk_label_set_text (self->explanation_label, _("Pick a lesson: the run restarts with its scenario, and its explanation appears here."));
      return;
    }

  text = g_strdup_printf ("%s — %s", lesson->name, lesson->title);
  gtk_label_set_text (self->title_label, text);
  g_free (text);
  text = g_strdup_printf ("%s\n\n%s", lesson->explanation, expect_text (lesson->expect));
  gtk_label_set_text (self->explanation_label, text);
  if (twin != NULL)
    {
      g_autofree char *label = g_strdup_printf (twin->expect == SHMVIZ_EXPECT_CLEAN
                                                ? _("Open the _Fixed Twin: %s")
                                                : _("Open the _Broken Twin: %s"), twin->name);
      gtk_button_set_label (self->twin_button, label);
    }
}

/* Writes @lesson's scenario into the settings and restarts the run. */
static void
apply (ShmvizLessonGallery *self,
       ShmvizLesson        *lesson)
{
  const ShmvizScenario *sc = &lesson->scenario;
  static const struct { const char *key; ShmvizTiming timing; } timings[] = {
    { "produce-ms", SHMVIZ_TIMING_PRODUCE },
    { "consume-ms", SHMVIZ_TIMING_CONSUME },
    { "race-window-ms", SHMVIZ_TIMING_RACE_WINDOW },
    { "step-ms", SHMVIZ_TIMING_STEP },
  };

  if (self->settings == NULL)
    return;

  /* One batch, so the window restarts once, not once per key. */
  g_settings_delay (self->settings);
  g_settings_set_uint (self->settings, "producers", sc->n_producers);
  g_settings_set_uint (self->settings, "consumers", sc->n_consumers);
  g_settings_set_uint (self->settings, "slots", sc->n_slots);
  g_settings_set_uint (self->settings, "item-size", sc->item_size);
  g_settings_set_string (self->settings, "sync-mode", shmviz_sync_mode_to_string (sc->sync));
  g_settings_set_uint (self->settings, "speed", sc->speed_permille);
  for (guint i = 0; i < G_N_ELEMENTS (timings); i++)
    g_settings_set_uint (self->settings, timings[i].key,
                         (guint) MIN (sc->timing_ns[timings[i].timing] / 1000000, 60000));
  g_settings_apply (self->settings);

  gtk_widget_activate_action (GTK_WIDGET (self), "win.restart", NULL);
}

gboolean
shmviz_lesson_gallery_open (ShmvizLessonGallery *self,
                            const char          *id)
{
  ShmvizLesson *lesson;

  g_return_val_if_fail (SHMVIZ_IS_LESSON_GALLERY (self), FALSE);

  if (!(lesson = find (self, id)))
    return FALSE;
  self->selecting = TRUE;
  for (GtkWidget *row = gtk_widget_get_first_child (GTK_WIDGET (self->list)); row;
       row = gtk_widget_get_next_sibling (row))
    if (g_strcmp0 (g_object_get_data (G_OBJECT (row), "lesson-id"), id) == 0)
      gtk_list_box_select_row (self->list, GTK_LIST_BOX_ROW (row));
  self->selecting = FALSE;
  show_lesson (self, lesson);
  apply (self, lesson);
  return TRUE;
}

static void
row_selected (GtkListBox          *box,
              GtkListBoxRow       *row,
              ShmvizLessonGallery *self)
{
  if (self->selecting || row == NULL)
    return;
  shmviz_lesson_gallery_open (self, g_object_get_data (G_OBJECT (row), "lesson-id"));
}

void
shmviz_lesson_gallery_reload (ShmvizLessonGallery *self)
{
  g_autoptr(GPtrArray) errors = g_ptr_array_new_with_free_func (g_free);
  g_autofree char *current = self->current ? g_strdup (self->current->id) : NULL;
  GtkWidget *child;

  g_return_if_fail (SHMVIZ_IS_LESSON_GALLERY (self));

  self->current = NULL;
  g_clear_pointer (&self->lessons, g_ptr_array_unref);
  self->lessons = shmviz_lesson_list (errors);
  for (guint i = 0; i < errors->len; i++)
    g_warning ("%s", (const char *) g_ptr_array_index (errors, i));

  while ((child = gtk_widget_get_first_child (GTK_WIDGET (self->list))) != NULL)
    gtk_list_box_remove (self->list, child);
  for (guint i = 0; i < self->lessons->len; i++)
    {
      ShmvizLesson *l = g_ptr_array_index (self->lessons, i);
      GtkWidget *row = gtk_list_box_row_new ();
      GtkWidget *box = gtk_box_new (GTK_ORIENTATION_VERTICAL, 2);
      GtkWidget *name = gtk_label_new (l->name);
      GtkWidget *title = gtk_label_new (l->title);

      gtk_label_set_xalign (GTK_LABEL (name), 0);
      gtk_label_set_xalign (GTK_LABEL (title), 0);
      gtk_label_set_wrap (GTK_LABEL (title), TRUE);
      gtk_widget_add_css_class (name, "heading");
      gtk_widget_add_css_class (title, "dim-label");
      gtk_box_append (GTK_BOX (box), name);
      gtk_box_append (GTK_BOX (box), title);
      gtk_list_box_row_set_child (GTK_LIST_BOX_ROW (row), box);
      g_object_set_data_full (G_OBJECT (row), "lesson-id", g_strdup (l->id), g_free);
      gtk_list_box_append (self->list, row);
    }
  show_lesson (self, current ? find (self, current) : NULL);
}

guint
shmviz_lesson_gallery_get_n_lessons (ShmvizLessonGallery *self)
{
  g_return_val_if_fail (SHMVIZ_IS_LESSON_GALLERY (self), 0);
  return self->lessons ? self->lessons->len : 0;
}

const char *
shmviz_lesson_gallery_get_current (ShmvizLessonGallery *self)
{
  g_return_val_if_fail (SHMVIZ_IS_LESSON_GALLERY (self), NULL);
  return self->current ? self->current->id : NULL;
}

void
shmviz_lesson_gallery_set_settings (ShmvizLessonGallery *self,
                                    GSettings           *settings)
{
  g_return_if_fail (SHMVIZ_IS_LESSON_GALLERY (self));
  g_set_object (&self->settings, settings);
}

/* ---- A/B ---------------------------------------------------------------- */

typedef struct {
  ShmvizSession    *session;
  ShmvizSnapshot    snap;
  ShmvizBufferView *buffer;
  ShmvizProcessView *procs;
  GtkLabel         *totals;
} Side;

typedef struct {
  Side  sides[2];
  guint tick_id;
} AB;

static void
session_done (ShmvizSession *session,
              gpointer       user_data)
{
  g_object_unref (session);
}

static void
ab_free (AB *ab)
{
  for (guint i = 0; i < 2; i++)
    {
      Side *s = &ab->sides[i];

      if (s->session != NULL)
        {
          /* Kept alive until its workers are gone. */
          if (shmviz_session_get_running (s->session))
            {
              g_signal_connect (s->session, "finished", G_CALLBACK (session_done), NULL);
              shmviz_session_stop (s->session);
            }
          else
            g_object_unref (s->session);
        }
      shmviz_snapshot_clear (&s->snap);
    }
  g_free (ab);
}

static gboolean
ab_tick (GtkWidget     *widget,
         GdkFrameClock *clock,
         gpointer       user_data)
{
  AB *ab = user_data;

  for (guint i = 0; i < 2; i++)
    {
      Side *s = &ab->sides[i];
      g_autofree char *text = NULL;

      if (s->session == NULL)
        continue;
      shmviz_model_snapshot (shmviz_session_get_model (s->session), &s->snap);
      shmviz_buffer_view_set_snapshot (s->buffer, &s->snap);
      shmviz_process_view_set_snapshot (s->procs, &s->snap);
      text = g_strdup_printf (_("produced %" PRIu64 " · consumed %" PRIu64
                                " · lost %" PRIu64 " · duplicated %" PRIu64
                                " · empty reads %" PRIu64 "%s"),
                              s->snap.totals.produced, s->snap.totals.consumed, s->snap.totals.lost,
                              s->snap.totals.duplicated, s->snap.totals.empty_reads,
                              s->snap.deadlock ? _(" · deadlock") : "");
      gtk_label_set_text (s->totals, text);
    }
  return G_SOURCE_CONTINUE;
}

static GtkWidget *
ab_column (Side               *side,
           const ShmvizLesson *lesson,
           const ShmvizScenario *scenario)
{
  GtkWidget *box = gtk_box_new (GTK_ORIENTATION_VERTICAL, 6);
  GtkWidget *title = gtk_label_new (NULL);
  g_autofree char *text = g_strdup_printf ("%s — %s", lesson->name, lesson->title);
  g_autoptr(GError) error = NULL;

  gtk_label_set_text (GTK_LABEL (title), text);
  gtk_label_set_wrap (GTK_LABEL (title), TRUE);
  gtk_widget_add_css_class (title, "title-4");
  side->buffer = SHMVIZ_BUFFER_VIEW (shmviz_buffer_view_new ());
  side->procs = SHMVIZ_PROCESS_VIEW (shmviz_process_view_new ());
  side->totals = GTK_LABEL (gtk_label_new (NULL));
  gtk_label_set_wrap (side->totals, TRUE);
  gtk_widget_set_vexpand (GTK_WIDGET (side->buffer), TRUE);
  gtk_widget_set_size_request (GTK_WIDGET (side->buffer), 300, 260);
  gtk_widget_set_vexpand (GTK_WIDGET (side->procs), TRUE);
  gtk_widget_set_size_request (GTK_WIDGET (side->procs), 300, 200);
  gtk_widget_set_hexpand (box, TRUE);
  gtk_box_append (GTK_BOX (box), title);
  gtk_box_append (GTK_BOX (box), GTK_WIDGET (side->buffer));
  gtk_box_append (GTK_BOX (box), GTK_WIDGET (side->procs));
  gtk_box_append (GTK_BOX (box), GTK_WIDGET (side->totals));

  side->session = shmviz_session_new (scenario);
  shmviz_application_lower_workers (side->session);
  shmviz_buffer_view_set_model (side->buffer, shmviz_session_get_model (side->session));
  shmviz_process_view_set_model (side->procs, shmviz_session_get_model (side->session));
  shmviz_model_snapshot (shmviz_session_get_model (side->session), &side->snap);
  shmviz_buffer_view_set_snapshot (side->buffer, &side->snap);
  shmviz_process_view_set_snapshot (side->procs, &side->snap);
  if (!shmviz_session_start (side->session, &error))
    gtk_label_set_text (side->totals, error->message);
  return box;
}

GtkWindow *
shmviz_lesson_gallery_open_ab (ShmvizLessonGallery *self)
{
  ShmvizLesson *a, *b;
  ShmvizScenario sa, sb;
  GtkWidget *window, *header, *content, *columns;
  AB *ab;

  g_return_val_if_fail (SHMVIZ_IS_LESSON_GALLERY (self), NULL);

  if (!(a = self->current) || !(b = find (self, a->twin)))
    return NULL;
  /* The broken one on the left, whichever was picked. */
  if (a->expect == SHMVIZ_EXPECT_CLEAN && b->expect != SHMVIZ_EXPECT_CLEAN)
    {
      ShmvizLesson *t = a;
      a = b;
      b = t;
    }
  sa = a->scenario;
  sb = b->scenario;
  /* Same seed, timings, speed and amount: only what the lessons teach
   * differs. */
  sb.seed = sa.seed;
  sb.speed_permille = sa.speed_permille;
  sb.items = sa.items;
  sb.duration = sa.duration;
  memcpy (sb.timing_ns, sa.timing_ns, sizeof sb.timing_ns);

  ab = g_new0 (AB, 1);
  window = adw_window_new ();
  gtk_window_set_title (GTK_WINDOW (window), _("A/B: Broken and Fixed"));
  gtk_window_set_default_size (GTK_WINDOW (window), 1200, 800);
  if (GTK_IS_WINDOW (gtk_widget_get_root (GTK_WIDGET (self))))
    gtk_window_set_transient_for (GTK_WINDOW (window), GTK_WINDOW (gtk_widget_get_root (GTK_WIDGET (self))));
  header = adw_header_bar_new ();
  content = gtk_box_new (GTK_ORIENTATION_VERTICAL, 0);
  columns = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 24);
  gtk_widget_set_margin_start (columns, 12);
  gtk_widget_set_margin_end (columns, 12);
  gtk_widget_set_margin_bottom (columns, 12);
  gtk_box_append (GTK_BOX (content), header);
  gtk_box_append (GTK_BOX (content), columns);
  gtk_box_append (GTK_BOX (columns), ab_column (&ab->sides[0], a, &sa));
  gtk_box_append (GTK_BOX (columns), gtk_separator_new (GTK_ORIENTATION_VERTICAL));
  gtk_box_append (GTK_BOX (columns), ab_column (&ab->sides[1], b, &sb));
  adw_window_set_content (ADW_WINDOW (window), content);

  ab->tick_id = gtk_widget_add_tick_callback (window, ab_tick, ab, NULL);
  g_object_set_data_full (G_OBJECT (window), "shmviz-ab", ab, (GDestroyNotify) ab_free);
  gtk_window_present (GTK_WINDOW (window));
  return GTK_WINDOW (window);
}

/* ---- buttons ------------------------------------------------------------ */

static void
open_clicked (GtkButton           *button,
              ShmvizLessonGallery *self)
{
  if (self->current != NULL)
    apply (self, self->current);
}

static void
twin_clicked (GtkButton           *button,
              ShmvizLessonGallery *self)
{
  if (self->current != NULL && self->current->twin != NULL)
    shmviz_lesson_gallery_open (self, self->current->twin);
}

static void
ab_clicked (GtkButton           *button,
            ShmvizLessonGallery *self)
{
  shmviz_lesson_gallery_open_ab (self);
}

static void
save_response (AdwMessageDialog    *dialog,
               const char          *response,
               ShmvizLessonGallery *self)
{
  GtkEditable *entry = g_object_get_data (G_OBJECT (dialog), "entry");
  g_autoptr(ShmvizLesson) lesson = NULL;
  g_autoptr(GError) error = NULL;
  const char *name;

  if (g_strcmp0 (response, "save") != 0 || self->settings == NULL)
    return;
  name = gtk_editable_get_text (entry);
  lesson = g_new0 (ShmvizLesson, 1);
  lesson->id = shmviz_lesson_id_from_name (name);
  lesson->name = g_strdup (name);
  lesson->title = g_strdup (_("Saved from shmviz"));
  lesson->explanation = g_strdup (_("A scenario saved from the app."));
  shmviz_scenario_init_default (&lesson->scenario);
  lesson->scenario.n_producers = g_settings_get_uint (self->settings, "producers");
  lesson->scenario.n_consumers = g_settings_get_uint (self->settings, "consumers");
  lesson->scenario.n_slots = g_settings_get_uint (self->settings, "slots");
  lesson->scenario.item_size = g_settings_get_uint (self->settings, "item-size");
  {
    g_autofree char *m = g_settings_get_string (self->settings, "sync-mode");
    shmviz_sync_mode_from_string (m, &lesson->scenario.sync);
  }
  lesson->scenario.speed_permille = g_settings_get_uint (self->settings, "speed");
  lesson->scenario.timing_ns[SHMVIZ_TIMING_PRODUCE] = g_settings_get_uint (self->settings, "produce-ms") * G_GUINT64_CONSTANT (1000000);
  lesson->scenario.timing_ns[SHMVIZ_TIMING_CONSUME] = g_settings_get_uint (self->settings, "consume-ms") * G_GUINT64_CONSTANT (1000000);
  lesson->scenario.timing_ns[SHMVIZ_TIMING_RACE_WINDOW] = g_settings_get_uint (self->settings, "race-window-ms") * G_GUINT64_CONSTANT (1000000);
  lesson->scenario.timing_ns[SHMVIZ_TIMING_STEP] = g_settings_get_uint (self->settings, "step-ms") * G_GUINT64_CONSTANT (1000000);
  lesson->expect = lesson->scenario.sync == SHMVIZ_SYNC_SEMAPHORES ? SHMVIZ_EXPECT_CLEAN : SHMVIZ_EXPECT_RACES;

  if (!shmviz_lesson_id_is_valid (lesson->id) || !shmviz_lesson_save (lesson, NULL, &error))
    {
      GtkRoot *root = gtk_widget_get_root (GTK_WIDGET (self));
      GtkWidget *err = adw_message_dialog_new (GTK_IS_WINDOW (root) ? GTK_WINDOW (root) : NULL,
                                               _("The Lesson Was Not Saved"),
                                               error ? error->message : _("Give it a name with letters or digits."));

      adw_message_dialog_add_response (ADW_MESSAGE_DIALOG (err), "close", _("_Close"));
      gtk_window_present (GTK_WINDOW (err));
      return;
    }
  {
    g_autofree char *id = g_strdup (lesson->id);

    shmviz_lesson_gallery_reload (self);
    self->selecting = TRUE;
    show_lesson (self, find (self, id));
    self->selecting = FALSE;
  }
}

static void
save_clicked (GtkButton           *button,
              ShmvizLessonGallery *self)
{
  GtkRoot *root = gtk_widget_get_root (GTK_WIDGET (self));
  GtkWidget *dialog = adw_message_dialog_new (GTK_IS_WINDOW (root) ? GTK_WINDOW (root) : NULL,
                                              _("Save as Lesson"),
                                              _("The current scenario becomes a lesson of your own, listed with the others."));
  GtkWidget *entry = gtk_entry_new ();

  gtk_entry_set_placeholder_text (GTK_ENTRY (entry), _("Name, e.g. Two fast producers"));
  gtk_entry_set_activates_default (GTK_ENTRY (entry), TRUE);
  adw_message_dialog_set_extra_child (ADW_MESSAGE_DIALOG (dialog), entry);
  adw_message_dialog_add_responses (ADW_MESSAGE_DIALOG (dialog),
                                    "cancel", _("_Cancel"), "save", _("_Save"), NULL);
  adw_message_dialog_set_response_appearance (ADW_MESSAGE_DIALOG (dialog), "save", ADW_RESPONSE_SUGGESTED);
  adw_message_dialog_set_default_response (ADW_MESSAGE_DIALOG (dialog), "save");
  g_object_set_data (G_OBJECT (dialog), "entry", entry);
  g_signal_connect (dialog, "response", G_CALLBACK (save_response), self);
  gtk_window_present (GTK_WINDOW (dialog));
}

static void
shmviz_lesson_gallery_dispose (GObject *object)
{
  ShmvizLessonGallery *self = SHMVIZ_LESSON_GALLERY (object);

  g_clear_object (&self->settings);
  self->current = NULL;
  g_clear_pointer (&self->lessons, g_ptr_array_unref);
  gtk_widget_dispose_template (GTK_WIDGET (self), SHMVIZ_TYPE_LESSON_GALLERY);
  G_OBJECT_CLASS (shmviz_lesson_gallery_parent_class)->dispose (object);
}

static void
shmviz_lesson_gallery_class_init (ShmvizLessonGalleryClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = shmviz_lesson_gallery_dispose;

  gtk_widget_class_set_template_from_resource (widget_class, "/io/github/shmviz/Shmviz/ui/shmviz-lesson-gallery.ui");
  gtk_widget_class_bind_template_child (widget_class, ShmvizLessonGallery, list);
  gtk_widget_class_bind_template_child (widget_class, ShmvizLessonGallery, title_label);
  gtk_widget_class_bind_template_child (widget_class, ShmvizLessonGallery, explanation_label);
  gtk_widget_class_bind_template_child (widget_class, ShmvizLessonGallery, open_button);
  gtk_widget_class_bind_template_child (widget_class, ShmvizLessonGallery, twin_button);
  gtk_widget_class_bind_template_child (widget_class, ShmvizLessonGallery, ab_button);
  gtk_widget_class_bind_template_child (widget_class, ShmvizLessonGallery, save_button);
}

static void
shmviz_lesson_gallery_init (ShmvizLessonGallery *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
  g_signal_connect (self->list, "row-selected", G_CALLBACK (row_selected), self);
  g_signal_connect (self->open_button, "clicked", G_CALLBACK (open_clicked), self);
  g_signal_connect (self->twin_button, "clicked", G_CALLBACK (twin_clicked), self);
  g_signal_connect (self->ab_button, "clicked", G_CALLBACK (ab_clicked), self);
  g_signal_connect (self->save_button, "clicked", G_CALLBACK (save_clicked), self);
  shmviz_lesson_gallery_reload (self);
}

GtkWidget *
shmviz_lesson_gallery_new (void)
{
  return g_object_new (SHMVIZ_TYPE_LESSON_GALLERY, NULL);
}
