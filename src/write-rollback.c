/* write-rollback.c: undo a backup set (rollback), with the same
 * transaction as a fix; its paths confined to the root. */
#include "config.h"

#include <errno.h>
#include <libgen.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "write-int.h"

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

/* abs (root + a manifest's path) must resolve, up to its directory,
 * inside the root: a manifest is not allowed to send rollback elsewhere
 * through a symlinked directory. */
static int
wr_confined(const char *root, const char *abs, char **err)
{
	char	*d = xstrdup(abs), rd[PATH_MAX], rr[PATH_MAX];
	int	 ok;

	ok = realpath(root, rr) != NULL && realpath(dirname(d), rd) != NULL &&
	    wr_under(rd, rr);
	if (!ok)
		*err = xasprintf("%s: outside the root %s once resolved:"
		    " refused", abs, root);
	free(d);
	return ok;
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
		if (!wr_confined(o->root, abs, &res->error)) {
			free(abs);
			free((char *)f[k].new_text);
			goto fail;
		}
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
	char			*base, *err = NULL, *time, *phase;
	ssize_t			 n = 0, i;
	int			 lockfd, redo;

	if (wr_start(o, res, &lockfd) < 0)
		return res->status;
	wr_clean_leftovers(o, NULL, NULL, 0, res);
	base = backup_base(o);
	if (backup_list(base, &sets, NULL, &err) < 0) {
		res->error = err;
		res->status = WR_REFUSED;
		goto out;
	}
	/* Without an id: the newest interrupted fix, else the newest set. */
	for (i = (ssize_t)sets.n - 1; id == NULL && !o->redo && i >= 0 &&
	    m == NULL;
	    i--) {
		if (backup_journal_read(sets.v[i], &time, &phase)) {
			m = sets.v[i];
			free(time);
			free(phase);
		}
	}
	for (i = (ssize_t)sets.n - 1; i >= 0 && m == NULL; i--) {
		if (id == NULL || strcmp(((struct wr_manifest *)
		    sets.v[i])->id, id) == 0)
			m = sets.v[i];
	}
	res->status = WR_REFUSED;
	if (m == NULL && id != NULL) {
		/* Not listed: say why (a damaged manifest hides only its own
		 * set from the list). */
		char	*dir = xasprintf("%s/%s", base, id);

		if (lstat(dir, &(struct stat){ 0 }) < 0)
			res->error = xasprintf("no backup set %s in %s", id,
			    base);
		else if ((m = backup_load(base, id, &err)) != NULL)
			vec_push(&sets, m);
		else
			res->error = xasprintf("backup set %s: %s", id, err);
		free(dir);
		free(err);
		err = NULL;
	}
	if (m == NULL) {
		if (res->error == NULL)
			res->error = xasprintf("no backup set in %s", base);
		goto out;
	}
	if (!wr_same_root(m->root, o->root)) {
		res->error = xasprintf("backup set %s was made under %s, not"
		    " %s", m->id, m->root, o->root);
		goto out;
	}
	/* Undoing a rollback puts the fix back: only on request, --redo or
	 * the set named (as the rollback's "undo with" line names it). */
	redo = strcmp(m->kind, "rollback") == 0;
	if (redo && !o->redo && id == NULL) {
		res->error = xasprintf("backup set %s already undid a fix:"
		    " rolling it back would redo the fix; refused without"
		    " --redo", m->id);
		goto out;
	}
	if (strcmp(m->kind, "rollback") != 0 && o->redo) {
		res->error = xasprintf("nothing to redo: backup set %s is a"
		    " %s, not a rollback", m->id, m->kind);
		goto out;
	}
	f = xcalloc(m->files.n, sizeof *f);
	n = wr_rollback_files(o, m, force, f, res);
	if (n == 0)
		res->status = WR_OK;
	else if (n > 0) {
		wr_tx_init(&t, o, f, (size_t)n, res);
		wr_tx_run(&t, NULL, redo ? "redo" : "rollback",
		    (const char **)m->vhosts.v,
		    m->vhosts.n);
		wr_tx_free(&t);
	}
	/* An interrupted fix that is undone is no longer open. */
	if (res->status == WR_OK &&
	    backup_journal_read(m, &time, &phase)) {
		free(time);
		free(phase);
		if (backup_journal_close(m, &err) == 0)
			wr_note(res, xasprintf("the interrupted fix %s is"
			    " undone and closed", m->id));
		else {
			wr_note(res, xasprintf("restored, but the journal"
			    " stays: %s", err));
			free(err);
		}
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
