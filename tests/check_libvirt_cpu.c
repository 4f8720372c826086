/*
 * Unit tests of the libvirt <cpu> format (fmt_libvirt_cpu.c): the four
 * documents libvirt users hold (tests/data/libvirt: a Cascade Lake
 * host's `virsh capabilities`, an EPYC Rome host's `virsh
 * domcapabilities`, a domain XML, a hypervisor-cpu-baseline <cpu>) load
 * by content as profiles of the QEMU model they name, with the features,
 * vendor, signature and address width they say; match='minimum' and
 * policy='optional' leave bits to the host; the writer's XML for QEMU
 * models reads back identical for guests; every bad input names the file
 * and line.
 */
#include "config.h"

#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "check_common.h"
#include "diff.h"
#include "fmt.h"
#include "guest.h"
#include "source.h"

/* A bit of (LEAF, SUB, REG) of S: 1 or 0 when S fixes it, -1 when S
 * leaves it to the host. */
static int bit(const struct cc_set *s, uint32_t leaf, uint32_t sub, int reg,
	       int b)
{
	uint32_t known, v = cc_set_reg(s, leaf, sub, (enum cc_reg)reg, &known);

	if (!((known >> b) & 1))
		return -1;
	return (int)((v >> b) & 1);
}

/* tests/data/libvirt/NAME, loaded with format detection. */
static struct cc_set *fixture(const char *name)
{
	char path[512];
	struct cc_err e;
	struct cc_set *s;

	snprintf(path, sizeof path, "libvirt/%s", name);
	s = fmt_load_file(cct_data_path(path), NULL, NULL, &e);
	ck_assert_msg(s != NULL, "%s: %s", name, e.msg);
	return s;
}

/* XML read as libvirt-cpu from memory; NULL and E when refused. */
static struct cc_set *from_text(const char *xml, struct cc_err *e)
{
	return fmt_load_buffer(xml, strlen(xml), "t.xml", NULL, NULL, e);
}

static const char *meta(const struct cc_set *s, const char *key)
{
	const char *v = cc_set_meta(s, key);

	ck_assert_msg(v != NULL, "no metadata %s", key);
	return v;
}

START_TEST(test_capabilities_cascadelake)
{
	struct cc_set *s = fixture("caps-cascadelake.xml");
	uint32_t known, eax;

	ck_assert_int_eq(s->kind, CC_KIND_PROFILE);
	ck_assert_int_eq(s->vendor, CC_VENDOR_INTEL);
	ck_assert_str_eq(meta(s, "libvirt_model"), "Cascadelake-Server");
	ck_assert_str_eq(meta(s, "libvirt_qemu_model"),
			 "Cascadelake-Server-v1");
	ck_assert_str_eq(meta(s, "microcode"), "0x5003003");
	ck_assert_str_eq(meta(s, "topology"),
			 "sockets=1 dies=1 cores=26 threads=2");
	/* avx512_vnni, CPUID.(7,0).ECX[11], from the model */
	ck_assert_int_eq(bit(s, 7, 0, CC_ECX, 11), 1);
	/* TSX: the model (version 1) has it, the host lists no disable */
	ck_assert_int_eq(bit(s, 7, 0, CC_EBX, 4), 1);
	/* extras: vmx CPUID.1.ECX[5], xsaves (0xD,1).EAX[3], invtsc */
	ck_assert_int_eq(bit(s, 1, 0, CC_ECX, 5), 1);
	ck_assert_int_eq(bit(s, 0xd, 1, CC_EAX, 3), 1);
	ck_assert_int_eq(bit(s, 0x80000007u, 0, CC_EDX, 8), 1);
	/* mds-no: IA32_ARCH_CAPABILITIES bit 5 */
	ck_assert_int_eq(bit(s, CC_MSR_LEAF, 0x10a, CC_EAX, 5), 1);
	/* <signature family='6' model='85' stepping='7'> */
	eax = cc_set_reg(s, 1, 0, CC_EAX, &known);
	ck_assert_uint_eq(known & 0x0fff0fffu, 0x0fff0fffu);
	ck_assert_uint_eq(eax & 0x0fff0fffu, 0x00050657u);
	/* <maxphysaddr mode='emulate' bits='46'> */
	eax = cc_set_reg(s, 0x80000008u, 0, CC_EAX, &known);
	ck_assert_uint_eq(known & 0xff, 0xff);
	ck_assert_uint_eq(eax & 0xff, 46);
	cc_set_free(s);
}
END_TEST

START_TEST(test_domcaps_host_model)
{
	struct cc_set *s = fixture("domcaps-epyc-rome.xml");
	uint32_t known, eax;

	ck_assert_int_eq(s->vendor, CC_VENDOR_AMD);
	ck_assert_str_eq(meta(s, "libvirt_qemu_model"), "EPYC-Rome-v1");
	/* disabled: xsaves (the model has it), svm, npt */
	ck_assert_int_eq(bit(s, 0xd, 1, CC_EAX, 3), 0);
	ck_assert_int_eq(bit(s, 0x80000001u, 0, CC_ECX, 2), 0);
	ck_assert_int_eq(bit(s, 0x8000000au, 0, CC_EDX, 0), 0);
	/* required: x2apic, hypervisor (a profile leaves it to the host),
	 * virt-ssbd CPUID.0x80000008.EBX[25], pschange-mc-no MSR bit 6 */
	ck_assert_int_eq(bit(s, 1, 0, CC_ECX, 21), 1);
	ck_assert_int_eq(bit(s, 1, 0, CC_ECX, 31), 1);
	ck_assert_int_eq(bit(s, 0x80000008u, 0, CC_EBX, 25), 1);
	ck_assert_int_eq(bit(s, CC_MSR_LEAF, 0x10a, CC_EAX, 6), 1);
	/* the model's own: sha-ni CPUID.(7,0).EBX[29] */
	ck_assert_int_eq(bit(s, 7, 0, CC_EBX, 29), 1);
	eax = cc_set_reg(s, 0x80000008u, 0, CC_EAX, &known);
	ck_assert_uint_eq(eax & known & 0xff, 43);
	cc_set_free(s);
}
END_TEST

START_TEST(test_domain_policies)
{
	struct cc_set *s = fixture("domain-skylake.xml");

	ck_assert_str_eq(meta(s, "libvirt_qemu_model"), "Skylake-Server-v2");
	ck_assert_int_eq(bit(s, 7, 0, CC_EBX, 4), 0);   /* disable hle */
	ck_assert_int_eq(bit(s, 7, 0, CC_EBX, 11), 0);  /* forbid rtm */
	ck_assert_int_eq(bit(s, 1, 0, CC_ECX, 17), 1);  /* require pcid */
	ck_assert_int_eq(bit(s, 7, 0, CC_EDX, 10), 1);  /* force md-clear */
	ck_assert_int_eq(bit(s, 7, 0, CC_EDX, 31), -1); /* optional ssbd */
	ck_assert_int_eq(bit(s, 7, 0, CC_EDX, 26), 1);  /* IBRS: the model */
	ck_assert_int_eq(bit(s, 7, 0, CC_EBX, 16), 1);  /* avx512f */
	cc_set_free(s);
}
END_TEST

START_TEST(test_bare_cpu)
{
	struct cc_set *s = fixture("cpu-baseline.xml");

	ck_assert_str_eq(meta(s, "libvirt_qemu_model"), "Haswell-v2");
	ck_assert_int_eq(bit(s, 1, 0, CC_ECX, 21), 0);          /* x2apic */
	ck_assert_int_eq(bit(s, 0x80000001u, 0, CC_ECX, 5), 1); /* abm */
	ck_assert_int_eq(bit(s, 7, 0, CC_EBX, 4), 0); /* noTSX: no hle */
	cc_set_free(s);
}
END_TEST

START_TEST(test_minimum_leaves_zeros_to_host)
{
	struct cc_err e;
	struct cc_set *s = from_text(
		"<cpu mode='custom' match='minimum'>\n"
		"  <model>Haswell</model>\n"
		"  <feature policy='disable' name='avx2'/>\n"
		"</cpu>\n",
		&e);

	ck_assert_msg(s != NULL, "%s", e.msg);
	ck_assert_int_eq(bit(s, 7, 0, CC_EBX, 5), 0);   /* disabled */
	ck_assert_int_eq(bit(s, 1, 0, CC_EDX, 26), 1);  /* sse2 */
	ck_assert_int_eq(bit(s, 7, 0, CC_EBX, 16), -1); /* avx512f */
	ck_assert_uint_eq(s->nwarnings, 1);
	ck_assert_ptr_nonnull(strstr(s->warnings[0], "match='minimum'"));
	cc_set_free(s);
}
END_TEST

START_TEST(test_signature_and_vendor_override)
{
	struct cc_err e;
	uint32_t known, eax;
	struct cc_set *s = from_text(
		"<?xml version='1.0'?>\n"
		"<!-- a Rome host with another stepping -->\n"
		"<capabilities><host><cpu>\n"
		"  <arch>x86_64</arch><model>EPYC-Rome</model>\n"
		"  <vendor>Hygon</vendor>\n"
		"  <signature family='25' model='49' stepping='2'/>\n"
		"</cpu></host></capabilities>\n",
		&e);

	ck_assert_msg(s != NULL, "%s", e.msg);
	ck_assert_int_eq(s->vendor, CC_VENDOR_HYGON);
	eax = cc_set_reg(s, 1, 0, CC_EAX, &known);
	/* family 25 = 0xf + extended 0xa; model 0x31 */
	ck_assert_uint_eq(eax & 0x0fff0fffu, 0x00a30f12u);
	cc_set_free(s);
}
END_TEST

/* Does S read the same as T for a guest, field by field? */
static void assert_identical(const struct cc_set *s, const struct cc_set *t)
{
	struct cc_diff_opts o = {.symmetric = 1, .view = CC_VIEW_GUEST};
	struct cc_report *r = cc_diff(s, t, cc_defs_builtin(), &o);
	size_t i;

	for (i = 0; i < r->n; i++)
		ck_assert_msg(0, "%s: %s differs", s->name,
			      r->findings[i].field ? r->findings[i].field->name
						   : "an unnamed bit");
	ck_assert_int_eq(r->verdict, CC_VERDICT_IDENTICAL);
	cc_report_free(r);
}

static const struct {
	const char *profile, *model, *comment;
} round_trips[] = {
	{"profile:Cascadelake-Server-v5",
	 "<model fallback='forbid'>Cascadelake-Server-noTSX</model>",
	 "nearest QEMU 7.2 model Cascadelake-Server-v5; libvirt 9.0 has no "
	 "name for it: written as Cascadelake-Server-noTSX (QEMU's "
	 "Cascadelake-Server-v3)"},
	{"profile:EPYC-Rome-v2", "<model fallback='forbid'>EPYC-Rome</model>",
	 "nearest QEMU 7.2 model EPYC-Rome-v2"},
	{"profile:Skylake-Server-v1",
	 "<model fallback='forbid'>Skylake-Server</model>",
	 "nearest QEMU 7.2 model Skylake-Server-v1 (libvirt's "
	 "Skylake-Server)"},
	{"profile:Haswell-noTSX", "<model fallback='forbid'>Haswell-noTSX",
	 "(libvirt's Haswell-noTSX)"},
};

START_TEST(test_round_trip)
{
	const struct fmt *f = fmt_find("libvirt-cpu");
	struct cc_err e;
	struct cc_set *s, *t;
	struct cc_buf b;

	s = source_load(round_trips[_i].profile, NULL, &e);
	ck_assert_msg(s != NULL, "%s", e.msg);
	cc_buf_init(&b);
	ck_assert_msg(f->write(&b, s, &e) == 0, "%s", e.msg);
	ck_assert_msg(strstr(b.data, round_trips[_i].model) != NULL, "%s",
		      b.data);
	ck_assert_msg(strstr(b.data, round_trips[_i].comment) != NULL, "%s",
		      b.data);
	ck_assert_ptr_null(strstr(b.data, "not expressible"));
	ck_assert_ptr_nonnull(strstr(b.data,
				     "<cpu mode='custom' match='exact' "
				     "check='full'>"));
	t = fmt_load_buffer(b.data, b.len, "back.xml", NULL, NULL, &e);
	ck_assert_msg(t != NULL, "%s\n%s", e.msg, b.data);
	assert_identical(s, t);
	cc_buf_free(&b);
	cc_set_free(s);
	cc_set_free(t);
}
END_TEST

/* A recorded Xeon Platinum 8268: its vendor, features, address width. */
START_TEST(test_write_dump)
{
	const struct fmt *f = fmt_find("libvirt-cpu");
	struct cc_set *s = cct_cpu("xeon-platinum-8268");
	struct cc_err e;
	struct cc_buf b;

	cc_buf_init(&b);
	ck_assert_msg(f->write(&b, s, &e) == 0, "%s", e.msg);
	ck_assert_ptr_nonnull(strstr(b.data, "<vendor>Intel</vendor>"));
	ck_assert_ptr_nonnull(
		strstr(b.data,
		       "<feature policy='require' name='avx512vnni'/>"));
	/* svm is AMD's: never named for an Intel CPU */
	ck_assert_ptr_null(strstr(b.data, "name='svm'"));
	ck_assert_ptr_nonnull(
		strstr(b.data, "<maxphysaddr mode='emulate' bits='46'/>"));
	cc_buf_free(&b);
	cc_set_free(s);
}
END_TEST

/* A stepping no QEMU model has: said in a comment. */
START_TEST(test_write_says_the_signature)
{
	const struct fmt *f = fmt_find("libvirt-cpu");
	struct cc_set *s =
		source_load("profile:Cascadelake-Server-v5", NULL, NULL);
	struct cc_leaf *l;
	struct cc_err e;
	struct cc_buf b;

	ck_assert_ptr_nonnull(s);
	l = &s->leaves[cc_set_get(s, 1, 0) - s->leaves];
	l->reg[CC_EAX] = (l->reg[CC_EAX] & ~0xfu) | 9;
	cc_buf_init(&b);
	ck_assert_msg(f->write(&b, s, &e) == 0, "%s", e.msg);
	ck_assert_msg(strstr(b.data,
			     "<!-- not expressible in libvirt XML: "
			     "family 6 model 85 stepping 9 (libvirt's "
			     "model gives Cascadelake-Server-v3's) "
			     "-->") != NULL,
		      "%s", b.data);
	cc_buf_free(&b);
	cc_set_free(s);
}
END_TEST

START_TEST(test_detection)
{
	const struct fmt *f = fmt_find("libvirt-cpu");
	static const char cpudata[] = "<cpudata arch='x86'>\n</cpudata>\n";
	static const char domain[] =
		"\xef\xbb\xbf<?xml version='1.0'?>\n"
		"<!-- <cpudata> is not this -->\n"
		"<domain type='kvm'><cpu/></domain>\n";

	ck_assert_int_eq(f->detect(cpudata, strlen(cpudata)), 0);
	ck_assert_int_eq(f->detect(domain, strlen(domain)), 1);
	ck_assert_int_eq(f->detect("<cpus>", 6), 0);
	ck_assert_int_eq(f->detect("<cpu/>", 6), 1);
}
END_TEST

static const struct {
	const char *xml, *msg;
} bad[] = {
	{"<domain type='kvm'>\n<cpu mode='host-passthrough'/>\n</domain>\n",
	 "t.xml:2: <cpu mode='host-passthrough'>: the guest sees the host's "
	 "own CPUID; compare against `host` or `kvm` on that host"},
	{"<domain>\n\n<cpu mode='maximum'/></domain>\n",
	 "t.xml:3: <cpu mode='maximum'>"},
	{"<domain>\n<cpu mode='host-model'/></domain>\n",
	 "t.xml:2: <cpu mode='host-model'>: libvirt picks the model"},
	{"<domain>\n<name>x</name>\n</domain>\n",
	 "t.xml:1: the domain has no <cpu>"},
	{"<cpu>\n<model>Cascadelake-Servr</model>\n</cpu>\n",
	 "t.xml:2: unknown CPU model 'Cascadelake-Servr': no such QEMU CPU "
	 "model; did you mean Cascadelake-Server"},
	{"<cpu>\n<model>cpu64-rhel6</model>\n</cpu>\n",
	 "t.xml:2: CPU model 'cpu64-rhel6' is libvirt's own"},
	{"<cpu><model>EPYC</model>\n<feature name='x2apic'/>\n"
	 "<feature policy='require' name='avx512-bogus'/>\n</cpu>\n",
	 "t.xml:3: unknown CPU feature 'avx512-bogus'"},
	{"<cpu><model>EPYC</model>\n<feature name='x2apic'>\n</cpu>\n",
	 "t.xml:3: invalid XML: mismatched tag"},
	{"<cpu><model>EPYC</model>\n<feature policy='maybe' name='x2apic'/>"
	 "</cpu>\n",
	 "t.xml:2: <feature policy='maybe' name='x2apic'>: unknown policy"},
	{"<cpu><model>EPYC</model>\n<feature name='x2apic'/>\n"
	 "<feature policy='disable' name='x2apic'/></cpu>\n",
	 "t.xml:3: feature 'x2apic' is named twice (also line 2)"},
	{"<cpu><model>EPYC</model>\n<vendor>Zhaoxin</vendor></cpu>\n",
	 "t.xml:2: unknown vendor 'Zhaoxin'"},
	{"<domainCapabilities>\n<cpu>\n<mode name='host-model' "
	 "supported='no'/>\n</cpu></domainCapabilities>\n",
	 "t.xml:3: <mode name='host-model' supported='no'>"},
	{"<capabilities><host><cpu>\n<arch>aarch64</arch>\n"
	 "<model>cortex-a72</model></cpu></host></capabilities>\n",
	 "t.xml:2: arch 'aarch64': only x86"},
	{"<cpu><model>EPYC</model>\n<signature family='6' model='300' "
	 "stepping='1'/></cpu>\n",
	 "t.xml:2: <signature family='6' model='300' stepping='1'>: out of "
	 "range"},
	{"<cpu mode='custom'>\n<topology sockets='1'/>\n</cpu>\n",
	 "t.xml:1: libvirt <cpu> names no <model>"},
};

START_TEST(test_bad_input)
{
	struct cc_err e;
	struct cc_set *s = from_text(bad[_i].xml, &e);

	ck_assert_msg(s == NULL, "accepted: %s", bad[_i].xml);
	ck_assert_msg(strncmp(e.msg, bad[_i].msg, strlen(bad[_i].msg)) == 0,
		      "got '%s', want '%s...'", e.msg, bad[_i].msg);
}
END_TEST

static Suite *libvirt_cpu_suite(void)
{
	Suite *s = suite_create("libvirt_cpu");
	TCase *tc;

	tc = tcase_create("read");
	tcase_add_test(tc, test_capabilities_cascadelake);
	tcase_add_test(tc, test_domcaps_host_model);
	tcase_add_test(tc, test_domain_policies);
	tcase_add_test(tc, test_bare_cpu);
	tcase_add_test(tc, test_minimum_leaves_zeros_to_host);
	tcase_add_test(tc, test_signature_and_vendor_override);
	tcase_add_test(tc, test_detection);
	suite_add_tcase(s, tc);
	tc = tcase_create("write");
	tcase_add_loop_test(tc, test_round_trip, 0,
			    sizeof round_trips / sizeof round_trips[0]);
	tcase_add_test(tc, test_write_dump);
	tcase_add_test(tc, test_write_says_the_signature);
	suite_add_tcase(s, tc);
	tc = tcase_create("errors");
	tcase_add_loop_test(tc, test_bad_input, 0, sizeof bad / sizeof bad[0]);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	return cct_run(libvirt_cpu_suite());
}
