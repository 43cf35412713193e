/*
 * The text form of a program: the parser, with line/column errors. See
 * lparsec/text.h; the printer is prog_text_print.c.
 */
#include "prog_text_internal.h"

#include <inttypes.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "hv/hcall.h"

/* ---- parsing ---- */

struct tok {
	const char *s;
	size_t n;
};

struct parser {
	const char *ls;     /* start of the current line */
	unsigned line;
	char *err;
	size_t errcap;
	struct lp_prog *p;
	bool seen_item, seen_config, seen_op, seen_part[LP_MAX_PARTS], seen_segment[LP_SEGMENTS];
};

#define MAX_TOKS 16

__attribute__((format(printf, 3, 4))) static int fail(struct parser *ps, const char *at, const char *fmt, ...)
{
	va_list ap;
	int n;

	if (ps->err && ps->errcap) {
		n = snprintf(ps->err, ps->errcap, "line %u, column %u: ", ps->line, (unsigned)(at - ps->ls) + 1);
		if (n >= 0 && (size_t)n < ps->errcap) {
			va_start(ap, fmt);
			vsnprintf(ps->err + n, ps->errcap - (size_t)n, fmt, ap);
			va_end(ap);
		}
	}
	return -1;
}

static bool tok_is(struct tok t, const char *s)
{
	return strlen(s) == t.n && memcmp(t.s, s, t.n) == 0;
}

/* Tokens quoted in messages are cut to a readable length. */
#define Q(t) (int)((t).n > 40 ? 40 : (t).n), (t).s

enum { NUM_OK = 0, NUM_SYNTAX = -1, NUM_RANGE = -2 };

/* Unsigned 0x hex or decimal, the whole of s[0..n). */
static int parse_u64(const char *s, size_t n, uint64_t *out)
{
	uint64_t v = 0;
	size_t i = 0;

	if (n >= 2 && s[0] == '0' && (s[1] == 'x' || s[1] == 'X')) {
		if (n == 2) {
			return NUM_SYNTAX;
		}
		for (i = 2; i < n; i++) {
			char c = s[i];
			unsigned d;

			if (c >= '0' && c <= '9') {
				d = (unsigned)(c - '0');
			} else if (c >= 'a' && c <= 'f') {
				d = (unsigned)(c - 'a' + 10);
			} else if (c >= 'A' && c <= 'F') {
				d = (unsigned)(c - 'A' + 10);
			} else {
				return NUM_SYNTAX;
			}
			if (v >> 60) {
				return NUM_RANGE;
			}
			v = v << 4 | d;
		}
		*out = v;
		return NUM_OK;
	}
	if (n == 0) {
		return NUM_SYNTAX;
	}
	for (i = 0; i < n; i++) {
		unsigned d;

		if (s[i] < '0' || s[i] > '9') {
			return NUM_SYNTAX;
		}
		d = (unsigned)(s[i] - '0');
		if (v > (UINT64_MAX - d) / 10) {
			return NUM_RANGE;
		}
		v = v * 10 + d;
	}
	*out = v;
	return NUM_OK;
}

/*
 * A number of `bits` bits: unsigned, or negative (two's complement, down to
 * -2^(bits-1)). what names the thing in messages.
 */
static int parse_num(struct parser *ps, const char *s, size_t n, unsigned bits, const char *what, uint64_t *out)
{
	uint64_t mag, max = bits >= 64 ? UINT64_MAX : (1ull << bits) - 1;
	bool neg = n > 0 && s[0] == '-';
	int rc = parse_u64(s + neg, n - neg, &mag);
	struct tok t = { s, n };

	if (rc == NUM_SYNTAX) {
		if (n == 0) {
			return fail(ps, s, "missing %s", what);
		}
		return fail(ps, s, "bad number '%.*s' for %s (0x hex or decimal)", Q(t), what);
	}
	if (rc == NUM_OK && neg && mag <= (1ull << (bits - 1))) {
		*out = (0 - mag) & max;
		return 0;
	}
	if (rc == NUM_OK && !neg && mag <= max) {
		*out = mag;
		return 0;
	}
	if (bits >= 64) {
		return fail(ps, s, "%s '%.*s' does not fit 64 bits", what, Q(t));
	}
	return fail(ps, s, "%s '%.*s' wider than %u byte%s", what, Q(t), bits / 8, bits == 8 ? "" : "s");
}

/* A small unsigned number in [lo, hi]. */
static int parse_range(struct parser *ps, struct tok name, const char *s, size_t n, unsigned lo, unsigned hi,
		       unsigned *out)
{
	struct tok t = { s, n };
	uint64_t v;
	int rc = parse_u64(s, n, &v);

	if (rc == NUM_SYNTAX) {
		if (n == 0) {
			return fail(ps, s, "missing value for %.*s", Q(name));
		}
		return fail(ps, s, "bad number '%.*s' for %.*s", Q(t), Q(name));
	}
	if (rc == NUM_RANGE || v < lo || v > hi) {
		return fail(ps, s, "%.*s=%.*s out of range %u..%u", Q(name), Q(t), lo, hi);
	}
	*out = (unsigned)v;
	return 0;
}

/* Splits name=value; the value may be empty. */
static int split_field(struct parser *ps, struct tok t, struct tok *name, struct tok *val)
{
	const char *eq = memchr(t.s, '=', t.n);

	if (!eq) {
		return fail(ps, t.s, "expected name=value, got '%.*s'", Q(t));
	}
	if (eq == t.s) {
		return fail(ps, t.s, "missing field name before '='");
	}
	name->s = t.s;
	name->n = (size_t)(eq - t.s);
	val->s = eq + 1;
	val->n = t.n - name->n - 1;
	return 0;
}

/* A literal, sel(value) or edge(name). */
static int parse_arg(struct parser *ps, struct tok name, struct tok v, struct lp_arg *a)
{
	const char *paren = memchr(v.s, '(', v.n);
	struct tok sn, in;
	unsigned s, e, w;

	if (v.n == 0) {
		return fail(ps, v.s, "missing value for %.*s", Q(name));
	}
	if (!paren) {
		a->sel = LP_SEL_LIT;
		return parse_num(ps, v.s, v.n, 64, "value", &a->val);
	}
	sn.s = v.s;
	sn.n = (size_t)(paren - v.s);
	if (v.s[v.n - 1] != ')') {
		return fail(ps, v.s + v.n, "missing ')' after the selector value");
	}
	in.s = paren + 1;
	in.n = v.n - sn.n - 2;
	for (s = 0; s < LP_SEL_COUNT; s++) {
		if (tok_is(sn, lp_sel_name(s))) {
			break;
		}
	}
	if (s == LP_SEL_COUNT) {
		return fail(ps, v.s, "unknown selector '%.*s' (lit own other hyp ptex edge liobn pteh ptel tce ioba hash ea)",
			    Q(sn));
	}
	a->sel = (uint8_t)s;
	if (s == LP_SEL_EDGE) {
		for (e = 0; e < LP_EDGE_COUNT; e++) {
			if (tok_is(in, lp_edge_name(e))) {
				a->val = e;
				return 0;
			}
		}
		if (in.n == 0 || ((in.s[0] < '0' || in.s[0] > '9') && in.s[0] != '-')) {
			return fail(ps, in.s, "unknown edge '%.*s' (zero nhpte-1 nhpte nhpte+8 2^63 ones 2^32 lend lend-4k "
					      "wend wend-4k wstart-4k 512 513 int64max 2^60 lmb-640 lmb-48 lend-640, or a number)",
				    Q(in));
		}
	}
	w = lp_sel_width(s);
	if (in.n == 0) {
		return fail(ps, in.s, "missing selector value inside %.*s()", Q(sn));
	}
	return parse_num(ps, in.s, in.n, 8 * w, lp_sel_name(s), &a->val);
}

/* Splits one line (without its newline) into tokens; checks its bytes. */
static int tokenize(struct parser *ps, const char *s, const char *end, struct tok *t, unsigned *nt)
{
	const char *q;

	*nt = 0;
	for (q = s; q < end; q++) {
		unsigned char c = (unsigned char)*q;

		if (c == 0) {
			return fail(ps, q, "unexpected NUL byte (binary data? lparsec-fmt converts binary programs)");
		}
		if (c == '#') {
			/* Comment to the end of the line: any bytes but NUL. */
			const char *z = memchr(q, 0, (size_t)(end - q));

			if (z) {
				return fail(ps, z, "unexpected NUL byte (binary data? lparsec-fmt converts binary programs)");
			}
			break;
		}
		if (c == ' ' || c == '\t' || c == '\r' || c == '\v' || c == '\f') {
			continue;
		}
		if (c < 0x21 || c > 0x7e) {
			return fail(ps, q, "unexpected byte 0x%02x", c);
		}
		if (*nt == MAX_TOKS) {
			return fail(ps, q, "too many fields on one line (at most %d)", MAX_TOKS);
		}
		t[*nt].s = q;
		while (q < end && (unsigned char)*q > 0x20 && (unsigned char)*q < 0x7f && *q != '#') {
			q++;
		}
		t[*nt].n = (size_t)(q - t[*nt].s);
		(*nt)++;
		q--;
	}
	return 0;
}

static int parse_header(struct parser *ps, const struct tok *t, unsigned nt)
{
	if (ps->seen_item) {
		return fail(ps, t[0].s, "'lparsec program' header must be the first line");
	}
	if (nt < 2 || !tok_is(t[1], "program")) {
		return fail(ps, nt < 2 ? t[0].s + t[0].n : t[1].s, "expected 'lparsec program v%u'", LP_VERSION);
	}
	if (nt < 3) {
		return fail(ps, t[1].s + t[1].n, "missing version (expected 'lparsec program v%u')", LP_VERSION);
	}
	if (tok_is(t[2], "v1") || tok_is(t[2], "v2")) {
		ps->p->cfg.version = (uint8_t)(t[2].s[1] - '0');
	} else {
		return fail(ps, t[2].s, "unsupported version '%.*s' (this build reads v1 and v%u)", Q(t[2]), LP_VERSION);
	}
	if (nt > 3) {
		return fail(ps, t[3].s, "unexpected '%.*s' after the header", Q(t[3]));
	}
	return 0;
}

/* A version 2 size: "256k" .. "1g" for shifts lo..hi in steps of two; false when not one. */
static bool parse_size_shift(struct tok val, unsigned lo, unsigned hi, uint8_t *shift)
{
	unsigned s;

	for (s = lo; s <= hi; s += 2) {
		if (tok_is(val, size_names[s - SIZE_NAME_SHIFT0])) {
			*shift = (uint8_t)s;
			return true;
		}
	}
	return false;
}

static int parse_config(struct parser *ps, const struct tok *t, unsigned nt)
{
	struct lp_config *c = &ps->p->cfg;
	bool seen[4] = { false, false, false, false };
	unsigned i, v;

	if (ps->seen_op) {
		return fail(ps, t[0].s, "config after the first operation (configuration comes first)");
	}
	if (ps->seen_config) {
		return fail(ps, t[0].s, "second config line");
	}
	ps->seen_config = true;
	for (i = 1; i < nt; i++) {
		struct tok name, val;
		unsigned k;

		if (split_field(ps, t[i], &name, &val)) {
			return -1;
		}
		if (tok_is(name, "parts")) {
			k = 0;
		} else if (tok_is(name, "threads")) {
			k = 1;
		} else if (tok_is(name, "memory") || tok_is(name, "lmb")) {
			k = tok_is(name, "memory") ? 2 : 3;
			if (c->version < 2) {
				return fail(ps, name.s, "'%.*s' needs 'lparsec program v2'", Q(name));
			}
		} else {
			return fail(ps, name.s, "unknown config field '%.*s' (parts, threads%s)", Q(name),
				    c->version < 2 ? "" : ", memory, lmb");
		}
		if (seen[k]) {
			return fail(ps, name.s, "field '%.*s' given twice", Q(name));
		}
		seen[k] = true;
		if (k == 2 && !parse_size_shift(val, LP_MEM_SHIFT_MIN, LP_MEM_SHIFT_MAX, &c->mem_shift)) {
			return fail(ps, val.s, "memory=%.*s: a machine has 64m, 256m or 1g", Q(val));
		}
		if (k == 3 && !parse_size_shift(val, LP_LMB_SHIFT_MIN, LP_LMB_SHIFT_MAX, &c->lmb_shift)) {
			return fail(ps, val.s, "lmb=%.*s: LMBs are 256k, 1m, 4m or 16m", Q(val));
		}
		if (k >= 2) {
			continue;
		}
		if (parse_range(ps, name, val.s, val.n, 1, k ? LP_MAX_THREADS : LP_MAX_PARTS, &v)) {
			return -1;
		}
		if (k) {
			c->threads = (uint8_t)v;
		} else {
			c->nparts = (uint8_t)v;
		}
	}
	return 0;
}

/* "pN" with N < LP_MAX_PARTS. */
static int parse_part_name(struct parser *ps, struct tok t, unsigned *part)
{
	uint64_t v;

	if (t.n < 2 || t.s[0] != 'p' || parse_u64(t.s + 1, t.n - 1, &v) != NUM_OK || (t.s[1] == '0' && t.n > 2 && t.s[2] == 'x')) {
		return fail(ps, t.s, "expected a partition p0..p%u, got '%.*s'", LP_MAX_PARTS - 1, Q(t));
	}
	if (v >= LP_MAX_PARTS) {
		return fail(ps, t.s, "partition '%.*s' out of range p0..p%u", Q(t), LP_MAX_PARTS - 1);
	}
	*part = (unsigned)v;
	return 0;
}

static int parse_part(struct parser *ps, const struct tok *t, unsigned nt)
{
	struct lp_config *c = &ps->p->cfg;
	bool seen[5] = { false, false, false, false, false };
	unsigned i, j, v;

	if (ps->seen_op) {
		return fail(ps, t[0].s, "part after the first operation (configuration comes first)");
	}
	if (nt < 2) {
		return fail(ps, t[0].s + t[0].n, "missing partition after 'part'");
	}
	if (parse_part_name(ps, t[1], &j)) {
		return -1;
	}
	if (ps->seen_part[j]) {
		return fail(ps, t[1].s, "partition p%u configured twice", j);
	}
	ps->seen_part[j] = true;
	for (i = 2; i < nt; i++) {
		struct tok name, val;
		unsigned k;

		if (tok_is(t[i], "shared") || tok_is(t[i], "dedicated")) {
			if (seen[3]) {
				return fail(ps, t[i].s, "shared/dedicated given twice");
			}
			seen[3] = true;
			c->shared[j] = tok_is(t[i], "shared");
			continue;
		}
		if (split_field(ps, t[i], &name, &val)) {
			return -1;
		}
		if (tok_is(name, "lmbs")) {
			k = 0;
		} else if (tok_is(name, "vcpus")) {
			k = 1;
		} else if (tok_is(name, "windows")) {
			k = 2;
		} else if (tok_is(name, "hpt")) {
			if (ps->p->cfg.version < 2) {
				return fail(ps, name.s, "'hpt' needs 'lparsec program v2'");
			}
			k = 4;
		} else {
			return fail(ps, name.s, "unknown partition field '%.*s' (lmbs, vcpus, windows, shared, dedicated%s)",
				    Q(name), ps->p->cfg.version < 2 ? "" : ", hpt");
		}
		if (seen[k]) {
			return fail(ps, name.s, "field '%.*s' given twice", Q(name));
		}
		seen[k] = true;
		if (k == 0) {
			if (parse_range(ps, name, val.s, val.n, 1, c->version < 2 ? 8 : LP_PART_LMBS_MAX, &v)) {
				return -1;
			}
			c->lmbs[j] = (uint8_t)v;
		} else if (k == 1) {
			if (parse_range(ps, name, val.s, val.n, 1, LP_MAX_VCPUS, &v)) {
				return -1;
			}
			c->vcpus[j] = (uint8_t)v;
		} else if (k == 2) {
			if (parse_range(ps, name, val.s, val.n, 0, LP_MAX_WINDOWS, &v)) {
				return -1;
			}
			c->windows[j] = (uint8_t)v;
		} else {
			if (parse_range(ps, name, val.s, val.n, LP_HPT_ORDER_MIN, LP_HPT_ORDER_MAX, &v)) {
				return -1;
			}
			c->hpt_order[j] = (uint8_t)v;
		}
	}
	return 0;
}

/* "segment esid=E vsid=V page=4k|64k|16m" (version 2): ESID E of every partition. */
static int parse_segment(struct parser *ps, const struct tok *t, unsigned nt)
{
	struct lp_segment seg = { 0, 12 };
	bool seen[3] = { false, false, false };
	unsigned i, esid = 0, v;

	if (ps->p->cfg.version < 2) {
		return fail(ps, t[0].s, "'segment' needs 'lparsec program v2'");
	}
	if (ps->seen_op) {
		return fail(ps, t[0].s, "segment after the first operation (configuration comes first)");
	}
	for (i = 1; i < nt; i++) {
		struct tok name, val;
		unsigned k;

		if (split_field(ps, t[i], &name, &val)) {
			return -1;
		}
		k = tok_is(name, "esid") ? 0 : tok_is(name, "vsid") ? 1 : tok_is(name, "page") ? 2 : 3;
		if (k == 3) {
			return fail(ps, name.s, "unknown segment field '%.*s' (esid, vsid, page)", Q(name));
		}
		if (seen[k]) {
			return fail(ps, name.s, "field '%.*s' given twice", Q(name));
		}
		seen[k] = true;
		if (k == 0 && parse_range(ps, name, val.s, val.n, 0, LP_SEGMENTS - 1, &esid)) {
			return -1;
		}
		if (k == 1) {
			if (parse_range(ps, name, val.s, val.n, 1, 0xFFFFFF, &v)) {
				return -1;
			}
			if ((v >> 12) == 0x7F) {
				return fail(ps, val.s, "VSIDs 0x7f000..0x7fffff belong to the interpreter's alias segments");
			}
			seg.vsid = v;
		}
		if (k == 2) {
			unsigned s;

			for (s = 0; s < LP_SEGMENT_SIZES && !tok_is(val, segment_page_names[s]); s++) {
			}
			if (s == LP_SEGMENT_SIZES) {
				return fail(ps, val.s, "page size '%.*s' is not a segment base page size (4k, 64k, 16m)", Q(val));
			}
			seg.shift = lp_segment_shifts[s];
		}
	}
	if (!seen[0]) {
		return fail(ps, t[0].s + t[0].n, "missing esid=");
	}
	if (ps->seen_segment[esid]) {
		return fail(ps, t[0].s, "segment esid=%u configured twice", esid);
	}
	ps->seen_segment[esid] = true;
	ps->p->cfg.seg[esid].vsid = seen[1] ? seg.vsid : lp_segment_default(esid).vsid;
	ps->p->cfg.seg[esid].shift = seg.shift;
	return 0;
}

/* "window pN.wK entries=E offset=O" (version 2): the geometry of partition N's window K. */
static int parse_window(struct parser *ps, const struct tok *t, unsigned nt)
{
	struct lp_config *c = &ps->p->cfg;
	bool seen[2] = { false, false };
	unsigned i, part, w, k;
	uint64_t v;

	if (c->version < 2) {
		return fail(ps, t[0].s, "'window' needs 'lparsec program v2'");
	}
	if (ps->seen_op) {
		return fail(ps, t[0].s, "window after the first operation (configuration comes first)");
	}
	if (nt < 2 || t[1].n != 5 || t[1].s[2] != '.' || t[1].s[3] != 'w' || t[1].s[4] < '0' ||
	    t[1].s[4] >= '0' + LP_MAX_WINDOWS) {
		return fail(ps, nt < 2 ? t[0].s + t[0].n : t[1].s, "expected a window p0.w0 .. p%u.w%u", LP_MAX_PARTS - 1,
			    LP_MAX_WINDOWS - 1);
	}
	{
		struct tok pt = { t[1].s, 2 };

		if (parse_part_name(ps, pt, &part)) {
			return -1;
		}
	}
	w = (unsigned)(t[1].s[4] - '0');
	for (i = 2; i < nt; i++) {
		struct tok name, val;

		if (split_field(ps, t[i], &name, &val)) {
			return -1;
		}
		k = tok_is(name, "entries") ? 0 : tok_is(name, "offset") ? 1 : 2;
		if (k == 2) {
			return fail(ps, name.s, "unknown window field '%.*s' (entries, offset)", Q(name));
		}
		if (seen[k]) {
			return fail(ps, name.s, "field '%.*s' given twice", Q(name));
		}
		seen[k] = true;
		if (parse_u64(val.s, val.n, &v) != NUM_OK) {
			return fail(ps, val.s, "bad number '%.*s'", Q(val));
		}
		if (k == 0) {
			for (k = 0; k < LP_WINDOW_SIZES && lp_window_sizes[k] != v; k++) {
			}
			if (k == LP_WINDOW_SIZES) {
				return fail(ps, val.s, "entries=%.*s: a window has 128, 512, 16384 or 262144 TCEs", Q(val));
			}
			c->win_entries[part][w] = (uint32_t)v;
			continue;
		}
		for (k = 0; k < LP_WINDOW_OFFSETS && lp_window_offsets[k] != v; k++) {
		}
		if (k == LP_WINDOW_OFFSETS) {
			return fail(ps, val.s,
				    "offset=%.*s is not a window bus offset (0, 0x10000000, 0x20000000, 0x30000000, "
				    "0x80000000, 0x100000000, 0x10000000000, 0x800000000000000)",
				    Q(val));
		}
		c->win_offset[part][w] = (uint8_t)k;
	}
	return 0;
}

/* "pN" or "pN.vM". */
static int parse_actor(struct parser *ps, struct tok t, struct lp_op *o)
{
	const char *dot = memchr(t.s, '.', t.n);
	struct tok pt = { t.s, dot ? (size_t)(dot - t.s) : t.n };
	unsigned part;
	uint64_t v;

	if (parse_part_name(ps, pt, &part)) {
		return -1;
	}
	if (part >= ps->p->cfg.nparts) {
		return fail(ps, t.s, "partition p%u does not exist (config parts=%u)", part, ps->p->cfg.nparts);
	}
	o->part = (uint8_t)part;
	o->vcpu = 0;
	if (dot) {
		struct tok vt = { dot + 1, t.n - pt.n - 1 };

		if (vt.n < 2 || vt.s[0] != 'v' || parse_u64(vt.s + 1, vt.n - 1, &v) != NUM_OK ||
		    (vt.s[1] == '0' && vt.n > 2 && vt.s[2] == 'x')) {
			return fail(ps, vt.s, "bad actor '%.*s' (expected pN or pN.vM)", Q(t));
		}
		if (v >= LP_MAX_VCPUS) {
			return fail(ps, vt.s, "vCPU v%" PRIu64 " out of range v0..v%u", v, LP_MAX_VCPUS - 1);
		}
		o->vcpu = (uint8_t)v;
	}
	return 0;
}

/* An hcall name, or hcall(0xOPCODE); false if t is neither. */
static int parse_hcall_name(struct parser *ps, struct tok t, struct lp_op *o, bool *is_hcall)
{
	unsigned i;

	*is_hcall = false;
	if (t.n > 6 && memcmp(t.s, "hcall(", 6) == 0) {
		if (t.s[t.n - 1] != ')') {
			return fail(ps, t.s + t.n, "missing ')' after the opcode");
		}
		if (parse_num(ps, t.s + 6, t.n - 7, 64, "opcode", &o->opcode)) {
			return -1;
		}
		*is_hcall = true;
		return 0;
	}
	/* The calls the harness knows (hcalls.def), H_RTAS past the architected range among them. */
	for (i = 0; i < lp_hcall_opcode_count; i++) {
		const char *n = hv_hcall_name(lp_hcall_opcodes[i]);

		if (n && tok_is(t, n)) {
			o->opcode = lp_hcall_opcodes[i];
			*is_hcall = true;
			return 0;
		}
	}
	return 0;
}

static int parse_hcall_args(struct parser *ps, const struct tok *t, unsigned nt, struct lp_op *o, struct tok opname)
{
	unsigned i;

	o->nargs = 0;
	for (i = 0; i < nt; i++) {
		struct tok name, val;
		const char *want = hcall_arg_name(o->opcode, o->nargs);
		char alias[4] = { 'a', (char)('0' + o->nargs % 10), 0, 0 };
		unsigned j;

		if (o->nargs == 9) {
			return fail(ps, t[i].s, "too many arguments (at most 9)");
		}
		if (split_field(ps, t[i], &name, &val)) {
			return -1;
		}
		if (!(want && tok_is(name, want)) && !tok_is(name, alias)) {
			for (j = 0; j < 9; j++) {
				const char *other = hcall_arg_name(o->opcode, j);
				char oalias[3] = { 'a', (char)('0' + j), 0 };

				if ((other && tok_is(name, other)) || tok_is(name, oalias)) {
					break;
				}
			}
			if (j < 9) {
				return fail(ps, name.s, "argument '%.*s' out of order: argument %u is %s%s%s", Q(name),
					    o->nargs, want ? want : "", want ? " or " : "", alias);
			}
			return fail(ps, name.s, "unknown argument '%.*s' for %.*s (argument %u is %s%s%s)", Q(name),
				    Q(opname), o->nargs, want ? want : "", want ? " or " : "", alias);
		}
		if (parse_arg(ps, name, val, &o->arg[o->nargs])) {
			return -1;
		}
		o->nargs++;
	}
	return 0;
}

static int parse_fields(struct parser *ps, const struct tok *t, unsigned nt, struct lp_op *o, struct tok opname)
{
	const struct op_fields *fs = &op_fields[o->kind];
	bool seen[3] = { false, false, false };
	unsigned i, k;

	for (i = 0; i < nt; i++) {
		struct tok name, val;
		const struct op_field *fl = 0;
		char buf[24];
		int reg;

		if (split_field(ps, t[i], &name, &val)) {
			return -1;
		}
		for (k = 0; k < fs->n; k++) {
			if (tok_is(name, fs->f[k].name)) {
				fl = &fs->f[k];
				break;
			}
		}
		if (!fl && tok_is(name, "a")) {
			/* The raw parameter byte, for values beyond the named field's range. */
			for (k = 0; k < fs->n && fs->f[k].what != FLD_A; k++) {
			}
			if (k < fs->n) {
				fl = &fs->f[k];
			}
		}
		if (!fl) {
			char expect[64] = "";

			for (k = 0; k < fs->n; k++) {
				snprintf(expect + strlen(expect), sizeof(expect) - strlen(expect), "%s%s", k ? ", " : "",
					 fs->f[k].name);
			}
			return fail(ps, name.s, "unknown field '%.*s' for %.*s (%s)", Q(name), Q(opname),
				    fs->n ? expect : "it takes none");
		}
		if (seen[k]) {
			if (fl->what == FLD_A) {
				return fail(ps, name.s, "field '%.*s' given twice (a and %s are the same parameter)", Q(name),
					    fl->name);
			}
			return fail(ps, name.s, "field '%.*s' given twice", Q(name));
		}
		seen[k] = true;
		switch (fl->what) {
		case FLD_A: {
			unsigned v;

			if (parse_range(ps, name, val.s, val.n, 0, tok_is(name, "a") ? 255 : fl->max, &v)) {
				return -1;
			}
			o->a = (uint8_t)v;
			break;
		}
		case FLD_ADDR:
			if (parse_arg(ps, name, val, &o->arg[0])) {
				return -1;
			}
			break;
		case FLD_VALUE:
			if (parse_num(ps, val.s, val.n, 64, "value", &o->value)) {
				return -1;
			}
			break;
		case FLD_REG:
			if (val.n == 0) {
				return fail(ps, val.s, "missing register name");
			}
			if (val.n >= sizeof(buf)) {
				return fail(ps, val.s, "unknown register '%.*s'", Q(val));
			}
			memcpy(buf, val.s, val.n);
			buf[val.n] = 0;
			reg = hv_reg_lookup(buf);
			if (reg < 0) {
				return fail(ps, val.s, "unknown register '%.*s'", Q(val));
			}
			o->reg = (uint16_t)reg;
			break;
		}
	}
	return 0;
}

static int parse_op(struct parser *ps, const struct tok *t, unsigned nt)
{
	struct lp_prog *p = ps->p;
	struct lp_op *o;
	unsigned i = 0, k;
	bool is_hcall;

	if (p->nops == lp_cfg_max_ops(&p->cfg)) {
		if (p->cfg.version == 2) {
			return fail(ps, t[0].s, "too many operations (at most %u)", LP_MAX_OPS);
		}
		return fail(ps, t[0].s, "too many operations (at most %u in version 1, %u in version 2)", LP_MAX_OPS_V1,
			    LP_MAX_OPS);
	}
	o = &p->op[p->nops];
	memset(o, 0, sizeof(*o));
	if (t[0].n >= 2 && t[0].s[0] == 'p' && t[0].s[1] >= '0' && t[0].s[1] <= '9') {
		if (parse_actor(ps, t[0], o)) {
			return -1;
		}
		i = 1;
		if (nt == 1) {
			return fail(ps, t[0].s + t[0].n, "missing operation after the actor");
		}
	}
	if (tok_is(t[i], "problem")) {
		/* An hcall from problem state (version 2): MSR[PR] set for this call only. */
		if (p->cfg.version < 2) {
			return fail(ps, t[i].s, "'problem' needs 'lparsec program v2'");
		}
		if (++i == nt) {
			return fail(ps, t[i - 1].s + t[i - 1].n, "missing hcall after 'problem'");
		}
		o->problem = true;
	}
	for (k = 1; k < LP_OP_COUNT; k++) {
		if (tok_is(t[i], lp_op_name(k))) {
			break;
		}
	}
	if (k < LP_OP_COUNT && o->problem) {
		return fail(ps, t[i].s, "'problem' goes with an hcall, not '%.*s'", Q(t[i]));
	}
	if (k >= LP_OP_COUNT_V1 && k < LP_OP_COUNT && p->cfg.version < 2) {
		return fail(ps, t[i].s, "'%.*s' needs 'lparsec program v2'", Q(t[i]));
	}
	if (k < LP_OP_COUNT) {
		o->kind = (uint8_t)k;
		if (parse_fields(ps, t + i + 1, nt - i - 1, o, t[i])) {
			return -1;
		}
		if (lp_kind_has_addr(k)) {
			o->nargs = 1;
		}
	} else {
		if (parse_hcall_name(ps, t[i], o, &is_hcall)) {
			return -1;
		}
		if (!is_hcall) {
			return fail(ps, t[i].s, "unknown operation '%.*s' (an hcall name, hcall(0xOPCODE), or one of mem_add "
						"mem_remove cpu_add cpu_remove win_assign win_unassign relocate migrate "
						"dispatch preempt dma_read dma_write load store plant backdoor poke fill regs)",
				    Q(t[i]));
		}
		o->kind = LP_OP_HCALL;
		if (parse_hcall_args(ps, t + i + 1, nt - i - 1, o, t[i])) {
			return -1;
		}
	}
	p->nops++;
	ps->seen_op = true;
	return 0;
}

static int parse_line(struct parser *ps, const char *s, const char *end)
{
	struct tok t[MAX_TOKS];
	unsigned nt;
	int rc;

	if (tokenize(ps, s, end, t, &nt)) {
		return -1;
	}
	if (nt == 0) {
		return 0;
	}
	if (tok_is(t[0], "lparsec")) {
		rc = parse_header(ps, t, nt);
	} else if (tok_is(t[0], "config")) {
		rc = parse_config(ps, t, nt);
	} else if (tok_is(t[0], "part")) {
		rc = parse_part(ps, t, nt);
	} else if (tok_is(t[0], "segment")) {
		rc = parse_segment(ps, t, nt);
	} else if (tok_is(t[0], "window")) {
		rc = parse_window(ps, t, nt);
	} else {
		rc = parse_op(ps, t, nt);
	}
	ps->seen_item = true;
	return rc;
}

/*
 * A version 2 machine as written must be one the core can build (the
 * binary form cuts what does not fit; a person is told): LMBs, LMB size and
 * HPT sizes as normalizing leaves them.
 */
static int check_machine_fits(struct parser *ps)
{
	struct lp_config want = ps->p->cfg, fit;
	unsigned i, sum = 0;

	lp_prog_normalize(ps->p);
	fit = ps->p->cfg;
	ps->ls = "";
	if (want.version != 2) {
		return 0;
	}
	if (fit.lmb_shift != want.lmb_shift) {
		return fail(ps, ps->ls,
			    "lmb=%uk does not fit memory=%um (at most %u LMBs, one for each partition beside the "
			    "hypervisor's): lmb=%uk does",
			    (unsigned)(1u << (want.lmb_shift - 10)), (unsigned)(lp_cfg_mem_bytes(&want) >> 20),
			    LP_MACHINE_LMBS_MAX, (unsigned)(1u << (fit.lmb_shift - 10)));
	}
	for (i = 0; i < want.nparts; i++) {
		if (fit.hpt_order[i] != want.hpt_order[i]) {
			return fail(ps, ps->ls, "p%u: hpt=%u needs memory=256m or more (64 MiB machines take at most %u)", i,
				    want.hpt_order[i], LP_HPT_ORDER_MAX_SMALL);
		}
		sum += fit.lmbs[i];
	}
	for (i = 0; i < LP_MAX_PARTS * LP_MAX_WINDOWS; i++) {
		if (fit.win_entries[i / 2][i % 2] != want.win_entries[i / 2][i % 2]) {
			return fail(ps, ps->ls,
				    "p%u.w%u: entries=%u needs memory=256m or more (64 MiB machines take windows of at most %u TCEs)",
				    i / 2, i % 2, want.win_entries[i / 2][i % 2], LP_WINDOW_ENTRIES_SMALL);
		}
	}
	for (i = 0; i < want.nparts; i++) {
		if (fit.lmbs[i] != want.lmbs[i]) {
			return fail(ps, ps->ls, "the partitions' LMBs do not fit: the machine leaves them %u", sum);
		}
	}
	return 0;
}

int lp_text_parse(const char *text, size_t len, struct lp_prog *p, char *err, size_t errcap)
{
	struct parser ps;
	const char *s = text, *end = text + len;
	unsigned j;

	memset(&ps, 0, sizeof(ps));
	ps.err = err;
	ps.errcap = errcap;
	ps.p = p;
	if (err && errcap) {
		err[0] = 0;
	}
	memset(p, 0, sizeof(*p));
	p->cfg.version = 1;
	p->cfg.nparts = 1;
	p->cfg.threads = 1;
	for (j = 0; j < LP_MAX_PARTS; j++) {
		p->cfg.lmbs[j] = 1;
		p->cfg.vcpus[j] = 1;
		p->cfg.windows[j] = 0;
		p->cfg.shared[j] = true;
	}
	lp_config_defaults(&p->cfg);
	while (s < end) {
		const char *nl = memchr(s, '\n', (size_t)(end - s));
		const char *le = nl ? nl : end;

		ps.line++;
		ps.ls = s;
		if (parse_line(&ps, s, le)) {
			return -1;
		}
		s = nl ? nl + 1 : end;
	}
	return check_machine_fits(&ps);
}
