/*
 * `cpucompat check` (directional migration gate) and `cpucompat diff`
 * (symmetric comparison for CI): load two sets, run the diff engine,
 * render the report, map the verdict to the exit status.  Both share one
 * option table and one run function; waivers come from --ignore and from
 * a --waivers file.
 */
#include "config.h"

#include <ctype.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "capture.h"
#include "cc_buf.h"
#include "cmd.h"
#include "diff.h"
#include "guest.h"
#include "report.h"

struct waivers {
	struct cc_waiver *w;
	size_t n;
	struct cc_buf text;  /* owns the strings of file waivers */
	struct cc_buf where; /* owns their "FILE:LINE", NUL-separated */
	size_t *at;          /* per waiver, its where's offset in .where */
};

static void waiver_add(struct waivers *ws, const char *name, const char *why,
		       const char *path, int lineno)
{
	ws->w = cc_xrealloc(ws->w, (ws->n + 1) * sizeof *ws->w);
	ws->at = cc_xrealloc(ws->at, (ws->n + 1) * sizeof *ws->at);
	ws->w[ws->n].name = name;
	ws->w[ws->n].reason = why;
	ws->w[ws->n].where = "--ignore";
	ws->at[ws->n] = SIZE_MAX;
	if (path != NULL) {
		ws->at[ws->n] = ws->where.len;
		cc_buf_printf(&ws->where, "%s:%d", path, lineno);
		cc_buf_add(&ws->where, "", 1);
	}
	ws->n++;
}

/* Point each file waiver's where into the finished .where buffer. */
static void waivers_fix_where(struct waivers *ws)
{
	size_t i;

	for (i = 0; i < ws->n; i++)
		if (ws->at[i] != SIZE_MAX)
			ws->w[i].where = ws->where.data + ws->at[i];
}

/* A field name (any spelling), a position such as 7.0.ebx[16] or MSR
 * 0x10a[5], or a category (`cpucompat defs` lists them). */
static int known_name(const struct cc_defs *d, const char *name)
{
	size_t i;

	if (strchr(name, '.') != NULL)
		return 1; /* a position such as 7.0.ebx[16], msr.0x10a[5] */
	if (strncasecmp(name, "MSR ", 4) == 0)
		return 1; /* a feature MSR's position, MSR 0x10a[5] */
	for (i = 0; i < d->n; i++)
		if (cc_field_matches(&d->fields[i], name, 0))
			return 1;
	return 0;
}

/* Split LINE in place into its first word (*NAME) and the trimmed rest
 * (*WHY).  An MSR position is two words, "MSR 0x10a[5]": joined by one
 * space into *NAME, so that it never waives the CPUID flag "msr". */
static void split_line(char *line, char **name, char **why)
{
	size_t n;

	while (isspace((unsigned char)*line))
		line++;
	*name = line;
	while (*line && !isspace((unsigned char)*line))
		line++;
	if (line - *name == 3 && strncasecmp(*name, "MSR", 3) == 0) {
		char *next = line;

		while (isspace((unsigned char)*next))
			next++;
		if (*next == '0') {
			*line++ = ' ';
			memmove(line, next, strlen(next) + 1);
			while (*line && !isspace((unsigned char)*line))
				line++;
		}
	}
	if (*line)
		*line++ = '\0';
	while (isspace((unsigned char)*line))
		line++;
	*why = line;
	n = strlen(line);
	while (n > 0 && isspace((unsigned char)line[n - 1]))
		line[--n] = '\0';
}

/* Waivers file: "NAME reason..." per line, '#' comments; a waiver
 * without a reason is bad input. */
static int load_waivers(struct waivers *ws, const char *path,
			const struct cc_defs *d)
{
	struct cc_err e;
	char *p;
	int lineno = 0;

	if (cc_buf_load(&ws->text, path, &e) < 0)
		return cmd_fail(&e);
	for (p = ws->text.data; p && *p;) {
		char *nl = strchr(p, '\n'), *name, *why;

		if (nl)
			*nl = '\0';
		split_line(p, &name, &why);
		p = nl ? nl + 1 : p + strlen(p);
		lineno++;
		if (*name == '\0' || *name == '#')
			continue;
		if (!known_name(d, name)) {
			fprintf(stderr,
				"cpucompat: %s:%d: no field or category named "
				"'%s' (use a name, alias, category or position "
				"like 7.0.ebx[16])\n",
				path, lineno, name);
			return CC_EXIT_ERROR;
		}
		if (*why == '\0' || *why == '#') {
			fprintf(stderr,
				"cpucompat: %s:%d: the waiver of '%s' gives no "
				"reason (write 'NAME why it is accepted')\n",
				path, lineno, name);
			return CC_EXIT_ERROR;
		}
		waiver_add(ws, name, why, path, lineno);
	}
	return 0;
}

struct compare_args {
	struct cmd_args c;
	struct cmd_list ignore; /* --ignore, each a comma-separated list */
	const char *waivers;
	int all;
	const char *view;   /* --view: "guest" (default) or "raw" */
	int strict_waivers; /* exit 1 when a waiver accepted nothing */
};

static const struct cmd_opt compare_opts[] = {
	CMD_USE(cmd_opt_format,
		"text (default), json, junit, markdown (a pull-\n"
		"request comment) or github (Actions annotations)",
		"text|json|junit|markdown|github"),
	CMD_USE(cmd_opt_output, "write the report to FILE atomically", NULL),
	CMD_USE(cmd_opt_names,
		"spell features as linux (default), qemu or libvirt", NULL),
	CMD_OPT("ignore", 0, "NAME[,..]", CMD_LIST, struct compare_args, ignore,
		"accept differences in these fields, positions\n"
		"or categories (repeatable); listed as waived"),
	CMD_OPT("waivers", 0, "FILE", CMD_STR, struct compare_args, waivers,
		"accept the fields listed in FILE, one\n"
		"'NAME reason' per line (the reason is required)"),
	CMD_OPT("strict-waivers", 0, NULL, CMD_FLAG, struct compare_args,
		strict_waivers, "exit 1 when a waiver accepted nothing"),
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
				fprintf(stderr,
					"cpucompat %s: --ignore: no "
					"field or category named "
					"'%s'\n",
					self->name, tok);
				return CC_EXIT_ERROR;
			}
			waiver_add(ws, tok, "--ignore", NULL, 0);
		}
	}
	if (a->waivers && load_waivers(ws, a->waivers, d) != 0)
		return CC_EXIT_ERROR;
	waivers_fix_where(ws);
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

/* The file the annotations of R point at: the target when it is a
 * file, else the source when it is; its text into TEXT.  NULL when
 * neither is a file we can read. */
static const char *annotated_file(const struct cc_report *r,
				  struct cc_buf *text)
{
	const struct cc_report_side *sides[2] = {&r->target, &r->source};
	struct cc_err e;
	int i;

	for (i = 0; i < 2; i++) {
		const char *o = sides[i]->origin;

		if (strcmp(o, "-") == 0 || strcmp(o, "host") == 0 ||
		    strcmp(o, "kvm") == 0 || strncmp(o, "profile:", 8) == 0)
			continue;
		if (cc_buf_load(text, o, &e) == 0)
			return o;
		cc_buf_free(text);
		cc_buf_init(text);
	}
	return NULL;
}

/* Render R as --format asks and write it; 0, or 2 after the message. */
static int render(const struct compare_args *a, const struct cc_report *r,
		  struct report_opts *ro)
{
	struct cc_buf buf, text;
	struct cc_err e;
	int rc = 0;

	cc_buf_init(&buf);
	cc_buf_init(&text);
	ro->color = strcmp(a->c.format, "text") == 0 && a->c.output == NULL &&
		    cmd_color(a->c.color, 1);
	ro->strict_waivers = a->strict_waivers;
	if (strcmp(a->c.format, "json") == 0) {
		report_json(&buf, r, ro);
	} else if (strcmp(a->c.format, "junit") == 0) {
		report_junit(&buf, r, ro);
	} else if (strcmp(a->c.format, "markdown") == 0) {
		report_markdown(&buf, r, ro);
	} else if (strcmp(a->c.format, "github") == 0) {
		ro->file = annotated_file(r, &text);
		ro->file_text = text.data;
		report_github(&buf, r, ro);
	} else {
		report_text(&buf, r, ro);
	}
	if (cc_buf_save(&buf, a->c.output, &e) < 0)
		rc = cmd_fail(&e);
	cc_buf_free(&buf);
	cc_buf_free(&text);
	return rc;
}

/* Load both sources, diff them, render; the exit status. */
static int compare(const struct cmd *self, struct compare_args *a, char **specs,
		   const struct cc_defs *d, struct waivers *ws, int symmetric)
{
	struct report_opts ro = {.command = self->name,
				 .names = a->c.names,
				 .all = a->all};
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
		fprintf(stderr,
			"cpucompat %s: the field definitions have no KVM "
			"rules (kvm_rules): judging raw CPUID\n",
			self->name);
	r = cc_diff(src, dst, d, &dopts);
	if (!symmetric && strcmp(specs[1], "kvm") == 0 &&
	    r->count[CC_SEV_INCOMPATIBLE] > 0)
		explain_kvm(r, specs[0], src);
	if (render(a, r, &ro) == 0)
		rc = cc_report_exit(r, a->strict_waivers);
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
	cc_buf_init(&ws.where);
	rc = CC_EXIT_ERROR;
	d = cmd_load_defs(a.c.defs, &owned);
	if (d != NULL && collect_waivers(self, &a, d, &ws) == 0)
		rc = compare(self, &a, argv + optind, d, &ws, symmetric);
	cc_defs_free(owned);
	cc_buf_free(&ws.text);
	cc_buf_free(&ws.where);
	free(ws.w);
	free(ws.at);
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
	.synopsis =
		"SOURCE TARGET [-f FORMAT] [--ignore NAME] "
		"[--waivers FILE] [--strict-waivers]",
	.summary =
		"Can a guest that sees SOURCE keep running on TARGET? "
		"(exit 1 if not)",
	.opts = compare_opts,
	.run = run_check,
};

const struct cmd cmd_diff = {
	.name = "diff",
	.synopsis =
		"A B [-f FORMAT] [--ignore NAME] [--waivers FILE] "
		"[--strict-waivers]",
	.summary =
		"Every difference between two CPUID sets, both ways "
		"(exit 1 if any is not waived).",
	.opts = compare_opts,
	.run = run_diff,
};
