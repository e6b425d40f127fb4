/* test-errlog.c: the error-log classifier on lines a real apache2 wrote.
 *
 * tests/errlog-real.sh makes Apache 2.4 fail against real broken backends
 * and runs this program on the resulting log:
 *
 *   test-errlog LOG
 *	prints one line per event, "CODE ERR KIND BACKEND COUNT", and checks
 *	that every sample line is inert and times are in order;
 *   test-errlog --tail LOG DIR
 *	checks the bounded reading with LOG's own lines: a file of more than
 *	ERRLOG_TAIL_MAX bytes whose old part must be skipped, and a short
 *	current file whose older lines are in the rotated file;
 *   test-errlog (no arguments, run by make check)
 *	checks where each vhost's log is found: Debian's demo tree
 *	(${APACHE_LOG_DIR} from envvars, a vhost's own ErrorLog), the RHEL
 *	fixture (ServerRoot-relative "logs/error_log" through the logs ->
 *	../../var/log/httpd link), a piped and a syslog ErrorLog. */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <sys/stat.h>
#include <unistd.h>

#include "errlog.h"
#include "util.h"

static const char *const kinds[] = { "socket", "addr", "host", "urlpath" };

static int
dump(const char *log)
{
	struct vec	 ev = { 0 };
	char		*err = NULL;
	size_t		 i;
	int		 bad = 0;

	if (errlog_read(log, ERRLOG_TAIL_MAX, &ev, &err) != 0) {
		fprintf(stderr, "%s\n", err);
		free(err);
		return 1;
	}
	for (i = 0; i < ev.n; i++) {
		struct el_event		*e = ev.v[i];
		const unsigned char	*p;

		if (e->debug)
			continue;
		printf("%s %d %s %s %lu\n", e->code, e->err, kinds[e->kind],
		    e->backend, e->count);
		for (p = (const unsigned char *)e->sample; *p; p++)
			if (*p < 0x20 || *p == 0x7f) {
				fprintf(stderr, "sample not inert: %s\n",
				    e->sample);
				bad = 1;
				break;
			}
		if (e->first[0] == '\0' || strcmp(e->first, e->last) > 0) {
			fprintf(stderr, "%s %s: times '%s' .. '%s'\n",
			    e->code, e->backend, e->first, e->last);
			bad = 1;
		}
	}
	vec_free_all(&ev, el_event_free);
	return bad;
}

static unsigned long
total(const char *path)
{
	struct vec	 ev = { 0 };
	char		*err = NULL;
	unsigned long	 n = 0;
	size_t		 i;

	if (errlog_read(path, ERRLOG_TAIL_MAX, &ev, &err) != 0) {
		fprintf(stderr, "%s\n", err);
		free(err);
		return (unsigned long)-1;
	}
	for (i = 0; i < ev.n; i++)
		n += ((struct el_event *)ev.v[i])->count;
	vec_free_all(&ev, el_event_free);
	return n;
}

static int
tail(const char *log, const char *dir)
{
	char		*text, *big, *cur, *old, *first = NULL, *nl, *mid;
	size_t		 len, pad = 0, half;
	unsigned long	 want, got;
	FILE		*fp;
	int		 bad = 0;

	if (util_read_file(log, 64u << 20, &text, &len) != 0) {
		perror(log);
		return 1;
	}
	want = total(log);
	/* The first counted line of the log, to put into the old part. */
	for (mid = text; mid < text + len; mid = nl + 1) {
		struct vec	one = { 0 };

		nl = memchr(mid, '\n', (size_t)(text + len - mid));
		if (nl == NULL)
			break;
		if (errlog_line(&one, mid, (size_t)(nl - mid)))
			first = xstrndup(mid, (size_t)(nl - mid) + 1);
		vec_free_all(&one, el_event_free);
		if (first != NULL)
			break;
	}
	if (first == NULL) {
		fprintf(stderr, "%s: no counted line\n", log);
		return 1;
	}
	/* Over ERRLOG_TAIL_MAX: a counted line, then filler, then the log. */
	big = xasprintf("%s/big.log", dir);
	fp = fopen(big, "w");
	fputs(first, fp);
	while (pad < ERRLOG_TAIL_MAX) {
		pad += (size_t)fprintf(fp, "[Mon Nov 30 09:00:00.000000 2026] "
		    "[core:notice] [pid 1:tid 1] AH00094: Command line: "
		    "'filler'\n");
	}
	fwrite(text, 1, len, fp);
	fclose(fp);
	got = total(big);
	if (got != want) {
		fprintf(stderr, "tail of %s: %lu events, want %lu (the "
		    "part before the last %u bytes must be skipped)\n", big,
		    got, want, ERRLOG_TAIL_MAX);
		bad = 1;
	}
	/* Rotated: the older half in LOG.1, the newer in LOG. */
	cur = xasprintf("%s/error.log", dir);
	old = xasprintf("%s/error.log.1", dir);
	half = len / 2;
	while (half < len && text[half - 1] != '\n')
		half++;
	fp = fopen(old, "w");
	fwrite(text, 1, half, fp);
	fclose(fp);
	fp = fopen(cur, "w");
	fwrite(text + half, 1, len - half, fp);
	fclose(fp);
	got = total(cur);
	if (got != want) {
		fprintf(stderr, "rotated %s + .1: %lu events, want %lu\n", cur,
		    got, want);
		bad = 1;
	}
	remove(big);
	remove(cur);
	remove(old);
	free(big);
	free(cur);
	free(old);
	free(first);
	free(text);
	if (!bad)
		printf("tail and rotation: %lu events both ways\n", want);
	return bad;
}

static int	path_failures;

static void
expect_path(const char *root, const char *sel, const char *want_rel,
    const char *want_why)
{
	struct cf_opts		 o = { 0 };
	struct cf_config	*c = NULL;
	struct vec		 vs = { 0 };
	char			*err = NULL, *why = NULL, *got, *want;

	o.root = root;
	if (conf_load(&o, &c, &err) != 0) {
		fprintf(stderr, "FAIL %s: %s\n", root, err);
		free(err);
		path_failures++;
		return;
	}
	if (sel != NULL && conf_find_vhosts(c, sel, &vs) == 0) {
		fprintf(stderr, "FAIL %s: no vhost %s\n", root, sel);
		path_failures++;
	}
	got = errlog_path(c, sel ? vs.v[0] : NULL, 0, &why);
	/* The root as conf_load made it absolute and canonical. */
	want = want_rel ? xasprintf("%s%s", c->root, want_rel) : NULL;
	if ((got == NULL) != (want == NULL) || (got && strcmp(got, want)) ||
	    (want_why && (why == NULL || strstr(why, want_why) == NULL))) {
		fprintf(stderr, "FAIL %s %s: got %s (%s), want %s (%s)\n",
		    root, sel ? sel : "(server)", got ? got : "NULL",
		    why ? why : "-", want ? want : "NULL",
		    want_why ? want_why : "-");
		path_failures++;
	} else
		printf("%s: %s\n", sel ? sel : "(server)", got ? got : why);
	free(got);
	free(want);
	free(why);
	vec_free(&vs);
	conf_free(c);
}

static void
write_file(const char *path, const char *text)
{
	FILE	*fp = fopen(path, "w");

	if (fp == NULL) {
		perror(path);
		exit(99);
	}
	fputs(text, fp);
	fclose(fp);
}

static int
paths(void)
{
	char	 tmp[] = "/tmp/vhostfix-errlog.XXXXXX", *rhel, *cmd, *p;

	if (mkdtemp(tmp) == NULL) {
		perror("mkdtemp");
		return 99;
	}
	/* Debian: ${APACHE_LOG_DIR} from envvars, as apache2ctl exports
	 * it. */
	expect_path(SRCDIR "/data/demo", NULL, "/var/log/apache2/error.log",
	    NULL);
	expect_path(SRCDIR "/data/demo", "app.example.com",
	    "/var/log/apache2/app.example.com-error.log", NULL);
	expect_path(SRCDIR "/data/demo", "wiki.example.com",
	    "/var/log/apache2/wiki.example.com-error.log", NULL);
	/* RHEL: relative to ServerRoot, through the logs link. */
	rhel = xasprintf("%s/rhel", tmp);
	cmd = xasprintf("cp -R '%s/tests/fixtures/rhel-layout/root' '%s' && "
	    "mkdir -p '%s/var/log/httpd' && ln -s ../../var/log/httpd "
	    "'%s/etc/httpd/logs' && : > '%s/var/log/httpd/error_log'",
	    SRCDIR, rhel, rhel, rhel, rhel);
	if (system(cmd) != 0) {
		fprintf(stderr, "FAIL: %s\n", cmd);
		path_failures++;
	}
	free(cmd);
	expect_path(rhel, NULL, "/var/log/httpd/error_log", NULL);
	/* A program and syslog are not files. */
	p = xasprintf("%s/pipe/etc/apache2", tmp);
	cmd = xasprintf("mkdir -p '%s'", p);
	if (system(cmd) != 0)
		path_failures++;
	free(cmd);
	cmd = xasprintf("%s/apache2.conf", p);
	write_file(cmd, "ErrorLog \"|/usr/bin/logger -t apache\"\n"
	    "<VirtualHost *:80>\n\tServerName sys.example.test\n"
	    "\tErrorLog syslog:local1\n</VirtualHost>\n");
	free(cmd);
	free(p);
	p = xasprintf("%s/pipe", tmp);
	expect_path(p, NULL, NULL, "goes to a program");
	expect_path(p, "sys.example.test", NULL, "goes to syslog");
	free(p);
	cmd = xasprintf("rm -rf '%s'", tmp);
	if (system(cmd) != 0)
		fprintf(stderr, "could not remove %s\n", tmp);
	free(cmd);
	free(rhel);
	if (path_failures) {
		fprintf(stderr, "%d failure(s)\n", path_failures);
		return 1;
	}
	printf("error log paths: all found\n");
	return 0;
}

int
main(int argc, char **argv)
{
	if (argc == 1)
		return paths();
	if (argc == 2)
		return dump(argv[1]);
	if (argc == 4 && strcmp(argv[1], "--tail") == 0)
		return tail(argv[2], argv[3]);
	fprintf(stderr, "usage: test-errlog LOG | --tail LOG DIR\n");
	return 2;
}
