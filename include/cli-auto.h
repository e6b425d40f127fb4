/* cli-auto.h: the command line's output for automation (fix --format
 * json, what a fix leaves to a human). */
#ifndef VHOSTFIX_CLI_AUTO_H
#define VHOSTFIX_CLI_AUTO_H

#include <stdio.h>

#include "conf.h"
#include "plan.h"
#include "policy.h"
#include "util.h"

/* --format values. */
enum cli_format {
	CLI_FMT_TEXT,
	CLI_FMT_JSON,
	CLI_FMT_NAGIOS,
	CLI_FMT_PROMETHEUS,
};

/* The automation options, as the command line sets them, and the policy
 * made of them and the settings file. */
struct cli_auto {
	int		 format;	/* enum cli_format */
	int		 fail_on;	/* enum sev, or -1: not given */
	struct vec	 ignore;	/* const char *: --ignore RULE */
	struct vec	 rules;		/* const char *: --rule RULE */
	int		 quiet;		/* -q: not even notes */
	int		 probe;		/* check --probe */
	int		 verbose;	/* -v */
	struct settings	 set;		/* the settings file */
	struct policy	 pol;		/* made by cli_auto_prepare() */
	int		 reported;	/* the nagios line or the metrics
					   are out */
};

/* Read the settings file (ROOT/etc/vhostfix.conf, ROOT "/" by default;
 * $VHOSTFIX_CONF names another), check the rule ids, and make a->pol: the
 * command line wins over the file, key by key.  *backup_dir and
 * *test_timeout are set from the file when the command line left them
 * unset (NULL, 0).  Returns 0, or EXIT_USAGE after a one-line message. */
int	 cli_auto_prepare(struct cli_auto *, const char *root,
	    const char **backup_dir, int *test_timeout);
void	 cli_auto_free(struct cli_auto *);

/* check's output in the chosen format, from all the findings of the tree
 * (sel: the vhosts named, NULL for all).  Applies --ignore/--rule, -q and
 * -v, and returns the exit status: text and JSON 1 when a finding reaches
 * the threshold, else 0; nagios the plugin state; prometheus 0. */
int	 cli_auto_check(struct cli_auto *, struct cf_config *,
	    const struct vec *sel, struct vec *findings, int color);
/* A tree that could not be loaded: the UNKNOWN line (nagios) or the
 * failed metrics (prometheus) on stdout, else the message on stderr.
 * Returns the exit status. */
int	 cli_auto_load_failed(struct cli_auto *, const char *msg);

struct wr_opts;

struct cli_fix {
	struct cf_config	*c;
	const struct vec	*vhosts;	/* struct cf_vhost * */
	const struct vec	*rendered;	/* struct rendered * */
	const struct buf	*diff;
	const struct plan	*plan;
	const struct vec	*findings;	/* of the whole tree */
	int			 dry_run;
	int			 yes;
	const struct wr_opts	*write;		/* the command line's; root
						   and vhosts filled in */
	int			 verbose;	/* -v: every item, ungrouped */
};

/* "fix --format json": write when asked (--yes), print the document to
 * stdout, nothing else.  Returns the exit status, as for text. */
int	 cli_fix_json(const struct cli_fix *);
/* The diff as is for patch(1), or with colored -/+ lines; config text
 * inert whenever a terminal is listening. */
void	 cli_print_diff(FILE *, const struct buf *, int color);
/* What the fix leaves to a human, grouped by rule, on stderr.  Returns
 * how many findings that is. */
size_t	 cli_fix_left(const struct cli_fix *);

#endif
