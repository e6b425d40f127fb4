/* rules.c: the rule table and the runner. */
#include "config.h"

#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "preview.h"
#include "rule-impl.h"

const struct rule rules_table[] = {
	{ "parse-error", SEV_ERROR,
	  "a loaded file cannot be parsed (or an Include cannot be followed)" },
	{ "reverse-socket-prefix", SEV_ERROR,
	  "a ProxyPassReverse URL starts with unix: and never matches" },
	{ "reverse-mismatch", SEV_ERROR,
	  "no ProxyPassReverse has the URL the backend redirects with" },
	{ "reverse-missing", SEV_WARNING,
	  "a ProxyPass to a backend has no ProxyPassReverse" },
	{ "reverse-scheme-missing", SEV_WARNING,
	  "X-Forwarded-Proto https is sent but the https:// form of the "
	  "backend URL has no ProxyPassReverse" },
	{ "proxypass-order", SEV_ERROR,
	  "a ProxyPass comes after a broader one and is never reached" },
	{ "trailing-slash", SEV_WARNING,
	  "only one of the ProxyPass path and the backend URL ends in /" },
	{ "forwarded-proto-missing", SEV_WARNING,
	  "a TLS vhost proxies without setting X-Forwarded-Proto" },
	{ "server-header-exposed", SEV_INFO,
	  "the backend's Server header reaches visitors" },
	{ "module-missing", SEV_ERROR,
	  "a directive's module is not loaded" },
	{ "socket-missing", SEV_WARNING,
	  "the backend socket does not exist or is not a socket" },
	{ "socket-permission", SEV_ERROR,
	  "Apache's user cannot connect to the backend socket" },
	{ "socket-path-too-long", SEV_ERROR,
	  "the socket path is over 95 bytes: Apache refuses to start" },
	{ "socket-in-private-tmp", SEV_WARNING,
	  "the socket is under /tmp or /var/tmp (PrivateTmp)" },
	{ "socket-label-shared", SEV_ERROR,
	  "two sockets share one URL label: both go to the first socket" },
	{ "socket-url-syntax", SEV_ERROR,
	  "a socket URL Apache will not use as meant" },
	{ "reverse-no-effect", SEV_INFO,
	  "ProxyPassReverse has no effect for uwsgi/fcgi/scgi backends" },
	{ "forwarded-proto-spoofable", SEV_INFO,
	  "a plain-HTTP vhost lets clients choose X-Forwarded-Proto" },
	{ "preserve-host-conflict", SEV_WARNING,
	  "ProxyPreserveHost is given twice with different values" },
};
const size_t rules_count = sizeof rules_table / sizeof *rules_table;

static const struct rule *
rule_find(const char *id)
{
	size_t	i;

	for (i = 0; i < rules_count; i++)
		if (strcmp(rules_table[i].id, id) == 0)
			return &rules_table[i];
	return NULL;
}

const char *
sev_name(enum sev s)
{
	switch (s) {
	case SEV_ERROR:
		return "error";
	case SEV_WARNING:
		return "warning";
	case SEV_INFO:
		break;
	}
	return "info";
}

static struct finding *
finding_new(struct vec *out, const char *id, enum sev sev,
    const char *path, unsigned line, char *msg)
{
	const struct rule	*r = rule_find(id);
	struct finding		*f = xcalloc(1, sizeof *f);

	f->rule = r ? r->id : id;
	f->sev = sev;
	f->path = path ? xstrdup(path) : NULL;
	f->line = line;
	f->message = msg;
	vec_push(out, f);
	return f;
}

struct finding *
rule_add(struct rule_ctx *rc, const char *id, int sev,
    const struct cf_node *at, const char *fmt, ...)
{
	const struct rule	*r = rule_find(id);
	struct finding		*f;
	va_list			 ap;
	char			*msg;

	va_start(ap, fmt);
	msg = xvasprintf(fmt, ap);
	va_end(ap);
	f = finding_new(rc->out, id, sev >= 0 ? (enum sev)sev : r->sev,
	    at ? at->file->path : NULL, at ? at->line : 0, msg);
	f->file = at ? at->file : NULL;
	f->node = at;
	f->vhost = rc->px->vhost;
	return f;
}

void
rule_suggest(struct finding *f, const char *fmt, ...)
{
	va_list	 ap;

	va_start(ap, fmt);
	vec_push(&f->suggest, xvasprintf(fmt, ap));
	va_end(ap);
}

const struct cf_node *
rule_vhost_node(const struct rule_ctx *rc)
{
	const struct px_vhost	*p = rc->px;
	size_t			 i;

	if (p->vhost != NULL)
		return p->vhost->node;
	for (i = 0; i < p->passes.n; i++)
		return ((struct px_pass *)p->passes.v[i])->dir->node;
	return NULL;
}

const char *
rule_host(const struct rule_ctx *rc)
{
	return px_host_name(rc->px->vhost);
}

void
finding_free(void *p)
{
	struct finding	*f = p;

	if (f == NULL)
		return;
	free(f->path);
	free(f->message);
	vec_free_all(&f->suggest, free);
	preview_free(f->preview);
	free(f);
}

void
preview_free(void *p)
{
	struct preview	*pv = p;

	if (pv == NULL)
		return;
	free(pv->backend_location);
	free(pv->visitor_before);
	free(pv->visitor_after);
	free(pv->backend_after);
	free(pv);
}

size_t
rules_count_sev(const struct vec *findings, enum sev s)
{
	size_t	i, n = 0;

	for (i = 0; i < findings->n; i++)
		if (((struct finding *)findings->v[i])->sev == s)
			n++;
	return n;
}

static int
cmp_finding(const void *a, const void *b)
{
	const struct finding	*x = *(struct finding *const *)a;
	const struct finding	*y = *(struct finding *const *)b;
	int			 c;

	if (x->path == NULL || y->path == NULL)
		return (x->path == NULL) - (y->path == NULL);
	c = strcmp(x->path, y->path);
	if (c != 0)
		return c;
	return (x->line > y->line) - (x->line < y->line);
}

static void
run_context(const struct cf_config *c, struct cf_vhost *v, struct vec *out)
{
	struct px_vhost	 px;
	struct rule_ctx	 rc;
	struct vec	 mine = { 0 };
	size_t		 i;

	px_vhost_build(c, v, &px);
	if (v == NULL && px.passes.n == 0 && px.revs.n == 0) {
		px_vhost_free(&px);
		return;
	}
	rc.config = c;
	rc.px = &px;
	rc.out = &mine;
	rule_module_check(&rc);
	rule_reverse_check(&rc);
	rule_proxypass_check(&rc);
	rule_socket_check(&rc);
	rule_headers_check(&rc);
	/* Stable order: file, line (mergesort keeps rule order on ties). */
	if (mine.n > 1) {
		size_t	 a, b;

		for (a = 1; a < mine.n; a++)
			for (b = a; b > 0 && cmp_finding(&mine.v[b - 1],
			    &mine.v[b]) > 0; b--) {
				void	*t = mine.v[b];

				mine.v[b] = mine.v[b - 1];
				mine.v[b - 1] = t;
			}
	}
	for (i = 0; i < mine.n; i++)
		vec_push(out, mine.v[i]);
	vec_free(&mine);
	px_vhost_free(&px);
}

void
rules_run(const struct cf_config *c, struct vec *out)
{
	size_t	i;

	for (i = 0; i < c->vhosts.n; i++)
		run_context(c, c->vhosts.v[i], out);
	run_context(c, NULL, out);
	for (i = 0; i < c->files.n; i++) {
		struct cf_file	*f = c->files.v[i];
		struct finding	*fi;

		if (!f->parse_failed)
			continue;
		fi = finding_new(out, "parse-error", SEV_ERROR, f->path,
		    f->err_line, xasprintf("Augeas cannot parse this file: "
		    "%s%s", f->err_msg, " (nothing in it is analysed)"));
		fi->file = f;
		vec_push(&fi->suggest, xstrdup(c->debian ? "apache2ctl "
		    "configtest    (Apache's own check names the problem)" :
		    "apachectl configtest    (Apache's own check names the "
		    "problem)"));
	}
	for (i = 0; i < c->problems.n; i++) {
		struct cf_problem	*p = c->problems.v[i];

		struct finding	*fi;

		fi = finding_new(out, "parse-error", p->is_error ? SEV_ERROR :
		    SEV_WARNING, p->file, p->line, xstrdup(p->message));
		vec_push(&fi->suggest, xstrdup("correct or remove the Include "
		    "on this line; Apache stops at it too"));
	}
}
