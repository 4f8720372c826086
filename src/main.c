/*
 * cpucompat: the thin front end.  Finds the subcommand in the command table
 * and runs it; what commands share is in cmd.c, each command in its
 * cmd_NAME.c, and every real piece of work in the core library.  The hidden
 * `cpucompat --list-options CMD` prints a command's option table for the
 * bash completion.
 */
#include "config.h"

#include <getopt.h>
#include <stdio.h>
#include <string.h>

#include "cmd.h"

static const struct cmd *const commands[] = {
	&cmd_dump,     &cmd_show,     &cmd_check, &cmd_diff,     &cmd_defs,
	&cmd_profiles, &cmd_generate, &cmd_apply, &cmd_baseline, &cmd_matrix,
	&cmd_fleet,    &cmd_targets,  &cmd_lint,  &cmd_explore,  NULL,
};

static void usage(FILE *f)
{
	size_t i;

	fprintf(f,
		"usage: cpucompat [--help] [--version] COMMAND [ARGS]\n\n"
		"Can a guest's CPU view (CPUID) move to another machine?\n\n"
		"commands:\n");
	for (i = 0; commands[i]; i++)
		fprintf(f, "  %-9s %s\n", commands[i]->name,
			commands[i]->summary);
	fprintf(f,
		"\nsources: host, kvm, auto, FILE, - (stdin), profile:NAME\n"
		"exit status: 0 compatible or identical, 1 incompatible or "
		"different,\n             2 usage or input error\n"
		"Run 'cpucompat COMMAND --help' for a command's options.\n");
}

static const struct cmd *find(const char *name)
{
	size_t i;

	for (i = 0; commands[i]; i++)
		if (strcmp(name, commands[i]->name) == 0)
			return commands[i];
	return NULL;
}

int main(int argc, char **argv)
{
	const struct cmd *c;

	if (argc < 2) {
		usage(stderr);
		return CC_EXIT_ERROR;
	}
	if (strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-h") == 0) {
		usage(stdout);
		return CC_EXIT_OK;
	}
	if (strcmp(argv[1], "--version") == 0 || strcmp(argv[1], "-V") == 0) {
		printf("cpucompat %s\n", PACKAGE_VERSION);
		return CC_EXIT_OK;
	}
	if (strcmp(argv[1], "--list-options") == 0 && argc == 3 &&
	    (c = find(argv[2])) != NULL) {
		cmd_list_options(c);
		return CC_EXIT_OK;
	}
	c = find(argv[1]);
	if (c != NULL) {
		int r;

		optind = 1;
		r = c->run(c, argc - 1, argv + 1);
		if (fflush(stdout) != 0 || ferror(stdout)) {
			fprintf(stderr, "cpucompat: error writing output\n");
			return CC_EXIT_ERROR;
		}
		return r;
	}
	fprintf(stderr, "cpucompat: unknown command '%s'\n", argv[1]);
	usage(stderr);
	return CC_EXIT_ERROR;
}
