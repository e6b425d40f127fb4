/* rule-live.c: the running system as evidence: socket-stale,
 * socket-backlog-full, backend-ipv6-first, backend-unreachable,
 * log-unmatched; and the error log's lines under every finding they
 * explain.
 *
 * Measured on Apache 2.4.71 with real backends: a stale socket, a 0700
 * directory above the socket and a socket of another group (mode 0660)
 * each give 503 and "(111)"/"(13)...: AH02454" in the error log; a worker
 * host that resolves to ::1 and then 127.0.0.1 while the backend listens
 * on 127.0.0.1 only costs a refused connection to [::1] on every new
 * connection (AH00957 at debug level); resolving to ::1 alone gives
 * AH00957 at error level and 503.  These checks are not in the registry's
 * per-vhost runs: they touch the running system, so live_run() runs them
 * when asked, after rules_run(). */
#include "config.h"

#include <errno.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "errlog.h"
#include "live.h"
#include "rule-impl.h"

const struct rule rule_socket_stale = {
	.id = "socket-stale",
	.sev = SEV_ERROR,
	.fix = RULE_FIX_HAND,
	.summary = "the socket file exists but nobody listens on it",
	.why = "The backend that created the socket stopped or crashed and "
	    "left the file: connect() is refused.",
	.visitor = "Every request fails with 503 Service Unavailable.",
};

const struct rule rule_socket_backlog_full = {
	.id = "socket-backlog-full",
	.sev = SEV_WARNING,
	.fix = RULE_FIX_HAND,
	.summary = "the backend socket's listen backlog is full",
	.why = "A non-blocking connect() (as Apache's) fails with EAGAIN: the "
	    "backend accepts connections slower than they arrive.",
	.visitor = "Requests fail with 503 Service Unavailable while it lasts.",
};

const struct rule rule_backend_ipv6_first = {
	.id = "backend-ipv6-first",
	.sev = SEV_WARNING,
	.fix = RULE_FIX_HAND,
	.summary = "the backend's name resolves to IPv6 first, the backend "
	    "listens on IPv4 only",
	.why = "Apache tries the addresses in the resolver's order: the first "
	    "one (::1) refuses, so every new connection costs a failed "
	    "attempt.",
	.visitor = "Extra delay (or, when the name resolves to ::1 alone, 503 "
	    "Service Unavailable).",
};

const struct rule rule_backend_unreachable = {
	.id = "backend-unreachable",
	.sev = SEV_ERROR,
	.fix = RULE_FIX_HAND,
	.summary = "no address of the TCP backend accepts a connection",
	.why = "Every address the backend's name resolves to refuses or does "
	    "not answer, or the name does not resolve.",
	.visitor = "Every request fails with 503 Service Unavailable (500 if "
	    "the name does not resolve).",
};

const struct rule rule_log_unmatched = {
	.id = "log-unmatched",
	.sev = SEV_INFO,
	.fix = RULE_FIX_HAND,
	.summary = "the error log shows proxy failures no finding explains",
	.why = "Apache logged failures for a backend the configuration and "
	    "the live checks find nothing wrong with now (fixed since, "
	    "intermittent, or a backend no longer configured).",
	.visitor = "Visitors got errors when those lines were written.",
};

/* Which rules of a ProxyPass line take the log's lines as evidence, in
 * order of preference (other families' rules by id, through the
 * registry). */
static const char *const evidence_rules[] = {
	"socket-stale", "socket-permission", "socket-missing",
	"socket-backlog-full", "backend-ipv6-first", "backend-unreachable",
	"module-missing", "trailing-slash", "socket-in-private-tmp",
	"log-unmatched",
};

/* All live tests of one run together, at most (each connect() has its
 * own timeout too). */
#define LIVE_BUDGET_MS	30000

struct live_ctx {
	const struct cf_config	*c;
	const struct live_opts	*o;
	struct live_user	 user;
	int			 have_user;
	struct vec		*notes;
	struct vec		 drop;	/* struct cf_node *: static socket-*
					   findings the live test replaces */
};

static void
note(struct vec *notes, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

static void
note(struct vec *notes, const char *fmt, ...)
{
	va_list	ap;
	char	*s;
	size_t	i;

	va_start(ap, fmt);
	s = xvasprintf(fmt, ap);
	va_end(ap);
	for (i = 0; i < notes->n; i++)
		if (strcmp(notes->v[i], s) == 0) {
			free(s);
			return;
		}
	vec_push(notes, s);
}

/* host and port of "http://host:port/..." ("[::1]" unbracketed); the
 * scheme's default port when none is written.  0, or -1 for URLs without
 * a host (balancer://, "!"). */
static int
url_host_port(const char *url, char *host, size_t hlen, int *port)
{
	static const struct { const char *scheme; int port; } defaults[] = {
		{ "http", 80 }, { "https", 443 }, { "ws", 80 }, { "wss", 443 },
		{ "ajp", 8009 }, { "uwsgi", 3031 }, { "scgi", 4000 },
		{ "fcgi", 8000 },
	};
	const char	*p = strstr(url, "://"), *h, *e;
	size_t		 i, n;

	if (p == NULL)
		return -1;
	*port = 0;
	for (i = 0; i < sizeof defaults / sizeof *defaults; i++)
		if ((size_t)(p - url) == strlen(defaults[i].scheme) &&
		    strncasecmp(url, defaults[i].scheme, (size_t)(p - url)) ==
		    0)
			*port = defaults[i].port;
	if (*port == 0)
		return -1;
	h = p + 3;
	if (*h == '[') {
		e = strchr(h, ']');
		if (e == NULL)
			return -1;
		n = (size_t)(e - h - 1);
		h++;
		e++;
	} else {
		n = strcspn(h, ":/");
		e = h + n;
	}
	if (n == 0 || n >= hlen)
		return -1;
	memcpy(host, h, n);
	host[n] = '\0';
	if (*e == ':')
		*port = atoi(e + 1);
	return *port > 0 && *port < 65536 ? 0 : -1;
}

static void
test_socket(struct live_ctx *lc, struct rule_ctx *rc, struct px_pass *pp)
{
	struct live_sock_result	 r;
	const struct rule	*rule = NULL;
	struct finding		*f;

	live_socket_test(pp->url.socket, &lc->user, lc->o->timeout_ms, &r);
	switch (r.state) {
	case LIVE_SOCK_OK:
		break;
	case LIVE_SOCK_MISSING:
	case LIVE_SOCK_NOT_SOCKET:
		rule = rule_by_id("socket-missing");
		break;
	case LIVE_SOCK_STALE:
		rule = &rule_socket_stale;
		break;
	case LIVE_SOCK_DENIED_DIR:
	case LIVE_SOCK_DENIED_SOCKET:
	case LIVE_SOCK_DENIED_SELINUX:
	case LIVE_SOCK_DENIED_OTHER:
		rule = rule_by_id("socket-permission");
		break;
	case LIVE_SOCK_BACKLOG:
		rule = &rule_socket_backlog_full;
		break;
	case LIVE_SOCK_TIMEOUT:
	case LIVE_SOCK_ERROR:
		note(lc->notes, "%s:%u: %s", pp->dir->node->file->path,
		    pp->dir->node->line, r.detail);
		break;
	}
	/* The live answer replaces what the files alone suggested. */
	vec_push(&lc->drop, pp->dir->node);
	if (rule != NULL) {
		f = rule_add(rc, rule, pp->dir->node, "%s%s; visitors get 503 "
		    "Service Unavailable", r.as_user ? "" : "(judged from the "
		    "modes) ", r.detail);
		if (r.advice != NULL)
			rule_suggest(f, "%s", r.advice);
	}
	live_sock_result_free(&r);
}

static void
test_tcp(struct live_ctx *lc, struct rule_ctx *rc, struct px_pass *pp)
{
	struct live_tcp_result	 r;
	struct finding		*f;
	struct buf		 tried = { 0 };
	char			 host[256];
	int			 port;
	size_t			 i;

	if (url_host_port(pp->url.backend, host, sizeof host, &port) != 0)
		return;
	live_tcp_test(host, port, lc->o->timeout_ms, &r);
	for (i = 0; i < r.naddrs && r.addrs[i].err >= 0; i++)
		buf_printf(&tried, "%s%s %s", i ? ", " : "", r.addrs[i].text,
		    r.addrs[i].err == 0 ? "accepts" :
		    strerror(r.addrs[i].err));
	if (r.gai_err != 0) {
		f = rule_add(rc, &rule_backend_unreachable, pp->dir->node,
		    "the backend's name %s does not resolve (%s)", host,
		    r.gai_msg);
		rule_suggest(f, "getent ahosts %s", host);
	} else if (r.first_ok > 0 && r.addrs[0].family == AF_INET6) {
		f = rule_add(rc, &rule_backend_ipv6_first, pp->dir->node,
		    "%s resolves to %s first, but the backend listens on %s "
		    "only (%s): every new connection to it fails once first",
		    host, r.addrs[0].text, r.addrs[r.first_ok].text,
		    tried.data);
		rule_suggest(f, "use the address the backend listens on: "
		    "%s://%s:%d/ (or have the backend listen on ::1 too)",
		    strncasecmp(pp->url.backend, "https", 5) == 0 ? "https" :
		    "http", r.addrs[r.first_ok].family == AF_INET ?
		    "127.0.0.1" : "[::1]", port);
	} else if (r.first_ok < 0 && r.v4_fallback) {
		f = rule_add(rc, &rule_backend_ipv6_first, pp->dir->node,
		    "%s resolves to ::1 only, but the backend listens on "
		    "127.0.0.1:%d (%s): every request fails with 503 Service "
		    "Unavailable", host, port, tried.data);
		f->sev = SEV_ERROR;
		rule_suggest(f, "use the address the backend listens on: "
		    "http://127.0.0.1:%d/", port);
	} else if (r.first_ok < 0) {
		f = rule_add(rc, &rule_backend_unreachable, pp->dir->node,
		    "no address of %s:%d accepts a connection (%s); visitors "
		    "get 503 Service Unavailable", host, port,
		    tried.data ? tried.data : "no address");
		rule_suggest(f, "start the backend, or correct the address; "
		    "ss -tlnp | grep :%d shows who listens", port);
	}
	buf_free(&tried);
	live_tcp_result_free(&r);
}

/* Does the log event name this ProxyPass's backend? */
static int
event_matches(const struct el_event *e, const struct px_pass *pp)
{
	char		 host[256], hp[300];
	int		 port;
	const char	*b = e->backend;

	switch (e->kind) {
	case EL_SOCKET:
		return pp->url.socket != NULL &&
		    strcmp(pp->url.socket, b) == 0;
	case EL_URLPATH:
		return e->urlpath != NULL &&
		    px_path_covers(pp->path, e->urlpath);
	case EL_ADDR:
	case EL_HOST:
		break;
	}
	if (url_host_port(pp->url.backend, host, sizeof host, &port) != 0)
		return 0;
	snprintf(hp, sizeof hp, "%s:%d", host, port);
	if (e->kind == EL_ADDR)
		return strcasecmp(b, hp) == 0;
	/* AH01114/AH01079 name the host alone (a socket's label); AH00898's
	 * "DNS lookup failure for: 127.0.0.1:8000admin" is the slash
	 * mistake of this very URL. */
	if (strcasecmp(b, host) == 0)
		return e->urlpath == NULL ||
		    px_path_covers(pp->path, e->urlpath);
	return strncasecmp(b, hp, strlen(hp)) == 0 && e->urlpath != NULL &&
	    px_path_covers(pp->path, e->urlpath);
}

static struct el_event *
event_dup(const struct el_event *e)
{
	struct el_event	*d = xcalloc(1, sizeof *d);

	*d = *e;
	d->errtext = e->errtext ? xstrdup(e->errtext) : NULL;
	d->backend = xstrdup(e->backend);
	d->addr = e->addr ? xstrdup(e->addr) : NULL;
	d->urlpath = e->urlpath ? xstrdup(e->urlpath) : NULL;
	d->sample = e->sample ? xstrdup(e->sample) : NULL;
	d->log = e->log ? xstrdup(e->log) : NULL;
	return d;
}

/* A log-unmatched finding at node (NULL: none) about e: "Apache logged
 * N CODE for WHAT (ERROR) from FIRST to LAST", then tail. */
static struct finding *
add_unmatched(struct rule_ctx *rc, const struct cf_node *node,
    const struct el_event *e, const char *what, const char *tail)
{
	return rule_add(rc, &rule_log_unmatched, node, "Apache logged %lu %s "
	    "for %s (%s) from %s to %s%s", e->count, e->code, what,
	    e->errtext ? e->errtext : "no errno", e->first, e->last, tail);
}

/* Attach the log's events to the findings (rc->out) of this vhost's
 * ProxyPass lines; an event no finding explains becomes a log-unmatched
 * finding there. */
static void
attach_events(struct rule_ctx *rc, struct vec *events)
{
	struct vec	*all = rc->out;
	struct px_vhost	*px = rc->px;
	size_t		 i, j, k, r;

	for (i = 0; i < events->n; i++) {
		struct el_event	*e = events->v[i];

		for (j = 0; j < px->passes.n; j++) {
			struct px_pass	*pp = px->passes.v[j];
			struct finding	*best = NULL;
			size_t		 best_r = 99;

			if (pp->url.scheme == PX_NONE ||
			    !event_matches(e, pp))
				continue;
			for (k = 0; k < all->n; k++) {
				struct finding	*f = all->v[k];

				if (f->node != pp->dir->node)
					continue;
				for (r = 0; r < best_r && r < sizeof
				    evidence_rules / sizeof *evidence_rules;
				    r++)
					if (strcmp(f->rule->id,
					    evidence_rules[r]) == 0) {
						best = f;
						best_r = r;
					}
			}
			if (best == NULL && !e->debug && !e->matched)
				best = add_unmatched(rc, pp->dir->node, e,
				    "this backend", ", but nothing is wrong "
				    "with it now: fixed since, or intermittent");
			if (best != NULL) {
				vec_push(&best->evidence, event_dup(e));
				e->matched = 1;
			}
			break;
		}
	}
}

static void
unmatched_events(const struct cf_config *c, struct vec *logevents,
    struct vec *out)
{
	struct px_vhost	 px;
	struct rule_ctx	 rc;
	size_t		 i, j;

	px_vhost_build(c, NULL, &px);
	rc.config = c;
	rc.px = &px;
	rc.out = out;
	for (i = 0; i < logevents->n; i++) {
		struct vec	*events = logevents->v[i];

		for (j = 0; j < events->n; j++) {
			struct el_event	*e = events->v[j];
			struct finding	*f;

			if (e->matched || e->debug)
				continue;
			f = add_unmatched(&rc, NULL, e, e->backend, ", and no "
			    "ProxyPass of the configuration names it");
			vec_push(&f->evidence, event_dup(e));
		}
	}
	px_vhost_free(&px);
}

/* The live stage in steps (the wizard shows its list while it runs). */
struct live_steps {
	struct live_ctx	 lc;
	struct strmap	 logs;		/* path -> its events' index + 1 */
	struct vec	 logevents;	/* struct vec * of struct el_event * */
	size_t		 unread, untested;
	char		*first_err;
	long		 deadline;
};

struct live_steps *
live_begin(const struct cf_config *c, const struct live_opts *o,
    struct vec *notes)
{
	struct live_steps	*ls = xcalloc(1, sizeof *ls);
	struct live_ctx		*lc = &ls->lc;
	char			*err = NULL;

	ls->deadline = live_now_ms() + LIVE_BUDGET_MS;
	lc->c = c;
	lc->o = o;
	lc->notes = notes;
	if (o->live) {
		if (live_user_lookup(c->run_user, c->run_group, &lc->user,
		    &err) == 0)
			lc->have_user = 1;
		else {
			note(notes, "sockets not tested: %s", err);
			free(err);
		}
		if (lc->have_user && geteuid() != 0)
			note(notes, "not running as root: Apache's user %s is "
			    "judged from the modes along each socket's path "
			    "(ACLs and SELinux are not seen); run as root to "
			    "connect as %s", lc->user.name, lc->user.name);
	} else
		note(notes, "live checks skipped: %s is not the running "
		    "system's root (sockets and TCP backends are tested only "
		    "with --root /)", c->root);
	return ls;
}

void
live_vhost(struct live_steps *ls, size_t i, struct vec *mine_rules,
    struct vec *out)
{
	struct live_ctx		*lc = &ls->lc;
	const struct cf_config	*c = lc->c;
	const struct live_opts	*o = lc->o;
	struct cf_vhost		*v = i < c->vhosts.n ? c->vhosts.v[i] : NULL;
	struct px_vhost		 px;
	struct rule_ctx		 rc;
	struct vec		 mine = { 0 };
	struct vec		*events = NULL;
	char			*path, *why = NULL, *err = NULL;
	size_t			 j, k;

	px_vhost_build(c, v, &px);
	memset(&rc, 0, sizeof rc);
	rc.config = c;
	rc.px = &px;
	rc.out = &mine;
	for (j = 0; o->live && j < px.passes.n; j++) {
		struct px_pass	*pp = px.passes.v[j];

		if (pp->url.scheme == PX_NONE || pp->url.bad_syntax ||
		    (v != NULL && pp->server_level))
			continue;
		/* Many dead backends behind filtered addresses must not
		 * make check hang: one budget for all. */
		if (live_now_ms() > ls->deadline) {
			ls->untested++;
			continue;
		}
		if (pp->url.socket != NULL) {
			if (lc->have_user && pp->url.socket[0] == '/')
				test_socket(lc, &rc, pp);
		} else
			test_tcp(lc, &rc, pp);
	}
	/* The error log this vhost writes to, read once. */
	path = o->logs ? errlog_path(c, v, o->live, &why) : NULL;
	if (why != NULL) {
		note(lc->notes, "%s", why);
		free(why);
	}
	if (path != NULL) {
		void	**at = strmap_at(&ls->logs, path);

		if (*at != NULL) {
			events = ls->logevents.v[(size_t)*at - 1];
			free(path);
			path = NULL;
		} else
			*at = (void *)(ls->logevents.n + 1);
	}
	if (path != NULL) {
		events = xcalloc(1, sizeof *events);
		if (errlog_read(path, ERRLOG_TAIL_MAX, events, &err) != 0) {
			/* One note for all of them.  A tree copied under
			 * --root has no logs as a rule: nothing to say. */
			if (errno == ENOENT && !o->live)
				free(err);
			else if (ls->unread++ == 0)
				ls->first_err = err;
			else
				free(err);
		}
		free(path);
		vec_push(&ls->logevents, events);
	}
	/* The live findings join the vhost's own; the static socket
	 * findings a live test answered leave. */
	for (k = 0; v != NULL && mine_rules != NULL && k < mine_rules->n;
	    k++) {
		struct finding	*f = mine_rules->v[k];
		int		 drop = 0;

		for (j = 0; j < lc->drop.n && !drop; j++)
			drop = f->node == lc->drop.v[j] &&
			    (strcmp(f->rule->id, "socket-missing") == 0 ||
			    strcmp(f->rule->id, "socket-permission") == 0);
		if (drop)
			finding_free(f);
		else
			vec_push(out, f);
	}
	if (mine_rules != NULL)
		mine_rules->n = 0;
	for (k = 0; k < mine.n; k++)
		vec_push(out, mine.v[k]);
	vec_free(&mine);
	if (events != NULL && v != NULL) {
		/* Events of this vhost's passes, from out's tail. */
		struct vec	tail = { 0 };
		size_t		first = out->n;

		while (first > 0 && ((struct finding *)
		    out->v[first - 1])->vhost == v)
			first--;
		for (k = first; k < out->n; k++)
			vec_push(&tail, out->v[k]);
		rc.out = &tail;
		attach_events(&rc, events);
		for (k = out->n - first; k < tail.n; k++)
			vec_push(out, tail.v[k]);
		vec_free(&tail);
	}
	vec_free(&lc->drop);
	px_vhost_free(&px);
}

void
live_end(struct live_steps *ls, struct vec *rest, struct vec *out)
{
	struct live_ctx	*lc = &ls->lc;
	char		 more[64] = "";
	size_t		 k;

	/* Findings outside vhosts keep their place at the end, then the
	 * logged failures of backends no ProxyPass names. */
	for (k = 0; rest != NULL && k < rest->n; k++)
		if (rest->v[k] != NULL)
			vec_push(out, rest->v[k]);
	if (rest != NULL)
		rest->n = 0;
	unmatched_events(lc->c, &ls->logevents, out);
	if (ls->untested > 0)
		note(lc->notes, "live tests stopped after %d s: %zu backends "
		    "not tested", LIVE_BUDGET_MS / 1000, ls->untested);
	if (ls->unread > 0) {
		if (ls->unread > 1)
			snprintf(more, sizeof more, " (and %zu more)",
			    ls->unread - 1);
		note(lc->notes, "error log not read, so no evidence from it: "
		    "%s%s", ls->first_err, more);
	}
	free(ls->first_err);
	for (k = 0; k < ls->logevents.n; k++) {
		vec_free_all(ls->logevents.v[k], el_event_free);
		free(ls->logevents.v[k]);
	}
	vec_free(&ls->logevents);
	strmap_free(&ls->logs, NULL);
	if (lc->have_user)
		live_user_free(&lc->user);
	free(ls);
}

void
live_run(const struct cf_config *c, const struct live_opts *o,
    struct vec *findings, struct vec *notes)
{
	struct live_steps	*ls = live_begin(c, o, notes);
	struct vec		 out = { 0 };
	struct vec		*byvhost;	/* each vhost's findings */
	size_t			 i, k;

	/* The findings of each vhost, so that the walk stays linear on
	 * 20,000 vhosts; those outside vhosts stay in findings. */
	byvhost = xcalloc(c->vhosts.n + 1, sizeof *byvhost);
	for (k = 0; k < findings->n; k++) {
		struct finding	*f = findings->v[k];

		if (f == NULL || !conf_vhost_of(c, f->vhost))
			continue;
		vec_push(&byvhost[f->vhost->index], f);
		findings->v[k] = NULL;
	}
	for (i = 0; i <= c->vhosts.n; i++) {
		live_vhost(ls, i, &byvhost[i], &out);
		vec_free(&byvhost[i]);
	}
	free(byvhost);
	live_end(ls, findings, &out);
	vec_free(findings);
	*findings = out;
}
