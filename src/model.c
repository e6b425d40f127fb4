/* model.c: virtual hosts, Defines and modules, and the lookups every layer
 * uses. */
#include "config.h"

#include <ctype.h>
#include <stdlib.h>
#include <string.h>

#include "conf.h"
#include "model.h"

int
conf_is(const struct cf_node *n, const char *name)
{
	return str_caseeq(n->name, name);
}

int
conf_has_module(const struct cf_config *c, const char *name)
{
	size_t	i;

	for (i = 0; i < c->modules.n; i++)
		if (strcmp(c->modules.v[i], name) == 0)
			return 1;
	return 0;
}

static const char *
lookup(const struct vec *v, const char *name, size_t len)
{
	size_t	i;

	for (i = 0; i < v->n; i++) {
		const char	*s = v->v[i];

		if (strncmp(s, name, len) == 0 && s[len] == '=')
			return s + len + 1;
	}
	return NULL;
}

/* ap_resolve_env: ${NAME} from the Defines, then the environment; an
 * unknown variable stays as written. */
char *
conf_expand(const struct cf_config *c, const char *s)
{
	struct buf	 b = { 0 };
	const char	*p, *end, *val;

	if (strstr(s, "${") == NULL)
		return xstrdup(s);
	for (p = s; *p != '\0'; p++) {
		if (p[0] == '$' && p[1] == '{' &&
		    (end = strchr(p + 2, '}')) != NULL) {
			size_t	len = (size_t)(end - p - 2);

			val = lookup(&c->defines, p + 2, len);
			if (val == NULL)
				val = lookup(&c->env, p + 2, len);
			if (val != NULL) {
				buf_adds(&b, val);
				p = end;
				continue;
			}
		}
		buf_addc(&b, *p);
	}
	return buf_steal(&b);
}

static void
env_set(struct cf_config *c, const char *name, const char *value)
{
	size_t	i, len = strlen(name);

	for (i = 0; i < c->env.n; i++) {
		char	*s = c->env.v[i];

		if (strncmp(s, name, len) == 0 && s[len] == '=') {
			free(s);
			c->env.v[i] = xasprintf("%s=%s", name, value);
			return;
		}
	}
	vec_push(&c->env, xasprintf("%s=%s", name, value));
}

/* Debian's envvars is a shell fragment sourced by apache2ctl; we take its
 * plain assignments ("export NAME=value", "NAME=value"), expanding $NAME
 * and ${NAME} from earlier ones (unknown: empty, as the shell does), and
 * ignore everything else (conditionals, commands). */
void
model_read_envvars(struct cf_config *c)
{
	char	*rel, *real, *abs, *text, *line, *save = NULL;
	size_t	 len;

	rel = xasprintf("%s/envvars", strcmp(c->server_root, "/") == 0 ? "" :
	    c->server_root);
	/* Resolved inside the root: an absolute link must not lead out. */
	real = conf_resolve(c, rel);
	free(rel);
	if (real == NULL)
		return;
	abs = conf_abs(c, real);
	free(real);
	if (util_read_file(abs, 1u << 20, &text, &len) != 0) {
		free(abs);
		return;
	}
	free(abs);
	for (line = strtok_r(text, "\n", &save); line != NULL;
	    line = strtok_r(NULL, "\n", &save)) {
		char		*p = line, *eq, *v;
		struct buf	 val = { 0 };

		while (isspace((unsigned char)*p))
			p++;
		if (str_startswith(p, "export "))
			p += 7;
		while (isspace((unsigned char)*p))
			p++;
		eq = p;
		while (isalnum((unsigned char)*eq) || *eq == '_')
			eq++;
		if (eq == p || *eq != '=')
			continue;
		*eq = '\0';
		v = eq + 1;
		if (*v == '"' || *v == '\'') {
			char	q = *v++, *e = strchr(v, q);

			if (e == NULL)
				continue;
			*e = '\0';
		} else
			v[strcspn(v, " \t;#")] = '\0';
		while (*v != '\0') {
			if (*v == '$') {
				const char	*name = v + 1, *vv;
				size_t		 nl;

				if (*name == '{') {
					name++;
					nl = strcspn(name, "}");
					v = (char *)name + nl +
					    (name[nl] == '}');
				} else {
					nl = 0;
					while (isalnum((unsigned char)name[nl])
					    || name[nl] == '_')
						nl++;
					v = (char *)name + nl;
				}
				vv = lookup(&c->env, name, nl);
				if (vv != NULL)
					buf_adds(&val, vv);
				continue;
			}
			buf_addc(&val, *v++);
		}
		env_set(c, p, val.data ? val.data : "");
		buf_free(&val);
	}
	free(text);
}

struct cf_vhost *
model_new_vhost(struct cf_config *c, struct cf_node *n)
{
	struct cf_vhost	*v = xcalloc(1, sizeof *v);
	size_t		 i;

	v->node = n;
	v->index = (int)c->vhosts.n;
	v->addrs = xcalloc(n->nargs + 1, sizeof *v->addrs);
	for (i = 0; i < n->nargs; i++) {
		char	*u = str_unquote(n->args[i]);

		v->addrs[i] = conf_expand(c, u);
		free(u);
	}
	v->naddrs = n->nargs;
	vec_push(&c->vhosts, v);
	return v;
}

static int
addr_port(const char *a)
{
	const char	*colon = strrchr(a, ':');

	if (colon == NULL || strchr(colon, ']') != NULL)
		return 0;
	return atoi(colon + 1);
}

void
model_finish_vhost(struct cf_config *c, struct cf_vhost *v)
{
	size_t	i, j;

	for (i = 0; i < v->dirs.n; i++) {
		struct cf_dir	*d = v->dirs.v[i];

		if (d->ctx != NULL)
			continue;
		if (conf_is(d->node, "ServerName") && d->nargs >= 1) {
			char	*colon;

			free(v->server_name);
			v->server_name = xstrdup(d->args[0]);
			/* "name:port" (not an IPv6 literal's colons). */
			colon = strrchr(v->server_name, ':');
			if (colon != NULL && strchr(colon, ']') == NULL &&
			    (v->server_name[0] == '[' ||
			    strchr(v->server_name, ':') == colon)) {
				v->port = atoi(colon + 1);
				*colon = '\0';
			}
			if (str_startswith(v->server_name, "http://") ||
			    str_startswith(v->server_name, "https://")) {
				char	*s = strstr(v->server_name, "//") + 2;

				memmove(v->server_name, s, strlen(s) + 1);
			}
		} else if (conf_is(d->node, "ServerAlias")) {
			v->aliases = xrealloc(v->aliases, (v->naliases +
			    d->nargs + 1) * sizeof *v->aliases);
			for (j = 0; j < d->nargs; j++)
				v->aliases[v->naliases++] =
				    xstrdup(d->args[j]);
			v->aliases[v->naliases] = NULL;
		} else if (conf_is(d->node, "SSLEngine") && d->nargs >= 1)
			v->tls = str_caseeq(d->args[0], "on");
	}
	for (i = 0; i < v->naddrs; i++)
		if (addr_port(v->addrs[i]) == 443)
			v->tls = 1;
	if (v->port == 0 && v->naddrs > 0)
		v->port = addr_port(v->addrs[0]);
	(void)c;
}

int
conf_vhost_of(const struct cf_config *c, const struct cf_vhost *v)
{
	return v != NULL && v->index >= 0 && (size_t)v->index < c->vhosts.n &&
	    c->vhosts.v[v->index] == v;
}

const char *
conf_vhost_name(const struct cf_vhost *v)
{
	if (v->server_name != NULL)
		return v->server_name;
	if (v->naddrs > 0)
		return v->addrs[0];
	return "(no name)";
}

int
conf_vhost_answers(const struct cf_vhost *v, const char *name)
{
	size_t	i;

	if (v->server_name != NULL && str_caseeq(v->server_name, name))
		return 1;
	for (i = 0; i < v->naliases; i++)
		if (str_caseeq(v->aliases[i], name))
			return 1;
	return 0;
}

size_t
conf_find_vhosts(const struct cf_config *c, const char *sel,
    struct vec *out)
{
	size_t		 i, found = 0;
	const char	*colon = strrchr(sel, ':');
	char		*name = NULL;
	long		 num = -1;

	if (colon != NULL && colon[1] != '\0' &&
	    strspn(colon + 1, "0123456789") == strlen(colon + 1)) {
		name = xstrndup(sel, (size_t)(colon - sel));
		num = atol(colon + 1);
	}
	for (i = 0; i < c->vhosts.n; i++) {
		struct cf_vhost	*v = c->vhosts.v[i];
		int		 hit = conf_vhost_answers(v, sel);

		if (!hit && name != NULL) {
			/* FILE:LINE (as included or the real file), or
			 * NAME:PORT. */
			if ((strcmp(v->node->file->path, name) == 0 ||
			    strcmp(v->node->file->real, name) == 0 ||
			    (name[0] != '/' && str_endswith(
			    v->node->file->path, name) &&
			    v->node->file->path[strlen(v->node->file->path) -
			    strlen(name) - 1] == '/')) &&
			    v->node->line == (unsigned)num)
				hit = 1;
			else if (conf_vhost_answers(v, name) && v->port == num)
				hit = 1;
		}
		if (hit) {
			vec_push(out, v);
			found++;
		}
	}
	free(name);
	return found;
}
