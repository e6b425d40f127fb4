/* cli.h: command line: options and command tables, text and JSON output. */
#ifndef VHOSTFIX_CLI_H
#define VHOSTFIX_CLI_H

/* Exit codes (a stable interface). */
enum {
	EXIT_CLEAN = 0,		/* nothing found / nothing to change */
	EXIT_FINDINGS = 1,	/* findings reported / a diff printed */
	EXIT_USAGE = 2,		/* usage or input error; nothing written */
	EXIT_ROLLED_BACK = 3,	/* Apache rejected the change: restored */
};

#include "conf.h"
#include "plan.h"

int	 cli_main(int argc, char **argv);

/* cli-write.c: after the diff of "fix": ask, then the safe write. */
struct wr_opts;
/* wo: the write options of the command line (root and vhosts are filled
 * in here). */
int	 cli_write(struct cf_config *, struct vec *rendered,
	    struct vec *vhosts, int yes, const struct wr_opts *wo);
int	 cli_rollback(const struct cf_opts *, const char *id, int list,
	    int force, const struct wr_opts *wo, int json);
/* cli-wizard.c: no command: the wizard on a terminal, else usage. */
int	 cli_wizard(const struct cf_opts *, const struct plan_opts *,
	    int dry_run, int color, int ascii, const char *backup_dir,
	    const char *configtest, int no_configtest, const char *apache_bin,
	    int reload, const char *reload_cmd);

#endif
