/*
 * `cpucompat check` (directional migration gate) and `cpucompat diff`
 * (symmetric comparison for CI): load two sets, run the diff engine,
 * render the report, map the verdict to the exit status.  Both share one
 * option table and one run function; waivers come from --ignore and from
 * a --waivers file.
 */
#include "config.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "capture.h"
#include "cc_buf.h"
#include "cmd.h"
#include "diff.h"
#include "guest.h"
#include "report.h"

struct waivers {
	struct cc_waiver *w;
	size_t n;
	struct cc_buf text; /* owns the strings of file waivers */
};

static void waiver_add(struct waivers *ws, const char *name, const char *why)
{
	ws->w = cc_xrealloc(ws->w, (ws->n + 1) * sizeof *ws->w);
	ws->w[ws->n].name = name;
	ws->w[ws->n].reason = why;
	ws->n++;
}

static int known_name(const struct cc_defs *d, const char *name)
{
	size_t i;

	if (strchr(name, '.') != NULL)
		return 1; /* a position such as 7.0.ebx[16] */
	for (i = 0; i < d->n; i++)
		if (cc_field_named(&d->fields[i], name, 0))
			return 1;
	return 0;
}

/* Waivers file: "NAME [reason...]" per line, '#' comments. */
static int load_waivers(struct waivers *ws, const char *path,
			const struct cc_defs *d)
{
	struct cc_err e;
	char *p, *line;
	int lineno = 0;

	if (cc_buf_load(&ws->text, path, &e) < 0)
		return cmd_fail(&e);
	for (p = ws->text.data; p && *p; ) {
		char *nl = strchr(p, '\n'), *name, *why;

		if (nl)
			*nl = '\0';
		line = p;
		p = nl ? nl + 1 : p + strlen(p);
		lineno++;
		while (isspace((unsigned char)*line))
			line++;
		if (*line == '\0' || *line == '#')
			continue;
		name = line;
		while (*line && !isspace((unsigned char)*line))
			line++;
		if (*line)
			*line++ = '\0';
		while (isspace((unsigned char)*line))
			line++;
		why = line;
		{
			size_t n = strlen(why);

			while (n > 0 && isspace((unsigned char)why[n - 1]))
				why[--n] = '\0';
		}
		if (!known_name(d, name)) {
			fprintf(stderr,
				"cpucompat: %s:%d: no field named '%s' (use a "
				"name, alias or position like 7.0.ebx[16])\n",
				path, lineno, name);
			return CC_EXIT_ERROR;
		}
		waiver_add(ws, name, why);
	}
	return 0;
}

struct compare_args {
	struct cmd_args c;
	struct cmd_list ignore; /* --ignore, each a comma-separated list */
	const char *waivers;
	int all;
	const char *view; /* --view: "guest" (default) or "raw" */
};

static const struct cmd_opt compare_opts[] = {
	CMD_USE(cmd_opt_format, "text (default), json or junit",
		"text|json|junit"),
	CMD_USE(cmd_opt_output, "write the report to FILE atomically", NULL),
	CMD_USE(cmd_opt_names,
		"spell features as linux (default), qemu or libvirt", NULL),
	CMD_OPT("ignore", 0, "NAME[,..]", CMD_LIST, struct compare_args, ignore,
		"accept differences in these fields (repeatable)"),
	CMD_OPT("waivers", 0, "FILE", CMD_STR, struct compare_args, waivers,
		"accept the fields listed in FILE, one\n"
		"'NAME reason' per line"),
	CMD_OPT("all", 0, NULL, CMD_FLAG, struct compare_args, all,
		"also list matching and host-dependent fields"),
	CMD_OPT_CHOICES("view", 0, "VIEW", struct compare_args, view,
			"guest (default): judge what a KVM guest\n"
			"sees; raw: compare raw CPUID",
			"guest|raw"),
	CMD_USE(cmd_opt_color, NULL, NULL),
	CMD_USE(cmd_opt_defs, NULL, NULL),
	CMD_USE(cmd_opt_input_format, NULL, NULL),
	CMD_USE(cmd_opt_cpu, NULL, NULL),
	CMD_USE(cmd_opt_help, NULL, NULL),
	CMD_END,
};

/* The waivers of --ignore and --waivers into WS; 0, or 2 after the
 * message. */
static int collect_waivers(const struct cmd *self, struct compare_args *a,
			   const struct cc_defs *d, struct waivers *ws)
{
	size_t i;

	for (i = 0; i < a->ignore.n; i++) {
		char *tok, *save = NULL;

		for (tok = strtok_r(a->ignore.v[i], ",", &save); tok;
		     tok = strtok_r(NULL, ",", &save)) {
			if (!known_name(d, tok)) {
				fprintf(stderr, "cpucompat %s: --ignore: no "
						"field named '%s'\n",
					self->name, tok);
				return CC_EXIT_ERROR;
			}
			waiver_add(ws, tok, "--ignore");
		}
	}
	if (a->waivers && load_waivers(ws, a->waivers, d) != 0)
		return CC_EXIT_ERROR;
	return 0;
}

/* A KVM target lacking features: say which ones the CPU itself has, so
 * "nested KVM hides them" is told apart from "old CPU". */
static void explain_kvm(struct cc_report *r, const char *srcspec,
			struct cc_set *src)
{
	int reuse = strcmp(srcspec, "host") == 0;
	struct cc_err e;
	struct cc_set *raw = reuse ? src : capture_host(&e);

	if (raw != NULL)
		cc_report_explain_kvm(r, raw);
	if (!reuse)
		cc_set_free(raw);
}

/* Render R as --format asks and write it; 0, or 2 after the message. */
static int render(const struct compare_args *a, const struct cc_report *r,
		  struct report_opts *ro)
{
	struct cc_buf buf;
	struct cc_err e;
	int rc = 0;

	cc_buf_init(&buf);
	ro->color = strcmp(a->c.format, "text") == 0 && a->c.output == NULL &&
		    cmd_color(a->c.color, 1);
	if (strcmp(a->c.format, "json") == 0)
		report_json(&buf, r, ro);
	else if (strcmp(a->c.format, "junit") == 0)
		report_junit(&buf, r, ro);
	else
		report_text(&buf, r, ro);
	if (cc_buf_save(&buf, a->c.output, &e) < 0)
		rc = cmd_fail(&e);
	cc_buf_free(&buf);
	return rc;
}

/* The exit status of a rendered report. */
static int verdict_status(const struct cc_report *r, int symmetric)
{
	/* diff: any difference not waived is a failure, whatever its
	 * severity; waivers are how CI accepts known ones */
	if (symmetric)
		return r->count[CC_SEV_INCOMPATIBLE] + r->count[CC_SEV_WARNING] +
				       r->count[CC_SEV_INFO] ==
			       0
			       ? CC_EXIT_OK
			       : CC_EXIT_DIFF;
	return r->verdict == CC_VERDICT_INCOMPATIBLE ? CC_EXIT_DIFF
						      : CC_EXIT_OK;
}

/* Load both sources, diff them, render; the exit status. */
static int compare(const struct cmd *self, struct compare_args *a,
		   char **specs, const struct cc_defs *d, struct waivers *ws,
		   int symmetric)
{
	struct report_opts ro = {
		.command = self->name, .names = a->c.names, .all = a->all};
	struct cc_diff_opts dopts;
	struct cc_set *src = NULL, *dst = NULL;
	struct cc_report *r = NULL;
	int rc = CC_EXIT_ERROR;

	if (strcmp(specs[0], "-") == 0 && strcmp(specs[1], "-") == 0)
		return cmd_usage(self, "only one source can be standard input");
	src = cmd_load(specs[0], &a->c.so);
	if (src == NULL)
		goto done;
	dst = cmd_load(specs[1], &a->c.so);
	if (dst == NULL)
		goto done;
	memset(&dopts, 0, sizeof dopts);
	dopts.symmetric = symmetric;
	dopts.with_matches = a->all || strcmp(a->c.format, "junit") == 0;
	dopts.waivers = ws->w;
	dopts.nwaivers = ws->n;
	dopts.view = cc_view_parse(a->view);
	if (dopts.view == CC_VIEW_GUEST && d->kvm_rules == NULL)
		fprintf(stderr, "cpucompat %s: the field definitions have no KVM "
				"rules (kvm_rules): judging raw CPUID\n",
			self->name);
	r = cc_diff(src, dst, d, &dopts);
	if (!symmetric && strcmp(specs[1], "kvm") == 0 &&
	    r->count[CC_SEV_INCOMPATIBLE] > 0)
		explain_kvm(r, specs[0], src);
	if (render(a, r, &ro) == 0)
		rc = verdict_status(r, symmetric);
done:
	cc_report_free(r);
	cc_set_free(src);
	cc_set_free(dst);
	return rc;
}

static int run_compare(const struct cmd *self, int argc, char **argv,
		       int symmetric)
{
	struct compare_args a;
	struct waivers ws;
	struct cc_defs *owned = NULL;
	const struct cc_defs *d;
	int rc;

	memset(&a, 0, sizeof a);
	a.c.so.cpu = -1;
	a.c.format = "text";
	a.c.names = "linux";
	a.view = "guest";
	rc = cmd_parse(self, argc, argv, &a);
	if (rc == CMD_GO)
		rc = cmd_check_values(self, &a);
	if (rc == CMD_GO && argc - optind != 2)
		rc = cmd_usage(self, "expected two sources");
	if (rc != CMD_GO) {
		free(a.ignore.v);
		return rc;
	}
	memset(&ws, 0, sizeof ws);
	cc_buf_init(&ws.text);
	rc = CC_EXIT_ERROR;
	d = cmd_load_defs(a.c.defs, &owned);
	if (d != NULL && collect_waivers(self, &a, d, &ws) == 0)
		rc = compare(self, &a, argv + optind, d, &ws, symmetric);
	cc_defs_free(owned);
	cc_buf_free(&ws.text);
	free(ws.w);
	free(a.ignore.v);
	return rc;
}

static int run_check(const struct cmd *self, int argc, char **argv)
{
	return run_compare(self, argc, argv, 0);
}

static int run_diff(const struct cmd *self, int argc, char **argv)
{
	return run_compare(self, argc, argv, 1);
}

const struct cmd cmd_check = {
	.name = "check",
	.synopsis = "SOURCE TARGET [-f text|json|junit] [--ignore NAME] "
		    "[--waivers FILE]",
	.summary = "Can a guest that sees SOURCE keep running on TARGET? "
		   "(exit 1 if not)",
	.opts = compare_opts,
	.run = run_check,
};

const struct cmd cmd_diff = {
	.name = "diff",
	.synopsis = "A B [-f text|json|junit] [--ignore NAME] [--waivers FILE]",
	.summary = "Every difference between two CPUID sets, both ways "
		   "(exit 1 if any).",
	.opts = compare_opts,
	.run = run_diff,
};
