/* inspect.h — read-only inspection of any POSIX shared memory object and
 * named semaphores, such as the textbook's /my_shm and /my_sem
 *
 * Nothing here ever writes to another program's memory: the object is
 * opened O_RDONLY and read with pread(), semaphores are opened without
 * O_CREAT and only sem_getvalue() is called on them.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <glib.h>

#include "shmls.h"

G_BEGIN_DECLS

#define SHMVIZ_INSPECT_DEFAULT_BYTES 64
#define SHMVIZ_INSPECT_MAX_BYTES     65536

typedef struct {
  char    *name;       /* "/my_sem" */
  gboolean ok;
  int      value;      /* when ok */
  char    *error;      /* when not */
} ShmvizSemReading;

typedef struct {
  char    *name;       /* "/my_shm" */
  char    *path;       /* "/dev/shm/my_shm" */
  guint64  size;
  guint    uid;
  char    *owner;
  guint    mode;
  GBytes  *head;       /* the first bytes (up to the limit asked for) */
  GArray  *semaphores; /* ShmvizSemReading */
  GArray  *mapped_by;  /* pid_t */
  guint    unreadable; /* processes whose maps could not be read */
} ShmvizInspection;

/* Reads @name (with or without the leading "/") and each of @sems (NULL
 * terminated, may be NULL).  Fails only when the object itself cannot be
 * read; a semaphore that cannot be opened is reported in its reading. */
ShmvizInspection *shmviz_inspect          (const char              *name,
                                           const char * const      *sems,
                                           gsize                    max_bytes,
                                           GError                 **error);
void              shmviz_inspection_free  (ShmvizInspection        *inspection);

/* sem_open() without O_CREAT, sem_getvalue(), sem_close(). */
gboolean          shmviz_inspect_semaphore (const char             *name,
                                            int                    *value,
                                            GError                **error);

/* JSON: name, path, size, owner, mode, hex, ints, text, semaphores
 * [{name, value}], mapped_by [pids]; @changed (may be NULL) lists byte
 * offsets that differ from an earlier reading, as "changed". */
void              shmviz_inspection_to_json (const ShmvizInspection *inspection,
                                             GArray                 *changed,
                                             GString                *out);
/* Lines a person reads; bytes listed in @changed are marked with
 * @mark_on/@mark_off (terminal escapes, or "" for none). */
void              shmviz_inspection_to_text (const ShmvizInspection *inspection,
                                             GArray                 *changed,
                                             const char             *mark_on,
                                             const char             *mark_off,
                                             GString                *out);
/* Offsets (guint) where @b's bytes differ from @a's, and whether anything
 * else (size, semaphores, mappers) changed. */
gboolean          shmviz_inspection_diff   (const ShmvizInspection *a,
                                            const ShmvizInspection *b,
                                            GArray                 *changed);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (ShmvizInspection, shmviz_inspection_free)

G_END_DECLS
