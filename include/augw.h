/* augw.h: the only door to Augeas.  Parses text with the Httpd lens and
 * copies the tree out into struct cf_node, with byte offsets. */
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

/* Building struct cf_node trees (here and in scan.c). */
void		 cf_node_add_kid(struct cf_node *parent, struct cf_node *kid);
void		 cf_node_add_arg(struct cf_node *, const char *value, size_t len,
		    size_t start, size_t end);
void		 cf_node_free_kids(struct cf_node *);

#endif
