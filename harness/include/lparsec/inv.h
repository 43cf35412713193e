/*
 * The invariant checker (the oracles, DESIGN.md §2): after every operation
 * it checks what that operation touched, and a full sweep checks everything
 * at the end of a run. Portable (no libc). Each check fills x->viol with the
 * invariant id, the operation index and a one-line explanation.
 */
#ifndef LPARSEC_INV_H
#define LPARSEC_INV_H

#include "lparsec/exec.h"

/* Snapshot taken before a RELOCATE / MIGRATE (I11) or MEM_REMOVE (I4) of op opi. */
void lp_inv_before(struct lp_exec *x, uint32_t opi);

/*
 * Just before the driver dispatches op opi (the outgoing vCPU captured):
 * whether I5's check after it sees a state where its bug could live -- the
 * incoming vCPU has a record and the thread holds other values (the counts).
 */
void lp_inv_before_dispatch(struct lp_exec *x, uint32_t opi);

/* Incremental checks after op opi ran (its result in x->res[opi]). */
enum lp_inv lp_inv_after_op(struct lp_exec *x, uint32_t opi);

/* Compares an hcall's result with the reference model's prediction (I6/I7/I8). */
enum lp_inv lp_inv_hcall(struct lp_exec *x, uint32_t opi, const struct lp_ref_pred *pred);

/*
 * After an hcall (and lp_inv_hcall): every register against what the call
 * started from (x->hc_pre) with only its defined effects applied (I6 for a
 * register it does not define; I12 for a change the changed mask does not
 * name); a vCPU that gave up its thread must have left exactly that in its
 * save area (I5), which becomes the record its next dispatch is judged by.
 */
enum lp_inv lp_inv_hcall_regs(struct lp_exec *x, uint32_t opi, const struct lp_ref_pred *pred,
			      const struct hv_regs *after, uint32_t changed);

/*
 * vCPU states and every thread's occupant against the model (I7): every
 * vCPU (all), or those the model saw the last operation change.
 */
enum lp_inv lp_inv_check_vcpus(struct lp_exec *x, uint32_t opi, bool all);

/* Everything, over both machines (I1, I2, I3, I4 for free LMBs, I9, model state). */
enum lp_inv lp_inv_full(struct lp_exec *x, uint32_t opi);

/*
 * I10 for stores the platform never heard of, after a clean run: pages of
 * machine mach that map (the platform's dirty map: bit n set = page n
 * reported written since its reset) calls clean, inside LMBs the hypervisor
 * or a partition holds, must read zero -- a store that skipped
 * plat_mem_dirty is neither swept by fast checks nor reset. samples == 0:
 * every such page (repro); otherwise that many pages picked by *seed (a
 * splitmix64 state: the fuzzers' fast mode).
 */
enum lp_inv lp_inv_check_unreported(struct lp_exec *x, unsigned mach, const uint64_t *map, unsigned samples,
				    uint64_t *seed);

/*
 * The checker's own decoding of an HPTE's page size (papr-spec §2.5): the
 * actual page shift and, in *base, the base page shift its segment needs;
 * 0 (*base 0) for an encoding the ISA does not define.
 */
unsigned lp_inv_page_shift(uint64_t dw0, uint64_t dw1, unsigned *base);

/* Writes a violation (used by the checks and the executor). */
enum lp_inv lp_violate(struct lp_exec *x, enum lp_inv inv, uint32_t opi, const char *msg, uint64_t a, uint64_t b);

#endif /* LPARSEC_INV_H */
