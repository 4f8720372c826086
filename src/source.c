/*
 * Resolving source specs to CPUID sets: see source.h.
 */
#include "config.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "capture.h"
#include "cc_buf.h"
#include "fmt.h"
#include "profile_names.h"
#include "qemu_model.h"
#include "qemu_names.h"
#include "source.h"

/* Longest qemu: spec, and most features in one. */
#define QEMU_SPEC_MAX 4096
#define QEMU_TOKENS 512

static struct cc_set *load_profile(const char *name, const struct fmt_opts *fo,
				   struct cc_err *e)
{
	const char *dir = getenv("CPUCOMPAT_PROFILES");
	const struct cc_embedded *p;
	char label[160];
	struct cc_set *s;

	if (dir != NULL && *dir) {
		struct cc_buf path;

		cc_buf_init(&path);
		cc_buf_printf(&path, "%s/%s.json", dir, name);
		s = fmt_load_file(path.data, NULL, fo, e);
		cc_buf_free(&path);
		return s;
	}
	snprintf(label, sizeof label, "profile:%s", name);
	p = profile_names_find(name, e);
	if (p == NULL)
		return NULL;
	return fmt_load_buffer(p->text, p->len, label, NULL, fo, e);
}

/* Token T of a qemu: spec as a feature and its value: +f (2: added after
 * every property), -f (3: removed last), f=on, f=off, f (1: in order).
 * Returns the pass, 0 for QEMU options that leave CPUID alone, -1 and E
 * for anything else.  on/off may also be yes/no, true/false, y/n. */
static int qemu_token(const char *spec, char *t, const char **name, int *on,
		      struct cc_err *e)
{
	/* the words QEMU's option parser takes for a boolean */
	static const struct {
		const char *word;
		int on;
	} truth[] = {
		{"on", 1},  {"yes", 1}, {"true", 1},  {"y", 1},
		{"off", 0}, {"no", 0},  {"false", 0}, {"n", 0},
	};
	char *eq = strchr(t, '=');
	size_t i;

	*name = t;
	*on = 1;
	if (*t == '\0')
		return cc_errf(e, "%s: empty feature between commas", spec);
	if (strcmp(t, "enforce") == 0 || strcmp(t, "check") == 0)
		return 0;
	if (((*t == '+' || *t == '-') && t[1] == '\0') || *t == '=')
		return cc_errf(e, "%s: '%s' names no feature", spec, t);
	if (*t == '+' || *t == '-') {
		*name = t + 1;
		*on = *t == '+';
		return *on ? 2 : 3;
	}
	if (eq == NULL)
		return 1;
	*eq = '\0';
	for (i = 0; i < sizeof truth / sizeof truth[0]; i++) {
		if (strcmp(eq + 1, truth[i].word) == 0) {
			*on = truth[i].on;
			return 1;
		}
	}
	return cc_errf(e,
		       "%s: '%s=%s': only FEATURE=on and FEATURE=off set a "
		       "CPUID feature",
		       spec, t, eq + 1);
}

/* Fill E: NAME is no flag of S's vendor; suggest the closest QEMU 7.2
 * name of one when there is a close one.  Returns -1. */
static int unknown_feature(const struct cc_set *s, const char *spec,
			   const char *name, struct cc_err *e)
{
	const struct cc_defs *d = cc_defs_builtin();
	unsigned vendor = s->vendor == CC_VENDOR_OTHER ? 0
						       : (unsigned)s->vendor;
	size_t i, best = SIZE_MAX, limit = strlen(name) / 4 + 1;
	const char *near = NULL;

	for (i = 0; qemu_names_at(i) != NULL; i++) {
		const char *q = qemu_names_at(i);
		size_t dist = profile_names_distance(name, q);

		if (dist < best && dist <= limit &&
		    qemu_feature_find(d, q, vendor) != NULL) {
			best = dist;
			near = q;
		}
	}
	if (qemu_feature_find(d, name, 0) != NULL)
		return cc_errf(e,
			       "%s: '%s' is no flag of %s CPUs (the model's "
			       "vendor)",
			       spec, name, s->vendor_id);
	if (near != NULL)
		return cc_errf(e,
			       "%s: no %s CPUID flag is called '%s'; did you "
			       "mean %s?",
			       spec, s->vendor_id, name, near);
	return cc_errf(e,
		       "%s: no %s CPUID flag is called '%s' (in QEMU's, "
		       "libvirt's or cpucompat's spelling)",
		       spec, s->vendor_id, name);
}

/* Apply the features of TOK[0..N) to S in QEMU's order: FEATURE=on|off
 * and bare names as given, then every +FEATURE, then every -FEATURE. */
static int qemu_features(struct cc_set *s, const char *spec, char **tok,
			 size_t n, struct cc_err *e)
{
	const struct cc_defs *d = cc_defs_builtin();
	unsigned vendor = s->vendor == CC_VENDOR_OTHER ? 0
						       : (unsigned)s->vendor;
	int pass;
	size_t i;

	for (pass = 1; pass <= 3; pass++) {
		for (i = 0; i < n; i++) {
			const struct cc_field *f;
			const char *name;
			char t[QEMU_SPEC_MAX];
			int on, p;

			snprintf(t, sizeof t, "%s", tok[i]);
			p = qemu_token(spec, t, &name, &on, e);
			if (p < 0)
				return -1;
			if (p != pass)
				continue;
			f = qemu_feature_find(d, name, vendor);
			if (f == NULL)
				return unknown_feature(s, spec, name, e);
			if (qemu_feature_apply(s, f, on, e) < 0)
				return -1;
		}
	}
	return 0;
}

/* qemu:MODEL[,+f|-f|f=on|f=off|f]...: a bundled QEMU model with
 * QEMU's feature switches applied. */
static struct cc_set *load_qemu(const char *spec, const struct fmt_opts *fo,
				struct cc_err *e)
{
	char buf[QEMU_SPEC_MAX], *tok[QEMU_TOKENS], *p;
	const struct cc_embedded *m;
	struct cc_set *s;
	size_t n = 0;

	if (strlen(spec) >= sizeof buf)
		return cc_errf(e, "%.40s...: a qemu: spec is at most %d bytes",
			       spec, QEMU_SPEC_MAX - 1),
		       NULL;
	snprintf(buf, sizeof buf, "%s", spec + 5);
	for (p = strchr(buf, ','); p != NULL; p = strchr(p + 1, ',')) {
		if (n == QEMU_TOKENS)
			return cc_errf(e, "%s: more than %d features", spec,
				       QEMU_TOKENS),
			       NULL;
		*p = '\0';
		tok[n++] = p + 1;
	}
	if (buf[0] == '\0')
		return cc_errf(e, "%s: no QEMU CPU model named (qemu:MODEL)",
			       spec),
		       NULL;
	m = profile_names_find_qemu(buf, e);
	if (m == NULL)
		return NULL;
	s = fmt_load_buffer(m->text, m->len, spec, "json", fo, e);
	if (s != NULL && qemu_features(s, spec, tok, n, e) < 0) {
		cc_set_free(s);
		return NULL;
	}
	if (s != NULL) {
		free(s->name);
		s->name = cc_xstrdup(spec);
		cc_set_meta_set(s, "qemu_cpu", spec + 5, 0);
	}
	return s;
}

static struct cc_set *load_spec(const char *spec, const struct source_opts *o,
				struct cc_err *e)
{
	struct fmt_opts fo = {-1, 0};

	if (o != NULL)
		fo.cpu = o->cpu;
	if (strcmp(spec, "host") == 0)
		return capture_host(e);
	if (strcmp(spec, "kvm") == 0)
		return capture_kvm(NULL, e);
	if (strcmp(spec, "auto") == 0)
		return capture_auto(e);
	if (strncmp(spec, "profile:", 8) == 0)
		return load_profile(spec + 8, &fo, e);
	if (strncmp(spec, "qemu:", 5) == 0)
		return load_qemu(spec, &fo, e);
	return fmt_load_file(spec, o ? o->input_format : NULL, &fo, e);
}

struct cc_set *source_load(const char *spec, const struct source_opts *o,
			   struct cc_err *e)
{
	struct cc_set *s = load_spec(spec, o, e);

	if (s != NULL)
		cc_set_set_origin(s, spec);
	return s;
}
