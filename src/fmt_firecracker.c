/*
 * Firecracker's CPU files.  A custom CPU template
 *
 *   {"cpuid_modifiers": [{"leaf": "0x7", "subleaf": "0x0", "flags": 1,
 *     "modifiers": [{"register": "ebx", "bitmap": "0b...x1x..."}]}],
 *    "msr_modifiers": [{"addr": "0x10a", "bitmap": "0b<64 digits>"}]}
 *
 * sets the bits a bitmap gives as 0 or 1 (32 digits, most significant
 * first) and leaves 'x' bits, and every register or leaf the template does
 * not name, to the host: a profile with uncovered rule HOST, unnamed
 * registers marked absent.  A fingerprint (cpu-template-helper fingerprint
 * dump) holds the guest's whole CPUID the same way under
 * "guest_cpu_config", all bits 0 or 1, beside version strings kept as
 * metadata: a dump.  Leaf and subleaf are "0x"/"0b" strings or integers;
 * each MSR becomes the set's entry for that feature MSR (CC_MSR_LEAF,
 * cpuid_set.h), its 'x' bits unknown.  The writer renders any set as a template: known bits 0/1,
 * the rest x.
 */
#include "config.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cc_json.h"
#include "fmt.h"

/*
 * A leaf, subleaf, flags or MSR address: an integer, or a string "0x..."
 * (hex) or "0b..." (binary) as Firecracker writes them.  NULL, or what is
 * wrong with J.
 */
static const char *fc_u32(const cJSON *j, uint32_t *v)
{
	const char *s;
	size_t n, i;
	uint64_t x = 0;

	if (j == NULL || cJSON_IsNumber(j))
		return cc_json_u32(j, v);
	if (!cJSON_IsString(j))
		return "wrong JSON type";
	s = j->valuestring;
	n = strlen(s);
	if (s[0] == '-')
		return "negative number";
	if (n < 2 || s[0] != '0' || (s[1] != 'x' && s[1] != 'b'))
		return "no 0x or 0b prefix";
	if (s[1] == 'x')
		return fmt_json_hex32(j, v);
	if (n == 2)
		return "empty number";
	for (i = 2; i < n; i++) {
		if (s[i] != '0' && s[i] != '1')
			return "not a binary number";
		x = x << 1 | (uint64_t)(s[i] - '0');
		if (x > UINT32_MAX)
			return "value over 32 bits";
	}
	*v = (uint32_t)x;
	return NULL;
}

/*
 * Bitmap "0b" + WIDTH digits 0/1/x, most significant first ('_' ignored).
 * NULL, or what is wrong (in WHY, WHYSZ bytes).
 */
static const char *fc_bitmap(const cJSON *j, int width, uint64_t *known,
			     uint64_t *value, char *why, size_t whysz)
{
	const char *s;
	int digits = 0;

	*known = *value = 0;
	if (j == NULL)
		return "missing";
	if (!cJSON_IsString(j))
		return "wrong JSON type";
	s = j->valuestring;
	if (s[0] == '0' && s[1] == 'b')
		s += 2;
	for (; *s; s++) {
		if (*s == '_')
			continue;
		if (*s != '0' && *s != '1' && *s != 'x') {
			snprintf(why, whysz, "unexpected character '%c'", *s);
			return why;
		}
		digits++;
		if (digits > width)
			continue;
		*known <<= 1;
		*value <<= 1;
		if (*s != 'x') {
			*known |= 1;
			*value |= (uint64_t)(*s - '0');
		}
	}
	if (digits != width) {
		snprintf(why, whysz, "wrong length: %d digits, expected %d",
			 digits, width);
		return why;
	}
	return NULL;
}

struct fc_ctx {
	struct cc_set *s;
	const char *name;
	const char *pre; /* "" or "guest_cpu_config." */
	int dump;        /* a fingerprint: every bit must be given */
	struct cc_err *e;
	struct fmt_stage stage; /* the leaves, in file order */
};

/* Modifier M (number MI of entry IDX) into L; *NAMED collects the
 * registers given so far.  -1 and the context's error. */
static int fc_modifier(struct fc_ctx *c, const cJSON *m, size_t idx, size_t mi,
		       struct cc_leaf *l, uint8_t *named)
{
	const cJSON *reg;
	uint64_t known, value;
	char buf[64];
	const char *why;
	int r;

	if (!cJSON_IsObject(m))
		return cc_errf(c->e,
			       "%s: %scpuid_modifiers[%zu].modifiers"
			       "[%zu]: expected an object, got %s",
			       c->name, c->pre, idx, mi, cc_json_type(m));
	reg = cJSON_GetObjectItemCaseSensitive(m, "register");
	r = cJSON_IsString(reg) ? cc_reg_parse(reg->valuestring) : -1;
	if (r < 0)
		return cc_errf(c->e,
			       "%s: %scpuid_modifiers[%zu].modifiers"
			       "[%zu].register: expected \"eax\", "
			       "\"ebx\", \"ecx\" or \"edx\"",
			       c->name, c->pre, idx, mi);
	if ((*named >> r) & 1)
		return cc_errf(c->e,
			       "%s: %scpuid_modifiers[%zu].modifiers"
			       "[%zu]: register %s is given twice",
			       c->name, c->pre, idx, mi,
			       cc_reg_name((enum cc_reg)r));
	why = fc_bitmap(cJSON_GetObjectItemCaseSensitive(m, "bitmap"), 32,
			&known, &value, buf, sizeof buf);
	if (why != NULL)
		return cc_errf(c->e,
			       "%s: %scpuid_modifiers[%zu].modifiers"
			       "[%zu].bitmap: expected \"0b\" and 32 "
			       "digits 0, 1 or x (%s)",
			       c->name, c->pre, idx, mi, why);
	if (c->dump && known != UINT32_MAX)
		return cc_errf(c->e,
			       "%s: %scpuid_modifiers[%zu].modifiers"
			       "[%zu].bitmap: a fingerprint gives "
			       "every bit, got x digits",
			       c->name, c->pre, idx, mi);
	*named |= (uint8_t)(1u << r);
	l->known[r] = (uint32_t)known;
	l->reg[r] = (uint32_t)value;
	return 0;
}

static int fc_leaf(struct fc_ctx *c, const cJSON *o, size_t idx)
{
	const cJSON *mods, *m, *j;
	uint32_t leaf, sub, flags = 0;
	struct cc_leaf *l;
	const char *why;
	uint8_t named = 0;
	size_t mi = 0;
	int r;

	if (!cJSON_IsObject(o))
		return cc_errf(c->e,
			       "%s: %scpuid_modifiers[%zu]: expected an "
			       "object, got %s",
			       c->name, c->pre, idx, cc_json_type(o));
	why = fc_u32(cJSON_GetObjectItemCaseSensitive(o, "leaf"), &leaf);
	if (why != NULL)
		return cc_errf(c->e,
			       "%s: %scpuid_modifiers[%zu].leaf: "
			       "expected \"0x...\" or an integer (%s)",
			       c->name, c->pre, idx, why);
	why = fc_u32(cJSON_GetObjectItemCaseSensitive(o, "subleaf"), &sub);
	if (why != NULL)
		return cc_errf(c->e,
			       "%s: %scpuid_modifiers[%zu].subleaf: "
			       "expected \"0x...\" or an integer (%s)",
			       c->name, c->pre, idx, why);
	j = cJSON_GetObjectItemCaseSensitive(o, "flags");
	if (j != NULL) {
		why = cJSON_IsNumber(j) ? fc_u32(j, &flags) : "wrong JSON type";
		if (why != NULL)
			return cc_errf(c->e,
				       "%s: %scpuid_modifiers[%zu].flags: "
				       "expected an integer (%s)",
				       c->name, c->pre, idx, why);
	}
	l = fmt_stage_put(&c->stage, leaf, sub, sub, NULL);
	if (l == NULL)
		return cc_errf(c->e,
			       "%s: %scpuid_modifiers[%zu]: leaf 0x%x "
			       "subleaf 0x%x is given twice",
			       c->name, c->pre, idx, leaf, sub);
	l->flags = flags;
	mods = cJSON_GetObjectItemCaseSensitive(o, "modifiers");
	if (mods != NULL && !cJSON_IsArray(mods))
		return cc_errf(c->e,
			       "%s: %scpuid_modifiers[%zu].modifiers: "
			       "expected an array, got %s",
			       c->name, c->pre, idx, cc_json_type(mods));
	cJSON_ArrayForEach(m, mods)
	{
		if (fc_modifier(c, m, idx, mi++, l, &named) < 0)
			return -1;
	}
	for (r = 0; r < CC_NREGS; r++) {
		if ((named >> r) & 1)
			continue;
		if (c->dump)
			return cc_errf(c->e,
				       "%s: %scpuid_modifiers[%zu]: a "
				       "fingerprint gives all four registers, "
				       "%s is missing",
				       c->name, c->pre, idx,
				       cc_reg_name((enum cc_reg)r));
		l->absent |= (uint8_t)(1u << r);
		l->known[r] = 0;
		l->reg[r] = 0;
	}
	return 0;
}

static int fc_msr(struct fc_ctx *c, const cJSON *o, size_t idx)
{
	uint32_t addr;
	uint64_t known, value;
	char buf[64];
	struct cc_leaf *l;
	const char *why;

	if (!cJSON_IsObject(o))
		return cc_errf(c->e,
			       "%s: %smsr_modifiers[%zu]: expected an "
			       "object, got %s",
			       c->name, c->pre, idx, cc_json_type(o));
	why = fc_u32(cJSON_GetObjectItemCaseSensitive(o, "addr"), &addr);
	if (why != NULL)
		return cc_errf(c->e,
			       "%s: %smsr_modifiers[%zu].addr: expected "
			       "\"0x...\" (%s)",
			       c->name, c->pre, idx, why);
	why = fc_bitmap(cJSON_GetObjectItemCaseSensitive(o, "bitmap"), 64,
			&known, &value, buf, sizeof buf);
	if (why != NULL)
		return cc_errf(c->e,
			       "%s: %smsr_modifiers[%zu].bitmap: expected "
			       "\"0b\" and 64 digits 0, 1 or x (%s)",
			       c->name, c->pre, idx, why);
	l = cc_set_put_msr(c->s, addr, value & known);
	if (l == NULL)
		return cc_errf(c->e,
			       "%s: %smsr_modifiers[%zu]: MSR 0x%x is "
			       "given twice",
			       c->name, c->pre, idx, addr);
	l->known[CC_EAX] = (uint32_t)known;
	l->known[CC_EDX] = (uint32_t)(known >> 32);
	return 0;
}

/* Template object T (cpuid_modifiers, msr_modifiers) into C->s. */
static int fc_template(struct fc_ctx *c, const cJSON *t)
{
	const cJSON *list, *it;
	size_t idx;

	list = cJSON_GetObjectItemCaseSensitive(t, "cpuid_modifiers");
	if (list != NULL && !cJSON_IsArray(list))
		return cc_errf(c->e,
			       "%s: %scpuid_modifiers: expected an array, "
			       "got %s",
			       c->name, c->pre, cc_json_type(list));
	idx = 0;
	cJSON_ArrayForEach(it, list)
	{
		if (fc_leaf(c, it, idx++) < 0)
			return -1;
	}
	list = cJSON_GetObjectItemCaseSensitive(t, "msr_modifiers");
	if (list != NULL && !cJSON_IsArray(list))
		return cc_errf(c->e,
			       "%s: %smsr_modifiers: expected an array, "
			       "got %s",
			       c->name, c->pre, cc_json_type(list));
	idx = 0;
	cJSON_ArrayForEach(it, list)
	{
		if (fc_msr(c, it, idx++) < 0)
			return -1;
	}
	return 0;
}

static int fc_detect(const char *buf, size_t len)
{
	if (fmt_first_char(buf, len) != '{')
		return 0;
	if (fmt_has_key(buf, len, "adjustments") ||
	    fmt_has_key(buf, len, "common_cpuid"))
		return 0;
	return fmt_has_key(buf, len, "cpuid_modifiers") ||
	       fmt_has_key(buf, len, "msr_modifiers") ||
	       fmt_has_key(buf, len, "guest_cpu_config");
}

static struct cc_set *fc_read(const char *buf, size_t len, const char *name,
			      const struct fmt_opts *opts, struct cc_err *e)
{
	cJSON *root;
	const cJSON *gcc, *it;
	struct fc_ctx c;
	size_t bad;

	if (fmt_one_cpu(opts, name, e) < 0)
		return NULL;
	root = cc_json_parse(buf, len, name, e);
	if (root == NULL)
		return NULL;
	memset(&c, 0, sizeof c);
	c.name = name;
	c.e = e;
	c.pre = "";
	fmt_stage_init(&c.stage);
	if (!cJSON_IsObject(root)) {
		cc_errf(e,
			"%s: expected a Firecracker CPU template object, got "
			"%s",
			name, cc_json_type(root));
		cJSON_Delete(root);
		return NULL;
	}
	gcc = cJSON_GetObjectItemCaseSensitive(root, "guest_cpu_config");
	if (gcc != NULL) {
		c.s = cc_set_new(name, CC_KIND_DUMP);
		c.pre = "guest_cpu_config.";
		c.dump = 1;
		if (!cJSON_IsObject(gcc)) {
			cc_errf(e,
				"%s: guest_cpu_config: expected an object, "
				"got %s",
				name, cc_json_type(gcc));
			goto fail;
		}
		cJSON_ArrayForEach(it, root)
		{
			char num[32];
			int rc = 0;

			if (it == gcc)
				continue;
			if (cJSON_IsString(it)) {
				rc = fmt_meta_set(c.s, it->string,
						  it->valuestring, 0);
			} else if (cJSON_IsNumber(it)) {
				/* metadata numbers are 32-bit integers (the
				 * native format's rule); others as text */
				uint32_t u;
				int is_u32 = cc_json_u32(it, &u) == NULL;

				if (is_u32)
					snprintf(num, sizeof num, "%u", u);
				else
					snprintf(num, sizeof num, "%.17g",
						 it->valuedouble);
				rc = fmt_meta_set(c.s, it->string, num, is_u32);
			}
			if (rc < 0) {
				cc_errf(e,
					"%s: %s: more than %d top-level "
					"keys",
					name, it->string, FMT_MAX_META);
				goto fail;
			}
		}
		if (fc_template(&c, gcc) < 0)
			goto fail;
	} else {
		c.s = cc_set_new(name, CC_KIND_PROFILE);
		c.s->uncovered = CC_UNCOVERED_HOST;
		if (fc_template(&c, root) < 0)
			goto fail;
	}
	if (fmt_stage_flush(&c.stage, c.s, &bad) < 0) {
		cc_errf(e, "%s: %scpuid_modifiers[%zu]: overlapping entries",
			name, c.pre, bad);
		goto fail;
	}
	cJSON_Delete(root);
	if (cc_set_finish(c.s, e) < 0) {
		cc_set_free(c.s);
		return NULL;
	}
	return c.s;
fail:
	fmt_stage_free(&c.stage);
	cJSON_Delete(root);
	cc_set_free(c.s);
	return NULL;
}

static void put_bits(struct cc_buf *b, uint64_t known, uint64_t value,
		     int width)
{
	char s[67];
	int i;

	s[0] = '0';
	s[1] = 'b';
	for (i = 0; i < width; i++) {
		int bit = width - 1 - i;

		s[2 + i] = (char)(((known >> bit) & 1)
					  ? '0' + ((value >> bit) & 1)
					  : 'x');
	}
	s[2 + width] = '\0';
	cc_buf_printf(b, "\"%s\"", s);
}

/*
 * Render S as a custom CPU template.  Registers a HOST profile leaves
 * unnamed stay unnamed; in other sets an absent register is zero, written
 * as a bitmap of 0s.  Leaves S does not cover stay the host's in
 * Firecracker, whatever S's uncovered rule says.
 */
static int fc_write(struct cc_buf *out, const struct cc_set *s,
		    struct cc_err *e)
{
	struct cc_buf b;
	int has_flags = fmt_set_has_flags(s), first = 1;
	size_t i;

	cc_buf_init(&b);
	cc_buf_puts(&b, "{\n  \"cpuid_modifiers\": [");
	for (i = 0; i < s->n; i++) {
		const struct cc_leaf *l = &s->leaves[i];
		uint32_t sub, flags;

		if (CC_IS_MSR(l->leaf))
			continue; /* in msr_modifiers below */
		if (fmt_check_expand(s, l, "a Firecracker template names", e) <
		    0)
			goto fail;
		flags = fmt_entry_flags(l, has_flags);
		for (sub = l->first;; sub++) {
			int r, firstmod = 1;

			cc_buf_printf(&b,
				      "%s\n    {\n"
				      "      \"leaf\": \"0x%x\",\n"
				      "      \"subleaf\": \"0x%x\",\n"
				      "      \"flags\": %u,\n"
				      "      \"modifiers\": [",
				      first ? "" : ",", l->leaf, sub, flags);
			first = 0;
			for (r = 0; r < CC_NREGS; r++) {
				uint32_t known = l->known[r], value = l->reg[r];

				if ((l->absent >> r) & 1) {
					if (s->kind == CC_KIND_PROFILE &&
					    s->uncovered == CC_UNCOVERED_HOST)
						continue;
					known = UINT32_MAX;
					value = 0;
				}
				cc_buf_printf(
					&b,
					"%s\n        {\n"
					"          \"register\": \"%s\",\n"
					"          \"bitmap\": ",
					firstmod ? "" : ",",
					cc_reg_name((enum cc_reg)r));
				put_bits(&b, known, value & known, 32);
				cc_buf_puts(&b, "\n        }");
				firstmod = 0;
			}
			cc_buf_puts(&b,
				    firstmod ? "]\n    }" : "\n      ]\n    }");
			if (sub == l->last)
				break;
		}
	}
	cc_buf_puts(&b, first ? "],\n" : "\n  ],\n");
	cc_buf_puts(&b, "  \"msr_modifiers\": [");
	first = 1;
	for (i = 0; i < s->n; i++) {
		const struct cc_leaf *l = &s->leaves[i];
		uint64_t known, value;

		if (!CC_IS_MSR(l->leaf))
			continue;
		known = (uint64_t)l->known[CC_EDX] << 32 | l->known[CC_EAX];
		value = (uint64_t)l->reg[CC_EDX] << 32 | l->reg[CC_EAX];
		cc_buf_printf(&b,
			      "%s\n    {\n"
			      "      \"addr\": \"0x%x\",\n"
			      "      \"bitmap\": ",
			      first ? "" : ",", l->first);
		put_bits(&b, known, value & known, 64);
		cc_buf_puts(&b, "\n    }");
		first = 0;
	}
	cc_buf_puts(&b, first ? "]\n}\n" : "\n  ]\n}\n");
	cc_buf_add(out, b.data, b.len);
	cc_buf_free(&b);
	return 0;
fail:
	cc_buf_free(&b);
	return -1;
}

/*
 * Read: a fingerprint (it has "guest_cpu_config") as a dump, anything else
 * as a template.  Write: a template (see fc_write); a profile range over
 * FMT_MAX_EXPAND subleaves is an error.
 */
const struct fmt fmt_firecracker = {
	.name = "firecracker",
	.description = "Firecracker custom CPU template or fingerprint JSON",
	.detect = fc_detect,
	.read = fc_read,
	.write = fc_write,
};
