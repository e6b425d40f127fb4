/* cli.c: the command line.  One options table drives getopt_long and
 * --help (and the man page test).  Commands load the tree before anything
 * else, so every startup error lands on a normal terminal. */
#include "config.h"

#include <errno.h>
#include <getopt.h>
#include <locale.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli.h"
#include "conf.h"
#include "demo.h"
#include "diff.h"
#include "live.h"
#include "plan.h"
#include "report.h"
#include "rules.h"
#include "wizard.h"

enum {
	OPT_ROOT = 256, OPT_CONFIG, OPT_DEMO, OPT_FORMAT, OPT_COLOR,
	OPT_ASCII, OPT_DRY_RUN, OPT_YES, OPT_ALL, OPT_PRESERVE, OPT_XFP,
	OPT_HIDE, OPT_TOKENS, OPT_BACKUP_DIR, OPT_CONFIGTEST,
	OPT_NO_CONFIGTEST, OPT_APACHE_BIN, OPT_RELOAD, OPT_RELOAD_CMD,
	OPT_LIST, OPT_FORCE, OPT_HELP, OPT_VERSION, OPT_PATH, OPT_PROBE,
};

static const struct option_desc {
	const char	*name;
	int		 has_arg;
	int		 id;
	const char	*arg;
	const char	*help;
} options[] = {
	{ "root", 1, OPT_ROOT, "DIR",
	  "read the tree under DIR instead of / (like augtool -r)" },
	{ "config", 1, OPT_CONFIG, "FILE",
	  "main configuration, relative to the root" },
	{ "demo", 0, OPT_DEMO, NULL,
	  "work on a private copy of the bundled demo tree" },
	{ "format", 1, OPT_FORMAT, "text|json", "output format of list and "
	  "check" },
	{ "color", 1, OPT_COLOR, "auto|always|never",
	  "colors (auto: on a terminal, unless NO_COLOR is set)" },
	{ "ascii", 0, OPT_ASCII, NULL, "wizard: ASCII line drawing only" },
	{ "dry-run", 0, OPT_DRY_RUN, NULL,
	  "fix: print the diff, write nothing (wizard: never write)" },
	{ "yes", 0, OPT_YES, NULL, "fix: write without asking" },
	{ "all", 0, OPT_ALL, NULL, "fix: every vhost" },
	{ "preserve-host", 1, OPT_PRESERVE, "on|off",
	  "fix: ProxyPreserveHost choice (default: the vhost's current)" },
	{ "forwarded-proto", 1, OPT_XFP, "auto|off",
	  "fix: add X-Forwarded-Proto https on TLS vhosts (default auto)" },
	{ "hide-server", 1, OPT_HIDE, "on|off",
	  "fix: add Header unset Server (default on)" },
	{ "server-tokens", 1, OPT_TOKENS, "prod|keep",
	  "fix: set ServerTokens Prod globally (default keep)" },
	{ "backup-dir", 1, OPT_BACKUP_DIR, "DIR",
	  "fix, rollback: backup sets (default ROOT/var/backups/vhostfix)" },
	{ "configtest", 1, OPT_CONFIGTEST, "CMD",
	  "fix: command that checks the written configuration" },
	{ "no-configtest", 0, OPT_NO_CONFIGTEST, NULL,
	  "fix: skip the configuration test" },
	{ "apache-bin", 1, OPT_APACHE_BIN, "PATH",
	  "fix: Apache binary for the staged pre-flight check" },
	{ "reload", 0, OPT_RELOAD, NULL,
	  "fix: graceful reload after a passing test" },
	{ "reload-cmd", 1, OPT_RELOAD_CMD, "CMD",
	  "fix: command for --reload (default apache2ctl graceful)" },
	{ "list", 0, OPT_LIST, NULL, "rollback: list the backup sets" },
	{ "probe", 0, OPT_PROBE, NULL, "check: ask each backend directly for "
	  "its redirects (running system only)" },
	{ "path", 1, OPT_PATH, "P", "probe, verify: only the ProxyPass "
	  "covering P, asked for P" },
	{ "force", 0, OPT_FORCE, NULL,
	  "rollback: restore files changed since the fix" },
	{ "help", 0, OPT_HELP, NULL, "show this help" },
	{ "version", 0, OPT_VERSION, NULL, "show the version" },
};
#define NOPTIONS (sizeof options / sizeof *options)

struct cli {
	const char		*self;
	struct cf_opts		 load;
	char			*demo_dir;
	int			 json;
	int			 color;		/* -1 auto, 0, 1 */
	int			 ascii;
	int			 dry_run;
	int			 yes;
	int			 all;
	int			 list;
	const char		*path;
	int			 probe;
	int			 force;
	struct plan_opts	 plan;
	const char		*backup_dir;
	const char		*configtest;
	int			 no_configtest;
	const char		*apache_bin;
	int			 reload;
	const char		*reload_cmd;
	int			 format_given;
	int			 fix_opt_given;
};

static void
usage(FILE *fp)
{
	size_t	i;

	fprintf(fp,
	    "usage: vhostfix [--root DIR] [--config FILE] [--demo] "
	    "[COMMAND] [ARGS]\n"
	    "\n"
	    "Find and fix broken Apache reverse-proxy virtual hosts.\n"
	    "\n"
	    "commands:\n"
	    "  (none)                     the wizard (on a terminal)\n"
	    "  list [--format F]          the virtual hosts Apache loads\n"
	    "  check [VHOST...] [--format F]\n"
	    "                             diagnose (exit 1 when something is "
	    "found)\n"
	    "  fix VHOST...|--all [--dry-run|--yes] [choices]\n"
	    "                             correct the proxy lines (a diff "
	    "first)\n"
	    "  probe VHOST... [--path P] [--format F]\n"
	    "                             ask each backend directly, as "
	    "Apache would\n"
	    "  verify VHOST... [--path P] [--format F]\n"
	    "                             compare the running Apache's "
	    "answers with\n"
	    "                             the prediction\n"
	    "  rollback [ID] [--list] [--force]\n"
	    "                             restore a backup set (default: the "
	    "newest)\n"
	    "\n"
	    "VHOST is a ServerName or ServerAlias, NAME:PORT, or FILE:LINE.\n"
	    "\n"
	    "options:\n");
	for (i = 0; i < NOPTIONS; i++) {
		char	left[64];

		snprintf(left, sizeof left, "--%s%s%s", options[i].name,
		    options[i].arg ? " " : "", options[i].arg ?
		    options[i].arg : "");
		fprintf(fp, "  %-26s %s\n", left, options[i].help);
	}
	fprintf(fp,
	    "\n"
	    "exit status: 0 nothing found or nothing to change, 1 findings "
	    "or a diff,\n"
	    "2 usage or input error (nothing written), 3 Apache rejected the "
	    "change\n"
	    "(everything restored).\n");
}

static int	bad_usage(const char *, ...)
		    __attribute__((format(printf, 1, 2)));

static int
bad_usage(const char *fmt, ...)
{
	va_list	ap;

	fputs("vhostfix: ", stderr);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputs("\nTry 'vhostfix --help'.\n", stderr);
	return EXIT_USAGE;
}

static int
parse_onoff(const char *opt, const char *v, const char *on, const char *off,
    int *out)
{
	if (strcmp(v, on) == 0)
		*out = PLAN_ON;
	else if (strcmp(v, off) == 0)
		*out = PLAN_OFF;
	else
		return bad_usage("--%s takes %s or %s, not '%s'", opt, on, off,
		    v);
	return 0;
}

static int
parse_options(struct cli *cl, int argc, char **argv)
{
	struct option	lo[NOPTIONS + 1];
	size_t		i;
	int		c;

	for (i = 0; i < NOPTIONS; i++) {
		lo[i].name = options[i].name;
		lo[i].has_arg = options[i].has_arg;
		lo[i].flag = NULL;
		lo[i].val = options[i].id;
	}
	memset(&lo[NOPTIONS], 0, sizeof lo[0]);
	opterr = 0;
	while ((c = getopt_long(argc, argv, ":", lo, NULL)) != -1) {
		switch (c) {
		case OPT_ROOT:
			cl->load.root = optarg;
			break;
		case OPT_CONFIG:
			cl->load.config = optarg;
			break;
		case OPT_DEMO:
			cl->demo_dir = (char *)"";
			break;
		case OPT_FORMAT:
			if (strcmp(optarg, "json") == 0)
				cl->json = 1;
			else if (strcmp(optarg, "text") != 0)
				return bad_usage("--format takes text or json, "
				    "not '%s'", optarg);
			cl->format_given = 1;
			break;
		case OPT_COLOR:
			if (strcmp(optarg, "auto") == 0)
				cl->color = -1;
			else if (strcmp(optarg, "always") == 0)
				cl->color = 1;
			else if (strcmp(optarg, "never") == 0)
				cl->color = 0;
			else
				return bad_usage("--color takes auto, always or "
				    "never, not '%s'", optarg);
			break;
		case OPT_ASCII:
			cl->ascii = 1;
			break;
		case OPT_DRY_RUN:
			cl->dry_run = 1;
			break;
		case OPT_YES:
			cl->yes = 1;
			break;
		case OPT_ALL:
			cl->all = 1;
			break;
		case OPT_PRESERVE:
			cl->fix_opt_given = 1;
			if (parse_onoff("preserve-host", optarg, "on", "off",
			    &cl->plan.preserve_host))
				return EXIT_USAGE;
			break;
		case OPT_XFP:
			cl->fix_opt_given = 1;
			if (parse_onoff("forwarded-proto", optarg, "auto",
			    "off", &cl->plan.forwarded_proto))
				return EXIT_USAGE;
			break;
		case OPT_HIDE:
			cl->fix_opt_given = 1;
			if (parse_onoff("hide-server", optarg, "on", "off",
			    &cl->plan.hide_server))
				return EXIT_USAGE;
			break;
		case OPT_TOKENS:
			cl->fix_opt_given = 1;
			if (parse_onoff("server-tokens", optarg, "prod", "keep",
			    &cl->plan.server_tokens_prod))
				return EXIT_USAGE;
			break;
		case OPT_BACKUP_DIR:
			cl->backup_dir = optarg;
			break;
		case OPT_CONFIGTEST:
			cl->configtest = optarg;
			break;
		case OPT_NO_CONFIGTEST:
			cl->no_configtest = 1;
			break;
		case OPT_APACHE_BIN:
			cl->apache_bin = optarg;
			break;
		case OPT_RELOAD:
			cl->reload = 1;
			break;
		case OPT_RELOAD_CMD:
			cl->reload_cmd = optarg;
			break;
		case OPT_LIST:
			cl->list = 1;
			break;
		case OPT_PROBE:
			cl->probe = 1;
			break;
		case OPT_PATH:
			if (optarg[0] != '/')
				return bad_usage("--path takes a path starting "
				    "with /, not '%s'", optarg);
			cl->path = optarg;
			break;
		case OPT_FORCE:
			cl->force = 1;
			break;
		case OPT_HELP:
			usage(stdout);
			exit(EXIT_CLEAN);
		case OPT_VERSION:
			printf("vhostfix %s\n", PACKAGE_VERSION);
			exit(EXIT_CLEAN);
		case ':':
			return bad_usage("option '%s' needs an argument",
			    argv[optind - 1]);
		default:
			return bad_usage("unknown option '%s'",
			    argv[optind - 1]);
		}
	}
	return 0;
}

static int
use_color(const struct cli *cl)
{
	const char	*no_color = getenv("NO_COLOR");

	if (cl->color >= 0)
		return cl->color;
	if (no_color != NULL && *no_color != '\0')
		return 0;
	return isatty(STDOUT_FILENO);
}

/* Edit distance, for "did you mean". */
static size_t
distance(const char *a, const char *b)
{
	size_t	la = strlen(a), lb = strlen(b), i, j, *row, prev, d;

	row = xcalloc(lb + 1, sizeof *row);
	for (j = 0; j <= lb; j++)
		row[j] = j;
	for (i = 1; i <= la; i++) {
		prev = row[0];
		row[0] = i;
		for (j = 1; j <= lb; j++) {
			size_t	cur = row[j];

			d = prev + (a[i - 1] != b[j - 1]);
			if (row[j] + 1 < d)
				d = row[j] + 1;
			if (row[j - 1] + 1 < d)
				d = row[j - 1] + 1;
			row[j] = d;
			prev = cur;
		}
	}
	d = row[lb];
	free(row);
	return d;
}

struct near {
	const char	*name;
	size_t		 d;
};

static int
cmp_near(const void *a, const void *b)
{
	const struct near	*x = a, *y = b;

	if (x->d != y->d)
		return x->d < y->d ? -1 : 1;
	return strcmp(x->name, y->name);
}

/* "did you mean": the closest names (ServerName and aliases), at most 3,
 * each within a quarter of the typed length (2 at least). */
static void
near_names(const struct cf_config *c, const char *typed, struct buf *out)
{
	struct near	*nv;
	size_t		 n = 0, cap = 16, i, j, lim = strlen(typed) / 4;

	if (lim < 2)
		lim = 2;
	nv = xcalloc(cap, sizeof *nv);
	for (i = 0; i < c->vhosts.n; i++) {
		const struct cf_vhost	*v = c->vhosts.v[i];

		for (j = 0; j <= v->naliases; j++) {
			const char	*nm = j == 0 ? v->server_name :
			    v->aliases[j - 1];
			size_t		 k, d;

			if (nm == NULL)
				continue;
			d = distance(nm, typed);
			if (d > lim && strstr(nm, typed) == NULL)
				continue;
			for (k = 0; k < n && strcmp(nv[k].name, nm) != 0; k++)
				;
			if (k < n)
				continue;
			if (n == cap)
				nv = xrealloc(nv, (cap *= 2) * sizeof *nv);
			nv[n].name = nm;
			nv[n].d = d;
			n++;
		}
	}
	qsort(nv, n, sizeof *nv, cmp_near);
	for (i = 0; i < n && i < 3; i++) {
		char	*s = report_inert(nv[i].name);

		buf_printf(out, "%s%s", i ? ", " : "", s);
		free(s);
	}
	free(nv);
}

static int
select_vhosts(const struct cf_config *c, char **names, int n,
    struct vec *sel)
{
	int	i, rc = 0;

	for (i = 0; i < n; i++) {
		struct buf	near = { 0 };
		char		*inert;

		if (conf_find_vhosts(c, names[i], sel) > 0)
			continue;
		near_names(c, names[i], &near);
		inert = report_inert(names[i]);
		fprintf(stderr, "vhostfix: unknown vhost '%s' under %s: no "
		    "ServerName, ServerAlias, NAME:PORT or FILE:LINE matches%s%s"
		    "%s\n", inert, c->root, near.len ? " (did you mean " : "",
		    near.len ? near.data : "", near.len ? "?)" : "; 'vhostfix "
		    "list' shows them");
		free(inert);
		buf_free(&near);
		rc = -1;
	}
	return rc;
}

static int
load(struct cli *cl, struct cf_config **c)
{
	char	*err = NULL;

	if (conf_load(&cl->load, c, &err) != 0) {
		char	*s = report_inert(err);

		fprintf(stderr, "vhostfix: %s\n", s);
		free(s);
		free(err);
		return -1;
	}
	return 0;
}

static int
cmd_list_check(struct cli *cl, int findings, char **args, int nargs)
{
	struct cf_config	*c;
	struct vec		 fs = { 0 }, sel = { 0 };
	struct report_opts	 ro;
	int			 rc = EXIT_CLEAN;
	size_t			 i;

	if (cl->probe && (!findings || !live_is_running_root(cl->load.root)))
		return bad_usage("--probe asks the running backends: check on "
		    "the running system (--root /) only");
	if (load(cl, &c) != 0)
		return EXIT_USAGE;
	if (nargs > 0 && select_vhosts(c, args, nargs, &sel) != 0) {
		conf_free(c);
		vec_free(&sel);
		return EXIT_USAGE;
	}
	if (findings) {
		rules_run(c, &fs);
		cli_live(c, cl->load.root, &fs, cl->probe);
	}
	ro.json = cl->json;
	ro.color = use_color(cl);
	ro.findings = findings;
	report_print(stdout, c, &fs, nargs > 0 ? &sel : NULL, &ro);
	for (i = 0; i < fs.n; i++) {
		struct finding	*f = fs.v[i];

		if (f->vhost == NULL || nargs == 0)
			rc = EXIT_FINDINGS;
		else {
			size_t	j;

			for (j = 0; j < sel.n; j++)
				if (sel.v[j] == f->vhost)
					rc = EXIT_FINDINGS;
		}
	}
	vec_free_all(&fs, finding_free);
	vec_free(&sel);
	conf_free(c);
	return rc;
}

/* The diff as is for patch(1), or with colored -/+ lines.  Config text
 * goes out inert whenever a terminal is listening (colored or not: a
 * ServerName holding escape sequences must not drive it). */
static void
print_diff(FILE *fp, const struct buf *d, int color)
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

/* What the fix leaves to a human, with the line or command to use. */
static void
explain_unfixed(const struct cf_config *c, const struct vec *sel)
{
	struct vec	fs = { 0 };
	size_t		i, j, k;

	rules_run(c, &fs);
	for (i = 0; i < fs.n; i++) {
		struct finding	*f = fs.v[i];
		int		 mine = f->vhost == NULL &&
				    f->rule == &rule_parse_error;
		char		*m;

		for (j = 0; j < sel->n && !mine; j++)
			mine = sel->v[j] == f->vhost;
		if (!mine || f->fixable)
			continue;
		m = report_inert(f->message);
		fprintf(stderr, "vhostfix: not fixed automatically: %s:%u: %s "
		    "[%s]\n", f->path ? f->path : "-", f->line, m, f->rule->id);
		free(m);
		for (k = 0; k < f->suggest.n; k++) {
			m = report_inert(f->suggest.v[k]);
			fprintf(stderr, "    %s\n", m);
			free(m);
		}
	}
	vec_free_all(&fs, finding_free);
}

static int
cmd_fix(struct cli *cl, char **args, int nargs)
{
	struct cf_config	*c;
	struct vec		 sel = { 0 };
	struct wz_fix		 fix;
	size_t			 i;
	int			 rc;

	if (nargs == 0 && !cl->all)
		return bad_usage("fix needs VHOST... or --all");
	if (nargs > 0 && cl->all)
		return bad_usage("fix takes VHOST... or --all, not both");
	if (cl->dry_run && cl->yes)
		return bad_usage("--dry-run and --yes contradict each other");
	if (load(cl, &c) != 0)
		return EXIT_USAGE;
	if (cl->all) {
		for (i = 0; i < c->vhosts.n; i++)
			vec_push(&sel, c->vhosts.v[i]);
	} else if (select_vhosts(c, args, nargs, &sel) != 0) {
		vec_free(&sel);
		conf_free(c);
		return EXIT_USAGE;
	}
	if (wizard_fix_build(c, (struct cf_vhost *const *)sel.v, sel.n,
	    &cl->plan, &fix) != 0) {
		char	*inert = report_inert(fix.err);

		fprintf(stderr, "vhostfix: %s\n", inert);
		free(inert);
		rc = EXIT_USAGE;
		goto done;
	}
	if (fix.diff.len > 0)
		print_diff(stdout, &fix.diff, use_color(cl));
	fflush(stdout);
	for (i = 0; i < fix.plan.manual.n; i++) {
		char	*s = report_inert(fix.plan.manual.v[i]);

		fprintf(stderr, "vhostfix: needs you: %s\n", s);
		free(s);
	}
	explain_unfixed(c, &sel);
	if (fix.rendered.n == 0) {
		if (!cl->json)
			fprintf(stderr, "vhostfix: nothing to change\n");
		rc = EXIT_CLEAN;
		goto done;
	}
	if (cl->dry_run) {
		rc = EXIT_FINDINGS;
		goto done;
	}
	rc = cli_write(cl->self, c, &fix.rendered, &sel, cl->yes,
	    cl->backup_dir, cl->configtest, cl->no_configtest, cl->apache_bin,
	    cl->reload, cl->reload_cmd);
	if (rc == EXIT_CLEAN && cl->reload)
		cli_verify_after_fix(&cl->load, &sel);
done:
	wizard_fix_free(&fix);
	vec_free(&sel);
	conf_free(c);
	return rc;
}

int
cli_main(int argc, char **argv)
{
	struct cli	 cl;
	const char	*cmd;
	char		*err = NULL;
	int		 rc, nargs;
	char		**args;

	setlocale(LC_ALL, "");
	memset(&cl, 0, sizeof cl);
	cl.self = argv[0];
	cl.color = -1;
	plan_opts_default(&cl.plan);
	if ((rc = parse_options(&cl, argc, argv)) != 0)
		return rc;
	if (cl.demo_dir != NULL) {
		if (cl.load.root != NULL)
			return bad_usage("--demo and --root contradict each "
			    "other");
		cl.demo_dir = demo_create(argv[0], &err);
		if (cl.demo_dir == NULL) {
			fprintf(stderr, "vhostfix: demo: %s\n", err);
			free(err);
			return EXIT_USAGE;
		}
		cl.load.root = cl.demo_dir;
		fprintf(stderr, "vhostfix: demo: working on a private copy in "
		    "%s (removed on exit)\n", cl.demo_dir);
	}
	/* A reload without its own command reloads this machine's Apache:
	 * only right when the tree is this machine's configuration. */
	if (cl.reload && cl.reload_cmd == NULL &&
	    !live_is_running_root(cl.load.root))
		rc = bad_usage("--reload would reload this machine's Apache, "
		    "which does not run the tree under %s; give --reload-cmd "
		    "for the Apache that does", cl.load.root);
	if (rc != 0)
		goto out;
	cmd = optind < argc ? argv[optind] : NULL;
	args = argv + optind + 1;
	nargs = cmd ? argc - optind - 1 : 0;
	if (cmd == NULL)
		rc = cli_wizard(&cl.load, &cl.plan, cl.dry_run, cl.color,
		    cl.ascii, cl.backup_dir, cl.configtest, cl.no_configtest,
		    cl.apache_bin, cl.reload, cl.reload_cmd);
	else if (strcmp(cmd, "list") == 0)
		rc = nargs ? bad_usage("list takes no arguments") :
		    cmd_list_check(&cl, 0, args, 0);
	else if (strcmp(cmd, "check") == 0)
		rc = cmd_list_check(&cl, 1, args, nargs);
	else if (strcmp(cmd, "fix") == 0)
		rc = cmd_fix(&cl, args, nargs);
	else if (strcmp(cmd, "probe") == 0)
		rc = cli_probe(&cl.load, args, nargs, cl.path, cl.json);
	else if (strcmp(cmd, "verify") == 0)
		rc = cli_verify(&cl.load, args, nargs, cl.path, cl.json);
	else if (strcmp(cmd, "rollback") == 0)
		rc = cli_rollback(&cl.load, nargs ? args[0] : NULL, cl.list,
		    cl.force, cl.backup_dir, cl.configtest, cl.no_configtest,
		    cl.json);
	else
		rc = bad_usage("unknown command '%s'", cmd);
out:
	if (cl.demo_dir != NULL && *cl.demo_dir != '\0') {
		demo_remove(cl.demo_dir);
		free(cl.demo_dir);
	}
	return rc;
}
