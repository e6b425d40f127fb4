/* wizard-explain.c: the diagnosis screen's "explain a URL", and what the
 * Host step says about ProxyPassReverse, both from the core's models (the
 * explain model and the planner) rather than from the screens. */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "explain.h"
#include "wizard.h"

char *
wizard_explain_url(const struct wizard *w)
{
	const struct cf_vhost	*v = w->vhost;
	const char		*name;

	if (v == NULL)
		return xstrdup("http://localhost/");
	name = v->server_name != NULL ? v->server_name : conf_vhost_name(v);
	/* its port when not the scheme's own: the request reaches it */
	if (v->port != 0 && v->port != (v->tls ? 443 : 80))
		return xasprintf("%s://%s:%d/", v->tls ? "https" : "http",
		    name, v->port);
	return xasprintf("%s://%s/", v->tls ? "https" : "http", name);
}

int
wizard_explain(const struct wizard *w, const char *url, struct buf *out,
    char **err)
{
	struct ex_request	 rq = { 0 };
	struct ex_result	 r;

	rq.url = url;
	if (explain_request(w->config, &rq, &r, err) != 0)
		return -1;
	explain_text(&r, out);
	explain_free(&r);
	return 0;
}

/* A line (len bytes) is a ProxyPassReverse directive. */
static int
wizard_edit_is_reverse(const char *line, size_t len)
{
	static const char	 kw[] = "ProxyPassReverse";

	while (len > 0 && (*line == ' ' || *line == '\t')) {
		line++;
		len--;
	}
	return len > sizeof kw - 1 && strncasecmp(line, kw, sizeof kw - 1) ==
	    0 && (line[sizeof kw - 1] == ' ' || line[sizeof kw - 1] == '\t');
}

int
wizard_host_reverse(const struct wizard *w, int preserve, struct vec *out)
{
	struct plan_opts	 o = w->choices.plan;
	struct wz_fix		 fix;
	const char		*s, *nl;

	if (w->vhost == NULL)
		return -1;
	o.preserve_host = preserve ? PLAN_ON : PLAN_OFF;
	if (wizard_fix_build(w->config, (struct cf_vhost *const *)w->batch.v,
	    1, &o, &fix) != 0) {
		wizard_fix_free(&fix);
		return -1;
	}
	/* the diff's added lines: what the fix writes, whole lines even
	 * where an edit replaces only the arguments */
	for (s = fix.diff.data != NULL ? fix.diff.data : ""; *s != '\0';
	    s = nl + 1) {
		size_t	len;

		nl = strchr(s, '\n');
		if (nl == NULL)
			nl = s + strlen(s);
		len = (size_t)(nl - s);
		if (len > 0 && s[len - 1] == '\r')
			len--;
		if (len > 1 && s[0] == '+' && s[1] != '+' &&
		    wizard_edit_is_reverse(s + 1, len - 1)) {
			const char	*p = s + 1;

			while (*p == ' ' || *p == '\t')
				p++;
			vec_push(out, xstrndup(p, len - (size_t)(p - s)));
		}
		if (*nl == '\0')
			break;
	}
	wizard_fix_free(&fix);
	return 0;
}
