/* live.h: backends tested on the running system, as Apache would reach
 * them (live-socket.c: Unix sockets; live-tcp.c: TCP addresses).
 *
 * Nothing here prints or exits.  Every network call has a timeout; a
 * child that does not answer in time is killed. */
#ifndef VHOSTFIX_LIVE_H
#define VHOSTFIX_LIVE_H

#include <sys/socket.h>
#include <sys/types.h>

/* The user Apache's children run as, looked up on this machine. */
struct live_user {
	char	*name;
	uid_t	 uid;
	gid_t	 gid;			/* Group directive, else passwd's */
	char	*group;			/* its name */
	gid_t	*groups;		/* gid and supplementary groups */
	int	 ngroups;
};

/* Look the user (User, or Debian's APACHE_RUN_USER) and group up in this
 * machine's databases.  Returns 0, or -1 with *err (one line). */
int	 live_user_lookup(const char *user, const char *group,
	    struct live_user *, char **err);
void	 live_user_free(struct live_user *);

enum live_sock {
	LIVE_SOCK_OK,
	LIVE_SOCK_MISSING,		/* ENOENT */
	LIVE_SOCK_NOT_SOCKET,		/* exists, not S_ISSOCK */
	LIVE_SOCK_STALE,		/* ECONNREFUSED: nobody listens */
	LIVE_SOCK_DENIED_DIR,		/* a directory lacks search (x) */
	LIVE_SOCK_DENIED_SOCKET,	/* the socket lacks write (w) */
	LIVE_SOCK_DENIED_SELINUX,	/* modes allow it, SELinux enforces */
	LIVE_SOCK_DENIED_OTHER,		/* modes allow it: ACL, AppArmor */
	LIVE_SOCK_BACKLOG,		/* EAGAIN: listen backlog full */
	LIVE_SOCK_TIMEOUT,		/* no answer within the timeout */
	LIVE_SOCK_ERROR,		/* anything else (err says) */
};

struct live_sock_result {
	enum live_sock	 state;
	int		 err;		/* errno of connect(), 0 if none */
	int		 as_user;	/* 1: connect() ran as Apache's user;
					   0: judged from the modes (and our
					   own connect() for liveness) */
	char		*dir;		/* DENIED_DIR: the directory */
	char		*detail;	/* one line: what was found */
	char		*advice;	/* one line: the command to run */
};

/* Test the socket at path as Apache's user would reach it.  When we run
 * as root, a forked child takes the user's uid, gid and supplementary
 * groups and connect()s; otherwise the modes along the path decide the
 * permission question and our own connect() the rest.  timeout_ms bounds
 * the whole test.  Fills *r (free with live_sock_result_free). */
void	 live_socket_test(const char *path, const struct live_user *,
	    int timeout_ms, struct live_sock_result *r);
void	 live_sock_result_free(struct live_sock_result *);
/* The state's name as the JSON and tests use it ("stale"). */
const char *live_sock_name(enum live_sock);
/* Is SELinux enforcing on this machine? */
int	 live_selinux_enforcing(void);

/* TCP: one resolved address, tried in the resolver's order. */
struct live_addr {
	char	text[64];		/* "[::1]:8000", "127.0.0.1:8000" */
	int	family;			/* AF_INET, AF_INET6 */
	int	err;			/* 0: connected; ETIMEDOUT: timeout;
					   -1: not tried (an earlier address
					   accepted) */
};

struct live_tcp_result {
	int			 gai_err;	/* getaddrinfo's, 0 if none */
	char			*gai_msg;
	struct live_addr	*addrs;
	size_t			 naddrs;
	int			 first_ok;	/* index of the first address
						   that accepted, or -1 */
	int			 v4_fallback;	/* every address failed, one was
						   ::1, and 127.0.0.1:port
						   accepts */
};

/* Resolve host:port as Apache does (getaddrinfo, AF_UNSPEC, in the order
 * returned) and connect to each address with a non-blocking connect()
 * bounded by timeout_ms.  Fills *r (free with live_tcp_result_free). */
void	 live_tcp_test(const char *host, int port, int timeout_ms,
	    struct live_tcp_result *r);
void	 live_tcp_result_free(struct live_tcp_result *);

/* The live stage (rule-live.c), after rules_run(). */
struct live_opts {
	int	live;		/* the tree is the running system's: test
				   sockets and TCP backends, take absolute
				   log paths as this machine's */
	int	logs;		/* read the error logs */
	int	timeout_ms;	/* per connect() */
};

struct vec;
/* Test every ProxyPass backend (when o->live) and read the error logs:
 * adds socket-stale, socket-backlog-full, backend-ipv6-first,
 * backend-unreachable and log-unmatched findings, replaces the static
 * socket-missing/socket-permission findings a live test answered, and
 * attaches the log's events to the findings they explain (their
 * evidence).  Keeps findings grouped by vhost in Apache's order.  Appends
 * one-line notes (char *) about what was skipped and why. */
struct cf_config;
/* Is this --root the running system: "/" (or none), or the one directory
 * the environment variable VHOSTFIX_LIVE_ROOT declares live (test
 * harnesses that run a real apache2 -d ROOT/etc/apache2 whose
 * configuration names this machine's sockets and logs)? */
int	 live_is_running_root(const char *root);
void	 live_run(const struct cf_config *, const struct live_opts *,
	    struct vec *findings, struct vec *notes);
/* The same in steps, a vhost at a time (the wizard's list is on screen
 * meanwhile): live_begin(); live_vhost() for i = 0 .. vhosts.n (n: the
 * server's own passes, mine NULL) with the rules' findings of vhost i,
 * moved into out with the live ones (mine left empty); live_end() with
 * the findings outside vhosts, moved into out after them, then the
 * unmatched log events.  o and notes must outlive the steps. */
struct live_steps;
struct live_steps *live_begin(const struct cf_config *,
	    const struct live_opts *o, struct vec *notes);
void	 live_vhost(struct live_steps *, size_t i, struct vec *mine,
	    struct vec *out);
void	 live_end(struct live_steps *, struct vec *rest, struct vec *out);

/* A non-blocking connect() (as Apache's) bounded by timeout_ms: 0, or
 * the errno (ETIMEDOUT when no answer came). */
int	 live_connect(const struct sockaddr *, socklen_t, int timeout_ms);
/* A monotonic clock in milliseconds, for deadlines. */
long	 live_now_ms(void);
/* The same on a non-blocking socket the caller made (and keeps). */
int	 live_connect_fd(int fd, const struct sockaddr *, socklen_t,
	    int timeout_ms);

#endif
