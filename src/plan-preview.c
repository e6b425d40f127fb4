/* plan-preview.c: where a visitor is sent, before and after the fix.
 *
 * The wizard shows, for the choices made so far, what each proxied path's
 * redirect does now and what it will do: the backend redirects to the URL
 * it was reached at (the visitor's host when ProxyPreserveHost is On, with
 * https:// when X-Forwarded-Proto says so), and mod_proxy maps it with the
 * ProxyPassReverse lines in force (preview.c follows its rules).  The
 * planner's decisions (which lines a pass needs) come from proxy.c, the
 * same as plan.c's. */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "plan.h"
#include "preview.h"
#include "proxy.h"
#include "rules.h"

/* Where the backend redirects for a pass: to the URL it was reached at
 * (the visitor's host when it is preserved), with https:// when it is told
 * so by X-Forwarded-Proto. */
static char *
backend_redirect(const struct px_vhost *px, const struct px_pass *pp,
    int preserve, int xfp_https, const char *host)
{
	const struct cf_vhost	*v = px->vhost;
	const char		*u = pp->url.backend;
	char			 port[16] = "";

	if (preserve) {
		if (v != NULL && v->port != 0 && v->port != 80 &&
		    v->port != 443)
			snprintf(port, sizeof port, ":%d", v->port);
		return xasprintf("%s://%s%s%s", xfp_https ? "https" : "http",
		    host, port, px_url_path(u));
	}
	if (xfp_https && strncasecmp(u, "http://", 7) == 0)
		return xasprintf("https://%s", u + 7);
	return xstrdup(u);
}

static char *
map_with(const char *loc, const struct px_pass *pp, const struct vec *urls,
    const struct px_vhost *px, const char *host)
{
	struct preview_rev	*pr = xcalloc(urls->n + 1, sizeof *pr);
	size_t			 i;
	char			*r;

	for (i = 0; i < urls->n; i++) {
		pr[i].path = pp->path;
		pr[i].url = urls->v[i];
	}
	r = preview_map(loc, pr, urls->n, px->tls, host,
	    px->vhost ? px->vhost->port : 0);
	free(pr);
	return r;
}

void
plan_previews(const struct cf_config *c, struct cf_vhost *v,
    const struct plan_opts *o, struct vec *out)
{
	struct px_vhost	 px;
	const char	*host;
	int		 preserve, xfp;
	size_t		 i, j;

	px_vhost_build(c, v, &px);
	host = px_host_name(v);
	preserve = o->preserve_host == PLAN_KEEP ? px.preserve_host :
	    o->preserve_host == PLAN_ON;
	/* As the planner: the header is added on TLS vhosts when mod_headers
	 * is there to send it. */
	xfp = px.xfp_https || (o->forwarded_proto == PLAN_ON && px.tls &&
	    px.xfp == NULL && conf_has_module(c, "headers_module"));
	for (i = 0; i < px.passes.n; i++) {
		struct px_pass	*pp = px.passes.v[i];
		struct vec	 cur = { 0 }, curl = { 0 }, req = { 0 };
		struct preview	*p;
		char		*now, *then;

		if (pp->server_level || pp->url.scheme != PX_HTTP ||
		    pp->url.bad_syntax)
			continue;
		px_required_revs(&px, pp, preserve, xfp, &req);
		px_revs_for(&px, pp, &cur);
		for (j = 0; j < cur.n; j++)
			vec_push(&curl,
			    (void *)((struct px_rev *)cur.v[j])->url);
		p = xcalloc(1, sizeof *p);
		now = backend_redirect(&px, pp, px.preserve_host, px.xfp_https,
		    host);
		then = backend_redirect(&px, pp, preserve, xfp, host);
		p->backend_location = preview_next(now);
		p->visitor_before = map_with(p->backend_location, pp, &curl,
		    &px, host);
		if (strcmp(now, then) != 0)
			p->backend_after = preview_next(then);
		p->visitor_after = map_with(p->backend_after ?
		    p->backend_after : p->backend_location, pp,
		    req.n ? &req : &curl, &px, host);
		vec_push(out, p);
		free(now);
		free(then);
		vec_free(&cur);
		vec_free(&curl);
		vec_free_all(&req, free);
	}
	px_vhost_free(&px);
}
