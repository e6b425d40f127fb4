/* cli-wizard.c: the bare command.  On a terminal, the tree is loaded first
 * (so errors land on a normal terminal), then the wizard starts. */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli.h"
#include "demo.h"
#include "report.h"
#include "tui.h"

int
cli_wizard(const struct cf_opts *load, const struct plan_opts *plan,
    int dry_run, int color, int ascii, const char *backup_dir,
    const char *configtest, int no_configtest, const char *apache_bin,
    int reload, const char *reload_cmd)
{
	struct tui_opts	 o;
	char		*err = NULL;
	int		 rc;

	if (!isatty(STDIN_FILENO) || !isatty(STDOUT_FILENO)) {
		fprintf(stderr, "usage: vhostfix [--root DIR] [--config FILE] "
		    "[--demo] list|check|fix|rollback ...\n"
		    "vhostfix: the wizard needs a terminal; without one use "
		    "'check' or 'fix --dry-run' (see --help)\n");
		return EXIT_USAGE;
	}
	memset(&o, 0, sizeof o);
	o.wizard.load = *load;
	if (conf_load(load, &o.config, &err) != 0) {
		char	*s = report_inert(err);

		fprintf(stderr, "vhostfix: %s\n", s);
		free(s);
		free(err);
		return EXIT_USAGE;
	}
	o.wizard.plan = *plan;
	o.wizard.dry_run = dry_run;
	o.wizard.live_root = strcmp(o.config->root, "/") == 0;
	/* Not root and the tree is not ours: say so at the start and walk
	 * as a dry run, rather than end six steps later in EACCES. */
	if (geteuid() != 0) {
		char	*main_abs = conf_abs(o.config, o.config->main_config);

		if (access(main_abs, W_OK) != 0) {
			o.wizard.not_root = 1;
			o.wizard.dry_run = 1;
		}
		free(main_abs);
	}
	/* demo_create's private copy: gone when the program ends */
	o.wizard.demo = demo_is_copy(o.config->root);
	o.wizard.write.backup_dir = backup_dir;
	o.wizard.write.configtest = configtest;
	o.wizard.write.no_configtest = no_configtest;
	o.wizard.write.apache_bin = apache_bin;
	o.wizard.write.reload = reload;
	o.wizard.write.reload_cmd = reload_cmd;
	o.wizard.write.lock_wait = -1;
	o.color = color;
	o.ascii = ascii;
	rc = tui_run(&o);
	return rc;
}
