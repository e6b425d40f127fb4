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
	int		 test_timeout;	/* seconds the configtest and the
					   reload may take; 0: no limit */
	const char	*apache_bin;	/* NULL: pre-flight only when root is
					   "/" and apache2/httpd is found */
	int		 reload;	/* graceful reload after the test */
	const char	*reload_cmd;	/* NULL: apache2ctl graceful, ... */
	const char	**vhosts;	/* names of the fixed vhosts, for the
					   manifest and rollback --list */
	size_t		 nvhosts;
	int		 lock_wait;	/* seconds to wait for the lock; <0:
					   default (5) */
};

enum wr_status {
	WR_OK = 0,		/* written (and tested, if a test ran) */
	WR_REFUSED = 2,		/* nothing written: lock, changed file,
				   hard link, I/O error before writing */
	WR_ROLLED_BACK = 3,	/* pre-flight or configtest failed, or a
				   write failed midway: originals restored */
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
 * was written unless force.  Makes a backup set first (so it can be undone)
 * and runs the configtest like write_apply. */
enum wr_status	 write_rollback(const struct wr_opts *, const char *id,
		    int force, struct wr_result *res);

#endif
