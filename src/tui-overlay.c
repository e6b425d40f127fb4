/* tui-overlay.c: what is drawn over a screen, and its keys.
 *
 * The help (from the screen's keymap and the global keys: one table per
 * screen drives the dispatch, the help and the key line), a yes/no
 * question, a one-line prompt, the status message, the key line, and the
 * "terminal too small" screen. */
#include "config.h"

#include <curses.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "tui-int.h"

/* Keys every screen has; listed after the screen's own in help and in
 * the key line. */
static const struct screen_key tui_global_keys[] = {
	{ { '?', KEY_F(1) }, "?/F1", "help", "show the keys of this screen",
	    TUI_HELP, 0 },
	{ { 'q', 'Q' }, "q", "quit",
	    "quit (asks first if a change is prepared but not written)",
	    TUI_QUIT, 0 },
};

void
tui_message(struct tui *t, const char *fmt, ...)
{
	va_list	ap;

	free(t->msg);
	va_start(ap, fmt);
	t->msg = xvasprintf(fmt, ap);
	va_end(ap);
}

void
tui_ask(struct tui *t, const char *question, void (*yes)(struct tui *),
    void (*no)(struct tui *))
{
	struct tui_ask	*a = xcalloc(1, sizeof *a);

	a->question = xstrdup(question);
	a->yes = yes;
	a->no = no;
	t->ask = a;
}

static void
tui_ask_free(struct tui_ask *a)
{
	if (a != NULL) {
		free(a->question);
		free(a);
	}
}

void
tui_prompt(struct tui *t, const char *label, const char *initial,
    void (*done)(struct tui *, const char *), void (*cancel)(struct tui *),
    void (*change)(struct tui *, const char *))
{
	struct tui_prompt	*p = xcalloc(1, sizeof *p);

	p->label = xstrdup(label);
	buf_adds(&p->text, initial != NULL ? initial : "");
	p->done = done;
	p->cancel = cancel;
	p->change = change;
	t->prompt = p;
}

static void
tui_prompt_free(struct tui_prompt *p)
{
	if (p != NULL) {
		free(p->label);
		buf_free(&p->text);
		free(p);
	}
}

unsigned
tui_mode(struct tui *t)
{
	const struct screen	*s = t->screen;

	return s->mode != NULL ? s->mode(t) : ~0u;
}

int
tui_key_active(const struct screen_key *k, unsigned mode)
{
	return k->when == 0 || (k->when & mode) != 0;
}

/* The keymaps in force, in the order they are matched and shown: the
 * screen's (n 0), then the global keys (n 1). */
const struct screen_key *
tui_keymap(const struct screen *s, int n, size_t *nkeys)
{
	if (n == 0) {
		*nkeys = s->nkeys;
		return s->keys;
	}
	*nkeys = sizeof tui_global_keys / sizeof tui_global_keys[0];
	return tui_global_keys;
}

/* A global key k whose every code an active key of screen s takes (q
 * going back from a view over a screen): not shown, as it never acts. */
static int
tui_key_shadowed(const struct screen *s, unsigned mode,
    const struct screen_key *k)
{
	const struct screen_key	*keys;
	size_t			 i, j, l, nkeys;
	int			 taken;

	keys = tui_keymap(s, 0, &nkeys);
	for (l = 0; k->keys[l] != 0; l++) {
		taken = 0;
		for (i = 0; i < nkeys && !taken; i++) {
			if (!tui_key_active(&keys[i], mode))
				continue;
			for (j = 0; keys[i].keys[j] != 0; j++)
				if (keys[i].keys[j] == k->keys[l])
					taken = 1;
		}
		if (!taken)
			return 0;
	}
	return l > 0;
}

/* The key line: the screen's keys, then help and quit.  When they do not
 * fit, the scroll summaries (j/k) go first, then the screen's keys from
 * the end but Enter and Esc, then those; help and quit always stay. */
static void
tui_draw_keyline(struct tui *t)
{
	const struct screen	*s = t->screen;
	const struct screen_key	*shown[64];
	int			 global[64], keep[64];
	unsigned		 mode = tui_mode(t);
	int			 x = 1, y = LINES - 1, n, total = 1, drop;
	size_t			 i, nkeys, ns = 0;

	tui_fill(t, y, 0, COLS, TA_NORMAL);
	for (n = 0; n < 2; n++) {
		const struct screen_key	*keys = tui_keymap(s, n, &nkeys);

		if (t->help || t->ask != NULL || t->prompt != NULL)
			break;
		for (i = 0; i < nkeys && ns < 64; i++) {
			const struct screen_key	*k = &keys[i];

			if (k->label == NULL || !tui_key_active(k, mode) ||
			    (n == 1 && tui_key_shadowed(s, mode, k)))
				continue;
			global[ns] = n;
			keep[ns] = 1;
			shown[ns++] = k;
			total += (int)(tui_width(k->name) +
			    tui_width(k->label)) + 3;
		}
	}
	for (drop = 0; drop < 3; drop++)
		for (i = ns; i-- > 0 && total - 2 > COLS;) {
			if (global[i] || !keep[i] ||
			    (drop == 0 && shown[i]->action != TUI_NONE) ||
			    (drop == 1 && (shown[i]->action == TUI_ENTER ||
			    shown[i]->action == TUI_BACK)))
				continue;
			keep[i] = 0;
			total -= (int)(tui_width(shown[i]->name) +
			    tui_width(shown[i]->label)) + 3;
		}
	for (i = 0; i < ns; i++) {
		if (!keep[i])
			continue;
		x += tui_put(t, y, x, COLS - x, TA_KEY, shown[i]->name, 0);
		x += tui_put(t, y, x, COLS - x, TA_NORMAL, " ", 0);
		x += tui_put(t, y, x, COLS - x, TA_NORMAL, shown[i]->label, 0);
		x += 2;
	}
	if (t->help)
		tui_put(t, y, 1, COLS - 1, TA_KEY, t->help_more > 0 ||
		    t->help_top > 0 ? "j/k scroll  any other key: close help" :
		    "any key: close help", 0);
	else if (t->ask != NULL)
		tui_put(t, y, 1, COLS - 1, TA_KEY, "y yes  n no  Esc no", 0);
	else if (t->prompt != NULL)
		tui_put(t, y, 1, COLS - 1, TA_KEY,
		    "Enter accept  Esc cancel  Backspace delete", 0);
}

/* The help: the screen's title and the legend, then one entry per key,
 * its text wrapped; the entries scroll (j/k, PgUp/PgDn) when they do not
 * fit, with a mark where there is more. */
void
tui_draw_help(struct tui *t, int y, int h)
{
	const struct screen	*s = t->screen;
	unsigned		 mode = tui_mode(t);
	int			 r = y + 1, n, top, last = y + h - 1;
	int			 wtext = COLS - 21;
	size_t			 i, nkeys, row = 0, rows, from;
	char			*legend;

	tui_box(t, y, 0, h, COLS);
	tui_put(t, r++, 2, COLS - 4, TA_HEADING, s->title, 0);
	legend = xasprintf("%s error   %s warning   %s info   %s fine   "
	    "* marked", tui_glyph(t, TG_ERROR), tui_glyph(t, TG_WARNING),
	    tui_glyph(t, TG_INFO), tui_glyph(t, TG_FINE));
	r += (int)tui_wrap(t, legend, 2, COLS - 4, r, TA_NORMAL, 0, 2) > 1 ?
	    2 : 1;
	free(legend);
	r++;
	top = r;
	if (t->help_top < 0)
		t->help_top = 0;
	for (n = 0; n < 2; n++) {
		const struct screen_key	*keys = tui_keymap(s, n, &nkeys);

		for (i = 0; i < nkeys; i++) {
			if (!tui_key_active(&keys[i], mode) ||
			    keys[i].help == NULL ||
			    (n == 1 && tui_key_shadowed(s, mode, &keys[i])))
				continue;
			rows = tui_wrap(t, keys[i].help, 19, wtext, -1,
			    TA_NORMAL, 0, 0);
			if (row + rows > (size_t)t->help_top) {
				from = row < (size_t)t->help_top ?
				    (size_t)t->help_top - row : 0;
				if (from == 0 && r < last)
					tui_put(t, r, 2, 16, TA_KEY,
					    keys[i].name, 0);
				if (r < last)
					tui_wrap(t, keys[i].help, 19, wtext,
					    r, TA_NORMAL, from,
					    (size_t)(last - r));
				r += (int)(rows - from);
			}
			row += rows;
		}
	}
	/* past the end: scroll back so the last entry is at the bottom */
	if (t->help_top > 0 && row < (size_t)t->help_top + (size_t)(last -
	    top)) {
		t->help_top = row > (size_t)(last - top) ?
		    (int)row - (last - top) : 0;
		tui_draw_help(t, y, h);
		return;
	}
	t->help_more = r > last ? r - last : 0;
	if (t->help_top > 0)
		tui_put(t, top, COLS - 2, 1, TA_KEY, "^", 0);
	if (t->help_more > 0)
		tui_put(t, last, 2, COLS - 4, TA_KEY, " more below: j/Down, "
		    "PgDn ", 0);
}

static void
tui_draw_ask(struct tui *t)
{
	int	w, h, x, y, rows;
	size_t	qw = tui_width(t->ask->question);

	w = (int)qw + 4;
	if (w < 30)
		w = 30;
	if (w > COLS - 2)
		w = COLS - 2;
	/* a long question wraps inside the box */
	rows = (int)tui_wrap(t, t->ask->question, 0, w - 4, -1, TA_HEADING,
	    0, 0);
	if (rows > LINES - 8)
		rows = LINES - 8;
	h = rows + 4;
	x = (COLS - w) / 2;
	y = (LINES - h) / 2;
	tui_box(t, y, x, h, w);
	tui_wrap(t, t->ask->question, x + 2, w - 4, y + 1, TA_HEADING, 0,
	    (size_t)rows);
	tui_put(t, y + h - 2, x + 2, w - 4, TA_KEY, "y yes   n no", 0);
}

static void
tui_draw_prompt(struct tui *t)
{
	int	y = LINES - 2, x;
	size_t	tw, avail;

	tui_fill(t, y, 0, COLS, TA_NORMAL);
	x = tui_put(t, y, 0, COLS, TA_HEADING, t->prompt->label, 0);
	x += tui_put(t, y, x, COLS - x, TA_NORMAL, " ", 0);
	/* keep the end (where the cursor is) in view */
	tw = tui_width(t->prompt->text.data ? t->prompt->text.data : "");
	avail = COLS - x > 2 ? (size_t)(COLS - x - 2) : 1;
	x += tui_put(t, y, x, COLS - x, TA_NORMAL,
	    t->prompt->text.data ? t->prompt->text.data : "",
	    tw > avail ? tw - avail : 0);
	tui_put(t, y, x, 1, TA_SELECTED, " ", 0);
}

void
tui_draw_small(struct tui *t)
{
	char	*s;

	erase();
	s = xasprintf("%dx%d", COLS, LINES);
	tui_put(t, 0, 0, COLS, TA_HEADING, "Terminal too small", 0);
	tui_put(t, 1, 0, COLS, TA_NORMAL, "vhostfix needs at least 60x16,",
	    0);
	tui_put(t, 2, 0, COLS, TA_NORMAL, "this one is ", 0);
	tui_put(t, 2, 12, COLS - 12, TA_NORMAL, s, 0);
	tui_put(t, 3, 0, COLS, TA_NORMAL, "Enlarge the window to go on.", 0);
	tui_put(t, 4, 0, COLS, TA_NORMAL, t->wz.pending ? "q quits "
	    "(nothing is written)." : "q quits.", 0);
	free(s);
}

static void
tui_prompt_key(struct tui *t, int ch)
{
	struct tui_prompt	*p = t->prompt;
	char			*text;

	if (ch == '\r' || ch == '\n' || ch == KEY_ENTER) {
		text = buf_steal(&p->text);
		t->prompt = NULL;
		if (p->done != NULL)
			p->done(t, text);
		free(text);
		tui_prompt_free(p);
		return;
	}
	if (ch == 27) {
		t->prompt = NULL;
		if (p->cancel != NULL)
			p->cancel(t);
		tui_prompt_free(p);
		return;
	}
	if (ch == KEY_BACKSPACE || ch == 127 || ch == 8) {
		/* drop one UTF-8 character */
		while (p->text.len > 0) {
			unsigned char	c = (unsigned char)
					    p->text.data[--p->text.len];

			if ((c & 0xc0) != 0x80)
				break;
		}
		if (p->text.data != NULL)
			p->text.data[p->text.len] = '\0';
	} else if (ch == 21) {	/* ^U */
		p->text.len = 0;
		if (p->text.data != NULL)
			p->text.data[0] = '\0';
	} else if (ch >= 0x20 && ch <= 0xff && ch != 0x7f)
		buf_addc(&p->text, (char)ch);
	else
		return;
	if (p->change != NULL)
		p->change(t, p->text.data != NULL ? p->text.data : "");
}

void
tui_draw_overlays(struct tui *t)
{
	if (t->prompt != NULL)
		tui_draw_prompt(t);
	else if (t->msg != NULL) {
		tui_fill(t, LINES - 2, 0, COLS, TA_NORMAL);
		tui_put(t, LINES - 2, 1, COLS - 1, TA_HEADING, t->msg, 0);
	}
	if (t->ask != NULL)
		tui_draw_ask(t);
	tui_draw_keyline(t);
}

int
tui_overlay_key(struct tui *t, int ch)
{
	if (t->ask != NULL) {
		struct tui_ask	*a = t->ask;
		void		(*fn)(struct tui *) = NULL;

		if (ch == 'y' || ch == 'Y')
			fn = a->yes;
		else if (ch == 'n' || ch == 'N' || ch == 27 || ch == 'q' ||
		    ch == '\r' || ch == '\n' || ch == KEY_ENTER)
			fn = a->no;
		else
			return 1;
		t->ask = NULL;
		tui_ask_free(a);
		if (fn != NULL)
			fn(t);
		return 1;
	}
	if (t->prompt != NULL) {
		tui_prompt_key(t, ch);
		return 1;
	}
	if (t->help) {
		/* scroll a help that does not fit; any other key closes */
		switch (ch) {
		case KEY_DOWN:
		case 'j':
			if (t->help_more > 0)
				t->help_top++;
			return 1;
		case KEY_NPAGE:
		case ' ':
			if (t->help_more > 0)
				t->help_top += LINES / 2;
			return 1;
		case KEY_UP:
		case 'k':
			if (t->help_top > 0)
				t->help_top--;
			return 1;
		case KEY_PPAGE:
			t->help_top -= LINES / 2;
			if (t->help_top < 0)
				t->help_top = 0;
			return 1;
		default:
			break;
		}
		t->help = 0;
		t->help_top = 0;
		return 1;
	}
	return 0;
}

void
tui_overlays_free(struct tui *t)
{
	tui_ask_free(t->ask);
	t->ask = NULL;
	tui_prompt_free(t->prompt);
	t->prompt = NULL;
	free(t->msg);
	t->msg = NULL;
}
