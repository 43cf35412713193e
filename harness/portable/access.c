/*
 * The harness's own MMU and device: a partition's load/store at an
 * effective address, translated through its HPT the way the hash MMU would
 * (the program's segments, prog.h); the I/O adapter is iommu.c. Translations the MMU used are kept in the emulated
 * TLB so the I9 oracle can tell whether every removal or weakening was
 * flushed. The host-direct driver performs accesses with this walk; a
 * driver with an MMU of its own is judged against it (I12).
 *
 * This walk is the harness's own: it reads the raw big-endian hardware
 * words and shares nothing with the core's HPT code.
 */
#include "exec_internal.h"

#define HW_V        0x1ull
#define HW_H        0x2ull
#define HW_L        0x4ull
#define HW_AVPN     0x000FFFFFFFFFFF80ull /* ISA 3.0 dword 0 compare bits */
#define HW_B        0x0C00000000000000ull
#define HW_RPN      0x01FFFFFFFFFFF000ull
#define HW_PP0      0x8000000000000000ull
#define HW_R_BYTE   14
#define HW_C_BYTE   15

static uint64_t ld_be64(const uint8_t *p)
{
	uint64_t v = 0;
	unsigned i;

	for (i = 0; i < 8; i++) {
		v = (v << 8) | p[i];
	}
	return v;
}

static void st_be64(uint8_t *p, uint64_t v)
{
	unsigned i;

	for (i = 0; i < 8; i++) {
		p[i] = (uint8_t)(v >> (56 - 8 * i));
	}
}

/* Key-0 column of the PP table (papr-spec §2.4): 0 none, 1 read, 2 read/write. */
static unsigned pp_access(uint64_t dw1)
{
	unsigned pp = (unsigned)(((dw1 & HW_PP0) ? 4 : 0) | (dw1 & 3));

	if (pp <= 2) {
		return 2;
	}
	return (pp == 3 || pp == 6) ? 1 : 0;
}

/*
 * An entry's page size as an MMU finds it in a segment (papr-spec §2.5):
 * only the encodings of the segment's base page size are tried, as QEMU's
 * and Unicorn's MMUs search them -- the large ones of the harness's table
 * of the ISA's sizes (lp_page_sizes: base, actual, LP bits at bit 12).
 */
unsigned lp_mmu_page_shift(uint64_t dw0, uint64_t dw1, unsigned seg_shift)
{
	unsigned i;

	if (!(dw0 & HW_L)) {
		return seg_shift == 12 ? 12 : 0; /* L = 0 is a 4 KiB page: only a 4 KiB segment has it */
	}
	for (i = 0; i < LP_PAGE_SIZES; i++) {
		const struct lp_page_size *ps = &lp_page_sizes[i];
		uint64_t mask = ((1ull << ps->actual) - 1) & ~0xFFFull;

		if (ps->actual > 12 && ps->base == seg_shift && (dw1 & mask) == ((uint64_t)ps->enc << 12)) {
			return ps->actual;
		}
	}
	return 0;
}

/*
 * Hash lookup of ea in its program segment (256 MB, base page b): the hash
 * and the AVPN from the base page, primary then secondary group; an entry
 * matches when V, H, the AVPN and B agree and its page size is one the
 * segment's base page admits (an entry for another base page size is not
 * a match: the ISA's rule, and QEMU's). The first match in *w. Returns how
 * many entries match (0, 1, or 2 for "more than one").
 */
static unsigned hpt_walk(struct hv_machine *m, const struct hv_partition *p, const struct lp_segment *seg, uint64_t ea,
			 struct lp_walk *w)
{
	uint64_t vsid = seg->vsid, b = seg->shift, off = ea & 0x0FFFFFFF;
	uint64_t epn = off & ~((1ull << b) - 1), va = (vsid << 28) | off;
	uint64_t want = ((vsid << 28 | epn) >> 16) & HW_AVPN;
	uint64_t hash = vsid ^ (epn >> b), mask = p->nhpte / 8 - 1;
	unsigned h, s, found = 0;

	for (h = 0; h < 2; h++) {
		uint64_t group = (h ? ~hash : hash) & mask;

		for (s = 0; s < 8; s++) {
			uint64_t ptex = group * 8 + s;
			const uint8_t *e = m->mem + p->hpt.v + ptex * 16;
			uint64_t dw0 = ld_be64(e), dw1 = ld_be64(e + 8);
			unsigned shift;

			if (!(dw0 & HW_V) || !!(dw0 & HW_H) != h || (dw1 & HW_B) || (dw0 & HW_AVPN) != want) {
				continue;
			}
			shift = lp_mmu_page_shift(dw0, dw1, (unsigned)b);
			if (!shift) {
				continue;
			}
			if (found++) {
				return 2;
			}
			w->ptex = ptex;
			w->dw1 = dw1;
			w->shift = (uint8_t)shift;
			w->va = va & ~((1ull << shift) - 1);
		}
	}
	return found;
}

enum lp_mmu_result lp_mmu_translate(struct lp_exec *x, unsigned part, uint64_t ea, bool store, struct lp_walk *w)
{
	struct hv_partition *p = lp_partition(x, part);
	struct hv_machine *m = lp_mach(x, part);
	unsigned access, matches;
	uint64_t size;

	ea &= ~7ull;
	matches = p && !(ea >> 32) ? hpt_walk(m, p, &x->prog->cfg.seg[ea >> 28], ea, w) : 0;
	if (!matches) {
		return LP_MMU_FAULT; /* segment or page fault: the partition's own handler's business */
	}
	if (matches > 1) {
		/*
		 * Two valid entries translate the same page: the ISA leaves open which
		 * one an MMU uses (and whose R/C it sets), so drivers may differ.
		 */
		return LP_MMU_AMBIGUOUS;
	}
	access = pp_access(w->dw1);
	size = 1ull << w->shift;
	w->ea = ea;
	/* The page's real address from the RPN above the page size (the LP bits lie below it), the rest from the EA. */
	w->ra = ((w->dw1 & HW_RPN) & ~(size - 1)) | (ea & (size - 1));
	w->writable = access == 2;
	return access != 0 && (!store || access == 2) && w->ra + 8 <= m->mem_size ? LP_MMU_OK : LP_MMU_FAULT;
}

void lp_mmu_note(struct lp_exec *x, unsigned part, const struct lp_walk *w, bool store)
{
	/* The lowest free entry; when full, a deterministic eviction. */
	unsigned victim = ~x->tlb_valid ? (unsigned)__builtin_ctz(~x->tlb_valid) : (unsigned)(w->ptex % LP_TLB_ENTRIES);

	x->tlb_valid |= 1u << victim;
	x->tlb[victim].machine = x->loc[part].machine;
	x->tlb[victim].slot = x->loc[part].slot;
	x->tlb[victim].ptex = w->ptex;
	x->tlb[victim].va = w->va;
	x->tlb[victim].shift = w->shift;
	x->tlb[victim].ea_page = w->ea & ~((1ull << w->shift) - 1);
	x->tlb[victim].ra_page = w->dw1 & HW_RPN;
	x->tlb[victim].writable = w->writable;
	lp_ref_note_access(&x->ref, part, w->ptex, store);
}

uint8_t lp_mmu_apply(struct lp_exec *x, unsigned part, const struct lp_walk *w, bool store, uint64_t *value)
{
	struct hv_partition *p = lp_partition(x, part);
	struct hv_machine *m = lp_mach(x, part);
	struct hv_plat *plat = x->plat[x->loc[part].machine];
	uint8_t *e = m->mem + p->hpt.v + w->ptex * 16;

	/* The MMU records the reference (and change) in bytes 14/15 of the entry. */
	plat_mem_dirty(plat, hv_ra(p->hpt.v + w->ptex * 16), 16);
	e[HW_R_BYTE] |= 0x01;
	if (store) {
		e[HW_C_BYTE] |= 0x80;
		plat_mem_dirty(plat, hv_ra(w->ra), 8);
		st_be64(m->mem + w->ra, *value);
	}
	*value = ld_be64(m->mem + w->ra);
	return LP_RAN;
}

bool lp_mmu_agrees(struct lp_exec *x, unsigned part, const struct lp_walk *w, bool store, uint64_t value)
{
	struct hv_partition *p = lp_partition(x, part);
	struct hv_machine *m = lp_mach(x, part);
	const uint8_t *e = m->mem + p->hpt.v + w->ptex * 16;

	return ld_be64(m->mem + w->ra) == value && (e[HW_R_BYTE] & 0x01) && (!store || (e[HW_C_BYTE] & 0x80));
}

/* Drops the cached translations of partition lpid on plat's machine: those of VA page rb, or all of them. */
static void tlb_drop(struct lp_exec *x, struct hv_plat *plat, uint32_t lpid, uint64_t rb, bool whole_partition)
{
	unsigned machine = plat == x->plat[1] ? 1 : 0;
	uint32_t live;

	for (live = x->tlb_valid; live; live &= live - 1) {
		unsigned i = (unsigned)__builtin_ctz(live);
		const struct lp_tlb_entry *t = &x->tlb[i];

		/* The VA page bits above the cached page's size (below it, a large page's RB carries L and LP). */
		if (t->machine == machine && x->m[machine].part[t->slot].lpid == lpid &&
		    (whole_partition || ((t->va ^ rb) & 0x0000FFFFFFFFF000ull & ~((1ull << t->shift) - 1)) == 0)) {
			x->tlb_valid &= ~(1u << i);
		}
	}
}

void lp_exec_on_tlb_flush_entry(struct lp_exec *x, struct hv_plat *plat, uint32_t lpid, uint64_t rb)
{
	/* tlbie RB carries the VA page (bits 12 and up, top bits truncated): drop what matches. */
	tlb_drop(x, plat, lpid, rb, false);
}

void lp_exec_on_tlb_flush_lpid(struct lp_exec *x, struct hv_plat *plat, uint32_t lpid)
{
	tlb_drop(x, plat, lpid, 0, true);
}
