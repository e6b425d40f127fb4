/* live-tcp.c: a TCP backend tested as Apache reaches it.
 *
 * mod_proxy resolves the worker's host with the system resolver (all
 * families) and tries the addresses in the order returned.  Measured on
 * Apache 2.4.71 with a name that resolves to ::1 then 127.0.0.1 and a
 * backend on 127.0.0.1 only: every new connection first fails on [::1]
 * ("(111)Connection refused: AH00957 ... [::1]:PORT", logged at debug
 * level because another address follows), then succeeds; a name that
 * resolves to ::1 alone gives the same AH00957 at error level and 503. */
#include "config.h"

#include <arpa/inet.h>
#include <errno.h>
#include <netdb.h>
#include <netinet/in.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "live.h"
#include "util.h"

long
live_now_ms(void)
{
	struct timespec	ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

int
live_connect_fd(int fd, const struct sockaddr *sa, socklen_t salen,
    int timeout_ms)
{
	struct pollfd	pfd;
	socklen_t	len = sizeof(int);
	int		e = 0, n;

	if (connect(fd, sa, salen) == 0)
		return 0;
	e = errno;
	if (e != EINPROGRESS)
		return e;
	pfd.fd = fd;
	pfd.events = POLLOUT;
	do
		n = poll(&pfd, 1, timeout_ms);
	while (n < 0 && errno == EINTR);
	if (n <= 0)
		return ETIMEDOUT;
	if (getsockopt(fd, SOL_SOCKET, SO_ERROR, &e, &len) != 0)
		return errno;
	return e;
}

int
live_connect(const struct sockaddr *sa, socklen_t salen, int timeout_ms)
{
	int	fd, e;

	fd = socket(sa->sa_family, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC,
	    0);
	if (fd < 0)
		return errno;
	e = live_connect_fd(fd, sa, salen, timeout_ms);
	close(fd);
	return e;
}

static void
addr_text(const struct sockaddr *sa, char *out, size_t outlen)
{
	char	host[INET6_ADDRSTRLEN];
	int	port;

	if (sa->sa_family == AF_INET6) {
		const struct sockaddr_in6 *s6 = (const void *)sa;

		inet_ntop(AF_INET6, &s6->sin6_addr, host, sizeof host);
		port = ntohs(s6->sin6_port);
		snprintf(out, outlen, "[%s]:%d", host, port);
	} else {
		const struct sockaddr_in *s4 = (const void *)sa;

		inet_ntop(AF_INET, &s4->sin_addr, host, sizeof host);
		port = ntohs(s4->sin_port);
		snprintf(out, outlen, "%s:%d", host, port);
	}
}

void
live_tcp_test(const char *host, int port, int timeout_ms,
    struct live_tcp_result *r)
{
	struct addrinfo	 hints, *res = NULL, *ai;
	char		 serv[16];
	size_t		 n = 0, i;
	int		 has_v6_loop = 0;

	memset(r, 0, sizeof *r);
	r->first_ok = -1;
	memset(&hints, 0, sizeof hints);
	hints.ai_family = AF_UNSPEC;
	hints.ai_socktype = SOCK_STREAM;
	snprintf(serv, sizeof serv, "%d", port);
	r->gai_err = getaddrinfo(host, serv, &hints, &res);
	if (r->gai_err != 0) {
		r->gai_msg = xstrdup(gai_strerror(r->gai_err));
		return;
	}
	for (ai = res; ai != NULL; ai = ai->ai_next)
		n++;
	r->addrs = xcalloc(n ? n : 1, sizeof *r->addrs);
	for (ai = res; ai != NULL; ai = ai->ai_next) {
		struct live_addr	*a = &r->addrs[r->naddrs];

		if (ai->ai_family != AF_INET && ai->ai_family != AF_INET6)
			continue;
		addr_text(ai->ai_addr, a->text, sizeof a->text);
		a->family = ai->ai_family;
		if (ai->ai_family == AF_INET6 && IN6_IS_ADDR_LOOPBACK(
		    &((struct sockaddr_in6 *)(void *)ai->ai_addr)->sin6_addr))
			has_v6_loop = 1;
		r->naddrs++;
		/* Apache stops at the first address that accepts. */
		if (r->first_ok >= 0) {
			a->err = -1;
			continue;
		}
		a->err = live_connect(ai->ai_addr, ai->ai_addrlen,
		    timeout_ms);
		if (a->err == 0)
			r->first_ok = (int)(r->naddrs - 1);
	}
	freeaddrinfo(res);
	if (r->first_ok < 0 && has_v6_loop) {
		struct sockaddr_in	s4;
		int			only_v6 = 1;

		for (i = 0; i < r->naddrs; i++)
			if (r->addrs[i].family == AF_INET)
				only_v6 = 0;
		memset(&s4, 0, sizeof s4);
		s4.sin_family = AF_INET;
		s4.sin_port = htons((unsigned short)port);
		s4.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
		r->v4_fallback = only_v6 && live_connect(
		    (struct sockaddr *)&s4, sizeof s4, timeout_ms) == 0;
	}
}

void
live_tcp_result_free(struct live_tcp_result *r)
{
	free(r->gai_msg);
	free(r->addrs);
	memset(r, 0, sizeof *r);
}
