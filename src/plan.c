/* plan.c: the fix, as byte-range edits of the files as read.
 *
 * Why text edits and not Augeas tree edits: Augeas 1.14 reformats
 * neighbouring lines when a sibling node is inserted and gives new nodes no
 * indentation, while an admin reviewing the diff must see only the lines
 * that change.  Node positions come from Augeas's spans, and render.c
 * re-parses every result with the Httpd lens. */
#include "config.h"

#include <ctype.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "plan.h"
#include "proxy.h"
#include "redirect.h"
#include "rules.h"

struct planner {
	const struct cf_config	*c;
	const struct plan_opts	*o;
	struct plan		*p;
	unsigned		 seq;
};

void
plan_opts_default(struct plan_opts *o)
{
	o->preserve_host = PLAN_KEEP;
	o->forwarded_proto = PLAN_ON;
	o->hide_server = PLAN_ON;
	o->server_tokens_prod = PLAN_OFF;
}

static void
edit(struct planner *pl, struct cf_file *f, size_t start, size_t end,
    char *text)
{
	struct edit	*e = xcalloc(1, sizeof *e);

	e->file = f;
	e->start = start;
	e->end = end;
	e->text = text;
	e->seq = pl->seq++;
	vec_push(&pl->p->edits, e);
}

static void	note(struct vec *, const char *, ...)
		    __attribute__((format(printf, 2, 3)));

static void
note(struct vec *v, const char *fmt, ...)
{
	va_list	ap;

	va_start(ap, fmt);
	vec_push(v, xvasprintf(fmt, ap));
	va_end(ap);
}

/* A line for a human to add, and the module it needs (noted once). */
static void
by_hand(struct planner *pl, const struct cf_file *f, unsigned line,
    const char *text, const char *module)
{
	struct plan_line	*l = xcalloc(1, sizeof *l);
	size_t			 i;

	l->file = f;
	l->line = line;
	l->text = xstrdup(text);
	l->module = module;
	vec_push(&pl->p->by_hand, l);
	if (module == NULL)
		return;
	for (i = 0; i < pl->p->modules.n; i++)
		if (strcmp(pl->p->modules.v[i], module) == 0)
			return;
	vec_push(&pl->p->modules, (void *)module);
}

static const char *
eol(const struct cf_file *f)
{
	return f->crlf ? "\r\n" : "\n";
}

/* Offset just past the end of the node's last line. */
static size_t
line_end(const struct cf_file *f, size_t off)
{
	const char	*nl = memchr(f->text + off, '\n', f->len - off);

	return nl ? (size_t)(nl - f->text) + 1 : f->len;
}

static char *
indent_of(const struct cf_node *n)
{
	const char	*t = n->file->text + n->line_start;

	/* Only the blanks: a section's name starts after its "<". */
	return xstrndup(t, strspn(t, " \t"));
}

/* A new directive line in the style of a neighbour: its indentation, and
 * the first argument aligned with the neighbour's when it was aligned. */
static char *
new_line(const struct cf_node *like, const char *name, const char *args)
{
	char	*ind = indent_of(like), *s;
	size_t	 col = 0, pad = 1;

	/* Align only within the ProxyPass family, as admins do. */
	if (like->kind == CF_DIRECTIVE && like->nargs > 0 &&
	    strncasecmp(name, "ProxyPass", 9) == 0 &&
	    strncasecmp(like->name, "ProxyPass", 9) == 0) {
		col = like->arg_start[0] - like->name_start;
		if (col > strlen(like->name) + 1 && col > strlen(name))
			pad = col - strlen(name);
	}
	s = xasprintf("%s%s%*s%s%s", ind, name, (int)pad, "", args,
	    eol(like->file));
	free(ind);
	return s;
}

/* Replace an argument in place, keeping its quoting. */
static void
set_arg(struct planner *pl, const struct cf_node *n, size_t i,
    const char *value)
{
	const char	*raw = n->args[i];
	char		*text;

	if ((raw[0] == '"' || raw[0] == '\'') && strchr(value, raw[0]) ==
	    NULL)
		text = xasprintf("%c%s%c", raw[0], value, raw[0]);
	else
		text = str_quote_arg(value);
	edit(pl, n->file, n->arg_start[i], n->arg_end[i], text);
}

static char *
rev_args(const struct px_pass *pp, const char *url)
{
	char	*q = str_quote_arg(url), *s;

	if (pp->ctx_path != NULL)
		return q;
	s = xasprintf("%s %s", pp->dir->node->args[0], q);
	free(q);
	return s;
}

static void
relabel(struct planner *pl, struct px_vhost *px)
{
	size_t	i;

	for (i = 0; i < px->passes.n; i++) {
		struct px_pass	*b = px->passes.v[i];
		char		*url, *arg;

		if (!px_label_shared(px, i) || b->url.socket == NULL)
			continue;
		url = px_relabelled_url(b);
		arg = xasprintf("unix:%s|%s", b->url.socket, url);
		set_arg(pl, b->dir->node, b->ctx_path ? 0 : 1, arg);
		note(&pl->p->notes, "%s:%u: socket %s gets its own label %s",
		    b->dir->node->file->path, b->dir->node->line,
		    b->url.socket, url);
		free(b->url.backend);
		b->url.backend = url;
		free(arg);
	}
}

/* trailing-slash where the URL has no path at all (proxy.h). */
static void
fix_slashes(struct planner *pl, struct px_vhost *px)
{
	size_t	i;

	for (i = 0; i < px->passes.n; i++) {
		struct px_pass	*pp = px->passes.v[i];
		size_t		 k = pp->ctx_path ? 0 : 1;
		char		*arg;

		if (pp->server_level || !px_slash_fixable(pp))
			continue;
		arg = xasprintf("%s/", pp->dir->args[k]);
		set_arg(pl, pp->dir->node, k, arg);
		note(&pl->p->notes, "%s:%u: ProxyPass %s -> %s",
		    pp->dir->node->file->path, pp->dir->node->line,
		    pp->dir->args[k], arg);
		free(arg);
	}
	px_fix_slashes(px);
}

/* Append the bytes [start, end) of f to out with the edits already
 * planned strictly inside that range applied, and drop those edits: the
 * text is moving elsewhere (a relabelled ProxyPass that proxypass-order
 * also moves), and two edits of one byte range would overlap. */
static void
take_range(struct planner *pl, struct cf_file *f, size_t start, size_t end,
    struct buf *out)
{
	struct vec	*ev = &pl->p->edits;
	size_t		 at = start, i, k;

	for (;;) {
		struct edit	*e = NULL;

		for (i = 0; i < ev->n; i++) {
			struct edit	*x = ev->v[i];

			if (x->file != f || x->start < at || x->end > end ||
			    (x->start == x->end && (x->start == start ||
			    x->start == end)))
				continue;
			if (e == NULL || x->start < e->start ||
			    (x->start == e->start && x->seq < e->seq)) {
				e = x;
				k = i;
			}
		}
		if (e == NULL)
			break;
		buf_add(out, f->text + at, e->start - at);
		buf_adds(out, e->text);
		at = e->end;
		ev->v[k] = ev->v[--ev->n];
		free(e->text);
		free(e);
	}
	buf_add(out, f->text + at, end - at);
}

/* Start of the comment lines right above a node (they describe it). */
static size_t
above_comments(const struct cf_node *n)
{
	const char	*t = n->file->text;
	size_t		 at = n->line_start;

	while (at > 0) {
		size_t	prev = at - 1, i;

		while (prev > 0 && t[prev - 1] != '\n')
			prev--;
		for (i = prev; i < at && (t[i] == ' ' || t[i] == '\t'); i++)
			;
		if (i >= at || t[i] != '#')
			break;
		at = prev;
	}
	return at;
}

static const struct cf_node *
first_pass_anchor(const struct px_vhost *px)
{
	size_t	i;

	for (i = 0; i < px->passes.n; i++) {
		struct px_pass	*pp = px->passes.v[i];

		if (pp->server_level)
			continue;
		return pp->dir->ctx ? pp->dir->ctx : pp->dir->node;
	}
	/* A vhost that proxies only through RewriteRule [P]. */
	if (px->rewrite_anchor != NULL)
		return px->rewrite_anchor->node;
	return NULL;
}

/* The pass covering this one from earlier in the same context, if any. */
static const struct px_pass *
covered_by(const struct px_vhost *px, size_t i)
{
	const struct px_pass	*b = px->passes.v[i];
	size_t			 j;

	for (j = 0; j < i; j++) {
		const struct px_pass	*a = px->passes.v[j];

		if (a->server_level || a->url.bad_syntax ||
		    (a->ctx_path == NULL) != (b->ctx_path == NULL) ||
		    (a->ctx_path && strcmp(a->ctx_path, b->ctx_path) != 0) ||
		    a->dir->node->file != b->dir->node->file)
			continue;
		if (px_path_covers(a->path, b->path))
			return px_order_movable(a, b) ? a : NULL;
	}
	return NULL;
}

/* Apply the model's ProxyPassReverse changes for one pass (redirect.h):
 * rewrites in place, removals, and new lines after the last line kept or
 * rewritten, else into after (placed right after the ProxyPass). */
static void
fix_revs(struct planner *pl, const struct px_pass *pp,
    const struct vec *changes, struct buf *after)
{
	size_t	i;

	for (i = 0; i < changes->n; i++) {
		const struct rd_change	*c = changes->v[i];
		struct cf_node		*n;
		char			*args, *line;

		if (c->pass != pp)
			continue;
		if (c->line != NULL) {
			n = c->line->dir->node;
			if (c->url != NULL) {
				set_arg(pl, n, c->line->dir->ctx ? 0 : 1,
				    c->url);
				note(&pl->p->notes, "%s:%u: ProxyPassReverse "
				    "%s -> %s", n->file->path, n->line,
				    c->line->url, c->url);
			} else {
				edit(pl, n->file, n->line_start, line_end(
				    n->file, n->end), xstrdup(""));
				note(&pl->p->notes, "%s:%u: ProxyPassReverse "
				    "%s removed (%s)", n->file->path, n->line,
				    c->line->url, pp != NULL ? "not a URL the "
				    "backend redirects with" : "no ProxyPass "
				    "for its path, and it caught other paths' "
				    "redirects");
			}
			continue;
		}
		if (pp == NULL)		/* a new line needs its ProxyPass */
			continue;
		args = rev_args(pp, c->url);
		line = new_line(pp->dir->node, "ProxyPassReverse", args);
		if (c->after != NULL) {
			n = c->after->dir->node;
			edit(pl, n->file, line_end(n->file, n->end),
			    line_end(n->file, n->end), line);
		} else {
			buf_adds(after, line);
			free(line);
		}
		note(&pl->p->notes, "%s:%u: ProxyPassReverse %s added",
		    pp->dir->node->file->path, pp->dir->node->line, args);
		free(args);
	}
}

static int
module_ok(const struct cf_config *c, const char *id)
{
	return conf_has_module(c, id);
}

static void
plan_vhost(struct planner *pl, struct cf_vhost *v)
{
	const struct cf_config	*c = pl->c;
	const struct plan_opts	*o = pl->o;
	struct px_vhost		 px;
	const struct cf_node	*anchor;
	struct buf		 head = { 0 };
	struct vec		 changes = { 0 };
	const char		*added_xfp = NULL;
	int			 preserve, xfp_needed;
	size_t			 i;

	px_vhost_build(c, v, &px);
	anchor = first_pass_anchor(&px);
	if (!px.proxies || anchor == NULL) {
		px_vhost_free(&px);
		return;
	}
	preserve = o->preserve_host == PLAN_KEEP ? px.preserve_host :
	    o->preserve_host == PLAN_ON;
	/* The header rules' own test: what check reports, fix adds. */
	xfp_needed = rules_needs_forwarded_proto(c, v);
	if (o->forwarded_proto == PLAN_ON && xfp_needed &&
	    module_ok(c, "headers_module"))
		added_xfp = "https";
	/* Labels and slashes first: the ProxyPassReverse lines follow the
	 * new URLs. */
	relabel(pl, &px);
	fix_slashes(pl, &px);
	if (redirect_fix_plan(&px, preserve, &added_xfp, &changes))
		/* The backend would redirect with https:// and no line
		 * maps it back: leave the header to a human. */
		note(&pl->p->manual, "%s:%u: X-Forwarded-Proto https would "
		    "send the backend's redirects to its own address (no "
		    "ProxyPassReverse the fix can write maps them): set it by "
		    "hand with the right ProxyPassReverse lines",
		    anchor->file->path, anchor->line);

	/* ProxyPreserveHost: in place when the vhost has one, else added
	 * before the first ProxyPass when it must change. */
	if (px.preserve.n > 0) {
		struct cf_dir	*d = px.preserve.v[px.preserve.n - 1];

		if (str_caseeq(d->args[0], "on") != preserve) {
			set_arg(pl, d->node, 0, preserve ? "On" : "Off");
			note(&pl->p->notes, "%s:%u: ProxyPreserveHost %s",
			    d->node->file->path, d->node->line,
			    preserve ? "On" : "Off");
		}
	} else if (preserve != px.preserve_host) {
		char	*l = new_line(anchor, "ProxyPreserveHost",
		    preserve ? "On" : "Off");

		buf_adds(&head, l);
		free(l);
		note(&pl->p->notes, "%s:%u: ProxyPreserveHost %s added",
		    anchor->file->path, anchor->line, preserve ? "On" : "Off");
	}

	if (o->forwarded_proto == PLAN_ON && xfp_needed) {
		if (added_xfp != NULL) {
			char	*l = new_line(anchor, "RequestHeader",
			    "set X-Forwarded-Proto \"https\"");

			buf_adds(&head, l);
			free(l);
			note(&pl->p->notes, "%s:%u: RequestHeader set "
			    "X-Forwarded-Proto \"https\" added",
			    anchor->file->path, anchor->line);
		} else if (!module_ok(c, "headers_module")) {
			note(&pl->p->manual, "%s:%u: X-Forwarded-Proto needs "
			    "mod_headers: %s, then run the fix again",
			    anchor->file->path, anchor->line, c->debian ?
			    "a2enmod headers" : "load mod_headers");
			by_hand(pl, anchor->file, anchor->line,
			    "RequestHeader set X-Forwarded-Proto \"https\"",
			    "headers");
		}
	}
	if (o->hide_server == PLAN_ON && rules_needs_hide_server(c, v)) {
		if (module_ok(c, "headers_module")) {
			char	*l = new_line(anchor, "Header",
			    "unset Server");

			buf_adds(&head, l);
			free(l);
			note(&pl->p->notes, "%s:%u: Header unset Server added",
			    anchor->file->path, anchor->line);
		} else {
			if (o->forwarded_proto != PLAN_ON || !px.tls ||
			    px.xfp != NULL)
				note(&pl->p->manual, "%s:%u: Header unset "
				    "Server needs mod_headers: %s, then run "
				    "the fix again", anchor->file->path,
				    anchor->line, c->debian ?
				    "a2enmod headers" : "load mod_headers");
			by_hand(pl, anchor->file, anchor->line,
			    "Header unset Server", "headers");
		}
	}

	/* Added before the first ProxyPass, and before anything moved
	 * there, so they read first. */
	if (head.len > 0) {
		size_t	at = above_comments(anchor);

		edit(pl, anchor->file, at, at, buf_steal(&head));
	}
	buf_free(&head);

	for (i = 0; i < px.passes.n; i++) {
		struct px_pass		*pp = px.passes.v[i];
		const struct px_pass	*cover;
		struct buf		 after = { 0 };
		struct cf_node		*n = pp->dir->node;

		if (pp->server_level)
			continue;
		fix_revs(pl, pp, &changes, &after);
		cover = covered_by(&px, i);
		if (cover != NULL) {
			/* proxypass-order: move the line (and its new
			 * ProxyPassReverse lines) above the broader one. */
			struct cf_node	*a = cover->dir->node;
			size_t		 e = line_end(n->file, n->end);
			size_t		 from = above_comments(n);
			struct buf	 moved = { 0 };

			/* The comment lines right above it go along. */
			if (from < line_end(a->file, a->end))
				from = n->line_start;
			take_range(pl, n->file, from, e, &moved);
			if (e == n->file->len && (e == 0 ||
			    n->file->text[e - 1] != '\n'))
				buf_adds(&moved, eol(n->file));
			buf_add(&moved, after.data ? after.data : "",
			    after.len);
			edit(pl, n->file, from, e, xstrdup(""));
			edit(pl, a->file, a->line_start, a->line_start,
			    buf_steal(&moved));
			note(&pl->p->notes, "%s:%u: ProxyPass %s moved above "
			    "line %u", n->file->path, n->line, pp->path,
			    a->line);
		} else if (after.len > 0) {
			size_t	e = line_end(n->file, n->end);

			edit(pl, n->file, e, e, buf_steal(&after));
		}
		buf_free(&after);
	}
	fix_revs(pl, NULL, &changes, NULL);
	vec_free_all(&changes, redirect_change_free);
	px_vhost_free(&px);
}

static void
plan_server_tokens(struct planner *pl)
{
	const struct cf_config	*c = pl->c;
	struct cf_dir		*last = NULL;
	struct cf_file		*main_file;
	size_t			 i;

	for (i = 0; i < c->server_dirs.n; i++) {
		struct cf_dir	*d = c->server_dirs.v[i];

		if (conf_is(d->node, "ServerTokens") && d->nargs >= 1 &&
		    d->ctx == NULL)
			last = d;
	}
	if (last != NULL) {
		if (str_caseeq(last->args[0], "Prod") ||
		    str_caseeq(last->args[0], "ProductOnly"))
			return;
		set_arg(pl, last->node, 0, "Prod");
		note(&pl->p->notes, "%s:%u: ServerTokens Prod (was %s)",
		    last->node->file->path, last->node->line, last->args[0]);
		return;
	}
	main_file = c->files.v[0];
	if (main_file->parse_failed) {
		/* Appending to a file that does not parse cannot give one
		 * that does. */
		note(&pl->p->manual, "%s does not parse: fix it, then add "
		    "\"ServerTokens Prod\" to it", main_file->path);
		by_hand(pl, main_file, 0, "ServerTokens Prod", NULL);
		return;
	}
	{
		size_t	end = main_file->len;
		int	nl = end > 0 && main_file->text[end - 1] == '\n';

		edit(pl, main_file, end, end, xasprintf("%s# Added by "
		    "vhostfix: show only \"Apache\" in the Server header%s"
		    "ServerTokens Prod%s", nl ? "" : eol(main_file),
		    eol(main_file), eol(main_file)));
		note(&pl->p->notes, "%s: ServerTokens Prod added",
		    main_file->path);
	}
}

int
plan_build(const struct cf_config *c, struct cf_vhost *const *vhosts,
    size_t n, const struct plan_opts *o, struct plan *out)
{
	struct planner	pl;
	size_t		i;

	memset(out, 0, sizeof *out);
	pl.c = c;
	pl.o = o;
	pl.p = out;
	pl.seq = 0;
	for (i = 0; i < n; i++)
		plan_vhost(&pl, vhosts[i]);
	if (o->server_tokens_prod == PLAN_ON && c->files.n > 0)
		plan_server_tokens(&pl);
	return 0;
}

static void
edit_free(void *p)
{
	struct edit	*e = p;

	free(e->text);
	free(e);
}

static void
plan_line_free(void *p)
{
	struct plan_line	*l = p;

	free(l->text);
	free(l);
}

void
plan_free(struct plan *p)
{
	vec_free_all(&p->edits, edit_free);
	vec_free_all(&p->notes, free);
	vec_free_all(&p->manual, free);
	vec_free(&p->modules);
	vec_free_all(&p->by_hand, plan_line_free);
}
