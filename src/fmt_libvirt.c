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
 * Parsing is expat's; messages carry expat's line numbers.
 */
#include "config.h"

#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <expat.h>

#include "fmt.h"

struct lv_ctx {
	XML_Parser p;
	struct cc_set *s;
	const char *name;
	struct cc_err *e;
	int failed; /* E is filled; the parse was stopped */
	int depth;
	int root_seen;
	struct fmt_stage stage; /* the <cpuid> entries, in file order */
};

static void lv_fail(struct lv_ctx *c, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

/* Record the first error with the current line and stop the parser. */
static void lv_fail(struct lv_ctx *c, const char *fmt, ...)
{
	char msg[768];
	va_list ap;

	if (c->failed)
		return;
	va_start(ap, fmt);
	vsnprintf(msg, sizeof msg, fmt, ap);
	va_end(ap);
	cc_errf(c->e, "%s:%lu: %s", c->name,
		(unsigned long)XML_GetCurrentLineNumber(c->p), msg);
	c->failed = 1;
	XML_StopParser(c->p, XML_FALSE);
}

static const char *attr(const XML_Char **atts, const char *key)
{
	size_t i;

	for (i = 0; atts[i] != NULL; i += 2)
		if (strcmp(atts[i], key) == 0)
			return atts[i + 1];
	return NULL;
}

/* Attribute KEY of element EL as a 32-bit hex number; -1 when missing
 * (and DEF is NULL) or malformed. */
static int hex_attr(struct lv_ctx *c, const char *el, const XML_Char **atts,
		    const char *key, const uint32_t *def, uint32_t *v)
{
	const char *s = attr(atts, key);

	if (s == NULL) {
		if (def != NULL) {
			*v = *def;
			return 0;
		}
		lv_fail(c, "<%s> lacks attribute %s='0x...'", el, key);
		return -1;
	}
	if (fmt_parse_hex32(s, strlen(s), v) < 0) {
		lv_fail(c, "<%s %s='%s'>: expected a 32-bit hex number (%s)",
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
		lv_fail(c, "duplicate <cpuid eax_in='0x%08x' ecx_in='0x%02x'>",
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
		lv_fail(c, "duplicate <msr index='0x%x'>", index);
}

static void XMLCALL lv_start(void *data, const XML_Char *el,
			     const XML_Char **atts)
{
	struct lv_ctx *c = data;

	if (c->failed)
		return;
	c->depth++;
	if (c->depth == 1) {
		const char *arch = attr(atts, "arch");

		if (strcmp(el, "cpudata") != 0) {
			lv_fail(c,
				"expected the root element <cpudata>, got "
				"<%s>",
				el);
			return;
		}
		if (arch != NULL && strcmp(arch, "x86") != 0) {
			lv_fail(c,
				"<cpudata arch='%s'>: only arch='x86' holds "
				"CPUID data",
				arch);
			return;
		}
		c->root_seen = 1;
		return;
	}
	if (c->depth > 2) {
		lv_fail(c, "unexpected <%s> inside <cpuid>/<msr>", el);
		return;
	}
	if (strcmp(el, "cpuid") == 0)
		lv_cpuid(c, atts);
	else if (strcmp(el, "msr") == 0)
		lv_msr(c, atts);
	else
		lv_fail(c,
			"unexpected <%s> in <cpudata> (expected <cpuid> or "
			"<msr>)",
			el);
}

static void XMLCALL lv_end(void *data, const XML_Char *el)
{
	struct lv_ctx *c = data;

	(void)el;
	c->depth--;
}

/* The comment before the root names the CPU: keep it, trimmed. */
static void XMLCALL lv_comment(void *data, const XML_Char *text)
{
	struct lv_ctx *c = data;
	size_t s = 0, n = strlen(text);
	char *t;

	if (c->failed || c->root_seen || cc_set_meta(c->s, "comment") != NULL)
		return;
	while (s < n && (text[s] == ' ' || text[s] == '\n' || text[s] == '\t' ||
			 text[s] == '\r'))
		s++;
	while (n > s && (text[n - 1] == ' ' || text[n - 1] == '\n' ||
			 text[n - 1] == '\t' || text[n - 1] == '\r'))
		n--;
	t = cc_xmalloc(n - s + 1);
	memcpy(t, text + s, n - s);
	t[n - s] = '\0';
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
	struct lv_ctx c;
	enum XML_Status st;
	size_t bad;

	if (opts != NULL && opts->cpu > 0)
		return cc_errf(e, "%s: no CPU %d: the file describes one CPU",
			       name, opts->cpu),
		       NULL;
	if (len > INT32_MAX)
		return cc_errf(e, "%s: file too large", name), NULL;
	memset(&c, 0, sizeof c);
	c.p = XML_ParserCreate(NULL);
	if (c.p == NULL)
		return cc_errf(e, "%s: out of memory for the XML parser", name),
		       NULL;
	c.s = cc_set_new(name, CC_KIND_DUMP);
	c.name = name;
	c.e = e;
	fmt_stage_init(&c.stage);
	XML_SetUserData(c.p, &c);
	XML_SetElementHandler(c.p, lv_start, lv_end);
	XML_SetCommentHandler(c.p, lv_comment);
	st = XML_Parse(c.p, buf, (int)len, 1);
	if (st != XML_STATUS_OK && !c.failed) {
		cc_errf(e, "%s:%lu: invalid XML: %s", name,
			(unsigned long)XML_GetCurrentLineNumber(c.p),
			XML_ErrorString(XML_GetErrorCode(c.p)));
		c.failed = 1;
	}
	XML_ParserFree(c.p);
	if (!c.failed && c.stage.n == 0) {
		cc_errf(e, "%s: <cpudata> holds no <cpuid> elements", name);
		c.failed = 1;
	}
	if (!c.failed && fmt_stage_flush(&c.stage, c.s, &bad) < 0) {
		cc_errf(e, "%s: <cpuid> %zu: overlapping entries", name, bad);
		c.failed = 1;
	}
	fmt_stage_free(&c.stage);
	if (c.failed || cc_set_finish(c.s, e) < 0) {
		cc_set_free(c.s);
		return NULL;
	}
	return c.s;
}

/* Comment text safe inside <!-- -->: no "--", no trailing '-'. */
static void put_comment(struct cc_buf *b, const char *t)
{
	size_t i, n = strlen(t);

	cc_buf_puts(b, "<!-- ");
	for (i = 0; i < n; i++) {
		char ch = t[i];

		if (ch == '-' && (i + 1 == n || t[i + 1] == '-'))
			ch = '_';
		cc_buf_add(b, &ch, 1);
	}
	cc_buf_puts(b, " -->\n");
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
		put_comment(&b, comment);
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
