/* fixreport.c: what a fix leaves to a human (grouped by rule), and the
 * JSON document of "fix --format json".
 *
 * The grouping is why `fix --all` stays readable on a hosting server: one
 * missing socket per vhost is one line with a count, not a line per
 * vhost. */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "fixreport.h"
#include "report.h"

void
fixrep_left(const struct cf_config *c, const struct vec *fs,
    const struct vec *sel, struct vec *out)
{
	char	*mine = xcalloc(c->vhosts.n + 1, 1);
	size_t	 i;

	/* Marks by Apache index: a scan of sel per finding made 20,000
	 * vhosts quadratic. */
	for (i = 0; i < sel->n; i++) {
		const struct cf_vhost	*v = sel->v[i];

		if (v->index >= 0 && (size_t)v->index < c->vhosts.n)
			mine[v->index] = 1;
	}
	for (i = 0; i < fs->n; i++) {
		const struct finding	*f = fs->v[i];
		int			 in;

		if (f->vhost == NULL)
			in = 1;	/* parse errors, the server config's */
		else
			in = f->vhost->index >= 0 &&
			    (size_t)f->vhost->index < c->vhosts.n &&
			    mine[f->vhost->index];
		if (in && !f->fixable)
			vec_push(out, (void *)f);
	}
	free(mine);
}

static void
print_one(FILE *fp, const struct finding *f)
{
	char	*path = report_inert(f->path ? f->path : "-");
	char	*m = report_inert(f->message);
	size_t	 k;

	fprintf(fp, "vhostfix: not fixed automatically: %s:%u: %s [%s]\n",
	    path, f->line, m, f->rule->id);
	free(m);
	free(path);
	for (k = 0; k < f->suggest.n; k++) {
		m = report_inert(f->suggest.v[k]);
		fprintf(fp, "    %s\n", m);
		free(m);
	}
}

/* The rules of the findings in left, in order of first appearance, into
 * rules, with their counts into count (both room for left->n).  Returns
 * how many. */
static size_t
count_rules(const struct vec *left, const char **rules, size_t *count)
{
	size_t	nr = 0, i, j;

	for (i = 0; i < left->n; i++) {
		const struct finding	*f = left->v[i];

		for (j = 0; j < nr && strcmp(rules[j], f->rule->id) != 0; j++)
			;
		if (j == nr)
			rules[nr++] = f->rule->id;
		count[j]++;
	}
	return nr;
}

void
fixrep_print_left(FILE *fp, const struct vec *left,
    const struct fixrep_text *o)
{
	const char	**rules = xcalloc(left->n + 1, sizeof *rules);
	size_t		 *count = xcalloc(left->n + 1, sizeof *count);
	size_t		  nr = count_rules(left, rules, count), i, j, k;
	int		  root = o->root != NULL && strcmp(o->root, "/") != 0;
	char		 *r = root ? report_inert(o->root) : NULL;

	for (j = 0; j < nr; j++) {
		const struct finding	*first = NULL;

		if (count[j] <= o->examples) {
			for (i = 0; i < left->n; i++)
				if (strcmp(((const struct finding *)
				    left->v[i])->rule->id, rules[j]) == 0)
					print_one(fp, left->v[i]);
			continue;
		}
		fprintf(fp, "vhostfix: not fixed automatically: %zu %s %s, "
		    "e.g. ", count[j], o->utf8 ? "\xc3\x97" : "x", rules[j]);
		for (i = 0, k = 0; i < left->n && k < o->examples; i++) {
			const struct finding	*f = left->v[i];
			char			*p;

			if (strcmp(f->rule->id, rules[j]) != 0)
				continue;
			if (first == NULL)
				first = f;
			p = report_inert(f->path ? f->path : "-");
			fprintf(fp, "%s%s:%u", k++ ? ", " : "", p, f->line);
			free(p);
		}
		fprintf(fp, "; run 'vhostfix%s%s check --rule %s' for all\n",
		    root ? " --root " : "", root ? r : "", rules[j]);
		if (first == NULL)	/* no example asked for */
			continue;
		{
			char	*m = report_inert(first->message);

			fprintf(fp, "    the first: %s\n", m);
			free(m);
		}
		for (k = 0; k < first->suggest.n; k++) {
			char	*m = report_inert(first->suggest.v[k]);

			fprintf(fp, "    %s\n", m);
			free(m);
		}
	}
	free(r);
	free(rules);
	free(count);
}

static void
json_strings(struct buf *b, const struct vec *v)
{
	report_json_strings(b, (char *const *)v->v, v->n);
}

static const char *
status_of(const struct fixrep *r)
{
	if (r->error != NULL)
		return "refused";
	if (r->rendered->n == 0)
		return "nothing-to-change";
	if (r->dry_run || r->res == NULL)
		return "dry-run";
	switch (r->res->status) {
	case WR_OK:
		return "written";
	case WR_REFUSED:
		return "refused";
	case WR_ROLLED_BACK:
	case WR_FAILED:
	case WR_INTERRUPTED:
		break;
	case WR_INCOMPLETE:
		return "incomplete";
	}
	return "rolled-back";
}

static void
json_files(struct buf *b, const struct fixrep *r, int written)
{
	size_t	i;

	buf_addc(b, '[');
	for (i = 0; i < r->rendered->n; i++) {
		const struct rendered	*x = r->rendered->v[i];

		if (i)
			buf_addc(b, ',');
		buf_addc(b, '{');
		report_json_field(b, "path", x->file->path);
		report_json_field(b, "real_path", x->file->real);
		report_json_bool(b, "written", written);
		buf_addc(b, '}');
	}
	buf_addc(b, ']');
}

static void
json_left(struct buf *b, const struct vec *left)
{
	size_t	i;

	buf_addc(b, '[');
	for (i = 0; i < left->n; i++) {
		const struct finding	*f = left->v[i];

		if (i)
			buf_addc(b, ',');
		buf_addc(b, '{');
		report_json_finding_head(b, f);
		report_json_field(b, "vhost", f->vhost ?
		    conf_vhost_name(f->vhost) : NULL);
		report_json_field(b, "message", f->message);
		report_json_key(b, "do");
		json_strings(b, &f->suggest);
		buf_addc(b, '}');
	}
	buf_addc(b, ']');
}

/* Counts per rule, in order of first appearance. */
static void
json_left_summary(struct buf *b, const struct vec *left)
{
	const char	**rules = xcalloc(left->n + 1, sizeof *rules);
	size_t		 *count = xcalloc(left->n + 1, sizeof *count);
	size_t		  nr = count_rules(left, rules, count), j;

	buf_addc(b, '[');
	for (j = 0; j < nr; j++) {
		buf_adds(b, j ? ",{" : "{");
		report_json_field(b, "rule", rules[j]);
		buf_printf(b, ",\"count\":%zu}", count[j]);
	}
	buf_addc(b, ']');
	free(rules);
	free(count);
}

/* A command the write ran (configtest, reload) as JSON: its line, exit
 * code (and "passed" for a test) and output; null when it did not run. */
static void
json_command(struct buf *b, const char *cmd, int exit_code, int test,
    const char *output)
{
	if (cmd == NULL) {
		buf_adds(b, "null");
		return;
	}
	buf_addc(b, '{');
	report_json_field(b, "command", cmd);
	buf_printf(b, ",\"exit_code\":%d", exit_code);
	if (test)
		report_json_bool(b, "passed", exit_code == 0);
	report_json_field(b, "output", output);
	buf_addc(b, '}');
}

void
fixrep_json(struct buf *b, const struct fixrep *r)
{
	const struct wr_result	*res = r->res;
	int			 written = res != NULL && !r->dry_run &&
				    res->status == WR_OK;
	size_t			 i;

	buf_adds(b, "{\"version\":1,\"command\":\"fix\"");
	report_json_field(b, "root", r->c->root);
	report_json_field(b, "config", r->c->main_config);
	report_json_bool(b, "dry_run", r->dry_run);
	buf_printf(b, ",\"status\":\"%s\",\"exit_code\":%d", status_of(r),
	    r->exit_code);
	report_json_bool(b, "changed", r->rendered->n > 0 &&
	    (r->dry_run || written));
	buf_adds(b, ",\"vhosts\":[");
	for (i = 0; i < r->vhosts->n; i++) {
		const struct cf_vhost	*v = r->vhosts->v[i];

		buf_adds(b, i ? ",{" : "{");
		report_json_field(b, "name", conf_vhost_name(v));
		report_json_node(b, v->node);
		buf_addc(b, '}');
	}
	buf_adds(b, "],\"files\":");
	json_files(b, r, written);
	report_json_key(b, "changes");
	json_strings(b, &r->plan->notes);
	report_json_field(b, "diff", r->diff->data ? r->diff->data : "");
	report_json_key(b, "backup");
	if (res != NULL && res->backup_id != NULL) {
		buf_addc(b, '{');
		report_json_field(b, "id", res->backup_id);
		report_json_field(b, "path", res->backup_path);
		buf_addc(b, '}');
	} else
		buf_adds(b, "null");
	report_json_key(b, "configtest");
	json_command(b, res != NULL ? res->test_cmd : NULL,
	    res != NULL ? res->test_exit : 0, 1,
	    res != NULL ? res->test_output : NULL);
	report_json_key(b, "reload");
	json_command(b, res != NULL ? res->reload_cmd : NULL,
	    res != NULL ? res->reload_exit : 0, 0,
	    res != NULL ? res->reload_output : NULL);
	report_json_key(b, "notes");
	if (res != NULL)
		json_strings(b, &res->notes);
	else
		buf_adds(b, "[]");
	report_json_field(b, "error", r->error != NULL ? r->error :
	    res != NULL ? res->error : NULL);
	report_json_key(b, "needs_you");
	json_strings(b, &r->plan->manual);
	report_json_key(b, "left_to_human");
	json_left(b, r->left);
	report_json_key(b, "left_summary");
	json_left_summary(b, r->left);
	buf_adds(b, "}\n");
}
