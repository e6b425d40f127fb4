/* explain.h: the way of one request through the loaded configuration.
 *
 * For a URL (and the address:port it arrives on, the client's headers),
 * explain_request() computes what Apache 2.4 does, each step with the
 * directive that decides it:
 * 1. the vhost that answers (name-based selection: the best address:port
 *    match, then ServerName / ServerAlias, else the first vhost of that
 *    address:port; no vhost: the main server), and why the others don't;
 * 2. what handles the path (<Location> ProxyPass, ProxyPass/ProxyPassMatch
 *    in order with "!" exclusions, RewriteRule [P]/[R] common forms,
 *    Redirect, Alias/ScriptAlias, else the files of the DocumentRoot);
 * 3. for a proxied request, the worker and the socket or address that
 *    receive it (workers named by the URL after "|", shared by prefix at
 *    configuration time, longest name at request time), the backend URL
 *    and path, and the Host and X-Forwarded-* headers the backend gets;
 * 4. for a backend redirect, where the visitor is sent after the vhost's
 *    ProxyPassReverse lines (the redirect model).
 * What the model does not cover is named in notes (the directive and why),
 * never guessed: the step it would decide is then marked unknown.
 * The core prints nothing: explain_text() and explain_json() fill a
 * buffer (text made inert, JSON escaped). */
#ifndef VHOSTFIX_EXPLAIN_H
#define VHOSTFIX_EXPLAIN_H

#include "conf.h"
#include "util.h"

struct ex_request {
	const char	*url;		/* "http://shop.example.com/api/x" */
	const char	*via;		/* "ADDR:PORT" it arrives on, or NULL:
					   the URL's port on any address */
	const char	**headers;	/* "Name: value", as the client sends */
	size_t		 nheaders;
	const char	*location;	/* a backend's Location ("/x" is on
					   the backend's own host), or NULL:
					   its root, "/" */
};

enum ex_handler {
	EX_FILES,		/* nothing maps it: the DocumentRoot */
	EX_PROXY,		/* ProxyPass, <Location> ProxyPass,
				   ProxyPassMatch, RewriteRule [P] */
	EX_REDIRECT,		/* Redirect*, RewriteRule [R] */
	EX_ALIAS,		/* Alias, ScriptAlias (and *Match) */
	EX_STATUS,		/* RewriteRule [F]/[G], Redirect gone... */
	EX_UNKNOWN,		/* decided by something not modelled */
};

/* One line of reasoning: a text and the directive it is about. */
struct ex_step {
	const struct cf_node	*node;	/* NULL: no line decides it */
	char			*text;
};

struct ex_result {
	/* the request */
	char		*url;
	int		 tls;		/* https: the connection is TLS */
	char		*host_header;	/* Host as sent ("name:8080") */
	char		*hostname;	/* lowercased, port and final dot
					   removed */
	char		*path;		/* "/api/x" */
	char		*query;		/* "a=b", or NULL */
	char		*local_addr;	/* "127.0.0.1", or NULL: unknown */
	int		 local_port;
	char		*client_xfp;	/* headers the client sent, or NULL */
	char		*client_xff;
	char		*client_xfh;

	/* 1. the vhost (NULL: the main server) */
	const struct cf_vhost	*vhost;
	char			*vhost_name;	/* its ServerName in effect */
	struct vec		 vhost_why;	/* struct ex_step * */
	struct vec		 others;	/* struct ex_step *: the vhosts
						   that do not answer, why */

	/* 2. the handler */
	enum ex_handler	 handler;
	struct ex_step	 decided;	/* the line that decides (text: the
					   line as written) */
	struct vec	 path_why;	/* struct ex_step *: lines looked at
					   before, why they did not apply */
	char		*target;	/* alias: the file; redirect: the
					   Location; status: the code */
	int		 status;	/* redirect status, or 0 */

	/* 3. the backend (handler EX_PROXY) */
	char		*backend_url;	/* "http://localhost/api/x" */
	char		*backend_path;	/* "/api/x" (query kept apart) */
	char		*worker;	/* the worker's name, or NULL: the
					   default reverse-proxy worker */
	const struct cf_node *worker_node; /* the line that defined it */
	int		 worker_shared;	/* another line's worker */
	char		*socket;	/* Unix socket, or NULL */
	char		*address;	/* "127.0.0.1:8000" (TCP), or NULL */
	int		 http;		/* mod_proxy_http (http/https) */
	char		*h_host;	/* the headers the backend receives */
	int		 add_headers;	/* ProxyAddHeaders in effect */
	char		*h_xff;		/* without the client's address */
	char		*h_xfh;
	char		*h_xfs;
	char		*h_xfp;		/* NULL: not sent */
	int		 xfp_known;	/* 0: a line the model cannot
					   evaluate */

	/* 4. a backend redirect */
	char		*backend_location;
	char		*visitor_location;
	struct ex_step	 reverse;	/* the ProxyPassReverse that mapped
					   it (node NULL: none did) */

	struct vec	 notes;		/* struct ex_step *: not modelled */
};

/* Explain one request.  Returns 0 and fills *out (free with
 * explain_free), or -1 with *err (malloc'd, one line) for a URL or
 * option that cannot be used. */
int	 explain_request(const struct cf_config *, const struct ex_request *,
	    struct ex_result *out, char **err);
void	 explain_free(struct ex_result *);

/* The result for a sysadmin (control characters inert), or as one JSON
 * object (a stable interface, documented in README). */
void	 explain_text(const struct ex_result *, struct buf *);
void	 explain_json(const struct ex_result *, struct buf *);

/* Helpers shared by explain*.c and the unit tests. */
/* Apache's alias_matches() (mod_alias, mod_proxy): the number of bytes of
 * uri that alias covers (runs of "/" match each other), or 0. */
size_t	 explain_alias_match(const char *uri, const char *alias);
/* The location walk's test for a plain <Location path>: a prefix ending
 * at a "/" or at the end of the path ("/app" covers "/app/x", not
 * "/apple"). */
int	 explain_location_match(const char *loc, const char *path);
/* ap_strcasecmp_match(): "*" and "?" wildcards, case-insensitive. */
int	 explain_wild_match(const char *pattern, const char *s);

#endif
