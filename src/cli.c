/* cli.c: the command line.  One options table drives getopt_long, --help
 * (and the man page test) and where each value goes; one command table
 * (name, usage, arguments, the options it takes, its function, in the
 * spirit of tmux's cmd_entry) drives dispatch, usage errors and the
 * command list of --help.  Commands load the tree before anything else,
 * so every startup error lands on a normal terminal. */
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
#include "conf.h"
#include "demo.h"
#include "diff.h"
#include "live.h"
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
	int			 color;		/* -1 auto, 0, 1 */
	int			 demo;
	int			 ascii;
	int			 dry_run;
	int			 yes;
	int			 all;
	int			 list;
	int			 force;
	int			 probe;		/* check --probe */
	const char		*path;		/* probe, verify --path */
	int			 help;
	int			 version;
	unsigned long		 given;		/* CLI_OPT bits of the options
						   on the command line */
	char			*demo_dir;
};

enum cli_opt_id {
	OPT_ROOT, OPT_CONFIG, OPT_DEMO, OPT_FORMAT, OPT_COLOR, OPT_ASCII,
	OPT_DRY_RUN, OPT_YES, OPT_ALL, OPT_PRESERVE, OPT_XFP, OPT_HIDE,
	OPT_TOKENS, OPT_BACKUP_DIR, OPT_CONFIGTEST, OPT_NO_CONFIGTEST,
	OPT_APACHE_BIN, OPT_RELOAD, OPT_RELOAD_CMD, OPT_LIST, OPT_FORCE,
	OPT_PROBE, OPT_PATH, OPT_HELP, OPT_VERSION,
	OPT_COUNT
};
#define CLI_OPT(id)	(1UL << (id))
/* Options every command takes. */
#define CLI_GLOBAL	(CLI_OPT(OPT_ROOT) | CLI_OPT(OPT_CONFIG) | \
			 CLI_OPT(OPT_DEMO) | CLI_OPT(OPT_HELP) | \
			 CLI_OPT(OPT_VERSION))
/* The fix choices and the write path (fix and the wizard). */
#define CLI_CHOICES	(CLI_OPT(OPT_PRESERVE) | CLI_OPT(OPT_XFP) | \
			 CLI_OPT(OPT_HIDE) | CLI_OPT(OPT_TOKENS))
#define CLI_WRITE	(CLI_OPT(OPT_BACKUP_DIR) | CLI_OPT(OPT_CONFIGTEST) | \
			 CLI_OPT(OPT_NO_CONFIGTEST) | \
			 CLI_OPT(OPT_APACHE_BIN) | CLI_OPT(OPT_RELOAD) | \
			 CLI_OPT(OPT_RELOAD_CMD))

/* An option: a flag (arg NULL) sets the int at off to 1; "a|b|c" stores
 * values[k] for the k-th word in the int at off; any other arg is the
 * value's name and the string goes to the const char * at off. */
struct cli_opt {
	const char	*name;
	const char	*arg;
	const char	*help;
	size_t		 off;
	const int	*values;
};

static const int	 format_values[] = { 0, 1 };
static const int	 color_values[] = { -1, 1, 0 };
static const int	 onoff_values[] = { PLAN_ON, PLAN_OFF };

#define AT(field)	offsetof(struct cli, field)

static const struct cli_opt options[OPT_COUNT] = {
	[OPT_ROOT] = { "root", "DIR",
	    "read the tree under DIR instead of / (like augtool -r)",
	    AT(load.root), NULL },
	[OPT_CONFIG] = { "config", "FILE",
	    "main configuration, relative to the root", AT(load.config),
	    NULL },
	[OPT_DEMO] = { "demo", NULL,
	    "work on a private copy of the bundled demo tree", AT(demo),
	    NULL },
	[OPT_FORMAT] = { "format", "text|json",
	    "output format of list and check", AT(report.json),
	    format_values },
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
	    "fix: command that checks the written configuration",
	    AT(write.configtest), NULL },
	[OPT_NO_CONFIGTEST] = { "no-configtest", NULL,
	    "fix: skip the configuration test", AT(write.no_configtest),
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
	    "rollback: restore files changed since the fix", AT(force),
	    NULL },
	[OPT_PROBE] = { "probe", NULL, "check: ask each backend directly for "
	    "its redirects (running system only)", AT(probe), NULL },
	[OPT_PATH] = { "path", "P", "probe, verify: only the ProxyPass "
	    "covering P, asked for P", AT(path), NULL },
	[OPT_HELP] = { "help", NULL, "show this help (-h)", AT(help), NULL },
	[OPT_VERSION] = { "version", NULL, "show the version", AT(version),
	    NULL },
};

/* A command.  The wizard is the entry without a name. */
struct cli_cmd {
	const char	*name;		/* NULL: no command (the wizard) */
	const char	*usage;		/* what follows the name (not
					   empty) */
	const char	*help;		/* one line */
	int		 min_args;
	int		 max_args;	/* -1: no limit */
	unsigned long	 opts;		/* CLI_OPT bits it takes, besides
					   CLI_GLOBAL */
	int		(*exec)(struct cli *, char **args, int nargs);
};

static int	cmd_wizard(struct cli *, char **, int);
static int	cmd_list(struct cli *, char **, int);
static int	cmd_check(struct cli *, char **, int);
static int	cmd_fix(struct cli *, char **, int);
static int	cmd_rollback(struct cli *, char **, int);
static int	cmd_probe(struct cli *, char **, int);
static int	cmd_verify(struct cli *, char **, int);

static const struct cli_cmd commands[] = {
	{ NULL, "[--dry-run] [choices]", "the wizard (on a terminal)", 0, 0,
	  CLI_OPT(OPT_COLOR) | CLI_OPT(OPT_ASCII) | CLI_OPT(OPT_DRY_RUN) |
	  CLI_CHOICES | CLI_WRITE, cmd_wizard },
	{ "list", "[--format F]", "the virtual hosts Apache loads", 0, 0,
	  CLI_OPT(OPT_FORMAT) | CLI_OPT(OPT_COLOR), cmd_list },
	{ "check", "[VHOST...] [--format F] [--probe]",
	  "diagnose (exit 1 when something is found)", 0, -1,
	  CLI_OPT(OPT_FORMAT) | CLI_OPT(OPT_COLOR) | CLI_OPT(OPT_PROBE),
	  cmd_check },
	{ "fix", "VHOST...|--all [--dry-run|--yes] [choices]",
	  "correct the proxy lines (a diff first)", 0, -1,
	  CLI_OPT(OPT_COLOR) | CLI_OPT(OPT_DRY_RUN) | CLI_OPT(OPT_YES) |
	  CLI_OPT(OPT_ALL) | CLI_CHOICES | CLI_WRITE, cmd_fix },
	{ "probe", "VHOST... [--path P] [--format F]",
	  "ask each backend directly, as Apache would", 1, -1,
	  CLI_OPT(OPT_PATH) | CLI_OPT(OPT_FORMAT), cmd_probe },
	{ "verify", "VHOST... [--path P] [--format F]",
	  "compare the running Apache's answers with the prediction", 1, -1,
	  CLI_OPT(OPT_PATH) | CLI_OPT(OPT_FORMAT), cmd_verify },
	{ "rollback", "[ID] [--list] [--force]",
	  "restore a backup set (default: the newest)", 0, 1,
	  CLI_OPT(OPT_LIST) | CLI_OPT(OPT_FORCE) | CLI_OPT(OPT_FORMAT) |
	  CLI_OPT(OPT_BACKUP_DIR) | CLI_OPT(OPT_CONFIGTEST) |
	  CLI_OPT(OPT_NO_CONFIGTEST), cmd_rollback },
};
#define NCOMMANDS (sizeof commands / sizeof *commands)

static void
usage_options(FILE *fp, unsigned long which)
{
	size_t	i;

	for (i = 0; i < OPT_COUNT; i++) {
		char	left[64];

		if (!(which & CLI_OPT(i)))
			continue;
		snprintf(left, sizeof left, "--%s%s%s", options[i].name,
		    options[i].arg ? " " : "", options[i].arg ?
		    options[i].arg : "");
		fprintf(fp, "  %-26s %s\n", left, options[i].help);
	}
}

/* "  NAME USAGE   help", the help on the next line when the left side is
 * too wide. */
static void
usage_command(FILE *fp, const struct cli_cmd *cmd)
{
	char	left[80];

	if (cmd->name == NULL)
		snprintf(left, sizeof left, "(none)");
	else
		snprintf(left, sizeof left, "%s %s", cmd->name, cmd->usage);
	if (strlen(left) > 26)
		fprintf(fp, "  %s\n  %-26s %s\n", left, "", cmd->help);
	else
		fprintf(fp, "  %-26s %s\n", left, cmd->help);
}

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
	    "commands:\n");
	for (i = 0; i < NCOMMANDS; i++)
		usage_command(fp, &commands[i]);
	fprintf(fp,
	    "\n"
	    "VHOST is a ServerName or ServerAlias, NAME:PORT, or FILE:LINE.\n"
	    "\n"
	    "options:\n");
	usage_options(fp, ~0UL);
	fprintf(fp,
	    "\n"
	    "exit status: 0 nothing found or nothing to change, 1 findings "
	    "or a diff,\n"
	    "2 usage or input error (nothing written), 3 Apache rejected the "
	    "change\n"
	    "(everything restored).\n");
}

/* "vhostfix COMMAND --help": its usage line and the options it takes. */
static void
usage_cmd(FILE *fp, const struct cli_cmd *cmd)
{
	fprintf(fp, "usage: vhostfix%s%s %s\n\n%s\n\noptions:\n",
	    cmd->name ? " " : "", cmd->name ? cmd->name : "", cmd->usage,
	    cmd->help);
	usage_options(fp, cmd->opts | CLI_GLOBAL);
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

/* A usage error of one command: the message, then its usage line. */
static int	cmd_usage(const struct cli_cmd *, const char *, ...)
		    __attribute__((format(printf, 2, 3)));

static int
cmd_usage(const struct cli_cmd *cmd, const char *fmt, ...)
{
	va_list	ap;

	fputs("vhostfix: ", stderr);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fprintf(stderr, "\nusage: vhostfix%s%s %s\nTry 'vhostfix%s%s "
	    "--help'.\n", cmd->name ? " " : "", cmd->name ? cmd->name : "",
	    cmd->usage, cmd->name ? " " : "", cmd->name ? cmd->name : "");
	return EXIT_USAGE;
}

/* Store an option's value where the table says. */
static int
set_option(struct cli *cl, int id, const char *value)
{
	const struct cli_opt	*o = &options[id];
	char			*at = (char *)cl + o->off;
	struct buf		 words = { 0 };
	const char		*w, *bar = NULL;
	int			 k;

	cl->given |= CLI_OPT(id);
	if (o->arg == NULL) {
		*(int *)(void *)at = 1;
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
	bad_usage("--%s takes %s, not '%s'", o->name, words.data, value);
	buf_free(&words);
	return EXIT_USAGE;
}

static int
parse_options(struct cli *cl, int argc, char **argv)
{
	struct option	lo[OPT_COUNT + 1];
	size_t		i;
	int		c;

	for (i = 0; i < OPT_COUNT; i++) {
		lo[i].name = options[i].name;
		lo[i].has_arg = options[i].arg != NULL;
		lo[i].flag = NULL;
		lo[i].val = 256 + (int)i;
	}
	memset(&lo[OPT_COUNT], 0, sizeof lo[0]);
	opterr = 0;
	while ((c = getopt_long(argc, argv, ":h", lo, NULL)) != -1) {
		if (c == 'h')
			c = 256 + OPT_HELP;
		if (c >= 256 && c < 256 + OPT_COUNT) {
			if (set_option(cl, c - 256, optarg) != 0)
				return EXIT_USAGE;
		} else if (c == ':')
			return bad_usage("option '%s' needs an argument",
			    argv[optind - 1]);
		else
			return bad_usage("unknown option '%s'",
			    argv[optind - 1]);
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

/* "did you mean": the nearest of the ServerNames and aliases, at most 3. */
static void
near_names(const struct cf_config *c, const char *typed, struct buf *out)
{
	struct vec	 names = { 0 };
	const char	*best[3];
	size_t		 i, j, n;

	for (i = 0; i < c->vhosts.n; i++) {
		const struct cf_vhost	*v = c->vhosts.v[i];

		if (v->server_name != NULL)
			vec_push(&names, v->server_name);
		for (j = 0; j < v->naliases; j++)
			vec_push(&names, v->aliases[j]);
	}
	n = str_nearest(typed, (const char *const *)names.v, names.n, best, 3);
	for (i = 0; i < n; i++) {
		char	*s = report_inert(best[i]);

		buf_printf(out, "%s%s", i ? ", " : "", s);
		free(s);
	}
	vec_free(&names);
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
	int			 rc = EXIT_CLEAN;
	size_t			 i;

	if (cl->probe && !live_is_running_root(cl->load.root))
		return cmd_usage(cl->cmd, "--probe asks the running backends: "
		    "check on the running system (--root /) only");
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
	cl->report.color = use_color(cl);
	cl->report.findings = findings;
	report_print(stdout, c, &fs, nargs > 0 ? &sel : NULL, &cl->report);
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
		return cmd_usage(cl->cmd, "fix needs VHOST... or --all");
	if (nargs > 0 && cl->all)
		return cmd_usage(cl->cmd, "fix takes VHOST... or --all, not "
		    "both");
	if (cl->dry_run && cl->yes)
		return cmd_usage(cl->cmd, "--dry-run and --yes contradict each "
		    "other");
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
		fprintf(stderr, "vhostfix: nothing to change\n");
		rc = EXIT_CLEAN;
		goto done;
	}
	if (cl->dry_run) {
		rc = EXIT_FINDINGS;
		goto done;
	}
	rc = cli_write(c, &fix.rendered, &sel, cl->yes, &cl->write);
	if (rc == EXIT_CLEAN && cl->write.reload)
		cli_verify_after_fix(&cl->load, &sel);
done:
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
	return cmd_list_check(cl, 0, args, nargs);
}

static int
cmd_check(struct cli *cl, char **args, int nargs)
{
	return cmd_list_check(cl, 1, args, nargs);
}

static int
cmd_rollback(struct cli *cl, char **args, int nargs)
{
	if (cl->list && (nargs > 0 || cl->force))
		return cmd_usage(cl->cmd, "rollback --list takes no ID and no "
		    "--force");
	if (cl->report.json && !cl->list)
		return cmd_usage(cl->cmd, "--format is for rollback --list");
	return cli_rollback(&cl->load, nargs ? args[0] : NULL, cl->list,
	    cl->force, &cl->write, cl->report.json);
}

/* cli-live.c checks --path. */
static int
cmd_probe(struct cli *cl, char **args, int nargs)
{
	return cli_probe(&cl->load, args, nargs, cl->path, cl->report.json);
}

static int
cmd_verify(struct cli *cl, char **args, int nargs)
{
	return cli_verify(&cl->load, args, nargs, cl->path, cl->report.json);
}

static const struct cli_cmd *
cmd_find(const char *name)
{
	size_t	i;

	for (i = 0; i < NCOMMANDS; i++)
		if (name == NULL ? commands[i].name == NULL :
		    commands[i].name != NULL &&
		    strcmp(commands[i].name, name) == 0)
			return &commands[i];
	return NULL;
}

/* An unknown command: the near ones, as for vhosts, else the list. */
static int
cmd_unknown(const char *typed)
{
	const char	*names[NCOMMANDS], *best[NCOMMANDS];
	struct buf	 list = { 0 };
	size_t		 i, n = 0, nbest;
	char		*inert = report_inert(typed);

	for (i = 0; i < NCOMMANDS; i++)
		if (commands[i].name != NULL)
			names[n++] = commands[i].name;
	nbest = str_nearest(typed, names, n, best, n);
	for (i = 0; i < (nbest ? nbest : n); i++)
		buf_printf(&list, "%s%s", i ? ", " : "", nbest ? best[i] :
		    names[i]);
	bad_usage("unknown command '%s' (%s%s%s)", inert, nbest ?
	    "did you mean " : "the commands are ", list.data, nbest ? "?" :
	    "");
	buf_free(&list);
	free(inert);
	return EXIT_USAGE;
}

int
cli_main(int argc, char **argv)
{
	struct cli	 cl;
	const char	*name;
	char		*err = NULL;
	size_t		 i;
	int		 rc, nargs;
	char		**args;

	setlocale(LC_ALL, "");
	memset(&cl, 0, sizeof cl);
	cl.color = -1;
	cl.write.lock_wait = -1;
	plan_opts_default(&cl.plan);
	if ((rc = parse_options(&cl, argc, argv)) != 0)
		return rc;
	if (cl.version && !cl.help) {
		printf("vhostfix %s\n", PACKAGE_VERSION);
		return EXIT_CLEAN;
	}
	name = optind < argc ? argv[optind] : NULL;
	args = argv + optind + 1;
	nargs = name ? argc - optind - 1 : 0;
	if ((cl.cmd = cmd_find(name)) == NULL)
		return cl.help ? (usage(stdout), EXIT_CLEAN) :
		    cmd_unknown(name);
	if (cl.help) {
		if (name == NULL)
			usage(stdout);
		else
			usage_cmd(stdout, cl.cmd);
		return EXIT_CLEAN;
	}
	for (i = 0; i < OPT_COUNT; i++)
		if ((cl.given & CLI_OPT(i)) &&
		    !((cl.cmd->opts | CLI_GLOBAL) & CLI_OPT(i)))
			return cmd_usage(cl.cmd, "%s does not take --%s",
			    name ? name : "the wizard", options[i].name);
	if (nargs < cl.cmd->min_args)
		return cmd_usage(cl.cmd, "%s needs more arguments", name);
	if (cl.cmd->max_args >= 0 && nargs > cl.cmd->max_args)
		return cl.cmd->max_args == 0 ? cmd_usage(cl.cmd, "%s takes no "
		    "arguments", name) : cmd_usage(cl.cmd, "%s takes at most "
		    "%d argument%s", name, cl.cmd->max_args,
		    cl.cmd->max_args == 1 ? "" : "s");
	if (cl.demo) {
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
	if ((rc = cli_reload_refused(cl.load.root, cl.write.reload,
	    cl.write.reload_cmd)) == 0)
		rc = cl.cmd->exec(&cl, args, nargs);
	if (cl.demo_dir != NULL) {
		demo_remove(cl.demo_dir);
		free(cl.demo_dir);
	}
	return rc;
}
