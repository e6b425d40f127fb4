/* cli-demo.c: --demo: the private copy of the demo tree, and the guard
 * process that removes it whatever ends the run. */
#include "config.h"

#include <signal.h>
#include <stdio.h>
#include <stdlib.h>

#include "cli.h"
#include "demo.h"

int
cli_demo(const char *self, char **dir, int *rc)
{
	sigset_t	 oldmask;
	char		*err = NULL;
	int		 sig;

	*dir = demo_create(self, &oldmask, &err);
	if (*dir == NULL) {
		fprintf(stderr, "vhostfix: demo: %s\n", err);
		free(err);
		*rc = EXIT_USAGE;
		return -1;
	}
	fprintf(stderr, "vhostfix: demo: working on a private copy in %s"
	    " (removed on exit)\n", *dir);
	if (demo_guard(*dir, &oldmask, rc, &sig) != 0)
		return 0;		/* the worker */
	free(*dir);
	*dir = NULL;
	if (sig != 0) {
		/* die as the worker died, for the shell */
		signal(sig, SIG_DFL);
		raise(sig);
		*rc = 128 + sig;
	}
	return 1;
}
