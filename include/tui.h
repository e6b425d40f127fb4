/* tui.h: the ncurses wizard.  The only curses lifecycle lives in tui.c;
 * each wizard step is a screen-*.c (enter / draw / key / leave).  Screens
 * never call Augeas: they call the same core functions as check and fix
 * (conf_load, rules_run, plan_build, render_plan, diff_unified,
 * write_apply) and draw their results. */
#ifndef VHOSTFIX_TUI_H
#define VHOSTFIX_TUI_H

#include "conf.h"
#include "plan.h"
#include "write.h"

enum tui_color {
	TUI_COLOR_AUTO = -1,
	TUI_COLOR_NEVER = 0,
	TUI_COLOR_ALWAYS = 1,
};

struct tui_opts {
	struct cf_opts		 load;		/* how to (re)load the tree */
	struct cf_config	*config;	/* loaded before initscr() */
	struct plan_opts	 plan;		/* presets from the command line */
	struct wr_opts		 write;		/* backup dir, configtest, ... */
	struct wr_tree		 tree;		/* for the staged pre-flight */
	int			 dry_run;	/* never write; offer a patch */
	int			 color;		/* enum tui_color */
	int			 ascii;		/* --ascii: no UTF-8 glyphs */
	int			 live_root;	/* root is "/": offer a2enmod,
						   reload */
};

/* Run the wizard on a terminal.  The config is loaded by the caller (so
 * startup errors land on a normal terminal); the wizard may reload it after
 * a write and takes ownership of opts->config.  Returns an exit code of
 * cli.h. */
int	 tui_run(struct tui_opts *);

#endif
