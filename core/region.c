/* region.c — creating, opening and validating the shared region
 *
 * The region is untrusted input for every reader, including its creator:
 * with synchronization off its contents are racy by design, and any process
 * of the same user could scribble on it.  So the layout is never taken from
 * the header: it is recomputed from the configuration fields and must match
 * the header's offsets and the object's real size exactly.  After that,
 * only live values (indices, states, ids) are read, each once, and
 * bound-checked by their users.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <glib/gi18n.h>
#include <inttypes.h>
#include <glib/gstdio.h>
#include <signal.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include "lockfree.h"
#include "region.h"

/* Event rings of all processes together stay under this, so 64 + 64
 * workers still fit comfortably in /dev/shm. */
#define RINGS_BUDGET_BYTES   (64u * 1024 * 1024)
#define RING_MIN_EVENTS      1024u
#define RING_MAX_EVENTS      (128u * 1024)
#define RING_UNINSTRUMENTED  64u
/* A region older than this with an unreadable header is debris, not a
 * region being initialized right now. */
#define STALE_INVALID_AGE_S  60

struct _ShmvizRegion
{
  char     *name;      /* NULL for wrapped memory or once unlinked */
  int       fd;        /* the creator's, handed to the workers it spawns; else -1 */
  guint8   *base;
  gsize     size;
  gboolean  owns_mapping;
  /* Copies of the validated layout: never re-read from shared memory. */
  guint     n_slots;
  guint     n_procs;
  guint     item_size;
  guint     ring_capacity;
  gsize     slots_offset;
  gsize     slot_stride;
  gsize     procs_offset;
  gsize     proc_stride;
  gsize     lockfree_offset;
  ShmvizClock clock;
};

G_DEFINE_QUARK (shmviz-region-error-quark, shmviz_region_error)

static ShmvizClock
detect_clock (void)
{
#ifdef SHMVIZ_HAVE_TSC
  g_autofree char *source = NULL;
  const char *env = g_getenv ("SHMVIZ_CLOCK");

  if (env && g_str_equal (env, "monotonic"))
    return SHMVIZ_CLOCK_MONOTONIC;
  /* The kernel drops the TSC as its clocksource when it finds it unstable
   * or unsynchronized between CPUs (and says so in dmesg): as long as it
   * keeps it, CLOCK_MONOTONIC is itself a linear function of it. */
  if (g_file_get_contents ("/sys/devices/system/clocksource/clocksource0/current_clocksource",
                           &source, NULL, NULL) &&
      g_str_equal (g_strstrip (source), "tsc"))
    return SHMVIZ_CLOCK_TSC;
#endif
  return SHMVIZ_CLOCK_MONOTONIC;
}

ShmvizClock
shmviz_region_default_clock (void)
{
  static gsize chosen = 0;

  /* Stored + 1, since 0 is a valid clock. */
  if (g_once_init_enter (&chosen))
    g_once_init_leave (&chosen, (gsize) detect_clock () + 1);
  return (ShmvizClock) (chosen - 1);
}

ShmvizClock
shmviz_region_clock (ShmvizRegion *self)
{
  return self->clock;
}

static gsize
align_up (gsize value,
          gsize alignment)
{
  return (value + alignment - 1) & ~(alignment - 1);
}

typedef struct {
  gsize slots_offset;
  gsize slot_stride;
  gsize procs_offset;
  gsize proc_stride;
  gsize lockfree_offset;
  gsize total;
  guint ring_capacity;
} Layout;

static gboolean
compute_layout (guint   n_slots,
                guint   n_procs,
                guint   item_size,
                gboolean instrument,
                Layout *layout)
{
  gsize page = (gsize) sysconf (_SC_PAGESIZE);
  guint ring;

  if (n_slots < SHMVIZ_MIN_SLOTS || n_slots > SHMVIZ_MAX_SLOTS ||
      n_procs < 2 || n_procs > SHMVIZ_MAX_PROCS ||
      item_size < SHMVIZ_MIN_ITEM_SIZE || item_size > SHMVIZ_MAX_ITEM_SIZE)
    return FALSE;

  if (instrument)
    {
      gsize per_ring = RINGS_BUDGET_BYTES / n_procs / sizeof (ShmvizEvent);

      ring = RING_MAX_EVENTS;
      while (ring > per_ring && ring > RING_MIN_EVENTS)
        ring >>= 1;
    }
  else
    ring = RING_UNINSTRUMENTED;

  layout->ring_capacity = ring;
  layout->slots_offset = align_up (sizeof (ShmvizRegionHeader), SHMVIZ_CACHELINE);
  layout->slot_stride = align_up (sizeof (ShmvizSlotHeader) + item_size, SHMVIZ_CACHELINE);
  layout->procs_offset = align_up (layout->slots_offset + (gsize) n_slots * layout->slot_stride,
                                   SHMVIZ_CACHELINE);
  layout->proc_stride = align_up (sizeof (ShmvizProcBlock) + (gsize) ring * sizeof (ShmvizEvent),
                                  SHMVIZ_CACHELINE);
  layout->lockfree_offset = align_up (layout->procs_offset + (gsize) n_procs * layout->proc_stride,
                                      SHMVIZ_CACHELINE);
  layout->total = align_up (layout->lockfree_offset + sizeof (ShmvizLockFreeHeader) +
                            (gsize) n_slots * sizeof (ShmvizSlotSeq), page);
  return TRUE;
}

gsize
shmviz_region_size_for (const ShmvizScenario *scenario,
                        guint                *ring_capacity)
{
  Layout layout;

  if (!compute_layout (scenario->n_slots,
                       scenario->n_producers + scenario->n_consumers,
                       scenario->item_size, scenario->instrument, &layout))
    return 0;
  if (ring_capacity)
    *ring_capacity = layout.ring_capacity;
  return layout.total;
}

static void
set_from_layout (ShmvizRegion *self,
                 const Layout *layout,
                 guint         n_slots,
                 guint         n_procs,
                 guint         item_size)
{
  self->n_slots = n_slots;
  self->n_procs = n_procs;
  self->item_size = item_size;
  self->ring_capacity = layout->ring_capacity;
  self->slots_offset = layout->slots_offset;
  self->slot_stride = layout->slot_stride;
  self->procs_offset = layout->procs_offset;
  self->proc_stride = layout->proc_stride;
  self->lockfree_offset = layout->lockfree_offset;
}

static guint64
process_start_time (pid_t pid)
{
  g_autofree char *path = g_strdup_printf ("/proc/%d/stat", (int) pid);
  g_autofree char *contents = NULL;
  const char *p;
  guint field;

  if (!g_file_get_contents (path, &contents, NULL, NULL))
    return 0;
  /* The command name may hold spaces and parentheses: skip past its last ')'. */
  if (!(p = strrchr (contents, ')')))
    return 0;
  /* ')' ends field 2; starttime is field 22. */
  for (field = 2; field < 21 && *p; p++)
    if (*p == ' ')
      field++;
  return g_ascii_strtoull (p + 1, NULL, 10);
}

static void
init_region (ShmvizRegion         *self,
             const ShmvizScenario *scenario)
{
  ShmvizRegionHeader *h = (ShmvizRegionHeader *) self->base;

  h->magic = SHMVIZ_REGION_MAGIC;
  h->layout_version = SHMVIZ_LAYOUT_VERSION;
  h->header_size = sizeof *h;
  h->total_size = self->size;
  h->slots_offset = self->slots_offset;
  h->slot_stride = self->slot_stride;
  h->procs_offset = self->procs_offset;
  h->proc_stride = self->proc_stride;
  h->lockfree_offset = self->lockfree_offset;
  h->ring_capacity = self->ring_capacity;
  h->n_procs = self->n_procs;
  h->creator_pid = getpid ();
  h->creator_uid = geteuid ();
  h->creator_start_time = process_start_time (getpid ());
  h->n_producers = scenario->n_producers;
  h->n_consumers = scenario->n_consumers;
  h->n_slots = scenario->n_slots;
  h->item_size = scenario->item_size;
  h->items_total = scenario->items;
  h->seed = scenario->seed;
  h->instrument = scenario->instrument;
  h->clock = self->clock = shmviz_region_default_clock ();

  atomic_store (&h->mode, scenario->sync);
  atomic_store (&h->run_state, SHMVIZ_RUN_RUNNING);
  atomic_store (&h->speed_permille, scenario->speed_permille);
  for (guint i = 0; i < SHMVIZ_N_TIMINGS; i++)
    atomic_store (&h->timing_ns[i], scenario->timing_ns[i]);
  atomic_store (&h->next_item_quota, scenario->items);

  sem_init (&h->sems[SHMVIZ_SEM_EMPTY], 1, scenario->n_slots);
  sem_init (&h->sems[SHMVIZ_SEM_FULL], 1, 0);
  sem_init (&h->sems[SHMVIZ_SEM_MUTEX], 1, 1);
  shmviz_region_init_robust_mutex (self);
  /* An empty queue at position 0, whatever mode runs first. */
  shmviz_lockfree_reset (self, 0, 0);

  for (guint i = 0; i < self->n_procs; i++)
    {
      ShmvizProcBlock *p = shmviz_region_proc (self, i);
      gboolean producer = i < scenario->n_producers;

      p->role = producer ? SHMVIZ_ROLE_PRODUCER : SHMVIZ_ROLE_CONSUMER;
      atomic_store (&p->idle, 1);
      p->role_index = producer ? i : i - scenario->n_producers;
    }
}

static char *
new_region_name (void)
{
  /* 128 random bits: the name is not a secret worth guarding on its own
   * (O_EXCL and 0600 are the guard), but it must not be predictable. */
  return g_strdup_printf (SHMVIZ_REGION_NAME_PREFIX "%d-%08x%08x%08x%08x",
                          (int) getpid (),
                          g_random_int (), g_random_int (),
                          g_random_int (), g_random_int ());
}

ShmvizRegion *
shmviz_region_create_named (const char           *name,
                            const ShmvizScenario *scenario,
                            GError              **error)
{
  g_autoptr(ShmvizRegion) self = NULL;
  Layout layout;
  void *base;
  int fd;
  int r;

  g_return_val_if_fail (name != NULL && name[0] == '/', NULL);
  g_return_val_if_fail (scenario != NULL, NULL);

  if (!shmviz_scenario_validate (scenario, error))
    return NULL;
  if (!compute_layout (scenario->n_slots,
                       scenario->n_producers + scenario->n_consumers,
                       scenario->item_size, scenario->instrument, &layout))
    {
      g_set_error (error, SHMVIZ_REGION_ERROR, SHMVIZ_REGION_ERROR_INVALID,
                   _("The scenario does not fit in a shared region"));
      return NULL;
    }

  fd = shm_open (name, O_RDWR | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
  if (fd < 0)
    {
      int errsv = errno;
      g_set_error (error, SHMVIZ_REGION_ERROR,
                   errsv == EEXIST ? SHMVIZ_REGION_ERROR_EXISTS :
                   errsv == ENOSPC ? SHMVIZ_REGION_ERROR_NO_SPACE :
                   SHMVIZ_REGION_ERROR_FAILED,
                   _("Could not create the shared memory object %s: %s"),
                   name, g_strerror (errsv));
      return NULL;
    }

  /* Reserve every page now: on tmpfs a lazily allocated page that cannot
   * be backed later is a SIGBUS in whichever process touches it first. */
  r = posix_fallocate (fd, 0, (off_t) layout.total);
  if (r != 0)
    {
      g_autofree char *size = g_format_size (layout.total);

      shm_unlink (name);
      close (fd);
      g_set_error (error, SHMVIZ_REGION_ERROR,
                   r == ENOSPC || r == EFBIG ? SHMVIZ_REGION_ERROR_NO_SPACE
                                             : SHMVIZ_REGION_ERROR_FAILED,
                   _("Could not reserve %s of shared memory: %s. "
                     "Free space in /dev/shm or choose fewer slots or processes."),
                   size, g_strerror (r));
      return NULL;
    }

  base = mmap (NULL, layout.total, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
  if (base == MAP_FAILED)
    {
      int errsv = errno;
      close (fd);
      shm_unlink (name);
      g_set_error (error, SHMVIZ_REGION_ERROR, SHMVIZ_REGION_ERROR_FAILED,
                   _("Could not map the shared memory object: %s"), g_strerror (errsv));
      return NULL;
    }

  self = g_new0 (ShmvizRegion, 1);
  self->name = g_strdup (name);
  self->fd = fd;
  self->base = base;
  self->size = layout.total;
  self->owns_mapping = TRUE;
  set_from_layout (self, &layout, scenario->n_slots,
                   scenario->n_producers + scenario->n_consumers, scenario->item_size);
  init_region (self, scenario);

  return g_steal_pointer (&self);
}

ShmvizRegion *
shmviz_region_create (const ShmvizScenario *scenario,
                      GError              **error)
{
  for (guint attempt = 0; attempt < 4; attempt++)
    {
      g_autofree char *name = new_region_name ();
      g_autoptr(GError) local_error = NULL;
      ShmvizRegion *region;

      region = shmviz_region_create_named (name, scenario, &local_error);
      if (region)
        return region;
      if (!g_error_matches (local_error, SHMVIZ_REGION_ERROR, SHMVIZ_REGION_ERROR_EXISTS))
        {
          g_propagate_error (error, g_steal_pointer (&local_error));
          return NULL;
        }
    }

  g_set_error (error, SHMVIZ_REGION_ERROR, SHMVIZ_REGION_ERROR_EXISTS,
               _("Could not find a free name for the shared memory object"));
  return NULL;
}

static gboolean
validate (ShmvizRegion *self,
          GError      **error)
{
  const ShmvizRegionHeader *h = (const ShmvizRegionHeader *) self->base;
  Layout layout;
  guint n_producers, n_consumers, n_slots, item_size, n_procs, stamps;

  if (self->size < sizeof *h)
    {
      g_set_error (error, SHMVIZ_REGION_ERROR, SHMVIZ_REGION_ERROR_INVALID,
                   _("The shared region is %zu bytes, smaller than its header"),
                   self->size);
      return FALSE;
    }
  if (h->magic != SHMVIZ_REGION_MAGIC)
    {
      g_set_error (error, SHMVIZ_REGION_ERROR, SHMVIZ_REGION_ERROR_INVALID,
                   _("The shared region has a wrong magic number (0x%016" PRIx64 "): it is not a shmviz region"),
                   (guint64) h->magic);
      return FALSE;
    }
  if (h->layout_version != SHMVIZ_LAYOUT_VERSION || h->header_size != sizeof *h)
    {
      g_set_error (error, SHMVIZ_REGION_ERROR, SHMVIZ_REGION_ERROR_INVALID,
                   _("The shared region has layout version %u (header %u bytes); this shmviz reads version %u (%u bytes)"),
                   h->layout_version, h->header_size, SHMVIZ_LAYOUT_VERSION, (guint) sizeof *h);
      return FALSE;
    }

  /* One read of each configuration field, then checks on the copies. */
  n_producers = h->n_producers;
  n_consumers = h->n_consumers;
  n_slots = h->n_slots;
  item_size = h->item_size;
  n_procs = h->n_procs;

  if (n_producers < 1 || n_producers > SHMVIZ_MAX_PRODUCERS ||
      n_consumers < 1 || n_consumers > SHMVIZ_MAX_CONSUMERS ||
      n_procs != n_producers + n_consumers ||
      !compute_layout (n_slots, n_procs, item_size, h->instrument != 0, &layout))
    {
      g_set_error (error, SHMVIZ_REGION_ERROR, SHMVIZ_REGION_ERROR_INVALID,
                   _("The shared region's configuration is out of range "
                     "(%u producers, %u consumers, %u slots, %u-byte items)"),
                   n_producers, n_consumers, n_slots, item_size);
      return FALSE;
    }
  if (h->total_size != layout.total || self->size != layout.total)
    {
      g_set_error (error, SHMVIZ_REGION_ERROR, SHMVIZ_REGION_ERROR_INVALID,
                   _("The shared region is %zu bytes and says %" PRIu64
                     "; its configuration needs %zu"),
                   self->size, (guint64) h->total_size, layout.total);
      return FALSE;
    }
  if (h->slots_offset != layout.slots_offset || h->slot_stride != layout.slot_stride ||
      h->procs_offset != layout.procs_offset || h->proc_stride != layout.proc_stride ||
      h->lockfree_offset != layout.lockfree_offset ||
      h->ring_capacity != layout.ring_capacity)
    {
      g_set_error (error, SHMVIZ_REGION_ERROR, SHMVIZ_REGION_ERROR_INVALID,
                   _("The shared region's offsets do not match its configuration"));
      return FALSE;
    }

  stamps = h->clock;
  if (stamps >= SHMVIZ_N_CLOCKS
#ifndef SHMVIZ_HAVE_TSC
      || stamps == SHMVIZ_CLOCK_TSC
#endif
      )
    {
      g_set_error (error, SHMVIZ_REGION_ERROR, SHMVIZ_REGION_ERROR_INVALID,
                   _("The shared region's events are stamped with clock %u, which this shmviz cannot read"),
                   stamps);
      return FALSE;
    }

  set_from_layout (self, &layout, n_slots, n_procs, item_size);
  self->clock = (ShmvizClock) stamps;
  return TRUE;
}

ShmvizRegion *
shmviz_region_wrap (void   *base,
                    gsize   len,
                    GError **error)
{
  g_autoptr(ShmvizRegion) self = g_new0 (ShmvizRegion, 1);

  g_return_val_if_fail (base != NULL || len == 0, NULL);

  self->fd = -1;
  self->base = base;
  self->size = len;
  if (!validate (self, error))
    return NULL;
  return g_steal_pointer (&self);
}

/* Takes @fd (closed in every case) and maps it after checking what it
 * is: a worker trusts neither the name nor the descriptor it was given. */
static ShmvizRegion *
map_checked (int          fd,
             const char  *what,
             GError     **error)
{
  g_autoptr(ShmvizRegion) self = NULL;
  struct stat st;
  void *base;

  if (fstat (fd, &st) != 0 || !S_ISREG (st.st_mode))
    {
      close (fd);
      g_set_error (error, SHMVIZ_REGION_ERROR, SHMVIZ_REGION_ERROR_INVALID,
                   _("%s is not a shared memory object"), what);
      return NULL;
    }
  /* Someone else's object, or one others may write, is not ours to trust. */
  if (st.st_uid != geteuid () || (st.st_mode & 0077) != 0)
    {
      close (fd);
      g_set_error (error, SHMVIZ_REGION_ERROR, SHMVIZ_REGION_ERROR_PERMISSION,
                   _("Refusing %s: it belongs to uid %u with mode %04o; expected uid %u and mode 0600"),
                   what, (guint) st.st_uid, (guint) (st.st_mode & 07777), (guint) geteuid ());
      return NULL;
    }
  if (st.st_size < (off_t) sizeof (ShmvizRegionHeader) || (guint64) st.st_size > G_MAXSIZE / 2)
    {
      close (fd);
      g_set_error (error, SHMVIZ_REGION_ERROR, SHMVIZ_REGION_ERROR_INVALID,
                   _("%s has an impossible size (%" PRId64 " bytes)"),
                   what, (gint64) st.st_size);
      return NULL;
    }

  base = mmap (NULL, (gsize) st.st_size, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
  close (fd);
  if (base == MAP_FAILED)
    {
      int errsv = errno;
      g_set_error (error, SHMVIZ_REGION_ERROR, SHMVIZ_REGION_ERROR_FAILED,
                   _("Could not map %s: %s"), what, g_strerror (errsv));
      return NULL;
    }

  self = g_new0 (ShmvizRegion, 1);
  self->fd = -1;
  self->base = base;
  self->size = (gsize) st.st_size;
  self->owns_mapping = TRUE;
  /* A worker never unlinks: the name stays NULL here on purpose. */
  if (!validate (self, error))
    return NULL;

  return g_steal_pointer (&self);
}

ShmvizRegion *
shmviz_region_open (const char *name,
                    GError    **error)
{
  int fd;

  g_return_val_if_fail (name != NULL, NULL);

  if (!g_str_has_prefix (name, SHMVIZ_REGION_NAME_PREFIX) || strchr (name + 1, '/'))
    {
      g_set_error (error, SHMVIZ_REGION_ERROR, SHMVIZ_REGION_ERROR_INVALID,
                   _("“%s” is not a shmviz region name"), name);
      return NULL;
    }

  fd = shm_open (name, O_RDWR | O_NOFOLLOW | O_CLOEXEC, 0);
  if (fd < 0)
    {
      int errsv = errno;
      g_set_error (error, SHMVIZ_REGION_ERROR, SHMVIZ_REGION_ERROR_FAILED,
                   _("Could not open the shared memory object %s: %s"), name, g_strerror (errsv));
      return NULL;
    }
  return map_checked (fd, name, error);
}

ShmvizRegion *
shmviz_region_open_fd (int      fd,
                       GError **error)
{
  g_autofree char *what = g_strdup_printf (_("descriptor %d"), fd);
  int own;

  /* A private duplicate: the caller's descriptor stays as it was. */
  own = fcntl (fd, F_DUPFD_CLOEXEC, 3);
  if (own < 0)
    {
      int errsv = errno;
      g_set_error (error, SHMVIZ_REGION_ERROR, SHMVIZ_REGION_ERROR_FAILED,
                   _("Could not use %s: %s"), what, g_strerror (errsv));
      return NULL;
    }
  return map_checked (own, what, error);
}

int
shmviz_region_get_fd (ShmvizRegion *self)
{
  return self->fd;
}

void
shmviz_region_unlink (ShmvizRegion *self)
{
  g_return_if_fail (self != NULL);

  if (self->name)
    {
      shm_unlink (self->name);
      g_clear_pointer (&self->name, g_free);
    }
}

void
shmviz_region_free (ShmvizRegion *self)
{
  if (!self)
    return;
  shmviz_region_unlink (self);
  if (self->fd >= 0)
    close (self->fd);
  if (self->owns_mapping && self->base)
    munmap (self->base, self->size);
  g_free (self);
}

const char *
shmviz_region_get_name (ShmvizRegion *self)
{
  return self->name;
}

gsize
shmviz_region_get_size (ShmvizRegion *self)
{
  return self->size;
}

ShmvizRegionHeader *
shmviz_region_header (ShmvizRegion *self)
{
  return (ShmvizRegionHeader *) self->base;
}

ShmvizSlotHeader *
shmviz_region_slot (ShmvizRegion *self,
                    guint         index)
{
  if (index >= self->n_slots)
    return NULL;
  return (ShmvizSlotHeader *) (self->base + self->slots_offset + (gsize) index * self->slot_stride);
}

guint8 *
shmviz_region_slot_payload (ShmvizRegion *self,
                            guint         index)
{
  ShmvizSlotHeader *slot = shmviz_region_slot (self, index);

  return slot ? (guint8 *) (slot + 1) : NULL;
}

ShmvizProcBlock *
shmviz_region_proc (ShmvizRegion *self,
                    guint         index)
{
  if (index >= self->n_procs)
    return NULL;
  return (ShmvizProcBlock *) (self->base + self->procs_offset + (gsize) index * self->proc_stride);
}

ShmvizLockFreeHeader *
shmviz_region_lockfree (ShmvizRegion *self)
{
  return (ShmvizLockFreeHeader *) (self->base + self->lockfree_offset);
}

ShmvizSlotSeq *
shmviz_region_slot_seq (ShmvizRegion *self,
                        guint         index)
{
  if (index >= self->n_slots)
    return NULL;
  return (ShmvizSlotSeq *) (self->base + self->lockfree_offset + sizeof (ShmvizLockFreeHeader)) + index;
}

guint shmviz_region_n_slots (ShmvizRegion *self) { return self->n_slots; }
guint shmviz_region_n_procs (ShmvizRegion *self) { return self->n_procs; }
guint shmviz_region_item_size (ShmvizRegion *self) { return self->item_size; }
guint shmviz_region_ring_capacity (ShmvizRegion *self) { return self->ring_capacity; }

/* Two running sums over 64-bit words (Fletcher style): cheap enough for
 * 64 KiB items at full speed, and a copy torn between two items of
 * different ids almost never sums alike. */
guint32
shmviz_item_checksum (guint64       item,
                      const guint8 *payload,
                      gsize         len)
{
  guint64 a = item ^ G_GUINT64_CONSTANT (0x9E3779B97F4A7C15);
  guint64 b = len;
  gsize i = 0;

  for (; i + 8 <= len; i += 8)
    {
      guint64 w;
      memcpy (&w, payload + i, 8);
      a += w;
      b += a;
    }
  for (; i < len; i++)
    {
      a += payload[i];
      b += a;
    }
  b ^= b >> 29;
  b *= G_GUINT64_CONSTANT (0xBF58476D1CE4E5B9);
  return (guint32) (b ^ (b >> 32)) ^ (guint32) (a ^ (a >> 32));
}

void
shmviz_item_fill (guint64  item,
                  guint8  *payload,
                  gsize    len)
{
  guint64 x = item * G_GUINT64_CONSTANT (0x9E3779B97F4A7C15) + 1;
  gsize i = 0;

  for (; i + 8 <= len; i += 8)
    {
      x ^= x << 13;
      x ^= x >> 7;
      x ^= x << 17;
      memcpy (payload + i, &x, 8);
    }
  for (; i < len; i++)
    payload[i] = (guint8) (x >> (8 * (i & 7)));
}

static gboolean
creator_alive (pid_t   pid,
               guint64 start_time)
{
  if (pid <= 0)
    return FALSE;
  if (kill (pid, 0) != 0 && errno == ESRCH)
    return FALSE;
  /* The pid may have been reused by another process since. */
  if (start_time != 0 && process_start_time (pid) != start_time)
    return FALSE;
  return TRUE;
}

guint
shmviz_region_sweep_stale (const char *dir_path)
{
  g_autoptr(GDir) dir = NULL;
  const char *entry;
  guint removed = 0;

  if (!dir_path)
    dir_path = "/dev/shm";
  if (!(dir = g_dir_open (dir_path, 0, NULL)))
    return 0;

  while ((entry = g_dir_read_name (dir)))
    {
      g_autofree char *path = NULL;
      ShmvizRegionHeader header;
      struct stat st;
      gboolean header_ok = FALSE;
      gboolean alive;
      pid_t name_pid;
      ssize_t n;
      int fd;

      if (!g_str_has_prefix (entry, SHMVIZ_REGION_NAME_PREFIX + 1))
        continue;

      path = g_build_filename (dir_path, entry, NULL);
      fd = open (path, O_RDONLY | O_NOFOLLOW | O_CLOEXEC | O_NONBLOCK);
      if (fd < 0)
        continue;
      if (fstat (fd, &st) != 0 || !S_ISREG (st.st_mode) || st.st_uid != geteuid ())
        {
          close (fd);
          continue;
        }
      n = pread (fd, &header, sizeof header, 0);
      close (fd);

      header_ok = n == (ssize_t) sizeof header &&
                  header.magic == SHMVIZ_REGION_MAGIC &&
                  header.layout_version == SHMVIZ_LAYOUT_VERSION;
      name_pid = (pid_t) g_ascii_strtoll (entry + strlen (SHMVIZ_REGION_NAME_PREFIX) - 1, NULL, 10);

      if (header_ok)
        alive = creator_alive (header.creator_pid, header.creator_start_time);
      else
        /* Unreadable: maybe a creator initializing it this instant, so
         * only old debris of a dead creator goes. */
        alive = creator_alive (name_pid, 0) ||
                (g_get_real_time () / G_USEC_PER_SEC - st.st_mtime) < STALE_INVALID_AGE_S;

      if (!alive && unlink (path) == 0)
        removed++;
    }

  return removed;
}

void
shmviz_region_init_robust_mutex (ShmvizRegion *self)
{
  ShmvizRegionHeader *h = shmviz_region_header (self);
  pthread_mutexattr_t attr;

  pthread_mutexattr_init (&attr);
  pthread_mutexattr_setpshared (&attr, PTHREAD_PROCESS_SHARED);
  pthread_mutexattr_setrobust (&attr, PTHREAD_MUTEX_ROBUST);
  pthread_mutex_init (&h->robust_mutex, &attr);
  pthread_mutexattr_destroy (&attr);
}
