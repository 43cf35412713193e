/*
 * Real-memory access for the core. Every write to real memory goes through
 * these helpers so the platform's dirty tracking (and with it the reset
 * cost of the host library) is exact.
 */
#include "internal.h"

/*
 * Compiler builtins, not libc: the host build lowers them to the C library's
 * tuned routines, a freestanding build to freestanding_support.c.
 */
void hv_memset(void *dst, int c, uint64_t n)
{
	__builtin_memset(dst, c, n);
}

void hv_memcpy(void *dst, const void *src, uint64_t n)
{
	__builtin_memcpy(dst, src, n);
}

void hv_real_zero(struct hv_machine *m, hv_raddr_t ra, uint64_t len)
{
	uint8_t *p = hv_real_ptr(m, ra);

	plat_mem_dirty(m->plat, ra, len);
	hv_memset(p, 0, len);
}

void hv_real_copy(struct hv_machine *m, hv_raddr_t dst, hv_raddr_t src, uint64_t len)
{
	plat_mem_dirty(m->plat, dst, len);
	hv_memcpy(hv_real_ptr(m, dst), hv_real_ptr(m, src), len);
}

/*
 * Page-wise scrub and copy for LMB-sized moves: pages the platform knows
 * nobody wrote still read zero, so they are neither touched nor marked
 * dirty, and a reset (and the checks that follow) costs what the partition
 * really used.
 */
void hv_real_scrub(struct hv_machine *m, hv_raddr_t ra, uint64_t len)
{
	uint64_t off;

	/* One question for the whole range first: most LMBs handed back were never written. */
	if (!plat_mem_maybe_written(m->plat, ra, len)) {
		return;
	}
	for (off = 0; off < len; off += HV_PAGE_SIZE) {
		if (plat_mem_maybe_written(m->plat, hv_ra_add(ra, off), HV_PAGE_SIZE)) {
			hv_real_zero(m, hv_ra_add(ra, off), HV_PAGE_SIZE);
		}
	}
}

void hv_real_copy_to_zeroed(struct hv_machine *dst_m, hv_raddr_t dst, struct hv_machine *src_m, hv_raddr_t src,
			    uint64_t len)
{
	uint64_t off;

	if (!plat_mem_maybe_written(src_m->plat, src, len)) {
		return;
	}
	for (off = 0; off < len; off += HV_PAGE_SIZE) {
		if (plat_mem_maybe_written(src_m->plat, hv_ra_add(src, off), HV_PAGE_SIZE)) {
			plat_mem_dirty(dst_m->plat, hv_ra_add(dst, off), HV_PAGE_SIZE);
			hv_memcpy(hv_real_ptr(dst_m, hv_ra_add(dst, off)), hv_real_ptr(src_m, hv_ra_add(src, off)),
				  HV_PAGE_SIZE);
		}
	}
}

void hv_real_st64(struct hv_machine *m, hv_raddr_t ra, uint64_t v)
{
	plat_mem_dirty(m->plat, ra, 8);
	hv_st_be64(hv_real_ptr(m, ra), v);
}

void hv_real_st32(struct hv_machine *m, hv_raddr_t ra, uint32_t v)
{
	plat_mem_dirty(m->plat, ra, 4);
	hv_st_be32(hv_real_ptr(m, ra), v);
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
