/* textbook-consumer.c — the other half of the textbook program: opens
 * /my_shm-SUFFIX and /my_sem-SUFFIX, reads the int under the semaphore
 * and prints it.
 *
 * Usage: textbook-consumer SUFFIX
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include <fcntl.h>
#include <semaphore.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

int
main (int    argc,
      char **argv)
{
  char shm_name[256], sem_name[256];
  struct stat st;
  int fd, *value, v;
  sem_t *sem;

  if (argc != 2 || strchr (argv[1], '/') || strlen (argv[1]) > 200)
    {
      fprintf (stderr, "usage: %s SUFFIX\n", argv[0]);
      return 2;
    }
  snprintf (shm_name, sizeof shm_name, "/my_shm-%s", argv[1]);
  snprintf (sem_name, sizeof sem_name, "/my_sem-%s", argv[1]);

  fd = shm_open (shm_name, O_RDWR, 0);
  if (fd < 0)
    {
      perror ("shm_open");
      return 1;
    }
  if (fstat (fd, &st) != 0 || st.st_size < (off_t) sizeof (int))
    {
      fprintf (stderr, "%s is too small\n", shm_name);
      return 1;
    }
  value = mmap (NULL, sizeof (int), PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
  if (value == MAP_FAILED)
    {
      perror ("mmap");
      return 1;
    }
  close (fd);

  sem = sem_open (sem_name, 0);
  if (sem == SEM_FAILED)
    {
      perror ("sem_open");
      return 1;
    }
  sem_wait (sem);
  v = *value;
  sem_post (sem);
  sem_close (sem);
  munmap (value, sizeof (int));

  printf ("%d\n", v);
  return 0;
}
