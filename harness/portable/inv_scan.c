/*
 * The invariant checker's scans (I1-I3): hardware HPTEs and their guest
 * view, TCE windows, logical maps and VPA / DTL / SLB-shadow registrations,
 * judged against LMB ownership, with the page-size decode they need.
 * References to memory that just left are I4 / I11 (see inv_move.c).
 */
#include "inv_internal.h"

/* ---- page sizes (papr-spec §2.5), decoded by the checker itself ---- */

static const struct {
	uint8_t base, actual, enc;
} page_sizes[] = {
	{ 12, 16, 0x7 }, { 12, 24, 0x38 }, { 16, 16, 0x1 }, { 16, 24, 0x8 }, { 24, 24, 0x0 }, { 34, 34, 0x3 },
};

unsigned lp_inv_page_shift(uint64_t dw0, uint64_t dw1, unsigned *base)
{
	unsigned i;

	*base = 12;
	if (!(dw0 & HW0_L)) {
		return 12;
	}
	for (i = 0; i < sizeof(page_sizes) / sizeof(page_sizes[0]); i++) {
		uint64_t mask = ((1ull << page_sizes[i].actual) - 1) & ~0xFFFull;

		if ((dw1 & mask) == ((uint64_t)page_sizes[i].enc << 12)) {
			*base = page_sizes[i].base;
			return page_sizes[i].actual;
		}
	}
	*base = 0;
	return 0;
}

/* Actual page shift of an entry: L in dword 0, LP in dword 1 bits 12 and up; 0 = undecodable. */
static unsigned page_shift(uint64_t dw0, uint64_t dw1)
{
	unsigned base;

	return lp_inv_page_shift(dw0, dw1, &base);
}

/* How real [base, base + size) relates to partition slot. */
struct rclass {
	bool hyp;       /* touches the hypervisor region */
	bool foreign;   /* touches memory slot does not own (free, another partition's, outside memory) */
	bool departed;  /* touches an LMB that just left */
};

static void classify(const struct chk *c, uint64_t base, uint64_t size, unsigned slot, struct rclass *r)
{
	uint64_t mem = c->m->mem_size, first, last, i;

	r->hyp = r->foreign = r->departed = false;
	if (size == 0 || base >= mem) {
		r->foreign = true;
		return;
	}
	if (base + size < base || base + size > mem) {
		r->foreign = true; /* the tail lies outside memory; still look at what is inside */
		size = mem - base;
	}
	first = base >> c->shift;
	last = (base + size - 1) >> c->shift;
	for (i = first; i <= last && i < c->nlmb; i++) { /* bounded by the LMB count */
		const struct hv_lmb *l = &c->m->lmb[i];

		if (l->state == HV_LMB_HYP) {
			r->hyp = true;
		} else if (l->state != HV_LMB_ASSIGNED || l->owner != slot) {
			r->foreign = true;
		}
		if (c->dep_real && bit_get(c->dep_real, (uint32_t)i)) {
			r->departed = true;
		}
	}
}

/* Real address behind logical address la of p through its logical map (the checker's translation). */
static bool lmap_real(const struct chk *c, const struct hv_partition *p, uint64_t la, uint64_t *ra)
{
	uint64_t l = la >> c->shift;

	if (l >= lmap_entries(c->m, p) || !p->lmap[l]) {
		return false;
	}
	*ra = ((uint64_t)(p->lmap[l] - 1) << c->shift) | (la & (c->m->cfg.lmb_size - 1));
	return true;
}

/* ---- HPTE ---- */

/* I11 consistency: hardware entry ptex maps what its guest view names, through the logical map. */
static enum lp_inv hpte_consistent(const struct chk *c, const struct hv_partition *p, uint64_t ptex, unsigned shift,
				   uint64_t base)
{
	const struct hv_hpte_meta *e = &p->meta[ptex];
	uint64_t size = 1ull << shift, lpa, ra;

	if (!(e->gdw0 & HPTE_V_VALID)) {
		return chk_fail(c, LP_INV_I11, "hardware HPTE valid without a guest view", ptex, base);
	}
	if (page_shift(e->gdw0, e->gdw1) != shift) {
		return chk_fail(c, LP_INV_I11, "hardware HPTE page size differs from its guest view", ptex, e->gdw1);
	}
	lpa = (e->gdw1 & G1_RPN) & ~(size - 1);
	if (!lmap_real(c, p, lpa, &ra) || ra != base) {
		return chk_fail(c, LP_INV_I11, "HPTE not retargeted: maps other real memory than its logical page", ptex,
				base);
	}
	return LP_INV_NONE;
}

/* I2, departed (I4/I11), I1 for hardware HPTE ptex of p (slot). */
enum lp_inv lp_inv_check_hw_hpte(struct chk *c, struct hv_partition *p, unsigned slot, uint64_t ptex)
{
	const uint8_t *e = c->m->mem + p->hpt.v + ptex * HPTE_BYTES;
	uint64_t hw0 = hv_ld_be64(e), hw1, size, base;
	unsigned shift;
	struct rclass r;

	lp_inv_count(&c->x->inv.counts, LP_INV_I2, hw0 & HW0_V);
	if (!(hw0 & HW0_V)) {
		return LP_INV_NONE;
	}
	c->hw_valid++;
	if (c->hashing) {
		c->hash = hash_entry(c->hash, p, ptex);
	}
	hw1 = hv_ld_be64(e + 8);
	shift = page_shift(hw0, hw1);
	if (!shift) {
		return chk_fail(c, LP_INV_I1, "valid HPTE with an undecodable page size", ptex, hw1);
	}
	lp_inv_count(&c->x->inv.counts, LP_INV_I1, shift > 12);
	size = 1ull << shift;
	base = (hw1 & HW1_RPN) & ~(size - 1);
	classify(c, base, size, slot, &r);
	if (r.hyp) {
		return chk_fail(c, LP_INV_I2, "valid HPTE maps hypervisor memory", ptex, base);
	}
	if (r.departed) {
		return chk_fail(c, (enum lp_inv)c->dep_inv, "valid HPTE still maps an LMB that left the partition", ptex,
				base);
	}
	if (r.foreign) {
		return chk_fail(c, LP_INV_I1, "valid HPTE maps real memory its partition does not own", ptex, base);
	}
	return c->consistency ? hpte_consistent(c, p, ptex, shift, base) : LP_INV_NONE;
}

/* Guest-view entry ptex still naming a departed logical LMB (I4). */
static enum lp_inv check_meta_departed(struct chk *c, const struct hv_partition *p, uint64_t ptex)
{
	const struct hv_hpte_meta *e = &p->meta[ptex];
	unsigned shift;
	uint64_t size;

	if (!(e->gdw0 & HPTE_V_VALID) || !c->dep_logical) {
		return LP_INV_NONE;
	}
	shift = page_shift(e->gdw0, e->gdw1);
	if (!shift) {
		return LP_INV_NONE;
	}
	size = 1ull << shift;
	if (logical_mask(c, (e->gdw1 & G1_RPN) & ~(size - 1), size) & c->dep_logical) {
		return chk_fail(c, (enum lp_inv)c->dep_inv, "HPTE guest view still maps an LMB that left the partition",
				ptex, e->gdw1);
	}
	return LP_INV_NONE;
}

/*
 * Every hardware HPTE of p, then (with_meta) every guest-view entry: only
 * the 512-byte blocks (32 HPTEs, 16 guest-view entries) that are not all
 * zero, found through the pages written since the reset.
 */
enum lp_inv lp_inv_scan_hpt(struct chk *c, struct hv_partition *p, unsigned slot, bool with_meta)
{
	uint64_t n = hpt_entries(c->m, p), bytes = (n & ~31ull) * HPTE_BYTES, off, ptex;
	uint64_t meta = (uint64_t)((const uint8_t *)p->meta - c->m->mem), meta_bytes = (n & ~31ull) * sizeof(*p->meta);

	c->hw_valid = 0;
	for (off = next_nonzero_block(c, p->hpt.v, 0, bytes); off < bytes;
	     off = next_nonzero_block(c, p->hpt.v, off + 512, bytes)) {
		for (ptex = off / HPTE_BYTES; ptex < (off + 512) / HPTE_BYTES; ptex++) {
			if (lp_inv_check_hw_hpte(c, p, slot, ptex) != LP_INV_NONE) {
				return (enum lp_inv)c->x->viol.inv;
			}
		}
	}
	for (off = with_meta ? next_nonzero_block(c, meta, 0, meta_bytes) : meta_bytes; off < meta_bytes;
	     off = next_nonzero_block(c, meta, off + 512, meta_bytes)) {
		for (ptex = off / sizeof(*p->meta); ptex < (off + 512) / sizeof(*p->meta); ptex++) {
			if (check_meta_departed(c, p, ptex) != LP_INV_NONE) {
				return (enum lp_inv)c->x->viol.inv;
			}
		}
	}
	for (ptex = n & ~31ull; ptex < n; ptex++) { /* an HPT is a multiple of 32 entries; just in case */
		if (lp_inv_check_hw_hpte(c, p, slot, ptex) != LP_INV_NONE ||
		    (with_meta && check_meta_departed(c, p, ptex) != LP_INV_NONE)) {
			return (enum lp_inv)c->x->viol.inv;
		}
	}
	return LP_INV_NONE;
}

/* ---- TCE ---- */

/* I11 consistency of TCE idx of w: the adapter's entry is the partition's entry translated. */
static enum lp_inv tce_consistent(const struct chk *c, const struct hv_window *w, uint32_t idx, uint64_t real)
{
	const struct hv_partition *p = part_at(c->m, w->owner);
	uint64_t logical = rd64(c->m, w->shadow.v + 8ull * idx), ra = 0;
	bool mapped = p && lmap_real(c, p, logical & ~(PAGE_4K - 1), &ra);

	if (real & TCE_PERM) {
		if (!mapped || (real & ~(PAGE_4K - 1)) != ra || (real & TCE_PERM) != (logical & TCE_PERM)) {
			return chk_fail(c, LP_INV_I11, "TCE not retargeted: adapter reaches other memory than the partition set",
					idx, real);
		}
	} else if ((logical & TCE_PERM) && mapped) {
		return chk_fail(c, LP_INV_I11, "TCE lost its translation although its logical page is owned", idx, logical);
	}
	return LP_INV_NONE;
}

/* I2, departed, I3 for the adapter's TCE idx of window w (judged for the window's owner). */
enum lp_inv lp_inv_check_tce(struct chk *c, const struct hv_window *w, uint32_t idx)
{
	uint64_t real = rd64(c->m, w->table.v + 8ull * idx), page = real & ~(PAGE_4K - 1);
	struct rclass r;

	/*
	 * Neither the adapter's TCE nor the partition's logical one set: nothing
	 * below can fail (check_window never asks about such entries; the run a
	 * TCE hcall named is checked entry by entry, set or not).
	 */
	lp_inv_count(&c->x->inv.counts, LP_INV_I2, real & TCE_PERM);
	lp_inv_count(&c->x->inv.counts, LP_INV_I3, real & TCE_PERM);
	if (!real && (!(c->dep_logical || c->consistency) || !rd64(c->m, w->shadow.v + 8ull * idx))) {
		return LP_INV_NONE;
	}
	if (c->dep_logical) {
		uint64_t logical = rd64(c->m, w->shadow.v + 8ull * idx);

		if ((logical & TCE_PERM) && (logical_mask(c, logical & ~(PAGE_4K - 1), PAGE_4K) & c->dep_logical)) {
			return chk_fail(c, (enum lp_inv)c->dep_inv,
					"TCE the partition sees still maps an LMB that left it", idx, logical);
		}
	}
	if (real & TCE_PERM) {
		classify(c, page, PAGE_4K, w->owner, &r);
		if (r.hyp) {
			return chk_fail(c, LP_INV_I2, "TCE grants DMA to hypervisor memory", w->liobn, real);
		}
		if (r.departed) {
			return chk_fail(c, (enum lp_inv)c->dep_inv, "TCE still grants DMA to an LMB that left the partition",
					w->liobn, real);
		}
		if (r.foreign) {
			return chk_fail(c, LP_INV_I3, "TCE grants DMA to memory the window's owner does not own", w->liobn,
					real);
		}
	}
	return c->consistency ? tce_consistent(c, w, idx, real) : LP_INV_NONE;
}

static enum lp_inv check_window(struct chk *c, const struct hv_window *w)
{
	uint32_t n = window_entries(c->m, w), i;
	const uint8_t *table = c->m->mem + w->table.v, *shadow = c->m->mem + w->shadow.v;
	bool need_shadow = c->dep_logical || c->consistency;

	if (n && !written(c->x, c->mach, w->table.v, 8ull * n) &&
	    (!need_shadow || !written(c->x, c->mach, w->shadow.v, 8ull * n))) {
		return LP_INV_NONE; /* never written: all zero */
	}
	/* Entries with neither table set have nothing to judge (both are needed for departed / consistency). */
	for (i = next_nonzero_word(table, need_shadow ? shadow : 0, 0, n); i < n;
	     i = next_nonzero_word(table, need_shadow ? shadow : 0, i + 1, n)) {
		if (lp_inv_check_tce(c, w, i) != LP_INV_NONE) {
			return (enum lp_inv)c->x->viol.inv;
		}
	}
	return LP_INV_NONE;
}

/* Every active window owned by slot (or every active window when slot < 0). */
enum lp_inv lp_inv_check_windows(struct chk *c, int slot)
{
	uint32_t i;

	for (i = 0; i < c->m->cfg.max_windows && i < HV_MAX_WINDOWS; i++) {
		const struct hv_window *w = &c->m->win[i];

		if (w->active && (slot < 0 || w->owner == (unsigned)slot) && check_window(c, w) != LP_INV_NONE) {
			return (enum lp_inv)c->x->viol.inv;
		}
	}
	return LP_INV_NONE;
}

/* ---- logical map and registrations ---- */

/* Every logical LMB of p names a real LMB p owns (I2 when it names the hypervisor region). */
enum lp_inv lp_inv_check_lmap(struct chk *c, const struct hv_partition *p, unsigned slot)
{
	uint64_t mapped = lmap_mask(c->m, p);

	for (; mapped; mapped &= mapped - 1) {
		uint32_t i = (uint32_t)__builtin_ctzll(mapped), r = p->lmap[i] - 1;

		if (r >= c->nlmb) {
			return chk_fail(c, LP_INV_I1, "logical map names an LMB outside memory", i, r);
		}
		if (c->m->lmb[r].state == HV_LMB_HYP) {
			return chk_fail(c, LP_INV_I2, "logical map names hypervisor memory", i, r);
		}
		if (c->dep_real && bit_get(c->dep_real, r)) {
			return chk_fail(c, (enum lp_inv)c->dep_inv, "logical map still names an LMB that left the partition",
					i, r);
		}
		if (c->m->lmb[r].state != HV_LMB_ASSIGNED || c->m->lmb[r].owner != slot) {
			return chk_fail(c, LP_INV_I1, "logical map names an LMB the partition does not own", i, r);
		}
	}
	return LP_INV_NONE;
}

/* VPA / DTL / SLB-shadow registrations of p: never in hypervisor memory, never in a departed LMB. */
enum lp_inv lp_inv_check_areas(struct chk *c, const struct hv_partition *p)
{
	uint32_t v, k;

	for (v = 0; v < c->m->cfg.max_vcpus && v < HV_MAX_VCPUS; v++) {
		const struct hv_area *areas[3] = { &p->vcpu[v].vpa, &p->vcpu[v].dtl, &p->vcpu[v].slb };

		for (k = 0; k < 3; k++) {
			const struct hv_area *a = areas[k];
			uint64_t len = a->len ? a->len : 1, off;

			lp_inv_count(&c->x->inv.counts, LP_INV_I2, a->on);
			if (!a->on) {
				continue;
			}
			if (logical_mask(c, a->la, len) & c->dep_logical) {
				return chk_fail(c, (enum lp_inv)c->dep_inv,
						"registration still lies in an LMB that left the partition", v, a->la);
			}
			/* First and last byte (an area is at most 4 KiB, so at most two LMBs). */
			for (off = 0; off < 2; off++) {
				uint64_t la = off ? a->la + len - 1 : a->la, ra;

				if (lmap_real(c, p, la, &ra) && (ra >> c->shift) < c->nlmb &&
				    c->m->lmb[ra >> c->shift].state == HV_LMB_HYP) {
					return chk_fail(c, LP_INV_I2, "registered area lies in hypervisor memory", v, ra);
				}
			}
		}
	}
	return LP_INV_NONE;
}

/* I1-I3 over one partition: logical map, HPT (optional), its windows, its registrations. */
enum lp_inv lp_inv_check_partition(struct chk *c, unsigned slot, bool hpt, bool with_meta)
{
	struct hv_partition *p = part_at(c->m, slot);

	if (!p) {
		return LP_INV_NONE;
	}
	if (lp_inv_check_lmap(c, p, slot) != LP_INV_NONE || (hpt && lp_inv_scan_hpt(c, p, slot, with_meta) != LP_INV_NONE) ||
	    lp_inv_check_windows(c, (int)slot) != LP_INV_NONE || lp_inv_check_areas(c, p) != LP_INV_NONE) {
		return (enum lp_inv)c->x->viol.inv;
	}
	return LP_INV_NONE;
}

/* The next of a splitmix64 sequence. */
static uint64_t next_random(uint64_t *s)
{
	uint64_t z = (*s += 0x9E3779B97F4A7C15ull);

	z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
	z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
	return z ^ (z >> 31);
}

/* Page pg of machine mach, clean in map, reads zero; else the violation. */
static enum lp_inv clean_page_zero(struct lp_exec *x, unsigned mach, const uint64_t *map, uint64_t pg)
{
	const uint8_t *mem = x->m[mach].mem + pg * PAGE_4K;
	uint64_t i, any = 0;

	if ((map[pg >> 6] >> (pg & 63) & 1) || pg * PAGE_4K < x->m[mach].part_table.v) {
		return LP_INV_NONE; /* below the core's first table: the platform's own (the firmware's vectors) */
	}
	/* One OR over the page (vectorised), then find the word only when something is there. */
	for (i = 0; i < PAGE_4K; i += 8) {
		any |= ld64n(mem + i);
	}
	for (i = 0; any && i < PAGE_4K; i += 8) {
		if (ld64n(mem + i)) {
			return lp_violate(x, LP_INV_I10, x->prog->nops,
					  "memory was written without telling the platform (plat_mem_dirty): neither swept "
					  "nor reset", mach, pg * PAGE_4K + i);
		}
	}
	return LP_INV_NONE;
}

enum lp_inv lp_inv_check_unreported(struct lp_exec *x, unsigned mach, const uint64_t *map, unsigned samples,
				    uint64_t *seed)
{
	const struct lp_memmap *mm = &x->memmap;
	const uint64_t pages_per_lmb = x->m[mach].cfg.lmb_size / PAGE_4K;
	uint32_t lmb, tries;
	unsigned k;
	enum lp_inv rc;

	for (lmb = 0; !samples && lmb < mm->nlmb[mach]; lmb++) {
		uint64_t pg;

		for (pg = 0; mm->owner[mach][lmb] != LP_OWNER_FREE && pg < pages_per_lmb; pg++) {
			if ((rc = clean_page_zero(x, mach, map, lmb * pages_per_lmb + pg)) != LP_INV_NONE) {
				return rc;
			}
		}
	}
	/* A sample: a random page of a random held LMB (a few draws find one: the hypervisor's are held). */
	for (k = 0; samples && mm->nlmb[mach] && k < samples; k++) {
		for (tries = 0; tries < 16; tries++) {
			uint64_t r = next_random(seed);

			lmb = (uint32_t)(r % mm->nlmb[mach]);
			if (mm->owner[mach][lmb] != LP_OWNER_FREE) {
				rc = clean_page_zero(x, mach, map, lmb * pages_per_lmb + (r >> 32) % pages_per_lmb);
				if (rc != LP_INV_NONE) {
					return rc;
				}
				break;
			}
		}
	}
	return LP_INV_NONE;
}
