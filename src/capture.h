/*
 * Live sources of CPUID on this machine.
 *
 *   host: the CPUID instruction itself, on one CPU (the calling thread is
 *         pinned to the first CPU it may run on for the capture, so two
 *         captures in a row are identical), enumerating every subleaf the
 *         way each leaf defines its subleaves (capture_enumerate).
 *   kvm:  what KVM offers guests: KVM_GET_SUPPORTED_CPUID on /dev/kvm, after
 *         asking for AMX guest permission so leaf 0xD includes AMX state.
 *   auto: kvm when /dev/kvm can be opened, else host (with a warning).
 *
 * Both also record the feature MSRs the field database names (CC_MSR_LEAF,
 * cpuid_set.h): host from /dev/cpu/N/msr of the pinned CPU, kvm from
 * KVM_GET_MSR_FEATURE_INDEX_LIST and KVM_GET_MSRS on the system descriptor
 * (an MSR KVM does not list reads as 0).  When they cannot be read the set
 * has no MSR entry (its MSR bits stay unknown) and metadata "msrs" says
 * why; that is never an error.
 *
 * Both return a finished dump (kind CC_KIND_DUMP) with metadata (source,
 * brand, vendor, family/model/stepping, microcode, kernel, hostname, tool
 * version, capture time), or NULL and E.
 */
#ifndef CAPTURE_H
#define CAPTURE_H

#include "cc_err.h"
#include "cpuid_set.h"

#include <stdint.h>

/* A CPUID backend: the registers EAX..EDX of (LEAF, SUBLEAF) into R
 * (zeroed before the call).  CTX is the backend's own. */
typedef void (*capture_cpuid_fn)(void *ctx, uint32_t leaf, uint32_t subleaf,
				 uint32_t r[4]);

/* Backends: the CPUID instruction on the calling CPU (CTX unused); and a
 * recorded set, CTX a const struct cc_set *: its registers, zeros for
 * every (leaf, subleaf) it does not hold. */
void capture_cpuid_insn(void *ctx, uint32_t leaf, uint32_t subleaf,
			uint32_t r[4]);
void capture_cpuid_set(void *ctx, uint32_t leaf, uint32_t subleaf,
		       uint32_t r[4]);

/* Walk the basic, hypervisor, extended and Centaur ranges through FN and
 * return every (leaf, subleaf) the CPU defines, enumerated by each leaf's
 * own rule (see capture.c), as a new unfinished dump named NAME (the
 * caller runs cc_set_finish and frees it).  Never fails. */
struct cc_set *capture_enumerate(capture_cpuid_fn fn, void *ctx,
				 const char *name);

struct cc_set *capture_host(struct cc_err *e);

/* DEVICE NULL means /dev/kvm (or $CPUCOMPAT_KVM_DEVICE, for tests). */
struct cc_set *capture_kvm(const char *device, struct cc_err *e);

/* What KVM offers (capture_kvm(NULL)) when the KVM device exists and can
 * be opened; else the raw host capture, with a warning on the set naming
 * the device and why it could not be opened.  Metadata "source" says which
 * ("kvm" or "host").  Every other KVM failure is an error, as for
 * capture_kvm. */
struct cc_set *capture_auto(struct cc_err *e);

/* Fill the common metadata of a freshly captured set (cheap: no
 * /proc/cpuinfo, so a check stays start-up bound). */
void capture_add_meta(struct cc_set *s, const char *source);

/* Complete the provenance of a live capture for files that record it
 * (dump, generate): the microcode revision, from /proc/cpuinfo when sysfs
 * does not have it.  No-op for sets that are not live captures. */
void capture_add_provenance(struct cc_set *s);

#endif
