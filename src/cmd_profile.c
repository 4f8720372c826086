/*
 * The profile commands: `generate` (a profile from one CPUID set, checked
 * against its own source before it is written), `apply` (what a guest
 * sees with a profile on a host, refused when the host cannot run it),
 * `baseline` (the richest profile a fleet can run, with what each source
 * gives up for it) and `matrix` (which guest can move to which host, for a
 * whole fleet).  The work is in profile.c; this file parses options,
 * renders, writes atomically and picks the exit status.
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "capture.h"
#include "cc_buf.h"
#include "cmd.h"
#include "diff.h"
#include "fmt.h"
#include "profile.h"
#include "report.h"

enum { OPT_DEFS = 0x400, OPT_REPORT };

#define FC_WIDEST 64 /* subleaf ranges a Firecracker template can expand */

/* ------------------------------------------------------------- helpers */

/* "2026-11-25T13:13:33Z", from $SOURCE_DATE_EPOCH when set. */
static void timestamp(char *out, size_t n)
{
	const char *sde = getenv("SOURCE_DATE_EPOCH");
	time_t now = time(NULL);
	struct tm tm;

	if (sde != NULL && *sde) {
		char *end;
		long long v = strtoll(sde, &end, 10);

		if (*end == '\0' && v >= 0)
			now = (time_t)v;
	}
	gmtime_r(&now, &tm);
	strftime(out, n, "%Y-%m-%dT%H:%M:%SZ", &tm);
}

/* Name of a finding or blocker position for people. */
static void position(uint32_t leaf, uint32_t sub, uint8_t reg, uint8_t lo,
		     uint8_t hi, char *out, size_t n)
{
	struct cc_finding f;

	memset(&f, 0, sizeof f);
	f.leaf = leaf;
	f.subleaf = sub;
	f.reg = reg;
	f.lo = lo;
	f.hi = hi;
	cc_finding_position(&f, out, n);
}

static const char *finding_name(const struct cc_finding *f, char *buf,
				size_t n)
{
	if (f->field != NULL)
		return f->field->name;
	position(f->leaf, f->subleaf, f->reg, f->lo, f->hi, buf, n);
	return buf;
}

/* "avx512f, pku, ..." of a check report's blocking findings into B, or
 * the vendor mismatch. */
static void blocking_names(struct cc_buf *b, const struct cc_report *r)
{
	size_t i, k, count = 0;
	char pos[64];

	if (r->vendor_mismatch) {
		cc_buf_printf(b, "vendor mismatch (%s on %s, %s wanted)",
			      r->dst->vendor_id, r->dst->name,
			      r->src->vendor_id);
		return;
	}
	for (i = 0; i < r->n; i++) {
		const struct cc_finding *f = &r->findings[i];
		const char *name;

		if (f->status != CC_STATUS_DIFFERENT || f->waived ||
		    f->severity != CC_SEV_INCOMPATIBLE)
			continue;
		name = finding_name(f, pos, sizeof pos);
		for (k = 0; k < i; k++) {
			const struct cc_finding *g = &r->findings[k];
			char gpos[64];

			if (g->status == CC_STATUS_DIFFERENT && !g->waived &&
			    g->severity == CC_SEV_INCOMPATIBLE &&
			    strcmp(finding_name(g, gpos, sizeof gpos), name) ==
				    0)
				break;
		}
		if (k < i)
			continue;
		cc_buf_printf(b, "%s%s", count ? ", " : "", name);
		count++;
	}
}

/* Finding lines "  name  position  src -> dst" for a failed check. */
static void list_findings(FILE *out, const struct cc_report *r)
{
	size_t i;

	if (r->vendor_mismatch)
		fprintf(out, "  vendor: %s -> %s\n", r->src->vendor_id,
			r->dst->vendor_id);
	for (i = 0; i < r->n; i++) {
		const struct cc_finding *f = &r->findings[i];
		char pos[64], sv[32], dv[32], nb[64];

		if (f->status != CC_STATUS_DIFFERENT || f->waived ||
		    f->severity != CC_SEV_INCOMPATIBLE)
			continue;
		cc_finding_position(f, pos, sizeof pos);
		report_value(f, 0, sv, sizeof sv);
		report_value(f, 1, dv, sizeof dv);
		fprintf(out, "  %-22s %-26s %s -> %s\n",
			finding_name(f, nb, sizeof nb), pos, sv, dv);
	}
}

/*
 * A Firecracker template names single subleaves.  Ranges wider than the
 * writer expands are dropped when they fix nothing but zeros (Firecracker
 * leaves unnamed subleaves to the host, whose reserved bits read 0
 * there); a wider range that fixes ones cannot be written.
 */
static struct cc_set *for_template(const struct cc_set *p, struct cc_err *e)
{
	struct cc_set *t = cc_set_dup(p);
	size_t i, j;

	for (i = j = 0; i < t->n; i++) {
		const struct cc_leaf *l = &t->leaves[i];
		int r, ones = 0;

		if (l->last - l->first < FC_WIDEST) {
			t->leaves[j++] = *l;
			continue;
		}
		for (r = 0; r < CC_NREGS; r++)
			if (!(l->absent >> r & 1) &&
			    (l->reg[r] & l->known[r]) != 0)
				ones = 1;
		if (ones) {
			cc_errf(e,
				"%s: leaf 0x%08x fixes bits on subleaves "
				"%u..%u, more than a Firecracker template can "
				"name",
				p->name, l->leaf, l->first, l->last);
			cc_set_free(t);
			return NULL;
		}
	}
	t->n = j;
	return t;
}

/* Write profile P in FORMAT (json, cloud-hypervisor, firecracker) to OUT. */
static int write_profile(const struct cc_set *p, const char *format,
			 const char *out, struct cc_err *e)
{
	struct cc_buf b;
	struct cc_set *t = NULL;
	int r;

	cc_buf_init(&b);
	if (strcmp(format, "json") == 0) {
		r = fmt_native.write(&b, p, e);
	} else if (strcmp(format, "cloud-hypervisor") == 0 ||
		   strcmp(format, "cloud-hypervisor-profile") == 0) {
		r = fmt_chv_profile.write(&b, p, e);
	} else {
		t = for_template(p, e);
		r = t == NULL ? -1 : fmt_firecracker.write(&b, t, e);
	}
	if (r == 0)
		r = cc_buf_save(&b, out, e);
	cc_buf_free(&b);
	cc_set_free(t);
	return r;
}

static int profile_format_ok(const char *f)
{
	return strcmp(f, "json") == 0 || strcmp(f, "cloud-hypervisor") == 0 ||
	       strcmp(f, "cloud-hypervisor-profile") == 0 ||
	       strcmp(f, "firecracker") == 0;
}

/* Load SPECS[0..N); NULL after printing the error. */
static struct cc_set **load_all(const struct cmd *self, char **specs,
				size_t n, const struct source_opts *so)
{
	struct cc_set **sets = cc_xcalloc(n + 1, sizeof *sets);
	size_t i, stdin_uses = 0;

	for (i = 0; i < n; i++)
		stdin_uses += strcmp(specs[i], "-") == 0;
	if (stdin_uses > 1) {
		cmd_usage(self, "only one source can be standard input");
		free(sets);
		return NULL;
	}
	for (i = 0; i < n; i++) {
		sets[i] = cmd_load(specs[i], so);
		if (sets[i] == NULL) {
			while (i > 0)
				cc_set_free(sets[--i]);
			free(sets);
			return NULL;
		}
	}
	return sets;
}

static void free_all(struct cc_set **sets, size_t n)
{
	size_t i;

	if (sets == NULL)
		return;
	for (i = 0; i < n; i++)
		cc_set_free(sets[i]);
	free(sets);
}

/* ------------------------------------------------------------ generate */

static int run_generate(const struct cmd *self, int argc, char **argv)
{
	static const struct option longopts[] = {
		{"name", required_argument, NULL, 'n'},
		{"output", required_argument, NULL, 'o'},
		{"format", required_argument, NULL, 'f'},
		{"defs", required_argument, NULL, OPT_DEFS},
		CMD_COMMON_LONGOPTS,
		{NULL, 0, NULL, 0},
	};
	struct source_opts so = {NULL, -1};
	const char *name = NULL, *out = NULL, *format = "json", *spec = "kvm";
	const char *defsdir = NULL, *view;
	struct cc_defs *owned = NULL;
	const struct cc_defs *d;
	struct cc_set *s = NULL, *p = NULL, *applied = NULL;
	struct cc_report *rep = NULL;
	struct cc_profile_opts po;
	struct cc_err e;
	char when[32];
	int c, rc = CC_EXIT_ERROR;

	while ((c = getopt_long(argc, argv, "n:o:f:h", longopts, NULL)) != -1) {
		switch (c) {
		case 'n':
			name = optarg;
			break;
		case 'o':
			out = optarg;
			break;
		case 'f':
			format = optarg;
			break;
		case OPT_DEFS:
			defsdir = optarg;
			break;
		case 'h':
			return cmd_help(self);
		default:
			c = cmd_common_opt(self, c, &so);
			if (c != 0)
				return c > 0 ? cmd_usage(self, "unknown option")
					     : CC_EXIT_ERROR;
		}
	}
	if (argc - optind > 1)
		return cmd_usage(self, "expected at most one SOURCE");
	if (optind < argc)
		spec = argv[optind];
	if (name == NULL)
		return cmd_usage(self, "--name is required");
	if (!profile_format_ok(format))
		return cmd_usage(self, "--format: expected json, "
				       "cloud-hypervisor or firecracker");
	d = cmd_load_defs(defsdir, &owned);
	if (d == NULL)
		return CC_EXIT_ERROR;
	s = cmd_load(spec, &so);
	if (s == NULL)
		goto done;
	capture_add_provenance(s);
	if (strcmp(spec, "kvm") == 0 && cc_set_meta(s, "brand") == NULL) {
		/* KVM hides the brand string; the host's names the model */
		struct cc_set *h = capture_host(&e);
		char brand[64];

		if (h != NULL) {
			cc_set_brand(h, brand);
			if (brand[0])
				cc_set_meta_set(s, "brand", brand, 0);
			cc_set_free(h);
		}
	}
	view = cc_set_meta(s, "source");
	if (view == NULL || strcmp(view, "kvm") != 0)
		fprintf(stderr,
			"cpucompat: warning: %s is raw CPUID (source: %s), not "
			"what KVM offers guests; the profile may name "
			"features KVM cannot give a guest (generate from "
			"'kvm' or a dump of it)\n",
			s->name, view ? view : "unknown");
	timestamp(when, sizeof when);
	po.name = name;
	po.generated = when;
	po.tool = PACKAGE_STRING;
	p = cc_profile_generate(s, d, &po, &e);
	if (p == NULL) {
		cmd_fail(&e);
		goto done;
	}
	rep = cc_profile_selfcheck(p, s, d, &applied, &e);
	if (rep == NULL) {
		cmd_fail(&e);
		goto done;
	}
	if (rep->verdict == CC_VERDICT_INCOMPATIBLE) {
		fprintf(stderr,
			"cpucompat generate: self-check failed: a guest of "
			"profile '%s' on %s could not run on %s itself; the "
			"field policies disagree with the source in:\n",
			name, s->name, s->name);
		list_findings(stderr, rep);
		fprintf(stderr, "nothing written\n");
		goto done;
	}
	if (write_profile(p, format, out, &e) < 0) {
		cmd_fail(&e);
		goto done;
	}
	rc = CC_EXIT_OK;
done:
	cc_report_free(rep);
	cc_set_free(applied);
	cc_set_free(p);
	cc_set_free(s);
	cc_defs_free(owned);
	return rc;
}

const struct cmd cmd_generate = {
	.name = "generate",
	.synopsis = "[SOURCE] --name NAME [-o FILE] "
		    "[-f json|cloud-hypervisor|firecracker]",
	.summary = "Generate a CPU profile from a CPUID set (default SOURCE: "
		   "kvm).",
	.options =
		"  -n, --name NAME         profile name, also the guest's brand "
		"string\n"
		"                          (at most 47 characters; required)\n"
		"  -o, --output FILE       write to FILE atomically (default: "
		"stdout)\n"
		"  -f, --format FMT        json (default), cloud-hypervisor "
		"(a CPU profile)\n"
		"                          or firecracker (a custom CPU "
		"template)\n"
		"      --defs DIR          read field definitions from "
		"DIR/*.json\n" CMD_COMMON_HELP,
	.run = run_generate,
};

/* --------------------------------------------------------------- apply */

static int run_apply(const struct cmd *self, int argc, char **argv)
{
	static const struct option longopts[] = {
		{"output", required_argument, NULL, 'o'},
		{"format", required_argument, NULL, 'f'},
		{"defs", required_argument, NULL, OPT_DEFS},
		CMD_COMMON_LONGOPTS,
		{NULL, 0, NULL, 0},
	};
	struct source_opts so = {NULL, -1};
	const char *out = NULL, *format = "json", *hostspec = "kvm";
	const char *defsdir = NULL;
	struct cc_defs *owned = NULL;
	const struct cc_defs *d;
	const struct fmt *f;
	struct cc_set *p = NULL, *h = NULL, *g = NULL;
	struct cc_report *rep = NULL;
	struct cc_buf b;
	struct cc_err e;
	int c, rc = CC_EXIT_ERROR;

	while ((c = getopt_long(argc, argv, "o:f:h", longopts, NULL)) != -1) {
		switch (c) {
		case 'o':
			out = optarg;
			break;
		case 'f':
			format = optarg;
			break;
		case OPT_DEFS:
			defsdir = optarg;
			break;
		case 'h':
			return cmd_help(self);
		default:
			c = cmd_common_opt(self, c, &so);
			if (c != 0)
				return c > 0 ? cmd_usage(self, "unknown option")
					     : CC_EXIT_ERROR;
		}
	}
	if (argc - optind < 1 || argc - optind > 2)
		return cmd_usage(self, "expected PROFILE and at most one HOST");
	if (argc - optind == 2)
		hostspec = argv[optind + 1];
	if (strcmp(argv[optind], "-") == 0 && strcmp(hostspec, "-") == 0)
		return cmd_usage(self, "only one source can be standard input");
	f = fmt_find(format);
	if (f == NULL || f->write == NULL)
		return cmd_usage(self,
				 "--format: '%s' is not a writable format "
				 "(json, cpuid-r, cloud-hypervisor, "
				 "cloud-hypervisor-profile, libvirt, "
				 "firecracker)",
				 format);
	d = cmd_load_defs(defsdir, &owned);
	if (d == NULL)
		return CC_EXIT_ERROR;
	cc_buf_init(&b);
	p = cmd_load(argv[optind], &so);
	if (p == NULL)
		goto done;
	h = cmd_load(hostspec, &so);
	if (h == NULL)
		goto done;
	g = cc_profile_apply(p, h, &e);
	if (g == NULL) {
		cmd_fail(&e);
		goto done;
	}
	rep = cc_diff(p, h, d, NULL);
	if (rep->verdict == CC_VERDICT_INCOMPATIBLE) {
		struct cc_buf names;

		cc_buf_init(&names);
		blocking_names(&names, rep);
		fprintf(stderr,
			"cpucompat apply: %s cannot run profile %s: %s%s\n"
			"(the report: cpucompat check %s %s)\n",
			h->name, p->name,
			rep->vendor_mismatch ? "" : "it lacks ",
			names.data ? names.data : "?", argv[optind], hostspec);
		cc_buf_free(&names);
		rc = CC_EXIT_DIFF;
		goto done;
	}
	if (f->write(&b, g, &e) < 0 || cc_buf_save(&b, out, &e) < 0) {
		cmd_fail(&e);
		goto done;
	}
	rc = CC_EXIT_OK;
done:
	cc_report_free(rep);
	cc_buf_free(&b);
	cc_set_free(g);
	cc_set_free(h);
	cc_set_free(p);
	cc_defs_free(owned);
	return rc;
}

const struct cmd cmd_apply = {
	.name = "apply",
	.synopsis = "PROFILE [HOST] [-o FILE] [-f FMT]",
	.summary = "The CPUID a guest sees with PROFILE on HOST (default: "
		   "kvm); exit 1 if HOST cannot run it.",
	.options =
		"  -o, --output FILE       write to FILE atomically (default: "
		"stdout)\n"
		"  -f, --format FMT        json (default), cpuid-r, "
		"cloud-hypervisor,\n"
		"                          cloud-hypervisor-profile, libvirt, "
		"firecracker\n"
		"      --defs DIR          read field definitions from "
		"DIR/*.json\n" CMD_COMMON_HELP,
	.run = run_apply,
};

/* ------------------------------------------------------------ baseline */

static void cost_text(struct cc_buf *b, const struct cc_baseline_cost *c)
{
	if (c->field->rule == CC_RULE_SUBSET && c->field->lo == c->field->hi)
		cc_buf_puts(b, c->field->name);
	else
		cc_buf_printf(b, "%s (%#x -> %#x)", c->field->name, c->own,
			      c->base);
}

static void baseline_text(FILE *out, const struct cc_baseline *bl,
			  struct cc_set *const *src, size_t n)
{
	size_t i, k = 0;

	fprintf(out,
		"baseline '%s' of %zu source%s (%s); family, model and "
		"stepping from %s\n",
		bl->profile->name, n, n == 1 ? "" : "s",
		bl->profile->vendor_id, src[bl->reference]->name);
	for (i = 0; i < n; i++) {
		struct cc_buf line;
		size_t first = k, cnt;

		while (k < bl->ncosts && bl->costs[k].source == i)
			k++;
		cnt = k - first;
		cc_buf_init(&line);
		if (cnt == 0) {
			cc_buf_puts(&line, "gives up nothing");
		} else {
			size_t x;

			cc_buf_printf(&line, "gives up %zu: ", cnt);
			for (x = first; x < k; x++) {
				if (x > first)
					cc_buf_puts(&line, ", ");
				cost_text(&line, &bl->costs[x]);
			}
		}
		fprintf(out, "  %s: %s\n", src[i]->name, line.data);
		cc_buf_free(&line);
	}
	for (i = 0; i < bl->nconflicts; i++) {
		const struct cc_baseline_conflict *c = &bl->conflicts[i];
		char pos[64];

		position(c->leaf, c->subleaf, c->field->reg, c->field->lo,
			 c->field->hi, pos, sizeof pos);
		fprintf(out,
			"conflict: %s %s is %#x on %s but %#x on %s; left to "
			"the host\n",
			c->field->name, pos, c->va, src[c->a]->name, c->vb,
			src[c->b]->name);
	}
}

static void baseline_json(struct cc_buf *b, const struct cc_baseline *bl,
			  struct cc_set *const *src, size_t n)
{
	size_t i, k = 0;

	cc_buf_puts(b, "{\n  \"name\": ");
	report_json_string(b, bl->profile->name);
	cc_buf_printf(b, ",\n  \"vendor\": ");
	report_json_string(b, bl->profile->vendor_id);
	cc_buf_puts(b, ",\n  \"reference\": ");
	report_json_string(b, src[bl->reference]->name);
	cc_buf_puts(b, ",\n  \"sources\": [");
	for (i = 0; i < n; i++) {
		size_t first = k, x;

		while (k < bl->ncosts && bl->costs[k].source == i)
			k++;
		cc_buf_puts(b, i ? ",\n    " : "\n    ");
		cc_buf_puts(b, "{\"source\": ");
		report_json_string(b, src[i]->name);
		cc_buf_puts(b, ", \"gives_up\": [");
		for (x = first; x < k; x++) {
			const struct cc_baseline_cost *c = &bl->costs[x];
			char pos[64];

			position(c->leaf, c->subleaf, c->field->reg,
				 c->field->lo, c->field->hi, pos, sizeof pos);
			cc_buf_puts(b, x > first ? ", {\"field\": "
						 : "{\"field\": ");
			report_json_string(b, c->field->name);
			cc_buf_puts(b, ", \"position\": ");
			report_json_string(b, pos);
			cc_buf_printf(b, ", \"own\": %u, \"baseline\": %u}",
				      c->own, c->base);
		}
		cc_buf_puts(b, "]}");
	}
	cc_buf_puts(b, n ? "\n  ]" : "]");
	cc_buf_puts(b, ",\n  \"conflicts\": [");
	for (i = 0; i < bl->nconflicts; i++) {
		const struct cc_baseline_conflict *c = &bl->conflicts[i];
		char pos[64];

		position(c->leaf, c->subleaf, c->field->reg, c->field->lo,
			 c->field->hi, pos, sizeof pos);
		cc_buf_puts(b, i ? ",\n    " : "\n    ");
		cc_buf_puts(b, "{\"field\": ");
		report_json_string(b, c->field->name);
		cc_buf_puts(b, ", \"position\": ");
		report_json_string(b, pos);
		cc_buf_puts(b, ", \"sources\": [");
		report_json_string(b, src[c->a]->name);
		cc_buf_puts(b, ", ");
		report_json_string(b, src[c->b]->name);
		cc_buf_printf(b, "], \"values\": [%u, %u]}", c->va, c->vb);
	}
	cc_buf_puts(b, bl->nconflicts ? "\n  ]\n}\n" : "]\n}\n");
}

static int run_baseline(const struct cmd *self, int argc, char **argv)
{
	static const struct option longopts[] = {
		{"name", required_argument, NULL, 'n'},
		{"output", required_argument, NULL, 'o'},
		{"format", required_argument, NULL, 'f'},
		{"report", required_argument, NULL, OPT_REPORT},
		{"quiet", no_argument, NULL, 'q'},
		{"defs", required_argument, NULL, OPT_DEFS},
		CMD_COMMON_LONGOPTS,
		{NULL, 0, NULL, 0},
	};
	struct source_opts so = {NULL, -1};
	const char *name = "baseline", *out = NULL, *format = "json";
	const char *report = NULL, *defsdir = NULL;
	struct cc_defs *owned = NULL;
	const struct cc_defs *d;
	struct cc_set **sets = NULL;
	struct cc_baseline *bl = NULL;
	struct cc_profile_opts po;
	struct cc_err e;
	size_t n;
	char when[32];
	int c, rc = CC_EXIT_ERROR, quiet = 0;

	while ((c = getopt_long(argc, argv, "n:o:f:qh", longopts, NULL)) !=
	       -1) {
		switch (c) {
		case 'n':
			name = optarg;
			break;
		case 'o':
			out = optarg;
			break;
		case 'f':
			format = optarg;
			break;
		case 'q':
			quiet = 1;
			break;
		case OPT_REPORT:
			report = optarg;
			break;
		case OPT_DEFS:
			defsdir = optarg;
			break;
		case 'h':
			return cmd_help(self);
		default:
			c = cmd_common_opt(self, c, &so);
			if (c != 0)
				return c > 0 ? cmd_usage(self, "unknown option")
					     : CC_EXIT_ERROR;
		}
	}
	if (argc - optind < 1)
		return cmd_usage(self, "expected at least one SOURCE");
	if (!profile_format_ok(format))
		return cmd_usage(self, "--format: expected json, "
				       "cloud-hypervisor or firecracker");
	n = (size_t)(argc - optind);
	d = cmd_load_defs(defsdir, &owned);
	if (d == NULL)
		return CC_EXIT_ERROR;
	sets = load_all(self, argv + optind, n, &so);
	if (sets == NULL)
		goto done;
	timestamp(when, sizeof when);
	po.name = name;
	po.generated = when;
	po.tool = PACKAGE_STRING;
	bl = cc_profile_baseline((const struct cc_set *const *)sets, n, d, &po,
				 &e);
	if (bl == NULL) {
		cmd_fail(&e);
		goto done;
	}
	if (report != NULL) {
		struct cc_buf b;
		int r;

		cc_buf_init(&b);
		baseline_json(&b, bl, sets, n);
		r = cc_buf_save(&b, report, &e);
		cc_buf_free(&b);
		if (r < 0) {
			cmd_fail(&e);
			goto done;
		}
	}
	if (write_profile(bl->profile, format, out, &e) < 0) {
		cmd_fail(&e);
		goto done;
	}
	if (!quiet)
		baseline_text(stderr, bl, sets, n);
	rc = CC_EXIT_OK;
done:
	cc_baseline_free(bl);
	free_all(sets, n);
	cc_defs_free(owned);
	return rc;
}

const struct cmd cmd_baseline = {
	.name = "baseline",
	.synopsis = "SOURCE... [--name NAME] [-o FILE] [--report FILE]",
	.summary = "The richest profile every SOURCE can run, and what each "
		   "gives up for it.",
	.options =
		"  -n, --name NAME         profile name and brand string "
		"(default: baseline)\n"
		"  -o, --output FILE       write the profile to FILE atomically "
		"(default: stdout)\n"
		"  -f, --format FMT        json (default), cloud-hypervisor or "
		"firecracker\n"
		"      --report FILE       write what each source gives up as "
		"JSON to FILE\n"
		"  -q, --quiet             do not print that summary on "
		"stderr\n"
		"      --defs DIR          read field definitions from "
		"DIR/*.json\n" CMD_COMMON_HELP,
	.run = run_baseline,
};

/* -------------------------------------------------------------- matrix */

/* Names blocking cell (I, J), as a JSON array, into B. */
static void cell_json(struct cc_buf *b, const struct cc_matrix *m, size_t i,
		      size_t j)
{
	struct cc_blocker fixed[64], *bl = fixed;
	size_t n, x, y, count = 0;
	enum cc_cell cell = cc_matrix_cell(m, i, j);

	if (cell == CC_CELL_OK) {
		cc_buf_puts(b, "[]");
		return;
	}
	if (cell == CC_CELL_VENDOR) {
		cc_buf_puts(b, "[\"vendor\"]");
		return;
	}
	n = cc_matrix_blockers(m, i, j, fixed, 64);
	if (n > 64) {
		bl = cc_xmalloc(n * sizeof *bl);
		cc_matrix_blockers(m, i, j, bl, n);
	}
	cc_buf_puts(b, "[");
	for (x = 0; x < n; x++) {
		char pos[64];
		const char *name;

		if (bl[x].field != NULL) {
			name = bl[x].field->name;
			for (y = 0; y < x; y++)
				if (bl[y].field == bl[x].field)
					break;
			if (y < x)
				continue;
		} else {
			position(bl[x].leaf, bl[x].subleaf, bl[x].reg,
				 bl[x].lo, bl[x].hi, pos, sizeof pos);
			name = pos;
		}
		if (count++)
			cc_buf_puts(b, ", ");
		report_json_string(b, name);
	}
	cc_buf_puts(b, "]");
	if (bl != fixed)
		free(bl);
}

/*
 * JSON for fleets: N x N cells hold an index into "blockers", the list of
 * distinct blocking-name lists (blockers[0] is [], "can run"), so that a
 * matrix of 1,000 hosts stays a few megabytes: the names blocking cell
 * (i, j) are blockers[cells[i][j]].
 */
static void matrix_json(struct cc_buf *b, const struct cc_matrix *m,
			char *const *specs, size_t n)
{
	size_t nc = cc_matrix_nclasses(m), i, j, nlists = 1, k, nb = 64;
	size_t *idx = cc_xmalloc((nc * nc + 1) * sizeof *idx);
	size_t *rep = cc_xmalloc((nc + 1) * sizeof *rep), *bucket;
	struct cc_buf *lists = cc_xcalloc(nc * nc + 2, sizeof *lists);

	cc_buf_puts(&lists[0], "[]");
	while (nb < 2 * nc * nc)
		nb *= 2;
	bucket = cc_xmalloc(nb * sizeof *bucket);
	for (i = 0; i < nb; i++)
		bucket[i] = SIZE_MAX;
	/* one representative set per class; distinct lists by hash */
	for (i = n; i-- > 0;)
		rep[cc_matrix_class(m, i)] = i;
	for (i = 0; i < nc; i++) {
		for (j = 0; j < nc; j++) {
			struct cc_buf *l = &lists[nlists];
			uint64_t h = 14695981039346656037ull;

			if (cc_matrix_cell(m, rep[i], rep[j]) == CC_CELL_OK) {
				idx[i * nc + j] = 0;
				continue;
			}
			cell_json(l, m, rep[i], rep[j]);
			for (k = 0; k < l->len; k++)
				h = (h ^ (unsigned char)l->data[k]) *
				    1099511628211ull;
			for (k = h & (nb - 1); bucket[k] != SIZE_MAX;
			     k = (k + 1) & (nb - 1)) {
				const struct cc_buf *o = &lists[bucket[k]];

				if (o->len == l->len &&
				    memcmp(o->data, l->data, l->len) == 0)
					break;
			}
			if (bucket[k] == SIZE_MAX) {
				bucket[k] = nlists++;
			} else {
				cc_buf_free(l);
			}
			idx[i * nc + j] = bucket[k];
		}
	}
	free(bucket);
	free(rep);
	cc_buf_puts(b, "{\n  \"question\": \"can a guest of sources[i] run "
		       "on sources[j]? blockers[cells[i][j]] lists what stops "
		       "it; [] = yes\",\n  \"sources\": [");
	for (i = 0; i < n; i++) {
		cc_buf_puts(b, i ? ",\n    " : "\n    ");
		report_json_string(b, specs[i]);
	}
	cc_buf_puts(b, "\n  ],\n  \"blockers\": [");
	for (k = 0; k < nlists; k++) {
		cc_buf_puts(b, k ? ",\n    " : "\n    ");
		cc_buf_add(b, lists[k].data, lists[k].len);
		cc_buf_free(&lists[k]);
	}
	cc_buf_puts(b, "\n  ],\n  \"cells\": [");
	for (i = 0; i < n; i++) {
		const size_t *row = idx + cc_matrix_class(m, i) * nc;

		cc_buf_puts(b, i ? ",\n    [" : "\n    [");
		for (j = 0; j < n; j++)
			cc_buf_printf(b, j ? ",%zu" : "%zu",
				      row[cc_matrix_class(m, j)]);
		cc_buf_puts(b, "]");
	}
	cc_buf_puts(b, "\n  ]\n}\n");
	free(lists);
	free(idx);
}

static void csv_field(struct cc_buf *b, const char *s)
{
	if (strpbrk(s, ",\"\n\r") == NULL) {
		cc_buf_puts(b, s);
		return;
	}
	cc_buf_puts(b, "\"");
	for (; *s; s++) {
		if (*s == '"')
			cc_buf_puts(b, "\"");
		cc_buf_add(b, s, 1);
	}
	cc_buf_puts(b, "\"");
}

static void matrix_csv(struct cc_buf *b, const struct cc_matrix *m,
		       char *const *specs, size_t n)
{
	static const char *const word[] = {"yes", "no", "vendor"};
	size_t i, j;

	cc_buf_puts(b, "guest\\host");
	for (j = 0; j < n; j++) {
		cc_buf_puts(b, ",");
		csv_field(b, specs[j]);
	}
	cc_buf_puts(b, "\n");
	for (i = 0; i < n; i++) {
		csv_field(b, specs[i]);
		for (j = 0; j < n; j++) {
			cc_buf_puts(b, ",");
			cc_buf_puts(b, word[cc_matrix_cell(m, i, j)]);
		}
		cc_buf_puts(b, "\n");
	}
}

static void matrix_text(struct cc_buf *b, const struct cc_matrix *m,
			struct cc_set *const *sets, char *const *specs,
			size_t n, size_t ok)
{
	static const char mark[] = {'+', '-', 'v'};
	size_t i, j, digits = 1, w;
	unsigned long p;

	for (p = 10; p <= n - 1 && n > 1; p *= 10)
		digits++;
	w = digits < 5 ? 5 : digits;
	cc_buf_printf(b,
		      "Can a guest of row i run on host column j?  + yes, - "
		      "no, v vendor mismatch\n\n");
	for (p = 1, i = 1; i < digits; i++)
		p *= 10;
	for (; p >= 1; p /= 10) {
		cc_buf_printf(b, "%*s  ", (int)w, p == 1 ? "guest" : "");
		for (j = 0; j < n; j++) {
			char digit = (char)('0' + j / p % 10);

			cc_buf_add(b, j < p && p > 1 ? " " : &digit, 1);
		}
		cc_buf_puts(b, "\n");
		if (p == 1)
			break;
	}
	for (i = 0; i < n; i++) {
		cc_buf_printf(b, "%*zu  ", (int)w, i);
		for (j = 0; j < n; j++)
			cc_buf_add(b, &mark[cc_matrix_cell(m, i, j)], 1);
		cc_buf_puts(b, "\n");
	}
	cc_buf_puts(b, "\nsources:\n");
	for (i = 0; i < n; i++) {
		char label[128];

		report_set_label(sets[i], label, sizeof label);
		cc_buf_printf(b, "%*zu  %s", (int)w, i, specs[i]);
		if (strcmp(label, specs[i]) != 0)
			cc_buf_printf(b, " (%s)", label);
		cc_buf_puts(b, "\n");
	}
	cc_buf_printf(b,
		      "\n%zu of %zu pairs can migrate (%zu distinct CPUID "
		      "sets); 'cpucompat check A B' names what blocks a "
		      "pair, -f json lists it for every pair\n",
		      ok, n * n, cc_matrix_nclasses(m));
}

static int run_matrix(const struct cmd *self, int argc, char **argv)
{
	static const struct option longopts[] = {
		{"output", required_argument, NULL, 'o'},
		{"format", required_argument, NULL, 'f'},
		{"defs", required_argument, NULL, OPT_DEFS},
		CMD_COMMON_LONGOPTS,
		{NULL, 0, NULL, 0},
	};
	struct source_opts so = {NULL, -1};
	const char *out = NULL, *format = "text", *defsdir = NULL;
	struct cc_defs *owned = NULL;
	const struct cc_defs *d;
	struct cc_set **sets = NULL;
	struct cc_matrix *m = NULL;
	struct cc_buf b;
	struct cc_err e;
	size_t n, i, j, ok = 0;
	int c, rc = CC_EXIT_ERROR;

	while ((c = getopt_long(argc, argv, "o:f:h", longopts, NULL)) != -1) {
		switch (c) {
		case 'o':
			out = optarg;
			break;
		case 'f':
			format = optarg;
			break;
		case OPT_DEFS:
			defsdir = optarg;
			break;
		case 'h':
			return cmd_help(self);
		default:
			c = cmd_common_opt(self, c, &so);
			if (c != 0)
				return c > 0 ? cmd_usage(self, "unknown option")
					     : CC_EXIT_ERROR;
		}
	}
	if (argc - optind < 1)
		return cmd_usage(self, "expected at least one SOURCE");
	if (strcmp(format, "text") && strcmp(format, "json") &&
	    strcmp(format, "csv"))
		return cmd_usage(self, "--format: expected text, json or csv");
	n = (size_t)(argc - optind);
	d = cmd_load_defs(defsdir, &owned);
	if (d == NULL)
		return CC_EXIT_ERROR;
	cc_buf_init(&b);
	sets = load_all(self, argv + optind, n, &so);
	if (sets == NULL)
		goto done;
	m = cc_matrix_new((const struct cc_set *const *)sets, n, d);
	for (i = 0; i < n; i++)
		for (j = 0; j < n; j++)
			ok += cc_matrix_cell(m, i, j) == CC_CELL_OK;
	if (strcmp(format, "json") == 0)
		matrix_json(&b, m, argv + optind, n);
	else if (strcmp(format, "csv") == 0)
		matrix_csv(&b, m, argv + optind, n);
	else
		matrix_text(&b, m, sets, argv + optind, n, ok);
	if (cc_buf_save(&b, out, &e) < 0) {
		cmd_fail(&e);
		goto done;
	}
	rc = ok == n * n ? CC_EXIT_OK : CC_EXIT_DIFF;
done:
	cc_matrix_free(m);
	cc_buf_free(&b);
	free_all(sets, n);
	cc_defs_free(owned);
	return rc;
}

const struct cmd cmd_matrix = {
	.name = "matrix",
	.synopsis = "SOURCE... [-f text|json|csv] [-o FILE]",
	.summary = "Which guest can run on which host, for every pair of "
		   "SOURCEs (exit 1 if any cannot).",
	.options =
		"  -f, --format FMT        text (default: a grid), json (what "
		"blocks each pair)\n"
		"                          or csv (a yes/no grid)\n"
		"  -o, --output FILE       write to FILE atomically (default: "
		"stdout)\n"
		"      --defs DIR          read field definitions from "
		"DIR/*.json\n" CMD_COMMON_HELP,
	.run = run_matrix,
};
