/* proxy.h: a vhost's proxy configuration, parsed once for the rules and
 * the planner. */
#ifndef VHOSTFIX_PROXY_H
#define VHOSTFIX_PROXY_H

#include "conf.h"

enum px_scheme {
	PX_NONE,		/* "!" exclusion */
	PX_HTTP,		/* http:// https:// (mod_proxy_http) */
	PX_UWSGI,
	PX_FCGI,
	PX_SCGI,
	PX_WS,
	PX_AJP,
	PX_BALANCER,
	PX_OTHER,
};

/* A URL as written in ProxyPass: "unix:/run/a.sock|http://127.0.0.1/". */
struct px_url {
	char		*socket;	/* "/run/a.sock", or NULL */
	char		*backend;	/* "http://127.0.0.1/" ("!" kept) */
	enum px_scheme	 scheme;
	int		 bad_syntax;	/* nginx-style "http://unix:/..." or
					   "unix:" without "|" */
};
void	 px_url_parse(const char *, struct px_url *);
void	 px_url_free(struct px_url *);
/* Path part of an http(s) URL ("/" for "http://h/", "" for "http://h"). */
const char *px_url_path(const char *url);

struct px_pass {
	struct cf_dir	*dir;		/* the ProxyPass line */
	const char	*path;		/* local path (Location's in one-arg
					   form) */
	const char	*ctx_path;	/* NULL: vhost/server level */
	struct px_url	 url;
	int		 server_level;	/* inherited from the main server */
};

struct px_rev {
	struct cf_dir	*dir;
	const char	*path;
	const char	*url;		/* as written (unquoted, expanded) */
	const char	*ctx_path;
	int		 server_level;
};

struct px_vhost {
	const struct cf_config	*config;
	struct cf_vhost		*vhost;		/* NULL: the main server */
	struct vec		 passes;	/* struct px_pass * */
	struct vec		 revs;		/* struct px_rev * */
	struct vec		 preserve;	/* struct cf_dir *: all
						   ProxyPreserveHost lines */
	int			 preserve_host;	/* in effect */
	struct cf_dir		*xfp;		/* RequestHeader ...
						   X-Forwarded-Proto, or NULL */
	int			 xfp_https;	/* sends "https" (any value on a
						   TLS vhost) */
	struct vec		 xfp_lines;	/* struct cf_dir *: every
						   RequestHeader of
						   X-Forwarded-Proto (-Protocol,
						   -Ssl) in effect,
						   the main server's first (as
						   mod_headers merges them) */
	struct cf_dir		*hide_server;	/* Header unset Server */
	int			 server_tokens_prod;
	int			 tls;
	int			 proxies;	/* has a ProxyPass to a backend, or
						   a RewriteRule [P] */
	int			 rewrite_proxies; /* a RewriteRule [P] in
						   effect (the vhost's or the
						   main server's) */
	int			 has_sockets;	/* a unix: URL in a ProxyPass,
						   ProxyPassMatch or <Proxy> */
	int			 redirects_all;	/* a RewriteRule sends every
						   request to https:// first:
						   passes and revs are left
						   out */
	struct cf_dir		*rewrite_anchor; /* the vhost's first
						   RewriteRule [P], or NULL */
};

void	 px_vhost_build(const struct cf_config *, struct cf_vhost *,
	    struct px_vhost *);
void	 px_vhost_free(struct px_vhost *);

/* The ProxyPassReverse URLs a pass needs with the given choices: one per
 * name when the host is preserved (https:// when xfp_https), else the
 * backend URL (and its https:// form when xfp_https).  Appends malloc'd strings to out. */
void	 px_required_revs(const struct px_vhost *, const struct px_pass *,
	    int preserve, int xfp_https, struct vec *out);
/* Does a ProxyPassReverse URL match a required one (as Apache compares:
 * case-insensitively; a trailing slash on one side only is tolerated)? */
int	 px_url_eq(const char *, const char *);
/* Reverse lines of the pass's context and path. */
void	 px_revs_for(const struct px_vhost *, const struct px_pass *,
	    struct vec *out);
/* socket-label-shared: the label a socket gets, from its file name
 * ("/run/app-a.sock" -> "app-a").  Caller frees. */
char	*px_socket_label(const char *sock);
/* socket-label-shared: does some request for passes.v[i] reach a
 * socket other than the one it names?  Either its URL starts with an
 * existing worker's name (an earlier ProxyPass, <Proxy> block or the main
 * server's), which it then reuses with that worker's socket (shares), or
 * a longer worker name (a ProxyPass or ProxyPassMatch defined anywhere)
 * captures some of its mapped URLs (example: such a request path). */
struct px_conflict {
	int			 shares;
	const struct cf_node	*other_node;	/* the other worker's line */
	const char		*other_socket;	/* NULL: TCP; may go on with
						   "|url" as written */
	const char		*other_path;	/* its ProxyPass path, or NULL */
	char			*example;	/* caller frees */
};
int	 px_label_conflict(const struct px_vhost *, size_t i,
	    struct px_conflict *);
int	 px_label_shared(const struct px_vhost *, size_t i);
/* The pass's URL with its socket's own label: "http://app-b/".  Caller
 * frees. */
char	*px_relabelled_url(const struct px_pass *);
/* A BalancerMember of the balancer named by url ("balancer://app/x")
 * whose URL ends in "/", or NULL.  mod_proxy_balancer appends the path
 * after "balancer://app" to the member's URL, so such a member doubles
 * the slash of every request (measured on 2.4.71: "BalancerMember
 * http://h:p/" with "ProxyPass / balancer://app/": /x reaches the backend
 * as //x).  Both forms: inside <Proxy balancer://app> and "BalancerMember
 * balancer://app URL".  *member gets its URL (points into the node). */
const struct cf_node *px_balancer_member_slash(const struct cf_config *,
	    const char *url, const char **member, size_t *member_len);
/* trailing-slash: a path ending in "/" onto a URL with no path at all
 * ("http://127.0.0.1:8000", "balancer://app"): Apache glues the rest onto
 * the host or port and every URL but the path itself fails (measured:
 * "DNS lookup failure for: 127.0.0.1:8000admin", 500).  Adding the slash
 * changes no URL that works, so the fix does it. */
int	 px_slash_fixable(const struct px_pass *);
/* That fix, in the struct only (what the model judges a fix on). */
void	 px_fix_slashes(struct px_vhost *);
/* Give every socket that shares a label its own (as the fix does), in
 * the struct only: what the redirect model judges a fix on. */
void	 px_relabel_all(struct px_vhost *);
/* proxypass-order: may the later pass b move above a, which covers it?
 * Yes for a longer path (an exclusion or a backend): that is what the
 * admin meant.  Not for the same path twice (two backends, or a backend
 * and "!"): one of them is dead either way and only the admin knows
 * which, so that is only reported. */
int	 px_order_movable(const struct px_pass *a, const struct px_pass *b);
/* A ProxyPass Apache never uses and the fix will not move (the same path
 * given again): its redirects never happen, so it needs no
 * ProxyPassReverse. */
int	 px_pass_dead(const struct px_vhost *, size_t i);
/* The name a visitor asks for, in explanations and previews: ServerName,
 * else the first ServerAlias, else "yourdomain.example". */
const char *px_host_name(const struct cf_vhost *);
/* Apache's alias_match: does path a cover path b? */
int	 px_path_covers(const char *a, const char *b);

#endif
