#!/bin/sh
# bench/peers.sh: how long cpucompat and its peers take for the same
# question -- can this machine run guests of QEMU model MODEL? -- in one
# hyperfine run, with the ratios to cpucompat.
#
#   bench/peers.sh [CPUCOMPAT [MODEL]]     (defaults: src/cpucompat, Skylake-Server-v4)
#
# Measured, each from start to exit:
# - QEMU: `qemu-system-x86_64 -accel ACCEL -cpu MODEL,enforce -S` with no
#   devices, told to quit on its monitor; ACCEL is kvm where /dev/kvm opens,
#   else tcg (then QEMU answers for its emulator, not for this host's KVM:
#   the label says so);
# - cpucompat: `cpucompat check qemu:MODEL TARGET`, TARGET kvm where /dev/kvm
#   opens, else auto (this host's raw CPUID, not what KVM offers);
# - libvirt, when virsh is installed and a libvirt daemon answers on
#   qemu:///system: `virsh hypervisor-cpu-compare` of a <cpu> naming the
#   model (libvirt 9 names models without -vN; its v1 alias is used),
#   --virttype kvm where /dev/kvm opens, else qemu (TCG).
# Environment: QEMU (default qemu-system-x86_64), VIRSH (default virsh),
# HYPERFINE_ARGS (default "--warmup 2 --min-runs 10").
set -eu
LC_ALL=C
export LC_ALL

cc=${1:-src/cpucompat}
model=${2:-Skylake-Server-v4}
qemu=${QEMU:-qemu-system-x86_64}
virsh=${VIRSH:-virsh}

command -v hyperfine >/dev/null 2>&1 || {
	echo "bench/peers.sh: hyperfine is not installed" >&2
	exit 1
}
[ -x "$cc" ] || { echo "bench/peers.sh: $cc: no cpucompat binary" >&2; exit 1; }
command -v "$qemu" >/dev/null 2>&1 || {
	echo "bench/peers.sh: $qemu is not installed" >&2
	exit 1
}

tmp=$(mktemp -d "${TMPDIR:-/tmp}/cpucompat-peers.XXXXXX")
trap 'rm -rf "$tmp"' EXIT

if [ -r /dev/kvm ] && [ -w /dev/kvm ]; then
	accel=kvm target=kvm
	qlabel="QEMU -cpu $model with enforce under KVM"
	clabel="cpucompat check qemu:$model kvm"
else
	accel=tcg target=auto
	qlabel="QEMU -cpu $model with enforce under TCG (no /dev/kvm: QEMU's emulator and not KVM)"
	clabel="cpucompat check qemu:$model auto (no /dev/kvm: raw host CPUID)"
fi
spec=qemu
"$cc" check qemu:qemu64 profile:qemu64-v1 >/dev/null 2>&1 || spec=profile
[ "$spec" = qemu ] || clabel=$(echo "$clabel" | sed "s/qemu:/profile:/")

# the commands, as hyperfine runs them (through sh); exit 1 is an answer
qcmd="echo quit | '$qemu' -accel $accel -cpu '$model,enforce' -machine pc -nodefaults -display none -S -monitor stdio -serial none -no-reboot >/dev/null 2>&1"
ccmd="'$cc' check '$spec:$model' $target >/dev/null 2>&1"
set -- -n "$clabel" "$ccmd" -n "$qlabel" "$qcmd"

# one answer each first, so the numbers are for the same question
qrc=0; sh -c "$qcmd" || qrc=$?
crc=0; sh -c "$ccmd" || crc=$?
echo "answers: QEMU exit $qrc ($([ $qrc -eq 0 ] && echo starts || echo refuses)" \
	"$model), cpucompat exit $crc"
[ "$crc" -le 1 ] || { echo "bench/peers.sh: cpucompat failed (exit $crc)" >&2; exit 1; }

if command -v "$virsh" >/dev/null 2>&1 &&
	"$virsh" -c qemu:///system version >/dev/null 2>&1; then
	cat >"$tmp/cpu.xml" <<EOF
<cpu mode='custom' match='exact'>
  <model fallback='forbid'>${model%-v[0-9]*}</model>
</cpu>
EOF
	virttype=kvm vlabel="under KVM"
	[ "$accel" = kvm ] || virttype=qemu vlabel="for TCG (--virttype qemu)"
	vcmd="'$virsh' -c qemu:///system hypervisor-cpu-compare --virttype $virttype --error '$tmp/cpu.xml' >/dev/null 2>&1"
	vrc=0; sh -c "$vcmd" || vrc=$?
	echo "answers: virsh hypervisor-cpu-compare exit $vrc"
	set -- "$@" -n "virsh hypervisor-cpu-compare ${model%-v[0-9]*} $vlabel" "$vcmd"
else
	echo "libvirt: not measured ($virsh not installed or no libvirt daemon on qemu:///system)"
fi

# shellcheck disable=SC2086
hyperfine ${HYPERFINE_ARGS:---warmup 2 --min-runs 10} -i \
	--export-csv "$tmp/times.csv" "$@"

# command,mean,stddev,median,user,system,min,max (seconds); row 2 is cpucompat
echo
echo "mean times and ratios to cpucompat (same machine, same run):"
awk -F, 'NR == 1 { next }
	{ name[NR] = $1; mean[NR] = $2 }
	END {
		for (i = 2; i <= NR; i++)
			printf "  %9.2f ms  %7.1fx  %s\n", mean[i] * 1000,
			       mean[i] / mean[2], name[i]
	}' "$tmp/times.csv"
