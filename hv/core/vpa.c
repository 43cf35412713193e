/*
 * Shared areas a partition registers with H_REGISTER_VPA (papr-spec §6.5):
 * the VPA (lppaca), the dispatch trace log and the SLB shadow. The
 * hypervisor writes into them on dispatch, so each write first revalidates
 * that the area is still the partition's own memory.
 */
#include "internal.h"

#define VPA_MIN_BYTES       640
#define VPA_YIELD_COUNT     0x100 /* be32 */
#define VPA_DTL_IDX         0x218 /* be64 */
#define VPA_SHARED_PROC     9     /* byte: the hypervisor sets 0x02 for a shared processor */
#define VPA_SHARED_PROC_BIT 0x02
#define DTL_ENTRY_BYTES     48
#define SLB_MIN_BYTES       8
#define AREA_ALIGN          128   /* cache line */
#define AREA_LEN_OFFSET     4

/* Real address of a registered area, or false (and the area is dropped) if it is gone. */
static bool area_resolve(struct hv_machine *m, struct hv_partition *p, struct hv_area *a, hv_raddr_t *ra)
{
	if (!a->on) {
		return false;
	}
	if (!hv_translate(m, p, hv_la(a->la), a->len, ra)) {
		a->on = false; /* backing left the partition: unregister silently */
		return false;
	}
	return true;
}

void hv_vpa_note_dispatch(struct hv_machine *m, uint32_t slot, uint32_t vcpu, bool preempted)
{
	struct hv_partition *p = &m->part[slot];
	struct hv_vcpu *v = &p->vcpu[vcpu];
	hv_raddr_t vpa, dtl;

	if (!p->shared_proc) {
		return;
	}
	/* Odd while preempted, even while running. */
	v->yield_count++;
	if (!area_resolve(m, p, &v->vpa, &vpa)) {
		return;
	}
	hv_real_st32(m, hv_ra_add(vpa, VPA_YIELD_COUNT), v->yield_count);
	if (preempted || !area_resolve(m, p, &v->dtl, &dtl)) {
		return;
	}
	/* One trace entry per dispatch: reason, processor, the vCPU's own srr0/srr1 slots. */
	{
		uint64_t n = v->dtl.len / DTL_ENTRY_BYTES;
		hv_raddr_t e = hv_ra_add(dtl, (v->dtl_index % n) * DTL_ENTRY_BYTES);

		hv_real_zero(m, e, DTL_ENTRY_BYTES);
		hv_real_st8(m, e, 1); /* dispatch reason: preempted vCPU redispatched */
		hv_real_st32(m, hv_ra_add(e, 4), (uint32_t)vcpu);
		v->dtl_index++;
		hv_real_st64(m, hv_ra_add(vpa, VPA_DTL_IDX), v->dtl_index);
	}
}

void hv_vpa_revoke_lmb(struct hv_machine *m, uint32_t slot, uint32_t lmb)
{
	struct hv_partition *p = &m->part[slot];
	uint32_t i;

	for (i = 0; i < m->cfg.max_vcpus; i++) {
		struct hv_area *areas[3] = { &p->vcpu[i].vpa, &p->vcpu[i].dtl, &p->vcpu[i].slb };
		unsigned k;

		for (k = 0; k < 3; k++) {
			hv_raddr_t ra;

			/* Areas never cross a 4 KiB page, so they lie in exactly one LMB. */
			if (area_resolve(m, p, areas[k], &ra) && hv_lmb_of(m, ra) == lmb) {
				areas[k]->on = false;
			}
		}
		/* The DTL and SLB shadow exist only alongside a VPA (as registration requires). */
		if (!p->vcpu[i].vpa.on) {
			p->vcpu[i].dtl.on = false;
			p->vcpu[i].slb.on = false;
		}
	}
}

/* Checks a new area at la: aligned, owned, length field within [min, rest of page]. */
static long area_check(struct hv_call *c, uint64_t la, unsigned func, uint32_t *len)
{
	hv_raddr_t ra;
	uint64_t room;

	if (la == 0 || (la & (AREA_ALIGN - 1))) {
		return H_PARAMETER;
	}
	if (!hv_translate(c->m, c->p, hv_la(la), 8, &ra)) {
		return H_PARAMETER;
	}
	*len = func == H_VPA_REG_VPA ? hv_ld_be16(hv_real_ptr(c->m, hv_ra_add(ra, AREA_LEN_OFFSET)))
				     : hv_real_ld32(c->m, hv_ra_add(ra, AREA_LEN_OFFSET));
	room = TCE_PAGE_SIZE - (la & (TCE_PAGE_SIZE - 1));
	if (*len > room || *len < SLB_MIN_BYTES) {
		return H_PARAMETER;
	}
	return H_SUCCESS;
}

static void area_set(struct hv_area *a, uint64_t la, uint32_t len)
{
	a->la = la;
	a->len = len;
	a->on = true;
}

static void area_clear(struct hv_area *a)
{
	a->la = 0;
	a->len = 0;
	a->on = false;
}

long h_register_vpa(struct hv_call *c)
{
	unsigned func = (unsigned)((c->arg[0] >> H_VPA_FUNC_SHIFT) & H_VPA_FUNC_MASK);
	uint64_t id = c->arg[1], la = c->arg[2];
	struct hv_vcpu *v;
	uint32_t len = 0;
	long rc;

	if (id >= c->m->cfg.max_vcpus || c->p->vcpu[id].state == HV_VCPU_ABSENT) {
		return H_PARAMETER;
	}
	v = &c->p->vcpu[id];
	if (func == H_VPA_REG_VPA || func == H_VPA_REG_DTL || func == H_VPA_REG_SLB) {
		rc = area_check(c, la, func, &len);
		if (rc != H_SUCCESS) {
			return rc;
		}
	}
	switch (func) {
	case H_VPA_REG_VPA:
		if (len < VPA_MIN_BYTES) {
			return H_PARAMETER;
		}
		area_set(&v->vpa, la, len);
		if (c->p->shared_proc) {
			/* The partition learns from its VPA that it runs on shared processors (what Linux reads). */
			hv_raddr_t ra;

			if (hv_translate(c->m, c->p, hv_la(la + VPA_SHARED_PROC), 1, &ra)) {
				hv_real_st8(c->m, ra, *hv_real_ptr(c->m, ra) | VPA_SHARED_PROC_BIT);
			}
		}
		return H_SUCCESS;
	case H_VPA_REG_DTL:
		if (len < DTL_ENTRY_BYTES) {
			return H_PARAMETER;
		}
		if (!v->vpa.on) {
			return H_RESOURCE;
		}
		area_set(&v->dtl, la, len - len % DTL_ENTRY_BYTES);
		v->dtl_index = 0;
		return H_SUCCESS;
	case H_VPA_REG_SLB:
		if (!v->vpa.on) {
			return H_RESOURCE;
		}
		area_set(&v->slb, la, len);
		return H_SUCCESS;
	case H_VPA_DEREG_VPA:
		if (v->dtl.on || v->slb.on) {
			return H_RESOURCE;
		}
		area_clear(&v->vpa);
		return H_SUCCESS;
	case H_VPA_DEREG_DTL:
		area_clear(&v->dtl);
		return H_SUCCESS;
	case H_VPA_DEREG_SLB:
		area_clear(&v->slb);
		return H_SUCCESS;
	}
	return H_PARAMETER;
}
