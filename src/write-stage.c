/* write-stage.c: the staged pre-flight.
 *
 * Copy ServerRoot into a private directory, put the new texts there and
 * let Apache check that copy (apache2 -t -d STAGE -f STAGE/<main>): a
 * change Apache rejects is stopped before the live tree is touched.
 * Relative Includes resolve against -d, so the copy is what Apache would
 * load, unless a loaded file lies outside ServerRoot or an Include names
 * an absolute path: then we say so and rely on the check after writing. */
#include "config.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <unistd.h>

#include "write-int.h"

#define STAGE_DEPTH	32

struct stage {
	const char	*src;		/* ServerRoot, absolute */
	const char	*dst;		/* the stage */
	char		*err;
};

static int
stage_copy_file(const char *src, const char *dst, mode_t mode, char **err)
{
	char	*text;
	size_t	 len;
	int	 fd, rc = -1;

	if (util_read_file(src, SIZE_MAX, &text, &len) < 0) {
		*err = xasprintf("%s: %s", src, strerror(errno));
		return -1;
	}
	fd = open(dst, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC | O_NOFOLLOW,
	    (mode & 0777) | 0600);
	if (fd < 0 || write(fd, text, len) != (ssize_t)len) {
		*err = xasprintf("%s: %s", dst, strerror(errno));
		goto out;
	}
	rc = 0;
out:
	if (fd >= 0)
		close(fd);
	free(text);
	return rc;
}

/* Symlinks that resolve inside ServerRoot point to the same place in the
 * stage (so writing the real file there is seen through the link); the
 * others point to their resolved live target, which we do not change. */
static int
stage_link(struct stage *s, const char *src, const char *dst)
{
	char	 rp[PATH_MAX], target[PATH_MAX], *to;
	ssize_t	 n;
	int	 rc;

	if (realpath(src, rp) == NULL) {
		/* Dangling: Apache sees the same dangling link. */
		n = readlink(src, target, sizeof target - 1);
		if (n < 0) {
			s->err = xasprintf("%s: %s", src, strerror(errno));
			return -1;
		}
		target[n] = '\0';
		to = xstrdup(target);
	} else if (wr_under(rp, s->src))
		to = xasprintf("%s%s", s->dst, rp + strlen(s->src));
	else
		to = xstrdup(rp);
	rc = symlink(to, dst);
	if (rc < 0)
		s->err = xasprintf("%s: %s", dst, strerror(errno));
	free(to);
	return rc;
}

static int
stage_copy_dir(struct stage *s, const char *src, const char *dst, int depth)
{
	struct dirent	*de;
	struct stat	 st;
	DIR		*d;
	char		*sp, *dp;
	int		 rc = 0;

	if (depth > STAGE_DEPTH) {
		s->err = xasprintf("%s: directories nested too deep", src);
		return -1;
	}
	d = opendir(src);
	if (d == NULL) {
		s->err = xasprintf("%s: %s", src, strerror(errno));
		return -1;
	}
	while (rc == 0 && (de = readdir(d)) != NULL) {
		if (strcmp(de->d_name, ".") == 0 ||
		    strcmp(de->d_name, "..") == 0)
			continue;
		sp = xasprintf("%s/%s", src, de->d_name);
		dp = xasprintf("%s/%s", dst, de->d_name);
		if (lstat(sp, &st) < 0) {
			s->err = xasprintf("%s: %s", sp, strerror(errno));
			rc = -1;
		} else if (S_ISLNK(st.st_mode))
			rc = stage_link(s, sp, dp);
		else if (S_ISDIR(st.st_mode)) {
			if (mkdir(dp, 0700) < 0) {
				s->err = xasprintf("%s: %s", dp,
				    strerror(errno));
				rc = -1;
			} else
				rc = stage_copy_dir(s, sp, dp, depth + 1);
		} else if (S_ISREG(st.st_mode))
			rc = stage_copy_file(sp, dp, st.st_mode, &s->err);
		/* Sockets, fifos, devices: nothing Apache reads as config. */
		free(sp);
		free(dp);
	}
	closedir(d);
	return rc;
}

/* A ServerRoot directive would send Apache back to the live tree: the
 * stage comments it out (-d gives the same value, the core's ServerRoot,
 * pointed at the stage).  An absolute Include would load live files: the
 * stage is then not faithful.  path is the staged copy of name.  Returns
 * 0, 1 with *why set, or -1 with *err set. */
static int
stage_fix_text(const char *path, const char *name, char **why, char **err)
{
	struct buf	 out = { 0 };
	const char	*line, *end, *p, *w;
	char		*text;
	size_t		 len, wl;
	int		 changed = 0, fd, rc = 0;

	if (util_read_file(path, SIZE_MAX, &text, &len) < 0) {
		*err = xasprintf("%s: %s", path, strerror(errno));
		return -1;
	}
	for (line = text; line < text + len; line = end) {
		end = memchr(line, '\n', (size_t)(text + len - line));
		end = end != NULL ? end + 1 : text + len;
		for (p = line; p < end && (*p == ' ' || *p == '\t'); p++)
			;
		for (w = p; p < end && *p != ' ' && *p != '\t' && *p != '\n';
		    p++)
			;
		wl = (size_t)(p - w);
		if (wl == 10 && strncasecmp(w, "ServerRoot", wl) == 0) {
			buf_addc(&out, '#');
			changed = 1;
		} else if ((wl == 7 && strncasecmp(w, "Include", wl) == 0) ||
		    (wl == 15 && strncasecmp(w, "IncludeOptional", wl) == 0)) {
			while (p < end && (*p == ' ' || *p == '\t'))
				p++;
			if (p < end && (*p == '"' || *p == '\''))
				p++;
			if (p < end && *p == '/' && rc == 0) {
				*why = xasprintf("%s includes an absolute"
				    " path, which a copy would read from the"
				    " live tree", name);
				rc = 1;
			}
		}
		buf_add(&out, line, (size_t)(end - line));
	}
	if (changed && rc == 0) {
		fd = open(path, O_WRONLY | O_TRUNC | O_NOFOLLOW | O_CLOEXEC);
		if (fd < 0 || write(fd, out.data, out.len) !=
		    (ssize_t)out.len) {
			*err = xasprintf("%s: %s", path, strerror(errno));
			rc = -1;
		}
		if (fd >= 0)
			close(fd);
	}
	buf_free(&out);
	free(text);
	return rc;
}

static int
stage_write(const char *path, const char *text, size_t len, char **err)
{
	int	fd, rc = 0;

	fd = open(path, O_WRONLY | O_TRUNC | O_NOFOLLOW | O_CLOEXEC);
	if (fd < 0 || write(fd, text, len) != (ssize_t)len) {
		*err = xasprintf("%s: %s", path, strerror(errno));
		rc = -1;
	}
	if (fd >= 0)
		close(fd);
	return rc;
}

/* Is the tree loadable from a copy of ServerRoot?  NULL, or why not. */
static char *
stage_unfaithful(const char *sr, const struct wr_tree *tree,
    const struct wr_file *f, size_t n)
{
	size_t	i;

	if (!wr_under(tree->main_config, sr))
		return xstrdup(tree->main_config);
	for (i = 0; i < tree->nfiles; i++) {
		if (!wr_under(tree->files[i], sr))
			return xstrdup(tree->files[i]);
	}
	for (i = 0; i < n; i++) {
		if (!wr_under(f[i].real, sr))
			return xstrdup(f[i].real);
	}
	return NULL;
}

static char *
stage_bin(const struct wr_opts *o)
{
	char	*bin;

	if (o->apache_bin != NULL)
		return xstrdup(o->apache_bin);
	if (strcmp(o->root, "/") != 0)
		return NULL;
	bin = wr_find_bin("apache2");
	if (bin == NULL)
		bin = wr_find_bin("httpd");
	return bin;
}

/* Apache's complaint in one line: "AH00526: Syntax error on line N of
 * FILE:" and, on the next line, what is wrong. */
static char *
stage_summary(const char *s)
{
	struct buf	b = { 0 };
	size_t		n;
	int		lines;

	for (lines = 0; s != NULL && *s != '\0' && lines < 2; lines++) {
		while (*s == '\n')
			s++;
		n = strcspn(s, "\n");
		if (b.len > 0)
			buf_addc(&b, ' ');
		buf_add(&b, s, n);
		s += n;
	}
	return b.len > 0 ? buf_steal(&b) : xstrdup("no message");
}

/* Apache's own check on the stage.  Debian's config needs ${APACHE_*}
 * from envvars, as apache2ctl sets them; apache2ctl also creates the run
 * and lock directories, which the check wants to exist: the stage points
 * them at a private directory rather than creating live ones. */
static int
stage_run(const struct wr_opts *o, const char *bin, const char *stage,
    const char *run, const char *main_cfg, struct buf *out, char **err)
{
	struct stat	 st;
	char		*envvars = xasprintf("%s/envvars", stage);
	int		 r;

	if (lstat(envvars, &st) == 0 && S_ISREG(st.st_mode)) {
		static char script[] = ". \"$1\"; APACHE_RUN_DIR=$2;"
		    " APACHE_LOCK_DIR=$2; export APACHE_RUN_DIR"
		    " APACHE_LOCK_DIR; shift 2; exec \"$@\"";
		char *argv[] = { "sh", "-c", script, "sh", envvars,
		    (char *)run, (char *)bin, "-t", "-d", (char *)stage, "-f",
		    (char *)main_cfg, NULL };

		r = wr_run(argv, o->root, wr_timeout_of(o), out, err);
	} else {
		char *argv[] = { (char *)bin, "-t", "-d", (char *)stage, "-f",
		    (char *)main_cfg, NULL };

		r = wr_run(argv, o->root, wr_timeout_of(o), out, err);
	}
	free(envvars);
	return r;
}

int
wr_stage_check(const struct wr_opts *o, const struct wr_tree *tree,
    const struct wr_file *f, size_t n, struct wr_result *res)
{
	struct stage	 s = { 0 };
	struct buf	 out = { 0 };
	const char	*tmpdir;
	char		*bin, *sr = NULL, *abs_sr = NULL, *why, *p;
	char		*top = NULL, *stage = NULL, *run = NULL;
	char		*main_cfg = NULL, *err = NULL;
	size_t		 i;
	int		 rc = 0, r;

	bin = stage_bin(o);
	if (bin == NULL) {
		if (strcmp(o->root, "/") == 0)
			vec_push(&res->notes, xstrdup("staged check skipped:"
			    " neither apache2 nor httpd found"));
		return 0;
	}
	p = wr_find_bin(bin);
	if (p == NULL) {
		res->error = xasprintf("%s: not found or not executable", bin);
		free(bin);
		return -1;
	}
	free(bin);
	bin = p;
	if (tree == NULL || tree->server_root == NULL ||
	    tree->main_config == NULL) {
		vec_push(&res->notes, xstrdup("staged check skipped: the"
		    " loaded tree is not known"));
		goto out;
	}
	sr = xstrdup(tree->server_root);
	for (i = strlen(sr); i > 1 && sr[i - 1] == '/'; i--)
		sr[i - 1] = '\0';
	why = stage_unfaithful(sr, tree, f, n);
	if (why != NULL) {
		vec_push(&res->notes, xasprintf("staged check skipped: %s lies"
		    " outside ServerRoot %s, so a copy of ServerRoot is not"
		    " what Apache loads; relying on the check after writing",
		    why, sr));
		free(why);
		goto out;
	}
	abs_sr = wr_join(o->root, sr);
	tmpdir = getenv("TMPDIR");
	top = xasprintf("%s/vhostfix-stage-XXXXXX",
	    tmpdir != NULL && *tmpdir == '/' ? tmpdir : "/tmp");
	if (mkdtemp(top) == NULL) {
		res->error = xasprintf("%s: cannot create the staging"
		    " directory: %s", top, strerror(errno));
		free(top);
		top = NULL;
		rc = -1;
		goto out;
	}
	stage = xasprintf("%s/conf", top);
	run = xasprintf("%s/run", top);
	if (mkdir(stage, 0700) < 0 || mkdir(run, 0700) < 0) {
		err = xasprintf("%s: %s", top, strerror(errno));
		goto copy_failed;
	}
	s.src = abs_sr;
	s.dst = stage;
	if (stage_copy_dir(&s, abs_sr, stage, 0) < 0) {
		vec_push(&res->notes, xasprintf("staged check skipped: cannot"
		    " copy ServerRoot: %s", s.err));
		goto out;
	}
	why = NULL;
	for (i = 0; i < tree->nfiles + 1 && why == NULL; i++) {
		const char *lf = i < tree->nfiles ? tree->files[i] :
		    tree->main_config;

		p = xasprintf("%s%s", stage, lf + strlen(sr));
		r = stage_fix_text(p, lf, &why, &err);
		free(p);
		if (r < 0)
			goto copy_failed;
	}
	if (why != NULL)
		goto unfaithful;
	main_cfg = xasprintf("%s%s", stage, tree->main_config + strlen(sr));

	/* First the copy as it is: if Apache rejects it already, something
	 * of the live system is missing from it (or the live tree is
	 * broken), and its verdict on the change would mean nothing. */
	r = stage_run(o, bin, stage, run, main_cfg, &out, &err);
	if (r < 0)
		goto run_failed;
	if (r != 0) {
		p = stage_summary(out.data);
		vec_push(&res->notes, xasprintf("staged check skipped: Apache"
		    " rejects the copy even without the change (%s); relying"
		    " on the check after writing", p));
		free(p);
		goto out;
	}
	buf_free(&out);
	for (i = 0; i < n && why == NULL; i++) {
		p = xasprintf("%s%s", stage, f[i].real + strlen(sr));
		r = stage_write(p, f[i].new_text, f[i].new_len, &err);
		if (r == 0)
			r = stage_fix_text(p, f[i].real, &why, &err);
		free(p);
		if (r < 0)
			goto copy_failed;
	}
	if (why != NULL)
		goto unfaithful;
	r = stage_run(o, bin, stage, run, main_cfg, &out, &err);
	if (r < 0)
		goto run_failed;
	if (r != 0) {
		res->test_output = buf_steal(&out);
		rc = 1;
	} else
		vec_push(&res->notes, xasprintf("staged check passed: %s -t"
		    " on a copy of %s", bin, sr));
	goto out;
unfaithful:
	vec_push(&res->notes, xasprintf("staged check skipped: %s; relying on"
	    " the check after writing", why));
	free(why);
	goto out;
run_failed:
	res->error = err;
	err = NULL;
	rc = -1;
	goto out;
copy_failed:
	vec_push(&res->notes, xasprintf("staged check skipped: cannot"
	    " prepare the copy: %s", err));
out:
	if (top != NULL)
		wr_rmtree(top);
	buf_free(&out);
	free(err);
	free(s.err);
	free(top);
	free(stage);
	free(run);
	free(main_cfg);
	free(abs_sr);
	free(sr);
	free(bin);
	return rc;
}
