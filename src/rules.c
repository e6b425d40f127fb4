/* rules.c: the rule registry and the runner. */
#include "config.h"

#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "errlog.h"
#include "live.h"
#include "preview.h"
#include "rule-impl.h"

/* parse-error is reported here, by the runner, from what loading found. */
const struct rule rule_parse_error = {
	.id = "parse-error",
	.sev = SEV_ERROR,
	.fix = RULE_FIX_HAND,
	.summary = "a loaded file cannot be parsed (or an Include cannot be "
	    "followed)",
	.why = "Augeas cannot parse this file, so vhostfix can neither read "
	    "nor change it.",
	.visitor = "Apache may refuse to start or reload with it.",
};

/* The registry.  A family's entries stay together: the runner calls each
 * check once, in this order, and findings on one line keep it. */
const struct rule *const rules_table[] = {
	&rule_module_missing,
	&rule_listen_duplicate,
	&rule_servername_duplicate,
	&rule_open_proxy,
	&rule_tls_certificate_missing,
	&rule_tls_port_plain,
	&rule_ssl_proxy_engine_missing,
	&rule_proxypass_not_url,
	&rule_alias_shadowed,
	&rule_reverse_socket_prefix,
	&rule_reverse_mismatch,
	&rule_reverse_missing,
	&rule_reverse_scheme_missing,
	&rule_reverse_no_effect,
	&rule_proxypass_order,
	&rule_trailing_slash,
	&rule_socket_label_shared,
	&rule_socket_url_syntax,
	&rule_socket_missing,
	&rule_socket_permission,
	&rule_socket_path_too_long,
	&rule_socket_in_private_tmp,
	&rule_forwarded_proto_missing,
	&rule_server_header_exposed,
	&rule_forwarded_proto_spoofable,
	&rule_preserve_host_conflict,
	&rule_socket_stale,
	&rule_socket_backlog_full,
	&rule_backend_ipv6_first,
	&rule_backend_unreachable,
	&rule_log_unmatched,
	&rule_parse_error,
};
const size_t rules_count = sizeof rules_table / sizeof *rules_table;

const struct rule *
rule_by_id(const char *id)
{
	size_t	i;

	for (i = 0; i < rules_count; i++)
		if (strcmp(rules_table[i]->id, id) == 0)
			return rules_table[i];
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
finding_new(struct vec *out, const struct rule *r, const char *path,
    unsigned line, char *msg)
{
	struct finding	*f = xcalloc(1, sizeof *f);

	f->rule = r;
	f->sev = r->sev;
	f->fixable = r->fix == RULE_FIX_AUTO;
	f->path = path ? xstrdup(path) : NULL;
	f->line = line;
	f->message = msg;
	vec_push(out, f);
	return f;
}

struct finding *
rule_add(struct rule_ctx *rc, const struct rule *r, const struct cf_node *at,
    const char *fmt, ...)
{
	struct finding	*f;
	va_list		 ap;
	char		*msg;

	va_start(ap, fmt);
	msg = xvasprintf(fmt, ap);
	va_end(ap);
	f = finding_new(rc->out, r, at ? at->file->path : NULL,
	    at ? at->line : 0, msg);
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
	vec_free_all(&f->evidence, el_event_free);
	free(f);
}

const char *
finding_visitor(const struct finding *f)
{
	return f->visitor != NULL ? f->visitor : f->rule->visitor;
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
vec_free_ptr(void *p)
{
	vec_free(p);
	free(p);
}

static void
index_name(struct rules_index *ix, struct cf_vhost *v, const char *name)
{
	char		*low = str_lower(name);
	struct vec	**at;

	at = (struct vec **)strmap_at(&ix->names, low);
	if (*at == NULL)
		*at = xcalloc(1, sizeof **at);
	/* A vhost naming itself twice is listed once. */
	if ((*at)->n == 0 || (*at)->v[(*at)->n - 1] != v)
		vec_push(*at, v);
	free(low);
}

static void
index_build(const struct cf_config *c, struct rules_index *ix)
{
	size_t	i, j;

	ix->live = live_is_running_root(c->root);
	for (i = 0; i < c->vhosts.n; i++) {
		struct cf_vhost	*v = c->vhosts.v[i];

		if (v->server_name != NULL)
			index_name(ix, v, v->server_name);
		for (j = 0; j < v->naliases; j++)
			index_name(ix, v, v->aliases[j]);
	}
}

static void
run_context(const struct cf_config *c, const struct rules_index *ix,
    struct cf_vhost *v, struct vec *out)
{
	struct px_vhost	 px;
	struct rule_ctx	 rc;
	struct vec	 mine = { 0 };
	size_t		 i, j;

	/* The main server's context runs even without proxy lines: some
	 * rules are about the server config itself (Listen lines). */
	px_vhost_build(c, v, &px);
	rc.config = c;
	rc.px = &px;
	rc.out = &mine;
	rc.ix = ix;
	for (i = 0; i < rules_count; i++) {
		void	(*check)(struct rule_ctx *) = rules_table[i]->check;

		for (j = 0; j < i && check != NULL; j++)
			if (rules_table[j]->check == check)
				check = NULL;
		if (check != NULL)
			check(&rc);
	}
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

struct rules_steps {
	const struct cf_config	*c;
	struct rules_index	 ix;
	int			 built;	/* ix */
};

struct rules_steps *
rules_begin(const struct cf_config *c)
{
	struct rules_steps	*rs = xcalloc(1, sizeof *rs);

	rs->c = c;
	return rs;
}

void
rules_vhost(struct rules_steps *rs, size_t i, struct vec *out)
{
	const struct cf_config	*c = rs->c;

	/* Built at the first step, not at rules_begin(): the wizard draws
	 * its list in between. */
	if (!rs->built) {
		index_build(c, &rs->ix);
		rs->built = 1;
	}
	run_context(c, &rs->ix, i < c->vhosts.n ? c->vhosts.v[i] : NULL,
	    out);
}

void
rules_end(struct rules_steps *rs, struct vec *out)
{
	const struct cf_config	*c = rs->c;
	size_t			 i;

	for (i = 0; i < c->files.n; i++) {
		struct cf_file	*f = c->files.v[i];
		struct finding	*fi;

		if (!f->parse_failed)
			continue;
		fi = finding_new(out, &rule_parse_error, f->path,
		    f->err_line, xasprintf("Augeas cannot parse this file: "
		    "%s%s", f->err_msg, " (nothing in it is analysed)"));
		vec_push(&fi->suggest, xstrdup(c->debian ? "apache2ctl "
		    "configtest    (Apache's own check names the problem)" :
		    "apachectl configtest    (Apache's own check names the "
		    "problem)"));
	}
	for (i = 0; i < c->problems.n; i++) {
		struct cf_problem	*p = c->problems.v[i];
		struct finding		*fi;

		fi = finding_new(out, &rule_parse_error, p->file, p->line,
		    xstrdup(p->message));
		if (!p->is_error)
			fi->sev = SEV_WARNING;
		vec_push(&fi->suggest, xstrdup("correct or remove the Include "
		    "on this line; Apache stops at it too"));
	}
	strmap_free(&rs->ix.names, vec_free_ptr);
	free(rs);
}

void
rules_run(const struct cf_config *c, struct vec *out)
{
	struct rules_steps	*rs = rules_begin(c);
	size_t			 i;

	for (i = 0; i <= c->vhosts.n; i++)
		rules_vhost(rs, i, out);
	rules_end(rs, out);
}
