#!/bin/sh
# Peer agreement with QEMU: for every QEMU CPU model version the installed
# qemu-system-x86_64 knows, `cpucompat check qemu:MODEL kvm` and QEMU's own
# `-cpu MODEL,enforce` give the same verdict and name the same missing
# features (by position, not name), apart from the documented differences
# of tests/peer_qemu_compare.awk (README, "Agreement with QEMU").
#
# Three parts:
# 1. always: the comparison (tests/peer_qemu_compare.awk) on outputs kept in
#    tests/data/peer (see its README): QEMU's warnings as 7.2 and as
#    newer QEMUs word them, the subleaf QEMU leaves out, XCR0 bits without
#    names, MSR bits, every documented difference, a disagreement, QEMU
#    failing for another reason, and cpucompat's JSON as this binary
#    writes it today;
# 2. where qemu-system-x86_64 is installed: QEMU under TCG, end to end (only
#    the parsing: cpucompat has no TCG source to compare with); every model
#    version it lists is a bundled profile, and with QEMU 7.2 each profile
#    has the features of QEMU's own definition of the model
#    (query-cpu-model-expansion), apart from what the accelerator decides;
# 3. where /dev/kvm opens and QEMU is installed: every model version, QEMU
#    under KVM against cpucompat on kvm.  Elsewhere it says why it skipped.
. "${top_srcdir}/tests/setup.sh"

PEER=$top_srcdir/tests/data/peer
AWKP="awk -f $top_srcdir/tests/peer_qemu_compare.awk"

# compare NAME QEMU-ERR QEMU-RC JSON [awk -v assignments...]: sets $rc,
# output in $T/out
compare() {
	name=$1 qerr=$2 qrc=$3 json=$4
	shift 4
	run $AWKP -v model="$name" -v qemu="$qerr" -v qrc="$qrc" \
		-v json="$json" "$@"
}

## ---------------------------------------------------------------- 1
# Skylake-Server-v4 on a Broadwell: the same 14 positions on both sides,
# 7.0 and 0xD subleaf 1 named, XCR0 bits (0xD subleaf 0) without names
compare Skylake-Server-v4 "$PEER/kvm-Skylake-Server-v4.xeon-e5-2650-v4.err" 1 \
	"$PEER/Skylake-Server-v4.xeon-e5-2650-v4.json"
expect_rc 0 "Skylake-Server-v4 on a Broadwell"
diff -u "$PEER/Skylake-Server-v4.xeon-e5-2650-v4.out" "$T/out" ||
	fail "Skylake-Server-v4 on a Broadwell: output differs"

# QEMU 8's wording, CPUID[eax=07h,ecx=00h].EBX.avx512f, reads the same
sed -e 's/CPUID\.07H:/CPUID[eax=07h,ecx=00h]./' \
	-e 's/CPUID\.0DH:EAX\.\(x[a-z0-9]*\)/CPUID[eax=0dh,ecx=01h].EAX.\1/' \
	-e 's/CPUID\.0DH:EAX /CPUID[eax=0dh,ecx=00h].EAX /' \
	"$PEER/kvm-Skylake-Server-v4.xeon-e5-2650-v4.err" >"$T/new.err"
contains "$T/new.err" 'CPUID\[eax=0dh,ecx=01h\]\.EAX\.xsavec \[bit 1\]'
compare Skylake-Server-v4 "$T/new.err" 1 \
	"$PEER/Skylake-Server-v4.xeon-e5-2650-v4.json"
expect_rc 0 "QEMU 8's wording"
diff -u "$PEER/Skylake-Server-v4.xeon-e5-2650-v4.out" "$T/out" ||
	fail "QEMU 8's wording reads differently"

# a disagreement: QEMU names erms, which cpucompat does not, and not pku
grep -v 'pku' "$PEER/kvm-Skylake-Server-v4.xeon-e5-2650-v4.err" |
	sed '1i\
qemu-system-x86_64: warning: host doesn'"'"'t support requested feature: CPUID.07H:EBX.erms [bit 9]' \
		>"$T/dis.err"
compare Skylake-Server-v4 "$T/dis.err" 1 \
	"$PEER/Skylake-Server-v4.xeon-e5-2650-v4.json"
expect_rc 1 "a disagreement"
contains "$T/out" '^  QEMU only       CPUID.(7,0).EBX\[9\]  *erms: UNEXPLAINED$'
contains "$T/out" '^  cpucompat only  CPUID.(7,0).ECX\[3\]  *pku: UNEXPLAINED$'
contains "$T/out" '^result: DISAGREE, 2 unexplained differences$'

# Snowridge-v1 on a Skylake: core-capability is documented (no KVM guest
# sees it), the MSR 0xCF bit is not compared when cpucompat carries none
compare Snowridge-v1 "$PEER/kvm-Snowridge-v1.xeon-gold-6148.err" 1 \
	"$PEER/Snowridge-v1.xeon-gold-6148.json"
expect_rc 0 "Snowridge-v1 on a Skylake"
diff -u "$PEER/Snowridge-v1.xeon-gold-6148.out" "$T/out" ||
	fail "Snowridge-v1 on a Skylake: output differs"

# Cascadelake-Server-v5 on an EPYC: the vendor; ibrs-all judged when asked
compare Cascadelake-Server-v5 "$PEER/kvm-Cascadelake-Server-v5.epyc-7502.err" \
	1 "$PEER/Cascadelake-Server-v5.epyc-7502.json"
expect_rc 0 "Cascadelake-Server-v5 on an EPYC"
diff -u "$PEER/Cascadelake-Server-v5.epyc-7502.out" "$T/out" ||
	fail "Cascadelake-Server-v5 on an EPYC: output differs"
compare Cascadelake-Server-v5 "$PEER/kvm-Cascadelake-Server-v5.epyc-7502.err" \
	1 "$PEER/Cascadelake-Server-v5.epyc-7502.json" -v msr=yes
expect_rc 1 "MSR bits judged"
contains "$T/out" '^  QEMU only       MSR 0x10a\[1\]  *ibrs-all: UNEXPLAINED$'

# Westmere-v1 on an EPYC: QEMU starts it, cpucompat refuses for the vendor
compare Westmere-v1 "$PEER/kvm-Westmere-v1.epyc-7502.err" 0 \
	"$PEER/Westmere-v1.epyc-7502.json"
expect_rc 0 "Westmere-v1 on an EPYC"
contains "$T/out" '^verdicts: QEMU accepts, cpucompat incompatible (they differ)$'
contains "$T/out" '^result: agree, apart from documented differences: vendor$'

# EPYC-Rome-v2 on a Skylake: topoext and the AMD copies of leaf 1's flags
compare EPYC-Rome-v2 "$PEER/kvm-EPYC-Rome-v2.xeon-gold-6148.err" 1 \
	"$PEER/EPYC-Rome-v2.xeon-gold-6148.json"
expect_rc 0 "EPYC-Rome-v2 on a Skylake"
contains "$T/out" '^  both            CPUID.(0x80000008,0).EBX\[12\]  *QEMU ibpb, cpucompat ibpb$'
contains "$T/out" '^  cpucompat only  CPUID.(0x80000001,0).ECX\[22\] topoext: documented: topoext$'
contains "$T/out" '^  cpucompat only  CPUID.(0x80000001,0).EDX\[24\] ext_fxsr: documented: amd-aliases$'
contains "$T/out" '^result: agree, apart from documented differences: vendor topoext amd-aliases$'
[ "$(grep -c '^  both ' "$T/out")" -eq 17 ] || fail "EPYC-Rome-v2: not 17 in both"

# Recorded on a real KVM (Linux 6.1's kvm-amd in a QEMU TCG guest with
# -cpu max, tests/nested_kvm.sh): QEMU 7.2.22's own enforce output there,
# and cpucompat on the `dump kvm` taken there.  EPYC-Rome-v2 on a host
# without vme: QEMU names vme, cpucompat vme and its AMD copy in
# 0x80000001.EDX, which QEMU adds after its check
K=$PEER/dump-kvm.tcg-max.json
for m in EPYC-Rome-v2 qemu64-v1 Icelake-Server-v3; do
	crc=0
	"$CPUCOMPAT" check -f json --all "qemu:$m" "$K" >"$T/$m.json" || crc=$?
	[ "$crc" -le 1 ] || fail "cpucompat check qemu:$m $K: exit $crc"
done
compare EPYC-Rome-v2 "$PEER/kvm-EPYC-Rome-v2.tcg-max.err" 1 \
	"$T/EPYC-Rome-v2.json"
expect_rc 0 "EPYC-Rome-v2 on KVM without vme"
contains "$T/out" '^  both            CPUID.(1,0).EDX\[1\]  *QEMU vme, cpucompat vme$'
contains "$T/out" '^  cpucompat only  CPUID.(0x80000001,0).EDX\[1\]  *ext_vme: documented: amd-aliases$'
contains "$T/out" '^result: agree, apart from documented differences: topoext amd-aliases$'
[ "$(grep -c '^  both ' "$T/out")" -eq 18 ] || fail "EPYC-Rome-v2: not 18 in both"
# without QEMU's leaf-1 bit the alias is unexplained
grep -v 'EDX.vme' "$PEER/kvm-EPYC-Rome-v2.tcg-max.err" >"$T/novme.err"
compare EPYC-Rome-v2 "$T/novme.err" 1 "$T/EPYC-Rome-v2.json"
expect_rc 1 "an alias without its leaf-1 bit"
contains "$T/out" '^  cpucompat only  CPUID.(0x80000001,0).EDX\[1\]  *ext_vme: UNEXPLAINED$'
# qemu64-v1: both start it
compare qemu64-v1 "$PEER/kvm-qemu64-v1.tcg-max.err" 0 "$T/qemu64-v1.json"
expect_rc 0 "qemu64-v1 on KVM"
contains "$T/out" '^verdicts: QEMU accepts, cpucompat compatible$'
contains "$T/out" '^result: agree$'
# Icelake-Server-v3: the MSR bits KVM emulates on every host are compared
compare Icelake-Server-v3 "$PEER/kvm-Icelake-Server-v3.tcg-max.err" 1 \
	"$T/Icelake-Server-v3.json"
expect_rc 0 "Icelake-Server-v3 on KVM"
contains "$T/out" '^  both            MSR 0x10a\[8\]  *QEMU taa-no, cpucompat taa_no$'
contains "$T/out" '^result: agree, apart from documented differences: vendor$'

# QEMU that fails for another reason, TCG output, a line it cannot read
compare x "$PEER/kvm-noaccess.err" 1 "$PEER/Westmere-v1.epyc-7502.json"
expect_rc 2 "QEMU without KVM"
contains "$T/err" 'QEMU exited 1 for another reason than a missing feature: Could not access KVM kernel module'
compare x "$PEER/tcg-Cascadelake-Server-v5.err" 1 \
	"$PEER/Cascadelake-Server-v5.epyc-7502.json"
expect_rc 2 "TCG output compared"
contains "$T/err" 'QEMU ran under TCG; cpucompat has no TCG source'
printf '%s\n' "qemu-system-x86_64: warning: host doesn't support requested feature: CPUID.07H:EBX.avx512f" \
	"qemu-system-x86_64: Host doesn't support requested features" >"$T/bad.err"
compare x "$T/bad.err" 1 "$PEER/Westmere-v1.epyc-7502.json"
expect_rc 2 "a truncated QEMU line"
contains "$T/err" "cannot read QEMU's feature in: .*CPUID.07H:EBX.avx512f$"

# TCG output parsed (mode=qemu): positions, MSR bits, subleaf 1 of 0xD
run $AWKP -v mode=qemu -v model=Cascadelake-Server-v5 -v qrc=1 \
	-v qemu="$PEER/tcg-Cascadelake-Server-v5.err"
expect_rc 0 "TCG output parsed"
diff -u "$PEER/tcg-Cascadelake-Server-v5.out" "$T/out" ||
	fail "TCG output parsed differently"

# the subleaves QEMU 7.2 leaves out, a name with a dot, KVM's own leaf
for f in "CPUID.07H:EAX.avx512-bf16 [bit 5]" "CPUID.01H:ECX.sse4.1 [bit 19]" \
	"CPUID.12H:EAX.sgx1 [bit 0]" "CPUID.12H:EAX.sgx-debug [bit 1]" \
	"CPUID.0DH:ECX [bit 15]" "CPUID.40000001H:EAX.kvm-asyncpf [bit 4]" \
	"MSR(345H).full-width-write [bit 13]"; do
	echo "qemu-system-x86_64: warning: host doesn't support requested feature: $f"
done >"$T/sub.err"
echo "qemu-system-x86_64: Host doesn't support requested features" >>"$T/sub.err"
run $AWKP -v mode=qemu -v model=x -v qrc=1 -v qemu="$T/sub.err"
expect_rc 0 "subleaves"
contains "$T/out" '^  QEMU            CPUID.(7,1).EAX\[5\]  *avx512-bf16$'
contains "$T/out" '^  QEMU            CPUID.(1,0).ECX\[19\]  *sse4.1$'
contains "$T/out" '^  QEMU            CPUID.(0x12,0).EAX\[0\]  *sgx1$'
contains "$T/out" '^  QEMU            CPUID.(0x12,1).EAX\[1\]  *sgx-debug$'
contains "$T/out" '^  QEMU            CPUID.(0xd,1).ECX\[15\]  *(no name)$'
contains "$T/out" '^  QEMU            CPUID.(0x40000001,0).EAX\[4\]  *kvm-asyncpf$'
contains "$T/out" '^  QEMU            MSR 0x345\[13\]  *full-width-write$'
# exit 0 with features named is not what enforce does
compare x "$T/sub.err" 0 "$PEER/Westmere-v1.epyc-7502.json"
expect_rc 2 "exit 0 with missing features"
contains "$T/err" 'QEMU exited 0 but names missing features'

# cpucompat's JSON as this binary writes it still reads the same
for c in Skylake-Server-v4.xeon-e5-2650-v4 Snowridge-v1.xeon-gold-6148 \
	Cascadelake-Server-v5.epyc-7502; do
	m=${c%%.*} cpu=${c#*.}
	"$CPUCOMPAT" check -f json --all "profile:$m" "$CPUS/$cpu.json" \
		>"$T/live.json" || [ $? -eq 1 ] || fail "cpucompat check $m $cpu"
	compare "$m" "$PEER/kvm-$c.err" 1 "$T/live.json"
	[ "$rc" -le 1 ] || { cat "$T/err"; fail "live JSON of $m unreadable"; }
	grep -q '^  both ' "$T/out" || fail "live JSON of $m: nothing in both"
done

## ---------------------------------------------------------------- 2
QEMU=${CPUCOMPAT_QEMU:-qemu-system-x86_64}
# qemu_enforce ACCEL MODEL: QEMU's stderr in $T/q.err, its status in $qrc
qemu_enforce() {
	qrc=0
	echo quit | timeout 60 "$QEMU" -accel "$1" -cpu "$2,enforce" \
		-machine pc -nodefaults -display none -S -monitor stdio \
		-serial none -no-reboot >/dev/null 2>"$T/q.err" || qrc=$?
}
if ! command -v "$QEMU" >/dev/null 2>&1; then
	echo "SKIP (parts 2 and 3): $QEMU is not installed"
	exit 0
fi
qemu_enforce tcg qemu64-v1
[ "$qrc" -eq 0 ] || { cat "$T/q.err"; fail "TCG refuses qemu64-v1"; }
run $AWKP -v mode=qemu -v model=qemu64-v1 -v qrc="$qrc" -v qemu="$T/q.err"
expect_rc 0 "TCG qemu64-v1"
contains "$T/out" '^peer qemu64-v1: QEMU accepts (exit 0)$'
qemu_enforce tcg Cascadelake-Server-v5
run $AWKP -v mode=qemu -v model=Cascadelake-Server-v5 -v qrc="$qrc" \
	-v qemu="$T/q.err"
expect_rc 0 "TCG Cascadelake-Server-v5"
contains "$T/out" '^peer Cascadelake-Server-v5: QEMU (TCG) refuses (exit 1)$'
contains "$T/out" '^  QEMU            CPUID.(7,0).EBX\[16\]  *avx512f$'
case $("$QEMU" --version | head -1) in
*" 7.2."*)
	diff -u "$PEER/tcg-Cascadelake-Server-v5.out" "$T/out" ||
		fail "QEMU 7.2 under TCG names other features than recorded" ;;
esac

# every model version QEMU 7.2 lists is a bundled profile (a newer QEMU may
# list versions the profiles, which follow 7.2, do not have yet)
"$CPUCOMPAT" profiles >"$T/profiles"
"$QEMU" -cpu help |
	sed -n 's/^x86 \([^ ]*-v[0-9][0-9]*\)\( .*\)\{0,1\}$/\1/p' >"$T/all-models"
[ -s "$T/all-models" ] || fail "$QEMU -cpu help lists no model version"
qemu72=no
case $("$QEMU" --version | head -1) in *" 7.2."*) qemu72=yes ;; esac
: >"$T/models"
while read -r m; do
	if grep -q "^profile:$m " "$T/profiles"; then
		echo "$m" >>"$T/models"
	elif [ "$qemu72" = yes ]; then
		fail "$QEMU knows $m, cpucompat has no profile:$m"
	else
		echo "note: $m is not a bundled profile (they follow QEMU 7.2)"
	fi
done <"$T/all-models"

# under valgrind (.ci/run) the loops below take every eighth model: the
# same code paths, in a tenth of the time
if [ -n "${CPUCOMPAT_UNDER_VALGRIND:-}" ]; then
	awk 'NR % 8 == 1' "$T/models" >"$T/sample"
	mv "$T/sample" "$T/models"
	echo "under valgrind: $(wc -l <"$T/models") model versions of" \
		"$(wc -l <"$T/all-models")"
fi

# each model as QEMU 7.2 defines it (query-cpu-model-expansion, which needs
# no KVM) has the features of its profile, by QEMU's names.  Not compared:
# what the accelerator decides, not the model -- the expansion runs under
# TCG, which turns vme off; under KVM QEMU turns x2apic on and acpi,
# monitor and svm off (and with svm the SVM leaf 0x8000000A); hypervisor
# and KVM's leaf 0x40000001 are set at run time.
if [ "$qemu72" = yes ]; then
	"$CPUCOMPAT" defs -f json >"$T/defs.json"
	# QEMU's names, but those of 0x8000000A and 0x40000001
	awk 'index($0, "\"qemu\": \"") {
		q = substr($0, index($0, "\"qemu\": \"") + 9)
		q = substr(q, 1, index(q, "\"") - 1)
		if ($0 !~ /^ *\{"leaf": (2147483658|1073741825),/) print q
	}' "$T/defs.json" | sort -u >"$T/qnames"
	grep -qx avx512f "$T/qnames" || fail "defs -f json: no QEMU names"
	{
		echo '{"execute": "qmp_capabilities"}'
		sed 's/.*/{"execute": "query-cpu-model-expansion", "arguments": {"type": "full", "model": {"name": "&"}}}/' \
			"$T/models"
		echo '{"execute": "quit"}'
	} | timeout 120 "$QEMU" -machine none -accel tcg -nodefaults \
		-display none -qmp stdio >"$T/qmp.out" 2>&1 ||
		fail "QEMU's query-cpu-model-expansion failed"
	grep '"return": {"model"' "$T/qmp.out" >"$T/expansions"
	[ "$(wc -l <"$T/expansions")" -eq "$(wc -l <"$T/models")" ] ||
		fail "QEMU expanded not every model"
	i=0 defdiff=""
	while read -r m; do
		i=$((i + 1))
		sed -n "${i}p" "$T/expansions" | grep -o '"[a-z0-9._-]*": true' |
			sed 's/^"\(.*\)": true$/\1/' | sort -u |
			grep -Fx -f "$T/qnames" >"$T/q.names" || :
		"$CPUCOMPAT" show --names qemu "profile:$m" |
			awk '$1 ~ /^(e[abcd]x|msr)\[[0-9]+\]$/ && $3 == "yes" { print $2 }' |
			sort -u | grep -Fx -f "$T/qnames" >"$T/c.names" || :
		ign='^(vme|x2apic|hypervisor|acpi|monitor|svm)$'
		qo=$(comm -23 "$T/q.names" "$T/c.names" | grep -Ev "$ign" |
			tr '\n' ' ')
		co=$(comm -13 "$T/q.names" "$T/c.names" | grep -Ev "$ign" |
			tr '\n' ' ')
		[ -z "$qo$co" ] ||
			defdiff="$defdiff
  $m: QEMU only: ${qo:-none}; profile only: ${co:-none}"
	done <"$T/models"
	[ -z "$defdiff" ] ||
		fail "profiles and QEMU's model definitions differ:$defdiff"
	echo "model definitions: $(wc -l <"$T/models") QEMU 7.2 models," \
		"each with the features of its profile"
fi

## ---------------------------------------------------------------- 3
if ! { [ -r /dev/kvm ] && [ -w /dev/kvm ]; }; then
	echo "SKIP (part 3): no usable /dev/kvm, so QEMU cannot run KVM guests" \
		"here; parts 1 and 2 ran"
	exit 0
fi
# qemu:MODEL where cpucompat reads it, else the same bundled profile
spec=profile
"$CPUCOMPAT" check qemu:qemu64 profile:qemu64-v1 >/dev/null 2>&1 && spec=qemu
n=0 same=0 documented=0 disagree=""
while read -r m; do
	n=$((n + 1))
	qemu_enforce kvm "$m"
	crc=0
	"$CPUCOMPAT" check -f json --all "$spec:$m" kvm >"$T/c.json" 2>"$T/c.err" ||
		crc=$?
	[ "$crc" -le 1 ] || { cat "$T/c.err"; fail "cpucompat check $spec:$m kvm"; }
	compare "$m" "$T/q.err" "$qrc" "$T/c.json"
	cat "$T/out" >>"$T/all"
	case $rc in
	0) if grep -q '^result: agree$' "$T/out"; then same=$((same + 1))
	   else documented=$((documented + 1)); fi ;;
	1) disagree="$disagree $m" ;;
	*) cat "$T/err"; fail "cannot compare $m" ;;
	esac
done <"$T/models"
echo "peer agreement with $("$QEMU" --version | head -1) on KVM, $spec:MODEL:" \
	"$n model versions, $same agree, $documented agree apart from" \
	"documented differences, $(echo $disagree | wc -w) disagree"
grep '^result: agree, apart' "$T/all" | sort | uniq -c
if [ -n "$disagree" ]; then
	awk -v list=" $disagree " '/^peer /{p = index(list, " " substr($2, 1, length($2) - 1) " ")} p' \
		"$T/all"
	fail "cpucompat and QEMU disagree on:$disagree"
fi
