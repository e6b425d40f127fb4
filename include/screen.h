/* screen.h: what the wizard's steps share with tui.c.
 *
 * tui.c owns curses (init, colors, glyphs, signals, restore) and the loop;
 * each screen-*.c is one step of the walk, a const struct screen whose
 * keymap table drives both its key dispatch and its help and key line.
 * Screens draw only through the tui_* helpers below, which make every
 * string inert (control bytes and escape sequences become visible text),
 * so nothing read from a config file reaches the terminal raw. */
#ifndef VHOSTFIX_SCREEN_H
#define VHOSTFIX_SCREEN_H

#include <stddef.h>

#include "conf.h"
#include "plan.h"
#include "rules.h"
#include "tui.h"
#include "util.h"
#include "write.h"

/* Display attributes: one table in tui.c maps each to a color pair and to
 * a monochrome attribute. */
enum tui_attr {
	TA_NORMAL,
	TA_TITLE,
	TA_FRAME,
	TA_SELECTED,
	TA_HEADING,
	TA_ERROR,
	TA_WARNING,
	TA_INFO,
	TA_OK,
	TA_ADD,
	TA_DEL,
	TA_HUNK,
	TA_FILE,
	TA_HILITE,
	TA_KEY,
	TA_DIM,
	TA__COUNT
};

/* Our own glyphs: a UTF-8 table and an ASCII table in tui.c. */
enum tui_glyph {
	TG_HLINE,
	TG_VLINE,
	TG_ULCORNER,
	TG_URCORNER,
	TG_LLCORNER,
	TG_LRCORNER,
	TG_ERROR,
	TG_WARNING,
	TG_FINE,
	TG_INFO,
	TG_ARROW,
	TG_POINTER,
	TG_CHECK_ON,
	TG_CHECK_OFF,
	TG_RADIO_ON,
	TG_RADIO_OFF,
	TG_MORE,
	TG__COUNT
};

/* What a key does.  Screens map keys to actions in their keymap. */
enum tui_action {
	TUI_NONE,
	TUI_UP,
	TUI_DOWN,
	TUI_PGUP,
	TUI_PGDN,
	TUI_HOME,
	TUI_END,
	TUI_SCROLL_LEFT,
	TUI_SCROLL_RIGHT,
	TUI_ENTER,
	TUI_TOGGLE,
	TUI_BACK,
	TUI_QUIT,
	TUI_HELP,
	TUI_FILTER,
	TUI_YES,
	TUI_NO,
	TUI_WRITE,
	TUI_SAVE,
	TUI_RELOAD,
};

struct tui;

/* One row of a screen's keymap. */
struct screen_key {
	int		 keys[7];	/* curses key codes, 0-terminated;
					   none: a key line summary of the
					   entries below it */
	const char	*name;		/* as shown: "Enter", "j/k" */
	const char	*label;		/* key line word; NULL: help only */
	const char	*help;		/* one line for the help screen;
					   NULL: not in help */
	int		 action;	/* enum tui_action */
	unsigned	 when;		/* 0: always; else a mask of the
					   screen's mode() bits */
};

/* The keymap rows of a scrollable text view (tui_lines_key), for the
 * keymaps of the screens that are one: a macro, so that each screen keeps
 * one table, in the order its key line shows.  right_help is the help
 * line of l/>.  Needs <curses.h>. */
#define TUI_SCROLL_KEYS(right_help)					\
	{ { 0 }, "j/k", "scroll", NULL, TUI_NONE, 0 },			\
	{ { KEY_UP, 'k' }, "Up/k", NULL, "scroll up", TUI_UP, 0 },	\
	{ { KEY_DOWN, 'j' }, "Down/j", NULL, "scroll down", TUI_DOWN, 0 }, \
	{ { KEY_PPAGE }, "PgUp", NULL, "page up", TUI_PGUP, 0 },	\
	{ { KEY_NPAGE, ' ' }, "PgDn", NULL, "page down", TUI_PGDN, 0 },	\
	{ { KEY_HOME }, "Home", NULL, "top", TUI_HOME, 0 },		\
	{ { KEY_END }, "End", NULL, "bottom", TUI_END, 0 },		\
	{ { 'l', '>', KEY_RIGHT }, "l/>", NULL, right_help,		\
	    TUI_SCROLL_RIGHT, 0 },					\
	{ { 'h', '<' }, "h/<", NULL, "scroll left", TUI_SCROLL_LEFT, 0 }

enum tui_step {
	STEP_LIST,
	STEP_DIAG,
	STEP_HOST,
	STEP_EXTRAS,
	STEP_DIFF,
	STEP_WRITE,
	STEP_DONE,
	STEP__COUNT
};

struct screen {
	const char		*title;
	const struct screen_key	*keys;
	size_t			 nkeys;
	unsigned		(*mode)(struct tui *);	/* NULL: all keys */
	void			(*enter)(struct tui *);
	void			(*draw)(struct tui *, int y, int h);
	void			(*key)(struct tui *, int action, int ch);
	void			(*leave)(struct tui *);
};

extern const struct screen screen_list;
extern const struct screen screen_diag;
extern const struct screen screen_host;
extern const struct screen screen_extras;
extern const struct screen screen_diff;
extern const struct screen screen_write;
extern const struct screen screen_done;

/* A line of a scrollable text view. */
struct tui_line {
	int	 attr;		/* enum tui_attr */
	int	 wrap;		/* prose: wrapped at words to the width;
				   else (config text, diffs) clipped and
				   scrolled horizontally, never wrapped */
	char	*text;
};

/* A yes/no question over the current screen. */
struct tui_ask {
	char	*question;
	void	(*yes)(struct tui *);
	void	(*no)(struct tui *);	/* may be NULL */
};

/* A one-line text prompt over the current screen. */
struct tui_prompt {
	char	*label;
	struct buf text;
	void	(*done)(struct tui *, const char *);	/* Enter */
	void	(*cancel)(struct tui *);		/* Esc; may be NULL */
	void	(*change)(struct tui *, const char *);	/* may be NULL */
};

/* The wizard's state.  Drawing is a function of it, so a resize redraws
 * everything from here. */
struct tui {
	struct tui_opts		*opts;
	struct cf_config	*config;
	struct vec		 findings;	/* struct finding *: rules */
	int			*worst;		/* by vhost index: worst
						   severity, -1 none */
	int			 step;		/* enum tui_step */
	int			 glyph_ascii;
	int			 mono;

	/* scrollable text view of the current screen */
	struct vec		 lines;		/* struct tui_line * */
	size_t			 scroll;	/* in rows as drawn */
	size_t			 hscroll;
	int			 view_h;	/* rows of the last draw */
	size_t			 view_total;	/* rows of all lines, as drawn
						   at the last width */

	/* step 1: the list */
	struct vec		 rows;		/* struct list_row *, shown */
	size_t			 sel;
	size_t			 top;
	char			*filter;	/* NULL or "" : none */

	/* step 2..: the chosen vhost and the user's choices */
	struct cf_vhost		*vhost;
	int			 vhost_index;	/* to find it after a reload */
	int			 cur_preserve;	/* current ProxyPreserveHost */
	struct plan_opts	 popts;
	char			*a2enmod;	/* "a2enmod proxy_http ..." from
						   the plan's manual steps */
	int			 run_a2enmod;	/* offered on live roots */
	int			 choice;	/* cursor of host/extras */

	/* step 5..: the plan */
	struct plan		 plan;
	int			 have_plan;
	struct vec		 rendered;	/* struct rendered * */
	struct buf		 diff;
	char			*plan_err;
	int			 pending;	/* prepared, not written */

	/* step 6..: the write */
	struct wr_result	 res;
	int			 have_res;
	char			*extra_out;	/* a2enmod's output */
	char			*patch_path;	/* dry run: saved there */
	char			*ask_path;	/* dry run: overwrite this? */
	int			 reload;	/* graceful reload after the
						   write (offered when live) */

	/* overlays */
	int			 help;
	struct tui_ask		*ask;
	struct tui_prompt	*prompt;
	char			*msg;		/* status line, until a key */

	int			 quit;
	int			 exit_code;
};

/* A SIGINT, SIGTERM or SIGHUP arrived: finish up, write nothing. */
int	 tui_interrupted(void);
/* Show the current state now (before a slow call such as the write). */
void	 tui_redraw(struct tui *);

/* Navigation. */
void	 tui_goto(struct tui *, int step);
void	 tui_request_quit(struct tui *);
/* Free plan, rendered texts and diff; pending becomes 0. */
void	 tui_drop_plan(struct tui *);
/* Reload the tree from disk (after a write) and rerun the rules. */
int	 tui_reload(struct tui *);

/* Overlays.  Strings are copied. */
void	 tui_ask(struct tui *, const char *question, void (*yes)(struct tui *),
	    void (*no)(struct tui *));
void	 tui_prompt(struct tui *, const char *label, const char *initial,
	    void (*done)(struct tui *, const char *),
	    void (*cancel)(struct tui *),
	    void (*change)(struct tui *, const char *));
void	 tui_message(struct tui *, const char *, ...)
	    __attribute__((format(printf, 2, 3)));

/* Drawing.  Every string is drawn inert, clipped to w columns, starting at
 * display column skip of the text (horizontal scroll).  Returns the
 * columns used. */
int	 tui_put(struct tui *, int y, int x, int w, int attr, const char *s,
	    size_t skip);
void	 tui_fill(struct tui *, int y, int x, int w, int attr);
void	 tui_hline(struct tui *, int y, int x, int w);
void	 tui_box(struct tui *, int y, int x, int h, int w);
const char *tui_glyph(const struct tui *, int glyph);
int	 tui_cols(void);
/* Display width of s as tui_put draws it. */
size_t	 tui_width(const char *s);

/* Text view. */
void	 tui_lines_clear(struct tui *);
void	 tui_line(struct tui *, int attr, const char *fmt, ...)
	    __attribute__((format(printf, 3, 4)));
void	 tui_wline(struct tui *, int attr, const char *fmt, ...)
	    __attribute__((format(printf, 3, 4)));
/* A screen that is all text view has this as its draw. */
void	 tui_draw_lines(struct tui *, int y, int h);
/* Scroll actions for the text view, and Back by Left on a view scrolled
 * sideways (it scrolls left instead); returns 1 if handled. */
int	 tui_lines_key(struct tui *, int action, int ch);

/* Severity as attribute, glyph and word. */
int	 tui_sev_attr(enum sev);
int	 tui_sev_glyph(enum sev);

/* The vhost's worst finding: -1 none, else enum sev. */
void	 tui_run_rules(struct tui *);
int	 tui_vhost_worst(const struct tui *, const struct cf_vhost *);
/* The vhost proxies (has a ProxyPass). */
int	 tui_vhost_proxies(const struct cf_vhost *);

#endif
