/* conftree.h: a throw-away Apache tree for the unit tests, ROOT/etc/
 * apache2/apache2.conf under a fresh temporary ROOT, written and loaded
 * again for each case.  Setup failures print why and exit 1. */
#ifndef VHOSTFIX_TESTS_CONFTREE_H
#define VHOSTFIX_TESTS_CONFTREE_H

#include "conf.h"

/* Make ROOT (/tmp/NAME.XXXXXX) with its etc/apache2.  Returns ROOT, for
 * conftree_remove() to free. */
char	*conftree_make(const char *name);
/* Write text to path, or exit. */
void	 conftree_write_file(const char *path, const char *text);
/* Write ROOT's apache2.conf (ServerName localhost, the proxy, proxy_http
 * and headers modules, then conf) and load it.  what names the case in
 * the error.  Caller frees with conf_free(). */
struct cf_config *conftree_load(const char *root, const char *what,
	    const char *conf);
/* Remove what conftree_make() and conftree_load() made; free root. */
void	 conftree_remove(char *root);

#endif
