/*
 * Helpers shared by the Check suites (tests/check_*.c), linked into each
 * of them from check_common.c: building small sets by hand, and loading
 * the project's own fixtures — the hand-made format files in tests/data
 * and the recorded CPUs in tests/data/cpus (native JSON, see the README
 * there) — and running a suite from main().  Nothing here reads outside
 * the source tree.  Every helper but cct_run fails the running test
 * (ck_assert) instead of returning an error, so call them from inside a
 * START_TEST or a checked fixture only.
 */
#ifndef CHECK_COMMON_H
#define CHECK_COMMON_H

#include <check.h>
#include <stddef.h>
#include <stdint.h>

#include "cpuid_set.h"

#ifndef TOP_SRCDIR
#define TOP_SRCDIR "."
#endif

/* The leaf-0 vendor registers (EBX, ECX, EDX) of the two large vendors. */
#define CCT_INTEL_B 0x756e6547u /* "Genu" */
#define CCT_INTEL_C 0x6c65746eu /* "ntel" */
#define CCT_INTEL_D 0x49656e69u /* "ineI" */
#define CCT_AMD_B 0x68747541u   /* "Auth" */
#define CCT_AMD_C 0x444d4163u   /* "cAMD" */
#define CCT_AMD_D 0x69746e65u   /* "enti" */

/*
 * Insert the one-subleaf entry (LEAF, SUB) into S with registers A, B, C,
 * D (all known) and return it; the test fails when S already has it.  The
 * pointer is valid until the next insert.
 */
struct cc_leaf *cct_put(struct cc_set *s, uint32_t leaf, uint32_t sub,
			uint32_t a, uint32_t b, uint32_t c, uint32_t d);

/* cc_set_finish(S); the test fails with its message when S is refused. */
void cct_finish(struct cc_set *s);

/* "TOP_SRCDIR/tests/data/FILE", in a static buffer (overwritten by the
 * next call). */
const char *cct_data_path(const char *file);

/*
 * The recorded CPU tests/data/cpus/NAME.json (NAME without ".json", e.g.
 * "xeon-gold-6148"), loaded as the command line would load it; the test
 * fails when it is missing or does not load.  The caller frees it.
 */
struct cc_set *cct_cpu(const char *name);

/*
 * Every recorded CPU of tests/data/cpus, in file-name order, into *OUT (an
 * array the caller frees with cct_free_sets); returns how many.  The test
 * fails when the directory cannot be read, holds no CPU, or a file does
 * not load.
 */
size_t cct_load_cpus(struct cc_set ***out);

/* Free N sets and the array SETS holding them (either may be empty). */
void cct_free_sets(struct cc_set **sets, size_t n);

/* Run every test of S (CK_NORMAL; CK_FORK, CK_RUN_CASE... honoured) and
 * free it: what main() returns, EXIT_SUCCESS when no test failed, else
 * EXIT_FAILURE. */
int cct_run(Suite *s);

#endif
