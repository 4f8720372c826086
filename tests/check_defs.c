/*
 * Tests of the field database: the compiled-in table equals what the
 * loader reads from defs/ (so --defs DIR and the build agree); the loader
 * rejects every class of broken file with a message naming file and field;
 * and this machine's own CPUID has no unnamed set bit in the feature
 * leaves.
 *
 * `check_defs --reference DIR` (make check-reference, a maintainer check
 * outside make check) adds the coverage against other projects' feature
 * tables, which this repository does not hold: DIR has QEMU's, libvirt's,
 * Linux's and KVM's name tables as TSV (leaf, subleaf, register, bit,
 * name...); >= 98% of their positions must be defined and >= 95% carry one
 * of their spellings.
 */
#include "config.h"

#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#include "capture.h"
#include "check_common.h"
#include "defs.h"

static const struct cc_defs *builtin;
static const char *reference_dir; /* --reference DIR, else NULL */

START_TEST(test_builtin_equals_loaded)
{
	struct cc_err e;
	struct cc_defs *d = cc_defs_load_dir(TOP_SRCDIR "/defs", &e);
	size_t i;

	ck_assert_msg(d != NULL, "%s", e.msg);
	ck_assert_uint_eq(d->n, builtin->n);
	for (i = 0; i < d->n; i++) {
		ck_assert_str_eq(d->fields[i].name, builtin->fields[i].name);
		ck_assert_uint_eq(d->fields[i].leaf, builtin->fields[i].leaf);
		ck_assert_uint_eq(d->fields[i].lo, builtin->fields[i].lo);
		ck_assert_str_eq(d->fields[i].description,
				 builtin->fields[i].description);
	}
	ck_assert_uint_ge(builtin->n, 800);
	cc_defs_free(d);
}
END_TEST

START_TEST(test_lookup_and_query)
{
	size_t b, e, i;
	int found = 0;

	cc_defs_range(builtin, 7, 1 /* ebx */, &b, &e);
	ck_assert_uint_lt(b, e);
	for (i = b; i < e; i++) {
		const struct cc_field *f = &builtin->fields[i];

		ck_assert_uint_eq(f->leaf, 7);
		ck_assert_uint_eq(f->reg, 1);
		if (strcmp(f->name, "avx512f") == 0 && f->first == 0) {
			found = 1;
			ck_assert_uint_eq(f->lo, 16);
			ck_assert_int_eq(f->rule, CC_RULE_SUBSET);
			ck_assert(cc_field_matches(f, "AVX512F", 0));
			ck_assert(cc_field_matches(f, "simd", 0));
			ck_assert(cc_field_matches(f, "512", 1));
			ck_assert_str_eq(cc_field_spelling(f, "qemu"),
					 "avx512f");
		}
	}
	ck_assert_int_eq(found, 1);
}
END_TEST

/* ------------------------------------------------------- loader errors */

static const struct bad {
	const char *json;   /* the fields array body */
	const char *expect; /* substring of the message */
} bad_files[] = {
	{"[{\"leaf\": \"0x7\", \"subleaf\": 0, \"register\": \"ebx\", "
	 "\"bits\": [16, 32], \"name\": \"x\", \"description\": \"d\", "
	 "\"vendors\": [\"intel\"], \"category\": \"isa\", \"rule\": "
	 "\"subset\", \"policy\": \"inherit\"}]",
	 "fields[0] (x): bits: expected [lo, hi] with 0 <= lo <= hi <= 31"},
	{"[{\"leaf\": \"0x7\", \"subleaf\": 0, \"register\": \"ebx\", "
	 "\"bits\": [16, 16], \"name\": \"x\", \"vendors\": [\"intel\"], "
	 "\"category\": \"isa\", \"rule\": \"subset\", \"policy\": "
	 "\"inherit\"}]",
	 "fields[0] (x): description: expected one line of text"},
	{"[{\"leaf\": \"0x7\", \"subleaf\": 0, \"register\": \"ebx\", "
	 "\"bits\": [16, 16], \"name\": \"x\", \"description\": \"d\", "
	 "\"vendors\": [\"intel\"], \"category\": \"isa\", \"rule\": "
	 "\"subset\", \"policy\": \"inherit\", \"colour\": 1}]",
	 "fields[0] (x): unknown key \"colour\""},
	{"[{\"leaf\": \"0x7\", \"subleaf\": 0, \"register\": \"ebx\", "
	 "\"bits\": [16, 16], \"name\": \"x\", \"description\": \"d\", "
	 "\"vendors\": [\"intel\"], \"category\": \"isa\", \"rule\": "
	 "\"subset\", \"policy\": \"static:0\"}]",
	 "fields[0] (x): reason: required when policy is static:0"},
	{"[{\"leaf\": \"0x7\", \"subleaf\": 0, \"register\": \"ebx\", "
	 "\"bits\": [16, 17], \"name\": \"x\", \"description\": \"d\", "
	 "\"vendors\": [\"intel\"], \"category\": \"isa\", \"rule\": "
	 "\"subset\", \"policy\": \"inherit\"}, "
	 "{\"leaf\": \"0x7\", \"subleaf\": 0, \"register\": \"ebx\", "
	 "\"bits\": [17, 17], \"name\": \"y\", \"description\": \"d\", "
	 "\"vendors\": [\"intel\", \"amd\"], \"category\": \"isa\", \"rule\": "
	 "\"subset\", \"policy\": \"inherit\"}]",
	 "field y (CPUID.(0x7).ebx[17:17]) overlaps field x"},
	{"[{\"leaf\": \"0x7\", \"subleaf\": 0, \"register\": \"ebx\", "
	 "\"bits\": [16, 16], \"name\": \"x\", \"description\": \"d\", "
	 "\"vendors\": [\"intel\"], \"category\": \"isa\", \"rule\": "
	 "\"subset\", \"policy\": \"inherit\"}, "
	 "{\"leaf\": \"0x7\", \"subleaf\": 0, \"register\": \"ecx\", "
	 "\"bits\": [1, 1], \"name\": \"X\", \"description\": \"d\", "
	 "\"vendors\": [\"intel\"], \"category\": \"isa\", \"rule\": "
	 "\"subset\", \"policy\": \"inherit\"}]",
	 "field name X is used twice for the same vendor"},
	{"[{\"leaf\": \"0x7\", \"subleaf\": 0, \"register\": \"rax\", "
	 "\"bits\": [1, 1], \"name\": \"x\", \"description\": \"d\", "
	 "\"vendors\": [\"intel\"], \"category\": \"isa\", \"rule\": "
	 "\"subset\", \"policy\": \"inherit\"}]",
	 "fields[0] (x): register: expected"},
	{"[{\"leaf\": \"0x7\", \"subleaf\": 0, \"register\": \"ebx\", "
	 "\"bits\": [0, 1], \"name\": \"x\", \"description\": \"d\", "
	 "\"vendors\": [\"intel\"], \"category\": \"isa\", \"rule\": "
	 "\"subset\", \"policy\": \"static:4\", \"reason\": \"r\"}]",
	 "fields[0] (x): policy: static value 4 does not fit 2 bits"},
	{"[{\"leaf\": \"0x7\", \"subleaf\": 0, \"register\": \"ebx\", "
	 "\"bits\": [0, 1], \"name\": \"x\", \"description\": \"d\", "
	 "\"vendors\": [\"cyrix\"], \"category\": \"isa\", \"rule\": "
	 "\"subset\", \"policy\": \"inherit\"}]",
	 "fields[0] (x): vendors: unknown vendor"},
	{"[{\"leaf\": \"0x7\", \"subleaf\": 0, \"register\": \"ebx\", "
	 "\"bits\": [0, 1], \"name\": \"x\", \"description\": \"d\", "
	 "\"vendors\": [\"intel\"], \"category\": \"isa\", \"rule\": "
	 "\"maybe\", \"policy\": \"inherit\"}]",
	 "fields[0] (x): rule: expected subset, equal, ge, le or info"},
	{"[{\"leaf\": \"0x7\", \"subleaf\": 0, \"register\": \"ebx\"",
	 "invalid JSON"},
};

START_TEST(test_loader_rejects)
{
	const struct bad *b = &bad_files[_i];
	char path[] = "/tmp/cpucompat-defs-XXXXXX";
	int fd = mkstemp(path);
	FILE *f;
	struct cc_err e;
	const char *paths[1];
	struct cc_defs *d;

	ck_assert_int_ge(fd, 0);
	f = fdopen(fd, "w");
	fprintf(f, "{\"title\": \"t\", \"fields\": %s}\n", b->json);
	fclose(f);
	paths[0] = path;
	d = cc_defs_load_files(paths, 1, &e);
	unlink(path);
	ck_assert_ptr_null(d);
	ck_assert_msg(strstr(e.msg, b->expect) != NULL, "got: %s", e.msg);
	ck_assert_msg(strncmp(e.msg, path, strlen(path)) == 0,
		      "message does not start with the file: %s", e.msg);
}
END_TEST

/* ---------------------------------------------------- reference cover */

struct cover {
	size_t positions, defined, spelled;
};

static int position_defined(uint32_t leaf, uint32_t sub, int reg, unsigned bit,
			    const char *const *spell, size_t nspell,
			    int *spelled)
{
	size_t b, e, i, k, a;
	int defined = 0;

	*spelled = 0;
	cc_defs_range(builtin, leaf, reg, &b, &e);
	for (i = b; i < e; i++) {
		const struct cc_field *f = &builtin->fields[i];

		if (!cc_field_applies(f, sub, 0) || bit < f->lo || bit > f->hi)
			continue;
		defined = 1;
		for (k = 0; k < nspell; k++) {
			const char *s = spell[k];

			if (s == NULL || !*s)
				continue;
			if (strcasecmp(f->name, s) == 0 ||
			    (f->qemu && strcasecmp(f->qemu, s) == 0) ||
			    (f->libvirt && strcasecmp(f->libvirt, s) == 0) ||
			    (f->kernel && strcasecmp(f->kernel, s) == 0))
				*spelled = 1;
			for (a = 0; f->aliases[a]; a++)
				if (strcasecmp(f->aliases[a], s) == 0)
					*spelled = 1;
		}
	}
	return defined;
}

/* Read one TSV; KVM's has no subleaf column. */
static void cover_tsv(const char *file, int has_subleaf, struct cover *c)
{
	char path[4096], line[512];
	FILE *f;

	snprintf(path, sizeof path, "%s/%s", reference_dir, file);
	f = fopen(path, "r");
	ck_assert_msg(f != NULL, "cannot open %s", path);
	ck_assert_ptr_nonnull(fgets(line, sizeof line, f)); /* header */
	while (fgets(line, sizeof line, f)) {
		char *col[8], *save = NULL, *t;
		int n = 0, reg, spelled;
		uint32_t leaf, sub = 0;
		unsigned bit;
		const char *spell[3] = {NULL, NULL, NULL};

		line[strcspn(line, "\r\n")] = '\0';
		for (t = strtok_r(line, "\t", &save); t && n < 8;
		     t = strtok_r(NULL, "\t", &save))
			col[n++] = t;
		ck_assert_int_ge(n, has_subleaf ? 5 : 4);
		leaf = (uint32_t)strtoul(col[0], NULL, 16);
		if (has_subleaf)
			sub = (uint32_t)strtoul(col[1], NULL, 0);
		reg = cc_reg_parse(col[has_subleaf ? 2 : 1]);
		bit = (unsigned)strtoul(col[has_subleaf ? 3 : 2], NULL, 10);
		spell[0] = col[has_subleaf ? 4 : 3];
		if (n > 5 && strcmp(col[5], "(hidden)") != 0)
			spell[1] = col[5];
		c->positions++;
		if (position_defined(leaf, sub, reg, bit, spell, 3, &spelled)) {
			c->defined++;
			c->spelled += spelled != 0;
		} else {
			printf("%s: %#x.%u.%s[%u] %s is not defined\n", file,
			       leaf, sub, cc_reg_name((enum cc_reg)reg), bit,
			       spell[0]);
		}
		if (!spelled)
			printf("%s: %#x.%u.%s[%u] spelled %s elsewhere only\n",
			       file, leaf, sub, cc_reg_name((enum cc_reg)reg),
			       bit, spell[0]);
	}
	fclose(f);
}

START_TEST(test_reference_coverage)
{
	struct cover c = {0, 0, 0};

	cover_tsv("qemu-feature-names.tsv", 1, &c);
	cover_tsv("libvirt-feature-names.tsv", 1, &c);
	cover_tsv("linux-cpufeatures.tsv", 1, &c);
	cover_tsv("kvm-features.tsv", 0, &c);
	printf("reference positions: %zu, defined %zu (%.1f%%), spelled as "
	       "the reference does %zu (%.1f%%)\n",
	       c.positions, c.defined,
	       100.0 * (double)c.defined / (double)c.positions, c.spelled,
	       100.0 * (double)c.spelled / (double)c.positions);
	ck_assert_uint_ge(c.positions, 700);
	ck_assert_uint_ge(c.defined * 100, c.positions * 98);
	ck_assert_uint_ge(c.spelled * 100, c.positions * 95);
}
END_TEST

START_TEST(test_host_feature_bits_named)
{
	struct cc_err e;
	struct cc_set *s = capture_host(&e);
	static const uint32_t keys[][2] = {
		{1, 0}, {7, 0}, {7, 1}, {0x80000001u, 0}, {0x80000008u, 0},
	};
	size_t k;

	ck_assert_msg(s != NULL, "%s", e.msg);
	for (k = 0; k < sizeof keys / sizeof keys[0]; k++) {
		const struct cc_leaf *l = cc_set_get(s, keys[k][0], keys[k][1]);
		int reg;

		if (l == NULL)
			continue;
		for (reg = 0; reg < 4; reg++) {
			uint32_t covered = 0;
			size_t b, end, i;

			cc_defs_range(builtin, l->leaf, reg, &b, &end);
			for (i = b; i < end; i++)
				if (cc_field_applies(&builtin->fields[i],
						     l->first,
						     (unsigned)s->vendor))
					covered |= cc_field_mask(
						&builtin->fields[i]);
			ck_assert_msg((l->reg[reg] & ~covered) == 0,
				      "this host sets unnamed bits %#x in "
				      "CPUID.(%#x,%u).%s",
				      l->reg[reg] & ~covered, l->leaf, l->first,
				      cc_reg_name((enum cc_reg)reg));
		}
	}
	cc_set_free(s);
}
END_TEST

int main(int argc, char **argv)
{
	Suite *s = suite_create("defs");
	TCase *tc;

	if (argc == 3 && strcmp(argv[1], "--reference") == 0) {
		reference_dir = argv[2];
	} else if (argc != 1) {
		fprintf(stderr, "usage: %s [--reference DIR]\n", argv[0]);
		return EXIT_FAILURE;
	}
	builtin = cc_defs_builtin();
	tc = tcase_create("table");
	tcase_add_test(tc, test_builtin_equals_loaded);
	tcase_add_test(tc, test_lookup_and_query);
	tcase_add_test(tc, test_host_feature_bits_named);
	suite_add_tcase(s, tc);
	tc = tcase_create("loader");
	tcase_add_loop_test(tc, test_loader_rejects, 0,
			    (int)(sizeof bad_files / sizeof bad_files[0]));
	suite_add_tcase(s, tc);
	if (reference_dir != NULL) {
		tc = tcase_create("reference");
		tcase_add_test(tc, test_reference_coverage);
		suite_add_tcase(s, tc);
	}
	return cct_run(s);
}
