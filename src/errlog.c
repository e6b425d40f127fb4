/* errlog.c: proxy failures in Apache's error log, counted per backend.
 *
 * The line format is Apache 2.4's default ErrorLogFormat, as Apache 2.4.71
 * writes it (tests/errlog-real.sh captures real lines), e.g.
 *
 *   [Mon Nov 30 10:27:05.411166 2026] [proxy:error] [pid 18581:tid 18584]
 *   (111)Connection refused: AH02454: http: attempt to connect to Unix
 *   domain socket /run/app.sock (app:80) failed
 *
 * The "(N)text: " before the code is the errno (or an APR code such as
 * 70007, or "EAI 2" for a resolver error); "[client ...] " may come
 * between it and the code.  Measured messages:
 *   AH02454 ...Unix domain socket PATH (HOST:PORT) failed
 *   AH00957 ...attempt to connect to ADDR (HOST:PORT) failed
 *   AH01114 HTTP: failed to make connection to backend: HOST
 *   AH01079 failed to make connection to backend: HOST      (fcgi)
 *   AH10101 failed to make connection to backend: HOST:PORT (uwsgi)
 *   AH01102 error reading status line from remote server HOST:PORT
 *   AH00898 DNS lookup failure for: HOST returned by PATH
 *   AH00898 Error reading from remote server returned by PATH
 *   AH01144 No protocol handler was valid for the URL PATH (scheme 'S')...
 *   AH00961 https: failed to enable ssl support for ADDR (HOST)
 *   AH00959 ap_proxy_connect_backend disabling worker for (HOST:PORT) for Ns
 */
#include "config.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "errlog.h"
#include "util.h"

static const char *const codes[] = {
	"AH02454", "AH01114", "AH00957", "AH01102", "AH01144", "AH00898",
	"AH00961", "AH00959", "AH01079", "AH10101",
};

void
el_event_free(void *p)
{
	struct el_event	*e = p;

	if (e == NULL)
		return;
	free(e->errtext);
	free(e->backend);
	free(e->addr);
	free(e->urlpath);
	free(e->sample);
	free(e->log);
	free(e);
}

/* "[Mon Nov 30 10:27:05.374395 2026]" -> "2026-11-30 10:27:05". */
static void
parse_time(const char *line, size_t len, char out[20])
{
	static const char	months[] = "JanFebMarAprMayJunJulAugSepOctNov"
				    "Dec";
	char			mon[4], tm[9];
	unsigned		day, year;
	const char		*m;

	out[0] = '\0';
	if (len < 30 || line[0] != '[')
		return;
	if (sscanf(line, "[%*3s %3s %u %8[0-9:]%*[.0-9] %u]", mon, &day, tm,
	    &year) != 4 || strlen(tm) != 8)
		return;
	if ((m = strstr(months, mon)) == NULL || (m - months) % 3 != 0 ||
	    day > 31 || year > 9999)
		return;
	snprintf(out, 20, "%04u-%02d-%02u %s", year,
	    (int)((m - months) / 3 + 1), day, tm);
}

/* Copy s[0..n) without a trailing run of spaces. */
static char *
dup_trim(const char *s, size_t n)
{
	while (n > 0 && (s[n - 1] == ' ' || s[n - 1] == '\t'))
		n--;
	return xstrndup(s, n);
}

/* Text between after and the next stop character (or end). */
static char *
field_after(const char *msg, const char *after, const char *stops)
{
	const char	*p = strstr(msg, after);

	if (p == NULL)
		return NULL;
	p += strlen(after);
	return dup_trim(p, strcspn(p, stops));
}

/* The part in parentheses after "key": "(app:80)" -> "app:80". */
static char *
paren_after(const char *msg, const char *key)
{
	const char	*p = strstr(msg, key), *q;

	if (p == NULL || (p = strchr(p + strlen(key), '(')) == NULL ||
	    (q = strchr(p, ')')) == NULL)
		return NULL;
	return xstrndup(p + 1, (size_t)(q - p - 1));
}

/* The line with its control characters as \xNN (Apache escapes most of
 * them itself; a socket path may still carry some). */
static char *
scrub(const char *s)
{
	struct buf	b = { 0 };

	for (; *s != '\0'; s++) {
		if ((unsigned char)*s < 0x20 || *s == 0x7f)
			buf_printf(&b, "\\x%02x", (unsigned char)*s);
		else
			buf_addc(&b, *s);
	}
	return b.data != NULL ? buf_steal(&b) : xstrdup("");
}

static struct el_event *
find_or_add(struct vec *events, const char *code, int err,
    enum el_kind kind, const char *backend)
{
	struct el_event	*e;
	size_t		 i;

	for (i = 0; i < events->n; i++) {
		e = events->v[i];
		if (strcmp(e->code, code) == 0 && e->err == err &&
		    e->kind == kind && strcmp(e->backend, backend) == 0)
			return e;
	}
	e = xcalloc(1, sizeof *e);
	snprintf(e->code, sizeof e->code, "%s", code);
	e->err = err;
	e->kind = kind;
	e->backend = xstrdup(backend);
	vec_push(events, e);
	return e;
}

int
errlog_line(struct vec *events, const char *line, size_t len)
{
	char		*s = xstrndup(line, len), *msg, *p, *errtext = NULL;
	char		*backend = NULL, *addr = NULL, *urlpath = NULL;
	char		 when[20];
	const char	*code = NULL, *at = NULL;
	enum el_kind	 kind = EL_HOST;
	struct el_event	*e;
	int		 err = 0, debug;
	size_t		 i;

	/* The first known "AHnnnnn: " of the line. */
	for (p = strstr(s, "AH"); p != NULL && code == NULL;
	    p = strstr(p + 2, "AH"))
		for (i = 0; i < sizeof codes / sizeof *codes; i++)
			if (strncmp(p, codes[i], 7) == 0 && p[7] == ':') {
				code = codes[i];
				at = p;
				break;
			}
	if (code == NULL) {
		free(s);
		return 0;
	}
	debug = strstr(s, ":debug] ") != NULL && strstr(s, ":debug] ") < at;
	/* "(13)Permission denied: " or "(EAI 2)Name ...: " before the code,
	 * after "] " (or, at debug level, after "proxy_util.c(3949): "). */
	for (p = s; (p = strstr(p, " (")) != NULL && p < at; p += 2) {
		char	*num = p + 2, *close = strchr(num, ')'), *colon;

		if (p == s || (p[-1] != ']' && p[-1] != ':'))
			continue;

		if (close == NULL || close > at)
			continue;
		colon = strstr(close, ": ");
		if (colon == NULL || colon > at)
			continue;
		if (str_startswith(num, "EAI ")) {
			errtext = xasprintf("%.*s: %.*s", (int)(close - num),
			    num, (int)(colon - close - 1), close + 1);
		} else if (num[0] >= '0' && num[0] <= '9') {
			err = atoi(num);
			errtext = xstrndup(close + 1,
			    (size_t)(colon - close - 1));
		} else
			continue;
		break;
	}
	msg = (char *)at + 9;
	if (strcmp(code, "AH02454") == 0) {
		kind = EL_SOCKET;
		backend = field_after(msg, "Unix domain socket ", " ");
	} else if (strcmp(code, "AH00957") == 0) {
		kind = EL_ADDR;
		addr = field_after(msg, "attempt to connect to ", " ");
		backend = addr ? paren_after(msg, addr) : NULL;
	} else if (strcmp(code, "AH01114") == 0 ||
	    strcmp(code, "AH01079") == 0) {
		backend = field_after(msg, "backend: ", " ");
	} else if (strcmp(code, "AH10101") == 0) {
		kind = EL_ADDR;
		backend = field_after(msg, "backend: ", " ");
	} else if (strcmp(code, "AH01102") == 0) {
		kind = EL_ADDR;
		backend = field_after(msg, "remote server ", " ");
	} else if (strcmp(code, "AH00898") == 0) {
		urlpath = field_after(msg, " returned by ", " ");
		backend = field_after(msg, "DNS lookup failure for: ", " ");
		if (backend == NULL) {
			kind = EL_URLPATH;
			backend = urlpath ? xstrdup(urlpath) : NULL;
		}
	} else if (strcmp(code, "AH01144") == 0) {
		kind = EL_URLPATH;
		urlpath = field_after(msg, "for the URL ", " ");
		backend = urlpath ? xstrdup(urlpath) : NULL;
	} else if (strcmp(code, "AH00961") == 0) {
		kind = EL_ADDR;
		backend = field_after(msg, "ssl support for ", " ");
	} else if (strcmp(code, "AH00959") == 0) {
		kind = EL_ADDR;
		backend = paren_after(msg, "disabling worker for");
	}
	if (backend == NULL || *backend == '\0') {
		free(backend);
		backend = xstrdup("?");
	}
	e = find_or_add(events, code, err, kind, backend);
	if (e->errtext == NULL && errtext != NULL) {
		e->errtext = errtext;
		errtext = NULL;
	}
	if (e->addr == NULL && addr != NULL) {
		e->addr = addr;
		addr = NULL;
	}
	if (e->urlpath == NULL && urlpath != NULL) {
		e->urlpath = urlpath;
		urlpath = NULL;
	}
	e->debug = debug;
	e->count++;
	parse_time(s, len, when);
	if (when[0] != '\0') {
		if (e->first[0] == '\0')
			memcpy(e->first, when, sizeof when);
		memcpy(e->last, when, sizeof when);
	}
	free(e->sample);
	if (strlen(s) > ERRLOG_SAMPLE_MAX)
		s[ERRLOG_SAMPLE_MAX] = '\0';
	e->sample = scrub(s);
	free(errtext);
	free(addr);
	free(urlpath);
	free(backend);
	free(s);
	return 1;
}

/* The last max bytes of path, from a line start.  0, or -1 with errno. */
static int
read_tail(const char *path, size_t max, struct buf *out, off_t *size)
{
	struct stat	 st;
	off_t		 from = 0;
	char		*chunk;
	ssize_t		 n;
	size_t		 got = 0;
	int		 fd;

	if ((fd = open(path, O_RDONLY | O_CLOEXEC | O_NOCTTY)) < 0)
		return -1;
	if (fstat(fd, &st) != 0 || !S_ISREG(st.st_mode)) {
		if (errno == 0 || S_ISDIR(st.st_mode))
			errno = S_ISDIR(st.st_mode) ? EISDIR : EINVAL;
		close(fd);
		return -1;
	}
	*size = st.st_size;
	if (st.st_size > (off_t)max)
		from = st.st_size - (off_t)max;
	if (lseek(fd, from, SEEK_SET) < 0) {
		close(fd);
		return -1;
	}
	chunk = xmalloc(max + 1);
	while (got < max && (n = read(fd, chunk + got, max - got)) != 0) {
		if (n < 0) {
			if (errno == EINTR)
				continue;
			break;
		}
		got += (size_t)n;
	}
	close(fd);
	chunk[got] = '\0';
	if (from > 0) {
		/* Drop the partial first line. */
		char	*nl = memchr(chunk, '\n', got);
		size_t	 skip = nl ? (size_t)(nl - chunk) + 1 : got;

		buf_add(out, chunk + skip, got - skip);
	} else
		buf_add(out, chunk, got);
	free(chunk);
	return 0;
}

/* The rotated file before path: path.1, else the newest path-DIGITS
 * (dateext).  NULL if none. */
static char *
rotated(const char *path)
{
	char		*one = xasprintf("%s.1", path), *dir, *base, *best = NULL;
	struct stat	 st;
	DIR		*d;
	struct dirent	*de;

	if (stat(one, &st) == 0 && S_ISREG(st.st_mode))
		return one;
	free(one);
	dir = xstrdup(path);
	if ((base = strrchr(dir, '/')) == NULL) {
		free(dir);
		return NULL;
	}
	*base++ = '\0';
	if ((d = opendir(*dir ? dir : "/")) != NULL) {
		size_t	bl = strlen(base);

		while ((de = readdir(d)) != NULL) {
			const char	*t = de->d_name + bl + 1;

			if (strncmp(de->d_name, base, bl) != 0 ||
			    de->d_name[bl] != '-' || *t == '\0' ||
			    strspn(t, "0123456789") != strlen(t))
				continue;
			if (best == NULL || strcmp(de->d_name, best) > 0) {
				free(best);
				best = xstrdup(de->d_name);
			}
		}
		closedir(d);
	}
	if (best != NULL) {
		char	*full = xasprintf("%s/%s", dir, best);

		free(best);
		best = full;
	}
	free(dir);
	return best;
}

static void
count_lines(struct vec *events, const struct buf *b)
{
	const char	*p = b->data, *end = b->data + b->len;

	while (p != NULL && p < end) {
		const char	*nl = memchr(p, '\n', (size_t)(end - p));
		size_t		 n = nl ? (size_t)(nl - p) : (size_t)(end - p);

		if (n > 0 && memchr(p, 'A', n) != NULL)
			errlog_line(events, p, n);
		p = nl ? nl + 1 : NULL;
	}
}

int
errlog_read(const char *path, size_t max, struct vec *events, char **err)
{
	struct buf	 cur = { 0 }, old = { 0 };
	off_t		 size = 0, osize = 0;
	char		*prev;
	size_t		 i;

	if (read_tail(path, max, &cur, &size) != 0) {
		int	e = errno;

		*err = xasprintf("%s: %s", path, strerror(e));
		buf_free(&cur);
		errno = e;
		return -1;
	}
	/* Older lines first, so first/last times come out in order. */
	if ((size_t)size < max && (prev = rotated(path)) != NULL) {
		if (read_tail(prev, max - (size_t)size, &old, &osize) == 0)
			count_lines(events, &old);
		free(prev);
	}
	count_lines(events, &cur);
	for (i = 0; i < events->n; i++) {
		struct el_event	*e = events->v[i];

		if (e->log == NULL)
			e->log = xstrdup(path);
	}
	buf_free(&old);
	buf_free(&cur);
	return 0;
}

static const char *
log_directive(const struct vec *dirs)
{
	const char	*val = NULL;
	size_t		 i;

	for (i = 0; i < dirs->n; i++) {
		const struct cf_dir	*d = dirs->v[i];

		if (d->ctx == NULL && d->nargs >= 1 &&
		    conf_is(d->node, "ErrorLog"))
			val = d->args[0];
	}
	return val;
}

char *
errlog_path(const struct cf_config *c, const struct cf_vhost *v,
    int machine, char **why)
{
	const char	*val = v ? log_directive(&v->dirs) : NULL;
	char		*path, *real, *abs;

	*why = NULL;
	if (val == NULL)
		val = log_directive(&c->server_dirs);
	if (val == NULL)
		val = "logs/error_log";		/* Apache's compiled default */
	if (val[0] == '|') {
		*why = xasprintf("ErrorLog goes to a program (%s): not read",
		    val);
		return NULL;
	}
	if (str_startswith(val, "syslog")) {
		*why = xasprintf("ErrorLog goes to syslog (%s): see "
		    "journalctl -u apache2 (or httpd)", val);
		return NULL;
	}
	if (val[0] == '/')
		path = xstrdup(val);
	else
		path = xasprintf("%s/%s", strcmp(c->server_root, "/") == 0 ?
		    "" : c->server_root, val);
	if (machine && val[0] == '/')
		return path;
	if (machine) {
		/* ServerRoot is where Apache runs it from (-d). */
		abs = conf_abs(c, path);
		free(path);
		return abs;
	}
	/* Another root: the file is looked for inside it. */
	real = conf_resolve(c, path);
	if (real == NULL) {
		abs = conf_abs(c, path);
		free(path);
		return abs;
	}
	abs = conf_abs(c, real);
	free(real);
	free(path);
	return abs;
}
