/* screen-done.c: step 7, what changed and how to undo it.
 *
 * Enter reads the configuration again (the same conf_load and rules as at
 * start) and goes back to the list, where the vhost shows its new
 * status. */
#include "config.h"

#include <curses.h>
#include <stdlib.h>
#include <string.h>

#include "screen.h"

static const struct screen_key done_keys[] = {
	{ { '\r', '\n', KEY_ENTER, 27, KEY_LEFT }, "Enter", "back to list",
	    "read the configuration again and go back to the list",
	    TUI_ENTER, 0 },
	TUI_SCROLL_KEYS("scroll right"),
};

/* A word for a shell command line: quoted only when it needs it. */
static char *
done_shell_word(const char *s)
{
	struct buf	b = { 0 };
	const char	*p;

	for (p = s; *p != '\0'; p++)
		if (!((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') ||
		    (*p >= '0' && *p <= '9') || strchr("/._-+:=@", *p)))
			break;
	if (*s != '\0' && *p == '\0')
		return xstrdup(s);
	buf_addc(&b, '\'');
	for (p = s; *p != '\0'; p++) {
		if (*p == '\'')
			buf_adds(&b, "'\\''");
		else
			buf_addc(&b, *p);
	}
	buf_addc(&b, '\'');
	return buf_steal(&b);
}

static void
done_enter(struct tui *t)
{
	size_t	 i;
	char	*root, *bdir = NULL, *id;

	if (t->opts->dry_run) {
		tui_line(t, TA_HEADING, "%s", "Dry run finished: nothing was "
		    "written.");
		tui_line(t, TA_NORMAL, "%s", "What the fix would change:");
	} else {
		tui_line(t, TA_OK, "%s The change for %s is written.",
		    tui_glyph(t, TG_FINE), conf_vhost_name(t->vhost));
		tui_line(t, TA_NORMAL, "%s", "What changed:");
	}
	for (i = 0; i < t->plan.notes.n; i++)
		tui_wline(t, TA_NORMAL, "  %s",
		    (const char *)t->plan.notes.v[i]);
	if (t->plan.notes.n == 0)
		for (i = 0; i < t->rendered.n; i++)
			tui_line(t, TA_NORMAL, "  %s",
			    ((const struct rendered *)
			    t->rendered.v[i])->file->real);
	tui_line(t, TA_NORMAL, "%s", "");
	if (t->opts->dry_run) {
		if (t->patch_path != NULL) {
			tui_line(t, TA_NORMAL, "Patch saved to %s; apply it "
			    "with:", t->patch_path);
			tui_line(t, TA_HEADING, "  patch -p1 -d %s < %s",
			    t->config->root, t->patch_path);
		} else
			tui_line(t, TA_NORMAL, "%s", "The patch was not "
			    "saved.");
	} else if (t->have_res && t->res.backup_id != NULL) {
		tui_line(t, TA_NORMAL, "Backup set: %s", t->res.backup_id);
		if (t->res.backup_path != NULL)
			tui_line(t, TA_NORMAL, "  in %s", t->res.backup_path);
		tui_line(t, TA_NORMAL, "%s", "To undo it, run:");
		/* The command must work as printed: the same root and
		 * backup directory as this run. */
		root = strcmp(t->config->root, "/") != 0 ?
		    done_shell_word(t->config->root) : NULL;
		if (t->opts->write.backup_dir != NULL)
			bdir = done_shell_word(t->opts->write.backup_dir);
		id = done_shell_word(t->res.backup_id);
		tui_line(t, TA_HEADING, "  vhostfix%s%s%s%s rollback %s",
		    root != NULL ? " --root " : "", root != NULL ? root : "",
		    bdir != NULL ? " --backup-dir " : "",
		    bdir != NULL ? bdir : "", id);
		free(root);
		free(bdir);
		free(id);
	}
	if (t->plan.manual.n > 0) {
		tui_line(t, TA_NORMAL, "%s", "");
		tui_line(t, TA_HEADING, "%s", "Still needs a human:");
		for (i = 0; i < t->plan.manual.n; i++)
			tui_wline(t, TA_WARNING, "  %s",
			    (const char *)t->plan.manual.v[i]);
	}
	tui_line(t, TA_NORMAL, "%s", "");
	tui_wline(t, TA_NORMAL, "%s", "Press Enter to go back to the list; "
	    "the configuration is read again.");
}

static void
done_key(struct tui *t, int action, int ch)
{
	if (tui_lines_key(t, action, ch))
		return;
	if (action == TUI_ENTER) {
		if (t->have_res) {
			wr_result_free(&t->res);
			t->have_res = 0;
		}
		if (!t->opts->dry_run)
			tui_reload(t);
		else
			tui_drop_plan(t);
		tui_goto(t, STEP_LIST);
	}
}

const struct screen screen_done = {
	.title = "Done",
	.keys = done_keys,
	.nkeys = sizeof done_keys / sizeof done_keys[0],
	.enter = done_enter,
	.draw = tui_draw_lines,
	.key = done_key,
};
