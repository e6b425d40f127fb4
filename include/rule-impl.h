/* rule-impl.h: what the rule-*.c files share (not for other layers). */
#ifndef VHOSTFIX_RULE_IMPL_H
#define VHOSTFIX_RULE_IMPL_H

#include "proxy.h"
#include "rules.h"

/* What rules_run() computes once for all contexts (checks comparing a
 * vhost with all the others stay linear on 20,000 vhosts). */
struct rules_index {
	struct strmap		 names;	/* lower-case ServerName or alias ->
					   struct vec of the struct cf_vhost *
					   answering it, Apache's order */
	int			 live;	/* the root is the running system's
					   (live_is_running_root, asked once) */
};

struct rule_ctx {
	const struct cf_config	*config;
	struct px_vhost		*px;
	struct vec		*out;
	const struct rules_index *ix;	/* rules_run()'s; NULL elsewhere */
};

/* Record a finding of rule r at node (its file and line), with the
 * rule's default severity and fixable from its fix.  Returns it, to add
 * suggestions or change the severity. */
struct finding	*rule_add(struct rule_ctx *, const struct rule *r,
		    const struct cf_node *at, const char *fmt, ...)
		    __attribute__((format(printf, 4, 5)));
void		 rule_suggest(struct finding *, const char *fmt, ...)
		    __attribute__((format(printf, 2, 3)));
/* The registry's entry of a rule id, or NULL (a rule file reporting or
 * reading another family's rule goes through the registry). */
const struct rule *rule_by_id(const char *id);
/* The node a vhost-level finding points at (<VirtualHost> line). */
const struct cf_node *rule_vhost_node(const struct rule_ctx *);
/* Name used for the visitor's Host in explanations. */
const char	*rule_host(const struct rule_ctx *);

/* rule-util.c: what several rule files need to know. */
/* The last directive called name at vhost or server level (not in a
 * <Location>) in dirs, or NULL. */
const struct cf_dir *rule_last_dir(const struct vec *dirs, const char *name);
/* Is an on/off server or vhost directive (SSLEngine, SSLProxyEngine) on
 * for the context: its vhost's last one, else the server config's? */
int		 rule_flag_on(const struct rule_ctx *, const char *name);
/* The directive lists that apply to the context, the most specific
 * first: the vhost's (NULL for the main server), the server config's. */
void		 rule_levels(const struct rule_ctx *,
		    const struct vec *out[2]);
/* Is TLS on for the context's visitors: SSLEngine (or GnuTLSEnable) on in
 * the vhost, else in the server config?  (A vhost on port 443 without it
 * speaks plain HTTP.) */
int		 rule_tls_on(const struct rule_ctx *);
/* The substitution of a "RewriteRule PATTERN URL [P]" of dirs (a proxy
 * through mod_rewrite, RewriteEngine on where it stands), or NULL for any
 * other directive. */
const char	*rule_rewrite_proxy(const struct vec *dirs,
		    const struct cf_dir *);
/* Is every request of the vhost answered by Apache's own redirect (a
 * RewriteRule [R] for every path, or a Redirect in <Location />), so that
 * nothing is proxied? */
int		 rule_redirects_all(const struct rule_ctx *);

/* The entries each rule-*.c defines (rules.c lists them in rules_table).
 * A check reports with rule_add(rc, &rule_reverse_missing, ...). */
/* rule-module.c */
extern const struct rule rule_module_missing;
/* rule-reverse.c */
extern const struct rule rule_reverse_socket_prefix;
extern const struct rule rule_reverse_mismatch;
extern const struct rule rule_reverse_missing;
extern const struct rule rule_reverse_scheme_missing;
extern const struct rule rule_reverse_no_effect;
/* rule-proxypass.c */
extern const struct rule rule_proxypass_order;
extern const struct rule rule_trailing_slash;
extern const struct rule rule_socket_label_shared;
extern const struct rule rule_socket_url_syntax;
/* rule-socket.c */
extern const struct rule rule_socket_missing;
extern const struct rule rule_socket_permission;
extern const struct rule rule_socket_path_too_long;
extern const struct rule rule_socket_in_private_tmp;
/* rule-tls.c */
extern const struct rule rule_tls_certificate_missing;
extern const struct rule rule_tls_port_plain;
extern const struct rule rule_ssl_proxy_engine_missing;
/* rule-server.c */
extern const struct rule rule_listen_duplicate;
extern const struct rule rule_servername_duplicate;
extern const struct rule rule_open_proxy;
/* rule-alias.c */
extern const struct rule rule_proxypass_not_url;
extern const struct rule rule_alias_shadowed;
/* rule-headers.c */
extern const struct rule rule_forwarded_proto_missing;
extern const struct rule rule_server_header_exposed;
extern const struct rule rule_forwarded_proto_spoofable;
extern const struct rule rule_preserve_host_conflict;
/* rule-live.c (run by live_run, not per context) */
extern const struct rule rule_socket_stale;
extern const struct rule rule_socket_backlog_full;
extern const struct rule rule_backend_ipv6_first;
extern const struct rule rule_backend_unreachable;
extern const struct rule rule_log_unmatched;

#endif
