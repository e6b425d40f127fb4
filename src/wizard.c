/* wizard.c: the wizard's walk, without a terminal.
 *
 * Every decision of the wizard lives here, in the core, so the screens
 * only draw and the unit tests walk the same code with no terminal: the
 * tree and its findings, the chosen vhost's proxying (from proxy.c, as the
 * rules and the planner see it), the choices, plan -> render -> diff (the
 * sequence `fix` runs too), the write transaction.  The batch (marks,
 * site pairs, its plan) is in wizard-batch.c, what follows a write (undo,
 * reload and verify, the session's record) in wizard-done.c. */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "diff.h"
#include "fixfiles.h"
#include "proxy.h"
#include "verify.h"
#include "wizard-int.h"
#include "write-int.h"

/* ---- one fix ---------------------------------------------------------- */

/* Render and diff fix->plan. */
static int
wizard_fix_render(const struct cf_config *c, struct wz_fix *fix)
{
	size_t	i;

	if (render_plan(c, &fix->plan, &fix->rendered, &fix->err) != 0) {
		vec_free_all(&fix->rendered, rendered_free);
		if (fix->err == NULL)
			fix->err = xstrdup("unknown error");
		return -1;
	}
	for (i = 0; i < fix->rendered.n; i++) {
		const struct rendered	*r = fix->rendered.v[i];

		diff_unified(&fix->diff, r->file->real, r->file->text,
		    r->file->len, r->text, r->len);
	}
	return 0;
}

int
wizard_fix_build(const struct cf_config *c, struct cf_vhost *const *vhosts,
    size_t n, const struct plan_opts *o, struct wz_fix *fix)
{
	memset(fix, 0, sizeof *fix);
	plan_build(c, vhosts, n, o, &fix->plan);
	return wizard_fix_render(c, fix);
}

void
wizard_fix_free(struct wz_fix *fix)
{
	plan_free(&fix->plan);
	vec_free_all(&fix->rendered, rendered_free);
	buf_free(&fix->diff);
	free(fix->err);
	memset(fix, 0, sizeof *fix);
}

/* Does an edit of the plan fall inside v's section? */
static int
wizard_fix_touches(const struct wz_fix *fix, const struct cf_vhost *v)
{
	size_t	i;

	for (i = 0; i < fix->plan.edits.n; i++) {
		const struct edit	*e = fix->plan.edits.v[i];

		if (e->file == v->node->file &&
		    e->start >= v->node->line_start && e->start <= v->node->end)
			return 1;
	}
	return 0;
}

enum wr_status
wizard_fix_write(const struct cf_config *c, const struct wz_fix *fix,
    const struct wr_opts *o, struct cf_vhost *const *vhosts, size_t n,
    struct wr_result *res)
{
	struct wr_opts	 wo = *o;
	struct fixfiles	 ff;
	const char	**names = xcalloc(n + 1, sizeof *names);
	size_t		 i, k = 0;

	/* The manifest names the vhosts whose lines change (fix --all
	 * asks for every vhost; few change), else all asked for (a change
	 * to the server config only). */
	for (i = 0; i < n; i++)
		if (wizard_fix_touches(fix, vhosts[i]))
			names[k++] = conf_vhost_name(vhosts[i]);
	for (i = 0; k == 0 && i < n; i++)
		names[i] = conf_vhost_name(vhosts[i]);
	/* The tree as loaded now (it may have been reloaded since). */
	fixfiles_build(&ff, c, &fix->rendered);
	wo.root = c->root;
	wo.vhosts = names;
	wo.nvhosts = k > 0 ? k : n;
	memset(res, 0, sizeof *res);
	write_apply(&wo, &ff.tree, ff.files, ff.nfiles, res);
	fixfiles_free(&ff);
	free(names);
	return res->status;
}

/* ---- the tree --------------------------------------------------------- */

void
wizard_init(struct wizard *w, const struct wz_opts *o,
    struct cf_config *config)
{
	memset(w, 0, sizeof *w);
	w->opts = *o;
	w->config = config;
	w->vhost_index = -1;
	wizard_diag_start(w);
	if (config->vhosts.n <= WZ_SYNC_VHOSTS)
		wizard_complete(w);
}

static void
wizard_written_free(void *p)
{
	struct wz_written	*wr = p;

	free(wr->backup_id);
	free(wr->undo);
	free(wr->undo_error);
	free(wr->patch);
	vec_free_all(&wr->files, free);
	vec_free_all(&wr->left, free);
	free(wr);
}

static void
wizard_proxy_free(struct wz_proxy *p)
{
	free(p->path);
	free(p->backend);
	memset(p, 0, sizeof *p);
}

static void
wizard_result_free(struct wizard *w)
{
	if (w->have_res)
		wr_result_free(&w->res);
	memset(&w->res, 0, sizeof w->res);
	w->have_res = 0;
	free(w->a2enmod_out);
	w->a2enmod_out = NULL;
	free(w->patch_path);
	w->patch_path = NULL;
	if (w->have_undo)
		wr_result_free(&w->undo);
	memset(&w->undo, 0, sizeof w->undo);
	w->have_undo = 0;
	vec_free_all(&w->checks, vf_check_free);
	free(w->reload_out);
	w->reload_out = NULL;
	w->reload_rc = 0;
}

void
wizard_free(struct wizard *w)
{
	wizard_diag_end(w);
	wizard_drop(w);
	wizard_result_free(w);
	wizard_proxy_free(&w->proxy);
	free(w->a2enmod);
	vec_free_all(&w->findings, finding_free);
	free(w->worst);
	free(w->proxies);
	free(w->partner);
	free(w->marked);
	free(w->inbatch);
	strmap_free(&w->offend, NULL);
	wizard_byvhost_free(w);
	vec_free(&w->batch);
	free(w->except);
	vec_free_all(&w->session.writes, wizard_written_free);
	conf_free(w->config);
	memset(w, 0, sizeof *w);
}

int
wizard_reload(struct wizard *w, char **err)
{
	struct cf_config	*nc = NULL;

	wizard_complete(w);
	wizard_drop(w);
	if (conf_load(&w->opts.load, &nc, err) != 0) {
		if (*err == NULL)
			*err = xstrdup("unknown error");
		return -1;
	}
	w->vhost = NULL;
	wizard_batch_clear(w);
	wizard_proxy_free(&w->proxy);
	conf_free(w->config);
	w->config = nc;
	wizard_diag_start(w);
	wizard_complete(w);
	return 0;
}

/* "%p" of a node: the key of w->offend. */
static void
wizard_node_key(const struct cf_node *n, char key[32])
{
	snprintf(key, 32, "%p", (const void *)n);
}

int
wizard_node_offends(const struct wizard *w, const struct cf_node *n)
{
	char	key[32];

	wizard_node_key(n, key);
	return strmap_get(&w->offend, key) != NULL;
}

/* The nodes the batch's non-info findings point at, once per batch. */
static void
wizard_note_offends(struct wizard *w)
{
	size_t	i;
	char	key[32];

	strmap_free(&w->offend, NULL);
	for (i = 0; i < w->findings.n; i++) {
		const struct finding	*f = w->findings.v[i];

		if (f->node == NULL || f->sev == SEV_INFO ||
		    !wizard_in_batch(w, f->vhost))
			continue;
		wizard_node_key(f->node, key);
		*strmap_at(&w->offend, key) = (void *)f->node;
	}
}

/* ---- the choices ------------------------------------------------------ */

/* The first ProxyPass of the vhost itself to a backend, as proxy.c reads
 * it (the part after "unix:...|" is what the backend is reached at). */
static void
wizard_proxy_build(struct wizard *w, struct cf_vhost *v)
{
	struct wz_proxy	*p = &w->proxy;
	struct px_vhost	 px;
	const char	*path;
	size_t		 i;

	wizard_proxy_free(p);
	px_vhost_build(w->config, v, &px);
	p->preserve_host = px.preserve_host ? PLAN_ON : PLAN_OFF;
	for (i = 0; i < px.passes.n; i++) {
		const struct px_pass	*pp = px.passes.v[i];

		if (pp->server_level || pp->url.scheme == PX_NONE)
			continue;
		p->have = 1;
		p->path = xstrdup(pp->path);
		/* "unix:/x" without "|" has no backend URL: show it whole */
		p->backend = xstrdup(*pp->url.backend != '\0' ?
		    pp->url.backend : pp->dir->args[pp->ctx_path ? 0 : 1]);
		break;
	}
	if (p->path == NULL)
		p->path = xstrdup("/");
	path = p->backend != NULL && strstr(p->backend, "://") != NULL ?
	    px_url_path(p->backend) : "";
	p->backend_path = *path != '\0' ? path : "/";
	px_vhost_free(&px);
}

static int
wizard_cmp_index(const void *a, const void *b)
{
	const struct cf_vhost	*x = *(struct cf_vhost *const *)a;
	const struct cf_vhost	*y = *(struct cf_vhost *const *)b;

	return x->index - y->index;
}

static void
wizard_start(struct wizard *w, struct cf_vhost *const *vs, size_t n,
    int pair)
{
	struct cf_vhost	*v;
	size_t		 i;

	wizard_drop(w);
	wizard_result_free(w);
	wizard_batch_clear(w);
	for (i = 0; i < n; i++) {
		struct cf_vhost	*p = pair ? wizard_site_partner(w, vs[i]) :
				    NULL;

		wizard_batch_add(w, vs[i]);
		if (p != NULL)
			wizard_batch_add(w, p);
	}
	if (w->batch.n > 1)
		qsort(w->batch.v, w->batch.n, sizeof w->batch.v[0],
		    wizard_cmp_index);
	wizard_note_offends(w);
	free(w->except);
	w->except = xcalloc(w->batch.n + 1, 1);
	/* The Host answer is explained with the first vhost that proxies
	 * (a port-80 vhost that only redirects to https does not). */
	v = w->batch.v[0];
	for (i = 0; i < w->batch.n; i++)
		if (wizard_vhost_proxies(w, w->batch.v[i])) {
			v = w->batch.v[i];
			break;
		}
	w->vhost = w->batch.v[0];
	w->vhost_index = vs[0]->index;
	wizard_proxy_build(w, v);
	w->choices.plan = w->opts.plan;
	/* Unless the command line chose: as the vhost has it, and for a
	 * batch whose vhosts differ, as each has it. */
	if (w->choices.plan.preserve_host != PLAN_ON &&
	    w->choices.plan.preserve_host != PLAN_OFF)
		w->choices.plan.preserve_host = wizard_preserve_mixed(w) ?
		    PLAN_KEEP : w->proxy.preserve_host;
	w->choices.run_a2enmod = 0;
	w->choices.reload = w->opts.write.reload;
}

void
wizard_choose(struct wizard *w, struct cf_vhost *v)
{
	wizard_start(w, &v, 1, 0);
}

void
wizard_choose_batch(struct wizard *w, struct cf_vhost *const *v, size_t n)
{
	wizard_start(w, v, n, 1);
}

void
wizard_set_preserve(struct wizard *w, int on)
{
	w->choices.plan.preserve_host = on < 0 ? PLAN_KEEP : on ? PLAN_ON :
	    PLAN_OFF;
}

static void
wizard_flip(int *v)
{
	*v = *v == PLAN_ON ? PLAN_OFF : PLAN_ON;
}

int
wizard_toggle(struct wizard *w, enum wz_toggle which)
{
	struct plan_opts	*p = &w->choices.plan;

	switch (which) {
	case WZ_FORWARDED_PROTO:
		if (w->vhost == NULL || !wizard_batch_tls(w))
			return -1;
		wizard_flip(&p->forwarded_proto);
		return 0;
	case WZ_HIDE_SERVER:
		wizard_flip(&p->hide_server);
		return 0;
	case WZ_SERVER_TOKENS:
		wizard_flip(&p->server_tokens_prod);
		return 0;
	case WZ_A2ENMOD:
		if (!wizard_a2enmod_offered(w))
			return -1;
		w->choices.run_a2enmod = !w->choices.run_a2enmod;
		return 0;
	case WZ_RELOAD:
		if (!wizard_reload_offered(w))
			return -1;
		w->choices.reload = !w->choices.reload;
		return 0;
	}
	return -1;
}

int
wizard_is_on(const struct wizard *w, enum wz_toggle which)
{
	const struct plan_opts	*p = &w->choices.plan;

	switch (which) {
	case WZ_FORWARDED_PROTO:
		return w->vhost != NULL && wizard_batch_tls(w) &&
		    p->forwarded_proto == PLAN_ON;
	case WZ_HIDE_SERVER:
		return p->hide_server == PLAN_ON;
	case WZ_SERVER_TOKENS:
		return p->server_tokens_prod == PLAN_ON;
	case WZ_A2ENMOD:
		return w->choices.run_a2enmod;
	case WZ_RELOAD:
		return w->choices.reload;
	}
	return 0;
}

/* ---- plan, diff ------------------------------------------------------- */

/* "a2enmod m1 m2": the plan's modules, on a layout that has a2enmod. */
static void
wizard_note_a2enmod(struct wizard *w)
{
	struct buf	b = { 0 };
	size_t		i;

	free(w->a2enmod);
	w->a2enmod = NULL;
	if (!w->config->debian || w->fix.plan.modules.n == 0)
		return;
	buf_adds(&b, "a2enmod");
	for (i = 0; i < w->fix.plan.modules.n; i++)
		buf_printf(&b, " %s", (const char *)w->fix.plan.modules.v[i]);
	w->a2enmod = buf_steal(&b);
}

void
wizard_drop(struct wizard *w)
{
	if (w->have_plan)
		wizard_fix_free(&w->fix);
	memset(&w->fix, 0, sizeof w->fix);
	w->have_plan = 0;
	w->have_fix = 0;
	w->pending = 0;
}

void
wizard_plan(struct wizard *w)
{
	wizard_drop(w);
	wizard_batch_plan(w, &w->fix.plan);
	w->have_plan = 1;
	wizard_note_a2enmod(w);
}

int
wizard_prepare(struct wizard *w)
{
	int	rc;

	/* a new fix: the result of the last one is history */
	wizard_drop(w);
	wizard_result_free(w);
	memset(&w->fix, 0, sizeof w->fix);
	wizard_batch_plan(w, &w->fix.plan);
	rc = wizard_fix_render(w->config, &w->fix);
	w->have_plan = 1;
	w->have_fix = rc == 0;
	w->pending = rc == 0 && w->fix.diff.len > 0;
	wizard_note_a2enmod(w);
	return rc;
}

void
wizard_previews(const struct wizard *w, struct vec *out)
{
	plan_previews(w->config, w->vhost, &w->choices.plan, out);
}

void
wizard_previews_of(const struct wizard *w, size_t i, struct vec *out)
{
	struct plan_opts	o;

	if (i >= w->batch.n)
		return;
	wizard_opts_of(w, i, &o);
	plan_previews(w->config, w->batch.v[i], &o, out);
}

/* ---- write ------------------------------------------------------------ */

/* The plan's a2enmod, run directly (its words are module names from the
 * planner, never text from the configuration), output captured. */
static void
wizard_run_a2enmod(struct wizard *w)
{
	struct buf	 out = { 0 };
	struct vec	 argv = { 0 };
	char		*err = NULL;
	size_t		 i;
	int		 rc;

	vec_push(&argv, (void *)"a2enmod");
	for (i = 0; i < w->fix.plan.modules.n; i++)
		vec_push(&argv, w->fix.plan.modules.v[i]);
	vec_push(&argv, NULL);
	rc = write_run(&w->opts.write, (char *const *)argv.v, &out, &err);
	if (rc < 0)
		buf_printf(&out, "could not run a2enmod: %s",
		    err != NULL ? err : "unknown error");
	else if (rc != 0)
		buf_printf(&out, "(a2enmod failed: exit %d)", rc);
	free(err);
	vec_free(&argv);
	w->a2enmod_out = buf_steal(&out);
}

/* A write went through: its files, its backup set and what is left to a
 * human, for the summary on exit. */
static void
wizard_session_note(struct wizard *w)
{
	struct wz_written	*wr = xcalloc(1, sizeof *wr);
	struct vec		 left = { 0 };
	size_t			 i;

	for (i = 0; i < w->fix.rendered.n; i++) {
		const struct rendered	*r = w->fix.rendered.v[i];

		vec_push(&wr->files, xstrdup(r->file->real));
	}
	if (w->res.backup_id != NULL) {
		wr->backup_id = xstrdup(w->res.backup_id);
		/* The demo's copy, and its sets, are gone at exit. */
		wr->undo = w->opts.demo ? NULL : wizard_undo_command(w);
	}
	wizard_left(w, &left);
	for (i = 0; i < left.n; i++) {
		const struct finding	*f = left.v[i];

		vec_push(&wr->left, xasprintf("%s: %s (%s:%u)%s%s",
		    conf_vhost_name(f->vhost), f->rule->id,
		    f->path != NULL ? f->path : "", f->line,
		    f->suggest.n > 0 ? ": " : "",
		    f->suggest.n > 0 ? (const char *)f->suggest.v[0] : ""));
	}
	vec_free(&left);
	vec_push(&w->session.writes, wr);
}

enum wr_status
wizard_write(struct wizard *w)
{
	struct wr_opts	 wo = w->opts.write;

	wizard_result_free(w);
	if (w->opts.dry_run || !w->have_fix || w->fix.rendered.n == 0) {
		w->res.status = WR_REFUSED;
		w->res.error = xstrdup(w->opts.dry_run ? "a dry run writes "
		    "nothing" : "nothing is prepared to write");
		w->have_res = 1;
		return w->res.status;
	}
	wo.reload = w->choices.reload;
	wizard_fix_write(w->config, &w->fix, &wo,
	    (struct cf_vhost *const *)w->batch.v, w->batch.n, &w->res);
	w->have_res = 1;
	w->pending = 0;
	if (w->res.status == WR_OK && w->choices.run_a2enmod &&
	    w->a2enmod != NULL)
		wizard_run_a2enmod(w);
	if (w->res.status == WR_OK)
		wizard_session_note(w);
	return w->res.status;
}

int
wizard_save_patch(struct wizard *w, const char *path, int overwrite)
{
	const struct buf	*d = &w->fix.diff;
	size_t			 off = 0;
	ssize_t			 n;
	int			 fd, saved;

	fd = open(path, O_WRONLY | O_CREAT | O_CLOEXEC | O_NOCTTY |
	    (overwrite ? O_TRUNC : O_EXCL), 0644);
	if (fd < 0)
		return -1;
	while (off < d->len) {
		n = write(fd, d->data + off, d->len - off);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0) {
			saved = n < 0 ? errno : EIO;
			close(fd);
			errno = saved;
			return -1;
		}
		off += (size_t)n;
	}
	if (close(fd) != 0)
		return -1;
	free(w->patch_path);
	w->patch_path = xstrdup(path);
	w->pending = 0;
	/* for the summary on exit: where it is, what it changes (saved
	 * over, the same file once) */
	{
		struct wz_written	*wr = NULL;
		size_t			 i;

		for (i = 0; i < w->session.writes.n && wr == NULL; i++) {
			struct wz_written	*o = w->session.writes.v[i];

			if (o->patch != NULL && strcmp(o->patch, path) == 0) {
				wr = o;
				vec_free_all(&wr->files, free);
			}
		}
		if (wr == NULL) {
			wr = xcalloc(1, sizeof *wr);
			wr->patch = xstrdup(path);
			vec_push(&w->session.writes, wr);
		}
		for (i = 0; i < w->fix.rendered.n; i++)
			vec_push(&wr->files, xstrdup(((const struct rendered *)
			    w->fix.rendered.v[i])->file->real));
	}
	return 0;
}

static void	wizard_shell_word(struct buf *, const char *);

char *
wizard_patch_command(const struct wizard *w, const char *file)
{
	struct buf	b = { 0 };

	buf_adds(&b, "patch -p1 -d ");
	if (w->opts.demo)
		buf_adds(&b, "DIR");
	else
		wizard_shell_word(&b, w->config->root);
	buf_adds(&b, " < ");
	if (file != NULL)
		wizard_shell_word(&b, file);
	else
		buf_adds(&b, "FILE");
	if (w->opts.demo)
		buf_adds(&b, "    (DIR: a copy of the demo tree; this one is "
		    "gone at exit)");
	return buf_steal(&b);
}

char *
wizard_patch_name(const struct wizard *w)
{
	const char	*name = w->batch.n > 1 ? "batch" :
			    conf_vhost_name(w->vhost);
	struct buf	 b = { 0 };

	buf_adds(&b, "./vhostfix-");
	for (; *name != '\0'; name++) {
		char	c = *name;

		if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
		    (c >= '0' && c <= '9') || c == '.' || c == '-' ||
		    c == '_')
			buf_addc(&b, c);
		else
			buf_addc(&b, '_');
	}
	buf_adds(&b, ".patch");
	return buf_steal(&b);
}

/* A word for a shell command line: quoted only when it needs it. */
static void
wizard_shell_word(struct buf *b, const char *s)
{
	const char	*p;

	for (p = s; *p != '\0'; p++)
		if (!((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') ||
		    (*p >= '0' && *p <= '9') || strchr("/._-+:=@", *p)))
			break;
	if (*s != '\0' && *p == '\0') {
		buf_adds(b, s);
		return;
	}
	buf_addc(b, '\'');
	for (p = s; *p != '\0'; p++) {
		if (*p == '\'')
			buf_adds(b, "'\\''");
		else
			buf_addc(b, *p);
	}
	buf_addc(b, '\'');
}

char *
wizard_undo_command(const struct wizard *w)
{
	struct buf	b = { 0 };

	if (!w->have_res || w->res.backup_id == NULL)
		return NULL;
	/* It must work as printed: the same root and backup directory as
	 * this run. */
	buf_adds(&b, "vhostfix");
	if (strcmp(w->config->root, "/") != 0) {
		buf_adds(&b, " --root ");
		wizard_shell_word(&b, w->config->root);
	}
	if (w->opts.write.backup_dir != NULL) {
		buf_adds(&b, " --backup-dir ");
		wizard_shell_word(&b, w->opts.write.backup_dir);
	}
	buf_adds(&b, " rollback ");
	wizard_shell_word(&b, w->res.backup_id);
	return buf_steal(&b);
}

int
wizard_finish(struct wizard *w, char **err)
{
	int	written = !w->opts.dry_run && w->have_res;

	wizard_result_free(w);
	wizard_drop(w);
	wizard_proxy_free(&w->proxy);
	w->vhost = NULL;
	wizard_batch_clear(w);
	if (written)
		return wizard_reload(w, err);
	return 0;
}
