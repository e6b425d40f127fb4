/* probe.c: one GET straight to a backend, as Apache would send it.
 *
 * mod_proxy_http sends the backend URL's host (with ":port" unless it is
 * the scheme's default) as Host, or the visitor's Host with
 * ProxyPreserveHost On, and adds X-Forwarded-Host with the visitor's
 * Host (with its ":port"); X-Forwarded-Proto only when a RequestHeader
 * line sets it. */
#include "config.h"

#include <errno.h>
#include <netdb.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <time.h>
#include <unistd.h>

#include "live.h"
#include "preview.h"
#include "probe.h"
#include "proxy.h"
#include "rules.h"
#include "util.h"

#define PROBE_HEAD_MAX	(64u << 10)

/* A connected non-blocking socket to the backend, or -1 with *err. */
static int
probe_connect(const struct probe_req *q, char **err)
{
	struct addrinfo	 hints, *res = NULL, *ai;
	char		 serv[16];
	int		 fd = -1, e = 0;

	if (q->socket != NULL) {
		struct sockaddr_un	sa;

		memset(&sa, 0, sizeof sa);
		sa.sun_family = AF_UNIX;
		if (strlen(q->socket) >= sizeof sa.sun_path) {
			*err = xasprintf("%s: path too long", q->socket);
			return -1;
		}
		memcpy(sa.sun_path, q->socket, strlen(q->socket));
		fd = socket(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK |
		    SOCK_CLOEXEC, 0);
		if (fd >= 0 && (e = live_connect_fd(fd,
		    (struct sockaddr *)&sa, sizeof sa, q->timeout_ms)) != 0) {
			close(fd);
			fd = -1;
		}
		if (fd < 0)
			*err = xasprintf("connect to %s: %s", q->socket,
			    strerror(e ? e : errno));
		return fd;
	}
	memset(&hints, 0, sizeof hints);
	hints.ai_family = AF_UNSPEC;
	hints.ai_socktype = SOCK_STREAM;
	snprintf(serv, sizeof serv, "%d", q->port);
	if ((e = getaddrinfo(q->host, serv, &hints, &res)) != 0) {
		*err = xasprintf("%s: %s", q->host, gai_strerror(e));
		return -1;
	}
	/* The resolver's order, as Apache tries them. */
	for (ai = res; ai != NULL && fd < 0; ai = ai->ai_next) {
		fd = socket(ai->ai_family, SOCK_STREAM | SOCK_NONBLOCK |
		    SOCK_CLOEXEC, 0);
		if (fd >= 0 && (e = live_connect_fd(fd, ai->ai_addr,
		    ai->ai_addrlen, q->timeout_ms)) != 0) {
			close(fd);
			fd = -1;
		}
	}
	freeaddrinfo(res);
	if (fd < 0)
		*err = xasprintf("connect to %s:%d: %s", q->host, q->port,
		    strerror(e ? e : errno));
	return fd;
}

/* Value of header name in the head (first one), or NULL. */
static char *
header(const char *head, const char *name)
{
	const char	*p = head;
	size_t		 n = strlen(name);

	while ((p = strstr(p, "\r\n")) != NULL) {
		p += 2;
		if (strncasecmp(p, name, n) == 0 && p[n] == ':') {
			const char	*v = p + n + 1;

			while (*v == ' ' || *v == '\t')
				v++;
			return xstrndup(v, strcspn(v, "\r\n"));
		}
	}
	return NULL;
}

int
probe_send(const struct probe_req *q, struct probe_resp *r)
{
	struct buf	 req = { 0 }, in = { 0 };
	struct pollfd	 pfd;
	long		 end = live_now_ms() + q->timeout_ms;
	size_t		 sent = 0;
	char		 chunk[4096];
	int		 fd;

	memset(r, 0, sizeof *r);
	if ((fd = probe_connect(q, &r->error)) < 0)
		return -1;
	buf_printf(&req, "GET %s HTTP/1.1\r\nHost: %s\r\n", q->path,
	    q->host_header);
	if (q->xfp != NULL)
		buf_printf(&req, "X-Forwarded-Proto: %s\r\n", q->xfp);
	if (q->xf_host != NULL)
		buf_printf(&req, "X-Forwarded-Host: %s\r\n", q->xf_host);
	buf_adds(&req, "X-Forwarded-For: 127.0.0.1\r\nUser-Agent: vhostfix "
	    "probe\r\nAccept: */*\r\nConnection: close\r\n\r\n");
	pfd.fd = fd;
	while (r->error == NULL) {
		long	left = end - live_now_ms();
		ssize_t	n;

		if (left <= 0) {
			r->error = xasprintf("no answer within %d ms",
			    q->timeout_ms);
			break;
		}
		pfd.events = sent < req.len ? POLLOUT : POLLIN;
		if (poll(&pfd, 1, (int)left) <= 0)
			continue;
		if (sent < req.len) {
			n = write(fd, req.data + sent, req.len - sent);
			if (n < 0 && errno != EAGAIN && errno != EINTR)
				r->error = xasprintf("send: %s",
				    strerror(errno));
			else if (n > 0)
				sent += (size_t)n;
			continue;
		}
		n = read(fd, chunk, sizeof chunk);
		if (n < 0 && (errno == EAGAIN || errno == EINTR))
			continue;
		if (n <= 0) {
			if (in.len == 0)
				r->error = xstrdup(n == 0 ? "the backend "
				    "closed the connection without an answer" :
				    strerror(errno));
			break;
		}
		buf_add(&in, chunk, (size_t)n);
		if (strstr(in.data, "\r\n\r\n") != NULL ||
		    in.len > PROBE_HEAD_MAX)
			break;
	}
	close(fd);
	if (r->error == NULL && (in.data == NULL || in.len < 12 ||
	    strncmp(in.data, "HTTP/1.", 7) != 0))
		r->error = xstrdup("the answer is not HTTP");
	else if (r->error == NULL) {
		r->status = atoi(in.data + 9);
		r->location = header(in.data, "Location");
		r->server = header(in.data, "Server");
	}
	buf_free(&req);
	buf_free(&in);
	return r->error == NULL ? 0 : -1;
}

void
probe_resp_free(struct probe_resp *r)
{
	free(r->location);
	free(r->server);
	free(r->error);
	memset(r, 0, sizeof *r);
}

void
probe_result_free(void *p)
{
	struct probe_result	*pr = p;

	if (pr == NULL)
		return;
	free(pr->backend);
	free(pr->visitor_path);
	free(pr->backend_path);
	free(pr->host_header);
	free(pr->xfp);
	probe_resp_free(&pr->resp);
	free(pr->visitor_now);
	free(pr->visitor_after);
	free(pr);
}

/* "http://h:8000/p" -> host "h", port 8000, *rest "/p"; -1 if not
 * http(s). */
static int
split_url(const char *url, char *host, size_t hl, int *port, int *tls,
    const char **rest)
{
	const char	*h, *e;
	size_t		 n;

	*tls = strncasecmp(url, "https://", 8) == 0;
	if (!*tls && strncasecmp(url, "http://", 7) != 0)
		return -1;
	h = url + (*tls ? 8 : 7);
	if (*h == '[') {
		e = strchr(h, ']');
		if (e == NULL)
			return -1;
		e++;
	} else
		e = h + strcspn(h, ":/");
	n = (size_t)(e - h);
	if (n == 0 || n >= hl)
		return -1;
	memcpy(host, h, n);
	host[n] = '\0';
	*port = 0;
	if (*e == ':') {
		*port = atoi(e + 1);
		e += 1 + strspn(e + 1, "0123456789");
	}
	*rest = e;
	return 0;
}

/* Visitor's Location through revs (ProxyPassReverse path, url). */
static char *
map_with(const struct vec *revs_path, const struct vec *revs_url,
    const char *loc, const struct cf_vhost *v, const char *host)
{
	struct preview_rev	*pr;
	size_t			 i;
	char			*out;

	pr = xcalloc(revs_url->n + 1, sizeof *pr);
	for (i = 0; i < revs_url->n; i++) {
		pr[i].path = revs_path->v[i];
		pr[i].url = revs_url->v[i];
	}
	out = preview_map(loc, pr, revs_url->n, v->tls, host, v->port);
	free(pr);
	return out;
}

static void
probe_pass(const struct px_vhost *px, const struct px_pass *pp,
    const char *path, int timeout_ms, struct vec *out)
{
	const struct cf_vhost	*v = px->vhost;
	struct probe_result	*r;
	struct probe_req	 q;
	struct vec		 revs = { 0 }, rp = { 0 }, ru = { 0 };
	struct vec		 need = { 0 };
	const char		*rest, *name;
	struct probe_resp	 ra = { 0 };
	char			 host[256], *vhost;
	const char		*after;
	int			 port, tls;
	size_t			 i;

	if (pp->url.scheme != PX_HTTP || split_url(pp->url.backend, host,
	    sizeof host, &port, &tls, &rest) != 0 || (tls &&
	    pp->url.socket == NULL))
		return;
	if (path != NULL && !px_path_covers(pp->path, path))
		return;
	name = v->server_name ? v->server_name : "localhost";
	r = xcalloc(1, sizeof *r);
	r->node = pp->dir->node;
	r->backend = pp->url.socket ? xasprintf("unix:%s|%s", pp->url.socket,
	    pp->url.backend) : xstrdup(pp->url.backend);
	r->visitor_path = xstrdup(path ? path : pp->path);
	/* Apache's mapping: the backend URL's path, then what follows the
	 * ProxyPass path in the request. */
	r->backend_path = xasprintf("%s%s", *rest ? rest : "/",
	    r->visitor_path + strlen(pp->path));
	/* The visitor's Host, as a browser sends it: with the port unless
	 * it is the scheme's (measured: X-Forwarded-Host carries it). */
	vhost = v->port && v->port != (v->tls ? 443 : 80) ?
	    xasprintf("%s:%d", name, v->port) : xstrdup(name);
	if (px->preserve_host)
		r->host_header = xstrdup(vhost);
	else
		r->host_header = port && port != (tls ? 443 : 80) ?
		    xasprintf("%s:%d", host, port) : xstrdup(host);
	r->xfp = px->xfp_https ? xstrdup("https") : px->xfp ?
	    xstrdup(v->tls ? "https" : "http") : NULL;
	memset(&q, 0, sizeof q);
	q.socket = pp->url.socket;
	q.host = host[0] == '[' ? host + 1 : host;
	if (host[0] == '[')
		host[strlen(host) - 1] = '\0';
	q.port = port ? port : 80;
	q.path = r->backend_path;
	q.host_header = r->host_header;
	q.xfp = r->xfp;
	q.xf_host = vhost;
	q.timeout_ms = timeout_ms;
	probe_send(&q, &r->resp);
	/* After the fix a TLS vhost sends X-Forwarded-Proto: https, and a
	 * backend that honours it redirects elsewhere: ask it that way too. */
	after = r->resp.location;
	if (v->tls && r->resp.error == NULL && (r->xfp == NULL ||
	    strcmp(r->xfp, "https") != 0)) {
		q.xfp = "https";
		if (probe_send(&q, &ra) == 0)
			after = ra.location;
	}
	free(vhost);
	if (r->resp.location != NULL && after != NULL) {
		px_revs_for(px, pp, &revs);
		for (i = 0; i < revs.n; i++) {
			const struct px_rev	*rv = revs.v[i];

			vec_push(&rp, (void *)rv->path);
			vec_push(&ru, (void *)rv->url);
		}
		r->visitor_now = map_with(&rp, &ru, r->resp.location, v, name);
		/* After the fix: the lines it ensures come first. */
		px_required_revs(px, pp, px->preserve_host, px->xfp_https ||
		    v->tls, &need);
		rp.n = ru.n = 0;
		for (i = 0; i < need.n; i++) {
			vec_push(&rp, (void *)pp->path);
			vec_push(&ru, need.v[i]);
		}
		for (i = 0; i < revs.n; i++) {
			const struct px_rev	*rv = revs.v[i];

			if (!str_startswith(rv->url, "unix:")) {
				vec_push(&rp, (void *)rv->path);
				vec_push(&ru, (void *)rv->url);
			}
		}
		r->visitor_after = map_with(&rp, &ru, after, v, name);
		vec_free_all(&need, free);
		vec_free(&revs);
		vec_free(&rp);
		vec_free(&ru);
	}
	probe_resp_free(&ra);
	vec_push(out, r);
}

void
probe_vhost(const struct cf_config *c, struct cf_vhost *v, const char *path,
    int timeout_ms, struct vec *out)
{
	struct px_vhost	px;
	size_t		i;

	px_vhost_build(c, v, &px);
	for (i = 0; i < px.passes.n; i++) {
		const struct px_pass	*pp = px.passes.v[i];

		if (pp->url.scheme == PX_NONE || pp->server_level ||
		    px_pass_dead(&px, i))
			continue;
		probe_pass(&px, pp, path, timeout_ms, out);
	}
	px_vhost_free(&px);
}

void
probe_findings(const struct cf_config *c, struct vec *findings,
    int timeout_ms, struct vec *notes)
{
	size_t	i, j, k, m;

	for (i = 0; i < c->vhosts.n; i++) {
		struct cf_vhost	*v = c->vhosts.v[i];
		struct vec	 res = { 0 }, revs = { 0 };
		struct px_vhost	 px;
		int		 wanted = 0;

		for (k = 0; k < findings->n && !wanted; k++) {
			struct finding	*f = findings->v[k];

			wanted = f->vhost == v && f->preview != NULL;
		}
		if (!wanted)
			continue;
		px_vhost_build(c, v, &px);
		probe_vhost(c, v, NULL, timeout_ms, &res);
		for (j = 0; j < res.n; j++) {
			struct probe_result	*r = res.v[j];
			const struct px_pass	*pp = NULL;

			for (m = 0; m < px.passes.n && pp == NULL; m++)
				if (((struct px_pass *)px.passes.v[m])->dir->
				    node == r->node)
					pp = px.passes.v[m];
			if (r->resp.error != NULL) {
				vec_push(notes, xasprintf("probe: %s:%u: no "
				    "answer from %s: %s", r->node->file->path,
				    r->node->line, r->backend, r->resp.error));
				continue;
			}
			if (pp == NULL || r->resp.location == NULL)
				continue;
			px_revs_for(&px, pp, &revs);
			/* The pass's findings: on its ProxyPass line or on
			 * one of its ProxyPassReverse lines. */
			for (k = 0; k < findings->n; k++) {
				struct finding	*f = findings->v[k];
				int		 mine = f->node == r->node;
				struct preview	*p = f->preview;

				for (m = 0; m < revs.n && !mine; m++)
					mine = f->node == ((struct px_rev *)
					    revs.v[m])->dir->node;
				if (!mine || p == NULL || f->vhost != v)
					continue;
				free(p->backend_location);
				free(p->visitor_before);
				free(p->visitor_after);
				p->backend_location = xstrdup(r->resp.location);
				p->visitor_before = r->visitor_now ?
				    xstrdup(r->visitor_now) : NULL;
				p->visitor_after = r->visitor_after ?
				    xstrdup(r->visitor_after) : NULL;
				p->probed = 1;
			}
			vec_free(&revs);
		}
		vec_free_all(&res, probe_result_free);
		px_vhost_free(&px);
	}
}
