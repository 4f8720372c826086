/*
 * One libFuzzer binary per target: FUZZ_TARGET (a name from
 * fuzz_targets.c) is set at compile time.  `make fuzz` runs them all.
 */
#include "config.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

#include "fuzz_targets.h"

#ifndef FUZZ_TARGET
#error "FUZZ_TARGET must name a fuzz target"
#endif

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const struct fuzz_target *t;

	if (t == NULL) {
		t = fuzz_find(FUZZ_TARGET);
		if (t == NULL) {
			fprintf(stderr, "no fuzz target %s\n", FUZZ_TARGET);
			abort();
		}
	}
	t->run(data, size);
	return 0;
}
