/* test-scan.c: the fast scanner builds exactly Augeas's tree, or declines.
 *
 * Every file under the given directories (the fixtures, the demo, the
 * shared corpus, /etc/apache2 when present) and a few thousand generated
 * texts are parsed both ways; where the scanner accepts, Augeas must
 * accept too and the trees must be identical to the byte offset. */
#include "config.h"

#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "augw.h"
#include "scan.h"

static struct augw	*w;
static int		 failures, accepted, declined, compared;

static int
same(const struct cf_node *a, const struct cf_node *b, const char *where)
{
	size_t	i;

	if (a->kind != b->kind || (a->name != b->name && (a->name == NULL ||
	    b->name == NULL || strcmp(a->name, b->name) != 0)) ||
	    a->nargs != b->nargs || a->nkids != b->nkids ||
	    a->line != b->line || a->line_start != b->line_start ||
	    a->name_start != b->name_start || a->end != b->end) {
		fprintf(stderr, "%s: node %s (line %u) differs: scan "
		    "[kind %d args %zu kids %zu line %u ls %zu ns %zu end %zu] "
		    "augeas %s [kind %d args %zu kids %zu line %u ls %zu ns %zu "
		    "end %zu]\n", where, a->name ? a->name : "(top)", a->line, a->kind, a->nargs,
		    a->nkids, a->line, a->line_start, a->name_start, a->end,
		    b->name ? b->name : "(top)", b->kind, b->nargs, b->nkids, b->line,
		    b->line_start, b->name_start, b->end);
		return 0;
	}
	for (i = 0; i < a->nargs; i++)
		if (strcmp(a->args[i], b->args[i]) != 0 ||
		    a->arg_start[i] != b->arg_start[i] ||
		    a->arg_end[i] != b->arg_end[i]) {
			fprintf(stderr, "%s: line %u arg %zu: scan '%s' augeas "
			    "'%s'\n", where, a->line, i, a->args[i],
			    b->args[i]);
			return 0;
		}
	for (i = 0; i < a->nkids; i++)
		if (!same(a->kids[i], b->kids[i], where))
			return 0;
	return 1;
}

static void
check_text(const char *text, size_t len, const char *where)
{
	struct cf_file	a, b;

	memset(&a, 0, sizeof a);
	memset(&b, 0, sizeof b);
	a.text = b.text = (char *)text;
	a.len = b.len = len;
	a.path = b.path = (char *)where;
	if (memchr(text, '\0', len) != NULL)
		return;
	conf_index_lines(&a);
	b.lines = a.lines;
	b.nlines = a.nlines;
	a.top.kind = b.top.kind = CF_SECTION;
	if (scan_parse(&a) != 0) {
		declined++;
		free(a.lines);
		return;
	}
	accepted++;
	if (augw_parse(w, &b) != 0) {
		fprintf(stderr, "%s: scanner accepted what Augeas rejects "
		    "(line %u: %s)\n", where, b.err_line, b.err_msg);
		failures++;
	} else {
		compared++;
		if (!same(&a.top, &b.top, where))
			failures++;
	}
	free(b.err_msg);
	cf_node_free_kids(&a.top);
	cf_node_free_kids(&b.top);
	free(a.lines);
}

static void
walk(const char *path, int depth)
{
	struct stat	 st;
	DIR		*d;
	struct dirent	*e;
	char		*text;
	size_t		 len;

	if (depth > 12 || lstat(path, &st) != 0)
		return;
	if (S_ISREG(st.st_mode)) {
		if (st.st_size < (1 << 20) &&
		    util_read_file(path, 1 << 20, &text, &len) == 0) {
			check_text(text, len, path);
			free(text);
		}
		return;
	}
	if (!S_ISDIR(st.st_mode) || (d = opendir(path)) == NULL)
		return;
	while ((e = readdir(d)) != NULL) {
		char	*p;

		if (e->d_name[0] == '.' && (e->d_name[1] == '\0' ||
		    (e->d_name[1] == '.' && e->d_name[2] == '\0') ||
		    strcmp(e->d_name, ".git") == 0))
			continue;
		p = xasprintf("%s/%s", path, e->d_name);
		walk(p, depth + 1);
		free(p);
	}
	closedir(d);
}

/* Texts built from pieces that sit at the edge of the subset. */
static const char *const pieces[] = {
	"ServerName a.example\n", "  ProxyPass / unix:/run/a.sock|http://h/\n",
	"\tProxyPassReverse \"/\" 'http://h/'\n", "# comment\n", "#\n",
	"   \n", "\n", "<VirtualHost *:80>\n", "</VirtualHost>\n",
	"<IfModule mod_x.c>\n", "</IfModule>\n", "<Location \"/a b\">\n",
	"</Location>\n", "Header unset Server   \n", "Foo \"a\\\"b\" c\n",
	"Foo a\"b\n", "Foo {a, b}\n", "Foo a \\\n b\n", "Foo \"unterminated\n",
	"ServerName x # trailing\n", "Foo\r\n", "<VirtualHost *:80>\r\n",
	"</VirtualHost>\r\n", "  # c \\ d\n", "<Perl>\n", "</Perl>\n",
	"<virtualhost *:80>\n", "</virtualhost>\n", "Foo 'a'b\n",
	"Foo \"\"\n", "<If \"%{HTTPS} == 'on'\">\n", "</If>\n",
	"1Foo bar\n", "Foo\tbar\t\n", "<Directory />\n", "</Directory>\n",
	"Foo \xc3\xa9\n", "Foo a\rb\n", "<Location /x >\n", "</Location >\n",
};

static void
generated(void)
{
	unsigned long	seed = 12345;
	int		i, j, n;
	char		name[64];

	for (i = 0; i < 4000; i++) {
		struct buf	b = { 0 };

		n = 1 + (int)(seed % 9);
		for (j = 0; j < n; j++) {
			seed = seed * 6364136223846793005UL + 1442695040888963407UL;
			buf_adds(&b, pieces[(seed >> 33) %
			    (sizeof pieces / sizeof *pieces)]);
		}
		if (i % 7 == 0 && b.len > 0)
			b.data[--b.len] = '\0';	/* no final newline */
		snprintf(name, sizeof name, "generated #%d", i);
		check_text(b.data, b.len, name);
		buf_free(&b);
	}
}

int
main(int argc, char **argv)
{
	char		*err = NULL;
	const char	*src = getenv("top_srcdir");
	int		 i;

	w = augw_open(&err);
	if (w == NULL) {
		fprintf(stderr, "augeas: %s\n", err);
		return 1;
	}
	for (i = 1; i < argc; i++)
		walk(argv[i], 0);
	if (argc == 1 && src != NULL) {
		char	*p;

		p = xasprintf("%s/tests", src);
		walk(p, 0);
		free(p);
		p = xasprintf("%s/data", src);
		walk(p, 0);
		free(p);
		p = xasprintf("%s/../shared/corpus", src);
		walk(p, 0);
		free(p);
		walk("/etc/apache2", 0);
		walk("/etc/httpd", 0);
	}
	generated();
	augw_close(w);
	printf("scanner: %d accepted (%d compared), %d declined, %d "
	    "mismatches\n", accepted, compared, declined, failures);
	return failures ? 1 : 0;
}
