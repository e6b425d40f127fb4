/* screen-diff.c: step 5, review the change.
 *
 * The same plan, render and diff as `fix --dry-run`, with the user's
 * choices.  Added and removed lines keep their +/- (readable without
 * color) and get their own attributes. */
#include "config.h"

#include <curses.h>
#include <stdlib.h>
#include <string.h>

#include "screen.h"

enum {
	DM_CHANGE = 1,
	DM_EMPTY = 2,
};

static const struct screen_key diff_keys[] = {
	TUI_SCROLL_KEYS("scroll right (long lines)"),
	{ { '\r', '\n', KEY_ENTER }, "Enter", "write...",
	    "go on to the write step (asks before writing)", TUI_ENTER,
	    DM_CHANGE },
	{ { '\r', '\n', KEY_ENTER }, "Enter", "list",
	    "nothing to change: back to the list", TUI_ENTER, DM_EMPTY },
	{ { 27, KEY_LEFT, KEY_BACKSPACE, 127, 8 }, "Esc", "back",
	    "back to the extras", TUI_BACK, 0 },
};

static unsigned
diff_mode(struct tui *t)
{
	return t->wz.fix.diff.len > 0 ? DM_CHANGE : DM_EMPTY;
}

static int
diff_line_attr(const char *s, int *in_header)
{
	if (str_startswith(s, "diff --git ")) {
		*in_header = 1;
		return TA_FILE;
	}
	if (str_startswith(s, "@@")) {
		*in_header = 0;
		return TA_HUNK;
	}
	if (*in_header)
		return TA_FILE;
	if (*s == '+')
		return TA_ADD;
	if (*s == '-')
		return TA_DEL;
	if (*s == '\\')
		return TA_DIM;
	return TA_NORMAL;
}

/* Before: as configured now; after: with these choices (the backend may
 * redirect elsewhere once the Host or the scheme it sees changes). */
static void
diff_previews(struct tui *t, struct tui_view *tv)
{
	struct vec	pv = { 0 };
	size_t		i;

	wizard_previews(&t->wz, &pv);
	for (i = 0; i < pv.n; i++) {
		const struct preview	*pw = pv.v[i];

		tui_line(tv, TA_NORMAL, "Backend redirects to %s:",
		    pw->backend_location);
		tui_line(tv, TA_DEL, "  before: visitor sent to %s",
		    pw->visitor_before);
		if (pw->backend_after != NULL)
			tui_line(tv, TA_NORMAL, "  after the change the "
			    "backend redirects to %s", pw->backend_after);
		tui_line(tv, TA_ADD, "  after:  visitor sent to %s",
		    pw->visitor_after);
	}
	vec_free_all(&pv, preview_free);
}

static void
diff_enter(struct tui *t)
{
	struct tui_view		*tv = xcalloc(1, sizeof *tv);
	const struct wz_fix	*fix = &t->wz.fix;
	size_t			 i;
	int			 in_header = 0;
	char			*p, *nl, *line;

	t->data = tv;
	if (wizard_prepare(&t->wz) != 0) {
		tui_wline(tv, TA_ERROR, "The fix did not render: %s",
		    fix->err);
		tui_line(tv, TA_NORMAL, "%s", "Nothing can be written; this "
		    "is a bug in vhostfix, please report it.");
		return;
	}
	tui_wline(tv, TA_NORMAL, "Choices: Host header preserved: %s; "
	    "X-Forwarded-Proto: %s; Header unset Server: %s; ServerTokens "
	    "Prod: %s.",
	    t->wz.choices.plan.preserve_host == PLAN_ON ? "yes" : "no",
	    wizard_is_on(&t->wz, WZ_FORWARDED_PROTO) ? "yes" : "no",
	    wizard_is_on(&t->wz, WZ_HIDE_SERVER) ? "yes" : "no",
	    wizard_is_on(&t->wz, WZ_SERVER_TOKENS) ? "yes" : "no");
	diff_previews(t, tv);
	tui_line(tv, TA_NORMAL, "%s", "");
	if (fix->diff.len == 0)
		tui_wline(tv, TA_OK, "%s", "Nothing to change: with these "
		    "choices this vhost is already right.");
	for (p = fix->diff.data; p != NULL && *p != '\0'; p = nl + 1) {
		nl = strchr(p, '\n');
		if (nl == NULL)
			nl = p + strlen(p);
		line = xstrndup(p, (size_t)(nl - p));
		tui_line(tv, diff_line_attr(line, &in_header), "%s", line);
		free(line);
		if (*nl == '\0')
			break;
	}
	for (i = 0; i < fix->plan.manual.n; i++) {
		if (i == 0) {
			tui_line(tv, TA_NORMAL, "%s", "");
			tui_line(tv, TA_HEADING, "%s", "Still needs a human:");
		}
		tui_wline(tv, TA_WARNING, "  %s",
		    (const char *)fix->plan.manual.v[i]);
	}
}

static void
diff_key(struct tui *t, int action, int ch)
{
	if (tui_view_key(t->data, action, ch))
		return;
	switch (action) {
	case TUI_ENTER:
		if (t->wz.fix.diff.len > 0)
			tui_goto(t, STEP_WRITE);
		else
			tui_goto(t, STEP_LIST);
		break;
	case TUI_BACK:
		wizard_drop(&t->wz);
		tui_goto(t, STEP_EXTRAS);
		break;
	}
}

const struct screen screen_diff = {
	.title = "Review the diff",
	.keys = diff_keys,
	.nkeys = sizeof diff_keys / sizeof diff_keys[0],
	.mode = diff_mode,
	.enter = diff_enter,
	.draw = tui_view_screen_draw,
	.key = diff_key,
	.leave = tui_view_screen_leave,
};
