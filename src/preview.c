/* preview.c: where a visitor is sent when the backend redirects.
 *
 * This follows mod_proxy 2.4's ap_proxy_location_reverse_map() for plain
 * (non-balancer) ProxyPassReverse URLs, including its quirks, because the
 * point is to predict what Apache really sends:
 * - the comparison is a case-insensitive prefix test of the whole URL, with
 *   no notion of host or path boundaries ("http://h" also matches
 *   "http://h:8000/x", leaving ":8000/x" as the rest);
 * - a URL starting with "/" is compared with the path of the Location only;
 * - the result is the ProxyPassReverse path followed by the rest, with no
 *   slash added or removed ("/" + "/next" gives "//next");
 * - a result that is not a URL gets ap_construct_url(): the request's scheme,
 *   its host (lowercased, IPv6 literals bracketed) and the port unless it
 *   is the scheme's default. */
#include "config.h"

#include <assert.h>
#include <ctype.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "preview.h"
#include "util.h"

/* ap_is_url(): a scheme of [A-Za-z0-9+.-] followed by ':'. */
static int
preview_is_url(const char *u)
{
	size_t	i;

	for (i = 0; u[i] != ':'; i++) {
		if (u[i] == '\0')
			return 0;
		if (!isalnum((unsigned char)u[i]) && u[i] != '+' &&
		    u[i] != '-' && u[i] != '.')
			return 0;
	}
	return i > 0;
}

/* The part of a Location a path-only ProxyPassReverse URL is compared with:
 * the path after "scheme://host", or the whole Location if it has none. */
static const char *
preview_path_part(const char *location)
{
	const char	*p;

	p = strstr(location, "://");
	if (p == NULL)
		return location;
	p = strchr(p + 3, '/');
	return p != NULL ? p : location;
}

/* Apache's r->hostname and port as its Host header parsing leaves them:
 * a ":port" moves into *port, the name is lowercased and loses a trailing
 * dot.  Returns the name as ap_get_server_name_for_url() gives it. */
static char *
preview_host(const char *host, int *port)
{
	struct buf	 b = { 0 };
	const char	*end, *colon;
	char		*name, *p;
	int		 v6;

	v6 = host[0] == '[';
	if (v6) {
		end = strchr(host, ']');
		if (end == NULL)
			end = host + strlen(host);
		name = xstrndup(host + 1, end - host - 1);
		if (end[0] == ']' && end[1] == ':' && end[2] != '\0')
			*port = atoi(end + 2);
	} else if ((colon = strchr(host, ':')) != NULL &&
	    strchr(colon + 1, ':') != NULL) {
		/* Several colons and no brackets: a bare IPv6 literal. */
		name = xstrdup(host);
		v6 = 1;
	} else if (colon != NULL) {
		name = xstrndup(host, colon - host);
		if (colon[1] != '\0')
			*port = atoi(colon + 1);
	} else
		name = xstrdup(host);

	for (p = name; *p != '\0'; p++)
		*p = tolower((unsigned char)*p);
	if (!v6 && p > name && p[-1] == '.')
		p[-1] = '\0';

	if (v6)
		buf_printf(&b, "[%s]", name);
	else
		buf_adds(&b, name);
	free(name);
	return buf_steal(&b);
}

/* ap_construct_url(): absolute URL of a local path. */
static char *
preview_construct(const char *uri, int tls, const char *host, int port)
{
	const char	*scheme = tls ? "https" : "http";
	char		*name, *url;
	int		 dflt = tls ? 443 : 80;

	name = preview_host(host, &port);
	if (port == 0 || port == dflt)
		url = xasprintf("%s://%s%s", scheme, name, uri);
	else
		url = xasprintf("%s://%s:%d%s", scheme, name, port, uri);
	free(name);
	return url;
}

int
preview_find(const char *location, const struct preview_rev *revs,
    size_t nrevs, const char **rest)
{
	const struct preview_rev	*rev;
	const char			*part;
	size_t				 i, len;

	for (i = 0; i < nrevs; i++) {
		rev = &revs[i];
		if (rev->url == NULL)
			continue;
		part = rev->url[0] == '/' ? preview_path_part(location) :
		    location;
		len = strlen(rev->url);
		if (len == 0 || strlen(part) < len ||
		    strncasecmp(rev->url, part, len) != 0)
			continue;
		if (rest != NULL)
			*rest = part + len;
		return (int)i;
	}
	return -1;
}

char *
preview_map(const char *location, const struct preview_rev *revs,
    size_t nrevs, int tls, const char *host, int port)
{
	const char	*rest;
	char		*u, *url;
	int		 i;

	assert(location != NULL && host != NULL);
	i = preview_find(location, revs, nrevs, &rest);
	if (i < 0)
		return xstrdup(location);
	u = xasprintf("%s%s", revs[i].path != NULL ? revs[i].path : "", rest);
	if (preview_is_url(u))
		return u;
	url = preview_construct(u, tls, host, port);
	free(u);
	return url;
}

char *
preview_next(const char *url)
{
	size_t	n = strlen(url);

	return xasprintf("%s%snext", url, n && url[n - 1] == '/' ? "" : "/");
}
