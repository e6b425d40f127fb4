/* scan.h: a fast reader for the common subset of Apache syntax.
 *
 * Loading a tree through Augeas costs ~0.5 ms per vhost (1 MB of vhosts
 * ~1.1 s), far more than Apache's own parse.  scan_parse() reads a file in
 * one pass and builds exactly the struct cf_node tree augw_parse() would,
 * but only when every line is in a subset of the Httpd lens's language
 * that it knows the lens accepts (plain directives and sections, simple
 * quoting, whole-line comments, LF or CRLF).  Anything else (continuation
 * lines, word lists, unusual bytes, unbalanced sections...) makes it
 * decline, and the file goes to Augeas, which also reports parse errors.
 * tests/unit/test-scan.c checks the two trees are identical on every file
 * the scanner accepts. */
#ifndef VHOSTFIX_SCAN_H
#define VHOSTFIX_SCAN_H

#include "conf.h"

/* 0: f->top holds the tree.  -1: declined (f->top left empty). */
int	 scan_parse(struct cf_file *f);

#endif
