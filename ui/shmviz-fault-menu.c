/* shmviz-fault-menu.c — fault injection and recovery, as a teacher uses them
 *
 * Every fault goes through the session (shmviz_session_signal_worker() and
 * friends), which records it as an event: a recording replays the kill
 * with the rest.  The actions take the window's session at activation
 * time, so they follow restarts without being told.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <signal.h>

#include <glib/gi18n.h>

#include "layout.h"
#include "shmviz-fault-menu.h"

#define POPOVER_KEY "shmviz-fault-popover"

/* The live session the actions may act on, or NULL after telling why. */
static ShmvizSession *
live_session (ShmvizWindow *window)
{
  ShmvizSession *session = shmviz_window_get_session (window);

  if (session == NULL || shmviz_window_get_replay (window) != NULL ||
      !shmviz_session_get_running (session))
    {
      shmviz_window_add_toast (window, _("No run is live: restart it to inject faults"));
      return NULL;
    }

  return session;
}

static guint
n_producers_of (ShmvizSession *session)
{
  return shmviz_session_get_scenario (session)->n_producers;
}

/* A fault banner describes a state the action just changed: let the
 * window take it down (it keeps any other banner). */
static void
dismiss_fault_banner (ShmvizWindow *window)
{
  gtk_widget_activate_action (GTK_WIDGET (window), "win.dismiss-fault-banner", NULL);
}

static void
send_signal (ShmvizWindow *window,
             GVariant     *param,
             int           signo)
{
  ShmvizSession *session = live_session (window);
  g_autoptr(GError) error = NULL;
  guint proc = g_variant_get_uint32 (param);

  if (session == NULL)
    return;

  if (!shmviz_session_signal_worker (session, proc, signo, &error))
    shmviz_window_add_toast (window, error->message);
}

static void
kill_process_activated (GSimpleAction *action,
                        GVariant      *param,
                        gpointer       user_data)
{
  send_signal (SHMVIZ_WINDOW (user_data), param, SIGKILL);
}

static void
stop_process_activated (GSimpleAction *action,
                        GVariant      *param,
                        gpointer       user_data)
{
  send_signal (SHMVIZ_WINDOW (user_data), param, SIGSTOP);
}

static void
continue_process_activated (GSimpleAction *action,
                            GVariant      *param,
                            gpointer       user_data)
{
  ShmvizWindow *window = SHMVIZ_WINDOW (user_data);

  send_signal (window, param, SIGCONT);
  dismiss_fault_banner (window);
}

static void
restart_process_activated (GSimpleAction *action,
                           GVariant      *param,
                           gpointer       user_data)
{
  ShmvizWindow *window = SHMVIZ_WINDOW (user_data);
  ShmvizSession *session = live_session (window);
  g_autoptr(GError) error = NULL;
  g_autofree char *label = NULL;
  g_autofree char *text = NULL;
  guint proc = g_variant_get_uint32 (param);

  if (session == NULL)
    return;

  label = shmviz_proc_label (proc, n_producers_of (session));
  if (!shmviz_session_restart_worker (session, proc, &error))
    {
      shmviz_window_add_toast (window, error->message);
      return;
    }

  /* TRANSLATORS: %s is a process, e.g. "P2" */
  text = g_strdup_printf (_("%s started again"), label);
  shmviz_window_add_toast (window, text);
  dismiss_fault_banner (window);
}

static void
recover_activated (GSimpleAction *action,
                   GVariant      *param,
                   gpointer       user_data)
{
  ShmvizWindow *window = SHMVIZ_WINDOW (user_data);
  ShmvizSession *session = live_session (window);
  ShmvizSnapshot snap = { 0 };
  guint dead = G_MAXUINT;

  if (session == NULL)
    return;

  /* The session parks the survivors at a safe point and rebuilds from the
   * slots: nothing to wait for here, the stream shows the outcome. */
  shmviz_session_recover (session);
  dismiss_fault_banner (window);

  shmviz_model_snapshot (shmviz_session_get_model (session), &snap);
  for (guint i = 0; i < snap.n_procs && dead == G_MAXUINT; i++)
    if (snap.procs[i].state == SHMVIZ_VIEW_DEAD)
      dead = i;
  shmviz_snapshot_clear (&snap);

  if (dead != G_MAXUINT)
    {
      g_autofree char *label = shmviz_proc_label (dead, n_producers_of (session));
      g_autofree char *button = NULL;
      GtkWidget *overlay;
      AdwToast *toast;

      /* The window's content is its toast overlay; a toast with a button
       * needs it directly. */
      toast = adw_toast_new (_("Semaphores and indices rebuilt from the buffer"));
      /* TRANSLATORS: %s is a process, e.g. "P2" */
      button = g_strdup_printf (_("Start %s Again"), label);
      adw_toast_set_button_label (toast, button);
      adw_toast_set_action_name (toast, "win.restart-process");
      adw_toast_set_action_target_value (toast, g_variant_new_uint32 (dead));
      adw_toast_set_timeout (toast, 8);
      overlay = adw_application_window_get_content (ADW_APPLICATION_WINDOW (window));
      if (ADW_IS_TOAST_OVERLAY (overlay))
        adw_toast_overlay_add_toast (ADW_TOAST_OVERLAY (overlay), toast);
      else
        {
          shmviz_window_add_toast (window, adw_toast_get_title (toast));
          g_object_unref (g_object_ref_sink (toast));
        }
    }
  else
    {
      shmviz_window_add_toast (window, _("Semaphores and indices rebuilt from the buffer"));
    }
}

static void
continue_all_activated (GSimpleAction *action,
                        GVariant      *param,
                        gpointer       user_data)
{
  ShmvizWindow *window = SHMVIZ_WINDOW (user_data);
  ShmvizSession *session = live_session (window);
  ShmvizSnapshot snap = { 0 };
  guint n = 0;

  if (session == NULL)
    return;

  /* Only the stopped ones: a SIGCONT is an event in the stream, and the
   * others would get one for nothing. */
  shmviz_model_snapshot (shmviz_session_get_model (session), &snap);
  for (guint i = 0; i < snap.n_procs; i++)
    if (snap.procs[i].state == SHMVIZ_VIEW_STOPPED &&
        shmviz_session_signal_worker (session, i, SIGCONT, NULL))
      n++;
  shmviz_snapshot_clear (&snap);

  if (n == 0)
    shmviz_window_add_toast (window, _("No process is stopped"));
  dismiss_fault_banner (window);
}

static const GActionEntry fault_actions[] = {
  { "kill-process", kill_process_activated, "u" },
  { "stop-process", stop_process_activated, "u" },
  { "continue-process", continue_process_activated, "u" },
  { "restart-process", restart_process_activated, "u" },
  { "recover", recover_activated },
  { "continue-all", continue_all_activated },
};

void
shmviz_fault_menu_install_actions (ShmvizWindow *window)
{
  g_return_if_fail (SHMVIZ_IS_WINDOW (window));

  g_action_map_add_action_entries (G_ACTION_MAP (window), fault_actions,
                                   G_N_ELEMENTS (fault_actions), window);
}

gboolean
shmviz_fault_menu_view_holds (const ShmvizProcView *view)
{
  return view != NULL && (view->held & (SHMVIZ_HELD_MUTEX | SHMVIZ_HELD_EMPTY | SHMVIZ_HELD_FULL)) != 0;
}

static void
append_action (GMenu      *menu,
               const char *label,
               const char *action,
               guint       proc)
{
  g_autoptr(GMenuItem) item = g_menu_item_new (label, NULL);

  g_menu_item_set_action_and_target_value (item, action, g_variant_new_uint32 (proc));
  g_menu_append_item (menu, item);
}

/* The items for one process; @view NULL offers all of them. */
static GMenu *
process_items (guint                 proc,
               const ShmvizProcView *view)
{
  GMenu *menu = g_menu_new ();
  gboolean dead = view != NULL && (view->state == SHMVIZ_VIEW_DEAD || view->state == SHMVIZ_VIEW_DONE);
  gboolean stopped = view != NULL && view->state == SHMVIZ_VIEW_STOPPED;

  if (!dead)
    {
      append_action (menu, _("_Kill (SIGKILL)"), "win.kill-process", proc);
      if (!stopped)
        append_action (menu, _("_Stop (SIGSTOP)"), "win.stop-process", proc);
      if (view == NULL || stopped)
        append_action (menu, _("_Continue (SIGCONT)"), "win.continue-process", proc);
    }
  if (view == NULL || view->state == SHMVIZ_VIEW_DEAD)
    append_action (menu, _("Start _Again"), "win.restart-process", proc);

  return menu;
}

GMenuModel *
shmviz_fault_menu_new_for_process (guint                 proc,
                                   const ShmvizProcView *view,
                                   guint                 n_producers)
{
  g_autoptr(GMenu) items = process_items (proc, view);
  g_autofree char *label = shmviz_proc_label (proc, n_producers);
  GMenu *menu = g_menu_new ();
  g_autoptr(GMenu) recover = g_menu_new ();

  /* The process's name heads the menu: on a projector, the class sees
   * which card the teacher picked. */
  g_menu_append_section (menu, label, G_MENU_MODEL (items));

  if (view != NULL && view->state == SHMVIZ_VIEW_DEAD && shmviz_fault_menu_view_holds (view))
    {
      g_menu_append (recover, _("_Recover"), "win.recover");
      g_menu_append_section (menu, NULL, G_MENU_MODEL (recover));
    }

  return G_MENU_MODEL (menu);
}

void
shmviz_fault_menu_fill (GMenu *menu,
                        guint  n_producers,
                        guint  n_consumers)
{
  g_autoptr(GMenu) procs = g_menu_new ();
  g_autoptr(GMenu) all = g_menu_new ();

  g_return_if_fail (G_IS_MENU (menu));

  g_menu_remove_all (menu);

  for (guint i = 0; i < n_producers + n_consumers; i++)
    {
      g_autoptr(GMenu) items = process_items (i, NULL);
      g_autofree char *label = shmviz_proc_label (i, n_producers);
      g_autofree char *title = NULL;

      /* TRANSLATORS: "P1 (producer)" */
      title = g_strdup_printf (i < n_producers ? _("%s (producer)") : _("%s (consumer)"), label);
      g_menu_append_submenu (procs, title, G_MENU_MODEL (items));
    }
  g_menu_append_section (menu, NULL, G_MENU_MODEL (procs));

  g_menu_append (all, _("_Recover"), "win.recover");
  g_menu_append (all, _("Continue _All"), "win.continue-all");
  g_menu_append_section (menu, NULL, G_MENU_MODEL (all));
}

static void
parent_destroyed (GtkWidget *parent,
                  GtkWidget *popover)
{
  /* A popover is a child the parent does not know about: take it out
   * before the parent checks for children left over. */
  if (gtk_widget_get_parent (popover) == parent)
    gtk_widget_unparent (popover);
  g_object_set_data (G_OBJECT (parent), POPOVER_KEY, NULL);
}

void
shmviz_fault_menu_popup (GtkWidget            *parent,
                         guint                 proc,
                         const ShmvizProcView *view,
                         guint                 n_producers,
                         double                x,
                         double                y)
{
  g_autoptr(GMenuModel) model = NULL;
  GtkWidget *popover;

  g_return_if_fail (GTK_IS_WIDGET (parent));

  model = shmviz_fault_menu_new_for_process (proc, view, n_producers);
  popover = g_object_get_data (G_OBJECT (parent), POPOVER_KEY);
  if (popover == NULL)
    {
      popover = gtk_popover_menu_new_from_model (model);
      gtk_widget_set_parent (popover, parent);
      gtk_popover_set_has_arrow (GTK_POPOVER (popover), TRUE);
      gtk_widget_set_halign (popover, GTK_ALIGN_START);
      g_object_set_data (G_OBJECT (parent), POPOVER_KEY, popover);
      g_signal_connect_object (parent, "destroy", G_CALLBACK (parent_destroyed), popover, 0);
    }
  else
    {
      gtk_popover_menu_set_menu_model (GTK_POPOVER_MENU (popover), model);
    }

  gtk_popover_set_pointing_to (GTK_POPOVER (popover), &(GdkRectangle) { (int) x, (int) y, 1, 1 });
  gtk_popover_popup (GTK_POPOVER (popover));
}
