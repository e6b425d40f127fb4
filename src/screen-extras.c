/* screen-extras.c: step 4, the optional lines.
 *
 * Checkboxes for the plan's options, each with one line of why; what the
 * planner cannot do (missing modules, sockets) is listed with the command
 * to run, and on the live system a2enmod is offered to run after the
 * write. */
#include "config.h"

#include <ctype.h>
#include <curses.h>
#include <stdlib.h>
#include <string.h>

#include "screen.h"

enum {
	EX_PROTO,
	EX_SERVER,
	EX_TOKENS,
	EX_A2ENMOD,
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

static int
extras_count(const struct tui *t)
{
	return t->a2enmod != NULL && t->opts->live_root ? 4 : 3;
}

/* "... a2enmod proxy_http headers ..." -> "a2enmod proxy_http headers":
 * only module names follow, so the command is safe to run as argv. */
static char *
extras_find_a2enmod(const struct plan *p)
{
	size_t	i;

	for (i = 0; i < p->manual.n; i++) {
		const char	*s = strstr(p->manual.v[i], "a2enmod ");
		struct buf	 b = { 0 };
		int		 words = 0;

		if (s == NULL)
			continue;
		buf_adds(&b, "a2enmod");
		s += 8;
		for (;;) {
			const char	*e;

			while (*s == ' ')
				s++;
			for (e = s; isalnum((unsigned char)*e) || *e == '_';
			    e++)
				;
			if (e == s || (*e != '\0' && *e != ' ' && *e != '`' &&
			    *e != '\'' && *e != ')' && *e != ',' && *e != ';'))
				break;
			buf_addc(&b, ' ');
			buf_add(&b, s, (size_t)(e - s));
			words++;
			s = e;
			if (*s != ' ')
				break;
		}
		if (words > 0)
			return buf_steal(&b);
		buf_free(&b);
	}
	return NULL;
}

static void
extras_enter(struct tui *t)
{
	struct plan	p;
	size_t		i;

	/* A plan with the current choices, for its manual steps only. */
	memset(&p, 0, sizeof p);
	free(t->a2enmod);
	t->a2enmod = NULL;
	tui_lines_clear(t);
	if (plan_build(t->config, &t->vhost, 1, &t->popts, &p) == 0) {
		for (i = 0; i < p.manual.n; i++)
			tui_line(t, TA_WARNING, "  %s",
			    (const char *)p.manual.v[i]);
		t->a2enmod = extras_find_a2enmod(&p);
		plan_free(&p);
	}
}

static int
extras_on(const struct tui *t, int i)
{
	switch (i) {
	case EX_PROTO:
		return t->vhost->tls && t->popts.forwarded_proto == PLAN_ON;
	case EX_SERVER:
		return t->popts.hide_server == PLAN_ON;
	case EX_TOKENS:
		return t->popts.server_tokens_prod == PLAN_ON;
	default:
		return t->run_a2enmod;
	}
}

static void
extras_item(struct tui *t, int *r, int last, int i, const char *what,
    const char *why)
{
	int	sel = t->choice == i, x = 1;

	if (*r >= last)
		return;
	if (sel)
		tui_fill(t, *r, 0, COLS, TA_SELECTED);
	x += tui_put(t, *r, x, 4, sel ? TA_SELECTED : TA_NORMAL,
	    tui_glyph(t, extras_on(t, i) ? TG_CHECK_ON : TG_CHECK_OFF), 0);
	x++;
	tui_put(t, *r, x, COLS - x, sel ? TA_SELECTED : TA_HEADING, what, 0);
	(*r)++;
	if (*r < last)
		tui_put(t, (*r)++, 5, COLS - 5, TA_NORMAL, why, 0);
}

static void
extras_draw(struct tui *t, int y, int h)
{
	int	r = y + 1, last = y + h;
	size_t	i;
	char	*s;

	tui_put(t, y, 1, COLS - 1, TA_NORMAL, "Add these lines too?", 0);
	extras_item(t, &r, last, EX_PROTO,
	    "RequestHeader set X-Forwarded-Proto \"https\"",
	    t->vhost->tls ? "Tells the backend the visitor used https, so "
	    "its links and redirects use https." :
	    "Only for TLS vhosts; this one serves plain HTTP.");
	extras_item(t, &r, last, EX_SERVER, "Header unset Server",
	    "Hides the backend's software and version from visitors.");
	extras_item(t, &r, last, EX_TOKENS, "ServerTokens Prod",
	    "Global, every site: Apache's own Server header then says just "
	    "\"Apache\".");
	if (extras_count(t) > EX_A2ENMOD) {
		s = xasprintf("Run `%s` after the write", t->a2enmod);
		extras_item(t, &r, last, EX_A2ENMOD, s,
		    "Enables the missing modules (Apache loads them at the "
		    "next reload).");
		free(s);
	}
	if (t->lines.n > 0 && r + 1 < last) {
		r++;
		tui_put(t, r++, 1, COLS - 1, TA_HEADING,
		    "Not fixed automatically; needs a human:", 0);
		for (i = 0; i < t->lines.n && r < last; i++) {
			const struct tui_line	*l = t->lines.v[i];

			tui_put(t, r++, 0, COLS, l->attr, l->text, 0);
		}
	}
}

static void
extras_toggle(struct tui *t)
{
	switch (t->choice) {
	case EX_PROTO:
		if (!t->vhost->tls) {
			tui_message(t, "X-Forwarded-Proto \"https\" is only "
			    "added to TLS vhosts.");
			break;
		}
		t->popts.forwarded_proto = t->popts.forwarded_proto ==
		    PLAN_ON ? PLAN_OFF : PLAN_ON;
		break;
	case EX_SERVER:
		t->popts.hide_server = t->popts.hide_server == PLAN_ON ?
		    PLAN_OFF : PLAN_ON;
		break;
	case EX_TOKENS:
		t->popts.server_tokens_prod = t->popts.server_tokens_prod ==
		    PLAN_ON ? PLAN_OFF : PLAN_ON;
		break;
	case EX_A2ENMOD:
		t->run_a2enmod = !t->run_a2enmod;
		break;
	}
}

static void
extras_key(struct tui *t, int action, int ch)
{
	int	n = extras_count(t);

	switch (action) {
	case TUI_UP:
		if (t->choice > 0)
			t->choice--;
		break;
	case TUI_DOWN:
		if (t->choice + 1 < n)
			t->choice++;
		break;
	case TUI_HOME:
		t->choice = 0;
		break;
	case TUI_END:
		t->choice = n - 1;
		break;
	case TUI_TOGGLE:
		extras_toggle(t);
		break;
	case TUI_ENTER:
		tui_goto(t, STEP_DIFF);
		break;
	case TUI_BACK:
		tui_goto(t, STEP_HOST);
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
