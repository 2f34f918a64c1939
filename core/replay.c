/* replay.c — a recording as a source: a ShmvizModel you can move through
 *
 * Opening folds the whole file once, event by event, to learn where each
 * anomaly appears; after that, moves fold in runs between stall checks.
 * Events stay in the (mapped) file and are decoded a run at a time, so a
 * recording larger than memory replays in bounded memory.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <string.h>

#include <glib/gi18n.h>

#include "replay.h"

#define FOLD_RUN 4096u

typedef struct {
  const ShmvizRecord *record;
  guint64 first;          /* index of its first event */
  guint   n;
  guint64 max_ts;         /* latest event in it, to skip it when seeking */
} Chunk;

typedef struct {
  guint64 position;
  guint64 now_ns;
  guint64 stall_ns;
} Stall;

typedef struct {
  const ShmvizRecord *record;
  guint64 position;
  guint   n_anomalies;    /* the anomalies found before it */
} Snapshot;

struct _ShmvizReplay {
  GObject parent_instance;

  ShmvizRecording *recording;
  ShmvizModel *model;
  GBytes *initial_state;

  GArray *chunks;         /* Chunk */
  GArray *stalls;         /* Stall, by position */
  GArray *snapshots;      /* Snapshot, by position */
  GArray *anomalies;      /* ShmvizAnomaly of the whole file */
  GArray *anomaly_pos;    /* guint64 per anomaly */
  GArray *annotations;    /* ShmvizAnnotation */

  guint64 n_events;
  guint64 position;
  guint64 start_ns;
  guint64 end_ns;
  guint   n_restores;
  ShmvizEvent *run;       /* FOLD_RUN events of scratch */
};

G_DEFINE_FINAL_TYPE (ShmvizReplay, shmviz_replay, G_TYPE_OBJECT)

static void
clear_annotation (gpointer data)
{
  ShmvizAnnotation *a = data;

  g_free (a->text);
}

static void
shmviz_replay_finalize (GObject *object)
{
  ShmvizReplay *self = SHMVIZ_REPLAY (object);

  g_clear_pointer (&self->chunks, g_array_unref);
  g_clear_pointer (&self->stalls, g_array_unref);
  g_clear_pointer (&self->snapshots, g_array_unref);
  g_clear_pointer (&self->anomalies, g_array_unref);
  g_clear_pointer (&self->anomaly_pos, g_array_unref);
  g_clear_pointer (&self->annotations, g_array_unref);
  g_clear_pointer (&self->initial_state, g_bytes_unref);
  g_clear_pointer (&self->model, shmviz_model_unref);
  g_clear_pointer (&self->recording, shmviz_recording_unref);
  g_free (self->run);

  G_OBJECT_CLASS (shmviz_replay_parent_class)->finalize (object);
}

static void
shmviz_replay_class_init (ShmvizReplayClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = shmviz_replay_finalize;
}

static void
shmviz_replay_init (ShmvizReplay *self)
{
  self->chunks = g_array_new (FALSE, FALSE, sizeof (Chunk));
  self->stalls = g_array_new (FALSE, FALSE, sizeof (Stall));
  self->snapshots = g_array_new (FALSE, FALSE, sizeof (Snapshot));
  self->anomalies = g_array_new (FALSE, FALSE, sizeof (ShmvizAnomaly));
  self->anomaly_pos = g_array_new (FALSE, FALSE, sizeof (guint64));
  self->annotations = g_array_new (FALSE, FALSE, sizeof (ShmvizAnnotation));
  g_array_set_clear_func (self->annotations, clear_annotation);
  self->run = g_new (ShmvizEvent, FOLD_RUN);
}

/* Index of the chunk holding event @index (which must exist). */
static guint
find_chunk (ShmvizReplay *self,
            guint64       index)
{
  guint lo = 0, hi = self->chunks->len;

  while (hi - lo > 1)
    {
      guint mid = lo + (hi - lo) / 2;

      if (g_array_index (self->chunks, Chunk, mid).first <= index)
        lo = mid;
      else
        hi = mid;
    }
  return lo;
}

/* First stall whose position is greater than @position. */
static guint
find_stall_after (ShmvizReplay *self,
                  guint64       position)
{
  guint lo = 0, hi = self->stalls->len;

  while (lo < hi)
    {
      guint mid = lo + (hi - lo) / 2;

      if (g_array_index (self->stalls, Stall, mid).position <= position)
        lo = mid + 1;
      else
        hi = mid;
    }
  return lo;
}

static void
apply_stalls_at (ShmvizReplay *self,
                 guint        *cursor,
                 guint64       position)
{
  while (*cursor < self->stalls->len)
    {
      const Stall *s = &g_array_index (self->stalls, Stall, *cursor);

      if (s->position != position)
        break;
      shmviz_model_check_stall (self->model, s->now_ns, s->stall_ns);
      (*cursor)++;
    }
}

/* Folds events [self->position, @target) and the stalls in between. */
static void
fold_to (ShmvizReplay *self,
         guint64       target)
{
  guint stall = find_stall_after (self, self->position);

  while (self->position < target)
    {
      guint ci = find_chunk (self, self->position);
      const Chunk *c = &g_array_index (self->chunks, Chunk, ci);
      guint64 end = MIN (target, c->first + c->n);
      guint n;

      /* A run stops at the next stall check, which must see exactly the
       * events before it. */
      if (stall < self->stalls->len)
        end = MIN (end, g_array_index (self->stalls, Stall, stall).position);
      n = (guint) MIN (end - self->position, (guint64) FOLD_RUN);

      shmviz_record_get_events (c->record, (guint) (self->position - c->first), n, self->run);
      shmviz_model_fold (self->model, self->run, n);
      self->position += n;
      apply_stalls_at (self, &stall, self->position);
    }
}

static void
reset (ShmvizReplay *self)
{
  guint stall = 0;

  /* A fresh model's state always restores. */
  shmviz_model_restore (self->model, self->initial_state, NULL, 0, NULL);
  self->position = 0;
  apply_stalls_at (self, &stall, 0);
}

static gboolean
restore_snapshot (ShmvizReplay   *self,
                  const Snapshot *snap)
{
  g_autoptr(GBytes) state = NULL;
  g_autoptr(GArray) found = NULL;
  guint64 index;

  if (!shmviz_record_parse_snapshot (snap->record, &index, &state, &found, NULL))
    return FALSE;
  if (snap->n_anomalies > self->anomalies->len ||
      !shmviz_model_restore (self->model, state,
                             (const ShmvizAnomaly *) (gpointer) self->anomalies->data,
                             snap->n_anomalies, NULL))
    return FALSE;

  self->position = snap->position;
  self->n_restores++;
  return TRUE;
}

void
shmviz_replay_seek_position (ShmvizReplay *self,
                             guint64       target)
{
  gint i;

  g_return_if_fail (SHMVIZ_IS_REPLAY (self));

  target = MIN (target, self->n_events);
  if (target == self->position)
    return;

  /* The latest snapshot at or before the target, when it saves work. */
  for (i = (gint) self->snapshots->len - 1; i >= 0; i--)
    {
      const Snapshot *snap = &g_array_index (self->snapshots, Snapshot, i);

      if (snap->position > target)
        continue;
      if (target > self->position && snap->position <= self->position)
        break;
      if (restore_snapshot (self, snap))
        break;
    }

  if (target < self->position)
    reset (self);
  fold_to (self, target);
}

void
shmviz_replay_seek_time (ShmvizReplay *self,
                         guint64       ts_ns)
{
  guint64 target = self->n_events;

  g_return_if_fail (SHMVIZ_IS_REPLAY (self));

  for (guint ci = 0; ci < self->chunks->len; ci++)
    {
      const Chunk *c = &g_array_index (self->chunks, Chunk, ci);
      gboolean found = FALSE;

      if (c->max_ts <= ts_ns)
        continue;
      for (guint first = 0; first < c->n && !found; first += FOLD_RUN)
        {
          guint n = MIN (FOLD_RUN, c->n - first);

          shmviz_record_get_events (c->record, first, n, self->run);
          for (guint k = 0; k < n; k++)
            if (self->run[k].ts_ns > ts_ns)
              {
                target = c->first + first + k;
                found = TRUE;
                break;
              }
        }
      if (found)
        break;
    }

  shmviz_replay_seek_position (self, target);
}

gboolean
shmviz_replay_step_forward (ShmvizReplay *self)
{
  g_return_val_if_fail (SHMVIZ_IS_REPLAY (self), FALSE);

  if (self->position >= self->n_events)
    return FALSE;
  shmviz_replay_seek_position (self, self->position + 1);
  return TRUE;
}

gboolean
shmviz_replay_step_back (ShmvizReplay *self)
{
  g_return_val_if_fail (SHMVIZ_IS_REPLAY (self), FALSE);

  if (self->position == 0)
    return FALSE;
  shmviz_replay_seek_position (self, self->position - 1);
  return TRUE;
}

gboolean
shmviz_replay_next_anomaly (ShmvizReplay *self,
                            guint        *index)
{
  g_return_val_if_fail (SHMVIZ_IS_REPLAY (self), FALSE);

  for (guint i = 0; i < self->anomaly_pos->len; i++)
    {
      guint64 pos = g_array_index (self->anomaly_pos, guint64, i);

      if (pos > self->position)
        {
          shmviz_replay_seek_position (self, pos);
          if (index != NULL)
            *index = i;
          return TRUE;
        }
    }
  return FALSE;
}

gboolean
shmviz_replay_prev_anomaly (ShmvizReplay *self,
                            guint        *index)
{
  g_return_val_if_fail (SHMVIZ_IS_REPLAY (self), FALSE);

  for (guint i = self->anomaly_pos->len; i > 0; i--)
    {
      guint64 pos = g_array_index (self->anomaly_pos, guint64, i - 1);

      if (pos < self->position)
        {
          /* Land on the first anomaly revealed at that position. */
          while (i > 1 && g_array_index (self->anomaly_pos, guint64, i - 2) == pos)
            i--;
          shmviz_replay_seek_position (self, pos);
          if (index != NULL)
            *index = i - 1;
          return TRUE;
        }
    }
  return FALSE;
}

/* Notes where the anomalies the model found since @before appear. */
static void
note_anomalies (ShmvizReplay *self,
                guint        *before)
{
  guint n = shmviz_model_get_anomalies (self->model, *before, self->anomalies);

  for (guint i = *before; i < n; i++)
    g_array_append_val (self->anomaly_pos, self->position);
  *before = n;
}

ShmvizReplay *
shmviz_replay_new (ShmvizRecording *recording,
                   GError         **error)
{
  g_autoptr(ShmvizReplay) self = NULL;
  const ShmvizRecordingInfo *info;
  const ShmvizRecord *records;
  guint n_records;
  guint n_anomalies = 0;
  gboolean have_ts = FALSE;
  guint64 delta_total = 0;

  g_return_val_if_fail (recording != NULL, NULL);

  info = shmviz_recording_get_info (recording);
  self = g_object_new (SHMVIZ_TYPE_REPLAY, NULL);
  self->recording = shmviz_recording_ref (recording);
  self->model = shmviz_model_new (&info->scenario);
  self->initial_state = shmviz_model_serialize (self->model);

  records = shmviz_recording_get_records (recording, &n_records);
  for (guint r = 0; r < n_records; r++)
    {
      const ShmvizRecord *rec = &records[r];

      switch (rec->type)
        {
        case SHMVIZ_RECORD_EVENTS:
          {
            Chunk c = { rec, self->n_events, shmviz_record_n_events (rec), 0 };

            for (guint first = 0; first < c.n; first += FOLD_RUN)
              {
                guint n = MIN (FOLD_RUN, c.n - first);

                shmviz_record_get_events (rec, first, n, self->run);
                for (guint k = 0; k < n; k++)
                  {
                    guint64 ts = self->run[k].ts_ns;

                    c.max_ts = MAX (c.max_ts, ts);
                    self->start_ns = have_ts ? MIN (self->start_ns, ts) : ts;
                    self->end_ns = MAX (self->end_ns, ts);
                    have_ts = TRUE;

                    /* One at a time: where each anomaly appears is
                     * what next/previous anomaly jump to. */
                    shmviz_model_fold (self->model, &self->run[k], 1);
                    self->position++;
                    if (shmviz_model_get_anomalies (self->model, G_MAXUINT, NULL) != n_anomalies)
                      note_anomalies (self, &n_anomalies);
                  }
              }
            self->n_events += c.n;
            g_array_append_val (self->chunks, c);
          }
          break;

        case SHMVIZ_RECORD_STALL:
          {
            ShmvizByteReader br = { rec->payload, rec->length, 0, FALSE };
            Stall s;

            s.position = self->position;
            s.now_ns = shmviz_get_u64 (&br);
            s.stall_ns = shmviz_get_u64 (&br);
            g_array_append_val (self->stalls, s);
            shmviz_model_check_stall (self->model, s.now_ns, s.stall_ns);
            note_anomalies (self, &n_anomalies);
          }
          break;

        case SHMVIZ_RECORD_SNAPSHOT:
          {
            ShmvizByteReader br = { rec->payload, rec->length, 0, FALSE };
            Snapshot snap = { rec, self->position, n_anomalies };
            guint32 len;
            guint32 n_new;

            shmviz_get_u64 (&br);
            len = shmviz_get_u32 (&br);
            shmviz_get_bytes (&br, len);
            n_new = shmviz_get_u32 (&br);
            delta_total += n_new;
            /* A snapshot whose anomaly count disagrees with the fold is
             * not used; replay is then only slower. */
            if (!br.failed && delta_total == n_anomalies)
              g_array_append_val (self->snapshots, snap);
          }
          break;

        case SHMVIZ_RECORD_ANNOTATION:
          {
            ShmvizByteReader br = { rec->payload, rec->length, 0, FALSE };
            ShmvizAnnotation a;
            guint32 len;
            const guint8 *text;

            a.ts_ns = shmviz_get_u64 (&br);
            len = shmviz_get_u32 (&br);
            text = shmviz_get_bytes (&br, len);
            if (text != NULL)
              {
                a.text = g_strndup ((const char *) text, len);
                g_array_append_val (self->annotations, a);
              }
          }
          break;

        default:
          break;
        }
    }

  return g_steal_pointer (&self);
}

ShmvizReplay *
shmviz_replay_open (const char  *path,
                    GError     **error)
{
  g_autoptr(ShmvizRecording) recording = NULL;

  g_return_val_if_fail (path != NULL, NULL);

  recording = shmviz_recording_open (path, error);
  if (recording == NULL)
    return NULL;
  return shmviz_replay_new (recording, error);
}

ShmvizRecording *
shmviz_replay_get_recording (ShmvizReplay *self)
{
  g_return_val_if_fail (SHMVIZ_IS_REPLAY (self), NULL);

  return self->recording;
}

ShmvizModel *
shmviz_replay_get_model (ShmvizReplay *self)
{
  g_return_val_if_fail (SHMVIZ_IS_REPLAY (self), NULL);

  return self->model;
}

const ShmvizScenario *
shmviz_replay_get_scenario (ShmvizReplay *self)
{
  g_return_val_if_fail (SHMVIZ_IS_REPLAY (self), NULL);

  return shmviz_model_get_scenario (self->model);
}

guint64
shmviz_replay_get_n_events (ShmvizReplay *self)
{
  g_return_val_if_fail (SHMVIZ_IS_REPLAY (self), 0);

  return self->n_events;
}

guint64
shmviz_replay_get_position (ShmvizReplay *self)
{
  g_return_val_if_fail (SHMVIZ_IS_REPLAY (self), 0);

  return self->position;
}

guint64
shmviz_replay_get_start_ns (ShmvizReplay *self)
{
  g_return_val_if_fail (SHMVIZ_IS_REPLAY (self), 0);

  return self->start_ns;
}

guint64
shmviz_replay_get_end_ns (ShmvizReplay *self)
{
  g_return_val_if_fail (SHMVIZ_IS_REPLAY (self), 0);

  return self->end_ns;
}

guint64
shmviz_replay_get_time_ns (ShmvizReplay *self)
{
  ShmvizEvent ev;

  g_return_val_if_fail (SHMVIZ_IS_REPLAY (self), 0);

  if (self->position == 0 || shmviz_replay_get_events (self, self->position - 1, 1, &ev) != 1)
    return self->start_ns;
  return ev.ts_ns;
}

guint
shmviz_replay_get_events (ShmvizReplay *self,
                          guint64       first,
                          guint         n,
                          ShmvizEvent  *out)
{
  guint done = 0;

  g_return_val_if_fail (SHMVIZ_IS_REPLAY (self), 0);
  g_return_val_if_fail (out != NULL || n == 0, 0);

  while (done < n && first + done < self->n_events)
    {
      guint64 at = first + done;
      const Chunk *c = &g_array_index (self->chunks, Chunk, find_chunk (self, at));
      guint take = (guint) MIN ((guint64) (n - done), c->first + c->n - at);

      shmviz_record_get_events (c->record, (guint) (at - c->first), take, out + done);
      done += take;
    }
  return done;
}

const ShmvizAnomaly *
shmviz_replay_get_all_anomalies (ShmvizReplay *self,
                                 guint        *n_anomalies)
{
  g_return_val_if_fail (SHMVIZ_IS_REPLAY (self), NULL);

  if (n_anomalies != NULL)
    *n_anomalies = self->anomalies->len;
  return (const ShmvizAnomaly *) (gpointer) self->anomalies->data;
}

guint64
shmviz_replay_get_anomaly_position (ShmvizReplay *self,
                                    guint         index)
{
  g_return_val_if_fail (SHMVIZ_IS_REPLAY (self), 0);
  g_return_val_if_fail (index < self->anomaly_pos->len, 0);

  return g_array_index (self->anomaly_pos, guint64, index);
}

const ShmvizAnnotation *
shmviz_replay_get_annotations (ShmvizReplay *self,
                               guint        *n_annotations)
{
  g_return_val_if_fail (SHMVIZ_IS_REPLAY (self), NULL);

  if (n_annotations != NULL)
    *n_annotations = self->annotations->len;
  return (const ShmvizAnnotation *) (gpointer) self->annotations->data;
}

guint
shmviz_replay_get_n_restores (ShmvizReplay *self)
{
  g_return_val_if_fail (SHMVIZ_IS_REPLAY (self), 0);

  return self->n_restores;
}
