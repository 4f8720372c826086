#!/bin/sh
# `cpucompat explore` end to end: the real binary in a real terminal (tmux,
# driven with send-keys and read back with capture-pane) on recorded CPUs
# (tests/data/cpus), at 100x30 and 80x24, with and without colour.
# Ice Lake -> Cascade Lake (Xeon Platinum 8268): the first screen sums up
# the verdict in the text report's words and shows the first blocking
# instruction-set feature (an AVX-512 one among them), every field under
# its register's heading; /gfni finds it, a resize to 80x24 keeps the
# selection, the mouse selects, swap keeps the field, help fits 80x24,
# what-if and `w` write a profile that checks as the screen said, q exits
# 0.  Cascade Lake -> Skylake (8268 -> 6148) and a vendor mismatch (Gold
# 6148 -> EPYC 7502) without colour; the one-set decoder on a vt100 offers
# no swap, what-if or write.  At 80 columns no line is cut without "...".
# A terminal under 80x24, a signal and a non-terminal are handled.  Skips
# (77), saying so, only without tmux (README command 1 installs it).
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
# tmux cannot start its server without a real /dev/null
[ -c /dev/null ] || skip "/dev/null is not a character device"
A=$CPUS/ice-lake-server.json
B=$CPUS/xeon-platinum-8268.json

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

# no_cut: no line of the screen is cut mid-word at the right edge: a line
# that reaches the last column with a letter or digit ends with what is
# right-aligned there on purpose (the vendor, the filter, a status, a
# register value); anything cut ends with "..."
no_cut() {
	awk -v w="$1" 'length($0) >= w && /[A-Za-z0-9_]$/ &&
		!/^[AB]  / && !/filter: [a-z -]+$/ &&
		!/-- *$/ && !/\.\.\.$/ && !/ 0x[0-9a-f]+$/ &&
		!/(X instr|X state|X mitig|X capac|X ident|X other|! warn|i info|= ok|~ host|v fold|- unseen)$/ {
			print "cut: " $0; bad = 1 }
		END { exit bad }' "$T/screen" || { cat "$T/screen"; fail "$2: a line is cut"; }
}

# summary_is: the screen's summary (lines 3-4 after the verdict) says what
# the text report's line after the verdict says, word for word
summary_is() {
	"$CPUCOMPAT" check "$@" | sed -n '2,/^  source:/p' | sed '$d' |
		tr -s ' \n' '  ' | sed 's/ *$//' >"$T/want" || :
	sed -n '3,4p' "$T/screen" | sed 's/^[A-Z]*  *//' | tr -s ' \n' '  ' |
		sed 's/ *$//' >"$T/got"
	cmp -s "$T/want" "$T/got" || {
		cat "$T/screen"
		fail "summary: '$(cat "$T/got")', check says '$(cat "$T/want")'"
	}
}

# paired: the field table is headed by the register selected on the left,
# and the detail band's position is in that register
paired() {
	sel=$(sed -n 's/^>\([0-9a-f]*\.[0-9]*\.e[a-d]x\).*/\1/p' "$T/screen")
	[ -n "$sel" ] || { cat "$T/screen"; fail "$1: no register selected"; }
	grep -q "fields of $sel \|  $sel  *bits" "$T/screen" ||
		{ cat "$T/screen"; fail "$1: the fields are not headed $sel"; }
	leaf=${sel%%.*} rest=${sel#*.}
	sub=${rest%%.*} reg=$(echo "${rest#*.}" | tr a-z A-Z)
	grep -Eq "^-- .* CPUID\.\((0x)?$leaf,$sub\)\.$reg" "$T/screen" ||
		grep -q "^-- vendor - CPUID.(0,0).EBX" "$T/screen" ||
		{ cat "$T/screen"; fail "$1: the selected field is not in $sel"; }
}

# -- the check A -> B, colour terminal, larger than the minimum
start main 100x30 xterm-256color "$CPUCOMPAT" explore "$A" "$B"
wait_for main INCOMPATIBLE
[ "$(flag main alternate_on)" = 1 ] || fail "explore did not take the screen"
contains "$T/screen" "Ice Lake Server"
contains "$T/screen" "Xeon(R) Platinum 8268"
contains "$T/screen" "filter: incompatible"
# the first screen: the verdict's reasons, by consequence, in check's words
contains "$T/screen" "^INCOMPATIBLE  blocks: 16 instruction-set features (sgx, ...),"
summary_is "$A" "$B"
contains "$T/screen" "[0-9][0-9]* blocking .* unseen by KVM guests"
# the first blocking instruction-set feature is selected, an AVX-512 one
# is on screen, both under their register's heading
grep -Eq '^>7\.0\.ebx .*\|> sgx +2 +yes +no +X instr' "$T/screen" ||
	{ cat "$T/screen"; fail "the first screen does not select sgx"; }
grep -Eq '\|  avx512ifma +21 +yes +no +X instr' "$T/screen" ||
	fail "no AVX-512 feature on the first screen"
contains "$T/screen" "fields of 7.0.ebx"
contains "$T/screen" "X incompatible: set on A, missing on B"
paired "first screen"
no_cut 100 "first screen"
# each register down the list heads its own fields
for i in 1 2 3 4 5; do
	tm send-keys -t main j
	sleep 0.2
	screen main
	paired "register $i"
done
grep -Eq '^>80000008\.0\.eax ' "$T/screen" || fail "j did not walk the list"
tm send-keys -t main g
wait_for main '^>7\.0\.ebx '
contains "$T/screen" " ?:help /:search n/N:next f:filter s:swap space:what-if w:write Tab:pane q:quit"

# /gfni finds it
tm send-keys -t main / g f n i Enter
wait_for main 'CPUID.([0x]*7,0).ECX\[8\]'
grep -Eq '\|> gfni +8 +yes +no +X instr' "$T/screen" || fail "/gfni: not selected"
contains "$T/screen" "fields of 7.0.ecx"
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
grep -Eq '\|> gfni +8 +yes +no +X instr' "$T/screen" ||
	{ cat "$T/screen"; fail "the resize lost the selection"; }
contains "$T/screen" '^-- gfni - CPUID.([0x]*7,0).ECX\[8\]'
summary_is "$A" "$B"
paired "80x24"
no_cut 80 "80x24"

# under 80x24: a message in whole words, not garbage; back: the selection
tm resize-window -t main -x 60 -y 20
wait_for main "^60x20. Enlarge it, or press q to quit.$"
contains "$T/screen" "^cpucompat explore needs at least 80x24; this terminal is$"
tm resize-window -t main -x 80 -y 24
wait_for main '|> gfni '

# help lists every key and fits 80x24; any key closes it
tm send-keys -t main '?'
wait_for main "press any key to return"
contains "$T/screen" "^cpucompat explore: keys"
for k in "Up/Down, j/k" "PgUp/PgDn, ^B/^F" "Home/End, g/G" "Tab, Left/Right" \
	"h / l" "Enter" "  /  " "n / N" "  f  " "  s  *swap" "  space  *what-if" \
	"  w  *write" "Esc" "\^L" "q quits" "mouse" "X blocks" "- unseen"; do
	contains "$T/screen" "$k"
done
lacks "$T/screen" "(two sets)"
[ "$(wc -l <"$T/screen")" -le 24 ] || fail "help is longer than 24 lines"
awk 'length > 80 { exit 1 }' "$T/screen" || fail "help is wider than 80"
tm send-keys -t main x
wait_for main '|> gfni '

# Enter opens the field in full
tm send-keys -t main Enter
wait_for main "press any key to return"
contains "$T/screen" "^names *qemu gfni, libvirt gfni, kernel GFNI"
contains "$T/screen" "^consequence instruction"
no_cut 80 "details"
tm send-keys -t main Escape
wait_for main '|> gfni '

# the mouse selects a leaf (SGR report of a click on the 5th leaf line,
# screen line 11, column 5)
tm send-keys -t main -l "$(printf '\033[<0;5;11M')"
tm send-keys -t main -l "$(printf '\033[<0;5;11m')"
wait_for main '^>a\.0\.eax'
paired "mouse"

# swap keeps the selection on the same field, widening the filter; the
# footer and the register heading follow
tm send-keys -t main / g f n i Enter
wait_for main "'gfni': 1 match"
tm send-keys -t main s
wait_for main "swapped A and B"
contains "$T/screen" "^swapped A and B: the check is now incompatible; filter: everything$"
contains "$T/screen" "^A  Intel(R) Xeon(R) Platinum 8268"
grep -Eq '\|> gfni +8 +no +yes += ok' "$T/screen" ||
	{ cat "$T/screen"; fail "swap lost the field"; }
paired "swap"
no_cut 80 "swap"
tm send-keys -t main s
wait_for main "swapped A and B: the check is now incompatible$"
grep -Eq '\|> gfni +8 +yes +no +X instr' "$T/screen" ||
	{ cat "$T/screen"; fail "swap back lost the field"; }
tm send-keys -t main f
wait_for main "filter: incompatible"

# what-if: gfni off on A drops one blocker; w writes the profile
before=$(grep -o '^[0-9]* blocking' "$T/screen")
tm send-keys -t main / g f n i Enter Space
wait_for main "what-if: gfni off on A"
after=$(grep -o '^[0-9]* blocking' "$T/screen")
[ "${before%% *}" -eq $((${after%% *} + 1)) ] ||
	fail "what-if: '$before' -> '$after'"
contains "$T/screen" "+ what-if: 1 off"
contains "$T/screen" '^-- gfni - CPUID.([0x]*7,0).ECX\[8\] .* what-if: off on A'
no_cut 80 "what-if"
tm send-keys -t main w
wait_for main "^wrote ice-lake-server-whatif.json: A as a profile, 1 what-if edit$"
P=$T/ice-lake-server-whatif.json
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

# -- a long -o path: the message ends with "..." at 80 columns
L=$T/a-rather-long-directory-name-for-what-if-profiles
mkdir "$L"
start long 80x24 xterm-256color "$CPUCOMPAT" explore -o "$L/ice-lake-server-with-edits.json" "$A" "$B"
wait_for long INCOMPATIBLE
tm send-keys -t long w
wait_for long "^wrote .*\.\.\.$"
no_cut 80 "long message"
[ -s "$L/ice-lake-server-with-edits.json" ] || fail "-o: nothing written"
tm send-keys -t long q
wait_rc long

# -- 8268 -> 6148 without colour at 100x30: the issue's pair
C=$CPUS/xeon-platinum-8268.json
D=$CPUS/xeon-gold-6148.json
start cl 100x30 xterm-256color env NO_COLOR=1 "$CPUCOMPAT" explore "$C" "$D"
wait_for cl INCOMPATIBLE
summary_is "$C" "$D"
contains "$T/screen" "^INCOMPATIBLE  blocks: 1 instruction-set feature (avx512_vnni), 5 mitigations"
grep -Eq '^>7\.0\.ecx .*\|> avx512_vnni +11 +yes +no +X instr' "$T/screen" ||
	{ cat "$T/screen"; fail "8268 -> 6148: avx512_vnni is not first"; }
# md_clear is shown under 7.0.edx, never beside another register's name
tm send-keys -t cl / m d _ c l e a r Enter
wait_for cl "'md_clear': 1 match"
grep -Eq '^>7\.0\.edx .*\|  md_clear|\|> md_clear +10 +yes +no +X mitig' "$T/screen" ||
	{ cat "$T/screen"; fail "md_clear not under 7.0.edx"; }
contains "$T/screen" "fields of 7.0.edx"
contains "$T/screen" "^hint: Mitigation flags come and go with microcode"
paired "md_clear"
tm resize-window -t cl -x 80 -y 24
wait_for cl '^B  Intel(R) Xeon(R) Gold 6148'
summary_is "$C" "$D"
paired "md_clear at 80x24"
no_cut 80 "8268 -> 6148"
# the name column is as wide as the longest name on screen, the headings
# line up with their columns
tm send-keys -t cl / c a c h e _ w b i n v d _ n o _ l o w e r Enter
wait_for cl "'cache_wbinvd_no_lower': "
contains "$T/screen" "  fields of 4\.3\.edx     bits A   B  status"
contains "$T/screen" "|> cache_wbinvd_no_lower 0    yes no ! warn$"
no_cut 80 "cache_wbinvd_no_lower"
tm send-keys -t cl / x s a v e _ c o m p o n e n t _ o f f s e t Enter
wait_for cl "'xsave_component_offset': "
contains "$T/screen" "  fields of d\.2\.ebx      bits A     B     status"
contains "$T/screen" "|> xsave_component_offset 31:0 0x240 0x240 = ok$"
paired "xsave_component_offset"
no_cut 80 "xsave_component_offset"
tm send-keys -t cl q
wait_rc cl

# -- a vendor mismatch, no colour, 80x24: one finding, the vendor
E=$CPUS/epyc-7502.json
start vm 80x24 xterm-256color env NO_COLOR=1 "$CPUCOMPAT" explore "$D" "$E"
wait_for vm INCOMPATIBLE
summary_is "$D" "$E"
contains "$T/screen" "^INCOMPATIBLE  blocks: the vendor (GenuineIntel -> AuthenticAMD)"
grep -Eq '^>0\.0\.ebx .*\|> vendor +31:0 +GenuineIntel +AuthenticAMD +X ident' "$T/screen" ||
	{ cat "$T/screen"; fail "vendor mismatch: the vendor is not first"; }
[ "$(grep -c '^ [0-9a-f]*\.[0-9]*\.e[a-d]x ' "$T/screen")" = 0 ] ||
	{ cat "$T/screen"; fail "vendor mismatch: more than one register"; }
contains "$T/screen" "^1 blocking  [0-9]* folded  [0-9]* unseen by KVM guests"
paired "vendor"
no_cut 80 "vendor mismatch"
tm resize-window -t vm -x 100 -y 30
wait_for vm '^B  AMD EPYC 7502 32-Core Processor (epyc-7502)'
summary_is "$D" "$E"
tm send-keys -t vm f
wait_for vm "filter: all differences"
tm send-keys -t vm j
wait_for vm "v fold"  # the next register holds what folds under it
paired "folded"
tm send-keys -t vm q
wait_rc vm

# -- vt100, no colour, one set: the decoder; no swap, what-if or write
start vt 80x24 vt100 env NO_COLOR=1 "$CPUCOMPAT" explore "$A"
wait_for vt "^DECODE"
contains "$T/screen" "filter: non-zero fields"
contains "$T/screen" "leaf.sub.reg *set"
contains "$T/screen" "^ ?:help /:search n/N:next f:filter Tab:pane q:quit$"
no_cut 80 "decoder"
tm send-keys -t vt NPage NPage PPage j k Tab End Home
tm send-keys -t vt / s s e 4 . 1 Enter
wait_for vt 'CPUID.([0x]*1,0).ECX\[19\]'
grep -Eq '\|> sse4_1 +19 +yes ' "$T/screen" || fail "vt100: /sse4.1"
paired "decoder"
# keys the vt100 entry lacks arrived as keys, not as stray text
lacks "$T/screen" '\[6~'
lacks "$T/screen" '\[5~'
tm send-keys -t vt s
wait_for vt "^swap needs two sets (explore A B)"
tm send-keys -t vt Space
wait_for vt "^what-if needs two sets (explore A B)"
tm send-keys -t vt w
wait_for vt "^write needs two sets (explore A B)"
[ ! -e "$T/ice-lake-server-whatif.json.1" ] || fail "one set wrote"
tm send-keys -t vt '?'
wait_for vt "press any key to return"
contains "$T/screen" "swap A and B and check again (two sets)"
tm send-keys -t vt q
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
