/* explain-out.c: an explained request as text for a sysadmin, or as JSON
 * (explain.h).  Everything taken from configuration files goes through
 * report_inert() (text) or report_json_string() (JSON). */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "explain.h"
#include "report.h"

static const char *const handler_names[] = {
	[EX_FILES] = "files",
	[EX_PROXY] = "proxy",
	[EX_REDIRECT] = "redirect",
	[EX_ALIAS] = "alias",
	[EX_STATUS] = "status",
	[EX_UNKNOWN] = "unknown",
};

#define XFF_CLIENT "<visitor address>"

/* X-Forwarded-For as the backend gets it: the client's, then (unless
 * ProxyAddHeaders Off) the visitor's address.  NULL: none.  Caller
 * frees. */
static char *
xff_value(const struct ex_result *r)
{
	if (!r->add_headers)
		return r->h_xff ? xstrdup(r->h_xff) : NULL;
	return r->h_xff ? xasprintf("%s, %s", r->h_xff, XFF_CLIENT) :
	    xstrdup(XFF_CLIENT);
}

/* ---- text ---- */

static void
inert(struct buf *b, const char *s)
{
	char	*t = report_inert(s ? s : "");

	buf_adds(b, t);
	free(t);
}

static void
where(struct buf *b, const struct cf_node *n)
{
	if (n == NULL)
		return;
	buf_adds(b, " (");
	inert(b, n->file->path);
	buf_printf(b, ":%u)", n->line);
}

static void
steps(struct buf *b, const struct vec *v, const char *indent)
{
	size_t	i;

	for (i = 0; i < v->n; i++) {
		const struct ex_step	*s = v->v[i];

		buf_adds(b, indent);
		inert(b, s->text);
		where(b, s->node);
		buf_addc(b, '\n');
	}
}

static void
header(struct buf *b, const char *name, const char *v, const char *none)
{
	buf_printf(b, "     %s: ", name);
	if (v != NULL)
		inert(b, v);
	else
		buf_adds(b, none);
	buf_addc(b, '\n');
}

void
explain_text(const struct ex_result *r, struct buf *b)
{
	buf_adds(b, "Request: GET ");
	inert(b, r->url);
	buf_adds(b, "\n  Host: ");
	inert(b, r->host_header);
	buf_printf(b, ", arriving on %s:%d%s\n", r->local_addr ?
	    r->local_addr : "*", r->local_port, r->tls ? " over TLS" : "");

	buf_adds(b, "\n1. Virtual host: ");
	if (r->vhost == NULL)
		buf_adds(b, "the main server");
	else {
		inert(b, r->vhost_name ? r->vhost_name :
		    conf_vhost_name(r->vhost));
		where(b, r->vhost->node);
	}
	buf_addc(b, '\n');
	steps(b, &r->vhost_why, "   ");
	if (r->others.n > 0) {
		buf_adds(b, "   not chosen:\n");
		steps(b, &r->others, "     ");
	}

	buf_adds(b, "\n2. Handled by: ");
	switch (r->handler) {
	case EX_PROXY:
		buf_adds(b, "the proxy");
		break;
	case EX_REDIRECT:
		buf_printf(b, "a redirect (%d) to ", r->status);
		inert(b, r->target);
		break;
	case EX_ALIAS:
		buf_adds(b, "the file ");
		inert(b, r->target);
		break;
	case EX_STATUS:
		buf_adds(b, "an error status ");
		inert(b, r->target);
		break;
	case EX_FILES:
		buf_adds(b, "Apache's files");
		if (r->target != NULL) {
			buf_adds(b, ": ");
			inert(b, r->target);
		} else
			buf_adds(b, " (the DocumentRoot Apache was built "
			    "with)");
		break;
	case EX_UNKNOWN:
		buf_adds(b, "not known: something the model does not cover "
		    "decides (see below)");
		break;
	}
	buf_addc(b, '\n');
	if (r->decided.text != NULL) {
		buf_adds(b, "   ");
		inert(b, r->decided.text);
		where(b, r->decided.node);
		buf_addc(b, '\n');
	}
	if (r->path_why.n > 0) {
		buf_adds(b, "   looked at first:\n");
		steps(b, &r->path_why, "     ");
	}

	if (r->handler == EX_PROXY && r->backend_path != NULL) {
		buf_adds(b, "\n3. Backend: ");
		inert(b, r->backend_url);
		buf_adds(b, "\n   path ");
		inert(b, r->backend_path);
		buf_adds(b, ", through ");
		if (r->worker != NULL) {
			buf_adds(b, "the worker ");
			inert(b, r->worker);
			if (r->worker_shared) {
				buf_adds(b, " of another line, shared");
				where(b, r->worker_node);
			} else
				where(b, r->worker_node);
		} else
			buf_adds(b, "the default reverse-proxy worker "
			    "(no ProxyPass defines one)");
		buf_adds(b, "\n   connects to ");
		if (r->socket != NULL) {
			buf_adds(b, "the Unix socket ");
			inert(b, r->socket);
		} else
			inert(b, r->address);
		buf_adds(b, "\n   the backend receives:\n");
		header(b, "Host", r->h_host, "(none)");
		{
			char	*xff = xff_value(r);

			if (!r->add_headers)
				buf_adds(b, "     (ProxyAddHeaders Off: the "
				    "X-Forwarded-For/-Host/-Server the client "
				    "sent, if any)\n");
			header(b, "X-Forwarded-For", xff, "(none)");
			free(xff);
			header(b, "X-Forwarded-Host", r->h_xfh, "(none)");
			header(b, "X-Forwarded-Server", r->h_xfs, "(none)");
		}
		header(b, "X-Forwarded-Proto", r->xfp_known ? r->h_xfp :
		    "(not known)", "(not sent: the backend assumes http)");
	}
	if (r->backend_location != NULL) {
		buf_adds(b, "\n4. A backend redirect to ");
		inert(b, r->backend_location);
		buf_adds(b, "\n   reaches the visitor as ");
		inert(b, r->visitor_location);
		buf_addc(b, '\n');
		if (r->reverse.text != NULL) {
			buf_adds(b, "   mapped by ");
			inert(b, r->reverse.text);
			where(b, r->reverse.node);
		} else
			buf_adds(b, "   no ProxyPassReverse matches it: it "
			    "goes out unchanged");
		buf_addc(b, '\n');
	}
	if (r->notes.n > 0) {
		buf_adds(b, "\nNot modelled (the steps above may differ):\n");
		steps(b, &r->notes, "   ");
	}
}

/* ---- JSON ---- */

static void
jstep(struct buf *b, const struct ex_step *s)
{
	buf_addc(b, '{');
	report_json_node(b, s->node);
	report_json_field(b, "text", s->text);
	buf_addc(b, '}');
}

static void
jsteps(struct buf *b, const char *key, const struct vec *v)
{
	size_t	i;

	report_json_key(b, key);
	buf_addc(b, '[');
	for (i = 0; i < v->n; i++) {
		if (i)
			buf_addc(b, ',');
		jstep(b, v->v[i]);
	}
	buf_addc(b, ']');
}

/* "key": the step, or null when it has no text. */
static void
jstep_or_null(struct buf *b, const char *key, const struct ex_step *s)
{
	report_json_key(b, key);
	if (s->text == NULL)
		buf_adds(b, "null");
	else
		jstep(b, s);
}

static void
jbackend(struct buf *b, const struct ex_result *r)
{
	char	*xff = xff_value(r);

	buf_addc(b, '{');
	report_json_field(b, "url", r->backend_url);
	report_json_field(b, "path", r->backend_path);
	report_json_field(b, "worker", r->worker);
	report_json_key(b, "worker_defined_at");
	if (r->worker_node == NULL)
		buf_adds(b, "null");
	else {
		buf_addc(b, '{');
		report_json_node(b, r->worker_node);
		buf_addc(b, '}');
	}
	report_json_bool(b, "worker_shared", r->worker_shared);
	report_json_field(b, "socket", r->socket);
	report_json_field(b, "address", r->address);
	report_json_key(b, "headers");
	buf_addc(b, '{');
	report_json_field(b, "Host", r->h_host);
	report_json_field(b, "X-Forwarded-For", xff);
	report_json_field(b, "X-Forwarded-Host", r->h_xfh);
	report_json_field(b, "X-Forwarded-Server", r->h_xfs);
	report_json_field(b, "X-Forwarded-Proto", r->xfp_known ? r->h_xfp :
	    NULL);
	buf_addc(b, '}');
	report_json_bool(b, "x_forwarded_proto_known", r->xfp_known);
	buf_addc(b, '}');
	free(xff);
}

void
explain_json(const struct ex_result *r, struct buf *b)
{
	buf_addc(b, '{');
	report_json_field(b, "url", r->url);
	report_json_field(b, "path", r->path);
	report_json_field(b, "query", r->query);
	report_json_field(b, "host", r->host_header);
	report_json_key(b, "connection");
	buf_addc(b, '{');
	report_json_field(b, "address", r->local_addr);
	buf_printf(b, ",\"port\":%d", r->local_port);
	report_json_bool(b, "tls", r->tls);
	buf_addc(b, '}');

	report_json_key(b, "vhost");
	if (r->vhost == NULL)
		buf_adds(b, "null");
	else {
		buf_addc(b, '{');
		report_json_field(b, "name", r->vhost_name);
		report_json_node(b, r->vhost->node);
		report_json_key(b, "addresses");
		report_json_strings(b, r->vhost->addrs, r->vhost->naddrs);
		buf_addc(b, '}');
	}
	jsteps(b, "vhost_why", &r->vhost_why);
	jsteps(b, "others", &r->others);

	report_json_field(b, "handler", handler_names[r->handler]);
	jstep_or_null(b, "decided_by", &r->decided);
	jsteps(b, "path_why", &r->path_why);
	report_json_field(b, "target", r->target);
	if (r->status)
		buf_printf(b, ",\"status\":%d", r->status);
	else
		buf_adds(b, ",\"status\":null");

	report_json_key(b, "backend");
	if (r->handler != EX_PROXY || r->backend_path == NULL)
		buf_adds(b, "null");
	else
		jbackend(b, r);

	report_json_key(b, "redirect");
	if (r->backend_location == NULL)
		buf_adds(b, "null");
	else {
		buf_addc(b, '{');
		report_json_field(b, "backend_location", r->backend_location);
		report_json_field(b, "visitor_location", r->visitor_location);
		jstep_or_null(b, "mapped_by", &r->reverse);
		buf_addc(b, '}');
	}
	jsteps(b, "not_modelled", &r->notes);
	buf_adds(b, "}\n");
}
