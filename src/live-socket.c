/* live-socket.c: a Unix socket backend tested as Apache would reach it.
 *
 * Apache's children connect() to the socket with the uid, gid and
 * supplementary groups of its User/Group (Debian: APACHE_RUN_USER/GROUP
 * from envvars).  connect() needs search (x) permission on every
 * directory above the socket and write (w) permission on the socket.
 * Measured on Apache 2.4.71: each of these leaves "(errno)...: AH02454"
 * in the error log and a 503 for the visitor: (2) no such file, (13) a
 * 0700 directory or a socket of another group, (111) a socket file whose
 * backend is gone (nobody listening).  (11) EAGAIN is a full backlog on
 * Linux (a non-blocking connect, as Apache's). */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <poll.h>
#include <pwd.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "live.h"
#include "util.h"

#define LIVE_MAX_GROUPS	256

int
live_user_lookup(const char *user, const char *group, struct live_user *u,
    char **err)
{
	struct passwd	*pw;
	struct group	*gr;
	int		 n = LIVE_MAX_GROUPS;

	memset(u, 0, sizeof *u);
	if (user == NULL) {
		*err = xstrdup("no User directive (nor APACHE_RUN_USER)");
		return -1;
	}
	errno = 0;
	if ((pw = getpwnam(user)) == NULL) {
		*err = xasprintf("Apache's user %s is not known on this "
		    "machine", user);
		return -1;
	}
	u->name = xstrdup(user);
	u->uid = pw->pw_uid;
	u->gid = pw->pw_gid;
	if (group != NULL && (gr = getgrnam(group)) != NULL)
		u->gid = gr->gr_gid;
	gr = getgrgid(u->gid);
	u->group = gr != NULL ? xstrdup(gr->gr_name) :
	    xasprintf("%lu", (unsigned long)u->gid);
	/* What initgroups() gives the children: the passwd group (or
	 * Group's) and every group listing the user. */
	u->groups = xcalloc(LIVE_MAX_GROUPS, sizeof *u->groups);
	if (getgrouplist(user, u->gid, u->groups, &n) < 0)
		n = LIVE_MAX_GROUPS;
	u->ngroups = n;
	return 0;
}

void
live_user_free(struct live_user *u)
{
	free(u->name);
	free(u->group);
	free(u->groups);
	memset(u, 0, sizeof *u);
}

void
live_sock_result_free(struct live_sock_result *r)
{
	free(r->dir);
	free(r->detail);
	free(r->advice);
	memset(r, 0, sizeof *r);
}

const char *
live_sock_name(enum live_sock s)
{
	static const char *const names[] = {
		"ok", "missing", "not-a-socket", "stale", "denied-directory",
		"denied-socket", "denied-selinux", "denied-other",
		"backlog-full", "timeout", "error",
	};

	return names[s];
}

int
live_selinux_enforcing(void)
{
	char	*text = NULL;
	size_t	 len;
	int	 on = 0;

	if (util_read_file("/sys/fs/selinux/enforce", 16, &text, &len) == 0)
		on = len > 0 && text[0] == '1';
	free(text);
	return on;
}

/* May the user do bit (1 x, 2 w) on a file with this stat? */
static int
user_may(const struct live_user *u, const struct stat *st, unsigned bit)
{
	int	i;

	if (u->uid == 0)
		return 1;
	if (st->st_uid == u->uid)
		return (st->st_mode & (bit << 6)) != 0;
	for (i = 0; i < u->ngroups; i++)
		if (st->st_gid == u->groups[i])
			return (st->st_mode & (bit << 3)) != 0;
	return (st->st_mode & bit) != 0;
}

static char *
owner_text(const struct stat *st)
{
	struct passwd	*pw = getpwuid(st->st_uid);
	struct group	*gr = getgrgid(st->st_gid);
	char		 ub[32], gb[32];

	snprintf(ub, sizeof ub, "%lu", (unsigned long)st->st_uid);
	snprintf(gb, sizeof gb, "%lu", (unsigned long)st->st_gid);
	return xasprintf("%s:%s", pw ? pw->pw_name : ub,
	    gr ? gr->gr_name : gb);
}

/* The permission model: the first directory without search permission,
 * else the socket without write permission.  Sets r->state and the texts
 * and returns 1 when the modes deny; 0 when they allow. */
static int
model_denies(const char *path, const struct live_user *u,
    struct live_sock_result *r)
{
	char		*dir = xstrdup(path), *slash, *own;
	struct stat	 st;

	for (slash = strchr(dir + 1, '/'); slash != NULL;
	    slash = strchr(slash + 1, '/')) {
		const char	*d;

		*slash = '\0';
		d = *dir ? dir : "/";
		if (stat(d, &st) == 0 && S_ISDIR(st.st_mode) &&
		    !user_may(u, &st, 1)) {
			own = owner_text(&st);
			r->state = LIVE_SOCK_DENIED_DIR;
			r->dir = xstrdup(d);
			r->detail = xasprintf("%s cannot enter %s (mode %04o, "
			    "owner %s): no search (x) permission", u->name, d,
			    (unsigned)(st.st_mode & 07777), own);
			r->advice = xasprintf("chmod o+x %s   (or for %s "
			    "alone: setfacl -m u:%s:x %s)", d, u->name,
			    u->name, d);
			free(own);
			free(dir);
			return 1;
		}
		*slash = '/';
	}
	free(dir);
	if (stat(path, &st) == 0 && !user_may(u, &st, 2)) {
		own = owner_text(&st);
		r->state = LIVE_SOCK_DENIED_SOCKET;
		r->detail = xasprintf("%s (uid %lu, groups of %s) may not "
		    "write to the socket (mode %04o, owner %s)", u->name,
		    (unsigned long)u->uid, u->name,
		    (unsigned)(st.st_mode & 07777), own);
		r->advice = xasprintf("chgrp %s %s && chmod g+w %s   (and "
		    "have the backend create it so: group %s, mode 0660, "
		    "e.g. gunicorn --group %s --umask 007, or systemd "
		    "SocketGroup=%s SocketMode=0660)", u->group, path, path,
		    u->group, u->group, u->group);
		free(own);
		return 1;
	}
	return 0;
}

/* Non-blocking connect() to path, as Apache does; 0 or an errno. */
static int
connect_unix(const char *path, int timeout_ms)
{
	struct sockaddr_un	sa;

	memset(&sa, 0, sizeof sa);
	sa.sun_family = AF_UNIX;
	if (strlen(path) >= sizeof sa.sun_path)
		return ENAMETOOLONG;
	memcpy(sa.sun_path, path, strlen(path));
	return live_connect((struct sockaddr *)&sa, sizeof sa, timeout_ms);
}

/* connect() in a child running as the user; 0, an errno, or ETIMEDOUT
 * when the child gave no answer in time (it is killed). */
static int
connect_as(const char *path, const struct live_user *u, int timeout_ms)
{
	struct pollfd	pfd;
	pid_t		pid;
	int		p[2], e = ETIMEDOUT, status;
	long		end = live_now_ms() + timeout_ms;

	if (pipe2(p, O_CLOEXEC) != 0)
		return errno;
	if ((pid = fork()) < 0) {
		e = errno;
		close(p[0]);
		close(p[1]);
		return e;
	}
	if (pid == 0) {
		/* The child: Apache's identity, then one connect(). */
		int	ce;

		close(p[0]);
		if (setgroups((size_t)u->ngroups, u->groups) != 0 ||
		    setgid(u->gid) != 0 || setuid(u->uid) != 0)
			ce = -1;
		else
			ce = connect_unix(path, timeout_ms);
		if (write(p[1], &ce, sizeof ce) != (ssize_t)sizeof ce)
			_exit(1);
		_exit(0);
	}
	close(p[1]);
	pfd.fd = p[0];
	pfd.events = POLLIN;
	for (;;) {
		long	left = end - live_now_ms();
		int	n;

		if (left < 0)
			left = 0;
		n = poll(&pfd, 1, (int)left);
		if (n < 0 && errno == EINTR)
			continue;
		if (n > 0 && read(p[0], &e, sizeof e) != (ssize_t)sizeof e)
			e = ECHILD;
		break;
	}
	close(p[0]);
	if (e == ETIMEDOUT)
		kill(pid, SIGKILL);
	while (waitpid(pid, &status, 0) < 0 && errno == EINTR)
		;
	return e;
}

static void
classify_errno(const char *path, const struct live_user *u, int e,
    struct live_sock_result *r)
{
	r->err = e;
	switch (e) {
	case 0:
		r->state = LIVE_SOCK_OK;
		break;
	case ENOENT:
		r->state = LIVE_SOCK_MISSING;
		r->detail = xasprintf("%s does not exist", path);
		r->advice = xstrdup("start the backend (e.g. systemctl start "
		    "<app>), or correct the path");
		break;
	case ECONNREFUSED:
		r->state = LIVE_SOCK_STALE;
		r->detail = xasprintf("%s exists but nobody listens on it "
		    "(connect: Connection refused): a socket file left by a "
		    "backend that stopped or crashed", path);
		r->advice = xasprintf("ss -xlp | grep -F %s   (empty: restart "
		    "the backend; if it will not start because the address "
		    "is in use, rm %s first)", path, path);
		break;
	case EACCES:
	case EPERM:
		if (model_denies(path, u, r))
			break;
		if (live_selinux_enforcing()) {
			r->state = LIVE_SOCK_DENIED_SELINUX;
			r->detail = xasprintf("permission denied although the "
			    "modes allow %s in: SELinux is enforcing and the "
			    "socket's label (or the backend's domain) is not "
			    "one httpd_t may connect to", u->name);
			r->advice = xasprintf("ls -Z %s; ausearch -m avc -c "
			    "httpd; then semanage fcontext -a -t "
			    "httpd_var_run_t '%s' && restorecon -v %s", path,
			    path, path);
		} else {
			r->state = LIVE_SOCK_DENIED_OTHER;
			r->detail = xasprintf("permission denied although the "
			    "modes allow %s in (an ACL, AppArmor or another "
			    "security module denies it)", u->name);
			r->advice = xasprintf("getfacl %s; journalctl -k | "
			    "grep -i apparmor", path);
		}
		break;
	case EAGAIN:
		r->state = LIVE_SOCK_BACKLOG;
		r->detail = xasprintf("%s refuses new connections: its "
		    "listen backlog is full (the backend is overloaded or "
		    "stuck)", path);
		r->advice = xstrdup("more backend workers or a longer backlog "
		    "(gunicorn --backlog, net.core.somaxconn); check the "
		    "backend's own log");
		break;
	case ETIMEDOUT:
		r->state = LIVE_SOCK_TIMEOUT;
		r->detail = xasprintf("no answer from %s within the timeout",
		    path);
		r->advice = xstrdup("check the backend's own log");
		break;
	default:
		r->state = LIVE_SOCK_ERROR;
		r->detail = xasprintf("connect to %s: %s", path,
		    e > 0 ? strerror(e) : "could not take Apache's identity");
		r->advice = NULL;
		break;
	}
}

void
live_socket_test(const char *path, const struct live_user *u,
    int timeout_ms, struct live_sock_result *r)
{
	struct stat	st;
	int		e;

	memset(r, 0, sizeof *r);
	if (lstat(path, &st) == 0 && !S_ISSOCK(st.st_mode) &&
	    !S_ISLNK(st.st_mode)) {
		r->state = LIVE_SOCK_NOT_SOCKET;
		r->detail = xasprintf("%s exists but is not a socket (mode "
		    "%06o)", path, (unsigned)st.st_mode);
		r->advice = xasprintf("ls -l %s; the backend must create the "
		    "socket there: move the file away and restart the backend",
		    path);
		return;
	}
	if (geteuid() == 0) {
		r->as_user = 1;
		classify_errno(path, u, connect_as(path, u, timeout_ms), r);
		return;
	}
	/* Not root: the modes answer for Apache's user, our own connect()
	 * says whether anybody listens. */
	if (model_denies(path, u, r)) {
		r->err = EACCES;
		return;
	}
	e = connect_unix(path, timeout_ms);
	if (e == EACCES || e == EPERM) {
		r->state = LIVE_SOCK_OK;
		r->detail = xasprintf("the modes let %s in; whether a backend "
		    "listens was not tested (we may not connect as uid %lu)",
		    u->name, (unsigned long)geteuid());
		return;
	}
	classify_errno(path, u, e, r);
}

/* The live system is --root / (or no --root).  A test harness that runs a
 * real apache2 with -d ROOT/etc/apache2, whose configuration names this
 * machine's sockets and log files, declares that ROOT live with
 * VHOSTFIX_LIVE_ROOT=ROOT: only that exact directory is then treated as
 * the running system. */
int
live_is_running_root(const char *root)
{
	const char	*decl = getenv("VHOSTFIX_LIVE_ROOT");
	char		*a, *b;
	int		 live = 0;

	if (root == NULL || *root == '\0')
		return 1;
	if ((a = realpath(root, NULL)) == NULL)
		return 0;
	if (strcmp(a, "/") == 0)
		live = 1;
	else if (decl != NULL && *decl != '\0' &&
	    (b = realpath(decl, NULL)) != NULL) {
		live = strcmp(a, b) == 0;
		free(b);
	}
	free(a);
	return live;
}
