/* cli-live.c: check's live stage: which root is the running system, and
 * the notes about what was skipped (on stderr, so JSON stays clean). */
#include "config.h"

#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "live.h"
#include "probe.h"
#include "report.h"

/* The live system is --root / (or no --root).  A test harness that runs a
 * real apache2 with -d ROOT/etc/apache2, whose configuration names this
 * machine's sockets and log files, declares that ROOT live with
 * VHOSTFIX_LIVE_ROOT=ROOT: only that exact directory is then treated as
 * the running system. */
int
cli_root_is_live(const char *root)
{
	const char	*decl = getenv("VHOSTFIX_LIVE_ROOT");
	char		*a, *b;
	int		 live = 0;

	if (root == NULL || *root == '\0')
		return 1;
	if ((a = realpath(root, NULL)) == NULL)
		return 0;
	if (strcmp(a, "/") == 0)
		live = 1;
	else if (decl != NULL && *decl != '\0' &&
	    (b = realpath(decl, NULL)) != NULL) {
		live = strcmp(a, b) == 0;
		free(b);
	}
	free(a);
	return live;
}

void
cli_live(const struct cf_config *c, const char *root, struct vec *findings)
{
	struct live_opts	lo;
	struct vec		notes = { 0 };
	size_t			i;

	lo.live = cli_root_is_live(root);
	lo.logs = 1;
	lo.timeout_ms = 2000;
	live_run(c, &lo, findings, &notes);
	for (i = 0; i < notes.n; i++) {
		char	*s = report_inert(notes.v[i]);

		fprintf(stderr, "vhostfix: note: %s\n", s);
		free(s);
	}
	vec_free_all(&notes, free);
}

static void
probe_json(struct buf *b, const struct cf_vhost *v,
    const struct probe_result *r)
{
	buf_adds(b, b->len > 12 ? ",{\"vhost\":" : "{\"vhost\":");
	report_json_string(b, conf_vhost_name(v));
	buf_adds(b, ",\"file\":");
	report_json_string(b, r->node->file->path);
	buf_printf(b, ",\"line\":%u,\"backend\":", r->node->line);
	report_json_string(b, r->backend);
	buf_adds(b, ",\"path\":");
	report_json_string(b, r->visitor_path);
	buf_adds(b, ",\"backend_path\":");
	report_json_string(b, r->backend_path);
	buf_adds(b, ",\"host\":");
	report_json_string(b, r->host_header);
	buf_adds(b, ",\"x_forwarded_proto\":");
	report_json_string_or_null(b, r->xfp);
	buf_printf(b, ",\"status\":%d,\"location\":", r->resp.status);
	report_json_string_or_null(b, r->resp.location);
	buf_adds(b, ",\"server\":");
	report_json_string_or_null(b, r->resp.server);
	buf_adds(b, ",\"error\":");
	report_json_string_or_null(b, r->resp.error);
	buf_adds(b, ",\"visitor_location_now\":");
	report_json_string_or_null(b, r->visitor_now);
	buf_adds(b, ",\"visitor_location_after\":");
	report_json_string_or_null(b, r->visitor_after);
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

int
cli_probe(const struct cf_opts *load, char **names, int n, const char *path,
    int json)
{
	struct cf_config	*c;
	struct vec		 sel = { 0 }, res = { 0 };
	struct buf		 b = { 0 };
	char			*err = NULL;
	size_t			 i, j;
	int			 k, rc = EXIT_CLEAN;

	if (n == 0) {
		fprintf(stderr, "vhostfix: probe needs VHOST...\n");
		return EXIT_USAGE;
	}
	if (!cli_root_is_live(load->root)) {
		fprintf(stderr, "vhostfix: probe asks the running backends: "
		    "it needs the running system (--root /)\n");
		return EXIT_USAGE;
	}
	if (conf_load(load, &c, &err) != 0) {
		char	*s = report_inert(err);

		fprintf(stderr, "vhostfix: %s\n", s);
		free(s);
		free(err);
		return EXIT_USAGE;
	}
	for (k = 0; k < n; k++)
		if (conf_find_vhosts(c, names[k], &sel) == 0) {
			char	*s = report_inert(names[k]);

			fprintf(stderr, "vhostfix: unknown vhost '%s'; "
			    "'vhostfix list' shows them\n", s);
			free(s);
			rc = EXIT_USAGE;
		}
	if (json)
		buf_adds(&b, "{\"probes\":[");
	for (i = 0; rc == EXIT_CLEAN && i < sel.n; i++) {
		probe_vhost(c, sel.v[i], path, 2000, &res);
		for (j = 0; j < res.n; j++) {
			struct probe_result	*r = res.v[j];

			if (json)
				probe_json(&b, sel.v[i], r);
			else
				probe_text(sel.v[i], r);
			if (r->resp.error != NULL)
				rc = EXIT_FINDINGS;
		}
		if (res.n == 0 && !json)
			fprintf(stderr, "vhostfix: %s: no http backend to "
			    "probe%s\n", conf_vhost_name(sel.v[i]), path ?
			    " for that path" : "");
		vec_free_all(&res, probe_result_free);
	}
	if (json && rc != EXIT_USAGE) {
		buf_adds(&b, "]}\n");
		fputs(b.data, stdout);
	}
	buf_free(&b);
	vec_free(&sel);
	conf_free(c);
	return rc;
}
