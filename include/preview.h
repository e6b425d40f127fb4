/* preview.h: where a visitor is sent when the backend redirects.
 *
 * mod_proxy's ap_proxy_location_reverse_map(): each ProxyPassReverse
 * (path, url) of the context is tried in order; the first url that is a
 * literal prefix of the backend's Location wins, and the Location becomes
 * <vhost scheme>://<requested host>[:<port unless default>]<path><rest>.
 * No match: the Location reaches the visitor unchanged. */
#ifndef VHOSTFIX_PREVIEW_H
#define VHOSTFIX_PREVIEW_H

#include <stddef.h>

struct preview_rev {
	const char	*path;		/* ProxyPassReverse path ("/app/") */
	const char	*url;		/* its URL as Apache compares it */
};

/* The visitor's Location for a backend Location.  tls: the vhost's
 * scheme is https; host: the Host the visitor asked for; port: the vhost's
 * port (0, 80 on http or 443 on https: not shown).  Returns a malloc'd
 * string. */
char	*preview_map(const char *location, const struct preview_rev *revs,
	    size_t nrevs, int tls, const char *host, int port);

/* The index of the first line whose URL prefixes the Location (as above),
 * and in *rest what follows the matched part; -1 when none does. */
int	 preview_find(const char *location, const struct preview_rev *revs,
	    size_t nrevs, const char **rest);
/* The Location a backend sends for the sample page "next" under url:
 * url + "next", with a slash between when url has none.  Caller frees. */
char	*preview_next(const char *url);

#endif
