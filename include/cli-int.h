/* cli-int.h: what cli.c and cli-help.c share.
 *
 * cli.c owns the two tables (the options, the commands), parses and
 * dispatches; cli-help.c prints from the same tables: --help, a
 * command's --help, the usage errors and the near names of an unknown
 * command or option. */
#ifndef VHOSTFIX_CLI_INT_H
#define VHOSTFIX_CLI_INT_H

#include <stddef.h>
#include <stdio.h>

enum cli_opt_id {
	OPT_ROOT, OPT_CONFIG, OPT_DEMO, OPT_FORMAT, OPT_COLOR, OPT_ASCII,
	OPT_DRY_RUN, OPT_YES, OPT_ALL, OPT_PRESERVE, OPT_XFP, OPT_HIDE,
	OPT_TOKENS, OPT_BACKUP_DIR, OPT_CONFIGTEST, OPT_NO_CONFIGTEST,
	OPT_APACHE_BIN, OPT_RELOAD, OPT_RELOAD_CMD, OPT_LIST, OPT_FORCE,
	OPT_REDO,
	OPT_HELP, OPT_VERSION, OPT_FAIL_ON, OPT_IGNORE, OPT_RULE, OPT_QUIET,
	OPT_VERBOSE, OPT_CONFIGTEST_TIMEOUT, OPT_VIA, OPT_HEADER, OPT_LOCATION,
	OPT_PROBE, OPT_PATH,
	OPT_COUNT
};
#define CLI_OPT(id)	(1UL << (id))
/* Options every command takes. */
#define CLI_GLOBAL	(CLI_OPT(OPT_ROOT) | CLI_OPT(OPT_CONFIG) | \
			 CLI_OPT(OPT_DEMO) | CLI_OPT(OPT_HELP) | \
			 CLI_OPT(OPT_VERSION))
/* A bit of struct cli_cmd's formats: a CLI_FMT_* value. */
#define CLI_FMT(f)	(1U << (f))

/* An option: a flag (arg NULL) sets the int at off to 1; "a|b|c" stores
 * values[k] for the k-th word in the int at off; any other arg is the
 * value's name and the string goes to the const char * at off, or, for a
 * repeatable option, is added to the struct vec at off. */
struct cli_opt {
	const char	*name;
	const char	*arg;
	const char	*help;
	size_t		 off;
	const int	*values;
	int		 repeat;
	char		 letter;	/* its short form, or 0 */
};

/* A command.  The wizard is the entry without a name. */
struct cli;
struct cli_cmd {
	const char	*name;		/* NULL: no command (the wizard) */
	const char	*usage;		/* after the name, not empty; its
					   first words without [ or - are
					   the arguments it needs */
	const char	*help;		/* one line */
	int		 min_args;
	int		 max_args;	/* -1: no limit */
	unsigned long	 opts;		/* CLI_OPT bits, besides CLI_GLOBAL */
	unsigned	 formats;	/* CLI_FMT bits: the --format values
					   it takes */
	int		(*exec)(struct cli *, char **args, int nargs);
};

extern const struct cli_opt	cli_options[OPT_COUNT];
extern const struct cli_cmd	cli_commands[];
extern const size_t		cli_ncommands;

/* cli-help.c.  "vhostfix --help": the commands, every option, the
 * rules, the exit statuses. */
void	 cli_help_print(FILE *);
/* "vhostfix COMMAND --help": its usage line and only what it takes. */
void	 cli_help_print_cmd(FILE *, const struct cli_cmd *);
/* The usage errors: one line on stderr, then where to look; each
 * returns EXIT_USAGE.  cmd_usage adds the command's usage line and
 * points to its --help. */
int	 cli_help_bad_usage(const char *, ...)
	    __attribute__((format(printf, 1, 2)));
int	 cli_help_cmd_usage(const struct cli_cmd *, const char *, ...)
	    __attribute__((format(printf, 2, 3)));
/* An unknown command: the near names, else the list. */
int	 cli_help_unknown_cmd(const char *typed);
/* An unknown option: the near ones among the options cmd takes (every
 * option when cmd is NULL), and cmd's --help. */
int	 cli_help_unknown_opt(const char *typed, const struct cli_cmd *cmd);
/* A --format value (CLI_FMT_*) cmd does not take: the commands that do. */
int	 cli_help_format_refused(const struct cli_cmd *cmd, int format);
/* Too few arguments: the first one missing, named by cmd's usage. */
int	 cli_help_missing_arg(const struct cli_cmd *cmd, int nargs);

#endif
