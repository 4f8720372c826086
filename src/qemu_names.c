/*
 * The feature flag names QEMU 7.2 accepts in -cpu: the list
 * `qemu-system-x86_64 -cpu help` of QEMU 7.2 prints under "Recognized
 * CPUID flags" (QEMU's x86 feature word table, CPUID words and the
 * feature-MSR words), sorted, each once.  tests/cli_qemu.sh compares it
 * with the installed QEMU's own list when there is one.
 *
 * Flags QEMU 7.2 has no name for are spelled as our name in brackets,
 * "[amd_psfd]" (no QEMU flag has brackets, and they keep report columns
 * narrow), in slots of a fixed table, so that a
 * spelling needs no allocation and stays valid until the process ends.
 */
#include "config.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "qemu_names.h"

/* The names packed as QEMU prints them, sorted. */
/* clang-format off */
static const char *const qemu72[] = {
	"3dnow", "3dnowext", "3dnowprefetch", "abm", "ace2", "ace2-en", "acpi",
	"adx", "aes", "amd-no-ssb", "amd-ssbd", "amd-stibp", "amx-bf16",
	"amx-int8", "amx-tile", "apic", "arat", "arch-capabilities",
	"arch-lbr", "avic", "avx", "avx-vnni", "avx2", "avx512-4fmaps",
	"avx512-4vnniw", "avx512-bf16", "avx512-fp16", "avx512-vp2intersect",
	"avx512-vpopcntdq", "avx512bitalg", "avx512bw", "avx512cd", "avx512dq",
	"avx512er", "avx512f", "avx512ifma", "avx512pf", "avx512vbmi",
	"avx512vbmi2", "avx512vl", "avx512vnni", "bmi1", "bmi2",
	"bus-lock-detect", "cid", "cldemote", "clflush", "clflushopt", "clwb",
	"clzero", "cmov", "cmp-legacy", "core-capability", "cr8legacy", "cx16",
	"cx8", "dca", "de", "decodeassists", "ds", "ds-cpl", "dtes64", "erms",
	"est", "extapic", "f16c", "flushbyasid", "fma", "fma4", "fpu",
	"fsgsbase", "fsrm", "full-width-write", "fxsr", "fxsr-opt", "gfni",
	"hle", "ht", "hypervisor", "ia64", "ibpb", "ibrs", "ibrs-all", "ibs",
	"intel-pt", "intel-pt-lip", "invpcid", "invtsc", "kvm-asyncpf",
	"kvm-asyncpf-int", "kvm-hint-dedicated", "kvm-mmu",
	"kvm-msi-ext-dest-id", "kvm-nopiodelay", "kvm-poll-control",
	"kvm-pv-eoi", "kvm-pv-ipi", "kvm-pv-sched-yield", "kvm-pv-tlb-flush",
	"kvm-pv-unhalt", "kvm-steal-time", "kvmclock", "kvmclock-stable-bit",
	"la57", "lahf-lm", "lbrv", "lm", "lwp", "mca", "mce", "md-clear",
	"mds-no", "misalignsse", "mmx", "mmxext", "monitor", "movbe",
	"movdir64b", "movdiri", "mpx", "msr", "mtrr", "nodeid-msr", "npt",
	"nrip-save", "nx", "osvw", "pae", "pat", "pause-filter", "pbe", "pcid",
	"pclmulqdq", "pcommit", "pdcm", "pdpe1gb", "perfctr-core",
	"perfctr-nb", "pfthreshold", "pge", "phe", "phe-en", "pks", "pku",
	"pmm", "pmm-en", "pn", "pni", "popcnt", "pschange-mc-no", "pse",
	"pse36", "rdctl-no", "rdpid", "rdrand", "rdseed", "rdtscp", "rsba",
	"rtm", "sep", "serialize", "sgx", "sgx-debug", "sgx-exinfo", "sgx-kss",
	"sgx-mode64", "sgx-provisionkey", "sgx-tokenkey", "sgx1", "sgx2",
	"sgxlc", "sha-ni", "skinit", "skip-l1dfl-vmentry", "smap", "smep",
	"smx", "spec-ctrl", "split-lock-detect", "ss", "ssb-no", "ssbd", "sse",
	"sse2", "sse4.1", "sse4.2", "sse4a", "ssse3", "stibp", "svm",
	"svm-lock", "svme-addr-chk", "syscall", "taa-no", "tbm", "tce", "tm",
	"tm2", "topoext", "tsc", "tsc-adjust", "tsc-deadline", "tsc-scale",
	"tsx-ctrl", "tsx-ldtrk", "umip", "v-vmsave-vmload", "vaes", "vgif",
	"virt-ssbd", "vmcb-clean", "vme", "vmx", "vmx-activity-hlt",
	"vmx-activity-shutdown", "vmx-activity-wait-sipi",
	"vmx-apicv-register", "vmx-apicv-vid", "vmx-apicv-x2apic",
	"vmx-apicv-xapic", "vmx-cr3-load-noexit", "vmx-cr3-store-noexit",
	"vmx-cr8-load-exit", "vmx-cr8-store-exit", "vmx-desc-exit",
	"vmx-encls-exit", "vmx-entry-ia32e-mode", "vmx-entry-load-bndcfgs",
	"vmx-entry-load-efer", "vmx-entry-load-pat",
	"vmx-entry-load-perf-global-ctrl", "vmx-entry-load-pkrs",
	"vmx-entry-load-rtit-ctl", "vmx-entry-noload-debugctl", "vmx-ept",
	"vmx-ept-1gb", "vmx-ept-2mb", "vmx-ept-advanced-exitinfo",
	"vmx-ept-execonly", "vmx-eptad", "vmx-eptp-switching",
	"vmx-exit-ack-intr", "vmx-exit-clear-bndcfgs",
	"vmx-exit-clear-rtit-ctl", "vmx-exit-load-efer", "vmx-exit-load-pat",
	"vmx-exit-load-perf-global-ctrl", "vmx-exit-load-pkrs",
	"vmx-exit-nosave-debugctl", "vmx-exit-save-efer", "vmx-exit-save-pat",
	"vmx-exit-save-preemption-timer", "vmx-flexpriority", "vmx-hlt-exit",
	"vmx-ins-outs", "vmx-intr-exit", "vmx-invept",
	"vmx-invept-all-context", "vmx-invept-single-context",
	"vmx-invept-single-context-noglobals", "vmx-invlpg-exit",
	"vmx-invpcid-exit", "vmx-invvpid", "vmx-invvpid-all-context",
	"vmx-invvpid-single-addr", "vmx-io-bitmap", "vmx-io-exit",
	"vmx-monitor-exit", "vmx-movdr-exit", "vmx-msr-bitmap", "vmx-mtf",
	"vmx-mwait-exit", "vmx-nmi-exit", "vmx-page-walk-4", "vmx-page-walk-5",
	"vmx-pause-exit", "vmx-ple", "vmx-pml", "vmx-posted-intr",
	"vmx-preemption-timer", "vmx-rdpmc-exit", "vmx-rdrand-exit",
	"vmx-rdseed-exit", "vmx-rdtsc-exit", "vmx-rdtscp-exit",
	"vmx-secondary-ctls", "vmx-shadow-vmcs", "vmx-store-lma",
	"vmx-true-ctls", "vmx-tsc-offset", "vmx-tsc-scaling",
	"vmx-unrestricted-guest", "vmx-vintr-pending", "vmx-vmfunc",
	"vmx-vmwrite-vmexit-fields", "vmx-vnmi", "vmx-vnmi-pending",
	"vmx-vpid", "vmx-wbinvd-exit", "vmx-xsaves", "vmx-zero-len-inject",
	"vpclmulqdq", "waitpkg", "wbnoinvd", "wdt", "x2apic", "xcrypt",
	"xcrypt-en", "xfd", "xgetbv1", "xop", "xsave", "xsavec", "xsaveerptr",
	"xsaveopt", "xsaves", "xstore", "xstore-en", "xtpr",
};
/* clang-format on */
#define NQEMU72 (sizeof qemu72 / sizeof qemu72[0])

#define SLOTS 4096
#define SLOT_LEN 96

/* Marked spellings, open-addressed by the field's address. */
static struct {
	const struct cc_field *f;
	char s[SLOT_LEN];
} marked[SLOTS];

static int cmp_name(const void *a, const void *b)
{
	return strcmp(*(const char *const *)a, *(const char *const *)b);
}

int qemu_names_known(const char *name)
{
	return name != NULL && bsearch(&name, qemu72, NQEMU72, sizeof qemu72[0],
				       cmp_name) != NULL;
}

size_t qemu_names_count(void)
{
	return NQEMU72;
}

const char *qemu_names_at(size_t i)
{
	return i < NQEMU72 ? qemu72[i] : NULL;
}

const char *qemu_names_field(const struct cc_field *f)
{
	return qemu_names_known(f->qemu) ? f->qemu : NULL;
}

const char *qemu_names_spell(const struct cc_field *f)
{
	size_t h, i;

	if (qemu_names_known(f->qemu))
		return f->qemu;
	if (f->hi != f->lo) /* a value, not a flag: QEMU spells none */
		return f->name;
	h = (size_t)(((uintptr_t)f >> 3) * 2654435761u) % SLOTS;
	for (i = 0; i < SLOTS; i++) {
		size_t k = (h + i) % SLOTS;

		if (marked[k].f == f)
			return marked[k].s;
		if (marked[k].f == NULL) {
			marked[k].f = f;
			snprintf(marked[k].s, sizeof marked[k].s, "[%s]",
				 f->name);
			return marked[k].s;
		}
	}
	/* every slot taken: reuse the home slot */
	marked[h].f = f;
	snprintf(marked[h].s, sizeof marked[h].s, "[%s]", f->name);
	return marked[h].s;
}
