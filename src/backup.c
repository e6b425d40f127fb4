/* backup.c: backup sets.
 *
 * A set is a directory <base>/<UTC time>-<6 hex>/ (mode 0700; the name is
 * the id) holding a copy of each original under files/<real path>, with
 * its mode, owner, group and timestamps, and a manifest.  The manifest is
 * written last: a directory without one is an interrupted set, ignored.
 *
 * Manifest format (version 1), one record per line, fields separated by
 * tabs; in fields, '%', control characters and DEL are written %XX; lines
 * starting with '#' are comments:
 *
 *	format	1
 *	kind	fix | rollback | redo
 *	time	2024-05-01T12:00:00Z	UTC, when the set was made
 *	stamp	1714564800.123456789	the same, to order sets
 *	root	/				what the paths are under
 *	vhost	NAME				one per vhost fixed
 *	file	PATH	REAL	SHA256-BEFORE	SHA256-AFTER
 *
 * PATH is the file as Apache includes it, REAL the file behind symlinks
 * (both root-relative, absolute, without "." or ".." components: a
 * manifest that names anything else is refused); BEFORE is the copy's
 * hash, AFTER the hash of what was written over it.
 *
 * Trust: rollback runs as root and writes where a manifest says, so the
 * backup directory, its parent and every set must be real directories
 * (not symlinks) owned by root or the running user and not writable by
 * group or others (a sticky parent such as /tmp excepted); the manifest
 * too.  Otherwise nothing in it is used.  The lock lives in the backup
 * directory (".lock"), where nobody else can plant or hold it.
 *
 * The intent journal ("journal" in the set) is written and fsynced before
 * the first live file is replaced and removed once the fix is tested (or
 * undone).  A set that still has one is an interrupted fix: the manifest's
 * hashes tell, file by file, whether it holds the old or the new text.
 *
 *	# comment lines
 *	journal	1
 *	pid	1234
 *	time	2024-05-01T12:00:00Z	UTC, when writing began
 *	phase	write | test | restore
 *
 * When a file cannot be restored because someone else changed it
 * meanwhile, their version stays in place and ours is kept in the set
 * under new/<real path>. */
#include "config.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <libgen.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "write-int.h"

#define MANIFEST_MAX	(16 * 1024 * 1024)
#define JOURNAL_MAX	(64 * 1024)

static int	trusted(const char *, mode_t, int, const char *, char **);
static int	path_clean(const char *);

static const char manifest_head[] =
    "# vhostfix backup set.  Records: keyword TAB fields (tab-separated,\n"
    "# '%', control characters and DEL written %XX).  file: path as\n"
    "# included, real path, sha256 before, sha256 after.  The copies are\n"
    "# under files/<real path>.\n";

void
backup_manifest_free(void *p)
{
	struct wr_manifest	*m = p;
	struct wr_mfile		*mf;
	size_t			 i;

	if (m == NULL)
		return;
	for (i = 0; i < m->files.n; i++) {
		mf = m->files.v[i];
		free(mf->path);
		free(mf->real);
		free(mf);
	}
	vec_free(&m->files);
	vec_free_all(&m->vhosts, free);
	free(m->id);
	free(m->path);
	free(m->kind);
	free(m->time);
	free(m->stamp);
	free(m->root);
	free(m);
}

char *
backup_base(const struct wr_opts *o)
{
	if (o->backup_dir != NULL)
		return xstrdup(o->backup_dir);
	return wr_join(o->root, "/var/backups/vhostfix");
}

char *
backup_copy_path(const struct wr_manifest *m, const char *real)
{
	return xasprintf("%s/files%s%s", m->path, real[0] == '/' ? "" : "/",
	    real);
}

void
backup_remove(const struct wr_manifest *m)
{
	wr_rmtree(m->path);
}

static void
field_add(struct buf *b, const char *s)
{
	unsigned char	c;

	buf_addc(b, '\t');
	for (; *s != '\0'; s++) {
		c = (unsigned char)*s;
		if (c < 0x20 || c == 0x7f || c == '%')
			buf_printf(b, "%%%02X", c);
		else
			buf_addc(b, (char)c);
	}
}

static char *
field_decode(const char *s, size_t n)
{
	struct buf	 b = { 0 };
	unsigned int	 c;
	char		 hex[3] = { 0 };
	size_t		 i;

	for (i = 0; i < n; i++) {
		if (s[i] == '%' && i + 2 < n) {
			hex[0] = s[i + 1];
			hex[1] = s[i + 2];
			if (sscanf(hex, "%2x", &c) == 1) {
				buf_addc(&b, (char)c);
				i += 2;
				continue;
			}
		}
		buf_addc(&b, s[i]);
	}
	return buf_steal(&b);
}

static char *
manifest_render(const struct wr_manifest *m)
{
	struct buf		 b = { 0 };
	struct wr_mfile		*mf;
	size_t			 i;

	buf_adds(&b, manifest_head);
	buf_adds(&b, "format\t1\nkind");
	field_add(&b, m->kind);
	buf_adds(&b, "\ntime");
	field_add(&b, m->time);
	buf_adds(&b, "\nstamp");
	field_add(&b, m->stamp);
	buf_adds(&b, "\nroot");
	field_add(&b, m->root);
	buf_addc(&b, '\n');
	for (i = 0; i < m->vhosts.n; i++) {
		buf_adds(&b, "vhost");
		field_add(&b, m->vhosts.v[i]);
		buf_addc(&b, '\n');
	}
	for (i = 0; i < m->files.n; i++) {
		mf = m->files.v[i];
		buf_adds(&b, "file");
		field_add(&b, mf->path);
		field_add(&b, mf->real);
		field_add(&b, mf->before);
		field_add(&b, mf->after);
		buf_addc(&b, '\n');
	}
	return buf_steal(&b);
}

static int
hex64(const char *s)
{
	size_t	i;

	for (i = 0; i < SHA256_HEXLEN; i++) {
		if (!((s[i] >= '0' && s[i] <= '9') ||
		    (s[i] >= 'a' && s[i] <= 'f')))
			return 0;
	}
	return s[i] == '\0';
}

/* Parse the manifest of the set in dir (named id).  NULL on error. */
static struct wr_manifest *
manifest_load(const char *dir, const char *id, char **err)
{
	struct wr_manifest	*m;
	struct wr_mfile		*mf;
	struct vec		 fld = { 0 };
	const char		*line, *end, *p, *q;
	char			*path, *text, **slot;
	size_t			 len;

	path = xasprintf("%s/manifest", dir);
	if (!trusted(path, S_IFREG, 0, "a backup manifest", err)) {
		free(path);
		return NULL;
	}
	if (util_read_file(path, MANIFEST_MAX, &text, &len) < 0) {
		*err = xasprintf("%s: %s", path, strerror(errno));
		free(path);
		return NULL;
	}
	m = xcalloc(1, sizeof *m);
	m->id = xstrdup(id);
	m->path = xstrdup(dir);
	for (line = text; line < text + len; line = end + 1) {
		end = memchr(line, '\n', (size_t)(text + len - line));
		if (end == NULL)
			end = text + len;
		if (line == end || *line == '#')
			continue;
		vec_free_all(&fld, free);
		for (p = line; p <= end; p = q + 1) {
			q = memchr(p, '\t', (size_t)(end - p));
			if (q == NULL)
				q = end;
			vec_push(&fld, field_decode(p, (size_t)(q - p)));
		}
		slot = NULL;
		if (strcmp(fld.v[0], "format") == 0) {
			if (fld.n != 2 || strcmp(fld.v[1], "1") != 0)
				goto bad;
		} else if (strcmp(fld.v[0], "kind") == 0)
			slot = &m->kind;
		else if (strcmp(fld.v[0], "time") == 0)
			slot = &m->time;
		else if (strcmp(fld.v[0], "stamp") == 0)
			slot = &m->stamp;
		else if (strcmp(fld.v[0], "root") == 0)
			slot = &m->root;
		else if (strcmp(fld.v[0], "vhost") == 0 && fld.n == 2) {
			vec_push(&m->vhosts, fld.v[1]);
			fld.v[1] = NULL;
			fld.n = 1;
		} else if (strcmp(fld.v[0], "file") == 0 && fld.n == 5 &&
		    hex64(fld.v[3]) && hex64(fld.v[4]) &&
		    path_clean(fld.v[1]) && path_clean(fld.v[2])) {
			mf = xcalloc(1, sizeof *mf);
			mf->path = fld.v[1];
			mf->real = fld.v[2];
			memcpy(mf->before, fld.v[3], SHA256_HEXLEN + 1);
			memcpy(mf->after, fld.v[4], SHA256_HEXLEN + 1);
			fld.v[1] = fld.v[2] = NULL;
			vec_push(&m->files, mf);
		} else
			goto bad;
		if (slot != NULL) {
			if (fld.n != 2 || *slot != NULL)
				goto bad;
			*slot = fld.v[1];
			fld.v[1] = NULL;
		}
	}
	if (m->kind == NULL || m->time == NULL || m->stamp == NULL ||
	    m->root == NULL || m->files.n == 0) {
		*err = xasprintf("%s: incomplete manifest", path);
		goto fail;
	}
	vec_free_all(&fld, free);
	free(text);
	free(path);
	return m;
bad:
	*err = xasprintf("%s: not a valid manifest line: %.*s", path,
	    (int)(end - line), line);
fail:
	vec_free_all(&fld, free);
	free(text);
	free(path);
	backup_manifest_free(m);
	return NULL;
}

/* Root or the running user. */
static int
trusted_owner(uid_t uid)
{
	return uid == 0 || uid == geteuid();
}

/* path (lstat) is of type `type` (S_IFDIR, S_IFREG), not a symlink, owned
 * by root or us, not writable by group or others unless sticky is allowed
 * and set.  what names it in the message. */
static int
trusted(const char *path, mode_t type, int sticky_ok, const char *what,
    char **err)
{
	struct stat	st;

	if (lstat(path, &st) < 0) {
		*err = xasprintf("%s: %s", path, strerror(errno));
		return 0;
	}
	if (S_ISLNK(st.st_mode)) {
		*err = xasprintf("%s (%s) is a symlink: refused, since it could"
		    " point anywhere; make it a real directory owned by root",
		    path, what);
		return 0;
	}
	if ((st.st_mode & S_IFMT) != type) {
		*err = xasprintf("%s (%s) is not a %s: refused", path, what,
		    type == S_IFDIR ? "directory" : "regular file");
		return 0;
	}
	if (!trusted_owner(st.st_uid)) {
		*err = xasprintf("%s (%s) is owned by uid %lu, not by root:"
		    " refused, since its owner could plant what rollback"
		    " writes; check it, then chown root", path, what,
		    (unsigned long)st.st_uid);
		return 0;
	}
	if ((st.st_mode & 022) != 0 &&
	    !(sticky_ok && (st.st_mode & S_ISVTX) != 0)) {
		*err = xasprintf("%s (%s) is writable by %s (mode %04o):"
		    " refused, since others could plant what rollback writes;"
		    " chmod go-w it", path, what, (st.st_mode & 02) ? "others" :
		    "its group", (unsigned)(st.st_mode & 07777));
		return 0;
	}
	return 1;
}

int
backup_prepare(const char *base, int create, char **err)
{
	char		*parent, *pd;
	struct stat	 st;
	int		 made = 0, rc = -1;

	parent = xstrdup(base);
	pd = dirname(parent);
	if (lstat(base, &st) < 0) {
		if (errno != ENOENT || !create) {
			if (errno == ENOENT) {
				free(parent);
				return 1;
			}
			*err = xasprintf("%s: %s", base, strerror(errno));
			goto out;
		}
		if (wr_mkdirs(pd, 0755, err) < 0)
			goto out;
		if (mkdir(base, 0700) < 0 && errno != EEXIST) {
			*err = xasprintf("%s: cannot create directory: %s",
			    base, strerror(errno));
			goto out;
		}
		made = 1;
	}
	if (!trusted(pd, S_IFDIR, 1, "the backup directory's parent", err) ||
	    !trusted(base, S_IFDIR, 0, "the backup directory", err))
		goto out;
	/* A new directory is only durable once its parent is synced. */
	if (made && wr_fsync_dir(pd, err) < 0)
		goto out;
	rc = 0;
out:
	free(parent);
	return rc;
}

/* Absolute, no empty, "." or ".." component, no control character. */
static int
path_clean(const char *p)
{
	const char	*c;
	size_t		 n;

	if (*p != '/')
		return 0;
	for (c = p; *c != '\0'; c++) {
		if ((unsigned char)*c < 0x20 || *c == 0x7f)
			return 0;
	}
	for (c = p + 1;; c += n + 1) {
		n = strcspn(c, "/");
		if (n == 0 || (n == 1 && c[0] == '.') ||
		    (n == 2 && c[0] == '.' && c[1] == '.'))
			return 0;
		if (c[n] == '\0')
			return 1;
	}
}

static int
stamp_cmp(const void *a, const void *b)
{
	const struct wr_manifest *x = *(void *const *)a;
	const struct wr_manifest *y = *(void *const *)b;
	long long	xs = 0, ys = 0, xn = 0, yn = 0;

	sscanf(x->stamp, "%lld.%lld", &xs, &xn);
	sscanf(y->stamp, "%lld.%lld", &ys, &yn);
	if (xs != ys)
		return xs < ys ? -1 : 1;
	if (xn != yn)
		return xn < yn ? -1 : 1;
	return strcmp(x->id, y->id);
}

int
backup_list(const char *base, struct vec *out, struct vec *partial,
    char **err)
{
	struct wr_manifest	*m;
	struct dirent		*de;
	struct stat		 st;
	DIR			*d;
	char			*dir, *mp, *e = NULL;
	int			 rc;

	rc = backup_prepare(base, 0, err);
	if (rc != 0)
		return rc > 0 ? 0 : -1;
	d = opendir(base);
	if (d == NULL) {
		*err = xasprintf("%s: %s", base, strerror(errno));
		return -1;
	}
	rc = 0;
	while (rc == 0 && (de = readdir(d)) != NULL) {
		if (de->d_name[0] == '.')
			continue;
		dir = xasprintf("%s/%s", base, de->d_name);
		mp = xasprintf("%s/manifest", dir);
		if (lstat(dir, &st) < 0 || !S_ISDIR(st.st_mode))
			;
		else if (!trusted(dir, S_IFDIR, 0, "a backup set", err))
			rc = -1;
		else if (lstat(mp, &st) < 0) {
			/* No manifest: a set interrupted while being made,
			 * before any live file was touched. */
			if (partial != NULL)
				vec_push(partial, xstrdup(dir));
		} else if ((m = manifest_load(dir, de->d_name, &e)) != NULL)
			vec_push(out, m);
		else if (!trusted(mp, S_IFREG, 0, "a backup manifest", &e)) {
			*err = e;
			e = NULL;
			rc = -1;
		} else {
			/* A damaged set must not hide the others. */
			free(e);
			e = NULL;
		}
		free(mp);
		free(dir);
	}
	closedir(d);
	if (rc < 0) {
		vec_free_all(out, backup_manifest_free);
		return -1;
	}
	if (out->n > 1)
		qsort(out->v, out->n, sizeof *out->v, stamp_cmp);
	return 0;
}

struct wr_manifest *
backup_load(const char *base, const char *id, char **err)
{
	struct wr_manifest	*m;
	char			*dir;

	if (*id == '.' || strchr(id, '/') != NULL) {
		*err = xasprintf("%s: not a backup set id", id);
		return NULL;
	}
	dir = xasprintf("%s/%s", base, id);
	if (!trusted(dir, S_IFDIR, 0, "a backup set", err)) {
		free(dir);
		return NULL;
	}
	m = manifest_load(dir, id, err);
	free(dir);
	return m;
}

/* The journal's path in set m. */
static char *
journal_path(const struct wr_manifest *m)
{
	return xasprintf("%s/journal", m->path);
}

int
backup_journal_write(const struct wr_manifest *m, const char *phase,
    char **err)
{
	struct stat	 mst;
	struct timespec	 ts;
	struct tm	 t;
	char		 tm[32], *p, *text;
	int		 rc;

	clock_gettime(CLOCK_REALTIME, &ts);
	gmtime_r(&ts.tv_sec, &t);
	strftime(tm, sizeof tm, "%Y-%m-%dT%H:%M:%SZ", &t);
	text = xasprintf("# vhostfix intent journal: this fix was being"
	    " written.  While this\n# file exists, the fix is open:"
	    " `vhostfix rollback %s` undoes it.\n"
	    "journal\t1\npid\t%ld\ntime\t%s\nphase\t%s\n", m->id,
	    (long)getpid(), tm, phase);
	memset(&mst, 0, sizeof mst);
	mst.st_uid = geteuid();
	mst.st_gid = getegid();
	mst.st_mode = 0600;
	p = journal_path(m);
	/* wr_put syncs the set's directory after the rename. */
	rc = wr_put(p, text, strlen(text), &mst, NULL, 0, err) == 0 ? 0 : -1;
	free(p);
	free(text);
	return rc;
}

int
backup_journal_close(const struct wr_manifest *m, char **err)
{
	char	*p = journal_path(m);
	int	 rc = 0;

	if (unlink(p) < 0 && errno != ENOENT) {
		*err = xasprintf("%s: cannot remove: %s", p, strerror(errno));
		rc = -1;
	} else if (wr_fsync_dir(m->path, err) < 0)
		rc = -1;
	free(p);
	return rc;
}

int
backup_journal_read(const struct wr_manifest *m, char **time, char **phase)
{
	const char	*line, *end;
	char		*p = journal_path(m), *text, *e = NULL;
	size_t		 len, kl;
	int		 is_open = 0;

	*time = *phase = NULL;
	if (trusted(p, S_IFREG, 0, "a journal", &e) &&
	    util_read_file(p, JOURNAL_MAX, &text, &len) == 0) {
		is_open = 1;
		for (line = text; line < text + len; line = end + 1) {
			end = memchr(line, '\n', (size_t)(text + len - line));
			if (end == NULL)
				end = text + len;
			kl = strcspn(line, "\t\n");
			if (line + kl >= end)
				continue;
			if (kl == 4 && strncmp(line, "time", 4) == 0 &&
			    *time == NULL)
				*time = xstrndup(line + 5,
				    (size_t)(end - line - 5));
			else if (kl == 5 && strncmp(line, "phase", 5) == 0 &&
			    *phase == NULL)
				*phase = xstrndup(line + 6,
				    (size_t)(end - line - 6));
		}
		free(text);
	} else if (e != NULL && lstat(p, &(struct stat){ 0 }) == 0)
		is_open = 1;	/* there, but not ours to read: still open */
	free(e);
	free(p);
	if (is_open && *time == NULL)
		*time = xstrdup("unknown");
	if (is_open && *phase == NULL)
		*phase = xstrdup("unknown");
	return is_open;
}

int
backup_keep_new(const struct wr_manifest *m, const char *real,
    const char *text, size_t len, char **err)
{
	struct stat	 mst;
	char		*p, *d;
	int		 rc;

	p = xasprintf("%s/new%s", m->path, real);
	d = xstrdup(p);
	memset(&mst, 0, sizeof mst);
	mst.st_uid = geteuid();
	mst.st_gid = getegid();
	mst.st_mode = 0600;
	rc = wr_mkdirs(dirname(d), 0700, err) < 0 ||
	    wr_put(p, text, len, &mst, NULL, 0, err) != 0 ? -1 : 0;
	free(d);
	free(p);
	return rc;
}

/* fsync every directory from dir up to and including top. */
static int
sync_up(const char *dir, const char *top, char **err)
{
	char	*d = xstrdup(dir), *slash;
	int	 rc = 0;

	for (;;) {
		if (wr_fsync_dir(d, err) < 0) {
			rc = -1;
			break;
		}
		if (strcmp(d, top) == 0 || (slash = strrchr(d, '/')) == NULL ||
		    slash == d)
			break;
		*slash = '\0';
	}
	free(d);
	return rc;
}

static void
set_id(struct timespec *ts, char *id, size_t idlen, char *tm, size_t tmlen)
{
	unsigned char	r[3];
	struct tm	t;

	if (getrandom(r, sizeof r, 0) != (ssize_t)sizeof r) {
		r[0] = (unsigned char)ts->tv_nsec;
		r[1] = (unsigned char)(ts->tv_nsec >> 8);
		r[2] = (unsigned char)getpid();
	}
	gmtime_r(&ts->tv_sec, &t);
	strftime(tm, tmlen, "%Y-%m-%dT%H:%M:%SZ", &t);
	strftime(id, idlen, "%Y%m%dT%H%M%SZ", &t);
	snprintf(id + strlen(id), idlen - strlen(id), "-%02x%02x%02x",
	    r[0], r[1], r[2]);
}

struct wr_manifest *
backup_create(const char *base, const char *kind, const char *root,
    const char **vhosts, size_t nvhosts, const struct wr_file *f,
    const struct stat *st, size_t n, char **err)
{
	struct wr_manifest	*m;
	struct wr_mfile		*mf;
	struct timespec		 ts;
	struct stat		 mst;
	char			 id[64], tm[32], *cp, *d, *text;
	size_t			 i;
	int			 tries, rc;

	if (backup_prepare(base, 1, err) != 0)
		return NULL;
	m = xcalloc(1, sizeof *m);
	for (tries = 0;; tries++) {
		clock_gettime(CLOCK_REALTIME, &ts);
		set_id(&ts, id, sizeof id, tm, sizeof tm);
		m->path = xasprintf("%s/%s", base, id);
		if (mkdir(m->path, 0700) == 0)
			break;
		if (errno != EEXIST || tries == 10) {
			*err = xasprintf("%s: cannot create directory: %s",
			    m->path, strerror(errno));
			backup_manifest_free(m);
			return NULL;
		}
		free(m->path);
	}
	m->id = xstrdup(id);
	m->kind = xstrdup(kind);
	m->time = xstrdup(tm);
	m->stamp = xasprintf("%lld.%09ld", (long long)ts.tv_sec,
	    (long)ts.tv_nsec);
	m->root = xstrdup(root);
	for (i = 0; i < nvhosts; i++)
		vec_push(&m->vhosts, xstrdup(vhosts[i]));
	for (i = 0; i < n; i++) {
		mf = xcalloc(1, sizeof *mf);
		mf->path = xstrdup(f[i].path);
		mf->real = xstrdup(f[i].real);
		sha256_hex(f[i].old_text, f[i].old_len, mf->before);
		sha256_hex(f[i].new_text, f[i].new_len, mf->after);
		vec_push(&m->files, mf);

		cp = backup_copy_path(m, f[i].real);
		d = xstrdup(cp);
		if (wr_mkdirs(dirname(d), 0700, err) < 0 ||
		    wr_put(cp, f[i].old_text, f[i].old_len, &st[i], NULL,
		    WR_PUT_TIMES, err) != 0 || sync_up(d, m->path, err) < 0) {
			free(d);
			free(cp);
			goto fail;
		}
		free(d);
		free(cp);
	}
	memset(&mst, 0, sizeof mst);
	mst.st_uid = geteuid();
	mst.st_gid = getegid();
	mst.st_mode = 0600;
	text = manifest_render(m);
	cp = xasprintf("%s/manifest", m->path);
	rc = wr_put(cp, text, strlen(text), &mst, NULL, 0, err);
	free(cp);
	free(text);
	if (rc != 0 || wr_fsync_dir(base, err) < 0)
		goto fail;
	return m;
fail:
	backup_remove(m);
	backup_manifest_free(m);
	return NULL;
}
