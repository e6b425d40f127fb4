/* policy.c: which findings count (threshold, ignored and kept rules), and
 * the settings file. */
#include "config.h"

#include <ctype.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "policy.h"

const struct rule *
policy_rule(const char *id)
{
	size_t	i;

	for (i = 0; i < rules_count; i++)
		if (strcmp(rules_table[i]->id, id) == 0)
			return rules_table[i];
	return NULL;
}

int
policy_parse_sev(const char *s, enum sev *out)
{
	if (strcmp(s, "error") == 0)
		*out = SEV_ERROR;
	else if (strcmp(s, "warning") == 0)
		*out = SEV_WARNING;
	else if (strcmp(s, "info") == 0)
		*out = SEV_INFO;
	else
		return -1;
	return 0;
}

static int
in(const struct vec *v, const char *id)
{
	size_t	i;

	for (i = 0; i < v->n; i++)
		if (strcmp(v->v[i], id) == 0)
			return 1;
	return 0;
}

void
policy_filter(const struct policy *p, struct vec *fs)
{
	size_t	i, k = 0;

	for (i = 0; i < fs->n; i++) {
		struct finding	*f = fs->v[i];

		if (in(&p->ignore, f->rule->id) || (p->only.n > 0 &&
		    !in(&p->only, f->rule->id)))
			finding_free(f);
		else
			fs->v[k++] = f;
	}
	fs->n = k;
}

int
policy_counts(const struct policy *p, const struct finding *f)
{
	return f->sev >= p->fail_on;
}

static char *
trim(char *s)
{
	char	*e;

	while (isspace((unsigned char)*s))
		s++;
	e = s + strlen(s);
	while (e > s && isspace((unsigned char)e[-1]))
		*--e = '\0';
	return s;
}

static int
set_key(struct settings *st, const char *key, char *val, char **why)
{
	char	*tok, *save = NULL, *end;
	long	 n;

	if (strcmp(key, "ignore") == 0) {
		for (tok = strtok_r(val, " \t,", &save); tok != NULL;
		    tok = strtok_r(NULL, " \t,", &save)) {
			if (policy_rule(tok) == NULL) {
				*why = xasprintf("unknown rule '%s'", tok);
				return -1;
			}
			vec_push(&st->ignore, xstrdup(tok));
		}
	} else if (strcmp(key, "fail-on") == 0) {
		enum sev	s;

		if (policy_parse_sev(val, &s) != 0) {
			*why = xasprintf("fail-on takes error, warning or "
			    "info, not '%s'", val);
			return -1;
		}
		st->fail_on = (int)s;
	} else if (strcmp(key, "backup-dir") == 0) {
		if (val[0] != '/') {
			*why = xasprintf("backup-dir must be an absolute "
			    "path, not '%s'", val);
			return -1;
		}
		free(st->backup_dir);
		st->backup_dir = xstrdup(val);
	} else if (strcmp(key, "configtest-timeout") == 0) {
		errno = 0;
		n = strtol(val, &end, 10);
		if (errno != 0 || end == val || *end != '\0' || n < 1 ||
		    n > 3600) {
			*why = xasprintf("configtest-timeout takes seconds "
			    "(1-3600), not '%s'", val);
			return -1;
		}
		st->configtest_timeout = (int)n;
	} else {
		*why = xasprintf("unknown key '%s' (known: ignore, fail-on, "
		    "backup-dir, configtest-timeout)", key);
		return -1;
	}
	return 0;
}

int
settings_load(const char *path, struct settings *st, char **err)
{
	char	*text = NULL, *line, *next;
	size_t	 len;
	unsigned lineno = 0;

	memset(st, 0, sizeof *st);
	st->fail_on = -1;
	st->configtest_timeout = -1;
	*err = NULL;
	if (util_read_file(path, 1 << 20, &text, &len) != 0) {
		/* No file, or a root that is no directory (which loading
		 * the tree reports). */
		if (errno == ENOENT || errno == ENOTDIR)
			return 0;
		*err = xasprintf("%s: %s", path, strerror(errno));
		return -1;
	}
	st->path = xstrdup(path);
	if (memchr(text, '\0', len) != NULL) {
		*err = xasprintf("%s: holds a NUL byte: not a settings file",
		    path);
		goto fail;
	}
	for (line = text; line != NULL; line = next) {
		char	*eq, *key, *val, *why = NULL;

		next = strchr(line, '\n');
		if (next != NULL)
			*next++ = '\0';
		lineno++;
		line = trim(line);
		if (*line == '\0' || *line == '#')
			continue;
		eq = strchr(line, '=');
		if (eq == NULL) {
			*err = xasprintf("%s:%u: expected KEY = VALUE", path,
			    lineno);
			goto fail;
		}
		*eq = '\0';
		key = trim(line);
		val = trim(eq + 1);
		if (set_key(st, key, val, &why) != 0) {
			*err = xasprintf("%s:%u: %s", path, lineno, why);
			free(why);
			goto fail;
		}
	}
	free(text);
	return 0;
fail:
	free(text);
	settings_free(st);
	return -1;
}

void
settings_free(struct settings *st)
{
	vec_free_all(&st->ignore, free);
	free(st->backup_dir);
	free(st->path);
	memset(st, 0, sizeof *st);
	st->fail_on = -1;
	st->configtest_timeout = -1;
}
