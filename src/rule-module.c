/* rule-module.c: module-missing.
 *
 * A directive whose module is not loaded stops Apache ("Invalid command"),
 * except for the handler modules: "apache2 -t" passes with mod_proxy_http
 * missing and requests then fail at run time (verified on 2.4.71), so only
 * this check catches it.  Directives inside an <IfModule> that does not
 * hold are not in effect and never get here. */
#include "config.h"

#include <string.h>
#include <strings.h>
#include <stdio.h>

#include "rule-impl.h"

static void	module_check(struct rule_ctx *);

const struct rule rule_module_missing = {
	.id = "module-missing",
	.sev = SEV_ERROR,
	.fix = RULE_FIX_HAND,
	.summary = "a directive's module is not loaded",
	.why = "A directive needs an Apache module that is not loaded.",
	.visitor = "Apache refuses the configuration, or the requests fail "
	    "(500/503) at run time.",
	.check = module_check,
};

static const char *
scheme_module(enum px_scheme s)
{
	switch (s) {
	case PX_HTTP:
		return "proxy_http";
	case PX_UWSGI:
		return "proxy_uwsgi";
	case PX_FCGI:
		return "proxy_fcgi";
	case PX_SCGI:
		return "proxy_scgi";
	case PX_WS:
		return "proxy_wstunnel";
	case PX_AJP:
		return "proxy_ajp";
	case PX_BALANCER:
		return "proxy_balancer";
	case PX_NONE:
	case PX_OTHER:
		break;
	}
	return NULL;
}

static void
need(struct rule_ctx *rc, struct vec *seen, const char *mod,
    const struct cf_dir *d)
{
	char		 id[64];
	struct finding	*f;
	size_t		 i;

	snprintf(id, sizeof id, "%s_module", mod);
	if (conf_has_module(rc->config, id))
		return;
	for (i = 0; i < seen->n; i++)
		if (strcmp(seen->v[i], mod) == 0)
			return;
	vec_push(seen, (void *)mod);
	f = rule_add(rc, &rule_module_missing, d->node, "%s needs mod_%s, "
	    "which is not loaded: %s", d->node->name, mod,
	    strncmp(mod, "proxy_", 6) == 0 ? "requests through it fail with "
	    "500 errors (apache2 -t does not notice)" :
	    "Apache refuses to start (\"Invalid command\")");
	if (rc->config->debian)
		rule_suggest(f, "a2enmod %s", mod);
	else
		rule_suggest(f, "LoadModule %s_module modules/mod_%s.so", mod,
		    mod);
}

static void
check_dirs(struct rule_ctx *rc, struct vec *dirs, struct vec *seen)
{
	size_t	i;

	for (i = 0; i < dirs->n; i++) {
		struct cf_dir	*d = dirs->v[i];
		const char	*name = d->node->name;

		if (strncasecmp(name, "Proxy", 5) == 0 &&
		    (conf_is(d->node, "ProxyPass") ||
		    conf_is(d->node, "ProxyPassMatch") ||
		    conf_is(d->node, "ProxyPassReverse") ||
		    conf_is(d->node, "ProxyPassReverseCookieDomain") ||
		    conf_is(d->node, "ProxyPassReverseCookiePath") ||
		    conf_is(d->node, "ProxyPreserveHost") ||
		    conf_is(d->node, "ProxyRequests") ||
		    conf_is(d->node, "ProxyTimeout")))
			need(rc, seen, "proxy", d);
		else if (conf_is(d->node, "RequestHeader") ||
		    conf_is(d->node, "Header"))
			need(rc, seen, "headers", d);
		if ((conf_is(d->node, "ProxyPass") ||
		    conf_is(d->node, "ProxyPassMatch")) && d->nargs >= 1) {
			struct px_url	 u;
			const char	*mod;

			px_url_parse(d->args[d->ctx != NULL || d->nargs < 2 ?
			    0 : 1], &u);
			mod = scheme_module(u.scheme);
			if (mod != NULL && !u.bad_syntax)
				need(rc, seen, mod, d);
			px_url_free(&u);
		}
	}
}

static void
module_check(struct rule_ctx *rc)
{
	struct vec	seen = { 0 };

	if (rc->px->vhost != NULL)
		check_dirs(rc, &rc->px->vhost->dirs, &seen);
	else
		check_dirs(rc, (struct vec *)&rc->config->server_dirs, &seen);
	vec_free(&seen);
}
