/* tui-draw.c: the wizard's drawing helpers.
 *
 * Attributes from one table with a color column and a monochrome column,
 * glyphs from a UTF-8 table and an ASCII table, and the one routine that
 * puts text on the screen: every string goes through tui_walk(), which
 * makes control bytes, escape sequences, bytes that are not characters
 * here and bidirectional overrides visible, so nothing read from a config
 * file reaches the terminal raw. */
#include "config.h"

#include <curses.h>
#include <langinfo.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <wchar.h>
#include <wctype.h>

#include "tui-int.h"

#define TUI_TAB		8

/* One table: a color column (foreground, background, extra attribute)
 * and a monochrome column, used when the terminal has no colors,
 * NO_COLOR is set or --color never.  Meaning is never carried by color
 * alone: severities are also words, diff lines keep their +/-. */
static const struct {
	short	fg;
	short	bg;
	attr_t	color_attr;
	attr_t	mono_attr;
} tui_attr_table[TA__COUNT] = {
	[TA_NORMAL]	= { -1, -1, 0, 0 },
	[TA_TITLE]	= { COLOR_WHITE, COLOR_BLUE, A_BOLD, A_REVERSE },
	[TA_FRAME]	= { COLOR_BLUE, -1, 0, 0 },
	[TA_SELECTED]	= { COLOR_BLACK, COLOR_CYAN, 0, A_REVERSE },
	[TA_HEADING]	= { -1, -1, A_BOLD, A_BOLD },
	[TA_ERROR]	= { COLOR_RED, -1, A_BOLD, A_BOLD },
	[TA_WARNING]	= { COLOR_YELLOW, -1, A_BOLD, A_BOLD },
	[TA_INFO]	= { COLOR_CYAN, -1, 0, 0 },
	[TA_OK]		= { COLOR_GREEN, -1, 0, 0 },
	[TA_ADD]	= { COLOR_GREEN, -1, 0, A_BOLD },
	[TA_DEL]	= { COLOR_RED, -1, 0, 0 },
	[TA_HUNK]	= { COLOR_CYAN, -1, 0, 0 },
	[TA_FILE]	= { -1, -1, A_BOLD, A_BOLD },
	[TA_HILITE]	= { COLOR_BLACK, COLOR_YELLOW, 0, A_REVERSE },
	[TA_KEY]	= { -1, -1, A_BOLD, A_BOLD },
	[TA_DIM]	= { -1, -1, 0, 0 },
};

static const char *const tui_glyphs_utf8[TG__COUNT] = {
	[TG_HLINE] = "\u2500",
	[TG_VLINE] = "\u2502",
	[TG_ULCORNER] = "\u250c",
	[TG_URCORNER] = "\u2510",
	[TG_LLCORNER] = "\u2514",
	[TG_LRCORNER] = "\u2518",
	[TG_ERROR] = "\u2717",
	[TG_WARNING] = "!",
	[TG_FINE] = "\u2713",
	[TG_INFO] = "i",
	[TG_ARROW] = "\u2192",
	[TG_POINTER] = "\u25b6",
	[TG_CHECK_ON] = "[x]",
	[TG_CHECK_OFF] = "[ ]",
	[TG_RADIO_ON] = "(\u2022)",
	[TG_RADIO_OFF] = "( )",
	[TG_MORE] = "\u2026",
};

static const char *const tui_glyphs_ascii[TG__COUNT] = {
	[TG_HLINE] = "-",
	[TG_VLINE] = "|",
	[TG_ULCORNER] = "+",
	[TG_URCORNER] = "+",
	[TG_LLCORNER] = "+",
	[TG_LRCORNER] = "+",
	[TG_ERROR] = "X",
	[TG_WARNING] = "!",
	[TG_FINE] = "ok",
	[TG_INFO] = "i",
	[TG_ARROW] = "->",
	[TG_POINTER] = ">",
	[TG_CHECK_ON] = "[x]",
	[TG_CHECK_OFF] = "[ ]",
	[TG_RADIO_ON] = "(*)",
	[TG_RADIO_OFF] = "( )",
	[TG_MORE] = "~",
};

static attr_t	tui_attrs[TA__COUNT];

/* UTF-8 glyphs only where the terminal shows them: a UTF-8 locale and a
 * terminal type that is not a hardware-era one (a vt100 has no UTF-8). */
static int
tui_want_ascii(const struct tui_opts *o)
{
	const char	*cs, *term;
	char		*acsc;

	if (o->ascii)
		return 1;
	cs = nl_langinfo(CODESET);
	if (cs == NULL || (strcasecmp(cs, "UTF-8") != 0 &&
	    strcasecmp(cs, "utf8") != 0))
		return 1;
	term = getenv("TERM");
	if (term == NULL || *term == '\0' || strcmp(term, "dumb") == 0 ||
	    (term[0] == 'v' && term[1] == 't'))
		return 1;
	acsc = tigetstr("acsc");
	if (acsc == NULL || acsc == (char *)-1)
		return 1;
	return 0;
}

static void
tui_colors(struct tui *t)
{
	const char	*nc = getenv("NO_COLOR");
	int		 want;
	int		 deflt = 0;
	size_t		 i;

	switch (t->opts->color) {
	case TUI_COLOR_NEVER:
		want = 0;
		break;
	case TUI_COLOR_ALWAYS:
		want = 1;
		break;
	default:
		want = nc == NULL || *nc == '\0';
		break;
	}
	if (want && has_colors() && start_color() == OK &&
	    COLOR_PAIRS > TA__COUNT) {
		deflt = use_default_colors() == OK;
		t->mono = 0;
	} else
		t->mono = 1;
	for (i = 0; i < TA__COUNT; i++) {
		short	fg = tui_attr_table[i].fg;
		short	bg = tui_attr_table[i].bg;

		if (t->mono) {
			tui_attrs[i] = tui_attr_table[i].mono_attr;
			continue;
		}
		if (!deflt) {
			if (fg < 0)
				fg = COLOR_WHITE;
			if (bg < 0)
				bg = COLOR_BLACK;
		}
		init_pair((short)(i + 1), fg, bg);
		tui_attrs[i] = COLOR_PAIR(i + 1) | tui_attr_table[i].color_attr;
	}
}

void
tui_draw_init(struct tui *t)
{
	tui_colors(t);
	t->glyph_ascii = tui_want_ascii(t->opts);
}

const char *
tui_glyph(const struct tui *t, int g)
{
	return (t->glyph_ascii ? tui_glyphs_ascii : tui_glyphs_utf8)[g];
}

/* Bidirectional overrides reorder what is shown; draw them visibly. */
static int
tui_is_bidi(wchar_t wc)
{
	return (wc >= 0x202a && wc <= 0x202e) ||
	    (wc >= 0x2066 && wc <= 0x2069) || wc == 0x200e || wc == 0x200f;
}

/* Walk s as drawn: each unit is either one printable character (its
 * display width) or one visible escape ("^[" for ESC, "\xff" for a byte
 * that is not a character here, "?" for a non-printable character).
 * Calls fn for each cell string with its width.  Tabs expand to spaces. */
struct tui_cell_walk {
	struct tui	*t;
	int		 y, x, w;
	size_t		 skip;
	size_t		 col;		/* display column in the text */
	int		 used;		/* columns drawn */
	int		 draw;
	int		 full;
};

static void
tui_cell(struct tui_cell_walk *cw, const wchar_t *ws, int width)
{
	if (cw->full)
		return;
	if (cw->col + (size_t)width <= cw->skip) {
		cw->col += (size_t)width;
		return;
	}
	if (cw->col < cw->skip) {
		/* a wide character cut by the left edge */
		int	pad = (int)(cw->col + (size_t)width - cw->skip);

		cw->col += (size_t)width;
		while (pad-- > 0 && cw->used < cw->w) {
			if (cw->draw)
				mvaddch(cw->y, cw->x + cw->used, ' ');
			cw->used++;
		}
		return;
	}
	if (cw->used + width > cw->w) {
		cw->full = 1;
		return;
	}
	if (cw->draw)
		mvaddnwstr(cw->y, cw->x + cw->used, ws, 1);
	cw->used += width;
	cw->col += (size_t)width;
}

static void
tui_cell_ascii(struct tui_cell_walk *cw, const char *s)
{
	wchar_t	wc[1];

	for (; *s != '\0'; s++) {
		wc[0] = (unsigned char)*s;
		tui_cell(cw, wc, 1);
	}
}

static void
tui_walk(struct tui_cell_walk *cw, const char *s)
{
	mbstate_t	ps;
	size_t		left = strlen(s);
	char		esc[8];

	memset(&ps, 0, sizeof ps);
	while (left > 0 && !cw->full) {
		unsigned char	 c = (unsigned char)*s;
		wchar_t		 wc[1];
		size_t		 n;
		int		 width;

		if (c == '\t') {
			do
				tui_cell_ascii(cw, " ");
			while (cw->col % TUI_TAB != 0 && !cw->full);
			s++;
			left--;
			continue;
		}
		if (c < 0x20 || c == 0x7f) {
			snprintf(esc, sizeof esc, "^%c", c ^ 0x40);
			tui_cell_ascii(cw, esc);
			s++;
			left--;
			continue;
		}
		if (c < 0x80) {
			wc[0] = c;
			tui_cell(cw, wc, 1);
			s++;
			left--;
			continue;
		}
		n = mbrtowc(wc, s, left, &ps);
		if (n == (size_t)-1 || n == (size_t)-2 || n == 0) {
			memset(&ps, 0, sizeof ps);
			snprintf(esc, sizeof esc, "\\x%02x", c);
			tui_cell_ascii(cw, esc);
			s++;
			left--;
			continue;
		}
		width = wcwidth(wc[0]);
		if (!iswprint((wint_t)wc[0]) || width < 1 ||
		    tui_is_bidi(wc[0]))
			tui_cell_ascii(cw, "?");
		else
			tui_cell(cw, wc, width);
		s += n;
		left -= n;
	}
}

static attr_t
tui_attr(int a)
{
	return tui_attrs[a];
}

int
tui_put(struct tui *t, int y, int x, int w, int attr, const char *s,
    size_t skip)
{
	struct tui_cell_walk	cw;
	const char		*more = NULL;
	int			 cut, mw = 0;

	if (w <= 0 || y < 0 || y >= LINES || x >= COLS || s == NULL)
		return 0;
	if (x + w > COLS)
		w = COLS - x;
	/* Text cut at the right edge ends with the "more" mark, so a cut
	 * line never reads as a whole one (issue 16). */
	memset(&cw, 0, sizeof cw);
	cw.w = w;
	cw.skip = skip;
	tui_walk(&cw, s);
	cut = cw.full;
	if (cut) {
		more = tui_glyph(t, TG_MORE);
		mw = (int)tui_width(more);
		if (mw > w)
			mw = w;
	}
	memset(&cw, 0, sizeof cw);
	cw.t = t;
	cw.y = y;
	cw.x = x;
	cw.w = w - mw;
	cw.skip = skip;
	cw.draw = 1;
	attrset(tui_attr(attr));
	tui_walk(&cw, s);
	if (cut) {
		/* a wide character may leave a cell before the mark */
		while (cw.used < w - mw)
			mvaddch(y, x + cw.used++, ' ');
		cw.full = 0;
		cw.w = w;
		tui_walk(&cw, more);
		cw.used = w;
	}
	attrset(A_NORMAL);
	return cw.used;
}

size_t
tui_width(const char *s)
{
	struct tui_cell_walk	cw;

	memset(&cw, 0, sizeof cw);
	cw.w = 1 << 30;
	tui_walk(&cw, s);
	return cw.col;
}

void
tui_fill(struct tui *t, int y, int x, int w, int attr)
{
	int	i;

	if (y < 0 || y >= LINES)
		return;
	attrset(tui_attr(attr));
	for (i = 0; i < w && x + i < COLS; i++)
		mvaddch(y, x + i, ' ');
	attrset(A_NORMAL);
}

void
tui_hline(struct tui *t, int y, int x, int w)
{
	int	i;

	for (i = 0; i < w && x + i < COLS; i++)
		tui_put(t, y, x + i, 1, TA_FRAME, tui_glyph(t, TG_HLINE), 0);
}

void
tui_box(struct tui *t, int y, int x, int h, int w)
{
	int	i;

	if (h < 2 || w < 2)
		return;
	tui_put(t, y, x, 1, TA_FRAME, tui_glyph(t, TG_ULCORNER), 0);
	tui_hline(t, y, x + 1, w - 2);
	tui_put(t, y, x + w - 1, 1, TA_FRAME, tui_glyph(t, TG_URCORNER), 0);
	for (i = 1; i < h - 1; i++) {
		tui_put(t, y + i, x, 1, TA_FRAME, tui_glyph(t, TG_VLINE), 0);
		tui_fill(t, y + i, x + 1, w - 2, TA_NORMAL);
		tui_put(t, y + i, x + w - 1, 1, TA_FRAME,
		    tui_glyph(t, TG_VLINE), 0);
	}
	tui_put(t, y + h - 1, x, 1, TA_FRAME, tui_glyph(t, TG_LLCORNER), 0);
	tui_hline(t, y + h - 1, x + 1, w - 2);
	tui_put(t, y + h - 1, x + w - 1, 1, TA_FRAME,
	    tui_glyph(t, TG_LRCORNER), 0);
}

void
tui_choice(struct tui *t, int y, int selected, int glyph, const char *label)
{
	int	x = 1;

	if (selected)
		tui_fill(t, y, 0, COLS, TA_SELECTED);
	x += tui_put(t, y, x, 4, selected ? TA_SELECTED : TA_NORMAL,
	    tui_glyph(t, glyph), 0);
	x++;
	tui_put(t, y, x, COLS - x, selected ? TA_SELECTED : TA_HEADING,
	    label, 0);
}

int
tui_sev_attr(enum sev s)
{
	switch (s) {
	case SEV_ERROR:
		return TA_ERROR;
	case SEV_WARNING:
		return TA_WARNING;
	default:
		return TA_INFO;
	}
}

int
tui_sev_glyph(enum sev s)
{
	switch (s) {
	case SEV_ERROR:
		return TG_ERROR;
	case SEV_WARNING:
		return TG_WARNING;
	default:
		return TG_INFO;
	}
}

const char *
tui_vhost_name(const struct tui *t, const struct cf_vhost *v)
{
	const struct vec	*vh = &t->wz.config->vhosts;
	size_t			 k, a, b;

	if (v->server_name != NULL)
		return v->server_name;
	/* the first vhost on each of its addresses takes the requests no
	 * other name matches, as vhostfix list says */
	for (k = 0; k < vh->n && vh->v[k] != v; k++) {
		const struct cf_vhost	*w = vh->v[k];

		for (a = 0; a < v->naddrs; a++)
			for (b = 0; b < w->naddrs; b++)
				if (strcmp(v->addrs[a], w->addrs[b]) == 0)
					return "(no ServerName)";
	}
	return "(default vhost)";
}
