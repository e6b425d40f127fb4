/* explain-redirect.c: explain's door to the redirect model
 * (explain-int.h, redirect.h).  explain.c calls these two functions and
 * nothing else of the model, so it can change behind them.
 *
 * ProxyPassReverse: mod_proxy keeps the lines per directory and merges the
 * main server's, then the vhost's, then each matching <Location>'s
 * (redirect_revs() gives that order), and the first whose URL prefixes
 * the Location wins (preview_find(), preview_map()). */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "explain.h"
#include "explain-int.h"
#include "preview.h"
#include "redirect.h"

int
explain_xfp(const struct px_vhost *px, const char *path, const char *client,
    char **value)
{
	return redirect_xfp(px, path, client, NULL, value);
}

char *
explain_reverse(const struct px_vhost *px, const char *path,
    const char *location, const char *host, int port, int tls,
    const struct px_rev **line)
{
	struct vec		 revs = { 0 };
	struct preview_rev	*pr;
	const struct px_rev	**map;
	const char		*rest, *h;
	char			*hp, *out;
	size_t			 i, n = 0;
	int			 k;

	*line = NULL;
	redirect_revs(px, &revs);
	pr = xcalloc(revs.n + 1, sizeof *pr);
	map = xcalloc(revs.n + 1, sizeof *map);
	for (i = 0; i < revs.n; i++) {
		const struct rd_rev	*r = revs.v[i];

		/* A <Location>'s lines apply inside it only (the location
		 * walk's test). */
		if (r->ctx_path != NULL &&
		    !explain_location_match(r->ctx_path, path))
			continue;
		pr[n].path = r->path;
		pr[n].url = r->url;
		map[n++] = r->line;
	}
	if ((k = preview_find(location, pr, n, &rest)) >= 0)
		*line = map[k];
	/* ap_construct_url(): the Host's port, else the connection's. */
	h = host[0] == '[' && strchr(host, ']') ? strchr(host, ']') : host;
	if (strchr(h, ':') == NULL && port != 0)
		hp = xasprintf("%s:%d", host, port);
	else
		hp = xstrdup(host);
	out = preview_map(location, pr, n, tls, hp, 0);
	free(hp);
	free(pr);
	free(map);
	vec_free_all(&revs, free);
	return out;
}
