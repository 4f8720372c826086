#!/bin/sh
# Feature MSRs as fields: a libvirt <cpudata> with <msr> loads and judges
# them (a lost mds-no blocks, as a mitigation, at MSR 0x10a[5]); a set
# without MSRs is not judged on them; waivers name MSR bits; the formats
# that carry MSRs write them back and native JSON round-trips byte for
# byte; the QEMU profiles carry their models' MSR values; `defs` lists the
# MSR fields by position; reports, JUnit and `show` name MSR bits as
# "MSR 0x10a" with bits counted in the MSR, and say when one side carries
# no MSRs.
. "${top_srcdir}/tests/setup.sh"
D=$top_srcdir/tests/data/msr

# --- a lost mds-no blocks as a mitigation
run "$CPUCOMPAT" check "$D/clx-mds-no.xml" "$D/clx-no-mds-no.xml"
expect_rc 1 "check: target lacks mds-no"
contains "$T/out" '^blocks: 1 mitigation (mds_no)$'
contains "$T/out" '^  mds_no               MSR 0x10a\[5\]               yes -> no$'
run "$CPUCOMPAT" check "$D/clx-mds-no.xml" "$D/clx-no-mds-no.xml" --format json
contains "$T/out" '"position": "MSR 0x10a\[5\]", "name": "mds_no", "change": "missing", "severity": "incompatible"'
contains "$T/out" '"consequence": "mitigation"'
contains "$T/out" '{"msr": "0x10a", "bits": \[5, 5\], "position": "MSR 0x10a\[5\]", "name": "mds_no",'
contains "$T/out" '^  "msrs_not_compared": null,$'
lacks "$T/out" '"leaf": 4266480466'
run "$CPUCOMPAT" check "$D/clx-mds-no.xml" "$D/clx-no-mds-no.xml" --view raw
contains "$T/out" '^ MSR 0x10a$'
lacks "$T/out" 'leaf 0xfe4d5352'
run "$CPUCOMPAT" check "$D/clx-mds-no.xml" "$D/clx-no-mds-no.xml" --format junit
contains "$T/out" 'name="MSR 0x10a\[31:0\]"'
run "$CPUCOMPAT" check "$D/clx-mds-no.xml" "$D/clx-no-mds-no.xml" --names qemu
contains "$T/out" '^  mds-no  '
# the other way, and waived by name or position
run "$CPUCOMPAT" check "$D/clx-no-mds-no.xml" "$D/clx-mds-no.xml"
expect_rc 0 "check: target has more"
for w in mds-no rdctl-no,mds-no 'msr.0x10a[5]' 'MSR 0x10a[5]' 'msr 0x10A[5]'; do
	run "$CPUCOMPAT" check "$D/clx-mds-no.xml" "$D/clx-no-mds-no.xml" --ignore "$w"
	expect_rc 0 "check --ignore $w"
	contains "$T/out" '^Waived (1, '
done
# another bit of the MSR is a known position that waives nothing
run "$CPUCOMPAT" check "$D/clx-mds-no.xml" "$D/clx-no-mds-no.xml" --ignore 'MSR 0x10a[6]'
expect_rc 1 "check --ignore 'MSR 0x10a[6]'"
contains "$T/out" '^  MSR 0x10a\[6\]  *--ignore$'
run "$CPUCOMPAT" check "$D/clx-mds-no.xml" "$D/clx-no-mds-no.xml" --ignore 'MSRS 0x10a[5]'
expect_rc 2 "check --ignore 'MSRS 0x10a[5]'"
# in a waivers file too: the two words are one position, not the flag msr
printf 'MSR\t 0x10a[5]  the fleet runs with MDS mitigations on\n' >"$T/w.txt"
run "$CPUCOMPAT" check "$D/clx-mds-no.xml" "$D/clx-no-mds-no.xml" --waivers "$T/w.txt"
expect_rc 0 "check --waivers 'MSR 0x10a[5] ...'"
contains "$T/out" '^      \[waived: the fleet runs with MDS mitigations on\]$'
printf 'msr 0x10a[5]\n' >"$T/w.txt"
run "$CPUCOMPAT" check "$D/clx-mds-no.xml" "$D/clx-no-mds-no.xml" --waivers "$T/w.txt"
expect_rc 2 "check --waivers 'msr 0x10a[5]' without a reason"
contains "$T/err" "w.txt:1: the waiver of 'msr 0x10a\[5\]' gives no reason"

# --- a set without MSRs says nothing about them, either way
run "$CPUCOMPAT" check "$D/clx-mds-no.xml" "$D/clx-no-msrs.xml"
expect_rc 0 "check: target without MSRs"
contains "$T/out" '^IDENTICAL'
contains "$T/out" '^MSR features not compared: the target carries none\.$'
run "$CPUCOMPAT" check "$D/clx-mds-no.xml" "$D/clx-no-msrs.xml" --format json
contains "$T/out" '^  "msrs_not_compared": "target",$'
run "$CPUCOMPAT" check "$D/clx-no-msrs.xml" "$D/clx-no-mds-no.xml"
expect_rc 0 "check: source without MSRs"
contains "$T/out" '^MSR features not compared: the source carries none\.$'
run "$CPUCOMPAT" check "$D/clx-no-msrs.xml" "$D/clx-no-msrs.xml" --format json
contains "$T/out" '^  "msrs_not_compared": null,$'
run "$CPUCOMPAT" check "$D/clx-mds-no.xml" "$D/clx-no-mds-no.xml"
lacks "$T/out" 'not compared'

# --- show: an MSR's head, its bits counted in the MSR, its JSON
run "$CPUCOMPAT" show "$D/clx-mds-no.xml"
expect_rc 0 "show"
contains "$T/out" '^MSR 0x10a: edx:eax=0x00000000:0x0000002b$'
contains "$T/out" '^  msr\[5\]     mds_no  *yes  Not affected by microarchitectural data sampling'
contains "$T/out" '^  msr\[62\]    its_no  *no  '
lacks "$T/out" 'leaf 0xfe4d5352'
run "$CPUCOMPAT" show "$D/clx-mds-no.xml" --format json
contains "$T/out" '^  {"msr": "0x10a", "bits": \[5, 5\], "name": "mds_no", "value": 1,'
contains "$T/out" '^  {"msr": "0x10a", "bits": \[62, 62\], "name": "its_no", "value": 0,'
lacks "$T/out" '"leaf": 4266480466'
run "$CPUCOMPAT" show "$D/clx-no-msrs.xml"
lacks "$T/out" '^MSR '

# --- writers: libvirt and Firecracker carry MSRs, native round-trips
run "$CPUCOMPAT" dump "$D/clx-mds-no.xml" --format libvirt
expect_rc 0 "dump --format libvirt"
cmp "$T/out" "$D/clx-mds-no.xml" || fail "libvirt <cpudata> does not round-trip"
run "$CPUCOMPAT" dump "$D/clx-mds-no.xml" --format firecracker
contains "$T/out" '"addr": "0x10a",'
"$CPUCOMPAT" dump "$D/clx-mds-no.xml" >"$T/a.json"
contains "$T/a.json" '^    {"msr": "0x10a", "eax": "0x0000002b", "edx": "0x00000000"}$'
"$CPUCOMPAT" dump "$T/a.json" >"$T/b.json"
cmp "$T/a.json" "$T/b.json" || fail "native JSON with MSRs does not round-trip"
run "$CPUCOMPAT" dump "$D/clx-mds-no.xml" --format cpuid-r
expect_rc 0 "dump --format cpuid-r"
lacks "$T/out" 'fe4d5352'

# --- the QEMU model's MSR value is part of the profile
"$CPUCOMPAT" dump profile:Cascadelake-Server-v5 >"$T/p.json"
contains "$T/p.json" '{"msr": "0x10a", "eax": "0x0000002b", "edx": "0x00000000"}'
run "$CPUCOMPAT" check profile:Cascadelake-Server-v5 "$D/clx-no-mds-no.xml"
expect_rc 1 "Cascadelake-Server-v5 on a host without mds-no"
contains "$T/out" 'mds_no .*MSR 0x10a\[5\] .* yes -> no'
run "$CPUCOMPAT" check profile:Cascadelake-Server-v5 "$D/clx-no-msrs.xml"
lacks "$T/out" 'MSR 0x'

# --- the field database lists MSR fields by their position
run "$CPUCOMPAT" defs mds-no
expect_rc 0 "defs mds-no"
contains "$T/out" '^msr.0x10a\[5\] .* mds_no '
