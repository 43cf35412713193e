/*
 * The binary program form: decoding any byte string into a valid program,
 * and the canonical encoding. Portable (no libc).
 */
#include "lparsec/prog.h"

#include "hv/papr.h"
#include "hv/regs.h"

#define LP_RCS(...) { __VA_ARGS__, LP_RC_END }
#define LP_ARGS(...) { __VA_ARGS__ }
#define LP_NO_ARGS { 0 }

const struct lp_hcall_desc lp_hcalls[] = {
#define LP_HCALL(opcode, rcs, args, targets) { opcode, rcs, args, targets },
#include "lparsec/hcalls.def"
#undef LP_HCALL
};

const uint64_t lp_hcall_opcodes[] = {
#define LP_HCALL(opcode, rcs, args, targets) opcode,
#include "lparsec/hcalls.def"
#undef LP_HCALL
};
const unsigned lp_hcall_opcode_count = sizeof(lp_hcall_opcodes) / sizeof(lp_hcall_opcodes[0]);

_Static_assert(sizeof(lp_hcalls) / sizeof(lp_hcalls[0]) == sizeof(lp_hcall_opcodes) / sizeof(lp_hcall_opcodes[0]),
	       "one description per opcode");

const struct lp_hcall_desc *lp_hcall_find(uint64_t opcode)
{
	unsigned i;

	for (i = 0; i < lp_hcall_opcode_count; i++) {
		if (lp_hcalls[i].opcode == opcode) {
			return &lp_hcalls[i];
		}
	}
	return 0;
}

#define OPCODE_RAW 0xFF

const struct lp_page_size lp_page_sizes[LP_PAGE_SIZES] = {
	{ 12, 12, 0 }, { 12, 16, 0x7 }, { 12, 24, 0x38 }, { 16, 16, 0x1 }, { 16, 24, 0x8 }, { 24, 24, 0x0 },
};

static const uint8_t sel_width[LP_SEL_COUNT] = {
	[LP_SEL_LIT] = 8, [LP_SEL_OWN] = 4, [LP_SEL_OTHER] = 4, [LP_SEL_HYP] = 4, [LP_SEL_PTEX] = 1,
	[LP_SEL_EDGE] = 1, [LP_SEL_LIOBN] = 1, [LP_SEL_PTEH] = 4, [LP_SEL_PTEL] = 4, [LP_SEL_TCE] = 4,
	[LP_SEL_IOBA] = 2, [LP_SEL_HASH] = 4, [LP_SEL_EA] = 4,
};

unsigned lp_sel_width(unsigned sel)
{
	return sel < LP_SEL_COUNT ? sel_width[sel] : 8;
}

/* ---- reading: past the end everything reads as zero ---- */

struct reader {
	const uint8_t *p;
	size_t len, pos;
};

static uint64_t rd(struct reader *r, unsigned width)
{
	uint64_t v = 0;
	unsigned i;

	if (r->pos + 8 <= r->len) {
		/* Inside the input: one little-endian doubleword (a single load on most hosts), then the width. */
		const uint8_t *b = r->p + r->pos;

		v = (uint64_t)b[0] | (uint64_t)b[1] << 8 | (uint64_t)b[2] << 16 | (uint64_t)b[3] << 24 |
		    (uint64_t)b[4] << 32 | (uint64_t)b[5] << 40 | (uint64_t)b[6] << 48 | (uint64_t)b[7] << 56;
		r->pos += width;
		return width >= 8 ? v : v & ((1ull << (8 * width)) - 1);
	}
	for (i = 0; i < width; i++) {
		uint64_t b = r->pos < r->len ? r->p[r->pos] : 0;

		r->pos++;
		v |= b << (8 * i);
	}
	return v;
}

static bool more(const struct reader *r)
{
	return r->pos < r->len;
}

/*
 * Config bytes: b0 = nparts - 1 (& 3), b1..b4 per partition (lmbs - 1 in bits
 * 0-2, shared in bit 3, windows in bits 4-5 (3 reads as 2), vcpus - 1 in bits
 * 6-7), b5 = threads - 1 (& 3).
 */
static void config_decode(struct reader *r, struct lp_config *c)
{
	unsigned i;

	c->nparts = (uint8_t)(1 + (rd(r, 1) & 3));
	for (i = 0; i < LP_MAX_PARTS; i++) {
		uint8_t b = (uint8_t)rd(r, 1);

		c->lmbs[i] = (uint8_t)(1 + (b & 7));
		c->shared[i] = !(b & 8); /* zero bytes mean shared: the common case */
		c->windows[i] = (uint8_t)((b >> 4) & 3);
		if (c->windows[i] > LP_MAX_WINDOWS) {
			c->windows[i] = LP_MAX_WINDOWS;
		}
		c->vcpus[i] = (uint8_t)(1 + (b >> 6));
	}
	c->threads = (uint8_t)(1 + (rd(r, 1) & 3));
}

/* The interpreter's alias segments use VSIDs 0x7F000.. (interp.h): a program's segment never aliases them. */
static uint32_t segment_vsid(unsigned e, uint32_t vsid)
{
	vsid &= 0xFFFFFF;
	if (vsid == 0) {
		return lp_segment_default(e).vsid;
	}
	return (vsid >> 12) == 0x7F ? vsid ^ 0x100000 : vsid;
}

void lp_config_defaults(struct lp_config *c)
{
	unsigned i;

	c->mem_shift = LP_MEM_SHIFT_MIN;
	c->lmb_shift = LP_LMB_SHIFT_MIN;
	for (i = 0; i < LP_MAX_PARTS; i++) {
		c->hpt_order[i] = LP_HPT_ORDER_MIN;
		c->win_entries[i][0] = c->win_entries[i][1] = LP_WINDOW_ENTRIES;
		c->win_offset[i][0] = c->win_offset[i][1] = 0;
	}
	for (i = 0; i < LP_SEGMENTS; i++) {
		c->seg[i] = lp_segment_default(i);
	}
}

uint64_t lp_cfg_hv_bytes_bound(const struct lp_config *c)
{
	uint64_t hpt = 1ull << lp_cfg_hpt_order_max(c), entries = LP_WINDOW_ENTRIES, lmb = lp_cfg_lmb_bytes(c), b;
	unsigned i;

	for (i = 0; i < LP_MAX_PARTS * LP_MAX_WINDOWS; i++) {
		entries = c->win_entries[i / 2][i % 2] > entries ? c->win_entries[i / 2][i % 2] : entries;
	}
	/*
	 * The core's layout (hv/core/machine.c), bounded from above: 1 MiB for
	 * what lies below the HPTs and the small tables (reserved low memory,
	 * the partition table, an LMB table of at most 256 records, logical
	 * maps, save areas); one more HPT for its alignment; 4 slots of HPT and
	 * 32 bytes of record per entry; 8 windows' tables and shadows.
	 */
	b = (1ull << 20) + hpt + LP_MAX_PARTS * (hpt + hpt / 16 * 32) + LP_MAX_PARTS * LP_MAX_WINDOWS * entries * 16;
	return (b + lmb - 1) & ~(lmb - 1);
}

/* LMBs c's machine leaves to partitions, by that bound. */
static uint64_t partition_lmbs(const struct lp_config *c)
{
	uint64_t hv = lp_cfg_hv_bytes_bound(c);

	return hv >= lp_cfg_mem_bytes(c) ? 0 : (lp_cfg_mem_bytes(c) - hv) >> c->lmb_shift;
}

/*
 * What makes a version 2 machine one the core can build with every
 * partition on it: at most LP_MACHINE_LMBS_MAX LMBs (larger LMBs in larger
 * memory), HPTs of at most 2^20 in 64 MiB, an LMB for each partition
 * beside the hypervisor's (smaller LMBs), and the partitions' LMBs within
 * what the hypervisor region leaves (the last partitions give some back).
 */
static void config_fit(struct lp_config *c)
{
	uint64_t pool, sum = 0;
	unsigned i, k, max_order = c->mem_shift > LP_MEM_SHIFT_MIN ? LP_HPT_ORDER_MAX : LP_HPT_ORDER_MAX_SMALL;

	if (c->lmb_shift + 8 < c->mem_shift) {
		c->lmb_shift = (uint8_t)(c->mem_shift - 8);
	}
	for (i = 0; i < LP_MAX_PARTS; i++) {
		c->hpt_order[i] = c->hpt_order[i] > max_order ? (uint8_t)max_order : c->hpt_order[i];
		for (k = 0; k < LP_MAX_WINDOWS; k++) {
			if (c->mem_shift == LP_MEM_SHIFT_MIN && c->win_entries[i][k] > LP_WINDOW_ENTRIES_SMALL) {
				c->win_entries[i][k] = LP_WINDOW_ENTRIES_SMALL;
			}
		}
	}
	pool = partition_lmbs(c);
	while (pool < c->nparts && c->lmb_shift > LP_LMB_SHIFT_MIN && c->lmb_shift + 8 > c->mem_shift) {
		c->lmb_shift = (uint8_t)(c->lmb_shift - 2);
		pool = partition_lmbs(c);
	}
	for (i = 0; i < c->nparts && i < LP_MAX_PARTS; i++) {
		sum += c->lmbs[i];
	}
	for (i = c->nparts; i-- > 0 && sum > pool;) {
		uint64_t give = sum - pool < c->lmbs[i] - 1u ? sum - pool : c->lmbs[i] - 1u;

		c->lmbs[i] = (uint8_t)(c->lmbs[i] - give);
		sum -= give;
	}
}

/* Version 2's configuration after the version 1 bytes (format in prog.h). */
static void config_decode_v2(struct reader *r, struct lp_config *c)
{
	unsigned i, n, b = (unsigned)rd(r, 1);

	c->mem_shift = (uint8_t)(LP_MEM_SHIFT_MIN + 2 * ((b & 3) % 3));
	c->lmb_shift = (uint8_t)(LP_LMB_SHIFT_MIN + 2 * ((b >> 2) & 3));
	for (i = 0; i < LP_MAX_PARTS; i++) {
		b = (unsigned)rd(r, 1);
		c->hpt_order[i] = (uint8_t)(LP_HPT_ORDER_MIN + (b & 7) % (LP_HPT_ORDER_MAX - LP_HPT_ORDER_MIN + 1));
		c->lmbs[i] = (uint8_t)(c->lmbs[i] + 8 * ((b >> 3) & 7));
	}
	for (i = 0; i < LP_MAX_PARTS * LP_MAX_WINDOWS; i++) {
		unsigned b = (unsigned)rd(r, 1);

		c->win_entries[i / 2][i % 2] = lp_window_sizes[b & 3];
		c->win_offset[i / 2][i % 2] = (uint8_t)((b >> 2) & 7);
	}
	n = (unsigned)(rd(r, 1) % (LP_SEGMENTS + 1));
	for (i = 0; i < n; i++) {
		unsigned e = (unsigned)(rd(r, 1) & 15);

		c->seg[e].shift = lp_segment_shifts[(rd(r, 1) & 3) % LP_SEGMENT_SIZES];
		c->seg[e].vsid = segment_vsid(e, (uint32_t)rd(r, 3));
	}
}

/* Fixed parameters per kind after the actor byte. */
bool lp_kind_has_a(unsigned k)
{
	return k == LP_OP_MEM_ADD || k == LP_OP_MEM_REMOVE || k == LP_OP_WIN_ASSIGN || k == LP_OP_WIN_UNASSIGN ||
	       k == LP_OP_RELOCATE || k == LP_OP_DISPATCH || k == LP_OP_PREEMPT || k == LP_OP_DMA_READ ||
	       k == LP_OP_DMA_WRITE || k == LP_OP_BACKDOOR || k == LP_OP_FILL;
}

bool lp_kind_has_addr(unsigned k)
{
	return k == LP_OP_DMA_READ || k == LP_OP_DMA_WRITE || k == LP_OP_LOAD || k == LP_OP_STORE || k == LP_OP_POKE ||
	       k == LP_OP_FILL;
}

bool lp_kind_has_value(unsigned k)
{
	return k == LP_OP_DMA_WRITE || k == LP_OP_STORE || k == LP_OP_PLANT || k == LP_OP_BACKDOOR || k == LP_OP_POKE ||
	       k == LP_OP_FILL;
}

bool lp_kind_has_reg(unsigned k)
{
	return k == LP_OP_PLANT || k == LP_OP_REGS;
}

bool lp_op_needs_v2(const struct lp_op *op)
{
	return op->kind >= LP_OP_COUNT_V1 || op->problem;
}

static void arg_decode(struct reader *r, struct lp_arg *a)
{
	a->sel = (uint8_t)(rd(r, 1) % LP_SEL_COUNT);
	a->val = rd(r, lp_sel_width(a->sel));
}

static void op_decode(struct reader *r, struct lp_op *o, unsigned version)
{
	uint8_t actor;
	unsigned i;

	o->kind = (uint8_t)(rd(r, 1) % (version == 2 ? LP_OP_COUNT : LP_OP_COUNT_V1));
	actor = (uint8_t)rd(r, 1);
	o->part = actor & 3;
	o->vcpu = (actor >> 2) & 3;
	o->problem = version == 2 && o->kind == LP_OP_HCALL && (actor & 0x10);
	if (o->kind == LP_OP_HCALL) {
		uint8_t idx = (uint8_t)rd(r, 1);

		o->opcode = idx == OPCODE_RAW ? rd(r, 8) : lp_hcall_opcodes[idx % lp_hcall_opcode_count];
		o->nargs = (uint8_t)(rd(r, 1) % 10);
		for (i = 0; i < o->nargs; i++) {
			arg_decode(r, &o->arg[i]);
		}
	}
	if (lp_kind_has_a(o->kind)) {
		o->a = (uint8_t)rd(r, 1);
		if (o->kind == LP_OP_FILL) {
			o->a %= LP_FILL_PAGES_MAX + 1;
		}
	}
	if (lp_kind_has_reg(o->kind)) {
		o->reg = (uint16_t)(rd(r, 2) % HV_REG_COUNT);
	}
	if (lp_kind_has_addr(o->kind)) {
		o->nargs = 1;
		arg_decode(r, &o->arg[0]);
	}
	if (lp_kind_has_value(o->kind)) {
		o->value = rd(r, 8);
	}
}

void lp_config_normalize(struct lp_config *c)
{
	unsigned j, k;

	if (c->version != 2) {
		c->version = 1;
		lp_config_defaults(c);
	}
	c->nparts = c->nparts < 1 ? 1 : c->nparts > LP_MAX_PARTS ? LP_MAX_PARTS : c->nparts;
	c->threads = c->threads < 1 ? 1 : c->threads > LP_MAX_THREADS ? LP_MAX_THREADS : c->threads;
	c->mem_shift = c->mem_shift <= LP_MEM_SHIFT_MIN ? LP_MEM_SHIFT_MIN
		       : c->mem_shift >= LP_MEM_SHIFT_MAX ? LP_MEM_SHIFT_MAX
							   : (uint8_t)(c->mem_shift & ~1u);
	c->lmb_shift = c->lmb_shift <= LP_LMB_SHIFT_MIN ? LP_LMB_SHIFT_MIN
		       : c->lmb_shift >= LP_LMB_SHIFT_MAX ? LP_LMB_SHIFT_MAX
							   : (uint8_t)(c->lmb_shift & ~1u);
	for (j = 0; j < LP_MAX_PARTS; j++) {
		unsigned most = c->version == 2 ? LP_PART_LMBS_MAX : 8;

		c->lmbs[j] = c->lmbs[j] < 1 ? 1 : c->lmbs[j] > most ? (uint8_t)most : c->lmbs[j];
		c->vcpus[j] = c->vcpus[j] < 1 ? 1 : c->vcpus[j] > LP_MAX_VCPUS ? LP_MAX_VCPUS : c->vcpus[j];
		c->windows[j] = c->windows[j] > LP_MAX_WINDOWS ? LP_MAX_WINDOWS : c->windows[j];
		c->shared[j] = c->shared[j] != 0;
		c->hpt_order[j] = c->hpt_order[j] < LP_HPT_ORDER_MIN   ? LP_HPT_ORDER_MIN
				  : c->hpt_order[j] > LP_HPT_ORDER_MAX ? LP_HPT_ORDER_MAX
								       : c->hpt_order[j];
		for (k = 0; k < LP_MAX_WINDOWS; k++) {
			unsigned s;

			for (s = LP_WINDOW_SIZES - 1; s > 0 && c->win_entries[j][k] < lp_window_sizes[s]; s--) {
			}
			c->win_entries[j][k] = lp_window_sizes[s]; /* the largest size not above it */
			c->win_offset[j][k] &= LP_WINDOW_OFFSETS - 1;
		}
	}
	for (j = 0; j < LP_SEGMENTS; j++) {
		c->seg[j].shift = lp_segment_shifts[lp_segment_size_index(c->seg[j].shift)];
		c->seg[j].vsid = segment_vsid(j, c->seg[j].vsid);
	}
	if (c->version == 2) {
		config_fit(c);
	}
}

void lp_op_normalize(struct lp_op *o)
{
	unsigned j;

	o->kind %= LP_OP_COUNT;
	o->part &= 3;
	o->vcpu &= 3;
	if (!lp_kind_has_a(o->kind)) {
		o->a = 0;
	}
	if (o->kind == LP_OP_FILL) {
		o->a %= LP_FILL_PAGES_MAX + 1;
	}
	o->reg = lp_kind_has_reg(o->kind) ? (uint16_t)(o->reg % HV_REG_COUNT) : 0;
	o->problem = o->kind == LP_OP_HCALL && o->problem;
	if (!lp_kind_has_value(o->kind)) {
		o->value = 0;
	}
	if (o->kind == LP_OP_HCALL) {
		o->nargs = o->nargs > 9 ? 9 : o->nargs;
	} else {
		o->opcode = 0;
		o->nargs = lp_kind_has_addr(o->kind) ? 1 : 0;
	}
	for (j = 0; j < 9; j++) {
		struct lp_arg *a = &o->arg[j];

		if (j >= o->nargs) {
			a->sel = 0;
			a->val = 0;
			continue;
		}
		a->sel %= LP_SEL_COUNT;
		if (lp_sel_width(a->sel) < 8) {
			a->val &= (1ull << (8 * lp_sel_width(a->sel))) - 1;
		}
	}
}

void lp_prog_normalize(struct lp_prog *p)
{
	uint32_t i;

	lp_config_normalize(&p->cfg);
	if (p->nops > LP_MAX_OPS) {
		p->nops = LP_MAX_OPS;
	}
	if (p->nops > LP_MAX_OPS_V1 && p->cfg.version != 2) {
		p->cfg.version = 2; /* what version 1 cannot say: more operations */
		lp_config_normalize(&p->cfg);
	}
	for (i = 0; i < p->nops; i++) {
		lp_op_normalize(&p->op[i]);
		if (lp_op_needs_v2(&p->op[i]) && p->cfg.version != 2) {
			p->cfg.version = 2; /* what version 1 cannot say (the mutator's new operations) */
		}
	}
}

void lp_prog_decode(const uint8_t *data, size_t len, struct lp_prog *p)
{
	struct reader r = { data, len, 0 };
	size_t i;

	/* Only what will be read is zeroed (the op table is 64 x 200 bytes; programs are short). */
	p->cfg = (struct lp_config){ 0 };
	p->cfg.version = 1;
	p->nops = 0;
	if (len >= 3 && data[0] == 'L' && data[1] == 'P' && (data[2] == 1 || data[2] == 2)) {
		p->cfg.version = data[2];
		r.pos = 3;
	}
	config_decode(&r, &p->cfg);
	lp_config_defaults(&p->cfg);
	if (p->cfg.version == 2) {
		config_decode_v2(&r, &p->cfg);
		config_fit(&p->cfg);
	}
	while (more(&r) && p->nops < lp_cfg_max_ops(&p->cfg)) {
		p->op[p->nops] = (struct lp_op){ 0 };
		op_decode(&r, &p->op[p->nops++], p->cfg.version);
	}
	/* Actors name existing partitions: makes the text form say what actually runs. */
	for (i = 0; i < p->nops; i++) {
		p->op[i].part %= p->cfg.nparts;
	}
}

/* ---- writing ---- */

struct writer {
	uint8_t *p;
	size_t cap, pos;
};

static void wr(struct writer *w, uint64_t v, unsigned width)
{
	unsigned i;

	for (i = 0; i < width; i++) {
		if (w->pos < w->cap) {
			w->p[w->pos] = (uint8_t)(v >> (8 * i));
		}
		w->pos++;
	}
}

static int opcode_index(uint64_t opcode)
{
	unsigned i;

	for (i = 0; i < lp_hcall_opcode_count; i++) {
		if (lp_hcall_opcodes[i] == opcode) {
			return (int)i;
		}
	}
	return -1;
}

size_t lp_prog_encode(const struct lp_prog *p, uint8_t *buf, size_t cap)
{
	struct writer w = { buf, cap, 0 };
	const struct lp_config *c = &p->cfg;
	uint32_t i;
	unsigned j;

	wr(&w, 'L', 1);
	wr(&w, 'P', 1);
	wr(&w, c->version == 2 ? 2 : 1, 1);
	wr(&w, (uint64_t)(c->nparts - 1), 1);
	for (j = 0; j < LP_MAX_PARTS; j++) {
		wr(&w, (uint64_t)(((c->lmbs[j] - 1) & 7) | (c->shared[j] ? 0 : 8) | (c->windows[j] << 4) |
				  ((c->vcpus[j] - 1) << 6)),
		   1);
	}
	wr(&w, (uint64_t)(c->threads - 1), 1);
	if (c->version == 2) {
		unsigned n = 0;

		wr(&w, (uint64_t)((c->mem_shift - LP_MEM_SHIFT_MIN) / 2 | (c->lmb_shift - LP_LMB_SHIFT_MIN) / 2 << 2), 1);
		for (j = 0; j < LP_MAX_PARTS; j++) {
			wr(&w, (uint64_t)((c->hpt_order[j] - LP_HPT_ORDER_MIN) | ((c->lmbs[j] - 1) >> 3) << 3), 1);
		}
		for (j = 0; j < LP_MAX_PARTS * LP_MAX_WINDOWS; j++) {
			unsigned s;

			for (s = 0; s < LP_WINDOW_SIZES - 1 && lp_window_sizes[s] != c->win_entries[j / 2][j % 2]; s++) {
			}
			wr(&w, (uint64_t)(s | (c->win_offset[j / 2][j % 2] << 2)), 1);
		}
		for (j = 0; j < LP_SEGMENTS; j++) {
			n += !lp_segment_is_default(c, j);
		}
		wr(&w, n, 1);
		for (j = 0; j < LP_SEGMENTS; j++) {
			if (!lp_segment_is_default(c, j)) {
				wr(&w, j, 1);
				wr(&w, lp_segment_size_index(c->seg[j].shift), 1);
				wr(&w, c->seg[j].vsid, 3);
			}
		}
	}
	for (i = 0; i < p->nops; i++) {
		const struct lp_op *o = &p->op[i];

		wr(&w, o->kind, 1);
		wr(&w, (uint64_t)(o->part | (o->vcpu << 2) | (o->problem ? 0x10 : 0)), 1);
		if (o->kind == LP_OP_HCALL) {
			int idx = opcode_index(o->opcode);

			if (idx >= 0) {
				wr(&w, (uint64_t)idx, 1);
			} else {
				wr(&w, OPCODE_RAW, 1);
				wr(&w, o->opcode, 8);
			}
			wr(&w, o->nargs, 1);
			for (j = 0; j < o->nargs; j++) {
				wr(&w, o->arg[j].sel, 1);
				wr(&w, o->arg[j].val, lp_sel_width(o->arg[j].sel));
			}
		}
		if (lp_kind_has_a(o->kind)) {
			wr(&w, o->a, 1);
		}
		if (lp_kind_has_reg(o->kind)) {
			wr(&w, o->reg, 2);
		}
		if (lp_kind_has_addr(o->kind)) {
			wr(&w, o->arg[0].sel, 1);
			wr(&w, o->arg[0].val, lp_sel_width(o->arg[0].sel));
		}
		if (lp_kind_has_value(o->kind)) {
			wr(&w, o->value, 8);
		}
	}
	return w.pos;
}

/* ---- names ---- */

static const char *const op_names[LP_OP_COUNT] = {
	[LP_OP_HCALL] = "hcall", [LP_OP_MEM_ADD] = "mem_add", [LP_OP_MEM_REMOVE] = "mem_remove",
	[LP_OP_CPU_ADD] = "cpu_add", [LP_OP_CPU_REMOVE] = "cpu_remove", [LP_OP_WIN_ASSIGN] = "win_assign",
	[LP_OP_WIN_UNASSIGN] = "win_unassign", [LP_OP_RELOCATE] = "relocate", [LP_OP_MIGRATE] = "migrate",
	[LP_OP_DISPATCH] = "dispatch", [LP_OP_PREEMPT] = "preempt", [LP_OP_DMA_READ] = "dma_read",
	[LP_OP_DMA_WRITE] = "dma_write", [LP_OP_LOAD] = "load", [LP_OP_STORE] = "store", [LP_OP_PLANT] = "plant",
	[LP_OP_BACKDOOR] = "backdoor", [LP_OP_POKE] = "poke", [LP_OP_FILL] = "fill", [LP_OP_REGS] = "regs",
};

static const char *const sel_names[LP_SEL_COUNT] = {
	[LP_SEL_LIT] = "lit", [LP_SEL_OWN] = "own", [LP_SEL_OTHER] = "other", [LP_SEL_HYP] = "hyp",
	[LP_SEL_PTEX] = "ptex", [LP_SEL_EDGE] = "edge", [LP_SEL_LIOBN] = "liobn", [LP_SEL_PTEH] = "pteh",
	[LP_SEL_PTEL] = "ptel", [LP_SEL_TCE] = "tce", [LP_SEL_IOBA] = "ioba", [LP_SEL_HASH] = "hash",
	[LP_SEL_EA] = "ea",
};

static const char *const edge_names[LP_EDGE_COUNT] = {
	[LP_EDGE_ZERO] = "zero", [LP_EDGE_NHPTE_M1] = "nhpte-1", [LP_EDGE_NHPTE] = "nhpte",
	[LP_EDGE_NHPTE_P8] = "nhpte+8", [LP_EDGE_2_63] = "2^63", [LP_EDGE_ALL_ONES] = "ones", [LP_EDGE_2_32] = "2^32",
	[LP_EDGE_LOGICAL_END] = "lend", [LP_EDGE_LOGICAL_END_M4K] = "lend-4k", [LP_EDGE_WIN_END] = "wend",
	[LP_EDGE_WIN_END_M4K] = "wend-4k", [LP_EDGE_WIN_START_M4K] = "wstart-4k", [LP_EDGE_512] = "512",
	[LP_EDGE_513] = "513", [LP_EDGE_INT64_MAX] = "int64max", [LP_EDGE_2_60] = "2^60",
	[LP_EDGE_LMB_END_M640] = "lmb-640", [LP_EDGE_LMB_END_M48] = "lmb-48", [LP_EDGE_LOGICAL_END_M640] = "lend-640",
};

const char *lp_op_name(unsigned kind)
{
	return kind < LP_OP_COUNT ? op_names[kind] : "?";
}

const char *lp_sel_name(unsigned sel)
{
	return sel < LP_SEL_COUNT ? sel_names[sel] : "?";
}

const char *lp_edge_name(unsigned edge)
{
	return edge < LP_EDGE_COUNT ? edge_names[edge] : "?";
}
