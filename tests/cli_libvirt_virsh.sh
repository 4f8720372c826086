#!/bin/sh
# libvirt itself accepts what `--format libvirt-cpu` writes: for a few
# bundled QEMU models, a non-QEMU profile and a recorded CPU, the XML
# validates against libvirt's RelaxNG schema (when xmllint and the schema
# are installed), names only features this libvirt knows (its cpu_map),
# and `virsh hypervisor-cpu-compare` compares it with the hypervisor's CPU
# rather than refusing it.  A vendor mismatch stops libvirt before it
# looks at features, so each file is also compared with its model and
# vendor replaced by qemu64, which makes libvirt check every feature name.
# Needs virsh and a running libvirt daemon (libvirtd or virtqemud) that
# answers on qemu:///system; skipped otherwise.
. "${top_srcdir}/tests/setup.sh"

need virsh
URI=qemu:///system
virsh -c "$URI" version >"$T/version" 2>&1 ||
	skip "no libvirt daemon answers on $URI: $(tail -1 "$T/version")"
TYPE=qemu
[ -r /dev/kvm ] && [ -w /dev/kvm ] && TYPE=kvm
RNG=/usr/share/libvirt/schemas/cpu.rng
FEATURES=/usr/share/libvirt/cpu_map/x86_features.xml

[ ! -r "$FEATURES" ] ||
	sed -n "s/.*<feature name='\([^']*\)'.*/\1/p" "$FEATURES" | sort >"$T/known"

compare() { # FILE: hypervisor-cpu-compare parses it and answers
	rc=0
	virsh -c "$URI" hypervisor-cpu-compare --virttype "$TYPE" --error \
		"$1" >"$T/vout" 2>&1 || rc=$?
	compared=$((compared + 1))
	[ "$rc" = 0 ] && return 0
	grep -q "is incompatible with host CPU" "$T/vout" || {
		cat "$T/vout"; fail "virsh refused $1"
	}
}

compared=0
for src in profile:Cascadelake-Server-v5 profile:EPYC-Rome-v2 \
	profile:Skylake-Client-v4 profile:Denverton-v3 profile:qemu64 \
	profile:x86-64-v3 "$CPUS/epyc-7502.json" "$CPUS/xeon-platinum-8268.json"; do
	n=$(basename "${src#profile:}" .json)
	run "$CPUCOMPAT" dump "$src" --format libvirt-cpu -o "$T/$n.xml"
	expect_rc 0 "dump $src --format libvirt-cpu"
	if command -v xmllint >/dev/null 2>&1 && [ -r "$RNG" ]; then
		xmllint --noout --relaxng "$RNG" "$T/$n.xml" 2>"$T/rng" || {
			cat "$T/rng"; fail "$n.xml does not validate against $RNG"
		}
	fi
	if [ -r "$FEATURES" ]; then
		sed -n "s/.*<feature policy='[a-z]*' name='\([^']*\)'.*/\1/p" \
			"$T/$n.xml" | sort >"$T/named"
		comm -23 "$T/named" "$T/known" >"$T/unknown"
		[ ! -s "$T/unknown" ] ||
			fail "$n.xml names features this libvirt does not know: $(cat "$T/unknown")"
	fi
	compare "$T/$n.xml"
	sed -e '/<vendor>/d' \
		-e "s|<model fallback='forbid'>[^<]*</model>|<model fallback='forbid'>qemu64</model>|" \
		"$T/$n.xml" >"$T/$n-q64.xml"
	compare "$T/$n-q64.xml"
done
# the test is able to fail: libvirt refuses a feature it does not know
sed "s|</cpu>|<feature policy='require' name='avx9000'/></cpu>|" \
	"$T/qemu64-q64.xml" >"$T/bogus.xml"
rc=0
virsh -c "$URI" hypervisor-cpu-compare --virttype "$TYPE" --error \
	"$T/bogus.xml" >"$T/vout" 2>&1 || rc=$?
[ "$rc" != 0 ] && grep -q "avx9000" "$T/vout" ||
	fail "virsh took an unknown feature: $(cat "$T/vout")"
echo "virsh hypervisor-cpu-compare --virttype $TYPE took all $compared files"
exit 0
