/*
 * `cpucompat targets GUEST FLEET...`: the hosts of a fleet a guest can
 * move to, and why the others cannot, grouped by reason (the same
 * blocking fields, or another vendor).  Exit 0 when at least one host can
 * take the guest, 1 when none can, 2 on a usage or input error, and 2
 * after the answer when some host of the fleet could not be read.
 */
#include "config.h"

#include <stdio.h>
#include <string.h>

#include "cc_buf.h"
#include "cmd.h"
#include "cmd_fleet.h"
#include "fleet_targets.h"

struct targets_args {
	struct cmd_args c;
	int all;
};

static const struct cmd_opt targets_opts[] = {
	CMD_USE(cmd_opt_format, "text (default) or json", "text|json"),
	CMD_USE(cmd_opt_output, NULL, NULL),
	CMD_OPT("all-hosts", 0, NULL, CMD_FLAG, struct targets_args, all,
		"name every host in text (default: a few per reason)"),
	CMD_USE(cmd_opt_defs, NULL, NULL),
	CMD_USE(cmd_opt_input_format, NULL, NULL),
	CMD_USE(cmd_opt_cpu, NULL, NULL),
	CMD_USE(cmd_opt_help, NULL, NULL),
	CMD_END,
};

static int answer(const struct targets_args *a, const struct cc_fleet *f,
		  const struct cc_set *guest, size_t nbad)
{
	struct fleet_targets *t = fleet_targets(f, guest, NULL);
	struct cc_buf b;
	struct cc_err e;
	int rc;

	cc_buf_init(&b);
	if (strcmp(a->c.format, "json") == 0)
		fleet_targets_json(&b, f, t, guest);
	else
		fleet_targets_text(&b, f, t, guest, a->all);
	if (cc_buf_save(&b, a->c.output, &e) < 0)
		rc = cmd_fail(&e);
	else if (nbad)
		rc = CC_EXIT_ERROR;
	else
		rc = t->okhosts ? CC_EXIT_OK : CC_EXIT_DIFF;
	cc_buf_free(&b);
	fleet_targets_free(t);
	return rc;
}

/* The guest and the fleet may not both be standard input. */
static int targets_check(const struct cmd *self, const void *args, char **ops,
			 size_t n)
{
	size_t i;

	for (i = 1; i < n; i++)
		if (strcmp(ops[0], "-") == 0 && strcmp(ops[i], "-") == 0)
			return cmd_usage(self,
					 "standard input (-) given "
					 "twice");
	return CMD_GO;
}

/* Read the guest OPS[0] and the fleet OPS[1..N), answer; the status. */
static int targets(const struct cmd *self, void *args, const struct cc_defs *d,
		   struct cc_set **sets, char **ops, size_t n)
{
	const struct targets_args *a = args;
	struct cc_set *guest = cmd_load(ops[0], &a->c.so);
	struct cc_fleet *f;
	size_t nbad = 0;
	int rc;

	if (guest == NULL)
		return CC_EXIT_ERROR;
	f = cc_fleet_new(d);
	rc = cmd_fleet_load(self, ops + 1, n - 1, &a->c.so, f, &nbad);
	if (rc == CMD_GO)
		rc = answer(a, f, guest, nbad);
	cc_fleet_free(f);
	cc_set_free(guest);
	return rc;
}

static const struct cmd_sources targets_sources = {
	.min = 2,
	.count = "expected a GUEST and at least one FLEET source",
	.check = targets_check,
	.run = targets,
};

static int run_targets(const struct cmd *self, int argc, char **argv)
{
	struct targets_args a = {.c = {.so = {NULL, -1}, .format = "text"}};

	return cmd_run_sources(self, argc, argv, &a, &targets_sources);
}

const struct cmd cmd_targets = {
	.name = "targets",
	.synopsis = "GUEST FLEET... [-f text|json] [-o FILE]",
	.summary =
		"The hosts of a fleet a guest can move to, and why not "
		"the others.",
	.opts = targets_opts,
	.run = run_targets,
};
