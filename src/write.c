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

#define WR_PAUSE_ENV	"VHOSTFIX_TEST_PAUSE_BETWEEN_FILES"

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

static int
wr_pause_ms(void)
{
	const char	*s = getenv(WR_PAUSE_ENV);

	return s != NULL ? atoi(s) : 0;
}


/* Where each file ends up when a transaction is undone. */
enum wr_end {
	WR_END_OLD,		/* as before */
	WR_END_NEW,		/* still the new text: restoring failed */
	WR_END_FOREIGN,		/* someone else's text, left in place */
};

/* Put file i back as it was, from the backup set, with its owner, mode,
 * xattrs and timestamps; verify byte for byte.  Only over our own new
 * text: a file that holds neither our old nor our new text was changed
 * by someone else, and their version stays (ours is kept in the set). */
static enum wr_end
wr_restore_one(struct wr_tx *t, size_t i, char **err)
{
	const struct wr_mfile	*mf = t->set->files.v[i];
	const char		*ours[] = { mf->after, NULL };
	char			 h[SHA256_HEXLEN + 1];
	char			*cp, *copy = NULL, *cur;
	const char		*text = t->f[i].old_text;
	size_t			 len = t->f[i].old_len, cl;
	int			 r;

	if (util_read_file(t->abs[i], SIZE_MAX, &cur, &cl) < 0) {
		*err = xasprintf("%s: cannot read it: %s", t->name[i],
		    strerror(errno));
		return WR_END_NEW;
	}
	sha256_hex(cur, cl, h);
	free(cur);
	if (strcmp(h, mf->before) == 0)
		return WR_END_OLD;
	if (strcmp(h, mf->after) != 0)
		goto foreign;
	/* The copy on disk is what the set promises; the text in memory has
	 * the same hash and stands in if it is damaged. */
	cp = backup_copy_path(t->set, mf->real);
	if (util_read_file(cp, SIZE_MAX, &copy, &cl) == 0) {
		sha256_hex(copy, cl, h);
		if (strcmp(h, mf->before) == 0) {
			text = copy;
			len = cl;
		}
	}
	free(cp);
	/* The old timestamps too: the file is then as it was read, and the
	 * caller may try again with what it read. */
	r = wr_put_if(t->abs[i], text, len, &t->st[i], &t->xa[i],
	    WR_PUT_TIMES, ours, err);
	if (r != -1 && r != -3)
		r = wr_verify(t->abs[i], text, len, err);
	free(copy);
	if (r == -3) {
		free(*err);
		*err = NULL;
		goto foreign;
	}
	return r < 0 ? WR_END_NEW : WR_END_OLD;
foreign:
	if (backup_keep_new(t->set, mf->real, t->f[i].new_text,
	    t->f[i].new_len, err) < 0)
		return WR_END_FOREIGN;
	return WR_END_FOREIGN;
}

/* After a failure once writing began: restore, fill res.  status is what
 * a complete restore means.  Returns the status. */
static enum wr_status
wr_undo(struct wr_tx *t, char *why, enum wr_status status)
{
	struct wr_result	*res = t->res;
	enum wr_end		*end;
	size_t			 i;
	char			*e = NULL, *first = NULL;
	int			 bad = 0, any = 0;

	end = xcalloc(t->n, sizeof *end);
	if (backup_journal_write(t->set, "restore", &e) < 0) {
		/* The journal from "write" is still there: it stays open. */
		free(e);
		e = NULL;
	}
	for (i = 0; i < t->n; i++) {
		end[i] = WR_END_OLD;
		if (!t->written[i])
			continue;
		any = 1;
		end[i] = wr_restore_one(t, i, &e);
		if (end[i] != WR_END_OLD) {
			bad = 1;
			if (first == NULL)
				first = e;
			else
				free(e);
		} else {
			t->written[i] = 0;
			free(e);
		}
		e = NULL;
	}
	if (!bad) {
		/* Every file is as before: the set would only be a false
		 * entry for rollback. */
		backup_remove(t->set);
		free(res->backup_id);
		free(res->backup_path);
		res->backup_id = res->backup_path = NULL;
		res->error = xasprintf("%s; %s", why, any ? "every file was"
		    " restored from the backup" : "nothing was written");
		free(why);
		free(end);
		return res->status = status;
	}
	/* Say exactly where each file stands; the journal stays open, so
	 * the next run reports it and rollback can finish the job. */
	for (i = 0; i < t->n; i++) {
		const struct wr_mfile *mf = t->set->files.v[i];

		switch (end[i]) {
		case WR_END_OLD:
			vec_push(&res->states, xasprintf("%s: as before",
			    t->name[i]));
			break;
		case WR_END_NEW:
			vec_push(&res->states, xasprintf("%s: NOT restored,"
			    " it still holds the new text", t->name[i]));
			break;
		case WR_END_FOREIGN:
			vec_push(&res->states, xasprintf("%s: changed by"
			    " someone else meanwhile, left as they wrote it;"
			    " the original is %s/files%s, the fix's version"
			    " %s/new%s", t->name[i], t->set->path, mf->real,
			    t->set->path, mf->real));
			break;
		}
	}
	res->error = xasprintf("%s; not everything could be restored%s%s",
	    why, first != NULL ? ": " : "", first != NULL ? first : "");
	free(first);
	free(why);
	free(end);
	return res->status = WR_INCOMPLETE;
}

enum wr_status
wr_tx_run(struct wr_tx *t, const struct wr_tree *tree, const char *kind,
    const char **vhosts, size_t nvhosts)
{
	static const char *const phase_err = "cannot write the journal";
	const struct wr_opts	*o = t->o;
	struct wr_result	*res = t->res;
	struct wr_sigs		 sigs;
	struct buf		 out = { 0 };
	enum wr_status		 st;
	char			*err = NULL, *base, *cmd = NULL, *why = NULL;
	const char		*before[2] = { NULL, NULL };
	size_t			 i, j;
	int			 r, pause_ms, changed;

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
	/* From here on a signal stops the run the orderly way: a probe's
	 * temp file is removed, commands are killed, what was written is
	 * restored. */
	wr_sig_catch(&sigs);
	for (i = 0; i < t->n; i++) {
		if (wr_xattrs_load(t->abs[i], &t->xa[i], &err) < 0 ||
		    wr_probe(t->abs[i], t->f[i].new_len, &t->st[i], &t->xa[i],
		    &err) < 0) {
			res->error = err;
			st = WR_REFUSED;
			goto out;
		}
	}
	if (tree != NULL) {
		r = wr_stage_check(o, tree, t->f, t->n, res);
		if (r != 0 && wr_stop_requested() != 0)
			goto signalled_early;
		if (r < 0) {
			st = WR_REFUSED;
			goto out;
		}
		if (r > 0) {
			res->error = xstrdup("Apache rejected the changed"
			    " configuration in a staged copy; nothing was"
			    " written");
			st = WR_ROLLED_BACK;
			goto out;
		}
	}
	if (wr_stop_requested() != 0)
		goto signalled_early;

	/* The change check again, right before writing: the pre-flight
	 * may have taken a while. */
	for (i = 0; i < t->n; i++) {
		if (wr_check_file(t, i, &err) < 0) {
			res->error = err;
			st = WR_REFUSED;
			goto out;
		}
	}
	base = backup_base(o);
	t->set = backup_create(base, kind, o->root, vhosts, nvhosts, t->f,
	    t->st, t->n, &err);
	free(base);
	if (t->set == NULL) {
		res->error = xasprintf("cannot make the backup set: %s", err);
		free(err);
		st = WR_REFUSED;
		goto out;
	}
	res->backup_id = xstrdup(t->set->id);
	res->backup_path = xstrdup(t->set->path);
	/* The intent journal, on disk before the first live rename. */
	if (backup_journal_write(t->set, "write", &err) < 0) {
		res->error = xasprintf("%s: %s", phase_err, err);
		free(err);
		backup_remove(t->set);
		free(res->backup_id);
		free(res->backup_path);
		res->backup_id = res->backup_path = NULL;
		st = WR_REFUSED;
		goto out;
	}

	pause_ms = wr_pause_ms();
	for (i = 0; i < t->n; i++) {
		wr_sig_block(&sigs);
		before[0] = ((const struct wr_mfile *)
		    t->set->files.v[i])->before;
		changed = 0;
		r = wr_still_same(t, i, &err);
		if (r < 0)
			changed = 1;
		else {
			r = wr_put_if(t->abs[i], t->f[i].new_text,
			    t->f[i].new_len, &t->st[i], &t->xa[i], 0, before,
			    &err);
			if (r == -3)
				changed = 1;
			else if (r != -1)
				t->written[i] = 1;
		}
		wr_sig_unblock(&sigs);
		if (r == 0)
			r = wr_verify(t->abs[i], t->f[i].new_text,
			    t->f[i].new_len, &err);
		if (r < 0 && changed) {
			/* Someone else's edit: nothing of ours stays, and
			 * theirs is not touched. */
			why = xasprintf("%s; nothing of this fix was kept:"
			    " check that change, then run again", err);
			free(err);
			err = why;
			why = NULL;
			st = WR_REFUSED;
			goto undo;
		}
		if (r < 0) {
			st = WR_FAILED;
			goto undo;
		}
		if (pause_ms > 0 && i + 1 < t->n) {
			struct timespec ts = { pause_ms / 1000,
			    (pause_ms % 1000) * 1000000L };

			while (nanosleep(&ts, &ts) < 0 && wr_stop_requested() == 0)
				;
		}
		if (wr_stop_requested() != 0)
			goto signalled;
	}

	if (backup_journal_write(t->set, "test", &err) < 0) {
		/* The "write" journal stays: still open, still right. */
		free(err);
		err = NULL;
	}
	r = wr_configtest(o, res, &out, &cmd, &why);
	if (wr_stop_requested() != 0 || r == 4)
		goto signalled;
	if (r == 1) {
		res->test_output = buf_steal(&out);
		err = xasprintf("configtest failed (%s)", cmd);
		st = WR_ROLLED_BACK;
		goto undo;
	}
	if (r == 3) {
		if (out.len > 0)
			res->test_output = buf_steal(&out);
		err = xasprintf("configtest could not finish: %s", why);
		st = WR_FAILED;
		goto undo;
	}
	if (backup_journal_close(t->set, &err) < 0) {
		wr_note(res, xasprintf("the fix is complete, but its journal"
		    " stays: %s", err));
		free(err);
		err = NULL;
	}
	/* A forced fix finished what an interrupted one left. */
	if (o->force && strcmp(kind, "fix") == 0)
		wr_close_open(o, t->set->id, res);
	free(cmd);
	buf_free(&out);
	if (o->reload)
		wr_reload(o, res);
	wr_sig_restore(&sigs);
	return res->status = WR_OK;

signalled_early:
	free(res->error);
	res->error = xasprintf("interrupted by signal %d: nothing was"
	    " written", wr_stop_requested());
	st = WR_INTERRUPTED;
out:
	wr_sig_restore(&sigs);
	free(why);
	return res->status = st;

signalled:
	err = xasprintf("interrupted by signal %d", wr_stop_requested());
	st = WR_INTERRUPTED;
undo:
	wr_sig_block(&sigs);
	wr_undo(t, err, st);
	wr_sig_restore(&sigs);
	free(cmd);
	free(why);
	buf_free(&out);
	return res->status;
}

void
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

void
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

/* Open journals: a fix on top of an interrupted one would bury it.
 * Returns how many are open (with o->force), or -1 with res->error. */
static int
wr_check_open(const struct wr_opts *o, struct wr_result *res)
{
	struct vec	 found = { 0 };
	struct wr_open	*w;
	char		*err = NULL;
	int		 n;

	if (write_find_open(o, &found, &err) < 0) {
		res->error = err;
		return -1;
	}
	n = (int)found.n;
	if (n == 0 || o->force) {
		if (n > 0)
			wr_note(res, xasprintf("writing on top of the"
			    " interrupted fix %s, as asked (--force)",
			    ((struct wr_open *)found.v[n - 1])->id));
		vec_free_all(&found, wr_open_free);
		return n;
	}
	w = found.v[found.n - 1];
	res->error = xasprintf("an interrupted fix is still open: backup set"
	    " %s (started %s, %s phase), %zu of %zu files hold its new text;"
	    " undo it with `rollback %s`, or finish it by running the fix"
	    " again with --force", w->id, w->time, w->phase, w->nnew,
	    w->nfiles, w->id);
	vec_free_all(&found, wr_open_free);
	return -1;
}

/* --force with nothing left to write: the interrupted fix is complete on
 * disk but was never tested.  Test it; if Apache takes it, close it. */
static enum wr_status
wr_finish_open(const struct wr_opts *o, struct wr_result *res)
{
	struct wr_sigs	 sigs;
	struct buf	 out = { 0 };
	char		*cmd = NULL, *why = NULL;
	int		 r;

	wr_sig_catch(&sigs);
	r = wr_configtest(o, res, &out, &cmd, &why);
	if (r == 0 || r == 2) {
		wr_close_open(o, "", res);
		res->status = WR_OK;
	} else {
		if (out.len > 0)
			res->test_output = buf_steal(&out);
		res->error = xasprintf("the interrupted fix is complete on"
		    " disk, but the configtest %s; it stays open: undo it"
		    " with rollback", r == 1 ? "fails" : r == 4 ?
		    "was interrupted" : why);
		res->status = r == 4 ? WR_INTERRUPTED : WR_REFUSED;
	}
	wr_sig_restore(&sigs);
	free(cmd);
	free(why);
	buf_free(&out);
	return res->status;
}

enum wr_status
write_apply(const struct wr_opts *o, const struct wr_tree *tree,
    const struct wr_file *f, size_t n, struct wr_result *res)
{
	struct wr_tx	t;
	int		lockfd, nopen;

	if (wr_start(o, res, &lockfd) < 0)
		return res->status;
	wr_clean_leftovers(o, tree, f, n, res);
	nopen = wr_check_open(o, res);
	if (nopen < 0)
		res->status = WR_REFUSED;
	else if (n == 0 && nopen > 0)
		wr_finish_open(o, res);
	else if (n == 0) {
		wr_note(res, xstrdup("nothing to write"));
		res->status = WR_OK;
	} else {
		wr_tx_init(&t, o, f, n, res);
		wr_tx_run(&t, tree, "fix", o->vhosts, o->nvhosts);
		wr_tx_free(&t);
	}
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
	vec_free_all(&res->states, free);
	memset(res, 0, sizeof *res);
}
