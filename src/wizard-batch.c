/* wizard-batch.c: the wizard's batch, without a terminal.
 *
 * The list's marks, a site's two vhosts of one name (certbot's port-80
 * vhost and its -le-ssl.conf twin, found once per tree), what the batch
 * needs asked (the Host question only for findings that depend on it,
 * the extras that apply), each vhost's Host setting and its exception,
 * and the batch's one plan; with the per-vhost answers they rest on
 * (worst severity, proxies) and what the run offers (a2enmod, reload). */
#include "config.h"

#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "proxy.h"
#include "wizard-int.h"

static int
wizard_cmp_name(const void *a, const void *b)
{
	const struct cf_vhost	*x = *(struct cf_vhost *const *)a;
	const struct cf_vhost	*y = *(struct cf_vhost *const *)b;
	int			 c = strcasecmp(x->server_name, y->server_name);

	return c != 0 ? c : x->index - y->index;
}

/* Each vhost's site partner (wizard_site_partner), once: sorted by name,
 * the vhosts of one name are neighbours (the list asks for every row on
 * every keystroke of its filter, for thousands of vhosts). */
void
wizard_find_partners(struct wizard *w)
{
	const struct vec	*vh = &w->config->vhosts;
	struct cf_vhost		**by = xcalloc(vh->n + 1, sizeof *by);
	size_t			 i, j, k, n = 0;

	free(w->partner);
	w->partner = xmalloc((vh->n + 1) * sizeof *w->partner);
	for (i = 0; i < vh->n; i++) {
		struct cf_vhost	*v = vh->v[i];

		w->partner[i] = -1;
		if (v->server_name != NULL)
			by[n++] = v;
	}
	if (n > 1)
		qsort(by, n, sizeof *by, wizard_cmp_name);
	for (i = 0; i < n; i = j) {
		for (j = i + 1; j < n && strcasecmp(by[i]->server_name,
		    by[j]->server_name) == 0; j++)
			;
		/* the first vhost of the other scheme, as Apache reads them */
		for (k = i; k < j; k++) {
			size_t	m;

			for (m = i; m < j; m++)
				if (by[m]->tls != by[k]->tls) {
					w->partner[by[k]->index] =
					    by[m]->index;
					break;
				}
		}
	}
	free(by);
}

int
wizard_in_batch(const struct wizard *w, const struct cf_vhost *v)
{
	/* by index: the batch of 20,000 vhosts asks for every finding */
	return w->inbatch != NULL && conf_vhost_of(w->config, v) &&
	    w->inbatch[v->index];
}

void
wizard_batch_clear(struct wizard *w)
{
	size_t	i;

	for (i = 0; w->inbatch != NULL && i < w->batch.n; i++) {
		const struct cf_vhost	*v = w->batch.v[i];

		if ((size_t)v->index < w->config->vhosts.n)
			w->inbatch[v->index] = 0;
	}
	w->batch.n = 0;
	strmap_free(&w->offend, NULL);
}

void
wizard_batch_add(struct wizard *w, struct cf_vhost *v)
{
	if (wizard_in_batch(w, v))
		return;
	w->inbatch[v->index] = 1;
	vec_push(&w->batch, v);
}

struct cf_vhost *
wizard_site_partner(const struct wizard *w, const struct cf_vhost *v)
{
	int	p = w->partner[v->index];

	return p < 0 ? NULL : w->config->vhosts.v[p];
}

void
wizard_mark(struct wizard *w, const struct cf_vhost *v, int on)
{
	on = on != 0;
	if (w->marked[v->index] != on) {
		w->marked[v->index] = (unsigned char)on;
		if (on)
			w->nmarked++;
		else
			w->nmarked--;
	}
}

int
wizard_is_marked(const struct wizard *w, const struct cf_vhost *v)
{
	return w->marked[v->index];
}

size_t
wizard_mark_errors(struct wizard *w)
{
	size_t	i;

	for (i = 0; i < w->config->vhosts.n; i++)
		if (w->worst[i] == SEV_ERROR)
			wizard_mark(w, w->config->vhosts.v[i], 1);
	return w->nmarked;
}

void
wizard_mark_clear(struct wizard *w)
{
	memset(w->marked, 0, w->config->vhosts.n);
	w->nmarked = 0;
}

size_t
wizard_fixable(const struct wizard *w)
{
	size_t	i, n = 0;

	for (i = 0; i < w->findings.n; i++) {
		const struct finding	*f = w->findings.v[i];

		n += f->fixable && wizard_in_batch(w, f->vhost);
	}
	return n;
}

size_t
wizard_left(const struct wizard *w, struct vec *out)
{
	size_t	i, n = 0;

	for (i = 0; i < w->findings.n; i++) {
		const struct finding	*f = w->findings.v[i];

		if (f->fixable || !wizard_in_batch(w, f->vhost))
			continue;
		n++;
		if (out != NULL)
			vec_push(out, (void *)f);
	}
	return n;
}

int
wizard_needs_host(const struct wizard *w)
{
	size_t	i;

	for (i = 0; i < w->findings.n; i++) {
		const struct finding	*f = w->findings.v[i];

		if (wizard_in_batch(w, f->vhost) &&
		    (str_startswith(f->rule->id, "reverse-") ||
		    str_startswith(f->rule->id, "preserve-host")))
			return 1;
	}
	return 0;
}

static int
wizard_batch_has(const struct wizard *w, const char *rule)
{
	size_t	i;

	for (i = 0; i < w->findings.n; i++) {
		const struct finding	*f = w->findings.v[i];

		if (wizard_in_batch(w, f->vhost) &&
		    strcmp(f->rule->id, rule) == 0)
			return 1;
	}
	return 0;
}

int
wizard_batch_tls(const struct wizard *w)
{
	size_t	i;

	for (i = 0; i < w->batch.n; i++) {
		const struct cf_vhost	*v = w->batch.v[i];

		if (v->tls && wizard_vhost_proxies(w, v))
			return 1;
	}
	return 0;
}

int
wizard_extra_applies(const struct wizard *w, enum wz_toggle which)
{
	switch (which) {
	case WZ_FORWARDED_PROTO:
		return wizard_batch_has(w, "forwarded-proto-missing");
	case WZ_HIDE_SERVER:
	case WZ_SERVER_TOKENS:
		return wizard_batch_has(w, "server-header-exposed");
	case WZ_A2ENMOD:
		return wizard_a2enmod_offered(w);
	case WZ_RELOAD:
		return wizard_reload_offered(w);
	}
	return 0;
}

void
wizard_toggle_exception(struct wizard *w, size_t i)
{
	if (i < w->batch.n)
		w->except[i] = !w->except[i];
}

/* The choices batch member i gets: the common ones, with its exception
 * to the Host answer. */
static int
wizard_current_preserve(const struct wizard *w, struct cf_vhost *v)
{
	struct px_vhost	px;
	int		on;

	px_vhost_build(w->config, v, &px);
	on = px.preserve_host ? PLAN_ON : PLAN_OFF;
	px_vhost_free(&px);
	return on;
}

void
wizard_opts_of(const struct wizard *w, size_t i, struct plan_opts *o)
{
	*o = w->choices.plan;
	if (i >= w->batch.n)
		return;
	if (o->preserve_host == PLAN_KEEP)
		o->preserve_host = wizard_current_preserve(w, w->batch.v[i]);
	if (w->except[i])
		o->preserve_host = o->preserve_host == PLAN_ON ? PLAN_OFF :
		    PLAN_ON;
}

int
wizard_preserve_of(const struct wizard *w, size_t i)
{
	struct plan_opts	o;

	wizard_opts_of(w, i, &o);
	return o.preserve_host == PLAN_ON;
}

int
wizard_preserve_mixed(const struct wizard *w)
{
	size_t	i;
	int	first = -1, cur;

	for (i = 0; i < w->batch.n; i++) {
		if (!wizard_vhost_proxies(w, w->batch.v[i]))
			continue;
		cur = wizard_current_preserve(w, w->batch.v[i]);
		if (first >= 0 && cur != first)
			return 1;
		first = cur;
	}
	return 0;
}

/* Move src's steps into dst (src is left empty).  Insertions at one
 * offset keep their order: src's come after dst's. */
static void
wizard_plan_merge(struct plan *dst, struct plan *src)
{
	unsigned	top = 0;
	size_t		i, j;

	for (i = 0; i < dst->edits.n; i++) {
		const struct edit	*e = dst->edits.v[i];

		if (e->seq >= top)
			top = e->seq + 1;
	}
	for (i = 0; i < src->edits.n; i++) {
		struct edit	*e = src->edits.v[i];

		e->seq += top;
		vec_push(&dst->edits, e);
	}
	for (i = 0; i < src->notes.n; i++)
		vec_push(&dst->notes, src->notes.v[i]);
	for (i = 0; i < src->manual.n; i++)
		vec_push(&dst->manual, src->manual.v[i]);
	for (i = 0; i < src->by_hand.n; i++)
		vec_push(&dst->by_hand, src->by_hand.v[i]);
	for (i = 0; i < src->modules.n; i++) {
		for (j = 0; j < dst->modules.n; j++)
			if (strcmp(dst->modules.v[j], src->modules.v[i]) == 0)
				break;
		if (j == dst->modules.n)
			vec_push(&dst->modules, src->modules.v[i]);
	}
	vec_free(&src->edits);
	vec_free(&src->notes);
	vec_free(&src->manual);
	vec_free(&src->by_hand);
	vec_free(&src->modules);
}

/* The batch's plan: one plan_build for all when every vhost gets the
 * same choices, else one per vhost (ServerTokens, global, once). */
void
wizard_batch_plan(struct wizard *w, struct plan *out)
{
	struct plan_opts	o;
	struct plan		p;
	size_t			i;
	int			except = 0;

	for (i = 0; i < w->batch.n; i++)
		except |= w->except[i];
	if (!except) {
		plan_build(w->config, (struct cf_vhost *const *)w->batch.v,
		    w->batch.n, &w->choices.plan, out);
		return;
	}
	memset(out, 0, sizeof *out);
	for (i = 0; i < w->batch.n; i++) {
		wizard_opts_of(w, i, &o);
		o.server_tokens_prod = PLAN_OFF;
		plan_build(w->config, (struct cf_vhost *const *)w->batch.v + i,
		    1, &o, &p);
		wizard_plan_merge(out, &p);
	}
	if (w->choices.plan.server_tokens_prod == PLAN_ON) {
		plan_build(w->config, NULL, 0, &w->choices.plan, &p);
		wizard_plan_merge(out, &p);
	}
}

int
wizard_vhost_worst(const struct wizard *w, const struct cf_vhost *v)
{
	return w->worst[v->index];
}

int
wizard_vhost_proxies(const struct wizard *w, const struct cf_vhost *v)
{
	return w->proxies[v->index];
}

int
wizard_a2enmod_offered(const struct wizard *w)
{
	return w->a2enmod != NULL && w->opts.live_root;
}

int
wizard_reload_offered(const struct wizard *w)
{
	return w->opts.live_root || w->opts.write.reload_cmd != NULL;
}
