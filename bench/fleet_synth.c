/*
 * Synthetic fleets: see fleet_synth.h.
 */
#include "config.h"

#include "fleet_synth.h"

static uint64_t splitmix(uint64_t x)
{
	x += 0x9e3779b97f4a7c15ull;
	x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9ull;
	x = (x ^ (x >> 27)) * 0x94d049bb133111ebull;
	return x ^ (x >> 31);
}

void synth_variant_of(size_t i, struct synth_variant *v)
{
	uint64_t h = splitmix((uint64_t)i);

	v->apic = (uint32_t)(i % 256);
	v->stepping = (int)(h & 1);
	v->old_ucode = ((h >> 1) & 3) == 0;
	v->no_tsx = (int)((h >> 3) & 1);
	v->no_avx512 = ((h >> 4) & 3) == 0;
}

/* Clear bits CLR and set bits SET of every entry of LEAF, subleaf SUB
 * (any subleaf when SUB is UINT32_MAX), register R. */
static void edit(struct cc_set *s, uint32_t leaf, uint32_t sub, int r,
		 uint32_t clr, uint32_t set)
{
	size_t i;

	for (i = 0; i < s->n; i++) {
		struct cc_leaf *l = &s->leaves[i];

		if (l->leaf != leaf || (sub != UINT32_MAX && l->first != sub))
			continue;
		l->reg[r] = (l->reg[r] & ~clr) | set;
	}
}

void synth_apply(struct cc_set *s, const struct synth_variant *v)
{
	size_t i;

	edit(s, 1, 0, CC_EBX, 0xff000000u, (v->apic & 0xff) << 24);
	edit(s, 0xb, UINT32_MAX, CC_EDX, UINT32_MAX, v->apic);
	edit(s, 0x1f, UINT32_MAX, CC_EDX, UINT32_MAX, v->apic);
	edit(s, 0x8000001e, 0, CC_EAX, UINT32_MAX, v->apic);
	if (v->stepping) {
		for (i = 0; i < s->n; i++) {
			struct cc_leaf *l = &s->leaves[i];

			if (l->leaf == 1 && l->first == 0)
				l->reg[CC_EAX] = (l->reg[CC_EAX] & ~0xfu) |
						 ((l->reg[CC_EAX] + 1) & 0xfu);
		}
	}
	if (v->old_ucode) {
		/* md_clear 10, spec_ctrl 26, stibp 27, flush_l1d 28,
		 * arch_capabilities 29, ssbd 31 */
		edit(s, 7, 0, CC_EDX, 1u << 10 | 0xfu << 26 | 1u << 31, 0);
		/* AMD: ibpb 12, ibrs 14, stibp 15, ssbd 24 */
		edit(s, 0x80000008, 0, CC_EBX,
		     1u << 12 | 1u << 14 | 1u << 15 | 1u << 24, 0);
	}
	if (v->no_tsx)
		edit(s, 7, 0, CC_EBX, 1u << 4 | 1u << 11, 0);
	if (v->no_avx512) {
		/* f 16, dq 17, ifma 21, pf 26, er 27, cd 28, bw 30, vl 31 */
		edit(s, 7, 0, CC_EBX,
		     1u << 16 | 1u << 17 | 1u << 21 | 0x7u << 26 | 3u << 30,
		     0);
		/* vbmi 1, vbmi2 6, vnni 11, bitalg 12, vpopcntdq 14 */
		edit(s, 7, 0, CC_ECX,
		     1u << 1 | 1u << 6 | 1u << 11 | 1u << 12 | 1u << 14, 0);
		/* 4vnniw 2, 4fmaps 3, vp2intersect 8, fp16 23 */
		edit(s, 7, 0, CC_EDX, 1u << 2 | 1u << 3 | 1u << 8 | 1u << 23,
		     0);
		edit(s, 7, 1, CC_EAX, 1u << 5, 0); /* avx512_bf16 */
		edit(s, 0xd, 0, CC_EAX, 0x7u << 5, 0); /* opmask, zmm */
	}
}
