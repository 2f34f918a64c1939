/* replay.c — a recording as a source: a ShmvizModel you can move through
 *
 * Opening must not cost the length of the recording (a one-hour file holds
 * 144 M events), so it reads only the records between the events: it takes
 * the anomaly list the SNAPSHOT records hold, restores the last snapshot
 * and folds the events after it one at a time.  Where each earlier anomaly
 * appears, which next/previous anomaly jump to, is learnt one snapshot
 * interval at a time when first asked, by folding that interval in a
 * scratch model, and checked against what its snapshot recorded.
 *
 * Events are read only from records whose checksum passed
 * (shmviz_recording_check_record()).  A record that fails stops the move
 * that met it before its first event, and the replay keeps the error for
 * whoever drives it (shmviz_replay_get_error()).
 *
 * Events stay in the (mapped) file and are decoded a run at a time, so a
 * recording larger than memory replays in bounded memory.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <inttypes.h>
#include <string.h>

#include <glib/gi18n.h>

#include "replay.h"

#define FOLD_RUN 4096u
#define UNKNOWN_POSITION G_MAXUINT64

typedef struct {
  guint    record;        /* its index in the recording */
  guint64  first;         /* index of its first event */
  guint    n;
  gboolean ready;         /* checksum passed */
  gboolean have_max;
  guint64  max_ts;        /* latest event in it, to skip it when seeking */
} Chunk;

typedef struct {
  guint64 position;
  guint64 now_ns;
  guint64 stall_ns;
} Stall;

/* Where folding may start: the start of the file (anchor 0) or a SNAPSHOT
 * record.  Anchor k's segment runs to anchor k + 1, or to the end. */
typedef struct {
  const ShmvizRecord *record;   /* NULL for the start */
  guint64  position;
  guint    stall;         /* the first stall after it in file order */
  guint    n_anomalies;   /* the anomalies found before it */
  gboolean usable;        /* not known to fail to restore or to disagree */
  gboolean indexed;       /* its segment's anomaly positions are known */
  gboolean index_failed;
  gboolean have_now;
  guint64  now_ns;        /* latest time of the events before it */
} Anchor;

struct _ShmvizReplay {
  GObject parent_instance;

  ShmvizRecording *recording;
  const ShmvizRecord *records;
  ShmvizModel *model;
  ShmvizModel *scratch;   /* for learning positions; made when needed */
  GBytes *initial_state;

  GArray *chunks;         /* Chunk */
  GArray *stalls;         /* Stall, by position */
  GArray *anchors;        /* Anchor, by position */
  GArray *anomalies;      /* ShmvizAnomaly of the whole file */
  GArray *anomaly_pos;    /* guint64 per anomaly, or UNKNOWN_POSITION */
  GArray *annotations;    /* ShmvizAnnotation */

  guint64 n_events;
  guint64 position;
  guint64 start_ns;
  guint64 end_ns;
  guint   n_restores;
  GError *error;          /* the first damage met after opening */
  ShmvizEvent *run;       /* FOLD_RUN events of scratch */
};

G_DEFINE_FINAL_TYPE (ShmvizReplay, shmviz_replay, G_TYPE_OBJECT)

#define ANCHOR(self, i) (&g_array_index ((self)->anchors, Anchor, (i)))
#define STALL(self, i)  (&g_array_index ((self)->stalls, Stall, (i)))
#define CHUNK(self, i)  (&g_array_index ((self)->chunks, Chunk, (i)))

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
  g_clear_pointer (&self->anchors, g_array_unref);
  g_clear_pointer (&self->anomalies, g_array_unref);
  g_clear_pointer (&self->anomaly_pos, g_array_unref);
  g_clear_pointer (&self->annotations, g_array_unref);
  g_clear_pointer (&self->initial_state, g_bytes_unref);
  g_clear_pointer (&self->model, shmviz_model_unref);
  g_clear_pointer (&self->scratch, shmviz_model_unref);
  g_clear_pointer (&self->recording, shmviz_recording_unref);
  g_clear_error (&self->error);
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
  self->anchors = g_array_new (FALSE, TRUE, sizeof (Anchor));
  self->anomalies = g_array_new (FALSE, FALSE, sizeof (ShmvizAnomaly));
  self->anomaly_pos = g_array_new (FALSE, FALSE, sizeof (guint64));
  self->annotations = g_array_new (FALSE, FALSE, sizeof (ShmvizAnnotation));
  g_array_set_clear_func (self->annotations, clear_annotation);
  self->run = g_new (ShmvizEvent, FOLD_RUN);
}

/* Keeps the first damage met: it is the one a person must hear of. */
static void
take_error (ShmvizReplay *self,
            GError       *error)
{
  if (self->error == NULL)
    self->error = error;
  else
    g_error_free (error);
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

      if (CHUNK (self, mid)->first <= index)
        lo = mid;
      else
        hi = mid;
    }
  return lo;
}

/* Makes chunk @ci's events fit to read: its checksum checked, once per
 * recording.  FALSE, with the error kept, when the record is damaged. */
static gboolean
chunk_ready (ShmvizReplay *self,
             guint         ci)
{
  Chunk *c = CHUNK (self, ci);
  GError *error = NULL;

  if (c->ready)
    return TRUE;
  if (!shmviz_recording_check_record (self->recording, c->record, &error))
    {
      take_error (self, error);
      return FALSE;
    }
  c->ready = TRUE;
  return TRUE;
}

/* The latest time in chunk @ci, which must be ready.  Only seeking by time
 * needs it, so moves by position never pay for it. */
static guint64
chunk_max_ts (ShmvizReplay *self,
              guint         ci)
{
  Chunk *c = CHUNK (self, ci);

  if (!c->have_max)
    {
      /* Straight from the payload: the time is an event's first field. */
      const guint8 *p = self->records[c->record].payload + 4;
      guint64 max_ts = 0;

      for (guint i = 0; i < c->n; i++, p += SHMVIZ_RECORD_EVENT_SIZE)
        {
          guint64 ts;

          memcpy (&ts, p, 8);
          max_ts = MAX (max_ts, GUINT64_FROM_LE (ts));
        }
      c->max_ts = max_ts;
      c->have_max = TRUE;
    }
  return c->max_ts;
}

/* Copies events [@first, @first + @n) of one chunk into self->run, after
 * its checksum passed.  @n is cut at the end of the chunk and FOLD_RUN;
 * returns how many, 0 when the chunk is damaged. */
static guint
read_run (ShmvizReplay *self,
          guint64       first,
          guint64       n)
{
  guint ci = find_chunk (self, first);
  const Chunk *c;

  if (!chunk_ready (self, ci))
    return 0;
  c = CHUNK (self, ci);
  n = MIN (n, MIN (c->first + c->n - first, (guint64) FOLD_RUN));
  shmviz_record_get_events (&self->records[c->record], (guint) (first - c->first), (guint) n,
                            self->run);
  return (guint) n;
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

      if (STALL (self, mid)->position <= position)
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
      const Stall *s = STALL (self, *cursor);

      if (s->position != position)
        break;
      shmviz_model_check_stall (self->model, s->now_ns, s->stall_ns);
      (*cursor)++;
    }
}

/* Folds events [self->position, @target) and the stalls in between; stops
 * short, before a damaged record. */
static void
fold_to (ShmvizReplay *self,
         guint64       target)
{
  guint stall = find_stall_after (self, self->position);

  while (self->position < target)
    {
      guint64 end = target;
      guint n;

      /* A run stops at the next stall check, which must see exactly the
       * events before it. */
      if (stall < self->stalls->len)
        end = MIN (end, STALL (self, stall)->position);
      n = read_run (self, self->position, end - self->position);
      if (n == 0)
        return;
      shmviz_model_fold (self->model, self->run, n);
      self->position += n;
      apply_stalls_at (self, &stall, self->position);
    }
}

/* Puts @model in the state of anchor @a, without the stalls that follow
 * the anchor at its own position. */
static gboolean
restore_anchor (ShmvizReplay *self,
                ShmvizModel  *model,
                const Anchor *a)
{
  g_autoptr(GBytes) state = NULL;
  g_autoptr(GArray) found = NULL;
  guint64 index;

  /* A fresh model's state always restores. */
  if (a->record == NULL)
    return shmviz_model_restore (model, self->initial_state, NULL, 0, NULL);

  if (!shmviz_record_parse_snapshot (a->record, &index, &state, &found, NULL))
    return FALSE;
  return a->n_anomalies <= self->anomalies->len &&
         shmviz_model_restore (model, state,
                               (const ShmvizAnomaly *) (gpointer) self->anomalies->data,
                               a->n_anomalies, NULL);
}

static void
reset (ShmvizReplay *self)
{
  guint stall = 0;

  restore_anchor (self, self->model, ANCHOR (self, 0));
  self->position = 0;
  apply_stalls_at (self, &stall, 0);
}

void
shmviz_replay_seek_position (ShmvizReplay *self,
                             guint64       target)
{
  g_return_if_fail (SHMVIZ_IS_REPLAY (self));

  target = MIN (target, self->n_events);
  if (target == self->position)
    return;

  /* The latest snapshot at or before the target, when it saves work. */
  for (guint i = self->anchors->len - 1; i > 0; i--)
    {
      Anchor *a = ANCHOR (self, i);

      if (!a->usable || a->position > target)
        continue;
      if (target > self->position && a->position <= self->position)
        break;
      if (restore_anchor (self, self->model, a))
        {
          guint stall = a->stall;

          self->position = a->position;
          apply_stalls_at (self, &stall, a->position);
          self->n_restores++;
          break;
        }
      a->usable = FALSE;
    }

  if (target < self->position)
    reset (self);
  fold_to (self, target);
}

static guint64
model_now_ns (ShmvizModel *model,
              guint64     *start_ns)
{
  ShmvizSnapshot snap = { 0 };
  guint64 now;

  shmviz_model_snapshot (model, &snap);
  now = snap.now_ns;
  if (start_ns != NULL)
    *start_ns = snap.start_ns;
  shmviz_snapshot_clear (&snap);
  return now;
}

/* The latest time of the events before anchor @i, or UNKNOWN_POSITION when
 * its snapshot does not restore. */
static guint64
anchor_now_ns (ShmvizReplay *self,
               guint         i)
{
  Anchor *a = ANCHOR (self, i);

  if (i == 0)
    return 0;
  if (!a->have_now)
    {
      if (!a->usable)
        return UNKNOWN_POSITION;
      if (self->scratch == NULL)
        self->scratch = shmviz_model_new (shmviz_model_get_scenario (self->model));
      if (!restore_anchor (self, self->scratch, a))
        {
          a->usable = FALSE;
          return UNKNOWN_POSITION;
        }
      a->now_ns = model_now_ns (self->scratch, NULL);
      a->have_now = TRUE;
    }
  return a->now_ns;
}

void
shmviz_replay_seek_time (ShmvizReplay *self,
                         guint64       ts_ns)
{
  guint64 target = self->n_events;
  guint lo = 0, hi;

  g_return_if_fail (SHMVIZ_IS_REPLAY (self));

  /* Every event before an anchor whose latest time is not after @ts_ns is
   * not after it either, so the search starts at the last such anchor
   * instead of reading the whole file.  The latest times only grow from
   * one anchor to the next; one that cannot say is passed over, which is
   * only slower. */
  hi = self->anchors->len;
  while (hi - lo > 1)
    {
      guint mid = lo + (hi - lo) / 2;
      guint64 now = anchor_now_ns (self, mid);

      if (now != UNKNOWN_POSITION && now <= ts_ns)
        lo = mid;
      else
        hi = mid;
    }

  if (ANCHOR (self, lo)->position < self->n_events)
    for (guint ci = find_chunk (self, ANCHOR (self, lo)->position); ci < self->chunks->len; ci++)
      {
        const Chunk *c = CHUNK (self, ci);
        gboolean found = FALSE;

        if (!chunk_ready (self, ci))
          {
            target = c->first;
            break;
          }
        if (chunk_max_ts (self, ci) <= ts_ns)
          continue;
        for (guint64 first = MAX (c->first, ANCHOR (self, lo)->position);
             first < c->first + c->n && !found; first += FOLD_RUN)
          {
            guint n = read_run (self, first, c->first + c->n - first);

            for (guint k = 0; k < n; k++)
              if (self->run[k].ts_ns > ts_ns)
                {
                  target = first + k;
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

/* Anomaly positions --------------------------------------------------------- */

static gboolean
same_anomaly (const ShmvizAnomaly *a,
              const ShmvizAnomaly *b)
{
  g_autoptr(GByteArray) x = g_byte_array_sized_new (SHMVIZ_RECORD_ANOMALY_SIZE);
  g_autoptr(GByteArray) y = g_byte_array_sized_new (SHMVIZ_RECORD_ANOMALY_SIZE);

  /* Field by field, as the file holds them: padding is no part of it. */
  shmviz_put_anomaly (x, a);
  shmviz_put_anomaly (y, b);
  return x->len == y->len && memcmp (x->data, y->data, x->len) == 0;
}

static gboolean
disagree (ShmvizReplay *self,
          guint         anchor)
{
  const Anchor *a = ANCHOR (self, MIN (anchor, self->anchors->len - 1));

  take_error (self, g_error_new (SHMVIZ_RECORDING_ERROR, SHMVIZ_RECORDING_ERROR_CORRUPT,
                                 _("SNAPSHOT record at byte %" PRId64 ": the anomalies it "
                                   "recorded are not those its events reveal"),
                                 a->record != NULL ? a->record->offset : (goffset) 0));
  return FALSE;
}

typedef struct {
  ShmvizModel *model;
  gboolean learn;         /* opening: the fold makes the list */
  guint    next;          /* the next anchor to cross */
  guint    seen;          /* anomalies the model holds */
  GArray  *found;
} Indexer;

/* Notes where the anomalies the model found since the last call appear:
 * while opening, they join the list; later, they must be the ones the
 * snapshot ending the segment recorded. */
static gboolean
note_found (ShmvizReplay *self,
            Indexer      *ix,
            guint64       position)
{
  guint limit, n;

  if (ix->learn)
    {
      n = shmviz_model_get_anomalies (ix->model, ix->seen, self->anomalies);
      for (guint i = ix->seen; i < n; i++)
        g_array_append_val (self->anomaly_pos, position);
      ix->seen = n;
      return TRUE;
    }

  g_array_set_size (ix->found, 0);
  n = shmviz_model_get_anomalies (ix->model, ix->seen, ix->found);
  limit = ix->next < self->anchors->len ? ANCHOR (self, ix->next)->n_anomalies
                                         : self->anomalies->len;
  for (guint i = 0; i < ix->found->len; i++)
    {
      guint at = ix->seen + i;

      if (at >= limit || !same_anomaly (&g_array_index (ix->found, ShmvizAnomaly, i),
                                        &g_array_index (self->anomalies, ShmvizAnomaly, at)))
        return disagree (self, ix->next);
      g_array_index (self->anomaly_pos, guint64, at) = position;
    }
  ix->seen = n;
  return TRUE;
}

/* Crossing anchor @ix->next: the anomalies so far must be as many as it
 * recorded. */
static gboolean
cross (ShmvizReplay *self,
       Indexer      *ix,
       guint64       now_ns)
{
  Anchor *a = ANCHOR (self, ix->next);

  if (ix->learn)
    {
      /* As before this replay learnt lazily: a snapshot whose count
       * disagrees with the fold is not used; replay is then only slower. */
      if (a->n_anomalies != ix->seen)
        a->usable = FALSE;
      a->n_anomalies = ix->seen;
    }
  else if (a->n_anomalies != ix->seen)
    return disagree (self, ix->next);

  a->now_ns = now_ns;
  a->have_now = TRUE;
  ANCHOR (self, ix->next - 1)->indexed = TRUE;
  ix->next++;
  return TRUE;
}

/* Folds @model, just restored at anchor @from, one event at a time to the
 * end of anchor @to's segment, learning where each anomaly appears.
 * FALSE, with the error kept, on damage. */
static gboolean
index_segments (ShmvizReplay *self,
                ShmvizModel  *model,
                guint         from,
                guint         to,
                gboolean      learn)
{
  g_autoptr(GArray) found = g_array_new (FALSE, FALSE, sizeof (ShmvizAnomaly));
  const Anchor *a = ANCHOR (self, from);
  Indexer ix = { model, learn, from + 1, a->n_anomalies, found };
  guint last = MIN (to + 1, self->anchors->len - 1);
  guint64 pos = a->position;
  guint stall = a->stall;
  guint64 end = to + 1 < self->anchors->len ? ANCHOR (self, to + 1)->position : self->n_events;
  guint end_stall = to + 1 < self->anchors->len ? ANCHOR (self, to + 1)->stall : self->stalls->len;
  guint64 now_ns = from == 0 ? 0 : model_now_ns (model, NULL);

  if (learn)
    {
      g_array_set_size (self->anomalies, MIN (ix.seen, self->anomalies->len));
      g_array_set_size (self->anomaly_pos, self->anomalies->len);
      ix.seen = self->anomalies->len;
    }

  for (;;)
    {
      guint64 stop = end;
      guint n;

      /* What happens at this position, in file order: stall checks and
       * the snapshots written between them. */
      for (;;)
        {
          if (ix.next <= last && ix.next > from && ANCHOR (self, ix.next)->position == pos &&
              ANCHOR (self, ix.next)->stall == stall)
            {
              if (!cross (self, &ix, now_ns))
                return FALSE;
            }
          else if (stall < end_stall && STALL (self, stall)->position == pos)
            {
              shmviz_model_check_stall (model, STALL (self, stall)->now_ns, STALL (self, stall)->stall_ns);
              stall++;
              if (shmviz_model_get_anomalies (model, G_MAXUINT, NULL) != ix.seen &&
                  !note_found (self, &ix, pos))
                return FALSE;
            }
          else
            break;
        }
      if (pos >= end)
        break;

      if (stall < end_stall)
        stop = MIN (stop, STALL (self, stall)->position);
      if (ix.next <= last && ix.next > from)
        stop = MIN (stop, ANCHOR (self, ix.next)->position);
      n = stop > pos ? read_run (self, pos, stop - pos) : 0;
      if (n == 0)
        {
          /* Not damage: a snapshot or stall out of order, which open()
           * refuses, so this cannot loop. */
          if (self->error == NULL)
            disagree (self, ix.next);
          return FALSE;
        }
      for (guint k = 0; k < n; k++)
        {
          /* One at a time: where each anomaly appears is what
           * next/previous anomaly jump to. */
          shmviz_model_fold (model, &self->run[k], 1);
          now_ns = MAX (now_ns, self->run[k].ts_ns);
          pos++;
          if (shmviz_model_get_anomalies (model, G_MAXUINT, NULL) != ix.seen &&
              !note_found (self, &ix, pos))
            return FALSE;
        }
    }

  if (to + 1 >= self->anchors->len)
    ANCHOR (self, to)->indexed = TRUE;
  return TRUE;
}

/* Learns the positions of anchor @k's segment from the nearest snapshot
 * before it that restores. */
static gboolean
ensure_indexed (ShmvizReplay *self,
                guint         k)
{
  guint j;

  if (ANCHOR (self, k)->indexed)
    return TRUE;
  if (ANCHOR (self, k)->index_failed)
    return FALSE;
  if (self->scratch == NULL)
    self->scratch = shmviz_model_new (shmviz_model_get_scenario (self->model));
  for (j = k; j > 0; j--)
    if (ANCHOR (self, j)->usable && restore_anchor (self, self->scratch, ANCHOR (self, j)))
      break;
  if (j == 0)
    restore_anchor (self, self->scratch, ANCHOR (self, 0));
  if (!index_segments (self, self->scratch, j, k, FALSE))
    {
      ANCHOR (self, k)->index_failed = TRUE;
      return FALSE;
    }
  return TRUE;
}

/* The anchor whose segment holds anomaly @i. */
static guint
anchor_of_anomaly (ShmvizReplay *self,
                   guint         i)
{
  guint lo = 0, hi = self->anchors->len;

  while (hi - lo > 1)
    {
      guint mid = lo + (hi - lo) / 2;

      if (ANCHOR (self, mid)->n_anomalies <= i)
        lo = mid;
      else
        hi = mid;
    }
  return lo;
}

/* The last anchor at or before @position (@strict: before). */
static guint
anchor_at (ShmvizReplay *self,
           guint64       position,
           gboolean      strict)
{
  guint lo = 0, hi = self->anchors->len;

  while (hi - lo > 1)
    {
      guint mid = lo + (hi - lo) / 2;
      guint64 p = ANCHOR (self, mid)->position;

      if (strict ? p < position : p <= position)
        lo = mid;
      else
        hi = mid;
    }
  return lo;
}

static guint64
anomaly_position (ShmvizReplay *self,
                  guint         i)
{
  guint64 pos = g_array_index (self->anomaly_pos, guint64, i);

  if (pos == UNKNOWN_POSITION && ensure_indexed (self, anchor_of_anomaly (self, i)))
    pos = g_array_index (self->anomaly_pos, guint64, i);
  return pos;
}

gboolean
shmviz_replay_next_anomaly (ShmvizReplay *self,
                            guint        *index)
{
  g_return_val_if_fail (SHMVIZ_IS_REPLAY (self), FALSE);

  /* Anomalies of earlier segments appear at or before this position. */
  for (guint i = ANCHOR (self, anchor_at (self, self->position, FALSE))->n_anomalies;
       i < self->anomaly_pos->len; i++)
    {
      guint64 pos = anomaly_position (self, i);

      if (pos == UNKNOWN_POSITION)
        return FALSE;
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
  guint k;

  g_return_val_if_fail (SHMVIZ_IS_REPLAY (self), FALSE);

  if (self->position == 0)
    return FALSE;
  /* Anomalies of later segments appear at or after this position. */
  k = anchor_at (self, self->position, TRUE);
  for (guint i = k + 1 < self->anchors->len ? ANCHOR (self, k + 1)->n_anomalies : self->anomaly_pos->len;
       i > 0; i--)
    {
      guint64 pos = anomaly_position (self, i - 1);

      if (pos == UNKNOWN_POSITION)
        return FALSE;
      if (pos < self->position)
        {
          /* Land on the first anomaly revealed at that position. */
          while (i > 1 && anomaly_position (self, i - 2) == pos)
            i--;
          shmviz_replay_seek_position (self, pos);
          if (index != NULL)
            *index = i - 1;
          return TRUE;
        }
    }
  return FALSE;
}

/* Opening ------------------------------------------------------------------- */

ShmvizReplay *
shmviz_replay_new (ShmvizRecording *recording,
                   GError         **error)
{
  g_autoptr(ShmvizReplay) self = NULL;
  const ShmvizRecordingInfo *info;
  const ShmvizRecord *records;
  guint n_records;
  guint k;
  Anchor start = { NULL, 0, 0, 0, TRUE, FALSE, FALSE, TRUE, 0 };

  g_return_val_if_fail (recording != NULL, NULL);

  info = shmviz_recording_get_info (recording);
  self = g_object_new (SHMVIZ_TYPE_REPLAY, NULL);
  self->recording = shmviz_recording_ref (recording);
  self->model = shmviz_model_new (&info->scenario);
  self->initial_state = shmviz_model_serialize (self->model);

  /* The records between the events only: no event is read here. */
  g_array_append_val (self->anchors, start);
  records = shmviz_recording_get_records (recording, &n_records);
  self->records = records;
  for (guint r = 0; r < n_records; r++)
    {
      const ShmvizRecord *rec = &records[r];

      switch (rec->type)
        {
        case SHMVIZ_RECORD_EVENTS:
          {
            Chunk c = { r, self->n_events, shmviz_record_n_events (rec), FALSE, FALSE, 0 };

            self->n_events += c.n;
            g_array_append_val (self->chunks, c);
          }
          break;

        case SHMVIZ_RECORD_STALL:
          {
            ShmvizByteReader br = { rec->payload, rec->length, 0, FALSE };
            Stall s;

            s.position = self->n_events;
            s.now_ns = shmviz_get_u64 (&br);
            s.stall_ns = shmviz_get_u64 (&br);
            g_array_append_val (self->stalls, s);
          }
          break;

        case SHMVIZ_RECORD_SNAPSHOT:
          {
            g_autoptr(GBytes) state = NULL;
            g_autoptr(GArray) found = NULL;
            guint64 index;
            Anchor a = { rec, self->n_events, self->stalls->len, 0, TRUE, FALSE, FALSE, FALSE, 0 };

            /* The anomalies found since the previous snapshot, as the
             * live model found them; index_segments() checks them against
             * the events when their positions are first needed. */
            if (shmviz_record_parse_snapshot (rec, &index, &state, &found, NULL))
              {
                guint64 unknown = UNKNOWN_POSITION;

                g_array_append_vals (self->anomalies, found->data, found->len);
                for (guint i = 0; i < found->len; i++)
                  g_array_append_val (self->anomaly_pos, unknown);
                a.n_anomalies = self->anomalies->len;
                g_array_append_val (self->anchors, a);
              }
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

  /* Leave the model at the end, as the live run ended: from the last
   * snapshot that restores, folding what follows it. */
  for (k = self->anchors->len - 1; k > 0; k--)
    {
      if (restore_anchor (self, self->model, ANCHOR (self, k)))
        break;
      ANCHOR (self, k)->usable = FALSE;
    }
  if (k == 0)
    restore_anchor (self, self->model, ANCHOR (self, 0));
  if (!index_segments (self, self->model, k, self->anchors->len - 1, TRUE))
    {
      g_propagate_error (error, g_steal_pointer (&self->error));
      return NULL;
    }
  self->position = self->n_events;
  if (self->n_events > 0)
    {
      /* The model's first and latest times are those of every event,
       * whether folded here or restored from the snapshot. */
      self->end_ns = model_now_ns (self->model, &self->start_ns);
      self->end_ns = MAX (self->end_ns, self->start_ns);
    }

  return g_steal_pointer (&self);
}

ShmvizReplay *
shmviz_replay_open (const char  *path,
                    GError     **error)
{
  g_autoptr(ShmvizRecording) recording = NULL;
  g_autoptr(ShmvizReplay) self = NULL;

  g_return_val_if_fail (path != NULL, NULL);

  recording = shmviz_recording_open (path, error);
  if (recording == NULL)
    return NULL;
  /* A tool that replays a file once checks all of it first: every
   * checksum, and every snapshot's anomalies against the events. */
  if (!shmviz_recording_check_all (recording, error))
    return NULL;
  self = shmviz_replay_new (recording, error);
  if (self == NULL)
    return NULL;
  for (guint k = 0; k < self->anchors->len; k++)
    if (!ensure_indexed (self, k))
      {
        g_propagate_error (error, g_steal_pointer (&self->error));
        return NULL;
      }
  return g_steal_pointer (&self);
}

const GError *
shmviz_replay_get_error (ShmvizReplay *self)
{
  g_return_val_if_fail (SHMVIZ_IS_REPLAY (self), NULL);

  return self->error;
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
      guint ci = find_chunk (self, at);
      const Chunk *c = CHUNK (self, ci);
      guint take = (guint) MIN ((guint64) (n - done), c->first + c->n - at);

      /* Short of @n before a damaged record. */
      if (!chunk_ready (self, ci))
        break;
      shmviz_record_get_events (&self->records[c->record], (guint) (at - c->first), take,
                                out + done);
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

  return anomaly_position (self, index);
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
