/* fixfiles.c: write_apply()'s input from a loaded tree and its rendered
 * texts, for `fix --yes` and the wizard alike. */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "fixfiles.h"
#include "plan.h"

void
fixfiles_build(struct fixfiles *ff, const struct cf_config *c,
    const struct vec *rendered)
{
	const char	**paths;
	size_t		  i;

	memset(ff, 0, sizeof *ff);
	/* every loaded file: the pre-flight checks its stage against them */
	paths = xcalloc(c->files.n + 1, sizeof *paths);
	for (i = 0; i < c->files.n; i++)
		paths[i] = ((const struct cf_file *)c->files.v[i])->real;
	ff->tree.server_root = c->server_root;
	ff->tree.main_config = c->main_config;
	ff->tree.files = paths;
	ff->tree.nfiles = c->files.n;

	ff->files = xcalloc(rendered->n + 1, sizeof *ff->files);
	for (i = 0; i < rendered->n; i++) {
		const struct rendered	*r = rendered->v[i];
		struct wr_file		*f = &ff->files[i];

		f->path = r->file->path;
		f->real = r->file->real;
		f->old_text = r->file->text;
		f->old_len = r->file->len;
		f->old_st = r->file->st;
		f->new_text = r->text;
		f->new_len = r->len;
	}
	ff->nfiles = rendered->n;
}

void
fixfiles_free(struct fixfiles *ff)
{
	free(ff->files);
	free(ff->tree.files);
	memset(ff, 0, sizeof *ff);
}
