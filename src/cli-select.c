/* cli-select.c: the vhosts named on the command line, or a message with
 * the nearest names. */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>

#include "cli.h"
#include "demo.h"
#include "report.h"
#include "util.h"

/* "did you mean": the nearest of the ServerNames and aliases, at most 3. */
static void
near_names(const struct cf_config *c, const char *typed, struct buf *out)
{
	struct vec	 names = { 0 };
	const char	*best[3];
	size_t		 i, j, n;

	for (i = 0; i < c->vhosts.n; i++) {
		const struct cf_vhost	*v = c->vhosts.v[i];

		if (v->server_name != NULL)
			vec_push(&names, v->server_name);
		for (j = 0; j < v->naliases; j++)
			vec_push(&names, v->aliases[j]);
	}
	n = str_nearest(typed, (const char *const *)names.v, names.n, best, 3);
	for (i = 0; i < n; i++) {
		char	*s = report_inert(best[i]);

		buf_printf(out, "%s%s", i ? ", " : "", s);
		free(s);
	}
	vec_free(&names);
}

int
cli_select_vhosts(const struct cf_config *c, char **names, int n,
    struct vec *sel)
{
	int	i, rc = 0;

	for (i = 0; i < n; i++) {
		struct buf	near = { 0 };
		char		*inert;

		if (conf_find_vhosts(c, names[i], sel) > 0)
			continue;
		near_names(c, names[i], &near);
		inert = report_inert(names[i]);
		fprintf(stderr, "vhostfix: unknown vhost '%s' %s%s: no "
		    "ServerName, ServerAlias, NAME:PORT or FILE:LINE matches%s%s"
		    "%s\n", inert, demo_is_copy(c->root) ? "in the demo tree" :
		    "under ", demo_is_copy(c->root) ? "" : c->root,
		    near.len ? " (did you mean " : "",
		    near.len ? near.data : "", near.len ? "?)" : "; 'vhostfix "
		    "list' shows them");
		free(inert);
		buf_free(&near);
		rc = -1;
	}
	return rc;
}
