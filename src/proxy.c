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

/* RewriteRule PATTERN TARGET [flags]: is the flag (short or long name,
 * "R=301" counting as R) among them? */
static int
rewrite_flag(const struct cf_dir *d, const char *shrt, const char *lng)
{
	char	*flags, *tok, *save = NULL;
	int	 p = 0;

	if (!conf_is(d->node, "RewriteRule") || d->nargs < 3)
		return 0;
	flags = xstrdup(d->args[2]);
	for (tok = strtok_r(flags, "[],", &save); tok != NULL;
	    tok = strtok_r(NULL, "[],", &save)) {
		tok[strcspn(tok, "=")] = '\0';
		if (str_caseeq(tok, shrt) || str_caseeq(tok, lng))
			p = 1;
	}
	free(flags);
	return p;
}

static int
is_rewrite_proxy(const struct cf_dir *d)
{
	return rewrite_flag(d, "P", "proxy");
}

/* Does the vhost send every request elsewhere with mod_rewrite before
 * mod_proxy sees it?  Its translate hook runs first, so a RewriteRule
 * redirecting everything (certbot's "RewriteRule ^ https://%{SERVER_NAME}
 * %{REQUEST_URI} [END,NE,R=permanent]", conditions only on the name or
 * the scheme) leaves every ProxyPass unused (measured: 301, and the
 * backend never asked).  mod_alias's Redirect runs after mod_proxy and
 * does not count. */
/* Do the RewriteCond lines conds[0..n) hold for every request of the
 * vhost?  Only the forms certbot writes are understood: "%{SERVER_NAME}
 * =name" (or %{HTTP_HOST}), one per name, ORed, which hold when they name
 * the ServerName and every ServerAlias; "%{HTTPS} off" or "!=on" on a
 * plain vhost. */
static int
conds_always(const struct cf_vhost *v, const struct cf_dir **conds,
    size_t n)
{
	size_t	i, k, named = 0;
	int	have_names = 0;

	for (i = 0; i < n; i++) {
		const struct cf_dir	*d = conds[i];
		const char		*var = d->args[0], *pat = d->args[1];

		if (strcmp(var, "%{HTTPS}") == 0) {
			if (v->tls || (!str_caseeq(pat, "off") &&
			    strcmp(pat, "!=on") != 0 && strcmp(pat, "!on") != 0))
				return 0;
		} else if (strcmp(var, "%{SERVER_NAME}") == 0 ||
		    strcmp(var, "%{HTTP_HOST}") == 0) {
			if (pat[0] != '=')
				return 0;
			have_names = 1;
		} else
			return 0;
	}
	if (!have_names)
		return 1;
	/* Every name of the vhost among the ORed "=name" conditions. */
	for (k = 0; k <= v->naliases; k++) {
		const char	*name = k == 0 ? v->server_name :
		    v->aliases[k - 1];

		if (name == NULL)
			return 0;
		for (i = 0; i < n; i++)
			if (conds[i]->args[1][0] == '=' &&
			    str_caseeq(conds[i]->args[1] + 1, name))
				break;
		if (i == n)
			return 0;
		named++;
	}
	return named > 0;
}

/* Does the vhost send every request elsewhere with mod_rewrite before
 * mod_proxy sees it?  Its translate hook runs first, so a RewriteRule
 * redirecting everything (certbot's "RewriteRule ^ https://%{SERVER_NAME}
 * %{REQUEST_URI} [END,NE,R=permanent]", with conditions that hold for
 * every name of the vhost) leaves every ProxyPass unused (measured: 301,
 * and the backend never asked).  mod_alias's Redirect runs after mod_proxy
 * and does not count. */
static int
redirects_all(const struct cf_config *c, const struct cf_vhost *v)
{
	static const char *const all[] = { "^", "^/?(.*)$", "^(.*)$",
	    "^/(.*)$", ".*", "^/?(.*)", "(.*)", "^.*$", "^/(.*)", "^(.*)",
	    "." };
	const struct cf_dir	*conds[16];
	size_t			 i, k, nc = 0;
	int			 engine = 0;

	if (v == NULL || !conf_has_module(c, "rewrite_module"))
		return 0;
	for (i = 0; i < v->dirs.n; i++) {
		const struct cf_dir	*d = v->dirs.v[i];

		if (d->ctx != NULL)
			continue;
		if (conf_is(d->node, "RewriteEngine") && d->nargs >= 1)
			engine = str_caseeq(d->args[0], "on");
		else if (conf_is(d->node, "RewriteCond") && d->nargs >= 2) {
			if (nc < sizeof conds / sizeof *conds)
				conds[nc++] = d;
			else
				return 0;
		} else if (conf_is(d->node, "RewriteRule") && d->nargs >= 3) {
			int	pat = 0;

			for (k = 0; k < sizeof all / sizeof *all; k++)
				if (strcmp(d->args[0], all[k]) == 0)
					pat = 1;
			if (engine && pat && conds_always(v, conds, nc) &&
			    str_startswith(d->args[1], "https://") &&
			    rewrite_flag(d, "R", "redirect") &&
			    !is_rewrite_proxy(d))
				return 1;
			nc = 0;
		}
	}
	return 0;
}

/* Any RequestHeader action on X-Forwarded-Proto ("unset" included). */
static int
is_xfp_line(const struct cf_dir *d)
{
	/* gunicorn's default secure_scheme_headers: any of the three. */
	return conf_is(d->node, "RequestHeader") && d->nargs >= 2 &&
	    (str_caseeq(d->args[1], "X-Forwarded-Proto") ||
	    str_caseeq(d->args[1], "X-Forwarded-Protocol") ||
	    str_caseeq(d->args[1], "X-Forwarded-Ssl"));
}

void
px_vhost_build(const struct cf_config *c, struct cf_vhost *v,
    struct px_vhost *p)
{
	int	pres_set = 0, xfp_set = 0, hide_set = 0;
	size_t	i, k;

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
	for (i = 0; i < c->server_dirs.n; i++)
		if (is_xfp_line(c->server_dirs.v[i]))
			vec_push(&p->xfp_lines, c->server_dirs.v[i]);
	/* mod_rewrite's rules are not inherited by vhosts unless
	 * RewriteOptions Inherit: only the context's own count. */
	for (i = 0; i < (v != NULL ? v->dirs.n : c->server_dirs.n); i++) {
		struct cf_dir	*d = v != NULL ? v->dirs.v[i] :
		    c->server_dirs.v[i];

		if (!is_rewrite_proxy(d))
			continue;
		p->rewrite_proxies = p->proxies = 1;
		if (p->rewrite_anchor == NULL && d->ctx == NULL)
			p->rewrite_anchor = d;
	}
	for (i = 0; v != NULL && i < v->dirs.n; i++)
		if (is_xfp_line(v->dirs.v[i]))
			vec_push(&p->xfp_lines, v->dirs.v[i]);
	/* Workers can send a request to the wrong socket only where there
	 * are sockets (px_label_conflict). */
	for (i = 0; i < p->passes.n && !p->has_sockets; i++)
		p->has_sockets = ((struct px_pass *)p->passes.v[i])->url.socket !=
		    NULL;
	for (k = 0; k < 2 && !p->has_sockets; k++) {
		const struct vec	*dirs = k == 0 ? &c->server_dirs :
		    v != NULL ? &v->dirs : NULL;

		for (i = 0; dirs != NULL && i < dirs->n; i++) {
			const struct cf_dir	*d = dirs->v[i];

			if ((conf_is(d->node, "ProxyPassMatch") ||
			    conf_is(d->node, "Proxy")) && d->nargs >= 1 &&
			    strncasecmp(d->args[d->nargs >= 2 &&
			    conf_is(d->node, "ProxyPassMatch") ? 1 : 0],
			    "unix:", 5) == 0)
				p->has_sockets = 1;
		}
	}
	if (redirects_all(c, v)) {
		/* Nothing reaches mod_proxy: no proxy lines to judge. */
		for (i = 0; i < p->passes.n; i++) {
			struct px_pass	*pp = p->passes.v[i];

			px_url_free(&pp->url);
			free(pp);
		}
		p->passes.n = 0;
		vec_free_all(&p->revs, free);
		memset(&p->revs, 0, sizeof p->revs);
		p->proxies = p->rewrite_proxies = 0;
		p->rewrite_anchor = NULL;
		p->redirects_all = 1;
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
	vec_free(&p->xfp_lines);
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
		/* ... with the scheme it is told (verified: https with
		 * X-Forwarded-Proto https, and only that). */
		push_unique(out, xasprintf("%s://%s%s%s", xfp_https ?
		    "https" : "http", v->server_name, port, path));
		for (i = 0; i < v->naliases; i++)
			if (strpbrk(v->aliases[i], "*?") == NULL)
				push_unique(out, xasprintf("%s://%s%s%s",
				    xfp_https ? "https" : "http",
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

void
px_relabel_all(struct px_vhost *p)
{
	size_t	i;

	for (i = 0; i < p->passes.n; i++) {
		struct px_pass	*b = p->passes.v[i];

		if (!px_label_shared(p, i) || b->url.socket == NULL)
			continue;
		{
			char	*url = px_relabelled_url(b);

			free(b->url.backend);
			b->url.backend = url;
		}
	}
}

int
px_slash_fixable(const struct px_pass *pp)
{
	const char	*h;
	size_t		 lp = strlen(pp->path);

	if (pp->url.scheme == PX_NONE || pp->url.bad_syntax || lp == 0 ||
	    pp->path[lp - 1] != '/' ||
	    (h = strstr(pp->url.backend, "://")) == NULL)
		return 0;
	return *px_url_path(pp->url.backend) == '\0' && h[3] != '\0';
}

void
px_fix_slashes(struct px_vhost *p)
{
	size_t	i;

	for (i = 0; i < p->passes.n; i++) {
		struct px_pass	*pp = p->passes.v[i];
		char		*u;

		if (pp->server_level || !px_slash_fixable(pp))
			continue;
		u = xasprintf("%s/", pp->url.backend);
		free(pp->url.backend);
		pp->url.backend = u;
	}
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
