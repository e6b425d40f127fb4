/* rule-headers.c: forwarded-proto-missing, server-header-exposed,
 * forwarded-proto-spoofable, preserve-host-conflict.
 *
 * mod_proxy_http does not tell the backend the visitor's scheme: without
 * X-Forwarded-Proto a backend behind a TLS vhost builds http:// URLs.
 * mod_headers' "Header unset Server" removes the backend's Server header;
 * Apache then adds its own banner, trimmed only by "ServerTokens Prod"
 * (server config only).  gunicorn trusts X-Forwarded-Proto from Unix
 * socket peers, so on a plain-HTTP vhost a client can claim https. */
#include "config.h"

#include <string.h>
#include <strings.h>

#include "redirect.h"
#include "rule-impl.h"

static void	headers_check(struct rule_ctx *);

const struct rule rule_forwarded_proto_missing = {
	.id = "forwarded-proto-missing",
	.sev = SEV_WARNING,
	.fix = RULE_FIX_AUTO,
	.summary = "a TLS vhost proxies without setting X-Forwarded-Proto",
	.why = "This TLS vhost does not tell the backend that the visitor "
	    "used https.",
	.visitor = "The backend builds http:// links and redirects: visitors "
	    "bounce to plain HTTP or see mixed-content warnings.",
	.check = headers_check,
};

const struct rule rule_server_header_exposed = {
	.id = "server-header-exposed",
	.sev = SEV_INFO,
	.fix = RULE_FIX_AUTO,
	.summary = "the backend's Server header reaches visitors",
	.why = "The backend's Server header (its name and version) is passed "
	    "on to visitors.",
	.visitor = "Anyone can see which software and version run behind "
	    "Apache.",
	.check = headers_check,
};

const struct rule rule_forwarded_proto_spoofable = {
	.id = "forwarded-proto-spoofable",
	.sev = SEV_INFO,
	.fix = RULE_FIX_HAND,
	.summary = "a plain-HTTP vhost lets clients choose X-Forwarded-Proto",
	.why = "A client can send its own X-Forwarded-Proto header, and "
	    "gunicorn trusts it from socket peers.",
	.visitor = "A visitor can make the backend believe the request came "
	    "over https.",
	.check = headers_check,
};

const struct rule rule_preserve_host_conflict = {
	.id = "preserve-host-conflict",
	.sev = SEV_WARNING,
	.fix = RULE_FIX_HAND,
	.summary = "ProxyPreserveHost is given twice with different values",
	.why = "ProxyPreserveHost is given twice with different values; only "
	    "one takes effect.",
	.visitor = "The backend may see another Host than intended and "
	    "redirect visitors to the wrong name.",
	.check = headers_check,
};

static int
has_socket_backend(const struct px_vhost *px)
{
	size_t	i;

	for (i = 0; i < px->passes.n; i++) {
		struct px_pass	*pp = px->passes.v[i];

		if (pp->url.socket != NULL && pp->url.scheme != PX_NONE)
			return 1;
	}
	return 0;
}

/* A ProxyPass a request can reach: not covered by an earlier line of its
 * context (that one wins, proxypass-order). */
static int
pass_live(const struct px_vhost *px, size_t i)
{
	const struct px_pass	*b = px->passes.v[i];
	size_t			 j;

	if (b->url.scheme == PX_NONE)
		return 0;
	for (j = 0; j < i; j++) {
		const struct px_pass	*a = px->passes.v[j];

		if (a->server_level == b->server_level &&
		    (a->ctx_path == NULL) == (b->ctx_path == NULL) &&
		    (a->ctx_path == NULL || strcmp(a->ctx_path,
		    b->ctx_path) == 0) && px_path_covers(a->path, b->path))
			return 0;
	}
	return 1;
}

/* What the vhost's backends are, as far as these rules care. */
struct backends {
	int	any;		/* something is proxied */
	int	server_header;	/* a backend that sends a Server header
				   (all but uwsgi: uWSGI and Django send
				   none, measured) */
	int	plain_http;	/* an http:// (or balancer) backend a
				   browser's page or redirect comes from
				   (not https://, not a websocket) */
	int	passes;		/* through ProxyPass (fix's anchor) */
};

static void
note_url(struct backends *b, const char *u, enum px_scheme s)
{
	const char	*bar;

	if (strncasecmp(u, "unix:", 5) == 0 && (bar = strchr(u, '|')) != NULL)
		u = bar + 1;
	b->any = 1;
	if (s != PX_UWSGI)
		b->server_header = 1;
	if (strncasecmp(u, "http://", 7) == 0 || s == PX_BALANCER)
		b->plain_http = 1;
}

static void
backends_of(const struct rule_ctx *rc, struct backends *b)
{
	const struct px_vhost	*px = rc->px;
	const struct vec	*dirs = px->vhost ? &px->vhost->dirs :
				    &rc->config->server_dirs;
	size_t			 i;

	memset(b, 0, sizeof *b);
	if (rule_redirects_all(rc))
		return;
	for (i = 0; i < px->passes.n; i++) {
		struct px_pass	*pp = px->passes.v[i];

		if (!pass_live(px, i) || pp->url.bad_syntax)
			continue;
		/* "balancer://name" without its slash: the path is glued
		 * onto the name and every request fails in Apache ("No
		 * protocol handler", measured). */
		if (pp->url.scheme == PX_BALANCER &&
		    *px_url_path(pp->url.backend) == '\0')
			continue;
		note_url(b, pp->url.backend, pp->url.scheme);
		b->passes = 1;
	}
	for (i = 0; i < dirs->n; i++) {
		const char	*u = rule_rewrite_proxy(dirs, dirs->v[i]);
		struct px_url	 pu;

		if (u == NULL || strstr(u, "://") == NULL)
			continue;
		px_url_parse(u, &pu);
		note_url(b, u, pu.scheme);
		px_url_free(&pu);
	}
}

/* X-Forwarded-Ssl: on or X-Forwarded-Protocol: ssl, which gunicorn (its
 * default secure_scheme_headers, measured) and Rails honour as https. */
static int
has_ssl_header(const struct rule_ctx *rc)
{
	const struct vec	*vs[2];
	size_t			 i, k;

	rule_levels(rc, vs);
	for (k = 0; k < 2; k++)
		for (i = 0; vs[k] != NULL && i < vs[k]->n; i++) {
			const struct cf_dir	*d = vs[k]->v[i];

			if (!conf_is(d->node, "RequestHeader") ||
			    d->nargs < 3 || !str_caseeq(d->args[0], "set"))
				continue;
			if ((str_caseeq(d->args[1], "X-Forwarded-Ssl") &&
			    str_caseeq(d->args[2], "on")) ||
			    (str_caseeq(d->args[1], "X-Forwarded-Protocol") &&
			    str_caseeq(d->args[2], "ssl")))
				return 1;
		}
	return 0;
}

static int
need_forwarded_proto(const struct rule_ctx *rc, const struct backends *b)
{
	return rc->px->vhost != NULL && b->plain_http && rule_tls_on(rc) &&
	    rc->px->xfp == NULL && !has_ssl_header(rc);
}

static int
need_hide_server(const struct rule_ctx *rc, const struct backends *b)
{
	/* The main server answers only where no vhost does; with vhosts,
	 * each judges what it inherits. */
	if (rc->px->vhost == NULL && rc->config->vhosts.n > 0)
		return 0;
	return b->server_header && rc->px->hide_server == NULL;
}

static void
headers_check(struct rule_ctx *rc)
{
	struct px_vhost		*px = rc->px;
	const struct cf_node	*vn = rule_vhost_node(rc);
	struct backends		 b;
	struct finding		*f;
	size_t			 i, j;

	for (i = 0; i < px->preserve.n; i++) {
		struct cf_dir	*a = px->preserve.v[i];

		for (j = 0; j < i; j++) {
			struct cf_dir	*d = px->preserve.v[j];

			if (a->ctx != d->ctx ||
			    str_caseeq(a->args[0], d->args[0]))
				continue;
			f = rule_add(rc, &rule_preserve_host_conflict, a->node,
			    "ProxyPreserveHost %s contradicts ProxyPreserveHost "
			    "%s on line %u: the last one wins, which is easy to "
			    "misread", a->args[0], d->args[0], d->node->line);
			rule_suggest(f, "keep one: ProxyPreserveHost %s",
			    a->args[0]);
			break;
		}
	}
	backends_of(rc, &b);
	if (!b.any)
		return;
	if (vn == NULL && px->vhost == NULL)
		for (i = 0; i < rc->config->server_dirs.n && vn == NULL; i++)
			if (rule_rewrite_proxy(&rc->config->server_dirs,
			    rc->config->server_dirs.v[i]))
				vn = ((struct cf_dir *)
				    rc->config->server_dirs.v[i])->node;
	if (vn == NULL)
		return;
	if (need_forwarded_proto(rc, &b) && redirect_xfp_wanted(px)) {
		f = rule_add(rc, &rule_forwarded_proto_missing, vn,
		    "TLS vhost %s proxies without X-Forwarded-Proto: the backend "
		    "thinks requests are plain http and builds http:// links "
		    "and redirects", rule_host(rc));
		rule_suggest(f, "RequestHeader set X-Forwarded-Proto \"https\"");
		/* The fix adds it before the first ProxyPass; the vhost
		 * and the main server are left to a human. */
		f->fixable = px->vhost != NULL && b.passes;
	}
	if (need_hide_server(rc, &b)) {
		f = rule_add(rc, &rule_server_header_exposed, vn,
		    "visitors see the backend's Server header%s",
		    px->server_tokens_prod ? "" : "; once it is removed "
		    "Apache sends its own full banner unless \"ServerTokens "
		    "Prod\" is set in the server config");
		rule_suggest(f, "Header unset Server");
		if (!px->server_tokens_prod)
			rule_suggest(f, "ServerTokens Prod");
		f->fixable = px->vhost != NULL && b.passes;
	}
	if (px->vhost != NULL && !px->tls && px->xfp == NULL &&
	    has_socket_backend(px)) {
		f = rule_add(rc, &rule_forwarded_proto_spoofable, vn,
		    "a visitor can send its own X-Forwarded-Proto: https on "
		    "this plain-HTTP vhost, and a backend trusting Unix-socket "
		    "peers (gunicorn) believes it");
		rule_suggest(f, "RequestHeader set X-Forwarded-Proto \"http\"");
	}
}

static int
vhost_needs(const struct cf_config *c, struct cf_vhost *v, int xfp)
{
	struct px_vhost	 px;
	struct rule_ctx	 rc;
	struct backends	 b;
	struct vec	 none = { 0 };
	int		 r;

	px_vhost_build(c, v, &px);
	rc.config = c;
	rc.px = &px;
	rc.out = &none;
	backends_of(&rc, &b);
	r = xfp ? need_forwarded_proto(&rc, &b) && redirect_xfp_wanted(&px) :
	    need_hide_server(&rc, &b);
	px_vhost_free(&px);
	return r;
}

int
rules_needs_forwarded_proto(const struct cf_config *c, struct cf_vhost *v)
{
	return vhost_needs(c, v, 1);
}

int
rules_needs_hide_server(const struct cf_config *c, struct cf_vhost *v)
{
	return vhost_needs(c, v, 0);
}
