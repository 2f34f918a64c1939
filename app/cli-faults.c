/* cli-faults.c — `shmviz-cli run --fault ACTION:PROC@TIME`: faults a
 * teacher injects on purpose, at set times of the run
 *
 *   kill:P2@1s      SIGKILL worker P2 one second in
 *   stop:C1@500ms   SIGSTOP, and cont:C1@2s SIGCONT
 *   restart:P2@1.5s start a dead worker again
 *   recover@1.2s    rebuild the shared state at a safe point
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <glib/gi18n.h>
#include <signal.h>
#include <string.h>

#include "cli-faults.h"
#include "scenario.h"

typedef enum {
  FAULT_KILL,
  FAULT_STOP,
  FAULT_CONT,
  FAULT_RESTART,
  FAULT_RECOVER,
} FaultAction;

typedef struct {
  FaultAction    action;
  guint          proc;
  guint64        at_ns;
  guint          source;
  ShmvizSession *session;   /* unowned: the run outlives its faults */
} Fault;

struct _CliFaults
{
  GPtrArray *faults;
};

static const struct {
  const char *name;
  FaultAction action;
  gboolean    needs_proc;
} actions[] = {
  { "kill", FAULT_KILL, TRUE },
  { "stop", FAULT_STOP, TRUE },
  { "cont", FAULT_CONT, TRUE },
  { "restart", FAULT_RESTART, TRUE },
  { "recover", FAULT_RECOVER, FALSE },
};

/* "P2" → 1, "C1" → n_producers; FALSE when out of range. */
static gboolean
parse_proc (const char *label,
            guint       n_producers,
            guint       n_consumers,
            guint      *proc)
{
  guint64 n;

  if ((label[0] != 'P' && label[0] != 'C') ||
      !g_ascii_string_to_unsigned (label + 1, 10, 1,
                                   label[0] == 'P' ? n_producers : n_consumers, &n, NULL))
    return FALSE;
  *proc = label[0] == 'P' ? (guint) n - 1 : n_producers + (guint) n - 1;
  return TRUE;
}

static gboolean
parse_one (const char  *spec,
           guint        n_producers,
           guint        n_consumers,
           Fault       *fault,
           GError     **error)
{
  g_autofree char *copy = g_strdup (spec);
  g_autofree char *time_str = NULL;
  char *at = strrchr (copy, '@');
  char *colon;
  guint i;

  if (at == NULL)
    {
      g_set_error (error, G_OPTION_ERROR, G_OPTION_ERROR_BAD_VALUE,
                   _("--fault “%s”: expected ACTION:PROCESS@TIME, as in kill:P1@2s"), spec);
      return FALSE;
    }
  *at = '\0';
  /* Like --duration, a bare number is seconds. */
  time_str = g_ascii_isdigit (at[1]) && g_ascii_isdigit (at[strlen (at + 1)])
             ? g_strconcat (at + 1, "s", NULL) : g_strdup (at + 1);
  if (!shmviz_parse_duration_ns (time_str, &fault->at_ns, error))
    {
      g_prefix_error (error, _("--fault “%s”: "), spec);
      return FALSE;
    }

  colon = strchr (copy, ':');
  if (colon)
    *colon = '\0';
  for (i = 0; i < G_N_ELEMENTS (actions); i++)
    if (strcmp (copy, actions[i].name) == 0)
      break;
  if (i == G_N_ELEMENTS (actions))
    {
      g_set_error (error, G_OPTION_ERROR, G_OPTION_ERROR_BAD_VALUE,
                   _("--fault “%s”: the action must be kill, stop, cont, restart or recover"), spec);
      return FALSE;
    }
  fault->action = actions[i].action;

  if (actions[i].needs_proc != (colon != NULL))
    {
      g_set_error (error, G_OPTION_ERROR, G_OPTION_ERROR_BAD_VALUE,
                   actions[i].needs_proc
                   ? _("--fault “%s”: %s needs a process, as in %s:P1@1s")
                   : _("--fault “%s”: %s takes no process, as in %s@1s"),
                   spec, actions[i].name, actions[i].name);
      return FALSE;
    }
  if (colon && !parse_proc (colon + 1, n_producers, n_consumers, &fault->proc))
    {
      g_set_error (error, G_OPTION_ERROR, G_OPTION_ERROR_BAD_VALUE,
                   _("--fault “%s”: “%s” is not one of P1…P%u or C1…C%u"),
                   spec, colon + 1, n_producers, n_consumers);
      return FALSE;
    }
  return TRUE;
}

static void
fault_free (gpointer data)
{
  Fault *fault = data;

  g_clear_handle_id (&fault->source, g_source_remove);
  g_free (fault);
}

CliFaults *
cli_faults_parse (char * const *specs,
                  guint         n_producers,
                  guint         n_consumers,
                  GError      **error)
{
  CliFaults *self = g_new0 (CliFaults, 1);

  self->faults = g_ptr_array_new_with_free_func (fault_free);
  for (guint i = 0; specs && specs[i]; i++)
    {
      Fault *fault = g_new0 (Fault, 1);

      g_ptr_array_add (self->faults, fault);
      if (!parse_one (specs[i], n_producers, n_consumers, fault, error))
        {
          cli_faults_free (self);
          return NULL;
        }
    }
  return self;
}

static gboolean
fire (gpointer data)
{
  Fault *fault = data;
  g_autoptr(GError) error = NULL;
  static const int signals[] = { [FAULT_KILL] = SIGKILL, [FAULT_STOP] = SIGSTOP, [FAULT_CONT] = SIGCONT };

  fault->source = 0;
  switch (fault->action)
    {
    case FAULT_KILL:
    case FAULT_STOP:
    case FAULT_CONT:
      shmviz_session_signal_worker (fault->session, fault->proc, signals[fault->action], &error);
      break;
    case FAULT_RESTART:
      shmviz_session_restart_worker (fault->session, fault->proc, &error);
      break;
    case FAULT_RECOVER:
      shmviz_session_recover (fault->session);
      break;
    default:
      g_assert_not_reached ();
    }
  if (error)
    g_printerr ("shmviz-cli: --fault: %s\n", error->message);
  return G_SOURCE_REMOVE;
}

void
cli_faults_arm (CliFaults     *self,
                ShmvizSession *session)
{
  for (guint i = 0; i < self->faults->len; i++)
    {
      Fault *fault = g_ptr_array_index (self->faults, i);

      fault->session = session;
      fault->source = g_timeout_add ((guint) MIN (fault->at_ns / 1000000, G_MAXUINT), fire, fault);
    }
}

void
cli_faults_free (CliFaults *self)
{
  if (self == NULL)
    return;
  g_ptr_array_unref (self->faults);
  g_free (self);
}
