/* prefetch.c: a directory's files read ahead on a second thread (see
 * prefetch.h).
 *
 * One reader per call, walking the names in order; the caller takes slot
 * i when its parse gets there: read already, it is taken; being read, the
 * caller waits for that one file; not reached yet, the caller reads it
 * itself and the reader skips it.  Only each slot's state is shared, an
 * atomic (no lock: in a sandbox every contended lock is a system call);
 * a slot's text is the reader's until its state says READ.
 * The reader opens relative to a descriptor of the directory, with
 * O_NOFOLLOW and O_NONBLOCK (a FIFO never blocks it), after an lstat
 * that says "regular file" (a device is never opened); its signals are
 * blocked, so the program's handlers run on the main thread as before. */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <sched.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "prefetch.h"
#include "util.h"

enum slot_state {
	SLOT_WAITING,
	SLOT_READING,		/* the reader has it */
	SLOT_READ,		/* text, len, st */
	SLOT_SKIPPED,		/* not read: the caller reads it */
	SLOT_TAKEN,		/* the caller's (read by it if not READ) */
};

struct slot {
	_Atomic int	 state;		/* enum slot_state */
	char		*text;
	size_t		 len;
	struct stat	 st;
};

struct prefetch {
	pthread_t	 thread;
	int		 dirfd;
	char		**names;
	struct slot	*slots;
	size_t		 n;
	size_t		 max;
	int		 started;	/* the reader runs: join it */
	_Atomic int	 stop;
};

/* Read one file whole, or nothing: 0, or -1 (the caller reads it). */
static int
read_one(const struct prefetch *p, const char *name, struct slot *s)
{
	struct stat	 lst;
	struct buf	 b = { 0 };
	char		 chunk[65536];
	ssize_t		 r;
	int		 fd;

	if (fstatat(p->dirfd, name, &lst, AT_SYMLINK_NOFOLLOW) != 0 ||
	    !S_ISREG(lst.st_mode))
		return -1;
	fd = openat(p->dirfd, name, O_RDONLY | O_CLOEXEC | O_NOCTTY |
	    O_NOFOLLOW | O_NONBLOCK);
	if (fd < 0)
		return -1;
	if (fstat(fd, &s->st) != 0 || !S_ISREG(s->st.st_mode) ||
	    s->st.st_dev != lst.st_dev || s->st.st_ino != lst.st_ino)
		goto fail;
	for (;;) {
		r = read(fd, chunk, sizeof chunk);
		if (r < 0 && errno == EINTR)
			continue;
		if (r < 0 || b.len + (size_t)r > p->max)
			goto fail;
		if (r == 0)
			break;
		buf_add(&b, chunk, (size_t)r);
		/* Short, and the size fstat() gave: the end. */
		if ((size_t)r < sizeof chunk && s->st.st_size >= 0 &&
		    b.len == (size_t)s->st.st_size)
			break;
	}
	close(fd);
	if (b.data == NULL)
		buf_add(&b, "", 0);
	s->len = b.len;
	s->text = buf_steal(&b);
	return 0;
fail:
	close(fd);
	buf_free(&b);
	return -1;
}

static void *
reader(void *arg)
{
	struct prefetch	*p = arg;
	size_t		 i;

	for (i = 0; i < p->n && !atomic_load(&p->stop); i++) {
		struct slot	*s = &p->slots[i];
		int		 expect = SLOT_WAITING;

		/* A slot the caller got to first is its own. */
		if (!atomic_compare_exchange_strong(&s->state, &expect,
		    SLOT_READING))
			continue;
		atomic_store(&s->state, read_one(p, p->names[i], s) == 0 ?
		    SLOT_READ : SLOT_SKIPPED);
	}
	return NULL;
}

struct prefetch *
prefetch_start(const char *dir, char *const *names, size_t n, size_t max)
{
	struct prefetch	*p;
	sigset_t	 all, old;
	size_t		 i;
	int		 fd, rc;

	if (n < PREFETCH_MIN)
		return NULL;
	fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC | O_NOFOLLOW);
	if (fd < 0)
		return NULL;
	p = xcalloc(1, sizeof *p);
	p->dirfd = fd;
	p->n = n;
	p->max = max;
	p->names = xcalloc(n, sizeof *p->names);
	for (i = 0; i < n; i++)
		p->names[i] = xstrdup(names[i]);
	p->slots = xcalloc(n, sizeof *p->slots);
	for (i = 0; i < n; i++)
		atomic_init(&p->slots[i].state, SLOT_WAITING);
	atomic_init(&p->stop, 0);
	/* The reader is born with every signal blocked. */
	sigfillset(&all);
	pthread_sigmask(SIG_SETMASK, &all, &old);
	rc = pthread_create(&p->thread, NULL, reader, p);
	pthread_sigmask(SIG_SETMASK, &old, NULL);
	if (rc != 0) {
		prefetch_end(p);
		return NULL;
	}
	p->started = 1;
	return p;
}

/* The same file, unchanged: an inode number is reused at once when a
 * file is replaced, its change time is not. */
static int
same_file(const struct stat *a, const struct stat *b)
{
	return a->st_dev == b->st_dev && a->st_ino == b->st_ino &&
	    a->st_size == b->st_size &&
	    a->st_mtim.tv_sec == b->st_mtim.tv_sec &&
	    a->st_mtim.tv_nsec == b->st_mtim.tv_nsec &&
	    a->st_ctim.tv_sec == b->st_ctim.tv_sec &&
	    a->st_ctim.tv_nsec == b->st_ctim.tv_nsec;
}

int
prefetch_take(struct prefetch *p, size_t i, const struct stat *st,
    char **text, size_t *len, struct stat *st_out)
{
	struct slot	*s;
	int		 state = SLOT_WAITING;

	if (i >= p->n)
		return 0;
	s = &p->slots[i];
	/* Not reached yet: the caller reads it (no waiting for a reader
	 * that is behind), the reader skips it. */
	if (atomic_compare_exchange_strong(&s->state, &state, SLOT_TAKEN))
		return 0;
	/* Being read: one file, a few system calls away. */
	while ((state = atomic_load(&s->state)) == SLOT_READING)
		sched_yield();
	atomic_store(&s->state, SLOT_TAKEN);
	if (state == SLOT_READ && same_file(&s->st, st)) {
		*text = s->text;
		*len = s->len;
		*st_out = s->st;
		s->text = NULL;
		return 1;
	}
	free(s->text);
	s->text = NULL;
	return 0;
}

void
prefetch_end(struct prefetch *p)
{
	size_t	i;

	if (p->started) {
		atomic_store(&p->stop, 1);
		pthread_join(p->thread, NULL);
	}
	for (i = 0; i < p->n; i++) {
		free(p->slots[i].text);
		free(p->names[i]);
	}
	free(p->slots);
	free(p->names);
	close(p->dirfd);
	free(p);
}
