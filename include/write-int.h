/* write-int.h: internals shared by the write layer's files (write.c,
 * write-file.c, write-run.c, write-stage.c, backup.c).  Not for other
 * layers: they use write.h. */
#ifndef VHOSTFIX_WRITE_INT_H
#define VHOSTFIX_WRITE_INT_H

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
/* Everything wr_put does short of writing the text and renaming: proves
 * that the directory takes a new file of len bytes with meta's owner and
 * mode and every extended attribute in xa.  Nothing is left behind. */
int	 wr_probe(const char *path, size_t len, const struct stat *meta,
	    const struct wr_xattrs *xa, char **err);

/* write-run.c: running commands, output captured. */

/* Run argv[0] (searched in PATH) in cwd with stdin from /dev/null and
 * stdout+stderr appended to out.  Returns the exit status (128+N when
 * killed by signal N), or -1 with *err set when it could not be run. */
/* Limit the commands run from now on to seconds (0: no limit); a command
 * past it is killed with what it started, and wr_run() returns 124 with a
 * line saying so appended to out. */
void	 wr_run_set_timeout(int seconds);
int	 wr_run(char *const argv[], const char *cwd, struct buf *out,
	    char **err);
/* A command line: split on blanks and run directly, or through sh -c when
 * it needs a shell (quotes, $, |, ...). */
int	 wr_run_line(const char *line, const char *cwd, struct buf *out,
	    char **err);
/* Full path of an executable found in PATH or the sbin directories, or
 * NULL.  Caller frees. */
char	*wr_find_bin(const char *name);

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
/* Every set under base, oldest first (struct wr_manifest *).  A missing
 * base is an empty list. */
int	 backup_list(const char *base, struct vec *out, char **err);
/* Where the set keeps its copy of a file. */
char	*backup_copy_path(const struct wr_manifest *, const char *real);
/* Remove a set (best effort). */
void	 backup_remove(const struct wr_manifest *);

#endif
