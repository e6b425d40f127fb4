/* diff.h: unified diffs of in-memory texts. */
#ifndef VHOSTFIX_DIFF_H
#define VHOSTFIX_DIFF_H

#include <stddef.h>
#include "util.h"

/* Append a unified diff (3 lines of context) of old -> new to out, with
 * git-style headers "diff --git a/P b/P", "--- a/P", "+++ b/P", where P is
 * path without its leading '/'.  Lines are compared byte-exactly (CR kept);
 * a missing final newline is marked as diff(1) does.  Appends nothing when
 * the texts are equal.  Returns the number of hunks. */
int	 diff_unified(struct buf *out, const char *path,
	    const char *old, size_t oldlen, const char *new, size_t newlen);

#endif
