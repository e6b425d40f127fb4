/* screen-host.c: step 3, preserve the Host header or not.
 *
 * The choice decides what ProxyPassReverse must say (mod_proxy compares
 * it literally with the Location the backend sends): with the host
 * preserved the backend redirects to the visitor's name, without it to
 * the address in ProxyPass.  The screen shows both with this vhost's own
 * names; the current setting is preselected. */
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

/* The first ProxyPass to a backend: (path, url) as Apache reads them. */
static int
host_first_proxypass(const struct cf_vhost *v, const char **path,
    const char **url)
{
	size_t	i;

	for (i = 0; i < v->dirs.n; i++) {
		const struct cf_dir	*d = v->dirs.v[i];

		if (!conf_is(d->node, "ProxyPass"))
			continue;
		if (d->ctx != NULL && d->nargs >= 1 &&
		    strcmp(d->args[0], "!") != 0) {
			*path = d->ctx_path;
			*url = d->args[0];
			return 1;
		}
		if (d->ctx == NULL && d->nargs >= 2 &&
		    strcmp(d->args[1], "!") != 0) {
			*path = d->args[0];
			*url = d->args[1];
			return 1;
		}
	}
	return 0;
}

/* "unix:/run/app.sock|http://127.0.0.1/" -> "http://127.0.0.1/" */
static const char *
host_strip_socket(const char *url)
{
	const char	*bar;

	if (strncasecmp(url, "unix:", 5) == 0 &&
	    (bar = strchr(url, '|')) != NULL)
		return bar + 1;
	return url;
}

/* The path part of a URL: "http://h:8000/app/" -> "/app/". */
static const char *
host_url_path(const char *url)
{
	const char	*p = strstr(url, "://");

	if (p == NULL)
		return "/";
	p = strchr(p + 3, '/');
	return p != NULL ? p : "/";
}

static void
host_option(struct tui *t, int yes)
{
	const struct cf_vhost	*v = t->vhost;
	const char		*path = "/", *url = NULL;
	int			 have = host_first_proxypass(v, &path, &url);
	int			 cur = t->cur_preserve == (yes ? PLAN_ON :
				    PLAN_OFF);
	size_t			 i;

	if (yes) {
		tui_line(t, TA_HEADING, "Yes, preserve the Host header%s",
		    cur ? "   (current setting)" : "");
		tui_line(t, TA_NORMAL, "      The backend sees %s, as the "
		    "visitor typed it.", v->server_name != NULL ?
		    v->server_name : "your domain");
		tui_line(t, TA_NORMAL, "%s", "      ProxyPassReverse must "
		    "name your domain (one per ServerName/Alias):");
		if (v->server_name != NULL)
			tui_line(t, TA_OK, "        ProxyPassReverse %s "
			    "http://%s%s", path, v->server_name,
			    have ? host_url_path(host_strip_socket(url)) :
			    "/");
		for (i = 0; i < v->naliases && i < 2; i++)
			tui_line(t, TA_OK, "        ProxyPassReverse %s "
			    "http://%s%s", path, v->aliases[i],
			    have ? host_url_path(host_strip_socket(url)) :
			    "/");
		if (v->naliases > 2)
			tui_line(t, TA_OK, "        ... and %zu more",
			    v->naliases - 2);
	} else {
		tui_line(t, TA_HEADING, "No, send the backend's address%s",
		    cur ? "   (current setting)" : "");
		tui_line(t, TA_NORMAL, "      The backend sees the address in "
		    "ProxyPass%s%s%s.", have ? " (" : "",
		    have ? host_strip_socket(url) : "", have ? ")" : "");
		tui_line(t, TA_NORMAL, "%s", "      ProxyPassReverse must "
		    "repeat that URL, without any unix:...| part:");
		tui_line(t, TA_OK, "        ProxyPassReverse %s %s", path,
		    have ? host_strip_socket(url) : "http://backend/");
	}
}

static void
host_build(struct tui *t)
{
	tui_lines_clear(t);
	host_option(t, 1);
	tui_line(t, TA_NORMAL, "%s", "");
	host_option(t, 0);
}

static void
host_enter(struct tui *t)
{
	t->choice = t->popts.preserve_host == PLAN_ON ? 0 : 1;
	host_build(t);
}

static void
host_draw(struct tui *t, int y, int h)
{
	size_t	i;
	int	r = y + 2;
	int	opt = 0;

	tui_put(t, y, 1, COLS - 1, TA_NORMAL, "Should the backend see the "
	    "visitor's Host header (ProxyPreserveHost)?", 0);
	for (i = 0; i < t->lines.n && r < y + h; i++, r++) {
		const struct tui_line	*l = t->lines.v[i];
		int			 head = l->attr == TA_HEADING;

		if (head) {
			int	sel = opt == t->choice;
			int	x = 1;

			if (sel)
				tui_fill(t, r, 0, COLS, TA_SELECTED);
			x += tui_put(t, r, x, 4, sel ? TA_SELECTED :
			    TA_NORMAL, tui_glyph(t, sel ? TG_RADIO_ON :
			    TG_RADIO_OFF), 0);
			x++;
			tui_put(t, r, x, COLS - x, sel ? TA_SELECTED :
			    TA_HEADING, l->text, 0);
			opt++;
		} else
			tui_put(t, r, 0, COLS, l->attr, l->text, 0);
	}
}

static void
host_choose(struct tui *t, int yes)
{
	t->popts.preserve_host = yes ? PLAN_ON : PLAN_OFF;
	tui_goto(t, STEP_EXTRAS);
}

static void
host_key(struct tui *t, int action, int ch)
{
	switch (action) {
	case TUI_UP:
	case TUI_HOME:
		t->choice = 0;
		break;
	case TUI_DOWN:
	case TUI_END:
		t->choice = 1;
		break;
	case TUI_TOGGLE:
		t->popts.preserve_host = t->choice == 0 ? PLAN_ON : PLAN_OFF;
		break;
	case TUI_ENTER:
		host_choose(t, t->choice == 0);
		break;
	case TUI_YES:
		host_choose(t, 1);
		break;
	case TUI_NO:
		host_choose(t, 0);
		break;
	case TUI_BACK:
		tui_goto(t, STEP_DIAG);
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
};
