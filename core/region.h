/* region.h — creating, opening and validating the shared region
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <glib.h>

#include "layout.h"

G_BEGIN_DECLS

#define SHMVIZ_REGION_ERROR (shmviz_region_error_quark ())

typedef enum {
  SHMVIZ_REGION_ERROR_FAILED,
  SHMVIZ_REGION_ERROR_NO_SPACE,    /* /dev/shm full or too small */
  SHMVIZ_REGION_ERROR_EXISTS,      /* someone else holds the name */
  SHMVIZ_REGION_ERROR_PERMISSION,  /* wrong owner or mode */
  SHMVIZ_REGION_ERROR_INVALID,     /* header does not describe a region we can read */
  SHMVIZ_REGION_ERROR_CORRUPT,     /* a live value is out of range */
} ShmvizRegionError;

#define SHMVIZ_REGION_NAME_PREFIX "/shmviz-"

typedef struct _ShmvizRegion ShmvizRegion;

GQuark        shmviz_region_error_quark (void);

/* Creates a new region for @scenario under a fresh unguessable name
 * (O_CREAT|O_EXCL, 0600), reserves its pages so that no later touch can
 * SIGBUS, and initializes header, slots, semaphores and process blocks. */
ShmvizRegion *shmviz_region_create      (const ShmvizScenario *scenario,
                                         GError              **error);
/* Creates under an explicit name (tests of hostile pre-existing objects). */
ShmvizRegion *shmviz_region_create_named (const char          *name,
                                          const ShmvizScenario *scenario,
                                          GError             **error);
/* Opens an existing region read-write, as a worker does: checks owner, mode
 * and size with fstat, then validates the header. */
ShmvizRegion *shmviz_region_open        (const char           *name,
                                         GError              **error);
/* The same checks on a descriptor inherited from the supervisor, which is
 * how workers get the region: its name is gone by the time they start. */
ShmvizRegion *shmviz_region_open_fd     (int                   fd,
                                         GError              **error);
/* The creator's descriptor of the object, -1 for opened or wrapped ones. */
int           shmviz_region_get_fd      (ShmvizRegion         *region);
/* Validates @len bytes at @base as a region without opening anything;
 * the fuzz target and the tests use this. Returns a region that borrows @base. */
ShmvizRegion *shmviz_region_wrap        (void                 *base,
                                         gsize                 len,
                                         GError              **error);
void          shmviz_region_free        (ShmvizRegion         *region);
/* Removes the name; mappings stay valid. Idempotent. */
void          shmviz_region_unlink      (ShmvizRegion         *region);

const char   *shmviz_region_get_name    (ShmvizRegion         *region);
gsize         shmviz_region_get_size    (ShmvizRegion         *region);
ShmvizRegionHeader *shmviz_region_header (ShmvizRegion        *region);
/* Bound-checked accessors: indices are taken modulo nothing, a bad index
 * returns NULL and callers report corruption. */
ShmvizSlotHeader *shmviz_region_slot    (ShmvizRegion         *region,
                                         guint                 index);
guint8           *shmviz_region_slot_payload (ShmvizRegion    *region,
                                              guint            index);
ShmvizProcBlock  *shmviz_region_proc    (ShmvizRegion         *region,
                                         guint                 index);
/* The lock-free mode's counters, and the sequence number of slot @index
 * (NULL if out of range). */
ShmvizLockFreeHeader *shmviz_region_lockfree (ShmvizRegion    *region);
ShmvizSlotSeq    *shmviz_region_slot_seq (ShmvizRegion        *region,
                                          guint                index);

guint         shmviz_region_n_slots     (ShmvizRegion         *region);
guint         shmviz_region_n_procs     (ShmvizRegion         *region);
guint         shmviz_region_item_size   (ShmvizRegion         *region);
guint         shmviz_region_ring_capacity (ShmvizRegion       *region);
/* What the workers' event stamps count (validated). */
ShmvizClock   shmviz_region_clock       (ShmvizRegion         *region);

/* (Re)initializes the robust-mutex mode's mutex; only while no process
 * can be locking it (creation, or every worker parked). */
void          shmviz_region_init_robust_mutex (ShmvizRegion *region);

/* Size a region for @scenario would need; 0 if the scenario is out of range. */
gsize         shmviz_region_size_for    (const ShmvizScenario *scenario,
                                         guint                *ring_capacity);

/* Checksum of an item as stored in a slot. */
guint32       shmviz_item_checksum      (guint64               item,
                                         const guint8         *payload,
                                         gsize                 len);
/* Deterministic payload for @item, so a reader can tell a torn copy. */
void          shmviz_item_fill          (guint64               item,
                                         guint8               *payload,
                                         gsize                 len);

/* Removes this user's /dev/shm/shmviz-* objects whose creator is dead.
 * Returns how many were removed. Never touches another user's objects or a
 * region whose creator still runs. */
guint         shmviz_region_sweep_stale (const char           *dir);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (ShmvizRegion, shmviz_region_free)

G_END_DECLS
