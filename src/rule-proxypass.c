/* rule-proxypass.c: proxypass-order, trailing-slash, socket-label-shared,
 * socket-url-syntax.
 *
 * mod_proxy tries ProxyPass lines in the order given and uses the first
 * whose path covers the request (alias_match, at a path segment boundary),
 * so an exclusion ("!") or a longer path after a broader one is never
 * reached.  Workers are keyed by the URL after "|": two sockets behind one
 * label share the first socket's worker (verified on 2.4.71). */
#include "config.h"

#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "rule-impl.h"

static void	proxypass_check(struct rule_ctx *);

const struct rule rule_proxypass_order = {
	.id = "proxypass-order",
	.sev = SEV_ERROR,
	.fix = RULE_FIX_AUTO,
	.summary = "a ProxyPass comes after a broader one and is never "
	    "reached",
	.why = "Apache uses the first ProxyPass whose path matches; a "
	    "broader one above this line takes its requests first.",
	.visitor = "This line never takes effect: its requests go to the "
	    "other backend (or an exclusion is ignored).",
	.check = proxypass_check,
};

const struct rule rule_trailing_slash = {
	.id = "trailing-slash",
	.sev = SEV_WARNING,
	.fix = RULE_FIX_HAND,
	.summary = "only one of the ProxyPass path and the backend URL ends "
	    "in /",
	.why = "Exactly one of the path and the backend URL ends with /, so "
	    "Apache joins the rest of the URL wrongly.",
	.visitor = "Some pages reach the backend with a doubled or missing "
	    "slash and fail (often 404).",
	.check = proxypass_check,
};

const struct rule rule_socket_label_shared = {
	.id = "socket-label-shared",
	.sev = SEV_ERROR,
	.fix = RULE_FIX_AUTO,
	.summary = "two sockets share one URL label: both go to the first "
	    "socket",
	.why = "Two ProxyPass lines name different sockets with the same URL "
	    "after |; Apache sends both to the first socket.",
	.visitor = "Requests for the second backend are answered by the "
	    "first one.",
	.check = proxypass_check,
};

const struct rule rule_socket_url_syntax = {
	.id = "socket-url-syntax",
	.sev = SEV_ERROR,
	.fix = RULE_FIX_HAND,
	.summary = "a socket URL Apache will not use as meant",
	.why = "Apache does not read this socket URL as meant (nginx style "
	    "http://unix:/path, or unix: without |).",
	.visitor = "Requests go somewhere else or Apache refuses the "
	    "configuration.",
	.check = proxypass_check,
};

/* ProxyPass paths and backend URLs should agree on the final slash
 * (mod_proxy's documentation), else /app/x becomes http://b/appx or
 * http://b//x. */
static void
check_slash(struct rule_ctx *rc, struct px_pass *pp)
{
	const char	*bp = px_url_path(pp->url.backend);
	size_t		 lp = strlen(pp->path), lb = strlen(bp);
	int		 ps, bs;
	struct finding	*f;
	char		*fixed;

	if (pp->url.scheme == PX_NONE || pp->url.bad_syntax || lp == 0)
		return;
	ps = pp->path[lp - 1] == '/';
	bs = lb > 0 && bp[lb - 1] == '/';
	if (ps == bs)
		return;
	f = rule_add(rc, &rule_trailing_slash, pp->dir->node,
	    "ProxyPass %s ends %s \"/\" but its backend URL %s %s: requests "
	    "are forwarded with a %s slash", pp->path, ps ? "with" : "without",
	    pp->url.backend, bs ? "does" : "does not", ps ? "missing" :
	    "doubled");
	if (ps)
		fixed = xasprintf("%s/", pp->url.backend);
	else
		fixed = xstrndup(pp->url.backend, strlen(pp->url.backend) - 1);
	if (pp->ctx_path != NULL)
		rule_suggest(f, "ProxyPass %s%s%s", pp->url.socket ? "unix:" :
		    "", pp->url.socket ? pp->url.socket : "", fixed);
	else
		rule_suggest(f, "ProxyPass %s %s%s%s%s", pp->path,
		    pp->url.socket ? "unix:" : "", pp->url.socket ?
		    pp->url.socket : "", pp->url.socket ? "|" : "", fixed);
	free(fixed);
}

static int
same_ctx(const struct px_pass *a, const struct px_pass *b)
{
	if (a->server_level != b->server_level)
		return 0;
	if ((a->ctx_path == NULL) != (b->ctx_path == NULL))
		return 0;
	return a->ctx_path == NULL || strcmp(a->ctx_path, b->ctx_path) == 0;
}

static void
proxypass_check(struct rule_ctx *rc)
{
	struct px_vhost	*px = rc->px;
	size_t		 i, j;

	for (i = 0; i < px->passes.n; i++) {
		struct px_pass	*pp = px->passes.v[i];

		if (pp->server_level)
			continue;
		if (pp->url.bad_syntax) {
			struct finding	*f;

			if (pp->url.socket != NULL &&
			    strchr(pp->dir->args[pp->ctx_path ? 0 : 1], '|') ==
			    NULL) {
				f = rule_add(rc, &rule_socket_url_syntax,
				    pp->dir->node, "\"unix:%s\" has no \"|\": "
				    "mod_proxy needs the backend URL after the "
				    "socket path", pp->url.socket);
				rule_suggest(f, "ProxyPass %s unix:%s|"
				    "http://localhost/", pp->path,
				    pp->url.socket);
			} else {
				const char	*s = strstr(pp->url.backend,
				    "unix:") + 5;
				size_t		 n = strcspn(s, ":");

				f = rule_add(rc, &rule_socket_url_syntax,
				    pp->dir->node, "%s is nginx's way of naming "
				    "a socket: Apache looks up a host called "
				    "\"unix\"", pp->url.backend);
				rule_suggest(f, "ProxyPass %s unix:%.*s|"
				    "http://localhost/", pp->path, (int)n, s);
			}
			continue;
		}
		check_slash(rc, pp);
		for (j = 0; j < i; j++) {
			struct px_pass	*q = px->passes.v[j];

			if (q->server_level || !same_ctx(q, pp) ||
			    q->url.bad_syntax)
				continue;
			if (px_path_covers(q->path, pp->path)) {
				struct finding	*f = rule_add(rc,
				    &rule_proxypass_order, pp->dir->node,
				    "ProxyPass %s is never used: ProxyPass %s "
				    "(line %u) comes first and already covers "
				    "it; Apache uses the first match", pp->path,
				    q->path, q->dir->node->line);

				if (px_order_movable(q, pp))
					rule_suggest(f, "move this line above "
					    "line %u", q->dir->node->line);
				else {
					rule_suggest(f, "remove one of the two "
					    "(line %u is the one in effect)",
					    q->dir->node->line);
					f->fixable = 0;
				}
				break;
			}
		}
	}
	/* Shared labels, reported at the vhost's own line. */
	for (i = 0; i < px->passes.n; i++) {
		struct px_pass		*b = px->passes.v[i];
		const struct px_pass	*a = px_label_partner(px, i);
		struct finding		*f;
		char			*url;

		if (a == NULL)
			continue;
		f = rule_add(rc, &rule_socket_label_shared, b->dir->node,
		    "sockets %s and %s share the label %s: Apache sends both "
		    "to %s; give each socket its own label", a->url.socket,
		    b->url.socket, b->url.backend, a->server_level ?
		    b->url.socket : a->url.socket);
		url = px_relabelled_url(b);
		if (b->ctx_path != NULL)
			rule_suggest(f, "ProxyPass unix:%s|%s", b->url.socket,
			    url);
		else
			rule_suggest(f, "ProxyPass %s unix:%s|%s", b->path,
			    b->url.socket, url);
		free(url);
	}
}
