/* tui.h: the ncurses wizard.  The only curses lifecycle lives in tui.c;
 * each wizard step is a screen-*.c (enter / draw / key / leave).  Screens
 * never call the core's layers: they draw the state of the controller
 * (wizard.h), which runs the same functions as check and fix. */
#ifndef VHOSTFIX_TUI_H
#define VHOSTFIX_TUI_H

#include "conf.h"
#include "wizard.h"

enum tui_color {
	TUI_COLOR_AUTO = -1,
	TUI_COLOR_NEVER = 0,
	TUI_COLOR_ALWAYS = 1,
};

struct tui_opts {
	struct wz_opts		 wizard;	/* load, presets, write,
						   dry run */
	struct cf_config	*config;	/* loaded before initscr() */
	int			 color;		/* enum tui_color */
	int			 ascii;		/* --ascii: no UTF-8 glyphs */
};

/* Run the wizard on a terminal.  The config is loaded by the caller (so
 * startup errors land on a normal terminal); the wizard may reload it after
 * a write and takes ownership of opts->config.  Returns an exit code of
 * cli.h. */
int	 tui_run(struct tui_opts *);

#endif
