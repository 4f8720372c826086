/*
 * Fleet renderers (fleet_out.c): an analysed fleet (cc_fleet_analyze) as
 * text, JSON (schema "cpucompat-fleet/1", documented in cpucompat(5)) and
 * Graphviz DOT, and the scheduler labels of its hosts (fleet_labels.c).
 * They only read the fleet and append to B.
 */
#ifndef FLEET_OUT_H
#define FLEET_OUT_H

#include <stddef.h>

#include "cc_buf.h"
#include "fleet.h"

/* For a person; ALL names every host (else a few per class).  NBAD is
 * how many inputs could not join (reported elsewhere, counted here). */
void fleet_text(struct cc_buf *b, const struct cc_fleet *f, size_t nbad,
		int all);
void fleet_json(struct cc_buf *b, const struct cc_fleet *f, size_t nbad);
void fleet_dot(struct cc_buf *b, const struct cc_fleet *f);

/* One line: INDENT spaces, then the hosts of classes CLS[0..N) separated
 * by spaces, at most MOST of them unless ALL, then " (+K more)". */
void fleet_text_hosts(struct cc_buf *b, const struct cc_fleet *f,
		      const size_t *cls, size_t n, int all, size_t most,
		      int indent);

/*
 * Kubernetes node labels in KubeVirt's convention, per host:
 *   cpu-vendor.node.kubevirt.io/Intel=true
 *   cpu-model.node.kubevirt.io/PROFILE=true   every bundled profile the
 *                                             host's class can run
 *   cpu-feature.node.kubevirt.io/NAME=true    every feature flag its
 *                                             guests see (libvirt names)
 * Text: one line per host, "HOST LABEL=true LABEL=true ..." (ready for
 * `kubectl label node`); JSON: {"schema": "cpucompat-labels/1", "hosts":
 * [{"host": ..., "labels": {...}}]}.
 */
void fleet_labels(struct cc_buf *b, const struct cc_fleet *f, int json);

/* Is NAME a valid Kubernetes label key (optional DNS-subdomain prefix of
 * at most 253 characters and "/", then a name of 1..63 characters of
 * [A-Za-z0-9._-] starting and ending alphanumeric)? */
int fleet_label_valid(const char *name);

#endif
