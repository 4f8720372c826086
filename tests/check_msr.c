/*
 * Unit tests of feature MSRs as fields of a CPUID set: the pseudo-leaf
 * (CC_MSR_LEAF) and its position strings, the rule that a set without an
 * MSR entry says nothing about it, the MSR fields of the database and
 * their loader checks, the judgement of MSR bits by the diff, the readers
 * and writers of every format that carries MSRs (libvirt, AIDA64,
 * Firecracker, native JSON) and of those that cannot (cpuid -r, Cloud
 * Hypervisor), profiles applied with MSR entries, and how reports, the
 * explorer's search and its positions name MSR bits.
 */
#include "config.h"

#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cc_buf.h"
#include "check_common.h"
#include "cpuid_set.h"
#include "defs.h"
#include "diff.h"
#include "fmt.h"
#include "guest.h"
#include "profile.h"
#include "report.h"
#include "view.h"

#define ARCH_CAP 0x10au
#define MDS_NO (1u << 5)

/* A GenuineIntel dump with leaf 0 only, plus MSR 0x10a = ARCH when
 * WITH_MSR. */
static struct cc_set *intel_dump(const char *name, int with_msr, uint32_t arch)
{
	struct cc_set *s = cc_set_new(name, CC_KIND_DUMP);

	cct_put(s, 0, 0, 0xd, CCT_INTEL_B, CCT_INTEL_C, CCT_INTEL_D);
	if (with_msr)
		ck_assert_ptr_nonnull(cc_set_put_msr(s, ARCH_CAP, arch));
	cct_finish(s);
	return s;
}

static struct cc_set *load(const char *format, const char *file)
{
	struct cc_err e;
	struct cc_set *s = fmt_load_file(cct_data_path(file), format, NULL, &e);

	ck_assert_msg(s != NULL, "%s: %s", file, e.msg);
	return s;
}

static void render(const char *format, const struct cc_set *s, struct cc_buf *b)
{
	struct cc_err e;

	cc_buf_init(b);
	ck_assert_msg(fmt_find(format)->write(b, s, &e) == 0, "%s", e.msg);
	cc_buf_add(b, "", 0);
}

static struct cc_set *read_back(const char *format, const struct cc_buf *b)
{
	struct cc_err e;
	struct cc_set *s =
		fmt_find(format)->read(b->data, b->len, "again", NULL, &e);

	ck_assert_msg(s != NULL, "%s", e.msg);
	return s;
}

static uint32_t msr_eax(const struct cc_set *s, uint32_t index)
{
	const struct cc_leaf *l = cc_set_get(s, CC_MSR_LEAF, index);

	ck_assert_msg(l != NULL, "%s: no MSR %#x", s->name, index);
	return l->reg[CC_EAX];
}

/* --------------------------------------------------------------- model */

START_TEST(test_positions)
{
	char p[64];

	cc_pos_format(p, sizeof p, CC_POS_MANUAL, CC_MSR_LEAF, 0x10a, CC_EAX, 5,
		      5);
	ck_assert_str_eq(p, "MSR 0x10a[5]");
	cc_pos_format(p, sizeof p, CC_POS_MANUAL, CC_MSR_LEAF, 0x10a, CC_EDX,
		      30, 30);
	ck_assert_str_eq(p, "MSR 0x10a[62]");
	cc_pos_format(p, sizeof p, CC_POS_MANUAL, CC_MSR_LEAF, 0x345, CC_EAX, 8,
		      11);
	ck_assert_str_eq(p, "MSR 0x345[11:8]");
	cc_pos_format(p, sizeof p, CC_POS_MANUAL, CC_MSR_LEAF, 0x10a, CC_EDX,
		      -1, -1);
	ck_assert_str_eq(p, "MSR 0x10a[63:32]");
	cc_pos_format(p, sizeof p, CC_POS_SHORT, CC_MSR_LEAF, 0x10a, CC_EAX, 5,
		      5);
	ck_assert_str_eq(p, "msr.0x10a[5]");
	/* CPUID positions read as they always did */
	cc_pos_format(p, sizeof p, CC_POS_MANUAL, 7, 0, CC_EBX, 16, 16);
	ck_assert_str_eq(p, "CPUID.(7,0).EBX[16]");
	cc_pos_format(p, sizeof p, CC_POS_MANUAL, 0x80000008u, 0, CC_EAX, 0, 7);
	ck_assert_str_eq(p, "CPUID.(0x80000008,0).EAX[7:0]");
	cc_pos_format(p, sizeof p, CC_POS_SHORT, 7, 0, CC_EBX, -1, -1);
	ck_assert_str_eq(p, "7.0.ebx");
	cc_pos_format(p, sizeof p, CC_POS_HEX, 0xd, 1, CC_EAX, 3, 3);
	ck_assert_str_eq(p, "0xd.1.eax[3]");
}
END_TEST

START_TEST(test_absent_msr_is_unknown)
{
	struct cc_set *d = intel_dump("d", 0, 0);
	struct cc_set *p = cc_set_new("p", CC_KIND_PROFILE);
	struct cc_set *m = intel_dump("m", 1, 0x2b);
	uint32_t k = 1;

	/* a dump knows every CPUID bit, but no MSR it has no entry for */
	ck_assert_uint_eq(cc_set_reg(d, 0x80000001u, 0, CC_ECX, &k), 0);
	ck_assert_uint_eq(k, UINT32_MAX);
	ck_assert_uint_eq(cc_set_reg(d, CC_MSR_LEAF, ARCH_CAP, CC_EAX, &k), 0);
	ck_assert_uint_eq(k, 0);
	ck_assert_int_eq(cc_set_has_msrs(d), 0);
	/* a profile of uncovered rule ZERO: likewise */
	ck_assert_int_eq(p->uncovered, CC_UNCOVERED_ZERO);
	cc_set_guest_reg(p, CC_MSR_LEAF, ARCH_CAP, CC_EDX, &k);
	ck_assert_uint_eq(k, 0);
	/* an entry: EAX and EDX, EBX and ECX unused zeros; finish keeps it
	 * (no range maximum), and it always exists for a guest */
	ck_assert_int_eq(cc_set_has_msrs(m), 1);
	ck_assert_uint_eq(cc_set_guest_reg(m, CC_MSR_LEAF, ARCH_CAP, CC_EAX,
					   &k),
			  0x2b);
	ck_assert_uint_eq(k, UINT32_MAX);
	ck_assert_uint_eq(cc_set_reg(m, CC_MSR_LEAF, ARCH_CAP, CC_EBX, &k), 0);
	ck_assert_uint_eq(k, UINT32_MAX);
	ck_assert_int_eq(cc_set_exists(m, CC_MSR_LEAF), 1);
	ck_assert_uint_eq(cc_set_range_max(m, CC_MSR_LEAF), 0);
	/* an MSR given twice is refused; cc_set_msr_set replaces */
	ck_assert_ptr_null(cc_set_put_msr(m, ARCH_CAP, 0));
	cc_set_msr_set(m, ARCH_CAP, (uint64_t)1 << 62 | 0xb);
	ck_assert_uint_eq(msr_eax(m, ARCH_CAP), 0xb);
	ck_assert_uint_eq(cc_set_get(m, CC_MSR_LEAF, ARCH_CAP)->reg[CC_EDX],
			  1u << 30);
	cc_set_free(d);
	cc_set_free(p);
	cc_set_free(m);
}
END_TEST

/* ---------------------------------------------------------------- defs */

/* The built-in field named NAME (a QEMU spelling will do). */
static const struct cc_field *field(const char *name)
{
	const struct cc_defs *d = cc_defs_builtin();
	size_t i;

	for (i = 0; i < d->n; i++)
		if (cc_field_named(&d->fields[i], name, 0))
			return &d->fields[i];
	ck_abort_msg("no field %s", name);
	return NULL;
}

START_TEST(test_defs_fields)
{
	const struct cc_field *f = field("mds-no");

	ck_assert_str_eq(f->name, "mds_no");
	ck_assert_uint_eq(f->leaf, CC_MSR_LEAF);
	ck_assert_uint_eq(f->first, ARCH_CAP);
	ck_assert_uint_eq(f->reg, CC_EAX);
	ck_assert_uint_eq(f->lo, 5);
	ck_assert_str_eq(f->qemu, "mds-no");
	ck_assert_str_eq(f->libvirt, "mds-no");
	ck_assert_str_eq(cc_categories[f->category], "security");
	ck_assert_int_eq(f->consequence, CC_CONSEQ_MITIGATION);
	ck_assert_int_eq(f->guest, CC_GUEST_KVM);
	ck_assert_int_eq(f->offer, CC_OFFER_SYNTHESIZED);
	/* bit 62 lives in EDX bit 30 */
	f = field("its_no");
	ck_assert_uint_eq(f->reg, CC_EDX);
	ck_assert_uint_eq(f->lo, 30);
	/* QEMU 7.2 names only what it knows: fb-clear is an alias */
	f = field("fb-clear");
	ck_assert_ptr_null(f->qemu);
	ck_assert_str_eq(field("split-lock-detect")->name, "split_lock_detect");
	ck_assert_uint_eq(field("split-lock-detect")->first, 0xcf);
	ck_assert_uint_eq(field("full-width-write")->first, 0x345);
	ck_assert_uint_eq(field("full-width-write")->lo, 13);
}
END_TEST

/* Load FIELDS (a JSON list) as a defs file; NULL and E when refused. */
static struct cc_defs *load_fields(const char *fields, struct cc_err *e)
{
	char path[] = "/tmp/cpucompat-msr-XXXXXX";
	const char *paths[1] = {path};
	struct cc_defs *d;
	int fd = mkstemp(path);
	FILE *f;

	ck_assert_int_ge(fd, 0);
	f = fdopen(fd, "w");
	fprintf(f, "{\"title\": \"t\", \"fields\": %s}\n", fields);
	fclose(f);
	d = cc_defs_load_files(paths, 1, e);
	remove(path);
	return d;
}

#define MSR_FIELD(pos, name)                                                   \
	"{" pos ", \"name\": \"" name                                          \
	"\", \"description\": \"d\", "                                         \
	"\"vendors\": [\"intel\"], \"category\": \"security\", \"rule\": "     \
	"\"subset\", \"policy\": \"inherit\"}"

START_TEST(test_defs_loader)
{
	struct cc_err e;
	struct cc_defs *d;

	d = load_fields("[" MSR_FIELD("\"msr\": \"0x10a\", \"bits\": [33, 33]",
				      "x") "]",
			&e);
	ck_assert_msg(d != NULL, "%s", e.msg);
	ck_assert_uint_eq(d->fields[0].leaf, CC_MSR_LEAF);
	ck_assert_uint_eq(d->fields[0].first, ARCH_CAP);
	ck_assert_uint_eq(d->fields[0].reg, CC_EDX);
	ck_assert_uint_eq(d->fields[0].lo, 1);
	cc_defs_free(d);
	ck_assert_ptr_null(load_fields(
		"[" MSR_FIELD("\"msr\": \"0x10a\", \"bits\": [31, 32]",
			      "x") "]",
		&e));
	ck_assert_ptr_nonnull(strstr(e.msg,
				     "fields[0] (x): bits: expected "
				     "[lo, hi] with 0 <= lo <= hi <= "
				     "63, both below 32 or both from "
				     "32"));
	ck_assert_ptr_null(load_fields(
		"[" MSR_FIELD("\"msr\": \"0x10a\", \"leaf\": \"0x7\", "
			      "\"bits\": [1, 1]",
			      "x") "]",
		&e));
	ck_assert_ptr_nonnull(strstr(e.msg,
				     "msr: a field names an MSR or a "
				     "CPUID leaf"));
	ck_assert_ptr_null(load_fields(
		"[" MSR_FIELD("\"msr\": \"0x10a\", \"bits\": [1, 2]",
			      "x") ", " MSR_FIELD("\"msr\": \"0x10a\", "
						  "\"bits\": [2, 2]",
						  "y") "]",
		&e));
	ck_assert_ptr_nonnull(strstr(e.msg,
				     "field y (MSR 0x10a[2]) overlaps "
				     "field x (MSR 0x10a[2:1])"));
}
END_TEST

/* ---------------------------------------------------------------- diff */

static struct cc_report *check(const struct cc_set *a, const struct cc_set *b)
{
	struct cc_diff_opts o;

	memset(&o, 0, sizeof o);
	o.view = CC_VIEW_GUEST;
	return cc_diff(a, b, cc_defs_builtin(), &o);
}

START_TEST(test_diff_lost_mds_no_blocks)
{
	struct cc_set *a = intel_dump("a", 1, 0x2b),
		      *b = intel_dump("b", 1, 0xb);
	struct cc_report *r = check(a, b);
	char pos[48];

	ck_assert_int_eq(r->verdict, CC_VERDICT_INCOMPATIBLE);
	ck_assert_uint_eq(r->n, 1);
	ck_assert_str_eq(r->findings[0].field->name, "mds_no");
	ck_assert_int_eq(r->findings[0].change, CC_CHANGE_MISSING);
	ck_assert_int_eq(r->findings[0].severity, CC_SEV_INCOMPATIBLE);
	ck_assert_int_eq(r->findings[0].consequence, CC_CONSEQ_MITIGATION);
	cc_finding_position(&r->findings[0], pos, sizeof pos);
	ck_assert_str_eq(pos, "MSR 0x10a[5]");
	/* waivers name it by any spelling or position */
	ck_assert(cc_waiver_matches("mds-no", &r->findings[0]));
	ck_assert(cc_waiver_matches("MSR 0x10a[5]", &r->findings[0]));
	ck_assert(cc_waiver_matches("msr.0x10a[5]", &r->findings[0]));
	ck_assert(!cc_waiver_matches("msr.0x10a[4]", &r->findings[0]));
	cc_report_free(r);
	/* the other way the target has more: compatible */
	r = check(b, a);
	ck_assert_int_ne(r->verdict, CC_VERDICT_INCOMPATIBLE);
	cc_report_free(r);
	cc_set_free(a);
	cc_set_free(b);
}
END_TEST

START_TEST(test_diff_without_msrs_not_judged)
{
	struct cc_set *a = intel_dump("a", 1, 0x2b), *b = intel_dump("b", 0, 0);
	struct cc_report *r = check(a, b);

	ck_assert_int_eq(r->verdict, CC_VERDICT_IDENTICAL);
	ck_assert_uint_eq(r->n, 0);
	ck_assert_uint_eq(r->host_dependent, 0);
	ck_assert_uint_eq(r->msrs_unjudged, 1); /* only the source has them */
	cc_report_free(r);
	r = check(b, a);
	ck_assert_int_eq(r->verdict, CC_VERDICT_IDENTICAL);
	ck_assert_uint_eq(r->msrs_unjudged, 2); /* only the target */
	cc_report_free(r);
	/* compared (both) or nothing to say (neither): no note */
	r = check(a, a);
	ck_assert_uint_eq(r->msrs_unjudged, 0);
	cc_report_free(r);
	r = check(b, b);
	ck_assert_uint_eq(r->msrs_unjudged, 0);
	cc_report_free(r);
	cc_set_free(a);
	cc_set_free(b);
}
END_TEST

/* ------------------------------------------------------------- reports */

/* The report of A -> B rendered by RENDER into B (NUL-terminated). */
static void rendered(const struct cc_set *a, const struct cc_set *b,
		     void (*render_fn)(struct cc_buf *,
				       const struct cc_report *,
				       const struct report_opts *),
		     struct cc_buf *out)
{
	struct report_opts ro = {"check", "linux", 0, 0, 0, NULL, NULL};
	struct cc_report *r = check(a, b);

	cc_buf_init(out);
	render_fn(out, r, &ro);
	cc_buf_add(out, "", 0);
	cc_report_free(r);
}

START_TEST(test_report_not_compared_note)
{
	struct cc_set *a = intel_dump("a", 1, 0x2b), *b = intel_dump("b", 0, 0);
	struct cc_buf t;

	rendered(a, b, report_text, &t);
	ck_assert_ptr_nonnull(strstr(t.data,
				     "\nMSR features not compared: "
				     "the target carries none.\n"));
	cc_buf_free(&t);
	rendered(b, a, report_text, &t);
	ck_assert_ptr_nonnull(strstr(t.data,
				     "\nMSR features not compared: "
				     "the source carries none.\n"));
	cc_buf_free(&t);
	rendered(a, a, report_text, &t);
	ck_assert_ptr_null(strstr(t.data, "MSR features"));
	cc_buf_free(&t);
	rendered(a, b, report_json, &t);
	ck_assert_ptr_nonnull(
		strstr(t.data, "\n  \"msrs_not_compared\": \"target\",\n"));
	cc_buf_free(&t);
	rendered(b, a, report_json, &t);
	ck_assert_ptr_nonnull(
		strstr(t.data, "\n  \"msrs_not_compared\": \"source\",\n"));
	cc_buf_free(&t);
	rendered(b, b, report_json, &t);
	ck_assert_ptr_nonnull(
		strstr(t.data, "\n  \"msrs_not_compared\": null,\n"));
	cc_buf_free(&t);
	cc_set_free(a);
	cc_set_free(b);
}
END_TEST

START_TEST(test_report_msr_findings)
{
	/* a: mds_no (bit 5) and its_no (bit 62, EDX bit 30); b: neither */
	struct cc_set *a = intel_dump("a", 1, 0x2b),
		      *b = intel_dump("b", 1, 0xb);
	struct report_opts ro = {"check", "linux", 0, 0, 0, NULL, NULL};
	struct cc_diff_opts o;
	struct cc_report *r;
	struct cc_buf t;

	cc_set_msr_set(a, ARCH_CAP, 0x2b | 1ull << 62);
	rendered(a, b, report_json, &t);
	ck_assert_ptr_nonnull(strstr(t.data,
				     "{\"msr\": \"0x10a\", \"bits\": "
				     "[5, 5], \"position\": \"MSR "
				     "0x10a[5]\", \"name\": "
				     "\"mds_no\""));
	ck_assert_ptr_nonnull(strstr(t.data,
				     "{\"msr\": \"0x10a\", \"bits\": "
				     "[62, 62], \"position\": \"MSR "
				     "0x10a[62]\", \"name\": "
				     "\"its_no\""));
	ck_assert_ptr_null(strstr(t.data, "4266480466"));
	ck_assert_ptr_null(strstr(t.data, "\"subleaf\": 266"));
	cc_buf_free(&t);
	/* the raw view groups by MSR, not by the pseudo-leaf */
	memset(&o, 0, sizeof o);
	o.view = CC_VIEW_RAW;
	r = cc_diff(a, b, cc_defs_builtin(), &o);
	cc_buf_init(&t);
	report_text(&t, r, &ro);
	cc_buf_add(&t, "", 0);
	ck_assert_ptr_nonnull(strstr(t.data, "\n MSR 0x10a\n  mds_no "));
	ck_assert_ptr_null(strstr(t.data, "0xfe4d5352"));
	cc_buf_free(&t);
	/* JUnit names the register by its MSR bits */
	cc_buf_init(&t);
	report_junit(&t, r, &ro);
	cc_buf_add(&t, "", 0);
	ck_assert_ptr_nonnull(strstr(t.data, "name=\"MSR 0x10a[31:0]\""));
	ck_assert_ptr_nonnull(strstr(t.data, "name=\"MSR 0x10a[63:32]\""));
	cc_buf_free(&t);
	cc_report_free(r);
	cc_set_free(a);
	cc_set_free(b);
}
END_TEST

/* The name of the row the explorer's cursor is on. */
static const char *cursor_name(const struct view *v, char *buf, size_t n)
{
	const struct view_row *row = view_row(v);

	return row ? view_row_name(row, buf, n) : "(none)";
}

START_TEST(test_view_search_positions)
{
	struct cc_set *a = intel_dump("a", 1, 0x2b),
		      *b = intel_dump("b", 1, 0xb);
	struct view *v;
	char buf[32];

	cc_set_msr_set(a, ARCH_CAP, 0x2b | 1ull << 62);
	v = view_new(a, b, cc_defs_builtin());
	ck_assert_uint_eq(view_search(v, "msr.0x10a[5]"), 1);
	ck_assert_str_eq(cursor_name(v, buf, sizeof buf), "mds_no");
	ck_assert_uint_eq(view_row(v)->f.reg, CC_EAX);
	ck_assert_uint_eq(view_search(v, "MSR 0x10a[62]"), 1);
	ck_assert_str_eq(cursor_name(v, buf, sizeof buf), "its_no");
	ck_assert_uint_eq(view_row(v)->f.reg, CC_EDX);
	ck_assert_uint_eq(view_row(v)->f.lo, 30);
	ck_assert_uint_eq(view_search(v, "msr 0x10A[1]"), 1);
	ck_assert_str_eq(cursor_name(v, buf, sizeof buf), "ibrs_all");
	/* a whole MSR, or its EDX half: every field in it */
	ck_assert_uint_gt(view_search(v, "MSR 0x10a"), 20);
	ck_assert_uint_gt(view_search(v, "msr.0x10a[63:32]"), 0);
	ck_assert_uint_eq(view_row(v)->f.reg, CC_EDX);
	/* not positions: a range across bit 32, a bit past 63, another
	 * MSR's bit, trailing text */
	ck_assert_uint_eq(view_search(v, "msr.0x10a[33:31]"), 0);
	ck_assert_uint_eq(view_search(v, "msr.0x10a[64]"), 0);
	ck_assert_uint_eq(view_search(v, "msr.0x10b[5]"), 0);
	ck_assert_uint_eq(view_search(v, "msr.0x10a[5]x"), 0);
	view_free(v);
	cc_set_free(a);
	cc_set_free(b);
}
END_TEST

START_TEST(test_diff_other_msrs_ignored)
{
	struct cc_set *a = intel_dump("a", 1, 0x2b),
		      *b = intel_dump("b", 1, 0x2b);
	struct cc_report *r;

	/* IA32_MISC_ENABLE is machine state, not a feature MSR */
	cc_set_put_msr(a, 0x1a0, 0x850089);
	cc_set_put_msr(b, 0x1a0, 0x1);
	r = check(a, b);
	ck_assert_int_eq(r->verdict, CC_VERDICT_IDENTICAL);
	cc_report_free(r);
	cc_set_free(a);
	cc_set_free(b);
}
END_TEST

/* ------------------------------------------------------------- formats */

START_TEST(test_readers)
{
	struct cc_set *lv = load("libvirt", "msr/clx-mds-no.xml");
	struct cc_set *ai = load("aida64", "aida64-instlat.txt");
	struct cc_set *fc = load("firecracker", "fc-template.json");
	const struct cc_leaf *l;

	ck_assert_uint_eq(msr_eax(lv, ARCH_CAP), 0x2b);
	ck_assert_uint_eq(msr_eax(lv, 0xcf), 0);
	ck_assert_ptr_null(cc_set_meta(lv, "msr.0x10a"));
	ck_assert_uint_eq(msr_eax(ai, ARCH_CAP), 0x080000eb);
	/* "0b0...01x01011": bit 5 left to the host */
	l = cc_set_get(fc, CC_MSR_LEAF, ARCH_CAP);
	ck_assert_ptr_nonnull(l);
	ck_assert_uint_eq(l->reg[CC_EAX], 0x4b);
	ck_assert_uint_eq(l->known[CC_EAX], ~(uint32_t)MDS_NO);
	ck_assert_uint_eq(l->known[CC_EDX], UINT32_MAX);
	cc_set_free(lv);
	cc_set_free(ai);
	cc_set_free(fc);
}
END_TEST

START_TEST(test_writers)
{
	struct cc_set *s = load("libvirt", "msr/clx-mds-no.xml"), *r;
	struct cc_buf b, again;

	render("libvirt", s, &b);
	ck_assert_ptr_nonnull(strstr(b.data,
				     "  <msr index='0xcf' edx='0x00000000' "
				     "eax='0x00000000'/>\n  <msr index='0x10a' "
				     "edx='0x00000000' eax='0x0000002b'/>\n"
				     "</cpudata>\n"));
	cc_buf_free(&b);
	render("firecracker", s, &b);
	ck_assert_ptr_nonnull(strstr(b.data,
				     "\"addr\": \"0x10a\",\n"
				     "      \"bitmap\": \"0b"
				     "00000000000000000000000000000000"
				     "00000000000000000000000000101011"
				     "\""));
	ck_assert_ptr_null(strstr(b.data, "0xfe4d5352"));
	r = read_back("firecracker", &b);
	ck_assert_uint_eq(msr_eax(r, ARCH_CAP), 0x2b);
	cc_set_free(r);
	cc_buf_free(&b);
	/* cpuid -r and Cloud Hypervisor cannot hold MSRs: left out */
	render("cpuid-r", s, &b);
	ck_assert_ptr_null(strstr(b.data, "0xfe4d5352"));
	r = read_back("cpuid-r", &b);
	ck_assert_int_eq(cc_set_has_msrs(r), 0);
	cc_set_free(r);
	cc_buf_free(&b);
	render("cloud-hypervisor", s, &b);
	ck_assert_ptr_null(strstr(b.data, "4266480466"));
	ck_assert_ptr_nonnull(strstr(b.data, "\"function\": 0"));
	cc_buf_free(&b);
	render("cloud-hypervisor-profile", s, &b);
	ck_assert_ptr_null(strstr(b.data, "4266480466"));
	ck_assert_ptr_nonnull(strstr(b.data, "\"leaf\": \"0x00000000\""));
	cc_buf_free(&b);
	/* native JSON: one MSR spelling, byte for byte again */
	render("json", s, &b);
	ck_assert_ptr_nonnull(strstr(b.data,
				     "\n    {\"msr\": \"0x10a\", "
				     "\"eax\": \"0x0000002b\", "
				     "\"edx\": \"0x00000000\"}\n  ]"));
	r = read_back("json", &b);
	render("json", r, &again);
	ck_assert_str_eq(b.data, again.data);
	cc_buf_free(&b);
	cc_buf_free(&again);
	cc_set_free(r);
	cc_set_free(s);
}
END_TEST

START_TEST(test_native_profile_mask)
{
	struct cc_set *fc = load("firecracker", "fc-template.json"), *r;
	struct cc_buf b, again;
	struct cc_err e;

	render("json", fc, &b);
	ck_assert_ptr_nonnull(strstr(b.data,
				     "{\"msr\": \"0x10a\", \"eax\": "
				     "\"0x0000004b\", \"edx\": "
				     "\"0x00000000\", \"mask\": "
				     "{\"eax\": \"0x00000020\"}}"));
	r = read_back("json", &b);
	render("json", r, &again);
	ck_assert_str_eq(b.data, again.data);
	cc_buf_free(&again);
	cc_set_free(r);
	cc_buf_free(&b);
	/* an MSR entry holds EDX:EAX only */
	cc_buf_init(&b);
	cc_buf_puts(&b,
		    "{\"format\": \"cpucompat\", \"version\": 1, \"kind\": "
		    "\"dump\", \"leaves\": [{\"leaf\": \"0x0\", \"subleaf\": "
		    "0, \"eax\": \"0x1\", \"ebx\": \"0x0\", \"ecx\": "
		    "\"0x0\", \"edx\": \"0x0\"}, {\"msr\": \"0x10a\", "
		    "\"eax\": \"0x1\", \"ebx\": \"0x0\", \"edx\": "
		    "\"0x0\"}]}");
	ck_assert_ptr_null(
		fmt_find("json")->read(b.data, b.len, "bad.json", NULL, &e));
	ck_assert_str_eq(e.msg,
			 "bad.json: leaves[1].ebx: an MSR entry has "
			 "only \"msr\", \"eax\", \"edx\" and \"mask\"");
	cc_buf_free(&b);
	cc_set_free(fc);
}
END_TEST

/* ------------------------------------------------------------ profiles */

START_TEST(test_apply_profile)
{
	struct cc_set *p = cc_set_new("p", CC_KIND_PROFILE);
	struct cc_set *host = intel_dump("host", 1, 0x2b);
	struct cc_set *bare = intel_dump("bare", 0, 0), *out;
	struct cc_leaf *l;
	struct cc_err e;

	p->uncovered = CC_UNCOVERED_ZERO;
	cct_put(p, 0, 0, 0xd, CCT_INTEL_B, CCT_INTEL_C, CCT_INTEL_D);
	l = cc_set_put_msr(p, ARCH_CAP, 0x9);
	l->known[CC_EAX] = ~(uint32_t)MDS_NO; /* mds-no: the host's */
	cct_finish(p);
	out = cc_profile_apply(p, host, &e);
	ck_assert_msg(out != NULL, "%s", e.msg);
	ck_assert_uint_eq(msr_eax(out, ARCH_CAP), 0x9 | MDS_NO);
	cc_set_free(out);
	/* a host that says nothing about the MSR: the guest's stays unknown */
	out = cc_profile_apply(p, bare, &e);
	ck_assert_msg(out != NULL, "%s", e.msg);
	ck_assert_int_eq(cc_set_has_msrs(out), 0);
	cc_set_free(out);
	cc_set_free(p);
	/* a profile that names no MSR leaves the host's, even a ZERO one */
	p = cc_set_new("p0", CC_KIND_PROFILE);
	cct_put(p, 0, 0, 0xd, CCT_INTEL_B, CCT_INTEL_C, CCT_INTEL_D);
	cct_finish(p);
	out = cc_profile_apply(p, host, &e);
	ck_assert_msg(out != NULL, "%s", e.msg);
	ck_assert_uint_eq(msr_eax(out, ARCH_CAP), 0x2b);
	cc_set_free(out);
	cc_set_free(p);
	cc_set_free(host);
	cc_set_free(bare);
}
END_TEST

static Suite *msr_suite(void)
{
	Suite *s = suite_create("msr");
	TCase *tc;

	tc = tcase_create("model");
	tcase_add_test(tc, test_positions);
	tcase_add_test(tc, test_absent_msr_is_unknown);
	suite_add_tcase(s, tc);
	tc = tcase_create("defs");
	tcase_add_test(tc, test_defs_fields);
	tcase_add_test(tc, test_defs_loader);
	suite_add_tcase(s, tc);
	tc = tcase_create("diff");
	tcase_add_test(tc, test_diff_lost_mds_no_blocks);
	tcase_add_test(tc, test_diff_without_msrs_not_judged);
	tcase_add_test(tc, test_diff_other_msrs_ignored);
	suite_add_tcase(s, tc);
	tc = tcase_create("reports");
	tcase_add_test(tc, test_report_not_compared_note);
	tcase_add_test(tc, test_report_msr_findings);
	tcase_add_test(tc, test_view_search_positions);
	suite_add_tcase(s, tc);
	tc = tcase_create("formats");
	tcase_add_test(tc, test_readers);
	tcase_add_test(tc, test_writers);
	tcase_add_test(tc, test_native_profile_mask);
	suite_add_tcase(s, tc);
	tc = tcase_create("profiles");
	tcase_add_test(tc, test_apply_profile);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	return cct_run(msr_suite());
}
