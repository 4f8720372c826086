#!/bin/sh
# dump: host capture against etallen cpuid, two captures in a row
# identical, native JSON round trip, atomic output, the `auto` source, and
# the KVM view's paravirtual leaves.
. "${top_srcdir}/tests/setup.sh"

# --- native JSON round-trips byte for byte, -o is atomic
run "$CPUCOMPAT" dump host -o "$T/host.json"
expect_rc 0 "dump host -o"
[ ! -s "$T/out" ] || fail "dump -o printed to stdout"
contains "$T/host.json" '"format": "cpucompat"'
contains "$T/host.json" '"source": "host"'
contains "$T/host.json" '"leaf": "0x00000000", "subleaf": 0'
run "$CPUCOMPAT" dump "$T/host.json" -o "$T/again.json"
expect_rc 0 "dump of a dump"
cmp "$T/host.json" "$T/again.json" || fail "native JSON does not round-trip"
ls -A "$T" | grep -q 'cpucompat-' && fail "temporary file left behind"
# stdin works as a source
"$CPUCOMPAT" dump - <"$T/host.json" >"$T/stdin.json" || fail "dump -"
cmp "$T/host.json" "$T/stdin.json" || fail "stdin round trip"

# --- the capture is pinned to one CPU: two in a row are byte-identical
# (but for the capture time, when the second crossed a second boundary)
"$CPUCOMPAT" dump host >"$T/host2.json" || fail "second dump host"
if ! cmp -s "$T/host.json" "$T/host2.json"; then
	grep -v '"captured":' "$T/host.json" >"$T/h1"
	grep -v '"captured":' "$T/host2.json" >"$T/h2"
	diff "$T/h1" "$T/h2" || fail "two dump host in a row differ"
fi
grep -q '"cpu": [0-9]' "$T/host.json" || fail "dump host does not say which CPU ran it"

# --- a failed write leaves the old file untouched
echo old >"$T/keep.json"
run "$CPUCOMPAT" dump "$T/missing.json" -o "$T/keep.json"
expect_rc 2 "bad source with -o"
[ "$(cat "$T/keep.json")" = old ] || fail "-o clobbered a file on error"

# --- devices and pipes are written in place, never replaced by a file
mkfifo "$T/pipe"
timeout 20 cat "$T/pipe" >"$T/from-pipe" 2>/dev/null &
reader=$!
if ! "$CPUCOMPAT" dump "$T/host.json" -o "$T/pipe"; then
	kill "$reader" 2>/dev/null || :
	fail "dump -o FIFO"
fi
wait "$reader"
[ -p "$T/pipe" ] || fail "-o replaced a FIFO with a regular file"
cmp "$T/host.json" "$T/from-pipe" || fail "FIFO got other bytes"
"$CPUCOMPAT" dump "$T/host.json" -o /dev/null || fail "dump -o /dev/null"
[ -c /dev/null ] || fail "-o /dev/null replaced the device"

# --- host capture equals `cpuid -r -1` inside the range maxima, except the
# registers that carry the APIC ID of the CPU that ran the instruction
# (`cpuid -1` runs wherever it is scheduled), and subleaves 1.. of AMD's
# 0x80000026, which the cpuid versions seen print only subleaf 0 of
# (valgrind emulates CPUID, so the comparison only means something natively)
if command -v cpuid >/dev/null 2>&1 && [ -z "${CPUCOMPAT_UNDER_VALGRIND:-}" ]; then
	cpuid -r -1 >"$T/cpuid.txt"
	"$CPUCOMPAT" dump host --format cpuid-r >"$T/ours.txt"
	norm() {
		# leaves print as fixed-width lower-case hex, so string
		# comparison orders them
		awk '
		/^   0x/ {
			leaf = $1; base = substr(leaf, 1, 6)
			if (leaf == "0x00000000" || leaf == "0x40000000" ||
			    leaf == "0x80000000")
				max[base] = substr($3, 5)
			if (base != "0x0000" && base != "0x4000" && base != "0x8000")
				next
			if (!(base in max) || substr(max[base], 1, 6) != base ||
			    leaf > max[base])
				next
			if (leaf == "0x00000001") $4 = "ebx=APIC"
			if (leaf == "0x0000000b" || leaf == "0x0000001f" ||
			    leaf == "0x80000026") $6 = "edx=APIC"
			if (leaf == "0x80000026" && $2 != "0x00:" && !more26)
				next
			if (leaf == "0x8000001e") $3 = "eax=APIC"
			print
		}' more26="$2" "$1"
	}
	more26=0
	grep -q '^   0x80000026 0x01:' "$T/cpuid.txt" && more26=1
	norm "$T/cpuid.txt" "$more26" >"$T/a"
	norm "$T/ours.txt" "$more26" >"$T/b"
	[ -s "$T/a" ] || fail "cpuid -r -1 gave nothing"
	diff "$T/a" "$T/b" || fail "dump host differs from cpuid -r -1"
	echo "host capture matches cpuid -r -1 on $(wc -l <"$T/a") leaves"
else
	echo "cpuid not installed or under valgrind: host comparison skipped"
fi

# --- `auto`: what KVM offers when /dev/kvm opens, else the raw CPUID with a
# warning saying so; only an unopenable device falls back
if [ -r /dev/kvm ] && [ -w /dev/kvm ]; then
	run "$CPUCOMPAT" dump auto
	expect_rc 0 "dump auto with KVM"
	[ ! -s "$T/err" ] || fail "dump auto warned with KVM present"
	contains "$T/out" '"source": "kvm"'
	"$CPUCOMPAT" dump kvm >"$T/kvm.json" || fail "dump kvm"
	grep -v '"captured":' "$T/out" >"$T/a"
	grep -v '"captured":' "$T/kvm.json" >"$T/b"
	diff "$T/a" "$T/b" || fail "dump auto differs from dump kvm"
	echo "auto: /dev/kvm usable, auto equals dump kvm"
else
	run "$CPUCOMPAT" dump auto
	expect_rc 0 "dump auto without KVM"
	contains "$T/out" '"source": "host"'
	echo "cpucompat: warning: /dev/kvm is not available (.*): judging the raw CPUID of this host instead; KVM may offer guests less" >"$T/want"
	grep -qx -f "$T/want" "$T/err" || { cat "$T/err"; fail "dump auto: no fallback warning"; }
	echo "auto: no usable /dev/kvm, auto fell back to the raw CPUID"
fi
# a missing device falls back, naming it; a device that opens but is not
# KVM stays an error
run env CPUCOMPAT_KVM_DEVICE="$T/nokvm" "$CPUCOMPAT" dump auto
expect_rc 0 "dump auto, missing device"
contains "$T/out" '"source": "host"'
[ "$(cat "$T/err")" = "cpucompat: warning: $T/nokvm is not available (No such file or directory): judging the raw CPUID of this host instead; KVM may offer guests less" ] ||
	{ cat "$T/err"; fail "dump auto, missing device: wrong warning"; }
run env CPUCOMPAT_KVM_DEVICE=/dev/null "$CPUCOMPAT" dump auto
expect_rc 2 "dump auto, not a KVM device"
contains "$T/err" "/dev/null: not a KVM device"
run "$CPUCOMPAT" check profile:x86-64-v3 auto
[ "$rc" = 0 ] || [ "$rc" = 1 ] || { cat "$T/err"; fail "check profile:x86-64-v3 auto: exit $rc"; }

# --- the KVM view has KVM's paravirtual leaves
if [ -r /dev/kvm ] && [ -w /dev/kvm ]; then
	run "$CPUCOMPAT" dump kvm
	expect_rc 0 "dump kvm"
	contains "$T/out" '"source": "kvm"'
	contains "$T/out" '"leaf": "0x40000000"'
	contains "$T/out" '"leaf": "0x40000001"'
	contains "$T/out" '"ebx": "0x4b4d564b"'   # "KVMK"
else
	echo "no /dev/kvm: kvm dump skipped"
fi
exit 0
