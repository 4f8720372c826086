#!/bin/sh
# `cpucompat explore` end to end: the real binary in a real terminal (tmux,
# driven with send-keys and read back with capture-pane) on two corpus
# dumps, Ice Lake -> Cascade Lake (Xeon Platinum 8268).  The first screen
# names a missing feature, /gfni finds it, a resize to 80x24 keeps the
# selection, the mouse selects, what-if and `w` write a profile that checks
# as the screen said, q exits 0; a plain vt100 without colour and the
# one-set decoder work; a terminal under 80x24, a signal and a
# non-terminal are handled.  Skips (77) without tmux or the corpus.
. "${top_srcdir}/tests/setup.sh"

# -- no terminal needed: usage and the refusal to draw into a pipe
run "$CPUCOMPAT" explore --help
expect_rc 0 "--help"
contains "$T/out" "usage: cpucompat explore A \[B\]"
run "$CPUCOMPAT" explore
expect_rc 2 "no source"
run "$CPUCOMPAT" explore a b c
expect_rc 2 "three sources"
run "$CPUCOMPAT" explore --color=sometimes profile:x86-64-v3
expect_rc 2 "bad --color"
run "$CPUCOMPAT" explore profile:x86-64-v3
expect_rc 2 "stdout is not a terminal"
contains "$T/err" "standard output is not a terminal"

need tmux
need_corpus
# tmux cannot start its server without a real /dev/null
[ -c /dev/null ] || skip "/dev/null is not a character device"
A=$CORPUS/x86_64-cpuid-Ice-Lake-Server.xml
B=$CORPUS/x86_64-cpuid-Xeon-Platinum-8268.xml

# A private tmux server whose socket lives in $T; dead panes stay around so
# that the terminal state after an exit can be inspected.
TMUX_TMPDIR=$T
export TMUX_TMPDIR
unset TMUX
printf 'set -g remain-on-exit on\nset -g history-limit 0\n' >"$T/tmux.conf"
tm() { tmux -L explore -f "$T/tmux.conf" "$@"; }
trap 'tm kill-server >/dev/null 2>&1 || :; rm -rf "$T"' EXIT

# run.sh RCFILE TERM CMD...: run CMD in $T under TERM, exit status to RCFILE
cat >"$T/run.sh" <<'EOF'
rc=$1 term=$2
shift 2
cd "$(dirname "$rc")" || exit 99
TERM=$term "$@" 2>"$rc.err"
echo $? >"$rc"
sleep 2 # a dead pane reports no cursor state
EOF

# start NAME COLSxLINES TERM CMD...: a new window NAME running CMD
start() {
	name=$1 cols=${2%x*} lines=${2#*x} term=$3
	shift 3
	tm new-session -d -s "$name" -x "$cols" -y "$lines" \
		"sh '$T/run.sh' '$T/$name.rc' $term $*"
}

# screen NAME: the pane's text, in $T/screen, once drawing has settled (two
# captures 50 ms apart agree), so a half-drawn screen is never judged
screen() {
	tm capture-pane -p -t "$1" >"$T/screen"
	j=0
	while [ $j -lt 40 ]; do
		sleep 0.05
		tm capture-pane -p -t "$1" >"$T/screen.2"
		cmp -s "$T/screen" "$T/screen.2" && return 0
		mv "$T/screen.2" "$T/screen"
		j=$((j + 1))
	done
}

# polls of 50 ms before giving up: 5 s, or 30 s under valgrind
limit=100
[ -z "${CPUCOMPAT_UNDER_VALGRIND:-}" ] || limit=600

# wait_for NAME REGEX: until the pane shows REGEX
wait_for() {
	i=0
	while [ $i -lt $limit ]; do
		screen "$1"
		grep -q -- "$2" "$T/screen" && return 0
		sleep 0.05
		i=$((i + 1))
	done
	cat "$T/screen"
	fail "$1: the screen never showed '$2'"
}

# wait_rc NAME: until the program has exited; its status in $rc
wait_rc() {
	i=0
	while [ ! -s "$T/$1.rc" ] && [ $i -lt $limit ]; do
		sleep 0.05
		i=$((i + 1))
	done
	[ -s "$T/$1.rc" ] || { screen "$1"; cat "$T/screen"; fail "$1 did not exit"; }
	rc=$(cat "$T/$1.rc")
}

flag() { tm display -p -t "$1" "#{$2}"; }

# -- the check A -> B, colour terminal, larger than the minimum
start main 100x30 xterm-256color "$CPUCOMPAT" explore "$A" "$B"
wait_for main INCOMPATIBLE
[ "$(flag main alternate_on)" = 1 ] || fail "explore did not take the screen"
# the first screen names a missing feature, selected, with its status
contains "$T/screen" "Ice Lake Server"
contains "$T/screen" "Xeon(R) Platinum 8268"
contains "$T/screen" "filter: incompatible"
grep -Eq '\|> [a-z0-9_]+ +[0-9]+ +yes +no +X inc' "$T/screen" ||
	fail "the first screen does not select a missing feature"
contains "$T/screen" "X incompatible: set on A, missing on B"

# /gfni finds it
tm send-keys -t main / g f n i Enter
wait_for main 'CPUID.([0x]*7,0).ECX\[8\]'
grep -Eq '\|> gfni +8 +yes +no +X inc' "$T/screen" || fail "/gfni: not selected"
contains "$T/screen" "GFNI: Galois field"
contains "$T/screen" "'gfni': 1 match"

# a resize to 80x24 keeps the selection, and nothing is wider than 80
tm resize-window -t main -x 80 -y 24
i=0
while [ "$(flag main pane_width)x$(flag main pane_height)" != 80x24 ] &&
	[ $i -lt $limit ]; do sleep 0.05; i=$((i + 1)); done
# (at 80 columns the B line has no room left for the file name)
wait_for main '^B  Intel(R) Xeon(R) Platinum 8268 CPU @ 2.90GHz  *GenuineIntel$'
[ "$(wc -l <"$T/screen")" -eq 24 ] || fail "not 24 lines after the resize"
awk 'length > 80 { exit 1 }' "$T/screen" || fail "a line is wider than 80"
grep -Eq '\|> gfni +8 +yes +no +X inc' "$T/screen" ||
	{ cat "$T/screen"; fail "the resize lost the selection"; }
contains "$T/screen" '^-- gfni - CPUID.([0x]*7,0).ECX\[8\]'

# under 80x24: a message, not garbage; back to 80x24: the same selection
tm resize-window -t main -x 70 -y 20
wait_for main "needs at least 80x24; this terminal is 70x20"
tm resize-window -t main -x 80 -y 24
wait_for main '|> gfni '

# help lists the keys; any key closes it
tm send-keys -t main '?'
wait_for main "cpucompat explore: keys"
for k in "PgUp/PgDn" "Tab" "Enter" "search" "n / N" "filter" "swap" \
	"what-if" "quit"; do
	wait_for main "$k" # drawing may still be under way
done
tm send-keys -t main x
wait_for main '|> gfni '

# Enter opens the field in full
tm send-keys -t main Enter
wait_for main "press any key to return"
contains "$T/screen" "^kernel *GFNI"
tm send-keys -t main Escape
wait_for main '|> gfni '

# the mouse selects a leaf (SGR report of a click on the 7th leaf line,
# screen line 11, column 5)
tm send-keys -t main -l "$(printf '\033[<0;5;11M')"
tm send-keys -t main -l "$(printf '\033[<0;5;11m')"
wait_for main '^>a\.0\.eax'

# filter and swap recompute; swap back
tm send-keys -t main f
wait_for main "filter: all differences"
tm send-keys -t main s
wait_for main "swapped A and B"
contains "$T/screen" "^A  Intel(R) Xeon(R) Platinum 8268"
tm send-keys -t main s f f
wait_for main "filter: incompatible"

# what-if: gfni off on A drops one blocker; w writes the profile
before=$(grep -o '[0-9]* incompatible ' "$T/screen" | head -1)
tm send-keys -t main / g f n i Enter Space
wait_for main "what-if: gfni off on A"
after=$(grep -o '[0-9]* incompatible ' "$T/screen" | head -1)
[ "${before%% *}" -eq $((${after%% *} + 1)) ] ||
	fail "what-if: '$before' -> '$after'"
contains "$T/screen" "+ what-if: 1 off"
contains "$T/screen" '^-- gfni - CPUID.([0x]*7,0).ECX\[8\] .* what-if: off on A'
tm send-keys -t main w
wait_for main "wrote x86_64-cpuid-Ice-Lake-Server-whatif.json"
P=$T/x86_64-cpuid-Ice-Lake-Server-whatif.json
[ -s "$P" ] || fail "w wrote nothing"
contains "$P" '"kind": "profile"'
contains "$P" '"whatif_off": "gfni"'
run "$CPUCOMPAT" check "$A" "$P"
expect_rc 1 "A -> its what-if profile"
contains "$T/out" "gfni "
run "$CPUCOMPAT" check --format json "$P" "$B"
expect_rc 1 "what-if profile -> B"
lacks "$T/out" '"name": "gfni"'

# q exits 0 and gives the terminal back
tm send-keys -t main q
wait_rc main
[ "$rc" = 0 ] || { cat "$T/main.rc.err"; fail "q: exit $rc"; }
[ "$(flag main alternate_on)" = 0 ] || fail "q left the alternate screen on"
[ "$(flag main cursor_flag)" = 1 ] || fail "q left the cursor hidden"

# -- vt100, no colour, one set: the decoder
start vt 80x24 vt100 env NO_COLOR=1 "$CPUCOMPAT" explore "$A"
wait_for vt "^DECODE"
contains "$T/screen" "filter: non-zero fields"
contains "$T/screen" "leaf.sub.reg *set"
tm send-keys -t vt NPage NPage PPage j k Tab End Home
tm send-keys -t vt / s s e 4 . 1 Enter
wait_for vt 'CPUID.([0x]*1,0).ECX\[19\]'
grep -Eq '\|> sse4_1 +19 +yes ' "$T/screen" || fail "vt100: /sse4.1"
# keys the vt100 entry lacks arrived as keys, not as stray text
lacks "$T/screen" '\[6~'
lacks "$T/screen" '\[5~'
tm send-keys -t vt q
wait_rc vt
[ "$rc" = 0 ] || { cat "$T/vt.rc.err"; fail "vt100: exit $rc"; }

# -- a terminal under 80x24 is refused with a message
start small 70x20 xterm-256color "$CPUCOMPAT" explore "$A" "$B"
wait_rc small
[ "$rc" = 2 ] || fail "70x20: exit $rc"
contains "$T/small.rc.err" "the terminal is 70x20; it needs at least 80x24"

# -- a signal ends the session and restores the terminal
command -v pgrep >/dev/null 2>&1 || { echo "no pgrep: signals untested"; exit 0; }
start sig 80x24 xterm-256color "$CPUCOMPAT" explore "$A" "$B"
wait_for sig INCOMPATIBLE
pid=$(pgrep -P "$(flag sig pane_pid)")
[ -n "$pid" ] || fail "no explore process"
kill -TERM "$pid"
wait_rc sig
[ "$rc" = 143 ] || fail "SIGTERM: exit $rc, expected 143"
[ "$(flag sig alternate_on)" = 0 ] || fail "SIGTERM left the alternate screen on"
[ "$(flag sig cursor_flag)" = 1 ] || fail "SIGTERM left the cursor hidden"

# Ctrl-C likewise (the shell around it dies too: look at the terminal)
start int 80x24 xterm-256color "$CPUCOMPAT" explore "$A" "$B"
wait_for int INCOMPATIBLE
tm send-keys -t int C-c
i=0
while [ "$(flag int pane_dead)" != 1 ] && [ $i -lt $limit ]; do
	sleep 0.05
	i=$((i + 1))
done
[ "$(flag int pane_dead)" = 1 ] || fail "Ctrl-C did not end explore"
[ "$(flag int alternate_on)" = 0 ] || fail "Ctrl-C left the alternate screen on"
exit 0
