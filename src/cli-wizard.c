/* cli-wizard.c: the bare command.  On a terminal, the tree is loaded first
 * (so errors land on a normal terminal), then the wizard starts. */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli.h"
#include "report.h"
#include "tui.h"

int
cli_wizard(const struct cf_opts *load, const struct plan_opts *plan,
    int dry_run, int color, int ascii, const char *backup_dir,
    const char *configtest, int no_configtest, const char *apache_bin,
    int reload, const char *reload_cmd, int timeout)
{
	struct tui_opts	 o;
	char		*err = NULL;
	const char	**paths;
	size_t		 i;
	int		 rc;

	if (!isatty(STDIN_FILENO) || !isatty(STDOUT_FILENO)) {
		fprintf(stderr, "usage: vhostfix [--root DIR] [--config FILE] "
		    "[--demo] list|check|fix|rollback ...\n"
		    "vhostfix: the wizard needs a terminal; without one use "
		    "'check' or 'fix --dry-run' (see --help)\n");
		return EXIT_USAGE;
	}
	memset(&o, 0, sizeof o);
	o.load = *load;
	if (conf_load(load, &o.config, &err) != 0) {
		char	*s = report_inert(err);

		fprintf(stderr, "vhostfix: %s\n", s);
		free(s);
		free(err);
		return EXIT_USAGE;
	}
	o.plan = *plan;
	o.dry_run = dry_run;
	o.color = color;
	o.ascii = ascii;
	o.live_root = strcmp(o.config->root, "/") == 0;
	o.write.root = o.config->root;
	o.write.backup_dir = backup_dir;
	o.write.configtest = configtest;
	o.write.no_configtest = no_configtest;
	o.write.apache_bin = apache_bin;
	o.write.reload = reload;
	o.write.reload_cmd = reload_cmd;
	o.write.lock_wait = -1;
	o.write.configtest_timeout = timeout;
	paths = xcalloc(o.config->files.n + 1, sizeof *paths);
	for (i = 0; i < o.config->files.n; i++)
		paths[i] = ((struct cf_file *)o.config->files.v[i])->real;
	o.tree.server_root = o.config->server_root;
	o.tree.main_config = o.config->main_config;
	o.tree.files = paths;
	o.tree.nfiles = o.config->files.n;
	rc = tui_run(&o);
	free(paths);
	return rc;
}
