#!/bin/sh
# -o FILE never leaves a partial file: `dump BIG -o out` is killed at
# random moments around the time it takes; afterwards out is the old file,
# absent, or complete.  SIGTERM, SIGINT and SIGHUP also remove the
# temporary file; SIGKILL can leave one, and only the hidden
# .out.json.cpucompat-XXXXXX beside the target.
. "${top_srcdir}/tests/setup.sh"

# a valid dump of N leaves (about 125 bytes each)
n=100000 tries=8
if [ -n "${CPUCOMPAT_UNDER_VALGRIND:-}" ]; then
	n=5000 tries=4
fi
awk -v n="$n" 'BEGIN {
	print "{\"format\": \"cpucompat\", \"version\": 1, \"kind\": \"dump\", \"name\": \"big\", \"leaves\": ["
	print "{\"leaf\": \"0x00000000\", \"subleaf\": 0, \"eax\": \"0x00000004\", \"ebx\": \"0x756e6547\", \"ecx\": \"0x6c65746e\", \"edx\": \"0x49656e69\"}"
	for (i = 0; i < n; i++)
		printf ",{\"leaf\": \"0x00000004\", \"subleaf\": %d, \"eax\": \"0x%08x\", \"ebx\": \"0x00000000\", \"ecx\": \"0x00000000\", \"edx\": \"0x00000000\"}\n", i, i
	print "]}"
}' >"$T/big.json"

D=$T/d
mkdir "$D"
now_ms() { echo $(($(date +%s%N) / 1000000)); }
ms=
for i in 1 2; do
	t0=$(now_ms)
	"$CPUCOMPAT" dump "$T/big.json" -o "$D/ref.json" || fail "clean dump failed"
	t=$(($(now_ms) - t0))
	[ -n "$ms" ] && [ "$ms" -le "$t" ] || ms=$t
done
[ "$ms" -gt 0 ] || ms=1
mv "$D/ref.json" "$T/ref.json"
echo "old" >"$T/old.json"
echo "a clean dump of $n leaves takes ${ms} ms"

# a delay in seconds, uniformly random in [0.3 ms, ms]: the output is
# rendered in memory first and written at the end
seed=$$
delay() {
	seed=$((seed + 1))
	awk -v ms="$ms" -v s="$seed" 'BEGIN { srand(s); printf "%.3f", (0.3 + 0.7 * rand()) * ms / 1000 }'
}

# try SIGNAL [START]: kill a dump at random moments; START runs the
# command (e.g. `env --default-signal=INT`, since a background job of a
# non-interactive shell ignores SIGINT)
killed=0 completed=0 leftover=0
try() {
	sig=$1
	shift
	i=0
	while [ "$i" -lt "$tries" ]; do
		i=$((i + 1))
		if [ $((i % 2)) = 0 ]; then
			cp "$T/old.json" "$D/out.json"
		fi
		"$@" "$CPUCOMPAT" dump "$T/big.json" -o "$D/out.json" &
		pid=$!
		sleep "$(delay)"
		kill -s "$sig" "$pid" 2>/dev/null || :
		rc=0
		wait "$pid" || rc=$?
		case $rc in
		0) completed=$((completed + 1)) ;;
		*) killed=$((killed + 1)) ;;
		esac
		if [ -e "$D/out.json" ]; then
			cmp -s "$D/out.json" "$T/ref.json" ||
				cmp -s "$D/out.json" "$T/old.json" ||
				fail "SIG$sig (exit $rc): out.json is partial"
		fi
		for f in "$D"/* "$D"/.*; do
			case ${f##*/} in
			. | .. | out.json | '*' | '.*') ;;
			.out.json.cpucompat-??????)
				[ "$sig" = KILL ] ||
					fail "SIG$sig left the temporary $f"
				leftover=$((leftover + 1))
				rm -f "$f"
				;;
			*) fail "SIG$sig left ${f##*/}" ;;
			esac
		done
		rm -f "$D/out.json"
	done
}

try KILL
try TERM
try HUP
if env --default-signal=INT true 2>/dev/null; then
	try INT env --default-signal=INT
else
	echo "env --default-signal is missing: SIGINT not tried"
fi
echo "$killed runs killed, $completed completed, $leftover temporaries left by SIGKILL"

# the temporary is hidden, in the target's directory, and named after it
"$CPUCOMPAT" dump "$T/big.json" -o "$D/x.json" &
pid=$!
sleep "$(delay)"
kill -s KILL "$pid" 2>/dev/null || :
wait "$pid" || :
for f in "$D"/* "$D"/.*; do
	case ${f##*/} in
	. | .. | x.json | '*' | '.*' | .x.json.cpucompat-??????) ;;
	*) fail "unexpected ${f##*/} beside the target" ;;
	esac
done
exit 0
