/*
 * The structure-aware mutator (mutator.h). Mutations work on the decoded
 * program, so every output is a canonical encoding of a valid program and
 * each mutation means something: a new or copied operation, one fewer, a
 * different actor, opcode or selector, an edge value, a bigger machine.
 */
#include "mutator.h"

#include <string.h>

#include "hv/regs.h"
#include "lparsec/prog.h"

#define EMPTY_PROG_BYTES 9 /* magic + config */

struct rng {
	uint64_t s;
};

/* splitmix64: deterministic from the seed, good enough for choosing. */
static uint64_t rnd(struct rng *r)
{
	uint64_t z = (r->s += 0x9E3779B97F4A7C15ull);

	z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
	z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
	return z ^ (z >> 31);
}

static unsigned below(struct rng *r, unsigned n)
{
	return n ? (unsigned)(rnd(r) % n) : 0;
}

static const uint64_t interesting[] = {
	0, ~0ull, 1ull << 63, 16383, 16384, 1, 0x7FFFFFFFFFFFFFFFull, 4096, 0xFFF, 0x1000000, 8, 7, 0x80, 0xFF,
};
#define INTERESTING_COUNT (sizeof(interesting) / sizeof(interesting[0]))

static uint64_t tweak(struct rng *r, uint64_t v, unsigned width)
{
	switch (below(r, 3)) {
	case 0:
		return v ^ (1ull << below(r, 8 * width));
	case 1:
		return v + (uint64_t)((int64_t)below(r, 33) - 16);
	default:
		return interesting[below(r, INTERESTING_COUNT)];
	}
}

static uint64_t random_value(struct rng *r, unsigned width)
{
	uint64_t v = rnd(r);

	switch (below(r, 4)) {
	case 0:
		return below(r, 16);
	case 1:
		return interesting[below(r, INTERESTING_COUNT)];
	default:
		return width < 8 ? v & ((1ull << (8 * width)) - 1) : v;
	}
}

static void random_arg(struct rng *r, struct lp_arg *a)
{
	a->sel = (uint8_t)below(r, LP_SEL_COUNT);
	a->val = random_value(r, lp_sel_width(a->sel));
}

static uint64_t random_opcode(struct rng *r)
{
	if (below(r, 32) == 0) {
		return below(r, 2) ? 4ull * below(r, 0x480 / 4) : rnd(r); /* unknown or unnamed calls */
	}
	return lp_hcall_opcodes[below(r, lp_hcall_opcode_count)];
}

static void random_op(struct rng *r, const struct lp_prog *p, struct lp_op *o)
{
	unsigned i;

	memset(o, 0, sizeof(*o));
	/*
	 * Hcalls are most of what there is to test; the backdoor is a no-op when
	 * fuzzing; version 2's operations (poke, fill, read-back) now and then.
	 */
	o->kind = (uint8_t)(below(r, 5) < 2   ? LP_OP_HCALL
			    : below(r, 16) == 0 ? LP_OP_COUNT_V1 + below(r, LP_OP_COUNT - LP_OP_COUNT_V1)
						: 1 + below(r, LP_OP_BACKDOOR - 1));
	o->part = (uint8_t)below(r, p->cfg.nparts);
	o->vcpu = (uint8_t)below(r, LP_MAX_VCPUS);
	if (o->kind == LP_OP_HCALL) {
		o->problem = below(r, 32) == 0; /* from problem state: H_PRIVILEGE, nothing else changed */
		o->opcode = random_opcode(r);
		o->nargs = (uint8_t)below(r, 10);
		for (i = 0; i < o->nargs; i++) {
			random_arg(r, &o->arg[i]);
		}
	}
	if (lp_kind_has_a(o->kind)) {
		o->a = (uint8_t)(below(r, 4) ? below(r, 8) : rnd(r));
	}
	if (lp_kind_has_addr(o->kind)) {
		o->nargs = 1;
		random_arg(r, &o->arg[0]);
	}
	if (lp_kind_has_value(o->kind)) {
		o->value = random_value(r, 8);
	}
	if (lp_kind_has_reg(o->kind)) {
		o->reg = (uint16_t)below(r, HV_REG_COUNT);
	}
}

static void insert_op(struct lp_prog *p, uint32_t at, const struct lp_op *o)
{
	if (p->nops >= LP_FUZZ_OPS) {
		p->nops = LP_FUZZ_OPS - 1; /* full: the last operation makes room */
	}
	if (at > p->nops) {
		at = p->nops;
	}
	memmove(&p->op[at + 1], &p->op[at], (p->nops - at) * sizeof(p->op[0]));
	p->op[at] = *o;
	p->nops++;
}

static void delete_op(struct lp_prog *p, uint32_t at)
{
	memmove(&p->op[at], &p->op[at + 1], (p->nops - at - 1) * sizeof(p->op[0]));
	p->nops--;
}

static void mutate_config(struct rng *r, struct lp_config *c)
{
	unsigned i = below(r, LP_MAX_PARTS);

	unsigned e = below(r, LP_SEGMENTS);

	switch (below(r, 11)) {
	case 0: c->nparts = (uint8_t)(1 + below(r, LP_MAX_PARTS)); break;
	case 1: c->threads = (uint8_t)(1 + below(r, LP_MAX_THREADS)); break;
	case 2: c->lmbs[i] = (uint8_t)(1 + below(r, c->version == 2 && below(r, 2) ? LP_PART_LMBS_MAX : 8)); break;
	case 3: c->vcpus[i] = (uint8_t)(1 + below(r, LP_MAX_VCPUS)); break;
	case 4: c->windows[i] = (uint8_t)below(r, LP_MAX_WINDOWS + 1); break;
	case 5: c->shared[i] = !c->shared[i]; break;
	/* Version 2's machine: a program that changes it becomes a version 2 program. */
	case 6: c->version = 2; c->hpt_order[i] = (uint8_t)(LP_HPT_ORDER_MIN + below(r, LP_HPT_ORDER_MAX - LP_HPT_ORDER_MIN + 1)); break;
	case 7: c->version = 2; c->seg[e].shift = lp_segment_shifts[below(r, LP_SEGMENT_SIZES)]; break;
	case 8:
		c->version = 2;
		c->win_entries[i][e & 1] = lp_window_sizes[below(r, LP_WINDOW_SIZES)];
		c->win_offset[i][e & 1] = (uint8_t)below(r, LP_WINDOW_OFFSETS);
		break;
	case 9:
		/* A larger machine (emit fits the partitions into it). */
		c->version = 2;
		c->mem_shift = (uint8_t)(LP_MEM_SHIFT_MIN + 2 * below(r, (LP_MEM_SHIFT_MAX - LP_MEM_SHIFT_MIN) / 2 + 1));
		c->lmb_shift = (uint8_t)(LP_LMB_SHIFT_MIN + 2 * below(r, (LP_LMB_SHIFT_MAX - LP_LMB_SHIFT_MIN) / 2 + 1));
		break;
	default:
		/* Another VSID: often one another ESID has (two segments, one virtual space), else a nearby one. */
		c->version = 2;
		c->seg[e].vsid = below(r, 2) ? c->seg[below(r, LP_SEGMENTS)].vsid : c->seg[e].vsid + 1 + below(r, 64);
		break;
	}
}

/* Re-aim: another actor, another opcode, another argument count. */
static void reaim(struct rng *r, struct lp_prog *p, struct lp_op *o)
{
	unsigned i;

	switch (below(r, o->kind == LP_OP_HCALL ? 4 : 2)) {
	case 0: o->part = (uint8_t)below(r, p->cfg.nparts); break;
	case 1: o->vcpu = (uint8_t)below(r, LP_MAX_VCPUS); break;
	case 2: o->opcode = random_opcode(r); break;
	default:
		i = o->nargs;
		o->nargs = (uint8_t)below(r, 10);
		for (; i < o->nargs; i++) {
			random_arg(r, &o->arg[i]);
		}
		break;
	}
}

/* Another value for a field of o: an argument's, the stored value, a or the register. */
static void tweak_field(struct rng *r, struct lp_op *o)
{
	unsigned choices = o->nargs + (lp_kind_has_value(o->kind) ? 1u : 0u) + (lp_kind_has_a(o->kind) ? 1u : 0u) +
			   (lp_kind_has_reg(o->kind) ? 1u : 0u);
	unsigned c = below(r, choices);

	if (choices == 0) {
		return;
	}
	if (c < o->nargs) {
		struct lp_arg *a = &o->arg[c];

		a->val = tweak(r, a->val, lp_sel_width(a->sel));
		return;
	}
	c -= o->nargs;
	if (lp_kind_has_value(o->kind) && c-- == 0) {
		o->value = tweak(r, o->value, 8);
	} else if (lp_kind_has_a(o->kind) && c-- == 0) {
		o->a = (uint8_t)tweak(r, o->a, 1);
	} else {
		o->reg = (uint16_t)below(r, HV_REG_COUNT);
	}
}

/*
 * Whether a mutation may add operations to p: less likely the longer it is
 * (never at LP_FUZZ_OPS). Inserts and duplicates (2 in 9) against deletes
 * (1 in 9) alone made programs drift to the cap: the first 400 000 runs of
 * an hcall_seq libFuzzer run from the seeds averaged 54 of at most 64
 * operations, while a 60 s run's kept corpus averaged 31 (after REDUCE), and
 * longer programs cost more to run. With this the drift
 * balances at about half the cap; longer programs still come from the
 * seeds, crossover and the engines' own byte mutations.
 */
static bool may_grow(struct rng *r, const struct lp_prog *p)
{
	return below(r, LP_FUZZ_OPS) >= p->nops;
}

static void mutate_once(struct rng *r, struct lp_prog *p)
{
	struct lp_op o;
	uint32_t i, j;
	unsigned what = below(r, 9);

	if (p->nops == 0 && what != 8) {
		what = 0;
	}
	if ((what == 0 || what == 2) && !may_grow(r, p)) {
		what = 3; /* a program that long changes order instead of growing */
	}
	i = below(r, p->nops);
	j = below(r, p->nops);
	switch (what) {
	case 0: /* insert: a new operation, or a copy of one */
		if (p->nops && below(r, 3) == 0) {
			o = p->op[i];
		} else {
			random_op(r, p, &o);
			lp_op_normalize(&o);
		}
		insert_op(p, below(r, p->nops + 1), &o);
		break;
	case 1:
		delete_op(p, i);
		break;
	case 2: /* duplicate: right after itself (repeat) or anywhere */
		o = p->op[i];
		insert_op(p, below(r, 2) ? i + 1 : below(r, p->nops + 1), &o);
		break;
	case 3:
		o = p->op[i];
		p->op[i] = p->op[j];
		p->op[j] = o;
		break;
	case 4:
		reaim(r, p, &p->op[i]);
		lp_op_normalize(&p->op[i]);
		break;
	case 5: /* switch an argument's selector, keeping its value */
		if (p->op[i].nargs) {
			p->op[i].arg[below(r, p->op[i].nargs)].sel = (uint8_t)below(r, LP_SEL_COUNT);
		} else {
			reaim(r, p, &p->op[i]);
		}
		lp_op_normalize(&p->op[i]);
		break;
	case 6:
	case 7:
		tweak_field(r, &p->op[i]);
		lp_op_normalize(&p->op[i]);
		break;
	default:
		mutate_config(r, &p->cfg);
		break;
	}
}

static struct lp_prog scratch, other;
static uint8_t encoded[LP_MAX_BIN];
/* encoded[0..encoded_len) decodes to scratch exactly (0: scratch changed since, or the output was cut). */
static size_t encoded_len;

/*
 * Canonical form of scratch into out, dropping operations from the end until
 * it fits. The operations are normal already: decoded ones are, and each
 * mutation normalizes the operation it made or changed (normalizing all of
 * them here was ~1.5 % of a libFuzzer run).
 */
static size_t emit(uint8_t *out, size_t max_size)
{
	uint32_t i;
	size_t len;

	lp_config_normalize(&scratch.cfg);
	for (i = 0; i < scratch.nops; i++) {
		scratch.op[i].part %= scratch.cfg.nparts; /* what decode does */
		if (lp_op_needs_v2(&scratch.op[i])) {
			scratch.cfg.version = 2; /* a version 1 program that gained a version 2 operation */
		}
	}
	for (;;) {
		len = lp_prog_encode(&scratch, encoded, sizeof(encoded));
		if (len <= max_size || scratch.nops == 0) {
			break;
		}
		scratch.nops--;
	}
	if (len > max_size && scratch.cfg.version == 2) {
		/* Not even version 2's configuration fits: version 1's does (EMPTY_PROG_BYTES). */
		scratch.cfg.version = 1;
		lp_config_normalize(&scratch.cfg);
		len = lp_prog_encode(&scratch, encoded, sizeof(encoded));
	}
	encoded_len = len;
	if (len > max_size) {
		len = max_size; /* not even the configuration fits: a cut encoding decodes to something else */
		encoded_len = 0;
	}
	memcpy(out, encoded, len);
	return len;
}

const struct lp_prog *lp_mutator_last_program(const uint8_t *data, size_t size)
{
	if (!encoded_len || size != encoded_len || memcmp(data, encoded, size) != 0) {
		return NULL;
	}
	return &scratch;
}

static size_t copy_truncated(const uint8_t *data, size_t size, uint8_t *out, size_t max_size)
{
	size_t len = size < max_size ? size : max_size;

	memmove(out, data, len);
	return len;
}

size_t lp_mutate(const uint8_t *data, size_t size, uint8_t *out, size_t max_size, uint64_t seed)
{
	struct rng r = { seed };
	unsigned n, k;

	encoded_len = 0; /* scratch is about to change */
	if (max_size < EMPTY_PROG_BYTES) {
		return copy_truncated(data, size, out, max_size);
	}
	lp_prog_decode(data, size, &scratch);
	n = 1 + below(&r, 3);
	for (k = 0; k < n; k++) {
		mutate_once(&r, &scratch);
	}
	return emit(out, max_size);
}

size_t lp_mutate_cross(const uint8_t *a, size_t asize, const uint8_t *b, size_t bsize, uint8_t *out,
		       size_t max_size, uint64_t seed)
{
	struct rng r = { seed };
	uint32_t start, len, at, k;

	encoded_len = 0; /* scratch is about to change */
	if (max_size < EMPTY_PROG_BYTES) {
		return copy_truncated(a, asize, out, max_size);
	}
	lp_prog_decode(b, bsize, &other);
	if (other.nops == 0) {
		return lp_mutate(a, asize, out, max_size, seed);
	}
	lp_prog_decode(a, asize, &scratch);
	start = below(&r, other.nops);
	len = 1 + below(&r, other.nops - start < 8 ? other.nops - start : 8);
	at = below(&r, scratch.nops + 1);
	if (may_grow(&r, &scratch)) {
		for (k = 0; k < len; k++) {
			insert_op(&scratch, at + k, &other.op[start + k]);
		}
	} else {
		for (k = 0; k < len && at + k < LP_FUZZ_OPS; k++) { /* the run replaces as many of a's */
			scratch.op[at + k] = other.op[start + k];
		}
		if (at + k > scratch.nops) {
			scratch.nops = at + k;
		}
	}
	return emit(out, max_size);
}
