/* cli.h: command line: options table, commands, text and JSON output. */
#ifndef VHOSTFIX_CLI_H
#define VHOSTFIX_CLI_H

/* Exit codes (a stable interface). */
enum {
	EXIT_CLEAN = 0,		/* nothing found / nothing to change */
	EXIT_FINDINGS = 1,	/* findings reported / a diff printed */
	EXIT_USAGE = 2,		/* usage or input error; nothing written */
	EXIT_ROLLED_BACK = 3,	/* Apache rejected the change: restored */
};

int	 cli_main(int argc, char **argv);

#endif
