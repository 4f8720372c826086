/*
 * Synthetic fleets: hosts of one CPU model made from a recorded CPU, each
 * differing from the recording the way real hosts of one model do: their
 * APIC IDs, the stepping, what old microcode leaves out (the MDS and
 * Spectre-era mitigation bits), TSX turned off, and AVX-512 turned off.
 * Everything is a deterministic function of the host's index, so the
 * bench (fleetgen) and the unit tests (check_fleet) build the same fleets.
 */
#ifndef FLEET_SYNTH_H
#define FLEET_SYNTH_H

#include <stddef.h>
#include <stdint.h>

#include "cpuid_set.h"

struct synth_variant {
	uint32_t apic;  /* initial APIC ID (and x2APIC ID) */
	int stepping;   /* stepping + 1 (mod 16) */
	int old_ucode;  /* clear md_clear, spec_ctrl, stibp, flush_l1d,
			 * arch_capabilities, ssbd and AMD's ibpb/ibrs/ssbd */
	int no_tsx;     /* clear hle and rtm */
	int no_avx512;  /* clear the AVX-512 flags and XCR0 bits 5..7 */
};

/* The variant of host I: APIC ID from I, the rest from a hash of I
 * (stepping 1/2, old microcode 1/4, TSX off 1/2, AVX-512 off 1/4). */
void synth_variant_of(size_t i, struct synth_variant *v);

/* Apply V to S, a dump, in place (entries S lacks are left alone). */
void synth_apply(struct cc_set *s, const struct synth_variant *v);

#endif
