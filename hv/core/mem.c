/*
 * Real-memory access for the core. Every write to real memory goes through
 * these helpers so the platform's dirty tracking (and with it the reset
 * cost of the host library) is exact.
 */
#include "internal.h"

void hv_memset(void *dst, int c, uint64_t n)
{
	uint8_t *d = dst;
	uint64_t i;

	for (i = 0; i < n; i++) {
		d[i] = (uint8_t)c;
	}
}

void hv_memcpy(void *dst, const void *src, uint64_t n)
{
	uint8_t *d = dst;
	const uint8_t *s = src;
	uint64_t i;

	for (i = 0; i < n; i++) {
		d[i] = s[i];
	}
}

/* Zeroes in doublewords where alignment allows: pages are the common case. */
void hv_real_zero(struct hv_machine *m, hv_raddr_t ra, uint64_t len)
{
	uint8_t *p = hv_real_ptr(m, ra);

	plat_mem_dirty(m->plat, ra, len);
	if (((ra.v | len) & 7) == 0) {
		uint64_t *q = (uint64_t *)(void *)p;
		uint64_t i;

		for (i = 0; i < len / 8; i++) {
			q[i] = 0;
		}
		return;
	}
	hv_memset(p, 0, len);
}

void hv_real_copy(struct hv_machine *m, hv_raddr_t dst, hv_raddr_t src, uint64_t len)
{
	plat_mem_dirty(m->plat, dst, len);
	hv_memcpy(hv_real_ptr(m, dst), hv_real_ptr(m, src), len);
}

void hv_real_st64(struct hv_machine *m, hv_raddr_t ra, uint64_t v)
{
	plat_mem_dirty(m->plat, ra, 8);
	hv_st_be64(hv_real_ptr(m, ra), v);
}

uint64_t hv_real_ld64(struct hv_machine *m, hv_raddr_t ra)
{
	return hv_ld_be64(hv_real_ptr(m, ra));
}

void hv_real_st32(struct hv_machine *m, hv_raddr_t ra, uint32_t v)
{
	plat_mem_dirty(m->plat, ra, 4);
	hv_st_be32(hv_real_ptr(m, ra), v);
}

uint32_t hv_real_ld32(struct hv_machine *m, hv_raddr_t ra)
{
	return hv_ld_be32(hv_real_ptr(m, ra));
}

void hv_real_st8(struct hv_machine *m, hv_raddr_t ra, uint8_t v)
{
	plat_mem_dirty(m->plat, ra, 1);
	*hv_real_ptr(m, ra) = v;
}

void hv_private_dirty(struct hv_machine *m, const void *p, uint64_t len)
{
	plat_mem_dirty(m->plat, hv_ra((uint64_t)((const uint8_t *)p - m->mem)), len);
}

bool hv_translate(struct hv_machine *m, const struct hv_partition *p, hv_laddr_t la, uint64_t len,
		  hv_raddr_t *ra)
{
	uint32_t slot = (uint32_t)(p - m->part);
	uint64_t first, last, i;
	uint32_t real0;

	if (len == 0 || la.v + len < la.v) {
		return false;
	}
	first = la.v >> m->lmb_shift;
	last = (la.v + len - 1) >> m->lmb_shift;
	if (last >= m->cfg.logical_lmbs_max) {
		return false;
	}
	real0 = hv_lmap_get(p, m, (uint32_t)first);
	if (real0 == HV_NIL) {
		return false;
	}
	/* Bounded by logical_lmbs_max; every LMB must be ours and really contiguous. */
	for (i = first; i <= last; i++) {
		uint32_t real = hv_lmap_get(p, m, (uint32_t)i);
		const struct hv_lmb *l;

		if (real != real0 + (uint32_t)(i - first)) {
			return false;
		}
		l = &m->lmb[real];
		if (l->state != HV_LMB_ASSIGNED || l->owner != slot || l->logical != (uint32_t)i) {
			return false;
		}
	}
	*ra = hv_ra_add(hv_lmb_base(m, real0), la.v & (m->cfg.lmb_size - 1));
	return true;
}

int hv_real_owner(const struct hv_machine *m, hv_raddr_t ra)
{
	const struct hv_lmb *l;

	if (ra.v >= m->mem_size) {
		return -3;
	}
	l = &m->lmb[ra.v >> m->lmb_shift];
	if (l->state == HV_LMB_HYP) {
		return -2;
	}
	if (l->state != HV_LMB_ASSIGNED) {
		return -1;
	}
	return l->owner;
}
