/*
 * The invariant checker on a machine no program drives: an operating
 * system and attacker guests running as partitions (the firmware's Linux
 * box, hv/plat/ppc64/linux.c). Nothing predicts what an operating
 * system's hcalls should answer, so the model comparisons (I6-I8) have
 * nothing to compare; the rest of the checker applies as it does to
 * programs, reading the raw tables (inv_os.c):
 *
 *  - at every dispatch, I5: the vCPU the core puts on a thread holds
 *    exactly the registers it had as it trapped out for the last time
 *    (the driver records them before the core sees them), with only what
 *    its way of leaving defines applied -- r3 = H_SUCCESS and r4-r12
 *    zero (no outputs) when an hcall gave up the thread, and MSR[EE] set
 *    by H_CEDE;
 *  - at every dispatch, I1-I3 for what changed since the last check:
 *    every hardware HPTE in a page of an HPT the platform reported written
 *    since, every partition's logical map, registrations and TCE windows;
 *    I4 for free memory written since;
 *  - at the end, the full sweep (I1-I4, idle threads), reading all memory
 *    rather than trusting the dirty map.
 *
 * Partitions are named by slot (x->loc[slot].slot = slot).
 */
#ifndef LPARSEC_INV_OS_H
#define LPARSEC_INV_OS_H

#include "lparsec/inv.h"

struct lp_inv_os {
	struct lp_exec *x;         /* x->m[0] is the machine: the driver builds it there */
	/*
	 * The platform's map of pages written since the last check (bit n:
	 * 4 KiB page n of the machine), which plat_mem_dirty keeps: the checker
	 * reads it at a dispatch and clears it.
	 */
	uint64_t *recent;
	uint64_t pages;
	/* What the checks covered, for the driver's summary. */
	unsigned long long dispatches, hptes, hpt_pages, free_pages;
};

/*
 * Starts watching x->m[0], a machine the driver set up (and keeps running)
 * there: the checker's context is reset, scratch becomes its (empty)
 * program, no vCPU has a record yet. recent may be NULL (no incremental
 * HPT and free-memory checks; the final sweep still reads everything);
 * what it holds now is checked at the first dispatch.
 */
void lp_inv_os_begin(struct lp_inv_os *w, struct lp_exec *x, struct lp_prog *scratch, uint64_t *recent,
		     uint64_t pages);

/* How a vCPU may leave its thread, for what its next dispatch must restore. */
enum lp_inv_os_exit {
	LP_INV_OS_PREEMPTED,   /* HDEC: every register as it was */
	LP_INV_OS_HCALL,       /* sc 1 with opcode: the call's answer in r3 (H_SUCCESS when it resumes) */
};

/*
 * vCPU v of partition slot trapped with regs, at nia with msr (where the
 * interrupt saved them: the driver has not written them back into regs
 * yet): what its next dispatch must give back, should this exit give up
 * the thread. Drivers call it for every exit that may.
 */
void lp_inv_os_trapped(struct lp_inv_os *w, unsigned slot, unsigned v, const struct hv_regs *regs, uint64_t nia,
		       uint64_t msr, enum lp_inv_os_exit how, uint64_t opcode);

/*
 * Thread t of x->m[0] was just given a vCPU: I5 on its registers, then
 * I1-I4 for what changed since the last check. LP_INV_NONE, or the
 * violation (x->viol).
 */
enum lp_inv lp_inv_os_dispatched(struct lp_inv_os *w, uint32_t t);

/* The full sweep at the end. */
enum lp_inv lp_inv_os_final(struct lp_inv_os *w);

#endif /* LPARSEC_INV_OS_H */
