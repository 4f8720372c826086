/*
 * The diff engine: a pure function from two CPUID sets and the field
 * database to a report.  No printing, no exit, no curses: renderers
 * (report.h, the TUI) only read the report, whose model is cc_report.h.
 *
 * check (directional): can a guest that sees SOURCE keep running on TARGET?
 * Every field compares by its rule (subset, equal, ge, le, info); bits no
 * field names compare as unnamed flags (subset).  diff (symmetric): every
 * difference in both directions.  Leaves past a range maximum do not exist
 * (they read as zero); bits a profile leaves to the host are counted as
 * host-dependent, never as differences, when the other side is a dump.
 * Between two profiles every field's stance (required, absent, left to
 * the host, fixed: enum cc_stance) must agree too: a change of stance is
 * a finding (CC_CHANGE_STANCE).  In a diff its severity follows what it
 * costs (a profile that now requires a feature it left to the host, or
 * leaves to the host one it required, is incompatible); check, which asks
 * whether a running guest can move, reports it as a warning.  Registers
 * one profile does not name compare stances only when both formats treat
 * what they do not name alike (enum cc_uncovered).  Enabled XSAVE components must agree
 * in size and offset (0xD subleaf n, for every component the source's
 * XCR0|XSS enables).
 *
 * The guest view (guest.h) judges each difference as a KVM guest started
 * on the source would see it: differences no guest can see are recorded
 * but never counted or blocking, a flag KVM can offer that the source has
 * and the target lacks always blocks, and each finding carries its
 * consequence and hint.  The raw view keeps the judgement of raw CPUID.
 */
#ifndef DIFF_H
#define DIFF_H

#include <stddef.h>
#include <stdint.h>

#include "cc_report.h"
#include "cpuid_set.h"
#include "defs.h"

struct cc_diff_opts {
	int symmetric;    /* diff rather than check */
	int with_matches; /* also record matching and host-dependent fields */
	int view;         /* enum cc_view (guest.h); 0 = CC_VIEW_RAW */
	const struct cc_waiver *waivers; /* --ignore and --waivers, borrowed
					  * (struct cc_waiver: cc_report.h) */
	size_t nwaivers;
};

/* Compare SRC -> DST into a new report (free with cc_report_free).  The
 * findings borrow their fields from D and their waiver reasons from O,
 * which must outlive the report; the report's src and dst point at SRC
 * and DST. */
struct cc_report *cc_diff(const struct cc_set *src, const struct cc_set *dst,
			  const struct cc_defs *d,
			  const struct cc_diff_opts *o);
/* Does waiver name W match finding F (name, spelling, alias, category
 * such as "power", or position "7.0.ebx[16]" / "CPUID.(7,0).EBX[16]")? */
int cc_waiver_matches(const char *w, const struct cc_finding *f);

#endif
