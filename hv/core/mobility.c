/*
 * Memory mobility: relocating one LMB of a partition to other real memory,
 * and live partition mobility to a second machine. Contents are copied,
 * every HPTE and TCE is rewritten to the new real pages (registrations are
 * kept as logical addresses, so they follow by themselves), translations are
 * flushed, and the old real memory is zeroed and freed. The partition's
 * logical view does not change.
 */
#include "internal.h"

struct relocate_scan {
	uint32_t lmb;
	bool spans; /* some HPTE maps a page larger than one LMB */
};

static void find_spanning(struct hv_machine *m, uint32_t slot, uint64_t ptex, void *ctx)
{
	struct relocate_scan *s = ctx;
	const struct hv_hpte_meta *e = &m->part[slot].meta[ptex];

	if ((1ull << hv_hpte_actual_shift(e->gdw0, e->gdw1, 0)) > m->cfg.lmb_size) {
		s->spans = true;
	}
}

static void suspend_hpte(struct hv_machine *m, uint32_t slot, uint64_t ptex, void *ctx)
{
	(void)ctx;
	hv_hpte_suspend(m, slot, ptex);
}

static void move_hpte(struct hv_machine *m, uint32_t slot, uint64_t ptex, void *ctx)
{
	hv_hpte_move(m, slot, ptex, ((struct relocate_scan *)ctx)->lmb);
}

int hv_lmb_relocate(struct hv_machine *m, uint32_t slot, uint32_t logical_lmb, uint32_t real_lmb)
{
	struct hv_partition *p = hv_part(m, slot);
	struct relocate_scan scan = { 0, false };
	uint32_t old;
	int rc;

	if (!p) {
		return HV_ENOENT;
	}
	old = hv_lmap_get(p, m, logical_lmb);
	if (old == HV_NIL) {
		return HV_ENOENT;
	}
	rc = hv_lmb_pick_free(m, &real_lmb);
	if (rc != HV_OK) {
		return rc;
	}
	/* A page spanning several LMBs needs them really contiguous: moving one would break it. */
	hv_rmap_visit_lmb(m, old, find_spanning, &scan);
	if (scan.spans) {
		return HV_EBUSY;
	}
	/*
	 * Stop every translation to the old page before copying it (V off and
	 * tlbie; the record and R/C stay): a vCPU running on another thread
	 * could otherwise store to it after the copy and the store would be
	 * lost. hv_hpte_move then revalidates each entry at the new page.
	 */
	hv_rmap_visit_lmb(m, old, suspend_hpte, 0);
	/* The new LMB is free, hence zero: only non-zero pages need copying. */
	hv_real_copy_to_zeroed(m, hv_lmb_base(m, real_lmb), m, hv_lmb_base(m, old), m->cfg.lmb_size);
	hv_lmb_assign(m, slot, logical_lmb, real_lmb); /* repoints the logical map */
	p->lmb_count--; /* still one LMB: assign counted the new one */
	scan.lmb = real_lmb;
	hv_rmap_visit_lmb(m, old, move_hpte, &scan);
	hv_tce_retarget_lmb(m, slot, old, real_lmb);
	plat_tlb_flush_lpid(m->plat, p->lpid);
	hv_lmb_scrub_free(m, old);
	return HV_OK;
}

/*
 * Does p map a page larger than an LMB? Such a page needs its LMBs really
 * contiguous and aligned to its size, which migrate_memory (one free LMB at
 * a time) does not provide: installing it anyway would map real memory the
 * partition does not own (I1), and dropping it would change its view (I11).
 */
/* Calls fn for every valid HPTE of p: each is linked on the real LMB of its base, which p owns. */
static void visit_partition_hptes(struct hv_machine *m, const struct hv_partition *p, hv_hpte_visit_fn fn, void *ctx)
{
	uint32_t i, real, left = p->lmb_count;

	for (i = 0; i < m->cfg.logical_lmbs_max && left; i++) {
		real = hv_lmap_get(p, m, i);
		if (real != HV_NIL) {
			hv_rmap_visit_linked(m, real, fn, ctx);
			left--;
		}
	}
}

static bool has_spanning_page(struct hv_machine *m, const struct hv_partition *p)
{
	struct relocate_scan scan = { 0, false };

	visit_partition_hptes(m, p, find_spanning, &scan);
	return scan.spans;
}

/* Can dst take partition p of src as it is? Checked before anything changes. */
static int migrate_fits(struct hv_machine *src, const struct hv_partition *p, struct hv_machine *dst)
{
	uint32_t i, free_lmbs = 0, free_windows = 0, windows = 0, slots = 0;

	if (dst->cfg.lmb_size != src->cfg.lmb_size || p->hpt_order > dst->cfg.hpt_order_max ||
	    dst->cfg.max_vcpus < src->cfg.max_vcpus || dst->cfg.logical_lmbs_max < src->cfg.logical_lmbs_max ||
	    dst->cfg.window_entries_max < src->cfg.window_entries_max) {
		return HV_EINVAL;
	}
	if (has_spanning_page(src, p)) {
		return HV_EBUSY; /* as for hv_lmb_relocate */
	}
	for (i = 0; i < dst->cfg.max_partitions; i++) {
		slots += !dst->part[i].active;
	}
	/* Enough is enough: a big destination need not be counted to the end. */
	for (i = hv_lmb_first_pool(dst); i < dst->lmb_count && free_lmbs < p->lmb_count; i++) {
		free_lmbs += dst->lmb[i].state == HV_LMB_FREE;
	}
	for (i = 0; i < dst->cfg.max_windows; i++) {
		free_windows += !dst->win[i].active;
	}
	for (i = 0; i < src->cfg.max_windows; i++) {
		windows += src->win[i].active && src->win[i].owner == hv_part_slot(src, p);
	}
	if (!slots || free_lmbs < p->lmb_count || free_windows < windows) {
		return HV_ENOMEM;
	}
	return HV_OK;
}

static void migrate_memory(struct hv_machine *src, struct hv_partition *p, struct hv_machine *dst, uint32_t dslot)
{
	uint32_t i, left = p->lmb_count;

	for (i = 0; i < src->cfg.logical_lmbs_max && left; i++) {
		uint32_t from = hv_lmap_get(p, src, i), to;

		if (from == HV_NIL) {
			continue;
		}
		left--;
		to = hv_lmb_find_free(dst);
		hv_lmb_assign(dst, dslot, i, to);
		hv_real_copy_to_zeroed(dst, hv_lmb_base(dst, to), src, hv_lmb_base(src, from), src->cfg.lmb_size);
	}
}

struct hpt_copy {
	struct hv_machine *dst;
	uint32_t dslot;
};

/* Re-creates one entry of the source at the same PTEX in dst, over dst's real pages. */
static void copy_hpte(struct hv_machine *src, uint32_t slot, uint64_t ptex, void *ctx)
{
	struct hpt_copy *c = ctx;
	const struct hv_partition *p = &src->part[slot];
	const struct hv_hpte_meta *e = &p->meta[ptex];
	uint64_t size = 1ull << hv_hpte_actual_shift(e->gdw0, e->gdw1, 0);
	uint64_t rc = hv_hpte_hw_dw1(src, p, ptex) & HPTE_R_RC;
	hv_raddr_t ra;

	if (hv_translate(c->dst, &c->dst->part[c->dslot], hv_la((e->gdw1 & HPTE_R_RPN) & ~(size - 1)), size, &ra)) {
		hv_hpte_install(c->dst, c->dslot, ptex, e->gdw0, e->gdw1 | rc, ra);
	}
}

static void migrate_hpt(struct hv_machine *src, struct hv_partition *p, struct hv_machine *dst, uint32_t dslot)
{
	struct hpt_copy c = { dst, dslot };

	/* Same PTEX positions: the HPT layout is part of what the partition sees. */
	visit_partition_hptes(src, p, copy_hpte, &c);
}

static void migrate_vcpus(struct hv_machine *src, struct hv_partition *p, struct hv_machine *dst, uint32_t dslot)
{
	struct hv_partition *dp = &dst->part[dslot];
	uint32_t i;

	for (i = 0; i < src->cfg.max_vcpus; i++) {
		struct hv_vcpu *v = &p->vcpu[i], *dv = &dp->vcpu[i];
		hv_raddr_t save = dv->save;

		if (v->state == HV_VCPU_ABSENT) {
			continue;
		}
		*dv = *v;
		dv->save = save;
		dv->thread = -1;
		plat_mem_dirty(dst->plat, save, HV_SAVE_AREA_BYTES);
		hv_memcpy(hv_real_ptr(dst, save), hv_real_ptr(src, v->save), HV_SAVE_AREA_BYTES);
	}
}

static void migrate_windows(struct hv_machine *src, uint32_t slot, struct hv_machine *dst, uint32_t dslot)
{
	struct hv_partition *dp = &dst->part[dslot];
	uint32_t i;
	uint64_t e;

	for (i = 0; i < src->cfg.max_windows; i++) {
		struct hv_window *w = &src->win[i], *dw;

		if (!w->active || w->owner != slot) {
			continue;
		}
		hv_window_assign(dst, dslot, w->liobn, w->bus_offset, w->entries);
		dw = hv_window_find(dst, dslot, w->liobn);
		if (!hv_tce_tables_maybe_written(src, w)) {
			continue; /* never written, hence all zero, like the new window */
		}
		for (e = hv_tce_next_used(src, w, 0); e < w->entries; e = hv_tce_next_used(src, w, e + 1)) {
			uint64_t logical = hv_real_ld64(src, hv_tce_shadow_slot(w, e));
			uint64_t real = hv_real_ld64(src, hv_tce_real_slot(w, e));
			hv_raddr_t ra;

			if ((real & TCE_RW) &&
			    hv_translate(dst, dp, hv_la(logical & ~(TCE_PAGE_SIZE - 1)), TCE_PAGE_SIZE, &ra)) {
				real = ra.v | (real & TCE_RW);
			} else {
				real = 0;
			}
			hv_tce_store(dst, dw, e, real, logical);
		}
	}
}

int hv_partition_migrate(struct hv_machine *src, uint32_t slot, struct hv_machine *dst, uint32_t *dst_slot)
{
	struct hv_partition *p = hv_part(src, slot), *dp;
	uint32_t i, dslot;
	int rc;

	if (!p) {
		return HV_ENOENT;
	}
	if (dst == src) {
		return HV_EINVAL;
	}
	rc = migrate_fits(src, p, dst);
	if (rc != HV_OK) {
		return rc;
	}
	/* The partition is suspended for the move: nothing of it runs on src any more. */
	for (i = 0; i < src->cfg.threads; i++) {
		if (src->thread[i].part == (int8_t)slot) {
			hv_preempt(src, i);
		}
	}
	hv_partition_create(dst, p->hpt_order, p->shared_proc, &dslot);
	dp = &dst->part[dslot];
	migrate_memory(src, p, dst, dslot);
	migrate_hpt(src, p, dst, dslot);
	migrate_vcpus(src, p, dst, dslot);
	migrate_windows(src, slot, dst, dslot);
	dp->vty = p->vty;
	/* Its real-mode area's entries came with migrate_hpt; its clock goes with it. */
	dp->rma_bytes = p->rma_bytes;
	dp->rma_shift = p->rma_shift;
	hv_memcpy(dp->tod, p->tod, sizeof(dp->tod));
	/* The interrupt mode it chose (H_SET_MODE); each vCPU's ICP came with migrate_vcpus. */
	dp->ail = p->ail;
	dp->ile = p->ile;
	hv_memcpy(dp->term_rx, p->term_rx, sizeof(dp->term_rx));
	dp->term_rx_head = p->term_rx_head;
	dp->term_rx_len = p->term_rx_len;
	plat_tlb_flush_lpid(dst->plat, dp->lpid);
	/* Destroying revokes every reference on src, flushes, zeroes and frees the old memory. */
	hv_partition_destroy(src, slot);
	*dst_slot = dslot;
	return HV_OK;
}
