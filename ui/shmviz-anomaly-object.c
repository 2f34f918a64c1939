/* shmviz-anomaly-object.c — one ShmvizAnomaly as an item of a GListModel
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <glib/gi18n.h>

#include "event.h"
#include "shmviz-anomaly-object.h"

struct _ShmvizAnomalyObject
{
  GObject       parent_instance;

  ShmvizAnomaly anomaly;
  guint         n_producers;
  guint64       start_ns;
  /* Made lazily: a capped log of 10,000 rows only ever shows a screenful. */
  char         *description;
  char         *time_label;
};

G_DEFINE_FINAL_TYPE (ShmvizAnomalyObject, shmviz_anomaly_object, G_TYPE_OBJECT)

enum {
  PROP_0,
  PROP_KIND,
  PROP_KIND_NAME,
  PROP_DESCRIPTION,
  PROP_TIME_LABEL,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

static void
shmviz_anomaly_object_finalize (GObject *object)
{
  ShmvizAnomalyObject *self = (ShmvizAnomalyObject *)object;

  g_clear_pointer (&self->description, g_free);
  g_clear_pointer (&self->time_label, g_free);

  G_OBJECT_CLASS (shmviz_anomaly_object_parent_class)->finalize (object);
}

static void
shmviz_anomaly_object_get_property (GObject    *object,
                                    guint       prop_id,
                                    GValue     *value,
                                    GParamSpec *pspec)
{
  ShmvizAnomalyObject *self = SHMVIZ_ANOMALY_OBJECT (object);

  switch (prop_id)
    {
    case PROP_KIND:
      g_value_set_int (value, self->anomaly.kind);
      break;

    case PROP_KIND_NAME:
      g_value_set_string (value, shmviz_anomaly_kind_name (self->anomaly.kind));
      break;

    case PROP_DESCRIPTION:
      g_value_set_string (value, shmviz_anomaly_object_get_description (self));
      break;

    case PROP_TIME_LABEL:
      g_value_set_string (value, shmviz_anomaly_object_get_time_label (self));
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
shmviz_anomaly_object_class_init (ShmvizAnomalyObjectClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->finalize = shmviz_anomaly_object_finalize;
  object_class->get_property = shmviz_anomaly_object_get_property;

  properties[PROP_KIND] =
    g_param_spec_int ("kind", NULL, NULL,
                      0, SHMVIZ_N_ANOMALY_KINDS - 1, 0,
                      (G_PARAM_READABLE | G_PARAM_STATIC_STRINGS));
  properties[PROP_KIND_NAME] =
    g_param_spec_string ("kind-name", NULL, NULL, NULL,
                         (G_PARAM_READABLE | G_PARAM_STATIC_STRINGS));
  properties[PROP_DESCRIPTION] =
    g_param_spec_string ("description", NULL, NULL, NULL,
                         (G_PARAM_READABLE | G_PARAM_STATIC_STRINGS));
  properties[PROP_TIME_LABEL] =
    g_param_spec_string ("time-label", NULL, NULL, NULL,
                         (G_PARAM_READABLE | G_PARAM_STATIC_STRINGS));

  g_object_class_install_properties (object_class, N_PROPS, properties);
}

static void
shmviz_anomaly_object_init (ShmvizAnomalyObject *self)
{
}

ShmvizAnomalyObject *
shmviz_anomaly_object_new (const ShmvizAnomaly *anomaly,
                           guint                n_producers,
                           guint64              start_ns)
{
  ShmvizAnomalyObject *self;

  g_return_val_if_fail (anomaly != NULL, NULL);

  self = g_object_new (SHMVIZ_TYPE_ANOMALY_OBJECT, NULL);
  self->anomaly = *anomaly;
  self->n_producers = n_producers;
  self->start_ns = start_ns;

  return self;
}

const ShmvizAnomaly *
shmviz_anomaly_object_get_anomaly (ShmvizAnomalyObject *self)
{
  g_return_val_if_fail (SHMVIZ_IS_ANOMALY_OBJECT (self), NULL);

  return &self->anomaly;
}

ShmvizAnomalyKind
shmviz_anomaly_object_get_kind (ShmvizAnomalyObject *self)
{
  g_return_val_if_fail (SHMVIZ_IS_ANOMALY_OBJECT (self), 0);

  return self->anomaly.kind;
}

const char *
shmviz_anomaly_object_get_description (ShmvizAnomalyObject *self)
{
  g_return_val_if_fail (SHMVIZ_IS_ANOMALY_OBJECT (self), NULL);

  if (self->description == NULL)
    self->description = shmviz_anomaly_describe (&self->anomaly, self->n_producers);

  return self->description;
}

const char *
shmviz_anomaly_object_get_time_label (ShmvizAnomalyObject *self)
{
  g_return_val_if_fail (SHMVIZ_IS_ANOMALY_OBJECT (self), NULL);

  if (self->time_label == NULL)
    {
      /* A late event can carry a time before the session's first one. */
      guint64 rel = self->anomaly.ts_ns > self->start_ns ? self->anomaly.ts_ns - self->start_ns : 0;

      /* TRANSLATORS: time since the run started, in seconds */
      self->time_label = g_strdup_printf (_("+%.3f s"), rel / 1e9);
    }

  return self->time_label;
}

static guint
add_proc (guint16 *procs,
          guint    n,
          guint    max_procs,
          guint16  proc)
{
  if (proc == SHMVIZ_NO_PROC || proc == SHMVIZ_PROC_SUPERVISOR || n >= max_procs)
    return n;

  for (guint i = 0; i < n; i++)
    if (procs[i] == proc)
      return n;

  procs[n] = proc;
  return n + 1;
}

guint
shmviz_anomaly_object_get_procs (ShmvizAnomalyObject *self,
                                 guint16             *procs,
                                 guint                max_procs)
{
  const ShmvizAnomaly *a;
  guint n = 0;

  g_return_val_if_fail (SHMVIZ_IS_ANOMALY_OBJECT (self), 0);

  a = &self->anomaly;
  n = add_proc (procs, n, max_procs, a->actor);

  switch (a->kind)
    {
    case SHMVIZ_ANOMALY_DUPLICATE:
    case SHMVIZ_ANOMALY_LOST:
      n = add_proc (procs, n, max_procs, a->earlier);
      break;

    case SHMVIZ_ANOMALY_DEADLOCK:
      if (a->values[0] <= G_MAXUINT16)
        n = add_proc (procs, n, max_procs, (guint16)a->values[0]);
      for (guint i = 0; i < MIN (a->n_procs, SHMVIZ_ANOMALY_MAX_PROCS); i++)
        n = add_proc (procs, n, max_procs, a->procs[i]);
      break;

    case SHMVIZ_ANOMALY_EMPTY_READ:
    case SHMVIZ_ANOMALY_CORRUPT:
    case SHMVIZ_ANOMALY_INDEX_DRIFT:
    case SHMVIZ_N_ANOMALY_KINDS:
    default:
      break;
    }

  return n;
}
