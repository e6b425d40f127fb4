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

static void
done_enter(struct tui *t)
{
	struct tui_view		*tv = xcalloc(1, sizeof *tv);
	const struct wizard	*w = &t->wz;
	const struct plan	*plan = &w->fix.plan;
	size_t			 i;
	char			*undo;

	t->data = tv;
	if (w->opts.dry_run) {
		tui_line(tv, TA_HEADING, "%s", "Dry run finished: nothing was "
		    "written.");
		tui_line(tv, TA_NORMAL, "%s", "What the fix would change:");
	} else {
		tui_line(tv, TA_OK, "%s The change for %s is written.",
		    tui_glyph(t, TG_FINE), conf_vhost_name(w->vhost));
		tui_line(tv, TA_NORMAL, "%s", "What changed:");
	}
	for (i = 0; i < plan->notes.n; i++)
		tui_wline(tv, TA_NORMAL, "  %s",
		    (const char *)plan->notes.v[i]);
	if (plan->notes.n == 0)
		for (i = 0; i < w->fix.rendered.n; i++)
			tui_line(tv, TA_NORMAL, "  %s",
			    ((const struct rendered *)
			    w->fix.rendered.v[i])->file->real);
	tui_line(tv, TA_NORMAL, "%s", "");
	if (w->opts.dry_run) {
		if (w->patch_path != NULL) {
			tui_line(tv, TA_NORMAL, "Patch saved to %s; apply it "
			    "with:", w->patch_path);
			tui_line(tv, TA_HEADING, "  patch -p1 -d %s < %s",
			    w->config->root, w->patch_path);
		} else
			tui_line(tv, TA_NORMAL, "%s", "The patch was not "
			    "saved.");
	} else if ((undo = wizard_undo_command(w)) != NULL) {
		tui_line(tv, TA_NORMAL, "Backup set: %s", w->res.backup_id);
		if (w->res.backup_path != NULL)
			tui_line(tv, TA_NORMAL, "  in %s", w->res.backup_path);
		tui_line(tv, TA_NORMAL, "%s", "To undo it, run:");
		tui_line(tv, TA_HEADING, "  %s", undo);
		free(undo);
	}
	if (plan->manual.n > 0) {
		tui_line(tv, TA_NORMAL, "%s", "");
		tui_line(tv, TA_HEADING, "%s", "Still needs a human:");
		for (i = 0; i < plan->manual.n; i++)
			tui_wline(tv, TA_WARNING, "  %s",
			    (const char *)plan->manual.v[i]);
	}
	tui_line(tv, TA_NORMAL, "%s", "");
	tui_wline(tv, TA_NORMAL, "%s", "Press Enter to go back to the list; "
	    "the configuration is read again.");
}

static void
done_key(struct tui *t, int action, int ch)
{
	if (tui_view_key(t->data, action, ch))
		return;
	/* the list ends the walk: it reads the tree again after a write */
	if (action == TUI_ENTER)
		tui_goto(t, STEP_LIST);
}

const struct screen screen_done = {
	.title = "Done",
	.keys = done_keys,
	.nkeys = sizeof done_keys / sizeof done_keys[0],
	.enter = done_enter,
	.draw = tui_view_screen_draw,
	.key = done_key,
	.leave = tui_view_screen_leave,
};
