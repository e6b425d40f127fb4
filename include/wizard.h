/* wizard.h: the wizard's walk, without a terminal.
 *
 * The controller holds the state of one walk (the tree and its findings,
 * the chosen vhost, the choices, the prepared fix, the result) and makes
 * every decision the wizard's screens used to make: they only draw this
 * state and map keys to these calls, and the unit tests drive the same
 * calls with no terminal at all.  The plan -> render -> diff sequence
 * (wizard_fix_build) is also the one `fix` runs.  Like the rest of the
 * core it never prints and never exits. */
#ifndef VHOSTFIX_WIZARD_H
#define VHOSTFIX_WIZARD_H

#include <stddef.h>

#include "conf.h"
#include "live.h"
#include "plan.h"
#include "rules.h"
#include "util.h"
#include "write.h"

/* ---- one fix: plan -> render -> diff -> write ------------------------- */

struct wz_fix {
	struct plan	 plan;
	struct vec	 rendered;	/* struct rendered *, load order */
	struct buf	 diff;		/* unified diff of every changed file */
	char		*err;		/* render failed: why (a planner bug) */
};

/* Plan the fix of vhosts with o, render it in memory and diff it.
 * Returns 0, or -1 with fix->err when a rendered file does not parse
 * (nothing rendered then).  Free with wizard_fix_free either way. */
int	 wizard_fix_build(const struct cf_config *,
	    struct cf_vhost *const *vhosts, size_t n, const struct plan_opts *,
	    struct wz_fix *fix);
void	 wizard_fix_free(struct wz_fix *);
/* The whole write transaction (write_apply) for a built fix of the
 * configuration c; vhosts: the ones it was built for (the backup
 * manifest names those whose lines it changes).  o->root is taken from
 * c.  Returns res->status; free res with wr_result_free. */
enum wr_status wizard_fix_write(const struct cf_config *c,
	    const struct wz_fix *fix, const struct wr_opts *o,
	    struct cf_vhost *const *vhosts, size_t n, struct wr_result *res);

/* ---- the walk --------------------------------------------------------- */

struct wz_opts {
	struct cf_opts	 load;		/* how to (re)load the tree */
	struct plan_opts plan;		/* presets from the command line */
	struct wr_opts	 write;		/* backup dir, configtest, default
					   reload; root comes from the tree */
	int		 dry_run;	/* never write; a patch file instead */
	int		 live_root;	/* the root is "/": a2enmod and a
					   reload are offered */
	int		 not_root;	/* cannot write the tree: a dry run,
					   said so at start */
	int		 demo;		/* the demo's private copy, gone at
					   exit */
};

/* What the user chose for the vhost being fixed. */
struct wz_choices {
	struct plan_opts plan;		/* preserve_host: PLAN_ON or OFF */
	int		 run_a2enmod;	/* run the plan's a2enmod after a
					   successful write */
	int		 reload;	/* graceful reload after the test */
};

/* The choices a screen toggles. */
enum wz_toggle {
	WZ_FORWARDED_PROTO,		/* TLS vhosts only */
	WZ_HIDE_SERVER,
	WZ_SERVER_TOKENS,
	WZ_A2ENMOD,			/* only when offered */
	WZ_RELOAD,			/* only when offered */
};

/* The chosen vhost's proxying, as the Host choice explains it. */
struct wz_proxy {
	int		 have;		/* it has a ProxyPass to a backend */
	char		*path;		/* that ProxyPass's local path ("/") */
	char		*backend;	/* its URL after any "unix:...|" */
	const char	*backend_path;	/* the URL's path, "/" at least
					   (points into backend) */
	int		 preserve_host;	/* ProxyPreserveHost in effect now */
};

/* One write of the session, for the summary on exit. */
struct wz_written {
	char			*backup_id;	/* its backup set, or NULL */
	char			*undo;		/* the command that undoes it
						   (NULL on the demo) */
	struct vec		 files;		/* char *: files written */
	struct vec		 left;		/* char *: left to a human,
						   with the command */
	int			 undone;	/* 1 undone, -1 the undo
						   failed */
	char			*patch;		/* a dry run: the patch saved
						   instead (files: what it
						   changes), or NULL */
	char			*undo_error;	/* why, when it failed */
};

/* What a session did: struct wz_written *, in order. */
struct wz_session {
	struct vec		 writes;
};

/* One check of verify_* (verify.h), as the Done screen lists it. */
struct vf_check;

struct wizard {
	struct wz_opts		 opts;
	struct cf_config	*config;
	struct vec		 findings;	/* struct finding *: rules */
	int			*worst;		/* by vhost index: worst
						   severity, -1 none */
	unsigned char		*proxies;	/* by vhost index: has a
						   ProxyPass */
	int			*partner;	/* by vhost index: the site
						   partner's index, or -1 */

	unsigned char		*marked;	/* by vhost index: marked
						   in the list for a batch */
	size_t			 nmarked;
	unsigned char		*inbatch;	/* by vhost index: in the
						   batch (wizard_in_batch) */
	struct vec		*byvhost;	/* by vhost index: its
						   findings, once diagnosed */
	size_t			 nbyvhost;
	struct strmap		 offend;	/* "%p" of a node -> the node:
						   the batch's non-info
						   findings point at it */

	/* the diagnosis while it runs (wizard_busy): the list is on
	 * screen meanwhile, vhosts not yet diagnosed shown as such */
	struct rules_steps	*rsteps;
	struct live_steps	*lsteps;
	struct live_opts	 lopts;
	struct vec		 lnotes;
	struct vec		 rest;		/* findings outside vhosts */
	size_t			 ndiag;		/* contexts done, of
						   vhosts.n + 1 */

	/* the walk, from wizard_choose() */
	struct vec		 batch;		/* struct cf_vhost *: the
						   vhosts fixed together, in
						   Apache's order */
	unsigned char		*except;	/* by batch position: the
						   Host answer inverted */
	struct cf_vhost		*vhost;		/* NULL: none chosen; else the
						   batch's first */
	int			 vhost_index;	/* survives a reload: the
						   list lands on it */
	struct wz_proxy		 proxy;
	struct wz_choices	 choices;

	/* the plan with the current choices */
	struct wz_fix		 fix;
	int			 have_plan;	/* fix.plan is built */
	int			 have_fix;	/* ... rendered and diffed */
	char			*a2enmod;	/* "a2enmod headers" for the
						   plan's modules on a Debian
						   layout, or NULL */
	int			 pending;	/* a change is prepared, not
						   written or saved */

	/* the result */
	struct wr_result	 res;
	int			 have_res;
	char			*a2enmod_out;	/* what a2enmod said */
	char			*patch_path;	/* dry run: the patch saved */
	struct wr_result	 undo;		/* wizard_undo()'s result */
	int			 have_undo;
	struct vec		 checks;	/* struct vf_check *: the last
						   reload and verify */
	char			*reload_out;	/* what the reload said */
	int			 reload_rc;	/* -1: could not run */

	struct wz_session	 session;
};

/* Start on a loaded tree (the wizard owns config from now on) and run
 * the rules. */
void	 wizard_init(struct wizard *, const struct wz_opts *,
	    struct cf_config *config);
void	 wizard_free(struct wizard *);
/* Read the tree again (after a write) and rerun the rules; the chosen
 * vhost is forgotten (its index kept).  Returns 0, or -1 with *err
 * (malloc'd) and the old tree kept. */
int	 wizard_reload(struct wizard *, char **err);

/* v's findings, in order (empty while v is not diagnosed yet). */
const struct vec *wizard_vhost_findings(const struct wizard *,
	    const struct cf_vhost *v);
/* Worst severity of a vhost's findings: -1 none, else enum sev. */
int	 wizard_vhost_worst(const struct wizard *, const struct cf_vhost *);
/* Trees of more than this many vhosts are diagnosed while the list is on
 * screen (a step at a time, between keys); smaller ones before. */
#define WZ_SYNC_VHOSTS	1000
/* Is the diagnosis still running?  Then findings, worst and every count
 * are partial: only the list's moves and its filter may go on;
 * anything else calls wizard_complete() first. */
int	 wizard_busy(const struct wizard *);
/* Has v been diagnosed yet (always, once not busy)? */
int	 wizard_vhost_checked(const struct wizard *, const struct cf_vhost *);
/* Vhosts diagnosed so far, of how many. */
void	 wizard_progress(const struct wizard *, size_t *done, size_t *total);
/* Diagnose for about budget_ms (at least one vhost).  1 when that ended
 * the diagnosis, else 0. */
int	 wizard_work(struct wizard *, long budget_ms);
/* Diagnose whatever is left. */
void	 wizard_complete(struct wizard *);
/* The vhost proxies (has a ProxyPass). */
int	 wizard_vhost_proxies(const struct wizard *, const struct cf_vhost *);
/* A finding other than info points at node in the chosen vhost. */
int	 wizard_node_offends(const struct wizard *, const struct cf_node *);

/* Start a walk on v: choices from the presets, ProxyPreserveHost as the
 * vhost has it unless the command line chose. */
void	 wizard_choose(struct wizard *, struct cf_vhost *v);
/* Start a walk on several vhosts at once, each with its site partner
 * (wizard_site_partner) added: one set of answers, one diff, one write,
 * one backup set.  The choices start from the first one that proxies. */
void	 wizard_choose_batch(struct wizard *, struct cf_vhost *const *v,
	    size_t n);
/* The other vhost of the same site: the same ServerName on the other
 * scheme (certbot's "-le-ssl.conf" next to the port-80 one), or NULL. */
struct cf_vhost *wizard_site_partner(const struct wizard *,
	    const struct cf_vhost *);

/* The list's marks (by vhost), for a batch. */
void	 wizard_mark(struct wizard *, const struct cf_vhost *, int on);
int	 wizard_is_marked(const struct wizard *, const struct cf_vhost *);
/* Mark every vhost whose worst finding is an error; returns how many
 * are marked now. */
size_t	 wizard_mark_errors(struct wizard *);
void	 wizard_mark_clear(struct wizard *);

/* Findings of the batch: fixable ones (the fix changes lines for
 * them), and the ones only a human can act on (const struct finding *
 * into out; out may be NULL).  Return the count. */
size_t	 wizard_fixable(const struct wizard *);
size_t	 wizard_left(const struct wizard *, struct vec *out);
/* The Host question matters: a finding of the batch is about
 * ProxyPassReverse or ProxyPreserveHost (a ProxyPass order fix is not). */
int	 wizard_needs_host(const struct wizard *);
/* An extra (WZ_FORWARDED_PROTO, WZ_HIDE_SERVER, WZ_SERVER_TOKENS,
 * WZ_A2ENMOD) means something for this batch. */
int	 wizard_extra_applies(const struct wizard *, enum wz_toggle);
/* Per-vhost exception to the Host answer (review screen): flip batch
 * member i.  The preserve setting batch member i gets. */
void	 wizard_toggle_exception(struct wizard *, size_t i);
int	 wizard_preserve_of(const struct wizard *, size_t i);
/* on: 1 preserve the Host header, 0 not, -1 each vhost as it has it. */
void	 wizard_set_preserve(struct wizard *, int on);
/* The batch's vhosts set ProxyPreserveHost differently now. */
int	 wizard_preserve_mixed(const struct wizard *);
/* Flip a choice.  Returns -1 (nothing changed) when it does not apply:
 * X-Forwarded-Proto on a vhost without TLS, a2enmod or reload when not
 * offered. */
int	 wizard_toggle(struct wizard *, enum wz_toggle);
/* The choice as it will be applied. */
int	 wizard_is_on(const struct wizard *, enum wz_toggle);
int	 wizard_a2enmod_offered(const struct wizard *);
int	 wizard_reload_offered(const struct wizard *);

/* Plan with the current choices (for what needs a human, and a2enmod);
 * nothing is prepared for writing. */
void	 wizard_plan(struct wizard *);
/* Plan, render and diff with the current choices: pending when the diff
 * is not empty.  Returns 0, or -1 with w->fix.err. */
int	 wizard_prepare(struct wizard *);
/* Forget the plan and the prepared fix; nothing is pending. */
void	 wizard_drop(struct wizard *);
/* Redirect previews for the current choices (struct preview *): of the
 * first vhost, or of batch member i. */
void	 wizard_previews(const struct wizard *, struct vec *out);
void	 wizard_previews_of(const struct wizard *, size_t i, struct vec *out);

/* The ProxyPassReverse lines the fix would write for the chosen vhost
 * with the Host header preserved (preserve 1) or not (0), as the planner
 * and its redirect model decide: char * (malloc'd) appended to out, none
 * when the fix writes none.  Returns 0, or -1 with no vhost chosen. */
int	 wizard_host_reverse(const struct wizard *, int preserve,
	    struct vec *out);

/* Explain a request (explain.h) for the diagnosis screen: the URL to
 * offer first (the chosen vhost's scheme://name/, with its port when not
 * the scheme's own; caller frees), and the explanation of url as text
 * (control characters inert) appended to out.  Returns 0, or -1 with
 * *err (malloc'd, one line). */
char	*wizard_explain_url(const struct wizard *);
int	 wizard_explain(const struct wizard *, const char *url,
	    struct buf *out, char **err);

/* Write the prepared fix (not in a dry run): backup, save, configtest,
 * rollback, then the chosen reload and a2enmod.  Returns res.status. */
enum wr_status wizard_write(struct wizard *);
/* Dry run: save the diff to path (overwrite: an existing file is
 * replaced, else EEXIST).  Returns 0, or -1 with errno. */
int	 wizard_save_patch(struct wizard *, const char *path, int overwrite);
/* "./vhostfix-app.example.com.patch": the default patch file name.
 * Caller frees. */
char	*wizard_patch_name(const struct wizard *);
/* The command that applies a saved patch (file; NULL: "FILE") to the
 * tree: "patch -p1 -d ROOT < FILE"; on the demo, whose copy is gone at
 * exit, to a copy of the demo tree ("DIR").  Caller frees. */
char	*wizard_patch_command(const struct wizard *, const char *file);
/* The command that undoes the write, as a shell line ("vhostfix --root
 * R rollback ID"), or NULL without a backup set.  Caller frees. */
char	*wizard_undo_command(const struct wizard *);
/* Undo the write just made: restore its backup set (a rollback, itself
 * undoable), reloading again when the write reloaded.  Returns
 * undo.status. */
enum wr_status wizard_undo(struct wizard *);
/* Reload Apache (the --reload-cmd, else apache2ctl graceful on the live
 * root) and verify each vhost of the batch through Apache's listener
 * (verify.h): w->checks.  Returns the number of failed checks, or -1
 * when the reload did not run or failed (reload_out says why). */
int	 wizard_reload_verify(struct wizard *);
/* What the session did, as lines for a person (empty when nothing).
 * Caller frees. */
char	*wizard_session_summary(const struct wizard *);

/* The walk is over: forget the result and the fix; after a write (not a
 * dry run) the tree is read again.  Returns wizard_reload's result. */
int	 wizard_finish(struct wizard *, char **err);

#endif
