/*
 * The harness's own record of where every partition's memory lives (struct
 * lp_memmap): which real LMB of which machine backs each logical LMB, and
 * who owns each real LMB. It starts from the machine's layout at set-up
 * (the hypervisor region, every other LMB free) and changes only when a
 * management operation succeeds; the real LMB the core picked is then read
 * once and must have been free. From there on the model's reads of
 * partition memory, the write-set oracle and the device's DMA check go
 * through this map, and the core's logical maps and LMB table are compared
 * with it after every management operation and at the end of a run: the
 * oracles never take "who owns what" from the state they judge.
 */
#include "exec_internal.h"

static struct lp_memmap *mm(struct lp_exec *x)
{
	return &x->memmap;
}

void lp_memmap_init(struct lp_exec *x)
{
	struct lp_memmap *map = mm(x);
	unsigned mach;

	for (mach = 0; mach < 2; mach++) {
		const struct hv_machine *m = &x->m[mach];
		uint32_t hyp = (uint32_t)((m->hv_bytes + m->cfg.lmb_size - 1) >> m->lmb_shift);

		map->nlmb[mach] = m->lmb_count < LP_MEMMAP_LMBS ? m->lmb_count : LP_MEMMAP_LMBS;
		map->hyp_lmbs[mach] = hyp < map->nlmb[mach] ? hyp : map->nlmb[mach];
		map->hyp_end[mach] = (uint64_t)map->hyp_lmbs[mach] << m->lmb_shift;
		__builtin_memset(map->owner[mach], LP_OWNER_HYP, map->hyp_lmbs[mach]);
		__builtin_memset(map->owner[mach] + map->hyp_lmbs[mach], LP_OWNER_FREE, LP_MEMMAP_LMBS - map->hyp_lmbs[mach]);
	}
	map->used1 = false;
	__builtin_memset(map->changed, 0, sizeof(map->changed));
	__builtin_memset(map->machine, 0, sizeof(map->machine));
	__builtin_memset(map->real, 0, sizeof(map->real));
}

int lp_memmap_owner(const struct lp_exec *x, unsigned mach, uint64_t ra)
{
	const struct lp_memmap *map = &x->memmap;
	uint64_t l = ra >> x->m[mach & 1].lmb_shift;

	return l < map->nlmb[mach & 1] ? map->owner[mach & 1][l] : LP_OWNER_NONE;
}

bool lp_memmap_real(const struct lp_exec *x, unsigned part, uint64_t la, uint64_t len, uint64_t *ra)
{
	const struct lp_memmap *map = &x->memmap;
	unsigned mach = map->machine[part] & 1, shift = x->m[mach].lmb_shift;
	uint64_t first = la >> shift, last, l;

	if (part >= LP_MAX_PARTS || len == 0 || la + len < la) {
		return false;
	}
	last = (la + len - 1) >> shift;
	if (last >= LP_LOGICAL_LMBS || !map->real[part][first]) {
		return false;
	}
	/* A range over several LMBs must be backed by consecutive real LMBs. */
	for (l = first + 1; l <= last; l++) {
		if (map->real[part][l] != map->real[part][first] + (l - first)) {
			return false;
		}
	}
	*ra = ((uint64_t)(map->real[part][first] - 1) << shift) | (la & ((1ull << shift) - 1));
	return true;
}

/* The real LMB the core maps behind part's logical LMB l now, or -1. */
static int32_t core_real(struct lp_exec *x, unsigned part, unsigned l)
{
	struct hv_partition *p = lp_partition(x, part);
	struct hv_machine *m = lp_mach(x, part);

	if (!p || !p->lmap || l >= m->cfg.logical_lmbs_max || !p->lmap[l]) {
		return -1;
	}
	return (int32_t)(p->lmap[l] - 1);
}

static void set_owner(struct lp_memmap *map, unsigned mach, uint32_t r, uint8_t who)
{
	map->owner[mach][r] = who;
	map->changed[mach][r / 64] |= 1ull << (r % 64);
	map->changed_now[mach][r / 64] |= 1ull << (r % 64);
}

/* Part takes real LMB r of machine mach behind logical l: r must have been free. */
static enum lp_inv take(struct lp_exec *x, uint32_t opi, unsigned part, unsigned mach, unsigned l, int32_t r)
{
	struct lp_memmap *map = mm(x);

	if (r < 0) {
		return lp_violate(x, LP_INV_I7, opi, "memory operation succeeded but the logical LMB is not mapped", l,
				  part);
	}
	if ((uint32_t)r >= map->nlmb[mach] || map->owner[mach][r] != LP_OWNER_FREE) {
		unsigned who = (uint32_t)r < map->nlmb[mach] ? map->owner[mach][r] : LP_OWNER_NONE;

		return lp_violate(x, who == LP_OWNER_HYP ? LP_INV_I2 : LP_INV_I1, opi,
				  "the core gave a partition a real LMB that was not free", (uint64_t)r, who);
	}
	set_owner(map, mach, (uint32_t)r, (uint8_t)(part + 1));
	map->real[part][l] = (uint16_t)(r + 1);
	return LP_INV_NONE;
}

static void give_back(struct lp_exec *x, unsigned part, unsigned l)
{
	struct lp_memmap *map = mm(x);

	if (map->real[part][l]) {
		set_owner(map, map->machine[part] & 1, map->real[part][l] - 1u, LP_OWNER_FREE);
		map->real[part][l] = 0;
	}
}

enum lp_inv lp_memmap_learn_add(struct lp_exec *x, uint32_t opi, unsigned part, unsigned l)
{
	if (l >= LP_LOGICAL_LMBS) {
		return LP_INV_NONE;
	}
	return take(x, opi, part, mm(x)->machine[part] & 1, l, core_real(x, part, l));
}

enum lp_inv lp_memmap_learn(struct lp_exec *x, uint32_t opi, const struct lp_op *op)
{
	struct lp_memmap *map = mm(x);
	unsigned part = op->part, l, to;
	uint64_t owned;

	switch (op->kind) {
	case LP_OP_MEM_ADD:
		return lp_memmap_learn_add(x, opi, part, op->a);
	case LP_OP_MEM_REMOVE:
		if (op->a < LP_LOGICAL_LMBS) {
			give_back(x, part, op->a);
		}
		return LP_INV_NONE;
	case LP_OP_RELOCATE: {
		int32_t r = op->a < LP_LOGICAL_LMBS ? core_real(x, part, op->a) : -1;
		uint16_t old = op->a < LP_LOGICAL_LMBS ? map->real[part][op->a] : 0;

		if (!old) {
			return LP_INV_NONE;
		}
		if (r + 1 == old) {
			return lp_violate(x, LP_INV_I11, opi, "relocation succeeded but the LMB did not move", op->a,
					  (uint64_t)r);
		}
		map->real[part][op->a] = 0;
		if (take(x, opi, part, map->machine[part] & 1, op->a, r) != LP_INV_NONE) {
			return (enum lp_inv)x->viol.inv;
		}
		set_owner(map, map->machine[part] & 1, old - 1u, LP_OWNER_FREE);
		return LP_INV_NONE;
	}
	case LP_OP_MIGRATE:
		to = x->loc[part].machine & 1;
		if (to == (map->machine[part] & 1)) {
			return lp_violate(x, LP_INV_I11, opi, "migration succeeded but the partition did not move", part, to);
		}
		for (owned = x->ref.part[part].owned; owned; owned &= owned - 1) { /* the model's: the same set */
			uint16_t old;

			l = (unsigned)__builtin_ctzll(owned);
			old = map->real[part][l];
			if (!old) {
				continue;
			}
			set_owner(map, map->machine[part] & 1, old - 1u, LP_OWNER_FREE);
			map->real[part][l] = 0;
			if (take(x, opi, part, to, l, core_real(x, part, l)) != LP_INV_NONE) {
				return (enum lp_inv)x->viol.inv;
			}
		}
		map->machine[part] = (uint8_t)to;
		map->used1 = true;
		return LP_INV_NONE;
	}
	return LP_INV_NONE;
}

/* Expected state and owner byte of a real LMB, by the record's owner byte (LP_OWNER_*, part + 1). */
struct lmb_expect {
	uint8_t state[256], owner[256];
};

static void lmb_expect_init(struct lp_exec *x, unsigned mach, struct lmb_expect *e)
{
	unsigned part;

	e->state[LP_OWNER_FREE] = HV_LMB_FREE;
	e->state[LP_OWNER_HYP] = HV_LMB_HYP;
	e->owner[LP_OWNER_FREE] = e->owner[LP_OWNER_HYP] = 0;
	for (part = 0; part < LP_MAX_PARTS; part++) {
		bool here = x->loc[part].alive && (x->loc[part].machine & 1) == mach;

		e->state[part + 1] = here ? HV_LMB_ASSIGNED : 0xFF; /* a dead or absent partition owns nothing */
		e->owner[part + 1] = x->loc[part].slot;
	}
}

static bool lmb_ok(const struct hv_lmb *l, const struct lmb_expect *e, uint8_t who)
{
	uint8_t mask = e->state[who] == HV_LMB_ASSIGNED ? 0xFF : 0; /* the owner byte counts when assigned */

	return ((l->state ^ e->state[who]) | ((l->owner ^ e->owner[who]) & mask)) == 0;
}

/*
 * First LMB of machine mach whose state (and owner, when assigned) in the
 * core's table is not what the record says, or LP_MEMMAP_LMBS: every LMB
 * (all), or those of the bitmap `changed` (a few of hundreds).
 */
static uint32_t lmb_table_mismatch(struct lp_exec *x, unsigned mach, bool all, const uint64_t *changed)
{
	const struct lp_memmap *map = &x->memmap;
	const struct hv_lmb *lmb = x->m[mach].lmb;
	uint32_t n = map->nlmb[mach] < x->m[mach].lmb_count ? map->nlmb[mach] : x->m[mach].lmb_count, i, w;
	struct lmb_expect e;

	lmb_expect_init(x, mach, &e);
	if (all) {
		for (i = 0; i < n; i++) {
			if (!lmb_ok(&lmb[i], &e, map->owner[mach][i])) {
				return i;
			}
		}
		return LP_MEMMAP_LMBS;
	}
	for (w = 0; w < LP_MEMMAP_LMBS / 64; w++) {
		uint64_t bits;

		for (bits = changed[w]; bits; bits &= bits - 1) {
			i = w * 64 + (uint32_t)__builtin_ctzll(bits);
			if (i < n && !lmb_ok(&lmb[i], &e, map->owner[mach][i])) {
				return i;
			}
		}
	}
	return LP_MEMMAP_LMBS;
}

/* Bit l: the core maps logical LMB l of part; compared in runs of 8 (a partition maps a few of 64). */
static uint64_t core_mapped(struct lp_exec *x, unsigned part)
{
	const struct hv_partition *p = lp_partition(x, part);
	uint32_t n = lp_mach(x, part)->cfg.logical_lmbs_max, l, j;
	uint64_t mask = 0;

	n = n < LP_LOGICAL_LMBS ? n : LP_LOGICAL_LMBS;
	for (l = 0; p && p->lmap && l + 8 <= n; l += 8) {
		uint32_t any = 0;

		for (j = 0; j < 8; j++) {
			any |= p->lmap[l + j];
		}
		for (j = 0; any && j < 8; j++) {
			mask |= (uint64_t)(p->lmap[l + j] != 0) << (l + j);
		}
	}
	return mask;
}

/* Part's logical map against the record: the logical LMBs mapped on either side, then where each is. */
static enum lp_inv lmap_check(struct lp_exec *x, uint32_t opi, unsigned part)
{
	uint64_t both;

	for (both = core_mapped(x, part) | x->ref.part[part].owned; both; both &= both - 1) {
		unsigned l = (unsigned)__builtin_ctzll(both);
		int32_t r = core_real(x, part, l);

		if (r + 1 != (int32_t)x->memmap.real[part][l]) {
			return lp_violate(x, LP_INV_I11, opi, "logical map differs from where the harness placed the partition's memory",
					  (uint64_t)part << 8 | l, (uint64_t)r);
		}
	}
	return LP_INV_NONE;
}

/* The LMB tables: every entry (all), or those whose owner changed this run (or, this_op, this operation). */
static enum lp_inv lmb_tables_check(struct lp_exec *x, uint32_t opi, bool all, bool this_op)
{
	const struct lp_memmap *map = &x->memmap;
	unsigned mach;

	/* Machine 1 holds nothing until something migrates there. */
	for (mach = 0; mach < (map->used1 ? 2u : 1u); mach++) {
		uint32_t i = lmb_table_mismatch(x, mach, all, this_op ? map->changed_now[mach] : map->changed[mach]);

		if (i < LP_MEMMAP_LMBS) {
			return lp_violate(x, LP_INV_I1, opi, "LMB table differs from the harness's record of its owner",
					  (uint64_t)mach << 16 | i, map->owner[mach][i]);
		}
	}
	return LP_INV_NONE;
}

enum lp_inv lp_memmap_check(struct lp_exec *x, uint32_t opi, bool all_lmbs)
{
	unsigned part;

	if (!x->tracked) {
		return LP_INV_NONE;
	}
	for (part = 0; part < x->prog->cfg.nparts && part < LP_MAX_PARTS; part++) {
		if (x->loc[part].alive && lmap_check(x, opi, part) != LP_INV_NONE) {
			return (enum lp_inv)x->viol.inv;
		}
	}
	return lmb_tables_check(x, opi, all_lmbs, false);
}

enum lp_inv lp_memmap_check_op(struct lp_exec *x, uint32_t opi, unsigned part)
{
	if (!x->tracked || lmap_check(x, opi, part) != LP_INV_NONE) {
		return (enum lp_inv)x->viol.inv;
	}
	return lmb_tables_check(x, opi, false, true);
}

void lp_memmap_op_begin(struct lp_exec *x)
{
	__builtin_memset(x->memmap.changed_now, 0, sizeof(x->memmap.changed_now));
}
