/* explain-util.c: the helpers of explain*.c (explain-int.h): steps and
 * notes, Apache's path and name matching, regular expressions as far as
 * PCRE and POSIX agree, the directives in effect. */
#include "config.h"

#include <ctype.h>
#include <regex.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "explain.h"
#include "explain-int.h"

static void
vstep(struct vec *v, const struct cf_node *n, const char *fmt, va_list ap)
{
	struct ex_step	*s = xcalloc(1, sizeof *s);

	s->node = n;
	s->text = xvasprintf(fmt, ap);
	vec_push(v, s);
}

void
explain_step(struct vec *v, const struct cf_node *n, const char *fmt, ...)
{
	va_list	ap;

	va_start(ap, fmt);
	vstep(v, n, fmt, ap);
	va_end(ap);
}

void
explain_note(struct ex_result *r, const struct cf_node *n, const char *fmt, ...)
{
	va_list	ap;

	va_start(ap, fmt);
	vstep(&r->notes, n, fmt, ap);
	va_end(ap);
}

/* The directive as written: name and arguments. */
char *
explain_line_text(const struct cf_node *n)
{
	struct buf	b = { 0 };
	size_t		i;

	buf_adds(&b, n->name);
	for (i = 0; i < n->nargs; i++)
		buf_printf(&b, " %s", n->args[i]);
	return buf_steal(&b);
}

void
explain_decide(struct ex_result *r, enum ex_handler h, const struct cf_node *n)
{
	r->handler = h;
	r->decided.node = n;
	free(r->decided.text);
	r->decided.text = n ? explain_line_text(n) : NULL;
}

size_t
explain_alias_match(const char *uri, const char *alias)
{
	const char	*a = alias, *u = uri;

	if (*a == '\0')
		return 0;
	while (*a != '\0') {
		if (*a == '/') {
			if (*u != '/')
				return 0;
			while (*a == '/')
				a++;
			while (*u == '/')
				u++;
		} else if (*u++ != *a++)
			return 0;
	}
	if (a[-1] != '/' && *u != '\0' && *u != '/')
		return 0;
	return (size_t)(u - uri);
}

int
explain_location_match(const char *loc, const char *path)
{
	size_t	n = strlen(loc);

	if (strncmp(loc, path, n) != 0)
		return 0;
	return n == 0 || loc[n - 1] == '/' || path[n] == '/' ||
	    path[n] == '\0';
}

int
explain_wild_match(const char *p, const char *s)
{
	for (; *p != '\0'; p++, s++) {
		if (*p == '*') {
			while (*p == '*')
				p++;
			if (*p == '\0')
				return 1;
			for (; *s != '\0'; s++)
				if (explain_wild_match(p, s))
					return 1;
			return 0;
		}
		if (*s == '\0')
			return 0;
		if (*p != '?' && tolower((unsigned char)*p) !=
		    tolower((unsigned char)*s))
			return 0;
	}
	return *s == '\0';
}

/* Apache's regexes are PCRE; POSIX ERE agrees on the common forms only.
 * Refuse what differs (\d \w \s, (?...), lazy quantifiers, \b). */
int
explain_regex_compile(regex_t *re, const char *pat, int icase)
{
	const char	*p;

	for (p = pat; *p != '\0'; p++) {
		if (*p == '\\' && p[1] != '\0') {
			if (isalnum((unsigned char)p[1]))
				return -1;
			p++;
		} else if (*p == '(' && p[1] == '?')
			return -1;
		else if ((*p == '*' || *p == '+' || *p == '?' || *p == '}') &&
		    p[1] == '?' && p != pat)
			return -1;
	}
	return regcomp(re, pat, REG_EXTENDED | (icase ? REG_ICASE : 0)) ==
	    0 ? 0 : -1;
}

/* ap_pregsub(): $0-$9 from the match.  -1: another reference ("%N",
 * "${map:...}", "%{VAR}") the model does not evaluate. */
int
explain_regex_subst(const char *tmpl, const char *src, const regmatch_t *m,
    char **out)
{
	struct buf	 b = { 0 };
	const char	*p;

	for (p = tmpl; *p != '\0'; p++) {
		if (*p == '\\' && (p[1] == '$' || p[1] == '%')) {
			buf_addc(&b, *++p);
		} else if (*p == '$' && isdigit((unsigned char)p[1])) {
			int	k = p[1] - '0';

			if (m[k].rm_so >= 0)
				buf_add(&b, src + m[k].rm_so,
				    (size_t)(m[k].rm_eo - m[k].rm_so));
			p++;
		} else if ((*p == '$' || *p == '%') && (p[1] == '{' ||
		    isdigit((unsigned char)p[1]))) {
			buf_free(&b);
			return -1;
		} else
			buf_addc(&b, *p);
	}
	if (b.data == NULL)
		buf_adds(&b, "");
	*out = buf_steal(&b);
	return 0;
}

int
explain_parse_hostport(const char *s, size_t len, char **host, int *port)
{
	const char	*colon = NULL, *end = s + len;

	if (len > 0 && s[0] == '[') {
		const char	*rb = memchr(s, ']', len);

		if (rb == NULL)
			return -1;
		if (rb + 1 < end && rb[1] == ':')
			colon = rb + 1;
		else if (rb + 1 != end)
			return -1;
	} else
		colon = memchr(s, ':', len);
	*port = 0;
	if (colon != NULL) {
		const char	*p;

		for (p = colon + 1; p < end; p++)
			if (!isdigit((unsigned char)*p))
				return -1;
		if (colon + 1 < end)
			*port = atoi(colon + 1);
		*host = xstrndup(s, (size_t)(colon - s));
	} else
		*host = xstrndup(s, len);
	return **host == '\0' ? -1 : 0;
}

const struct cf_dir *
explain_server_directive(const struct cf_config *c, const char *name)
{
	const struct cf_dir	*found = NULL;
	size_t			 i;

	for (i = 0; i < c->server_dirs.n; i++) {
		const struct cf_dir	*d = c->server_dirs.v[i];

		if (d->ctx == NULL && conf_is(d->node, name) && d->nargs >= 1)
			found = d;
	}
	return found;
}

const struct cf_dir *
explain_vhost_directive(const struct cf_vhost *v, const char *name)
{
	const struct cf_dir	*found = NULL;
	size_t			 i;

	for (i = 0; v != NULL && i < v->dirs.n; i++) {
		const struct cf_dir	*d = v->dirs.v[i];

		if (d->ctx == NULL && conf_is(d->node, name) && d->nargs >= 1)
			found = d;
	}
	return found;
}

/* The directives in effect for the server: the vhost's, then the main
 * server's (mod_alias merges so); the main server's first for mod_proxy,
 * whose ProxyPass list is the main server's followed by the vhost's
 * (verified on 2.4.71: "ProxyPass /srv/" in the main server wins over a
 * vhost's "ProxyPass /"). */
static void
push_all(struct vec *out, const struct vec *from)
{
	size_t	i;

	for (i = 0; i < from->n; i++)
		vec_push(out, from->v[i]);
}

void
explain_dirs(const struct ex_ctx *x, int server_first, struct vec *out)
{
	if (x->v == NULL || server_first)
		push_all(out, &x->c->server_dirs);
	if (x->v != NULL)
		push_all(out, &x->v->dirs);
	if (x->v != NULL && !server_first)
		push_all(out, &x->c->server_dirs);
}

int
explain_is_location(const struct cf_dir *d)
{
	return d->ctx != NULL && conf_is(d->ctx, "Location");
}

/* A URL the proxy hands over: after "unix:/path|". */
const char *
explain_de_socketfy(const char *u, char **sock)
{
	const char	*bar;

	*sock = NULL;
	if (strncasecmp(u, "unix:", 5) == 0 && (bar = strchr(u, '|')) !=
	    NULL) {
		*sock = xstrndup(u + 5, (size_t)(bar - u - 5));
		return bar + 1;
	}
	return u;
}

int
explain_is_url(const char *s)
{
	return strncasecmp(s, "http://", 7) == 0 ||
	    strncasecmp(s, "https://", 8) == 0;
}

/* ap_construct_url(): the request's scheme, its host lowercased, the
 * port of its Host header (else the connection's) unless the default. */
char *
explain_construct_url(const struct ex_result *r, const char *path)
{
	const char	*colon = strrchr(r->host_header, ':');
	int		 port = r->local_port, dflt = r->tls ? 443 : 80;
	int		 v6 = strchr(r->hostname, ':') != NULL;
	char		 ps[16] = "";

	if (colon != NULL && strchr(colon, ']') == NULL && (v6 ?
	    r->host_header[0] == '[' : 1))
		port = atoi(colon + 1);
	if (port != 0 && port != dflt)
		snprintf(ps, sizeof ps, ":%d", port);
	return xasprintf("%s://%s%s%s%s%s%s", r->tls ? "https" : "http",
	    v6 ? "[" : "", r->hostname, v6 ? "]" : "", ps,
	    path[0] == '/' ? "" : "/", path);
}
