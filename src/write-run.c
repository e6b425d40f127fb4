/* write-run.c: running Apache's checks and the user's commands.
 *
 * File names are always passed as separate arguments, never pasted into a
 * shell string.  A user command line runs without a shell unless it needs
 * one. */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "write-int.h"

/* Captured output past this is read and dropped: Apache's complaint is
 * in the first lines. */
#define WR_RUN_MAX	(1024 * 1024)

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
	int	 po[2], pe[2], st, e = 0;

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
	for (;;) {
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
