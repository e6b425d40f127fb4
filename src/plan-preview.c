/* plan-preview.c: where a visitor is sent, before and after the fix.
 *
 * The wizard shows, for the choices made so far, what each proxied path's
 * redirect does now and what it will do, both from the one redirect model
 * (redirect.h), with the planner's own decisions (plan_redirect_decide). */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "plan.h"
#include "preview.h"
#include "proxy.h"
#include "redirect.h"
#include "rules.h"

void
plan_previews(const struct cf_config *c, struct cf_vhost *v,
    const struct plan_opts *o, struct vec *out)
{
	struct px_vhost	 px, fx;
	struct vec	 changes = { 0 }, after = { 0 };
	struct rd_rev	*arr;
	const char	*added = NULL;
	char		*host;
	int		 preserve;
	size_t		 i;

	px_vhost_build(c, v, &px);
	/* The vhost as the fix leaves it: new labels, the header, the
	 * ProxyPassReverse changes (plan.c decides the same way). */
	px_vhost_build(c, v, &fx);
	px_relabel_all(&fx);
	px_fix_slashes(&fx);
	preserve = o->preserve_host == PLAN_KEEP ? px.preserve_host :
	    o->preserve_host == PLAN_ON;
	if (o->forwarded_proto == PLAN_ON && redirect_xfp_wanted(&px) &&
	    conf_has_module(c, "headers_module"))
		added = "https";
	plan_redirect_decide(&fx, preserve, &added, &changes);
	redirect_revs_changed(&fx, &changes, &after);
	arr = xcalloc(after.n + 1, sizeof *arr);
	for (i = 0; i < after.n; i++)
		arr[i] = *(struct rd_rev *)after.v[i];
	{
		struct vec	hosts = { 0 };

		redirect_hosts(&px, &hosts);
		host = xstrdup(hosts.n ? hosts.v[0] : px_host_name(v));
		vec_free_all(&hosts, free);
	}
	for (i = 0; i < px.passes.n; i++) {
		struct px_pass		*pp = px.passes.v[i];
		struct rd_opts		 ro;
		struct rd_redirect	 now, then;
		struct preview		*p;

		if (pp->server_level)
			continue;
		redirect_opts_init(&px, &ro);
		ro.host = host;
		if (redirect_predict(&px, pp, &ro, &now) != 0)
			continue;
		redirect_opts_init(&fx, &ro);
		ro.host = host;
		ro.preserve_host = preserve;
		ro.added_xfp = added;
		ro.revs = arr;
		ro.nrevs = after.n;
		redirect_predict(&fx, fx.passes.v[i], &ro, &then);
		p = xcalloc(1, sizeof *p);
		p->backend_location = xstrdup(now.backend_location);
		p->visitor_before = xstrdup(now.visitor_location);
		if (strcmp(now.backend_location, then.backend_location) != 0)
			p->backend_after = xstrdup(then.backend_location);
		p->visitor_after = xstrdup(then.visitor_location);
		vec_push(out, p);
		redirect_free(&now);
		redirect_free(&then);
	}
	free(host);
	free(arr);
	vec_free_all(&after, free);
	vec_free_all(&changes, redirect_change_free);
	px_vhost_free(&fx);
	px_vhost_free(&px);
}
