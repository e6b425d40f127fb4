/* cli-auto.c: "fix" for programs (one JSON document on stdout) and what a
 * fix leaves to a human, grouped so that 20,000 vhosts stay readable. */
#include "config.h"

#include <langinfo.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "cli-auto.h"
#include "fixfiles.h"
#include "fixreport.h"
#include "write.h"

void
cli_fix_left(const struct cli_fix *x)
{
	struct vec		left = { 0 };
	struct fixrep_text	o;
	const char		*cs = nl_langinfo(CODESET);

	fixrep_left(x->c, x->findings, x->vhosts, &left);
	o.root = x->c->root;
	o.examples = 3;
	o.utf8 = cs != NULL && strcmp(cs, "UTF-8") == 0;
	fixrep_print_left(stderr, &left, &o);
	vec_free(&left);
}

static int
exit_of(enum wr_status s)
{
	switch (s) {
	case WR_OK:
		return EXIT_CLEAN;
	case WR_REFUSED:
		return EXIT_USAGE;
	case WR_ROLLED_BACK:
		break;
	}
	return EXIT_ROLLED_BACK;
}

int
cli_fix_json(const struct cli_fix *x)
{
	struct fixrep		 r;
	struct vec		 left = { 0 };
	struct wr_result	 res;
	struct buf		 b = { 0 };
	int			 wrote = 0;

	memset(&r, 0, sizeof r);
	memset(&res, 0, sizeof res);
	fixrep_left(x->c, x->findings, x->vhosts, &left);
	r.c = x->c;
	r.dry_run = x->dry_run;
	r.vhosts = x->vhosts;
	r.rendered = x->rendered;
	r.diff = x->diff;
	r.plan = x->plan;
	r.left = &left;
	if (x->rendered->n == 0)
		r.exit_code = EXIT_CLEAN;
	else if (x->dry_run)
		r.exit_code = EXIT_FINDINGS;
	else if (!x->yes) {
		/* stdout carries the document: no room for a question. */
		r.error = "fix --format json writes only with --yes (or "
		    "--dry-run); nothing was written";
		r.exit_code = EXIT_USAGE;
	} else {
		struct wr_opts		 wo;
		struct fixfiles		 ff;
		const char		**names;
		size_t			 i;

		memset(&wo, 0, sizeof wo);
		wo.root = x->c->root;
		wo.backup_dir = x->backup_dir;
		wo.configtest = x->configtest;
		wo.no_configtest = x->no_configtest;
		wo.apache_bin = x->apache_bin;
		wo.reload = x->reload;
		wo.reload_cmd = x->reload_cmd;
		wo.lock_wait = -1;
		names = xcalloc(x->vhosts->n + 1, sizeof *names);
		for (i = 0; i < x->vhosts->n; i++)
			names[i] = conf_vhost_name(x->vhosts->v[i]);
		wo.vhosts = names;
		wo.nvhosts = x->vhosts->n;
		fixfiles_build(&ff, x->c, x->rendered);
		write_apply(&wo, &ff.tree, ff.files, ff.nfiles, &res);
		fixfiles_free(&ff);
		free(names);
		r.res = &res;
		r.exit_code = exit_of(res.status);
		wrote = 1;
	}
	fixrep_json(&b, &r);
	fputs(b.data, stdout);
	buf_free(&b);
	if (wrote)
		wr_result_free(&res);
	vec_free(&left);
	return r.exit_code;
}
