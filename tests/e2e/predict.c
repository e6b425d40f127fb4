/* predict.c: the redirect model's prediction for every vhost of a tree,
 * for tests/e2e-redirect-matrix.sh to compare with what curl receives.
 *
 *	predict ROOT CONFIG [CLIENT_XFP]
 *
 * prints "SERVERNAME REQUEST VISITOR_LOCATION HARM" for each proxied path
 * of each vhost (HARM: the enum rd_harm number), for a visitor who sends
 * X-Forwarded-Proto CLIENT_XFP (none when absent). */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>

#include "conf.h"
#include "redirect.h"

int
main(int argc, char **argv)
{
	struct cf_opts		 co = { 0 };
	struct cf_config	*c;
	char			*err;
	size_t			 i, j;

	if (argc < 3) {
		fprintf(stderr, "usage: predict ROOT CONFIG [CLIENT_XFP]\n");
		return 2;
	}
	co.root = argv[1];
	co.config = argv[2];
	if (conf_load(&co, &c, &err) != 0) {
		fprintf(stderr, "predict: %s\n", err);
		return 1;
	}
	for (i = 0; i < c->vhosts.n; i++) {
		struct cf_vhost	*v = c->vhosts.v[i];
		struct px_vhost	 px;

		if (v->server_name == NULL)
			continue;
		px_vhost_build(c, v, &px);
		for (j = 0; j < px.passes.n; j++) {
			const struct px_pass	*pp = px.passes.v[j];
			struct rd_opts		 o;
			struct rd_redirect	 r;

			if (pp->server_level)
				continue;
			redirect_opts_init(&px, &o);
			o.client_xfp = argc > 3 ? argv[3] : NULL;
			if (redirect_predict(&px, pp, &o, &r) != 0)
				continue;
			printf("%s %s %s %d\n", v->server_name, r.request,
			    r.visitor_location, (int)r.harm);
			redirect_free(&r);
		}
		px_vhost_free(&px);
	}
	conf_free(c);
	return 0;
}
