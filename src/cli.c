/* cli.c: commands and options. */
#include "config.h"

#include <stdio.h>
#include <string.h>

#include "cli.h"

int
cli_main(int argc, char **argv)
{
	if (argc > 1 && strcmp(argv[1], "--version") == 0) {
		printf("vhostfix %s\n", PACKAGE_VERSION);
		return EXIT_CLEAN;
	}
	fprintf(stderr, "usage: vhostfix [--root DIR] [--config FILE] [--demo] "
	    "list|check|fix ...\n");
	return EXIT_USAGE;
}
