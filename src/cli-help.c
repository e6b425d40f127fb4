/* cli-help.c: what the command line prints about itself, all from the
 * tables of cli.c: --help, a command's --help, the usage errors, the
 * near names of an unknown command or option.  Help lines stay within
 * 80 columns: the help column wraps under itself.  A command's --help
 * shows only what it takes: its --format values, and of an option's help
 * ("fix: a; rollback: b") its own part. */
#include "config.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "cli-auto.h"
#include "cli-int.h"
#include "report.h"
#include "rules.h"
#include "util.h"

#define HELP_LEFT	26	/* width of "--name ARG" or "cmd USAGE" */
#define HELP_COL	(2 + HELP_LEFT + 1)	/* where the help starts */
#define HELP_WIDTH	80

/* "  LEFT   help", the help wrapped at word ends within HELP_WIDTH and
 * indented under itself; on the next line when LEFT is too wide. */
static void
help_line(FILE *fp, const char *left, const char *help)
{
	size_t	col = HELP_COL, n;

	if (strlen(left) > HELP_LEFT)
		fprintf(fp, "  %s\n%*s", left, HELP_COL, "");
	else
		fprintf(fp, "  %-*s ", HELP_LEFT, left);
	while (*help != '\0') {
		n = strcspn(help, " ");
		if (col > HELP_COL && col + 1 + n > HELP_WIDTH) {
			fprintf(fp, "\n%*s", HELP_COL, "");
			col = HELP_COL;
		} else if (col > HELP_COL) {
			fputc(' ', fp);
			col++;
		}
		fwrite(help, 1, n, fp);
		col += n;
		help += n;
		while (*help == ' ')
			help++;
	}
	fputc('\n', fp);
}

/* The words of --format's argument that cmd takes (all when NULL). */
static void
format_words(struct buf *b, const struct cli_cmd *cmd)
{
	const struct cli_opt	*o = &cli_options[OPT_FORMAT];
	const char		*w, *bar = NULL;
	int			 k, n = 0;

	for (w = o->arg, k = 0; w != NULL; w = bar ? bar + 1 : NULL, k++) {
		bar = strchr(w, '|');
		if (cmd == NULL || (cmd->formats & CLI_FMT(o->values[k])))
			buf_printf(b, "%s%.*s", n++ ? "|" : "",
			    bar ? (int)(bar - w) : (int)strlen(w), w);
	}
}

/* For --help: the --format values not every command taking --format
 * takes, and the commands that do: " (nagios, prometheus: check only)". */
static void
format_note(struct buf *b)
{
	const struct cli_opt	*o = &cli_options[OPT_FORMAT];
	const char		*w, *bar = NULL;
	unsigned		 every = ~0U, some = 0;
	size_t			 i, n = 0;
	int			 k;

	for (i = 0; i < cli_ncommands; i++)
		if (cli_commands[i].opts & CLI_OPT(OPT_FORMAT))
			every &= cli_commands[i].formats;
	for (w = o->arg, k = 0; w != NULL; w = bar ? bar + 1 : NULL, k++) {
		bar = strchr(w, '|');
		if (every & CLI_FMT(o->values[k]))
			continue;
		buf_printf(b, "%s%.*s", n++ ? ", " : " (", bar ?
		    (int)(bar - w) : (int)strlen(w), w);
		some |= CLI_FMT(o->values[k]);
	}
	if (n == 0)
		return;
	buf_adds(b, ":");
	for (i = 0, n = 0; i < cli_ncommands; i++)
		if ((cli_commands[i].opts & CLI_OPT(OPT_FORMAT)) &&
		    (cli_commands[i].formats & some) == some)
			buf_printf(b, "%s %s", n++ ? "," : "",
			    cli_commands[i].name);
	buf_adds(b, " only)");
}

/* Whether the label of a help part ("check, fix" before ": ") names
 * only commands; whether cmd is among them in *has. */
static int
help_label(const char *w, size_t len, const struct cli_cmd *cmd, int *has)
{
	const char	*name = cmd->name ? cmd->name : "wizard";
	size_t		 i, n;

	*has = 0;
	for (; len > 0; w += n, len -= n) {
		n = strcspn(w, ",");
		if (n > len)
			n = len;
		for (i = 0; i < cli_ncommands; i++)
			if (cli_commands[i].name != NULL &&
			    strlen(cli_commands[i].name) == n &&
			    strncmp(cli_commands[i].name, w, n) == 0)
				break;
		if (i == cli_ncommands && !(n == 6 &&
		    strncmp(w, "wizard", 6) == 0))
			return 0;
		if (strlen(name) == n && strncmp(name, w, n) == 0)
			*has = 1;
		if (n < len)
			n += strspn(w + n, ", ");
	}
	return 1;
}

/* An option's help for cmd: of its parts ("fix: a; rollback: b"), those
 * without a label or labelled with cmd, without the label. */
static void
help_for_cmd(struct buf *b, const char *help, const struct cli_cmd *cmd)
{
	const char	*p = help, *colon;
	size_t		 n, start = b->len;
	int		 has;

	for (; *p != '\0'; p += n, p += strspn(p, "; ")) {
		n = strstr(p, "; ") ? (size_t)(strstr(p, "; ") - p) :
		    strlen(p);
		colon = strstr(p, ": ");
		if (colon != NULL && colon < p + n &&
		    help_label(p, (size_t)(colon - p), cmd, &has)) {
			if (!has)
				continue;
			buf_printf(b, "%s%.*s", b->len > start ? "; " : "",
			    (int)(p + n - colon - 2), colon + 2);
		} else
			buf_printf(b, "%s%.*s", b->len > start ? "; " : "",
			    (int)n, p);
	}
	if (b->len == start)
		buf_adds(b, help);
}

/* The options of which; cmd: as that command takes them (NULL: all). */
static void
help_options(FILE *fp, unsigned long which, const struct cli_cmd *cmd)
{
	size_t	i;

	for (i = 0; i < OPT_COUNT; i++) {
		const struct cli_opt	*o = &cli_options[i];
		struct buf		 left = { 0 }, help = { 0 };

		if (!(which & CLI_OPT(i)))
			continue;
		buf_printf(&left, "--%s", o->name);
		if (cmd != NULL)
			help_for_cmd(&help, o->help, cmd);
		else
			buf_adds(&help, o->help);
		if (i == OPT_FORMAT) {
			buf_adds(&left, " ");
			format_words(&left, cmd);
			if (cmd == NULL)
				format_note(&help);
		} else if (o->arg != NULL)
			buf_printf(&left, " %s", o->arg);
		help_line(fp, left.data, help.data);
		buf_free(&left);
		buf_free(&help);
	}
}

void
cli_help_print(FILE *fp)
{
	size_t	i;

	fprintf(fp,
	    "usage: vhostfix [--root DIR] [--config FILE] [--demo] "
	    "[COMMAND] [ARGS]\n"
	    "\n"
	    "Find and fix broken Apache reverse-proxy virtual hosts.\n"
	    "\n"
	    "commands:\n");
	for (i = 0; i < cli_ncommands; i++) {
		const struct cli_cmd	*cmd = &cli_commands[i];
		char			*left;

		left = cmd->name == NULL ? xstrdup("(none)") :
		    xasprintf("%s %s", cmd->name, cmd->usage);
		help_line(fp, left, cmd->help);
		free(left);
	}
	fprintf(fp,
	    "\n"
	    "VHOST is a ServerName or ServerAlias, NAME:PORT, or FILE:LINE.\n"
	    "\n"
	    "options:\n");
	help_options(fp, ~0UL, NULL);
	/* The ids --rule and --ignore take (and the completions offer). */
	fprintf(fp, "\nrules:\n");
	for (i = 0; i < rules_count; i++)
		help_line(fp, rules_table[i]->id,
		    sev_name(rules_table[i]->sev));
	fprintf(fp,
	    "\n"
	    "exit status: 0 nothing found or nothing to change, 1 findings "
	    "at or above\n"
	    "--fail-on (check) or a diff, 2 usage or input error (nothing "
	    "written), 3 Apache\n"
	    "rejected the change (everything restored), 4 I/O error or a "
	    "command timed out\n"
	    "(everything restored), 5 interrupted by a signal (everything "
	    "restored), 6 not\n"
	    "everything could be restored (the files' states are listed; "
	    "rollback finishes).\n");
}

void
cli_help_print_cmd(FILE *fp, const struct cli_cmd *cmd)
{
	fprintf(fp, "usage: vhostfix%s%s %s\n\n%s\n\noptions:\n",
	    cmd->name ? " " : "", cmd->name ? cmd->name : "", cmd->usage,
	    cmd->help);
	help_options(fp, cmd->opts | CLI_GLOBAL, cmd);
}

static void
help_verror(const char *fmt, va_list ap)
{
	fputs("vhostfix: ", stderr);
	vfprintf(stderr, fmt, ap);
	fputc('\n', stderr);
}

/* "Try 'vhostfix [COMMAND] --help'." */
static int
help_try(const struct cli_cmd *cmd)
{
	fprintf(stderr, "Try 'vhostfix%s%s --help'.\n", cmd && cmd->name ?
	    " " : "", cmd && cmd->name ? cmd->name : "");
	return EXIT_USAGE;
}

int
cli_help_bad_usage(const char *fmt, ...)
{
	va_list	ap;

	va_start(ap, fmt);
	help_verror(fmt, ap);
	va_end(ap);
	return help_try(NULL);
}

int
cli_help_cmd_usage(const struct cli_cmd *cmd, const char *fmt, ...)
{
	va_list	ap;

	va_start(ap, fmt);
	help_verror(fmt, ap);
	va_end(ap);
	fprintf(stderr, "usage: vhostfix%s%s %s\n", cmd->name ? " " : "",
	    cmd->name ? cmd->name : "", cmd->usage);
	return help_try(cmd);
}

/* " (did you mean A, B?)" for the names near typed, each with prefix;
 * else, with list_all, " (the P are A, B, ...)". */
static void
help_near(struct buf *b, const char *typed, const char **names, size_t n,
    const char *prefix, const char *all)
{
	const char	**best = xcalloc(n ? n : 1, sizeof *best);
	size_t		  i, nbest = str_nearest(typed, names, n, best, n);

	if (nbest == 0 && all == NULL) {
		free(best);
		return;
	}
	buf_printf(b, " (%s", nbest ? "did you mean " : all);
	for (i = 0; i < (nbest ? nbest : n); i++)
		buf_printf(b, "%s%s%s", i ? ", " : "", prefix, nbest ?
		    best[i] : names[i]);
	buf_adds(b, nbest ? "?)" : ")");
	free(best);
}

int
cli_help_unknown_cmd(const char *typed)
{
	const char	**names = xcalloc(cli_ncommands, sizeof *names);
	struct buf	  near = { 0 };
	size_t		  i, n = 0;
	char		 *inert = report_inert(typed);

	for (i = 0; i < cli_ncommands; i++)
		if (cli_commands[i].name != NULL)
			names[n++] = cli_commands[i].name;
	help_near(&near, typed, names, n, "", "the commands are ");
	cli_help_bad_usage("unknown command '%s'%s", inert, near.data);
	buf_free(&near);
	free(names);
	free(inert);
	return EXIT_USAGE;
}

int
cli_help_unknown_opt(const char *typed, const struct cli_cmd *cmd)
{
	const char	*names[OPT_COUNT];
	struct buf	 near = { 0 };
	size_t		 i, n = 0, len;
	char		*inert = report_inert(typed), *name;

	/* "--name" or "--name=value": the name is what may be near. */
	if (strncmp(typed, "--", 2) == 0) {
		len = strcspn(typed + 2, "=");
		name = xstrndup(typed + 2, len);
		for (i = 0; i < OPT_COUNT; i++)
			if (cmd == NULL ||
			    ((cmd->opts | CLI_GLOBAL) & CLI_OPT(i)))
				names[n++] = cli_options[i].name;
		if (len > 0)
			help_near(&near, name, names, n, "--", NULL);
		free(name);
	}
	fprintf(stderr, "vhostfix: unknown option '%s'%s\n", inert,
	    near.data ? near.data : "");
	buf_free(&near);
	free(inert);
	return help_try(cmd);
}

int
cli_help_missing_arg(const struct cli_cmd *cmd, int nargs)
{
	const char	*w = cmd->usage;
	size_t		 n = 0;
	int		 k = 0;

	/* The nargs-th word of the usage that is an argument, not an
	 * option or something optional: "URL", "VHOST..." */
	for (;; w += n) {
		w += strspn(w, " ");
		n = strcspn(w, " ");
		if (n == 0 || *w == '[' || *w == '-')
			break;
		if (k++ == nargs)
			break;
	}
	if (n == 0 || *w == '[' || *w == '-')
		return cli_help_cmd_usage(cmd, "%s needs more arguments",
		    cmd->name);
	n = strcspn(w, " .|");
	/* Placeholders are read letter by letter ("a URL", "an ID"), and
	 * U is read "you". */
	return cli_help_cmd_usage(cmd, "%s needs %s %.*s", cmd->name,
	    strchr("AEIO", *w) ? "an" : "a", (int)n, w);
}

int
cli_help_format_refused(const struct cli_cmd *cmd, int format)
{
	const struct cli_opt	*o = &cli_options[OPT_FORMAT];
	const char		*w = o->arg;
	struct buf		 by = { 0 };
	size_t			 i;
	int			 k, rc;

	for (k = 0; o->values[k] != format; k++)
		w = strchr(w, '|') + 1;
	for (i = 0; i < cli_ncommands; i++)
		if (cli_commands[i].formats & CLI_FMT(format))
			buf_printf(&by, "%s%s", by.len ? ", " : "",
			    cli_commands[i].name);
	rc = cli_help_cmd_usage(cmd, "--format %.*s is for %s",
	    (int)strcspn(w, "|"), w, by.data);
	buf_free(&by);
	return rc;
}
