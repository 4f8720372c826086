# Shared setup for the CLI tests (sourced).  Every test runs with `set -eu`
# in the C locale, writes only to its own temporary directory $T (removed on
# exit), reads only the project's own files ($CPUS: the recorded CPUs of
# tests/data/cpus, see the README there), and exits 77 (skipped), saying
# why, only when hardware or a tool it needs is missing.
set -eu
LC_ALL=C
export LC_ALL
unset NO_COLOR CPUCOMPAT_PROFILES CPUCOMPAT_KVM_DEVICE

: "${CPUCOMPAT:?CPUCOMPAT must name the binary under test}"
: "${top_srcdir:=$(cd "$(dirname "$0")/.." && pwd)}"
CPUS=$top_srcdir/tests/data/cpus

T=$(mktemp -d "${TMPDIR:-/tmp}/cpucompat-test.XXXXXX")
trap 'rm -rf "$T"' EXIT

skip() { echo "SKIP: $*"; exit 77; }
fail() { echo "FAIL: $*" >&2; exit 1; }
need_kvm() { [ -r /dev/kvm ] && [ -w /dev/kvm ] || skip "no usable /dev/kvm"; }
need() { command -v "$1" >/dev/null 2>&1 || skip "$1 is not installed"; }

# run CMD...: sets $rc, stdout in $T/out, stderr in $T/err
run() {
	rc=0
	"$@" >"$T/out" 2>"$T/err" || rc=$?
}
expect_rc() {
	[ "$rc" = "$1" ] || {
		echo "--- stdout"; head -40 "$T/out"; echo "--- stderr"
		cat "$T/err"; fail "expected exit $1, got $rc: $2"
	}
}
contains() { grep -q -- "$2" "$1" || fail "$1 lacks '$2'"; }
lacks() { ! grep -q -- "$2" "$1" || fail "$1 has '$2'"; }
