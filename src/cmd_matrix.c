/*
 * `cpucompat matrix SOURCE...`: which guest can move to which host, for
 * a fleet (matrix.c computes the cells), as a grid of marks, CSV, or JSON
 * that names what blocks each pair; exit 1 if any pair cannot migrate.
 * The sources are grouped into classes first (matrix_class.c: in the
 * guest view, hosts whose guests see the same CPUID), and the grid is
 * class by class, with a legend naming each class and its sources; so a
 * fleet of 10,000 hosts of 200 views costs 200 x 200 cells.  --per-host
 * gives the grid of every pair of sources, as before classes.  A SOURCE
 * may be a directory (every file in it) or @LIST (one source a line).
 */
#include "config.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cc_buf.h"
#include "cc_json.h"
#include "cmd.h"
#include "fleet_input.h"
#include "guest.h"
#include "matrix.h"
#include "profile.h"
#include "report.h"

struct matrix_args {
	struct cmd_args c;
	const char *view; /* --view: "guest" (default) or "raw" */
	int per_host;     /* --per-host: a row and column per source */
};

#define TEXT_MEMBERS 6 /* sources named per class in text */

static const struct cmd_opt matrix_opts[] = {
	CMD_USE(cmd_opt_format,
		"text (default: a grid), json (what blocks "
		"each pair)\n"
		"or csv (a yes/no grid)",
		"text|json|csv"),
	CMD_USE(cmd_opt_output, NULL, NULL),
	CMD_OPT_CHOICES("view", 0, "VIEW", struct matrix_args, view,
			"guest (default): what a KVM guest sees, as\n"
			"check judges; raw: raw CPUID",
			"guest|raw"),
	CMD_OPT("per-host", 0, NULL, CMD_FLAG, struct matrix_args, per_host,
		"a row and column per SOURCE (default: per class of\n"
		"sources whose guests see the same CPUID)"),
	CMD_USE(cmd_opt_defs, NULL, NULL),
	CMD_USE(cmd_opt_input_format, NULL, NULL),
	CMD_USE(cmd_opt_cpu, NULL, NULL),
	CMD_USE(cmd_opt_help, NULL, NULL),
	CMD_END,
};

/* Names blocking cell (I, J), as a JSON array, into B. */
static void cell_json(struct cc_buf *b, const struct cc_matrix *m, size_t i,
		      size_t j)
{
	struct cc_blocker fixed[64], *bl = fixed;
	size_t n, x, y, count = 0;
	enum cc_cell cell = cc_matrix_cell(m, i, j);

	if (cell == CC_CELL_OK) {
		cc_buf_puts(b, "[]");
		return;
	}
	if (cell == CC_CELL_VENDOR) {
		cc_buf_puts(b, "[\"vendor\"]");
		return;
	}
	n = cc_matrix_blockers(m, i, j, fixed, 64);
	if (n > 64) {
		bl = cc_xmalloc(n * sizeof *bl);
		cc_matrix_blockers(m, i, j, bl, n);
	}
	cc_buf_puts(b, "[");
	for (x = 0; x < n; x++) {
		char pos[64];
		const char *name;

		if (bl[x].field != NULL) {
			name = bl[x].field->name;
			for (y = 0; y < x; y++)
				if (bl[y].field == bl[x].field)
					break;
			if (y < x)
				continue;
		} else {
			cmd_position(bl[x].leaf, bl[x].subleaf, bl[x].reg,
				     bl[x].lo, bl[x].hi, pos, sizeof pos);
			name = pos;
		}
		if (count++)
			cc_buf_puts(b, ", ");
		cc_json_put_string(b, name);
	}
	cc_buf_puts(b, "]");
	if (bl != fixed)
		free(bl);
}

/*
 * The distinct lists of what blocks a cell among the first N sets of M,
 * one per pair of M's classes: *IDX[a * nc + b] (nc = its classes) is
 * the index into *LISTS (*LISTS[0] is [], "can run") of classes a and b.
 * Returns the number of lists.  Free *IDX and *LISTS (put_lists does).
 */
static size_t blocker_lists(const struct cc_matrix *m, size_t n, size_t **idx,
			    struct cc_buf **lists)
{
	size_t nc = cc_matrix_nclasses(m), i, j, nlists = 1, k, nb = 64;
	size_t *rep = cc_xmalloc((nc + 1) * sizeof *rep), *bucket;

	*idx = cc_xmalloc((nc * nc + 1) * sizeof **idx);
	*lists = cc_xcalloc(nc * nc + 2, sizeof **lists);
	cc_buf_puts(&(*lists)[0], "[]");
	while (nb < 2 * nc * nc)
		nb *= 2;
	bucket = cc_xmalloc(nb * sizeof *bucket);
	for (i = 0; i < nb; i++)
		bucket[i] = SIZE_MAX;
	/* one representative set per class; distinct lists by hash */
	for (i = n; i-- > 0;)
		rep[cc_matrix_class(m, i)] = i;
	for (i = 0; i < nc; i++) {
		for (j = 0; j < nc; j++) {
			struct cc_buf *l = &(*lists)[nlists];
			uint64_t h = 14695981039346656037ull;

			if (cc_matrix_cell(m, rep[i], rep[j]) == CC_CELL_OK) {
				(*idx)[i * nc + j] = 0;
				continue;
			}
			cell_json(l, m, rep[i], rep[j]);
			for (k = 0; k < l->len; k++)
				h = (h ^ (unsigned char)l->data[k]) *
				    1099511628211ull;
			for (k = h & (nb - 1); bucket[k] != SIZE_MAX;
			     k = (k + 1) & (nb - 1)) {
				const struct cc_buf *o = &(*lists)[bucket[k]];

				if (o->len == l->len &&
				    memcmp(o->data, l->data, l->len) == 0)
					break;
			}
			if (bucket[k] == SIZE_MAX) {
				bucket[k] = nlists++;
			} else {
				cc_buf_free(l);
			}
			(*idx)[i * nc + j] = bucket[k];
		}
	}
	free(bucket);
	free(rep);
	return nlists;
}

/* LISTS[0..N) as the "blockers" array and the start of "cells"; frees
 * them. */
static void put_lists(struct cc_buf *b, struct cc_buf *lists, size_t n)
{
	size_t k;

	cc_buf_puts(b, "\n  ],\n  \"blockers\": [");
	for (k = 0; k < n; k++) {
		cc_buf_puts(b, k ? ",\n    " : "\n    ");
		cc_buf_add(b, lists[k].data, lists[k].len);
		cc_buf_free(&lists[k]);
	}
	cc_buf_puts(b, "\n  ],\n  \"cells\": [");
	free(lists);
}

/* The N x N cells of the first N sets of M, as indices IDX of
 * blocker_lists (freed), and the end of the JSON. */
static void put_cells(struct cc_buf *b, const struct cc_matrix *m, size_t *idx,
		      size_t n)
{
	size_t nc = cc_matrix_nclasses(m), i, j;

	for (i = 0; i < n; i++) {
		const size_t *row = idx + cc_matrix_class(m, i) * nc;

		cc_buf_puts(b, i ? ",\n    [" : "\n    [");
		for (j = 0; j < n; j++)
			cc_buf_printf(b, j ? ",%zu" : "%zu",
				      row[cc_matrix_class(m, j)]);
		cc_buf_puts(b, "]");
	}
	cc_buf_puts(b, "\n  ]\n}\n");
	free(idx);
}

/*
 * JSON for fleets: N x N cells hold an index into "blockers", the list of
 * distinct blocking-name lists (blockers[0] is [], "can run"), so that a
 * matrix of 1,000 hosts stays a few megabytes: the names blocking cell
 * (i, j) are blockers[cells[i][j]].
 */
static void matrix_json(struct cc_buf *b, const struct cc_matrix *m,
			char *const *specs, size_t n)
{
	size_t i, *idx;
	struct cc_buf *lists;
	size_t nlists = blocker_lists(m, n, &idx, &lists);

	cc_buf_puts(b,
		    "{\n  \"question\": \"can a guest of sources[i] run "
		    "on sources[j]? blockers[cells[i][j]] lists what stops "
		    "it; [] = yes\",\n  \"sources\": [");
	for (i = 0; i < n; i++) {
		cc_buf_puts(b, i ? ",\n    " : "\n    ");
		cc_json_put_string(b, specs[i]);
	}
	put_lists(b, lists, nlists);
	put_cells(b, m, idx, n);
}

static void csv_field(struct cc_buf *b, const char *s)
{
	if (strpbrk(s, ",\"\n\r") == NULL) {
		cc_buf_puts(b, s);
		return;
	}
	cc_buf_puts(b, "\"");
	for (; *s; s++) {
		if (*s == '"')
			cc_buf_puts(b, "\"");
		cc_buf_add(b, s, 1);
	}
	cc_buf_puts(b, "\"");
}

static void matrix_csv(struct cc_buf *b, const struct cc_matrix *m,
		       char *const *specs, size_t n)
{
	static const char *const word[] = {"yes", "no", "vendor"};
	size_t i, j;

	cc_buf_puts(b, "guest\\host");
	for (j = 0; j < n; j++) {
		cc_buf_puts(b, ",");
		csv_field(b, specs[j]);
	}
	cc_buf_puts(b, "\n");
	for (i = 0; i < n; i++) {
		csv_field(b, specs[i]);
		for (j = 0; j < n; j++) {
			cc_buf_puts(b, ",");
			cc_buf_puts(b, word[cc_matrix_cell(m, i, j)]);
		}
		cc_buf_puts(b, "\n");
	}
}

/* The digits of the largest of N row numbers. */
static int digits_of(size_t n)
{
	int digits = 1;
	unsigned long p;

	for (p = 10; p <= n - 1 && n > 1; p *= 10)
		digits++;
	return digits;
}

/* The width of the row numbers of a grid of N rows. */
static int grid_width(size_t n)
{
	return digits_of(n) < 5 ? 5 : digits_of(n);
}

/* The grid of marks of the first N sets of M: columns numbered
 * vertically, rows by number; CORNER labels the rows. */
static void grid(struct cc_buf *b, const struct cc_matrix *m, size_t n,
		 const char *corner)
{
	static const char mark[] = {'+', '-', 'v'};
	int digits = digits_of(n), w = grid_width(n), i;
	size_t r, j;
	unsigned long p;

	for (p = 1, i = 1; i < digits; i++)
		p *= 10;
	for (; p >= 1; p /= 10) {
		cc_buf_printf(b, "%*s  ", w, p == 1 ? corner : "");
		for (j = 0; j < n; j++) {
			char digit = (char)('0' + j / p % 10);

			cc_buf_add(b, j < p && p > 1 ? " " : &digit, 1);
		}
		cc_buf_puts(b, "\n");
		if (p == 1)
			break;
	}
	for (r = 0; r < n; r++) {
		cc_buf_printf(b, "%*zu  ", w, r);
		for (j = 0; j < n; j++)
			cc_buf_add(b, &mark[cc_matrix_cell(m, r, j)], 1);
		cc_buf_puts(b, "\n");
	}
}

static void matrix_text(struct cc_buf *b, const struct cc_matrix *m,
			struct cc_set *const *sets, char *const *specs,
			size_t n, size_t ok)
{
	size_t i;
	int w = grid_width(n);

	cc_buf_printf(b,
		      "Can a guest of row i run on host column j?  + yes, - "
		      "no, v vendor mismatch\n\n");
	grid(b, m, n, "guest");
	cc_buf_puts(b, "\nsources:\n");
	for (i = 0; i < n; i++) {
		char label[128];

		cc_report_set_title(sets[i], label, sizeof label);
		cc_buf_printf(b, "%*zu  %s", w, i, specs[i]);
		if (strcmp(label, specs[i]) != 0)
			cc_buf_printf(b, " (%s)", label);
		cc_buf_puts(b, "\n");
	}
	cc_buf_printf(b,
		      "\n%zu of %zu pairs can migrate (%zu distinct CPUID "
		      "sets); 'cpucompat check A B' names what blocks a "
		      "pair, -f json lists it for every pair\n",
		      ok, n * n, cc_matrix_nclasses(m));
}

/* ------------------------------------------------------------ classes */

/* The sources of class C, space-separated, at most MOST unless 0. */
static void members(struct cc_buf *b, const struct cc_matrix_classes *g,
		    const struct cc_matrix_class *c, size_t most)
{
	size_t i;

	for (i = 0; i < c->nmembers && (most == 0 || i < most); i++)
		cc_buf_printf(b, "%s%s", i ? " " : "", g->specs[c->members[i]]);
	if (i < c->nmembers)
		cc_buf_printf(b, " (+%zu more)", c->nmembers - i);
}

/* Source pairs of G that can migrate, by M's cells between classes. */
static size_t ok_pairs(const struct cc_matrix *m,
		       const struct cc_matrix_classes *g, size_t *okc)
{
	size_t i, j, ok = 0;

	*okc = 0;
	for (i = 0; i < g->nclasses; i++)
		for (j = 0; j < g->nclasses; j++) {
			if (cc_matrix_cell(m, i, j) != CC_CELL_OK)
				continue;
			(*okc)++;
			ok += g->classes[i].nmembers * g->classes[j].nmembers;
		}
	return ok;
}

static void class_text(struct cc_buf *b, const struct cc_matrix *m,
		       const struct cc_matrix_classes *g, int raw)
{
	size_t k, n = g->nclasses, okc, ok = ok_pairs(m, g, &okc);
	int w = grid_width(n);

	cc_buf_printf(b,
		      "Can a guest of class i run on a host of class j?  + "
		      "yes, - no, v vendor mismatch\n"
		      "(%zu source%s in %zu class%s of equal %s CPUID; "
		      "--per-host for a row per source)\n\n",
		      g->nsources, g->nsources == 1 ? "" : "s", n,
		      n == 1 ? "" : "es", raw ? "raw" : "guest");
	grid(b, m, n, "class");
	cc_buf_puts(b, "\nclasses:\n");
	for (k = 0; k < n; k++) {
		const struct cc_matrix_class *c = &g->classes[k];

		cc_buf_printf(b, "%*zu  %zu source%s  %s", w, k, c->nmembers,
			      c->nmembers == 1 ? "" : "s", c->name);
		if (c->profile != NULL)
			cc_buf_printf(b, "  [runs profile:%s]", c->profile);
		cc_buf_printf(b, "\n%*s", w + 2, "");
		members(b, g, c, TEXT_MEMBERS);
		cc_buf_puts(b, "\n");
	}
	cc_buf_printf(b,
		      "\n%zu of %zu class pairs can migrate, %zu of %zu "
		      "source pairs; 'cpucompat check A B' names what blocks "
		      "a pair, -f json lists it for every pair\n",
		      okc, n * n, ok, g->nsources * g->nsources);
}

static void class_json(struct cc_buf *b, const struct cc_matrix *m,
		       const struct cc_matrix_classes *g, int raw)
{
	size_t n = g->nclasses, i, j, *idx;
	struct cc_buf *lists;
	size_t nlists = blocker_lists(m, n, &idx, &lists);

	cc_buf_printf(b,
		      "{\n  \"question\": \"can a guest of classes[i] run "
		      "on a host of classes[j]? blockers[cells[i][j]] lists "
		      "what stops it; [] = yes\",\n  \"view\": \"%s\",\n"
		      "  \"sources\": %zu,\n  \"classes\": [",
		      raw ? "raw" : "guest", g->nsources);
	for (i = 0; i < n; i++) {
		const struct cc_matrix_class *c = &g->classes[i];

		cc_buf_printf(b, "%s{\"id\": %zu, \"name\": ",
			      i ? ",\n    " : "\n    ", i);
		cc_json_put_string(b, c->name);
		cc_buf_puts(b, ", \"profile\": ");
		if (c->profile != NULL)
			cc_json_put_string(b, c->profile);
		else
			cc_buf_puts(b, "null");
		cc_buf_printf(b, ", \"count\": %zu, \"hosts\": [", c->nmembers);
		for (j = 0; j < c->nmembers; j++) {
			if (j)
				cc_buf_puts(b, ", ");
			cc_json_put_string(b, g->specs[c->members[j]]);
		}
		cc_buf_puts(b, "]}");
	}
	put_lists(b, lists, nlists);
	put_cells(b, m, idx, n);
}

/* A row per class: its number, name, source count, the cells, then its
 * sources (space-separated) in the last column. */
static void class_csv(struct cc_buf *b, const struct cc_matrix *m,
		      const struct cc_matrix_classes *g)
{
	static const char *const word[] = {"yes", "no", "vendor"};
	size_t i, j, n = g->nclasses;
	struct cc_buf l;

	cc_buf_puts(b, "class,name,sources");
	for (j = 0; j < n; j++)
		cc_buf_printf(b, ",%zu", j);
	cc_buf_puts(b, ",members\n");
	for (i = 0; i < n; i++) {
		const struct cc_matrix_class *c = &g->classes[i];

		cc_buf_printf(b, "%zu,", i);
		csv_field(b, c->name);
		cc_buf_printf(b, ",%zu", c->nmembers);
		for (j = 0; j < n; j++) {
			cc_buf_puts(b, ",");
			cc_buf_puts(b, word[cc_matrix_cell(m, i, j)]);
		}
		cc_buf_puts(b, ",");
		cc_buf_init(&l);
		members(&l, g, c, 0);
		csv_field(b, l.data != NULL ? l.data : "");
		cc_buf_free(&l);
		cc_buf_puts(b, "\n");
	}
}

/* --------------------------------------------------------------- run */

/* Write B to A's output; the status: STATUS, or 2 after the error. */
static int save(struct cc_buf *b, const struct cmd_args *a, int status)
{
	struct cc_err e;
	int rc = cc_buf_save(b, a->output, &e) < 0 ? cmd_fail(&e) : status;

	cc_buf_free(b);
	return rc;
}

/* The matrix of every pair of SETS (named SPECS), as before classes. */
static int per_host(const struct matrix_args *ma, const struct cc_defs *d,
		    struct cc_set **sets, char **specs, size_t n)
{
	const struct cmd_args *a = &ma->c;
	struct cc_matrix *m;
	struct cc_buf b;
	size_t i, j, ok = 0;
	int rc;

	m = cc_matrix_new_view((const struct cc_set *const *)sets, n, d,
			       cc_view_parse(ma->view));
	for (i = 0; i < n; i++)
		for (j = 0; j < n; j++)
			ok += cc_matrix_cell(m, i, j) == CC_CELL_OK;
	cc_buf_init(&b);
	if (strcmp(a->format, "json") == 0)
		matrix_json(&b, m, specs, n);
	else if (strcmp(a->format, "csv") == 0)
		matrix_csv(&b, m, specs, n);
	else
		matrix_text(&b, m, sets, specs, n, ok);
	rc = save(&b, a, ok == n * n ? CC_EXIT_OK : CC_EXIT_DIFF);
	cc_matrix_free(m);
	return rc;
}

/* The matrix of the classes of SPECS[0..N), loaded one at a time. */
static int per_class(const struct matrix_args *ma, const struct cc_defs *d,
		     char **specs, size_t n)
{
	const struct cmd_args *a = &ma->c;
	int view = cc_view_parse(ma->view), raw = view != CC_VIEW_GUEST, rc;
	struct cc_matrix_classes *g = cc_matrix_classes_new(d, view);
	struct cc_matrix *m;
	struct cc_buf b;
	size_t i, okc;

	for (i = 0; i < n; i++) {
		struct cc_set *s = cmd_load(specs[i], &a->so);

		if (s == NULL) {
			cc_matrix_classes_free(g);
			return CC_EXIT_ERROR;
		}
		cc_matrix_classes_add(g, s, specs[i]);
	}
	cc_matrix_classes_name(g);
	m = cc_matrix_new_view(g->reps, g->nclasses, d, view);
	ok_pairs(m, g, &okc);
	cc_buf_init(&b);
	if (strcmp(a->format, "json") == 0)
		class_json(&b, m, g, raw);
	else if (strcmp(a->format, "csv") == 0)
		class_csv(&b, m, g);
	else
		class_text(&b, m, g, raw);
	rc = save(&b, a,
		  okc == g->nclasses * g->nclasses ? CC_EXIT_OK : CC_EXIT_DIFF);
	cc_matrix_free(m);
	cc_matrix_classes_free(g);
	return rc;
}

/* OPS[0..N) with directories and @lists expanded into *SP (fleet_input.h;
 * "-" stays one source on standard input, as in every other command).
 * CMD_GO, or the status after the error. */
static int expand(const struct cmd *self, char **ops, size_t n,
		  struct fleet_specs *sp)
{
	struct cc_err e;
	size_t i, stdin_uses = 0;

	for (i = 0; i < n; i++) {
		if (strcmp(ops[i], "-") != 0) {
			if (fleet_specs_add(sp, ops[i], &e) < 0)
				return cmd_fail(&e);
			continue;
		}
		if (sp->n == sp->cap) {
			sp->cap = sp->cap ? 2 * sp->cap : 64;
			sp->v = cc_xrealloc(sp->v, sp->cap * sizeof *sp->v);
		}
		sp->v[sp->n++] = cc_xstrdup("-");
	}
	for (i = 0; i < sp->n; i++)
		stdin_uses += strcmp(sp->v[i], "-") == 0;
	if (stdin_uses > 1)
		return cmd_usage(self, "only one source can be standard input");
	if (sp->n == 0)
		return cmd_usage(self,
				 "no SOURCE in the directories and lists");
	return CMD_GO;
}

/* The matrix of OPS[0..N) rendered and written; the status. */
static int matrix(const struct cmd *self, void *args, const struct cc_defs *d,
		  struct cc_set **unused, char **ops, size_t n)
{
	const struct matrix_args *ma = args;
	struct fleet_specs sp = {NULL, 0, 0};
	struct cc_set **sets;
	int rc = expand(self, ops, n, &sp);

	if (rc != CMD_GO) {
		/* usage and list errors */
	} else if (!ma->per_host) {
		rc = per_class(ma, d, sp.v, sp.n);
	} else if ((sets = cmd_load_all(self, sp.v, sp.n, &ma->c.so)) == NULL) {
		rc = CC_EXIT_ERROR;
	} else {
		rc = per_host(ma, d, sets, sp.v, sp.n);
		cmd_free_all(sets, sp.n);
	}
	fleet_specs_free(&sp);
	return rc;
}

static const struct cmd_sources matrix_sources = {
	.min = 1,
	.count = "expected at least one SOURCE",
	.run = matrix,
};

static int run_matrix(const struct cmd *self, int argc, char **argv)
{
	struct matrix_args a = {.c = {.so = {NULL, -1}, .format = "text"},
				.view = "guest"};

	return cmd_run_sources(self, argc, argv, &a, &matrix_sources);
}

const struct cmd cmd_matrix = {
	.name = "matrix",
	.synopsis = "SOURCE... [-f text|json|csv] [--per-host] [-o FILE]",
	.summary =
		"Which guest can run on which host, per class of SOURCEs "
		"(exit 1 if any cannot).",
	.opts = matrix_opts,
	.run = run_matrix,
};
