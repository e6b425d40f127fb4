/* verify.c: a fix proved on the running Apache (verify.h).
 *
 * libcurl rather than a hand-made HTTP client: TLS with SNI for the
 * site's name while connecting to the address Apache listens on
 * (CURLOPT_CONNECT_TO), and bounded timeouts, are its everyday work.
 * A graceful reload lets the old children finish their requests, so a
 * round of checks that fails is asked again until wait_ms has passed:
 * only a difference that stays is reported. */
#include "config.h"

#include <curl/curl.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include "proxy.h"
#include "rules.h"
#include "verify.h"

void
vf_check_free(void *p)
{
	struct vf_check	*c = p;

	if (c == NULL)
		return;
	free(c->what);
	free(c->want);
	free(c->got);
	free(c);
}

/* One answer, as far as the checks need it. */
struct vf_answer {
	long	 status;
	char	*location;
	char	*server;
	char	*error;		/* the request failed: why */
	char	*cert_error;	/* the certificate does not name the site */
};

static void
vf_answer_free(struct vf_answer *a)
{
	free(a->location);
	free(a->server);
	free(a->error);
	free(a->cert_error);
	memset(a, 0, sizeof *a);
}

static size_t
vf_discard(char *p, size_t size, size_t n, void *arg)
{
	(void)p;
	(void)arg;
	return size * n;
}

static size_t
vf_header(char *p, size_t size, size_t n, void *arg)
{
	struct vf_answer	*a = arg;
	size_t			 len = size * n, k = 0;
	char			**slot = NULL;

	if (len > 9 && strncasecmp(p, "Location:", 9) == 0) {
		slot = &a->location;
		k = 9;
	} else if (len > 7 && strncasecmp(p, "Server:", 7) == 0) {
		slot = &a->server;
		k = 7;
	}
	if (slot != NULL) {
		size_t	e = len;

		while (k < e && (p[k] == ' ' || p[k] == '\t'))
			k++;
		while (e > k && (p[e - 1] == '\r' || p[e - 1] == '\n' ||
		    p[e - 1] == ' '))
			e--;
		free(*slot);
		*slot = xstrndup(p + k, e - k);
	}
	return len;
}

/* With check_name, a certificate that does not name the URL's host
 * (libcurl checks the name apart from the chain) is cert_error, and the
 * request is made again without the check. */
static void
vf_get(const char *url, const char *connect_to, int timeout_ms,
    int check_name, struct vf_answer *a)
{
	CURL			*h = curl_easy_init();
	struct curl_slist	*ct = NULL;
	CURLcode		 rc;
	char			 eb[CURL_ERROR_SIZE] = "";

	memset(a, 0, sizeof *a);
	if (h == NULL) {
		a->error = xstrdup("libcurl could not start");
		return;
	}
	ct = curl_slist_append(ct, connect_to);
	curl_easy_setopt(h, CURLOPT_URL, url);
	curl_easy_setopt(h, CURLOPT_CONNECT_TO, ct);
	curl_easy_setopt(h, CURLOPT_PROXY, "");
	curl_easy_setopt(h, CURLOPT_NOSIGNAL, 1L);
	curl_easy_setopt(h, CURLOPT_TIMEOUT_MS, (long)timeout_ms);
	curl_easy_setopt(h, CURLOPT_CONNECTTIMEOUT_MS, (long)timeout_ms);
	curl_easy_setopt(h, CURLOPT_SSL_VERIFYPEER, 0L);
	curl_easy_setopt(h, CURLOPT_SSL_VERIFYHOST, check_name ? 2L : 0L);
	curl_easy_setopt(h, CURLOPT_ERRORBUFFER, eb);
	curl_easy_setopt(h, CURLOPT_FOLLOWLOCATION, 0L);
	curl_easy_setopt(h, CURLOPT_USERAGENT, "vhostfix-verify");
	curl_easy_setopt(h, CURLOPT_HEADERFUNCTION, vf_header);
	curl_easy_setopt(h, CURLOPT_HEADERDATA, a);
	curl_easy_setopt(h, CURLOPT_WRITEFUNCTION, vf_discard);
	rc = curl_easy_perform(h);
	if (rc == CURLE_PEER_FAILED_VERIFICATION && check_name) {
		curl_slist_free_all(ct);
		curl_easy_cleanup(h);
		vf_get(url, connect_to, timeout_ms, 0, a);
		a->cert_error = xstrdup(eb[0] != '\0' ? eb :
		    curl_easy_strerror(rc));
		return;
	}
	if (rc != CURLE_OK)
		a->error = xstrdup(curl_easy_strerror(rc));
	else
		curl_easy_getinfo(h, CURLINFO_RESPONSE_CODE, &a->status);
	curl_slist_free_all(ct);
	curl_easy_cleanup(h);
}

/* "scheme://host[:port]" of an absolute URL, lowercase, without the
 * scheme's default port; NULL for a relative one.  Caller frees. */
static char *
vf_origin(const char *url)
{
	const char	*p = strstr(url, "://"), *e;
	char		*o, *q;
	size_t		 n;
	int		 tls;

	if (p == NULL || p == url)
		return NULL;
	tls = strncasecmp(url, "https", 5) == 0;
	e = p + 3 + strcspn(p + 3, "/?#");
	o = xstrndup(url, (size_t)(e - url));
	for (q = o; *q != '\0'; q++)
		if (*q >= 'A' && *q <= 'Z')
			*q = (char)(*q - 'A' + 'a');
	n = strlen(o);
	if (!tls && n > 3 && strcmp(o + n - 3, ":80") == 0)
		o[n - 3] = '\0';
	else if (tls && n > 4 && strcmp(o + n - 4, ":443") == 0)
		o[n - 4] = '\0';
	return o;
}

/* Where Apache listens for the vhost: "127.0.0.1" for "*" and
 * "_default_", else the address as written; the port from the address,
 * else the scheme's. */
static void
vf_listener(const struct cf_vhost *v, char **host, int *port)
{
	const char	*a = v->naddrs > 0 ? v->addrs[0] : "*";
	const char	*colon;

	*port = v->tls ? 443 : 80;
	if (*a == '[')
		colon = strstr(a, "]:") != NULL ? strstr(a, "]:") + 1 : NULL;
	else
		colon = strrchr(a, ':');
	if (colon != NULL && atoi(colon + 1) > 0)
		*port = atoi(colon + 1);
	*host = colon != NULL ? xstrndup(a, (size_t)(colon - a)) :
	    xstrdup(a);
	if (strcmp(*host, "*") == 0 || strcasecmp(*host, "_default_") == 0) {
		free(*host);
		*host = xstrdup("127.0.0.1");
	}
}

static void
vf_add(struct vec *out, const char *what, int ok, const char *want,
    const char *got)
{
	struct vf_check	*c = xcalloc(1, sizeof *c);

	c->what = xstrdup(what);
	c->ok = ok;
	c->want = xstrdup(want);
	c->got = xstrdup(got != NULL ? got : "(nothing)");
	vec_push(out, c);
}

/* One round: every proxied path once.  Returns the failures. */
static int
vf_round(const struct cf_config *c, struct cf_vhost *v,
    const struct plan_opts *o, const struct vf_opts *vo, struct vec *out,
    int *answered)
{
	struct px_vhost	 px;
	struct vec	 pv = { 0 };
	const char	*name = px_host_name(v);
	const char	*scheme = v->tls ? "https" : "http";
	char		*lhost, *connect_to, hostport[16] = "";
	int		 lport, failed = 0, hide, cert;
	size_t		 i, k = 0;

	px_vhost_build(c, v, &px);
	plan_previews(c, v, o, &pv);
	vf_listener(v, &lhost, &lport);
	if (lport != (v->tls ? 443 : 80))
		snprintf(hostport, sizeof hostport, ":%d", lport);
	connect_to = xasprintf("%s:%d:%s:%d", name, lport, lhost, lport);
	hide = px.hide_server != NULL || (o->hide_server == PLAN_ON &&
	    conf_has_module(c, "headers_module"));
	*answered = 0;
	/* A TLS site's certificate must name it, or browsers refuse it;
	 * asked once, with the first request. */
	cert = v->tls && (v->server_name != NULL || v->naliases > 0);
	for (i = 0; i < px.passes.n && k < 8; i++) {
		const struct px_pass	*pp = px.passes.v[i];
		const struct preview	*pw = NULL;
		struct vf_answer	 a;
		char			*url, *what, *got, *want, *lo, *po;
		size_t			 j;
		int			 dup = 0;

		if (pp->server_level || pp->url.scheme != PX_HTTP ||
		    pp->url.bad_syntax)
			continue;
		/* the previews follow the same passes in the same order */
		pw = k < pv.n ? pv.v[k] : NULL;
		k++;
		for (j = 0; j < i; j++)
			if (strcmp(((const struct px_pass *)
			    px.passes.v[j])->path, pp->path) == 0)
				dup = 1;
		if (dup)
			continue;
		url = xasprintf("%s://%s%s%s", scheme, name, hostport,
		    *pp->path == '/' ? pp->path : "/");
		vf_get(url, connect_to, vo->timeout_ms, cert, &a);
		if (cert && a.error == NULL) {
			what = xasprintf("Certificate for %s", url);
			want = xasprintf("a certificate naming %s (its chain "
			    "is not checked)", name);
			got = xasprintf("names %s", name);
			vf_add(out, what, a.cert_error == NULL, want,
			    a.cert_error != NULL ? a.cert_error : got);
			failed += a.cert_error != NULL;
			cert = 0;
			free(what);
			free(want);
			free(got);
		}
		what = xasprintf("GET %s (through %s:%d)", url, lhost, lport);
		if (a.error != NULL) {
			vf_add(out, what, 0, "an answer from Apache",
			    a.error);
			failed++;
			free(what);
			free(url);
			vf_answer_free(&a);
			continue;
		}
		*answered = 1;
		got = xasprintf("%ld", a.status);
		vf_add(out, what, a.status > 0 && a.status < 500,
		    "a status below 500 (the backend reached)", got);
		failed += !(a.status > 0 && a.status < 500);
		free(got);
		free(what);
		if (a.location != NULL && pw != NULL) {
			const char	*pred = pw->visitor_after != NULL ?
					    pw->visitor_after :
					    pw->visitor_before;

			po = vf_origin(pred);
			lo = vf_origin(a.location);
			what = xasprintf("Location for %s", url);
			want = xasprintf("on %s (predicted %s)",
			    po != NULL ? po : "the site", pred);
			/* a relative Location stays on the site */
			vf_add(out, what, lo == NULL || (po != NULL &&
			    strcmp(lo, po) == 0), want, a.location);
			failed += !(lo == NULL || (po != NULL &&
			    strcmp(lo, po) == 0));
			free(what);
			free(want);
			free(po);
			free(lo);
		}
		if (hide) {
			int	prod = px.server_tokens_prod ||
				    o->server_tokens_prod == PLAN_ON;
			int	ok = a.server != NULL && (prod ?
				    strcmp(a.server, "Apache") == 0 :
				    strncmp(a.server, "Apache", 6) == 0);

			what = xasprintf("Server for %s", url);
			vf_add(out, what, ok, prod ? "Apache" :
			    "Apache's own (the backend's removed)", a.server);
			failed += !ok;
			free(what);
		}
		free(url);
		vf_answer_free(&a);
	}
	free(connect_to);
	free(lhost);
	vec_free_all(&pv, preview_free);
	px_vhost_free(&px);
	return failed;
}

static long
vf_now_ms(void)
{
	struct timespec	ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

int
verify_vhost(const struct cf_config *c, struct cf_vhost *v,
    const struct plan_opts *o, const struct vf_opts *vo, struct vec *out,
    char **err)
{
	static int		 curl_ready;
	struct vf_opts		 opts = { 3000, 10000 };
	struct plan_opts	 keep;
	struct vec		 round = { 0 };
	struct timespec		 pause = { 0, 300 * 1000 * 1000 };
	long			 deadline;
	int			 failed, answered;

	if (vo != NULL && vo->timeout_ms > 0)
		opts.timeout_ms = vo->timeout_ms;
	if (vo != NULL && vo->wait_ms > 0)
		opts.wait_ms = vo->wait_ms;
	if (o == NULL) {
		keep.preserve_host = PLAN_KEEP;
		keep.forwarded_proto = PLAN_OFF;
		keep.hide_server = PLAN_OFF;
		keep.server_tokens_prod = PLAN_OFF;
		o = &keep;
	}
	if (!curl_ready) {
		if (curl_global_init(CURL_GLOBAL_DEFAULT) != CURLE_OK) {
			*err = xstrdup("libcurl could not start");
			return -1;
		}
		curl_ready = 1;
	}
	deadline = vf_now_ms() + opts.wait_ms;
	for (;;) {
		vec_free_all(&round, vf_check_free);
		failed = vf_round(c, v, o, &opts, &round, &answered);
		if (failed == 0 || vf_now_ms() >= deadline)
			break;
		nanosleep(&pause, NULL);
	}
	if (!answered && round.n > 0) {
		const struct vf_check	*first = round.v[0];

		*err = xasprintf("Apache does not answer for %s: %s",
		    conf_vhost_name(v), first->got);
		vec_free_all(&round, vf_check_free);
		return -1;
	}
	for (size_t i = 0; i < round.n; i++)
		vec_push(out, round.v[i]);
	vec_free(&round);
	return failed;
}
