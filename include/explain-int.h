/* explain-int.h: what the explain*.c files share.
 *
 * explain.c reads the request and picks the vhost (step 1), then calls
 * explain-path.c (step 2) and explain-backend.c (steps 3 and 4);
 * explain-util.c holds the helpers they all use.  Step 3's
 * X-Forwarded-Proto and step 4's visitor Location come from the one model
 * of what Apache does with a backend redirect (the ProxyPassReverse lines
 * in Apache's order, mod_headers' RequestHeader lines);
 * explain-redirect.c is the only place that calls it. */
#ifndef VHOSTFIX_EXPLAIN_INT_H
#define VHOSTFIX_EXPLAIN_INT_H

#include <regex.h>

#include "explain.h"
#include "proxy.h"

/* One request being explained. */
struct ex_ctx {
	const struct cf_config	*c;
	const struct cf_vhost	*v;	/* NULL: the main server */
	struct ex_result	*r;
	struct px_vhost		 px;	/* v's proxy lines (the main
					   server's merged in) */
};

/* explain-path.c: step 2. */
void	 explain_handle_path(struct ex_ctx *);
/* Sections whose proxy, rewrite or redirect lines are not followed, as
 * notes. */
void	 explain_note_sections(struct ex_result *, const struct cf_node *);

/* explain-backend.c: step 3 for a proxied request, then step 4 with the
 * backend's Location (NULL: "/"). */
void	 explain_backend(struct ex_ctx *);
void	 explain_redirect(struct ex_ctx *, const char *location);

/* explain-util.c */
void	 explain_step(struct vec *, const struct cf_node *, const char *, ...)
	    __attribute__((format(printf, 3, 4)));
void	 explain_note(struct ex_result *, const struct cf_node *,
	    const char *, ...) __attribute__((format(printf, 3, 4)));
/* The directive as written, name and arguments.  Caller frees. */
char	*explain_line_text(const struct cf_node *);
/* The handler and the line that decides it. */
void	 explain_decide(struct ex_result *, enum ex_handler,
	    const struct cf_node *);
/* regcomp() of an Apache (PCRE) pattern: -1 when it uses what POSIX
 * reads otherwise. */
int	 explain_regex_compile(regex_t *, const char *pat, int icase);
/* ap_pregsub(): $0-$9.  -1 for another reference.  *out malloc'd. */
int	 explain_regex_subst(const char *tmpl, const char *src,
	    const regmatch_t *, char **out);
/* "host[:port]" or "[v6][:port]": 0 and *host (malloc'd), *port (0:
 * none). */
int	 explain_parse_hostport(const char *, size_t, char **host, int *port);
/* The last directive of that name at server (or vhost) level. */
const struct cf_dir *explain_server_directive(const struct cf_config *,
	    const char *name);
const struct cf_dir *explain_vhost_directive(const struct cf_vhost *,
	    const char *name);
/* The directives in effect: the main server's first (server_first, as
 * mod_proxy merges ProxyPass) or after the vhost's (as mod_alias does).
 * Appends struct cf_dir *. */
void	 explain_dirs(const struct ex_ctx *, int server_first,
	    struct vec *out);
int	 explain_is_location(const struct cf_dir *);
/* The URL after "unix:/path|"; *sock: the path (malloc'd) or NULL. */
const char *explain_de_socketfy(const char *, char **sock);
int	 explain_is_url(const char *);
/* ap_construct_url() of a path for the request.  Caller frees. */
char	*explain_construct_url(const struct ex_result *, const char *path);

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
