/* textbook-producer.c — the program from the textbook, as students write
 * it: one int in /my_shm-SUFFIX, guarded by the named semaphore
 * /my_sem-SUFFIX.  It writes 100 and stays alive until killed, so that
 * `shmviz-cli inspect` has something live to look at.
 *
 * Usage: textbook-producer SUFFIX   (so parallel tests do not clash)
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
  int fd, *value;
  sem_t *sem;

  if (argc != 2 || strchr (argv[1], '/') || strlen (argv[1]) > 200)
    {
      fprintf (stderr, "usage: %s SUFFIX\n", argv[0]);
      return 2;
    }
  snprintf (shm_name, sizeof shm_name, "/my_shm-%s", argv[1]);
  snprintf (sem_name, sizeof sem_name, "/my_sem-%s", argv[1]);

  fd = shm_open (shm_name, O_CREAT | O_RDWR, 0600);
  if (fd < 0)
    {
      perror ("shm_open");
      return 1;
    }
  if (ftruncate (fd, sizeof (int)) != 0)
    {
      perror ("ftruncate");
      return 1;
    }
  value = mmap (NULL, sizeof (int), PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
  if (value == MAP_FAILED)
    {
      perror ("mmap");
      return 1;
    }
  close (fd);

  sem = sem_open (sem_name, O_CREAT, 0600, 1);
  if (sem == SEM_FAILED)
    {
      perror ("sem_open");
      return 1;
    }

  sem_wait (sem);
  *value = 100;
  sem_post (sem);

  /* The test waits for this line before it looks. */
  printf ("ready %d\n", (int) getpid ());
  fflush (stdout);

  /* Stay mapped until killed; never unlink, as a careless program would. */
  for (;;)
    pause ();
}
