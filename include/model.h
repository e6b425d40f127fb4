/* model.h: building the vhosts of struct cf_config (used by discover.c). */
#ifndef VHOSTFIX_MODEL_H
#define VHOSTFIX_MODEL_H

#include "conf.h"

/* Read <server_root>/envvars (Debian) into c->env. */
void		 model_read_envvars(struct cf_config *);
struct cf_vhost	*model_new_vhost(struct cf_config *, struct cf_node *);
void		 model_finish_vhost(struct cf_config *, struct cf_vhost *);

#endif
