/* proxy-worker.c: which socket a request of a ProxyPass really reaches
 * (socket-label-shared), from mod_proxy's workers. */
#include "config.h"

#include <ctype.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "proxy.h"

/* mod_proxy's workers as Apache builds them (proxy_util.c get_worker_ex,
 * define_worker_ex; measured on 2.4.71): a worker is named by the URL after
 * "|" (scheme and host lowercased) and holds the socket of the line that
 * created it.  A later ProxyPass or <Proxy> whose URL starts with an
 * existing name (the longest) reuses that worker and its socket; a
 * ProxyPassMatch shares only an identical name.  At request time the
 * longest name that prefixes the mapped URL wins, a ProxyPassMatch name
 * matching with each $N as a wildcard (and only URLs at least as long as
 * the name, "$1" counted as two characters).  The main server's workers
 * come first. */
struct px_worker {
	char			*name;
	const char		*socket;	/* NULL: TCP */
	int			 match;		/* ProxyPassMatch: $N inside */
	const struct cf_node	*node;		/* the line that created it */
	const char		*path;		/* its ProxyPass path, or NULL */
	int			 server_level;
};

static char *
worker_name(const char *url)
{
	char	*s = xstrdup(url), *p, *end;

	p = strstr(s, "://");
	end = p ? p + 3 + strcspn(p + 3, "/") : s;
	for (p = s; p < end; p++)
		*p = (char)tolower((unsigned char)*p);
	return s;
}

/* ap_proxy_strcmp_ematch(): "$N" in the name matches anything. */
static int
ematch(const char *str, const char *pat)
{
	for (; *pat; pat++, str++) {
		if (pat[0] == '$' && isdigit((unsigned char)pat[1])) {
			pat += 2;
			for (;; str++) {
				if (ematch(str, pat))
					return 1;
				if (*str == '\0')
					return 0;
			}
		}
		if (*str != *pat)
			return 0;
	}
	return 1;	/* a prefix is enough */
}

static int
worker_matches(const struct px_worker *w, const char *url)
{
	size_t	ln = strlen(w->name);

	if (ln > strlen(url))
		return 0;
	return w->match ? ematch(url, w->name) : strncmp(url, w->name,
	    ln) == 0;
}

/* The worker a URL gets: the longest match, the first among equals.
 * level: only the main server's (1) or the vhost's (0) workers: while
 * Apache reads a vhost it sees only that vhost's own; -1: all of them,
 * the main server's first (as merged for requests). */
static struct px_worker *
worker_find(const struct vec *ws, const char *url, int level)
{
	struct px_worker	*best = NULL;
	size_t			 i;

	for (i = 0; i < ws->n; i++) {
		struct px_worker	*w = ws->v[i];

		if (level >= 0 && w->server_level != level)
			continue;
		if (worker_matches(w, url) && (best == NULL ||
		    strlen(w->name) > strlen(best->name)))
			best = w;
	}
	return best;
}

struct worker_def {
	const char		*url;		/* as written, unix: kept */
	const struct cf_node	*node;
	const char		*path;
	int			 match;
	int			 server_level;
	size_t			 pass;		/* index in passes, or -1 */
};

static void
def_add(struct vec *defs, const char *url, const struct cf_node *node,
    const char *path, int match, int server_level, size_t pass)
{
	struct worker_def	*d = xcalloc(1, sizeof *d);

	d->url = url;
	d->node = node;
	d->path = path;
	d->match = match;
	d->server_level = server_level;
	d->pass = pass;
	vec_push(defs, d);
}

/* Every worker definition in Apache's order: the main server's, then the
 * vhost's, each in file order. */
static void
defs_collect(const struct px_vhost *p, struct vec *defs)
{
	int	lvl;
	size_t	i, j;

	for (lvl = 1; lvl >= 0; lvl--) {
		const struct vec	*dirs = lvl || p->vhost == NULL ?
		    &p->config->server_dirs : &p->vhost->dirs;

		if (!lvl && p->vhost == NULL)
			break;
		for (i = 0; i < dirs->n; i++) {
			const struct cf_dir	*d = dirs->v[i];

			if (d->node->kind == CF_SECTION &&
			    conf_is(d->node, "Proxy") && d->nargs >= 1)
				def_add(defs, d->args[0], d->node, NULL, 0,
				    lvl, (size_t)-1);
			else if (conf_is(d->node, "ProxyPassMatch") &&
			    d->ctx == NULL && d->nargs >= 2)
				def_add(defs, d->args[1], d->node, d->args[0],
				    1, lvl, (size_t)-1);
			else if (conf_is(d->node, "ProxyPass")) {
				for (j = 0; j < p->passes.n; j++) {
					const struct px_pass	*pp =
					    p->passes.v[j];

					if (pp->dir == d)
						def_add(defs, NULL, d->node,
						    pp->path, 0, lvl, j);
				}
			}
		}
	}
}

static void
worker_free(void *v)
{
	struct px_worker	*w = v;

	free(w->name);
	free(w);
}

int
px_label_conflict(const struct px_vhost *p, size_t i,
    struct px_conflict *out)
{
	const struct px_pass	*b = p->passes.v[i];
	struct vec		 defs = { 0 }, ws = { 0 };
	struct px_worker	*own = NULL;
	struct px_url		 u;
	size_t			 k, m;
	int			 found = 0;

	memset(out, 0, sizeof *out);
	if (b->server_level || b->url.bad_syntax || b->url.scheme == PX_NONE ||
	    !p->has_sockets)
		return 0;
	defs_collect(p, &defs);
	for (k = 0; k < defs.n; k++) {
		struct worker_def	*d = defs.v[k];
		struct px_worker	*w;
		const char		*sock, *backend;
		char			*name;

		if (d->pass != (size_t)-1) {
			const struct px_pass	*pp = p->passes.v[d->pass];

			if (pp->url.scheme == PX_NONE || pp->url.bad_syntax)
				continue;
			sock = pp->url.socket;
			backend = pp->url.backend;
			u.socket = NULL;
		} else {
			px_url_parse(d->url, &u);
			sock = u.socket;
			backend = u.backend;
		}
		name = worker_name(backend);
		w = d->match ? NULL : worker_find(&ws, name,
		    d->server_level);
		for (m = 0; d->match && m < ws.n; m++)
			if (((struct px_worker *)ws.v[m])->server_level ==
			    d->server_level && strcmp(((struct px_worker *)
			    ws.v[m])->name, name) == 0)
				w = ws.v[m];
		if (w == NULL) {
			w = xcalloc(1, sizeof *w);
			w->name = name;
			/* A <Proxy>'s or ProxyPassMatch's socket is
			 * kept as written: "path|url". */
			w->socket = sock == NULL ? NULL : d->pass !=
			    (size_t)-1 ? sock : d->url + 5;
			w->match = d->match;
			w->server_level = d->server_level;
			w->node = d->node;
			w->path = d->path;
			vec_push(&ws, w);
		} else
			free(name);
		if (d->pass == i)
			own = w;
		if (d->pass == (size_t)-1)
			px_url_free(&u);
	}
	if (own == NULL)
		goto out;
	{
		/* At request time the main server's workers come first: an
		 * equal name there wins over the vhost's own. */
		char			*url = worker_name(b->url.backend);
		struct px_worker	*got = worker_find(&ws, url, -1);

		if (got != NULL && strlen(got->name) >= strlen(own->name))
			own = got;
		free(url);
	}
	/* Compare sockets by path: a <Proxy>'s is "path|url" as written. */
#define SOCK_EQ(ws_, ps_) (((ws_) == NULL && (ps_) == NULL) || \
	((ws_) != NULL && (ps_) != NULL && strncmp((ws_), (ps_), \
	strlen(ps_)) == 0 && ((ws_)[strlen(ps_)] == '\0' || \
	(ws_)[strlen(ps_)] == '|')))
	if (!SOCK_EQ(own->socket, b->url.socket)) {
		out->shares = 1;
		out->other_node = own->node;
		out->other_socket = own->socket;
		out->example = xstrdup(b->path);
		found = 1;
		goto out;
	}
	{
		char	*url = worker_name(b->url.backend);
		size_t	 lu = strlen(url);

		for (k = 0; k < ws.n && !found; k++) {
			struct px_worker	*w = ws.v[k];
			const char		*dollar;
			size_t			 lx;

			if (w == own || SOCK_EQ(w->socket, b->url.socket) ||
			    strlen(w->name) <= strlen(own->name))
				continue;
			dollar = w->match ? strchr(w->name, '$') : NULL;
			lx = dollar ? (size_t)(dollar - w->name) :
			    strlen(w->name);
			if (strncmp(w->name, url, lx < lu ? lx : lu) != 0)
				continue;
			/* Requests under the pass reach w's socket. */
			out->other_node = w->node;
			out->other_socket = w->socket;
			out->other_path = w->path;
			/* "y/z": long enough for a "$1" wildcard. */
			out->example = lx > lu ? xasprintf("%s%.*s%s",
			    b->path, (int)(lx - lu), w->name + lu, dollar ?
			    "y/z" : "") : xasprintf("%s%s", b->path, dollar ?
			    "y/z" : "");
			found = 1;
		}
		free(url);
	}
#undef SOCK_EQ
out:
	vec_free_all(&defs, free);
	vec_free_all(&ws, worker_free);
	return found;
}

int
px_label_shared(const struct px_vhost *p, size_t i)
{
	struct px_conflict	c;
	int			r = px_label_conflict(p, i, &c);

	free(c.example);
	return r;
}

/* An argument as written, without its quotes: start and length. */
static const char *
arg_bare(const char *a, size_t *len)
{
	size_t	n = strlen(a);

	if (n >= 2 && (a[0] == '"' || a[0] == '\'') && a[n - 1] == a[0]) {
		*len = n - 2;
		return a + 1;
	}
	*len = n;
	return a;
}

/* Does the balancer name arg (as written) name the balancer host h? */
static int
balancer_is(const char *arg, const char *h, size_t hl)
{
	size_t		 n;
	const char	*a = arg_bare(arg, &n);

	if (n < 11 || strncasecmp(a, "balancer://", 11) != 0)
		return 0;
	a += 11;
	n -= 11;
	while (n > 0 && a[n - 1] == '/')
		n--;
	return n == hl && strncasecmp(a, h, hl) == 0;
}

static const struct cf_node *
member_slash_in(const struct cf_node *sec, const char *h, size_t hl,
    int inside, const char **member, size_t *mlen)
{
	size_t	i;

	for (i = 0; i < sec->nkids; i++) {
		const struct cf_node	*k = sec->kids[i];
		const char		*u;
		size_t			 n;

		if (k->kind == CF_SECTION) {
			int	in = conf_is(k, "Proxy") ? k->nargs > 0 &&
				    balancer_is(k->args[0], h, hl) : inside;
			const struct cf_node	*r;

			if ((r = member_slash_in(k, h, hl, in, member,
			    mlen)) != NULL)
				return r;
			continue;
		}
		if (!conf_is(k, "BalancerMember") || k->nargs == 0)
			continue;
		if (inside && strncasecmp(arg_bare(k->args[0], &n),
		    "balancer://", 11) != 0)
			u = arg_bare(k->args[0], &n);
		else if (k->nargs > 1 && balancer_is(k->args[0], h, hl))
			u = arg_bare(k->args[1], &n);
		else
			continue;
		if (n > 0 && u[n - 1] == '/' && strstr(u, "://") != NULL) {
			*member = u;
			*mlen = n;
			return k;
		}
	}
	return NULL;
}

const struct cf_node *
px_balancer_member_slash(const struct cf_config *c, const char *url,
    const char **member, size_t *mlen)
{
	const char	*h;
	size_t		 hl, i;

	if (c == NULL || strncasecmp(url, "balancer://", 11) != 0)
		return NULL;
	h = url + 11;
	hl = strcspn(h, "/");
	for (i = 0; i < c->files.n; i++) {
		const struct cf_file	*f = c->files.v[i];
		const struct cf_node	*r;

		if ((r = member_slash_in(&f->top, h, hl, 0, member,
		    mlen)) != NULL)
			return r;
	}
	return NULL;
}
