/*
 * etallen cpuid(1) raw text, as `cpuid -r` (every CPU, "CPU 0:" ...) and
 * `cpuid -1 -r` ("CPU:") print it: one line per leaf and subleaf,
 *
 *    0x00000007 0x00: eax=0x00000002 ebx=0xf1bf2ffb ecx=... edx=...
 *
 * Old cpuid versions print no subleaf column ("   0x00000004: eax=..."):
 * the subleaf is then the line's rank among consecutive lines of the same
 * leaf, which is how those versions enumerated them.  The reader takes one
 * CPU block (fmt_opts.cpu, by its header number; the first by default); the
 * writer prints a single "CPU:" block that `cpuid -f FILE` decodes.
 */
#include "config.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fmt.h"

#define CPU_MAX 1000000 /* highest "CPU n:" number parse_header takes */

/* Split off the next blank-separated token of L at *I. */
static int token(const struct fmt_line *l, size_t *i, const char **t,
		 size_t *tn)
{
	size_t s = *i;

	while (s < l->n && fmt_is_blank(l->p[s]))
		s++;
	if (s >= l->n)
		return 0;
	*t = l->p + s;
	while (s < l->n && !fmt_is_blank(l->p[s]))
		s++;
	*tn = (size_t)(l->p + s - *t);
	*i = s;
	return 1;
}

/*
 * "CPU:" (-> 0) or "CPU <n>:" header.  Returns 1 with *NUM, 0 when L is not
 * a header, -1 on a malformed number.
 */
static int parse_header(const struct fmt_line *l, long *num)
{
	size_t i = 3;
	long v = 0;

	if (l->n < 4 || memcmp(l->p, "CPU", 3) != 0)
		return 0;
	if (l->p[3] == ':' && l->n == 4) {
		*num = 0;
		return 1;
	}
	if (l->p[3] != ' ')
		return 0;
	while (i < l->n && l->p[i] == ' ')
		i++;
	if (i >= l->n || l->p[i] < '0' || l->p[i] > '9')
		return -1;
	while (i < l->n && l->p[i] >= '0' && l->p[i] <= '9') {
		v = v * 10 + (l->p[i] - '0');
		if (v > CPU_MAX)
			return -1;
		i++;
	}
	if (i + 1 != l->n || l->p[i] != ':')
		return -1;
	*num = v;
	return 1;
}

struct leafline {
	uint32_t leaf, sub, reg[CC_NREGS];
	int has_sub; /* 0: old layout without the subleaf column */
};

/* Parse a leaf line; -1 with E naming NAME and the line. */
static int parse_leaf_line(const struct fmt_line *l, const char *name,
			   struct leafline *out, struct cc_err *e)
{
	static const char *const pfx[CC_NREGS] = {"eax=", "ebx=", "ecx=",
						  "edx="};
	size_t i = 0, tn;
	const char *t;
	int r;

	if (!token(l, &i, &t, &tn))
		return cc_errf(e, "%s:%d: expected a leaf line", name, l->no);
	out->has_sub = t[tn - 1] != ':';
	if (!out->has_sub)
		tn--;
	if (tn < 3 || t[0] != '0' || (t[1] != 'x' && t[1] != 'X') ||
	    fmt_parse_hex32(t, tn, &out->leaf) < 0)
		return cc_errf(e,
			       "%s:%d: expected a leaf like 0x00000007, got "
			       "\"%.*s\" (%s)",
			       name, l->no, (int)tn, t, fmt_hex_problem(t, tn));
	out->sub = 0;
	if (out->has_sub) {
		if (!token(l, &i, &t, &tn) || t[tn - 1] != ':')
			return cc_errf(e,
				       "%s:%d: expected a subleaf like 0x00: "
				       "after the leaf (truncated line?)",
				       name, l->no);
		tn--;
		if (tn < 3 || t[0] != '0' || (t[1] != 'x' && t[1] != 'X') ||
		    fmt_parse_hex32(t, tn, &out->sub) < 0)
			return cc_errf(e,
				       "%s:%d: expected a subleaf like 0x00, "
				       "got \"%.*s\" (%s)",
				       name, l->no, (int)tn, t,
				       fmt_hex_problem(t, tn));
	}
	for (r = 0; r < CC_NREGS; r++) {
		if (!token(l, &i, &t, &tn))
			return cc_errf(e,
				       "%s:%d: truncated line: expected "
				       "%s0x..., got the end of the line",
				       name, l->no, pfx[r]);
		if (tn < 4 || memcmp(t, pfx[r], 4) != 0)
			return cc_errf(e,
				       "%s:%d: expected %s0x..., got \"%.*s\"",
				       name, l->no, pfx[r], (int)tn, t);
		t += 4;
		tn -= 4;
		if (tn < 3 || t[0] != '0' || (t[1] != 'x' && t[1] != 'X') ||
		    fmt_parse_hex32(t, tn, &out->reg[r]) < 0)
			return cc_errf(e,
				       "%s:%d: %s expected 0x and up to 8 hex "
				       "digits, got \"%.*s\" (%s)",
				       name, l->no, pfx[r], (int)tn, t,
				       fmt_hex_problem(t, tn));
	}
	if (token(l, &i, &t, &tn))
		return cc_errf(e, "%s:%d: unexpected \"%.*s\" after edx", name,
			       l->no, (int)tn, t);
	return 0;
}

static int cpuid_r_detect(const char *buf, size_t len)
{
	size_t pos = 0, lines = 0;
	struct fmt_line l = {NULL, 0, 0};

	/* The first non-blank line is a CPU header or a leaf line. */
	while (lines++ < 8 && fmt_next_line(buf, len, &pos, &l)) {
		long num;

		if (l.n == 0)
			continue;
		if (parse_header(&l, &num) == 1)
			return 1;
		return l.n > 16 && l.p[0] == '0' && l.p[1] == 'x' &&
		       memmem(l.p, l.n, ": eax=0x", 8) != NULL;
	}
	return 0;
}

/* Block bookkeeping of one read. */
struct blocks {
	long *nums; /* header numbers, in file order */
	size_t n;
	long want;           /* fmt_opts.cpu; -1 = the first block */
	int in_block;        /* a header (or a first leaf line) was seen */
	int in_want;         /* the current block is the chosen one */
	int got_want;        /* the chosen block was seen */
	unsigned char *seen; /* bitmap of the numbers once there are many */
};

/* Start block NUM; -1 when NUM was seen before. */
static int start_block(struct blocks *b, long num)
{
	size_t i;

	if (b->seen == NULL && b->n < 64) {
		for (i = 0; i < b->n; i++)
			if (b->nums[i] == num)
				return -1;
	} else {
		if (b->seen == NULL) {
			b->seen = cc_xcalloc(CPU_MAX / 8 + 1, 1);
			for (i = 0; i < b->n; i++)
				b->seen[b->nums[i] / 8] |=
					(unsigned char)(1u << (b->nums[i] % 8));
		}
		if (b->seen[num / 8] >> (num % 8) & 1)
			return -1;
	}
	if (b->seen != NULL)
		b->seen[num / 8] |= (unsigned char)(1u << (num % 8));
	if ((b->n & (b->n - 1)) == 0) /* 0, 1, 2, 4, ...: grow by doubling */
		b->nums = cc_xrealloc(b->nums,
				      (b->n ? 2 * b->n : 1) * sizeof *b->nums);
	b->nums[b->n++] = num;
	b->in_block = 1;
	b->in_want = !b->got_want && (b->want < 0 || b->want == num);
	if (b->in_want)
		b->got_want = 1;
	return 0;
}

static void no_such_cpu(const struct blocks *b, const char *name,
			struct cc_err *e)
{
	long lo = b->nums[0], hi = b->nums[0];
	size_t i;

	for (i = 1; i < b->n; i++) {
		if (b->nums[i] < lo)
			lo = b->nums[i];
		if (b->nums[i] > hi)
			hi = b->nums[i];
	}
	cc_errf(e,
		"%s: no CPU %ld in this file: it has %zu CPU%s, numbered "
		"%ld to %ld",
		name, b->want, b->n, b->n == 1 ? "" : "s", lo, hi);
}

/* One read of a `cpuid -r` file: the blocks, the staged entries of the
 * CPU asked for, and the subleaf numbering of lines without one. */
struct reader {
	struct blocks b;
	struct fmt_stage st;
	int *lines; /* line of each staged entry */
	size_t caplines;
	uint32_t prev_leaf;
	int prev_valid, rank;
};

/* Line L (not blank) of NAME into R; -1 and E. */
static int read_line(struct reader *r, const struct fmt_line *l,
		     const char *name, struct cc_err *e)
{
	struct leafline ll;
	struct cc_leaf *c;
	long num = 0;
	int h = parse_header(l, &num);
	size_t prev;

	if (h < 0)
		return cc_errf(e,
			       "%s:%d: expected a header like \"CPU 0:\", "
			       "got \"%.*s\"",
			       name, l->no, (int)l->n, l->p);
	if (h == 0 && l->p[0] != '0')
		return cc_errf(e,
			       "%s:%d: expected a \"CPU N:\" header or a leaf "
			       "line like \"0x00000007 0x00: eax=0x... "
			       "ebx=0x... ecx=0x... edx=0x...\", got \"%.*s\"",
			       name, l->no, l->n > 40 ? 40 : (int)l->n, l->p);
	if (h > 0 || !r->b.in_block) {
		/* leaf lines before any header: one CPU, number 0 */
		if (start_block(&r->b, num) < 0)
			return cc_errf(e, "%s:%d: CPU %ld appears twice", name,
				       l->no, num);
		r->prev_valid = 0;
		if (h > 0)
			return 0;
	}
	if (parse_leaf_line(l, name, &ll, e) < 0)
		return -1;
	if (!ll.has_sub) {
		r->rank = r->prev_valid && r->prev_leaf == ll.leaf ? r->rank + 1
								   : 0;
		ll.sub = (uint32_t)r->rank;
	}
	r->prev_leaf = ll.leaf;
	r->prev_valid = 1;
	if (!r->b.in_want)
		return 0;
	c = fmt_stage_put(&r->st, ll.leaf, ll.sub, ll.sub, &prev);
	if (c == NULL)
		return cc_errf(e,
			       "%s:%d: duplicate leaf 0x%08x subleaf 0x%02x "
			       "(first on line %d)",
			       name, l->no, ll.leaf, ll.sub, r->lines[prev]);
	memcpy(c->reg, ll.reg, sizeof c->reg);
	if (r->st.n > r->caplines) {
		r->caplines = r->caplines ? r->caplines * 2 : 128;
		r->lines =
			cc_xrealloc(r->lines, r->caplines * sizeof *r->lines);
	}
	r->lines[r->st.n - 1] = l->no;
	return 0;
}

static struct cc_set *cpuid_r_read(const char *buf, size_t len,
				   const char *name,
				   const struct fmt_opts *opts,
				   struct cc_err *e)
{
	struct cc_set *s = cc_set_new(name, CC_KIND_DUMP);
	struct blocks b0 = {NULL, 0, opts ? opts->cpu : -1, 0, 0, 0, NULL};
	struct reader r;
	size_t pos = 0, bad;
	struct fmt_line l = {NULL, 0, 0};

	memset(&r, 0, sizeof r);
	r.b = b0;
	fmt_stage_init(&r.st);
	while (fmt_next_line(buf, len, &pos, &l))
		if (l.n != 0 && read_line(&r, &l, name, e) < 0)
			goto fail;
	if (r.b.n == 0) {
		cc_errf(e, "%s: no CPUID lines (expected `cpuid -r` output)",
			name);
		goto fail;
	}
	if (!r.b.got_want) {
		no_such_cpu(&r.b, name, e);
		goto fail;
	}
	if (r.st.n == 0) {
		cc_errf(e, "%s: CPU %ld has no leaf lines", name,
			r.b.want < 0 ? r.b.nums[0] : r.b.want);
		goto fail;
	}
	if (fmt_stage_flush(&r.st, s, &bad) < 0) {
		cc_errf(e, "%s:%d: overlapping entries", name, r.lines[bad]);
		goto fail;
	}
	free(r.lines);
	free(r.b.nums);
	free(r.b.seen);
	if (cc_set_finish(s, e) < 0) {
		cc_set_free(s);
		return NULL;
	}
	return s;
fail:
	fmt_stage_free(&r.st);
	free(r.lines);
	free(r.b.nums);
	free(r.b.seen);
	cc_set_free(s);
	return NULL;
}

static void cpuid_r_row(struct cc_buf *b, const struct fmt_row *r, void *ctx)
{
	(void)ctx;
	cc_buf_printf(b,
		      "   0x%08x 0x%02x: eax=0x%08x ebx=0x%08x ecx=0x%08x "
		      "edx=0x%08x\n",
		      r->l->leaf, r->sub, r->v[CC_EAX], r->v[CC_EBX],
		      r->v[CC_ECX], r->v[CC_EDX]);
}

static int cpuid_r_write(struct cc_buf *out, const struct cc_set *s,
			 struct cc_err *e)
{
	struct cc_buf b;

	cc_buf_init(&b);
	cc_buf_puts(&b, "CPU:\n");
	if (fmt_each_row(s,
			 "`cpuid -r` text holds only fully known registers "
			 "(apply the profile to a host first)",
			 "`cpuid -r` text lists", cpuid_r_row, &b, NULL,
			 e) < 0) {
		cc_buf_free(&b);
		return -1;
	}
	cc_buf_add(out, b.data, b.len);
	cc_buf_free(&b);
	return 0;
}

/*
 * Read: the block whose header number is opts->cpu (the first when -1); a
 * missing one is an error saying how many CPUs the file has.  Write: one
 * "CPU:" block with every entry; a register bit left to the host, or a
 * profile range over FMT_MAX_EXPAND subleaves, is an error.
 */
const struct fmt fmt_cpuid_r = {
	.name = "cpuid-r",
	.description = "etallen cpuid -r raw text (one or many CPUs)",
	.detect = cpuid_r_detect,
	.read = cpuid_r_read,
	.write = cpuid_r_write,
};
