/*
 * Private to the reference model (ref.c, ref_hpt.c): what one predicted
 * call carries and the helpers both halves share. Portable (no libc).
 */
#ifndef LPARSEC_REF_INTERNAL_H
#define LPARSEC_REF_INTERNAL_H

#include "hv/papr.h"
#include "lparsec/ref.h"

#define LMB_SHIFT 18      /* LP_LMB_BYTES = 256 KiB */
#define PAGE_4K   4096ull

_Static_assert(LP_LMB_BYTES == (1ull << LMB_SHIFT), "LMB_SHIFT must match LP_LMB_BYTES");
_Static_assert(LP_LOGICAL_LMBS <= 64, "owned is a 64-bit mask");

/* One call being predicted. */
struct ref_call {
	struct lp_ref *r;
	const struct lp_ref_env *env;
	unsigned part;
	const uint64_t *arg;
	struct lp_ref_pred *pred;
};

/* Every logical LMB [la, la + len) touches is owned by part (false for len 0 or a wrap). */
bool lp_ref_range_owned(const struct lp_ref *r, unsigned part, uint64_t la, uint64_t len);

/* HPT calls (ref_hpt.c): false when opcode is not one of them, else *rc is the prediction's r3. */
bool lp_ref_hpt_call(struct ref_call *c, uint64_t opcode, int64_t *rc);
/* Drops every entry of part whose page overlaps logical LMB lmb (DLPAR memory removal). */
void lp_ref_hpt_drop_lmb(struct lp_ref *r, unsigned part, uint64_t lmb);

#endif /* LPARSEC_REF_INTERNAL_H */
