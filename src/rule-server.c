/* rule-server.c: listen-duplicate, servername-duplicate, open-proxy, and
 * the helpers the rule files share about TLS and mod_rewrite.
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
 *   403 (AH01630).
 * - A RewriteRule [R] runs before ProxyPass whatever their order (301 from
 *   Apache, the backend never reached); a Redirect or RedirectMatch at
 *   vhost level does not (the backend answers), one inside <Location />
 *   does. */
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

/* Helpers shared by the rule files. */

static const struct cf_dir *
last_dir(const struct vec *dirs, const char *name)
{
	const struct cf_dir	*found = NULL;
	size_t			 i;

	for (i = 0; i < dirs->n; i++) {
		const struct cf_dir	*d = dirs->v[i];

		if (d->ctx == NULL && d->nargs >= 1 && conf_is(d->node, name))
			found = d;
	}
	return found;
}

/* The value of an on/off directive in effect: the vhost's last one, else
 * the server config's (both mod_ssl and mod_proxy merge that way). */
int
rule_flag_on(const struct rule_ctx *rc, const char *name)
{
	const struct cf_dir	*d = NULL;

	if (rc->px->vhost != NULL)
		d = last_dir(&rc->px->vhost->dirs, name);
	if (d == NULL)
		d = last_dir(&rc->config->server_dirs, name);
	return d != NULL && str_caseeq(d->args[0], "on");
}

void
rule_levels(const struct rule_ctx *rc, const struct vec *out[2])
{
	out[0] = rc->px->vhost ? &rc->px->vhost->dirs : NULL;
	out[1] = &rc->config->server_dirs;
}

int
rule_tls_on(const struct rule_ctx *rc)
{
	return rule_flag_on(rc, "SSLEngine") ||
	    rule_flag_on(rc, "GnuTLSEnable");
}

/* Does a RewriteRule flags argument ("[P,QSA]", "[R=301,L]") hold the
 * flag: "P"/"proxy" or "R"/"R=..."/"redirect"/"redirect=..."? */
static int
rewrite_flag(const char *flags, char want)
{
	const char	*p = flags;

	if (*p != '[')
		return 0;
	p++;
	while (*p != '\0' && *p != ']') {
		size_t	n = strcspn(p, ",]"), k = strcspn(p, "=,]");

		if (want == 'P' && ((k == 1 && (*p == 'P' || *p == 'p')) ||
		    (k == 5 && strncasecmp(p, "proxy", 5) == 0)))
			return 1;
		if (want == 'R' && ((k == 1 && (*p == 'R' || *p == 'r')) ||
		    (k == 8 && strncasecmp(p, "redirect", 8) == 0)))
			return 1;
		p += n;
		if (*p == ',')
			p++;
	}
	return 0;
}

const char *
rule_rewrite_proxy(const struct cf_dir *d)
{
	if (!conf_is(d->node, "RewriteRule") || d->nargs < 3 ||
	    d->args[0][0] == '!')
		return NULL;
	return rewrite_flag(d->args[2], 'P') ? d->args[1] : NULL;
}

/* A pattern every path matches: "^", ".*", "^/?(.*)$", "/(.*)". */
static int
matches_all(const char *re)
{
	char	 s[64];
	size_t	 n = 0;

	for (; *re != '\0' && n + 1 < sizeof s; re++)
		if (strchr("^$()?", *re) == NULL)
			s[n++] = *re;
	s[n] = '\0';
	return strcmp(s, "") == 0 || strcmp(s, "/") == 0 ||
	    strcmp(s, ".*") == 0 || strcmp(s, "/.*") == 0 ||
	    strcmp(s, ".") == 0 || strcmp(s, ".+") == 0;
}

/* The RewriteConds before a rule: do they hold for every request a
 * visitor of this vhost sends by one of its names?  Only conditions on
 * the scheme and on the name are understood: "%{HTTPS} !=on" (true on a
 * plain vhost), "%{SERVER_NAME} =name" or "%{HTTP_HOST} =name" (true
 * when, ORed, they name every ServerName and ServerAlias). */
struct conds {
	int		 ok;		/* every condition understood */
	int		 any_or;
	struct vec	 names;		/* const char *: names tested */
};

static void
cond_add(const struct rule_ctx *rc, struct conds *cs, const struct cf_dir *d)
{
	const char	*var, *pat;

	if (d->nargs < 2) {
		cs->ok = 0;
		return;
	}
	var = d->args[0];
	pat = d->args[1];
	if (d->nargs >= 3 && strstr(d->args[2], "OR") != NULL)
		cs->any_or = 1;
	if (str_caseeq(var, "%{HTTPS}")) {
		if (rule_tls_on(rc) || !(str_caseeq(pat, "!=on") ||
		    str_caseeq(pat, "!on") || str_caseeq(pat, "off") ||
		    str_caseeq(pat, "=off") || str_caseeq(pat, "!^on$")))
			cs->ok = 0;
	} else if (str_caseeq(var, "%{SERVER_NAME}") ||
	    str_caseeq(var, "%{HTTP_HOST}")) {
		if (pat[0] == '=' && pat[1] != '\0')
			vec_push(&cs->names, (void *)(pat + 1));
		else
			cs->ok = 0;
	} else
		cs->ok = 0;
}

/* Does the name conditions' set cover every name of the vhost? */
static int
conds_hold(const struct rule_ctx *rc, const struct conds *cs)
{
	const struct cf_vhost	*v = rc->px->vhost;
	size_t			 i, j;

	if (!cs->ok)
		return 0;
	if (cs->names.n == 0)
		return 1;
	if (cs->names.n > 1 && !cs->any_or)
		return 0;
	if (v->server_name == NULL)
		return 0;
	for (i = 0; i <= v->naliases; i++) {
		const char	*want = i == 0 ? v->server_name :
				    v->aliases[i - 1];
		int		 hit = 0;

		for (j = 0; j < cs->names.n && !hit; j++)
			hit = str_caseeq(cs->names.v[j], want);
		if (!hit)
			return 0;
	}
	return 1;
}

int
rule_redirects_all(const struct rule_ctx *rc)
{
	const struct cf_vhost	*v = rc->px->vhost;
	const struct cf_dir	*eng;
	struct conds		 cs;
	size_t			 i;

	if (v == NULL)
		return 0;
	for (i = 0; i < v->dirs.n; i++) {
		const struct cf_dir	*d = v->dirs.v[i];

		if (d->ctx != NULL && d->ctx_path != NULL &&
		    strcmp(d->ctx_path, "/") == 0 && conf_is(d->ctx,
		    "Location") && d->nargs >= 1 &&
		    (conf_is(d->node, "Redirect") ||
		    conf_is(d->node, "RedirectPermanent") ||
		    conf_is(d->node, "RedirectTemp")))
			return 1;
	}
	eng = last_dir(&v->dirs, "RewriteEngine");
	if (eng == NULL || !str_caseeq(eng->args[0], "on"))
		return 0;
	memset(&cs, 0, sizeof cs);
	cs.ok = 1;
	for (i = 0; i < v->dirs.n; i++) {
		const struct cf_dir	*d = v->dirs.v[i];
		int			 r;

		if (d->ctx != NULL)
			continue;
		if (conf_is(d->node, "RewriteCond")) {
			cond_add(rc, &cs, d);
			continue;
		}
		if (!conf_is(d->node, "RewriteRule"))
			continue;
		/* The first rule decides: any other one (a "- [END]" for
		 * /.well-known, a [P] for websockets) leaves some paths to
		 * the proxy. */
		r = d->nargs >= 3 && conds_hold(rc, &cs) &&
		    matches_all(d->args[0]) && rewrite_flag(d->args[2], 'R');
		vec_free(&cs.names);
		return r;
	}
	vec_free(&cs.names);
	return 0;
}

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
	const struct vec	*all = &rc->config->vhosts;
	struct finding		*f;
	size_t			 i, a, b;

	if (v == NULL || v->server_name == NULL)
		return;
	for (i = 0; i < all->n && (w = all->v[i]) != v; i++) {
		int	same = 0;

		for (a = 0; a < v->naddrs && !same; a++)
			for (b = 0; b < w->naddrs && !same; b++)
				same = addr_same(v->addrs[a], w->addrs[b]);
		if (!same || !conf_vhost_answers(w, v->server_name))
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
		d = last_dir(&v->dirs, "ProxyRequests");
	if (d == NULL) {
		/* Inherited: reported once, for the server config. */
		if (v != NULL)
			return;
		d = last_dir(&c->server_dirs, "ProxyRequests");
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
