/*
 * Live capture of CPUID: the CPUID instruction (host) and KVM's supported
 * list (kvm).  See capture.h.
 *
 * Subleaf enumeration follows each leaf's own definition (and etallen
 * cpuid's output, so `dump host --format cpuid-r` matches `cpuid -r -1`):
 * leaves 4, 0xB, 0x1F, 0x8000001D and 0x80000026 run until their type or
 * level-type field is 0 (the terminating subleaf included); 7, 0x14, 0x17,
 * 0x18, 0x1D, 0x1E, 0x20 and 0x24 up to the maximum subleaf in subleaf 0
 * EAX; 0xD, 0xF, 0x10, 0x23 and 0x80000020 by the bitmaps that say which
 * subleaves are valid; 0x12 and 0x1B until their subleaf-type field is 0.
 */
#include "config.h"

#define _GNU_SOURCE 1
#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/syscall.h>
#include <sys/utsname.h>
#include <time.h>
#include <unistd.h>

#include <cpuid.h>
#include <linux/kvm.h>

#include "capture.h"
#include "cc_buf.h"

static void cpuid_raw(uint32_t leaf, uint32_t sub, uint32_t r[4])
{
	__cpuid_count(leaf, sub, r[0], r[1], r[2], r[3]);
}

static void put(struct cc_set *s, uint32_t leaf, uint32_t sub,
		const uint32_t r[4])
{
	struct cc_leaf *l = cc_set_put(s, leaf, sub, sub);

	if (l != NULL)
		memcpy(l->reg, r, sizeof l->reg);
}

/* Leaves whose subleaves run until FIELD(subleaf) == 0, terminator kept. */
static void until_zero(struct cc_set *s, uint32_t leaf, int reg, int shift,
		       uint32_t mask, uint32_t from)
{
	uint32_t r[4], sub;

	for (sub = from; sub < 256; sub++) {
		cpuid_raw(leaf, sub, r);
		put(s, leaf, sub, r);
		if (((r[reg] >> shift) & mask) == 0)
			break;
	}
}

/* Subleaf 0, then 1..MAX where MAX is subleaf 0 EAX (capped). */
static void upto_eax(struct cc_set *s, uint32_t leaf)
{
	uint32_t r[4], sub, max;

	cpuid_raw(leaf, 0, r);
	put(s, leaf, 0, r);
	max = r[0] > 64 ? 64 : r[0];
	for (sub = 1; sub <= max; sub++) {
		cpuid_raw(leaf, sub, r);
		put(s, leaf, sub, r);
	}
}

/* Subleaf 0, then every subleaf FIRST..LAST whose bit is set in MAP. */
static void by_bitmap(struct cc_set *s, uint32_t leaf, uint64_t map,
		      unsigned first, unsigned last, const uint32_t r0[4])
{
	uint32_t r[4];
	unsigned sub;

	put(s, leaf, 0, r0);
	for (sub = first; sub <= last && sub < 64; sub++) {
		if (!(map >> sub & 1))
			continue;
		cpuid_raw(leaf, sub, r);
		put(s, leaf, sub, r);
	}
}

static void capture_leaf(struct cc_set *s, uint32_t leaf)
{
	uint32_t r[4], r1[4];

	switch (leaf) {
	case 0x4:
	case 0x8000001d:
		until_zero(s, leaf, CC_EAX, 0, 0x1f, 0);
		return;
	case 0xb:
	case 0x1f:
	case 0x80000026:
		until_zero(s, leaf, CC_ECX, 8, 0xff, 0);
		return;
	case 0x7:
	case 0x14:
	case 0x17:
	case 0x18:
	case 0x1d:
	case 0x1e:
	case 0x20:
	case 0x24:
		upto_eax(s, leaf);
		return;
	case 0xd:
		cpuid_raw(0xd, 0, r);
		cpuid_raw(0xd, 1, r1);
		put(s, 0xd, 0, r);
		put(s, 0xd, 1, r1);
		by_bitmap(s, 0xd,
			  ((uint64_t)r[3] << 32 | r[0]) |
				  ((uint64_t)r1[3] << 32 | r1[2]),
			  2, 63, r);
		return;
	case 0xf:
		cpuid_raw(0xf, 0, r);
		by_bitmap(s, 0xf, r[3], 1, 3, r);
		return;
	case 0x10:
		cpuid_raw(0x10, 0, r);
		by_bitmap(s, 0x10, r[1], 1, 5, r);
		return;
	case 0x23:
		cpuid_raw(0x23, 0, r);
		by_bitmap(s, 0x23, r[0], 1, 31, r);
		return;
	case 0x80000020:
		cpuid_raw(leaf, 0, r);
		by_bitmap(s, leaf, r[1], 1, 5, r);
		return;
	case 0x12:
		cpuid_raw(0x12, 0, r);
		put(s, 0x12, 0, r);
		cpuid_raw(0x12, 1, r);
		put(s, 0x12, 1, r);
		until_zero(s, 0x12, CC_EAX, 0, 0xf, 2);
		return;
	case 0x1b:
		cpuid_raw(0x1b, 0, r);
		put(s, 0x1b, 0, r);
		until_zero(s, 0x1b, CC_EAX, 0, 0xfff, 1);
		return;
	default:
		cpuid_raw(leaf, 0, r);
		put(s, leaf, 0, r);
		return;
	}
}

static void capture_range(struct cc_set *s, uint32_t base)
{
	uint32_t r[4], leaf, max;

	cpuid_raw(base, 0, r);
	max = r[0];
	if (base != 0 && (max & 0xffff0000u) != base)
		return; /* range absent: the CPU echoed another leaf */
	if (max - base > 0x200)
		max = base + 0x200; /* never trust an absurd maximum */
	for (leaf = base; leaf <= max; leaf++)
		capture_leaf(s, leaf);
}

static void read_first_line(const char *path, char *out, size_t n)
{
	FILE *f = fopen(path, "re");

	out[0] = '\0';
	if (f == NULL)
		return;
	if (fgets(out, (int)n, f) == NULL)
		out[0] = '\0';
	fclose(f);
	out[strcspn(out, "\n")] = '\0';
}

/* Microcode revision of CPU from sysfs; with SLOW, else /proc/cpuinfo,
 * which costs about half a millisecond to generate. */
static void microcode(int cpu, int slow, char *out, size_t n)
{
	char path[128];
	FILE *f;
	char line[512];

	snprintf(path, sizeof path,
		 "/sys/devices/system/cpu/cpu%d/microcode/version", cpu);
	read_first_line(path, out, n);
	if (out[0] || !slow)
		return;
	f = fopen("/proc/cpuinfo", "re");
	if (f == NULL)
		return;
	while (fgets(line, sizeof line, f)) {
		if (strncmp(line, "microcode", 9) == 0) {
			char *p = strchr(line, ':');

			if (p) {
				p++;
				while (*p == ' ')
					p++;
				p[strcspn(p, "\n")] = '\0';
				snprintf(out, n, "%s", p);
			}
			break;
		}
	}
	fclose(f);
}

void capture_add_provenance(struct cc_set *s)
{
	const char *src = cc_set_meta(s, "source");
	const char *cpu = cc_set_meta(s, "cpu");
	char buf[64];

	if (src == NULL || cc_set_meta(s, "microcode") != NULL ||
	    (strcmp(src, "host") != 0 && strcmp(src, "kvm") != 0) ||
	    cc_set_meta(s, "captured") == NULL)
		return;
	microcode(cpu ? atoi(cpu) : 0, 1, buf, sizeof buf);
	if (buf[0])
		cc_set_meta_set(s, "microcode", buf, 0);
}

void capture_add_meta(struct cc_set *s, const char *source)
{
	char buf[256], brand[64];
	struct utsname u;
	unsigned fam, mod, step;
	time_t now = time(NULL);
	struct tm tm;
	int cpu = sched_getcpu();

	cc_set_meta_set(s, "source", source, 0);
	cc_set_brand(s, brand);
	if (brand[0])
		cc_set_meta_set(s, "brand", brand, 0);
	cc_set_meta_set(s, "vendor", s->vendor_id, 0);
	if (cc_set_fms(s, &fam, &mod, &step) == 0) {
		snprintf(buf, sizeof buf, "%u", fam);
		cc_set_meta_set(s, "family", buf, 1);
		snprintf(buf, sizeof buf, "%u", mod);
		cc_set_meta_set(s, "model", buf, 1);
		snprintf(buf, sizeof buf, "%u", step);
		cc_set_meta_set(s, "stepping", buf, 1);
	}
	microcode(cpu < 0 ? 0 : cpu, 0, buf, sizeof buf);
	if (buf[0])
		cc_set_meta_set(s, "microcode", buf, 0);
	if (uname(&u) == 0) {
		cc_set_meta_set(s, "kernel", u.release, 0);
		cc_set_meta_set(s, "hostname", u.nodename, 0);
	}
	cc_set_meta_set(s, "tool", PACKAGE_STRING, 0);
	gmtime_r(&now, &tm);
	strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%SZ", &tm);
	cc_set_meta_set(s, "captured", buf, 0);
}

struct cc_set *capture_host(struct cc_err *e)
{
	struct cc_set *s = cc_set_new("host", CC_KIND_DUMP);
	cpu_set_t old, one;
	int cpu = sched_getcpu();
	int pinned = 0;

	if (cpu >= 0 && sched_getaffinity(0, sizeof old, &old) == 0) {
		CPU_ZERO(&one);
		CPU_SET(cpu, &one);
		pinned = sched_setaffinity(0, sizeof one, &one) == 0;
	}
	capture_range(s, 0);
	capture_range(s, 0x40000000u);
	capture_range(s, 0x80000000u);
	capture_range(s, 0xc0000000u);
	if (cc_set_finish(s, e) < 0) {
		cc_set_free(s);
		s = NULL;
	} else {
		capture_add_meta(s, "host");
		if (cpu >= 0) {
			char buf[16];

			snprintf(buf, sizeof buf, "%d", cpu);
			cc_set_meta_set(s, "cpu", buf, 1);
		}
	}
	if (pinned)
		sched_setaffinity(0, sizeof old, &old);
	return s;
}

#ifndef ARCH_REQ_XCOMP_GUEST_PERM
#define ARCH_REQ_XCOMP_GUEST_PERM 0x1025
#endif
#define XFEATURE_XTILEDATA 18

struct cc_set *capture_kvm(const char *device, struct cc_err *e)
{
	struct kvm_cpuid2 *c = NULL;
	struct cc_set *s;
	int fd, nent = 128, r;
	uint32_t i;

	if (device == NULL)
		device = getenv("CPUCOMPAT_KVM_DEVICE");
	if (device == NULL || !*device)
		device = "/dev/kvm";
	fd = open(device, O_RDWR | O_CLOEXEC);
	if (fd < 0) {
		int saved = errno;

		if (saved == ENOENT)
			return cc_errf(e,
				       "%s: no such device: KVM is not "
				       "available (load kvm_intel or kvm_amd, "
				       "or enable virtualization in firmware)",
				       device),
			       NULL;
		if (saved == EACCES || saved == EPERM)
			return cc_errf(e,
				       "%s: permission denied: run as root or "
				       "add this user to the 'kvm' group",
				       device),
			       NULL;
		return cc_errf(e, "%s: cannot open: %s", device,
			       strerror(saved)),
		       NULL;
	}
	r = ioctl(fd, KVM_GET_API_VERSION, 0);
	if (r != KVM_API_VERSION) {
		close(fd);
		return cc_errf(e,
			       "%s: not a KVM device (KVM_GET_API_VERSION "
			       "returned %d, expected %d)",
			       device, r, KVM_API_VERSION),
		       NULL;
	}
	/* Without this, leaf 0xD hides AMX tile state from guests; failure
	 * is fine on CPUs without AMX. */
	(void)syscall(SYS_arch_prctl, ARCH_REQ_XCOMP_GUEST_PERM,
		      XFEATURE_XTILEDATA);
	for (;;) {
		c = cc_xrealloc(c, sizeof *c + (size_t)nent * sizeof c->entries[0]);
		memset(c, 0, sizeof *c + (size_t)nent * sizeof c->entries[0]);
		c->nent = (uint32_t)nent;
		if (ioctl(fd, KVM_GET_SUPPORTED_CPUID, c) == 0)
			break;
		if (errno != E2BIG || nent >= 65536) {
			int saved = errno;

			free(c);
			close(fd);
			return cc_errf(e,
				       "%s: KVM_GET_SUPPORTED_CPUID failed: %s",
				       device, strerror(saved)),
			       NULL;
		}
		nent *= 2;
	}
	close(fd);
	s = cc_set_new("kvm", CC_KIND_DUMP);
	for (i = 0; i < c->nent; i++) {
		const struct kvm_cpuid_entry2 *k = &c->entries[i];
		uint32_t sub = (k->flags & KVM_CPUID_FLAG_SIGNIFCANT_INDEX)
				       ? k->index
				       : 0;
		struct cc_leaf *l = cc_set_put(s, k->function, sub, sub);

		if (l == NULL) {
			cc_errf(e,
				"%s: KVM returned leaf 0x%08x subleaf %u twice",
				device, k->function, sub);
			cc_set_free(s);
			free(c);
			return NULL;
		}
		l->flags = k->flags;
		l->reg[CC_EAX] = k->eax;
		l->reg[CC_EBX] = k->ebx;
		l->reg[CC_ECX] = k->ecx;
		l->reg[CC_EDX] = k->edx;
	}
	free(c);
	if (cc_set_finish(s, e) < 0) {
		cc_set_free(s);
		return NULL;
	}
	capture_add_meta(s, "kvm");
	return s;
}
