/* write-run.c: the one process runner, for Apache's checks, the reload
 * and the user's commands.
 *
 * File names are always passed as separate arguments, never pasted into a
 * shell string.  A user command line runs without a shell unless it needs
 * one.  The child gets its own process group, so that a configtest that
 * hangs (or forks helpers that hang) can be killed as a whole: on timeout,
 * or when vhostfix itself is told to stop (SIGINT, SIGTERM, SIGHUP), the
 * group gets SIGTERM, then SIGKILL, and the caller restores. */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <spawn.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "write-int.h"

/* Captured output past this is read and dropped: Apache's complaint is
 * in the first lines. */
#define WR_RUN_MAX	(1024 * 1024)
/* How often the loop looks at the clock and at the stop flag: poll() is
 * not restarted after a signal, but a signal may land just before it. */
#define WR_RUN_TICK_MS	100
/* After SIGTERM, how long the group has before SIGKILL. */
#define WR_RUN_GRACE_MS	2000

extern char **environ;

/* SIGINT, SIGTERM and SIGHUP (a dropped SSH session) during the write
 * phase only set this; the phase notices between files and restores. */
static volatile sig_atomic_t wr_caught;
static const int wr_signals[WR_NSIGNALS] = { SIGINT, SIGTERM, SIGHUP };


static void
wr_on_signal(int sig)
{
	if (wr_caught == 0)
		wr_caught = sig;
}

void
wr_sig_catch(struct wr_sigs *s)
{
	struct sigaction	sa;
	size_t			i;

	sigemptyset(&s->set);
	for (i = 0; i < WR_NSIGNALS; i++)
		sigaddset(&s->set, wr_signals[i]);
	sigprocmask(SIG_BLOCK, &s->set, &s->oldmask);
	memset(&sa, 0, sizeof sa);
	sa.sa_handler = wr_on_signal;
	sigemptyset(&sa.sa_mask);
	sa.sa_flags = SA_RESTART;
	wr_caught = 0;
	for (i = 0; i < WR_NSIGNALS; i++)
		sigaction(wr_signals[i], &sa, &s->old[i]);
}

void
wr_sig_block(struct wr_sigs *s)
{
	sigprocmask(SIG_BLOCK, &s->set, NULL);
}

/* A signal that arrived while blocked is delivered (and noted) here. */
void
wr_sig_unblock(struct wr_sigs *s)
{
	sigprocmask(SIG_UNBLOCK, &s->set, NULL);
}

void
wr_sig_restore(struct wr_sigs *s)
{
	size_t	i;

	sigprocmask(SIG_BLOCK, &s->set, NULL);
	for (i = 0; i < WR_NSIGNALS; i++)
		sigaction(wr_signals[i], &s->old[i], NULL);
	sigprocmask(SIG_SETMASK, &s->oldmask, NULL);
}

int
wr_stop_requested(void)
{
	return (int)wr_caught;
}

static long
wr_ms_since(const struct timespec *t0)
{
	struct timespec	now;

	clock_gettime(CLOCK_MONOTONIC, &now);
	return (long)(now.tv_sec - t0->tv_sec) * 1000 +
	    (now.tv_nsec - t0->tv_nsec) / 1000000;
}

int
wr_timeout_of(const struct wr_opts *o)
{
	return o != NULL && o->test_timeout > 0 ?
	    o->test_timeout : WR_TIMEOUT_DEFAULT;
}

static int
wr_spawn(char *const argv[], const char *cwd, int outfd, pid_t *pid)
{
	static const int	 dfl[] = { SIGINT, SIGTERM, SIGHUP, SIGQUIT,
				    SIGPIPE, SIGCHLD };
	posix_spawn_file_actions_t fa;
	posix_spawnattr_t	 at;
	sigset_t		 set;
	size_t			 i;
	int			 e;

	posix_spawn_file_actions_init(&fa);
	posix_spawnattr_init(&at);
	posix_spawn_file_actions_addopen(&fa, 0, "/dev/null", O_RDONLY, 0);
	posix_spawn_file_actions_adddup2(&fa, outfd, 1);
	posix_spawn_file_actions_adddup2(&fa, outfd, 2);
	if (cwd != NULL)
		posix_spawn_file_actions_addchdir_np(&fa, cwd);
	/* The write phase blocks and catches signals; the command gets them
	 * as usual, in a process group of its own. */
	sigemptyset(&set);
	posix_spawnattr_setsigmask(&at, &set);
	for (i = 0; i < sizeof dfl / sizeof dfl[0]; i++)
		sigaddset(&set, dfl[i]);
	posix_spawnattr_setsigdefault(&at, &set);
	posix_spawnattr_setpgroup(&at, 0);
	posix_spawnattr_setflags(&at, POSIX_SPAWN_SETSIGMASK |
	    POSIX_SPAWN_SETSIGDEF | POSIX_SPAWN_SETPGROUP);
	e = posix_spawnp(pid, argv[0], &fa, &at, argv, environ);
	posix_spawn_file_actions_destroy(&fa);
	posix_spawnattr_destroy(&at);
	return e;
}

/* Has the child exited?  Without reaping it, so that its process group
 * stays reserved until the stragglers are killed too. */
static int
wr_exited(pid_t pid)
{
	siginfo_t	si;

	memset(&si, 0, sizeof si);
	if (waitid(P_PID, (id_t)pid, &si, WEXITED | WNOHANG | WNOWAIT) < 0)
		return errno != EINTR;
	return si.si_pid == pid;
}

/* SIGTERM to the group, SIGKILL to what is left after the grace time. */
static void
wr_kill_group(pid_t pid)
{
	struct timespec	t0, nap = { 0, 20 * 1000 * 1000 };

	kill(-pid, SIGTERM);
	clock_gettime(CLOCK_MONOTONIC, &t0);
	while (!wr_exited(pid) && wr_ms_since(&t0) < WR_RUN_GRACE_MS)
		nanosleep(&nap, NULL);
	kill(-pid, SIGKILL);
}

int
wr_run(char *const argv[], const char *cwd, int timeout, struct buf *out,
    char **err)
{
	struct pollfd	 pfd;
	struct timespec	 t0;
	char		 chunk[4096];
	ssize_t		 r;
	pid_t		 pid;
	int		 po[2], st, e, rc, done = 0, why = 0, reading = 1;

	if (pipe2(po, O_CLOEXEC) < 0) {
		*err = xasprintf("cannot run %s: %s", argv[0],
		    strerror(errno));
		return -1;
	}
	e = wr_spawn(argv, cwd, po[1], &pid);
	close(po[1]);
	if (e != 0) {
		close(po[0]);
		*err = xasprintf("cannot run %s: %s", argv[0], strerror(e));
		return -1;
	}
	/* A helper the command leaves running may hold the pipe open: once
	 * the command is gone, the rest is read without waiting. */
	fcntl(po[0], F_SETFL, O_NONBLOCK);
	clock_gettime(CLOCK_MONOTONIC, &t0);
	while (!done) {
		pfd.fd = po[0];
		pfd.events = POLLIN;
		if (reading && poll(&pfd, 1, WR_RUN_TICK_MS) > 0) {
			r = read(po[0], chunk, sizeof chunk);
			if (r == 0)
				reading = 0;
			else if (r > 0 && out->len + (size_t)r <= WR_RUN_MAX)
				buf_add(out, chunk, (size_t)r);
		} else if (!reading) {
			struct timespec	nap = { 0, WR_RUN_TICK_MS * 1000000L };

			nanosleep(&nap, NULL);
		}
		if (wr_exited(pid))
			done = 1;
		else if (wr_stop_requested())
			why = WR_RUN_STOPPED;
		else if (timeout > 0 && wr_ms_since(&t0) >= timeout * 1000L)
			why = WR_RUN_TIMEOUT;
		if (why != 0) {
			wr_kill_group(pid);
			done = 1;
		}
	}
	while (reading && (r = read(po[0], chunk, sizeof chunk)) > 0) {
		if (out->len + (size_t)r <= WR_RUN_MAX)
			buf_add(out, chunk, (size_t)r);
	}
	close(po[0]);
	while (waitpid(pid, &st, 0) < 0 && errno == EINTR)
		;
	if (why == WR_RUN_TIMEOUT) {
		*err = xasprintf("%s did not finish within %d s: stopped",
		    argv[0], timeout);
		return why;
	}
	if (why == WR_RUN_STOPPED) {
		*err = xasprintf("%s stopped: vhostfix was interrupted",
		    argv[0]);
		return why;
	}
	if (WIFSIGNALED(st))
		rc = 128 + WTERMSIG(st);
	else
		rc = WEXITSTATUS(st);
	return rc;
}

int
write_run(const struct wr_opts *o, char *const argv[], struct buf *out,
    char **err)
{
	int	r;

	r = wr_run(argv, o->root, wr_timeout_of(o), out, err);
	return r < 0 ? -1 : r;
}

int
wr_run_line(const char *line, const char *cwd, int timeout, struct buf *out,
    char **err)
{
	struct vec	 argv = { 0 };
	char		*copy, *word, *save;
	int		 rc;

	if (strpbrk(line, "|&;<>()$`\\\"'*?[]#~=!{}\n") != NULL) {
		char	*sh[] = { "sh", "-c", (char *)line, NULL };

		return wr_run(sh, cwd, timeout, out, err);
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
	rc = wr_run((char *const *)argv.v, cwd, timeout, out, err);
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

int
wr_is_root(const char *root)
{
	return root[strspn(root, "/")] == '\0';
}

static char *
wr_first_line(const char *s)
{
	while (*s == '\n')
		s++;
	return xstrndup(s, strcspn(s, "\n"));
}

static char *
wr_find_first(const char *const *names)
{
	char	*bin;

	for (; *names != NULL; names++) {
		if ((bin = wr_find_bin(*names)) != NULL)
			return bin;
	}
	return NULL;
}

int
wr_configtest(const struct wr_opts *o, struct wr_result *res,
    struct buf *out, char **cmd, char **why)
{
	static const char *const ctl[] = { "apache2ctl", "apachectl",
	    "httpd", NULL };
	char	*bin, *err = NULL;
	int	 r;

	if (o->no_configtest) {
		wr_note(res, xstrdup("configtest skipped, as asked"));
		return 2;
	}
	if (o->configtest != NULL) {
		*cmd = xstrdup(o->configtest);
		r = wr_run_line(o->configtest, o->root, wr_timeout_of(o), out,
		    &err);
	} else if (wr_is_root(o->root)) {
		bin = wr_find_first(ctl);
		if (bin == NULL) {
			wr_note(res, xstrdup("configtest skipped: none of"
			    " apache2ctl, apachectl, httpd found"));
			return 2;
		}
		char	*argv[] = { bin, "-t", NULL };

		*cmd = xasprintf("%s -t", bin);
		r = wr_run(argv, o->root, wr_timeout_of(o), out, &err);
		free(bin);
	} else {
		wr_note(res, xasprintf("configtest skipped: %s is not the"
		    " live root and no configtest command was given",
		    o->root));
		return 2;
	}
	res->test_cmd = xstrdup(*cmd);
	/* fix --format json reports it; a timeout as timeout(1) does */
	res->test_exit = r == WR_RUN_TIMEOUT ? 124 : r < 0 ? -1 : r;
	if (r < 0) {
		*why = err;
		return r == WR_RUN_STOPPED ? 4 : 3;
	}
	if (r != 0) {
		if (out->len == 0)
			buf_printf(out, "%s exited %d\n", *cmd, r);
		return 1;
	}
	wr_note(res, xasprintf("configtest passed: %s", *cmd));
	return 0;
}

/* A failed reload leaves the files written: they passed the configtest,
 * the running server keeps its old configuration until a reload works,
 * and restoring the files would not undo whatever made it fail.  So the
 * status stays WR_OK and the error says what happened. */
void
wr_reload(const struct wr_opts *o, struct wr_result *res)
{
	static const char *const ctl[] = { "apache2ctl", "apachectl", NULL };
	struct buf	 out = { 0 };
	char		*bin, *cmd, *err = NULL, *line;
	const char	*msg;
	int		 r;

	if (o->reload_cmd != NULL) {
		cmd = xstrdup(o->reload_cmd);
		r = wr_run_line(o->reload_cmd, o->root, wr_timeout_of(o), &out,
		    &err);
	} else {
		bin = wr_find_first(ctl);
		if (bin == NULL) {
			res->error = xstrdup("files written, but no reload:"
			    " neither apache2ctl nor apachectl found");
			return;
		}
		char	*argv[] = { bin, "graceful", NULL };

		cmd = xasprintf("%s graceful", bin);
		r = wr_run(argv, o->root, wr_timeout_of(o), &out, &err);
		free(bin);
	}
	msg = r < 0 ? (err != NULL ? err : "") : out.data != NULL ?
	    out.data : "";
	res->reload_cmd = xstrdup(cmd);
	res->reload_exit = r == WR_RUN_TIMEOUT ? 124 : r < 0 ? -1 : r;
	res->reload_output = xstrdup(msg);
	if (r == 0)
		wr_note(res, xasprintf("reloaded: %s", cmd));
	else {
		line = wr_first_line(msg);
		if (r < 0)
			res->error = xasprintf("files written and tested, but"
			    " the reload failed: %s", line);
		else
			res->error = xasprintf("files written and tested, but"
			    " the reload failed (%s exited %d): %s", cmd, r,
			    line);
		free(line);
	}
	free(err);
	free(cmd);
	buf_free(&out);
}
