/*
 * Loading and validating defs/<name>.json (schema in defs/SCHEMA.md and
 * man/cpucompat.5).  Used by defsgen at build time and by `--defs DIR` at
 * run time, so a broken file fails the same way in both: one message naming
 * the file, the field (by index and name) and what was wrong.  Nothing is
 * ever skipped silently.
 */
#include "config.h"

#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <cjson/cJSON.h>

#include "cc_buf.h"
#include "cc_json.h"
#include "cpuid_set.h"
#include "defs.h"
#include "defs_guest.h"

const char *const cc_categories[] = {
	"identity", "isa",      "simd",     "security", "virtualization",
	"xsave",    "topology", "cache",    "tlb",      "power",
	"pmu",      "trace",    "sgx",      "rdt",      "memory",
	"system",   "debug",    "paravirt", "timing",   NULL,
};

/* Storage owned by a loaded database. */
struct owned {
	struct cc_field *fields;
	char **strings;
	size_t nstrings;
	const char ***alias_arrays;
	size_t nalias;
	struct defs_guest guest;
};

static const char *keep(struct owned *o, const char *s)
{
	if (s == NULL)
		return NULL;
	o->strings =
		cc_xrealloc(o->strings, (o->nstrings + 1) * sizeof *o->strings);
	o->strings[o->nstrings] = cc_xstrdup(s);
	return o->strings[o->nstrings++];
}

static int vendor_bit(const char *s)
{
	static const struct {
		const char *n;
		int v;
	} vs[] = {
		{"intel", CC_VENDOR_INTEL},
		{"amd", CC_VENDOR_AMD},
		{"hygon", CC_VENDOR_HYGON},
		{"centaur", CC_VENDOR_CENTAUR},
		{"zhaoxin", CC_VENDOR_ZHAOXIN},
		{"transmeta", CC_VENDOR_TRANSMETA},
	};
	size_t i;

	for (i = 0; i < sizeof vs / sizeof vs[0]; i++)
		if (strcmp(s, vs[i].n) == 0)
			return vs[i].v;
	return 0;
}

static int parse_uint(const char *s, uint32_t *v)
{
	char *end;
	unsigned long long x;

	if (*s == '\0' || *s == '-')
		return -1;
	x = strtoull(s, &end, 0);
	if (*end != '\0' || x > UINT32_MAX)
		return -1;
	*v = (uint32_t)x;
	return 0;
}

static const char *const known_keys[] = {
	"leaf",  "subleaf",     "register",    "bits",      "name",
	"names", "aliases",     "description", "vendors",   "category",
	"rule",  "severity",    "policy",      "reason",    "guest",
	"offer", "consequence", "hint",        "guest_max", "zero_means",
	"msr",   NULL,
};

#define FAIL(...)                                                              \
	do {                                                                   \
		cc_errf(e, __VA_ARGS__);                                       \
		return -1;                                                     \
	} while (0)

static const char *str_item(const cJSON *o, const char *key)
{
	const cJSON *j = cJSON_GetObjectItemCaseSensitive(o, key);

	return cJSON_IsString(j) ? j->valuestring : NULL;
}

static int get_num(const cJSON *j, uint32_t max, uint32_t *v)
{
	uint32_t x;

	if (cc_json_u32(j, &x) != NULL || x > max)
		return -1;
	*v = x;
	return 0;
}

/* Index of S in the NULL-terminated NAMES, or -1 (also when S is NULL). */
static int name_index(const char *const *names, const char *s)
{
	int i;

	for (i = 0; s && names[i]; i++)
		if (strcmp(s, names[i]) == 0)
			return i;
	return -1;
}

/* "subleaf": N, [first, last] or null into *FIRST..*LAST. */
static int get_subleaf(const cJSON *sub, uint32_t *first, uint32_t *last,
		       uint8_t *any)
{
	*any = 0;
	if (cJSON_IsNull(sub)) {
		*any = 1;
		*first = 0;
		*last = UINT32_MAX;
		return 0;
	}
	if (get_num(sub, UINT32_MAX, first) == 0) {
		*last = *first;
		return 0;
	}
	if (cJSON_IsArray(sub) && cJSON_GetArraySize(sub) == 2 &&
	    get_num(cJSON_GetArrayItem(sub, 0), UINT32_MAX, first) == 0 &&
	    get_num(cJSON_GetArrayItem(sub, 1), UINT32_MAX, last) == 0 &&
	    *first <= *last)
		return 0;
	return -1;
}

/* "msr": "0x10a" with "bits" [lo, hi] in 0..63: the pseudo-leaf
 * CC_MSR_LEAF, subleaf = the MSR index, EAX for bits 31:0, EDX for 63:32
 * (a field never straddles the two). */
static int load_msr_position(struct cc_field *f, const cJSON *j, const char *s,
			     const char *where, struct cc_err *e)
{
	const cJSON *bits = cJSON_GetObjectItemCaseSensitive(j, "bits");
	uint32_t lo, hi;

	if (parse_uint(s, &f->first) < 0)
		FAIL("%s: msr: expected a hex string like \"0x10a\"", where);
	if (cJSON_GetObjectItemCaseSensitive(j, "leaf") ||
	    cJSON_GetObjectItemCaseSensitive(j, "subleaf") ||
	    cJSON_GetObjectItemCaseSensitive(j, "register"))
		FAIL("%s: msr: a field names an MSR or a CPUID leaf, subleaf "
		     "and register, not both",
		     where);
	if (!cJSON_IsArray(bits) || cJSON_GetArraySize(bits) != 2 ||
	    get_num(cJSON_GetArrayItem(bits, 0), 63, &lo) < 0 ||
	    get_num(cJSON_GetArrayItem(bits, 1), 63, &hi) < 0 || lo > hi ||
	    (lo < 32 && hi >= 32))
		FAIL("%s: bits: expected [lo, hi] with 0 <= lo <= hi <= 63, "
		     "both below 32 or both from 32",
		     where);
	f->leaf = CC_MSR_LEAF;
	f->last = f->first;
	f->any_subleaf = 0;
	f->reg = lo >= 32 ? CC_EDX : CC_EAX;
	f->lo = (uint8_t)(lo % 32);
	f->hi = (uint8_t)(hi % 32);
	return 0;
}

/* leaf, subleaf, register, bits (or msr, bits) */
static int load_position(struct cc_field *f, const cJSON *j, const char *where,
			 struct cc_err *e)
{
	const cJSON *sub, *bits;
	const char *s = str_item(j, "leaf"), *msr = str_item(j, "msr");
	uint32_t lo, hi;
	int r;

	if (msr != NULL)
		return load_msr_position(f, j, msr, where, e);
	if (cJSON_GetObjectItemCaseSensitive(j, "msr") != NULL)
		FAIL("%s: msr: expected a hex string like \"0x10a\"", where);
	if (s == NULL || parse_uint(s, &f->leaf) < 0 || CC_IS_MSR(f->leaf))
		FAIL("%s: leaf: expected a hex string like \"0x00000007\"",
		     where);
	sub = cJSON_GetObjectItemCaseSensitive(j, "subleaf");
	if (sub == NULL)
		FAIL("%s: subleaf: missing (use null for any subleaf)", where);
	if (get_subleaf(sub, &f->first, &f->last, &f->any_subleaf) < 0)
		FAIL("%s: subleaf: expected an integer, [first, last] or null",
		     where);
	s = str_item(j, "register");
	r = s ? cc_reg_parse(s) : -1;
	if (r < 0)
		FAIL("%s: register: expected \"eax\", \"ebx\", \"ecx\" or "
		     "\"edx\"",
		     where);
	f->reg = (uint8_t)r;
	bits = cJSON_GetObjectItemCaseSensitive(j, "bits");
	if (!cJSON_IsArray(bits) || cJSON_GetArraySize(bits) != 2 ||
	    get_num(cJSON_GetArrayItem(bits, 0), 31, &lo) < 0 ||
	    get_num(cJSON_GetArrayItem(bits, 1), 31, &hi) < 0 || lo > hi)
		FAIL("%s: bits: expected [lo, hi] with 0 <= lo <= hi <= 31",
		     where);
	f->lo = (uint8_t)lo;
	f->hi = (uint8_t)hi;
	return 0;
}

/* names, aliases */
static int load_names(struct owned *o, struct cc_field *f, const cJSON *j,
		      const char *where, struct cc_err *e)
{
	const cJSON *it, *names = cJSON_GetObjectItemCaseSensitive(j, "names");
	const cJSON *al = cJSON_GetObjectItemCaseSensitive(j, "aliases");
	const char **aliases;
	size_t na = 0;

	if (names != NULL && !cJSON_IsObject(names))
		FAIL("%s: names: expected an object", where);
	cJSON_ArrayForEach(it, names)
	{
		if (!cJSON_IsString(it) || !*it->valuestring)
			FAIL("%s: names.%s: expected a string", where,
			     it->string);
		if (strcmp(it->string, "qemu") == 0)
			f->qemu = keep(o, it->valuestring);
		else if (strcmp(it->string, "libvirt") == 0)
			f->libvirt = keep(o, it->valuestring);
		else if (strcmp(it->string, "kernel") == 0)
			f->kernel = keep(o, it->valuestring);
		else
			FAIL("%s: names.%s: expected qemu, libvirt or kernel",
			     where, it->string);
	}
	if (al != NULL && !cJSON_IsArray(al))
		FAIL("%s: aliases: expected a list of strings", where);
	aliases = cc_xcalloc((size_t)(al ? cJSON_GetArraySize(al) : 0) + 1,
			     sizeof *aliases);
	o->alias_arrays =
		cc_xrealloc(o->alias_arrays,
			    (o->nalias + 1) * sizeof *o->alias_arrays);
	o->alias_arrays[o->nalias++] = aliases;
	f->aliases = aliases;
	cJSON_ArrayForEach(it, al)
	{
		if (!cJSON_IsString(it) || !*it->valuestring)
			FAIL("%s: aliases: expected a list of strings", where);
		aliases[na++] = keep(o, it->valuestring);
	}
	return 0;
}

/* description, vendors, category */
static int load_meaning(struct owned *o, struct cc_field *f, const cJSON *j,
			const char *where, struct cc_err *e)
{
	const cJSON *it, *vend = cJSON_GetObjectItemCaseSensitive(j, "vendors");
	const char *s = str_item(j, "description");
	int i;

	if (s == NULL || !*s || strchr(s, '\n'))
		FAIL("%s: description: expected one line of text", where);
	f->description = keep(o, s);
	if (!cJSON_IsArray(vend) || cJSON_GetArraySize(vend) == 0)
		FAIL("%s: vendors: expected a non-empty list", where);
	cJSON_ArrayForEach(it, vend)
	{
		int b = cJSON_IsString(it) ? vendor_bit(it->valuestring) : 0;

		if (!b)
			FAIL("%s: vendors: unknown vendor (expected intel, amd, "
			     "hygon, centaur, zhaoxin, transmeta)",
			     where);
		f->vendors |= (uint16_t)b;
	}
	i = name_index(cc_categories, str_item(j, "category"));
	if (i < 0)
		FAIL("%s: category: missing or unknown", where);
	f->category = (uint8_t)i;
	return 0;
}

/* rule, severity, policy, reason */
static int load_rule(struct owned *o, struct cc_field *f, const cJSON *j,
		     const char *where, struct cc_err *e)
{
	static const char *const rules[] = {"subset", "equal", "ge",
					    "le",     "info",  NULL};
	static const char *const sevs[] = {"info", "warning", "incompatible",
					   NULL};
	const char *s = str_item(j, "rule");
	uint32_t v;
	int i;

	if (s == NULL)
		FAIL("%s: rule: missing", where);
	i = name_index(rules, s);
	if (i < 0)
		FAIL("%s: rule: expected subset, equal, ge, le or info", where);
	f->rule = (uint8_t)i;
	f->severity = f->rule == CC_RULE_INFO ? CC_SEV_INFO
					      : CC_SEV_INCOMPATIBLE;
	if (cJSON_GetObjectItemCaseSensitive(j, "severity") != NULL) {
		i = name_index(sevs, str_item(j, "severity"));
		if (i < 0)
			FAIL("%s: severity: expected incompatible, warning or "
			     "info",
			     where);
		f->severity = (uint8_t)i;
	}
	s = str_item(j, "policy");
	if (s == NULL)
		FAIL("%s: policy: missing", where);
	if (strcmp(s, "inherit") == 0) {
		f->policy = CC_POLICY_INHERIT;
	} else if (strcmp(s, "passthrough") == 0) {
		f->policy = CC_POLICY_PASSTHROUGH;
	} else if (strncmp(s, "static:", 7) == 0 &&
		   parse_uint(s + 7, &v) == 0) {
		if (f->hi - f->lo < 31 && v >> (f->hi - f->lo + 1))
			FAIL("%s: policy: static value %s does not fit %u bits",
			     where, s + 7, f->hi - f->lo + 1);
		f->policy = CC_POLICY_STATIC;
		f->static_value = v;
	} else {
		FAIL("%s: policy: expected inherit, passthrough or static:N",
		     where);
	}
	if (cJSON_GetObjectItemCaseSensitive(j, "reason") != NULL) {
		s = str_item(j, "reason");
		if (s == NULL || !*s)
			FAIL("%s: reason: expected a string", where);
		f->reason = keep(o, s);
	}
	if (f->policy != CC_POLICY_INHERIT && f->reason == NULL)
		FAIL("%s: reason: required when policy is %s", where,
		     str_item(j, "policy"));
	return 0;
}

/*
 * guest, offer, consequence, hint, guest_max, zero_means.  The hint's id
 * and zero_means' field name are kept in *HINT and *ZERO for resolve(),
 * which knows the whole database.  Without "guest" the field reads as
 * passthrough (resolve() requires it when the database has KVM rules).
 */
static int load_guest(struct cc_field *f, const cJSON *j, const char *where,
		      const char **hint, const char **zero, struct cc_err *e)
{
	const cJSON *g = cJSON_GetObjectItemCaseSensitive(j, "guest");
	const cJSON *x;
	const char *s;
	int i;

	f->guest = CC_GUEST_PASSTHROUGH;
	f->consequence = CC_NCONSEQ; /* the category's, set by resolve() */
	if (g != NULL) {
		i = name_index(cc_guest_names, str_item(j, "guest"));
		if (i < 0)
			FAIL("%s: guest: expected never, kvm, passthrough or vmm",
			     where);
		f->guest = (uint8_t)i;
	}
	s = str_item(j, "offer");
	if (cJSON_GetObjectItemCaseSensitive(j, "offer") != NULL) {
		i = name_index(cc_offer_names + 1, s);
		if (f->guest != CC_GUEST_KVM)
			FAIL("%s: offer: only for \"guest\": \"kvm\"", where);
		if (i < 0)
			FAIL("%s: offer: expected host, emulated, synthesized, "
			     "runtime, module or computed",
			     where);
		f->offer = (uint8_t)(i + 1);
	} else if (f->guest == CC_GUEST_KVM) {
		FAIL("%s: offer: required when guest is kvm", where);
	}
	if (cJSON_GetObjectItemCaseSensitive(j, "consequence") != NULL) {
		i = name_index(cc_conseq_names, str_item(j, "consequence"));
		if (i < 0)
			FAIL("%s: consequence: expected instruction, state, "
			     "mitigation, capacity, identity or informational",
			     where);
		f->consequence = (uint8_t)i;
	}
	if (cJSON_GetObjectItemCaseSensitive(j, "hint") != NULL &&
	    (*hint = str_item(j, "hint")) == NULL)
		FAIL("%s: hint: expected the id of a hint", where);
	x = cJSON_GetObjectItemCaseSensitive(j, "guest_max");
	if (x != NULL && (get_num(x, UINT32_MAX, &f->guest_max) < 0 ||
			  f->guest_max == 0 || f->lo == f->hi))
		FAIL("%s: guest_max: expected a positive integer, on a field "
		     "of more than one bit",
		     where);
	if (cJSON_GetObjectItemCaseSensitive(j, "zero_means") != NULL &&
	    (*zero = str_item(j, "zero_means")) == NULL)
		FAIL("%s: zero_means: expected a field name", where);
	return 0;
}

static int load_field(struct owned *o, struct cc_field *f, const cJSON *j,
		      const char *file, size_t idx, const char **hint,
		      const char **zero, struct cc_err *e)
{
	const cJSON *it;
	const char *name;
	char where[200];

	memset(f, 0, sizeof *f);
	*hint = *zero = NULL;
	if (!cJSON_IsObject(j))
		FAIL("%s: fields[%zu]: expected an object", file, idx);
	name = str_item(j, "name");
	if (name == NULL || !*name)
		FAIL("%s: fields[%zu]: \"name\" missing or not a string", file,
		     idx);
	snprintf(where, sizeof where, "%s: fields[%zu] (%s)", file, idx, name);
	cJSON_ArrayForEach(it, j)
	{
		if (name_index(known_keys, it->string) < 0)
			FAIL("%s: unknown key \"%s\"", where, it->string);
	}
	f->name = keep(o, name);
	if (load_position(f, j, where, e) < 0 ||
	    load_names(o, f, j, where, e) < 0 ||
	    load_meaning(o, f, j, where, e) < 0 ||
	    load_rule(o, f, j, where, e) < 0 ||
	    load_guest(f, j, where, hint, zero, e) < 0)
		return -1;
	return 0;
}

static int cmp_field(const void *a, const void *b)
{
	const struct cc_field *x = a, *y = b;

	if (x->leaf != y->leaf)
		return x->leaf < y->leaf ? -1 : 1;
	if (x->reg != y->reg)
		return x->reg < y->reg ? -1 : 1;
	if (x->lo != y->lo)
		return x->lo < y->lo ? -1 : 1;
	if (x->first != y->first)
		return x->first < y->first ? -1 : 1;
	return strcmp(x->name, y->name);
}

/* A field, the index of the file it came from and what only the whole
 * database can settle, sorted together. */
struct origin {
	struct cc_field f;
	size_t file;
	struct defs_pending p;
};

static int cmp_origin(const void *a, const void *b)
{
	return cmp_field(&((const struct origin *)a)->f,
			 &((const struct origin *)b)->f);
}

/* Fields by name (case-insensitive), then by position. */
static int cmp_name_ptr(const void *a, const void *b)
{
	const struct cc_field *x = *(const struct cc_field *const *)a;
	const struct cc_field *y = *(const struct cc_field *const *)b;
	int c = strcasecmp(x->name, y->name);

	return c ? c : (x < y ? -1 : x > y);
}

/* "CPUID.(0x7).ebx[17:17]" or "MSR 0x10a[5]" for F into OUT. */
static void field_pos(const struct cc_field *f, char *out, size_t n)
{
	if (CC_IS_MSR(f->leaf))
		cc_pos_format(out, n, CC_POS_MANUAL, f->leaf, f->first, f->reg,
			      f->lo, f->hi);
	else
		snprintf(out, n, "CPUID.(0x%x).%s[%u:%u]", f->leaf,
			 cc_reg_name((enum cc_reg)f->reg), f->hi, f->lo);
}

/* Field Y (of file FY) overlaps field X (of FX): the error, with both
 * positions. */
static void overlap_error(const struct cc_field *x, const struct cc_field *y,
			  const char *fx, const char *fy, struct cc_err *e)
{
	char px[48], py[48];

	field_pos(x, px, sizeof px);
	field_pos(y, py, sizeof py);
	cc_errf(e,
		"%s: field %s (%s) overlaps field %s (%s) in %s for a shared "
		"vendor",
		fy, y->name, py, x->name, px, fx);
}

static int validate(const struct cc_field *fs, size_t n,
		    const char *const *files, const size_t *file_of,
		    struct cc_err *e)
{
	const struct cc_field **by;
	size_t i, j, k, a, *run_end;

	/* Overlaps: fields are sorted by (leaf, reg, lo, first), so a clash
	 * with field i can only come from a later field of the same register
	 * whose low bit is within i's range; in a run of one low bit, once
	 * a field starts past i's subleaves, so do the rest of the run. */
	run_end = cc_xmalloc((n ? n : 1) * sizeof *run_end);
	for (j = n; j-- > 0;)
		run_end[j] = j + 1 < n && fs[j + 1].leaf == fs[j].leaf &&
					     fs[j + 1].reg == fs[j].reg &&
					     fs[j + 1].lo == fs[j].lo
				     ? run_end[j + 1]
				     : j + 1;
	for (i = 0; i < n; i++) {
		for (j = i + 1; j < n && fs[j].leaf == fs[i].leaf &&
				fs[j].reg == fs[i].reg;
		     j++) {
			if (fs[j].lo > fs[i].hi)
				break; /* so are the later ones' low bits */
			if (fs[j].first > fs[i].last) {
				j = run_end[j] - 1;
				continue;
			}
			if (!(fs[i].vendors & fs[j].vendors))
				continue;
			if (fs[j].last < fs[i].first ||
			    fs[j].first > fs[i].last)
				continue;
			return overlap_error(&fs[i], &fs[j], files[file_of[i]],
					     files[file_of[j]], e),
			       free(run_end), -1;
		}
	}
	free(run_end);
	/* Names unique within a vendor: sort the fields by name and check
	 * each run of one name (fields with disjoint vendors are few). */
	by = cc_xmalloc((n ? n : 1) * sizeof *by);
	for (i = 0; i < n; i++)
		by[i] = &fs[i];
	qsort(by, n, sizeof *by, cmp_name_ptr);
	for (i = 0; i < n; i = k) {
		for (k = i + 1;
		     k < n && strcasecmp(by[i]->name, by[k]->name) == 0; k++)
			;
		for (a = i; a < k; a++)
			for (j = a + 1; j < k; j++) {
				size_t x = (size_t)(by[a] - fs),
				       y = (size_t)(by[j] - fs);

				if (!(by[a]->vendors & by[j]->vendors))
					continue;
				free(by);
				return cc_errf(
					e,
					"%s: field name %s is used twice "
					"for the same vendor (also in %s)",
					files[file_of[y]], fs[y].name,
					files[file_of[x]]);
			}
	}
	free(by);
	return 0;
}

void cc_defs_free(struct cc_defs *d)
{
	struct owned *o;
	size_t i;

	if (d == NULL)
		return;
	o = d->owned;
	if (o != NULL) {
		for (i = 0; i < o->nstrings; i++)
			free(o->strings[i]);
		for (i = 0; i < o->nalias; i++)
			free(o->alias_arrays[i]);
		free(o->strings);
		free(o->alias_arrays);
		free(o->fields);
		defs_guest_free(&o->guest);
		free(o);
	}
	free(d);
}

static const char *const file_keys[] = {
	"title", "fields",    "kvm_rules", "consequences",
	"hints", "registers", NULL,
};

/* Append the fields of ROOT (from file P) to O, FILE_OF and PEND. */
static int load_fields(struct owned *o, const cJSON *root, const char *path,
		       size_t p, size_t *n, size_t **file_of,
		       struct defs_pending **pend, struct cc_err *e)
{
	const cJSON *it,
		*fields = cJSON_GetObjectItemCaseSensitive(root, "fields");
	size_t idx = 0;

	cJSON_ArrayForEach(it, root)
	{
		if (name_index(file_keys, it->string) < 0)
			return cc_errf(e, "%s: unknown key \"%s\"", path,
				       it->string);
	}
	if (!cJSON_IsString(cJSON_GetObjectItemCaseSensitive(root, "title")) ||
	    (fields != NULL && !cJSON_IsArray(fields)))
		return cc_errf(e,
			       "%s: expected {\"title\": ..., \"fields\": "
			       "[...]}",
			       path);
	cJSON_ArrayForEach(it, fields)
	{
		const char *hint, *zero;

		o->fields =
			cc_xrealloc(o->fields, (*n + 1) * sizeof *o->fields);
		*file_of = cc_xrealloc(*file_of, (*n + 1) * sizeof **file_of);
		*pend = cc_xrealloc(*pend, (*n + 1) * sizeof **pend);
		(*file_of)[*n] = p;
		memset(&(*pend)[*n], 0, sizeof **pend);
		if (load_field(o, &o->fields[*n], it, path, idx++, &hint, &zero,
			       e) < 0)
			return -1;
		(*pend)[*n].hint = hint ? cc_xstrdup(hint) : NULL;
		(*pend)[*n].zero = zero ? cc_xstrdup(zero) : NULL;
		(*pend)[*n].has_guest =
			cJSON_GetObjectItemCaseSensitive(it, "guest") != NULL;
		(*n)++;
	}
	return defs_guest_load(&o->guest, root, path, e);
}

/* Sort the N fields of O together with FILE_OF and PEND. */
static void sort_fields(struct owned *o, size_t n, size_t *file_of,
			struct defs_pending *pend)
{
	struct origin *orig = cc_xmalloc((n ? n : 1) * sizeof *orig);
	size_t i;

	for (i = 0; i < n; i++) {
		orig[i].f = o->fields[i];
		orig[i].file = file_of[i];
		orig[i].p = pend[i];
	}
	qsort(orig, n, sizeof *orig, cmp_origin);
	for (i = 0; i < n; i++) {
		o->fields[i] = orig[i].f;
		file_of[i] = orig[i].file;
		pend[i] = orig[i].p;
	}
	free(orig);
}

struct cc_defs *cc_defs_load_files(const char *const *paths, size_t npaths,
				   struct cc_err *e)
{
	struct cc_defs *d = cc_xcalloc(1, sizeof *d);
	struct owned *o = cc_xcalloc(1, sizeof *o);
	size_t *file_of = NULL, n = 0, p, i;
	struct defs_pending *pend = NULL;
	int rc = -1;

	d->owned = o;
	for (p = 0; p < npaths; p++) {
		struct cc_buf b;
		cJSON *root;
		int r;

		if (cc_buf_load(&b, paths[p], e) < 0)
			goto done;
		root = cc_json_parse(b.data, b.len, paths[p], e);
		cc_buf_free(&b);
		if (root == NULL)
			goto done;
		r = cJSON_IsObject(root)
			    ? load_fields(o, root, paths[p], p, &n, &file_of,
					  &pend, e)
			    : cc_errf(e,
				      "%s: expected {\"title\": ..., "
				      "\"fields\": [...]}",
				      paths[p]);
		cJSON_Delete(root);
		if (r < 0)
			goto done;
	}
	sort_fields(o, n, file_of, pend);
	if (validate(o->fields, n, paths, file_of, e) < 0 ||
	    defs_guest_resolve(&o->guest, o->fields, n, pend, paths, file_of,
			       e) < 0)
		goto done;
	d->fields = o->fields;
	d->n = n;
	d->kvm_rules = o->guest.kvm_rules;
	d->regs = o->guest.regs;
	d->nregs = o->guest.nregs;
	d->hints = o->guest.hints;
	d->nhints = o->guest.nhints;
	rc = 0;
done:
	for (i = 0; i < n; i++) {
		free(pend[i].hint);
		free(pend[i].zero);
	}
	free(pend);
	free(file_of);
	if (rc < 0) {
		cc_defs_free(d);
		return NULL;
	}
	return d;
}

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(const char *const *)a, *(const char *const *)b);
}

struct cc_defs *cc_defs_load_dir(const char *dir, struct cc_err *e)
{
	DIR *dp = opendir(dir);
	struct dirent *de;
	char **paths = NULL;
	size_t n = 0, i;
	struct cc_defs *d;

	if (dp == NULL)
		return cc_errf(e, "%s: cannot open defs directory", dir), NULL;
	while ((de = readdir(dp)) != NULL) {
		size_t len = strlen(de->d_name);

		if (len < 6 || strcmp(de->d_name + len - 5, ".json") != 0)
			continue;
		paths = cc_xrealloc(paths, (n + 1) * sizeof *paths);
		paths[n] = cc_xmalloc(strlen(dir) + len + 2);
		sprintf(paths[n], "%s/%s", dir, de->d_name);
		n++;
	}
	closedir(dp);
	if (n == 0) {
		free(paths);
		return cc_errf(e, "%s: no *.json defs files", dir), NULL;
	}
	qsort(paths, n, sizeof *paths, cmp_str);
	d = cc_defs_load_files((const char *const *)paths, n, e);
	for (i = 0; i < n; i++)
		free(paths[i]);
	free(paths);
	return d;
}
