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
	.fix = RULE_FIX_AUTO,	/* only where the URL has no path at all */
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
	.summary = "some requests reach another socket than the one their "
	    "ProxyPass names (labels equal or prefixes of each other)",
	.why = "Apache names a worker by the URL after | and finds it by "
	    "prefix: a label that equals or starts with another's reuses "
	    "that worker's socket, and the longest label captures URLs of a "
	    "shorter one.",
	.visitor = "Requests are answered by another backend, past access "
	    "rules that protect its own paths.",
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

/* A balancer member whose URL ends in "/": mod_proxy_balancer appends
 * the path after "balancer://name" (which starts with "/") to it, so the
 * backend gets "//x" for every request, "///x" when the ProxyPass path
 * has no slash and the balancer URL has one (measured on 2.4.71).  A
 * warning left to a human: the member may serve other ProxyPass lines.
 * Returns 1 when reported. */
static int
check_member_slash(struct rule_ctx *rc, struct px_pass *pp, int ps, int bs)
{
	const struct cf_node	*m;
	const char		*mu;
	size_t			 ml;
	struct finding		*f;

	m = px_balancer_member_slash(rc->config, pp->url.backend, &mu, &ml);
	if (m == NULL)
		return 0;
	f = rule_add(rc, &rule_trailing_slash, pp->dir->node,
	    "ProxyPass %s %s: its BalancerMember %.*s (%s:%u) ends with "
	    "\"/\" and Apache appends the rest of the URL after the "
	    "balancer's name to it, so every request reaches the backend "
	    "with a %s slash (%sx for %s%sx)", pp->path, pp->url.backend,
	    (int)ml, mu, m->file->path, m->line, !ps && bs ? "tripled" :
	    "doubled", !ps && bs ? "///" : "//", pp->path, ps ? "" : "/");
	f->fixable = 0;
	rule_suggest(f, "BalancerMember %.*s (%s:%u), and the same for the "
	    "balancer's other members", (int)ml - 1, mu, m->file->path,
	    m->line);
	if (ps && !bs)
		rule_suggest(f, "ProxyPass %s %s/", pp->path, pp->url.backend);
	else if (!ps && bs)
		rule_suggest(f, "ProxyPass %s %.*s", pp->path,
		    (int)strlen(pp->url.backend) - 1, pp->url.backend);
	return 1;
}

/* ProxyPass paths and backend URLs should agree on the final slash
 * (mod_proxy's documentation), else /app/x becomes http://b/appx or
 * http://b//x. */
static void
check_slash(struct rule_ctx *rc, struct px_pass *pp)
{
	const char	*bp = px_url_path(pp->url.backend);
	size_t		 lp = strlen(pp->path), lb = strlen(bp);
	int		 ps, bs, glued;
	struct finding	*f;
	char		*fixed;

	if (pp->url.scheme == PX_NONE || pp->url.bad_syntax || lp == 0)
		return;
	ps = pp->path[lp - 1] == '/';
	bs = lb > 0 && bp[lb - 1] == '/';
	if (pp->url.scheme == PX_BALANCER && !px_slash_fixable(pp) &&
	    check_member_slash(rc, pp, ps, bs))
		return;
	/* mod_proxy_uwsgi collapses the doubled slash (PATH_INFO "/x" for
	 * /app/x with ProxyPass /app uwsgi://h/, measured). */
	if (ps == bs || (!ps && pp->url.scheme == PX_UWSGI))
		return;
	glued = px_slash_fixable(pp);
	if (glued)
		f = pp->url.scheme == PX_BALANCER ? rule_add(rc,
		    &rule_trailing_slash, pp->dir->node, "ProxyPass %s ends "
		    "with \"/\" but %s has no path: Apache glues the rest "
		    "onto the balancer's name, finds no balancer (\"No "
		    "protocol handler was valid\"), so every URL under %s "
		    "but %s itself fails with 500", pp->path, pp->url.backend,
		    pp->path, pp->path) :
		    rule_add(rc, &rule_trailing_slash, pp->dir->node,
		    "ProxyPass %s ends with \"/\" but %s has no path: Apache "
		    "glues the rest onto the %s (\"DNS lookup failure for: "
		    "%sx\"), so every URL under %s but %s itself fails "
		    "with 500", pp->path, pp->url.backend,
		    strchr(strstr(pp->url.backend, "://") + 3, ':') ? "port" :
		    "host", strstr(pp->url.backend, "://") + 3, pp->path,
		    pp->path);
	else
		f = rule_add(rc, &rule_trailing_slash, pp->dir->node,
		    "ProxyPass %s ends %s \"/\" but its backend URL %s %s: "
		    "requests are forwarded with a %s slash", pp->path, ps ?
		    "with" : "without", pp->url.backend, bs ? "does" :
		    "does not", ps ? "missing" : "doubled");
	if (glued)
		f->sev = SEV_ERROR;
	else
		f->fixable = 0;
	if (ps)
		fixed = xasprintf("%s/", pp->url.backend);
	else
		fixed = xstrndup(pp->url.backend, strlen(pp->url.backend) - 1);
	if (pp->ctx_path != NULL)
		rule_suggest(f, "ProxyPass %s%s%s%s", pp->url.socket ? "unix:" :
		    "", pp->url.socket ? pp->url.socket : "", pp->url.socket ?
		    "|" : "", fixed);
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

/* "; ..." when the stray request escapes a <Location> access rule that
 * protects the other worker's own path, else "". */
static char *
access_bypass(const struct px_vhost *px, const struct px_pass *b,
    const struct px_conflict *c)
{
	size_t	i;

	if (c->other_path == NULL || px->vhost == NULL)
		return xstrdup("");
	for (i = 0; i < px->vhost->dirs.n; i++) {
		const struct cf_dir	*d = px->vhost->dirs.v[i];

		if (d->ctx == NULL || d->ctx_path == NULL ||
		    !conf_is(d->node, "Require") ||
		    strncmp(d->ctx_path, c->other_path,
		    strlen(c->other_path)) != 0 ||
		    px_path_covers(d->ctx_path, b->path))
			continue;
		return xasprintf("; the <Location %s> access rule (%s:%u) "
		    "does not apply to it", d->ctx_path,
		    d->node->file->path, d->node->line);
	}
	return xstrdup("");
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
	/* Shared workers, reported at the vhost's own line. */
	for (i = 0; i < px->passes.n; i++) {
		struct px_pass		*b = px->passes.v[i];
		struct px_conflict	 c;
		struct finding		*f;
		char			*url, *bypass;
		int			 ol;

		if (!px_label_conflict(px, i, &c))
			continue;
		ol = c.other_socket ? (int)strcspn(c.other_socket, "|") : 0;
		bypass = access_bypass(px, b, &c);
		if (c.shares)
			f = rule_add(rc, &rule_socket_label_shared,
			    b->dir->node, "every request for %s goes to %s%.*s, "
			    "not %s: Apache names a worker by the URL after "
			    "\"|\", and %s starts with the name of the worker "
			    "created first on %s:%u, which it reuses%s",
			    b->path, c.other_socket ? "" : "TCP ", ol,
			    c.other_socket ? c.other_socket : "", b->url.socket ?
			    b->url.socket : "its TCP address", b->url.backend,
			    c.other_node->file->path, c.other_node->line,
			    bypass);
		else
			f = rule_add(rc, &rule_socket_label_shared,
			    b->dir->node, "a request for %s goes to %s%.*s, "
			    "not %s: mod_proxy maps it to a URL under the "
			    "longer worker name of %s:%u, and the longest name "
			    "wins%s", c.example, c.other_socket ? "" : "TCP ",
			    ol, c.other_socket ? c.other_socket : "",
			    b->url.socket ? b->url.socket : "its TCP address",
			    c.other_node->file->path, c.other_node->line,
			    bypass);
		free(bypass);
		free(c.example);
		if (b->url.socket == NULL) {
			rule_suggest(f, "give each socket a label (the host "
			    "after \"|\") that is no prefix of another's");
			f->fixable = 0;
			continue;
		}
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
