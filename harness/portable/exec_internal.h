/*
 * Pieces of the executor shared between its files (select.c, access.c,
 * backdoor.c, exec.c). Not a public interface.
 */
#ifndef LPARSEC_EXEC_INTERNAL_H
#define LPARSEC_EXEC_INTERNAL_H

#include "hv/plat.h"
#include "lparsec/exec.h"
#include "lparsec/inv.h"

static inline struct hv_machine *lp_mach(struct lp_exec *x, unsigned part)
{
	return &x->m[x->loc[part].machine];
}

static inline struct hv_partition *lp_partition(struct lp_exec *x, unsigned part)
{
	return x->loc[part].alive ? hv_part(lp_mach(x, part), x->loc[part].slot) : 0;
}

/* Resolves argument i of op for its actor (select.c). */
uint64_t lp_resolve(struct lp_exec *x, const struct lp_op *op, unsigned i);

/* LOAD/STORE through the partition's HPT, DMA through its TCEs (access.c). */
void lp_run_access(struct lp_exec *x, uint32_t opi, const struct lp_op *op);

/* Applies a corruption for the oracle tests (backdoor.c). */
void lp_run_backdoor(struct lp_exec *x, const struct lp_op *op);
/* The RELOC_LOSE corruption, applied after a relocation when armed. */
void lp_backdoor_after_relocate(struct lp_exec *x, unsigned part, uint32_t logical_lmb);

/* Program partition running as (machine, slot), or -1. */
int lp_part_of(const struct lp_exec *x, unsigned machine, unsigned slot);

/* Copies a thread's live registers into the harness's record of the vCPU it runs (I5). */
void lp_capture_thread(struct lp_exec *x, unsigned machine, unsigned thread);

#endif
