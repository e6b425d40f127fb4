/* util.c: memory, buffers, vectors, strings, whole-file reads. */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <unistd.h>

#include "util.h"

static void (*oom_hook)(void);

void
util_set_oom_hook(void (*fn)(void))
{
	oom_hook = fn;
}

static void
oom(void)
{
	static const char msg[] = "vhostfix: out of memory\n";

	if (oom_hook != NULL)
		oom_hook();
	if (write(STDERR_FILENO, msg, sizeof msg - 1) < 0) {
		/* nothing more to try */
	}
	abort();
}

void *
xmalloc(size_t n)
{
	void	*p = malloc(n ? n : 1);

	if (p == NULL)
		oom();
	return p;
}

void *
xcalloc(size_t n, size_t size)
{
	void	*p = calloc(n ? n : 1, size ? size : 1);

	if (p == NULL)
		oom();
	return p;
}

void *
xrealloc(void *p, size_t n)
{
	p = realloc(p, n ? n : 1);
	if (p == NULL)
		oom();
	return p;
}

char *
xstrdup(const char *s)
{
	return xstrndup(s, strlen(s));
}

char *
xstrndup(const char *s, size_t n)
{
	char	*p = xmalloc(n + 1);

	memcpy(p, s, n);
	p[n] = '\0';
	return p;
}

char *
xvasprintf(const char *fmt, va_list ap)
{
	char	*s;

	if (vasprintf(&s, fmt, ap) < 0)
		oom();
	return s;
}

char *
xasprintf(const char *fmt, ...)
{
	va_list	 ap;
	char	*s;

	va_start(ap, fmt);
	s = xvasprintf(fmt, ap);
	va_end(ap);
	return s;
}

static void
buf_grow(struct buf *b, size_t more)
{
	size_t	cap;

	if (b->len + more + 1 <= b->cap)
		return;
	cap = b->cap ? b->cap : 64;
	while (cap < b->len + more + 1)
		cap *= 2;
	b->data = xrealloc(b->data, cap);
	b->cap = cap;
}

void
buf_add(struct buf *b, const void *p, size_t n)
{
	buf_grow(b, n);
	if (n)
		memcpy(b->data + b->len, p, n);
	b->len += n;
	b->data[b->len] = '\0';
}

void
buf_adds(struct buf *b, const char *s)
{
	buf_add(b, s, strlen(s));
}

void
buf_addc(struct buf *b, char c)
{
	buf_add(b, &c, 1);
}

void
buf_printf(struct buf *b, const char *fmt, ...)
{
	va_list	 ap;
	char	*s;

	va_start(ap, fmt);
	s = xvasprintf(fmt, ap);
	va_end(ap);
	buf_adds(b, s);
	free(s);
}

char *
buf_steal(struct buf *b)
{
	char	*s;

	if (b->data == NULL)
		return xstrdup("");
	s = b->data;
	b->data = NULL;
	b->len = b->cap = 0;
	return s;
}

void
buf_free(struct buf *b)
{
	free(b->data);
	b->data = NULL;
	b->len = b->cap = 0;
}

void
vec_push(struct vec *v, void *p)
{
	if (v->n == v->cap) {
		v->cap = v->cap ? v->cap * 2 : 8;
		v->v = xrealloc(v->v, v->cap * sizeof *v->v);
	}
	v->v[v->n++] = p;
}

void
vec_free(struct vec *v)
{
	free(v->v);
	v->v = NULL;
	v->n = v->cap = 0;
}

void
vec_free_all(struct vec *v, void (*fn)(void *))
{
	size_t	i;

	for (i = 0; i < v->n; i++)
		fn(v->v[i]);
	vec_free(v);
}

static size_t
strmap_hash(const char *s)
{
	size_t	h = 14695981039346656037UL;	/* FNV-1a */

	while (*s != '\0')
		h = (h ^ (unsigned char)*s++) * 1099511628211UL;
	return h;
}

/* The slot of key in keys (cap of them, a power of two): where it is, or
 * the empty one where it would go. */
static size_t
strmap_slot(char *const *keys, size_t cap, const char *key)
{
	size_t	mask = cap - 1, i = strmap_hash(key) & mask;

	while (keys[i] != NULL && strcmp(keys[i], key) != 0)
		i = (i + 1) & mask;
	return i;
}

void *
strmap_get(const struct strmap *m, const char *key)
{
	size_t	i;

	if (m->cap == 0)
		return NULL;
	i = strmap_slot(m->keys, m->cap, key);
	return m->keys[i] != NULL ? m->vals[i] : NULL;
}

void **
strmap_at(struct strmap *m, const char *key)
{
	size_t	i;

	if (2 * (m->n + 1) > m->cap) {
		size_t	  cap = m->cap ? 2 * m->cap : 16;
		char	**keys = xcalloc(cap, sizeof *keys);
		void	**vals = xcalloc(cap, sizeof *vals);

		for (i = 0; i < m->cap; i++)
			if (m->keys[i] != NULL) {
				size_t	j = strmap_slot(keys, cap, m->keys[i]);

				keys[j] = m->keys[i];
				vals[j] = m->vals[i];
			}
		free(m->keys);
		free(m->vals);
		m->keys = keys;
		m->vals = vals;
		m->cap = cap;
	}
	i = strmap_slot(m->keys, m->cap, key);
	if (m->keys[i] == NULL) {
		m->keys[i] = xstrdup(key);
		m->vals[i] = NULL;
		m->n++;
	}
	return &m->vals[i];
}

void
strmap_free(struct strmap *m, void (*freeval)(void *))
{
	size_t	i;

	for (i = 0; i < m->cap; i++)
		if (m->keys[i] != NULL) {
			free(m->keys[i]);
			if (freeval != NULL)
				freeval(m->vals[i]);
		}
	free(m->keys);
	free(m->vals);
	memset(m, 0, sizeof *m);
}

int
str_caseeq(const char *a, const char *b)
{
	return strcasecmp(a, b) == 0;
}

char *
str_lower(const char *s)
{
	char	*low = xstrdup(s), *p;

	for (p = low; *p != '\0'; p++)
		if (*p >= 'A' && *p <= 'Z')
			*p = (char)(*p - 'A' + 'a');
	return low;
}

int
str_startswith(const char *s, const char *prefix)
{
	return strncmp(s, prefix, strlen(prefix)) == 0;
}

int
str_endswith(const char *s, const char *suffix)
{
	size_t	ls = strlen(s), lx = strlen(suffix);

	return ls >= lx && memcmp(s + ls - lx, suffix, lx) == 0;
}

char *
str_unquote(const char *s)
{
	size_t	 n = strlen(s);
	char	 q, *out, *o;

	if (n < 2 || (s[0] != '"' && s[0] != '\'') || s[n - 1] != s[0])
		return xstrdup(s);
	q = s[0];
	out = o = xmalloc(n);
	for (s++, n -= 2; n > 0; s++, n--) {
		/* Apache's ap_getword_conf: backslash escapes the quote
		 * character (and a backslash) inside a quoted word. */
		if (*s == '\\' && n > 1 && (s[1] == q || s[1] == '\\')) {
			s++;
			n--;
		}
		*o++ = *s;
	}
	*o = '\0';
	return out;
}

char *
str_quote_arg(const char *s)
{
	struct buf	b = { 0 };

	if (*s != '\0' && strpbrk(s, " \t\"'\\") == NULL)
		return xstrdup(s);
	buf_addc(&b, '"');
	for (; *s != '\0'; s++) {
		if (*s == '"' || *s == '\\')
			buf_addc(&b, '\\');
		buf_addc(&b, *s);
	}
	buf_addc(&b, '"');
	return buf_steal(&b);
}

int
util_read_file(const char *path, size_t max, char **out, size_t *len)
{
	struct stat	st;

	return util_read_file_stat(path, max, out, len, &st);
}

int
util_read_file_stat(const char *path, size_t max, char **out, size_t *len,
    struct stat *stp)
{
	struct buf	 b = { 0 };
	struct stat	 st;
	char		 chunk[65536];
	ssize_t		 r;
	int		 fd, saved;

	/* Non-blocking open: a FIFO must not hang us; it is refused. */
	fd = open(path, O_RDONLY | O_CLOEXEC | O_NOCTTY | O_NONBLOCK);
	if (fd < 0)
		return -1;
	if (fstat(fd, &st) < 0)
		goto fail;
	if (!S_ISREG(st.st_mode)) {
		errno = S_ISDIR(st.st_mode) ? EISDIR : EINVAL;
		goto fail;
	}
	for (;;) {
		r = read(fd, chunk, sizeof chunk);
		if (r < 0) {
			if (errno == EINTR)
				continue;
			goto fail;
		}
		if (r == 0)
			break;
		if (b.len + (size_t)r > max) {
			errno = EFBIG;
			goto fail;
		}
		buf_add(&b, chunk, (size_t)r);
		/* A short read that brought the size fstat() gave is the
		 * end (a regular file): no read() just to see 0. */
		if ((size_t)r < sizeof chunk && st.st_size >= 0 &&
		    b.len == (size_t)st.st_size)
			break;
	}
	close(fd);
	*stp = st;
	if (b.data == NULL)
		buf_add(&b, "", 0);
	*len = b.len;
	*out = buf_steal(&b);
	return 0;
fail:
	saved = errno;
	close(fd);
	buf_free(&b);
	errno = saved;
	return -1;
}

/* Edit distance (Levenshtein). */
static size_t
str_distance(const char *a, const char *b)
{
	size_t	la = strlen(a), lb = strlen(b), i, j, *row, prev, d;

	row = xcalloc(lb + 1, sizeof *row);
	for (j = 0; j <= lb; j++)
		row[j] = j;
	for (i = 1; i <= la; i++) {
		prev = row[0];
		row[0] = i;
		for (j = 1; j <= lb; j++) {
			size_t	cur = row[j];

			d = prev + (a[i - 1] != b[j - 1]);
			if (row[j] + 1 < d)
				d = row[j] + 1;
			if (row[j - 1] + 1 < d)
				d = row[j - 1] + 1;
			row[j] = d;
			prev = cur;
		}
	}
	d = row[lb];
	free(row);
	return d;
}

struct str_near {
	const char	*name;
	size_t		 d;
};

static int
str_cmp_near(const void *a, const void *b)
{
	const struct str_near	*x = a, *y = b;

	if (x->d != y->d)
		return x->d < y->d ? -1 : 1;
	return strcmp(x->name, y->name);
}

size_t
str_nearest(const char *typed, const char *const *names, size_t n,
    const char **best, size_t max)
{
	struct str_near	*nv = xcalloc(n ? n : 1, sizeof *nv);
	size_t		 i, k = 0, out = 0, lim = strlen(typed) / 4;

	if (lim < 2)
		lim = 2;
	for (i = 0; i < n; i++) {
		size_t	d = str_distance(names[i], typed);

		if (d > lim && strstr(names[i], typed) == NULL)
			continue;
		nv[k].name = names[i];
		nv[k].d = d;
		k++;
	}
	qsort(nv, k, sizeof *nv, str_cmp_near);
	for (i = 0; i < k && out < max; i++)
		if (out == 0 || strcmp(best[out - 1], nv[i].name) != 0)
			best[out++] = nv[i].name;
	free(nv);
	return out;
}
