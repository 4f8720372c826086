#!/bin/sh
# The worked CI example of the man page and README: a profile kept in a
# repository, a change to it that now requires a feature the profile left
# to the host, `cpucompat diff` failing with the named reason in every
# output format (text, JSON, JUnit, Markdown, GitHub annotations), a
# waiver with a reason making it pass, a waiver without one rejected, a
# stale waiver listed and failing under --strict-waivers.  Then the other
# changes of stance, and two captures of one host that differ only in APIC
# IDs comparing equal for guests.
. "${top_srcdir}/tests/setup.sh"

# the repository: the profile as committed (base.json) and as changed in
# the pull request (cascadelake.json): avx512vbmi, CPUID.(7,0).ECX[1], was
# left to the host (mask bit set) and is now required (value bit set)
mkdir "$T/repo"
cd "$T/repo"
cp "$top_srcdir/profiles/cascadelake.json" base.json
LINE7=$(grep -n '"leaf": "0x00000007", "subleaf": 0,' base.json | cut -d: -f1)
[ -n "$LINE7" ] || fail "the profile has no leaf 7 entry"
sed 's/"ecx": "0x00000808", "edx": "0xa4000000", "mask": {"ebx": "0x2e60f856", "ecx": "0xfffff7f7"/"ecx": "0x0000080a", "edx": "0xa4000000", "mask": {"ebx": "0x2e60f856", "ecx": "0xfffff7f5"/' \
	base.json >cascadelake.json
cmp -s base.json cascadelake.json && fail "the change was not made"
REASON="now requires avx512vbmi: hosts without it can no longer run this profile"

# unchanged: identical, exit 0
run "$CPUCOMPAT" diff base.json base.json
expect_rc 0 "unchanged profile"
contains "$T/out" "^IDENTICAL: the two CPUID sets are the same"
run "$CPUCOMPAT" check base.json base.json
expect_rc 0 "check of an unchanged profile"
contains "$T/out" "^IDENTICAL"

# text: fails, names the field and the reason
run "$CPUCOMPAT" diff base.json cascadelake.json
expect_rc 1 "diff text"
contains "$T/out" "^DIFFERENT: the two CPUID sets differ"
contains "$T/out" "^  avx512vbmi  *CPUID.(7,0).ECX\[1\]  *host -> yes$"
contains "$T/out" "^      $REASON$"
contains "$T/out" "^Summary: 1 incompatible, 0 warnings, 0 info, 0 waived"
# check (can a running guest move?) sees the change too, never IDENTICAL,
# but only warns: a guest of the old profile loses nothing
run "$CPUCOMPAT" check base.json cascadelake.json
expect_rc 0 "check text"
contains "$T/out" "^COMPATIBLE: the target can run guests of this profile"
contains "$T/out" "^Warnings (the guest can see these, but they do not block) (1):"
contains "$T/out" "^      $REASON$"

# JSON
run "$CPUCOMPAT" diff -f json base.json cascadelake.json
expect_rc 1 "diff json"
contains "$T/out" '"exit_status": 1,'
contains "$T/out" '"unused_waivers": \[\],'
contains "$T/out" '"position": "CPUID.(7,0).ECX\[1\]", "name": "avx512vbmi", "change": "stance", "severity": "incompatible", "rule": "subset", "status": "different", "source": null, "target": 1, "stance": \["host", "required"\], "meaning": "'"$REASON"'", "fails": true,'
[ "$(grep -c '"fails": true' "$T/out")" = 1 ] || fail "json: not one failing finding"

# JUnit: one failure, carrying the reason
run "$CPUCOMPAT" diff -f junit base.json cascadelake.json
expect_rc 1 "diff junit"
contains "$T/out" 'tests="19" failures="1" errors="0"'
contains "$T/out" '<failure type="different" message="1 differing field">incompatible avx512vbmi CPUID.(7,0).ECX\[1\]: host -&gt; yes: '"$REASON"' (AVX-512'

# Markdown: the verdict, a table row with position, change and meaning
run "$CPUCOMPAT" diff -f markdown base.json cascadelake.json
expect_rc 1 "diff markdown"
contains "$T/out" "^## cpucompat diff: .* fails$"
contains "$T/out" '^| Field | Position | Change | Meaning |$'
contains "$T/out" "^| avx512vbmi | \`CPUID.(7,0).ECX\[1\]\` | host → yes | $REASON |\$"
contains "$T/out" "^1 failing, 0 waived, 0 not visible to KVM guests; exit status 1.$"
cp "$T/out" "$T/fail.md"

# GitHub: one error on the line of cascadelake.json defining leaf 7, and
# the verdict as a notice
run "$CPUCOMPAT" diff -f github base.json cascadelake.json
expect_rc 1 "diff github"
[ "$(wc -l <"$T/out")" = 2 ] || fail "github: expected 2 lines, got $(cat "$T/out")"
[ "$(head -1 "$T/out")" = "::error file=cascadelake.json,line=$LINE7,title=cpucompat diff%3A avx512vbmi incompatible::$REASON (CPUID.(7,0).ECX[1]: host -> yes)" ] ||
	fail "github: wrong annotation: $(head -1 "$T/out")"
[ "$(tail -1 "$T/out")" = "::notice title=cpucompat diff::different; 1 failing, 0 waived; exit status 1" ] ||
	fail "github: wrong notice: $(tail -1 "$T/out")"

# GitHub's escaping: ':' and ',' in a property (the file name), '%' too
cp cascadelake.json 'odd,name:100%.json'
run "$CPUCOMPAT" diff -f github base.json 'odd,name:100%.json'
expect_rc 1 "diff github, odd file name"
contains "$T/out" "^::error file=odd%2Cname%3A100%25.json,line=$LINE7,title=cpucompat diff%3A avx512vbmi incompatible::now requires"

# a waiver with a reason makes the gate pass; the finding is still listed
printf '# accepted in review\navx512vbmi every host of the fleet has AVX-512 VBMI\n' >waivers
run "$CPUCOMPAT" diff --waivers waivers base.json cascadelake.json
expect_rc 0 "waived"
contains "$T/out" "^DIFFERENT: the two CPUID sets differ; every difference that counts is waived"
contains "$T/out" "^      \[waived: every host of the fleet has AVX-512 VBMI\]"
contains "$T/out" "^      $REASON$"
lacks "$T/out" "Unused waivers"
for fmt in json junit markdown github; do
	run "$CPUCOMPAT" diff -f "$fmt" --waivers waivers base.json cascadelake.json
	expect_rc 0 "waived, $fmt"
	cp "$T/out" "$T/waived.$fmt"
done
contains "$T/waived.json" '"exit_status": 0,'
contains "$T/waived.json" '"fails": false, "category": "simd", "description": "[^"]*", "kvm_hides": false, "waived": true, "waiver": "every host of the fleet has AVX-512 VBMI"'
contains "$T/waived.junit" 'failures="0"'
contains "$T/waived.junit" '<system-out>waived avx512vbmi CPUID.(7,0).ECX\[1\]: host -&gt; yes (every host of the fleet has AVX-512 VBMI)'
contains "$T/waived.markdown" "^## cpucompat diff: .* passes$"
contains "$T/waived.markdown" "^### Waived (1)$"
contains "$T/waived.markdown" "^| avx512vbmi | \`CPUID.(7,0).ECX\[1\]\` | host → yes | $REASON | every host of the fleet has AVX-512 VBMI |\$"
lacks "$T/waived.markdown" "Differences that fail"
[ "$(head -1 "$T/waived.github")" = "::warning file=cascadelake.json,line=$LINE7,title=cpucompat diff%3A avx512vbmi waived::$REASON (CPUID.(7,0).ECX[1]: host -> yes); waived: every host of the fleet has AVX-512 VBMI" ] ||
	fail "github: wrong waived annotation: $(head -1 "$T/waived.github")"

# a waiver without a reason is bad input, naming file and line
printf '# accepted in review\navx512vbmi\n' >noreason
run "$CPUCOMPAT" diff --waivers noreason base.json cascadelake.json
expect_rc 2 "waiver without reason"
contains "$T/err" "^cpucompat: noreason:2: the waiver of 'avx512vbmi' gives no reason"
[ ! -s "$T/out" ] || fail "a rejected waivers file still printed a report"

# a stale waiver (a category that accepts nothing here) is listed; it
# fails only under --strict-waivers
printf 'avx512vbmi every host of the fleet has AVX-512 VBMI\nrdt kept from the Skylake days\n' >stale
run "$CPUCOMPAT" diff --waivers stale base.json cascadelake.json
expect_rc 0 "stale waiver"
contains "$T/out" "^Unused waivers (1, accepted nothing):"
contains "$T/out" "^  rdt  *stale:2: kept from the Skylake days$"
run "$CPUCOMPAT" diff -f json --waivers stale base.json cascadelake.json
contains "$T/out" '"unused_waivers": \[$'
contains "$T/out" '^    {"name": "rdt", "where": "stale:2", "reason": "kept from the Skylake days"}$'
run "$CPUCOMPAT" diff --strict-waivers --waivers stale base.json cascadelake.json
expect_rc 1 "stale waiver, strict"
contains "$T/out" "^Unused waivers (1, accepted nothing; --strict-waivers fails on them):"
run "$CPUCOMPAT" diff -f json --strict-waivers --waivers stale base.json cascadelake.json
expect_rc 1 "stale waiver, strict, json"
contains "$T/out" '"exit_status": 1,'
run "$CPUCOMPAT" diff -f junit --strict-waivers --waivers stale base.json cascadelake.json
expect_rc 1 "stale waiver, strict, junit"
contains "$T/out" 'failures="1"'
contains "$T/out" '<failure type="unused-waiver" message="1 unused waiver">unused waiver rdt (stale:2): kept from the Skylake days'
run "$CPUCOMPAT" diff -f github --strict-waivers --waivers stale base.json cascadelake.json
expect_rc 1 "stale waiver, strict, github"
contains "$T/out" "^::error title=cpucompat unused waiver::waiver rdt (stale:2) accepted nothing: remove it$"
run "$CPUCOMPAT" diff -f markdown --strict-waivers --waivers stale base.json cascadelake.json
expect_rc 1 "stale waiver, strict, markdown"
contains "$T/out" "^| rdt | stale:2 | kept from the Skylake days |$"
contains "$T/out" "exit status 1.$"

# --ignore takes a category too; each waived finding is listed
run "$CPUCOMPAT" diff --ignore simd base.json cascadelake.json
expect_rc 0 "category waiver"
contains "$T/out" "^Waived (1, accepted by --ignore/--waivers):"
contains "$T/out" "^  avx512vbmi  *CPUID.(7,0).ECX\[1\]  *host -> yes$"

# the other way: a flag the profile required is now left to the host
# (avx512_vnni, CPUID.(7,0).ECX[11])
sed 's/"ecx": "0x00000808", "edx": "0xa4000000", "mask": {"ebx": "0x2e60f856", "ecx": "0xfffff7f7"/"ecx": "0x00000008", "edx": "0xa4000000", "mask": {"ebx": "0x2e60f856", "ecx": "0xfffffff7"/' \
	base.json >released.json
run "$CPUCOMPAT" diff base.json released.json
expect_rc 1 "required -> host"
contains "$T/out" "^  avx512_vnni  *CPUID.(7,0).ECX\[11\]  *yes -> host$"
run "$CPUCOMPAT" diff -f json base.json released.json
contains "$T/out" '"name": "avx512_vnni", "change": "stance", "severity": "incompatible", .*"stance": \["required", "host"\], "meaning": "no longer requires avx512_vnni, left to the host now: guests may lose it", "fails": true'

# a multi-bit field now fixed: the XSAVE feature mask of leaf 0xd
# subleaf 1 fixes eax[3:0] (xsaveopt, xsavec, xgetbv_ec1, xsaves) already;
# leave them all to the host and the diff names each one
sed 's/"eax": "0x0000000f", "ebx": "0x00000000", "ecx": "0x00000000", "edx": "0x00000000", "mask": {"eax": "0xfffffff0"}/"eax": "0x00000000", "ebx": "0x00000000", "ecx": "0x00000000", "edx": "0x00000000", "mask": {"eax": "0xffffffff"}/' \
	base.json >xsave.json
cmp -s base.json xsave.json && fail "the xsave change was not made"
run "$CPUCOMPAT" diff -f json base.json xsave.json
expect_rc 1 "xsave required -> host"
for f in xsaveopt xsavec xsaves; do
	contains "$T/out" "\"name\": \"$f\", \"change\": \"stance\", .*\"stance\": \[\"required\", \"host\"\]"
done

# two captures of one host that differ only in APIC IDs (the VMM sets
# them per vCPU): equal for guests, exit 0; the raw view still sees them
HOST=$CPUS/xeon-gold-6148.json
sed 's/"leaf": "0x00000001", "subleaf": 0, "eax": "0x00050654", "ebx": "0x45400800"/"leaf": "0x00000001", "subleaf": 0, "eax": "0x00050654", "ebx": "0x40400800"/; s/\("leaf": "0x0000000b", .*"edx": "0x000000\)45"/\140"/' \
	"$HOST" >cpu-other.json
[ "$(diff "$HOST" cpu-other.json | grep -c '^>')" = 3 ] ||
	fail "the APIC-ID copy does not change 3 entries"
run "$CPUCOMPAT" diff "$HOST" cpu-other.json
expect_rc 0 "APIC IDs only"
contains "$T/out" "^IDENTICAL FOR GUESTS: the sets differ only where no KVM guest looks"
contains "$T/out" "^Not visible to KVM guests: 3 differences"
run "$CPUCOMPAT" diff -f json "$HOST" cpu-other.json
expect_rc 0 "APIC IDs only, json"
contains "$T/out" '"equal_for_guests": true,'
contains "$T/out" '"exit_status": 0,'
run "$CPUCOMPAT" diff -f markdown "$HOST" cpu-other.json
contains "$T/out" '^\*\*Verdict:\*\* identical for guests'
run "$CPUCOMPAT" diff --view raw "$HOST" cpu-other.json
expect_rc 1 "APIC IDs only, raw view"
contains "$T/out" "^DIFFERENT"

# the Markdown is CommonMark that parses to the headings and code spans
# meant, with no raw HTML (cmark: Debian package cmark, installed by
# .ci/run); the table rows always have as many cells as their header
awk -F'|' '/^\| Field/ { n = NF } /^\|/ && NF != n { bad = 1; print } END { exit bad }' \
	"$T/fail.md" "$T/waived.markdown" || fail "markdown: a table row has the wrong cell count"
if command -v cmark >/dev/null 2>&1; then
	cmark --to xml "$T/fail.md" >"$T/md.xml" || fail "cmark rejected the Markdown"
	contains "$T/md.xml" '<heading level="2">'
	contains "$T/md.xml" '<code xml:space="preserve">CPUID.(7,0).ECX\[1\]</code>'
	lacks "$T/md.xml" '<html_'
	cmark --to xml "$T/waived.markdown" >"$T/md.xml" || fail "cmark rejected the Markdown"
	contains "$T/md.xml" '<text xml:space="preserve">Waived (1)</text>'
	lacks "$T/md.xml" '<html_'
else
	echo "note: cmark not installed; CommonMark parse not checked"
fi
exit 0
