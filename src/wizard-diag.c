/* wizard-diag.c: the wizard's diagnosis, a vhost at a time.
 *
 * The rules and the live stage as check runs them (the running system's
 * backends tested, the error log's lines as evidence for the diagnosis
 * screen), in Apache's order, one context per step: a tree of 20,000
 * vhosts shows its list at once and fills it in between keys.  The
 * findings come out exactly as rules_run() then live_run() give them. */
#include "config.h"

#include <stdlib.h>
#include <time.h>

#include "live.h"
#include "wizard-int.h"

/* Note each vhost's worst severity, from the findings added since
 * index from. */
static void
wizard_note_worst(struct wizard *w, size_t from)
{
	size_t	i;

	for (i = from; i < w->findings.n; i++) {
		const struct finding	*f = w->findings.v[i];

		if (f->vhost != NULL && (int)f->sev > w->worst[f->vhost->index])
			w->worst[f->vhost->index] = (int)f->sev;
	}
}

/* The end of the diagnosis: the findings outside vhosts, the error log's
 * events no vhost claimed.  Early (quitting while it runs, a reload),
 * the vhosts not reached have no findings. */
void
wizard_byvhost_free(struct wizard *w)
{
	size_t	i;

	for (i = 0; w->byvhost != NULL && i < w->nbyvhost; i++)
		vec_free(&w->byvhost[i]);
	free(w->byvhost);
	w->byvhost = NULL;
	w->nbyvhost = 0;
}

/* Each vhost's findings, once: the diagnosis screen of a batch of
 * 20,000 vhosts asks for each of them. */
static void
wizard_byvhost_build(struct wizard *w)
{
	const struct vec	*vh = &w->config->vhosts;
	size_t			 i;

	wizard_byvhost_free(w);
	w->byvhost = xcalloc(vh->n + 1, sizeof *w->byvhost);
	w->nbyvhost = vh->n;
	for (i = 0; i < w->findings.n; i++) {
		struct finding	*f = w->findings.v[i];

		if (conf_vhost_of(w->config, f->vhost))
			vec_push(&w->byvhost[f->vhost->index], f);
	}
}

const struct vec *
wizard_vhost_findings(const struct wizard *w, const struct cf_vhost *v)
{
	static const struct vec	none;

	if (w->byvhost == NULL || v->index < 0 ||
	    (size_t)v->index >= w->nbyvhost)
		return &none;
	return &w->byvhost[v->index];
}

void
wizard_diag_end(struct wizard *w)
{
	if (!wizard_busy(w))
		return;
	rules_end(w->rsteps, &w->rest);
	live_end(w->lsteps, &w->rest, &w->findings);
	w->rsteps = NULL;
	w->lsteps = NULL;
	vec_free(&w->rest);
	vec_free_all(&w->lnotes, free);
	wizard_byvhost_build(w);
}

/* One context: vhost ndiag, or (the last) the server's own. */
static void
wizard_diag_step(struct wizard *w)
{
	const struct cf_config	*c = w->config;
	size_t			 i = w->ndiag, k, from = w->findings.n;
	struct cf_vhost		*v = i < c->vhosts.n ? c->vhosts.v[i] : NULL;
	struct vec		 mine = { 0 }, own = { 0 };

	rules_vhost(w->rsteps, i, &mine);
	/* A context's findings about no vhost go with the server's. */
	for (k = 0; k < mine.n; k++)
		vec_push(v != NULL && ((struct finding *)mine.v[k])->vhost ==
		    v ? &own : &w->rest, mine.v[k]);
	vec_free(&mine);
	live_vhost(w->lsteps, i, v != NULL ? &own : NULL, &w->findings);
	vec_free(&own);
	if (++w->ndiag > c->vhosts.n)
		wizard_diag_end(w);
	wizard_note_worst(w, from);
}

int
wizard_busy(const struct wizard *w)
{
	return w->rsteps != NULL;
}

int
wizard_vhost_checked(const struct wizard *w, const struct cf_vhost *v)
{
	return !wizard_busy(w) || (size_t)v->index < w->ndiag;
}

void
wizard_progress(const struct wizard *w, size_t *done, size_t *total)
{
	*total = w->config->vhosts.n;
	*done = w->ndiag < *total ? w->ndiag : *total;
}

int
wizard_work(struct wizard *w, long budget_ms)
{
	struct timespec	t0, t;
	size_t		n = 0;

	if (!wizard_busy(w))
		return 0;
	clock_gettime(CLOCK_MONOTONIC, &t0);
	do {
		wizard_diag_step(w);
		if (++n % 16 != 0)
			continue;
		clock_gettime(CLOCK_MONOTONIC, &t);
		if ((t.tv_sec - t0.tv_sec) * 1000 + (t.tv_nsec - t0.tv_nsec) /
		    1000000 >= budget_ms)
			break;
	} while (wizard_busy(w));
	return !wizard_busy(w);
}

void
wizard_complete(struct wizard *w)
{
	while (wizard_busy(w))
		wizard_diag_step(w);
}

/* Start the diagnosis.  The list asks for each vhost's worst severity
 * and whether it proxies on every draw, for thousands of vhosts: noted
 * once.  The live stage's notes are check's business: the wizard shows
 * findings. */
void
wizard_diag_start(struct wizard *w)
{
	size_t	i, j, n = w->config->vhosts.n;

	wizard_diag_end(w);
	vec_free_all(&w->findings, finding_free);
	free(w->worst);
	free(w->proxies);
	free(w->marked);
	free(w->inbatch);
	wizard_byvhost_free(w);
	w->inbatch = xcalloc(n + 1, 1);
	w->marked = xcalloc(n + 1, 1);
	w->nmarked = 0;
	w->worst = xmalloc((n + 1) * sizeof *w->worst);
	w->proxies = xcalloc(n + 1, 1);
	for (i = 0; i < n; i++) {
		const struct cf_vhost	*v = w->config->vhosts.v[i];

		w->worst[i] = -1;
		for (j = 0; j < v->dirs.n && !w->proxies[i]; j++) {
			const struct cf_dir	*d = v->dirs.v[j];

			w->proxies[i] = conf_is(d->node, "ProxyPass");
		}
	}
	wizard_find_partners(w);
	w->lopts.live = live_is_running_root(w->config->root);
	w->lopts.logs = 1;
	w->lopts.timeout_ms = 2000;
	w->ndiag = 0;
	w->rsteps = rules_begin(w->config);
	w->lsteps = live_begin(w->config, &w->lopts, &w->lnotes);
}
