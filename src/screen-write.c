/* screen-write.c: step 6, write (or, with --dry-run, save a patch).
 *
 * Nothing is written before the user presses y here; then the
 * controller's wizard_write() does the whole transaction (lock, change
 * check, backup, save, configtest, rollback on failure) exactly as
 * `fix --yes` does, and the screen shows its result.  With --dry-run the
 * step never writes the tree: it offers to save the diff where
 * `patch -p1 -d ROOT` applies it. */
#include "config.h"

#include <curses.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

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

/* The screen's own state. */
struct write_data {
	struct tui_view	 text;		/* first: tui_view_screen_draw */
	char		*ask_path;	/* dry run: overwrite this? */
};

static unsigned
write_mode(struct tui *t)
{
	if (t->wz.opts.dry_run)
		return WM_DRY | WM_RESULT;
	if (t->wz.have_res)
		return WM_RESULT;
	return WM_CONFIRM | (wizard_reload_offered(&t->wz) ? WM_RELOAD : 0);
}

/* "app.example.com", or "3 vhosts" for a batch. */
static const char *
write_what(struct tui *t)
{
	static char	what[32];

	if (t->wz.batch.n <= 1)
		return conf_vhost_name(t->wz.vhost);
	snprintf(what, sizeof what, "%zu vhosts", t->wz.batch.n);
	return what;
}

static void
write_files(struct tui *t, struct tui_view *tv)
{
	const struct vec	*rv = &t->wz.fix.rendered;
	size_t			 i;

	for (i = 0; i < rv->n; i++) {
		const struct rendered	*r = rv->v[i];

		if (strcmp(r->file->path, r->file->real) == 0)
			tui_line(tv, TA_FILE, "  %s", r->file->path);
		else {
			tui_line(tv, TA_FILE, "  %s", r->file->real);
			tui_line(tv, TA_DIM, "    (included as %s)",
			    r->file->path);
		}
	}
}

static void
write_confirm_lines(struct tui *t, struct tui_view *tv)
{
	const struct wr_opts	*w = &t->wz.opts.write;
	const char		*root = t->wz.config->root;
	size_t			 n = t->wz.fix.rendered.n;
	int			 slash = strcmp(root, "/") == 0;

	tui_line(tv, TA_HEADING, "Ready to write %zu file%s for %s:", n,
	    n == 1 ? "" : "s", write_what(t));
	write_files(t, tv);
	tui_line(tv, TA_NORMAL, "%s", "");
	if (w->backup_dir != NULL)
		tui_wline(tv, TA_NORMAL, "1. Each original is copied into a "
		    "new backup set under %s.", w->backup_dir);
	else
		tui_wline(tv, TA_NORMAL, "1. Each original is copied into a "
		    "new backup set under %s%s.", slash ? "" : root,
		    "/var/backups/vhostfix");
	tui_wline(tv, TA_NORMAL, "%s", "2. The new files replace the old "
	    "ones atomically (owner, mode and links kept).");
	if (w->no_configtest)
		tui_wline(tv, TA_NORMAL, "%s", "3. No configtest "
		    "(--no-configtest).");
	else if (w->configtest != NULL)
		tui_wline(tv, TA_NORMAL, "3. The configtest runs: %s",
		    w->configtest);
	else if (slash)
		tui_wline(tv, TA_NORMAL, "%s", "3. Apache's own configtest "
		    "runs (apache2ctl -t).");
	else
		tui_wline(tv, TA_NORMAL, "%s", "3. No configtest for a tree "
		    "outside / (--configtest CMD runs one).");
	if (!w->no_configtest && (w->configtest != NULL || slash))
		tui_line(tv, TA_NORMAL, "%s", "   If it fails, every file is "
		    "restored from the backup.");
	if (wizard_reload_offered(&t->wz))
		tui_line(tv, TA_NORMAL, "%s Reload Apache gracefully after a "
		    "passing test (r toggles)", tui_glyph(t,
		    wizard_is_on(&t->wz, WZ_RELOAD) ? TG_CHECK_ON :
		    TG_CHECK_OFF));
	tui_line(tv, TA_NORMAL, "%s", "");
	tui_line(tv, TA_HEADING, "%s", "Press y to write these changes, "
	    "Esc to go back.");
}

static void
write_dry_lines(struct tui *t, struct tui_view *tv)
{
	size_t	n = t->wz.fix.rendered.n;
	char	*cmd;

	tui_line(tv, TA_HEADING, "%s", "Dry run: nothing is written.");
	tui_line(tv, TA_NORMAL, "The fix for %s changes %zu file%s:",
	    write_what(t), n, n == 1 ? "" : "s");
	write_files(t, tv);
	tui_line(tv, TA_NORMAL, "%s", "");
	cmd = wizard_patch_command(&t->wz, t->wz.patch_path);
	if (t->wz.patch_path != NULL) {
		tui_line(tv, TA_OK, "Saved the diff to %s.", t->wz.patch_path);
		tui_line(tv, TA_NORMAL, "%s", "Apply it later with:");
	} else
		tui_wline(tv, TA_NORMAL, "%s", "Press s to save the diff as a "
		    "patch file; apply it later with:");
	tui_line(tv, TA_NORMAL, "  %s", cmd);
	free(cmd);
	tui_line(tv, TA_NORMAL, "%s", "");
	tui_line(tv, TA_NORMAL, "%s", "Press Enter to finish.");
}

static void
write_result_lines(struct tui *t, struct tui_view *tv)
{
	const struct wr_result	*res = &t->wz.res;
	size_t			 i, n = t->wz.fix.rendered.n;

	switch (res->status) {
	case WR_OK:
		tui_line(tv, TA_OK, "%s Written: %zu file%s changed.",
		    tui_glyph(t, TG_FINE), n, n == 1 ? "" : "s");
		write_files(t, tv);
		break;
	case WR_ROLLED_BACK:
	case WR_FAILED:
	case WR_INTERRUPTED:
		tui_line(tv, TA_ERROR, "%s %s Everything was rolled back:",
		    tui_glyph(t, TG_ERROR), res->status == WR_ROLLED_BACK ?
		    "Apache rejected the change." : res->status == WR_FAILED ?
		    "The write did not finish." : "Interrupted.");
		tui_line(tv, TA_ERROR, "%s", "  the files are exactly as "
		    "they were before.");
		break;
	case WR_INCOMPLETE:
		tui_line(tv, TA_ERROR, "%s Not everything could be restored:",
		    tui_glyph(t, TG_ERROR));
		for (i = 0; i < res->states.n; i++)
			tui_wline(tv, TA_ERROR, "  %s",
			    (const char *)res->states.v[i]);
		tui_line(tv, TA_ERROR, "  vhostfix rollback %s finishes the "
		    "restore.", res->backup_id != NULL ? res->backup_id : "");
		break;
	default:
		tui_line(tv, TA_ERROR, "%s Nothing was written.",
		    tui_glyph(t, TG_ERROR));
		break;
	}
	if (res->error != NULL)
		tui_wline(tv, TA_NORMAL, "  %s", res->error);
	if (res->test_output != NULL && *res->test_output != '\0') {
		tui_line(tv, TA_HEADING, "%s", "Apache's configtest said:");
		tui_lines(tv, TA_NORMAL, "  ", res->test_output);
	}
	for (i = 0; i < res->notes.n; i++)
		tui_wline(tv, TA_NORMAL, "  %s", (const char *)res->notes.v[i]);
	if (res->backup_id != NULL)
		tui_line(tv, TA_NORMAL, "Backup set: %s", res->backup_id);
	if (t->wz.a2enmod_out != NULL) {
		tui_line(tv, TA_HEADING, "%s", t->wz.a2enmod);
		tui_lines(tv, TA_NORMAL, "  ", t->wz.a2enmod_out);
	}
	tui_line(tv, TA_NORMAL, "%s", "");
	tui_line(tv, TA_NORMAL, "%s", res->status == WR_OK ?
	    "Press Enter to continue." :
	    "Press Enter to go back to the list.");
}

static void
write_build(struct tui *t)
{
	struct write_data	*d = t->data;
	size_t			 scroll = d->text.scroll;

	tui_view_clear(&d->text);
	if (t->wz.opts.dry_run)
		write_dry_lines(t, &d->text);
	else if (t->wz.have_res)
		write_result_lines(t, &d->text);
	else
		write_confirm_lines(t, &d->text);
	d->text.scroll = scroll;
}

static void
write_enter(struct tui *t)
{
	t->data = xcalloc(1, sizeof (struct write_data));
	write_build(t);
}

static void
write_leave(struct tui *t)
{
	struct write_data	*d = t->data;

	tui_view_clear(&d->text);
	free(d->ask_path);
	free(d);
	t->data = NULL;
}

static void
write_now(struct tui *t)
{
	struct write_data	*d = t->data;

	/* A signal that arrived before this key wins: write nothing. */
	if (tui_interrupted() || !t->wz.pending)
		return;
	tui_message(t, "Writing: backup, save, configtest ...");
	tui_redraw(t);
	wizard_write(&t->wz);
	free(t->msg);
	t->msg = NULL;
	d->text.scroll = 0;
	write_build(t);
}

static void
write_saved(struct tui *t, const char *path)
{
	tui_message(t, "Saved the patch to %s.", path);
	write_build(t);
}

static void
write_overwrite_yes(struct tui *t)
{
	struct write_data	*d = t->data;
	char			*path = d->ask_path;

	d->ask_path = NULL;
	if (path == NULL)
		return;
	if (wizard_save_patch(&t->wz, path, 1) != 0)
		tui_message(t, "Could not save %s: %s", path,
		    strerror(errno));
	else
		write_saved(t, path);
	free(path);
}

static void
write_overwrite_no(struct tui *t)
{
	struct write_data	*d = t->data;

	free(d->ask_path);
	d->ask_path = NULL;
	tui_message(t, "%s", "Not saved.");
}

static void
write_save_done(struct tui *t, const char *path)
{
	struct write_data	*d = t->data;
	char			*q;

	if (*path == '\0') {
		tui_message(t, "%s", "Not saved: no file name.");
		return;
	}
	if (wizard_save_patch(&t->wz, path, 0) == 0) {
		write_saved(t, path);
		return;
	}
	if (errno != EEXIST) {
		tui_message(t, "Could not save %s: %s", path,
		    strerror(errno));
		return;
	}
	free(d->ask_path);
	d->ask_path = xstrdup(path);
	q = xasprintf("%s exists. Overwrite it?", path);
	tui_ask(t, q, write_overwrite_yes, write_overwrite_no);
	free(q);
}

static const char *
write_off(struct tui *t, int action)
{
	if (action == TUI_RELOAD && !t->wz.opts.dry_run && !t->wz.have_res)
		return "A reload needs the running system (--root /) or "
		    "--reload-cmd.";
	if (action == TUI_SAVE)
		return "A patch is saved in a dry run (--dry-run); here y "
		    "writes the changes.";
	return NULL;
}

static void
write_key(struct tui *t, int action, int ch)
{
	struct write_data	*d = t->data;
	char			*def;

	if (tui_view_key(&d->text, action, ch))
		return;
	switch (action) {
	case TUI_WRITE:
		write_now(t);
		break;
	case TUI_RELOAD:
		wizard_toggle(&t->wz, WZ_RELOAD);
		write_build(t);
		break;
	case TUI_SAVE:
		def = wizard_patch_name(&t->wz);
		tui_prompt(t, "Save the patch to:", t->wz.patch_path != NULL ?
		    t->wz.patch_path : def, write_save_done, NULL, NULL);
		free(def);
		break;
	case TUI_ENTER:
		/* a failed write goes back to the list, which reads the
		 * tree again */
		if (t->wz.opts.dry_run || t->wz.res.status == WR_OK)
			tui_goto(t, STEP_DONE);
		else
			tui_goto(t, STEP_LIST);
		break;
	case TUI_BACK:
		tui_goto(t, STEP_DIFF);
		break;
	}
}

const struct screen screen_write = {
	.title = "Write",
	.off = write_off,
	.keys = write_keys,
	.nkeys = sizeof write_keys / sizeof write_keys[0],
	.mode = write_mode,
	.enter = write_enter,
	.draw = tui_view_screen_draw,
	.key = write_key,
	.leave = write_leave,
};
