/*
 * DMA windows and their TCE tables (papr-spec §4): each window has a real
 * table (what the I/O adapter walks: real addresses, big-endian) and a
 * shadow (what the partition stored: logical), so H_GET_TCE never shows a
 * real address. Here: the entries, assigning and unassigning windows, and
 * the revocation and retargeting that DLPAR and mobility need. The TCE
 * hcalls a partition issues are in tce.c.
 */
#include "internal.h"

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

/* Entry i of a table as stored (big-endian): enough to tell zero from non-zero. */
static inline uint64_t tce_raw(const uint8_t *table, uint64_t i)
{
	uint64_t v;

	__builtin_memcpy(&v, table + 8 * i, 8);
	return v;
}

/*
 * First entry of w at or after idx with a non-zero real or logical value,
 * or w->entries. Whole aligned blocks of 8 entries of both tables are
 * tested at once (raw words: a zero test needs no byte swap; a fixed count
 * the compiler unrolls), so the whole-window walks (unassign, DLPAR,
 * mobility) cost what the partition put in the window.
 */
uint64_t hv_tce_next_used(struct hv_machine *m, const struct hv_window *w, uint64_t idx)
{
	const uint8_t *real = hv_real_ptr(m, w->table), *logical = hv_real_ptr(m, w->shadow);

	while (idx < w->entries) {
		if ((idx & 7) == 0 && idx + 8 <= w->entries) {
			uint64_t any = 0;
			unsigned i;

			for (i = 0; i < 8; i++) {
				any |= tce_raw(real, idx + i) | tce_raw(logical, idx + i);
			}
			if (!any) {
				idx += 8;
				continue;
			}
		}
		if (tce_raw(real, idx) | tce_raw(logical, idx)) {
			return idx;
		}
		idx++;
	}
	return w->entries;
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

	for (i = hv_tce_next_used(m, w, 0); i < w->entries; i = hv_tce_next_used(m, w, i + 1)) {
		hv_tce_store(m, w, i, 0, 0);
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

		if (!w->active || w->owner != slot || !hv_tce_tables_maybe_written(m, w)) {
			continue;
		}
		for (e = hv_tce_next_used(m, w, 0); e < w->entries; e = hv_tce_next_used(m, w, e + 1)) {
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
