/*
 * Logical memory blocks: the real-LMB table, each partition's logical map,
 * and DLPAR of memory (add a zeroed LMB; remove one after revoking every
 * reference to it).
 */
#include "internal.h"

struct hv_lmb *hv_lmb_get(struct hv_machine *m, uint32_t lmb)
{
	return lmb < m->lmb_count ? &m->lmb[lmb] : 0;
}

uint32_t hv_lmap_get(const struct hv_partition *p, const struct hv_machine *m, uint32_t logical)
{
	if (logical >= m->cfg.logical_lmbs_max || p->lmap[logical] == 0) {
		return HV_NIL;
	}
	return p->lmap[logical] - 1;
}

void hv_lmap_set(struct hv_machine *m, struct hv_partition *p, uint32_t logical, uint32_t real)
{
	hv_private_dirty(m, &p->lmap[logical], sizeof(p->lmap[logical]));
	p->lmap[logical] = real == HV_NIL ? 0 : real + 1;
}

uint32_t hv_lmb_find_free(struct hv_machine *m)
{
	uint32_t i;

	/* Bounded by the LMB count; only management operations search (past the hypervisor's LMBs). */
	for (i = hv_lmb_first_pool(m); i < m->lmb_count; i++) {
		if (m->lmb[i].state == HV_LMB_FREE) {
			return i;
		}
	}
	return HV_NIL;
}

/* Takes real LMB `real` (free) for slot at logical index, zeroed (it already is: see release). */
void hv_lmb_assign(struct hv_machine *m, uint32_t slot, uint32_t logical, uint32_t real)
{
	struct hv_lmb *l = &m->lmb[real];

	hv_private_dirty(m, l, sizeof(*l));
	l->state = HV_LMB_ASSIGNED;
	l->owner = (uint8_t)slot;
	l->logical = logical;
	l->hpte_head = 0;
	l->hpte_count = 0;
	hv_lmap_set(m, &m->part[slot], logical, real);
	m->part[slot].lmb_count++;
}

int hv_lmb_pick_free(struct hv_machine *m, uint32_t *real_lmb)
{
	if (*real_lmb == HV_NIL) {
		*real_lmb = hv_lmb_find_free(m);
		return *real_lmb == HV_NIL ? HV_ENOMEM : HV_OK;
	}
	if (*real_lmb >= m->lmb_count) {
		return HV_EINVAL;
	}
	return m->lmb[*real_lmb].state == HV_LMB_FREE ? HV_OK : HV_EBUSY;
}

int hv_dlpar_mem_add(struct hv_machine *m, uint32_t slot, uint32_t logical_lmb, uint32_t real_lmb)
{
	struct hv_partition *p = hv_part(m, slot);
	int rc;

	if (!p) {
		return HV_ENOENT;
	}
	if (logical_lmb >= m->cfg.logical_lmbs_max) {
		return HV_EINVAL;
	}
	if (hv_lmap_get(p, m, logical_lmb) != HV_NIL) {
		return HV_EEXIST;
	}
	rc = hv_lmb_pick_free(m, &real_lmb);
	if (rc != HV_OK) {
		return rc;
	}
	/*
	 * A free LMB is always zero: it was zero at power-on and every release
	 * scrubs it. The scrub-before-handover rule therefore holds here too.
	 */
	hv_lmb_assign(m, slot, logical_lmb, real_lmb);
	return HV_OK;
}

static void revoke_hpte(struct hv_machine *m, uint32_t slot, uint64_t ptex, void *ctx)
{
	(void)ctx;
	hv_hpte_invalidate(m, slot, ptex);
}

/*
 * Removes every reference partition slot holds to real LMB `real`:
 * HPTEs through the reverse map (each invalidated with a tlbie), TCEs of its
 * windows (IOTLB flushed) and VPA/DTL/SLB-shadow registrations inside it.
 */
void hv_lmb_revoke_hptes(struct hv_machine *m, uint32_t real)
{
	hv_rmap_visit_lmb(m, real, revoke_hpte, 0);
}

void hv_lmb_revoke_refs(struct hv_machine *m, uint32_t slot, uint32_t real)
{
	hv_lmb_revoke_hptes(m, real);
	hv_tce_revoke_lmb(m, slot, real);
	hv_vpa_revoke_lmb(m, slot, real);
}

void hv_lmb_scrub_free(struct hv_machine *m, uint32_t real)
{
	struct hv_lmb *l = &m->lmb[real];

	hv_real_scrub(m, hv_lmb_base(m, real), m->cfg.lmb_size);
	hv_private_dirty(m, l, sizeof(*l));
	l->state = HV_LMB_FREE;
	l->owner = 0;
	l->logical = 0;
	l->hpte_head = 0;
	l->hpte_count = 0;
}

/* Scrubs a real LMB and returns it to the free pool. */
void hv_lmb_release(struct hv_machine *m, uint32_t real)
{
	struct hv_partition *p = &m->part[m->lmb[real].owner];

	hv_lmap_set(m, p, m->lmb[real].logical, HV_NIL);
	p->lmb_count--;
	hv_lmb_scrub_free(m, real);
}

int hv_dlpar_mem_remove(struct hv_machine *m, uint32_t slot, uint32_t logical_lmb)
{
	struct hv_partition *p = hv_part(m, slot);
	uint32_t real;

	if (!p) {
		return HV_ENOENT;
	}
	real = hv_lmap_get(p, m, logical_lmb);
	if (real == HV_NIL) {
		return HV_ENOENT;
	}
	hv_lmb_revoke_refs(m, slot, real);
	plat_tlb_flush_lpid(m->plat, p->lpid);
	hv_lmb_release(m, real);
	return HV_OK;
}
