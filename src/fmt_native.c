/*
 * cpucompat's native JSON, written by `dump` and `generate` and read back
 * byte for byte (the writer is deterministic, the reader keeps metadata in
 * order).  man/cpucompat.5 documents it:
 *
 *   {"format": "cpucompat", "version": 1, "kind": "dump"|"profile",
 *    "name": ..., "uncovered": "zero"|"host" (profiles),
 *    "meta": {key: string|integer, ...},
 *    "leaves": [{"leaf": "0x00000007", "subleaf": 0 | [first, last],
 *                "flags": N (optional), "eax": "0x...", ...,
 *                "mask": {"eax": "0x..."} (profiles: bits left to the host),
 *                "absent": ["ecx"], "joined": ["eax"] (profiles)}]}
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cjson/cJSON.h>

#include "cc_json.h"
#include "fmt.h"

#define NATIVE_VERSION 1

static int native_detect(const char *buf, size_t len)
{
	size_t i = 0;
	size_t lim = len < 512 ? len : 512;

	if (fmt_first_char(buf, len) != '{')
		return 0;
	for (; i + 22 <= lim; i++)
		if (memcmp(buf + i, "\"format\": \"cpucompat\"", 21) == 0 ||
		    memcmp(buf + i, "\"format\":\"cpucompat\"", 20) == 0)
			return 1;
	return 0;
}

static int get_hex(const cJSON *o, const char *key, uint32_t *v,
		   const char *name, const char *path, struct cc_err *e)
{
	const cJSON *j = cJSON_GetObjectItemCaseSensitive(o, key);
	const char *why;

	if (j == NULL)
		return cc_errf(e, "%s: %s.%s: missing", name, path, key);
	why = fmt_json_hex32(j, v);
	if (why != NULL)
		return cc_errf(e,
			       "%s: %s.%s: expected a 32-bit hex string like "
			       "\"0x0000001f\" (%s)",
			       name, path, key, why);
	return 0;
}

static int reg_list(const cJSON *o, const char *key, uint8_t *bits,
		    const char *name, const char *path, struct cc_err *e)
{
	const cJSON *a = cJSON_GetObjectItemCaseSensitive(o, key), *it;

	*bits = 0;
	if (a == NULL)
		return 0;
	if (!cJSON_IsArray(a))
		return cc_errf(e, "%s: %s.%s: expected a list of registers",
			       name, path, key);
	cJSON_ArrayForEach(it, a)
	{
		int r = cJSON_IsString(it) ? cc_reg_parse(it->valuestring) : -1;

		if (r < 0)
			return cc_errf(e,
				       "%s: %s.%s: expected \"eax\", \"ebx\", "
				       "\"ecx\" or \"edx\"",
				       name, path, key);
		*bits |= (uint8_t)(1u << r);
	}
	return 0;
}

static int read_leaf(struct cc_set *s, struct fmt_stage *st,
		     const cJSON *o, size_t idx, const char *name,
		     struct cc_err *e)
{
	char path[64];
	uint32_t leaf, first, last, flags = 0;
	const cJSON *sub, *mask, *fl;
	struct cc_leaf *l;
	uint32_t regs[4];
	uint8_t absent, joined;
	const char *why;
	int r;

	snprintf(path, sizeof path, "leaves[%zu]", idx);
	if (!cJSON_IsObject(o))
		return cc_errf(e, "%s: %s: expected an object", name, path);
	if (get_hex(o, "leaf", &leaf, name, path, e) < 0)
		return -1;
	sub = cJSON_GetObjectItemCaseSensitive(o, "subleaf");
	if (sub == NULL)
		return cc_errf(e, "%s: %s.subleaf: missing", name, path);
	if (cJSON_IsArray(sub) && cJSON_GetArraySize(sub) == 2 &&
	    cc_json_u32(cJSON_GetArrayItem(sub, 0), &first) == NULL &&
	    cc_json_u32(cJSON_GetArrayItem(sub, 1), &last) == NULL &&
	    first <= last) {
		/* range */
	} else if ((why = cc_json_u32(sub, &first)) == NULL) {
		last = first;
	} else {
		return cc_errf(e,
			       "%s: %s.subleaf: expected an integer or "
			       "[first, last] (%s)",
			       name, path, cJSON_IsArray(sub) ? "bad range" : why);
	}
	if (s->kind == CC_KIND_DUMP && first != last)
		return cc_errf(e,
			       "%s: %s.subleaf: a dump cannot hold a subleaf "
			       "range",
			       name, path);
	fl = cJSON_GetObjectItemCaseSensitive(o, "flags");
	if (fl != NULL && cc_json_u32(fl, &flags) != NULL)
		return cc_errf(e, "%s: %s.flags: expected a non-negative "
			       "integer", name, path);
	for (r = 0; r < CC_NREGS; r++)
		if (get_hex(o, cc_reg_name((enum cc_reg)r), &regs[r], name,
			    path, e) < 0)
			return -1;
	if (reg_list(o, "absent", &absent, name, path, e) < 0 ||
	    reg_list(o, "joined", &joined, name, path, e) < 0)
		return -1;
	l = fmt_stage_put(st, leaf, first, last, NULL);
	if (l == NULL)
		return cc_errf(e,
			       "%s: %s: leaf 0x%08x subleaf %u appears twice "
			       "(or overlaps an earlier range)",
			       name, path, leaf, first);
	memcpy(l->reg, regs, sizeof regs);
	l->flags = flags;
	l->absent = absent;
	l->joined = joined;
	mask = cJSON_GetObjectItemCaseSensitive(o, "mask");
	if (mask != NULL) {
		char mpath[80];

		if (s->kind != CC_KIND_PROFILE || !cJSON_IsObject(mask))
			return cc_errf(e,
				       "%s: %s.mask: only a profile's leaves "
				       "have a mask object",
				       name, path);
		snprintf(mpath, sizeof mpath, "%s.mask", path);
		for (r = 0; r < CC_NREGS; r++) {
			uint32_t m;

			if (cJSON_GetObjectItemCaseSensitive(
				    mask, cc_reg_name((enum cc_reg)r)) == NULL)
				continue;
			if (get_hex(mask, cc_reg_name((enum cc_reg)r), &m,
				    name, mpath, e) < 0)
				return -1;
			l->known[r] = ~m;
		}
	}
	for (r = 0; r < CC_NREGS; r++) {
		if ((absent >> r & 1) && l->reg[r] != 0)
			return cc_errf(e,
				       "%s: %s.%s: a register listed in "
				       "\"absent\" must be \"0x00000000\"",
				       name, path, cc_reg_name((enum cc_reg)r));
		if (l->reg[r] & ~l->known[r])
			return cc_errf(e,
				       "%s: %s.%s: value sets bits that the "
				       "mask leaves to the host",
				       name, path, cc_reg_name((enum cc_reg)r));
		if (s->uncovered == CC_UNCOVERED_HOST && (absent >> r & 1))
			l->known[r] = 0;
	}
	return 0;
}

static struct cc_set *native_read(const char *buf, size_t len,
				  const char *name, const struct fmt_opts *opts,
				  struct cc_err *e)
{
	cJSON *root = cc_json_parse(buf, len, name, e);
	const cJSON *j, *it, *jname;
	struct cc_set *s = NULL;
	struct fmt_stage st;
	enum cc_kind kind;
	size_t idx = 0, bad;

	(void)opts;
	if (root == NULL)
		return NULL;
	fmt_stage_init(&st);
	if (!cJSON_IsObject(root)) {
		cc_errf(e, "%s: expected a JSON object at the top", name);
		goto fail;
	}
	j = cJSON_GetObjectItemCaseSensitive(root, "version");
	if (!cJSON_IsNumber(j) || j->valuedouble != NATIVE_VERSION) {
		cc_errf(e, "%s: version: expected %d", name, NATIVE_VERSION);
		goto fail;
	}
	j = cJSON_GetObjectItemCaseSensitive(root, "kind");
	if (cJSON_IsString(j) && strcmp(j->valuestring, "dump") == 0)
		kind = CC_KIND_DUMP;
	else if (cJSON_IsString(j) && strcmp(j->valuestring, "profile") == 0)
		kind = CC_KIND_PROFILE;
	else {
		cc_errf(e, "%s: kind: expected \"dump\" or \"profile\"", name);
		goto fail;
	}
	jname = cJSON_GetObjectItemCaseSensitive(root, "name");
	if (jname != NULL && !cJSON_IsString(jname)) {
		cc_errf(e, "%s: name: expected a string", name);
		goto fail;
	}
	/* named after the file until loaded, so that messages name it */
	s = cc_set_new(name, kind);
	j = cJSON_GetObjectItemCaseSensitive(root, "uncovered");
	if (j != NULL) {
		if (cJSON_IsString(j) && strcmp(j->valuestring, "zero") == 0)
			s->uncovered = CC_UNCOVERED_ZERO;
		else if (cJSON_IsString(j) &&
			 strcmp(j->valuestring, "host") == 0)
			s->uncovered = CC_UNCOVERED_HOST;
		else {
			cc_errf(e, "%s: uncovered: expected \"zero\" or "
				"\"host\"", name);
			goto fail;
		}
	}
	j = cJSON_GetObjectItemCaseSensitive(root, "meta");
	if (j != NULL) {
		if (!cJSON_IsObject(j)) {
			cc_errf(e, "%s: meta: expected an object", name);
			goto fail;
		}
		cJSON_ArrayForEach(it, j)
		{
			char num[32];
			uint32_t v;
			int rc;

			if (cJSON_IsString(it)) {
				rc = fmt_meta_set(s, it->string,
						  it->valuestring, 0);
			} else if (cc_json_u32(it, &v) == NULL) {
				snprintf(num, sizeof num, "%u", v);
				rc = fmt_meta_set(s, it->string, num, 1);
			} else {
				cc_errf(e,
					"%s: meta.%s: expected a string or a "
					"non-negative integer",
					name, it->string);
				goto fail;
			}
			if (rc < 0) {
				cc_errf(e, "%s: meta.%s: more than %d entries",
					name, it->string, FMT_MAX_META);
				goto fail;
			}
		}
	}
	j = cJSON_GetObjectItemCaseSensitive(root, "leaves");
	if (!cJSON_IsArray(j)) {
		cc_errf(e, "%s: leaves: expected a list of leaves", name);
		goto fail;
	}
	cJSON_ArrayForEach(it, j)
	{
		if (read_leaf(s, &st, it, idx++, name, e) < 0)
			goto fail;
	}
	if (fmt_stage_flush(&st, s, &bad) < 0) {
		cc_errf(e, "%s: leaves[%zu]: subleaf range overlaps another "
			   "entry of its leaf",
			name, bad);
		goto fail;
	}
	if (cc_set_finish(s, e) < 0)
		goto fail;
	if (jname != NULL) {
		free(s->name);
		s->name = cc_xstrdup(jname->valuestring);
	}
	cJSON_Delete(root);
	return s;
fail:
	fmt_stage_free(&st);
	cc_set_free(s);
	cJSON_Delete(root);
	return NULL;
}

static void put_reg_list(struct cc_buf *b, const char *key, uint8_t bits)
{
	int r, first = 1;

	if (!bits)
		return;
	cc_buf_printf(b, ", \"%s\": [", key);
	for (r = 0; r < CC_NREGS; r++) {
		if (!(bits >> r & 1))
			continue;
		cc_buf_printf(b, "%s\"%s\"", first ? "" : ", ",
			      cc_reg_name((enum cc_reg)r));
		first = 0;
	}
	cc_buf_puts(b, "]");
}

static int native_write(struct cc_buf *b, const struct cc_set *s,
			struct cc_err *e)
{
	size_t i;
	int r;

	(void)e;
	cc_buf_printf(b, "{\n  \"format\": \"cpucompat\",\n  \"version\": %d,\n"
			 "  \"kind\": \"%s\",\n  \"name\": ",
		      NATIVE_VERSION,
		      s->kind == CC_KIND_PROFILE ? "profile" : "dump");
	cc_json_put_string(b, s->name);
	if (s->kind == CC_KIND_PROFILE)
		cc_buf_printf(b, ",\n  \"uncovered\": \"%s\"",
			      s->uncovered == CC_UNCOVERED_HOST ? "host"
								 : "zero");
	cc_buf_puts(b, ",\n  \"meta\": {");
	for (i = 0; i < s->nmeta; i++) {
		cc_buf_puts(b, i ? ",\n    " : "\n    ");
		cc_json_put_string(b, s->meta[i].key);
		cc_buf_puts(b, ": ");
		if (s->meta[i].is_number)
			cc_buf_puts(b, s->meta[i].value);
		else
			cc_json_put_string(b, s->meta[i].value);
	}
	cc_buf_puts(b, s->nmeta ? "\n  },\n  \"leaves\": [" : "},\n  \"leaves\": [");
	for (i = 0; i < s->n; i++) {
		const struct cc_leaf *l = &s->leaves[i];
		int any_mask = 0;

		cc_buf_printf(b, "%s\n    {\"leaf\": \"0x%08x\", ", i ? "," : "",
			      l->leaf);
		if (l->first == l->last)
			cc_buf_printf(b, "\"subleaf\": %u", l->first);
		else
			cc_buf_printf(b, "\"subleaf\": [%u, %u]", l->first,
				      l->last);
		if (l->flags)
			cc_buf_printf(b, ", \"flags\": %u", l->flags);
		for (r = 0; r < CC_NREGS; r++)
			cc_buf_printf(b, ", \"%s\": \"0x%08x\"",
				      cc_reg_name((enum cc_reg)r), l->reg[r]);
		for (r = 0; r < CC_NREGS; r++) {
			uint32_t m = ~l->known[r];

			if (s->kind != CC_KIND_PROFILE || m == 0 ||
			    (s->uncovered == CC_UNCOVERED_HOST &&
			     (l->absent >> r & 1)))
				continue;
			cc_buf_printf(b, "%s\"%s\": \"0x%08x\"",
				      any_mask ? ", " : ", \"mask\": {",
				      cc_reg_name((enum cc_reg)r), m);
			any_mask = 1;
		}
		if (any_mask)
			cc_buf_puts(b, "}");
		put_reg_list(b, "absent", l->absent);
		put_reg_list(b, "joined", l->joined);
		cc_buf_puts(b, "}");
	}
	cc_buf_puts(b, s->n ? "\n  ]\n}\n" : "]\n}\n");
	return 0;
}

const struct fmt fmt_native = {
	.name = "json",
	.description = "cpucompat native JSON (dump and profile)",
	.detect = native_detect,
	.read = native_read,
	.write = native_write,
};
