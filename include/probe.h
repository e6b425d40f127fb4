/* probe.h: ask a backend directly what it answers Apache (opt-in: the
 * probe command only).
 *
 * One GET per path, straight to the backend's Unix socket or TCP address,
 * with the Host and X-Forwarded-Proto headers Apache would send for the
 * vhost; only the response's status line and headers are read.  Every
 * step has a timeout.  Nothing here prints or exits. */
#ifndef VHOSTFIX_PROBE_H
#define VHOSTFIX_PROBE_H

#include "conf.h"

struct probe_req {
	const char	*socket;	/* Unix socket path, or NULL */
	const char	*host;		/* TCP host when no socket */
	int		 port;
	const char	*path;		/* "/next" (request target) */
	const char	*host_header;	/* what Apache sends as Host */
	const char	*xfp;		/* X-Forwarded-Proto value, or NULL */
	const char	*xf_host;	/* X-Forwarded-Host (the visitor's
					   Host), or NULL */
	int		 timeout_ms;	/* for the whole exchange */
};

struct probe_resp {
	int	 status;		/* 302; 0 when none came */
	char	*location;		/* or NULL */
	char	*server;		/* or NULL */
	char	*error;			/* why there is no status, or NULL */
};

/* Send the request, read the answer's head.  Returns 0 with r filled
 * (status > 0), or -1 with r->error set.  Free with probe_resp_free. */
int	 probe_send(const struct probe_req *, struct probe_resp *r);
void	 probe_resp_free(struct probe_resp *);

/* One probed ProxyPass of a vhost. */
struct probe_result {
	const struct cf_node	*node;		/* the ProxyPass line */
	char			*backend;	/* "unix:/run/a.sock|http://a/"
						   or "http://127.0.0.1:8000/" */
	char			*visitor_path;	/* path asked, as the visitor */
	char			*backend_path;	/* as sent to the backend */
	char			*host_header;
	char			*xfp;
	struct probe_resp	 resp;
	char			*visitor_now;	/* Location mapped by the
						   current ProxyPassReverse
						   lines, or NULL */
	char			*visitor_after;	/* mapped by the lines the fix
						   ensures, or NULL; on TLS
						   from a second answer asked
						   with the X-Forwarded-Proto
						   https the fix adds */
};

/* Probe each ProxyPass of the vhost (its own path, or path when given and
 * covered by it).  Appends struct probe_result * (free with
 * probe_result_free). */
void	 probe_vhost(const struct cf_config *, struct cf_vhost *,
	    const char *path, int timeout_ms, struct vec *out);
void	 probe_result_free(void *);

/* check --probe: the reverse-* findings' previews from each backend's real
 * answer (its Location for the ProxyPass path) instead of the sample
 * "next" redirect; preview->probed marks them.  A backend that does not
 * answer is a note (char *) in notes. */
void	 probe_findings(const struct cf_config *, struct vec *findings,
	    int timeout_ms, struct vec *notes);

#endif
