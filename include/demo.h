/* demo.h: a private copy of the bundled demo tree. */
#ifndef VHOSTFIX_DEMO_H
#define VHOSTFIX_DEMO_H

#include <signal.h>

/* Copy the demo tree into a new private directory (mode 0700) under
 * $TMPDIR or /tmp.  Returns its malloc'd path, or NULL with *err.
 * With oldmask, SIGINT, SIGTERM, SIGHUP and SIGQUIT are blocked from here
 * on (the mask before goes to *oldmask) until demo_guard() restores it; on
 * failure, right away. */
char	*demo_create(const char *self, sigset_t *oldmask, char **err);
/* Keep dir from outliving the run, whatever ends it (a signal, a closed
 * pipe, a crash): fork; the child returns 1 and does the work; the parent
 * waits (passing SIGINT, SIGTERM, SIGHUP and SIGQUIT on), removes dir and
 * returns 0 with the child's exit status or the signal that killed it.
 * Returns 1 without a child when fork fails.  Both processes set mask
 * (from demo_create()). */
int	 demo_guard(const char *dir, const sigset_t *mask, int *status,
	    int *sig);
/* Is dir a private copy demo_create() made (messages then say "the
 * demo's copy": its path means nothing once the program ends)? */
int	 demo_is_copy(const char *dir);
/* Remove a tree made by demo_create. */
void	 demo_remove(const char *dir);
/* Where the bundled data lives: next to the sources when running from the
 * build tree, else the installed data directory. */
char	*demo_source(const char *self);

#endif
