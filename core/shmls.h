/* shmls.h — what `ipcs` does for System V, for POSIX shared memory:
 * every object and named semaphore in /dev/shm, who maps it, and removal
 * of leaked ones
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <glib.h>
#include <sys/types.h>

G_BEGIN_DECLS

#define SHMVIZ_SHM_DIR "/dev/shm"

typedef struct {
  char    *entry;        /* name in /dev/shm: "my_shm", "sem.my_sem" */
  char    *posix_name;   /* what shm_open()/sem_open() take: "/my_shm", "/my_sem" */
  gboolean semaphore;
  guint64  size;
  guint    uid;
  guint    gid;
  char    *owner;        /* user name, or the uid as text */
  guint    mode;         /* permission bits */
  gint64   created_s;    /* birth time (or change time where the fs has none), epoch seconds */
  GArray  *mapped_by;    /* pid_t, ascending */
} ShmvizShmObject;

#define SHMVIZ_SHM_ERROR (shmviz_shm_error_quark ())

typedef enum {
  SHMVIZ_SHM_ERROR_NAME,       /* not a valid object name */
  SHMVIZ_SHM_ERROR_NOT_FOUND,
  SHMVIZ_SHM_ERROR_IN_USE,     /* a live process maps it */
  SHMVIZ_SHM_ERROR_FAILED,
} ShmvizShmError;

GQuark     shmviz_shm_error_quark   (void);

/* Turns "my_shm", "/my_shm" or "/dev/shm/my_shm" into the entry name
 * "my_shm"; refuses anything that would leave /dev/shm ("..", "a/b"). */
char      *shmviz_shm_entry_name    (const char       *name,
                                     GError          **error);

/* Every regular file in /dev/shm (ShmvizShmObject), sorted by entry. */
GPtrArray *shmviz_shm_list          (GError          **error);
ShmvizShmObject *shmviz_shm_stat    (const char       *entry,
                                     GError          **error);
void       shmviz_shm_object_free   (ShmvizShmObject  *object);

/* Pids whose /proc/PID/maps map /dev/shm/@entry (matched by device and
 * inode, so a re-created object of the same name is not confused with a
 * deleted one).  @unreadable counts processes whose maps could not be
 * read (other users' processes, for an unprivileged caller). */
GArray    *shmviz_shm_find_mappers  (const char       *entry,
                                     guint            *unreadable);

/* Unlinks /dev/shm/@entry unless a live process maps it, or a process
 * whose maps cannot be read could have it open. */
gboolean   shmviz_shm_remove        (const char       *entry,
                                     GError          **error);

/* Appends one JSON object: entry, name, kind, size, uid, owner, mode
 * (octal text), age_s, mapped_by. */
void       shmviz_shm_object_to_json (const ShmvizShmObject *object,
                                      gint64                 now_s,
                                      GString               *out);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (ShmvizShmObject, shmviz_shm_object_free)

G_END_DECLS
