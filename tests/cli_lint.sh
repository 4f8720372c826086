#!/bin/sh
# `cpucompat lint`: every bundled profile and recorded CPU is consistent
# (but the early Ice Lake, see tests/check_lint.c), a profile with AVX-512
# but no XCR0 bit 5 is caught in text and JSON, exit statuses 0/1/2, and
# QEMU model names (unversioned, aliases, unknown with suggestions).
. "${top_srcdir}/tests/setup.sh"

for p in $("$CPUCOMPAT" profiles | sed 's/ .*//'); do
	run "$CPUCOMPAT" lint "$p"
	expect_rc 0 "lint $p"
	contains "$T/out" "^$p: consistent"
done
[ "$("$CPUCOMPAT" profiles | grep -c ' QEMU model ')" -eq 74 ] ||
	fail "not every QEMU 7.2 model version is bundled"

run "$CPUCOMPAT" lint "$CPUS/xeon-platinum-8268.json" "$CPUS/epyc-9334.json"
expect_rc 0 "lint two recorded CPUs"
run "$CPUCOMPAT" lint "$CPUS/ice-lake-server.json"
expect_rc 1 "lint the early Ice Lake"
contains "$T/out" "has mpx (CPUID.(7,0).EBX\[14\]), which needs XCR0 bit 3"

# requires AVX, AVX2 and AVX512F; XCR0 fixed to x87, SSE and AVX
cat >"$T/avx512.json" <<'JSON'
{"format": "cpucompat", "version": 1, "kind": "profile", "uncovered": "host",
 "leaves": [
  {"leaf": "0x00000001", "subleaf": 0, "eax": "0x0", "ebx": "0x0",
   "ecx": "0x14000000", "edx": "0x06000000",
   "mask": {"ecx": "0xebffffff", "edx": "0xf9ffffff"}, "absent": ["eax", "ebx"]},
  {"leaf": "0x00000007", "subleaf": 0, "eax": "0x0", "ebx": "0x00010020",
   "ecx": "0x0", "edx": "0x0", "mask": {"ebx": "0xfffeffdf"},
   "absent": ["eax", "ecx", "edx"]},
  {"leaf": "0x0000000d", "subleaf": 0, "eax": "0x7", "ebx": "0x0",
   "ecx": "0x0", "edx": "0x0", "mask": {"eax": "0xffffff18"},
   "absent": ["ebx", "ecx", "edx"]}
 ]}
JSON
run "$CPUCOMPAT" lint "$T/avx512.json"
expect_rc 1 "lint a profile with avx512f but not XCR0 bit 5"
contains "$T/out" "requires avx512f (CPUID.(7,0).EBX\[16\]), which needs XCR0 bit 5 (AVX-512 opmask state): xcr0_opmask"
run "$CPUCOMPAT" lint -f json "$T/avx512.json"
expect_rc 1 "lint -f json"
contains "$T/out" '"schema": "cpucompat-lint/1"'
contains "$T/out" '"feature": "avx512f", "feature_position": "CPUID.(7,0).EBX\[16\]", "kind": "state", "needs": "xcr0_opmask"'
contains "$T/out" '"verdict": "inconsistent"'

run "$CPUCOMPAT" lint "$T/no-such-file.json"
expect_rc 2 "lint a missing file"
run "$CPUCOMPAT" lint --format yaml profile:x86-64-v3
expect_rc 2 "lint --format yaml"

# QEMU's names: unversioned is v1, aliases, unknown names suggest
run "$CPUCOMPAT" check profile:Cascadelake-Server "$CPUS/xeon-platinum-8268.json"
expect_rc 0 "profile:Cascadelake-Server"
contains "$T/out" "source: Cascadelake-Server-v1 (profile:Cascadelake-Server)"
run "$CPUCOMPAT" check profile:Haswell-noTSX "$CPUS/xeon-e7-8890.json"
contains "$T/out" "source: Haswell-v2 (profile:Haswell-noTSX)"
run "$CPUCOMPAT" check profile:Cascadelake-Server-v9 "$CPUS/xeon-platinum-8268.json"
expect_rc 2 "unknown QEMU model version"
contains "$T/err" "profile:Cascadelake-Server-v9: no such bundled profile; did you mean Cascadelake-Server-v1, "
