/* rule-util.c: what several rule files need to know about a context: the
 * directive lists in effect, on/off flags, TLS, mod_rewrite's proxy and
 * redirect rules.  (Not a rule family: it reports nothing.)
 *
 * Measured on Apache 2.4.71: a RewriteRule [R] runs before ProxyPass
 * whatever their order (301 from Apache, the backend never reached); a
 * Redirect or RedirectMatch at vhost level does not (the backend
 * answers), one inside <Location /> does. */
#include "config.h"

#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "rule-impl.h"

const struct cf_dir *
rule_last_dir(const struct vec *dirs, const char *name)
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
		d = rule_last_dir(&rc->px->vhost->dirs, name);
	if (d == NULL)
		d = rule_last_dir(&rc->config->server_dirs, name);
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

/* Is mod_rewrite on where d stands: "RewriteEngine On" in its
 * <Location>, or at vhost (server) level for a rule there? */
static int
rewrite_on(const struct vec *dirs, const struct cf_dir *d)
{
	const struct cf_dir	*e = NULL;
	size_t			 i;

	for (i = 0; i < dirs->n; i++) {
		const struct cf_dir	*x = dirs->v[i];

		if (x->ctx == d->ctx && x->nargs >= 1 &&
		    conf_is(x->node, "RewriteEngine"))
			e = x;
	}
	return e != NULL && str_caseeq(e->args[0], "on");
}

const char *
rule_rewrite_proxy(const struct vec *dirs, const struct cf_dir *d)
{
	if (!conf_is(d->node, "RewriteRule") || d->nargs < 3 ||
	    d->args[0][0] == '!' || !rewrite_flag(d->args[2], 'P') ||
	    !rewrite_on(dirs, d))
		return NULL;
	return d->args[1];
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
	struct vec	 names;		/* const char *: the names */
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
	eng = rule_last_dir(&v->dirs, "RewriteEngine");
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
