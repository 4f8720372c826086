/*
 * Fleet renderers: the analysed fleet as text for a person, as JSON
 * (schema "cpucompat-fleet/1": a "classes" array, each with its "hosts",
 * and an "edges" array of the reduced graph) and as a Graphviz digraph
 * (an arrow A -> B: guests of class A can run on class B).  Renderers
 * only read the fleet; they write into a cc_buf.
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cc_json.h"
#include "fleet_out.h"

#define TEXT_HOSTS 6 /* hosts named per class in text, unless all */

void fleet_text_hosts(struct cc_buf *b, const struct cc_fleet *f,
		      const size_t *cls, size_t n, int all, size_t most,
		      int indent)
{
	size_t i, j, shown = 0, total = 0;

	for (i = 0; i < n; i++)
		total += f->classes[cls[i]].nhosts;
	cc_buf_printf(b, "%*s", indent, "");
	for (i = 0; i < n; i++) {
		const struct fleet_class *c = &f->classes[cls[i]];

		for (j = 0; j < c->nhosts && (all || shown < most); j++)
			cc_buf_printf(b, "%s%s", shown++ ? " " : "",
				      f->hosts[c->hosts[j]].name);
	}
	if (shown < total)
		cc_buf_printf(b, " (+%zu more)", total - shown);
	cc_buf_puts(b, "\n");
}

static void text_vendor(struct cc_buf *b, const struct cc_fleet *f,
			const struct fleet_vendor *v, int all)
{
	const struct cc_baseline *bl = v->baseline;
	size_t i, j, k;

	cc_buf_printf(b, "  %s: %zu host%s in %zu class%s; baseline '%s'\n",
		      cc_vendor_name(v->vendor), v->nhosts,
		      v->nhosts == 1 ? "" : "s", v->nclasses,
		      v->nclasses == 1 ? "" : "es", bl->profile->name);
	for (k = 0; k < v->nclasses; k++) {
		size_t n = 0;

		for (i = 0; i < bl->ncosts; i++)
			n += bl->costs[i].source == k;
		if (n == 0)
			continue;
		cc_buf_printf(b, "    class %zu gives up %zu:", v->classes[k],
			      n);
		for (i = 0, j = 0; i < bl->ncosts && j < 8; i++)
			if (bl->costs[i].source == k && ++j)
				cc_buf_printf(b, " %s",
					      bl->costs[i].field->name);
		cc_buf_puts(b, n > 8 ? " ...\n" : "\n");
	}
	for (i = 0; i < v->ngains; i++) {
		const struct fleet_gain *g = &v->gains[i];

		if (g->nhosts == 1)
			cc_buf_puts(b, "    without this host (class");
		else
			cc_buf_printf(b, "    without these %zu hosts (class%s",
				      g->nhosts, g->nclasses == 1 ? "" : "es");
		for (j = 0; j < g->nclasses; j++)
			cc_buf_printf(b, " %zu", g->classes[j]);
		cc_buf_puts(b, ") the baseline gains");
		for (j = 0; j < g->nfields; j++)
			cc_buf_printf(b, " %s", g->fields[j]->name);
		cc_buf_puts(b, ":\n");
		fleet_text_hosts(b, f, g->classes, g->nclasses, all, TEXT_HOSTS,
				 6);
	}
}

void fleet_text(struct cc_buf *b, const struct cc_fleet *f, size_t nbad,
		int all)
{
	size_t i, j;

	cc_buf_printf(b,
		      "fleet: %zu host%s in %zu class%s of equal guest "
		      "CPUID, %zu vendor%s",
		      f->nhosts, f->nhosts == 1 ? "" : "s", f->nclasses,
		      f->nclasses == 1 ? "" : "es", f->nvendors,
		      f->nvendors == 1 ? "" : "s");
	if (nbad)
		cc_buf_printf(b,
			      "; %zu input%s could not be read (see "
			      "above)",
			      nbad, nbad == 1 ? "" : "s");
	cc_buf_puts(b, "\n\nclasses:\n");
	for (i = 0; i < f->nclasses; i++) {
		const struct fleet_class *c = &f->classes[i];

		cc_buf_printf(b, "  %3zu  %zu host%s  %s", i, c->nhosts,
			      c->nhosts == 1 ? "" : "s", c->name);
		if (c->profile)
			cc_buf_printf(b, "  [runs profile:%s]", c->profile);
		cc_buf_puts(b, "\n");
		fleet_text_hosts(b, f, &i, 1, all, TEXT_HOSTS, 6);
	}
	cc_buf_puts(b,
		    "\nmigration order (A -> B: guests of A can run on B, "
		    "and on everything B leads to):\n");
	for (i = 0; i < f->nclasses; i++) {
		int any = 0;

		for (j = 0; j < f->nedges; j++) {
			if (f->edges[j].from != i)
				continue;
			if (any)
				cc_buf_printf(b, ", %zu", f->edges[j].to);
			else
				cc_buf_printf(b, "  %3zu -> %zu", i,
					      f->edges[j].to);
			any = 1;
		}
		if (any)
			cc_buf_puts(b, "\n");
	}
	cc_buf_puts(b, "\nbaselines (one per vendor):\n");
	for (i = 0; i < f->nvendors; i++)
		text_vendor(b, f, &f->vendors[i], all);
	for (i = 0, j = 0; i < f->nclasses; i++)
		j += cc_fleet_reaches(f, f->largest, i);
	cc_buf_printf(b,
		      "\nlargest group with a common profile: %zu host%s "
		      "in %zu class%s can run guests of class %zu (%s) "
		      "unchanged;\nits profile: cpucompat generate --name "
		      "NAME %s\n",
		      f->largest_hosts, f->largest_hosts == 1 ? "" : "s", j,
		      j == 1 ? "" : "es", f->largest,
		      f->classes[f->largest].name,
		      cc_set_label(f->classes[f->largest].rep));
}

static void json_ids(struct cc_buf *b, const size_t *v, size_t n)
{
	size_t i;

	cc_buf_puts(b, "[");
	for (i = 0; i < n; i++)
		cc_buf_printf(b, "%s%zu", i ? ", " : "", v[i]);
	cc_buf_puts(b, "]");
}

static void json_class(struct cc_buf *b, const struct cc_fleet *f, size_t k)
{
	const struct fleet_class *c = &f->classes[k];
	size_t i;

	cc_buf_printf(b, "    {\"id\": %zu, \"name\": ", k);
	cc_json_put_string(b, c->name);
	cc_buf_puts(b, ", \"brand\": ");
	cc_json_put_string(b, c->brand);
	cc_buf_printf(b, ", \"vendor\": \"%s\", \"profile\": ",
		      cc_vendor_name(c->rep->vendor));
	if (c->profile)
		cc_json_put_string(b, c->profile);
	else
		cc_buf_puts(b, "null");
	cc_buf_printf(b, ", \"group\": %zu, \"count\": %zu, \"hosts\": [",
		      c->group, c->nhosts);
	for (i = 0; i < c->nhosts; i++) {
		if (i)
			cc_buf_puts(b, ", ");
		cc_json_put_string(b, f->hosts[c->hosts[i]].name);
	}
	cc_buf_puts(b, "]}");
}

static void json_vendor(struct cc_buf *b, const struct fleet_vendor *v)
{
	const struct cc_baseline *bl = v->baseline;
	size_t i, j, k;

	cc_buf_printf(b, "    {\"vendor\": \"%s\", \"name\": ",
		      cc_vendor_name(v->vendor));
	cc_json_put_string(b, bl->profile->name);
	cc_buf_printf(b, ", \"hosts\": %zu, \"classes\": ", v->nhosts);
	json_ids(b, v->classes, v->nclasses);
	cc_buf_puts(b, ", \"gives_up\": [");
	for (k = 0, j = 0; k < v->nclasses; k++) {
		int first = 1;

		for (i = 0; i < bl->ncosts; i++) {
			if (bl->costs[i].source != k)
				continue;
			cc_buf_printf(b, "%s",
				      first ? (j++ ? ", " : "") : ", ");
			if (first)
				cc_buf_printf(b,
					      "{\"class\": %zu, \"fields\": [",
					      v->classes[k]);
			cc_json_put_string(b, bl->costs[i].field->name);
			first = 0;
		}
		if (!first)
			cc_buf_puts(b, "]}");
	}
	cc_buf_puts(b, "], \"removals\": [");
	for (i = 0; i < v->ngains; i++) {
		const struct fleet_gain *g = &v->gains[i];

		cc_buf_printf(b,
			      "%s{\"hosts\": %zu, \"classes\": ", i ? ", " : "",
			      g->nhosts);
		json_ids(b, g->classes, g->nclasses);
		cc_buf_puts(b, ", \"adds\": [");
		for (j = 0; j < g->nfields; j++) {
			if (j)
				cc_buf_puts(b, ", ");
			cc_json_put_string(b, g->fields[j]->name);
		}
		cc_buf_puts(b, "]}");
	}
	cc_buf_puts(b, "]}");
}

void fleet_json(struct cc_buf *b, const struct cc_fleet *f, size_t nbad)
{
	size_t i, j, n = 0, *up;

	cc_buf_printf(b,
		      "{\n  \"schema\": \"cpucompat-fleet/1\",\n"
		      "  \"command\": \"fleet\",\n  \"hosts\": %zu,\n"
		      "  \"unreadable\": %zu,\n  \"classes\": [\n",
		      f->nhosts, nbad);
	for (i = 0; i < f->nclasses; i++) {
		json_class(b, f, i);
		cc_buf_puts(b, i + 1 < f->nclasses ? ",\n" : "\n");
	}
	cc_buf_puts(b, "  ],\n  \"edges\": [");
	for (i = 0; i < f->nedges; i++)
		cc_buf_printf(b, "%s\n    {\"from\": %zu, \"to\": %zu}",
			      i ? "," : "", f->edges[i].from, f->edges[i].to);
	cc_buf_puts(b, f->nedges ? "\n  ],\n  \"baselines\": [\n"
				 : "],\n  \"baselines\": [\n");
	for (i = 0; i < f->nvendors; i++) {
		json_vendor(b, &f->vendors[i]);
		cc_buf_puts(b, i + 1 < f->nvendors ? ",\n" : "\n");
	}
	up = cc_xmalloc((f->nclasses + 1) * sizeof *up);
	for (j = 0; j < f->nclasses; j++)
		if (cc_fleet_reaches(f, f->largest, j))
			up[n++] = j;
	cc_buf_printf(b,
		      "  ],\n  \"largest_group\": {\"guest_class\": %zu, "
		      "\"hosts\": %zu, \"classes\": ",
		      f->largest, f->largest_hosts);
	json_ids(b, up, n);
	cc_buf_puts(b, "}\n}\n");
	free(up);
}

/* S as a DOT double-quoted string body. */
static void dot_str(struct cc_buf *b, const char *s)
{
	for (; *s; s++) {
		if (*s == '"' || *s == '\\')
			cc_buf_add(b, "\\", 1);
		cc_buf_add(b, s, 1);
	}
}

void fleet_dot(struct cc_buf *b, const struct cc_fleet *f)
{
	size_t i, v, k;

	cc_buf_puts(b,
		    "// cpucompat fleet: an arrow A -> B means guests of "
		    "class A can run on class B\n"
		    "digraph fleet {\n  rankdir=BT;\n"
		    "  node [shape=box, fontname=\"sans-serif\"];\n");
	for (v = 0; v < f->nvendors; v++) {
		const struct fleet_vendor *fv = &f->vendors[v];

		cc_buf_printf(b, "  subgraph cluster_%s {\n    label=\"%s\";\n",
			      cc_vendor_name(fv->vendor),
			      cc_vendor_name(fv->vendor));
		for (k = 0; k < fv->nclasses; k++) {
			const struct fleet_class *c =
				&f->classes[fv->classes[k]];

			cc_buf_printf(b, "    c%zu [label=\"class %zu: ",
				      fv->classes[k], fv->classes[k]);
			dot_str(b, c->name);
			cc_buf_printf(b, "\\n%zu host%s\"];\n", c->nhosts,
				      c->nhosts == 1 ? "" : "s");
		}
		cc_buf_puts(b, "  }\n");
	}
	for (i = 0; i < f->nedges; i++)
		cc_buf_printf(b, "  c%zu -> c%zu;\n", f->edges[i].from,
			      f->edges[i].to);
	cc_buf_puts(b, "}\n");
}
