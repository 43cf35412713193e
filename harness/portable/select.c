/*
 * Argument selectors: turn a program's symbolic arguments into register
 * values against the current machine (prog.h documents each selector).
 * Ownership comes from the reference model's view of the partition, so the
 * same program resolves the same way whatever the core did.
 */
#include "exec_internal.h"

#define PAGES_PER_LMB (LP_LMB_BYTES / 4096)

/* Logical index of the k-th (mod count) owned LMB of part, or -1 when it owns none. */
static unsigned bit_count(uint64_t v)
{
	unsigned n = 0;

	/* A loop, not __builtin_popcountll: that may need a libgcc helper the firmware lacks. */
	for (; v; v &= v - 1) {
		n++;
	}
	return n;
}

static int nth_owned_lmb(const struct lp_exec *x, unsigned part, uint64_t k)
{
	uint64_t owned = x->ref.part[part].owned;
	unsigned count = bit_count(owned), i;

	if (!count) {
		return -1;
	}
	k %= count;
	for (i = 0; i < 64; i++) {
		if ((owned >> i) & 1) {
			if (k == 0) {
				return (int)i;
			}
			k--;
		}
	}
	return -1;
}

/* Logical address in the actor's k-th LMB at offset off (or just off when it owns nothing). */
static uint64_t own_address(const struct lp_exec *x, unsigned part, uint64_t k, uint64_t off)
{
	int lmb = nth_owned_lmb(x, part, k);

	off &= LP_LMB_BYTES - 1;
	return lmb < 0 ? off : (uint64_t)lmb * LP_LMB_BYTES + off;
}

static uint64_t logical_end(const struct lp_exec *x, unsigned part)
{
	uint64_t owned = x->ref.part[part].owned;

	return owned ? (uint64_t)(64 - __builtin_clzll(owned)) * LP_LMB_BYTES : 0;
}

/* A real address inside partition q's first owned LMB (what a leaked address would be). */
static uint64_t other_real(struct lp_exec *x, unsigned q, uint64_t off)
{
	struct hv_partition *p = lp_partition(x, q);
	uint64_t i;

	if (!p) {
		return off;
	}
	for (i = 0; i < lp_mach(x, q)->cfg.logical_lmbs_max; i++) {
		if (p->lmap[i]) {
			return ((uint64_t)(p->lmap[i] - 1) << lp_mach(x, q)->lmb_shift) + (off & (LP_LMB_BYTES - 1));
		}
	}
	return off;
}

static uint64_t edge_value(struct lp_exec *x, unsigned part, unsigned e)
{
	switch (e % LP_EDGE_COUNT) {
	case LP_EDGE_ZERO: return 0;
	case LP_EDGE_NHPTE_M1: return LP_NHPTE - 1;
	case LP_EDGE_NHPTE: return LP_NHPTE;
	case LP_EDGE_NHPTE_P8: return LP_NHPTE + 8;
	case LP_EDGE_2_63: return 1ull << 63;
	case LP_EDGE_ALL_ONES: return ~0ull;
	case LP_EDGE_2_32: return 1ull << 32;
	case LP_EDGE_LOGICAL_END: return logical_end(x, part);
	case LP_EDGE_LOGICAL_END_M4K: return logical_end(x, part) - 4096;
	case LP_EDGE_WIN_END: return (uint64_t)LP_WINDOW_ENTRIES * 4096;
	case LP_EDGE_WIN_END_M4K: return (uint64_t)LP_WINDOW_ENTRIES * 4096 - 4096;
	case LP_EDGE_WIN_START_M4K: return 0ull - 4096;
	case LP_EDGE_512: return 512;
	case LP_EDGE_513: return 513;
	case LP_EDGE_INT64_MAX: return 0x7FFFFFFFFFFFFFFFull;
	case LP_EDGE_2_60: return 1ull << 60;
	case LP_EDGE_LMB_END_M640: return LP_LMB_BYTES - 640;
	case LP_EDGE_LMB_END_M48: return LP_LMB_BYTES - 48;
	case LP_EDGE_LOGICAL_END_M640: return logical_end(x, part) - 640;
	}
	return 0;
}

/* The segment assumption of prog.h: ESID e -> VSID 0x1000 + e, 4 KiB pages. */
static uint64_t sel_vsid(uint64_t v)
{
	return 0x1000 + ((v >> 16) & 0xF);
}

uint64_t lp_resolve(struct lp_exec *x, const struct lp_op *op, unsigned i)
{
	const struct lp_arg *a = &op->arg[i];
	unsigned part = op->part, n = x->prog->cfg.nparts;
	uint64_t v = a->val, page = v & 0xFFFF;

	switch (a->sel) {
	case LP_SEL_LIT:
		return v;
	case LP_SEL_OWN:
		return own_address(x, part, v >> 24, v & 0xFFFFFF);
	case LP_SEL_OTHER:
		return other_real(x, (unsigned)((v >> 24) % n), v);
	case LP_SEL_HYP:
		return v % lp_mach(x, part)->hv_bytes;
	case LP_SEL_PTEX:
		return x->loc[part].last_ptex + (uint64_t)(int64_t)(int8_t)v;
	case LP_SEL_EDGE:
		return edge_value(x, part, (unsigned)v);
	case LP_SEL_LIOBN:
		return lp_liobn((unsigned)(((v >> 1) + part) % n), (unsigned)(v & 1));
	case LP_SEL_PTEH:
		return ((((sel_vsid(v) << 28) | (page << 12)) >> 16) & ~0x7Full) | 1;
	case LP_SEL_PTEL:
		return own_address(x, part, v >> 24, (((v >> 8) & 0xFFFF) % PAGES_PER_LMB) * 4096) | 0x10 | (v & 3) |
		       ((v & 4) ? 0x4 : 0);
	case LP_SEL_TCE:
		return own_address(x, part, v >> 24, (((v >> 8) & 0xFFFF) % PAGES_PER_LMB) * 4096) | (v & 3);
	case LP_SEL_IOBA:
		return (v & 0xFFF) * 4096;
	case LP_SEL_HASH:
		return ((sel_vsid(v) ^ page) & (LP_NHPTE / 8 - 1)) * 8 + ((v >> 20) & 7);
	case LP_SEL_EA:
		return (((v >> 16) & 0xF) << 28) | (page << 12) | ((v >> 20) & 0xFF8);
	}
	return v;
}
