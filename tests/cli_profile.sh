#!/bin/sh
# The profile commands: generate (policies, self-check, formats, atomic
# output), apply (the "can this host run it" gate), baseline (runs on every
# source, reports costs), matrix (agrees with check), the bundled
# profiles, and generate/check against this machine's KVM when there is one.
. "${top_srcdir}/tests/setup.sh"

D=$top_srcdir/tests/data
export SOURCE_DATE_EPOCH=1767225600 # 2026-01-01: reproducible "generated"

for c in generate apply baseline matrix; do
	run "$CPUCOMPAT" "$c" --help
	expect_rc 0 "$c --help"
	contains "$T/out" "^usage: cpucompat $c"
done

# ---------------------------------------------------------- usage errors
run "$CPUCOMPAT" generate "$D/chv-cpuid.json"
expect_rc 2 "generate without --name"
contains "$T/err" "\-\-name is required"
run "$CPUCOMPAT" generate "$D/chv-cpuid.json" --name x -f yaml
expect_rc 2 "generate bad format"
run "$CPUCOMPAT" generate "$D/chv-cpuid.json" \
	--name "a name much too long for the brand string of any CPU"
expect_rc 2 "generate long name"
contains "$T/err" "brand string"
run "$CPUCOMPAT" generate "$D/chv-profile.json" --name x
expect_rc 2 "generate from a profile"
contains "$T/err" "chv-profile.json: is a profile"
run "$CPUCOMPAT" generate "$T/missing.json" --name x
expect_rc 2 "generate from a missing file"
contains "$T/err" "missing.json: cannot open"
run "$CPUCOMPAT" apply
expect_rc 2 "apply without a profile"
run "$CPUCOMPAT" apply a b c
expect_rc 2 "apply with three sources"
run "$CPUCOMPAT" apply profile:x86-64-v3 "$D/chv-profile.json"
expect_rc 2 "apply to a profile"
contains "$T/err" "is a profile"
run "$CPUCOMPAT" baseline
expect_rc 2 "baseline without sources"
run "$CPUCOMPAT" baseline "$D/chv-cpuid.json" "$D/chv-profile.json"
expect_rc 2 "baseline with a profile"
contains "$T/err" "chv-profile.json: is a profile"
run "$CPUCOMPAT" matrix
expect_rc 2 "matrix without sources"
run "$CPUCOMPAT" matrix -f xml "$D/chv-cpuid.json"
expect_rc 2 "matrix bad format"
run "$CPUCOMPAT" matrix - -
expect_rc 2 "matrix with stdin twice"
[ ! -s "$T/out" ] || fail "errors print nothing on stdout"

# --------------------------------------------- generate from a dump file
run "$CPUCOMPAT" generate "$D/chv-cpuid.json" --name "Data CPU" -o "$T/p.json"
expect_rc 0 "generate from a dump"
contains "$T/err" "warning: .*chv-cpuid.json is raw CPUID"
contains "$T/p.json" '"kind": "profile"'
contains "$T/p.json" '"uncovered": "zero"'
contains "$T/p.json" '"source": "dump"'
contains "$T/p.json" '"source_file": ".*chv-cpuid.json"'
contains "$T/p.json" '"source_view": "raw"'
contains "$T/p.json" '"generated": "2026-01-01T00:00:00Z"'
contains "$T/p.json" '"tool": "cpucompat '
run "$CPUCOMPAT" check "$T/p.json" "$D/chv-cpuid.json"
expect_rc 0 "a generated profile runs on its source"
run "$CPUCOMPAT" show "$T/p.json"
contains "$T/out" "Data CPU"

# same bytes twice (deterministic), and the formats agree
run "$CPUCOMPAT" generate "$D/chv-cpuid.json" --name "Data CPU"
cmp -s "$T/out" "$T/p.json" || fail "generate is not deterministic"
run "$CPUCOMPAT" generate "$D/chv-cpuid.json" --name "Data CPU" \
	-f cloud-hypervisor -o "$T/p.chv"
expect_rc 0 "generate -f cloud-hypervisor"
head -3 "$T/p.chv" | tr -d '\n' | grep -q '^{  "hypervisor": "Kvm",  "cpu_vendor": "Intel",' ||
	fail "cloud-hypervisor profile does not start like Cloud Hypervisor's"
contains "$T/p.chv" '"sub_leaf": {'
contains "$T/p.chv" '"replacements": "0x'
run "$CPUCOMPAT" diff "$T/p.json" "$T/p.chv"
expect_rc 0 "cloud-hypervisor export loads back identical"
# the same JSON shape (keys, nesting, indentation, value kinds) as
# tests/data/chv-profile.json, a profile laid out as Cloud Hypervisor
# writes its own
shape() {
	sed -E 's/"0x[0-9a-f]{8}"/"H"/g; s/[0-9]+/N/g; s/"(Intel|AMD)"/"V"/' \
		"$1" | sort -u
}
shape "$D/chv-profile.json" >"$T/shape.ref"
shape "$T/p.chv" >"$T/shape.out"
[ "$(wc -l <"$T/shape.ref")" -ge 20 ] ||
	fail "too few shapes in chv-profile.json"
cmp -s "$T/shape.ref" "$T/shape.out" ||
	fail "cloud-hypervisor export differs in shape from chv-profile.json"
run "$CPUCOMPAT" generate "$D/chv-cpuid.json" --name "Data CPU" \
	-f firecracker -o "$T/p.fc"
expect_rc 0 "generate -f firecracker"
contains "$T/p.fc" '"cpuid_modifiers"'
contains "$T/p.fc" '"bitmap": "0b'
run "$CPUCOMPAT" diff "$T/p.json" "$T/p.fc"
expect_rc 0 "firecracker template loads back identical"

# the self-check: a policy that promises what the source lacks (pdpe1gb
# fixed to 1 on a source without 1 GB pages) fails, names the field and
# leaves -o untouched
mkdir "$T/defs"
cp "$top_srcdir"/defs/*.json "$T/defs/"
sed '/"name": "pdpe1gb"/,/"policy"/ s/"policy": "inherit"/"policy": "static:1", "reason": "test"/' \
	"$top_srcdir/defs/features.json" >"$T/defs/features.json"
[ "$(grep -c '"reason": "test"' "$T/defs/features.json")" = 1 ] ||
	fail "cannot make the test defs"
"$CPUCOMPAT" dump "$D/chv-cpuid.json" | sed 's/"edx": "0x2c100800"/"edx": "0x28100800"/' >"$T/no1g.json"
echo old >"$T/keep.json"
run "$CPUCOMPAT" generate "$T/no1g.json" --name x --defs "$T/defs" -o "$T/keep.json"
expect_rc 2 "self-check failure"
contains "$T/err" "self-check failed"
contains "$T/err" "pdpe1gb"
[ "$(cat "$T/keep.json")" = old ] || fail "-o written although the self-check failed"

# ----------------------------------------------------------------- apply
run "$CPUCOMPAT" apply profile:x86-64-v3 "$D/libvirt-small.xml"
expect_rc 0 "apply x86-64-v3"
contains "$T/out" '"kind": "dump"'
contains "$T/out" '"profile": "x86-64-v3"'
run "$CPUCOMPAT" apply profile:x86-64-v3 "$D/libvirt-small.xml" -f cloud-hypervisor
expect_rc 0 "apply -f cloud-hypervisor"
contains "$T/out" '"function": 0, "index": 0'
# a host that lacks what the profile requires: exit 1, named, no output
run "$CPUCOMPAT" apply "$D/chv-profile.json" "$D/libvirt-small.xml" -o "$T/a.json"
expect_rc 1 "apply on a host that lacks features"
contains "$T/err" "cannot run profile .*: it lacks .*umip"
[ ! -e "$T/a.json" ] || fail "apply wrote output for a host that cannot run it"
run "$CPUCOMPAT" check "$D/chv-profile.json" "$D/libvirt-small.xml"
expect_rc 1 "check answers the same question"
run "$CPUCOMPAT" apply profile:epyc-rome "$D/libvirt-small.xml"
expect_rc 1 "apply an AMD profile to Intel"
contains "$T/err" "vendor mismatch"

# ------------------------------------------------------ bundled profiles
run "$CPUCOMPAT" profiles
expect_rc 0 "profiles"
cp "$T/out" "$T/profiles"
for p in x86-64-v2 x86-64-v3 x86-64-v4 skylake-sp cascadelake icelake-sp \
	sapphirerapids epyc-rome epyc-milan epyc-genoa; do
	grep -q "^profile:$p  *[A-Za-z]" "$T/profiles" || fail "profiles does not list $p with a description"
	run "$CPUCOMPAT" dump "profile:$p"
	expect_rc 0 "profile:$p loads"
	contains "$T/out" '"uncovered": "host"'
	contains "$T/out" '"facts": '
	# a CPU generation fixes the vendor but not the maximum leaf
	case $p in
	x86-64-*) lacks "$T/out" '"leaf": "0x00000000"' ;;
	*) contains "$T/out" '"leaf": "0x00000000", "subleaf": 0, "eax": "0x00000000", "ebx": "0x[0-9a-f]*", "ecx": "0x[0-9a-f]*", "edx": "0x[0-9a-f]*", "mask": {"eax": "0xffffffff"}}' ;;
	esac
	"$CPUCOMPAT" dump "profile:$p" -o "$T/$p.json"
	cmp -s "$T/$p.json" "$top_srcdir/profiles/$p.json" || fail "profile:$p is not profiles/$p.json"
done

# ------------------------------------------- on recorded CPUs (tests/data/cpus)
SKX=$CPUS/xeon-gold-6130.json       # Skylake-SP
SKX2=$CPUS/xeon-gold-6148.json      # Skylake-SP
CLX=$CPUS/xeon-platinum-8268.json   # Cascade Lake
CPX=$CPUS/cooperlake.json         # Cooper Lake
BDW=$CPUS/xeon-e5-2650-v4.json      # Broadwell
ICX=$CPUS/ice-lake-server.json      # Ice Lake-SP
AMD=$CPUS/epyc-7502.json            # EPYC Rome

# the generation profiles run on CPUs of their generation, not older ones
for pair in "skylake-sp $SKX" "cascadelake $CLX" "icelake-sp $ICX" \
	"epyc-rome $AMD" "sapphirerapids $CPUS/xeon-gold-6530.json" \
	"epyc-milan $CPUS/epyc-7713.json" "epyc-genoa $CPUS/epyc-9334.json"; do
	set -- $pair
	run "$CPUCOMPAT" check "profile:$1" "$2"
	expect_rc 0 "profile:$1 on $(basename "$2")"
done
run "$CPUCOMPAT" check profile:icelake-sp "$CLX"
expect_rc 1 "icelake-sp on Cascade Lake"
# this Sapphire Rapids (Xeon Bronze 3408U) reports no AMX and no XFD
run "$CPUCOMPAT" check profile:sapphirerapids "$CPUS/xeon-bronze-3408u.json"
expect_rc 1 "sapphirerapids on a Xeon Bronze 3408U"
contains "$T/out" "^  amx_tile  *CPUID.(7,0).EDX\[24\]  *yes -> no"
for f in amx_bf16 amx_int8 xfd; do
	contains "$T/out" "^  $f  *CPUID.* yes -> no"
done
run "$CPUCOMPAT" check profile:cascadelake "$BDW"
expect_rc 1 "cascadelake on Broadwell"
run "$CPUCOMPAT" check profile:skylake-sp "$AMD"
expect_rc 1 "an Intel profile on AMD"
contains "$T/out" "vendor mismatch"

# apply x86-64-v4 to a Broadwell: no AVX-512
run "$CPUCOMPAT" apply profile:x86-64-v4 "$BDW"
expect_rc 1 "x86-64-v4 on Broadwell"
contains "$T/err" "avx512f"

# -------------------------------------------------------------- baseline
run "$CPUCOMPAT" baseline --name "Fleet A" -o "$T/b.json" --report "$T/r.json" \
	"$SKX" "$SKX2" "$CLX" "$CPX" "$BDW" "$ICX"
expect_rc 0 "baseline of six"
contains "$T/err" "baseline 'Fleet A' of 6 sources (GenuineIntel)"
contains "$T/err" "ice-lake-server[^:]*: gives up [0-9]*: .*avx512f"
contains "$T/err" "xeon-e5-2650-v4[^:]*: gives up nothing"
contains "$T/r.json" '"gives_up": \[{"field": "avx512f"'
contains "$T/b.json" '"sources": 6'
for f in "$SKX" "$SKX2" "$CLX" "$CPX" "$BDW" "$ICX"; do
	run "$CPUCOMPAT" check "$T/b.json" "$f"
	expect_rc 0 "baseline on $(basename "$f")"
	run "$CPUCOMPAT" apply "$T/b.json" "$f" -o "$T/guest.json"
	expect_rc 0 "apply baseline on $(basename "$f")"
	run "$CPUCOMPAT" check "$T/guest.json" "$f"
	expect_rc 0 "the baseline's guest on $(basename "$f")"
done
run "$CPUCOMPAT" baseline -q -f cloud-hypervisor "$SKX" "$BDW"
expect_rc 0 "baseline -q -f cloud-hypervisor"
[ ! -s "$T/err" ] || fail "baseline -q printed: $(cat "$T/err")"
contains "$T/out" '"adjustments": \['
run "$CPUCOMPAT" baseline "$SKX" "$AMD"
expect_rc 2 "baseline of Intel and AMD"
contains "$T/err" "epyc-7502[^:]*: vendor AuthenticAMD differs"

# ---------------------------------------------------------------- matrix
run "$CPUCOMPAT" matrix --per-host "$SKX" "$CLX" "$ICX" "$AMD" "$SKX"
expect_rc 1 "matrix with blocked pairs"
contains "$T/out" "^    0  ++-v+"
contains "$T/out" "^    3  vvv+v"
contains "$T/out" "distinct CPUID sets"
run "$CPUCOMPAT" matrix --per-host -f json "$CLX" "$SKX2" "$AMD"
contains "$T/out" '"cells": \['
tr -d ' \n' <"$T/out" >"$T/m"
# cell (0, 1): Cascade Lake -> Skylake names avx512_vnni
cell=$(sed 's/.*"cells":\[\[\([0-9]*\),\([0-9]*\),.*/\2/' "$T/m")
sed 's/.*"blockers":\[\(.*\)\],"cells".*/\1/; s/\],\[/]\n[/g' "$T/m" |
	sed -n "$((cell + 1))p" | grep -q '"avx512_vnni"' ||
	fail "matrix JSON does not name avx512_vnni for CLX -> SKX"
grep -q '\["vendor"\]' "$T/m" || fail "matrix JSON does not show the vendor mismatch"
run "$CPUCOMPAT" matrix --per-host -f csv -o "$T/m.csv" "$CLX" "$SKX2"
[ "$(wc -l <"$T/m.csv")" = 3 ] || fail "csv is not 3 lines"
grep -q "^$CLX,yes,no$" "$T/m.csv" || fail "csv row of CLX: $(cat "$T/m.csv")"
run "$CPUCOMPAT" matrix "$SKX" "$SKX"
expect_rc 0 "matrix of identical sets"
# every cell agrees with check (check_profile does this for every recorded
# CPU; here once through the command line, not under valgrind)
[ -n "${CPUCOMPAT_UNDER_VALGRIND:-}" ] || set -- "$SKX2" "$CLX" "$BDW" "$ICX" "$AMD"
[ -n "${CPUCOMPAT_UNDER_VALGRIND:-}" ] && set --
[ $# = 0 ] || "$CPUCOMPAT" matrix --per-host -f csv "$@" >"$T/m.csv" || :
i=0
for a in "$@"; do
	i=$((i + 1))
	j=1
	for b in "$@"; do
		j=$((j + 1))
		cellv=$(sed -n "$((i + 1))p" "$T/m.csv" | cut -d, -f"$j")
		rc=0
		"$CPUCOMPAT" check "$a" "$b" >/dev/null 2>&1 || rc=$?
		case "$cellv:$rc" in
		yes:0 | no:1 | vendor:1) ;;
		*) fail "matrix says $cellv for $(basename "$a") -> $(basename "$b"), check exits $rc" ;;
		esac
	done
done

# ------------------------------------------------------ this machine's KVM
if [ -r /dev/kvm ] && [ -w /dev/kvm ]; then
	run "$CPUCOMPAT" generate --name "This KVM" -o "$T/kvm.json"
	expect_rc 0 "generate from kvm"
	lacks "$T/err" "raw CPUID"
	contains "$T/kvm.json" '"source": "kvm"'
	contains "$T/kvm.json" '"source_view": "kvm"'
	contains "$T/kvm.json" '"source_kernel": '
	run "$CPUCOMPAT" check "$T/kvm.json" kvm
	expect_rc 0 "check of the generated profile against kvm"
	run "$CPUCOMPAT" apply "$T/kvm.json"
	expect_rc 0 "apply the generated profile to kvm"
	run "$CPUCOMPAT" generate kvm --name "This KVM" -f cloud-hypervisor -o "$T/kvm.chv"
	expect_rc 0 "generate -f cloud-hypervisor from kvm"
	run "$CPUCOMPAT" diff "$T/kvm.json" "$T/kvm.chv"
	expect_rc 0 "the kvm profile's Cloud Hypervisor export loads back"
else
	echo "no usable /dev/kvm: kvm part skipped"
fi
exit 0
