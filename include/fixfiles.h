/* fixfiles.h: write_apply()'s input, from a loaded tree and the texts
 * render_plan() made for it.
 *
 * `fix --yes` and the wizard's write step hand the same things to the
 * write path; this is the one place that builds them. */
#ifndef VHOSTFIX_FIXFILES_H
#define VHOSTFIX_FIXFILES_H

#include <stddef.h>

#include "conf.h"
#include "util.h"
#include "write.h"

struct fixfiles {
	struct wr_tree	 tree;		/* every file as loaded */
	struct wr_file	*files;		/* one per rendered file, in its
					   order */
	size_t		 nfiles;
};

/* Fill ff from the configuration c and rendered (struct rendered *, from
 * render_plan() on c).  ff points into both, so they must outlive it;
 * fixfiles_free() frees only what ff allocated. */
void	 fixfiles_build(struct fixfiles *ff, const struct cf_config *c,
	    const struct vec *rendered);
void	 fixfiles_free(struct fixfiles *ff);

#endif
