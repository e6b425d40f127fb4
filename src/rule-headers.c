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

static void
headers_check(struct rule_ctx *rc)
{
	struct px_vhost		*px = rc->px;
	const struct cf_node	*vn = rule_vhost_node(rc);
	struct finding		*f;
	size_t			 i, j;

	for (i = 0; i < px->preserve.n; i++) {
		struct cf_dir	*a = px->preserve.v[i];

		for (j = 0; j < i; j++) {
			struct cf_dir	*b = px->preserve.v[j];

			if (a->ctx != b->ctx ||
			    str_caseeq(a->args[0], b->args[0]))
				continue;
			f = rule_add(rc, &rule_preserve_host_conflict, a->node,
			    "ProxyPreserveHost %s contradicts ProxyPreserveHost "
			    "%s on line %u: the last one wins, which is easy to "
			    "misread", a->args[0], b->args[0], b->node->line);
			rule_suggest(f, "keep one: ProxyPreserveHost %s",
			    a->args[0]);
			break;
		}
	}
	/* The main server's own headers are inherited by every vhost and
	 * judged there. */
	if (!px->proxies || vn == NULL || px->vhost == NULL)
		return;
	if (redirect_xfp_wanted(px)) {
		f = rule_add(rc, &rule_forwarded_proto_missing, vn,
		    "TLS vhost %s proxies without X-Forwarded-Proto: the backend "
		    "thinks requests are plain http and builds http:// links "
		    "and redirects", rule_host(rc));
		rule_suggest(f, "RequestHeader set X-Forwarded-Proto \"https\"");
	}
	if (px->hide_server == NULL) {
		f = rule_add(rc, &rule_server_header_exposed, vn,
		    "visitors see the backend's Server header%s",
		    px->server_tokens_prod ? "" : "; once it is removed "
		    "Apache sends its own full banner unless \"ServerTokens "
		    "Prod\" is set in the server config");
		rule_suggest(f, "Header unset Server");
		if (!px->server_tokens_prod)
			rule_suggest(f, "ServerTokens Prod");
	}
	if (!px->tls && px->xfp == NULL && has_socket_backend(px)) {
		f = rule_add(rc, &rule_forwarded_proto_spoofable, vn,
		    "a visitor can send its own X-Forwarded-Proto: https on "
		    "this plain-HTTP vhost, and a backend trusting Unix-socket "
		    "peers (gunicorn) believes it");
		rule_suggest(f, "RequestHeader set X-Forwarded-Proto \"http\"");
	}
}
