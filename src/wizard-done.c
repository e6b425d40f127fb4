/* wizard-done.c: what follows a write, without a terminal.
 *
 * Undo (the rollback of the set just written), reload and verify
 * (verify.h, each vhost of the batch through Apache's own listener), and
 * the session's record for the summary on exit. */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "verify.h"
#include "wizard-int.h"
#include "write-int.h"

enum wr_status
wizard_undo(struct wizard *w)
{
	struct wr_opts	wo = w->opts.write;

	if (w->have_undo)
		wr_result_free(&w->undo);
	memset(&w->undo, 0, sizeof w->undo);
	w->have_undo = 1;
	if (!w->have_res || w->res.status != WR_OK ||
	    w->res.backup_id == NULL) {
		w->undo.status = WR_REFUSED;
		w->undo.error = xstrdup("nothing was written to undo");
		return w->undo.status;
	}
	wo.root = w->config->root;
	/* the running server goes back too when the write reloaded it */
	wo.reload = w->choices.reload;
	write_rollback(&wo, w->res.backup_id, 0, &w->undo);
	/* The session's record of that write (its last one). */
	if (w->session.writes.n > 0) {
		struct wz_written	*wr = w->session.writes.v[
					    w->session.writes.n - 1];

		if (wr->backup_id != NULL &&
		    strcmp(wr->backup_id, w->res.backup_id) == 0) {
			wr->undone = w->undo.status == WR_OK ? 1 : -1;
			free(wr->undo_error);
			wr->undo_error = w->undo.status == WR_OK ? NULL :
			    xstrdup(w->undo.error != NULL ? w->undo.error :
			    "see above");
		}
	}
	return w->undo.status;
}

/* The reload for verify: the --reload-cmd, else Apache's own graceful
 * restart on the live root. */
static int
wizard_run_reload(struct wizard *w)
{
	struct buf	 out = { 0 };
	char		*err = NULL;
	const char	*cmd = w->opts.write.reload_cmd;
	int		 rc;

	free(w->reload_out);
	w->reload_out = NULL;
	if (cmd == NULL && !w->opts.live_root) {
		w->reload_out = xstrdup("no reload for a tree outside / "
		    "(--reload-cmd CMD gives one)");
		return -1;
	}
	if (cmd == NULL)
		cmd = "apache2ctl graceful";
	rc = wr_run_line(cmd, w->config->root,
	    w->opts.write.test_timeout > 0 ? w->opts.write.test_timeout :
	    WR_TIMEOUT_DEFAULT, &out, &err);
	if (rc == WR_RUN_TIMEOUT)
		buf_printf(&out, "%s did not finish in time and was stopped",
		    cmd);
	else if (rc < 0)
		buf_printf(&out, "could not run %s: %s", cmd,
		    err != NULL ? err : "unknown error");
	else if (rc != 0)
		buf_printf(&out, "%s%s exited %d", out.len > 0 ? "\n" : "",
		    cmd, rc);
	free(err);
	w->reload_out = buf_steal(&out);
	w->reload_rc = rc;
	return rc == 0 ? 0 : -1;
}

int
wizard_reload_verify(struct wizard *w)
{
	size_t	i;
	int	failed = 0;

	vec_free_all(&w->checks, vf_check_free);
	if (wizard_run_reload(w) != 0)
		return -1;
	for (i = 0; i < w->batch.n; i++) {
		struct plan_opts	 o;
		char			*err = NULL;
		int			 n;

		if (!wizard_vhost_proxies(w, w->batch.v[i]))
			continue;
		wizard_opts_of(w, i, &o);
		n = verify_vhost(w->config, w->batch.v[i], &o, NULL,
		    &w->checks, &err);
		if (n < 0) {
			struct vf_check	*c = xcalloc(1, sizeof *c);

			c->what = xasprintf("%s answers",
			    conf_vhost_name(w->batch.v[i]));
			c->want = xstrdup("an answer from Apache");
			c->got = err;
			vec_push(&w->checks, c);
			n = 1;
		}
		failed += n;
	}
	return failed;
}

char *
wizard_session_summary(const struct wizard *w)
{
	const struct vec	*ws = &w->session.writes;
	struct buf		 b = { 0 };
	size_t			 i, j, nfiles = 0, nleft = 0, nundone = 0;
	size_t			 npatches = 0;

	if (ws->n == 0)
		return xstrdup("");
	/* An undone write's files are as they were, and what it left to
	 * a human is not what the tree has now. */
	for (i = 0; i < ws->n; i++) {
		const struct wz_written	*wr = ws->v[i];

		if (wr->patch != NULL) {
			npatches++;
			continue;
		}
		if (wr->undone == 1) {
			nundone++;
			continue;
		}
		nfiles += wr->files.n;
		nleft += wr->left.n;
	}
	buf_printf(&b, "vhostfix session: %zu file%s written", nfiles,
	    nfiles == 1 ? "" : "s");
	if (nundone > 0)
		buf_printf(&b, " (%zu write%s undone)", nundone,
		    nundone == 1 ? "" : "s");
	buf_addc(&b, '\n');
	for (i = 0; i < ws->n; i++) {
		const struct wz_written	*wr = ws->v[i];

		for (j = 0; wr->patch == NULL && wr->undone != 1 &&
		    j < wr->files.n; j++)
			buf_printf(&b, "  %s\n", (const char *)wr->files.v[j]);
	}
	if (npatches > 0)
		buf_adds(&b, "Patches saved (a dry run: nothing written):\n");
	for (i = 0; i < ws->n; i++) {
		const struct wz_written	*wr = ws->v[i];
		char			*cmd;

		if (wr->patch == NULL)
			continue;
		cmd = wizard_patch_command(w, wr->patch);
		buf_printf(&b, "  %s (%zu file%s): %s\n", wr->patch,
		    wr->files.n, wr->files.n == 1 ? "" : "s", cmd);
		free(cmd);
	}
	if (npatches < ws->n)
		buf_adds(&b, "Backup sets:\n");
	for (i = 0; i < ws->n; i++) {
		const struct wz_written	*wr = ws->v[i];

		if (wr->backup_id == NULL)
			continue;
		if (wr->undone == 1)
			buf_printf(&b, "  %s: undone\n", wr->backup_id);
		else if (wr->undone == -1)
			buf_printf(&b, "  %s: the undo FAILED (%s)\n",
			    wr->backup_id, wr->undo_error);
		else if (wr->undo != NULL)
			buf_printf(&b, "  %s (undo: %s)\n", wr->backup_id,
			    wr->undo);
		else
			buf_printf(&b, "  %s\n", wr->backup_id);
	}
	if (w->opts.demo && npatches < ws->n)
		buf_adds(&b, "The demo's private copy is removed as the wizard ends, "
		    "its backup sets with it: undo works while the wizard runs "
		    "(u on the Done screen).\n");
	if (nleft > 0)
		buf_adds(&b, "Left to you:\n");
	for (i = 0; i < ws->n; i++) {
		const struct wz_written	*wr = ws->v[i];

		for (j = 0; wr->undone != 1 && j < wr->left.n; j++)
			buf_printf(&b, "  %s\n", (const char *)wr->left.v[j]);
	}
	return buf_steal(&b);
}
