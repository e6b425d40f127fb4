/* conf.h: the Apache configuration as Apache loads it.
 *
 * discover.c follows Include/IncludeOptional from the main config (globs
 * sorted as Apache sorts them, ServerRoot-relative paths resolved by
 * path.c, never outside the root), evaluates <IfModule>/<IfDefine>, Define
 * and ${VAR}; scan.c parses the files in the subset of the Httpd lens's
 * language it knows, augw.c every other one with Augeas; model.c builds the
 * virtual hosts; conf.c holds the node builders and conf_free.  After
 * conf_load() no Augeas tree is kept: every node carries byte offsets into
 * its file's text, which is what the planner splices. */
#ifndef VHOSTFIX_CONF_H
#define VHOSTFIX_CONF_H

#include <stddef.h>
#include <sys/stat.h>

#include "util.h"

enum cf_kind {
	CF_DIRECTIVE,
	CF_SECTION,
};

struct cf_file;

/* A directive or a section, as written in its file. */
struct cf_node {
	enum cf_kind	  kind;
	char		 *name;		/* as written: "ProxyPass", "Proxypass" */
	char		**args;		/* as written: quotes kept */
	size_t		 *arg_start;	/* byte offsets of each arg in the text */
	size_t		 *arg_end;
	size_t		  nargs;
	struct cf_file	 *file;
	unsigned	  line;		/* 1-based line of the name */
	size_t		  line_start;	/* offset of the first byte of that line */
	size_t		  name_start;	/* offset of the name (after indent) */
	size_t		  end;		/* directive: end of its last arg;
					   section: end of the closing tag */
	struct cf_node	 *parent;	/* NULL at file top level */
	struct cf_node	**kids;		/* sections only */
	size_t		  nkids;
};

/* One configuration file Apache reads. */
struct cf_file {
	char		*path;		/* as included, root-relative, "/..." */
	char		*real;		/* symlinks resolved, root-relative */
	char		*abspath;	/* root + real: where to open it */
	char		*text;		/* content as read (NUL-terminated) */
	size_t		 len;
	struct stat	 st;		/* of the real file when read */
	int		 parse_failed;
	unsigned	 err_line;	/* parse failure position (1-based) */
	unsigned	 err_col;
	char		*err_msg;	/* Augeas's message */
	int		 crlf;		/* lines end in CRLF */
	struct cf_node	 top;		/* pseudo-section: the file's nodes */
	size_t		*lines;		/* offset of each line's start */
	size_t		 nlines;
};

/* A directive in effect, with where it applies. */
struct cf_dir {
	struct cf_node	*node;
	struct cf_node	*ctx;		/* the <Location>/<LocationMatch>
					   section, or NULL at vhost/server
					   level */
	char		*ctx_path;	/* that section's path, unquoted */
	char		**args;		/* args unquoted, ${VAR} expanded */
	size_t		 nargs;
};

struct cf_vhost {
	struct cf_node	*node;		/* the <VirtualHost> section */
	int		 index;		/* 0-based, Apache's order */
	char		**addrs;	/* "*:80", "[::1]:443" (expanded) */
	size_t		 naddrs;
	char		*server_name;	/* expanded, port stripped; or NULL */
	int		 port;		/* port of ServerName or first addr;
					   0 if none */
	char		**aliases;
	size_t		 naliases;
	int		 tls;		/* SSLEngine on, or an addr on :443 */
	struct vec	 dirs;		/* struct cf_dir *: vhost-level and
					   <Location> directives in effect,
					   in file order */
};

/* Something discovery could not follow: a missing Include, a loop, an
 * Include leaving the root.  Reported, never fatal. */
struct cf_problem {
	char		*file;		/* root-relative, may be NULL */
	unsigned	 line;
	char		*message;
	int		 is_error;
};

struct cf_config {
	char		*root;		/* absolute; "/" for the live system */
	char		*main_config;	/* root-relative, "/etc/apache2/..." */
	char		*server_root;	/* root-relative */
	struct vec	 files;		/* struct cf_file *, load order */
	struct vec	 vhosts;	/* struct cf_vhost *, Apache order */
	struct vec	 server_dirs;	/* struct cf_dir *: outside vhosts */
	struct vec	 modules;	/* char *: "proxy_module", "mod_proxy.c"
					   (both names of each loaded one) */
	struct vec	 defines;	/* char *: "NAME=value" */
	struct vec	 env;		/* char *: "NAME=value", from Debian's
					   envvars (what apache2ctl exports) */
	char		*run_user;	/* User, expanded; or NULL */
	char		*run_group;
	struct vec	 problems;	/* struct cf_problem * */
	int		 debian;	/* Debian layout (a2enmod exists) */
};

struct cf_opts {
	const char	*root;		/* NULL or "" means "/" */
	const char	*config;	/* root-relative; NULL: search list */
	const char	*only_file;	/* NULL, or root-relative real path:
					   parse only this file with Augeas
					   (fast path for one-vhost edits) */
};

/* Load the configuration Apache would load.  Returns 0 and *out (free with
 * conf_free), or -1 with *err (malloc'd, one line naming the file and the
 * cause) for fatal problems: root not a directory, no main config,
 * main config unreadable. */
int	 conf_load(const struct cf_opts *, struct cf_config **out, char **err);
void	 conf_free(struct cf_config *);

/* Loaded module by identifier ("proxy_module") or file ("mod_proxy.c"). */
int	 conf_has_module(const struct cf_config *, const char *);
/* ${VAR} expanded with Defines and the environment (Debian envvars);
 * unknown variables stay literal.  Caller frees. */
char	*conf_expand(const struct cf_config *, const char *);
/* Directive names compare case-insensitively. */
int	 conf_is(const struct cf_node *, const char *name);
/* Line number (1-based) of a byte offset in a file (conf.c; needs
 * conf_index_lines first). */
unsigned conf_line_of(const struct cf_file *, size_t off);
/* Fill f->lines from f->text. */
void	 conf_index_lines(struct cf_file *);
/* Building struct cf_node trees (the parsers: augw.c, scan.c). */
void	 cf_node_add_kid(struct cf_node *parent, struct cf_node *kid);
void	 cf_node_add_arg(struct cf_node *, const char *value, size_t len,
	    size_t start, size_t end);
void	 cf_node_free_kids(struct cf_node *);
/* Absolute path on this machine of a root-relative path (path.c).  Caller
 * frees. */
char	*conf_abs(const struct cf_config *, const char *rel);
/* A root-relative path with every symbolic link resolved as if the root
 * were "/" (the result names no link, so the kernel follows none out of
 * the root).  Caller frees; NULL with errno ENOENT, ELOOP, or EXDEV when
 * ".." would leave the root. */
char	*conf_resolve(const struct cf_config *, const char *rel);
/* All vhosts matching a selector: ServerName/ServerAlias, NAME:PORT or
 * FILE:LINE.  Returns the number found. */
size_t	 conf_find_vhosts(const struct cf_config *, const char *sel,
	    struct vec *out);
/* Is name the vhost's ServerName or one of its ServerAliases (as written,
 * case-insensitively)? */
int	 conf_vhost_answers(const struct cf_vhost *, const char *name);
/* Display name of a vhost: ServerName, else first address. */
const char *conf_vhost_name(const struct cf_vhost *);
/* Is v one of c's vhosts (its index valid and naming it)?  Tables by
 * vhost index use it before they index. */
int	 conf_vhost_of(const struct cf_config *c, const struct cf_vhost *v);

#endif
