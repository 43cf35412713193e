/*
 * The virtual real-mode area (papr-spec §2.9): what a partition reaches
 * with translation off. On POWER9 a partition's real-mode accesses are
 * translated through its own HPT, as if by a 1 TB segment of the reserved
 * VSID 0x1FFFFFF whose page size LPCR[VRMASD] gives; the hypervisor puts
 * those entries there. They are ordinary entries of the partition's HPT
 * (the reverse map, DLPAR removal, relocation and migration treat them like
 * any other), bolted so a Linux guest never evicts them, and visible to
 * H_READ, as KVM's are in a hash guest's HPT. The partition may remove
 * them: it then loses its own real mode, nothing else.
 */
#include "internal.h"

#define VRMA_VSID 0x1FFFFFFull
#define HPTE_B_1T_BITS (1ull << HPTE_V_SSIZE_SHIFT)
#define HPTE_V_BOLTED 0x10ull

/* Large-page encodings of the VRMA's page sizes (papr-spec §2.5): LP bits of dword 1. */
static bool vrma_page_encoding(unsigned shift, uint64_t *dw0_l, uint64_t *dw1_lp)
{
	switch (shift) {
	case 12: *dw0_l = 0; *dw1_lp = 0; return true;
	case 16: *dw0_l = HPTE_V_LARGE; *dw1_lp = 0x1ull << 12; return true;
	case 24: *dw0_l = HPTE_V_LARGE; *dw1_lp = 0; return true;
	}
	return false;
}

/* First free slot (guest view) of the primary or else the secondary PTEG of hash; false if both are full. */
static bool vrma_slot(const struct hv_partition *p, uint64_t hash, uint64_t *ptex, bool *secondary)
{
	uint64_t groups = p->nhpte / HPTES_PER_GROUP, g, i;
	unsigned pass;

	for (pass = 0; pass < 2; pass++) {
		g = (pass ? ~hash : hash) & (groups - 1);
		for (i = g * HPTES_PER_GROUP; i < (g + 1) * HPTES_PER_GROUP; i++) {
			if (!(p->meta[i].gdw0 & HPTE_V_VALID)) {
				*ptex = i;
				*secondary = pass == 1;
				return true;
			}
		}
	}
	return false;
}

int hv_partition_map_rma(struct hv_machine *m, uint32_t slot, uint64_t bytes, unsigned page_shift)
{
	struct hv_partition *p = hv_part(m, slot);
	uint64_t size = 1ull << page_shift, la, l_bit, lp;
	hv_raddr_t ra;

	if (!p) {
		return HV_ENOENT;
	}
	if (!vrma_page_encoding(page_shift, &l_bit, &lp) || !bytes || (bytes & (size - 1)) || bytes > (1ull << 40)) {
		return HV_EINVAL;
	}
	/* All or nothing: every page must be memory the partition owns, contiguous and aligned in real memory. */
	for (la = 0; la < bytes; la += size) {
		if (!hv_translate(m, p, hv_la(la), size, &ra) || (ra.v & (size - 1))) {
			return HV_EINVAL;
		}
	}
	for (la = 0; la < bytes; la += size) {
		/* ISA hash for a 1 TB segment: VSID ^ (VSID << 25) ^ page number within the segment. */
		uint64_t hash = VRMA_VSID ^ (VRMA_VSID << 25) ^ (la >> page_shift), ptex, gdw0, gdw1;
		bool secondary;

		if (!vrma_slot(p, hash, &ptex, &secondary)) {
			return HV_ENOMEM; /* the entries already placed stay: the partition can still be destroyed */
		}
		hv_translate(m, p, hv_la(la), size, &ra);
		/* AVPN: VA bits 0..54 of (VSID || EA[24:63]); la is page aligned, so no offset bit is set. */
		gdw0 = HPTE_B_1T_BITS | (VRMA_VSID << 24) | ((la >> 16) & ~0x7Full) | l_bit | HPTE_V_BOLTED |
		       (secondary ? HPTE_V_SECONDARY : 0) | HPTE_V_VALID;
		gdw1 = la | lp | HPTE_R_R | HPTE_R_C | HPTE_R_M | 0x2ull /* PP 10: read/write */;
		hv_hpte_install(m, slot, ptex, gdw0, gdw1, ra);
	}
	p->rma_bytes = bytes;
	p->rma_shift = (uint8_t)page_shift;
	p->ail = 0; /* PAPR's initial state: interrupts in real mode, until H_SET_MODE asks for more */
	return HV_OK;
}
