#!/bin/sh
# `cpucompat fleet` and `cpucompat targets` from the command line: a
# directory, an @list and a list on standard input as the fleet; a bad
# host file reported by name while the rest is answered (exit 2); the
# JSON keys; one baseline per vendor for a mixed fleet (exit 0); DOT, and
# SVG or the message saying Graphviz is missing; node labels that are
# valid Kubernetes label keys; where a guest can go and why not.
. "${top_srcdir:-$(dirname "$0")/..}/tests/setup.sh"

mkdir "$T/intel" "$T/mixed"
for c in xeon-gold-6148 xeon-platinum-8268 xeon-silver-4214r; do
	cp "$CPUS/$c.json" "$T/intel/"
	cp "$CPUS/$c.json" "$T/mixed/"
done
cp "$CPUS/epyc-7502.json" "$CPUS/epyc-9334.json" "$T/mixed/"
: >"$T/mixed/.hidden"
mkdir "$T/mixed/subdir"

# a directory: every regular file, hidden files and subdirectories skipped
run "$CPUCOMPAT" fleet "$T/intel"
expect_rc 0 "fleet of a directory"
contains "$T/out" "^fleet: 3 hosts in 3 classes"
contains "$T/out" "xeon-platinum-8268"
contains "$T/out" "^migration order"
# the baseline says what a guest gives up: the max leaf, HWP or RDT never
contains "$T/out" "^    class 2 gives up 3: avx512_vnni spec_ctrl ssbd$"
! grep -E "gives up.*(max_basic_leaf|hwp|rdt_)" "$T/out" >/dev/null ||
	fail "fleet baseline gives up a field no KVM guest sees"
[ ! -s "$T/err" ] || fail "fleet of a directory wrote to stderr"

# a mixed fleet: one baseline per vendor, exit 0
run "$CPUCOMPAT" fleet -f json "$T/mixed"
expect_rc 0 "mixed Intel/AMD fleet"
contains "$T/out" '"schema": "cpucompat-fleet/1"'
contains "$T/out" '"classes": \['
contains "$T/out" '"hosts": \["epyc-7502"\]'
contains "$T/out" '"edges": \['
contains "$T/out" '"largest_group": '
[ "$(grep -c '{"vendor": "' "$T/out")" = 2 ] || fail "expected 2 baselines"
contains "$T/out" '{"vendor": "intel", "name": "fleet-intel", "hosts": 3'
contains "$T/out" '{"vendor": "amd", "name": "fleet-amd", "hosts": 2'
[ "$(grep -c '"id": ' "$T/out")" = 5 ] || fail "expected 5 classes"

# an @list with comments and blank lines, and the same list on stdin
{
	echo "# two hosts"
	echo
	echo "  $T/intel/xeon-gold-6148.json"
	echo "$T/intel/xeon-silver-4214r.json"
} >"$T/hosts.txt"
run "$CPUCOMPAT" fleet "@$T/hosts.txt"
expect_rc 0 "fleet of an @list"
contains "$T/out" "^fleet: 2 hosts in 2 classes"
rc=0
"$CPUCOMPAT" fleet - <"$T/hosts.txt" >"$T/out" 2>"$T/err" || rc=$?
expect_rc 0 "fleet of a list on stdin"
contains "$T/out" "^fleet: 2 hosts in 2 classes"
mkdir "$T/empty"
run "$CPUCOMPAT" fleet "$T/empty"
expect_rc 2 "an empty directory"
contains "$T/err" "empty: the directory holds no host files"
run "$CPUCOMPAT" fleet "@$T/no-such-list"
expect_rc 2 "a missing list"
contains "$T/err" "no-such-list"

# a bad host file: named on stderr (one line), the rest answered, exit 2
cp -r "$T/intel" "$T/bad"
echo '{"format": "cpucompat", "leaves": [' >"$T/bad/broken.json"
run "$CPUCOMPAT" fleet "$T/bad"
expect_rc 2 "a fleet with a broken file"
contains "$T/out" "^fleet: 3 hosts in 3 classes"
contains "$T/out" "1 input could not be read"
[ "$(wc -l <"$T/err")" = 1 ] || fail "expected one line on stderr"
contains "$T/err" "broken.json"

# the picture: DOT, and SVG through Graphviz when it is installed
run "$CPUCOMPAT" fleet -f dot "$T/mixed"
expect_rc 0 "fleet -f dot"
contains "$T/out" "^digraph fleet {"
contains "$T/out" "cluster_amd"
if command -v dot >/dev/null 2>&1; then
	run "$CPUCOMPAT" fleet -f svg "$T/mixed"
	expect_rc 0 "fleet -f svg"
	contains "$T/out" "<svg"
fi
# a PATH without dot (but with valgrind, which CI's $CPUCOMPAT wrapper runs)
mkdir "$T/nodot"
if v=$(command -v valgrind); then
	printf '#!/bin/sh\nexec %s "$@"\n' "$v" >"$T/nodot/valgrind"
	chmod +x "$T/nodot/valgrind"
fi
run env PATH="$T/nodot" "$CPUCOMPAT" fleet -f svg "$T/mixed"
expect_rc 2 "fleet -f svg without Graphviz"
contains "$T/err" "graphviz"

# labels: every key a valid Kubernetes label key, every value "true"
run "$CPUCOMPAT" fleet --labels "$T/mixed"
expect_rc 0 "fleet --labels"
contains "$T/out" "^xeon-platinum-8268 cpu-vendor.node.kubevirt.io/Intel=true "
contains "$T/out" " cpu-feature.node.kubevirt.io/avx512vnni=true"
contains "$T/out" "^epyc-9334 cpu-vendor.node.kubevirt.io/AMD=true "
contains "$T/out" " cpu-model.node.kubevirt.io/x86-64-v3=true"
tr ' ' '\n' <"$T/out" | grep = >"$T/labels"
[ "$(wc -l <"$T/labels")" -gt 200 ] || fail "too few labels"
name='[A-Za-z0-9]([A-Za-z0-9._-]{0,61}[A-Za-z0-9])?'
dns='[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*'
if grep -Ev "^($dns/)?$name=true\$" "$T/labels" >"$T/badlabels"; then
	fail "invalid labels: $(head -3 "$T/badlabels")"
fi
awk -F/ 'length($1) > 253 { exit 1 }' "$T/labels" || fail "prefix too long"
run "$CPUCOMPAT" fleet --labels -f json "$T/intel"
expect_rc 0 "fleet --labels -f json"
contains "$T/out" '"schema": "cpucompat-labels/1"'
contains "$T/out" '{"host": "xeon-gold-6148", "labels": {"cpu-vendor.node.kubevirt.io/Intel": "true"'

# targets: where a guest can go, and why not, grouped by reason
run "$CPUCOMPAT" targets "$CPUS/xeon-silver-4214r.json" "$T/mixed"
expect_rc 0 "targets of a Silver 4214R guest"
contains "$T/out" "can move to 2 of 5 hosts"
contains "$T/out" "2 hosts (2 classes): vendor mismatch"
contains "$T/out" "lacks avx512_vnni"
# reasons are what a KVM guest loses: never RDT or HWP, which no guest sees
run "$CPUCOMPAT" targets "$CPUS/xeon-platinum-8268.json" "$T/intel"
expect_rc 0 "targets of a Platinum 8268 guest"
contains "$T/out" "lacks avx512_vnni, md_clear, spec_ctrl, stibp, flush_l1d, ssbd$"
! grep -E "rdt_|hwp|arch_capabilities" "$T/out" >/dev/null ||
	fail "targets names a field no KVM guest sees: $(cat "$T/out")"
run "$CPUCOMPAT" targets -f json "$CPUS/epyc-9334.json" "$T/intel"
expect_rc 1 "targets: an AMD guest on an Intel fleet"
contains "$T/out" '"schema": "cpucompat-targets/1"'
contains "$T/out" '"targets": \[\]'
contains "$T/out" '"count": 3, "hosts": \["xeon-gold-6148", "xeon-platinum-8268", "xeon-silver-4214r"\]'
exit 0
