/*
 * cpucompat: the thin front end.  Finds the subcommand in the command table
 * and runs it; every real piece of work lives in the core library.
 */
#include "config.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cmd.h"

static const struct cmd *const commands[] = {
	&cmd_dump, &cmd_show, &cmd_check, &cmd_diff,
	&cmd_defs, &cmd_profiles, &cmd_generate, &cmd_apply,
	&cmd_baseline, &cmd_matrix, &cmd_explore, NULL,
};

int cmd_usage(const struct cmd *c, const char *fmt, ...)
{
	va_list ap;

	fprintf(stderr, "cpucompat %s: ", c->name);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fprintf(stderr, "\nusage: cpucompat %s %s\nTry 'cpucompat %s --help'.\n",
		c->name, c->synopsis, c->name);
	return CC_EXIT_ERROR;
}

int cmd_help(const struct cmd *c)
{
	printf("usage: cpucompat %s %s\n\n%s\n\noptions:\n%s", c->name,
	       c->synopsis, c->summary, c->options);
	return CC_EXIT_OK;
}

int cmd_fail(const struct cc_err *e)
{
	fprintf(stderr, "cpucompat: %s\n", e->msg);
	return CC_EXIT_ERROR;
}

void cmd_warnings(const struct cc_set *s)
{
	size_t i;

	for (i = 0; i < s->nwarnings; i++)
		fprintf(stderr, "cpucompat: warning: %s\n", s->warnings[i]);
}

int cmd_common_opt(const struct cmd *self, int c, struct source_opts *o)
{
	char *end;
	long v;

	switch (c) {
	case CMD_OPT_INPUT_FORMAT:
		o->input_format = optarg;
		return 0;
	case CMD_OPT_CPU:
		v = strtol(optarg, &end, 10);
		if (*optarg == '\0' || *end != '\0' || v < 0 || v > 65535) {
			cmd_usage(self, "--cpu: expected a CPU number, got '%s'",
				  optarg);
			return -1;
		}
		o->cpu = (int)v;
		return 0;
	default:
		return 1;
	}
}

struct cc_set *cmd_load(const char *spec, const struct source_opts *o)
{
	struct cc_err e;
	struct cc_set *s = source_load(spec, o, &e);

	if (s == NULL) {
		cmd_fail(&e);
		return NULL;
	}
	cmd_warnings(s);
	return s;
}

int cmd_color(const char *when, int fd)
{
	const char *nc = getenv("NO_COLOR");

	if (when != NULL && strcmp(when, "always") == 0)
		return 1;
	if (when != NULL && strcmp(when, "never") == 0)
		return 0;
	if (nc != NULL && *nc)
		return 0;
	return isatty(fd);
}

static void usage(FILE *f)
{
	size_t i;

	fprintf(f, "usage: cpucompat [--help] [--version] COMMAND [ARGS]\n\n"
		   "Can a guest's CPU view (CPUID) move to another machine?\n\n"
		   "commands:\n");
	for (i = 0; commands[i]; i++)
		fprintf(f, "  %-9s %s\n", commands[i]->name,
			commands[i]->summary);
	fprintf(f, "\nsources: host, kvm, FILE, - (stdin), profile:NAME\n"
		   "exit status: 0 compatible or identical, 1 incompatible or "
		   "different,\n             2 usage or input error\n"
		   "Run 'cpucompat COMMAND --help' for a command's options.\n");
}

int main(int argc, char **argv)
{
	size_t i;

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
	for (i = 0; commands[i]; i++) {
		if (strcmp(argv[1], commands[i]->name) == 0) {
			int r;

			optind = 1;
			r = commands[i]->run(commands[i], argc - 1, argv + 1);
			if (fflush(stdout) != 0 || ferror(stdout)) {
				fprintf(stderr,
					"cpucompat: error writing output\n");
				return CC_EXIT_ERROR;
			}
			return r;
		}
	}
	fprintf(stderr, "cpucompat: unknown command '%s'\n", argv[1]);
	usage(stderr);
	return CC_EXIT_ERROR;
}
