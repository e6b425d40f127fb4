/* augw.h: the only door to Augeas.  Parses text with the Httpd lens and
 * copies the tree out into struct cf_node, with byte offsets (the node
 * builders are conf.c's). */
#ifndef VHOSTFIX_AUGW_H
#define VHOSTFIX_AUGW_H

#include "conf.h"

struct augw;

/* Returns NULL with *err set if Augeas cannot start or has no Httpd lens. */
struct augw	*augw_open(char **err);
void		 augw_close(struct augw *);

/* Parse f->text into f->top.  On a parse failure sets f->parse_failed,
 * err_line, err_col, err_msg and returns -1. */
int		 augw_parse(struct augw *, struct cf_file *f);

/* Does text parse?  0, or -1 with *line and *msg (malloc'd). */
int		 augw_check(struct augw *, const char *text, unsigned *line,
		    char **msg);

#endif
