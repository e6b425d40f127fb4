/* util.h: memory, growable buffers and vectors, small string helpers. */
#ifndef VHOSTFIX_UTIL_H
#define VHOSTFIX_UTIL_H

#include <stdarg.h>
#include <stddef.h>
#include <sys/stat.h>

/* Allocation never fails: on ENOMEM the registered hook runs (the TUI
 * restores the terminal there), then the program aborts. */
void	*xmalloc(size_t);
void	*xcalloc(size_t, size_t);
void	*xrealloc(void *, size_t);
char	*xstrdup(const char *);
char	*xstrndup(const char *, size_t);
char	*xasprintf(const char *, ...) __attribute__((format(printf, 1, 2)));
char	*xvasprintf(const char *, va_list)
	    __attribute__((format(printf, 1, 0)));
void	 util_set_oom_hook(void (*)(void));

/* A growable byte buffer, always NUL-terminated.  Start with {0}. */
struct buf {
	char	*data;
	size_t	 len;
	size_t	 cap;
};
void	 buf_add(struct buf *, const void *, size_t);
void	 buf_adds(struct buf *, const char *);
void	 buf_addc(struct buf *, char);
void	 buf_printf(struct buf *, const char *, ...)
	    __attribute__((format(printf, 2, 3)));
char	*buf_steal(struct buf *);	/* caller frees; buf is reset */
void	 buf_free(struct buf *);

/* A growable array of pointers.  Start with {0}. */
struct vec {
	void	**v;
	size_t	  n;
	size_t	  cap;
};
void	 vec_push(struct vec *, void *);
void	 vec_free(struct vec *);		/* frees the array, not items */
void	 vec_free_all(struct vec *, void (*)(void *)); /* and each item */

/* A map from strings to pointers (open addressing, kept under half
 * full, so lookups stay constant on 20,000 vhosts).  Start with {0}; the
 * map copies its keys. */
struct strmap {
	char	**keys;
	void	**vals;
	size_t	  n;
	size_t	  cap;		/* 0 or a power of two */
};
/* The value of key, or NULL. */
void	*strmap_get(const struct strmap *, const char *key);
/* The place of key's value, added (NULL) if absent: *strmap_at(m, k) =
 * v sets it.  Valid until the next strmap_at. */
void	**strmap_at(struct strmap *, const char *key);
/* Frees the keys, and each value with freeval unless NULL. */
void	 strmap_free(struct strmap *, void (*freeval)(void *));

int	 str_caseeq(const char *, const char *);
/* A copy with A-Z made a-z (what str_caseeq ignores).  Caller frees. */
char	*str_lower(const char *);
int	 str_startswith(const char *, const char *);
int	 str_endswith(const char *, const char *);
/* Apache argument as meant: outer double or single quotes removed and
 * backslash escapes inside them resolved.  Caller frees. */
char	*str_unquote(const char *);
/* Quote for writing into an Apache config when needed (spaces, quotes). */
char	*str_quote_arg(const char *);
/* "did you mean": of names, those near typed (an edit distance within a
 * quarter of its length, 2 at least, or containing it), nearest first,
 * then in strcmp order, each once.  Stores at most max in best; returns
 * how many. */
size_t	 str_nearest(const char *typed, const char *const *names, size_t n,
	    const char **best, size_t max);

/* Read a whole file (at most max bytes; -1 and errno EFBIG past it; a
 * FIFO, device or socket: -1 and EINVAL, without blocking).
 * Returns 0 and a malloc'd, NUL-terminated *out (may contain NULs). */
int	 util_read_file(const char *path, size_t max, char **out, size_t *len);
/* The same, and the file's fstat() in *st. */
int	 util_read_file_stat(const char *path, size_t max, char **out,
	    size_t *len, struct stat *st);

#endif
