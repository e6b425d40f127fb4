/* cli.c: the command line.  One options table drives getopt_long, --help
 * (and the man page test) and where each value goes; one command table
 * (name, usage, arguments, the options and --format values it takes, its
 * function, in the spirit of tmux's cmd_entry) drives dispatch, usage
 * errors and the command list of --help.  cli-help.c prints from both
 * (cli-int.h).  Commands load the tree before anything else, so every
 * startup error lands on a normal terminal. */
#include "config.h"

#include <errno.h>
#include <getopt.h>
#include <locale.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli.h"
#include "cli-auto.h"
#include "cli-int.h"
#include "monitor.h"
#include "policy.h"
#include "conf.h"
#include "demo.h"
#include "diff.h"
#include "plan.h"
#include "report.h"
#include "rules.h"
#include "wizard.h"
#include "write.h"

/* Everything the command line sets: the option structs of the layers,
 * filled by the options table, and the flags of the commands. */
struct cli {
	const struct cli_cmd	*cmd;		/* the command being run */
	struct cf_opts		 load;		/* --root, --config */
	struct report_opts	 report;	/* --format (json) */
	struct plan_opts	 plan;		/* the fix choices */
	struct wr_opts		 write;		/* --backup-dir ... */
	struct cli_auto		 autom;		/* --format, --fail-on, --ignore,
						   --rule, -q, -v */
	const char		*test_timeout;	/* --configtest-timeout */
	struct cli_explain	 explain;	/* --via, -H, --location */
	int			 color;		/* -1 auto, 0, 1 */
	int			 demo;
	int			 ascii;
	int			 dry_run;
	int			 yes;
	int			 all;
	int			 list;
	int			 force;
	const char		*path;		/* probe --path */
	int			 help;
	int			 version;
	unsigned long		 given;		/* CLI_OPT bits of the options
						   on the command line */
	char			*demo_dir;
};

/* The fix choices and the write path (fix and the wizard). */
#define CLI_CHOICES	(CLI_OPT(OPT_PRESERVE) | CLI_OPT(OPT_XFP) | \
			 CLI_OPT(OPT_HIDE) | CLI_OPT(OPT_TOKENS))
#define CLI_WRITE	(CLI_OPT(OPT_BACKUP_DIR) | CLI_OPT(OPT_CONFIGTEST) | \
			 CLI_OPT(OPT_NO_CONFIGTEST) | \
			 CLI_OPT(OPT_APACHE_BIN) | CLI_OPT(OPT_RELOAD) | \
			 CLI_OPT(OPT_RELOAD_CMD) | \
			 CLI_OPT(OPT_CONFIGTEST_TIMEOUT))

static const int	 format_values[] = { CLI_FMT_TEXT, CLI_FMT_JSON,
			    CLI_FMT_NAGIOS, CLI_FMT_PROMETHEUS };
static const int	 sev_values[] = { SEV_ERROR, SEV_WARNING, SEV_INFO };
static const int	 color_values[] = { -1, 1, 0 };
static const int	 onoff_values[] = { PLAN_ON, PLAN_OFF };

#define AT(field)	offsetof(struct cli, field)

const struct cli_opt cli_options[OPT_COUNT] = {
	[OPT_ROOT] = { "root", "DIR",
	    "read the tree under DIR instead of / (like augtool -r)",
	    AT(load.root), NULL },
	[OPT_CONFIG] = { "config", "FILE",
	    "main configuration, relative to the root", AT(load.config),
	    NULL },
	[OPT_DEMO] = { "demo", NULL,
	    "work on a private copy of the bundled demo tree", AT(demo),
	    NULL },
	[OPT_FORMAT] = { "format", "text|json|nagios|prometheus",
	    "output format",
	    AT(autom.format), format_values },
	[OPT_COLOR] = { "color", "auto|always|never",
	    "colors (auto: on a terminal, unless NO_COLOR is set)",
	    AT(color), color_values },
	[OPT_ASCII] = { "ascii", NULL, "wizard: ASCII line drawing only",
	    AT(ascii), NULL },
	[OPT_DRY_RUN] = { "dry-run", NULL,
	    "fix: print the diff, write nothing (wizard: never write)",
	    AT(dry_run), NULL },
	[OPT_YES] = { "yes", NULL, "fix: write without asking", AT(yes),
	    NULL },
	[OPT_ALL] = { "all", NULL, "fix: every vhost", AT(all), NULL },
	[OPT_PRESERVE] = { "preserve-host", "on|off",
	    "fix: ProxyPreserveHost choice (default: the vhost's current)",
	    AT(plan.preserve_host), onoff_values },
	[OPT_XFP] = { "forwarded-proto", "auto|off",
	    "fix: add X-Forwarded-Proto https on TLS vhosts (default auto)",
	    AT(plan.forwarded_proto), onoff_values },
	[OPT_HIDE] = { "hide-server", "on|off",
	    "fix: add Header unset Server (default on)",
	    AT(plan.hide_server), onoff_values },
	[OPT_TOKENS] = { "server-tokens", "prod|keep",
	    "fix: set ServerTokens Prod globally (default keep)",
	    AT(plan.server_tokens_prod), onoff_values },
	[OPT_BACKUP_DIR] = { "backup-dir", "DIR",
	    "fix, rollback: backup sets (default ROOT/var/backups/vhostfix)",
	    AT(write.backup_dir), NULL },
	[OPT_CONFIGTEST] = { "configtest", "CMD",
	    "fix, rollback: command that checks the written configuration",
	    AT(write.configtest), NULL },
	[OPT_NO_CONFIGTEST] = { "no-configtest", NULL,
	    "fix, rollback: skip the configuration test",
	    AT(write.no_configtest),
	    NULL },
	[OPT_APACHE_BIN] = { "apache-bin", "PATH",
	    "fix: Apache binary for the staged pre-flight check",
	    AT(write.apache_bin), NULL },
	[OPT_RELOAD] = { "reload", NULL,
	    "fix: graceful reload after a passing test", AT(write.reload),
	    NULL },
	[OPT_RELOAD_CMD] = { "reload-cmd", "CMD",
	    "fix: command for --reload (default apache2ctl graceful)",
	    AT(write.reload_cmd), NULL },
	[OPT_LIST] = { "list", NULL, "rollback: list the backup sets",
	    AT(list), NULL },
	[OPT_FORCE] = { "force", NULL,
	    "rollback: restore files changed since the fix; fix: write on "
	    "top of an interrupted fix", AT(force), NULL },
	[OPT_REDO] = { "redo", NULL,
	    "rollback: undo a rollback, which puts its fix back",
	    AT(write.redo), NULL },
	[OPT_HELP] = { "help", NULL, "show this help (-h)", AT(help), NULL,
	    0, 'h' },
	[OPT_VERSION] = { "version", NULL, "show the version", AT(version),
	    NULL },
	[OPT_FAIL_ON] = { "fail-on", "error|warning|info",
	    "check: exit 1 for findings at or above this (default warning)",
	    AT(autom.fail_on), sev_values },
	[OPT_IGNORE] = { "ignore", "RULE",
	    "check, fix: drop the findings of RULE (repeatable)",
	    AT(autom.ignore), NULL, 1 },
	[OPT_RULE] = { "rule", "RULE",
	    "check: only the findings of RULE (repeatable)",
	    AT(autom.rules), NULL, 1 },
	[OPT_QUIET] = { "quiet", NULL,
	    "check: findings at or above --fail-on only, no notes (-q)",
	    AT(autom.quiet), NULL, 0, 'q' },
	[OPT_VERBOSE] = { "verbose", NULL,
	    "check, fix: say what is hidden, list every item (-v)",
	    AT(autom.verbose), NULL, 0, 'v' },
	[OPT_CONFIGTEST_TIMEOUT] = { "configtest-timeout", "SECONDS",
	    "fix, rollback: kill a configtest or reload running longer",
	    AT(test_timeout), NULL },
	[OPT_VIA] = { "via", "ADDRESS", "explain: ADDR:PORT the request "
	    "arrives on", AT(explain.via), NULL },
	[OPT_HEADER] = { "header", "HEADER", "explain: a header 'Name: value' "
	    "(-H, repeatable)", AT(explain.headers), NULL, 1, 'H' },
	[OPT_LOCATION] = { "location", "URL", "explain: the Location a "
	    "backend redirects to (default /)", AT(explain.location), NULL },
	[OPT_PROBE] = { "probe", NULL, "check: ask each backend directly for "
	    "its redirects (running system only)", AT(autom.probe), NULL },
	[OPT_PATH] = { "path", "P", "probe: only the ProxyPass covering P, "
	    "asked for P", AT(path), NULL },
};

static int	cmd_wizard(struct cli *, char **, int);
static int	cmd_list(struct cli *, char **, int);
static int	cmd_check(struct cli *, char **, int);
static int	cmd_live(struct cli *, char **, int);
static int	cmd_fix(struct cli *, char **, int);
static int	cmd_rollback(struct cli *, char **, int);

static int
cmd_explain(struct cli *cl, char **args, int nargs)
{
	return cli_explain(&cl->load, args[nargs - 1], cl->report.json,
	    &cl->explain);
}

/* The --format values every command with --format takes. */
#define FMT_PLAIN	(CLI_FMT(CLI_FMT_TEXT) | CLI_FMT(CLI_FMT_JSON))

const struct cli_cmd cli_commands[] = {
	{ NULL, "[--dry-run] [choices]", "the wizard (on a terminal)", 0, 0,
	  CLI_OPT(OPT_COLOR) | CLI_OPT(OPT_ASCII) | CLI_OPT(OPT_DRY_RUN) |
	  CLI_CHOICES | CLI_WRITE, 0, cmd_wizard },
	{ "list", "[--format text|json]", "the virtual hosts Apache loads", 0,
	  0,
	  CLI_OPT(OPT_FORMAT) | CLI_OPT(OPT_COLOR), FMT_PLAIN, cmd_list },
	{ "check", "[VHOST...] [--format F] [--fail-on S] [--rule R]",
	  "diagnose (exit 1 when something reaches --fail-on)", 0, -1,
	  CLI_OPT(OPT_FORMAT) | CLI_OPT(OPT_COLOR) | CLI_OPT(OPT_FAIL_ON) |
	  CLI_OPT(OPT_IGNORE) | CLI_OPT(OPT_RULE) | CLI_OPT(OPT_QUIET) |
	  CLI_OPT(OPT_VERBOSE) | CLI_OPT(OPT_PROBE), FMT_PLAIN |
	  CLI_FMT(CLI_FMT_NAGIOS) | CLI_FMT(CLI_FMT_PROMETHEUS), cmd_check },
	{ "fix", "VHOST...|--all [--dry-run|--yes] [choices]",
	  "correct the proxy lines (a diff first)", 0, -1,
	  CLI_OPT(OPT_COLOR) | CLI_OPT(OPT_DRY_RUN) | CLI_OPT(OPT_YES) |
	  CLI_OPT(OPT_ALL) | CLI_CHOICES | CLI_WRITE | CLI_OPT(OPT_FORMAT) |
	  CLI_OPT(OPT_IGNORE) | CLI_OPT(OPT_VERBOSE) | CLI_OPT(OPT_FORCE),
	  FMT_PLAIN, cmd_fix },
	{ "explain", "URL [--via ADDR:PORT] [-H HEADER]... [--location URL]",
	  "the way of a request through the configuration", 1, 1,
	  CLI_OPT(OPT_FORMAT) | CLI_OPT(OPT_VIA) | CLI_OPT(OPT_HEADER) |
	  CLI_OPT(OPT_LOCATION), FMT_PLAIN, cmd_explain },
	{ "probe", "VHOST... [--path P]", "ask each backend directly, as "
	  "Apache would", 1, -1, CLI_OPT(OPT_PATH) | CLI_OPT(OPT_FORMAT),
	  FMT_PLAIN, cmd_live },
	{ "verify", "VHOST...", "check the running Apache's answers against "
	  "the prediction", 1, -1, 0, 0, cmd_live },
	{ "rollback", "[ID] [--list] [--force] [--redo]",
	  "restore a backup set (default: the newest)", 0, 1,
	  CLI_OPT(OPT_LIST) | CLI_OPT(OPT_FORCE) | CLI_OPT(OPT_REDO) |
	  CLI_OPT(OPT_FORMAT) |
	  CLI_OPT(OPT_BACKUP_DIR) | CLI_OPT(OPT_CONFIGTEST) |
	  CLI_OPT(OPT_NO_CONFIGTEST) | CLI_OPT(OPT_CONFIGTEST_TIMEOUT),
	  FMT_PLAIN, cmd_rollback },
};
const size_t cli_ncommands = sizeof cli_commands / sizeof *cli_commands;

/* Store an option's value where the table says. */
static int
set_option(struct cli *cl, int id, const char *value)
{
	const struct cli_opt	*o = &cli_options[id];
	char			*at = (char *)cl + o->off;
	struct buf		 words = { 0 };
	const char		*w, *bar = NULL;
	int			 k;

	cl->given |= CLI_OPT(id);
	if (o->arg == NULL) {
		*(int *)(void *)at = 1;
		return 0;
	}
	if (o->repeat) {
		vec_push((struct vec *)(void *)at, (void *)value);
		return 0;
	}
	if (o->values == NULL) {
		*(const char **)(void *)at = value;
		return 0;
	}
	for (w = o->arg, k = 0; w != NULL; w = bar ? bar + 1 : NULL, k++) {
		size_t	n;

		bar = strchr(w, '|');
		n = bar ? (size_t)(bar - w) : strlen(w);
		if (strlen(value) == n && strncmp(value, w, n) == 0) {
			*(int *)(void *)at = o->values[k];
			buf_free(&words);
			return 0;
		}
		/* "a, b or c" */
		buf_printf(&words, "%s%.*s", k == 0 ? "" : bar ? ", " :
		    " or ", (int)n, w);
	}
	cli_help_bad_usage("--%s takes %s, not '%s'", o->name, words.data,
	    value);
	buf_free(&words);
	return EXIT_USAGE;
}

static const struct cli_cmd	*cmd_find(const char *);

/* An unknown option is told once the command is known (for its --help
 * and the options it takes): the rest is parsed only to find it. */
static int
parse_options(struct cli *cl, int argc, char **argv)
{
	struct option	 lo[OPT_COUNT + 1];
	size_t		 i;
	int		 c;
	const char	*unknown = NULL;
	char		 letter[3] = "-?";

	for (i = 0; i < OPT_COUNT; i++) {
		lo[i].name = cli_options[i].name;
		lo[i].has_arg = cli_options[i].arg != NULL;
		lo[i].flag = NULL;
		lo[i].val = 256 + (int)i;
	}
	memset(&lo[OPT_COUNT], 0, sizeof lo[0]);
	opterr = 0;
	while ((c = getopt_long(argc, argv, ":hqvH:", lo, NULL)) != -1) {
		for (i = 0; i < OPT_COUNT && c < 256; i++)
			if (cli_options[i].letter != 0 &&
			    cli_options[i].letter == c)
				c = 256 + (int)i;
		if (unknown != NULL)
			continue;
		if (c >= 256 && c < 256 + OPT_COUNT) {
			if (set_option(cl, c - 256, optarg) != 0)
				return EXIT_USAGE;
		} else if (c == ':')
			return cli_help_bad_usage("option '%s' needs an "
			    "argument", argv[optind - 1]);
		else if (optopt > 0 && optopt < 256) {
			letter[1] = (char)optopt;
			unknown = letter;
		} else
			unknown = argv[optind - 1];
	}
	if (unknown != NULL)
		return cli_help_unknown_opt(unknown, cmd_find(optind < argc ?
		    argv[optind] : NULL));
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
	cli_warn_open((*c)->root, cl->write.backup_dir);
	return 0;
}

static int
cmd_fix(struct cli *cl, char **args, int nargs)
{
	struct cf_config	*c;
	struct vec		 sel = { 0 }, fs = { 0 };
	struct wz_fix		 fix;
	struct cli_fix		 x;
	size_t			 i, left;
	int			 rc;

	if (nargs == 0 && !cl->all)
		return cli_help_cmd_usage(cl->cmd, "fix needs VHOST... or "
		    "--all");
	if (nargs > 0 && cl->all)
		return cli_help_cmd_usage(cl->cmd, "fix takes VHOST... or "
		    "--all, not both");
	if (cl->dry_run && cl->yes)
		return cli_help_cmd_usage(cl->cmd, "--dry-run and --yes "
		    "contradict each other");
	if (load(cl, &c) != 0)
		return EXIT_USAGE;
	if (cl->all) {
		for (i = 0; i < c->vhosts.n; i++)
			vec_push(&sel, c->vhosts.v[i]);
	} else if (cli_select_vhosts(c, args, nargs, &sel) != 0) {
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
	rules_run(c, &fs);
	policy_filter(&cl->autom.pol, &fs);
	memset(&x, 0, sizeof x);
	x.c = c;
	x.vhosts = &sel;
	x.rendered = &fix.rendered;
	x.diff = &fix.diff;
	x.plan = &fix.plan;
	x.findings = &fs;
	x.dry_run = cl->dry_run;
	x.yes = cl->yes;
	x.write = &cl->write;
	x.verbose = cl->autom.verbose;
	if (cl->autom.format == CLI_FMT_JSON) {
		rc = cli_fix_json(&x);
		goto done;
	}
	if (fix.diff.len > 0)
		cli_print_diff(stdout, &fix.diff, use_color(cl));
	fflush(stdout);
	for (i = 0; i < fix.plan.manual.n; i++) {
		char	*s = report_inert(fix.plan.manual.v[i]);

		fprintf(stderr, "vhostfix: needs you: %s\n", s);
		free(s);
	}
	left = cli_fix_left(&x);
	/* With --force, nothing to change may still finish an interrupted
	 * fix (the write layer tests and closes it). */
	cl->write.force = cl->force;
	if (fix.rendered.n == 0 && !(cl->force && !cl->dry_run)) {
		if (left > 0)
			fprintf(stderr, "vhostfix: nothing changed "
			    "automatically; %zu finding%s above %s left to "
			    "you\n", left, left == 1 ? "" : "s",
			    left == 1 ? "is" : "are");
		else
			fprintf(stderr, "vhostfix: nothing to change\n");
		rc = EXIT_CLEAN;
		goto done;
	}
	if (cl->dry_run) {
		rc = EXIT_FINDINGS;
		goto done;
	}
	rc = cli_write(c, &fix, &sel, cl->yes, &cl->write);
	if (rc == EXIT_CLEAN && cl->write.reload)
		cli_verify_after_fix(&cl->load, &sel);
done:
	vec_free_all(&fs, finding_free);
	wizard_fix_free(&fix);
	vec_free(&sel);
	conf_free(c);
	return rc;
}

static int
cmd_wizard(struct cli *cl, char **args, int nargs)
{
	(void)args;
	(void)nargs;
	return cli_wizard(&cl->load, &cl->plan, cl->dry_run, cl->color,
	    cl->ascii, cl->write.backup_dir, cl->write.configtest,
	    cl->write.no_configtest, cl->write.apache_bin, cl->write.reload,
	    cl->write.reload_cmd);
}

static int
cmd_list(struct cli *cl, char **args, int nargs)
{
	struct cf_config	*c;
	struct vec		 none = { 0 };

	(void)args;
	(void)nargs;
	if (load(cl, &c) != 0)
		return EXIT_USAGE;
	cl->report.color = use_color(cl);
	cl->report.findings = 0;
	report_print(stdout, c, &none, NULL, &cl->report);
	conf_free(c);
	return EXIT_CLEAN;
}

static int
cmd_check(struct cli *cl, char **args, int nargs)
{
	struct cf_config	*c;
	struct vec		 fs = { 0 }, sel = { 0 };
	char			*err = NULL;
	int			 rc;

	if (conf_load(&cl->load, &c, &err) != 0) {
		rc = cli_auto_load_failed(&cl->autom, err);
		free(err);
		return rc;
	}
	cli_warn_open(c->root, cl->write.backup_dir);
	if (nargs > 0 && cli_select_vhosts(c, args, nargs, &sel) != 0) {
		conf_free(c);
		vec_free(&sel);
		return EXIT_USAGE;
	}
	rules_run(c, &fs);
	if ((rc = cli_live(c, cl->load.root, &fs, &cl->autom)) == 0)
		rc = cli_auto_check(&cl->autom, c, nargs > 0 ? &sel : NULL,
		    &fs, use_color(cl));
	vec_free_all(&fs, finding_free);
	vec_free(&sel);
	conf_free(c);
	return rc;
}

/* probe and verify (cli-live.c). */
static int
cmd_live(struct cli *cl, char **args, int nargs)
{
	return cl->cmd->name[0] == 'p' ? cli_probe(&cl->load, args,
	    nargs, cl->path, cl->autom.format == CLI_FMT_JSON) :
	    cli_verify(&cl->load, args, nargs);
}

static int
cmd_rollback(struct cli *cl, char **args, int nargs)
{
	if (cl->list && (nargs > 0 || cl->force || cl->write.redo))
		return cli_help_cmd_usage(cl->cmd, "rollback --list takes no "
		    "ID, no --force and no --redo");
	if (cl->report.json && !cl->list)
		return cli_help_cmd_usage(cl->cmd, "--format is for rollback "
		    "--list");
	return cli_rollback(&cl->load, nargs ? args[0] : NULL, cl->list,
	    cl->force, &cl->write, cl->report.json);
}

static const struct cli_cmd *
cmd_find(const char *name)
{
	size_t	i;

	for (i = 0; i < cli_ncommands; i++)
		if (name == NULL ? cli_commands[i].name == NULL :
		    cli_commands[i].name != NULL &&
		    strcmp(cli_commands[i].name, name) == 0)
			return &cli_commands[i];
	return NULL;
}

static int
cli_run(struct cli *cl, int argc, char **argv)
{
	const char	*name;
	size_t		 i;
	int		 rc, nargs, d;
	char		**args;

	setlocale(LC_ALL, "");
	memset(cl, 0, sizeof *cl);
	cl->color = -1;
	cl->write.lock_wait = -1;
	cl->autom.fail_on = -1;
	plan_opts_default(&cl->plan);
	if ((rc = parse_options(cl, argc, argv)) != 0)
		return rc;
	cl->report.json = cl->autom.format == CLI_FMT_JSON;
	if (cl->version && !cl->help) {
		printf("vhostfix %s\n", PACKAGE_VERSION);
		return EXIT_CLEAN;
	}
	name = optind < argc ? argv[optind] : NULL;
	args = argv + optind + 1;
	nargs = name ? argc - optind - 1 : 0;
	if ((cl->cmd = cmd_find(name)) == NULL)
		return cl->help ? (cli_help_print(stdout), EXIT_CLEAN) :
		    cli_help_unknown_cmd(name);
	if (cl->help) {
		if (name == NULL)
			cli_help_print(stdout);
		else
			cli_help_print_cmd(stdout, cl->cmd);
		return EXIT_CLEAN;
	}
	for (i = 0; i < OPT_COUNT; i++)
		if ((cl->given & CLI_OPT(i)) &&
		    !((cl->cmd->opts | CLI_GLOBAL) & CLI_OPT(i)))
			return cli_help_cmd_usage(cl->cmd, "%s does not take "
			    "--%s", name ? name : "the wizard",
			    cli_options[i].name);
	if (nargs < cl->cmd->min_args)
		return cli_help_missing_arg(cl->cmd, nargs);
	if (cl->cmd->max_args >= 0 && nargs > cl->cmd->max_args)
		return cl->cmd->max_args == 0 ? cli_help_cmd_usage(cl->cmd,
		    "%s takes no arguments", name) : cli_help_cmd_usage(
		    cl->cmd, "%s takes at most %d argument%s", name,
		    cl->cmd->max_args, cl->cmd->max_args == 1 ? "" : "s");
	if ((cl->given & CLI_OPT(OPT_FORMAT)) &&
	    !(cl->cmd->formats & CLI_FMT(cl->autom.format)))
		return cli_help_format_refused(cl->cmd, cl->autom.format);
	if (cl->test_timeout != NULL) {
		char	*end;
		long	 n = strtol(cl->test_timeout, &end, 10);

		if (end == cl->test_timeout || *end != '\0' || n < 1 ||
		    n > 3600)
			return cli_help_bad_usage("--configtest-timeout takes "
			    "seconds (1-3600), not '%s'", cl->test_timeout);
		cl->write.test_timeout = (int)n;
	}
	/* An empty root would mean the live "/".  (Empty commands are
	 * refused by the write layer, before anything is written.) */
	if (cl->load.root != NULL && *cl->load.root == '\0')
		return cli_help_bad_usage("--root needs a directory (an empty "
		    "one would mean /)");
	if (cl->demo) {
		if (cl->load.root != NULL)
			return cli_help_bad_usage("--demo and --root "
			    "contradict each other");
		if ((d = cli_demo(argv[0], &cl->demo_dir, &rc)) != 0) {
			cl->autom.reported = d > 0;	/* its worker spoke */
			return rc;
		}
		cl->load.root = cl->demo_dir;
	}

	rc = cli_auto_prepare(&cl->autom, cl->load.root, &cl->write.backup_dir,
	    &cl->write.test_timeout);
	if (rc == 0 && (rc = cli_reload_refused(cl->load.root,
	    cl->write.reload, cl->write.reload_cmd)) == 0)
		rc = cl->cmd->exec(cl, args, nargs);
	if (cl->demo_dir != NULL) {
		demo_remove(cl->demo_dir);
		free(cl->demo_dir);
	}
	return rc;
}

int
cli_main(int argc, char **argv)
{
	struct cli	cl;
	int		rc;

	rc = cli_run(&cl, argc, argv);
	/* A monitoring plugin that cannot run says UNKNOWN, not CRITICAL
	 * (which 2 would mean); the reason is on stderr. */
	if (rc == EXIT_USAGE && cl.autom.format == CLI_FMT_NAGIOS &&
	    !cl.autom.reported)
		rc = (int)monitor_nagios_unknown(stdout, "usage or input "
		    "error (vhostfix says why on stderr)");
	cli_auto_free(&cl.autom);
	vec_free(&cl.explain.headers);
	return rc;
}
