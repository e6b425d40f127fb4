/* screen-write.c: step 6, write (or, with --dry-run, save a patch).
 *
 * Nothing is written before the user presses y here; then write_apply()
 * does the whole transaction (lock, change check, backup, save,
 * configtest, rollback on failure) exactly as `fix --yes` does, and the
 * screen shows its result.  With --dry-run the step never writes the
 * tree: it offers to save the diff where `patch -p1 -d ROOT` applies it. */
#include "config.h"

#include <curses.h>
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "fixfiles.h"
#include "screen.h"

enum {
	WM_CONFIRM = 1,		/* not written yet */
	WM_RELOAD = 2,		/* a reload can be offered */
	WM_DRY = 4,		/* dry run */
	WM_RESULT = 8,		/* written, or dry run */
};

static const struct screen_key write_keys[] = {
	{ { 'y', 'Y', 'w' }, "y", "write now",
	    "write the changes: backup, save, configtest, rollback if it "
	    "fails", TUI_WRITE, WM_CONFIRM },
	{ { 'r' }, "r", "reload on/off",
	    "reload Apache gracefully after a passing configtest",
	    TUI_RELOAD, WM_RELOAD },
	{ { 's', 'S' }, "s", "save patch",
	    "save the diff as a patch file (patch -p1 -d ROOT applies it)",
	    TUI_SAVE, WM_DRY },
	{ { '\r', '\n', KEY_ENTER }, "Enter", "continue", "go on",
	    TUI_ENTER, WM_RESULT },
	TUI_SCROLL_KEYS("scroll right"),
	{ { 27, KEY_LEFT, KEY_BACKSPACE, 127, 8 }, "Esc", "back",
	    "back to the diff", TUI_BACK, WM_CONFIRM | WM_DRY },
};

static int
write_reload_offered(const struct tui *t)
{
	return t->opts->live_root || t->opts->write.reload_cmd != NULL;
}

static unsigned
write_mode(struct tui *t)
{
	if (t->opts->dry_run)
		return WM_DRY | WM_RESULT;
	if (t->have_res)
		return WM_RESULT;
	return WM_CONFIRM | (write_reload_offered(t) ? WM_RELOAD : 0);
}

static void
write_text_block(struct tui *t, int attr, const char *indent,
    const char *text)
{
	const char	*p, *nl;

	for (p = text; *p != '\0'; p = nl + 1) {
		nl = strchr(p, '\n');
		if (nl == NULL)
			nl = p + strlen(p);
		{
			char	*line = xstrndup(p, (size_t)(nl - p));

			tui_line(t, attr, "%s%s", indent, line);
			free(line);
		}
		if (*nl == '\0')
			break;
	}
}

static void
write_files(struct tui *t)
{
	size_t	i;

	for (i = 0; i < t->rendered.n; i++) {
		const struct rendered	*r = t->rendered.v[i];

		if (strcmp(r->file->path, r->file->real) == 0)
			tui_line(t, TA_FILE, "  %s", r->file->path);
		else {
			tui_line(t, TA_FILE, "  %s", r->file->real);
			tui_line(t, TA_DIM, "    (included as %s)",
			    r->file->path);
		}
	}
}

static void
write_confirm_lines(struct tui *t)
{
	const struct wr_opts	*w = &t->opts->write;
	const char		*root = t->config->root;
	int			 slash = strcmp(root, "/") == 0;

	tui_line(t, TA_HEADING, "Ready to write %zu file%s for %s:",
	    t->rendered.n, t->rendered.n == 1 ? "" : "s",
	    conf_vhost_name(t->vhost));
	write_files(t);
	tui_line(t, TA_NORMAL, "%s", "");
	if (w->backup_dir != NULL)
		tui_wline(t, TA_NORMAL, "1. Each original is copied into a "
		    "new backup set under %s.", w->backup_dir);
	else
		tui_wline(t, TA_NORMAL, "1. Each original is copied into a "
		    "new backup set under %s%s.", slash ? "" : root,
		    "/var/backups/vhostfix");
	tui_wline(t, TA_NORMAL, "%s", "2. The new files replace the old ones "
	    "atomically (owner, mode and links kept).");
	if (w->no_configtest)
		tui_wline(t, TA_NORMAL, "%s", "3. No configtest "
		    "(--no-configtest).");
	else if (w->configtest != NULL)
		tui_wline(t, TA_NORMAL, "3. The configtest runs: %s",
		    w->configtest);
	else if (slash)
		tui_wline(t, TA_NORMAL, "%s", "3. Apache's own configtest "
		    "runs (apache2ctl -t).");
	else
		tui_wline(t, TA_NORMAL, "%s", "3. No configtest for a tree "
		    "outside / (--configtest CMD runs one).");
	if (!w->no_configtest && (w->configtest != NULL || slash))
		tui_line(t, TA_NORMAL, "%s", "   If it fails, every file is "
		    "restored from the backup.");
	if (write_reload_offered(t))
		tui_line(t, TA_NORMAL, "%s Reload Apache gracefully after a "
		    "passing test (r toggles)", tui_glyph(t, t->reload ?
		    TG_CHECK_ON : TG_CHECK_OFF));
	tui_line(t, TA_NORMAL, "%s", "");
	tui_line(t, TA_HEADING, "%s", "Press y to write these changes, "
	    "Esc to go back.");
}

static void
write_dry_lines(struct tui *t)
{
	tui_line(t, TA_HEADING, "%s", "Dry run: nothing is written.");
	tui_line(t, TA_NORMAL, "The fix for %s changes %zu file%s:",
	    conf_vhost_name(t->vhost), t->rendered.n,
	    t->rendered.n == 1 ? "" : "s");
	write_files(t);
	tui_line(t, TA_NORMAL, "%s", "");
	if (t->patch_path != NULL) {
		tui_line(t, TA_OK, "Saved the diff to %s.", t->patch_path);
		tui_line(t, TA_NORMAL, "%s", "Apply it later with:");
		tui_line(t, TA_NORMAL, "  patch -p1 -d %s < %s",
		    t->config->root, t->patch_path);
	} else {
		tui_wline(t, TA_NORMAL, "%s", "Press s to save the diff as a "
		    "patch file; apply it later with:");
		tui_line(t, TA_NORMAL, "  patch -p1 -d %s < FILE",
		    t->config->root);
	}
	tui_line(t, TA_NORMAL, "%s", "");
	tui_line(t, TA_NORMAL, "%s", "Press Enter to finish.");
}

static void
write_result_lines(struct tui *t)
{
	const struct wr_result	*res = &t->res;
	size_t			 i;

	switch (res->status) {
	case WR_OK:
		tui_line(t, TA_OK, "%s Written: %zu file%s changed.",
		    tui_glyph(t, TG_FINE), t->rendered.n,
		    t->rendered.n == 1 ? "" : "s");
		write_files(t);
		break;
	case WR_ROLLED_BACK:
	case WR_FAILED:
	case WR_INTERRUPTED:
		tui_line(t, TA_ERROR, "%s %s Everything was rolled back:",
		    tui_glyph(t, TG_ERROR), res->status == WR_ROLLED_BACK ?
		    "Apache rejected the change." : res->status == WR_FAILED ?
		    "The write did not finish." : "Interrupted.");
		tui_line(t, TA_ERROR, "%s", "  the files are exactly as "
		    "they were before.");
		break;
	case WR_INCOMPLETE:
		tui_line(t, TA_ERROR, "%s Not everything could be restored:",
		    tui_glyph(t, TG_ERROR));
		for (i = 0; i < res->states.n; i++)
			tui_wline(t, TA_ERROR, "  %s",
			    (const char *)res->states.v[i]);
		tui_line(t, TA_ERROR, "  vhostfix rollback %s finishes the "
		    "restore.", res->backup_id != NULL ? res->backup_id : "");
		break;
	default:
		tui_line(t, TA_ERROR, "%s Nothing was written.",
		    tui_glyph(t, TG_ERROR));
		break;
	}
	if (res->error != NULL)
		tui_wline(t, TA_NORMAL, "  %s", res->error);
	if (res->test_output != NULL && *res->test_output != '\0') {
		tui_line(t, TA_HEADING, "%s", "Apache's configtest said:");
		write_text_block(t, TA_NORMAL, "  ", res->test_output);
	}
	for (i = 0; i < res->notes.n; i++)
		tui_wline(t, TA_NORMAL, "  %s", (const char *)res->notes.v[i]);
	if (res->backup_id != NULL)
		tui_line(t, TA_NORMAL, "Backup set: %s", res->backup_id);
	if (t->extra_out != NULL) {
		tui_line(t, TA_HEADING, "%s", t->a2enmod);
		write_text_block(t, TA_NORMAL, "  ", t->extra_out);
	}
	tui_line(t, TA_NORMAL, "%s", "");
	tui_line(t, TA_NORMAL, "%s", res->status == WR_OK ?
	    "Press Enter to continue." :
	    "Press Enter to go back to the list.");
}

static void
write_build(struct tui *t)
{
	size_t	scroll = t->scroll;

	tui_lines_clear(t);
	if (t->opts->dry_run)
		write_dry_lines(t);
	else if (t->have_res)
		write_result_lines(t);
	else
		write_confirm_lines(t);
	t->scroll = scroll;
}

static void
write_enter(struct tui *t)
{
	if (t->have_res) {
		wr_result_free(&t->res);
		t->have_res = 0;
	}
	memset(&t->res, 0, sizeof t->res);
	free(t->extra_out);
	t->extra_out = NULL;
	free(t->patch_path);
	t->patch_path = NULL;
	write_build(t);
}

/* Run "a2enmod mod..." (the words were checked to be module names) with
 * the write layer's runner: output captured (nothing may reach the
 * terminal under curses), a timeout, its own process group. */
static void
write_run_a2enmod(struct tui *t)
{
	struct buf	 out = { 0 };
	struct vec	 argv = { 0 };
	char		*cmd = xstrdup(t->a2enmod), *w, *save = NULL;
	char		*err = NULL;
	int		 r;

	for (w = strtok_r(cmd, " ", &save); w != NULL;
	    w = strtok_r(NULL, " ", &save))
		vec_push(&argv, w);
	vec_push(&argv, NULL);
	r = write_run(&t->opts->write, (char *const *)argv.v, &out, &err);
	if (r < 0) {
		buf_printf(&out, "(could not run a2enmod: %s)", err);
		free(err);
	} else if (r != 0)
		buf_printf(&out, "(a2enmod failed: exit %d)", r);
	t->extra_out = buf_steal(&out);
	vec_free(&argv);
	free(cmd);
}

static void
write_now(struct tui *t)
{
	struct wr_opts	 wo = t->opts->write;
	struct fixfiles	 ff;
	const char	*name = conf_vhost_name(t->vhost);

	/* A signal that arrived before this key wins: write nothing. */
	if (tui_interrupted() || t->rendered.n == 0)
		return;
	/* The tree as loaded now (it may have been reloaded since start). */
	fixfiles_build(&ff, t->config, &t->rendered);
	wo.root = t->config->root;
	wo.vhosts = &name;
	wo.nvhosts = 1;
	wo.reload = t->reload;

	tui_message(t, "Writing: backup, save, configtest ...");
	tui_redraw(t);
	memset(&t->res, 0, sizeof t->res);
	write_apply(&wo, &ff.tree, ff.files, ff.nfiles, &t->res);
	t->have_res = 1;
	t->pending = 0;
	free(t->msg);
	t->msg = NULL;
	fixfiles_free(&ff);
	if (t->res.status == WR_OK && t->run_a2enmod && t->a2enmod != NULL)
		write_run_a2enmod(t);
	t->scroll = 0;
	write_build(t);
}

static int
write_patch_file(struct tui *t, const char *path, int overwrite)
{
	size_t	off = 0;
	ssize_t	n;
	int	fd;

	fd = open(path, O_WRONLY | O_CREAT | O_CLOEXEC | O_NOCTTY |
	    (overwrite ? O_TRUNC : O_EXCL), 0644);
	if (fd < 0)
		return -1;
	while (off < t->diff.len) {
		n = write(fd, t->diff.data + off, t->diff.len - off);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0) {
			int	saved = n < 0 ? errno : EIO;

			close(fd);
			errno = saved;
			return -1;
		}
		off += (size_t)n;
	}
	if (close(fd) != 0)
		return -1;
	return 0;
}

static void
write_saved(struct tui *t, const char *path)
{
	free(t->patch_path);
	t->patch_path = xstrdup(path);
	t->pending = 0;
	tui_message(t, "Saved the patch to %s.", path);
	write_build(t);
}

static void
write_overwrite_yes(struct tui *t)
{
	char	*path = t->ask_path;

	t->ask_path = NULL;
	if (path == NULL)
		return;
	if (write_patch_file(t, path, 1) != 0)
		tui_message(t, "Could not save %s: %s", path,
		    strerror(errno));
	else
		write_saved(t, path);
	free(path);
}

static void
write_overwrite_no(struct tui *t)
{
	free(t->ask_path);
	t->ask_path = NULL;
	tui_message(t, "%s", "Not saved.");
}

static void
write_save_done(struct tui *t, const char *path)
{
	char	*q;

	if (*path == '\0') {
		tui_message(t, "%s", "Not saved: no file name.");
		return;
	}
	if (write_patch_file(t, path, 0) == 0) {
		write_saved(t, path);
		return;
	}
	if (errno != EEXIST) {
		tui_message(t, "Could not save %s: %s", path,
		    strerror(errno));
		return;
	}
	free(t->ask_path);
	t->ask_path = xstrdup(path);
	q = xasprintf("%s exists. Overwrite it?", path);
	tui_ask(t, q, write_overwrite_yes, write_overwrite_no);
	free(q);
}

/* "./vhostfix-app.example.com.patch": a file name from the vhost's name,
 * with anything unusual replaced. */
static char *
write_default_patch(const struct tui *t)
{
	const char	*name = conf_vhost_name(t->vhost);
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

static void
write_key(struct tui *t, int action, int ch)
{
	char	*def;

	if (tui_lines_key(t, action, ch))
		return;
	switch (action) {
	case TUI_WRITE:
		write_now(t);
		break;
	case TUI_RELOAD:
		t->reload = !t->reload;
		write_build(t);
		break;
	case TUI_SAVE:
		def = write_default_patch(t);
		tui_prompt(t, "Save the patch to:", t->patch_path != NULL ?
		    t->patch_path : def, write_save_done, NULL, NULL);
		free(def);
		break;
	case TUI_ENTER:
		if (t->opts->dry_run || t->res.status == WR_OK)
			tui_goto(t, STEP_DONE);
		else {
			tui_reload(t);
			tui_goto(t, STEP_LIST);
		}
		break;
	case TUI_BACK:
		tui_goto(t, STEP_DIFF);
		break;
	}
}

const struct screen screen_write = {
	.title = "Write",
	.keys = write_keys,
	.nkeys = sizeof write_keys / sizeof write_keys[0],
	.mode = write_mode,
	.enter = write_enter,
	.draw = tui_draw_lines,
	.key = write_key,
};
