/* test-prefetch.c: the read-ahead of a directory's files (prefetch.c),
 * and discovery with it.
 *
 * A directory of 60 entries: regular files, a link (never followed by
 * the reader), a FIFO (never opened: the test would block on a read),
 * a directory, an empty file, a file over the size limit, a file replaced
 * after the reader read it (another inode: not taken).  Each slot must
 * give the file's own bytes or nothing; untaken slots are freed by
 * prefetch_end (valgrind).  Then conf_load on a tree whose sites-enabled
 * holds 200 vhost files, links and a FIFO among them: every vhost from
 * its own file, whole, in Apache's order. */
#include "config.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "conf.h"
#include "prefetch.h"
#include "util.h"
#include "check.h"

static void
put(const char *path, const char *text)
{
	FILE	*f = fopen(path, "w");

	if (f == NULL || fputs(text, f) == EOF || fclose(f) != 0) {
		fprintf(stderr, "%s: %s\n", path, strerror(errno));
		exit(99);
	}
}

static char *
name_of(size_t i)
{
	return xasprintf("f%03zu.conf", i);
}

static void
test_slots(const char *dir)
{
	char		*names[60], *p, *text;
	struct stat	 st, got;
	struct prefetch	*pf;
	size_t		 i, len;

	for (i = 0; i < 60; i++) {
		names[i] = name_of(i);
		p = xasprintf("%s/%s", dir, names[i]);
		switch (i) {
		case 7:
			CHECK(symlink("f000.conf", p) == 0);
			break;
		case 8:
			CHECK(mkfifo(p, 0644) == 0);
			break;
		case 9:
			CHECK(mkdir(p, 0755) == 0);
			break;
		case 10:
			put(p, "");
			break;
		case 11:
			put(p, "0123456789abcdef0123456789");	/* over 16 */
			break;
		default: {
			char	*t = xasprintf("# file %zu\n", i);

			put(p, t);
			free(t);
		}
		}
		free(p);
	}
	CHECK(prefetch_start(dir, names, PREFETCH_MIN - 1, 16) == NULL);
	pf = prefetch_start(dir, names, 60, 16);
	CHECK(pf != NULL);
	if (pf == NULL)
		return;
	/* let the reader get ahead, then replace file 12 */
	usleep(200000);
	p = xasprintf("%s/%s", dir, names[12]);
	CHECK(unlink(p) == 0);
	put(p, "# replaced\n");
	free(p);
	for (i = 0; i < 50; i++) {
		char	*want;
		int	 took;

		p = xasprintf("%s/%s", dir, names[i]);
		CHECK(lstat(p, &st) == 0);
		if (i == 7)	/* the caller resolves links itself */
			CHECK(stat(p, &st) == 0);
		free(p);
		text = NULL;
		took = prefetch_take(pf, i, &st, &text, &len, &got);
		switch (i) {
		case 7: case 8: case 9: case 11: case 12:
			/* a link, a FIFO, a directory, too large, replaced */
			if (took)
				fprintf(stderr, "slot %zu taken\n", i);
			CHECK(!took && text == NULL);
			break;
		case 10:
			CHECK(took && len == 0 && text != NULL && *text == '\0');
			break;
		default:
			want = xasprintf("# file %zu\n", i);
			/* the reader may be behind: then the caller reads */
			if (took)
				CHECK(len == strlen(want) &&
				    memcmp(text, want, len) == 0 &&
				    got.st_ino == st.st_ino);
			free(want);
			break;
		}
		free(text);
	}
	/* a slot is taken once */
	CHECK(prefetch_take(pf, 0, &st, &text, &len, &got) == 0);
	CHECK(prefetch_take(pf, 60, &st, &text, &len, &got) == 0);
	prefetch_end(pf);	/* 50..59 not taken: freed */
	for (i = 0; i < 60; i++)
		free(names[i]);
}

/* A Debian-like tree with n vhost files in sites-enabled (every tenth a
 * link into sites-available), and a FIFO. */
static void
make_tree(const char *root, size_t n)
{
	char	*p;
	size_t	 i;

	p = xasprintf("mkdir -p %s/etc/apache2/sites-enabled "
	    "%s/etc/apache2/sites-available", root, root);
	CHECK(system(p) == 0);
	free(p);
	p = xasprintf("%s/etc/apache2/apache2.conf", root);
	put(p, "IncludeOptional sites-enabled/*.conf\n");
	free(p);
	for (i = 0; i < n; i++) {
		char	*t = xasprintf("<VirtualHost *:80>\nServerName "
		    "h%zu.example.com\nProxyPass / http://127.0.0.1:%zu/\n"
		    "</VirtualHost>\n", i, 8000 + i);

		if (i % 10 == 3) {
			char	*a = xasprintf("%s/etc/apache2/sites-available/"
			    "h%04zu.conf", root, i);
			char	*l = xasprintf("../sites-available/h%04zu.conf",
			    i);

			put(a, t);
			p = xasprintf("%s/etc/apache2/sites-enabled/h%04zu.conf",
			    root, i);
			CHECK(symlink(l, p) == 0);
			free(a);
			free(l);
		} else {
			p = xasprintf("%s/etc/apache2/sites-enabled/h%04zu.conf",
			    root, i);
			put(p, t);
		}
		free(p);
		free(t);
	}
	p = xasprintf("%s/etc/apache2/sites-enabled/zz-fifo.conf", root);
	CHECK(mkfifo(p, 0644) == 0);
	free(p);
}

static struct cf_config *
load(const char *root)
{
	struct cf_opts		 o;
	struct cf_config	*c = NULL;
	char			*err = NULL;

	memset(&o, 0, sizeof o);
	o.root = root;
	o.config = "/etc/apache2/apache2.conf";
	if (conf_load(&o, &c, &err) != 0) {
		fprintf(stderr, "conf_load %s: %s\n", root, err);
		exit(99);
	}
	return c;
}

/* 200 files read ahead: each vhost from its own file, in order, a link
 * read through, each file's text whole (its size), the FIFO refused. */
static void
test_discovery(const char *base)
{
	char			*big = xasprintf("%s/big", base);
	struct cf_config	*c;
	size_t			 i;

	make_tree(big, 200);
	c = load(big);
	CHECK(c->vhosts.n == 200);
	CHECK(c->files.n == 201);
	for (i = 0; i < c->vhosts.n && i < 200; i++) {
		struct cf_vhost	*v = c->vhosts.v[i];
		char		*name = xasprintf("h%zu.example.com", i);
		char		*path = xasprintf("/etc/apache2/sites-enabled/"
				    "h%04zu.conf", i);
		int		 ok;

		ok = v->server_name != NULL &&
		    strcmp(v->server_name, name) == 0 &&
		    strcmp(v->node->file->path, path) == 0 &&
		    /* a link is read through */
		    (i % 10 != 3 || strstr(v->node->file->real,
		    "sites-available") != NULL) &&
		    v->node->file->st.st_size > 0 &&
		    (size_t)v->node->file->st.st_size == v->node->file->len;
		if (!ok)
			fprintf(stderr, "vhost %zu: %s in %s\n", i,
			    v->server_name ? v->server_name : "-",
			    v->node->file->path);
		CHECK(ok);
		free(name);
		free(path);
		if (!ok)
			break;
	}
	/* the FIFO: a problem, never opened */
	CHECK(c->problems.n == 1);
	if (c->problems.n == 1)
		CHECK(strstr(((struct cf_problem *)c->problems.v[0])->message,
		    "not a regular file") != NULL);
	conf_free(c);
	free(big);
}

int
main(void)
{
	const char	*tmp = getenv("TMPDIR");
	char		*tmpl, *dir, *cmd;

	tmpl = xasprintf("%s/vhostfix-prefetch.XXXXXX", tmp != NULL &&
	    *tmp != '\0' ? tmp : "/tmp");
	if (mkdtemp(tmpl) == NULL) {
		perror("mkdtemp");
		return 99;
	}
	dir = xasprintf("%s/d", tmpl);
	CHECK(mkdir(dir, 0755) == 0);
	test_slots(dir);
	test_discovery(tmpl);
	cmd = xasprintf("rm -rf '%s'", tmpl);
	if (system(cmd) != 0)
		failures++;
	free(cmd);
	free(dir);
	free(tmpl);
	if (failures > 0) {
		fprintf(stderr, "%d check(s) failed\n", failures);
		return 1;
	}
	return 0;
}
