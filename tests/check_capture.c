/*
 * Capture tests.  The subleaf enumeration, run over the recorded CPUs of
 * tests/data/cpus (Intel, AMD and Hygon, whatever this machine is): the
 * (leaf, subleaf) list it produces must be the one the recorded `cpuid
 * -1r` dump holds, except where the recording is known not to be a
 * faithful oracle (an older cpuid with other rules; see `unfaithful`).
 * Live: capture_host() against the CPUID instruction for leaves that do
 * not depend on which CPU runs them, pinned to the first allowed CPU;
 * capture_kvm() against a direct, independent KVM_GET_SUPPORTED_CPUID
 * ioctl (entry by entry, flags included) when /dev/kvm can be used.
 */
#include "config.h"

#include <check.h>
#include <cpuid.h>
#include <errno.h>
#include <fcntl.h>
#include <linux/kvm.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <unistd.h>

#include <sched.h>
#include <stdio.h>

#include "capture.h"
#include "check_common.h"
#include "fmt.h"

#ifndef TOP_SRCDIR
#define TOP_SRCDIR "."
#endif

static const char *const recorded[] = {
	"atom-p5362",        "cooperlake",        "core-i7-1270p",
	"epyc-7502",         "epyc-7601",         "epyc-7713",
	"epyc-9334",         "hygon-c86-7185",    "ice-lake-server",
	"ryzen-9-9950x",     "xeon-bronze-3408u", "xeon-e3-1245-v5",
	"xeon-e5-2650-v4",   "xeon-e7-8890",      "xeon-gold-6130",
	"xeon-gold-6148",    "xeon-gold-6530",    "xeon-platinum-8268",
	"xeon-silver-4214r",
};

/*
 * Leaves where a recorded dump is not a faithful oracle of today's rules:
 * the libvirt project recorded these CPUs over years, with cpuid versions
 * whose enumeration differed.  ENUMERATED is what the walk yields over the
 * recorded values (subleaves the recording lacks read as zeros).  The
 * newer recordings (core-i7-1270p, xeon-bronze-3408u, xeon-gold-6530,
 * xeon-silver-4214r; epyc-9334 and ryzen-9-9950x but for 0x80000026) are
 * faithful on every leaf.
 */
/* leaf 4 stopped before the type-0 terminator (so no leaf 4 at all on
 * AMD, whose leaf 4 is reserved) */
#define OLD4 "cpuid before 2021 printed no leaf 4 terminator"
/* leaf 0xB stopped at EAX = EBX = 0, not at level type 0 */
#define OLDB "cpuid before 2021 printed no leaf 0xB terminator"
/* 0x12 by the SGX1/SGX2 bits of subleaf 0 EAX, not 0, 1, then to type 0 */
#define OLD12 "cpuid before 2021 printed 0x12 subleaves by the EAX bitmap"
/* 0x1B printed as a leaf without subleaves */
#define OLD1B "cpuid before 2021 printed 0x1B subleaf 0 only"
/* 0x80000020 walked while a subleaf was non-zero, not by subleaf 0 EBX,
 * and subleaf 1 (zero then) was not recorded */
#define OLD8020 "cpuid before 2022 walked 0x80000020 to the first zero subleaf"
/* subleaves 1.. of AMD's extended topology were not printed */
#define ONLY0 "the recording cpuid printed 0x80000026 subleaf 0 only"

static const struct {
	const char *cpu;
	uint32_t leaf;
	const char *enumerated;
	const char *why;
} unfaithful[] = {
	{"atom-p5362", 0x4, "0 1 2 3 4", OLD4},
	{"atom-p5362", 0xb, "0 1 2", OLDB},
	{"atom-p5362", 0x12, "0 1 2", OLD12},
	{"atom-p5362", 0x1b, "0 1", OLD1B},
	{"cooperlake", 0x4, "0 1 2 3 4", OLD4},
	{"cooperlake", 0xb, "0 1 2", OLDB},
	{"cooperlake", 0x12, "0 1 2", OLD12},
	{"cooperlake", 0x1b, "0 1", OLD1B},
	{"epyc-7502", 0x4, "0", OLD4},
	{"epyc-7502", 0xb, "0 1 2", OLDB},
	{"epyc-7601", 0x4, "0", OLD4},
	{"epyc-7601", 0xb, "0", OLDB},
	{"epyc-7713", 0x4, "0", OLD4},
	{"epyc-7713", 0xb, "0 1 2", OLDB},
	{"epyc-7713", 0x80000020, "0 1", OLD8020},
	{"epyc-9334", 0x80000026, "0 1", ONLY0},
	{"hygon-c86-7185", 0x4, "0", OLD4},
	{"hygon-c86-7185", 0xb, "0", OLDB},
	{"ice-lake-server", 0x4, "0 1 2 3 4", OLD4},
	{"ice-lake-server", 0xb, "0 1 2", OLDB},
	{"ice-lake-server", 0x12, "0 1 2", OLD12},
	{"ice-lake-server", 0x1b, "0 1", OLD1B},
	{"ryzen-9-9950x", 0x80000026, "0 1", ONLY0},
	{"xeon-e3-1245-v5", 0x4, "0 1 2 3 4", OLD4},
	{"xeon-e3-1245-v5", 0xb, "0 1 2", OLDB},
	{"xeon-e3-1245-v5", 0x12, "0 1 2", OLD12},
	{"xeon-e5-2650-v4", 0x4, "0 1 2 3 4", OLD4},
	{"xeon-e5-2650-v4", 0xb, "0 1 2", OLDB},
	{"xeon-e5-2650-v4", 0x12, "0 1 2", OLD12},
	{"xeon-e7-8890", 0x4, "0 1 2 3 4", OLD4},
	{"xeon-e7-8890", 0xb, "0 1 2", OLDB},
	{"xeon-gold-6130", 0x4, "0 1 2 3 4", OLD4},
	{"xeon-gold-6130", 0xb, "0 1 2", OLDB},
	{"xeon-gold-6130", 0x12, "0 1 2", OLD12},
	{"xeon-gold-6148", 0x4, "0 1 2 3 4", OLD4},
	{"xeon-gold-6148", 0xb, "0 1 2", OLDB},
	{"xeon-gold-6148", 0x12, "0 1 2", OLD12},
	{"xeon-platinum-8268", 0x4, "0 1 2 3 4", OLD4},
	{"xeon-platinum-8268", 0xb, "0 1 2", OLDB},
	{"xeon-platinum-8268", 0x12, "0 1 2", OLD12},
	{NULL, 0, NULL, NULL},
};

static struct cc_set *load_recorded(const char *name)
{
	char path[512];
	struct cc_err e;
	struct cc_set *s;

	snprintf(path, sizeof path, "%s/tests/data/cpus/%s.json", TOP_SRCDIR,
		 name);
	s = fmt_load_file(path, NULL, NULL, &e);
	ck_assert_msg(s != NULL, "%s", e.msg);
	return s;
}

/* The subleaves of LEAF in S, as "0 1 2". */
static void subleaves(const struct cc_set *s, uint32_t leaf, char *out,
		      size_t n)
{
	size_t i, len = 0;

	out[0] = '\0';
	for (i = 0; i < s->n; i++)
		if (s->leaves[i].leaf == leaf)
			len += (size_t)snprintf(out + len,
						n > len ? n - len : 0, "%s%u",
						len ? " " : "",
						s->leaves[i].first);
}

/* The unfaithful entry for LEAF of CPU, or -1. */
static int unfaithful_entry(const char *cpu, uint32_t leaf)
{
	int i;

	for (i = 0; unfaithful[i].cpu != NULL; i++)
		if (strcmp(unfaithful[i].cpu, cpu) == 0 &&
		    unfaithful[i].leaf == leaf)
			return i;
	return -1;
}

/* Every leaf either set has, in order, once. */
static int next_leaf(const struct cc_set *a, const struct cc_set *b,
		     uint32_t after, int first, uint32_t *leaf)
{
	const struct cc_set *sets[2] = {a, b};
	int found = 0, k;
	size_t i;

	for (k = 0; k < 2; k++)
		for (i = 0; i < sets[k]->n; i++) {
			uint32_t l = sets[k]->leaves[i].leaf;

			if ((first || l > after) && (!found || l < *leaf)) {
				*leaf = l;
				found = 1;
			}
		}
	return found;
}

START_TEST(test_enumeration_matches_recording)
{
	const char *cpu = recorded[_i];
	struct cc_set *rec = load_recorded(cpu);
	struct cc_set *got = capture_enumerate(capture_cpuid_set, rec, cpu);
	struct cc_err e;
	char bad[4096];
	size_t nbad = 0;
	uint32_t leaf = 0;
	int first = 1, leaves = 0;

	bad[0] = '\0';
	ck_assert_msg(cc_set_finish(got, &e) == 0, "%s", e.msg);
	while (next_leaf(rec, got, leaf, first, &leaf)) {
		char want[512], have[512];
		int u = unfaithful_entry(cpu, leaf);
		const char *alt = u >= 0 ? unfaithful[u].enumerated : NULL;

		first = 0;
		leaves++;
		subleaves(rec, leaf, want, sizeof want);
		subleaves(got, leaf, have, sizeof have);
		if (alt != NULL
			    ? strcmp(have, alt) == 0 && strcmp(want, alt) != 0
			    : strcmp(want, have) == 0)
			continue;
		nbad += (size_t)snprintf(
			bad + nbad, sizeof bad > nbad ? sizeof bad - nbad : 0,
			"\n  leaf %#x: enumerated [%s], recorded "
			"[%s]%s%s%s%s",
			leaf, have, want,
			alt ? ", listed as unfaithful with [" : "",
			alt ? alt : "", alt ? "]: " : "",
			alt ? unfaithful[u].why : "");
	}
	ck_assert_msg(nbad == 0, "%s:%s", cpu, bad);
	ck_assert_int_gt(leaves, 20);
	cc_set_free(got);
	cc_set_free(rec);
}
END_TEST

/* The first CPU the process may run on, as a mask of one, and the whole
 * mask in ALL. */
static int first_allowed_cpu(cpu_set_t *all, cpu_set_t *one)
{
	int cpu;

	ck_assert_int_eq(sched_getaffinity(0, sizeof *all, all), 0);
	for (cpu = 0; !CPU_ISSET(cpu, all); cpu++)
		;
	CPU_ZERO(one);
	CPU_SET(cpu, one);
	return cpu;
}

/* KVM_GET_SUPPORTED_CPUID by hand, on the CPU capture_kvm pins itself to:
 * KVM passes the APIC IDs of the CPU the ioctl runs on through. */
static struct kvm_cpuid2 *direct(int *n)
{
	int fd = open("/dev/kvm", O_RDWR);
	int nent = 4096;
	struct kvm_cpuid2 *c;
	cpu_set_t all, one;

	ck_assert_int_ge(fd, 0);
	c = calloc(1, sizeof *c + (size_t)nent * sizeof c->entries[0]);
	c->nent = (uint32_t)nent;
	first_allowed_cpu(&all, &one);
	ck_assert_int_eq(sched_setaffinity(0, sizeof one, &one), 0);
	ck_assert_int_eq(ioctl(fd, KVM_GET_SUPPORTED_CPUID, c), 0);
	ck_assert_int_eq(sched_setaffinity(0, sizeof all, &all), 0);
	close(fd);
	*n = (int)c->nent;
	return c;
}

START_TEST(test_kvm_matches_direct_ioctl)
{
	struct cc_err e;
	struct cc_set *s = capture_kvm(NULL, &e);
	struct kvm_cpuid2 *c;
	int n, i, compared = 0;

	ck_assert_msg(s != NULL, "%s", e.msg);
	c = direct(&n);
	for (i = 0; i < n; i++) {
		const struct kvm_cpuid_entry2 *k = &c->entries[i];
		uint32_t sub = (k->flags & KVM_CPUID_FLAG_SIGNIFCANT_INDEX)
				       ? k->index
				       : 0;
		uint32_t base = k->function & 0xffff0000u;
		const struct cc_leaf *l = cc_set_get(s, k->function, sub);

		if (k->function > cc_set_range_max(s, base) ||
		    cc_set_range_max(s, base) == 0) {
			ck_assert_msg(l == NULL, "leaf %#x past max kept",
				      k->function);
			continue;
		}
		ck_assert_msg(l != NULL, "leaf %#x.%u missing", k->function,
			      sub);
		ck_assert_uint_eq(l->reg[CC_EAX], k->eax);
		ck_assert_uint_eq(l->reg[CC_EBX], k->ebx);
		ck_assert_uint_eq(l->reg[CC_ECX], k->ecx);
		ck_assert_uint_eq(l->reg[CC_EDX], k->edx);
		ck_assert_uint_eq(l->flags, k->flags);
		compared++;
	}
	/* every CPUID entry was compared; the rest are feature MSRs */
	for (i = 0; i < (int)s->n; i++)
		if (CC_IS_MSR(s->leaves[i].leaf))
			compared++;
	ck_assert_int_eq(compared, (int)s->n);
	ck_assert_ptr_nonnull(cc_set_get(s, 0x40000000u, 0));
	ck_assert_ptr_nonnull(cc_set_get(s, 0x40000001u, 0));
	ck_assert_str_eq(cc_set_meta(s, "source"), "kvm");
	free(c);
	cc_set_free(s);
}
END_TEST

START_TEST(test_host_matches_instruction)
{
	struct cc_err e;
	struct cc_set *s = capture_host(&e);
	unsigned a, b, c, d;
	const struct cc_leaf *l;

	ck_assert_msg(s != NULL, "%s", e.msg);
	__cpuid_count(0, 0, a, b, c, d);
	l = cc_set_get(s, 0, 0);
	ck_assert_uint_eq(l->reg[CC_EAX], a);
	ck_assert_uint_eq(l->reg[CC_EBX], b);
	ck_assert_uint_eq(cc_set_range_max(s, 0), a);
	__cpuid_count(7, 0, a, b, c, d);
	l = cc_set_get(s, 7, 0);
	ck_assert_uint_eq(l->reg[CC_EBX], b);
	ck_assert_uint_eq(l->reg[CC_ECX], c);
	ck_assert_uint_eq(l->reg[CC_EDX], d);
	ck_assert_str_eq(cc_set_meta(s, "source"), "host");
	ck_assert_str_eq(cc_set_meta(s, "tool"), PACKAGE_STRING);
	cc_set_free(s);
}
END_TEST

/* The capture runs on the first CPU the process may use and gives the
 * process its CPU mask back. */
static void
check_pins_first_allowed_cpu(struct cc_set *(*capture)(struct cc_err *e))
{
	cpu_set_t before, one, after;
	struct cc_err e;
	struct cc_set *s;
	char want[16];

	snprintf(want, sizeof want, "%d", first_allowed_cpu(&before, &one));
	s = capture(&e);
	ck_assert_msg(s != NULL, "%s", e.msg);
	ck_assert_str_eq(cc_set_meta(s, "cpu"), want);
	ck_assert_int_eq(sched_getaffinity(0, sizeof after, &after), 0);
	ck_assert(CPU_EQUAL(&before, &after));
	cc_set_free(s);
}

START_TEST(test_host_pins_first_allowed_cpu)
{
	check_pins_first_allowed_cpu(capture_host);
}
END_TEST

static struct cc_set *capture_kvm_default(struct cc_err *e)
{
	return capture_kvm(NULL, e);
}

/* KVM_GET_SUPPORTED_CPUID passes the APIC IDs of the CPU it runs on
 * through (leaf 1 EBX[31:24], leaf 0xB EDX): pinned, two captures are the
 * same whichever CPU the scheduler had picked. */
START_TEST(test_kvm_pins_first_allowed_cpu)
{
	check_pins_first_allowed_cpu(capture_kvm_default);
}
END_TEST

/* Without a KVM device, `auto` is the raw capture, with a warning that
 * names the device and why it could not be opened. */
START_TEST(test_auto_falls_back_without_device)
{
	struct cc_err e;
	struct cc_set *s;

	ck_assert_int_eq(setenv("CPUCOMPAT_KVM_DEVICE", "/nonexistent/kvm", 1),
			 0);
	s = capture_auto(&e);
	ck_assert_msg(s != NULL, "%s", e.msg);
	ck_assert_str_eq(cc_set_meta(s, "source"), "host");
	ck_assert_uint_eq(s->nwarnings, 1);
	ck_assert_str_eq(s->warnings[0],
			 "/nonexistent/kvm is not available (No such file or "
			 "directory): judging the raw CPUID of this host "
			 "instead; KVM may offer guests less");
	cc_set_free(s);
	/* a device that opens but is not KVM stays an error */
	ck_assert_int_eq(setenv("CPUCOMPAT_KVM_DEVICE", "/dev/null", 1), 0);
	ck_assert_ptr_null(capture_auto(&e));
	ck_assert_msg(strstr(e.msg, "/dev/null: not a KVM device") != NULL,
		      "%s", e.msg);
	unsetenv("CPUCOMPAT_KVM_DEVICE");
}
END_TEST

START_TEST(test_kvm_errors_name_device)
{
	struct cc_err e;

	ck_assert_ptr_null(capture_kvm("/nonexistent/kvm", &e));
	ck_assert_str_eq(e.msg,
			 "/nonexistent/kvm: no such device: KVM is not "
			 "available (load kvm_intel or kvm_amd, or enable "
			 "virtualization in firmware)");
	ck_assert_ptr_null(capture_kvm("/dev/null", &e));
	ck_assert_msg(strstr(e.msg, "/dev/null: not a KVM device") != NULL,
		      "%s", e.msg);
}
END_TEST

int main(void)
{
	Suite *s = suite_create("capture");
	TCase *tc = tcase_create("enumerate");
	int rc, have_kvm = access("/dev/kvm", R_OK | W_OK) == 0;

	tcase_add_loop_test(tc, test_enumeration_matches_recording, 0,
			    (int)(sizeof recorded / sizeof recorded[0]));
	suite_add_tcase(s, tc);
	tc = tcase_create("host");
	tcase_add_test(tc, test_host_matches_instruction);
	tcase_add_test(tc, test_host_pins_first_allowed_cpu);
	tcase_add_test(tc, test_kvm_errors_name_device);
	tcase_add_test(tc, test_auto_falls_back_without_device);
	suite_add_tcase(s, tc);
	if (have_kvm) {
		tc = tcase_create("kvm");
		tcase_add_test(tc, test_kvm_matches_direct_ioctl);
		tcase_add_test(tc, test_kvm_pins_first_allowed_cpu);
		suite_add_tcase(s, tc);
	}
	rc = cct_run(s);
	if (!have_kvm)
		printf("no usable /dev/kvm: capture_kvm compared with the "
		       "ioctl on KVM machines only\n");
	return rc;
}
