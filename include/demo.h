/* demo.h: a private copy of the bundled demo tree. */
#ifndef VHOSTFIX_DEMO_H
#define VHOSTFIX_DEMO_H

/* Copy the demo tree into a new private directory (mode 0700) under
 * $TMPDIR or /tmp.  Returns its malloc'd path, or NULL with *err. */
char	*demo_create(const char *self, char **err);
/* Remove a tree made by demo_create. */
void	 demo_remove(const char *dir);
/* Where the bundled data lives: next to the sources when running from the
 * build tree, else the installed data directory. */
char	*demo_source(const char *self);

#endif
