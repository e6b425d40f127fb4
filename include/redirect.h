/* redirect.h: where a visitor is sent when the backend redirects.
 *
 * One model, used by the reverse-* rules, the planner and every preview:
 * 1. what the backend sees: the Host (the visitor's with ProxyPreserveHost
 *    On, else the host[:port] of the ProxyPass URL after "|"), the scheme
 *    (X-Forwarded-Proto as mod_headers sends it, or the visitor's own
 *    header when the vhost sets none) and the path it is mounted at;
 * 2. what it redirects to: an absolute URL built from what it saw, for a
 *    sibling of the requested path ("<mount>/go" -> "<mount>/next"), with
 *    https only when X-Forwarded-Proto is exactly "https" (gunicorn, which
 *    trusts it from Unix-socket and 127.0.0.1 peers);
 * 3. what Apache makes of it: every ProxyPassReverse in effect for the
 *    request, in Apache's order (the main server's, then the vhost's, then
 *    the <Location>'s), the first whose URL prefixes the Location wins,
 *    whatever path it was written for (preview_map()).
 * The right outcome is the visitor's scheme, the host they asked for and
 * the path the application is mounted at.  All of it was checked on
 * Apache 2.4.71 with gunicorn (tests/e2e-redirect-matrix.sh). */
#ifndef VHOSTFIX_REDIRECT_H
#define VHOSTFIX_REDIRECT_H

#include "proxy.h"

/* How wrong a predicted redirect is, least harm first. */
enum rd_harm {
	RD_OK,
	RD_UNKNOWN,	/* the model cannot tell (an X-Forwarded-Proto value
			   it cannot evaluate) */
	RD_SCHEME,	/* right host and path, wrong scheme */
	RD_PATH,	/* right host, the path leaves the mount */
	RD_HOST,	/* another host: the backend's address leaks or the
			   visitor lands where nothing answers */
};

/* A ProxyPassReverse in effect: a line as written, or one a fix plans. */
struct rd_rev {
	const char		*path;		/* replacement prefix */
	const char		*url;		/* compared with the Location */
	const char		*ctx_path;	/* <Location> path, or NULL */
	int			 server_level;
	const struct px_rev	*line;		/* NULL: planned, not written */
};

struct rd_opts {
	int		 preserve_host;	/* ProxyPreserveHost in effect */
	const char	*added_xfp;	/* NULL, or the X-Forwarded-Proto value a
					   fix adds (RequestHeader set, after
					   the vhost's own) */
	const char	*client_xfp;	/* the visitor's own X-Forwarded-Proto,
					   or NULL */
	const char	*host;		/* the visitor's Host header; NULL: the
					   ServerName (":port" unless the
					   scheme's default) */
	const struct rd_rev *revs;	/* NULL: the vhost's own lines */
	size_t		 nrevs;
};

struct rd_redirect {
	char			*request;	/* "/app/go" */
	char			*backend_host;	/* Host the backend saw */
	char			*xfp;		/* X-Forwarded-Proto it saw, or
						   NULL */
	char			*backend_location;
	char			*visitor_location;
	char			*right;		/* what it should be */
	int			 matched;	/* did a ProxyPassReverse rewrite
						   it? */
	const struct px_rev	*matched_line;	/* that line as written, or NULL
						   (none, or a planned one) */
	enum rd_harm		 harm;
};

/* The options for the vhost as configured: its ProxyPreserveHost, its own
 * lines, a visitor who sends no X-Forwarded-Proto. */
void	 redirect_opts_init(const struct px_vhost *, struct rd_opts *);

/* The vhost's ProxyPassReverse lines in Apache's order.  Appends struct
 * rd_rev * (free with free()). */
void	 redirect_revs(const struct px_vhost *, struct vec *out);

/* Does a pass redirect through mod_proxy_http (the only handler that maps
 * Location), with a URL the model understands? */
int	 redirect_applies(const struct px_pass *);

/* Predict a backend redirect of a pass.  Returns 0 and *out (free with
 * redirect_free), or -1 when the pass does not apply. */
int	 redirect_predict(const struct px_vhost *, const struct px_pass *,
	    const struct rd_opts *, struct rd_redirect *out);
void	 redirect_free(struct rd_redirect *);

/* The value the backend sees in X-Forwarded-Proto for a request to path
 * (mod_headers' RequestHeader lines in effect, in order, over the
 * visitor's own header).  Returns 0 and *value (malloc'd, or NULL: no
 * header), or -1 when a line is beyond the model. */
int	 redirect_xfp(const struct px_vhost *, const char *path,
	    const char *client, const char *added, char **value);

/* Does the backend believe the request for path came over https (one of
 * gunicorn's secure_scheme_headers: X-Forwarded-Proto https,
 * X-Forwarded-Protocol ssl, X-Forwarded-Ssl on)?  1 yes, 0 no, -1 the
 * model cannot tell. */
int	 redirect_backend_https(const struct px_vhost *, const char *path,
	    const char *client, const char *added);

/* forwarded-proto-missing: a TLS vhost whose backend is told nothing of
 * https (no X-Forwarded-Proto line, nor another of gunicorn's headers). */
int	 redirect_xfp_wanted(const struct px_vhost *);

/* The visitor hosts a vhost is judged for: ServerName, then each
 * ServerAlias without wildcards, each with ":port" unless the scheme's
 * default.  Appends malloc'd strings; none without a ServerName. */
void	 redirect_hosts(const struct px_vhost *, struct vec *out);

/* The ProxyPassReverse changes the fix makes for one pass with the given
 * choices: the lines of its path and context become exactly the URLs
 * px_required_revs() gives (right lines kept, wrong ones rewritten in
 * place, extra ones removed, missing ones added after the last line kept
 * or rewritten, else after the ProxyPass).  touched (struct px_rev *) holds
 * the lines already changed for an earlier pass: they are left alone, and
 * this pass's are appended.  Appends struct rd_change * (free with
 * redirect_change_free). */
struct rd_change {
	const struct px_pass	*pass;
	const struct px_rev	*line;	/* rewritten or removed; NULL: added */
	char			*url;	/* the new URL; NULL: removed */
	const struct px_rev	*after;	/* added after this line; NULL: after
					   the ProxyPass line */
};
void	 redirect_changes(const struct px_vhost *, const struct px_pass *,
	    int preserve, int xfp_https, struct vec *touched,
	    struct vec *out);
void	 redirect_change_free(void *);
/* redirect_changes() for every pass the fix looks at (the vhost's own, not
 * dead), in order. */
void	 redirect_all_changes(const struct px_vhost *, int preserve,
	    int xfp_https, struct vec *out);

/* The vhost's lines in Apache's order once the changes are made (as
 * redirect_revs).  The struct rd_rev * point into changes: free them
 * (free()) before the changes. */
void	 redirect_revs_changed(const struct px_vhost *,
	    const struct vec *changes, struct vec *out);

/* Would the changes (and X-Forwarded-Proto added_xfp, the host choice
 * preserve) make every redirect of the vhost right, for every visitor
 * host?  And are they all right now? */
struct rd_verdict {
	int	now_ok;		/* every redirect right as configured */
	int	now_known;	/* the model could judge every one */
	int	after_ok;	/* every redirect right after the changes */
	int	worse;		/* one right now becomes wrong */
};
void	 redirect_judge(const struct px_vhost *, int preserve,
	    const char *added_xfp, const struct vec *changes,
	    struct rd_verdict *out);

/* The fix's ProxyPassReverse changes for a vhost with the given choices
 * (preserve: the host choice; added_xfp: the X-Forwarded-Proto value the
 * fix adds, or NULL): the changes of redirect_all_changes() when the model
 * says they are needed and make every redirect right without making a
 * right one wrong; none otherwise.  Returns 1 when changes are made. */
int	 redirect_fix_decide(const struct px_vhost *, int preserve,
	    const char *added_xfp, struct vec *changes);

#endif
