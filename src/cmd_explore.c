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

enum { OPT_COLOR = 0x200, OPT_DEFS };

static int run_explore(const struct cmd *self, int argc, char **argv)
{
	static const struct option longopts[] = {
		{"output", required_argument, NULL, 'o'},
		{"color", required_argument, NULL, OPT_COLOR},
		{"defs", required_argument, NULL, OPT_DEFS},
		CMD_COMMON_LONGOPTS,
		{NULL, 0, NULL, 0},
	};
	struct source_opts so = {NULL, -1};
	struct tui_opts to = {0, NULL};
	const char *color = NULL, *defsdir = NULL;
	struct cc_set *a = NULL, *b = NULL;
	struct cc_defs *owned = NULL;
	const struct cc_defs *d;
	struct view *v = NULL;
	struct cc_err e;
	int c, x, nargs, rc = CC_EXIT_ERROR;

	while ((c = getopt_long(argc, argv, "o:h", longopts, NULL)) != -1) {
		switch (c) {
		case 'o':
			to.profile_path = optarg;
			break;
		case OPT_COLOR:
			color = optarg;
			break;
		case OPT_DEFS:
			defsdir = optarg;
			break;
		case 'h':
			return cmd_help(self);
		default:
			x = cmd_common_opt(self, c, &so);
			if (x != 0)
				return x > 0 ? cmd_usage(self, "unknown option")
					     : CC_EXIT_ERROR;
		}
	}
	if (color && strcmp(color, "auto") && strcmp(color, "always") &&
	    strcmp(color, "never"))
		return cmd_usage(self, "--color: expected auto, always or never");
	nargs = argc - optind;
	if (nargs < 1 || nargs > 2)
		return cmd_usage(self, "expected one or two sources");
	if (nargs == 2 && strcmp(argv[optind], "-") == 0 &&
	    strcmp(argv[optind + 1], "-") == 0)
		return cmd_usage(self, "only one source can be standard input");
	/* fail early, before loading anything slow such as kvm */
	if (!isatty(STDOUT_FILENO)) {
		fprintf(stderr, "cpucompat explore: standard output is not a "
				"terminal (use 'cpucompat check' for a "
				"report)\n");
		return CC_EXIT_ERROR;
	}
	d = cmd_load_defs(defsdir, &owned);
	if (d == NULL)
		goto done;
	a = cmd_load(argv[optind], &so);
	if (a == NULL)
		goto done;
	if (nargs == 2) {
		b = cmd_load(argv[optind + 1], &so);
		if (b == NULL)
			goto done;
	}
	v = view_new(a, b, d);
	to.color = cmd_color(color, STDOUT_FILENO);
	x = tui_run(v, &to, &e);
	if (x < 0)
		cmd_fail(&e);
	else if (x == 0)
		rc = CC_EXIT_OK;
	view_free(v);
	cc_set_free(a);
	cc_set_free(b);
	cc_defs_free(owned);
	if (x > 0) {
		/* die of the signal, as an uncaught one would */
		signal(x, SIG_DFL);
		raise(x);
		return 128 + x;
	}
	return rc;
done:
	cc_set_free(a);
	cc_set_free(b);
	cc_defs_free(owned);
	return rc;
}

const struct cmd cmd_explore = {
	.name = "explore",
	.synopsis = "A [B] [-o FILE] [--color WHEN]",
	.summary = "Browse the check A -> B (or decode A) interactively.",
	.options =
		"  -o, --output FILE       where 'w' writes the what-if profile\n"
		"                          (default: A's name + -whatif.json)\n"
		"      --color WHEN        auto (default), always or never; "
		"NO_COLOR is honoured\n"
		"      --defs DIR          read field definitions from "
		"DIR/*.json\n" CMD_COMMON_HELP,
	.run = run_explore,
};
