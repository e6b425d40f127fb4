/* write-run.c: running Apache's checks and the user's commands.
 *
 * File names are always passed as separate arguments, never pasted into a
 * shell string.  A user command line runs without a shell unless it needs
 * one. */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <time.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "write-int.h"

/* Captured output past this is read and dropped: Apache's complaint is
 * in the first lines. */
#define WR_RUN_MAX	(1024 * 1024)

/* Seconds a command may run (0: no limit); see wr_run_set_timeout(). */
static int	wr_timeout;

void
wr_run_set_timeout(int seconds)
{
	wr_timeout = seconds > 0 ? seconds : 0;
}

static long long
wr_now_ms(void)
{
	struct timespec	ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static void
wr_child(char *const argv[], const char *cwd, int out, int errp)
{
	static const int sigs[] = { SIGINT, SIGTERM, SIGHUP, SIGQUIT,
	    SIGPIPE };
	sigset_t	 none;
	size_t		 i;
	int		 e, fd;

	/* The write phase blocks and catches signals; the command must get
	 * them as usual. */
	for (i = 0; i < sizeof sigs / sizeof sigs[0]; i++)
		signal(sigs[i], SIG_DFL);
	/* With a time limit, the command and whatever it starts form one
	 * group, so that all of it can be killed. */
	if (wr_timeout > 0)
		setpgid(0, 0);
	sigemptyset(&none);
	sigprocmask(SIG_SETMASK, &none, NULL);
	fd = open("/dev/null", O_RDONLY);
	if (fd < 0 || dup2(fd, 0) < 0 || dup2(out, 1) < 0 || dup2(out, 2) < 0)
		goto fail;
	if (cwd != NULL && chdir(cwd) < 0)
		goto fail;
	execvp(argv[0], argv);
fail:
	e = errno;
	if (write(errp, &e, sizeof e) < 0) {
		/* the parent reports an unknown failure */
	}
	_exit(127);
}

int
wr_run(char *const argv[], const char *cwd, struct buf *out, char **err)
{
	char	 chunk[4096];
	ssize_t	 r;
	pid_t	 pid;
	int	 po[2], pe[2], st, e = 0, timed_out = 0;
	long long deadline = 0;

	if (pipe2(po, O_CLOEXEC) < 0)
		goto fail;
	if (pipe2(pe, O_CLOEXEC) < 0) {
		close(po[0]);
		close(po[1]);
		goto fail;
	}
	pid = fork();
	if (pid < 0) {
		e = errno;
		close(po[0]);
		close(po[1]);
		close(pe[0]);
		close(pe[1]);
		errno = e;
		goto fail;
	}
	if (pid == 0)
		wr_child(argv, cwd, po[1], pe[1]);
	close(po[1]);
	close(pe[1]);
	if (wr_timeout > 0)
		deadline = wr_now_ms() + (long long)wr_timeout * 1000;
	for (;;) {
		if (deadline != 0 && !timed_out) {
			struct pollfd	pfd = { po[0], POLLIN, 0 };
			long long	left = deadline - wr_now_ms();
			int		n;

			n = left > 0 ? poll(&pfd, 1, (int)left) : 0;
			if (n < 0 && errno == EINTR)
				continue;
			if (n == 0) {
				kill(-pid, SIGKILL);
				kill(pid, SIGKILL);
				timed_out = 1;
				break;
			}
		}
		r = read(po[0], chunk, sizeof chunk);
		if (r < 0 && errno == EINTR)
			continue;
		if (r <= 0)
			break;
		if (out->len + (size_t)r <= WR_RUN_MAX)
			buf_add(out, chunk, (size_t)r);
	}
	close(po[0]);
	while ((r = read(pe[0], &e, sizeof e)) < 0 && errno == EINTR)
		;
	close(pe[0]);
	while (waitpid(pid, &st, 0) < 0) {
		if (errno != EINTR)
			goto fail;
	}
	if (r == (ssize_t)sizeof e) {
		*err = xasprintf("cannot run %s: %s", argv[0], strerror(e));
		return -1;
	}
	if (timed_out) {
		buf_printf(out, "%s%s: no answer after %d s: killed\n",
		    out->len > 0 && out->data[out->len - 1] != '\n' ? "\n" :
		    "", argv[0], wr_timeout);
		return 124;
	}
	if (WIFSIGNALED(st))
		return 128 + WTERMSIG(st);
	return WEXITSTATUS(st);
fail:
	*err = xasprintf("cannot run %s: %s", argv[0], strerror(errno));
	return -1;
}

int
wr_run_line(const char *line, const char *cwd, struct buf *out, char **err)
{
	struct vec	 argv = { 0 };
	char		*copy, *word, *save;
	int		 rc;

	if (strpbrk(line, "|&;<>()$`\\\"'*?[]#~=!{}\n") != NULL) {
		char	*sh[] = { "sh", "-c", (char *)line, NULL };

		return wr_run(sh, cwd, out, err);
	}
	copy = xstrdup(line);
	for (word = strtok_r(copy, " \t", &save); word != NULL;
	    word = strtok_r(NULL, " \t", &save))
		vec_push(&argv, word);
	if (argv.n == 0) {
		*err = xstrdup("empty command");
		free(copy);
		return -1;
	}
	vec_push(&argv, NULL);
	rc = wr_run((char *const *)argv.v, cwd, out, err);
	vec_free(&argv);
	free(copy);
	return rc;
}

static int
wr_is_exe(const char *path)
{
	struct stat	st;

	return stat(path, &st) == 0 && S_ISREG(st.st_mode) &&
	    access(path, X_OK) == 0;
}

char *
wr_find_bin(const char *name)
{
	const char	*path = getenv("PATH");
	char		*dirs, *d, *save, *p;

	if (strchr(name, '/') != NULL)
		return wr_is_exe(name) ? xstrdup(name) : NULL;
	/* Apache's programs live in sbin, often not in a user's PATH. */
	dirs = xasprintf("%s:/usr/local/sbin:/usr/sbin:/sbin",
	    path != NULL ? path : "/usr/local/bin:/usr/bin:/bin");
	for (d = strtok_r(dirs, ":", &save); d != NULL;
	    d = strtok_r(NULL, ":", &save)) {
		p = xasprintf("%s/%s", d, name);
		if (wr_is_exe(p)) {
			free(dirs);
			return p;
		}
		free(p);
	}
	free(dirs);
	return NULL;
}
