/* ipcbench-channel.c — the six ways the speed lab moves a message from
 * one process to another
 *
 * Everything is created by the runner before it forks, so both processes
 * inherit it and no name has to outlive the moment of creation: message
 * queues are unlinked as soon as they are open, and the rings live in the
 * run's shared object, which is unlinked as soon as it is mapped.
 *
 * The send and receive paths run only in the forked children and use
 * nothing but libc and atomics.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <glib/gi18n.h>
#include <limits.h>
#include <linux/futex.h>
#include <sched.h>
#include <semaphore.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "ipcbench-private.h"

/* Spin this long before sleeping in a shared-memory ring: a peer that is
 * awake answers within a microsecond, a sleeping one takes tens. */
#define SPIN_NS           20000
/* How many empty polls a spinning side makes before it lets another
 * process have the CPU (only matters when both share one). */
#define SPIN_YIELD_EVERY  4096

#define ROUND_UP(x, to) (((x) + (to) - 1) / (to) * (to))

typedef struct {
  BENCH_ALIGN sem_t empty;
  BENCH_ALIGN sem_t full;
  BENCH_ALIGN guint8 slots[];
} SemRing;

typedef struct {
  _Atomic guint32 epoch;
  _Atomic guint32 waiters;
} EventCount;

/* Vyukov's bounded MPMC queue: a sequence number per cell says whose turn
 * the cell is, and positions are claimed by compare-and-swap. The bench
 * uses it 1→1, but it pays the MPMC price, as the engine would. */
typedef struct {
  BENCH_ALIGN _Atomic guint64 enqueue_pos;
  BENCH_ALIGN _Atomic guint64 dequeue_pos;
  BENCH_ALIGN EventCount not_empty;
  BENCH_ALIGN EventCount not_full;
  BENCH_ALIGN guint8 cells[];      /* stride: a line for the sequence, then the message */
} LockFreeRing;

/* Single producer, single consumer, both spinning: the floor. Each side
 * caches the other's index so it touches the shared line only when it
 * must. */
typedef struct {
  BENCH_ALIGN _Atomic guint64 head;
  BENCH_ALIGN _Atomic guint64 tail;
  BENCH_ALIGN guint8 slots[];
} SpinRing;

static gboolean
is_shm_ring (ShmvizBenchMechanism mechanism)
{
  return mechanism == SHMVIZ_BENCH_SHM_SEMAPHORES ||
         mechanism == SHMVIZ_BENCH_SHM_LOCK_FREE ||
         mechanism == SHMVIZ_BENCH_SPIN_FLOOR;
}

static gsize
ring_header (ShmvizBenchMechanism mechanism)
{
  switch (mechanism)
    {
    case SHMVIZ_BENCH_SHM_SEMAPHORES: return sizeof (SemRing);
    case SHMVIZ_BENCH_SHM_LOCK_FREE:  return sizeof (LockFreeRing);
    case SHMVIZ_BENCH_SPIN_FLOOR:     return sizeof (SpinRing);
    default:                          return 0;
    }
}

static gsize
ring_stride (ShmvizBenchMechanism mechanism,
             guint                size)
{
  gsize stride = ROUND_UP ((gsize) size, BENCH_CACHE_LINE);

  return mechanism == SHMVIZ_BENCH_SHM_LOCK_FREE ? stride + BENCH_CACHE_LINE : stride;
}

gsize
bench_channel_shm_bytes (ShmvizBenchMechanism mechanism,
                         guint                size,
                         guint               *slots)
{
  guint n = 8;

  if (!is_shm_ring (mechanism))
    {
      *slots = 0;
      return 0;
    }
  /* About 256 KiB a ring, like a pipe's buffer it stays in cache; a power
   * of two so the lock-free ring can mask its positions. */
  while (n < 1024 && (gsize) n * 2 * size <= 256 * 1024)
    n *= 2;
  *slots = n;
  return 2 * ROUND_UP (ring_header (mechanism) + n * ring_stride (mechanism, size), BENCH_CACHE_LINE);
}

static void
fill_name (char  *buf,
           gsize  len)
{
  g_snprintf (buf, len, "/shmviz-%d-bench-%08x%08x", (int) getpid (),
              g_random_int (), g_random_int ());
}

static gboolean
open_mqueue (BenchChannel *channel,
             guint         size,
             gboolean     *unsupported,
             GError      **error)
{
  struct mq_attr attr = { 0 };
  struct rlimit limit;
  rlim_t needed;

  /* A small queue: the default limit of queued bytes per user (800 KiB)
   * must hold both directions even at 64 KiB. */
  attr.mq_maxmsg = CLAMP (256 * 1024 / (long) size, 2, 10);
  attr.mq_msgsize = size;
  needed = 2 * (rlim_t) attr.mq_maxmsg * (size + 64) + 4096;
  if (getrlimit (RLIMIT_MSGQUEUE, &limit) == 0 && limit.rlim_cur < needed &&
      limit.rlim_cur != RLIM_INFINITY)
    {
      /* Only this process's own soft limit, and only when it must. */
      limit.rlim_cur = MIN (needed, limit.rlim_max);
      setrlimit (RLIMIT_MSGQUEUE, &limit);
    }

  for (guint d = 0; d < 2; d++)
    {
      char name[64];
      int errsv;

      fill_name (name, sizeof name);
      channel->mq[d] = mq_open (name, O_RDWR | O_CREAT | O_EXCL | O_CLOEXEC, 0600, &attr);
      errsv = errno;
      if (channel->mq[d] == (mqd_t) -1)
        {
          if (errsv == EINVAL || errsv == EMFILE || errsv == ENOSYS || errsv == ENOMEM)
            {
              g_autofree char *max_text = NULL;
              long max = 0;

              *unsupported = TRUE;
              if (g_file_get_contents ("/proc/sys/fs/mqueue/msgsize_max", &max_text, NULL, NULL))
                max = strtol (max_text, NULL, 10);
              if (errsv == ENOSYS)
                g_set_error (error, G_IO_ERROR, G_IO_ERROR_NOT_SUPPORTED,
                             _("POSIX message queues are not available in this kernel"));
              else if (errsv == EINVAL && max > 0 && (long) size > max)
                g_set_error (error, G_IO_ERROR, G_IO_ERROR_NOT_SUPPORTED,
                             _("message queues take at most %ld bytes per message here "
                               "(/proc/sys/fs/mqueue/msgsize_max); as root: "
                               "sysctl fs.mqueue.msgsize_max=%u"), max, size);
              else
                g_set_error (error, G_IO_ERROR, G_IO_ERROR_NOT_SUPPORTED,
                             _("a message queue of %ld messages of %u bytes is over this "
                               "user's limit: %s"), attr.mq_maxmsg, size, g_strerror (errsv));
            }
          else
            g_set_error (error, G_IO_ERROR, g_io_error_from_errno (errsv),
                         _("Could not open a message queue: %s"), g_strerror (errsv));
          return FALSE;
        }
      /* Both processes inherit the descriptor; the name is not needed. */
      mq_unlink (name);
    }
  return TRUE;
}

static void
init_rings (BenchChannel *channel,
            void         *shm)
{
  gsize ring_bytes = ROUND_UP (ring_header (channel->mechanism) +
                               channel->slots * channel->stride, BENCH_CACHE_LINE);

  for (guint d = 0; d < 2; d++)
    {
      void *base = (guint8 *) shm + d * ring_bytes;

      channel->ring[d] = base;
      switch (channel->mechanism)
        {
        case SHMVIZ_BENCH_SHM_SEMAPHORES:
          {
            SemRing *r = base;
            sem_init (&r->empty, 1, channel->slots);
            sem_init (&r->full, 1, 0);
          }
          break;
        case SHMVIZ_BENCH_SHM_LOCK_FREE:
          {
            LockFreeRing *r = base;
            atomic_init (&r->enqueue_pos, 0);
            atomic_init (&r->dequeue_pos, 0);
            for (guint i = 0; i < channel->slots; i++)
              atomic_init ((_Atomic guint64 *) (r->cells + i * channel->stride), i);
          }
          break;
        case SHMVIZ_BENCH_SPIN_FLOOR:
          {
            SpinRing *r = base;
            atomic_init (&r->head, 0);
            atomic_init (&r->tail, 0);
          }
          break;
        default:
          g_assert_not_reached ();
        }
    }
}

gboolean
bench_channel_open (BenchChannel        *channel,
                    ShmvizBenchMechanism mechanism,
                    guint                size,
                    void                *shm,
                    gsize                shm_bytes,
                    guint                n_cpus,
                    gboolean            *unsupported,
                    GError             **error)
{
  memset (channel, 0, sizeof *channel);
  channel->mechanism = mechanism;
  channel->size = size;
  channel->n_cpus = n_cpus;
  channel->stride = ring_stride (mechanism, size);
  for (guint d = 0; d < 2; d++)
    {
      channel->fd[d][0] = channel->fd[d][1] = -1;
      channel->mq[d] = (mqd_t) -1;
    }
  *unsupported = FALSE;

  switch (mechanism)
    {
    case SHMVIZ_BENCH_PIPE:
      for (guint d = 0; d < 2; d++)
        if (pipe2 (channel->fd[d], O_CLOEXEC) != 0)
          {
            int errsv = errno;
            bench_channel_close (channel);
            g_set_error (error, G_IO_ERROR, g_io_error_from_errno (errsv),
                         _("Could not make a pipe: %s"), g_strerror (errsv));
            return FALSE;
          }
      return TRUE;

    case SHMVIZ_BENCH_UNIX_SOCKET:
      {
        int sv[2];

        if (socketpair (AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sv) != 0)
          {
            int errsv = errno;
            g_set_error (error, G_IO_ERROR, g_io_error_from_errno (errsv),
                         _("Could not make a socket pair: %s"), g_strerror (errsv));
            return FALSE;
          }
        /* One connected pair carries both directions. */
        channel->fd[BENCH_A_TO_B][1] = sv[0];
        channel->fd[BENCH_B_TO_A][0] = sv[0];
        channel->fd[BENCH_A_TO_B][0] = sv[1];
        channel->fd[BENCH_B_TO_A][1] = sv[1];
      }
      return TRUE;

    case SHMVIZ_BENCH_MQUEUE:
      if (!open_mqueue (channel, size, unsupported, error))
        {
          bench_channel_close (channel);
          return FALSE;
        }
      return TRUE;

    case SHMVIZ_BENCH_SHM_SEMAPHORES:
    case SHMVIZ_BENCH_SHM_LOCK_FREE:
    case SHMVIZ_BENCH_SPIN_FLOOR:
      {
        guint slots;
        gsize needed = bench_channel_shm_bytes (mechanism, size, &slots);

        g_return_val_if_fail (shm != NULL && shm_bytes >= needed, FALSE);
        channel->slots = slots;
        init_rings (channel, shm);
      }
      return TRUE;

    default:
      g_return_val_if_reached (FALSE);
    }
}

static void
close_fds_except (BenchChannel *channel,
                  int           keep1,
                  int           keep2)
{
  for (guint d = 0; d < 2; d++)
    for (guint e = 0; e < 2; e++)
      {
        int fd = channel->fd[d][e];

        if (fd < 0)
          continue;
        if (fd != keep1 && fd != keep2)
          {
            /* The socket pair lists one descriptor twice. */
            for (guint d2 = 0; d2 < 2; d2++)
              for (guint e2 = 0; e2 < 2; e2++)
                if (channel->fd[d2][e2] == fd)
                  channel->fd[d2][e2] = -1;
            close (fd);
          }
      }
}

void
bench_channel_keep_side (BenchChannel *channel,
                         BenchSide     side)
{
  /* A writes A→B and reads B→A; B the other way round. Holding on to
   * nothing else is what lets a peer's death show up as end-of-file. */
  if (side == BENCH_SIDE_A)
    close_fds_except (channel, channel->fd[BENCH_A_TO_B][1], channel->fd[BENCH_B_TO_A][0]);
  else
    close_fds_except (channel, channel->fd[BENCH_A_TO_B][0], channel->fd[BENCH_B_TO_A][1]);
}

void
bench_channel_close (BenchChannel *channel)
{
  close_fds_except (channel, -1, -1);
  for (guint d = 0; d < 2; d++)
    if (channel->mq[d] != (mqd_t) -1)
      {
        mq_close (channel->mq[d]);
        channel->mq[d] = (mqd_t) -1;
      }
  /* The rings go with the runner's mapping; the semaphores need no
   * sem_destroy because nobody waits on them once both children are gone. */
  channel->ring[0] = channel->ring[1] = NULL;
}

static gboolean
write_all (int         fd,
           const void *buf,
           gsize       len)
{
  const guint8 *p = buf;

  while (len > 0)
    {
      ssize_t n = write (fd, p, len);

      if (n < 0)
        {
          if (errno == EINTR)
            continue;
          return FALSE;
        }
      p += n;
      len -= n;
    }
  return TRUE;
}

static gboolean
read_all (int    fd,
          void  *buf,
          gsize  len)
{
  guint8 *p = buf;

  while (len > 0)
    {
      ssize_t n = read (fd, p, len);

      if (n < 0)
        {
          if (errno == EINTR)
            continue;
          return FALSE;
        }
      if (n == 0)
        return FALSE;
      p += n;
      len -= n;
    }
  return TRUE;
}

static long
futex (_Atomic guint32 *word,
       int              op,
       guint32          value)
{
  /* Not FUTEX_PRIVATE_FLAG: the word is shared between processes. */
  return syscall (SYS_futex, (guint32 *) word, op, value, NULL, NULL, 0);
}

static void
eventcount_notify (EventCount *ec)
{
  /* Pairs with the waiter's increment of waiters before it looks at the
   * ring again: either it sees our cell, or we see it waiting. */
  atomic_thread_fence (memory_order_seq_cst);
  if (atomic_load_explicit (&ec->waiters, memory_order_relaxed) != 0)
    {
      atomic_fetch_add_explicit (&ec->epoch, 1, memory_order_seq_cst);
      futex (&ec->epoch, FUTEX_WAKE, INT_MAX);
    }
}

static inline gboolean
lock_free_try_enqueue (BenchChannel *channel,
                       LockFreeRing *r,
                       const void   *message)
{
  guint64 mask = channel->slots - 1;
  guint64 pos = atomic_load_explicit (&r->enqueue_pos, memory_order_relaxed);
  guint8 *cell;

  for (;;)
    {
      gint64 dif;
      guint64 seq;

      cell = r->cells + (pos & mask) * channel->stride;
      seq = atomic_load_explicit ((_Atomic guint64 *) cell, memory_order_acquire);
      dif = (gint64) (seq - pos);
      if (dif == 0)
        {
          if (atomic_compare_exchange_weak_explicit (&r->enqueue_pos, &pos, pos + 1,
                                                     memory_order_relaxed, memory_order_relaxed))
            break;
        }
      else if (dif < 0)
        return FALSE;
      else
        pos = atomic_load_explicit (&r->enqueue_pos, memory_order_relaxed);
    }
  memcpy (cell + BENCH_CACHE_LINE, message, channel->size);
  atomic_store_explicit ((_Atomic guint64 *) cell, pos + 1, memory_order_release);
  return TRUE;
}

/* Claims the next full cell and leaves it held: the message is read in
 * place, and the cell goes back to the producers at release. */
static inline gboolean
lock_free_try_claim (BenchChannel   *channel,
                     LockFreeRing   *r,
                     BenchDirection  direction)
{
  guint64 mask = channel->slots - 1;
  guint64 pos = atomic_load_explicit (&r->dequeue_pos, memory_order_relaxed);
  guint8 *cell;

  for (;;)
    {
      gint64 dif;
      guint64 seq;

      cell = r->cells + (pos & mask) * channel->stride;
      seq = atomic_load_explicit ((_Atomic guint64 *) cell, memory_order_acquire);
      dif = (gint64) (seq - (pos + 1));
      if (dif == 0)
        {
          if (atomic_compare_exchange_weak_explicit (&r->dequeue_pos, &pos, pos + 1,
                                                     memory_order_relaxed, memory_order_relaxed))
            break;
        }
      else if (dif < 0)
        return FALSE;
      else
        pos = atomic_load_explicit (&r->dequeue_pos, memory_order_relaxed);
    }
  channel->held[direction] = cell;
  channel->held_seq[direction] = pos + mask + 1;
  return TRUE;
}

/* Spin for a moment, then sleep on the event count until the other side
 * has moved. The attempt itself is the test, so a success while
 * registered as a waiter simply deregisters. */
#define LOCK_FREE_WAIT(attempt, ec)                                              \
  G_STMT_START {                                                                 \
    guint64 spin_start = 0;                                                      \
    gboolean done = FALSE;                                                       \
    if (channel->n_cpus > 1)                                                     \
      for (guint i = 1; !(done = (attempt)); i++)                                \
        {                                                                        \
          bench_cpu_relax ();                                                    \
          if ((i & 63) == 0)                                                     \
            {                                                                    \
              guint64 now = bench_now_ns ();                                     \
              if (spin_start == 0)                                               \
                spin_start = now;                                                \
              else if (now - spin_start > SPIN_NS)                               \
                break;                                                           \
            }                                                                    \
        }                                                                        \
    while (!done)                                                                \
      {                                                                          \
        guint32 epoch = atomic_load_explicit (&(ec)->epoch, memory_order_acquire); \
        atomic_fetch_add_explicit (&(ec)->waiters, 1, memory_order_seq_cst);     \
        if (!(done = (attempt)))                                                 \
          futex (&(ec)->epoch, FUTEX_WAIT, epoch);                               \
        atomic_fetch_sub_explicit (&(ec)->waiters, 1, memory_order_relaxed);     \
      }                                                                          \
  } G_STMT_END

/* sem_wait(), after trying for a while first: a futex sleep and wake-up
 * costs tens of microseconds here, while an awake peer posts within one.
 * The budget is fixed, as in the lock-free ring. The engine's workers
 * (spin_trywait() in worker.c) shorten theirs after a spin that ended in
 * a sleep, for the sake of peers waiting for a CPU when processes
 * outnumber CPUs. A channel has two processes, and there that rule only
 * shortened the spins after every hiccup until both sides took turns to
 * sleep, each woken by the other: up to 2.4 million futex calls in a
 * 4 KiB run, at a quarter of the rate, against 7–90 thousand. */
static gboolean
sem_take (BenchChannel *channel,
          sem_t        *sem)
{
  if (sem_trywait (sem) == 0)
    return TRUE;
  if (channel->n_cpus > 1)
    {
      guint64 spin_start = bench_now_ns ();

      for (guint i = 1;; i++)
        {
          bench_cpu_relax ();
          if (sem_trywait (sem) == 0)
            return TRUE;
          if ((i & 15) == 0 && bench_now_ns () - spin_start > SPIN_NS)
            break;
        }
    }
  while (sem_wait (sem) != 0)
    if (errno != EINTR)
      return FALSE;
  return TRUE;
}

static inline void
spin_wait (guint *spins)
{
  bench_cpu_relax ();
  if (++*spins % SPIN_YIELD_EVERY == 0)
    sched_yield ();
}

gboolean
bench_channel_send (BenchChannel   *channel,
                    BenchDirection  direction,
                    const void     *message)
{
  switch (channel->mechanism)
    {
    case SHMVIZ_BENCH_PIPE:
    case SHMVIZ_BENCH_UNIX_SOCKET:
      return write_all (channel->fd[direction][1], message, channel->size);

    case SHMVIZ_BENCH_MQUEUE:
      while (mq_send (channel->mq[direction], message, channel->size, 0) != 0)
        if (errno != EINTR)
          return FALSE;
      return TRUE;

    case SHMVIZ_BENCH_SHM_SEMAPHORES:
      {
        SemRing *r = channel->ring[direction];

        if (!sem_take (channel, &r->empty))
          return FALSE;
        memcpy (r->slots + (channel->pos[direction]++ % channel->slots) * channel->stride,
                message, channel->size);
        sem_post (&r->full);
      }
      return TRUE;

    case SHMVIZ_BENCH_SHM_LOCK_FREE:
      {
        LockFreeRing *r = channel->ring[direction];

        LOCK_FREE_WAIT (lock_free_try_enqueue (channel, r, message), &r->not_full);
        eventcount_notify (&r->not_empty);
      }
      return TRUE;

    case SHMVIZ_BENCH_SPIN_FLOOR:
      {
        SpinRing *r = channel->ring[direction];
        guint64 *head = channel->pos, *tail_seen = channel->seen;
        guint spins = 0;

        while (head[direction] - tail_seen[direction] >= channel->slots)
          {
            tail_seen[direction] = atomic_load_explicit (&r->tail, memory_order_acquire);
            if (head[direction] - tail_seen[direction] >= channel->slots)
              spin_wait (&spins);
          }
        memcpy (r->slots + (head[direction] % channel->slots) * channel->stride,
                message, channel->size);
        atomic_store_explicit (&r->head, ++head[direction], memory_order_release);
      }
      return TRUE;

    default:
      return FALSE;
    }
}

const void *
bench_channel_recv (BenchChannel   *channel,
                    BenchDirection  direction,
                    void           *buffer)
{
  switch (channel->mechanism)
    {
    case SHMVIZ_BENCH_PIPE:
    case SHMVIZ_BENCH_UNIX_SOCKET:
      return read_all (channel->fd[direction][0], buffer, channel->size) ? buffer : NULL;

    case SHMVIZ_BENCH_MQUEUE:
      for (;;)
        {
          ssize_t n = mq_receive (channel->mq[direction], buffer, channel->size, NULL);

          if (n == (ssize_t) channel->size)
            return buffer;
          if (n < 0 && errno == EINTR)
            continue;
          return NULL;
        }

    case SHMVIZ_BENCH_SHM_SEMAPHORES:
      {
        SemRing *r = channel->ring[direction];

        if (!sem_take (channel, &r->full))
          return NULL;
        return r->slots + (channel->pos[direction] % channel->slots) * channel->stride;
      }

    case SHMVIZ_BENCH_SHM_LOCK_FREE:
      {
        LockFreeRing *r = channel->ring[direction];

        LOCK_FREE_WAIT (lock_free_try_claim (channel, r, direction), &r->not_empty);
        return channel->held[direction] + BENCH_CACHE_LINE;
      }

    case SHMVIZ_BENCH_SPIN_FLOOR:
      {
        SpinRing *r = channel->ring[direction];
        guint64 *tail = channel->pos, *head_seen = channel->seen;
        guint spins = 0;

        while (tail[direction] == head_seen[direction])
          {
            head_seen[direction] = atomic_load_explicit (&r->head, memory_order_acquire);
            if (tail[direction] == head_seen[direction])
              spin_wait (&spins);
          }
        return r->slots + (tail[direction] % channel->slots) * channel->stride;
      }

    default:
      return NULL;
    }
}

void
bench_channel_release (BenchChannel   *channel,
                       BenchDirection  direction)
{
  switch (channel->mechanism)
    {
    case SHMVIZ_BENCH_SHM_SEMAPHORES:
      {
        SemRing *r = channel->ring[direction];

        channel->pos[direction]++;
        sem_post (&r->empty);
      }
      break;

    case SHMVIZ_BENCH_SHM_LOCK_FREE:
      {
        LockFreeRing *r = channel->ring[direction];

        atomic_store_explicit ((_Atomic guint64 *) channel->held[direction],
                               channel->held_seq[direction], memory_order_release);
        channel->held[direction] = NULL;
        eventcount_notify (&r->not_full);
      }
      break;

    case SHMVIZ_BENCH_SPIN_FLOOR:
      {
        SpinRing *r = channel->ring[direction];

        atomic_store_explicit (&r->tail, ++channel->pos[direction], memory_order_release);
      }
      break;

    default:
      break;
    }
}
