/* write-sets.c: around the transaction: the lock, what killed runs left
 * behind, interrupted fixes (open journals), the list of backup sets. */
#include "config.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <libgen.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "write-int.h"

#define WR_LOCK_NAME	".lock"
#define WR_LOCK_WAIT	5

/* The holder's pid, digits only: the file is ours, but nothing read from
 * disk reaches a terminal unfiltered. */
static void
wr_lock_holder(int fd, char *pid, size_t size)
{
	ssize_t	r;
	size_t	n;

	r = pread(fd, pid, size - 1, 0);
	pid[r > 0 ? r : 0] = '\0';
	n = strspn(pid, "0123456789");
	if (n == 0 || (pid[n] != '\0' && pid[n] != '\n'))
		snprintf(pid, size, "unknown");
	else
		pid[n] = '\0';
}

/* The lock is a file in the backup directory, which only root (or the
 * running user) can write: unlike a world-writable /run/lock, nobody else
 * can hold it to block every fix or plant text in it. */
static int
wr_lock(const struct wr_opts *o, const char *base, int *fdp, char **err)
{
	struct timespec	 now, end, nap = { 0, 100 * 1000 * 1000 };
	struct stat	 st;
	char		*path, pid[32];
	int		 fd, wait;

	path = xasprintf("%s/%s", base, WR_LOCK_NAME);
	fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC | O_NOFOLLOW |
	    O_NONBLOCK, 0600);
	if (fd < 0 || fstat(fd, &st) < 0 || !S_ISREG(st.st_mode) ||
	    (st.st_uid != 0 && st.st_uid != geteuid())) {
		*err = xasprintf("%s: cannot use it as the lock: %s", path,
		    fd < 0 ? strerror(errno) : "not a regular file of root's");
		if (fd >= 0)
			close(fd);
		free(path);
		return -1;
	}
	wait = o->lock_wait < 0 ? WR_LOCK_WAIT : o->lock_wait;
	clock_gettime(CLOCK_MONOTONIC, &end);
	end.tv_sec += wait;
	while (flock(fd, LOCK_EX | LOCK_NB) < 0) {
		clock_gettime(CLOCK_MONOTONIC, &now);
		if (errno != EWOULDBLOCK && errno != EINTR) {
			*err = xasprintf("%s: cannot lock: %s", path,
			    strerror(errno));
			close(fd);
			free(path);
			return -1;
		}
		if (now.tv_sec > end.tv_sec || (now.tv_sec == end.tv_sec &&
		    now.tv_nsec >= end.tv_nsec)) {
			wr_lock_holder(fd, pid, sizeof pid);
			*err = xasprintf("another vhostfix (pid %s) is writing"
			    " under %s", pid, o->root);
			close(fd);
			free(path);
			return -1;
		}
		nanosleep(&nap, NULL);
	}
	free(path);
	snprintf(pid, sizeof pid, "%ld\n", (long)getpid());
	if (ftruncate(fd, 0) < 0 ||
	    pwrite(fd, pid, strlen(pid), 0) != (ssize_t)strlen(pid)) {
		/* The lock holds; only the message for others suffers. */
	}
	*fdp = fd;
	return 0;
}

void
wr_unlock(int fd)
{
	if (fd < 0)
		return;
	if (ftruncate(fd, 0) < 0) {
		/* a stale pid in an unlocked file misleads nobody */
	}
	close(fd);
}

static int
wr_blank(const char *s)
{
	return s[strspn(s, " \t\n")] == '\0';
}

int
wr_start(const struct wr_opts *o, struct wr_result *res, int *lockfd)
{
	char	*err = NULL, *base;

	memset(res, 0, sizeof *res);
	*lockfd = -1;
	res->status = WR_REFUSED;
	if (o->root == NULL || o->root[0] != '/') {
		res->error = xstrdup("the root must be an absolute path");
		return -1;
	}
	if (o->backup_dir != NULL && o->backup_dir[0] != '/') {
		res->error = xstrdup("the backup directory must be an"
		    " absolute path");
		return -1;
	}
	if (!o->no_configtest && o->configtest != NULL &&
	    wr_blank(o->configtest)) {
		res->error = xstrdup("the configtest command is empty: give"
		    " one, or --no-configtest");
		return -1;
	}
	/* apache2ctl graceful reloads this machine's Apache, whatever
	 * tree was changed. */
	if (o->reload && o->reload_cmd == NULL && !wr_is_root(o->root)) {
		res->error = xasprintf("--reload would reload this machine's"
		    " Apache, but the tree is under %s: give --reload-cmd for"
		    " the Apache that uses it", o->root);
		return -1;
	}
	if (o->reload && o->reload_cmd != NULL && wr_blank(o->reload_cmd)) {
		res->error = xstrdup("the reload command is empty");
		return -1;
	}
	base = backup_base(o);
	if (backup_prepare(base, 1, &err) != 0 ||
	    wr_lock(o, base, lockfd, &err) < 0) {
		res->error = err;
		free(base);
		return -1;
	}
	free(base);
	res->status = WR_OK;
	return 0;
}

/* ".NAME.vhostfix-XXXXXX", the temp files of write-file.c. */
static int
wr_is_temp(const char *name)
{
	const char	*p;
	size_t		 n = strlen(name);

	if (name[0] != '.' || n < 18)
		return 0;
	p = name + n - 16;
	if (strncmp(p, ".vhostfix-", 10) != 0)
		return 0;
	for (p += 10; *p != '\0'; p++) {
		if (!((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') ||
		    (*p >= '0' && *p <= '9')))
			return 0;
	}
	return 1;
}

/* Remove our temp files from dir (absolute). */
static void
wr_clean_dir(const char *dir, struct wr_result *res)
{
	struct dirent	*de;
	struct stat	 st;
	DIR		*d;
	char		*p;

	d = opendir(dir);
	if (d == NULL)
		return;
	while ((de = readdir(d)) != NULL) {
		if (!wr_is_temp(de->d_name))
			continue;
		p = xasprintf("%s/%s", dir, de->d_name);
		if (lstat(p, &st) == 0 && S_ISREG(st.st_mode) &&
		    (st.st_uid == 0 || st.st_uid == geteuid()) &&
		    unlink(p) == 0)
			wr_note(res, xasprintf("removed %s, a temporary file"
			    " left by an interrupted run", p));
		free(p);
	}
	closedir(d);
}

/* The directory of root + rel, once in dirs. */
static void
wr_add_dir(struct vec *dirs, const char *root, const char *rel)
{
	char	*p = wr_join(root, rel), *d;
	size_t	 i;

	d = xstrdup(dirname(p));
	free(p);
	for (i = 0; i < dirs->n; i++) {
		if (strcmp(dirs->v[i], d) == 0) {
			free(d);
			return;
		}
	}
	vec_push(dirs, d);
}

void
wr_clean_leftovers(const struct wr_opts *o, const struct wr_tree *tree,
    const struct wr_file *f, size_t n, struct wr_result *res)
{
	struct vec	 dirs = { 0 }, sets = { 0 }, partial = { 0 };
	struct wr_manifest *m;
	char		*base, *err = NULL;
	size_t		 i, j;

	for (i = 0; tree != NULL && i < tree->nfiles; i++)
		wr_add_dir(&dirs, o->root, tree->files[i]);
	for (i = 0; i < n; i++)
		wr_add_dir(&dirs, o->root, f[i].real);
	base = backup_base(o);
	if (backup_list(base, &sets, &partial, &err) == 0) {
		for (i = 0; i < sets.n; i++) {
			m = sets.v[i];
			for (j = 0; j < m->files.n; j++)
				wr_add_dir(&dirs, o->root, ((struct wr_mfile *)
				    m->files.v[j])->real);
		}
	}
	free(err);
	free(base);
	/* A set without a manifest was being made when its run died, so
	 * no live file was touched yet. */
	for (i = 0; i < partial.n; i++) {
		wr_rmtree(partial.v[i]);
		wr_note(res, xasprintf("removed %s, an incomplete backup set"
		    " left by an interrupted run (no file had been written)",
		    (char *)partial.v[i]));
	}
	for (i = 0; i < dirs.n; i++)
		wr_clean_dir(dirs.v[i], res);
	vec_free_all(&partial, free);
	vec_free_all(&sets, backup_manifest_free);
	vec_free_all(&dirs, free);
}

int
write_list_sets(const struct wr_opts *o, struct vec *out, char **err)
{
	struct wr_manifest	*m;
	struct wr_mfile		*mf;
	struct wr_set		*s;
	struct vec		 sets = { 0 };
	char			*base;
	size_t			 i, j;
	int			 rc;

	base = backup_base(o);
	rc = backup_list(base, &sets, NULL, err);
	free(base);
	for (i = 0; i < sets.n; i++) {
		m = sets.v[i];
		s = xcalloc(1, sizeof *s);
		s->id = xstrdup(m->id);
		s->path = xstrdup(m->path);
		s->time = xstrdup(m->time);
		s->kind = xstrdup(m->kind);
		for (j = 0; j < m->files.n; j++) {
			mf = m->files.v[j];
			vec_push(&s->files, xstrdup(mf->path));
		}
		for (j = 0; j < m->vhosts.n; j++)
			vec_push(&s->vhosts, xstrdup(m->vhosts.v[j]));
		vec_push(out, s);
	}
	vec_free_all(&sets, backup_manifest_free);
	return rc;
}

void
wr_set_free(void *p)
{
	struct wr_set	*s = p;

	if (s == NULL)
		return;
	free(s->id);
	free(s->path);
	free(s->time);
	free(s->kind);
	vec_free_all(&s->files, free);
	vec_free_all(&s->vhosts, free);
	free(s);
}

/* The open journal of m as a struct wr_open, or NULL. */
static struct wr_open *
wr_open_of(const struct wr_opts *o, const struct wr_manifest *m)
{
	const struct wr_mfile	*mf;
	struct wr_open		*w;
	char			 h[SHA256_HEXLEN + 1], *time, *phase, *p;
	char			*text;
	size_t			 i, len;

	if (!backup_journal_read(m, &time, &phase))
		return NULL;
	w = xcalloc(1, sizeof *w);
	w->id = xstrdup(m->id);
	w->time = time;
	w->phase = phase;
	w->nfiles = m->files.n;
	for (i = 0; i < m->files.n; i++) {
		mf = m->files.v[i];
		p = wr_join(o->root, mf->real);
		if (util_read_file(p, SIZE_MAX, &text, &len) < 0)
			w->nother++;
		else {
			sha256_hex(text, len, h);
			free(text);
			if (strcmp(h, mf->after) == 0)
				w->nnew++;
			else if (strcmp(h, mf->before) == 0)
				w->nold++;
			else
				w->nother++;
		}
		free(p);
	}
	return w;
}

int
write_find_open(const struct wr_opts *o, struct vec *out, char **err)
{
	struct vec	 sets = { 0 };
	struct wr_open	*w;
	char		*base;
	size_t		 i;
	int		 rc;

	base = backup_base(o);
	/* A user who may not read root's backups has no fix of its own to
	 * recover there: nothing to say, on every check. */
	if (access(base, R_OK | X_OK) < 0 && errno == EACCES) {
		free(base);
		return 0;
	}
	rc = backup_list(base, &sets, NULL, err);
	free(base);
	for (i = 0; i < sets.n; i++) {
		if ((w = wr_open_of(o, sets.v[i])) != NULL)
			vec_push(out, w);
	}
	vec_free_all(&sets, backup_manifest_free);
	return rc;
}

void
wr_open_free(void *p)
{
	struct wr_open	*w = p;

	if (w == NULL)
		return;
	free(w->id);
	free(w->time);
	free(w->phase);
	free(w);
}

void
wr_close_open(const struct wr_opts *o, const char *keep,
    struct wr_result *res)
{
	struct vec	 sets = { 0 };
	struct wr_manifest *m;
	char		*base, *err = NULL, *time, *phase;
	size_t		 i;

	base = backup_base(o);
	if (backup_list(base, &sets, NULL, &err) < 0)
		free(err);
	err = NULL;
	free(base);
	for (i = 0; i < sets.n; i++) {
		m = sets.v[i];
		if (strcmp(m->id, keep) == 0 ||
		    !backup_journal_read(m, &time, &phase))
			continue;
		free(time);
		free(phase);
		if (backup_journal_close(m, &err) == 0)
			wr_note(res, xasprintf("the interrupted fix %s is"
			    " closed: this fix finished it", m->id));
		free(err);
		err = NULL;
	}
	vec_free_all(&sets, backup_manifest_free);
}
