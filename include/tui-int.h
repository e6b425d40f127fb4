/* tui-int.h: what the tui*.c files share (not for the screens: they use
 * screen.h).  tui.c: lifecycle, navigation, loop; tui-draw.c: attributes,
 * glyphs, inert text; tui-view.c: text view and list widget;
 * tui-overlay.c: help, question, prompt, message, key line. */
#ifndef VHOSTFIX_TUI_INT_H
#define VHOSTFIX_TUI_INT_H

#include <stddef.h>

#include "screen.h"

/* Below this the layout cannot show a step without garbling it. */
#define TUI_MIN_COLS	60
#define TUI_MIN_ROWS	16
/* A slice of the diagnosis between two looks at the keyboard (ms). */
#define TUI_WORK_MS	10

/* tui.c: the screen of the current step. */

/* tui-draw.c: colors or monochrome, and the glyph table, once curses is
 * up. */
void	 tui_draw_init(struct tui *);

/* tui-view.c: prose s wrapped at words to w columns from column x;
 * draws rows from..from+maxrows-1 from row y (y < 0: draws nothing).
 * Returns the rows of all of s. */
size_t	 tui_wrap(struct tui *, const char *s, int x, int w, int y, int attr,
	    size_t from, size_t maxrows);

/* tui-overlay.c.  The keymaps in force, in the order they are matched and
 * shown: the screen's (n 0), then the global keys (n 1). */
const struct screen_key *tui_keymap(const struct screen *, int n,
	    size_t *nkeys);
/* The current screen's mode bits (which keymap rows are active). */
unsigned tui_mode(struct tui *);
int	 tui_key_active(const struct screen_key *, unsigned mode);
void	 tui_draw_help(struct tui *, int y, int h);
void	 tui_draw_small(struct tui *);
/* The prompt or message line, a question, the key line. */
void	 tui_draw_overlays(struct tui *);
/* A key for the question, prompt or help on screen: 1 if taken. */
int	 tui_overlay_key(struct tui *, int ch);
void	 tui_overlays_free(struct tui *);

#endif
