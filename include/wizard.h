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
 * configuration c; names: the fixed vhosts, for the backup manifest.
 * o->root is taken from c.  Returns res->status; free res with
 * wr_result_free. */
enum wr_status wizard_fix_write(const struct cf_config *c,
	    const struct wz_fix *, const struct wr_opts *o,
	    const char **names, size_t n, struct wr_result *res);

/* ---- the walk --------------------------------------------------------- */

struct wz_opts {
	struct cf_opts	 load;		/* how to (re)load the tree */
	struct plan_opts plan;		/* presets from the command line */
	struct wr_opts	 write;		/* backup dir, configtest, default
					   reload; root comes from the tree */
	int		 dry_run;	/* never write; a patch file instead */
	int		 live_root;	/* the root is "/": a2enmod and a
					   reload are offered */
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

struct wizard {
	struct wz_opts		 opts;
	struct cf_config	*config;
	struct vec		 findings;	/* struct finding *: rules */
	int			*worst;		/* by vhost index: worst
						   severity, -1 none */
	unsigned char		*proxies;	/* by vhost index: has a
						   ProxyPass */

	/* the walk, from wizard_choose() */
	struct cf_vhost		*vhost;		/* NULL: none chosen */
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

/* Worst severity of a vhost's findings: -1 none, else enum sev. */
int	 wizard_vhost_worst(const struct wizard *, const struct cf_vhost *);
/* The vhost proxies (has a ProxyPass). */
int	 wizard_vhost_proxies(const struct wizard *, const struct cf_vhost *);
/* A finding other than info points at node in the chosen vhost. */
int	 wizard_node_offends(const struct wizard *, const struct cf_node *);

/* Start a walk on v: choices from the presets, ProxyPreserveHost as the
 * vhost has it unless the command line chose. */
void	 wizard_choose(struct wizard *, struct cf_vhost *v);
void	 wizard_set_preserve(struct wizard *, int on);
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
/* Redirect previews for the current choices (struct preview *). */
void	 wizard_previews(const struct wizard *, struct vec *out);

/* Write the prepared fix (not in a dry run): backup, save, configtest,
 * rollback, then the chosen reload and a2enmod.  Returns res.status. */
enum wr_status wizard_write(struct wizard *);
/* Dry run: save the diff to path (overwrite: an existing file is
 * replaced, else EEXIST).  Returns 0, or -1 with errno. */
int	 wizard_save_patch(struct wizard *, const char *path, int overwrite);
/* "./vhostfix-app.example.com.patch": the default patch file name.
 * Caller frees. */
char	*wizard_patch_name(const struct wizard *);
/* The command that undoes the write, as a shell line ("vhostfix --root
 * R rollback ID"), or NULL without a backup set.  Caller frees. */
char	*wizard_undo_command(const struct wizard *);
/* The walk is over: forget the result and the fix; after a write (not a
 * dry run) the tree is read again.  Returns wizard_reload's result. */
int	 wizard_finish(struct wizard *, char **err);

#endif
