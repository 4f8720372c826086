#!/bin/sh
# The manual and the bash completion against the binary under test, so that
# neither falls behind it: every command `cpucompat --help` lists has a
# SYNOPSIS line and a COMMANDS entry in cpucompat(1); the options of
# `cpucompat CMD --help`, of its option table (`cpucompat --list-options
# CMD`) and of the entry's option list (".It Fl ..." lines) are the same,
# both ways, and every value the table lists is in the entry; its usage
# line agrees with the SYNOPSIS; every environment variable the sources
# read is in ENVIRONMENT; both pages lint clean; the completion offers
# commands, exactly each command's options and each option's values, and
# profile: names.
. "${top_srcdir}/tests/setup.sh"

MAN1=$top_srcdir/man/cpucompat.1
MAN5=$top_srcdir/man/cpucompat.5
COMP=$top_srcdir/completion/cpucompat
[ -f "$MAN1" ] && [ -f "$MAN5" ] && [ -f "$COMP" ] || fail "docs missing"

run "$CPUCOMPAT" --help
expect_rc 0 "--help"
cmds=$(awk '/^commands:/ { f = 1; next } f && !NF { exit } f { print $1 }' "$T/out")
[ -n "$cmds" ] || fail "cpucompat --help lists no commands"

# The mdoc source, "\-" read as "-".
sed 's/\\-/-/g' "$MAN1" >"$T/man1"
section() { # NAME: the lines of section NAME of cpucompat(1)
	awk -v s="$1" '/^\.Sh / { f = ($0 == ".Sh " s); next } f' "$T/man1"
}
section SYNOPSIS >"$T/synopsis"
section COMMANDS >"$T/commands"
section ENVIRONMENT >"$T/environment"
# entry CMD: the body of its COMMANDS entry, after the head ".It Xo Ic CMD
# ... .Xc" (or ".It Ic CMD"), up to the next command's head (keys such as
# ".It Ic q" inside an entry do not end it)
entry() {
	awk -v c="$1" -v all="$cmds" '
		BEGIN { n = split(all, a, " "); for (i = 1; i <= n; i++) known[a[i]] = 1 }
		/^\.It (Xo )?Ic [a-z]/ {
			w = $0; sub(/^\.It (Xo )?Ic /, "", w); sub(/ .*/, "", w)
			if (w in known) {
				f = (w == c); head = ($0 ~ /^\.It Xo/)
				next
			}
		}
		head { if ($0 == ".Xc") head = 0; next }
		f' "$T/commands"
}
# synopsis CMD: its SYNOPSIS lines, from ".Cm CMD" to the next ".Nm"
synopsis() {
	awk -v c="$1" '/^\.Nm/ { f = 0 } $0 == ".Cm " c { f = 1 } f' "$T/synopsis"
}
has_opt() { # FILE OPTION: FILE has it as mdoc ("Fl -output", "Fl o")
	case $2 in
	-?*) grep -Eq -- "Fl ${2#-}([^[:alnum:]-]|\$)" "$1" ;;
	*) return 1 ;;
	esac
}

grep -q 'Fl -help' "$T/synopsis" && grep -q 'Fl -version' "$T/synopsis" ||
	fail "SYNOPSIS lacks --help or --version"
for c in $cmds; do
	synopsis "$c" >"$T/syn"
	[ -s "$T/syn" ] || fail "cpucompat.1 SYNOPSIS lacks '$c'"
	entry "$c" >"$T/entry"
	[ -s "$T/entry" ] || fail "cpucompat.1 COMMANDS lacks an entry for '$c'"

	# every option of `CMD --help`, short and long, is in the entry
	run "$CPUCOMPAT" "$c" --help
	expect_rc 0 "$c --help"
	sed -n -e 's/^  \(-[[:alnum:]]\), \(--[[:alnum:]-]*\).*/\1 \2/p' \
		-e 's/^      \(--[[:alnum:]-]*\).*/\1/p' "$T/out" >"$T/opts"
	[ -s "$T/opts" ] || fail "$c --help lists no options"
	tr ' ' '\n' <"$T/opts" | sort >"$T/help.opts"

	# the option table, the help and the entry's ".It Fl" lines agree
	run "$CPUCOMPAT" --list-options "$c"
	expect_rc 0 "--list-options $c"
	cp "$T/out" "$T/lo.$c"
	awk '{ print $1; if ($2 != "-") print $2 }' "$T/lo.$c" | sort \
		>"$T/table.opts"
	cmp -s "$T/help.opts" "$T/table.opts" ||
		fail "$c: --help and --list-options differ: $(diff "$T/help.opts" "$T/table.opts")"
	grep '^\.It Fl' "$T/entry" | grep -o 'Fl [^ ]*' | sed 's/^Fl /-/' |
		sort -u >"$T/man.opts"
	cmp -s "$T/help.opts" "$T/man.opts" ||
		fail "$c: --help (<) and the entry in cpucompat.1 (>) list different options: $(diff "$T/help.opts" "$T/man.opts")"
	# every listed value of an option is a ".Cm" word of the entry (those
	# of --input-format, which the entries refer to DESCRIPTION, there)
	while read -r long short arg vals; do
		[ "$vals" != - ] || continue
		if [ "$long" = --input-format ]; then
			section DESCRIPTION
		else
			cat "$T/entry"
		fi | sed -n 's/^\.Cm //p' | tr ' ' '\n' | tr -d ',.;' >"$T/cm"
		for v in $(echo "$vals" | tr '|' ' '); do
			grep -qx -- "$v" "$T/cm" ||
				fail "cpucompat.1: the entry of '$c' lacks the value $v of $long"
		done
	done <"$T/lo.$c"

	# the usage line agrees with the SYNOPSIS: its options, their
	# listed values and metavariables, and its operands
	usage=$(sed -n "s/^usage: cpucompat $c //p" "$T/out" | tr -d '[]')
	arg=0
	for w in $usage; do
		w=${w%...}
		w=${w%…}
		if [ "$arg" = 1 ]; then
			arg=0
			case $w in
			-*) ;;
			*'|'*)
				for v in $(echo "$w" | tr '|' ' '); do
					grep -Eq "Cm ([^ ]+ [|] )*$v( |\$)" "$T/syn" ||
						fail "SYNOPSIS of '$c' lacks the value $v"
				done
				continue ;;
			*)
				grep -iq "Ar $w\\b" "$T/syn" ||
					fail "SYNOPSIS of '$c' lacks the argument $w"
				continue ;;
			esac
		fi
		case $w in
		-*)
			has_opt "$T/syn" "$w" ||
				fail "SYNOPSIS of '$c' lacks $w (usage: $usage)"
			arg=1 ;;
		*)
			grep -iwq -- "$w" "$T/syn" ||
				fail "SYNOPSIS of '$c' lacks the operand $w" ;;
		esac
	done
done

# every environment variable the sources read is documented
for v in $(cat "$top_srcdir"/src/*.c | grep -o 'getenv("[A-Z_]*")' |
	sed 's/getenv("\(.*\)")/\1/' | sort -u); do
	grep -q "^\.It Ev $v\$" "$T/environment" ||
		fail "cpucompat.1 ENVIRONMENT lacks $v"
done

# --- the completion: complete-F function driven with COMP_WORDS directly
if command -v bash >/dev/null 2>&1; then
	cat >"$T/comp.sh" <<'EOF'
prog=$1
# bash-completion itself, when installed, must not change the answers
for f in /usr/share/bash-completion/bash_completion; do
	[ -r "$f" ] && . "$f" >/dev/null 2>&1
done
. "$2"
complete -p cpucompat | grep -q -- '-F _cpucompat' || { echo "not registered"; exit 1; }
# comp WORD...: complete the last word, print the candidates one a line
comp() {
	COMP_WORDS=("$prog" "$@")
	COMP_CWORD=$#
	COMP_LINE="${COMP_WORDS[*]}"
	COMP_POINT=${#COMP_LINE}
	COMPREPLY=()
	_cpucompat cpucompat "${COMP_WORDS[COMP_CWORD]}" "${COMP_WORDS[COMP_CWORD-1]}"
	printf '%s\n' "${COMPREPLY[@]}"
}
expect() { # WANT WORD...: WANT is among the candidates
	local want=$1
	shift
	comp "$@" >"$out"
	grep -qx -- "$want" "$out" || {
		echo "completing '$*' does not offer '$want' but:"; cat "$out"; exit 1
	}
}
out=$3/reply
expect check ch
expect profile:x86-64-v3 check profile:x
expect profile:x86-64-v3 diff profile:x86-64-v3 profile:
expect host check ""
expect --waivers check --wa
expect --input-format show --in
expect junit check --format ""
expect json check -f j
expect csv matrix --format = c
expect never check --color n
# bash itself splits "profile:x" at ':' and replaces only the "x"
expect x86-64-v3 check profile : x
# the commands offered are exactly those of --help
comp "" | sort >"$3/offered"
"$prog" --help | awk '/^commands:/ { f = 1; next } f && !NF { exit } f { print $1 }' |
	sort >"$3/listed"
cmp -s "$3/offered" "$3/listed" || { echo "command list differs:"; diff "$3/listed" "$3/offered"; exit 1; }
# each command: exactly its options, and each option's listed values
for t in "$3"/lo.*; do
	c=${t##*/lo.}
	awk '{ print $1; if ($2 != "-") print $2 }' "$t" | sort >"$3/want"
	comp "$c" - | sort >"$3/got"
	cmp -s "$3/want" "$3/got" || { echo "$c - offers:"; diff "$3/want" "$3/got"; exit 1; }
	while read -r long short arg vals; do
		[ "$vals" != - ] || continue
		echo "$vals" | tr '|' '\n' | sort >"$3/want"
		comp "$c" "$long" "" | sort >"$3/got"
		cmp -s "$3/want" "$3/got" || { echo "$c $long offers:"; diff "$3/want" "$3/got"; exit 1; }
	done <"$t"
done
# CPUCOMPAT_PROFILES replaces the bundled names, as it does for the binary
mkdir "$3/profiles" && : >"$3/profiles/fleet-2026.json"
CPUCOMPAT_PROFILES=$3/profiles expect profile:fleet-2026 check prof
exit 0
EOF
	run bash "$T/comp.sh" "$CPUCOMPAT" "$COMP" "$T"
	[ "$rc" = 0 ] || fail "completion: $(cat "$T/out" "$T/err")"
else
	echo "no bash: completion not tested"
fi

# --- lint both pages; the page checks above need no formatter
linted=0
if command -v mandoc >/dev/null 2>&1; then
	for m in "$MAN1" "$MAN5"; do
		mandoc -T lint -W warning "$m" >"$T/lint" 2>&1 ||
			fail "mandoc -T lint: $(cat "$T/lint")"
		[ ! -s "$T/lint" ] || fail "mandoc -T lint: $(cat "$T/lint")"
	done
	linted=1
fi
if command -v man >/dev/null 2>&1 && command -v groff >/dev/null 2>&1; then
	for m in "$MAN1" "$MAN5"; do
		MANWIDTH=80 man --warnings -E UTF-8 -l "$m" >"$T/page" 2>"$T/lint" ||
			fail "man -l $m failed: $(cat "$T/lint")"
		[ ! -s "$T/lint" ] || fail "man --warnings $m: $(cat "$T/lint")"
		grep -q "cpucompat" "$T/page" || fail "man -l $m rendered nothing"
	done
	linted=1
fi
[ "$linted" = 1 ] || skip "neither mandoc nor man with groff: pages not linted"
exit 0
