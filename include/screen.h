/* screen.h: what the wizard's steps share with the tui*.c files.
 *
 * tui.c owns curses (init, signals, restore) and the loop;
 * tui-draw.c the drawing helpers, tui-view.c the text view and the list
 * widget, tui-overlay.c help, questions, prompts and the key line.  Each
 * screen-*.c is one step of the walk, a const struct screen whose keymap
 * table drives both its key dispatch and its help and key line.  A screen
 * allocates its own state on enter and frees it on leave (t->data, as
 * tmux's window modes do); the walk itself (vhost, choices, plan, result)
 * is the controller's (wizard.h), and screens only draw it and map keys to
 * its calls.  Screens draw only through the tui_* helpers below, which
 * make every string inert (control bytes and escape sequences become
 * visible text), so nothing read from a config file reaches the terminal
 * raw. */
#ifndef VHOSTFIX_SCREEN_H
#define VHOSTFIX_SCREEN_H

#include <stddef.h>

#include "conf.h"
#include "rules.h"
#include "tui.h"
#include "util.h"
#include "wizard.h"

/* Display attributes: one table in tui-draw.c maps each to a color pair
 * and to a monochrome attribute. */
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

/* Our own glyphs: a UTF-8 table and an ASCII table in tui-draw.c. */
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
	TUI_MARK_ALL,		/* list: mark every vhost with errors */
	TUI_MARK_BROKEN,	/* list: ... with errors or warnings */
	TUI_NEXT,		/* diff: next file; done: verify */
	TUI_PREV,		/* diff: previous file */
	TUI_EXCEPT,		/* diff: a per-vhost Host exception */
	TUI_UNDO,
};

struct tui;

/* One row of a screen's keymap. */
struct screen_key {
	int		 keys[8];	/* up to 7 curses key codes, then 0;
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

/* The keymap rows of a scrollable text view (tui_view_key), for the
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
	void			(*enter)(struct tui *);	/* sets t->data */
	void			(*draw)(struct tui *, int y, int h);
	void			(*key)(struct tui *, int action, int ch);
	void			(*leave)(struct tui *);	/* frees t->data;
							   NULL: free() */
	const char	       *(*off)(struct tui *, int action);
						/* why a key of the keymap
						   that is off now does
						   nothing (NULL: silent) */
	void			(*update)(struct tui *); /* the diagnosis
							   advanced (NULL:
							   nothing shown) */
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

/* A scrollable text view: a screen that shows text owns one. */
struct tui_view {
	struct vec	 lines;		/* struct tui_line * */
	size_t		 scroll;	/* in rows as drawn */
	size_t		 hscroll;
	int		 view_h;	/* rows of the last draw */
	size_t		 view_total;	/* rows of all lines, as drawn at the
					   last width */
};

/* A list or menu: the cursor over n items, the first row shown. */
struct tui_menu {
	size_t		 n;
	size_t		 sel;
	size_t		 top;
	int		 rows;		/* rows shown at the last draw */
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

/* What crosses the wizard's steps.  Drawing is a function of it and of
 * the screen's own data, so a resize redraws everything from here. */
struct tui {
	struct tui_opts		*opts;
	struct wizard		 wz;		/* the walk (the controller) */
	enum tui_step		 step;
	const struct screen	*screen;	/* the step's screen */
	void			*data;		/* the current screen's own */
	char			*filter;	/* the list's filter: kept
						   while the walk goes on */
	int			 glyph_ascii;
	int			 mono;

	/* overlays */
	int			 help;
	int			 help_top;	/* help rows scrolled away */
	int			 help_more;	/* rows below, at the last
						   draw */
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

/* Navigation: leave the current screen, enter step. */
void	 tui_goto(struct tui *, enum tui_step);
/* The next or previous step this walk needs (the Host and extras steps
 * are skipped when nothing in them applies). */
void	 tui_goto_next(struct tui *);
void	 tui_goto_prev(struct tui *);
void	 tui_request_quit(struct tui *);

/* Overlays (tui-overlay.c).  Strings are copied. */
void	 tui_ask(struct tui *, const char *question, void (*yes)(struct tui *),
	    void (*no)(struct tui *));
void	 tui_prompt(struct tui *, const char *label, const char *initial,
	    void (*done)(struct tui *, const char *),
	    void (*cancel)(struct tui *),
	    void (*change)(struct tui *, const char *));
void	 tui_message(struct tui *, const char *, ...)
	    __attribute__((format(printf, 2, 3)));

/* Drawing (tui-draw.c).  Every string is drawn inert, clipped to w
 * columns, starting at display column skip of the text (horizontal
 * scroll).  Returns the columns used. */
int	 tui_put(struct tui *, int y, int x, int w, int attr, const char *s,
	    size_t skip);
void	 tui_fill(struct tui *, int y, int x, int w, int attr);
void	 tui_hline(struct tui *, int y, int x, int w);
void	 tui_box(struct tui *, int y, int x, int h, int w);
const char *tui_glyph(const struct tui *, int glyph);
/* Display width of s as tui_put draws it. */
size_t	 tui_width(const char *s);
/* A menu row: the selection bar, a glyph (radio, check box) and the
 * label in heading style. */
void	 tui_choice(struct tui *, int y, int selected, int glyph,
	    const char *label);
/* A vhost's name as `vhostfix list` shows it: its ServerName, else
 * "(default vhost)" for the first on its addresses. */
const char *tui_vhost_name(const struct tui *, const struct cf_vhost *);
/* Severity as attribute and glyph. */
int	 tui_sev_attr(enum sev);
int	 tui_sev_glyph(enum sev);

/* Prose wrapped at words from row y, column x, at most maxrows rows (a
 * cut last row ends with the "more" mark); returns the rows used
 * (tui-view.c). */
int	 tui_put_wrapped(struct tui *, int y, int x, int maxrows, int attr,
	    const char *s);

/* Text view (tui-view.c). */
void	 tui_view_clear(struct tui_view *);
void	 tui_line(struct tui_view *, int attr, const char *fmt, ...)
	    __attribute__((format(printf, 3, 4)));
void	 tui_wline(struct tui_view *, int attr, const char *fmt, ...)
	    __attribute__((format(printf, 3, 4)));
/* Each line of a multi-line text, indented, as its own line. */
void	 tui_lines(struct tui_view *, int attr, const char *indent,
	    const char *text);
void	 tui_view_draw(struct tui *, struct tui_view *, int y, int h);
/* The row (as drawn at this width) where line starts: scroll to it. */
size_t	 tui_view_row_of(struct tui *, const struct tui_view *, size_t line);
/* Scroll actions for the view, and Back by Left on a view scrolled
 * sideways (it scrolls left instead); returns 1 if handled. */
int	 tui_view_key(struct tui_view *, int action, int ch);
/* A screen whose data starts with a struct tui_view and that is all text
 * view has these as its draw and leave. */
void	 tui_view_screen_draw(struct tui *, int y, int h);
void	 tui_view_screen_leave(struct tui *);

/* The list widget (tui-view.c): Up, Down, PgUp, PgDn, Home, End move the
 * cursor; returns 1 if handled. */
int	 tui_menu_key(struct tui_menu *, int action);
/* Before drawing rows rows: keep the cursor on an item and in view. */
void	 tui_menu_fit(struct tui_menu *, int rows);

#endif
