# peer_qemu_compare.awk: does cpucompat agree with QEMU's own `enforce`?
#
# Reads what `qemu-system-x86_64 -cpu MODEL,enforce` wrote on stderr (and
# its exit status) and what `cpucompat check -f json qemu:MODEL kvm` wrote,
# turns both into sets of positions -- (leaf, subleaf, register, bit) for
# CPUID, (index, bit) for a feature MSR; never names, which differ between
# the two tools -- and compares the verdicts and the sets.  A position on
# one side only is either one of the documented differences (the table in
# doc_cpucompat_only and doc_qemu_only; README and cpucompat(1) explain
# each) or unexplained, and one unexplained position is a disagreement.
# Used by tests/cli_peer_qemu.sh, on recorded outputs everywhere and on
# live QEMU and KVM where /dev/kvm opens.  POSIX awk (mawk, gawk, busybox).
#
#   awk -f peer_qemu_compare.awk -v qemu=FILE -v qrc=N [-v json=FILE]
#       [-v model=NAME] [-v msr=auto|yes|no] [-v mode=compare|qemu]
#
# qemu: QEMU's stderr; qrc: its exit status; json: cpucompat's report;
# msr=no: MSR positions are listed as not compared, not judged; msr=yes:
# judged; msr=auto (the default): judged when cpucompat's report (best
# written with --all) holds an MSR bit both sides know (status match or
# different), that is when cpucompat read the MSR on both sides.
# mode=qemu: only parse QEMU's output and list what it names (TCG output,
# say).  Exit 0: agree (perhaps apart from documented differences), 1:
# disagree, 2: an input it cannot read.
#
# QEMU 7.2 words a missing feature as (under KVM "host", under TCG "TCG")
#   warning: host doesn't support requested feature: CPUID.07H:EBX.avx512f [bit 16]
#   warning: host doesn't support requested feature: CPUID.0DH:EAX [bit 5]
#   warning: host doesn't support requested feature: MSR(10AH).mds-no [bit 5]
# and newer QEMUs as CPUID[eax=07h,ecx=00h].EBX.avx512f [bit 16].  The old
# form has no subleaf: the feature words of QEMU 7.2 fix it (subleaf_of).

function die(msg) {
	print "peer_qemu_compare: " msg > "/dev/stderr"
	exit 2
}

function hexval(s,    i, c, v) {
	s = tolower(s)
	sub(/^0x/, "", s)
	if (s == "")
		return -1
	v = 0
	for (i = 1; i <= length(s); i++) {
		c = index("0123456789abcdef", substr(s, i, 1))
		if (c == 0)
			return -1
		v = v * 16 + c - 1
	}
	return v
}

# "7" and "0xd" as cpucompat writes leaves and subleaves
function numval(s) {
	if (s ~ /^0x[0-9a-fA-F]+$/)
		return hexval(s)
	if (s ~ /^[0-9]+$/)
		return s + 0
	return -1
}

# The key of a CPUID position and its display in cpucompat's notation
function ckey(leaf, sub_, reg, lo, hi) {
	return sprintf("c:%x:%d:%s:%d:%d", leaf, sub_, tolower(reg), lo, hi)
}

function mkey(index_, lo, hi) {
	return sprintf("m:%x:%d:%d", index_, lo, hi)
}

function cnum(v) {
	return v < 10 ? sprintf("%d", v) : sprintf("0x%x", v)
}

function display(key,    p, lo, hi, bits) {
	split(key, p, ":")
	lo = p[p[1] == "c" ? 5 : 3]
	hi = p[p[1] == "c" ? 6 : 4]
	bits = lo == hi ? lo : hi ":" lo
	if (p[1] == "m")
		return "MSR 0x" p[2] "[" bits "]"
	return "CPUID.(" cnum(hexval(p[2])) "," cnum(p[3] + 0) ")." \
	       toupper(p[4]) "[" bits "]"
}

# The subleaf of a QEMU 7.2 feature word named by leaf and register only:
# 7.EAX is FEAT_7_1_EAX; 0xD.EAX is XSAVE's flags (subleaf 1) when the bit
# has a name and the XCR0 components (subleaf 0, no names) when it has
# none; 0xD.ECX is XSS (subleaf 1); 0x12.EAX is subleaf 0 for sgx1/sgx2
# and the SGX attributes (subleaf 1) otherwise; every other word is
# subleaf 0.
function subleaf_of(leaf, reg, name) {
	if (leaf == 7 && reg == "eax")
		return 1
	if (leaf == 13 && reg == "eax")
		return name == "" ? 0 : 1
	if (leaf == 13 && reg == "ecx")
		return 1
	if (leaf == 18 && reg == "eax")
		return name == "sgx1" || name == "sgx2" ? 0 : 1
	return 0
}

# One QEMU description ("CPUID.07H:EBX.avx512f", bit B) into QKEY/QNAME
function parse_qemu_feature(d, bit, line,    p, leaf, sub_, reg, name, i) {
	name = ""
	if (d ~ /^CPUID\.[0-9A-Fa-f]+H:[A-Z]+(\..*)?$/) {
		sub(/^CPUID\./, "", d)
		i = index(d, "H:")
		leaf = hexval(substr(d, 1, i - 1))
		d = substr(d, i + 2)
		reg = tolower(d)
		if ((i = index(d, ".")) > 0) {
			reg = tolower(substr(d, 1, i - 1))
			name = substr(d, i + 1)
		}
		sub_ = subleaf_of(leaf, reg, name)
	} else if (d ~ /^CPUID\[eax=[0-9a-fA-F]+h,ecx=[0-9a-fA-F]+h\]\.[A-Z]+(\..*)?$/) {
		sub(/^CPUID\[eax=/, "", d)
		i = index(d, "h,ecx=")
		leaf = hexval(substr(d, 1, i - 1))
		d = substr(d, i + 6)
		i = index(d, "h].")
		sub_ = hexval(substr(d, 1, i - 1))
		d = substr(d, i + 3)
		reg = tolower(d)
		if ((i = index(d, ".")) > 0) {
			reg = tolower(substr(d, 1, i - 1))
			name = substr(d, i + 1)
		}
	} else if (d ~ /^MSR\([0-9A-Fa-f]+H\)(\..*)?$/) {
		sub(/^MSR\(/, "", d)
		i = index(d, "H)")
		qkey = mkey(hexval(substr(d, 1, i - 1)), bit, bit)
		qname = substr(d, i + 3)
		return
	} else {
		die(qemu ": cannot read QEMU's feature in: " line)
	}
	if (reg !~ /^e[abcd]x$/ || leaf < 0 || sub_ < 0)
		die(qemu ": cannot read QEMU's feature in: " line)
	qkey = ckey(leaf, sub_, reg, bit, bit)
	qname = name
}

function read_qemu(    line, d, bit, i, first) {
	while ((i = (getline line < qemu)) > 0) {
		if (first == "" && line != "")
			first = line
		if (line ~ /(Host|host|TCG) doesn't support requested features$/) {
			q_refused = 1
			continue
		}
		i = index(line, "doesn't support requested feature: ")
		if (i == 0)
			continue
		accel = line ~ /TCG doesn't support/ ? "tcg" : "kvm"
		d = substr(line, i + 35)
		if (d !~ / \[bit [0-9]+\]$/)
			die(qemu ": cannot read QEMU's feature in: " line)
		bit = d
		sub(/^.* \[bit /, "", bit)
		sub(/\]$/, "", bit)
		sub(/ \[bit [0-9]+\]$/, "", d)
		parse_qemu_feature(d, bit + 0, line)
		if (!(qkey in qhas)) {
			qorder[++nq] = qkey
			qhas[qkey] = qname
		}
	}
	if (i < 0)
		die(qemu ": cannot read")
	if (qrc == "")
		die("no QEMU exit status (-v qrc=N)")
	if (qrc != 0 && !q_refused)
		die("QEMU exited " qrc " for another reason than a missing " \
		    "feature: " (first == "" ? "(no message)" : first))
	if (qrc == 0 && (q_refused || nq > 0))
		die(qemu ": QEMU exited 0 but names missing features " \
		    "(was enforce given?)")
	if (q_refused && nq == 0)
		die(qemu ": QEMU refused the model but named no feature")
}

# The value of "KEY": in one line of cpucompat's JSON ("" for null)
function jval(line, key,    i, v) {
	i = index(line, "\"" key "\": ")
	if (i == 0)
		return ""
	v = substr(line, i + length(key) + 4)
	if (substr(v, 1, 1) == "\"") {
		v = substr(v, 2)
		return substr(v, 1, index(v, "\"") - 1)
	}
	sub(/[,}].*$/, "", v)
	return v == "null" ? "" : v
}

# cpucompat's position ("CPUID.(7,0).EBX[16]", "MSR 0x10a[5]") as a key
function cpos_key(pos,    p, b, a, lo, hi, i) {
	b = pos
	sub(/^[^[]*\[/, "", b)
	sub(/\]$/, "", b)
	if ((i = index(b, ":")) > 0) {
		hi = substr(b, 1, i - 1) + 0
		lo = substr(b, i + 1) + 0
	} else {
		lo = hi = b + 0
	}
	if (pos ~ /^MSR 0x[0-9a-fA-F]+\[[0-9:]+\]$/) {
		p = pos
		sub(/^MSR /, "", p)
		sub(/\[.*$/, "", p)
		return mkey(hexval(p), lo, hi)
	}
	if (pos !~ /^CPUID\.\([0-9a-fx]+,[0-9a-fx]+\)\.E[ABCD]X\[[0-9:]+\]$/)
		return ""
	p = pos
	sub(/^CPUID\.\(/, "", p)
	sub(/\)\..*$/, "", p)
	split(p, a, ",")
	return ckey(numval(a[1]), numval(a[2]),
		    substr(pos, index(pos, ").") + 2, 3), lo, hi)
}

function read_json(    line, i, key, n, st, guest, blocking) {
	while ((i = (getline line < json)) > 0) {
		if (line ~ /^  "verdict": "/)
			c_verdict = jval(line, "verdict")
		else if (line ~ /^  "vendor_mismatch": true/)
			vendor_mismatch = 1
		else if (line ~ /^  "view": "/)
			view = jval(line, "view")
		if (line !~ /^ *\{"(leaf|msr)": / || index(line, "\"position\": ") == 0)
			continue
		key = cpos_key(jval(line, "position"))
		if (key == "")
			die(json ": cannot read the position in: " line)
		st = jval(line, "status")
		guest = jval(line, "guest")
		if (key ~ /^m:/ && (st == "match" || st == "different"))
			msr_known = 1
		if (st != "different")
			continue
		blocking = jval(line, "severity") == "incompatible" && \
			   jval(line, "waived") == "false" && guest == "seen"
		if (!blocking) {
			cguest[key] = guest
			continue
		}
		n++
		if (!(key in chas)) {
			corder[++nc] = key
			chas[key] = jval(line, "name")
		}
	}
	if (i < 0)
		die(json ": cannot read")
	if (c_verdict == "identical")
		c_verdict = "compatible"
	if (c_verdict != "compatible" && c_verdict != "incompatible")
		die(json ": no \"verdict\" of a cpucompat check report")
	if (view != "guest")
		die(json ": not in the guest view (check without --view raw)")
	if (c_verdict == "compatible" && n > 0)
		die(json ": compatible, yet with blocking findings")
	if (msr == "" || msr == "auto")
		msr = msr_known ? "yes" : "no"
}

# The documented differences (README, "Agreement with QEMU", says why
# cpucompat is right in each).  cpucompat only: vendor, the vendor string
# QEMU does not compare; amd-aliases, the bits of 0x80000001.EDX an AMD
# model copies from leaf 1, which QEMU adds after its check: KVM lacks them
# on Intel hosts, and the alias of a leaf-1 bit QEMU names as missing (vme
# on a host without it) is missing with it; topoext, which QEMU counts as available on every host.
# QEMU only: unseen, a bit cpucompat reports as seen by no KVM guest (KVM
# offers it nowhere); kvm-pv, KVM's own leaf 0x40000001, which QEMU fills
# under KVM and the QEMU profiles leave to the host.

# Why a position cpucompat blocks on and QEMU accepts is documented, or ""
function doc_cpucompat_only(key,    p, b) {
	split(key, p, ":")
	if (p[1] == "c" && p[2] == "0" && p[4] != "eax")
		return "vendor"
	b = p[5] + 0
	if (p[1] == "c" && p[2] == "80000001" && p[4] == "edx" && \
	    p[5] == p[6] && \
	    ((b >= 0 && b <= 9) || (b >= 12 && b <= 17) || b == 23 || b == 24) && \
	    (vendor_mismatch || (ckey(1, 0, "edx", b, b) in qhas)))
		return "amd-aliases"
	if (key == ckey(hexval("80000001"), 0, "ecx", 22, 22))
		return "topoext"
	return ""
}

# Why a position QEMU refuses and cpucompat accepts is documented, or ""
function doc_qemu_only(key,    p) {
	split(key, p, ":")
	if ((key in cguest) && cguest[key] != "emulated" && cguest[key] != "seen")
		return "unseen"
	if (p[1] == "c" && p[2] == "40000001")
		return "kvm-pv"
	return ""
}

function note(id) {
	if (!(id in noted)) {
		noted[id] = 1
		docs = docs " " id
	}
}

function row(side, key, text) {
	printf "  %-15s %-28s %s\n", side, display(key), text
}

function not_compared(key) {
	return msr == "no" && key ~ /^m:/
}

function compare(    i, k, id, qeff, ceff, unexplained, why) {
	for (i = 1; i <= nq; i++) {
		k = qorder[i]
		if (not_compared(k)) {
			row("not compared", k, qhas[k] ": cpucompat's output " \
			    "carries no feature MSR")
			note("msr-not-compared")
			continue
		}
		qeff++
		if (k in chas) {
			row("both", k, "QEMU " (qhas[k] == "" ? "(no name)" : \
			    qhas[k]) ", cpucompat " chas[k])
			continue
		}
		id = doc_qemu_only(k)
		why = id == "" ? "UNEXPLAINED" : "documented: " id
		if (id == "")
			unexplained++
		else
			note(id)
		row("QEMU only", k, (qhas[k] == "" ? "(no name)" : qhas[k]) \
		    ": " why)
	}
	for (i = 1; i <= nc; i++) {
		k = corder[i]
		if (not_compared(k)) {
			row("not compared", k, chas[k] ": QEMU's side not " \
			    "compared")
			note("msr-not-compared")
			continue
		}
		ceff++
		if (k in qhas)
			continue
		id = doc_cpucompat_only(k)
		why = id == "" ? "UNEXPLAINED" : "documented: " id
		if (id == "")
			unexplained++
		else
			note(id)
		row("cpucompat only", k, chas[k] ": " why)
	}
	if (c_verdict == "incompatible" && nc == 0) {
		print "  cpucompat is incompatible but names no blocking " \
		      "finding: UNEXPLAINED"
		unexplained++
	}
	printf "verdicts: QEMU %s, cpucompat %s%s\n", \
	       q_refused ? "refuses" : "accepts", c_verdict, \
	       (q_refused ? 1 : 0) == (c_verdict == "incompatible") ? \
	       "" : " (they differ)"
	if (unexplained) {
		printf "result: DISAGREE, %d unexplained difference%s\n", \
		       unexplained, unexplained == 1 ? "" : "s"
		return 1
	}
	if (docs != "") {
		print "result: agree, apart from documented differences:" docs
		return 0
	}
	print "result: agree"
	return 0
}

BEGIN {
	if (qemu == "")
		die("usage: awk -f peer_qemu_compare.awk -v qemu=FILE " \
		    "-v qrc=N [-v json=FILE] [-v model=NAME] [-v msr=auto|yes|no] " \
		    "[-v mode=compare|qemu]")
	if (mode == "")
		mode = "compare"
	read_qemu()
	if (mode == "compare" && accel == "tcg")
		die(qemu ": QEMU ran under TCG; cpucompat has no TCG source " \
		    "to compare with (use mode=qemu)")
	printf "peer %s: QEMU%s %s (exit %d)\n", model == "" ? "?" : model,
	       accel == "" ? "" : " (" toupper(accel) ")",
	       q_refused ? "refuses" : "accepts", qrc
	if (mode == "qemu") {
		for (i = 1; i <= nq; i++)
			row("QEMU", qorder[i], qhas[qorder[i]] == "" ? \
			    "(no name)" : qhas[qorder[i]])
		exit 0
	}
	if (mode != "compare")
		die("mode: expected compare or qemu, got " mode)
	if (json == "")
		die("mode=compare needs -v json=FILE")
	read_json()
	exit compare()
}
