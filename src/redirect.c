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
		} else if (v != NULL && (str_caseeq(op, "append") ||
		    (str_caseeq(op, "merge") && strstr(v, b.data) == NULL))) {
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
	/* A TLS backend knows its own scheme: with no header saying
	 * otherwise it redirects with https://. */
	if (https == 0 && xfp == NULL &&
	    strncasecmp(pp->url.backend, "https://", 8) == 0)
		https = 1;
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

int
redirect_xfp_wanted(const struct px_vhost *px)
{
	return px->tls && px->xfp == NULL &&
	    redirect_backend_https(px, "/", NULL, NULL) == 0;
}
