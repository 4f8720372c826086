/*
 * Unit tests of the foreign formats (fmt_cpuid_r.c, fmt_libvirt.c,
 * fmt_aida64.c, fmt_chv.c, fmt_firecracker.c): every layout variant of
 * each reader against one reference CPU (tests/data, register values of a
 * real Xeon Silver 4214R from libvirt's corpus), CPU selection in
 * multi-CPU files, writers read back, one bad input per error class with
 * the file and line (or JSON path) its message must name, the libvirt
 * writer dropping the echoes past a range maximum and nothing else, and
 * every recorded CPU of tests/data/cpus through every writer and back.
 */
#include "config.h"

#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "check_common.h"
#include "fmt.h"

/* ---------------------------------------------------------------- helpers */

static struct cc_set *read_buf(const char *format, const char *buf, size_t len,
			       const char *name, int cpu, struct cc_err *e)
{
	const struct fmt *f = fmt_find(format);
	struct fmt_opts o = {cpu, 0};

	ck_assert_msg(f != NULL, "no format %s", format);
	return f->read(buf, len, name, &o, e);
}

/* Load PATH as FORMAT; the test fails when it does not load. */
static struct cc_set *load(const char *format, const char *path, int cpu)
{
	struct cc_buf b;
	struct cc_err e;
	struct cc_set *s;

	e.msg[0] = '\0';
	ck_assert_msg(cc_buf_load(&b, path, &e) == 0, "%s", e.msg);
	s = read_buf(format, b.data, b.len, path, cpu, &e);
	cc_buf_free(&b);
	ck_assert_msg(s != NULL, "%s: %s", path, e.msg);
	return s;
}

static struct cc_set *load_data(const char *format, const char *file, int cpu)
{
	return load(format, cct_data_path(file), cpu);
}

/* Render S as FORMAT into OUT (initialized here); the test fails on error. */
static void render(const char *format, const struct cc_set *s,
		   struct cc_buf *out)
{
	struct cc_err e;

	e.msg[0] = '\0';
	cc_buf_init(out);
	ck_assert_msg(fmt_find(format)->write(out, s, &e) == 0, "%s: %s",
		      format, e.msg);
}

/* Write S as FORMAT and read the text back. */
static struct cc_set *rewrite(const char *format, const struct cc_set *s)
{
	struct cc_buf b;
	struct cc_err e;
	struct cc_set *r;

	render(format, s, &b);
	r = read_buf(format, b.data, b.len, "rewritten", -1, &e);
	ck_assert_msg(r != NULL, "%s read back: %s\n%s", format, e.msg, b.data);
	cc_buf_free(&b);
	return r;
}

/*
 * A and B hold the same entries and register values and known masks; with
 * STRICT also the same flags, absent and joined bits.
 */
/* Entries of S before its MSR entries (which sort last): its CPUID. */
static size_t cpuid_entries(const struct cc_set *s)
{
	size_t n = s->n;

	while (n > 0 && CC_IS_MSR(s->leaves[n - 1].leaf))
		n--;
	return n;
}

/* The CPUID entries of A and B agree (MSRs: only some formats carry
 * them; the tests of those formats check them). */
static void assert_same(const struct cc_set *a, const struct cc_set *b,
			int strict, const char *what)
{
	size_t i, n = cpuid_entries(a);
	int r;

	ck_assert_msg(n == cpuid_entries(b), "%s: %zu entries vs %zu", what, n,
		      cpuid_entries(b));
	for (i = 0; i < n; i++) {
		const struct cc_leaf *x = &a->leaves[i], *y = &b->leaves[i];

		ck_assert_msg(x->leaf == y->leaf && x->first == y->first &&
				      x->last == y->last,
			      "%s: entry %zu: 0x%x.%u..%u vs 0x%x.%u..%u", what,
			      i, x->leaf, x->first, x->last, y->leaf, y->first,
			      y->last);
		for (r = 0; r < CC_NREGS; r++) {
			ck_assert_msg(x->reg[r] == y->reg[r] &&
					      x->known[r] == y->known[r],
				      "%s: 0x%x.%u %s: 0x%08x/0x%08x vs "
				      "0x%08x/0x%08x",
				      what, x->leaf, x->first,
				      cc_reg_name((enum cc_reg)r), x->reg[r],
				      x->known[r], y->reg[r], y->known[r]);
		}
		if (strict)
			ck_assert_msg(x->flags == y->flags &&
					      x->absent == y->absent &&
					      x->joined == y->joined,
				      "%s: 0x%x.%u: flags/absent/joined "
				      "%u/%u/%u vs %u/%u/%u",
				      what, x->leaf, x->first, x->flags,
				      x->absent, x->joined, y->flags, y->absent,
				      y->joined);
	}
}

/* Every entry of SUB is in SET with the same values. */
static void assert_subset(const struct cc_set *sub, const struct cc_set *set,
			  const char *what)
{
	size_t i;

	for (i = 0; i < sub->n; i++) {
		const struct cc_leaf *x = &sub->leaves[i];
		const struct cc_leaf *y = cc_set_get(set, x->leaf, x->first);

		ck_assert_msg(y != NULL, "%s: 0x%x.%u missing", what, x->leaf,
			      x->first);
		ck_assert_msg(memcmp(x->reg, y->reg, sizeof x->reg) == 0,
			      "%s: 0x%x.%u differs", what, x->leaf, x->first);
	}
}

static int file_equals(const char *path, const struct cc_buf *b)
{
	struct cc_buf f;
	struct cc_err e;
	int same;

	ck_assert_msg(cc_buf_load(&f, path, &e) == 0, "%s", e.msg);
	same = f.len == b->len && memcmp(f.data, b->data, b->len) == 0;
	cc_buf_free(&f);
	return same;
}

/* The reference: CPU 0 of every multi-CPU fixture. */
static struct cc_set *reference(void)
{
	return load_data("libvirt", "libvirt-small.xml", -1);
}

/* APIC ID (leaf 1 EBX[31:24]) of S. */
static unsigned apic_id(const struct cc_set *s)
{
	const struct cc_leaf *l = cc_set_get(s, 1, 0);

	ck_assert_ptr_nonnull(l);
	return l->reg[CC_EBX] >> 24;
}

/* ---------------------------------------------------------- detection */

static const struct {
	const char *file;
	const char *format;
} detect_cases[] = {
	{"cpuid-r-single.txt", "cpuid-r"},
	{"cpuid-r-multi.txt", "cpuid-r"},
	{"cpuid-r-old.txt", "cpuid-r"},
	{"libvirt-small.xml", "libvirt"},
	{"aida64-instlat.txt", "aida64"},
	{"aida64-report.txt", "aida64"},
	{"aida64-old.txt", "aida64"},
	{"chv-cpuid.json", "cloud-hypervisor"},
	{"chv-migration.json", "cloud-hypervisor"},
	{"chv-snapshot.json", "cloud-hypervisor"},
	{"chv-profile.json", "cloud-hypervisor-profile"},
	{"fc-template.json", "firecracker"},
	{"fc-fingerprint.json", "firecracker"},
};

START_TEST(test_detect)
{
	const char *file = detect_cases[_i].file;
	struct cc_buf b;
	struct cc_err e;
	struct cc_set *s;
	size_t k, hits = 0;

	ck_assert_int_eq(cc_buf_load(&b, cct_data_path(file), &e), 0);
	for (k = 0; fmt_table[k]; k++) {
		if (!fmt_table[k]->detect(b.data, b.len))
			continue;
		hits++;
		ck_assert_msg(strcmp(fmt_table[k]->name,
				     detect_cases[_i].format) == 0,
			      "%s claimed by %s", file, fmt_table[k]->name);
	}
	ck_assert_msg(hits == 1, "%s: %zu formats claim it", file, hits);
	s = fmt_load_buffer(b.data, b.len, file, NULL, NULL, &e);
	ck_assert_msg(s != NULL, "%s", e.msg);
	cc_set_free(s);
	cc_buf_free(&b);
}
END_TEST

/* No foreign format claims our own JSON, even with a name full of keys. */
START_TEST(test_detect_native)
{
	const struct fmt *native = fmt_find("json");
	struct cc_set *s;
	struct cc_buf b;
	size_t k;

	if (native == NULL || native->write == NULL)
		return;
	s = load(detect_cases[_i].format, cct_data_path(detect_cases[_i].file),
		 -1);
	free(s->name);
	s->name = cc_xstrdup(
		"\"adjustments\": \"common_cpuid\": "
		"cpuid_modifiers <cpudata CPUID 00000000: "
		"00000016-");
	render("json", s, &b);
	for (k = 0; fmt_table[k]; k++)
		ck_assert_msg(fmt_table[k] == native ||
				      !fmt_table[k]->detect(b.data, b.len),
			      "%s claims our JSON of %s", fmt_table[k]->name,
			      detect_cases[_i].file);
	cc_buf_free(&b);
	cc_set_free(s);
}
END_TEST

/* ------------------------------------------------------------- cpuid -r */

START_TEST(test_cpuid_r_layouts)
{
	static const char *const files[] = {
		"cpuid-r-single.txt", /* "CPU:" header, an echo past the max */
		"cpuid-r-old.txt",    /* no subleaf column */
		"cpuid-r-multi.txt",  /* "CPU 0:", "CPU 1:" */
	};
	struct cc_set *ref = reference();
	size_t i;

	for (i = 0; i < sizeof files / sizeof files[0]; i++) {
		struct cc_set *s = load_data("cpuid-r", files[i], -1);

		assert_same(ref, s, 1, files[i]);
		ck_assert_int_eq(s->kind, CC_KIND_DUMP);
		ck_assert_int_eq(s->vendor, CC_VENDOR_INTEL);
		ck_assert_ptr_null(cc_set_get(s, 0x80860000u, 0));
		cc_set_free(s);
	}
	cc_set_free(ref);
}
END_TEST

START_TEST(test_cpuid_r_cpu_select)
{
	struct cc_set *s0 = load_data("cpuid-r", "cpuid-r-multi.txt", 0);
	struct cc_set *s1 = load_data("cpuid-r", "cpuid-r-multi.txt", 1);
	struct cc_buf b;
	struct cc_err e;

	ck_assert_uint_eq(apic_id(s0), 0);
	ck_assert_uint_eq(apic_id(s1), 1);
	ck_assert_uint_eq(cc_set_get(s1, 0xb, 1)->reg[CC_EDX], 1);
	ck_assert_int_eq(cc_buf_load(&b, cct_data_path("cpuid-r-multi.txt"),
				     &e),
			 0);
	ck_assert_ptr_null(
		read_buf("cpuid-r", b.data, b.len, "multi.txt", 2, &e));
	ck_assert_str_eq(e.msg,
			 "multi.txt: no CPU 2 in this file: it has 2 "
			 "CPUs, numbered 0 to 1");
	cc_buf_free(&b);
	cc_set_free(s0);
	cc_set_free(s1);
}
END_TEST

START_TEST(test_cpuid_r_write)
{
	struct cc_set *ref = reference();
	struct cc_buf b, want;
	struct cc_err e;
	FILE *f;
	char line[512];
	size_t n;

	render("cpuid-r", ref, &b);
	/* the fixture minus its echo line, which a set never holds */
	ck_assert_int_eq(cc_buf_load(&want, cct_data_path("cpuid-r-single.txt"),
				     &e),
			 0);
	n = want.len;
	ck_assert_ptr_nonnull(strstr(want.data, "   0x80860000"));
	n = (size_t)(strstr(want.data, "   0x80860000") - want.data);
	ck_assert_uint_eq(b.len, n);
	ck_assert(memcmp(b.data, want.data, n) == 0);
	/* cpuid(1) itself decodes it, when installed */
	if (system("command -v cpuid >/dev/null 2>&1") == 0) {
		char tmp[] = "/tmp/check_fmt_XXXXXX";
		int fd = mkstemp(tmp), vendor = 0;

		ck_assert_int_ge(fd, 0);
		ck_assert(write(fd, b.data, b.len) == (ssize_t)b.len);
		close(fd);
		snprintf(line, sizeof line, "cpuid -f %s 2>&1", tmp);
		f = popen(line, "r");
		ck_assert_ptr_nonnull(f);
		while (fgets(line, sizeof line, f))
			if (strstr(line, "vendor_id = \"GenuineIntel\""))
				vendor = 1;
		ck_assert_int_eq(pclose(f), 0);
		unlink(tmp);
		ck_assert_msg(vendor, "cpuid -f did not decode the vendor");
	}
	cc_buf_free(&want);
	cc_buf_free(&b);
	cc_set_free(ref);
}
END_TEST

/* ------------------------------------------------------------- libvirt */

START_TEST(test_libvirt_meta_and_write)
{
	struct cc_set *s = reference();
	struct cc_buf b;
	struct cc_err e;

	ck_assert_str_eq(cc_set_meta(s, "comment"),
			 "Intel(R) Xeon(R) Silver 4214R CPU @ 2.40GHz");
	ck_assert_uint_eq(cc_set_get(s, CC_MSR_LEAF, 0x10a)->reg[CC_EAX],
			  0x080000eb);
	ck_assert_uint_eq(cc_set_get(s, CC_MSR_LEAF, 0xcf)->reg[CC_EDX], 0);
	ck_assert_uint_eq(cc_set_get(s, 0xd, 9)->reg[CC_EBX], 0xa80);
	render("libvirt", s, &b);
	ck_assert(file_equals(cct_data_path("libvirt-small.xml"), &b));
	/* one CPU: there is no other to pick */
	ck_assert_ptr_null(
		read_buf("libvirt", b.data, b.len, "one.xml", 1, &e));
	ck_assert_str_eq(e.msg,
			 "one.xml: no CPU 1: the file describes one "
			 "CPU");
	cc_buf_free(&b);
	cc_set_free(s);
}
END_TEST

/* -------------------------------------------------------------- AIDA64 */

START_TEST(test_aida64_variants)
{
	struct cc_set *ref = reference();
	struct cc_set *inst = load_data("aida64", "aida64-instlat.txt", -1);
	struct cc_set *rep = load_data("aida64", "aida64-report.txt", -1);
	struct cc_set *old = load_data("aida64", "aida64-old.txt", -1);

	/* raw dump: banners, CRLF, [SL nn], annotations, MSR section */
	assert_same(ref, inst, 1, "aida64-instlat.txt");
	ck_assert_uint_eq(inst->nwarnings, 0);
	ck_assert_uint_eq(cc_set_get(inst, CC_MSR_LEAF, 0x10a)->reg[CC_EAX],
			  0x080000eb);
	ck_assert_uint_eq(cc_set_get(inst, CC_MSR_LEAF, 0xcf)->reg[CC_EAX], 0);
	ck_assert_ptr_null(cc_set_get(inst, CC_MSR_LEAF, 0x300)); /* FAILED */
	/* report: "CPUID Registers (CPU #n)", blanks and a TAB */
	assert_same(ref, rep, 1, "aida64-report.txt");
	ck_assert_uint_eq(rep->nwarnings, 0);
	ck_assert_uint_eq(/* "MSR Registers:" */
			  cc_set_get(rep, CC_MSR_LEAF, 0x10a)->reg[CC_EAX],
			  0x080000eb);
	/* old: no [SL nn], blocks only by leaf 0, 0xd lists 2 subleaves */
	assert_subset(old, ref, "aida64-old.txt");
	ck_assert_uint_eq(old->n, cpuid_entries(ref) - 8);
	ck_assert_uint_eq(old->nwarnings, 1);
	ck_assert_ptr_nonnull(strstr(old->warnings[0], "0xd"));
	ck_assert_ptr_nonnull(strstr(old->warnings[0], "[SL nn]"));
	cc_set_free(ref);
	cc_set_free(inst);
	cc_set_free(rep);
	cc_set_free(old);
}
END_TEST

START_TEST(test_aida64_cpu_select)
{
	static const char *const files[] = {"aida64-instlat.txt",
					    "aida64-report.txt",
					    "aida64-old.txt"};
	size_t i;

	for (i = 0; i < 3; i++) {
		struct cc_set *s = load_data("aida64", files[i], 1);
		struct cc_buf b;
		struct cc_err e;

		ck_assert_msg(apic_id(s) == 1, "%s", files[i]);
		ck_assert_uint_eq(cc_set_get(s, 0xb, 0)->reg[CC_EDX], 1);
		cc_set_free(s);
		ck_assert_int_eq(cc_buf_load(&b, cct_data_path(files[i]), &e),
				 0);
		ck_assert_ptr_null(
			read_buf("aida64", b.data, b.len, "a.txt", 2, &e));
		ck_assert_str_eq(e.msg,
				 "a.txt: no CPU block 2 in this file: "
				 "it has 2 CPU blocks, numbered 0 to 1");
		cc_buf_free(&b);
	}
}
END_TEST

/* ---------------------------------------------------- Cloud Hypervisor */

START_TEST(test_chv_list)
{
	static const char *const files[] = {
		"chv-cpuid.json",     /* bare array */
		"chv-migration.json", /* top-level "common_cpuid" */
		"chv-snapshot.json",  /* deep inside a snapshot state */
	};
	struct cc_set *ref = reference();
	struct cc_buf b;
	size_t i;

	for (i = 0; i < 3; i++) {
		struct cc_set *s = load_data("cloud-hypervisor", files[i], -1);

		assert_same(ref, s, 0, files[i]);
		ck_assert_uint_eq(cc_set_get(s, 4, 2)->flags, 1);
		ck_assert_uint_eq(cc_set_get(s, 1, 0)->flags, 0);
		if (i == 0) {
			render("cloud-hypervisor", s, &b);
			ck_assert(file_equals(cct_data_path(files[i]), &b));
			cc_buf_free(&b);
		}
		cc_set_free(s);
	}
	cc_set_free(ref);
}
END_TEST

START_TEST(test_chv_profile_model)
{
	struct cc_set *s =
		load_data("cloud-hypervisor-profile", "chv-profile.json", -1);
	const struct cc_leaf *l;

	ck_assert_int_eq(s->kind, CC_KIND_PROFILE);
	ck_assert_int_eq(s->uncovered, CC_UNCOVERED_ZERO);
	ck_assert_str_eq(cc_set_meta(s, "hypervisor"), "Kvm");
	ck_assert_str_eq(cc_set_meta(s, "cpu_vendor"), "Intel");
	/* (host & mask) | replacements: known = ~mask */
	l = cc_set_get(s, 7, 0);
	ck_assert_uint_eq(l->known[CC_EBX], ~0x00002040u);
	ck_assert_uint_eq(l->reg[CC_EBX], 0xd19f07abu);
	/* leaf 0x18: EAX names subleaf 0, EBX..EDX every subleaf */
	l = cc_set_get(s, 0x18, 0);
	ck_assert_uint_eq(l->last, 0);
	ck_assert_uint_eq(l->absent, 0);
	ck_assert_uint_eq(l->joined, 0);
	l = cc_set_get(s, 0x18, 7);
	ck_assert_uint_eq(l->first, 1);
	ck_assert_uint_eq(l->last, CC_SUBLEAF_MAX);
	ck_assert_uint_eq(l->absent, 1u << CC_EAX);
	ck_assert_uint_eq(l->joined,
			  (1u << CC_EBX) | (1u << CC_ECX) | (1u << CC_EDX));
	/* leaf 0x40000001 names EAX and EDX only */
	ck_assert_uint_eq(cc_set_get(s, 0x40000001u, 0)->absent,
			  (1u << CC_EBX) | (1u << CC_ECX));
	/* 0x23 is past leaf 0's maximum (0x20): a profile keeps it (the
   * guest never sees it), and its repeated adjustment survives for
   * re-export */
	ck_assert_ptr_nonnull(cc_set_first(s, 0x23));
	ck_assert_uint_lt(cc_set_range_max(s, 0x23), 0x23);
	ck_assert_ptr_nonnull(strstr(cc_set_meta(s, "adjustment_order"),
				     "0x23.4.ebx 0x23.4.ebx"));
	cc_set_free(s);
}
END_TEST

START_TEST(test_chv_profile_roundtrip)
{
	struct cc_set *s =
		load_data("cloud-hypervisor-profile", "chv-profile.json", -1);
	struct cc_set *r, *d;
	struct cc_buf b;

	/* same bytes, in the file's own order */
	render("cloud-hypervisor-profile", s, &b);
	ck_assert(file_equals(cct_data_path("chv-profile.json"), &b));
	cc_buf_free(&b);
	r = rewrite("cloud-hypervisor-profile", s);
	assert_same(s, r, 1, "chv-profile.json rewritten");
	cc_set_free(r);
	/* without the stored order: the writer's own, same adjustments */
	d = cc_set_dup(s);
	cc_set_meta_set(d, "adjustment_order", "", 0);
	render("cloud-hypervisor-profile", d, &b);
	ck_assert(!file_equals(cct_data_path("chv-profile.json"), &b));
	cc_buf_free(&b);
	r = rewrite("cloud-hypervisor-profile", d);
	assert_same(s, r, 1, "chv-profile.json, writer's order");
	ck_assert_ptr_null(cc_set_meta(r, "adjustment_order"));
	cc_set_free(r);
	cc_set_free(d);
	/* with leaf 0x23 in range, its repeated adjustment is in the set
   * once and still written twice */
	{
		struct cc_buf f;
		struct cc_err e;
		char *max;

		ck_assert_int_eq(cc_buf_load(&f,
					     cct_data_path("chv-profile.json"),
					     &e),
				 0);
		max = strstr(f.data, "\"0x00000020\"");
		ck_assert_ptr_nonnull(max);
		memcpy(max, "\"0x00000024\"", 12);
		d = read_buf("cloud-hypervisor-profile", f.data, f.len,
			     "p.json", -1, &e);
		ck_assert_msg(d != NULL, "%s", e.msg);
		ck_assert_ptr_nonnull(cc_set_get(d, 0x23, 4));
		ck_assert_ptr_nonnull(strstr(cc_set_meta(d, "adjustment_order"),
					     "0x23.4.ebx 0x23.4.ebx"));
		render("cloud-hypervisor-profile", d, &b);
		ck_assert(b.len == f.len && memcmp(b.data, f.data, f.len) == 0);
		cc_buf_free(&b);
		cc_buf_free(&f);
		cc_set_free(d);
	}
	/* a dump as a profile: everything fixed */
	d = reference();
	r = rewrite("cloud-hypervisor-profile", d);
	assert_same(d, r, 0, "dump as a profile");
	ck_assert_int_eq(r->kind, CC_KIND_PROFILE);
	cc_set_free(r);
	cc_set_free(d);
	cc_set_free(s);
}
END_TEST

/*
 * Through our own JSON and back, a Cloud Hypervisor profile keeps its
 * adjustment order (in the metadata) and is re-exported byte for byte.
 */
START_TEST(test_chv_profile_native)
{
	const char *path = cct_data_path("chv-profile.json");
	struct cc_set *s = load("cloud-hypervisor-profile", path, -1), *r;
	struct cc_buf b;
	struct cc_err e;

	render("json", s, &b);
	r = read_buf("json", b.data, b.len, "native", -1, &e);
	ck_assert_msg(r != NULL, "%s", e.msg);
	cc_buf_free(&b);
	assert_same(s, r, 1, "chv-profile.json through native JSON");
	ck_assert_str_eq(cc_set_meta(r, "adjustment_order"),
			 cc_set_meta(s, "adjustment_order"));
	render("cloud-hypervisor-profile", r, &b);
	ck_assert_msg(file_equals(path, &b), "%s: changed through native JSON",
		      path);
	cc_buf_free(&b);
	cc_set_free(r);
	cc_set_free(s);
}
END_TEST

/* ---------------------------------------------------------- Firecracker */

START_TEST(test_firecracker_template)
{
	struct cc_set *s = load_data("firecracker", "fc-template.json", -1);
	const struct cc_leaf *l;
	struct cc_set *r;

	ck_assert_int_eq(s->kind, CC_KIND_PROFILE);
	ck_assert_int_eq(s->uncovered, CC_UNCOVERED_HOST);
	ck_assert_uint_eq(s->n, 5); /* 4 CPUID entries and MSR 0x10a */
	l = cc_set_get(s, 1, 0);
	ck_assert_uint_eq(l->absent, 1u << CC_EBX);
	ck_assert_uint_eq(l->known[CC_EAX], 0x0fff3fffu);
	ck_assert_uint_eq(l->reg[CC_EAX], 0x000306f2u);
	ck_assert_uint_eq(l->known[CC_EDX], 1u << 28);
	ck_assert_uint_eq(l->reg[CC_EDX], 0);
	/* integer leaf and subleaf, '_' separators */
	l = cc_set_get(s, 0xd, 0);
	ck_assert_uint_eq(l->flags, 1);
	ck_assert_uint_eq(l->known[CC_EAX], 0xffffff07u);
	ck_assert_uint_eq(l->reg[CC_EAX], 7);
	/* "0b0" subleaf */
	ck_assert_ptr_nonnull(cc_set_get(s, 0x80000001u, 0));
	/* MSR 0x10a "0b0...01x01011": bit 4 left to the host */
	l = cc_set_get(s, CC_MSR_LEAF, 0x10a);
	ck_assert_uint_eq(l->reg[CC_EAX], 0x4b);
	ck_assert_uint_eq(l->known[CC_EAX], 0xffffffdfu);
	ck_assert_uint_eq(l->known[CC_EDX], 0xffffffffu);
	/* an unnamed register stays the host's */
	{
		uint32_t known = 1;

		cc_set_reg(s, 7, 0, CC_EAX, &known);
		ck_assert_uint_eq(known, 0);
		cc_set_reg(s, 6, 0, CC_EAX, &known);
		ck_assert_uint_eq(known, 0);
	}
	r = rewrite("firecracker", s);
	assert_same(s, r, 1, "fc-template.json rewritten");
	ck_assert_uint_eq(cc_set_get(r, CC_MSR_LEAF, 0x10a)->known[CC_EAX],
			  0xffffffdfu);
	ck_assert_uint_eq(cc_set_get(r, CC_MSR_LEAF, 0x10a)->reg[CC_EAX], 0x4b);
	cc_set_free(r);
	cc_set_free(s);
}
END_TEST

START_TEST(test_firecracker_fingerprint)
{
	struct cc_set *ref = reference();
	struct cc_set *s = load_data("firecracker", "fc-fingerprint.json", -1);
	struct cc_set *r;

	ck_assert_int_eq(s->kind, CC_KIND_DUMP);
	assert_same(ref, s, 0, "fc-fingerprint.json");
	ck_assert_uint_eq(cc_set_get(s, 0xd, 3)->flags, 1);
	ck_assert_str_eq(cc_set_meta(s, "kernel_version"), "6.1.102");
	ck_assert_str_eq(cc_set_meta(s, "microcode_version"), "0x5003707");
	ck_assert_uint_eq(cc_set_get(s, CC_MSR_LEAF, 0x10a)->reg[CC_EAX],
			  0x080000eb);
	/* written as a template: every bit 0 or 1 */
	r = rewrite("firecracker", s);
	ck_assert_int_eq(r->kind, CC_KIND_PROFILE);
	assert_same(s, r, 0, "fingerprint as a template");
	ck_assert_uint_eq(cc_set_get(r, CC_MSR_LEAF, 0x10a)->reg[CC_EAX],
			  0x080000eb);
	ck_assert_uint_eq(cc_set_get(r, CC_MSR_LEAF, 0x10a)->known[CC_EDX],
			  0xffffffffu);
	cc_set_free(r);
	cc_set_free(s);
	cc_set_free(ref);
}
END_TEST

/* ------------------------------------------------ writers that refuse */

START_TEST(test_writers_refuse_unknown_bits)
{
	static const char *const dump_only[] = {"cpuid-r", "libvirt",
						"cloud-hypervisor"};
	struct cc_set *s = load_data("firecracker", "fc-template.json", -1);
	struct cc_set *p =
		load_data("cloud-hypervisor-profile", "chv-profile.json", -1);
	struct cc_buf b;
	struct cc_err e;
	size_t i;

	for (i = 0; i < 3; i++) {
		cc_buf_init(&b);
		ck_assert_int_eq(fmt_find(dump_only[i])->write(&b, s, &e), -1);
		ck_assert_msg(strstr(e.msg, "left to the host") != NULL,
			      "%s: %s", dump_only[i], e.msg);
		ck_assert_uint_eq(b.len, 0);
		cc_buf_free(&b);
	}
	/* Firecracker names single subleaves: 0x4 5..max cannot be listed */
	cc_buf_init(&b);
	ck_assert_int_eq(fmt_find("firecracker")->write(&b, p, &e), -1);
	ck_assert_ptr_nonnull(strstr(e.msg, "subleaves 5..4294967295"));
	cc_buf_free(&b);
	cc_set_free(p);
	cc_set_free(s);
}
END_TEST

/* ---------------------------------------------------------- bad inputs */

#define L0                                                                     \
	"   0x00000000 0x00: eax=0x00000016 ebx=0x756e6547 "                   \
	"ecx=0x6c65746e edx=0x49656e69\n"
#define XH "<cpudata arch='x86'>\n"
#define X0                                                                     \
	"  <cpuid eax_in='0x00000000' ecx_in='0x00' eax='0x00000016' "         \
	"ebx='0x756e6547' ecx='0x6c65746e' edx='0x49656e69'/>\n"
#define A0 "CPUID 00000000: 00000016-756E6547-6C65746E-49656E69\n"
#define A1 "CPUID 00000001: 00050657-00200800-7FFEFBFF-BFEBFBFF [SL 00]\n"
#define C0                                                                     \
	"{\"function\": 0, \"index\": 0, \"flags\": 0, \"eax\": 22, "          \
	"\"ebx\": 1970169159, \"ecx\": 1818588270, \"edx\": 1231384169}"
#define P_PAR                                                                  \
	"{\"leaf\": \"0x00000000\", \"sub_leaf\": {\"start\": 0, "             \
	"\"end\": 0}, \"register\": \"EAX\"}"
#define P0                                                                     \
	"[" P_PAR                                                              \
	", {\"replacements\": \"0x00000016\", \"mask\": "                      \
	"\"0x00000000\"}]"
#define BITS0 "0b00000000000000000000000000010110"

static const struct {
	const char *format;
	const char *name;
	const char *text;
	const char *where; /* file and line, or JSON path */
	const char *what;  /* the error class */
} bad_cases[] = {
	/* cpuid -r */
	{"cpuid-r", "bad.txt",
	 "CPU:\n   0x00000000 0x00: eax=0x00000016 ebx=0x756e6547\n",
	 "bad.txt:2:", "truncated line"},
	{"cpuid-r", "bad.txt",
	 "CPU:\n   0x00000000 0x00: eax=0x0000001g ebx=0x756e6547 "
	 "ecx=0x6c65746e edx=0x49656e69\n",
	 "bad.txt:2:", "not a hex number"},
	{"cpuid-r", "bad.txt",
	 "CPU:\n   0x00000000 0x00: eax=0x100000016 ebx=0x756e6547 "
	 "ecx=0x6c65746e edx=0x49656e69\n",
	 "bad.txt:2:", "value over 32 bits"},
	{"cpuid-r", "bad.txt",
	 "CPU:\n   0x00000000 0x00: eax=-0x1 ebx=0x756e6547 ecx=0x6c65746e "
	 "edx=0x49656e69\n",
	 "bad.txt:2:", "negative number"},
	{"cpuid-r", "bad.txt",
	 "CPU:\n   0x00000000 0x00: eax=0x ebx=0x756e6547 ecx=0x6c65746e "
	 "edx=0x49656e69\n",
	 "bad.txt:2:", "empty number"},
	{"cpuid-r", "bad.txt", "CPU:\n" L0 L0, "bad.txt:3:",
	 "duplicate leaf 0x00000000 subleaf 0x00 (first on line 2)"},
	{"cpuid-r", "bad.txt",
	 "CPU:\n   0x00000001 0x00: eax=0x00050657 ebx=0x00200800 "
	 "ecx=0x7ffefbff edx=0xbfebfbff\n",
	 "bad.txt:",
	 "leaf 0x00000000 (vendor and maximum basic leaf) is "
	 "missing"},
	{"cpuid-r", "bad.txt", "CPU:\n" L0 "hello\n",
	 "bad.txt:3:", "expected a \"CPU N:\" header or a leaf line"},
	{"cpuid-r", "bad.txt", "CPU x:\n" L0,
	 "bad.txt:1:", "expected a header like \"CPU 0:\""},
	{"cpuid-r", "bad.txt",
	 "CPU:\n   0x00000000 0x00: eax=0x00000016 ebx=0x756e6547 "
	 "ecx=0x6c65746e edx=0x49656e69 junk\n",
	 "bad.txt:2:", "unexpected \"junk\" after edx"},
	{"cpuid-r", "bad.txt", "CPU 0:\n" L0 "CPU 0:\n" L0,
	 "bad.txt:3:", "CPU 0 appears twice"},
	/* libvirt */
	{"libvirt", "bad.xml", XH X0 "  <cpuid eax_in='0x00000001'",
	 "bad.xml:3:", "invalid XML"},
	{"libvirt", "bad.xml",
	 XH "  <cpuid eax_in='0x00000000' ecx_in='0x00' eax='0xzz' "
	    "ebx='0x0' ecx='0x0' edx='0x0'/>\n</cpudata>\n",
	 "bad.xml:2:",
	 "eax='0xzz'>: expected a 32-bit hex number (not a hex "
	 "number)"},
	{"libvirt", "bad.xml",
	 XH "  <cpuid eax_in='0x100000000' ecx_in='0x00' eax='0x0' "
	    "ebx='0x0' ecx='0x0' edx='0x0'/>\n</cpudata>\n",
	 "bad.xml:2:", "value over 32 bits"},
	{"libvirt", "bad.xml",
	 XH "  <cpuid eax_in='0x0' ecx_in='0x00' eax='-1' ebx='0x0' "
	    "ecx='0x0' edx='0x0'/>\n</cpudata>\n",
	 "bad.xml:2:", "negative number"},
	{"libvirt", "bad.xml",
	 XH "  <cpuid eax_in='0x0' ecx_in='0x00' eax='0x0' ebx='0x0' "
	    "ecx='0x0'/>\n</cpudata>\n",
	 "bad.xml:2:", "<cpuid> lacks attribute edx='0x...'"},
	{"libvirt", "bad.xml", XH X0 X0 "</cpudata>\n",
	 "bad.xml:3:", "duplicate <cpuid eax_in='0x00000000' ecx_in='0x00'>"},
	{"libvirt", "bad.xml", "<cpumap>\n" X0 "</cpumap>\n",
	 "bad.xml:1:", "expected the root element <cpudata>, got <cpumap>"},
	{"libvirt", "bad.xml", XH X0 "  <feature name='x'/>\n</cpudata>\n",
	 "bad.xml:3:", "unexpected <feature> in <cpudata>"},
	{"libvirt", "bad.xml",
	 XH "  <cpuid eax_in='0x00000001' ecx_in='0x00' eax='0x0' ebx='0x0' "
	    "ecx='0x0' edx='0x0'/>\n</cpudata>\n",
	 "bad.xml:",
	 "leaf 0x00000000 (vendor and maximum basic leaf) is "
	 "missing"},
	/* AIDA64 */
	{"aida64", "bad.txt", "CPUID 00000000: 00000016-756E6547-6C65746E\n",
	 "bad.txt:1:",
	 "truncated line: expected 4 registers EAX-EBX-ECX-EDX, "
	 "got 3"},
	{"aida64", "bad.txt",
	 A0 "CPUID 00000001: 00050657-0020080G-7FFEFBFF-BFEBFBFF\n",
	 "bad.txt:2:",
	 "EBX \"0020080G\": expected 8 hex digits (not a hex "
	 "number)"},
	{"aida64", "bad.txt",
	 A0 "CPUID 100000000: 00050657-00200800-7FFEFBFF-BFEBFBFF\n",
	 "bad.txt:2:", "value over 32 bits"},
	{"aida64", "bad.txt", A0 A1 A1,
	 "bad.txt:3:", "duplicate leaf 00000001 subleaf 00"},
	{"aida64", "bad.txt",
	 A0 "CPUID 00000001: 00050657-00200800-7FFEFBFF-BFEBFBFF [SL 0G]\n",
	 "bad.txt:2:", "subleaf [SL 0G]: expected a hex number"},
	{"aida64", "bad.txt",
	 A0 "CPUID 00000001-00050657-00200800-7FFEFBFF-BFEBFBFF\n",
	 "bad.txt:2:", "expected ':' or blanks after leaf 00000001"},
	{"aida64", "bad.txt", "CPUID Manufacturer: GenuineIntel\n",
	 "bad.txt:", "no \"CPUID xxxxxxxx: EAX-EBX-ECX-EDX\" lines"},
	{"aida64", "bad.txt", A1, "bad.txt:",
	 "leaf 0x00000000 (vendor and maximum basic leaf) is missing"},
	/* Cloud Hypervisor CpuIdEntry list */
	{"cloud-hypervisor", "bad.json",
	 "[" C0 ", {\"function\": 1, \"index\": 0, \"flags\": 0, \"eax\": -1, "
	 "\"ebx\": 0, \"ecx\": 0, \"edx\": 0}]",
	 "bad.json: [1].eax:", "negative number"},
	{"cloud-hypervisor", "bad.json",
	 "[" C0 ", {\"function\": 1, \"index\": 0, \"flags\": 0, "
	 "\"eax\": 4294967296, \"ebx\": 0, \"ecx\": 0, \"edx\": 0}]",
	 "bad.json: [1].eax:", "value over 32 bits"},
	{"cloud-hypervisor", "bad.json",
	 "[" C0 ", {\"function\": 1, \"index\": 0, \"flags\": 0, "
	 "\"eax\": \"0x1\", \"ebx\": 0, \"ecx\": 0, \"edx\": 0}]",
	 "bad.json: [1].eax:", "wrong JSON type"},
	{"cloud-hypervisor", "bad.json",
	 "[" C0 ", {\"function\": 1, \"index\": 0.5, \"flags\": 0, "
	 "\"eax\": 0, \"ebx\": 0, \"ecx\": 0, \"edx\": 0}]",
	 "bad.json: [1].index:", "not an integer"},
	{"cloud-hypervisor", "bad.json", "[" C0 ", " C0 "]",
	 "bad.json: [1]:", "duplicate function 0x0 index 0"},
	{"cloud-hypervisor", "bad.json", "{\"vm\": {\"common_cpuid\": {}}}",
	 "bad.json: vm.common_cpuid:", "expected an array"},
	{"cloud-hypervisor", "bad.json",
	 "{\"vm\": [{\"x\": 1}, {\"common_cpuid\": [" C0 ", 5]}]}",
	 "bad.json: vm[1].common_cpuid[1]:", "expected a CpuIdEntry object"},
	{"cloud-hypervisor", "bad.json", "[\n  {\"function\": 0,\n",
	 "bad.json:", "invalid JSON"},
	/* Cloud Hypervisor profile */
	{"cloud-hypervisor-profile", "bad.json",
	 "{\"adjustments\": [" P0 ", [" P_PAR ", {\"replacements\": \"0x0\", "
	 "\"mask\": 5}]]}",
	 "bad.json: adjustments[1][1].mask:", "wrong JSON type"},
	{"cloud-hypervisor-profile", "bad.json",
	 "{\"adjustments\": [[{\"leaf\": \"0xzz\", \"sub_leaf\": {\"start\": 0, "
	 "\"end\": 0}, \"register\": \"EAX\"}, {\"replacements\": \"0x0\", "
	 "\"mask\": \"0x0\"}]]}",
	 "bad.json: adjustments[0][0].leaf:", "not a hex number"},
	{"cloud-hypervisor-profile", "bad.json",
	 "{\"adjustments\": [[" P_PAR ", {\"replacements\": \"0x100000000\", "
	 "\"mask\": \"0x0\"}]]}",
	 "bad.json: adjustments[0][1].replacements:", "value over 32 bits"},
	{"cloud-hypervisor-profile", "bad.json",
	 "{\"adjustments\": [[{\"leaf\": \"0x4\", \"sub_leaf\": {\"start\": -1, "
	 "\"end\": 0}, \"register\": \"EAX\"}, {\"replacements\": \"0x0\", "
	 "\"mask\": \"0x0\"}]]}",
	 "bad.json: adjustments[0][0].sub_leaf.start:", "negative number"},
	{"cloud-hypervisor-profile", "bad.json",
	 "{\"adjustments\": [[{\"leaf\": \"0x4\", \"sub_leaf\": {\"start\": 5, "
	 "\"end\": 4}, \"register\": \"EAX\"}, {\"replacements\": \"0x0\", "
	 "\"mask\": \"0x0\"}]]}",
	 "bad.json: adjustments[0][0].sub_leaf:", "start 5 is after end 4"},
	{"cloud-hypervisor-profile", "bad.json",
	 "{\"adjustments\": [[{\"leaf\": \"0x4\", \"sub_leaf\": {\"start\": 0, "
	 "\"end\": 0}, \"register\": \"EFX\"}, {\"replacements\": \"0x0\", "
	 "\"mask\": \"0x0\"}]]}",
	 "bad.json: adjustments[0][0].register:", "expected \"EAX\""},
	{"cloud-hypervisor-profile", "bad.json",
	 "{\"adjustments\": [[{\"leaf\": \"0x4\", \"sub_leaf\": {\"start\": 0, "
	 "\"end\": 9}, \"register\": \"EAX\"}, {\"replacements\": \"0x0\", "
	 "\"mask\": \"0x0\"}], [{\"leaf\": \"0x4\", \"sub_leaf\": {\"start\": "
	 "5, \"end\": 5}, \"register\": \"EAX\"}, {\"replacements\": \"0x1\", "
	 "\"mask\": \"0x0\"}]]}",
	 "bad.json: adjustments[1][0]:", "overlap adjustments[0]"},
	{"cloud-hypervisor-profile", "bad.json",
	 "{\"adjustments\": [[" P_PAR "]]}",
	 "bad.json: adjustments[0]:", "expected [parameters, adjustment]"},
	{"cloud-hypervisor-profile", "bad.json",
	 "{\"hypervisor\": \"Kvm\", \"adjustments\": {}}",
	 "bad.json: adjustments:", "expected an array, got an object"},
	/* Firecracker */
	{"firecracker", "bad.json",
	 "{\"cpuid_modifiers\": [{\"leaf\": \"0x1\", \"subleaf\": \"0x0\", "
	 "\"flags\": 0, \"modifiers\": [{\"register\": \"eax\", \"bitmap\": "
	 "\"0b0000000000000000000000000010110\"}]}]}",
	 "bad.json: cpuid_modifiers[0].modifiers[0].bitmap:",
	 "wrong length: 31 digits, expected 32"},
	{"firecracker", "bad.json",
	 "{\"cpuid_modifiers\": [{\"leaf\": \"0x1\", \"subleaf\": \"0x0\", "
	 "\"flags\": 0, \"modifiers\": [{\"register\": \"eax\", \"bitmap\": "
	 "\"0b0000000000000000000000000001011z\"}]}]}",
	 "bad.json: cpuid_modifiers[0].modifiers[0].bitmap:",
	 "unexpected character 'z'"},
	{"firecracker", "bad.json",
	 "{\"cpuid_modifiers\": [{\"leaf\": \"7\", \"subleaf\": \"0x0\", "
	 "\"flags\": 0, \"modifiers\": []}]}",
	 "bad.json: cpuid_modifiers[0].leaf:", "no 0x or 0b prefix"},
	{"firecracker", "bad.json",
	 "{\"cpuid_modifiers\": [{\"leaf\": -1, \"subleaf\": \"0x0\", "
	 "\"flags\": 0, \"modifiers\": []}]}",
	 "bad.json: cpuid_modifiers[0].leaf:", "negative number"},
	{"firecracker", "bad.json",
	 "{\"cpuid_modifiers\": [{\"leaf\": \"0x100000000\", \"subleaf\": "
	 "\"0x0\", \"flags\": 0, \"modifiers\": []}]}",
	 "bad.json: cpuid_modifiers[0].leaf:", "value over 32 bits"},
	{"firecracker", "bad.json",
	 "{\"cpuid_modifiers\": [{\"leaf\": \"0x7\", \"subleaf\": \"0x0\", "
	 "\"flags\": 1, \"modifiers\": []}, {\"leaf\": 7, \"subleaf\": 0, "
	 "\"flags\": 1, \"modifiers\": []}]}",
	 "bad.json: cpuid_modifiers[1]:",
	 "leaf 0x7 subleaf 0x0 is given twice"},
	{"firecracker", "bad.json",
	 "{\"cpuid_modifiers\": [{\"leaf\": \"0x7\", \"subleaf\": \"0x0\", "
	 "\"flags\": 1, \"modifiers\": {}}]}",
	 "bad.json: cpuid_modifiers[0].modifiers:",
	 "expected an array, got an object"},
	{"firecracker", "bad.json",
	 "{\"cpuid_modifiers\": [{\"leaf\": \"0x1\", \"subleaf\": \"0x0\", "
	 "\"flags\": 0, \"modifiers\": [{\"register\": \"eax\", \"bitmap\": "
	 "\"" BITS0 "\"}, {\"register\": \"EAX\", \"bitmap\": \"" BITS0
	 "\"}]}]}",
	 "bad.json: cpuid_modifiers[0].modifiers[1]:",
	 "register eax is given twice"},
	{"firecracker", "bad.json",
	 "{\"kernel_version\": \"6.1\", \"guest_cpu_config\": "
	 "{\"cpuid_modifiers\": [{\"leaf\": \"0x0\", \"subleaf\": \"0x0\", "
	 "\"flags\": 0, \"modifiers\": [{\"register\": \"eax\", \"bitmap\": "
	 "\"0b000000000000000000000000000101xx\"}]}]}}",
	 "bad.json: guest_cpu_config.cpuid_modifiers[0].modifiers[0].bitmap:",
	 "a fingerprint gives every bit"},
	{"firecracker", "bad.json",
	 "{\"msr_modifiers\": [{\"addr\": \"0x10a\", \"bitmap\": \"" BITS0
	 "\"}]}",
	 "bad.json: msr_modifiers[0].bitmap:",
	 "wrong length: 32 digits, expected 64"},
};

START_TEST(test_bad_input)
{
	struct cc_err e;
	struct cc_set *s;
	const char *text = bad_cases[_i].text;

	e.msg[0] = '\0';
	s = read_buf(bad_cases[_i].format, text, strlen(text),
		     bad_cases[_i].name, -1, &e);
	ck_assert_msg(s == NULL, "case %d (%s) loaded", _i, bad_cases[_i].what);
	ck_assert_msg(strncmp(e.msg, bad_cases[_i].where,
			      strlen(bad_cases[_i].where)) == 0,
		      "case %d: message does not start with \"%s\": %s", _i,
		      bad_cases[_i].where, e.msg);
	ck_assert_msg(strstr(e.msg, bad_cases[_i].what) != NULL,
		      "case %d: message lacks \"%s\": %s", _i,
		      bad_cases[_i].what, e.msg);
}
END_TEST

/* ----------------------------------------------- echoes past a maximum */

/*
 * libvirt-small.xml with the <cpuid> lines a real capture also holds past
 * each range maximum: Intel answers any leaf above its range's maximum
 * (0x17 > 0x16, 0x80000009 > 0x80000008) or in a range it lacks
 * (0x40000000 on bare metal, 0x80860000) with the values of its highest
 * basic leaf, 0x16.  A set never holds them, so the libvirt text written
 * from the set is the fixture itself, byte for byte, and nothing else of
 * it is lost or reordered.
 */
START_TEST(test_libvirt_echoes_dropped)
{
	static const char *const echoes[] = {
		"  <cpuid eax_in='0x00000017' ecx_in='0x00' eax='0x00000960' "
		"ebx='0x00000dac' ecx='0x00000064' edx='0x00000000'/>\n",
		"  <cpuid eax_in='0x40000000' ecx_in='0x00' eax='0x00000960' "
		"ebx='0x00000dac' ecx='0x00000064' edx='0x00000000'/>\n",
		"  <cpuid eax_in='0x80000009' ecx_in='0x00' eax='0x00000960' "
		"ebx='0x00000dac' ecx='0x00000064' edx='0x00000000'/>\n",
		"  <cpuid eax_in='0x80860000' ecx_in='0x00' eax='0x00000960' "
		"ebx='0x00000dac' ecx='0x00000064' edx='0x00000000'/>\n",
	};
	/* each echo goes before the first line of a higher leaf */
	static const char *const before[] = {"  <cpuid eax_in='0x80000000'",
					     "  <cpuid eax_in='0x80000000'",
					     "  <msr ", "  <msr "};
	const char *path = cct_data_path("libvirt-small.xml");
	struct cc_buf f, text, out;
	struct cc_err e;
	struct cc_set *ref = reference(), *s;
	size_t i;

	ck_assert_int_eq(cc_buf_load(&f, path, &e), 0);
	cc_buf_init(&text);
	cc_buf_puts(&text, f.data);
	for (i = 0; i < sizeof echoes / sizeof echoes[0]; i++) {
		char *at = strstr(text.data, before[i]);
		struct cc_buf next;

		ck_assert_ptr_nonnull(at);
		cc_buf_init(&next);
		cc_buf_printf(&next, "%.*s%s%s", (int)(at - text.data),
			      text.data, echoes[i], at);
		cc_buf_free(&text);
		text = next;
	}
	s = read_buf("libvirt", text.data, text.len, "echoes.xml", -1, &e);
	ck_assert_msg(s != NULL, "%s", e.msg);
	ck_assert_ptr_null(cc_set_get(s, 0x17, 0));
	ck_assert_ptr_null(cc_set_get(s, 0x40000000u, 0));
	ck_assert_ptr_null(cc_set_get(s, 0x80000009u, 0));
	ck_assert_ptr_null(cc_set_get(s, 0x80860000u, 0));
	assert_same(ref, s, 1, "libvirt-small.xml with echoes");
	render("libvirt", s, &out);
	ck_assert_msg(file_equals(path, &out),
		      "the libvirt writer changed the layout:\n%s", out.data);
	cc_buf_free(&out);
	cc_buf_free(&text);
	cc_buf_free(&f);
	cc_set_free(s);
	cc_set_free(ref);
}
END_TEST

/* -------------------------------------------------------- recorded CPUs */

/*
 * Every recorded CPU (tests/data/cpus): its "name" is its file's stem, our
 * JSON writer gives the file back byte for byte, and every writer's text
 * reads back to the same set;
 * the libvirt text is a fixed point (written, read and written again, the
 * same bytes).
 */
START_TEST(test_cpus_every_writer)
{
	static const char *const writers[] = {"cpuid-r",
					      "libvirt",
					      "cloud-hypervisor",
					      "firecracker",
					      "cloud-hypervisor-profile",
					      "json"};
	struct cc_set **sets;
	size_t n = cct_load_cpus(&sets), i, w, intel = 0, amd = 0, hygon = 0;

	for (i = 0; i < n; i++) {
		struct cc_set *s = sets[i], *r;
		struct cc_buf b, again;
		char path[4096];

		ck_assert_msg(s->n > 10 && s->vendor != CC_VENDOR_UNKNOWN &&
				      cc_set_meta(s, "comment") != NULL,
			      "%s", s->name);
		intel += s->vendor == CC_VENDOR_INTEL;
		amd += s->vendor == CC_VENDOR_AMD;
		hygon += s->vendor == CC_VENDOR_HYGON;
		snprintf(path, sizeof path, "%s/tests/data/cpus/%s.json",
			 TOP_SRCDIR, s->name);
		ck_assert_msg(access(path, R_OK) == 0, "%s: no file %s",
			      s->name, path);
		render("json", s, &b);
		ck_assert_msg(file_equals(path, &b),
			      "%s: not written back byte for byte", path);
		cc_buf_free(&b);
		for (w = 0; w < sizeof writers / sizeof writers[0]; w++) {
			ck_assert_ptr_nonnull(fmt_find(writers[w]));
			r = rewrite(writers[w], s);
			assert_same(s, r, 0, s->name);
			cc_set_free(r);
		}
		render("libvirt", s, &b);
		r = rewrite("libvirt", s);
		render("libvirt", r, &again);
		ck_assert_msg(b.len == again.len &&
				      memcmp(b.data, again.data, b.len) == 0,
			      "%s: libvirt text is not a fixed point", s->name);
		cc_buf_free(&again);
		cc_buf_free(&b);
		cc_set_free(r);
	}
	/* both large vendors and Hygon, as tests/data/cpus/README says */
	ck_assert_uint_ge(intel, 10);
	ck_assert_uint_ge(amd, 5);
	ck_assert_uint_ge(hygon, 1);
	cct_free_sets(sets, n);
}
END_TEST

/* ---------------------------------------------------------------- suite */

static Suite *fmt_suite(void)
{
	Suite *s = suite_create("fmt");
	TCase *tc;

	tc = tcase_create("detect");
	tcase_add_loop_test(tc, test_detect, 0,
			    sizeof detect_cases / sizeof detect_cases[0]);
	tcase_add_loop_test(tc, test_detect_native, 0,
			    sizeof detect_cases / sizeof detect_cases[0]);
	suite_add_tcase(s, tc);
	tc = tcase_create("cpuid_r");
	tcase_add_test(tc, test_cpuid_r_layouts);
	tcase_add_test(tc, test_cpuid_r_cpu_select);
	tcase_add_test(tc, test_cpuid_r_write);
	suite_add_tcase(s, tc);
	tc = tcase_create("libvirt");
	tcase_add_test(tc, test_libvirt_meta_and_write);
	tcase_add_test(tc, test_libvirt_echoes_dropped);
	suite_add_tcase(s, tc);
	tc = tcase_create("aida64");
	tcase_add_test(tc, test_aida64_variants);
	tcase_add_test(tc, test_aida64_cpu_select);
	suite_add_tcase(s, tc);
	tc = tcase_create("cloud_hypervisor");
	tcase_add_test(tc, test_chv_list);
	tcase_add_test(tc, test_chv_profile_model);
	tcase_add_test(tc, test_chv_profile_roundtrip);
	tcase_add_test(tc, test_chv_profile_native);
	suite_add_tcase(s, tc);
	tc = tcase_create("firecracker");
	tcase_add_test(tc, test_firecracker_template);
	tcase_add_test(tc, test_firecracker_fingerprint);
	suite_add_tcase(s, tc);
	tc = tcase_create("writers_refuse");
	tcase_add_test(tc, test_writers_refuse_unknown_bits);
	suite_add_tcase(s, tc);
	tc = tcase_create("bad_input");
	tcase_add_loop_test(tc, test_bad_input, 0,
			    sizeof bad_cases / sizeof bad_cases[0]);
	suite_add_tcase(s, tc);
	tc = tcase_create("cpus");
	tcase_set_timeout(tc, 120);
	tcase_add_test(tc, test_cpus_every_writer);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	return cct_run(fmt_suite());
}
