/* rule-tls.c: tls-certificate-missing, tls-port-plain,
 * ssl-proxy-engine-missing.
 *
 * Measured on Apache 2.4.71:
 * - "SSLEngine on" with no SSLCertificateFile in the vhost or the server
 *   config: apache2 -t says "Syntax OK", the start fails (AH02572 "Failed
 *   to configure at least one certificate and key", AH02312).  A
 *   certificate given in the server config is inherited.
 * - A vhost on port 443 without "SSLEngine on" answers plain HTTP there:
 *   TLS clients fail ("wrong version number").  SSLEngine on in an
 *   Included file (certbot's options-ssl-apache.conf) counts.
 * - An https:// or wss:// backend (ProxyPass, ProxyPassMatch, RewriteRule
 *   [P]) without "SSLProxyEngine On": every request through it is a 500
 *   (AH01961 "failed to enable ssl support", AH00961); with it, the
 *   backend answers. */
#include "config.h"

#include <string.h>
#include <strings.h>

#include "rule-impl.h"

static void	tls_check(struct rule_ctx *);

const struct rule rule_tls_certificate_missing = {
	.id = "tls-certificate-missing",
	.sev = SEV_ERROR,
	.fix = RULE_FIX_HAND,
	.summary = "SSLEngine on without a certificate",
	.why = "SSLEngine is on but no SSLCertificateFile is in effect for "
	    "this vhost; apache2 -t does not notice.",
	.visitor = "Apache does not start (AH02572): every site of the "
	    "server is down.",
	.check = tls_check,
};

const struct rule rule_tls_port_plain = {
	.id = "tls-port-plain",
	.sev = SEV_ERROR,
	.fix = RULE_FIX_HAND,
	.summary = "a vhost on port 443 without SSLEngine on",
	.why = "The vhost listens on port 443 but TLS is not switched on: it "
	    "speaks plain HTTP there.",
	.visitor = "https:// visitors get a TLS error (\"wrong version "
	    "number\") instead of the site.",
	.check = tls_check,
};

const struct rule rule_ssl_proxy_engine_missing = {
	.id = "ssl-proxy-engine-missing",
	.sev = SEV_ERROR,
	.fix = RULE_FIX_HAND,
	.summary = "an https:// or wss:// backend without SSLProxyEngine On",
	.why = "Apache may only speak TLS to a backend with SSLProxyEngine "
	    "On.",
	.visitor = "Every request through the line is a 500 error (AH00961 "
	    "\"failed to enable ssl support\").",
	.check = tls_check,
};

static int
is_tls_url(const char *u)
{
	const char	*bar;

	if (strncasecmp(u, "unix:", 5) == 0 && (bar = strchr(u, '|')) != NULL)
		u = bar + 1;
	return strncasecmp(u, "https://", 8) == 0 ||
	    strncasecmp(u, "wss://", 6) == 0;
}

/* The first directive of the context sending requests to a TLS backend. */
static const struct cf_dir *
first_tls_backend(const struct rule_ctx *rc)
{
	const struct vec	*dirs = rc->px->vhost ? &rc->px->vhost->dirs :
				    &rc->config->server_dirs;
	size_t			 i;

	for (i = 0; i < dirs->n; i++) {
		const struct cf_dir	*d = dirs->v[i];
		const char		*u = NULL;

		if (conf_is(d->node, "ProxyPass") ||
		    conf_is(d->node, "ProxyPassMatch")) {
			size_t	k = d->ctx != NULL ? 0 : 1;

			u = d->nargs > k ? d->args[k] : NULL;
		} else
			u = rule_rewrite_proxy(dirs, d);
		if (u != NULL && is_tls_url(u))
			return d;
	}
	return NULL;
}

static int
has_certificate(const struct rule_ctx *rc)
{
	const struct cf_config	*c = rc->config;
	const struct vec	*vs[2];
	size_t			 i, k;

	rule_levels(rc, vs);
	for (k = 0; k < 2; k++)
		for (i = 0; vs[k] != NULL && i < vs[k]->n; i++) {
			const struct cf_dir	*d = vs[k]->v[i];

			if (d->ctx != NULL || d->nargs < 1)
				continue;
			if (conf_is(d->node, "SSLCertificateFile"))
				return 1;
			/* mod_md supplies the certificate of its domains. */
			if (conf_has_module(c, "md_module") &&
			    (conf_is(d->node, "MDomain") ||
			    conf_is(d->node, "ManagedDomain") ||
			    conf_is(d->node, "MDCertificateFile")))
				return 1;
		}
	return 0;
}

static int
on_port_443(const struct cf_vhost *v)
{
	size_t	i;

	for (i = 0; i < v->naddrs; i++) {
		size_t	n = strlen(v->addrs[i]);

		if (n > 4 && strcmp(v->addrs[i] + n - 4, ":443") == 0)
			return 1;
	}
	return 0;
}

static void
tls_check(struct rule_ctx *rc)
{
	const struct cf_vhost	*v = rc->px->vhost;
	const struct cf_dir	*d;
	struct finding		*f;

	/* Without mod_ssl, an SSLEngine line in effect is an "Invalid
	 * command" that apache2 -t reports itself. */
	if (v != NULL && rule_flag_on(rc, "SSLEngine") &&
	    conf_has_module(rc->config, "ssl_module") &&
	    !has_certificate(rc)) {
		f = rule_add(rc, &rule_tls_certificate_missing, v->node,
		    "SSLEngine on but no SSLCertificateFile for %s: apache2 -t "
		    "passes, then Apache does not start (AH02572 \"Failed to "
		    "configure at least one certificate and key\")",
		    rule_host(rc));
		rule_suggest(f, "SSLCertificateFile "
		    "/etc/letsencrypt/live/%s/fullchain.pem", rule_host(rc));
		rule_suggest(f, "SSLCertificateKeyFile "
		    "/etc/letsencrypt/live/%s/privkey.pem", rule_host(rc));
	}
	if (v != NULL && on_port_443(v) && !rule_tls_on(rc)) {
		int	ssl = conf_has_module(rc->config, "ssl_module");

		/* Without mod_ssl an SSLEngine line can only be in a
		 * <IfModule mod_ssl.c> that does not hold. */
		f = rule_add(rc, &rule_tls_port_plain, v->node, "%s listens on "
		    "port 443 without SSLEngine on%s: it answers plain HTTP "
		    "there and https:// visitors get a TLS error",
		    rule_host(rc), ssl ? "" : " (mod_ssl is not loaded)");
		if (!ssl)
			rule_suggest(f, rc->config->debian ? "a2enmod ssl" :
			    "LoadModule ssl_module modules/mod_ssl.so");
		rule_suggest(f, "SSLEngine on");
		if (!has_certificate(rc))
			rule_suggest(f, "SSLCertificateFile and "
			    "SSLCertificateKeyFile (the site's certificate)");
	}
	if ((d = first_tls_backend(rc)) != NULL &&
	    !rule_flag_on(rc, "SSLProxyEngine")) {
		int	ssl = conf_has_module(rc->config, "ssl_module");

		f = rule_add(rc, &rule_ssl_proxy_engine_missing, d->node,
		    "%s sends requests to a TLS backend without SSLProxyEngine "
		    "On: every one is a 500 error (%s)", d->node->name, ssl ?
		    "AH00961 \"failed to enable ssl support\"" :
		    "mod_ssl is not loaded: \"No protocol handler was valid\"");
		if (!ssl)
			rule_suggest(f, rc->config->debian ? "a2enmod ssl" :
			    "LoadModule ssl_module modules/mod_ssl.so");
		rule_suggest(f, "SSLProxyEngine On");
	}
}
