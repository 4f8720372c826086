#!/bin/sh
# QEMU at the command line: the qemu:MODEL,+f,-f source spec (features on
# and off, errors naming the model or the feature), the qemu-cpu writer
# and its round trip (dump --format qemu-cpu profile:X, then qemu:<that>
# against profile:X both ways is identical, for Intel and AMD models),
# baseline and generate naming the nearest QEMU model, and --names qemu
# printing only names QEMU 7.2 accepts (checked against the installed
# qemu-system-x86_64 -cpu help when there is one).
. "${top_srcdir}/tests/setup.sh"

# Under valgrind (CI) fewer models and sets: the same paths, less time.
models="Cascadelake-Server-v5 Skylake-Server-v4 Icelake-Server-v6 Haswell-v1
	Snowridge-v4 core2duo-v1 EPYC-Rome-v2 EPYC-Milan-v1 Dhyana-v2
	Opteron_G5-v1 qemu64-v1"
sets="$("$CPUCOMPAT" profiles | sed 's/ .*//') $CPUS/*.json"
if [ -n "${CPUCOMPAT_UNDER_VALGRIND:-}" ]; then
	models="Cascadelake-Server-v5 EPYC-Rome-v2"
	sets="profile:epyc-genoa profile:Cascadelake-Server-v5 $CPUS/xeon-platinum-8268.json $CPUS/epyc-9334.json"
fi

# ------------------------------------------------------------ round trip
for m in $models; do
	run "$CPUCOMPAT" dump --format qemu-cpu "profile:$m"
	expect_rc 0 "dump --format qemu-cpu profile:$m"
	s=$(cat "$T/out")
	[ "$s" = "$m" ] || fail "profile:$m is written as '$s'"
	run "$CPUCOMPAT" check "qemu:$s" "profile:$m"
	expect_rc 0 "check qemu:$s profile:$m"
	run "$CPUCOMPAT" check "profile:$m" "qemu:$s"
	expect_rc 0 "check profile:$m qemu:$s"
	run "$CPUCOMPAT" diff "qemu:$s" "profile:$m"
	expect_rc 0 "diff qemu:$s profile:$m"
	contains "$T/out" "^IDENTICAL"
done

# a model with features switched is written back the same way
for s in "Cascadelake-Server-v5,-avx512vnni,+rdpid" "EPYC-Rome-v2,-xsaves" \
	"Haswell-v4,-pcid,+avx512f,+avx512bw"; do
	run "$CPUCOMPAT" dump --format qemu-cpu "qemu:$s"
	expect_rc 0 "dump --format qemu-cpu qemu:$s"
	[ "$(cat "$T/out")" = "$s" ] || fail "qemu:$s written as '$(cat "$T/out")'"
	run "$CPUCOMPAT" diff "qemu:$(cat "$T/out")" "qemu:$s"
	expect_rc 0 "diff of the round trip of $s"
done

# QEMU's spellings: avx2=off, a bare name, underscores
run "$CPUCOMPAT" diff "qemu:Haswell,avx2=off,pcid" "qemu:Haswell-v1,-avx2"
expect_rc 0 "avx2=off is -avx2"
run "$CPUCOMPAT" check "qemu:Haswell-noTSX" "qemu:Haswell,-hle,-rtm"
expect_rc 0 "Haswell-noTSX is Haswell without hle and rtm"
contains "$T/out" "stepping .* 1 -> 4"

# a recorded CPU: nearest model and differences, and what they cannot say
run "$CPUCOMPAT" dump --format qemu-cpu "$CPUS/xeon-silver-4214r.json"
expect_rc 0 "dump --format qemu-cpu of a Cascade Lake"
contains "$T/out" "^Cascadelake-Server-v5,.*+md-clear"
contains "$T/out" "^# not expressed: .* stepping"
run "$CPUCOMPAT" dump --format qemu-cpu "$CPUS/epyc-7502.json"
contains "$T/out" "^EPYC-Rome-v2,"

# ---------------------------------------------------------------- errors
run "$CPUCOMPAT" show qemu:EPYC-Rome-v2,-xsaves
expect_rc 0 "show qemu:EPYC-Rome-v2,-xsaves"
contains "$T/out" "eax\[3\] *xsaves *no "
run "$CPUCOMPAT" show qemu:Nonexistent
expect_rc 2 "an unknown model"
contains "$T/err" "qemu:Nonexistent: no such QEMU CPU model; the models are .*Cascadelake-Server"
run "$CPUCOMPAT" show qemu:Cascadelake-Servr
expect_rc 2 "a misspelt model"
contains "$T/err" "did you mean Cascadelake-Server"
run "$CPUCOMPAT" check qemu:Haswell,+bogus profile:Haswell-v1
expect_rc 2 "an unknown feature"
contains "$T/err" "qemu:Haswell,+bogus: no GenuineIntel CPUID flag is called 'bogus'"
run "$CPUCOMPAT" show qemu:Skylake-Server,-avx512vnn
expect_rc 2 "a misspelt feature"
contains "$T/err" "'avx512vnn'; did you mean avx512vnni?"
run "$CPUCOMPAT" show qemu:Haswell,avx2=maybe
expect_rc 2 "a feature value other than on and off"
contains "$T/err" "'avx2=maybe'"
run "$CPUCOMPAT" dump --format qemu-cpu profile:x86-64-v3
expect_rc 0 "a profile of no vendor"
run "$CPUCOMPAT" generate -f qemu-cpu --name x "$CPUS/epyc-7502.json"
expect_rc 0 "generate writes a -cpu argument"
contains "$T/out" "^EPYC-Rome-v2,"
# ... which QEMU's own spelling reads back as the same guest view
qarg=$(head -n1 "$T/out")
run "$CPUCOMPAT" generate -f json --name x -o "$T/gen.json" "$CPUS/epyc-7502.json"
expect_rc 0 "generate json"
run "$CPUCOMPAT" check "qemu:$qarg" "$T/gen.json"
expect_rc 0 "qemu:<generated -cpu> runs where the generated profile runs"

# ------------------------------------------------- baseline and generate
run "$CPUCOMPAT" baseline --report "$T/r.json" -o "$T/b.json" \
	"$CPUS/xeon-silver-4214r.json"
expect_rc 0 "baseline of a Cascade Lake"
contains "$T/err" "^nearest QEMU model: Cascadelake-Server-v5"
contains "$T/b.json" '"qemu_nearest": "Cascadelake-Server-v5'
contains "$T/r.json" '"nearest_qemu_model": "Cascadelake-Server-v5'
run "$CPUCOMPAT" generate --name x -o "$T/g.json" "$CPUS/epyc-7502.json"
expect_rc 0 "generate from a Rome"
contains "$T/err" "^nearest QEMU model: EPYC-Rome-v2"
contains "$T/g.json" '"qemu_nearest": "EPYC-Rome-v2'

# ---------------------------------------------------------- --names qemu
# Every flag name --names qemu prints is a QEMU 7.2 flag or, in brackets,
# marked as none
# (multi-bit values such as family print our name: QEMU has no flag).
: >"$T/names"
for s in $sets; do
	"$CPUCOMPAT" show --names qemu --format json "$s" >"$T/show"
	sed -n 's/.*"bits": \[\([0-9]*\), \1\], "name": "\([^"]*\)", "value".*/\2/p' \
		"$T/show" >>"$T/names"
done
sort -u "$T/names" >"$T/printed"
grep -v '^\[.*\]$' "$T/printed" >"$T/flags" || true
[ "$(wc -l <"$T/flags")" -gt 150 ] || fail "too few QEMU flags printed"
for n in amd-psfd stibp-always-on no-nested-data-bp null-sel-clr-base \
	lfence-always-serializing; do
	lacks "$T/printed" "^$n\$"
done
contains "$T/printed" "^\[amd_psfd\]\$"
contains "$T/printed" "^\[stibp_always_on\]\$"
contains "$T/printed" "^avx512vnni\$"
run "$CPUCOMPAT" check --names qemu "$CPUS/epyc-9334.json" "$CPUS/epyc-7502.json"
lacks "$T/out" "amd-psfd"

if command -v qemu-system-x86_64 >/dev/null 2>&1; then
	qemu-system-x86_64 -cpu help | sed -n '/^Recognized CPUID flags:/,$p' |
		tail -n +2 | tr ' ' '\n' | sed '/^$/d' | sort -u >"$T/qemu"
	[ -s "$T/qemu" ] || fail "qemu-system-x86_64 -cpu help lists no flags"
	comm -23 "$T/flags" "$T/qemu" >"$T/rejected"
	[ ! -s "$T/rejected" ] ||
		fail "--names qemu prints names $(qemu-system-x86_64 --version | head -n1) rejects: $(tr '\n' ' ' <"$T/rejected")"
else
	echo "qemu-system-x86_64 is not installed: names not compared with QEMU's"
fi
exit 0
