/* session.c — one live run: region, worker processes, drain thread, model
 *
 * Threads:
 *  - the owner's main context spawns workers, learns of their deaths from
 *    child watches, and emits every signal;
 *  - the session thread drains the workers' event rings, merges them by
 *    timestamp, feeds sinks and the model, runs barriers and watches for
 *    stalls.  It never waits for the main context.
 *
 * The thread's parts live beside this file: see session-private.h.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <errno.h>
#include <glib/gi18n.h>
#include <linux/futex.h>
#include <sched.h>
#include <signal.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "lockfree.h"
#include "region.h"
#include "session-private.h"
#include "session.h"
#include "worker.h"

enum {
  PROP_0,
  PROP_MODE,
  PROP_PAUSED,
  PROP_SPEED,
  PROP_RUNNING,
  N_PROPS
};

enum {
  FINISHED,
  PROCESS_DIED,
  DEADLOCK,
  ERROR,
  STALLED,
  N_SIGNALS
};

static GParamSpec *properties[N_PROPS];
static guint signals[N_SIGNALS];

G_DEFINE_FINAL_TYPE (ShmvizSession, shmviz_session, G_TYPE_OBJECT)
G_DEFINE_QUARK (shmviz-session-error-quark, shmviz_session_error)

void
_shmviz_session_wake_workers (ShmvizSession *self)
{
  ShmvizRegionHeader *h = shmviz_region_header (self->region);

  atomic_fetch_add (&h->wake, 1);
  syscall (SYS_futex, (uint32_t *) &h->wake, FUTEX_WAKE, G_MAXINT, NULL, NULL, 0);
}




/* ---- main-context notifications ---------------------------------------- */

typedef struct {
  ShmvizSession *self;
  guint          what;
  GError        *error;
  char          *message;
} Notify;

static gboolean
notify_in_main (gpointer data)
{
  Notify *n = data;
  ShmvizSession *self = n->self;

  /* News from the session thread that arrives after the end is stale. */
  if (self->finished && n->what != NOTIFY_MODE)
    return G_SOURCE_REMOVE;

  switch (n->what)
    {
    case NOTIFY_MODE:
      g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_MODE]);
      break;
    case NOTIFY_DEADLOCK:
      g_signal_emit (self, signals[DEADLOCK], 0);
      break;
    case NOTIFY_ERROR:
      g_signal_emit (self, signals[ERROR], 0, n->error);
      break;
    case NOTIFY_DRAINED:
      shmviz_session_stop (self);
      break;
    case NOTIFY_STALLED:
      g_signal_emit (self, signals[STALLED], 0, n->message);
      break;
    default:
      g_assert_not_reached ();
    }
  return G_SOURCE_REMOVE;
}

static void
notify_free (gpointer data)
{
  Notify *n = data;

  g_clear_error (&n->error);
  g_free (n->message);
  g_object_unref (n->self);
  g_free (n);
}

void
_shmviz_session_notify_main_full (ShmvizSession *self,
                  guint          what,
                  GError        *error,
                  char          *message)
{
  Notify *n = g_new0 (Notify, 1);

  n->self = g_object_ref (self);
  n->what = what;
  n->error = error;
  n->message = message;
  g_main_context_invoke_full (self->main_context, G_PRIORITY_DEFAULT,
                              notify_in_main, n, notify_free);
}

void
_shmviz_session_notify_main (ShmvizSession *self,
             guint          what,
             GError        *error)
{
  _shmviz_session_notify_main_full (self, what, error, NULL);
}

/* ---- session thread ---------------------------------------------------- */








gboolean
_shmviz_session_proc_gone (ShmvizSession *self,
           guint          i)
{
  return g_atomic_int_get (&self->gone[i]) != 0;
}










/* How long the session thread may sleep before the next drain.  On a
 * machine with few CPUs every wake-up takes one from a worker, which may
 * be holding the lock or about to post what the other is spinning for:
 * the fewer, the better, as long as the picture stays fresh (a frame is
 * 16 ms) and no ring comes near full.  So the longest interval, unless
 * at the rate the busiest ring filled since the last drain it would be a
 * quarter full before then. */
static gint64
drain_interval_us (ShmvizSession *self,
                   guint64        now)
{
  guint64 peak = self->drain_peak;
  guint64 elapsed_ns = now - MIN (self->last_drain_ns, now);
  guint64 quarter = shmviz_region_ring_capacity (self->region) / 4;
  gint64 us = DRAIN_INTERVAL_MAX_US;

  self->drain_peak = 0;
  self->last_drain_ns = now;
  if (peak > 0)
    self->last_busy_ns = now;
  if (peak > 0 && elapsed_ns > 0)
    us = (gint64) MIN ((double) quarter * (double) elapsed_ns / (double) peak / 1000.0,
                       (double) DRAIN_INTERVAL_MAX_US);
  return MAX (us, DRAIN_INTERVAL_US);
}

static gpointer
session_thread (gpointer data)
{
  ShmvizSession *self = data;

  self->watch_since = _shmviz_session_now_ns ();

  for (;;)
    {
      gboolean quit, backlog;
      Request *req;
      guint64 now;
      gint64 interval_us;

      g_mutex_lock (&self->lock);
      quit = self->thread_quit;
      while ((req = g_queue_pop_head (&self->requests)))
        {
          g_mutex_unlock (&self->lock);
          if (req->kind == REQUEST_MODE && !quit)
            _shmviz_session_begin_barrier (self, req->value);
          g_free (req);
          g_mutex_lock (&self->lock);
        }
      g_mutex_unlock (&self->lock);

      if (quit)
        {
          /* Everyone has exited: whatever is in the rings is final. */
          while (_shmviz_session_drain_and_merge (self, TRUE))
            ;
          break;
        }

      backlog = _shmviz_session_drain_and_merge (self, FALSE);
      now = _shmviz_session_now_ns ();

      if (self->barrier_active)
        _shmviz_session_progress_barrier (self);
      _shmviz_session_check_progress (self, now);

      if (backlog)
        continue;

      interval_us = drain_interval_us (self, now);
      g_mutex_lock (&self->lock);
      /* Paused and quiet: parked workers write nothing, and a paused
       * window should cost no CPU. */
      if (atomic_load (&shmviz_region_header (self->region)->run_state) == SHMVIZ_RUN_PAUSED &&
          !self->barrier_active &&
          now - MIN (MAX (self->last_busy_ns, self->control_pushed_ns), now) > DRAIN_PAUSED_QUIET_NS)
        interval_us = DRAIN_INTERVAL_PAUSED_US;
      if (!self->thread_quit && self->requests.length == 0)
        g_cond_wait_until (&self->cond, &self->lock, g_get_monotonic_time () + interval_us);
      g_mutex_unlock (&self->lock);
    }

  return NULL;
}

/* ---- processes ---------------------------------------------------------- */

static void finish (ShmvizSession *self);

typedef struct {
  ShmvizSession *self;   /* weak: the session removes its watches before it goes */
  guint          index;
} Child;


static void
child_exited (GPid     pid,
              gint     wait_status,
              gpointer data)
{
  Child *child = data;
  ShmvizSession *self = child->self;
  guint i = child->index;
  gboolean signaled = WIFSIGNALED (wait_status);
  gint status = signaled ? WTERMSIG (wait_status) : WEXITSTATUS (wait_status);

  g_spawn_close_pid (pid);
  self->child_watches[i] = 0;
  g_atomic_int_set (&self->pids[i], 0);
  g_atomic_int_set (&self->gone[i], 1);
  self->n_alive--;

  if (signaled || status != 0)
    {
      g_free (self->death_messages[i]);
      self->death_messages[i] = _shmviz_session_describe_death (self, i, status, signaled);
      _shmviz_session_push_control (self, SHMVIZ_EV_DIED, signaled ? 1 : 0, (guint16) i, (guint16) status, 0, 0);
      if (!self->stopping || !signaled || status != SIGKILL)
        g_signal_emit (self, signals[PROCESS_DIED], 0, i, status, signaled);
    }

  if (self->n_alive == 0)
    finish (self);
}

/* Lower nice level, idle class or both, as asked: before the worker has
 * done a step, so that it never ran at our level.  Not reaped yet, so
 * @pid is still the worker's. */
static void
lower_worker (ShmvizSession *self,
              GPid           pid)
{
  int ours;

  errno = 0;
  ours = getpriority (PRIO_PROCESS, 0);
  if (errno != 0)
    ours = 0;
  if (self->worker_niceness > 0 &&
      setpriority (PRIO_PROCESS, (id_t) pid, MIN (ours + self->worker_niceness, 19)) != 0)
    g_debug ("could not lower the priority of worker %d: %s", (int) pid, g_strerror (errno));

  if (self->worker_idle)
    {
      struct sched_param param = { 0 };

      if (sched_setscheduler (pid, SCHED_IDLE, &param) != 0)
        g_debug ("could not move worker %d to SCHED_IDLE: %s", (int) pid, g_strerror (errno));
    }
}

static gboolean
spawn_worker (ShmvizSession *self,
              guint          index,
              GError       **error)
{
  g_autofree char *index_str = g_strdup_printf ("%u", index);
  g_autofree char *parent_str = g_strdup_printf ("%d", (int) getpid ());
  /* The worker maps the object through an inherited descriptor: the name
   * is unlinked before anyone starts, so nothing can leak in /dev/shm. */
  const int source_fds[] = { shmviz_region_get_fd (self->region) };
  const int target_fds[] = { 3 };
  const char *argv[] = {
    self->worker_path,
    "fd:3",
    index_str,
    parent_str,
    NULL
  };
  guint64 spawned_ns = _shmviz_session_reserve_control_ts (self);
  Child *child;
  GPid pid;

  if (!g_spawn_async_with_pipes_and_fds (NULL, argv, NULL, G_SPAWN_DO_NOT_REAP_CHILD,
                                         NULL, NULL, -1, -1, -1,
                                         source_fds, target_fds, G_N_ELEMENTS (source_fds),
                                         &pid, NULL, NULL, NULL, error))
    {
      g_mutex_lock (&self->lock);
      self->control_floor = 0;
      g_mutex_unlock (&self->lock);
      g_prefix_error (error, _("Could not start worker process %u: "), index + 1);
      return FALSE;
    }

  self->pids[index] = pid;
  self->n_alive++;
  if (self->worker_niceness > 0 || self->worker_idle)
    lower_worker (self, pid);
  child = g_new0 (Child, 1);
  child->self = self;
  child->index = index;
  {
    GSource *source = g_child_watch_source_new (pid);

    g_source_set_callback (source, (GSourceFunc) (void (*) (void)) child_exited, child, g_free);
    self->child_watches[index] = g_source_attach (source, self->main_context);
    g_source_unref (source);
  }
  /* Stamped before the fork: the process cannot have done anything yet. */
  _shmviz_session_push_control_at (self, spawned_ns, SHMVIZ_EV_SPAWNED, 0, (guint16) index, 0, 0, (guint64) pid);
  return TRUE;
}

/* Synchronous teardown for failed starts and finalization: nothing may
 * outlive the session object. */
static void
reap_all_now (ShmvizSession *self)
{
  if (self->region)
    {
      ShmvizRegionHeader *h = shmviz_region_header (self->region);

      atomic_store (&h->run_state, SHMVIZ_RUN_STOPPING);
      _shmviz_session_wake_workers (self);
    }

  for (guint i = 0; i < self->n_procs; i++)
    {
      GSource *source;

      if (self->pids[i] == 0)
        continue;
      if (self->child_watches[i] &&
          (source = g_main_context_find_source_by_id (self->main_context, self->child_watches[i])))
        g_source_destroy (source);
      self->child_watches[i] = 0;
    }

  for (guint i = 0; i < self->n_procs; i++)
    {
      gint64 deadline = g_get_monotonic_time () + STOP_GRACE_MS * 1000;
      int wstatus;

      if (self->pids[i] == 0)
        continue;
      while (waitpid (self->pids[i], &wstatus, WNOHANG) == 0)
        {
          if (g_get_monotonic_time () > deadline)
            {
              kill (self->pids[i], SIGKILL);
              waitpid (self->pids[i], &wstatus, 0);
              break;
            }
          g_usleep (2000);
        }
      self->pids[i] = 0;
      g_atomic_int_set (&self->gone[i], 1);
    }
  self->n_alive = 0;
}

static void
stop_thread (ShmvizSession *self)
{
  if (!self->thread)
    return;
  g_mutex_lock (&self->lock);
  self->thread_quit = TRUE;
  g_cond_signal (&self->cond);
  g_mutex_unlock (&self->lock);
  g_thread_join (g_steal_pointer (&self->thread));
}

static void
finish (ShmvizSession *self)
{
  if (self->finished)
    return;
  self->finished = TRUE;

  g_clear_handle_id (&self->kill_source, g_source_remove);
  g_clear_handle_id (&self->duration_source, g_source_remove);
  stop_thread (self);
  if (self->region)
    shmviz_region_unlink (self->region);

  self->running = FALSE;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_RUNNING]);
  g_signal_emit (self, signals[FINISHED], 0);
}

static gboolean
kill_stragglers (gpointer data)
{
  ShmvizSession *self = data;

  self->kill_source = 0;
  for (guint i = 0; i < self->n_procs; i++)
    if (self->pids[i] != 0)
      kill (self->pids[i], SIGKILL);
  return G_SOURCE_REMOVE;
}

static gboolean
duration_elapsed (gpointer data)
{
  ShmvizSession *self = data;

  self->duration_source = 0;
  shmviz_session_stop (self);
  return G_SOURCE_REMOVE;
}

/* ---- GObject ------------------------------------------------------------- */

static void
shmviz_session_finalize (GObject *object)
{
  ShmvizSession *self = SHMVIZ_SESSION (object);

  if (self->running && !self->finished)
    reap_all_now (self);
  g_clear_handle_id (&self->kill_source, g_source_remove);
  g_clear_handle_id (&self->duration_source, g_source_remove);
  stop_thread (self);

  if (self->stages)
    for (guint i = 0; i <= self->n_procs; i++)
      g_array_unref (self->stages[i].events);
  g_clear_pointer (&self->stages, g_free);
  g_clear_pointer (&self->tails, g_free);
  g_clear_pointer (&self->last_ts, g_free);
  g_clear_pointer (&self->steps_seen, g_free);
  g_clear_pointer (&self->stopped, g_free);
  /* Not g_strfreev(): the array has holes where workers are alive. */
  if (self->death_messages)
    for (guint i = 0; i < self->n_procs; i++)
      g_free (self->death_messages[i]);
  g_clear_pointer (&self->death_messages, g_free);
  g_clear_pointer (&self->dropped_seen, g_free);
  g_clear_pointer (&self->pids, g_free);
  g_clear_pointer (&self->child_watches, g_free);
  g_clear_pointer (&self->gone, g_free);
  g_clear_pointer (&self->batch, g_array_unref);
  g_clear_pointer (&self->control_events, g_array_unref);
  g_clear_pointer (&self->sinks, g_array_unref);
  g_queue_clear_full (&self->requests, g_free);
  g_clear_pointer (&self->region, shmviz_region_free);
  g_clear_pointer (&self->model, shmviz_model_unref);
  g_clear_pointer (&self->main_context, g_main_context_unref);
  g_clear_pointer (&self->worker_path, g_free);
  g_mutex_clear (&self->lock);
  g_cond_clear (&self->cond);

  G_OBJECT_CLASS (shmviz_session_parent_class)->finalize (object);
}

static void
shmviz_session_get_property (GObject    *object,
                             guint       prop_id,
                             GValue     *value,
                             GParamSpec *pspec)
{
  ShmvizSession *self = SHMVIZ_SESSION (object);

  switch (prop_id)
    {
    case PROP_MODE:
      g_value_set_uint (value, shmviz_session_get_mode (self));
      break;
    case PROP_PAUSED:
      g_value_set_boolean (value, self->paused);
      break;
    case PROP_SPEED:
      g_value_set_uint (value, self->speed);
      break;
    case PROP_RUNNING:
      g_value_set_boolean (value, self->running);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
shmviz_session_set_property (GObject      *object,
                             guint         prop_id,
                             const GValue *value,
                             GParamSpec   *pspec)
{
  ShmvizSession *self = SHMVIZ_SESSION (object);

  switch (prop_id)
    {
    case PROP_MODE:
      shmviz_session_set_mode (self, g_value_get_uint (value));
      break;
    case PROP_PAUSED:
      shmviz_session_set_paused (self, g_value_get_boolean (value));
      break;
    case PROP_SPEED:
      shmviz_session_set_speed (self, g_value_get_uint (value));
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
shmviz_session_class_init (ShmvizSessionClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->finalize = shmviz_session_finalize;
  object_class->get_property = shmviz_session_get_property;
  object_class->set_property = shmviz_session_set_property;

  /* The mode in force: it changes once the barrier completes, not when
   * asked. */
  properties[PROP_MODE] =
    g_param_spec_uint ("mode", NULL, NULL, 0, SHMVIZ_N_SYNC_MODES - 1, SHMVIZ_SYNC_SEMAPHORES,
                       G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_PAUSED] =
    g_param_spec_boolean ("paused", NULL, NULL, FALSE,
                          G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_SPEED] =
    g_param_spec_uint ("speed", NULL, NULL, 0, SHMVIZ_MAX_SPEED, 1000,
                       G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_RUNNING] =
    g_param_spec_boolean ("running", NULL, NULL, FALSE,
                          G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  signals[FINISHED] =
    g_signal_new ("finished", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL, G_TYPE_NONE, 0);
  signals[PROCESS_DIED] =
    g_signal_new ("process-died", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL, G_TYPE_NONE, 3, G_TYPE_UINT, G_TYPE_INT, G_TYPE_BOOLEAN);
  signals[DEADLOCK] =
    g_signal_new ("deadlock", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL, G_TYPE_NONE, 0);
  signals[ERROR] =
    g_signal_new ("error", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL, G_TYPE_NONE, 1, G_TYPE_ERROR);
  /* The watchdog: nobody progressed for a while, and why, in a sentence. */
  signals[STALLED] =
    g_signal_new ("stalled", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL, G_TYPE_NONE, 1, G_TYPE_STRING);
}

static void
shmviz_session_init (ShmvizSession *self)
{
  g_mutex_init (&self->lock);
  g_cond_init (&self->cond);
  g_queue_init (&self->requests);
  self->control_events = g_array_new (FALSE, FALSE, sizeof (ShmvizEvent));
  self->sinks = g_array_new (FALSE, FALSE, sizeof (Sink));
  self->batch = g_array_new (FALSE, FALSE, sizeof (ShmvizEvent));
  self->main_context = g_main_context_ref_thread_default ();
  self->watchdog_ns = WATCHDOG_NS;
}

ShmvizSession *
shmviz_session_new (const ShmvizScenario *scenario)
{
  ShmvizSession *self;

  g_return_val_if_fail (scenario != NULL, NULL);

  self = g_object_new (SHMVIZ_TYPE_SESSION, NULL);
  self->scenario = *scenario;
  self->mode = scenario->sync;
  self->speed = scenario->speed_permille;
  self->model = shmviz_model_new (scenario);
  return self;
}

char *
shmviz_session_find_worker (GError **error)
{
  const char *env = g_getenv ("SHMVIZ_WORKER");
  g_autofree char *self_exe = NULL;
  g_autofree char *installed = NULL;

  if (env && *env)
    {
      if (g_file_test (env, G_FILE_TEST_IS_EXECUTABLE))
        return g_strdup (env);
      g_set_error (error, SHMVIZ_SESSION_ERROR, SHMVIZ_SESSION_ERROR_NO_WORKER,
                   _("SHMVIZ_WORKER is set to %s, which is not an executable"), env);
      return NULL;
    }

  /* Beside the running program: the build tree and relocated installs. */
  if ((self_exe = g_file_read_link ("/proc/self/exe", NULL)))
    {
      g_autofree char *dir = g_path_get_dirname (self_exe);
      g_autofree char *beside = g_build_filename (dir, "shmviz-worker", NULL);

      if (g_file_test (beside, G_FILE_TEST_IS_EXECUTABLE))
        return g_steal_pointer (&beside);
    }

  installed = g_build_filename (SHMVIZ_LIBEXECDIR, "shmviz-worker", NULL);
  if (g_file_test (installed, G_FILE_TEST_IS_EXECUTABLE))
    return g_steal_pointer (&installed);

  g_set_error (error, SHMVIZ_SESSION_ERROR, SHMVIZ_SESSION_ERROR_NO_WORKER,
               _("The helper program shmviz-worker was not found in %s; is shmviz installed?"),
               SHMVIZ_LIBEXECDIR);
  return NULL;
}

gboolean
shmviz_session_start (ShmvizSession *self,
                      GError       **error)
{
  g_return_val_if_fail (SHMVIZ_IS_SESSION (self), FALSE);
  g_return_val_if_fail (!self->running && !self->finished, FALSE);

  if (!shmviz_scenario_validate (&self->scenario, error))
    return FALSE;
  if (!(self->worker_path = shmviz_session_find_worker (error)))
    return FALSE;

  /* Leftovers of a crashed earlier run of ours are cleaned at every start. */
  shmviz_region_sweep_stale (NULL);

  if (!(self->region = shmviz_region_create (&self->scenario, error)))
    return FALSE;
  /* Workers inherit the descriptor, so the name has no use past this. */
  shmviz_region_unlink (self->region);
  _shmviz_tsc_clock_init (&self->clock, shmviz_region_clock (self->region) == SHMVIZ_CLOCK_TSC);

  self->n_procs = self->scenario.n_producers + self->scenario.n_consumers;
  self->pids = g_new0 (GPid, self->n_procs);
  self->child_watches = g_new0 (guint, self->n_procs);
  self->gone = g_new0 (gint, self->n_procs);
  self->tails = g_new0 (guint64, self->n_procs);
  self->last_ts = g_new0 (guint64, self->n_procs);
  self->steps_seen = g_new0 (guint64, self->n_procs);
  self->stopped = g_new0 (gboolean, self->n_procs);
  self->death_messages = g_new0 (char *, self->n_procs);
  self->dropped_seen = g_new0 (guint64, self->n_procs);
  self->stages = g_new0 (Stage, self->n_procs + 1);
  for (guint i = 0; i <= self->n_procs; i++)
    self->stages[i].events = g_array_sized_new (FALSE, FALSE, sizeof (ShmvizEvent), 1024);

  _shmviz_session_push_control (self, SHMVIZ_EV_SESSION, 0, 0, (guint16) self->scenario.n_slots, 0, self->scenario.seed);
  _shmviz_session_push_control (self, SHMVIZ_EV_MODE, 0, 0, (guint16) self->scenario.sync, 0, 0);
  _shmviz_session_push_control (self, SHMVIZ_EV_SPEED, 0, 0, 0, 0, self->scenario.speed_permille);
  /* Paused before the start ("you are the scheduler", --schedule): no
   * worker may pass a step boundary that nobody granted. */
  if (self->paused)
    {
      atomic_store (&shmviz_region_header (self->region)->run_state, SHMVIZ_RUN_PAUSED);
      _shmviz_session_push_control (self, SHMVIZ_EV_PAUSE, 0, 0, 1, 0, 0);
    }

  self->running = TRUE;
  self->thread = g_thread_new ("shmviz-session", session_thread, self);

  for (guint i = 0; i < self->n_procs; i++)
    if (!spawn_worker (self, i, error))
      {
        reap_all_now (self);
        stop_thread (self);
        shmviz_region_unlink (self->region);
        self->running = FALSE;
        self->finished = TRUE;
        return FALSE;
      }

  if (self->scenario.duration > 0)
    self->duration_source = g_timeout_add_full (G_PRIORITY_DEFAULT,
                                                (guint) (self->scenario.duration * 1000),
                                                duration_elapsed, self, NULL);

  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_RUNNING]);
  return TRUE;
}

void
shmviz_session_stop (ShmvizSession *self)
{
  ShmvizRegionHeader *h;

  g_return_if_fail (SHMVIZ_IS_SESSION (self));

  if (!self->running || self->stopping)
    return;
  self->stopping = TRUE;

  h = shmviz_region_header (self->region);
  _shmviz_session_push_control (self, SHMVIZ_EV_STOP, 0, 0, 0, 0, 0);
  atomic_store (&h->run_state, SHMVIZ_RUN_STOPPING);
  _shmviz_session_wake_workers (self);
  self->kill_source = g_timeout_add (STOP_GRACE_MS, kill_stragglers, self);

  if (self->n_alive == 0)
    finish (self);
}

gboolean
shmviz_session_get_running (ShmvizSession *self)
{
  g_return_val_if_fail (SHMVIZ_IS_SESSION (self), FALSE);
  return self->running;
}

ShmvizModel *
shmviz_session_get_model (ShmvizSession *self)
{
  g_return_val_if_fail (SHMVIZ_IS_SESSION (self), NULL);
  return self->model;
}

const ShmvizScenario *
shmviz_session_get_scenario (ShmvizSession *self)
{
  g_return_val_if_fail (SHMVIZ_IS_SESSION (self), NULL);
  return &self->scenario;
}

const char *
shmviz_session_get_region_name (ShmvizSession *self)
{
  g_return_val_if_fail (SHMVIZ_IS_SESSION (self), NULL);
  return self->region ? shmviz_region_get_name (self->region) : NULL;
}

void
shmviz_session_set_mode (ShmvizSession  *self,
                         ShmvizSyncMode  mode)
{
  Request *req;

  g_return_if_fail (SHMVIZ_IS_SESSION (self));
  g_return_if_fail (mode < SHMVIZ_N_SYNC_MODES);

  self->mode = mode;
  if (!self->running || self->stopping)
    return;

  req = g_new0 (Request, 1);
  req->kind = REQUEST_MODE;
  req->value = mode;
  g_mutex_lock (&self->lock);
  g_queue_push_tail (&self->requests, req);
  g_cond_signal (&self->cond);
  g_mutex_unlock (&self->lock);
}

ShmvizSyncMode
shmviz_session_get_mode (ShmvizSession *self)
{
  g_return_val_if_fail (SHMVIZ_IS_SESSION (self), SHMVIZ_SYNC_OFF);

  if (self->region)
    {
      guint mode = atomic_load (&shmviz_region_header (self->region)->mode);
      return mode < SHMVIZ_N_SYNC_MODES ? mode : SHMVIZ_SYNC_OFF;
    }
  return self->mode;
}

void
shmviz_session_set_paused (ShmvizSession *self,
                           gboolean       paused)
{
  ShmvizRegionHeader *h;

  g_return_if_fail (SHMVIZ_IS_SESSION (self));

  paused = !!paused;
  if (self->paused == paused)
    return;
  self->paused = paused;

  if (self->running && !self->stopping)
    {
      h = shmviz_region_header (self->region);
      atomic_store (&h->run_state, paused ? SHMVIZ_RUN_PAUSED : SHMVIZ_RUN_RUNNING);
      _shmviz_session_wake_workers (self);
      _shmviz_session_push_control (self, SHMVIZ_EV_PAUSE, 0, 0, paused, 0, 0);
    }
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_PAUSED]);
}

gboolean
shmviz_session_get_paused (ShmvizSession *self)
{
  g_return_val_if_fail (SHMVIZ_IS_SESSION (self), FALSE);
  return self->paused;
}

void
shmviz_session_step (ShmvizSession *self,
                     guint          proc)
{
  ShmvizProcBlock *p;

  g_return_if_fail (SHMVIZ_IS_SESSION (self));

  if (!self->running || self->stopping || proc >= self->n_procs)
    return;
  p = shmviz_region_proc (self->region, proc);
  atomic_fetch_add (&p->step_credit, 1);
  _shmviz_session_push_control (self, SHMVIZ_EV_STEP, 0, (guint16) proc, 0, 0, 0);
  _shmviz_session_wake_workers (self);
}

void
shmviz_session_set_speed (ShmvizSession *self,
                          guint          speed_permille)
{
  g_return_if_fail (SHMVIZ_IS_SESSION (self));

  speed_permille = MIN (speed_permille, SHMVIZ_MAX_SPEED);
  if (self->speed == speed_permille)
    return;
  self->speed = speed_permille;
  self->scenario.speed_permille = speed_permille;

  if (self->running && !self->stopping)
    {
      atomic_store (&shmviz_region_header (self->region)->speed_permille, speed_permille);
      _shmviz_session_wake_workers (self);
      _shmviz_session_push_control (self, SHMVIZ_EV_SPEED, 0, 0, 0, 0, speed_permille);
    }
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_SPEED]);
}

guint
shmviz_session_get_speed (ShmvizSession *self)
{
  g_return_val_if_fail (SHMVIZ_IS_SESSION (self), 0);
  return self->speed;
}

void
shmviz_session_set_timing (ShmvizSession *self,
                           ShmvizTiming   timing,
                           guint64        ns)
{
  g_return_if_fail (SHMVIZ_IS_SESSION (self));
  g_return_if_fail (timing < SHMVIZ_N_TIMINGS);

  ns = MIN (ns, SHMVIZ_MAX_DELAY_NS);
  self->scenario.timing_ns[timing] = ns;
  if (self->running && !self->stopping)
    {
      atomic_store (&shmviz_region_header (self->region)->timing_ns[timing], ns);
      _shmviz_session_wake_workers (self);
      _shmviz_session_push_control (self, SHMVIZ_EV_TIMING, 0, 0, (guint16) timing, 0, ns);
    }
}

void
shmviz_session_set_worker_niceness (ShmvizSession *self,
                                    int            increment)
{
  g_return_if_fail (SHMVIZ_IS_SESSION (self));
  g_return_if_fail (increment >= 0);

  self->worker_niceness = MIN (increment, 39);
}

void
shmviz_session_set_worker_idle (ShmvizSession *self,
                                gboolean       idle)
{
  g_return_if_fail (SHMVIZ_IS_SESSION (self));

  self->worker_idle = !!idle;
}

gboolean
shmviz_session_signal_worker (ShmvizSession *self,
                              guint          proc,
                              int            signo,
                              GError       **error)
{
  g_return_val_if_fail (SHMVIZ_IS_SESSION (self), FALSE);

  if (!self->running || proc >= self->n_procs || self->pids[proc] == 0)
    {
      g_set_error (error, SHMVIZ_SESSION_ERROR, SHMVIZ_SESSION_ERROR_FAILED,
                   _("Process %u is not running"), proc + 1);
      return FALSE;
    }
  _shmviz_session_push_control (self, SHMVIZ_EV_KILL, 0, (guint16) proc, (guint16) signo, 0, 0);
  if (kill (self->pids[proc], signo) != 0)
    {
      int errsv = errno;
      g_set_error (error, SHMVIZ_SESSION_ERROR, SHMVIZ_SESSION_ERROR_FAILED,
                   _("Could not send signal %d to process %u: %s"), signo, proc + 1, g_strerror (errsv));
      return FALSE;
    }
  return TRUE;
}

void
shmviz_session_add_sink (ShmvizSession  *self,
                         ShmvizEventSink sink,
                         gpointer        user_data)
{
  Sink s = { sink, user_data };

  g_return_if_fail (SHMVIZ_IS_SESSION (self));

  g_mutex_lock (&self->lock);
  g_array_append_val (self->sinks, s);
  g_mutex_unlock (&self->lock);
}

GPid
shmviz_session_get_worker_pid (ShmvizSession *self,
                               guint          proc)
{
  g_return_val_if_fail (SHMVIZ_IS_SESSION (self), 0);
  return proc < self->n_procs && self->pids ? self->pids[proc] : 0;
}

ShmvizRegion *
shmviz_session_get_region (ShmvizSession *self)
{
  g_return_val_if_fail (SHMVIZ_IS_SESSION (self), NULL);
  return self->region;
}

guint64
shmviz_session_count_items (ShmvizSession *self,
                            gboolean       consumers)
{
  guint64 total = 0;
  guint first, last;

  g_return_val_if_fail (SHMVIZ_IS_SESSION (self), 0);

  if (!self->region)
    return 0;
  first = consumers ? self->scenario.n_producers : 0;
  last = consumers ? self->n_procs : self->scenario.n_producers;
  for (guint i = first; i < last; i++)
    total += atomic_load_explicit (&shmviz_region_proc (self->region, i)->items_done,
                                   memory_order_relaxed);
  return total;
}

void
shmviz_session_recover (ShmvizSession *self)
{
  g_return_if_fail (SHMVIZ_IS_SESSION (self));

  /* The same barrier as a mode change, into the mode in force. */
  shmviz_session_set_mode (self, shmviz_session_get_mode (self));
}

char *
shmviz_session_dup_death_message (ShmvizSession *self,
                                  guint          proc)
{
  g_return_val_if_fail (SHMVIZ_IS_SESSION (self), NULL);

  if (!self->death_messages || proc >= self->n_procs)
    return NULL;
  return g_strdup (self->death_messages[proc]);
}

void
shmviz_session_set_watchdog (ShmvizSession *self,
                             guint64        ns)
{
  g_return_if_fail (SHMVIZ_IS_SESSION (self));

  /* Read by the session thread; a torn read of a 64-bit value cannot
   * happen on the 64-bit targets, and a stale one only delays a report. */
  self->watchdog_ns = MAX (ns, 100 * G_GUINT64_CONSTANT (1000000));
}

gboolean
shmviz_session_restart_worker (ShmvizSession *self,
                               guint          proc,
                               GError       **error)
{
  ShmvizRegionHeader *h;
  ShmvizProcBlock *p;

  g_return_val_if_fail (SHMVIZ_IS_SESSION (self), FALSE);

  if (!self->running || self->stopping)
    {
      g_set_error (error, SHMVIZ_SESSION_ERROR, SHMVIZ_SESSION_ERROR_FAILED,
                   _("The session is not running"));
      return FALSE;
    }
  if (proc >= self->n_procs || !_shmviz_session_proc_gone (self, proc))
    {
      g_set_error (error, SHMVIZ_SESSION_ERROR, SHMVIZ_SESSION_ERROR_FAILED,
                   _("Process %u cannot be started again: it is not dead"), proc + 1);
      return FALSE;
    }

  h = shmviz_region_header (self->region);
  p = shmviz_region_proc (self->region, proc);
  /* Its ring, counters and sequence number carry on; what it held and
   * where it was do not. */
  atomic_store (&p->held, 0);
  atomic_store (&p->state, SHMVIZ_PROC_STATE_NEW);
  atomic_store (&p->step_credit, 0);
  atomic_store (&p->parked_epoch, atomic_load (&h->released_epoch));
  atomic_store (&p->pid, 0);
  atomic_store (&p->idle, 1);
  self->stopped[proc] = FALSE;
  g_clear_pointer (&self->death_messages[proc], g_free);
  g_atomic_int_set (&self->gone[proc], 0);

  if (!spawn_worker (self, proc, error))
    {
      g_atomic_int_set (&self->gone[proc], 1);
      return FALSE;
    }
  return TRUE;
}
