/* tui.c: the wizard's curses lifecycle, navigation and input loop.
 *
 * The only file that starts and stops curses.  Startup order matters:
 * the caller has parsed options and loaded the tree (errors on a normal
 * terminal), setlocale() ran in main.  Here: signals, stderr parked in a
 * temporary file (a stray message must not garble the screen; it is
 * replayed after endwin), newterm, colors or monochrome and the glyph
 * table (tui-draw.c).  Every exit path goes through tui_stop().  The loop
 * draws the current step's screen with the overlays (tui-overlay.c) and
 * gives it the keys its keymap maps. */
#include "config.h"

#include <curses.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli.h"
#include "report.h"
#include "tui-int.h"
#include "tui.h"

static const struct screen *const tui_screens[STEP__COUNT] = {
	[STEP_LIST] = &screen_list,
	[STEP_DIAG] = &screen_diag,
	[STEP_HOST] = &screen_host,
	[STEP_EXTRAS] = &screen_extras,
	[STEP_DIFF] = &screen_diff,
	[STEP_WRITE] = &screen_write,
	[STEP_DONE] = &screen_done,
};

static volatile sig_atomic_t	 tui_signal;
static int			 tui_active;
static SCREEN			*tui_screen;
static int			 tui_saved_stderr = -1;
static FILE			*tui_parked_stderr;

static void
tui_on_signal(int sig)
{
	tui_signal = sig;
}

/* A crash: put the terminal back as far as possible, then die of the
 * same signal so the shell and core dumps see it. */
static void
tui_on_crash(int sig)
{
	if (tui_active)
		endwin();
	if (tui_saved_stderr >= 0)
		dup2(tui_saved_stderr, STDERR_FILENO);
	signal(sig, SIG_DFL);
	raise(sig);
}

static void
tui_on_oom(void)
{
	if (tui_active) {
		endwin();
		tui_active = 0;
	}
	if (tui_saved_stderr >= 0)
		dup2(tui_saved_stderr, STDERR_FILENO);
}

int
tui_interrupted(void)
{
	return tui_signal != 0;
}

static void
tui_signals(void)
{
	static const int	 quit_sigs[] = { SIGINT, SIGTERM, SIGHUP };
	static const int	 crash_sigs[] = { SIGSEGV, SIGBUS, SIGFPE,
				    SIGILL, SIGABRT };
	struct sigaction	 sa;
	size_t			 i;

	memset(&sa, 0, sizeof sa);
	sigemptyset(&sa.sa_mask);
	/* No SA_RESTART: a blocking read returns and the loop looks. */
	sa.sa_handler = tui_on_signal;
	for (i = 0; i < sizeof quit_sigs / sizeof quit_sigs[0]; i++)
		sigaction(quit_sigs[i], &sa, NULL);
	sa.sa_handler = tui_on_crash;
	sa.sa_flags = SA_RESETHAND | SA_NODEFER;
	for (i = 0; i < sizeof crash_sigs / sizeof crash_sigs[0]; i++)
		sigaction(crash_sigs[i], &sa, NULL);
}

/* The keys as xterm-like terminals (and tmux) send them, whatever TERM's
 * terminfo says: a vt100 entry lacks PgUp, PgDn, Home, End, Insert and
 * Delete, and PuTTY, the Linux console and tmux send Home and End as
 * ESC [1~ / ESC [4~, xterm ESC OH / ESC OF or ESC [H / ESC [F; the arrows
 * come as ESC [A or, in keypad mode, ESC OA.  Unbound sequences only. */
static void
tui_extra_keys(void)
{
	static const struct {
		const char	*seq;
		int		 key;
	} extra[] = {
		{ "\033[1~", KEY_HOME },
		{ "\033[7~", KEY_HOME },
		{ "\033[H", KEY_HOME },
		{ "\033OH", KEY_HOME },
		{ "\033[4~", KEY_END },
		{ "\033[8~", KEY_END },
		{ "\033[F", KEY_END },
		{ "\033OF", KEY_END },
		{ "\033[5~", KEY_PPAGE },
		{ "\033[6~", KEY_NPAGE },
		{ "\033[2~", KEY_IC },
		{ "\033[3~", KEY_DC },
		{ "\033[A", KEY_UP },
		{ "\033[B", KEY_DOWN },
		{ "\033[C", KEY_RIGHT },
		{ "\033[D", KEY_LEFT },
		{ "\033OA", KEY_UP },
		{ "\033OB", KEY_DOWN },
		{ "\033OC", KEY_RIGHT },
		{ "\033OD", KEY_LEFT },
		{ "\033OP", KEY_F(1) },
	};
	size_t	i;

	for (i = 0; i < sizeof extra / sizeof extra[0]; i++)
		if (key_defined(extra[i].seq) == 0)
			define_key(extra[i].seq, extra[i].key);
}

/* After an Esc: the rest of a sequence no terminfo entry names arrives
 * with it, at once (an Esc typed alone has nothing after it within the
 * escape delay).  Swallow such a sequence, up to its final byte, rather
 * than take it as Esc and a few keys (Esc and any other key sent at once
 * stay two keys).  Returns 1 if it was one. */
static int
tui_swallow_sequence(void)
{
	int	ch, n = 0;

	timeout(0);
	ch = getch();
	if (ch == ERR)
		return 0;
	if (ch != '[' && ch != 'O') {
		/* Esc, then a key typed (or sent) with it: both count */
		ungetch(ch);
		return 0;
	}
	/* CSI: parameters, then a final byte @..~; SS3: one byte */
	if (ch == 'O') {
		(void)getch();
		return 1;
	}
	while ((ch = getch()) != ERR && n++ < 32)
		if (ch >= 0x40 && ch <= 0x7e)
			break;
	return 1;
}

static int
tui_start(struct tui *t)
{
	tui_signals();
	util_set_oom_hook(tui_on_oom);

	fflush(stderr);
	tui_saved_stderr = dup(STDERR_FILENO);
	tui_parked_stderr = tmpfile();
	if (tui_saved_stderr >= 0 && tui_parked_stderr != NULL)
		dup2(fileno(tui_parked_stderr), STDERR_FILENO);

	tui_screen = newterm(NULL, stdout, stdin);
	if (tui_screen == NULL) {
		if (tui_saved_stderr >= 0)
			dup2(tui_saved_stderr, STDERR_FILENO);
		fprintf(stderr, "vhostfix: cannot use this terminal (TERM=%s)"
		    "\n", getenv("TERM") ? getenv("TERM") : "");
		return -1;
	}
	set_term(tui_screen);
	tui_active = 1;
	cbreak();
	noecho();
	nonl();
	keypad(stdscr, TRUE);
	tui_extra_keys();
	/* Esc is "back": do not wait a second for a sequence after it. */
	set_escdelay(25);
	/* The loop wakes up to notice a signal flag. */
	timeout(250);
	curs_set(0);
	tui_draw_init(t);
	return 0;
}

static void
tui_stop(void)
{
	char	chunk[4096];
	size_t	n;

	if (tui_active) {
		endwin();
		tui_active = 0;
	}
	if (tui_screen != NULL) {
		delscreen(tui_screen);
		tui_screen = NULL;
	}
	fflush(stderr);
	if (tui_saved_stderr >= 0) {
		dup2(tui_saved_stderr, STDERR_FILENO);
		close(tui_saved_stderr);
		tui_saved_stderr = -1;
	}
	if (tui_parked_stderr != NULL) {
		rewind(tui_parked_stderr);
		while ((n = fread(chunk, 1, sizeof chunk,
		    tui_parked_stderr)) > 0)
			fwrite(chunk, 1, n, stderr);
		fclose(tui_parked_stderr);
		tui_parked_stderr = NULL;
	}
	util_set_oom_hook(NULL);
}

/* ---- navigation ------------------------------------------------------- */

void
tui_goto(struct tui *t, enum tui_step step)
{
	const struct screen	*old = tui_screens[t->step];

	if (old->leave != NULL)
		old->leave(t);
	else
		free(t->data);
	t->data = NULL;
	t->step = step;
	t->screen = tui_screens[step];
	t->help = 0;
	if (tui_screens[step]->enter != NULL)
		tui_screens[step]->enter(t);
}

/* The steps that matter for this walk: the Host question only when a
 * finding depends on it, the extras only when one applies. */
static int
tui_step_wanted(struct tui *t, int step)
{
	const struct wizard	*w = &t->wz;

	switch (step) {
	case STEP_HOST:
		return wizard_needs_host(w);
	case STEP_EXTRAS:
		return wizard_extra_applies(w, WZ_FORWARDED_PROTO) ||
		    wizard_extra_applies(w, WZ_HIDE_SERVER) ||
		    wizard_extra_applies(w, WZ_SERVER_TOKENS) ||
		    wizard_extra_applies(w, WZ_A2ENMOD);
	default:
		return 1;
	}
}

void
tui_goto_next(struct tui *t)
{
	int	step = t->step + 1;

	while (step < STEP_DIFF && !tui_step_wanted(t, step))
		step++;
	tui_goto(t, step);
}

void
tui_goto_prev(struct tui *t)
{
	int	step = t->step - 1;

	while (step > STEP_DIAG && !tui_step_wanted(t, step))
		step--;
	tui_goto(t, step);
}

static void
tui_quit_yes(struct tui *t)
{
	t->quit = 1;
}

void
tui_request_quit(struct tui *t)
{
	if (t->wz.pending)
		tui_ask(t, "A change is prepared but not written. "
		    "Quit without writing it?", tui_quit_yes, NULL);
	else
		t->quit = 1;
}

/* ---- the frame and the loop ------------------------------------------- */

static void
tui_draw(struct tui *t)
{
	const struct screen	*s = tui_screens[t->step];
	char			*title, *what;
	int			 h;

	if (COLS < TUI_MIN_COLS || LINES < TUI_MIN_ROWS) {
		tui_draw_small(t);
		refresh();
		return;
	}
	erase();
	tui_fill(t, 0, 0, COLS, TA_TITLE);
	if (t->wz.batch.n > 1)
		what = xasprintf(": %zu vhosts", t->wz.batch.n);
	else
		what = xasprintf("%s%s", t->wz.vhost != NULL ? ": " : "",
		    t->wz.vhost != NULL ? conf_vhost_name(t->wz.vhost) : "");
	title = xasprintf(" vhostfix  Step %d of %d %s%s%s", t->step + 1,
	    STEP__COUNT, s->title, what, t->wz.opts.dry_run ?
	    "  [dry run]" : "");
	free(what);
	tui_put(t, 0, 0, COLS, TA_TITLE, title, 0);
	free(title);

	h = LINES - 3;
	if (t->help)
		tui_draw_help(t, 1, h);
	else
		s->draw(t, 1, h);

	tui_hline(t, LINES - 2, 0, COLS);
	tui_draw_overlays(t);
	refresh();
}

void
tui_redraw(struct tui *t)
{
	tui_draw(t);
}

/* While the diagnosis runs, the list's moves, its filter, help and quit
 * go on; any other key acts on findings, and waits for them. */
static int
tui_action_light(int action)
{
	switch (action) {
	case TUI_NONE:
	case TUI_UP:
	case TUI_DOWN:
	case TUI_PGUP:
	case TUI_PGDN:
	case TUI_HOME:
	case TUI_END:
	case TUI_SCROLL_LEFT:
	case TUI_SCROLL_RIGHT:
	case TUI_FILTER:
	case TUI_BACK:
	case TUI_HELP:
	case TUI_QUIT:
		return 1;
	default:
		return 0;
	}
}

static void
tui_diagnosis_advanced(struct tui *t)
{
	if (tui_screens[t->step]->update != NULL)
		tui_screens[t->step]->update(t);
}

static void
tui_wait_diagnosis(struct tui *t)
{
	size_t	done, total;

	wizard_progress(&t->wz, &done, &total);
	tui_message(t, "Checking the other %zu virtual hosts first...",
	    total - done);
	tui_draw(t);
	wizard_complete(&t->wz);
	free(t->msg);
	t->msg = NULL;
	tui_diagnosis_advanced(t);
}

static void
tui_key(struct tui *t, int ch)
{
	const struct screen	*s = tui_screens[t->step];
	unsigned		 mode = tui_mode(t);
	size_t			 i, j, nkeys;
	int			 action = TUI_NONE, n;

	if (COLS < TUI_MIN_COLS || LINES < TUI_MIN_ROWS) {
		/* no room for a question: q quits, writing nothing */
		if (ch == 'q' || ch == 'Q')
			t->quit = 1;
		return;
	}
	if (tui_overlay_key(t, ch))
		return;
	free(t->msg);
	t->msg = NULL;

	for (n = 0; n < 2 && action == TUI_NONE; n++) {
		const struct screen_key	*keys = tui_keymap(s, n, &nkeys);

		for (i = 0; i < nkeys && action == TUI_NONE; i++) {
			if (!tui_key_active(&keys[i], mode))
				continue;
			for (j = 0; keys[i].keys[j] != 0; j++)
				if (keys[i].keys[j] == ch) {
					action = keys[i].action;
					break;
				}
		}
	}
	if (wizard_busy(&t->wz) && !tui_action_light(action))
		tui_wait_diagnosis(t);
	if (action == TUI_NONE && s->off != NULL) {
		/* a key of this screen that is off now says why */
		const struct screen_key	*keys = tui_keymap(s, 0, &nkeys);
		const char		*why;

		for (i = 0; i < nkeys; i++)
			for (j = 0; keys[i].keys[j] != 0; j++)
				if (keys[i].keys[j] == ch &&
				    (why = s->off(t, keys[i].action)) !=
				    NULL) {
					tui_message(t, "%s", why);
					return;
				}
	}
	switch (action) {
	case TUI_NONE:
		if (ch == 12)	/* ^L */
			clearok(curscr, TRUE);
		return;
	case TUI_HELP:
		t->help = 1;
		return;
	case TUI_QUIT:
		tui_request_quit(t);
		return;
	default:
		s->key(t, action, ch);
		return;
	}
}

int
tui_run(struct tui_opts *opts)
{
	struct tui	 t;
	char		*summary, *line, *nl;
	int		 ch, sig;

	memset(&t, 0, sizeof t);
	t.opts = opts;
	t.exit_code = EXIT_CLEAN;
	wizard_init(&t.wz, &opts->wizard, opts->config);
	opts->config = NULL;

	if (tui_start(&t) != 0) {
		wizard_free(&t.wz);
		return EXIT_USAGE;
	}
	t.step = STEP_LIST;
	t.screen = tui_screens[t.step];
	if (tui_screens[t.step]->enter != NULL)
		tui_screens[t.step]->enter(&t);
	while (!t.quit && !tui_signal) {
		tui_draw(&t);
		/* The diagnosis of a large tree goes on between keys, in
		 * slices short enough for a key to feel answered at once. */
		timeout(wizard_busy(&t.wz) ? 0 : 250);
		ch = getch();
		if (ch == ERR && wizard_busy(&t.wz)) {
			wizard_work(&t.wz, TUI_WORK_MS);
			tui_diagnosis_advanced(&t);
			continue;
		}
		if (ch == ERR || ch == KEY_RESIZE)
			continue;
		if (ch == 27 && tui_swallow_sequence())
			continue;
		tui_key(&t, ch);
	}
	sig = tui_signal;
	tui_stop();

	if (tui_screens[t.step]->leave != NULL)
		tui_screens[t.step]->leave(&t);
	else
		free(t.data);
	tui_overlays_free(&t);
	free(t.filter);
	/* What the session did, on the terminal that stays. */
	summary = wizard_session_summary(&t.wz);
	for (line = summary; *line != '\0'; line = nl + 1) {
		char	*one, *inert;

		nl = strchr(line, '\n');
		if (nl == NULL)
			nl = line + strlen(line);
		one = xstrndup(line, (size_t)(nl - line));
		inert = report_inert(one);
		printf("%s\n", inert);
		free(inert);
		free(one);
		if (*nl == '\0')
			break;
	}
	fflush(stdout);
	free(summary);
	wizard_free(&t.wz);

	if (sig != 0) {
		/* Die of the signal, as a shell expects; the terminal is
		 * back and nothing was written that the user did not
		 * confirm. */
		signal(sig, SIG_DFL);
		raise(sig);
	}
	return t.exit_code;
}
