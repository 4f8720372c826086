/*
 * `cpucompat check` (directional migration gate) and `cpucompat diff`
 * (symmetric comparison for CI): load two sets, run the diff engine,
 * render the report, map the verdict to the exit status.
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

const struct cc_defs *cmd_load_defs(const char *dir, struct cc_defs **owned)
{
	struct cc_err e;

	*owned = NULL;
	if (dir == NULL)
		return cc_defs_builtin();
	*owned = cc_defs_load_dir(dir, &e);
	if (*owned == NULL)
		cmd_fail(&e);
	return *owned;
}

enum { OPT_NAMES = 0x200, OPT_IGNORE, OPT_WAIVERS, OPT_ALL, OPT_COLOR, OPT_DEFS };

static int run_compare(const struct cmd *self, int argc, char **argv,
		       int symmetric)
{
	static const struct option longopts[] = {
		{"format", required_argument, NULL, 'f'},
		{"output", required_argument, NULL, 'o'},
		{"names", required_argument, NULL, OPT_NAMES},
		{"ignore", required_argument, NULL, OPT_IGNORE},
		{"waivers", required_argument, NULL, OPT_WAIVERS},
		{"all", no_argument, NULL, OPT_ALL},
		{"color", required_argument, NULL, OPT_COLOR},
		{"defs", required_argument, NULL, OPT_DEFS},
		CMD_COMMON_LONGOPTS,
		{NULL, 0, NULL, 0},
	};
	struct source_opts so = {NULL, -1};
	struct report_opts ro = {symmetric ? "diff" : "check", "linux", 0, 0};
	const char *format = "text", *out = NULL, *color = NULL, *defsdir = NULL;
	const char *waiver_file = NULL;
	struct waivers ws;
	struct cc_diff_opts dopts;
	struct cc_set *a = NULL, *b = NULL;
	struct cc_report *r = NULL;
	struct cc_defs *owned = NULL;
	const struct cc_defs *d;
	struct cc_buf buf;
	struct cc_err e;
	int c, rc = CC_EXIT_ERROR, x;
	char **ignores = NULL;
	size_t nignores = 0, i;

	memset(&ws, 0, sizeof ws);
	cc_buf_init(&ws.text);
	cc_buf_init(&buf);
	while ((c = getopt_long(argc, argv, "f:o:h", longopts, NULL)) != -1) {
		switch (c) {
		case 'f':
			format = optarg;
			break;
		case 'o':
			out = optarg;
			break;
		case OPT_NAMES:
			ro.names = optarg;
			break;
		case OPT_IGNORE:
			ignores = cc_xrealloc(ignores, (nignores + 1) *
							       sizeof *ignores);
			ignores[nignores++] = optarg;
			break;
		case OPT_WAIVERS:
			waiver_file = optarg;
			break;
		case OPT_ALL:
			ro.all = 1;
			break;
		case OPT_COLOR:
			color = optarg;
			break;
		case OPT_DEFS:
			defsdir = optarg;
			break;
		case 'h':
			free(ignores);
			return cmd_help(self);
		default:
			x = cmd_common_opt(self, c, &so);
			if (x != 0) {
				free(ignores);
				return x > 0 ? cmd_usage(self, "unknown option")
					     : CC_EXIT_ERROR;
			}
		}
	}
	if (strcmp(format, "text") && strcmp(format, "json") &&
	    strcmp(format, "junit")) {
		free(ignores);
		return cmd_usage(self, "--format: expected text, json or junit");
	}
	if (strcmp(ro.names, "linux") && strcmp(ro.names, "qemu") &&
	    strcmp(ro.names, "libvirt")) {
		free(ignores);
		return cmd_usage(self, "--names: expected linux, qemu or libvirt");
	}
	if (color && strcmp(color, "auto") && strcmp(color, "always") &&
	    strcmp(color, "never")) {
		free(ignores);
		return cmd_usage(self, "--color: expected auto, always or never");
	}
	if (argc - optind != 2) {
		free(ignores);
		return cmd_usage(self, "expected two sources");
	}
	d = cmd_load_defs(defsdir, &owned);
	if (d == NULL)
		goto done;
	for (i = 0; i < nignores; i++) {
		char *tok, *save = NULL;

		for (tok = strtok_r(ignores[i], ",", &save); tok;
		     tok = strtok_r(NULL, ",", &save)) {
			if (!known_name(d, tok)) {
				fprintf(stderr, "cpucompat %s: --ignore: no "
						"field named '%s'\n",
					self->name, tok);
				goto done;
			}
			waiver_add(&ws, tok, "--ignore");
		}
	}
	if (waiver_file && load_waivers(&ws, waiver_file, d) != 0)
		goto done;
	if (strcmp(argv[optind], "-") == 0 && strcmp(argv[optind + 1], "-") == 0) {
		cmd_usage(self, "only one source can be standard input");
		goto done;
	}
	a = cmd_load(argv[optind], &so);
	if (a == NULL)
		goto done;
	b = cmd_load(argv[optind + 1], &so);
	if (b == NULL)
		goto done;
	memset(&dopts, 0, sizeof dopts);
	dopts.symmetric = symmetric;
	dopts.with_matches = ro.all || strcmp(format, "junit") == 0;
	dopts.waivers = ws.w;
	dopts.nwaivers = ws.n;
	r = cc_diff(a, b, d, &dopts);
	/* A KVM target lacking features: say which ones the CPU itself has,
	 * so "nested KVM hides them" is told apart from "old CPU". */
	if (!symmetric && strcmp(argv[optind + 1], "kvm") == 0 &&
	    r->count[CC_SEV_INCOMPATIBLE] > 0) {
		int reuse = strcmp(argv[optind], "host") == 0;
		struct cc_set *raw = reuse ? a : capture_host(&e);

		if (raw != NULL)
			cc_report_explain_kvm(r, raw);
		if (!reuse)
			cc_set_free(raw);
	}
	ro.color = strcmp(format, "text") == 0 && out == NULL &&
		   cmd_color(color, 1);
	if (strcmp(format, "json") == 0)
		report_json(&buf, r, &ro);
	else if (strcmp(format, "junit") == 0)
		report_junit(&buf, r, &ro);
	else
		report_text(&buf, r, &ro);
	if (cc_buf_save(&buf, out, &e) < 0) {
		cmd_fail(&e);
		goto done;
	}
	/* diff: any difference not waived is a failure, whatever its
	 * severity; waivers are how CI accepts known ones */
	if (symmetric)
		rc = r->count[CC_SEV_INCOMPATIBLE] + r->count[CC_SEV_WARNING] +
				     r->count[CC_SEV_INFO] ==
			     0
			     ? CC_EXIT_OK
			     : CC_EXIT_DIFF;
	else
		rc = r->verdict == CC_VERDICT_INCOMPATIBLE ? CC_EXIT_DIFF
							  : CC_EXIT_OK;
done:
	cc_report_free(r);
	cc_set_free(a);
	cc_set_free(b);
	cc_defs_free(owned);
	cc_buf_free(&buf);
	cc_buf_free(&ws.text);
	free(ws.w);
	free(ignores);
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

#define COMPARE_OPTIONS                                                        \
	"  -f, --format FMT        text (default), json or junit\n"             \
	"  -o, --output FILE       write the report to FILE atomically\n"       \
	"      --names SCHEME      spell features as linux (default), qemu or "\
	"libvirt\n"                                                              \
	"      --ignore NAME[,..]  accept differences in these fields "          \
	"(repeatable)\n"                                                         \
	"      --waivers FILE      accept the fields listed in FILE, one\n"     \
	"                          'NAME reason' per line\n"                    \
	"      --all               also list matching and host-dependent "      \
	"fields\n"                                                               \
	"      --color WHEN        auto (default), always or never; NO_COLOR "  \
	"is honoured\n"                                                          \
	"      --defs DIR          read field definitions from DIR/*.json\n"    \
	CMD_COMMON_HELP

const struct cmd cmd_check = {
	.name = "check",
	.synopsis = "SOURCE TARGET [-f text|json|junit] [--ignore NAME] "
		    "[--waivers FILE]",
	.summary = "Can a guest that sees SOURCE keep running on TARGET? "
		   "(exit 1 if not)",
	.options = COMPARE_OPTIONS,
	.run = run_check,
};

const struct cmd cmd_diff = {
	.name = "diff",
	.synopsis = "A B [-f text|json|junit] [--ignore NAME] [--waivers FILE]",
	.summary = "Every difference between two CPUID sets, both ways "
		   "(exit 1 if any).",
	.options = COMPARE_OPTIONS,
	.run = run_diff,
};
