/* check.h: the unit tests' one assertion.  CHECK(c) reports a false c
 * with its file and line and counts it in failures; main returns 1 when
 * any failed. */
#ifndef VHOSTFIX_TESTS_CHECK_H
#define VHOSTFIX_TESTS_CHECK_H

#include <stdio.h>

static int	failures;

#define CHECK(c) do {							\
	if (!(c)) {							\
		fprintf(stderr, "%s:%d: check failed: %s\n", __FILE__,	\
		    __LINE__, #c);					\
		failures++;						\
	}								\
} while (0)

#endif
