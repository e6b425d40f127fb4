/* demo.c: --demo works on a fresh private copy of data/demo, so a newcomer
 * can try every command, the wizard and rollback without touching /etc. */
#include "config.h"

#include <dirent.h>
#include <errno.h>
#include <signal.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "demo.h"
#include "util.h"

#ifndef SRCDIR
#define SRCDIR "."
#endif
#ifndef BUILDDIR
#define BUILDDIR "."
#endif

char *
demo_source(const char *self)
{
	char		 exe[PATH_MAX];
	ssize_t		 n;
	const char	*env = getenv("VHOSTFIX_DATADIR");
	char		*p;
	struct stat	 st;

	if (env != NULL && *env != '\0')
		return xasprintf("%s/demo", env);
	n = readlink("/proc/self/exe", exe, sizeof exe - 1);
	if (n > 0) {
		exe[n] = '\0';
		if (str_startswith(exe, BUILDDIR "/"))
			return xstrdup(SRCDIR "/data/demo");
	}
	(void)self;
	p = xstrdup(DATADIR "/demo");
	if (stat(p, &st) == 0)
		return p;
	free(p);
	return xstrdup(SRCDIR "/data/demo");
}

static int
copy_file(const char *from, const char *to, mode_t mode)
{
	char	*text;
	size_t	 len;
	int	 fd, rc = 0;

	if (util_read_file(from, 64u << 20, &text, &len) != 0)
		return -1;
	fd = open(to, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, mode & 0777);
	if (fd < 0 || write(fd, text, len) != (ssize_t)len)
		rc = -1;
	if (fd >= 0 && close(fd) != 0)
		rc = -1;
	free(text);
	return rc;
}

static int
copy_tree(const char *from, const char *to, char **err)
{
	DIR		*d = opendir(from);
	struct dirent	*e;
	int		 rc = 0;

	if (d == NULL) {
		*err = xasprintf("%s: %s", from, strerror(errno));
		return -1;
	}
	while (rc == 0 && (e = readdir(d)) != NULL) {
		char		*src, *dst;
		struct stat	 st;

		if (strcmp(e->d_name, ".") == 0 || strcmp(e->d_name, "..") == 0)
			continue;
		src = xasprintf("%s/%s", from, e->d_name);
		dst = xasprintf("%s/%s", to, e->d_name);
		if (lstat(src, &st) != 0)
			rc = -1;
		else if (S_ISLNK(st.st_mode)) {
			char	target[PATH_MAX];
			ssize_t	n = readlink(src, target, sizeof target - 1);

			if (n < 0)
				rc = -1;
			else {
				target[n] = '\0';
				rc = symlink(target, dst);
			}
		} else if (S_ISDIR(st.st_mode)) {
			rc = mkdir(dst, 0755);
			if (rc == 0)
				rc = copy_tree(src, dst, err);
		} else if (S_ISREG(st.st_mode))
			rc = copy_file(src, dst, st.st_mode);
		if (rc != 0 && *err == NULL)
			*err = xasprintf("copying %s: %s", src,
			    strerror(errno));
		free(src);
		free(dst);
	}
	closedir(d);
	return rc;
}

char *
demo_create(const char *self, sigset_t *oldmask, char **err)
{
	const char	*tmp = getenv("TMPDIR");
	char		*src, *dir;
	sigset_t	 block;

	/* Held off until demo_guard() is up, which removes the copy. */
	sigemptyset(&block);
	sigaddset(&block, SIGINT);
	sigaddset(&block, SIGTERM);
	sigaddset(&block, SIGHUP);
	sigaddset(&block, SIGQUIT);
	if (oldmask != NULL)
		sigprocmask(SIG_BLOCK, &block, oldmask);
	src = demo_source(self);
	*err = NULL;
	dir = xasprintf("%s/vhostfix-demo.XXXXXX", tmp && *tmp ? tmp : "/tmp");
	if (mkdtemp(dir) == NULL) {
		*err = xasprintf("%s: %s", dir, strerror(errno));
		goto fail;
	}
	if (copy_tree(src, dir, err) != 0) {
		demo_remove(dir);
		goto fail;
	}
	free(src);
	return dir;
fail:
	if (oldmask != NULL)
		sigprocmask(SIG_SETMASK, oldmask, NULL);
	free(dir);
	free(src);
	return NULL;
}

static void
remove_tree(const char *path)
{
	DIR		*d = opendir(path);
	struct dirent	*e;

	if (d != NULL) {
		while ((e = readdir(d)) != NULL) {
			char		*p;
			struct stat	 st;

			if (strcmp(e->d_name, ".") == 0 ||
			    strcmp(e->d_name, "..") == 0)
				continue;
			p = xasprintf("%s/%s", path, e->d_name);
			if (lstat(p, &st) == 0 && S_ISDIR(st.st_mode))
				remove_tree(p);
			else
				unlink(p);
			free(p);
		}
		closedir(d);
	}
	rmdir(path);
}

int
demo_is_copy(const char *dir)
{
	const char	*base = dir != NULL ? strrchr(dir, '/') : NULL;

	return base != NULL && strncmp(base + 1, "vhostfix-demo.", 14) == 0;
}

void
demo_remove(const char *dir)
{
	if (demo_is_copy(dir))
		remove_tree(dir);
}

static volatile pid_t demo_child;

static void
demo_forward(int sig)
{
	if (demo_child > 0)
		kill(demo_child, sig);
}

int
demo_guard(const char *dir, const sigset_t *mask, int *status, int *sig)
{
	static const int	 fwd[] = { SIGINT, SIGTERM, SIGHUP, SIGQUIT };
	struct sigaction	 sa, old;
	pid_t			 pid;
	size_t			 i;
	int			 st;

	*status = 0;
	*sig = 0;
	pid = fork();
	if (pid <= 0) {
		/* the worker (or, when fork fails, the copy goes on the
		 * normal exit only) */
		sigprocmask(SIG_SETMASK, mask, NULL);
		return 1;
	}
	demo_child = pid;
	memset(&sa, 0, sizeof sa);
	sigemptyset(&sa.sa_mask);
	sa.sa_flags = SA_RESTART;
	for (i = 0; i < sizeof fwd / sizeof fwd[0]; i++) {
		/* A signal ignored from the start (nohup) stays ignored. */
		if (sigaction(fwd[i], NULL, &old) == 0 &&
		    old.sa_handler == SIG_IGN)
			continue;
		sa.sa_handler = demo_forward;
		sigaction(fwd[i], &sa, NULL);
	}
	signal(SIGPIPE, SIG_IGN);
	/* A signal that came while the copy was made is delivered (and
	 * passed on) now. */
	sigprocmask(SIG_SETMASK, mask, NULL);
	while (waitpid(pid, &st, 0) < 0) {
		if (errno != EINTR) {
			st = 0;
			break;
		}
	}
	demo_remove(dir);
	if (WIFSIGNALED(st))
		*sig = WTERMSIG(st);
	else
		*status = WEXITSTATUS(st);
	return 0;
}
