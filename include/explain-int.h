/* explain-int.h: what explain.c asks of the redirect model.
 *
 * Step 3's X-Forwarded-Proto and step 4's visitor Location come from the
 * one model of what Apache does with a backend redirect (the
 * ProxyPassReverse lines in Apache's order, mod_headers' RequestHeader
 * lines); explain-redirect.c is the only place that calls it. */
#ifndef VHOSTFIX_EXPLAIN_INT_H
#define VHOSTFIX_EXPLAIN_INT_H

#include "proxy.h"

/* The X-Forwarded-Proto the backend receives for a request to path:
 * 0 and *value (malloc'd, or NULL: no header), or -1 when a line is beyond
 * the model.  client: the visitor's own header, or NULL. */
int	 explain_xfp(const struct px_vhost *, const char *path,
	    const char *client, char **value);

/* The Location the visitor gets for a backend Location, through the
 * ProxyPassReverse lines in effect for path (the main server's, the
 * vhost's, then those of each <Location> containing path).  host: the
 * Host the visitor sent; port: the connection's port (shown when host has
 * none and it is not the scheme's default).  *line: the line that mapped
 * it, or NULL.  Returns a malloc'd string. */
char	*explain_reverse(const struct px_vhost *, const char *path,
	    const char *location, const char *host, int port, int tls,
	    const struct px_rev **line);

#endif
