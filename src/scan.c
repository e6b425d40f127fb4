/* scan.c: see scan.h.  Every "return decline" below is a construct the
 * Httpd lens treats in a way we do not reproduce: Augeas decides. */
#include "config.h"

#include <string.h>
#include <strings.h>

#include "scan.h"

#define SCAN_MAX_DEPTH	64

struct sc {
	struct cf_file	*f;
	const char	*t;
	size_t		 len;
	size_t		 pos;		/* start of the current line */
	unsigned	 line;
};

static int
is_ws(char c)
{
	return c == ' ' || c == '\t';
}

static int
is_word_start(char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}

static int
is_word(char c)
{
	return is_word_start(c) || (c >= '0' && c <= '9') || c == '.' ||
	    c == '_' || c == '-';
}

/* End of the line's content (before "\r\n" or "\n"), or (size_t)-1 when
 * the line has a stray CR or no newline. */
static size_t
content_end(const struct sc *s, size_t *next)
{
	const char	*nl = memchr(s->t + s->pos, '\n', s->len - s->pos);
	size_t		 e, i;

	if (nl == NULL)
		return (size_t)-1;
	e = (size_t)(nl - s->t);
	*next = e + 1;
	if (e > s->pos && s->t[e - 1] == '\r')
		e--;
	for (i = s->pos; i < e; i++) {
		unsigned char	c = (unsigned char)s->t[i];

		/* Control bytes, CR mid-line, and non-ASCII: the lens's
		 * character classes are applied in the C locale; leave such
		 * files to it. */
		if ((c < 0x20 && c != '\t') || c >= 0x7f)
			return (size_t)-1;
	}
	return e;
}

/* A quoted argument: "..." or '...' with backslash escapes, no newline.
 * Returns the offset past the closing quote, or 0. */
static size_t
quoted(const char *t, size_t i, size_t e)
{
	char	q = t[i++];

	while (i < e) {
		if (t[i] == '\\') {
			if (i + 1 >= e)
				return 0;
			i += 2;
			continue;
		}
		if (t[i] == q)
			return i + 1;
		i++;
	}
	return 0;
}

/* Arguments from i to e, separated by blanks; for sections '>' ends them
 * (the caller passes e at the '>').  Returns 0, or -1 to decline. */
static int
args(struct sc *s, struct cf_node *n, size_t i, size_t e, int section)
{
	const char	*t = s->t;

	while (i < e) {
		size_t	st = i;

		if (t[i] == '"' || t[i] == '\'') {
			i = quoted(t, i, e);
			if (i == 0)
				return -1;	/* dquot_msg and friends */
			/* After a quoted arg the lens needs no blank; we
			 * keep to the plain case. */
			if (i < e && !is_ws(t[i]))
				return -1;
		} else {
			if (t[i] == '{' || (section && (t[i] == '<' ||
			    t[i] == '=')))
				return -1;	/* word lists, comparisons */
			while (i < e && !is_ws(t[i])) {
				if (t[i] == '\\' || t[i] == '"' ||
				    t[i] == '\'' || (section && t[i] == '>'))
					return -1;
				i++;
			}
		}
		cf_node_add_arg(n, t + st, i - st, st, i);
		while (i < e && is_ws(t[i]))
			i++;
	}
	return 0;
}

static int
scan_body(struct sc *s, struct cf_node *parent, int depth)
{
	const char	*t = s->t;

	while (s->pos < s->len) {
		size_t		 e, next = 0, i = s->pos, ws_end, ne;
		struct cf_node	*n;

		e = content_end(s, &next);
		if (e == (size_t)-1)
			return -1;
		while (i < e && is_ws(t[i]))
			i++;
		ws_end = i;
		/* Blank lines, comments (the whole line). */
		if (i == e || t[i] == '#') {
			/* The comment lens refuses backslashes we do not
			 * model; a comment ending in one continues. */
			if (i < e && memchr(t + i, '\\', e - i) != NULL)
				return -1;
			s->pos = next;
			s->line++;
			continue;
		}
		if (t[i] == '<' && i + 1 < e && t[i + 1] == '/') {
			/* A closing tag: ours if we are in a section. */
			size_t	ws = i + 2, we = ws, k;

			if (parent->kind != CF_SECTION || depth == 0)
				return -1;	/* stray </...> */
			while (we < e && is_word(t[we]))
				we++;
			if (we - ws != strlen(parent->name) ||
			    strncasecmp(t + ws, parent->name, we - ws) != 0 ||
			    we >= e || t[we] != '>')
				return -1;
			for (k = we + 1; k < e; k++)
				if (!is_ws(t[k]))
					return -1;
			parent->end = we + 1;
			s->pos = next;
			s->line++;
			return 1;
		}
		n = xcalloc(1, sizeof *n);
		n->file = s->f;
		n->parent = parent->kind == CF_SECTION ? parent : NULL;
		n->line = s->line;
		n->line_start = s->pos;
		cf_node_add_kid(parent, n);
		if (t[i] == '<') {
			size_t	gt, a;
			int	r;

			i++;
			if (!is_word_start(t[i]) || depth >= SCAN_MAX_DEPTH)
				return -1;
			n->kind = CF_SECTION;
			n->name_start = i;
			while (i < e && is_word(t[i]))
				i++;
			n->name = xstrndup(t + n->name_start,
			    i - n->name_start);
			if (strncasecmp(n->name, "perl", 4) == 0 &&
			    strlen(n->name) == 4)
				return -1;
			/* '>' is the last non-blank byte of the line. */
			gt = e;
			while (gt > i && is_ws(t[gt - 1]))
				gt--;
			if (gt == i || t[gt - 1] != '>')
				return -1;
			gt--;
			if (i < gt && !is_ws(t[i]))
				return -1;
			a = i;
			while (a < gt && is_ws(t[a]))
				a++;
			ne = gt;
			while (ne > a && is_ws(t[ne - 1]))
				ne--;
			if (args(s, n, a, ne, 1) != 0)
				return -1;
			s->pos = next;
			s->line++;
			r = scan_body(s, n, depth + 1);
			if (r != 1)
				return -1;	/* unterminated */
			continue;
		}
		if (!is_word_start(t[i]))
			return -1;
		n->kind = CF_DIRECTIVE;
		n->name_start = i;
		while (i < e && is_word(t[i]))
			i++;
		if (i < e && !is_ws(t[i]))
			return -1;
		n->name = xstrndup(t + n->name_start, i - n->name_start);
		n->end = i;
		ne = e;
		while (ne > i && is_ws(t[ne - 1]))
			ne--;
		while (i < ne && is_ws(t[i]))
			i++;
		if (args(s, n, i, ne, 0) != 0)
			return -1;
		if (n->nargs > 0)
			n->end = n->arg_end[n->nargs - 1];
		(void)ws_end;
		s->pos = next;
		s->line++;
	}
	return depth == 0 ? 0 : -1;
}

int
scan_parse(struct cf_file *f)
{
	struct sc	s;

	s.f = f;
	s.t = f->text;
	s.len = f->len;
	s.pos = 0;
	s.line = 1;
	if (scan_body(&s, &f->top, 0) != 0) {
		cf_node_free_kids(&f->top);
		return -1;
	}
	return 0;
}
