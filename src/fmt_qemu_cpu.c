/*
 * The QEMU -cpu writer (`--format qemu-cpu`): any CPUID set as the
 * argument of QEMU's -cpu option, the nearest bundled QEMU model version
 * with the features to add and remove ("Cascadelake-Server-v5,
 * -avx512vnni,+rdpid", QEMU 7.2 names).  That argument is the first line
 * and the whole output when the features say everything; otherwise "# "
 * lines follow it naming what they cannot say (family, model, stepping,
 * flags QEMU 7.2 has no name for, flags no KVM guest sees).  Use the
 * first line: -cpu "$(cpucompat dump --format qemu-cpu SET | head -n1)".
 * There is no reader: `qemu:MODEL,+f,-f` is a source spec (source.h).
 * The field database is the built-in one.
 */
#include "config.h"

#include <string.h>

#include "fmt.h"
#include "qemu_model.h"
#include "qemu_names.h"

/* Most fields a "# " line names before "...". */
#define NAMED 12

static void write_others(struct cc_buf *out, const struct qemu_model_match *m)
{
	size_t i;

	cc_buf_printf(out,
		      "# not expressed: %zu field%s differ%s from %s and "
		      "ha%s no QEMU %s flag:",
		      m->other, m->other == 1 ? "" : "s",
		      m->other == 1 ? "s" : "", m->model,
		      m->other == 1 ? "s" : "ve", QEMU_NAMES_VERSION);
	for (i = 0; i < m->other && i < NAMED; i++)
		cc_buf_printf(out, " %s", m->others[i]->name);
	cc_buf_puts(out, m->other > NAMED ? " ...\n" : "\n");
}

static int write_qemu_cpu(struct cc_buf *out, const struct cc_set *s,
			  struct cc_err *e)
{
	struct qemu_model_match m;
	size_t i;

	if (qemu_model_nearest(s, cc_defs_builtin(), &m, e) < 0)
		return -1;
	cc_buf_puts(out, m.model);
	for (i = 0; i < m.nminus; i++)
		cc_buf_printf(out, ",-%s", qemu_names_field(m.minus[i]));
	for (i = 0; i < m.nplus; i++)
		cc_buf_printf(out, ",+%s", qemu_names_field(m.plus[i]));
	cc_buf_puts(out, "\n");
	if (m.other > 0)
		write_others(out, &m);
	if (m.unseen > 0)
		cc_buf_printf(out,
			      "# not expressed: %zu flag%s no KVM guest sees "
			      "differ%s from %s\n",
			      m.unseen, m.unseen == 1 ? "" : "s",
			      m.unseen == 1 ? "s" : "", m.model);
	qemu_model_match_free(&m);
	return 0;
}

static int detect_never(const char *buf, size_t len)
{
	(void)buf;
	(void)len;
	return 0;
}

const struct fmt fmt_qemu_cpu = {
	.name = "qemu-cpu",
	.description =
		"QEMU -cpu argument: nearest QEMU 7.2 model "
		"+feature,-feature (write only)",
	.detect = detect_never,
	.read = NULL,
	.write = write_qemu_cpu,
};
