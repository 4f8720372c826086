/*
 * Scheduler labels: see fleet_out.h.  Labels depend only on a host's
 * class, so each class's label line is built once and repeated for its
 * hosts.  Feature labels name every flag (a subset-rule field whose bits
 * are all set) in the class's guest view, in libvirt's spelling where it
 * has one, as KubeVirt's node labeller names them; model labels name the
 * bundled profiles the class can run, judged as `check` judges.
 */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "cc_json.h"
#include "fleet_out.h"
#include "source.h"

#define K8S_NAME_MAX 63
#define K8S_PREFIX_MAX 253

static int alnum(char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
	       (c >= '0' && c <= '9');
}

static int name_valid(const char *s, size_t n)
{
	size_t i;

	if (n == 0 || n > K8S_NAME_MAX || !alnum(s[0]) || !alnum(s[n - 1]))
		return 0;
	for (i = 0; i < n; i++)
		if (!alnum(s[i]) && s[i] != '.' && s[i] != '_' && s[i] != '-')
			return 0;
	return 1;
}

/* A DNS subdomain (RFC 1123): lower-case labels of [a-z0-9-], each
 * starting and ending alphanumeric, joined by dots. */
static int prefix_valid(const char *s, size_t n)
{
	size_t i, start = 0;

	if (n == 0 || n > K8S_PREFIX_MAX)
		return 0;
	for (i = 0; i <= n; i++) {
		if (i < n && s[i] != '.') {
			if (!((s[i] >= 'a' && s[i] <= 'z') ||
			      (s[i] >= '0' && s[i] <= '9') || s[i] == '-'))
				return 0;
			continue;
		}
		if (i == start || s[start] == '-' || s[i - 1] == '-')
			return 0;
		start = i + 1;
	}
	return 1;
}

int fleet_label_valid(const char *key)
{
	const char *slash = strrchr(key, '/');

	if (slash == NULL)
		return name_valid(key, strlen(key));
	return prefix_valid(key, (size_t)(slash - key)) &&
	       name_valid(slash + 1, strlen(slash + 1));
}

/* " PREFIX/NAME=true", NAME made valid: other characters become '-',
 * non-alphanumeric ends are dropped, at most 63 characters. */
static void put_label(struct cc_buf *b, const char *prefix, const char *name)
{
	char v[K8S_NAME_MAX + 1];
	size_t n = 0, s = 0;

	for (; *name && n < K8S_NAME_MAX; name++)
		v[n++] = alnum(*name) || *name == '.' || *name == '_' ||
					 *name == '-'
				 ? *name
				 : '-';
	while (s < n && !alnum(v[s]))
		s++;
	while (n > s && !alnum(v[n - 1]))
		n--;
	if (n == s)
		return;
	v[n] = '\0';
	cc_buf_printf(b, " %s/%s=true", prefix, v + s);
}

/* The vendor label: libvirt's spelling, else ours ("centaur"). */
static const char *vendor_label(enum cc_vendor v)
{
	const char *b = cc_vendor_brand(v);

	return b != NULL ? b : cc_vendor_name(v);
}

static void class_labels(struct cc_buf *b, const struct cc_fleet *f,
			 const struct fleet_class *c)
{
	unsigned vendor = c->rep->vendor == CC_VENDOR_OTHER ? 0
							    : c->rep->vendor;
	size_t i, x;

	put_label(b, "cpu-vendor.node.kubevirt.io",
		  vendor_label(c->rep->vendor));
	/* runs[] is 0 unless fleet_name_runs filled it (cmd_fleet.c) */
	for (i = 0; i < FLEET_MAX_PROFILES && cc_builtin_profiles[i].name; i++)
		if (c->runs[i / 64] >> (i % 64) & 1)
			put_label(b, "cpu-model.node.kubevirt.io",
				  cc_builtin_profiles[i].name);
	for (x = 1; x + 3 < c->nview; x += 4) {
		const uint32_t *w = &c->view[x];
		size_t fb, fe;

		cc_defs_range(f->d, w[0], (int)w[2], &fb, &fe);
		for (i = fb; i < fe; i++) {
			const struct cc_field *fl = &f->d->fields[i];
			uint32_t m = cc_field_mask(fl);

			if (fl->rule == CC_RULE_SUBSET && (w[3] & m) == m &&
			    cc_field_applies(fl, w[1], vendor))
				put_label(b, "cpu-feature.node.kubevirt.io",
					  cc_field_spelling(fl, "libvirt"));
		}
	}
}

static void json_labels(struct cc_buf *b, const char *line)
{
	const char *p = line;
	int first = 1;

	cc_buf_puts(b, "{");
	while (*p == ' ') {
		const char *eq = strchr(++p, '=');
		const char *end = strchr(p, ' ');
		struct cc_buf k;

		cc_buf_init(&k);
		cc_buf_add(&k, p, (size_t)(eq - p));
		cc_buf_puts(b, first ? "" : ", ");
		cc_json_put_string(b, k.data);
		cc_buf_puts(b, ": \"true\"");
		cc_buf_free(&k);
		first = 0;
		p = end ? end : p + strlen(p);
	}
	cc_buf_puts(b, "}");
}

void fleet_labels(struct cc_buf *b, const struct cc_fleet *f, int json)
{
	struct cc_buf *lines = cc_xcalloc(f->nclasses + 1, sizeof *lines);
	size_t i;

	for (i = 0; i < f->nclasses; i++) {
		cc_buf_init(&lines[i]);
		class_labels(&lines[i], f, &f->classes[i]);
	}
	if (json)
		cc_buf_puts(b,
			    "{\n  \"schema\": \"cpucompat-labels/1\",\n"
			    "  \"hosts\": [");
	for (i = 0; i < f->nhosts; i++) {
		const struct fleet_host *h = &f->hosts[i];

		if (!json) {
			cc_buf_printf(b, "%s%s\n", h->name,
				      lines[h->cls].data ? lines[h->cls].data
							 : "");
			continue;
		}
		cc_buf_puts(b, i ? ",\n    {\"host\": " : "\n    {\"host\": ");
		cc_json_put_string(b, h->name);
		cc_buf_puts(b, ", \"labels\": ");
		json_labels(b, lines[h->cls].data ? lines[h->cls].data : "");
		cc_buf_puts(b, "}");
	}
	if (json)
		cc_buf_puts(b, f->nhosts ? "\n  ]\n}\n" : "]\n}\n");
	for (i = 0; i < f->nclasses; i++)
		cc_buf_free(&lines[i]);
	free(lines);
}
