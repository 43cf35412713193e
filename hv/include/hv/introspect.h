/*
 * INTROSPECTION: the core's internal records, for the isolation oracles,
 * the reference model's environment and the unit tests -- never for a
 * driver. A driver (host-direct, Unicorn, firmware) needs only hcall.h,
 * machine.h, plat.h and regs.h; what is here may change with the core's
 * implementation, and reading it is how a checker looks behind the API
 * (reverse-map links, the guest-view shadow, raw pointers into real memory).
 */
#ifndef HV_INTROSPECT_H
#define HV_INTROSPECT_H

#include "hv/machine.h"

enum hv_lmb_state { HV_LMB_FREE = 0, HV_LMB_ASSIGNED = 1, HV_LMB_HYP = 2 };

/* One real LMB (hypervisor-private, host endianness): m->lmb[0 .. m->lmb_count). */
struct hv_lmb {
	uint8_t state;       /* enum hv_lmb_state */
	uint8_t owner;       /* partition slot when ASSIGNED */
	uint16_t pad;
	uint32_t logical;    /* logical LMB index inside the owner */
	uint32_t hpte_head;  /* reverse map: first node of the HPTEs whose real base lies here */
	uint32_t hpte_count;
};

/* Per-HPTE hypervisor-private record, parallel to the hardware HPT: p->meta[0 .. p->nhpte). */
struct hv_hpte_meta {
	uint64_t gdw0;      /* guest view of dword 0 (hcall format, V set when valid) */
	uint64_t gdw1;      /* guest view of dword 1 (logical RPN, guest R/C) */
	uint32_t next;      /* reverse-map links (node = slot * nhpte_max + ptex + 1; 0 = none) */
	uint32_t prev;
	uint32_t lmb;       /* real LMB the entry is linked on */
	uint32_t pad;
};

/* Host pointer of real address ra (the core's own accessor). */
static inline uint8_t *hv_real_ptr(struct hv_machine *m, hv_raddr_t ra) { return m->mem + ra.v; }

/*
 * Translates [la, la + len) of partition p to one contiguous real range.
 * Fails (false) unless every byte is in an LMB p owns and the real range is
 * contiguous.
 */
bool hv_translate(struct hv_machine *m, const struct hv_partition *p, hv_laddr_t la, uint64_t len,
		  hv_raddr_t *ra);

/* Which partition slot owns real address ra: slot, -1 free, -2 hypervisor, -3 outside memory. */
int hv_real_owner(const struct hv_machine *m, hv_raddr_t ra);

/* Real address of HPTE ptex of p (its two hardware doublewords, big-endian). */
static inline hv_raddr_t hv_hpte_addr(const struct hv_partition *p, uint64_t ptex)
{
	return hv_ra_add(p->hpt, ptex * HPTE_BYTES);
}

/* Page size (log2) an HPTE maps, from its guest-view words; 0 when invalid encoding. */
unsigned hv_hpte_actual_shift(uint64_t dw0, uint64_t dw1, unsigned *base_shift);

/*
 * What an I/O adapter does: translates bus address `bus` of window liobn of
 * partition slot through the real TCE table, for a write or a read.
 */
bool hv_dma_translate(struct hv_machine *m, uint32_t slot, uint32_t liobn, uint64_t bus, bool write,
		      hv_raddr_t *ra);

/* Window of partition slot named liobn, or 0. */
struct hv_window *hv_window_find(struct hv_machine *m, uint32_t slot, uint32_t liobn);

#endif /* HV_INTROSPECT_H */
