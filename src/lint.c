/*
 * The dependency check: see lint.h.  Each dependency reads two bits (or a
 * bit and a leaf) of the set through the guest view (a leaf past its range
 * maximum reads as zeros), so the work is a few dozen register reads.
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cc_buf.h"
#include "lint.h"

#define B(l, s, r, b, n)                                                       \
	{                                                                      \
		l, s, CC_##r, b, n                                             \
	}

/* Features that others need. */
#define SSE B(0x1, 0, EDX, 25, "sse")
#define SSE2 B(0x1, 0, EDX, 26, "sse2")
#define SSE3 B(0x1, 0, ECX, 0, "pni")
#define SSSE3 B(0x1, 0, ECX, 9, "ssse3")
#define SSE41 B(0x1, 0, ECX, 19, "sse4_1")
#define XSAVE B(0x1, 0, ECX, 26, "xsave")
#define AVX B(0x1, 0, ECX, 28, "avx")
#define AVX512F B(0x7, 0, EBX, 16, "avx512f")
#define AMX_TILE B(0x7, 0, EDX, 24, "amx_tile")

/* XSAVE state components: XCR0 in CPUID.(0xD,0).EAX, IA32_XSS in
 * CPUID.(0xD,1).ECX. */
#define XCR0(b, n) B(0xd, 0, EAX, b, n)
#define XSS(b, n) B(0xd, 1, ECX, b, n)
#define LEAF(l, n) B(l, 0, EAX, 0, n)

#define NEEDS(f, g, what)                                                      \
	{                                                                      \
		f, LINT_NEEDS_FEATURE, g, what                                 \
	}
#define STATE(f, g, what)                                                      \
	{                                                                      \
		f, LINT_NEEDS_STATE, g, what                                   \
	}
#define HASLEAF(f, g, what)                                                    \
	{                                                                      \
		f, LINT_NEEDS_LEAF, g, what                                    \
	}

static const struct lint_dep deps[] = {
	/* SSE generations build on each other */
	NEEDS(SSE2, SSE, "SSE"),
	NEEDS(SSE3, SSE2, "SSE2"),
	NEEDS(SSSE3, SSE3, "SSE3"),
	NEEDS(SSE41, SSSE3, "SSSE3"),
	NEEDS(B(0x1, 0, ECX, 20, "sse4_2"), SSE41, "SSE4.1"),
	NEEDS(B(0x80000001, 0, ECX, 6, "sse4a"), SSE3, "SSE3"),
	NEEDS(B(0x1, 0, ECX, 25, "aes"), SSE2, "SSE2"),
	NEEDS(B(0x1, 0, ECX, 1, "pclmulqdq"), SSE2, "SSE2"),
	NEEDS(B(0x7, 0, EBX, 29, "sha_ni"), SSE2, "SSE2"),
	NEEDS(B(0x7, 0, ECX, 8, "gfni"), SSE2, "SSE2"),
	/* XSAVE and the state it manages */
	STATE(XSAVE, XCR0(0, "xcr0_x87"), "XCR0 bit 0 (x87 state)"),
	STATE(XSAVE, XCR0(1, "xcr0_sse"), "XCR0 bit 1 (SSE state)"),
	NEEDS(B(0xd, 1, EAX, 0, "xsaveopt"), XSAVE, "XSAVE"),
	NEEDS(B(0xd, 1, EAX, 1, "xsavec"), XSAVE, "XSAVE"),
	NEEDS(B(0xd, 1, EAX, 2, "xgetbv1"), XSAVE, "XSAVE"),
	NEEDS(B(0xd, 1, EAX, 3, "xsaves"), XSAVE, "XSAVE"),
	/* AVX and the VEX-encoded extensions */
	NEEDS(AVX, XSAVE, "XSAVE"),
	STATE(AVX, XCR0(2, "xcr0_avx"), "XCR0 bit 2 (AVX state)"),
	NEEDS(B(0x1, 0, ECX, 12, "fma"), AVX, "AVX"),
	NEEDS(B(0x1, 0, ECX, 29, "f16c"), AVX, "AVX"),
	NEEDS(B(0x7, 0, EBX, 5, "avx2"), AVX, "AVX"),
	NEEDS(B(0x7, 0, ECX, 9, "vaes"), AVX, "AVX"),
	NEEDS(B(0x7, 0, ECX, 10, "vpclmulqdq"), AVX, "AVX"),
	NEEDS(B(0x7, 1, EAX, 4, "avx_vnni"), AVX, "AVX"),
	NEEDS(B(0x7, 1, EAX, 23, "avx_ifma"), AVX, "AVX"),
	NEEDS(B(0x7, 1, EDX, 4, "avx_vnni_int8"), AVX, "AVX"),
	NEEDS(B(0x7, 1, EDX, 5, "avx_ne_convert"), AVX, "AVX"),
	NEEDS(B(0x80000001, 0, ECX, 11, "xop"), AVX, "AVX"),
	NEEDS(B(0x80000001, 0, ECX, 16, "fma4"), AVX, "AVX"),
	/* AVX-512: the foundation, its state and its extensions */
	NEEDS(AVX512F, AVX, "AVX"),
	STATE(AVX512F, XCR0(5, "xcr0_opmask"),
	      "XCR0 bit 5 (AVX-512 opmask state)"),
	STATE(AVX512F, XCR0(6, "xcr0_zmm_hi256"),
	      "XCR0 bit 6 (AVX-512 ZMM_Hi256 state)"),
	STATE(AVX512F, XCR0(7, "xcr0_hi16_zmm"),
	      "XCR0 bit 7 (AVX-512 Hi16_ZMM state)"),
	NEEDS(B(0x7, 0, EBX, 17, "avx512dq"), AVX512F, "AVX512F"),
	NEEDS(B(0x7, 0, EBX, 21, "avx512ifma"), AVX512F, "AVX512F"),
	NEEDS(B(0x7, 0, EBX, 26, "avx512pf"), AVX512F, "AVX512F"),
	NEEDS(B(0x7, 0, EBX, 27, "avx512er"), AVX512F, "AVX512F"),
	NEEDS(B(0x7, 0, EBX, 28, "avx512cd"), AVX512F, "AVX512F"),
	NEEDS(B(0x7, 0, EBX, 30, "avx512bw"), AVX512F, "AVX512F"),
	NEEDS(B(0x7, 0, EBX, 31, "avx512vl"), AVX512F, "AVX512F"),
	NEEDS(B(0x7, 0, ECX, 1, "avx512vbmi"), AVX512F, "AVX512F"),
	NEEDS(B(0x7, 0, ECX, 6, "avx512_vbmi2"), AVX512F, "AVX512F"),
	NEEDS(B(0x7, 0, ECX, 11, "avx512_vnni"), AVX512F, "AVX512F"),
	NEEDS(B(0x7, 0, ECX, 12, "avx512_bitalg"), AVX512F, "AVX512F"),
	NEEDS(B(0x7, 0, ECX, 14, "avx512_vpopcntdq"), AVX512F, "AVX512F"),
	NEEDS(B(0x7, 0, EDX, 2, "avx512_4vnniw"), AVX512F, "AVX512F"),
	NEEDS(B(0x7, 0, EDX, 3, "avx512_4fmaps"), AVX512F, "AVX512F"),
	NEEDS(B(0x7, 0, EDX, 8, "avx512_vp2intersect"), AVX512F, "AVX512F"),
	NEEDS(B(0x7, 0, EDX, 23, "avx512_fp16"), AVX512F, "AVX512F"),
	NEEDS(B(0x7, 1, EAX, 5, "avx512_bf16"), AVX512F, "AVX512F"),
	/* other state: MPX, protection keys, AMX, APX */
	STATE(B(0x7, 0, EBX, 14, "mpx"), XCR0(3, "xcr0_bndregs"),
	      "XCR0 bit 3 (MPX bound registers)"),
	STATE(B(0x7, 0, EBX, 14, "mpx"), XCR0(4, "xcr0_bndcsr"),
	      "XCR0 bit 4 (MPX bound configuration and status)"),
	STATE(B(0x7, 0, ECX, 3, "pku"), XCR0(9, "xcr0_pkru"),
	      "XCR0 bit 9 (PKRU state)"),
	STATE(AMX_TILE, XCR0(17, "xcr0_xtilecfg"),
	      "XCR0 bit 17 (AMX TILECFG state)"),
	STATE(AMX_TILE, XCR0(18, "xcr0_xtiledata"),
	      "XCR0 bit 18 (AMX TILEDATA state)"),
	HASLEAF(AMX_TILE, LEAF(0x1d, "leaf 0x1d"), "leaf 0x1D (tile palettes)"),
	HASLEAF(AMX_TILE, LEAF(0x1e, "leaf 0x1e"), "leaf 0x1E (TMUL limits)"),
	NEEDS(B(0x7, 0, EDX, 22, "amx_bf16"), AMX_TILE, "AMX-TILE"),
	NEEDS(B(0x7, 0, EDX, 25, "amx_int8"), AMX_TILE, "AMX-TILE"),
	NEEDS(B(0x7, 1, EAX, 21, "amx_fp16"), AMX_TILE, "AMX-TILE"),
	STATE(B(0x7, 1, EDX, 21, "apx_f"), XCR0(19, "xcr0_apx"),
	      "XCR0 bit 19 (APX extended registers)"),
	/* supervisor state in IA32_XSS */
	STATE(B(0x7, 0, EDX, 19, "arch_lbr"), XSS(15, "xss_lbr"),
	      "IA32_XSS bit 15 (architectural LBR state)"),
	/* leaves that enumerate a feature's details */
	HASLEAF(B(0x7, 0, EBX, 25, "intel_pt"), LEAF(0x14, "leaf 0x14"),
		"leaf 0x14 (Processor Trace capabilities)"),
	HASLEAF(B(0x7, 0, EBX, 2, "sgx"), LEAF(0x12, "leaf 0x12"),
		"leaf 0x12 (SGX capabilities)"),
	HASLEAF(B(0x80000001, 0, ECX, 2, "svm"),
		LEAF(0x8000000a, "leaf 0x8000000a"),
		"leaf 0x8000000A (SVM features)"),
};

const struct lint_dep *lint_deps(size_t *n)
{
	*n = sizeof deps / sizeof deps[0];
	return deps;
}

enum state { OFF, ON, HOST };

static enum state bit_state(const struct cc_set *s, const struct lint_bit *b)
{
	uint32_t known, v, m = 1u << b->bit;

	v = cc_set_guest_reg(s, b->leaf, b->subleaf, b->reg, &known);
	if (!(known & m))
		return HOST;
	return (v & m) ? ON : OFF;
}

/* A leaf is there when it exists for the guest and the set describes it;
 * a profile that says nothing about it leaves it to the host (uncovered
 * host) or makes it zeros (uncovered zero). */
static enum state leaf_state(const struct cc_set *s, uint32_t leaf)
{
	if (!cc_set_exists(s, leaf))
		return OFF;
	if (cc_set_first(s, leaf) != NULL)
		return ON;
	if (s->kind == CC_KIND_PROFILE && s->uncovered == CC_UNCOVERED_HOST)
		return HOST;
	return OFF;
}

void lint_position(const struct lint_bit *b, enum lint_kind kind, char *out,
		   size_t n)
{
	if (kind == LINT_NEEDS_LEAF)
		snprintf(out, n, "leaf %#x", b->leaf);
	else
		cc_pos_format(out, n, CC_POS_MANUAL, b->leaf, b->subleaf,
			      b->reg & 3, b->bit, b->bit);
}

static void describe(struct lint_finding *f, const struct cc_set *s)
{
	const struct lint_dep *d = f->dep;
	char fpos[48], npos[48];
	const char *has, *why;

	lint_position(&d->feature, LINT_NEEDS_FEATURE, fpos, sizeof fpos);
	lint_position(&d->needs, d->kind, npos, sizeof npos);
	if (s->kind == CC_KIND_DUMP)
		has = "has";
	else if (f->required)
		has = "requires";
	else
		has = "leaves to the host";
	if (f->problem == LINT_HOST)
		why = "leaves it to the host: a host whose OS does not enable "
		      "that state passes check, yet cannot run the guest";
	else if (d->kind == LINT_NEEDS_LEAF)
		why = s->kind == CC_KIND_DUMP ? "lacks it" : "makes it absent";
	else
		why = s->kind == CC_KIND_DUMP ? "lacks it" : "fixes it to 0";
	if (d->kind == LINT_NEEDS_LEAF)
		snprintf(f->message, sizeof f->message,
			 "%s %s (%s), which needs %s; the %s %s", has,
			 d->feature.name, fpos, d->what,
			 s->kind == CC_KIND_DUMP ? "set" : "profile", why);
	else
		snprintf(f->message, sizeof f->message,
			 "%s %s (%s), which needs %s: %s (%s); the %s %s", has,
			 d->feature.name, fpos, d->what, d->needs.name, npos,
			 s->kind == CC_KIND_DUMP ? "set" : "profile", why);
}

static void add(struct lint_report *r, size_t *cap, const struct lint_dep *d,
		enum lint_problem problem, int required, const struct cc_set *s)
{
	struct lint_finding *f;

	if (r->n == *cap) {
		*cap = *cap ? *cap * 2 : 8;
		r->findings = cc_xrealloc(r->findings, *cap * sizeof *f);
	}
	f = &r->findings[r->n++];
	memset(f, 0, sizeof *f);
	f->dep = d;
	f->problem = problem;
	f->required = required;
	describe(f, s);
}

struct lint_report *lint_check(const struct cc_set *s)
{
	struct lint_report *r = cc_xcalloc(1, sizeof *r);
	size_t i, cap = 0;

	for (i = 0; i < sizeof deps / sizeof deps[0]; i++) {
		const struct lint_dep *d = &deps[i];
		enum state fs = bit_state(s, &d->feature), ns;

		if (fs == OFF)
			continue;
		r->checked++;
		ns = d->kind == LINT_NEEDS_LEAF ? leaf_state(s, d->needs.leaf)
						: bit_state(s, &d->needs);
		if (ns == OFF)
			add(r, &cap, d, LINT_MISSING, fs == ON, s);
		else if (ns == HOST && fs == ON && d->kind == LINT_NEEDS_STATE)
			add(r, &cap, d, LINT_HOST, 1, s);
	}
	return r;
}

void lint_report_free(struct lint_report *r)
{
	if (r == NULL)
		return;
	free(r->findings);
	free(r);
}
