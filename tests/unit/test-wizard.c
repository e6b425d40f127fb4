/* test-wizard.c: the wizard's controller, walked with no terminal.
 *
 * Linked against the core library only (no curses).  Works on private
 * copies of the demo tree (data/demo): every vhost is walked through the
 * controller as the screens walk it (choose, plan, prepare, write,
 * finish), with `true` as the configtest; the written tree must be byte
 * for byte what `fix --all` renders, and only the findings without an
 * automatic fix may be left.  Then the choices, a rejected configtest, a
 * dry run and the plan's structured manual steps. */
#include "config.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "demo.h"
#include "live.h"
#include "wizard.h"
#include "check.h"

static char	*self;

#define APP	"/etc/apache2/sites-available/app.example.com.conf"

static char *
new_root(void)
{
	char	*err = NULL, *root = demo_create(self, NULL, &err);

	if (root == NULL) {
		fprintf(stderr, "demo_create: %s\n", err);
		exit(99);
	}
	return root;
}

static char *
slurp(const char *root, const char *rel, size_t *len)
{
	char	*p = xasprintf("%s%s", root, rel), *text = NULL;

	if (util_read_file(p, 1 << 20, &text, len) != 0) {
		fprintf(stderr, "%s: %s\n", p, strerror(errno));
		exit(99);
	}
	free(p);
	return text;
}

static void
drop_root(char *root)
{
	if (root != NULL) {
		demo_remove(root);
		free(root);
	}
}

static int
same_file(const char *a, const char *b, const char *rel)
{
	size_t	 la, lb;
	char	*ta = slurp(a, rel, &la), *tb = slurp(b, rel, &lb);
	int	 same = la == lb && memcmp(ta, tb, la) == 0;

	free(ta);
	free(tb);
	return same;
}

static void
start(struct wizard *w, const char *root, int dry_run, const char *test)
{
	struct wz_opts		 o;
	struct cf_config	*c = NULL;
	char			*err = NULL;

	memset(&o, 0, sizeof o);
	o.load.root = root;
	o.load.config = "/etc/apache2/apache2.conf";
	plan_opts_default(&o.plan);
	o.write.configtest = test;
	o.write.lock_wait = -1;
	o.dry_run = dry_run;
	if (conf_load(&o.load, &c, &err) != 0) {
		fprintf(stderr, "conf_load %s: %s\n", root, err);
		exit(99);
	}
	wizard_init(w, &o, c);
}

static struct cf_vhost *
find(const struct wizard *w, const char *name, int tls)
{
	size_t	i;

	for (i = 0; i < w->config->vhosts.n; i++) {
		struct cf_vhost	*v = w->config->vhosts.v[i];

		if (v->server_name != NULL &&
		    strcmp(v->server_name, name) == 0 && v->tls == tls)
			return v;
	}
	fprintf(stderr, "no vhost %s\n", name);
	exit(99);
}

static int
has_line(const struct buf *diff, const char *line)
{
	return diff->data != NULL && strstr(diff->data, line) != NULL;
}

/* Every vhost in Apache's order, with the choices it starts with. */
static void
test_walk_all(void)
{
	/* shop.example.com preserves the host and is mounted at /: its
	 * redirects already reach visitors right (measured), so its dead
	 * ProxyPassReverse is an info and nothing there is changed. */
	static const char *const changes[] = { "app.example.com",
	    "secure.example.com", "wiki.example.com" };
	static const char *const left[] = { "forwarded-proto-spoofable",
	    "socket-missing", "reverse-mismatch" };
	char		*root = new_root(), *pristine = new_root(), *err = NULL;
	struct wizard	 w, ref;
	struct wz_fix	 all;
	struct wr_opts	 wo;
	struct vec	 sets = { 0 };
	size_t		 i, j, n, written = 0, broken = 0;

	start(&w, root, 0, "true");
	n = w.config->vhosts.n;
	CHECK(n == 7);
	for (i = 0; i < n; i++) {
		struct cf_vhost	*v = w.config->vhosts.v[i];
		const char	*name = conf_vhost_name(v);
		int		 worst = wizard_vhost_worst(&w, v);
		int		 expect = 0;
		char		*undo;

		for (j = 0; j < sizeof changes / sizeof *changes; j++)
			expect |= strcmp(name, changes[j]) == 0 &&
			    (strcmp(name, "secure.example.com") != 0 ||
			    v->tls);
		broken += worst >= SEV_WARNING;
		wizard_choose(&w, v);
		CHECK(w.vhost == v && w.vhost_index == (int)i);
		CHECK(w.choices.plan.preserve_host ==
		    w.proxy.preserve_host);
		CHECK(w.proxy.have == wizard_vhost_proxies(&w, v));
		wizard_plan(&w);
		CHECK(w.have_plan && !w.have_fix && !w.pending);
		CHECK(wizard_prepare(&w) == 0);
		CHECK(w.have_fix);
		if (w.pending != expect)
			fprintf(stderr, "%s: pending %d, expected %d\n", name,
			    w.pending, expect);
		CHECK(w.pending == expect);
		if (!w.pending) {
			CHECK(w.fix.rendered.n == 0);
			CHECK(wizard_finish(&w, &err) == 0);
			continue;
		}
		CHECK(wizard_write(&w) == WR_OK);
		CHECK(w.have_res && w.res.backup_id != NULL && !w.pending);
		undo = wizard_undo_command(&w);
		CHECK(undo != NULL && strstr(undo, " --root ") != NULL &&
		    strstr(undo, w.res.backup_id) != NULL);
		free(undo);
		written++;
		CHECK(wizard_finish(&w, &err) == 0);
		CHECK(w.vhost == NULL && !w.have_res && !w.pending);
		/* read again: the next vhost is the same index in the new
		 * tree */
		CHECK(w.config->vhosts.n == n);
	}
	CHECK(written == 3);
	CHECK(broken >= 3);

	/* Only what needs a human is left. */
	for (i = 0; i < w.findings.n; i++) {
		const struct finding	*f = w.findings.v[i];
		int			 ok = 0;

		for (j = 0; j < sizeof left / sizeof *left; j++)
			ok |= strcmp(f->rule->id, left[j]) == 0;
		if (!ok)
			fprintf(stderr, "left after the walk: %s %s:%u\n",
			    f->rule->id, f->path, f->line);
		CHECK(ok);
	}
	CHECK(w.findings.n == 3);

	/* The same bytes as fix --all on the pristine tree. */
	start(&ref, pristine, 0, "true");
	CHECK(wizard_fix_build(ref.config,
	    (struct cf_vhost *const *)ref.config->vhosts.v,
	    ref.config->vhosts.n, &ref.opts.plan, &all) == 0);
	CHECK(all.rendered.n == 3);
	for (i = 0; i < all.rendered.n; i++) {
		const struct rendered	*r = all.rendered.v[i];
		size_t			 len;
		char			*text = slurp(root, r->file->real,
					    &len);

		CHECK(len == r->len && memcmp(text, r->text, len) == 0);
		free(text);
	}
	wizard_fix_free(&all);
	wizard_free(&ref);

	/* A second pass changes nothing. */
	CHECK(wizard_fix_build(w.config,
	    (struct cf_vhost *const *)w.config->vhosts.v, w.config->vhosts.n,
	    &w.opts.plan, &all) == 0);
	CHECK(all.diff.len == 0 && all.rendered.n == 0);
	wizard_fix_free(&all);

	/* One backup set per write. */
	wo = w.opts.write;
	wo.root = w.config->root;
	CHECK(write_list_sets(&wo, &sets, &err) == 0);
	CHECK(sets.n == 3);
	vec_free_all(&sets, wr_set_free);
	wizard_free(&w);
	drop_root(root);
	drop_root(pristine);
}

/* The Host choice and the extras change the diff and the previews. */
static void
test_choices(void)
{
	char		*root = new_root();
	struct wizard	 w;
	struct vec	 pv = { 0 };
	const struct preview *p;

	start(&w, root, 0, "true");
	wizard_choose(&w, find(&w, "app.example.com", 0));
	CHECK(w.proxy.have && strcmp(w.proxy.path, "/") == 0);
	CHECK(strcmp(w.proxy.backend, "http://127.0.0.1/") == 0);
	CHECK(strcmp(w.proxy.backend_path, "/") == 0);
	CHECK(w.proxy.preserve_host == PLAN_OFF);

	wizard_set_preserve(&w, 1);
	CHECK(wizard_prepare(&w) == 0 && w.pending);
	CHECK(has_line(&w.fix.diff, "+\tProxyPreserveHost On\n"));
	/* Host preserved at /: the backend's redirects are right as they
	 * are, no ProxyPassReverse is written for them. */
	CHECK(!has_line(&w.fix.diff,
	    "+\tProxyPassReverse / http://app.example.com/\n"));

	wizard_set_preserve(&w, 0);
	CHECK(wizard_prepare(&w) == 0);
	CHECK(has_line(&w.fix.diff,
	    "+\tProxyPassReverse / http://127.0.0.1/\n"));
	CHECK(has_line(&w.fix.diff, "+\tHeader unset Server\n"));
	wizard_previews(&w, &pv);
	CHECK(pv.n == 1);
	if (pv.n == 1) {
		p = pv.v[0];
		CHECK(strcmp(p->visitor_before, "http://127.0.0.1/next") == 0);
		CHECK(strcmp(p->visitor_after,
		    "http://app.example.com/next") == 0);
	}
	vec_free_all(&pv, preview_free);

	CHECK(wizard_is_on(&w, WZ_HIDE_SERVER));
	CHECK(wizard_toggle(&w, WZ_HIDE_SERVER) == 0);
	CHECK(!wizard_is_on(&w, WZ_HIDE_SERVER));
	CHECK(wizard_prepare(&w) == 0);
	CHECK(!has_line(&w.fix.diff, "Header unset Server"));
	/* plain HTTP: no X-Forwarded-Proto to add; no a2enmod or reload
	 * away from the live root without a reload command */
	CHECK(wizard_toggle(&w, WZ_FORWARDED_PROTO) == -1);
	CHECK(!wizard_is_on(&w, WZ_FORWARDED_PROTO));
	CHECK(wizard_toggle(&w, WZ_A2ENMOD) == -1);
	CHECK(wizard_toggle(&w, WZ_RELOAD) == -1);
	CHECK(wizard_toggle(&w, WZ_SERVER_TOKENS) == 0);
	CHECK(wizard_prepare(&w) == 0);
	CHECK(has_line(&w.fix.diff, "+ServerTokens Prod"));
	wizard_drop(&w);
	CHECK(!w.pending && !w.have_plan);

	/* TLS: the header is a choice. */
	wizard_choose(&w, find(&w, "secure.example.com", 1));
	CHECK(wizard_is_on(&w, WZ_FORWARDED_PROTO));
	CHECK(wizard_prepare(&w) == 0);
	CHECK(has_line(&w.fix.diff,
	    "+\tRequestHeader set X-Forwarded-Proto \"https\"\n"));
	CHECK(wizard_toggle(&w, WZ_FORWARDED_PROTO) == 0);
	CHECK(wizard_prepare(&w) == 0);
	CHECK(!has_line(&w.fix.diff, "X-Forwarded-Proto"));
	wizard_free(&w);
	drop_root(root);
}

/* Apache rejects the change: everything is as before, and the vhost
 * still shows its error after the walk. */
static void
test_rejected(void)
{
	char		*root = new_root(), *pristine = new_root(), *err = NULL;
	struct wizard	 w;

	start(&w, root, 0, "false");
	wizard_choose(&w, find(&w, "app.example.com", 0));
	CHECK(wizard_prepare(&w) == 0 && w.pending);
	CHECK(wizard_write(&w) == WR_ROLLED_BACK);
	CHECK(w.have_res && w.res.test_output != NULL);
	CHECK(same_file(root, pristine, APP));
	CHECK(wizard_finish(&w, &err) == 0);
	CHECK(wizard_vhost_worst(&w, find(&w, "app.example.com", 0)) ==
	    SEV_ERROR);
	wizard_free(&w);
	drop_root(root);
	drop_root(pristine);
}

/* A dry run never writes the tree; the diff goes to a patch file. */
static void
test_dry_run(void)
{
	char		*root = new_root(), *pristine = new_root(), *err = NULL;
	char		*name, *patch, *text;
	struct wizard	 w;
	size_t		 len;

	start(&w, root, 1, "true");
	wizard_choose(&w, find(&w, "app.example.com", 0));
	CHECK(wizard_prepare(&w) == 0 && w.pending);
	CHECK(wizard_write(&w) == WR_REFUSED);
	CHECK(same_file(root, pristine, APP));
	name = wizard_patch_name(&w);
	CHECK(strcmp(name, "./vhostfix-app.example.com.patch") == 0);
	free(name);
	patch = xasprintf("%s/fix.patch", root);
	CHECK(wizard_save_patch(&w, patch, 0) == 0);
	CHECK(!w.pending && strcmp(w.patch_path, patch) == 0);
	CHECK(util_read_file(patch, 1 << 20, &text, &len) == 0);
	CHECK(len == w.fix.diff.len && memcmp(text, w.fix.diff.data,
	    len) == 0);
	free(text);
	errno = 0;
	CHECK(wizard_save_patch(&w, patch, 0) == -1 && errno == EEXIST);
	CHECK(wizard_save_patch(&w, patch, 1) == 0);
	CHECK(wizard_undo_command(&w) == NULL);
	/* the summary: the patch once, where it is and how it applies */
	{
		char	*sum = wizard_session_summary(&w);
		char	*want = xasprintf("vhostfix session: 0 files written\n"
			    "Patches saved (a dry run: nothing written):\n"
			    "  %s (1 file): patch -p1 -d %s < %s\n", patch,
			    root, patch);

		CHECK(strcmp(sum, want) == 0);
		if (strcmp(sum, want) != 0)
			fprintf(stderr, "summary:\n%s", sum);
		free(want);
		free(sum);
	}
	CHECK(wizard_finish(&w, &err) == 0);
	CHECK(same_file(root, pristine, APP));
	free(patch);
	wizard_free(&w);
	drop_root(root);
	drop_root(pristine);
}

/* Without mod_headers the plan says which module to enable and which
 * lines to add by hand, as data: a2enmod is built from it. */
static void
test_manual_steps(void)
{
	char		*root = new_root();
	char		*load = xasprintf("%s/etc/apache2/mods-enabled/"
			    "headers.load", root);
	struct wizard	 w;
	size_t		 i;
	int		 hide = 0, xfp = 0;

	CHECK(unlink(load) == 0);
	start(&w, root, 0, "true");
	wizard_choose(&w, find(&w, "secure.example.com", 1));
	wizard_plan(&w);
	CHECK(w.fix.plan.modules.n == 1);
	if (w.fix.plan.modules.n == 1)
		CHECK(strcmp(w.fix.plan.modules.v[0], "headers") == 0);
	CHECK(w.a2enmod != NULL && strcmp(w.a2enmod, "a2enmod headers") == 0);
	for (i = 0; i < w.fix.plan.by_hand.n; i++) {
		const struct plan_line	*l = w.fix.plan.by_hand.v[i];

		CHECK(l->module != NULL && strcmp(l->module, "headers") == 0);
		CHECK(l->file == w.vhost->node->file);
		hide |= strcmp(l->text, "Header unset Server") == 0;
		xfp |= strcmp(l->text,
		    "RequestHeader set X-Forwarded-Proto \"https\"") == 0;
	}
	CHECK(hide && xfp && w.fix.plan.by_hand.n == 2);
	CHECK(w.fix.plan.manual.n >= 1);
	/* offered on the live root only */
	CHECK(!wizard_a2enmod_offered(&w));
	wizard_free(&w);
	drop_root(root);
	free(load);
}

/* A batch: marks, a site's pair added, one Host answer with an
 * exception, one write and one backup set, undo, the session's summary;
 * the Host question only when a finding depends on it. */
static void
test_batch(void)
{
	char			*root = new_root(), *sum;
	struct wizard		 w;
	struct cf_vhost		*pick[3];
	size_t			 i;

	start(&w, root, 0, "true");
	CHECK(wizard_mark_errors(&w) == 2);
	CHECK(wizard_is_marked(&w, find(&w, "app.example.com", 0)));
	wizard_mark_clear(&w);
	CHECK(w.nmarked == 0);
	CHECK(wizard_site_partner(&w, find(&w, "secure.example.com", 0)) ==
	    find(&w, "secure.example.com", 1));
	CHECK(wizard_site_partner(&w, find(&w, "app.example.com", 0)) ==
	    NULL);

	/* an order fix alone: no Host question */
	pick[0] = find(&w, "wiki.example.com", 0);
	wizard_choose_batch(&w, pick, 1);
	CHECK(w.batch.n == 1 && !wizard_needs_host(&w));

	pick[0] = find(&w, "app.example.com", 0);
	pick[1] = find(&w, "secure.example.com", 0);
	pick[2] = find(&w, "shop.example.com", 0);
	wizard_choose_batch(&w, pick, 3);
	CHECK(w.batch.n == 4);		/* secure's TLS vhost came along */
	CHECK(wizard_needs_host(&w));
	CHECK(wizard_extra_applies(&w, WZ_FORWARDED_PROTO));
	/* shop preserves the Host header, app does not: each keeps its */
	CHECK(wizard_preserve_mixed(&w));
	CHECK(w.choices.plan.preserve_host == PLAN_KEEP);
	for (i = 0; i < w.batch.n; i++)
		if (w.batch.v[i] == pick[2])
			CHECK(wizard_preserve_of(&w, i));
		else if (w.batch.v[i] == pick[0]) {
			CHECK(!wizard_preserve_of(&w, i));
			wizard_toggle_exception(&w, i);
			CHECK(wizard_preserve_of(&w, i));
		}
	CHECK(wizard_prepare(&w) == 0 && w.pending);
	CHECK(has_line(&w.fix.diff, "+\tProxyPreserveHost On") ||
	    has_line(&w.fix.diff, "ProxyPreserveHost On"));
	CHECK(has_line(&w.fix.diff, "+++ b/etc/apache2/sites-available/"
	    "app.example.com.conf"));
	CHECK(has_line(&w.fix.diff, "+++ b/etc/apache2/sites-available/"
	    "secure.example.com.conf"));
	CHECK(wizard_write(&w) == WR_OK && w.res.backup_id != NULL);
	sum = wizard_session_summary(&w);
	CHECK(strstr(sum, "vhostfix session: 2 files written\n") == sum);
	CHECK(strstr(sum, " (undo: vhostfix --root ") != NULL);
	CHECK(strstr(sum, "Left to you:") != NULL);
	free(sum);
	/* undone: no file written, nothing left from that write */
	CHECK(wizard_undo(&w) == WR_OK);
	sum = wizard_session_summary(&w);
	CHECK(strstr(sum, "vhostfix session: 0 files written (1 write "
	    "undone)\n") == sum);
	CHECK(strstr(sum, ": undone\n") != NULL);
	CHECK(strstr(sum, "Left to you:") == NULL);
	CHECK(strstr(sum, "demo") == NULL);
	free(sum);
	wizard_free(&w);
	drop_root(root);
}

/* The diagnosis screen's explain and the Host screen's ProxyPassReverse
 * text, through the controller. */
static void
test_explain(void)
{
	struct wizard	 w;
	char		*root = new_root(), *err = NULL, *url;
	struct buf	 b = { 0 };
	struct vec	 on = { 0 }, off = { 0 };

	start(&w, root, 0, NULL);
	wizard_choose(&w, find(&w, "app.example.com", 0));
	url = wizard_explain_url(&w);
	CHECK(strcmp(url, "http://app.example.com/") == 0);
	free(url);
	CHECK(wizard_explain(&w, "http://app.example.com/api/x", &b,
	    &err) == 0);
	CHECK(has_line(&b, "app.example.com.conf:3)"));
	CHECK(has_line(&b, "connects to the Unix socket "
	    "/run/gunicorn/app.sock"));
	buf_free(&b);
	CHECK(wizard_explain(&w, "ftp://x/", &b, &err) == -1 && err != NULL);
	free(err);
	buf_free(&b);
	/* preserved, app at /: the redirect model needs no line; not
	 * preserved: the backend's address */
	CHECK(wizard_host_reverse(&w, 1, &on) == 0 && on.n == 0);
	CHECK(wizard_host_reverse(&w, 0, &off) == 0 && off.n == 1 &&
	    strcmp(off.v[0], "ProxyPassReverse / http://127.0.0.1/") == 0);
	vec_free_all(&off, free);
	vec_free(&on);
	wizard_choose(&w, find(&w, "secure.example.com", 1));
	url = wizard_explain_url(&w);
	CHECK(strcmp(url, "https://secure.example.com/") == 0);
	free(url);
	wizard_free(&w);
	drop_root(root);
}

/* A tree over WZ_SYNC_VHOSTS is diagnosed a step at a time while the
 * list shows: the findings must come out exactly as rules_run() then
 * live_run() give them (order, rule, line, message, vhost), each vhost's
 * worst severity with them, and quitting half-way must free cleanly. */
static void
test_steps(void)
{
	char			*root = new_root(), *p;
	struct wizard		 w;
	struct cf_config	*c = NULL;
	struct cf_opts		 lo;
	struct live_opts	 live;
	struct vec		 ref = { 0 }, notes = { 0 };
	struct buf		 b = { 0 };
	size_t			 i, done, total, slices = 0;
	char			*err = NULL;
	FILE			*f;

	for (i = 0; i < 1200; i++) {
		switch (i % 4) {
		case 0:		/* the socket ProxyPassReverse */
			buf_printf(&b, "<VirtualHost *:80>\n"
			    "ServerName s%zu.example.com\n"
			    "ProxyPass / unix:/run/s%zu.sock|http://127.0.0.1/\n"
			    "ProxyPassReverse / unix:/run/s%zu.sock|"
			    "http://127.0.0.1/\n</VirtualHost>\n", i, i, i);
			break;
		case 1:		/* fine */
			buf_printf(&b, "<VirtualHost *:80>\n"
			    "ServerName s%zu.example.com\n"
			    "ProxyPass / http://127.0.0.1:8000/\n"
			    "ProxyPassReverse / http://127.0.0.1:8000/\n"
			    "</VirtualHost>\n", i);
			break;
		case 2:		/* a name an earlier vhost answers */
			buf_printf(&b, "<VirtualHost *:80>\n"
			    "ServerName S%zu.Example.com\n"
			    "ProxyPass /x/ http://127.0.0.1:8000/x\n"
			    "</VirtualHost>\n", i - 1);
			break;
		default:	/* TLS without a certificate */
			buf_printf(&b, "<VirtualHost *:443>\n"
			    "ServerName s%zu.example.com\nSSLEngine on\n"
			    "ProxyPass / unix:/run/s%zu.sock|http://127.0.0.1/\n"
			    "</VirtualHost>\n", i, i);
			break;
		}
	}
	p = xasprintf("%s/etc/apache2/sites-enabled/zz-many.conf", root);
	CHECK((f = fopen(p, "w")) != NULL);
	fwrite(b.data, 1, b.len, f);
	fclose(f);
	free(p);
	buf_free(&b);

	start(&w, root, 0, NULL);
	CHECK(w.config->vhosts.n > WZ_SYNC_VHOSTS);
	CHECK(wizard_busy(&w));
	wizard_progress(&w, &done, &total);
	CHECK(done == 0 && total == w.config->vhosts.n);
	CHECK(!wizard_vhost_checked(&w, w.config->vhosts.v[total - 1]));
	while (!wizard_work(&w, 0))
		slices++;
	CHECK(slices > 10 && !wizard_busy(&w));
	CHECK(wizard_vhost_checked(&w, w.config->vhosts.v[total - 1]));

	memset(&lo, 0, sizeof lo);
	lo.root = root;
	lo.config = "/etc/apache2/apache2.conf";
	if (conf_load(&lo, &c, &err) != 0) {
		fprintf(stderr, "conf_load %s: %s\n", root, err);
		exit(99);
	}
	rules_run(c, &ref);
	live.live = live_is_running_root(root);
	live.logs = 1;
	live.timeout_ms = 2000;
	live_run(c, &live, &ref, &notes);
	CHECK(ref.n == w.findings.n);
	CHECK(ref.n > 1200);
	for (i = 0; i < ref.n && i < w.findings.n; i++) {
		const struct finding	*a = ref.v[i], *z = w.findings.v[i];

		if (a->rule != z->rule || a->sev != z->sev ||
		    a->line != z->line || strcmp(a->message, z->message) != 0 ||
		    (a->vhost == NULL) != (z->vhost == NULL) ||
		    (a->vhost != NULL && a->vhost->index != z->vhost->index)) {
			fprintf(stderr, "finding %zu: %s:%u %s / %s:%u %s\n", i,
			    a->rule->id, a->line, a->message, z->rule->id,
			    z->line, z->message);
			CHECK(!"the same findings in steps");
			break;
		}
	}
	for (i = 0; i < c->vhosts.n; i++) {
		int	worst = -1;
		size_t	k;

		for (k = 0; k < ref.n; k++) {
			const struct finding	*a = ref.v[k];

			if (a->vhost == c->vhosts.v[i] && (int)a->sev > worst)
				worst = (int)a->sev;
		}
		if (worst != wizard_vhost_worst(&w, w.config->vhosts.v[i])) {
			fprintf(stderr, "vhost %zu: worst %d\n", i, worst);
			CHECK(!"the same worst severity");
			break;
		}
	}
	vec_free_all(&ref, finding_free);
	vec_free_all(&notes, free);
	conf_free(c);
	wizard_free(&w);

	/* quit half-way */
	start(&w, root, 0, NULL);
	CHECK(wizard_work(&w, 0) == 0 && wizard_busy(&w));
	wizard_free(&w);
	drop_root(root);
}

/* What the diagnosis says a visitor gets is the finding's own when its
 * rule's words are not it: shop's dead ProxyPassReverse harms nobody. */
static void
test_visitor_words(void)
{
	char		*root = new_root();
	struct wizard	 w;
	size_t		 i, shop = 0, app = 0;

	start(&w, root, 0, NULL);
	for (i = 0; i < w.findings.n; i++) {
		const struct finding	*f = w.findings.v[i];
		const char		*name = f->vhost != NULL ?
					    conf_vhost_name(f->vhost) : "";

		if (strcmp(name, "shop.example.com") == 0 &&
		    strcmp(f->rule->id, "reverse-mismatch") == 0) {
			shop++;
			CHECK(f->sev == SEV_INFO);
			CHECK(strncmp(finding_visitor(f), "Nothing: ", 9) ==
			    0);
		}
		if (strcmp(name, "app.example.com") == 0 &&
		    strcmp(f->rule->id, "reverse-socket-prefix") == 0) {
			app++;
			CHECK(f->sev == SEV_ERROR);
			CHECK(finding_visitor(f) == f->rule->visitor);
		}
	}
	CHECK(shop == 1 && app == 1);
	wizard_free(&w);
	drop_root(root);
}

int
main(int argc, char **argv)
{
	(void)argc;
	self = argv[0];
	test_walk_all();
	test_choices();
	test_rejected();
	test_dry_run();
	test_manual_steps();
	test_batch();
	test_explain();
	test_steps();
	test_visitor_words();
	if (failures > 0) {
		fprintf(stderr, "%d check(s) failed\n", failures);
		return 1;
	}
	return 0;
}
