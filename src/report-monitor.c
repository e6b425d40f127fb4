/* report-monitor.c: check results for Nagios/Icinga and Prometheus.
 *
 * The plugin line follows the monitoring-plugins guidelines: "SERVICE
 * STATE - text | 'label'=value[UOM];[warn];[crit];[min];[max]", exit
 * 0/1/2/3 for OK/WARNING/CRITICAL/UNKNOWN.  The metrics follow the
 * Prometheus text exposition format (label values escaped: backslash,
 * double quote, newline). */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "monitor.h"
#include "report.h"

/* Findings outside vhosts belong to every selection. */
static int
selected(const struct vec *sel, const struct cf_vhost *v)
{
	return v == NULL || report_selected(sel, v);
}

static size_t
count_vhosts(const struct cf_config *c, const struct vec *sel)
{
	return sel == NULL ? c->vhosts.n : sel->n;
}

static const char *const state_name[] = {
	[MON_OK] = "OK",
	[MON_WARNING] = "WARNING",
	[MON_CRITICAL] = "CRITICAL",
	[MON_UNKNOWN] = "UNKNOWN",
};

enum mon_state
monitor_nagios(FILE *fp, const struct cf_config *c, const struct vec *fs,
    const struct vec *sel, const struct policy *p)
{
	size_t		n[3] = { 0 }, i, nv = count_vhosts(c, sel);
	enum mon_state	st = MON_OK;

	for (i = 0; i < fs->n; i++) {
		const struct finding	*f = fs->v[i];

		if (!selected(sel, f->vhost))
			continue;
		n[f->sev]++;
		if (!policy_counts(p, f))
			continue;
		if (f->sev == SEV_ERROR)
			st = MON_CRITICAL;
		else if (st == MON_OK)
			st = MON_WARNING;
	}
	fprintf(fp, "VHOSTFIX %s - %zu error%s, %zu warning%s in %zu vhost%s"
	    " | errors=%zu;;;0 warnings=%zu;;;0 vhosts=%zu;;;0 "
	    "infos=%zu;;;0\n", state_name[st], n[SEV_ERROR],
	    n[SEV_ERROR] == 1 ? "" : "s", n[SEV_WARNING],
	    n[SEV_WARNING] == 1 ? "" : "s", nv, nv == 1 ? "" : "s",
	    n[SEV_ERROR], n[SEV_WARNING], nv, n[SEV_INFO]);
	return st;
}

enum mon_state
monitor_nagios_unknown(FILE *fp, const char *msg)
{
	char	*m = report_inert(msg);
	char	*bar;

	/* A '|' would start the performance data. */
	while ((bar = strchr(m, '|')) != NULL)
		*bar = '/';
	fprintf(fp, "VHOSTFIX UNKNOWN - %s\n", m);
	free(m);
	return MON_UNKNOWN;
}

/* A label value: valid UTF-8 without controls (report_inert), then
 * backslash, double quote and newline escaped. */
static void
label(FILE *fp, const char *name, const char *v, int first)
{
	char		*s = report_inert(v != NULL ? v : "");
	const char	*p;

	fprintf(fp, "%s%s=\"", first ? "" : ",", name);
	for (p = s; *p != '\0'; p++) {
		if (*p == '\\' || *p == '"')
			fputc('\\', fp);
		if (*p == '\n')
			fputs("\\n", fp);
		else
			fputc(*p, fp);
	}
	fputc('"', fp);
	free(s);
}

static int
same_series(const struct finding *a, const struct finding *b)
{
	return a->vhost == b->vhost && a->rule == b->rule &&
	    a->sev == b->sev;
}

static void
prom_tail(FILE *fp, time_t now, int ok)
{
	fprintf(fp, "# HELP vhostfix_last_check_timestamp_seconds When the "
	    "last vhostfix check ran.\n"
	    "# TYPE vhostfix_last_check_timestamp_seconds gauge\n"
	    "vhostfix_last_check_timestamp_seconds %lld\n"
	    "# HELP vhostfix_check_success Whether the last vhostfix check "
	    "could read the configuration.\n"
	    "# TYPE vhostfix_check_success gauge\n"
	    "vhostfix_check_success %d\n", (long long)now, ok);
}

void
monitor_prometheus(FILE *fp, const struct cf_config *c,
    const struct vec *fs, const struct vec *sel, time_t now)
{
	size_t	 n[3] = { 0 }, i, j;
	char	*done = xcalloc(fs->n + 1, 1);
	int	 s;

	fputs("# HELP vhostfix_findings Findings of the last vhostfix check, "
	    "by vhost, rule and severity.\n"
	    "# TYPE vhostfix_findings gauge\n", fp);
	/* One series per (vhost, rule, severity); findings of a vhost are
	 * adjacent, so the scan stays short. */
	for (i = 0; i < fs->n; i++) {
		const struct finding	*f = fs->v[i];
		const struct cf_vhost	*v = f->vhost;
		size_t			 k = 0;
		char			 port[16];

		if (done[i] || !selected(sel, v))
			continue;
		for (j = i; j < fs->n && ((const struct finding *)
		    fs->v[j])->vhost == v; j++)
			if (!done[j] && same_series(f, fs->v[j])) {
				done[j] = 1;
				k++;
			}
		if (v == NULL)
			for (; j < fs->n; j++)
				if (!done[j] && same_series(f, fs->v[j])) {
					done[j] = 1;
					k++;
				}
		n[f->sev] += k;
		snprintf(port, sizeof port, "%d", v ? v->port : 0);
		fputs("vhostfix_findings{", fp);
		label(fp, "vhost", v ? conf_vhost_name(v) : "", 1);
		label(fp, "port", v && v->port > 0 ? port : "", 0);
		label(fp, "file", v ? v->node->file->path : f->path, 0);
		label(fp, "rule", f->rule->id, 0);
		label(fp, "severity", sev_name(f->sev), 0);
		fprintf(fp, "} %zu\n", k);
	}
	free(done);
	fputs("# HELP vhostfix_findings_by_severity Findings of the last "
	    "vhostfix check, by severity.\n"
	    "# TYPE vhostfix_findings_by_severity gauge\n", fp);
	for (s = SEV_ERROR; s >= SEV_INFO; s--)
		fprintf(fp, "vhostfix_findings_by_severity{severity=\"%s\"} "
		    "%zu\n", sev_name((enum sev)s), n[s]);
	fprintf(fp, "# HELP vhostfix_vhosts Virtual hosts checked.\n"
	    "# TYPE vhostfix_vhosts gauge\n"
	    "vhostfix_vhosts %zu\n", count_vhosts(c, sel));
	prom_tail(fp, now, 1);
}

void
monitor_prometheus_failed(FILE *fp, time_t now)
{
	prom_tail(fp, now, 0);
}
