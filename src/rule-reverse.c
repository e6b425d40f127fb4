/* rule-reverse.c: reverse-socket-prefix, reverse-mismatch,
 * reverse-missing, reverse-scheme-missing, reverse-no-effect.
 *
 * Apache (mod_proxy, ap_proxy_location_reverse_map) rewrites a backend's
 * Location/Content-Location/URI header only when it starts with the URL of
 * a ProxyPassReverse, compared literally.  A URL written "unix:...|http://
 * 127.0.0.1/" therefore never matches: the backend's redirect to
 * http://127.0.0.1/next reaches the visitor unchanged (verified on 2.4.71).
 * The URL the backend redirects with is the one it was reached at: the
 * ProxyPass URL after "|" when the host is not preserved, the visitor's
 * host with ProxyPreserveHost On; with X-Forwarded-Proto https a backend
 * that trusts it (gunicorn, for socket peers) uses https://. mod_proxy_http
 * is the only handler that maps responses: uwsgi/fcgi/scgi do not. */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "preview.h"
#include "rule-impl.h"

static void	reverse_check(struct rule_ctx *);

const struct rule rule_reverse_socket_prefix = {
	.id = "reverse-socket-prefix",
	.sev = SEV_ERROR,
	.fix = RULE_FIX_AUTO,
	.summary = "a ProxyPassReverse URL starts with unix: and never "
	    "matches",
	.why = "Apache compares each ProxyPassReverse URL literally with the "
	    "Location the backend sends; a URL starting with unix: never "
	    "matches.",
	.visitor = "When the backend redirects (say to "
	    "http://127.0.0.1/next), the visitor is sent there unchanged: a "
	    "dead link that shows your backend's address.",
	.check = reverse_check,
};

const struct rule rule_reverse_mismatch = {
	.id = "reverse-mismatch",
	.sev = SEV_ERROR,
	.fix = RULE_FIX_AUTO,
	.summary = "no ProxyPassReverse has the URL the backend redirects "
	    "with",
	.why = "No ProxyPassReverse has the URL the backend redirects with, "
	    "so Apache never rewrites its redirects.",
	.visitor = "Backend redirects reach the visitor unchanged, pointing "
	    "at an address the visitor cannot reach.",
	.check = reverse_check,
};

const struct rule rule_reverse_missing = {
	.id = "reverse-missing",
	.sev = SEV_WARNING,
	.fix = RULE_FIX_AUTO,
	.summary = "a ProxyPass to a backend has no ProxyPassReverse",
	.why = "This ProxyPass has no ProxyPassReverse for its path, so "
	    "Apache never rewrites the backend's redirects.",
	.visitor = "Backend redirects reach the visitor unchanged, pointing "
	    "at an address the visitor cannot reach.",
	.check = reverse_check,
};

const struct rule rule_reverse_scheme_missing = {
	.id = "reverse-scheme-missing",
	.sev = SEV_WARNING,
	.fix = RULE_FIX_AUTO,
	.summary = "X-Forwarded-Proto https is sent but the https:// form of "
	    "the backend URL has no ProxyPassReverse",
	.why = "The vhost tells the backend the visitor uses https "
	    "(X-Forwarded-Proto), so the backend redirects to https://..., "
	    "which no ProxyPassReverse matches.",
	.visitor = "Those redirects reach the visitor with the backend's "
	    "address in them.",
	.check = reverse_check,
};

const struct rule rule_reverse_no_effect = {
	.id = "reverse-no-effect",
	.sev = SEV_INFO,
	.fix = RULE_FIX_HAND,
	.summary = "ProxyPassReverse has no effect for uwsgi/fcgi/scgi "
	    "backends",
	.why = "Apache does not rewrite responses of uwsgi://, fcgi:// or "
	    "scgi:// backends: this ProxyPassReverse does nothing.",
	.visitor = "No harm by itself, but the line is misleading.",
	.check = reverse_check,
};

static int
no_reverse_scheme(const char *url)
{
	struct px_url	u;
	int		r;

	px_url_parse(url, &u);
	r = u.scheme == PX_UWSGI || u.scheme == PX_FCGI ||
	    u.scheme == PX_SCGI;
	px_url_free(&u);
	return r;
}

static char *
pass_line(const struct px_pass *pp, const char *url)
{
	if (pp->ctx_path != NULL)
		return xasprintf("ProxyPassReverse %s", url);
	return xasprintf("ProxyPassReverse %s %s", pp->path, url);
}

static void
suggest_revs(struct finding *f, const struct px_pass *pp,
    const struct vec *req)
{
	size_t	i;

	for (i = 0; i < req->n; i++) {
		char	*l = pass_line(pp, req->v[i]);

		rule_suggest(f, "%s", l);
		free(l);
	}
}

static void
map_into(struct preview_rev *pr, const struct vec *revs, size_t *n,
    const char *path)
{
	size_t	i;

	for (i = 0; i < revs->n; i++) {
		pr[*n].path = path;
		pr[*n].url = revs->v[i];
		(*n)++;
	}
}

static void
attach_preview(struct rule_ctx *rc, struct finding *f,
    const struct px_pass *pp, const char *backend_url,
    const struct vec *cur, const struct vec *req)
{
	const struct cf_vhost	*v = rc->px->vhost;
	struct preview		*p = xcalloc(1, sizeof *p);
	struct preview_rev	*pr;
	struct vec		 urls = { 0 };
	size_t			 i, n = 0;
	int			 port = v ? v->port : 0;

	p->backend_location = preview_next(backend_url);
	pr = xcalloc(cur->n + req->n + 1, sizeof *pr);
	for (i = 0; i < cur->n; i++)
		vec_push(&urls, (void *)((struct px_rev *)cur->v[i])->url);
	map_into(pr, &urls, &n, pp->path);
	p->visitor_before = preview_map(p->backend_location, pr, n,
	    rc->px->tls, rule_host(rc), port);
	n = 0;
	map_into(pr, req, &n, pp->path);
	p->visitor_after = preview_map(p->backend_location, pr, n,
	    rc->px->tls, rule_host(rc), port);
	free(pr);
	vec_free(&urls);
	f->preview = p;
}

static const char *
host_word(const struct px_vhost *px)
{
	return px->preserve_host ? "ProxyPreserveHost On: the backend sees "
	    "the visitor's host" : "the host is not preserved: the backend "
	    "sees the ProxyPass address";
}

static void
check_pass(struct rule_ctx *rc, struct px_pass *pp)
{
	struct px_vhost	*px = rc->px;
	struct vec	 cur = { 0 }, req = { 0 }, plain = { 0 };
	struct finding	*f;
	size_t		 i, j;
	struct px_rev	*bad = NULL;
	int		 matched = 0, https_ok = 0;
	const char	*backend_url;
	char		*https_form = NULL;

	if (pp->url.scheme != PX_HTTP || pp->url.bad_syntax)
		return;
	px_revs_for(px, pp, &cur);
	px_required_revs(px, pp, px->preserve_host, px->xfp_https, &req);
	px_required_revs(px, pp, px->preserve_host, 0, &plain);
	if (req.n == 0)
		goto out;	/* host preserved but no ServerName */
	backend_url = plain.v[0];
	for (i = 0; i < cur.n; i++) {
		struct px_rev	*r = cur.v[i];

		if (strncasecmp(r->url, "unix:", 5) == 0 && bad == NULL)
			bad = r;
		for (j = 0; j < plain.n; j++)
			if (px_url_eq(r->url, plain.v[j]))
				matched = 1;
	}
	if (bad != NULL) {
		f = rule_add(rc, &rule_reverse_socket_prefix, bad->dir->node,
		    "ProxyPassReverse %s never matches: Apache compares it "
		    "literally with the backend's Location, which never "
		    "starts with \"unix:\"; redirects to %s reach the visitor "
		    "unchanged", bad->url, backend_url);
		suggest_revs(f, pp, &req);
		attach_preview(rc, f, pp, backend_url, &cur, &req);
		goto out;
	}
	if (cur.n > 0 && !matched) {
		struct px_rev	*r = cur.v[0];

		f = rule_add(rc, &rule_reverse_mismatch, r->dir->node,
		    "no ProxyPassReverse for %s has %s (%s, so it redirects "
		    "with that URL): its redirects reach the visitor "
		    "unchanged", pp->path, backend_url, host_word(px));
		/* The host is right already: only scheme or path is off. */
		if (px->preserve_host)
			f->sev = SEV_WARNING;
		suggest_revs(f, pp, &req);
		attach_preview(rc, f, pp, backend_url, &cur, &req);
		goto out;
	}
	if (cur.n == 0) {
		f = rule_add(rc, &rule_reverse_missing, pp->dir->node,
		    "ProxyPass %s has no ProxyPassReverse: the backend's "
		    "redirects to %s reach the visitor unchanged", pp->path,
		    backend_url);
		suggest_revs(f, pp, &req);
		attach_preview(rc, f, pp, backend_url, &cur, &req);
		goto out;
	}
	if (!px->preserve_host && px->xfp_https &&
	    strncasecmp(backend_url, "http://", 7) == 0) {
		https_form = xasprintf("https://%s", backend_url + 7);
		for (i = 0; i < cur.n; i++)
			if (px_url_eq(((struct px_rev *)cur.v[i])->url,
			    https_form))
				https_ok = 1;
		if (!https_ok) {
			f = rule_add(rc, &rule_reverse_scheme_missing,
			    pp->dir->node, "the vhost sends X-Forwarded-Proto "
			    "https, so a backend that trusts it redirects to "
			    "%s, which no ProxyPassReverse matches", https_form);
			suggest_revs(f, pp, &req);
			attach_preview(rc, f, pp, https_form, &cur, &req);
		}
	}
out:
	free(https_form);
	vec_free(&cur);
	vec_free_all(&req, free);
	vec_free_all(&plain, free);
}

static int
reported(const struct rule_ctx *rc, const struct cf_node *n)
{
	size_t	i;

	for (i = 0; i < rc->out->n; i++) {
		const struct finding	*f = rc->out->v[i];

		if (f->node == n && f->rule->check == reverse_check)
			return 1;
	}
	return 0;
}

static void
reverse_check(struct rule_ctx *rc)
{
	struct px_vhost	*px = rc->px;
	size_t		 i, j;

	for (i = 0; i < px->passes.n; i++) {
		struct px_pass	*pp = px->passes.v[i];

		if (!pp->server_level && !px_pass_dead(px, i))
			check_pass(rc, pp);
	}
	for (i = 0; i < px->revs.n; i++) {
		struct px_rev	*r = px->revs.v[i];
		int		 dead = no_reverse_scheme(r->url);

		if (r->server_level)
			continue;
		for (j = 0; !dead && j < px->passes.n; j++) {
			struct px_pass	*pp = px->passes.v[j];

			if (!pp->server_level && strcmp(pp->path, r->path) == 0
			    && (pp->url.scheme == PX_UWSGI ||
			    pp->url.scheme == PX_FCGI ||
			    pp->url.scheme == PX_SCGI))
				dead = 1;
		}
		if (dead) {
			struct finding	*f = rule_add(rc,
			    &rule_reverse_no_effect, r->dir->node,
			    "ProxyPassReverse %s has no effect: "
			    "Apache rewrites redirects only for http:// "
			    "backends, not uwsgi, fcgi or scgi ones", r->path);

			rule_suggest(f, "remove this line; the backend must "
			    "build its redirects from the Host header");
			continue;
		}
		/* A unix: URL on a ProxyPassReverse no ProxyPass line of
		 * the context claimed. */
		if (strncasecmp(r->url, "unix:", 5) == 0 &&
		    !reported(rc, r->dir->node)) {
			struct finding	*f = rule_add(rc,
			    &rule_reverse_socket_prefix, r->dir->node,
			    "ProxyPassReverse %s never matches: Apache "
			    "compares it literally with the backend's "
			    "Location, which never starts with \"unix:\"",
			    r->url);
			const char	*bar = strchr(r->url, '|');

			if (bar != NULL && r->ctx_path == NULL)
				rule_suggest(f, "ProxyPassReverse %s %s",
				    r->path, bar + 1);
			else if (bar != NULL)
				rule_suggest(f, "ProxyPassReverse %s", bar + 1);
			else
				rule_suggest(f, "ProxyPassReverse %s "
				    "http://<the host after | in ProxyPass>/",
				    r->path);
		}
	}
}
