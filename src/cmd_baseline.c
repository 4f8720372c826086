/*
 * `cpucompat baseline SOURCE...`: the richest profile every source can
 * run (profile.c computes it), written in a profile format, with what each
 * source gives up for it on stderr and, with --report, as JSON.  Both, and
 * the profile's metadata ("qemu_nearest"), name the nearest QEMU model
 * (qemu_model.h).
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cc_buf.h"
#include "cc_json.h"
#include "cmd.h"
#include "guest.h"
#include "profile.h"
#include "qemu_model.h"
#include "report.h"

/* Longest "nearest QEMU model" text. */
#define NEAREST_MAX 512

struct baseline_args {
	struct cmd_args c;
	const char *name, *report;
	int quiet;
	const char *view; /* --view: "guest" (default) or "raw" */
};

static const struct cmd_opt baseline_opts[] = {
	CMD_OPT("name", 'n', "NAME", CMD_STR, struct baseline_args, name,
		"profile name and brand string (default: baseline)"),
	CMD_USE(cmd_opt_output,
		"write the profile to FILE atomically (default: stdout)", NULL),
	CMD_USE(cmd_opt_format,
		"json (default), cloud-hypervisor, firecracker,\n"
		"libvirt-cpu (a libvirt <cpu>) or qemu-cpu (a -cpu argument)",
		"json|cloud-hypervisor|firecracker|libvirt-cpu|qemu-cpu||"
		"cloud-hypervisor-profile"),
	CMD_OPT("report", 0, "FILE", CMD_STR, struct baseline_args, report,
		"write what each source gives up as JSON to FILE"),
	CMD_OPT("quiet", 'q', NULL, CMD_FLAG, struct baseline_args, quiet,
		"do not print that summary on stderr"),
	CMD_OPT_CHOICES("view", 0, "VIEW", struct baseline_args, view,
			"guest (default): list only what a KVM guest\n"
			"gives up; raw: every raw CPUID field",
			"guest|raw"),
	CMD_USE(cmd_opt_defs, NULL, NULL),
	CMD_USE(cmd_opt_input_format, NULL, NULL),
	CMD_USE(cmd_opt_cpu, NULL, NULL),
	CMD_USE(cmd_opt_help, NULL, NULL),
	CMD_END,
};

static void cost_text(struct cc_buf *b, const struct cc_baseline_cost *c)
{
	if (c->field->rule == CC_RULE_SUBSET && c->field->lo == c->field->hi)
		cc_buf_puts(b, c->field->name);
	else
		cc_buf_printf(b, "%s (%#x -> %#x)", c->field->name, c->own,
			      c->base);
}

/* The nearest QEMU model of P into OUT ("" when there is none), also as
 * P's metadata "qemu_nearest". */
static void name_nearest(struct cc_set *p, const struct cc_defs *d, char *out,
			 size_t n)
{
	struct qemu_model_match m;
	struct cc_err e;

	out[0] = '\0';
	if (qemu_model_nearest(p, d, &m, &e) < 0)
		return;
	qemu_model_describe(&m, out, n);
	cc_set_meta_set(p, "qemu_nearest", out, 0);
	qemu_model_match_free(&m);
}

static void baseline_text(FILE *out, const struct cc_baseline *bl,
			  struct cc_set *const *src, size_t n)
{
	const char *near = cc_set_meta(bl->profile, "qemu_nearest");
	size_t i, k = 0;

	fprintf(out,
		"baseline '%s' of %zu source%s (%s); family, model and "
		"stepping from %s\n",
		bl->profile->name, n, n == 1 ? "" : "s", bl->profile->vendor_id,
		src[bl->reference]->name);
	if (near != NULL)
		fprintf(out, "nearest QEMU model: %s\n", near);
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

		cmd_position(c->leaf, c->subleaf, c->field->reg, c->field->lo,
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
	cc_json_put_string(b, bl->profile->name);
	cc_buf_printf(b, ",\n  \"vendor\": ");
	cc_json_put_string(b, bl->profile->vendor_id);
	cc_buf_puts(b, ",\n  \"reference\": ");
	cc_json_put_string(b, src[bl->reference]->name);
	cc_buf_puts(b, ",\n  \"nearest_qemu_model\": ");
	cc_json_put_string(b, cc_set_meta(bl->profile, "qemu_nearest"));
	cc_buf_puts(b, ",\n  \"sources\": [");
	for (i = 0; i < n; i++) {
		size_t first = k, x;

		while (k < bl->ncosts && bl->costs[k].source == i)
			k++;
		cc_buf_puts(b, i ? ",\n    " : "\n    ");
		cc_buf_puts(b, "{\"source\": ");
		cc_json_put_string(b, src[i]->name);
		cc_buf_puts(b, ", \"gives_up\": [");
		for (x = first; x < k; x++) {
			const struct cc_baseline_cost *c = &bl->costs[x];
			char pos[64];

			cmd_position(c->leaf, c->subleaf, c->field->reg,
				     c->field->lo, c->field->hi, pos,
				     sizeof pos);
			cc_buf_puts(b, x > first ? ", {\"field\": "
						 : "{\"field\": ");
			cc_json_put_string(b, c->field->name);
			cc_buf_puts(b, ", \"position\": ");
			cc_json_put_string(b, pos);
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

		cmd_position(c->leaf, c->subleaf, c->field->reg, c->field->lo,
			     c->field->hi, pos, sizeof pos);
		cc_buf_puts(b, i ? ",\n    " : "\n    ");
		cc_buf_puts(b, "{\"field\": ");
		cc_json_put_string(b, c->field->name);
		cc_buf_puts(b, ", \"position\": ");
		cc_json_put_string(b, pos);
		cc_buf_puts(b, ", \"sources\": [");
		cc_json_put_string(b, src[c->a]->name);
		cc_buf_puts(b, ", ");
		cc_json_put_string(b, src[c->b]->name);
		cc_buf_printf(b, "], \"values\": [%u, %u]}", c->va, c->vb);
	}
	cc_buf_puts(b, bl->nconflicts ? "\n  ]\n}\n" : "]\n}\n");
}

/* Write the --report JSON to PATH; 0, or 2 after the message. */
static int write_report(const char *path, const struct cc_baseline *bl,
			struct cc_set *const *sets, size_t n)
{
	struct cc_buf b;
	struct cc_err e;
	int r;

	cc_buf_init(&b);
	baseline_json(&b, bl, sets, n);
	r = cc_buf_save(&b, path, &e);
	cc_buf_free(&b);
	return r < 0 ? cmd_fail(&e) : 0;
}

/* Compute and write the baseline of SETS[0..N); the exit status. */
static int baseline(const struct cmd *self, void *args, const struct cc_defs *d,
		    struct cc_set **sets, char **ops, size_t n)
{
	const struct baseline_args *a = args;
	struct cc_baseline *bl;
	struct cc_profile_opts po;
	struct cc_err e;
	char when[32], near[NEAREST_MAX];
	int rc = CC_EXIT_ERROR;

	cmd_profile_opts(&po, a->name, when, sizeof when);
	bl = cc_profile_baseline((const struct cc_set *const *)sets, n, d, &po,
				 &e);
	if (bl == NULL)
		return cmd_fail(&e);
	name_nearest(bl->profile, d, near, sizeof near);
	cc_baseline_view(bl, d, cc_view_parse(a->view));
	if (a->report != NULL && write_report(a->report, bl, sets, n) != 0)
		goto done;
	if (cmd_write_profile(bl->profile, a->c.format, a->c.output, &e) < 0) {
		cmd_fail(&e);
		goto done;
	}
	if (!a->quiet)
		baseline_text(stderr, bl, sets, n);
	rc = CC_EXIT_OK;
done:
	cc_baseline_free(bl);
	return rc;
}

static const struct cmd_sources baseline_sources = {
	.min = 1,
	.count = "expected at least one SOURCE",
	.load = 1,
	.run = baseline,
};

static int run_baseline(const struct cmd *self, int argc, char **argv)
{
	struct baseline_args a;

	memset(&a, 0, sizeof a);
	a.c.so.cpu = -1;
	a.c.format = "json";
	a.name = "baseline";
	a.view = "guest";
	return cmd_run_sources(self, argc, argv, &a, &baseline_sources);
}

const struct cmd cmd_baseline = {
	.name = "baseline",
	.synopsis = "SOURCE... [--name NAME] [-o FILE] [--report FILE]",
	.summary =
		"The richest profile every SOURCE can run, and what each "
		"gives up for it.",
	.opts = baseline_opts,
	.run = run_baseline,
};
