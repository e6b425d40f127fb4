/* test-explain.c: explain_request() on small configurations.
 *
 * Every expectation is what Apache 2.4.71 with gunicorn did when this was
 * written (tests/e2e-differential.sh keeps comparing the model with the
 * real server on generated configurations; the cases here are the ones
 * its disagreements taught, kept readable). */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "conf.h"
#include "conftree.h"
#include "explain.h"

static int	failures;

#define A	"unix:/run/a.sock|"
#define B	"unix:/run/b.sock|"

struct tcase {
	const char	*name;
	const char	*conf;		/* after the modules */
	const char	*url;
	const char	*via;
	const char	*header;	/* one client header, or NULL */
	const char	*vhost;		/* ServerName in effect, "main" */
	const char	*handler;
	const char	*where;		/* socket or address, or NULL */
	const char	*path;		/* backend path, or the target */
	const char	*host;		/* Host the backend gets */
	const char	*xfp;		/* X-Forwarded-Proto, or NULL */
	const char	*visitor;	/* visitor Location, or NULL */
};

static const struct tcase cases[] = {
	{ "name-based: the alias picks the second vhost",
	  "<VirtualHost *:80>\nServerName a.test\nProxyPass / " A
	  "http://localhost/\n</VirtualHost>\n"
	  "<VirtualHost *:80>\nServerName b.test\nServerAlias www.b.test\n"
	  "ProxyPass / " B "http://localhost/\n"
	  "ProxyPassReverse / http://localhost/\n</VirtualHost>\n",
	  "http://www.b.test/x", NULL, NULL, "b.test", "proxy",
	  "/run/b.sock", "/x", "localhost", NULL, "http://www.b.test/" },
	{ "unknown name: the first vhost of the address:port",
	  "<VirtualHost *:80>\nServerName a.test\nProxyPass / " A
	  "http://localhost/\n</VirtualHost>\n"
	  "<VirtualHost *:80>\nServerName b.test\n</VirtualHost>\n",
	  "http://nobody.test/", NULL, NULL, "a.test", "proxy",
	  "/run/a.sock", "/", "localhost", NULL, "http://localhost/" },
	{ "a vhost on the address itself hides those on *",
	  "<VirtualHost *:80>\nServerName a.test\n</VirtualHost>\n"
	  "<VirtualHost 127.0.0.1:80>\nServerName c.test\n"
	  "ProxyPass / http://127.0.0.1:8000/\n</VirtualHost>\n",
	  "http://a.test/y", "127.0.0.1:80", NULL, "c.test", "proxy",
	  "127.0.0.1:8000", "/y", "127.0.0.1:8000", NULL,
	  "http://127.0.0.1:8000/" },
	{ "no vhost on the port: the main server",
	  "<VirtualHost *:80>\nServerName a.test\n</VirtualHost>\n",
	  "http://a.test:8080/", NULL, NULL, "main", "files", NULL, NULL,
	  NULL, NULL, NULL },
	{ "workers shared by prefix: the later line uses a.sock",
	  "<VirtualHost *:80>\nServerName s.test\n"
	  "ProxyPass /shop/ " A "http://localhost/\n"
	  "ProxyPass /api/ " B "http://localhost/api/\n</VirtualHost>\n",
	  "http://s.test/api/x", NULL, NULL, "s.test", "proxy",
	  "/run/a.sock", "/api/x", "localhost", NULL, "http://localhost/" },
	{ "longest worker name: /shop/api/admin reaches b.sock",
	  "<VirtualHost *:80>\nServerName s.test\n"
	  "ProxyPass /api/ " B "http://localhost/api/\n"
	  "ProxyPass /shop/ " A "http://localhost/\n</VirtualHost>\n",
	  "http://s.test/shop/api/admin", NULL, NULL, "s.test", "proxy",
	  "/run/b.sock", "/api/admin", "localhost", NULL,
	  "http://localhost/" },
	{ "exclusion: ProxyPass /static ! then the Alias",
	  "<VirtualHost *:80>\nServerName w.test\nProxyPass /static !\n"
	  "ProxyPass / http://127.0.0.1:8000/\n"
	  "Alias /static /srv/static\n</VirtualHost>\n",
	  "http://w.test/static/app.css", NULL, NULL, "w.test", "alias",
	  NULL, "/srv/static/app.css", NULL, NULL, NULL },
	{ "<Location> ProxyPass comes before the vhost's; /apple is not in "
	  "<Location /app>",
	  "<VirtualHost *:80>\nServerName l.test\n"
	  "ProxyPass / http://127.0.0.1:8000/\n"
	  "<Location /app>\nProxyPass " A "http://lbl/app\n</Location>\n"
	  "</VirtualHost>\n",
	  "http://l.test/apple", NULL, NULL, "l.test", "proxy",
	  "127.0.0.1:8000", "/apple", "127.0.0.1:8000", NULL,
	  "http://127.0.0.1:8000/" },
	{ "a URL without a path glues the rest onto the host: 500",
	  "<VirtualHost *:80>\nServerName g.test\n"
	  "ProxyPass / " A "http://localhost\n</VirtualHost>\n",
	  "http://g.test/admin", NULL, NULL, "g.test", "status", NULL, "500",
	  NULL, NULL, NULL },
	{ "the main server's ProxyPass before the vhost's",
	  "ProxyPass /srv/ http://127.0.0.1:9000/srv/\n"
	  "<VirtualHost *:80>\nServerName m.test\n"
	  "ProxyPass / " A "http://localhost/\n</VirtualHost>\n",
	  "http://m.test/srv/x", NULL, NULL, "m.test", "proxy",
	  "127.0.0.1:9000", "/srv/x", "127.0.0.1:9000", NULL,
	  "http://127.0.0.1:9000/" },
	{ "RewriteRule [P] before ProxyPass /",
	  "<VirtualHost *:80>\nServerName r.test\n"
	  "ProxyPass / " A "http://localhost/\nRewriteEngine On\n"
	  "RewriteRule ^/r/(.*)$ http://127.0.0.1:8000/rw/$1 [P]\n"
	  "</VirtualHost>\n",
	  "http://r.test/r/x", NULL, NULL, "r.test", "proxy",
	  "127.0.0.1:8000", "/rw/x", "127.0.0.1:8000", NULL,
	  "http://127.0.0.1:8000/" },
	{ "preserved host, X-Forwarded-Proto on TLS, the reverse line maps",
	  "<VirtualHost *:443>\nServerName t.test\nSSLEngine on\n"
	  "ProxyPreserveHost On\n"
	  "RequestHeader set X-Forwarded-Proto expr=%{REQUEST_SCHEME}\n"
	  "ProxyPass /app/ " A "http://localhost/\n"
	  "ProxyPassReverse /app/ https://t.test/\n</VirtualHost>\n",
	  "https://t.test/app/x", NULL, NULL, "t.test", "proxy",
	  "/run/a.sock", "/x", "t.test", "https", "https://t.test/app/" },
	{ "the visitor's X-Forwarded-Proto passes when the vhost sets none",
	  "<VirtualHost *:80>\nServerName v.test\n"
	  "ProxyPass / http://127.0.0.1:8000/\n"
	  "ProxyPassReverse / http://127.0.0.1:8000/\n</VirtualHost>\n",
	  "http://v.test/x", NULL, "X-Forwarded-Proto: https", "v.test",
	  "proxy", "127.0.0.1:8000", "/x", "127.0.0.1:8000", "https",
	  "https://127.0.0.1:8000/" },
};

static int
same(const char *got, const char *want)
{
	if (got == NULL || want == NULL)
		return got == want;
	return strcmp(got, want) == 0;
}

static void
check(const char *name, const char *what, const char *got, const char *want)
{
	if (same(got, want))
		return;
	printf("FAIL %s: %s is %s, want %s\n", name, what,
	    got ? got : "(none)", want ? want : "(none)");
	failures++;
}

static void
run(const char *dir, const struct tcase *t)
{
	struct cf_config	*c = conftree_load(dir, t->name, t->conf);
	struct ex_request	 q = { 0 };
	struct ex_result	 r;
	struct buf		 b = { 0 };
	const char		*h[1];
	char			*err;
	int			 before = failures;

	q.url = t->url;
	q.via = t->via;
	if (t->header != NULL) {
		h[0] = t->header;
		q.headers = h;
		q.nheaders = 1;
	}
	if (explain_request(c, &q, &r, &err) != 0) {
		printf("FAIL %s: %s\n", t->name, err);
		free(err);
		failures++;
		conf_free(c);
		return;
	}
	check(t->name, "vhost", r.vhost ? r.vhost_name : "main", t->vhost);
	check(t->name, "handler", (const char *[]){ "files", "proxy",
	    "redirect", "alias", "status", "unknown" }[r.handler],
	    t->handler);
	check(t->name, "socket or address", r.socket ? r.socket : r.address,
	    t->where);
	check(t->name, "path", r.handler == EX_PROXY ? r.backend_path :
	    r.target, t->path);
	check(t->name, "Host", r.h_host, t->host);
	check(t->name, "X-Forwarded-Proto", r.h_xfp, t->xfp);
	check(t->name, "visitor Location", r.visitor_location, t->visitor);
	/* Both renderings work on every case. */
	explain_text(&r, &b);
	explain_json(&r, &b);
	if (b.len == 0) {
		printf("FAIL %s: no output\n", t->name);
		failures++;
	}
	buf_free(&b);
	if (failures == before)
		printf("ok %s\n", t->name);
	explain_free(&r);
	conf_free(c);
}

/* A ServerName holding an escape sequence is shown inert. */
static void
run_inert(const char *dir)
{
	struct cf_config	*c = conftree_load(dir, "inert",
				    "<VirtualHost *:80>\n"
				    "ServerName \"e\033[31m.test\"\n"
				    "</VirtualHost>\n");
	struct ex_request	 q = { 0 };
	struct ex_result	 r;
	struct buf		 b = { 0 };
	char			*err;

	q.url = "http://x.test/";
	if (explain_request(c, &q, &r, &err) != 0) {
		printf("FAIL inert: %s\n", err);
		free(err);
		failures++;
	} else {
		explain_text(&r, &b);
		explain_json(&r, &b);
		if (memchr(b.data, '\033', b.len) != NULL) {
			printf("FAIL inert: a raw escape reaches the output\n");
			failures++;
		} else
			printf("ok inert: escapes from the configuration\n");
		buf_free(&b);
		explain_free(&r);
	}
	conf_free(c);
}

static void
helpers(void)
{
	static const struct {
		const char	*uri, *alias;
		size_t		 len;
	} am[] = {
		{ "/app/x", "/app", 4 }, { "/apple", "/app", 0 },
		{ "/app", "/app/", 0 }, { "/app//x", "/app/", 6 },
		{ "/signupnext", "/", 1 }, { "/", "/", 1 },
	};
	size_t	i;

	for (i = 0; i < sizeof am / sizeof *am; i++)
		if (explain_alias_match(am[i].uri, am[i].alias) != am[i].len) {
			printf("FAIL alias_match(%s, %s) = %zu, want %zu\n",
			    am[i].uri, am[i].alias, explain_alias_match(
			    am[i].uri, am[i].alias), am[i].len);
			failures++;
		}
	if (!explain_location_match("/app", "/app/x") ||
	    explain_location_match("/app", "/apple") ||
	    !explain_location_match("/app/", "/app/") ||
	    explain_location_match("/app/", "/app")) {
		printf("FAIL location_match\n");
		failures++;
	}
	if (!explain_wild_match("*.app.test", "x.APP.test") ||
	    !explain_wild_match("*.app.test", "a.b.app.test") ||
	    explain_wild_match("*.app.test", "app.test") ||
	    !explain_wild_match("app?.test", "app1.test")) {
		printf("FAIL wild_match\n");
		failures++;
	}
	printf("ok helpers\n");
}

int
main(void)
{
	char	*dir = conftree_make("test-explain");
	size_t	 i;

	helpers();
	for (i = 0; i < sizeof cases / sizeof *cases; i++)
		run(dir, &cases[i]);
	run_inert(dir);
	conftree_remove(dir);
	printf("%d failure(s)\n", failures);
	return failures ? 1 : 0;
}
