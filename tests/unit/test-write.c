/* test-write.c: the safe write path, through real files in a temp dir.
 *
 * Runs as root where it can: then it gets a private mount namespace, so
 * the tmpfs mounts (read-only directory, full disk) vanish with it. */
#include "config.h"

#include <arpa/inet.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <linux/fs.h>
#include <libgen.h>
#include <netinet/in.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mount.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <sys/xattr.h>
#include <time.h>
#include <unistd.h>

#include "write-int.h"
#include "check.h"

static char	*tmpbase;
static int	 private_mounts;
static struct vec mounts;

static void
skip(const char *what, const char *why)
{
	fprintf(stderr, "SKIP %s: %s\n", what, why);
}

static char *
mkroot(const char *name)
{
	char	*p = xasprintf("%s/%s", tmpbase, name);

	if (mkdir(p, 0755) < 0) {
		perror(p);
		exit(99);
	}
	return p;
}

static void
put(const char *root, const char *rel, const char *text, mode_t mode)
{
	char	*p = wr_join(root, rel), *d = xstrdup(p), *err = NULL;
	int	 fd;

	if (wr_mkdirs(dirname(d), 0755, &err) < 0) {
		fprintf(stderr, "%s\n", err);
		exit(99);
	}
	fd = open(p, O_WRONLY | O_CREAT | O_TRUNC, mode);
	if (fd < 0 || write(fd, text, strlen(text)) != (ssize_t)strlen(text) ||
	    fchmod(fd, mode) < 0) {
		perror(p);
		exit(99);
	}
	close(fd);
	free(d);
	free(p);
}

/* Content of root/rel, or NULL. */
static char *
slurp(const char *root, const char *rel)
{
	char	*p = wr_join(root, rel), *text;
	size_t	 len;

	if (util_read_file(p, 1 << 24, &text, &len) < 0)
		text = NULL;
	free(p);
	return text;
}

static int
same_text(const char *root, const char *rel, const char *want)
{
	char	*t = slurp(root, rel);
	int	 same = t != NULL && strcmp(t, want) == 0;

	free(t);
	return same;
}

struct fx {
	struct wr_file	 f[4];
	char		*old[4];
	size_t		 n;
};

static void
fx_add(struct fx *x, const char *root, const char *path, const char *real,
    const char *new_text)
{
	struct wr_file	*f = &x->f[x->n];
	char		*p = wr_join(root, real);

	memset(f, 0, sizeof *f);
	if (util_read_file(p, 1 << 24, &x->old[x->n], &f->old_len) < 0 ||
	    lstat(p, &f->old_st) < 0) {
		perror(p);
		exit(99);
	}
	f->old_text = x->old[x->n];
	f->path = path;
	f->real = real;
	f->new_text = new_text;
	f->new_len = strlen(new_text);
	free(p);
	x->n++;
}

static void
fx_free(struct fx *x)
{
	size_t	i;

	for (i = 0; i < x->n; i++)
		free(x->old[i]);
	x->n = 0;
}

static struct wr_opts
opts_for(const char *root)
{
	struct wr_opts	o;

	memset(&o, 0, sizeof o);
	o.root = root;
	o.lock_wait = -1;
	return o;
}

static int
has_note(const struct wr_result *res, const char *needle)
{
	size_t	i;

	for (i = 0; i < res->notes.n; i++) {
		if (strstr(res->notes.v[i], needle) != NULL)
			return 1;
	}
	return 0;
}

static int
contains(const char *s, const char *needle)
{
	return s != NULL && strstr(s, needle) != NULL;
}

static size_t
count_sets(const struct wr_opts *o)
{
	struct vec	 sets = { 0 };
	char		*err = NULL;
	size_t		 n;

	if (write_list_sets(o, &sets, &err) < 0) {
		fprintf(stderr, "%s\n", err);
		free(err);
		failures++;
	}
	n = sets.n;
	vec_free_all(&sets, wr_set_free);
	return n;
}

/* Temp files of ours left in root/rel? */
static int
leftovers(const char *root, const char *rel)
{
	struct dirent	*de;
	DIR		*d;
	char		*p = wr_join(root, rel);
	int		 n = 0;

	d = opendir(p);
	free(p);
	if (d == NULL)
		return 0;
	while ((de = readdir(d)) != NULL)
		n += strstr(de->d_name, ".vhostfix-") != NULL;
	closedir(d);
	return n;
}

/* Writing "A\n" to a.conf (holding "a\n") and text to path (real
 * path real, holding old) is refused, naming why and why2 (unless NULL);
 * neither file changes, no temp file stays beside real and no backup set
 * is made. */
static void
expect_refused(const char *root, const char *path, const char *real,
    const char *text, const char *old, const char *why, const char *why2)
{
	struct wr_opts		 o = opts_for(root);
	struct wr_result	 res;
	struct fx		 x = { .n = 0 };
	char			*dir = xstrdup(real);
	int			 before = failures;

	*strrchr(dir, '/') = '\0';
	fx_add(&x, root, "/etc/apache2/a.conf", "/etc/apache2/a.conf", "A\n");
	fx_add(&x, root, path, real, text);
	CHECK(write_apply(&o, NULL, x.f, x.n, &res) == WR_REFUSED);
	CHECK(contains(res.error, why));
	CHECK(why2 == NULL || contains(res.error, why2));
	CHECK(same_text(root, "/etc/apache2/a.conf", "a\n"));
	CHECK(same_text(root, real, old));
	CHECK(leftovers(root, dir) == 0);
	CHECK(count_sets(&o) == 0);
	if (failures > before)
		fprintf(stderr, "  (writing %s: %s)\n", path, res.error ?
		    res.error : "no error");
	wr_result_free(&res);
	fx_free(&x);
	free(dir);
}

static int
mount_tmpfs(const char *dir, const char *size)
{
	char	*opt = xasprintf("size=%s,mode=0755", size);
	int	 rc;

	rc = private_mounts ? mount("tmpfs", dir, "tmpfs", 0, opt) : -1;
	free(opt);
	if (rc == 0)
		vec_push(&mounts, xstrdup(dir));
	return rc;
}

static void
test_sha256(void)
{
	char	h[SHA256_HEXLEN + 1];
	char	*big = xmalloc(1000000);

	sha256_hex("", 0, h);
	CHECK(strcmp(h, "e3b0c44298fc1c149afbf4c8996fb924"
	    "27ae41e4649b934ca495991b7852b855") == 0);
	sha256_hex("abc", 3, h);
	CHECK(strcmp(h, "ba7816bf8f01cfea414140de5dae2223"
	    "b00361a396177a9cb410ff61f20015ad") == 0);
	sha256_hex("abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq",
	    56, h);
	CHECK(strcmp(h, "248d6a61d20638b8e5c026930c3e6039"
	    "a33ce45964ff2167f6ecedd419db06c1") == 0);
	memset(big, 'a', 1000000);
	sha256_hex(big, 1000000, h);
	CHECK(strcmp(h, "cdc76e5c9914fb9281a1c7e284d73e67"
	    "f1809a48a497200e046d39ccc7112cd0") == 0);
	free(big);
}

/* A Debian-like site: sites-enabled/x.conf -> ../sites-available/x.conf,
 * and a 0640 root:www-data file with an ACL and a user xattr. */
static void
test_symlink_mode(void)
{
	static const char acl[] = {
		2, 0, 0, 0,				/* version */
		1, 0, 6, 0, -1, -1, -1, -1,		/* user:: rw- */
		2, 0, 4, 0, 33, 0, 0, 0,		/* user:33: r-- */
		4, 0, 4, 0, -1, -1, -1, -1,		/* group:: r-- */
		16, 0, 4, 0, -1, -1, -1, -1,		/* mask:: r-- */
		32, 0, 0, 0, -1, -1, -1, -1,		/* other:: --- */
	};
	struct wr_opts		 o;
	struct wr_result	 res;
	struct group		*gr = getgrnam("www-data");
	struct fx		 x = { .n = 0 };
	struct stat		 st;
	struct vec		 sets = { 0 };
	struct wr_set		*set;
	char			*root = mkroot("symlink"), *p, *q;
	char			*err = NULL;
	char			 target[256], val[64];
	ssize_t			 n;
	gid_t			 gid = gr != NULL ? gr->gr_gid : 33;
	int			 have_acl = 0, have_user = 0;
	const char		*vh[] = { "x.example" };

	put(root, "/etc/apache2/sites-available/x.conf", "old x\n", 0644);
	p = wr_join(root, "/etc/apache2/sites-enabled");
	mkdir(p, 0755);
	free(p);
	p = wr_join(root, "/etc/apache2/sites-enabled/x.conf");
	CHECK(symlink("../sites-available/x.conf", p) == 0);
	free(p);
	put(root, "/etc/apache2/conf-available/y.conf", "old y\n", 0640);
	p = wr_join(root, "/etc/apache2/conf-available/y.conf");
	CHECK(chown(p, 0, gid) == 0 || geteuid() != 0);
	if (setxattr(p, "system.posix_acl_access", acl, sizeof acl, 0) == 0)
		have_acl = 1;
	else
		skip("ACL carry-over", strerror(errno));
	if (setxattr(p, "user.vhostfix-test", "kept", 4, 0) == 0)
		have_user = 1;
	else
		skip("user xattr carry-over", strerror(errno));
	CHECK(lstat(p, &st) == 0);
	CHECK((st.st_mode & 07777) == 0640);
	free(p);

	fx_add(&x, root, "/etc/apache2/sites-enabled/x.conf",
	    "/etc/apache2/sites-available/x.conf", "new x\n");
	fx_add(&x, root, "/etc/apache2/conf-available/y.conf",
	    "/etc/apache2/conf-available/y.conf", "new y, longer\n");
	o = opts_for(root);
	/* No shell needed: run directly, in the root, after writing. */
	o.configtest = "grep -q new etc/apache2/sites-enabled/x.conf";
	o.vhosts = vh;
	o.nvhosts = 1;
	CHECK(write_apply(&o, NULL, x.f, x.n, &res) == WR_OK);
	CHECK(res.error == NULL);
	CHECK(has_note(&res, "configtest passed"));
	CHECK(res.backup_id != NULL && strlen(res.backup_id) == 23);

	p = wr_join(root, "/etc/apache2/sites-enabled/x.conf");
	n = readlink(p, target, sizeof target - 1);
	CHECK(n > 0 && (size_t)n == strlen("../sites-available/x.conf"));
	free(p);
	CHECK(same_text(root, "/etc/apache2/sites-available/x.conf",
	    "new x\n"));
	CHECK(same_text(root, "/etc/apache2/conf-available/y.conf",
	    "new y, longer\n"));
	p = wr_join(root, "/etc/apache2/conf-available/y.conf");
	CHECK(lstat(p, &st) == 0);
	CHECK((st.st_mode & 07777) == 0640);
	CHECK(st.st_uid == x.f[1].old_st.st_uid);
	CHECK(st.st_gid == x.f[1].old_st.st_gid);
	CHECK(geteuid() != 0 || st.st_gid == gid);
	CHECK(st.st_nlink == 1);
	if (have_acl) {
		char	got[sizeof acl + 16];

		n = getxattr(p, "system.posix_acl_access", got, sizeof got);
		CHECK(n == (ssize_t)sizeof acl && memcmp(got, acl, n) == 0);
	}
	if (have_user) {
		n = getxattr(p, "user.vhostfix-test", val, sizeof val);
		CHECK(n == 4 && memcmp(val, "kept", 4) == 0);
	}
	free(p);
	CHECK(leftovers(root, "/etc/apache2/sites-available") == 0);
	CHECK(leftovers(root, "/etc/apache2/conf-available") == 0);

	/* The backup set: 0700, copies with mode and timestamps, manifest. */
	CHECK(lstat(res.backup_path, &st) == 0 && S_ISDIR(st.st_mode) &&
	    (st.st_mode & 0777) == 0700);
	p = xasprintf("%s/files/etc/apache2/conf-available/y.conf",
	    res.backup_path);
	q = NULL;
	CHECK(lstat(p, &st) == 0 && (st.st_mode & 07777) == 0640 &&
	    st.st_gid == x.f[1].old_st.st_gid &&
	    st.st_mtim.tv_sec == x.f[1].old_st.st_mtim.tv_sec &&
	    st.st_mtim.tv_nsec == x.f[1].old_st.st_mtim.tv_nsec);
	free(p);
	p = xasprintf("%s/files/etc/apache2/sites-available/x.conf",
	    res.backup_path);
	CHECK(util_read_file(p, 100, &q, (size_t *)&n) == 0 &&
	    strcmp(q, "old x\n") == 0);
	free(q);
	free(p);
	CHECK(write_list_sets(&o, &sets, &err) == 0);
	CHECK(sets.n == 1);
	if (sets.n == 1) {
		set = sets.v[0];
		CHECK(strcmp(set->id, res.backup_id) == 0);
		CHECK(strcmp(set->kind, "fix") == 0);
		CHECK(set->files.n == 2 && strcmp(set->files.v[0],
		    "/etc/apache2/sites-enabled/x.conf") == 0);
		CHECK(set->vhosts.n == 1 && strcmp(set->vhosts.v[0],
		    "x.example") == 0);
		CHECK(strlen(set->time) == 20 && set->time[19] == 'Z');
	}
	vec_free_all(&sets, wr_set_free);
	wr_result_free(&res);
	fx_free(&x);
	free(root);
}

static void
test_configtest_fails(void)
{
	struct wr_opts		 o;
	struct wr_result	 res;
	struct fx		 x = { .n = 0 };
	struct stat		 st;
	char			*root = mkroot("configtest");

	put(root, "/etc/httpd/conf.d/a.conf", "old a\n", 0600);
	put(root, "/etc/httpd/conf.d/b.conf", "old b\n\n", 0644);
	fx_add(&x, root, "/etc/httpd/conf.d/a.conf", "/etc/httpd/conf.d/a.conf",
	    "new a\n");
	fx_add(&x, root, "/etc/httpd/conf.d/b.conf", "/etc/httpd/conf.d/b.conf",
	    "new b\n");
	o = opts_for(root);
	o.configtest = "false";
	CHECK(write_apply(&o, NULL, x.f, x.n, &res) == WR_ROLLED_BACK);
	CHECK(contains(res.error, "configtest failed"));
	CHECK(res.test_output != NULL);
	CHECK(same_text(root, "/etc/httpd/conf.d/a.conf", "old a\n"));
	CHECK(same_text(root, "/etc/httpd/conf.d/b.conf", "old b\n\n"));
	CHECK(count_sets(&o) == 0);
	wr_result_free(&res);

	/* Restored with its timestamps, a file is as it was read: the same
	 * texts can be tried again.  A command that needs a shell gets one;
	 * its output is kept. */
	o.configtest = "echo 'AH00526: Syntax error' >&2; exit 1";
	CHECK(write_apply(&o, NULL, x.f, x.n, &res) == WR_ROLLED_BACK);
	CHECK(contains(res.test_output, "AH00526: Syntax error"));
	CHECK(same_text(root, "/etc/httpd/conf.d/a.conf", "old a\n"));
	CHECK(same_text(root, "/etc/httpd/conf.d/b.conf", "old b\n\n"));
	wr_result_free(&res);
	{
		char	*p = wr_join(root, "/etc/httpd/conf.d/a.conf");

		CHECK(lstat(p, &st) == 0 && (st.st_mode & 07777) == 0600);
		free(p);
	}
	CHECK(leftovers(root, "/etc/httpd/conf.d") == 0);

	/* Not the live root and no command: skipped, with a note. */
	o.configtest = NULL;
	CHECK(write_apply(&o, NULL, x.f, x.n, &res) == WR_OK);
	CHECK(has_note(&res, "configtest skipped"));
	CHECK(same_text(root, "/etc/httpd/conf.d/a.conf", "new a\n"));
	wr_result_free(&res);
	fx_free(&x);

	/* A failed reload is reported; the tested files stay written. */
	fx_add(&x, root, "/etc/httpd/conf.d/a.conf", "/etc/httpd/conf.d/a.conf",
	    "newer a\n");
	o.configtest = "true";
	o.reload = 1;
	o.reload_cmd = "sh -c 'echo AH00111: no such server >&2; exit 1'";
	CHECK(write_apply(&o, NULL, x.f, x.n, &res) == WR_OK);
	CHECK(contains(res.error, "reload failed"));
	CHECK(contains(res.error, "AH00111: no such server"));
	CHECK(same_text(root, "/etc/httpd/conf.d/a.conf", "newer a\n"));
	wr_result_free(&res);
	fx_free(&x);
	fx_add(&x, root, "/etc/httpd/conf.d/a.conf", "/etc/httpd/conf.d/a.conf",
	    "new a\n");
	o.reload_cmd = "true";
	CHECK(write_apply(&o, NULL, x.f, x.n, &res) == WR_OK);
	CHECK(res.error == NULL && has_note(&res, "reloaded: true"));
	wr_result_free(&res);
	fx_free(&x);
	free(root);
}

static void
test_changed(void)
{
	struct wr_opts		 o;
	struct wr_result	 res;
	struct fx		 x = { .n = 0 };
	struct timespec		 ts[2];
	char			*root = mkroot("changed"), *p;

	put(root, "/etc/apache2/a.conf", "aaaa\n", 0644);
	put(root, "/etc/apache2/b.conf", "bbbb\n", 0644);
	fx_add(&x, root, "/etc/apache2/a.conf", "/etc/apache2/a.conf", "A\n");
	fx_add(&x, root, "/etc/apache2/b.conf", "/etc/apache2/b.conf", "B\n");
	o = opts_for(root);

	/* Same size, same mtime, other bytes: only the hash tells. */
	put(root, "/etc/apache2/b.conf", "bxbb\n", 0644);
	p = wr_join(root, "/etc/apache2/b.conf");
	ts[0] = x.f[1].old_st.st_atim;
	ts[1] = x.f[1].old_st.st_mtim;
	CHECK(utimensat(AT_FDCWD, p, ts, 0) == 0);
	free(p);
	CHECK(write_apply(&o, NULL, x.f, x.n, &res) == WR_REFUSED);
	CHECK(contains(res.error, "b.conf changed since it was read"));
	CHECK(same_text(root, "/etc/apache2/a.conf", "aaaa\n"));
	CHECK(same_text(root, "/etc/apache2/b.conf", "bxbb\n"));
	CHECK(count_sets(&o) == 0);
	wr_result_free(&res);

	/* An edit that changes the size. */
	put(root, "/etc/apache2/b.conf", "bbbb\n# edited\n", 0644);
	CHECK(write_apply(&o, NULL, x.f, x.n, &res) == WR_REFUSED);
	CHECK(contains(res.error, "changed since it was read"));
	CHECK(same_text(root, "/etc/apache2/a.conf", "aaaa\n"));
	wr_result_free(&res);
	fx_free(&x);
	free(root);
}

static void
test_hardlink(void)
{
	char	*root = mkroot("hardlink"), *p, *q;

	put(root, "/etc/apache2/a.conf", "a\n", 0644);
	put(root, "/etc/apache2/h.conf", "h\n", 0644);
	p = wr_join(root, "/etc/apache2/h.conf");
	q = wr_join(root, "/etc/apache2/h2.conf");
	CHECK(link(p, q) == 0);
	expect_refused(root, "/etc/apache2/h.conf", "/etc/apache2/h.conf",
	    "H\n", "h\n", "h.conf has 2 hard links", NULL);
	CHECK(same_text(root, "/etc/apache2/h2.conf", "h\n"));
	free(q);
	free(p);
	free(root);
}

/* chattr +i: refused up front, not halfway through the set. */
static void
test_immutable(void)
{
	char	*root = mkroot("immutable"), *p;
	int	 fd, flags = 0;

	put(root, "/etc/apache2/a.conf", "a\n", 0644);
	put(root, "/etc/apache2/i.conf", "i\n", 0644);
	p = wr_join(root, "/etc/apache2/i.conf");
	fd = open(p, O_RDONLY);
	if (fd >= 0 && ioctl(fd, FS_IOC_GETFLAGS, &flags) == 0)
		flags |= FS_IMMUTABLE_FL;
	if (fd < 0 || ioctl(fd, FS_IOC_SETFLAGS, &flags) < 0) {
		skip("immutable file", strerror(errno));
		if (fd >= 0)
			close(fd);
		free(p);
		free(root);
		return;
	}
	expect_refused(root, "/etc/apache2/i.conf", "/etc/apache2/i.conf",
	    "I\n", "i\n", "i.conf is immutable", NULL);
	flags &= ~FS_IMMUTABLE_FL;
	CHECK(ioctl(fd, FS_IOC_SETFLAGS, &flags) == 0);
	close(fd);
	free(p);
	free(root);
}

/* A read-only directory.  Root ignores permission bits, so as root the
 * directory is a tmpfs remounted read-only (EROFS). */
static void
test_readonly(void)
{
	char	*root = mkroot("readonly"), *d;

	put(root, "/etc/apache2/a.conf", "a\n", 0644);
	d = wr_join(root, "/etc/apache2/sites-available");
	CHECK(wr_mkdirs(d, 0755, &(char *){ NULL }) == 0);
	if (geteuid() == 0) {
		if (mount_tmpfs(d, "1m") < 0) {
			skip("read-only directory", "cannot mount a tmpfs"
			    " (no private mount namespace)");
			goto out;
		}
	}
	put(root, "/etc/apache2/sites-available/s.conf", "s\n", 0644);
	if (geteuid() == 0) {
		if (mount(NULL, d, NULL, MS_REMOUNT | MS_RDONLY, NULL) < 0) {
			skip("read-only directory", strerror(errno));
			goto out;
		}
	} else
		CHECK(chmod(d, 0555) == 0);
	expect_refused(root, "/etc/apache2/sites-enabled/s.conf",
	    "/etc/apache2/sites-available/s.conf", "S\n", "s\n",
	    "sites-available/s.conf", geteuid() == 0 ? strerror(EROFS) :
	    strerror(EACCES));
	if (geteuid() != 0)
		chmod(d, 0755);
out:
	free(d);
	free(root);
}

/* A full disk: a 64k tmpfs filled up. */
static void
test_enospc(void)
{
	char			*root = mkroot("enospc"), *d, *p, *big;
	char			 chunk[4096];
	int			 fd;

	put(root, "/etc/apache2/a.conf", "a\n", 0644);
	d = wr_join(root, "/etc/apache2/sites-available");
	CHECK(wr_mkdirs(d, 0755, &(char *){ NULL }) == 0);
	if (geteuid() != 0 || mount_tmpfs(d, "64k") < 0) {
		skip("ENOSPC", geteuid() != 0 ? "not root, cannot mount a"
		    " small tmpfs" : "cannot mount a tmpfs");
		free(d);
		free(root);
		return;
	}
	put(root, "/etc/apache2/sites-available/s.conf", "s\n", 0644);
	p = xasprintf("%s/filler", d);
	fd = open(p, O_WRONLY | O_CREAT, 0644);
	memset(chunk, '#', sizeof chunk);
	while (write(fd, chunk, sizeof chunk) > 0)
		;
	close(fd);
	free(p);
	big = xmalloc(32768);
	memset(big, '#', 32767);
	big[32767] = '\0';
	expect_refused(root, "/etc/apache2/sites-available/s.conf",
	    "/etc/apache2/sites-available/s.conf", big, "s\n",
	    "sites-available/s.conf", strerror(ENOSPC));
	free(big);
	free(d);
	free(root);
}

/* Two writers: the second waits lock_wait seconds, then names the first. */
static void
test_lock(void)
{
	struct wr_opts		 o;
	struct wr_result	 res;
	struct fx		 x = { .n = 0 }, y = { .n = 0 };
	struct timespec		 t0, t1, nap = { 0, 20 * 1000 * 1000 };
	char			*root = mkroot("lock"), *pidtxt, *want;
	pid_t			 pid;
	int			 st, i;

	put(root, "/etc/apache2/a.conf", "a\n", 0644);
	put(root, "/etc/apache2/b.conf", "b\n", 0644);
	put(root, "/etc/apache2/c.conf", "c\n", 0644);
	fx_add(&x, root, "/etc/apache2/a.conf", "/etc/apache2/a.conf", "A\n");
	fx_add(&x, root, "/etc/apache2/b.conf", "/etc/apache2/b.conf", "B\n");
	fx_add(&y, root, "/etc/apache2/c.conf", "/etc/apache2/c.conf", "C\n");
	o = opts_for(root);
	pid = fork();
	if (pid == 0) {
		setenv("VHOSTFIX_TEST_PAUSE_BETWEEN_FILES", "2500", 1);
		_exit(write_apply(&o, NULL, x.f, x.n, &res));
	}
	/* Wait until the first writer is between its files. */
	for (i = 0; i < 500 && !same_text(root, "/etc/apache2/a.conf", "A\n");
	    i++)
		nanosleep(&nap, NULL);
	pidtxt = slurp(root, "/var/backups/vhostfix/.lock");
	want = xasprintf("%ld\n", (long)pid);
	CHECK(pidtxt != NULL && strcmp(pidtxt, want) == 0);
	o.lock_wait = 1;
	clock_gettime(CLOCK_MONOTONIC, &t0);
	CHECK(write_apply(&o, NULL, y.f, y.n, &res) == WR_REFUSED);
	clock_gettime(CLOCK_MONOTONIC, &t1);
	free(want);
	want = xasprintf("another vhostfix (pid %ld) is writing under %s",
	    (long)pid, root);
	CHECK(contains(res.error, want));
	CHECK(t1.tv_sec - t0.tv_sec >= 1);
	CHECK(same_text(root, "/etc/apache2/c.conf", "c\n"));
	wr_result_free(&res);
	/* Waiting long enough gets the lock once the first is done. */
	o.lock_wait = 10;
	CHECK(write_apply(&o, NULL, y.f, y.n, &res) == WR_OK);
	CHECK(same_text(root, "/etc/apache2/c.conf", "C\n"));
	wr_result_free(&res);
	CHECK(waitpid(pid, &st, 0) == pid && WIFEXITED(st) &&
	    WEXITSTATUS(st) == WR_OK);
	CHECK(same_text(root, "/etc/apache2/b.conf", "B\n"));
	free(want);
	free(pidtxt);
	fx_free(&x);
	fx_free(&y);
	free(root);
}

/* SIGTERM after the first of three files: all three end up as before. */
static void
test_sigterm(void)
{
	struct wr_opts		 o;
	struct wr_result	 res;
	struct fx		 x = { .n = 0 };
	struct timespec		 nap = { 0, 20 * 1000 * 1000 };
	char			 msg[256];
	char			*root = mkroot("sigterm");
	pid_t			 pid;
	ssize_t			 n;
	int			 st, i, pfd[2];

	put(root, "/etc/apache2/a.conf", "a\n", 0644);
	put(root, "/etc/apache2/b.conf", "b\n", 0640);
	put(root, "/etc/apache2/c.conf", "c\n", 0644);
	fx_add(&x, root, "/etc/apache2/a.conf", "/etc/apache2/a.conf", "A\n");
	fx_add(&x, root, "/etc/apache2/b.conf", "/etc/apache2/b.conf", "B\n");
	fx_add(&x, root, "/etc/apache2/c.conf", "/etc/apache2/c.conf", "C\n");
	o = opts_for(root);
	o.configtest = "true";
	CHECK(pipe(pfd) == 0);
	pid = fork();
	if (pid == 0) {
		close(pfd[0]);
		setenv("VHOSTFIX_TEST_PAUSE_BETWEEN_FILES", "3000", 1);
		write_apply(&o, NULL, x.f, x.n, &res);
		if (res.error != NULL &&
		    write(pfd[1], res.error, strlen(res.error)) < 0)
			_exit(98);
		_exit(res.status);
	}
	close(pfd[1]);
	for (i = 0; i < 500 && !same_text(root, "/etc/apache2/a.conf", "A\n");
	    i++)
		nanosleep(&nap, NULL);
	CHECK(same_text(root, "/etc/apache2/b.conf", "b\n"));
	CHECK(kill(pid, SIGTERM) == 0);
	n = read(pfd[0], msg, sizeof msg - 1);
	msg[n > 0 ? n : 0] = '\0';
	close(pfd[0]);
	CHECK(waitpid(pid, &st, 0) == pid);
	CHECK(WIFEXITED(st) && WEXITSTATUS(st) == WR_INTERRUPTED);
	CHECK(strcmp(msg, "interrupted by signal 15; every file was restored"
	    " from the backup") == 0);
	CHECK(same_text(root, "/etc/apache2/a.conf", "a\n"));
	CHECK(same_text(root, "/etc/apache2/b.conf", "b\n"));
	CHECK(same_text(root, "/etc/apache2/c.conf", "c\n"));
	CHECK(leftovers(root, "/etc/apache2") == 0);
	CHECK(count_sets(&o) == 0);
	fx_free(&x);
	free(root);
}

static void
test_rollback(void)
{
	struct wr_opts		 o;
	struct wr_result	 res;
	struct fx		 x = { .n = 0 };
	struct vec		 sets = { 0 };
	struct stat		 st;
	char			*root = mkroot("rollback"), *first, *p;
	char			*bdir = xasprintf("%s/backups", tmpbase);
	const char		*vh[] = { "a.example", "b.example" };
	/* Bytes that a text-mode slip would damage. */
	static const char	 a_old[] = "a\r\n\tline two  \n\\ end";

	put(root, "/etc/apache2/sites-available/a.conf", a_old, 0640);
	put(root, "/etc/apache2/b conf.conf", "b\n", 0644);
	fx_add(&x, root, "/etc/apache2/sites-available/a.conf",
	    "/etc/apache2/sites-available/a.conf", "A\n");
	fx_add(&x, root, "/etc/apache2/b conf.conf",
	    "/etc/apache2/b conf.conf", "B\n");
	o = opts_for(root);
	o.backup_dir = bdir;
	o.vhosts = vh;
	o.nvhosts = 2;
	CHECK(write_apply(&o, NULL, x.f, x.n, &res) == WR_OK);
	first = xstrdup(res.backup_id != NULL ? res.backup_id : "");
	CHECK(strncmp(res.backup_path, bdir, strlen(bdir)) == 0);
	wr_result_free(&res);
	CHECK(same_text(root, "/etc/apache2/sites-available/a.conf", "A\n"));

	/* Undo the fix. */
	CHECK(write_rollback(&o, NULL, 0, &res) == WR_OK);
	CHECK(res.error == NULL);
	CHECK(same_text(root, "/etc/apache2/sites-available/a.conf", a_old));
	CHECK(same_text(root, "/etc/apache2/b conf.conf", "b\n"));
	p = wr_join(root, "/etc/apache2/sites-available/a.conf");
	CHECK(lstat(p, &st) == 0 && (st.st_mode & 07777) == 0640);
	free(p);
	wr_result_free(&res);
	CHECK(write_list_sets(&o, &sets, &(char *){ NULL }) == 0);
	CHECK(sets.n == 2);
	if (sets.n == 2) {
		struct wr_set *s0 = sets.v[0], *s1 = sets.v[1];

		CHECK(strcmp(s0->id, first) == 0);
		CHECK(strcmp(s0->kind, "fix") == 0);
		CHECK(strcmp(s1->kind, "rollback") == 0);
		CHECK(s1->vhosts.n == 2);
		CHECK(s1->files.n == 2 && strcmp(s1->files.v[1],
		    "/etc/apache2/b conf.conf") == 0);
	}
	vec_free_all(&sets, wr_set_free);

	/* Undo the undo: the newest set is the rollback's own, and
	 * rolling it back would redo the fix: refused without redo. */
	CHECK(write_rollback(&o, NULL, 0, &res) == WR_REFUSED);
	CHECK(contains(res.error, "--redo"));
	CHECK(same_text(root, "/etc/apache2/sites-available/a.conf", a_old));
	wr_result_free(&res);
	CHECK(count_sets(&o) == 2);
	o.redo = 1;
	CHECK(write_rollback(&o, NULL, 0, &res) == WR_OK);
	o.redo = 0;
	CHECK(same_text(root, "/etc/apache2/sites-available/a.conf", "A\n"));
	CHECK(same_text(root, "/etc/apache2/b conf.conf", "B\n"));
	wr_result_free(&res);
	/* ... and so does naming the rollback's set, as the rollback's
	 * "undo with" line does: undo the redo first, then name it. */
	CHECK(write_rollback(&o, NULL, 0, &res) == WR_OK);
	CHECK(same_text(root, "/etc/apache2/sites-available/a.conf", a_old));
	{
		char	*rb = res.backup_id != NULL ?
			    xstrdup(res.backup_id) : NULL;

		wr_result_free(&res);
		CHECK(rb != NULL && write_rollback(&o, rb, 0, &res) ==
		    WR_OK);
		CHECK(same_text(root, "/etc/apache2/sites-available/a.conf",
		    "A\n"));
		wr_result_free(&res);
		free(rb);
		/* back to where the test goes on from */
		CHECK(write_rollback(&o, NULL, 0, &res) == WR_OK);
		CHECK(same_text(root, "/etc/apache2/sites-available/a.conf",
		    a_old));
		wr_result_free(&res);
		o.redo = 1;
		CHECK(write_rollback(&o, NULL, 0, &res) == WR_OK);
		o.redo = 0;
		wr_result_free(&res);
	}
	CHECK(count_sets(&o) == 7);	/* 3, and the named round's 4 */

	/* And the first set by its id, once more. */
	CHECK(write_rollback(&o, first, 0, &res) == WR_OK);
	CHECK(same_text(root, "/etc/apache2/sites-available/a.conf", a_old));
	CHECK(same_text(root, "/etc/apache2/b conf.conf", "b\n"));
	wr_result_free(&res);
	CHECK(write_rollback(&o, "20000101T000000Z-000000", 0, &res) ==
	    WR_REFUSED);
	CHECK(contains(res.error, "no backup set 20000101T000000Z-000000"));
	wr_result_free(&res);
	fx_free(&x);
	free(first);
	free(bdir);
	free(root);
}

static void
test_rollback_changed(void)
{
	struct wr_opts		 o;
	struct wr_result	 res;
	struct fx		 x = { .n = 0 };
	char			*root = mkroot("rollback-changed");

	put(root, "/etc/apache2/a.conf", "a\n", 0644);
	fx_add(&x, root, "/etc/apache2/a.conf", "/etc/apache2/a.conf", "A\n");
	o = opts_for(root);
	CHECK(write_apply(&o, NULL, x.f, x.n, &res) == WR_OK);
	wr_result_free(&res);
	put(root, "/etc/apache2/a.conf", "A, then edited by hand\n", 0644);
	CHECK(write_rollback(&o, NULL, 0, &res) == WR_REFUSED);
	CHECK(contains(res.error, "changed since backup set"));
	CHECK(same_text(root, "/etc/apache2/a.conf",
	    "A, then edited by hand\n"));
	CHECK(count_sets(&o) == 1);
	wr_result_free(&res);
	CHECK(write_rollback(&o, NULL, 1, &res) == WR_OK);
	CHECK(same_text(root, "/etc/apache2/a.conf", "a\n"));
	wr_result_free(&res);
	/* The forced rollback kept what it overwrote: redo gives it back. */
	o.redo = 1;
	CHECK(write_rollback(&o, NULL, 0, &res) == WR_OK);
	CHECK(same_text(root, "/etc/apache2/a.conf",
	    "A, then edited by hand\n"));
	wr_result_free(&res);

	/* A failing configtest undoes the rollback itself. */
	o.redo = 0;
	o.configtest = "false";
	CHECK(write_rollback(&o, NULL, 0, &res) == WR_ROLLED_BACK);
	CHECK(same_text(root, "/etc/apache2/a.conf",
	    "A, then edited by hand\n"));
	wr_result_free(&res);
	fx_free(&x);
	free(root);
}

static int
free_port(void)
{
	struct sockaddr_in	sa;
	socklen_t		len = sizeof sa;
	int			fd, port = -1;

	fd = socket(AF_INET, SOCK_STREAM, 0);
	memset(&sa, 0, sizeof sa);
	sa.sin_family = AF_INET;
	sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	if (fd >= 0 && bind(fd, (struct sockaddr *)&sa, sizeof sa) == 0 &&
	    getsockname(fd, (struct sockaddr *)&sa, &len) == 0)
		port = ntohs(sa.sin_port);
	if (fd >= 0)
		close(fd);
	return port;
}

static int
stage_dirs_left(const char *dir)
{
	struct dirent	*de;
	DIR		*d = opendir(dir);
	int		 n = 0;

	if (d == NULL)
		return 0;
	while ((de = readdir(d)) != NULL)
		n += strncmp(de->d_name, "vhostfix-stage-", 15) == 0;
	closedir(d);
	return n;
}

/* The real apache2 checks a staged copy; nothing is started. */
static void
test_preflight(void)
{
	static const char apache_bin[] = "/usr/sbin/apache2";
	struct wr_opts		 o;
	struct wr_result	 res;
	struct wr_tree		 tree;
	struct fx		 x = { .n = 0 };
	const char		*loaded[3];
	char			*root, *conf, *env, *site, *p, *tmp;
	char			*oldtmp;
	int			 port = free_port();

	if (access(apache_bin, X_OK) < 0) {
		skip("staged pre-flight", "no /usr/sbin/apache2");
		return;
	}
	root = mkroot("preflight");
	tmp = mkroot("preflight-tmp");
	/* ServerRoot names the live tree: the stage must not follow it. */
	conf = xasprintf(
	    "ServerRoot \"/etc/apache2\"\n"
	    "ServerName localhost\n"
	    "LoadModule mpm_event_module"
	    " /usr/lib/apache2/modules/mod_mpm_event.so\n"
	    "LoadModule authz_core_module"
	    " /usr/lib/apache2/modules/mod_authz_core.so\n"
	    "PidFile ${APACHE_PID_FILE}\n"
	    "ErrorLog ${APACHE_LOG_DIR}/error.log\n"
	    "Listen 127.0.0.1:%d\n"
	    "IncludeOptional sites-enabled/*.conf\n", port);
	env = xasprintf("export APACHE_PID_FILE=%s/run/apache2.pid\n"
	    "export APACHE_LOG_DIR=%s/log\n", root, root);
	site = xasprintf("<VirtualHost 127.0.0.1:%d>\n"
	    "\tServerName x.example\n"
	    "</VirtualHost>\n", port);
	put(root, "/etc/apache2/apache2.conf", conf, 0644);
	put(root, "/etc/apache2/envvars", env, 0644);
	put(root, "/etc/apache2/sites-available/x.conf", site, 0644);
	put(root, "/log/.keep", "", 0644);
	p = wr_join(root, "/etc/apache2/sites-enabled");
	mkdir(p, 0755);
	free(p);
	p = wr_join(root, "/etc/apache2/sites-enabled/x.conf");
	CHECK(symlink("../sites-available/x.conf", p) == 0);
	free(p);

	loaded[0] = "/etc/apache2/apache2.conf";
	loaded[1] = "/etc/apache2/sites-available/x.conf";
	memset(&tree, 0, sizeof tree);
	tree.server_root = "/etc/apache2";
	tree.main_config = "/etc/apache2/apache2.conf";
	tree.files = loaded;
	tree.nfiles = 2;
	p = xasprintf("<VirtualHost 127.0.0.1:%d>\n"
	    "\tServerName x.example\n"
	    "\tBogusDirective on\n"
	    "</VirtualHost>\n", port);
	fx_add(&x, root, "/etc/apache2/sites-enabled/x.conf",
	    "/etc/apache2/sites-available/x.conf", p);
	o = opts_for(root);
	o.apache_bin = apache_bin;
	o.configtest = "true";
	oldtmp = getenv("TMPDIR") ? xstrdup(getenv("TMPDIR")) : NULL;
	setenv("TMPDIR", tmp, 1);

	CHECK(write_apply(&o, &tree, x.f, x.n, &res) == WR_ROLLED_BACK);
	CHECK(contains(res.test_output, "BogusDirective"));
	CHECK(contains(res.error, "staged copy"));
	CHECK(res.backup_id == NULL);
	CHECK(same_text(root, "/etc/apache2/sites-available/x.conf", site));
	CHECK(count_sets(&o) == 0);
	CHECK(stage_dirs_left(tmp) == 0);
	if (res.status != WR_ROLLED_BACK && res.test_output != NULL)
		fprintf(stderr, "apache2 said: %s\n", res.test_output);
	wr_result_free(&res);
	fx_free(&x);
	free(p);

	/* A change Apache accepts passes and is written. */
	p = xasprintf("<VirtualHost 127.0.0.1:%d>\n"
	    "\tServerName x.example\n"
	    "\tServerAlias www.x.example\n"
	    "</VirtualHost>\n", port);
	fx_add(&x, root, "/etc/apache2/sites-enabled/x.conf",
	    "/etc/apache2/sites-available/x.conf", p);
	CHECK(write_apply(&o, &tree, x.f, x.n, &res) == WR_OK);
	CHECK(has_note(&res, "staged check passed"));
	if (res.error != NULL || res.test_output != NULL)
		fprintf(stderr, "%s\n%s\n", res.error ? res.error : "",
		    res.test_output ? res.test_output : "");
	CHECK(same_text(root, "/etc/apache2/sites-available/x.conf", p));
	CHECK(stage_dirs_left(tmp) == 0);
	wr_result_free(&res);
	fx_free(&x);

	/* Rejected before the change too: the stage proves nothing about
	 * it, so it is skipped with a note and the change is written. */
	fx_add(&x, root, "/etc/apache2/sites-enabled/x.conf",
	    "/etc/apache2/sites-available/x.conf", site);
	put(root, "/etc/apache2/sites-available/x.conf",
	    "BogusBefore on\n", 0644);
	fx_free(&x);
	fx_add(&x, root, "/etc/apache2/sites-enabled/x.conf",
	    "/etc/apache2/sites-available/x.conf", site);
	CHECK(write_apply(&o, &tree, x.f, x.n, &res) == WR_OK);
	CHECK(has_note(&res, "rejects the copy even without the change"));
	CHECK(has_note(&res, "BogusBefore"));
	CHECK(same_text(root, "/etc/apache2/sites-available/x.conf", site));
	CHECK(stage_dirs_left(tmp) == 0);
	wr_result_free(&res);
	fx_free(&x);

	/* A loaded file outside ServerRoot: not faithful, said, skipped. */
	put(root, "/srv/extra.conf", "# extra\n", 0644);
	loaded[2] = "/srv/extra.conf";
	tree.nfiles = 3;
	fx_add(&x, root, "/etc/apache2/sites-enabled/x.conf",
	    "/etc/apache2/sites-available/x.conf", site);
	CHECK(write_apply(&o, &tree, x.f, x.n, &res) == WR_OK);
	CHECK(has_note(&res, "staged check skipped: /srv/extra.conf lies"
	    " outside ServerRoot"));
	CHECK(same_text(root, "/etc/apache2/sites-available/x.conf", site));
	wr_result_free(&res);
	fx_free(&x);

	if (oldtmp != NULL)
		setenv("TMPDIR", oldtmp, 1);
	else
		unsetenv("TMPDIR");
	free(oldtmp);
	free(p);
	free(conf);
	free(env);
	free(site);
	free(tmp);
	free(root);
}

/* The runner: output and status, a missing program, a timeout that kills
 * the whole process group (the helper a command started too). */
static void
test_runner(void)
{
	struct buf	 out = { 0 };
	struct timespec	 t0, t1;
	char		*err = NULL, *pidfile, *pidtxt;
	int		 r;
	pid_t		 helper;

	char *ok[] = { "sh", "-c", "echo out; echo err >&2; exit 7", NULL };
	CHECK(wr_run(ok, "/", 5, &out, &err) == 7);
	CHECK(out.data != NULL && strstr(out.data, "out\n") != NULL &&
	    strstr(out.data, "err\n") != NULL);
	buf_free(&out);

	char *missing[] = { "vhostfix-no-such-program", NULL };
	CHECK(wr_run(missing, "/", 5, &out, &err) == -1);
	CHECK(contains(err, "cannot run vhostfix-no-such-program"));
	free(err);
	err = NULL;
	buf_free(&out);

	pidfile = xasprintf("%s/helper.pid", tmpbase);
	char *hang[] = { "sh", "-c", "sleep 30 & echo $! >\"$0\"; wait",
	    pidfile, NULL };
	clock_gettime(CLOCK_MONOTONIC, &t0);
	r = wr_run(hang, "/", 1, &out, &err);
	clock_gettime(CLOCK_MONOTONIC, &t1);
	CHECK(r == WR_RUN_TIMEOUT);
	CHECK(contains(err, "did not finish within 1 s"));
	CHECK(t1.tv_sec - t0.tv_sec < 5);
	pidtxt = slurp("/", pidfile);
	helper = pidtxt != NULL ? (pid_t)atol(pidtxt) : 0;
	CHECK(helper > 0);
	/* the helper is gone (reaped by init, or a zombie for a moment) */
	if (helper > 0) {
		char	*st = xasprintf("/proc/%ld/stat", (long)helper), *txt;
		int	 gone;

		txt = slurp("/", st);
		gone = txt == NULL || strstr(txt, ") Z ") != NULL;
		CHECK(gone);
		free(txt);
		free(st);
	}
	free(pidtxt);
	free(pidfile);
	free(err);
	buf_free(&out);
}

static void
cleanup(void)
{
	size_t	i;

	for (i = mounts.n; i > 0; i--)
		umount2(mounts.v[i - 1], MNT_DETACH);
	vec_free_all(&mounts, free);
	if (tmpbase != NULL)
		wr_rmtree(tmpbase);
	free(tmpbase);
}

int
main(void)
{
	const char	*t = getenv("TMPDIR");

	tmpbase = xasprintf("%s/test-write-XXXXXX",
	    t != NULL && *t == '/' ? t : "/tmp");
	if (mkdtemp(tmpbase) == NULL) {
		perror(tmpbase);
		return 99;
	}
	/* Mounts made here stay in this process (and its children). */
	if (geteuid() == 0 && unshare(CLONE_NEWNS) == 0 &&
	    mount(NULL, "/", NULL, MS_REC | MS_PRIVATE, NULL) == 0)
		private_mounts = 1;

	test_sha256();
	test_symlink_mode();
	test_configtest_fails();
	test_changed();
	test_hardlink();
	test_immutable();
	test_readonly();
	test_enospc();
	test_lock();
	test_sigterm();
	test_rollback();
	test_rollback_changed();
	test_preflight();
	test_runner();

	cleanup();
	if (failures > 0) {
		fprintf(stderr, "%d check(s) failed\n", failures);
		return 1;
	}
	return 0;
}
