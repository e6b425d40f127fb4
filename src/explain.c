/* explain.c: the way of one request (explain.h).
 *
 * Each step follows the Apache 2.4 code that takes it:
 * - vhost.c: ap_update_vhost_given_ip() keeps the vhosts whose address is
 *   the connection's IP and port; only when none is, those on "*" (or
 *   _default_) and that port.  check_hostalias() then takes, in the order
 *   of the configuration, the first whose ServerName, ServerAlias or
 *   wildcard ServerAlias is the requested host, else the first of them.
 *   A vhost without ServerName has the main server's.
 * - request.c: the <Location> walk comes before the translate_name hooks;
 *   a plain <Location /app> covers "/app" and "/app/..." (not "/apple").
 * - mod_rewrite's rules of the server context come first (its
 *   translate_name runs before mod_proxy's);
 * - mod_proxy.c proxy_trans(): the ProxyPass of the last <Location>
 *   containing the path first, then the main server's ProxyPass /
 *   ProxyPassMatch lines, then the vhost's, in order; the first that
 *   matches decides, and "!" ends proxying for the request.  mod_alias's
 *   translate_name runs after it (Redirect* before Alias*, the vhost's
 *   lines before the main server's).
 * - proxy_util.c: a ProxyPass whose URL (after "unix:...|") starts with
 *   the name of an existing worker of its server shares that worker, and
 *   its socket; at request time the longest worker name that starts the
 *   URL wins (the main server's workers first on equal length).
 * - proxy_util.c ap_proxy_create_hdrbrgd(): Host is the URL's host[:port]
 *   unless ProxyPreserveHost On passes the visitor's; X-Forwarded-For,
 *   -Host (the visitor's Host header) and -Server (the vhost's
 *   ServerName) are appended to the visitor's own unless
 *   ProxyAddHeaders Off. */
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
#include "proxy.h"

/* The directives in effect for the request's server: the vhost's own,
 * then the main server's (inherit) when a vhost answers. */
struct ex_ctx {
	const struct cf_config	*c;
	const struct cf_vhost	*v;
	struct ex_result	*r;
	struct px_vhost		 px;
};

/* A worker of one server, as mod_proxy defines them. */
struct ex_worker {
	char			*name;
	int			 matchable;	/* ProxyPassMatch with "$N" */
	char			*socket;
	const struct cf_node	*node;
};

static void	 note(struct ex_result *, const struct cf_node *,
		    const char *, ...) __attribute__((format(printf, 3, 4)));
static void	 step(struct vec *, const struct cf_node *, const char *, ...)
		    __attribute__((format(printf, 3, 4)));

static void
vstep(struct vec *v, const struct cf_node *n, const char *fmt, va_list ap)
{
	struct ex_step	*s = xcalloc(1, sizeof *s);

	s->node = n;
	s->text = xvasprintf(fmt, ap);
	vec_push(v, s);
}

static void
step(struct vec *v, const struct cf_node *n, const char *fmt, ...)
{
	va_list	ap;

	va_start(ap, fmt);
	vstep(v, n, fmt, ap);
	va_end(ap);
}

static void
note(struct ex_result *r, const struct cf_node *n, const char *fmt, ...)
{
	va_list	ap;

	va_start(ap, fmt);
	vstep(&r->notes, n, fmt, ap);
	va_end(ap);
}

/* The directive as written: name and arguments. */
static char *
line_text(const struct cf_node *n)
{
	struct buf	b = { 0 };
	size_t		i;

	buf_adds(&b, n->name);
	for (i = 0; i < n->nargs; i++)
		buf_printf(&b, " %s", n->args[i]);
	return buf_steal(&b);
}

static void
decide(struct ex_result *r, enum ex_handler h, const struct cf_node *n)
{
	r->handler = h;
	r->decided.node = n;
	free(r->decided.text);
	r->decided.text = n ? line_text(n) : NULL;
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
static int
regex_compile(regex_t *re, const char *pat, int icase)
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
static int
regex_subst(const char *tmpl, const char *src, const regmatch_t *m,
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

/* ---- the request ---- */

static int
parse_hostport(const char *s, size_t len, char **host, int *port)
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

static int
hexval(int c)
{
	if (isdigit(c))
		return c - '0';
	c = tolower(c);
	return c >= 'a' && c <= 'f' ? c - 'a' + 10 : -1;
}

/* r->uri as Apache makes it: %XX of unreserved characters decoded (the
 * others are kept: explain_request() names them), "." and ".."
 * segments resolved (ap_getparents()), runs of "/" merged (MergeSlashes
 * On, the default). */
static void
path_normalize(char *path)
{
	char	*in, *out;
	size_t	 n;

	for (in = out = path; *in != '\0'; in++) {
		int	hi, lo, c;

		if (in[0] == '%' && (hi = hexval((unsigned char)in[1])) >= 0 &&
		    (lo = hexval((unsigned char)in[2])) >= 0 &&
		    (isalnum(c = hi * 16 + lo) || c == '-' || c == '.' ||
		    c == '_' || c == '~')) {
			*out++ = (char)c;
			in += 2;
		} else if (*in == '/' && out > path && out[-1] == '/')
			continue;
		else
			*out++ = *in;
	}
	*out = '\0';
	/* Dot segments, in place. */
	for (in = out = path; *in != '\0';) {
		if (in[0] == '/' && in[1] == '.' && (in[2] == '/' ||
		    in[2] == '\0')) {
			in += 2;
			if (*in == '\0')
				*out++ = '/';
			continue;
		}
		if (in[0] == '/' && in[1] == '.' && in[2] == '.' &&
		    (in[3] == '/' || in[3] == '\0')) {
			in += 3;
			while (out > path && *--out != '/')
				;
			if (*in == '\0')
				*out++ = '/';
			continue;
		}
		*out++ = *in++;
	}
	*out = '\0';
	n = strlen(path);
	if (n == 0)
		strcpy(path, "/");
}

static const char *
header_value(const struct ex_request *q, const char *name)
{
	const char	*v = NULL;
	size_t		 i, n = strlen(name);

	for (i = 0; i < q->nheaders; i++) {
		const char	*h = q->headers[i];

		if (strncasecmp(h, name, n) == 0 && h[n] == ':') {
			v = h + n + 1;
			while (*v == ' ' || *v == '\t')
				v++;
		}
	}
	return v;
}

static int
parse_request(const struct ex_request *q, struct ex_result *r, char **err)
{
	const char	*u = q->url, *auth, *end, *hv;
	char		*host = NULL;
	int		 port = 0, dflt;
	size_t		 i;

	for (i = 0; i < q->nheaders; i++)
		if (strchr(q->headers[i], ':') == NULL ||
		    q->headers[i][0] == ':') {
			*err = xasprintf("header '%s' is not 'Name: value'",
			    q->headers[i]);
			return -1;
		}
	if (strncasecmp(u, "https://", 8) == 0) {
		r->tls = 1;
		auth = u + 8;
	} else if (strncasecmp(u, "http://", 7) == 0)
		auth = u + 7;
	else if (strstr(u, "://") != NULL) {
		*err = xasprintf("URL '%s': only http:// and https:// are "
		    "explained", u);
		return -1;
	} else
		auth = u;
	end = auth + strcspn(auth, "/?#");
	if (parse_hostport(auth, (size_t)(end - auth), &host, &port) != 0) {
		free(host);
		*err = xasprintf("URL '%s': no host[:port] in it", u);
		return -1;
	}
	dflt = r->tls ? 443 : 80;
	r->url = xasprintf("%s://%.*s%s%s", r->tls ? "https" : "http",
	    (int)(end - auth), auth, *end == '/' ? "" : "/", end);
	{
		const char	*p = *end == '/' ? end : "/";
		size_t		 pl = strcspn(p, "?#");

		r->path = xstrndup(p, pl);
		path_normalize(r->path);
		if (p[pl] == '?')
			r->query = xstrndup(p + pl + 1,
			    strcspn(p + pl + 1, "#"));
		else if (*end == '?')
			r->query = xstrndup(end + 1, strcspn(end + 1, "#"));
	}
	if ((hv = header_value(q, "Host")) != NULL)
		r->host_header = xstrdup(hv);
	else if (port != 0 && port != dflt)
		r->host_header = xasprintf("%s:%d", host, port);
	else
		r->host_header = xstrdup(host);
	/* r->hostname: the Host header without its port, lowercased, no
	 * final dot (vhost.c fix_hostname()). */
	{
		char	*hn = NULL, *p;
		int	 hp;

		if (parse_hostport(r->host_header, strlen(r->host_header),
		    &hn, &hp) != 0) {
			free(hn);
			hn = xstrdup(r->host_header);
		}
		if (hn[0] == '[') {
			memmove(hn, hn + 1, strlen(hn));
			hn[strcspn(hn, "]")] = '\0';
		}
		for (p = hn; *p; p++)
			*p = (char)tolower((unsigned char)*p);
		if (p > hn && p[-1] == '.')
			p[-1] = '\0';
		r->hostname = hn;
	}
	r->local_port = port ? port : dflt;
	if (q->via != NULL) {
		char	*a = NULL;
		int	 vp;

		if (parse_hostport(q->via, strlen(q->via), &a, &vp) != 0 ||
		    vp == 0) {
			free(a);
			free(host);
			*err = xasprintf("--via '%s': give ADDR:PORT "
			    "(127.0.0.1:80, [::1]:443, *:8080)", q->via);
			return -1;
		}
		r->local_port = vp;
		if (strcmp(a, "*") == 0)
			free(a);
		else
			r->local_addr = a;
	} else if (strspn(host, "0123456789.") == strlen(host) ||
	    host[0] == '[')
		/* An address in the URL is the one connected to. */
		r->local_addr = xstrdup(host);
	if (r->local_addr != NULL && r->local_addr[0] == '[') {
		memmove(r->local_addr, r->local_addr + 1,
		    strlen(r->local_addr));
		r->local_addr[strcspn(r->local_addr, "]")] = '\0';
	}
	if (strchr(r->path, '%') != NULL)
		note(r, NULL, "the path %s holds percent-encoded reserved "
		    "characters: how Apache decodes and re-encodes them is not "
		    "modelled", r->path);
	if ((hv = header_value(q, "X-Forwarded-Proto")) != NULL)
		r->client_xfp = xstrdup(hv);
	if ((hv = header_value(q, "X-Forwarded-For")) != NULL)
		r->client_xff = xstrdup(hv);
	if ((hv = header_value(q, "X-Forwarded-Host")) != NULL)
		r->client_xfh = xstrdup(hv);
	free(host);
	return 0;
}

/* ---- 1. the vhost ---- */

struct ex_addr {
	char	*ip;		/* "*" for * and _default_ */
	int	 port;		/* 0: any */
};

static void
addr_parse(const char *s, struct ex_addr *a)
{
	char	*h = NULL;
	int	 port = 0;
	size_t	 n = strlen(s);

	if (n > 2 && strcmp(s + n - 2, ":*") == 0) {
		h = xstrndup(s, n - 2);
		port = 0;
	} else if (parse_hostport(s, n, &h, &port) != 0) {
		free(h);
		h = xstrdup(s);
	}
	if (h[0] == '[') {
		memmove(h, h + 1, strlen(h));
		h[strcspn(h, "]")] = '\0';
	}
	if (str_caseeq(h, "_default_")) {
		free(h);
		h = xstrdup("*");
	}
	a->ip = h;
	a->port = port;
}

/* Does one of the vhost's addresses take the connection?  2: its IP
 * exactly, 1: a wildcard address, 0: none. */
static int
vhost_addr_match(const struct cf_vhost *v, const char *ip, int port)
{
	int	best = 0;
	size_t	i;

	for (i = 0; i < v->naddrs; i++) {
		struct ex_addr	a;

		addr_parse(v->addrs[i], &a);
		if (a.port == 0 || a.port == port) {
			if (strcmp(a.ip, "*") == 0) {
				if (best < 1)
					best = 1;
			} else if (ip != NULL && str_caseeq(a.ip, ip))
				best = 2;
		}
		free(a.ip);
	}
	return best;
}

static const struct cf_dir *
server_directive(const struct cf_config *c, const char *name)
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

static const struct cf_dir *
vhost_directive(const struct cf_vhost *v, const char *name)
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

/* The ServerName in effect: the vhost's, else the main server's (without
 * a port). */
static char *
server_name(const struct cf_config *c, const struct cf_vhost *v)
{
	const struct cf_dir	*d;
	char			*h = NULL, *p;
	int			 port;

	if (v != NULL && v->server_name != NULL)
		return xstrdup(v->server_name);
	if ((d = server_directive(c, "ServerName")) == NULL)
		return NULL;
	p = d->args[0];
	if (str_startswith(p, "http://") || str_startswith(p, "https://"))
		p = strstr(p, "//") + 2;
	if (parse_hostport(p, strlen(p), &h, &port) != 0) {
		free(h);
		h = xstrdup(p);
	}
	return h;
}

/* How the vhost's names take the host: 1 ServerName, 2 ServerAlias,
 * 3 a wildcard ServerAlias, 0 none.  *which: the name that matched. */
static int
vhost_name_match(const struct cf_config *c, const struct cf_vhost *v,
    const char *host, const char **which)
{
	char	*sn = server_name(c, v);
	size_t	 i;
	int	 hit = 0;

	if (sn != NULL && str_caseeq(sn, host)) {
		*which = v->server_name ? v->server_name : "(inherited)";
		hit = 1;
	}
	free(sn);
	for (i = 0; !hit && i < v->naliases; i++)
		if (strpbrk(v->aliases[i], "*?") == NULL &&
		    str_caseeq(v->aliases[i], host)) {
			*which = v->aliases[i];
			hit = 2;
		}
	for (i = 0; !hit && i < v->naliases; i++)
		if (strpbrk(v->aliases[i], "*?") != NULL &&
		    explain_wild_match(v->aliases[i], host)) {
			*which = v->aliases[i];
			hit = 3;
		}
	return hit;
}

/* The line that holds the name a vhost was chosen by. */
static const struct cf_node *
name_node(const struct cf_config *c, const struct cf_vhost *v, int how,
    const char *which)
{
	const struct cf_dir	*d = NULL;
	size_t			 i, j;

	if (how == 1)
		d = v->server_name ? vhost_directive(v, "ServerName") :
		    server_directive(c, "ServerName");
	for (i = 0; how > 1 && i < v->dirs.n; i++) {
		const struct cf_dir	*a = v->dirs.v[i];

		if (a->ctx != NULL || !conf_is(a->node, "ServerAlias"))
			continue;
		for (j = 0; j < a->nargs; j++)
			if (strcmp(a->args[j], which) == 0)
				d = a;
	}
	return d ? d->node : v->node;
}

static char *
addrs_text(const struct cf_vhost *v)
{
	struct buf	b = { 0 };
	size_t		i;

	for (i = 0; i < v->naddrs; i++)
		buf_printf(&b, "%s%s", i ? " " : "", v->addrs[i]);
	if (b.data == NULL)
		buf_adds(&b, "(no address)");
	return buf_steal(&b);
}

static void
select_vhost(struct ex_ctx *x)
{
	const struct cf_config	*c = x->c;
	struct ex_result	*r = x->r;
	struct vec		 chain = { 0 };
	const struct cf_vhost	*pick = NULL;
	const char		*which = NULL;
	int			 exact = 0, how = 0;
	size_t			 i;
	char			 conn[128];

	snprintf(conn, sizeof conn, "%s:%d", r->local_addr ? r->local_addr :
	    "*", r->local_port);
	for (i = 0; i < c->vhosts.n; i++)
		if (vhost_addr_match(c->vhosts.v[i], r->local_addr,
		    r->local_port) == 2)
			exact = 1;
	for (i = 0; i < c->vhosts.n; i++) {
		const struct cf_vhost	*v = c->vhosts.v[i];

		if (vhost_addr_match(v, r->local_addr, r->local_port) ==
		    (exact ? 2 : 1))
			vec_push(&chain, (void *)v);
	}
	for (i = 0; i < chain.n && pick == NULL; i++) {
		const struct cf_vhost	*v = chain.v[i];

		if ((how = vhost_name_match(c, v, r->hostname, &which)) != 0)
			pick = v;
	}
	if (pick != NULL) {
		char	*a = addrs_text(pick);

		step(&r->vhost_why, pick->node, "<VirtualHost %s> takes a "
		    "connection to %s%s", a, conn, exact ? " (the address "
		    "itself: vhosts on * are not considered)" : "");
		free(a);
		step(&r->vhost_why, name_node(c, pick, how, which), "%s %s is "
		    "the requested host %s%s", how == 1 ? "ServerName" :
		    how == 2 ? "ServerAlias" : "the wildcard ServerAlias",
		    how == 1 && pick->server_name == NULL ? r->vhost_name :
		    which, r->hostname, how == 1 && pick->server_name == NULL ?
		    " (the vhost has none: the main server's)" : "");
	} else if (chain.n > 0) {
		pick = chain.v[0];
		step(&r->vhost_why, pick->node, "no vhost on %s has the name "
		    "%s: the first one in the configuration answers (the "
		    "default for that address:port)", conn, r->hostname);
	} else {
		step(&r->vhost_why, NULL, "no <VirtualHost> takes a "
		    "connection to %s: the main server answers", conn);
	}
	x->v = r->vhost = pick;
	r->vhost_name = server_name(c, pick);

	for (i = 0; i < c->vhosts.n; i++) {
		const struct cf_vhost	*v = c->vhosts.v[i];
		int			 am = vhost_addr_match(v,
					    r->local_addr, r->local_port);
		const char		*w = NULL;
		char			*a;

		if (v == pick)
			continue;
		a = addrs_text(v);
		if (am == 0) {
			size_t	k;
			int	other_ip = 0;

			for (k = 0; k < v->naddrs; k++) {
				struct ex_addr	ea;

				addr_parse(v->addrs[k], &ea);
				if (strcmp(ea.ip, "*") != 0 && (ea.port == 0 ||
				    ea.port == r->local_port))
					other_ip = 1;
				free(ea.ip);
			}
			step(&r->others, v->node, "%s: %s, not %s%s",
			    conf_vhost_name(v), a, conn, other_ip &&
			    r->local_addr == NULL ? " (a connection to that "
			    "address would reach it: see --via)" : "");
		} else if (am == 1 && exact)
			step(&r->others, v->node, "%s: on %s, but a vhost on "
			    "the address %s itself exists: only those are "
			    "considered", conf_vhost_name(v), a,
			    r->local_addr);
		else if (vhost_name_match(c, v, r->hostname, &w) != 0)
			step(&r->others, v->node, "%s: %s also names %s, but "
			    "an earlier vhost on the same address:port does",
			    conf_vhost_name(v), w, r->hostname);
		else
			step(&r->others, v->node, "%s: on %s, but none of "
			    "its names is %s", conf_vhost_name(v), a,
			    r->hostname);
		free(a);
	}
	vec_free(&chain);
}

/* ---- 2. the handler ---- */

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

static void
dirs_in_effect(const struct ex_ctx *x, int server_first, struct vec *out)
{
	if (x->v == NULL || server_first)
		push_all(out, &x->c->server_dirs);
	if (x->v != NULL)
		push_all(out, &x->v->dirs);
	if (x->v != NULL && !server_first)
		push_all(out, &x->c->server_dirs);
}

static int
is_location(const struct cf_dir *d)
{
	return d->ctx != NULL && conf_is(d->ctx, "Location");
}

/* A URL the proxy hands over: after "unix:/path|". */
static const char *
de_socketfy(const char *u, char **sock)
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

static void
set_proxy(struct ex_result *r, const struct cf_node *n, const char *url)
{
	decide(r, EX_PROXY, n);
	free(r->backend_url);
	r->backend_url = xstrdup(url);
}

/* ProxyPass: the URL, then the rest of the path.  A URL without a path
 * takes the rest onto its host or port ("http://localhost" + "x"): Apache
 * answers 500, "DNS lookup failure for: localhostx". */
static void
set_pass(struct ex_result *r, const struct cf_node *n, const char *real,
    const char *rest)
{
	const char	*p = strstr(real, "://");
	char		*url = xasprintf("%s%s", real, rest);

	set_proxy(r, n, url);
	if (p != NULL && strchr(p + 3, '/') == NULL && *rest != '\0' &&
	    *rest != '/') {
		step(&r->path_why, n, "the rest of the path, %s, is glued "
		    "onto %s: Apache answers 500 (DNS lookup failure for: "
		    "%s)", rest, p + 3, url + (p + 3 - real));
		r->handler = EX_STATUS;
		r->target = xstrdup("500");
	}
	free(url);
}

/* mod_proxy's ProxyPass of a <Location>: the last <Location> containing
 * the path (the main server's sections are merged first) that has one.
 * Returns 1 when it decides (proxied, or "!"), 0 to go on. */
static int
location_pass(struct ex_ctx *x)
{
	struct ex_result	*r = x->r;
	struct vec		 all = { 0 };
	const struct cf_dir	*win = NULL;
	size_t			 i;
	int			 done = 0;

	/* Merge order: the main server's <Location>s, then the vhost's. */
	dirs_in_effect(x, 1, &all);
	for (i = 0; i < all.n; i++) {
		const struct cf_dir	*d = all.v[i];

		if (d->ctx == NULL || d->nargs < 1 ||
		    !conf_is(d->node, "ProxyPass"))
			continue;
		if (!is_location(d)) {
			note(r, d->node, "ProxyPass in <%s %s>: not modelled",
			    d->ctx->name, d->ctx_path);
			continue;
		}
		if (explain_location_match(d->ctx_path, r->path))
			win = d;
		else
			step(&r->path_why, d->node, "<Location %s> does not "
			    "contain %s", d->ctx_path, r->path);
	}
	if (win != NULL) {
		size_t	len = explain_alias_match(r->path, win->ctx_path);

		if (strcmp(win->args[0], "!") == 0) {
			decide(r, EX_FILES, win->node);
			step(&r->path_why, win->node, "ProxyPass ! in <Location "
			    "%s>: nothing is proxied for %s", win->ctx_path,
			    r->path);
			done = -1;
		} else if (len > 0) {
			char		*sock;
			const char	*real = de_socketfy(win->args[0], &sock);

			set_pass(r, win->node, real, r->path + len);
			free(sock);
			done = 1;
		}
	}
	vec_free(&all);
	return done;
}

/* The main server's ProxyPass and ProxyPassMatch lines, then the
 * vhost's.  1: proxied, -1: excluded by "!", 0: none matched. */
static int
server_pass(struct ex_ctx *x)
{
	struct ex_result	*r = x->r;
	struct vec		 ds = { 0 };
	size_t			 i;
	int			 rc = 0;

	dirs_in_effect(x, 1, &ds);
	for (i = 0; i < ds.n && rc == 0; i++) {
		const struct cf_dir	*d = ds.v[i];
		int			 match = conf_is(d->node,
					    "ProxyPassMatch");
		char			*sock = NULL, *url = NULL;
		const char		*real;

		if (d->ctx != NULL || d->nargs < 2 || (!match &&
		    !conf_is(d->node, "ProxyPass")))
			continue;
		real = de_socketfy(d->args[1], &sock);
		free(sock);
		if (!match) {
			size_t	len = explain_alias_match(r->path,
				    d->args[0]);

			if (len == 0) {
				step(&r->path_why, d->node, "%s does not "
				    "cover %s", d->args[0], r->path);
				continue;
			}
			if (strcmp(d->args[1], "!") == 0) {
				decide(r, EX_FILES, d->node);
				step(&r->path_why, d->node, "ProxyPass %s !: "
				    "%s is not proxied", d->args[0], r->path);
				rc = -1;
				continue;
			}
			set_pass(r, d->node, real, r->path + len);
			rc = 1;
			continue;
		} else {
			regex_t		re;
			regmatch_t	m[10];

			if (regex_compile(&re, d->args[0], 0) != 0) {
				note(r, d->node, "ProxyPassMatch %s: a regular "
				    "expression beyond the model", d->args[0]);
				decide(r, EX_UNKNOWN, d->node);
				rc = 1;
				continue;
			}
			if (regexec(&re, r->path, 10, m, 0) != 0) {
				regfree(&re);
				step(&r->path_why, d->node, "%s does not match "
				    "%s", d->args[0], r->path);
				continue;
			}
			regfree(&re);
			if (strcmp(d->args[1], "!") == 0) {
				decide(r, EX_FILES, d->node);
				step(&r->path_why, d->node, "ProxyPassMatch "
				    "%s !: %s is not proxied", d->args[0],
				    r->path);
				rc = -1;
				continue;
			}
			if (regex_subst(real, r->path, m, &url) != 0) {
				note(r, d->node, "ProxyPassMatch URL %s: a "
				    "reference beyond the model", real);
				decide(r, EX_UNKNOWN, d->node);
				rc = 1;
				continue;
			}
			/* No substitution made: the whole path is
			 * appended (mod_proxy.c). */
			if (strcmp(url, real) == 0) {
				free(url);
				url = xasprintf("%s%s", real, r->path);
			}
		}
		set_proxy(r, d->node, url);
		free(url);
		rc = 1;
	}
	vec_free(&ds);
	return rc;
}

/* ap_construct_url(): the request's scheme, its host lowercased, the
 * port of its Host header (else the connection's) unless the default. */
static char *
construct_url(const struct ex_result *r, const char *path)
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

struct rw_flags {
	int	proxy, redirect, last, nocase, forbidden, gone;
	int	unknown;	/* a flag the model does not follow */
	char	unknown_name[32];
};

static void
rw_parse_flags(const char *s, struct rw_flags *f)
{
	char	*t = xstrdup(s), *tok, *save = NULL;

	memset(f, 0, sizeof *f);
	for (tok = strtok_r(t, "[], ", &save); tok != NULL;
	    tok = strtok_r(NULL, "[], ", &save)) {
		if (str_caseeq(tok, "P") || str_caseeq(tok, "proxy"))
			f->proxy = 1;
		else if (str_caseeq(tok, "R") || strncasecmp(tok, "R=", 2) ==
		    0 || str_caseeq(tok, "redirect") ||
		    strncasecmp(tok, "redirect=", 9) == 0) {
			const char	*eq = strchr(tok, '=');

			f->redirect = 302;
			if (eq != NULL && isdigit((unsigned char)eq[1]))
				f->redirect = atoi(eq + 1);
			else if (eq != NULL && str_caseeq(eq + 1,
			    "permanent"))
				f->redirect = 301;
		} else if (str_caseeq(tok, "L") || str_caseeq(tok, "last") ||
		    str_caseeq(tok, "END"))
			f->last = 1;
		else if (str_caseeq(tok, "NC") || str_caseeq(tok, "nocase"))
			f->nocase = 1;
		else if (str_caseeq(tok, "F") || str_caseeq(tok, "forbidden"))
			f->forbidden = 1;
		else if (str_caseeq(tok, "G") || str_caseeq(tok, "gone"))
			f->gone = 1;
		else if (str_caseeq(tok, "QSA") || str_caseeq(tok, "NE") ||
		    str_caseeq(tok, "noescape") || str_caseeq(tok, "qsappend"))
			;
		else if (!f->unknown) {
			f->unknown = 1;
			snprintf(f->unknown_name, sizeof f->unknown_name,
			    "%s", tok);
		}
	}
	free(t);
}

static int
is_url(const char *s)
{
	return strncasecmp(s, "http://", 7) == 0 ||
	    strncasecmp(s, "https://", 8) == 0;
}

/* mod_rewrite in the server context (it runs after mod_proxy's
 * ProxyPass).  1: decided, 0: nothing applies. */
static int
rewrite(struct ex_ctx *x)
{
	struct ex_result	*r = x->r;
	const struct cf_vhost	*v = x->v;
	const struct vec	*dirs = v ? &v->dirs : &x->c->server_dirs;
	const struct cf_dir	*eng;
	const struct cf_dir	*cond = NULL;
	size_t			 i;

	eng = v ? vhost_directive(v, "RewriteEngine") :
	    server_directive(x->c, "RewriteEngine");
	for (i = 0; i < dirs->n; i++) {
		const struct cf_dir	*d = dirs->v[i];

		if (d->ctx != NULL && (conf_is(d->node, "RewriteRule")) &&
		    explain_location_match(d->ctx_path, r->path))
			note(r, d->node, "RewriteRule in <%s %s>: per-directory "
			    "rewriting is not modelled", d->ctx->name,
			    d->ctx_path);
	}
	if (v != NULL && server_directive(x->c, "RewriteRule") != NULL &&
	    vhost_directive(v, "RewriteOptions") != NULL)
		note(r, vhost_directive(v, "RewriteOptions")->node,
		    "RewriteOptions: inherited rewrite rules are not "
		    "modelled");
	if (eng == NULL || !str_caseeq(eng->args[0], "on"))
		return 0;
	for (i = 0; i < dirs->n; i++) {
		const struct cf_dir	*d = dirs->v[i];
		struct rw_flags		 f;
		regex_t			 re;
		regmatch_t		 m[10];
		const char		*pat;
		char			*sub = NULL;
		int			 neg, hit;

		if (d->ctx != NULL)
			continue;
		if (conf_is(d->node, "RewriteCond")) {
			if (cond == NULL)
				cond = d;
			continue;
		}
		if (!conf_is(d->node, "RewriteRule") || d->nargs < 2) {
			continue;
		}
		rw_parse_flags(d->nargs > 2 ? d->args[2] : "", &f);
		pat = d->args[0];
		neg = pat[0] == '!';
		if (regex_compile(&re, pat + neg, f.nocase) != 0) {
			note(r, d->node, "RewriteRule %s: a regular expression "
			    "beyond the model", pat);
			decide(r, EX_UNKNOWN, d->node);
			return 1;
		}
		hit = regexec(&re, r->path, 10, m, 0) == 0;
		regfree(&re);
		if (hit == neg) {
			step(&r->path_why, d->node, "RewriteRule %s does not "
			    "match %s", pat, r->path);
			cond = NULL;
			continue;
		}
		if (cond != NULL) {
			note(r, cond->node, "RewriteRule with RewriteCond at "
			    "%s:%u: not modelled", d->node->file->path,
			    d->node->line);
			decide(r, EX_UNKNOWN, d->node);
			return 1;
		}
		if (f.unknown) {
			note(r, d->node, "RewriteRule flag %s: not modelled",
			    f.unknown_name);
			decide(r, EX_UNKNOWN, d->node);
			return 1;
		}
		if (strcmp(d->args[1], "-") == 0)
			sub = xstrdup("-");
		else if (neg || regex_subst(d->args[1], r->path, m, &sub) !=
		    0) {
			note(r, d->node, "RewriteRule %s: %s", strstr(
			    d->args[1], "${") ? "with a RewriteMap or a "
			    "variable" : "a substitution beyond the model",
			    "not modelled");
			decide(r, EX_UNKNOWN, d->node);
			return 1;
		}
		if (f.forbidden || f.gone) {
			decide(r, EX_STATUS, d->node);
			r->target = xstrdup(f.forbidden ? "403" : "410");
			free(sub);
			return 1;
		}
		if (f.proxy) {
			if (!is_url(sub))
				note(r, d->node, "RewriteRule [P] to %s: not an "
				    "http(s) URL, not modelled", sub);
			set_proxy(r, d->node, sub);
			free(sub);
			return 1;
		}
		if (f.redirect) {
			decide(r, EX_REDIRECT, d->node);
			r->status = f.redirect;
			if (is_url(sub))
				r->target = xstrdup(sub);
			else
				r->target = construct_url(r, sub);
			if (r->query && !strchr(sub, '?')) {
				char	*t = xasprintf("%s?%s", r->target,
					    r->query);

				free(r->target);
				r->target = t;
			}
			if (!f.last && i + 1 < dirs->n)
				note(r, d->node, "RewriteRule [R] without [L]: "
				    "later rules could change the target; not "
				    "modelled");
			free(sub);
			return 1;
		}
		if (strcmp(sub, "-") != 0) {
			note(r, d->node, "RewriteRule rewrites %s to %s: what "
			    "handles the new path is not modelled", r->path,
			    sub);
			decide(r, EX_UNKNOWN, d->node);
			free(sub);
			return 1;
		}
		free(sub);
		cond = NULL;
		if (f.last)
			break;
	}
	return 0;
}

static int
redirect_status(const char *s)
{
	if (str_caseeq(s, "permanent"))
		return 301;
	if (str_caseeq(s, "temp"))
		return 302;
	if (str_caseeq(s, "seeother"))
		return 303;
	if (str_caseeq(s, "gone"))
		return 410;
	if (isdigit((unsigned char)s[0]))
		return atoi(s);
	return 0;
}

/* mod_alias: Redirect* lines first, then Alias*, the vhost's before the
 * main server's.  1: decided. */
static int
alias(struct ex_ctx *x)
{
	struct ex_result	*r = x->r;
	struct vec		 ds = { 0 };
	size_t			 i;
	int			 pass, rc = 0;

	dirs_in_effect(x, 0, &ds);
	for (i = 0; i < ds.n; i++) {
		const struct cf_dir	*d = ds.v[i];

		if (d->ctx != NULL && (strncasecmp(d->node->name, "Redirect",
		    8) == 0 || strncasecmp(d->node->name, "Alias", 5) == 0) &&
		    is_location(d) && explain_location_match(d->ctx_path,
		    r->path))
			note(r, d->node, "%s in <Location %s>: not modelled",
			    d->node->name, d->ctx_path);
	}
	for (pass = 0; pass < 2 && rc == 0; pass++)
		for (i = 0; i < ds.n && rc == 0; i++) {
			const struct cf_dir	*d = ds.v[i];
			const char		*nm = d->node->name;
			int			 redir = strncasecmp(nm,
						    "Redirect", 8) == 0;
			int			 match = str_endswith(nm,
						    "Match") || str_endswith(nm,
						    "match");
			int			 status = 302;
			size_t			 a = 0, len = 0;
			const char		*dest;
			char			*t = NULL;
			regex_t			 re;
			regmatch_t		 m[10];

			if (d->ctx != NULL || (pass == 0) != redir)
				continue;
			if (!redir && !conf_is(d->node, "Alias") &&
			    !conf_is(d->node, "ScriptAlias") &&
			    !conf_is(d->node, "AliasMatch") &&
			    !conf_is(d->node, "ScriptAliasMatch"))
				continue;
			if (redir && !conf_is(d->node, "Redirect") &&
			    !conf_is(d->node, "RedirectMatch") &&
			    !conf_is(d->node, "RedirectPermanent") &&
			    !conf_is(d->node, "RedirectTemp"))
				continue;
			if (conf_is(d->node, "RedirectPermanent"))
				status = 301;
			if (redir && d->nargs >= 2 && d->args[0][0] != '/' &&
			    redirect_status(d->args[0]) != 0 &&
			    !conf_is(d->node, "RedirectPermanent") &&
			    !conf_is(d->node, "RedirectTemp")) {
				status = redirect_status(d->args[0]);
				a = 1;
			}
			if (d->nargs < a + 1)
				continue;
			dest = d->nargs > a + 1 ? d->args[a + 1] : NULL;
			if (match) {
				if (regex_compile(&re, d->args[a], 0) != 0) {
					note(r, d->node, "%s %s: a regular "
					    "expression beyond the model", nm,
					    d->args[a]);
					continue;
				}
				if (regexec(&re, r->path, 10, m, 0) != 0) {
					regfree(&re);
					step(&r->path_why, d->node, "%s does not "
					    "match %s", d->args[a], r->path);
					continue;
				}
				regfree(&re);
				if (dest != NULL && regex_subst(dest, r->path,
				    m, &t) != 0) {
					note(r, d->node, "%s: a substitution "
					    "beyond the model", nm);
					decide(r, EX_UNKNOWN, d->node);
					rc = 1;
					continue;
				}
			} else {
				len = explain_alias_match(r->path, d->args[a]);
				if (len == 0) {
					step(&r->path_why, d->node, "%s does not "
					    "cover %s", d->args[a], r->path);
					continue;
				}
				if (dest != NULL)
					t = xasprintf("%s%s", dest,
					    r->path + len);
			}
			if (redir && (status < 300 || status > 399)) {
				decide(r, EX_STATUS, d->node);
				r->target = xasprintf("%d", status);
				free(t);
			} else if (redir) {
				decide(r, EX_REDIRECT, d->node);
				r->status = status;
				/* A URL-path gets the server's scheme and
				 * host. */
				if (t != NULL && t[0] == '/') {
					char	*u = construct_url(r, t);

					free(t);
					t = u;
				}
				if (r->query && t && !strchr(t, '?')) {
					r->target = xasprintf("%s?%s", t,
					    r->query);
					free(t);
				} else
					r->target = t;
			} else {
				decide(r, EX_ALIAS, d->node);
				r->target = t;
			}
			rc = 1;
		}
	vec_free(&ds);
	return rc;
}

/* Sections whose contents the model does not read, if they hold a
 * directive that could change the request's way. */
static void
note_sections(struct ex_result *r, const struct cf_node *n)
{
	static const char *const kinds[] = { "If", "ElseIf", "Else",
	    "Proxy", "ProxyMatch", "LocationMatch", "Directory",
	    "DirectoryMatch", "Files", "FilesMatch" };
	static const char *const acts[] = { "ProxyPass", "RewriteRule",
	    "Redirect", "RedirectMatch", "ProxySet", "BalancerMember",
	    "RequestHeader", "ProxyPreserveHost", "ProxyPassReverse",
	    "SetHandler" };
	size_t	i, j, k;

	for (i = 0; i < n->nkids; i++) {
		const struct cf_node	*s = n->kids[i];
		int			 listed = 0;

		if (s->kind != CF_SECTION)
			continue;
		/* Another vhost's sections are not this request's. */
		if (conf_is(s, "VirtualHost"))
			continue;
		for (j = 0; j < sizeof kinds / sizeof *kinds; j++)
			if (conf_is(s, kinds[j]))
				listed = 1;
		if (!listed) {
			if (!conf_is(s, "Location"))
				note_sections(r, s);
			continue;
		}
		for (j = 0; j < s->nkids; j++) {
			const struct cf_node	*d = s->kids[j];

			for (k = 0; k < sizeof acts / sizeof *acts; k++)
				if (d->kind == CF_DIRECTIVE &&
				    conf_is(d, acts[k]))
					break;
			if (k < sizeof acts / sizeof *acts) {
				note(r, d, "%s in <%s>: not modelled",
				    d->name, s->name);
				break;
			}
		}
	}
}

static void
handle_path(struct ex_ctx *x)
{
	struct ex_result	*r = x->r;
	int			 rc;

	/* mod_rewrite's translate_name runs before mod_proxy's (verified:
	 * a RewriteRule [P] or [R] wins over a ProxyPass / of the vhost),
	 * mod_alias's after both. */
	decide(r, EX_FILES, NULL);
	if (rewrite(x))
		return;
	rc = location_pass(x);
	if (rc == 0)
		rc = server_pass(x);
	if (rc > 0)
		return;
	if (alias(x))
		return;
	if (r->handler == EX_FILES && r->decided.node == NULL) {
		const struct cf_dir	*d = vhost_directive(x->v,
					    "DocumentRoot");

		if (d == NULL)
			d = server_directive(x->c, "DocumentRoot");
		r->target = d ? xasprintf("%s%s", d->args[0], r->path) :
		    NULL;
		if (d != NULL) {
			r->decided.node = d->node;
			r->decided.text = line_text(d->node);
		}
	}
}

/* ---- 3. the worker and the headers ---- */

/* scheme://host[:port] of a URL, lowercased: ap_proxy_get_worker()'s
 * min_match. */
static size_t
authority_len(const char *u)
{
	const char	*p = strstr(u, "://");

	if (p == NULL)
		return 0;
	return (size_t)(p + 3 - u) + strcspn(p + 3, "/?#");
}

static char *
lower_authority(const char *u)
{
	char	*s = xstrdup(u);
	size_t	 i, n = authority_len(s);

	for (i = 0; i < n; i++)
		s[i] = (char)tolower((unsigned char)s[i]);
	return s;
}

/* ap_proxy_define_worker(): the name is the URL, scheme and host
 * lowercased, the scheme's default port left out. */
static char *
worker_name(const char *u)
{
	char	*s = lower_authority(u);
	size_t	 n = authority_len(s);
	char	*colon;

	colon = memchr(s, ':', n);
	if (colon != NULL && (colon = memchr(colon + 1, ':', n - (size_t)
	    (colon + 1 - s))) != NULL) {
		int	port = atoi(colon + 1);

		if ((port == 80 && str_startswith(s, "http://")) ||
		    (port == 443 && str_startswith(s, "https://")))
			memmove(colon, s + n, strlen(s + n) + 1);
	}
	return s;
}

/* ap_proxy_strcmp_ematch(): "$N" in the name matches any text. */
static int
ematch(const char *s, const char *p)
{
	for (; *p != '\0'; p++, s++) {
		if (*p == '$' && isdigit((unsigned char)p[1])) {
			p += 2;
			for (;; s++) {
				if (ematch(s, p))
					return 1;
				if (*s == '\0')
					return 0;
			}
		}
		if (*p == '\\' && (p[1] == '$' || p[1] == '\\'))
			p++;
		if (*s != *p)
			return 0;
	}
	return *s == '\0';
}

/* The longest worker name that starts url (or, for a ProxyPassMatch
 * worker, matches it), with at least its scheme://host[:port]. */
static struct ex_worker *
worker_find(struct vec *ws, const char *url)
{
	char			*u = lower_authority(url);
	size_t			 min = authority_len(u), max = 0, i;
	struct ex_worker	*best = NULL;

	for (i = 0; i < ws->n; i++) {
		struct ex_worker	*w = ws->v[i];
		size_t			 n = strlen(w->name);

		if (n <= strlen(u) && n >= min && n > max &&
		    (w->matchable ? ematch(u, w->name) :
		    strncmp(u, w->name, n) == 0)) {
			best = w;
			max = n;
		}
	}
	free(u);
	return best;
}

/* The workers one server's ProxyPass lines define, in order. */
static void
workers_of(const struct vec *dirs, struct vec *ws)
{
	struct vec	mine = { 0 };
	size_t		i;

	for (i = 0; i < dirs->n; i++) {
		const struct cf_dir	*d = dirs->v[i];
		const char		*arg, *real;
		char			*sock;
		struct ex_worker	*w;

		int			 match = conf_is(d->node,
					    "ProxyPassMatch");

		if (!match && !conf_is(d->node, "ProxyPass"))
			continue;
		if (d->ctx == NULL ? d->nargs < 2 : (d->nargs < 1 ||
		    !is_location(d) || match))
			continue;
		arg = d->args[d->ctx == NULL ? 1 : 0];
		real = de_socketfy(arg, &sock);
		/* A ProxyPassMatch URL with "$N" makes a worker matched as a
		 * pattern, found only by another such URL it matches. */
		match = match && strchr(real, '$') != NULL;
		if (strcmp(real, "!") == 0 || !strstr(real, "://") ||
		    (!match && worker_find(&mine, real) != NULL)) {
			free(sock);
			continue;
		}
		w = xcalloc(1, sizeof *w);
		w->matchable = match;
		w->name = worker_name(real);
		w->socket = sock;
		w->node = d->node;
		vec_push(&mine, w);
	}
	for (i = 0; i < mine.n; i++)
		vec_push(ws, mine.v[i]);
	vec_free(&mine);
}

static void
worker_free(void *p)
{
	struct ex_worker	*w = p;

	free(w->name);
	free(w->socket);
	free(w);
}

/* host[:port] of a URL for Host: lowercased, no default port. */
static char *
url_host(const char *u)
{
	const char	*p = strstr(u, "://");
	char		*h, *q;
	size_t		 n;
	int		 https = strncasecmp(u, "https", 5) == 0;

	if (p == NULL)
		return xstrdup("");
	p += 3;
	n = strcspn(p, "/?#");
	h = xstrndup(p, n);
	for (q = h; *q; q++)
		*q = (char)tolower((unsigned char)*q);
	if ((q = strrchr(h, ':')) != NULL && strchr(q, ']') == NULL &&
	    ((!https && strcmp(q, ":80") == 0) || (https &&
	    strcmp(q, ":443") == 0)))
		*q = '\0';
	return h;
}

static int
dir_flag(const struct ex_ctx *x, const char *name, int dflt)
{
	const struct cf_dir	*d = vhost_directive(x->v, name);

	if (d == NULL)
		d = server_directive(x->c, name);
	return d ? str_caseeq(d->args[0], "on") : dflt;
}

static void
backend(struct ex_ctx *x)
{
	struct ex_result	*r = x->r;
	struct vec		 ws = { 0 }, ds = { 0 };
	struct ex_worker	*w;
	const char		*p, *auth_end;
	char			*xfp = NULL;
	size_t			 i;

	if (r->query != NULL && strchr(r->backend_url, '?') == NULL) {
		char	*u = xasprintf("%s?%s", r->backend_url, r->query);

		free(r->backend_url);
		r->backend_url = u;
	}
	r->http = is_url(r->backend_url);
	p = strstr(r->backend_url, "://");
	if (p == NULL) {
		note(r, r->decided.node, "proxy URL %s: not modelled",
		    r->backend_url);
		r->handler = EX_UNKNOWN;
		return;
	}
	auth_end = p + 3 + strcspn(p + 3, "/?#");
	if (*auth_end != '/') {
		/* proxy_http_canon(): the URL gets its "/" before the worker
		 * is looked up ("http://localhost" then matches a worker
		 * named "http://localhost/", verified). */
		char	*u = xasprintf("%.*s/%s", (int)(auth_end -
			    r->backend_url), r->backend_url, auth_end);

		free(r->backend_url);
		r->backend_url = u;
		p = strstr(u, "://");
		auth_end = p + 3 + strcspn(p + 3, "/?#");
	}
	r->backend_path = xstrndup(*auth_end == '/' ? auth_end : "/",
	    *auth_end == '/' ? strcspn(auth_end, "?#") : 1);

	/* Workers: the main server's, then the vhost's own. */
	for (i = 0; i < x->c->server_dirs.n; i++)
		vec_push(&ds, x->c->server_dirs.v[i]);
	workers_of(&ds, &ws);
	if (x->v != NULL)
		workers_of(&x->v->dirs, &ws);
	vec_free(&ds);
	w = worker_find(&ws, r->backend_url);
	if (w != NULL) {
		r->worker = xstrdup(w->name);
		r->worker_node = w->node;
		r->worker_shared = w->node != r->decided.node;
		if (w->socket != NULL)
			r->socket = xstrdup(w->socket);
		else
			r->address = url_host(w->name);
	} else
		r->address = url_host(r->backend_url);
	if (r->address != NULL && strchr(r->address, ':') == NULL) {
		char	*a = xasprintf("%s:%d", r->address,
			    strncasecmp(r->backend_url, "https", 5) == 0 ?
			    443 : 80);

		free(r->address);
		r->address = a;
	}

	if (x->px.preserve_host)
		r->h_host = xstrdup(r->host_header);
	else
		r->h_host = url_host(r->backend_url);
	r->add_headers = dir_flag(x, "ProxyAddHeaders", 1);
	if (r->add_headers) {
		r->h_xff = r->client_xff ? xstrdup(r->client_xff) : NULL;
		r->h_xfh = r->client_xfh ? xasprintf("%s, %s", r->client_xfh,
		    r->host_header) : xstrdup(r->host_header);
		r->h_xfs = r->vhost_name ? xstrdup(r->vhost_name) : NULL;
	}
	r->xfp_known = explain_xfp(&x->px, r->path, r->client_xfp, &xfp) ==
	    0;
	r->h_xfp = xfp;
	if (!r->xfp_known)
		note(r, x->px.xfp ? x->px.xfp->node : NULL, "the "
		    "X-Forwarded-Proto value of this RequestHeader: not "
		    "modelled");
	vec_free_all(&ws, worker_free);
}

/* ---- 4. a backend redirect ---- */

static void
redirect(struct ex_ctx *x, const char *loc)
{
	struct ex_result	*r = x->r;
	const struct px_rev	*line = NULL;
	const char		*scheme;

	if (!r->http)
		return;
	/* The backend builds it from what it saw (gunicorn: https only for
	 * X-Forwarded-Proto "https" from a trusted peer). */
	scheme = r->h_xfp != NULL && strcmp(r->h_xfp, "https") == 0 ?
	    "https" : "http";
	if (loc == NULL)
		loc = "/";
	if (loc[0] == '/')
		r->backend_location = xasprintf("%s://%s%s", scheme,
		    r->h_host, loc);
	else
		r->backend_location = xstrdup(loc);
	r->visitor_location = explain_reverse(&x->px, r->path,
	    r->backend_location, r->host_header, r->local_port, r->tls,
	    &line);
	if (line != NULL) {
		r->reverse.node = line->dir->node;
		r->reverse.text = line_text(line->dir->node);
	}
}

int
explain_request(const struct cf_config *c, const struct ex_request *q,
    struct ex_result *r, char **err)
{
	struct ex_ctx	x;
	size_t		i;

	memset(r, 0, sizeof *r);
	*err = NULL;
	if (parse_request(q, r, err) != 0) {
		explain_free(r);
		return -1;
	}
	memset(&x, 0, sizeof x);
	x.c = c;
	x.r = r;
	select_vhost(&x);
	px_vhost_build(c, (struct cf_vhost *)x.v, &x.px);
	if (x.v != NULL)
		x.px.tls = r->tls;
	handle_path(&x);
	if (x.v != NULL)
		note_sections(r, x.v->node);
	for (i = 0; i < c->files.n; i++) {
		const struct cf_file	*f = c->files.v[i];

		if (!f->parse_failed)
			note_sections(r, &f->top);
		else
			note(r, NULL, "%s could not be parsed: what it holds "
			    "is not modelled", f->path);
	}
	if (r->handler == EX_PROXY)
		backend(&x);
	if (r->handler == EX_PROXY)
		redirect(&x, q->location);
	px_vhost_free(&x.px);
	return 0;
}

static void
steps_free(struct vec *v)
{
	size_t	i;

	for (i = 0; i < v->n; i++) {
		struct ex_step	*s = v->v[i];

		free(s->text);
		free(s);
	}
	vec_free(v);
}

void
explain_free(struct ex_result *r)
{
	free(r->url);
	free(r->host_header);
	free(r->hostname);
	free(r->path);
	free(r->query);
	free(r->local_addr);
	free(r->client_xfp);
	free(r->client_xff);
	free(r->client_xfh);
	free(r->vhost_name);
	steps_free(&r->vhost_why);
	steps_free(&r->others);
	free(r->decided.text);
	steps_free(&r->path_why);
	free(r->target);
	free(r->backend_url);
	free(r->backend_path);
	free(r->worker);
	free(r->socket);
	free(r->address);
	free(r->h_host);
	free(r->h_xff);
	free(r->h_xfh);
	free(r->h_xfs);
	free(r->h_xfp);
	free(r->backend_location);
	free(r->visitor_location);
	free(r->reverse.text);
	steps_free(&r->notes);
	memset(r, 0, sizeof *r);
}
