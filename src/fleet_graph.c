/*
 * The fleet's class graph: which class's guests can run on which, judged
 * by cc_diff between class representatives exactly as `check` judges two
 * dumps, then reduced.  Classes that can take each other's guests form a
 * mutual-migration group (a strongly connected component); the reduced
 * graph keeps a cycle inside each group and, between groups, only the
 * edges that no path through a third group implies (the transitive
 * reduction of the condensation, which is unique).  Also the largest
 * group that can run one real host's full view: the class whose guests
 * can run on the most hosts, with those hosts.
 */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "cc_buf.h"
#include "diff.h"
#include "fleet.h"
#include "fleet_priv.h"

#define BIT(row, j) ((row)[(j) / 64] >> ((j) % 64) & 1)
#define SETBIT(row, j) ((row)[(j) / 64] |= 1ull << ((j) % 64))

/* f->reach from cc_diff of every ordered pair of one vendor's classes. */
static void judge(struct cc_fleet *f)
{
	size_t n = f->nclasses, i, j;

	f->words = (n + 63) / 64;
	f->reach = cc_xcalloc(n * f->words + 1, sizeof *f->reach);
	for (i = 0; i < n; i++) {
		const struct cc_set *a = f->classes[i].rep;

		for (j = 0; j < n; j++) {
			const struct cc_set *b = f->classes[j].rep;
			struct cc_report *r;

			if (i == j || a->vendor != b->vendor ||
			    fleet_surely_blocked(f, a, b))
				continue;
			r = cc_diff(a, b, f->d, fleet_diff_opts());
			if (r->verdict != CC_VERDICT_INCOMPATIBLE)
				SETBIT(&f->reach[i * f->words], j);
			cc_report_free(r);
		}
	}
}

static void add_edge(struct cc_fleet *f, size_t *cap, size_t a, size_t b)
{
	if (f->nedges == *cap) {
		*cap = *cap ? *cap * 2 : 64;
		f->edges = cc_xrealloc(f->edges, *cap * sizeof *f->edges);
	}
	f->edges[f->nedges].from = a;
	f->edges[f->nedges].to = b;
	f->nedges++;
}

/* Cycles inside each group: members in order, the last back to the
 * first (a pair gets both directions). */
static void group_edges(struct cc_fleet *f, size_t *cap)
{
	size_t i, j;

	for (i = 0; i < f->nclasses; i++) {
		size_t prev = i, first = i, k = 0;

		if (f->classes[i].group != i)
			continue;
		for (j = i + 1; j < f->nclasses; j++) {
			if (f->classes[j].group != i)
				continue;
			add_edge(f, cap, prev, j);
			prev = j;
			k++;
		}
		if (k > 0)
			add_edge(f, cap, prev, first);
	}
}

/*
 * Closure (Warshall over bit rows), groups, and the reduction: an edge
 * between the leaders X and Y of two groups stays unless some third
 * leader Z has X ->* Z ->* Y.
 */
static void reduce(struct cc_fleet *f)
{
	size_t n = f->nclasses, w = f->words, i, j, k, cap = 0;
	uint64_t *c = cc_xmalloc((n * w + 1) * sizeof *c);
	uint64_t *t = cc_xcalloc(n * w + 1, sizeof *t);
	uint64_t *lead = cc_xcalloc(w + 1, sizeof *lead);

	memcpy(c, f->reach, n * w * sizeof *c);
	for (k = 0; k < n; k++)
		for (i = 0; i < n; i++)
			if (BIT(&c[i * w], k))
				for (j = 0; j < w; j++)
					c[i * w + j] |= c[k * w + j];
	for (i = 0; i < n; i++) {
		f->classes[i].group = i;
		for (j = 0; j < i; j++)
			if (BIT(&c[i * w], j) && BIT(&c[j * w], i)) {
				f->classes[i].group = f->classes[j].group;
				break;
			}
		if (f->classes[i].group == i)
			SETBIT(lead, i);
		for (j = 0; j < n; j++)
			if (BIT(&c[i * w], j))
				SETBIT(&t[j * w], i); /* t: who reaches j */
	}
	group_edges(f, &cap);
	for (i = 0; i < n; i++) {
		if (!BIT(lead, i))
			continue;
		for (j = 0; j < n; j++) {
			int implied = 0;

			if (j == i || !BIT(lead, j) || !BIT(&c[i * w], j))
				continue;
			for (k = 0; k < w && !implied; k++) {
				uint64_t z = c[i * w + k] & t[j * w + k] &
					     lead[k];

				if (k == i / 64)
					z &= ~(1ull << (i % 64));
				if (k == j / 64)
					z &= ~(1ull << (j % 64));
				implied = z != 0;
			}
			if (!implied)
				add_edge(f, &cap, i, j);
		}
	}
	free(c);
	free(t);
	free(lead);
}

/* The class whose guests can run on the most hosts (its own included). */
static void largest_group(struct cc_fleet *f)
{
	size_t i, j;

	f->largest = 0;
	f->largest_hosts = 0;
	for (i = 0; i < f->nclasses; i++) {
		size_t h = 0;

		for (j = 0; j < f->nclasses; j++)
			if (cc_fleet_reaches(f, i, j))
				h += f->classes[j].nhosts;
		if (h > f->largest_hosts) {
			f->largest = i;
			f->largest_hosts = h;
		}
	}
}

int cc_fleet_analyze(struct cc_fleet *f, struct cc_err *e)
{
	if (f->analyzed)
		return 0;
	if (f->nclasses == 0)
		return cc_errf(e, "fleet: no hosts");
	judge(f);
	reduce(f);
	largest_group(f);
	fleet_name_classes_nearest(f);
	if (fleet_vendor_baselines(f, e) < 0)
		return -1;
	f->analyzed = 1;
	return 0;
}
