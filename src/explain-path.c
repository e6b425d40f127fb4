/* explain-path.c: step 2, what handles the path (explain.h).
 *
 * - mod_rewrite's rules of the server context come first (its
 *   translate_name runs before mod_proxy's; verified: a RewriteRule [P]
 *   or [R] wins over the vhost's ProxyPass /);
 * - mod_proxy.c proxy_trans(): the ProxyPass of the last <Location>
 *   containing the path first, then the main server's ProxyPass /
 *   ProxyPassMatch lines, then the vhost's, in order; the first that
 *   matches decides, and "!" ends proxying for the request;
 * - mod_alias's translate_name runs after it: Redirect* before Alias*, the
 *   vhost's lines before the main server's. */
#include "config.h"

#include <ctype.h>
#include <regex.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "explain.h"
#include "explain-int.h"

struct rw_flags {
	int	proxy, redirect, last, nocase, forbidden, gone;
	int	unknown;	/* a flag the model does not follow */
	char	unknown_name[32];
};

static void
set_proxy(struct ex_result *r, const struct cf_node *n, const char *url)
{
	explain_decide(r, EX_PROXY, n);
	free(r->backend_url);
	r->backend_url = xstrdup(url);
}

/* ProxyPass: the URL, then the rest of the path.  A URL without a path
 * takes the rest onto its host or port ("http://localhost" + "x"): Apache
 * answers 500, "DNS lookup failure for: localhostx". */
static void
set_pass(struct ex_result *r, const struct cf_node *n, const char *real,
    const char *rest)
{
	const char	*p = strstr(real, "://");
	char		*url = xasprintf("%s%s", real, rest);

	set_proxy(r, n, url);
	if (p != NULL && strchr(p + 3, '/') == NULL && *rest != '\0' &&
	    *rest != '/') {
		explain_step(&r->path_why, n, "the rest of the path, %s, is "
		    "glued onto %s: Apache answers 500 (DNS lookup failure "
		    "for: %s)", rest, p + 3, url + (p + 3 - real));
		r->handler = EX_STATUS;
		r->target = xstrdup("500");
	}
	free(url);
}

/* mod_proxy's ProxyPass of a <Location>: the last <Location> containing
 * the path (the main server's sections are merged first) that has one.
 * Returns 1 when it decides (proxied, or "!"), 0 to go on. */
static int
location_pass(struct ex_ctx *x)
{
	struct ex_result	*r = x->r;
	struct vec		 all = { 0 };
	const struct cf_dir	*win = NULL;
	size_t			 i;
	int			 done = 0;

	/* Merge order: the main server's <Location>s, then the vhost's. */
	explain_dirs(x, 1, &all);
	for (i = 0; i < all.n; i++) {
		const struct cf_dir	*d = all.v[i];

		if (d->ctx == NULL || d->nargs < 1 ||
		    !conf_is(d->node, "ProxyPass"))
			continue;
		if (!explain_is_location(d)) {
			explain_note(r, d->node, "ProxyPass in <%s %s>: not "
			    "modelled", d->ctx->name, d->ctx_path);
			continue;
		}
		if (explain_location_match(d->ctx_path, r->path))
			win = d;
		else
			explain_step(&r->path_why, d->node, "<Location %s> "
			    "does not contain %s", d->ctx_path, r->path);
	}
	if (win != NULL) {
		size_t	len = explain_alias_match(r->path, win->ctx_path);

		if (strcmp(win->args[0], "!") == 0) {
			explain_decide(r, EX_FILES, win->node);
			explain_step(&r->path_why, win->node, "ProxyPass ! in "
			    "<Location %s>: nothing is proxied for %s",
			    win->ctx_path, r->path);
			done = -1;
		} else if (len > 0) {
			char		*sock;
			const char	*real;

			real = explain_de_socketfy(win->args[0], &sock);

			set_pass(r, win->node, real, r->path + len);
			free(sock);
			done = 1;
		}
	}
	vec_free(&all);
	return done;
}

/* The main server's ProxyPass and ProxyPassMatch lines, then the
 * vhost's.  1: proxied, -1: excluded by "!", 0: none matched. */
static int
server_pass(struct ex_ctx *x)
{
	struct ex_result	*r = x->r;
	struct vec		 ds = { 0 };
	size_t			 i;
	int			 rc = 0;

	explain_dirs(x, 1, &ds);
	for (i = 0; i < ds.n && rc == 0; i++) {
		const struct cf_dir	*d = ds.v[i];
		int			 match = conf_is(d->node,
					    "ProxyPassMatch");
		char			*sock = NULL, *url = NULL;
		const char		*real;

		if (d->ctx != NULL || d->nargs < 2 || (!match &&
		    !conf_is(d->node, "ProxyPass")))
			continue;
		real = explain_de_socketfy(d->args[1], &sock);
		free(sock);
		if (!match) {
			size_t	len = explain_alias_match(r->path,
				    d->args[0]);

			if (len == 0) {
				explain_step(&r->path_why, d->node, "%s does "
				    "not cover %s", d->args[0], r->path);
				continue;
			}
			if (strcmp(d->args[1], "!") == 0) {
				explain_decide(r, EX_FILES, d->node);
				explain_step(&r->path_why, d->node, "ProxyPass "
				    "%s !: %s is not proxied", d->args[0],
				    r->path);
				rc = -1;
				continue;
			}
			set_pass(r, d->node, real, r->path + len);
			rc = 1;
			continue;
		} else {
			regex_t		re;
			regmatch_t	m[10];

			if (explain_regex_compile(&re, d->args[0], 0) != 0) {
				explain_note(r, d->node, "ProxyPassMatch %s: a "
				    "regular expression beyond the model",
				    d->args[0]);
				explain_decide(r, EX_UNKNOWN, d->node);
				rc = 1;
				continue;
			}
			if (regexec(&re, r->path, 10, m, 0) != 0) {
				regfree(&re);
				explain_step(&r->path_why, d->node, "%s does "
				    "not match %s", d->args[0], r->path);
				continue;
			}
			regfree(&re);
			if (strcmp(d->args[1], "!") == 0) {
				explain_decide(r, EX_FILES, d->node);
				explain_step(&r->path_why, d->node,
				    "ProxyPassMatch %s !: %s is not proxied",
				    d->args[0], r->path);
				rc = -1;
				continue;
			}
			if (explain_regex_subst(real, r->path, m, &url) != 0) {
				explain_note(r, d->node, "ProxyPassMatch URL "
				    "%s: a reference beyond the model", real);
				explain_decide(r, EX_UNKNOWN, d->node);
				rc = 1;
				continue;
			}
			/* No substitution made: the whole path is
			 * appended (mod_proxy.c). */
			if (strcmp(url, real) == 0) {
				free(url);
				url = xasprintf("%s%s", real, r->path);
			}
		}
		set_proxy(r, d->node, url);
		free(url);
		rc = 1;
	}
	vec_free(&ds);
	return rc;
}

static void
rw_parse_flags(const char *s, struct rw_flags *f)
{
	char	*t = xstrdup(s), *tok, *save = NULL;

	memset(f, 0, sizeof *f);
	for (tok = strtok_r(t, "[], ", &save); tok != NULL;
	    tok = strtok_r(NULL, "[], ", &save)) {
		if (str_caseeq(tok, "P") || str_caseeq(tok, "proxy"))
			f->proxy = 1;
		else if (str_caseeq(tok, "R") || strncasecmp(tok, "R=", 2) ==
		    0 || str_caseeq(tok, "redirect") ||
		    strncasecmp(tok, "redirect=", 9) == 0) {
			const char	*eq = strchr(tok, '=');

			f->redirect = 302;
			if (eq != NULL && isdigit((unsigned char)eq[1]))
				f->redirect = atoi(eq + 1);
			else if (eq != NULL && str_caseeq(eq + 1,
			    "permanent"))
				f->redirect = 301;
		} else if (str_caseeq(tok, "L") || str_caseeq(tok, "last") ||
		    str_caseeq(tok, "END"))
			f->last = 1;
		else if (str_caseeq(tok, "NC") || str_caseeq(tok, "nocase"))
			f->nocase = 1;
		else if (str_caseeq(tok, "F") || str_caseeq(tok, "forbidden"))
			f->forbidden = 1;
		else if (str_caseeq(tok, "G") || str_caseeq(tok, "gone"))
			f->gone = 1;
		else if (str_caseeq(tok, "QSA") || str_caseeq(tok, "NE") ||
		    str_caseeq(tok, "noescape") || str_caseeq(tok, "qsappend"))
			;
		else if (!f->unknown) {
			f->unknown = 1;
			snprintf(f->unknown_name, sizeof f->unknown_name,
			    "%s", tok);
		}
	}
	free(t);
}

/* mod_rewrite in the server context (it runs after mod_proxy's
 * ProxyPass).  1: decided, 0: nothing applies. */
static int
rewrite(struct ex_ctx *x)
{
	struct ex_result	*r = x->r;
	const struct cf_vhost	*v = x->v;
	const struct vec	*dirs = v ? &v->dirs : &x->c->server_dirs;
	const struct cf_dir	*eng;
	const struct cf_dir	*cond = NULL;
	size_t			 i;

	eng = v ? explain_vhost_directive(v, "RewriteEngine") :
	    explain_server_directive(x->c, "RewriteEngine");
	for (i = 0; i < dirs->n; i++) {
		const struct cf_dir	*d = dirs->v[i];

		if (d->ctx != NULL && (conf_is(d->node, "RewriteRule")) &&
		    explain_location_match(d->ctx_path, r->path))
			explain_note(r, d->node, "RewriteRule in <%s %s>: "
			    "per-directory rewriting is not modelled",
			    d->ctx->name, d->ctx_path);
	}
	if (v != NULL && explain_server_directive(x->c, "RewriteRule") !=
	    NULL && explain_vhost_directive(v, "RewriteOptions") != NULL)
		explain_note(r, explain_vhost_directive(v,
		    "RewriteOptions")->node,
		    "RewriteOptions: inherited rewrite rules are not "
		    "modelled");
	if (eng == NULL || !str_caseeq(eng->args[0], "on"))
		return 0;
	for (i = 0; i < dirs->n; i++) {
		const struct cf_dir	*d = dirs->v[i];
		struct rw_flags		 f;
		regex_t			 re;
		regmatch_t		 m[10];
		const char		*pat;
		char			*sub = NULL;
		int			 neg, hit;

		if (d->ctx != NULL)
			continue;
		if (conf_is(d->node, "RewriteCond")) {
			if (cond == NULL)
				cond = d;
			continue;
		}
		if (!conf_is(d->node, "RewriteRule") || d->nargs < 2) {
			continue;
		}
		rw_parse_flags(d->nargs > 2 ? d->args[2] : "", &f);
		pat = d->args[0];
		neg = pat[0] == '!';
		if (explain_regex_compile(&re, pat + neg, f.nocase) != 0) {
			explain_note(r, d->node, "RewriteRule %s: a regular "
			    "expression beyond the model", pat);
			explain_decide(r, EX_UNKNOWN, d->node);
			return 1;
		}
		hit = regexec(&re, r->path, 10, m, 0) == 0;
		regfree(&re);
		if (hit == neg) {
			explain_step(&r->path_why, d->node, "RewriteRule %s "
			    "does not match %s", pat, r->path);
			cond = NULL;
			continue;
		}
		if (cond != NULL) {
			explain_note(r, cond->node, "RewriteRule with "
			    "RewriteCond at %s:%u: not modelled",
			    d->node->file->path, d->node->line);
			explain_decide(r, EX_UNKNOWN, d->node);
			return 1;
		}
		if (f.unknown) {
			explain_note(r, d->node, "RewriteRule flag %s: not "
			    "modelled", f.unknown_name);
			explain_decide(r, EX_UNKNOWN, d->node);
			return 1;
		}
		if (strcmp(d->args[1], "-") == 0)
			sub = xstrdup("-");
		else if (neg || explain_regex_subst(d->args[1], r->path, m,
		    &sub) != 0) {
			explain_note(r, d->node, "RewriteRule %s: %s", strstr(
			    d->args[1], "${") ? "with a RewriteMap or a "
			    "variable" : "a substitution beyond the model",
			    "not modelled");
			explain_decide(r, EX_UNKNOWN, d->node);
			return 1;
		}
		if (f.forbidden || f.gone) {
			explain_decide(r, EX_STATUS, d->node);
			r->target = xstrdup(f.forbidden ? "403" : "410");
			free(sub);
			return 1;
		}
		if (f.proxy) {
			if (!explain_is_url(sub))
				explain_note(r, d->node, "RewriteRule [P] to "
				    "%s: not an http(s) URL, not modelled",
				    sub);
			set_proxy(r, d->node, sub);
			free(sub);
			return 1;
		}
		if (f.redirect) {
			explain_decide(r, EX_REDIRECT, d->node);
			r->status = f.redirect;
			if (explain_is_url(sub))
				r->target = xstrdup(sub);
			else
				r->target = explain_construct_url(r, sub);
			if (r->query && !strchr(sub, '?')) {
				char	*t = xasprintf("%s?%s", r->target,
					    r->query);

				free(r->target);
				r->target = t;
			}
			if (!f.last && i + 1 < dirs->n)
				explain_note(r, d->node, "RewriteRule [R] "
				    "without [L]: later rules could change the "
				    "target; not modelled");
			free(sub);
			return 1;
		}
		if (strcmp(sub, "-") != 0) {
			explain_note(r, d->node, "RewriteRule rewrites %s to "
			    "%s: what handles the new path is not modelled",
			    r->path, sub);
			explain_decide(r, EX_UNKNOWN, d->node);
			free(sub);
			return 1;
		}
		free(sub);
		cond = NULL;
		if (f.last)
			break;
	}
	return 0;
}

static int
redirect_status(const char *s)
{
	if (str_caseeq(s, "permanent"))
		return 301;
	if (str_caseeq(s, "temp"))
		return 302;
	if (str_caseeq(s, "seeother"))
		return 303;
	if (str_caseeq(s, "gone"))
		return 410;
	if (isdigit((unsigned char)s[0]))
		return atoi(s);
	return 0;
}

/* mod_alias: Redirect* lines first, then Alias*, the vhost's before the
 * main server's.  1: decided. */
static int
alias(struct ex_ctx *x)
{
	struct ex_result	*r = x->r;
	struct vec		 ds = { 0 };
	size_t			 i;
	int			 pass, rc = 0;

	explain_dirs(x, 0, &ds);
	for (i = 0; i < ds.n; i++) {
		const struct cf_dir	*d = ds.v[i];

		if (d->ctx != NULL && (strncasecmp(d->node->name, "Redirect",
		    8) == 0 || strncasecmp(d->node->name, "Alias", 5) == 0) &&
		    explain_is_location(d) &&
		    explain_location_match(d->ctx_path, r->path))
			explain_note(r, d->node, "%s in <Location %s>: not "
			    "modelled", d->node->name, d->ctx_path);
	}
	for (pass = 0; pass < 2 && rc == 0; pass++)
		for (i = 0; i < ds.n && rc == 0; i++) {
			const struct cf_dir	*d = ds.v[i];
			const char		*nm = d->node->name;
			int			 redir = strncasecmp(nm,
						    "Redirect", 8) == 0;
			int			 match = str_endswith(nm,
						    "Match") || str_endswith(nm,
						    "match");
			int			 status = 302;
			size_t			 a = 0, len = 0;
			const char		*dest;
			char			*t = NULL;
			regex_t			 re;
			regmatch_t		 m[10];

			if (d->ctx != NULL || (pass == 0) != redir)
				continue;
			if (!redir && !conf_is(d->node, "Alias") &&
			    !conf_is(d->node, "ScriptAlias") &&
			    !conf_is(d->node, "AliasMatch") &&
			    !conf_is(d->node, "ScriptAliasMatch"))
				continue;
			if (redir && !conf_is(d->node, "Redirect") &&
			    !conf_is(d->node, "RedirectMatch") &&
			    !conf_is(d->node, "RedirectPermanent") &&
			    !conf_is(d->node, "RedirectTemp"))
				continue;
			if (conf_is(d->node, "RedirectPermanent"))
				status = 301;
			if (redir && d->nargs >= 2 && d->args[0][0] != '/' &&
			    redirect_status(d->args[0]) != 0 &&
			    !conf_is(d->node, "RedirectPermanent") &&
			    !conf_is(d->node, "RedirectTemp")) {
				status = redirect_status(d->args[0]);
				a = 1;
			}
			if (d->nargs < a + 1)
				continue;
			dest = d->nargs > a + 1 ? d->args[a + 1] : NULL;
			if (match) {
				if (explain_regex_compile(&re, d->args[a],
				    0) != 0) {
					explain_note(r, d->node, "%s %s: a "
					    "regular expression beyond the "
					    "model", nm, d->args[a]);
					continue;
				}
				if (regexec(&re, r->path, 10, m, 0) != 0) {
					regfree(&re);
					explain_step(&r->path_why, d->node,
					    "%s does not match %s", d->args[a],
					    r->path);
					continue;
				}
				regfree(&re);
				if (dest != NULL && explain_regex_subst(dest,
				    r->path, m, &t) != 0) {
					explain_note(r, d->node, "%s: a "
					    "substitution beyond the model",
					    nm);
					explain_decide(r, EX_UNKNOWN, d->node);
					rc = 1;
					continue;
				}
			} else {
				len = explain_alias_match(r->path, d->args[a]);
				if (len == 0) {
					explain_step(&r->path_why, d->node,
					    "%s does not cover %s", d->args[a],
					    r->path);
					continue;
				}
				if (dest != NULL)
					t = xasprintf("%s%s", dest,
					    r->path + len);
			}
			if (redir && (status < 300 || status > 399)) {
				explain_decide(r, EX_STATUS, d->node);
				r->target = xasprintf("%d", status);
				free(t);
			} else if (redir) {
				explain_decide(r, EX_REDIRECT, d->node);
				r->status = status;
				/* A URL-path gets the server's scheme and
				 * host. */
				if (t != NULL && t[0] == '/') {
					char	*u;

					u = explain_construct_url(r, t);
					free(t);
					t = u;
				}
				if (r->query && t && !strchr(t, '?')) {
					r->target = xasprintf("%s?%s", t,
					    r->query);
					free(t);
				} else
					r->target = t;
			} else {
				explain_decide(r, EX_ALIAS, d->node);
				r->target = t;
			}
			rc = 1;
		}
	vec_free(&ds);
	return rc;
}

/* Sections whose contents the model does not read, if they hold a
 * directive that could change the request's way. */
void
explain_note_sections(struct ex_result *r, const struct cf_node *n)
{
	static const char *const kinds[] = { "If", "ElseIf", "Else",
	    "Proxy", "ProxyMatch", "LocationMatch", "Directory",
	    "DirectoryMatch", "Files", "FilesMatch" };
	static const char *const acts[] = { "ProxyPass", "RewriteRule",
	    "Redirect", "RedirectMatch", "ProxySet", "BalancerMember",
	    "RequestHeader", "ProxyPreserveHost", "ProxyPassReverse",
	    "SetHandler" };
	size_t	i, j, k;

	for (i = 0; i < n->nkids; i++) {
		const struct cf_node	*s = n->kids[i];
		int			 listed = 0;

		if (s->kind != CF_SECTION)
			continue;
		/* Another vhost's sections are not this request's. */
		if (conf_is(s, "VirtualHost"))
			continue;
		for (j = 0; j < sizeof kinds / sizeof *kinds; j++)
			if (conf_is(s, kinds[j]))
				listed = 1;
		if (!listed) {
			if (!conf_is(s, "Location"))
				explain_note_sections(r, s);
			continue;
		}
		for (j = 0; j < s->nkids; j++) {
			const struct cf_node	*d = s->kids[j];

			for (k = 0; k < sizeof acts / sizeof *acts; k++)
				if (d->kind == CF_DIRECTIVE &&
				    conf_is(d, acts[k]))
					break;
			if (k < sizeof acts / sizeof *acts) {
				explain_note(r, d, "%s in <%s>: not modelled",
				    d->name, s->name);
				break;
			}
		}
	}
}

void
explain_handle_path(struct ex_ctx *x)
{
	struct ex_result	*r = x->r;
	int			 rc;

	/* mod_rewrite's translate_name runs before mod_proxy's (verified:
	 * a RewriteRule [P] or [R] wins over a ProxyPass / of the vhost),
	 * mod_alias's after both. */
	explain_decide(r, EX_FILES, NULL);
	if (rewrite(x))
		return;
	rc = location_pass(x);
	if (rc == 0)
		rc = server_pass(x);
	if (rc > 0)
		return;
	if (alias(x))
		return;
	if (r->handler == EX_FILES && r->decided.node == NULL) {
		const struct cf_dir	*d = explain_vhost_directive(x->v,
					    "DocumentRoot");

		if (d == NULL)
			d = explain_server_directive(x->c, "DocumentRoot");
		r->target = d ? xasprintf("%s%s", d->args[0], r->path) :
		    NULL;
		if (d != NULL) {
			r->decided.node = d->node;
			r->decided.text = explain_line_text(d->node);
		}
	}
}
