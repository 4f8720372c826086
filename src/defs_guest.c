/*
 * The guest view of the field database: see defs_guest.h.
 *
 * The rules come from one file (defs/guest.json): which Linux KVM they
 * were read from, the consequence of each category, the hints, and the
 * register table that says what a guest can see of bits no field names.
 * Every check here exists so that a wrong rule stops the build with the
 * file and the field named, instead of silently hiding a difference.
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cc_buf.h"
#include "cc_json.h"
#include "cpuid_set.h"
#include "defs_guest.h"

const char *const cc_guest_names[] = {"never", "kvm", "passthrough", "vmm",
				      NULL};
const char *const cc_offer_names[] = {"",         "host",
				      "emulated", "synthesized",
				      "runtime",  "module",
				      "computed", NULL};
const char *const cc_conseq_names[] = {"instruction", "state",
				       "mitigation",  "capacity",
				       "identity",    "informational",
				       NULL};

/* Entries are sorted by (leaf, reg, first) and never overlap; an entry
 * for a leaf range sorts by its first leaf, so the few such entries are
 * looked at one by one. */
const struct cc_guest_reg *cc_defs_guest_reg(const struct cc_defs *d,
					     uint32_t leaf, uint32_t subleaf,
					     int reg)
{
	size_t lo = 0, hi = d->nregs, i;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		const struct cc_guest_reg *g = &d->regs[mid];

		if (g->leaf < leaf || (g->leaf == leaf && g->reg < reg))
			lo = mid + 1;
		else
			hi = mid;
	}
	for (i = lo;
	     i < d->nregs && d->regs[i].leaf == leaf && d->regs[i].reg == reg;
	     i++)
		if (subleaf >= d->regs[i].first && subleaf <= d->regs[i].last)
			return &d->regs[i];
	for (i = 0; i < d->nregs && d->regs[i].leaf <= leaf; i++) {
		const struct cc_guest_reg *g = &d->regs[i];

		if (g->leaf_last > g->leaf && leaf <= g->leaf_last &&
		    g->reg == reg && subleaf >= g->first && subleaf <= g->last)
			return g;
	}
	return NULL;
}

const char *cc_defs_hint(const struct cc_defs *d, const char *id)
{
	size_t i;

	for (i = 0; i < d->nhints; i++)
		if (strcmp(d->hints[i].id, id) == 0)
			return d->hints[i].text;
	return NULL;
}

static int index_of(const char *const *names, const char *s)
{
	int i;

	for (i = 0; s && names[i]; i++)
		if (strcmp(s, names[i]) == 0)
			return i;
	return -1;
}

static int hex_u32(const cJSON *j, uint32_t *v)
{
	char *end;
	unsigned long long x;

	if (!cJSON_IsString(j) || strncmp(j->valuestring, "0x", 2) != 0)
		return -1;
	x = strtoull(j->valuestring, &end, 16);
	if (*end != '\0' || end == j->valuestring + 2 || x > UINT32_MAX)
		return -1;
	*v = (uint32_t)x;
	return 0;
}

static int sub_u32(const cJSON *j, uint32_t *v)
{
	return cc_json_u32(j, v) == NULL ? 0 : -1;
}

/* "subleaf": N, [first, last] or null */
static int reg_subleaves(const cJSON *s, struct cc_guest_reg *r)
{
	if (cJSON_IsNull(s)) {
		r->first = 0;
		r->last = UINT32_MAX;
		return 0;
	}
	if (sub_u32(s, &r->first) == 0) {
		r->last = r->first;
		return 0;
	}
	return cJSON_IsArray(s) && cJSON_GetArraySize(s) == 2 &&
			       sub_u32(cJSON_GetArrayItem(s, 0), &r->first) ==
				       0 &&
			       sub_u32(cJSON_GetArrayItem(s, 1), &r->last) ==
				       0 &&
			       r->first <= r->last
		       ? 0
		       : -1;
}

static int load_reg(struct cc_guest_reg *r, const cJSON *j, const char *file,
		    size_t idx, struct cc_err *e)
{
	const cJSON *it, *leaf = cJSON_GetObjectItemCaseSensitive(j, "leaf");
	const cJSON *mask = cJSON_GetObjectItemCaseSensitive(j, "mask");
	const cJSON *msr = cJSON_GetObjectItemCaseSensitive(j, "msr");
	static const char *const keys[] = {"leaf",  "subleaf", "register",
					   "guest", "mask",    "msr",
					   NULL};
	int x;

	memset(r, 0, sizeof *r);
	if (!cJSON_IsObject(j))
		return cc_errf(e, "%s: registers[%zu]: expected an object",
			       file, idx);
	cJSON_ArrayForEach(it, j)
	{
		if (index_of(keys, it->string) < 0)
			return cc_errf(e,
				       "%s: registers[%zu]: unknown key \"%s\"",
				       file, idx, it->string);
	}
	if (msr != NULL) {
		/* a feature MSR: the pseudo-leaf, subleaf = its index */
		if (hex_u32(msr, &r->first) < 0 || leaf != NULL ||
		    cJSON_GetObjectItemCaseSensitive(j, "subleaf") != NULL)
			return cc_errf(e,
				       "%s: registers[%zu]: msr: expected "
				       "\"0x...\", without leaf and subleaf",
				       file, idx);
		r->leaf = r->leaf_last = CC_MSR_LEAF;
		r->last = r->first;
	} else if (hex_u32(leaf, &r->leaf) == 0 && !CC_IS_MSR(r->leaf)) {
		r->leaf_last = r->leaf;
	} else if (!cJSON_IsArray(leaf) || cJSON_GetArraySize(leaf) != 2 ||
		   hex_u32(cJSON_GetArrayItem(leaf, 0), &r->leaf) < 0 ||
		   hex_u32(cJSON_GetArrayItem(leaf, 1), &r->leaf_last) < 0 ||
		   r->leaf > r->leaf_last) {
		return cc_errf(e,
			       "%s: registers[%zu]: leaf: expected \"0x...\" "
			       "or [\"0x...\", \"0x...\"]",
			       file, idx);
	}
	if (msr == NULL &&
	    reg_subleaves(cJSON_GetObjectItemCaseSensitive(j, "subleaf"), r) <
		    0)
		return cc_errf(e,
			       "%s: registers[%zu]: subleaf: expected an "
			       "integer, [first, last] or null",
			       file, idx);
	it = cJSON_GetObjectItemCaseSensitive(j, "register");
	x = cJSON_IsString(it) ? cc_reg_parse(it->valuestring) : -1;
	if (x < 0)
		return cc_errf(e,
			       "%s: registers[%zu]: register: expected eax, "
			       "ebx, ecx or edx",
			       file, idx);
	r->reg = (uint8_t)x;
	it = cJSON_GetObjectItemCaseSensitive(j, "guest");
	x = index_of(cc_guest_names,
		     cJSON_IsString(it) ? it->valuestring : NULL);
	if (x <= CC_GUEST_NEVER)
		return cc_errf(e,
			       "%s: registers[%zu]: guest: expected kvm, "
			       "passthrough or vmm (a register no entry names "
			       "is never seen)",
			       file, idx);
	r->guest = (uint8_t)x;
	r->mask = UINT32_MAX;
	if (mask != NULL &&
	    (r->guest == CC_GUEST_VMM || hex_u32(mask, &r->mask) < 0))
		return cc_errf(e,
			       "%s: registers[%zu]: mask: expected \"0x...\", "
			       "on a kvm or passthrough register",
			       file, idx);
	if (mask == NULL && r->guest == CC_GUEST_KVM)
		return cc_errf(e,
			       "%s: registers[%zu]: mask: required when guest "
			       "is kvm",
			       file, idx);
	return 0;
}

/* Two register-table entries cover Y's first (leaf, subleaf, register). */
static int overlap_error(const struct cc_guest_reg *y, const char *file,
			 struct cc_err *e)
{
	char pos[48];

	if (CC_IS_MSR(y->leaf))
		cc_pos_format(pos, sizeof pos, CC_POS_MANUAL, y->leaf, y->first,
			      y->reg, -1, -1);
	else
		snprintf(pos, sizeof pos, "CPUID.(0x%x,%u).%s", y->leaf,
			 y->first, cc_reg_name((enum cc_reg)y->reg));
	return cc_errf(e, "%s: registers: two entries cover %s", file, pos);
}

static int cmp_reg(const void *a, const void *b)
{
	const struct cc_guest_reg *x = a, *y = b;

	if (x->leaf != y->leaf)
		return x->leaf < y->leaf ? -1 : 1;
	if (x->reg != y->reg)
		return x->reg < y->reg ? -1 : 1;
	return (x->first > y->first) - (x->first < y->first);
}

static int load_regs(struct defs_guest *g, const cJSON *a, const char *file,
		     struct cc_err *e)
{
	const cJSON *it;
	size_t i = 0;

	if (!cJSON_IsArray(a))
		return cc_errf(e, "%s: registers: expected a list", file);
	g->nregs = (size_t)cJSON_GetArraySize(a);
	g->regs = cc_xcalloc(g->nregs ? g->nregs : 1, sizeof *g->regs);
	cJSON_ArrayForEach(it, a)
	{
		if (load_reg(&g->regs[i], it, file, i, e) < 0)
			return -1;
		i++;
	}
	qsort(g->regs, g->nregs, sizeof *g->regs, cmp_reg);
	for (i = 0; i + 1 < g->nregs; i++) {
		const struct cc_guest_reg *x = &g->regs[i],
					  *y = &g->regs[i + 1];

		if (x->leaf_last >= y->leaf && x->reg == y->reg &&
		    x->last >= y->first)
			return overlap_error(y, file, e);
	}
	return 0;
}

static int load_conseq(struct defs_guest *g, const cJSON *o, const char *file,
		       struct cc_err *e)
{
	const cJSON *it;
	size_t i;
	uint32_t seen = 0;

	if (!cJSON_IsObject(o))
		return cc_errf(e, "%s: consequences: expected an object", file);
	cJSON_ArrayForEach(it, o)
	{
		int c = index_of(cc_categories, it->string);
		int q = index_of(cc_conseq_names,
				 cJSON_IsString(it) ? it->valuestring : NULL);

		if (c < 0)
			return cc_errf(e, "%s: consequences.%s: not a category",
				       file, it->string);
		if (q < 0)
			return cc_errf(e,
				       "%s: consequences.%s: expected "
				       "instruction, state, mitigation, "
				       "capacity, identity or informational",
				       file, it->string);
		g->conseq[c] = (uint8_t)q;
		seen |= 1u << c;
	}
	for (i = 0; cc_categories[i]; i++)
		if (!(seen >> i & 1))
			return cc_errf(e,
				       "%s: consequences: category %s "
				       "missing",
				       file, cc_categories[i]);
	return 0;
}

static int load_hints(struct defs_guest *g, const cJSON *o, const char *file,
		      struct cc_err *e)
{
	const cJSON *it;

	if (!cJSON_IsObject(o))
		return cc_errf(e, "%s: hints: expected an object", file);
	cJSON_ArrayForEach(it, o)
	{
		if (!cJSON_IsString(it) || !*it->valuestring ||
		    strchr(it->valuestring, '\n'))
			return cc_errf(e,
				       "%s: hints.%s: expected one line of "
				       "text",
				       file, it->string);
		g->hints = cc_xrealloc(g->hints,
				       (g->nhints + 1) * sizeof *g->hints);
		g->strings = cc_xrealloc(g->strings, (2 * g->nhints +
						      2) * sizeof *g->strings);
		g->strings[2 * g->nhints] = cc_xstrdup(it->string);
		g->strings[2 * g->nhints + 1] = cc_xstrdup(it->valuestring);
		g->hints[g->nhints].id = g->strings[2 * g->nhints];
		g->hints[g->nhints].text = g->strings[2 * g->nhints + 1];
		g->nhints++;
	}
	return 0;
}

int defs_guest_load(struct defs_guest *g, const cJSON *root, const char *file,
		    struct cc_err *e)
{
	const cJSON *rules =
		cJSON_GetObjectItemCaseSensitive(root, "kvm_rules");
	const cJSON *cons =
		cJSON_GetObjectItemCaseSensitive(root, "consequences");
	const cJSON *regs = cJSON_GetObjectItemCaseSensitive(root, "registers");
	const cJSON *hints = cJSON_GetObjectItemCaseSensitive(root, "hints");

	if (rules == NULL && cons == NULL && regs == NULL && hints == NULL)
		return 0;
	if (g->file != NULL)
		return cc_errf(e, "%s: the guest view is already defined in %s",
			       file, g->file);
	if (!cJSON_IsString(rules) || !*rules->valuestring || cons == NULL ||
	    regs == NULL)
		return cc_errf(e,
			       "%s: kvm_rules (a string such as \"Linux "
			       "7.1\"), consequences and registers go "
			       "together",
			       file);
	g->file = file;
	g->kvm_rules = cc_xstrdup(rules->valuestring);
	if (load_conseq(g, cons, file, e) < 0 ||
	    load_regs(g, regs, file, e) < 0)
		return -1;
	return hints != NULL ? load_hints(g, hints, file, e) : 0;
}

/* Does the register table agree with field F at its first subleaf?  A
 * field KVM decides from a capability word must lie in KVM's mask there,
 * and a field in KVM's mask must say how KVM decides it. */
static const char *disagreement(const struct defs_guest *g,
				const struct cc_field *f)
{
	struct cc_defs d;
	const struct cc_guest_reg *r;
	uint32_t m = cc_field_mask(f);
	int word;

	memset(&d, 0, sizeof d);
	d.regs = g->regs;
	d.nregs = g->nregs;
	r = cc_defs_guest_reg(&d, f->leaf, f->first, f->reg);
	word = f->guest == CC_GUEST_KVM && f->offer != CC_OFFER_RUNTIME &&
	       f->offer != CC_OFFER_COMPUTED;
	if (word && (r == NULL || r->guest != CC_GUEST_KVM || (m & ~r->mask)))
		return "guest is kvm, but the register table's KVM mask does "
		       "not hold its bits";
	if (r != NULL && r->guest == CC_GUEST_KVM && (m & r->mask) &&
	    f->guest != CC_GUEST_KVM)
		return "KVM's mask holds its bits, but guest is not kvm";
	if (r == NULL && f->guest == CC_GUEST_PASSTHROUGH)
		return "guest is passthrough, but the register table says no "
		       "guest sees this register";
	return NULL;
}

/* Field F (of FILE) disagrees with the register table: the error. */
static int disagreement_error(const struct cc_field *f, const char *file,
			      const char *why, struct cc_err *e)
{
	char pos[48];

	if (CC_IS_MSR(f->leaf))
		cc_pos_format(pos, sizeof pos, CC_POS_MANUAL, f->leaf, f->first,
			      f->reg, f->lo, f->hi);
	else
		snprintf(pos, sizeof pos, "CPUID.(0x%x,%u).%s[%u:%u]", f->leaf,
			 f->first, cc_reg_name((enum cc_reg)f->reg), f->hi,
			 f->lo);
	return cc_errf(e, "%s: field %s (%s): %s", file, f->name, pos, why);
}

/* The field zero_means names: same leaf and register, a shared vendor. */
static const struct cc_field *zero_field(const struct cc_field *fs, size_t n,
					 const struct cc_field *f,
					 const char *name)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (fs[i].leaf == f->leaf && fs[i].reg == f->reg &&
		    (fs[i].vendors & f->vendors) && &fs[i] != f &&
		    strcmp(fs[i].name, name) == 0)
			return &fs[i];
	return NULL;
}

int defs_guest_resolve(const struct defs_guest *g, struct cc_field *fs,
		       size_t n, const struct defs_pending *p,
		       const char *const *files, const size_t *file_of,
		       struct cc_err *e)
{
	size_t i, h;

	for (i = 0; i < n; i++) {
		struct cc_field *f = &fs[i];
		const char *file = files[file_of[i]], *why;

		if (g->kvm_rules != NULL && !p[i].has_guest)
			return cc_errf(e,
				       "%s: field %s: guest: missing (the "
				       "database has KVM rules, in %s)",
				       file, f->name, g->file);
		if (f->consequence == CC_NCONSEQ)
			f->consequence = g->kvm_rules != NULL
						 ? g->conseq[f->category]
					 : f->rule == CC_RULE_INFO
						 ? CC_CONSEQ_INFORMATIONAL
						 : CC_CONSEQ_INSTRUCTION;
		for (h = 0; p[i].hint && h < g->nhints; h++)
			if (strcmp(g->hints[h].id, p[i].hint) == 0)
				f->hint = g->hints[h].text;
		if (p[i].hint && f->hint == NULL)
			return cc_errf(e,
				       "%s: field %s: hint: no hint named "
				       "\"%s\"",
				       file, f->name, p[i].hint);
		if (p[i].zero) {
			const struct cc_field *z =
				zero_field(fs, n, f, p[i].zero);

			if (z == NULL)
				return cc_errf(e,
					       "%s: field %s: zero_means: no "
					       "field %s in the same register",
					       file, f->name, p[i].zero);
			f->zero_means = 1;
			f->zero_lo = z->lo;
			f->zero_hi = z->hi;
		}
		if (g->kvm_rules != NULL && (why = disagreement(g, f)) != NULL)
			return disagreement_error(f, file, why, e);
	}
	return 0;
}

void defs_guest_free(struct defs_guest *g)
{
	size_t i;

	for (i = 0; i < 2 * g->nhints; i++)
		free(g->strings[i]);
	free(g->strings);
	free(g->hints);
	free(g->regs);
	free(g->kvm_rules);
	memset(g, 0, sizeof *g);
}
