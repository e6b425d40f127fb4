/* policy.h: which findings count, and the settings a site wants every
 * time.
 *
 * `check` exits 1 only for findings at or above the threshold (--fail-on,
 * default warning); --ignore drops a rule everywhere, --rule keeps only
 * the rules named.  /etc/vhostfix.conf (ROOT/etc/vhostfix.conf under
 * --root) holds the same settings; the command line wins. */
#ifndef VHOSTFIX_POLICY_H
#define VHOSTFIX_POLICY_H

#include "rules.h"
#include "util.h"

struct policy {
	enum sev	 fail_on;	/* SEV_WARNING by default */
	struct vec	 ignore;	/* char *: rule ids dropped */
	struct vec	 only;		/* char *: rule ids kept (empty: all) */
};

/* The rule table's entry for id, or NULL. */
const struct rule *policy_rule(const char *id);
/* "error", "warning", "info" -> 0 and *out; -1 otherwise. */
int	 policy_parse_sev(const char *, enum sev *out);
/* Drop (and free) the findings the policy ignores or does not keep. */
void	 policy_filter(const struct policy *, struct vec *findings);
/* Does a finding reach the threshold? */
int	 policy_counts(const struct policy *, const struct finding *);

/* The settings file.  Each field is unset (NULL, -1, empty) unless the
 * file sets it. */
struct settings {
	struct vec	 ignore;	/* char *, owned */
	int		 fail_on;	/* enum sev, or -1 */
	char		*backup_dir;
	int		 configtest_timeout;	/* seconds, or -1 */
	char		*path;		/* the file read, or NULL */
};

/* Read path ("KEY = VALUE" lines, '#' comments; ignore takes rule ids
 * separated by blanks or commas and may be repeated).  A missing file is
 * no error: 0 with everything unset.  -1 with *err (one line naming the
 * file, line and cause) for an unreadable file, an unknown key, a bad
 * value or an unknown rule. */
int	 settings_load(const char *path, struct settings *, char **err);
void	 settings_free(struct settings *);

#endif
