/* fuzz-url.c: libFuzzer target for the ProxyPass argument parsers.
 *
 * The input is up to three NUL-separated strings a, b, c.  a is a
 * ProxyPass URL ("unix:/run/a.sock|http://127.0.0.1/"), b another URL or
 * path, c a path.  Exercised: px_url_parse, px_url_path, px_url_eq,
 * px_path_covers, str_unquote, str_quote_arg, report_inert and
 * report_json_string, with the properties each must keep for any input:
 * the socket and backend are the two parts of the URL, the path lies
 * inside the URL, equality is reflexive and symmetric, a path covers
 * itself, quoting round-trips, and inert text holds no control bytes. */
#include "config.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "proxy.h"
#include "report.h"
#include "util.h"

int	LLVMFuzzerTestOneInput(const uint8_t *, size_t);

#define CHECK(cond) do {						\
	if (!(cond)) {							\
		fprintf(stderr, "fuzz-url: %s:%d: %s\n", __FILE__,	\
		    __LINE__, #cond);					\
		abort();						\
	}								\
} while (0)

static void
check_url(const char *s)
{
	struct px_url	 u;
	const char	*path;

	px_url_parse(s, &u);
	CHECK(u.backend != NULL);
	if (strncasecmp(s, "unix:", 5) == 0) {
		CHECK(u.socket != NULL);
		CHECK(strncmp(s + 5, u.socket, strlen(u.socket)) == 0);
		if (!u.bad_syntax) {
			/* "unix:" SOCKET "|" BACKEND, nothing lost */
			CHECK(strlen(u.socket) + strlen(u.backend) + 6 ==
			    strlen(s));
			CHECK(strchr(u.socket, '|') == NULL);
		}
	} else {
		CHECK(u.socket == NULL);
		CHECK(strcmp(u.backend, s) == 0);
	}
	CHECK((u.scheme == PX_NONE) == (strcmp(u.backend, "!") == 0));
	path = px_url_path(u.backend);
	CHECK(path >= u.backend && path <= u.backend + strlen(u.backend));
	CHECK(px_url_eq(u.backend, u.backend));
	px_url_free(&u);
	CHECK(u.socket == NULL && u.backend == NULL);
}

static void
check_quote(const char *s)
{
	char	*q = str_quote_arg(s), *back = str_unquote(q);

	/* What the planner writes reads back as the same argument. */
	CHECK(strcmp(back, s) == 0);
	CHECK(*q != '\0');
	free(back);
	free(q);
	free(str_unquote(s));
}

static void
check_inert(const char *s)
{
	char		*t = report_inert(s);
	struct buf	 b = { 0 };
	const unsigned char *p;

	for (p = (const unsigned char *)t; *p != '\0'; p++) {
		/* A tab moves the cursor only: diffs keep theirs. */
		CHECK((*p >= 0x20 || *p == '\t') && *p != 0x7f);
		/* C1 controls: U+0080..U+009F as UTF-8 */
		CHECK(!(p[0] == 0xc2 && p[1] >= 0x80 && p[1] < 0xa0));
	}
	free(t);
	report_json_string(&b, s);
	CHECK(b.len >= 2 && b.data[0] == '"' && b.data[b.len - 1] == '"');
	for (p = (const unsigned char *)b.data; *p != '\0'; p++) {
		CHECK(*p >= 0x20 && *p != 0x7f);	/* JSON: none raw */
		CHECK(!(p[0] == 0xc2 && p[1] >= 0x80 && p[1] < 0xa0));
	}
	buf_free(&b);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t len)
{
	char		*copy, *s[3];
	const char	*end;
	size_t		 i, n = 0;

	/* Three strings, the last one always NUL-terminated. */
	copy = xmalloc(len + 1);
	memcpy(copy, data, len);
	copy[len] = '\0';
	end = copy + len;
	s[0] = copy;
	for (n = 1; n < 3; n++) {
		char	*z = s[n - 1] + strlen(s[n - 1]);

		s[n] = z < end ? z + 1 : z;
	}
	for (i = 0; i < 3; i++) {
		check_url(s[i]);
		check_quote(s[i]);
		check_inert(s[i]);
		CHECK(px_path_covers(s[i], s[i]));
	}
	CHECK(px_url_eq(s[0], s[1]) == px_url_eq(s[1], s[0]));
	(void)px_path_covers(s[1], s[2]);
	(void)px_path_covers(s[2], s[1]);
	free(copy);
	return 0;
}
