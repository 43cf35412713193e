/*
 * The harness's I/O adapter and IOMMU: a partition's device DMA goes
 * through the window its LIOBN names, the way an IOMMU does it -- the TCE
 * table walked in its hardware format (big-endian, real page | R/W), the
 * translation cached in an emulated IOTLB that only the platform's IOTLB
 * flush (plat_iotlb_flush) invalidates. Every DMA is then judged against
 * the partition's own TCE as the model keeps it, through the harness's
 * memory map: a device reaching memory its partition's TCE does not grant
 * (I3), a cached translation the table no longer holds (I9), or a refusal
 * of what the TCE grants (I7). Shares nothing with the core's TCE code.
 */
#include "exec_internal.h"

#define TCE_PAGE      4096ull
#define TCE_PERM_BITS 0x3ull   /* read 1, write 2 */

/* The active window named liobn on machine mach whose owner is slot, or 0 (what the device is wired to). */
static const struct hv_window *adapter_window(const struct lp_exec *x, unsigned mach, unsigned slot, uint32_t liobn)
{
	const struct hv_machine *m = &x->m[mach];
	uint32_t i;

	for (i = 0; i < m->cfg.max_windows && i < HV_MAX_WINDOWS; i++) {
		const struct hv_window *w = &m->win[i];

		if (w->active && w->liobn == liobn && w->owner == slot) {
			return w;
		}
	}
	return 0;
}

/* The hardware TCE behind bus page `page` of w as the table holds it now (0 outside the window). */
static uint64_t table_tce(const struct lp_exec *x, unsigned mach, const struct hv_window *w, uint64_t page)
{
	const struct hv_machine *m = &x->m[mach];
	uint64_t idx = page - (w->bus_offset >> 12), at;

	if ((page << 12) < w->bus_offset || idx >= w->entries) {
		return 0;
	}
	at = w->table.v + 8 * idx;
	return at + 8 <= m->mem_size ? hv_ld_be64(m->mem + at) : 0;
}

static int iotlb_find(const struct lp_exec *x, unsigned mach, uint32_t liobn, uint64_t page)
{
	uint32_t live;

	for (live = x->iotlb_valid; live; live &= live - 1) {
		unsigned i = (unsigned)__builtin_ctz(live);

		if (x->iotlb[i].machine == mach && x->iotlb[i].liobn == liobn && x->iotlb[i].page == page) {
			return (int)i;
		}
	}
	return -1;
}

static void iotlb_fill(struct lp_exec *x, unsigned mach, uint32_t liobn, uint64_t page, uint64_t tce)
{
	uint32_t free = ~x->iotlb_valid & ((1u << LP_IOTLB_ENTRIES) - 1);
	unsigned i = free ? (unsigned)__builtin_ctz(free) : (unsigned)(page % LP_IOTLB_ENTRIES);

	x->iotlb_valid |= 1u << i;
	x->iotlb[i].machine = (uint8_t)mach;
	x->iotlb[i].liobn = liobn;
	x->iotlb[i].page = page;
	x->iotlb[i].tce = tce;
}

void lp_exec_on_iotlb_flush(struct lp_exec *x, struct hv_plat *plat, uint32_t lpid, uint32_t liobn, uint64_t ioba)
{
	unsigned mach = plat == x->plat[1] ? 1 : 0;
	int i = iotlb_find(x, mach, liobn, ioba >> 12);

	(void)lpid; /* LIOBNs are unique machine-wide */
	if (i >= 0) {
		x->iotlb_valid &= ~(1u << i);
	}
}

/*
 * What the partition's own TCE for this bus page grants, as the model keeps
 * it: the permission bits, and the real page through the harness's map.
 */
static uint64_t granted(const struct lp_exec *x, unsigned part, uint32_t liobn, uint64_t page, uint64_t *real)
{
	unsigned w = liobn & 0xFF;
	uint64_t logical, first;

	if (liobn != lp_liobn(part, w) || w >= LP_MAX_WINDOWS) {
		return 0;
	}
	/* The window's geometry as the program configured it (below its bus offset nothing is granted). */
	first = lp_cfg_win_offset(&x->prog->cfg, part, w) >> 12;
	if (page < first) {
		return 0;
	}
	logical = lp_ref_tce_view(&x->ref, part, w, page - first);
	if (!(logical & TCE_PERM_BITS) || !lp_memmap_real(x, part, logical & ~(TCE_PAGE - 1), TCE_PAGE, real)) {
		return 0;
	}
	return logical & TCE_PERM_BITS;
}

/* The translation the device is about to use, judged; LP_INV_NONE when it may go ahead (or fault). */
static enum lp_inv judge_dma(struct lp_exec *x, unsigned part, uint32_t liobn, uint64_t page, uint64_t tce,
			     bool cached, uint64_t table, bool write)
{
	uint64_t need = write ? 2 : 1, want_real = 0, want = granted(x, part, liobn, page, &want_real);
	uint64_t real = tce & ~(TCE_PAGE - 1);
	unsigned mach = x->loc[part].machine & 1;
	uint32_t opi = x->wcur;

	if (cached && tce != table) {
		return lp_violate(x, LP_INV_I9, opi, "the device used an I/O translation its TCE table no longer holds",
				  page << 12, tce);
	}
	if (!(tce & need)) {
		return (want & need) ? lp_violate(x, LP_INV_I7, opi, "DMA refused although the partition's TCE grants it",
						  page << 12, want)
				     : LP_INV_NONE;
	}
	if (lp_memmap_owner(x, mach, real) != (int)part + 1) {
		return lp_violate(x, LP_INV_I3, opi, "DMA reached memory its partition does not own", page << 12, tce);
	}
	if (!(want & need) || real != want_real) {
		return lp_violate(x, LP_INV_I3, opi, "DMA reached memory the partition's TCE does not grant", page << 12,
				  tce);
	}
	return LP_INV_NONE;
}

uint8_t lp_host_dma(struct lp_exec *x, unsigned part, uint32_t liobn, uint64_t bus, bool write, uint64_t *value)
{
	unsigned mach = x->loc[part].machine & 1;
	struct hv_machine *m = &x->m[mach];
	const struct hv_window *w;
	uint64_t page, tce, table, ra;
	int hit;

	if (!lp_partition(x, part)) {
		return LP_SKIPPED;
	}
	bus &= ~7ull;
	w = adapter_window(x, mach, x->loc[part].slot, liobn);
	if (!w) {
		return LP_FAULT; /* no window under that name for this device */
	}
	page = bus >> 12;
	table = table_tce(x, mach, w, page);
	hit = iotlb_find(x, mach, liobn, page);
	tce = hit >= 0 ? x->iotlb[hit].tce : table;
	if (judge_dma(x, part, liobn, page, tce, hit >= 0, table, write) != LP_INV_NONE) {
		return LP_FAULT;
	}
	if (!(tce & (write ? 2 : 1))) {
		return LP_FAULT;
	}
	if (hit < 0) {
		iotlb_fill(x, mach, liobn, page, tce);
	}
	ra = (tce & ~(TCE_PAGE - 1)) | (bus & (TCE_PAGE - 1));
	if (ra + 8 > m->mem_size) {
		return LP_FAULT;
	}
	if (write) {
		x->dma_ok = true;
		x->dma_ra = ra;
		plat_mem_dirty(x->plat[mach], hv_ra(ra), 8);
		hv_st_be64(m->mem + ra, *value);
	}
	*value = hv_ld_be64(m->mem + ra);
	return LP_RAN;
}

enum lp_inv lp_inv_check_iotlb(struct lp_exec *x, uint32_t opi)
{
	uint32_t live;

	for (live = x->iotlb_valid; live; live &= live - 1) {
		const struct lp_iotlb_entry *e = &x->iotlb[__builtin_ctz(live)];
		const struct hv_window *w = 0;
		unsigned q;

		/* The window as the adapter knows it: the LIOBN's owner among the program's partitions. */
		for (q = 0; q < x->prog->cfg.nparts && !w; q++) {
			if (x->loc[q].alive && (x->loc[q].machine & 1) == e->machine) {
				w = adapter_window(x, e->machine, x->loc[q].slot, e->liobn);
			}
		}
		if (!w || table_tce(x, e->machine, w, e->page) != e->tce) {
			return lp_violate(x, LP_INV_I9, opi, "a stale I/O translation survived (IOTLB not flushed)",
					  (uint64_t)e->liobn << 32 | (e->page << 12 & 0xFFFFFFFFull), e->tce);
		}
	}
	return LP_INV_NONE;
}
