/*
 * `cpucompat profiles`: list the bundled CPU profiles, usable as sources
 * named profile:NAME, each with its description.
 */
#include "config.h"

#include <stdio.h>

#include "cmd.h"
#include "fmt.h"

static const struct cmd_opt profiles_opts[] = {
	CMD_USE(cmd_opt_help, NULL, NULL),
	CMD_END,
};

static int run_profiles(const struct cmd *self, int argc, char **argv)
{
	struct cmd_args a = {.so = {NULL, -1}};
	size_t i;
	int rc;

	rc = cmd_parse(self, argc, argv, &a);
	if (rc != CMD_GO)
		return rc;
	if (optind < argc)
		return cmd_usage(self, "expected no arguments");
	for (i = 0; cc_builtin_profiles[i].name; i++) {
		const struct cc_embedded *p = &cc_builtin_profiles[i];
		struct cc_err e;
		struct cc_set *s = fmt_load_buffer(p->text, p->len, p->name,
						   NULL, NULL, &e);
		const char *desc;

		if (s == NULL)
			return cmd_fail(&e);
		desc = cc_set_meta(s, "description");
		printf("profile:%-22s %s\n", p->name, desc ? desc : "");
		cc_set_free(s);
	}
	return CC_EXIT_OK;
}

const struct cmd cmd_profiles = {
	.name = "profiles",
	.synopsis = "",
	.summary = "List the bundled CPU profiles (usable as profile:NAME).",
	.opts = profiles_opts,
	.run = run_profiles,
};
