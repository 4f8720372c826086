#!/bin/sh
# Global options, per-command --help, usage errors and exit codes.
. "${top_srcdir}/tests/setup.sh"

run "$CPUCOMPAT" --version
expect_rc 0 "--version"
contains "$T/out" "^cpucompat [0-9]"

run "$CPUCOMPAT" --help
expect_rc 0 "--help"
cp "$T/out" "$T/help"
for c in dump show check diff defs profiles; do
	contains "$T/help" "^  $c "
	run "$CPUCOMPAT" "$c" --help
	expect_rc 0 "$c --help"
	contains "$T/out" "^usage: cpucompat $c"
done

run "$CPUCOMPAT"
expect_rc 2 "no command"
run "$CPUCOMPAT" frobnicate
expect_rc 2 "unknown command"
contains "$T/err" "unknown command 'frobnicate'"
run "$CPUCOMPAT" check onlyone
expect_rc 2 "check with one source"
contains "$T/err" "expected two sources"
run "$CPUCOMPAT" check --format yaml a b
expect_rc 2 "bad --format"
run "$CPUCOMPAT" dump --cpu x host
expect_rc 2 "bad --cpu"
[ ! -s "$T/out" ] || fail "usage errors print nothing on stdout"

# input errors are exit 2 (never 1) and name the file
run "$CPUCOMPAT" check "$T/nonexistent.json" host
expect_rc 2 "missing file"
contains "$T/err" "nonexistent.json: cannot open"
printf 'hello world\n' >"$T/junk.txt"
run "$CPUCOMPAT" check "$T/junk.txt" host
expect_rc 2 "unknown format"
contains "$T/err" "junk.txt: not a CPUID file in any known format"
contains "$T/err" "--input-format"
run "$CPUCOMPAT" check "$T" host
expect_rc 2 "directory"
contains "$T/err" "is a directory"
run "$CPUCOMPAT" check profile:no-such-thing host
expect_rc 2 "unknown profile"
contains "$T/err" "profile:no-such-thing: no such bundled profile"

# /dev/kvm absent: a clear message with the fix, exit 2
CPUCOMPAT_KVM_DEVICE=$T/no-kvm run "$CPUCOMPAT" dump kvm
expect_rc 2 "missing kvm device"
contains "$T/err" "no-kvm: no such device: KVM is not available"
: >"$T/not-kvm"
CPUCOMPAT_KVM_DEVICE=$T/not-kvm run "$CPUCOMPAT" dump kvm
expect_rc 2 "not a kvm device"
contains "$T/err" "not a KVM device"
exit 0
