/*
 * Golden tests of the report renderers (report.c): for pairs of recorded
 * CPUs (tests/data/cpus) and a bundled profile, render the text, JSON and
 * JUnit reports of check and diff, as the command line would with the
 * options named in each case, and compare them byte for byte with the
 * files under tests/expected/.  A mismatch prints a unified diff (diff -u
 * expected actual) and fails the case.
 *
 * The sets are loaded by their paths relative to the source tree (the test
 * runs from there), so each report names its inputs as a user who typed
 * those paths would see them.
 *
 * It also pins the one JSON string writer (cc_json_put_string) that every
 * JSON output escapes with.
 *
 * When the output is meant to change, `make update-expected` runs this
 * binary with CPUCOMPAT_UPDATE_EXPECTED=DIR, which writes every case's
 * output to DIR instead of comparing; review the change with git diff.
 */
#include "config.h"

#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cc_json.h"
#include "check_common.h"
#include "diff.h"
#include "guest.h"
#include "report.h"
#include "source.h"

#define CPUS "tests/data/cpus/"
#define EXPECTED "tests/expected/"

static const struct cc_defs *defs;

/* One rendering: what `cpucompat COMMAND [options] SOURCE TARGET` prints. */
struct golden {
	const char *file;    /* under tests/expected/ */
	const char *command; /* "check" or "diff" */
	const char *src, *dst;
	const char *format; /* "text", "json", "junit", "markdown", "github" */
	int all;            /* --all */
	const char *names;  /* --names */
	const char *ignore; /* --ignore, comma-separated, or NULL */
	int color;          /* --color always */
	int kvm_explain;    /* explain findings with SRC as this CPU's raw
			     * CPUID, as `check host kvm` does */
	int guest;          /* --view guest (the command's default); 0 is
			     * --view raw, the judgement of raw CPUID */
};

#define P8268 CPUS "xeon-platinum-8268.json"
#define G6148 CPUS "xeon-gold-6148.json"
#define ICX CPUS "ice-lake-server.json"
#define E7713 CPUS "epyc-7713.json"
#define E7502 CPUS "epyc-7502.json"
#define S4214R CPUS "xeon-silver-4214r.json"
#define CLX "profiles/cascadelake.json"
#define HWP "hwp,hwp_act_window,hwp_pkg_req"
#define SKX "profiles/skylake-sp.json"

static const struct golden cases[] = {
	/* Cascade Lake -> Skylake-SP: AVX-512 VNNI and mitigations lost */
	{"check-8268-6148.txt", "check", P8268, G6148, "text", 0, "linux", NULL,
	 0, 0, 0},
	{"check-8268-6148.json", "check", P8268, G6148, "json", 0, "linux",
	 NULL, 0, 0, 0},
	{"check-8268-6148.xml", "check", P8268, G6148, "junit", 0, "linux",
	 NULL, 0, 0, 0},
	{"check-8268-6148-all.txt", "check", P8268, G6148, "text", 1, "linux",
	 NULL, 0, 0, 0},
	{"check-8268-6148-qemu.txt", "check", P8268, G6148, "text", 0, "qemu",
	 NULL, 0, 0, 0},
	{"check-8268-6148-color.txt", "check", P8268, G6148, "text", 0, "linux",
	 NULL, 1, 0, 0},
	{"check-8268-6148-kvm.txt", "check", P8268, G6148, "text", 0, "linux",
	 NULL, 0, 1, 0},
	{"check-8268-6148-kvm.json", "check", P8268, G6148, "json", 0, "linux",
	 NULL, 0, 1, 0},
	/* and back: only HWP blocks; waived, the gate passes */
	{"check-6148-8268.txt", "check", G6148, P8268, "text", 0, "linux", NULL,
	 0, 0, 0},
	{"check-6148-8268.json", "check", G6148, P8268, "json", 0, "linux",
	 NULL, 0, 0, 0},
	{"check-6148-8268.xml", "check", G6148, P8268, "junit", 0, "linux",
	 NULL, 0, 0, 0},
	{"check-6148-8268-ignore.txt", "check", G6148, P8268, "text", 0,
	 "linux", HWP, 0, 0, 0},
	{"check-6148-8268-ignore.json", "check", G6148, P8268, "json", 0,
	 "linux", HWP, 0, 0, 0},
	{"check-6148-8268-ignore.xml", "check", G6148, P8268, "junit", 0,
	 "linux", HWP, 0, 0, 0},
	/* Ice Lake-SP -> Cascade Lake */
	{"check-icx-8268.txt", "check", ICX, P8268, "text", 0, "linux", NULL, 0,
	 0, 0},
	{"check-icx-8268.json", "check", ICX, P8268, "json", 0, "linux", NULL,
	 0, 0, 0},
	{"check-icx-8268.xml", "check", ICX, P8268, "junit", 0, "linux", NULL,
	 0, 0, 0},
	{"check-icx-8268-qemu.txt", "check", ICX, P8268, "text", 0, "qemu",
	 NULL, 0, 0, 0},
	/* AMD: Milan -> Rome */
	{"check-7713-7502.txt", "check", E7713, E7502, "text", 0, "linux", NULL,
	 0, 0, 0},
	{"check-7713-7502.json", "check", E7713, E7502, "json", 0, "linux",
	 NULL, 0, 0, 0},
	{"check-7713-7502.xml", "check", E7713, E7502, "junit", 0, "linux",
	 NULL, 0, 0, 0},
	{"check-7713-7502-all.txt", "check", E7713, E7502, "text", 1, "linux",
	 NULL, 0, 0, 0},
	{"check-7713-7502-qemu.txt", "check", E7713, E7502, "text", 0, "qemu",
	 NULL, 0, 0, 0},
	{"check-7713-7502-qemu.xml", "check", E7713, E7502, "junit", 0, "qemu",
	 NULL, 0, 0, 0},
	/* vendor mismatch */
	{"check-6148-7502.txt", "check", G6148, E7502, "text", 0, "linux", NULL,
	 0, 0, 0},
	{"check-6148-7502.json", "check", G6148, E7502, "json", 0, "linux",
	 NULL, 0, 0, 0},
	{"check-6148-7502.xml", "check", G6148, E7502, "junit", 0, "linux",
	 NULL, 0, 0, 0},
	/* a profile against a recorded CPU: bits left to the host */
	{"check-clx-8268.txt", "check", CLX, P8268, "text", 0, "linux", NULL, 0,
	 0, 0},
	{"check-clx-8268.json", "check", CLX, P8268, "json", 0, "linux", NULL,
	 0, 0, 0},
	{"check-clx-8268.xml", "check", CLX, P8268, "junit", 0, "linux", NULL,
	 0, 0, 0},
	{"check-clx-8268-all.txt", "check", CLX, P8268, "text", 1, "linux",
	 NULL, 0, 0, 0},
	{"check-clx-6148.txt", "check", CLX, G6148, "text", 0, "libvirt", NULL,
	 0, 0, 0},
	/* diff: both directions */
	{"diff-8268-6148.txt", "diff", P8268, G6148, "text", 0, "linux", NULL,
	 0, 0, 0},
	{"diff-8268-6148.json", "diff", P8268, G6148, "json", 0, "linux", NULL,
	 0, 0, 0},
	{"diff-8268-6148.xml", "diff", P8268, G6148, "junit", 0, "linux", NULL,
	 0, 0, 0},
	{"diff-8268-6148-all.txt", "diff", P8268, G6148, "text", 1, "linux",
	 NULL, 0, 0, 0},
	{"diff-8268-6148-all.json", "diff", P8268, G6148, "json", 1, "linux",
	 NULL, 0, 0, 0},
	{"diff-clx-4214r.txt", "diff", CLX, S4214R, "text", 0, "linux", NULL, 0,
	 0, 0},
	{"diff-clx-4214r.json", "diff", CLX, S4214R, "json", 0, "linux", NULL,
	 0, 0, 0},
	{"diff-clx-4214r.xml", "diff", CLX, S4214R, "junit", 0, "linux", NULL,
	 0, 0, 0},
	/* the guest view: blocking findings by consequence with hints,
	 * what no KVM guest sees collapsed, a vendor mismatch folded */
	{"check-8268-6148-guest.txt", "check", P8268, G6148, "text", 0, "linux",
	 NULL, 0, 0, 1},
	{"check-8268-6148-guest.json", "check", P8268, G6148, "json", 0,
	 "linux", NULL, 0, 0, 1},
	{"check-8268-6148-guest.xml", "check", P8268, G6148, "junit", 0,
	 "linux", NULL, 0, 0, 1},
	{"check-8268-6148-guest-all.txt", "check", P8268, G6148, "text", 1,
	 "linux", NULL, 0, 0, 1},
	{"check-8268-6148-guest-kvm.txt", "check", P8268, G6148, "text", 0,
	 "linux", NULL, 0, 1, 1},
	{"check-6148-8268-guest.txt", "check", G6148, P8268, "text", 0, "linux",
	 NULL, 0, 0, 1},
	{"check-7713-7502-guest.txt", "check", E7713, E7502, "text", 0, "linux",
	 NULL, 0, 0, 1},
	{"check-6148-7502-guest.txt", "check", G6148, E7502, "text", 0, "linux",
	 NULL, 0, 0, 1},
	{"check-6148-7502-guest.json", "check", G6148, E7502, "json", 0,
	 "linux", NULL, 0, 0, 1},
	{"diff-8268-6148-guest.txt", "diff", P8268, G6148, "text", 0, "linux",
	 NULL, 0, 0, 1},
	/* two profiles: Cascade Lake now requires what Skylake-SP left to
	 * the host (a change of stance), ssbd waived, the rdt waiver
	 * accepts nothing; every output format */
	{"diff-skx-clx.txt", "diff", SKX, CLX, "text", 0, "linux", "ssbd,rdt",
	 0, 0, 1},
	{"diff-skx-clx.json", "diff", SKX, CLX, "json", 0, "linux", "ssbd,rdt",
	 0, 0, 1},
	{"diff-skx-clx.xml", "diff", SKX, CLX, "junit", 0, "linux", "ssbd,rdt",
	 0, 0, 1},
	{"diff-skx-clx.md", "diff", SKX, CLX, "markdown", 0, "linux",
	 "ssbd,rdt", 0, 0, 1},
	{"diff-skx-clx.gh", "diff", SKX, CLX, "github", 0, "linux", "ssbd,rdt",
	 0, 0, 1},
	/* a CPU against itself */
	{"diff-8268-8268.txt", "diff", P8268, P8268, "text", 0, "linux", NULL,
	 0, 0, 0},
	{"diff-8268-8268.json", "diff", P8268, P8268, "json", 0, "linux", NULL,
	 0, 0, 0},
	{"diff-8268-8268.xml", "diff", P8268, P8268, "junit", 0, "linux", NULL,
	 0, 0, 0},
};
#define NCASES ((int)(sizeof cases / sizeof cases[0]))

static struct cc_set *load(const char *path)
{
	struct cc_err e;
	struct cc_set *s = source_load(path, NULL, &e);

	if (s == NULL)
		ck_abort_msg("%s", e.msg);
	return s;
}

/* Waivers for the comma-separated NAMES into W (at most N), as --ignore
 * records them; their count.  Names point into COPY. */
static size_t waivers(char *copy, struct cc_waiver *w, size_t n)
{
	char *tok, *save = NULL;
	size_t k = 0;

	for (tok = strtok_r(copy, ",", &save); tok && k < n;
	     tok = strtok_r(NULL, ",", &save)) {
		w[k].name = tok;
		w[k].reason = "--ignore";
		w[k].where = "--ignore";
		k++;
	}
	return k;
}

/* Render case G into OUT as `cpucompat` would. */
static void render(const struct golden *g, struct cc_buf *out)
{
	struct cc_set *a = load(g->src), *b = load(g->dst);
	struct cc_diff_opts dopts;
	struct report_opts ro;
	struct cc_waiver w[8];
	char copy[128];
	struct cc_report *r;
	struct cc_buf text;
	struct cc_err e;

	cc_buf_init(&text);
	memset(&dopts, 0, sizeof dopts);
	dopts.symmetric = strcmp(g->command, "diff") == 0;
	dopts.with_matches = g->all || strcmp(g->format, "junit") == 0;
	dopts.view = g->guest ? CC_VIEW_GUEST : CC_VIEW_RAW;
	if (g->ignore != NULL) {
		snprintf(copy, sizeof copy, "%s", g->ignore);
		dopts.waivers = w;
		dopts.nwaivers = waivers(copy, w, 8);
	}
	r = cc_diff(a, b, defs, &dopts);
	if (g->kvm_explain)
		cc_report_explain_kvm(r, a);
	memset(&ro, 0, sizeof ro);
	ro.command = g->command;
	ro.names = g->names;
	ro.all = g->all;
	ro.color = g->color;
	if (strcmp(g->format, "github") == 0) {
		/* annotations point at the target file's lines */
		if (cc_buf_load(&text, g->dst, &e) < 0)
			ck_abort_msg("%s", e.msg);
		ro.file = g->dst;
		ro.file_text = text.data;
		report_github(out, r, &ro);
	} else if (strcmp(g->format, "markdown") == 0)
		report_markdown(out, r, &ro);
	else if (strcmp(g->format, "json") == 0)
		report_json(out, r, &ro);
	else if (strcmp(g->format, "junit") == 0)
		report_junit(out, r, &ro);
	else
		report_text(out, r, &ro);
	cc_buf_free(&text);
	cc_report_free(r);
	cc_set_free(a);
	cc_set_free(b);
}

/* 1-based number of the first line where A and B differ. */
static size_t first_diff_line(const char *a, const char *b)
{
	size_t line = 1;

	for (; *a && *a == *b; a++, b++)
		if (*a == '\n')
			line++;
	return line;
}

/* Write ACTUAL to a temporary file and print `diff -u EXPECTED it`. */
static void show_diff(const char *expected, const struct cc_buf *actual)
{
	char tmp[] = "/tmp/check_report.XXXXXX";
	int fd = mkstemp(tmp);
	char cmd[1100];
	FILE *f;

	if (fd < 0)
		return;
	f = fdopen(fd, "w");
	if (f == NULL) {
		close(fd);
		unlink(tmp);
		return;
	}
	fwrite(actual->data, 1, actual->len, f);
	fclose(f);
	snprintf(cmd, sizeof cmd, "diff -u '%s' '%s'", expected, tmp);
	fflush(stdout);
	if (system(cmd) == -1)
		printf("(could not run diff)\n");
	fflush(stdout);
	unlink(tmp);
}

START_TEST(test_golden)
{
	const struct golden *g = &cases[_i];
	const char *update = getenv("CPUCOMPAT_UPDATE_EXPECTED");
	char path[512];
	struct cc_buf out, want;
	struct cc_err e;

	cc_buf_init(&out);
	cc_buf_init(&want);
	render(g, &out);
	ck_assert_uint_gt(out.len, 0);
	if (update != NULL && *update) {
		snprintf(path, sizeof path, "%s/%s", update, g->file);
		if (cc_buf_save(&out, path, &e) < 0)
			ck_abort_msg("%s", e.msg);
		printf("wrote %s\n", path);
	} else {
		snprintf(path, sizeof path, EXPECTED "%s", g->file);
		if (cc_buf_load(&want, path, &e) < 0)
			ck_abort_msg("%s (make update-expected writes it)",
				     e.msg);
		if (want.len != out.len ||
		    memcmp(want.data, out.data, out.len) != 0) {
			printf("%s differs from the rendered report:\n", path);
			show_diff(path, &out);
			ck_abort_msg(
				"%s: output differs from line %zu "
				"(diff above; make update-expected if "
				"meant)",
				g->file,
				first_diff_line(want.data ? want.data : "",
						out.data));
		}
	}
	cc_buf_free(&out);
	cc_buf_free(&want);
}
END_TEST

/* The fixtures really say what the cases are about, so an expected file
 * regenerated from a wrong fixture cannot pass unnoticed. */
START_TEST(test_case_facts)
{
	struct cc_set *a = load(P8268), *b = load(G6148), *c = load(E7502);
	struct cc_report *r = cc_diff(a, b, defs, NULL);

	ck_assert_int_eq(r->verdict, CC_VERDICT_INCOMPATIBLE);
	ck_assert_uint_eq(r->count[CC_SEV_INCOMPATIBLE], 9);
	cc_report_free(r);
	r = cc_diff(b, c, defs, NULL);
	ck_assert_int_eq(r->vendor_mismatch, 1);
	cc_report_free(r);
	cc_set_free(a);
	cc_set_free(b);
	cc_set_free(c);
}
END_TEST

/* The one JSON string writer every JSON output uses (RFC 8259). */
static const struct {
	const char *in, *out;
} json_strings[] = {
	{"plain", "\"plain\""},
	{"q\"b\\s/", "\"q\\\"b\\\\s/\""},
	{"t\tn\nr\rb\bf\f", "\"t\\tn\\nr\\rb\\bf\\f\""},
	{"\x01\x1f\x7f", "\"\\u0001\\u001f\x7f\""},
	{"caf\xc3\xa9 \xe2\x82\xac \xf0\x9f\x98\x80",
	 "\"caf\xc3\xa9 \xe2\x82\xac \xf0\x9f\x98\x80\""},
	/* not UTF-8: stray continuation, truncated, overlong, surrogate,
	 * over U+10FFFF, a byte never used */
	{"a\x80"
	 "b",
	 "\"a\xef\xbf\xbd"
	 "b\""},
	{"\xc3", "\"\xef\xbf\xbd\""},
	{"\xc0\xaf", "\"\xef\xbf\xbd\xef\xbf\xbd\""},
	{"\xed\xa0\x80", "\"\xef\xbf\xbd\xef\xbf\xbd\xef\xbf\xbd\""},
	{"\xf4\x90\x80\x80",
	 "\"\xef\xbf\xbd\xef\xbf\xbd\xef\xbf\xbd\xef\xbf\xbd\""},
	{"\xff", "\"\xef\xbf\xbd\""},
	{NULL, "null"},
};

START_TEST(test_json_string)
{
	struct cc_buf b;

	cc_buf_init(&b);
	cc_json_put_string(&b, json_strings[_i].in);
	ck_assert_str_eq(b.data, json_strings[_i].out);
	cc_buf_free(&b);
}
END_TEST

/* The text report's "Info (...) (N):" heading counts what its list names:
 * every name once, with "(xK)" when it stands for K findings, so the
 * counts a person adds up agree (issue 17), on every ordered pair of the
 * recorded CPUs, in both views. */
static size_t listed(const char *line)
{
	size_t n = 0;
	const char *p = line;

	while (*p == ' ')
		p++;
	while (*p) {
		const char *end = strstr(p, ", ");
		const char *x = strstr(p, " (x");
		size_t len = end ? (size_t)(end - p) : strlen(p);

		n += (x != NULL && x < p + len) ? strtoul(x + 3, NULL, 10) : 1;
		if (end == NULL)
			break;
		p = end + 2;
	}
	return n;
}

static void check_info_counts(const char *text, const char *what)
{
	const char *h = strstr(text, "\nInfo ");
	const char *nl, *p;
	size_t want, got = 0;

	if (h == NULL)
		return;
	nl = strchr(h + 1, '\n');
	ck_assert_ptr_nonnull(nl);
	p = nl - 2;
	while (p > h && *p != '(')
		p--;
	want = strtoul(p + 1, NULL, 10);
	for (p = nl + 1; strncmp(p, "    ", 4) == 0;) {
		char line[512];
		const char *e = strchr(p, '\n');
		size_t len = e ? (size_t)(e - p) : strlen(p);

		ck_assert_uint_lt(len, sizeof line);
		memcpy(line, p, len);
		line[len] = 0;
		if (len && line[len - 1] == ',')
			line[len - 1] = 0;
		got += listed(line);
		if (e == NULL)
			break;
		p = e + 1;
	}
	ck_assert_msg(got == want,
		      "%s: Info heading counts %zu, list names %zu", what, want,
		      got);
}

START_TEST(test_info_counts)
{
	struct cc_set **cpus;
	size_t n = cct_load_cpus(&cpus), i, j;
	struct report_opts ro = {"check", "linux", 0, 0, 0, NULL, NULL};

	for (i = 0; i < n; i++)
		for (j = 0; j < n; j++) {
			struct cc_diff_opts o = {0};
			struct cc_report *r;
			struct cc_buf b;
			char what[160];

			o.view = _i ? CC_VIEW_GUEST : CC_VIEW_RAW;
			r = cc_diff(cpus[i], cpus[j], defs, &o);
			cc_buf_init(&b);
			report_text(&b, r, &ro);
			snprintf(what, sizeof what, "%s -> %s (%s view)",
				 cpus[i]->name, cpus[j]->name,
				 _i ? "guest" : "raw");
			check_info_counts(b.data, what);
			cc_buf_free(&b);
			cc_report_free(r);
		}
	cct_free_sets(cpus, n);
}
END_TEST

int main(void)
{
	Suite *s = suite_create("report");
	TCase *tc;

	/* paths in the reports are relative to the source tree */
	if (chdir(TOP_SRCDIR) != 0) {
		perror(TOP_SRCDIR);
		return EXIT_FAILURE;
	}
	defs = cc_defs_builtin();
	tc = tcase_create("golden");
	tcase_add_loop_test(tc, test_golden, 0, NCASES);
	tcase_add_test(tc, test_case_facts);
	tcase_add_loop_test(tc, test_info_counts, 0, 2);
	suite_add_tcase(s, tc);
	tc = tcase_create("json_string");
	tcase_add_loop_test(tc, test_json_string, 0,
			    (int)(sizeof json_strings /
				  sizeof json_strings[0]));
	suite_add_tcase(s, tc);
	return cct_run(s);
}
