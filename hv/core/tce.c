/*
 * DMA windows and their TCE tables (papr-spec §4): the management
 * operations, the TCE hcalls, and the revocation and retargeting that DLPAR
 * and mobility need. Each window has a real table (what the I/O adapter
 * walks: real addresses, big-endian) and a shadow (what the partition
 * stored: logical), so H_GET_TCE never shows a real address.
 */
#include "internal.h"

#define TCE_RESERVED 0xFFCull

hv_raddr_t hv_tce_real_slot(const struct hv_window *w, uint64_t idx)
{
	return hv_ra_add(w->table, idx * 8);
}

hv_raddr_t hv_tce_shadow_slot(const struct hv_window *w, uint64_t idx)
{
	return hv_ra_add(w->shadow, idx * 8);
}

/*
 * Could any entry of w be non-zero? Tables come from zeroed memory, so when
 * the platform knows neither was written the whole-window walks
 * (unassign, migration) have nothing to do.
 */
bool hv_tce_tables_maybe_written(struct hv_machine *m, const struct hv_window *w)
{
	uint64_t bytes = (uint64_t)w->entries * 8;

	return plat_mem_maybe_written(m->plat, w->table, bytes) || plat_mem_maybe_written(m->plat, w->shadow, bytes);
}

/* Writes entry idx: real value for the adapter, logical value for the partition. */
void hv_tce_store(struct hv_machine *m, struct hv_window *w, uint64_t idx, uint64_t real, uint64_t logical)
{
	uint64_t old = hv_real_ld64(m, hv_tce_real_slot(w, idx));

	hv_real_st64(m, hv_tce_real_slot(w, idx), real);
	hv_real_st64(m, hv_tce_shadow_slot(w, idx), logical);
	if (old & TCE_RW) {
		/* The old translation may be cached by the adapter: gone before we return. */
		plat_iotlb_flush(m->plat, m->part[w->owner].lpid, w->liobn, w->bus_offset + idx * TCE_PAGE_SIZE);
	}
}

int hv_window_assign(struct hv_machine *m, uint32_t slot, uint32_t liobn, uint64_t bus_offset, uint32_t entries)
{
	uint32_t i;

	if (!hv_part(m, slot)) {
		return HV_ENOENT;
	}
	if (entries == 0 || entries > m->cfg.window_entries_max || (bus_offset & (TCE_PAGE_SIZE - 1)) ||
	    bus_offset + (uint64_t)entries * TCE_PAGE_SIZE < bus_offset) {
		return HV_EINVAL;
	}
	if (hv_window_find(m, slot, liobn)) {
		return HV_EEXIST;
	}
	for (i = 0; i < m->cfg.max_windows; i++) {
		struct hv_window *w = &m->win[i];

		if (w->active) {
			continue;
		}
		/* An inactive window's tables are all zero (unassign clears them). */
		w->active = true;
		w->owner = (uint8_t)slot;
		w->liobn = liobn;
		w->bus_offset = bus_offset;
		w->entries = entries;
		return HV_OK;
	}
	return HV_ENOMEM;
}

/* Zeroes every non-zero entry of w (and the IOTLB entries behind them). */
static void window_clear(struct hv_machine *m, struct hv_window *w)
{
	uint64_t i;

	for (i = 0; i < w->entries; i++) {
		if (hv_real_ld64(m, hv_tce_real_slot(w, i)) || hv_real_ld64(m, hv_tce_shadow_slot(w, i))) {
			hv_tce_store(m, w, i, 0, 0);
		}
	}
}

int hv_window_unassign(struct hv_machine *m, uint32_t slot, uint32_t liobn)
{
	struct hv_window *w = hv_window_find(m, slot, liobn);

	if (!w) {
		return HV_ENOENT;
	}
	if (hv_tce_tables_maybe_written(m, w)) {
		window_clear(m, w);
	}
	w->active = false;
	w->entries = 0;
	w->liobn = 0;
	w->bus_offset = 0;
	return HV_OK;
}

/* The caller's window named by an hcall LIOBN argument, or 0 (I8: only its own). */
static struct hv_window *window_arg(struct hv_call *c, uint64_t liobn)
{
	if (liobn > 0xFFFFFFFFull) {
		return 0;
	}
	return hv_window_find(c->m, c->slot, (uint32_t)liobn);
}

/* Index of ioba in w for a run of npages entries; false when misaligned or outside (no wrap). */
static bool ioba_index(const struct hv_window *w, uint64_t ioba, uint64_t npages, uint64_t *idx)
{
	uint64_t rel;

	if ((ioba & (TCE_PAGE_SIZE - 1)) || ioba < w->bus_offset) {
		return false;
	}
	rel = (ioba - w->bus_offset) >> TCE_SHIFT;
	if (rel > w->entries || npages > w->entries - rel) {
		return false;
	}
	*idx = rel;
	return true;
}

/* Validates a TCE value of the caller; *real receives what the adapter will see. */
static bool tce_validate(struct hv_call *c, uint64_t tce, uint64_t *real)
{
	hv_raddr_t ra;

	if (tce & TCE_RESERVED) {
		return false;
	}
	if (!(tce & TCE_RW)) {
		*real = 0; /* no access: nothing for the adapter to reach */
		return true;
	}
	if (!hv_translate(c->m, c->p, hv_la(tce & ~(TCE_PAGE_SIZE - 1)), TCE_PAGE_SIZE, &ra)) {
		return false;
	}
	*real = ra.v | (tce & TCE_RW);
	return true;
}

long h_put_tce(struct hv_call *c)
{
	struct hv_window *w = window_arg(c, c->arg[0]);
	uint64_t idx, real;

	if (!w || !ioba_index(w, c->arg[1], 1, &idx) || !tce_validate(c, c->arg[2], &real)) {
		return H_PARAMETER;
	}
	hv_tce_store(c->m, w, idx, real, c->arg[2]);
	return H_SUCCESS;
}

long h_get_tce(struct hv_call *c)
{
	struct hv_window *w = window_arg(c, c->arg[0]);
	uint64_t idx;

	if (!w || !ioba_index(w, c->arg[1], 1, &idx)) {
		return H_PARAMETER;
	}
	c->out[0] = hv_real_ld64(c->m, hv_tce_shadow_slot(w, idx));
	return H_SUCCESS;
}

long h_stuff_tce(struct hv_call *c)
{
	struct hv_window *w = window_arg(c, c->arg[0]);
	uint64_t value = c->arg[2], count = c->arg[3], idx, i;

	/* Stuffing only clears or poisons (§7.5 rule 6): no permission bits. */
	if (!w || !ioba_index(w, c->arg[1], count, &idx) || (value & (TCE_RW | TCE_RESERVED))) {
		return H_PARAMETER;
	}
	for (i = 0; i < count; i++) {
		hv_tce_store(c->m, w, idx + i, 0, value);
	}
	return H_SUCCESS;
}

long h_put_tce_indirect(struct hv_call *c)
{
	struct hv_window *w = window_arg(c, c->arg[0]);
	uint64_t list_la = c->arg[2], count = c->arg[3], idx, i;
	uint64_t list[TCE_INDIRECT_MAX], real;
	hv_raddr_t list_ra;

	if (!w || count > TCE_INDIRECT_MAX || (list_la & (TCE_PAGE_SIZE - 1)) || !ioba_index(w, c->arg[1], count, &idx)) {
		return H_PARAMETER;
	}
	if (!hv_translate(c->m, c->p, hv_la(list_la), TCE_PAGE_SIZE, &list_ra)) {
		return H_PARAMETER;
	}
	/* One copy into hypervisor memory, then validate and apply from it (no TOCTOU). */
	for (i = 0; i < count; i++) {
		list[i] = hv_real_ld64(c->m, hv_ra_add(list_ra, i * 8));
	}
	for (i = 0; i < count; i++) {
		if (!tce_validate(c, list[i], &real)) {
			return H_PARAMETER; /* nothing applied */
		}
	}
	/* Nothing can change the partition's memory map inside the call: same results again. */
	for (i = 0; i < count; i++) {
		tce_validate(c, list[i], &real);
		hv_tce_store(c->m, w, idx + i, real, list[i]);
	}
	return H_SUCCESS;
}

/*
 * Every TCE of slot's windows that grants access into real LMB `lmb` is
 * either cleared (new_lmb == HV_NIL: the LMB is leaving) or pointed at the
 * same offset of new_lmb (the LMB moved), keeping the partition's value.
 */
static void tce_rewrite_lmb(struct hv_machine *m, uint32_t slot, uint32_t lmb, uint32_t new_lmb)
{
	uint64_t old_base = (uint64_t)lmb << m->lmb_shift, new_base = (uint64_t)new_lmb << m->lmb_shift;
	uint32_t i;
	uint64_t e;

	for (i = 0; i < m->cfg.max_windows; i++) {
		struct hv_window *w = &m->win[i];

		if (!w->active || w->owner != slot) {
			continue;
		}
		for (e = 0; e < w->entries; e++) {
			uint64_t real = hv_real_ld64(m, hv_tce_real_slot(w, e));

			if (!(real & TCE_RW) || hv_lmb_of(m, hv_ra(real & ~(TCE_PAGE_SIZE - 1))) != lmb) {
				continue;
			}
			if (new_lmb == HV_NIL) {
				hv_tce_store(m, w, e, 0, 0);
			} else {
				hv_tce_store(m, w, e, real - old_base + new_base, hv_real_ld64(m, hv_tce_shadow_slot(w, e)));
			}
		}
	}
}

void hv_tce_revoke_lmb(struct hv_machine *m, uint32_t slot, uint32_t lmb)
{
	tce_rewrite_lmb(m, slot, lmb, HV_NIL);
}

void hv_tce_retarget_lmb(struct hv_machine *m, uint32_t slot, uint32_t old_lmb, uint32_t new_lmb)
{
	tce_rewrite_lmb(m, slot, old_lmb, new_lmb);
}

bool hv_dma_translate(struct hv_machine *m, uint32_t slot, uint32_t liobn, uint64_t bus, bool write,
		      hv_raddr_t *ra)
{
	struct hv_window *w = hv_window_find(m, slot, liobn);
	uint64_t idx, real;

	if (!w || !ioba_index(w, bus & ~(TCE_PAGE_SIZE - 1), 1, &idx)) {
		return false;
	}
	real = hv_real_ld64(m, hv_tce_real_slot(w, idx));
	if (!(real & (write ? TCE_WRITE : TCE_READ))) {
		return false;
	}
	*ra = hv_ra((real & ~(TCE_PAGE_SIZE - 1)) | (bus & (TCE_PAGE_SIZE - 1)));
	return true;
}
