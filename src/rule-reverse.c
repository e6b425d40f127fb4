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

#include "plan.h"
#include "preview.h"
#include "redirect.h"
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
	.sev = SEV_ERROR,
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
	.sev = SEV_ERROR,
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

static enum sev
harm_sev(enum rd_harm h)
{
	return h == RD_SCHEME ? SEV_WARNING : SEV_ERROR;
}

/* What the visitor gets, where the rule's words (another host) are not
 * it: static strings (struct finding's visitor is not freed). */
static const char *
harm_visitor(enum rd_harm h)
{
	switch (h) {
	case RD_SCHEME:
		return "Backend redirects keep the visitor's host and path but "
		    "not the scheme the visitor came with (https sent to "
		    "http://, or the reverse).";
	case RD_PATH:
		return "Backend redirects keep the visitor's host but leave "
		    "the application's path: the visitor lands on a page "
		    "that is not the application's (often a 404).";
	default:
		break;
	}
	return NULL;
}

#define HARMLESS_VISITOR "Nothing: every backend redirect already " \
	"reaches the visitor right; the line only misleads its next reader."

static const char *
harm_word(enum rd_harm h)
{
	switch (h) {
	case RD_SCHEME:
		return "the wrong scheme";
	case RD_PATH:
		return "a path outside the application";
	default:
		break;
	}
	return "another host";
}

/* What the default fix (the planner with default choices) does to the
 * vhost's ProxyPassReverse lines, and whether the model says it makes
 * every redirect right without making a right one wrong. */
struct fixsim {
	struct px_vhost	 px;		/* the vhost with the fix's labels */
	const char	*added_xfp;
	struct vec	 changes;	/* struct rd_change * */
	struct vec	 after;		/* struct rd_rev *, Apache's order */
	struct rd_rev	*arr;
	int		 offered;
};

static void
fixsim_build(struct rule_ctx *rc, struct fixsim *fs)
{
	struct px_vhost		*px = rc->px;
	size_t			 i;

	memset(fs, 0, sizeof *fs);
	px_vhost_build(rc->config, px->vhost, &fs->px);
	px_relabel_all(&fs->px);
	px_fix_slashes(&fs->px);
	px = &fs->px;
	/* As plan.c: X-Forwarded-Proto https is added on a TLS vhost that
	 * sets none, when mod_headers can send it. */
	if (redirect_xfp_wanted(px) &&
	    conf_has_module(rc->config, "headers_module"))
		fs->added_xfp = "https";
	redirect_fix_plan(px, px->preserve_host, &fs->added_xfp,
	    &fs->changes);
	fs->offered = fs->changes.n > 0;
	redirect_revs_changed(px, &fs->changes, &fs->after);
	fs->arr = xcalloc(fs->after.n + 1, sizeof *fs->arr);
	for (i = 0; i < fs->after.n; i++)
		fs->arr[i] = *(struct rd_rev *)fs->after.v[i];
}

static void
fixsim_free(struct fixsim *fs)
{
	free(fs->arr);
	vec_free_all(&fs->after, free);
	vec_free_all(&fs->changes, redirect_change_free);
	px_vhost_free(&fs->px);
}

static void
attach_preview(struct rule_ctx *rc, struct finding *f,
    const struct px_pass *pp, const struct rd_redirect *now,
    const char *host, const struct fixsim *fs)
{
	struct preview		*p = xcalloc(1, sizeof *p);

	p->backend_location = xstrdup(now->backend_location);
	p->visitor_before = xstrdup(now->visitor_location);
	{
		struct rd_opts		o;
		struct rd_redirect	then;

		const struct px_pass	*pp2 = pp;
		size_t			 i;

		for (i = 0; i < rc->px->passes.n; i++)
			if (rc->px->passes.v[i] == pp)
				pp2 = fs->px.passes.v[i];
		redirect_opts_init(&fs->px, &o);
		o.host = host;
		o.added_xfp = fs->added_xfp;
		o.revs = fs->arr;
		o.nrevs = fs->after.n;
		redirect_predict(&fs->px, pp2, &o, &then);
		/* The fix is offered when it makes this redirect right (and,
		 * redirect_fix_decide(), every other one). */
		if (then.harm == RD_OK) {
			if (strcmp(then.backend_location,
			    now->backend_location) != 0)
				p->backend_after =
				    xstrdup(then.backend_location);
			p->visitor_after = xstrdup(then.visitor_location);
			f->fixable = 1;
		}
		redirect_free(&then);
	}
	f->preview = p;
}

static const char *
host_word(const struct px_vhost *px)
{
	return px->preserve_host ? "ProxyPreserveHost On: the backend sees "
	    "the visitor's host" : "the host is not preserved: the backend "
	    "sees the ProxyPass address";
}

/* The worst redirect of a pass over the vhost's visitor hosts. */
static int
worst_redirect(struct rule_ctx *rc, const struct px_pass *pp,
    const struct vec *hosts, struct rd_redirect *out, const char **host)
{
	size_t	h;
	int	have = 0;

	for (h = 0; h < hosts->n; h++) {
		struct rd_opts		o;
		struct rd_redirect	r;

		redirect_opts_init(rc->px, &o);
		o.host = hosts->v[h];
		if (redirect_predict(rc->px, pp, &o, &r) < 0)
			return 0;
		if (!have || r.harm > out->harm) {
			if (have)
				redirect_free(out);
			*out = r;
			*host = hosts->v[h];
			have = 1;
		} else
			redirect_free(&r);
	}
	return have;
}

static int
starts_unix(const char *u)
{
	return strncasecmp(u, "unix:", 5) == 0;
}

/* Is the line's path proxied to the same socket and URL as pp? */
static int
same_backend(const struct px_vhost *px, const struct px_pass *pp,
    const char *path)
{
	size_t	i;

	for (i = 0; i < px->passes.n; i++) {
		const struct px_pass	*q = px->passes.v[i];

		if (q != pp && px_url_eq(q->path, path) &&
		    strcasecmp(q->url.backend, pp->url.backend) == 0 &&
		    ((q->url.socket == NULL && pp->url.socket == NULL) ||
		    (q->url.socket != NULL && pp->url.socket != NULL &&
		    strcmp(q->url.socket, pp->url.socket) == 0)))
			return 1;
	}
	return 0;
}

static void
check_pass(struct rule_ctx *rc, struct px_pass *pp, const struct vec *hosts,
    const struct fixsim *fs, struct vec *reported)
{
	struct px_vhost		*px = rc->px;
	struct vec		 own = { 0 }, req = { 0 };
	struct rd_redirect	 r;
	const char		*host = NULL;
	const struct rule	*id;
	const struct cf_node	*at = pp->dir->node;
	struct finding		*f;
	char			*why;
	size_t			 i;

	if (!worst_redirect(rc, pp, hosts, &r, &host))
		return;
	if (r.harm == RD_OK || r.harm == RD_UNKNOWN) {
		redirect_free(&r);
		return;
	}
	if (r.matched_line != NULL && same_backend(px, pp,
	    r.matched_line->path)) {
		/* Another path to the same application: the visitor leaves
		 * the path they used, not the application. */
		redirect_free(&r);
		return;
	}
	px_revs_for(px, pp, &own);
	if (r.matched_line != NULL) {
		const struct px_rev	*m = r.matched_line;

		id = &rule_reverse_mismatch;
		at = m->dir->node;
		why = xasprintf("ProxyPassReverse %s %s (line %u) is the first "
		    "whose URL starts the Location, and Apache puts its path "
		    "in front of the rest", m->path, m->url, at->line);
	} else {
		const struct px_rev	*sock = NULL;
		char			*plain = NULL;

		for (i = 0; i < own.n && sock == NULL; i++)
			if (starts_unix(((struct px_rev *)own.v[i])->url))
				sock = own.v[i];
		if (strncasecmp(r.backend_location, "https://", 8) == 0)
			plain = xasprintf("http://%s",
			    r.backend_location + 8);
		if (sock != NULL) {
			id = &rule_reverse_socket_prefix;
			at = sock->dir->node;
			why = xasprintf("ProxyPassReverse %s never matches: "
			    "Apache compares it literally with the Location, "
			    "which never starts with \"unix:\"", sock->url);
		} else if (own.n == 0) {
			id = &rule_reverse_missing;
			why = xasprintf("ProxyPass %s has no ProxyPassReverse "
			    "that matches it", pp->path);
		} else {
			id = &rule_reverse_mismatch;
			at = ((struct px_rev *)own.v[0])->dir->node;
			why = xasprintf("no ProxyPassReverse for %s starts it "
			    "(%s)", pp->path, host_word(px));
			for (i = 0; plain != NULL && i < own.n; i++) {
				const char	*u = ((struct px_rev *)
				    own.v[i])->url;

				if (strncasecmp(u, "http://", 7) == 0 &&
				    strncasecmp(plain, u, strlen(u)) == 0) {
					id = &rule_reverse_scheme_missing;
					at = pp->dir->node;
					free(why);
					why = xasprintf("X-Forwarded-Proto makes "
					    "the backend redirect with https://, "
					    "and only the http:// form %s has a "
					    "ProxyPassReverse", u);
					break;
				}
			}
		}
		free(plain);
	}
	f = rule_add(rc, id, at, "a backend redirect to %s "
	    "reaches the visitor as %s (%s) instead of %s: %s",
	    r.backend_location, r.visitor_location, harm_word(r.harm),
	    r.right, why);
	free(why);
	f->sev = harm_sev(r.harm);
	f->visitor = harm_visitor(r.harm);
	f->fixable = 0;		/* attach_preview() says */
	px_required_revs(px, pp, px->preserve_host, px->xfp_https ||
	    fs->added_xfp != NULL, &req);
	suggest_revs(f, pp, &req);
	attach_preview(rc, f, pp, &r, host, fs);
	vec_push(reported, (void *)at);
	vec_free_all(&req, free);
	vec_free(&own);
	redirect_free(&r);
}

/* A ProxyPass an earlier, broader one of its context takes the requests
 * of (proxypass-order): it redirects nobody until that is fixed. */
static int
covered(const struct px_vhost *px, size_t i)
{
	const struct px_pass	*b = px->passes.v[i];
	size_t			 j;

	for (j = 0; j < i; j++) {
		const struct px_pass	*a = px->passes.v[j];

		if (a->server_level == b->server_level && !a->url.bad_syntax &&
		    (a->ctx_path == NULL) == (b->ctx_path == NULL) &&
		    (a->ctx_path == NULL ||
		    strcmp(a->ctx_path, b->ctx_path) == 0) &&
		    px_path_covers(a->path, b->path))
			return 1;
	}
	return 0;
}

static void
reverse_check(struct rule_ctx *rc)
{
	struct px_vhost	*px = rc->px;
	struct vec	 hosts = { 0 }, reported = { 0 }, used = { 0 };
	struct fixsim	 fs;
	size_t		 i, j, h;
	int		 all_ok = 1, judged = 1;

	redirect_hosts(px, &hosts);
	if (hosts.n == 0) {
		/* Without a ServerName the host a preserving backend sees is
		 * unknown; otherwise any name will do. */
		if (px->preserve_host)
			judged = 0;
		vec_push(&hosts, xstrdup(rule_host(rc)));
	}
	fixsim_build(rc, &fs);
	for (i = 0; judged && i < px->passes.n; i++) {
		struct px_pass	*pp = px->passes.v[i];

		if (pp->server_level || px_pass_dead(px, i) ||
		    !redirect_applies(pp) || covered(px, i))
			continue;
		for (h = 0; h < hosts.n; h++) {
			struct rd_opts		o;
			struct rd_redirect	r;

			redirect_opts_init(px, &o);
			o.host = hosts.v[h];
			redirect_predict(px, pp, &o, &r);
			if (r.harm != RD_OK)
				all_ok = 0;
			if (r.matched_line != NULL)
				vec_push(&used, (void *)r.matched_line);
			redirect_free(&r);
		}
		check_pass(rc, pp, &hosts, &fs, &reported);
	}
	for (i = 0; i < px->revs.n; i++) {
		struct px_rev	*r = px->revs.v[i];
		int		 dead = no_reverse_scheme(r->url), seen = 0;
		struct finding	*f;

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
			f = rule_add(rc, &rule_reverse_no_effect,
			    r->dir->node, "ProxyPassReverse %s has no effect: "
			    "Apache rewrites redirects only for http:// "
			    "backends, not uwsgi, fcgi or scgi ones", r->path);
			rule_suggest(f, "remove this line; the backend must "
			    "build its redirects from the Host header");
			continue;
		}
		for (j = 0; j < reported.n; j++)
			if (reported.v[j] == r->dir->node)
				seen = 1;
		for (j = 0; j < used.n; j++)
			if (used.v[j] == r)
				seen = 1;
		if (seen || !judged)
			continue;
		if (starts_unix(r->url)) {
			const char	*bar = strchr(r->url, '|');

			f = rule_add(rc, &rule_reverse_socket_prefix,
			    r->dir->node, "ProxyPassReverse %s "
			    "never matches: Apache compares it literally with "
			    "the backend's Location, which never starts with "
			    "\"unix:\"%s", r->url, all_ok ? "; the line is "
			    "dead, and harmless: every backend redirect already "
			    "reaches the visitor right" : "");
			if (all_ok) {
				f->sev = SEV_INFO;
				f->visitor = HARMLESS_VISITOR;
				f->fixable = 0;
				rule_suggest(f, "remove this line");
			}
			else if (bar != NULL && r->ctx_path == NULL)
				rule_suggest(f, "ProxyPassReverse %s %s",
				    r->path, bar + 1);
			else if (bar != NULL)
				rule_suggest(f, "ProxyPassReverse %s", bar + 1);
		} else if (all_ok && px->preserve_host) {
			f = rule_add(rc, &rule_reverse_mismatch,
			    r->dir->node, "ProxyPassReverse %s %s never "
			    "matches: with ProxyPreserveHost On the backend "
			    "redirects with the visitor's host; the line is "
			    "dead, and harmless: every backend redirect already "
			    "reaches the visitor right", r->path, r->url);
			f->sev = SEV_INFO;
			f->visitor = HARMLESS_VISITOR;
			f->fixable = 0;
			rule_suggest(f, "remove this line");
		}
	}
	fixsim_free(&fs);
	vec_free(&used);
	vec_free(&reported);
	vec_free_all(&hosts, free);
}
