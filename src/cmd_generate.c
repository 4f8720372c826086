/*
 * `cpucompat generate [SOURCE]`: a CPU profile from one CPUID set (default
 * kvm), checked against its own source before it is written, in the
 * native format, as a Cloud Hypervisor CPU profile or as a Firecracker
 * custom CPU template.  The work is in profile.c.  The nearest QEMU
 * model (qemu_model.h) goes into the profile's metadata ("qemu_nearest")
 * and onto stderr.
 */
#include "config.h"

#include <stdio.h>
#include <string.h>

#include "capture.h"
#include "cmd.h"
#include "diff.h"
#include "profile.h"
#include "qemu_model.h"
#include "report.h"

/* Longest "nearest QEMU model" text. */
#define NEAREST_MAX 512

struct generate_args {
	struct cmd_args c;
	const char *name;
};

static const struct cmd_opt generate_opts[] = {
	CMD_OPT("name", 'n', "NAME", CMD_STR, struct generate_args, name,
		"profile name, also the guest's brand string\n"
		"(at most 47 characters; required)"),
	CMD_USE(cmd_opt_output, NULL, NULL),
	CMD_USE(cmd_opt_format,
		"json (default), cloud-hypervisor (a CPU "
		"profile),\n"
		"firecracker (a custom CPU template), libvirt-cpu\n"
		"(a libvirt <cpu> of the nearest QEMU model) or qemu-cpu\n"
		"(a QEMU -cpu argument)",
		"json|cloud-hypervisor|firecracker|libvirt-cpu|qemu-cpu||"
		"cloud-hypervisor-profile"),
	CMD_USE(cmd_opt_defs, NULL, NULL),
	CMD_USE(cmd_opt_input_format, NULL, NULL),
	CMD_USE(cmd_opt_cpu, NULL, NULL),
	CMD_USE(cmd_opt_help, NULL, NULL),
	CMD_END,
};

/* Finding lines "  name  position  src -> dst" for a failed check. */
static void list_findings(FILE *out, const struct cc_report *r)
{
	size_t i;

	if (r->vendor_mismatch)
		fprintf(out, "  vendor: %s -> %s\n", r->source.vendor_id,
			r->target.vendor_id);
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
			cmd_finding_name(f, nb, sizeof nb), pos, sv, dv);
	}
}

/* KVM hides the brand string: name the model by the host's. */
static void add_host_brand(struct cc_set *s)
{
	struct cc_err e;
	struct cc_set *h = capture_host(&e);
	char brand[64];

	if (h != NULL) {
		cc_set_brand(h, brand);
		if (brand[0])
			cc_set_meta_set(s, "brand", brand, 0);
		cc_set_free(h);
	}
}

/* Load SPEC with its provenance and brand, warning when it is not what
 * KVM offers guests; NULL after the message. */
static struct cc_set *load_source(const char *spec,
				  const struct source_opts *so)
{
	struct cc_set *s = cmd_load(spec, so);
	const char *view;

	if (s == NULL)
		return NULL;
	capture_add_provenance(s);
	if (strcmp(spec, "kvm") == 0 && cc_set_meta(s, "brand") == NULL)
		add_host_brand(s);
	view = cc_set_meta(s, "source");
	if (view == NULL || strcmp(view, "kvm") != 0)
		fprintf(stderr,
			"cpucompat: warning: %s is raw CPUID (source: %s), not "
			"what KVM offers guests; the profile may name "
			"features KVM cannot give a guest (generate from "
			"'kvm' or a dump of it)\n",
			s->name, view ? view : "unknown");
	return s;
}

/* Record the nearest QEMU model of P in its metadata "qemu_nearest"; the
 * text, or NULL when there is none. */
static const char *name_nearest(struct cc_set *p, const struct cc_defs *d)
{
	struct qemu_model_match m;
	struct cc_err e;
	char out[NEAREST_MAX];

	if (qemu_model_nearest(p, d, &m, &e) < 0)
		return NULL;
	qemu_model_describe(&m, out, sizeof out);
	cc_set_meta_set(p, "qemu_nearest", out, 0);
	qemu_model_match_free(&m);
	return cc_set_meta(p, "qemu_nearest");
}

/* Generate, self-check and write the profile of S; the exit status. */
static int generate(const struct generate_args *a, const struct cc_set *s,
		    const struct cc_defs *d)
{
	struct cc_set *p, *applied = NULL;
	struct cc_report *rep = NULL;
	const char *near = NULL;
	struct cc_profile_opts po;
	struct cc_err e;
	char when[32];
	int rc = CC_EXIT_ERROR;

	cmd_profile_opts(&po, a->name, when, sizeof when);
	p = cc_profile_generate(s, d, &po, &e);
	if (p == NULL)
		return cmd_fail(&e);
	rep = cc_profile_selfcheck(p, s, d, &applied, &e);
	if (rep == NULL) {
		cmd_fail(&e);
	} else if (rep->verdict == CC_VERDICT_INCOMPATIBLE) {
		fprintf(stderr,
			"cpucompat generate: self-check failed: a guest of "
			"profile '%s' on %s could not run on %s itself; the "
			"field policies disagree with the source in:\n",
			a->name, s->name, s->name);
		list_findings(stderr, rep);
		fprintf(stderr, "nothing written\n");
	} else {
		near = name_nearest(p, d);
		if (cmd_write_profile(p, a->c.format, a->c.output, &e) < 0) {
			cmd_fail(&e);
		} else {
			if (near != NULL)
				fprintf(stderr, "nearest QEMU model: %s\n",
					near);
			rc = CC_EXIT_OK;
		}
	}
	cc_report_free(rep);
	cc_set_free(applied);
	cc_set_free(p);
	return rc;
}

static int run_generate(const struct cmd *self, int argc, char **argv)
{
	struct generate_args a;
	struct cc_defs *owned = NULL;
	const struct cc_defs *d;
	const char *spec = "kvm";
	struct cc_set *s;
	int rc;

	memset(&a, 0, sizeof a);
	a.c.so.cpu = -1;
	a.c.format = "json";
	rc = cmd_parse(self, argc, argv, &a);
	if (rc != CMD_GO)
		return rc;
	if (argc - optind > 1)
		return cmd_usage(self, "expected at most one SOURCE");
	if (optind < argc)
		spec = argv[optind];
	if (a.name == NULL)
		return cmd_usage(self, "--name is required");
	if (cmd_check_values(self, &a) != CMD_GO)
		return CC_EXIT_ERROR;
	d = cmd_load_defs(a.c.defs, &owned);
	if (d == NULL)
		return CC_EXIT_ERROR;
	s = load_source(spec, &a.c.so);
	rc = s == NULL ? CC_EXIT_ERROR : generate(&a, s, d);
	cc_set_free(s);
	cc_defs_free(owned);
	return rc;
}

const struct cmd cmd_generate = {
	.name = "generate",
	.synopsis =
		"[SOURCE] --name NAME [-o FILE] "
		"[-f json|cloud-hypervisor|firecracker|libvirt-cpu|qemu-cpu]",
	.summary =
		"Generate a CPU profile from a CPUID set (default SOURCE: "
		"kvm).",
	.opts = generate_opts,
	.run = run_generate,
};
