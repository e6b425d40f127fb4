/* wizard-int.h: what the controller's files share (wizard.c: the walk,
 * wizard-batch.c: marks, site pairs and the batch's plan, wizard-done.c:
 * what follows a write, wizard-diag.c: the diagnosis in steps).  Layered in that order: wizard-batch.c uses
 * neither of the others, wizard.c uses wizard-batch.c.  Not for the
 * screens: they use wizard.h. */
#ifndef VHOSTFIX_WIZARD_INT_H
#define VHOSTFIX_WIZARD_INT_H

#include "wizard.h"

/* wizard-batch.c */
/* Note each vhost's site partner (w->partner), once per tree. */
void	 wizard_find_partners(struct wizard *);
/* v is one of the walk's vhosts. */
int	 wizard_in_batch(const struct wizard *, const struct cf_vhost *v);
/* Empty the batch; add v to it (once). */
void	 wizard_batch_clear(struct wizard *);
void	 wizard_batch_add(struct wizard *, struct cf_vhost *v);
/* A vhost of the batch proxies on TLS. */
int	 wizard_batch_tls(const struct wizard *);
/* The fix choices of batch member i: the common ones, its own Host
 * setting when the answer is "as each has it", its exception. */
void	 wizard_opts_of(const struct wizard *, size_t i, struct plan_opts *);
/* The batch's plan into out (free with plan_free). */
void	 wizard_batch_plan(struct wizard *, struct plan *out);

/* wizard-diag.c */
/* Start diagnosing the tree (w->config): every vhost unchecked, worst
 * -1, whether each proxies and its site partner noted at once. */
void	 wizard_diag_start(struct wizard *);
/* End the diagnosis now; vhosts not reached keep no findings. */
void	 wizard_diag_end(struct wizard *);
/* Free w->byvhost (each vhost's findings, made as the diagnosis ends). */
void	 wizard_byvhost_free(struct wizard *);

#endif
