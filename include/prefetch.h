/* prefetch.h: the files of one directory read ahead, on a second thread,
 * while discovery parses them in order (prefetch.c).
 *
 * A hosting server's sites-enabled holds thousands of small files: the
 * system calls to open and read them cost as much as parsing them, and a
 * second core can do them meanwhile.  The reader never follows a link and
 * reads regular files only; the caller still resolves every path itself
 * (links, the root) and takes a text only when the file read is the file
 * it resolved (same device, inode, size, modification and change times),
 * else reads it itself as before.
 * Nothing the reader does is reported: a file it could not read is read
 * again by the caller, whose error is the one shown. */
#ifndef VHOSTFIX_PREFETCH_H
#define VHOSTFIX_PREFETCH_H

#include <stddef.h>
#include <sys/stat.h>

/* Fewer names than this are read by the caller: a thread costs more. */
#define PREFETCH_MIN	32

struct prefetch;

/* Start reading dir/names[i] (dir absolute, resolved), i = 0 .. n-1 in
 * order, each at most max bytes.  names is copied.  NULL when there is
 * nothing worth a thread (n < PREFETCH_MIN) or no thread to be had: the
 * caller reads as usual. */
struct prefetch	*prefetch_start(const char *dir, char *const *names, size_t n,
		    size_t max);
/* The text of names[i] if the reader read it whole and it is the file st
 * describes, unchanged since: 1, with *text (caller frees), *len and the
 * file's fstat() in *st_out.  Else 0 and the caller reads it.  Waits for
 * the reader to get that far.  Each i at most once. */
int		 prefetch_take(struct prefetch *, size_t i, const struct stat *st,
		    char **text, size_t *len, struct stat *st_out);
/* Stop the reader, free every text not taken. */
void		 prefetch_end(struct prefetch *);

#endif
