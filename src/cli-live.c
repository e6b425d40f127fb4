/* cli-live.c: check's live stage: which root is the running system, and
 * the notes about what was skipped (on stderr, so JSON stays clean). */
#include "config.h"

#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "live.h"
#include "report.h"

/* The live system is --root / (or no --root).  A test harness that runs a
 * real apache2 with -d ROOT/etc/apache2, whose configuration names this
 * machine's sockets and log files, declares that ROOT live with
 * VHOSTFIX_LIVE_ROOT=ROOT: only that exact directory is then treated as
 * the running system. */
int
cli_root_is_live(const char *root)
{
	const char	*decl = getenv("VHOSTFIX_LIVE_ROOT");
	char		*a, *b;
	int		 live = 0;

	if (root == NULL || *root == '\0')
		return 1;
	if ((a = realpath(root, NULL)) == NULL)
		return 0;
	if (strcmp(a, "/") == 0)
		live = 1;
	else if (decl != NULL && *decl != '\0' &&
	    (b = realpath(decl, NULL)) != NULL) {
		live = strcmp(a, b) == 0;
		free(b);
	}
	free(a);
	return live;
}

void
cli_live(const struct cf_config *c, const char *root, struct vec *findings)
{
	struct live_opts	lo;
	struct vec		notes = { 0 };
	size_t			i;

	lo.live = cli_root_is_live(root);
	lo.logs = 1;
	lo.timeout_ms = 2000;
	live_run(c, &lo, findings, &notes);
	for (i = 0; i < notes.n; i++) {
		char	*s = report_inert(notes.v[i]);

		fprintf(stderr, "vhostfix: note: %s\n", s);
		free(s);
	}
	vec_free_all(&notes, free);
}
