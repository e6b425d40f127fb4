/* proxy.c: the proxy directives of one vhost, as mod_proxy sees them.
 *
 * mod_proxy merges the main server's ProxyPass/ProxyPassReverse lists into
 * each vhost's (vhost's first), and per-directory (<Location>) one-argument
 * forms take the section's path.  ProxyPreserveHost, RequestHeader and
 * Header set in the vhost override the main server's. */
#include "config.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "proxy.h"

static enum px_scheme
scheme_of(const char *u)
{
	static const struct {
		const char	*prefix;
		enum px_scheme	 scheme;
	} t[] = {
		{ "http://", PX_HTTP }, { "https://", PX_HTTP },
		{ "uwsgi://", PX_UWSGI }, { "fcgi://", PX_FCGI },
		{ "scgi://", PX_SCGI }, { "ws://", PX_WS }, { "wss://", PX_WS },
		{ "ajp://", PX_AJP }, { "balancer://", PX_BALANCER },
	};
	size_t	i;

	if (strcmp(u, "!") == 0)
		return PX_NONE;
	for (i = 0; i < sizeof t / sizeof *t; i++)
		if (strncasecmp(u, t[i].prefix, strlen(t[i].prefix)) == 0)
			return t[i].scheme;
	return PX_OTHER;
}

void
px_url_parse(const char *s, struct px_url *u)
{
	const char	*bar;

	memset(u, 0, sizeof *u);
	if (strncasecmp(s, "unix:", 5) == 0) {
		bar = strchr(s, '|');
		if (bar == NULL) {
			/* mod_proxy needs "unix:/path|scheme://label/". */
			u->bad_syntax = 1;
			u->socket = xstrdup(s + 5);
			u->backend = xstrdup("");
			u->scheme = PX_OTHER;
			return;
		}
		u->socket = xstrndup(s + 5, (size_t)(bar - s - 5));
		s = bar + 1;
	}
	u->backend = xstrdup(s);
	u->scheme = scheme_of(s);
	/* nginx's "http://unix:/run/app.sock:/" means nothing to Apache: it
	 * would look up a host named "unix". */
	if (strncasecmp(s, "http://unix:", 12) == 0 ||
	    strncasecmp(s, "https://unix:", 13) == 0)
		u->bad_syntax = 1;
}

void
px_url_free(struct px_url *u)
{
	free(u->socket);
	free(u->backend);
	memset(u, 0, sizeof *u);
}

const char *
px_url_path(const char *url)
{
	const char	*p = strstr(url, "://");

	if (p == NULL)
		return url;
	p = strchr(p + 3, '/');
	return p ? p : url + strlen(url);
}

int
px_path_covers(const char *a, const char *b)
{
	size_t	la = strlen(a);

	if (strncmp(a, b, la) != 0)
		return 0;
	/* mod_proxy's alias_match stops at a path segment boundary. */
	return la == 0 || a[la - 1] == '/' || b[la] == '\0' || b[la] == '/';
}

int
px_url_eq(const char *a, const char *b)
{
	size_t	la = strlen(a), lb = strlen(b);

	if (la && a[la - 1] == '/' && (lb == 0 || b[lb - 1] != '/'))
		la--;
	else if (lb && b[lb - 1] == '/' && (la == 0 || a[la - 1] != '/'))
		lb--;
	return la == lb && strncasecmp(a, b, la) == 0;
}

static int
is_xfp_header(const struct cf_dir *d)
{
	size_t	i = 0;

	if (!conf_is(d->node, "RequestHeader") || d->nargs < 3)
		return 0;
	if (!str_caseeq(d->args[i], "set") && !str_caseeq(d->args[i], "add") &&
	    !str_caseeq(d->args[i], "append") &&
	    !str_caseeq(d->args[i], "setifempty"))
		return 0;
	return str_caseeq(d->args[i + 1], "X-Forwarded-Proto");
}

static int
is_hide_server(const struct cf_dir *d)
{
	size_t	i = 0;

	if (!conf_is(d->node, "Header") || d->nargs < 2)
		return 0;
	if (str_caseeq(d->args[0], "always") ||
	    str_caseeq(d->args[0], "onsuccess"))
		i = 1;
	return d->nargs >= i + 2 && str_caseeq(d->args[i], "unset") &&
	    str_caseeq(d->args[i + 1], "Server");
}

static void
take(struct px_vhost *p, struct cf_dir *d, int server_level, int *pres_set,
    int *xfp_set, int *hide_set)
{
	struct cf_node	*n = d->node;

	if ((conf_is(n, "ProxyPass") && d->ctx == NULL && d->nargs >= 2) ||
	    (conf_is(n, "ProxyPass") && d->ctx != NULL && d->nargs >= 1 &&
	    conf_is(d->ctx, "Location"))) {
		struct px_pass	*pp = xcalloc(1, sizeof *pp);
		int		 one = d->ctx != NULL;

		pp->dir = d;
		pp->ctx_path = d->ctx_path;
		pp->path = one ? d->ctx_path : d->args[0];
		px_url_parse(d->args[one ? 0 : 1], &pp->url);
		pp->server_level = server_level;
		vec_push(&p->passes, pp);
		if (pp->url.scheme != PX_NONE)
			p->proxies = 1;
	} else if (conf_is(n, "ProxyPassReverse") && (d->ctx == NULL ?
	    d->nargs >= 2 : (d->nargs >= 1 && conf_is(d->ctx, "Location")))) {
		struct px_rev	*r = xcalloc(1, sizeof *r);
		int		 one = d->ctx != NULL;

		r->dir = d;
		r->ctx_path = d->ctx_path;
		r->path = one ? d->ctx_path : d->args[0];
		r->url = d->args[one ? 0 : 1];
		r->server_level = server_level;
		vec_push(&p->revs, r);
	} else if (conf_is(n, "ProxyPreserveHost") && d->nargs >= 1) {
		if (!server_level)
			vec_push(&p->preserve, d);
		if (!server_level || !*pres_set)
			p->preserve_host = str_caseeq(d->args[0], "on");
		if (!server_level)
			*pres_set = 1;
	} else if (is_xfp_header(d)) {
		if (!server_level || !*xfp_set) {
			p->xfp = d;
			*xfp_set = !server_level;
		}
	} else if (is_hide_server(d)) {
		if (!server_level || !*hide_set) {
			p->hide_server = d;
			*hide_set = !server_level;
		}
	} else if (conf_is(n, "ServerTokens") && d->nargs >= 1 &&
	    server_level)
		p->server_tokens_prod = str_caseeq(d->args[0], "Prod") ||
		    str_caseeq(d->args[0], "ProductOnly");
}

void
px_vhost_build(const struct cf_config *c, struct cf_vhost *v,
    struct px_vhost *p)
{
	int	pres_set = 0, xfp_set = 0, hide_set = 0;
	size_t	i;

	memset(p, 0, sizeof *p);
	p->config = c;
	p->vhost = v;
	if (v != NULL) {
		p->tls = v->tls;
		for (i = 0; i < v->dirs.n; i++)
			take(p, v->dirs.v[i], 0, &pres_set, &xfp_set,
			    &hide_set);
	} else {
		for (i = 0; i < c->server_dirs.n; i++) {
			struct cf_dir	*d = c->server_dirs.v[i];

			if (conf_is(d->node, "SSLEngine") && d->nargs >= 1)
				p->tls = str_caseeq(d->args[0], "on");
		}
	}
	/* The main server's settings, merged under the vhost's own. */
	for (i = 0; i < c->server_dirs.n; i++)
		take(p, c->server_dirs.v[i], v != NULL, &pres_set, &xfp_set,
		    &hide_set);
	if (v == NULL) {
		/* For the main server itself nothing is inherited. */
		for (i = 0; i < p->passes.n; i++)
			((struct px_pass *)p->passes.v[i])->server_level = 0;
		for (i = 0; i < p->revs.n; i++)
			((struct px_rev *)p->revs.v[i])->server_level = 0;
		p->preserve.n = 0;
		for (i = 0; i < c->server_dirs.n; i++) {
			struct cf_dir	*d = c->server_dirs.v[i];

			if (conf_is(d->node, "ProxyPreserveHost") &&
			    d->nargs >= 1)
				vec_push(&p->preserve, d);
		}
	}
	if (p->xfp != NULL)
		p->xfp_https = p->tls || (p->xfp->nargs >= 3 &&
		    str_caseeq(p->xfp->args[2], "https"));
}

void
px_vhost_free(struct px_vhost *p)
{
	size_t	i;

	for (i = 0; i < p->passes.n; i++) {
		struct px_pass	*pp = p->passes.v[i];

		px_url_free(&pp->url);
		free(pp);
	}
	vec_free(&p->passes);
	vec_free_all(&p->revs, free);
	vec_free(&p->preserve);
}

static void
push_unique(struct vec *out, char *s)
{
	size_t	i;

	for (i = 0; i < out->n; i++)
		if (px_url_eq(out->v[i], s)) {
			free(s);
			return;
		}
	vec_push(out, s);
}

void
px_required_revs(const struct px_vhost *p, const struct px_pass *pp,
    int preserve, int xfp_https, struct vec *out)
{
	const struct cf_vhost	*v = p->vhost;
	const char		*path = px_url_path(pp->url.backend);
	char			 port[16] = "";
	size_t			 i;

	if (pp->url.scheme != PX_HTTP)
		return;
	if (preserve) {
		/* The backend sees the visitor's Host (with the port when
		 * it is not the default one) and echoes it. */
		if (v == NULL || v->server_name == NULL)
			return;
		if (v->port != 0 && v->port != 80 && v->port != 443)
			snprintf(port, sizeof port, ":%d", v->port);
		push_unique(out, xasprintf("http://%s%s%s", v->server_name,
		    port, path));
		for (i = 0; i < v->naliases; i++)
			if (strpbrk(v->aliases[i], "*?") == NULL)
				push_unique(out, xasprintf("http://%s%s%s",
				    v->aliases[i], port, path));
		return;
	}
	push_unique(out, xstrdup(pp->url.backend));
	if (xfp_https && strncasecmp(pp->url.backend, "http://", 7) == 0)
		push_unique(out, xasprintf("https://%s", pp->url.backend + 7));
}

void
px_revs_for(const struct px_vhost *p, const struct px_pass *pp,
    struct vec *out)
{
	size_t	i;

	for (i = 0; i < p->revs.n; i++) {
		struct px_rev	*r = p->revs.v[i];

		if (r->server_level != pp->server_level)
			continue;
		if ((r->ctx_path == NULL) != (pp->ctx_path == NULL))
			continue;
		if (r->ctx_path && strcmp(r->ctx_path, pp->ctx_path) != 0)
			continue;
		if (strcmp(r->path, pp->path) == 0 || px_url_eq(r->path,
		    pp->path))
			vec_push(out, r);
	}
}

char *
px_socket_label(const char *sock)
{
	const char	*base = strrchr(sock, '/');
	char		*l, *p;

	l = xstrdup(base ? base + 1 : sock);
	if ((p = strrchr(l, '.')) != NULL && p != l)
		*p = '\0';
	/* A hostname label: letters, digits, '-'. */
	for (p = l; *p; p++)
		if (!isalnum((unsigned char)*p) && *p != '-')
			*p = '-';
		else
			*p = (char)tolower((unsigned char)*p);
	if (*l == '\0' || *l == '-') {
		free(l);
		l = xstrdup("backend");
	}
	return l;
}

const struct px_pass *
px_label_partner(const struct px_vhost *p, size_t i)
{
	const struct px_pass	*b = p->passes.v[i];
	size_t			 j;

	if (b->url.socket == NULL || b->url.bad_syntax || b->server_level)
		return NULL;
	for (j = 0; j < p->passes.n; j++) {
		const struct px_pass	*a = p->passes.v[j];

		/* An earlier line of the vhost, or any of the main server's
		 * (merged after the vhost's own, but its workers exist
		 * first). */
		if (a == b || (!a->server_level && j > i) ||
		    a->url.socket == NULL || a->url.bad_syntax ||
		    strcmp(a->url.socket, b->url.socket) == 0 ||
		    strcasecmp(a->url.backend, b->url.backend) != 0)
			continue;
		return a;
	}
	return NULL;
}

char *
px_relabelled_url(const struct px_pass *pp)
{
	const char	*u = pp->url.backend, *rest = strstr(u, "://");
	char		*label = px_socket_label(pp->url.socket), *url;

	rest = rest ? strchr(rest + 3, '/') : NULL;
	url = xasprintf("%.*s://%s%s", (int)strcspn(u, ":"), u, label,
	    rest ? rest : "/");
	free(label);
	return url;
}

int
px_order_movable(const struct px_pass *a, const struct px_pass *b)
{
	return !px_url_eq(a->path, b->path);
}

int
px_pass_dead(const struct px_vhost *p, size_t i)
{
	const struct px_pass	*b = p->passes.v[i];
	size_t			 j;

	for (j = 0; j < i; j++) {
		const struct px_pass	*a = p->passes.v[j];

		if (a->server_level != b->server_level || a->url.bad_syntax ||
		    (a->ctx_path == NULL) != (b->ctx_path == NULL) ||
		    (a->ctx_path && strcmp(a->ctx_path, b->ctx_path) != 0))
			continue;
		if (px_path_covers(a->path, b->path))
			return !px_order_movable(a, b);
	}
	return 0;
}

const char *
px_host_name(const struct cf_vhost *v)
{
	if (v != NULL && v->server_name != NULL)
		return v->server_name;
	if (v != NULL && v->naliases > 0)
		return v->aliases[0];
	return "yourdomain.example";
}
