/* test-redirect.c: the redirect model (redirect.h) on small configurations.
 *
 * Every expectation is what Apache 2.4.71 in front of gunicorn sent when
 * this was written (tests/e2e-redirect-matrix.sh keeps checking the
 * combinations against the real server). */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "conf.h"
#include "conftree.h"
#include "redirect.h"

static int	failures;

struct tcase {
	const char	*name;
	const char	*server;	/* main-server lines */
	const char	*vhost;		/* inside <VirtualHost> */
	int		 tls;
	const char	*client_xfp;
	const char	*backend;	/* expected backend Location */
	const char	*visitor;	/* expected visitor Location */
	enum rd_harm	 harm;
};

#define SOCK	"unix:/run/app.sock|"

static const struct tcase cases[] = {
	{ "socket prefix never matches", "",
	  "ProxyPass / " SOCK "http://127.0.0.1/\n"
	  "ProxyPassReverse / " SOCK "http://127.0.0.1/\n", 0, NULL,
	  "http://127.0.0.1/next", "http://127.0.0.1/next", RD_HOST },
	{ "backend URL maps to the visitor's host", "",
	  "ProxyPass / " SOCK "http://127.0.0.1/\n"
	  "ProxyPassReverse / http://127.0.0.1/\n", 0, NULL,
	  "http://127.0.0.1/next", "http://h.test/next", RD_OK },
	{ "TCP: the port is in the Host the backend sees", "",
	  "ProxyPass / http://127.0.0.1:8000/\n", 0, NULL,
	  "http://127.0.0.1:8000/next", "http://127.0.0.1:8000/next",
	  RD_HOST },
	{ "path argument is a replacement, not a filter (/signup)", "",
	  "ProxyPass /signup " SOCK "http://127.0.0.1/signup\n"
	  "ProxyPassReverse /signup http://127.0.0.1/\n"
	  "ProxyPass / " SOCK "http://127.0.0.1/\n"
	  "ProxyPassReverse / http://127.0.0.1/\n", 0, NULL,
	  "http://127.0.0.1/next", "http://h.test/signupnext", RD_PATH },
	{ "the main server's lines come first",
	  "ProxyPassReverse /srv/ http://127.0.0.1/\n",
	  "ProxyPass / " SOCK "http://127.0.0.1/\n"
	  "ProxyPassReverse / http://127.0.0.1/\n", 0, NULL,
	  "http://127.0.0.1/next", "http://h.test/srv/next", RD_PATH },
	{ "a <Location>'s line applies inside it only", "",
	  "ProxyPass / " SOCK "http://127.0.0.1/\n"
	  "<Location /app/>\nProxyPassReverse http://127.0.0.1/\n"
	  "</Location>\n", 0, NULL,
	  "http://127.0.0.1/next", "http://127.0.0.1/next", RD_HOST },
	{ "preserved host under a prefix loses the prefix", "",
	  "ProxyPreserveHost On\n"
	  "ProxyPass /app/ " SOCK "http://127.0.0.1/\n"
	  "ProxyPassReverse /app/ http://127.0.0.1/\n", 0, NULL,
	  "http://h.test/next", "http://h.test/next", RD_PATH },
	{ "preserved host under a prefix, mapped back", "",
	  "ProxyPreserveHost On\n"
	  "ProxyPass /app/ " SOCK "http://127.0.0.1/\n"
	  "ProxyPassReverse /app/ http://h.test/\n", 0, NULL,
	  "http://h.test/next", "http://h.test/app/next", RD_OK },
	{ "preserved host at / needs no line", "",
	  "ProxyPreserveHost On\n"
	  "ProxyPass / " SOCK "http://127.0.0.1/\n"
	  "ProxyPassReverse / " SOCK "http://127.0.0.1/\n", 0, NULL,
	  "http://h.test/next", "http://h.test/next", RD_OK },
	{ "TLS without X-Forwarded-Proto, host preserved: http", "",
	  "ProxyPreserveHost On\n"
	  "ProxyPass / " SOCK "http://127.0.0.1/\n", 1, NULL,
	  "http://h.test/next", "http://h.test/next", RD_SCHEME },
	{ "TLS, X-Forwarded-Proto expr, http form only", "",
	  "RequestHeader set X-Forwarded-Proto expr=%{REQUEST_SCHEME}\n"
	  "ProxyPass / " SOCK "http://127.0.0.1/\n"
	  "ProxyPassReverse / http://127.0.0.1/\n", 1, NULL,
	  "https://127.0.0.1/next", "https://127.0.0.1/next", RD_HOST },
	{ "TLS, %{REQUEST_SCHEME}e is empty", "",
	  "RequestHeader set X-Forwarded-Proto \"%{REQUEST_SCHEME}e\"\n"
	  "ProxyPass / " SOCK "http://127.0.0.1/\n"
	  "ProxyPassReverse / http://127.0.0.1/\n", 1, NULL,
	  "http://127.0.0.1/next", "https://h.test/next", RD_OK },
	{ "TLS, %{REQUEST_SCHEME}s is the scheme", "",
	  "RequestHeader set X-Forwarded-Proto \"%{REQUEST_SCHEME}s\"\n"
	  "ProxyPreserveHost On\n"
	  "ProxyPass / " SOCK "http://127.0.0.1/\n", 1, NULL,
	  "https://h.test/next", "https://h.test/next", RD_OK },
	{ "quoted header name", "",
	  "RequestHeader set \"X-Forwarded-Proto\" \"https\"\n"
	  "ProxyPreserveHost On\n"
	  "ProxyPass / " SOCK "http://127.0.0.1/\n", 1, NULL,
	  "https://h.test/next", "https://h.test/next", RD_OK },
	{ "no header set: the visitor's passes", "",
	  "ProxyPreserveHost On\n"
	  "ProxyPass / " SOCK "http://127.0.0.1/\n", 0, "https",
	  "https://h.test/next", "https://h.test/next", RD_SCHEME },
	{ "append after the visitor's: not https", "",
	  "RequestHeader append X-Forwarded-Proto https\n"
	  "ProxyPreserveHost On\n"
	  "ProxyPass / " SOCK "http://127.0.0.1/\n", 0, "https",
	  "http://h.test/next", "http://h.test/next", RD_OK },
	{ "env=HTTPS on plain http: the visitor's passes", "",
	  "RequestHeader set X-Forwarded-Proto https env=HTTPS\n"
	  "ProxyPreserveHost On\n"
	  "ProxyPass / " SOCK "http://127.0.0.1/\n", 0, "https",
	  "https://h.test/next", "https://h.test/next", RD_SCHEME },
	{ "unset drops the visitor's", "",
	  "RequestHeader unset X-Forwarded-Proto\n"
	  "ProxyPreserveHost On\n"
	  "ProxyPass / " SOCK "http://127.0.0.1/\n", 0, "https",
	  "http://h.test/next", "http://h.test/next", RD_OK },
};

static void
run(const char *dir, const struct tcase *t)
{
	struct cf_config	*c;
	struct px_vhost		 px;
	struct rd_opts		 o;
	struct rd_redirect	 r;
	char			*text;
	size_t			 i;

	text = xasprintf("%s<VirtualHost *:%s>\nServerName h.test\n%s%s"
	    "</VirtualHost>\n", t->server, t->tls ? "443" : "80", t->tls ?
	    "SSLEngine on\n" : "", t->vhost);
	c = conftree_load(dir, t->name, text);
	free(text);
	px_vhost_build(c, c->vhosts.v[0], &px);
	for (i = 0; i < px.passes.n; i++) {
		const struct px_pass	*pp = px.passes.v[i];

		/* The last pass: the one at "/" in the cases above. */
		if (i + 1 < px.passes.n)
			continue;
		redirect_opts_init(&px, &o);
		o.client_xfp = t->client_xfp;
		if (redirect_predict(&px, pp, &o, &r) != 0) {
			printf("FAIL %s: no prediction\n", t->name);
			failures++;
			continue;
		}
		if (strcmp(r.backend_location, t->backend) != 0 ||
		    strcmp(r.visitor_location, t->visitor) != 0 ||
		    r.harm != t->harm) {
			printf("FAIL %s: backend %s visitor %s harm %d; want "
			    "%s %s %d\n", t->name, r.backend_location,
			    r.visitor_location, r.harm, t->backend, t->visitor,
			    t->harm);
			failures++;
		} else
			printf("ok %s\n", t->name);
		redirect_free(&r);
	}
	px_vhost_free(&px);
	conf_free(c);
}

int
main(void)
{
	char	*dir = conftree_make("test-redirect");
	size_t	 i;

	for (i = 0; i < sizeof cases / sizeof *cases; i++)
		run(dir, &cases[i]);
	conftree_remove(dir);
	printf("%d failure(s)\n", failures);
	return failures ? 1 : 0;
}
