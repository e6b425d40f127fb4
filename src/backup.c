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
 *	kind	fix | rollback
 *	time	2024-05-01T12:00:00Z	UTC, when the set was made
 *	stamp	1714564800.123456789	the same, to order sets
 *	root	/				what the paths are under
 *	vhost	NAME				one per vhost fixed
 *	file	PATH	REAL	SHA256-BEFORE	SHA256-AFTER
 *
 * PATH is the file as Apache includes it, REAL the file behind symlinks
 * (both root-relative); BEFORE is the copy's hash, AFTER the hash of what
 * was written over it. */
#include "config.h"

#include <dirent.h>
#include <errno.h>
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
		    hex64(fld.v[3]) && hex64(fld.v[4])) {
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
backup_list(const char *base, struct vec *out, char **err)
{
	struct wr_manifest	*m;
	struct dirent		*de;
	struct stat		 st;
	DIR			*d;
	char			*dir, *mp, *e = NULL;

	d = opendir(base);
	if (d == NULL) {
		if (errno == ENOENT)
			return 0;
		*err = xasprintf("%s: %s", base, strerror(errno));
		return -1;
	}
	while ((de = readdir(d)) != NULL) {
		if (de->d_name[0] == '.')
			continue;
		dir = xasprintf("%s/%s", base, de->d_name);
		mp = xasprintf("%s/manifest", dir);
		/* No manifest: a set interrupted while being made. */
		if (lstat(dir, &st) == 0 && S_ISDIR(st.st_mode) &&
		    lstat(mp, &st) == 0) {
			m = manifest_load(dir, de->d_name, &e);
			if (m != NULL)
				vec_push(out, m);
			else {
				/* A damaged set must not hide the others. */
				free(e);
				e = NULL;
			}
		}
		free(mp);
		free(dir);
	}
	closedir(d);
	if (out->n > 1)
		qsort(out->v, out->n, sizeof *out->v, stamp_cmp);
	return 0;
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
	char			 id[64], tm[32], *parent, *cp, *d, *text;
	size_t			 i;
	int			 tries, rc;

	parent = xstrdup(base);
	if (wr_mkdirs(dirname(parent), 0755, err) < 0) {
		free(parent);
		return NULL;
	}
	free(parent);
	if (mkdir(base, 0700) < 0 && errno != EEXIST) {
		*err = xasprintf("%s: cannot create directory: %s", base,
		    strerror(errno));
		return NULL;
	}
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
