/*
 * Tests of the guest view (guest.c, defs_guest.c): a hand-made database
 * with one field of every visibility class and offer, loaded through the
 * loader and judged; the loader's rejection of every broken guest-view
 * key with the file and field named; the built-in database's verdicts on
 * the fields the issue names (RDT, HWP, max leaf, XSAVE sizes, md_clear,
 * ...); the register table's verdict on bits no field names; the diff in
 * the guest view on hand-made sets, one per class; and, over every
 * ordered pair of recorded CPUs (tests/data/cpus), that nothing a KVM
 * guest cannot see blocks and that every flag KVM can offer which the
 * source has and the target lacks does, computed from the defs data
 * alone, not through the judgement under test.
 */
#include "config.h"

#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "check_common.h"
#include "defs.h"
#include "diff.h"
#include "guest.h"
#include "matrix.h"

static const struct cc_defs *builtin;

/* ------------------------------------------------- a hand-made database */

#define F(leaf, reg, lo, hi, name, cat, rule, extra)                             \
	"{\"leaf\": \"" leaf "\", \"subleaf\": 0, \"register\": \"" reg          \
	"\", "                                                                   \
	"\"bits\": [" #lo ", " #hi "], \"name\": \"" name                        \
	"\", "                                                                   \
	"\"description\": \"d\", \"vendors\": [\"intel\"], \"category\": \"" cat \
	"\", \"rule\": \"" rule "\", \"policy\": \"inherit\"" extra "}"

#define RULES(regs, hints)                                                      \
	"\"kvm_rules\": \"Linux 7.1\", \"consequences\": {\"identity\": "       \
	"\"identity\", \"isa\": \"instruction\", \"simd\": \"instruction\", "   \
	"\"security\": \"mitigation\", \"virtualization\": \"instruction\", "   \
	"\"xsave\": \"state\", \"topology\": \"informational\", \"cache\": "    \
	"\"capacity\", \"tlb\": \"capacity\", \"power\": \"informational\", "   \
	"\"pmu\": \"capacity\", \"trace\": \"instruction\", \"sgx\": "          \
	"\"instruction\", \"rdt\": \"capacity\", \"memory\": \"instruction\", " \
	"\"system\": \"instruction\", \"debug\": \"instruction\", "             \
	"\"paravirt\": \"instruction\", \"timing\": \"informational\"}, "       \
	"\"hints\": {" hints "}, \"registers\": [" regs "]"

/* clang-format off: one field per line reads better than any layout */
static const char
	good_defs
		[] =
			"{\"title\": \"t\", " RULES(
				"{\"leaf\": \"0x00000007\", \"subleaf\": 0, \"register\": \"ebx\", "
				"\"guest\": \"kvm\", \"mask\": \"0x0000000f\"}, "
				"{\"leaf\": \"0x00000000\", \"subleaf\": 0, \"register\": \"eax\", "
				"\"guest\": \"vmm\"}, "
				"{\"leaf\": \"0x80000008\", \"subleaf\": 0, \"register\": \"eax\", "
				"\"guest\": \"passthrough\"}, "
				"{\"leaf\": [\"0x40000002\", \"0x400000ff\"], \"subleaf\": null, "
				"\"register\": \"eax\", \"guest\": \"vmm\"}",
				"\"microcode\": \"update the microcode\"") ", \"fields\": [" F("0x00000007", "ebx", 0, 0, "host_flag", "simd", "subset", ", \"guest\": \"kvm\", \"offer\": \"host\"") ", " F("0x00000007", "ebx", 1, 1, "emulated_flag", "isa", "subset", ", \"guest\": \"kvm\", \"offer\": \"emulated\"") ", " F("0x00000007",
																																								  "ebx",
																																								  2,
																																								  2,
																																								  "mitigation_flag",
																																								  "security", "subset",
																																								  ", \"guest\": \"kvm\", \"offer\": \"synthesized\", \"hint\": "
																																								  "\"microcode\"") ", " F("0x00000007",
																																											  "ebx",
																																											  3,
																																											  3,
																																											  "module_flag",
																																											  "virtualization", "subset", ", \"guest\": \"kvm\", \"offer\": \"module\"") ", " F("0x00000007",
																																																					    "ebx", 8, 8, "never_flag", "power", "subset", ", \"guest\": \"never\"") ", " F("0x00000000",
																																																															   "eax",
																																																															   0,
																																																															   31,
																																																															   "max_leaf",
																																																															   "identity",
																																																															   "ge",
																																																															   ", \"guest\": \"vmm\"") ", " F("0x80000008",
																																																																			  "eax",
																																																																			  0,
																																																																			  7,
																																																																			  "phys_bits",
																																																																			  "memory",
																																																																			  "ge",
																																																																			  ", \"guest\": \"passthrough\", \"consequence\": \"capacity\"") ", " F("0x80000008", "eax",
																																																																												16,
																																																																												23,
																																																																												"guest_bits",
																																																																												"memory", "ge",
																																																																												", \"guest\": \"passthrough\", \"consequence\": \"capacity\", "
																																																																												"\"zero_means\": \"phys_bits\"") ", " F("0x80000008", "eax", 24, 31, "counters", "pmu", "ge",
																																																																																	", \"guest\": \"passthrough\", \"guest_max\": 8") ", " F("0x80000008",
																																																																																								 "ebx",
																																																																																								 0,
																																																																																								 31,
																																																																																								 "xsave_like", "xsave", "ge", ", \"guest\": \"kvm\", \"offer\": \"computed\"") ", " F("0x80000008", "ecx",
																																																																																																		      0,
																																																																																																		      0,
																																																																																																		      "runtime_flag",
																																																																																																		      "xsave",
																																																																																																		      "info",
																																																																																																		      ", \"guest\": \"kvm\", \"offer\": \"runtime\"") "]}\n";
/* clang-format on */

/* Write TEXT to a temporary file and load it (with the file's path in
 * PATH for the caller's messages); NULL and E on refusal. */
static struct cc_defs *load_text(const char *text, char *path, size_t n,
				 struct cc_err *e)
{
	const char *tmp = getenv("TMPDIR");
	const char *paths[1];
	struct cc_defs *d;
	FILE *f;
	int fd;

	snprintf(path, n, "%s/check_guest.XXXXXX", tmp && *tmp ? tmp : "/tmp");
	fd = mkstemp(path);
	ck_assert_int_ge(fd, 0);
	f = fdopen(fd, "w");
	ck_assert_ptr_nonnull(f);
	fputs(text, f);
	fclose(f);
	paths[0] = path;
	d = cc_defs_load_files(paths, 1, e);
	unlink(path);
	return d;
}

static const struct cc_field *field(const struct cc_defs *d, const char *name)
{
	size_t i;

	for (i = 0; i < d->n; i++)
		if (strcmp(d->fields[i].name, name) == 0)
			return &d->fields[i];
	ck_abort_msg("no field %s", name);
	return NULL;
}

static struct cc_judgement judge(const struct cc_defs *d, enum cc_view v,
				 const char *name)
{
	const struct cc_field *f = field(d, name);
	struct cc_judgement j;

	cc_guest_judge(d, v, f, f->leaf, f->first, f->reg, cc_field_mask(f),
		       &j);
	return j;
}

START_TEST(test_each_class)
{
	char path[256];
	struct cc_err e;
	struct cc_defs *d = load_text(good_defs, path, sizeof path, &e);
	struct cc_judgement j;

	if (d == NULL)
		ck_abort_msg("%s", e.msg);
	ck_assert_str_eq(d->kvm_rules, "Linux 7.1");
	/* a flag KVM offers from the host: seen, offerable, its category's
	 * consequence */
	j = judge(d, CC_VIEW_GUEST, "host_flag");
	ck_assert_int_eq(j.unseen, CC_UNSEEN_NONE);
	ck_assert_int_eq(j.offerable, 1);
	ck_assert_int_eq(j.consequence, CC_CONSEQ_INSTRUCTION);
	/* emulated everywhere: unseen in the guest view, seen raw */
	j = judge(d, CC_VIEW_GUEST, "emulated_flag");
	ck_assert_int_eq(j.unseen, CC_UNSEEN_EMULATED);
	ck_assert_int_eq(j.offerable, 0);
	j = judge(d, CC_VIEW_RAW, "emulated_flag");
	ck_assert_int_eq(j.unseen, CC_UNSEEN_NONE);
	/* synthesised from host kernel state: still offerable, with its hint
	 * in both views */
	j = judge(d, CC_VIEW_GUEST, "mitigation_flag");
	ck_assert_int_eq(j.unseen, CC_UNSEEN_NONE);
	ck_assert_int_eq(j.offerable, 1);
	ck_assert_int_eq(j.consequence, CC_CONSEQ_MITIGATION);
	ck_assert_str_eq(j.hint, "update the microcode");
	j = judge(d, CC_VIEW_RAW, "mitigation_flag");
	ck_assert_str_eq(j.hint, "update the microcode");
	/* a module parameter decides: offerable */
	j = judge(d, CC_VIEW_GUEST, "module_flag");
	ck_assert_int_eq(j.unseen, CC_UNSEEN_NONE);
	ck_assert_int_eq(j.offerable, 1);
	/* never, vmm, runtime, computed: unseen */
	ck_assert_int_eq(judge(d, CC_VIEW_GUEST, "never_flag").unseen,
			 CC_UNSEEN_NEVER);
	ck_assert_int_eq(judge(d, CC_VIEW_GUEST, "never_flag").consequence,
			 CC_CONSEQ_INFORMATIONAL);
	ck_assert_int_eq(judge(d, CC_VIEW_GUEST, "max_leaf").unseen,
			 CC_UNSEEN_VMM);
	ck_assert_int_eq(judge(d, CC_VIEW_GUEST, "max_leaf").consequence,
			 CC_CONSEQ_IDENTITY);
	ck_assert_int_eq(judge(d, CC_VIEW_GUEST, "runtime_flag").unseen,
			 CC_UNSEEN_RUNTIME);
	ck_assert_int_eq(judge(d, CC_VIEW_GUEST, "xsave_like").unseen,
			 CC_UNSEEN_COMPUTED);
	ck_assert_int_eq(judge(d, CC_VIEW_GUEST, "xsave_like").consequence,
			 CC_CONSEQ_STATE);
	/* passthrough: seen, the field's own consequence */
	j = judge(d, CC_VIEW_GUEST, "phys_bits");
	ck_assert_int_eq(j.unseen, CC_UNSEEN_NONE);
	ck_assert_int_eq(j.offerable, 0);
	ck_assert_int_eq(j.consequence, CC_CONSEQ_CAPACITY);
	cc_defs_free(d);
}
END_TEST

START_TEST(test_unnamed_bits)
{
	char path[256];
	struct cc_err e;
	struct cc_defs *d = load_text(good_defs, path, sizeof path, &e);
	struct cc_judgement j;

	if (d == NULL)
		ck_abort_msg("%s", e.msg);
	/* inside KVM's mask: seen; outside: unseen; a register with no
	 * entry: never; a VMM leaf range: vmm; raw: always seen */
	cc_guest_judge(d, CC_VIEW_GUEST, NULL, 7, 0, CC_EBX, 1u << 2, &j);
	ck_assert_int_eq(j.unseen, CC_UNSEEN_NONE);
	ck_assert_int_eq(j.consequence, CC_CONSEQ_INSTRUCTION);
	cc_guest_judge(d, CC_VIEW_GUEST, NULL, 7, 0, CC_EBX, 1u << 20, &j);
	ck_assert_int_eq(j.unseen, CC_UNSEEN_MASK);
	cc_guest_judge(d, CC_VIEW_RAW, NULL, 7, 0, CC_EBX, 1u << 20, &j);
	ck_assert_int_eq(j.unseen, CC_UNSEEN_NONE);
	cc_guest_judge(d, CC_VIEW_GUEST, NULL, 7, 1, CC_EBX, 1u << 2, &j);
	ck_assert_int_eq(j.unseen, CC_UNSEEN_NEVER);
	cc_guest_judge(d, CC_VIEW_GUEST, NULL, 0x40000010u, 0, CC_EAX, 1, &j);
	ck_assert_int_eq(j.unseen, CC_UNSEEN_VMM);
	cc_guest_judge(d, CC_VIEW_GUEST, NULL, 0x40000100u, 0, CC_EAX, 1, &j);
	ck_assert_int_eq(j.unseen, CC_UNSEEN_NEVER);
	cc_guest_judge(d, CC_VIEW_GUEST, NULL, 0x80000008u, 0, CC_EAX, 1u << 9,
		       &j);
	ck_assert_int_eq(j.unseen, CC_UNSEEN_NONE);
	cc_defs_free(d);
}
END_TEST

START_TEST(test_guest_values)
{
	char path[256];
	struct cc_err e;
	struct cc_defs *d = load_text(good_defs, path, sizeof path, &e);
	uint32_t s, t;

	if (d == NULL)
		ck_abort_msg("%s", e.msg);
	/* guest address bits 0 mean "as phys_bits": 0x30 -> 0 with 48
	 * physical bits on the target compares 48 with 48 */
	s = 0x30;
	t = 0;
	cc_guest_values(field(d, "guest_bits"), 0x00303030u, 0x00003030u, &s,
			&t);
	ck_assert_uint_eq(s, 0x30);
	ck_assert_uint_eq(t, 0x30);
	s = 0x30;
	t = 0;
	cc_guest_values(field(d, "guest_bits"), 0x00303030u, 0x0000302eu, &s,
			&t);
	ck_assert_uint_eq(t, 0x2e);
	/* KVM caps the value: 12 -> 10 counters both read as 8 */
	s = 12;
	t = 10;
	cc_guest_values(field(d, "counters"), 0, 0, &s, &t);
	ck_assert_uint_eq(s, 8);
	ck_assert_uint_eq(t, 8);
	s = 12;
	t = 4;
	cc_guest_values(field(d, "counters"), 0, 0, &s, &t);
	ck_assert_uint_eq(t, 4);
	cc_defs_free(d);
}
END_TEST

/* A database without KVM rules judges every view as raw, and its fields
 * read as passthrough with a consequence from their rule. */
START_TEST(test_no_rules_is_raw)
{
	char path[256];
	struct cc_err e;
	struct cc_defs *d = load_text(
		"{\"title\": \"t\", \"fields\": [" F(
			"0x00000006", "eax", 7, 7, "hwp", "power", "subset",
			"") ", " F("0x00000001", "eax", 0, 3, "stepping",
				   "identity", "info", "") "]}",
		path, sizeof path, &e);
	struct cc_judgement j;

	if (d == NULL)
		ck_abort_msg("%s", e.msg);
	ck_assert_ptr_null(d->kvm_rules);
	ck_assert_int_eq(field(d, "hwp")->guest, CC_GUEST_PASSTHROUGH);
	j = judge(d, CC_VIEW_GUEST, "hwp");
	ck_assert_int_eq(j.unseen, CC_UNSEEN_NONE);
	ck_assert_int_eq(j.consequence, CC_CONSEQ_INSTRUCTION);
	ck_assert_int_eq(judge(d, CC_VIEW_GUEST, "stepping").consequence,
			 CC_CONSEQ_INFORMATIONAL);
	cc_guest_judge(d, CC_VIEW_GUEST, NULL, 5, 0, CC_EAX, 1, &j);
	ck_assert_int_eq(j.unseen, CC_UNSEEN_NONE);
	cc_defs_free(d);
}
END_TEST

/* ------------------------------------------------------ loader errors */

#define ONE(extra) "{\"title\": \"t\", \"fields\": [" extra "]}"
#define WITH(regs, fields)                                                     \
	"{\"title\": \"t\", " RULES(                                           \
		regs, "\"microcode\": \"m\"") ", \"fields\": [" fields "]}"
#define KVMREG                                                                 \
	"{\"leaf\": \"0x00000007\", \"subleaf\": 0, \"register\": \"ebx\", "   \
	"\"guest\": \"kvm\", \"mask\": \"0x0000000f\"}"

static const struct bad {
	const char *json;
	const char *expect; /* substring of the message, after the file */
} bad[] = {
	{ONE(F("0x7", "ebx", 0, 0, "x", "isa", "subset",
	       ", \"guest\": \"often\"")),
	 "fields[0] (x): guest: expected never, kvm, passthrough or vmm"},
	{ONE(F("0x7", "ebx", 0, 0, "x", "isa", "subset",
	       ", \"guest\": \"never\", \"offer\": \"host\"")),
	 "fields[0] (x): offer: only for \"guest\": \"kvm\""},
	{ONE(F("0x7", "ebx", 0, 0, "x", "isa", "subset",
	       ", \"guest\": \"kvm\"")),
	 "fields[0] (x): offer: required when guest is kvm"},
	{ONE(F("0x7", "ebx", 0, 0, "x", "isa", "subset",
	       ", \"guest\": \"kvm\", \"offer\": \"sometimes\"")),
	 "fields[0] (x): offer: expected host, emulated, synthesized"},
	{ONE(F("0x7", "ebx", 0, 0, "x", "isa", "subset",
	       ", \"consequence\": \"fatal\"")),
	 "fields[0] (x): consequence: expected instruction, state"},
	{ONE(F("0x7", "ebx", 0, 0, "x", "isa", "subset", ", \"guest_max\": 2")),
	 "fields[0] (x): guest_max: expected a positive integer"},
	{ONE(F("0x7", "ebx", 0, 0, "x", "isa", "subset",
	       ", \"hint\": \"nope\"")),
	 "field x: hint: no hint named \"nope\""},
	{ONE(F("0x7", "ebx", 0, 3, "x", "isa", "ge",
	       ", \"zero_means\": \"y\"")),
	 "field x: zero_means: no field y in the same register"},
	{WITH(KVMREG, F("0x7", "ebx", 0, 0, "x", "isa", "subset", "")),
	 "field x: guest: missing (the database has KVM rules"},
	{WITH(KVMREG, F("0x7", "ebx", 4, 4, "x", "isa", "subset",
			", \"guest\": \"kvm\", \"offer\": \"host\"")),
	 "field x (CPUID.(0x7,0).ebx[4:4]): guest is kvm, but the register "
	 "table's KVM mask does not hold its bits"},
	{WITH(KVMREG, F("0x7", "ebx", 1, 1, "x", "isa", "subset",
			", \"guest\": \"never\"")),
	 "field x (CPUID.(0x7,0).ebx[1:1]): KVM's mask holds its bits, but "
	 "guest is not kvm"},
	{WITH(KVMREG, F("0x5", "ebx", 1, 1, "x", "isa", "subset",
			", \"guest\": \"passthrough\"")),
	 "guest is passthrough, but the register table says no guest sees"},
	{WITH("{\"leaf\": \"0x00000007\", \"subleaf\": 0, \"register\": "
	      "\"ebx\", \"guest\": \"kvm\"}",
	      ""),
	 "registers[0]: mask: required when guest is kvm"},
	{WITH("{\"leaf\": \"0x00000007\", \"subleaf\": 0, \"register\": "
	      "\"ebx\", \"guest\": \"never\"}",
	      ""),
	 "registers[0]: guest: expected kvm, passthrough or vmm"},
	{WITH(KVMREG ", " KVMREG, ""),
	 "registers: two entries cover CPUID.(0x7,0).ebx"},
	{"{\"title\": \"t\", \"kvm_rules\": \"Linux 7.1\", \"fields\": []}",
	 "kvm_rules (a string such as \"Linux 7.1\"), consequences and "
	 "registers go together"},
	{"{\"title\": \"t\", \"colour\": 1, \"fields\": []}",
	 "unknown key \"colour\""},
	{"{\"title\": \"t\", \"kvm_rules\": \"L\", \"registers\": [], "
	 "\"consequences\": {\"isa\": \"instruction\"}}",
	 "consequences: category identity missing"},
};

START_TEST(test_loader_rejects)
{
	char path[256];
	struct cc_err e;
	struct cc_defs *d = load_text(bad[_i].json, path, sizeof path, &e);

	ck_assert_msg(d == NULL, "row %d loaded", _i);
	ck_assert_msg(strncmp(e.msg, path, strlen(path)) == 0,
		      "message does not start with the file: %s", e.msg);
	ck_assert_msg(strstr(e.msg, bad[_i].expect) != NULL, "got: %s", e.msg);
}
END_TEST

/* A second file with a guest view is refused, naming both files. */
START_TEST(test_two_rule_files)
{
	char p1[256], p2[256];
	const char *tmp = getenv("TMPDIR");
	const char *paths[2];
	struct cc_err e;
	struct cc_defs *d;
	int i;

	for (i = 0; i < 2; i++) {
		char *p = i ? p2 : p1;
		FILE *f;
		int fd;

		snprintf(p, 256, "%s/check_guest.XXXXXX",
			 tmp && *tmp ? tmp : "/tmp");
		fd = mkstemp(p);
		ck_assert_int_ge(fd, 0);
		f = fdopen(fd, "w");
		fputs(WITH(KVMREG, ""), f);
		fclose(f);
		paths[i] = p;
	}
	d = cc_defs_load_files(paths, 2, &e);
	unlink(p1);
	unlink(p2);
	ck_assert_ptr_null(d);
	ck_assert_msg(strncmp(e.msg, p2, strlen(p2)) == 0, "%s", e.msg);
	ck_assert_msg(strstr(e.msg, "already defined in") != NULL &&
			      strstr(e.msg, p1) != NULL,
		      "%s", e.msg);
}
END_TEST

/* ----------------------------------------------------- built-in facts */

START_TEST(test_builtin_fields)
{
	const struct cc_field *f;
	struct cc_judgement j;

	ck_assert_str_eq(builtin->kvm_rules, "Linux 7.1");
	ck_assert_ptr_nonnull(cc_defs_hint(builtin, "kvm-hides"));
	/* never seen: RDT, HWP, MWAIT sub-states, TME */
	ck_assert_int_eq(
		judge(builtin, CC_VIEW_GUEST, "rdt_mon_max_rmid").unseen,
		CC_UNSEEN_NEVER);
	ck_assert_int_eq(judge(builtin, CC_VIEW_GUEST, "hwp").unseen,
			 CC_UNSEEN_NEVER);
	ck_assert_int_eq(judge(builtin, CC_VIEW_GUEST, "tme").unseen,
			 CC_UNSEEN_NEVER);
	/* the VMM sets max leaf and topology; XSAVE sizes are KVM's */
	ck_assert_int_eq(judge(builtin, CC_VIEW_GUEST, "max_basic_leaf").unseen,
			 CC_UNSEEN_VMM);
	ck_assert_int_eq(judge(builtin, CC_VIEW_GUEST, "xsave_size_max").unseen,
			 CC_UNSEEN_COMPUTED);
	ck_assert_int_eq(judge(builtin, CC_VIEW_GUEST, "osxsave").unseen,
			 CC_UNSEEN_RUNTIME);
	ck_assert_int_eq(judge(builtin, CC_VIEW_GUEST, "x2apic").unseen,
			 CC_UNSEEN_EMULATED);
	ck_assert_int_eq(
		judge(builtin, CC_VIEW_GUEST, "arch_capabilities").unseen,
		CC_UNSEEN_EMULATED);
	/* offered from the host: md_clear is a mitigation with a microcode
	 * hint, avx512_vnni an instruction, vmx needs nested=1 */
	j = judge(builtin, CC_VIEW_GUEST, "md_clear");
	ck_assert_int_eq(j.unseen, CC_UNSEEN_NONE);
	ck_assert_int_eq(j.offerable, 1);
	ck_assert_int_eq(j.consequence, CC_CONSEQ_MITIGATION);
	ck_assert_ptr_nonnull(strstr(j.hint, "microcode"));
	j = judge(builtin, CC_VIEW_GUEST, "avx512_vnni");
	ck_assert_int_eq(j.offerable, 1);
	ck_assert_int_eq(j.consequence, CC_CONSEQ_INSTRUCTION);
	j = judge(builtin, CC_VIEW_GUEST, "vmx");
	ck_assert_int_eq(field(builtin, "vmx")->offer, CC_OFFER_MODULE);
	ck_assert_ptr_nonnull(strstr(j.hint, "nested=1"));
	ck_assert_ptr_nonnull(
		strstr(judge(builtin, CC_VIEW_GUEST, "rtm").hint, "tsx=off"));
	ck_assert_ptr_nonnull(
		strstr(judge(builtin, CC_VIEW_GUEST, "xcr0_zmm_hi256").hint,
		       "XSAVE state off"));
	ck_assert_int_eq(
		judge(builtin, CC_VIEW_GUEST, "xcr0_zmm_hi256").consequence,
		CC_CONSEQ_STATE);
	f = field(builtin, "guest_phys_addr_bits");
	ck_assert_int_eq(f->zero_means, 1);
	ck_assert_int_eq(f->zero_lo, 0);
	ck_assert_int_eq(f->zero_hi, 7);
	ck_assert_uint_eq(field(builtin, "pmu_version")->guest_max, 2);
}
END_TEST

START_TEST(test_builtin_registers)
{
	struct cc_judgement j;
	const struct cc_field *f = field(builtin, "xsave_component_size");

	/* 0x1 EDX bit 10 is reserved: outside KVM's mask */
	cc_guest_judge(builtin, CC_VIEW_GUEST, NULL, 1, 0, CC_EDX, 1u << 10,
		       &j);
	ck_assert_int_eq(j.unseen, CC_UNSEEN_MASK);
	/* leaf 5 (MONITOR/MWAIT) is zeroed; KVM's own leaves are the VMM's */
	cc_guest_judge(builtin, CC_VIEW_GUEST, NULL, 5, 0, CC_EDX, 1u << 4, &j);
	ck_assert_int_eq(j.unseen, CC_UNSEEN_NEVER);
	cc_guest_judge(builtin, CC_VIEW_GUEST, NULL, 0x40000010u, 0, CC_EAX, 1,
		       &j);
	ck_assert_int_eq(j.unseen, CC_UNSEEN_VMM);
	/* XSAVE components: AVX-512 state (5) is emitted, PT state (8) not */
	cc_guest_judge(builtin, CC_VIEW_GUEST, f, 0xd, 5, CC_EAX, UINT32_MAX,
		       &j);
	ck_assert_int_eq(j.unseen, CC_UNSEEN_NONE);
	cc_guest_judge(builtin, CC_VIEW_GUEST, f, 0xd, 8, CC_EAX, UINT32_MAX,
		       &j);
	ck_assert_int_eq(j.unseen, CC_UNSEEN_NEVER);
	ck_assert_str_eq(cc_unseen_name(CC_UNSEEN_MASK), "outside-kvm-mask");
	ck_assert_int_eq(cc_view_parse("guest"), CC_VIEW_GUEST);
	ck_assert_int_eq(cc_view_parse("raw"), CC_VIEW_RAW);
	ck_assert_int_eq(cc_view_parse("cooked"), -1);
}
END_TEST

/* Every field of the built-in table: a KVM field says how KVM decides it,
 * no other field does, and every offerable flag lies in KVM's mask. */
START_TEST(test_builtin_consistent)
{
	size_t i, kvm = 0, never = 0;

	for (i = 0; i < builtin->n; i++) {
		const struct cc_field *f = &builtin->fields[i];

		ck_assert_int_lt(f->consequence, CC_NCONSEQ);
		if (f->guest == CC_GUEST_KVM) {
			kvm++;
			ck_assert_msg(f->offer != CC_OFFER_NONE, "%s", f->name);
		} else {
			ck_assert_msg(f->offer == CC_OFFER_NONE, "%s", f->name);
		}
		never += f->guest == CC_GUEST_NEVER;
		if (f->guest == CC_GUEST_KVM && f->offer == CC_OFFER_HOST) {
			const struct cc_guest_reg *r =
				cc_defs_guest_reg(builtin, f->leaf, f->first,
						  f->reg);

			ck_assert_msg(r != NULL &&
					      (r->mask & cc_field_mask(f)) ==
						      cc_field_mask(f),
				      "%s outside KVM's mask", f->name);
		}
	}
	ck_assert_uint_ge(kvm, 250);
	ck_assert_uint_ge(never, 400);
}
END_TEST

/* ------------------------------------------------ the diff, guest view */

/* A small Intel dump: max leaf 0xd; leaf 1 ECX/EDX, leaf 6 EAX, leaf 7
 * EBX/EDX and leaf 0xd EAX as given. */
static struct cc_set *intel(uint32_t max, uint32_t ecx1, uint32_t eax6,
			    uint32_t ebx7, uint32_t edx7)
{
	struct cc_set *s = cc_set_new("t", CC_KIND_DUMP);

	cct_put(s, 0, 0, max, CCT_INTEL_B, CCT_INTEL_C, CCT_INTEL_D);
	cct_put(s, 1, 0, 0x50654, 0, ecx1, 0);
	cct_put(s, 6, 0, eax6, 0, 0, 0);
	cct_put(s, 7, 0, 0, ebx7, 0, edx7);
	if (max >= 0xd)
		cct_put(s, 0xd, 0, 0x7, 0x240, 0x240, 0);
	cct_finish(s);
	return s;
}

static struct cc_report *guest_diff(const struct cc_set *a,
				    const struct cc_set *b, int view)
{
	struct cc_diff_opts o;

	memset(&o, 0, sizeof o);
	o.view = view;
	return cc_diff(a, b, builtin, &o);
}

static const struct cc_finding *finding(const struct cc_report *r,
					const char *name)
{
	size_t i;

	for (i = 0; i < r->n; i++)
		if (r->findings[i].field &&
		    strcmp(r->findings[i].field->name, name) == 0)
			return &r->findings[i];
	ck_abort_msg("no finding %s", name);
	return NULL;
}

#define HWP (1u << 7)
#define ARAT (1u << 2)
#define AVX512F (1u << 16)
#define TSC_ADJUST (1u << 1)
#define MD_CLEAR (1u << 10)
#define X2APIC (1u << 21)
#define OSXSAVE (1u << 27)
#define ERMS (1u << 9)

START_TEST(test_diff_never_and_emulated)
{
	/* HWP (never), x2apic and tsc_adjust (emulated), osxsave
	 * (runtime): different in raw CPUID, invisible to a guest */
	struct cc_set *a =
		intel(0xd, X2APIC | OSXSAVE, HWP | ARAT, TSC_ADJUST, 0);
	struct cc_set *b = intel(0xd, 0, ARAT, 0, 0);
	struct cc_report *g = guest_diff(a, b, CC_VIEW_GUEST);
	struct cc_report *r = guest_diff(a, b, CC_VIEW_RAW);

	ck_assert_int_eq(g->verdict, CC_VERDICT_COMPATIBLE);
	ck_assert_uint_eq(g->count[CC_SEV_INCOMPATIBLE], 0);
	ck_assert_uint_eq(g->unseen, 4);
	ck_assert_int_eq(finding(g, "hwp")->unseen, CC_UNSEEN_NEVER);
	ck_assert_int_eq(finding(g, "x2apic")->unseen, CC_UNSEEN_EMULATED);
	ck_assert_int_eq(finding(g, "tsc_adjust")->unseen, CC_UNSEEN_EMULATED);
	ck_assert_int_eq(finding(g, "osxsave")->unseen, CC_UNSEEN_RUNTIME);
	ck_assert_str_eq(g->kvm_rules, "Linux 7.1");
	/* raw: the same differences block, as before */
	ck_assert_int_eq(r->verdict, CC_VERDICT_INCOMPATIBLE);
	ck_assert_uint_eq(r->unseen, 0);
	ck_assert_int_eq(finding(r, "hwp")->unseen, CC_UNSEEN_NONE);
	ck_assert_ptr_null(r->kvm_rules);
	cc_report_free(g);
	cc_report_free(r);
	cc_set_free(a);
	cc_set_free(b);
}
END_TEST

START_TEST(test_diff_offerable_blocks)
{
	/* avx512f (instruction) and md_clear (mitigation, microcode hint)
	 * block in both views; erms, a warning in raw CPUID, blocks a guest */
	struct cc_set *a = intel(0xd, 0, 0, AVX512F | ERMS, MD_CLEAR);
	struct cc_set *b = intel(0xd, 0, 0, 0, 0);
	struct cc_report *g = guest_diff(a, b, CC_VIEW_GUEST);
	struct cc_report *r = guest_diff(a, b, CC_VIEW_RAW);
	const struct cc_finding *f;

	ck_assert_int_eq(g->verdict, CC_VERDICT_INCOMPATIBLE);
	ck_assert_uint_eq(g->count[CC_SEV_INCOMPATIBLE], 3);
	f = finding(g, "md_clear");
	ck_assert_int_eq(f->consequence, CC_CONSEQ_MITIGATION);
	ck_assert_ptr_nonnull(strstr(f->hint, "microcode"));
	ck_assert_int_eq(finding(g, "erms")->severity, CC_SEV_INCOMPATIBLE);
	ck_assert_int_eq(finding(r, "erms")->severity, CC_SEV_WARNING);
	ck_assert_int_eq(finding(r, "avx512f")->severity, CC_SEV_INCOMPATIBLE);
	/* consequence order: instructions before mitigations */
	ck_assert_int_eq(g->findings[0].consequence, CC_CONSEQ_INSTRUCTION);
	ck_assert_int_eq(g->findings[2].consequence, CC_CONSEQ_MITIGATION);
	cc_report_free(g);
	cc_report_free(r);
	cc_set_free(a);
	cc_set_free(b);
}
END_TEST

START_TEST(test_diff_vmm_and_cut_leaves)
{
	/* the target's max leaf is lower (VMM-set: never blocks by itself);
	 * what it cuts off is judged: avx512f in leaf 7 is lost */
	struct cc_set *a = intel(0xd, 0, 0, AVX512F, 0);
	struct cc_set *b = intel(0x6, 0, 0, AVX512F, 0);
	struct cc_set *c = intel(0xa, 0, 0, 0, 0);
	struct cc_set *d = intel(0x7, 0, 0, 0, 0);
	struct cc_report *g = guest_diff(a, b, CC_VIEW_GUEST);
	struct cc_report *h = guest_diff(c, d, CC_VIEW_GUEST);

	ck_assert_int_eq(finding(g, "max_basic_leaf")->unseen, CC_UNSEEN_VMM);
	ck_assert_int_eq(finding(g, "avx512f")->unseen, CC_UNSEEN_NONE);
	ck_assert_int_eq(finding(g, "avx512f")->change, CC_CHANGE_MISSING);
	ck_assert_int_eq(g->verdict, CC_VERDICT_INCOMPATIBLE);
	/* nothing cut off that matters: the lower max leaf alone passes */
	ck_assert_int_eq(h->verdict, CC_VERDICT_COMPATIBLE);
	ck_assert_uint_eq(h->count[CC_SEV_INCOMPATIBLE], 0);
	cc_report_free(g);
	cc_report_free(h);
	cc_set_free(a);
	cc_set_free(b);
	cc_set_free(c);
	cc_set_free(d);
}
END_TEST

START_TEST(test_diff_unnamed_and_phys_bits)
{
	/* an unnamed bit outside KVM's mask (0x1 ECX bit 16) never blocks;
	 * guest address bits 0 on the target equal its 48 physical bits */
	struct cc_set *a = cc_set_new("a", CC_KIND_DUMP);
	struct cc_set *b = cc_set_new("b", CC_KIND_DUMP);
	struct cc_report *g, *r;

	cct_put(a, 0, 0, 1, CCT_AMD_B, CCT_AMD_C, CCT_AMD_D);
	cct_put(a, 1, 0, 0, 0, 1u << 16, 0);
	cct_put(a, 0x80000000u, 0, 0x80000008u, CCT_AMD_B, CCT_AMD_C,
		CCT_AMD_D);
	cct_put(a, 0x80000008u, 0, 0x303030, 0, 0, 0);
	cct_put(b, 0, 0, 1, CCT_AMD_B, CCT_AMD_C, CCT_AMD_D);
	cct_put(b, 1, 0, 0, 0, 0, 0);
	cct_put(b, 0x80000000u, 0, 0x80000008u, CCT_AMD_B, CCT_AMD_C,
		CCT_AMD_D);
	cct_put(b, 0x80000008u, 0, 0x003030, 0, 0, 0);
	cct_finish(a);
	cct_finish(b);
	g = guest_diff(a, b, CC_VIEW_GUEST);
	r = guest_diff(a, b, CC_VIEW_RAW);
	ck_assert_int_eq(g->verdict, CC_VERDICT_COMPATIBLE);
	ck_assert_uint_eq(g->unseen, 1);
	ck_assert_int_eq(r->verdict, CC_VERDICT_INCOMPATIBLE);
	ck_assert_int_eq(finding(r, "guest_phys_addr_bits")->severity,
			 CC_SEV_INCOMPATIBLE);
	cc_report_free(g);
	cc_report_free(r);
	cc_set_free(a);
	cc_set_free(b);
}
END_TEST

/* ------------------------------------------- every recorded CPU pair */

/* Independently of the judgement: can a KVM guest see field F? */
static int field_seen(const struct cc_field *f, uint32_t sub)
{
	size_t i;

	if (f->guest == CC_GUEST_PASSTHROUGH) {
		if (f->first == f->last)
			return 1;
		for (i = 0; i < builtin->nregs; i++) /* emitted subleaf? */
			if (builtin->regs[i].leaf == f->leaf &&
			    builtin->regs[i].reg == f->reg &&
			    sub >= builtin->regs[i].first &&
			    sub <= builtin->regs[i].last)
				return 1;
		return 0;
	}
	return f->guest == CC_GUEST_KVM &&
	       (f->offer == CC_OFFER_HOST || f->offer == CC_OFFER_SYNTHESIZED ||
		f->offer == CC_OFFER_MODULE);
}

/* ... and bit BIT of (LEAF, SUB, REG), which no field names? */
static int bit_seen(uint32_t leaf, uint32_t sub, int reg, int bit)
{
	size_t i;

	for (i = 0; i < builtin->nregs; i++) {
		const struct cc_guest_reg *g = &builtin->regs[i];

		if (leaf >= g->leaf && leaf <= g->leaf_last && g->reg == reg &&
		    sub >= g->first && sub <= g->last)
			return g->guest != CC_GUEST_VMM && (g->mask >> bit & 1);
	}
	return 0;
}

/* Is the flag F set on S at (its leaf, SUB) as a guest of S sees it? */
static int flag(const struct cc_set *s, const struct cc_field *f, uint32_t sub)
{
	uint32_t k;

	return cc_set_guest_reg(s, f->leaf, sub, f->reg, &k) >> f->lo & 1;
}

/* Every offerable flag the source has and the target lacks is a
 * blocking finding of R; their number. */
static size_t check_offerable(const struct cc_set *a, const struct cc_set *b,
			      const struct cc_report *r)
{
	size_t i, k, n = 0;

	for (i = 0; i < builtin->n; i++) {
		const struct cc_field *f = &builtin->fields[i];
		uint32_t sub = f->first;
		int found = 0;

		if (f->guest != CC_GUEST_KVM || f->lo != f->hi ||
		    f->rule != CC_RULE_SUBSET || f->first != f->last ||
		    !(f->vendors & (unsigned)a->vendor) ||
		    (f->offer != CC_OFFER_HOST &&
		     f->offer != CC_OFFER_SYNTHESIZED &&
		     f->offer != CC_OFFER_MODULE) ||
		    !flag(a, f, sub) || flag(b, f, sub))
			continue;
		n++;
		for (k = 0; k < r->n; k++) {
			const struct cc_finding *x = &r->findings[k];

			if (x->field == f && x->subleaf == sub &&
			    x->status == CC_STATUS_DIFFERENT && !x->unseen &&
			    x->severity == CC_SEV_INCOMPATIBLE && !x->waived)
				found = 1;
		}
		ck_assert_msg(found,
			      "%s -> %s: %s offered by KVM, lost, not "
			      "blocking",
			      a->name, b->name, f->name);
	}
	if (n)
		ck_assert_int_eq(r->verdict, CC_VERDICT_INCOMPATIBLE);
	return n;
}

START_TEST(test_recorded_pairs)
{
	struct cc_set **cpus;
	size_t n = cct_load_cpus(&cpus), i, j, k, pairs = 0, lost = 0;
	size_t unseen = 0, mismatches = 0, blocking;

	for (i = 0; i < n; i++) {
		for (j = 0; j < n; j++) {
			const struct cc_set *a = cpus[i], *b = cpus[j];
			struct cc_report *r = guest_diff(a, b, CC_VIEW_GUEST);

			if (a->vendor != b->vendor) {
				/* one finding first: the vendor */
				ck_assert_int_eq(r->verdict,
						 CC_VERDICT_INCOMPATIBLE);
				ck_assert_uint_gt(r->n, 0);
				ck_assert_uint_eq(r->findings[0].leaf, 0);
				ck_assert_int_ne(r->findings[0].reg, CC_EAX);
				ck_assert_int_eq(r->findings[0].folded, 0);
				mismatches++;
				cc_report_free(r);
				continue;
			}
			for (k = 0, blocking = 0; k < r->n; k++) {
				const struct cc_finding *f = &r->findings[k];
				int seen = f->field ? field_seen(f->field,
								 f->subleaf)
						    : bit_seen(f->leaf,
							       f->subleaf,
							       f->reg, f->lo);

				if (f->status != CC_STATUS_DIFFERENT)
					continue;
				unseen += !seen;
				/* what no guest sees is never counted */
				ck_assert_msg(
					seen == !f->unseen,
					"%s -> %s: %s at %#x.%u.%s[%u] "
					"judged %s",
					a->name, b->name,
					f->field ? f->field->name : "bit",
					f->leaf, f->subleaf,
					cc_reg_name((enum cc_reg)f->reg), f->lo,
					cc_unseen_name(
						(enum cc_unseen)f->unseen));
				blocking += seen && !f->waived &&
					    f->severity == CC_SEV_INCOMPATIBLE;
			}
			ck_assert_uint_eq(r->count[CC_SEV_INCOMPATIBLE],
					  blocking);
			lost += check_offerable(a, b, r);
			if (i == j)
				ck_assert_int_eq(r->verdict,
						 CC_VERDICT_IDENTICAL);
			pairs++;
			cc_report_free(r);
		}
	}
	ck_assert_uint_ge(n, 19);
	ck_assert_uint_eq(pairs + mismatches, n * n);
	ck_assert_uint_gt(lost, 500);
	ck_assert_uint_gt(unseen, 1000);
	cct_free_sets(cpus, n);
}
END_TEST

/* The fleet matrix in the guest view gives every cell the verdict check
 * gives in that view (and the raw matrix the raw verdict). */
START_TEST(test_matrix_agrees)
{
	struct cc_set **cpus;
	size_t n = cct_load_cpus(&cpus), i, j, ok = 0, base = n;
	int view;

	/* and copies carrying IA32_ARCH_CAPABILITIES: MSRs are judged only
	 * between two sets that both carry some, in the matrix as in check */
	cpus = realloc(cpus, (n + 3) * sizeof *cpus);
	ck_assert_ptr_nonnull(cpus);
	for (i = 0; i < 3; i++) {
		cpus[n + i] = cc_set_dup(cpus[i * (base / 3)]);
		cc_set_put_msr(cpus[n + i], 0x10a, i == 2 ? 0 : 0x2b);
	}
	n += 3;

	for (view = CC_VIEW_RAW; view <= CC_VIEW_GUEST; view++) {
		struct cc_matrix *m =
			cc_matrix_new_view((const struct cc_set *const *)cpus,
					   n, builtin, view);

		for (i = 0; i < n; i++)
			for (j = 0; j < n; j++) {
				struct cc_report *r =
					guest_diff(cpus[i], cpus[j], view);
				enum cc_cell c = cc_matrix_cell(m, i, j);

				ck_assert_msg((c == CC_CELL_OK) ==
						      (r->verdict !=
						       CC_VERDICT_INCOMPATIBLE),
					      "%s view: %s -> %s: matrix %d, "
					      "check %s",
					      cc_view_name((enum cc_view)view),
					      cpus[i]->name, cpus[j]->name, c,
					      cc_verdict_name(r->verdict));
				ok += view == CC_VIEW_GUEST && c == CC_CELL_OK;
				cc_report_free(r);
			}
		cc_matrix_free(m);
	}
	/* the guest view lets more pairs move than raw CPUID did */
	ck_assert_uint_gt(ok, n);
	cct_free_sets(cpus, n);
}
END_TEST

/* The issue's own example: Cascade Lake -> Skylake-SP. */
START_TEST(test_8268_to_6148)
{
	struct cc_set *a = cct_cpu("xeon-platinum-8268");
	struct cc_set *b = cct_cpu("xeon-gold-6148");
	struct cc_report *r = guest_diff(a, b, CC_VIEW_GUEST);
	const struct cc_finding *f = &r->findings[0];

	ck_assert_int_eq(r->verdict, CC_VERDICT_INCOMPATIBLE);
	ck_assert_int_eq(f->consequence, CC_CONSEQ_INSTRUCTION);
	ck_assert_str_eq(f->field->name, "avx512_vnni");
	ck_assert_ptr_nonnull(
		strstr(finding(r, "md_clear")->hint, "microcode"));
	ck_assert_int_eq(finding(r, "rdt_mon_max_rmid")->unseen,
			 CC_UNSEEN_NEVER);
	cc_report_free(r);
	r = guest_diff(b, a, CC_VIEW_GUEST);
	/* back: HWP alone blocked raw CPUID; no guest sees it */
	ck_assert_int_eq(r->verdict, CC_VERDICT_COMPATIBLE);
	cc_report_free(r);
	cc_set_free(a);
	cc_set_free(b);
}
END_TEST

int main(void)
{
	Suite *s = suite_create("guest");
	TCase *tc;

	builtin = cc_defs_builtin();
	tc = tcase_create("classes");
	tcase_add_test(tc, test_each_class);
	tcase_add_test(tc, test_unnamed_bits);
	tcase_add_test(tc, test_guest_values);
	tcase_add_test(tc, test_no_rules_is_raw);
	suite_add_tcase(s, tc);
	tc = tcase_create("loader");
	tcase_add_loop_test(tc, test_loader_rejects, 0,
			    (int)(sizeof bad / sizeof bad[0]));
	tcase_add_test(tc, test_two_rule_files);
	suite_add_tcase(s, tc);
	tc = tcase_create("builtin");
	tcase_add_test(tc, test_builtin_fields);
	tcase_add_test(tc, test_builtin_registers);
	tcase_add_test(tc, test_builtin_consistent);
	suite_add_tcase(s, tc);
	tc = tcase_create("diff");
	tcase_add_test(tc, test_diff_never_and_emulated);
	tcase_add_test(tc, test_diff_offerable_blocks);
	tcase_add_test(tc, test_diff_vmm_and_cut_leaves);
	tcase_add_test(tc, test_diff_unnamed_and_phys_bits);
	tcase_add_test(tc, test_8268_to_6148);
	tcase_set_timeout(tc, 120);
	tcase_add_test(tc, test_recorded_pairs);
	tcase_add_test(tc, test_matrix_agrees);
	suite_add_tcase(s, tc);
	return cct_run(s);
}
