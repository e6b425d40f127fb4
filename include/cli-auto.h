/* cli-auto.h: the command line's output for automation (fix --format
 * json, what a fix leaves to a human). */
#ifndef VHOSTFIX_CLI_AUTO_H
#define VHOSTFIX_CLI_AUTO_H

#include "conf.h"
#include "plan.h"
#include "util.h"

struct cli_fix {
	struct cf_config	*c;
	const struct vec	*vhosts;	/* struct cf_vhost * */
	const struct vec	*rendered;	/* struct rendered * */
	const struct buf	*diff;
	const struct plan	*plan;
	const struct vec	*findings;	/* of the whole tree */
	int			 dry_run;
	int			 yes;
	const char		*backup_dir;
	const char		*configtest;
	int			 no_configtest;
	const char		*apache_bin;
	int			 reload;
	const char		*reload_cmd;
};

/* "fix --format json": write when asked (--yes), print the document to
 * stdout, nothing else.  Returns the exit status, as for text. */
int	 cli_fix_json(const struct cli_fix *);
/* What the fix leaves to a human, grouped by rule, on stderr. */
void	 cli_fix_left(const struct cli_fix *);

#endif
