/* shmviz-replay-bar.c — transport controls for a recording being replayed
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <inttypes.h>
#include <math.h>

#include <glib/gi18n.h>

#include "shmviz-render.h"
#include "shmviz-replay-bar.h"

/* Seconds of playback a note stays up as a caption. */
#define CAPTION_S 3.0

static const double speeds[] = { 0.1, 0.25, 0.5, 1, 2, 5, 10 };
#define DEFAULT_SPEED_INDEX 3

struct _ShmvizReplayBar
{
  GtkWidget       parent_instance;

  GtkWidget      *box;
  GtkRevealer    *caption_revealer;
  GtkLabel       *caption_label;
  GtkButton      *play_button;
  GtkButton      *back_button;
  GtkButton      *forward_button;
  GtkButton      *prev_anomaly_button;
  GtkButton      *next_anomaly_button;
  GtkScale       *scale;
  GtkAdjustment  *adjustment;
  GtkLabel       *time_label;
  GtkDropDown    *speed_dropdown;

  ShmvizReplay   *replay;
  const char     *caption;
  char           *damage;        /* what the replay met, once it met damage */
  guint           tick_id;
  gint64          last_frame_us;
  double          play_ns;       /* recording time the playhead is at */
  guint           updating : 1;  /* moving the scale ourselves */
};

G_DEFINE_FINAL_TYPE (ShmvizReplayBar, shmviz_replay_bar, GTK_TYPE_WIDGET)

enum {
  PROP_0,
  PROP_PLAYING,
  PROP_SPEED,
  N_PROPS
};

enum {
  MOVED,
  N_SIGNALS
};

static GParamSpec *properties[N_PROPS];
static guint signals[N_SIGNALS];

static char *
format_time (guint64 ns)
{
  guint64 ms = ns / 1000000;

  return g_strdup_printf ("%" G_GUINT64_FORMAT ":%02u.%03u", ms / 60000, (guint)(ms / 1000 % 60),
                          (guint)(ms % 1000));
}

/* Scale, label, caption and button sensitivity, from where the replay is. */
static void
sync_controls (ShmvizReplayBar *self)
{
  guint64 start, end, now, pos, n;
  g_autofree char *t = NULL;
  g_autofree char *total = NULL;
  g_autofree char *text = NULL;
  const ShmvizAnnotation *notes;
  guint n_notes;

  gtk_widget_set_sensitive (self->box, self->replay != NULL);
  if (self->replay == NULL)
    return;

  start = shmviz_replay_get_start_ns (self->replay);
  end = shmviz_replay_get_end_ns (self->replay);
  now = shmviz_replay_get_time_ns (self->replay);
  pos = shmviz_replay_get_position (self->replay);
  n = shmviz_replay_get_n_events (self->replay);

  self->updating = TRUE;
  gtk_adjustment_set_value (self->adjustment,
                            end > start ? (double)(MAX (now, start) - start) / (end - start) : 0);
  self->updating = FALSE;

  t = format_time (now > start ? now - start : 0);
  total = format_time (end - start);
  /* TRANSLATORS: replay position, e.g. "0:01.250 / 0:05.000 · event 12 of 340" */
  text = g_strdup_printf (_("%s / %s · %" PRIu64 "/%" PRIu64), t, total, pos, n);
  gtk_label_set_label (self->time_label, text);

  gtk_widget_set_sensitive (GTK_WIDGET (self->back_button), pos > 0);
  gtk_widget_set_sensitive (GTK_WIDGET (self->forward_button), pos < n);

  notes = shmviz_replay_get_annotations (self->replay, &n_notes);
  self->caption = shmviz_render_caption_at (notes, n_notes, now,
                                            (guint64)(CAPTION_S * MAX (shmviz_replay_bar_get_speed (self), 1.0) * 1e9),
                                            NULL);
  /* Damage found after opening stays up above any note: the picture
   * stops short of it, and a person must know why. */
  if (shmviz_replay_get_error (self->replay) != NULL)
    {
      if (self->damage == NULL)
        self->damage = g_strdup_printf (_("This recording is damaged and cannot be shown past the "
                                          "damage: %s"),
                                        shmviz_replay_get_error (self->replay)->message);
      self->caption = self->damage;
    }
  if (self->caption != NULL)
    gtk_label_set_label (self->caption_label, self->caption);
  gtk_revealer_set_reveal_child (self->caption_revealer, self->caption != NULL);
}

static void
moved (ShmvizReplayBar *self)
{
  gboolean told = self->damage != NULL;

  sync_controls (self);
  if (!told && self->damage != NULL)
    {
      /* Playing on would only stand still at the damage. */
      shmviz_replay_bar_set_playing (self, FALSE);
      gtk_widget_error_bell (GTK_WIDGET (self));
    }
  g_signal_emit (self, signals[MOVED], 0);
}

static gboolean
tick_cb (GtkWidget     *widget,
         GdkFrameClock *clock,
         gpointer       user_data)
{
  ShmvizReplayBar *self = SHMVIZ_REPLAY_BAR (widget);
  gint64 now_us = gdk_frame_clock_get_frame_time (clock);
  guint64 end;

  if (self->replay == NULL)
    {
      self->tick_id = 0;
      g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_PLAYING]);
      return G_SOURCE_REMOVE;
    }

  if (self->last_frame_us != 0 && now_us > self->last_frame_us)
    self->play_ns += (now_us - self->last_frame_us) * 1000.0 * shmviz_replay_bar_get_speed (self);
  self->last_frame_us = now_us;

  end = shmviz_replay_get_end_ns (self->replay);
  shmviz_replay_seek_time (self->replay, (guint64)MIN (self->play_ns, (double)end));
  moved (self);

  if (self->play_ns >= end)
    {
      self->tick_id = 0;
      gtk_button_set_icon_name (self->play_button, "media-playback-start-symbolic");
      g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_PLAYING]);
      return G_SOURCE_REMOVE;
    }

  return G_SOURCE_CONTINUE;
}

void
shmviz_replay_bar_set_playing (ShmvizReplayBar *self,
                               gboolean         playing)
{
  g_return_if_fail (SHMVIZ_IS_REPLAY_BAR (self));

  playing = playing && self->replay != NULL;
  if (playing == (self->tick_id != 0))
    return;

  if (playing)
    {
      guint64 now = shmviz_replay_get_time_ns (self->replay);

      /* Playing from the end starts over. */
      if (shmviz_replay_get_position (self->replay) >= shmviz_replay_get_n_events (self->replay))
        {
          shmviz_replay_seek_position (self->replay, 0);
          now = shmviz_replay_get_start_ns (self->replay);
          moved (self);
        }
      self->play_ns = now;
      self->last_frame_us = 0;
      self->tick_id = gtk_widget_add_tick_callback (GTK_WIDGET (self), tick_cb, NULL, NULL);
    }
  else
    {
      gtk_widget_remove_tick_callback (GTK_WIDGET (self), self->tick_id);
      self->tick_id = 0;
    }

  gtk_button_set_icon_name (self->play_button,
                            playing ? "media-playback-pause-symbolic" : "media-playback-start-symbolic");
  gtk_widget_set_tooltip_text (GTK_WIDGET (self->play_button), playing ? _("Pause (Space)") : _("Play (Space)"));
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_PLAYING]);
}

gboolean
shmviz_replay_bar_get_playing (ShmvizReplayBar *self)
{
  g_return_val_if_fail (SHMVIZ_IS_REPLAY_BAR (self), FALSE);

  return self->tick_id != 0;
}

void
shmviz_replay_bar_set_speed (ShmvizReplayBar *self,
                             double           speed)
{
  guint best = DEFAULT_SPEED_INDEX;

  g_return_if_fail (SHMVIZ_IS_REPLAY_BAR (self));

  speed = CLAMP (speed, speeds[0], speeds[G_N_ELEMENTS (speeds) - 1]);
  for (guint i = 0; i < G_N_ELEMENTS (speeds); i++)
    if (fabs (log (speeds[i] / speed)) < fabs (log (speeds[best] / speed)))
      best = i;
  gtk_drop_down_set_selected (self->speed_dropdown, best);
}

double
shmviz_replay_bar_get_speed (ShmvizReplayBar *self)
{
  guint i;

  g_return_val_if_fail (SHMVIZ_IS_REPLAY_BAR (self), 1.0);

  i = gtk_drop_down_get_selected (self->speed_dropdown);
  return i < G_N_ELEMENTS (speeds) ? speeds[i] : 1.0;
}

void
shmviz_replay_bar_seek_time (ShmvizReplayBar *self,
                             guint64          ts_ns)
{
  g_return_if_fail (SHMVIZ_IS_REPLAY_BAR (self));

  if (self->replay == NULL)
    return;
  shmviz_replay_seek_time (self->replay, ts_ns);
  self->play_ns = ts_ns;
  moved (self);
}

void
shmviz_replay_bar_seek_fraction (ShmvizReplayBar *self,
                                 double           fraction)
{
  guint64 start, end;

  g_return_if_fail (SHMVIZ_IS_REPLAY_BAR (self));

  if (self->replay == NULL)
    return;
  start = shmviz_replay_get_start_ns (self->replay);
  end = shmviz_replay_get_end_ns (self->replay);
  shmviz_replay_bar_seek_time (self, start + (guint64)(CLAMP (fraction, 0, 1) * (end - start)));
}

void
shmviz_replay_bar_step (ShmvizReplayBar *self,
                        int              direction)
{
  g_return_if_fail (SHMVIZ_IS_REPLAY_BAR (self));

  if (self->replay == NULL)
    return;
  shmviz_replay_bar_set_playing (self, FALSE);
  if (direction > 0)
    shmviz_replay_step_forward (self->replay);
  else
    shmviz_replay_step_back (self->replay);
  self->play_ns = shmviz_replay_get_time_ns (self->replay);
  moved (self);
}

gboolean
shmviz_replay_bar_jump_anomaly (ShmvizReplayBar *self,
                                int              direction)
{
  guint index;
  gboolean found;

  g_return_val_if_fail (SHMVIZ_IS_REPLAY_BAR (self), FALSE);

  if (self->replay == NULL)
    return FALSE;
  shmviz_replay_bar_set_playing (self, FALSE);
  found = direction > 0 ? shmviz_replay_next_anomaly (self->replay, &index)
                        : shmviz_replay_prev_anomaly (self->replay, &index);
  if (found)
    {
      self->play_ns = shmviz_replay_get_time_ns (self->replay);
      moved (self);
    }
  else
    {
      gtk_widget_error_bell (GTK_WIDGET (self));
    }
  return found;
}

const char *
shmviz_replay_bar_get_caption (ShmvizReplayBar *self)
{
  g_return_val_if_fail (SHMVIZ_IS_REPLAY_BAR (self), NULL);

  return self->caption;
}

void
shmviz_replay_bar_update (ShmvizReplayBar *self)
{
  g_return_if_fail (SHMVIZ_IS_REPLAY_BAR (self));

  sync_controls (self);
}

void
shmviz_replay_bar_set_replay (ShmvizReplayBar *self,
                              ShmvizReplay    *replay)
{
  g_return_if_fail (SHMVIZ_IS_REPLAY_BAR (self));

  if (self->replay == replay)
    return;

  shmviz_replay_bar_set_playing (self, FALSE);
  g_set_object (&self->replay, replay);
  self->caption = NULL;
  g_clear_pointer (&self->damage, g_free);
  if (replay != NULL)
    self->play_ns = shmviz_replay_get_time_ns (replay);
  sync_controls (self);
}

ShmvizReplay *
shmviz_replay_bar_get_replay (ShmvizReplayBar *self)
{
  g_return_val_if_fail (SHMVIZ_IS_REPLAY_BAR (self), NULL);

  return self->replay;
}

static void
scale_value_changed (GtkAdjustment   *adjustment,
                     ShmvizReplayBar *self)
{
  if (self->updating)
    return;

  /* Dragging the scrubber pauses, as in every player. */
  shmviz_replay_bar_set_playing (self, FALSE);
  shmviz_replay_bar_seek_fraction (self, gtk_adjustment_get_value (adjustment));
}

static void
play_clicked (ShmvizReplayBar *self)
{
  shmviz_replay_bar_set_playing (self, !shmviz_replay_bar_get_playing (self));
}

static void
back_clicked (ShmvizReplayBar *self)
{
  shmviz_replay_bar_step (self, -1);
}

static void
forward_clicked (ShmvizReplayBar *self)
{
  shmviz_replay_bar_step (self, +1);
}

static void
prev_anomaly_clicked (ShmvizReplayBar *self)
{
  shmviz_replay_bar_jump_anomaly (self, -1);
}

static void
next_anomaly_clicked (ShmvizReplayBar *self)
{
  shmviz_replay_bar_jump_anomaly (self, +1);
}

static void
speed_notify (ShmvizReplayBar *self)
{
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_SPEED]);
}

static void
shmviz_replay_bar_get_property (GObject    *object,
                                guint       prop_id,
                                GValue     *value,
                                GParamSpec *pspec)
{
  ShmvizReplayBar *self = SHMVIZ_REPLAY_BAR (object);

  switch (prop_id)
    {
    case PROP_PLAYING:
      g_value_set_boolean (value, shmviz_replay_bar_get_playing (self));
      break;
    case PROP_SPEED:
      g_value_set_double (value, shmviz_replay_bar_get_speed (self));
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
shmviz_replay_bar_set_property (GObject      *object,
                                guint         prop_id,
                                const GValue *value,
                                GParamSpec   *pspec)
{
  ShmvizReplayBar *self = SHMVIZ_REPLAY_BAR (object);

  switch (prop_id)
    {
    case PROP_PLAYING:
      shmviz_replay_bar_set_playing (self, g_value_get_boolean (value));
      break;
    case PROP_SPEED:
      shmviz_replay_bar_set_speed (self, g_value_get_double (value));
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
shmviz_replay_bar_dispose (GObject *object)
{
  ShmvizReplayBar *self = SHMVIZ_REPLAY_BAR (object);

  if (self->tick_id != 0)
    gtk_widget_remove_tick_callback (GTK_WIDGET (self), self->tick_id);
  self->tick_id = 0;
  g_clear_object (&self->replay);
  g_clear_pointer (&self->damage, g_free);
  gtk_widget_dispose_template (GTK_WIDGET (self), SHMVIZ_TYPE_REPLAY_BAR);

  G_OBJECT_CLASS (shmviz_replay_bar_parent_class)->dispose (object);
}

static void
shmviz_replay_bar_class_init (ShmvizReplayBarClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = shmviz_replay_bar_dispose;
  object_class->get_property = shmviz_replay_bar_get_property;
  object_class->set_property = shmviz_replay_bar_set_property;

  properties[PROP_PLAYING] =
    g_param_spec_boolean ("playing", NULL, NULL, FALSE,
                          G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_SPEED] =
    g_param_spec_double ("speed", NULL, NULL, 0.1, 10.0, 1.0,
                         G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  /* After every move of the replay: the model changed. */
  signals[MOVED] = g_signal_new ("moved", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                                 0, NULL, NULL, NULL, G_TYPE_NONE, 0);

  gtk_widget_class_set_layout_manager_type (widget_class, GTK_TYPE_BIN_LAYOUT);
  gtk_widget_class_set_css_name (widget_class, "replaybar");
  gtk_widget_class_set_template_from_resource (widget_class, "/io/github/shmviz/Shmviz/ui/shmviz-replay-bar.ui");
  gtk_widget_class_bind_template_child (widget_class, ShmvizReplayBar, box);
  gtk_widget_class_bind_template_child (widget_class, ShmvizReplayBar, caption_revealer);
  gtk_widget_class_bind_template_child (widget_class, ShmvizReplayBar, caption_label);
  gtk_widget_class_bind_template_child (widget_class, ShmvizReplayBar, play_button);
  gtk_widget_class_bind_template_child (widget_class, ShmvizReplayBar, back_button);
  gtk_widget_class_bind_template_child (widget_class, ShmvizReplayBar, forward_button);
  gtk_widget_class_bind_template_child (widget_class, ShmvizReplayBar, prev_anomaly_button);
  gtk_widget_class_bind_template_child (widget_class, ShmvizReplayBar, next_anomaly_button);
  gtk_widget_class_bind_template_child (widget_class, ShmvizReplayBar, scale);
  gtk_widget_class_bind_template_child (widget_class, ShmvizReplayBar, adjustment);
  gtk_widget_class_bind_template_child (widget_class, ShmvizReplayBar, time_label);
  gtk_widget_class_bind_template_child (widget_class, ShmvizReplayBar, speed_dropdown);
}

static void
shmviz_replay_bar_init (ShmvizReplayBar *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));

  gtk_drop_down_set_selected (self->speed_dropdown, DEFAULT_SPEED_INDEX);
  g_signal_connect_swapped (self->play_button, "clicked", G_CALLBACK (play_clicked), self);
  g_signal_connect_swapped (self->back_button, "clicked", G_CALLBACK (back_clicked), self);
  g_signal_connect_swapped (self->forward_button, "clicked", G_CALLBACK (forward_clicked), self);
  g_signal_connect_swapped (self->prev_anomaly_button, "clicked", G_CALLBACK (prev_anomaly_clicked), self);
  g_signal_connect_swapped (self->next_anomaly_button, "clicked", G_CALLBACK (next_anomaly_clicked), self);
  g_signal_connect_swapped (self->speed_dropdown, "notify::selected", G_CALLBACK (speed_notify), self);
  g_signal_connect (self->adjustment, "value-changed", G_CALLBACK (scale_value_changed), self);
  sync_controls (self);
}

GtkWidget *
shmviz_replay_bar_new (void)
{
  return g_object_new (SHMVIZ_TYPE_REPLAY_BAR, NULL);
}
