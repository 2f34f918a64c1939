/* shmviz-window-keys.c — single keys on the keyboard
 *
 * Space, period, S, plus and minus steer the run without a modifier,
 * so they must leave a text field or a spin button its keys.  Apart
 * because a shortcut controller of our own does that, beside the
 * application's accelerators.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include "shmviz-window-internal.h"

static gboolean
focus_takes_keys (GtkWidget *focus)
{
  if (focus == NULL)
    return FALSE;

  return GTK_IS_EDITABLE (focus) ||
         GTK_IS_TEXT_VIEW (focus) ||
         gtk_widget_get_ancestor (focus, GTK_TYPE_SPIN_BUTTON) != NULL ||
         gtk_widget_get_ancestor (focus, GTK_TYPE_POPOVER) != NULL;
}

static gboolean
single_key_activated (GtkWidget *widget,
                      GVariant  *args,
                      gpointer   user_data)
{
  const char *action_name = user_data;

  /* Typing "5" then "-" into a spin button must edit it, not slow down
   * the run; so must Right in a text field. */
  if (focus_takes_keys (gtk_root_get_focus (GTK_ROOT (widget))))
    return FALSE;

  return gtk_widget_activate_action (widget, action_name, NULL);
}

void
_shmviz_window_add_single_key_shortcuts (ShmvizWindow *self)
{
  static const struct {
    const char *trigger;
    const char *action;
  } keys[] = {
    { "space",       "win.pause" },
    { "period",      "win.step" },
    { "KP_Decimal",  "win.step" },
    { "Right",       "win.step" },
    { "s",           "win.toggle-sync" },
    { "plus",        "win.speed-up" },
    { "equal",       "win.speed-up" },
    { "KP_Add",      "win.speed-up" },
    { "minus",       "win.speed-down" },
    { "KP_Subtract", "win.speed-down" },
  };
  GtkEventController *controller = gtk_shortcut_controller_new ();

  /* Capture phase, so that Space pauses even while a button has focus;
   * single_key_activated() lets text entry keep its keys. */
  gtk_event_controller_set_propagation_phase (controller, GTK_PHASE_CAPTURE);
  gtk_event_controller_set_name (controller, "shmviz-single-keys");

  for (guint i = 0; i < G_N_ELEMENTS (keys); i++)
    {
      GtkShortcutTrigger *trigger = gtk_shortcut_trigger_parse_string (keys[i].trigger);
      GtkShortcutAction *action = gtk_callback_action_new (single_key_activated,
                                                           (gpointer)keys[i].action, NULL);

      g_assert (trigger != NULL);
      gtk_shortcut_controller_add_shortcut (GTK_SHORTCUT_CONTROLLER (controller),
                                            gtk_shortcut_new (trigger, action));
    }

  gtk_widget_add_controller (GTK_WIDGET (self), controller);
}
