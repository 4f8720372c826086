/*
 * AIDA64 CPUID dumps (read only): the "CPUID Registers" section of an
 * AIDA64 report and the raw dumps InstLatx64 publishes.  A register line is
 *
 *   CPUID 00000007: 00000002-F3BFBFFB-BB417FEE-FFDD4430 [SL 00]
 *
 * (EAX-EBX-ECX-EDX in hex, the subleaf in hex after "SL", then free
 * annotations such as "[GenuineIntel]").  Reports put blanks and a TAB
 * where the raw dumps put the colon.  There is one block per logical CPU,
 * started by a banner ("------[ Logical CPU #0 ]------", "CPUID Registers
 * (CPU #1 Virtual):", "CPU#002 AffMask: ...") or only by leaf 0 coming
 * again; fmt_opts.cpu counts blocks from 0.  Everything else in a report is
 * skipped, except "MSR 0000010A: 0000-0000-2DA9-FDEB" lines (bits 63:0 in
 * 16-bit groups), which become the set's entry for that feature MSR
 * (CC_MSR_LEAF, cpuid_set.h).
 *
 * Older versions print no [SL nn]: a leaf's lines are then numbered in
 * order from 0, and the set carries a warning, because those versions
 * listed only some subleaves of leaves such as 0xD.
 */
#include "config.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fmt.h"

#define AIDA_MAX_INFERRED 16 /* leaves named in the inferred-subleaf warning */

static int is_alnum(char c)
{
	return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') ||
	       (c >= 'A' && c <= 'Z');
}

static int starts_with(const struct fmt_line *l, const char *w)
{
	size_t n = strlen(w);

	return l->n >= n && memcmp(l->p, w, n) == 0;
}

/* Run of letters and digits at L->p[*I]; its length. */
static size_t alnum_run(const struct fmt_line *l, size_t i)
{
	size_t s = i;

	while (i < l->n && is_alnum(l->p[i]))
		i++;
	return i - s;
}

/*
 * Banners and headings.  Returns 1 for one that starts a CPU block, -1 for
 * one that starts some other section, 0 for any other line.
 */
static int banner(const struct fmt_line *l)
{
	if (starts_with(l, "------[")) {
		if (memmem(l->p, l->n, "Logical CPU #", 13) != NULL)
			return 1;
		return -1;
	}
	if (starts_with(l, "CPUID Registers (CPU #"))
		return 1;
	if (starts_with(l, "CPU#") && memmem(l->p, l->n, "AffMask", 7))
		return 1;
	if (l->n > 1 && l->p[l->n - 1] == ':')
		return -1; /* a report heading: "MSR Registers:" */
	return 0;
}

struct aida_line {
	uint32_t leaf, sub, reg[CC_NREGS];
	int has_sub;
};

/* The optional "[SL nn]" of line L after offset I into OUT; 1, or -1
 * and E. */
static int parse_subleaf(const struct fmt_line *l, size_t i, const char *name,
			 struct aida_line *out, struct cc_err *e)
{
	const char *t = memmem(l->p + i, l->n - i, "[SL", 3);
	const char *end = l->p + l->n, *q, *close;
	size_t tn;

	out->has_sub = 0;
	out->sub = 0;
	if (t == NULL)
		return 1;
	q = t + 3;
	while (q < end && fmt_is_blank(*q))
		q++;
	close = memchr(q, ']', (size_t)(end - q));
	if (close == NULL)
		return cc_errf(e, "%s:%d: \"[SL\" without a closing ']'", name,
			       l->no);
	tn = (size_t)(close - q);
	while (tn > 0 && fmt_is_blank(q[tn - 1]))
		tn--;
	if (fmt_parse_hex32(q, tn, &out->sub) < 0)
		return cc_errf(e,
			       "%s:%d: subleaf [SL %.*s]: expected a hex "
			       "number (%s)",
			       name, l->no, (int)tn, q, fmt_hex_problem(q, tn));
	out->has_sub = 1;
	return 1;
}

/*
 * A "CPUID <leaf>" line: 1 when L is one (filled into OUT), 0 when L is some
 * other report line that starts with "CPUID" ("CPUID Manufacturer ..."),
 * -1 with E when it is malformed.
 */
static int parse_cpuid(const struct fmt_line *l, const char *name,
		       struct aida_line *out, struct cc_err *e)
{
	static const char *const regs[CC_NREGS] = {"EAX", "EBX", "ECX", "EDX"};
	size_t i = 5, tn, j;
	const char *t;
	int r, sep = 0;

	if (!starts_with(l, "CPUID") || l->n < 6 || !fmt_is_blank(l->p[5]))
		return 0;
	while (i < l->n && fmt_is_blank(l->p[i]))
		i++;
	t = l->p + i;
	tn = alnum_run(l, i);
	if (tn == 0)
		return 0;
	for (j = 0; j < tn && fmt_is_hex(t[j]); j++)
		;
	if (!(j == tn && tn >= 8) && !(t[0] >= '0' && t[0] <= '9'))
		return 0; /* a heading such as "CPUID Manufacturer" */
	if (fmt_parse_hex32(t, tn, &out->leaf) < 0)
		return cc_errf(e,
			       "%s:%d: leaf \"%.*s\": expected 8 hex digits "
			       "(%s)",
			       name, l->no, (int)tn, t, fmt_hex_problem(t, tn));
	i += tn;
	while (i < l->n && fmt_is_blank(l->p[i])) {
		i++;
		sep = 1;
	}
	if (i < l->n && l->p[i] == ':') {
		i++;
		sep = 1;
	}
	while (i < l->n && fmt_is_blank(l->p[i]))
		i++;
	if (!sep)
		return cc_errf(e,
			       "%s:%d: expected ':' or blanks after leaf "
			       "%.*s",
			       name, l->no, (int)tn, t);
	for (r = 0; r < CC_NREGS; r++) {
		if (i >= l->n)
			return cc_errf(e,
				       "%s:%d: truncated line: expected 4 "
				       "registers EAX-EBX-ECX-EDX, got %d",
				       name, l->no, r);
		t = l->p + i;
		tn = alnum_run(l, i);
		if (fmt_parse_hex32(t, tn, &out->reg[r]) < 0) {
			/* show the whole bad field, up to the next '-' */
			while (tn < l->n - i && t[tn] != '-' &&
			       !fmt_is_blank(t[tn]))
				tn++;
			return cc_errf(e,
				       "%s:%d: %s \"%.*s\": expected 8 hex "
				       "digits (%s)",
				       name, l->no, regs[r], (int)tn, t,
				       fmt_hex_problem(t, tn));
		}
		i += tn;
		if (r < CC_NREGS - 1) {
			if (i >= l->n)
				return cc_errf(
					e,
					"%s:%d: truncated line: expected "
					"4 registers EAX-EBX-ECX-EDX, "
					"got %d",
					name, l->no, r + 1);
			if (l->p[i] != '-')
				return cc_errf(e,
					       "%s:%d: expected '-' after %s, "
					       "got '%c'",
					       name, l->no, regs[r], l->p[i]);
			i++;
		}
	}
	if (i < l->n && !fmt_is_blank(l->p[i]))
		return cc_errf(e, "%s:%d: unexpected '%c' after EDX", name,
			       l->no, l->p[i]);
	return parse_subleaf(l, i, name, out, e);
}

/* "MSR 0000010A: 0000-0000-2DA9-FDEB": 1 with the parts, else 0. */
static int parse_msr(const struct fmt_line *l, uint32_t *index, uint32_t *hi,
		     uint32_t *lo)
{
	uint32_t g[4];
	size_t i = 3, tn;
	int k;

	if (!starts_with(l, "MSR") || l->n < 4 || !fmt_is_blank(l->p[3]))
		return 0;
	while (i < l->n && fmt_is_blank(l->p[i]))
		i++;
	tn = alnum_run(l, i);
	if (fmt_parse_hex32(l->p + i, tn, index) < 0)
		return 0;
	i += tn;
	while (i < l->n && (fmt_is_blank(l->p[i]) || l->p[i] == ':'))
		i++;
	for (k = 0; k < 4; k++) {
		tn = alnum_run(l, i);
		if (tn != 4 || fmt_parse_hex32(l->p + i, tn, &g[k]) < 0)
			return 0;
		i += tn;
		if (k < 3 && (i >= l->n || l->p[i++] != '-'))
			return 0;
	}
	*hi = g[0] << 16 | g[1];
	*lo = g[2] << 16 | g[3];
	return 1;
}

static int aida64_detect(const char *buf, size_t len)
{
	const char *p = buf, *end = buf + len;

	while ((p = memmem(p, (size_t)(end - p), "CPUID ", 6)) != NULL) {
		const char *q = p + 6, *b = p;
		int k, sep = 0;

		/* only blanks between the line start and "CPUID" */
		while (b > buf && fmt_is_blank(b[-1]))
			b--;
		if (b != buf && b[-1] != '\n') {
			p += 6;
			continue;
		}
		for (k = 0; k < 8 && q < end && fmt_is_hex(*q); k++)
			q++;
		while (q < end && (fmt_is_blank(*q) || *q == ':')) {
			q++;
			sep = 1;
		}
		if (k == 8 && sep) {
			for (k = 0; k < 8 && q < end && fmt_is_hex(*q); k++)
				q++;
			if (k == 8 && q < end && *q == '-')
				return 1;
		}
		p += 6;
	}
	return 0;
}

struct aida_state {
	int nblocks; /* blocks started so far */
	int cur;     /* current block, -1 outside any */
	int pending; /* a CPU banner was seen: the next CPUID line starts a block */
	int any;     /* the current block has CPUID lines */
	uint32_t prev_leaf;
	uint32_t rank; /* subleaf of the previous line */
	int prev_valid;
	int want;                             /* the block asked for */
	uint32_t inferred[AIDA_MAX_INFERRED]; /* leaves numbered by order */
	size_t ninferred;
	int nmsrs; /* MSR entries kept */
};

/* An MSR line L: keep it when it belongs to the block asked for (or comes
 * before any block and is not known yet); -1 and E past FMT_MAX_META
 * MSRs. */
static int take_msr(struct aida_state *st, struct cc_set *s,
		    const struct fmt_line *l, uint32_t index, uint64_t v,
		    const char *name, struct cc_err *e)
{
	int ctx = st->pending ? st->nblocks : st->cur;
	int known = cc_set_get(s, CC_MSR_LEAF, index) != NULL;

	if (ctx != st->want && (ctx >= 0 || known))
		return 0;
	if (!known && ++st->nmsrs > FMT_MAX_META)
		return cc_errf(e, "%s:%d: more than %d MSRs", name, l->no,
			       FMT_MAX_META);
	cc_set_msr_set(s, index, v);
	return 0;
}

/* Place the CPUID line AL in its block, and number its subleaf by order
 * when the line has no [SL nn] (noting the leaf for the warning). */
static void number_line(struct aida_state *st, struct aida_line *al)
{
	if (st->pending || st->cur < 0 || (al->leaf == 0 && st->any)) {
		st->cur = st->nblocks++;
		st->pending = 0;
		st->any = 0;
		st->prev_valid = 0;
	}
	st->any = 1;
	if (!al->has_sub) {
		al->sub = st->prev_valid && st->prev_leaf == al->leaf
				  ? st->rank + 1
				  : 0;
		if (al->sub > 0 && st->cur == st->want &&
		    (st->ninferred == 0 ||
		     st->inferred[st->ninferred - 1] != al->leaf) &&
		    st->ninferred < AIDA_MAX_INFERRED)
			st->inferred[st->ninferred++] = al->leaf;
	}
	st->prev_leaf = al->leaf;
	st->rank = al->sub;
	st->prev_valid = 1;
}

/* The warning for leaves whose subleaves were numbered by order. */
static void warn_inferred(const struct aida_state *st, struct cc_set *s,
			  const char *name)
{
	char list[AIDA_MAX_INFERRED * 12];
	size_t k, n = 0;

	if (st->ninferred == 0)
		return;
	list[0] = '\0';
	for (k = 0; k < st->ninferred; k++)
		n += (size_t)snprintf(list + n, sizeof list - n, "%s0x%x",
				      k ? ", " : "", st->inferred[k]);
	cc_set_warn(s,
		    "%s: no [SL nn] subleaf numbers for leaf %s: "
		    "their lines were numbered 0, 1, 2 ... in order, "
		    "which is wrong where AIDA64 skipped subleaves "
		    "(it may list only some subleaves of leaf 0xd)",
		    name, list);
}

/* Read every line of BUF into STAGE (the block asked for) and S (its
 * MSRs); the number of CPUID lines, or -1 and E. */
static int read_lines(struct aida_state *st, struct fmt_stage *stage,
		      struct cc_set *s, const char *buf, size_t len,
		      const char *name, struct cc_err *e)
{
	struct fmt_line l = {NULL, 0, 0};
	size_t pos = 0;
	int lines = 0;

	while (fmt_next_line(buf, len, &pos, &l)) {
		struct aida_line al;
		struct cc_leaf *c;
		uint32_t index, hi, lo;
		int b, rc;

		if (l.n == 0)
			continue;
		b = banner(&l);
		if (b != 0) {
			st->pending = b > 0;
			st->cur = -1;
			continue;
		}
		if (parse_msr(&l, &index, &hi, &lo)) {
			if (take_msr(st, s, &l, index, (uint64_t)hi << 32 | lo,
				     name, e) < 0)
				return -1;
			continue;
		}
		rc = parse_cpuid(&l, name, &al, e);
		if (rc < 0)
			return -1;
		if (rc == 0)
			continue;
		lines++;
		number_line(st, &al);
		if (st->cur != st->want)
			continue;
		c = fmt_stage_put(stage, al.leaf, al.sub, al.sub, NULL);
		if (c == NULL)
			return cc_errf(
				e,
				"%s:%d: duplicate leaf %08X subleaf %02X "
				"in CPU block %d",
				name, l.no, al.leaf, al.sub, st->want);
		memcpy(c->reg, al.reg, sizeof c->reg);
	}
	return lines;
}

static struct cc_set *aida64_read(const char *buf, size_t len, const char *name,
				  const struct fmt_opts *opts, struct cc_err *e)
{
	struct cc_set *s = cc_set_new(name, CC_KIND_DUMP);
	struct aida_state st;
	struct fmt_stage stage;
	size_t bad;
	int lines;

	memset(&st, 0, sizeof st);
	st.cur = -1;
	st.want = opts && opts->cpu >= 0 ? opts->cpu : 0;
	fmt_stage_init(&stage);
	lines = read_lines(&st, &stage, s, buf, len, name, e);
	if (lines < 0)
		goto fail;
	if (lines == 0) {
		cc_errf(e, "%s: no \"CPUID xxxxxxxx: EAX-EBX-ECX-EDX\" lines",
			name);
		goto fail;
	}
	if (st.want >= st.nblocks) {
		cc_errf(e,
			"%s: no CPU block %d in this file: it has %d CPU "
			"block%s, numbered 0 to %d",
			name, st.want, st.nblocks, st.nblocks == 1 ? "" : "s",
			st.nblocks - 1);
		goto fail;
	}
	warn_inferred(&st, s, name);
	if (fmt_stage_flush(&stage, s, &bad) < 0) {
		cc_errf(e, "%s: entry %zu: overlapping entries", name, bad);
		goto fail;
	}
	if (cc_set_finish(s, e) < 0)
		goto fail;
	return s;
fail:
	fmt_stage_free(&stage);
	cc_set_free(s);
	return NULL;
}

/*
 * Read only: block opts->cpu (counted from 0; the first when -1); a missing
 * one is an error saying how many blocks the file has.
 */
const struct fmt fmt_aida64 = {
	.name = "aida64",
	.description = "AIDA64 / InstLatx64 CPUID dump text (read only)",
	.detect = aida64_detect,
	.read = aida64_read,
	.write = NULL,
};
