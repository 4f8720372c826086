/*
 * Live capture of CPUID: the CPUID instruction (host) and KVM's supported
 * list (kvm).  See capture.h.
 *
 * The enumerator walks the ranges and asks a CPUID backend for each
 * (leaf, subleaf): the instruction itself, or a recorded set (tests run the
 * same walk over recorded CPUs of every vendor).  Subleaves follow each
 * leaf's own definition, and agree with what etallen cpuid prints for
 * `cpuid -r -1` (so `dump host --format cpuid-r` matches it):
 *
 *   4, 0xB, 0x80000026   until the cache type (EAX[4:0]) or level type
 *                        (ECX[15:8]) is 0, the terminating subleaf kept
 *                        (the cpuid versions seen print subleaf 0 of
 *                        0x80000026 only: a superset of theirs);
 *   0x1F                 the same from subleaf 1 on (subleaf 0 always);
 *   0x12, 0x1B           subleaves 0 and 1 (0x12) or 0 (0x1B), then until
 *                        the subleaf type (EAX[3:0], EAX[11:0]) is 0, kept;
 *   0x8000001D           while the cache type is not 0: the terminator is
 *                        not kept, and a CPU without the leaf's caches
 *                        (cache type 0 in subleaf 0) has no entry at all;
 *   7, 0x14, 0x17, 0x18, 0x1D, 0x1E, 0x20, 0x24
 *                        0 up to the maximum subleaf in subleaf 0 EAX;
 *   0xD                  0, 1, then n = 2..62 where bit n is set in the
 *                        XCR0 (0.EDX:EAX) or IA32_XSS (1.EDX:ECX) mask;
 *   0xF, 0x10, 0x23, 0x80000020
 *                        0, then n = 1..31 where bit n of subleaf 0 EDX,
 *                        EBX, EAX, EBX says resource n exists.
 *
 * The rules are the same on every vendor: a leaf a vendor reserves reads
 * as zeros, so its subleaf 0 is the terminator (leaf 4 and 0xB on AMD print
 * one zero subleaf, as cpuid does; 0x8000001D on a CPU without it prints
 * none).
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
#include "defs.h"

/* One enumeration: the backend and the set being filled. */
struct walk {
	capture_cpuid_fn fn;
	void *ctx;
	struct cc_set *s;
};

void capture_cpuid_insn(void *ctx, uint32_t leaf, uint32_t sub, uint32_t r[4])
{
	(void)ctx;
	__cpuid_count(leaf, sub, r[0], r[1], r[2], r[3]);
}

void capture_cpuid_set(void *ctx, uint32_t leaf, uint32_t sub, uint32_t r[4])
{
	const struct cc_set *s = ctx;
	int i;

	for (i = 0; i < CC_NREGS; i++)
		r[i] = cc_set_reg(s, leaf, sub, (enum cc_reg)i, NULL);
}

static void ask(const struct walk *w, uint32_t leaf, uint32_t sub,
		uint32_t r[4])
{
	memset(r, 0, 4 * sizeof r[0]);
	w->fn(w->ctx, leaf, sub, r);
}

static void put(const struct walk *w, uint32_t leaf, uint32_t sub,
		const uint32_t r[4])
{
	struct cc_leaf *l = cc_set_put(w->s, leaf, sub, sub);

	if (l != NULL)
		memcpy(l->reg, r, sizeof l->reg);
}

/* FIELD of R is REG >> SHIFT & MASK. */
static uint32_t field(const uint32_t r[4], int reg, int shift, uint32_t mask)
{
	return r[reg] >> shift & mask;
}

/* Subleaves FROM.. until FIELD == 0; the terminating subleaf is kept. */
static void until_zero(const struct walk *w, uint32_t leaf, uint32_t from,
		       int reg, int shift, uint32_t mask)
{
	uint32_t r[4], sub;

	for (sub = from; sub < 256; sub++) {
		ask(w, leaf, sub, r);
		put(w, leaf, sub, r);
		if (field(r, reg, shift, mask) == 0)
			break;
	}
}

/* Subleaves 0.. while the cache type (EAX[4:0]) is not 0, without the
 * terminator: 0x8000001D as cpuid prints it. */
static void while_cache(const struct walk *w, uint32_t leaf)
{
	uint32_t r[4], sub;

	for (sub = 0; sub < 256; sub++) {
		ask(w, leaf, sub, r);
		if (field(r, CC_EAX, 0, 0x1f) == 0)
			break;
		put(w, leaf, sub, r);
	}
}

/* Subleaf 0, then 1..MAX where MAX is subleaf 0 EAX (capped). */
static void upto_eax(const struct walk *w, uint32_t leaf)
{
	uint32_t r[4], sub, max;

	ask(w, leaf, 0, r);
	put(w, leaf, 0, r);
	max = r[CC_EAX] > 64 ? 64 : r[CC_EAX];
	for (sub = 1; sub <= max; sub++) {
		ask(w, leaf, sub, r);
		put(w, leaf, sub, r);
	}
}

/* Every subleaf FIRST..LAST whose bit is set in MAP. */
static void by_bitmap(const struct walk *w, uint32_t leaf, uint64_t map,
		      unsigned first, unsigned last)
{
	uint32_t r[4];
	unsigned sub;

	for (sub = first; sub <= last; sub++) {
		if (!(map >> sub & 1))
			continue;
		ask(w, leaf, sub, r);
		put(w, leaf, sub, r);
	}
}

/* 0xD: subleaves 0 and 1, then every state component either mask names. */
static void xsave(const struct walk *w)
{
	uint32_t r0[4], r1[4];
	uint64_t xcr0, xss;

	ask(w, 0xd, 0, r0);
	put(w, 0xd, 0, r0);
	ask(w, 0xd, 1, r1);
	put(w, 0xd, 1, r1);
	xcr0 = (uint64_t)r0[CC_EDX] << 32 | r0[CC_EAX];
	xss = (uint64_t)r1[CC_EDX] << 32 | r1[CC_ECX];
	by_bitmap(w, 0xd, xcr0 | xss, 2, 62);
}

/* Leaves 0xF, 0x10, 0x23, 0x80000020: subleaf 0 REG is a bitmap of the
 * resources (subleaves) 1..31 that exist. */
static void resources(const struct walk *w, uint32_t leaf, int reg)
{
	uint32_t r[4];

	ask(w, leaf, 0, r);
	put(w, leaf, 0, r);
	by_bitmap(w, leaf, r[reg], 1, 31);
}

/* Subleaves 0..COUNT-1 of LEAF, asked and kept unconditionally. */
static void fixed(const struct walk *w, uint32_t leaf, uint32_t count)
{
	uint32_t r[4], sub;

	for (sub = 0; sub < count; sub++) {
		ask(w, leaf, sub, r);
		put(w, leaf, sub, r);
	}
}

static void capture_leaf(const struct walk *w, uint32_t leaf)
{
	switch (leaf) {
	case 0x4:
		until_zero(w, leaf, 0, CC_EAX, 0, 0x1f);
		return;
	case 0xb:
	case 0x80000026:
		until_zero(w, leaf, 0, CC_ECX, 8, 0xff);
		return;
	case 0x1f:
		fixed(w, leaf, 1);
		until_zero(w, leaf, 1, CC_ECX, 8, 0xff);
		return;
	case 0x12:
		fixed(w, leaf, 2);
		until_zero(w, leaf, 2, CC_EAX, 0, 0xf);
		return;
	case 0x1b:
		fixed(w, leaf, 1);
		until_zero(w, leaf, 1, CC_EAX, 0, 0xfff);
		return;
	case 0x8000001d:
		while_cache(w, leaf);
		return;
	case 0x7:
	case 0x14:
	case 0x17:
	case 0x18:
	case 0x1d:
	case 0x1e:
	case 0x20:
	case 0x24:
		upto_eax(w, leaf);
		return;
	case 0xd:
		xsave(w);
		return;
	case 0xf:
		resources(w, leaf, CC_EDX);
		return;
	case 0x10:
	case 0x80000020:
		resources(w, leaf, CC_EBX);
		return;
	case 0x23:
		resources(w, leaf, CC_EAX);
		return;
	default:
		fixed(w, leaf, 1);
		return;
	}
}

static void capture_range(const struct walk *w, uint32_t base)
{
	uint32_t r[4], leaf, max;

	ask(w, base, 0, r);
	max = r[CC_EAX];
	if (base != 0 && (max & 0xffff0000u) != base)
		return; /* range absent: the CPU echoed another leaf */
	if (max - base > 0x200)
		max = base + 0x200; /* never trust an absurd maximum */
	for (leaf = base; leaf <= max; leaf++)
		capture_leaf(w, leaf);
}

struct cc_set *capture_enumerate(capture_cpuid_fn fn, void *ctx,
				 const char *name)
{
	struct walk w;

	w.fn = fn;
	w.ctx = ctx;
	w.s = cc_set_new(name, CC_KIND_DUMP);
	capture_range(&w, 0);
	capture_range(&w, 0x40000000u);
	capture_range(&w, 0x80000000u);
	capture_range(&w, 0xc0000000u);
	return w.s;
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

/* Pin the calling thread to the first CPU it may run on, saving its mask
 * in OLD; that CPU, or -1 (nothing pinned) when the mask cannot be read or
 * set. */
static int pin_first_cpu(cpu_set_t *old)
{
	cpu_set_t one;
	int cpu;

	if (sched_getaffinity(0, sizeof *old, old) != 0)
		return -1;
	for (cpu = 0; cpu < CPU_SETSIZE; cpu++)
		if (CPU_ISSET(cpu, old))
			break;
	if (cpu == CPU_SETSIZE)
		return -1;
	CPU_ZERO(&one);
	CPU_SET(cpu, &one);
	if (sched_setaffinity(0, sizeof one, &one) != 0)
		return -1;
	return cpu;
}

#define MAX_MSRS 64 /* feature MSRs the defs may name */

/* The distinct MSR indexes the built-in field database names, ascending,
 * into OUT; their count. */
static size_t defs_msrs(uint32_t out[MAX_MSRS])
{
	const struct cc_defs *d = cc_defs_builtin();
	size_t i, n = 0, k;

	for (i = 0; i < d->n; i++) {
		uint32_t x = d->fields[i].first;

		if (!CC_IS_MSR(d->fields[i].leaf))
			continue;
		for (k = 0; k < n && out[k] < x; k++)
			;
		if ((k < n && out[k] == x) || n == MAX_MSRS)
			continue;
		memmove(&out[k + 1], &out[k], (n - k) * sizeof *out);
		out[k] = x;
		n++;
	}
	return n;
}

/* The feature MSRs of CPU (the pinned one; 0 when none was pinned) from
 * the msr driver into S.  An MSR the CPU does not implement (EIO) has
 * none of its bits: 0.  Without the device, S carries no MSR (its bits
 * stay unknown) and metadata "msrs" says why. */
static void host_msrs(struct cc_set *s, int cpu)
{
	uint32_t idx[MAX_MSRS];
	size_t n = defs_msrs(idx), i;
	char path[48], why[160];
	int fd;

	snprintf(path, sizeof path, "/dev/cpu/%d/msr", cpu < 0 ? 0 : cpu);
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0) {
		snprintf(why, sizeof why,
			 "not read: %s: %s (needs root and the msr module)",
			 path, strerror(errno));
		cc_set_meta_set(s, "msrs", why, 0);
		return;
	}
	for (i = 0; i < n; i++) {
		uint64_t v = 0;
		ssize_t r = pread(fd, &v, sizeof v, (off_t)idx[i]);

		if (r == (ssize_t)sizeof v || (r < 0 && errno == EIO))
			cc_set_put_msr(s, idx[i], r < 0 ? 0 : v);
	}
	close(fd);
}

/* Record in S the CPU a capture was pinned to (none when CPU < 0). */
static void meta_cpu(struct cc_set *s, int cpu)
{
	char buf[16];

	if (cpu < 0)
		return;
	snprintf(buf, sizeof buf, "%d", cpu);
	cc_set_meta_set(s, "cpu", buf, 1);
}

/* Give the calling thread back the CPU mask OLD that pin_first_cpu saved
 * when it pinned CPU. */
static void unpin(int cpu, const cpu_set_t *old)
{
	if (cpu >= 0)
		sched_setaffinity(0, sizeof *old, old);
}

struct cc_set *capture_host(struct cc_err *e)
{
	struct cc_set *s;
	cpu_set_t old;
	int cpu = pin_first_cpu(&old);

	s = capture_enumerate(capture_cpuid_insn, NULL, "host");
	if (cc_set_finish(s, e) < 0) {
		cc_set_free(s);
		s = NULL;
	} else {
		capture_add_meta(s, "host");
		meta_cpu(s, cpu);
		host_msrs(s, cpu);
	}
	unpin(cpu, &old);
	return s;
}

#ifndef ARCH_REQ_XCOMP_GUEST_PERM
#define ARCH_REQ_XCOMP_GUEST_PERM 0x1025
#endif
#define XFEATURE_XTILEDATA 18

static const char *kvm_device(const char *device)
{
	if (device == NULL)
		device = getenv("CPUCOMPAT_KVM_DEVICE");
	if (device == NULL || !*device)
		device = "/dev/kvm";
	return device;
}

/* Open DEVICE as KVM: its descriptor, or -1 and E (*OPEN_ERRNO, may be
 * NULL, gets errno when open itself failed, else 0). */
static int kvm_open(const char *device, int *open_errno, struct cc_err *e)
{
	int fd = open(device, O_RDWR | O_CLOEXEC), r, saved = errno;

	if (open_errno != NULL)
		*open_errno = fd < 0 ? saved : 0;
	if (fd < 0) {
		if (saved == ENOENT)
			return cc_errf(e,
				       "%s: no such device: KVM is not "
				       "available (load kvm_intel or kvm_amd, "
				       "or enable virtualization in firmware)",
				       device);
		if (saved == EACCES || saved == EPERM)
			return cc_errf(e,
				       "%s: permission denied: run as root or "
				       "add this user to the 'kvm' group",
				       device);
		return cc_errf(e, "%s: cannot open: %s", device,
			       strerror(saved));
	}
	r = ioctl(fd, KVM_GET_API_VERSION, 0);
	if (r != KVM_API_VERSION) {
		close(fd);
		return cc_errf(e,
			       "%s: not a KVM device (KVM_GET_API_VERSION "
			       "returned %d, expected %d)",
			       device, r, KVM_API_VERSION);
	}
	return fd;
}

/* KVM_GET_SUPPORTED_CPUID on FD, growing the buffer on E2BIG; NULL and
 * E on failure.  The caller frees the result. */
static struct kvm_cpuid2 *kvm_supported(int fd, const char *device,
					struct cc_err *e)
{
	struct kvm_cpuid2 *c = NULL;
	int nent = 128;

	/* Without this, leaf 0xD hides AMX tile state from guests; failure
	 * is fine on CPUs without AMX. */
	(void)syscall(SYS_arch_prctl, ARCH_REQ_XCOMP_GUEST_PERM,
		      XFEATURE_XTILEDATA);
	for (;;) {
		size_t size = sizeof *c + (size_t)nent * sizeof c->entries[0];

		c = cc_xrealloc(c, size);
		memset(c, 0, size);
		c->nent = (uint32_t)nent;
		if (ioctl(fd, KVM_GET_SUPPORTED_CPUID, c) == 0)
			return c;
		if (errno != E2BIG || nent >= 65536) {
			int saved = errno;

			free(c);
			cc_errf(e, "%s: KVM_GET_SUPPORTED_CPUID failed: %s",
				device, strerror(saved));
			return NULL;
		}
		nent *= 2;
	}
}

/* What KVM offers guests of the feature MSRs the defs name, into S:
 * KVM_GET_MSRS on the system descriptor FD for those in KVM's feature-MSR
 * list, 0 for the others (KVM offers none of their bits).  A KVM without
 * the list leaves S without MSRs (unknown) and says so in metadata
 * "msrs". */
static void kvm_msrs(int fd, struct cc_set *s)
{
	uint32_t idx[MAX_MSRS];
	size_t n = defs_msrs(idx), i, k, want = 0;
	struct kvm_msr_list probe, *list = NULL;
	struct kvm_msrs *m;
	int got;

	memset(&probe, 0, sizeof probe);
	if (ioctl(fd, KVM_GET_MSR_FEATURE_INDEX_LIST, &probe) < 0 &&
	    errno != E2BIG) {
		cc_set_meta_set(s, "msrs",
				"not read: KVM has no feature-MSR list", 0);
		return;
	}
	list = cc_xcalloc(1, sizeof *list + probe.nmsrs * sizeof(uint32_t));
	list->nmsrs = probe.nmsrs;
	if (probe.nmsrs > 0 &&
	    ioctl(fd, KVM_GET_MSR_FEATURE_INDEX_LIST, list) < 0)
		list->nmsrs = 0;
	m = cc_xcalloc(1, sizeof *m + n * sizeof m->entries[0]);
	for (i = 0; i < n; i++)
		for (k = 0; k < list->nmsrs; k++)
			if (list->indices[k] == idx[i])
				m->entries[want++].index = idx[i];
	m->nmsrs = (uint32_t)want;
	got = want ? ioctl(fd, KVM_GET_MSRS, m) : 0;
	for (i = 0; i < n; i++) {
		uint64_t v = 0;

		for (k = 0; got > 0 && k < (size_t)got; k++)
			if (m->entries[k].index == idx[i])
				v = m->entries[k].data;
		cc_set_put_msr(s, idx[i], v);
	}
	free(m);
	free(list);
}

/* KVM's entries C as a finished dump; NULL and E on a repeated entry. */
static struct cc_set *kvm_set(const struct kvm_cpuid2 *c, const char *device,
			      struct cc_err *e)
{
	struct cc_set *s = cc_set_new("kvm", CC_KIND_DUMP);
	uint32_t i;

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
			return NULL;
		}
		l->flags = k->flags;
		l->reg[CC_EAX] = k->eax;
		l->reg[CC_EBX] = k->ebx;
		l->reg[CC_ECX] = k->ecx;
		l->reg[CC_EDX] = k->edx;
	}
	if (cc_set_finish(s, e) < 0) {
		cc_set_free(s);
		return NULL;
	}
	capture_add_meta(s, "kvm");
	return s;
}

/* capture_kvm, with *OPEN_ERRNO (may be NULL) as for kvm_open.  Pinned
 * like capture_host: KVM_GET_SUPPORTED_CPUID passes some registers through
 * from the CPU the ioctl runs on (the APIC IDs of leaves 1, 0xB and 0x1F),
 * so an unpinned capture changes with the scheduler's choice. */
static struct cc_set *kvm_capture(const char *device, int *open_errno,
				  struct cc_err *e)
{
	struct kvm_cpuid2 *c;
	struct cc_set *s;
	cpu_set_t old;
	int fd, cpu;

	device = kvm_device(device);
	fd = kvm_open(device, open_errno, e);
	if (fd < 0)
		return NULL;
	cpu = pin_first_cpu(&old);
	c = kvm_supported(fd, device, e);
	s = c == NULL ? NULL : kvm_set(c, device, e);
	if (s != NULL) {
		meta_cpu(s, cpu);
		kvm_msrs(fd, s);
	}
	unpin(cpu, &old);
	close(fd);
	free(c);
	return s;
}

struct cc_set *capture_kvm(const char *device, struct cc_err *e)
{
	return kvm_capture(device, NULL, e);
}

struct cc_set *capture_auto(struct cc_err *e)
{
	struct cc_set *s;
	int open_errno;

	s = kvm_capture(NULL, &open_errno, e);
	if (s != NULL || open_errno == 0)
		return s;
	s = capture_host(e);
	if (s != NULL)
		cc_set_warn(s,
			    "%s is not available (%s): judging the raw CPUID "
			    "of this host instead; KVM may offer guests less",
			    kvm_device(NULL), strerror(open_errno));
	return s;
}
