/* write.c: the write transaction, rollback, and the list of backup sets.
 *
 * Order, so that a refusal never leaves anything behind: lock; check each
 * file (regular, one link, unchanged since read) and probe its directory
 * with a temp file carrying its owner, mode and every extended attribute;
 * staged pre-flight; check again and make the backup set (fsynced); write
 * file by file (temp + fsync + rename + fsync of the directory, signals
 * held off around each); verify; configtest; on any failure restore what
 * was written from the set and verify it byte for byte.
 *
 * Files are not saved through aug_save: see write-file.c. */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <linux/fs.h>
#include <sys/file.h>
#include <sys/ioctl.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "write-int.h"

#define WR_LOCK_PATH	"/run/lock/vhostfix.lock"
#define WR_LOCK_WAIT	5
#define WR_PAUSE_ENV	"VHOSTFIX_TEST_PAUSE_BETWEEN_FILES"

/* SIGINT, SIGTERM and SIGHUP (a dropped SSH session) during the write
 * phase only set this; the phase notices between files and restores. */
static volatile sig_atomic_t wr_caught;
static const int wr_signals[] = { SIGINT, SIGTERM, SIGHUP };
#define WR_NSIGNALS	(sizeof wr_signals / sizeof wr_signals[0])

struct wr_sigs {
	struct sigaction	old[WR_NSIGNALS];
	sigset_t		oldmask;
	sigset_t		set;
};

/* One transaction over n files. */
struct wr_tx {
	const struct wr_opts	*o;
	const struct wr_file	*f;
	size_t			 n;
	char			**abs;		/* absolute */
	char			**name;		/* for messages */
	struct stat		*st;		/* as checked */
	struct wr_xattrs	*xa;
	int			*written;	/* needs restoring */
	struct wr_manifest	*set;
	struct wr_result	*res;
};

static void
wr_on_signal(int sig)
{
	if (wr_caught == 0)
		wr_caught = sig;
}

static void
wr_sig_catch(struct wr_sigs *s)
{
	struct sigaction	sa;
	size_t			i;

	sigemptyset(&s->set);
	for (i = 0; i < WR_NSIGNALS; i++)
		sigaddset(&s->set, wr_signals[i]);
	sigprocmask(SIG_BLOCK, &s->set, &s->oldmask);
	memset(&sa, 0, sizeof sa);
	sa.sa_handler = wr_on_signal;
	sigemptyset(&sa.sa_mask);
	sa.sa_flags = SA_RESTART;
	wr_caught = 0;
	for (i = 0; i < WR_NSIGNALS; i++)
		sigaction(wr_signals[i], &sa, &s->old[i]);
}

static void
wr_sig_block(struct wr_sigs *s)
{
	sigprocmask(SIG_BLOCK, &s->set, NULL);
}

/* A signal that arrived while blocked is delivered (and noted) here. */
static void
wr_sig_unblock(struct wr_sigs *s)
{
	sigprocmask(SIG_UNBLOCK, &s->set, NULL);
}

static void
wr_sig_restore(struct wr_sigs *s)
{
	size_t	i;

	sigprocmask(SIG_BLOCK, &s->set, NULL);
	for (i = 0; i < WR_NSIGNALS; i++)
		sigaction(wr_signals[i], &s->old[i], NULL);
	sigprocmask(SIG_SETMASK, &s->oldmask, NULL);
}

static void
wr_note(struct wr_result *res, char *msg)
{
	vec_push(&res->notes, msg);
}

static int
wr_is_root(const char *root)
{
	return root[strspn(root, "/")] == '\0';
}

/* Compare roots ignoring trailing slashes. */
static int
wr_same_root(const char *a, const char *b)
{
	size_t	la = strlen(a), lb = strlen(b);

	while (la > 1 && a[la - 1] == '/')
		la--;
	while (lb > 1 && b[lb - 1] == '/')
		lb--;
	return la == lb && strncmp(a, b, la) == 0;
}

static int
wr_lock(const struct wr_opts *o, int *fdp, char **err)
{
	struct timespec	 now, end, nap = { 0, 100 * 1000 * 1000 };
	char		*path, *dir, pid[32];
	ssize_t		 r;
	int		 fd, wait;

	dir = wr_join(o->root, "/run/lock");
	if (wr_mkdirs(dir, 0755, err) < 0) {
		free(dir);
		return -1;
	}
	free(dir);
	path = wr_join(o->root, WR_LOCK_PATH);
	fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC | O_NOFOLLOW, 0644);
	if (fd < 0) {
		*err = xasprintf("%s: %s", path, strerror(errno));
		free(path);
		return -1;
	}
	free(path);
	wait = o->lock_wait < 0 ? WR_LOCK_WAIT : o->lock_wait;
	clock_gettime(CLOCK_MONOTONIC, &end);
	end.tv_sec += wait;
	while (flock(fd, LOCK_EX | LOCK_NB) < 0) {
		clock_gettime(CLOCK_MONOTONIC, &now);
		if ((errno != EWOULDBLOCK && errno != EINTR) ||
		    now.tv_sec > end.tv_sec || (now.tv_sec == end.tv_sec &&
		    now.tv_nsec >= end.tv_nsec)) {
			if (errno != EWOULDBLOCK && errno != EINTR) {
				*err = xasprintf("%s: cannot lock: %s",
				    WR_LOCK_PATH, strerror(errno));
				close(fd);
				return -1;
			}
			r = pread(fd, pid, sizeof pid - 1, 0);
			pid[r > 0 ? r : 0] = '\0';
			pid[strcspn(pid, "\n")] = '\0';
			*err = xasprintf("another vhostfix (pid %s) is writing"
			    " under %s", *pid != '\0' ? pid : "unknown",
			    o->root);
			close(fd);
			return -1;
		}
		nanosleep(&nap, NULL);
	}
	snprintf(pid, sizeof pid, "%ld\n", (long)getpid());
	if (ftruncate(fd, 0) < 0 ||
	    pwrite(fd, pid, strlen(pid), 0) != (ssize_t)strlen(pid)) {
		/* The lock holds; only the message for others suffers. */
	}
	*fdp = fd;
	return 0;
}

static void
wr_unlock(int fd)
{
	if (fd < 0)
		return;
	if (ftruncate(fd, 0) < 0) {
		/* a stale pid in an unlocked file misleads nobody */
	}
	close(fd);
}

/* Is path's content exactly text?  Byte for byte (which is stronger than
 * comparing hashes).  0 yes, -1 no with *err set. */
static int
wr_verify(const char *path, const char *text, size_t len, char **err)
{
	char	*cur;
	size_t	 cl;
	int	 same;

	if (util_read_file(path, SIZE_MAX, &cur, &cl) < 0) {
		*err = xasprintf("%s: cannot read it back: %s", path,
		    strerror(errno));
		return -1;
	}
	same = cl == len && memcmp(cur, text, len) == 0;
	free(cur);
	if (!same) {
		*err = xasprintf("%s: read back, it differs from what was"
		    " written", path);
		return -1;
	}
	return 0;
}

/* chattr +i or +a: rename over the file would fail with EPERM midway. */
static int
wr_immutable(const char *path)
{
	int	fd, flags = 0, rc;

	fd = open(path, O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC);
	if (fd < 0)
		return 0;
	rc = ioctl(fd, FS_IOC_GETFLAGS, &flags);
	close(fd);
	return rc == 0 && (flags & (FS_IMMUTABLE_FL | FS_APPEND_FL)) != 0;
}

/* Regular, one link, not immutable, and as it was read (size, mtime,
 * sha256). */
static int
wr_check_file(struct wr_tx *t, size_t i, char **err)
{
	const struct wr_file	*f = &t->f[i];
	struct stat		 st;
	char			 h1[SHA256_HEXLEN + 1];
	char			 h2[SHA256_HEXLEN + 1];
	char			*cur;
	size_t			 len;

	if (lstat(t->abs[i], &st) < 0) {
		*err = xasprintf("%s: %s", t->name[i], strerror(errno));
		return -1;
	}
	if (!S_ISREG(st.st_mode)) {
		*err = xasprintf("%s is not a regular file", t->name[i]);
		return -1;
	}
	if (wr_immutable(t->abs[i])) {
		*err = xasprintf("%s is immutable or append-only (chattr +i or"
		    " +a): it cannot be replaced; lift that first", t->name[i]);
		return -1;
	}
	if (st.st_nlink > 1) {
		*err = xasprintf("%s has %lu hard links: writing it would give"
		    " it a new inode and leave the other names with the old"
		    " text, so it is refused; make the other names symlinks,"
		    " then run again", t->name[i], (unsigned long)st.st_nlink);
		return -1;
	}
	if (st.st_size != f->old_st.st_size ||
	    st.st_mtim.tv_sec != f->old_st.st_mtim.tv_sec ||
	    st.st_mtim.tv_nsec != f->old_st.st_mtim.tv_nsec)
		goto changed;
	if (util_read_file(t->abs[i], SIZE_MAX, &cur, &len) < 0) {
		*err = xasprintf("%s: %s", t->name[i], strerror(errno));
		return -1;
	}
	sha256_hex(cur, len, h1);
	sha256_hex(f->old_text, f->old_len, h2);
	free(cur);
	if (strcmp(h1, h2) != 0)
		goto changed;
	t->st[i] = st;
	return 0;
changed:
	*err = xasprintf("%s changed since it was read; nothing written, run"
	    " again", t->name[i]);
	return -1;
}

/* The same inode, size and mtime as when checked. */
static int
wr_still_same(struct wr_tx *t, size_t i, char **err)
{
	struct stat	st;

	if (lstat(t->abs[i], &st) < 0) {
		*err = xasprintf("%s: %s", t->name[i], strerror(errno));
		return -1;
	}
	if (st.st_ino == t->st[i].st_ino &&
	    st.st_dev == t->st[i].st_dev && st.st_size == t->st[i].st_size &&
	    st.st_mtim.tv_sec == t->st[i].st_mtim.tv_sec &&
	    st.st_mtim.tv_nsec == t->st[i].st_mtim.tv_nsec)
		return 0;
	*err = xasprintf("%s changed since it was read", t->name[i]);
	return -1;
}

/* Put every written file back as it was, from the backup set, with its
 * owner, mode, xattrs and timestamps; verify byte for byte.  Returns 0,
 * or -1 with *err naming the first failure
 * (the others are still tried). */
static int
wr_restore(struct wr_tx *t, char **err)
{
	const struct wr_mfile	*mf;
	char			 h[SHA256_HEXLEN + 1];
	char			*cp, *copy, *e = NULL;
	const char		*text;
	size_t			 i, len;
	int			 rc = 0;

	for (i = 0; i < t->n; i++) {
		if (!t->written[i])
			continue;
		mf = t->set->files.v[i];
		cp = backup_copy_path(t->set, mf->real);
		copy = NULL;
		text = t->f[i].old_text;
		len = t->f[i].old_len;
		/* The copy on disk is what the set promises; the text in
		 * memory has the same hash and stands in if it is damaged. */
		if (util_read_file(cp, SIZE_MAX, &copy, &len) == 0) {
			sha256_hex(copy, len, h);
			if (strcmp(h, mf->before) == 0)
				text = copy;
			else
				len = t->f[i].old_len;
		}
		free(cp);
		/* The old timestamps too: the file is then as it was read,
		 * and the caller may try again with what it read. */
		if (wr_put(t->abs[i], text, len, &t->st[i], &t->xa[i],
		    WR_PUT_TIMES, &e) == -1 ||
		    wr_verify(t->abs[i], text, len, &e) < 0) {
			if (rc == 0)
				*err = e;
			else
				free(e);
			e = NULL;
			rc = -1;
		} else
			t->written[i] = 0;
		free(copy);
	}
	return rc;
}

static char *
wr_first_line(const char *s)
{
	while (*s == '\n')
		s++;
	return xstrndup(s, strcspn(s, "\n"));
}

static char *
wr_find_first(const char *const *names)
{
	char	*bin;

	for (; *names != NULL; names++) {
		if ((bin = wr_find_bin(*names)) != NULL)
			return bin;
	}
	return NULL;
}

/* Run the configtest.  0 passed, 1 failed (*out has the output), 2
 * skipped (a note says why). */
static int
wr_configtest(const struct wr_opts *o, struct wr_result *res,
    struct buf *out, char **cmd)
{
	static const char *const ctl[] = { "apache2ctl", "apachectl",
	    "httpd", NULL };
	char	*bin, *err = NULL;
	int	 r;

	if (o->no_configtest) {
		wr_note(res, xstrdup("configtest skipped, as asked"));
		return 2;
	}
	if (o->configtest != NULL) {
		*cmd = xstrdup(o->configtest);
		r = wr_run_line(o->configtest, o->root, out, &err);
	} else if (wr_is_root(o->root)) {
		bin = wr_find_first(ctl);
		if (bin == NULL) {
			wr_note(res, xstrdup("configtest skipped: none of"
			    " apache2ctl, apachectl, httpd found"));
			return 2;
		}
		char	*argv[] = { bin, "-t", NULL };

		*cmd = xasprintf("%s -t", bin);
		r = wr_run(argv, o->root, out, &err);
		free(bin);
	} else {
		wr_note(res, xasprintf("configtest skipped: %s is not the"
		    " live root and no configtest command was given",
		    o->root));
		return 2;
	}
	res->test_cmd = xstrdup(*cmd);
	res->test_exit = r;
	if (r < 0) {
		buf_adds(out, err);
		free(err);
		return 1;
	}
	if (r != 0) {
		if (out->len == 0)
			buf_printf(out, "%s exited %d\n", *cmd, r);
		return 1;
	}
	wr_note(res, xasprintf("configtest passed: %s", *cmd));
	return 0;
}

/* A failed reload leaves the files written: they passed the configtest,
 * the running server keeps its old configuration until a reload works,
 * and restoring the files would not undo whatever made it fail.  So the
 * status stays WR_OK and the error says what happened. */
static void
wr_reload(const struct wr_opts *o, struct wr_result *res)
{
	static const char *const ctl[] = { "apache2ctl", "apachectl", NULL };
	struct buf	 out = { 0 };
	char		*bin, *cmd, *err = NULL, *line;
	const char	*msg;
	int		 r;

	if (o->reload_cmd != NULL) {
		cmd = xstrdup(o->reload_cmd);
		r = wr_run_line(o->reload_cmd, o->root, &out, &err);
	} else {
		bin = wr_find_first(ctl);
		if (bin == NULL) {
			res->error = xstrdup("files written, but no reload:"
			    " neither apache2ctl nor apachectl found");
			return;
		}
		char	*argv[] = { bin, "graceful", NULL };

		cmd = xasprintf("%s graceful", bin);
		r = wr_run(argv, o->root, &out, &err);
		free(bin);
	}
	msg = r < 0 ? (err != NULL ? err : "") : out.data != NULL ?
	    out.data : "";
	res->reload_cmd = xstrdup(cmd);
	res->reload_exit = r;
	res->reload_output = xstrdup(msg);
	if (r == 0)
		wr_note(res, xasprintf("reloaded: %s", cmd));
	else {
		line = wr_first_line(msg);
		res->error = xasprintf("files written and tested, but the"
		    " reload failed (%s exited %d): %s", cmd, r, line);
		free(line);
	}
	free(err);
	free(cmd);
	buf_free(&out);
}

static int
wr_pause_ms(void)
{
	const char	*s = getenv(WR_PAUSE_ENV);

	return s != NULL ? atoi(s) : 0;
}

/* After a failure once writing began: restore, fill res.  Returns the
 * status. */
static enum wr_status
wr_undo(struct wr_tx *t, char *why)
{
	struct wr_result	*res = t->res;
	size_t			 i;
	char			*e = NULL;
	int			 any = 0;

	for (i = 0; i < t->n; i++)
		any |= t->written[i];
	if (wr_restore(t, &e) < 0) {
		res->error = xasprintf("%s; restoring failed: %s; the"
		    " originals are in %s", why, e, t->set->path);
		free(e);
		free(why);
		return res->status = WR_ROLLED_BACK;
	}
	/* Every file is as before: the set would only be a false entry
	 * for rollback. */
	backup_remove(t->set);
	free(res->backup_id);
	free(res->backup_path);
	res->backup_id = res->backup_path = NULL;
	res->error = why;
	return res->status = any ? WR_ROLLED_BACK : WR_REFUSED;
}

static enum wr_status
wr_tx_run(struct wr_tx *t, const struct wr_tree *tree, const char *kind,
    const char **vhosts, size_t nvhosts)
{
	const struct wr_opts	*o = t->o;
	struct wr_result	*res = t->res;
	struct wr_sigs		 sigs;
	struct buf		 out = { 0 };
	char			*err = NULL, *base, *cmd = NULL;
	size_t			 i, j;
	int			 r, pause_ms;

	for (i = 0; i < t->n; i++) {
		t->abs[i] = wr_join(o->root, t->f[i].real);
		if (strcmp(t->f[i].path, t->f[i].real) == 0)
			t->name[i] = xstrdup(t->abs[i]);
		else
			t->name[i] = xasprintf("%s (%s)", t->f[i].path,
			    t->abs[i]);
		for (j = 0; j < i; j++) {
			if (strcmp(t->f[i].real, t->f[j].real) == 0) {
				res->error = xasprintf("%s is given twice",
				    t->name[i]);
				return res->status = WR_REFUSED;
			}
		}
	}
	for (i = 0; i < t->n; i++) {
		if (wr_check_file(t, i, &err) < 0) {
			res->error = err;
			return res->status = WR_REFUSED;
		}
	}
	for (i = 0; i < t->n; i++) {
		if (wr_xattrs_load(t->abs[i], &t->xa[i], &err) < 0 ||
		    wr_probe(t->abs[i], t->f[i].new_len, &t->st[i], &t->xa[i],
		    &err) < 0) {
			res->error = err;
			return res->status = WR_REFUSED;
		}
	}
	if (tree != NULL) {
		wr_run_set_timeout(o->test_timeout);
		r = wr_stage_check(o, tree, t->f, t->n, res);
		wr_run_set_timeout(0);
		if (r < 0)
			return res->status = WR_REFUSED;
		if (r > 0) {
			res->error = xstrdup("Apache rejected the changed"
			    " configuration in a staged copy; nothing was"
			    " written");
			return res->status = WR_ROLLED_BACK;
		}
	}

	/* The change check again, right before writing: the pre-flight
	 * may have taken a while. */
	for (i = 0; i < t->n; i++) {
		if (wr_check_file(t, i, &err) < 0) {
			res->error = err;
			return res->status = WR_REFUSED;
		}
	}
	base = backup_base(o);
	t->set = backup_create(base, kind, o->root, vhosts, nvhosts, t->f,
	    t->st, t->n, &err);
	free(base);
	if (t->set == NULL) {
		res->error = xasprintf("cannot make the backup set: %s", err);
		free(err);
		return res->status = WR_REFUSED;
	}
	res->backup_id = xstrdup(t->set->id);
	res->backup_path = xstrdup(t->set->path);

	wr_sig_catch(&sigs);
	pause_ms = wr_pause_ms();
	for (i = 0; i < t->n; i++) {
		wr_sig_block(&sigs);
		r = wr_still_same(t, i, &err);
		if (r == 0) {
			r = wr_put(t->abs[i], t->f[i].new_text,
			    t->f[i].new_len, &t->st[i], &t->xa[i], 0, &err);
			if (r != -1)
				t->written[i] = 1;
		}
		wr_sig_unblock(&sigs);
		if (r == 0)
			r = wr_verify(t->abs[i], t->f[i].new_text,
			    t->f[i].new_len, &err);
		if (r < 0)
			goto undo;
		if (pause_ms > 0 && i + 1 < t->n) {
			struct timespec ts = { pause_ms / 1000,
			    (pause_ms % 1000) * 1000000L };

			while (nanosleep(&ts, &ts) < 0 && wr_caught == 0)
				;
		}
		if (wr_caught != 0)
			goto signalled;
	}

	wr_run_set_timeout(o->test_timeout);
	r = wr_configtest(o, res, &out, &cmd);
	wr_run_set_timeout(0);
	if (wr_caught != 0)
		goto signalled;
	if (r == 1) {
		res->test_output = buf_steal(&out);
		err = xasprintf("configtest failed (%s); every file was"
		    " restored from the backup", cmd);
		goto undo;
	}
	wr_sig_restore(&sigs);
	free(cmd);
	buf_free(&out);
	if (o->reload) {
		wr_run_set_timeout(o->test_timeout);
		wr_reload(o, res);
		wr_run_set_timeout(0);
	}
	return res->status = WR_OK;

signalled:
	err = xasprintf("interrupted by signal %d: restored",
	    (int)wr_caught);
undo:
	wr_sig_block(&sigs);
	wr_undo(t, err);
	wr_sig_restore(&sigs);
	free(cmd);
	buf_free(&out);
	return res->status;
}

static void
wr_tx_init(struct wr_tx *t, const struct wr_opts *o, const struct wr_file *f,
    size_t n, struct wr_result *res)
{
	memset(t, 0, sizeof *t);
	t->o = o;
	t->f = f;
	t->n = n;
	t->res = res;
	t->abs = xcalloc(n, sizeof *t->abs);
	t->name = xcalloc(n, sizeof *t->name);
	t->st = xcalloc(n, sizeof *t->st);
	t->xa = xcalloc(n, sizeof *t->xa);
	t->written = xcalloc(n, sizeof *t->written);
}

static void
wr_tx_free(struct wr_tx *t)
{
	size_t	i;

	for (i = 0; i < t->n; i++) {
		free(t->abs[i]);
		free(t->name[i]);
		wr_xattrs_free(&t->xa[i]);
	}
	free(t->abs);
	free(t->name);
	free(t->st);
	free(t->xa);
	free(t->written);
	backup_manifest_free(t->set);
}

static int
wr_start(const struct wr_opts *o, struct wr_result *res, int *lockfd)
{
	char	*err = NULL;

	memset(res, 0, sizeof *res);
	*lockfd = -1;
	if (o->root == NULL || o->root[0] != '/') {
		res->error = xstrdup("the root must be an absolute path");
		res->status = WR_REFUSED;
		return -1;
	}
	if (o->backup_dir != NULL && o->backup_dir[0] != '/') {
		res->error = xstrdup("the backup directory must be an"
		    " absolute path");
		res->status = WR_REFUSED;
		return -1;
	}
	if (wr_lock(o, lockfd, &err) < 0) {
		res->error = err;
		res->status = WR_REFUSED;
		return -1;
	}
	return 0;
}

enum wr_status
write_apply(const struct wr_opts *o, const struct wr_tree *tree,
    const struct wr_file *f, size_t n, struct wr_result *res)
{
	struct wr_tx	t;
	int		lockfd;

	if (wr_start(o, res, &lockfd) < 0)
		return res->status;
	if (n == 0) {
		wr_note(res, xstrdup("nothing to write"));
		wr_unlock(lockfd);
		return res->status = WR_OK;
	}
	wr_tx_init(&t, o, f, n, res);
	wr_tx_run(&t, tree, "fix", o->vhosts, o->nvhosts);
	wr_tx_free(&t);
	wr_unlock(lockfd);
	return res->status;
}

void
wr_result_free(struct wr_result *res)
{
	free(res->backup_id);
	free(res->backup_path);
	free(res->error);
	free(res->test_output);
	free(res->test_cmd);
	free(res->reload_cmd);
	free(res->reload_output);
	vec_free_all(&res->notes, free);
	memset(res, 0, sizeof *res);
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
	rc = backup_list(base, &sets, err);
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

/* Load what rolling back set m means: for each of its files, the current
 * text (old) and the copy (new).  Files already as before are left out
 * with a note.  Returns the number of files, or -1 with res->error. */
static ssize_t
wr_rollback_files(const struct wr_opts *o, const struct wr_manifest *m,
    int force, struct wr_file *f, struct wr_result *res)
{
	const struct wr_mfile	*mf;
	char			 h[SHA256_HEXLEN + 1], *abs, *cp, *text;
	size_t			 i, k = 0, len;

	for (i = 0; i < m->files.n; i++) {
		mf = m->files.v[i];
		cp = backup_copy_path(m, mf->real);
		if (util_read_file(cp, SIZE_MAX, &text, &len) < 0) {
			res->error = xasprintf("%s: %s", cp, strerror(errno));
			free(cp);
			goto fail;
		}
		sha256_hex(text, len, h);
		if (strcmp(h, mf->before) != 0) {
			res->error = xasprintf("%s: the backup copy is damaged"
			    " (its sha256 is not the one recorded)", cp);
			free(text);
			free(cp);
			goto fail;
		}
		free(cp);
		f[k].new_text = text;
		f[k].new_len = len;
		abs = wr_join(o->root, mf->real);
		if (lstat(abs, &f[k].old_st) < 0 ||
		    util_read_file(abs, SIZE_MAX, &text, &len) < 0) {
			res->error = xasprintf("%s: %s", abs, strerror(errno));
			free(abs);
			free((char *)f[k].new_text);
			goto fail;
		}
		f[k].old_text = text;
		f[k].old_len = len;
		f[k].path = mf->path;
		f[k].real = mf->real;
		sha256_hex(text, len, h);
		if (strcmp(h, mf->before) == 0) {
			wr_note(res, xasprintf("%s is already as in backup set"
			    " %s", abs, m->id));
			free(text);
			free((char *)f[k].new_text);
			free(abs);
			continue;
		}
		if (strcmp(h, mf->after) != 0 && !force) {
			res->error = xasprintf("%s changed since backup set %s"
			    " was made; not overwritten without force", abs,
			    m->id);
			free(text);
			free((char *)f[k].new_text);
			free(abs);
			goto fail;
		}
		free(abs);
		k++;
	}
	if (k == 0)
		wr_note(res, xasprintf("nothing to roll back: every file of"
		    " backup set %s is as before it", m->id));
	return (ssize_t)k;
fail:
	for (i = 0; i < k; i++) {
		free((char *)f[i].old_text);
		free((char *)f[i].new_text);
	}
	return -1;
}

enum wr_status
write_rollback(const struct wr_opts *o, const char *id, int force,
    struct wr_result *res)
{
	struct wr_manifest	*m = NULL;
	struct wr_file		*f;
	struct wr_tx		 t;
	struct vec		 sets = { 0 };
	char			*base, *err = NULL;
	ssize_t			 n, i;
	int			 lockfd;

	if (wr_start(o, res, &lockfd) < 0)
		return res->status;
	base = backup_base(o);
	if (backup_list(base, &sets, &err) < 0) {
		res->error = err;
		res->status = WR_REFUSED;
		goto out;
	}
	for (i = (ssize_t)sets.n - 1; i >= 0 && m == NULL; i--) {
		if (id == NULL || strcmp(((struct wr_manifest *)
		    sets.v[i])->id, id) == 0)
			m = sets.v[i];
	}
	res->status = WR_REFUSED;
	if (m == NULL) {
		res->error = id != NULL ? xasprintf("no backup set %s in %s",
		    id, base) : xasprintf("no backup set in %s", base);
		goto out;
	}
	if (!wr_same_root(m->root, o->root)) {
		res->error = xasprintf("backup set %s was made under %s, not"
		    " %s", m->id, m->root, o->root);
		goto out;
	}
	f = xcalloc(m->files.n, sizeof *f);
	n = wr_rollback_files(o, m, force, f, res);
	if (n == 0)
		res->status = WR_OK;
	else if (n > 0) {
		wr_tx_init(&t, o, f, (size_t)n, res);
		wr_tx_run(&t, NULL, "rollback", (const char **)m->vhosts.v,
		    m->vhosts.n);
		wr_tx_free(&t);
	}
	for (i = 0; i < n; i++) {
		free((char *)f[i].old_text);
		free((char *)f[i].new_text);
	}
	free(f);
out:
	vec_free_all(&sets, backup_manifest_free);
	free(base);
	wr_unlock(lockfd);
	return res->status;
}
