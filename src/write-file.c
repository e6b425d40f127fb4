/* write-file.c: one file at a time, atomically, keeping its metadata.
 *
 * Why not aug_save: it splits hard links, drops POSIX ACLs and other
 * extended attributes, and a multi-file save is not all-or-nothing.  We
 * need the exact rendered bytes on disk, the xattrs carried over, and our
 * own backup and rollback, so the write layer does the temp + fsync +
 * rename itself. */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <libgen.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/xattr.h>
#include <unistd.h>

#include "write-int.h"

char *
wr_join(const char *root, const char *rel)
{
	size_t	rl = strlen(root);

	while (rl > 0 && root[rl - 1] == '/')
		rl--;
	return xasprintf("%.*s%s%s", (int)rl, root, rel[0] == '/' ? "" : "/",
	    rel);
}

int
wr_under(const char *path, const char *dir)
{
	size_t	dl = strlen(dir);

	while (dl > 0 && dir[dl - 1] == '/')
		dl--;
	if (dl == 0)
		return path[0] == '/';
	return strncmp(path, dir, dl) == 0 &&
	    (path[dl] == '\0' || path[dl] == '/');
}

int
wr_mkdirs(const char *path, mode_t mode, char **err)
{
	char		*p = xstrdup(path), *s;
	struct stat	 st;

	for (s = p + 1;; s++) {
		if (*s != '/' && *s != '\0')
			continue;
		if (s[-1] != '/') {
			char	c = *s;

			*s = '\0';
			if (mkdir(p, mode) < 0 && (errno != EEXIST ||
			    stat(p, &st) < 0 || !S_ISDIR(st.st_mode))) {
				if (errno == EEXIST)
					errno = ENOTDIR;
				*err = xasprintf("%s: cannot create directory:"
				    " %s", p, strerror(errno));
				free(p);
				return -1;
			}
			*s = c;
		}
		if (*s == '\0')
			break;
	}
	free(p);
	return 0;
}

int
wr_fsync_dir(const char *dir, char **err)
{
	int	fd;

	fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (fd < 0) {
		*err = xasprintf("%s: %s", dir, strerror(errno));
		return -1;
	}
	/* Some file systems cannot sync a directory (EINVAL): nothing to
	 * make durable there. */
	if (fsync(fd) < 0 && errno != EINVAL) {
		*err = xasprintf("%s: cannot sync directory: %s", dir,
		    strerror(errno));
		close(fd);
		return -1;
	}
	close(fd);
	return 0;
}

static int
wr_rm_one(const char *path, const struct stat *st, int type, struct FTW *f)
{
	if (type == FTW_DP)
		rmdir(path);
	else
		unlink(path);
	return 0;
}

void
wr_rmtree(const char *path)
{
	nftw(path, wr_rm_one, 16, FTW_DEPTH | FTW_PHYS);
}

void
wr_xattrs_free(struct wr_xattrs *xa)
{
	size_t	i;

	for (i = 0; i < xa->n; i++) {
		free(xa->name[i]);
		free(xa->value[i]);
	}
	free(xa->name);
	free(xa->value);
	free(xa->len);
	memset(xa, 0, sizeof *xa);
}

int
wr_xattrs_load(const char *path, struct wr_xattrs *xa, char **err)
{
	char	*list = NULL, *name;
	ssize_t	 ln, vn;
	size_t	 i;

	memset(xa, 0, sizeof *xa);
	for (;;) {
		ln = listxattr(path, NULL, 0);
		if (ln < 0 && (errno == ENOTSUP || errno == ENOSYS))
			return 0;
		if (ln <= 0)
			break;
		list = xrealloc(list, (size_t)ln);
		ln = listxattr(path, list, (size_t)ln);
		if (ln >= 0 || errno != ERANGE)
			break;
	}
	if (ln < 0) {
		*err = xasprintf("%s: cannot list extended attributes: %s",
		    path, strerror(errno));
		free(list);
		return -1;
	}
	if (list == NULL)
		return 0;		/* no attributes */
	for (name = list; name < list + ln; name += strlen(name) + 1)
		xa->n++;
	xa->name = xcalloc(xa->n, sizeof *xa->name);
	xa->value = xcalloc(xa->n, sizeof *xa->value);
	xa->len = xcalloc(xa->n, sizeof *xa->len);
	for (i = 0, name = list; i < xa->n; i++, name += strlen(name) + 1) {
		xa->name[i] = xstrdup(name);
		for (;;) {
			vn = getxattr(path, name, NULL, 0);
			if (vn < 0)
				break;
			xa->value[i] = xrealloc(xa->value[i], vn + 1);
			vn = getxattr(path, name, xa->value[i], (size_t)vn + 1);
			if (vn >= 0 || errno != ERANGE)
				break;
		}
		if (vn < 0) {
			*err = xasprintf("%s: cannot read extended attribute"
			    " %s: %s", path, name, strerror(errno));
			free(list);
			wr_xattrs_free(xa);
			return -1;
		}
		xa->len[i] = (size_t)vn;
	}
	free(list);
	return 0;
}

/* A new, empty, private (0600) file next to path. */
static int
wr_tmp_create(const char *path, char **tmp, char **err)
{
	char	*d = xstrdup(path), *b = xstrdup(path);
	int	 fd;

	*tmp = xasprintf("%s/.%s.vhostfix-XXXXXX", dirname(d), basename(b));
	free(d);
	free(b);
	fd = mkostemp(*tmp, O_CLOEXEC);
	if (fd < 0) {
		*err = xasprintf("%s: cannot create a file next to it: %s",
		    path, strerror(errno));
		free(*tmp);
		*tmp = NULL;
	}
	return fd;
}

/* Owner first (chown clears set-id bits and file capabilities), then the
 * extended attributes (ACLs, SELinux context, capabilities), then the mode
 * (setting an ACL rewrites the group bits; the original mode agrees with
 * the original ACL, so this is a no-op unless there is none). */
static int
wr_meta_apply(int fd, const char *path, const struct stat *meta,
    const struct wr_xattrs *xa, char **err)
{
	size_t	i;

	if (fchown(fd, meta->st_uid, meta->st_gid) < 0) {
		*err = xasprintf("%s: cannot give the new file owner %lu and"
		    " group %lu: %s", path, (unsigned long)meta->st_uid,
		    (unsigned long)meta->st_gid, strerror(errno));
		return -1;
	}
	for (i = 0; xa != NULL && i < xa->n; i++) {
		if (fsetxattr(fd, xa->name[i], xa->value[i], xa->len[i],
		    0) < 0) {
			*err = xasprintf("%s: extended attribute %s cannot be"
			    " carried over to the rewritten file: %s", path,
			    xa->name[i], strerror(errno));
			return -1;
		}
	}
	if (fchmod(fd, meta->st_mode & 07777) < 0) {
		*err = xasprintf("%s: cannot set mode %04o: %s", path,
		    (unsigned)(meta->st_mode & 07777), strerror(errno));
		return -1;
	}
	return 0;
}

static int
wr_write_all(int fd, const char *p, size_t n)
{
	ssize_t	w;

	while (n > 0) {
		w = write(fd, p, n);
		if (w < 0) {
			if (errno == EINTR)
				continue;
			return -1;
		}
		p += w;
		n -= (size_t)w;
	}
	return 0;
}

/* Does path hold one of the texts whose hashes are in expect (NULL-
 * terminated)?  Read right before the rename: the window in which someone
 * else's edit could still be lost is the rename itself. */
static int
wr_holds(const char *path, const char *const *expect, char **err)
{
	char	 h[SHA256_HEXLEN + 1], *cur;
	size_t	 len;

	if (util_read_file(path, SIZE_MAX, &cur, &len) < 0) {
		*err = xasprintf("%s: cannot read it: %s", path,
		    strerror(errno));
		return 0;
	}
	sha256_hex(cur, len, h);
	free(cur);
	for (; *expect != NULL; expect++) {
		if (strcmp(*expect, h) == 0)
			return 1;
	}
	*err = xasprintf("%s was changed by someone else meanwhile", path);
	return 0;
}

int
wr_put(const char *path, const char *text, size_t len,
    const struct stat *meta, const struct wr_xattrs *xa, int flags,
    char **err)
{
	return wr_put_if(path, text, len, meta, xa, flags, NULL, err);
}

int
wr_put_if(const char *path, const char *text, size_t len,
    const struct stat *meta, const struct wr_xattrs *xa, int flags,
    const char *const *expect, char **err)
{
	struct timespec	 ts[2];
	char		*tmp, *d;
	int		 fd, rc, changed = 0;

	fd = wr_tmp_create(path, &tmp, err);
	if (fd < 0)
		return -1;
	if (wr_write_all(fd, text, len) < 0) {
		*err = xasprintf("%s: cannot write: %s", path,
		    strerror(errno));
		goto fail;
	}
	if (wr_meta_apply(fd, path, meta, xa, err) < 0)
		goto fail;
	if (flags & WR_PUT_TIMES) {
		ts[0] = meta->st_atim;
		ts[1] = meta->st_mtim;
		if (futimens(fd, ts) < 0) {
			*err = xasprintf("%s: cannot set timestamps: %s", path,
			    strerror(errno));
			goto fail;
		}
	}
	if (fsync(fd) < 0) {
		*err = xasprintf("%s: cannot write: %s", path,
		    strerror(errno));
		goto fail;
	}
	if (close(fd) < 0) {
		fd = -1;
		*err = xasprintf("%s: cannot write: %s", path,
		    strerror(errno));
		goto fail;
	}
	fd = -1;
	if (expect != NULL && !wr_holds(path, expect, err)) {
		changed = 1;
		goto fail;
	}
	if (rename(tmp, path) < 0) {
		*err = xasprintf("%s: cannot replace: %s", path,
		    strerror(errno));
		goto fail;
	}
	free(tmp);
	d = xstrdup(path);
	rc = wr_fsync_dir(dirname(d), err) < 0 ? -2 : 0;
	free(d);
	return rc;
fail:
	if (fd >= 0)
		close(fd);
	unlink(tmp);
	free(tmp);
	return changed ? -3 : -1;
}

int
wr_probe(const char *path, size_t len, const struct stat *meta,
    const struct wr_xattrs *xa, char **err)
{
	char	*tmp;
	int	 fd, e, rc = -1;

	fd = wr_tmp_create(path, &tmp, err);
	if (fd < 0)
		return -1;
	if (wr_meta_apply(fd, path, meta, xa, err) < 0)
		goto out;
	/* Reserve the space the new text needs, so a full disk is found
	 * before any file is written.  File systems without fallocate
	 * answer EOPNOTSUPP: then the write itself will tell. */
	if (len > 0) {
		e = posix_fallocate(fd, 0, (off_t)len);
		if (e != 0 && e != EOPNOTSUPP && e != EINVAL && e != ENOSYS) {
			*err = xasprintf("%s: cannot write: %s", path,
			    strerror(e));
			goto out;
		}
	}
	rc = 0;
out:
	close(fd);
	unlink(tmp);
	free(tmp);
	return rc;
}

void
wr_note(struct wr_result *res, char *msg)
{
	vec_push(&res->notes, msg);
}
