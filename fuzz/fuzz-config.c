/* fuzz-config.c: libFuzzer target over the whole read path.
 *
 * The input becomes a small Apache tree under a private root: the text up
 * to the first line starting "#@@ " is etc/apache2/apache2.conf; each
 * following "#@@ NAME" line starts the next site, sites-enabled/s0.conf
 * to s7.conf (NAME only labels the seed).  "#@@" is a comment to Apache,
 * so a seed is also a valid configuration.  Then, as "check" and
 * "fix --all --dry-run" do with both Host choices: discovery and the
 * Augeas parse, the model, the rules, the text and JSON reports, the plan,
 * the in-memory render and the diff.
 *
 * Besides crashes, leaks and hangs (the sanitizers and libFuzzer), it
 * checks what must hold for any input: fatal load errors are one line,
 * reports without colors hold no control character but newlines and tabs,
 * a diff is printed exactly when a rendered file differs, and where the
 * fast scanner accepts a file, Augeas builds the very same tree. */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#include "augw.h"
#include "conf.h"
#include "diff.h"
#include "plan.h"
#include "report.h"
#include "rules.h"
#include "scan.h"

#define FUZZ_MAX_SITES	8
#define FUZZ_MARK	"#@@ "

int	LLVMFuzzerInitialize(int *, char ***);
int	LLVMFuzzerTestOneInput(const uint8_t *, size_t);

static char	 root[4096];
static char	 sites[4096 + 64];

static void
die(const char *what)
{
	fprintf(stderr, "fuzz-config: %s: %s\n", what, strerror(errno));
	abort();
}

static void
put(const char *rel, const char *text, size_t len)
{
	char	path[8192];
	int	fd;

	snprintf(path, sizeof path, "%s/%s", root, rel);
	fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
	if (fd < 0)
		die(path);
	while (len > 0) {
		ssize_t	w = write(fd, text, len);

		if (w < 0)
			die(path);
		text += w;
		len -= (size_t)w;
	}
	close(fd);
}

static void
puts_file(const char *rel, const char *text)
{
	put(rel, text, strlen(text));
}

static void
mkdirs(const char *rel)
{
	char	path[8192], *p;

	snprintf(path, sizeof path, "%s/%s", root, rel);
	for (p = path + strlen(root) + 1; ; p++) {
		if (*p == '/' || *p == '\0') {
			char	c = *p;

			*p = '\0';
			if (mkdir(path, 0755) != 0 && errno != EEXIST)
				die(path);
			*p = c;
			if (c == '\0')
				break;
		}
	}
}

static int
rm_one(const char *path, const struct stat *st, int type, struct FTW *ftw)
{
	(void)st;
	(void)type;
	(void)ftw;
	remove(path);
	return 0;
}

static void
cleanup(void)
{
	if (root[0] != '\0')
		nftw(root, rm_one, 16, FTW_DEPTH | FTW_PHYS);
}

/* A real listening socket, so the socket rules see one. */
static void
make_socket(const char *rel)
{
	struct sockaddr_un	sun = { .sun_family = AF_UNIX };
	int			fd;

	if ((size_t)snprintf(sun.sun_path, sizeof sun.sun_path, "%s/%s", root,
	    rel) >= sizeof sun.sun_path)
		return;		/* TMPDIR too long: no socket, still fuzz */
	fd = socket(AF_UNIX, SOCK_STREAM, 0);
	if (fd < 0 || bind(fd, (struct sockaddr *)&sun, sizeof sun) != 0)
		die("socket");
	close(fd);
}

int
LLVMFuzzerInitialize(int *argc, char ***argv)
{
	static const char mods[] =
	    "LoadModule proxy_module /usr/lib/apache2/modules/mod_proxy.so\n"
	    "LoadModule proxy_http_module "
	    "/usr/lib/apache2/modules/mod_proxy_http.so\n"
	    "LoadModule headers_module "
	    "/usr/lib/apache2/modules/mod_headers.so\n";
	const char	*tmp = getenv("TMPDIR");

	(void)argc;
	(void)argv;
	snprintf(root, sizeof root, "%s/vhostfix-fuzz.XXXXXX",
	    tmp && *tmp ? tmp : "/tmp");
	if (mkdtemp(root) == NULL)
		die("mkdtemp");
	atexit(cleanup);
	mkdirs("etc/apache2/mods-enabled");
	mkdirs("etc/apache2/sites-enabled");
	mkdirs("run/app");
	puts_file("etc/apache2/mods-enabled/proxy.load", mods);
	puts_file("etc/apache2/envvars", "export APACHE_RUN_USER=www-data\n"
	    "export APACHE_RUN_GROUP=www-data\n");
	puts_file("etc/passwd", "root:x:0:0::/root:/bin/sh\n"
	    "www-data:x:33:33::/var/www:/usr/sbin/nologin\n");
	puts_file("etc/group", "root:x:0:\nwww-data:x:33:\n");
	make_socket("run/app/app.sock");
	snprintf(sites, sizeof sites, "%s/etc/apache2/sites-enabled", root);
	return 0;
}

static void
clear_sites(void)
{
	char	path[8192];
	int	i;

	for (i = 0; i < FUZZ_MAX_SITES; i++) {
		snprintf(path, sizeof path, "%s/s%d.conf", sites, i);
		unlink(path);
	}
}

static struct augw	*diff_augw;

/* Do the scanner's and Augeas's trees agree, to the byte offset? */
static int
same(const struct cf_node *a, const struct cf_node *b)
{
	size_t	i;

	if (a->kind != b->kind || a->nargs != b->nargs ||
	    a->nkids != b->nkids || a->line != b->line ||
	    a->line_start != b->line_start ||
	    a->name_start != b->name_start || a->end != b->end ||
	    (a->name == NULL) != (b->name == NULL) ||
	    (a->name != NULL && strcmp(a->name, b->name) != 0)) {
		fprintf(stderr, "fuzz-config: scanner and Augeas differ at "
		    "line %u (%s)\n", a->line, a->name ? a->name : "top");
		return 0;
	}
	for (i = 0; i < a->nargs; i++)
		if (strcmp(a->args[i], b->args[i]) != 0 ||
		    a->arg_start[i] != b->arg_start[i] ||
		    a->arg_end[i] != b->arg_end[i]) {
			fprintf(stderr, "fuzz-config: scanner and Augeas "
			    "differ at line %u, argument %zu\n", a->line, i);
			return 0;
		}
	for (i = 0; i < a->nkids; i++)
		if (!same(a->kids[i], b->kids[i]))
			return 0;
	return 1;
}

/* The differential check of one file's text (as discover.c reads it). */
static void
scan_vs_augeas(const char *data, size_t len)
{
	struct cf_file	a, b;
	char		*text;
	char		*err = NULL;

	if (memchr(data, '\0', len) != NULL)
		return;			/* discover.c rejects these first */
	if (diff_augw == NULL && (diff_augw = augw_open(&err)) == NULL) {
		fprintf(stderr, "fuzz-config: %s\n", err);
		abort();
	}
	text = xstrndup(data, len);
	memset(&a, 0, sizeof a);
	memset(&b, 0, sizeof b);
	a.text = b.text = text;
	a.len = b.len = len;
	a.path = b.path = (char *)"/fuzz.conf";
	conf_index_lines(&a);
	b.lines = a.lines;
	b.nlines = a.nlines;
	a.top.kind = b.top.kind = CF_SECTION;
	if (scan_parse(&a) == 0) {
		if (augw_parse(diff_augw, &b) != 0) {
			fprintf(stderr, "fuzz-config: the scanner accepts what "
			    "Augeas rejects (line %u: %s)\n", b.err_line,
			    b.err_msg);
			abort();
		}
		if (!same(&a.top, &b.top))
			abort();
	}
	cf_node_free_kids(&a.top);
	cf_node_free_kids(&b.top);
	free(b.err_msg);
	free(a.lines);
	free(text);
}

/* Split the input into the main config and the sites. */
static void
write_tree(const char *data, size_t len)
{
	const char	*p = data, *end = data + len, *next;
	int		 n = 0;

	clear_sites();
	next = memmem(p, (size_t)(end - p), "\n" FUZZ_MARK, 5);
	put("etc/apache2/apache2.conf", p, next ? (size_t)(next - p) + 1 :
	    len);
	scan_vs_augeas(p, next ? (size_t)(next - p) + 1 : len);
	while (next != NULL && n < FUZZ_MAX_SITES) {
		char	rel[64];

		/* The file's body starts after the marker line. */
		p = memchr(next + 1, '\n', (size_t)(end - next - 1));
		if (p == NULL)
			break;
		p++;
		next = memmem(p, (size_t)(end - p), "\n" FUZZ_MARK, 5);
		snprintf(rel, sizeof rel, "etc/apache2/sites-enabled/s%d.conf",
		    n++);
		put(rel, p, next ? (size_t)(next - p) + 1 : (size_t)(end - p));
		scan_vs_augeas(p, next ? (size_t)(next - p) + 1 :
		    (size_t)(end - p));
	}
}

/* Text a terminal would act on: anything below 0x20 but newline and tab,
 * DEL. */
static void
check_inert(const char *what, const char *s, size_t len)
{
	size_t	i;

	for (i = 0; i < len; i++) {
		unsigned char	c = (unsigned char)s[i];

		if ((c < 0x20 && c != '\n' && c != '\t') || c == 0x7f) {
			fprintf(stderr, "fuzz-config: %s output has raw byte "
			    "0x%02x at %zu\n", what, c, i);
			abort();
		}
	}
}

static void
report(const struct cf_config *c, const struct vec *fs, int json,
    int findings)
{
	struct report_opts	 ro = { .json = json, .color = 0,
				    .findings = findings };
	char			*out = NULL;
	size_t			 len = 0;
	FILE			*fp = open_memstream(&out, &len);

	if (fp == NULL)
		die("open_memstream");
	report_print(fp, c, fs, NULL, &ro);
	fclose(fp);
	check_inert(json ? "JSON" : "text", out, len);
	free(out);
}

static void
fix(const struct cf_config *c, int preserve)
{
	struct plan_opts	 o;
	struct plan		 p;
	struct vec		 out = { 0 };
	struct buf		 diff = { 0 };
	char			*err = NULL;
	size_t			 i;

	plan_opts_default(&o);
	o.preserve_host = preserve;
	o.server_tokens_prod = preserve == PLAN_ON ? PLAN_ON : PLAN_OFF;
	plan_build(c, (struct cf_vhost *const *)c->vhosts.v, c->vhosts.n, &o,
	    &p);
	if (render_plan(c, &p, &out, &err) != 0) {
		/* A plan whose result does not parse is a planner bug. */
		fprintf(stderr, "fuzz-config: render: %s\n", err);
		abort();
	}
	for (i = 0; i < out.n; i++) {
		struct rendered	*r = out.v[i];
		size_t		 before = diff.len;
		int		 hunks;

		hunks = diff_unified(&diff, r->file->real, r->file->text,
		    r->file->len, r->text, r->len);
		if (hunks <= 0 || diff.len == before)
			abort();	/* rendered, changed, yet no diff */
	}
	buf_free(&diff);
	vec_free_all(&out, rendered_free);
	plan_free(&p);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t len)
{
	struct cf_opts		 o = { .root = root, .config = NULL };
	struct cf_config	*c;
	struct vec		 fs = { 0 }, sel = { 0 };
	char			*err = NULL;
	size_t			 i;

	write_tree((const char *)data, len);
	if (conf_load(&o, &c, &err) != 0) {
		if (err == NULL || strchr(err, '\n') != NULL)
			abort();	/* fatal errors are one line */
		free(err);
		return 0;
	}
	rules_run(c, &fs);
	report(c, &fs, 0, 1);
	report(c, &fs, 1, 1);
	report(c, &fs, 0, 0);
	for (i = 0; i < fs.n; i++) {
		const struct finding	*f = fs.v[i];

		if (f->message == NULL || strchr(f->message, '\n') != NULL) {
			/* text output stays one line per finding only
			 * because report_inert escapes it; the message
			 * itself must be one line too */
			abort();
		}
	}
	/* Selectors as given on the command line, from the tree itself. */
	for (i = 0; i < c->vhosts.n && i < 4; i++) {
		conf_find_vhosts(c, conf_vhost_name(c->vhosts.v[i]), &sel);
		sel.n = 0;
	}
	vec_free(&sel);
	fix(c, PLAN_ON);
	fix(c, PLAN_OFF);
	vec_free_all(&fs, finding_free);
	conf_free(c);
	return 0;
}
