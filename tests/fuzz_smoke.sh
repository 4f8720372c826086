#!/bin/sh
# A short libFuzzer run of every fuzz target (a few seconds each; set
# CPUCOMPAT_FUZZ_SECONDS to change it).  Skipped (77) when configure found
# no libFuzzer, i.e. $CC is not clang: the reproducers and seeds are
# replayed by tests/fuzz/fuzz-replay in every build regardless.
. "${top_srcdir}/tests/setup.sh"

[ -n "${CPUCOMPAT_FUZZERS:-}" ] ||
	skip "no libFuzzer targets (configure with CC=clang to build them)"
for f in $CPUCOMPAT_FUZZERS; do
	[ -x "$f" ] || fail "$f is not built"
done
# shellcheck disable=SC2086 # one word per fuzzer
"$top_srcdir/tests/fuzz/run.sh" "${CPUCOMPAT_FUZZ_SECONDS:-2}" 1 "$T" \
	"$top_srcdir" $CPUCOMPAT_FUZZERS || fail "a fuzz target found a bug"
