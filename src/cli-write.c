/* cli-write.c: "fix" past the diff, and "rollback". */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli.h"
#include "wizard.h"
#include "demo.h"
#include "report.h"
#include "write.h"

/* A message of the write layer: it names files of the tree, whose names
 * may carry control characters. */
static void
say(const char *s)
{
	char	*inert = report_inert(s);

	fprintf(stderr, "vhostfix: %s\n", inert);
	free(inert);
}

/* "vhostfix [--root R] [--backup-dir B] rollback ID" */
static char *
rollback_cmd(const struct wr_opts *wo, const char *id)
{
	int	root = strcmp(wo->root, "/") != 0;

	return xasprintf("vhostfix%s%s%s%s rollback %s", root ? " --root " :
	    "", root ? wo->root : "", wo->backup_dir ? " --backup-dir " : "",
	    wo->backup_dir ? wo->backup_dir : "", id);
}

void
cli_warn_open(const char *root, const char *backup_dir)
{
	struct wr_opts	 wo;
	struct vec	 found = { 0 };
	struct wr_open	*w;
	char		*err = NULL, *cmd, *line;
	size_t		 i;

	memset(&wo, 0, sizeof wo);
	wo.root = root;
	wo.backup_dir = backup_dir;
	if (write_find_open(&wo, &found, &err) < 0) {
		say(err);
		free(err);
	}
	for (i = 0; i < found.n; i++) {
		w = found.v[i];
		cmd = rollback_cmd(&wo, w->id);
		line = xasprintf("warning: an interrupted fix is open (backup"
		    " set %s, started %s, stopped in its %s phase): %zu of %zu"
		    " files hold its new text, %zu the old, %zu neither; undo"
		    " it with: %s; or finish it: fix again with --force", w->id,
		    w->time, w->phase, w->nnew, w->nfiles, w->nold, w->nother,
		    cmd);
		say(line);
		free(line);
		free(cmd);
	}
	vec_free_all(&found, wr_open_free);
}

static int
report_result(const struct wr_opts *wo, struct wr_result *res,
    const char *what)
{
	size_t	i;

	char	*cmd, *s;

	for (i = 0; i < res->notes.n; i++)
		say(res->notes.v[i]);
	if (res->test_output != NULL && *res->test_output != '\0') {
		const char	*l, *e;

		fprintf(stderr, "vhostfix: Apache says:\n");
		for (l = res->test_output; *l != '\0'; l = *e ? e + 1 : e) {
			e = l + strcspn(l, "\n");
			cmd = xstrndup(l, (size_t)(e - l));
			s = report_inert(cmd);
			fprintf(stderr, "%s\n", s);
			free(s);
			free(cmd);
		}
	}
	if (res->error != NULL)
		say(res->error);
	switch (res->status) {
	case WR_OK:
		if (res->backup_id != NULL) {
			fprintf(stderr, "vhostfix: %s; backup set %s\n", what,
			    res->backup_id);
			/* The demo's copy goes at exit, its sets with it. */
			cmd = demo_is_copy(wo->root) ? NULL :
			    rollback_cmd(wo, res->backup_id);
			s = cmd != NULL ? xasprintf("undo with: %s", cmd) :
			    xstrdup("demo: the private copy goes at exit with "
			    "its backup sets (in the wizard, u on the Done "
			    "screen undoes a write)");
			say(s);
			free(s);
			free(cmd);
		}
		return EXIT_CLEAN;
	case WR_REFUSED:
		fprintf(stderr, "vhostfix: nothing was written\n");
		return EXIT_USAGE;
	case WR_ROLLED_BACK:
	case WR_FAILED:
	case WR_INTERRUPTED:
		fprintf(stderr, "vhostfix: the configuration is as it was "
		    "before\n");
		return res->status == WR_ROLLED_BACK ? EXIT_ROLLED_BACK :
		    res->status == WR_FAILED ? EXIT_FAILED : EXIT_INTERRUPTED;
	case WR_INCOMPLETE:
		fprintf(stderr, "vhostfix: the configuration is NOT as it was"
		    " before; file by file:\n");
		for (i = 0; i < res->states.n; i++) {
			s = report_inert(res->states.v[i]);
			fprintf(stderr, "vhostfix:   %s\n", s);
			free(s);
		}
		if (res->backup_id != NULL) {
			cmd = rollback_cmd(wo, res->backup_id);
			s = xasprintf("once the cause is fixed, finish the"
			    " restore with: %s (add --force to overwrite a"
			    " file someone else changed)", cmd);
			say(s);
			free(s);
			free(cmd);
		}
		return EXIT_INCOMPLETE;
	}
	return EXIT_USAGE;
}

static int
confirm(void)
{
	char	line[32];

	fputs("Write these changes? [y/N] ", stderr);
	fflush(stderr);
	if (fgets(line, sizeof line, stdin) == NULL)
		return 0;
	return line[0] == 'y' || line[0] == 'Y';
}

int
cli_write(struct cf_config *c, const struct wz_fix *fix, struct vec *vhosts,
    int yes, const struct wr_opts *opts)
{
	struct wr_opts		 wo;
	struct wr_result	 res;
	int			 rc;

	if (!yes) {
		if (!isatty(STDIN_FILENO)) {
			fprintf(stderr, "vhostfix: no terminal to confirm on: "
			    "add --yes to write, or --dry-run; nothing was "
			    "written\n");
			return EXIT_USAGE;
		}
		if (!confirm()) {
			fprintf(stderr, "vhostfix: nothing was written\n");
			return EXIT_USAGE;
		}
	}
	wo = *opts;
	wo.root = c->root;
	wizard_fix_write(c, fix, &wo, (struct cf_vhost *const *)vhosts->v,
	    vhosts->n, &res);
	rc = report_result(&wo, &res, fix->rendered.n == 1 ? "1 file written" :
	    "files written");
	wr_result_free(&res);
	return rc;
}

/* At most LIST_SOME items of v after lead, then "and N more": one line
 * per set in rollback --list however many files a fix touched. */
#define LIST_SOME	3
static void
list_some(struct buf *b, const struct vec *v, const char *lead)
{
	size_t	j;

	for (j = 0; j < v->n && j < LIST_SOME; j++)
		buf_printf(b, "%s%s", j ? ", " : lead, (char *)v->v[j]);
	if (v->n > LIST_SOME)
		buf_printf(b, " and %zu more", v->n - LIST_SOME);
}

static void
set_json(struct buf *b, const struct wr_set *s)
{
	buf_addc(b, '{');
	report_json_field(b, "id", s->id);
	report_json_field(b, "time", s->time);
	report_json_field(b, "kind", s->kind);
	report_json_key(b, "files");
	report_json_strings(b, (char *const *)s->files.v, s->files.n);
	report_json_key(b, "vhosts");
	report_json_strings(b, (char *const *)s->vhosts.v, s->vhosts.n);
	buf_addc(b, '}');
}

int
cli_rollback(const struct cf_opts *load, const char *id, int list,
    int force, const struct wr_opts *opts, int json)
{
	struct wr_opts		 wo;
	struct wr_result	 res;
	const char		*root = load->root && *load->root ? load->root :
				    "/";
	char			*err = NULL, *real;
	int			 rc;

	real = realpath(root, NULL);
	if (real == NULL) {
		fprintf(stderr, "vhostfix: %s: not a directory\n", root);
		return EXIT_USAGE;
	}
	wo = *opts;
	wo.root = real;
	wo.force = force;
	if (list) {
		if (!json)
			cli_warn_open(real, wo.backup_dir);
		struct vec	sets = { 0 };
		size_t		i;

		if (write_list_sets(&wo, &sets, &err) != 0) {
			fprintf(stderr, "vhostfix: %s\n", err);
			free(err);
			free(real);
			return EXIT_USAGE;
		}
		if (json)
			fputs("[", stdout);
		for (i = 0; i < sets.n; i++) {
			struct wr_set	*s = sets.v[i];
			struct buf	 b = { 0 };

			if (json) {
				buf_adds(&b, i ? "," : "");
				set_json(&b, s);
			} else {
				buf_printf(&b, "%-24s %-20s %-8s %zu file%s:",
				    s->id, s->time, s->kind, s->files.n,
				    s->files.n == 1 ? "" : "s");
				list_some(&b, &s->files, " ");
				list_some(&b, &s->vhosts, "  vhosts: ");
			}
			{
				char	*inert = json ? NULL :
				    report_inert(b.data);

				fputs(inert ? inert : b.data, stdout);
				if (inert)
					fputs("\n", stdout);
				free(inert);
			}
			buf_free(&b);
		}
		if (json)
			fputs("]\n", stdout);
		else if (sets.n == 0 && demo_is_copy(real))
			fprintf(stderr, "vhostfix: no backup sets: the demo's "
			    "private copy is new for each command (in the "
			    "wizard, u on the Done screen undoes a write)\n");
		else if (sets.n == 0)
			fprintf(stderr, "vhostfix: no backup sets under %s%s\n",
			    wo.backup_dir ? wo.backup_dir : strcmp(real, "/") ?
			    real : "", wo.backup_dir ? "" :
			    "/var/backups/vhostfix");
		vec_free_all(&sets, wr_set_free);
		free(real);
		return EXIT_CLEAN;
	}
	if (demo_is_copy(real)) {
		fprintf(stderr, "vhostfix: nothing to roll back: the demo's "
		    "private copy is new for each command (in the wizard, u "
		    "on the Done screen undoes a write)\n");
		free(real);
		return EXIT_USAGE;
	}
	memset(&res, 0, sizeof res);
	write_rollback(&wo, id, force, &res);
	rc = report_result(&wo, &res, "restored");
	wr_result_free(&res);
	free(real);
	return rc;
}
