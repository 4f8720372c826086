#!/bin/sh
# Feature MSRs as fields: a libvirt <cpudata> with <msr> loads and judges
# them (a lost mds-no blocks, as a mitigation, at MSR 0x10a[5]); a set
# without MSRs is not judged on them; waivers name MSR bits; the formats
# that carry MSRs write them back and native JSON round-trips byte for
# byte; the QEMU profiles carry their models' MSR values; `defs` lists the
# MSR fields by position.
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
run "$CPUCOMPAT" check "$D/clx-mds-no.xml" "$D/clx-no-mds-no.xml" --names qemu
contains "$T/out" '^  mds-no  '
# the other way, and waived by name or position
run "$CPUCOMPAT" check "$D/clx-no-mds-no.xml" "$D/clx-mds-no.xml"
expect_rc 0 "check: target has more"
for w in mds-no rdctl-no,mds-no 'msr.0x10a[5]'; do
	run "$CPUCOMPAT" check "$D/clx-mds-no.xml" "$D/clx-no-mds-no.xml" --ignore "$w"
	expect_rc 0 "check --ignore $w"
done

# --- a set without MSRs says nothing about them, either way
run "$CPUCOMPAT" check "$D/clx-mds-no.xml" "$D/clx-no-msrs.xml"
expect_rc 0 "check: target without MSRs"
contains "$T/out" '^IDENTICAL'
run "$CPUCOMPAT" check "$D/clx-no-msrs.xml" "$D/clx-no-mds-no.xml"
expect_rc 0 "check: source without MSRs"

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
