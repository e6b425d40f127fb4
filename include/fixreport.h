/* fixreport.h: what "fix" did or would do, for people and for programs.
 *
 * What a fix leaves to a human is the findings of the fixed vhosts whose
 * rule the planner does not fix.  fixrep_print_left() groups them by rule
 * (20,000 vhosts give a few lines, not 80,000), and fixrep_json() builds
 * the one document of "fix --format json", described by
 * data/fix.schema.json. */
#ifndef VHOSTFIX_FIXREPORT_H
#define VHOSTFIX_FIXREPORT_H

#include <stdio.h>

#include "conf.h"
#include "plan.h"
#include "rules.h"
#include "util.h"
#include "write.h"

/* Append to out (const struct finding *, borrowed from findings, in their
 * order) the findings the fix of the vhosts in sel leaves to a human, and
 * the parse errors outside vhosts. */
void	 fixrep_left(const struct cf_config *, const struct vec *findings,
	    const struct vec *sel, struct vec *out);

struct fixrep_text {
	const char	*root;		/* NULL or "/": no --root in hints */
	size_t		 examples;	/* locations named per group (3) */
	int		 utf8;		/* "×" rather than "x" */
};

/* Print what is left, prefixed "vhostfix: ": a rule with at most
 * `examples` findings one finding each (with its lines to use); a larger
 * group one line with the count, the first locations and the command
 * that lists them all, then the first finding's message and lines.
 * Config text is made inert. */
void	 fixrep_print_left(FILE *, const struct vec *left,
	    const struct fixrep_text *);

struct fixrep {
	const struct cf_config	*c;
	int			 dry_run;
	const struct vec	*vhosts;	/* struct cf_vhost *: selected */
	const struct vec	*rendered;	/* struct rendered * */
	const struct buf	*diff;		/* unified diff of rendered */
	const struct plan	*plan;
	const struct vec	*left;		/* from fixrep_left() */
	const struct wr_result	*res;		/* NULL: no write attempted */
	const char		*error;		/* a refusal before writing, or
						   NULL */
	int			 exit_code;
};

/* The "fix --format json" document (version 1), newline-terminated. */
void	 fixrep_json(struct buf *, const struct fixrep *);

#endif
