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
# installed) the mean of a few runs.  Everything runs pinned to one core
# when taskset is there.  The temporary directory is removed at the end.
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
	$pin /usr/bin/time -v "$cc" fleet -f json -o "$T/out.json" "$T/fleet" \
		2>"$T/time" || { cat "$T/time" >&2; exit 1; }
	secs=$(sed -n 's/.*Elapsed (wall clock) time (h:mm:ss or m:ss): //p' "$T/time")
	rss=$(sed -n 's/.*Maximum resident set size (kbytes): //p' "$T/time")
	cpu=$(awk -F': ' '/User time|System time/ { t += $2 }
		END { printf "%.2f", t }' "$T/time")
	classes=$(grep -c '"id":' "$T/out.json" || true)
	echo "fleet: $secs wall, ${cpu} s CPU (user+sys; the figure that"\
		"counts on a busy machine), $rss KiB peak RSS, $classes classes"
	$pin /usr/bin/time -v "$cc" fleet -f json -o /dev/null "@$T/fleet.txt" \
		2>"$T/time" || { cat "$T/time" >&2; exit 1; }
	echo "fleet @list: $(sed -n 's/.*Elapsed (wall clock) time (h:mm:ss or m:ss): //p' "$T/time") wall"
	if command -v hyperfine >/dev/null 2>&1; then
		$pin hyperfine -N --warmup 1 --runs 3 \
			"$cc fleet -f json -o /dev/null $T/fleet"
	fi
	rm -rf "$T/fleet" "$T/fleet.txt" "$T/out.json"
done
