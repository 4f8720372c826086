#!/bin/sh
# nested_kvm.sh: run the suite's KVM tests on a machine without /dev/kvm,
# against the real KVM of a guest.  QEMU boots a Debian kernel under TCG
# with a CPU that has SVM (TCG emulates it, whatever the host's vendor),
# the guest loads kvm-amd and so has a working /dev/kvm, and the tests run
# there on this machine's own files (its root file system shared read-only
# over 9p): the binary under test, QEMU, libvirt.  The KVM is Linux 6.1's
# on an emulated AMD CPU (QEMU's TCG "max"), the same on every host.
#
#   tests/nested_kvm.sh --fetch DIR
#       put a Debian kernel package (linux-image-amd64's) and a static
#       busybox, unpacked, into DIR (apt-get download; needs network)
#   tests/nested_kvm.sh DIR SUMMARY TEST...
#       boot the guest with DIR's kernel and run each TEST in it: a check
#       program (tests/check_capture, in the build tree) or a CLI test
#       script (tests/cli_dump.sh, in the source tree).  Each test's output
#       is printed; SUMMARY gets automake's "# PASS:" lines.  Exit 0 when
#       every test passed, 1 when one failed or skipped (the guest has
#       /dev/kvm: a KVM test has no reason to skip there), 2 when the guest
#       did not come up with /dev/kvm.
#
# Environment: top_srcdir, top_builddir (absolute), CPUCOMPAT (the binary
# under test, default $top_builddir/src/cpucompat), QEMU (default
# qemu-system-x86_64), NESTED_TIMEOUT (seconds for the whole guest, 2400).
set -eu
LC_ALL=C
export LC_ALL

die() { echo "nested_kvm: $*" >&2; exit 2; }

# what the guest loads: KVM, and 9p over virtio for this machine's root
MODULES="kvm-amd virtio_pci 9pnet_virtio 9p"

# needed_modules ROOT VERSION: the module files MODULES need, in load order
needed_modules() {
	depmod -b "$1" "$2"
	for m in $MODULES; do
		modprobe -d "$1" -S "$2" --show-depends "$m"
	done | awk '$1 == "insmod" && !seen[$2]++ { print $2 }'
}

if [ "${1:-}" = --fetch ]; then
	[ $# -eq 2 ] || die "usage: nested_kvm.sh --fetch DIR"
	dir=$2
	mkdir -p "$dir/debs"
	image=$(apt-cache depends linux-image-amd64 |
		awk '/Depends: linux-image-[0-9]/ { print $2; exit }')
	[ -n "$image" ] || die "apt knows no kernel package for linux-image-amd64"
	(cd "$dir/debs" && apt-get -o APT::Sandbox::User=root download "$image" busybox-static) >/dev/null ||
		die "apt-get download $image busybox-static failed"
	for d in "$dir"/debs/*.deb; do
		dpkg-deb -x "$d" "$dir"
	done
	rm -rf "$dir/debs"
	# keep only the modules the guest loads (some 5 MB of 400)
	kver=$(ls "$dir/lib/modules")
	needed_modules "$dir" "$kver" | sort >"$dir/keep"
	[ -s "$dir/keep" ] || die "$image: no modules for $MODULES"
	find "$dir/lib/modules/$kver/kernel" -name '*.ko*' | sort |
		comm -23 - "$dir/keep" | xargs rm -f
	rm -f "$dir/keep"
	rm -rf "$dir/usr/share/doc" "$dir/usr/lib/linux"
	echo "nested_kvm: $image and busybox-static in $dir"
	exit 0
fi

[ $# -ge 3 ] || die "usage: nested_kvm.sh DIR SUMMARY TEST... (or --fetch DIR)"
dir=$(cd "$1" && pwd) summary=$2
shift 2
: "${top_srcdir:?top_srcdir must name the source tree}"
: "${top_builddir:?top_builddir must name the build tree}"
: "${CPUCOMPAT:=$top_builddir/src/cpucompat}"
: "${QEMU:=qemu-system-x86_64}"
: "${NESTED_TIMEOUT:=2400}"

kernel=$(ls "$dir"/boot/vmlinuz-* 2>/dev/null | head -1)
[ -n "$kernel" ] || die "$dir: no boot/vmlinuz-* (run --fetch first)"
kver=${kernel##*/vmlinuz-}
[ -d "$dir/lib/modules/$kver" ] || die "$dir: no lib/modules/$kver"
busybox=$dir/bin/busybox
[ -x "$busybox" ] || die "$dir: no bin/busybox (busybox-static)"
for t in "$@"; do
	case $t in
	*.sh) [ -f "$top_srcdir/$t" ] || die "$top_srcdir/$t: no such test" ;;
	*) [ -x "$top_builddir/$t" ] || die "$top_builddir/$t: no such program" ;;
	esac
done

work=$(mktemp -d "${TMPDIR:-/tmp}/cpucompat-nested.XXXXXX")
trap 'rm -rf "$work"' EXIT

mkdir -p "$work/ir/bin" "$work/ir/mods" "$work/ir/proc" "$work/ir/sys" \
	"$work/ir/dev" "$work/ir/mnt"
needed_modules "$dir" "$kver" >"$work/mods"
[ -s "$work/mods" ] || die "$dir: modprobe found no modules for $MODULES"
while read -r m; do
	cp "$m" "$work/ir/mods/"
	echo "${m##*/}" >>"$work/ir/mods/order"
done <"$work/mods"
cp "$busybox" "$work/ir/bin/busybox"

# the guest's /init: /dev/kvm, this machine's root at /mnt, then each test
{
	cat <<'EOF'
#!/bin/busybox sh
/bin/busybox --install -s /bin
export PATH=/bin
mount -t proc proc /proc
mount -t sysfs sys /sys
mount -t devtmpfs dev /dev
for m in $(cat /mods/order); do
	insmod "/mods/$m" || echo "nested-kvm: insmod $m failed"
done
if ! [ -c /dev/kvm ]; then
	echo "nested-kvm: no /dev/kvm in the guest"
	poweroff -f
fi
mount -t 9p -o trans=virtio,version=9p2000.L,ro,msize=262144 root /mnt
mkdir /hosttmp
mount --bind /mnt/tmp /hosttmp
mount -t tmpfs tmp /mnt/tmp
mount -t tmpfs run /mnt/run
mount --bind /dev /mnt/dev
mkdir -p /mnt/dev/pts
mount -t devpts devpts /mnt/dev/pts
mount -t proc proc /mnt/proc
mount -t sysfs sys /mnt/sys
echo
echo "nested-kvm: up, $(grep -m1 'model name' /proc/cpuinfo)"
EOF
	# the trees and the binary under test, where they lie in /tmp, which
	# the guest's own tmpfs hides: bound back from the shared root
	for p in "$top_srcdir" "$top_builddir" "$(dirname "$CPUCOMPAT")"; do
		case $p in
		/tmp/?*)
			echo "mkdir -p '/mnt$p' && mount --bind '/hosttmp${p#/tmp}' '/mnt$p'"
			;;
		esac
	done
	# libvirtd, for virsh under KVM: its state in tmpfs, started by hand
	# (probing QEMU under the nested KVM makes it slow: only when asked)
	case " $* " in
	*libvirt*)
		cat <<'EOF'
if [ -x /mnt/usr/sbin/libvirtd ]; then
	for d in /var/lib/libvirt /var/cache/libvirt /var/log/libvirt; do
		[ -d "/mnt$d" ] && mount -t tmpfs libvirt "/mnt$d"
	done
	chroot /mnt /usr/sbin/libvirtd -d ||
		echo "nested-kvm: libvirtd did not start"
	for i in $(seq 60); do
		chroot /mnt /usr/bin/virsh -c qemu:///system version \
			>/dev/null 2>&1 && break
		sleep 1
	done
fi
EOF
		;;
	esac
	for t in "$@"; do
		case $t in
		*.sh) cmd="/bin/sh '$top_srcdir/$t'" ;;
		*) cmd="'$top_builddir/$t'" ;;
		esac
		cat <<EOF
start=\$(date +%s)
echo "nested-kvm: begin $t"
chroot /mnt /usr/bin/env -i PATH=/usr/sbin:/usr/bin:/sbin:/bin \
	LC_ALL=C TMPDIR=/tmp HOME=/tmp CK_DEFAULT_TIMEOUT=900 \
	top_srcdir='$top_srcdir' CPUCOMPAT='$CPUCOMPAT' \
	/bin/sh -c "$cmd" </dev/null 2>&1
echo "nested-kvm: end $t rc=\$? (\$((\$(date +%s) - start)) s)"
EOF
	done
	echo 'poweroff -f'
} >"$work/ir/init"
chmod +x "$work/ir/init"
(cd "$work/ir" && find . | cpio -o -H newc --quiet | gzip -1) >"$work/initrd"

echo "nested_kvm: booting $kver under TCG (-cpu max) for $# tests"
{
timeout "$NESTED_TIMEOUT" "$QEMU" -accel tcg,thread=multi -cpu max -smp 2 \
	-m 3072 -kernel "$kernel" -initrd "$work/initrd" \
	-append "console=ttyS0 quiet loglevel=1 rdinit=/init panic=-1" \
	-virtfs local,path=/,mount_tag=root,security_model=none,readonly=on,multidevs=remap,id=root \
	-nographic -nodefaults -no-reboot -serial stdio </dev/null 2>&1
echo $? >"$work/qrc"
} | sed -u 's/\r//g; s/\x1b\[[0-9;?]*[a-zA-Z]//g; s/\x1bc//g' |
	tee "$work/console" | grep --line-buffered -v -e SeaBIOS -e '^Booting from' || :

grep -q '^nested-kvm: up' "$work/console" ||
	die "the guest did not come up with /dev/kvm (QEMU exit $(cat "$work/qrc"))"
[ "$(cat "$work/qrc")" = 0 ] ||
	echo "nested_kvm: QEMU exit $(cat "$work/qrc") (124: timed out after $NESTED_TIMEOUT s)"
pass=0 fail=0 skip=0
for t in "$@"; do
	r=$(sed -n "s|^nested-kvm: end $t rc=\\([0-9]*\\) .*|\\1|p" "$work/console")
	case $r in
	0) pass=$((pass + 1)) res=PASS ;;
	77) skip=$((skip + 1)) res=SKIP ;;
	*) fail=$((fail + 1)) res=FAIL ;;
	esac
	echo "$res: $t (nested KVM, ${r:+exit }${r:-did not finish})"
done
printf '# TOTAL: %d\n# PASS:  %d\n# SKIP:  %d\n# FAIL:  %d\n' \
	$# "$pass" "$skip" "$fail" >"$summary"
[ "$fail" -eq 0 ] && [ "$skip" -eq 0 ]
