/*
 * The explorer's search: see view_search in view.h.  A query is a field
 * name in any spelling or alias (substring, case-insensitive), a category,
 * or a position ("7.0.ebx", "7.0.ebx[16]", "0x7.0.EBX",
 * "CPUID.(7,0).EBX[16]"; a feature MSR's "msr.0x10a[5]", "MSR 0x10a[5]"
 * or "MSR 0x10a", its bits counted in the MSR), parsed once per search.
 * Moving to a match goes through view_jump, which widens the filter when
 * the match is hidden.
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "view.h"
#include "view_priv.h"

struct pos {
	uint32_t leaf, subleaf;
	int has_sub;
	int reg;    /* -1: any */
	int lo, hi; /* -1: any */
};

static int parse_num(const char **s, int base, uint32_t *out)
{
	const char *p = *s;
	unsigned long x;
	char *end;

	if (base == 10 && p[0] == '0' && (p[1] == 'x' || p[1] == 'X'))
		base = 16;
	if (!((*p >= '0' && *p <= '9') ||
	      (base == 16 &&
	       ((*p >= 'a' && *p <= 'f') || (*p >= 'A' && *p <= 'F')))))
		return -1;
	x = strtoul(p, &end, base);
	if (end == p || x > UINT32_MAX)
		return -1;
	*out = (uint32_t)x;
	*s = end;
	return 0;
}

/* The rest of a feature MSR's position after "msr." or "MSR ": "0x10a",
 * "0x10a[5]", "0x10a[63:32]"; bits 63:32 are its EDX, a range across bit
 * 32 is not a position.  Returns 0 when S is one. */
static int parse_msr(const char *s, struct pos *p)
{
	uint32_t hi, lo;
	int base;

	p->leaf = CC_MSR_LEAF;
	p->has_sub = 1;
	if (parse_num(&s, 16, &p->subleaf) < 0)
		return -1;
	if (*s == '\0')
		return 0;
	if (*s++ != '[' || parse_num(&s, 10, &hi) < 0 || hi > 63)
		return -1;
	lo = hi;
	if (*s == ':') {
		s++;
		if (parse_num(&s, 10, &lo) < 0 || lo > hi)
			return -1;
	}
	if (*s++ != ']' || *s != '\0' || (lo < 32 && hi >= 32))
		return -1;
	base = lo >= 32 ? 32 : 0;
	p->reg = base ? CC_EDX : CC_EAX;
	p->lo = (int)lo - base;
	p->hi = (int)hi - base;
	return 0;
}

/* "7.0.ebx[16]", "0x7.0", "CPUID.(7,0).EBX[31:0]", "(0xd,1).eax",
 * "msr.0x10a[5]", "MSR 0x10a[5]".  Returns 0 when Q is a position. */
static int parse_position(const char *q, struct pos *p)
{
	const char *s = q;
	uint32_t x;

	memset(p, 0, sizeof *p);
	p->reg = p->lo = p->hi = -1;
	if (strncasecmp(s, "msr.", 4) == 0 || strncasecmp(s, "msr ", 4) == 0)
		return parse_msr(s + 4, p);
	if (strncasecmp(s, "cpuid.", 6) == 0)
		s += 6;
	if (*s == '(') {
		s++;
		if (parse_num(&s, 16, &p->leaf) < 0 || *s++ != ',')
			return -1;
		while (*s == ' ')
			s++;
		if (parse_num(&s, 10, &p->subleaf) < 0 || *s++ != ')')
			return -1;
		p->has_sub = 1;
	} else {
		if (parse_num(&s, 16, &p->leaf) < 0 || *s++ != '.')
			return -1;
		if (parse_num(&s, 10, &p->subleaf) < 0)
			return -1;
		p->has_sub = 1;
	}
	if (*s == '.') {
		char reg[4];

		s++;
		if (strlen(s) < 3)
			return -1;
		memcpy(reg, s, 3);
		reg[3] = '\0';
		p->reg = cc_reg_parse(reg);
		if (p->reg < 0)
			return -1;
		s += 3;
	}
	if (*s == '[' && p->reg >= 0) {
		s++;
		if (parse_num(&s, 10, &x) < 0 || x > 31)
			return -1;
		p->hi = p->lo = (int)x;
		if (*s == ':') {
			s++;
			if (parse_num(&s, 10, &x) < 0 || x > (uint32_t)p->hi)
				return -1;
			p->lo = (int)x;
		}
		if (*s++ != ']')
			return -1;
	}
	return *s == '\0' ? 0 : -1;
}

/* 0: no match, 1: match, 2: exact match. */
static int row_matches(const struct view_row *r, const char *q,
		       const struct pos *p)
{
	const struct cc_finding *f = &r->f;

	if (p != NULL) {
		if (f->leaf != p->leaf ||
		    (p->has_sub && f->subleaf != p->subleaf))
			return 0;
		if (p->reg >= 0 && f->reg != p->reg)
			return 0;
		if (p->lo < 0)
			return 2;
		if (f->lo > p->hi || f->hi < p->lo)
			return 0;
		return f->lo == p->lo && f->hi == p->hi ? 2 : 1;
	}
	if (f->field == NULL)
		return 0;
	if (cc_field_matches(f->field, q, 0))
		return 2;
	return cc_field_matches(f->field, q, 1);
}

size_t view_search(struct view *v, const char *q)
{
	/* candidates in order of preference: an exact match that the
	 * filter shows, any exact match, a visible match from the cursor
	 * on, any match from the cursor on, the first match */
	enum { EXACT_VIS, EXACT, AFTER_VIS, AFTER, FIRST, NPICK };
	size_t pick[NPICK], i, n = 0, len, cur;
	int have[NPICK], k, have_cur;
	struct pos p;
	const struct pos *pp;

	while (*q == ' ')
		q++;
	len = strlen(q);
	while (len > 0 && q[len - 1] == ' ')
		len--;
	if (len == 0 || len >= sizeof v->query) {
		v->query[0] = '\0';
		snprintf(v->message, sizeof v->message,
			 len ? "search text too long" : "search cleared");
		return 0;
	}
	memcpy(v->query, q, len);
	v->query[len] = '\0';
	pp = parse_position(v->query, &p) == 0 ? &p : NULL;
	cur = view_current_index(v, &have_cur);
	memset(have, 0, sizeof have);
	memset(pick, 0, sizeof pick);
	for (i = 0; i < v->nrows; i++) {
		int m = row_matches(&v->rows[i], v->query, pp);
		int vis = view_row_visible(v, &v->rows[i]);
		int cand[NPICK];

		if (!m)
			continue;
		n++;
		cand[EXACT_VIS] = m == 2 && vis;
		cand[EXACT] = m == 2;
		cand[AFTER_VIS] = (!have_cur || i >= cur) && vis;
		cand[AFTER] = !have_cur || i >= cur;
		cand[FIRST] = 1;
		for (k = 0; k < NPICK; k++) {
			if (cand[k] && !have[k]) {
				pick[k] = i;
				have[k] = 1;
			}
		}
	}
	if (n == 0) {
		snprintf(v->message, sizeof v->message, "no field matches '%s'",
			 v->query);
		return 0;
	}
	for (k = 0; !have[k]; k++)
		;
	view_jump(v, pick[k]);
	snprintf(v->message, sizeof v->message, "'%s': %zu match%s%s", v->query,
		 n, n == 1 ? "" : "es", n > 1 ? " (n/N: next/previous)" : "");
	return n;
}

int view_search_next(struct view *v, int dir)
{
	struct pos p;
	const struct pos *pp = NULL;
	int have;
	size_t cur = view_current_index(v, &have), i, step;

	if (v->nrows == 0)
		return 0;
	if (v->query[0])
		pp = parse_position(v->query, &p) == 0 ? &p : NULL;
	if (!have)
		cur = dir > 0 ? v->nrows - 1 : 0;
	for (step = 1; step <= v->nrows; step++) {
		const struct view_row *r;

		if (dir > 0)
			i = (cur + step) % v->nrows;
		else
			i = (cur + v->nrows - step % v->nrows) % v->nrows;
		r = &v->rows[i];
		if (v->query[0] ? row_matches(r, v->query, pp) != 0
				: (view_row_visible(v, r) &&
				   (v->two ? view_row_is_difference(r)
					   : view_row_nonzero(r)))) {
			if (have && i == cur)
				break;
			view_jump(v, i);
			v->message[0] = '\0';
			return 1;
		}
	}
	snprintf(v->message, sizeof v->message, "%s",
		 v->query[0] ? "no other match"
		 : v->two    ? "no other difference"
			     : "no other non-zero field");
	return 0;
}
