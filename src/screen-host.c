/* screen-host.c: step 3, preserve the Host header or not.
 *
 * The choice decides what ProxyPassReverse must say (mod_proxy compares
 * it literally with the Location the backend sends): with the host
 * preserved the backend redirects to the visitor's name, without it to
 * the address in ProxyPass.  The screen shows, for each answer, the
 * ProxyPassReverse lines the fix would write (the controller's plan and
 * its redirect model: none when the backend's redirects need no
 * mapping); the current setting is preselected. */
#include "config.h"

#include <curses.h>
#include <stdlib.h>
#include <string.h>

#include "screen.h"

static const struct screen_key host_keys[] = {
	{ { 0 }, "j/k", "move", NULL, TUI_NONE, 0 },
	{ { KEY_UP, 'k' }, "Up/k", NULL, "previous choice", TUI_UP, 0 },
	{ { KEY_DOWN, 'j' }, "Down/j", NULL, "next choice", TUI_DOWN, 0 },
	{ { KEY_HOME, KEY_PPAGE }, "Home", NULL, "first choice", TUI_HOME,
	    0 },
	{ { KEY_END, KEY_NPAGE }, "End", NULL, "last choice", TUI_END, 0 },
	{ { ' ' }, "Space", NULL, "select the choice under the cursor",
	    TUI_TOGGLE, 0 },
	{ { '\r', '\n', KEY_ENTER, KEY_RIGHT }, "Enter", "choose",
	    "take the choice under the cursor and go on", TUI_ENTER, 0 },
	{ { 'y', 'Y' }, "y", NULL, "yes: preserve the Host header and go on",
	    TUI_YES, 0 },
	{ { 'n', 'N' }, "n", NULL, "no: send the backend's address and go on",
	    TUI_NO, 0 },
	{ { 27, KEY_LEFT, KEY_BACKSPACE, 127, 8 }, "Esc", "back",
	    "back to the diagnosis", TUI_BACK, 0 },
};

/* The screen's own state: the two answers explained, and the cursor. */
struct host_data {
	struct tui_view		 text;		/* heading lines: the answers */
	struct tui_menu		 menu;
};

/* What the fix writes for ProxyPassReverse with this answer, from the
 * plan. */
static void
host_reverse(struct tui *t, struct tui_view *tv, int yes)
{
	struct vec	 lines = { 0 };
	size_t		 i;

	if (wizard_host_reverse(&t->wz, yes, &lines) != 0)
		return;
	if (lines.n == 0)
		tui_wline(tv, TA_NORMAL, "%s", "      The fix writes no "
		    "ProxyPassReverse line: redirects need none.");
	else
		tui_wline(tv, TA_NORMAL, "      The fix writes %s:",
		    lines.n == 1 ? "this ProxyPassReverse line" :
		    "these ProxyPassReverse lines");
	for (i = 0; i < lines.n; i++) {
		if (i < 3)
			tui_line(tv, TA_OK, "        %s",
			    (const char *)lines.v[i]);
		else if (i == 3)
			tui_line(tv, TA_OK, "        ... and %zu more",
			    lines.n - 3);
		free(lines.v[i]);
	}
	vec_free(&lines);
}

static void
host_option(struct tui *t, struct tui_view *tv, int yes)
{
	const struct cf_vhost	*v = t->wz.vhost;
	const struct wz_proxy	*px = &t->wz.proxy;
	int			 cur = px->preserve_host == (yes ? PLAN_ON :
				    PLAN_OFF);

	if (yes) {
		tui_line(tv, TA_HEADING, "Yes, preserve the Host header%s",
		    cur ? "   (current setting)" : "");
		tui_wline(tv, TA_NORMAL, "      The backend sees %s, as the "
		    "visitor typed it.", v->server_name != NULL ?
		    v->server_name : "your domain");
	} else {
		tui_line(tv, TA_HEADING, "No, send the backend's address%s",
		    cur ? "   (current setting)" : "");
		tui_wline(tv, TA_NORMAL, "      The backend sees the address in "
		    "ProxyPass%s%s%s.", px->have ? " (" : "",
		    px->have ? px->backend : "", px->have ? ")" : "");
	}
	host_reverse(t, tv, yes);
}

static void
host_enter(struct tui *t)
{
	struct host_data	*d = xcalloc(1, sizeof *d);

	d->menu.n = 2;
	d->menu.sel = t->wz.choices.plan.preserve_host == PLAN_ON ? 0 : 1;
	host_option(t, &d->text, 1);
	tui_line(&d->text, TA_NORMAL, "%s", "");
	host_option(t, &d->text, 0);
	/* a batch whose vhosts differ: keeping each one's setting is the
	 * answer that changes no vhost's behaviour */
	if (wizard_preserve_mixed(&t->wz)) {
		d->menu.n = 3;
		if (t->wz.choices.plan.preserve_host == PLAN_KEEP)
			d->menu.sel = 2;
		tui_line(&d->text, TA_NORMAL, "%s", "");
		tui_line(&d->text, TA_HEADING, "%s", "Keep each vhost's own "
		    "setting   (current settings differ)");
		tui_wline(&d->text, TA_NORMAL, "%s", "      ProxyPassReverse "
		    "then follows each vhost's ProxyPreserveHost.");
	}
	t->data = d;
}

static void
host_leave(struct tui *t)
{
	struct host_data	*d = t->data;

	tui_view_clear(&d->text);
	free(d);
	t->data = NULL;
}

static void
host_draw(struct tui *t, int y, int h)
{
	struct host_data	*d = t->data;
	size_t			 i, opt = 0;
	int			 r;

	r = y + tui_put_wrapped(t, y, 1, h, TA_NORMAL, "Should the backend "
	    "see the visitor's Host header (ProxyPreserveHost)?");
	if (t->wz.batch.n > 1) {
		char	*s = xasprintf("One answer for all %zu vhosts (shown "
		    "for %s); exceptions on the review screen.",
		    t->wz.batch.n, conf_vhost_name(t->wz.vhost));

		r += tui_put_wrapped(t, r, 1, y + h - r, TA_DIM, s);
		free(s);
	}
	if (r < y + 2)
		r = y + 2;
	for (i = 0; i < d->text.lines.n && r < y + h; i++) {
		const struct tui_line	*l = d->text.lines.v[i];
		int			 sel = opt == d->menu.sel;

		if (l->attr == TA_HEADING) {
			tui_choice(t, r++, sel, sel ? TG_RADIO_ON :
			    TG_RADIO_OFF, l->text);
			opt++;
		} else if (l->wrap && l->text[0] != '\0')
			r += tui_put_wrapped(t, r, 0, y + h - r, l->attr,
			    l->text);
		else
			tui_put(t, r++, 0, COLS, l->attr, l->text, 0);
	}
}

static void
host_choose(struct tui *t, int yes)
{
	wizard_set_preserve(&t->wz, yes);
	tui_goto_next(t);
}

static void
host_key(struct tui *t, int action, int ch)
{
	struct host_data	*d = t->data;

	(void)ch;
	if (tui_menu_key(&d->menu, action))
		return;
	switch (action) {
	case TUI_TOGGLE:
		wizard_set_preserve(&t->wz, d->menu.sel == 2 ? -1 :
		    d->menu.sel == 0);
		break;
	case TUI_ENTER:
		host_choose(t, d->menu.sel == 2 ? -1 : d->menu.sel == 0);
		break;
	case TUI_YES:
		host_choose(t, 1);
		break;
	case TUI_NO:
		host_choose(t, 0);
		break;
	case TUI_BACK:
		tui_goto_prev(t);
		break;
	}
}

const struct screen screen_host = {
	.title = "Host header",
	.keys = host_keys,
	.nkeys = sizeof host_keys / sizeof host_keys[0],
	.enter = host_enter,
	.draw = host_draw,
	.key = host_key,
	.leave = host_leave,
};
