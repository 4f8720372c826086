/*
 * libvirt's CPU descriptions, read and written as CPUID profiles (format
 * "libvirt-cpu").  Four documents are read, told apart by their root:
 *
 *   <capabilities>        `virsh capabilities`: the host's <host><cpu>
 *                         (model, vendor, signature, microcode, extra
 *                         features)
 *   <domainCapabilities>  `virsh domcapabilities`: the <cpu><mode
 *                         name='host-model'> block (model, vendor,
 *                         maxphysaddr, required and disabled features)
 *   <domain>              a domain XML's <cpu mode='custom'>
 *   <cpu>                 a bare <cpu>, as `virsh hypervisor-cpu-baseline`
 *                         prints it and as this format writes it
 *
 * A libvirt model name is QEMU's name or one of its aliases, so the model
 * resolves to the bundled QEMU 7.2 profile (profile_names_find): the set
 * has the CPUID QEMU 7.2 gives that model, not libvirt's cpu_map
 * definition of it, which differs a little.  Features go through
 * qemu_feature_find/qemu_feature_apply: require and force fix the bit to
 * 1, disable and forbid to 0, optional leaves it to the host, and so does
 * match='minimum' for every feature bit the model lacks and the XML does
 * not disable.  Names resolve in the built-in field database.  The
 * XML's vendor, signature (family, model, stepping) and maxphysaddr bits
 * override the model's.  host-passthrough, maximum and a domain's
 * host-model depend on the host the guest starts on and are refused with
 * what to compare instead.  Every error names the file and expat's line.
 *
 * The writer says a set as <cpu mode='custom' match='exact'>: the libvirt
 * name of the nearest QEMU model (qemu_model_nearest; of that model's
 * libvirt names, or of all libvirt models when libvirt has no name for
 * it, the one whose reading differs least from the set), the
 * vendor, the address width, and every CPUID and MSR feature libvirt 9.0
 * knows: required when the set has it, disabled when it lacks it,
 * optional when it leaves it to the host.  Listing them all makes the
 * XML exact for those features whatever libvirt's own definition of the
 * model holds, which cpucompat does not know.  Comments name the QEMU
 * model version and what the XML cannot say, found by reading the XML
 * back (the named model with the features applied) and comparing.
 */
#include "config.h"

#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <expat.h>

#include "defs.h"
#include "fmt.h"
#include "fmt_xml.h"
#include "profile_names.h"
#include "qemu_model.h"
#include "source.h"

#define LC_TEXT_MAX 128 /* longest model, vendor or arch text */
#define LC_MAX_FEATURES 1024
#define LC_PATH_DEPTH 4 /* element names kept for locating the <cpu> */
#define LC_NAME_MAX 32
#define LC_DETECT_SCAN 65536
/* leaf 1 EAX: stepping, model, family, extended model and family */
#define LC_FMS_MASK 0x0fff0fffu

enum lc_doc { LC_BARE, LC_DOMAIN, LC_CAPS, LC_DOMCAPS };

static const char *const lc_doc_what[] = {
	"libvirt <cpu>",
	"libvirt domain <cpu>",
	"virsh capabilities host <cpu>",
	"virsh domcapabilities host-model",
};

enum lc_policy { LC_REQUIRE, LC_FORCE, LC_OPTIONAL, LC_DISABLE, LC_FORBID };

static const char *const lc_policies[] = {"require", "force",  "optional",
					  "disable", "forbid", NULL};

enum lc_text { LC_T_NONE, LC_T_MODEL, LC_T_VENDOR, LC_T_ARCH };

struct lc_feature {
	char *name;
	int policy; /* enum lc_policy */
	unsigned long line;
};

/* What the document says about its CPU, before it is resolved. */
struct lc_cpu {
	enum lc_doc doc;
	int found;          /* the CPU element was seen */
	unsigned long line; /* of the CPU element */
	int minimum;        /* match='minimum' */
	char model[LC_TEXT_MAX];
	unsigned long model_line;
	char vendor_id[13]; /* <model vendor_id='...'> */
	char vendor[LC_TEXT_MAX];
	unsigned long vendor_line;
	char arch[LC_TEXT_MAX];
	unsigned long arch_line;
	int has_sig;
	unsigned long family, model_no, stepping;
	int has_phys;
	unsigned long phys_bits;
	char microcode[24];
	char tsc[32];
	char topology[96];
	struct lc_feature *feat;
	size_t nfeat, cap;
};

struct lc_ctx {
	struct fmt_xml x; /* the parser, the file, the first error, the depth */
	int cdepth;       /* depth of the CPU element while inside it, else 0 */
	unsigned long root_line;
	char path[LC_PATH_DEPTH + 1][LC_NAME_MAX];
	enum lc_text text;     /* which text is being collected */
	char buf[LC_TEXT_MAX]; /* the text so far */
	size_t blen;
	struct lc_cpu cpu;
};

/* Attribute KEY of EL as an unsigned number (decimal, or hex with 0x)
 * into *V; 0 when absent (*V untouched), 1 when read, -1 on error. */
static int num_attr(struct lc_ctx *c, const char *el, const XML_Char **atts,
		    const char *key, unsigned long *v)
{
	const char *s = fmt_xml_attr(atts, key);
	char *end;

	if (s == NULL)
		return 0;
	errno = 0;
	*v = strtoul(s, &end, 0);
	if (*s < '0' || *s > '9' || *end != '\0' || errno != 0 ||
	    *v > UINT32_MAX) {
		fmt_xml_fail(&c->x,
			     "<%s %s='%s'>: expected an unsigned 32-bit number",
			     el, key, s);
		return -1;
	}
	return 1;
}

/* The CPU element's own attributes: mode and match. */
static void cpu_start(struct lc_ctx *c, const XML_Char **atts)
{
	const char *mode = fmt_xml_attr(atts, "mode"),
		   *match = fmt_xml_attr(atts, "match");

	c->cdepth = c->x.depth;
	c->cpu.found = 1;
	c->cpu.line = fmt_xml_line(&c->x);
	if (c->cpu.doc == LC_CAPS || c->cpu.doc == LC_DOMCAPS)
		return;
	if (mode == NULL || strcmp(mode, "custom") == 0)
		;
	else if (strcmp(mode, "host-passthrough") == 0)
		fmt_xml_fail(
			&c->x,
			"<cpu mode='host-passthrough'>: the guest sees the "
			"host's own CPUID; compare against `host` or `kvm` "
			"on that host");
	else if (strcmp(mode, "maximum") == 0)
		fmt_xml_fail(&c->x,
			     "<cpu mode='maximum'>: the guest sees everything "
			     "the hypervisor can offer; compare against `kvm` "
			     "on that host");
	else if (strcmp(mode, "host-model") == 0)
		fmt_xml_fail(
			&c->x,
			"<cpu mode='host-model'>: libvirt picks the model "
			"from the host the guest starts on; read `virsh "
			"domcapabilities` of that host instead, or the "
			"running domain's XML (`virsh dumpxml`), which says "
			"mode='custom'");
	else
		fmt_xml_fail(&c->x,
			     "<cpu mode='%s'>: unknown mode (expected custom, "
			     "host-model, host-passthrough or maximum)",
			     mode);
	if (match == NULL || strcmp(match, "exact") == 0 ||
	    strcmp(match, "strict") == 0)
		return;
	if (strcmp(match, "minimum") == 0)
		c->cpu.minimum = 1;
	else
		fmt_xml_fail(
			&c->x,
			"<cpu match='%s'>: unknown match (expected minimum, "
			"exact or strict)",
			match);
}

/* Is the element EL (at the current depth) the CPU of the document? */
static int is_cpu(struct lc_ctx *c, const char *el, const XML_Char **atts)
{
	const char *name;

	switch (c->cpu.doc) {
	case LC_BARE:
		return c->x.depth == 1;
	case LC_DOMAIN:
		return c->x.depth == 2 && strcmp(el, "cpu") == 0;
	case LC_CAPS:
		return c->x.depth == 3 && strcmp(el, "cpu") == 0 &&
		       strcmp(c->path[2], "host") == 0;
	case LC_DOMCAPS:
		name = fmt_xml_attr(atts, "name");
		if (c->x.depth != 3 || strcmp(el, "mode") != 0 ||
		    strcmp(c->path[2], "cpu") != 0 || name == NULL ||
		    strcmp(name, "host-model") != 0)
			return 0;
		name = fmt_xml_attr(atts, "supported");
		if (name != NULL && strcmp(name, "yes") != 0) {
			fmt_xml_fail(&c->x,
				     "<mode name='host-model' supported='%s'>: "
				     "this hypervisor offers no host-model CPU",
				     name);
			return 0;
		}
		return 1;
	}
	return 0;
}

static void root_start(struct lc_ctx *c, const char *el)
{
	if (strcmp(el, "cpu") == 0)
		c->cpu.doc = LC_BARE;
	else if (strcmp(el, "domain") == 0)
		c->cpu.doc = LC_DOMAIN;
	else if (strcmp(el, "capabilities") == 0)
		c->cpu.doc = LC_CAPS;
	else if (strcmp(el, "domainCapabilities") == 0)
		c->cpu.doc = LC_DOMCAPS;
	else
		fmt_xml_fail(&c->x,
			     "expected the root element <cpu>, <domain>, "
			     "<capabilities> or <domainCapabilities>, got <%s>",
			     el);
}

static void feature_start(struct lc_ctx *c, const XML_Char **atts)
{
	const char *name = fmt_xml_attr(atts, "name"),
		   *pol = fmt_xml_attr(atts, "policy");
	struct lc_feature *f;
	int p = LC_REQUIRE;

	if (name == NULL || *name == '\0') {
		fmt_xml_fail(&c->x, "<feature> lacks attribute name='...'");
		return;
	}
	if (pol != NULL) {
		for (p = 0; lc_policies[p] != NULL; p++)
			if (strcmp(lc_policies[p], pol) == 0)
				break;
		if (lc_policies[p] == NULL) {
			fmt_xml_fail(
				&c->x,
				"<feature policy='%s' name='%s'>: unknown "
				"policy (expected require, force, optional, "
				"disable or forbid)",
				pol, name);
			return;
		}
	}
	if (c->cpu.nfeat == LC_MAX_FEATURES) {
		fmt_xml_fail(&c->x, "more than %d <feature> elements",
			     LC_MAX_FEATURES);
		return;
	}
	if (c->cpu.nfeat == c->cpu.cap) {
		c->cpu.cap = c->cpu.cap ? 2 * c->cpu.cap : 64;
		c->cpu.feat = cc_xrealloc(c->cpu.feat,
					  c->cpu.cap * sizeof *c->cpu.feat);
	}
	f = &c->cpu.feat[c->cpu.nfeat++];
	f->name = cc_xstrdup(name);
	f->policy = p;
	f->line = fmt_xml_line(&c->x);
}

static void signature_start(struct lc_ctx *c, const XML_Char **atts)
{
	struct lc_cpu *u = &c->cpu;

	if (num_attr(c, "signature", atts, "family", &u->family) != 1 ||
	    num_attr(c, "signature", atts, "model", &u->model_no) != 1 ||
	    num_attr(c, "signature", atts, "stepping", &u->stepping) != 1) {
		fmt_xml_fail(&c->x,
			     "<signature> needs family, model and stepping");
		return;
	}
	if (u->family > 0xff + 0xf || u->model_no > 0xff || u->stepping > 0xf) {
		fmt_xml_fail(
			&c->x,
			"<signature family='%lu' model='%lu' stepping='%lu'>: "
			"out of range for CPUID leaf 1",
			u->family, u->model_no, u->stepping);
		return;
	}
	u->has_sig = 1;
}

static void physaddr_start(struct lc_ctx *c, const XML_Char **atts)
{
	const char *mode = fmt_xml_attr(atts, "mode");
	int r;

	if (mode == NULL || (strcmp(mode, "emulate") != 0 &&
			     strcmp(mode, "passthrough") != 0)) {
		fmt_xml_fail(
			&c->x,
			"<maxphysaddr>: mode must be emulate or passthrough");
		return;
	}
	r = num_attr(c, "maxphysaddr", atts, "bits", &c->cpu.phys_bits);
	if (r == 1 && (c->cpu.phys_bits == 0 || c->cpu.phys_bits > 0xff)) {
		fmt_xml_fail(&c->x,
			     "<maxphysaddr bits='%lu'>: out of range (1-255)",
			     c->cpu.phys_bits);
		return;
	}
	c->cpu.has_phys = r == 1;
}

/* Metadata elements of the host CPU: microcode, TSC counter, topology. */
static void meta_start(struct lc_ctx *c, const char *el, const XML_Char **atts)
{
	unsigned long a = 0, b = 0, d = 0, t = 0;

	if (strcmp(el, "microcode") == 0) {
		if (num_attr(c, el, atts, "version", &a) == 1)
			snprintf(c->cpu.microcode, sizeof c->cpu.microcode,
				 "0x%lx", a);
	} else if (strcmp(el, "counter") == 0) {
		const char *n = fmt_xml_attr(atts, "name");

		if (n != NULL && strcmp(n, "tsc") == 0 &&
		    num_attr(c, el, atts, "frequency", &a) == 1)
			snprintf(c->cpu.tsc, sizeof c->cpu.tsc, "%lu", a);
	} else if (strcmp(el, "topology") == 0) {
		if (num_attr(c, el, atts, "sockets", &a) < 0 ||
		    num_attr(c, el, atts, "dies", &d) < 0 ||
		    num_attr(c, el, atts, "cores", &b) < 0 ||
		    num_attr(c, el, atts, "threads", &t) < 0)
			return;
		snprintf(c->cpu.topology, sizeof c->cpu.topology,
			 "sockets=%lu dies=%lu cores=%lu threads=%lu", a,
			 d ? d : 1, b, t);
	}
}

/* A child of the CPU element. */
static void child_start(struct lc_ctx *c, const char *el, const XML_Char **atts)
{
	if (strcmp(el, "model") == 0) {
		const char *v = fmt_xml_attr(atts, "vendor_id");

		if (v != NULL && strlen(v) != 12) {
			fmt_xml_fail(
				&c->x,
				"<model vendor_id='%s'>: a vendor string has "
				"12 characters",
				v);
			return;
		}
		if (v != NULL)
			memcpy(c->cpu.vendor_id, v, 13);
		c->text = LC_T_MODEL;
		c->cpu.model_line = fmt_xml_line(&c->x);
	} else if (strcmp(el, "vendor") == 0) {
		c->text = LC_T_VENDOR;
		c->cpu.vendor_line = fmt_xml_line(&c->x);
	} else if (strcmp(el, "arch") == 0) {
		c->text = LC_T_ARCH;
		c->cpu.arch_line = fmt_xml_line(&c->x);
	} else if (strcmp(el, "feature") == 0) {
		feature_start(c, atts);
	} else if (strcmp(el, "signature") == 0) {
		signature_start(c, atts);
	} else if (strcmp(el, "maxphysaddr") == 0) {
		physaddr_start(c, atts);
	} else {
		meta_start(c, el, atts);
	}
	c->blen = 0;
}

static void XMLCALL lc_start(void *data, const XML_Char *el,
			     const XML_Char **atts)
{
	struct lc_ctx *c = data;

	if (c->x.depth <= LC_PATH_DEPTH)
		snprintf(c->path[c->x.depth], LC_NAME_MAX, "%s", el);
	if (c->x.depth == 1) {
		c->root_line = fmt_xml_line(&c->x);
		root_start(c, el);
	}
	if (c->x.failed)
		return;
	if (c->cdepth == 0 && !c->cpu.found && is_cpu(c, el, atts)) {
		cpu_start(c, atts);
		return;
	}
	if (c->cdepth != 0 && c->x.depth == c->cdepth + 1) {
		child_start(c, el, atts);
		return;
	}
	/* the arch outside the CPU: domcapabilities' <arch>, a domain's
	 * <os><type arch='...'> */
	if (c->cpu.doc == LC_DOMCAPS && c->x.depth == 2 &&
	    strcmp(el, "arch") == 0) {
		c->text = LC_T_ARCH;
		c->cpu.arch_line = fmt_xml_line(&c->x);
		c->blen = 0;
	} else if (c->cpu.doc == LC_DOMAIN && c->x.depth == 3 &&
		   strcmp(el, "type") == 0 && strcmp(c->path[2], "os") == 0 &&
		   fmt_xml_attr(atts, "arch") != NULL) {
		snprintf(c->cpu.arch, sizeof c->cpu.arch, "%s",
			 fmt_xml_attr(atts, "arch"));
		c->cpu.arch_line = fmt_xml_line(&c->x);
	}
}

/* Store the collected text, trimmed, where it belongs. */
static void text_end(struct lc_ctx *c)
{
	char *dst = c->text == LC_T_MODEL    ? c->cpu.model
		    : c->text == LC_T_VENDOR ? c->cpu.vendor
					     : c->cpu.arch;
	size_t s, n = fmt_xml_trim(c->buf, c->blen, &s);

	memcpy(dst, c->buf + s, n);
	dst[n] = '\0';
	c->text = LC_T_NONE;
}

static void XMLCALL lc_end(void *data, const XML_Char *el)
{
	struct lc_ctx *c = data;

	(void)el;
	if (c->text != LC_T_NONE)
		text_end(c);
	if (c->x.depth == c->cdepth)
		c->cdepth = 0;
}

static void XMLCALL lc_chars(void *data, const XML_Char *s, int len)
{
	struct lc_ctx *c = data;

	if (c->text == LC_T_NONE || len <= 0)
		return;
	if (c->blen + (size_t)len >= sizeof c->buf) {
		fmt_xml_fail(&c->x, "element text longer than %d characters",
			     LC_TEXT_MAX - 1);
		return;
	}
	memcpy(c->buf + c->blen, s, (size_t)len);
	c->blen += (size_t)len;
}

/* Skip an XML declaration, comments and a DOCTYPE at *I; 0 when the next
 * thing is not one of them. */
static int skip_prolog_item(const char *buf, size_t len, size_t *i)
{
	const char *end;
	const char *close = NULL;

	if (*i + 4 <= len && memcmp(buf + *i, "<!--", 4) == 0)
		close = "-->";
	else if (*i + 2 <= len && memcmp(buf + *i, "<?", 2) == 0)
		close = "?>";
	else if (*i + 9 <= len && memcmp(buf + *i, "<!DOCTYPE", 9) == 0)
		close = ">";
	if (close == NULL)
		return 0;
	end = memmem(buf + *i, len - *i, close, strlen(close));
	if (end == NULL)
		return 0;
	*i = (size_t)(end - buf) + strlen(close);
	return 1;
}

static int libvirt_cpu_detect(const char *buf, size_t len)
{
	static const char *const roots[] = {"cpu", "domain", "capabilities",
					    "domainCapabilities"};
	size_t i = 0, k, n;

	if (len > LC_DETECT_SCAN)
		len = LC_DETECT_SCAN;
	if (len >= 3 && memcmp(buf, "\xef\xbb\xbf", 3) == 0)
		i = 3; /* UTF-8 byte order mark */
	for (;;) {
		while (i < len && (fmt_is_blank(buf[i]) || buf[i] == '\n'))
			i++;
		if (!skip_prolog_item(buf, len, &i))
			break;
	}
	if (i >= len || buf[i] != '<')
		return 0;
	for (k = 0; k < sizeof roots / sizeof roots[0]; k++) {
		n = strlen(roots[k]);
		if (i + 1 + n < len && memcmp(buf + i + 1, roots[k], n) == 0 &&
		    (fmt_is_blank(buf[i + 1 + n]) || buf[i + 1 + n] == '\n' ||
		     buf[i + 1 + n] == '>' || buf[i + 1 + n] == '/'))
			return 1;
	}
	return 0;
}

static void lc_cpu_free(struct lc_cpu *u)
{
	size_t i;

	for (i = 0; i < u->nfeat; i++)
		free(u->feat[i].name);
	free(u->feat);
}

/* Parse BUF, the file NAME, into C->cpu; -1 and E on a parse error or a
 * refused mode. */
static int lc_parse(struct lc_ctx *c, const char *buf, size_t len,
		    const char *name, struct cc_err *e)
{
	static const struct fmt_xml_handlers h = {
		.start = lc_start,
		.end = lc_end,
		.chars = lc_chars,
	};

	return fmt_xml_parse(&c->x, &h, c, buf, len, name, e);
}

/* ------------------------------------------------------------ resolving */

/* Is the document's CPU usable: found, x86, with a model? */
static int lc_check(const struct lc_ctx *c)
{
	const struct lc_cpu *u = &c->cpu;

	if (!u->found)
		return cc_errf(c->x.e, "%s:%lu: %s", c->x.name, c->root_line,
			       u->doc == LC_DOMAIN
				       ? "the domain has no <cpu>: the guest "
					 "gets QEMU's default model (qemu64 on "
					 "x86); compare profile:qemu64"
			       : u->doc == LC_CAPS
				       ? "no <host><cpu> in these capabilities"
				       : "no <cpu><mode name='host-model'> in "
					 "these domain capabilities");
	if (u->arch[0] != '\0' && strcmp(u->arch, "x86_64") != 0 &&
	    strcmp(u->arch, "i686") != 0)
		return cc_errf(c->x.e,
			       "%s:%lu: arch '%s': only x86 (x86_64, i686) "
			       "CPUs have CPUID",
			       c->x.name, u->arch_line, u->arch);
	if (u->model[0] == '\0')
		return cc_errf(c->x.e, "%s:%lu: %s names no <model>%s",
			       c->x.name,
			       u->model_line ? u->model_line : u->line,
			       lc_doc_what[u->doc],
			       u->doc == LC_DOMAIN || u->doc == LC_BARE
				       ? ": the guest gets QEMU's default "
					 "model (qemu64 on x86); compare "
					 "profile:qemu64"
				       : "");
	return 0;
}

/* libvirt 9.0 models that are no QEMU 7.2 model */
static const char *const lc_libvirt_only[] = {
	"cpu64-rhel5",    "cpu64-rhel6",          "pentiumpro",
	"Icelake-Client", "Icelake-Client-noTSX",
};

/* The bundled QEMU model the document names, as a new profile NAME. */
static struct cc_set *lc_model_set(const struct lc_ctx *c, char *resolved,
				   size_t n)
{
	const struct lc_cpu *u = &c->cpu;
	const struct cc_embedded *p;
	struct cc_set *m, *s;
	struct cc_err e2;
	const char *why;
	char label[LC_TEXT_MAX + 16];
	size_t i;

	for (i = 0; i < sizeof lc_libvirt_only / sizeof lc_libvirt_only[0]; i++)
		if (strcmp(u->model, lc_libvirt_only[i]) == 0)
			return cc_errf(c->x.e,
				       "%s:%lu: CPU model '%s' is libvirt's "
				       "own: QEMU 7.2 has no such model, so "
				       "cpucompat bundles none",
				       c->x.name, u->model_line, u->model),
			       NULL;
	p = profile_names_find_qemu(u->model, &e2);
	if (p == NULL) {
		/* drop the message's own "qemu:NAME: " */
		why = strncmp(e2.msg, "qemu:", 5) == 0 && strstr(e2.msg, ": ")
			      ? strstr(e2.msg, ": ") + 2
			      : e2.msg;
		return cc_errf(c->x.e, "%s:%lu: unknown CPU model '%s': %s",
			       c->x.name, u->model_line, u->model, why),
		       NULL;
	}
	snprintf(label, sizeof label, "profile:%s", p->name);
	m = fmt_load_buffer(p->text, p->len, label, NULL, NULL, &e2);
	if (m == NULL)
		return cc_errf(c->x.e, "%s:%lu: model '%s': %s", c->x.name,
			       u->model_line, u->model, e2.msg),
		       NULL;
	snprintf(resolved, n, "%s", p->name);
	s = cc_set_new(c->x.name, CC_KIND_PROFILE);
	s->uncovered = m->uncovered;
	for (i = 0; i < m->n; i++) {
		struct cc_leaf *l = cc_set_put(s, m->leaves[i].leaf,
					       m->leaves[i].first,
					       m->leaves[i].last);

		*l = m->leaves[i]; /* M is sorted and non-overlapping */
	}
	cc_set_free(m);
	return s;
}

/* The mutable entry of S covering (LEAF, SUB); NULL when none. */
static struct cc_leaf *lc_entry(struct cc_set *s, uint32_t leaf, uint32_t sub)
{
	const struct cc_leaf *l = cc_set_get(s, leaf, sub);

	return l == NULL ? NULL : &s->leaves[l - s->leaves];
}

/* Fix bits MASK of register R of (LEAF, 0) to VALUE, creating the entry
 * (every other register left to the host) when S lacks it. */
static void lc_fix_bits(struct cc_set *s, uint32_t leaf, int r, uint32_t mask,
			uint32_t value)
{
	struct cc_leaf *l = lc_entry(s, leaf, 0);

	if (l == NULL) {
		l = cc_set_put(s, leaf, 0, 0);
		memset(l->known, 0, sizeof l->known);
		l->absent = (uint8_t)((1u << CC_NREGS) - 1);
	}
	if ((l->absent >> r) & 1) {
		l->absent &= (uint8_t) ~(1u << r);
		l->reg[r] = 0;
		l->known[r] = 0;
	}
	l->reg[r] = (l->reg[r] & ~mask) | (value & mask);
	l->known[r] |= mask;
}

static uint32_t le32(const char *p)
{
	return (uint32_t)(unsigned char)p[0] |
	       (uint32_t)(unsigned char)p[1] << 8 |
	       (uint32_t)(unsigned char)p[2] << 16 |
	       (uint32_t)(unsigned char)p[3] << 24;
}

/* The vendor, signature and address width of the XML over the model's. */
static int lc_apply_identity(const struct lc_ctx *c, struct cc_set *s)
{
	static const struct {
		const char *name, *id;
	} vendors[] = {
		{"Intel", "GenuineIntel"},
		{"AMD", "AuthenticAMD"},
		{"Hygon", "HygonGenuine"},
	};
	const struct lc_cpu *u = &c->cpu;
	const char *id = u->vendor_id[0] ? u->vendor_id : NULL;
	size_t i;

	for (i = 0; u->vendor[0] && id == NULL && i < 3; i++)
		if (strcmp(u->vendor, vendors[i].name) == 0)
			id = vendors[i].id;
	if (u->vendor[0] && id == NULL)
		return cc_errf(c->x.e,
			       "%s:%lu: unknown vendor '%s' (libvirt knows "
			       "Intel, AMD and Hygon)",
			       c->x.name, u->vendor_line, u->vendor);
	if (id != NULL) {
		lc_fix_bits(s, 0, CC_EBX, UINT32_MAX, le32(id));
		lc_fix_bits(s, 0, CC_EDX, UINT32_MAX, le32(id + 4));
		lc_fix_bits(s, 0, CC_ECX, UINT32_MAX, le32(id + 8));
	}
	if (u->has_sig) {
		unsigned long f = u->family, m = u->model_no;
		uint32_t eax = (uint32_t)(u->stepping | (m & 0xf) << 4 |
					  (m >> 4) << 16);

		eax |= f > 0xf ? (uint32_t)(0xf << 8 | (f - 0xf) << 20)
			       : (uint32_t)(f << 8);
		lc_fix_bits(s, 1, CC_EAX, LC_FMS_MASK, eax);
	}
	if (u->has_phys)
		lc_fix_bits(s, 0x80000008u, CC_EAX, 0xff,
			    (uint32_t)u->phys_bits);
	return cc_set_finish(s, c->x.e);
}

/* Leave F's bit in S to the host. */
static void lc_leave_to_host(struct cc_set *s, const struct cc_field *f)
{
	struct cc_leaf *l = lc_entry(s, f->leaf, f->first);

	if (l != NULL && !((l->absent >> f->reg) & 1)) {
		l->known[f->reg] &= ~cc_field_mask(f);
		l->reg[f->reg] &= ~cc_field_mask(f);
	}
}

/* The field feature X names, or NULL and E naming it, the file and line. */
static const struct cc_field *lc_feature_field(const struct lc_ctx *c,
					       const struct cc_defs *d,
					       const struct cc_set *s,
					       const struct lc_feature *x)
{
	const struct cc_field *f = qemu_feature_find(d, x->name, s->vendor);

	/* libvirt takes any feature on any model: so does the reader */
	if (f == NULL)
		f = qemu_feature_find(d, x->name, 0);
	if (f != NULL)
		return f;
	return cc_errf(c->x.e,
		       "%s:%lu: unknown CPU feature '%s' (not a QEMU or "
		       "libvirt feature name cpucompat knows)",
		       c->x.name, x->line, x->name),
	       NULL;
}

/* The features in document order; FIXED[i] = the field feature i set. */
static int lc_apply_features(const struct lc_ctx *c, const struct cc_defs *d,
			     struct cc_set *s, const struct cc_field **fixed)
{
	const struct lc_cpu *u = &c->cpu;
	size_t i, j;

	for (i = 0; i < u->nfeat; i++) {
		const struct lc_feature *x = &u->feat[i];
		const struct cc_field *f = lc_feature_field(c, d, s, x);
		struct cc_err e2;

		if (f == NULL)
			return -1;
		for (j = 0; j < i; j++)
			if (fixed[j] == f)
				return cc_errf(c->x.e,
					       "%s:%lu: feature '%s' is named "
					       "twice (also line %lu)",
					       c->x.name, x->line, x->name,
					       u->feat[j].line);
		fixed[i] = f;
		if (x->policy == LC_OPTIONAL) {
			lc_leave_to_host(s, f);
			continue;
		}
		if (qemu_feature_apply(s, f,
				       x->policy == LC_REQUIRE ||
					       x->policy == LC_FORCE,
				       &e2) < 0)
			return cc_errf(c->x.e, "%s:%lu: feature '%s': %s",
				       c->x.name, x->line, x->name, e2.msg);
	}
	return 0;
}

/* match='minimum': the guest may get more than the XML says, so every
 * feature bit fixed to 0 that the XML does not disable is the host's. */
static void lc_apply_minimum(const struct lc_ctx *c, const struct cc_defs *d,
			     struct cc_set *s, const struct cc_field **fixed)
{
	size_t i, j;

	for (i = 0; i < d->n; i++) {
		const struct cc_field *f = &d->fields[i];
		uint32_t known, v;

		if (f->lo != f->hi || (f->qemu == NULL && f->libvirt == NULL) ||
		    !cc_field_applies(f, f->first, s->vendor))
			continue;
		for (j = 0; j < c->cpu.nfeat && fixed[j] != f; j++)
			;
		if (j < c->cpu.nfeat)
			continue;
		v = cc_set_reg(s, f->leaf, f->first, (enum cc_reg)f->reg,
			       &known);
		if ((known & cc_field_mask(f)) && !(v & cc_field_mask(f)))
			lc_leave_to_host(s, f);
	}
	cc_set_warn(s,
		    "%s: match='minimum': libvirt may give the guest more "
		    "features than the XML names; those bits are left to the "
		    "host",
		    c->x.name);
}

static void lc_meta(const struct lc_ctx *c, struct cc_set *s,
		    const char *resolved)
{
	const struct lc_cpu *u = &c->cpu;
	char desc[512];

	snprintf(desc, sizeof desc,
		 "%s: model %s (QEMU 7.2 %s; its CPUID is QEMU's, not "
		 "libvirt's cpu_map definition) with %zu feature%s",
		 lc_doc_what[u->doc], u->model, resolved, u->nfeat,
		 u->nfeat == 1 ? "" : "s");
	cc_set_meta_set(s, "description", desc, 0);
	cc_set_meta_set(s, "libvirt_model", u->model, 0);
	cc_set_meta_set(s, "libvirt_qemu_model", resolved, 0);
	if (u->microcode[0])
		cc_set_meta_set(s, "microcode", u->microcode, 0);
	if (u->tsc[0])
		cc_set_meta_set(s, "tsc_frequency", u->tsc, 1);
	if (u->topology[0])
		cc_set_meta_set(s, "topology", u->topology, 0);
}

/* The set the parsed document describes; NULL and E on error. */
static struct cc_set *lc_resolve(const struct lc_ctx *c)
{
	const struct cc_defs *d = cc_defs_builtin();
	const struct cc_field **fixed;
	char resolved[LC_TEXT_MAX];
	struct cc_set *s;

	if (lc_check(c) < 0)
		return NULL;
	s = lc_model_set(c, resolved, sizeof resolved);
	if (s == NULL)
		return NULL;
	fixed = cc_xcalloc(c->cpu.nfeat + 1, sizeof *fixed);
	if (lc_apply_identity(c, s) < 0 ||
	    lc_apply_features(c, d, s, fixed) < 0) {
		free(fixed);
		cc_set_free(s);
		return NULL;
	}
	if (c->cpu.minimum)
		lc_apply_minimum(c, d, s, fixed);
	free(fixed);
	lc_meta(c, s, resolved);
	return s;
}

static struct cc_set *libvirt_cpu_read(const char *buf, size_t len,
				       const char *name,
				       const struct fmt_opts *opts,
				       struct cc_err *e)
{
	struct lc_ctx c;
	struct cc_set *s = NULL;

	if (fmt_one_cpu(opts, name, e) < 0)
		return NULL;
	memset(&c, 0, sizeof c);
	if (lc_parse(&c, buf, len, name, e) == 0)
		s = lc_resolve(&c);
	lc_cpu_free(&c.cpu);
	return s;
}

/* -------------------------------------------------------------- writing */

/*
 * The x86 CPU models of libvirt 9.0 (its cpu_map) that are QEMU model
 * names or aliases; libvirt's own cpu64-rhel5, cpu64-rhel6, pentiumpro
 * and Icelake-Client have no QEMU 7.2 model.  Each stands for the QEMU
 * version profile_names_resolve gives it.
 */
/* clang-format off */
static const char *const lv_models[] = {
	"486", "Broadwell", "Broadwell-IBRS", "Broadwell-noTSX",
	"Broadwell-noTSX-IBRS", "Cascadelake-Server",
	"Cascadelake-Server-noTSX", "Conroe", "Cooperlake", "Dhyana", "EPYC",
	"EPYC-IBPB", "EPYC-Milan", "EPYC-Rome", "Haswell", "Haswell-IBRS",
	"Haswell-noTSX", "Haswell-noTSX-IBRS", "Icelake-Server",
	"Icelake-Server-noTSX", "IvyBridge", "IvyBridge-IBRS", "Nehalem",
	"Nehalem-IBRS", "Opteron_G1", "Opteron_G2", "Opteron_G3",
	"Opteron_G4", "Opteron_G5", "Penryn", "SandyBridge",
	"SandyBridge-IBRS", "Skylake-Client", "Skylake-Client-IBRS",
	"Skylake-Client-noTSX-IBRS", "Skylake-Server", "Skylake-Server-IBRS",
	"Skylake-Server-noTSX-IBRS", "Snowridge", "Westmere",
	"Westmere-IBRS", "athlon", "core2duo", "coreduo", "kvm32", "kvm64",
	"n270", "pentium", "pentium2", "pentium3", "phenom", "qemu32",
	"qemu64"
};

/*
 * The CPU features libvirt 9.0 knows (the names of its x86_features.xml,
 * CPUID and MSR features): the writer names no other, since virsh
 * refuses a feature it does not know.
 */
static const char *const lv_features[] = {
	"3dnow", "3dnowext", "3dnowprefetch", "abm", "acpi", "adx", "aes",
	"amd-no-ssb", "amd-ssbd", "amd-stibp", "amx-bf16", "amx-int8",
	"amx-tile", "apic", "arat", "arch-capabilities", "arch-lbr", "avic",
	"avx", "avx-vnni", "avx2", "avx512-4fmaps", "avx512-4vnniw",
	"avx512-bf16", "avx512-fp16", "avx512-vp2intersect",
	"avx512-vpopcntdq", "avx512bitalg", "avx512bw", "avx512cd",
	"avx512dq", "avx512er", "avx512f", "avx512ifma", "avx512pf",
	"avx512vbmi", "avx512vbmi2", "avx512vl", "avx512vnni", "bmi1",
	"bmi2", "bus-lock-detect", "cid", "cldemote", "clflush",
	"clflushopt", "clwb", "clzero", "cmov", "cmp_legacy", "cmt",
	"core-capability", "cr8legacy", "cvt16", "cx16", "cx8", "dca", "de",
	"decodeassists", "ds", "ds_cpl", "dtes64", "erms", "est", "extapic",
	"f16c", "flushbyasid", "fma", "fma4", "fpu", "fsgsbase", "fsrm",
	"fxsr", "fxsr_opt", "gfni", "hle", "ht", "hypervisor", "ia64",
	"ibpb", "ibrs", "ibrs-all", "ibs", "intel-pt", "intel-pt-lip",
	"invpcid", "invtsc", "la57", "lahf_lm", "lbrv", "lm", "lwp",
	"mbm_local", "mbm_total", "mca", "mce", "md-clear", "mds-no",
	"misalignsse", "mmx", "mmxext", "monitor", "movbe", "movdir64b",
	"movdiri", "mpx", "msr", "mtrr", "nodeid_msr", "npt", "nrip-save",
	"nx", "ospke", "osvw", "osxsave", "pae", "pat", "pause-filter",
	"pbe", "pcid", "pclmuldq", "pcommit", "pconfig", "pdcm", "pdpe1gb",
	"perfctr_core", "perfctr_nb", "pfthreshold", "pge", "pks", "pku",
	"pn", "pni", "popcnt", "pschange-mc-no", "pse", "pse36", "rdctl-no",
	"rdpid", "rdrand", "rdseed", "rdtscp", "rsba", "rtm", "sep",
	"serialize", "sgx", "sgx-debug", "sgx-exinfo", "sgx-kss",
	"sgx-mode64", "sgx-provisionkey", "sgx-tokenkey", "sgx1", "sgx2",
	"sgxlc", "sha-ni", "skinit", "skip-l1dfl-vmentry", "smap", "smep",
	"smx", "spec-ctrl", "split-lock-detect", "ss", "ssb-no", "ssbd",
	"sse", "sse2", "sse4.1", "sse4.2", "sse4a", "ssse3", "stibp", "svm",
	"svm-lock", "svme-addr-chk", "syscall", "taa-no", "tbm", "tce", "tm",
	"tm2", "topoext", "tsc", "tsc-deadline", "tsc-scale", "tsc_adjust",
	"tsx-ctrl", "tsx-ldtrk", "umip", "v-vmsave-vmload", "vaes", "vgif",
	"virt-ssbd", "vmcb-clean", "vme", "vmx", "vpclmulqdq", "waitpkg",
	"wbnoinvd", "wdt", "x2apic", "xfd", "xgetbv1", "xop", "xsave",
	"xsavec", "xsaveerptr", "xsaveopt", "xsaves", "xtpr"
};
/* clang-format on */

#define LV_NMODELS (sizeof lv_models / sizeof lv_models[0])
#define LV_NFEATURES (sizeof lv_features / sizeof lv_features[0])
#define LV_NAMED 8 /* differences named in the comment */

static int lv_known_feature(const char *name)
{
	size_t i;

	for (i = 0; i < LV_NFEATURES; i++)
		if (strcmp(lv_features[i], name) == 0)
			return 1;
	return 0;
}

/* The position of "-vN" in bundled QEMU version name QVER. */
static size_t lv_base_len(const char *qver)
{
	size_t base = strlen(qver);

	while (base > 0 && qver[base - 1] != 'v')
		base--;
	return base >= 2 ? base - 2 : 0;
}

/*
 * The libvirt names that stand for a version of QVER's model (libvirt's
 * name of QEMU's model and its aliases), into NAMES (LV_NMODELS
 * entries); every libvirt model when libvirt 9.0 has no name for the
 * model at all (Denverton, KnightsMill).  Returns how many.
 */
static size_t lv_candidates(const char *qver, const char **names)
{
	size_t base = lv_base_len(qver), i, n = 0;
	char r[LC_TEXT_MAX];

	for (i = 0; qemu_model_version(qver) != 0 && i < LV_NMODELS; i++) {
		profile_names_resolve(lv_models[i], r, sizeof r);
		if (strncmp(r, qver, base) == 0 &&
		    strncmp(r + base, "-v", 2) == 0 &&
		    qemu_model_version(r) != 0)
			names[n++] = lv_models[i];
	}
	for (i = 0; n == 0 && i < LV_NMODELS; i++)
		names[i] = lv_models[i];
	return n ? n : LV_NMODELS;
}

/*
 * What the writer says for one libvirt model name and what it cannot:
 * the <feature> lines, and R, the set this format's reader makes of them
 * (the named model with the features applied), against which S is
 * checked field by field.
 */
struct lv_out {
	const char *lname;      /* the libvirt model name */
	char lver[LC_TEXT_MAX]; /* the QEMU version it stands for */
	const char *vendor;     /* <vendor>, NULL for none */
	uint32_t phys;          /* <maxphysaddr bits=...>, 0 for none */
	struct cc_buf require, disable, optional; /* <feature> lines */
	size_t nrequire, ndisable, noptional;
	struct cc_set *r;
	unsigned fvendor; /* the vendor fields must apply to */
	size_t unsaid;    /* fields R holds otherwise than S */
	unsigned dist;    /* how far LVER is from the nearest version */
};

static void lv_out_free(struct lv_out *o)
{
	cc_buf_free(&o->require);
	cc_buf_free(&o->disable);
	cc_buf_free(&o->optional);
	cc_set_free(o->r);
}

/* Feature F of S, which libvirt 9.0 knows, into O and O->r. */
static int lv_feature(const struct cc_set *s, const struct cc_field *f,
		      struct lv_out *o, struct cc_err *e)
{
	uint32_t known, v, mask = cc_field_mask(f);
	struct cc_buf *b = &o->disable;
	const char *policy = "disable";

	v = cc_set_guest_reg(s, f->leaf, f->first, f->reg, &known);
	if (!(known & mask)) {
		b = &o->optional;
		policy = "optional";
		o->noptional++;
		lc_leave_to_host(o->r, f);
	} else {
		if (v & mask) {
			b = &o->require;
			policy = "require";
			o->nrequire++;
		} else {
			o->ndisable++;
		}
		if (qemu_feature_apply(o->r, f, (v & mask) != 0, e) < 0)
			return -1;
	}
	cc_buf_printf(b, "  <feature policy='%s' name='%s'/>\n", policy,
		      f->libvirt);
	return 0;
}

/* Every feature of D libvirt 9.0 knows that applies to O's vendor. */
static int lv_features_of(const struct cc_set *s, const struct cc_defs *d,
			  struct lv_out *o, struct cc_err *e)
{
	size_t i;

	for (i = 0; i < d->n; i++) {
		const struct cc_field *f = &d->fields[i];

		if (f->lo != f->hi || f->libvirt == NULL ||
		    !lv_known_feature(f->libvirt) ||
		    !cc_field_applies(f, f->first, o->fvendor))
			continue;
		if (lv_feature(s, f, o, e) < 0)
			return -1;
	}
	return 0;
}

/* Family, model and stepping of S, decoded from leaf 1 EAX; -1 when S
 * does not fix them all. */
static int lv_fms(const struct cc_set *s, unsigned *family, unsigned *model,
		  unsigned *stepping)
{
	uint32_t known, a = cc_set_reg(s, 1, 0, CC_EAX, &known);

	if ((known & LC_FMS_MASK) != LC_FMS_MASK)
		return -1;
	*family = (a >> 8) & 0xf;
	*model = (a >> 4) & 0xf;
	if (*family == 0xf)
		*family += (a >> 20) & 0xff;
	if (*family == 0x6 || *family >= 0xf)
		*model |= ((a >> 16) & 0xf) << 4;
	*stepping = a & 0xf;
	return 0;
}

/* Does field F say something else in S than in R, for a guest? */
static int lv_differs(const struct cc_set *s, const struct cc_set *r,
		      const struct cc_field *f)
{
	uint32_t ks, kr, mask = cc_field_mask(f);
	uint32_t vs = cc_set_guest_reg(s, f->leaf, f->first, f->reg, &ks);
	uint32_t vr = cc_set_guest_reg(r, f->leaf, f->first, f->reg, &kr);

	return ((ks ^ kr) & mask) != 0 || ((vs ^ vr) & ks & mask) != 0;
}

/* What the XML cannot say: the fields a guest sees that O->r (what the
 * XML reads back as) holds otherwise than S; how many, and a phrase
 * naming them into NO unless it is NULL. */
static size_t lv_unsaid(const struct cc_set *s, const struct cc_defs *d,
			const struct lv_out *o, struct cc_buf *no)
{
	unsigned f, m, st, rf, rm, rs;
	size_t i, n = 0, fms = 0;

	if (lv_fms(s, &f, &m, &st) == 0 &&
	    (lv_fms(o->r, &rf, &rm, &rs) < 0 || rf != f || rm != m || rs != st))
		fms = 1;
	if (fms && no != NULL)
		cc_buf_printf(no,
			      "family %u model %u stepping %u (libvirt's "
			      "model gives %s's)",
			      f, m, st, o->lver);
	for (i = 0; i < d->n; i++) {
		const struct cc_field *x = &d->fields[i];

		/* what the VMM sets (topology, brand, levels) is no part
		 * of a CPU model */
		if (x->guest == CC_GUEST_NEVER || x->guest == CC_GUEST_VMM ||
		    !cc_field_applies(x, x->first, o->fvendor) ||
		    (x->leaf == 1 && x->reg == CC_EAX &&
		     (cc_field_mask(x) & ~LC_FMS_MASK) == 0) ||
		    !lv_differs(s, o->r, x))
			continue;
		if (no != NULL && n == 0)
			cc_buf_printf(no, "%s%s", no->len ? "; " : "",
				      "fields that differ from it:");
		if (no != NULL && n < LV_NAMED)
			cc_buf_printf(no, " %s", x->name);
		else if (no != NULL && n == LV_NAMED)
			cc_buf_puts(no, " ...");
		n++;
	}
	if (no != NULL && n > LV_NAMED)
		cc_buf_printf(no, " (%zu in all)", n);
	return n + fms;
}

/* The comments before <cpu>: the model, and what the XML cannot say. */
static void lv_header(struct cc_buf *b, const struct cc_set *s,
		      const struct cc_defs *d, const char *nearest,
		      const struct lv_out *o)
{
	struct cc_buf t, no;

	cc_buf_init(&t);
	cc_buf_init(&no);
	cc_buf_printf(&t, "cpucompat: nearest QEMU 7.2 model %s", nearest);
	if (strcmp(o->lver, nearest) == 0)
		cc_buf_printf(&t, " (libvirt's %s)", o->lname);
	else
		cc_buf_printf(&t,
			      "; libvirt 9.0 has no name for it: written as "
			      "%s (QEMU's %s) with the features below",
			      o->lname, o->lver);
	fmt_xml_comment(b, t.data);
	cc_buf_free(&t);
	cc_buf_printf(&t,
		      "every CPUID and MSR feature libvirt 9.0 knows is "
		      "required "
		      "(%zu), disabled (%zu) or, left to the host, optional "
		      "(%zu), whatever libvirt's cpu_map puts in the model",
		      o->nrequire, o->ndisable, o->noptional);
	fmt_xml_comment(b, t.data);
	cc_buf_free(&t);
	lv_unsaid(s, d, o, &no);
	if (no.len) {
		cc_buf_printf(&t, "not expressible in libvirt XML: %s",
			      no.data);
		fmt_xml_comment(b, t.data);
		cc_buf_free(&t);
	}
	cc_buf_free(&no);
}

/* O->r: bundled QEMU version O->lver, with S's vendor and address
 * width when the XML names them (O->vendor, O->phys). */
static int lv_start(struct lv_out *o, const struct cc_set *s, struct cc_err *e)
{
	struct cc_err e2;
	const struct cc_embedded *p = profile_names_find(o->lver, &e2);
	uint32_t known;

	if (p == NULL)
		return cc_errf(e, "%s: %s", s->name, e2.msg);
	o->r = fmt_load_buffer(p->text, p->len, p->name, NULL, NULL, e);
	if (o->r == NULL)
		return -1;
	o->vendor = cc_vendor_brand(s->vendor);
	o->fvendor = s->vendor ? s->vendor : o->r->vendor;
	if (o->vendor != NULL) {
		lc_fix_bits(o->r, 0, CC_EBX, UINT32_MAX, le32(s->vendor_id));
		lc_fix_bits(o->r, 0, CC_EDX, UINT32_MAX,
			    le32(s->vendor_id + 4));
		lc_fix_bits(o->r, 0, CC_ECX, UINT32_MAX,
			    le32(s->vendor_id + 8));
	}
	o->phys = cc_set_guest_reg(s, 0x80000008u, 0, CC_EAX, &known) & 0xff;
	if ((known & 0xff) != 0xff)
		o->phys = 0;
	if (o->phys != 0)
		lc_fix_bits(o->r, 0x80000008u, CC_EAX, 0xff, o->phys);
	return cc_set_finish(o->r, e);
}

/* The output for libvirt model LNAME, the nearest version being WANT. */
static int lv_build(struct lv_out *o, const struct cc_set *s,
		    const struct cc_defs *d, const char *lname, unsigned want,
		    struct cc_err *e)
{
	unsigned v;

	memset(o, 0, sizeof *o);
	cc_buf_init(&o->require);
	cc_buf_init(&o->disable);
	cc_buf_init(&o->optional);
	o->lname = lname;
	profile_names_resolve(lname, o->lver, sizeof o->lver);
	v = qemu_model_version(o->lver);
	/* the same version, then lower ones, then higher ones */
	o->dist = v <= want ? 2 * (want - v) : 2 * (v - want) + 1;
	if (lv_start(o, s, e) < 0 || lv_features_of(s, d, o, e) < 0)
		return -1;
	o->unsaid = lv_unsaid(s, d, o, NULL);
	return 0;
}

/*
 * Into BEST, the libvirt name for the model of nearest version QVER that
 * says S best: the fewest fields the XML cannot say, then the nearest
 * version.  0, or -1 and E.
 */
static int lv_choose(struct lv_out *best, const struct cc_set *s,
		     const struct cc_defs *d, const char *qver,
		     struct cc_err *e)
{
	const char *names[LV_NMODELS];
	size_t n = lv_candidates(qver, names), i;
	unsigned want = qemu_model_version(qver);

	for (i = 0; i < n; i++) {
		struct lv_out o;

		if (lv_build(&o, s, d, names[i], want, e) < 0) {
			lv_out_free(&o);
			if (i > 0)
				lv_out_free(best);
			return -1;
		}
		if (i > 0 &&
		    (o.unsaid > best->unsaid ||
		     (o.unsaid == best->unsaid && o.dist >= best->dist))) {
			lv_out_free(&o);
			continue;
		}
		if (i > 0)
			lv_out_free(best);
		*best = o;
	}
	return 0;
}

static int libvirt_cpu_write(struct cc_buf *out, const struct cc_set *s,
			     struct cc_err *e)
{
	const struct cc_defs *d = cc_defs_builtin();
	struct qemu_model_match m;
	struct lv_out o;

	if (qemu_model_nearest(s, d, &m, e) < 0)
		return -1;
	if (lv_choose(&o, s, d, m.model, e) < 0) {
		qemu_model_match_free(&m);
		return -1;
	}
	lv_header(out, s, d, m.model, &o);
	cc_buf_puts(out, "<cpu mode='custom' match='exact' check='full'>\n");
	cc_buf_printf(out, "  <model fallback='forbid'>%s</model>\n", o.lname);
	if (o.vendor != NULL)
		cc_buf_printf(out, "  <vendor>%s</vendor>\n", o.vendor);
	if (o.phys != 0)
		cc_buf_printf(out,
			      "  <maxphysaddr mode='emulate' bits='%u'/>\n",
			      o.phys);
	if (o.nrequire)
		cc_buf_add(out, o.require.data, o.require.len);
	if (o.ndisable)
		cc_buf_add(out, o.disable.data, o.disable.len);
	if (o.noptional)
		cc_buf_add(out, o.optional.data, o.optional.len);
	cc_buf_puts(out, "</cpu>\n");
	lv_out_free(&o);
	qemu_model_match_free(&m);
	return 0;
}

/*
 * Read: <capabilities>, <domainCapabilities>, <domain> or a bare <cpu>
 * (one CPU; opts is unused), as a profile of the QEMU model it names.
 * Write: <cpu mode='custom'> of the nearest model with every feature
 * libvirt 9.0 knows; -1 and E when the set has no vendor or no QEMU
 * model of its vendor exists.
 */
const struct fmt fmt_libvirt_cpu = {
	.name = "libvirt-cpu",
	.description =
		"libvirt <cpu>, domain XML, virsh capabilities and "
		"domcapabilities (model and features)",
	.detect = libvirt_cpu_detect,
	.read = libvirt_cpu_read,
	.write = libvirt_cpu_write,
};
