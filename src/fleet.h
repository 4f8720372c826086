/*
 * Fleets: thousands of hosts collapsed into classes of hosts whose guests
 * see the same CPUID, and what an operator asks of them.
 *
 * A host joins the fleet by its dump; the dump is projected onto what a
 * guest sees (fleet_guest_view: fields no guest sees or the VMM sets, such
 * as APIC IDs and topology, are masked out), the projection is hashed, and
 * the host joins the class with an equal projection or starts a new one.
 * No pair of hosts is ever compared: a class keeps its first host's dump
 * as its representative and every other dump is freed once hashed, so
 * memory grows with the number of classes, not hosts.
 *
 * cc_fleet_analyze then answers, per class (classes are few, so pairwise
 * work on classes is fine): which class's guests can run on which (cc_diff
 * between representatives, as `check` judges), reduced to the edges no
 * path of other edges implies; a name (brand plus what the class lacks
 * next to its siblings of the same brand, and the richest bundled profile
 * it can run); one baseline per vendor (cc_profile_baseline); the largest
 * group that can run one real host's full view; and which hosts, if
 * removed, would add most to each baseline.
 *
 * Ownership: the fleet owns its hosts' names, its representatives and the
 * analysis; it borrows the defs, which must outlive it.  Nothing here
 * prints or exits.
 */
#ifndef FLEET_H
#define FLEET_H

#include <stddef.h>
#include <stdint.h>

#include "cc_err.h"
#include "cpuid_set.h"
#include "defs.h"
#include "profile.h"

/* Bundled profiles a class records whether it runs (the first ones). */
#define FLEET_MAX_PROFILES 256

struct fleet_host {
	char *name;   /* file stem, or the set's origin ("host", "kvm") */
	char *origin; /* as the user named it: a path, "-", "host" */
	size_t cls;   /* index into the classes */
};

/* One feature a removal would add to a vendor's baseline. */
struct fleet_gain {
	size_t *classes; /* the classes to remove (lacking the features) */
	size_t nclasses;
	size_t nhosts;                  /* hosts in those classes */
	const struct cc_field **fields; /* what the baseline would gain */
	size_t nfields;
};

struct fleet_vendor {
	enum cc_vendor vendor;
	size_t *classes; /* the vendor's classes, ascending */
	size_t nclasses;
	size_t nhosts;
	struct cc_baseline *baseline; /* sources = classes[] in order; owned */
	struct fleet_gain *gains;     /* best first */
	size_t ngains;
};

struct fleet_class {
	struct cc_set *rep; /* the first host's dump (owned) */
	uint32_t *view;     /* projected view: (leaf, sub, reg, value)... */
	size_t nview;       /* words in view (4 per register kept) */
	uint64_t hash;
	size_t *hosts; /* host indices, ascending */
	size_t nhosts, caphosts;
	/* filled by cc_fleet_analyze: */
	char *name;          /* "Xeon Gold 6148 -hle -rtm" */
	char *brand;         /* trimmed brand string, or vendor family/model */
	const char *profile; /* richest bundled profile it runs, or NULL */
	size_t profile_richness; /* that profile's fixed set bits */
	/* bit i: it runs cc_builtin_profiles[i]; 0 until fleet_name_runs */
	uint64_t runs[FLEET_MAX_PROFILES / 64];
	size_t group; /* index of its mutual-migration group */
};

/* One edge of the reduced graph: guests of class FROM can run on TO. */
struct fleet_edge {
	size_t from, to;
};

struct cc_fleet {
	const struct cc_defs *d; /* borrowed */
	struct fleet_host *hosts;
	size_t nhosts, caphosts;
	struct fleet_class *classes;
	size_t nclasses, capclasses;
	/* filled by cc_fleet_analyze: */
	uint64_t *reach; /* nclasses x words: class i's guests can run on
			      * class j (direct judgement, i != j) */
	size_t words;    /* uint64_t words per row of reach */
	struct fleet_edge *edges; /* transitive reduction of reach */
	size_t nedges;
	struct fleet_vendor *vendors; /* in order of first appearance */
	size_t nvendors;
	size_t largest; /* class whose up-set is the largest group */
	size_t largest_hosts;
	int analyzed;
	void *priv; /* projection cache, owned */
};

/* A new empty fleet over D (borrowed). */
struct cc_fleet *cc_fleet_new(const struct cc_defs *d);
void cc_fleet_free(struct cc_fleet *f);

/*
 * Add host S (consumed, freed on error too) under NAME (copied; NULL =
 * derived from S's origin: the file stem).  -1 and E when S cannot be a
 * host: a profile, or a dump without a vendor.  Not after analyze.
 */
int cc_fleet_add(struct cc_fleet *f, struct cc_set *s, const char *name,
		 struct cc_err *e);

/*
 * The projection a class is defined by: the words (leaf, subleaf,
 * register, value) of every register of S, a dump, in S's order, masked
 * to the bits a KVM guest sees (fleet_seen), values KVM caps as the
 * guest sees them, registers that project to 0 left out; the vendor
 * first.  Into *OUT (grown with realloc, *CAP its capacity);
 * returns the number of words.  Equal projections = one class.
 */
size_t fleet_guest_view(struct cc_fleet *f, const struct cc_set *s,
			uint32_t **out, size_t *cap);

/*
 * The bits of BITS in (LEAF, SUB, REG), named by field FL (NULL: bits no
 * field names), that a KVM guest sees: cc_guest_judge in the guest view
 * finds them seen (not never shown, outside KVM's mask, set by the VMM,
 * emulated everywhere, following the guest's own state, or computed).
 * Only seen bits can split a class.  A database without KVM rules falls
 * back to: every field whose rule is not "info", and every unnamed bit.
 */
uint32_t fleet_seen(const struct cc_defs *d, const struct cc_field *fl,
		    uint32_t leaf, uint32_t sub, int reg, uint32_t bits);

/* Judge every pair of classes, reduce the graph, name the classes, make
 * the per-vendor baselines, the largest group and the removal gains.
 * -1 and E when a baseline cannot be made. */
int cc_fleet_analyze(struct cc_fleet *f, struct cc_err *e);

/*
 * Fill every class's runs[] (each bundled profile it runs, as `check
 * profile:NAME HOST` judges), which analyze leaves 0: only the node
 * labels need it.  After cc_fleet_analyze, which found each class's
 * richest profile; runs[] is rewritten on every call.
 */
void fleet_name_runs(struct cc_fleet *f);

/* Can guests of class I run on class J (I == J: yes)?  After analyze. */
int cc_fleet_reaches(const struct cc_fleet *f, size_t i, size_t j);

/* The stem of PATH ("/a/b/host-1.json" -> "host-1") into a new string. */
char *fleet_stem(const char *path);

#endif
