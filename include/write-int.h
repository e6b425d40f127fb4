/* write-int.h: internals shared by the write layer's files (write.c,
 * write-file.c, write-run.c, write-stage.c, backup.c).  Not for other
 * layers: they use write.h. */
#ifndef VHOSTFIX_WRITE_INT_H
#define VHOSTFIX_WRITE_INT_H

#include <signal.h>
#include <stddef.h>
#include <sys/stat.h>

#include "sha256.h"
#include "util.h"
#include "write.h"

/* write-file.c: paths and single-file operations. */

/* root + rel ("/" + "/etc/x" is "/etc/x").  Caller frees. */
char	*wr_join(const char *root, const char *rel);
/* Is path equal to dir or below it (both normalised, no trailing '/')? */
int	 wr_under(const char *path, const char *dir);
/* mkdir -p; missing directories get mode. */
int	 wr_mkdirs(const char *path, mode_t mode, char **err);
int	 wr_fsync_dir(const char *dir, char **err);
/* rm -r without following symlinks (best effort). */
void	 wr_rmtree(const char *path);

/* Extended attributes of a file (ACLs and the SELinux context are
 * extended attributes too: system.posix_acl_access, security.selinux). */
struct wr_xattrs {
	size_t	  n;
	char	**name;
	char	**value;
	size_t	 *len;
};
int	 wr_xattrs_load(const char *path, struct wr_xattrs *, char **err);
void	 wr_xattrs_free(struct wr_xattrs *);

/* Replace path atomically with text: a temp file in the same directory,
 * owner, group, mode (and, with WR_PUT_TIMES, timestamps) from meta, the
 * extended attributes xa (may be NULL), fsync, rename, fsync of the
 * directory.  path must be the real file, not a symlink.  Returns 0; -1
 * when the old file is untouched (temp file removed); -2 when the new
 * file is in place but the directory could not be synced. */
#define WR_PUT_TIMES	0x1
int	 wr_put(const char *path, const char *text, size_t len,
	    const struct stat *meta, const struct wr_xattrs *xa, int flags,
	    char **err);
/* wr_put, but right before the rename path must still hold a text whose
 * sha256 (hex) is one of expect (NULL-terminated): else -3, nothing
 * changed, *err says the file was changed by someone else. */
int	 wr_put_if(const char *path, const char *text, size_t len,
	    const struct stat *meta, const struct wr_xattrs *xa, int flags,
	    const char *const *expect, char **err);
/* Everything wr_put does short of writing the text and renaming: proves
 * that the directory takes a new file of len bytes with meta's owner and
 * mode and every extended attribute in xa.  Nothing is left behind. */
int	 wr_probe(const char *path, size_t len, const struct stat *meta,
	    const struct wr_xattrs *xa, char **err);

/* write-run.c: running commands, output captured. */

/* Run argv[0] (searched in PATH) in cwd, in a process group of its own,
 * with stdin from /dev/null and stdout+stderr appended to out.  Returns
 * the exit status (128+N when killed by signal N), or with *err set: -1
 * when it could not be run, WR_RUN_TIMEOUT after timeout seconds (0: no
 * limit), WR_RUN_STOPPED when wr_stop_requested(); in both the group was
 * killed (SIGTERM, then SIGKILL). */
#define WR_RUN_TIMEOUT	(-2)
#define WR_RUN_STOPPED	(-3)
int	 wr_run(char *const argv[], const char *cwd, int timeout,
	    struct buf *out, char **err);
/* A command line: split on blanks and run directly, or through sh -c when
 * it needs a shell (quotes, $, |, ...). */
int	 wr_run_line(const char *line, const char *cwd, int timeout,
	    struct buf *out, char **err);
/* o's timeout in seconds (the default when unset). */
int	 wr_timeout_of(const struct wr_opts *o);
/* SIGINT, SIGTERM and SIGHUP (a dropped SSH session) during a transaction
 * only set a flag: the runner then kills its command, the transaction
 * restores.  Catch them (saving the old handlers), hold them off around a
 * rename, let them in again, put the old handlers back. */
#define WR_NSIGNALS	3
struct wr_sigs {
	struct sigaction	old[WR_NSIGNALS];
	sigset_t		oldmask;
	sigset_t		set;
};
void	 wr_sig_catch(struct wr_sigs *);
void	 wr_sig_block(struct wr_sigs *);
void	 wr_sig_unblock(struct wr_sigs *);
void	 wr_sig_restore(struct wr_sigs *);
/* The signal that arrived since wr_sig_catch(), or 0. */
int	 wr_stop_requested(void);
/* Full path of an executable found in PATH or the sbin directories, or
 * NULL.  Caller frees. */
char	*wr_find_bin(const char *name);

/* write.c: one transaction over n files (write_apply, write_rollback). */
struct wr_tx {
	const struct wr_opts	*o;
	const struct wr_file	*f;
	size_t			 n;
	char			**abs;		/* absolute */
	char			**name;		/* for messages */
	struct stat		*st;		/* as checked */
	struct wr_xattrs	*xa;
	int			*written;	/* needs restoring */
	struct wr_manifest	*set;
	struct wr_result	*res;
};
void	 wr_tx_init(struct wr_tx *, const struct wr_opts *,
	    const struct wr_file *, size_t, struct wr_result *);
/* Check, back up, write, test; restore on failure.  kind is the set's
 * ("fix", "rollback"); tree NULL skips the staged pre-flight. */
enum wr_status wr_tx_run(struct wr_tx *, const struct wr_tree *tree,
	    const char *kind, const char **vhosts, size_t nvhosts);
void	 wr_tx_free(struct wr_tx *);
void	 wr_note(struct wr_result *, char *msg);

/* write-sets.c: the lock, leftovers of killed runs, open journals. */

/* Check the options, prepare the backup directory, take its lock.  -1
 * with res filled (WR_REFUSED). */
int	 wr_start(const struct wr_opts *, struct wr_result *, int *lockfd);
void	 wr_unlock(int fd);
/* Under the lock: remove what a killed run left (our temp files next to
 * the files of the tree, of files and of every backup set; sets without a
 * manifest), each with a note. */
void	 wr_clean_leftovers(const struct wr_opts *, const struct wr_tree *,
	    const struct wr_file *, size_t n, struct wr_result *);
/* Close the journal of every open set but keep: after a forced fix. */
void	 wr_close_open(const struct wr_opts *, const char *keep,
	    struct wr_result *);

/* write-run.c: the configtest and the reload. */

/* Run the configtest.  0 passed, 1 Apache rejected it (*out has its
 * output), 2 skipped (a note says why), 3 it could not run or timed out
 * (*why), 4 it was stopped by a signal. */
int	 wr_configtest(const struct wr_opts *, struct wr_result *,
	    struct buf *out, char **cmd, char **why);
/* The graceful reload after a passing test (see write-run.c). */
void	 wr_reload(const struct wr_opts *, struct wr_result *);
int	 wr_is_root(const char *root);

/* write-stage.c: the staged pre-flight.  Returns 0 when it passed or was
 * skipped (with a note), 1 when Apache rejected the staged tree
 * (res->test_output set), -1 when it could not run (res->error set). */
int	 wr_stage_check(const struct wr_opts *, const struct wr_tree *,
	    const struct wr_file *, size_t, struct wr_result *);

/* backup.c: backup sets. */
struct wr_mfile {
	char	*path;
	char	*real;
	char	 before[SHA256_HEXLEN + 1];
	char	 after[SHA256_HEXLEN + 1];
};
struct wr_manifest {
	char		*id;
	char		*path;		/* the set's directory */
	char		*kind;
	char		*time;
	char		*stamp;		/* sec.nsec, for order */
	char		*root;
	struct vec	 vhosts;	/* char * */
	struct vec	 files;		/* struct wr_mfile * */
};
void	 backup_manifest_free(void *);
/* The backup directory for opts.  Caller frees. */
char	*backup_base(const struct wr_opts *);
/* Make a new set under base: copies of files[i].old_text with the owner,
 * mode and timestamps of st[i], and the manifest; everything fsynced.
 * Returns the set, caller frees with backup_manifest_free. */
struct wr_manifest *backup_create(const char *base, const char *kind,
	    const char *root, const char **vhosts, size_t nvhosts,
	    const struct wr_file *files, const struct stat *st, size_t n,
	    char **err);
/* Check (and with create, make: mode 0700, parent synced) the backup
 * directory base: it and its parent must be real directories owned by
 * root or us and not writable by others.  0 fine, 1 missing (without
 * create), -1 refused with *err. */
int	 backup_prepare(const char *base, int create, char **err);
/* Every set under base, oldest first (struct wr_manifest *).  A missing
 * base is an empty list.  An untrusted base or set is refused (-1).  Sets
 * without a manifest (interrupted while being made) go to partial (char *
 * paths) when it is not NULL. */
int	 backup_list(const char *base, struct vec *out, struct vec *partial,
	    char **err);
/* The set named id under base, or NULL with *err saying why (not there,
 * not trusted, its manifest invalid). */
struct wr_manifest *backup_load(const char *base, const char *id,
	    char **err);
/* The intent journal of set m: write it (fsynced) with the phase ("write",
 * "test", "restore"); close it (remove, fsynced); read it: 1 when open,
 * with its start time and phase (caller frees), else 0. */
int	 backup_journal_write(const struct wr_manifest *m, const char *phase,
	    char **err);
int	 backup_journal_close(const struct wr_manifest *m, char **err);
int	 backup_journal_read(const struct wr_manifest *m, char **time,
	    char **phase);
/* Keep text (the version we wrote, when someone else's replaced it) in
 * the set under new/<real>. */
int	 backup_keep_new(const struct wr_manifest *m, const char *real,
	    const char *text, size_t len, char **err);
/* Where the set keeps its copy of a file. */
char	*backup_copy_path(const struct wr_manifest *, const char *real);
/* Remove a set (best effort). */
void	 backup_remove(const struct wr_manifest *);

#endif
