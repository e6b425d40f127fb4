/* cli.h: command line: options and command tables, text and JSON output. */
#ifndef VHOSTFIX_CLI_H
#define VHOSTFIX_CLI_H

/* Exit codes (a stable interface). */
enum {
	EXIT_CLEAN = 0,		/* nothing found / nothing to change */
	EXIT_FINDINGS = 1,	/* findings reported / a diff printed */
	EXIT_USAGE = 2,		/* usage or input error; nothing written */
	EXIT_ROLLED_BACK = 3,	/* Apache rejected the change: restored */
	EXIT_FAILED = 4,	/* I/O error, or a command that could not run
				   or timed out, once writing began:
				   restored */
	EXIT_INTERRUPTED = 5,	/* SIGINT, SIGTERM or SIGHUP: restored */
	EXIT_INCOMPLETE = 6,	/* not everything could be restored: the
				   files' states are listed, `rollback`
				   finishes the job */
};

#include "conf.h"
#include "plan.h"

int	 cli_main(int argc, char **argv);

/* cli-select.c: append to sel the vhosts each name picks (ServerName,
 * alias, NAME:PORT, FILE:LINE).  0, or -1 after one message on stderr per
 * unknown name, with the nearest names ("did you mean"). */
int	 cli_select_vhosts(const struct cf_config *, char **names, int n,
	    struct vec *sel);

/* cli-explain.c: "explain URL". */
struct cli_explain {
	const char	*via;
	struct vec	 headers;	/* const char *: "Name: value" */
	const char	*location;
};
int	 cli_explain(const struct cf_opts *, const char *url, int json,
	    const struct cli_explain *);

/* cli-write.c: after the diff of "fix": ask, then the safe write. */
struct wr_opts;
/* wo: the write options of the command line (root and vhosts are filled
 * in here). */
struct wz_fix;
int	 cli_write(struct cf_config *, const struct wz_fix *fix,
	    struct vec *vhosts, int yes, const struct wr_opts *wo);
int	 cli_rollback(const struct cf_opts *, const char *id, int list,
	    int force, const struct wr_opts *wo, int json);
/* An interrupted fix (open journal) under root: one warning line on
 * stderr for each, with what to do.  For every command that reads the
 * tree. */
void	 cli_warn_open(const char *root, const char *backup_dir);
/* cli-demo.c: make the demo's private copy (*dir) and the guard that
 * removes it.  0: go on (the worker); else the run is over (*rc: its exit
 * status; -1 the copy failed, 1 the guard's worker ended). */
int	 cli_demo(const char *self, char **dir, int *rc);
/* cli-wizard.c: no command: the wizard on a terminal, else usage. */
int	 cli_wizard(const struct cf_opts *, const struct plan_opts *,
	    int dry_run, int color, int ascii, const char *backup_dir,
	    const char *configtest, int no_configtest, const char *apache_bin,
	    int reload, const char *reload_cmd);

/* cli-live.c: check's live stage: live_run() on the findings (and with
 * a->probe, the previews from the backends' real answers), its notes on
 * stderr unless a->quiet; EXIT_USAGE when --probe is given for another
 * root. */
struct cli_auto;
int	 cli_live(const struct cf_config *, const char *root,
	    struct vec *findings, const struct cli_auto *a);
/* probe VHOST...: one GET to each backend of the vhosts, as Apache would
 * send it (path: only the ProxyPass covering it); the status, Location,
 * Server and where the visitor is sent now and after the fix. */
int	 cli_probe(const struct cf_opts *, char **names, int n,
	    const char *path, int json);
/* verify VHOST...: verify.h's checks of the running Apache against the
 * prediction, a mark per check, exit 1 on any miss. */
int	 cli_verify(const struct cf_opts *, char **names, int n);
/* After fix --yes --reload on the running system: verify the vhosts the
 * fix touched (prints; fix's exit status stays its own). */
void	 cli_verify_after_fix(const struct cf_opts *, const struct vec *);
/* --reload without --reload-cmd on a tree that is not the running
 * system's: the message, EXIT_USAGE; else 0. */
int	 cli_reload_refused(const char *root, int reload,
	    const char *reload_cmd);

#endif
