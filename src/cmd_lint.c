/*
 * `cpucompat lint [SOURCE...]`: check that each set's features agree with
 * what they need (lint.c): other features, XSAVE state components and
 * leaves.  A dump must have what its features need; a profile must not
 * fix a need to 0, and must require the XSAVE state of every feature it
 * requires.  Text or JSON; exit 0 when every set is consistent, 1 when
 * one is not, 2 when a source cannot be read.
 */
#include "config.h"

#include <stdio.h>
#include <string.h>

#include "cc_buf.h"
#include "cc_json.h"
#include "cmd.h"
#include "lint.h"
#include "report.h"

static const struct cmd_opt lint_opts[] = {
	CMD_USE(cmd_opt_format, "text (default) or json", "text|json"),
	CMD_USE(cmd_opt_input_format, NULL, NULL),
	CMD_USE(cmd_opt_cpu, NULL, NULL),
	CMD_USE(cmd_opt_help, NULL, NULL),
	CMD_END,
};

static const char *const kind_names[] = {"feature", "state", "leaf"};

static void text_set(struct cc_buf *b, const struct cc_set *s,
		     const struct lint_report *r)
{
	size_t i;

	if (r->n == 0) {
		cc_buf_printf(b, "%s: consistent (%zu dependencies checked)\n",
			      cc_set_label(s), r->checked);
		return;
	}
	cc_buf_printf(b, "%s: %zu dependenc%s broken (%zu checked)\n",
		      cc_set_label(s), r->n, r->n == 1 ? "y" : "ies",
		      r->checked);
	for (i = 0; i < r->n; i++)
		cc_buf_printf(b, "  %s\n", r->findings[i].message);
}

static void json_finding(struct cc_buf *b, const struct lint_finding *f)
{
	const struct lint_dep *d = f->dep;
	char pos[48];

	cc_buf_puts(b, "{\"feature\": ");
	cc_json_put_string(b, d->feature.name);
	lint_position(&d->feature, LINT_NEEDS_FEATURE, pos, sizeof pos);
	cc_buf_puts(b, ", \"feature_position\": ");
	cc_json_put_string(b, pos);
	cc_buf_printf(b,
		      ", \"kind\": \"%s\", \"needs\": ", kind_names[d->kind]);
	cc_json_put_string(b, d->needs.name);
	lint_position(&d->needs, d->kind, pos, sizeof pos);
	cc_buf_puts(b, ", \"needs_position\": ");
	cc_json_put_string(b, pos);
	cc_buf_puts(b, ", \"needs_description\": ");
	cc_json_put_string(b, d->what);
	cc_buf_printf(b,
		      ", \"problem\": \"%s\", \"required\": %s, "
		      "\"message\": ",
		      f->problem == LINT_HOST ? "left_to_host" : "missing",
		      f->required ? "true" : "false");
	cc_json_put_string(b, f->message);
	cc_buf_puts(b, "}");
}

static void json_set(struct cc_buf *b, const struct cc_set *s,
		     const struct lint_report *r, int first)
{
	size_t i;

	cc_buf_puts(b, first ? "\n    {\"name\": " : ",\n    {\"name\": ");
	cc_json_put_string(b, cc_set_label(s));
	cc_buf_printf(b,
		      ", \"kind\": \"%s\", \"consistent\": %s, "
		      "\"checked\": %zu, \"findings\": [",
		      s->kind == CC_KIND_PROFILE ? "profile" : "dump",
		      r->n ? "false" : "true", r->checked);
	for (i = 0; i < r->n; i++) {
		cc_buf_puts(b, i ? ",\n      " : "\n      ");
		json_finding(b, &r->findings[i]);
	}
	cc_buf_puts(b, r->n ? "\n    ]}" : "]}");
}

/* Check SETS[0..N) and write what is missing; the exit status. */
static int lint(const struct cmd *self, void *args, const struct cc_defs *d,
		struct cc_set **sets, char **ops, size_t n)
{
	const struct cmd_args *a = args;
	struct cc_buf b;
	struct cc_err e;
	size_t i, broken = 0;
	int r, json;

	json = strcmp(a->format, "json") == 0;
	cc_buf_init(&b);
	if (json)
		cc_buf_puts(&b,
			    "{\n  \"schema\": \"cpucompat-lint/1\",\n"
			    "  \"command\": \"lint\",\n  \"sets\": [");
	for (i = 0; i < n; i++) {
		struct lint_report *lr = lint_check(sets[i]);

		if (lr->n)
			broken++;
		if (json)
			json_set(&b, sets[i], lr, i == 0);
		else
			text_set(&b, sets[i], lr);
		lint_report_free(lr);
	}
	if (json)
		cc_buf_printf(&b, "\n  ],\n  \"verdict\": \"%s\"\n}\n",
			      broken ? "inconsistent" : "consistent");
	r = cc_buf_save(&b, NULL, &e) < 0 ? cmd_fail(&e)
	    : broken                      ? CC_EXIT_DIFF
					  : CC_EXIT_OK;
	cc_buf_free(&b);
	return r;
}

static char lint_host[] = "host";

static const struct cmd_sources lint_sources = {
	.deflt = lint_host,
	.load = 1,
	.run = lint,
};

static int run_lint(const struct cmd *self, int argc, char **argv)
{
	struct cmd_args a = {.so = {NULL, -1}, .format = "text"};

	return cmd_run_sources(self, argc, argv, &a, &lint_sources);
}

const struct cmd cmd_lint = {
	.name = "lint",
	.synopsis = "[SOURCE...]",
	.summary =
		"Check that each set's features have the features, XSAVE "
		"state and leaves they need.",
	.opts = lint_opts,
	.run = run_lint,
};
