#!/bin/sh
# check and diff on recorded CPUs (tests/data/cpus): named spot checks,
# vendor mismatch, identity, exit codes, JSON / JUnit output, waivers, name
# spellings, and text that fits an 80-column terminal.
. "${top_srcdir}/tests/setup.sh"

SKX=$CPUS/xeon-gold-6148.json      # Skylake-SP
CLX=$CPUS/xeon-platinum-8268.json  # Cascade Lake
ICX=$CPUS/ice-lake-server.json     # Ice Lake-SP
AMD=$CPUS/epyc-7502.json           # EPYC Rome

missing_names() { # JSON report -> names of "missing" findings, one a line
	grep -o '"name": "[^"]*", "change": "missing"' "$1" |
		sed 's/"name": "\([^"]*\)".*/\1/'
}

# Cascade Lake -> Skylake: avx512_vnni is missing, exit 1
run "$CPUCOMPAT" check --format json "$CLX" "$SKX"
expect_rc 1 "CLX -> SKX"
contains "$T/out" '"verdict": "incompatible"'
missing_names "$T/out" >"$T/names"
grep -qx avx512_vnni "$T/names" || fail "CLX->SKX does not name avx512_vnni"
contains "$T/out" '"leaf": 7, "subleaf": 0, "register": "ecx", "bits": \[11, 11\]'

# Skylake -> Cascade Lake: no instruction-set feature is lost (Cascade
# Lake is a superset); this 8268 only has HWP power management off
run "$CPUCOMPAT" check --format json "$SKX" "$CLX"
missing_names "$T/out" >"$T/names"
[ "$(sort "$T/names" | tr '\n' ' ')" = "hwp hwp_act_window hwp_pkg_req " ] ||
	fail "SKX->CLX missing: $(cat "$T/names")"
run "$CPUCOMPAT" check --ignore hwp,hwp_act_window --ignore hwp_pkg_req "$SKX" "$CLX"
expect_rc 0 "SKX -> CLX with HWP waived"
contains "$T/out" "^COMPATIBLE"

# Ice Lake -> Cascade Lake names the Ice Lake ISA additions
run "$CPUCOMPAT" check --format json "$ICX" "$CLX"
expect_rc 1 "ICX -> CLX"
missing_names "$T/out" >"$T/names"
for f in gfni vaes vpclmulqdq avx512_vbmi2 avx512vbmi avx512_bitalg; do
	grep -qx "$f" "$T/names" || fail "ICX->CLX does not name $f"
done

# Intel -> AMD is a vendor mismatch, stated first
run "$CPUCOMPAT" check "$SKX" "$AMD"
expect_rc 1 "Intel -> AMD"
head -1 "$T/out" | grep -q "^INCOMPATIBLE: vendor mismatch, GenuineIntel -> AuthenticAMD" ||
	fail "vendor mismatch is not the first line"
run "$CPUCOMPAT" check --format json "$SKX" "$AMD"
contains "$T/out" '"vendor_mismatch": true'

# any dump against itself is identical
for f in "$SKX" "$AMD"; do
	run "$CPUCOMPAT" check --format json "$f" "$f"
	expect_rc 0 "self check"
	contains "$T/out" '"verdict": "identical"'
	contains "$T/out" '"findings": \[\]'
	run "$CPUCOMPAT" diff "$f" "$f"
	expect_rc 0 "self diff"
done

# diff is symmetric and exits 1 on any difference
run "$CPUCOMPAT" diff --format json "$SKX" "$CLX"
expect_rc 1 "diff SKX CLX"
contains "$T/out" '"name": "avx512_vnni", "change": "added"'
run "$CPUCOMPAT" diff --format json "$CLX" "$SKX"
contains "$T/out" '"name": "avx512_vnni", "change": "missing"'

# spellings
run "$CPUCOMPAT" check --names qemu --format json "$CLX" "$SKX"
contains "$T/out" '"name": "avx512vnni"'

# waivers: accepted findings still show, marked, and the gate passes once
# every blocker is waived
run "$CPUCOMPAT" check --format json "$CLX" "$SKX"
missing_names "$T/out" | sort -u | sed 's/$/ accepted for this test/' >"$T/waivers"
grep -o '"position": "[^"]*", "name": null' "$T/out" |
	sed 's/"position": "\([^"]*\)".*/\1 unnamed/' >>"$T/waivers"
grep -o '"name": "[a-z0-9_]*", "change": "changed", "severity": "incompatible"' "$T/out" |
	sed 's/"name": "\([^"]*\)".*/\1 changed/' >>"$T/waivers"
run "$CPUCOMPAT" check --waivers "$T/waivers" "$CLX" "$SKX"
expect_rc 0 "all waived"
contains "$T/out" "waived: accepted for this test"
run "$CPUCOMPAT" check --ignore avx512_vnni --format json "$CLX" "$SKX"
expect_rc 1 "one ignored, others remain"
contains "$T/out" '"name": "avx512_vnni", "change": "missing", "severity": "incompatible", "rule": "subset", "status": "different", "source": 1, "target": 0, "meaning": "the target lacks avx512_vnni: a guest that uses it fails", "fails": false, "category": "simd", "description": "[^"]*", "kvm_hides": false, "waived": true'
echo "no_such_feature because" >"$T/bad-waivers"
run "$CPUCOMPAT" check --waivers "$T/bad-waivers" "$CLX" "$SKX"
expect_rc 2 "unknown waiver name"
contains "$T/err" "bad-waivers:1: no field or category named 'no_such_feature'"
echo "avx512_vnni" >"$T/bad-waivers"
run "$CPUCOMPAT" check --waivers "$T/bad-waivers" "$CLX" "$SKX"
expect_rc 2 "waiver without a reason"
contains "$T/err" "bad-waivers:1: the waiver of 'avx512_vnni' gives no reason"

# a category waives its fields, each listed as waived, never silently:
# the security mitigations are accepted, avx512_vnni still blocks
run "$CPUCOMPAT" check --ignore security --format json "$CLX" "$SKX"
expect_rc 1 "category waived, avx512_vnni left"
for f in md_clear spec_ctrl stibp flush_l1d ssbd; do
	contains "$T/out" "\"name\": \"$f\", .*\"waived\": true, \"waiver\": \"--ignore\""
done
contains "$T/out" '"summary": {"incompatible": 1, "warning": 3, "info": 0, "waived": 5,'
run "$CPUCOMPAT" check --ignore nosuchcategory "$CLX" "$SKX"
expect_rc 2 "unknown category"
contains "$T/err" "no field or category named 'nosuchcategory'"

# diff passes once every difference is waived
run "$CPUCOMPAT" diff --format json "$SKX" "$CLX"
grep -o '"name": "[^"]*", "change"' "$T/out" |
	sed 's/"name": "\([^"]*\)".*/\1 known/' | sort -u >"$T/diff-waivers"
grep -o '"position": "[^"]*", "name": null' "$T/out" |
	sed 's/"position": "\([^"]*\)".*/\1 unnamed/' >>"$T/diff-waivers"
run "$CPUCOMPAT" diff --waivers "$T/diff-waivers" "$SKX" "$CLX"
expect_rc 0 "diff with every difference waived"
# (leave out a difference every view keeps: an instruction set extension)
grep -v '^avx512_vnni ' "$T/diff-waivers" >"$T/diff-waivers-1"
run "$CPUCOMPAT" diff --waivers "$T/diff-waivers-1" "$SKX" "$CLX"
expect_rc 1 "diff with one difference left"

# JUnit: one testcase per register compared, failures carry findings
run "$CPUCOMPAT" check --format junit "$CLX" "$SKX"
expect_rc 1 "junit"
contains "$T/out" '<testsuite name="cpucompat check'
contains "$T/out" '<testcase classname="cpucompat.check" name="CPUID.(7,0).ecx">'
contains "$T/out" 'incompatible avx512_vnni CPUID.(7,0).ECX\[11\]: yes -&gt; no'

# text: fits 80 columns, no colour when not a terminal, colour on request
run "$CPUCOMPAT" check "$ICX" "$CLX"
awk 'length > 80 { bad = 1; print } END { exit bad }' "$T/out" ||
	fail "text output wider than 80 columns"
lacks "$T/out" "$(printf '\033')"
contains "$T/out" "^Summary: [0-9]* incompatible"
run "$CPUCOMPAT" check --color always "$ICX" "$CLX"
contains "$T/out" "$(printf '\033')\[31m"
NO_COLOR=1 run "$CPUCOMPAT" check --color auto "$ICX" "$CLX"
lacks "$T/out" "$(printf '\033')"

# -o writes the report atomically; exit status still says the verdict
run "$CPUCOMPAT" check -o "$T/report.json" --format json "$CLX" "$SKX"
expect_rc 1 "-o report"
contains "$T/report.json" '"verdict": "incompatible"'
exit 0
