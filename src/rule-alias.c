/* rule-alias.c: proxypass-not-url, alias-shadowed.
 *
 * Measured on Apache 2.4.71:
 * - "ProxyPass / /var/www/html" (a directory where a URL belongs):
 *   apache2 -t fails, AH00526 "ProxyPass URL must be absolute!" ("Unable
 *   to parse URL" for "127.0.0.1:8000/"); ProxyPassMatch the same.
 * - mod_proxy maps a request before mod_alias does: with "ProxyPass /
 *   http://backend/" an "Alias /static/ /srv/static/" (or
 *   "/.well-known/acme-challenge/") is answered by the backend, never from
 *   the directory, unless a "ProxyPass /static/ !" comes first.  Let's
 *   Encrypt's HTTP challenge then reaches the application and renewals
 *   fail.  A "ProxyPass !" in a <Location> for the path excludes it
 *   wherever it stands (the <Location> is tried first). */
#include "config.h"

#include <regex.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "rule-impl.h"

#define ACME	"/.well-known/acme-challenge/"

static void	alias_check(struct rule_ctx *);

const struct rule rule_proxypass_not_url = {
	.id = "proxypass-not-url",
	.sev = SEV_ERROR,
	.fix = RULE_FIX_HAND,
	.summary = "ProxyPass to something that is not a URL (a directory)",
	.why = "ProxyPass needs a backend URL (http://host:port/); a "
	    "filesystem path or a bare host:port is refused.",
	.visitor = "Apache refuses the configuration (\"ProxyPass URL must "
	    "be absolute!\"): it does not start or reload.",
	.check = alias_check,
};

const struct rule rule_alias_shadowed = {
	.id = "alias-shadowed",
	.sev = SEV_WARNING,
	.fix = RULE_FIX_HAND,
	.summary = "an Alias (or /.well-known/acme-challenge/) is covered by "
	    "a ProxyPass",
	.why = "mod_proxy maps the request before mod_alias: a ProxyPass "
	    "covering the Alias path, without a \"!\" exclusion before it, "
	    "wins.",
	.visitor = "The backend answers instead of the files; for "
	    "/.well-known/acme-challenge/ certificate renewals fail.",
	.check = alias_check,
};

/* The URL argument of a ProxyPass or ProxyPassMatch, or NULL. */
static const char *
pass_url(const struct cf_dir *d)
{
	size_t	k = d->ctx != NULL ? 0 : 1;

	if (!conf_is(d->node, "ProxyPass") &&
	    !conf_is(d->node, "ProxyPassMatch"))
		return NULL;
	return d->nargs > k ? d->args[k] : NULL;
}

static const char *
pass_path(const struct cf_dir *d)
{
	return d->ctx != NULL ? d->ctx_path : d->args[0];
}

static void
not_url_check(struct rule_ctx *rc, const struct vec *dirs)
{
	size_t	i;

	for (i = 0; i < dirs->n; i++) {
		const struct cf_dir	*d = dirs->v[i];
		const char		*u = pass_url(d);
		struct finding		*f;

		if (u == NULL || strcmp(u, "!") == 0 || strstr(u, "://") ||
		    strncasecmp(u, "unix:", 5) == 0)
			continue;
		f = rule_add(rc, &rule_proxypass_not_url, d->node, "%s to "
		    "\"%s\", which is not a URL: Apache refuses the "
		    "configuration (AH00526 \"%s\")", d->node->name, u,
		    u[0] == '/' ? "ProxyPass URL must be absolute!" :
		    "ProxyPass Unable to parse URL");
		if (u[0] == '/' && !conf_is(d->node, "ProxyPassMatch"))
			rule_suggest(f, "Alias %s %s    (to serve the "
			    "directory's files)", pass_path(d), u);
		else if (u[0] != '/')
			rule_suggest(f, "%s %s http://%s", d->node->name,
			    pass_path(d), u);
		else
			rule_suggest(f, "%s %s http://127.0.0.1:PORT/    (the "
			    "backend's URL)", d->node->name, pass_path(d));
	}
}

/* Does the ProxyPass(Match) line d map the path (with its slash)? */
static int
pass_matches(const struct cf_dir *d, const char *path)
{
	regex_t	 re;
	int	 hit;

	if (conf_is(d->node, "ProxyPass"))
		return px_path_covers(pass_path(d), path);
	if (d->ctx != NULL ||
	    regcomp(&re, d->args[0], REG_EXTENDED | REG_NOSUB) != 0)
		return 0;
	hit = regexec(&re, path, 0, NULL, 0) == 0;
	regfree(&re);
	return hit;
}

/* The line that decides where a request for path goes.  mod_proxy tries
 * the ProxyPass of the <Location> the request falls in first (the last
 * such section wins the merge), then the ProxyPass and ProxyPassMatch
 * lines of the vhost, then those of the server config, in order.  NULL
 * if none maps it. */
static const struct cf_dir *
decider(const struct rule_ctx *rc, const char *path)
{
	const struct vec	*vs[2];
	const struct cf_dir	*loc = NULL;
	size_t			 i, k;

	rule_levels(rc, vs);
	for (k = 0; k < 2; k++)
		for (i = 0; vs[k] != NULL && i < vs[k]->n; i++) {
			const struct cf_dir	*d = vs[k]->v[i];

			if (pass_url(d) != NULL && d->ctx != NULL &&
			    conf_is(d->ctx, "Location") &&
			    pass_matches(d, path) && (loc == NULL || k == 0))
				loc = d;
		}
	if (loc != NULL)
		return loc;
	for (k = 0; k < 2; k++)
		for (i = 0; vs[k] != NULL && i < vs[k]->n; i++) {
			const struct cf_dir	*d = vs[k]->v[i];

			if (pass_url(d) != NULL && d->ctx == NULL &&
			    pass_matches(d, path))
				return d;
		}
	return NULL;
}

/* A "ProxyPass PATH !" for the path that comes too late: proxypass-order
 * reports it and its fix moves the line up, which serves the Alias. */
static int
late_exclusion(const struct rule_ctx *rc, const char *path)
{
	const struct vec	*dirs = &rc->px->vhost->dirs;
	size_t			 i;

	for (i = 0; i < dirs->n; i++) {
		const struct cf_dir	*d = dirs->v[i];

		if (d->ctx == NULL && conf_is(d->node, "ProxyPass") &&
		    pass_url(d) != NULL && strcmp(pass_url(d), "!") == 0 &&
		    px_path_covers(pass_path(d), path))
			return 1;
	}
	return 0;
}

/* The path with a trailing slash: what the Alias serves below. */
static char *
dir_path(const char *p)
{
	size_t	n = strlen(p);

	return n > 0 && p[n - 1] == '/' ? xstrdup(p) : xasprintf("%s/", p);
}

static int
shadow_one(struct rule_ctx *rc, const struct cf_dir *alias,
    const struct cf_node *at)
{
	char			*path = dir_path(alias->args[0]);
	const struct cf_dir	*d = decider(rc, path);
	struct finding		*f;

	if (d == NULL || strcmp(pass_url(d), "!") == 0 ||
	    late_exclusion(rc, path)) {
		free(path);
		return 0;
	}
	f = rule_add(rc, &rule_alias_shadowed, at, "%s %s%s%s%s is never "
	    "served%s: %s %s on %s:%u maps it to the backend first%s",
	    alias->node->name, alias->args[0], at != alias->node ? " (" : "",
	    at != alias->node ? alias->node->file->path : "",
	    at != alias->node ? ", the server config's)" : "",
	    at != alias->node ? " here" : "", d->node->name, pass_path(d),
	    d->node->file->path, d->node->line, str_startswith(path,
	    "/.well-known/") ? " (certificate renewals fail)" : "");
	rule_suggest(f, "ProxyPass %s !    (before %s %s)", path,
	    d->node->name, pass_path(d));
	free(path);
	return 1;
}

/* "/.well_known/", "/.Well-Known": meant to exclude the ACME challenge,
 * misspelled. */
static int
near_acme(const char *p)
{
	char	*s = xstrdup(p), *q;
	int	 r;

	for (q = s; *q != '\0'; q++)
		*q = *q == '_' ? '-' : (char)(*q >= 'A' && *q <= 'Z' ?
		    *q - 'A' + 'a' : *q);
	r = px_path_covers(s, ACME) && !px_path_covers(p, ACME);
	free(s);
	return r;
}

static void
shadow_check(struct rule_ctx *rc)
{
	const struct cf_vhost	*v = rc->px->vhost;
	const struct vec	*sd = &rc->config->server_dirs;
	const struct cf_dir	*d;
	int			 acme = 0;
	size_t			 i;

	if (v == NULL)
		return;
	for (i = 0; i < v->dirs.n; i++) {
		d = v->dirs.v[i];
		if (d->ctx == NULL && d->nargs >= 2 &&
		    (conf_is(d->node, "Alias") ||
		    conf_is(d->node, "ScriptAlias"))) {
			shadow_one(rc, d, d->node);
			acme |= px_path_covers(d->args[0], ACME);
		}
	}
	/* The server config's ACME alias (a letsencrypt.conf) serves every
	 * vhost, unless one proxies it away; its other aliases (/icons/)
	 * are for sites that want them. */
	for (i = 0; i < sd->n; i++) {
		d = sd->v[i];
		if (d->ctx == NULL && d->nargs >= 2 &&
		    conf_is(d->node, "Alias") &&
		    str_startswith(d->args[0], "/.well-known")) {
			shadow_one(rc, d, v->node);
			acme |= px_path_covers(d->args[0], ACME);
		}
	}
	if (acme)
		return;
	for (i = 0; i < v->dirs.n; i++) {
		const struct cf_dir	*x;
		struct finding		*f;

		d = v->dirs.v[i];
		if (pass_url(d) == NULL || strcmp(pass_url(d), "!") != 0 ||
		    !conf_is(d->node, "ProxyPass") || !near_acme(pass_path(d)))
			continue;
		if ((x = decider(rc, ACME)) == NULL ||
		    strcmp(pass_url(x), "!") == 0)
			continue;
		f = rule_add(rc, &rule_alias_shadowed, d->node, "the "
		    "exclusion %s does not cover " ACME " (spelling): %s %s "
		    "on line %u sends the ACME challenges to the backend and "
		    "certificate renewals fail", pass_path(d), x->node->name,
		    pass_path(x), x->node->line);
		rule_suggest(f, "ProxyPass /.well-known/ !");
		break;
	}
}

static void
alias_check(struct rule_ctx *rc)
{
	not_url_check(rc, rc->px->vhost ? &rc->px->vhost->dirs :
	    &rc->config->server_dirs);
	shadow_check(rc);
}
