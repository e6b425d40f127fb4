/* screen-done.c: step 7, what changed, and what to do next.
 *
 * Each change at its own line of the new file, in order (read from the
 * diff, where the planner's notes name the old line of an anchor).  On
 * a written tree: u undoes the write (the rollback of the set just made,
 * after a question), and where a reload is possible (the live root or
 * --reload-cmd) r reloads Apache and verifies each vhost through its own
 * listener, a check per line, with the difference and the rollback
 * command on a failure.  Enter reads the configuration again and goes
 * back to the list. */
#include "config.h"

#include <curses.h>
#include <stdlib.h>
#include <string.h>

#include "screen.h"
#include "verify.h"

enum {
	DN_UNDO = 1,		/* written, not undone */
	DN_VERIFY = 2,		/* ... and a reload is possible */
};

static const struct screen_key done_keys[] = {
	{ { 'r' }, "r", "reload and verify",
	    "reload Apache, then check each vhost through Apache itself",
	    TUI_NEXT, DN_VERIFY },
	{ { 'u' }, "u", "undo", "undo the write: restore the backup set "
	    "(asks first)", TUI_UNDO, DN_UNDO },
	{ { '\r', '\n', KEY_ENTER, 27, KEY_LEFT }, "Enter", "back to list",
	    "read the configuration again and go back to the list",
	    TUI_ENTER, 0 },
	TUI_SCROLL_KEYS("scroll right"),
};

static unsigned
done_mode(struct tui *t)
{
	const struct wizard	*w = &t->wz;
	unsigned		 m = 0;

	if (!w->opts.dry_run && w->have_res && w->res.status == WR_OK &&
	    (!w->have_undo || w->undo.status != WR_OK)) {
		m |= DN_UNDO;
		if (wizard_reload_offered(w))
			m |= DN_VERIFY;
	}
	return m;
}

/* The diff's changes, each at its line: "+" at the new file's line,
 * "-" at the old file's. */
static void
done_changes(struct tui *t, struct tui_view *tv)
{
	const char	*p = t->wz.fix.diff.data, *nl;
	char		*file = NULL, *line;
	unsigned	 o = 0, n = 0;

	for (; p != NULL && *p != '\0'; p = nl + 1) {
		nl = strchr(p, '\n');
		if (nl == NULL)
			nl = p + strlen(p);
		line = xstrndup(p, (size_t)(nl - p));
		if (str_startswith(line, "+++ ")) {
			free(file);
			file = xstrdup(str_startswith(line, "+++ b") ?
			    line + 5 : line + 4);
		} else if (str_startswith(line, "--- ") ||
		    str_startswith(line, "diff "))
			;
		else if (str_startswith(line, "@@ ")) {
			const char	*q = strchr(line, '+');

			o = (unsigned)strtoul(line + 4, NULL, 10);
			n = q != NULL ? (unsigned)strtoul(q + 1, NULL, 10) : 0;
		} else if (*line == '+') {
			tui_line(tv, TA_ADD, "  %s:%u  + %s", file ? file : "",
			    n, line + 1 + strspn(line + 1, " \t"));
			n++;
		} else if (*line == '-') {
			tui_line(tv, TA_DEL, "  %s:%u  - %s (was here)",
			    file ? file : "", o,
			    line + 1 + strspn(line + 1, " \t"));
			o++;
		} else if (*line == ' ') {
			o++;
			n++;
		}
		free(line);
		if (*nl == '\0')
			break;
	}
	free(file);
}

/* The screen's own state: the text, and where the verify result
 * starts (shown on top after r). */
struct done_data {
	struct tui_view	 text;		/* first: tui_view_screen_draw */
	size_t		 verify_line;
};

static void
done_build(struct tui *t)
{
	struct done_data	*d = t->data;
	struct tui_view		*tv = &d->text;
	const struct wizard	*w = &t->wz;
	size_t			 i;
	char			*undo;
	struct vec		 left = { 0 };

	tui_view_clear(tv);
	if (w->opts.dry_run) {
		tui_line(tv, TA_HEADING, "%s", "Dry run finished: nothing was "
		    "written.");
		tui_line(tv, TA_NORMAL, "%s", "What the fix would change:");
	} else if (w->batch.n > 1) {
		tui_line(tv, TA_OK, "%s The change for %zu vhosts is written "
		    "(one backup set).", tui_glyph(t, TG_FINE), w->batch.n);
		tui_line(tv, TA_NORMAL, "%s", "What changed:");
	} else {
		tui_line(tv, TA_OK, "%s The change for %s is written.",
		    tui_glyph(t, TG_FINE), conf_vhost_name(w->vhost));
		tui_line(tv, TA_NORMAL, "%s", "What changed:");
	}
	done_changes(t, tv);
	tui_line(tv, TA_NORMAL, "%s", "");
	undo = wizard_undo_command(w);
	if (w->opts.dry_run) {
		if (w->patch_path != NULL) {
			char	*cmd = wizard_patch_command(w, w->patch_path);

			tui_line(tv, TA_NORMAL, "Patch saved to %s; apply it "
			    "with:", w->patch_path);
			tui_wline(tv, TA_HEADING, "  %s", cmd);
			free(cmd);
		} else
			tui_line(tv, TA_NORMAL, "%s", "The patch was not "
			    "saved.");
	} else if (w->have_undo) {
		if (w->undo.status == WR_OK)
			tui_line(tv, TA_OK, "%s Undone: every file is back as "
			    "it was (backup set %s restored).",
			    tui_glyph(t, TG_FINE), w->res.backup_id);
		else
			tui_wline(tv, TA_ERROR, "%s Undo failed: %s",
			    tui_glyph(t, TG_ERROR), w->undo.error != NULL ?
			    w->undo.error : "see the configtest");
		for (i = 0; i < w->undo.notes.n; i++)
			tui_wline(tv, TA_NORMAL, "  %s",
			    (const char *)w->undo.notes.v[i]);
	} else if (undo != NULL) {
		tui_line(tv, TA_NORMAL, "Backup set: %s", w->res.backup_id);
		if (w->res.backup_path != NULL)
			tui_wline(tv, TA_NORMAL, "  in %s",
			    w->res.backup_path);
		if (w->opts.demo)
			tui_wline(tv, TA_NORMAL, "%s", "Demo: its copy goes "
			    "at exit; undo works while the wizard runs: "
			    "press u.");
		else {
			tui_line(tv, TA_NORMAL, "%s", "To undo it, press u "
			    "now, or run later:");
			tui_wline(tv, TA_HEADING, "  %s", undo);
		}
	}
	if (w->reload_out != NULL || w->checks.n > 0) {
		size_t	bad = 0;

		tui_line(tv, TA_NORMAL, "%s", "");
		d->verify_line = tv->lines.n;
		tui_line(tv, TA_HEADING, "%s", "Reload and verify:");
		if (w->reload_out != NULL && *w->reload_out != '\0')
			tui_lines(tv, TA_NORMAL, "  ", w->reload_out);
		for (i = 0; i < w->checks.n; i++) {
			const struct vf_check	*c = w->checks.v[i];

			tui_wline(tv, c->ok ? TA_OK : TA_ERROR, "%s %s",
			    tui_glyph(t, c->ok ? TG_FINE : TG_ERROR),
			    c->what);
			if (!c->ok) {
				tui_wline(tv, TA_NORMAL, "    expected: %s",
				    c->want);
				tui_wline(tv, TA_NORMAL, "    got:      %s",
				    c->got);
				bad++;
			}
		}
		if (bad > 0 && undo != NULL)
			tui_wline(tv, TA_HEADING, "To roll back: press u, or "
			    "run %s", undo);
	}
	free(undo);
	wizard_left(w, &left);
	for (i = 0; i < left.n; i++) {
		const struct finding	*f = left.v[i];
		size_t			 j;

		if (i == 0) {
			tui_line(tv, TA_NORMAL, "%s", "");
			tui_line(tv, TA_HEADING, "%s", "Left to you (fix "
			    "cannot change these):");
		}
		tui_wline(tv, TA_WARNING, "  %s %s:%u: %s", f->rule->id,
		    f->path != NULL ? f->path : "", f->line, f->message);
		for (j = 0; j < f->suggest.n; j++)
			tui_wline(tv, TA_OK, "    %s",
			    (const char *)f->suggest.v[j]);
	}
	vec_free(&left);
	for (i = 0; i < w->fix.plan.manual.n; i++) {
		if (i == 0) {
			tui_line(tv, TA_NORMAL, "%s", "");
			tui_line(tv, TA_HEADING, "%s", "Still needs a human:");
		}
		tui_wline(tv, TA_WARNING, "  %s",
		    (const char *)w->fix.plan.manual.v[i]);
	}
	tui_line(tv, TA_NORMAL, "%s", "");
	tui_wline(tv, TA_NORMAL, "%s", "Press Enter to go back to the list; "
	    "the configuration is read again.");
}

static void
done_enter(struct tui *t)
{
	t->data = xcalloc(1, sizeof (struct done_data));
	done_build(t);
}

static void
done_undo_yes(struct tui *t)
{
	tui_message(t, "%s", "Undoing: restoring the backup set ...");
	tui_redraw(t);
	wizard_undo(&t->wz);
	free(t->msg);
	t->msg = NULL;
	done_build(t);
}

static const char *
done_off(struct tui *t, int action)
{
	if (action != TUI_NEXT)
		return NULL;
	if (done_mode(t) & DN_UNDO)
		return "A reload needs the running system (--root /) or "
		    "--reload-cmd.";
	return "Nothing written to reload.";
}

static void
done_key(struct tui *t, int action, int ch)
{
	struct done_data	*d = t->data;
	struct tui_view		*tv = &d->text;
	int			 n;

	if (tui_view_key(tv, action, ch))
		return;
	switch (action) {
	case TUI_UNDO:
		tui_ask(t, "Undo the write: put every file back as it was?",
		    done_undo_yes, NULL);
		break;
	case TUI_NEXT:
		tui_message(t, "%s", "Reloading Apache and asking it ...");
		tui_redraw(t);
		n = wizard_reload_verify(&t->wz);
		free(t->msg);
		t->msg = NULL;
		done_build(t);
		/* the result is below the changes: show it on top */
		tv->scroll = tui_view_row_of(t, tv, d->verify_line);
		tui_message(t, "%s", n < 0 ? "The reload did not work: see "
		    "below." : n > 0 ? "Some checks failed: see below." :
		    t->wz.checks.n == 0 ? "Reloaded; nothing to ask Apache "
		    "(no HTTP backend in these vhosts)." :
		    "Verified: every check passed.");
		break;
	case TUI_ENTER:
		/* the list ends the walk: it reads the tree again */
		tui_goto(t, STEP_LIST);
		break;
	}
}

const struct screen screen_done = {
	.title = "Done",
	.off = done_off,
	.keys = done_keys,
	.nkeys = sizeof done_keys / sizeof done_keys[0],
	.mode = done_mode,
	.enter = done_enter,
	.draw = tui_view_screen_draw,
	.key = done_key,
	.leave = tui_view_screen_leave,
};
