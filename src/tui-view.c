/* tui-view.c: the text view and the list widget.
 *
 * A text view is lines of prose (wrapped at words) or of config text and
 * diffs (clipped and scrolled sideways, never wrapped: a wrapped config
 * line would read as two).  The list widget is a cursor over n rows; the
 * list, the Host choice and the extras move it, and a text view scrolls
 * with it (its cursor is the top row). */
#include "config.h"

#include <curses.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "tui-int.h"

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
size_t
tui_wrap(struct tui *t, const char *s, int x, int w, int y, int attr,
    size_t from, size_t maxrows)
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
			tui_put(t, y + (int)(rows - from), x, w, attr,
			    row.data, 0);
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

int
tui_put_wrapped(struct tui *t, int y, int x, int maxrows, int attr,
    const char *s)
{
	size_t	n;

	if (maxrows <= 0 || x >= COLS - 1)
		return 0;
	n = tui_wrap(t, s, x, COLS - 1 - x, y, attr, 0, (size_t)maxrows);
	if (n <= (size_t)maxrows)
		return (int)n;
	/* rows left out: the last one shown says so */
	tui_put(t, y + maxrows - 1, COLS - 2, 1, TA_KEY,
	    tui_glyph(t, TG_MORE), 0);
	return maxrows;
}

static size_t
tui_line_rows(struct tui *t, const struct tui_line *l, int w)
{
	if (!l->wrap || l->text[0] == '\0')
		return 1;
	return tui_wrap(t, l->text, 0, w, -1, l->attr, 0, 0);
}

size_t
tui_view_row_of(struct tui *t, const struct tui_view *v, size_t line)
{
	size_t	i, row = 0;

	for (i = 0; i < line && i < v->lines.n; i++)
		row += tui_line_rows(t, v->lines.v[i], COLS - 1);
	return row;
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
				tui_wrap(t, l->text, 0, w, yy, l->attr, from,
				    (size_t)h - (row + from - v->scroll));
			else	/* cut at the edge: tui_put says so (l/>
				 * scrolls) */
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
