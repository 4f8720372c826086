/*
 * Names of bundled profiles: see profile_names.h.  The alias table is
 * QEMU 7.2's list of x86 model aliases (`qemu-system-x86_64 -cpu help`,
 * "alias of"); every target is a bundled profile (tests/check_lint.c).
 */
#include "config.h"

#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "cc_buf.h"
#include "profile_names.h"

#define NAME_MAX_LEN 64
#define SUGGEST 3

static const struct {
	const char *alias, *target;
} qemu_aliases[] = {
	{"Broadwell-IBRS", "Broadwell-v3"},
	{"Broadwell-noTSX", "Broadwell-v2"},
	{"Broadwell-noTSX-IBRS", "Broadwell-v4"},
	{"Cascadelake-Server-noTSX", "Cascadelake-Server-v3"},
	{"EPYC-IBPB", "EPYC-v2"},
	{"Haswell-IBRS", "Haswell-v3"},
	{"Haswell-noTSX", "Haswell-v2"},
	{"Haswell-noTSX-IBRS", "Haswell-v4"},
	{"Icelake-Server-noTSX", "Icelake-Server-v2"},
	{"IvyBridge-IBRS", "IvyBridge-v2"},
	{"Nehalem-IBRS", "Nehalem-v2"},
	{"SandyBridge-IBRS", "SandyBridge-v2"},
	{"Skylake-Client-IBRS", "Skylake-Client-v2"},
	{"Skylake-Client-noTSX-IBRS", "Skylake-Client-v3"},
	{"Skylake-Server-IBRS", "Skylake-Server-v2"},
	{"Skylake-Server-noTSX-IBRS", "Skylake-Server-v3"},
	{"Westmere-IBRS", "Westmere-v2"},
};
#define NALIASES (sizeof qemu_aliases / sizeof qemu_aliases[0])

static const struct cc_embedded *bundled(const char *name)
{
	size_t i;

	for (i = 0; cc_builtin_profiles[i].name; i++)
		if (strcmp(cc_builtin_profiles[i].name, name) == 0)
			return &cc_builtin_profiles[i];
	return NULL;
}

const char *profile_names_resolve(const char *name, char *out, size_t n)
{
	char v1[NAME_MAX_LEN + 4];
	size_t i;

	if (n == 0)
		return out;
	snprintf(out, n, "%s", name);
	if (bundled(name) != NULL)
		return out;
	for (i = 0; i < NALIASES; i++) {
		if (strcmp(qemu_aliases[i].alias, name) == 0) {
			snprintf(out, n, "%s", qemu_aliases[i].target);
			return out;
		}
	}
	if (strlen(name) <= NAME_MAX_LEN) {
		snprintf(v1, sizeof v1, "%s-v1", name);
		if (bundled(v1) != NULL)
			snprintf(out, n, "%s", v1);
	}
	return out;
}

size_t profile_names_distance(const char *a, const char *b)
{
	size_t la = strlen(a), lb = strlen(b), i, j;
	size_t row[NAME_MAX_LEN + 1];

	if (la > NAME_MAX_LEN || lb > NAME_MAX_LEN)
		return SIZE_MAX;

	for (j = 0; j <= lb; j++)
		row[j] = j;
	for (i = 1; i <= la; i++) {
		size_t diag = row[0];

		row[0] = i;
		for (j = 1; j <= lb; j++) {
			size_t up = row[j], best;
			int same = (a[i - 1] | 0x20) == (b[j - 1] | 0x20);

			best = diag + !same;
			if (up + 1 < best)
				best = up + 1;
			if (row[j - 1] + 1 < best)
				best = row[j - 1] + 1;
			diag = up;
			row[j] = best;
		}
	}
	return row[lb];
}

struct pick {
	char name[SUGGEST][NAME_MAX_LEN + 1];
	size_t score[SUGGEST];
	size_t n;
	const char *query;
	size_t limit;
};

/* Consider CAND (NAME_MAX_LEN at most; copied) as a suggestion. */
static void consider(struct pick *p, const char *cand)
{
	size_t ql = strlen(p->query), d, k;

	if (strlen(cand) > NAME_MAX_LEN)
		return;
	d = profile_names_distance(p->query, cand);
	if (ql >= 3 && strncasecmp(cand, p->query, ql) == 0 && d > 2)
		d = 2; /* the start of a longer name */
	if (d > p->limit)
		return;
	for (k = 0; k < p->n; k++)
		if (strcmp(p->name[k], cand) == 0)
			return;
	for (k = p->n; k > 0 && p->score[k - 1] > d; k--) {
		if (k < SUGGEST) {
			memcpy(p->name[k], p->name[k - 1], sizeof p->name[k]);
			p->score[k] = p->score[k - 1];
		}
	}
	if (k >= SUGGEST)
		return;
	snprintf(p->name[k], sizeof p->name[k], "%s", cand);
	p->score[k] = d;
	if (p->n < SUGGEST)
		p->n++;
}

int profile_names_is_qemu(const struct cc_embedded *p)
{
	return strstr(p->text, "\"qemu_model\"") != NULL;
}

/* Fill E: NAME is no QEMU model, and nothing is close: list them all. */
static void qemu_models(const char *name, struct cc_err *e)
{
	struct cc_buf msg;
	size_t i;

	cc_buf_init(&msg);
	for (i = 0; cc_builtin_profiles[i].name; i++) {
		const char *b = cc_builtin_profiles[i].name;
		size_t len = strlen(b);

		if (len > 3 && strcmp(b + len - 3, "-v1") == 0 &&
		    profile_names_is_qemu(&cc_builtin_profiles[i]))
			cc_buf_printf(&msg, "%s%.*s", msg.len ? ", " : "",
				      (int)(len - 3), b);
	}
	cc_errf(e,
		"qemu:%s: no such QEMU CPU model; the models are %s (each "
		"also as MODEL-vN; 'cpucompat profiles' lists them all)",
		name, msg.len ? msg.data : "none");
	cc_buf_free(&msg);
}

/* Fill E: NAME is no bundled profile (QEMU: no bundled QEMU model), with
 * up to three close names of that kind. */
static void suggest(const char *name, int qemu, struct cc_err *e)
{
	struct pick p;
	struct cc_buf msg;
	size_t i, count = 0;
	char model[NAME_MAX_LEN + 1];

	memset(&p, 0, sizeof p);
	p.query = name;
	p.limit = strlen(name) / 3 > 2 ? strlen(name) / 3 : 2;
	for (i = 0; cc_builtin_profiles[i].name; i++) {
		const char *b = cc_builtin_profiles[i].name;
		size_t len = strlen(b);

		if (qemu && !profile_names_is_qemu(&cc_builtin_profiles[i]))
			continue;
		count++;

		if (len > 3 && len <= NAME_MAX_LEN &&
		    strcmp(b + len - 3, "-v1") == 0) {
			memcpy(model, b, len - 3);
			model[len - 3] = '\0';
			consider(&p, model);
		}
		consider(&p, b);
	}
	for (i = 0; i < NALIASES; i++)
		consider(&p, qemu_aliases[i].alias);
	cc_buf_init(&msg);
	for (i = 0; i < p.n; i++)
		cc_buf_printf(&msg, "%s%s", i ? ", " : "", p.name[i]);
	if (qemu && p.n > 0)
		cc_errf(e,
			"qemu:%s: no such QEMU CPU model; did you mean %s? "
			"('cpucompat profiles' lists all %zu bundled QEMU "
			"model versions)",
			name, msg.data, count);
	else if (qemu)
		qemu_models(name, e);
	else if (p.n > 0)
		cc_errf(e,
			"profile:%s: no such bundled profile; did you mean "
			"%s? ('cpucompat profiles' lists all %zu)",
			name, msg.data, count);
	else
		cc_errf(e,
			"profile:%s: no such bundled profile "
			"('cpucompat profiles' lists all %zu)",
			name, count);
	cc_buf_free(&msg);
}

/* profile_names_find, or with QEMU set profile_names_find_qemu. */
static const struct cc_embedded *find(const char *name, int qemu,
				      struct cc_err *e)
{
	char canon[NAME_MAX_LEN + 4];
	const struct cc_embedded *p;

	if (strlen(name) > NAME_MAX_LEN) {
		suggest(name, qemu, e);
		return NULL;
	}
	profile_names_resolve(name, canon, sizeof canon);
	p = bundled(canon);
	if (p != NULL && qemu && !profile_names_is_qemu(p)) {
		cc_errf(e,
			"qemu:%s: a cpucompat profile, not a QEMU CPU model "
			"(name it profile:%s)",
			name, name);
		return NULL;
	}
	if (p == NULL)
		suggest(name, qemu, e);
	return p;
}

const struct cc_embedded *profile_names_find(const char *name, struct cc_err *e)
{
	return find(name, 0, e);
}

const struct cc_embedded *profile_names_find_qemu(const char *name,
						  struct cc_err *e)
{
	return find(name, 1, e);
}
