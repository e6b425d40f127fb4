/* cli-live.c: check's live stage: which root is the running system, and
 * the notes about what was skipped (on stderr, so JSON stays clean). */
#include "config.h"

#include <langinfo.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "cli.h"
#include "cli-auto.h"
#include "live.h"
#include "probe.h"
#include "verify.h"
#include "report.h"

int
cli_live(const struct cf_config *c, const char *root, struct vec *findings,
    const struct cli_auto *a)
{
	int			probe = a->probe;
	struct live_opts	lo;
	struct vec		notes = { 0 };
	size_t			i;

	lo.live = live_is_running_root(root);
	if (probe && !lo.live) {
		fprintf(stderr, "vhostfix: --probe asks the running backends: "
		    "check on the running system (--root /) only\n");
		return EXIT_USAGE;
	}
	lo.logs = 1;
	lo.timeout_ms = 2000;
	live_run(c, &lo, findings, &notes);
	if (probe)
		probe_findings(c, findings, 2000, &notes);
	/* -q: a cron job mails nothing while all is well, notes neither */
	for (i = 0; !a->quiet && i < notes.n; i++) {
		char	*s = report_inert(notes.v[i]);

		fprintf(stderr, "vhostfix: note: %s\n", s);
		free(s);
	}
	vec_free_all(&notes, free);
	return 0;
}

static void
probe_json(struct buf *b, const struct cf_vhost *v,
    const struct probe_result *r)
{
	buf_addc(b, '{');
	report_json_field(b, "vhost", conf_vhost_name(v));
	report_json_node(b, r->node);
	report_json_field(b, "backend", r->backend);
	report_json_field(b, "path", r->visitor_path);
	report_json_field(b, "backend_path", r->backend_path);
	report_json_field(b, "host", r->host_header);
	report_json_field(b, "x_forwarded_proto", r->xfp);
	buf_printf(b, ",\"status\":%d", r->resp.status);
	report_json_field(b, "location", r->resp.location);
	report_json_field(b, "server", r->resp.server);
	report_json_field(b, "error", r->resp.error);
	report_json_field(b, "visitor_location_now", r->visitor_now);
	report_json_field(b, "visitor_location_after", r->visitor_after);
	buf_addc(b, '}');
}

static void
probe_text(const struct cf_vhost *v, const struct probe_result *r)
{
	char	*name = report_inert(conf_vhost_name(v));
	char	*file = report_inert(r->node->file->path);
	char	*be = report_inert(r->backend);
	char	*vp = report_inert(r->visitor_path);
	char	*bp = report_inert(r->backend_path);
	char	*h = report_inert(r->host_header);

	printf("%s %s:%u: %s %s\n", name, file, r->node->line, vp, be);
	printf("    GET %s  Host: %s%s%s\n", bp, h, r->xfp ?
	    "  X-Forwarded-Proto: " : "", r->xfp ? r->xfp : "");
	if (r->resp.error != NULL) {
		char	*e = report_inert(r->resp.error);

		printf("    no answer: %s\n", e);
		free(e);
	} else {
		char	*l = report_inert(r->resp.location ?
			    r->resp.location : "-");
		char	*s = report_inert(r->resp.server ?
			    r->resp.server : "-");

		printf("    -> %d  Location: %s  Server: %s\n",
		    r->resp.status, l, s);
		if (r->visitor_now != NULL) {
			char	*n = report_inert(r->visitor_now);
			char	*a = report_inert(r->visitor_after ?
				    r->visitor_after : "-");

			printf("    the visitor is sent to %s now, to %s "
			    "after the fix\n", n, a);
			free(n);
			free(a);
		}
		free(l);
		free(s);
	}
	free(name);
	free(file);
	free(be);
	free(vp);
	free(bp);
	free(h);
}

/* "app.example.com (*:443)": certbot's pair shares the name. */
static char *
vhost_heading(const struct cf_vhost *v)
{
	char	*h = v->naddrs > 0 ? xasprintf("%s (%s)", conf_vhost_name(v),
		    v->addrs[0]) : xstrdup(conf_vhost_name(v));
	char	*s = report_inert(h);

	free(h);
	return s;
}

/* probe and verify: the running system's configuration and the vhosts
 * named.  EXIT_CLEAN, or EXIT_USAGE after a message (nothing to free). */
static int
load_selected(const struct cf_opts *load, const char *cmd, const char *asks,
    char **names, int n, const char *path, struct cf_config **cp,
    struct vec *sel)
{
	char	*err = NULL;
	int	 rc = EXIT_CLEAN;

	if (n == 0) {
		fprintf(stderr, "vhostfix: %s needs VHOST...\n", cmd);
		return EXIT_USAGE;
	}
	if (path != NULL && path[0] != '/') {
		fprintf(stderr, "vhostfix: --path takes a path starting with "
		    "/, not '%s'\n", path);
		return EXIT_USAGE;
	}
	if (!live_is_running_root(load->root)) {
		fprintf(stderr, "vhostfix: %s asks %s: it needs the running "
		    "system (--root /)\n", cmd, asks);
		return EXIT_USAGE;
	}
	if (conf_load(load, cp, &err) != 0) {
		char	*s = report_inert(err);

		fprintf(stderr, "vhostfix: %s\n", s);
		free(s);
		free(err);
		return EXIT_USAGE;
	}
	if (cli_select_vhosts(*cp, names, n, sel) != 0) {
		rc = EXIT_USAGE;
		vec_free(sel);
		conf_free(*cp);
	}
	return rc;
}

int
cli_probe(const struct cf_opts *load, char **names, int n, const char *path,
    int json)
{
	struct cf_config	*c;
	struct vec		 sel = { 0 }, res = { 0 };
	struct buf		 b = { 0 };
	size_t			 i, j, nprobes = 0;
	int			 rc;

	if ((rc = load_selected(load, "probe", "the running backends", names,
	    n, path, &c, &sel)) != EXIT_CLEAN)
		return rc;
	if (json)
		buf_adds(&b, "{\"probes\":[");
	for (i = 0; i < sel.n; i++) {
		probe_vhost(c, sel.v[i], path, 2000, &res);
		for (j = 0; j < res.n; j++) {
			struct probe_result	*r = res.v[j];

			if (json && nprobes++ > 0)
				buf_addc(&b, ',');
			if (json)
				probe_json(&b, sel.v[i], r);
			else
				probe_text(sel.v[i], r);
			if (r->resp.error != NULL)
				rc = EXIT_FINDINGS;
		}
		if (res.n == 0 && !json) {
			char	*s = vhost_heading(sel.v[i]);

			fprintf(stderr, "vhostfix: %s: no http backend to "
			    "probe%s\n", s, path ? " for that path" : "");
			free(s);
		}
		vec_free_all(&res, probe_result_free);
	}
	if (json) {
		buf_adds(&b, "]}\n");
		fputs(b.data, stdout);
	}
	buf_free(&b);
	vec_free(&sel);
	conf_free(c);
	return rc;
}

/* ✓ and ✗ where the terminal's character set has them. */
static const char *
mark(int ok)
{
	const char	*cs = nl_langinfo(CODESET);
	int		 utf8 = cs != NULL && (strcasecmp(cs, "UTF-8") == 0 ||
			    strcasecmp(cs, "utf8") == 0);

	if (utf8)
		return ok ? "\xe2\x9c\x93" : "\xe2\x9c\x97";
	return ok ? "ok" : "FAIL";
}

int
cli_verify(const struct cf_opts *load, char **names, int n)
{
	struct cf_config	*c;
	struct vec		 sel = { 0 }, out = { 0 };
	struct vf_opts		 vo;
	size_t			 i, j;
	int			 rc, failed;

	if ((rc = load_selected(load, "verify", "the running Apache", names,
	    n, NULL, &c, &sel)) != EXIT_CLEAN)
		return rc;
	memset(&vo, 0, sizeof vo);
	for (i = 0; i < sel.n; i++) {
		char	*err = NULL, *s;
		int	 seen = 0;

		/* Names overlap (certbot's pair shares one): once each. */
		for (j = 0; j < i && !seen; j++)
			seen = sel.v[j] == sel.v[i];
		if (seen)
			continue;
		failed = verify_vhost(c, sel.v[i], NULL, &vo, &out, &err);
		s = vhost_heading(sel.v[i]);
		printf("%s:\n", s);
		free(s);
		if (failed == 0 && out.n == 0)
			printf("    nothing to check: no ProxyPass to an http "
			    "backend\n");
		if (failed < 0) {
			s = report_inert(err ? err : "no answer");
			printf("    %s %s\n", mark(0), s);
			free(s);
		}
		for (j = 0; j < out.n; j++) {
			const struct vf_check	*k = out.v[j];
			char	*w = report_inert(k->what);
			char	*g = report_inert(k->got ? k->got : "-");
			char	*p = report_inert(k->want ? k->want : "-");

			printf("    %s %s: %s%s%s\n", mark(k->ok), w, g,
			    k->ok ? "" : ", predicted ", k->ok ? "" : p);
			free(w);
			free(g);
			free(p);
		}
		if (failed != 0)
			rc = EXIT_FINDINGS;
		free(err);
		vec_free_all(&out, vf_check_free);
	}
	if (rc == EXIT_FINDINGS) {
		char	*ro = report_inert(load->root ? load->root : "/");
		int	 other = strcmp(ro, "/") != 0;

		printf("to undo the last fix: vhostfix %s%s%srollback\n",
		    other ? "--root " : "", other ? ro : "", other ? " " : "");
		free(ro);
	}
	vec_free(&sel);
	conf_free(c);
	return rc;
}

void
cli_verify_after_fix(const struct cf_opts *load, const struct vec *vhosts)
{
	char	**names = xcalloc(vhosts->n + 1, sizeof *names);
	size_t	  i;

	if (!live_is_running_root(load->root)) {
		free(names);
		return;
	}
	/* By NAME:PORT (the reload may have moved lines; a name alone also
	 * selects the other vhost of certbot's pair), else FILE:LINE. */
	for (i = 0; i < vhosts->n; i++) {
		const struct cf_vhost	*v = vhosts->v[i];

		names[i] = v->server_name && v->port > 0 ?
		    xasprintf("%s:%d", v->server_name, v->port) :
		    v->server_name ? xstrdup(v->server_name) :
		    xasprintf("%s:%u", v->node->file->path, v->node->line);
	}
	fprintf(stderr, "vhostfix: verifying the reloaded Apache:\n");
	fflush(stderr);
	if (vhosts->n > 0)
		cli_verify(load, names, (int)vhosts->n);
	for (i = 0; i < vhosts->n; i++)
		free(names[i]);
	free(names);
}

int
cli_reload_refused(const char *root, int reload, const char *reload_cmd)
{
	char	*r;

	/* Without its own command, a reload reloads this machine's Apache:
	 * only right when the tree is this machine's configuration. */
	if (!reload || reload_cmd != NULL || live_is_running_root(root))
		return 0;
	r = report_inert(root);
	fprintf(stderr, "vhostfix: --reload would reload this machine's "
	    "Apache, which does not run the tree under %s; give --reload-cmd "
	    "for the Apache that does\nTry 'vhostfix --help'.\n", r);
	free(r);
	return EXIT_USAGE;
}
