/* rule-impl.h: what the rule-*.c files share (not for other layers). */
#ifndef VHOSTFIX_RULE_IMPL_H
#define VHOSTFIX_RULE_IMPL_H

#include "proxy.h"
#include "rules.h"

struct rule_ctx {
	const struct cf_config	*config;
	struct px_vhost		*px;
	struct vec		*out;
};

/* Record a finding at node (its file and line).  The severity is the
 * rule's default unless sev >= 0.  Returns it, to add suggestions. */
struct finding	*rule_add(struct rule_ctx *, const char *id, int sev,
		    const struct cf_node *at, const char *fmt, ...)
		    __attribute__((format(printf, 5, 6)));
void		 rule_suggest(struct finding *, const char *fmt, ...)
		    __attribute__((format(printf, 2, 3)));
/* The node a vhost-level finding points at (<VirtualHost> line). */
const struct cf_node *rule_vhost_node(const struct rule_ctx *);
/* Name used for the visitor's Host in explanations. */
const char	*rule_host(const struct rule_ctx *);

void	 rule_reverse_check(struct rule_ctx *);
void	 rule_proxypass_check(struct rule_ctx *);
void	 rule_headers_check(struct rule_ctx *);
void	 rule_socket_check(struct rule_ctx *);
void	 rule_module_check(struct rule_ctx *);

#endif
