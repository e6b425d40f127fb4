/* redirect.c: the one model of what a visitor is sent to (redirect.h).
 *
 * Measured on Apache 2.4.71 with gunicorn 20.1 (tests/e2e-redirect-matrix.sh
 * keeps checking the combinations):
 * - ProxyPreserveHost Off: the backend sees the ProxyPass URL's host[:port]
 *   ("127.0.0.1:8000"; for unix:...|http://h/ just "h"); On: the Host the
 *   visitor sent, port included.
 * - RequestHeader lines on X-Forwarded-Proto apply in order, the main
 *   server's first: "set" replaces the visitor's header, "setifempty" keeps
 *   it, "append" joins with ", " (so a visitor's "https" plus ours gives
 *   "https, https", which gunicorn does not take for https), "unset"
 *   removes it; "env=HTTPS" holds on TLS vhosts only.  expr=%{REQUEST_SCHEME}
 *   and %{REQUEST_SCHEME}s give the request's scheme; %{REQUEST_SCHEME}e
 *   is empty and %{HTTPS}e is "on": the backend then thinks http.  With no
 *   line at all the visitor's own header reaches the backend.
 * - ProxyPassReverse: the main server's lines come first, then the
 *   vhost's, then those of a <Location> containing the request, whatever
 *   their order in the file; a <Location>'s lines apply only inside it. */
#include "config.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "preview.h"
#include "redirect.h"

void
redirect_opts_init(const struct px_vhost *px, struct rd_opts *o)
{
	memset(o, 0, sizeof *o);
	o->preserve_host = px->preserve_host;
}

static int
rev_group(const struct px_rev *r)
{
	if (r->server_level)
		return 0;
	return r->ctx_path == NULL ? 1 : 2;
}

void
redirect_revs(const struct px_vhost *px, struct vec *out)
{
	int	g;
	size_t	i;

	for (g = 0; g < 3; g++)
		for (i = 0; i < px->revs.n; i++) {
			const struct px_rev	*r = px->revs.v[i];
			struct rd_rev		*d;

			if (rev_group(r) != g)
				continue;
			d = xcalloc(1, sizeof *d);
			d->path = r->path;
			d->url = r->url;
			d->ctx_path = r->ctx_path;
			d->server_level = r->server_level;
			d->line = r;
			vec_push(out, d);
		}
}

int
redirect_applies(const struct px_pass *pp)
{
	const char	*bp;
	size_t		 lp;

	if (pp->url.scheme != PX_HTTP || pp->url.bad_syntax)
		return 0;
	if (strncasecmp(pp->url.backend, "http://", 7) != 0 &&
	    strncasecmp(pp->url.backend, "https://", 8) != 0)
		return 0;
	bp = px_url_path(pp->url.backend);
	lp = strlen(pp->path);
	/* A path ending in "/" onto a URL without one glues the rest onto
	 * the host or a path (trailing-slash): nothing redirects there. */
	if (lp > 0 && pp->path[lp - 1] == '/' &&
	    (*bp == '\0' || bp[strlen(bp) - 1] != '/'))
		return 0;
	return 1;
}

/* The backend URL's host[:port] as mod_proxy_http sends it in Host (the
 * port only when it is not 80), lowercased. */
static char *
url_hostport(const char *url)
{
	const char	*h = strstr(url, "://"), *end;
	char		*s, *p;

	h = h ? h + 3 : url;
	end = h + strcspn(h, "/?#");
	s = xstrndup(h, (size_t)(end - h));
	if ((p = strrchr(s, ':')) != NULL && strchr(p, ']') == NULL &&
	    strcmp(p, ":80") == 0)
		*p = '\0';
	for (p = s; *p; p++)
		*p = (char)tolower((unsigned char)*p);
	return s;
}

/* mod_headers' value of a format string, for a request on a TLS vhost or
 * not.  -1: a part the model does not know. */
static int
xfp_format(const char *fmt, int tls, struct buf *out)
{
	const char	*scheme = tls ? "https" : "http";
	const char	*p;

	if (strncasecmp(fmt, "expr=", 5) == 0) {
		/* Only a string of %{VAR} and text, the forms admins use. */
		for (p = fmt + 5; *p; p++) {
			if (strncmp(p, "%{REQUEST_SCHEME}", 17) == 0) {
				buf_adds(out, scheme);
				p += 16;
			} else if (strncmp(p, "%{HTTPS}", 8) == 0) {
				buf_adds(out, tls ? "on" : "off");
				p += 7;
			} else if (*p == '%' || *p == '\'' || *p == '"' ||
			    *p == ' ')
				return -1;
			else
				buf_addc(out, *p);
		}
		return 0;
	}
	for (p = fmt; *p; p++) {
		const char	*close;
		size_t		 n;

		if (*p != '%') {
			buf_addc(out, *p);
			continue;
		}
		if (p[1] != '{' || (close = strchr(p, '}')) == NULL)
			return -1;
		n = (size_t)(close - p - 2);
		if (close[1] == 'e' && n == 14 &&
		    strncmp(p + 2, "REQUEST_SCHEME", n) == 0)
			;	/* not in the environment yet: empty */
		else if (close[1] == 'e' && n == 5 &&
		    strncmp(p + 2, "HTTPS", n) == 0)
			buf_adds(out, tls ? "on" : "");
		else if (close[1] == 's' && n == 14 &&
		    strncmp(p + 2, "REQUEST_SCHEME", n) == 0)
			buf_adds(out, scheme);
		else if (close[1] == 's' && n == 5 &&
		    strncmp(p + 2, "HTTPS", n) == 0)
			buf_adds(out, tls ? "on" : "off");
		else
			return -1;
		p = close + 1;
	}
	return 0;
}

/* Does the line's condition hold?  -1: beyond the model. */
static int
xfp_condition(const char *cond, int tls)
{
	if (cond == NULL || str_caseeq(cond, "early"))
		return 1;
	if (strcmp(cond, "env=HTTPS") == 0)
		return tls;
	if (strcmp(cond, "env=!HTTPS") == 0)
		return !tls;
	return -1;
}

static int
applies_at(const char *ctx_path, const char *path)
{
	/* <Location> is a plain prefix match. */
	return ctx_path == NULL || strncmp(ctx_path, path,
	    strlen(ctx_path)) == 0;
}

/* One header's value as the backend gets it (redirect_xfp). */
static int
header_value(const struct px_vhost *px, const char *name, const char *path,
    const char *client, const char *added, char **value)
{
	char	*v = client ? xstrdup(client) : NULL;
	size_t	 i;

	for (i = 0; i < px->xfp_lines.n; i++) {
		const struct cf_dir	*d = px->xfp_lines.v[i];
		const char		*op = d->args[0];
		int			 unset = str_caseeq(op, "unset");
		const char		*cond;
		struct buf		 b = { 0 };
		int			 holds;

		if (!applies_at(d->ctx_path, path) ||
		    !str_caseeq(d->args[1], name))
			continue;
		cond = d->nargs > (unset ? 2u : 3u) ? d->args[unset ? 2 : 3] :
		    NULL;
		if ((holds = xfp_condition(cond, px->tls)) < 0)
			goto unknown;
		if (!holds)
			continue;
		if (unset) {
			free(v);
			v = NULL;
			continue;
		}
		if (d->nargs < 3 || xfp_format(d->args[2], px->tls, &b) < 0) {
			buf_free(&b);
			goto unknown;
		}
		if (b.data == NULL)
			buf_adds(&b, "");
		if (str_caseeq(op, "set") ||
		    (str_caseeq(op, "setifempty") && v == NULL) ||
		    (str_caseeq(op, "add") && v == NULL) ||
		    (str_caseeq(op, "append") && v == NULL) ||
		    (str_caseeq(op, "merge") && v == NULL)) {
			free(v);
			v = buf_steal(&b);
		} else if (str_caseeq(op, "append") ||
		    (str_caseeq(op, "merge") && strstr(v, b.data) == NULL)) {
			char	*j = xasprintf("%s, %s", v, b.data);

			free(v);
			v = j;
		} else if (!str_caseeq(op, "setifempty") &&
		    !str_caseeq(op, "merge")) {
			/* add beside the visitor's (two headers), edit */
			buf_free(&b);
			goto unknown;
		}
		buf_free(&b);
	}
	if (added != NULL) {
		free(v);
		v = xstrdup(added);
	}
	*value = v;
	return 0;
unknown:
	free(v);
	*value = NULL;
	return -1;
}

int
redirect_xfp(const struct px_vhost *px, const char *path,
    const char *client, const char *added, char **value)
{
	return header_value(px, "X-Forwarded-Proto", path, client, added,
	    value);
}

int
redirect_backend_https(const struct px_vhost *px, const char *path,
    const char *client, const char *added)
{
	static const struct {
		const char	*name;
		const char	*secure;
	} h[] = {
		/* gunicorn's secure_scheme_headers (exact values) */
		{ "X-Forwarded-Proto", "https" },
		{ "X-Forwarded-Protocol", "ssl" },
		{ "X-Forwarded-Ssl", "on" },
	};
	size_t	i;
	int	https = 0;

	for (i = 0; i < sizeof h / sizeof *h; i++) {
		char	*v;

		if (header_value(px, h[i].name, path, i == 0 ? client : NULL,
		    i == 0 ? added : NULL, &v) != 0)
			return -1;
		if (v != NULL && strcmp(v, h[i].secure) == 0)
			https = 1;
		free(v);
	}
	return https;
}

static const char *
main_server_name(const struct cf_config *c)
{
	const char	*name = NULL;
	size_t		 i;

	for (i = 0; i < c->server_dirs.n; i++) {
		const struct cf_dir	*d = c->server_dirs.v[i];

		if (d->ctx == NULL && conf_is(d->node, "ServerName") &&
		    d->nargs >= 1 && strstr(d->args[0], "${") == NULL)
			name = d->args[0];
	}
	return name;
}

/* "RequestHeader set Host NAME" in the vhost: with ProxyPreserveHost On
 * that is the Host the backend gets (measured, tests/realworld/37). */
static const char *
host_header_set(const struct px_vhost *px)
{
	const char	*h = NULL;
	size_t		 i;

	for (i = 0; px->vhost != NULL && i < px->vhost->dirs.n; i++) {
		const struct cf_dir	*d = px->vhost->dirs.v[i];

		if (d->ctx == NULL && conf_is(d->node, "RequestHeader") &&
		    d->nargs == 3 && str_caseeq(d->args[0], "set") &&
		    str_caseeq(d->args[1], "Host") &&
		    strchr(d->args[2], '%') == NULL)
			h = d->args[2];
	}
	return h;
}

void
redirect_hosts(const struct px_vhost *px, struct vec *out)
{
	const struct cf_vhost	*v = px->vhost;
	char			 port[16] = "";
	size_t			 i;

	const char		*name;

	if (v == NULL)
		return;
	/* A vhost without ServerName takes the main server's. */
	name = v->server_name != NULL ? v->server_name :
	    main_server_name(px->config);
	if (name == NULL)
		return;
	if (v->port != 0 && v->port != (px->tls ? 443 : 80))
		snprintf(port, sizeof port, ":%d", v->port);
	vec_push(out, xasprintf("%.*s%s", (int)strcspn(name, ":"), name,
	    port));
	for (i = 0; i < v->naliases; i++)
		if (strpbrk(v->aliases[i], "*?") == NULL)
			vec_push(out, xasprintf("%s%s", v->aliases[i], port));
}

/* "/app/" -> "/app/<leaf>", "/app" -> "/app/<leaf>", "" -> "/<leaf>" */
static char *
child(const char *dir, const char *leaf)
{
	size_t	n = strlen(dir);

	return xasprintf("%s%s%s", dir, n && dir[n - 1] == '/' ? "" : "/",
	    leaf);
}

/* The sibling "next" of a path: everything up to its last "/". */
static char *
sibling_next(const char *path)
{
	const char	*slash = strrchr(path, '/');

	if (slash == NULL)
		return xstrdup("/next");
	return xasprintf("%.*snext", (int)(slash - path + 1), path);
}

/* scheme and authority of an absolute URL compared: 0 equal. */
static enum rd_harm
judge(const char *got, const char *want)
{
	const char	*g = strstr(got, "://"), *w = strstr(want, "://");
	size_t		 gl, wl;

	if (strcmp(got, want) == 0)
		return RD_OK;
	if (g == NULL || w == NULL)
		return RD_HOST;
	gl = strcspn(g + 3, "/?#");
	wl = strcspn(w + 3, "/?#");
	if (gl != wl || strncasecmp(g + 3, w + 3, gl) != 0)
		return RD_HOST;
	if ((size_t)(g - got) != (size_t)(w - want) ||
	    strncasecmp(got, want, (size_t)(g - got)) != 0)
		return strcmp(g + 3 + gl, w + 3 + wl) == 0 ? RD_SCHEME :
		    RD_PATH;
	return RD_PATH;
}

/* A plain-HTTP vhost that tells the backend "https" whatever the visitor
 * sends: TLS ends in front of Apache, and which scheme the visitor should
 * see is not known here. */
static int
declares_https(const struct px_vhost *px, const char *path)
{
	return redirect_backend_https(px, path, NULL, NULL) > 0;
}

int
redirect_predict(const struct px_vhost *px, const struct px_pass *pp,
    const struct rd_opts *o, struct rd_redirect *out)
{
	struct vec		 own = { 0 };
	const struct rd_rev	*revs;
	struct preview_rev	*pr;
	const struct rd_rev	**map;
	const char		*host = o->host, *rest;
	const char		*bpath = px_url_path(pp->url.backend);
	char			*hbuf = NULL, *backend_req, *xfp;
	size_t			 nrevs, i, n = 0, lp = strlen(pp->path);
	int			 k, known, https;

	memset(out, 0, sizeof *out);
	if (!redirect_applies(pp))
		return -1;
	if (host == NULL) {
		struct vec	h = { 0 };

		redirect_hosts(px, &h);
		hbuf = h.n ? xstrdup(h.v[0]) : xstrdup("yourdomain.example");
		vec_free_all(&h, free);
		host = hbuf;
	}
	out->request = child(pp->path, "go");
	/* mod_proxy replaces the ProxyPass path by the URL, textually. */
	backend_req = xasprintf("%s%s", *bpath ? bpath : "",
	    out->request + lp);
	if (*backend_req != '/') {
		char	*t = xasprintf("/%s", backend_req);

		free(backend_req);
		backend_req = t;
	}
	known = redirect_xfp(px, out->request, o->client_xfp, o->added_xfp,
	    &xfp) == 0;
	out->xfp = xfp;
	https = redirect_backend_https(px, out->request, o->client_xfp,
	    o->added_xfp);
	known = known && https >= 0;
	out->backend_host = !o->preserve_host ? url_hostport(pp->url.backend) :
	    host_header_set(px) != NULL ? xstrdup(host_header_set(px)) :
	    xstrdup(host);
	{
		char	*sib = sibling_next(backend_req);

		out->backend_location = xasprintf("%s://%s%s", https > 0 ?
		    "https" : "http", out->backend_host, sib);
		free(sib);
	}
	{
		char	*sib = sibling_next(out->request);

		out->right = xasprintf("%s://%s%s", px->tls ? "https" :
		    "http", host, sib);
		free(sib);
	}

	if (o->revs != NULL) {
		revs = o->revs;
		nrevs = o->nrevs;
	} else {
		redirect_revs(px, &own);
		revs = NULL;
		nrevs = own.n;
	}
	pr = xcalloc(nrevs + 1, sizeof *pr);
	map = xcalloc(nrevs + 1, sizeof *map);
	for (i = 0; i < nrevs; i++) {
		const struct rd_rev	*r = revs ? &revs[i] : own.v[i];

		if (!applies_at(r->ctx_path, out->request))
			continue;
		pr[n].path = r->path;
		pr[n].url = r->url;
		map[n++] = r;
	}
	k = preview_find(out->backend_location, pr, n, &rest);
	out->visitor_location = preview_map(out->backend_location, pr, n,
	    px->tls, host, 0);
	out->matched = k >= 0;
	out->matched_line = k >= 0 ? map[k]->line : NULL;
	out->harm = known ? judge(out->visitor_location, out->right) :
	    RD_UNKNOWN;
	if (out->harm == RD_SCHEME && !px->tls && declares_https(px,
	    out->request))
		out->harm = RD_OK;
	(void)rest;
	free(pr);
	free(map);
	vec_free_all(&own, free);
	free(backend_req);
	free(hbuf);
	return 0;
}

void
redirect_free(struct rd_redirect *r)
{
	free(r->request);
	free(r->backend_host);
	free(r->xfp);
	free(r->backend_location);
	free(r->visitor_location);
	free(r->right);
	memset(r, 0, sizeof *r);
}

void
redirect_change_free(void *p)
{
	struct rd_change	*c = p;

	if (c == NULL)
		return;
	free(c->url);
	free(c);
}

static int
in_vec(const struct vec *v, const void *p)
{
	size_t	i;

	for (i = 0; i < v->n; i++)
		if (v->v[i] == p)
			return 1;
	return 0;
}

static struct rd_change *
change_new(struct vec *out, const struct px_pass *pp,
    const struct px_rev *line, const char *url, const struct px_rev *after)
{
	struct rd_change	*c = xcalloc(1, sizeof *c);

	c->pass = pp;
	c->line = line;
	c->url = url ? xstrdup(url) : NULL;
	c->after = after;
	vec_push(out, c);
	return c;
}

void
redirect_changes(const struct px_vhost *px, const struct px_pass *pp,
    int preserve, int xfp_https, struct vec *touched, struct vec *out)
{
	struct vec		 req = { 0 }, cur = { 0 };
	const struct px_rev	*last = NULL;
	char			*done;
	size_t			 i, j;

	if (pp->url.scheme != PX_HTTP || pp->url.bad_syntax)
		return;
	px_required_revs(px, pp, preserve, xfp_https, &req);
	if (req.n == 0) {
		vec_free(&req);
		return;
	}
	px_revs_for(px, pp, &cur);
	done = xcalloc(req.n, 1);
	for (i = 0; i < cur.n; i++) {
		const struct px_rev	*r = cur.v[i];

		for (j = 0; j < req.n; j++)
			if (!done[j] && px_url_eq(r->url, req.v[j])) {
				done[j] = 1;
				cur.v[i] = NULL;
				last = r;
				break;
			}
	}
	for (i = 0; i < cur.n; i++) {
		const struct px_rev	*r = cur.v[i];

		if (r == NULL || in_vec(touched, r))
			continue;
		vec_push(touched, (void *)r);
		for (j = 0; j < req.n && done[j]; j++)
			;
		if (j < req.n) {
			change_new(out, pp, r, req.v[j], NULL);
			done[j] = 1;
			last = r;
		} else
			change_new(out, pp, r, NULL, NULL);
	}
	for (j = 0; j < req.n; j++)
		if (!done[j])
			change_new(out, pp, NULL, req.v[j], last != NULL &&
			    last->dir->node->file == pp->dir->node->file ?
			    last : NULL);
	free(done);
	vec_free(&cur);
	vec_free_all(&req, free);
}

/* A vhost line for a path no ProxyPass of its context proxies, whose URL
 * starts the URL a pass's backend redirects with: it catches that pass's
 * redirects first and glues its own path in front ("/signup" + "next").
 * It goes, unless a RewriteRule may proxy that path ([P]). */
static void
stray_changes(const struct px_vhost *px, int preserve, int xfp_https,
    struct vec *touched, struct vec *out)
{
	size_t	i, j, k;

	if (px->rewrite_proxies)
		return;
	for (i = 0; i < px->revs.n; i++) {
		const struct px_rev	*r = px->revs.v[i];
		int			 owned = 0, catches = 0;

		if (r->server_level || in_vec(touched, r))
			continue;
		for (j = 0; j < px->passes.n; j++) {
			const struct px_pass	*pp = px->passes.v[j];
			struct vec		 req = { 0 };

			if (pp->server_level)
				continue;
			if ((pp->ctx_path == NULL) == (r->ctx_path == NULL) &&
			    (pp->ctx_path == NULL ||
			    strcmp(pp->ctx_path, r->ctx_path) == 0) &&
			    px_url_eq(pp->path, r->path))
				owned = 1;
			px_required_revs(px, pp, preserve, xfp_https, &req);
			if (!preserve)
				vec_push(&req, xstrdup(pp->url.backend));
			for (k = 0; k < req.n; k++)
				if (strncasecmp(req.v[k], r->url,
				    strlen(r->url)) == 0)
					catches = 1;
			vec_free_all(&req, free);
		}
		if (owned || !catches)
			continue;
		vec_push(touched, (void *)r);
		change_new(out, NULL, r, NULL, NULL);
	}
}

void
redirect_all_changes(const struct px_vhost *px, int preserve, int xfp_https,
    struct vec *out)
{
	struct vec	touched = { 0 };
	size_t		i;

	for (i = 0; i < px->passes.n; i++) {
		const struct px_pass	*pp = px->passes.v[i];

		if (pp->server_level || px_pass_dead(px, i))
			continue;
		redirect_changes(px, pp, preserve, xfp_https, &touched, out);
	}
	stray_changes(px, preserve, xfp_https, &touched, out);
	vec_free(&touched);
}

/* Is node a before node b in Apache's reading order? */
static int
node_before(const struct cf_config *c, const struct cf_node *a,
    const struct cf_node *b)
{
	size_t	i;

	if (a->file == b->file)
		return a->line_start < b->line_start;
	for (i = 0; i < c->files.n; i++) {
		if (c->files.v[i] == a->file)
			return 1;
		if (c->files.v[i] == b->file)
			return 0;
	}
	return 0;
}

void
redirect_revs_changed(const struct px_vhost *px, const struct vec *changes,
    struct vec *out)
{
	struct vec	cur = { 0 };
	size_t		i, j;

	redirect_revs(px, &cur);
	for (i = 0; i < cur.n; i++) {
		struct rd_rev	*r = cur.v[i];
		int		 removed = 0;

		for (j = 0; j < changes->n; j++) {
			const struct rd_change	*c = changes->v[j];

			if (c->line == NULL || c->line != r->line)
				continue;
			if (c->url == NULL)
				removed = 1;
			else
				r->url = c->url;
		}
		if (removed) {
			free(r);
			continue;
		}
		vec_push(out, r);
		/* Lines added after this one. */
		for (j = 0; j < changes->n; j++) {
			const struct rd_change	*c = changes->v[j];
			struct rd_rev		*a;

			if (c->line != NULL || c->after != r->line)
				continue;
			a = xcalloc(1, sizeof *a);
			a->path = c->pass->path;
			a->url = c->url;
			a->ctx_path = c->pass->ctx_path;
			vec_push(out, a);
		}
	}
	/* Lines added after their ProxyPass: among the lines of the same
	 * group, after those above the ProxyPass. */
	for (j = 0; j < changes->n; j++) {
		const struct rd_change	*c = changes->v[j];
		struct rd_rev		*a;
		size_t			 at = 0;

		if (c->line != NULL || c->after != NULL)
			continue;
		a = xcalloc(1, sizeof *a);
		a->path = c->pass->path;
		a->url = c->url;
		a->ctx_path = c->pass->ctx_path;
		for (i = 0; i < out->n; i++) {
			const struct rd_rev	*r = out->v[i];
			int			 g = r->server_level ? 0 :
			    r->ctx_path == NULL ? 1 : 2;
			int			 mine = a->ctx_path == NULL ?
			    1 : 2;

			if (g < mine || (g == mine && (r->line == NULL ||
			    node_before(px->config, r->line->dir->node,
			    c->pass->dir->node))))
				at = i + 1;
		}
		vec_push(out, NULL);
		memmove(&out->v[at + 1], &out->v[at],
		    (out->n - 1 - at) * sizeof *out->v);
		out->v[at] = a;
	}
	vec_free(&cur);
}

void
redirect_judge(const struct px_vhost *px, int preserve, const char *added_xfp,
    const struct vec *changes, struct rd_verdict *out)
{
	struct vec	 hosts = { 0 }, after = { 0 };
	struct rd_rev	*arr;
	size_t		 i, h;

	memset(out, 0, sizeof *out);
	out->now_ok = out->now_known = out->after_ok = 1;
	redirect_hosts(px, &hosts);
	if (hosts.n == 0) {
		if (px->preserve_host || preserve)
			out->now_known = 0;
		vec_push(&hosts, xstrdup("yourdomain.example"));
	}
	redirect_revs_changed(px, changes, &after);
	arr = xcalloc(after.n + 1, sizeof *arr);
	for (i = 0; i < after.n; i++)
		arr[i] = *(struct rd_rev *)after.v[i];
	for (i = 0; i < px->passes.n; i++) {
		const struct px_pass	*pp = px->passes.v[i];

		if (pp->server_level || px_pass_dead(px, i) ||
		    !redirect_applies(pp))
			continue;
		for (h = 0; h < hosts.n; h++) {
			struct rd_opts		o;
			struct rd_redirect	now, then;

			redirect_opts_init(px, &o);
			o.host = hosts.v[h];
			redirect_predict(px, pp, &o, &now);
			o.preserve_host = preserve;
			o.added_xfp = added_xfp;
			o.revs = arr;
			o.nrevs = after.n;
			redirect_predict(px, pp, &o, &then);
			if (now.harm == RD_UNKNOWN)
				out->now_known = 0;
			if (now.harm != RD_OK)
				out->now_ok = 0;
			if (then.harm != RD_OK)
				out->after_ok = 0;
			if (now.harm == RD_OK && then.harm != RD_OK)
				out->worse = 1;
			redirect_free(&now);
			redirect_free(&then);
		}
	}
	free(arr);
	vec_free_all(&after, free);
	vec_free_all(&hosts, free);
}

int
redirect_fix_decide(const struct px_vhost *px, int preserve,
    const char *added_xfp, struct vec *changes)
{
	struct rd_verdict	with, without;
	struct vec		none = { 0 };

	redirect_all_changes(px, preserve, px->xfp_https || (added_xfp &&
	    strcmp(added_xfp, "https") == 0), changes);
	if (changes->n == 0)
		return 0;
	redirect_judge(px, preserve, added_xfp, changes, &with);
	redirect_judge(px, preserve, added_xfp, &none, &without);
	if (with.after_ok && !with.worse && !without.after_ok)
		return 1;
	vec_free_all(changes, redirect_change_free);
	memset(changes, 0, sizeof *changes);
	return 0;
}

int
redirect_xfp_wanted(const struct px_vhost *px)
{
	return px->tls && px->xfp == NULL &&
	    redirect_backend_https(px, "/", NULL, NULL) == 0;
}
