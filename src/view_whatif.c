/*
 * The explorer's what-if edits: see view_toggle and view_whatif_profile in
 * view.h.  An edit turns one bit off on the view's own copy of A (fixing
 * it, known, even where a profile left it to the host) and remembers what
 * the bit was, so toggling again restores it exactly; the check is re-run
 * and the selection kept.  The edited A is handed out as a profile; the
 * TUI writes it.
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cc_buf.h"
#include "view.h"
#include "view_priv.h"

/* The entry of S covering (LEAF, SUB), writable. */
static struct cc_leaf *entry(struct cc_set *s, uint32_t leaf, uint32_t sub)
{
	const struct cc_leaf *l = cc_set_get(s, leaf, sub);

	return l ? &s->leaves[l - s->leaves] : NULL;
}

static void toggle_message(struct view *v, const char *name, const char *what)
{
	if (v->two)
		snprintf(v->message, sizeof v->message,
			 "what-if: %s %s on A; verdict %s (%zu incompatible)",
			 name, what, cc_verdict_name(v->report->verdict),
			 v->report->count[CC_SEV_INCOMPATIBLE]);
	else
		snprintf(v->message, sizeof v->message, "what-if: %s %s on A",
			 name, what);
}

/* Turn toggle I of A back on: restore the bit as it was. */
static void toggle_back_on(struct view *v, size_t i, const struct view_key *k,
			   const char *name)
{
	struct view_side *sd = &v->side[0];
	const struct view_toggle *t = &sd->toggles[i];
	struct cc_leaf *l = entry(sd->set, t->leaf, t->subleaf);
	uint32_t m = 1u << t->bit;

	if (l != NULL) {
		l->reg[t->reg] = (l->reg[t->reg] & ~m) | t->old_reg;
		l->known[t->reg] = (l->known[t->reg] & ~m) | t->old_known;
		l->absent |= t->old_absent;
	}
	sd->toggles[i] = sd->toggles[--sd->ntoggles];
	view_build_rows(v);
	view_relocate(v, k);
	toggle_message(v, name, "back on");
}

/* Turn row R's bit off on A (fixed and known), remembering what it was;
 * 0, or -1 with a message when it is already off or cannot be edited. */
static int toggle_off(struct view *v, const struct view_row *r,
		      const struct view_key *k, const char *name)
{
	struct view_side *sd = &v->side[0];
	struct cc_set *s = sd->set;
	struct view_toggle *t;
	struct cc_leaf *l;
	uint32_t m = 1u << r->f.lo, val, kn;

	val = cc_set_reg(s, r->f.leaf, r->f.subleaf, (enum cc_reg)r->f.reg,
			 &kn);
	if ((kn & m) && !(val & m)) {
		snprintf(v->message, sizeof v->message,
			 "%s is already off on A", name);
		return -1;
	}
	l = entry(s, r->f.leaf, r->f.subleaf);
	if (l == NULL) {
		/* only a profile that leaves unnamed registers to the host
		 * gets here: add an entry that names this register alone */
		int reg;

		l = cc_set_put(s, r->f.leaf, r->f.subleaf, r->f.subleaf);
		if (l == NULL) {
			snprintf(v->message, sizeof v->message,
				 "cannot edit %s on A", name);
			return -1;
		}
		for (reg = 0; reg < CC_NREGS; reg++)
			l->known[reg] = 0;
		l->absent = s->uncovered == CC_UNCOVERED_HOST ? 0xf : 0;
	}
	sd->toggles = cc_xrealloc(sd->toggles,
				  (sd->ntoggles + 1) * sizeof *sd->toggles);
	t = &sd->toggles[sd->ntoggles++];
	memset(t, 0, sizeof *t);
	t->leaf = r->f.leaf;
	t->subleaf = r->f.subleaf;
	t->reg = r->f.reg;
	t->bit = r->f.lo;
	t->field = r->f.field;
	t->old_reg = l->reg[t->reg] & m;
	t->old_known = l->known[t->reg] & m;
	t->old_absent = (uint8_t)(l->absent & (1u << t->reg));
	l->reg[t->reg] &= ~m;
	l->known[t->reg] |= m;
	l->absent &= (uint8_t) ~(1u << t->reg);
	view_build_rows(v);
	view_relocate(v, k);
	toggle_message(v, name, "off");
	return 0;
}

int view_toggle(struct view *v)
{
	const struct view_row *r = view_row(v);
	const struct view_side *sd = &v->side[0];
	struct view_key k;
	char buf[48];
	const char *name;
	size_t i;

	if (!v->two) {
		snprintf(v->message, sizeof v->message,
			 "what-if needs two sets (explore A B)");
		return -1;
	}
	if (r == NULL) {
		snprintf(v->message, sizeof v->message, "no field selected");
		return -1;
	}
	name = view_row_name(r, buf, sizeof buf);
	if (r->f.lo != r->f.hi) {
		snprintf(v->message, sizeof v->message,
			 "what-if turns one-bit features off; %s is a "
			 "%u-bit value",
			 name, r->f.hi - r->f.lo + 1);
		return -1;
	}
	k = view_row_key(r);
	for (i = 0; i < sd->ntoggles; i++) {
		const struct view_toggle *t = &sd->toggles[i];

		if (t->leaf == r->f.leaf && t->subleaf == r->f.subleaf &&
		    t->reg == r->f.reg && t->bit == r->f.lo) {
			toggle_back_on(v, i, &k, name);
			return 0;
		}
	}
	return toggle_off(v, r, &k, name);
}

/* A's name as a file stem: no directory, extension or odd characters. */
static void side_stem(const struct view *v, char *out, size_t n)
{
	const char *name = v->side[0].set->name, *slash = strrchr(name, '/');
	char stem[64];
	size_t i, len;
	char *dot;

	if (slash != NULL)
		name = slash + 1;
	if (strncmp(name, "profile:", 8) == 0)
		name += 8;
	snprintf(stem, sizeof stem, "%s", name);
	dot = strrchr(stem, '.');
	if (dot != NULL && dot != stem)
		*dot = '\0';
	len = strlen(stem);
	for (i = 0; i < len; i++) {
		char c = stem[i];

		if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
		      (c >= '0' && c <= '9') || c == '-' || c == '_' ||
		      c == '.'))
			stem[i] = '-';
	}
	snprintf(out, n, "%s", len ? stem : "explore");
}

struct cc_set *view_whatif_profile(const struct view *v)
{
	const struct view_side *sd = &v->side[0];
	struct cc_set *s = cc_set_dup(sd->set);
	struct cc_buf off;
	char stem[64];
	size_t i;

	if (s->kind == CC_KIND_DUMP) {
		/* every bit fixed: the profile pins exactly this CPU */
		s->kind = CC_KIND_PROFILE;
		s->uncovered = CC_UNCOVERED_ZERO;
	}
	side_stem(v, stem, sizeof stem);
	free(s->name);
	s->name = cc_xmalloc(strlen(stem) + sizeof "-whatif");
	sprintf(s->name, "%s-whatif", stem);
	cc_buf_init(&off);
	for (i = 0; i < sd->ntoggles; i++) {
		const struct view_toggle *t = &sd->toggles[i];

		if (t->field != NULL)
			cc_buf_printf(&off, "%s%s", i ? "," : "",
				      t->field->name);
		else {
			char pos[48];

			cc_pos_format(pos, sizeof pos, CC_POS_SHORT, t->leaf,
				      t->subleaf, t->reg, t->bit, t->bit);
			cc_buf_printf(&off, "%s%s", i ? "," : "", pos);
		}
	}
	if (off.len)
		cc_set_meta_set(s, "whatif_off", off.data, 0);
	cc_buf_free(&off);
	return s;
}

void view_profile_path(const struct view *v, char *out, size_t n)
{
	char stem[64];

	side_stem(v, stem, sizeof stem);
	snprintf(out, n, "%s-whatif.json", stem);
}
