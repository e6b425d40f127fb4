/* rules.h: findings about a loaded configuration.
 *
 * Each rule family lives in its own rule-*.c file and registers entries in
 * the const table of rules.c: id (a stable interface: scripts match on it),
 * severity, description. */
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
};

struct finding {
	const char		*rule;		/* static id, "reverse-mismatch" */
	enum sev		 sev;
	const struct cf_file	*file;		/* NULL: no file (config-level) */
	char			*path;		/* root-relative file, or NULL */
	unsigned		 line;
	char			*message;	/* one line */
	struct vec		 suggest;	/* char *: lines to use */
	struct cf_vhost		*vhost;		/* NULL outside vhosts */
	const struct cf_node	*node;		/* the offending directive */
	int			 fixable;	/* the planner fixes it */
	struct preview		*preview;	/* reverse-* only, or NULL */
};

struct rule {
	const char	*id;
	enum sev	 sev;		/* default severity */
	const char	*summary;	/* one line, for --help-rules / docs */
};

extern const struct rule rules_table[];
extern const size_t rules_count;

/* Run every rule.  Appends struct finding * to out, in file order within
 * each vhost, vhosts in Apache order, then config-level ones. */
void	 rules_run(const struct cf_config *, struct vec *out);
void	 finding_free(void *);
const char *sev_name(enum sev);

void	 preview_free(void *);

/* Sorting helper: findings of one vhost (NULL: outside vhosts). */
size_t	 rules_count_sev(const struct vec *findings, enum sev);

#endif
