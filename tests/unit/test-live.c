/* test-live.c: backends tested as Apache's user would reach them, on real
 * sockets in a temporary directory.
 *
 * As root, the tests run as Debian's www-data (Apache's user here): a
 * listening socket, a stale one (bound, closed, mode 0777), a 0700 parent
 * directory, a socket of another group (0660 root:root), a plain file and
 * a missing path.  TCP: a listener on 127.0.0.1, the same port asked as
 * ::1 (the IPv4 fallback is noticed) and a closed port.  Without root the
 * permission cases go through the mode model only, as the program does. */
#include "config.h"

#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <pwd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <unistd.h>

#include "live.h"
#include "util.h"

static int	failures;
static char	dir[256];

#define CHECK(cond, ...) do {						\
	if (!(cond)) {							\
		fprintf(stderr, "FAIL %s:%d: ", __FILE__, __LINE__);	\
		fprintf(stderr, __VA_ARGS__);				\
		fputc('\n', stderr);					\
		failures++;						\
	}								\
} while (0)

static int
unix_listener(const char *path, int listen_too, mode_t mode)
{
	struct sockaddr_un	sa;
	int			fd = socket(AF_UNIX, SOCK_STREAM, 0);

	memset(&sa, 0, sizeof sa);
	sa.sun_family = AF_UNIX;
	snprintf(sa.sun_path, sizeof sa.sun_path, "%s", path);
	if (fd < 0 || bind(fd, (struct sockaddr *)&sa, sizeof sa) != 0) {
		perror(path);
		exit(99);
	}
	if (listen_too && listen(fd, 8) != 0) {
		perror("listen");
		exit(99);
	}
	chmod(path, mode);
	return fd;
}

static void
expect_sock(const char *path, const struct live_user *u, enum live_sock want,
    const char *what)
{
	struct live_sock_result	r;

	live_socket_test(path, u, 2000, &r);
	CHECK(r.state == want, "%s: %s is %s, want %s (%s)", what, path,
	    live_sock_name(r.state), live_sock_name(want),
	    r.detail ? r.detail : "-");
	CHECK(want == LIVE_SOCK_OK || r.detail != NULL, "%s: no detail", what);
	CHECK(want == LIVE_SOCK_OK || r.advice != NULL, "%s: no advice", what);
	printf("%-14s %-16s as_user=%d %s\n    advice: %s\n", what,
	    live_sock_name(r.state), r.as_user, r.detail ? r.detail : "",
	    r.advice ? r.advice : "");
	live_sock_result_free(&r);
}

/* Not root: the same sockets judged by the mode model (and our own
 * connect() for liveness), in a child running as nobody. */
static void
as_nobody(const struct live_user *u)
{
	struct live_sock_result	r;
	char			p[512];
	pid_t			pid;
	int			status, bad = 0;

	fflush(stdout);
	if ((pid = fork()) == 0) {
		if (setgid(65534) != 0 || setuid(65534) != 0)
			_exit(99);
		snprintf(p, sizeof p, "%s/closed/app.sock", dir);
		live_socket_test(p, u, 2000, &r);
		bad += r.state != LIVE_SOCK_DENIED_DIR || r.as_user;
		printf("as nobody: %s %s\n", live_sock_name(r.state),
		    r.detail ? r.detail : "");
		live_sock_result_free(&r);
		snprintf(p, sizeof p, "%s/group.sock", dir);
		live_socket_test(p, u, 2000, &r);
		bad += r.state != LIVE_SOCK_DENIED_SOCKET;
		printf("as nobody: %s %s\n", live_sock_name(r.state),
		    r.detail ? r.detail : "");
		live_sock_result_free(&r);
		snprintf(p, sizeof p, "%s/stale.sock", dir);
		live_socket_test(p, u, 2000, &r);
		bad += r.state != LIVE_SOCK_STALE;
		printf("as nobody: %s\n", live_sock_name(r.state));
		live_sock_result_free(&r);
		fflush(stdout);
		_exit(bad ? 1 : 0);
	}
	waitpid(pid, &status, 0);
	CHECK(WIFEXITED(status) && WEXITSTATUS(status) == 0,
	    "as nobody: the mode model gave other answers (status %d)",
	    status);
}

static void
test_sockets(void)
{
	struct live_user	 u;
	char			 p[512], *err = NULL;
	int			 root = geteuid() == 0, fd;
	const char		*who = root ? "www-data" : NULL;
	struct passwd		*pw;

	if (who == NULL) {
		pw = getpwuid(geteuid());
		who = pw ? pw->pw_name : NULL;
	}
	if (who == NULL || live_user_lookup(who, NULL, &u, &err) != 0) {
		printf("SKIP sockets: %s\n", err ? err : "no user");
		free(err);
		return;
	}
	CHECK(u.ngroups >= 1, "no groups for %s", who);

	snprintf(p, sizeof p, "%s/ok.sock", dir);
	unix_listener(p, 1, 0777);
	expect_sock(p, &u, LIVE_SOCK_OK, "listening");

	snprintf(p, sizeof p, "%s/stale.sock", dir);
	close(unix_listener(p, 0, 0777));
	expect_sock(p, &u, LIVE_SOCK_STALE, "stale");

	snprintf(p, sizeof p, "%s/missing.sock", dir);
	expect_sock(p, &u, LIVE_SOCK_MISSING, "missing");

	snprintf(p, sizeof p, "%s/plain", dir);
	fd = open(p, O_CREAT | O_WRONLY, 0644);
	close(fd);
	expect_sock(p, &u, LIVE_SOCK_NOT_SOCKET, "not a socket");

	if (root) {
		char	sub[300];

		/* A parent directory Apache's user cannot enter. */
		snprintf(sub, sizeof sub, "%s/closed", dir);
		mkdir(sub, 0700);
		snprintf(p, sizeof p, "%s/app.sock", sub);
		unix_listener(p, 1, 0777);
		expect_sock(p, &u, LIVE_SOCK_DENIED_DIR, "0700 directory");

		/* A socket of another group, 0660. */
		snprintf(p, sizeof p, "%s/group.sock", dir);
		unix_listener(p, 1, 0660);
		if (chown(p, 0, 0) != 0)
			perror("chown");
		expect_sock(p, &u, LIVE_SOCK_DENIED_SOCKET, "wrong group");

		/* The same socket with Apache's group: allowed. */
		if (chown(p, 0, u.gid) != 0)
			perror("chown");
		expect_sock(p, &u, LIVE_SOCK_OK, "right group");
		if (chown(p, 0, 0) != 0)
			perror("chown");
		as_nobody(&u);
	}
	live_user_free(&u);
}

static int
tcp_listener(int *port)
{
	struct sockaddr_in	sa;
	socklen_t		len = sizeof sa;
	int			fd = socket(AF_INET, SOCK_STREAM, 0);

	memset(&sa, 0, sizeof sa);
	sa.sin_family = AF_INET;
	sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	if (fd < 0 || bind(fd, (struct sockaddr *)&sa, sizeof sa) != 0 ||
	    listen(fd, 8) != 0 ||
	    getsockname(fd, (struct sockaddr *)&sa, &len) != 0) {
		perror("tcp listener");
		exit(99);
	}
	*port = ntohs(sa.sin_port);
	return fd;
}

static void
test_tcp(void)
{
	struct live_tcp_result	r;
	int			port, fd, dead;

	fd = tcp_listener(&port);
	live_tcp_test("127.0.0.1", port, 2000, &r);
	CHECK(r.gai_err == 0 && r.naddrs == 1 && r.first_ok == 0,
	    "127.0.0.1:%d: first_ok %d", port, r.first_ok);
	live_tcp_result_free(&r);

	/* The backend listens on IPv4 only; asked as ::1 it refuses, and
	 * the check notices that 127.0.0.1 would have answered. */
	live_tcp_test("::1", port, 2000, &r);
	CHECK(r.naddrs == 1 && r.first_ok == -1 && r.addrs[0].family ==
	    AF_INET6 && r.addrs[0].err == ECONNREFUSED,
	    "[::1]:%d: first_ok %d err %d", port, r.first_ok,
	    r.naddrs ? r.addrs[0].err : -2);
	CHECK(r.v4_fallback == 1, "[::1]:%d: no IPv4 fallback seen", port);
	printf("[::1]:%d  %s  v4_fallback=%d\n", port,
	    r.naddrs ? r.addrs[0].text : "-", r.v4_fallback);
	live_tcp_result_free(&r);

	/* A port nobody listens on (ours, closed). */
	dead = tcp_listener(&port);
	close(dead);
	live_tcp_test("127.0.0.1", port, 2000, &r);
	CHECK(r.first_ok == -1 && r.naddrs == 1 &&
	    r.addrs[0].err == ECONNREFUSED && !r.v4_fallback,
	    "closed port %d: first_ok %d", port, r.first_ok);
	live_tcp_result_free(&r);

	live_tcp_test("name.invalid", 80, 2000, &r);
	CHECK(r.gai_err != 0 && r.gai_msg != NULL, "name.invalid resolved");
	live_tcp_result_free(&r);
	close(fd);
}

int
main(void)
{
	char	cmd[300];

	snprintf(dir, sizeof dir, "%s/vhostfix-live.XXXXXX",
	    getenv("TMPDIR") ? getenv("TMPDIR") : "/tmp");
	if (mkdtemp(dir) == NULL) {
		perror("mkdtemp");
		return 99;
	}
	/* Apache's user must reach the directory itself. */
	chmod(dir, 0711);
	test_sockets();
	test_tcp();
	snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
	if (system(cmd) != 0)
		fprintf(stderr, "could not remove %s\n", dir);
	if (failures) {
		fprintf(stderr, "%d failure(s)\n", failures);
		return 1;
	}
	printf("all live tests passed\n");
	return 0;
}
