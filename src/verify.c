/* verify.c: the running Apache's answer compared with the prediction.
 *
 * Apache rewrites a backend's Location with the ProxyPassReverse lines of
 * the configuration it has loaded (preview.h models that), and with
 * "Header unset Server" sends its own Server header instead of the
 * backend's (verified on 2.4.71 with gunicorn).  So the prediction for a
 * path is: the backend's real Location mapped by the configuration as
 * loaded now, and a Server header that is the backend's exactly when it is
 * not hidden. */
#include "config.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "live.h"
#include "proxy.h"
#include "util.h"
#include "verify.h"

void
verify_result_free(void *p)
{
	struct verify_result	*r = p;

	if (r == NULL)
		return;
	probe_result_free(r->probe);
	free(r->listener);
	probe_resp_free(&r->apache);
	free(r->skipped);
	free(r);
}

int
verify_ok(const struct verify_result *r)
{
	return r->skipped != NULL || (r->location_ok && r->server_ok &&
	    r->status_ok);
}

/* The address Apache listens on for the vhost: its first address, with
 * "*" and "_default_" taken as 127.0.0.1. */
static int
listener(const struct cf_vhost *v, char *host, size_t hl, int *port)
{
	const char	*a = v->naddrs > 0 ? v->addrs[0] : "*:80";
	const char	*colon = strrchr(a, ':');
	size_t		 n;

	*port = colon != NULL && colon[1] != '\0' && strchr(colon, ']') ==
	    NULL ? atoi(colon + 1) : 80;
	n = colon != NULL && strchr(colon, ']') == NULL ? (size_t)(colon - a) :
	    strlen(a);
	if (n == 0 || (n == 1 && a[0] == '*') ||
	    (n == 9 && strncmp(a, "_default_", 9) == 0)) {
		snprintf(host, hl, "127.0.0.1");
		return 0;
	}
	if (a[0] == '[' && n >= 2) {
		a++;
		n -= 2;
	}
	if (n >= hl)
		return -1;
	memcpy(host, a, n);
	host[n] = '\0';
	return 0;
}

static int
same(const char *a, const char *b)
{
	if (a == NULL || b == NULL)
		return a == b;
	return strcmp(a, b) == 0;
}

void
verify_vhost(const struct cf_config *c, struct cf_vhost *v, const char *path,
    int timeout_ms, int wait_ms, struct vec *out)
{
	struct vec	 probes = { 0 };
	struct px_vhost	 px;
	char		 host[256];
	int		 port;
	size_t		 i;

	px_vhost_build(c, v, &px);
	probe_vhost(c, v, path, timeout_ms, &probes);
	for (i = 0; i < probes.n; i++) {
		struct verify_result	*r = xcalloc(1, sizeof *r);
		struct probe_result	*pr = probes.v[i];
		struct probe_req	 q;
		const char		*name = v->server_name ?
					    v->server_name : "localhost";
		char			*hh;
		long			 end = live_now_ms() + wait_ms;

		r->probe = pr;
		r->server_hidden = px.hide_server != NULL;
		vec_push(out, r);
		if (v->tls) {
			r->skipped = xstrdup("a TLS vhost: not verified (plain "
			    "http listeners only)");
			continue;
		}
		if (listener(v, host, sizeof host, &port) != 0) {
			r->skipped = xasprintf("no address to connect to in "
			    "%s", v->addrs[0]);
			continue;
		}
		r->listener = strchr(host, ':') ? xasprintf("[%s]:%d", host,
		    port) : xasprintf("%s:%d", host, port);
		hh = port != 80 ? xasprintf("%s:%d", name, port) :
		    xstrdup(name);
		memset(&q, 0, sizeof q);
		q.host = host;
		q.port = port;
		q.path = pr->visitor_path;
		q.host_header = hh;
		q.timeout_ms = timeout_ms;
		/* Right after a graceful reload Apache may not answer yet. */
		while (probe_send(&q, &r->apache) != 0 &&
		    live_now_ms() < end) {
			probe_resp_free(&r->apache);
			usleep(100 * 1000);
		}
		free(hh);
		if (r->apache.error != NULL)
			continue;
		r->status_ok = pr->resp.error == NULL &&
		    r->apache.status == pr->resp.status;
		r->location_ok = same(r->apache.location, pr->visitor_now ?
		    pr->visitor_now : pr->resp.location);
		r->server_ok = pr->resp.error == NULL && (r->server_hidden ?
		    !same(r->apache.server, pr->resp.server) :
		    same(r->apache.server, pr->resp.server));
	}
	vec_free(&probes);
	px_vhost_free(&px);
}
