/* rules.h: findings about a loaded configuration.
 *
 * Each rule family lives in its own rule-*.c file, which defines one
 * const struct rule per rule id it reports; the registry rules_table
 * (rules.c) lists them all.  check, the JSON, the wizard and the man page
 * test read that one table. */
#ifndef VHOSTFIX_RULES_H
#define VHOSTFIX_RULES_H

#include "conf.h"

enum sev {
	SEV_INFO,
	SEV_WARNING,
	SEV_ERROR,
};

/* What a visitor is sent to when the backend redirects (ProxyPassReverse
 * mapping), before and after the fix. */
struct preview {
	char	*backend_location;
	char	*visitor_before;
	char	*visitor_after;		/* NULL until the fix is planned */
	char	*backend_after;		/* plan_previews(): where the backend
					   redirects once the choices apply,
					   if that differs */
	int	 probed;		/* check --probe: from the backend's
					   real answer */
};

struct rule_ctx;

/* Who repairs a rule's findings: fix rewrites the lines (AUTO; the
 * finding's fixable says whether this one can be), or prints the line or
 * command to use (HAND). */
enum rule_fix {
	RULE_FIX_AUTO,
	RULE_FIX_HAND,
};

struct rule {
	const char	*id;		/* stable: scripts match on it */
	enum sev	 sev;		/* default severity */
	enum rule_fix	 fix;
	const char	*summary;	/* one line, for the docs */
	const char	*why;		/* what Apache does with it */
	const char	*visitor;	/* what a visitor gets from it */
	/* The family's check, which reports this rule among others; the
	 * runner calls each check once per context, in table order.  NULL:
	 * reported by the runner itself (parse-error). */
	void		(*check)(struct rule_ctx *);
};

/* The registry: every rule, grouped by family in the order the checks
 * run. */
extern const struct rule *const rules_table[];
extern const size_t rules_count;
extern const struct rule rule_parse_error;

struct finding {
	const struct rule	*rule;		/* in rules_table */
	enum sev		 sev;
	char			*path;		/* root-relative file, or NULL */
	unsigned		 line;
	char			*message;	/* one line */
	struct vec		 suggest;	/* char *: lines to use */
	struct cf_vhost		*vhost;		/* NULL outside vhosts */
	const struct cf_node	*node;		/* the offending directive */
	int			 fixable;	/* the planner fixes it (from
						   the rule's fix, unless the
						   check knows better) */
	struct preview		*preview;	/* reverse-* only, or NULL */
	const char		*visitor;	/* what the visitor gets, when
						   this finding knows better
						   than its rule; or NULL */
	struct vec		 evidence;	/* struct el_event * (errlog.h):
						   the error log's lines about
						   it (live_run), or empty */
};

/* Run every rule.  Appends struct finding * to out, in file order within
 * each vhost, vhosts in Apache order, then config-level ones. */
void	 rules_run(const struct cf_config *, struct vec *out);
/* The same in steps: rules_vhost() for i = 0 .. vhosts.n (n: the server's
 * own context) appends that context's findings; rules_end() the files
 * that could not be read, and frees the steps. */
struct rules_steps;
struct rules_steps *rules_begin(const struct cf_config *);
void	 rules_vhost(struct rules_steps *, size_t i, struct vec *out);
void	 rules_end(struct rules_steps *, struct vec *out);
void	 finding_free(void *);
/* What a visitor gets from f: its own words, else its rule's. */
const char *finding_visitor(const struct finding *f);
const char *sev_name(enum sev);

void	 preview_free(void *);

/* forwarded-proto-missing and server-header-exposed, for the planner:
 * does the vhost need "RequestHeader set X-Forwarded-Proto" (real TLS, an
 * http:// backend a page comes from, no X-Forwarded-Proto, -Ssl or
 * -Protocol the backend honours) or "Header unset Server" (a backend that
 * sends one, reached by some request)? */
int	 rules_needs_forwarded_proto(const struct cf_config *,
	    struct cf_vhost *);
int	 rules_needs_hide_server(const struct cf_config *, struct cf_vhost *);

#endif
