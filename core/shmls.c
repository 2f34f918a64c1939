/* shmls.c — listing /dev/shm, finding mappers in /proc, safe removal
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <pwd.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <unistd.h>

#include <glib/gi18n.h>

#include "json.h"
#include "shmls.h"

#define SEM_PREFIX "sem."

G_DEFINE_QUARK (shmviz-shm-error-quark, shmviz_shm_error)

char *
shmviz_shm_entry_name (const char  *name,
                       GError     **error)
{
  const char *entry = name;

  g_return_val_if_fail (name != NULL, NULL);

  if (g_str_has_prefix (entry, SHMVIZ_SHM_DIR "/"))
    entry += strlen (SHMVIZ_SHM_DIR "/");
  else if (entry[0] == '/')
    entry++;

  if (*entry == '\0' || strchr (entry, '/') || strcmp (entry, ".") == 0 ||
      strcmp (entry, "..") == 0 || strlen (entry) > NAME_MAX)
    {
      g_autofree char *display = g_utf8_make_valid (name, -1);

      g_set_error (error, SHMVIZ_SHM_ERROR, SHMVIZ_SHM_ERROR_NAME,
                   _("“%s” is not a POSIX shared memory name (one “/” at the start and none after, "
                     "at most %d bytes)"), display, NAME_MAX);
      return NULL;
    }
  return g_strdup (entry);
}

void
shmviz_shm_object_free (ShmvizShmObject *object)
{
  if (object == NULL)
    return;
  g_free (object->entry);
  g_free (object->posix_name);
  g_free (object->owner);
  g_clear_pointer (&object->mapped_by, g_array_unref);
  g_free (object);
}

/* One object the /proc scan looks for. */
typedef struct {
  guint   major, minor;
  guint64 ino;
  GArray *pids;
} Target;

static gboolean
is_pid_dir (const char *name)
{
  if (*name == '\0')
    return FALSE;
  for (const char *p = name; *p; p++)
    if (!g_ascii_isdigit (*p))
      return FALSE;
  return TRUE;
}

/* Reads every /proc/PID/maps once and adds each pid to the targets it
 * maps.  Pids whose maps cannot be read go to @unreadable. */
static void
scan_proc (Target *targets,
           guint   n_targets,
           GArray *unreadable)
{
  g_autoptr(GDir) proc = g_dir_open ("/proc", 0, NULL);
  const char *name;

  if (proc == NULL)
    return;

  while ((name = g_dir_read_name (proc)))
    {
      g_autofree char *path = NULL;
      g_autofree char *maps = NULL;
      pid_t pid;
      char *line, *next;

      if (!is_pid_dir (name))
        continue;
      pid = (pid_t) g_ascii_strtoll (name, NULL, 10);
      path = g_strconcat ("/proc/", name, "/maps", NULL);
      if (!g_file_get_contents (path, &maps, NULL, NULL))
        {
          /* A process that exited meanwhile has no maps to hide. */
          if (unreadable && g_file_test (path, G_FILE_TEST_EXISTS))
            g_array_append_val (unreadable, pid);
          continue;
        }

      for (line = maps; line && *line; line = next)
        {
          unsigned long long start, end, offset, ino;
          unsigned int maj, min;
          char perms[8];

          next = strchr (line, '\n');
          if (next)
            *next++ = '\0';
          /* Only shared memory is interesting; skip the rest cheaply. */
          if (!strstr (line, " " SHMVIZ_SHM_DIR "/"))
            continue;
          if (sscanf (line, "%llx-%llx %7s %llx %x:%x %llu", &start, &end, perms, &offset,
                      &maj, &min, &ino) != 7)
            continue;
          for (guint t = 0; t < n_targets; t++)
            {
              GArray *pids = targets[t].pids;

              if (targets[t].ino != ino || targets[t].major != maj || targets[t].minor != min)
                continue;
              if (pids->len == 0 || g_array_index (pids, pid_t, pids->len - 1) != pid)
                g_array_append_val (pids, pid);
            }
        }
    }

  for (guint t = 0; t < n_targets; t++)
    {
      GArray *pids = targets[t].pids;

      /* /proc lists pids in ascending order, but say so rather than rely on it. */
      for (guint i = 1; i < pids->len; i++)
        for (guint j = i; j > 0 && g_array_index (pids, pid_t, j - 1) > g_array_index (pids, pid_t, j); j--)
          {
            pid_t tmp = g_array_index (pids, pid_t, j);

            g_array_index (pids, pid_t, j) = g_array_index (pids, pid_t, j - 1);
            g_array_index (pids, pid_t, j - 1) = tmp;
          }
    }
}

static void
target_from_stat (Target            *target,
                  const struct stat *st)
{
  target->major = major (st->st_dev);
  target->minor = minor (st->st_dev);
  target->ino = st->st_ino;
}

static gint64
birth_time (int                dirfd,
            const char        *entry,
            const struct stat *st)
{
  struct statx stx;

  /* tmpfs records a birth time on recent kernels; the change time is the
   * next best thing, as the creator's ftruncate() sets it. */
  if (statx (dirfd, entry, AT_SYMLINK_NOFOLLOW, STATX_BTIME, &stx) == 0 &&
      (stx.stx_mask & STATX_BTIME))
    return stx.stx_btime.tv_sec;
  return st->st_ctime;
}

static char *
owner_name (uid_t uid)
{
  struct passwd pw, *result = NULL;
  char buf[1024];

  if (getpwuid_r (uid, &pw, buf, sizeof buf, &result) == 0 && result)
    return g_strdup (result->pw_name);
  return g_strdup_printf ("%u", (guint) uid);
}

static ShmvizShmObject *
object_new (int                dirfd,
            const char        *entry,
            const struct stat *st)
{
  ShmvizShmObject *object = g_new0 (ShmvizShmObject, 1);

  object->entry = g_strdup (entry);
  object->semaphore = g_str_has_prefix (entry, SEM_PREFIX) && entry[strlen (SEM_PREFIX)] != '\0';
  object->posix_name = g_strconcat ("/", entry + (object->semaphore ? strlen (SEM_PREFIX) : 0), NULL);
  object->size = st->st_size;
  object->uid = st->st_uid;
  object->gid = st->st_gid;
  object->owner = owner_name (st->st_uid);
  object->mode = st->st_mode & 07777;
  object->created_s = birth_time (dirfd, entry, st);
  object->mapped_by = g_array_new (FALSE, FALSE, sizeof (pid_t));
  return object;
}

static int
compare_objects (gconstpointer a,
                 gconstpointer b)
{
  const ShmvizShmObject *oa = *(ShmvizShmObject * const *) a;
  const ShmvizShmObject *ob = *(ShmvizShmObject * const *) b;

  return strcmp (oa->entry, ob->entry);
}

GPtrArray *
shmviz_shm_list (GError **error)
{
  g_autoptr(GPtrArray) objects = g_ptr_array_new_with_free_func ((GDestroyNotify) shmviz_shm_object_free);
  g_autoptr(GArray) targets = g_array_new (FALSE, TRUE, sizeof (Target));
  g_autoptr(GDir) dir = NULL;
  const char *entry;
  int dirfd;

  dir = g_dir_open (SHMVIZ_SHM_DIR, 0, error);
  if (dir == NULL)
    return NULL;
  dirfd = open (SHMVIZ_SHM_DIR, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (dirfd < 0)
    {
      int errsv = errno;

      g_set_error (error, SHMVIZ_SHM_ERROR, SHMVIZ_SHM_ERROR_FAILED,
                   "%s: %s", SHMVIZ_SHM_DIR, g_strerror (errsv));
      return NULL;
    }

  while ((entry = g_dir_read_name (dir)))
    {
      struct stat st;
      ShmvizShmObject *object;
      Target target = { 0 };

      /* Objects are regular files; anything else was put there by hand. */
      if (fstatat (dirfd, entry, &st, AT_SYMLINK_NOFOLLOW) != 0 || !S_ISREG (st.st_mode))
        continue;
      object = object_new (dirfd, entry, &st);
      g_ptr_array_add (objects, object);
      target_from_stat (&target, &st);
      target.pids = object->mapped_by;
      g_array_append_val (targets, target);
    }
  close (dirfd);

  scan_proc ((Target *) (void *) targets->data, targets->len, NULL);
  g_ptr_array_sort (objects, compare_objects);
  return g_steal_pointer (&objects);
}

static gboolean
stat_entry (const char   *entry,
            struct stat  *st,
            GError      **error)
{
  g_autofree char *path = g_build_filename (SHMVIZ_SHM_DIR, entry, NULL);

  if (lstat (path, st) != 0)
    {
      int errsv = errno;
      g_autofree char *display = g_filename_display_name (path);

      g_set_error (error, SHMVIZ_SHM_ERROR,
                   errsv == ENOENT ? SHMVIZ_SHM_ERROR_NOT_FOUND : SHMVIZ_SHM_ERROR_FAILED,
                   "%s: %s", display, g_strerror (errsv));
      return FALSE;
    }
  if (!S_ISREG (st->st_mode))
    {
      g_autofree char *display = g_filename_display_name (path);

      g_set_error (error, SHMVIZ_SHM_ERROR, SHMVIZ_SHM_ERROR_NAME,
                   _("%s is not a shared memory object (not a regular file)"), display);
      return FALSE;
    }
  return TRUE;
}

ShmvizShmObject *
shmviz_shm_stat (const char  *entry,
                 GError     **error)
{
  ShmvizShmObject *object;
  struct stat st;
  Target target = { 0 };
  int dirfd;

  g_return_val_if_fail (entry != NULL, NULL);

  if (!stat_entry (entry, &st, error))
    return NULL;
  dirfd = open (SHMVIZ_SHM_DIR, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  object = object_new (dirfd, entry, &st);
  if (dirfd >= 0)
    close (dirfd);
  target_from_stat (&target, &st);
  target.pids = object->mapped_by;
  scan_proc (&target, 1, NULL);
  return object;
}

GArray *
shmviz_shm_find_mappers (const char *entry,
                         guint      *unreadable)
{
  GArray *pids = g_array_new (FALSE, FALSE, sizeof (pid_t));
  g_autoptr(GArray) hidden = g_array_new (FALSE, FALSE, sizeof (pid_t));
  Target target = { 0 };
  struct stat st;

  g_return_val_if_fail (entry != NULL, NULL);

  if (unreadable)
    *unreadable = 0;
  if (!stat_entry (entry, &st, NULL))
    return pids;
  target_from_stat (&target, &st);
  target.pids = pids;
  scan_proc (&target, 1, hidden);
  if (unreadable)
    *unreadable = hidden->len;
  return pids;
}

/* Whether process @pid, whose maps we may not read, could have opened an
 * object with @st's owner and mode.  Its credentials are public in
 * /proc/PID/status even when its maps are not. */
static gboolean
could_open (pid_t              pid,
            const struct stat *st)
{
  g_autofree char *path = g_strdup_printf ("/proc/%d/status", (int) pid);
  g_autofree char *status = NULL;
  const char *uid_line, *gid_line;
  guint64 fsuid = G_MAXUINT64, fsgid = G_MAXUINT64;

  if (!g_file_get_contents (path, &status, NULL, NULL))
    return FALSE;  /* exited */
  /* "Uid:\treal\teffective\tsaved\tfilesystem": access checks use the last. */
  uid_line = strstr (status, "\nUid:");
  gid_line = strstr (status, "\nGid:");
  if (uid_line)
    sscanf (uid_line, "\nUid:\t%*u\t%*u\t%*u\t%" G_GUINT64_FORMAT, &fsuid);
  if (gid_line)
    sscanf (gid_line, "\nGid:\t%*u\t%*u\t%*u\t%" G_GUINT64_FORMAT, &fsgid);

  /* Root's own daemons are not counted: a user cannot see into them, and
   * they do not map other users' leftovers. */
  if (fsuid == 0)
    return FALSE;
  if (fsuid == st->st_uid)
    return (st->st_mode & 0600) != 0;
  if (fsgid == st->st_gid)
    return (st->st_mode & 0060) != 0;
  return (st->st_mode & 0006) != 0;
}

gboolean
shmviz_shm_remove (const char  *entry,
                   GError     **error)
{
  g_autoptr(GArray) pids = g_array_new (FALSE, FALSE, sizeof (pid_t));
  g_autoptr(GArray) hidden = g_array_new (FALSE, FALSE, sizeof (pid_t));
  g_autofree char *name = NULL;
  g_autofree char *path = NULL;
  g_autofree char *display = NULL;
  Target target = { 0 };
  struct stat st;

  g_return_val_if_fail (entry != NULL, FALSE);

  if (!(name = shmviz_shm_entry_name (entry, error)) || !stat_entry (name, &st, error))
    return FALSE;
  path = g_build_filename (SHMVIZ_SHM_DIR, name, NULL);
  display = g_filename_display_name (path);

  target_from_stat (&target, &st);
  target.pids = pids;
  scan_proc (&target, 1, hidden);
  if (pids->len > 0)
    {
      g_autoptr(GString) list = g_string_new (NULL);

      for (guint i = 0; i < pids->len; i++)
        g_string_append_printf (list, "%s%d", i ? ", " : "", (int) g_array_index (pids, pid_t, i));
      g_set_error (error, SHMVIZ_SHM_ERROR, SHMVIZ_SHM_ERROR_IN_USE,
                   g_dngettext (GETTEXT_PACKAGE, "%s is still mapped by process %s: not removed",
                                "%s is still mapped by processes %s: not removed", pids->len),
                   display, list->str);
      return FALSE;
    }
  for (guint i = 0; i < hidden->len; i++)
    if (could_open (g_array_index (hidden, pid_t, i), &st))
      {
        g_set_error (error, SHMVIZ_SHM_ERROR, SHMVIZ_SHM_ERROR_IN_USE,
                     _("%s might be mapped by process %d, whose memory map cannot be read: not removed"),
                     display, (int) g_array_index (hidden, pid_t, i));
        return FALSE;
      }

  /* A process could map it between the scan and here; unlinking only
   * removes the name, so such a process keeps working either way. */
  if (unlink (path) != 0)
    {
      int errsv = errno;

      g_set_error (error, SHMVIZ_SHM_ERROR,
                   errsv == ENOENT ? SHMVIZ_SHM_ERROR_NOT_FOUND : SHMVIZ_SHM_ERROR_FAILED,
                   _("Could not remove %s: %s"), display, g_strerror (errsv));
      return FALSE;
    }
  return TRUE;
}

void
shmviz_shm_object_to_json (const ShmvizShmObject *object,
                           gint64                 now_s,
                           GString               *out)
{
  g_string_append (out, "{\"entry\":");
  shmviz_json_string (out, object->entry);
  g_string_append (out, ",\"name\":");
  shmviz_json_string (out, object->posix_name);
  g_string_append_printf (out, ",\"kind\":\"%s\",\"size\":%" G_GUINT64_FORMAT ",\"uid\":%u,\"owner\":",
                          object->semaphore ? "semaphore" : "shm", object->size, object->uid);
  shmviz_json_string (out, object->owner);
  g_string_append_printf (out, ",\"mode\":\"%04o\",\"age_s\":%" G_GINT64_FORMAT ",\"mapped_by\":[",
                          object->mode, MAX (now_s - object->created_s, 0));
  for (guint i = 0; i < object->mapped_by->len; i++)
    g_string_append_printf (out, "%s%d", i ? "," : "", (int) g_array_index (object->mapped_by, pid_t, i));
  g_string_append (out, "]}");
}
