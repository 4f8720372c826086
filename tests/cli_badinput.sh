#!/bin/sh
# Bad input, table driven: every row must exit 2 with exactly one line on
# stderr that names the file (and the line, JSON path or entry where there
# is one), print nothing on stdout, and create nothing when -o names an
# output file.  Also: inputs over 64 MiB are refused without being read,
# and 100000 nested '[' cannot exhaust the stack (cJSON's nesting limit).
. "${top_srcdir}/tests/setup.sh"

rows=0
O=$T/o # the -o target's directory: must stay empty
mkdir "$O"

# row NAME PATTERN ARG...: run cpucompat ARG... (stdin from /dev/null
# unless STDIN names a file) and check the contract above; PATTERN is a
# basic regular expression the stderr line must match.
row() {
	name=$1 pat=$2
	shift 2
	rows=$((rows + 1))
	rc=0
	"$CPUCOMPAT" "$@" <"${STDIN:-/dev/null}" >"$T/out" 2>"$T/err" || rc=$?
	[ "$rc" = 2 ] || {
		cat "$T/err"
		fail "row $rows ($name): exit $rc, expected 2"
	}
	[ ! -s "$T/out" ] || fail "row $rows ($name): wrote to stdout"
	n=$(wc -l <"$T/err")
	[ "$n" = 1 ] || {
		cat "$T/err"
		fail "row $rows ($name): $n lines on stderr, expected 1"
	}
	grep -q -e "^cpucompat: $pat" "$T/err" || {
		cat "$T/err"
		fail "row $rows ($name): stderr does not match '$pat'"
	}
	[ -z "$(ls -A "$O")" ] || fail "row $rows ($name): left $(ls -A "$O")"
}

# dump FILE to $O/out.json; FILE is named relative to $T in the messages
cd "$T"
dump() {
	name=$1 pat=$2
	shift 2
	row "$name" "$pat" dump "$@" -o "$O/out.json"
}

# --- fixtures: one small valid file per format (the dumps announce leaf 7
# as their maximum and hold it: a dump that stops short of its announced
# maximum is truncated, itself bad input)
cat >n.json <<'EOF'
{"format": "cpucompat", "version": 1, "kind": "dump", "name": "x", "meta": {}, "leaves": [
 {"leaf": "0x00000000", "subleaf": 0, "eax": "0x00000007", "ebx": "0x756e6547", "ecx": "0x6c65746e", "edx": "0x49656e69"},
 {"leaf": "0x00000007", "subleaf": 0, "eax": "0x00000000", "ebx": "0x00000001", "ecx": "0x00000000", "edx": "0x00000000"}
]}
EOF
cat >r.txt <<'EOF'
CPU 0:
   0x00000000 0x00: eax=0x00000007 ebx=0x756e6547 ecx=0x6c65746e edx=0x49656e69
   0x00000007 0x00: eax=0x00000000 ebx=0x00000001 ecx=0x00000000 edx=0x00000000
EOF
cat >v.xml <<'EOF'
<!-- a CPU -->
<cpudata arch='x86'>
  <cpuid eax_in='0x00000000' ecx_in='0x00' eax='0x00000007' ebx='0x756e6547' ecx='0x6c65746e' edx='0x49656e69'/>
  <cpuid eax_in='0x00000007' ecx_in='0x00' eax='0x00000000' ebx='0x00000001' ecx='0x00000000' edx='0x00000000'/>
</cpudata>
EOF
cat >a.txt <<'EOF'
CPUID 00000000: 00000007-756E6547-6C65746E-49656E69 [SL 00]
CPUID 00000007: 00000000-00000001-00000000-00000000 [SL 00]
EOF
cat >c.json <<'EOF'
[{"function": 0, "index": 0, "flags": 0, "eax": 7, "ebx": 1970169159, "ecx": 1818588270, "edx": 1231384169},
 {"function": 7, "index": 0, "flags": 1, "eax": 0, "ebx": 1, "ecx": 0, "edx": 0}]
EOF
cat >p.json <<'EOF'
{"hypervisor": "Kvm", "cpu_vendor": "Intel", "adjustments": [
 [{"leaf": "0x00000000", "sub_leaf": {"start": 0, "end": 0}, "register": "EAX"}, {"replacements": "0x0000000d", "mask": "0x00000000"}],
 [{"leaf": "0x00000007", "sub_leaf": {"start": 0, "end": 0}, "register": "EBX"}, {"replacements": "0x00000001", "mask": "0xfffffff0"}]
]}
EOF
cat >f.json <<'EOF'
{"cpuid_modifiers": [
 {"leaf": "0x7", "subleaf": "0x0", "flags": 1, "modifiers": [{"register": "ebx", "bitmap": "0bxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx1"}]}
]}
EOF
for f in n.json r.txt v.xml a.txt c.json p.json f.json; do
	"$CPUCOMPAT" dump "$f" >/dev/null || fail "fixture $f does not load"
done

# --- whole-file problems
: >empty.json
dump "empty file" "empty.json: file is empty" empty.json
printf ' \n\t\n' >blank.txt
dump "only blanks" "blank.txt: not a CPUID file in any known format" blank.txt
printf '\177ELF\2\1\1\0\0\0\0\0\0\0\0\0\3\0>\0' >bin.dat
dump "binary" "bin.dat: NUL byte at offset 7" bin.dat
printf '{"format": "cpucompat",\0"version": 1}' >nul.json
dump "NUL byte in JSON" "nul.json: NUL byte at offset 23" nul.json
printf '\377\376{\0"\0f\0' >utf16.json
dump "UTF-16 text" "utf16.json: NUL byte at offset 3" utf16.json
awk 'BEGIN { for (i = 0; i < 200000; i++) printf "x"; print "" }' >huge.txt
dump "huge line" "huge.txt: not a CPUID file in any known format" huge.txt
dump "huge line, cpuid-r" "huge.txt:1: expected a \"CPU N:\" header or a leaf line" \
	--input-format cpuid-r huge.txt
dump "directory" "$T: is a directory" "$T"
dump "missing file" "nope.json: cannot open: No such file or directory" nope.json
# root reads a chmod 000 file, so use a file whose read fails for anyone
dump "unreadable file" "/proc/self/mem: read failed" /proc/self/mem
printf 'CPU:\n   0x00000000 0x00: eax=0x1 ebx=0x2 ecx=0x3\n' >cut.txt
dump "format named wrongly" "cut.txt:1:1: invalid JSON" --input-format json cut.txt

# --- /dev/kvm absent, unopenable (read-only even for root), not KVM
export CPUCOMPAT_KVM_DEVICE
CPUCOMPAT_KVM_DEVICE=/nonexistent
dump "no /dev/kvm" "/nonexistent: no such device: KVM is not available" kvm
if [ -e /proc/sys/kernel/ostype ]; then
	CPUCOMPAT_KVM_DEVICE=/proc/sys/kernel/ostype
	dump "/dev/kvm EACCES" "/proc/sys/kernel/ostype: permission denied" kvm
fi
CPUCOMPAT_KVM_DEVICE=$T/n.json
dump "not a KVM device" "$T/n.json: not a KVM device" kvm
CPUCOMPAT_KVM_DEVICE=$T
dump "KVM device a directory" "$T: cannot open: Is a directory" kvm
unset CPUCOMPAT_KVM_DEVICE

# --- over 64 MiB: refused by size, as a sparse file (never read) and on a
# pipe (read up to the limit, then refused)
truncate -s 65M sparse.json
dump "65 MiB sparse file" "sparse.json: file is 68157440 bytes, larger than the 64 MiB limit" sparse.json
if [ -z "${CPUCOMPAT_UNDER_VALGRIND:-}" ]; then
	mkfifo pipe
	head -c 68157440 /dev/zero >pipe 2>/dev/null &
	STDIN=pipe dump "65 MiB on a pipe" "<stdin>: input larger than the 64 MiB limit" -
	wait || :
	rm -f pipe
fi
rm -f sparse.json

# --- deep nesting: cJSON stops at 1000 levels, well before the stack
{
	printf '{"format": "cpucompat", "version": 1, "x": '
	head -c 100000 /dev/zero | tr '\0' '['
} >deep.json
dump "100000 nested [" "deep.json:1:[0-9]*: invalid JSON: nested deeper than the limit" deep.json
head -c 100000 /dev/zero | tr '\0' '[' >deep2.json
dump "100000 nested [, CpuIdEntry list" "deep2.json:1:1001: invalid JSON: nested deeper" \
	--input-format cloud-hypervisor deep2.json
{
	printf '{"hypervisor": "Kvm", "adjustments": '
	awk 'BEGIN { for (i = 0; i < 100000; i++) printf "{\"a\":" }'
} >deep3.json
dump "100000 nested objects, profile" "deep3.json:1:[0-9]*: invalid JSON: nested deeper" deep3.json
{
	printf '<cpudata arch="x86">'
	awk 'BEGIN { for (i = 0; i < 100000; i++) printf "<a>" }'
} >deep.xml
dump "100000 nested elements, XML" "deep.xml:1: unexpected <a> in <cpudata>" deep.xml

# --- XML entity tricks: expansion is bounded, external entities not read
{
	echo "<?xml version='1.0'?>"
	echo "<!DOCTYPE cpudata ["
	echo " <!ENTITY a 'aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa'>"
	prev=a
	for e in b c d e f g; do
		printf " <!ENTITY %s '" "$e"
		for i in 1 2 3 4 5 6 7 8 9 10 11 12 13 14 15 16 17 18 19 20; do
			printf '&%s;' "$prev"
		done
		echo "'>"
		prev=$e
	done
	echo "]>"
	echo "<cpudata arch='x86'>"
	echo "  <cpuid eax_in='0x00000000' ecx_in='0x00' eax='&g;' ebx='0x0' ecx='0x0' edx='0x0'/>"
	echo "</cpudata>"
} >lol.xml
dump "entity expansion bomb" "lol.xml:12: invalid XML: limit on input amplification" lol.xml
cat >xxe.xml <<'EOF'
<?xml version='1.0'?>
<!DOCTYPE cpudata [ <!ENTITY x SYSTEM "file:///etc/passwd"> ]>
<cpudata arch='x86'>
  <cpuid eax_in='0x00000000' ecx_in='0x00' eax='&x;' ebx='0x0' ecx='0x0' edx='0x0'/>
</cpudata>
EOF
dump "external entity" "xxe.xml:4: invalid XML: reference to external entity in attribute" xxe.xml

# --- wrong types
sed 's/"leaves": \[/"leaves": {"a": [/; s/^\]}$/]}}/' n.json >t1.json
dump "leaves not a list" "t1.json: leaves: expected a list" t1.json
sed 's/"eax": "0x00000007"/"eax": 7/' n.json >t2.json
dump "register a number" "t2.json: leaves\[0\].eax: expected a 32-bit hex string.*(wrong JSON type)" t2.json
sed 's/"version": 1/"version": "1"/' n.json >t3.json
dump "version a string" "t3.json: version: expected 1" t3.json
sed 's/"function": 7/"function": "7"/' c.json >t4.json
dump "function a string" "t4.json: \[1\].function: expected an integer.*(wrong JSON type)" t4.json
sed 's/"leaf": "0x7"/"leaf": true/' f.json >t5.json
dump "leaf a boolean" "t5.json: cpuid_modifiers\[0\].leaf: expected.*(wrong JSON type)" t5.json
sed 's/"adjustments": \[/"adjustments": {"a": [/; s/^\]}$/]}}/' p.json >t6.json
dump "adjustments an object" "t6.json: adjustments: expected an array, got an object" \
	--input-format cloud-hypervisor-profile t6.json
sed 's/"register": "EAX"/"register": 0/' p.json >t7.json
dump "register a number, profile" "t7.json: adjustments\[0\]\[0\].register: expected" t7.json

# --- numbers over 32 bits
sed 's/"ebx": "0x00000001"/"ebx": "0x100000001"/' n.json >o1.json
dump "hex over 32 bits" "o1.json: leaves\[1\].ebx: .*(value over 32 bits)" o1.json
sed 's/"ebx": 1,/"ebx": 4294967296,/' c.json >o2.json
dump "integer over 32 bits" "o2.json: \[1\].ebx: .*(value over 32 bits)" o2.json
sed 's/ebx=0x00000001/ebx=0x100000001/' r.txt >o3.txt
dump "cpuid-r over 32 bits" "o3.txt:3: ebx= .*(value over 32 bits)" o3.txt
sed "s/ebx='0x00000001'/ebx='0x100000001'/" v.xml >o4.xml
dump "libvirt over 32 bits" "o4.xml:4: <cpuid ebx='0x100000001'>.*(value over 32 bits)" o4.xml
sed 's/-00000001-/-100000001-/' a.txt >o5.txt
dump "AIDA64 over 32 bits" "o5.txt:2: EBX \"100000001\".*(value over 32 bits)" o5.txt
sed 's/"subleaf": 0, "eax": "0x00000000"/"subleaf": 4294967296, "eax": "0x00000000"/' n.json >o6.json
dump "subleaf over 32 bits" "o6.json: leaves\[1\].subleaf: .*(value over 32 bits)" o6.json
sed 's/"subleaf": "0x0"/"subleaf": "0x1ffffffff"/' f.json >o7.json
dump "Firecracker subleaf over 32 bits" "o7.json: cpuid_modifiers\[0\].subleaf: .*(value over 32 bits)" o7.json

# --- negative numbers
sed 's/"function": 7/"function": -7/' c.json >m1.json
dump "negative function" "m1.json: \[1\].function: .*(negative number)" m1.json
sed 's/"subleaf": 0, "eax": "0x00000000"/"subleaf": -1, "eax": "0x00000000"/' n.json >m2.json
dump "negative subleaf" "m2.json: leaves\[1\].subleaf: .*(negative number)" m2.json
sed "s/ebx='0x00000001'/ebx='-0x1'/" v.xml >m3.xml
dump "negative hex, libvirt" "m3.xml:4: <cpuid ebx='-0x1'>.*(negative number)" m3.xml
sed 's/"start": 0, "end": 0}, "register": "EBX"/"start": -1, "end": 0}, "register": "EBX"/' p.json >m4.json
dump "negative start, profile" "m4.json: adjustments\[1\]\[0\].sub_leaf.start: .*(negative number)" m4.json

# --- duplicate leaves
sed '2p' n.json >d1.json
dump "duplicate leaf, native" "d1.json: leaves\[1\]: leaf 0x00000000 subleaf 0 appears twice" d1.json
sed '3p' r.txt >d2.txt
dump "duplicate leaf, cpuid-r" "d2.txt:4: duplicate leaf 0x00000007 subleaf 0x00 (first on line 3)" d2.txt
sed '4p' v.xml >d3.xml
dump "duplicate leaf, libvirt" "d3.xml:5: duplicate <cpuid eax_in='0x00000007'" d3.xml
sed '2p' a.txt >d4.txt
dump "duplicate leaf, AIDA64" "d4.txt:3: duplicate leaf 00000007 subleaf 00" d4.txt
sed 's/^\]$//; s/}]$/}, {"function": 7, "index": 0, "eax": 0, "ebx": 0, "ecx": 0, "edx": 0}]/' c.json >d5.json
dump "duplicate leaf, CpuIdEntry" "d5.json: \[2\]: duplicate function 0x7 index 0" d5.json
sed 's/^\]}$/, {"leaf": 7, "subleaf": 0}]}/' f.json >d6.json
dump "duplicate leaf, Firecracker" "d6.json: cpuid_modifiers\[1\]: leaf 0x7 subleaf 0x0 is given twice" d6.json
sed '2p' p.json | sed '3s/0x0000000d/0x0000000e/' >d7.json
dump "overlapping adjustments" "d7.json: adjustments\[1\]\[0\]: leaf 0x00000000 eax subleaves 0..0 overlap" d7.json

# --- other structural errors, one per reader
dump "no such CPU" "r.txt: no CPU 5 in this file: it has 1 CPU" --cpu 5 r.txt
for f in v.xml c.json f.json; do
	dump "no CPU 1 in a one-CPU $f" "$f: no CPU 1: the file describes one CPU" \
		--cpu 1 "$f"
done
{ cat r.txt; echo "CPU 0:"; } >s1.txt
dump "CPU header twice" "s1.txt:4: CPU 0 appears twice" s1.txt
{
	cat a.txt
	awk 'BEGIN { for (i = 0; i < 1100; i++) printf "MSR %08X: 0000-0000-0000-0001\n", i }'
} >s2.txt
dump "too many MSRs" "s2.txt:1027: more than 1024 MSRs" s2.txt
sed 's/cpudata/cpuinfo/g' v.xml >s3.xml
dump "wrong XML root" "s3.xml:2: expected the root element <cpudata>, got <cpuinfo>" \
	--input-format libvirt s3.xml
sed 's/"kind": "dump"/"kind": "snapshot"/' n.json >s4.json
dump "unknown kind" "s4.json: kind: expected \"dump\" or \"profile\"" s4.json
sed 's/0bxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx1/0bxx1/' f.json >s5.json
dump "short bitmap" "s5.json: cpuid_modifiers\[0\].modifiers\[0\].bitmap: .*(wrong length: 3 digits, expected 32)" s5.json
sed 's/"start": 0, "end": 0}, "register": "EBX"/"start": 5, "end": 1}, "register": "EBX"/' p.json >s6.json
dump "subleaf range backwards" "s6.json: adjustments\[1\]\[0\].sub_leaf: start 5 is after end 1" s6.json

# --- leaf 0 missing, inconsistent maxima
sed '2d' n.json >z1.json
dump "leaf 0 missing, native" "z1.json: leaf 0x00000000 (vendor and maximum basic leaf) is missing" z1.json
sed '2d' r.txt >z2.txt
dump "leaf 0 missing, cpuid-r" "z2.txt: leaf 0x00000000 .* is missing" z2.txt
sed '3d' v.xml >z3.xml
dump "leaf 0 missing, libvirt" "z3.xml: leaf 0x00000000 .* is missing" z3.xml
sed 's/"eax": "0x00000007"/"eax": "0x80000008"/' n.json >x1.json
dump "inconsistent maxima" "x1.json: leaf 0x00000000 EAX: maximum basic leaf 0x80000008 is past the basic range" x1.json
sed 's/eax=0x00000007/eax=0x40000001/' r.txt >x2.txt
dump "inconsistent maxima, cpuid-r" "x2.txt: leaf 0x00000000 EAX: .*(inconsistent maxima)" x2.txt

# --- truncated at every structural point: each prefix of a valid file that
# ends just before a delimiter ({}[]:," in JSON, < > = ' in XML, a blank or
# '=' in text) must fail where it ends (every 4th point under valgrind)
truncations() { # FILE FORMAT PATTERN CHARS
	f=$1 fmt=$2 tpat=$3 chars=$4
	step=1
	[ -z "${CPUCOMPAT_UNDER_VALGRIND:-}" ] || step=4
	# offsets of CHARS after the first line's start and after a
	# non-blank on their own line (a cut at a line end is a whole file)
	offs=$(od -An -v -tu1 "$f" | tr -s ' ' '\n' | awk -v set="$chars" -v step="$step" '
		NF { n++; c = sprintf("%c", $1)
		     if (c == "\n") { line++; seen = 0; next }
		     if (seen && line > 0 && index(set, c) && (k++ % step) == 0)
			print n - 1
		     if (c != " ") seen = 1 }')
	for off in $offs; do
		head -c "$off" "$f" >"cut-$off.$fmt"
		dump "$f cut at byte $off" "cut-$off.$fmt:$tpat" --input-format "$fmt" \
			"cut-$off.$fmt"
		rm -f "cut-$off.$fmt"
	done
}
fixed=$rows
head -2 n.json >n2.json
truncations n2.json json '[0-9]*:[0-9]*: invalid JSON (truncated?)' '{}[]:,"'
truncations c.json cloud-hypervisor '[0-9]*:[0-9]*: invalid JSON (truncated?)' '{}[]:,"'
head -3 r.txt >r2.txt
truncations r2.txt cpuid-r '[23]: ' ' ='
truncations v.xml libvirt '[0-9]*: invalid XML' "<>='"

echo "$rows bad-input rows passed: $fixed cases, $((rows - fixed)) truncation points"
[ "$fixed" -ge 40 ] || fail "only $fixed cases"
exit 0
