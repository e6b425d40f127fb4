/* errlog.h: Apache's error log as evidence.
 *
 * Finds the ErrorLog a vhost writes to, reads a bounded tail of it (and of
 * the previous rotated file when the current one is short) and classifies
 * the proxy failures Apache logged there by message code, errno and
 * backend.  Nothing here prints or exits. */
#ifndef VHOSTFIX_ERRLOG_H
#define VHOSTFIX_ERRLOG_H

#include <stddef.h>

#include "conf.h"

/* How much of a log is read at most (the newest bytes). */
#define ERRLOG_TAIL_MAX	(4u << 20)

/* What a logged line names as the backend. */
enum el_kind {
	EL_SOCKET,	/* a Unix socket path (AH02454) */
	EL_ADDR,	/* "host:port" (AH00957, AH01102, AH10101, AH00959,
			   AH00961) */
	EL_HOST,	/* a worker's host name alone (AH01114, AH01079,
			   AH00898 DNS lookup failure) */
	EL_URLPATH,	/* only the request's path (AH01144, AH00898) */
};

/* One kind of failure for one backend: lines with the same code, errno and
 * backend, counted. */
struct el_event {
	char		 code[8];	/* "AH02454" */
	int		 err;		/* errno (or APR code, 70007) in the
					   "(N)" prefix; 0 when none */
	char		*errtext;	/* "Permission denied", "EAI 2: Name or
					   service not known"; or NULL */
	enum el_kind	 kind;
	char		*backend;	/* socket path, host:port, host or
					   request path (see kind) */
	char		*addr;		/* AH00957: the address tried,
					   "[::1]:8000"; else NULL */
	char		*urlpath;	/* the request path when logged */
	int		 debug;		/* logged at LogLevel debug */
	unsigned long	 count;
	char		 first[20];	/* "2026-11-30 09:12:04", or "" */
	char		 last[20];
	char		*sample;	/* the newest such line, control
					   characters made inert, at most
					   ERRLOG_SAMPLE_MAX bytes */
	int		 matched;	/* set by whoever attaches it to a
					   finding */
	char		*log;		/* the file it was read from */
};
#define ERRLOG_SAMPLE_MAX	400

/* Classify one log line (without its newline).  A line with one of the
 * codes AH02454 AH01114 AH00957 AH01102 AH01144 AH00898 AH00961 AH00959
 * AH01079 AH10101 is counted into events (struct el_event *); others are
 * ignored.  Returns 1 when counted. */
int	 errlog_line(struct vec *events, const char *line, size_t len);

/* Read the tail of a log file: at most max bytes from its end, starting at
 * a line boundary; when the file holds less than max, the rest comes from
 * the end of the previous rotated file (path.1 as logrotate names it on
 * Debian, the newest path-YYYYMMDD on RHEL; compressed ones are skipped).
 * Counts its lines into events.  Returns 0, or -1 with *err (one line
 * naming the file and the cause) and errno when path cannot be read. */
int	 errlog_read(const char *path, size_t max, struct vec *events,
	    char **err);

/* Where a vhost's errors go: its ErrorLog, else the main server's, else
 * Apache's default (logs/error_log under ServerRoot), ${VAR} expanded
 * (Debian's APACHE_LOG_DIR from envvars), relative paths taken from
 * ServerRoot.  machine: the tree is the configuration of the Apache
 * running here, so absolute paths are this machine's; otherwise they are
 * looked for under the root.  Returns a malloc'd path to open, or NULL
 * with *why (a note: piped or syslog logs are not files). */
char	*errlog_path(const struct cf_config *, const struct cf_vhost *,
	    int machine, char **why);

void	 el_event_free(void *);

#endif
