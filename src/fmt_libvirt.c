/*
 * libvirt's raw CPUID XML (tests/cputestdata/x86_64-cpuid-*.xml), the
 * corpus most real-CPU dumps come in:
 *
 *   <!-- Intel(R) Core(TM) i7-8700 CPU @ 3.20GHz -->
 *   <cpudata arch='x86'>
 *     <cpuid eax_in='0x00000007' ecx_in='0x00' eax='0x...' ebx='0x...'
 *            ecx='0x...' edx='0x...'/>
 *     <msr index='0x10a' edx='0x...' eax='0x...'/>
 *   </cpudata>
 *
 * The comment before the root names the CPU and is kept as metadata
 * "comment"; each <msr> becomes the set's entry for that feature MSR
 * (CC_MSR_LEAF, cpuid_set.h), EDX:EAX as RDMSR returns them.
 * Parsing is expat's (fmt_xml.c); messages carry expat's line numbers.
 */
#include "config.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <expat.h>

#include "fmt.h"
#include "fmt_xml.h"

struct lv_ctx {
	struct fmt_xml x; /* the parser, the file, the first error, the depth */
	struct cc_set *s;
	int root_seen;
	struct fmt_stage stage; /* the <cpuid> entries, in file order */
};

/* Attribute KEY of element EL as a 32-bit hex number; -1 when missing
 * (and DEF is NULL) or malformed. */
static int hex_attr(struct lv_ctx *c, const char *el, const XML_Char **atts,
		    const char *key, const uint32_t *def, uint32_t *v)
{
	const char *s = fmt_xml_attr(atts, key);

	if (s == NULL) {
		if (def != NULL) {
			*v = *def;
			return 0;
		}
		fmt_xml_fail(&c->x, "<%s> lacks attribute %s='0x...'", el, key);
		return -1;
	}
	if (fmt_parse_hex32(s, strlen(s), v) < 0) {
		fmt_xml_fail(&c->x,
			     "<%s %s='%s'>: expected a 32-bit hex number (%s)",
			     el, key, s, fmt_hex_problem(s, strlen(s)));
		return -1;
	}
	return 0;
}

static void lv_cpuid(struct lv_ctx *c, const XML_Char **atts)
{
	static const uint32_t zero = 0;
	static const char *const keys[CC_NREGS] = {"eax", "ebx", "ecx", "edx"};
	uint32_t leaf, sub, v[CC_NREGS];
	struct cc_leaf *l;
	int r;

	if (hex_attr(c, "cpuid", atts, "eax_in", NULL, &leaf) < 0 ||
	    hex_attr(c, "cpuid", atts, "ecx_in", &zero, &sub) < 0)
		return;
	for (r = 0; r < CC_NREGS; r++)
		if (hex_attr(c, "cpuid", atts, keys[r], NULL, &v[r]) < 0)
			return;
	l = fmt_stage_put(&c->stage, leaf, sub, sub, NULL);
	if (l == NULL) {
		fmt_xml_fail(
			&c->x,
			"duplicate <cpuid eax_in='0x%08x' ecx_in='0x%02x'>",
			leaf, sub);
		return;
	}
	memcpy(l->reg, v, sizeof l->reg);
}

static void lv_msr(struct lv_ctx *c, const XML_Char **atts)
{
	uint32_t index, edx, eax;

	if (hex_attr(c, "msr", atts, "index", NULL, &index) < 0 ||
	    hex_attr(c, "msr", atts, "edx", NULL, &edx) < 0 ||
	    hex_attr(c, "msr", atts, "eax", NULL, &eax) < 0)
		return;
	if (cc_set_put_msr(c->s, index, (uint64_t)edx << 32 | eax) == NULL)
		fmt_xml_fail(&c->x, "duplicate <msr index='0x%x'>", index);
}

static void XMLCALL lv_start(void *data, const XML_Char *el,
			     const XML_Char **atts)
{
	struct lv_ctx *c = data;

	if (c->x.depth == 1) {
		const char *arch = fmt_xml_attr(atts, "arch");

		if (strcmp(el, "cpudata") != 0) {
			fmt_xml_fail(&c->x,
				     "expected the root element <cpudata>, got "
				     "<%s>",
				     el);
			return;
		}
		if (arch != NULL && strcmp(arch, "x86") != 0) {
			fmt_xml_fail(
				&c->x,
				"<cpudata arch='%s'>: only arch='x86' holds "
				"CPUID data",
				arch);
			return;
		}
		c->root_seen = 1;
		return;
	}
	if (c->x.depth > 2) {
		fmt_xml_fail(&c->x, "unexpected <%s> inside <cpuid>/<msr>", el);
		return;
	}
	if (strcmp(el, "cpuid") == 0)
		lv_cpuid(c, atts);
	else if (strcmp(el, "msr") == 0)
		lv_msr(c, atts);
	else
		fmt_xml_fail(
			&c->x,
			"unexpected <%s> in <cpudata> (expected <cpuid> or "
			"<msr>)",
			el);
}

/* The comment before the root names the CPU: keep it, trimmed. */
static void XMLCALL lv_comment(void *data, const XML_Char *text)
{
	struct lv_ctx *c = data;
	size_t s, n;
	char *t;

	if (c->root_seen || cc_set_meta(c->s, "comment") != NULL)
		return;
	n = fmt_xml_trim(text, strlen(text), &s);
	t = cc_xmalloc(n + 1);
	memcpy(t, text + s, n);
	t[n] = '\0';
	cc_set_meta_set(c->s, "comment", t, 0);
	free(t);
}

static int libvirt_detect(const char *buf, size_t len)
{
	size_t i = 0, lim = len < 4096 ? len : 4096;

	if (len >= 3 && memcmp(buf, "\xef\xbb\xbf", 3) == 0)
		i = 3; /* UTF-8 byte order mark */
	return fmt_first_char(buf + i, len - i) == '<' &&
	       memmem(buf, lim, "<cpudata", 8) != NULL;
}

static struct cc_set *libvirt_read(const char *buf, size_t len,
				   const char *name,
				   const struct fmt_opts *opts,
				   struct cc_err *e)
{
	static const struct fmt_xml_handlers h = {
		.start = lv_start,
		.comment = lv_comment,
	};
	struct lv_ctx c;
	size_t bad;

	if (fmt_one_cpu(opts, name, e) < 0)
		return NULL;
	memset(&c, 0, sizeof c);
	c.s = cc_set_new(name, CC_KIND_DUMP);
	fmt_stage_init(&c.stage);
	fmt_xml_parse(&c.x, &h, &c, buf, len, name, e);
	if (!c.x.failed && c.stage.n == 0) {
		cc_errf(e, "%s: <cpudata> holds no <cpuid> elements", name);
		c.x.failed = 1;
	}
	if (!c.x.failed && fmt_stage_flush(&c.stage, c.s, &bad) < 0) {
		cc_errf(e, "%s: <cpuid> %zu: overlapping entries", name, bad);
		c.x.failed = 1;
	}
	fmt_stage_free(&c.stage);
	if (c.x.failed || cc_set_finish(c.s, e) < 0) {
		cc_set_free(c.s);
		return NULL;
	}
	return c.s;
}

static void libvirt_row(struct cc_buf *b, const struct fmt_row *r, void *ctx)
{
	(void)ctx;
	cc_buf_printf(b,
		      "  <cpuid eax_in='0x%08x' ecx_in='0x%02x' eax='0x%08x' "
		      "ebx='0x%08x' ecx='0x%08x' edx='0x%08x'/>\n",
		      r->l->leaf, r->sub, r->v[CC_EAX], r->v[CC_EBX],
		      r->v[CC_ECX], r->v[CC_EDX]);
}

static const char msr_holder[] = "libvirt <msr> holds only fully known MSRs";

static int libvirt_write(struct cc_buf *out, const struct cc_set *s,
			 struct cc_err *e)
{
	struct cc_buf b;
	const char *comment = cc_set_meta(s, "comment");
	size_t i;

	cc_buf_init(&b);
	if (comment != NULL)
		fmt_xml_comment(&b, comment);
	cc_buf_puts(&b, "<cpudata arch='x86'>\n");
	if (fmt_each_row(s,
			 "libvirt <cpudata> holds only fully known registers",
			 "<cpudata> lists", libvirt_row, &b, NULL, e) < 0)
		goto fail;
	for (i = 0; i < s->n; i++) {
		const struct cc_leaf *l = &s->leaves[i];
		uint32_t edx, eax;

		if (!CC_IS_MSR(l->leaf))
			continue;
		if (fmt_full_reg(s, l, CC_EAX, &eax, msr_holder, e) < 0 ||
		    fmt_full_reg(s, l, CC_EDX, &edx, msr_holder, e) < 0)
			goto fail;
		cc_buf_printf(&b,
			      "  <msr index='0x%x' edx='0x%08x' "
			      "eax='0x%08x'/>\n",
			      l->first, edx, eax);
	}
	cc_buf_puts(&b, "</cpudata>\n");
	cc_buf_add(out, b.data, b.len);
	cc_buf_free(&b);
	return 0;
fail:
	cc_buf_free(&b);
	return -1;
}

/*
 * Read: the <cpudata> document (one CPU; opts is unused).  Write: the same
 * layout, comment first and MSRs last; a register bit left to the host, or
 * a profile range over FMT_MAX_EXPAND subleaves, is an error.
 */
const struct fmt fmt_libvirt = {
	.name = "libvirt",
	.description = "libvirt <cpudata> CPUID XML (tests/cputestdata)",
	.detect = libvirt_detect,
	.read = libvirt_read,
	.write = libvirt_write,
};
