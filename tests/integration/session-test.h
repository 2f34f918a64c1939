/* session-test.h — helpers the real-process tests share
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <glib.h>

#include "scenario.h"

typedef struct {
  GMainLoop *loop;
  gboolean   fired;
} SessionTestTimer;

static gboolean
session_test_timer_fired (gpointer data)
{
  SessionTestTimer *timer = data;

  timer->fired = TRUE;
  g_main_loop_quit (timer->loop);
  return G_SOURCE_REMOVE;
}

/* Runs @loop for @ms, or less if something else quits it first (a
 * session finishing or deadlocking). */
static inline void
session_test_run_for (GMainLoop *loop,
                      guint      ms)
{
  SessionTestTimer timer = { loop, FALSE };
  guint id = g_timeout_add (ms, session_test_timer_fired, &timer);

  g_main_loop_run (loop);
  if (!timer.fired)
    g_source_remove (id);
}

/* The CLI's fast scenario with no delays at all, whatever the speed. */
static inline void
session_test_init_scenario (ShmvizScenario *sc)
{
  shmviz_scenario_init_fast (sc);
  for (guint i = 0; i < SHMVIZ_N_TIMINGS; i++)
    sc->timing_ns[i] = 0;
}
