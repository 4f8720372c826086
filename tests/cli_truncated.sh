#!/bin/sh
# Truncated input is bad input: a dump whose leaf 0 or 0x80000000 announces
# leaves the file does not reach (a copy cut short) exits 2 naming the file
# and the first missing leaf; formats that omit leaves by nature, and every
# recorded CPU, still load.
. "${top_srcdir}/tests/setup.sh"
D=$top_srcdir/tests/data
cd "$T"

# truncated NAME FILE MESSAGE: `dump FILE` exits 2 with exactly MESSAGE
truncated() {
	run "$CPUCOMPAT" dump "$2"
	expect_rc 2 "$1"
	[ ! -s "$T/out" ] || fail "$1: printed a dump"
	printf 'cpucompat: %s\n' "$3" >"$T/want"
	diff "$T/want" "$T/err" || fail "$1: wrong message"
}

# --- cpuid -r cut after 20 lines: inside leaf 0xD, before the extended range
head -n 20 "$D/cpuid-r-single.txt" >cut20.txt
truncated "cpuid -r cut in the basic range" cut20.txt \
	"cut20.txt: truncated: leaf 0x0000000e is missing, though leaf 0x00000000 announces leaves up to 0x00000016"
# cut after 25 lines: inside the extended range
head -n 25 "$D/cpuid-r-single.txt" >cut25.txt
truncated "cpuid -r cut in the extended range" cut25.txt \
	"cut25.txt: truncated: leaf 0x80000003 is missing, though leaf 0x80000000 announces leaves up to 0x80000008"
# the whole file loads (its gaps before 0x16 and 0x80000008 are abridging,
# not a cut: the file goes on to the end of its last range)
"$CPUCOMPAT" dump "$D/cpuid-r-single.txt" >full.json || fail "whole file"

# --- native JSON made here, cut after leaf 0x80000002 (and closed again)
sed '/"0x80000002"/q' full.json | sed '$ s/,$//' >cut.json
printf '  ]\n}\n' >>cut.json
truncated "native JSON cut in the extended range" cut.json \
	"cut.json: truncated: leaf 0x80000003 is missing, though leaf 0x80000000 announces leaves up to 0x80000008"
# the same cut before the extended range: the basic range is judged
sed '/"0x0000000d", "subleaf": 1,/q' full.json | sed '$ s/,$//' >cutb.json
printf '  ]\n}\n' >>cutb.json
truncated "native JSON cut in the basic range" cutb.json \
	"cutb.json: truncated: leaf 0x0000000e is missing, though leaf 0x00000000 announces leaves up to 0x00000016"

# --- AMD: 0x8000001D may be absent from a real capture (a CPU without its
# caches prints none), so the first missing leaf past it is named
sed '/"0x8000001c"/q' "$D/cpus/epyc-7601.json" | sed '$ s/,$//' >amd.json
printf '  ]\n}\n' >>amd.json
truncated "AMD dump cut before 0x8000001D" amd.json \
	"amd.json: truncated: leaf 0x8000001e is missing, though leaf 0x80000000 announces leaves up to 0x8000001f"

# --- formats that list chosen leaves are exempt: the same two leaves load
# as a Cloud Hypervisor CpuIdEntry list, not as a cpuid -r dump
cat >two.json <<'EOF'
[{"function": 0, "index": 0, "flags": 0, "eax": 13, "ebx": 1970169159, "ecx": 1818588270, "edx": 1231384169},
 {"function": 7, "index": 0, "flags": 1, "eax": 0, "ebx": 1, "ecx": 0, "edx": 0}]
EOF
run "$CPUCOMPAT" dump two.json
expect_rc 0 "CpuIdEntry list with two leaves"
cat >two.txt <<'EOF'
CPU:
   0x00000000 0x00: eax=0x0000000d ebx=0x756e6547 ecx=0x6c65746e edx=0x49656e69
   0x00000007 0x00: eax=0x00000000 ebx=0x00000001 ecx=0x00000000 edx=0x00000000
EOF
truncated "cpuid -r with two leaves" two.txt \
	"two.txt: truncated: leaf 0x00000008 is missing, though leaf 0x00000000 announces leaves up to 0x0000000d"
# a profile names only the leaves it fixes
run "$CPUCOMPAT" dump profile:x86-64-v3
expect_rc 0 "a profile"

# --- every recorded CPU loads (AMD dumps without leaf 4 or 0xB included)
n=0
for f in "$D"/cpus/*.json; do
	"$CPUCOMPAT" dump "$f" >/dev/null || fail "$f does not load"
	n=$((n + 1))
done
[ "$n" -ge 19 ] || fail "only $n recorded CPUs"
echo "$n recorded CPUs load; truncated copies exit 2"
exit 0
