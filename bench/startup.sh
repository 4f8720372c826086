#!/bin/sh
# `make bench-startup` (and the end of `make bench`): `cpucompat check A B`
# as a whole process against /bin/true; issue 18's target is within 1.5x.
#
#   bench/startup.sh CPUCOMPAT A.json B.json [ROUNDS [RUNS]]
#
# A migration gate runs `check` once per migration, so its cost is mostly
# start-up: exec, the dynamic loader, relocations, the first page faults.
# hyperfine -N times ROUNDS rounds (default 5) of RUNS runs (default 200)
# of each command, the two alternating, so that load from other processes
# on a shared machine falls on both alike; each round gives the ratio of
# medians, and the script prints every round and the median of the
# rounds' ratios.  Exit status 1 of `check` (an incompatible pair) is
# fine (hyperfine -i).  Pinned to one core when taskset is there.  Prints
# the relocation count of CPUCOMPAT too (readelf), the cause measured
# when this was written.  Exits 0 whatever the ratio: it reports.
set -eu
LC_ALL=C
export LC_ALL
[ $# -ge 3 ] || {
	echo "usage: $0 CPUCOMPAT A.json B.json [ROUNDS [RUNS]]" >&2
	exit 2
}
cc=$1 a=$2 b=$3 rounds=${4:-5} runs=${5:-200}
command -v hyperfine >/dev/null 2>&1 || {
	echo "startup: hyperfine is not installed; skipped"
	exit 0
}
T=$(mktemp -d "${TMPDIR:-/tmp}/cpucompat-startup.XXXXXX")
trap 'rm -rf "$T"' EXIT
pin=
command -v taskset >/dev/null 2>&1 && pin="taskset -c 0"
if command -v readelf >/dev/null 2>&1; then
	relocs=$(readelf -rW "$cc" | grep -c 'R_X86_64_' || :)
	relr=$(readelf -SW "$cc" | grep -c '\.relr\.dyn' || :)
	type=$(readelf -hW "$cc" | sed -n 's/.*Type: *\([A-Z]*\).*/\1/p')
	[ "$relr" -gt 0 ] && relr=" + packed RELR" || relr=
	echo "startup: $cc is $type, $relocs RELA relocations$relr"
fi
echo "startup: check $(basename "$a") $(basename "$b") vs /bin/true," \
	"$rounds rounds of $runs runs (target: within 1.5x)"
r=1
while [ "$r" -le "$rounds" ]; do
	$pin hyperfine -N -i --warmup 20 --runs "$runs" \
		--export-json "$T/r$r.json" /bin/true "$cc check $a $b" \
		>/dev/null 2>&1 || {
		echo "startup: hyperfine failed" >&2
		exit 1
	}
	# one "median" per command, in order; user+sys for CPU
	tr ',{}' '\n\n\n' <"$T/r$r.json" | awk -F': ' -v r="$r" '
		/"command"/ { c++ } /"median"/ { m[c] = $2 }
		/"user"/ { u[c] = $2 } /"system"/ { s[c] = $2 }
		END { printf "round %d: /bin/true %.3f ms, check %.3f ms: " \
			     "%.2fx (CPU %.2fx)\n", r, m[1] * 1000, m[2] * 1000,
			     m[2] / m[1], (u[2] + s[2]) / (u[1] + s[1]) }' |
		tee -a "$T/rounds"
	r=$((r + 1))
done
sed 's/.*: \([0-9.]*\)x (CPU.*/\1/' "$T/rounds" | sort -n | awk '
	{ v[NR] = $1 }
	END { m = (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2
	      printf "startup: median ratio %.2fx of /bin/true: %s\n", m,
		     (m <= 1.5 ? "ok (<= 1.5x)" : "OVER 1.5x") }'
