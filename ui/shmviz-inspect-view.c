/* shmviz-inspect-view.c — the Inspect page: any program's shared memory
 *
 * Lists every object and named semaphore in /dev/shm (core/shmls.h);
 * selecting one object (and any semaphores) watches them: twice a second
 * a thread reads the bytes with core/inspect.h — which opens O_RDONLY,
 * uses pread() and sem_getvalue() only, so nothing here can write to
 * another program's memory — and the page shows hex, ints and text, the
 * semaphores' values and the mapping pids, with the bytes that changed
 * since the last reading highlighted.  Scanning /proc for mappers can be
 * slow, which is why no reading happens on the main loop.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <glib/gi18n.h>

#include "inspect.h"
#include "shmls.h"
#include "shmviz-inspect-view.h"

#define POLL_MS     500
/* Marks the reader puts around changed bytes, turned into markup after
 * the text is escaped. */
#define MARK_ON     "\x01"
#define MARK_OFF    "\x02"

struct _ShmvizInspectView
{
  GtkBox            parent_instance;

  GtkListBox       *list;
  GtkButton        *refresh_button;
  GtkLabel         *contents_label;

  char             *name;
  GStrv             sems;
  ShmvizInspection *last;
  char             *text;
  GCancellable     *cancellable;
  guint             poll_id;
  gboolean          reading;
  gboolean          filling;
};

G_DEFINE_FINAL_TYPE (ShmvizInspectView, shmviz_inspect_view, GTK_TYPE_BOX)

typedef struct {
  char  *name;
  GStrv  sems;
} ReadJob;

static void
read_job_free (ReadJob *job)
{
  g_free (job->name);
  g_strfreev (job->sems);
  g_free (job);
}

static void
read_thread (GTask        *task,
             gpointer      source,
             gpointer      task_data,
             GCancellable *cancellable)
{
  ReadJob *job = task_data;
  GError *error = NULL;
  ShmvizInspection *in = shmviz_inspect (job->name, (const char * const *) job->sems, 256, &error);

  if (in == NULL)
    g_task_return_error (task, error);
  else
    g_task_return_pointer (task, in, (GDestroyNotify) shmviz_inspection_free);
}

static char *
to_markup (const char *text)
{
  g_autofree char *escaped = g_markup_escape_text (text, -1);
  g_auto(GStrv) on = g_strsplit (escaped, MARK_ON, -1);
  g_autofree char *joined = g_strjoinv ("<span background=\"#f6d32d\" foreground=\"black\" weight=\"bold\">", on);
  g_auto(GStrv) off = g_strsplit (joined, MARK_OFF, -1);

  return g_strjoinv ("</span>", off);
}

static void
read_done (GObject      *source,
           GAsyncResult *result,
           gpointer      user_data)
{
  ShmvizInspectView *self = user_data;
  g_autoptr(GError) error = NULL;
  g_autoptr(ShmvizInspection) in = g_task_propagate_pointer (G_TASK (result), &error);
  g_autoptr(GArray) changed = g_array_new (FALSE, FALSE, sizeof (guint));
  g_autoptr(GString) text = g_string_new (NULL);
  g_autofree char *markup = NULL;

  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    {
      g_object_unref (self);
      return;
    }
  self->reading = FALSE;
  if (in == NULL)
    {
      markup = g_markup_escape_text (error->message, -1);
      gtk_label_set_markup (self->contents_label, markup);
      g_object_unref (self);
      return;
    }

  if (self->last != NULL)
    shmviz_inspection_diff (self->last, in, changed);
  shmviz_inspection_to_text (in, changed, MARK_ON, MARK_OFF, text);
  markup = to_markup (text->str);
  gtk_label_set_markup (self->contents_label, markup);

  g_clear_pointer (&self->text, g_free);
  {
    g_autoptr(GString) plain = g_string_new (NULL);
    shmviz_inspection_to_text (in, NULL, "", "", plain);
    self->text = g_string_free (g_steal_pointer (&plain), FALSE);
  }
  g_clear_pointer (&self->last, shmviz_inspection_free);
  self->last = g_steal_pointer (&in);
  g_object_unref (self);
}

static gboolean
poll_cb (gpointer user_data)
{
  ShmvizInspectView *self = user_data;
  g_autoptr(GTask) task = NULL;
  ReadJob *job;

  if (self->reading || self->name == NULL)
    return G_SOURCE_CONTINUE;
  self->reading = TRUE;
  job = g_new0 (ReadJob, 1);
  job->name = g_strdup (self->name);
  job->sems = g_strdupv (self->sems);
  task = g_task_new (NULL, self->cancellable, read_done, g_object_ref (self));
  g_task_set_task_data (task, job, (GDestroyNotify) read_job_free);
  g_task_run_in_thread (task, read_thread);
  return G_SOURCE_CONTINUE;
}

void
shmviz_inspect_view_watch (ShmvizInspectView  *self,
                           const char         *name,
                           const char * const *sems)
{
  g_return_if_fail (SHMVIZ_IS_INSPECT_VIEW (self));

  g_cancellable_cancel (self->cancellable);
  g_clear_object (&self->cancellable);
  self->cancellable = g_cancellable_new ();
  self->reading = FALSE;
  g_clear_handle_id (&self->poll_id, g_source_remove);
  g_clear_pointer (&self->name, g_free);
  g_clear_pointer (&self->sems, g_strfreev);
  g_clear_pointer (&self->last, shmviz_inspection_free);
  g_clear_pointer (&self->text, g_free);

  if (name == NULL)
    {
      gtk_label_set_text (self->contents_label,
                          _("Select a shared memory object (and any named semaphores) to watch its bytes live. Nothing is ever written to it."));
      return;
    }
  self->name = g_strdup (name);
  self->sems = g_strdupv ((char **) sems);
  self->poll_id = g_timeout_add (POLL_MS, poll_cb, self);
  poll_cb (self);
}

char *
shmviz_inspect_view_dup_text (ShmvizInspectView *self)
{
  g_return_val_if_fail (SHMVIZ_IS_INSPECT_VIEW (self), NULL);
  return g_strdup (self->text);
}

static void
selection_changed (GtkListBox        *list,
                   ShmvizInspectView *self)
{
  g_autoptr(GList) rows = gtk_list_box_get_selected_rows (list);
  g_autoptr(GPtrArray) sems = g_ptr_array_new ();
  const char *object = NULL;

  if (self->filling)
    return;
  for (GList *l = rows; l; l = l->next)
    {
      const char *posix = g_object_get_data (l->data, "posix-name");

      if (GPOINTER_TO_INT (g_object_get_data (l->data, "semaphore")))
        g_ptr_array_add (sems, (gpointer) posix);
      else if (object == NULL)
        object = posix;
    }
  g_ptr_array_add (sems, NULL);
  shmviz_inspect_view_watch (self, object, (const char * const *) sems->pdata);
}

static void
list_done (GObject      *source,
           GAsyncResult *result,
           gpointer      user_data)
{
  ShmvizInspectView *self = user_data;
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) objects = g_task_propagate_pointer (G_TASK (result), &error);
  GtkWidget *child;

  self->filling = TRUE;
  while ((child = gtk_widget_get_first_child (GTK_WIDGET (self->list))) != NULL)
    gtk_list_box_remove (self->list, child);
  for (guint i = 0; objects && i < objects->len; i++)
    {
      ShmvizShmObject *o = g_ptr_array_index (objects, i);
      g_autofree char *size = g_format_size (o->size);
      g_autofree char *detail = o->semaphore
                                ? g_strdup_printf (_("semaphore · %s · mapped by %u"), o->owner, o->mapped_by->len)
                                : g_strdup_printf (_("%s · %s · mapped by %u"), size, o->owner, o->mapped_by->len);
      GtkWidget *row = gtk_list_box_row_new ();
      GtkWidget *box = gtk_box_new (GTK_ORIENTATION_VERTICAL, 2);
      GtkWidget *name = gtk_label_new (o->posix_name);
      GtkWidget *sub = gtk_label_new (detail);

      gtk_label_set_xalign (GTK_LABEL (name), 0);
      gtk_label_set_xalign (GTK_LABEL (sub), 0);
      gtk_label_set_ellipsize (GTK_LABEL (name), PANGO_ELLIPSIZE_MIDDLE);
      gtk_widget_add_css_class (sub, "dim-label");
      gtk_box_append (GTK_BOX (box), name);
      gtk_box_append (GTK_BOX (box), sub);
      gtk_list_box_row_set_child (GTK_LIST_BOX_ROW (row), box);
      g_object_set_data_full (G_OBJECT (row), "posix-name", g_strdup (o->posix_name), g_free);
      g_object_set_data (G_OBJECT (row), "semaphore", GINT_TO_POINTER (o->semaphore));
      gtk_list_box_append (self->list, row);
    }
  self->filling = FALSE;
  if (error != NULL)
    gtk_label_set_text (self->contents_label, error->message);
  g_object_unref (self);
}

static void
list_thread (GTask        *task,
             gpointer      source,
             gpointer      task_data,
             GCancellable *cancellable)
{
  GError *error = NULL;
  GPtrArray *objects = shmviz_shm_list (&error);

  if (objects == NULL)
    g_task_return_error (task, error);
  else
    g_task_return_pointer (task, objects, (GDestroyNotify) g_ptr_array_unref);
}

void
shmviz_inspect_view_refresh (ShmvizInspectView *self)
{
  g_autoptr(GTask) task = NULL;

  g_return_if_fail (SHMVIZ_IS_INSPECT_VIEW (self));

  task = g_task_new (NULL, NULL, list_done, g_object_ref (self));
  g_task_run_in_thread (task, list_thread);
}

static void
refresh_clicked (GtkButton         *button,
                 ShmvizInspectView *self)
{
  shmviz_inspect_view_refresh (self);
}

static void
shmviz_inspect_view_map (GtkWidget *widget)
{
  GTK_WIDGET_CLASS (shmviz_inspect_view_parent_class)->map (widget);
  /* The list is only worth reading when someone looks at it. */
  shmviz_inspect_view_refresh (SHMVIZ_INSPECT_VIEW (widget));
}

static void
shmviz_inspect_view_dispose (GObject *object)
{
  ShmvizInspectView *self = SHMVIZ_INSPECT_VIEW (object);

  g_cancellable_cancel (self->cancellable);
  g_clear_object (&self->cancellable);
  g_clear_handle_id (&self->poll_id, g_source_remove);
  gtk_widget_dispose_template (GTK_WIDGET (self), SHMVIZ_TYPE_INSPECT_VIEW);
  G_OBJECT_CLASS (shmviz_inspect_view_parent_class)->dispose (object);
}

static void
shmviz_inspect_view_finalize (GObject *object)
{
  ShmvizInspectView *self = SHMVIZ_INSPECT_VIEW (object);

  g_free (self->name);
  g_strfreev (self->sems);
  g_free (self->text);
  g_clear_pointer (&self->last, shmviz_inspection_free);
  G_OBJECT_CLASS (shmviz_inspect_view_parent_class)->finalize (object);
}

static void
shmviz_inspect_view_class_init (ShmvizInspectViewClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = shmviz_inspect_view_dispose;
  object_class->finalize = shmviz_inspect_view_finalize;
  widget_class->map = shmviz_inspect_view_map;

  gtk_widget_class_set_template_from_resource (widget_class, "/io/github/shmviz/Shmviz/ui/shmviz-inspect-view.ui");
  gtk_widget_class_bind_template_child (widget_class, ShmvizInspectView, list);
  gtk_widget_class_bind_template_child (widget_class, ShmvizInspectView, refresh_button);
  gtk_widget_class_bind_template_child (widget_class, ShmvizInspectView, contents_label);
}

static void
shmviz_inspect_view_init (ShmvizInspectView *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
  self->cancellable = g_cancellable_new ();
  g_signal_connect (self->list, "selected-rows-changed", G_CALLBACK (selection_changed), self);
  g_signal_connect (self->refresh_button, "clicked", G_CALLBACK (refresh_clicked), self);
  shmviz_inspect_view_watch (self, NULL, NULL);
}

GtkWidget *
shmviz_inspect_view_new (void)
{
  return g_object_new (SHMVIZ_TYPE_INSPECT_VIEW, NULL);
}
