/* cli-explain.c: "vhostfix explain URL": load the tree, explain the
 * request (explain.c), print the text or the JSON. */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>

#include "cli.h"
#include "explain.h"
#include "report.h"

int
cli_explain(const struct cf_opts *load, const char *url, int json,
    const struct cli_explain *o)
{
	struct cf_config	*c;
	struct ex_request	 q = { 0 };
	struct ex_result	 r;
	struct buf		 b = { 0 };
	char			*err = NULL, *s;

	if (conf_load(load, &c, &err) != 0) {
		s = report_inert(err);
		fprintf(stderr, "vhostfix: %s\n", s);
		free(s);
		free(err);
		return EXIT_USAGE;
	}
	q.url = url;
	q.via = o->via;
	q.headers = (const char **)o->headers.v;
	q.nheaders = o->headers.n;
	q.location = o->location;
	if (explain_request(c, &q, &r, &err) != 0) {
		s = report_inert(err);
		fprintf(stderr, "vhostfix: explain: %s\n", s);
		free(s);
		free(err);
		conf_free(c);
		return EXIT_USAGE;
	}
	if (json)
		explain_json(&r, &b);
	else
		explain_text(&r, &b);
	if (b.len > 0)
		fwrite(b.data, 1, b.len, stdout);
	buf_free(&b);
	explain_free(&r);
	conf_free(c);
	return EXIT_CLEAN;
}
