/* plan.h: the fix as text edits, and the new text of each changed file.
 *
 * The planner decides which lines a vhost needs (from the rules and the
 * user's choices) and expresses them as byte-range replacements in the
 * files as read: untouched bytes stay identical, new lines copy their
 * neighbour's indentation and line ending.  render applies the edits in
 * memory and re-parses each result with the Httpd lens. */
#ifndef VHOSTFIX_PLAN_H
#define VHOSTFIX_PLAN_H

#include "conf.h"

enum plan_tri {
	PLAN_KEEP = -1,		/* the vhost's current setting */
	PLAN_OFF = 0,
	PLAN_ON = 1,
};

struct plan_opts {
	int	preserve_host;		/* enum plan_tri */
	int	forwarded_proto;	/* PLAN_ON: auto (TLS vhosts); OFF */
	int	hide_server;		/* PLAN_ON (default) / PLAN_OFF */
	int	server_tokens_prod;	/* PLAN_ON adds ServerTokens Prod */
};
void	 plan_opts_default(struct plan_opts *);

struct px_vhost;
/* The fix's redirect decisions for a vhost whose sockets have their new
 * labels: *added_xfp is the X-Forwarded-Proto value the fix would add
 * (NULL: none); changes gets the ProxyPassReverse changes (struct
 * rd_change *, redirect.h).  When the header would make a right redirect
 * wrong and no change mends it, *added_xfp becomes NULL and 1 is
 * returned (the header is left to a human); else 0. */
int	 plan_redirect_decide(const struct px_vhost *, int preserve,
	    const char **added_xfp, struct vec *changes);

struct edit {
	struct cf_file	*file;
	size_t		 start;		/* replace text[start, end) */
	size_t		 end;
	char		*text;
	unsigned	 seq;		/* insertion order at equal offsets */
};

/* A line the planner cannot add itself: a human adds it (after
 * enabling module, when set). */
struct plan_line {
	const struct cf_file	*file;	/* where it goes */
	unsigned		 line;	/* near this line; 0: at the end */
	char			*text;	/* the directive, "Header unset
					   Server" */
	const char		*module;	/* static: the module it needs
					   ("headers"), or NULL */
};

struct plan {
	struct vec	 edits;		/* struct edit * */
	struct vec	 notes;		/* char *: what was changed, one line
					   each ("app.conf:12 ProxyPassReverse
					   rewritten") */
	struct vec	 manual;	/* char *: what needs a human, in words,
					   one line each (for people: the
					   data is in modules and by_hand) */
	struct vec	 modules;	/* const char * (static): modules to
					   enable, each once ("headers") */
	struct vec	 by_hand;	/* struct plan_line * */
};

/* Plan the fix of the given vhosts.  Returns 0; the plan may be empty. */
int	 plan_build(const struct cf_config *, struct cf_vhost *const *vhosts,
	    size_t n, const struct plan_opts *, struct plan *out);
void	 plan_free(struct plan *);

/* Redirect previews of a vhost's proxied paths for the given fix choices
 * (plan-preview.c): before = as configured now, after = with the planned
 * lines and settings.  Appends struct preview * (rules.h; free with
 * preview_free). */
void	 plan_previews(const struct cf_config *, struct cf_vhost *,
	    const struct plan_opts *, struct vec *out);

struct rendered {
	struct cf_file	*file;
	char		*text;		/* new content */
	size_t		 len;
};

/* Apply the plan's edits in memory, one struct rendered * per changed
 * file (in load order) into out.  Each result is re-parsed with the Httpd
 * lens; returns -1 with *err if one does not parse (a planner bug). */
int	 render_plan(const struct cf_config *, const struct plan *,
	    struct vec *out, char **err);
void	 rendered_free(void *);

#endif
