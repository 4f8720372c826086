/*
 * `cpucompat dump`: capture or convert one CPUID set and write it in any
 * writable format, atomically when -o names a file.
 */
#include "config.h"

#include <stdio.h>
#include <string.h>

#include "capture.h"
#include "cc_buf.h"
#include "cmd.h"
#include "fmt.h"

static const struct cmd_opt dump_opts[] = {
	CMD_USE(cmd_opt_output, NULL, NULL),
	CMD_USE(cmd_opt_writable_format, NULL, NULL),
	CMD_USE(cmd_opt_input_format, NULL, NULL),
	CMD_USE(cmd_opt_cpu, NULL, NULL),
	CMD_USE(cmd_opt_help, NULL, NULL),
	CMD_END,
};

static int run(const struct cmd *self, int argc, char **argv)
{
	struct cmd_args a = {.so = {NULL, -1}, .format = "json"};
	const char *spec = "host";
	struct cc_set *s;
	struct cc_buf b;
	struct cc_err e;
	int r;

	r = cmd_parse(self, argc, argv, &a);
	if (r != CMD_GO)
		return r;
	if (argc - optind > 1)
		return cmd_usage(self, "expected at most one SOURCE");
	if (optind < argc)
		spec = argv[optind];
	if (cmd_check_values(self, &a) != CMD_GO)
		return CC_EXIT_ERROR;
	s = cmd_load(spec, &a.so);
	if (s == NULL)
		return CC_EXIT_ERROR;
	capture_add_provenance(s);
	cc_buf_init(&b);
	r = fmt_find(a.format)->write(&b, s, &e);
	if (r == 0)
		r = cc_buf_save(&b, a.output, &e);
	cc_buf_free(&b);
	cc_set_free(s);
	return r < 0 ? cmd_fail(&e) : CC_EXIT_OK;
}

const struct cmd cmd_dump = {
	.name = "dump",
	.synopsis = "[SOURCE] [-o FILE] [--format FMT]",
	.summary = "Capture or convert one CPUID set (default SOURCE: host).",
	.opts = dump_opts,
	.run = run,
};
