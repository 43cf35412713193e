/*
 * The TCE hcalls (papr-spec §4) and the device side of a window (DMA
 * translation). The windows themselves, their tables and what DLPAR and
 * mobility do to them are in tce_window.c.
 */
#include "internal.h"

#define TCE_RESERVED 0xFFCull

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
