/* rule-server.c: listen-duplicate, servername-duplicate, open-proxy.
 *
 * Measured on Apache 2.4.71:
 * - "Listen 80" twice (a site file repeating ports.conf): apache2 -t fails,
 *   AH00526 "Cannot define multiple Listeners on the same IP:port".  A
 *   port given once without an address and once with a specific one
 *   ("Listen 80", "Listen 127.0.0.1:80"): -t passes, the start fails,
 *   AH00072 "make_sock: could not bind to address".  "Listen 80" with
 *   "Listen 0.0.0.0:80" starts.
 * - Two vhosts on the same address:port with the same ServerName: Apache
 *   says nothing (not even apache2 -S warns) and every request for the
 *   name goes to the first; the second answers only its other aliases.
 * - "ProxyRequests On" without a <Proxy> section restricting who may use
 *   it: "curl -x" from anywhere fetches any URL through the server (200,
 *   the other server's page); with "<Proxy *> Require ip ..." others get
 *   403 (AH01630). */
#include "config.h"

#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "rule-impl.h"

static void	server_check(struct rule_ctx *);

const struct rule rule_listen_duplicate = {
	.id = "listen-duplicate",
	.sev = SEV_ERROR,
	.fix = RULE_FIX_HAND,
	.summary = "a Listen line repeats a port another Listen line opens",
	.why = "Two Listen lines open the same port (a site file repeating "
	    "ports.conf, typically).",
	.visitor = "Apache refuses to start (apache2 -t fails with \"Cannot "
	    "define multiple Listeners\", or the start fails with \"could not "
	    "bind to address\"): the whole server is down.",
	.check = server_check,
};

const struct rule rule_servername_duplicate = {
	.id = "servername-duplicate",
	.sev = SEV_WARNING,
	.fix = RULE_FIX_HAND,
	.summary = "two vhosts on one address and port have the same "
	    "ServerName",
	.why = "An earlier vhost on the same address and port already answers "
	    "this ServerName; Apache picks the first.",
	.visitor = "Requests for the name never reach this vhost: its "
	    "configuration is dead.",
	.check = server_check,
};

const struct rule rule_open_proxy = {
	.id = "open-proxy",
	.sev = SEV_ERROR,
	.fix = RULE_FIX_HAND,
	.summary = "ProxyRequests On without a <Proxy> restriction: an open "
	    "proxy",
	.why = "ProxyRequests On makes Apache a forward proxy, and no <Proxy> "
	    "section restricts who may use it.",
	.visitor = "Anyone can fetch any URL through this server (curl -x), "
	    "hiding behind its address; ProxyPass does not need it.",
	.check = server_check,
};

/* listen-duplicate */

struct listen {
	const struct cf_dir	*dir;
	char			*addr;		/* "" without one */
	char			*port;
};

static int
is_wildcard(const char *a)
{
	return *a == '\0' || strcmp(a, "0.0.0.0") == 0 ||
	    strcmp(a, "[::]") == 0 || strcmp(a, "*") == 0;
}

static void
listen_check(struct rule_ctx *rc)
{
	const struct vec	*dirs = &rc->config->server_dirs;
	struct listen		*ls;
	size_t			 i, j, n = 0;

	ls = xcalloc(dirs->n + 1, sizeof *ls);
	for (i = 0; i < dirs->n; i++) {
		const struct cf_dir	*d = dirs->v[i];
		const char		*colon;

		if (!conf_is(d->node, "Listen") || d->nargs < 1)
			continue;
		colon = strrchr(d->args[0], ':');
		if (colon != NULL && strchr(colon, ']') != NULL)
			colon = NULL;
		ls[n].dir = d;
		ls[n].addr = colon ? xstrndup(d->args[0],
		    (size_t)(colon - d->args[0])) : xstrdup("");
		ls[n].port = xstrdup(colon ? colon + 1 : d->args[0]);
		for (j = 0; j < n; j++) {
			const struct listen	*a = &ls[j], *b = &ls[n];
			struct finding		*f;

			if (strcmp(a->port, b->port) != 0)
				continue;
			if (str_caseeq(a->addr, b->addr))
				f = rule_add(rc, &rule_listen_duplicate,
				    d->node, "Listen %s repeats Listen %s of "
				    "%s:%u: Apache refuses the configuration "
				    "(\"Cannot define multiple Listeners on "
				    "the same IP:port\", AH00526)", d->args[0],
				    a->dir->args[0], a->dir->node->file->path,
				    a->dir->node->line);
			else if (is_wildcard(a->addr) != is_wildcard(b->addr)
			    && (*a->addr == '\0' || *b->addr == '\0'))
				f = rule_add(rc, &rule_listen_duplicate,
				    d->node, "Listen %s overlaps Listen %s of "
				    "%s:%u (all addresses): apache2 -t passes "
				    "but Apache cannot start (\"could not bind "
				    "to address\", AH00072)", d->args[0],
				    a->dir->args[0], a->dir->node->file->path,
				    a->dir->node->line);
			else
				continue;
			rule_suggest(f, "remove this line (%s:%u already "
			    "opens port %s)", a->dir->node->file->path,
			    a->dir->node->line, a->port);
			break;
		}
		n++;
	}
	for (i = 0; i < n; i++) {
		free(ls[i].addr);
		free(ls[i].port);
	}
	free(ls);
}

/* servername-duplicate */

/* "_default_:443" and "*:443" are the same address to name-based
 * matching. */
static const char *
addr_rest(const char *a)
{
	if (strncasecmp(a, "_default_", 9) == 0)
		return a + 9;
	if (*a == '*')
		return a + 1;
	return NULL;
}

static int
addr_same(const char *a, const char *b)
{
	const char	*ra = addr_rest(a), *rb = addr_rest(b);

	if (ra != NULL && rb != NULL)
		return strcmp(ra, rb) == 0;
	return str_caseeq(a, b);
}

static void
servername_check(struct rule_ctx *rc)
{
	const struct cf_vhost	*v = rc->px->vhost, *w;
	const struct vec	*same_name;
	struct finding		*f;
	char			*low;
	size_t			 i, a, b;

	/* The vhosts answering the name come from rules_run()'s index. */
	if (v == NULL || v->server_name == NULL || rc->ix == NULL)
		return;
	low = str_lower(v->server_name);
	same_name = strmap_get(&rc->ix->names, low);
	free(low);
	for (i = 0; same_name != NULL && i < same_name->n &&
	    (w = same_name->v[i]) != v; i++) {
		int	same = 0;

		for (a = 0; a < v->naddrs && !same; a++)
			for (b = 0; b < w->naddrs && !same; b++)
				same = addr_same(v->addrs[a], w->addrs[b]);
		if (!same)
			continue;
		f = rule_add(rc, &rule_servername_duplicate, v->node,
		    "the vhost of %s:%u already answers %s on %s: requests "
		    "for it never reach this one%s", w->node->file->path,
		    w->node->line, v->server_name, v->addrs[0],
		    v->naliases ? " (only its other aliases do)" : "");
		rule_suggest(f, "give this vhost its own ServerName, or merge "
		    "it into the vhost of %s:%u", w->node->file->path,
		    w->node->line);
		return;
	}
}

/* open-proxy */

/* Does a <Proxy>/<ProxyMatch> section restrict access: any Require other
 * than "all granted", a Deny, an Allow other than "from all"? */
static int
section_restricts(const struct cf_node *n)
{
	size_t	i;

	for (i = 0; i < n->nkids; i++) {
		const struct cf_node	*k = n->kids[i];
		char			*a1, *a2;
		int			 r = 0;

		if (k->kind == CF_SECTION) {
			if (section_restricts(k))
				return 1;
			continue;
		}
		a1 = k->nargs > 0 ? str_unquote(k->args[0]) : xstrdup("");
		a2 = k->nargs > 1 ? str_unquote(k->args[1]) : xstrdup("");
		if (conf_is(k, "Require"))
			r = !(str_caseeq(a1, "all") && str_caseeq(a2,
			    "granted"));
		else if (conf_is(k, "Deny"))
			r = 1;
		else if (conf_is(k, "Allow"))
			r = !str_caseeq(a2, "all");
		free(a1);
		free(a2);
		if (r)
			return 1;
	}
	return 0;
}

/* A restricting <Proxy> section under n (not inside a vhost when
 * skip_vhosts). */
static int
proxy_restricted(const struct cf_node *n, int skip_vhosts)
{
	size_t	i;

	for (i = 0; i < n->nkids; i++) {
		const struct cf_node	*k = n->kids[i];

		if (k->kind != CF_SECTION)
			continue;
		if (conf_is(k, "VirtualHost") && skip_vhosts)
			continue;
		if ((conf_is(k, "Proxy") || conf_is(k, "ProxyMatch")) &&
		    section_restricts(k))
			return 1;
		if (proxy_restricted(k, skip_vhosts))
			return 1;
	}
	return 0;
}

static void
open_proxy_check(struct rule_ctx *rc)
{
	const struct cf_config	*c = rc->config;
	const struct cf_vhost	*v = rc->px->vhost;
	const struct cf_dir	*d = NULL;
	struct finding		*f;
	size_t			 i;

	if (v != NULL)
		d = rule_last_dir(&v->dirs, "ProxyRequests");
	if (d == NULL) {
		/* Inherited: reported once, for the server config. */
		if (v != NULL)
			return;
		d = rule_last_dir(&c->server_dirs, "ProxyRequests");
	}
	if (d == NULL || !str_caseeq(d->args[0], "on"))
		return;
	if (!conf_has_module(c, "proxy_http_module") &&
	    !conf_has_module(c, "proxy_connect_module") &&
	    !conf_has_module(c, "proxy_ftp_module"))
		return;
	if (v != NULL && proxy_restricted(v->node, 0))
		return;
	for (i = 0; i < c->files.n; i++)
		if (proxy_restricted(&((struct cf_file *)c->files.v[i])->top,
		    1))
			return;
	f = rule_add(rc, &rule_open_proxy, d->node, "ProxyRequests On and no "
	    "<Proxy> section restricts it: anyone can fetch any URL through "
	    "this server (an open proxy)");
	rule_suggest(f, "ProxyRequests Off    (ProxyPass and RewriteRule [P] "
	    "do not need it)");
}

static void
server_check(struct rule_ctx *rc)
{
	if (rc->px->vhost == NULL)
		listen_check(rc);
	servername_check(rc);
	open_proxy_check(rc);
}
