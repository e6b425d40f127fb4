/* verify.h: a fix proved on the running Apache.
 *
 * After a reload, requests go through Apache's own listener (the vhost's
 * address, 127.0.0.1 for "*", its port), named as a visitor names the
 * site (Host: and, for TLS, SNI), for the local path of each ProxyPass.
 * On TLS the certificate must name the site, as browsers require; its
 * chain is not checked (a self-signed or private CA's certificate is the
 * admin's choice).  Each answer is compared with the prediction the
 * wizard and `fix` showed (plan_previews): the status is not a 5xx, a
 * redirect's Location is on the visitor's site (the prediction's scheme,
 * host and port, never the backend's address), and with "Header unset
 * Server" the Server header is Apache's.  HTTP goes through libcurl
 * (TLS with SNI to an address of our choosing, timeouts); the core still
 * never prints. */
#ifndef VHOSTFIX_VERIFY_H
#define VHOSTFIX_VERIFY_H

#include "conf.h"
#include "plan.h"
#include "util.h"

struct vf_check {
	char	*what;		/* "GET http://app.example.com/ (127.0.0.1:80):
				   Location" */
	int	 ok;
	char	*want;		/* the prediction, in words */
	char	*got;		/* what Apache sent */
};
void	 vf_check_free(void *);

struct vf_opts {
	int	 timeout_ms;	/* per request; 0: 3000 */
	int	 wait_ms;	/* for Apache to answer and the new
				   configuration to hold (a graceful reload
				   lets old children finish); 0: 10000 */
};

/* Verify one vhost of the configuration c (the tree as it was when the
 * prediction was made) against the prediction for the fix choices o
 * (NULL: as configured).  Appends struct vf_check * to out.  Returns the
 * number of failed checks, or -1 with *err (malloc'd) when nothing could
 * be asked (Apache does not answer at all). */
int	 verify_vhost(const struct cf_config *c, struct cf_vhost *v,
	    const struct plan_opts *o, const struct vf_opts *vo,
	    struct vec *out, char **err);

#endif
