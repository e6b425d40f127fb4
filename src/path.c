/* path.c: root-relative paths, resolved chroot-style.
 *
 * Symbolic links are resolved as if the root were "/" (augtool -r
 * semantics: an absolute link target points inside the root), component by
 * component with lstat and readlink, never by the kernel; ".." above the
 * root is refused.  So nothing outside the root is ever opened. */
#include "config.h"

#include <dirent.h>
#include <errno.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "path.h"

#define PATH_MAX_LINKS	40		/* as the kernel */

/* Join root and a root-relative path. */
char *
conf_abs(const struct cf_config *c, const char *rel)
{
	if (strcmp(c->root, "/") == 0)
		return xstrdup(rel);
	return xasprintf("%s%s", c->root, rel);
}

char *
path_resolve_from(const struct cf_config *c, const char *base,
    const char *rel)
{
	struct stat	st;
	int		have;

	return path_resolve_stat(c, base, rel, &st, &have);
}

char *
path_resolve_stat(const struct cf_config *c, const char *base,
    const char *rel, struct stat *last, int *have_st)
{
	struct buf	 cur = { 0 };
	char		*rest, *p, *comp, *abs;
	char		 target[PATH_MAX];
	struct stat	 st;
	int		 links = 0, have = 0;
	ssize_t		 n;

	rest = xstrdup(rel);
	p = rest;
	buf_add(&cur, "", 0);
	if (strcmp(base, "/") != 0)
		buf_adds(&cur, base);
	while (*p != '\0') {
		while (*p == '/')
			p++;
		if (*p == '\0')
			break;
		comp = p;
		while (*p != '\0' && *p != '/')
			p++;
		if (*p == '/')
			*p++ = '\0';
		have = 0;
		if (strcmp(comp, ".") == 0)
			continue;
		if (strcmp(comp, "..") == 0) {
			char	*slash = strrchr(cur.data, '/');

			if (slash == NULL) {
				if (strcmp(c->root, "/") == 0)
					continue;	/* "/.." is "/" */
				errno = EXDEV;
				goto fail;
			}
			cur.len = (size_t)(slash - cur.data);
			cur.data[cur.len] = '\0';
			continue;
		}
		{
			size_t	keep = cur.len;

			buf_addc(&cur, '/');
			buf_adds(&cur, comp);
			abs = conf_abs(c, cur.data);
			if (lstat(abs, &st) != 0) {
				int	e = errno;

				free(abs);
				/* A missing last component is reported by
				 * the caller with the path it asked for. */
				errno = e;
				goto fail;
			}
			if (!S_ISLNK(st.st_mode)) {
				free(abs);
				*last = st;
				have = 1;
				continue;
			}
			if (++links > PATH_MAX_LINKS) {
				free(abs);
				errno = ELOOP;
				goto fail;
			}
			n = readlink(abs, target, sizeof target - 1);
			free(abs);
			if (n < 0)
				goto fail;
			target[n] = '\0';
			cur.len = keep;
			cur.data[keep] = '\0';
			if (target[0] == '/') {
				cur.len = 0;
				cur.data[0] = '\0';
			}
			{
				char	*nrest = xasprintf("%s/%s", target, p);

				free(rest);
				rest = p = nrest;
			}
		}
	}
	free(rest);
	if (cur.len == 0) {
		buf_adds(&cur, "/");
		have = 0;
	}
	*have_st = have;
	return buf_steal(&cur);
fail:
	free(rest);
	buf_free(&cur);
	return NULL;
}


char *
conf_resolve(const struct cf_config *c, const char *rel)
{
	return path_resolve_from(c, "/", rel);
}

char *
path_join(const char *dir, const char *name)
{
	size_t	n = strlen(dir);

	while (n > 0 && dir[n - 1] == '/')
		n--;
	return xasprintf("%.*s/%s", (int)n, dir, name);
}

char *
path_tidy(const char *p)
{
	struct buf	b = { 0 };

	while (*p != '\0') {
		if (*p == '/') {
			while (*p == '/')
				p++;
			if (p[0] == '.' && (p[1] == '/' || p[1] == '\0')) {
				p++;
				continue;
			}
			if (*p != '\0')
				buf_addc(&b, '/');
			continue;
		}
		buf_addc(&b, *p++);
	}
	if (b.len == 0)
		buf_addc(&b, '/');
	return buf_steal(&b);
}

static int
cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

int
path_list_dir(const struct cf_config *c, const char *rel, struct vec *out)
{
	char		*real = conf_resolve(c, rel), *abs;
	DIR		*dir;
	struct dirent	*e;

	/* Resolved inside the root, never by the kernel: an absolute link
	 * would lead out of it. */
	if (real == NULL)
		return -1;
	abs = conf_abs(c, real);
	free(real);
	dir = opendir(abs);
	free(abs);
	if (dir == NULL)
		return -1;
	while ((e = readdir(dir)) != NULL) {
		if (strcmp(e->d_name, ".") == 0 || strcmp(e->d_name, "..") == 0)
			continue;
		vec_push(out, xstrdup(e->d_name));
	}
	closedir(dir);
	if (out->n > 1)
		qsort(out->v, out->n, sizeof *out->v, cmp_str);
	return 0;
}

/* Where distributions and source builds put the main configuration. */
static const char *const main_configs[] = {
	"/etc/apache2/apache2.conf",
	"/etc/httpd/conf/httpd.conf",
	"/usr/local/apache2/conf/httpd.conf",
	"/usr/local/etc/apache24/httpd.conf",
	"/etc/apache2/httpd.conf",
};

/* A --root that names the configuration directory itself (ROOT/etc/apache2
 * or ROOT/etc/httpd): the length of the ROOT to suggest, or 0. */
static size_t
root_hint_len(const char *root)
{
	static const char *const tails[] = { "/etc/apache2", "/etc/httpd",
	    "/etc" };
	size_t	rl = strlen(root), i, tl;

	for (i = 0; i < sizeof tails / sizeof *tails; i++) {
		tl = strlen(tails[i]);
		if (rl > tl && strcmp(root + rl - tl, tails[i]) == 0)
			return rl - tl;
	}
	return 0;
}

int
path_find_main(struct cf_config *c, const char *given, char **err)
{
	struct buf		 tried = { 0 };
	size_t			 i;

	if (given != NULL) {
		size_t	rl = strlen(c->root);

		/* A path already under the root (tab-completed in a shell)
		 * is taken as the file it names. */
		if (strcmp(c->root, "/") != 0 && strncmp(given, c->root,
		    rl) == 0 && given[rl] == '/')
			given += rl;
		c->main_config = given[0] == '/' ? xstrdup(given) :
		    xasprintf("/%s", given);
		return 0;
	}
	for (i = 0; i < sizeof main_configs / sizeof *main_configs; i++) {
		char		*real = conf_resolve(c, main_configs[i]), *abs;
		struct stat	 st;
		int		 ok;

		abs = real != NULL ? conf_abs(c, real) : NULL;
		ok = abs != NULL && stat(abs, &st) == 0;
		free(abs);
		free(real);
		if (ok) {
			c->main_config = xstrdup(main_configs[i]);
			buf_free(&tried);
			return 0;
		}
		buf_printf(&tried, "%s%s", i ? ", " : "", main_configs[i]);
	}
	*err = xasprintf("no Apache main configuration found under %s (tried "
	    "%s); use --config FILE%s%.*s%s", c->root, tried.data,
	    root_hint_len(c->root) ? " (--root is the directory that holds "
	    "etc/: try --root " : "", (int)root_hint_len(c->root), c->root,
	    root_hint_len(c->root) ? ")" : "");
	buf_free(&tried);
	return -1;
}
