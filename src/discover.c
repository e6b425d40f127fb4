/* discover.c: which files Apache loads, and what is in effect.
 *
 * Apache reads its configuration top to bottom and acts on some directives
 * while reading: Define/UnDefine, ServerRoot, LoadModule, Include and the
 * <If*> sections are evaluated at that moment (EXEC_ON_READ), so a module
 * loaded later does not satisfy an earlier <IfModule>.  We walk the files
 * in the same order, keep the same state, and record the directives in
 * effect for each <VirtualHost> and for the main server.
 *
 * Paths: every path is root-relative, resolved inside the root by path.c
 * (never by the kernel), so nothing outside the root is ever opened. */
#include "config.h"

#include <errno.h>
#include <fnmatch.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "augw.h"
#include "conf.h"
#include "model.h"
#include "path.h"
#include "prefetch.h"
#include "scan.h"

/* Bigger than any sane config.  A file the fast scanner cannot take goes
 * to Augeas whole, which took 22 s for 1 MB of continuation lines and
 * crashed (stack overflow) on 16 MB; every edit is re-checked by Augeas
 * too, which took 6 s and 860 MB for one vhost of a 12 MB file the fast
 * scanner reads.  Past these sizes a file is refused with a message
 * rather than left to hang or crash. */
#define DISC_MAX_FILE	(12u << 20)
#define DISC_MAX_AUGEAS	(512u << 10)
#define DISC_MAX_DEPTH	64		/* Apache stops at 128 */
#define DISC_MAX_FILES	200000

/* Modules compiled into Debian's and RHEL's httpd (apache2 -l). */
static const char *const static_modules[] = {
	"core.c", "core_module", "mod_so.c", "so_module", "http_core.c",
	"http_module", "mod_watchdog.c", "watchdog_module", "mod_log_config.c",
	"log_config_module", "mod_logio.c", "logio_module", "mod_version.c",
	"version_module", "mod_unixd.c", "unixd_module",
};

struct ctx {
	struct cf_vhost	*vhost;
	struct cf_node	*loc;
	char		*loc_path;
};

struct disc {
	struct cf_config	*c;
	struct augw		*w;		/* opened on first use */
	int			 augeas_only;	/* VHOSTFIX_PARSER=augeas */
	char			*dir_rel;	/* last directory resolved ... */
	char			*dir_real;	/* ... and its real path */
	struct strmap		 seen;		/* real path -> struct cf_file */
	struct prefetch		*pf;		/* a glob's files read ahead */
	char			*pf_dir;	/* ... in this real directory */
	const char		*pf_name;	/* the one process_path has */
	size_t			 pf_slot;	/* ... its slot, or -1 */
	char			*augw_err;
	struct vec		 stack;		/* struct cf_file * being read */
	struct vec		 dirs;		/* char *: directories read */
	int			 root_is_slash;
};

static void	problem(struct disc *, const struct cf_node *, int,
		    const char *, ...) __attribute__((format(printf, 4, 5)));

static void
problem(struct disc *d, const struct cf_node *at, int is_error,
    const char *fmt, ...)
{
	struct cf_problem	*p = xcalloc(1, sizeof *p);
	va_list			 ap;

	va_start(ap, fmt);
	p->message = xvasprintf(fmt, ap);
	va_end(ap);
	p->is_error = is_error;
	if (at != NULL) {
		p->file = xstrdup(at->file->path);
		p->line = at->line;
	}
	vec_push(&d->c->problems, p);
}

/* The files of one directory (a glob, sites-enabled) share their parent:
 * resolve it once, then only the last component. */
static char *
resolve_cached(struct disc *d, const char *rel, struct stat *st,
    int *have_st)
{
	const char	*slash = strrchr(rel, '/');
	size_t		 n = slash ? (size_t)(slash - rel) : 0;
	char		*r;

	*have_st = 0;
	if (slash == NULL || n == 0 || strcmp(slash + 1, "..") == 0 ||
	    strcmp(slash + 1, ".") == 0 || slash[1] == '\0')
		return conf_resolve(d->c, rel);
	if (d->dir_rel == NULL || strlen(d->dir_rel) != n ||
	    strncmp(d->dir_rel, rel, n) != 0) {
		char	*dir = xstrndup(rel, n), *dr = conf_resolve(d->c, dir);

		if (dr == NULL) {
			free(dir);
			return conf_resolve(d->c, rel);
		}
		free(d->dir_rel);
		free(d->dir_real);
		d->dir_rel = dir;
		d->dir_real = dr;
	}
	r = path_resolve_stat(d->c, d->dir_real, slash + 1, st, have_st);
	return r;
}

static int
has_wildcard(const char *s)
{
	return strpbrk(s, "*?[") != NULL;
}

static int	process_path(struct disc *, const char *, const struct cf_node *,
		    int, struct ctx *, int);

/* Include of a directory: every file in it, recursively, sorted. */
static void
process_dir(struct disc *d, const char *rel, const struct cf_node *at,
    struct ctx *ctx, int depth)
{
	struct vec	names = { 0 };
	size_t		i;

	if (path_list_dir(d->c, rel, &names) != 0) {
		problem(d, at, 1, "cannot read directory %s: %s", rel,
		    strerror(errno));
		return;
	}
	for (i = 0; i < names.n; i++) {
		char	*p = path_join(rel, names.v[i]);

		process_path(d, p, at, 1, ctx, depth + 1);
		free(p);
	}
	vec_free_all(&names, free);
}

/* Expand a wildcard pattern component by component.  Returns the number of
 * paths processed. */
static size_t
process_glob(struct disc *d, const char *dir, const char *pattern,
    const struct cf_node *at, struct ctx *ctx, int depth)
{
	const char	*slash;
	char		*comp, *here;
	struct vec	 names = { 0 };
	size_t		 i, n = 0;
	struct stat	 st;

	while (*pattern == '/')
		pattern++;
	if (*pattern == '\0') {
		process_path(d, dir, at, 1, ctx, depth);
		return 1;
	}
	slash = strchr(pattern, '/');
	comp = slash ? xstrndup(pattern, (size_t)(slash - pattern)) :
	    xstrdup(pattern);
	if (!has_wildcard(comp)) {
		here = path_join(dir, comp);
		n = process_glob(d, here, slash ? slash : "", at, ctx, depth);
		free(here);
		free(comp);
		return n;
	}
	if (path_list_dir(d->c, dir, &names) == 0) {
		struct vec	 match = { 0 };
		int		 own = 0;
	
		/* apr_fnmatch with APR_FNM_PERIOD, as Apache. */
		for (i = 0; i < names.n; i++)
			if (fnmatch(comp, names.v[i], FNM_PERIOD) == 0)
				vec_push(&match, names.v[i]);
		/* The files of the last component (sites-enabled/\*.conf)
		 * read ahead while they are parsed; one reader at a time. */
		if (slash == NULL && d->pf == NULL &&
		    match.n >= PREFETCH_MIN &&
		    (d->pf_dir = conf_resolve(d->c, dir)) != NULL) {
			char	*adir = conf_abs(d->c, d->pf_dir);

			d->pf = prefetch_start(adir, (char *const *)match.v,
			    match.n, DISC_MAX_FILE);
			free(adir);
			if (d->pf != NULL)
				own = 1;
			else {
				free(d->pf_dir);
				d->pf_dir = NULL;
			}
		}
		for (i = 0; i < match.n; i++) {
			char	*abs, *real;

			here = path_join(dir, match.v[i]);
			real = slash != NULL ? conf_resolve(d->c, here) : NULL;
			abs = real != NULL ? conf_abs(d->c, real) : NULL;
			free(real);
			if (slash != NULL && (abs == NULL ||
			    stat(abs, &st) != 0 || !S_ISDIR(st.st_mode))) {
				free(abs);
				free(here);
				continue;
			}
			free(abs);
			if (own) {
				d->pf_slot = i;
				d->pf_name = match.v[i];
			}
			n += process_glob(d, here, slash ? slash : "", at, ctx,
			    depth);
			d->pf_slot = (size_t)-1;
			free(here);
		}
		if (own) {
			prefetch_end(d->pf);
			d->pf = NULL;
			free(d->pf_dir);
			d->pf_dir = NULL;
		}
		vec_free(&match);
	} else if (errno == EXDEV)
		problem(d, at, 1, "%s: Include leaves the root; not followed",
		    dir);
	vec_free_all(&names, free);
	free(comp);
	return n;
}

/* Files by real path: discovery stays linear in the number of files
 * (hosting servers have thousands). */
static struct cf_file *
find_file(struct disc *d, const char *real)
{
	return strmap_get(&d->seen, real);
}

static void
remember_file(struct disc *d, struct cf_file *f)
{
	*strmap_at(&d->seen, f->real) = f;
}

static void	walk(struct disc *, struct cf_node **, size_t, struct ctx *,
		    int);

/* Did the glob's reader read this very file (real, st)?  Then its text
 * is taken into f. */
static int
prefetched(struct disc *d, const char *real, const struct stat *st,
    struct cf_file *f)
{
	size_t	slot = d->pf_slot, n;
	int	took = 0;

	d->pf_slot = (size_t)-1;
	if (d->pf == NULL || slot == (size_t)-1)
		return 0;
	n = strlen(d->pf_dir);
	if (strncmp(real, d->pf_dir, n) == 0 && real[n] == '/' &&
	    strcmp(real + n + 1, d->pf_name) == 0)
		took = prefetch_take(d->pf, slot, st, &f->text, &f->len,
		    &f->st);
	return took;
}

static struct cf_file *
load_file(struct disc *d, const char *rel, const char *real,
    const struct stat *st, const struct cf_node *at)
{
	struct cf_file	*f;
	char		*abs;
	size_t		 i;

	if (d->c->files.n >= DISC_MAX_FILES) {
		problem(d, at, 1, "%s: more than %d files included", rel,
		    DISC_MAX_FILES);
		return NULL;
	}
	f = xcalloc(1, sizeof *f);
	f->path = xstrdup(rel);
	f->real = xstrdup(real);
	f->abspath = abs = conf_abs(d->c, real);
	/* A FIFO would block the read forever: util_read_file refuses
	 * it (EINVAL) without blocking. */
	if (!prefetched(d, real, st, f) && util_read_file_stat(abs,
	    DISC_MAX_FILE, &f->text, &f->len, &f->st) != 0) {
		problem(d, at, 1, "%s: %s", rel, errno == EFBIG ?
		    "file too large (over 12 MB): not read" : errno ==
		    EINVAL ? "not a regular file (a FIFO, socket or device): "
		    "not read" : strerror(errno));
		free(f->path);
		free(f->real);
		free(f->abspath);
		free(f);
		return NULL;
	}
	remember_file(d, f);
	vec_push(&d->c->files, f);
	conf_index_lines(f);
	if (memchr(f->text, '\0', f->len) != NULL) {
		/* Apache reads such a file as text and fails on it; Augeas
		 * would stop at the NUL and see a shorter file. */
		f->parse_failed = 1;
		f->err_line = conf_line_of(f,
		    (size_t)((char *)memchr(f->text, '\0', f->len) - f->text));
		f->err_msg = xstrdup("contains NUL bytes (not a text file)");
		return f;
	}
	for (i = 0; i + 1 < f->len; i++)
		if (f->text[i] == '\r' && f->text[i + 1] == '\n') {
			f->crlf = 1;
			break;
		}
	if (!d->augeas_only && scan_parse(f) == 0)
		return f;
	if (f->len > DISC_MAX_AUGEAS) {
		f->parse_failed = 1;
		f->err_line = 1;
		f->err_msg = xasprintf("%zu KB that only the full Augeas parse"
		    " reads (continuation lines, or syntax the fast reader"
		    " does not take); over 512 KB that takes minutes or"
		    " crashes, so the file is not analysed", f->len >> 10);
		return f;
	}
	if (d->w == NULL && d->augw_err == NULL)
		d->w = augw_open(&d->augw_err);
	if (d->w == NULL) {
		f->parse_failed = 1;
		f->err_line = 1;
		f->err_msg = xstrdup(d->augw_err);
		return f;
	}
	augw_parse(d->w, f);
	return f;
}

/* Process one concrete path (no wildcards left): a file or a directory. */
static int
process_path(struct disc *d, const char *rel, const struct cf_node *at,
    int optional, struct ctx *ctx, int depth)
{
	char		*real, *abs;
	struct stat	 st;
	struct cf_file	*f;
	size_t		 i;
	int		 have_st;

	if (depth > DISC_MAX_DEPTH) {
		problem(d, at, 1, "%s: includes nested more than %d deep", rel,
		    DISC_MAX_DEPTH);
		return -1;
	}
	real = resolve_cached(d, rel, &st, &have_st);
	if (real == NULL) {
		if (errno == EXDEV)
			problem(d, at, 1, "%s: Include leaves the root; not "
			    "followed", rel);
		else if (errno != ENOENT || !optional)
			problem(d, at, 1, "%s: %s", rel, errno == ELOOP ?
			    "symbolic link loop" : strerror(errno));
		return -1;
	}
	/* The resolution's own lstat() of a file that is not a link is
	 * its stat(). */
	abs = have_st ? NULL : conf_abs(d->c, real);
	if (!have_st && stat(abs, &st) != 0) {
		if (errno != ENOENT || !optional)
			problem(d, at, 1, "%s: %s", rel, strerror(errno));
		free(abs);
		free(real);
		return -1;
	}
	free(abs);
	if (S_ISDIR(st.st_mode)) {
		/* Each directory once: its files would be skipped as already
		 * read anyway, and a link back into it (conf.d/again -> .)
		 * would double the work at every level. */
		for (i = 0; i < d->dirs.n; i++)
			if (strcmp(d->dirs.v[i], real) == 0) {
				free(real);
				return 0;
			}
		vec_push(&d->dirs, real);
		process_dir(d, rel, at, ctx, depth);
		return 0;
	}
	for (i = 0; i < d->stack.n; i++) {
		f = d->stack.v[i];
		if (strcmp(f->real, real) == 0) {
			problem(d, at, 1, "%s: Include loop (the file includes "
			    "itself through %s)", rel, at ? at->file->path :
			    rel);
			free(real);
			return -1;
		}
	}
	if (!S_ISREG(st.st_mode)) {
		/* Not opened at all: a FIFO would block the read, a device
		 * may act on an open. */
		problem(d, at, 1, "%s: not a regular file (a FIFO, socket or "
		    "device): not read", rel);
		free(real);
		return -1;
	}
	if (find_file(d, real) != NULL) {
		/* Already read (a second glob or Include of the same real
		 * file, e.g. sites-enabled and sites-available): reading it
		 * again would only duplicate its vhosts. */
		free(real);
		return 0;
	}
	f = load_file(d, rel, real, &st, at);
	free(real);
	if (f == NULL)
		return -1;
	if (f->parse_failed)
		return 0;
	vec_push(&d->stack, f);
	walk(d, f->top.kids, f->top.nkids, ctx, depth);
	d->stack.n--;
	return 0;
}

/* An argument as Apache sees it: unquoted, ${VAR} resolved. */
static char *
arg_value(struct disc *d, const char *raw)
{
	char	*u = str_unquote(raw), *e;

	e = conf_expand(d->c, u);
	free(u);
	return e;
}

static char *
server_relative(struct disc *d, const char *path)
{
	if (path[0] == '/')
		return xstrdup(path);
	return path_join(d->c->server_root, path);
}

/* ServerRoot, relative to the current one as Apache takes it.  One that
 * leaves the root is reported and not followed (envvars and the relative
 * Includes are read under it); a missing one is kept as written: every
 * path under it is resolved inside the root before use. */
static void
server_root(struct disc *d, struct cf_node *n)
{
	char	*v = arg_value(d, n->args[0]);
	char	*rel = server_relative(d, v);
	char	*real = conf_resolve(d->c, rel);

	if (real == NULL && errno == EXDEV) {
		problem(d, n, 1, "ServerRoot %s leaves the root; not followed",
		    v);
		free(rel);
	} else {
		free(d->c->server_root);
		d->c->server_root = real != NULL ? real : rel;
		if (real != NULL)
			free(rel);
		model_read_envvars(d->c);
	}
	free(v);
}

static void
do_include(struct disc *d, struct cf_node *n, struct ctx *ctx, int depth)
{
	int	optional = str_caseeq(n->name, "IncludeOptional");
	size_t	i;

	for (i = 0; i < n->nargs; i++) {
		char	*v = arg_value(d, n->args[i]);
		char	*sr = server_relative(d, v);
		char	*rel = path_tidy(sr);

		free(sr);

		if (has_wildcard(rel)) {
			if (process_glob(d, "", rel, n, ctx, depth + 1) == 0 &&
			    !optional && has_wildcard(strrchr(rel, '/')))
				/* Apache 2.4: "No matches for the wildcard"
				 * is an error for Include. */
				problem(d, n, 1, "%s: no file matches", rel);
		} else
			process_path(d, rel, n, optional, ctx, depth + 1);
		free(rel);
		free(v);
	}
}

static void
define(struct disc *d, const char *name, const char *value)
{
	struct vec	*v = &d->c->defines;
	size_t		 i, len = strlen(name);

	for (i = 0; i < v->n; i++) {
		char	*s = v->v[i];

		if (strncmp(s, name, len) == 0 && (s[len] == '=' ||
		    s[len] == '\0')) {
			free(s);
			v->v[i] = v->v[--v->n];
			break;
		}
	}
	if (value != NULL)
		vec_push(v, xasprintf("%s=%s", name, value));
}

static int
is_defined(struct disc *d, const char *name)
{
	size_t	i, len = strlen(name);

	for (i = 0; i < d->c->defines.n; i++) {
		const char	*s = d->c->defines.v[i];

		if (strncmp(s, name, len) == 0 && s[len] == '=')
			return 1;
	}
	return 0;
}

static void
load_module(struct disc *d, struct cf_node *n)
{
	char		*id, *path, *base, *dot;

	if (n->nargs < 2)
		return;
	id = arg_value(d, n->args[0]);
	path = arg_value(d, n->args[1]);
	base = strrchr(path, '/');
	base = base ? base + 1 : path;
	dot = strrchr(base, '.');
	if (dot != NULL)
		*dot = '\0';
	/* <IfModule> takes the identifier or the source file name. */
	if (!conf_has_module(d->c, id)) {
		vec_push(&d->c->modules, id);
		vec_push(&d->c->modules, xasprintf("%s.c", base));
	} else
		free(id);
	free(path);
}

/* Does an <If...> section's condition hold now? */
static int
condition(struct disc *d, struct cf_node *n, int *is_cond)
{
	const char	*name = n->name;
	char		*v;
	int		 neg = 0, r = 1;

	*is_cond = 1;
	if (str_caseeq(name, "IfModule") || str_caseeq(name, "IfDefine") ||
	    str_caseeq(name, "IfFile")) {
		if (n->nargs < 1)
			return 0;
		v = arg_value(d, n->args[0]);
		neg = v[0] == '!';
		if (str_caseeq(name, "IfModule"))
			r = conf_has_module(d->c, v + neg);
		else if (str_caseeq(name, "IfDefine"))
			r = is_defined(d, v + neg);
		else {
			char	*rel = server_relative(d, v + neg);
			char	*real = conf_resolve(d->c, rel);

			/* Resolved inside the root, never by the kernel: an
			 * absolute link would lead out of it. */
			r = real != NULL;
			free(real);
			free(rel);
		}
		free(v);
		return neg ? !r : r;
	}
	/* mod_version is compiled in and every Apache we read is 2.4; the
	 * <IfDirective>/<IfSection> tests hold for the directives we care
	 * about. */
	if (str_caseeq(name, "IfVersion") || str_caseeq(name, "IfDirective") ||
	    str_caseeq(name, "IfSection"))
		return 1;
	*is_cond = 0;
	return 0;
}

static void
add_dir(struct disc *d, struct cf_node *n, struct ctx *ctx)
{
	struct cf_dir	*cd = xcalloc(1, sizeof *cd);
	size_t		 i;

	cd->node = n;
	cd->ctx = ctx->loc;
	cd->ctx_path = ctx->loc_path ? xstrdup(ctx->loc_path) : NULL;
	cd->nargs = n->nargs;
	cd->args = xcalloc(n->nargs + 1, sizeof *cd->args);
	for (i = 0; i < n->nargs; i++)
		cd->args[i] = arg_value(d, n->args[i]);
	vec_push(ctx->vhost ? &ctx->vhost->dirs : &d->c->server_dirs, cd);
}

static void
walk(struct disc *d, struct cf_node **kids, size_t nkids, struct ctx *ctx,
    int depth)
{
	size_t	i;

	for (i = 0; i < nkids; i++) {
		struct cf_node	*n = kids[i];
		int		 is_cond;

		if (n->kind == CF_DIRECTIVE) {
			if (conf_is(n, "Include") ||
			    conf_is(n, "IncludeOptional"))
				do_include(d, n, ctx, depth);
			else if (conf_is(n, "Define") && n->nargs >= 1) {
				char	*k = arg_value(d, n->args[0]);
				char	*v = n->nargs > 1 ?
				    arg_value(d, n->args[1]) : xstrdup("");

				define(d, k, v);
				free(k);
				free(v);
			} else if (conf_is(n, "UnDefine") && n->nargs >= 1) {
				char	*k = arg_value(d, n->args[0]);

				define(d, k, NULL);
				free(k);
			} else if (conf_is(n, "LoadModule"))
				load_module(d, n);
			else if (conf_is(n, "ServerRoot") && n->nargs >= 1 &&
			    ctx->vhost == NULL)
				server_root(d, n);
			else {
				if (ctx->vhost == NULL && n->nargs >= 1 &&
				    (conf_is(n, "User") ||
				    conf_is(n, "Group"))) {
					char	**dst = conf_is(n, "User") ?
					    &d->c->run_user : &d->c->run_group;

					free(*dst);
					*dst = arg_value(d, n->args[0]);
				}
				add_dir(d, n, ctx);
			}
			continue;
		}
		if (condition(d, n, &is_cond)) {
			walk(d, n->kids, n->nkids, ctx, depth);
			continue;
		}
		if (is_cond)
			continue;
		if (conf_is(n, "VirtualHost")) {
			struct ctx	 vctx = { 0 };

			if (ctx->vhost != NULL)
				continue;	/* Apache refuses nesting */
			vctx.vhost = model_new_vhost(d->c, n);
			walk(d, n->kids, n->nkids, &vctx, depth);
			model_finish_vhost(d->c, vctx.vhost);
		} else if ((conf_is(n, "Location") ||
		    conf_is(n, "LocationMatch")) && ctx->loc == NULL) {
			struct ctx	 lctx = *ctx;

			lctx.loc = n;
			lctx.loc_path = n->nargs ? arg_value(d, n->args[0]) :
			    xstrdup("");
			walk(d, n->kids, n->nkids, &lctx, depth);
			free(lctx.loc_path);
		} else if (conf_is(n, "Proxy") && ctx->loc == NULL)
			/* A <Proxy URL> block defines a worker (proxy.c). */
			add_dir(d, n, ctx);
		/* <Macro> bodies are templates, not configuration; <If>,
		 * <Directory>, <Files>, <Proxy> hold nothing we analyse. */
	}
}

int
conf_load(const struct cf_opts *o, struct cf_config **out, char **err)
{
	struct disc	 d = { 0 };
	struct ctx	 top = { 0 };
	struct stat	 st;
	char		*real, *abs, *slash;
	const char	*root = o->root && *o->root ? o->root : "/";
	size_t		 i;
	int		 rc = -1;

	*out = NULL;
	d.pf_slot = (size_t)-1;
	*err = NULL;
	if (stat(root, &st) != 0) {
		*err = xasprintf("--root %s: %s", root, strerror(errno));
		return -1;
	}
	if (!S_ISDIR(st.st_mode)) {
		*err = xasprintf("%s: not a directory (--root needs the "
		    "directory that holds etc/)", root);
		return -1;
	}
	d.c = xcalloc(1, sizeof *d.c);
	d.c->root = realpath(root, NULL);
	if (d.c->root == NULL)
		d.c->root = xstrdup(root);
	for (i = 0; i < sizeof static_modules / sizeof *static_modules; i++)
		vec_push(&d.c->modules, xstrdup(static_modules[i]));
	if (path_find_main(d.c, o->config, err) != 0)
		goto out;
	real = conf_resolve(d.c, d.c->main_config);
	abs = real ? conf_abs(d.c, real) : NULL;
	if (real == NULL || stat(abs, &st) != 0) {
		int	e = errno, under = strcmp(d.c->root, "/") != 0;

		/* Under --root, the file looked for is ROOT/FILE: say so. */
		*err = xasprintf("%s%s%s: %s%s", under ? d.c->root : "",
		    d.c->main_config, o->config != NULL ? " (--config)" : "",
		    e == EXDEV ? "leaves the root" : strerror(e),
		    under && o->config != NULL ? "; --config is read under "
		    "--root" : "");
		free(abs);
		free(real);
		goto out;
	}
	if (S_ISDIR(st.st_mode) || access(abs, R_OK) != 0) {
		*err = xasprintf("%s: %s", d.c->main_config, S_ISDIR(st.st_mode)
		    ? "is a directory, not a configuration file" :
		    strerror(errno));
		free(abs);
		free(real);
		goto out;
	}
	free(abs);
	/* ServerRoot defaults to the main config's directory (Debian's
	 * apache2.conf leaves it commented out; RHEL sets it). */
	d.c->server_root = xstrdup(real);
	slash = strrchr(d.c->server_root, '/');
	if (slash == d.c->server_root)
		slash[1] = '\0';
	else
		*slash = '\0';
	free(real);
	model_read_envvars(d.c);
	d.c->debian = str_startswith(d.c->main_config, "/etc/apache2/");
	/* The full Augeas read, for comparisons with the fast scanner. */
	d.augeas_only = getenv("VHOSTFIX_PARSER") != NULL &&
	    strcmp(getenv("VHOSTFIX_PARSER"), "augeas") == 0;
	process_path(&d, d.c->main_config, NULL, 0, &top, 0);
	if (d.c->files.n == 0) {
		struct cf_problem	*p = d.c->problems.n ?
		    d.c->problems.v[0] : NULL;

		*err = xasprintf("%s", p ? p->message : "cannot read the "
		    "main configuration");
		goto out;
	}
	rc = 0;
out:
	augw_close(d.w);
	free(d.augw_err);
	strmap_free(&d.seen, NULL);
	free(d.dir_rel);
	free(d.dir_real);
	vec_free(&d.stack);
	vec_free_all(&d.dirs, free);
	if (rc == 0)
		*out = d.c;
	else
		conf_free(d.c);
	return rc;
}
