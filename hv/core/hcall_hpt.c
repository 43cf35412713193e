/*
 * HPT hypercalls (papr-spec §3.1-§3.7, decision table §3.10, rules §7.5).
 * Every argument is validated before anything changes; outputs are built
 * from the guest-view shadow plus live R/C, so they never carry a real
 * address or a hypervisor SW bit.
 */
#include "internal.h"

/* Guest view of an entry for outputs: shadow words with the live R/C merged in. */
static void hpte_guest_view(struct hv_call *c, uint64_t ptex, uint64_t *dw0, uint64_t *dw1)
{
	const struct hv_hpte_meta *e = &c->p->meta[ptex];

	*dw0 = e->gdw0;
	*dw1 = e->gdw1;
	if (hv_hpte_valid(c->m, c->p, ptex)) {
		*dw1 |= hv_hpte_hw_dw1(c->m, c->p, ptex) & HPTE_R_RC;
	}
}

static bool shadow_valid(const struct hv_call *c, uint64_t ptex)
{
	return (c->p->meta[ptex].gdw0 & HPTE_V_VALID) != 0;
}

long h_enter(struct hv_call *c)
{
	uint64_t flags = c->arg[0], ptex = c->arg[1], pteh = c->arg[2], ptel = c->arg[3];
	unsigned base_shift, actual_shift;
	uint64_t size, lpa, gdw0, gdw1, slot_ptex, i;
	hv_raddr_t ra;

	if ((pteh >> HPTE_V_SSIZE_SHIFT) > HPTE_B_1T) {
		return H_PARAMETER; /* B = 10 / 11 reserved (§7.5 rule 3) */
	}
	if (!hv_hpte_decode_size(pteh, ptel, &base_shift, &actual_shift)) {
		return H_PARAMETER;
	}
	size = 1ull << actual_shift;
	lpa = (ptel & HPTE_R_RPN) & ~(size - 1);
	/* The whole page, at its actual size, must be RAM this partition owns. */
	if (!hv_translate(c->m, c->p, hv_la(lpa), size, &ra) || (ra.v & (size - 1))) {
		return H_PARAMETER;
	}
	if ((ptel & HPTE_R_WIMG) != HPTE_R_M) {
		return H_PARAMETER; /* RAM is mapped W=0 I=0 M=1 G=0, never cache-inhibited */
	}
	if (ptex >= c->p->nhpte) {
		return H_PARAMETER;
	}
	if (flags & H_EXACT) {
		if (shadow_valid(c, ptex)) {
			return H_PTEG_FULL;
		}
		slot_ptex = ptex;
	} else {
		slot_ptex = c->p->nhpte; /* none */
		for (i = ptex & ~7ull; i < (ptex & ~7ull) + HPTES_PER_GROUP; i++) {
			if (!shadow_valid(c, i)) {
				slot_ptex = i;
				break;
			}
		}
		if (slot_ptex == c->p->nhpte) {
			return H_PTEG_FULL;
		}
	}
	gdw0 = (pteh & ~HPTE_V_HV_SW) | HPTE_V_VALID;
	gdw1 = ptel & ~HPTE_R_TS;
	if (flags & H_ZERO_PAGE) {
		hv_real_zero(c->m, ra, size); /* the partition's own page, checked above */
	}
	hv_hpte_install(c->m, c->slot, slot_ptex, gdw0, gdw1, ra);
	c->out[0] = slot_ptex;
	return H_SUCCESS;
}

/* The H_REMOVE / H_BULK_REMOVE match rule: AVPN and ANDCOND conditions (both may apply). */
static bool remove_matches(uint64_t gdw0, bool avpn, bool andcond, uint64_t operand)
{
	if (!(gdw0 & HPTE_V_VALID)) {
		return false;
	}
	if (avpn && (gdw0 & HPTE_V_COMPARE_MASK) != operand) {
		return false;
	}
	if (andcond && (gdw0 & operand) != 0) {
		return false;
	}
	return true;
}

long h_remove(struct hv_call *c)
{
	uint64_t flags = c->arg[0], ptex = c->arg[1], operand = c->arg[2];
	uint64_t dw0;

	if (ptex >= c->p->nhpte) {
		return H_PARAMETER;
	}
	dw0 = c->p->meta[ptex].gdw0;
	if (!remove_matches(dw0, flags & H_AVPN, flags & H_ANDCOND, operand)) {
		return H_NOT_FOUND;
	}
	c->out[1] = hv_hpte_invalidate(c->m, c->slot, ptex);
	c->out[0] = dw0;
	return H_SUCCESS;
}

long h_read(struct hv_call *c)
{
	uint64_t flags = c->arg[0], ptex = c->arg[1];
	unsigned n = 1, i;

	if (ptex >= c->p->nhpte) {
		return H_PARAMETER;
	}
	if (flags & H_READ_4) {
		ptex &= ~3ull;
		n = 4;
	}
	/* H_R_XLATE is always in effect: outputs only ever hold logical page numbers. */
	for (i = 0; i < n; i++) {
		hpte_guest_view(c, ptex + i, &c->out[2 * i], &c->out[2 * i + 1]);
	}
	return H_SUCCESS;
}

/* New protection bits of dword 1 from the H_PROTECT flags (§3.4). */
static uint64_t protect_bits(uint64_t flags)
{
	return (flags & (HPTE_R_PP | HPTE_R_N)) | ((flags & H_PROTECT_PP0) << 55) | (flags & H_PROTECT_KEY_LO) |
	       ((flags & H_PROTECT_KEY_HI) << 48);
}

long h_protect(struct hv_call *c)
{
	uint64_t flags = c->arg[0], ptex = c->arg[1], avpn = c->arg[2];
	struct hv_hpte_meta *e;
	uint64_t prot, hw1, rc;

	if (ptex >= c->p->nhpte) {
		return H_PARAMETER;
	}
	e = &c->p->meta[ptex];
	if (!remove_matches(e->gdw0, flags & H_AVPN, false, avpn)) {
		return H_NOT_FOUND;
	}
	prot = protect_bits(flags);
	hv_private_dirty(c->m, e, sizeof(*e));
	e->gdw1 = (e->gdw1 & ~HPTE_R_PROT_MASK) | prot;
	hw1 = hv_hpte_hw_dw1(c->m, c->p, ptex);
	if ((hw1 & HPTE_R_PROT_MASK) != prot) {
		/* Invalidate, flush, then fold in R/C set before the flush completed. */
		rc = hv_hpte_suspend(c->m, c->slot, ptex);
		hw1 = (hv_hpte_hw_dw1(c->m, c->p, ptex) & ~HPTE_R_PROT_MASK) | prot | rc;
		hv_hpte_resume(c->m, c->slot, ptex, hw1);
	}
	return H_SUCCESS;
}

long h_bulk_remove(struct hv_call *c)
{
	unsigned i;

	/* Outputs echo the request words; each handled TSH becomes a response. */
	for (i = 0; i < 2 * HBR_MAX_PAIRS; i++) {
		c->out[i] = c->arg[i];
	}
	for (i = 0; i < HBR_MAX_PAIRS; i++) {
		uint64_t tsh = c->arg[2 * i], tsl = c->arg[2 * i + 1];
		uint64_t type = tsh & HBR_TYPE_MASK, rflags = tsh & HBR_FLAGS_MASK, ptex = tsh & HBR_PTEX_MASK;
		uint64_t resp = HBR_RESPONSE | rflags | ptex;
		uint64_t dw1;

		if (type == HBR_END) {
			break;
		}
		if (type != HBR_REQUEST) {
			c->out[2 * i] = resp | HBR_RESULT_PARM;
			return H_PARAMETER;
		}
		if (rflags == (HBR_ANDCOND | HBR_AVPN) || ptex >= c->p->nhpte) {
			c->out[2 * i] = resp | HBR_RESULT_PARM;
			return H_PARAMETER;
		}
		if (!remove_matches(c->p->meta[ptex].gdw0, rflags == HBR_AVPN, rflags == HBR_ANDCOND, tsl)) {
			c->out[2 * i] = resp | HBR_RESULT_NOT_FOUND;
			continue;
		}
		dw1 = hv_hpte_invalidate(c->m, c->slot, ptex);
		c->out[2 * i] = resp | HBR_RESULT_SUCCESS | ((dw1 & HPTE_R_RC) << HBR_RC_SHIFT);
	}
	return H_SUCCESS;
}

/* H_CLEAR_REF / H_CLEAR_MOD: returns the guest view before clearing `bit` everywhere. */
static long clear_rc(struct hv_call *c, uint64_t bit)
{
	uint64_t ptex = c->arg[1];
	struct hv_hpte_meta *e;
	uint64_t dw1;

	if (ptex >= c->p->nhpte) {
		return H_PARAMETER;
	}
	if (!shadow_valid(c, ptex)) {
		return H_NOT_FOUND;
	}
	e = &c->p->meta[ptex];
	if (bit == HPTE_R_R && hv_cap(c->m, HV_PLAT_CAP_HPTE_R_PRESET)) {
		/* The MMU cannot record references: R stays set, and reads as set (plat.h). */
		uint64_t dw0;

		hpte_guest_view(c, ptex, &dw0, &dw1);
	} else if (bit == HPTE_R_R) {
		hv_raddr_t a = hv_hpte_addr(c->p, ptex);
		uint64_t dw0;

		hpte_guest_view(c, ptex, &dw0, &dw1);
		/* One-byte store to byte 14 so a concurrent hardware C update in byte 15 survives. */
		hv_real_st8(c->m, hv_ra_add(a, HPTE_R_R_BYTE), *hv_real_ptr(c->m, hv_ra_add(a, HPTE_R_R_BYTE)) & ~1u);
		plat_tlb_flush_entry(c->m->plat, c->p->lpid, hv_hpte_tlbie_rb(e->gdw0, e->gdw1, ptex));
	} else {
		/* C is only stable once the entry is invalid and flushed. */
		uint64_t rc = hv_hpte_suspend(c->m, c->slot, ptex);
		uint64_t hw1 = hv_hpte_hw_dw1(c->m, c->p, ptex);

		dw1 = e->gdw1 | rc;
		hv_hpte_resume(c->m, c->slot, ptex, hw1 & ~HPTE_R_C);
	}
	hv_private_dirty(c->m, e, sizeof(*e));
	e->gdw1 &= ~bit;
	c->out[0] = dw1;
	return H_SUCCESS;
}

long h_clear_ref(struct hv_call *c)
{
	return clear_rc(c, HPTE_R_R);
}

long h_clear_mod(struct hv_call *c)
{
	return clear_rc(c, HPTE_R_C);
}
