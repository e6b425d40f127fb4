/* list-rules.c: print the rule registry, one "ID SEVERITY FIX SUMMARY"
 * line per rule (FIX: auto or hand), for tests/rules-doc.sh to hold the
 * man page and README.md against. */
#include "config.h"

#include <stdio.h>

#include "rules.h"

int
main(void)
{
	size_t	i;

	for (i = 0; i < rules_count; i++) {
		const struct rule	*r = rules_table[i];

		printf("%s %s %s %s\n", r->id, sev_name(r->sev),
		    r->fix == RULE_FIX_AUTO ? "auto" : "hand", r->summary);
	}
	return 0;
}
