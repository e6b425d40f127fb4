/* cli-auto.c: the command line for automation: check's policy and formats
 * (settings file, --ignore/--rule, -q/-v, nagios, prometheus), "fix" for
 * programs (one JSON document on stdout), fix's diff for people, and what
 * a fix leaves to a human, grouped so that 20,000 vhosts stay
 * readable. */
#include "config.h"

#include <langinfo.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "cli.h"
#include "cli-auto.h"
#include "fixfiles.h"
#include "fixreport.h"
#include "monitor.h"
#include "report.h"
#include "write.h"

/* The diff as is for patch(1), or with colored -/+ lines.  Config text
 * goes out inert whenever a terminal is listening (colored or not: a
 * ServerName holding escape sequences must not drive it). */
void
cli_print_diff(FILE *fp, const struct buf *d, int color)
{
	const char	*p = d->data, *end = d->data + d->len;

	if (!color && !isatty(fileno(fp))) {
		fwrite(d->data, 1, d->len, fp);
		return;
	}
	while (p < end) {
		const char	*nl = memchr(p, '\n', (size_t)(end - p));
		size_t		 n = nl ? (size_t)(nl - p) : (size_t)(end - p);
		char		*line = xstrndup(p, n), *inert;
		const char	*on = "";

		if (!color)
			;
		else if (str_startswith(line, "+++ ") ||
		    str_startswith(line, "--- ") ||
		    str_startswith(line, "diff --git "))
			on = "\033[1m";
		else if (line[0] == '+')
			on = "\033[32m";
		else if (line[0] == '-')
			on = "\033[31m";
		else if (line[0] == '@')
			on = "\033[36m";
		inert = report_inert(line);
		fprintf(fp, "%s%s%s\n", on, inert, *on ? "\033[0m" : "");
		free(inert);
		free(line);
		p += n + 1;
	}
}

void
cli_fix_left(const struct cli_fix *x)
{
	struct vec		left = { 0 };
	struct fixrep_text	o;
	const char		*cs = nl_langinfo(CODESET);

	fixrep_left(x->c, x->findings, x->vhosts, &left);
	o.root = x->c->root;
	o.examples = x->verbose ? (size_t)-1 : 3;
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
	case WR_FAILED:
		return EXIT_FAILED;
	case WR_INTERRUPTED:
		return EXIT_INTERRUPTED;
	case WR_INCOMPLETE:
		return EXIT_INCOMPLETE;
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

		wo = *x->write;
		wo.root = x->c->root;
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

/* The settings file's complaint, which names the file and the line. */
static int
settings_failed(const char *msg)
{
	char	*s = report_inert(msg);

	fprintf(stderr, "vhostfix: %s\n", s);
	free(s);
	return EXIT_USAGE;
}

static int
known_rules(const struct vec *v, const char *opt)
{
	size_t	i;

	for (i = 0; i < v->n; i++)
		if (policy_rule(v->v[i]) == NULL) {
			char	*s = report_inert(v->v[i]);

			fprintf(stderr, "vhostfix: %s: unknown rule '%s' (the "
			    "rules are listed in vhostfix(1))\nTry 'vhostfix "
			    "--help'.\n", opt, s);
			free(s);
			return -1;
		}
	return 0;
}

int
cli_auto_prepare(struct cli_auto *a, const char *root,
    const char **backup_dir, int *test_timeout)
{
	const char	*env = getenv("VHOSTFIX_CONF");
	char		*path, *err = NULL;
	size_t		 i;

	if (env != NULL && *env != '\0')
		path = xstrdup(env);
	else
		path = xasprintf("%s/etc/vhostfix.conf", root != NULL &&
		    *root != '\0' && strcmp(root, "/") != 0 ? root : "");
	if (settings_load(path, &a->set, &err) != 0) {
		int	rc = settings_failed(err);

		free(err);
		free(path);
		return rc;
	}
	free(path);
	if (known_rules(&a->ignore, "--ignore") != 0 ||
	    known_rules(&a->rules, "--rule") != 0)
		return EXIT_USAGE;
	memset(&a->pol, 0, sizeof a->pol);
	a->pol.fail_on = a->fail_on >= 0 ? (enum sev)a->fail_on :
	    a->set.fail_on >= 0 ? (enum sev)a->set.fail_on : SEV_WARNING;
	/* The command line wins: its --ignore list replaces the file's. */
	if (a->ignore.n > 0)
		for (i = 0; i < a->ignore.n; i++)
			vec_push(&a->pol.ignore, a->ignore.v[i]);
	else
		for (i = 0; i < a->set.ignore.n; i++)
			vec_push(&a->pol.ignore, a->set.ignore.v[i]);
	for (i = 0; i < a->rules.n; i++)
		vec_push(&a->pol.only, a->rules.v[i]);
	if (backup_dir != NULL && *backup_dir == NULL)
		*backup_dir = a->set.backup_dir;
	if (test_timeout != NULL && *test_timeout <= 0 &&
	    a->set.configtest_timeout > 0)
		*test_timeout = a->set.configtest_timeout;
	return 0;
}

void
cli_auto_free(struct cli_auto *a)
{
	vec_free(&a->pol.ignore);
	vec_free(&a->pol.only);
	vec_free(&a->ignore);
	vec_free(&a->rules);
	settings_free(&a->set);
}

static int
in_sel(const struct vec *sel, const struct cf_vhost *v)
{
	return v == NULL || report_selected(sel, v);
}

/* -v: what --ignore, --rule and -q left out, counted by rule. */
static void
print_hidden(const struct vec *all, const struct vec *shown,
    const struct vec *sel)
{
	const char	**rules = xcalloc(all->n + 1, sizeof *rules);
	size_t		 *count = xcalloc(all->n + 1, sizeof *count);
	size_t		  nr = 0, i, j, k;

	for (i = 0, k = 0; i < all->n; i++) {
		const struct finding	*f = all->v[i];

		if (k < shown->n && shown->v[k] == f) {
			k++;
			continue;
		}
		if (!in_sel(sel, f->vhost))
			continue;
		for (j = 0; j < nr && strcmp(rules[j], f->rule->id) != 0; j++)
			;
		if (j == nr)
			rules[nr++] = f->rule->id;
		count[j]++;
	}
	for (j = 0; j < nr; j++)
		fprintf(stderr, "vhostfix: not shown: %zu %s finding%s\n",
		    count[j], rules[j], count[j] == 1 ? "" : "s");
	free(rules);
	free(count);
}

int
cli_auto_check(struct cli_auto *a, struct cf_config *c,
    const struct vec *sel, struct vec *fs, int color)
{
	struct vec		 shown = { 0 };
	struct report_opts	 ro;
	size_t			 i;
	int			 rc = EXIT_CLEAN;

	/* Dropped findings stay in fs (the caller frees them) so -v can
	 * count them; shown borrows the rest. */
	for (i = 0; i < fs->n; i++) {
		struct finding	*f = fs->v[i];
		size_t		 j;
		int		 drop = 0;

		for (j = 0; j < a->pol.ignore.n && !drop; j++)
			drop = strcmp(a->pol.ignore.v[j], f->rule->id) == 0;
		if (a->pol.only.n > 0 && !drop) {
			for (j = 0, drop = 1; j < a->pol.only.n && drop; j++)
				drop = strcmp(a->pol.only.v[j], f->rule->id) !=
				    0;
		}
		if (!drop && a->quiet && a->format == CLI_FMT_TEXT &&
		    !policy_counts(&a->pol, f))
			drop = 1;
		if (!drop)
			vec_push(&shown, f);
		if (!drop && in_sel(sel, f->vhost) &&
		    policy_counts(&a->pol, f))
			rc = EXIT_FINDINGS;
	}
	a->reported = 1;
	switch (a->format) {
	case CLI_FMT_NAGIOS:
		rc = (int)monitor_nagios(stdout, c, &shown, sel, &a->pol);
		break;
	case CLI_FMT_PROMETHEUS:
		monitor_prometheus(stdout, c, &shown, sel, time(NULL));
		rc = EXIT_CLEAN;
		break;
	default:
		memset(&ro, 0, sizeof ro);
		ro.json = a->format == CLI_FMT_JSON;
		ro.color = color;
		ro.findings = 1;
		ro.no_summary = a->quiet;
		report_print(stdout, c, &shown, sel, &ro);
		break;
	}
	if (a->verbose)
		print_hidden(fs, &shown, sel);
	vec_free(&shown);
	return rc;
}

int
cli_auto_load_failed(struct cli_auto *a, const char *msg)
{
	char	*s;

	a->reported = 1;
	switch (a->format) {
	case CLI_FMT_NAGIOS:
		s = report_inert(msg);
		fprintf(stderr, "vhostfix: %s\n", s);
		free(s);
		return (int)monitor_nagios_unknown(stdout, msg);
	case CLI_FMT_PROMETHEUS:
		monitor_prometheus_failed(stdout, time(NULL));
		break;
	default:
		break;
	}
	s = report_inert(msg);
	fprintf(stderr, "vhostfix: %s\n", s);
	free(s);
	return EXIT_USAGE;
}
