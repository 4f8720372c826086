#!/bin/sh
# The libvirt <cpu> format (libvirt-cpu) from the command line: the four
# libvirt documents of tests/data/libvirt load by content; a domain's
# guest CPU checks against a Cascade Lake host's capabilities; the XML
# written for QEMU models reads back identical (`diff` exit 0); modes
# that depend on the host and bad input exit 2 naming the file and line.
. "${top_srcdir}/tests/setup.sh"
D=$top_srcdir/tests/data/libvirt

# detection: no --input-format needed
run "$CPUCOMPAT" show "$D/caps-cascadelake.xml"
expect_rc 0 "show virsh capabilities"
contains "$T/out" "avx512_vnni  *yes"
contains "$T/out" "phys_addr_bits  *0x2e"
run "$CPUCOMPAT" show "$D/domcaps-epyc-rome.xml"
expect_rc 0 "show virsh domcapabilities"
contains "$T/out" "xsaves  *no"
contains "$T/out" "AuthenticAMD"
run "$CPUCOMPAT" show "$D/domain-skylake.xml"
expect_rc 0 "show a domain XML"
contains "$T/out" "hle  *no"
contains "$T/out" "pcid  *yes"
contains "$T/out" "ssbd  *host"
run "$CPUCOMPAT" show "$D/cpu-baseline.xml"
expect_rc 0 "show a bare <cpu>"

# the guest CPU of the domain fits the Cascade Lake host; not the reverse
run "$CPUCOMPAT" check "$D/domain-skylake.xml" "$D/caps-cascadelake.xml"
expect_rc 0 "Skylake-Server-IBRS guest on a Cascade Lake host"
contains "$T/out" "^COMPATIBLE"
run "$CPUCOMPAT" check "$D/caps-cascadelake.xml" "$D/domain-skylake.xml"
expect_rc 1 "the host's CPU into the Skylake guest's"
contains "$T/out" "avx512_vnni"

# written, read back: the same CPU for a guest
for m in Cascadelake-Server-v5 EPYC-Rome-v2; do
	run "$CPUCOMPAT" dump "profile:$m" --format libvirt-cpu -o "$T/$m.xml"
	expect_rc 0 "dump profile:$m --format libvirt-cpu"
	contains "$T/$m.xml" "^<cpu mode='custom' match='exact' check='full'>"
	contains "$T/$m.xml" "nearest QEMU 7.2 model $m"
	run "$CPUCOMPAT" diff "profile:$m" "$T/$m.xml"
	expect_rc 0 "diff profile:$m and its libvirt <cpu>"
	contains "$T/out" "^IDENTICAL"
done
contains "$T/Cascadelake-Server-v5.xml" \
	"<model fallback='forbid'>Cascadelake-Server-noTSX</model>"
contains "$T/Cascadelake-Server-v5.xml" \
	"<feature policy='require' name='avx512vnni'/>"
contains "$T/Cascadelake-Server-v5.xml" \
	"<feature policy='disable' name='hle'/>"
contains "$T/EPYC-Rome-v2.xml" "<model fallback='forbid'>EPYC-Rome</model>"
contains "$T/EPYC-Rome-v2.xml" "<vendor>AMD</vendor>"
# a recorded CPU: its signature is said in a comment
run "$CPUCOMPAT" dump "$CPUS/epyc-7502.json" -f libvirt-cpu
expect_rc 0 "dump a recorded EPYC 7502 as libvirt-cpu"
contains "$T/out" "<model fallback='forbid'>EPYC-Rome</model>"

# host-dependent modes and bad input: exit 2, file and line
bad() { # NAME WANT: $T/NAME.xml must be refused with WANT
	run "$CPUCOMPAT" show "$T/$1.xml"
	expect_rc 2 "$1"
	contains "$T/err" "$2"
}
printf '<domain type="kvm">\n  <name>a</name>\n  <cpu mode="host-passthrough"/>\n</domain>\n' >"$T/pass.xml"
bad pass "pass.xml:3: <cpu mode='host-passthrough'>: the guest sees the host's own CPUID; compare against \`host\` or \`kvm\` on that host"
printf '<domain type="kvm">\n<cpu mode="maximum"/>\n</domain>\n' >"$T/max.xml"
bad max "max.xml:2: <cpu mode='maximum'>"
printf '<domain type="kvm">\n<cpu mode="host-model"/>\n</domain>\n' >"$T/hm.xml"
bad hm "hm.xml:2: <cpu mode='host-model'>: libvirt picks the model from the host"
printf '<cpu>\n  <model>Skylake-Servr</model>\n</cpu>\n' >"$T/model.xml"
bad model "model.xml:2: unknown CPU model 'Skylake-Servr': no such QEMU CPU model; did you mean Skylake-Server"
printf '<cpu>\n  <model>EPYC</model>\n  <feature name="x2apic"/>\n  <feature policy="require" name="avx9000"/>\n</cpu>\n' >"$T/feat.xml"
bad feat "feat.xml:4: unknown CPU feature 'avx9000'"
printf '<cpu>\n  <model>EPYC</model>\n  <feature name="x2apic">\n</cpu>\n' >"$T/broken.xml"
bad broken "broken.xml:4: invalid XML: mismatched tag"
# <cpudata> is the other libvirt format
run "$CPUCOMPAT" show --input-format libvirt-cpu "$top_srcdir/tests/data/libvirt-small.xml"
expect_rc 2 "<cpudata> read as libvirt-cpu"
contains "$T/err" "expected the root element <cpu>, <domain>, <capabilities> or <domainCapabilities>, got <cpudata>"
exit 0
