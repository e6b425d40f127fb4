/* conf.c: the data of a loaded configuration: building node trees (for
 * the two parsers, augw.c and scan.c), line numbers, and freeing it all.
 * It depends on nothing but util.c, so every layer may use it. */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "conf.h"

void
conf_index_lines(struct cf_file *f)
{
	size_t	i, cap = 64;

	f->lines = xmalloc(cap * sizeof *f->lines);
	f->nlines = 0;
	f->lines[f->nlines++] = 0;
	for (i = 0; i < f->len; i++) {
		if (f->text[i] != '\n' || i + 1 >= f->len)
			continue;
		if (f->nlines == cap) {
			cap *= 2;
			f->lines = xrealloc(f->lines, cap * sizeof *f->lines);
		}
		f->lines[f->nlines++] = i + 1;
	}
}

unsigned
conf_line_of(const struct cf_file *f, size_t off)
{
	size_t	lo = 0, hi = f->nlines;

	/* Last line start <= off. */
	while (hi - lo > 1) {
		size_t	mid = (lo + hi) / 2;

		if (f->lines[mid] <= off)
			lo = mid;
		else
			hi = mid;
	}
	return (unsigned)lo + 1;
}

static void
node_free(struct cf_node *n)
{
	size_t	i;

	free(n->name);
	for (i = 0; i < n->nargs; i++)
		free(n->args[i]);
	free(n->args);
	free(n->arg_start);
	free(n->arg_end);
	cf_node_free_kids(n);
	free(n);
}

void
cf_node_free_kids(struct cf_node *n)
{
	size_t	i;

	for (i = 0; i < n->nkids; i++)
		node_free(n->kids[i]);
	free(n->kids);
	n->kids = NULL;
	n->nkids = 0;
}

void
cf_node_add_kid(struct cf_node *parent, struct cf_node *kid)
{
	/* Capacity doubles at each power of two. */
	if ((parent->nkids & (parent->nkids - 1)) == 0)
		parent->kids = xrealloc(parent->kids,
		    (parent->nkids ? parent->nkids * 2 : 1) *
		    sizeof *parent->kids);
	parent->kids[parent->nkids++] = kid;
}

void
cf_node_add_arg(struct cf_node *n, const char *value, size_t len,
    size_t start, size_t end)
{
	n->args = xrealloc(n->args, (n->nargs + 1) * sizeof *n->args);
	n->arg_start = xrealloc(n->arg_start,
	    (n->nargs + 1) * sizeof *n->arg_start);
	n->arg_end = xrealloc(n->arg_end, (n->nargs + 1) * sizeof *n->arg_end);
	n->args[n->nargs] = xstrndup(value, len);
	n->arg_start[n->nargs] = start;
	n->arg_end[n->nargs] = end;
	n->nargs++;
}

static void
dir_free(void *p)
{
	struct cf_dir	*d = p;
	size_t		 i;

	for (i = 0; i < d->nargs; i++)
		free(d->args[i]);
	free(d->args);
	free(d->ctx_path);
	free(d);
}

static void
vhost_free(void *p)
{
	struct cf_vhost	*v = p;
	size_t		 i;

	for (i = 0; i < v->naddrs; i++)
		free(v->addrs[i]);
	free(v->addrs);
	for (i = 0; i < v->naliases; i++)
		free(v->aliases[i]);
	free(v->aliases);
	free(v->server_name);
	vec_free_all(&v->dirs, dir_free);
	free(v);
}

static void
file_free(void *p)
{
	struct cf_file	*f = p;

	cf_node_free_kids(&f->top);
	free(f->path);
	free(f->real);
	free(f->abspath);
	free(f->text);
	free(f->err_msg);
	free(f->lines);
	free(f);
}

static void
problem_free(void *p)
{
	struct cf_problem	*pr = p;

	free(pr->file);
	free(pr->message);
	free(pr);
}

void
conf_free(struct cf_config *c)
{
	if (c == NULL)
		return;
	vec_free_all(&c->vhosts, vhost_free);
	vec_free_all(&c->server_dirs, dir_free);
	vec_free_all(&c->files, file_free);
	vec_free_all(&c->modules, free);
	vec_free_all(&c->defines, free);
	vec_free_all(&c->env, free);
	vec_free_all(&c->problems, problem_free);
	free(c->root);
	free(c->main_config);
	free(c->server_root);
	free(c->run_user);
	free(c->run_group);
	free(c);
}
