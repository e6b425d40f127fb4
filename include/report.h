/* report.h: check/list output, text and JSON (no curses). */
#ifndef VHOSTFIX_REPORT_H
#define VHOSTFIX_REPORT_H

#include <stdio.h>

#include "conf.h"
#include "rules.h"

struct report_opts {
	int	json;
	int	color;		/* ANSI colors in text output */
	int	findings;	/* 0 for list */
	int	no_summary;	/* check -q: the findings only */
};

/* Print the findings (or, for list, the vhosts) of the given vhosts
 * (all when sel is NULL) to fp. */
void	report_print(FILE *fp, const struct cf_config *,
	    const struct vec *findings, const struct vec *sel,
	    const struct report_opts *);
/* Is v one of sel (a vec of struct cf_vhost *)?  Always when sel is
 * NULL (no selection). */
int	report_selected(const struct vec *sel, const struct cf_vhost *v);
/* JSON string literal (quotes included) of s: control characters
 * escaped, invalid UTF-8 replaced by U+FFFD. */
void	report_json_string(struct buf *, const char *s);
/* The same, or null for NULL. */
void	report_json_string_or_null(struct buf *, const char *s);
/* "key": as a member of the object being written: after a comma unless
 * the object has just opened ('{' last in the buffer). */
void	report_json_key(struct buf *, const char *key);
/* "key": then s as report_json_string_or_null() writes it. */
void	report_json_field(struct buf *, const char *key, const char *s);
/* "key":true or "key":false. */
void	report_json_bool(struct buf *, const char *key, int v);
/* A JSON array of the n strings of v. */
void	report_json_strings(struct buf *, char *const *v, size_t n);
/* The members "file" and "line" of node n (both null for NULL). */
void	report_json_node(struct buf *, const struct cf_node *n);
/* The members "rule", "severity", "file" and "line" of a finding. */
void	report_json_finding_head(struct buf *, const struct finding *);
/* s with control characters shown inert (for terminals). */
char	*report_inert(const char *s);

#endif
