/*
 * `cpucompat explore A [B]`: the interactive explorer.  With two sets it
 * browses the check A -> B; with one it decodes every field of A.  This
 * layer parses options, loads the sets, builds the view model (view.h) and
 * hands it to the terminal front end (tui.h); it alone prints errors and
 * picks the exit status: 0 after `q`, 2 for usage and input errors and
 * when there is no usable terminal.  A signal that ends the session is
 * re-raised once everything is freed and the terminal restored.
 */
#include "config.h"

#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "cmd.h"
#include "tui.h"
#include "view.h"

static const struct cmd_opt explore_opts[] = {
	CMD_USE(cmd_opt_output,
		"where 'w' writes the what-if profile\n"
		"(default: A's name + -whatif.json)",
		NULL),
	CMD_USE(cmd_opt_color, NULL, NULL),
	CMD_USE(cmd_opt_defs, NULL, NULL),
	CMD_USE(cmd_opt_input_format, NULL, NULL),
	CMD_USE(cmd_opt_cpu, NULL, NULL),
	CMD_USE(cmd_opt_help, NULL, NULL),
	CMD_END,
};

/* The operands and the terminal; CMD_GO, or 2 after the message. */
static int check_args(const struct cmd *self, int nargs, char **specs)
{
	if (nargs < 1 || nargs > 2)
		return cmd_usage(self, "expected one or two sources");
	if (nargs == 2 && strcmp(specs[0], "-") == 0 &&
	    strcmp(specs[1], "-") == 0)
		return cmd_usage(self, "only one source can be standard input");
	/* fail early, before loading anything slow such as kvm */
	if (!isatty(STDOUT_FILENO)) {
		fprintf(stderr,
			"cpucompat explore: standard output is not a "
			"terminal (use 'cpucompat check' for a "
			"report)\n");
		return CC_EXIT_ERROR;
	}
	return CMD_GO;
}

static int run_explore(const struct cmd *self, int argc, char **argv)
{
	struct cmd_args a = {.so = {NULL, -1}};
	struct tui_opts to = {0, NULL};
	struct cc_set *src = NULL, *dst = NULL;
	struct cc_defs *owned = NULL;
	const struct cc_defs *d;
	struct view *v = NULL;
	struct cc_err e;
	int x, nargs, rc;

	rc = cmd_parse(self, argc, argv, &a);
	if (rc == CMD_GO)
		rc = cmd_check_values(self, &a);
	nargs = argc - optind;
	if (rc == CMD_GO)
		rc = check_args(self, nargs, argv + optind);
	if (rc != CMD_GO)
		return rc;
	rc = CC_EXIT_ERROR;
	to.profile_path = a.output;
	d = cmd_load_defs(a.defs, &owned);
	if (d == NULL)
		goto done;
	src = cmd_load(argv[optind], &a.so);
	if (src == NULL)
		goto done;
	if (nargs == 2) {
		dst = cmd_load(argv[optind + 1], &a.so);
		if (dst == NULL)
			goto done;
	}
	v = view_new(src, dst, d);
	to.color = cmd_color(a.color, STDOUT_FILENO);
	x = tui_run(v, &to, &e);
	if (x < 0)
		cmd_fail(&e);
	else if (x == 0)
		rc = CC_EXIT_OK;
	view_free(v);
	cc_set_free(src);
	cc_set_free(dst);
	cc_defs_free(owned);
	if (x > 0) {
		/* die of the signal, as an uncaught one would */
		signal(x, SIG_DFL);
		raise(x);
		return 128 + x;
	}
	return rc;
done:
	cc_set_free(src);
	cc_set_free(dst);
	cc_defs_free(owned);
	return rc;
}

const struct cmd cmd_explore = {
	.name = "explore",
	.synopsis = "A [B] [-o FILE] [--color WHEN]",
	.summary = "Browse the check A -> B (or decode A) interactively.",
	.opts = explore_opts,
	.run = run_explore,
};
