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

static int run(const struct cmd *self, int argc, char **argv)
{
	static const struct option longopts[] = {
		{"output", required_argument, NULL, 'o'},
		{"format", required_argument, NULL, 'f'},
		CMD_COMMON_LONGOPTS,
		{NULL, 0, NULL, 0},
	};
	struct source_opts so = {NULL, -1};
	const char *out = NULL, *format = "json", *spec = "host";
	const struct fmt *f;
	struct cc_set *s;
	struct cc_buf b;
	struct cc_err e;
	int c, r;

	while ((c = getopt_long(argc, argv, "o:f:h", longopts, NULL)) != -1) {
		switch (c) {
		case 'o':
			out = optarg;
			break;
		case 'f':
			format = optarg;
			break;
		case 'h':
			return cmd_help(self);
		default:
			r = cmd_common_opt(self, c, &so);
			if (r < 0)
				return CC_EXIT_ERROR;
			if (r > 0)
				return cmd_usage(self, "unknown option");
		}
	}
	if (argc - optind > 1)
		return cmd_usage(self, "expected at most one SOURCE");
	if (optind < argc)
		spec = argv[optind];
	f = fmt_find(format);
	if (f == NULL || f->write == NULL)
		return cmd_usage(self,
				 "--format: '%s' is not a writable format "
				 "(json, cpuid-r, cloud-hypervisor, "
				 "cloud-hypervisor-profile, libvirt, "
				 "firecracker)",
				 format);
	s = cmd_load(spec, &so);
	if (s == NULL)
		return CC_EXIT_ERROR;
	capture_add_provenance(s);
	cc_buf_init(&b);
	r = f->write(&b, s, &e);
	if (r == 0)
		r = cc_buf_save(&b, out, &e);
	cc_buf_free(&b);
	cc_set_free(s);
	return r < 0 ? cmd_fail(&e) : CC_EXIT_OK;
}

const struct cmd cmd_dump = {
	.name = "dump",
	.synopsis = "[SOURCE] [-o FILE] [--format FMT]",
	.summary = "Capture or convert one CPUID set (default SOURCE: host).",
	.options =
		"  -o, --output FILE       write to FILE atomically (default: "
		"stdout)\n"
		"  -f, --format FMT        json (default), cpuid-r, "
		"cloud-hypervisor,\n"
		"                          cloud-hypervisor-profile, libvirt, "
		"firecracker\n" CMD_COMMON_HELP,
	.run = run,
};
