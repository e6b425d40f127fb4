/* augw.c: the only file that calls aug_*.
 *
 * Files are read by discover.c and handed to the lens with aug_text_store
 * (measured: ~0.2 ms for a small file once the lens is compiled), then the
 * tree is copied out and removed, so the Augeas tree never grows with the
 * number of files (loading thousands of files with aug_load grows faster
 * than linearly). */
#include "config.h"

#include <augeas.h>
#include <stdlib.h>
#include <string.h>

#include "augw.h"

#define AUGW_TEXT	"/vhostfix/text"
#define AUGW_TREE	"/vhostfix/tree"
#define AUGW_LENS	"Httpd.lns"

struct augw {
	augeas	*aug;
};

struct augw *
augw_open(char **err)
{
	struct augw	*w;
	augeas		*aug;

	/* No autoload of every lens (up to 1.6 s) and no load of /files:
	 * we parse only the texts we are given. */
	aug = aug_init("/", NULL, AUG_NO_MODL_AUTOLOAD | AUG_NO_LOAD |
	    AUG_ENABLE_SPAN | AUG_NO_ERR_CLOSE);
	if (aug == NULL || aug_error(aug) != AUG_NOERROR) {
		*err = xasprintf("cannot start Augeas: %s",
		    aug ? aug_error_message(aug) : "out of memory");
		aug_close(aug);
		return NULL;
	}
	w = xcalloc(1, sizeof *w);
	w->aug = aug;
	return w;
}

void
augw_close(struct augw *w)
{
	if (w == NULL)
		return;
	aug_close(w->aug);
	free(w);
}

static size_t
line_start_of(const char *text, size_t off)
{
	while (off > 0 && text[off - 1] != '\n')
		off--;
	return off;
}

/* Copy the children of path into parent.  Labels: "directive" (value =
 * name), "arg", "#comment", or a section's name. */
static int
copy_kids(struct augw *w, struct cf_file *f, const char *path,
    struct cf_node *parent)
{
	char		**m = NULL, *pat;
	int		  n, i, rc = 0;

	pat = xasprintf("%s/*", path);
	n = aug_match(w->aug, pat, &m);
	free(pat);
	if (n < 0)
		return -1;
	for (i = 0; i < n; i++) {
		const char	*label = NULL, *value = NULL;
		char		*fn = NULL;
		unsigned	 ls, le, vs, ve, ss, se;
		struct cf_node	*k;

		if (aug_label(w->aug, m[i], &label) != 1 || label == NULL ||
		    label[0] == '#')
			continue;
		aug_get(w->aug, m[i], &value);
		if (aug_span(w->aug, m[i], &fn, &ls, &le, &vs, &ve, &ss,
		    &se) != 0) {
			rc = -1;
			continue;
		}
		free(fn);
		if (strcmp(label, "arg") == 0) {
			cf_node_add_arg(parent, value ? value : "",
			    value ? strlen(value) : 0, vs, ve);
			continue;
		}
		k = xcalloc(1, sizeof *k);
		k->file = f;
		k->parent = parent == &f->top ? NULL : parent;
		if (strcmp(label, "directive") == 0) {
			k->kind = CF_DIRECTIVE;
			k->name = xstrdup(value ? value : "");
			k->name_start = vs;
			k->end = ve;
		} else {
			k->kind = CF_SECTION;
			k->name = xstrdup(label);
			k->name_start = ls;
			/* The span runs to the end of the closing tag's line:
			 * keep only the tag. */
			k->end = se;
			while (k->end > k->name_start &&
			    (f->text[k->end - 1] == '\n' ||
			    f->text[k->end - 1] == '\r' ||
			    f->text[k->end - 1] == ' ' ||
			    f->text[k->end - 1] == '\t'))
				k->end--;
		}
		k->line_start = line_start_of(f->text, k->name_start);
		k->line = conf_line_of(f, k->name_start);
		if (copy_kids(w, f, m[i], k) != 0)
			rc = -1;
		if (k->kind == CF_DIRECTIVE && k->nargs > 0)
			k->end = k->arg_end[k->nargs - 1];
		cf_node_add_kid(parent, k);
	}
	for (i = 0; i < n; i++)
		free(m[i]);
	free(m);
	return rc;
}

static void
parse_error(struct augw *w, unsigned *line, unsigned *col, char **msg)
{
	const char	*v = NULL;

	*line = 0;
	*col = 0;
	if (aug_get(w->aug, "/augeas/text" AUGW_TREE "/error/line", &v) == 1
	    && v != NULL)
		*line = (unsigned)strtoul(v, NULL, 10);
	if (aug_get(w->aug, "/augeas/text" AUGW_TREE "/error/char", &v) == 1
	    && v != NULL)
		*col = (unsigned)strtoul(v, NULL, 10);
	v = NULL;
	if (aug_get(w->aug, "/augeas/text" AUGW_TREE "/error/message", &v)
	    != 1 || v == NULL)
		v = aug_error_message(w->aug);
	*msg = xstrdup(v && *v ? v : "syntax error");
}

/* Hand text to Augeas.  The Httpd lens wants a newline after the last
 * directive or comment, Apache does not: such a text is parsed with one
 * added, which moves no position before it. */
static int
set_text(struct augw *w, const char *text, size_t len)
{
	char	*copy;
	int	 rc;

	if (len == 0 || text[len - 1] == '\n')
		return aug_set(w->aug, AUGW_TEXT, text);
	copy = xasprintf("%s\n", text);
	rc = aug_set(w->aug, AUGW_TEXT, copy);
	free(copy);
	return rc;
}

static void
reset(struct augw *w)
{
	aug_rm(w->aug, AUGW_TREE);
	aug_rm(w->aug, AUGW_TEXT);
	aug_rm(w->aug, "/augeas/text" AUGW_TREE);
}

int
augw_parse(struct augw *w, struct cf_file *f)
{
	int	rc;

	/* An empty file is valid (aug_text_store rejects "" though). */
	if (f->len == 0)
		return 0;
	if (set_text(w, f->text, f->len) != 0 ||
	    aug_text_store(w->aug, AUGW_LENS, AUGW_TEXT, AUGW_TREE) != 0) {
		f->parse_failed = 1;
		parse_error(w, &f->err_line, &f->err_col, &f->err_msg);
		reset(w);
		return -1;
	}
	rc = copy_kids(w, f, AUGW_TREE, &f->top);
	reset(w);
	if (rc != 0) {
		cf_node_free_kids(&f->top);
		f->parse_failed = 1;
		f->err_msg = xstrdup("Augeas could not report positions");
		return -1;
	}
	return 0;
}

int
augw_check(struct augw *w, const char *text, unsigned *line, char **msg)
{
	unsigned	col;
	int		rc = 0;

	if (*text == '\0')
		return 0;
	if (set_text(w, text, strlen(text)) != 0 ||
	    aug_text_store(w->aug, AUGW_LENS, AUGW_TEXT, AUGW_TREE) != 0) {
		parse_error(w, line, &col, msg);
		rc = -1;
	}
	reset(w);
	return rc;
}
