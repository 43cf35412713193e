/*
 * Argument selectors: turn a program's symbolic arguments into register
 * values against the current machine (prog.h documents each selector).
 * Ownership comes from the reference model's view of the partition, so the
 * same program resolves the same way whatever the core did.
 */
#include "exec_internal.h"

/* The program's LMB size (256 KiB in version 1), and its 4 KiB pages. */
static uint64_t lmb_bytes(const struct lp_exec *x)
{
	return lp_cfg_lmb_bytes(&x->prog->cfg);
}

static uint64_t pages_per_lmb(const struct lp_exec *x)
{
	return lmb_bytes(x) / 4096;
}

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

	off &= lmb_bytes(x) - 1;
	return lmb < 0 ? off : (uint64_t)lmb * lmb_bytes(x) + off;
}

static uint64_t logical_end(const struct lp_exec *x, unsigned part)
{
	uint64_t owned = x->ref.part[part].owned;

	return owned ? (uint64_t)(64 - __builtin_clzll(owned)) * lmb_bytes(x) : 0;
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
			return ((uint64_t)(p->lmap[i] - 1) << lp_mach(x, q)->lmb_shift) + (off & (lmb_bytes(x) - 1));
		}
	}
	return off;
}

/* The bus address past the actor's window 0 (its geometry from the program's configuration). */
static uint64_t window0_end(const struct lp_exec *x, unsigned part)
{
	return lp_cfg_win_offset(&x->prog->cfg, part, 0) + lp_cfg_win_entries(&x->prog->cfg, part, 0) * 4096;
}

static uint64_t edge_value(struct lp_exec *x, unsigned part, unsigned e)
{
	switch (e % LP_EDGE_COUNT) {
	case LP_EDGE_ZERO: return 0;
	case LP_EDGE_NHPTE_M1: return lp_cfg_nhpte(&x->prog->cfg, part) - 1;
	case LP_EDGE_NHPTE: return lp_cfg_nhpte(&x->prog->cfg, part);
	case LP_EDGE_NHPTE_P8: return lp_cfg_nhpte(&x->prog->cfg, part) + 8;
	case LP_EDGE_2_63: return 1ull << 63;
	case LP_EDGE_ALL_ONES: return ~0ull;
	case LP_EDGE_2_32: return 1ull << 32;
	case LP_EDGE_LOGICAL_END: return logical_end(x, part);
	case LP_EDGE_LOGICAL_END_M4K: return logical_end(x, part) - 4096;
	case LP_EDGE_WIN_END: return window0_end(x, part);
	case LP_EDGE_WIN_END_M4K: return window0_end(x, part) - 4096;
	case LP_EDGE_WIN_START_M4K: return lp_cfg_win_offset(&x->prog->cfg, part, 0) - 4096;
	case LP_EDGE_512: return 512;
	case LP_EDGE_513: return 513;
	case LP_EDGE_INT64_MAX: return 0x7FFFFFFFFFFFFFFFull;
	case LP_EDGE_2_60: return 1ull << 60;
	case LP_EDGE_LMB_END_M640: return lmb_bytes(x) - 640;
	case LP_EDGE_LMB_END_M48: return lmb_bytes(x) - 48;
	case LP_EDGE_LOGICAL_END_M640: return logical_end(x, part) - 640;
	}
	return 0;
}

/* The program's segment the PTEH/HASH/EA selector value v names (ESID (v >> 16) & 0xF). */
static const struct lp_segment *sel_segment(const struct lp_exec *x, uint64_t v)
{
	return &x->prog->cfg.seg[(v >> 16) & 0xF];
}

/* Offset in its segment of page v & 0xFFFF of that segment's base page size (wrapping inside the segment). */
static uint64_t sel_page_offset(const struct lp_segment *seg, uint64_t v)
{
	return ((v & 0xFFFF) << seg->shift) & 0x0FFFFFFF;
}

/* Dword 0 of a valid entry for that page: the AVPN (VA bits 23 and up, those inside a 16 MiB page clear), V, L. */
static uint64_t sel_pteh(const struct lp_exec *x, uint64_t v)
{
	const struct lp_segment *seg = sel_segment(x, v);
	uint64_t va = ((uint64_t)seg->vsid << 28) | sel_page_offset(seg, v);
	uint64_t dw0 = (va >> 16) & ~0x7Full & ~((1ull << (seg->shift > 23 ? seg->shift - 16 : 0)) - 1);
	bool large = seg->shift > 12 || (x->prog->cfg.version >= 2 && (v & 0x80000000u));

	return dw0 | (large ? 0x4 : 0) | 1;
}

/* Dword 1 for the actor's page: version 2 picks a page size and encodes it in the LP bits. */
static uint64_t sel_ptel(struct lp_exec *x, unsigned part, uint64_t v)
{
	uint64_t la = own_address(x, part, v >> 24, (((v >> 8) & 0xFFFF) % pages_per_lmb(x)) * 4096);
	uint64_t bits = 0x10 | (v & 3) | ((v & 4) ? 0x4 : 0);

	if (x->prog->cfg.version >= 2) {
		const struct lp_page_size *ps = &lp_page_sizes[((v >> 3) & 7) % LP_PAGE_SIZES];

		la &= ~((1ull << ps->actual) - 1);
		bits |= (uint64_t)ps->enc << 12;
	}
	return la | bits;
}

uint64_t lp_resolve(struct lp_exec *x, const struct lp_op *op, unsigned i)
{
	const struct lp_arg *a = &op->arg[i];
	unsigned part = op->part, n = x->prog->cfg.nparts;
	uint64_t v = a->val;

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
		return sel_pteh(x, v);
	case LP_SEL_PTEL:
		return sel_ptel(x, part, v);
	case LP_SEL_TCE:
		return own_address(x, part, v >> 24, (((v >> 8) & 0xFFFF) % pages_per_lmb(x)) * 4096) | (v & 3);
	case LP_SEL_IOBA:
		return lp_cfg_win_offset(&x->prog->cfg, part, (unsigned)(v >> 12) & 1) + (v & 0xFFF) * 4096;
	case LP_SEL_HASH: {
		const struct lp_segment *seg = sel_segment(x, v);

		return ((seg->vsid ^ (sel_page_offset(seg, v) >> seg->shift)) & (lp_cfg_nhpte(&x->prog->cfg, part) / 8 - 1)) *
			       8 +
		       ((v >> 20) & 7);
	}
	case LP_SEL_EA:
		return (((v >> 16) & 0xF) << 28) | sel_page_offset(sel_segment(x, v), v) | ((v >> 20) & 0xFF8);
	}
	return v;
}
