/*
 * `cpucompat apply PROFILE [HOST]`: the CPUID a guest sees with a profile
 * on a host (default kvm), written in any writable format; refused, exit
 * 1, when the host cannot run the profile.  The work is in profile.c.
 */
#include "config.h"

#include <stdio.h>
#include <string.h>

#include "cc_buf.h"
#include "cmd.h"
#include "diff.h"
#include "fmt.h"
#include "profile.h"

static const struct cmd_opt apply_opts[] = {
	CMD_USE(cmd_opt_output, NULL, NULL),
	CMD_USE(cmd_opt_writable_format, NULL, NULL),
	CMD_USE(cmd_opt_defs, NULL, NULL),
	CMD_USE(cmd_opt_input_format, NULL, NULL),
	CMD_USE(cmd_opt_cpu, NULL, NULL),
	CMD_USE(cmd_opt_help, NULL, NULL),
	CMD_END,
};

/* "avx512f, pku, ..." of a check report's blocking findings into B, or
 * the vendor mismatch. */
static void blocking_names(struct cc_buf *b, const struct cc_report *r)
{
	size_t i, k, count = 0;
	char pos[64];

	if (r->vendor_mismatch) {
		cc_buf_printf(b, "vendor mismatch (%s on %s, %s wanted)",
			      r->target.vendor_id, r->target.name,
			      r->source.vendor_id);
		return;
	}
	for (i = 0; i < r->n; i++) {
		const struct cc_finding *f = &r->findings[i];
		const char *name;

		if (f->status != CC_STATUS_DIFFERENT || f->waived ||
		    f->severity != CC_SEV_INCOMPATIBLE)
			continue;
		name = cmd_finding_name(f, pos, sizeof pos);
		for (k = 0; k < i; k++) {
			const struct cc_finding *g = &r->findings[k];
			char gpos[64];

			if (g->status == CC_STATUS_DIFFERENT && !g->waived &&
			    g->severity == CC_SEV_INCOMPATIBLE &&
			    strcmp(cmd_finding_name(g, gpos, sizeof gpos),
				   name) == 0)
				break;
		}
		if (k < i)
			continue;
		cc_buf_printf(b, "%s%s", count ? ", " : "", name);
		count++;
	}
}

/* What a guest of profile P sees on H, written as --format asks; the
 * exit status.  PSPEC and HSPEC name them for the message of a refusal. */
static int apply(const struct cmd_args *a, const struct cc_set *p,
		 const struct cc_set *h, const struct cc_defs *d,
		 const char *pspec, const char *hspec)
{
	struct cc_set *g;
	struct cc_report *rep = NULL;
	struct cc_buf b;
	struct cc_err e;
	int rc = CC_EXIT_ERROR;

	g = cc_profile_apply(p, h, &e);
	if (g == NULL)
		return cmd_fail(&e);
	cc_buf_init(&b);
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
			names.data ? names.data : "?", pspec, hspec);
		cc_buf_free(&names);
		rc = CC_EXIT_DIFF;
	} else if (fmt_find(a->format)->write(&b, g, &e) < 0 ||
		   cc_buf_save(&b, a->output, &e) < 0) {
		cmd_fail(&e);
	} else {
		rc = CC_EXIT_OK;
	}
	cc_report_free(rep);
	cc_buf_free(&b);
	cc_set_free(g);
	return rc;
}

static int run_apply(const struct cmd *self, int argc, char **argv)
{
	struct cmd_args a = {.so = {NULL, -1}, .format = "json"};
	const char *hostspec = "kvm";
	struct cc_defs *owned = NULL;
	const struct cc_defs *d;
	struct cc_set *p = NULL, *h = NULL;
	int rc;

	rc = cmd_parse(self, argc, argv, &a);
	if (rc != CMD_GO)
		return rc;
	if (argc - optind < 1 || argc - optind > 2)
		return cmd_usage(self, "expected PROFILE and at most one HOST");
	if (argc - optind == 2)
		hostspec = argv[optind + 1];
	if (strcmp(argv[optind], "-") == 0 && strcmp(hostspec, "-") == 0)
		return cmd_usage(self, "only one source can be standard input");
	if (cmd_check_values(self, &a) != CMD_GO)
		return CC_EXIT_ERROR;
	d = cmd_load_defs(a.defs, &owned);
	if (d == NULL)
		return CC_EXIT_ERROR;
	rc = CC_EXIT_ERROR;
	p = cmd_load(argv[optind], &a.so);
	if (p != NULL)
		h = cmd_load(hostspec, &a.so);
	if (h != NULL)
		rc = apply(&a, p, h, d, argv[optind], hostspec);
	cc_set_free(h);
	cc_set_free(p);
	cc_defs_free(owned);
	return rc;
}

const struct cmd cmd_apply = {
	.name = "apply",
	.synopsis = "PROFILE [HOST] [-o FILE] [-f FMT]",
	.summary =
		"The CPUID a guest sees with PROFILE on HOST (default: "
		"kvm); exit 1 if HOST cannot run it.",
	.opts = apply_opts,
	.run = run_apply,
};
