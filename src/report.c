/* report.c: what check and list print.
 *
 * Text: one line per finding in the compiler convention editors and grep
 * understand, "FILE:LINE: SEVERITY: message [rule]", suggested lines
 * indented below it, and a summary.  JSON: the document described in the
 * README (version 1).  Every string that came from a configuration file is
 * made inert: a ServerName holding escape sequences must not drive the
 * terminal. */
#include "config.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "errlog.h"
#include "report.h"

static size_t
utf8_len(const unsigned char *s)
{
	size_t	n, i;
	uint32_t cp;

	if (s[0] < 0x80)
		return 1;
	if ((s[0] & 0xe0) == 0xc0)
		n = 2, cp = s[0] & 0x1f;
	else if ((s[0] & 0xf0) == 0xe0)
		n = 3, cp = s[0] & 0x0f;
	else if ((s[0] & 0xf8) == 0xf0)
		n = 4, cp = s[0] & 0x07;
	else
		return 0;
	for (i = 1; i < n; i++) {
		if ((s[i] & 0xc0) != 0x80)
			return 0;
		cp = (cp << 6) | (s[i] & 0x3f);
	}
	if ((n == 2 && cp < 0x80) || (n == 3 && cp < 0x800) ||
	    (n == 4 && (cp < 0x10000 || cp > 0x10ffff)) ||
	    (cp >= 0xd800 && cp <= 0xdfff))
		return 0;
	return n;
}

void
report_json_string(struct buf *b, const char *s)
{
	const unsigned char	*p = (const unsigned char *)s;

	buf_addc(b, '"');
	while (*p != '\0') {
		size_t	n = utf8_len(p);

		if (n == 0) {
			buf_adds(b, "\\ufffd");
			p++;
		} else if (*p == '"' || *p == '\\') {
			buf_addc(b, '\\');
			buf_addc(b, (char)*p++);
		} else if (*p < 0x20 || *p == 0x7f) {
			buf_printf(b, "\\u%04x", *p++);
		} else if (n == 2 && p[0] == 0xc2 && p[1] < 0xa0) {
			/* C1 controls too: JSON often ends up on a terminal,
			 * where U+009B acts as CSI. */
			buf_printf(b, "\\u%04x", p[1]);
			p += 2;
		} else {
			buf_add(b, p, n);
			p += n;
		}
	}
	buf_addc(b, '"');
}

char *
report_inert(const char *s)
{
	struct buf		 b = { 0 };
	const unsigned char	*p = (const unsigned char *)s;

	/* Plain printable ASCII (and tabs), the usual case, is inert. */
	while ((*p >= 0x20 && *p < 0x7f) || *p == '\t')
		p++;
	if (*p == '\0')
		return xstrdup(s);
	buf_add(&b, s, (size_t)((const char *)p - s));
	while (*p != '\0') {
		size_t	n = utf8_len(p);

		if (n == 0)
			buf_printf(&b, "\\x%02x", *p++);
		else if (*p == '\t')
			buf_addc(&b, (char)*p++);
		else if (*p < 0x20 || *p == 0x7f)
			buf_printf(&b, "\\x%02x", *p++);
		else if (n == 2 && p[0] == 0xc2 && p[1] < 0xa0) {
			/* C1 controls (U+0080..U+009F) act as escapes on
			 * some terminals. */
			buf_printf(&b, "\\u%04x", p[1]);
			p += 2;
		} else {
			buf_add(&b, p, n);
			p += n;
		}
	}
	if (b.data == NULL)
		return xstrdup("");
	return buf_steal(&b);
}

void
report_json_string_or_null(struct buf *b, const char *s)
{
	if (s == NULL)
		buf_adds(b, "null");
	else
		report_json_string(b, s);
}

void
report_json_key(struct buf *b, const char *key)
{
	if (b->len > 0 && b->data[b->len - 1] != '{')
		buf_addc(b, ',');
	buf_printf(b, "\"%s\":", key);
}

void
report_json_field(struct buf *b, const char *key, const char *s)
{
	report_json_key(b, key);
	report_json_string_or_null(b, s);
}

void
report_json_bool(struct buf *b, const char *key, int v)
{
	report_json_key(b, key);
	buf_adds(b, v ? "true" : "false");
}

void
report_json_strings(struct buf *b, char *const *v, size_t n)
{
	size_t	i;

	buf_addc(b, '[');
	for (i = 0; i < n; i++) {
		if (i)
			buf_addc(b, ',');
		report_json_string(b, v[i]);
	}
	buf_addc(b, ']');
}

void
report_json_node(struct buf *b, const struct cf_node *n)
{
	report_json_field(b, "file", n ? n->file->path : NULL);
	report_json_key(b, "line");
	if (n != NULL)
		buf_printf(b, "%u", n->line);
	else
		buf_adds(b, "null");
}

void
report_json_finding_head(struct buf *b, const struct finding *f)
{
	report_json_field(b, "rule", f->rule->id);
	report_json_field(b, "severity", sev_name(f->sev));
	report_json_field(b, "file", f->path);
	report_json_key(b, "line");
	buf_printf(b, "%u", f->line);
}

/* "evidence": the error log's lines about a finding, one object per kind
 * of failure (code, errno, backend). */
static void
json_evidence(struct buf *b, const struct vec *ev)
{
	size_t	i;

	buf_adds(b, ",\"evidence\":[");
	for (i = 0; i < ev->n; i++) {
		const struct el_event	*e = ev->v[i];

		buf_adds(b, i ? ",{" : "{");
		report_json_field(b, "log", e->log);
		report_json_field(b, "code", e->code);
		buf_printf(b, ",\"errno\":%d", e->err);
		report_json_field(b, "error", e->errtext);
		report_json_field(b, "backend", e->backend);
		report_json_field(b, "address", e->addr);
		buf_printf(b, ",\"count\":%lu", e->count);
		report_json_field(b, "first", e->first[0] ? e->first : NULL);
		report_json_field(b, "last", e->last[0] ? e->last : NULL);
		report_json_bool(b, "debug", e->debug);
		report_json_field(b, "sample", e->sample);
		buf_addc(b, '}');
	}
	buf_addc(b, ']');
}

static void
json_finding(struct buf *b, const struct finding *f)
{
	buf_addc(b, '{');
	report_json_finding_head(b, f);
	report_json_field(b, "message", f->message);
	report_json_key(b, "suggestion");
	report_json_strings(b, (char *const *)f->suggest.v, f->suggest.n);
	if (f->preview != NULL) {
		report_json_key(b, "preview");
		buf_addc(b, '{');
		report_json_field(b, "backend_location",
		    f->preview->backend_location);
		report_json_field(b, "visitor_location_before",
		    f->preview->visitor_before);
		report_json_field(b, "visitor_location_after",
		    f->preview->visitor_after);
		if (f->preview->probed)
			report_json_bool(b, "probed", 1);
		buf_addc(b, '}');
	}
	if (f->evidence.n > 0)
		json_evidence(b, &f->evidence);
	buf_addc(b, '}');
}

int
report_selected(const struct vec *sel, const struct cf_vhost *v)
{
	size_t	i;

	if (sel == NULL)
		return 1;
	for (i = 0; i < sel->n; i++)
		if (sel->v[i] == v)
			return 1;
	return 0;
}

/* The findings of vhost v (NULL: of no vhost) as a JSON array, counted
 * by severity. */
static void
json_findings(struct buf *b, const struct vec *fs, const struct cf_vhost *v,
    size_t *counts)
{
	size_t	j, k;

	report_json_key(b, "findings");
	buf_addc(b, '[');
	for (j = 0, k = 0; j < fs->n; j++) {
		const struct finding	*f = fs->v[j];

		if (f->vhost != v)
			continue;
		if (k++)
			buf_addc(b, ',');
		json_finding(b, f);
		counts[f->sev]++;
	}
	buf_addc(b, ']');
}

static void
print_json(FILE *fp, const struct cf_config *c, const struct vec *fs,
    const struct vec *sel, const struct report_opts *o)
{
	struct buf	b = { 0 };
	size_t		i, counts[3] = { 0 };
	int		first;

	buf_adds(&b, "{\"version\":1");
	report_json_field(&b, "root", c->root);
	report_json_field(&b, "config", c->main_config);
	buf_adds(&b, ",\"vhosts\":[");
	first = 1;
	for (i = 0; i < c->vhosts.n; i++) {
		struct cf_vhost	*v = c->vhosts.v[i];

		if (!report_selected(sel, v))
			continue;
		if (!first)
			buf_addc(&b, ',');
		first = 0;
		buf_addc(&b, '{');
		report_json_node(&b, v->node);
		report_json_key(&b, "addresses");
		report_json_strings(&b, v->addrs, v->naddrs);
		report_json_field(&b, "server_name", v->server_name);
		report_json_key(&b, "aliases");
		report_json_strings(&b, v->aliases, v->naliases);
		report_json_bool(&b, "tls", v->tls);
		if (o->findings)
			json_findings(&b, fs, v, counts);
		buf_addc(&b, '}');
	}
	buf_addc(&b, ']');
	if (o->findings) {
		json_findings(&b, fs, NULL, counts);
		buf_printf(&b, ",\"summary\":{\"errors\":%zu,\"warnings\":%zu,"
		    "\"infos\":%zu}", counts[SEV_ERROR], counts[SEV_WARNING],
		    counts[SEV_INFO]);
	}
	buf_adds(&b, "}\n");
	fputs(b.data, fp);
	buf_free(&b);
}

static const char *const sev_color[] = {
	[SEV_INFO] = "\033[36m",
	[SEV_WARNING] = "\033[33m",
	[SEV_ERROR] = "\033[31m",
};

/* Does an unchanged Location point somewhere else than the vhost's own
 * names (the backend's address)? */
static int
leaks(const struct finding *f)
{
	const char		*h = strstr(f->preview->backend_location, "://");
	const struct cf_vhost	*v = f->vhost;
	size_t			 n, i;

	if (h == NULL || v == NULL)
		return 1;
	h += 3;
	n = strcspn(h, ":/");
	if (v->server_name != NULL && strlen(v->server_name) == n &&
	    strncasecmp(h, v->server_name, n) == 0)
		return 0;
	for (i = 0; i < v->naliases; i++)
		if (strlen(v->aliases[i]) == n &&
		    strncasecmp(h, v->aliases[i], n) == 0)
			return 0;
	return 1;
}

/* "Apache logged 37 x AH02454 (13 Permission denied) for /run/app.sock
 * from ... to ...", then the newest such line. */
static void
print_evidence(FILE *fp, const struct vec *ev)
{
	size_t	i;

	for (i = 0; i < ev->n; i++) {
		const struct el_event	*e = ev->v[i];
		char			*b = report_inert(e->backend);
		char			*l = report_inert(e->log ? e->log : "-");
		char			*t = report_inert(e->errtext ?
					    e->errtext : "");

		fprintf(fp, "    evidence: Apache logged %lu x %s", e->count,
		    e->code);
		if (e->errtext != NULL) {
			if (e->err != 0)
				fprintf(fp, " (%d %s)", e->err, t);
			else
				fprintf(fp, " (%s)", t);
		}
		fprintf(fp, " for %s%s from %s to %s in %s\n", b,
		    e->debug ? " (at LogLevel debug)" : "", e->first,
		    e->last, l);
		free(b);
		b = report_inert(e->sample ? e->sample : "");
		fprintf(fp, "      %s\n", b);
		free(b);
		free(l);
		free(t);
	}
}

static void
print_finding(FILE *fp, const struct finding *f, int color)
{
	char	*path = report_inert(f->path ? f->path : "-");
	char	*msg = report_inert(f->message);
	size_t	 i;

	fprintf(fp, "%s%s:%u:%s %s%s:%s %s [%s]\n", color ? "\033[1m" : "",
	    path, f->line, color ? "\033[0m" : "", color ? sev_color[f->sev] :
	    "", sev_name(f->sev), color ? "\033[0m" : "", msg, f->rule->id);
	for (i = 0; i < f->suggest.n; i++) {
		char	*s = report_inert(f->suggest.v[i]);

		fprintf(fp, "    %s%s%s\n", color ? "\033[32m" : "", s,
		    color ? "\033[0m" : "");
		free(s);
	}
	if (f->preview != NULL) {
		char	*bl = report_inert(f->preview->backend_location);
		char	*vb = report_inert(f->preview->visitor_before);
		char	*va = f->preview->visitor_after ?
		    report_inert(f->preview->visitor_after) : NULL;

		fprintf(fp, "    redirect%s: backend sends Location: %s -> "
		    "visitor goes to %s%s\n", f->preview->probed ?
		    " (asked the backend)" : "", bl, vb, strcmp(bl, vb) != 0 ?
		    "" : leaks(f) ? " (leaks the backend address)" :
		    " (unchanged)");
		if (va != NULL)
			fprintf(fp, "    after the fix: visitor goes to %s\n",
			    va);
		free(bl);
		free(vb);
		free(va);
	}
	print_evidence(fp, &f->evidence);
	free(path);
	free(msg);
}

/* Vhost i has no ServerName: is it the first vhost on each of its
 * addresses, the one Apache gives a request no other name matches? */
static int
list_first_on(const struct cf_config *c, size_t i)
{
	const struct cf_vhost	*v = c->vhosts.v[i];
	size_t			 k, a, b;

	for (k = 0; k < i; k++) {
		const struct cf_vhost	*w = c->vhosts.v[k];

		for (a = 0; a < v->naddrs; a++)
			for (b = 0; b < w->naddrs; b++)
				if (strcmp(v->addrs[a], w->addrs[b]) == 0)
					return 0;
	}
	return 1;
}

static void
print_list(FILE *fp, const struct cf_config *c, const struct vec *sel)
{
	size_t	i, j;

	fprintf(fp, "%-30s %-16s %s\n", "NAME", "ADDRESS", "FILE:LINE");
	for (i = 0; i < c->vhosts.n; i++) {
		struct cf_vhost	*v = c->vhosts.v[i];
		struct buf	 addrs = { 0 };
		char		*name, *a, *path;

		if (!report_selected(sel, v))
			continue;
		for (j = 0; j < v->naddrs; j++)
			buf_printf(&addrs, "%s%s", j ? " " : "", v->addrs[j]);
		name = report_inert(v->server_name != NULL ? v->server_name :
		    list_first_on(c, i) ? "(default vhost)" :
		    "(no ServerName)");
		a = report_inert(addrs.data ? addrs.data : "");
		path = report_inert(v->node->file->path);
		fprintf(fp, "%-30s %-16s %s:%u%s\n", name, a, path,
		    v->node->line, v->tls ? "  tls" : "");
		free(name);
		free(a);
		free(path);
		buf_free(&addrs);
	}
}

void
report_print(FILE *fp, const struct cf_config *c, const struct vec *fs,
    const struct vec *sel, const struct report_opts *o)
{
	size_t	i, counts[3] = { 0 }, nv = 0;

	if (o->json) {
		print_json(fp, c, fs, sel, o);
		return;
	}
	if (!o->findings) {
		print_list(fp, c, sel);
		return;
	}
	for (i = 0; i < fs->n; i++) {
		const struct finding	*f = fs->v[i];

		if (f->vhost != NULL && !report_selected(sel, f->vhost))
			continue;
		print_finding(fp, f, o->color);
		counts[f->sev]++;
	}
	if (o->no_summary)
		return;
	for (i = 0; i < c->vhosts.n; i++)
		if (report_selected(sel, c->vhosts.v[i]))
			nv++;
	fprintf(fp, "%zu error%s, %zu warning%s, %zu info%s in %zu vhost%s "
	    "(%zu file%s read)\n", counts[SEV_ERROR],
	    counts[SEV_ERROR] == 1 ? "" : "s", counts[SEV_WARNING],
	    counts[SEV_WARNING] == 1 ? "" : "s", counts[SEV_INFO],
	    counts[SEV_INFO] == 1 ? "" : "s", nv, nv == 1 ? "" : "s",
	    c->files.n, c->files.n == 1 ? "" : "s");
}
