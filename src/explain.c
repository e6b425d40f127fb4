/* explain.c: the way of one request (explain.h): the request, step 1
 * (the vhost), and the whole walk; explain-path.c, explain-backend.c and
 * explain-util.c do the rest.
 *
 * - vhost.c: ap_update_vhost_given_ip() keeps the vhosts whose address is
 *   the connection's IP and port; only when none is, those on "*" (or
 *   _default_) and that port.  check_hostalias() then takes, in the order
 *   of the configuration, the first whose ServerName, ServerAlias or
 *   wildcard ServerAlias is the requested host, else the first of them.
 *   A vhost without ServerName has the main server's.
 * - request.c: the <Location> walk comes before the translate_name hooks;
 *   a plain <Location /app> covers "/app" and "/app/..." (not "/apple"). */
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

struct ex_addr {
	char	*ip;		/* "*" for * and _default_ */
	int	 port;		/* 0: any */
};

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
	if (n == 0) {
		/* the caller's path starts with '/': room for two */
		path[0] = '/';
		path[1] = '\0';
	}
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
	if (explain_parse_hostport(auth, (size_t)(end - auth), &host,
	    &port) != 0) {
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

		if (explain_parse_hostport(r->host_header,
		    strlen(r->host_header), &hn, &hp) != 0) {
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

		if (explain_parse_hostport(q->via, strlen(q->via), &a,
		    &vp) != 0 || vp == 0) {
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
		explain_note(r, NULL, "the path %s holds percent-encoded "
		    "reserved characters: how Apache decodes and re-encodes "
		    "them is not modelled", r->path);
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

static void
addr_parse(const char *s, struct ex_addr *a)
{
	char	*h = NULL;
	int	 port = 0;
	size_t	 n = strlen(s);

	if (n > 2 && strcmp(s + n - 2, ":*") == 0) {
		h = xstrndup(s, n - 2);
		port = 0;
	} else if (explain_parse_hostport(s, n, &h, &port) != 0) {
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
	if ((d = explain_server_directive(c, "ServerName")) == NULL)
		return NULL;
	p = d->args[0];
	if (str_startswith(p, "http://") || str_startswith(p, "https://"))
		p = strstr(p, "//") + 2;
	if (explain_parse_hostport(p, strlen(p), &h, &port) != 0) {
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
		d = v->server_name ? explain_vhost_directive(v, "ServerName") :
		    explain_server_directive(c, "ServerName");
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

		explain_step(&r->vhost_why, pick->node, "<VirtualHost %s> "
		    "takes a connection to %s%s", a, conn, exact ? " (the "
		    "address itself: vhosts on * are not considered)" : "");
		free(a);
		explain_step(&r->vhost_why, name_node(c, pick, how, which),
		    "%s %s is the requested host %s%s", how == 1 ?
		    "ServerName" : how == 2 ? "ServerAlias" :
		    "the wildcard ServerAlias", how == 1 &&
		    pick->server_name == NULL ? r->vhost_name : which,
		    r->hostname, how == 1 && pick->server_name == NULL ?
		    " (the vhost has none: the main server's)" : "");
	} else if (chain.n > 0) {
		pick = chain.v[0];
		explain_step(&r->vhost_why, pick->node, "no vhost on %s has "
		    "the name %s: the first one in the configuration answers "
		    "(the default for that address:port)", conn, r->hostname);
	} else {
		explain_step(&r->vhost_why, NULL, "no <VirtualHost> takes a "
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
			explain_step(&r->others, v->node, "%s: %s, not %s%s",
			    conf_vhost_name(v), a, conn, other_ip &&
			    r->local_addr == NULL ? " (a connection to that "
			    "address would reach it: see --via)" : "");
		} else if (am == 1 && exact)
			explain_step(&r->others, v->node, "%s: on %s, but a "
			    "vhost on the address %s itself exists: only those "
			    "are considered", conf_vhost_name(v), a,
			    r->local_addr);
		else if (vhost_name_match(c, v, r->hostname, &w) != 0)
			explain_step(&r->others, v->node, "%s: %s also names "
			    "%s, but an earlier vhost on the same address:port "
			    "does", conf_vhost_name(v), w, r->hostname);
		else
			explain_step(&r->others, v->node, "%s: on %s, but none "
			    "of its names is %s", conf_vhost_name(v), a,
			    r->hostname);
		free(a);
	}
	vec_free(&chain);
}

/* ---- the walk ---- */

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
	explain_handle_path(&x);
	if (x.v != NULL)
		explain_note_sections(r, x.v->node);
	for (i = 0; i < c->files.n; i++) {
		const struct cf_file	*f = c->files.v[i];

		if (!f->parse_failed)
			explain_note_sections(r, &f->top);
		else
			explain_note(r, NULL, "%s could not be parsed: what it "
			    "holds is not modelled", f->path);
	}
	if (r->handler == EX_PROXY)
		explain_backend(&x);
	if (r->handler == EX_PROXY)
		explain_redirect(&x, q->location);
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
