/* monitor.h: check results for monitoring systems.
 *
 * Nagios/Icinga: one line in the monitoring-plugins convention, with
 * performance data, and the plugin's exit status.  Prometheus: the text
 * exposition format for node-exporter's textfile collector. */
#ifndef VHOSTFIX_MONITOR_H
#define VHOSTFIX_MONITOR_H

#include <stdio.h>
#include <time.h>

#include "conf.h"
#include "policy.h"
#include "rules.h"

/* Plugin states, which are also the plugin's exit status. */
enum mon_state {
	MON_OK = 0,
	MON_WARNING = 1,
	MON_CRITICAL = 2,
	MON_UNKNOWN = 3,
};

/* "VHOSTFIX WARNING - 2 errors, 3 warnings in 7 vhosts | errors=2;;;0
 * warnings=3;;;0 vhosts=7;;;0 infos=0;;;0" for the findings of the
 * vhosts in sel (NULL: all).  CRITICAL when an error reaches the
 * threshold, WARNING for a warning (or an info with fail-on info), else
 * OK.  Returns the state. */
enum mon_state monitor_nagios(FILE *, const struct cf_config *,
		    const struct vec *findings, const struct vec *sel,
		    const struct policy *);
/* The UNKNOWN line for a check that could not run (msg made inert). */
enum mon_state monitor_nagios_unknown(FILE *, const char *msg);

/* Metrics: vhostfix_findings{vhost,port,file,rule,severity} (one series
 * per vhost, rule and severity, the count of findings),
 * vhostfix_findings_by_severity{severity}, vhostfix_vhosts,
 * vhostfix_last_check_timestamp_seconds (now) and vhostfix_check_success
 * (1). */
void	 monitor_prometheus(FILE *, const struct cf_config *,
	    const struct vec *findings, const struct vec *sel, time_t now);
/* The metrics of a check that could not run: vhostfix_check_success 0
 * and the time. */
void	 monitor_prometheus_failed(FILE *, time_t now);

#endif
