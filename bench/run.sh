#!/bin/sh
# `make bench`: time `cpucompat fleet` on synthetic fleets.
#
#   bench/run.sh FLEETGEN CPUCOMPAT FIXTURE_DIR N...
#
# For each N: bench/fleetgen writes N host dumps (the recorded CPUs of
# FIXTURE_DIR, varied as hosts of one model are: APIC IDs, stepping,
# microcode mitigations, TSX and AVX-512 turned off) into a temporary
# directory; then /usr/bin/time -v gives wall time and peak memory of one
# `cpucompat fleet -f json` over the directory, and hyperfine (when
# installed) the mean of a few runs.  Each fleet is held to issue 18's
# budget scaled to its size: 10 s of CPU per 100,000 hosts, 1 GB peak
# RSS, and over 20,000 files/s (CPU time includes classifying and the
# report, so files/s here is a lower bound of the loading rate).  Last,
# `check A B` of two recorded CPUs against /bin/true, as whole processes
# (bench/startup.sh; the target is 1.5x).  Everything runs pinned to one core
# when taskset is there.  The temporary directory is removed at the end.
# Per fleet also `matrix` by classes (text and JSON: time, peak RSS,
# output size); BENCH_PER_HOST=1 adds the per-host grid (--per-host),
# whose time and output grow with the square of the hosts.
set -eu
LC_ALL=C
export LC_ALL
[ $# -ge 4 ] || { echo "usage: $0 FLEETGEN CPUCOMPAT FIXTURE_DIR N..." >&2; exit 2; }
gen=$1 cc=$2 cpus=$3
shift 3
T=$(mktemp -d "${TMPDIR:-/tmp}/cpucompat-bench.XXXXXX")
trap 'rm -rf "$T"' EXIT
pin=
command -v taskset >/dev/null 2>&1 && pin="taskset -c 0"
for n in "$@"; do
	"$gen" -n "$n" -o "$T/fleet" -l "$T/fleet.txt" "$cpus"/*.json
	echo "== $n hosts ($(du -sh "$T/fleet" | cut -f1) of native JSON)"
	# one run first: the files were just written, and the first pass
	# pays for the page cache rather than for cpucompat
	"$cc" fleet -f json -o /dev/null "$T/fleet" >/dev/null 2>&1 || :
	$pin /usr/bin/time -v "$cc" fleet -f json -o "$T/out.json" "$T/fleet" \
		2>"$T/time" || { cat "$T/time" >&2; exit 1; }
	secs=$(sed -n 's/.*Elapsed (wall clock) time (h:mm:ss or m:ss): //p' "$T/time")
	rss=$(sed -n 's/.*Maximum resident set size (kbytes): //p' "$T/time")
	cpu=$(awk -F': ' '/User time|System time/ { t += $2 }
		END { printf "%.2f", t }' "$T/time")
	classes=$(grep -c '"id":' "$T/out.json" || true)
	echo "fleet: $secs wall, ${cpu} s CPU (user+sys; the figure that"\
		"counts on a busy machine), $rss KiB peak RSS, $classes classes"
	awk -v n="$n" -v cpu="$cpu" -v rss="$rss" 'BEGIN {
		budget = 10 * n / 100000; rate = cpu > 0 ? n / cpu : 0
		printf("target: %.2f s CPU <= %.2f s %s, %d KiB <= 1 GB %s, " \
		       "%.0f files/s > 20000 %s\n", cpu, budget,
		       (cpu <= budget ? "ok" : "OVER"), rss,
		       (rss <= 1048576 ? "ok" : "OVER"), rate,
		       (rate > 20000 ? "ok" : "UNDER")) }'
	$pin /usr/bin/time -v "$cc" fleet -f json -o /dev/null "@$T/fleet.txt" \
		2>"$T/time" || { cat "$T/time" >&2; exit 1; }
	echo "fleet @list: $(sed -n 's/.*Elapsed (wall clock) time (h:mm:ss or m:ss): //p' "$T/time") wall"
	if command -v hyperfine >/dev/null 2>&1; then
		$pin hyperfine -N --warmup 1 --runs 3 \
			"$cc fleet -f json -o /dev/null $T/fleet"
	fi
	# matrix by classes (the default) and, with BENCH_PER_HOST=1, the
	# per-host grid it replaces; exit 1 (some pair blocked) is expected
	for mode in "" ${BENCH_PER_HOST:+--per-host}; do
		for f in text json; do
			$pin /usr/bin/time -v "$cc" matrix $mode -f "$f" \
				-o "$T/matrix" "$T/fleet" 2>"$T/time" || :
			[ -s "$T/matrix" ] || { cat "$T/time" >&2; exit 1; }
			echo "matrix ${mode:-by class} -f $f:" \
				"$(sed -n 's/.*Elapsed (wall clock) time (h:mm:ss or m:ss): //p' "$T/time") wall," \
				"$(awk -F': ' '/User time|System time/ { t += $2 }
					END { printf "%.2f", t }' "$T/time") s CPU," \
				"$(sed -n 's/.*Maximum resident set size (kbytes): //p' "$T/time") KiB peak RSS," \
				"$(wc -c <"$T/matrix") bytes out"
			rm -f "$T/matrix"
		done
	done
	rm -rf "$T/fleet" "$T/fleet.txt" "$T/out.json"
done
# the same pair as issue 18's measurement when it is there
a="$cpus"/epyc-7502.json b="$cpus"/epyc-7713.json
[ -f "$a" ] && [ -f "$b" ] || { set -- "$cpus"/*.json; a=$1 b=$2; }
echo "== check A B against /bin/true (target: within 1.5x)"
sh "$(dirname "$0")/startup.sh" "$cc" "$a" "$b"
