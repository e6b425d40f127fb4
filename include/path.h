/* path.h: root-relative paths (path.c), for discovery.  conf_abs and
 * conf_resolve (conf.h) are the part every layer uses. */
#ifndef VHOSTFIX_PATH_H
#define VHOSTFIX_PATH_H

#include <sys/stat.h>

#include "conf.h"

/* conf_resolve() of rel taken relative to base, a resolved root-relative
 * directory ("/" for rel absolute).  Caller frees; NULL with errno ENOENT,
 * ELOOP, or EXDEV when ".." would leave the root. */
char	*path_resolve_from(const struct cf_config *, const char *base,
	    const char *rel);
/* The same, and when the result's own lstat() was its last step (not a
 * "." or ".." at the end, not the root), *st holds it and *have_st is 1:
 * a caller needs no second stat() (discovery of 20,000 files). */
char	*path_resolve_stat(const struct cf_config *, const char *base,
	    const char *rel, struct stat *st, int *have_st);
/* The names in a root-relative directory (not . and ..), sorted as Apache
 * sorts them (strcmp), appended to out as malloc'd strings.  0, or -1 with
 * errno (EXDEV: ".." would leave the root). */
int	 path_list_dir(const struct cf_config *, const char *rel,
	    struct vec *out);
/* dir + "/" + name, without doubling the slash.  Caller frees. */
char	*path_join(const char *dir, const char *name);
/* "/etc//apache2/./x/" -> "/etc/apache2/x", as Apache names files.
 * Caller frees. */
char	*path_tidy(const char *);

/* Set c->main_config: given (a path under the root, or already prefixed
 * with it), else the first of the usual places that exists.  0, or -1
 * with *err (caller frees) naming the places tried. */
int	 path_find_main(struct cf_config *, const char *given, char **err);

#endif
