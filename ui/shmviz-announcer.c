/* shmviz-announcer.c — news for screen readers: races, deadlocks, deaths
 *
 * GTK 4.8 has no gtk_accessible_announce() (it came in 4.14), so the
 * announcer is a GtkLabel whose accessible role is STATUS, which GTK's
 * AT-SPI backend exposes as a status bar.  Changing its text changes the
 * accessible name (see set_text()) and emits object:property-change:accessible-name on it;
 * Orca reads a status bar's text when asked for it ("read status bar") and
 * presents name changes of such status objects, and any AT-SPI client can
 * listen for them, all without taking the keyboard focus away from what
 * the user is doing.  A label hidden with gtk_widget_set_visible() would
 * leave the accessibility tree, so the label stays visible and mapped but
 * the announcer measures 0×0 and clips it: sighted users see nothing.
 *
 * Messages are rate-limited to one a second, so a burst of races does not
 * drown speech: races arriving meanwhile are counted and told as one
 * message ("3 new races: …"), naming the first of them.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <glib/gi18n.h>

#include "shmviz-announcer.h"

#define MIN_INTERVAL_US   G_USEC_PER_SEC
/* Races named in a coalesced message; the rest are only counted. */
#define MAX_NAMED_RACES   2

struct _ShmvizAnnouncer
{
  GtkWidget  parent_instance;

  GtkWidget *label;
  gint64     last_us;      /* when the last message went out, 0: never */
  guint      flush_id;

  /* Queued since the last message. */
  GPtrArray *messages;     /* char *: deadlocks, deaths, in order */
  GPtrArray *races;        /* char *: the first MAX_NAMED_RACES described */
  guint      n_races;
};

G_DEFINE_FINAL_TYPE (ShmvizAnnouncer, shmviz_announcer, GTK_TYPE_WIDGET)

static void
set_text (ShmvizAnnouncer *self,
          const char      *text)
{
  gtk_label_set_text (GTK_LABEL (self->label), text);
  /* GTK 4.8 does not name a label after its text on AT-SPI (the name
   * falls back to "GtkLabel"); the label property is what it reports, and
   * changing it emits the accessible-name change. */
  gtk_accessible_update_property (GTK_ACCESSIBLE (self->label),
                                  GTK_ACCESSIBLE_PROPERTY_LABEL, text,
                                  -1);
}

static void
flush (ShmvizAnnouncer *self)
{
  g_autoptr(GString) text = g_string_new (NULL);

  for (guint i = 0; i < self->messages->len; i++)
    g_string_append_printf (text, "%s%s", text->len ? " " : "",
                            (const char *) g_ptr_array_index (self->messages, i));
  if (self->n_races > 0)
    {
      g_autoptr(GString) named = g_string_new (NULL);
      g_autofree char *races = NULL;

      for (guint i = 0; i < self->races->len; i++)
        g_string_append_printf (named, "%s%s", named->len ? " " : "",
                                (const char *) g_ptr_array_index (self->races, i));
      if (self->n_races > self->races->len)
        g_string_append (named, " …");
      if (self->n_races == 1)
        races = g_strdup_printf (_("New race: %s"), named->str);
      else
        races = g_strdup_printf (ngettext ("%u new race: %s", "%u new races: %s", self->n_races),
                                 self->n_races, named->str);
      g_string_append_printf (text, "%s%s", text->len ? " " : "", races);
    }
  g_ptr_array_set_size (self->messages, 0);
  g_ptr_array_set_size (self->races, 0);
  self->n_races = 0;

  if (text->len == 0)
    return;
  set_text (self, text->str);
  self->last_us = g_get_monotonic_time ();
}

static gboolean
flush_cb (gpointer user_data)
{
  ShmvizAnnouncer *self = user_data;

  self->flush_id = 0;
  flush (self);
  return G_SOURCE_REMOVE;
}

static void
schedule_flush (ShmvizAnnouncer *self)
{
  gint64 since;

  if (self->flush_id != 0)
    return;
  since = g_get_monotonic_time () - self->last_us;
  if (self->last_us == 0 || since >= MIN_INTERVAL_US)
    {
      /* The window hands over a whole frame's anomalies at once. */
      flush (self);
      return;
    }
  self->flush_id = g_timeout_add ((guint) ((MIN_INTERVAL_US - since) / 1000) + 1, flush_cb, self);
}

void
shmviz_announcer_announce (ShmvizAnnouncer *self,
                           const char      *text)
{
  g_return_if_fail (SHMVIZ_IS_ANNOUNCER (self));

  if (text == NULL || *text == '\0')
    return;
  g_ptr_array_add (self->messages, g_strdup (text));
  schedule_flush (self);
}

void
shmviz_announcer_add_anomalies (ShmvizAnnouncer     *self,
                                const ShmvizAnomaly *anomalies,
                                guint                n_anomalies,
                                guint                n_producers)
{
  g_return_if_fail (SHMVIZ_IS_ANNOUNCER (self));

  for (guint i = 0; i < n_anomalies; i++)
    {
      const ShmvizAnomaly *a = &anomalies[i];

      if (a->kind == SHMVIZ_ANOMALY_DEADLOCK)
        g_ptr_array_add (self->messages, shmviz_anomaly_describe (a, n_producers));
      else
        {
          if (self->races->len < MAX_NAMED_RACES)
            g_ptr_array_add (self->races, shmviz_anomaly_describe (a, n_producers));
          self->n_races++;
        }
    }
  if (n_anomalies > 0)
    schedule_flush (self);
}

void
shmviz_announcer_clear (ShmvizAnnouncer *self)
{
  g_return_if_fail (SHMVIZ_IS_ANNOUNCER (self));

  g_clear_handle_id (&self->flush_id, g_source_remove);
  g_ptr_array_set_size (self->messages, 0);
  g_ptr_array_set_size (self->races, 0);
  self->n_races = 0;
  /* Empty, so that the same news in the next run is a change again. */
  set_text (self, "");
}

const char *
shmviz_announcer_get_text (ShmvizAnnouncer *self)
{
  g_return_val_if_fail (SHMVIZ_IS_ANNOUNCER (self), "");
  return gtk_label_get_text (GTK_LABEL (self->label));
}

static void
shmviz_announcer_measure (GtkWidget      *widget,
                          GtkOrientation  orientation,
                          int             for_size,
                          int            *minimum,
                          int            *natural,
                          int            *minimum_baseline,
                          int            *natural_baseline)
{
  /* No room at all: the label is for the accessibility tree only. */
  *minimum = *natural = 0;
}

static void
shmviz_announcer_size_allocate (GtkWidget *widget,
                                int        width,
                                int        height,
                                int        baseline)
{
  ShmvizAnnouncer *self = SHMVIZ_ANNOUNCER (widget);
  GtkRequisition min;

  /* Its own size, clipped away by the 0×0 parent (overflow hidden). */
  gtk_widget_get_preferred_size (self->label, &min, NULL);
  gtk_widget_size_allocate (self->label, &(GtkAllocation) { 0, 0, min.width, min.height }, -1);
}

static void
shmviz_announcer_dispose (GObject *object)
{
  ShmvizAnnouncer *self = SHMVIZ_ANNOUNCER (object);

  g_clear_handle_id (&self->flush_id, g_source_remove);
  g_clear_pointer (&self->label, gtk_widget_unparent);
  G_OBJECT_CLASS (shmviz_announcer_parent_class)->dispose (object);
}

static void
shmviz_announcer_finalize (GObject *object)
{
  ShmvizAnnouncer *self = SHMVIZ_ANNOUNCER (object);

  g_ptr_array_unref (self->messages);
  g_ptr_array_unref (self->races);
  G_OBJECT_CLASS (shmviz_announcer_parent_class)->finalize (object);
}

static void
shmviz_announcer_class_init (ShmvizAnnouncerClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = shmviz_announcer_dispose;
  object_class->finalize = shmviz_announcer_finalize;
  widget_class->measure = shmviz_announcer_measure;
  widget_class->size_allocate = shmviz_announcer_size_allocate;
  gtk_widget_class_set_css_name (widget_class, "shmvizannouncer");
  /* Only the label speaks: the wrapper is no node of its own. */
  gtk_widget_class_set_accessible_role (widget_class, GTK_ACCESSIBLE_ROLE_GENERIC);
}

static void
shmviz_announcer_init (ShmvizAnnouncer *self)
{
  self->messages = g_ptr_array_new_with_free_func (g_free);
  self->races = g_ptr_array_new_with_free_func (g_free);
  self->label = g_object_new (GTK_TYPE_LABEL,
                              "accessible-role", GTK_ACCESSIBLE_ROLE_STATUS,
                              "single-line-mode", TRUE,
                              NULL);
  gtk_widget_set_parent (self->label, GTK_WIDGET (self));
  gtk_widget_set_overflow (GTK_WIDGET (self), GTK_OVERFLOW_HIDDEN);
  gtk_widget_set_can_target (GTK_WIDGET (self), FALSE);
  gtk_widget_set_can_focus (GTK_WIDGET (self), FALSE);
}

GtkWidget *
shmviz_announcer_new (void)
{
  return g_object_new (SHMVIZ_TYPE_ANNOUNCER, NULL);
}
