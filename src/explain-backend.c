/* explain-backend.c: steps 3 and 4, the worker, the headers the backend
 * receives, and where a backend redirect sends the visitor (explain.h).
 *
 * - proxy_util.c: a ProxyPass whose URL (after "unix:...|") starts with
 *   the name of an existing worker of its server shares that worker, and
 *   its socket; at request time the longest worker name that starts the
 *   URL wins (the main server's workers first on equal length);
 * - ap_proxy_create_hdrbrgd(): Host is the URL's host[:port] unless
 *   ProxyPreserveHost On passes the visitor's; X-Forwarded-For, -Host (the
 *   visitor's Host header) and -Server (the vhost's ServerName) are
 *   appended to the visitor's own unless ProxyAddHeaders Off. */
#include "config.h"

#include <ctype.h>
#include <regex.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "explain.h"
#include "explain-int.h"

/* A worker of one server, as mod_proxy defines them. */
struct ex_worker {
	char			*name;
	int			 matchable;	/* ProxyPassMatch with "$N" */
	char			*socket;
	const struct cf_node	*node;
};

/* scheme://host[:port] of a URL, lowercased: ap_proxy_get_worker()'s
 * min_match. */
static size_t
authority_len(const char *u)
{
	const char	*p = strstr(u, "://");

	if (p == NULL)
		return 0;
	return (size_t)(p + 3 - u) + strcspn(p + 3, "/?#");
}

static char *
lower_authority(const char *u)
{
	char	*s = xstrdup(u);
	size_t	 i, n = authority_len(s);

	for (i = 0; i < n; i++)
		s[i] = (char)tolower((unsigned char)s[i]);
	return s;
}

/* ap_proxy_define_worker(): the name is the URL, scheme and host
 * lowercased, the scheme's default port left out. */
static char *
worker_name(const char *u)
{
	char	*s = lower_authority(u);
	size_t	 n = authority_len(s);
	char	*colon;

	colon = memchr(s, ':', n);
	if (colon != NULL && (colon = memchr(colon + 1, ':', n - (size_t)
	    (colon + 1 - s))) != NULL) {
		int	port = atoi(colon + 1);

		if ((port == 80 && str_startswith(s, "http://")) ||
		    (port == 443 && str_startswith(s, "https://")))
			memmove(colon, s + n, strlen(s + n) + 1);
	}
	return s;
}

/* ap_proxy_strcmp_ematch(): "$N" in the name matches any text. */
static int
ematch(const char *s, const char *p)
{
	for (; *p != '\0'; p++, s++) {
		if (*p == '$' && isdigit((unsigned char)p[1])) {
			p += 2;
			for (;; s++) {
				if (ematch(s, p))
					return 1;
				if (*s == '\0')
					return 0;
			}
		}
		if (*p == '\\' && (p[1] == '$' || p[1] == '\\'))
			p++;
		if (*s != *p)
			return 0;
	}
	return *s == '\0';
}

/* The longest worker name that starts url (or, for a ProxyPassMatch
 * worker, matches it), with at least its scheme://host[:port]. */
static struct ex_worker *
worker_find(struct vec *ws, const char *url)
{
	char			*u = lower_authority(url);
	size_t			 min = authority_len(u), max = 0, i;
	struct ex_worker	*best = NULL;

	for (i = 0; i < ws->n; i++) {
		struct ex_worker	*w = ws->v[i];
		size_t			 n = strlen(w->name);

		if (n <= strlen(u) && n >= min && n > max &&
		    (w->matchable ? ematch(u, w->name) :
		    strncmp(u, w->name, n) == 0)) {
			best = w;
			max = n;
		}
	}
	free(u);
	return best;
}

/* The workers one server's ProxyPass lines define, in order. */
static void
workers_of(const struct vec *dirs, struct vec *ws)
{
	struct vec	mine = { 0 };
	size_t		i;

	for (i = 0; i < dirs->n; i++) {
		const struct cf_dir	*d = dirs->v[i];
		const char		*arg, *real;
		char			*sock;
		struct ex_worker	*w;

		int			 match = conf_is(d->node,
					    "ProxyPassMatch");

		if (!match && !conf_is(d->node, "ProxyPass"))
			continue;
		if (d->ctx == NULL ? d->nargs < 2 : (d->nargs < 1 ||
		    !explain_is_location(d) || match))
			continue;
		arg = d->args[d->ctx == NULL ? 1 : 0];
		real = explain_de_socketfy(arg, &sock);
		/* A ProxyPassMatch URL with "$N" makes a worker matched as a
		 * pattern, found only by another such URL it matches. */
		match = match && strchr(real, '$') != NULL;
		if (strcmp(real, "!") == 0 || !strstr(real, "://") ||
		    (!match && worker_find(&mine, real) != NULL)) {
			free(sock);
			continue;
		}
		w = xcalloc(1, sizeof *w);
		w->matchable = match;
		w->name = worker_name(real);
		w->socket = sock;
		w->node = d->node;
		vec_push(&mine, w);
	}
	for (i = 0; i < mine.n; i++)
		vec_push(ws, mine.v[i]);
	vec_free(&mine);
}

static void
worker_free(void *p)
{
	struct ex_worker	*w = p;

	free(w->name);
	free(w->socket);
	free(w);
}

/* host[:port] of a URL for Host: lowercased, no default port. */
static char *
url_host(const char *u)
{
	const char	*p = strstr(u, "://");
	char		*h, *q;
	size_t		 n;
	int		 https = strncasecmp(u, "https", 5) == 0;

	if (p == NULL)
		return xstrdup("");
	p += 3;
	n = strcspn(p, "/?#");
	h = xstrndup(p, n);
	for (q = h; *q; q++)
		*q = (char)tolower((unsigned char)*q);
	if ((q = strrchr(h, ':')) != NULL && strchr(q, ']') == NULL &&
	    ((!https && strcmp(q, ":80") == 0) || (https &&
	    strcmp(q, ":443") == 0)))
		*q = '\0';
	return h;
}

static int
dir_flag(const struct ex_ctx *x, const char *name, int dflt)
{
	const struct cf_dir	*d = explain_vhost_directive(x->v, name);

	if (d == NULL)
		d = explain_server_directive(x->c, name);
	return d ? str_caseeq(d->args[0], "on") : dflt;
}

void
explain_backend(struct ex_ctx *x)
{
	struct ex_result	*r = x->r;
	struct vec		 ws = { 0 }, ds = { 0 }, hs = { 0 };
	struct ex_worker	*w;
	const char		*p, *auth_end;
	char			*xfp = NULL;
	size_t			 i;

	if (r->query != NULL && strchr(r->backend_url, '?') == NULL) {
		char	*u = xasprintf("%s?%s", r->backend_url, r->query);

		free(r->backend_url);
		r->backend_url = u;
	}
	r->http = explain_is_url(r->backend_url);
	p = strstr(r->backend_url, "://");
	if (p == NULL) {
		explain_note(r, r->decided.node, "proxy URL %s: not modelled",
		    r->backend_url);
		r->handler = EX_UNKNOWN;
		return;
	}
	auth_end = p + 3 + strcspn(p + 3, "/?#");
	if (*auth_end != '/') {
		/* proxy_http_canon(): the URL gets its "/" before the worker
		 * is looked up ("http://localhost" then matches a worker
		 * named "http://localhost/", verified). */
		char	*u = xasprintf("%.*s/%s", (int)(auth_end -
			    r->backend_url), r->backend_url, auth_end);

		free(r->backend_url);
		r->backend_url = u;
		p = strstr(u, "://");
		auth_end = p + 3 + strcspn(p + 3, "/?#");
	}
	r->backend_path = xstrndup(*auth_end == '/' ? auth_end : "/",
	    *auth_end == '/' ? strcspn(auth_end, "?#") : 1);

	/* Workers: the main server's, then the vhost's own. */
	for (i = 0; i < x->c->server_dirs.n; i++)
		vec_push(&ds, x->c->server_dirs.v[i]);
	workers_of(&ds, &ws);
	if (x->v != NULL)
		workers_of(&x->v->dirs, &ws);
	vec_free(&ds);
	w = worker_find(&ws, r->backend_url);
	if (w != NULL) {
		r->worker = xstrdup(w->name);
		r->worker_node = w->node;
		r->worker_shared = w->node != r->decided.node;
		if (w->socket != NULL)
			r->socket = xstrdup(w->socket);
		else
			r->address = url_host(w->name);
	} else
		r->address = url_host(r->backend_url);
	if (r->address != NULL && strchr(r->address, ':') == NULL) {
		char	*a = xasprintf("%s:%d", r->address,
			    strncasecmp(r->backend_url, "https", 5) == 0 ?
			    443 : 80);

		free(r->address);
		r->address = a;
	}

	if (x->px.preserve_host)
		r->h_host = xstrdup(r->host_header);
	else
		r->h_host = url_host(r->backend_url);
	r->add_headers = dir_flag(x, "ProxyAddHeaders", 1);
	/* The client's own headers pass either way (verified: with
	 * ProxyAddHeaders Off its X-Forwarded-Host reaches the backend). */
	r->h_xff = r->client_xff ? xstrdup(r->client_xff) : NULL;
	if (r->add_headers) {
		r->h_xfh = r->client_xfh ? xasprintf("%s, %s", r->client_xfh,
		    r->host_header) : xstrdup(r->host_header);
		r->h_xfs = r->vhost_name ? xstrdup(r->vhost_name) : NULL;
	} else
		r->h_xfh = r->client_xfh ? xstrdup(r->client_xfh) : NULL;
	/* Only X-Forwarded-Proto's RequestHeader lines are evaluated. */
	explain_dirs(x, 1, &hs);
	for (i = 0; i < hs.n; i++) {
		const struct cf_dir	*d = hs.v[i];

		if (conf_is(d->node, "RequestHeader") && d->nargs >= 2 &&
		    (str_caseeq(d->args[1], "Host") || (strncasecmp(
		    d->args[1], "X-Forwarded-", 12) == 0 &&
		    !str_caseeq(d->args[1], "X-Forwarded-Proto"))) &&
		    (d->ctx_path == NULL ||
		    explain_location_match(d->ctx_path, r->path)))
			explain_note(r, d->node, "RequestHeader %s %s: the "
			    "value the backend gets is not modelled",
			    d->args[0], d->args[1]);
	}
	vec_free(&hs);
	r->xfp_known = explain_xfp(&x->px, r->path, r->client_xfp, &xfp) ==
	    0;
	r->h_xfp = xfp;
	if (!r->xfp_known)
		explain_note(r, x->px.xfp ? x->px.xfp->node : NULL, "the "
		    "X-Forwarded-Proto value of this RequestHeader: not "
		    "modelled");
	vec_free_all(&ws, worker_free);
}

void
explain_redirect(struct ex_ctx *x, const char *loc)
{
	struct ex_result	*r = x->r;
	const struct px_rev	*line = NULL;
	const char		*scheme;

	if (!r->http)
		return;
	/* The backend builds it from what it saw (gunicorn: https only for
	 * X-Forwarded-Proto "https" from a trusted peer). */
	scheme = r->h_xfp != NULL && strcmp(r->h_xfp, "https") == 0 ?
	    "https" : "http";
	if (loc == NULL)
		loc = "/";
	if (loc[0] == '/')
		r->backend_location = xasprintf("%s://%s%s", scheme,
		    r->h_host, loc);
	else
		r->backend_location = xstrdup(loc);
	r->visitor_location = explain_reverse(&x->px, r->path,
	    r->backend_location, r->host_header, r->local_port, r->tls,
	    &line);
	if (line != NULL) {
		r->reverse.node = line->dir->node;
		r->reverse.text = explain_line_text(line->dir->node);
	}
}
