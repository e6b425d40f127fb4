/* verify.h: does the running Apache send what vhostfix predicts?
 *
 * For each http backend of a vhost: the backend is asked directly (probe.h)
 * for its real Location and Server, the configuration now loaded predicts
 * what the visitor gets, and the same request is sent through Apache's
 * own listener (the vhost's address and port, Host: its name).  Plain
 * http listeners only: a TLS vhost is reported as not verified.  Nothing
 * here prints or exits. */
#ifndef VHOSTFIX_VERIFY_H
#define VHOSTFIX_VERIFY_H

#include "conf.h"
#include "probe.h"

struct verify_result {
	struct probe_result	*probe;		/* the backend's own answer and
						   the prediction (visitor_now) */
	char			*listener;	/* "127.0.0.1:8080" */
	struct probe_resp	 apache;	/* what Apache sent */
	int			 server_hidden;	/* Header unset Server */
	int			 location_ok;
	int			 server_ok;
	int			 status_ok;
	char			*skipped;	/* why not verified, or NULL */
};

/* Verify the vhost's backends (only the ProxyPass covering path, when
 * given).  Apache is given up to wait_ms to accept connections (right
 * after a graceful reload).  Appends struct verify_result * (free with
 * verify_result_free). */
void	 verify_vhost(const struct cf_config *, struct cf_vhost *,
	    const char *path, int timeout_ms, int wait_ms, struct vec *out);
void	 verify_result_free(void *);
/* All checks passed (or skipped)? */
int	 verify_ok(const struct verify_result *);

#endif
