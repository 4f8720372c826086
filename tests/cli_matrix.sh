#!/bin/sh
# matrix: by default a grid of classes (sources whose guests see the same
# CPUID) with a legend naming each class and its sources; --per-host the
# grid of every pair of sources, byte for byte as before classes
# (tests/expected/matrix-hosts*, written by matrix before it had classes);
# both give the same exit status; directories and @lists as input.
# CPUCOMPAT_UPDATE_EXPECTED=DIR writes the expected files into DIR instead
# of comparing (review the diff before committing).
. "${top_srcdir}/tests/setup.sh"

E=$top_srcdir/tests/expected

# golden NAME ARGS...: `cpucompat matrix ARGS` run in $CPUS (so that the
# sources are named as in the file) prints tests/expected/NAME
golden() {
	name=$1
	shift
	rc=0
	(cd "$CPUS" && "$CPUCOMPAT" matrix "$@") >"$T/$name" 2>"$T/err" ||
		rc=$?
	[ "$rc" = 1 ] || { cat "$T/err"; fail "matrix $*: exit $rc, not 1"; }
	if [ -n "${CPUCOMPAT_UPDATE_EXPECTED:-}" ]; then
		cp "$T/$name" "$CPUCOMPAT_UPDATE_EXPECTED/$name"
		return
	fi
	cmp -s "$E/$name" "$T/$name" || {
		diff -u "$E/$name" "$T/$name" | head -40
		fail "matrix $* differs from tests/expected/$name"
	}
}

# Intel and AMD, one host twice, a profile: 7 sources, 6 classes
set -- xeon-gold-6148.json xeon-platinum-8268.json cooperlake.json \
	epyc-7502.json epyc-7713.json xeon-gold-6148.json profile:x86-64-v3
golden matrix-hosts.txt --per-host "$@"
golden matrix-hosts.json --per-host -f json "$@"
golden matrix-hosts.csv --per-host -f csv "$@"
golden matrix-hosts-raw.txt --per-host --view raw "$@"
golden matrix-classes.txt "$@"
golden matrix-classes.json -f json "$@"
golden matrix-classes.csv -f csv "$@"
[ -z "${CPUCOMPAT_UPDATE_EXPECTED:-}" ] || exit 0

# ------------------------------------------------------------ classes
cd "$CPUS"
run "$CPUCOMPAT" matrix "$@"
expect_rc 1 "matrix of classes"
contains "$T/out" "^(7 sources in 6 classes of equal guest CPUID"
# row 0 (6148, twice): runs on the Intel hosts; row 1 (8268) not on 6148
contains "$T/out" "^    0  +++vv+$"
contains "$T/out" "^    1  -++vv+$"
contains "$T/out" "^    0  2 sources  Intel Xeon Gold 6148  \[runs profile:"
contains "$T/out" "^       xeon-gold-6148.json xeon-gold-6148.json$"
contains "$T/out" "^    5  1 source  x86-64-v3$"
contains "$T/out" "^19 of 36 class pairs can migrate, 26 of 49 source pairs"
run "$CPUCOMPAT" matrix --view raw "$@"
contains "$T/out" "^(7 sources in 6 classes of equal raw CPUID"
contains "$T/out" "^    0  2 sources  Intel(R) Xeon(R) Gold 6148 CPU @ 2.40GHz$"
run "$CPUCOMPAT" matrix -f csv "$@"
contains "$T/out" "^class,name,sources,0,1,2,3,4,5,members$"
contains "$T/out" "^0,Intel Xeon Gold 6148,2,yes,yes,yes,vendor,vendor,yes,xeon-gold-6148.json xeon-gold-6148.json$"
[ "$(wc -l <"$T/out")" = 7 ] || fail "class csv is not 7 lines"
run "$CPUCOMPAT" matrix -f json "$@"
contains "$T/out" '"sources": 7,'
contains "$T/out" '{"id": 0, "name": "Intel Xeon Gold 6148", .*"count": 2, "hosts": \["xeon-gold-6148.json", "xeon-gold-6148.json"\]}'
# 6 classes: 6 rows of 6 cells
[ "$(grep -c '^    \[[0-9]*\(,[0-9]*\)\{5\}\],\{0,1\}$' "$T/out")" = 6 ] ||
	fail "class JSON has not 6 rows of 6 cells"

# every source pair: the class cell is the per-host cell
"$CPUCOMPAT" matrix -f csv --per-host "$@" >"$T/hosts.csv" || :
"$CPUCOMPAT" matrix -f csv "$@" >"$T/classes.csv" || :
awk -F, 'NR == FNR { if (FNR > 1) { n = split($NF, m, " ")
		for (x = 1; x <= n; x++) if (!(m[x] in cls)) cls[m[x]] = $1
		for (j = 4; j < NF; j++) cell[$1, j - 4] = $j }; next }
	FNR == 1 { for (j = 2; j <= NF; j++) col[j] = $j; next }
	{ for (j = 2; j <= NF; j++)
		if ($j != cell[cls[$1], cls[col[j]]]) {
			print $1 " -> " col[j] ": " $j; bad = 1 } }
	END { exit bad }' "$T/classes.csv" "$T/hosts.csv" ||
	fail "a class cell differs from its hosts' cell"

# the exit status: 0 when every pair can migrate, in both modes
run "$CPUCOMPAT" matrix xeon-gold-6148.json xeon-gold-6148.json
expect_rc 0 "matrix of one class"
contains "$T/out" "^1 of 1 class pairs can migrate, 4 of 4 source pairs"
run "$CPUCOMPAT" matrix --per-host xeon-gold-6148.json xeon-gold-6148.json
expect_rc 0 "per-host matrix of one host twice"

# ------------------------------------------------- directories and lists
mkdir "$T/fleet"
cp xeon-gold-6148.json "$T/fleet/a.json"
cp xeon-gold-6148.json "$T/fleet/b.json"
cp epyc-7502.json "$T/fleet/c.json"
printf '# a list\n%s\n\n%s\n' "$T/fleet/c.json" "$T/fleet/a.json" >"$T/list"
run "$CPUCOMPAT" matrix "$T/fleet"
expect_rc 1 "matrix of a directory"
contains "$T/out" "^(3 sources in 2 classes"
contains "$T/out" "^       $T/fleet/a.json $T/fleet/b.json$"
run "$CPUCOMPAT" matrix --per-host -f csv "@$T/list"
expect_rc 1 "per-host matrix of a list"
[ "$(sed -n 1p "$T/out")" = "guest\\host,$T/fleet/c.json,$T/fleet/a.json" ] ||
	fail "list order: $(sed -n 1p "$T/out")"
run "$CPUCOMPAT" matrix - <xeon-gold-6148.json
expect_rc 0 "matrix of standard input"
contains "$T/out" "^       -$"

# ------------------------------------------------------------- errors
mkdir "$T/empty"
run "$CPUCOMPAT" matrix "$T/empty"
expect_rc 2 "matrix of an empty directory"
contains "$T/err" "empty: the directory holds no host files"
run "$CPUCOMPAT" matrix - -
expect_rc 2 "stdin twice"
contains "$T/err" "only one source can be standard input"
run "$CPUCOMPAT" matrix "@$T/missing"
expect_rc 2 "missing list"
contains "$T/err" "missing"
run "$CPUCOMPAT" matrix xeon-gold-6148.json "$T/missing.json"
expect_rc 2 "missing source"
contains "$T/err" "missing.json: cannot open"
[ ! -s "$T/out" ] || fail "errors print nothing on stdout"
