/* augcache.c: one Augeas handle for the whole fuzzing run.
 *
 * The core opens Augeas for every load and every render, and compiling the
 * Httpd lens dominates such a call (about 25 ms, most of an iteration
 * under ASan).  The fuzz targets are linked with -Wl,--wrap=aug_init and
 * -Wl,--wrap=aug_close: the first aug_init is real and kept, later ones
 * with the same arguments return it, and closing it is deferred to exit.
 * augw.c removes its nodes after every use, so a reused handle is in the
 * state a fresh one would be; the CLI itself is not built this way. */
#include "config.h"

#include <augeas.h>
#include <stdlib.h>
#include <string.h>

augeas	*__real_aug_init(const char *, const char *, unsigned int);
void	 __real_aug_close(augeas *);
augeas	*__wrap_aug_init(const char *, const char *, unsigned int);
void	 __wrap_aug_close(augeas *);

static augeas		*cached;
static char		*cached_root;
static unsigned int	 cached_flags;

static void
close_cached(void)
{
	__real_aug_close(cached);
	cached = NULL;
	free(cached_root);
	cached_root = NULL;
}

augeas *
__wrap_aug_init(const char *root, const char *loadpath, unsigned int flags)
{
	augeas	*aug;

	if (cached != NULL && loadpath == NULL && root != NULL &&
	    strcmp(root, cached_root) == 0 && flags == cached_flags)
		return cached;
	aug = __real_aug_init(root, loadpath, flags);
	if (cached == NULL && aug != NULL && loadpath == NULL &&
	    root != NULL && aug_error(aug) == AUG_NOERROR) {
		cached = aug;
		cached_root = strdup(root);
		cached_flags = flags;
		if (cached_root == NULL)
			abort();
		atexit(close_cached);
	}
	return aug;
}

void
__wrap_aug_close(augeas *aug)
{
	if (aug != NULL && aug == cached)
		return;
	__real_aug_close(aug);
}
