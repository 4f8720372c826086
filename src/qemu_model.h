/*
 * QEMU and libvirt CPU models in terms of CPUID sets: a feature named
 * the way QEMU or libvirt names it is a field of the database (CPUID bits
 * and, through the MSR pseudo-leaf, feature-MSR bits); a model is a
 * bundled QEMU profile (profiles/qemu/, resolved by profile_names_find).
 *
 *   qemu_feature_find   "avx512-vnni", "avx512_vnni", "mds-no" -> field
 *   qemu_feature_apply  +feat / -feat on a set (a profile: the bits become
 *                       fixed 1 or fixed 0)
 *   qemu_model_nearest  the bundled QEMU model version a set is closest
 *                       to, and the features to add and remove so that
 *                       the model says what the set says
 *
 * Users: the qemu:MODEL,+f,-f source spec, the libvirt <cpu> reader and
 * writer, the QEMU -cpu writer, and baseline/generate naming the model.
 */
#ifndef QEMU_MODEL_H
#define QEMU_MODEL_H

#include <stddef.h>

#include "cc_err.h"
#include "cpuid_set.h"
#include "defs.h"

/* The single-bit feature field of D that QEMU or libvirt call NAME
 * (QEMU spelling, libvirt spelling, our name or an alias; '_' and '-'
 * are the same, case-insensitive), applying to VENDOR (0 = any); NULL
 * when there is none. */
const struct cc_field *qemu_feature_find(const struct cc_defs *d,
					 const char *name, unsigned vendor);

/* Set feature F in S: ON 1 = the bit is fixed to 1, 0 = fixed to 0
 * (the entry is created when S lacks it).  What QEMU 7.2 derives from a
 * feature follows it where S fixes those bits: the XSAVE state components
 * it owns (avx: 2; mpx: 3-4; avx512f: 5-7; pku: 9; amx-tile: 17-18, on
 * and off), and, when it goes off, leaf 0xD (xsave) and the feature MSR
 * it announces (arch-capabilities: 0x10a; core-capability: 0xcf; pdcm:
 * 0x345).  0, or -1 and E (an entry covering a subleaf range). */
int qemu_feature_apply(struct cc_set *s, const struct cc_field *f, int on,
		       struct cc_err *e);

struct qemu_model_match {
	char model[64]; /* bundled name: "Cascadelake-Server-v5" */
	/* features the set has that the model lacks, and the reverse; each
	 * a single-bit field with a QEMU 7.2 name (qemu_names.h) that a KVM
	 * guest can see, in database order */
	const struct cc_field **plus, **minus;
	size_t nplus, nminus;
	/* what the features cannot say: fields that both fix and that differ
	 * (family, model, stepping, levels, XSAVE sizes, flags QEMU 7.2 has
	 * no name for...), in database order; OTHER counts them */
	const struct cc_field **others;
	size_t other;
	/* flags with a QEMU 7.2 name that differ but that no KVM guest sees
	 * (ds, est, tm2 of a raw host dump): left out of plus and minus */
	size_t unseen;
	/* features the model sets that the set leaves to the host (a
	 * profile fixing fewer bits than any model): a tie-break */
	size_t host;
};
/*
 * The bundled QEMU model version of S's vendor nearest to S (any vendor's
 * when S is a profile that names none).  Only bits both fix are compared
 * (a profile leaves bits to the host).  The cost of a model is two for
 * each plus or minus feature and one for each feature the model sets
 * where S leaves the bit to the host (it narrows the hosts S runs on);
 * the lowest cost wins, ties going to fewer host features, then fewer
 * other differences, then fewer unseen ones, then the highest version,
 * then the first name.  D gives the fields and the guest view.  Fills M
 * (free with qemu_model_match_free); 0, or -1 and E when S is a dump of
 * no vendor or no model of S's vendor is bundled.
 */
int qemu_model_nearest(const struct cc_set *s, const struct cc_defs *d,
		       struct qemu_model_match *m, struct cc_err *e);
void qemu_model_match_free(struct qemu_model_match *m);

/* The version of bundled QEMU model NAME ("Haswell-v4" -> 4), 0 when
 * NAME ends in no "-vN". */
unsigned qemu_model_version(const char *name);

/* "Cascadelake-Server-v5 minus avx512vnni, plus rdpid" (QEMU 7.2
 * names) into OUT (N bytes; truncated with "..."). Returns OUT. */
const char *qemu_model_describe(const struct qemu_model_match *m, char *out,
				size_t n);

/* The --format qemu-cpu writer (fmt_qemu_cpu.c): the -cpu argument of
 * the nearest model, plus and minus features, on its first line; "# "
 * lines after it say what the features cannot express. */
struct fmt;
extern const struct fmt fmt_qemu_cpu;

#endif
