/* write.h: the safe write path.  Everything that touches the live tree.
 *
 * One transaction: lock, change check, backup set, staged pre-flight,
 * atomic per-file write, verify, configtest, rollback on failure.  The
 * configuration ends up either exactly as before or exactly as rendered.
 * The core never prints: every message goes into struct wr_result. */
#ifndef VHOSTFIX_WRITE_H
#define VHOSTFIX_WRITE_H

#include <stddef.h>
#include <sys/stat.h>

#include "util.h"

/* One file to write. */
struct wr_file {
	const char	*path;		/* as Apache includes it, root-relative
					   with a leading '/' (messages) */
	const char	*real;		/* the real file behind symlinks,
					   root-relative, leading '/' */
	const char	*old_text;	/* content as read */
	size_t		 old_len;
	struct stat	 old_st;	/* stat of the real file when read */
	const char	*new_text;	/* content to write */
	size_t		 new_len;
};

/* What Apache loads, for the staged pre-flight. */
struct wr_tree {
	const char	*server_root;	/* root-relative, e.g. /etc/apache2 */
	const char	*main_config;	/* root-relative */
	const char	**files;	/* every loaded file, root-relative real
					   paths (to tell whether the stage
					   is faithful) */
	size_t		 nfiles;
};

struct wr_opts {
	const char	*root;		/* absolute, "/" for the live system */
	const char	*backup_dir;	/* NULL: <root>/var/backups/vhostfix;
					   else an absolute path */
	const char	*configtest;	/* NULL: default (Apache's own check
					   when root is "/", else skipped with
					   a note); else a command line */
	int		 no_configtest;
	int		 test_timeout;	/* seconds the configtest, the
					   pre-flight, the reload and hooks
					   may take (their process group is
					   killed past it); 0: default (60) */
	const char	*apache_bin;	/* NULL: pre-flight only when root is
					   "/" and apache2/httpd is found */
	int		 reload;	/* graceful reload after the test */
	const char	*reload_cmd;	/* NULL: apache2ctl graceful, ... */
	const char	**vhosts;	/* names of the fixed vhosts, for the
					   manifest and rollback --list */
	size_t		 nvhosts;
	int		 lock_wait;	/* seconds to wait for the lock; <0:
					   default (5) */
	int		 force;		/* write even though an interrupted
					   fix is still open (its journal);
					   rollback: overwrite changed files */
	int		 redo;		/* rollback: allowed to undo a set that
					   was itself a rollback (that puts the
					   fix back); without it, refused */
};

#define WR_TIMEOUT_DEFAULT	60

enum wr_status {
	WR_OK = 0,		/* written (and tested, if a test ran) */
	WR_REFUSED = 2,		/* nothing written: lock, changed file,
				   hard link, I/O error before writing */
	WR_ROLLED_BACK = 3,	/* Apache rejected the change (pre-flight
				   or configtest): originals restored */
	WR_FAILED = 4,		/* an I/O error, a command that could not
				   run or timed out, once writing began:
				   originals restored */
	WR_INTERRUPTED = 5,	/* SIGINT, SIGTERM or SIGHUP: stopped,
				   originals restored (or nothing written) */
	WR_INCOMPLETE = 6,	/* restoring failed, or a file was changed
				   by someone else meanwhile: some files are
				   not as before; res->states says which,
				   the backup set and its journal are kept
				   for `rollback` */
};

struct wr_result {
	enum wr_status	 status;
	char		*backup_id;	/* the set made, or NULL */
	char		*backup_path;	/* absolute */
	char		*error;		/* one line, or NULL */
	char		*test_output;	/* Apache's message, or NULL */
	char		*test_cmd;	/* the configtest run, or NULL when
					   it was skipped */
	int		 test_exit;	/* its exit status (-1: could not
					   run) */
	char		*reload_cmd;	/* the reload run, or NULL */
	int		 reload_exit;
	char		*reload_output;	/* what it printed, or NULL */
	struct vec	 notes;		/* char *: informational lines
					   ("configtest skipped: ...") */
	struct vec	 states;	/* char *: with WR_INCOMPLETE, one line
					   per file: its path and its state */
};

/* Run the transaction.  Returns res->status. */
enum wr_status	 write_apply(const struct wr_opts *, const struct wr_tree *,
		    const struct wr_file *, size_t n, struct wr_result *res);
void		 wr_result_free(struct wr_result *);

/* Backup sets, newest last. */
struct wr_set {
	char	*id;
	char	*path;		/* absolute */
	char	*time;		/* UTC, ISO 8601 */
	char	*kind;		/* "fix" or "rollback" */
	struct vec files;	/* char *: root-relative paths */
	struct vec vhosts;	/* char * */
};
int	 write_list_sets(const struct wr_opts *, struct vec *out, char **err);
void	 wr_set_free(void *);

/* Restore a set (id NULL: newest).  Refuses files changed since that set
 * was written unless force.  A set of kind "rollback" undid a fix:
 * restoring it redoes the fix, refused unless o->redo or id names it;
 * with o->redo, only such a set is restored (the redo's set is of kind
 * "redo", which a later rollback undoes again without o->redo).  Makes a backup set first (so
 * it can be undone) and runs the configtest like write_apply.  Without an
 * id and with o->redo, the newest set, whatever journal is open. */
enum wr_status	 write_rollback(const struct wr_opts *, const char *id,
		    int force, struct wr_result *res);

/* Fixes left open by a run that was killed (or lost power, or could not
 * restore): sets whose intent journal is still there.  For each, one
 * struct wr_open.  Also reports an untrusted backup directory (-1, *err).
 * Reads only; the lock is not taken. */
struct wr_open {
	char	*id;		/* the backup set: `rollback ID` undoes it */
	char	*time;		/* when it started, UTC */
	char	*phase;		/* what it was doing: write, test, restore */
	size_t	 nfiles;
	size_t	 nnew;		/* files holding the fix's new text */
	size_t	 nold;		/* files as before */
	size_t	 nother;	/* files that are neither */
};
int	 write_find_open(const struct wr_opts *, struct vec *out, char **err);
void	 wr_open_free(void *);

/* The process runner for the configtest, the reload and hooks (a2enmod):
 * argv[0] searched in PATH, run in its own process group in the root
 * with stdin from /dev/null, stdout and stderr appended to out (the first
 * MB).  Killed (the whole group) after the timeout of o, or when SIGINT,
 * SIGTERM or SIGHUP reached a running write_apply.  Returns the exit
 * status (128+N when killed by signal N), or -1 with *err set when it
 * could not run, timed out or was stopped. */
int	 write_run(const struct wr_opts *, char *const argv[], struct buf *out,
	    char **err);

#endif
