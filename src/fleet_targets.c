/*
 * Where can this guest go: see fleet_targets.h.
 */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "cc_json.h"
#include "fleet_out.h"
#include "fleet_priv.h"
#include "fleet_targets.h"

#define TEXT_HOSTS 8
#define WHY_FIELDS 8 /* blocking fields named in a reason */

/* Why class C cannot run the guest, from report R. */
static char *reason(const struct cc_report *r)
{
	struct cc_buf b;
	size_t i, n = 0;

	cc_buf_init(&b);
	if (r->vendor_mismatch) {
		cc_buf_printf(&b,
			      "vendor mismatch: the guest's is %s, the "
			      "hosts' %s",
			      r->source.vendor_id, r->target.vendor_id);
		return b.data;
	}
	cc_buf_puts(&b, "lacks");
	for (i = 0; i < r->n; i++) {
		const struct cc_finding *x = &r->findings[i];
		char pos[64];

		if (x->status != CC_STATUS_DIFFERENT || x->waived ||
		    x->unseen || x->severity != CC_SEV_INCOMPATIBLE)
			continue;
		if (n++ >= WHY_FIELDS)
			continue;
		if (x->field != NULL) {
			cc_buf_printf(&b, "%s %s", n > 1 ? "," : "",
				      x->field->name);
		} else {
			cc_finding_position(x, pos, sizeof pos);
			cc_buf_printf(&b, "%s %s", n > 1 ? "," : "", pos);
		}
		if (x->change == CC_CHANGE_CHANGED)
			cc_buf_printf(&b, " (%#x, the guest's %#x)", x->dst,
				      x->src);
	}
	if (n > WHY_FIELDS)
		cc_buf_printf(&b, " and %zu more", n - WHY_FIELDS);
	return b.data;
}

static void add_to(size_t **v, size_t *n, size_t x)
{
	*v = cc_xrealloc(*v, (*n + 1) * sizeof **v);
	(*v)[(*n)++] = x;
}

static int cmp_reason(const void *pa, const void *pb)
{
	const struct fleet_reason *a = pa, *b = pb;

	if (a->nhosts != b->nhosts)
		return a->nhosts > b->nhosts ? -1 : 1;
	return strcmp(a->why, b->why);
}

struct fleet_targets *fleet_targets(const struct cc_fleet *f,
				    const struct cc_set *guest,
				    const struct cc_diff_opts *o)
{
	struct fleet_targets *t = cc_xcalloc(1, sizeof *t);
	size_t k, j;

	if (o == NULL)
		o = fleet_diff_opts();
	for (k = 0; k < f->nclasses; k++) {
		const struct fleet_class *c = &f->classes[k];
		struct cc_report *r = cc_diff(guest, c->rep, f->d, o);
		char *why;

		if (r->verdict != CC_VERDICT_INCOMPATIBLE) {
			add_to(&t->ok, &t->nok, k);
			t->okhosts += c->nhosts;
			cc_report_free(r);
			continue;
		}
		why = reason(r);
		cc_report_free(r);
		for (j = 0; j < t->nr && strcmp(t->r[j].why, why) != 0; j++)
			;
		if (j == t->nr) {
			t->r = cc_xrealloc(t->r, (t->nr + 1) * sizeof *t->r);
			memset(&t->r[j], 0, sizeof *t->r);
			t->r[j].why = why;
			t->nr++;
		} else {
			free(why);
		}
		add_to(&t->r[j].classes, &t->r[j].nclasses, k);
		t->r[j].nhosts += c->nhosts;
	}
	if (t->nr > 1)
		qsort(t->r, t->nr, sizeof *t->r, cmp_reason);
	return t;
}

void fleet_targets_free(struct fleet_targets *t)
{
	size_t i;

	if (t == NULL)
		return;
	for (i = 0; i < t->nr; i++) {
		free(t->r[i].why);
		free(t->r[i].classes);
	}
	free(t->r);
	free(t->ok);
	free(t);
}

void fleet_targets_text(struct cc_buf *b, const struct cc_fleet *f,
			const struct fleet_targets *t,
			const struct cc_set *guest, int all)
{
	size_t i;

	cc_buf_printf(b,
		      "guest %s: can move to %zu of %zu hosts (%zu of %zu "
		      "classes)\n",
		      cc_set_label(guest), t->okhosts, f->nhosts, t->nok,
		      f->nclasses);
	if (t->nok)
		fleet_text_hosts(b, f, t->ok, t->nok, all, TEXT_HOSTS, 4);
	if (t->nr)
		cc_buf_printf(b, "\ncannot move to %zu hosts:\n",
			      f->nhosts - t->okhosts);
	for (i = 0; i < t->nr; i++) {
		const struct fleet_reason *r = &t->r[i];

		cc_buf_printf(b, "  %zu host%s (%zu class%s): %s\n", r->nhosts,
			      r->nhosts == 1 ? "" : "s", r->nclasses,
			      r->nclasses == 1 ? "" : "es", r->why);
		fleet_text_hosts(b, f, r->classes, r->nclasses, all, TEXT_HOSTS,
				 4);
	}
}

static void json_hosts(struct cc_buf *b, const struct cc_fleet *f,
		       const size_t *cls, size_t n)
{
	size_t i, j, any = 0;

	cc_buf_puts(b, "[");
	for (i = 0; i < n; i++) {
		const struct fleet_class *c = &f->classes[cls[i]];

		for (j = 0; j < c->nhosts; j++) {
			cc_buf_puts(b, any++ ? ", " : "");
			cc_json_put_string(b, f->hosts[c->hosts[j]].name);
		}
	}
	cc_buf_puts(b, "]");
}

void fleet_targets_json(struct cc_buf *b, const struct cc_fleet *f,
			const struct fleet_targets *t,
			const struct cc_set *guest)
{
	size_t i;

	cc_buf_puts(b,
		    "{\n  \"schema\": \"cpucompat-targets/1\",\n"
		    "  \"command\": \"targets\",\n  \"guest\": ");
	cc_json_put_string(b, cc_set_label(guest));
	cc_buf_printf(b,
		      ",\n  \"fleet_hosts\": %zu,\n  \"targets\": ", f->nhosts);
	json_hosts(b, f, t->ok, t->nok);
	cc_buf_puts(b, ",\n  \"blocked\": [");
	for (i = 0; i < t->nr; i++) {
		cc_buf_puts(b,
			    i ? ",\n    {\"reason\": " : "\n    {\"reason\": ");
		cc_json_put_string(b, t->r[i].why);
		cc_buf_printf(b,
			      ", \"count\": %zu, \"hosts\": ", t->r[i].nhosts);
		json_hosts(b, f, t->r[i].classes, t->r[i].nclasses);
		cc_buf_puts(b, "}");
	}
	cc_buf_puts(b, t->nr ? "\n  ]\n}\n" : "]\n}\n");
}
