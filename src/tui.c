/* tui.c: the wizard's curses lifecycle, drawing helpers and input loop.
 *
 * The only file that starts and stops curses.  Startup order matters:
 * the caller has parsed options and loaded the tree (errors on a normal
 * terminal), setlocale() ran in main.  Here: signals, stderr parked in a
 * temporary file (a stray message must not garble the screen; it is
 * replayed after endwin), newterm, colors or monochrome, glyph table.
 * Every exit path goes through tui_stop(). */
#include "config.h"

#include <curses.h>
#include <errno.h>
#include <langinfo.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <wchar.h>
#include <wctype.h>

#include "cli.h"
#include "rules.h"
#include "screen.h"
#include "tui.h"
#include "util.h"

/* Below this the layout cannot show a step without garbling it. */
#define TUI_MIN_COLS	60
#define TUI_MIN_ROWS	16
#define TUI_TAB		8

static const struct screen *const tui_screens[STEP__COUNT] = {
	[STEP_LIST] = &screen_list,
	[STEP_DIAG] = &screen_diag,
	[STEP_HOST] = &screen_host,
	[STEP_EXTRAS] = &screen_extras,
	[STEP_DIFF] = &screen_diff,
	[STEP_WRITE] = &screen_write,
	[STEP_DONE] = &screen_done,
};

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
	[TG_FINE] = "+",
	[TG_INFO] = "i",
	[TG_ARROW] = "->",
	[TG_POINTER] = ">",
	[TG_CHECK_ON] = "[x]",
	[TG_CHECK_OFF] = "[ ]",
	[TG_RADIO_ON] = "(*)",
	[TG_RADIO_OFF] = "( )",
	[TG_MORE] = "~",
};

/* Keys every screen has; listed after the screen's own in help and in
 * the key line. */
static const struct screen_key tui_global_keys[] = {
	{ { '?', KEY_F(1) }, "?/F1", "help", "show the keys of this screen",
	    TUI_HELP, 0 },
	{ { 'q', 'Q' }, "q", "quit",
	    "quit (asks first if a change is prepared but not written)",
	    TUI_QUIT, 0 },
};

static volatile sig_atomic_t	 tui_signal;
static int			 tui_active;
static SCREEN			*tui_screen;
static int			 tui_saved_stderr = -1;
static FILE			*tui_parked_stderr;
static attr_t			 tui_attrs[TA__COUNT];

static void
tui_on_signal(int sig)
{
	tui_signal = sig;
}

/* A crash: put the terminal back as far as possible, then die of the
 * same signal so the shell and core dumps see it. */
static void
tui_on_crash(int sig)
{
	if (tui_active)
		endwin();
	if (tui_saved_stderr >= 0)
		dup2(tui_saved_stderr, STDERR_FILENO);
	signal(sig, SIG_DFL);
	raise(sig);
}

static void
tui_on_oom(void)
{
	if (tui_active) {
		endwin();
		tui_active = 0;
	}
	if (tui_saved_stderr >= 0)
		dup2(tui_saved_stderr, STDERR_FILENO);
}

int
tui_interrupted(void)
{
	return tui_signal != 0;
}

static void
tui_signals(void)
{
	static const int	 quit_sigs[] = { SIGINT, SIGTERM, SIGHUP };
	static const int	 crash_sigs[] = { SIGSEGV, SIGBUS, SIGFPE,
				    SIGILL, SIGABRT };
	struct sigaction	 sa;
	size_t			 i;

	memset(&sa, 0, sizeof sa);
	sigemptyset(&sa.sa_mask);
	/* No SA_RESTART: a blocking read returns and the loop looks. */
	sa.sa_handler = tui_on_signal;
	for (i = 0; i < sizeof quit_sigs / sizeof quit_sigs[0]; i++)
		sigaction(quit_sigs[i], &sa, NULL);
	sa.sa_handler = tui_on_crash;
	sa.sa_flags = SA_RESETHAND | SA_NODEFER;
	for (i = 0; i < sizeof crash_sigs / sizeof crash_sigs[0]; i++)
		sigaction(crash_sigs[i], &sa, NULL);
}

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

/* Home and End as terminals send them whatever TERM says: PuTTY, the
 * Linux console and tmux send ESC [1~ / ESC [4~, xterm ESC OH / ESC OF or
 * ESC [H / ESC [F.  Unbound sequences only. */
static void
tui_extra_keys(void)
{
	static const struct {
		const char	*seq;
		int		 key;
	} extra[] = {
		{ "\033[1~", KEY_HOME },
		{ "\033[7~", KEY_HOME },
		{ "\033[H", KEY_HOME },
		{ "\033OH", KEY_HOME },
		{ "\033[4~", KEY_END },
		{ "\033[8~", KEY_END },
		{ "\033[F", KEY_END },
		{ "\033OF", KEY_END },
	};
	size_t	i;

	for (i = 0; i < sizeof extra / sizeof extra[0]; i++)
		if (key_defined(extra[i].seq) == 0)
			define_key(extra[i].seq, extra[i].key);
}

static int
tui_start(struct tui *t)
{
	tui_signals();
	util_set_oom_hook(tui_on_oom);

	fflush(stderr);
	tui_saved_stderr = dup(STDERR_FILENO);
	tui_parked_stderr = tmpfile();
	if (tui_saved_stderr >= 0 && tui_parked_stderr != NULL)
		dup2(fileno(tui_parked_stderr), STDERR_FILENO);

	tui_screen = newterm(NULL, stdout, stdin);
	if (tui_screen == NULL) {
		if (tui_saved_stderr >= 0)
			dup2(tui_saved_stderr, STDERR_FILENO);
		fprintf(stderr, "vhostfix: cannot use this terminal (TERM=%s)"
		    "\n", getenv("TERM") ? getenv("TERM") : "");
		return -1;
	}
	set_term(tui_screen);
	tui_active = 1;
	cbreak();
	noecho();
	nonl();
	keypad(stdscr, TRUE);
	tui_extra_keys();
	/* Esc is "back": do not wait a second for a sequence after it. */
	set_escdelay(25);
	/* The loop wakes up to notice a signal flag. */
	timeout(250);
	curs_set(0);
	tui_colors(t);
	t->glyph_ascii = tui_want_ascii(t->opts);
	return 0;
}

static void
tui_stop(void)
{
	char	chunk[4096];
	size_t	n;

	if (tui_active) {
		endwin();
		tui_active = 0;
	}
	if (tui_screen != NULL) {
		delscreen(tui_screen);
		tui_screen = NULL;
	}
	fflush(stderr);
	if (tui_saved_stderr >= 0) {
		dup2(tui_saved_stderr, STDERR_FILENO);
		close(tui_saved_stderr);
		tui_saved_stderr = -1;
	}
	if (tui_parked_stderr != NULL) {
		rewind(tui_parked_stderr);
		while ((n = fread(chunk, 1, sizeof chunk,
		    tui_parked_stderr)) > 0)
			fwrite(chunk, 1, n, stderr);
		fclose(tui_parked_stderr);
		tui_parked_stderr = NULL;
	}
	util_set_oom_hook(NULL);
}

/* ---- drawing ---------------------------------------------------------- */

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

	if (w <= 0 || y < 0 || y >= LINES || x >= COLS || s == NULL)
		return 0;
	if (x + w > COLS)
		w = COLS - x;
	memset(&cw, 0, sizeof cw);
	cw.t = t;
	cw.y = y;
	cw.x = x;
	cw.w = w;
	cw.skip = skip;
	cw.draw = 1;
	attrset(tui_attr(attr));
	tui_walk(&cw, s);
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

/* ---- text view -------------------------------------------------------- */

static void
tui_line_free(void *p)
{
	struct tui_line	*l = p;

	free(l->text);
	free(l);
}

void
tui_view_clear(struct tui_view *v)
{
	vec_free_all(&v->lines, tui_line_free);
	v->scroll = 0;
	v->hscroll = 0;
}

static void	tui_vline(struct tui_view *, int, int, const char *, va_list)
		    __attribute__((format(printf, 4, 0)));

static void
tui_vline(struct tui_view *v, int attr, int wrap, const char *fmt,
    va_list ap)
{
	struct tui_line	*l = xmalloc(sizeof *l);

	l->text = xvasprintf(fmt, ap);
	l->attr = attr;
	l->wrap = wrap;
	vec_push(&v->lines, l);
}

void
tui_line(struct tui_view *v, int attr, const char *fmt, ...)
{
	va_list	ap;

	va_start(ap, fmt);
	tui_vline(v, attr, 0, fmt, ap);
	va_end(ap);
}

void
tui_wline(struct tui_view *v, int attr, const char *fmt, ...)
{
	va_list	ap;

	va_start(ap, fmt);
	tui_vline(v, attr, 1, fmt, ap);
	va_end(ap);
}

void
tui_lines(struct tui_view *v, int attr, const char *indent,
    const char *text)
{
	const char	*p, *nl;
	char		*line;

	for (p = text; *p != '\0'; p = nl + 1) {
		nl = strchr(p, '\n');
		if (nl == NULL)
			nl = p + strlen(p);
		line = xstrndup(p, (size_t)(nl - p));
		tui_line(v, attr, "%s%s", indent, line);
		free(line);
		if (*nl == '\0')
			break;
	}
}

/* Split prose into rows of at most w columns at spaces; continuation
 * rows are indented 4 more than the line.  Calls fn per row (NULL: just
 * count).  Returns the number of rows. */
static size_t
tui_wrap(struct tui *t, const char *s, int w, int y, int attr, size_t from,
    size_t maxrows)
{
	size_t		 rows = 0, indent = 0;
	const char	*p = s;
	struct buf	 row = { 0 };

	while (s[indent] == ' ')
		indent++;
	if ((int)indent + 8 > w)
		indent = 0;
	for (;;) {
		const char	*brk = NULL, *q = p;
		size_t		 first = rows == 0 ? 0 : indent + 4;
		char		*chunk;

		if ((int)first + 8 > w)
			first = 0;
		/* longest prefix of p that fits, ending before a space */
		buf_free(&row);
		for (;;) {
			const char	*e = q;

			while (*e == ' ')
				e++;
			while (*e != '\0' && *e != ' ')
				e++;
			chunk = xstrndup(p, (size_t)(e - p));
			if (first + tui_width(chunk) > (size_t)w &&
			    brk != NULL) {
				free(chunk);
				break;
			}
			free(chunk);
			brk = e;
			q = e;
			if (*e == '\0')
				break;
		}
		if (rows >= from && rows - from < maxrows && y >= 0) {
			chunk = xstrndup(p, (size_t)(brk - p));
			buf_printf(&row, "%*s%s", (int)first, "", chunk);
			free(chunk);
			tui_put(t, y + (int)(rows - from), 0, w, attr, row.data,
			    0);
		}
		rows++;
		p = brk;
		while (*p == ' ')
			p++;
		if (*p == '\0')
			break;
	}
	buf_free(&row);
	return rows;
}

static size_t
tui_line_rows(struct tui *t, const struct tui_line *l, int w)
{
	if (!l->wrap || l->text[0] == '\0')
		return 1;
	return tui_wrap(t, l->text, w, -1, l->attr, 0, 0);
}

void
tui_view_draw(struct tui *t, struct tui_view *v, int y, int h)
{
	size_t	i, row = 0, total = 0, n;
	int	w = COLS - 1;	/* the last column shows "more" marks */

	for (i = 0; i < v->lines.n; i++)
		total += tui_line_rows(t, v->lines.v[i], w);
	v->view_h = h;
	v->view_total = total;
	if (total <= (size_t)h)
		v->scroll = 0;
	else if (v->scroll > total - (size_t)h)
		v->scroll = total - (size_t)h;
	for (i = 0; i < v->lines.n && row < v->scroll + (size_t)h; i++) {
		const struct tui_line	*l = v->lines.v[i];

		n = tui_line_rows(t, l, w);
		if (row + n > v->scroll) {
			size_t	from = row < v->scroll ? v->scroll - row : 0;
			int	yy = y + (int)(row + from - v->scroll);

			if (l->wrap && l->text[0] != '\0')
				tui_wrap(t, l->text, w, yy, l->attr, from,
				    (size_t)h - (row + from - v->scroll));
			else
				tui_put(t, yy, 0, w, l->attr, l->text,
				    v->hscroll);
		}
		row += n;
	}
	/* Say there is more, so a clipped screen is never mistaken for the
	 * whole of it. */
	if (v->scroll > 0)
		tui_put(t, y, COLS - 1, 1, TA_KEY, "^", 0);
	if (v->scroll + (size_t)h < total)
		tui_put(t, y + h - 1, COLS - 1, 1, TA_KEY, "v", 0);
}

void
tui_view_screen_draw(struct tui *t, int y, int h)
{
	tui_view_draw(t, t->data, y, h);
}

void
tui_view_screen_leave(struct tui *t)
{
	struct tui_view	*v = t->data;

	if (v != NULL)
		tui_view_clear(v);
	free(v);
	t->data = NULL;
}

int
tui_view_key(struct tui_view *v, int action, int ch)
{
	struct tui_menu	m;

	switch (action) {
	case TUI_UP:
	case TUI_DOWN:
	case TUI_PGUP:
	case TUI_PGDN:
	case TUI_END:
		/* the rows are a list whose cursor is the top row */
		memset(&m, 0, sizeof m);
		m.n = v->view_total > (size_t)v->view_h ?
		    v->view_total - (size_t)v->view_h + 1 : 1;
		m.sel = v->scroll;
		m.rows = v->view_h;
		tui_menu_key(&m, action);
		v->scroll = m.sel;
		return 1;
	case TUI_HOME:
		v->scroll = 0;
		v->hscroll = 0;
		return 1;
	case TUI_SCROLL_RIGHT:
		v->hscroll += 8;
		return 1;
	case TUI_BACK:
		/* Left is also a Back key: on a view scrolled sideways it
		 * scrolls back before it leaves the screen. */
		if (ch != KEY_LEFT || v->hscroll == 0)
			return 0;
		/* FALLTHROUGH */
	case TUI_SCROLL_LEFT:
		v->hscroll = v->hscroll > 8 ? v->hscroll - 8 : 0;
		return 1;
	default:
		return 0;
	}
}

/* ---- the list widget -------------------------------------------------- */

int
tui_menu_key(struct tui_menu *m, int action)
{
	size_t	page = m->rows > 1 ? (size_t)m->rows - 1 : 1;
	size_t	last = m->n > 0 ? m->n - 1 : 0;

	switch (action) {
	case TUI_UP:
		if (m->sel > 0)
			m->sel--;
		return 1;
	case TUI_DOWN:
		if (m->sel < last)
			m->sel++;
		return 1;
	case TUI_PGUP:
		m->sel = m->sel > page ? m->sel - page : 0;
		return 1;
	case TUI_PGDN:
		m->sel = m->sel + page < last ? m->sel + page : last;
		return 1;
	case TUI_HOME:
		m->sel = 0;
		return 1;
	case TUI_END:
		m->sel = last;
		return 1;
	default:
		return 0;
	}
}

void
tui_menu_fit(struct tui_menu *m, int rows)
{
	m->rows = rows;
	if (m->n == 0 || rows < 1) {
		m->sel = m->top = 0;
		return;
	}
	if (m->sel >= m->n)
		m->sel = m->n - 1;
	if (m->sel < m->top)
		m->top = m->sel;
	if (m->sel >= m->top + (size_t)rows)
		m->top = m->sel - (size_t)rows + 1;
}

/* ---- overlays --------------------------------------------------------- */

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

/* ---- navigation ------------------------------------------------------- */

void
tui_goto(struct tui *t, int step)
{
	const struct screen	*old = tui_screens[t->step];

	if (old->leave != NULL)
		old->leave(t);
	else
		free(t->data);
	t->data = NULL;
	t->step = step;
	t->help = 0;
	if (tui_screens[step]->enter != NULL)
		tui_screens[step]->enter(t);
}

static void
tui_quit_yes(struct tui *t)
{
	t->quit = 1;
}

void
tui_request_quit(struct tui *t)
{
	if (t->wz.pending)
		tui_ask(t, "A change is prepared but not written. "
		    "Quit without writing it?", tui_quit_yes, NULL);
	else
		t->quit = 1;
}

/* ---- the frame and the loop ------------------------------------------- */

static unsigned
tui_mode(struct tui *t)
{
	const struct screen	*s = tui_screens[t->step];

	return s->mode != NULL ? s->mode(t) : ~0u;
}

static int
tui_key_active(const struct screen_key *k, unsigned mode)
{
	return k->when == 0 || (k->when & mode) != 0;
}

/* The keymaps in force, in the order they are matched and shown: the
 * screen's (n 0), then the global keys (n 1). */
static const struct screen_key *
tui_keymap(const struct screen *s, int n, size_t *nkeys)
{
	if (n == 0) {
		*nkeys = s->nkeys;
		return s->keys;
	}
	*nkeys = sizeof tui_global_keys / sizeof tui_global_keys[0];
	return tui_global_keys;
}

static void
tui_draw_keyline(struct tui *t)
{
	const struct screen	*s = tui_screens[t->step];
	unsigned		 mode = tui_mode(t);
	int			 x = 1, y = LINES - 1, n;
	size_t			 i, nkeys;

	tui_fill(t, y, 0, COLS, TA_NORMAL);
	for (n = 0; n < 2; n++) {
		const struct screen_key	*keys = tui_keymap(s, n, &nkeys);

		if (t->help || t->ask != NULL || t->prompt != NULL)
			break;
		for (i = 0; i < nkeys; i++) {
			const struct screen_key	*k = &keys[i];

			if (k->label == NULL || !tui_key_active(k, mode))
				continue;
			x += tui_put(t, y, x, COLS - x, TA_KEY, k->name, 0);
			x += tui_put(t, y, x, COLS - x, TA_NORMAL, " ", 0);
			x += tui_put(t, y, x, COLS - x, TA_NORMAL, k->label,
			    0);
			x += tui_put(t, y, x, COLS - x, TA_NORMAL, "  ", 0);
		}
	}
	if (t->help)
		tui_put(t, y, 1, COLS - 1, TA_KEY, "any key: close help", 0);
	else if (t->ask != NULL)
		tui_put(t, y, 1, COLS - 1, TA_KEY, "y yes  n no  Esc no", 0);
	else if (t->prompt != NULL)
		tui_put(t, y, 1, COLS - 1, TA_KEY,
		    "Enter accept  Esc cancel  Backspace delete", 0);
}

static void
tui_draw_help(struct tui *t, int y, int h)
{
	const struct screen	*s = tui_screens[t->step];
	unsigned		 mode = tui_mode(t);
	int			 r = y + 1, n;
	size_t			 i, nkeys;

	tui_box(t, y, 0, h, COLS);
	tui_put(t, r++, 2, COLS - 4, TA_HEADING, s->title, 0);
	r++;
	for (n = 0; n < 2; n++) {
		const struct screen_key	*keys = tui_keymap(s, n, &nkeys);

		for (i = 0; i < nkeys && r < y + h - 1; i++) {
			if (!tui_key_active(&keys[i], mode) ||
			    keys[i].help == NULL)
				continue;
			tui_put(t, r, 2, 16, TA_KEY, keys[i].name, 0);
			tui_put(t, r, 19, COLS - 21, TA_NORMAL, keys[i].help,
			    0);
			r++;
		}
	}
}

static void
tui_draw_ask(struct tui *t)
{
	int	w, h = 5, x, y;
	size_t	qw = tui_width(t->ask->question);

	w = (int)qw + 4;
	if (w < 30)
		w = 30;
	if (w > COLS - 2)
		w = COLS - 2;
	x = (COLS - w) / 2;
	y = (LINES - h) / 2;
	tui_box(t, y, x, h, w);
	tui_put(t, y + 1, x + 2, w - 4, TA_HEADING, t->ask->question, 0);
	tui_put(t, y + 3, x + 2, w - 4, TA_KEY, "y yes   n no", 0);
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

static void
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
	if (!t->wz.pending)
		tui_put(t, 4, 0, COLS, TA_NORMAL, "q quits.", 0);
	free(s);
}

static void
tui_draw(struct tui *t)
{
	const struct screen	*s = tui_screens[t->step];
	char			*title;
	int			 h;

	if (COLS < TUI_MIN_COLS || LINES < TUI_MIN_ROWS) {
		tui_draw_small(t);
		refresh();
		return;
	}
	erase();
	tui_fill(t, 0, 0, COLS, TA_TITLE);
	title = xasprintf(" vhostfix  %d/%d %s%s%s%s", t->step + 1,
	    STEP__COUNT, s->title, t->wz.vhost != NULL ? ": " : "",
	    t->wz.vhost != NULL ? conf_vhost_name(t->wz.vhost) : "",
	    t->wz.opts.dry_run ? "  [dry run]" : "");
	tui_put(t, 0, 0, COLS, TA_TITLE, title, 0);
	free(title);

	h = LINES - 3;
	if (t->help)
		tui_draw_help(t, 1, h);
	else
		s->draw(t, 1, h);

	tui_hline(t, LINES - 2, 0, COLS);
	if (t->prompt != NULL)
		tui_draw_prompt(t);
	else if (t->msg != NULL) {
		tui_fill(t, LINES - 2, 0, COLS, TA_NORMAL);
		tui_put(t, LINES - 2, 1, COLS - 1, TA_HEADING, t->msg, 0);
	}
	if (t->ask != NULL)
		tui_draw_ask(t);
	tui_draw_keyline(t);
	refresh();
}

void
tui_redraw(struct tui *t)
{
	tui_draw(t);
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

static void
tui_key(struct tui *t, int ch)
{
	const struct screen	*s = tui_screens[t->step];
	unsigned		 mode = tui_mode(t);
	size_t			 i, j, nkeys;
	int			 action = TUI_NONE, n;

	if (COLS < TUI_MIN_COLS || LINES < TUI_MIN_ROWS) {
		if ((ch == 'q' || ch == 'Q') && !t->wz.pending)
			t->quit = 1;
		return;
	}
	if (t->ask != NULL) {
		struct tui_ask	*a = t->ask;
		void		(*fn)(struct tui *) = NULL;

		if (ch == 'y' || ch == 'Y')
			fn = a->yes;
		else if (ch == 'n' || ch == 'N' || ch == 27 || ch == 'q' ||
		    ch == '\r' || ch == '\n' || ch == KEY_ENTER)
			fn = a->no;
		else
			return;
		t->ask = NULL;
		tui_ask_free(a);
		if (fn != NULL)
			fn(t);
		return;
	}
	if (t->prompt != NULL) {
		tui_prompt_key(t, ch);
		return;
	}
	if (t->help) {
		t->help = 0;
		return;
	}
	free(t->msg);
	t->msg = NULL;

	for (n = 0; n < 2 && action == TUI_NONE; n++) {
		const struct screen_key	*keys = tui_keymap(s, n, &nkeys);

		for (i = 0; i < nkeys && action == TUI_NONE; i++) {
			if (!tui_key_active(&keys[i], mode))
				continue;
			for (j = 0; keys[i].keys[j] != 0; j++)
				if (keys[i].keys[j] == ch) {
					action = keys[i].action;
					break;
				}
		}
	}
	switch (action) {
	case TUI_NONE:
		if (ch == 12)	/* ^L */
			clearok(curscr, TRUE);
		return;
	case TUI_HELP:
		t->help = 1;
		return;
	case TUI_QUIT:
		tui_request_quit(t);
		return;
	default:
		s->key(t, action, ch);
		return;
	}
}

int
tui_run(struct tui_opts *opts)
{
	struct tui	 t;
	int		 ch, sig;

	memset(&t, 0, sizeof t);
	t.opts = opts;
	t.exit_code = EXIT_CLEAN;
	wizard_init(&t.wz, &opts->wizard, opts->config);
	opts->config = NULL;

	if (tui_start(&t) != 0) {
		wizard_free(&t.wz);
		return EXIT_USAGE;
	}
	t.step = STEP_LIST;
	if (tui_screens[t.step]->enter != NULL)
		tui_screens[t.step]->enter(&t);
	while (!t.quit && !tui_signal) {
		tui_draw(&t);
		ch = getch();
		if (ch == ERR || ch == KEY_RESIZE)
			continue;
		tui_key(&t, ch);
	}
	sig = tui_signal;
	tui_stop();

	if (tui_screens[t.step]->leave != NULL)
		tui_screens[t.step]->leave(&t);
	else
		free(t.data);
	tui_ask_free(t.ask);
	tui_prompt_free(t.prompt);
	free(t.filter);
	free(t.msg);
	wizard_free(&t.wz);

	if (sig != 0) {
		/* Die of the signal, as a shell expects; the terminal is
		 * back and nothing was written that the user did not
		 * confirm. */
		signal(sig, SIG_DFL);
		raise(sig);
	}
	return t.exit_code;
}
