/* rule-socket.c: socket-missing, socket-permission, socket-path-too-long,
 * socket-in-private-tmp.
 *
 * Apache 2.4.71 refuses to start when a ProxyPass socket path exceeds the
 * sun_path it copies into ("ProxyPass worker uds path ... too long"; 95
 * bytes is the longest it accepts).  Connecting to a Unix socket needs
 * write permission on it and search permission on every directory above
 * it, for the user Apache's children run as.  Debian's and RHEL's
 * apache2/httpd units set PrivateTmp=yes, so /tmp there is not the
 * backend's /tmp. */
#include "config.h"

#include <errno.h>
#include <grp.h>
#include <pwd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "live.h"
#include "rule-impl.h"

static void	socket_check(struct rule_ctx *);

const struct rule rule_socket_missing = {
	.id = "socket-missing",
	.sev = SEV_WARNING,
	.fix = RULE_FIX_HAND,
	.summary = "the backend socket does not exist or is not a socket",
	.why = "The Unix socket named in ProxyPass does not exist, or is not "
	    "a socket.",
	.visitor = "Every request fails with 503 Service Unavailable until "
	    "the backend creates it.",
	.check = socket_check,
};

const struct rule rule_socket_permission = {
	.id = "socket-permission",
	.sev = SEV_ERROR,
	.fix = RULE_FIX_HAND,
	.summary = "Apache's user cannot connect to the backend socket",
	.why = "Apache's run user cannot connect to the socket (it needs "
	    "write permission on it and search permission on each parent "
	    "directory).",
	.visitor = "Every request fails with 503 Service Unavailable.",
	.check = socket_check,
};

const struct rule rule_socket_path_too_long = {
	.id = "socket-path-too-long",
	.sev = SEV_ERROR,
	.fix = RULE_FIX_HAND,
	.summary = "the socket path is over 95 bytes: Apache refuses to start",
	.why = "The socket path is longer than Apache accepts (over 95 "
	    "bytes).",
	.visitor = "Apache refuses to start.",
	.check = socket_check,
};

const struct rule rule_socket_in_private_tmp = {
	.id = "socket-in-private-tmp",
	.sev = SEV_WARNING,
	.fix = RULE_FIX_HAND,
	.summary = "the socket is under /tmp or /var/tmp (PrivateTmp)",
	.why = "The socket is under /tmp or /var/tmp, but Apache's service "
	    "runs with a private /tmp.",
	.visitor = "Apache looks in a different /tmp: requests fail with 503.",
	.check = socket_check,
};

#define SOCKET_PATH_MAX	95

struct who {
	uid_t	 uid;
	gid_t	 gids[64];
	size_t	 ngids;
};

/* Where to open a file of the root (resolved inside it), or NULL. */
static char *
root_file(const struct cf_config *c, const char *rel)
{
	char	*real = conf_resolve(c, rel), *abs;

	if (real == NULL)
		return NULL;
	abs = conf_abs(c, real);
	free(real);
	return abs;
}

/* Look the user up in the root's own /etc/passwd and /etc/group (the
 * system's when the root is "/"). */
static int
lookup_user(const struct cf_config *c, const char *name, struct who *w)
{
	char		*path, *text, *line, *save = NULL;
	size_t		 len;
	int		 found = 0;

	memset(w, 0, sizeof *w);
	path = root_file(c, "/etc/passwd");
	if (path != NULL &&
	    util_read_file(path, 16u << 20, &text, &len) == 0) {
		for (line = strtok_r(text, "\n", &save); line && !found;
		    line = strtok_r(NULL, "\n", &save)) {
			char	*f[4];
			int	 k;

			for (k = 0; k < 4 && line; k++) {
				f[k] = line;
				line = strchr(line, ':');
				if (line)
					*line++ = '\0';
			}
			if (k == 4 && strcmp(f[0], name) == 0) {
				w->uid = (uid_t)strtoul(f[2], NULL, 10);
				w->gids[w->ngids++] = (gid_t)strtoul(f[3],
				    NULL, 10);
				found = 1;
			}
		}
		free(text);
	}
	free(path);
	if (!found)
		return -1;
	path = root_file(c, "/etc/group");
	save = NULL;
	if (path != NULL &&
	    util_read_file(path, 16u << 20, &text, &len) == 0) {
		for (line = strtok_r(text, "\n", &save); line;
		    line = strtok_r(NULL, "\n", &save)) {
			char	*gname = line, *gid, *members, *m, *s2 = NULL;

			if ((gid = strchr(gname, ':')) == NULL ||
			    (gid = strchr(gid + 1, ':')) == NULL)
				continue;
			*gid++ = '\0';
			if ((members = strchr(gid, ':')) == NULL)
				continue;
			*members++ = '\0';
			for (m = strtok_r(members, ",", &s2); m;
			    m = strtok_r(NULL, ",", &s2))
				if (strcmp(m, name) == 0 && w->ngids < 64)
					w->gids[w->ngids++] =
					    (gid_t)strtoul(gid, NULL, 10);
		}
		free(text);
	}
	free(path);
	return 0;
}

static int
may(const struct who *w, const struct stat *st, int bit)
{
	size_t	i;

	if (w->uid == 0)
		return 1;
	if (st->st_uid == w->uid)
		return (st->st_mode & (mode_t)(bit << 6)) != 0;
	for (i = 0; i < w->ngids; i++)
		if (st->st_gid == w->gids[i])
			return (st->st_mode & (mode_t)(bit << 3)) != 0;
	return (st->st_mode & (mode_t)bit) != 0;
}

/* Why the user cannot connect, or NULL. */
static char *
denied(const struct cf_config *c, const struct who *w, const char *sock)
{
	char		*dir = xstrdup(sock), *slash, *abs, *why = NULL;
	struct stat	 st;

	/* Every directory from "/" down needs search (x) permission. */
	for (slash = strchr(dir + 1, '/'); ; slash = strchr(slash + 1, '/')) {
		char	saved = 0;

		if (slash != NULL) {
			saved = *slash;
			*slash = '\0';
		}
		abs = conf_abs(c, slash == dir ? "/" : dir);
		if (stat(abs, &st) == 0 && S_ISDIR(st.st_mode) &&
		    !may(w, &st, 1))
			why = xasprintf("no search permission on %s (mode %04o)",
			    dir, (unsigned)(st.st_mode & 07777));
		free(abs);
		if (slash == NULL || why != NULL)
			break;
		*slash = saved;
	}
	if (why == NULL) {
		abs = conf_abs(c, sock);
		if (stat(abs, &st) == 0 && !may(w, &st, 2))
			why = xasprintf("no write permission on the socket "
			    "(mode %04o)", (unsigned)(st.st_mode & 07777));
		free(abs);
	}
	free(dir);
	return why;
}

/* Does the tree hold the directory of socket path s, or is it the
 * running system's (where a missing directory is a fact too)? */
static int
tree_has_dir(const struct rule_ctx *rc, const char *s)
{
	const struct cf_config	*c = rc->config;
	char			*dir, *real, *abs;
	struct stat		 st;
	int			 has;

	if (rc->ix != NULL ? rc->ix->live : live_is_running_root(c->root))
		return 1;
	dir = xstrndup(s, (size_t)(strrchr(s, '/') - s));
	real = conf_resolve(c, *dir != '\0' ? dir : "/");
	abs = real != NULL ? conf_abs(c, real) : NULL;
	has = abs != NULL && stat(abs, &st) == 0 && S_ISDIR(st.st_mode);
	free(abs);
	free(real);
	free(dir);
	return has;
}

static void
socket_check(struct rule_ctx *rc)
{
	const struct cf_config	*c = rc->config;
	struct px_vhost		*px = rc->px;
	struct who		 who;
	int			 have_who;
	size_t			 i;

	have_who = -1;	/* looked up when a socket exists */
	for (i = 0; i < px->passes.n; i++) {
		struct px_pass	*pp = px->passes.v[i];
		const char	*s = pp->url.socket;
		struct finding	*f;
		struct stat	 st;
		char		*abs, *real, *why;
		int		 src;

		if (s == NULL || pp->server_level || pp->url.scheme == PX_NONE)
			continue;
		if (strlen(s) > SOCKET_PATH_MAX) {
			f = rule_add(rc, &rule_socket_path_too_long,
			    pp->dir->node, "the socket path is %zu bytes; "
			    "Apache refuses to start with more than %d "
			    "(\"ProxyPass worker uds path too long\")",
			    strlen(s), SOCKET_PATH_MAX);
			rule_suggest(f, "put the socket under /run/<app>/, "
			    "e.g. /run/app/app.sock");
			continue;
		}
		if (str_startswith(s, "/tmp/") ||
		    str_startswith(s, "/var/tmp/")) {
			f = rule_add(rc, &rule_socket_in_private_tmp,
			    pp->dir->node, "%s is under %s: Apache's service "
			    "runs with PrivateTmp=yes and sees a different, "
			    "empty /tmp", s, str_startswith(s, "/tmp/") ?
			    "/tmp" : "/var/tmp");
			rule_suggest(f, "have the backend listen under /run "
			    "(e.g. /run/app/app.sock, RuntimeDirectory=app)");
		}
		/* Looked for inside the root only, resolved there: neither
		 * ".." nor an absolute link may lead out of it.  mod_proxy
		 * takes a relative path from DefaultRuntimeDir: not checked. */
		if (s[0] != '/')
			continue;
		real = conf_resolve(c, s);
		if (real == NULL && errno == EXDEV)
			continue;
		abs = real ? conf_abs(c, real) : NULL;
		src = abs != NULL ? stat(abs, &st) : -1;
		if (src != 0 && !tree_has_dir(rc, s)) {
			/* A tree copied under --root without the running
			 * system's /run: nothing to tell from it. */
			f = rule_add(rc, &rule_socket_missing, pp->dir->node,
			    "socket %s is not in this tree, nor its "
			    "directory: whether a backend listens there shows "
			    "only on the running system", s);
			f->sev = SEV_INFO;
			f->visitor = "Unknown from this tree: a 503 if nobody "
			    "listens there on the running system.";
			rule_suggest(f, "vhostfix check    (on the running "
			    "system, with --root /)");
			free(abs);
			free(real);
			continue;
		}
		if (src != 0 || !S_ISSOCK(st.st_mode)) {
			int	exists = src == 0;

			f = rule_add(rc, &rule_socket_missing, pp->dir->node,
			    "socket %s %s: requests get 503 Service "
			    "Unavailable until the backend listens there", s,
			    exists ? "is not a socket" : "does not exist");
			rule_suggest(f, "start the backend (e.g. systemctl "
			    "start <app>), or fix the path");
			free(abs);
			free(real);
			continue;
		}
		free(abs);
		if (have_who < 0)
			have_who = c->run_user != NULL &&
			    lookup_user(c, c->run_user, &who) == 0;
		if (!have_who) {
			free(real);
			continue;
		}
		why = denied(c, &who, real);
		free(real);
		if (why != NULL) {
			f = rule_add(rc, &rule_socket_permission,
			    pp->dir->node, "Apache's user %s cannot connect to "
			    "%s: %s; visitors get 503 Service Unavailable",
			    c->run_user, s, why);
			rule_suggest(f, "let group %s reach it, e.g. chgrp %s "
			    "%s && chmod g+w %s", c->run_group ? c->run_group :
			    c->run_user, c->run_group ? c->run_group :
			    c->run_user, s, s);
			free(why);
		}
	}
}
