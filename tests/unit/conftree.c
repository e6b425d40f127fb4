/* conftree.c: the unit tests' throw-away Apache tree (conftree.h). */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

#include "conftree.h"

/* root/rel, in a buffer of PATH_LEN. */
#define PATH_LEN	512

static void
conftree_path(char *path, const char *root, const char *rel)
{
	snprintf(path, PATH_LEN, "%s/%s", root, rel);
}

char *
conftree_make(const char *name)
{
	char	path[PATH_LEN], *root = xasprintf("/tmp/%s.XXXXXX", name);

	if (mkdtemp(root) == NULL) {
		perror("mkdtemp");
		exit(1);
	}
	conftree_path(path, root, "etc");
	mkdir(path, 0755);
	conftree_path(path, root, "etc/apache2");
	mkdir(path, 0755);
	return root;
}

void
conftree_write_file(const char *path, const char *text)
{
	FILE	*f = fopen(path, "w");

	if (f == NULL || fputs(text, f) == EOF || fclose(f) != 0) {
		perror(path);
		exit(1);
	}
}

struct cf_config *
conftree_load(const char *root, const char *what, const char *conf)
{
	struct cf_opts		 co = { 0 };
	struct cf_config	*c;
	char			 path[PATH_LEN], *text, *err;

	text = xasprintf("ServerName localhost\n"
	    "LoadModule proxy_module /usr/lib/apache2/modules/mod_proxy.so\n"
	    "LoadModule proxy_http_module "
	    "/usr/lib/apache2/modules/mod_proxy_http.so\n"
	    "LoadModule headers_module "
	    "/usr/lib/apache2/modules/mod_headers.so\n%s", conf);
	conftree_path(path, root, "etc/apache2/apache2.conf");
	conftree_write_file(path, text);
	free(text);
	co.root = root;
	co.config = "/etc/apache2/apache2.conf";
	if (conf_load(&co, &c, &err) != 0) {
		fprintf(stderr, "%s: %s\n", what, err);
		exit(1);
	}
	return c;
}

void
conftree_remove(char *root)
{
	char	path[PATH_LEN];

	conftree_path(path, root, "etc/apache2/apache2.conf");
	unlink(path);
	conftree_path(path, root, "etc/apache2");
	rmdir(path);
	conftree_path(path, root, "etc");
	rmdir(path);
	rmdir(root);
	free(root);
}
