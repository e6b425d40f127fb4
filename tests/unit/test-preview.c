/* test-preview.c: preview_map() against mod_proxy's reverse mapping.
 *
 * The expected values are what Apache 2.4.71 sends (the end-to-end tests
 * check the common ones against a running apache2); the odd ones ("//next",
 * "/:8000/next") are Apache's own literal-prefix behaviour. */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "preview.h"

#define NREVS	4

struct tcase {
	const char		*name;
	const char		*location;
	struct preview_rev	 revs[NREVS];
	int			 tls;
	const char		*host;
	int			 port;
	const char		*want;
};

#define SOCK	"unix:/run/app.sock|"

static const struct tcase cases[] = {
	{ "socket prefix never matches", "http://127.0.0.1/next",
	    { { "/", SOCK "http://127.0.0.1/" } }, 0, "app.example.test", 80,
	    "http://127.0.0.1/next" },
	{ "socket prefix never matches a socket-looking Location",
	    "http://127.0.0.1/next",
	    { { "/", SOCK "http://127.0.0.1" } }, 0, "app.example.test", 0,
	    "http://127.0.0.1/next" },
	{ "backend URL matches", "http://127.0.0.1/next",
	    { { "/", "http://127.0.0.1/" } }, 0, "app.example.test", 80,
	    "http://app.example.test/next" },
	{ "port 0 means the default", "http://127.0.0.1/next",
	    { { "/", "http://127.0.0.1/" } }, 0, "app.example.test", 0,
	    "http://app.example.test/next" },
	{ "query and fragment are kept", "http://127.0.0.1/a?b=c#d",
	    { { "/", "http://127.0.0.1/" } }, 0, "app.example.test", 0,
	    "http://app.example.test/a?b=c#d" },
	{ "TLS vhost: scheme becomes https", "http://127.0.0.1/next",
	    { { "/", "http://127.0.0.1/" } }, 1, "app.example.test", 443,
	    "https://app.example.test/next" },
	{ "https form of the backend URL", "https://127.0.0.1/next",
	    { { "/", "http://127.0.0.1/" }, { "/", "https://127.0.0.1/" } },
	    1, "app.example.test", 443, "https://app.example.test/next" },
	{ "https Location, only the http form configured",
	    "https://localhost/next",
	    { { "/", "http://localhost/" } }, 1, "app.example.test", 443,
	    "https://localhost/next" },
	{ "mismatched host: localhost vs 127.0.0.1", "http://localhost/next",
	    { { "/", "http://127.0.0.1/" } }, 0, "app.example.test", 80,
	    "http://localhost/next" },
	{ "preserve-host: ServerName", "http://app.example.test/next",
	    { { "/", "http://app.example.test/" },
	      { "/", "http://www.example.test/" } }, 0, "app.example.test", 80,
	    "http://app.example.test/next" },
	{ "preserve-host: ServerAlias", "http://www.example.test/next",
	    { { "/", "http://app.example.test/" },
	      { "/", "http://www.example.test/" } }, 0, "www.example.test", 80,
	    "http://www.example.test/next" },
	{ "preserve-host without a matching line: unchanged",
	    "http://www.example.test/next",
	    { { "/", "http://127.0.0.1/" } }, 0, "www.example.test", 8080,
	    "http://www.example.test/next" },
	{ "non-default port is shown", "http://127.0.0.1/next",
	    { { "/", "http://127.0.0.1/" } }, 0, "app.example.test", 8080,
	    "http://app.example.test:8080/next" },
	{ "port 80 on TLS is not the default", "http://127.0.0.1/next",
	    { { "/", "http://127.0.0.1/" } }, 1, "app.example.test", 80,
	    "https://app.example.test:80/next" },
	{ "port 443 on http is not the default", "http://127.0.0.1/next",
	    { { "/", "http://127.0.0.1/" } }, 0, "app.example.test", 443,
	    "http://app.example.test:443/next" },
	{ "a port in the Host header wins", "http://127.0.0.1/next",
	    { { "/", "http://127.0.0.1/" } }, 0, "app.example.test:8081", 80,
	    "http://app.example.test:8081/next" },
	{ "host is lowercased, trailing dot dropped", "http://127.0.0.1/next",
	    { { "/", "http://127.0.0.1/" } }, 0, "App.Example.TEST.", 0,
	    "http://app.example.test/next" },
	{ "IPv6 host is bracketed", "http://127.0.0.1/next",
	    { { "/", "http://127.0.0.1/" } }, 0, "[::1]:8080", 0,
	    "http://[::1]:8080/next" },
	{ "comparison ignores case", "HTTP://127.0.0.1/next",
	    { { "/", "http://127.0.0.1/" } }, 0, "app.example.test", 0,
	    "http://app.example.test/next" },
	{ "first match wins", "http://127.0.0.1/app/next",
	    { { "/x/", "http://127.0.0.1/" },
	      { "/y/", "http://127.0.0.1/app/" } }, 0, "h.test", 0,
	    "http://h.test/x/app/next" },
	{ "non-matching entries are skipped", "http://127.0.0.1/app/next",
	    { { "/x/", "http://10.0.0.1/" },
	      { "/y/", "http://127.0.0.1/app/" } }, 0, "h.test", 0,
	    "http://h.test/y/next" },
	{ "path prefix /app/ with a slash on both sides",
	    "http://127.0.0.1:8000/next",
	    { { "/app/", "http://127.0.0.1:8000/" } }, 0, "h.test", 0,
	    "http://h.test/app/next" },
	{ "path prefix /app without slashes", "http://127.0.0.1:8000/next",
	    { { "/app", "http://127.0.0.1:8000" } }, 0, "h.test", 0,
	    "http://h.test/app/next" },
	{ "path /app/ and URL without a slash: Apache doubles it",
	    "http://127.0.0.1:8000/next",
	    { { "/app/", "http://127.0.0.1:8000" } }, 0, "h.test", 0,
	    "http://h.test/app//next" },
	{ "path / and URL without a slash: Apache doubles it",
	    "http://127.0.0.1/next",
	    { { "/", "http://127.0.0.1" } }, 0, "h.test", 0,
	    "http://h.test//next" },
	{ "path /app and URL with a slash: Apache drops it",
	    "http://127.0.0.1/next",
	    { { "/app", "http://127.0.0.1/" } }, 0, "h.test", 0,
	    "http://h.test/appnext" },
	{ "backend path prefix", "http://127.0.0.1/backend/next",
	    { { "/app/", "http://127.0.0.1/backend/" } }, 0, "h.test", 0,
	    "http://h.test/app/next" },
	{ "backend path prefix not matched", "http://127.0.0.1/other/next",
	    { { "/app/", "http://127.0.0.1/backend/" } }, 0, "h.test", 0,
	    "http://127.0.0.1/other/next" },
	{ "the Location is exactly the URL", "http://127.0.0.1/",
	    { { "/app/", "http://127.0.0.1/" } }, 0, "h.test", 0,
	    "http://h.test/app/" },
	{ "Location shorter than the URL", "http://127.0.0.1",
	    { { "/", "http://127.0.0.1/" } }, 0, "h.test", 0,
	    "http://127.0.0.1" },
	{ "literal prefix: no host boundary", "http://127.0.0.1:8000/next",
	    { { "/", "http://127.0.0.1" } }, 0, "h.test", 0,
	    "http://h.test/:8000/next" },
	{ "relative Location, URL form: unchanged", "/next",
	    { { "/", "http://127.0.0.1/" } }, 0, "h.test", 0, "/next" },
	{ "path-only URL compares with the Location's path",
	    "http://backend.internal/next",
	    { { "/app/", "/" } }, 0, "h.test", 0, "http://h.test/app/next" },
	{ "path-only URL and a relative Location", "/next",
	    { { "/app/", "/" } }, 0, "h.test", 0, "http://h.test/app/next" },
	{ "path-only URL and a Location with no path",
	    "http://backend.internal",
	    { { "/app/", "/" } }, 0, "h.test", 0, "http://backend.internal" },
	{ "a path that is a URL is used as it is", "http://127.0.0.1/next",
	    { { "https://public.test/", "http://127.0.0.1/" } }, 0, "h.test",
	    8080, "https://public.test/next" },
	{ "no ProxyPassReverse: unchanged", "http://127.0.0.1/next",
	    { { NULL, NULL } }, 0, "h.test", 0, "http://127.0.0.1/next" },
};

int
main(void)
{
	const struct tcase	*t;
	size_t			 i, n, failed = 0;
	char			*got;

	for (i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		t = &cases[i];
		for (n = 0; n < NREVS && t->revs[n].url != NULL; n++)
			;
		got = preview_map(t->location, t->revs, n, t->tls, t->host,
		    t->port);
		if (strcmp(got, t->want) != 0) {
			printf("FAIL %s: %s -> %s, want %s\n", t->name,
			    t->location, got, t->want);
			failed++;
		} else
			printf("ok   %s\n", t->name);
		free(got);
	}
	printf("%zu of %zu failed\n", failed, i);
	return failed > 0;
}
