/* explain-redirect.c: explain's door to the redirect model
 * (explain-int.h).  explain.c calls these two functions and nothing else
 * of it, so the model can change behind them.
 *
 * ProxyPassReverse: mod_proxy keeps the lines per directory and merges the
 * main server's, then the vhost's, then each matching <Location>'s, so
 * they are tried in that order, the first whose URL prefixes the Location
 * winning (preview_map()). */
#include "config.h"

#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "explain.h"
#include "explain-int.h"
#include "preview.h"

/* mod_headers' value of one RequestHeader format: literal text,
 * expr=%{REQUEST_SCHEME}, %{REQUEST_SCHEME}s.  -1: anything else. */
static int
xfp_value(const char *fmt, int tls, char **out)
{
	const char	*scheme = tls ? "https" : "http";

	if (strcmp(fmt, "expr=%{REQUEST_SCHEME}") == 0 ||
	    strcmp(fmt, "%{REQUEST_SCHEME}s") == 0) {
		*out = xstrdup(scheme);
		return 0;
	}
	if (strchr(fmt, '%') != NULL || str_startswith(fmt, "expr="))
		return -1;
	*out = xstrdup(fmt);
	return 0;
}

int
explain_xfp(const struct px_vhost *px, const char *path, const char *client,
    char **value)
{
	const struct cf_dir	*d = px->xfp;
	const char		*op;
	char			*v = NULL;

	*value = NULL;
	if (d == NULL || (d->ctx_path != NULL &&
	    !explain_location_match(d->ctx_path, path))) {
		*value = client ? xstrdup(client) : NULL;
		return 0;
	}
	op = d->args[0];
	if (d->nargs > 3 && !str_caseeq(d->args[3], "early"))
		return -1;
	if (xfp_value(d->args[2], px->tls, &v) != 0)
		return -1;
	if (str_caseeq(op, "set") || client == NULL) {
		*value = v;
		return 0;
	}
	if (str_caseeq(op, "setifempty")) {
		free(v);
		*value = xstrdup(client);
		return 0;
	}
	if (str_caseeq(op, "append") || str_caseeq(op, "merge")) {
		*value = str_caseeq(op, "merge") && strcmp(client, v) == 0 ?
		    xstrdup(v) : xasprintf("%s, %s", client, v);
		free(v);
		return 0;
	}
	free(v);
	return -1;
}

static int
rev_group(const struct px_rev *r)
{
	if (r->server_level)
		return 0;
	return r->ctx_path == NULL ? 1 : 2;
}

/* The test preview_map() applies: a case-insensitive prefix of the whole
 * Location, or of its path for a URL starting with "/". */
static int
rev_matches(const char *url, const char *location)
{
	const char	*part = location, *p;
	size_t		 n = strlen(url);

	if (url[0] == '/' && (p = strstr(location, "://")) != NULL &&
	    (p = strchr(p + 3, '/')) != NULL)
		part = p;
	return n > 0 && strncasecmp(url, part, n) == 0;
}

char *
explain_reverse(const struct px_vhost *px, const char *path,
    const char *location, const char *host, int port, int tls,
    const struct px_rev **line)
{
	struct preview_rev	*pr;
	const struct px_rev	**map;
	char			*hp, *out;
	size_t			 i, n = 0;
	int			 g;

	*line = NULL;
	pr = xcalloc(px->revs.n + 1, sizeof *pr);
	map = xcalloc(px->revs.n + 1, sizeof *map);
	for (g = 0; g < 3; g++)
		for (i = 0; i < px->revs.n; i++) {
			const struct px_rev	*r = px->revs.v[i];

			if (rev_group(r) != g || (r->ctx_path != NULL &&
			    !explain_location_match(r->ctx_path, path)))
				continue;
			pr[n].path = r->path;
			pr[n].url = r->url;
			map[n++] = r;
		}
	for (i = 0; i < n && *line == NULL; i++)
		if (rev_matches(pr[i].url, location))
			*line = map[i];
	/* ap_construct_url(): the Host's port, else the connection's. */
	if (strchr(host[0] == '[' ? strchr(host, ']') ? strchr(host, ']') :
	    host : host, ':') == NULL && port != 0)
		hp = xasprintf("%s:%d", host, port);
	else
		hp = xstrdup(host);
	out = preview_map(location, pr, n, tls, hp, 0);
	free(hp);
	free(pr);
	free(map);
	return out;
}
