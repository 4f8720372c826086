/*
 * The fuzz targets: one function per parser, each taking arbitrary bytes.
 * libFuzzer binaries (fuzz_main.c) call one of them per input; the replay
 * driver (replay.c) calls them on the files under tests/fuzz/regress and
 * tests/fuzz/seeds in every `make check`, built with any compiler.  A
 * target never fails on bad input (that is the parser's business); it
 * aborts when an invariant breaks: a failed read without a one-line
 * message, a set that is not sorted, a native dump that does not read back
 * byte for byte.
 */
#ifndef FUZZ_TARGETS_H
#define FUZZ_TARGETS_H

#include <stddef.h>
#include <stdint.h>

struct fuzz_target {
	const char *name; /* a format name (fmt.h), or "defs" */
	void (*run)(const uint8_t *data, size_t size);
};

/* NULL-terminated (name NULL). */
extern const struct fuzz_target fuzz_targets[];

const struct fuzz_target *fuzz_find(const char *name);

#endif
