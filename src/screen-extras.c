/* screen-extras.c: step 4, the optional lines.
 *
 * Checkboxes for the plan's options, each with one line of why; what the
 * planner cannot do (missing modules, sockets) is listed with the command
 * to run, and on the live system the controller offers to run a2enmod for
 * the plan's modules after the write. */
#include "config.h"

#include <curses.h>
#include <stdlib.h>
#include <string.h>

#include "screen.h"

/* The rows are the controller's choices, in this order. */
enum {
	EX_PROTO = WZ_FORWARDED_PROTO,
	EX_SERVER = WZ_HIDE_SERVER,
	EX_TOKENS = WZ_SERVER_TOKENS,
	EX_A2ENMOD = WZ_A2ENMOD,
};

static const struct screen_key extras_keys[] = {
	{ { 0 }, "j/k", "move", NULL, TUI_NONE, 0 },
	{ { KEY_UP, 'k' }, "Up/k", NULL, "previous option", TUI_UP, 0 },
	{ { KEY_DOWN, 'j' }, "Down/j", NULL, "next option", TUI_DOWN, 0 },
	{ { KEY_HOME, KEY_PPAGE }, "Home", NULL, "first option", TUI_HOME,
	    0 },
	{ { KEY_END, KEY_NPAGE }, "End", NULL, "last option", TUI_END, 0 },
	{ { ' ', 'x' }, "Space", "toggle", "turn the option on or off",
	    TUI_TOGGLE, 0 },
	{ { '\r', '\n', KEY_ENTER, KEY_RIGHT }, "Enter", "review diff",
	    "go on: show the changes these choices make", TUI_ENTER, 0 },
	{ { 27, KEY_LEFT, KEY_BACKSPACE, 127, 8 }, "Esc", "back",
	    "back to the Host choice", TUI_BACK, 0 },
};

/* The screen's own state: the rows that apply to this walk (the
 * controller's choices), and the cursor. */
struct extras_data {
	struct tui_menu	 menu;		/* first: the screen's menu */
	int		 row[4];	/* enum wz_toggle of each row */
};

static void
extras_enter(struct tui *t)
{
	struct extras_data	*d = xcalloc(1, sizeof *d);
	int			 i;

	/* A plan with the current choices, for what needs a human. */
	wizard_plan(&t->wz);
	for (i = EX_PROTO; i <= EX_A2ENMOD; i++)
		if (wizard_extra_applies(&t->wz, (enum wz_toggle)i))
			d->row[d->menu.n++] = i;
	t->data = d;
}

static void
extras_item(struct tui *t, int *r, int last, int i, const char *what,
    const char *why)
{
	const struct extras_data	*d = t->data;
	size_t				 k;

	for (k = 0; k < d->menu.n && d->row[k] != i; k++)
		;
	if (*r >= last || k == d->menu.n)
		return;
	tui_choice(t, *r, d->menu.sel == k, wizard_is_on(&t->wz,
	    (enum wz_toggle)i) ? TG_CHECK_ON : TG_CHECK_OFF, what);
	(*r)++;
	if (*r < last)
		*r += tui_put_wrapped(t, *r, 5, last - *r, TA_NORMAL, why);
}

static void
extras_draw(struct tui *t, int y, int h)
{
	const struct vec	*manual = &t->wz.fix.plan.manual;
	int			 r = y + 1, last = y + h;
	size_t			 i;
	char			*s;

	tui_put(t, y, 1, COLS - 1, TA_NORMAL, "Add these lines too?", 0);
	extras_item(t, &r, last, EX_PROTO,
	    "RequestHeader set X-Forwarded-Proto \"https\"",
	    "Tells the backend the visitor used https, so its links and "
	    "redirects use https (TLS vhosts only).");
	extras_item(t, &r, last, EX_SERVER, "Header unset Server",
	    "Hides the backend's software and version from visitors.");
	extras_item(t, &r, last, EX_TOKENS, "ServerTokens Prod",
	    "Global, every site: Apache's own Server header then says just "
	    "\"Apache\".");
	if (wizard_a2enmod_offered(&t->wz)) {
		s = xasprintf("Run `%s` after the write", t->wz.a2enmod);
		extras_item(t, &r, last, EX_A2ENMOD, s,
		    "Enables the missing modules (Apache loads them at the "
		    "next reload).");
		free(s);
	}
	if (manual->n > 0 && r + 1 < last) {
		r++;
		tui_put(t, r++, 1, COLS - 1, TA_HEADING,
		    "Not fixed automatically; left to you:", 0);
		for (i = 0; i < manual->n && r < last; i++) {
			s = xasprintf("  %s", (const char *)manual->v[i]);
			r += tui_put_wrapped(t, r, 0, last - r, TA_WARNING,
			    s);
			free(s);
		}
	}
}

static void
extras_key(struct tui *t, int action, int ch)
{
	struct extras_data	*d = t->data;

	(void)ch;
	if (tui_menu_key(&d->menu, action))
		return;
	switch (action) {
	case TUI_TOGGLE:
		if (d->menu.sel < d->menu.n &&
		    wizard_toggle(&t->wz, (enum wz_toggle)d->row[d->menu.sel])
		    != 0 && d->row[d->menu.sel] == EX_PROTO)
			tui_message(t, "X-Forwarded-Proto \"https\" is only "
			    "added to TLS vhosts.");
		break;
	case TUI_ENTER:
		tui_goto_next(t);
		break;
	case TUI_BACK:
		tui_goto_prev(t);
		break;
	}
}

const struct screen screen_extras = {
	.title = "Extras",
	.keys = extras_keys,
	.nkeys = sizeof extras_keys / sizeof extras_keys[0],
	.enter = extras_enter,
	.draw = extras_draw,
	.key = extras_key,
};
