/* inspect.c — reading another program's shared memory without touching it
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <semaphore.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include <glib/gi18n.h>

#include "inspect.h"
#include "json.h"

#define SEM_PREFIX "sem."
#define HEX_PER_LINE 16

static void
sem_reading_clear (gpointer data)
{
  ShmvizSemReading *r = data;

  g_free (r->name);
  g_free (r->error);
}

void
shmviz_inspection_free (ShmvizInspection *inspection)
{
  if (inspection == NULL)
    return;
  g_free (inspection->name);
  g_free (inspection->path);
  g_free (inspection->owner);
  g_clear_pointer (&inspection->head, g_bytes_unref);
  g_clear_pointer (&inspection->semaphores, g_array_unref);
  g_clear_pointer (&inspection->mapped_by, g_array_unref);
  g_free (inspection);
}

/* "my_sem", "/my_sem", "/dev/shm/sem.my_sem" and, as `ls` lists it,
 * "sem.my_sem" all name the semaphore "/my_sem". */
static char *
semaphore_name (const char  *name,
                GError     **error)
{
  gboolean from_path = g_str_has_prefix (name, SHMVIZ_SHM_DIR "/");
  g_autofree char *entry = shmviz_shm_entry_name (name, error);

  if (entry == NULL)
    return NULL;
  if (g_str_has_prefix (entry, SEM_PREFIX) && entry[strlen (SEM_PREFIX)] != '\0')
    {
      g_autofree char *doubled = g_strconcat (SHMVIZ_SHM_DIR "/" SEM_PREFIX, entry, NULL);

      if (from_path || !g_file_test (doubled, G_FILE_TEST_EXISTS))
        return g_strconcat ("/", entry + strlen (SEM_PREFIX), NULL);
    }
  return g_strconcat ("/", entry, NULL);
}

gboolean
shmviz_inspect_semaphore (const char  *name,
                          int         *value,
                          GError     **error)
{
  g_autofree char *posix = semaphore_name (name, error);
  g_autofree char *path = NULL;
  struct stat st;
  sem_t *sem;
  int errsv;

  if (posix == NULL)
    return FALSE;
  path = g_strconcat (SHMVIZ_SHM_DIR "/" SEM_PREFIX, posix + 1, NULL);

  /* glibc maps sizeof (sem_t) bytes of whatever file has the name: a
   * shorter one would fault on the first read, so check it first. */
  if (lstat (path, &st) != 0)
    {
      errsv = errno;
      g_set_error (error, G_FILE_ERROR, g_file_error_from_errno (errsv),
                   errsv == ENOENT ? _("no semaphore %s (no %s)") : "%s: %s",
                   posix, errsv == ENOENT ? path : g_strerror (errsv));
      return FALSE;
    }
  if (!S_ISREG (st.st_mode) || (gsize) st.st_size < sizeof (sem_t))
    {
      g_set_error (error, G_FILE_ERROR, G_FILE_ERROR_INVAL,
                   _("%s is not a named semaphore (%s is not a %zu-byte file)"),
                   posix, path, sizeof (sem_t));
      return FALSE;
    }

  sem = sem_open (posix, 0);
  if (sem == SEM_FAILED)
    {
      errsv = errno;
      g_set_error (error, G_FILE_ERROR, g_file_error_from_errno (errsv),
                   _("Could not open semaphore %s: %s"), posix, g_strerror (errsv));
      return FALSE;
    }
  if (sem_getvalue (sem, value) != 0)
    {
      errsv = errno;
      sem_close (sem);
      g_set_error (error, G_FILE_ERROR, g_file_error_from_errno (errsv),
                   _("Could not read semaphore %s: %s"), posix, g_strerror (errsv));
      return FALSE;
    }
  sem_close (sem);
  return TRUE;
}

ShmvizInspection *
shmviz_inspect (const char         *name,
                const char * const *sems,
                gsize               max_bytes,
                GError            **error)
{
  g_autoptr(ShmvizInspection) inspection = NULL;
  g_autoptr(ShmvizShmObject) object = NULL;
  g_autofree char *entry = NULL;
  g_autofree guint8 *buf = NULL;
  struct stat st;
  gsize want, got = 0;
  int fd, errsv;

  g_return_val_if_fail (name != NULL, NULL);

  entry = shmviz_shm_entry_name (name, error);
  if (entry == NULL)
    return NULL;
  max_bytes = MIN (max_bytes, SHMVIZ_INSPECT_MAX_BYTES);

  inspection = g_new0 (ShmvizInspection, 1);
  inspection->name = g_strconcat ("/", entry, NULL);
  inspection->path = g_build_filename (SHMVIZ_SHM_DIR, entry, NULL);
  inspection->semaphores = g_array_new (FALSE, TRUE, sizeof (ShmvizSemReading));
  g_array_set_clear_func (inspection->semaphores, sem_reading_clear);

  /* shm_open (name, O_RDONLY) is this open() on Linux; pread() instead of
   * mmap() means an owner that shrinks the object cannot fault us, and we
   * never show up among its mappers. */
  fd = shm_open (inspection->name, O_RDONLY | O_CLOEXEC | O_NOFOLLOW, 0);
  if (fd < 0)
    {
      errsv = errno;
      g_set_error (error, SHMVIZ_SHM_ERROR,
                   errsv == ENOENT ? SHMVIZ_SHM_ERROR_NOT_FOUND : SHMVIZ_SHM_ERROR_FAILED,
                   errsv == ENOENT ? _("no shared memory object %s (no %s)") : _("Could not open %s: %s"),
                   inspection->name, errsv == ENOENT ? inspection->path : g_strerror (errsv));
      return NULL;
    }
  if (fstat (fd, &st) != 0 || !S_ISREG (st.st_mode))
    {
      close (fd);
      g_set_error (error, SHMVIZ_SHM_ERROR, SHMVIZ_SHM_ERROR_NAME,
                   _("%s is not a shared memory object"), inspection->path);
      return NULL;
    }
  inspection->size = st.st_size;
  inspection->uid = st.st_uid;
  inspection->mode = st.st_mode & 07777;

  want = (gsize) MIN ((guint64) max_bytes, (guint64) st.st_size);
  buf = g_malloc (MAX (want, 1));
  while (got < want)
    {
      ssize_t n = pread (fd, buf + got, want - got, got);

      if (n < 0 && errno == EINTR)
        continue;
      if (n < 0)
        {
          errsv = errno;
          close (fd);
          g_set_error (error, SHMVIZ_SHM_ERROR, SHMVIZ_SHM_ERROR_FAILED,
                       _("Could not read %s: %s"), inspection->path, g_strerror (errsv));
          return NULL;
        }
      if (n == 0)
        break;  /* shrunk since fstat() */
      got += n;
    }
  close (fd);
  inspection->head = g_bytes_new (buf, got);

  for (guint i = 0; sems && sems[i]; i++)
    {
      ShmvizSemReading r = { 0 };
      g_autoptr(GError) sem_error = NULL;
      g_autofree char *posix = semaphore_name (sems[i], NULL);

      r.name = posix ? g_steal_pointer (&posix) : g_strdup (sems[i]);
      r.ok = shmviz_inspect_semaphore (sems[i], &r.value, &sem_error);
      if (!r.ok)
        r.error = g_strdup (sem_error->message);
      g_array_append_val (inspection->semaphores, r);
    }

  /* After sem_close(), so our own brief mapping of a semaphore is gone. */
  object = shmviz_shm_stat (entry, NULL);
  inspection->owner = object ? g_strdup (object->owner) : g_strdup_printf ("%u", inspection->uid);
  inspection->mapped_by = shmviz_shm_find_mappers (entry, &inspection->unreadable);

  return g_steal_pointer (&inspection);
}

static gboolean
in_changed (GArray *changed,
            guint   offset)
{
  for (guint i = 0; changed && i < changed->len; i++)
    if (g_array_index (changed, guint, i) == offset)
      return TRUE;
  return FALSE;
}

void
shmviz_inspection_to_json (const ShmvizInspection *inspection,
                           GArray                 *changed,
                           GString                *out)
{
  gsize n;
  const guint8 *bytes = g_bytes_get_data (inspection->head, &n);
  g_autoptr(GString) text = g_string_new (NULL);

  g_string_append (out, "{\"name\":");
  shmviz_json_string (out, inspection->name);
  g_string_append (out, ",\"path\":");
  shmviz_json_string (out, inspection->path);
  g_string_append_printf (out, ",\"size\":%" G_GUINT64_FORMAT ",\"uid\":%u,\"owner\":",
                          inspection->size, inspection->uid);
  shmviz_json_string (out, inspection->owner);
  g_string_append_printf (out, ",\"mode\":\"%04o\",\"bytes_shown\":%zu,\"hex\":\"", inspection->mode, n);
  for (gsize i = 0; i < n; i++)
    g_string_append_printf (out, "%s%02x", i ? " " : "", bytes[i]);
  g_string_append (out, "\",\"ints\":[");
  for (gsize i = 0; i + sizeof (int) <= n; i += sizeof (int))
    {
      int v;

      memcpy (&v, bytes + i, sizeof v);
      g_string_append_printf (out, "%s%d", i ? "," : "", v);
    }
  g_string_append (out, "],\"text\":");
  for (gsize i = 0; i < n; i++)
    g_string_append_c (text, g_ascii_isprint (bytes[i]) ? (char) bytes[i] : '.');
  shmviz_json_string (out, text->str);

  g_string_append (out, ",\"semaphores\":[");
  for (guint i = 0; i < inspection->semaphores->len; i++)
    {
      const ShmvizSemReading *r = &g_array_index (inspection->semaphores, ShmvizSemReading, i);

      g_string_append (out, i ? ",{\"name\":" : "{\"name\":");
      shmviz_json_string (out, r->name);
      if (r->ok)
        g_string_append_printf (out, ",\"value\":%d}", r->value);
      else
        {
          g_string_append (out, ",\"value\":null,\"error\":");
          shmviz_json_string (out, r->error);
          g_string_append_c (out, '}');
        }
    }
  g_string_append (out, "],\"mapped_by\":[");
  for (guint i = 0; i < inspection->mapped_by->len; i++)
    g_string_append_printf (out, "%s%d", i ? "," : "", (int) g_array_index (inspection->mapped_by, pid_t, i));
  g_string_append_printf (out, "],\"unreadable_processes\":%u", inspection->unreadable);
  if (changed)
    {
      g_string_append (out, ",\"changed\":[");
      for (guint i = 0; i < changed->len; i++)
        g_string_append_printf (out, "%s%u", i ? "," : "", g_array_index (changed, guint, i));
      g_string_append_c (out, ']');
    }
  g_string_append_c (out, '}');
}

void
shmviz_inspection_to_text (const ShmvizInspection *inspection,
                           GArray                 *changed,
                           const char             *mark_on,
                           const char             *mark_off,
                           GString                *out)
{
  gsize n;
  const guint8 *bytes = g_bytes_get_data (inspection->head, &n);

  g_string_append_printf (out, _("%s  %" PRIu64 " bytes, owner %s, mode %04o\n"),
                          inspection->path, inspection->size, inspection->owner, inspection->mode);
  if (n == 0)
    g_string_append (out, _("(empty)\n"));

  for (gsize line = 0; line < n; line += HEX_PER_LINE)
    {
      gsize end = MIN (line + HEX_PER_LINE, n);

      g_string_append_printf (out, "  %04zx  ", line);
      for (gsize i = line; i < line + HEX_PER_LINE; i++)
        {
          if (i < end && in_changed (changed, i))
            g_string_append_printf (out, "%s%02x%s ", mark_on, bytes[i], mark_off);
          else if (i < end)
            g_string_append_printf (out, "%02x ", bytes[i]);
          else
            g_string_append (out, "   ");
        }
      g_string_append (out, " |");
      for (gsize i = line; i < end; i++)
        g_string_append_c (out, g_ascii_isprint (bytes[i]) ? (char) bytes[i] : '.');
      g_string_append (out, "|\n");
    }

  if (n >= sizeof (int))
    {
      g_string_append (out, _("  as int:"));
      for (gsize i = 0; i + sizeof (int) <= n; i += sizeof (int))
        {
          int v;
          gboolean mark = FALSE;

          memcpy (&v, bytes + i, sizeof v);
          for (gsize b = i; b < i + sizeof (int); b++)
            mark |= in_changed (changed, b);
          g_string_append_printf (out, " %s%d%s", mark ? mark_on : "", v, mark ? mark_off : "");
        }
      g_string_append_c (out, '\n');
    }
  if (n < inspection->size)
    g_string_append_printf (out, _("  (first %zu of %" PRIu64 " bytes)\n"), n, inspection->size);

  for (guint i = 0; i < inspection->semaphores->len; i++)
    {
      const ShmvizSemReading *r = &g_array_index (inspection->semaphores, ShmvizSemReading, i);

      if (r->ok)
        g_string_append_printf (out, _("semaphore %s = %d\n"), r->name, r->value);
      else
        g_string_append_printf (out, _("semaphore %s: %s\n"), r->name, r->error);
    }

  if (inspection->mapped_by->len == 0)
    g_string_append (out, _("mapped by: no process"));
  else
    {
      g_string_append (out, _("mapped by:"));
      for (guint i = 0; i < inspection->mapped_by->len; i++)
        g_string_append_printf (out, " %d", (int) g_array_index (inspection->mapped_by, pid_t, i));
    }
  if (inspection->unreadable > 0)
    g_string_append_printf (out, g_dngettext (GETTEXT_PACKAGE,
                                              " (%u process could not be checked)",
                                              " (%u processes could not be checked)",
                                              inspection->unreadable),
                            inspection->unreadable);
  g_string_append_c (out, '\n');
}

gboolean
shmviz_inspection_diff (const ShmvizInspection *a,
                        const ShmvizInspection *b,
                        GArray                 *changed)
{
  gsize na, nb;
  const guint8 *ba = g_bytes_get_data (a->head, &na);
  const guint8 *bb = g_bytes_get_data (b->head, &nb);
  gboolean other = a->size != b->size || na != nb ||
                   a->semaphores->len != b->semaphores->len ||
                   a->mapped_by->len != b->mapped_by->len;

  for (gsize i = 0; i < nb; i++)
    if (i >= na || ba[i] != bb[i])
      {
        guint offset = i;

        g_array_append_val (changed, offset);
      }
  for (guint i = 0; !other && i < b->semaphores->len; i++)
    {
      const ShmvizSemReading *ra = &g_array_index (a->semaphores, ShmvizSemReading, i);
      const ShmvizSemReading *rb = &g_array_index (b->semaphores, ShmvizSemReading, i);

      other = ra->ok != rb->ok || ra->value != rb->value;
    }
  for (guint i = 0; !other && i < b->mapped_by->len; i++)
    other = g_array_index (a->mapped_by, pid_t, i) != g_array_index (b->mapped_by, pid_t, i);
  return other || changed->len > 0;
}
