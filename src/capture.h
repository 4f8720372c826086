/*
 * Live sources of CPUID on this machine.
 *
 *   host: the CPUID instruction itself, on one CPU (the calling thread is
 *         pinned for the capture), enumerating every subleaf the way each
 *         leaf defines its subleaves.
 *   kvm:  what KVM offers guests: KVM_GET_SUPPORTED_CPUID on /dev/kvm, after
 *         asking for AMX guest permission so leaf 0xD includes AMX state.
 *
 * Both return a finished dump (kind CC_KIND_DUMP) with metadata (source,
 * brand, vendor, family/model/stepping, microcode, kernel, hostname, tool
 * version, capture time), or NULL and E.
 */
#ifndef CAPTURE_H
#define CAPTURE_H

#include "cc_err.h"
#include "cpuid_set.h"

struct cc_set *capture_host(struct cc_err *e);

/* DEVICE NULL means /dev/kvm (or $CPUCOMPAT_KVM_DEVICE, for tests). */
struct cc_set *capture_kvm(const char *device, struct cc_err *e);

/* Fill the common metadata of a freshly captured set (cheap: no
 * /proc/cpuinfo, so a check stays start-up bound). */
void capture_add_meta(struct cc_set *s, const char *source);

/* Complete the provenance of a live capture for files that record it
 * (dump, generate): the microcode revision, from /proc/cpuinfo when sysfs
 * does not have it.  No-op for sets that are not live captures. */
void capture_add_provenance(struct cc_set *s);

#endif
