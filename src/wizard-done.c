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
	vec_push(&w->session.sets, xasprintf("%s undone%s%s",
	    w->res.backup_id, w->undo.status == WR_OK ? "" : " (FAILED: ",
	    w->undo.status == WR_OK ? "" : w->undo.error != NULL ?
	    w->undo.error : "see above"));
	if (w->undo.status != WR_OK) {
		char	*s = w->session.sets.v[w->session.sets.n - 1];

		w->session.sets.v[w->session.sets.n - 1] = xasprintf("%s)",
		    s);
		free(s);
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
	const struct wz_session	*s = &w->session;
	struct buf		 b = { 0 };
	size_t			 i;

	if (s->files.n == 0 && s->sets.n == 0 && s->left.n == 0)
		return xstrdup("");
	buf_printf(&b, "vhostfix session: %zu file%s written\n", s->files.n,
	    s->files.n == 1 ? "" : "s");
	for (i = 0; i < s->files.n; i++)
		buf_printf(&b, "  %s\n", (const char *)s->files.v[i]);
	if (s->sets.n > 0)
		buf_adds(&b, "Backup sets:\n");
	for (i = 0; i < s->sets.n; i++)
		buf_printf(&b, "  %s\n", (const char *)s->sets.v[i]);
	if (s->left.n > 0)
		buf_adds(&b, "Left to you:\n");
	for (i = 0; i < s->left.n; i++)
		buf_printf(&b, "  %s\n", (const char *)s->left.v[i]);
	return buf_steal(&b);
}
