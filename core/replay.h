/* replay.h — a recording as a source: a ShmvizModel you can move through
 *
 * The replay source opens a .shmviz file, checks it (shmviz_recording_open),
 * and folds it into a ShmvizModel exactly as the live session did: the same
 * events in the same order, and the same deadlock checks where the
 * recording says the live model made one.  The model it hands out is the
 * one every later call changes, so views that hold it just redraw.
 *
 * Positions count events: position p is the state after the first p events
 * of the file (and after every STALL record that precedes event p).  0 is
 * the empty model, shmviz_replay_get_n_events() the end.  Moving backwards
 * restores the nearest SNAPSHOT record at or before the target and folds
 * forward from there, so any move costs at most one snapshot interval of
 * folding; a snapshot that fails to restore falls back to an earlier one,
 * then to the start.
 *
 * shmviz_replay_new() reads events only after the last snapshot; the
 * checksums of the others are checked as they are first read.  Damage met
 * then stops the move before the damaged record (the position falls short
 * of the target, get_events() returns fewer) and is kept for
 * shmviz_replay_get_error(): check it after each move.
 *
 * A ShmvizReplay belongs to one thread; its model may be read from others.
 * Plain C over GLib: the window drives it, the CLI and tests too.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <glib-object.h>

#include "model.h"
#include "recording.h"

G_BEGIN_DECLS

#define SHMVIZ_TYPE_REPLAY (shmviz_replay_get_type ())
G_DECLARE_FINAL_TYPE (ShmvizReplay, shmviz_replay, SHMVIZ, REPLAY, GObject)

typedef struct {
  guint64 ts_ns;
  char   *text;
} ShmvizAnnotation;

/* Opens and checks all of @path — every checksum, every snapshot against
 * the events: a fold of the whole file, seconds for an hour — and leaves
 * the replay at the end (everything folded, as the live run ended).  A file cut short opens up to its last complete record;
 * see shmviz_recording_is_complete().  For a command line that replays a
 * file once; the window uses shmviz_replay_new(), which checks lazily. */
ShmvizReplay *shmviz_replay_open            (const char      *path,
                                             GError         **error);
ShmvizReplay *shmviz_replay_new             (ShmvizRecording *recording,
                                             GError         **error);

ShmvizRecording *shmviz_replay_get_recording (ShmvizReplay   *self);
ShmvizModel  *shmviz_replay_get_model       (ShmvizReplay    *self);
const ShmvizScenario *shmviz_replay_get_scenario (ShmvizReplay *self);

guint64       shmviz_replay_get_n_events    (ShmvizReplay    *self);
guint64       shmviz_replay_get_position    (ShmvizReplay    *self);
/* Time of the first and last event (0 when there are none). */
guint64       shmviz_replay_get_start_ns    (ShmvizReplay    *self);
guint64       shmviz_replay_get_end_ns      (ShmvizReplay    *self);
/* Time of the event at @position - 1, or the start time at 0. */
guint64       shmviz_replay_get_time_ns     (ShmvizReplay    *self);

/* Copies up to @n events from @first into @out; returns how many. */
guint         shmviz_replay_get_events      (ShmvizReplay    *self,
                                             guint64          first,
                                             guint            n,
                                             ShmvizEvent     *out);

/* Moves to @position (clamped to the end). */
void          shmviz_replay_seek_position   (ShmvizReplay    *self,
                                             guint64          position);
/* Moves to the first event later than @ts_ns in file order: the state
 * with everything up to @ts_ns folded. */
void          shmviz_replay_seek_time       (ShmvizReplay    *self,
                                             guint64          ts_ns);
/* One event forward or back; FALSE at either end. */
gboolean      shmviz_replay_step_forward    (ShmvizReplay    *self);
gboolean      shmviz_replay_step_back       (ShmvizReplay    *self);
/* Moves to the first position after (before) the current one where an
 * anomaly appears, i.e. just after the event or stall check that revealed
 * it.  Returns FALSE, not moving, when there is none; else stores the
 * anomaly's index in the model's list in @index. */
gboolean      shmviz_replay_next_anomaly    (ShmvizReplay    *self,
                                             guint           *index);
gboolean      shmviz_replay_prev_anomaly    (ShmvizReplay    *self,
                                             guint           *index);

/* Every anomaly of the whole recording (ShmvizAnomaly), wherever the
 * replay stands, and the position at which each one appears (learnt when
 * first asked: up to one snapshot interval of folding; G_MAXUINT64 when
 * damage prevents it, see shmviz_replay_get_error()). */
const ShmvizAnomaly *shmviz_replay_get_all_anomalies (ShmvizReplay *self,
                                                      guint        *n_anomalies);
guint64       shmviz_replay_get_anomaly_position (ShmvizReplay   *self,
                                                  guint           index);

/* The first damage met after opening — a record whose checksum fails, a
 * snapshot whose anomalies its events contradict — or NULL.  Moves that do
 * not need the damaged part still work. */
const GError *shmviz_replay_get_error       (ShmvizReplay    *self);

const ShmvizAnnotation *shmviz_replay_get_annotations (ShmvizReplay *self,
                                                       guint        *n_annotations);
/* Snapshots restored so far (for tests and the curious). */
guint         shmviz_replay_get_n_restores  (ShmvizReplay    *self);

G_END_DECLS
