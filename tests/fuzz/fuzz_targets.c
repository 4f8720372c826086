/*
 * The fuzz targets (see fuzz_targets.h).  A format target runs every
 * format's detect() on the input, reads it with its own reader (first CPU,
 * then CPU 1), checks the set's invariants, renders it with every writer
 * and reads each rendering back.  Native JSON and Cloud Hypervisor
 * profiles must come back byte for byte: writing what was read from our
 * own rendering gives the same text.  The defs target loads the input as
 * one defs/NAME.json file through the run-time loader.
 */
#include "config.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "cc_buf.h"
#include "defs.h"
#include "fmt.h"
#include "fuzz_targets.h"

static void broken(const char *fmt, ...)
	__attribute__((format(printf, 1, 2), noreturn));

/* An invariant does not hold: say which and abort (a fuzzer "crash"). */
static void broken(const char *fmt, ...)
{
	va_list ap;

	fputs("fuzz: invariant broken: ", stderr);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	abort();
}

/* A failure message: non-empty, one line, no control characters. */
static void check_msg(const struct cc_err *e, const char *what)
{
	const unsigned char *p = (const unsigned char *)e->msg;

	if (*p == '\0')
		broken("%s failed without a message", what);
	for (; *p; p++)
		if ((*p < 0x20 && *p != '\t') || *p == 0x7f)
			broken("%s: message has control byte 0x%02x: %s", what,
			       *p, e->msg);
}

/* Entries sorted by (leaf, first), non-overlapping; value bits known. */
static void check_set(const struct cc_set *s, const char *what)
{
	size_t i;
	int r;

	if (s->name == NULL)
		broken("%s: set without a name", what);
	for (i = 0; i < s->n; i++) {
		const struct cc_leaf *l = &s->leaves[i], *p = l - 1;

		if (l->first > l->last)
			broken("%s: leaf 0x%x: subleaves %u..%u", what, l->leaf,
			       l->first, l->last);
		if (i > 0 && (p->leaf > l->leaf ||
			      (p->leaf == l->leaf && p->last >= l->first)))
			broken("%s: entries %zu and %zu out of order or "
			       "overlapping",
			       what, i - 1, i);
		for (r = 0; r < CC_NREGS; r++) {
			if (l->reg[r] & ~l->known[r])
				broken("%s: leaf 0x%x.%u %s: value bits that "
				       "are not known",
				       what, l->leaf, l->first,
				       cc_reg_name((enum cc_reg)r));
			if (s->kind == CC_KIND_DUMP &&
			    l->known[r] != UINT32_MAX)
				broken("%s: dump with unknown bits", what);
		}
	}
	for (i = 0; i < s->nmeta; i++)
		if (s->meta[i].key == NULL || s->meta[i].value == NULL)
			broken("%s: metadata without key or value", what);
}

/* Exercise the read-only accessors of a loaded set. */
static void touch_set(const struct cc_set *s)
{
	char brand[49];
	unsigned fam, model, step;
	struct cc_set *d;

	cc_set_brand(s, brand);
	(void)cc_set_fms(s, &fam, &model, &step);
	(void)cc_set_range_max(s, 0x80000008u);
	(void)cc_set_reg(s, 7, 0, CC_EBX, NULL);
	d = cc_set_dup(s);
	check_set(d, "cc_set_dup");
	cc_set_free(d);
}

/*
 * Render S with every writer and read each text back with the same
 * format.  For native JSON and Cloud Hypervisor profiles the text read
 * back must render to the same bytes again.
 */
static void rewrite_all(const struct cc_set *s)
{
	const struct fmt_opts o = {-1, 0};
	size_t i;

	for (i = 0; fmt_table[i]; i++) {
		const struct fmt *f = fmt_table[i];
		int exact = f == &fmt_native || f == &fmt_chv_profile;
		struct cc_buf b, b2;
		struct cc_err e;
		struct cc_set *t;

		if (f->write == NULL ||
		    f->read == NULL) /* write-only: qemu-cpu */
			continue;
		e.msg[0] = '\0';
		cc_buf_init(&b);
		if (f->write(&b, s, &e) < 0) {
			check_msg(&e, f->name);
			if (exact)
				broken("%s writer failed: %s", f->name, e.msg);
			cc_buf_free(&b);
			continue;
		}
		if (b.data == NULL)
			cc_buf_add(&b, "", 0);
		e.msg[0] = '\0';
		t = f->read(b.data, b.len, "rewritten", &o, &e);
		if (t == NULL) {
			check_msg(&e, f->name);
			if (exact)
				broken("%s written does not read back: %s\n%s",
				       f->name, e.msg, b.data);
			cc_buf_free(&b);
			continue;
		}
		check_set(t, "rewritten");
		if (exact) {
			cc_buf_init(&b2);
			if (f->write(&b2, t, &e) < 0)
				broken("%s: second write failed: %s", f->name,
				       e.msg);
			if (b2.len != b.len ||
			    memcmp(b.data, b2.data, b.len) != 0)
				broken("%s: read back and written again "
				       "differs:\n--- first\n%s\n--- second\n%s",
				       f->name, b.data, b2.data);
			cc_buf_free(&b2);
		}
		cc_set_free(t);
		cc_buf_free(&b);
	}
}

static void run_format(const char *format, const uint8_t *data, size_t size)
{
	const struct fmt *f = fmt_find(format);
	char *buf = cc_xmalloc(size + 1);
	size_t i;
	int cpu;

	if (f == NULL || f->read == NULL)
		broken("no readable format %s", format);
	if (size)
		memcpy(buf, data, size);
	buf[size] = '\0';
	for (i = 0; fmt_table[i]; i++)
		(void)fmt_table[i]->detect(buf, size);
	for (cpu = -1; cpu <= 1; cpu += 2) {
		struct fmt_opts o = {cpu, 0};
		struct cc_err e;
		struct cc_set *s;

		e.msg[0] = '\0';
		s = f->read(buf, size, "fuzz", &o, &e);
		if (s == NULL) {
			check_msg(&e, format);
			continue;
		}
		check_set(s, format);
		touch_set(s);
		if (cpu < 0)
			rewrite_all(s);
		cc_set_free(s);
	}
	free(buf);
}

static void fuzz_native(const uint8_t *d, size_t n)
{
	run_format("json", d, n);
}

static void fuzz_cpuid_r(const uint8_t *d, size_t n)
{
	run_format("cpuid-r", d, n);
}

static void fuzz_libvirt(const uint8_t *d, size_t n)
{
	run_format("libvirt", d, n);
}

static void fuzz_libvirt_cpu(const uint8_t *d, size_t n)
{
	run_format("libvirt-cpu", d, n);
}

static void fuzz_aida64(const uint8_t *d, size_t n)
{
	run_format("aida64", d, n);
}

static void fuzz_chv(const uint8_t *d, size_t n)
{
	run_format("cloud-hypervisor", d, n);
}

static void fuzz_chv_profile(const uint8_t *d, size_t n)
{
	run_format("cloud-hypervisor-profile", d, n);
}

static void fuzz_firecracker(const uint8_t *d, size_t n)
{
	run_format("firecracker", d, n);
}

/* Fields sorted, bit and subleaf ranges sane, lookups consistent. */
static void check_defs(const struct cc_defs *d)
{
	size_t i, b, e;
	char pol[32];

	for (i = 0; i < d->n; i++) {
		const struct cc_field *f = &d->fields[i];

		if (f->name == NULL || f->description == NULL ||
		    f->lo > f->hi || f->hi > 31 || f->first > f->last ||
		    f->reg >= CC_NREGS || f->aliases == NULL)
			broken("defs: field %zu malformed", i);
		if (i > 0 && (d->fields[i - 1].leaf > f->leaf ||
			      (d->fields[i - 1].leaf == f->leaf &&
			       d->fields[i - 1].reg > f->reg)))
			broken("defs: fields %zu and %zu out of order", i - 1,
			       i);
		(void)cc_field_mask(f);
		cc_policy_str(f, pol, sizeof pol);
		(void)cc_field_matches(f, "x", 1);
		(void)cc_field_spelling(f, "qemu");
		cc_defs_range(d, f->leaf, f->reg, &b, &e);
		if (i < b || i >= e)
			broken("defs: field %zu not in its own range", i);
	}
}

/* The input as a defs file: the loader reads paths, so hand it a memfd. */
static void fuzz_defs(const uint8_t *data, size_t size)
{
	int fd = memfd_create("fuzz-defs", MFD_CLOEXEC);
	char path[64];
	const char *paths[1];
	struct cc_defs *d;
	struct cc_err e;
	size_t off = 0;

	if (fd < 0)
		broken("memfd_create failed");
	while (off < size) {
		ssize_t w = write(fd, data + off, size - off);

		if (w <= 0)
			broken("memfd write failed");
		off += (size_t)w;
	}
	snprintf(path, sizeof path, "/proc/self/fd/%d", fd);
	paths[0] = path;
	e.msg[0] = '\0';
	d = cc_defs_load_files(paths, 1, &e);
	if (d == NULL)
		check_msg(&e, "defs");
	else
		check_defs(d);
	cc_defs_free(d);
	close(fd);
}

const struct fuzz_target fuzz_targets[] = {
	{"json", fuzz_native},
	{"cpuid-r", fuzz_cpuid_r},
	{"libvirt", fuzz_libvirt},
	{"libvirt-cpu", fuzz_libvirt_cpu},
	{"aida64", fuzz_aida64},
	{"cloud-hypervisor", fuzz_chv},
	{"cloud-hypervisor-profile", fuzz_chv_profile},
	{"firecracker", fuzz_firecracker},
	{"defs", fuzz_defs},
	{NULL, NULL},
};

const struct fuzz_target *fuzz_find(const char *name)
{
	size_t i;

	for (i = 0; fuzz_targets[i].name; i++)
		if (strcmp(fuzz_targets[i].name, name) == 0)
			return &fuzz_targets[i];
	return NULL;
}
