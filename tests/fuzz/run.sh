#!/bin/sh
# Run libFuzzer targets: `make fuzz` (long runs) and tests/fuzz_smoke.sh
# (a few seconds each) call this.
#
#   run.sh SECONDS JOBS OUTDIR SRCDIR FUZZER...
#
# Each FUZZER (a built tests/fuzz/fuzz-TARGET binary) runs for SECONDS with
# the seeds and reproducers of SRCDIR/tests/fuzz as read-only corpora, its
# dictionary, and OUTDIR/TARGET/ for the corpus it grows, its log and any
# crash-*, leak-*, timeout-* or oom-* artifact; JOBS targets at a time.
# Prints each target's executions and final coverage line; exits 1 when a
# target found something (the artifact is named).
set -u
secs=$1 jobs=$2 out=$3 src=$4
shift 4

one() {
	bin=$1
	t=${bin##*/fuzz-}
	d=$out/$t
	mkdir -p "$d/corpus"
	set -- "$d/corpus" "$src/tests/fuzz/seeds/$t"
	[ -d "$src/tests/fuzz/regress/$t" ] && set -- "$@" "$src/tests/fuzz/regress/$t"
	[ -f "$src/tests/fuzz/dict/$t.dict" ] && set -- -dict="$src/tests/fuzz/dict/$t.dict" "$@"
	rc=0
	"$bin" -max_total_time="$secs" -timeout=10 -rss_limit_mb=2048 \
		-print_final_stats=1 -artifact_prefix="$d/" "$@" \
		>"$d/log" 2>&1 || rc=$?
	execs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$d/log")
	final=$(grep -E '^#[0-9]+[[:space:]]+DONE' "$d/log" | tail -1)
	if [ "$rc" -ne 0 ]; then
		echo "FAIL $t (exit $rc): $(ls "$d" | grep -E '^(crash|leak|timeout|oom|slow-unit)-' | sed "s|^|$d/|" | tr '\n' ' ')"
		grep -E 'ERROR|SUMMARY|invariant|runtime error' "$d/log" | head -5
		return 1
	fi
	echo "ok   $t: ${execs:-?} executions in ${secs}s; ${final:-no final line}"
}

status=0
while [ $# -gt 0 ]; do
	pids=
	n=0
	while [ $# -gt 0 ] && [ "$n" -lt "$jobs" ]; do
		one "$1" >"$out/.result.$n" &
		pids="$pids $!"
		n=$((n + 1))
		shift
	done
	i=0
	for p in $pids; do
		wait "$p" || status=1
		cat "$out/.result.$i"
		rm -f "$out/.result.$i"
		i=$((i + 1))
	done
done
exit $status
