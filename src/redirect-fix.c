/* redirect-fix.c: the fix's ProxyPassReverse changes, and the redirect
 * model's verdict on them (redirect.h): a change is made only when every
 * redirect of the vhost then comes out right and none that was right goes
 * wrong. */
#include "config.h"

#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "redirect.h"

void
redirect_change_free(void *p)
{
	struct rd_change	*c = p;

	if (c == NULL)
		return;
	free(c->url);
	free(c);
}

static int
in_vec(const struct vec *v, const void *p)
{
	size_t	i;

	for (i = 0; i < v->n; i++)
		if (v->v[i] == p)
			return 1;
	return 0;
}

static struct rd_change *
change_new(struct vec *out, const struct px_pass *pp,
    const struct px_rev *line, const char *url, const struct px_rev *after)
{
	struct rd_change	*c = xcalloc(1, sizeof *c);

	c->pass = pp;
	c->line = line;
	c->url = url ? xstrdup(url) : NULL;
	c->after = after;
	vec_push(out, c);
	return c;
}

void
redirect_changes(const struct px_vhost *px, const struct px_pass *pp,
    int preserve, int xfp_https, struct vec *touched, struct vec *out)
{
	struct vec		 req = { 0 }, cur = { 0 };
	const struct px_rev	*last = NULL;
	char			*done;
	size_t			 i, j;

	if (pp->url.scheme != PX_HTTP || pp->url.bad_syntax)
		return;
	px_required_revs(px, pp, preserve, xfp_https, &req);
	if (req.n == 0) {
		vec_free(&req);
		return;
	}
	px_revs_for(px, pp, &cur);
	done = xcalloc(req.n, 1);
	for (i = 0; i < cur.n; i++) {
		const struct px_rev	*r = cur.v[i];

		for (j = 0; j < req.n; j++)
			if (!done[j] && px_url_eq(r->url, req.v[j])) {
				done[j] = 1;
				cur.v[i] = NULL;
				last = r;
				break;
			}
	}
	for (i = 0; i < cur.n; i++) {
		const struct px_rev	*r = cur.v[i];

		if (r == NULL || in_vec(touched, r))
			continue;
		vec_push(touched, (void *)r);
		for (j = 0; j < req.n && done[j]; j++)
			;
		if (j < req.n) {
			change_new(out, pp, r, req.v[j], NULL);
			done[j] = 1;
			last = r;
		} else
			change_new(out, pp, r, NULL, NULL);
	}
	for (j = 0; j < req.n; j++)
		if (!done[j])
			change_new(out, pp, NULL, req.v[j], last != NULL &&
			    last->dir->node->file == pp->dir->node->file ?
			    last : NULL);
	free(done);
	vec_free(&cur);
	vec_free_all(&req, free);
}

/* A vhost line for a path no ProxyPass of its context proxies, whose URL
 * starts the URL a pass's backend redirects with: it catches that pass's
 * redirects first and glues its own path in front ("/signup" + "next").
 * It goes, unless a RewriteRule may proxy that path ([P]). */
static void
stray_changes(const struct px_vhost *px, int preserve, int xfp_https,
    struct vec *touched, struct vec *out)
{
	size_t	i, j, k;

	if (px->rewrite_proxies)
		return;
	for (i = 0; i < px->revs.n; i++) {
		const struct px_rev	*r = px->revs.v[i];
		int			 owned = 0, catches = 0;

		if (r->server_level || in_vec(touched, r))
			continue;
		for (j = 0; j < px->passes.n; j++) {
			const struct px_pass	*pp = px->passes.v[j];
			struct vec		 req = { 0 };

			if (pp->server_level)
				continue;
			if ((pp->ctx_path == NULL) == (r->ctx_path == NULL) &&
			    (pp->ctx_path == NULL ||
			    strcmp(pp->ctx_path, r->ctx_path) == 0) &&
			    px_url_eq(pp->path, r->path))
				owned = 1;
			px_required_revs(px, pp, preserve, xfp_https, &req);
			if (!preserve)
				vec_push(&req, xstrdup(pp->url.backend));
			for (k = 0; k < req.n; k++)
				if (strncasecmp(req.v[k], r->url,
				    strlen(r->url)) == 0)
					catches = 1;
			vec_free_all(&req, free);
		}
		if (owned || !catches)
			continue;
		vec_push(touched, (void *)r);
		change_new(out, NULL, r, NULL, NULL);
	}
}

void
redirect_all_changes(const struct px_vhost *px, int preserve, int xfp_https,
    struct vec *out)
{
	struct vec	touched = { 0 };
	size_t		i;

	for (i = 0; i < px->passes.n; i++) {
		const struct px_pass	*pp = px->passes.v[i];

		if (pp->server_level || px_pass_dead(px, i))
			continue;
		redirect_changes(px, pp, preserve, xfp_https, &touched, out);
	}
	stray_changes(px, preserve, xfp_https, &touched, out);
	vec_free(&touched);
}

/* Is node a before node b in Apache's reading order? */
static int
node_before(const struct cf_config *c, const struct cf_node *a,
    const struct cf_node *b)
{
	size_t	i;

	if (a->file == b->file)
		return a->line_start < b->line_start;
	for (i = 0; i < c->files.n; i++) {
		if (c->files.v[i] == a->file)
			return 1;
		if (c->files.v[i] == b->file)
			return 0;
	}
	return 0;
}

void
redirect_revs_changed(const struct px_vhost *px, const struct vec *changes,
    struct vec *out)
{
	struct vec	cur = { 0 };
	size_t		i, j;

	redirect_revs(px, &cur);
	for (i = 0; i < cur.n; i++) {
		struct rd_rev	*r = cur.v[i];
		int		 removed = 0;

		for (j = 0; j < changes->n; j++) {
			const struct rd_change	*c = changes->v[j];

			if (c->line == NULL || c->line != r->line)
				continue;
			if (c->url == NULL)
				removed = 1;
			else
				r->url = c->url;
		}
		if (removed) {
			free(r);
			continue;
		}
		vec_push(out, r);
		/* Lines added after this one. */
		for (j = 0; j < changes->n; j++) {
			const struct rd_change	*c = changes->v[j];
			struct rd_rev		*a;

			if (c->line != NULL || c->after != r->line)
				continue;
			a = xcalloc(1, sizeof *a);
			a->path = c->pass->path;
			a->url = c->url;
			a->ctx_path = c->pass->ctx_path;
			vec_push(out, a);
		}
	}
	/* Lines added after their ProxyPass: among the lines of the same
	 * group, after those above the ProxyPass. */
	for (j = 0; j < changes->n; j++) {
		const struct rd_change	*c = changes->v[j];
		struct rd_rev		*a;
		size_t			 at = 0;

		if (c->line != NULL || c->after != NULL)
			continue;
		a = xcalloc(1, sizeof *a);
		a->path = c->pass->path;
		a->url = c->url;
		a->ctx_path = c->pass->ctx_path;
		for (i = 0; i < out->n; i++) {
			const struct rd_rev	*r = out->v[i];
			int			 g = r->server_level ? 0 :
			    r->ctx_path == NULL ? 1 : 2;
			int			 mine = a->ctx_path == NULL ?
			    1 : 2;

			if (g < mine || (g == mine && (r->line == NULL ||
			    node_before(px->config, r->line->dir->node,
			    c->pass->dir->node))))
				at = i + 1;
		}
		vec_push(out, NULL);
		memmove(&out->v[at + 1], &out->v[at],
		    (out->n - 1 - at) * sizeof *out->v);
		out->v[at] = a;
	}
	vec_free(&cur);
}

void
redirect_judge(const struct px_vhost *px, int preserve, const char *added_xfp,
    const struct vec *changes, struct rd_verdict *out)
{
	struct vec	 hosts = { 0 }, after = { 0 };
	struct rd_rev	*arr;
	size_t		 i, h;

	memset(out, 0, sizeof *out);
	out->now_ok = out->now_known = out->after_ok = 1;
	redirect_hosts(px, &hosts);
	if (hosts.n == 0) {
		if (px->preserve_host || preserve)
			out->now_known = 0;
		vec_push(&hosts, xstrdup("yourdomain.example"));
	}
	redirect_revs_changed(px, changes, &after);
	arr = xcalloc(after.n + 1, sizeof *arr);
	for (i = 0; i < after.n; i++)
		arr[i] = *(struct rd_rev *)after.v[i];
	for (i = 0; i < px->passes.n; i++) {
		const struct px_pass	*pp = px->passes.v[i];

		if (pp->server_level || px_pass_dead(px, i) ||
		    !redirect_applies(pp))
			continue;
		for (h = 0; h < hosts.n; h++) {
			struct rd_opts		o;
			struct rd_redirect	now, then;

			redirect_opts_init(px, &o);
			o.host = hosts.v[h];
			redirect_predict(px, pp, &o, &now);
			o.preserve_host = preserve;
			o.added_xfp = added_xfp;
			o.revs = arr;
			o.nrevs = after.n;
			redirect_predict(px, pp, &o, &then);
			if (now.harm == RD_UNKNOWN)
				out->now_known = 0;
			if (now.harm != RD_OK)
				out->now_ok = 0;
			if (then.harm != RD_OK)
				out->after_ok = 0;
			if (now.harm == RD_OK && then.harm != RD_OK)
				out->worse = 1;
			redirect_free(&now);
			redirect_free(&then);
		}
	}
	free(arr);
	vec_free_all(&after, free);
	vec_free_all(&hosts, free);
}

int
redirect_fix_decide(const struct px_vhost *px, int preserve,
    const char *added_xfp, struct vec *changes)
{
	struct rd_verdict	with, without;
	struct vec		none = { 0 };

	redirect_all_changes(px, preserve, px->xfp_https || (added_xfp &&
	    strcmp(added_xfp, "https") == 0), changes);
	if (changes->n == 0)
		return 0;
	redirect_judge(px, preserve, added_xfp, changes, &with);
	redirect_judge(px, preserve, added_xfp, &none, &without);
	if (with.after_ok && !with.worse && !without.after_ok)
		return 1;
	vec_free_all(changes, redirect_change_free);
	memset(changes, 0, sizeof *changes);
	return 0;
}
